#include "execcommand.h"

#include "consoleclient.h"
#include "consoleprotocol.h"
#include "passwordinput.h"
#include "terminalio.h"
#include "unixsignalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <csignal>
#include <unistd.h>

namespace Tincan::Cli {

namespace {

class ExecSession final : public QObject
{
    Q_OBJECT

public:
    ExecSession(QString host, quint16 port, ConsoleClient::Mode mode, QString command,
                const std::optional<QString> &password)
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
        if (password)
            m_client.setPassword(*password);
    }

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
                    "(128+N when it was killed by signal N), 254 when the login fails, or 255 when the connection "
                    "fails.\n\nA server with a password asks for it: it is read from --password-file, else from "
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
    parser.addOptions({hostOption, portOption, classicOption, passwordFileOption});
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
    int status = 0;
    QString passwordRequiredMessage;
    {
        ExecSession session(host, quint16(port), mode, command, password);
        status = session.run();
        if (!session.passwordRequired())
            return status;
        passwordRequiredMessage = session.message();
    }
    // The server wants a password and none was given: ask, once, on the
    // terminal. Nothing ran: commands wait for the login.
    QString typed;
    switch (promptPassword(CliText::tr("Password for %1:%2: ").arg(host).arg(port), &typed)) {
    case PromptResult::Ok:
        break;
    case PromptResult::NotATerminal:
        reportError(CliText::tr("%1 Give it with --password-file FILE or in the environment variable %2.")
                        .arg(passwordRequiredMessage, QLatin1StringView(PasswordEnvironmentVariable)));
        return ExecExit::AuthenticationFailed;
    case PromptResult::Interrupted:
        return ExecExit::InterruptedTwice;
    case PromptResult::EndOfInput:
        reportError(passwordRequiredMessage);
        return ExecExit::AuthenticationFailed;
    }
    ExecSession session(host, quint16(port), mode, command, typed);
    status = session.run();
    if (session.passwordRequired())
        reportError(session.message()); // a server that asks again is not worth a second prompt
    return status;
}

} // namespace Tincan::Cli

#include "execcommand.moc"
