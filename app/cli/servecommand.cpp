#include "app/cli/servecommand.h"

#include "app/cli/passwordinput.h"
#include "app/cli/terminalio.h"
#include "host/hosteventformatter.h"
#include "host/servicehost.h"
#include "net/console/outputencoding.h"
#include "net/process/unixsignalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QHostAddress>

#include <csignal>
#include <optional>

namespace Tincan::Cli {

namespace {

qint64 inSeconds(std::chrono::milliseconds duration)
{
    return std::chrono::duration_cast<std::chrono::seconds>(duration).count();
}

// The options of `tincan-cli serve`, in the order --help lists them.
struct ServeOptions
{
    QCommandLineOption console{QStringLiteral("console"),
                               CliText::tr("Serve remote commands on TCP PORT (the tutorial uses 8082). "
                                           "Tincan and classic clients share the port."),
                               CliText::tr("port")};
    QCommandLineOption echoTcp{QStringLiteral("echo-tcp"),
                               CliText::tr("Upper-case echo over TCP on PORT (the tutorial uses 8080)."),
                               CliText::tr("port")};
    QCommandLineOption echoUdp{QStringLiteral("echo-udp"),
                               CliText::tr("Upper-case echo over UDP on PORT (the tutorial uses 9000)."),
                               CliText::tr("port")};
    QCommandLineOption execUdp{
        QStringLiteral("exec-udp"),
        CliText::tr("Run commands sent as UDP datagrams on PORT, answering with two datagrams: stderr, then "
                    "stdout (the tutorial uses 9003)."),
        CliText::tr("port")};
    QCommandLineOption bind{QStringLiteral("bind"), CliText::tr("Address to listen on (default 127.0.0.1)."),
                            CliText::tr("address"), QStringLiteral("127.0.0.1")};
    QCommandLineOption insecure{
        QStringLiteral("insecure"),
        CliText::tr("Allow the UDP commands, and the console without a password, on a non-loopback address, and "
                    "classic (unauthenticated) console clients from any address. Anyone who can reach those ports "
                    "can run commands as this user.")};
    QCommandLineOption passwordFile{
        QStringLiteral("password-file"),
        CliText::tr("Require a password for the console: the first line of FILE. It is hashed in memory and never "
                    "logged. The console may then listen on any address; classic clients, which cannot log in, "
                    "are served from this machine only."),
        CliText::tr("file")};
    QCommandLineOption passwordHashFile{
        QStringLiteral("password-hash-file"),
        CliText::tr("Like --password-file, but FILE holds a hash made by `tincan-cli passwd`, not the password."),
        CliText::tr("file")};
    QCommandLineOption noClassic{
        QStringLiteral("no-classic"),
        CliText::tr("Refuse classic console clients, even from this machine: they cannot log in, so on a machine "
                    "shared with other users they would bypass the password.")};
    QCommandLineOption allowAnyPath{
        QStringLiteral("allow-any-path"),
        CliText::tr("Let console file transfers name any path the server's user may use: absolute paths, .. out of "
                    "the session's directory, links leading out of it. Without it they stay inside the session's "
                    "working directory.")};
    QCommandLineOption maxConnections{
        QStringLiteral("max-connections"),
        CliText::tr("Console connections at once, in all (default %1).").arg(ConsoleServer::DefaultMaxConnections),
        CliText::tr("count")};
    QCommandLineOption maxPerAddress{QStringLiteral("max-connections-per-address"),
                                     CliText::tr("Console connections at once from one address (default %1).")
                                         .arg(ConsoleServer::DefaultMaxConnectionsPerAddress),
                                     CliText::tr("count")};
    QCommandLineOption loginGrace{QStringLiteral("login-grace-time"),
                                  CliText::tr("Seconds a console client has to log in before it is cut (default %1).")
                                      .arg(inSeconds(ConsoleServer::DefaultLoginGraceTime)),
                                  CliText::tr("seconds")};
    QCommandLineOption penalty{
        QStringLiteral("login-penalty"),
        CliText::tr("Seconds an address waits after a failed console login before its next attempt is answered; "
                    "each further failure doubles it (default %1).")
            .arg(inSeconds(ConsoleServer::DefaultPenaltyBase)),
        CliText::tr("seconds")};
    QCommandLineOption penaltyMax{QStringLiteral("login-penalty-max"),
                                  CliText::tr("The longest wait after failed console logins (default %1).")
                                      .arg(inSeconds(ConsoleServer::DefaultPenaltyMax)),
                                  CliText::tr("seconds")};
    QCommandLineOption idleTimeout{
        QStringLiteral("idle-timeout"),
        CliText::tr("Close a console connection that runs nothing and sends nothing for this many seconds "
                    "(default 0: never)."),
        CliText::tr("seconds")};
    QCommandLineOption cap{QStringLiteral("classic-reply-cap"),
                           CliText::tr("Largest classic reply in bytes before it is truncated (default %1).")
                               .arg(Console::Limits::DefaultClassicReplyCap),
                           CliText::tr("bytes")};
    QCommandLineOption tls{
        QStringLiteral("tls"),
        CliText::tr("TLS for the console: auto (the default: on when a password is set, off otherwise), on, or "
                    "off. When on, TLS and plaintext clients share the port, and clients on other machines must "
                    "use TLS; the fingerprint clients pin is printed after the listening line."),
        QStringLiteral("auto|on|off"), QStringLiteral("auto")};
    QCommandLineOption tlsDir{
        QStringLiteral("tls-dir"),
        CliText::tr("Directory of the console's TLS key and certificate, made on first use (default %1).")
            .arg(ConsoleServer::defaultTlsDirectory()),
        CliText::tr("dir")};
    QCommandLineOption encoding{
        QStringLiteral("encoding"),
        CliText::tr("The encoding the console announces for command output (default: this locale's charset, %1 "
                    "here). Set it when the commands print in another. Output is sent as it is; clients decode it.")
            .arg(localeOutputEncoding()),
        CliText::tr("name")};
    QCommandLineOption quiet{
        QStringLiteral("quiet"),
        CliText::tr("Do not log connections and commands on standard error (refused connections and failed logins "
                    "are still logged).")};

    QList<QCommandLineOption> all() const
    {
        return {console,          echoTcp,    echoUdp,      execUdp, bind,           insecure,      passwordFile,
                passwordHashFile, noClassic,  allowAnyPath, cap,     maxConnections, maxPerAddress, loginGrace,
                penalty,          penaltyMax, idleTimeout,  tls,     tlsDir,         encoding,      quiet};
    }
};

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

// A whole number of an option, within bounds; nullopt when not.
std::optional<qint64> parseCount(const QString &text, qint64 min, qint64 max)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < min || value > max)
        return std::nullopt;
    return value;
}

// The password hash read from one of the two files, or why it cannot be.
Expected<PasswordHash> readPasswordHash(const QString &plainFile, const QString &hashFile)
{
    if (!plainFile.isEmpty()) {
        const Expected<QString> password = readPasswordFile(plainFile);
        if (!password)
            return Failure{password.error()};
        return PasswordHash::create(*password, PasswordHash::DefaultIterations);
    }
    const Expected<QString> line = readFirstLine(hashFile);
    if (!line)
        return Failure{line.error()};
    return PasswordHash::fromString(*line);
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
    const Expected<PasswordHash> hash = readPasswordHash(plainFile, hashFile);
    if (!hash) {
        reportError(CliText::tr("serve: %1: %2").arg(path, hash.error()));
        return std::nullopt;
    }
    if (isReadableByOthers(path))
        printError(CliText::tr("WARNING: %1 is readable by other users; it lets them log in to this console. "
                               "Make it private: chmod 600 %1")
                       .arg(path));
    return *hash;
}

// The services asked for, on which ports, at which address. False after
// reporting what is wrong.
bool mapServices(const QCommandLineParser &parser, const ServeOptions &options, HostSettings &settings)
{
    const std::pair<const QCommandLineOption *, ServiceKind> services[] = {
        {&options.console, ServiceKind::Console},
        {&options.echoTcp, ServiceKind::EchoTcp},
        {&options.echoUdp, ServiceKind::EchoUdp},
        {&options.execUdp, ServiceKind::UdpCommands},
    };
    std::map<ServiceKind, quint16> ports;
    for (const auto &[option, kind] : services) {
        if (!parser.isSet(*option))
            continue;
        const auto port = parsePort(parser.value(*option));
        if (!port) {
            reportError(CliText::tr("serve: invalid port \"%1\" for --%2.")
                            .arg(parser.value(*option), option->names().constFirst()));
            return false;
        }
        ports[kind] = *port;
    }
    if (ports.empty()) {
        reportError(CliText::tr("serve: no service chosen. Try: tincan-cli serve --console 8082 --echo-tcp 8080"));
        return false;
    }
    const auto address = parseBindAddress(parser.value(options.bind));
    if (!address) {
        reportError(CliText::tr("serve: invalid address \"%1\".").arg(parser.value(options.bind)));
        return false;
    }
    for (const auto &[kind, port] : ports)
        settings.services[kind] = ListenSettings{*address, port, parser.isSet(options.insecure)};
    return true;
}

// The console's policy from its options. False after reporting what is wrong.
bool mapConsolePolicy(const QCommandLineParser &parser, const ServeOptions &options, HostSettings &settings)
{
    settings.classicAllowed = !parser.isSet(options.noClassic);
    settings.allowAnyPath = parser.isSet(options.allowAnyPath);
    if (parser.isSet(options.cap)) {
        bool ok = false;
        const qint64 cap = parser.value(options.cap).toLongLong(&ok);
        if (!ok || cap < 0) {
            reportError(CliText::tr("serve: invalid byte count \"%1\".").arg(parser.value(options.cap)));
            return false;
        }
        settings.classicReplyCap = cap;
    }
    constexpr qint64 MaxSeconds = HostSettings::MaxDuration.count();
    constexpr qint64 MaxConnections = HostSettings::MaxConnectionCount;
    using Seconds = std::chrono::seconds;
    struct CountOption
    {
        const QCommandLineOption *option;
        qint64 min;
        qint64 max;
        std::function<void(qint64)> apply;
    };
    const CountOption counts[] = {
        {&options.maxConnections, 1, MaxConnections, [&](qint64 v) { settings.maxConnections = int(v); }},
        {&options.maxPerAddress, 1, MaxConnections, [&](qint64 v) { settings.maxConnectionsPerAddress = int(v); }},
        {&options.loginGrace, 1, MaxSeconds, [&](qint64 v) { settings.loginGraceTime = Seconds(v); }},
        {&options.penalty, 0, MaxSeconds, [&](qint64 v) { settings.penaltyBase = Seconds(v); }},
        {&options.penaltyMax, 0, MaxSeconds, [&](qint64 v) { settings.penaltyMax = Seconds(v); }},
        {&options.idleTimeout, 0, MaxSeconds, [&](qint64 v) { settings.idleTimeout = Seconds(v); }},
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
            return false;
        }
        count.apply(*value);
    }
    if (settings.penaltyMax < settings.penaltyBase) {
        if (parser.isSet(options.penaltyMax)) {
            reportError(CliText::tr("serve: --login-penalty-max must be at least --login-penalty."));
            return false;
        }
        settings.penaltyMax = settings.penaltyBase; // a longer first wait raises the ceiling
    }
    const QString tls = parser.value(options.tls);
    if (tls == QStringLiteral("auto"))
        settings.tls = ConsoleServer::TlsPolicy::Auto;
    else if (tls == QStringLiteral("on"))
        settings.tls = ConsoleServer::TlsPolicy::RequiredForRemote;
    else if (tls == QStringLiteral("off"))
        settings.tls = ConsoleServer::TlsPolicy::Off;
    else {
        reportError(CliText::tr("serve: --tls takes auto, on or off, not \"%1\".").arg(tls));
        return false;
    }
    settings.tlsDirectory = parser.value(options.tlsDir);
    settings.outputEncoding = parser.value(options.encoding); // checked when the console starts
    const std::optional<PasswordHash> password
        = loadPassword(parser.value(options.passwordFile), parser.value(options.passwordHashFile));
    if (password)
        settings.password = *password;
    return password.has_value();
}

// The host's events as the command line shows them: "NAME: listening on
// ADDR:PORT" and the fingerprint on standard output, held until every service
// listens (a script reads them as "all started"); the log on standard error,
// each line stamped, connections and commands only when not --quiet.
class EventPrinter
{
public:
    explicit EventPrinter(bool verbose)
        : m_verbose(verbose)
    {
    }

    void print(const HostEvent &event)
    {
        using Type = HostEvent::Type;
        const QString text = HostEventFormatter::format(event, HostEventFormatter::Naming::CommandLine);
        switch (event.type) {
        case Type::Listening:
        case Type::TlsFingerprint:
            if (m_released)
                printLine(text);
            else
                m_held.append(text);
            return;
        case Type::InsecureWarning:
            printError(text);
            return;
        case Type::StartFailed: // the error runServe reports
        case Type::Stopping:    // the command line says once that it shuts down
        case Type::Stopped:
            return;
        case Type::ClientDisconnected:
            if (event.service != ServiceKind::Console)
                return; // the echoes' clients are logged as they come only
            break;
        default:
            break;
        }
        if (m_verbose || event.alwaysLogged())
            printError(QDateTime::currentDateTime().toString(Qt::ISODate) + QLatin1Char(' ') + text);
    }

    // Every service listens: the held lines go out, later ones at once.
    void release()
    {
        m_released = true;
        for (const QString &line : std::exchange(m_held, {}))
            printLine(line);
    }

private:
    bool m_verbose;
    bool m_released = false;
    QStringList m_held;
};

} // namespace

int runServe(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        CliText::tr("Runs Tincan's servers until interrupted (SIGINT or SIGTERM), then shuts down cleanly: running "
                    "commands are terminated and every client is told. Prints one line per service once it "
                    "listens: NAME: listening on ADDR:PORT"));
    parser.addHelpOption();
    const ServeOptions options;
    parser.addOptions(options.all());
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
    HostSettings settings;
    if (!mapServices(parser, options, settings) || !mapConsolePolicy(parser, options, settings))
        return 2;

    EventPrinter printer(!parser.isSet(options.quiet));
    ServiceHost host;
    if (!host.setSettings(settings)) {
        reportError(CliText::tr("serve: %1").arg(host.errorString()));
        return 2;
    }
    ::signal(SIGPIPE, SIG_IGN);
    UnixSignalWatcher signalWatcher({SIGINT, SIGTERM, SIGHUP});
    QObject::connect(&host, &ServiceHost::eventOccurred, &host,
                     [&printer](const HostEvent &event) { printer.print(event); });
    if (!host.startAll()) {
        reportError(host.errorString());
        return 1;
    }
    printer.release();

    bool stopping = false;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, &signalWatcher, [&](int signal) {
        if (stopping) {
            // A second signal: leave now; destructors still kill and reap.
            QCoreApplication::exit(128 + signal);
            return;
        }
        stopping = true;
        host.shutdown(signal); // running commands are terminated first
    });
    QObject::connect(&host, &ServiceHost::finished, &host, [] { QCoreApplication::exit(0); });
    return QCoreApplication::exec();
}

} // namespace Tincan::Cli
