#include "app/cli/terminalprompter.h"

#include "app/cli/consolesession.h"
#include "app/cli/passwordinput.h"
#include "app/cli/terminalio.h"

#include <QDir>

#include <cstdio>
#include <unistd.h>

namespace Tincan::Cli {

namespace {

// Like ssh's REMOTE HOST IDENTIFICATION HAS CHANGED: loud, with everything
// needed to check and, once checked, to fix it.
void reportIdentityChanged(const Prompter::TrustQuestion &question)
{
    const QString name = serverName(question.host, question.port);
    const QString bar(59, QLatin1Char('@'));
    printError(bar);
    printError(CliText::tr("@    WARNING: THE CONSOLE SERVER'S IDENTITY HAS CHANGED!     @"));
    printError(bar);
    printError(CliText::tr("IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
                           "Someone could be intercepting the connection right now (a man-in-the-middle attack),\n"
                           "or the server's TLS identity was replaced (a new --tls-dir, a reinstall)."));
    printError(CliText::tr("The fingerprint pinned for %1 is\n    %2\nbut the server presented\n    %3")
                   .arg(name, question.expected.toString(), question.presented.toString()));
    printError(CliText::tr("The pin is in %1, line %2.")
                   .arg(QDir::toNativeSeparators(question.knownHostsPath))
                   .arg(question.knownHostsLine));
    printError(CliText::tr("Check the new fingerprint with the server's owner (tincan-cli serve prints it). Once "
                           "it is checked, forget the old one with:\n    tincan-cli known-hosts --known-hosts %1 "
                           "--forget %2")
                   .arg(question.knownHostsPath, name));
    printError(CliText::tr("The connection was refused; nothing was sent to the server."));
}

// Asks on the terminal whether to trust an unknown server, as ssh does.
// False without a terminal, on "no", or at the end of input.
bool askToTrust(const QString &name, const TlsFingerprint &fingerprint)
{
    // As for the password: the question is asked when standard input is a
    // terminal, on standard error.
    if (!::isatty(STDIN_FILENO))
        return false;
    printError(CliText::tr("The authenticity of server '%1' can't be established.\nIts fingerprint is %2.")
                   .arg(name, fingerprint.toString()));
    for (;;) {
        printErrorNoNewline(CliText::tr("Are you sure you want to continue connecting (yes/no)? "));
        char line[64] = {};
        if (!std::fgets(line, sizeof line, stdin))
            return false;
        const QString answer = QString::fromLocal8Bit(line).trimmed().toLower();
        // The words are the program's interface, as in ssh: not translated.
        if (answer == QStringLiteral("yes"))
            return true;
        if (answer == QStringLiteral("no"))
            return false;
        printErrorNoNewline(CliText::tr("Please type 'yes' or 'no': "));
    }
}

} // namespace

void TerminalPrompter::askPassword(const PasswordQuestion &question, PasswordAnswer answer)
{
    // A refused password, or a server that asks again, is not worth a second prompt.
    if (question.wrong || std::exchange(m_askedPassword, true)) {
        reportError(question.message);
        answer(std::nullopt);
        return;
    }
    // The server wants a password and none was given: ask, once, on the
    // terminal. Nothing ran: requests wait for the login.
    QString typed;
    switch (promptPassword(CliText::tr("Password for %1:%2: ").arg(question.host).arg(question.port), &typed)) {
    case PromptResult::Ok:
        if (typed.isEmpty())
            reportError(question.message); // nothing to log in with
        answer(typed);
        return;
    case PromptResult::NotATerminal:
        reportError(CliText::tr("%1 Give it with --password-file FILE or in the environment variable %2.")
                        .arg(question.message, QLatin1StringView(PasswordEnvironmentVariable)));
        break;
    case PromptResult::Interrupted:
        m_interrupted = true;
        break;
    case PromptResult::EndOfInput:
        reportError(question.message);
        break;
    }
    answer(std::nullopt);
}

void TerminalPrompter::askTrust(const TrustQuestion &question, Decision answer)
{
    if (question.changed) {
        reportIdentityChanged(question);
        answer(false);
        return;
    }
    const QString name = serverName(question.host, question.port);
    const bool askedBefore = std::exchange(m_askedTrust, true);
    if (!askedBefore && askToTrust(name, question.presented)) {
        answer(true);
        return;
    }
    if (!askedBefore && !::isatty(STDIN_FILENO))
        reportError(CliText::tr("The authenticity of server '%1' can't be established: its fingerprint "
                                "%2 is not in %3. Check it with the server's owner (tincan-cli serve "
                                "prints it), then connect once with --accept-new to remember it.")
                        .arg(name, question.presented.toString(), QDir::toNativeSeparators(question.knownHostsPath)));
    else
        reportError(CliText::tr("Host key verification failed: '%1' is not trusted.").arg(name));
    answer(false);
}

void TerminalPrompter::askReplace(const QString &, Decision answer)
{
    answer(false);
}

} // namespace Tincan::Cli
