// The chat's way to IP Messenger peers (docs/PROTOCOL.md §9, "In the chat"): sends a
// conversation's messages through the directory's IpMsg::Endpoint and turns its packet numbers
// back into message ids and delivery states. It keeps every undelivered message of this run, so
// one that failed, or waited for an endpoint, goes out again when its peer is heard or an endpoint
// is given. It stores nothing: ChatService keeps the history.
#pragma once

#include "net/base/expected.h"
#include "net/chat/chatendpoint.h"
#include "net/ipmsg/ipmsgendpoint.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QUuid>

#include <optional>

namespace Tincan {

class IpMsgRoute final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IpMsgRoute)

public:
    explicit IpMsgRoute(QObject *parent = nullptr);

    // Not owned; null when IP Messenger is off or its port was taken. Messages in flight on the
    // previous endpoint and those that waited for one are sent (again) through this one.
    void setEndpoint(IpMsg::Endpoint *endpoint);
    IpMsg::Endpoint *endpoint() const { return m_endpoint; }

    static IpMsg::PeerAddress toIpMsg(const ChatPeerAddress &address);
    static ChatPeerAddress toChat(const IpMsg::PeerAddress &address);

    // Sends a message now. Without an endpoint it fails with why but is kept (isKept): Failed, and
    // sent when an endpoint and its peer are there. One the endpoint refuses (too long, too many
    // waiting) fails and is not kept.
    Expected<quint32> send(const QUuid &id, const ChatPeerAddress &to, const QString &text);
    // An undelivered message of an earlier run: sent when an endpoint is there (at once, or when
    // one is given) unless it had failed, which waits until its peer is heard.
    void resume(const QUuid &id, const ChatPeerAddress &to, const QString &text, bool failed);
    // Sends a kept message again at once; false when it is not kept.
    bool retry(const QUuid &id);
    bool isKept(const QUuid &id) const { return m_outgoing.contains(id); }

    // An IP Messenger peer was heard at this address (this run, on any endpoint).
    bool isIpMsgPeer(const ChatPeerAddress &address) const;
    std::optional<IpMsg::Peer> peer(const ChatPeerAddress &address) const;
    // What to call the peer at an address: its nickname, else its user; empty when unknown.
    QString peerName(const ChatPeerAddress &address) const;
    bool sendReadNotice(const ChatPeerAddress &to, quint32 packetNo);

Q_SIGNALS:
    void stateChanged(const QUuid &id, Tincan::DeliveryState state);
    void packetSent(const QUuid &id, quint32 packetNo);
    void messageReceived(const Tincan::IpMsg::IncomingMessage &message);
    void errorOccurred(const QString &message);

private:
    struct Outgoing
    {
        ChatPeerAddress to;
        QString text;
        quint32 packetNo = 0; // in flight on the current endpoint; 0: waiting
        bool failed = false;  // waits for its peer to be heard
    };

    bool transmit(const QUuid &id, Outgoing &outgoing, QString *error);
    void sendWaiting(bool includingFailed, const std::optional<ChatPeerAddress> &only);
    void onDelivered(quint32 packetNo);
    void onFailed(quint32 packetNo);

    QPointer<IpMsg::Endpoint> m_endpoint;
    QHash<QUuid, Outgoing> m_outgoing;
    QHash<quint32, QUuid> m_inFlight; // the current endpoint's packet numbers
    QSet<QString> m_heard;            // ChatPeerAddress::toString() of IP Messenger peers heard
};

} // namespace Tincan
