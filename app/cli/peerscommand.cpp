#include "app/cli/peerscommand.h"

#include "app/cli/lanoptions.h"
#include "app/cli/terminalio.h"
#include "net/lan/peerdirectory.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTimer>

#include <chrono>

namespace Tincan::Cli {

namespace {
constexpr int DefaultWaitSeconds = 2;
constexpr int MaxWaitSeconds = 3600;

namespace PeersExit {
constexpr int Listed = 0; // even when no one answered: an empty LAN is an answer
constexpr int Failed = 1; // neither protocol could listen
constexpr int UsageError = 2;
} // namespace PeersExit
} // namespace

int runPeers(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        CliText::tr("Asks the LAN who is there and prints one line per peer heard: ADDRESS PROTOCOL STATE NAME "
                    "(PROTOCOL is tincan or ipmsg). Announces on every up interface unless --announce-on, "
                    "%1 or --no-announce say otherwise. Exits 0 once the wait is over (even if no one "
                    "answered), 1 when the discovery port cannot be used, 2 on a usage error.")
            .arg(QLatin1String(AnnounceInterfacesVariable)));
    parser.addHelpOption();
    const QCommandLineOption wait(QStringLiteral("wait"),
                                  CliText::tr("Seconds to listen (default %1).").arg(DefaultWaitSeconds),
                                  CliText::tr("seconds"), QString::number(DefaultWaitSeconds));
    const QCommandLineOption name(QStringLiteral("name"), CliText::tr("Display name peers see (default: $USER)."),
                                  CliText::tr("name"), cliUserName());
    parser.addOptions({wait, name});
    const LanOptions lan(parser);
    if (!parser.parse(arguments)) {
        reportError(parser.errorText());
        return PeersExit::UsageError;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printLine(parser.helpText().trimmed());
        return 0;
    }
    bool waitOk = false;
    const int waitSeconds = parser.value(wait).toInt(&waitOk);
    if (!waitOk || waitSeconds < 0 || waitSeconds > MaxWaitSeconds || !parser.positionalArguments().isEmpty()) {
        reportError(CliText::tr("peers: expected --wait 0 to %1. Try: tincan-cli peers --wait 2").arg(MaxWaitSeconds));
        return PeersExit::UsageError;
    }
    const auto options = lan.directoryOptions(parser);
    if (!options) {
        reportError(QStringLiteral("peers: ") + options.error());
        return PeersExit::UsageError;
    }

    // A listener: no chat port, so peers list it without offering to chat.
    Lan::PeerDirectory directory(cliLocalIdentity(parser.value(name)), *options);
    directory.start();
    reportLanProblems(QStringLiteral("peers"), directory);
    if (!directory.announcer() && !directory.ipmsg())
        return PeersExit::Failed;

    QTimer::singleShot(std::chrono::seconds(waitSeconds), [] { QCoreApplication::exit(PeersExit::Listed); });
    QCoreApplication::exec();

    // Sorted by address for a stable listing; a host may hold several peers.
    QList<Lan::LanPeer> peers = directory.peers();
    std::stable_sort(peers.begin(), peers.end(), [](const Lan::LanPeer &a, const Lan::LanPeer &b) {
        return a.address.toString() < b.address.toString();
    });
    for (const Lan::LanPeer &peer : std::as_const(peers)) {
        if (peer.state == Lan::PeerState::Offline)
            continue; // heard leaving during the wait: no longer there
        printLine(
            QStringLiteral("%1 %2 %3 %4")
                .arg(peer.address.toString(), Lan::protocolName(peer.protocol), Lan::stateName(peer.state), peer.name));
    }
    // Said on leaving (by the directory's stop), so the others do not list a program that has ended.
    directory.stop();
    return PeersExit::Listed;
}

} // namespace Tincan::Cli
