#include "execcommand.h"

#include "consoleclient.h"
#include "consoleprotocol.h"
#include "knownhosts.h"
#include "passwordinput.h"
#include "terminalio.h"
#include "unixsignalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace Tincan::Cli {

QString defaultKnownHostsPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/known_hosts");
}

namespace {

// How the session meets servers over TLS.
struct TlsSettings
{
    ConsoleClient::TlsMode mode = ConsoleClient::TlsMode::Auto;
    QString knownHostsPath;
    bool acceptNew = false;
};

// "host:port", with brackets around an IPv6 address, as in known_hosts.
QString serverName(const QString &host, quint16 port)
{
    return KnownHostsList::hostKey(host, port).value_or(QStringLiteral("%1:%2").arg(host).arg(port));
}

// Like ssh's REMOTE HOST IDENTIFICATION HAS CHANGED: loud, with everything
// needed to check and, once checked, to fix it.
void reportIdentityChanged(const ConsoleClient &client, const QString &knownHostsPath)
{
    const QString name = serverName(client.host(), client.port());
    const QString bar(59, QLatin1Char('@'));
    printError(bar);
    printError(CliText::tr("@    WARNING: THE CONSOLE SERVER'S IDENTITY HAS CHANGED!     @"));
    printError(bar);
    printError(CliText::tr("IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
                           "Someone could be intercepting the connection right now (a man-in-the-middle attack),\n"
                           "or the server's TLS identity was replaced (a new --tls-dir, a reinstall)."));
    printError(CliText::tr("The fingerprint pinned for %1 is\n    %2\nbut the server presented\n    %3")
                   .arg(name, client.expectedFingerprint().toString(), client.serverFingerprint().toString()));
    printError(CliText::tr("The pin is in %1, line %2.")
                   .arg(QDir::toNativeSeparators(knownHostsPath))
                   .arg(client.knownHostsLine()));
    printError(CliText::tr("Check the new fingerprint with the server's owner (tincan-cli serve prints it). Once "
                           "it is checked, forget the old one with:\n    tincan-cli known-hosts --known-hosts %1 "
                           "--forget %2")
                   .arg(knownHostsPath, name));
    printError(CliText::tr("The connection was refused; nothing was sent to the server."));
}

// Asks on the terminal whether to trust an unknown server, as ssh does.
// False without a terminal, on "no", or at the end of input.
bool askToTrust(const QString &name, const TlsFingerprint &fingerprint)
{
    // As for the password: the question is asked when standard input is a
    // terminal, on standard error.
    if (!::isatty(STDIN_FILENO))
        return false;
    printError(CliText::tr("The authenticity of server '%1' can't be established.\nIts fingerprint is %2.")
                   .arg(name, fingerprint.toString()));
    for (;;) {
        printErrorNoNewline(CliText::tr("Are you sure you want to continue connecting (yes/no)? "));
        char line[64] = {};
        if (!std::fgets(line, sizeof line, stdin))
            return false;
        const QString answer = QString::fromLocal8Bit(line).trimmed().toLower();
        // The words are the program's interface, as in ssh: not translated.
        if (answer == QStringLiteral("yes"))
            return true;
        if (answer == QStringLiteral("no"))
            return false;
        printErrorNoNewline(CliText::tr("Please type 'yes' or 'no': "));
    }
}

class ExecSession final : public QObject
{
    Q_OBJECT

public:
    ExecSession(QString host, quint16 port, ConsoleClient::Mode mode, QString command,
                const std::optional<QString> &password, const TlsSettings &tls)
        : m_host(std::move(host))
        , m_port(port)
        , m_mode(mode)
        , m_command(std::move(command))
        , m_signals({SIGINT, SIGTERM, SIGHUP})
    {
        connect(&m_client, &ConsoleClient::outputReceived, this, &ExecSession::onOutput);
        connect(&m_client, &ConsoleClient::commandFinished, this, &ExecSession::onFinished);
        connect(&m_client, &ConsoleClient::commandFailed, this, [this](quint64, const QString &message) {
            if (m_finished)
                return;
            reportError(message);
            finish(ExecExit::ConnectionFailed);
        });
        connect(&m_client, &ConsoleClient::errorOccurred, this, [this](const QString &message) {
            if (m_finished)
                return;
            switch (m_client.errorKind()) {
            case ConsoleClient::ErrorKind::PasswordRequired:
                // The caller may ask on the terminal and try again; it
                // reports the error when it cannot.
                m_passwordRequired = true;
                m_message = message;
                finish(ExecExit::AuthenticationFailed);
                return;
            case ConsoleClient::ErrorKind::UnknownServer:
                // The caller asks on the terminal, or explains.
                m_unknownServer = true;
                m_message = message;
                finish(ExecExit::IdentityRefused);
                return;
            case ConsoleClient::ErrorKind::ServerIdentityChanged:
                reportIdentityChanged(m_client, m_client.knownHostsPath());
                finish(ExecExit::IdentityRefused);
                return;
            case ConsoleClient::ErrorKind::WrongPassword:
            case ConsoleClient::ErrorKind::Penalized:
            case ConsoleClient::ErrorKind::Refused:
                reportError(message);
                finish(ExecExit::AuthenticationFailed);
                return;
            default:
                reportError(message);
                finish(ExecExit::ConnectionFailed);
                return;
            }
        });
        connect(&m_signals, &UnixSignalWatcher::signalReceived, this, &ExecSession::onSignal);
        connect(&m_client, &ConsoleClient::serverIdentityPinned, this,
                [this](const TlsFingerprint &fingerprint, bool remembered) {
                    const QString name = serverName(m_client.host(), m_client.port());
                    if (remembered)
                        printError(CliText::tr("Warning: permanently added '%1' (%2) to the known servers in %3.")
                                       .arg(name, fingerprint.toString(),
                                            QDir::toNativeSeparators(m_client.knownHostsPath())));
                    else
                        printError(CliText::tr("Warning: could not remember '%1' (%2): %3")
                                       .arg(name, fingerprint.toString(), m_client.errorString()));
                });
        if (password)
            m_client.setPassword(*password);
        m_client.setTls(tls.mode);
        m_client.setKnownHostsPath(tls.knownHostsPath);
        m_client.setUnknownServerPolicy(tls.acceptNew ? ConsoleClient::UnknownServerPolicy::TrustOnFirstUse
                                                      : ConsoleClient::UnknownServerPolicy::Refuse);
    }

    // The server's TLS identity is unknown and was not accepted.
    bool unknownServer() const { return m_unknownServer; }
    TlsFingerprint serverFingerprint() const { return m_client.serverFingerprint(); }

    // The server asked for a password and none was given.
    bool passwordRequired() const { return m_passwordRequired; }
    QString message() const { return m_message; }

    int run()
    {
        m_client.connectToServer(m_host, m_port, m_mode);
        m_requestId = m_client.exec(m_command);
        return QCoreApplication::exec();
    }

private:
    void onOutput(quint64, OutputStream stream, const QByteArray &data)
    {
        if (m_outputClosed)
            return;
        const int fd = stream == OutputStream::Stdout ? STDOUT_FILENO : STDERR_FILENO;
        // A blocking write is flow control: while the reader is slow the
        // socket is not read, and TCP slows the server down.
        if (writeAll(fd, data) == WriteResult::Closed) {
            m_outputClosed = true; // `exec ... | head`: stop the remote side
            m_client.cancel(m_requestId);
            finish(ExecExit::OutputClosed);
        }
    }

    void onFinished(quint64, ProcessExit exit)
    {
        if (exit.signal > 0)
            finish(128 + exit.signal);
        else
            finish(exit.exitCode < 0 ? 0 : exit.exitCode); // a classic server may not say
    }

    void onSignal(int signal)
    {
        if (signal == SIGINT && !m_interrupted) {
            // First Ctrl+C: ask the server to stop the command; its exit
            // status (128+15) follows. A second one leaves at once.
            m_interrupted = true;
            m_client.cancel(m_requestId);
            return;
        }
        m_client.cancel(m_requestId);
        finish(signal == SIGINT ? ExecExit::InterruptedTwice : 128 + signal);
    }

    void finish(int code)
    {
        if (m_finished)
            return;
        m_finished = true;
        m_client.disconnectFromServer();
        QCoreApplication::exit(code);
    }

    ConsoleClient m_client;
    QString m_host;
    quint16 m_port;
    ConsoleClient::Mode m_mode;
    QString m_command;
    UnixSignalWatcher m_signals;
    quint64 m_requestId = 0;
    bool m_passwordRequired = false;
    bool m_unknownServer = false;
    QString m_message;
    bool m_interrupted = false;
    bool m_outputClosed = false;
    bool m_finished = false;
};

} // namespace

int runExec(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        CliText::tr("Runs COMMAND on a console server and shows its output. Exits with the command's exit status "
                    "(128+N when it was killed by signal N), 253 when the server's TLS identity is refused (unknown "
                    "and not accepted, or changed), 254 when the login fails, 255 when the connection fails, or 2 "
                    "for a usage error.\n\nA server with a password asks for it: it is read from --password-file, else from "
                    "the environment variable %1, else asked for on the terminal (without echo) when standard "
                    "input is one. The password itself is never sent.")
            .arg(QLatin1StringView(PasswordEnvironmentVariable)));
    parser.addHelpOption();
    const QCommandLineOption hostOption(
        QStringLiteral("host"), CliText::tr("Server to connect to (default %1).")
                                    .arg(QStringLiteral("127.0.0.1")),
        CliText::tr("host"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption portOption(
        QStringLiteral("port"), CliText::tr("Console port (default %1).")
                                    .arg(Console::DefaultPort),
        CliText::tr("port"), QString::number(Console::DefaultPort));
    const QCommandLineOption classicOption(
        QStringLiteral("classic"),
        CliText::tr("Talk to a classic server: send the bare command and read one "
                                                  "framed reply."));
    const QCommandLineOption passwordFileOption(
        QStringLiteral("password-file"),
        CliText::tr("Read the server's password from the first line of FILE."), CliText::tr("file"));
    const QCommandLineOption tlsOption(
        QStringLiteral("tls"),
        CliText::tr("TLS: auto (the default: on unless the host is 127.0.0.1, ::1 or localhost), on, or off. The "
                    "server is known by the fingerprint pinned for it, as ssh knows hosts."),
        QStringLiteral("auto|on|off"), QStringLiteral("auto"));
    const QCommandLineOption acceptNewOption(
        QStringLiteral("accept-new"),
        CliText::tr("Trust a server met for the first time and remember its fingerprint. A changed fingerprint "
                    "is still refused."));
    const QCommandLineOption knownHostsOption(
        QStringLiteral("known-hosts"),
        CliText::tr("The file of pinned server fingerprints (default %1).").arg(defaultKnownHostsPath()),
        CliText::tr("file"));
    parser.addOptions({hostOption, portOption, classicOption, passwordFileOption, tlsOption, acceptNewOption,
                       knownHostsOption});
    parser.addPositionalArgument(QStringLiteral("command"),
                                 CliText::tr("The shell command to run."),
                                 QStringLiteral("[--] COMMAND..."));
    // Options after the first word belong to the remote command (`exec ls -l`).
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);

    if (!parser.parse(arguments)) {
        reportError(parser.errorText());
        return ExecExit::UsageError;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printLine(parser.helpText().trimmed());
        return 0;
    }
    const QStringList words = parser.positionalArguments();
    if (words.isEmpty()) {
        reportError(CliText::tr("exec: no command given. Try: tincan-cli exec -- ls -l"));
        return ExecExit::UsageError;
    }
    bool portOk = false;
    const uint port = parser.value(portOption).toUInt(&portOk);
    if (!portOk || port == 0 || port > 65535) {
        reportError(CliText::tr("exec: invalid port \"%1\".").arg(parser.value(portOption)));
        return ExecExit::UsageError;
    }

    TlsSettings tls;
    {
        const QString value = parser.value(tlsOption);
        if (value == QStringLiteral("auto"))
            tls.mode = ConsoleClient::TlsMode::Auto;
        else if (value == QStringLiteral("on"))
            tls.mode = ConsoleClient::TlsMode::On;
        else if (value == QStringLiteral("off"))
            tls.mode = ConsoleClient::TlsMode::Off;
        else {
            reportError(CliText::tr("exec: --tls takes auto, on or off, not \"%1\".").arg(value));
            return ExecExit::UsageError;
        }
        tls.acceptNew = parser.isSet(acceptNewOption);
        tls.knownHostsPath = parser.isSet(knownHostsOption) ? parser.value(knownHostsOption) : defaultKnownHostsPath();
    }

    std::optional<QString> password;
    if (parser.isSet(passwordFileOption)) {
        QString error;
        password = readPasswordFile(parser.value(passwordFileOption), &error);
        if (!password) {
            reportError(CliText::tr("exec: %1").arg(error));
            return ExecExit::UsageError;
        }
    } else if (qEnvironmentVariableIsSet(PasswordEnvironmentVariable)) {
        password = qEnvironmentVariable(PasswordEnvironmentVariable);
        if (password->isEmpty())
            password.reset();
    }

    // Write errors are answered by EPIPE, not by a signal that kills us.
    ::signal(SIGPIPE, SIG_IGN);
    const ConsoleClient::Mode mode
        = parser.isSet(classicOption) ? ConsoleClient::Mode::Classic : ConsoleClient::Mode::Tincan;
    const QString command = words.join(QLatin1Char(' '));
    const QString host = parser.value(hostOption);
    // At most one question each: trust this server? the password?
    bool askedTrust = false;
    bool askedPassword = false;
    for (;;) {
        ExecSession session(host, quint16(port), mode, command, password, tls);
        const int status = session.run();
        if (session.unknownServer()) {
            const QString name = serverName(host, quint16(port));
            const TlsFingerprint fingerprint = session.serverFingerprint();
            if (askedTrust || !askToTrust(name, fingerprint)) {
                if (!askedTrust && !::isatty(STDIN_FILENO))
                    reportError(CliText::tr("The authenticity of server '%1' can't be established: its fingerprint "
                                            "%2 is not in %3. Check it with the server's owner (tincan-cli serve "
                                            "prints it), then connect once with --accept-new to remember it.")
                                    .arg(name, fingerprint.toString(), QDir::toNativeSeparators(tls.knownHostsPath)));
                else
                    reportError(CliText::tr("Host key verification failed: '%1' is not trusted.").arg(name));
                return ExecExit::IdentityRefused;
            }
            askedTrust = true;
            KnownHosts knownHosts(tls.knownHostsPath);
            if (!knownHosts.remember(host, quint16(port), fingerprint)) {
                reportError(CliText::tr("exec: cannot remember '%1': %2").arg(name, knownHosts.errorString()));
                return ExecExit::IdentityRefused;
            }
            printError(CliText::tr("Warning: permanently added '%1' (%2) to the known servers in %3.")
                           .arg(name, fingerprint.toString(), QDir::toNativeSeparators(tls.knownHostsPath)));
            continue;
        }
        if (!session.passwordRequired())
            return status;
        if (askedPassword) {
            reportError(session.message()); // a server that asks again is not worth a second prompt
            return status;
        }
        askedPassword = true;
        // The server wants a password and none was given: ask, once, on the
        // terminal. Nothing ran: commands wait for the login.
        QString typed;
        switch (promptPassword(CliText::tr("Password for %1:%2: ").arg(host).arg(port), &typed)) {
        case PromptResult::Ok:
            password = typed;
            break;
        case PromptResult::NotATerminal:
            reportError(CliText::tr("%1 Give it with --password-file FILE or in the environment variable %2.")
                            .arg(session.message(), QLatin1StringView(PasswordEnvironmentVariable)));
            return ExecExit::AuthenticationFailed;
        case PromptResult::Interrupted:
            return ExecExit::InterruptedTwice;
        case PromptResult::EndOfInput:
            reportError(session.message());
            return ExecExit::AuthenticationFailed;
        }
    }
}

} // namespace Tincan::Cli

#include "execcommand.moc"
