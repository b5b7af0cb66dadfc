#include "net/process/shellprocess.h"

#include <QDir>
#include <QFile>
#include <QSocketNotifier>

#if !defined(Q_OS_UNIX)
#error "ShellProcess is implemented for Unix only so far; see docs/DESIGN.md"
#endif

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace Tincan {

namespace {
constexpr std::chrono::milliseconds ExitPollInterval{50};

int openPidFd(pid_t pid)
{
#if defined(SYS_pidfd_open)
    return int(::syscall(SYS_pidfd_open, pid, 0));
#else
    Q_UNUSED(pid);
    errno = ENOSYS;
    return -1;
#endif
}

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}
} // namespace

struct ShellProcess::Pipe
{
    int fd = -1;
    QSocketNotifier *notifier = nullptr;
    bool open() const { return fd >= 0; }
};

ShellProcess::ShellProcess(QObject *parent)
    : QObject(parent)
    , m_stdout(std::make_unique<Pipe>())
    , m_stderr(std::make_unique<Pipe>())
{
    static const int registered = [] {
        qRegisterMetaType<Tincan::OutputStream>();
        qRegisterMetaType<Tincan::ProcessExit>();
        return 0;
    }();
    Q_UNUSED(registered);

    m_killTimer.setSingleShot(true);
    m_killTimer.setInterval(KillGrace);
    connect(&m_killTimer, &QTimer::timeout, this, &ShellProcess::kill);

    m_orphanTimer.setSingleShot(true);
    m_orphanTimer.setInterval(OrphanOutputGrace);
    connect(&m_orphanTimer, &QTimer::timeout, this, &ShellProcess::onOrphanGraceExpired);

    m_exitPoll.setInterval(ExitPollInterval);
    connect(&m_exitPoll, &QTimer::timeout, this, &ShellProcess::onChildExited);
}

ShellProcess::~ShellProcess()
{
    if (m_pid > 0) {
        // Whatever is left of the group goes now; nothing outlives its command.
        if (!m_done || !m_groupKilled)
            ::kill(-pid_t(m_pid), SIGKILL);
        if (!m_reaped) {
            int status = 0;
            while (::waitpid(pid_t(m_pid), &status, 0) < 0 && errno == EINTR) { }
        }
    }
    closePipe(*m_stdout);
    closePipe(*m_stderr);
    if (m_pidFd >= 0)
        ::close(m_pidFd);
}

QStringList ShellProcess::platformShell()
{
    return {QStringLiteral("/bin/sh"), QStringLiteral("-c")};
}

bool ShellProcess::start(const QString &command, const QString &workingDirectory)
{
    Q_ASSERT(m_pid == 0);
    int outFds[2] = {-1, -1};
    int errFds[2] = {-1, -1};
    if (::pipe2(outFds, O_CLOEXEC) != 0 || ::pipe2(errFds, O_CLOEXEC) != 0) {
        m_error = tr("Cannot create pipes: %1").arg(systemError(errno));
        for (int fd : {outFds[0], outFds[1], errFds[0], errFds[1]})
            if (fd >= 0)
                ::close(fd);
        return false;
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // stdin is closed to the command: it reads end-of-file at once.
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outFds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errFds[1], STDERR_FILENO);
    const QByteArray directory = QFile::encodeName(workingDirectory);
    if (!workingDirectory.isEmpty())
        posix_spawn_file_actions_addchdir_np(&actions, directory.constData());

    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // A group of its own, so that terminate() reaches every process of a
    // pipeline; signals reset, since ignored dispositions (SIGPIPE in a
    // server) would otherwise be inherited through exec.
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attributes, 0);
    sigset_t mask;
    sigemptyset(&mask);
    posix_spawnattr_setsigmask(&attributes, &mask);
    sigset_t defaults;
    sigfillset(&defaults);
    sigdelset(&defaults, SIGKILL);
    sigdelset(&defaults, SIGSTOP);
    posix_spawnattr_setsigdefault(&attributes, &defaults);

    const QStringList shell = platformShell();
    QByteArray program = QFile::encodeName(shell.at(0));
    QByteArray flag = shell.at(1).toLocal8Bit();
    QByteArray script = command.toUtf8();
    char *argv[] = {program.data(), flag.data(), script.data(), nullptr};

    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, program.constData(), &actions, &attributes, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(outFds[1]);
    ::close(errFds[1]);
    if (rc != 0) {
        ::close(outFds[0]);
        ::close(errFds[0]);
        m_error = workingDirectory.isEmpty() || QDir(workingDirectory).exists()
            ? tr("Cannot start %1: %2").arg(shell.at(0), systemError(rc))
            : tr("Cannot change to directory %1: %2").arg(workingDirectory, systemError(rc));
        return false;
    }
    m_pid = pid;

    const auto setUp = [this](Pipe &pipe, int fd, OutputStream stream) {
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        pipe.fd = fd;
        pipe.notifier = new QSocketNotifier(qintptr(fd), QSocketNotifier::Read, this);
        connect(pipe.notifier, &QSocketNotifier::activated, this,
                [this, &pipe, stream] { onPipeReadable(pipe, stream); });
    };
    setUp(*m_stdout, outFds[0], OutputStream::Stdout);
    setUp(*m_stderr, errFds[0], OutputStream::Stderr);

    m_pidFd = openPidFd(pid);
    if (m_pidFd >= 0) {
        m_exitNotifier = new QSocketNotifier(qintptr(m_pidFd), QSocketNotifier::Read, this);
        connect(m_exitNotifier, &QSocketNotifier::activated, this, &ShellProcess::onChildExited);
    } else {
        m_exitPoll.start(); // kernels before 5.3 have no pidfd
    }
    return true;
}

void ShellProcess::signalGroup(int signal)
{
    if (m_pid > 0 && !m_groupKilled)
        ::kill(-pid_t(m_pid), signal);
}

void ShellProcess::terminate()
{
    if (m_pid <= 0 || m_done || m_killTimer.isActive())
        return;
    signalGroup(SIGTERM);
    signalGroup(SIGCONT); // a stopped process must run to see SIGTERM
    m_killTimer.start();
}

void ShellProcess::kill()
{
    if (m_pid <= 0 || m_done)
        return;
    signalGroup(SIGKILL);
    m_groupKilled = true;
    m_killTimer.stop();
    // A descendant that left the group could still hold the pipes open; the
    // orphan timer closes them if no end-of-file comes.
    if (m_reaped && !m_orphanTimer.isActive())
        m_orphanTimer.start();
}

void ShellProcess::setReadingPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    for (Pipe *pipe : {m_stdout.get(), m_stderr.get()})
        if (pipe->notifier)
            pipe->notifier->setEnabled(!paused);
}

void ShellProcess::closePipe(Pipe &pipe)
{
    if (pipe.notifier) {
        pipe.notifier->setEnabled(false);
        pipe.notifier->deleteLater();
        pipe.notifier = nullptr;
    }
    if (pipe.fd >= 0) {
        ::close(pipe.fd);
        pipe.fd = -1;
    }
}

void ShellProcess::onPipeReadable(Pipe &pipe, OutputStream stream)
{
    if (!pipe.open())
        return;
    QByteArray chunk(ReadChunkSize, Qt::Uninitialized);
    ssize_t n;
    do {
        n = ::read(pipe.fd, chunk.data(), size_t(chunk.size()));
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        chunk.truncate(qsizetype(n));
        Q_EMIT outputRead(stream, chunk);
        return;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    closePipe(pipe); // end of file, or an error that ends this stream
    maybeFinish();
}

void ShellProcess::onChildExited()
{
    if (m_reaped)
        return;
    int status = 0;
    pid_t r;
    do {
        r = ::waitpid(pid_t(m_pid), &status, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == 0)
        return; // not yet (only the polling fallback gets here)
    m_reaped = true;
    m_exitPoll.stop();
    if (m_exitNotifier) {
        m_exitNotifier->setEnabled(false);
        m_exitNotifier->deleteLater();
        m_exitNotifier = nullptr;
    }
    if (r > 0 && WIFSIGNALED(status)) {
        m_exit.exitCode = -1;
        m_exit.signal = WTERMSIG(status);
    } else if (r > 0) {
        m_exit.exitCode = WEXITSTATUS(status);
    }
    if (m_stdout->open() || m_stderr->open())
        m_orphanTimer.start();
    maybeFinish();
}

void ShellProcess::onOrphanGraceExpired()
{
    if (m_done)
        return;
    if (m_paused) {
        // The reader is slow, not the command: wait for it.
        m_orphanTimer.start();
        return;
    }
    if (!m_groupKilled) {
        kill(); // restarts the timer for the last step below
        m_orphanTimer.start();
        return;
    }
    // Killed, yet something outside the group keeps the pipes open.
    closePipe(*m_stdout);
    closePipe(*m_stderr);
    maybeFinish();
}

void ShellProcess::maybeFinish()
{
    if (m_done || !m_reaped || m_stdout->open() || m_stderr->open())
        return;
    m_done = true;
    m_killTimer.stop();
    m_orphanTimer.stop();
    // The shell is gone; so must be anything it left running in its group.
    signalGroup(SIGKILL);
    m_groupKilled = true;
    Q_EMIT finished(m_exit);
}

} // namespace Tincan
