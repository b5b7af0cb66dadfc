#include "chat/ipmsgroute.h"

namespace Tincan {

IpMsgRoute::IpMsgRoute(QObject *parent)
    : QObject(parent)
{
}

IpMsg::PeerAddress IpMsgRoute::toIpMsg(const ChatPeerAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.address.toIPv4Address(&isV4);
    return {isV4 ? QHostAddress(v4) : address.address, address.port};
}

ChatPeerAddress IpMsgRoute::toChat(const IpMsg::PeerAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.address.toIPv4Address(&isV4);
    return {isV4 ? QHostAddress(v4) : address.address, address.port};
}

void IpMsgRoute::setEndpoint(IpMsg::Endpoint *endpoint)
{
    if (m_endpoint == endpoint)
        return;
    if (m_endpoint)
        disconnect(m_endpoint, nullptr, this, nullptr);
    m_endpoint = endpoint;
    // The old endpoint's packet numbers mean nothing to the new one: what was in flight waits again.
    m_inFlight.clear();
    QList<QUuid> stranded;
    for (auto it = m_outgoing.begin(); it != m_outgoing.end(); ++it) {
        if (it->packetNo != 0)
            stranded.append(it.key());
        it->packetNo = 0;
    }
    if (!m_endpoint) {
        // Nothing will confirm them now; still not marked failed, so the next endpoint sends them at once.
        for (const QUuid &id : std::as_const(stranded))
            Q_EMIT stateChanged(id, DeliveryState::Failed);
        return;
    }
    connect(m_endpoint, &IpMsg::Endpoint::peerEntered, this, [this](const IpMsg::Peer &peer) {
        const ChatPeerAddress address = toChat(peer.address);
        m_heard.insert(address.toString());
        sendWaiting(true, address);
    });
    connect(m_endpoint, &IpMsg::Endpoint::messageReceived, this, &IpMsgRoute::messageReceived);
    connect(m_endpoint, &IpMsg::Endpoint::messageDelivered, this,
            [this](const IpMsg::PeerAddress &, quint32 packetNo) { onDelivered(packetNo); });
    connect(m_endpoint, &IpMsg::Endpoint::messageFailed, this,
            [this](const IpMsg::PeerAddress &, quint32 packetNo, const QString &) { onFailed(packetNo); });
    connect(m_endpoint, &QObject::destroyed, this, [this] { setEndpoint(nullptr); });
    sendWaiting(false, std::nullopt);
}

bool IpMsgRoute::transmit(const QUuid &id, Outgoing &outgoing, QString *error)
{
    if (!m_endpoint) {
        *error = tr("IP Messenger is off, or another program holds its port, so %1 cannot be reached. The message "
                    "is kept and sent once IP Messenger runs and the peer is heard.")
                     .arg(outgoing.to.toString());
        return false;
    }
    const quint32 packetNo = m_endpoint->sendMessage(toIpMsg(outgoing.to), outgoing.text);
    if (packetNo == 0) {
        *error = m_endpoint->errorString();
        return false;
    }
    outgoing.packetNo = packetNo;
    outgoing.failed = false;
    m_inFlight.insert(packetNo, id);
    Q_EMIT packetSent(id, packetNo);
    return true;
}

Expected<quint32> IpMsgRoute::send(const QUuid &id, const ChatPeerAddress &to, const QString &text)
{
    Outgoing &outgoing = m_outgoing[id];
    outgoing = Outgoing{to, text};
    QString error;
    if (!transmit(id, outgoing, &error)) {
        // Refused by the endpoint itself (too long, too many waiting): the caller says so, nothing is kept.
        if (m_endpoint)
            m_outgoing.remove(id);
        else
            outgoing.failed = true;
        return Failure{error};
    }
    return outgoing.packetNo;
}

void IpMsgRoute::resume(const QUuid &id, const ChatPeerAddress &to, const QString &text, bool failed)
{
    Outgoing &outgoing = m_outgoing[id];
    outgoing = Outgoing{to, text};
    outgoing.failed = failed;
    QString error;
    if (!failed && m_endpoint && !transmit(id, outgoing, &error)) {
        outgoing.failed = true;
        Q_EMIT stateChanged(id, DeliveryState::Failed);
    }
}

bool IpMsgRoute::retry(const QUuid &id)
{
    const auto it = m_outgoing.find(id);
    if (it == m_outgoing.end())
        return false;
    if (it->packetNo != 0)
        m_inFlight.remove(it->packetNo);
    QString error;
    if (!transmit(id, *it, &error)) {
        it->failed = true;
        Q_EMIT errorOccurred(error);
        Q_EMIT stateChanged(id, DeliveryState::Failed);
        return true;
    }
    Q_EMIT stateChanged(id, DeliveryState::Sending);
    return true;
}

void IpMsgRoute::sendWaiting(bool includingFailed, const std::optional<ChatPeerAddress> &only)
{
    for (auto it = m_outgoing.begin(); it != m_outgoing.end(); ++it) {
        if (it->packetNo != 0 || (it->failed && !includingFailed) || (only && !(it->to == *only)))
            continue;
        QString error;
        if (transmit(it.key(), *it, &error))
            Q_EMIT stateChanged(it.key(), DeliveryState::Sending);
        else
            it->failed = true;
    }
}

void IpMsgRoute::onDelivered(quint32 packetNo)
{
    const QUuid id = m_inFlight.take(packetNo);
    if (id.isNull())
        return;
    m_outgoing.remove(id);
    Q_EMIT stateChanged(id, DeliveryState::Delivered);
}

void IpMsgRoute::onFailed(quint32 packetNo)
{
    const QUuid id = m_inFlight.take(packetNo);
    const auto it = m_outgoing.find(id);
    if (id.isNull() || it == m_outgoing.end())
        return;
    it->packetNo = 0;
    it->failed = true; // sent again when the peer is heard
    Q_EMIT stateChanged(id, DeliveryState::Failed);
}

bool IpMsgRoute::isIpMsgPeer(const ChatPeerAddress &address) const
{
    return m_heard.contains(toChat(toIpMsg(address)).toString()) || peer(address).has_value();
}

std::optional<IpMsg::Peer> IpMsgRoute::peer(const ChatPeerAddress &address) const
{
    if (!m_endpoint)
        return std::nullopt;
    return m_endpoint->peer(toIpMsg(address));
}

QString IpMsgRoute::peerName(const ChatPeerAddress &address) const
{
    const auto known = peer(address);
    if (!known)
        return QString();
    return known->nickname.isEmpty() ? known->user : known->nickname;
}

bool IpMsgRoute::sendReadNotice(const ChatPeerAddress &to, quint32 packetNo)
{
    return m_endpoint && m_endpoint->sendReadNotice(toIpMsg(to), packetNo);
}

} // namespace Tincan
