#include "net/console/commandrunner.h"

#include "net/console/consoletransport.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/requestid.h"

#include <QJsonObject>

namespace Tincan {

using namespace Console;

namespace {
QByteArray classicTruncationNotice(qint64 dropped, qint64 cap)
{
    // Wire text for the classic client, so not translated.
    return QStringLiteral(
               "\n[tincan: output truncated: %1 more bytes were dropped; a classic reply holds at most %2 bytes]\n")
        .arg(dropped)
        .arg(cap)
        .toUtf8();
}
} // namespace

// ---- what both share ---------------------------------------------------------

CommandRunner::CommandRunner(ConsoleTransport &transport, QObject *parent)
    : QObject(parent)
    , m_transport(transport)
{
}

CommandRunner::~CommandRunner() = default;

QString CommandRunner::runningCommandLine() const
{
    return m_commands.empty() ? QString() : m_commands.rbegin()->second.commandLine;
}

void CommandRunner::setOutputPaused(bool paused)
{
    m_outputPaused = paused;
    for (auto &[key, command] : m_commands)
        command.process->setReadingPaused(paused);
}

void CommandRunner::terminateAll()
{
    for (auto &[key, command] : m_commands)
        command.process->terminate();
}

void CommandRunner::releaseAll()
{
    for (auto &[key, command] : m_commands) {
        command.process->setReadingPaused(false);
        command.process->terminate();
    }
}

CommandRunner::Command *CommandRunner::start(const QJsonValue &requestId, const QString &requestKey,
                                             const QString &commandLine, const QString &directory, QString *error)
{
    const quint64 key = m_nextKey++;
    auto process = std::make_unique<ShellProcess>();
    if (!process->start(commandLine, directory)) {
        *error = process->errorString();
        return nullptr;
    }
    Command &command = m_commands[key];
    command.requestId = requestId;
    command.requestKey = requestKey.isEmpty() ? QString::number(key) : requestKey;
    command.commandLine = commandLine;
    command.elapsed.start();
    command.process = std::move(process);
    ShellProcess *shell = command.process.get();
    connect(shell, &ShellProcess::outputRead, this,
            [this, key](OutputStream stream, const QByteArray &data) { onOutput(key, stream, data); });
    connect(shell, &ShellProcess::finished, this, [this, key](ProcessExit exit) { onFinished(key, exit); });
    if (m_outputPaused)
        shell->setReadingPaused(true);
    return &command;
}

void CommandRunner::announceStarted(const Command &command)
{
    Q_EMIT commandStarted(command.requestKey, command.commandLine, command.process->pid());
    Q_EMIT runningChanged();
}

void CommandRunner::onOutput(quint64 key, OutputStream stream, const QByteArray &data)
{
    auto it = m_commands.find(key);
    if (it != m_commands.end())
        sendOutput(it->second, stream, data);
}

void CommandRunner::onFinished(quint64 key, ProcessExit exit)
{
    auto it = m_commands.find(key);
    if (it == m_commands.end())
        return;
    Command command = std::move(it->second);
    m_commands.erase(it);
    // The process object is emitting this signal; delete it afterwards.
    command.process.release()->deleteLater();
    if (!m_transport.isGone())
        sendExit(command, exit);
    Q_EMIT commandFinished(command.requestKey, exit);
    Q_EMIT runningChanged();
    afterFinished();
    Q_EMIT commandReaped();
}

// ---- framed ------------------------------------------------------------------

FramedCommandRunner::FramedCommandRunner(ConsoleTransport &transport, SessionDirectory &directory, QObject *parent)
    : CommandRunner(transport, parent)
    , m_directory(directory)
{
}

void FramedCommandRunner::exec(const QJsonObject &header)
{
    const QJsonValue requestId = header.value(Key::Id);
    if (!isValidRequestId(requestId)) {
        m_transport.sendError(ErrorCode::BadRequest,
                              tr("An exec message needs an \"id\": an integer or a string of 1 to %1 characters.")
                                  .arg(Limits::MaxRequestIdLength));
        return;
    }
    const QJsonValue commandValue = header.value(Key::Command);
    if (!commandValue.isString() || commandValue.toString().trimmed().isEmpty()) {
        m_transport.sendError(ErrorCode::BadRequest, tr("An exec message needs a non-empty \"command\" string."),
                              requestId);
        return;
    }
    const QString commandLine = commandValue.toString();
    if (commandLine.toUtf8().size() > Limits::MaxCommandSize) {
        m_transport.sendError(ErrorCode::BadRequest,
                              tr("The command is longer than the limit of %1 bytes.").arg(Limits::MaxCommandSize),
                              requestId);
        return;
    }
    for (const auto &[key, command] : commands()) {
        if (command.requestId == requestId) {
            m_transport.sendError(ErrorCode::DuplicateId,
                                  tr("A command with id %1 is already running.").arg(requestKeyOf(requestId)),
                                  requestId);
            return;
        }
    }
    if (runningCount() >= Limits::MaxConcurrentCommands) {
        m_transport.sendError(
            ErrorCode::TooManyCommands,
            tr("Too many commands at once: at most %1 may run on one connection.").arg(Limits::MaxConcurrentCommands),
            requestId);
        return;
    }
    if (const std::optional<QString> argument = SessionDirectory::cdArgument(commandLine)) {
        finishWithoutProcess(requestId, commandLine, m_directory.change(*argument));
        return;
    }
    if (!m_directory.isUsable()) {
        // Running it elsewhere (/, home) could do harm the user did not mean
        // (rm -r in the wrong place): refuse until they cd.
        SessionDirectory::Outcome refusal;
        refusal.stderrText = tr("tincan: the session's working directory %1 no longer exists or cannot be entered; "
                                "the command was not run. Change directory with cd first.\n")
                                 .arg(m_directory.current())
                                 .toUtf8();
        refusal.exitCode = 1;
        finishWithoutProcess(requestId, commandLine, refusal);
        return;
    }
    QString error;
    const Command *command = start(requestId, requestKeyOf(requestId), commandLine, m_directory.current(), &error);
    if (!command) {
        m_transport.sendError(ErrorCode::SpawnFailed, error, requestId);
        return;
    }
    m_transport.send({{Key::Type, Type::Started}, {Key::Id, requestId}, {Key::Pid, command->process->pid()}});
    announceStarted(*command);
}

void FramedCommandRunner::finishWithoutProcess(const QJsonValue &requestId, const QString &commandLine,
                                               const SessionDirectory::Outcome &outcome)
{
    QElapsedTimer elapsed;
    elapsed.start();
    const QString requestKey = requestKeyOf(requestId);
    m_transport.send({{Key::Type, Type::Started}, {Key::Id, requestId}, {Key::Pid, QJsonValue()}});
    Q_EMIT commandStarted(requestKey, commandLine, 0);
    if (!outcome.stdoutText.isEmpty())
        m_transport.send({{Key::Type, Type::Output}, {Key::Id, requestId}, {Key::Stream, StreamName::Stdout}},
                         outcome.stdoutText);
    if (!outcome.stderrText.isEmpty())
        m_transport.send({{Key::Type, Type::Output}, {Key::Id, requestId}, {Key::Stream, StreamName::Stderr}},
                         outcome.stderrText);
    m_transport.send({{Key::Type, Type::Exit},
                      {Key::Id, requestId},
                      {Key::ExitCode, outcome.exitCode},
                      {Key::Signal, QJsonValue()},
                      {Key::ElapsedMs, elapsed.elapsed()},
                      {Key::Cwd, m_directory.current()}});
    ProcessExit exit;
    exit.exitCode = outcome.exitCode;
    exit.elapsedMs = elapsed.elapsed();
    Q_EMIT commandFinished(requestKey, exit);
}

void FramedCommandRunner::cancel(const QJsonObject &header)
{
    const QJsonValue requestId = header.value(Key::Id);
    for (auto &[key, command] : commands()) {
        if (command.requestId == requestId) {
            command.process->terminate();
            return;
        }
    }
    m_transport.sendError(ErrorCode::UnknownId, tr("No command with id %1 is running.").arg(requestKeyOf(requestId)),
                          requestId);
}

void FramedCommandRunner::sendOutput(Command &command, OutputStream stream, const QByteArray &data)
{
    if (m_transport.isGone())
        return;
    m_transport.send({{Key::Type, Type::Output},
                      {Key::Id, command.requestId},
                      {Key::Stream, stream == OutputStream::Stdout ? StreamName::Stdout : StreamName::Stderr}},
                     data);
}

void FramedCommandRunner::sendExit(Command &command, const ProcessExit &exit)
{
    const QJsonValue signal = exit.signal ? QJsonValue(exit.signal) : QJsonValue();
    const QJsonValue exitCode = exit.signal ? QJsonValue() : QJsonValue(exit.exitCode);
    m_transport.send({{Key::Type, Type::Exit},
                      {Key::Id, command.requestId},
                      {Key::ExitCode, exitCode},
                      {Key::Signal, signal},
                      {Key::ElapsedMs, command.elapsed.elapsed()},
                      {Key::Cwd, m_directory.current()}});
}

// ---- classic -----------------------------------------------------------------

ClassicCommandRunner::ClassicCommandRunner(ConsoleTransport &transport, QString directory, qint64 replyCap,
                                           QObject *parent)
    : CommandRunner(transport, parent)
    , m_directory(std::move(directory))
    , m_replyCap(replyCap)
{
}

void ClassicCommandRunner::processInput(const QByteArray &first)
{
    m_input.append(first);
    // The classic client waits for each reply before it sends the next
    // command, so one command runs at a time. Bytes arriving meanwhile stay in
    // the socket (its read buffer is bounded), which pushes back on a client
    // that sends without waiting.
    if (!isEmpty() || isStopped())
        return;
    // Like the tutorial's recv(1024): what has arrived, up to 1024 bytes, is
    // one command.
    if (m_input.size() < Limits::ClassicCommandChunk)
        m_input.append(m_transport.read(Limits::ClassicCommandChunk - m_input.size()));
    if (m_input.isEmpty())
        return;
    const QString commandLine = QString::fromUtf8(std::exchange(m_input, QByteArray()));
    QString error;
    const Command *command = start(QJsonValue(), QString(), commandLine, m_directory, &error);
    if (!command) {
        // The classic client waits for exactly one reply: give it the error.
        m_transport.send({{Key::FileName, QJsonValue()}, {Key::Hash, QJsonValue()}, {Key::ExitCode, 127}},
                         QByteArray(error.toUtf8() + '\n'));
        processInput();
        return;
    }
    announceStarted(*command);
}

void ClassicCommandRunner::sendOutput(Command &command, OutputStream stream, const QByteArray &data)
{
    // Keep up to the cap, count the rest.
    const qint64 room = m_replyCap - command.classicStdout.size() - command.classicStderr.size();
    const qint64 kept = qBound<qint64>(0, room, data.size());
    QByteArray &target = stream == OutputStream::Stdout ? command.classicStdout : command.classicStderr;
    target.append(data.constData(), qsizetype(kept));
    command.classicDropped += data.size() - kept;
}

void ClassicCommandRunner::sendExit(Command &command, const ProcessExit &exit)
{
    // The tutorial's header, plus what a classic client may ignore.
    QJsonObject header{{Key::FileName, QJsonValue()},
                       {Key::Hash, QJsonValue()},
                       {Key::ExitCode, exit.signal ? 128 + exit.signal : exit.exitCode}};
    if (exit.signal)
        header.insert(Key::Signal, exit.signal);
    QByteArray payload = std::move(command.classicStdout);
    payload.append(command.classicStderr);
    if (command.classicDropped > 0) {
        header.insert(Key::Truncated, command.classicDropped);
        payload.append(classicTruncationNotice(command.classicDropped, m_replyCap));
    }
    m_transport.send(header, payload);
}

} // namespace Tincan
