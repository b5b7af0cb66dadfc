#include "servecommand.h"

#include "consoleserver.h"
#include "terminalio.h"
#include "unixsignalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QHostAddress>

#include <csignal>
#include <memory>

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

} // namespace

int runServe(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        CliText::tr("Runs Tincan's servers until interrupted (SIGINT or SIGTERM), then shuts down cleanly: running "
           "commands are terminated and every client is told. Prints one line per service once it listens: "
           "NAME: listening on ADDR:PORT"));
    parser.addHelpOption();
    const QCommandLineOption consoleOption(QStringLiteral("console"),
                                           CliText::tr("Serve remote commands on PORT (the tutorial uses 8082). "
                                              "Tincan and classic clients share the port."),
                                           CliText::tr("port"));
    const QCommandLineOption bindOption(QStringLiteral("bind"),
                                        CliText::tr("Address to listen on (default 127.0.0.1)."), CliText::tr("address"),
                                        QStringLiteral("127.0.0.1"));
    const QCommandLineOption insecureOption(
        QStringLiteral("insecure"),
        CliText::tr("Allow the console on a non-loopback address without authentication. Anyone who can reach the "
           "port can run commands as this user."));
    const QCommandLineOption capOption(QStringLiteral("classic-reply-cap"),
                                       CliText::tr("Largest classic reply in bytes before it is truncated (default %1).")
                                           .arg(ConsoleServer::Options().classicReplyCap),
                                       CliText::tr("bytes"));
    const QCommandLineOption quietOption(QStringLiteral("quiet"),
                                         CliText::tr("Do not log connections and commands on standard error."));
    parser.addOptions({consoleOption, bindOption, insecureOption, capOption, quietOption});

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
    if (!parser.isSet(consoleOption)) {
        reportError(CliText::tr("serve: no service chosen. Try: tincan-cli serve --console 8082"));
        return 2;
    }

    ConsoleServer::Options options;
    const auto port = parsePort(parser.value(consoleOption));
    if (!port) {
        reportError(CliText::tr("serve: invalid port \"%1\".").arg(parser.value(consoleOption)));
        return 2;
    }
    options.port = *port;
    const auto address = parseBindAddress(parser.value(bindOption));
    if (!address) {
        reportError(CliText::tr("serve: invalid address \"%1\".").arg(parser.value(bindOption)));
        return 2;
    }
    options.address = *address;
    options.insecure = parser.isSet(insecureOption);
    if (parser.isSet(capOption)) {
        bool ok = false;
        const qint64 cap = parser.value(capOption).toLongLong(&ok);
        if (!ok || cap < 0) {
            reportError(CliText::tr("serve: invalid byte count \"%1\".").arg(parser.value(capOption)));
            return 2;
        }
        options.classicReplyCap = cap;
    }

    ::signal(SIGPIPE, SIG_IGN);
    UnixSignalWatcher signalWatcher({SIGINT, SIGTERM, SIGHUP});
    ConsoleServer console;
    if (!console.listen(options)) {
        reportError(QStringLiteral("console: ") + console.errorString());
        return 1;
    }
    if (options.insecure && !ConsoleServer::isLoopback(options.address)) {
        printError(CliText::tr("WARNING: the console listens on %1 with NO authentication. Anyone who can reach this "
                      "port can run any command as this user.")
                       .arg(options.address.toString()));
    }

    if (!parser.isSet(quietOption)) {
        QObject::connect(&console, &ConsoleServer::clientConnected, &console,
                         [](quint64 id, const QHostAddress &peer, quint16 peerPort) {
                             logEvent(CliText::tr("console: client %1 connected from %2:%3")
                                          .arg(id)
                                          .arg(peer.toString())
                                          .arg(peerPort));
                         });
        QObject::connect(&console, &ConsoleServer::clientDisconnected, &console,
                         [](quint64 id) { logEvent(CliText::tr("console: client %1 disconnected").arg(id)); });
        QObject::connect(&console, &ConsoleServer::commandStarted, &console,
                         [](quint64 id, const QString &request, const QString &command, qint64 pid) {
                             logEvent(CliText::tr("console: client %1 request %2 started pid %3: %4")
                                          .arg(id)
                                          .arg(request)
                                          .arg(pid)
                                          .arg(command.left(200)));
                         });
        QObject::connect(&console, &ConsoleServer::commandFinished, &console,
                         [](quint64 id, const QString &request, ProcessExit exit) {
                             logEvent(CliText::tr("console: client %1 request %2 finished: %3")
                                          .arg(id)
                                          .arg(request, formatExit(exit)));
                         });
        QObject::connect(&console, &ConsoleServer::protocolErrorOccurred, &console,
                         [](quint64 id, const QString &message) {
                             logEvent(CliText::tr("console: client %1 protocol error: %2").arg(id).arg(message));
                         });
    }

    printLine(QStringLiteral("console: listening on %1:%2").arg(console.serverAddress().toString()).arg(console.serverPort()));

    bool stopping = false;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, &console, [&](int signal) {
        if (stopping) {
            // A second signal: leave now; destructors still kill and reap.
            QCoreApplication::exit(128 + signal);
            return;
        }
        stopping = true;
        if (!parser.isSet(quietOption))
            logEvent(CliText::tr("shutting down (signal %1)").arg(signal));
        console.shutdown();
    });
    QObject::connect(&console, &ConsoleServer::shutdownFinished, &console, [] { QCoreApplication::exit(0); });
    return QCoreApplication::exec();
}

} // namespace Tincan::Cli
