#include "app/cli/execcommand.h"

#include "app/cli/consolesession.h"
#include "app/cli/passwordinput.h"
#include "app/cli/terminalio.h"
#include "net/console/consoleclient.h"
#include "net/process/unixsignalwatcher.h"
#include "net/wire/consoleprotocol.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <csignal>
#include <unistd.h>

namespace Tincan::Cli {

namespace {

class ExecCommand final : public ConsoleCommand
{
    Q_OBJECT

public:
    ExecCommand(const ConsoleSettings &settings, QString command)
        : ConsoleCommand(settings)
        , m_command(std::move(command))
        , m_signals({SIGINT, SIGTERM, SIGHUP})
    {
        connect(&client(), &ConsoleClient::outputReceived, this, &ExecCommand::onOutput);
        connect(&client(), &ConsoleClient::commandFinished, this, &ExecCommand::onFinished);
        connect(&client(), &ConsoleClient::commandFailed, this, [this](quint64, const QString &message) {
            if (isFinished())
                return;
            reportError(message);
            finish(ExecExit::ConnectionFailed);
        });
        connect(&m_signals, &UnixSignalWatcher::signalReceived, this, &ExecCommand::onSignal);
    }

protected:
    void start() override { m_requestId = client().exec(m_command); }

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
            client().cancel(m_requestId);
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
        if (!isStarted()) {
            // Still connecting or logging in: the command was not sent, and
            // it ends as the client ends a command cancelled in its queue.
            reportError(QCoreApplication::translate("Tincan::ConsoleClient", "Cancelled before it was sent."));
            finish(ExecExit::ConnectionFailed);
            return;
        }
        if (signal == SIGINT && !m_interrupted) {
            // First Ctrl+C: ask the server to stop the command; its exit
            // status (128+15) follows. A second one leaves at once.
            m_interrupted = true;
            client().cancel(m_requestId);
            return;
        }
        client().cancel(m_requestId);
        finish(signal == SIGINT ? ExecExit::InterruptedTwice : 128 + signal);
    }

    QString m_command;
    UnixSignalWatcher m_signals;
    quint64 m_requestId = 0;
    bool m_interrupted = false;
    bool m_outputClosed = false;
};

} // namespace

int runExec(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        CliText::tr(
            "Runs COMMAND on a console server and shows its output. Exits with the command's exit status "
            "(128+N when it was killed by signal N), 253 when the server's TLS identity is refused (unknown "
            "and not accepted, or changed), 254 when the login fails, 255 when the connection fails, or 2 "
            "for a usage error.\n\nA server with a password asks for it: it is read from --password-file, else from "
            "the environment variable %1, else asked for on the terminal (without echo) when standard "
            "input is one. The password itself is never sent.")
            .arg(QLatin1StringView(PasswordEnvironmentVariable)));
    parser.addHelpOption();
    const ConsoleOptions consoleOptions;
    const QCommandLineOption classicOption(QStringLiteral("classic"),
                                           CliText::tr("Talk to a classic server: send the bare command and read one "
                                                       "framed reply."));
    consoleOptions.addTo(parser);
    parser.addOption(classicOption);
    parser.addPositionalArgument(QStringLiteral("command"), CliText::tr("The shell command to run."),
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
    ConsoleSettings settings;
    if (!consoleOptions.read(parser, QStringLiteral("exec"), &settings))
        return ExecExit::UsageError;
    settings.mode = parser.isSet(classicOption) ? ConsoleClient::Mode::Classic : ConsoleClient::Mode::Tincan;

    // Write errors are answered by EPIPE, not by a signal that kills us.
    ::signal(SIGPIPE, SIG_IGN);
    const QString command = words.join(QLatin1Char(' '));
    ExecCommand exec(settings, command);
    return exec.run();
}

} // namespace Tincan::Cli

#include "execcommand.moc"
