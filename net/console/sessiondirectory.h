// The working directory of one Tincan console session, kept by the server:
// the built-in `cd` changes it, every other command runs in it. Pure (no
// socket), so its rules are tested directly. See docs/PROTOCOL.md §4.3.
#pragma once

#include <QCoreApplication>
#include <QString>

#include <optional>

namespace Tincan {

class SessionDirectory final
{
    Q_DECLARE_TR_FUNCTIONS(SessionDirectory)

public:
    // What a `cd` did: its stdout (only `cd -` prints, as a shell does), its
    // stderr and its exit status.
    struct Outcome
    {
        QByteArray stdoutText;
        QByteArray stderrText;
        int exitCode = 0;
    };

    // `start` is made absolute and clean; it is not required to exist.
    explicit SessionDirectory(const QString &start);

    QString current() const { return m_current; }
    QString previous() const { return m_previous; }

    // The argument of a command that is the built-in cd: the whole command,
    // trimmed, is `cd` alone (returns an empty string) or `cd WORD`, where WORD
    // is one word without shell syntax, or one quoted ('...' or "..." without
    // $, ` or \ inside). Anything else (`cd a && ls`, `cd $HOME`) is nullopt: it
    // is an ordinary command and runs in a shell, where its cd has no lasting
    // effect.
    static std::optional<QString> cdArgument(const QString &command);

    // Runs the built-in cd with `argument` (as cdArgument() returned it):
    // empty or `~` is the server user's home, `~/x` is under it, `-` the
    // previous directory; anything else is taken relative to current(). The
    // directory changes only if the target exists, is a directory and can be
    // searched; otherwise a shell-like message and exit status 1.
    Outcome change(const QString &argument);

    // Whether current() still exists as a searchable directory (it may have
    // been removed or changed under the session).
    bool isUsable() const;

private:
    QString m_current;
    QString m_previous;
};

} // namespace Tincan
