// One chat endpoint: a UDP socket that talks to classic tutorial peers (bare
// UTF-8 datagrams) and to Tincan peers (envelopes, acknowledged and
// retransmitted until delivered). See docs/PROTOCOL.md, "Chat".
//
// It holds no history: an Acceptor given by the owner stores each incoming
// message, and a Tincan message is acknowledged only once that succeeded.
#pragma once

#include "net/base/expected.h"
#include "net/chat/chatenvelope.h"
#include "net/services/service.h"

#include <QDateTime>
#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUuid>

#include <chrono>
#include <deque>
#include <functional>
#include <map>

class QUdpSocket;

namespace Tincan {
class UdpPeerTable;
}

namespace Tincan {

enum class ChatProtocol {
    Auto, // Tincan once the address has spoken Tincan, classic until then
    Tincan,
    Classic,
    IpMessenger, // IP Messenger, FeiQ, iptux: sent by ChatService through an IpMsg::Endpoint, not here
};

enum class DeliveryState {
    Sending,   // Tincan, IP Messenger: sent, not yet acknowledged (RECVMSG), still retrying
    Delivered, // Tincan, IP Messenger: acknowledged by the peer
    Failed,    // Tincan, IP Messenger: no acknowledgement after every try; kept queued
    Sent,      // classic: handed to the network (nothing more can be known)
};

struct ChatPeerAddress
{
    QHostAddress address;
    quint16 port = 0;
    QString toString() const;
    friend bool operator==(const ChatPeerAddress &a, const ChatPeerAddress &b)
    {
        return a.port == b.port && a.address == b.address;
    }
    friend bool operator<(const ChatPeerAddress &a, const ChatPeerAddress &b) { return a.toString() < b.toString(); }
};

struct ChatMessage
{
    QUuid id;     // Tincan: the sender's message id; classic: made on arrival
    QUuid peerId; // Tincan: the sender's install id; classic: null
    QString peerName;
    ChatPeerAddress from;
    QString text;
    QDateTime time; // Tincan: when the sender wrote it; classic: arrival
    bool classic = false;
};

struct OutgoingChatMessage
{
    QUuid id;
    ChatPeerAddress to;
    QString text;
    qint64 timestamp = 0; // ms since the epoch, UTC
};

class ChatEndpoint final : public Service
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatEndpoint)

public:
    enum class AcceptResult {
        Stored,    // new, kept: acknowledge and show
        Duplicate, // seen before: acknowledge again, do not show
        Failed,    // could not be kept: do not acknowledge (the sender retries)
    };
    using Acceptor = std::function<AcceptResult(const ChatMessage &)>;

    struct RetryPolicy
    {
        std::chrono::milliseconds initialInterval{500}; // doubled after each try
        int maxAttempts = 6;
    };

    // Datagrams handled per wake-up, so a flood cannot starve the event loop.
    static constexpr int MaxDatagramsPerWakeup = 256;
    // Message ids remembered to suppress duplicates (besides the Acceptor's store).
    static constexpr qsizetype RecentIdsRemembered = 4096;
    static constexpr quint16 DefaultPort = 8081;

    ChatEndpoint(const QUuid &selfId, const QString &selfName, QObject *parent = nullptr);
    ~ChatEndpoint() override;

    // Binds the socket. With fallbackToFreePort, a port that is taken is
    // replaced by a free one (boundToFallbackPort() then says so).
    bool bind(const QHostAddress &address, quint16 port, bool fallbackToFreePort);
    void close();
    bool isBound() const;
    quint16 localPort() const;
    QHostAddress localAddress() const;
    bool boundToFallbackPort() const { return m_fallback; }
    QString errorString() const override { return m_error; }
    // As a Service: the chat's owner (ChatController) starts it, a host only watches.
    bool isListening() const override { return isBound(); }
    QHostAddress address() const override { return localAddress(); }
    quint16 port() const override { return localPort(); }
    void shutdown() override;

    QUuid selfId() const { return m_selfId; }
    QString selfName() const { return m_selfName; }
    void setSelfName(const QString &name) { m_selfName = name; }

    void setAcceptor(Acceptor acceptor) { m_acceptor = std::move(acceptor); }
    void setRetryPolicy(const RetryPolicy &policy) { m_policy = policy; }

    // The protocol a message to `to` will use.
    ChatProtocol resolve(const ChatPeerAddress &to, ChatProtocol protocol) const;
    bool isTincanPeer(const ChatPeerAddress &address) const { return m_tincanPeers.contains(address.toString()); }
    // True for this endpoint's own port on a loopback or local interface
    // address: a message sent there would come back as someone else's.
    bool isOwnAddress(const ChatPeerAddress &address) const;
    // Something was heard from `address` outside this socket (presence, an
    // IP Messenger entry): failed messages queued for it are sent at once,
    // and with speaksTincan the address counts as a Tincan peer, so a
    // contact under Auto gets reliable delivery and the peer's name.
    void peerHeard(const ChatPeerAddress &address, bool speaksTincan);

    // Sends `text`. Returns the message's id, or fails with the reason (text
    // too long, socket not bound). State changes are signalled.
    Expected<QUuid> send(const ChatPeerAddress &to, const QString &text, ChatProtocol protocol);
    // Queues again a Tincan message not delivered in an earlier run.
    void resume(const OutgoingChatMessage &message);
    // Tries a failed (or still pending) message again from the first attempt.
    bool retry(const QUuid &messageId);
    // Tries every failed message again (the endpoint was bound again).
    void retryFailed();
    // Gives up a pending message (no more retries, no state change).
    void forget(const QUuid &messageId);
    int pendingCount() const { return int(m_pending.size()); }
    std::optional<DeliveryState> pendingState(const QUuid &messageId) const;

    // Copies every datagram to trafficObserved(); only while someone looks.
    void setTrafficObserved(bool on) override;

Q_SIGNALS:
    void messageReceived(const Tincan::ChatMessage &message);
    void deliveryStateChanged(const QUuid &messageId, Tincan::DeliveryState state);
    // A Tincan peer spoke (message or acknowledgement).
    void peerSeen(const QUuid &peerId, const QString &name, const Tincan::ChatPeerAddress &address);
    // A datagram that claimed to be Tincan's but was not valid.
    void datagramRejected(const Tincan::ChatPeerAddress &from, const QString &reason);
    // A classic message that arrived but could not be stored (it is still shown).
    void storeFailed(const QString &message);
    // Service's client signals report the addresses datagrams came from or
    // went to ("Tincan" or "classic"), forgotten on close().

private:
    struct Pending
    {
        OutgoingChatMessage message;
        int attempts = 0;
        std::chrono::milliseconds interval{0};
        std::chrono::steady_clock::time_point due;
        bool failed = false;
    };

    void readDatagrams();
    void handleEnvelope(const Chat::Envelope &envelope, const ChatPeerAddress &from);
    void handleClassic(const QByteArray &datagram, const ChatPeerAddress &from);
    void transmit(Pending &pending);
    void sendAck(const QUuid &messageId, const ChatPeerAddress &to);
    void scheduleTimer();
    void onRetryTimer();
    void resendFailedTo(const ChatPeerAddress &address);
    bool rememberId(const QUuid &peerId, const QUuid &messageId);

    QUdpSocket *m_socket = nullptr;
    UdpPeerTable *m_peers;
    QUuid m_selfId;
    QString m_selfName;
    Acceptor m_acceptor;
    RetryPolicy m_policy;
    QTimer m_retryTimer;
    std::map<QUuid, Pending> m_pending;
    QSet<QString> m_tincanPeers; // ChatPeerAddress::toString()
    QSet<QByteArray> m_recentIds;
    std::deque<QByteArray> m_recentOrder;
    bool m_fallback = false;
    QString m_error;
};

} // namespace Tincan

Q_DECLARE_METATYPE(Tincan::ChatMessage)
Q_DECLARE_METATYPE(Tincan::ChatPeerAddress)
Q_DECLARE_METATYPE(Tincan::DeliveryState)
