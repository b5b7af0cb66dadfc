#include "net/console/sessiondirectory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace Tincan {

namespace {
// Characters that make a word shell syntax rather than a plain name: such a
// command is left to the shell.
constexpr QStringView ShellSpecial = u" \t\n;&|<>()$`\\\"'*?[]{}#!";

// Same meaning as errno, in the shell's words ("No such file or directory").
QByteArray errnoText(int error)
{
    return QByteArray(std::strerror(error));
}

// 0 when `path` is a directory this process may enter, else an errno value.
int directoryError(const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    struct stat info = {};
    if (::stat(native.constData(), &info) != 0)
        return errno;
    if (!S_ISDIR(info.st_mode))
        return ENOTDIR;
    if (::access(native.constData(), X_OK) != 0)
        return errno;
    return 0;
}
} // namespace

SessionDirectory::SessionDirectory(const QString &start)
    : m_current(QDir::cleanPath(QDir(start).absolutePath()))
{
}

std::optional<QString> SessionDirectory::cdArgument(const QString &command)
{
    const QString trimmed = command.trimmed();
    if (trimmed == u"cd")
        return QString();
    if (!trimmed.startsWith(u"cd") || trimmed.size() < 4 || !trimmed.at(2).isSpace())
        return std::nullopt;
    const QString word = trimmed.mid(3).trimmed();
    const QChar first = word.front();
    if ((first == u'\'' || first == u'"') && word.size() >= 2 && word.back() == first) {
        const QString inner = word.mid(1, word.size() - 2);
        if (inner.contains(first))
            return std::nullopt;
        if (first == u'"' && (inner.contains(u'$') || inner.contains(u'`') || inner.contains(u'\\')))
            return std::nullopt;
        if (inner.isEmpty())
            return std::nullopt; // cd '' is an error in the shell; leave it there
        return inner;
    }
    for (QChar c : word)
        if (ShellSpecial.contains(c))
            return std::nullopt;
    // Options (cd -P) and ~user are the shell's business.
    if ((first == u'-' && word != u"-") || (first == u'~' && word != u"~" && !word.startsWith(u"~/")))
        return std::nullopt;
    return word;
}

SessionDirectory::Outcome SessionDirectory::change(const QString &argument)
{
    Outcome outcome;
    QString target;
    bool printTarget = false;
    if (argument.isEmpty() || argument == u"~") {
        target = QDir::homePath();
    } else if (argument.startsWith(u"~/")) {
        target = QDir::homePath() + argument.mid(1);
    } else if (argument == u"-") {
        if (m_previous.isEmpty()) {
            outcome.stderrText = QByteArrayLiteral("cd: OLDPWD not set\n");
            outcome.exitCode = 1;
            return outcome;
        }
        target = m_previous;
        printTarget = true;
    } else if (QDir::isAbsolutePath(argument)) {
        target = argument;
    } else {
        target = m_current + u'/' + argument;
    }
    // Logical, as the shell's PWD: `..` goes back up through a symbolic link
    // the session came down.
    target = QDir::cleanPath(target);
    if (const int error = directoryError(target)) {
        // The shell's wording, which users and scripts know.
        outcome.stderrText = "cd: " + argument.toUtf8() + ": " + errnoText(error) + '\n';
        outcome.exitCode = 1;
        return outcome;
    }
    m_previous = std::exchange(m_current, target);
    if (printTarget)
        outcome.stdoutText = target.toUtf8() + '\n';
    return outcome;
}

bool SessionDirectory::isUsable() const
{
    return directoryError(m_current) == 0;
}

} // namespace Tincan
