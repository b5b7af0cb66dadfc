#include "app/cli/knownhostscommand.h"

#include "app/cli/execcommand.h"
#include "app/cli/terminalio.h"
#include "net/tls/knownhosts.h"

#include <QCommandLineParser>
#include <QDir>

#include <optional>

namespace Tincan::Cli {

namespace {

// Exit codes: 0 done, 1 the file cannot be read or written, 2 usage, and
// NotFoundExit when --forget finds no entry (like `ssh-keygen -R`'s answer
// that it found nothing, but as a status scripts can test).
constexpr int FileErrorExit = 1;
constexpr int UsageExit = 2;
constexpr int NotFoundExit = 3;

struct HostPort
{
    QString host;
    quint16 port = 0;
};

// "host:port" or "[v6]:port", as the known-hosts file and exec's messages write it.
std::optional<HostPort> parseHostPort(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return std::nullopt;
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return std::nullopt;
    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    else if (host.contains(QLatin1Char(':')))
        return std::nullopt; // an IPv6 address needs its brackets
    if (!KnownHostsList::normalizeHost(host))
        return std::nullopt;
    return HostPort{host, quint16(port)};
}

} // namespace

int runKnownHosts(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        CliText::tr("Lists or forgets the TLS fingerprints pinned for console servers (the known-hosts file "
                    "tincan-cli exec uses). Exits with 0, 1 when the file cannot be read or written, 2 for a "
                    "usage error, or 3 when --forget finds no entry."));
    parser.addHelpOption();
    const QCommandLineOption listOption(QStringLiteral("list"), CliText::tr("Print every pinned server."));
    const QCommandLineOption forgetOption(
        QStringLiteral("forget"),
        CliText::tr("Remove the pin of HOST:PORT ([ADDRESS]:PORT for IPv6), after its new fingerprint was checked."),
        QStringLiteral("host:port"));
    const QCommandLineOption knownHostsOption(
        QStringLiteral("known-hosts"),
        CliText::tr("The file of pinned server fingerprints (default %1).").arg(defaultKnownHostsPath()),
        CliText::tr("file"));
    parser.addOptions({listOption, forgetOption, knownHostsOption});
    if (!parser.parse(arguments)) {
        reportError(parser.errorText());
        return UsageExit;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printLine(parser.helpText().trimmed());
        return 0;
    }
    if (parser.isSet(listOption) == parser.isSet(forgetOption) || !parser.positionalArguments().isEmpty()) {
        reportError(CliText::tr("known-hosts: give either --list or --forget HOST:PORT."));
        return UsageExit;
    }
    KnownHosts knownHosts(parser.isSet(knownHostsOption) ? parser.value(knownHostsOption) : defaultKnownHostsPath());
    const QString path = QDir::toNativeSeparators(knownHosts.filePath());
    if (parser.isSet(forgetOption)) {
        const std::optional<HostPort> server = parseHostPort(parser.value(forgetOption));
        if (!server) {
            reportError(CliText::tr("known-hosts: \"%1\" is not HOST:PORT.").arg(parser.value(forgetOption)));
            return UsageExit;
        }
        if (!knownHosts.load()) {
            reportError(knownHosts.errorString());
            return FileErrorExit;
        }
        if (!knownHosts.list().pinned(server->host, server->port)) {
            reportError(CliText::tr("known-hosts: no pin for %1 in %2.").arg(parser.value(forgetOption), path));
            return NotFoundExit;
        }
        if (!knownHosts.forget(server->host, server->port)) {
            reportError(knownHosts.errorString());
            return FileErrorExit;
        }
        printLine(CliText::tr("Forgot %1 in %2.").arg(*KnownHostsList::hostKey(server->host, server->port), path));
        return 0;
    }
    if (!knownHosts.load()) {
        reportError(knownHosts.errorString());
        return FileErrorExit;
    }
    // The file itself is the list: entries as written, without comments.
    const QByteArray content = knownHosts.list().serialize();
    const QList<KnownHostsList::Problem> problems = knownHosts.problems();
    int lineNumber = 0;
    for (const QByteArray &line : content.split('\n')) {
        ++lineNumber;
        const QByteArray trimmed = line.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith('#'))
            continue;
        if (std::any_of(problems.cbegin(), problems.cend(),
                        [lineNumber](const KnownHostsList::Problem &problem) { return problem.line == lineNumber; }))
            continue;
        printLine(QString::fromUtf8(trimmed));
    }
    for (const KnownHostsList::Problem &problem : problems)
        printError(CliText::tr("%1:%2: ignored: %3").arg(path).arg(problem.line).arg(problem.reason));
    return 0;
}

} // namespace Tincan::Cli
