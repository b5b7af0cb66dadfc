// The chat as the user sees it: contacts, conversations and delivery, on top
// of a ChatEndpoint (the wire) and a ChatHistory (the memory). Decides which
// conversation each incoming message belongs to. No widgets: the GUI and the
// tests drive it alike.
#pragma once

#include "chat/chathistory.h"
#include "chat/ipmsgroute.h"
#include "net/base/expected.h"
#include "net/chat/chatendpoint.h"

#include <QHash>
#include <QObject>

#include <optional>

namespace Tincan {

class ChatService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatService)

public:
    // Neither is owned. The history may be closed (unwritable): the chat then
    // works without memory, and says so through errorOccurred().
    ChatService(ChatHistory *history, ChatEndpoint *endpoint, QObject *parent = nullptr);

    // Conversation keys: a contact's, an unknown Tincan peer's, an unknown address's, an unknown
    // IP Messenger's.
    static QString contactKey(qint64 contactId);
    static QString peerKey(const QUuid &peerId);
    static QString addressKey(const ChatPeerAddress &address);
    static QString ipmsgKey(const ChatPeerAddress &address);
    // Where a contact's messages go when it is removed: its address's conversation in its protocol.
    static QString unsavedKey(const ChatPeerAddress &address, ChatProtocol protocol);

    // Where IP Messenger messages go and come from (not owned; null: IP Messenger is off). Set
    // again whenever the LAN directory is replaced.
    void setIpMsgEndpoint(IpMsg::Endpoint *endpoint);
    IpMsg::Endpoint *ipmsgEndpoint() const { return m_ipmsg->endpoint(); }
    // The protocol a message to this conversation goes by now: Tincan, Classic or IpMessenger.
    ChatProtocol protocolFor(const QString &conversation) const;

    // Resends what an earlier run left undelivered.
    void resumeUndelivered();

    QList<Contact> contacts() const { return m_contacts; }
    std::optional<Contact> contact(qint64 contactId) const;
    std::optional<Contact> contactForConversation(const QString &key) const;
    // Adds (and gives an id to) or changes a contact; fails with why not.
    Expected<void> addContact(Contact &contact);
    Expected<void> updateContact(const Contact &contact);
    bool removeContact(qint64 contactId);
    // Turns an ip:port (or peer) conversation into a contact; returns its key.
    Expected<QString> saveAsContact(const QString &conversation, const QString &name);
    // A contact's host as an address: an IP literal or "localhost".
    static std::optional<QHostAddress> parseHost(const QString &host);

    // What to call a conversation: the contact's name, or ip:port.
    QString conversationTitle(const QString &key) const;
    // Where a conversation's messages go.
    std::optional<ChatPeerAddress> destination(const QString &key) const;

    // Sends text to a conversation. The message is stored before it is shown.
    Expected<StoredMessage> send(const QString &conversation, const QString &text);
    bool retry(const QUuid &messageId);
    // Call whenever anything is heard from a peer outside the chat socket
    // (presence, IP Messenger): messages queued for it are sent at once, and
    // with speaksTincan a contact under Auto gets reliable delivery.
    void peerSeen(const ChatPeerAddress &address, bool speaksTincan);
    // Where a Tincan peer is, as its announcement says, before it has written: its conversation
    // (peerKey) then has a destination, and its answers come to the same conversation.
    void notePeer(const QUuid &peerId, const QString &name, const ChatPeerAddress &address);

    // Messages to the active conversation arrive read.
    void setActiveConversation(const QString &key);
    QString activeConversation() const { return m_active; }
    void markRead(const QString &key);

Q_SIGNALS:
    void messageAdded(const Tincan::StoredMessage &message);
    void messageStateChanged(const QUuid &messageId, Tincan::DeliveryState state);
    void contactsChanged();
    void errorOccurred(const QString &message);

private:
    ChatEndpoint::AcceptResult accept(const ChatMessage &message);
    QString conversationFor(const ChatMessage &message);
    void onStateChanged(const QUuid &messageId, DeliveryState state);
    void reloadContacts();
    Expected<StoredMessage> sendIpMsg(const QString &conversation, const ChatPeerAddress &to, const QString &text);
    void onIpMsgReceived(const IpMsg::IncomingMessage &incoming);
    QString ipmsgConversationFor(const ChatPeerAddress &from) const;
    void sendReadNotices(const QString &key);

    ChatHistory *m_history;
    ChatEndpoint *m_endpoint;
    QList<Contact> m_contacts;
    // Per address: the conversation last written to there. A classic reply
    // from that address belongs to it (several contacts may share one address).
    QHash<QString, QString> m_lastWrittenAt;
    // Unknown peers' names and addresses, for titles and replies.
    QHash<QUuid, std::pair<QString, ChatPeerAddress>> m_peers;
    QString m_active;
    IpMsgRoute *m_ipmsg;
    // Without a history: this run's sealed IP Messenger messages awaiting their read notice.
    QHash<QString, QList<std::pair<ChatPeerAddress, quint32>>> m_readNoticesDue;
};

} // namespace Tincan
