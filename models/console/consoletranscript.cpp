#include "models/console/consoletranscript.h"

#include <QLatin1StringView>
#include <QLocale>

#include <utility>

namespace Tincan {

namespace {

// Signals whose numbers POSIX systems share, so a number from a server on
// another Unix still gets the right name.
struct SignalName
{
    int number;
    QLatin1StringView name;
};
constexpr SignalName PortableSignals[] = {
    {1, QLatin1StringView("SIGHUP")},   {2, QLatin1StringView("SIGINT")},   {3, QLatin1StringView("SIGQUIT")},
    {4, QLatin1StringView("SIGILL")},   {5, QLatin1StringView("SIGTRAP")},  {6, QLatin1StringView("SIGABRT")},
    {8, QLatin1StringView("SIGFPE")},   {9, QLatin1StringView("SIGKILL")},  {11, QLatin1StringView("SIGSEGV")},
    {13, QLatin1StringView("SIGPIPE")}, {14, QLatin1StringView("SIGALRM")}, {15, QLatin1StringView("SIGTERM")},
};

QLatin1StringView signalName(int number)
{
    for (const SignalName &entry : PortableSignals) {
        if (entry.number == number)
            return entry.name;
    }
    return {};
}

} // namespace

ConsoleTranscript::ConsoleTranscript(ConsoleSession *session, TerminalOutput *output, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_output(output)
{
    connect(session, &ConsoleSession::stateChanged, this, &ConsoleTranscript::onStateChanged);
    connect(session, &ConsoleSession::errorOccurred, this, [this](const QString &message) {
        m_errorShown = true;
        appendLine(TextKind::Error, message);
    });
    connect(session, &ConsoleSession::cancelling, this,
            [this](quint64, const QString &command, bool costsConnection) { onCancelling(command, costsConnection); });
    connect(session, &ConsoleSession::outputDecoded, this, &ConsoleTranscript::onOutputDecoded);
    connect(session, &ConsoleSession::commandFinished, this, &ConsoleTranscript::onCommandFinished);
    connect(session, &ConsoleSession::commandFailed, this, &ConsoleTranscript::onCommandFailed);
    connect(session, &ConsoleSession::transferAdded, this, &ConsoleTranscript::onTransferAdded);
    // The pane says how each transfer it started ended; the panel shows the rest.
    connect(session->client(), &ConsoleClient::transferFinished, this, [this](quint64 id, const QByteArray &md5Hex) {
        const auto node = m_transferLabels.extract(id);
        if (!node.empty())
            appendLine(TextKind::Notice,
                       tr("Transferred %1: MD5 %2 verified.").arg(node.mapped(), QString::fromLatin1(md5Hex)));
    });
    connect(session->client(), &ConsoleClient::transferFailed, this,
            [this](quint64 id, ConsoleClient::TransferError, const QString &message) {
                const auto node = m_transferLabels.extract(id);
                if (!node.empty())
                    appendLine(TextKind::Error, tr("Transfer of %1 failed: %2").arg(node.mapped(), message));
            });
}

quint64 ConsoleTranscript::runCommand(const QString &command)
{
    if (command.trimmed().isEmpty())
        return 0;
    m_output->startNewLine();
    appendText(TextKind::Prompt, prompt() + QLatin1Char(' '));
    appendText(TextKind::Command, command + QLatin1Char('\n'));
    return m_session->exec(command);
}

QString ConsoleTranscript::prompt() const
{
    // The full path: the client cannot know the server user's home, so it
    // never abbreviates it to ~.
    const QString directory = m_session->client()->currentDirectory();
    if (directory.isEmpty())
        return QStringLiteral("%1 $").arg(m_session->address());
    return QStringLiteral("%1:%2 $").arg(m_session->address(), directory);
}

QString ConsoleTranscript::statusText() const
{
    const ConsoleClient *client = m_session->client();
    const QString address = m_session->address();
    switch (client->state()) {
    case ConsoleClient::State::Connecting:
    case ConsoleClient::State::Handshaking:
        return tr("Connecting to %1…").arg(address);
    case ConsoleClient::State::Ready:
        if (client->mode() == ConsoleClient::Mode::Classic)
            return tr("Connected to %1 (classic protocol)").arg(address);
        return tr("Connected to %1 (%2)").arg(address, client->serverSoftware());
    case ConsoleClient::State::Disconnected:
        break;
    }
    if (client->host().isEmpty())
        return tr("Not connected");
    if (!client->errorString().isEmpty())
        return tr("Disconnected: %1").arg(client->errorString());
    return tr("Disconnected from %1.").arg(address);
}

void ConsoleTranscript::onStateChanged(ConsoleClient::State state)
{
    const ConsoleClient *client = m_session->client();
    switch (state) {
    case ConsoleClient::State::Ready:
        m_wasReady = true;
        appendLine(TextKind::Notice, statusText());
        break;
    case ConsoleClient::State::Disconnected:
        // A failed attempt is explained by its error line alone; a close the
        // server announced (shutting down) has no error line, so say why here.
        if (std::exchange(m_wasReady, false)) {
            if (!m_errorShown && !client->errorString().isEmpty())
                appendLine(TextKind::Notice,
                           tr("Disconnected from %1: %2").arg(m_session->address(), client->errorString()));
            else
                appendLine(TextKind::Notice, tr("Disconnected from %1.").arg(m_session->address()));
        }
        break;
    case ConsoleClient::State::Connecting:
        m_errorShown = false;
        appendLine(TextKind::Notice, tr("Connecting to %1…").arg(m_session->address()));
        break;
    case ConsoleClient::State::Handshaking:
        break;
    }
}

void ConsoleTranscript::onCancelling(const QString &command, bool costsConnection)
{
    appendLine(TextKind::Notice, tr("^C (cancelling “%1”)").arg(command));
    if (costsConnection) {
        appendLine(TextKind::Notice,
                   tr("A classic server cannot cancel a command: the connection is closed "
                      "and opened again."));
    }
}

void ConsoleTranscript::onOutputDecoded(quint64 requestId, OutputStream stream, const QString &text)
{
    const TextKind kind = stream == OutputStream::Stderr ? TextKind::Stderr : TextKind::Stdout;
    const std::size_t index = stream == OutputStream::Stderr ? 1 : 0;
    if (!m_session->command(requestId)) {
        m_output->writeOutput(m_strayParsers.at(index), int(kind), text);
        return;
    }
    m_output->writeOutput(m_parsers[requestId].at(index), int(kind), text);
}

QString ConsoleTranscript::durationText(const ConsoleSession::Command &command)
{
    const double seconds = double(command.elapsed.elapsed()) / 1000.0;
    return tr("%1 s").arg(QLocale().toString(seconds, 'f', 2));
}

QString ConsoleTranscript::exitStatusText(const ConsoleSession::Command &command, ProcessExit exit)
{
    if (exit.signal != 0) {
        const QLatin1StringView name = signalName(exit.signal);
        if (name.isEmpty())
            return tr("[killed by signal %1 · %2]").arg(exit.signal).arg(durationText(command));
        return tr("[killed by signal %1 (%2) · %3]").arg(exit.signal).arg(name).arg(durationText(command));
    }
    if (exit.exitCode == -1)
        return tr("[exit status unknown · classic server]");
    return tr("[exit %1 · %2]").arg(exit.exitCode).arg(durationText(command));
}

void ConsoleTranscript::onCommandFinished(quint64 requestId, ProcessExit exit)
{
    const ConsoleSession::Command *command = m_session->command(requestId);
    if (!command)
        return;
    const bool success = exit.signal == 0 && exit.exitCode == 0;
    appendLine(success ? TextKind::Status : TextKind::FailedStatus, exitStatusText(*command, exit));
    m_parsers.erase(requestId);
}

void ConsoleTranscript::onCommandFailed(quint64 requestId, const QString &message)
{
    // A command the user cancelled ended as asked, even where that took the
    // connection (classic) or happened before it was sent.
    if (const ConsoleSession::Command *command = m_session->command(requestId); command && command->cancelRequested)
        appendLine(TextKind::FailedStatus, tr("[cancelled · %1]").arg(durationText(*command)));
    else
        appendLine(TextKind::Error, message);
    m_parsers.erase(requestId);
}

void ConsoleTranscript::onTransferAdded(quint64 id, const QString &localPath, const QString &remotePath, bool upload)
{
    if (upload) {
        appendLine(TextKind::Notice, tr("Uploading %1 to %2…").arg(localPath, remotePath));
        m_transferLabels[id] = tr("%1 to %2").arg(localPath, remotePath);
    } else {
        appendLine(TextKind::Notice, tr("Downloading %1 to %2…").arg(remotePath, localPath));
        m_transferLabels[id] = tr("%1 to %2").arg(remotePath, localPath);
    }
}

void ConsoleTranscript::appendText(TextKind kind, const QString &text)
{
    m_output->write(int(kind), text);
}

void ConsoleTranscript::appendLine(TextKind kind, const QString &text)
{
    m_output->startNewLine();
    appendText(kind, text + QLatin1Char('\n'));
}

} // namespace Tincan
