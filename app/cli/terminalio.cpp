#include "app/cli/terminalio.h"

#include <QByteArray>

#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace Tincan::Cli {

WriteResult writeAll(int fd, QByteArrayView bytes)
{
    const char *data = bytes.data();
    qsizetype left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, size_t(left));
        if (n > 0) {
            data += n;
            left -= n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            // A non-blocking descriptor inherited from the caller: wait for room.
            pollfd pfd{fd, POLLOUT, 0};
            ::poll(&pfd, 1, -1);
            continue;
        }
        return (n < 0 && errno == EPIPE) ? WriteResult::Closed : WriteResult::Failed;
    }
    return WriteResult::Ok;
}

void printError(const QString &line)
{
    writeAll(STDERR_FILENO, QByteArray(line.toLocal8Bit() + '\n'));
}

void printErrorNoNewline(const QString &text)
{
    writeAll(STDERR_FILENO, text.toLocal8Bit());
}

void printLine(const QString &line)
{
    writeAll(STDOUT_FILENO, QByteArray(line.toLocal8Bit() + '\n'));
}

void reportError(const QString &message)
{
    printError(QStringLiteral("tincan-cli: ") + message);
}

} // namespace Tincan::Cli
