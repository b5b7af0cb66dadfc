#include "net/presence/announcer.h"

#include <QNetworkDatagram>
#include <QTimer>
#include <QUdpSocket>

#include <algorithm>

namespace Tincan::Presence {

namespace {
constexpr auto SharedBind = QAbstractSocket::ShareAddress | QAbstractSocket::ReuseAddressHint;

PeerTable::Clock::time_point now()
{
    return PeerTable::Clock::now();
}
} // namespace

Announcer::Announcer(const LocalPeer &self, const Options &options, QObject *parent)
    : QObject(parent)
    , m_self(self)
    , m_options(options)
    , m_table(options.maxPeers)
    , m_limiter(options.answers)
    , m_random(QRandomGenerator::securelySeeded())
{
    m_reannounce = new QTimer(this);
    m_reannounce->setSingleShot(true);
    connect(m_reannounce, &QTimer::timeout, this, [this] {
        send(Kind::Announce);
        scheduleReannounce();
    });
    m_expiry = new QTimer(this);
    m_expiry->setInterval(ExpiryCheckInterval);
    connect(m_expiry, &QTimer::timeout, this, &Announcer::expire);
}

Announcer::~Announcer() = default;

std::chrono::seconds Announcer::announcedHold() const
{
    const auto longest = m_options.reannounceInterval + m_options.reannounceJitter;
    const auto hold = std::chrono::ceil<std::chrono::seconds>(longest * std::max(1, m_options.missedAnnouncements));
    return std::clamp(hold, MinHold, MaxHold);
}

bool Announcer::isRunning() const
{
    return m_listen4 && m_listen4->state() == QAbstractSocket::BoundState;
}

bool Announcer::bindSockets()
{
    const auto make = [this](QPointer<QUdpSocket> &socket) {
        socket = new QUdpSocket(this);
        QUdpSocket *raw = socket;
        connect(raw, &QUdpSocket::readyRead, this, [this, raw] { readDatagrams(raw); });
    };
    make(m_listen4);
    make(m_send4);
    // Shared, so a second Tincan on this host (the app and `tincan-cli peers`) hears the LAN too;
    // broadcasts and multicasts reach every socket bound to the port.
    if (!m_listen4->bind(QHostAddress::AnyIPv4, m_options.port, SharedBind)
        || !m_send4->bind(QHostAddress::AnyIPv4, 0)) {
        m_error = tr("Presence cannot use UDP port %1: %2")
                      .arg(m_options.port)
                      .arg(m_listen4->state() == QAbstractSocket::BoundState ? m_send4->errorString()
                                                                             : m_listen4->errorString());
        return false;
    }
    if (m_options.ipv6) {
        make(m_listen6);
        make(m_send6);
        // IPv6 is a bonus: a host without it still takes part over IPv4.
        if (!m_listen6->bind(QHostAddress::AnyIPv6, m_options.port, SharedBind)
            || !m_send6->bind(QHostAddress::AnyIPv6, 0)) {
            delete m_listen6;
            delete m_send6;
        }
    }
    return true;
}

bool Announcer::start()
{
    stop();
    m_error.clear();
    if (!bindSockets()) {
        delete m_listen4;
        delete m_send4;
        delete m_listen6;
        delete m_send6;
        Q_EMIT errorOccurred(m_error);
        return false;
    }
    m_expiry->start();
    if (!m_options.interfaces.isOff()) {
        send(Kind::Probe);
        scheduleReannounce();
    }
    return true;
}

void Announcer::stop()
{
    if (isRunning() && !m_options.interfaces.isOff())
        send(Kind::Leave);
    m_reannounce->stop();
    m_expiry->stop();
    m_pending.clear();
    m_joined4.clear();
    m_joined6.clear();
    for (QPointer<QUdpSocket> *socket : {&m_listen4, &m_send4, &m_listen6, &m_send6})
        delete socket->data();
}

void Announcer::setSelf(const LocalPeer &self)
{
    if (self == m_self)
        return;
    m_self = self;
    if (isRunning())
        send(Kind::Announce);
}

void Announcer::setName(const QString &name)
{
    LocalPeer self = m_self;
    self.name = name;
    setSelf(self);
}

void Announcer::setState(State state)
{
    LocalPeer self = m_self;
    self.state = state;
    setSelf(self);
}

void Announcer::probe()
{
    if (isRunning())
        send(Kind::Probe);
}

QByteArray Announcer::encode(Kind kind) const
{
    Announcement a;
    a.kind = kind;
    a.installId = m_self.installId;
    a.name = m_self.name;
    a.chatPort = m_self.chatPort;
    a.consolePort = m_self.consolePort;
    a.state = m_self.state;
    a.capabilities = m_self.capabilities;
    a.hold = announcedHold();
    const auto datagram = AnnouncementCodec::encode(a);
    return datagram ? *datagram : QByteArray();
}

void Announcer::joinGroups(const QList<InterfaceInfo> &interfaces)
{
    for (const InterfaceInfo &info : interfaces) {
        if (!info.canMulticast || !info.interface.isValid())
            continue;
        if (info.hasIpv4 && !m_joined4.contains(info.index)
            && m_listen4->joinMulticastGroup(QHostAddress(QLatin1String(Ipv4Group)), info.interface))
            m_joined4.insert(info.index);
        if (m_listen6 && info.hasIpv6 && !m_joined6.contains(info.index)
            && m_listen6->joinMulticastGroup(QHostAddress(QLatin1String(Ipv6Group)), info.interface))
            m_joined6.insert(info.index);
    }
}

bool Announcer::sendTo(QUdpSocket *socket, const QByteArray &datagram, const QHostAddress &to)
{
    if (socket && socket->writeDatagram(datagram, to, m_options.port) == datagram.size()) {
        ++m_counters.sent;
        return true;
    }
    ++m_counters.sendFailures; // no route on one interface must not stop the others
    return false;
}

void Announcer::countHeard(const QHostAddress &from)
{
    for (const InterfaceInfo &info : std::as_const(m_chosen)) {
        const bool here = !from.scopeId().isEmpty() ? from.scopeId() == info.name : [&] {
            const QList<QNetworkAddressEntry> entries = info.interface.addressEntries();
            return std::any_of(entries.cbegin(), entries.cend(), [&](const QNetworkAddressEntry &entry) {
                return entry.prefixLength() >= 0 && from.isInSubnet(entry.ip(), entry.prefixLength());
            });
        }();
        if (here) {
            ++m_interfaceCounters[info.name].heard;
            return;
        }
    }
}

void Announcer::probeAt(const QHostAddress &address)
{
    QUdpSocket *socket = address.protocol() == QAbstractSocket::IPv6Protocol ? m_send6.data() : m_send4.data();
    const QByteArray datagram = encode(Kind::Probe);
    if (isRunning() && !datagram.isEmpty())
        sendTo(socket, datagram, address);
}

void Announcer::send(Kind kind)
{
    if (m_options.interfaces.isOff() || !m_send4)
        return;
    const QByteArray datagram = encode(kind);
    if (datagram.isEmpty())
        return;
    const QList<InterfaceInfo> chosen = m_options.interfaces.select(InterfaceSelection::systemInterfaces());
    joinGroups(chosen);
    m_activeInterfaces.clear();
    m_chosen = chosen;
    for (const InterfaceInfo &info : chosen) {
        m_activeInterfaces.append(info.name);
        quint64 &sentHere = m_interfaceCounters[info.name].sent;
        for (const QHostAddress &broadcast : info.ipv4Broadcasts)
            sentHere += sendTo(m_send4, datagram, broadcast) ? 1 : 0;
        if (info.canMulticast && info.hasIpv4) {
            m_send4->setMulticastInterface(info.interface);
            sentHere += sendTo(m_send4, datagram, QHostAddress(QLatin1String(Ipv4Group))) ? 1 : 0;
        }
        if (info.canMulticast && info.hasIpv6 && m_send6) {
            m_send6->setMulticastInterface(info.interface);
            QHostAddress group{QLatin1String(Ipv6Group)};
            group.setScopeId(info.name);
            sentHere += sendTo(m_send6, datagram, group) ? 1 : 0;
        }
    }
    for (const QHostAddress &extra : m_options.extraDestinations)
        sendTo(extra.protocol() == QAbstractSocket::IPv6Protocol ? m_send6.data() : m_send4.data(), datagram, extra);
}

void Announcer::readDatagrams(QUdpSocket *socket)
{
    for (int i = 0; i < MaxDatagramsPerTurn && socket->hasPendingDatagrams(); ++i) {
        // Read whole (at most 64 KiB, at once released): Qt fails a read shorter than the datagram
        // without taking it off the socket, which would stall the socket on one oversized datagram.
        const QNetworkDatagram datagram = socket->receiveDatagram();
        const QHostAddress from = datagram.senderAddress();
        const quint16 port = quint16(datagram.senderPort());
        const auto announcement = AnnouncementCodec::decode(datagram.data());
        if (!announcement) {
            ++m_counters.rejected;
            Q_EMIT datagramRejected(from, port, announcement.error());
            continue;
        }
        if (announcement->installId == m_self.installId)
            continue; // our own, back by multicast loop or broadcast
        ++m_counters.heard;
        countHeard(from);
        handle(*announcement, from, port);
    }
    if (socket->hasPendingDatagrams())
        QTimer::singleShot(0, socket, [this, socket] { readDatagrams(socket); });
}

void Announcer::handle(const Announcement &announcement, const QHostAddress &from, quint16 port)
{
    const auto event = m_table.record(announcement, from, port, now());
    // A probe asks everyone; an announce from someone new means we may be new to it as well.
    const bool answer
        = announcement.kind == Kind::Probe || (announcement.kind == Kind::Announce && event && event->isNew);
    if (answer)
        scheduleAnswer(announcement.installId, from, port);
    if (event)
        Q_EMIT peerEvent(*event);
}

void Announcer::scheduleAnswer(const QUuid &peer, const QHostAddress &to, quint16 port)
{
    if (m_options.interfaces.isOff() || m_pending.contains(peer))
        return;
    if (m_pending.size() >= MaxPendingAnswers || !m_limiter.allow(peer, now())) {
        ++m_counters.answersSuppressed;
        return;
    }
    m_pending.insert(peer, PendingAnswer{to, port});
    const auto delay = std::chrono::milliseconds(m_random.bounded(qint64(m_options.maxAnswerDelay.count()) + 1));
    QTimer::singleShot(delay, this, [this, peer] { sendAnswer(peer); });
}

void Announcer::sendAnswer(const QUuid &peer)
{
    const auto pending = m_pending.take(peer);
    if (pending.port == 0)
        return; // stopped meanwhile
    QUdpSocket *socket = pending.to.protocol() == QAbstractSocket::IPv6Protocol ? m_send6.data() : m_send4.data();
    const QByteArray datagram = encode(Kind::Answer);
    if (socket && socket->writeDatagram(datagram, pending.to, pending.port) == datagram.size())
        ++m_counters.answersSent;
    else
        ++m_counters.sendFailures;
}

void Announcer::scheduleReannounce()
{
    const qint64 jitter = m_options.reannounceJitter.count();
    const qint64 offset = jitter > 0 ? m_random.bounded(2 * jitter + 1) - jitter : 0;
    m_reannounce->start(std::chrono::milliseconds(std::max<qint64>(1, m_options.reannounceInterval.count() + offset)));
}

void Announcer::expire()
{
    for (const PeerEvent &event : m_table.expire(now()))
        Q_EMIT peerEvent(event);
}

} // namespace Tincan::Presence
