#include "app/cli/passwdcommand.h"

#include "app/cli/passwordinput.h"
#include "app/cli/terminalio.h"
#include "net/auth/passwordhash.h"

#include <QCommandLineParser>
#include <QFile>
#include <QSaveFile>

#include <unistd.h>

namespace Tincan::Cli {

namespace {
constexpr int UsageError = 2;
constexpr int Failed = 1;
constexpr int Interrupted = 130; // 128 + SIGINT

// The password: asked twice on a terminal, else the first line of standard input.
std::optional<QString> readNewPassword(int *status)
{
    if (standardInputIsTerminal()) {
        QString first;
        QString second;
        const PromptResult a = promptPassword(CliText::tr("New console password: "), &first);
        const PromptResult b = a == PromptResult::Ok ? promptPassword(CliText::tr("Once more: "), &second) : a;
        if (a == PromptResult::Interrupted || b == PromptResult::Interrupted) {
            *status = Interrupted;
            return std::nullopt;
        }
        if (b != PromptResult::Ok) {
            reportError(CliText::tr("passwd: no password given."));
            *status = Failed;
            return std::nullopt;
        }
        if (first != second) {
            reportError(CliText::tr("passwd: the two passwords differ."));
            *status = Failed;
            return std::nullopt;
        }
        return first;
    }
    QFile input;
    QString error;
    std::optional<QString> password;
    if (input.open(STDIN_FILENO, QIODevice::ReadOnly)) {
        const QByteArray line = input.readLine(PasswordHash::MaxPasswordSize + 3);
        QByteArray text = line;
        if (text.endsWith('\n'))
            text.chop(1);
        if (text.endsWith('\r'))
            text.chop(1);
        if (!text.isEmpty())
            password = QString::fromUtf8(text);
    }
    if (!password) {
        reportError(CliText::tr("passwd: no password on standard input."));
        *status = Failed;
    }
    return password;
}
} // namespace

int runPasswd(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        CliText::tr("Makes the password hash a console server keeps: a salted PBKDF2-SHA256 key, one line of the "
                    "form %1$ITERATIONS$SALT$KEY. The password is asked for twice on the terminal, or read from the "
                    "first line of standard input. Give the result to `tincan-cli serve --password-hash-file FILE`. "
                    "The hash is enough to log in to this server (not to learn the password): keep it as private "
                    "as the password.")
            .arg(PasswordHash::Scheme));
    parser.addHelpOption();
    const QCommandLineOption outputOption(
        QStringLiteral("output"),
        CliText::tr("Write the hash to FILE (created readable by its owner only) instead of standard output."),
        CliText::tr("file"));
    const QCommandLineOption iterationsOption(
        QStringLiteral("iterations"),
        CliText::tr("PBKDF2 iterations, %1 to %2 (default %3). Every login costs the client this much work.")
            .arg(PasswordHash::MinIterations)
            .arg(PasswordHash::MaxIterations)
            .arg(PasswordHash::DefaultIterations),
        CliText::tr("count"));
    parser.addOptions({outputOption, iterationsOption});
    if (!parser.parse(arguments)) {
        reportError(parser.errorText());
        return UsageError;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printLine(parser.helpText().trimmed());
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        reportError(CliText::tr("passwd: unexpected argument \"%1\".").arg(parser.positionalArguments().constFirst()));
        return UsageError;
    }
    int iterations = PasswordHash::DefaultIterations;
    if (parser.isSet(iterationsOption)) {
        bool ok = false;
        iterations = parser.value(iterationsOption).toInt(&ok);
        if (!ok || !PasswordHash::iterationsInRange(iterations)) {
            reportError(CliText::tr("passwd: the iteration count must be a number from %1 to %2.")
                            .arg(PasswordHash::MinIterations)
                            .arg(PasswordHash::MaxIterations));
            return UsageError;
        }
    }

    int status = 0;
    const std::optional<QString> password = readNewPassword(&status);
    if (!password)
        return status;
    const Expected<PasswordHash> hash = PasswordHash::create(*password, iterations);
    if (!hash) {
        reportError(CliText::tr("passwd: %1").arg(hash.error()));
        return Failed;
    }
    const QByteArray line = hash->toString().toLatin1() + '\n';
    if (!parser.isSet(outputOption)) {
        writeAll(STDOUT_FILENO, line);
        return 0;
    }
    const QString path = parser.value(outputOption);
    QSaveFile file(path);
    // Owner-only before a byte is written; QSaveFile renames it into place.
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(line) != line.size() || !file.commit()) {
        reportError(CliText::tr("passwd: cannot write %1: %2").arg(path, file.errorString()));
        return Failed;
    }
    return 0;
}

} // namespace Tincan::Cli
