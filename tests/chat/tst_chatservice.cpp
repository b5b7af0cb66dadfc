// ChatService: which conversation each message belongs to, and what
// survives a restart. Whole stacks (history + endpoint + service) talk on
// loopback, next to plain UDP sockets standing for classic peers.
#include "chat/chatservice.h"
#include "chattesthelpers.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Tincan;
using namespace Tincan::Test;

namespace {

// One Tincan installation: its history file, its endpoint, its service.
struct Stack
{
    Stack(const QString &path, const QString &name, quint16 port = 0)
    {
        if (!history.open(path)) {
            qWarning("history: %s", qPrintable(history.errorString()));
            return;
        }
        endpoint = std::make_unique<ChatEndpoint>(history.selfId(), name);
        endpoint->setRetryPolicy(fastRetryPolicy());
        if (!endpoint->bind(loopback(), port, false)) {
            qWarning("bind: %s", qPrintable(endpoint->errorString()));
            return;
        }
        service = std::make_unique<ChatService>(&history, endpoint.get());
    }
    bool isReady() const { return service != nullptr; }
    ChatPeerAddress address() const { return addressOf(*endpoint); }
    QUuid id() const { return history.selfId(); }

    ChatHistory history;
    std::unique_ptr<ChatEndpoint> endpoint;
    std::unique_ptr<ChatService> service;
};

Contact contactAt(const QString &name, quint16 port, ChatProtocol protocol = ChatProtocol::Auto)
{
    Contact c;
    c.name = name;
    c.host = QStringLiteral("127.0.0.1");
    c.port = port;
    c.protocol = protocol;
    return c;
}

QList<StoredMessage> addedOf(const QSignalSpy &spy)
{
    QList<StoredMessage> messages;
    for (const QList<QVariant> &arguments : spy)
        messages.append(arguments.at(0).value<StoredMessage>());
    return messages;
}

QStringList textsOf(const QList<StoredMessage> &messages)
{
    QStringList texts;
    for (const StoredMessage &m : messages)
        texts.append(QStringLiteral("%1%2").arg(m.outgoing ? QStringLiteral("> ") : QStringLiteral("< "), m.text));
    return texts;
}

} // namespace

class TestChatService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tincanPeersAreToldApartById()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto alice = std::make_unique<Stack>(dir.filePath(QStringLiteral("alice.sqlite")), QStringLiteral("alice"));
        auto bob = std::make_unique<Stack>(dir.filePath(QStringLiteral("bob.sqlite")), QStringLiteral("bob"));
        QVERIFY(alice->isReady() && bob->isReady());
        const QUuid bobId = bob->id();

        Contact bobContact = contactAt(QStringLiteral("Bob"), bob->address().port, ChatProtocol::Tincan);
        const Expected<void> added = alice->service->addContact(bobContact);
        QVERIFY2(added, qPrintable(added.error()));
        const QString bobKey = ChatService::contactKey(bobContact.id);
        QCOMPARE(alice->service->conversationTitle(bobKey), QStringLiteral("Bob"));

        QSignalSpy aliceStates(alice->service.get(), &ChatService::messageStateChanged);
        QSignalSpy aliceAdded(alice->service.get(), &ChatService::messageAdded);
        QSignalSpy bobAdded(bob->service.get(), &ChatService::messageAdded);

        const auto sent = alice->service->send(bobKey, QStringLiteral("hello Bob"));
        QVERIFY2(sent.has_value(), qPrintable(sent.error()));
        QVERIFY(!sent->classic);
        QCOMPARE(sent->state, DeliveryState::Sending);
        QCOMPARE(sent->conversation, bobKey);
        QCOMPARE(aliceAdded.size(), 1); // shown at once, stored before it is shown
        QVERIFY(alice->history.message(sent->messageId).has_value());
        QTRY_COMPARE(lastStateOf(aliceStates, sent->messageId), DeliveryState::Delivered);
        QCOMPARE(alice->history.message(sent->messageId)->state, DeliveryState::Delivered);

        // Bob has no contact for Alice: her messages go to a conversation of her id.
        QCOMPARE(bobAdded.size(), 1);
        const StoredMessage atBob = addedOf(bobAdded).constFirst();
        const QString aliceKey = ChatService::peerKey(alice->id());
        QCOMPARE(atBob.conversation, aliceKey);
        QCOMPARE(atBob.text, QStringLiteral("hello Bob"));
        QCOMPARE(atBob.peerId, alice->id());
        QCOMPARE(bob->history.messages(aliceKey).size(), 1);
        QCOMPARE(bob->service->conversationTitle(aliceKey),
                 QStringLiteral("alice (%1)").arg(alice->address().toString()));
        QCOMPARE(bob->service->destination(aliceKey), std::optional<ChatPeerAddress>(alice->address()));

        // Bob answers in that conversation: Alice files it under the contact she wrote to,
        // and learns Bob's id.
        const auto reply = bob->service->send(aliceKey, QStringLiteral("hi Alice"));
        QVERIFY2(reply.has_value(), qPrintable(reply.error()));
        QVERIFY(!reply->classic);
        QTRY_COMPARE(aliceAdded.size(), 2);
        QCOMPARE(addedOf(aliceAdded).at(1).conversation, bobKey);
        QCOMPARE(alice->service->contact(bobContact.id)->peerId, bobId);
        QCOMPARE(alice->history.contacts().constFirst().peerId, bobId);
        QCOMPARE(textsOf(alice->history.messages(bobKey)),
                 (QStringList{QStringLiteral("> hello Bob"), QStringLiteral("< hi Alice")}));

        // Bob saves Alice as a contact: the conversation moves with its messages.
        QSignalSpy contactsChanged(bob->service.get(), &ChatService::contactsChanged);
        const Expected<QString> saved = bob->service->saveAsContact(aliceKey, QStringLiteral("Alice"));
        QVERIFY2(saved && !saved->isEmpty(), qPrintable(saved.error()));
        const QString aliceContactKey = *saved;
        QCOMPARE(contactsChanged.size(), 1);
        const auto aliceContact = bob->service->contactForConversation(aliceContactKey);
        QVERIFY(aliceContact.has_value());
        QCOMPARE(aliceContact->protocol, ChatProtocol::Tincan);
        QCOMPARE(aliceContact->peerId, alice->id());
        QCOMPARE(aliceContact->port, alice->address().port);
        QVERIFY(bob->history.messages(aliceKey).isEmpty());
        QCOMPARE(textsOf(bob->history.messages(aliceContactKey)),
                 (QStringList{QStringLiteral("< hello Bob"), QStringLiteral("> hi Alice")}));

        // Bob restarts on another port: same installation, same id, same conversation at Alice's.
        const quint16 oldPort = bob->address().port;
        bob.reset();
        bob = std::make_unique<Stack>(dir.filePath(QStringLiteral("bob.sqlite")), QStringLiteral("bob"));
        QVERIFY(bob->isReady());
        QCOMPARE(bob->id(), bobId);
        QVERIFY(bob->address().port != oldPort);
        const auto moved = bob->service->send(aliceContactKey, QStringLiteral("new port, same Bob"));
        QVERIFY2(moved.has_value(), qPrintable(moved.error()));
        QVERIFY(!moved->classic);
        QTRY_COMPARE(aliceAdded.size(), 3); // hello Bob (hers), hi Alice, new port
        const StoredMessage fromNewPort = addedOf(aliceAdded).constLast();
        QCOMPARE(fromNewPort.conversation, bobKey);
        QCOMPARE(fromNewPort.peer.port, bob->address().port);
        QCOMPARE(fromNewPort.text, QStringLiteral("new port, same Bob"));
    }

    void classicReplyGoesWhereWeLastWrote()
    {
        QTemporaryDir dir;
        RawPeer server; // a classic server, shared by two contacts as the tutorial's are
        auto alice = std::make_unique<Stack>(dir.filePath(QStringLiteral("alice.sqlite")), QStringLiteral("alice"));
        QVERIFY(dir.isValid() && server.isBound() && alice->isReady());
        Contact tom = contactAt(QStringLiteral("TOM"), server.address().port);
        Contact jack = contactAt(QStringLiteral("JACK"), server.address().port);
        QVERIFY(alice->service->addContact(tom));
        QVERIFY(alice->service->addContact(jack));
        const QString tomKey = ChatService::contactKey(tom.id);
        const QString jackKey = ChatService::contactKey(jack.id);
        QSignalSpy added(alice->service.get(), &ChatService::messageAdded);

        const auto toTom = alice->service->send(tomKey, QStringLiteral("你好 TOM"));
        QVERIFY2(toTom.has_value(), qPrintable(toTom.error()));
        QVERIFY(toTom->classic);
        QCOMPARE(toTom->state, DeliveryState::Sent);
        QTRY_COMPARE(server.received().size(), 1);
        QCOMPARE(server.received().at(0).data, QStringLiteral("你好 TOM").toUtf8());
        QVERIFY(server.sendTo(alice->address(), QByteArray("TOM here")));
        QTRY_COMPARE(added.size(), 2);
        QCOMPARE(addedOf(added).at(1).conversation, tomKey);
        QVERIFY(addedOf(added).at(1).classic);

        const auto toJack = alice->service->send(jackKey, QStringLiteral("hi JACK"));
        QVERIFY2(toJack.has_value(), qPrintable(toJack.error()));
        QTRY_COMPARE(server.received().size(), 2);
        QCOMPARE(server.received().at(1).data, QByteArray("hi JACK"));
        QVERIFY(server.sendTo(alice->address(), QByteArray("JACK here")));
        QTRY_COMPARE(added.size(), 4);
        QCOMPARE(addedOf(added).at(3).conversation, jackKey);
        // Until Alice writes elsewhere, that address's messages stay with JACK.
        QVERIFY(server.sendTo(alice->address(), QByteArray("JACK again")));
        QTRY_COMPARE(added.size(), 5);
        QCOMPARE(addedOf(added).at(4).conversation, jackKey);

        QCOMPARE(textsOf(alice->history.messages(tomKey)),
                 (QStringList{QStringLiteral("> 你好 TOM"), QStringLiteral("< TOM here")}));
        QCOMPARE(
            textsOf(alice->history.messages(jackKey)),
            (QStringList{QStringLiteral("> hi JACK"), QStringLiteral("< JACK here"), QStringLiteral("< JACK again")}));
        QCOMPARE(server.received().size(), 2); // nothing but the two texts
    }

    void unknownAddressOpensIpPortConversation()
    {
        QTemporaryDir dir;
        RawPeer stranger;
        auto alice = std::make_unique<Stack>(dir.filePath(QStringLiteral("alice.sqlite")), QStringLiteral("alice"));
        QVERIFY(dir.isValid() && stranger.isBound() && alice->isReady());
        QSignalSpy added(alice->service.get(), &ChatService::messageAdded);

        QVERIFY(stranger.sendTo(alice->address(), QStringLiteral("你好,我是陌生人").toUtf8()));
        QTRY_COMPARE(added.size(), 1);
        const StoredMessage first = addedOf(added).constFirst();
        const QString ipPort = QStringLiteral("127.0.0.1:%1").arg(stranger.address().port);
        QCOMPARE(first.conversation, QStringLiteral("addr:") + ipPort);
        QCOMPARE(first.conversation, ChatService::addressKey(stranger.address()));
        QCOMPARE(alice->service->conversationTitle(first.conversation), ipPort);
        QVERIFY(first.classic);
        QVERIFY(!first.read); // not the active conversation
        QCOMPARE(alice->history.messages(first.conversation).size(), 1);
        QCOMPARE(alice->history.conversations().constFirst().unread, 1);

        // Answering that conversation answers the stranger, in bare text.
        const auto reply = alice->service->send(first.conversation, QStringLiteral("回复"));
        QVERIFY2(reply.has_value(), qPrintable(reply.error()));
        QVERIFY(reply->classic);
        QTRY_COMPARE(stranger.received().size(), 1);
        QCOMPARE(stranger.received().at(0).data, QStringLiteral("回复").toUtf8());

        // Saved as a contact, the conversation keeps its messages under the new name.
        const Expected<QString> saved = alice->service->saveAsContact(first.conversation, QStringLiteral("陌生人"));
        QVERIFY2(saved && !saved->isEmpty(), qPrintable(saved.error()));
        const QString key = *saved;
        QVERIFY(key.startsWith(QStringLiteral("contact:")));
        QCOMPARE(alice->service->conversationTitle(key), QStringLiteral("陌生人"));
        const auto contact = alice->service->contactForConversation(key);
        QVERIFY(contact.has_value());
        QCOMPARE(contact->host, QStringLiteral("127.0.0.1"));
        QCOMPARE(contact->port, stranger.address().port);
        QCOMPARE(contact->protocol, ChatProtocol::Auto);
        QVERIFY(alice->history.messages(first.conversation).isEmpty());
        QCOMPARE(textsOf(alice->history.messages(key)),
                 (QStringList{QStringLiteral("< 你好,我是陌生人"), QStringLiteral("> 回复")}));
        QCOMPARE(alice->history.contacts().size(), 1);
        QCOMPARE(alice->history.contacts().constFirst().name, QStringLiteral("陌生人"));

        // And the stranger's next message goes there too.
        alice->service->setActiveConversation(key);
        QVERIFY(stranger.sendTo(alice->address(), QByteArray("again")));
        QTRY_COMPARE(added.size(), 3);
        QCOMPARE(addedOf(added).at(2).conversation, key);
        QVERIFY(addedOf(added).at(2).read); // the active conversation
    }

    void undeliveredSurviveRestart()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString alicePath = dir.filePath(QStringLiteral("alice.sqlite"));
        const quint16 bobPort = reserveFreePort();
        QVERIFY(bobPort != 0);
        auto alice = std::make_unique<Stack>(alicePath, QStringLiteral("alice"));
        QVERIFY(alice->isReady());
        Contact bobContact = contactAt(QStringLiteral("Bob"), bobPort, ChatProtocol::Tincan);
        QVERIFY(alice->service->addContact(bobContact));
        const QString bobKey = ChatService::contactKey(bobContact.id);

        // Bob is offline: the message fails, and the history says so.
        const auto sent = alice->service->send(bobKey, QStringLiteral("survive a restart, 一棵树"));
        QVERIFY2(sent.has_value(), qPrintable(sent.error()));
        const QUuid id = sent->messageId;
        QTRY_COMPARE(alice->history.message(id)->state, DeliveryState::Failed);

        // Alice quits and starts again (on another port).
        alice.reset();
        alice = std::make_unique<Stack>(alicePath, QStringLiteral("alice"));
        QVERIFY(alice->isReady());
        const QList<StoredMessage> kept = alice->history.messages(bobKey);
        QCOMPARE(kept.size(), 1);
        QCOMPARE(kept.at(0).messageId, id);
        QCOMPARE(kept.at(0).state, DeliveryState::Failed);
        QCOMPARE(alice->history.undelivered().size(), 1);

        QSignalSpy states(alice->service.get(), &ChatService::messageStateChanged);
        alice->service->resumeUndelivered();
        QCOMPARE(alice->endpoint->pendingCount(), 1);
        QTRY_COMPARE(lastStateOf(states, id), DeliveryState::Failed); // Bob is still away

        // Bob comes up and speaks: the queued message goes out, once.
        auto bob = std::make_unique<Stack>(dir.filePath(QStringLiteral("bob.sqlite")), QStringLiteral("bob"), bobPort);
        QVERIFY(bob->isReady());
        QSignalSpy bobAdded(bob->service.get(), &ChatService::messageAdded);
        QVERIFY(bob->endpoint->send(alice->address(), QStringLiteral("I'm up"), ChatProtocol::Tincan));
        QTRY_COMPARE(lastStateOf(states, id), DeliveryState::Delivered);
        QTRY_COMPARE(alice->history.message(id)->state, DeliveryState::Delivered);
        QVERIFY(alice->history.undelivered().isEmpty());
        QCOMPARE(alice->endpoint->pendingCount(), 0);
        QCOMPARE(bobAdded.size(), 1);
        const StoredMessage atBob = addedOf(bobAdded).constFirst();
        QCOMPARE(atBob.messageId, id);
        QCOMPARE(atBob.text, QStringLiteral("survive a restart, 一棵树"));
        QCOMPARE(atBob.peerId, alice->id());

        // Bob's hello reached Alice, in Bob's conversation (he is the contact she wrote to).
        QTRY_COMPARE(alice->history.messages(bobKey).size(), 2);
        QCOMPARE(alice->history.messages(bobKey).at(1).text, QStringLiteral("I'm up"));

        // A further restart has nothing left to resend.
        alice.reset();
        alice = std::make_unique<Stack>(alicePath, QStringLiteral("alice"));
        QVERIFY(alice->isReady());
        alice->service->resumeUndelivered();
        QCOMPARE(alice->endpoint->pendingCount(), 0);
        QCOMPARE(alice->history.message(id)->state, DeliveryState::Delivered);
    }

    void historySuppressesDuplicatesAcrossRestart()
    {
        QTemporaryDir dir;
        RawPeer replayer;
        QVERIFY(dir.isValid() && replayer.isBound());
        const QString path = dir.filePath(QStringLiteral("bob.sqlite"));
        auto bob = std::make_unique<Stack>(path, QStringLiteral("bob"));
        QVERIFY(bob->isReady());

        Chat::Envelope envelope;
        envelope.from = QUuid::createUuid();
        envelope.name = QStringLiteral("武大郎");
        envelope.messageId = QUuid::createUuid();
        envelope.text = QStringLiteral("only once");
        envelope.timestamp = QDateTime::currentMSecsSinceEpoch();
        const QByteArray datagram = Chat::encodeEnvelope(envelope);

        QSignalSpy added(bob->service.get(), &ChatService::messageAdded);
        QVERIFY(replayer.sendTo(bob->address(), datagram));
        QTRY_COMPARE(replayer.received().size(), 1); // acknowledged once stored
        QCOMPARE(added.size(), 1);
        const QString key = addedOf(added).constFirst().conversation;
        QCOMPARE(key, ChatService::peerKey(envelope.from));

        // A new endpoint remembers nothing, but the history does.
        bob.reset();
        bob = std::make_unique<Stack>(path, QStringLiteral("bob"));
        QVERIFY(bob->isReady());
        QSignalSpy addedAgain(bob->service.get(), &ChatService::messageAdded);
        QVERIFY(replayer.sendTo(bob->address(), datagram));
        QTRY_COMPARE(replayer.received().size(), 2); // acknowledged again ...
        QCOMPARE(addedAgain.size(), 0);              // ... not shown again
        QCOMPARE(bob->history.messages(key).size(), 1);
        QCOMPARE(bob->history.messages(key).constFirst().text, QStringLiteral("only once"));
    }
};

QTEST_GUILESS_MAIN(TestChatService)
#include "tst_chatservice.moc"
