// ChatHistory: contacts and messages in SQLite (WAL, synchronous=FULL),
// kept across reopening; damaged, foreign and unwritable files are clear
// errors and are never written over.
#include "chat/chathistory.h"
#include "chattesthelpers.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <unistd.h>

using namespace Tincan;
using namespace Tincan::Test;

namespace {

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray();
    return file.readAll();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

// Runs one query on the file through a connection of our own; the first column of the first row.
QVariant queryFile(const QString &path, const QString &sql)
{
    const QString name = QStringLiteral("tst_chathistory-inspect");
    QVariant value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                value = q.value(0);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return value;
}

// The history's own connection (per-connection settings such as synchronous live there).
QSqlDatabase connectionOf(const ChatHistory &history)
{
    return QSqlDatabase::database(QStringLiteral("tincan-history-%1").arg(quintptr(&history)), false);
}

StoredMessage incoming(const QString &conversation, const QString &text, const QUuid &peerId = QUuid::createUuid(),
                       const QUuid &messageId = QUuid::createUuid())
{
    StoredMessage m;
    m.conversation = conversation;
    m.messageId = messageId;
    m.peerId = peerId;
    m.peerName = QStringLiteral("一棵树");
    m.peer = {QHostAddress(QStringLiteral("192.0.2.7")), 8081};
    m.text = text;
    m.time = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
    m.classic = peerId.isNull();
    m.read = false;
    return m;
}

StoredMessage outgoing(const QString &conversation, const QString &text, DeliveryState state, bool classic = false)
{
    StoredMessage m;
    m.conversation = conversation;
    m.messageId = QUuid::createUuid();
    m.peer = {QHostAddress(QStringLiteral("127.0.0.1")), 9000};
    m.text = text;
    m.time = QDateTime::fromMSecsSinceEpoch(1700000001456, Qt::UTC);
    m.state = state;
    m.classic = classic;
    return m;
}

QStringList namesOf(const QList<Contact> &contacts)
{
    QStringList names;
    for (const Contact &c : contacts)
        names.append(c.name);
    return names;
}

} // namespace

class TestChatHistory : public QObject
{
    Q_OBJECT

private:
    QString dbPath() const { return m_dir->filePath(QStringLiteral("history.sqlite")); }
    std::unique_ptr<ChatHistory> openHistory()
    {
        auto history = std::make_unique<ChatHistory>();
        if (!history->open(dbPath())) {
            qWarning("open failed: %s", qPrintable(history->errorString()));
            return nullptr;
        }
        return history;
    }

    std::unique_ptr<QTemporaryDir> m_dir;

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }
    void cleanup() { m_dir.reset(); }

    void newDatabaseIsWalAndFull()
    {
        auto history = openHistory();
        QVERIFY(history);
        QVERIFY(history->isOpen());
        QCOMPARE(history->path(), dbPath());
        QVERIFY(QFileInfo::exists(dbPath()));

        // WAL is a property of the file: a separate connection sees it.
        QCOMPARE(queryFile(dbPath(), QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
        QCOMPARE(queryFile(dbPath(), QStringLiteral("PRAGMA user_version")).toInt(), ChatHistory::SchemaVersion);
        // synchronous is a property of the connection: ask the history's own.
        QSqlDatabase db = connectionOf(*history);
        QVERIFY(db.isOpen());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA synchronous")) && q.next());
        QCOMPARE(q.value(0).toInt(), 2); // FULL
    }

    void selfIdIsStable()
    {
        QUuid first;
        {
            auto history = openHistory();
            QVERIFY(history);
            first = history->selfId();
            QVERIFY(!first.isNull());
        }
        auto again = openHistory();
        QVERIFY(again);
        QCOMPARE(again->selfId(), first);

        // Another file, another installation.
        ChatHistory other;
        QVERIFY(other.open(m_dir->filePath(QStringLiteral("other.sqlite"))));
        QVERIFY(other.selfId() != first);
    }

    void defaultContactsAddedOnce()
    {
        {
            auto history = openHistory();
            QVERIFY(history);
            QVERIFY(history->contacts().isEmpty());
            QVERIFY(history->addDefaultContactsOnce());
            const QList<Contact> contacts = history->contacts();
            QCOMPARE(namesOf(contacts),
                     (QStringList{QStringLiteral("TOM"), QStringLiteral("JACK"), QStringLiteral("一棵树"),
                                  QStringLiteral("武大郎")}));
            for (const Contact &c : contacts) {
                QCOMPARE(c.host, QStringLiteral("127.0.0.1"));
                QCOMPARE(c.port, quint16(8081));
                QCOMPARE(c.protocol, ChatProtocol::Classic);
                QVERIFY(c.peerId.isNull());
                QVERIFY(c.id > 0);
            }
            QVERIFY(history->addDefaultContactsOnce());
            QCOMPARE(history->contacts().size(), 4);
            // The user deletes JACK ...
            QVERIFY(history->removeContact(contacts.at(1).id));
        }
        // ... and he stays deleted after a restart.
        auto history = openHistory();
        QVERIFY(history);
        QVERIFY(history->addDefaultContactsOnce());
        QCOMPARE(namesOf(history->contacts()),
                 (QStringList{QStringLiteral("TOM"), QStringLiteral("一棵树"), QStringLiteral("武大郎")}));
    }

    void contactsPersist()
    {
        Contact added;
        added.name = QStringLiteral("武大郎的朋友");
        added.host = QStringLiteral("::1");
        added.port = 9999;
        added.protocol = ChatProtocol::Tincan;
        added.peerId = QUuid::createUuid();
        Contact classic;
        classic.name = QStringLiteral("old server");
        classic.host = QStringLiteral("192.0.2.1");
        classic.protocol = ChatProtocol::Classic;
        {
            auto history = openHistory();
            QVERIFY(history);
            QVERIFY(history->addContact(added));
            QVERIFY(history->addContact(classic));
            QVERIFY(added.id > 0);
            QVERIFY(classic.id > added.id);
        }
        {
            auto history = openHistory();
            QVERIFY(history);
            const QList<Contact> contacts = history->contacts();
            QCOMPARE(contacts.size(), 2);
            const Contact &c = contacts.at(0);
            QCOMPARE(c.id, added.id);
            QCOMPARE(c.name, added.name);
            QCOMPARE(c.host, added.host);
            QCOMPARE(c.port, added.port);
            QCOMPARE(c.protocol, ChatProtocol::Tincan);
            QCOMPARE(c.peerId, added.peerId);
            QCOMPARE(contacts.at(1).protocol, ChatProtocol::Classic);
            QCOMPARE(contacts.at(1).port, ChatEndpoint::DefaultPort);
            QVERIFY(contacts.at(1).peerId.isNull());

            Contact changed = c;
            changed.name = QStringLiteral("TOM");
            changed.host = QStringLiteral("10.0.0.2");
            changed.port = 8082;
            changed.protocol = ChatProtocol::Auto;
            changed.peerId = QUuid();
            QVERIFY(history->updateContact(changed));
            QVERIFY(history->removeContact(classic.id));
        }
        auto history = openHistory();
        QVERIFY(history);
        const QList<Contact> contacts = history->contacts();
        QCOMPARE(contacts.size(), 1);
        QCOMPARE(contacts.at(0).id, added.id);
        QCOMPARE(contacts.at(0).name, QStringLiteral("TOM"));
        QCOMPARE(contacts.at(0).host, QStringLiteral("10.0.0.2"));
        QCOMPARE(contacts.at(0).port, quint16(8082));
        QCOMPARE(contacts.at(0).protocol, ChatProtocol::Auto);
        QVERIFY(contacts.at(0).peerId.isNull());
    }

    void messagesPersist()
    {
        const QString conversation = QStringLiteral("contact:1");
        const QUuid peer = QUuid::createUuid();
        StoredMessage in = incoming(conversation, QStringLiteral("你好,武大郎!\n第二行"), peer);
        StoredMessage out = outgoing(conversation, QStringLiteral("hello 😀"), DeliveryState::Sending);
        StoredMessage classicIn = incoming(QStringLiteral("addr:127.0.0.1:5000"), QStringLiteral("classic"), QUuid());
        {
            auto history = openHistory();
            QVERIFY(history);
            bool duplicate = true;
            QVERIFY(history->appendIncoming(in, &duplicate));
            QVERIFY(!duplicate);
            QVERIFY(history->appendOutgoing(out));
            QVERIFY(history->appendIncoming(classicIn));
            QVERIFY(in.rowId > 0 && out.rowId > in.rowId);
            QVERIFY(history->setState(out.messageId, DeliveryState::Delivered));
        }
        auto history = openHistory();
        QVERIFY(history);
        const QList<StoredMessage> messages = history->messages(conversation);
        QCOMPARE(messages.size(), 2);
        const StoredMessage &a = messages.at(0);
        QCOMPARE(a.rowId, in.rowId);
        QCOMPARE(a.conversation, conversation);
        QVERIFY(!a.outgoing);
        QCOMPARE(a.messageId, in.messageId);
        QCOMPARE(a.peerId, peer);
        QCOMPARE(a.peerName, QStringLiteral("一棵树"));
        QCOMPARE(a.peer, in.peer);
        QCOMPARE(a.text, in.text);
        QCOMPARE(a.time, in.time);
        QVERIFY(!a.classic);
        QVERIFY(!a.read);
        const StoredMessage &b = messages.at(1);
        QVERIFY(b.outgoing);
        QCOMPARE(b.text, QStringLiteral("hello 😀"));
        QCOMPARE(b.state, DeliveryState::Delivered);
        QCOMPARE(b.peer, out.peer);
        QCOMPARE(b.time, out.time);

        const auto found = history->message(out.messageId);
        QVERIFY(found.has_value());
        QCOMPARE(found->text, out.text);
        QVERIFY(!history->message(QUuid::createUuid()).has_value());

        // The newest `limit`, oldest first.
        const QList<StoredMessage> last = history->messages(conversation, 1);
        QCOMPARE(last.size(), 1);
        QCOMPARE(last.at(0).rowId, out.rowId);

        const QList<StoredMessage> classic = history->messages(QStringLiteral("addr:127.0.0.1:5000"));
        QCOMPARE(classic.size(), 1);
        QVERIFY(classic.at(0).classic);
        QVERIFY(classic.at(0).peerId.isNull());

        // Conversations, newest first, with unread counts; markRead clears them.
        const QList<ConversationSummary> summaries = history->conversations();
        QCOMPARE(summaries.size(), 2);
        QCOMPARE(summaries.at(0).key, QStringLiteral("addr:127.0.0.1:5000"));
        QCOMPARE(summaries.at(1).key, conversation);
        QCOMPARE(summaries.at(1).unread, 1);
        QCOMPARE(summaries.at(1).last.text, out.text);
        QVERIFY(history->markRead(conversation));
        QCOMPARE(history->conversations().at(1).unread, 0);

        // Moving a conversation moves all its messages.
        QVERIFY(history->moveConversation(conversation, QStringLiteral("contact:2")));
        QVERIFY(history->messages(conversation).isEmpty());
        QCOMPARE(history->messages(QStringLiteral("contact:2")).size(), 2);
    }

    void duplicateIncomingIsReported()
    {
        auto history = openHistory();
        QVERIFY(history);
        const QUuid peer = QUuid::createUuid();
        const QUuid id = QUuid::createUuid();
        StoredMessage first = incoming(QStringLiteral("peer:x"), QStringLiteral("once"), peer, id);
        bool duplicate = true;
        QVERIFY(history->appendIncoming(first, &duplicate));
        QVERIFY(!duplicate);

        StoredMessage again = incoming(QStringLiteral("peer:x"), QStringLiteral("once"), peer, id);
        QVERIFY(history->appendIncoming(again, &duplicate));
        QVERIFY(duplicate);
        QCOMPARE(history->messages(QStringLiteral("peer:x")).size(), 1);

        // The same message id from another peer is another message.
        StoredMessage other = incoming(QStringLiteral("peer:y"), QStringLiteral("other"), QUuid::createUuid(), id);
        QVERIFY(history->appendIncoming(other, &duplicate));
        QVERIFY(!duplicate);
        QCOMPARE(history->messages(QStringLiteral("peer:y")).size(), 1);

        // Classic messages have no peer id: two equal texts are two messages.
        StoredMessage c1 = incoming(QStringLiteral("addr:1.2.3.4:5"), QStringLiteral("same"), QUuid());
        StoredMessage c2 = incoming(QStringLiteral("addr:1.2.3.4:5"), QStringLiteral("same"), QUuid());
        QVERIFY(history->appendIncoming(c1, &duplicate));
        QVERIFY(!duplicate);
        QVERIFY(history->appendIncoming(c2, &duplicate));
        QVERIFY(!duplicate);
        QCOMPARE(history->messages(QStringLiteral("addr:1.2.3.4:5")).size(), 2);

        // Still a duplicate after reopening.
        history.reset();
        history = openHistory();
        QVERIFY(history);
        StoredMessage later = incoming(QStringLiteral("peer:x"), QStringLiteral("once"), peer, id);
        QVERIFY(history->appendIncoming(later, &duplicate));
        QVERIFY(duplicate);
    }

    void undeliveredIsSendingAndFailedTincan()
    {
        StoredMessage sending = outgoing(QStringLiteral("c"), QStringLiteral("sending"), DeliveryState::Sending);
        StoredMessage failed = outgoing(QStringLiteral("c"), QStringLiteral("failed"), DeliveryState::Failed);
        StoredMessage delivered = outgoing(QStringLiteral("c"), QStringLiteral("delivered"), DeliveryState::Delivered);
        StoredMessage sent = outgoing(QStringLiteral("c"), QStringLiteral("classic"), DeliveryState::Sent, true);
        StoredMessage oddClassic
            = outgoing(QStringLiteral("c"), QStringLiteral("classic?"), DeliveryState::Sending, true);
        StoredMessage in = incoming(QStringLiteral("c"), QStringLiteral("incoming"));
        {
            auto history = openHistory();
            QVERIFY(history);
            for (StoredMessage *m : {&sending, &delivered, &failed, &sent, &oddClassic})
                QVERIFY(history->appendOutgoing(*m));
            QVERIFY(history->appendIncoming(in));
        }
        auto history = openHistory();
        QVERIFY(history);
        QList<StoredMessage> undelivered = history->undelivered();
        QCOMPARE(undelivered.size(), 2);
        QCOMPARE(undelivered.at(0).messageId, sending.messageId);
        QCOMPARE(undelivered.at(0).state, DeliveryState::Sending);
        QCOMPARE(undelivered.at(0).peer, sending.peer);
        QCOMPARE(undelivered.at(0).text, QStringLiteral("sending"));
        QCOMPARE(undelivered.at(1).messageId, failed.messageId);
        QCOMPARE(undelivered.at(1).state, DeliveryState::Failed);

        QVERIFY(history->setState(sending.messageId, DeliveryState::Delivered));
        undelivered = history->undelivered();
        QCOMPARE(undelivered.size(), 1);
        QCOMPARE(undelivered.at(0).messageId, failed.messageId);
    }

    void damagedFileIsRefusedAndKept_data()
    {
        QTest::addColumn<QByteArray>("content");

        QRandomGenerator random(42);
        QByteArray garbage(16 * 1024, Qt::Uninitialized);
        for (char &c : garbage)
            c = char(random.bounded(256u));
        QTest::newRow("random bytes") << garbage;
        QTest::newRow("text file") << QByteArray("TOM: 127.0.0.1:8081\nJACK: 127.0.0.1:8081\n").repeated(100);
        QByteArray header("SQLite format 3", 16); // the magic, then noise
        QTest::newRow("SQLite magic, then garbage") << QByteArray(header + garbage.left(4096 - 16));
    }
    void damagedFileIsRefusedAndKept()
    {
        QFETCH(QByteArray, content);
        QVERIFY(writeFile(dbPath(), content));

        ChatHistory history;
        QVERIFY(!history.open(dbPath()));
        QVERIFY(!history.isOpen());
        QVERIFY2(history.errorString().contains(QStringLiteral("damaged")), qPrintable(history.errorString()));
        QVERIFY2(history.errorString().contains(dbPath()), qPrintable(history.errorString()));
        QCOMPARE(fileBytes(dbPath()), content);
        QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files), QStringList{QStringLiteral("history.sqlite")});

        // Nothing is lost silently afterwards either: writes fail loudly.
        QSignalSpy errors(&history, &ChatHistory::errorOccurred);
        StoredMessage m = outgoing(QStringLiteral("c"), QStringLiteral("lost?"), DeliveryState::Sending);
        QVERIFY(!history.appendOutgoing(m));
        QCOMPARE(errors.size(), 1);
        QVERIFY(history.contacts().isEmpty());
        QCOMPARE(fileBytes(dbPath()), content);
    }

    void foreignDatabaseIsRefusedAndKept_data()
    {
        QTest::addColumn<QStringList>("statements");
        QTest::addColumn<QString>("complaint");
        QTest::newRow("another program's tables")
            << QStringList{QStringLiteral("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"),
                           QStringLiteral("INSERT INTO notes (body) VALUES ('keep me')")}
            << QStringLiteral("not a Tincan chat history");
        QTest::newRow("a newer Tincan") << QStringList{QStringLiteral("CREATE TABLE messages (id INTEGER PRIMARY KEY)"),
                                                       QStringLiteral("PRAGMA user_version = 99")}
                                        << QStringLiteral("newer");
    }
    void foreignDatabaseIsRefusedAndKept()
    {
        QFETCH(QStringList, statements);
        QFETCH(QString, complaint);
        {
            const QString name = QStringLiteral("tst_chathistory-foreign");
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
                db.setDatabaseName(dbPath());
                QVERIFY(db.open());
                QSqlQuery q(db);
                for (const QString &sql : statements)
                    QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
                db.close();
            }
            QSqlDatabase::removeDatabase(name);
        }
        const QByteArray before = fileBytes(dbPath());
        QVERIFY(!before.isEmpty());

        ChatHistory history;
        QVERIFY(!history.open(dbPath()));
        QVERIFY(!history.isOpen());
        QVERIFY2(history.errorString().contains(complaint), qPrintable(history.errorString()));
        // Not ours: not a byte changed (not even the journal mode).
        QCOMPARE(fileBytes(dbPath()), before);
        QCOMPARE(queryFile(dbPath(), QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("delete"));
    }

    void unwritablePlaceIsAClearError_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("folder is a file") << QStringLiteral("file");
        QTest::newRow("read-only folder") << QStringLiteral("readonly");
    }
    void unwritablePlaceIsAClearError()
    {
        QFETCH(QString, kind);
        QString path;
        if (kind == QStringLiteral("file")) {
            const QString blocker = m_dir->filePath(QStringLiteral("blocker"));
            QVERIFY(writeFile(blocker, QByteArray("not a folder")));
            path = blocker + QStringLiteral("/sub/history.sqlite");
        } else {
            if (::geteuid() == 0)
                QSKIP("root can write to a read-only folder");
            const QString folder = m_dir->filePath(QStringLiteral("readonly"));
            QVERIFY(QDir().mkpath(folder));
            QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner));
            path = folder + QStringLiteral("/history.sqlite");
        }
        ChatHistory history;
        const bool opened = history.open(path);
        if (kind == QStringLiteral("readonly"))
            QFile::setPermissions(m_dir->filePath(QStringLiteral("readonly")),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QVERIFY(!opened);
        QVERIFY(!history.isOpen());
        QVERIFY(!history.errorString().isEmpty());
        QVERIFY2(!history.errorString().contains(QStringLiteral("damaged")), qPrintable(history.errorString()));
        QVERIFY2(history.errorString().contains(QFileInfo(path).absolutePath()), qPrintable(history.errorString()));
        QVERIFY(!QFileInfo::exists(path));
    }
};

QTEST_GUILESS_MAIN(TestChatHistory)
#include "tst_chathistory.moc"
