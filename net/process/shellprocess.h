// One command run through the platform shell, with the parts QProcess does
// not give: its own process group (so cancel kills the whole pipeline, not
// just the shell), reading that can pause when the consumer is slow (QProcess
// buffers without limit), and a completion that waits for the output of
// everything the command started, within a grace period.
#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <memory>

class QSocketNotifier;

namespace Tincan {

enum class OutputStream {
    Stdout,
    Stderr,
};

struct ProcessExit
{
    int exitCode = -1;     // the shell's exit status, or -1 when killed by a signal
    int signal = 0;        // the signal that killed the shell, or 0
    qint64 elapsedMs = -1; // run time as the server measured it, when known
};

class ShellProcess final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ShellProcess)

public:
    // After SIGTERM, a process group gets this long before SIGKILL.
    static constexpr std::chrono::milliseconds KillGrace{2000};
    // After the shell exits, background jobs still holding its output open get
    // this long; then their group is killed so nothing outlives the command.
    static constexpr std::chrono::milliseconds OrphanOutputGrace{1000};
    // Reads per wake-up, so one chatty command cannot starve the others.
    static constexpr qsizetype ReadChunkSize = 64 * 1024;

    explicit ShellProcess(QObject *parent = nullptr);
    // Kills the process group (if anything is left) and reaps the shell.
    ~ShellProcess() override;

    // The program and first arguments the command is handed to:
    // /bin/sh -c on Unix, cmd.exe /c on Windows.
    static QStringList platformShell();

    // Starts `command`. Returns false with errorString() set when it cannot.
    bool start(const QString &command, const QString &workingDirectory = {});

    qint64 pid() const { return m_pid; }
    bool isRunning() const { return m_pid > 0 && !m_done; }
    QString errorString() const { return m_error; }

    // Asks the whole process group to stop: SIGTERM now, SIGKILL after KillGrace.
    void terminate();
    // SIGKILL to the whole process group at once.
    void kill();

    // Flow control: while paused, the pipes are not read and the command
    // blocks once they are full.
    void setReadingPaused(bool paused);
    bool isReadingPaused() const { return m_paused; }

Q_SIGNALS:
    void outputRead(Tincan::OutputStream stream, const QByteArray &data);
    // Emitted once the shell has exited and its output has been read to the end.
    void finished(Tincan::ProcessExit exit);

private:
    struct Pipe;
    void onPipeReadable(Pipe &pipe, OutputStream stream);
    void onChildExited();
    void signalGroup(int signal);
    void closePipe(Pipe &pipe);
    void maybeFinish();
    void onOrphanGraceExpired();

    std::unique_ptr<Pipe> m_stdout;
    std::unique_ptr<Pipe> m_stderr;
    int m_pidFd = -1;
    QSocketNotifier *m_exitNotifier = nullptr;
    QTimer m_exitPoll;  // only where pidfd_open is unavailable
    QTimer m_killTimer; // SIGTERM -> SIGKILL escalation
    QTimer m_orphanTimer;
    qint64 m_pid = 0;
    bool m_reaped = false;
    bool m_done = false;
    bool m_paused = false;
    bool m_groupKilled = false;
    ProcessExit m_exit;
    QString m_error;
};

} // namespace Tincan

Q_DECLARE_METATYPE(Tincan::OutputStream)
Q_DECLARE_METATYPE(Tincan::ProcessExit)
