#include "net/chat/chatendpoint.h"

#include "net/services/udppeertable.h"

#include <QNetworkDatagram>
#include <QNetworkInterface>
#include <QUdpSocket>

namespace Tincan {

using namespace std::chrono;

namespace {
// A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; one peer must
// have one address.
QHostAddress normalized(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : address;
}
const QString TincanProtocolName = QStringLiteral("Tincan");
const QString ClassicProtocolName = QStringLiteral("classic");
} // namespace

QString ChatPeerAddress::toString() const
{
    const QHostAddress a = normalized(address);
    return a.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[%1]:%2").arg(a.toString()).arg(port)
                                                         : QStringLiteral("%1:%2").arg(a.toString()).arg(port);
}

ChatEndpoint::ChatEndpoint(const QUuid &selfId, const QString &selfName, QObject *parent)
    : Service(parent)
    , m_peers(new UdpPeerTable(ClassicProtocolName, this))
    , m_selfId(selfId)
    , m_selfName(selfName)
    , m_acceptor([](const ChatMessage &) { return AcceptResult::Stored; })
{
    qRegisterMetaType<Tincan::ChatMessage>();
    qRegisterMetaType<Tincan::ChatPeerAddress>();
    qRegisterMetaType<Tincan::DeliveryState>();
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &ChatEndpoint::onRetryTimer);
    connect(m_peers, &UdpPeerTable::clientConnected, this, &ChatEndpoint::clientConnected);
    connect(m_peers, &UdpPeerTable::clientUpdated, this, &ChatEndpoint::clientUpdated);
    connect(m_peers, &UdpPeerTable::clientDisconnected, this, &ChatEndpoint::clientDisconnected);
    connect(m_peers, &UdpPeerTable::trafficObserved, this, &ChatEndpoint::trafficObserved);
}

void ChatEndpoint::setTrafficObserved(bool on)
{
    m_peers->setTrafficObserved(on);
}

ChatEndpoint::~ChatEndpoint() = default;

void ChatEndpoint::shutdown()
{
    close();
    Q_EMIT shutdownFinished();
}

bool ChatEndpoint::bind(const QHostAddress &address, quint16 port, bool fallbackToFreePort)
{
    close();
    auto *socket = new QUdpSocket(this);
    // Not shared: a second instance must notice the port is taken, not
    // silently split the datagrams with the first.
    m_fallback = false;
    if (!socket->bind(address, port, QAbstractSocket::DontShareAddress)) {
        const QString reason = socket->errorString();
        const bool inUse = socket->error() == QAbstractSocket::AddressInUseError;
        if (!(inUse && fallbackToFreePort && port != 0)
            || !socket->bind(address, 0, QAbstractSocket::DontShareAddress)) {
            m_error = inUse ? tr("UDP port %1 is already in use.").arg(port)
                            : tr("Cannot bind UDP port %1 on %2: %3").arg(port).arg(address.toString(), reason);
            delete socket;
            return false;
        }
        m_fallback = true;
        m_error = tr("UDP port %1 is already in use; using port %2 instead.").arg(port).arg(socket->localPort());
    }
    m_socket = socket;
    connect(m_socket, &QUdpSocket::readyRead, this, &ChatEndpoint::readDatagrams);
    return true;
}

void ChatEndpoint::close()
{
    m_peers->clear();
    if (m_socket) {
        m_socket->close();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
}

bool ChatEndpoint::isBound() const
{
    return m_socket && m_socket->state() == QAbstractSocket::BoundState;
}

quint16 ChatEndpoint::localPort() const
{
    return m_socket ? m_socket->localPort() : 0;
}

QHostAddress ChatEndpoint::localAddress() const
{
    return m_socket ? m_socket->localAddress() : QHostAddress();
}

ChatProtocol ChatEndpoint::resolve(const ChatPeerAddress &to, ChatProtocol protocol) const
{
    if (protocol != ChatProtocol::Auto)
        return protocol;
    return isTincanPeer(to) ? ChatProtocol::Tincan : ChatProtocol::Classic;
}

bool ChatEndpoint::isOwnAddress(const ChatPeerAddress &address) const
{
    if (!isBound() || address.port != localPort())
        return false;
    const QHostAddress a = normalized(address.address);
    if (a.isLoopback() || a == normalized(localAddress()))
        return true;
    const QList<QHostAddress> local = QNetworkInterface::allAddresses();
    return std::any_of(local.cbegin(), local.cend(), [&a](const QHostAddress &l) { return normalized(l) == a; });
}

void ChatEndpoint::peerHeard(const ChatPeerAddress &address, bool speaksTincan)
{
    if (speaksTincan)
        m_tincanPeers.insert(address.toString());
    resendFailedTo(address);
}

Expected<QUuid> ChatEndpoint::send(const ChatPeerAddress &to, const QString &text, ChatProtocol protocol)
{
    if (!isBound())
        return Failure{tr("The chat endpoint is not bound to a port.")};
    if (isOwnAddress(to))
        return Failure{
            tr("%1 is this chat's own address: a message sent there would come back to you.").arg(to.toString())};
    const QByteArray utf8 = text.toUtf8();
    if (utf8.size() > Chat::MaxTextBytes)
        return Failure{tr("The message is %1 bytes long; at most %2 bytes fit in one message.")
                           .arg(utf8.size())
                           .arg(Chat::MaxTextBytes)};

    if (protocol == ChatProtocol::IpMessenger)
        return Failure{tr("IP Messenger messages are not sent through the chat endpoint.")};
    const QUuid id = QUuid::createUuid();
    if (resolve(to, protocol) == ChatProtocol::Classic) {
        // Exactly the tutorial's datagram: the bare text, nothing else, ever.
        const qint64 written = m_socket->writeDatagram(utf8, to.address, to.port);
        if (written != utf8.size())
            return Failure{tr("Could not send to %1: %2").arg(to.toString(), m_socket->errorString())};
        m_peers->record(to.address, to.port, TrafficDirection::Out, utf8, ClassicProtocolName);
        QMetaObject::invokeMethod(
            this, [this, id] { Q_EMIT deliveryStateChanged(id, DeliveryState::Sent); }, Qt::QueuedConnection);
        return id;
    }
    m_tincanPeers.insert(to.toString()); // set to Tincan by the caller: it counts as one
    resume({id, to, text, QDateTime::currentMSecsSinceEpoch()});
    return id;
}

void ChatEndpoint::resume(const OutgoingChatMessage &message)
{
    Pending &pending = m_pending[message.id];
    pending.message = message;
    pending.attempts = 0;
    pending.failed = false;
    pending.interval = m_policy.initialInterval;
    transmit(pending);
    const QUuid id = message.id;
    QMetaObject::invokeMethod(
        this,
        [this, id] {
            if (m_pending.contains(id))
                Q_EMIT deliveryStateChanged(id, DeliveryState::Sending);
        },
        Qt::QueuedConnection);
}

bool ChatEndpoint::retry(const QUuid &messageId)
{
    auto it = m_pending.find(messageId);
    if (it == m_pending.end())
        return false;
    Pending &pending = it->second;
    const bool wasFailed = pending.failed;
    pending.attempts = 0;
    pending.failed = false;
    pending.interval = m_policy.initialInterval;
    transmit(pending);
    if (wasFailed)
        Q_EMIT deliveryStateChanged(messageId, DeliveryState::Sending);
    return true;
}

void ChatEndpoint::forget(const QUuid &messageId)
{
    m_pending.erase(messageId);
    scheduleTimer();
}

std::optional<DeliveryState> ChatEndpoint::pendingState(const QUuid &messageId) const
{
    const auto it = m_pending.find(messageId);
    if (it == m_pending.end())
        return std::nullopt;
    return it->second.failed ? DeliveryState::Failed : DeliveryState::Sending;
}

void ChatEndpoint::transmit(Pending &pending)
{
    Chat::Envelope envelope;
    envelope.type = Chat::EnvelopeType::Message;
    envelope.from = m_selfId;
    envelope.name = m_selfName;
    envelope.messageId = pending.message.id;
    envelope.text = pending.message.text;
    envelope.timestamp = pending.message.timestamp;
    if (isBound()) { // a failed write counts as a lost try: retries go on
        const QByteArray datagram = Chat::encodeEnvelope(envelope);
        const ChatPeerAddress &to = pending.message.to;
        if (m_socket->writeDatagram(datagram, to.address, to.port) == datagram.size())
            m_peers->record(to.address, to.port, TrafficDirection::Out, datagram, TincanProtocolName);
    }
    ++pending.attempts;
    pending.due = steady_clock::now() + pending.interval;
    pending.interval *= 2;
    scheduleTimer();
}

void ChatEndpoint::scheduleTimer()
{
    std::optional<steady_clock::time_point> next;
    for (const auto &[id, pending] : m_pending)
        if (!pending.failed && (!next || pending.due < *next))
            next = pending.due;
    if (!next) {
        m_retryTimer.stop();
        return;
    }
    const auto wait = duration_cast<milliseconds>(*next - steady_clock::now());
    m_retryTimer.start(std::max(wait, milliseconds(0)));
}

void ChatEndpoint::onRetryTimer()
{
    const auto now = steady_clock::now();
    QList<QUuid> failed;
    for (auto &[id, pending] : m_pending) {
        if (pending.failed || pending.due > now)
            continue;
        if (pending.attempts >= m_policy.maxAttempts) {
            pending.failed = true; // kept: resent when the peer is heard from, or on retry()
            failed.append(id);
        } else {
            transmit(pending);
        }
    }
    scheduleTimer();
    for (const QUuid &id : failed)
        Q_EMIT deliveryStateChanged(id, DeliveryState::Failed);
}

void ChatEndpoint::retryFailed()
{
    QList<QUuid> failed;
    for (const auto &[id, pending] : m_pending)
        if (pending.failed)
            failed.append(id);
    for (const QUuid &id : failed)
        retry(id);
}

void ChatEndpoint::resendFailedTo(const ChatPeerAddress &address)
{
    QList<QUuid> revived;
    for (auto &[id, pending] : m_pending)
        if (pending.failed && pending.message.to == address)
            revived.append(id);
    for (const QUuid &id : revived)
        retry(id);
}

void ChatEndpoint::readDatagrams()
{
    for (int handled = 0; m_socket && m_socket->hasPendingDatagrams(); ++handled) {
        // Let the rest of the application breathe: the socket signals again
        // while datagrams are waiting. (A queued re-read instead could consume
        // the datagrams of a pending readyRead and leave the socket silent.)
        if (handled == MaxDatagramsPerWakeup)
            return;
        const QNetworkDatagram datagram = m_socket->receiveDatagram(Chat::MaxDatagramSize + 1);
        if (!datagram.isValid())
            continue;
        const ChatPeerAddress from{normalized(datagram.senderAddress()), quint16(datagram.senderPort())};
        const QByteArray data = datagram.data();
        if (!Chat::isEnvelope(data)) {
            m_peers->record(from.address, from.port, TrafficDirection::In, data, ClassicProtocolName);
            handleClassic(data, from);
            continue;
        }
        const Expected<Chat::Envelope> envelope = Chat::EnvelopeDecoder::decode(data);
        m_peers->record(from.address, from.port, TrafficDirection::In, data, envelope ? TincanProtocolName : QString());
        if (!envelope) {
            Q_EMIT datagramRejected(from, envelope.error());
            continue;
        }
        handleEnvelope(*envelope, from);
    }
}

void ChatEndpoint::handleClassic(const QByteArray &datagram, const ChatPeerAddress &from)
{
    ChatMessage message;
    message.id = QUuid::createUuid();
    message.from = from;
    message.text = Chat::decodeClassicText(datagram);
    message.time = QDateTime::currentDateTimeUtc();
    message.classic = true;
    // A classic sender never retries, so a message that cannot be stored is
    // still shown: nothing is lost from the user's view.
    if (m_acceptor(message) == AcceptResult::Failed)
        Q_EMIT storeFailed(tr("A message from %1 could not be saved to the history.").arg(from.toString()));
    Q_EMIT messageReceived(message);
    // A Tincan peer that restarted may speak classic until it knows us again;
    // it is back all the same. (Only addresses we already sent envelopes to
    // have failed messages, so a real classic peer is never sent one here.)
    resendFailedTo(from);
}

void ChatEndpoint::handleEnvelope(const Chat::Envelope &envelope, const ChatPeerAddress &from)
{
    m_tincanPeers.insert(from.toString());
    Q_EMIT peerSeen(envelope.from, envelope.name, from);

    if (envelope.type == Chat::EnvelopeType::Ack) {
        auto it = m_pending.find(envelope.messageId);
        if (it != m_pending.end()) {
            m_pending.erase(it);
            scheduleTimer();
            Q_EMIT deliveryStateChanged(envelope.messageId, DeliveryState::Delivered);
        }
        resendFailedTo(from);
        return;
    }

    ChatMessage message;
    message.id = envelope.messageId;
    message.peerId = envelope.from;
    message.peerName = envelope.name;
    message.from = from;
    message.text = envelope.text;
    message.time = QDateTime::fromMSecsSinceEpoch(envelope.timestamp, Qt::UTC);
    message.classic = false;

    const QByteArray key = envelope.from.toRfc4122() + envelope.messageId.toRfc4122();
    AcceptResult result = m_recentIds.contains(key) ? AcceptResult::Duplicate : m_acceptor(message);
    if (result != AcceptResult::Failed) {
        rememberId(envelope.from, envelope.messageId);
        sendAck(envelope.messageId, from);
    }
    if (result == AcceptResult::Stored)
        Q_EMIT messageReceived(message);
    resendFailedTo(from);
}

bool ChatEndpoint::rememberId(const QUuid &peerId, const QUuid &messageId)
{
    const QByteArray key = peerId.toRfc4122() + messageId.toRfc4122();
    if (m_recentIds.contains(key))
        return false;
    m_recentIds.insert(key);
    m_recentOrder.push_back(key);
    if (qsizetype(m_recentOrder.size()) > RecentIdsRemembered) {
        m_recentIds.remove(m_recentOrder.front());
        m_recentOrder.pop_front();
    }
    return true;
}

void ChatEndpoint::sendAck(const QUuid &messageId, const ChatPeerAddress &to)
{
    Chat::Envelope ack;
    ack.type = Chat::EnvelopeType::Ack;
    ack.from = m_selfId;
    ack.name = m_selfName;
    ack.messageId = messageId;
    const QByteArray datagram = Chat::encodeEnvelope(ack);
    if (m_socket->writeDatagram(datagram, to.address, to.port) == datagram.size())
        m_peers->record(to.address, to.port, TrafficDirection::Out, datagram, TincanProtocolName);
}

} // namespace Tincan
