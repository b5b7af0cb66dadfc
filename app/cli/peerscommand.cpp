#include "app/cli/peerscommand.h"

#include "app/cli/terminalio.h"
#include "net/ipmsg/ipmsgendpoint.h"
#include "net/presence/announcer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QMap>
#include <QSettings>
#include <QTimer>

#include <chrono>

namespace Tincan::Cli {

namespace {
constexpr int DefaultWaitSeconds = 2;
constexpr int MaxWaitSeconds = 3600;
// The variable tests use to keep announcements inside their namespaces.
constexpr char InterfacesVariable[] = "TINCAN_ANNOUNCE_INTERFACES";

namespace PeersExit {
constexpr int Listed = 0; // even when no one answered: an empty LAN is an answer
constexpr int Failed = 1; // the discovery port could not be had
constexpr int UsageError = 2;
} // namespace PeersExit

// The installation's id, the same one `tincan-cli chat` uses, so peers see one Tincan.
QUuid installId()
{
    QSettings settings(QStringLiteral("Tincan"), QStringLiteral("tincan-cli"));
    QUuid id = QUuid::fromString(settings.value(QStringLiteral("chat/id")).toString());
    if (id.isNull()) {
        id = QUuid::createUuid();
        settings.setValue(QStringLiteral("chat/id"), id.toString(QUuid::WithoutBraces));
    }
    return id;
}

QString userName()
{
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? QStringLiteral("tincan") : user;
}

struct PeersOptions
{
    int waitSeconds = DefaultWaitSeconds;
    Presence::InterfaceSelection interfaces;
    quint16 ipmsgPort = IpMsg::DefaultPort;
    QString name;
};

std::optional<PeersOptions> parseOptions(const QStringList &arguments, int &exitCode)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        CliText::tr("Asks the LAN who is there and prints one line per peer heard: ADDRESS PROTOCOL STATE NAME "
                    "(PROTOCOL is tincan or ipmsg). Announces on every up interface unless --announce-on, "
                    "%1 or --no-announce say otherwise. Exits 0 once the wait is over (even if no one "
                    "answered), 1 when the discovery port cannot be used, 2 on a usage error.")
            .arg(QLatin1String(InterfacesVariable)));
    parser.addHelpOption();
    const QCommandLineOption wait(QStringLiteral("wait"),
                                  CliText::tr("Seconds to listen (default %1).").arg(DefaultWaitSeconds),
                                  CliText::tr("seconds"), QString::number(DefaultWaitSeconds));
    const QCommandLineOption on(QStringLiteral("announce-on"), CliText::tr("Announce only on these interfaces."),
                                CliText::tr("iface,..."));
    const QCommandLineOption off(QStringLiteral("no-announce"), CliText::tr("Send nothing: only listen."));
    const QCommandLineOption ipmsg(QStringLiteral("ipmsg-port"),
                                   CliText::tr("IP Messenger's UDP port (default %1, 0: off).").arg(IpMsg::DefaultPort),
                                   CliText::tr("port"), QString::number(IpMsg::DefaultPort));
    const QCommandLineOption name(QStringLiteral("name"), CliText::tr("Display name peers see (default: $USER)."),
                                  CliText::tr("name"), userName());
    parser.addOptions({wait, on, off, ipmsg, name});
    if (!parser.parse(arguments)) {
        reportError(parser.errorText());
        exitCode = PeersExit::UsageError;
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printLine(parser.helpText().trimmed());
        exitCode = 0;
        return std::nullopt;
    }
    PeersOptions options;
    bool waitOk = false, portOk = false;
    options.waitSeconds = parser.value(wait).toInt(&waitOk);
    const uint port = parser.value(ipmsg).toUInt(&portOk);
    if (!waitOk || options.waitSeconds < 0 || options.waitSeconds > MaxWaitSeconds || !portOk || port > 65535
        || !parser.positionalArguments().isEmpty()) {
        reportError(
            CliText::tr("peers: expected --wait 0 to %1 and --ipmsg-port 0 to 65535. Try: tincan-cli peers --wait 2")
                .arg(MaxWaitSeconds));
        exitCode = PeersExit::UsageError;
        return std::nullopt;
    }
    options.ipmsgPort = quint16(port);
    options.name = parser.value(name);
    if (parser.isSet(off))
        options.interfaces = Presence::InterfaceSelection::none();
    else if (parser.isSet(on))
        options.interfaces = Presence::InterfaceSelection::fromCommaList(parser.value(on));
    else if (qEnvironmentVariableIsSet(InterfacesVariable))
        options.interfaces = Presence::InterfaceSelection::fromCommaList(qEnvironmentVariable(InterfacesVariable));
    return options;
}

QString hostText(const QHostAddress &address)
{
    return address.toString();
}

// IP Messenger peers, when its port can be had; a taken port is said and skipped.
// Returns where its entry went, for the exit to go there too.
QList<IpMsg::PeerAddress> startIpMsg(IpMsg::Endpoint &endpoint, const PeersOptions &options,
                                     const QList<Presence::InterfaceInfo> &interfaces)
{
    QList<IpMsg::PeerAddress> destinations;
    if (options.ipmsgPort == 0)
        return destinations;
    IpMsg::Endpoint::Identity identity;
    identity.user = userName();
    identity.nickname = options.name;
    endpoint.setIdentity(identity);
    if (!endpoint.bind(QHostAddress::AnyIPv4, options.ipmsgPort)) {
        printError(CliText::tr("peers: IP Messenger's port %1 is in use (%2); listing Tincan peers only.")
                       .arg(options.ipmsgPort)
                       .arg(endpoint.errorString()));
        return destinations;
    }
    for (const Presence::InterfaceInfo &info : interfaces) {
        for (const QHostAddress &broadcast : info.ipv4Broadcasts)
            destinations.append(IpMsg::PeerAddress{broadcast, options.ipmsgPort});
    }
    endpoint.announceEntry(destinations);
    return destinations;
}
} // namespace

int runPeers(const QStringList &arguments)
{
    int exitCode = 0;
    const auto options = parseOptions(arguments, exitCode);
    if (!options)
        return exitCode;
    const QList<Presence::InterfaceInfo> interfaces
        = options->interfaces.select(Presence::InterfaceSelection::systemInterfaces());
    for (const QString &name : options->interfaces.missing(Presence::InterfaceSelection::systemInterfaces()))
        printError(CliText::tr("peers: no usable interface \"%1\"; not announcing there.").arg(name));

    Presence::LocalPeer self;
    self.installId = installId();
    self.name = options->name;
    Presence::Announcer::Options announcerOptions;
    announcerOptions.interfaces = options->interfaces;
    Presence::Announcer announcer(self, announcerOptions);
    if (!announcer.start()) {
        reportError(QStringLiteral("peers: ") + announcer.errorString());
        return PeersExit::Failed;
    }
    IpMsg::Endpoint ipmsg;
    // With --no-announce nothing is sent, and IP Messengers answer only an entry: not asked.
    const QList<IpMsg::PeerAddress> ipmsgDestinations
        = options->interfaces.isOff() ? QList<IpMsg::PeerAddress>() : startIpMsg(ipmsg, *options, interfaces);

    QTimer::singleShot(std::chrono::seconds(options->waitSeconds), [] { QCoreApplication::exit(PeersExit::Listed); });
    QCoreApplication::exec();

    // Sorted by address for a stable listing; a host may hold several peers.
    QMultiMap<QString, QString> lines;
    for (const Presence::Peer &peer : announcer.peers()) {
        lines.insert(
            hostText(peer.address),
            QStringLiteral("%1 tincan %2 %3").arg(hostText(peer.address), Presence::stateName(peer.state), peer.name));
    }
    for (const IpMsg::Peer &peer : ipmsg.peers()) {
        const QString name = !peer.nickname.isEmpty() ? peer.nickname : peer.user;
        lines.insert(hostText(peer.address.address),
                     QStringLiteral("%1 ipmsg %2 %3")
                         .arg(hostText(peer.address.address),
                              peer.away ? QStringLiteral("away") : QStringLiteral("online"), name));
    }
    for (const QString &line : std::as_const(lines))
        printLine(line);
    // Said on leaving, so the others do not list a program that has ended.
    announcer.stop();
    if (ipmsg.isBound())
        ipmsg.announceExit(ipmsgDestinations);
    return PeersExit::Listed;
}

} // namespace Tincan::Cli
