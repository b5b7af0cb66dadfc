#include "net/lan/peerdirectory.h"

#include <QNetworkAddressEntry>

#include <algorithm>

namespace Tincan::Lan {

namespace {
// The capabilities this build announces (docs/PROTOCOL.md §10).
const QStringList Capabilities{QStringLiteral("chat-v1")};

QString tincanKey(const QUuid &id)
{
    return QStringLiteral("tincan/") + id.toString(QUuid::WithoutBraces);
}

QString ipmsgKey(const IpMsg::PeerAddress &address)
{
    return QStringLiteral("ipmsg/%1:%2").arg(address.address.toString()).arg(address.port);
}

// Online before away before offline, for findByName.
int stateRank(PeerState state)
{
    switch (state) {
    case PeerState::Online:
        return 0;
    case PeerState::Away:
        return 1;
    case PeerState::Offline:
        break;
    }
    return 2;
}

bool onSubnetOf(const QHostAddress &address, const QNetworkInterface &interface)
{
    const QList<QNetworkAddressEntry> entries = interface.addressEntries();
    return std::any_of(entries.cbegin(), entries.cend(), [&](const QNetworkAddressEntry &entry) {
        return entry.prefixLength() >= 0 && address.isInSubnet(entry.ip(), entry.prefixLength());
    });
}
} // namespace

QString protocolName(PeerProtocol protocol)
{
    return protocol == PeerProtocol::Tincan ? QStringLiteral("tincan") : QStringLiteral("ipmsg");
}

QString stateName(PeerState state)
{
    switch (state) {
    case PeerState::Online:
        return QStringLiteral("online");
    case PeerState::Away:
        return QStringLiteral("away");
    case PeerState::Offline:
        break;
    }
    return QStringLiteral("offline");
}

bool discoveryTurnedOffByEnvironment()
{
    return qEnvironmentVariable(DiscoveryVariable).compare(QLatin1String("off"), Qt::CaseInsensitive) == 0;
}

Presence::LocalPeer presenceSelf(const LocalIdentity &self)
{
    Presence::LocalPeer peer;
    peer.installId = self.installId;
    peer.name = self.name;
    peer.chatPort = self.chatPort;
    peer.consolePort = self.consolePort;
    peer.state = self.away ? Presence::State::Away : Presence::State::Online;
    peer.capabilities = self.chatPort != 0 ? Capabilities : QStringList();
    return peer;
}

IpMsg::Endpoint::Identity ipmsgSelf(const LocalIdentity &self)
{
    IpMsg::Endpoint::Identity identity;
    if (!self.user.isEmpty())
        identity.user = self.user;
    if (!self.host.isEmpty())
        identity.host = self.host;
    if (!self.name.isEmpty())
        identity.nickname = self.name;
    identity.group = self.group;
    return identity;
}

PeerDirectory::PeerDirectory(const LocalIdentity &self, const Options &options, QObject *parent)
    : QObject(parent)
    , m_self(self)
    , m_options(options)
{
    m_probeTimer.setInterval(std::chrono::milliseconds(1000 / ProbesPerSecond));
    connect(&m_probeTimer, &QTimer::timeout, this, &PeerDirectory::probeNext);
}

PeerDirectory::~PeerDirectory()
{
    stop();
}

void PeerDirectory::start()
{
    stop();
    m_problems.clear();
    const QList<Presence::InterfaceInfo> system = Presence::InterfaceSelection::systemInterfaces();
    for (const QString &name : m_options.interfaces.missing(system))
        m_problems.append(tr("There is no usable network interface \"%1\", so nothing is announced there.").arg(name));

    if (m_options.presencePort != 0) {
        Presence::Announcer::Options options = m_options.presence.value_or(Presence::Announcer::Options());
        options.port = m_options.presencePort;
        options.interfaces = m_options.interfaces;
        options.extraDestinations = m_options.extraDestinations;
        m_announcer = new Presence::Announcer(presenceSelf(m_self), options, this);
        connect(m_announcer, &Presence::Announcer::peerEvent, this, &PeerDirectory::onPresenceEvent);
        connect(m_announcer, &Presence::Announcer::errorOccurred, this, &PeerDirectory::addError);
        if (!m_announcer->start()) {
            m_problems.append(tr("Tincan peers cannot be found: %1. Another program may hold UDP port %2.")
                                  .arg(m_announcer->errorString())
                                  .arg(m_options.presencePort));
            delete m_announcer;
            m_announcer = nullptr;
        }
    }

    if (m_options.ipmsgPort != 0) {
        m_ipmsg = new IpMsg::Endpoint(this);
        m_ipmsg->setIdentity(ipmsgSelf(m_self));
        m_ipmsg->setAway(m_self.away);
        if (!m_ipmsg->bind(m_options.ipmsgBindAddress, m_options.ipmsgPort)) {
            m_problems.append(tr("IP Messenger's UDP port %1 is in use (%2), probably by another messenger on "
                                 "this computer, so IP Messenger, FeiQ and iptux users are not listed.")
                                  .arg(m_options.ipmsgPort)
                                  .arg(m_ipmsg->errorString()));
            delete m_ipmsg;
            m_ipmsg = nullptr;
        } else {
            connect(m_ipmsg, &IpMsg::Endpoint::errorOccurred, this, &PeerDirectory::addError);
            connect(m_ipmsg, &IpMsg::Endpoint::peerEntered, this, [this](const IpMsg::Peer &peer) {
                onIpMsgPeer(peer, peer.away ? PeerState::Away : PeerState::Online);
            });
            connect(m_ipmsg, &IpMsg::Endpoint::peerAbsenceChanged, this, [this](const IpMsg::Peer &peer) {
                onIpMsgPeer(peer, peer.away ? PeerState::Away : PeerState::Online);
            });
            connect(m_ipmsg, &IpMsg::Endpoint::peerExited, this,
                    [this](const IpMsg::Peer &peer) { onIpMsgPeer(peer, PeerState::Offline); });
            if (!m_options.interfaces.isOff())
                m_ipmsg->announceEntry(ipmsgDestinations());
        }
    }
    m_running = true;
    Q_EMIT problemsChanged();
}

void PeerDirectory::stop()
{
    m_probeTimer.stop();
    m_probeQueue.clear();
    if (m_announcer) {
        m_announcer->stop(); // sends its leave unless announcing is off
        delete m_announcer;
        m_announcer = nullptr;
    }
    if (m_ipmsg) {
        if (!m_options.interfaces.isOff())
            m_ipmsg->announceExit(ipmsgDestinations());
        delete m_ipmsg;
        m_ipmsg = nullptr;
    }
    m_running = false;
}

QList<IpMsg::PeerAddress> PeerDirectory::ipmsgDestinations() const
{
    QList<IpMsg::PeerAddress> destinations;
    if (m_options.ipmsgPort == 0 || m_options.interfaces.isOff())
        return destinations;
    for (const Presence::InterfaceInfo &info :
         m_options.interfaces.select(Presence::InterfaceSelection::systemInterfaces()))
        for (const QHostAddress &broadcast : info.ipv4Broadcasts)
            destinations.append(IpMsg::PeerAddress{broadcast, m_options.ipmsgPort});
    for (const QHostAddress &extra : m_options.extraDestinations)
        if (extra.protocol() == QAbstractSocket::IPv4Protocol) // IP Messenger is IPv4 only
            destinations.append(IpMsg::PeerAddress{extra, m_options.ipmsgPort});
    return destinations;
}

void PeerDirectory::setSelf(const LocalIdentity &self)
{
    if (self == m_self)
        return;
    const bool awayChanged = self.away != m_self.away;
    const bool entryChanged = self.name != m_self.name || self.group != m_self.group || self.user != m_self.user
        || self.host != m_self.host;
    m_self = self;
    if (m_announcer)
        m_announcer->setSelf(presenceSelf(m_self));
    if (m_ipmsg) {
        m_ipmsg->setIdentity(ipmsgSelf(m_self));
        m_ipmsg->setAway(m_self.away);
        // IP Messenger says a new name with a new entry, a new state with BR_ABSENCE.
        if (!m_options.interfaces.isOff()) {
            if (entryChanged)
                m_ipmsg->announceEntry(ipmsgDestinations());
            else if (awayChanged)
                m_ipmsg->announceAbsence(ipmsgDestinations());
        }
    }
}

void PeerDirectory::setName(const QString &name)
{
    LocalIdentity self = m_self;
    self.name = name;
    setSelf(self);
}

void PeerDirectory::setAway(bool away)
{
    LocalIdentity self = m_self;
    self.away = away;
    setSelf(self);
}

void PeerDirectory::setChatPort(quint16 port)
{
    LocalIdentity self = m_self;
    self.chatPort = port;
    setSelf(self);
}

QList<LanPeer> PeerDirectory::peers() const
{
    QList<LanPeer> result = m_peers.values();
    std::sort(result.begin(), result.end(), [](const LanPeer &a, const LanPeer &b) {
        const int group = QString::localeAwareCompare(a.group, b.group);
        if (group != 0)
            return group < 0;
        const int name = QString::localeAwareCompare(a.name, b.name);
        return name != 0 ? name < 0 : a.key < b.key;
    });
    return result;
}

std::optional<LanPeer> PeerDirectory::peer(const QString &key) const
{
    const auto it = m_peers.constFind(key);
    if (it == m_peers.constEnd())
        return std::nullopt;
    return *it;
}

QList<LanPeer> PeerDirectory::findByName(const QString &name) const
{
    QList<LanPeer> result;
    for (const LanPeer &peer : m_peers)
        if (peer.name.compare(name, Qt::CaseInsensitive) == 0)
            result.append(peer);
    std::stable_sort(result.begin(), result.end(), [](const LanPeer &a, const LanPeer &b) {
        if (a.state != b.state)
            return stateRank(a.state) < stateRank(b.state);
        return a.lastHeard > b.lastHeard;
    });
    return result;
}

std::optional<LanPeer> PeerDirectory::peerAt(const QHostAddress &address, quint16 port) const
{
    std::optional<LanPeer> found;
    for (const LanPeer &peer : m_peers) {
        if (peer.chatPort != port || !peer.address.isEqual(address, QHostAddress::TolerantConversion))
            continue;
        if (!found || stateRank(peer.state) < stateRank(found->state))
            found = peer;
    }
    return found;
}

void PeerDirectory::refresh()
{
    if (m_announcer)
        m_announcer->probe();
    if (m_ipmsg && !m_options.interfaces.isOff())
        m_ipmsg->announceEntry(ipmsgDestinations());
}

Expected<qsizetype> PeerDirectory::probeRange(const QHostAddress &first, const QHostAddress &last)
{
    if (first.protocol() != QAbstractSocket::IPv4Protocol || last.protocol() != QAbstractSocket::IPv4Protocol)
        return Failure{tr("A range to search must be given as two IPv4 addresses.")};
    const quint32 from = first.toIPv4Address();
    const quint32 to = last.toIPv4Address();
    if (to < from)
        return Failure{tr("The range ends before it starts.")};
    if (quint64(to) - from + 1 > quint64(MaxProbeAddresses))
        return Failure{tr("A search covers at most %1 addresses at a time.").arg(MaxProbeAddresses)};
    if (!m_announcer && !m_ipmsg)
        return Failure{tr("Neither Tincan's presence nor IP Messenger is running, so no one can be asked.")};
    m_probeQueue.clear();
    for (quint64 address = from; address <= to; ++address)
        m_probeQueue.append(QHostAddress(quint32(address)));
    m_probeTotal = m_probeQueue.size();
    m_probeTimer.start();
    Q_EMIT probeProgress(0, m_probeTotal);
    return m_probeTotal;
}

void PeerDirectory::probeNext()
{
    if (m_probeQueue.isEmpty()) {
        m_probeTimer.stop();
        return;
    }
    const QHostAddress address = m_probeQueue.takeFirst();
    if (m_announcer)
        m_announcer->probeAt(address);
    if (m_ipmsg)
        m_ipmsg->announceEntry({IpMsg::PeerAddress{address, m_options.ipmsgPort}});
    Q_EMIT probeProgress(m_probeTotal - m_probeQueue.size(), m_probeTotal);
    if (m_probeQueue.isEmpty())
        m_probeTimer.stop();
}

QList<PeerDirectory::InterfaceReport> PeerDirectory::interfaceReports() const
{
    QList<InterfaceReport> reports;
    const QHash<QString, Presence::Announcer::InterfaceCounters> counters
        = m_announcer ? m_announcer->interfaceCounters() : QHash<QString, Presence::Announcer::InterfaceCounters>();
    const QList<IpMsg::Peer> ipmsgPeers = m_ipmsg ? m_ipmsg->peers() : QList<IpMsg::Peer>();
    for (const Presence::InterfaceInfo &info :
         m_options.interfaces.select(Presence::InterfaceSelection::systemInterfaces())) {
        InterfaceReport report;
        report.name = info.name;
        for (const QNetworkAddressEntry &entry : info.interface.addressEntries())
            report.addresses.append(QStringLiteral("%1/%2").arg(entry.ip().toString()).arg(entry.prefixLength()));
        for (const QHostAddress &broadcast : info.ipv4Broadcasts)
            report.broadcasts.append(broadcast.toString());
        report.presenceSent = counters.value(info.name).sent;
        report.presenceHeard = counters.value(info.name).heard;
        report.ipmsgPeers = std::count_if(ipmsgPeers.cbegin(), ipmsgPeers.cend(), [&](const IpMsg::Peer &peer) {
            return onSubnetOf(peer.address.address, info.interface);
        });
        reports.append(report);
    }
    return reports;
}

void PeerDirectory::onPresenceEvent(const Presence::PeerEvent &event)
{
    LanPeer peer;
    peer.key = tincanKey(event.peer.installId);
    peer.protocol = PeerProtocol::Tincan;
    peer.name = event.peer.name;
    peer.address = event.peer.address;
    peer.chatPort = event.peer.chatPort;
    peer.consolePort = event.peer.consolePort;
    peer.installId = event.peer.installId;
    peer.state = event.type == Presence::PeerEvent::Type::Offline ? PeerState::Offline
        : event.peer.state == Presence::State::Away               ? PeerState::Away
                                                                  : PeerState::Online;
    update(peer);
}

void PeerDirectory::onIpMsgPeer(const IpMsg::Peer &ipmsgPeer, PeerState state)
{
    // Another Tincan: listed (and written to) through presence, once.
    if (ipmsgPeer.version.startsWith(IpMsg::TincanVersionField))
        return;
    LanPeer peer;
    peer.key = ipmsgKey(ipmsgPeer.address);
    peer.protocol = PeerProtocol::IpMessenger;
    peer.name = !ipmsgPeer.nickname.isEmpty() ? ipmsgPeer.nickname : ipmsgPeer.user;
    peer.user = ipmsgPeer.user;
    peer.host = ipmsgPeer.host;
    peer.group = ipmsgPeer.group;
    peer.address = ipmsgPeer.address.address;
    peer.chatPort = ipmsgPeer.address.port;
    peer.version = QString::fromUtf8(ipmsgPeer.version);
    peer.state = state;
    update(peer);
}

void PeerDirectory::update(LanPeer peer)
{
    peer.lastHeard = QDateTime::currentDateTimeUtc();
    const auto it = m_peers.find(peer.key);
    const bool isNew = it == m_peers.end();
    if (!isNew) {
        // An offline IP Messenger peer is known only by its address: keep what it said before.
        if (peer.state == PeerState::Offline && peer.name.isEmpty())
            peer.name = it->name;
        LanPeer compared = peer;
        compared.lastHeard = it->lastHeard;
        if (compared == *it) {
            it->lastHeard = peer.lastHeard;
            return;
        }
        *it = peer;
    } else {
        m_peers.insert(peer.key, peer);
    }
    trimOffline();
    Q_EMIT peerChanged(peer, isNew);
}

void PeerDirectory::trimOffline()
{
    QList<const LanPeer *> offline;
    for (const LanPeer &peer : std::as_const(m_peers))
        if (peer.state == PeerState::Offline)
            offline.append(&peer);
    if (offline.size() <= MaxOfflineKept)
        return;
    std::sort(offline.begin(), offline.end(),
              [](const LanPeer *a, const LanPeer *b) { return a->lastHeard < b->lastHeard; });
    QStringList drop;
    for (qsizetype i = 0; i < offline.size() - MaxOfflineKept; ++i)
        drop.append(offline.at(i)->key);
    for (const QString &key : std::as_const(drop))
        m_peers.remove(key);
}

void PeerDirectory::addError(const QString &error)
{
    if (error.isEmpty())
        return;
    m_errors.removeAll(error);
    m_errors.append(error);
    while (m_errors.size() > MaxErrorsKept)
        m_errors.removeFirst();
    Q_EMIT problemsChanged();
}

} // namespace Tincan::Lan
