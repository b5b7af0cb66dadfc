// The commands of one console connection: what the framed and the classic
// runner share (starting a shell, pausing its output, reaping it), with each
// protocol's way of asking and answering in FramedCommandRunner and
// ClassicCommandRunner.
#pragma once

#include "net/console/sessiondirectory.h"
#include "net/process/shellprocess.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonValue>
#include <QObject>

#include <map>
#include <memory>

namespace Tincan {

class ConsoleTransport;

class CommandRunner : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CommandRunner)

public:
    ~CommandRunner() override;

    int runningCount() const { return int(m_commands.size()); }
    bool isEmpty() const { return m_commands.empty(); }
    // The newest command still running, or empty.
    QString runningCommandLine() const;
    // Output waits in the pipes while the client is slow.
    void setOutputPaused(bool paused);
    void terminateAll();
    // Nobody is left to read the output: end the commands, and let their
    // output flow so that flow control does not hold them up.
    void releaseAll();
    // No new commands (the connection is closing).
    void stop() { m_stopped = true; }

Q_SIGNALS:
    void commandStarted(const QString &requestKey, const QString &commandLine, qint64 pid);
    void commandFinished(const QString &requestKey, Tincan::ProcessExit exit);
    // The set of running commands changed (runningCommandLine(), isEmpty()).
    void runningChanged();
    // A command was reaped (after its reply was sent).
    void commandReaped();

protected:
    struct Command
    {
        QJsonValue requestId; // as the client sent it (framed) or null (classic)
        QString requestKey;   // printable form of requestId, for logs
        QString commandLine;
        std::unique_ptr<ShellProcess> process;
        QElapsedTimer elapsed;
        // Classic only: the reply is buffered, since its size goes first.
        QByteArray classicStdout;
        QByteArray classicStderr;
        qint64 classicDropped = 0;
    };

    explicit CommandRunner(ConsoleTransport &transport, QObject *parent);

    // Starts the shell; null with `error` set when it could not be. An empty
    // `requestKey` is the command's internal number (classic commands).
    Command *start(const QJsonValue &requestId, const QString &requestKey, const QString &commandLine,
                   const QString &directory, QString *error);
    // Reports a started command (after its started frame, if any).
    void announceStarted(const Command &command);
    std::map<quint64, Command> &commands() { return m_commands; }
    bool isStopped() const { return m_stopped; }

    virtual void sendOutput(Command &command, OutputStream stream, const QByteArray &data) = 0;
    // The command ended; the transport is still there.
    virtual void sendExit(Command &command, const ProcessExit &exit) = 0;
    // After a command was reaped (the classic runner reads the next one).
    virtual void afterFinished() { }

    ConsoleTransport &m_transport;

private:
    void onOutput(quint64 key, OutputStream stream, const QByteArray &data);
    void onFinished(quint64 key, ProcessExit exit);

    std::map<quint64, Command> m_commands; // by an internal key, in start order
    quint64 m_nextKey = 1;
    bool m_outputPaused = false;
    bool m_stopped = false;
};

// Tincan clients: exec and cancel, many commands at once, each answered with
// started, output and exit frames; the session's directory and the built-in cd.
class FramedCommandRunner final : public CommandRunner
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FramedCommandRunner)

public:
    FramedCommandRunner(ConsoleTransport &transport, SessionDirectory &directory, QObject *parent);

    void exec(const QJsonObject &header);
    void cancel(const QJsonObject &header);

private:
    // A command that runs without a process (the built-in cd, or the refusal
    // when the session's directory is gone): started, output, exit.
    void finishWithoutProcess(const QJsonValue &requestId, const QString &commandLine,
                              const SessionDirectory::Outcome &outcome);
    void sendOutput(Command &command, OutputStream stream, const QByteArray &data) override;
    void sendExit(Command &command, const ProcessExit &exit) override;

    SessionDirectory &m_directory;
};

// The socket tutorial's clients: what one recv(1024) returns is a command, run
// in the server's start directory, one at a time; its whole output is one reply.
class ClassicCommandRunner final : public CommandRunner
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClassicCommandRunner)

public:
    ClassicCommandRunner(ConsoleTransport &transport, QString directory, qint64 replyCap, QObject *parent);

    // Takes what has arrived (the bytes the detector looked at first) and runs
    // it when no command is running.
    void processInput(const QByteArray &first = {});

private:
    void sendOutput(Command &command, OutputStream stream, const QByteArray &data) override;
    void sendExit(Command &command, const ProcessExit &exit) override;
    void afterFinished() override { processInput(); }

    QString m_directory;
    qint64 m_replyCap;
    QByteArray m_input;
};

// The printable form of a client's request id, for logs and messages.
QString requestKeyOf(const QJsonValue &id);

} // namespace Tincan
