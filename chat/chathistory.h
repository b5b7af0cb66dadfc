// The chat's memory: contacts and every message, both directions, in SQLite
// (WAL, synchronous=FULL, so what was shown survives a crash). Qt Core + Qt SQL.
#pragma once

#include "net/chat/chatendpoint.h"

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QUuid>

#include <optional>

namespace Tincan {

struct Contact
{
    qint64 id = 0;
    QString name;
    QString host;
    quint16 port = ChatEndpoint::DefaultPort;
    ChatProtocol protocol = ChatProtocol::Auto;
    QUuid peerId; // learned when a Tincan peer answers as this contact
};

struct StoredMessage
{
    qint64 rowId = 0;
    QString conversation; // see ChatService::conversationKey*
    bool outgoing = false;
    QUuid messageId;
    QUuid peerId;         // incoming Tincan: the sender
    QString peerName;     // incoming: the sender's display name
    ChatPeerAddress peer; // incoming: the sender; outgoing: the destination
    QString text;
    QDateTime time;
    DeliveryState state = DeliveryState::Sent; // outgoing only
    bool classic = false;                      // = protocol == Classic, kept for the callers of format 1
    bool read = true;
    ChatProtocol protocol = ChatProtocol::Tincan; // Tincan, Classic or IpMessenger, never Auto
    quint32 ipmsgPacket = 0;                      // IP Messenger: the packet number (outgoing: the last sent)
    bool readNoticeDue = false;                   // incoming sealed IP Messenger message whose READMSG is not yet sent
};

struct ConversationSummary
{
    QString key;
    qint64 unread = 0;
    StoredMessage last;
};

class ChatHistory final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatHistory)

public:
    // 2: each message's protocol, IP Messenger packet number and read notice (migrated from 1).
    static constexpr int SchemaVersion = 2;

    explicit ChatHistory(QObject *parent = nullptr);
    ~ChatHistory() override;

    // Opens (creating if needed) the database at `path`. False, with
    // errorString(), when it is unwritable, damaged or not a Tincan history.
    bool open(const QString &path);
    bool isOpen() const { return m_open; }
    QString path() const { return m_path; }
    QString errorString() const { return m_error; }
    // The default place: the user's data directory.
    static QString defaultPath();

    // This installation's stable id, made on first open.
    QUuid selfId() const { return m_selfId; }

    QList<Contact> contacts() const;
    bool addContact(Contact &contact); // sets contact.id
    bool updateContact(const Contact &contact);
    bool removeContact(qint64 contactId);
    // The tutorial's contacts: TOM, JACK, 一棵树 and 武大郎, all at 127.0.0.1:8081
    // (the tutorial's server), classic.
    static QList<Contact> defaultContacts();
    // Fills in the tutorial's contacts when the list has never been set up.
    bool addDefaultContactsOnce();

    // Incoming: *duplicate is set (and nothing written) when this Tincan
    // message (peer id + message id) is already stored.
    bool appendIncoming(StoredMessage &message, bool *duplicate = nullptr);
    bool appendOutgoing(StoredMessage &message);
    bool setState(const QUuid &messageId, DeliveryState state);
    bool setIpMsgPacket(const QUuid &messageId, quint32 packetNo);
    // Incoming sealed IP Messenger messages of a conversation whose read notice is due.
    QList<StoredMessage> readNoticesDue(const QString &conversation) const;
    bool setReadNoticeSent(qint64 rowId);
    bool markRead(const QString &conversation);
    bool moveConversation(const QString &from, const QString &to);

    // The newest `limit` messages of a conversation, oldest first.
    QList<StoredMessage> messages(const QString &conversation, int limit = 1000) const;
    std::optional<StoredMessage> message(const QUuid &messageId) const;
    // Outgoing Tincan and IP Messenger messages not yet delivered (to resume after a restart).
    QList<StoredMessage> undelivered() const;
    QList<ConversationSummary> conversations() const;

Q_SIGNALS:
    // A write failed: the history is no longer complete. Shown to the user.
    void errorOccurred(const QString &message);

private:
    bool exec(const QString &sql);
    bool insert(StoredMessage &message);
    bool reportNotOpen();
    bool fail(const QString &what, const QString &detail) const;
    bool createSchema();
    bool migrateFrom1();

    QString m_connection;
    QString m_path;
    QUuid m_selfId;
    bool m_open = false;
    mutable QString m_error;
};

} // namespace Tincan
