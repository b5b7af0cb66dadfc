// ChatEndpoint told about a peer from outside its socket (presence, IP
// Messenger): Auto turns reliable for a Tincan peer, queued messages go out at
// once, and the endpoint's own address is refused rather than looped back.
#include "chattesthelpers.h"

#include "net/chat/chatendpoint.h"

#include <QSignalSpy>
#include <QTest>

using namespace Tincan;
using namespace Tincan::Test;

class TestChatPeerSeen : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void autoBetweenTincansBecomesReliable()
    {
        auto alice = makeEndpoint(QStringLiteral("alice"));
        auto bob = makeEndpoint(QStringLiteral("bob"));
        QVERIFY(alice && bob);
        QSignalSpy states(alice.get(), &ChatEndpoint::deliveryStateChanged);
        QSignalSpy received(bob.get(), &ChatEndpoint::messageReceived);

        // Unknown: Auto is classic, as the tutorial's peers need.
        QCOMPARE(alice->resolve(addressOf(*bob), ChatProtocol::Auto), ChatProtocol::Classic);
        alice->peerHeard(addressOf(*bob), true);
        QCOMPARE(alice->resolve(addressOf(*bob), ChatProtocol::Auto), ChatProtocol::Tincan);

        const Expected<QUuid> sent = alice->send(addressOf(*bob), QStringLiteral("hi bob"), ChatProtocol::Auto);
        QVERIFY2(sent, qPrintable(sent.error()));
        QTRY_COMPARE(lastStateOf(states, *sent), DeliveryState::Delivered);
        QCOMPARE(received.size(), 1);
        const ChatMessage message = messagesOf(received).constFirst();
        QVERIFY(!message.classic);
        QCOMPARE(message.peerName, QStringLiteral("alice"));
        // Bob now knows Alice speaks Tincan: his answer is reliable too.
        QCOMPARE(bob->resolve(addressOf(*alice), ChatProtocol::Auto), ChatProtocol::Tincan);
    }

    void peerHeardSendsQueuedMessagesAtOnce_data()
    {
        QTest::addColumn<bool>("speaksTincan");
        QTest::newRow("presence") << true;
        QTest::newRow("any datagram") << false;
    }

    void peerHeardSendsQueuedMessagesAtOnce()
    {
        QFETCH(bool, speaksTincan);
        const quint16 bobPort = reserveFreePort();
        QVERIFY(bobPort != 0);
        auto alice = makeEndpoint(QStringLiteral("alice"));
        QVERIFY(alice);
        QSignalSpy states(alice.get(), &ChatEndpoint::deliveryStateChanged);
        const ChatPeerAddress bobAddress{loopback(), bobPort};
        const Expected<QUuid> sent = alice->send(bobAddress, QStringLiteral("later"), ChatProtocol::Tincan);
        QVERIFY2(sent, qPrintable(sent.error()));
        QTRY_COMPARE(lastStateOf(states, *sent), DeliveryState::Failed);

        auto bob = makeEndpoint(QStringLiteral("bob"), bobPort);
        QVERIFY(bob);
        QSignalSpy received(bob.get(), &ChatEndpoint::messageReceived);
        // Bob never writes; hearing of him is enough.
        alice->peerHeard(bobAddress, speaksTincan);
        QTRY_COMPARE(lastStateOf(states, *sent), DeliveryState::Delivered);
        QCOMPARE(received.size(), 1);
        QCOMPARE(messagesOf(received).constFirst().text, QStringLiteral("later"));
        // Someone else heard: nothing of Alice's is sent to them.
        alice->peerHeard({loopback(), quint16(bobPort == 65535 ? 1 : bobPort + 1)}, speaksTincan);
        QCOMPARE(alice->pendingCount(), 0);
    }

    void ownAddressIsRefused_data()
    {
        QTest::addColumn<int>("protocol");
        QTest::newRow("auto") << int(ChatProtocol::Auto);
        QTest::newRow("classic") << int(ChatProtocol::Classic);
        QTest::newRow("tincan") << int(ChatProtocol::Tincan);
    }

    void ownAddressIsRefused()
    {
        QFETCH(int, protocol);
        auto alice = makeEndpoint(QStringLiteral("alice"));
        QVERIFY(alice);
        QSignalSpy received(alice.get(), &ChatEndpoint::messageReceived);
        QVERIFY(alice->isOwnAddress(addressOf(*alice)));
        QVERIFY(alice->isOwnAddress({QHostAddress(QStringLiteral("127.0.0.1")), alice->localPort()}));
        QVERIFY(!alice->isOwnAddress({loopback(), quint16(alice->localPort() + 1)}));
        const Expected<QUuid> sent = alice->send(addressOf(*alice), QStringLiteral("hello me"), ChatProtocol(protocol));
        QVERIFY(!sent);
        QVERIFY(sent.error().contains(addressOf(*alice).toString()));
        QCOMPARE(alice->pendingCount(), 0);
        QTest::qWait(100);
        QCOMPARE(received.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestChatPeerSeen)
#include "tst_chatpeerseen.moc"
