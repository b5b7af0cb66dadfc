// The chat with IP Messenger peers (docs/PROTOCOL.md §9, "In the chat"): a ChatService over a real
// history, a chat endpoint and an IpMsg::Endpoint on 127.0.0.1, against a fake IP Messenger that
// is a raw UDP socket writing and reading packets byte by byte from the protocol description.
// Loopback unicast only: nothing is broadcast, nothing binds 2425.
#include "chat/chatcontroller.h"
#include "chat/chathistory.h"
#include "chat/chatservice.h"
#include "chattesthelpers.h"
#include "net/ipmsg/ipmsgendpoint.h"

#include <QDeadlineTimer>
#include <QNetworkDatagram>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringDecoder>
#include <QTemporaryDir>

using namespace Tincan;
using namespace Tincan::Test;

namespace {

constexpr quint32 BrEntry = 0x01, SendMsg = 0x20, RecvMsg = 0x21, ReadMsg = 0x30;
constexpr quint32 SendCheckOpt = 0x100, SecretOpt = 0x200, Utf8Opt = 0x800000;
constexpr std::chrono::milliseconds FastRetry{20};
// A failed message takes MaxAttempts retry intervals; proving silence takes a few more.
constexpr int SilenceMs = 300;

struct Packet
{
    quint32 packetNo = 0;
    quint32 command = 0;
    QByteArray extra;
    quint32 mode() const { return command & 0xff; }
    QByteArray text() const { return extra.left(extra.indexOf('\0') < 0 ? extra.size() : extra.indexOf('\0')); }
};

std::optional<Packet> parse(const QByteArray &datagram)
{
    QList<QByteArray> fields;
    qsizetype position = 0;
    for (int i = 0; i < 5; ++i) {
        const qsizetype colon = datagram.indexOf(':', position);
        if (colon < 0)
            return std::nullopt;
        fields.append(datagram.mid(position, colon - position));
        position = colon + 1;
    }
    return Packet{fields[1].toUInt(), fields[4].toUInt(), datagram.mid(position)};
}

// An IP Messenger, FeiQ or iptux on a loopback port.
class FakeMessenger
{
public:
    explicit FakeMessenger(quint16 endpointPort)
        : m_endpointPort(endpointPort)
    {
        QVERIFY(m_socket.bind(QHostAddress::LocalHost, 0));
    }
    ChatPeerAddress address() const { return {QHostAddress(QHostAddress::LocalHost), m_socket.localPort()}; }
    QUdpSocket &socket() { return m_socket; }

    QByteArray packet(quint32 command, const QByteArray &extra, quint32 packetNo = 0)
    {
        if (packetNo == 0)
            packetNo = ++m_packetNo;
        return "1:" + QByteArray::number(packetNo) + ":fake:fakehost:" + QByteArray::number(command) + ':' + extra
            + '\0';
    }
    void send(const QByteArray &datagram) { m_socket.writeDatagram(datagram, QHostAddress::LocalHost, m_endpointPort); }
    void enter(const QByteArray &nickname = "王伟") { send(packet(BrEntry | Utf8Opt, nickname + '\0' + "研发部")); }

    // The datagrams of one mode that arrive within `ms`.
    QList<Packet> collect(quint32 mode, int ms)
    {
        QList<Packet> found;
        QDeadlineTimer deadline(ms);
        do {
            QTest::qWait(10);
            while (m_socket.hasPendingDatagrams())
                if (const auto p = parse(m_socket.receiveDatagram().data()); p && p->mode() == mode)
                    found.append(*p);
        } while (!deadline.hasExpired());
        return found;
    }
    // The first datagram of one mode within the timeout.
    std::optional<Packet> next(quint32 mode, int timeoutMs = 5000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            while (m_socket.hasPendingDatagrams())
                if (const auto p = parse(m_socket.receiveDatagram().data()); p && p->mode() == mode)
                    return p;
            QTest::qWait(10);
        }
        return std::nullopt;
    }

private:
    QUdpSocket m_socket;
    quint16 m_endpointPort;
    quint32 m_packetNo = 1700000000;
};

// One Tincan: its history, its chat endpoint, its IP Messenger endpoint and the service.
struct Stack
{
    Stack()
    {
        QVERIFY(dir.isValid());
        QVERIFY2(history.open(dir.filePath(QStringLiteral("h.sqlite"))), qPrintable(history.errorString()));
        chat = makeEndpoint(QStringLiteral("me"));
        QVERIFY(chat);
        ipmsg.setRetryInterval(FastRetry);
        QVERIFY2(ipmsg.bind(loopback(), 0), qPrintable(ipmsg.errorString()));
        service = std::make_unique<ChatService>(&history, chat.get());
        service->setIpMsgEndpoint(&ipmsg);
    }
    QTemporaryDir dir;
    ChatHistory history;
    std::unique_ptr<ChatEndpoint> chat;
    IpMsg::Endpoint ipmsg;
    std::unique_ptr<ChatService> service;
};

QList<StoredMessage> addedOf(const QSignalSpy &spy)
{
    QList<StoredMessage> added;
    for (const QList<QVariant> &arguments : spy)
        added.append(arguments.at(0).value<StoredMessage>());
    return added;
}

} // namespace

class TestChatIpMsg : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sendsAndIsDelivered_data();
    void sendsAndIsDelivered();
    void failsThenResendsWhenThePeerEnters();
    void withoutAnEndpointKeepsTheMessageFailed();
    void refusesATextTooLongForOnePacket();
    void resumesWhatAnEarlierRunLeftSending();
    void movesToANewEndpoint();
    void controllerGivesTheDirectorysEndpoint();
    void receivesOnceInTheRightConversation_data();
    void receivesOnceInTheRightConversation();
    void sendsTheReadNoticeOnlyWhenRead();
    void savingAsContactKeepsIpMessenger();
    void migratesAVersion1History();
    void hostileDatagramsDoNotDisturbTheChat();
};

void TestChatIpMsg::initTestCase()
{
    qRegisterMetaType<StoredMessage>();
}

void TestChatIpMsg::sendsAndIsDelivered_data()
{
    QTest::addColumn<int>("protocol"); // the contact's, or -1: the peer's own conversation
    QTest::newRow("IP Messenger contact") << int(ChatProtocol::IpMessenger);
    QTest::newRow("Automatic contact, peer entered") << int(ChatProtocol::Auto);
    QTest::newRow("unknown peer's conversation") << -1;
}

void TestChatIpMsg::sendsAndIsDelivered()
{
    QFETCH(int, protocol);
    Stack me;
    FakeMessenger fake(me.ipmsg.localPort());
    QSignalSpy entered(&me.ipmsg, &IpMsg::Endpoint::peerEntered);
    fake.enter();
    QTRY_COMPARE(entered.size(), 1);

    QString key = ChatService::ipmsgKey(fake.address());
    if (protocol >= 0) {
        Contact c{0, QStringLiteral("王伟"), QStringLiteral("127.0.0.1"), fake.address().port, ChatProtocol(protocol),
                  {}};
        QVERIFY(me.service->addContact(c));
        key = ChatService::contactKey(c.id);
    }
    QCOMPARE(me.service->protocolFor(key), ChatProtocol::IpMessenger);
    QSignalSpy states(me.service.get(), &ChatService::messageStateChanged);
    const Expected<StoredMessage> sent = me.service->send(key, QStringLiteral("你好 hello"));
    QVERIFY(sent);
    QCOMPARE(sent->state, DeliveryState::Sending);
    QCOMPARE(sent->protocol, ChatProtocol::IpMessenger);

    const auto packet = fake.next(SendMsg);
    QVERIFY(packet);
    QVERIFY(packet->command & SendCheckOpt);
    QCOMPARE(QString::fromUtf8(packet->text()), QStringLiteral("你好 hello")); // the peer said it reads UTF-8
    fake.send(fake.packet(RecvMsg, QByteArray::number(packet->packetNo)));
    QTRY_COMPARE(lastStateOf(states, sent->messageId), DeliveryState::Delivered);
    const auto stored = me.history.message(sent->messageId);
    QVERIFY(stored);
    QCOMPARE(stored->state, DeliveryState::Delivered);
    QCOMPARE(stored->protocol, ChatProtocol::IpMessenger);
    QCOMPARE(stored->ipmsgPacket, packet->packetNo);
}

void TestChatIpMsg::failsThenResendsWhenThePeerEnters()
{
    Stack me;
    FakeMessenger fake(me.ipmsg.localPort());
    QSignalSpy states(me.service.get(), &ChatService::messageStateChanged);
    const Expected<StoredMessage> sent
        = me.service->send(ChatService::ipmsgKey(fake.address()), QStringLiteral("在吗"));
    QVERIFY(sent);
    // Tried MaxAttempts times, never confirmed.
    QTRY_COMPARE(lastStateOf(states, sent->messageId), DeliveryState::Failed);
    QCOMPARE(fake.collect(SendMsg, 50).size() >= 1, true);
    QCOMPARE(me.history.message(sent->messageId)->state, DeliveryState::Failed);

    fake.enter();
    const auto again = fake.next(SendMsg);
    QVERIFY(again);
    QCOMPARE(QString::fromUtf8(again->text()), QStringLiteral("在吗"));
    QTRY_COMPARE(lastStateOf(states, sent->messageId), DeliveryState::Sending);
    fake.send(fake.packet(RecvMsg, QByteArray::number(again->packetNo)));
    QTRY_COMPARE(lastStateOf(states, sent->messageId), DeliveryState::Delivered);
}

void TestChatIpMsg::withoutAnEndpointKeepsTheMessageFailed()
{
    Stack me;
    me.service->setIpMsgEndpoint(nullptr);
    FakeMessenger fake(me.ipmsg.localPort());
    QSignalSpy errors(me.service.get(), &ChatService::errorOccurred);
    const Expected<StoredMessage> sent = me.service->send(ChatService::ipmsgKey(fake.address()), QStringLiteral("hi"));
    QVERIFY(sent);
    QCOMPARE(sent->state, DeliveryState::Failed);
    QCOMPARE(errors.size(), 1);
    QVERIFY(errors.at(0).at(0).toString().contains(QStringLiteral("IP Messenger")));
    QCOMPARE(me.history.message(sent->messageId)->state, DeliveryState::Failed);

    // A later run: the message left Failed waits for the peer, then goes.
    me.service = std::make_unique<ChatService>(&me.history, me.chat.get());
    me.service->resumeUndelivered();
    me.service->setIpMsgEndpoint(&me.ipmsg);
    QVERIFY(fake.collect(SendMsg, SilenceMs).isEmpty());
    fake.enter();
    const auto packet = fake.next(SendMsg);
    QVERIFY(packet);
    QSignalSpy states(me.service.get(), &ChatService::messageStateChanged);
    fake.send(fake.packet(RecvMsg, QByteArray::number(packet->packetNo)));
    QTRY_COMPARE(lastStateOf(states, sent->messageId), DeliveryState::Delivered);
}

void TestChatIpMsg::refusesATextTooLongForOnePacket()
{
    Stack me;
    FakeMessenger fake(me.ipmsg.localPort());
    const QString key = ChatService::ipmsgKey(fake.address());
    const Expected<StoredMessage> sent = me.service->send(key, QString(IpMsg::MaxDatagramSize, QLatin1Char('x')));
    QVERIFY(!sent);
    QVERIFY(!sent.error().isEmpty());
    QVERIFY(me.history.messages(key).isEmpty());
    QVERIFY(fake.collect(SendMsg, SilenceMs).isEmpty());
}

void TestChatIpMsg::resumesWhatAnEarlierRunLeftSending()
{
    Stack me;
    FakeMessenger fake(me.ipmsg.localPort());
    StoredMessage left;
    left.conversation = ChatService::ipmsgKey(fake.address());
    left.messageId = QUuid::createUuid();
    left.peer = fake.address();
    left.text = QStringLiteral("还在发");
    left.time = QDateTime::currentDateTimeUtc();
    left.state = DeliveryState::Sending;
    left.protocol = ChatProtocol::IpMessenger;
    QVERIFY(me.history.appendOutgoing(left));

    // The next start: the service resumes before the directory (and its endpoint) exists.
    me.service = std::make_unique<ChatService>(&me.history, me.chat.get());
    me.service->resumeUndelivered();
    QSignalSpy states(me.service.get(), &ChatService::messageStateChanged);
    me.service->setIpMsgEndpoint(&me.ipmsg);
    const auto packet = fake.next(SendMsg); // without waiting for the peer's entry
    QVERIFY(packet);
    // A peer not yet heard gets GB18030, which every IP Messenger reads.
    QStringDecoder gb18030("GB18030");
    QCOMPARE(QString(gb18030(packet->text())), left.text);
    fake.send(fake.packet(RecvMsg, QByteArray::number(packet->packetNo)));
    QTRY_COMPARE(lastStateOf(states, left.messageId), DeliveryState::Delivered);
    QCOMPARE(me.history.message(left.messageId)->ipmsgPacket, packet->packetNo);
}

void TestChatIpMsg::movesToANewEndpoint()
{
    Stack me;
    me.ipmsg.setRetryInterval(std::chrono::seconds(5)); // still in flight when the endpoint goes
    FakeMessenger fake(me.ipmsg.localPort());
    QSignalSpy states(me.service.get(), &ChatService::messageStateChanged);
    const Expected<StoredMessage> sent = me.service->send(ChatService::ipmsgKey(fake.address()), QStringLiteral("hi"));
    QVERIFY(sent);
    QVERIFY(fake.next(SendMsg));
    // The LAN settings change: the directory and its endpoint are replaced.
    me.service->setIpMsgEndpoint(nullptr);
    QCOMPARE(lastStateOf(states, sent->messageId), DeliveryState::Failed);
    IpMsg::Endpoint next;
    QVERIFY(next.bind(loopback(), 0));
    me.service->setIpMsgEndpoint(&next);
    QCOMPARE(lastStateOf(states, sent->messageId), DeliveryState::Sending);
    const auto again = fake.next(SendMsg);
    QVERIFY(again);
    const QByteArray confirmation = fake.packet(RecvMsg, QByteArray::number(again->packetNo));
    fake.socket().writeDatagram(confirmation, QHostAddress::LocalHost, next.localPort());
    QTRY_COMPARE(lastStateOf(states, sent->messageId), DeliveryState::Delivered);
    me.service->setIpMsgEndpoint(nullptr);
}

void TestChatIpMsg::controllerGivesTheDirectorysEndpoint()
{
    // Discovery on, but announcing nowhere and IP Messenger on a loopback port: nothing leaves 127.0.0.1.
    ChatController::Options options;
    options.bindAddress = loopback();
    options.port = 0;
    options.discovery = true;
    options.lan.interfaces = Presence::InterfaceSelection::none();
    options.lan.presencePort = 0;
    options.lan.ipmsgPort = reserveFreePort();
    options.lan.ipmsgBindAddress = loopback();
    ChatController controller(options);
    QVERIFY(controller.directory());
    QVERIFY(controller.directory()->ipmsg());
    QCOMPARE(controller.service()->ipmsgEndpoint(), controller.directory()->ipmsg());
}

void TestChatIpMsg::receivesOnceInTheRightConversation_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<quint32>("options");
    QTest::addColumn<bool>("asContact");
    QTest::newRow("UTF-8, unknown peer") << QByteArray("你好") << Utf8Opt << false;
    QTest::newRow("GBK, unknown peer") << QByteArray::fromHex("c4e3bac3") << quint32(0) << false;
    QTest::newRow("GBK, Automatic contact") << QByteArray::fromHex("c4e3bac3") << quint32(0) << true;
}

void TestChatIpMsg::receivesOnceInTheRightConversation()
{
    QFETCH(QByteArray, bytes);
    QFETCH(quint32, options);
    QFETCH(bool, asContact);
    Stack me;
    FakeMessenger fake(me.ipmsg.localPort());
    QString key = ChatService::ipmsgKey(fake.address());
    if (asContact) {
        Contact c{0, QStringLiteral("老王"), QStringLiteral("127.0.0.1"), fake.address().port, ChatProtocol::Auto, {}};
        QVERIFY(me.service->addContact(c));
        key = ChatService::contactKey(c.id);
    }
    QSignalSpy entered(&me.ipmsg, &IpMsg::Endpoint::peerEntered);
    fake.enter("王伟");
    QTRY_COMPARE(entered.size(), 1);
    QSignalSpy added(me.service.get(), &ChatService::messageAdded);
    const QByteArray message = fake.packet(SendMsg | SendCheckOpt | options, bytes);
    for (int i = 0; i < 3; ++i) // the sender's retries
        fake.send(message);
    QCOMPARE(fake.collect(RecvMsg, 200).size(), 3);
    QCOMPARE(added.size(), 1);
    const StoredMessage m = addedOf(added).at(0);
    QCOMPARE(m.text, QStringLiteral("你好"));
    QCOMPARE(m.conversation, key);
    QCOMPARE(m.peerName, QStringLiteral("王伟"));
    QCOMPARE(m.protocol, ChatProtocol::IpMessenger);
    QCOMPARE(me.history.messages(key).size(), 1);
    if (!asContact)
        QCOMPARE(me.service->conversationTitle(key), QStringLiteral("王伟"));
}

void TestChatIpMsg::sendsTheReadNoticeOnlyWhenRead()
{
    Stack me;
    FakeMessenger fake(me.ipmsg.localPort());
    QSignalSpy added(me.service.get(), &ChatService::messageAdded);
    const QByteArray sealed = fake.packet(SendMsg | SendCheckOpt | SecretOpt | Utf8Opt, "秘密");
    const quint32 packetNo = parse(sealed)->packetNo;
    fake.send(sealed);
    QTRY_COMPARE(added.size(), 1);
    const QString key = addedOf(added).at(0).conversation;
    QVERIFY(fake.collect(ReadMsg, SilenceMs).isEmpty()); // not read yet

    me.service->markRead(key);
    const auto notice = fake.next(ReadMsg);
    QVERIFY(notice);
    QCOMPARE(notice->text(), QByteArray::number(packetNo));
    me.service->setActiveConversation(key);
    me.service->markRead(key);
    QVERIFY(fake.collect(ReadMsg, SilenceMs).isEmpty()); // once per message
}

void TestChatIpMsg::savingAsContactKeepsIpMessenger()
{
    Stack me;
    FakeMessenger fake(me.ipmsg.localPort());
    const QString unsaved = ChatService::ipmsgKey(fake.address());
    QVERIFY(me.service->send(unsaved, QStringLiteral("hi")));
    const Expected<QString> key = me.service->saveAsContact(unsaved, QStringLiteral("王伟"));
    QVERIFY(key);
    QCOMPARE(me.history.messages(*key).size(), 1);
    QCOMPARE(me.service->protocolFor(*key), ChatProtocol::IpMessenger);
    const auto c = me.service->contactForConversation(*key);
    QVERIFY(c);
    QCOMPARE(c->protocol, ChatProtocol::IpMessenger);
    QCOMPARE(c->port, fake.address().port);
    QCOMPARE(me.history.contacts().constLast().protocol, ChatProtocol::IpMessenger);
    // Removed again: its messages go back to the peer's own IP Messenger conversation.
    QVERIFY(me.service->removeContact(c->id));
    QCOMPARE(me.history.messages(unsaved).size(), 1);
    QCOMPARE(me.service->protocolFor(unsaved), ChatProtocol::IpMessenger);
}

void TestChatIpMsg::migratesAVersion1History()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v1.sqlite"));
    const QUuid selfId = QUuid::createUuid();
    {
        // Exactly format 1's schema, as Tincan 1 wrote it.
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (const char *sql : {
                 "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                 "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, host TEXT NOT NULL, "
                 "port INTEGER NOT NULL, protocol INTEGER NOT NULL DEFAULT 0, peer_id TEXT)",
                 "CREATE TABLE messages (id INTEGER PRIMARY KEY, conversation TEXT NOT NULL, "
                 "outgoing INTEGER NOT NULL, message_id TEXT NOT NULL, peer_id TEXT, peer_name TEXT, "
                 "address TEXT, port INTEGER, text TEXT NOT NULL, time INTEGER NOT NULL, "
                 "state INTEGER NOT NULL DEFAULT 3, classic INTEGER NOT NULL, read INTEGER NOT NULL)",
                 "CREATE INDEX messages_by_conversation ON messages (conversation, id)",
                 "CREATE UNIQUE INDEX incoming_once ON messages (peer_id, message_id) "
                 "WHERE outgoing = 0 AND peer_id IS NOT NULL",
                 "CREATE INDEX messages_by_id ON messages (message_id)",
                 "INSERT INTO contacts (name, host, port, protocol) VALUES ('TOM', '127.0.0.1', 8081, 2)",
                 "INSERT INTO messages (conversation, outgoing, message_id, address, port, text, time, state, "
                 "classic, read) VALUES ('contact:1', 1, '6f1c2a52-0000-4000-8000-000000000001', '127.0.0.1', "
                 "8081, '你好 TOM', 1700000000000, 3, 1, 1)",
                 "INSERT INTO messages (conversation, outgoing, message_id, peer_id, peer_name, address, port, "
                 "text, time, state, classic, read) VALUES ('peer:x', 0, '6f1c2a52-0000-4000-8000-000000000002', "
                 "'6f1c2a52-0000-4000-8000-0000000000ff', 'bob', '10.0.0.2', 8081, 'hi', 1700000001000, 3, 0, 0)",
                 "PRAGMA user_version = 1",
             })
            QVERIFY2(q.exec(QString::fromUtf8(sql)), sql);
        q.prepare(QStringLiteral("INSERT INTO meta (key, value) VALUES ('self_id', ?)"));
        q.addBindValue(selfId.toString(QUuid::WithoutBraces));
        QVERIFY(q.exec());
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("v1"));

    ChatHistory history;
    QVERIFY2(history.open(path), qPrintable(history.errorString()));
    QCOMPARE(history.selfId(), selfId);
    QCOMPARE(history.contacts().size(), 1);
    QCOMPARE(history.contacts().at(0).protocol, ChatProtocol::Classic);
    const QList<StoredMessage> tom = history.messages(QStringLiteral("contact:1"));
    QCOMPARE(tom.size(), 1);
    QCOMPARE(tom.at(0).text, QStringLiteral("你好 TOM"));
    QCOMPARE(tom.at(0).protocol, ChatProtocol::Classic);
    QVERIFY(tom.at(0).classic);
    const QList<StoredMessage> bob = history.messages(QStringLiteral("peer:x"));
    QCOMPARE(bob.size(), 1);
    QCOMPARE(bob.at(0).protocol, ChatProtocol::Tincan);
    QVERIFY(!bob.at(0).read);
    // Written in format 2 from now on, and opened again as such.
    StoredMessage m;
    m.conversation = QStringLiteral("ipmsg:127.0.0.1:2425");
    m.messageId = QUuid::createUuid();
    m.text = QStringLiteral("x");
    m.time = QDateTime::currentDateTimeUtc();
    m.protocol = ChatProtocol::IpMessenger;
    m.ipmsgPacket = 42;
    QVERIFY(history.appendOutgoing(m));
    ChatHistory reopened;
    history.deleteLater();
    QVERIFY(reopened.open(path));
    QCOMPARE(reopened.message(m.messageId)->ipmsgPacket, quint32(42));
    QCOMPARE(reopened.message(m.messageId)->protocol, ChatProtocol::IpMessenger);
    QSqlQuery version(QSqlDatabase::database(QStringLiteral("tincan-history-%1").arg(quintptr(&reopened))));
    QVERIFY(version.exec(QStringLiteral("PRAGMA user_version")) && version.next());
    QCOMPARE(version.value(0).toInt(), ChatHistory::SchemaVersion);
}

void TestChatIpMsg::hostileDatagramsDoNotDisturbTheChat()
{
    Stack me;
    FakeMessenger fake(me.ipmsg.localPort());
    QSignalSpy added(me.service.get(), &ChatService::messageAdded);
    QSignalSpy errors(me.service.get(), &ChatService::errorOccurred);
    QSignalSpy rejected(&me.ipmsg, &IpMsg::Endpoint::datagramRejected);
    fake.send(QByteArray(IpMsg::MaxDatagramSize + 100, 'A'));
    fake.send(QByteArray("\xff\xfe:::::\x00garbage", 14));
    fake.send(QByteArray("1:notanumber:u:h:32:text"));
    fake.send(fake.packet(SendMsg | SendCheckOpt | Utf8Opt, "still here"));
    QTRY_COMPARE(added.size(), 1);
    QCOMPARE(addedOf(added).at(0).text, QStringLiteral("still here"));
    QVERIFY(rejected.size() >= 2);
    QVERIFY(errors.isEmpty());
}

QTEST_GUILESS_MAIN(TestChatIpMsg)
#include "tst_chatipmsg.moc"
