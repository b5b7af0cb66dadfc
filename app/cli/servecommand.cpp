#include "app/cli/servecommand.h"

#include "app/cli/passwordinput.h"
#include "app/cli/terminalio.h"
#include "net/console/consoleserver.h"
#include "net/console/outputencoding.h"
#include "net/process/unixsignalwatcher.h"
#include "net/services/echoservices.h"
#include "net/services/udpcommandservice.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QHostAddress>

#include <csignal>
#include <functional>
#include <memory>
#include <optional>

namespace Tincan::Cli {

namespace {

std::optional<quint16> parsePort(const QString &text)
{
    bool ok = false;
    const uint port = text.toUInt(&ok);
    if (!ok || port > 65535)
        return std::nullopt;
    return quint16(port);
}

std::optional<QHostAddress> parseBindAddress(const QString &text)
{
    if (text.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    if (text == QStringLiteral("*") || text == QStringLiteral("0.0.0.0"))
        return QHostAddress(QHostAddress::AnyIPv4);
    if (text == QStringLiteral("::"))
        return QHostAddress(QHostAddress::AnyIPv6);
    QHostAddress address;
    if (!address.setAddress(text))
        return std::nullopt;
    return address;
}

QString formatExit(const ProcessExit &exit)
{
    return exit.signal ? CliText::tr("killed by signal %1").arg(exit.signal)
                       : CliText::tr("exit %1").arg(exit.exitCode);
}

void logEvent(const QString &text)
{
    printError(QDateTime::currentDateTime().toString(Qt::ISODate) + QLatin1Char(' ') + text);
}

// A positive whole number of an option, within bounds; nullopt when not.
std::optional<qint64> parseCount(const QString &text, qint64 min, qint64 max)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < min || value > max)
        return std::nullopt;
    return value;
}

// The console's password, from --password-file (hashed here, in memory) or
// --password-hash-file. Nullopt after reporting an error; a null hash when
// neither option is given.
std::optional<PasswordHash> loadPassword(const QString &plainFile, const QString &hashFile)
{
    const QString &path = plainFile.isEmpty() ? hashFile : plainFile;
    if (path.isEmpty())
        return PasswordHash();
    if (!plainFile.isEmpty() && !hashFile.isEmpty()) {
        reportError(CliText::tr("serve: give --password-file or --password-hash-file, not both."));
        return std::nullopt;
    }
    QString error;
    std::optional<PasswordHash> hash;
    if (!plainFile.isEmpty()) {
        const std::optional<QString> password = readPasswordFile(plainFile, &error);
        if (password)
            hash = PasswordHash::create(*password, PasswordHash::DefaultIterations, &error);
    } else if (const std::optional<QString> line = readFirstLine(hashFile, &error)) {
        hash = PasswordHash::fromString(*line, &error);
    }
    if (!hash) {
        reportError(CliText::tr("serve: %1: %2").arg(path, error));
        return std::nullopt;
    }
    if (isReadableByOthers(path))
        printError(CliText::tr("WARNING: %1 is readable by other users; it lets them log in to this console. "
                               "Make it private: chmod 600 %1")
                       .arg(path));
    return hash;
}

} // namespace

int runServe(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        CliText::tr("Runs Tincan's servers until interrupted (SIGINT or SIGTERM), then shuts down cleanly: running "
                    "commands are terminated and every client is told. Prints one line per service once it "
                    "listens: NAME: listening on ADDR:PORT"));
    parser.addHelpOption();
    const QCommandLineOption consoleOption(QStringLiteral("console"),
                                           CliText::tr("Serve remote commands on TCP PORT (the tutorial uses 8082). "
                                                       "Tincan and classic clients share the port."),
                                           CliText::tr("port"));
    const QCommandLineOption echoTcpOption(QStringLiteral("echo-tcp"),
                                           CliText::tr("Upper-case echo over TCP on PORT (the tutorial uses 8080)."),
                                           CliText::tr("port"));
    const QCommandLineOption echoUdpOption(QStringLiteral("echo-udp"),
                                           CliText::tr("Upper-case echo over UDP on PORT (the tutorial uses 9000)."),
                                           CliText::tr("port"));
    const QCommandLineOption execUdpOption(
        QStringLiteral("exec-udp"),
        CliText::tr("Run commands sent as UDP datagrams on PORT, answering with two datagrams: stderr, then "
                    "stdout (the tutorial uses 9003)."),
        CliText::tr("port"));
    const QCommandLineOption bindOption(QStringLiteral("bind"),
                                        CliText::tr("Address to listen on (default 127.0.0.1)."),
                                        CliText::tr("address"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption insecureOption(
        QStringLiteral("insecure"),
        CliText::tr("Allow the UDP commands, and the console without a password, on a non-loopback address, and "
                    "classic (unauthenticated) console clients from any address. Anyone who can reach those ports "
                    "can run commands as this user."));
    const QCommandLineOption passwordFileOption(
        QStringLiteral("password-file"),
        CliText::tr("Require a password for the console: the first line of FILE. It is hashed in memory and never "
                    "logged. The console may then listen on any address; classic clients, which cannot log in, "
                    "are served from this machine only."),
        CliText::tr("file"));
    const QCommandLineOption passwordHashFileOption(
        QStringLiteral("password-hash-file"),
        CliText::tr("Like --password-file, but FILE holds a hash made by `tincan-cli passwd`, not the password."),
        CliText::tr("file"));
    const QCommandLineOption noClassicOption(
        QStringLiteral("no-classic"),
        CliText::tr("Refuse classic console clients, even from this machine: they cannot log in, so on a machine "
                    "shared with other users they would bypass the password."));
    const QCommandLineOption allowAnyPathOption(
        QStringLiteral("allow-any-path"),
        CliText::tr("Let console file transfers name any path the server's user may use: absolute paths, .. out of "
                    "the session's directory, links leading out of it. Without it they stay inside the session's "
                    "working directory."));
    const ConsoleServer::Options defaults;
    const QCommandLineOption maxConnectionsOption(
        QStringLiteral("max-connections"),
        CliText::tr("Console connections at once, in all (default %1).").arg(defaults.maxConnections),
        CliText::tr("count"));
    const QCommandLineOption maxPerAddressOption(
        QStringLiteral("max-connections-per-address"),
        CliText::tr("Console connections at once from one address (default %1).")
            .arg(defaults.maxConnectionsPerAddress),
        CliText::tr("count"));
    const QCommandLineOption loginGraceOption(
        QStringLiteral("login-grace-time"),
        CliText::tr("Seconds a console client has to log in before it is cut (default %1).")
            .arg(std::chrono::duration_cast<std::chrono::seconds>(defaults.loginGraceTime).count()),
        CliText::tr("seconds"));
    const QCommandLineOption penaltyOption(
        QStringLiteral("login-penalty"),
        CliText::tr("Seconds an address waits after a failed console login before its next attempt is answered; "
                    "each further failure doubles it (default %1).")
            .arg(std::chrono::duration_cast<std::chrono::seconds>(defaults.penaltyBase).count()),
        CliText::tr("seconds"));
    const QCommandLineOption penaltyMaxOption(
        QStringLiteral("login-penalty-max"),
        CliText::tr("The longest wait after failed console logins (default %1).")
            .arg(std::chrono::duration_cast<std::chrono::seconds>(defaults.penaltyMax).count()),
        CliText::tr("seconds"));
    const QCommandLineOption idleTimeoutOption(
        QStringLiteral("idle-timeout"),
        CliText::tr("Close a console connection that runs nothing and sends nothing for this many seconds "
                    "(default 0: never)."),
        CliText::tr("seconds"));
    const QCommandLineOption capOption(
        QStringLiteral("classic-reply-cap"),
        CliText::tr("Largest classic reply in bytes before it is truncated (default %1).")
            .arg(ConsoleServer::Options().classicReplyCap),
        CliText::tr("bytes"));
    const QCommandLineOption tlsOption(
        QStringLiteral("tls"),
        CliText::tr("TLS for the console: auto (the default: on when a password is set, off otherwise), on, or "
                    "off. When on, TLS and plaintext clients share the port, and clients on other machines must "
                    "use TLS; the fingerprint clients pin is printed after the listening line."),
        QStringLiteral("auto|on|off"), QStringLiteral("auto"));
    const QCommandLineOption tlsDirOption(
        QStringLiteral("tls-dir"),
        CliText::tr("Directory of the console's TLS key and certificate, made on first use (default %1).")
            .arg(ConsoleServer::defaultTlsDirectory()),
        CliText::tr("dir"));
    const QCommandLineOption encodingOption(
        QStringLiteral("encoding"),
        CliText::tr("The encoding the console announces for command output (default: this locale's charset, %1 "
                    "here). Set it when the commands print in another. Output is sent as it is; clients decode it.")
            .arg(localeOutputEncoding()),
        CliText::tr("name"));
    const QCommandLineOption quietOption(
        QStringLiteral("quiet"),
        CliText::tr("Do not log connections and commands on standard error (refused connections and failed logins "
                    "are still logged)."));
    parser.addOptions({consoleOption,       echoTcpOption,      echoUdpOption,      execUdpOption,
                       bindOption,          insecureOption,     passwordFileOption, passwordHashFileOption,
                       noClassicOption,     allowAnyPathOption, capOption,          maxConnectionsOption,
                       maxPerAddressOption, loginGraceOption,   penaltyOption,      penaltyMaxOption,
                       idleTimeoutOption,   tlsOption,          tlsDirOption,       encodingOption,
                       quietOption});

    if (!parser.parse(arguments)) {
        reportError(parser.errorText());
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printLine(parser.helpText().trimmed());
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        reportError(CliText::tr("serve: unexpected argument \"%1\".").arg(parser.positionalArguments().constFirst()));
        return 2;
    }

    // Every service asked for, with its port, in the order they start.
    struct Requested
    {
        QString name;
        std::optional<quint16> port;
    };
    QList<Requested> requested;
    for (const QCommandLineOption *option : {&consoleOption, &echoTcpOption, &echoUdpOption, &execUdpOption}) {
        if (!parser.isSet(*option))
            continue;
        const auto port = parsePort(parser.value(*option));
        if (!port) {
            reportError(CliText::tr("serve: invalid port \"%1\" for --%2.")
                            .arg(parser.value(*option), option->names().constFirst()));
            return 2;
        }
        requested.append({option->names().constFirst(), port});
    }
    if (requested.isEmpty()) {
        reportError(CliText::tr("serve: no service chosen. Try: tincan-cli serve --console 8082 --echo-tcp 8080"));
        return 2;
    }
    const auto address = parseBindAddress(parser.value(bindOption));
    if (!address) {
        reportError(CliText::tr("serve: invalid address \"%1\".").arg(parser.value(bindOption)));
        return 2;
    }
    const bool insecure = parser.isSet(insecureOption);
    ConsoleServer::Options consoleOptions;
    consoleOptions.address = *address;
    consoleOptions.insecure = insecure;
    consoleOptions.classicAllowed = !parser.isSet(noClassicOption);
    consoleOptions.allowAnyPath = parser.isSet(allowAnyPathOption);
    if (parser.isSet(capOption)) {
        bool ok = false;
        const qint64 cap = parser.value(capOption).toLongLong(&ok);
        if (!ok || cap < 0) {
            reportError(CliText::tr("serve: invalid byte count \"%1\".").arg(parser.value(capOption)));
            return 2;
        }
        consoleOptions.classicReplyCap = cap;
    }
    // Bounds that keep the numbers meaningful: a day of grace or idleness,
    // a million connections, are already beyond any use.
    constexpr qint64 MaxSeconds = 24 * 3600;
    constexpr qint64 MaxConnectionCount = 1'000'000;
    struct CountOption
    {
        const QCommandLineOption *option;
        qint64 min;
        qint64 max;
        std::function<void(qint64)> apply;
    };
    const CountOption counts[] = {
        {&maxConnectionsOption, 1, MaxConnectionCount, [&](qint64 v) { consoleOptions.maxConnections = int(v); }},
        {&maxPerAddressOption, 1, MaxConnectionCount,
         [&](qint64 v) { consoleOptions.maxConnectionsPerAddress = int(v); }},
        {&loginGraceOption, 1, MaxSeconds, [&](qint64 v) { consoleOptions.loginGraceTime = std::chrono::seconds(v); }},
        {&penaltyOption, 0, MaxSeconds, [&](qint64 v) { consoleOptions.penaltyBase = std::chrono::seconds(v); }},
        {&penaltyMaxOption, 0, MaxSeconds, [&](qint64 v) { consoleOptions.penaltyMax = std::chrono::seconds(v); }},
        {&idleTimeoutOption, 0, MaxSeconds, [&](qint64 v) { consoleOptions.idleTimeout = std::chrono::seconds(v); }},
    };
    for (const CountOption &count : counts) {
        if (!parser.isSet(*count.option))
            continue;
        const std::optional<qint64> value = parseCount(parser.value(*count.option), count.min, count.max);
        if (!value) {
            reportError(CliText::tr("serve: --%1 takes a number from %2 to %3, not \"%4\".")
                            .arg(count.option->names().constFirst())
                            .arg(count.min)
                            .arg(count.max)
                            .arg(parser.value(*count.option)));
            return 2;
        }
        count.apply(*value);
    }
    if (consoleOptions.penaltyMax < consoleOptions.penaltyBase) {
        if (parser.isSet(penaltyMaxOption)) {
            reportError(CliText::tr("serve: --login-penalty-max must be at least --login-penalty."));
            return 2;
        }
        consoleOptions.penaltyMax = consoleOptions.penaltyBase; // a longer first wait raises the ceiling
    }
    {
        const QString tls = parser.value(tlsOption);
        if (tls == QStringLiteral("auto"))
            consoleOptions.tls = ConsoleServer::TlsPolicy::Auto;
        else if (tls == QStringLiteral("on"))
            consoleOptions.tls = ConsoleServer::TlsPolicy::RequiredForRemote;
        else if (tls == QStringLiteral("off"))
            consoleOptions.tls = ConsoleServer::TlsPolicy::Off;
        else {
            reportError(CliText::tr("serve: --tls takes auto, on or off, not \"%1\".").arg(tls));
            return 2;
        }
        consoleOptions.tlsDirectory = parser.value(tlsDirOption);
    }
    consoleOptions.outputEncoding = parser.value(encodingOption); // checked by listen()
    {
        const std::optional<PasswordHash> password
            = loadPassword(parser.value(passwordFileOption), parser.value(passwordHashFileOption));
        if (!password)
            return 2;
        consoleOptions.password = *password;
    }

    ::signal(SIGPIPE, SIG_IGN);
    UnixSignalWatcher signalWatcher({SIGINT, SIGTERM, SIGHUP});
    const bool verbose = !parser.isSet(quietOption);
    std::unique_ptr<ConsoleServer> console;
    std::unique_ptr<EchoTcpServer> echoTcp;
    std::unique_ptr<EchoUdpService> echoUdp;
    std::unique_ptr<UdpCommandService> execUdp;
    QStringList ready;
    const auto listening = [](const QString &name, const QHostAddress &at, quint16 port) {
        return QStringLiteral("%1: listening on %2:%3").arg(name, at.toString()).arg(port);
    };
    const auto logClients = [verbose](auto *service, const QString &name) {
        if (!verbose)
            return;
        QObject::connect(
            service, &std::remove_pointer_t<decltype(service)>::clientConnected, service,
            [name](const ClientInfo &client) {
                logEvent(CliText::tr("%1: %2:%3 connected").arg(name, client.address.toString()).arg(client.port));
            });
    };

    for (const Requested &service : std::as_const(requested)) {
        const quint16 port = *service.port;
        if (service.name == QStringLiteral("console")) {
            consoleOptions.port = port;
            console = std::make_unique<ConsoleServer>();
            if (!console->listen(consoleOptions)) {
                reportError(QStringLiteral("console: ") + console->errorString());
                return 1;
            }
            ready.append(listening(service.name, console->serverAddress(), console->serverPort()));
            for (const QString &note : console->tlsNotes())
                logEvent(QStringLiteral("console: ") + note);
            if (console->isTlsEnabled())
                ready.append(QStringLiteral("console: TLS fingerprint %1").arg(console->tlsFingerprint().toString()));
        } else if (service.name == QStringLiteral("echo-tcp")) {
            echoTcp = std::make_unique<EchoTcpServer>();
            if (!echoTcp->listen(*address, port)) {
                reportError(QStringLiteral("echo-tcp: ") + echoTcp->errorString());
                return 1;
            }
            logClients(echoTcp.get(), service.name);
            ready.append(listening(service.name, echoTcp->serverAddress(), echoTcp->serverPort()));
        } else if (service.name == QStringLiteral("echo-udp")) {
            echoUdp = std::make_unique<EchoUdpService>();
            if (!echoUdp->bind(*address, port)) {
                reportError(QStringLiteral("echo-udp: ") + echoUdp->errorString());
                return 1;
            }
            logClients(echoUdp.get(), service.name);
            ready.append(listening(service.name, echoUdp->localAddress(), echoUdp->localPort()));
        } else {
            execUdp = std::make_unique<UdpCommandService>();
            if (!execUdp->bind(*address, port, insecure)) {
                reportError(QStringLiteral("exec-udp: ") + execUdp->errorString());
                return 1;
            }
            if (verbose) {
                QObject::connect(execUdp.get(), &UdpCommandService::commandStarted, execUdp.get(),
                                 [](quint64, const QString &command, qint64 pid) {
                                     logEvent(
                                         CliText::tr("exec-udp: started pid %1: %2").arg(pid).arg(command.left(200)));
                                 });
                QObject::connect(
                    execUdp.get(), &UdpCommandService::commandFinished, execUdp.get(),
                    [](quint64, const QString &command, ProcessExit exit) {
                        logEvent(CliText::tr("exec-udp: finished (%1): %2").arg(formatExit(exit), command.left(200)));
                    });
            }
            ready.append(listening(service.name, execUdp->localAddress(), execUdp->localPort()));
        }
    }
    if (insecure && !ConsoleServer::isLoopback(*address) && (console || execUdp)) {
        if (execUdp || consoleOptions.password.isNull())
            printError(CliText::tr("WARNING: --insecure: commands are served on %1 with NO authentication. Anyone "
                                   "who can reach this port can run any command as this user.")
                           .arg(address->toString()));
        else
            printError(CliText::tr("WARNING: --insecure: classic console clients from any address run commands on "
                                   "%1 with NO password. Anyone who can reach this port can run any command as "
                                   "this user.")
                           .arg(address->toString()));
    } else if (insecure && (console || execUdp)) {
        printError(CliText::tr("WARNING: --insecure is given; on %1 only this machine can connect, so it changes "
                               "nothing yet. Listening on another address would serve commands without a "
                               "password.")
                       .arg(address->toString()));
    }
    if (console && !consoleOptions.password.isNull() && verbose)
        logEvent(CliText::tr("console: clients must log in with the password (%1 PBKDF2 iterations)")
                     .arg(consoleOptions.password.iterations()));

    if (console) {
        // Refusals and failed logins are logged even with --quiet: they are
        // what an operator looks for after an attack.
        ConsoleServer *server = console.get();
        QObject::connect(
            server, &ConsoleServer::connectionRefused, server,
            [](quint64 id, const QHostAddress &peer, quint16 peerPort, const QString &reason) {
                if (id == 0)
                    logEvent(CliText::tr("console: refused %1:%2: %3").arg(peer.toString()).arg(peerPort).arg(reason));
                else
                    logEvent(CliText::tr("console: client %1 (%2:%3) refused: %4")
                                 .arg(id)
                                 .arg(peer.toString())
                                 .arg(peerPort)
                                 .arg(reason));
            });
        QObject::connect(server, &ConsoleServer::authenticationFailed, server,
                         [](quint64 id, const QHostAddress &peer, const QString &reason, qint64 penaltyMs) {
                             logEvent(CliText::tr("console: client %1 (%2) failed to log in: %3; that address "
                                                  "waits %4 ms")
                                          .arg(id)
                                          .arg(peer.toString(), reason)
                                          .arg(penaltyMs));
                         });
    }
    if (console && verbose) {
        ConsoleServer *server = console.get();
        QObject::connect(server, &ConsoleServer::authenticationSucceeded, server,
                         [](quint64 id, const QHostAddress &peer) {
                             logEvent(CliText::tr("console: client %1 (%2) logged in").arg(id).arg(peer.toString()));
                         });
        QObject::connect(
            server, &ConsoleServer::clientConnected, server,
            [](quint64 id, const QHostAddress &peer, quint16 peerPort) {
                logEvent(
                    CliText::tr("console: client %1 connected from %2:%3").arg(id).arg(peer.toString()).arg(peerPort));
            });
        QObject::connect(server, &ConsoleServer::clientDisconnected, server,
                         [](quint64 id) { logEvent(CliText::tr("console: client %1 disconnected").arg(id)); });
        QObject::connect(server, &ConsoleServer::commandStarted, server,
                         [](quint64 id, const QString &request, const QString &command, qint64 pid) {
                             logEvent(CliText::tr("console: client %1 request %2 started pid %3: %4")
                                          .arg(id)
                                          .arg(request)
                                          .arg(pid)
                                          .arg(command.left(200)));
                         });
        QObject::connect(
            server, &ConsoleServer::commandFinished, server, [](quint64 id, const QString &request, ProcessExit exit) {
                logEvent(
                    CliText::tr("console: client %1 request %2 finished: %3").arg(id).arg(request, formatExit(exit)));
            });
        QObject::connect(server, &ConsoleServer::transferStarted, server,
                         [](quint64 id, const QString &transfer, bool upload, const QString &path, qint64 size) {
                             logEvent((upload
                                           ? CliText::tr("console: client %1 transfer %2 upload of %3 bytes to %4")
                                           : CliText::tr("console: client %1 transfer %2 download of %3 bytes from %4"))
                                          .arg(id)
                                          .arg(transfer)
                                          .arg(size)
                                          .arg(path));
                         });
        QObject::connect(
            server, &ConsoleServer::transferFinished, server,
            [](quint64 id, const QString &transfer, bool ok, const QString &message) {
                logEvent(ok ? CliText::tr("console: client %1 transfer %2 done").arg(id).arg(transfer)
                            : CliText::tr("console: client %1 transfer %2 ended: %3").arg(id).arg(transfer, message));
            });
        QObject::connect(server, &ConsoleServer::protocolErrorOccurred, server, [](quint64 id, const QString &message) {
            logEvent(CliText::tr("console: client %1 protocol error: %2").arg(id).arg(message));
        });
    }

    for (const QString &line : std::as_const(ready))
        printLine(line);

    bool stopping = false;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, &signalWatcher, [&](int signal) {
        if (stopping) {
            // A second signal: leave now; destructors still kill and reap.
            QCoreApplication::exit(128 + signal);
            return;
        }
        stopping = true;
        if (verbose)
            logEvent(CliText::tr("shutting down (signal %1)").arg(signal));
        if (echoTcp)
            echoTcp->close();
        if (echoUdp)
            echoUdp->close();
        if (execUdp)
            execUdp->close();
        if (console)
            console->shutdown(); // exits through shutdownFinished
        else
            QCoreApplication::exit(0);
    });
    if (console)
        QObject::connect(console.get(), &ConsoleServer::shutdownFinished, console.get(),
                         [] { QCoreApplication::exit(0); });
    return QCoreApplication::exec();
}

} // namespace Tincan::Cli
