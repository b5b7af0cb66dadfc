#include "app/cli/lanoptions.h"

#include "app/cli/terminalio.h"

#include <QSettings>
#include <QSysInfo>

namespace Tincan::Cli {

LanOptions::LanOptions(QCommandLineParser &parser)
    : m_announceOn(QStringLiteral("announce-on"),
                   CliText::tr("Announce only on these interfaces (default: every up interface; also %1).")
                       .arg(QLatin1String(AnnounceInterfacesVariable)),
                   CliText::tr("iface,..."))
    , m_noAnnounce(QStringLiteral("no-announce"),
                   CliText::tr("Broadcast nothing: only hear others and answer them directly."))
    , m_extra(QStringLiteral("extra"),
              CliText::tr("Also announce to these addresses (broadcasts or hosts of routed networks)."),
              CliText::tr("address,..."))
    , m_ipmsgPort(QStringLiteral("ipmsg-port"),
                  CliText::tr("IP Messenger's UDP port (default %1, 0: off).").arg(IpMsg::DefaultPort),
                  CliText::tr("port"), QString::number(IpMsg::DefaultPort))
{
    parser.addOptions({m_announceOn, m_noAnnounce, m_extra, m_ipmsgPort});
}

Expected<Lan::PeerDirectory::Options> LanOptions::directoryOptions(const QCommandLineParser &parser) const
{
    Lan::PeerDirectory::Options options;
    bool ok = false;
    const uint port = parser.value(m_ipmsgPort).toUInt(&ok);
    if (!ok || port > 65535)
        return Failure{CliText::tr("--ipmsg-port must be 0 to 65535.")};
    options.ipmsgPort = quint16(port);
    if (Lan::discoveryTurnedOffByEnvironment()) {
        options.presencePort = 0;
        options.ipmsgPort = 0;
    }
    if (parser.isSet(m_noAnnounce))
        options.interfaces = Presence::InterfaceSelection::none();
    else if (parser.isSet(m_announceOn))
        options.interfaces = Presence::InterfaceSelection::fromCommaList(parser.value(m_announceOn));
    else if (qEnvironmentVariableIsSet(AnnounceInterfacesVariable))
        options.interfaces
            = Presence::InterfaceSelection::fromCommaList(qEnvironmentVariable(AnnounceInterfacesVariable));
    for (const QString &text : parser.value(m_extra).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        QHostAddress address;
        if (!address.setAddress(text.trimmed()))
            return Failure{CliText::tr("--extra: \"%1\" is not an IP address.").arg(text.trimmed())};
        options.extraDestinations.append(address);
    }
    return options;
}

QString cliUserName()
{
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? QStringLiteral("tincan") : user;
}

Lan::LocalIdentity cliLocalIdentity(const QString &name)
{
    QSettings settings(QStringLiteral("Tincan"), QStringLiteral("tincan-cli"));
    QUuid id = QUuid::fromString(settings.value(QStringLiteral("chat/id")).toString());
    if (id.isNull()) {
        id = QUuid::createUuid();
        settings.setValue(QStringLiteral("chat/id"), id.toString(QUuid::WithoutBraces));
    }
    Lan::LocalIdentity self;
    self.installId = id;
    self.name = name;
    self.user = cliUserName();
    self.host = QSysInfo::machineHostName();
    return self;
}

void reportLanProblems(const QString &command, const Lan::PeerDirectory &directory)
{
    for (const QString &problem : directory.problems())
        printError(command + QStringLiteral(": ") + problem);
}

QString presenceLine(const Lan::LanPeer &peer)
{
    const QString where = QStringLiteral("%1, %2").arg(peer.address.toString(), Lan::protocolName(peer.protocol));
    switch (peer.state) {
    case Lan::PeerState::Online:
        return CliText::tr("* %1 (%2) is online").arg(peer.name, where);
    case Lan::PeerState::Away:
        return CliText::tr("* %1 (%2) is away").arg(peer.name, where);
    case Lan::PeerState::Offline:
        break;
    }
    return CliText::tr("* %1 (%2) left").arg(peer.name, where);
}

} // namespace Tincan::Cli
