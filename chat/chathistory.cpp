#include "chat/chathistory.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

namespace Tincan {

namespace {
QSqlDatabase database(const QString &connection)
{
    return QSqlDatabase::database(connection, false);
}

int protocolToInt(ChatProtocol protocol)
{
    return int(protocol);
}

ChatProtocol protocolFromInt(int value)
{
    switch (value) {
    case int(ChatProtocol::Tincan):
        return ChatProtocol::Tincan;
    case int(ChatProtocol::Classic):
        return ChatProtocol::Classic;
    case int(ChatProtocol::IpMessenger):
        return ChatProtocol::IpMessenger;
    default:
        return ChatProtocol::Auto;
    }
}

DeliveryState stateFromInt(int value)
{
    switch (value) {
    case int(DeliveryState::Sending):
        return DeliveryState::Sending;
    case int(DeliveryState::Delivered):
        return DeliveryState::Delivered;
    case int(DeliveryState::Failed):
        return DeliveryState::Failed;
    default:
        return DeliveryState::Sent;
    }
}

QVariant uuidValue(const QUuid &uuid)
{
    return uuid.isNull() ? QVariant() : QVariant(uuid.toString(QUuid::WithoutBraces));
}

const char MessageColumns[] = "id, conversation, outgoing, message_id, peer_id, peer_name, address, port, text, "
                              "time, state, classic, read, protocol, ipmsg_packet, read_notice";

StoredMessage messageFrom(const QSqlQuery &q)
{
    StoredMessage m;
    m.rowId = q.value(0).toLongLong();
    m.conversation = q.value(1).toString();
    m.outgoing = q.value(2).toBool();
    m.messageId = QUuid::fromString(q.value(3).toString());
    m.peerId = QUuid::fromString(q.value(4).toString());
    m.peerName = q.value(5).toString();
    m.peer.address = QHostAddress(q.value(6).toString());
    m.peer.port = quint16(q.value(7).toUInt());
    m.text = q.value(8).toString();
    m.time = QDateTime::fromMSecsSinceEpoch(q.value(9).toLongLong(), Qt::UTC);
    m.state = stateFromInt(q.value(10).toInt());
    m.classic = q.value(11).toBool();
    m.read = q.value(12).toBool();
    m.protocol = protocolFromInt(q.value(13).toInt());
    m.ipmsgPacket = quint32(q.value(14).toLongLong());
    m.readNoticeDue = q.value(15).toBool();
    return m;
}
} // namespace

ChatHistory::ChatHistory(QObject *parent)
    : QObject(parent)
    , m_connection(QStringLiteral("tincan-history-%1").arg(quintptr(this)))
{
}

ChatHistory::~ChatHistory()
{
    if (QSqlDatabase::contains(m_connection)) {
        database(m_connection).close();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

QString ChatHistory::defaultPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("history.sqlite"));
}

bool ChatHistory::fail(const QString &what, const QString &detail) const
{
    m_error = detail.isEmpty() ? what : QStringLiteral("%1 (%2)").arg(what, detail);
    return false;
}

bool ChatHistory::reportNotOpen()
{
    // Every write to a closed history is said out loud: nothing is lost silently.
    fail(tr("The chat history is not open; nothing can be saved."), QString());
    Q_EMIT errorOccurred(m_error);
    return false;
}

bool ChatHistory::exec(const QString &sql)
{
    QSqlQuery q(database(m_connection));
    if (!q.exec(sql))
        return fail(tr("The chat history could not be updated."), q.lastError().text());
    return true;
}

bool ChatHistory::open(const QString &path)
{
    m_open = false;
    m_path = path;
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return fail(tr("The SQLite driver for Qt is not installed (package libqt6sql6-sqlite)."), QString());
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return fail(tr("Cannot create the folder %1 for the chat history.").arg(info.absolutePath()), QString());

    QSqlDatabase db = QSqlDatabase::contains(m_connection)
        ? database(m_connection)
        : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.close();
    db.setDatabaseName(path);
    if (!db.open())
        return fail(tr("Cannot open the chat history %1.").arg(path), db.lastError().text());

    QSqlQuery q(db);
    // A damaged or foreign file must be reported, not written over.
    if (!q.exec(QStringLiteral("PRAGMA quick_check")) || !q.next() || q.value(0).toString() != QStringLiteral("ok")) {
        const QString detail = q.lastError().isValid() ? q.lastError().text() : q.value(0).toString();
        db.close();
        return fail(tr("The chat history %1 is damaged or is not a database. Move it away to start a new "
                       "one; nothing has been changed.")
                        .arg(path),
                    detail);
    }
    if (!q.exec(QStringLiteral("PRAGMA synchronous=FULL")) || !q.exec(QStringLiteral("PRAGMA foreign_keys=ON"))) {
        db.close();
        return fail(tr("Cannot prepare the chat history %1.").arg(path), q.lastError().text());
    }
    if (!createSchema()) {
        db.close();
        return false;
    }
    // WAL is written into the file itself: switched on only once the file is known to be ours.
    if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL"))) {
        db.close();
        return fail(tr("Cannot prepare the chat history %1.").arg(path), q.lastError().text());
    }
    m_open = true;
    return true;
}

bool ChatHistory::createSchema()
{
    QSqlDatabase db = database(m_connection);
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return fail(tr("Cannot read the chat history."), q.lastError().text());
    const int version = q.value(0).toInt();
    if (version > SchemaVersion)
        return fail(tr("The chat history was written by a newer Tincan (format %1); this one reads format %2.")
                        .arg(version)
                        .arg(SchemaVersion),
                    QString());
    if (version == 0) {
        // An existing file with tables of its own is not ours to change.
        if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) || !q.next())
            return fail(tr("Cannot read the chat history."), q.lastError().text());
        if (q.value(0).toInt() > 0)
            return fail(tr("%1 is a database, but not a Tincan chat history.").arg(m_path), QString());
        const QStringList statements{
            QStringLiteral("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, host TEXT NOT NULL, "
                           "port INTEGER NOT NULL, protocol INTEGER NOT NULL DEFAULT 0, peer_id TEXT)"),
            QStringLiteral("CREATE TABLE messages (id INTEGER PRIMARY KEY, conversation TEXT NOT NULL, "
                           "outgoing INTEGER NOT NULL, message_id TEXT NOT NULL, peer_id TEXT, peer_name TEXT, "
                           "address TEXT, port INTEGER, text TEXT NOT NULL, time INTEGER NOT NULL, "
                           "state INTEGER NOT NULL DEFAULT 3, classic INTEGER NOT NULL, read INTEGER NOT NULL, "
                           "protocol INTEGER NOT NULL DEFAULT 1, ipmsg_packet INTEGER, "
                           "read_notice INTEGER NOT NULL DEFAULT 0)"),
            QStringLiteral("CREATE INDEX messages_by_conversation ON messages (conversation, id)"),
            QStringLiteral("CREATE UNIQUE INDEX incoming_once ON messages (peer_id, message_id) "
                           "WHERE outgoing = 0 AND peer_id IS NOT NULL"),
            QStringLiteral("CREATE INDEX messages_by_id ON messages (message_id)"),
            QStringLiteral("PRAGMA user_version = %1").arg(SchemaVersion),
        };
        if (!db.transaction())
            return fail(tr("Cannot write the chat history."), db.lastError().text());
        for (const QString &sql : statements) {
            if (!q.exec(sql)) {
                const QString detail = q.lastError().text();
                db.rollback();
                return fail(tr("Cannot create the chat history."), detail);
            }
        }
        if (!db.commit())
            return fail(tr("Cannot write the chat history."), db.lastError().text());
    } else if (version == 1 && !migrateFrom1()) {
        return false;
    }

    if (!q.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'self_id'")))
        return fail(tr("Cannot read the chat history."), q.lastError().text());
    if (q.next()) {
        m_selfId = QUuid::fromString(q.value(0).toString());
    } else {
        m_selfId = QUuid::createUuid();
        q.prepare(QStringLiteral("INSERT INTO meta (key, value) VALUES ('self_id', ?)"));
        q.addBindValue(m_selfId.toString(QUuid::WithoutBraces));
        if (!q.exec())
            return fail(tr("Cannot write the chat history."), q.lastError().text());
    }
    return true;
}

bool ChatHistory::migrateFrom1()
{
    // Format 1 knew Tincan and classic messages only: every row keeps what it had and says which.
    QSqlDatabase db = database(m_connection);
    QSqlQuery q(db);
    const QStringList statements{
        QStringLiteral("ALTER TABLE messages ADD COLUMN protocol INTEGER NOT NULL DEFAULT 1"),
        QStringLiteral("ALTER TABLE messages ADD COLUMN ipmsg_packet INTEGER"),
        QStringLiteral("ALTER TABLE messages ADD COLUMN read_notice INTEGER NOT NULL DEFAULT 0"),
        QStringLiteral("UPDATE messages SET protocol = CASE WHEN classic THEN %1 ELSE %2 END")
            .arg(protocolToInt(ChatProtocol::Classic))
            .arg(protocolToInt(ChatProtocol::Tincan)),
        QStringLiteral("PRAGMA user_version = 2"),
    };
    if (!db.transaction())
        return fail(tr("Cannot write the chat history."), db.lastError().text());
    for (const QString &sql : statements) {
        if (!q.exec(sql)) {
            const QString detail = q.lastError().text();
            db.rollback();
            return fail(
                tr("The chat history %1 could not be brought up to date; nothing has been changed.").arg(m_path),
                detail);
        }
    }
    if (!db.commit())
        return fail(tr("Cannot write the chat history."), db.lastError().text());
    return true;
}

QList<Contact> ChatHistory::contacts() const
{
    QList<Contact> result;
    if (!m_open)
        return result;
    QSqlQuery q(database(m_connection));
    if (!m_open || !q.exec(QStringLiteral("SELECT id, name, host, port, protocol, peer_id FROM contacts ORDER BY id")))
        return result;
    while (q.next()) {
        Contact c;
        c.id = q.value(0).toLongLong();
        c.name = q.value(1).toString();
        c.host = q.value(2).toString();
        c.port = quint16(q.value(3).toUInt());
        c.protocol = protocolFromInt(q.value(4).toInt());
        c.peerId = QUuid::fromString(q.value(5).toString());
        result.append(c);
    }
    return result;
}

bool ChatHistory::addContact(Contact &contact)
{
    if (!m_open)
        return reportNotOpen();
    QSqlQuery q(database(m_connection));
    q.prepare(QStringLiteral("INSERT INTO contacts (name, host, port, protocol, peer_id) VALUES (?, ?, ?, ?, ?)"));
    q.addBindValue(contact.name);
    q.addBindValue(contact.host);
    q.addBindValue(contact.port);
    q.addBindValue(protocolToInt(contact.protocol));
    q.addBindValue(uuidValue(contact.peerId));
    if (!m_open || !q.exec()) {
        fail(tr("The contact could not be saved."), q.lastError().text());
        Q_EMIT errorOccurred(m_error);
        return false;
    }
    contact.id = q.lastInsertId().toLongLong();
    return true;
}

bool ChatHistory::updateContact(const Contact &contact)
{
    if (!m_open)
        return reportNotOpen();
    QSqlQuery q(database(m_connection));
    q.prepare(
        QStringLiteral("UPDATE contacts SET name = ?, host = ?, port = ?, protocol = ?, peer_id = ? WHERE id = ?"));
    q.addBindValue(contact.name);
    q.addBindValue(contact.host);
    q.addBindValue(contact.port);
    q.addBindValue(protocolToInt(contact.protocol));
    q.addBindValue(uuidValue(contact.peerId));
    q.addBindValue(contact.id);
    if (!m_open || !q.exec()) {
        fail(tr("The contact could not be saved."), q.lastError().text());
        Q_EMIT errorOccurred(m_error);
        return false;
    }
    return true;
}

bool ChatHistory::removeContact(qint64 contactId)
{
    if (!m_open)
        return reportNotOpen();
    QSqlQuery q(database(m_connection));
    q.prepare(QStringLiteral("DELETE FROM contacts WHERE id = ?"));
    q.addBindValue(contactId);
    if (!m_open || !q.exec()) {
        fail(tr("The contact could not be removed."), q.lastError().text());
        Q_EMIT errorOccurred(m_error);
        return false;
    }
    return true;
}

QList<Contact> ChatHistory::defaultContacts()
{
    // The socket tutorial's contact dictionary: everyone at 127.0.0.1:8081,
    // where the tutorial's QQ server listens. Classic, so a Tincan that
    // answers there (another install on this machine) is never filed under
    // TOM; when this app itself holds 8081, sending to them is refused as
    // the chat's own address instead of coming back as TOM's message.
    QList<Contact> contacts;
    for (const QString &name :
         {QStringLiteral("TOM"), QStringLiteral("JACK"), QStringLiteral("一棵树"), QStringLiteral("武大郎")}) {
        Contact c;
        c.name = name;
        c.host = QStringLiteral("127.0.0.1");
        c.port = ChatEndpoint::DefaultPort;
        c.protocol = ChatProtocol::Classic;
        contacts.append(c);
    }
    return contacts;
}

bool ChatHistory::addDefaultContactsOnce()
{
    QSqlQuery q(database(m_connection));
    if (!m_open || !q.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'contacts_initialised'")))
        return false;
    if (q.next())
        return true;
    for (Contact c : defaultContacts())
        if (!addContact(c))
            return false;
    return exec(QStringLiteral("INSERT INTO meta (key, value) VALUES ('contacts_initialised', '1')"));
}

bool ChatHistory::appendIncoming(StoredMessage &message, bool *duplicate)
{
    if (duplicate)
        *duplicate = false;
    message.outgoing = false;
    QSqlQuery q(database(m_connection));
    if (!message.peerId.isNull() && m_open) {
        q.prepare(QStringLiteral("SELECT 1 FROM messages WHERE outgoing = 0 AND peer_id = ? AND message_id = ?"));
        q.addBindValue(uuidValue(message.peerId));
        q.addBindValue(uuidValue(message.messageId));
        if (q.exec() && q.next()) {
            if (duplicate)
                *duplicate = true;
            return true;
        }
    }
    return insert(message);
}

bool ChatHistory::appendOutgoing(StoredMessage &message)
{
    message.outgoing = true;
    return insert(message);
}

bool ChatHistory::insert(StoredMessage &message)
{
    if (!m_open)
        return reportNotOpen();
    QSqlQuery q(database(m_connection));
    q.prepare(QStringLiteral("INSERT INTO messages (conversation, outgoing, message_id, peer_id, peer_name, "
                             "address, port, text, time, state, classic, read, protocol, ipmsg_packet, "
                             "read_notice) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(message.conversation);
    q.addBindValue(message.outgoing ? 1 : 0);
    q.addBindValue(uuidValue(message.messageId));
    q.addBindValue(uuidValue(message.peerId));
    q.addBindValue(message.peerName);
    q.addBindValue(message.peer.address.toString());
    q.addBindValue(message.peer.port);
    q.addBindValue(message.text);
    q.addBindValue(message.time.toMSecsSinceEpoch());
    q.addBindValue(int(message.state));
    q.addBindValue(message.classic ? 1 : 0);
    q.addBindValue(message.read ? 1 : 0);
    q.addBindValue(protocolToInt(message.protocol));
    q.addBindValue(message.ipmsgPacket == 0 ? QVariant() : QVariant(qint64(message.ipmsgPacket)));
    q.addBindValue(message.readNoticeDue ? 1 : 0);
    if (!m_open || !q.exec()) {
        fail(tr("A message could not be saved to the chat history."), q.lastError().text());
        Q_EMIT errorOccurred(m_error);
        return false;
    }
    message.rowId = q.lastInsertId().toLongLong();
    return true;
}

bool ChatHistory::setState(const QUuid &messageId, DeliveryState state)
{
    if (!m_open)
        return reportNotOpen();
    QSqlQuery q(database(m_connection));
    q.prepare(QStringLiteral("UPDATE messages SET state = ? WHERE outgoing = 1 AND message_id = ?"));
    q.addBindValue(int(state));
    q.addBindValue(uuidValue(messageId));
    if (!m_open || !q.exec()) {
        fail(tr("A message's delivery state could not be saved."), q.lastError().text());
        Q_EMIT errorOccurred(m_error);
        return false;
    }
    return true;
}

bool ChatHistory::setIpMsgPacket(const QUuid &messageId, quint32 packetNo)
{
    if (!m_open)
        return reportNotOpen();
    QSqlQuery q(database(m_connection));
    q.prepare(QStringLiteral("UPDATE messages SET ipmsg_packet = ? WHERE outgoing = 1 AND message_id = ?"));
    q.addBindValue(qint64(packetNo));
    q.addBindValue(uuidValue(messageId));
    if (!m_open || !q.exec()) {
        fail(tr("A message's delivery state could not be saved."), q.lastError().text());
        Q_EMIT errorOccurred(m_error);
        return false;
    }
    return true;
}

QList<StoredMessage> ChatHistory::readNoticesDue(const QString &conversation) const
{
    QList<StoredMessage> result;
    if (!m_open)
        return result;
    QSqlQuery q(database(m_connection));
    q.prepare(QStringLiteral("SELECT %1 FROM messages WHERE conversation = ? AND outgoing = 0 AND read_notice = 1 "
                             "ORDER BY id")
                  .arg(QLatin1StringView(MessageColumns)));
    q.addBindValue(conversation);
    if (!m_open || !q.exec())
        return result;
    while (q.next())
        result.append(messageFrom(q));
    return result;
}

bool ChatHistory::setReadNoticeSent(qint64 rowId)
{
    if (!m_open)
        return false;
    QSqlQuery q(database(m_connection));
    q.prepare(QStringLiteral("UPDATE messages SET read_notice = 0 WHERE id = ?"));
    q.addBindValue(rowId);
    return m_open && q.exec();
}

bool ChatHistory::markRead(const QString &conversation)
{
    if (!m_open)
        return false;
    QSqlQuery q(database(m_connection));
    q.prepare(QStringLiteral("UPDATE messages SET read = 1 WHERE conversation = ? AND read = 0"));
    q.addBindValue(conversation);
    return m_open && q.exec();
}

bool ChatHistory::moveConversation(const QString &from, const QString &to)
{
    if (!m_open)
        return reportNotOpen();
    QSqlQuery q(database(m_connection));
    q.prepare(QStringLiteral("UPDATE messages SET conversation = ? WHERE conversation = ?"));
    q.addBindValue(to);
    q.addBindValue(from);
    if (!m_open || !q.exec()) {
        fail(tr("The conversation could not be moved."), q.lastError().text());
        Q_EMIT errorOccurred(m_error);
        return false;
    }
    return true;
}

QList<StoredMessage> ChatHistory::messages(const QString &conversation, int limit) const
{
    QList<StoredMessage> result;
    if (!m_open)
        return result;
    QSqlQuery q(database(m_connection));
    q.prepare(QStringLiteral("SELECT %1 FROM (SELECT * FROM messages WHERE conversation = ? ORDER BY id DESC LIMIT ?) "
                             "ORDER BY id")
                  .arg(QLatin1StringView(MessageColumns)));
    q.addBindValue(conversation);
    q.addBindValue(limit);
    if (!m_open || !q.exec())
        return result;
    while (q.next())
        result.append(messageFrom(q));
    return result;
}

std::optional<StoredMessage> ChatHistory::message(const QUuid &messageId) const
{
    if (!m_open)
        return std::nullopt;
    QSqlQuery q(database(m_connection));
    q.prepare(QStringLiteral("SELECT %1 FROM messages WHERE message_id = ? ORDER BY id DESC LIMIT 1")
                  .arg(QLatin1StringView(MessageColumns)));
    q.addBindValue(uuidValue(messageId));
    if (!m_open || !q.exec() || !q.next())
        return std::nullopt;
    return messageFrom(q);
}

QList<StoredMessage> ChatHistory::undelivered() const
{
    QList<StoredMessage> result;
    if (!m_open)
        return result;
    QSqlQuery q(database(m_connection));
    q.prepare(
        QStringLiteral("SELECT %1 FROM messages WHERE outgoing = 1 AND classic = 0 AND state IN (?, ?) ORDER BY id")
            .arg(QLatin1StringView(MessageColumns)));
    q.addBindValue(int(DeliveryState::Sending));
    q.addBindValue(int(DeliveryState::Failed));
    if (!m_open || !q.exec())
        return result;
    while (q.next())
        result.append(messageFrom(q));
    return result;
}

QList<ConversationSummary> ChatHistory::conversations() const
{
    QList<ConversationSummary> result;
    if (!m_open)
        return result;
    QSqlQuery q(database(m_connection));
    if (!m_open
        || !q.exec(QStringLiteral("SELECT conversation, SUM(CASE WHEN read = 0 THEN 1 ELSE 0 END), MAX(id) "
                                  "FROM messages GROUP BY conversation ORDER BY MAX(id) DESC")))
        return result;
    QList<qint64> lastIds;
    while (q.next()) {
        ConversationSummary s;
        s.key = q.value(0).toString();
        s.unread = q.value(1).toLongLong();
        lastIds.append(q.value(2).toLongLong());
        result.append(s);
    }
    QSqlQuery last(database(m_connection));
    last.prepare(QStringLiteral("SELECT %1 FROM messages WHERE id = ?").arg(QLatin1StringView(MessageColumns)));
    for (qsizetype i = 0; i < result.size(); ++i) {
        last.addBindValue(lastIds.at(i));
        if (last.exec() && last.next())
            result[i].last = messageFrom(last);
    }
    return result;
}

} // namespace Tincan
