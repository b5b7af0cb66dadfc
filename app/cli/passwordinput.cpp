#include "app/cli/passwordinput.h"

#include "app/cli/terminalio.h"
#include "net/auth/passwordhash.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <csignal>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

namespace Tincan::Cli {

namespace {
// A password line longer than this is not a password file (or is hostile):
// reading stops here.
constexpr qint64 MaxLineBytes = PasswordHash::MaxPasswordSize + 2;

volatile sig_atomic_t g_promptInterrupted = 0;

extern "C" void onPromptSignal(int)
{
    g_promptInterrupted = 1;
}

QString stripLineEnd(QByteArray line)
{
    if (line.endsWith('\n'))
        line.chop(1);
    if (line.endsWith('\r'))
        line.chop(1);
    return QString::fromUtf8(line);
}
} // namespace

Expected<QString> readFirstLine(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Failure{CliText::tr("cannot read %1: %2").arg(path, file.errorString())};
    const QByteArray line = file.readLine(MaxLineBytes + 1);
    if (line.size() > MaxLineBytes)
        return Failure{CliText::tr("the first line of %1 is longer than %2 bytes.").arg(path).arg(MaxLineBytes)};
    const QString text = stripLineEnd(line);
    if (text.isEmpty())
        return Failure{CliText::tr("the first line of %1 is empty.").arg(path)};
    return text;
}

Expected<QString> readPasswordFile(const QString &path)
{
    Expected<QString> password = readFirstLine(path);
    if (password && password->toUtf8().size() > PasswordHash::MaxPasswordSize)
        return Failure{
            CliText::tr("the password in %1 is longer than %2 bytes.").arg(path).arg(PasswordHash::MaxPasswordSize)};
    return password;
}

bool isReadableByOthers(const QString &path)
{
    const QFileDevice::Permissions permissions = QFileInfo(path).permissions();
    return permissions & (QFileDevice::ReadGroup | QFileDevice::ReadOther);
}

bool standardInputIsTerminal()
{
    return ::isatty(STDIN_FILENO) == 1;
}

PromptResult promptPassword(const QString &prompt, QString *password)
{
    if (!standardInputIsTerminal())
        return PromptResult::NotATerminal;
    termios saved{};
    if (::tcgetattr(STDIN_FILENO, &saved) != 0)
        return PromptResult::NotATerminal;

    // Signals that would leave the terminal silent are caught for the length
    // of the prompt, without SA_RESTART, so that the wait below ends.
    g_promptInterrupted = 0;
    constexpr int Caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct sigaction previous[std::size(Caught)] = {};
    struct sigaction action = {};
    action.sa_handler = onPromptSignal;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < std::size(Caught); ++i)
        ::sigaction(Caught[i], &action, &previous[i]);
    // Ctrl+Z would stop us with echo off; getpass ignores it too.
    struct sigaction previousStop = {};
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGTSTP, &ignore, &previousStop);

    termios silent = saved;
    silent.c_lflag &= tcflag_t(~ECHO);
    silent.c_lflag |= ECHONL; // the Enter still moves to a new line
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    printErrorNoNewline(prompt);

    QByteArray line;
    PromptResult result = PromptResult::Ok;
    for (;;) {
        if (g_promptInterrupted) {
            result = PromptResult::Interrupted;
            break;
        }
        pollfd pfd{STDIN_FILENO, POLLIN, 0};
        const int ready = ::poll(&pfd, 1, -1);
        if (ready < 0) {
            if (errno == EINTR)
                continue; // the flag above decides
            result = PromptResult::EndOfInput;
            break;
        }
        char buffer[256];
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            result = line.isEmpty() ? PromptResult::EndOfInput : PromptResult::Ok;
            break;
        }
        line.append(buffer, qsizetype(n));
        if (line.contains('\n') || line.size() > MaxLineBytes)
            break;
    }

    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    ::sigaction(SIGTSTP, &previousStop, nullptr);
    for (size_t i = 0; i < std::size(Caught); ++i)
        ::sigaction(Caught[i], &previous[i], nullptr);
    if (result == PromptResult::Interrupted)
        printError(QString()); // ECHONL did not see a newline
    if (result != PromptResult::Ok)
        return result;
    const qsizetype end = line.indexOf('\n');
    *password = stripLineEnd(end >= 0 ? line.left(end + 1) : line);
    return PromptResult::Ok;
}

} // namespace Tincan::Cli
