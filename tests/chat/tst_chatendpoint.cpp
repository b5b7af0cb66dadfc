// ChatEndpoint on loopback: Tincan peers get reliable, acknowledged,
// deduplicated delivery; classic peers (plain UDP sockets written from the
// byte description) get exactly their bare text and nothing unasked.
#include "chattesthelpers.h"

#include "net/chat/chatendpoint.h"
#include "net/chat/chatenvelope.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QUdpSocket>

using namespace Tincan;
using namespace Tincan::Test;

namespace {

QString repeated(const QString &piece, qsizetype count)
{
    QString text;
    text.reserve(piece.size() * count);
    for (qsizetype i = 0; i < count; ++i)
        text += piece;
    return text;
}

// Exactly Chat::MaxTextBytes of UTF-8, mostly 3-byte characters.
QString longestText()
{
    return repeated(QStringLiteral("树"), Chat::MaxTextBytes / 3) + QStringLiteral("ok");
}

Chat::Envelope messageEnvelope(const QUuid &from, const QUuid &messageId, const QString &text)
{
    Chat::Envelope envelope;
    envelope.type = Chat::EnvelopeType::Message;
    envelope.from = from;
    envelope.name = QStringLiteral("replayer");
    envelope.messageId = messageId;
    envelope.text = text;
    envelope.timestamp = QDateTime::currentMSecsSinceEpoch();
    return envelope;
}

// A UDP relay between A and B that loses, duplicates and reorders
// datagrams, from a seeded generator. A talks to facingA(); the relay
// forwards to B from its second socket, so B answers the relay, which
// forwards back to A.
class LossyRelay
{
public:
    struct Stats
    {
        int forwarded = 0;
        int dropped = 0;
        int duplicated = 0;
        int delayed = 0;
    };

    LossyRelay(const ChatPeerAddress &b, quint32 seed)
        : m_b(b)
        , m_random(seed)
    {
        m_ok = m_facingA.bind(loopback(), 0) && m_facingB.bind(loopback(), 0);
        QObject::connect(&m_facingA, &QUdpSocket::readyRead, &m_facingA, [this] {
            while (m_facingA.hasPendingDatagrams()) {
                const QNetworkDatagram datagram = m_facingA.receiveDatagram();
                m_a = {loopback(), quint16(datagram.senderPort())};
                pass(datagram.data(), m_facingB, m_b);
            }
        });
        QObject::connect(&m_facingB, &QUdpSocket::readyRead, &m_facingB, [this] {
            while (m_facingB.hasPendingDatagrams()) {
                const QNetworkDatagram datagram = m_facingB.receiveDatagram();
                if (m_a.port != 0)
                    pass(datagram.data(), m_facingA, m_a);
            }
        });
    }
    Q_DISABLE_COPY_MOVE(LossyRelay)

    bool isReady() const { return m_ok; }
    ChatPeerAddress facingA() const { return {loopback(), m_facingA.localPort()}; }
    const Stats &stats() const { return m_stats; }

private:
    void pass(const QByteArray &data, QUdpSocket &out, const ChatPeerAddress &to)
    {
        const quint32 roll = m_random.bounded(100u);
        if (roll < 20) { // lost
            ++m_stats.dropped;
            return;
        }
        if (roll < 30) { // duplicated: once now, once a little later
            ++m_stats.duplicated;
            write(data, out, to);
            const int later = int(m_random.bounded(1u, 30u));
            QTimer::singleShot(later, &out, [this, data, &out, to] { write(data, out, to); });
            return;
        }
        if (roll < 45) { // held back, so that later datagrams overtake it
            ++m_stats.delayed;
            const int later = int(m_random.bounded(5u, 60u));
            QTimer::singleShot(later, &out, [this, data, &out, to] { write(data, out, to); });
            return;
        }
        write(data, out, to);
    }
    void write(const QByteArray &data, QUdpSocket &out, const ChatPeerAddress &to)
    {
        ++m_stats.forwarded;
        out.writeDatagram(data, to.address, to.port);
    }

    QUdpSocket m_facingA;
    QUdpSocket m_facingB;
    ChatPeerAddress m_a;
    ChatPeerAddress m_b;
    QRandomGenerator m_random;
    Stats m_stats;
    bool m_ok = false;
};

} // namespace

class TestChatEndpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // ---- Tincan peers -------------------------------------------------------

    void tincanMessageIsDeliveredOnce_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("ascii") << QStringLiteral("hello, bob");
        QTest::newRow("chinese") << QStringLiteral("一棵树 对 武大郎 说: 你好");
        QTest::newRow("empty") << QString();
        QTest::newRow("newlines and emoji") << QStringLiteral("a\nb\r\n😀");
        QTest::newRow("exactly 32 KiB") << longestText();
    }
    void tincanMessageIsDeliveredOnce()
    {
        QFETCH(QString, text);
        auto alice = makeEndpoint(QStringLiteral("alice"));
        auto bob = makeEndpoint(QStringLiteral("bob"));
        QVERIFY(alice && bob);
        QSignalSpy received(bob.get(), &ChatEndpoint::messageReceived);
        QSignalSpy states(alice.get(), &ChatEndpoint::deliveryStateChanged);
        QSignalSpy aliceSeen(bob.get(), &ChatEndpoint::peerSeen);
        QSignalSpy bobSeen(alice.get(), &ChatEndpoint::peerSeen);

        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const Expected<QUuid> sent = alice->send(addressOf(*bob), text, ChatProtocol::Tincan);
        QVERIFY2(sent, qPrintable(sent.error()));
        const QUuid id = *sent;
        QCOMPARE(alice->pendingState(id), DeliveryState::Sending);

        QTRY_COMPARE(lastStateOf(states, id), DeliveryState::Delivered);
        QCOMPARE(statesOf(states, id).constFirst(), DeliveryState::Sending);
        QCOMPARE(alice->pendingCount(), 0);
        QVERIFY(!alice->pendingState(id));

        QCOMPARE(received.size(), 1);
        const ChatMessage message = messagesOf(received).constFirst();
        QCOMPARE(message.id, id);
        QCOMPARE(message.peerId, alice->selfId());
        QCOMPARE(message.peerName, QStringLiteral("alice"));
        QCOMPARE(message.from, addressOf(*alice));
        QCOMPARE(message.text, text);
        QVERIFY(!message.classic);
        QVERIFY(message.time.toMSecsSinceEpoch() >= before);
        QVERIFY(message.time.toMSecsSinceEpoch() <= QDateTime::currentMSecsSinceEpoch());

        // Each now knows the other as a Tincan peer, by id and name.
        QVERIFY(bob->isTincanPeer(addressOf(*alice)));
        QCOMPARE(bob->resolve(addressOf(*alice), ChatProtocol::Auto), ChatProtocol::Tincan);
        QVERIFY(alice->isTincanPeer(addressOf(*bob)));
        QVERIFY(!aliceSeen.isEmpty());
        QCOMPARE(aliceSeen.constFirst().at(0).value<QUuid>(), alice->selfId());
        QCOMPARE(aliceSeen.constFirst().at(1).toString(), QStringLiteral("alice"));
        QVERIFY(!bobSeen.isEmpty());
        QCOMPARE(bobSeen.constFirst().at(0).value<QUuid>(), bob->selfId());

        // A second message is also shown once, and the first not again.
        const Expected<QUuid> sentSecond = alice->send(addressOf(*bob), QStringLiteral("second"), ChatProtocol::Auto);
        QVERIFY2(sentSecond, qPrintable(sentSecond.error()));
        const QUuid second = *sentSecond;
        QTRY_COMPARE(lastStateOf(states, second), DeliveryState::Delivered);
        QCOMPARE(received.size(), 2);
        QCOMPARE(messagesOf(received).at(1).text, QStringLiteral("second"));
    }

    // ---- classic peers: exactly the tutorial's bytes -------------------------

    void classicServerGetsBareTextAndNothingElse()
    {
        RawPeer server; // the tutorial's classic server
        QVERIFY(server.isBound());
        auto alice = makeEndpoint(QStringLiteral("alice"));
        QVERIFY(alice);
        QSignalSpy states(alice.get(), &ChatEndpoint::deliveryStateChanged);
        QSignalSpy received(alice.get(), &ChatEndpoint::messageReceived);

        const QString text = QStringLiteral("你好,TOM");
        // Never heard from: Auto means classic.
        QCOMPARE(alice->resolve(server.address(), ChatProtocol::Auto), ChatProtocol::Classic);
        const Expected<QUuid> sent = alice->send(server.address(), text, ChatProtocol::Auto);
        QVERIFY2(sent, qPrintable(sent.error()));
        const QUuid id = *sent;
        QTRY_COMPARE(server.received().size(), 1);
        QCOMPARE(server.received().at(0).data, text.toUtf8());
        QCOMPARE(server.received().at(0).from.port, alice->localPort());
        QTRY_COMPARE(lastStateOf(states, id), DeliveryState::Sent);
        QCOMPARE(statesOf(states, id).size(), 1); // nothing to wait for: never Sending
        QCOMPARE(alice->pendingCount(), 0);

        // The operator types a reply; it is shown as classic and not answered.
        QVERIFY(server.sendTo(addressOf(*alice), QStringLiteral("来自服务器的回复").toUtf8()));
        QTRY_COMPARE(received.size(), 1);
        const ChatMessage reply = messagesOf(received).constFirst();
        QVERIFY(reply.classic);
        QCOMPARE(reply.text, QStringLiteral("来自服务器的回复"));
        QCOMPARE(reply.from, server.address());
        QVERIFY(!alice->isTincanPeer(server.address()));

        // Then nothing: no ack, no retry, no probe, for three retry schedules.
        QTest::qWait(absenceWaitMs());
        QCOMPARE(server.received().size(), 1);
        QCOMPARE(statesOf(states, id).size(), 1);
    }

    void classicBytes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("protocol");
        QTest::newRow("ascii, auto") << QStringLiteral("hello") << int(ChatProtocol::Auto);
        QTest::newRow("chinese, classic") << QStringLiteral("一棵树") << int(ChatProtocol::Classic);
        QTest::newRow("emoji, classic") << QStringLiteral("😀 ok") << int(ChatProtocol::Classic);
        QTest::newRow("exactly 32 KiB, classic") << longestText() << int(ChatProtocol::Classic);
    }
    void classicBytes()
    {
        QFETCH(QString, text);
        QFETCH(int, protocol);
        RawPeer server;
        auto alice = makeEndpoint(QStringLiteral("alice"));
        QVERIFY(server.isBound() && alice);
        const Expected<QUuid> sent = alice->send(server.address(), text, ChatProtocol(protocol));
        QVERIFY2(sent, qPrintable(sent.error()));
        QTRY_COMPARE(server.received().size(), 1);
        QCOMPARE(server.received().at(0).data, text.toUtf8());
    }

    void classicClientIsShownAndNotAnswered()
    {
        RawPeer client; // the tutorial's classic client
        auto alice = makeEndpoint(QStringLiteral("alice"));
        QVERIFY(client.isBound() && alice);
        QSignalSpy received(alice.get(), &ChatEndpoint::messageReceived);

        QVERIFY(client.sendTo(addressOf(*alice), QStringLiteral("hi 武大郎").toUtf8()));
        QTRY_COMPARE(received.size(), 1);
        const ChatMessage message = messagesOf(received).constFirst();
        QVERIFY(message.classic);
        QCOMPARE(message.text, QStringLiteral("hi 武大郎"));
        QCOMPARE(message.from, client.address());
        QVERIFY(message.peerId.isNull());
        QVERIFY(message.peerName.isEmpty());
        QVERIFY(!message.id.isNull());
        QVERIFY(!alice->isTincanPeer(client.address()));

        // The classic client blocks for one datagram: it must get nothing until the owner answers.
        QTest::qWait(absenceWaitMs());
        QCOMPARE(client.received().size(), 0);

        const Expected<QUuid> sent = alice->send(client.address(), QStringLiteral("reply"), ChatProtocol::Auto);
        QVERIFY2(sent, qPrintable(sent.error()));
        QTRY_COMPARE(client.received().size(), 1);
        QCOMPARE(client.received().at(0).data, QByteArray("reply"));
    }

    void invalidUtf8FromClassicPeerIsShown_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("prefix");
        QTest::addColumn<QString>("suffix");
        QTest::newRow("bad byte") << QByteArray("ok\xFF\xFE"
                                                "end")
                                  << QStringLiteral("ok") << QStringLiteral("end");
        QTest::newRow("GBK") << QByteArray("\xC4\xE3\xBA\xC3") << QString() << QString();
        QTest::newRow("truncated character at the end")
            << QByteArray("abc\xE4\xB8") << QStringLiteral("abc") << QString();
    }
    void invalidUtf8FromClassicPeerIsShown()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, prefix);
        QFETCH(QString, suffix);
        RawPeer client;
        auto alice = makeEndpoint(QStringLiteral("alice"));
        QVERIFY(client.isBound() && alice);
        QSignalSpy received(alice.get(), &ChatEndpoint::messageReceived);
        QVERIFY(client.sendTo(addressOf(*alice), bytes));
        QTRY_COMPARE(received.size(), 1);
        const ChatMessage message = messagesOf(received).constFirst();
        QVERIFY(message.classic);
        QVERIFY2(message.text.startsWith(prefix), qPrintable(message.text));
        QVERIFY2(message.text.endsWith(suffix), qPrintable(message.text));
        QVERIFY2(message.text.contains(QChar::ReplacementCharacter), qPrintable(message.text));
        // Every bad sequence shows: nothing at the end goes missing.
        QVERIFY(message.text.size() > prefix.size() + suffix.size());
        if (suffix.isEmpty())
            QVERIFY(message.text.endsWith(QChar::ReplacementCharacter));
    }

    // ---- hostile and oversized input -----------------------------------------

    void malformedTincanDatagramIsRejected_data()
    {
        QTest::addColumn<QByteArray>("datagram");
        QTest::newRow("marker only") << QByteArray(1, '\0');
        QTest::newRow("wrong version") << QByteArray("\x00\x02\xA0", 3);
        QTest::newRow("garbage CBOR") << QByteArray("\x00\x01\xFF\xFF garbage", 12);
        QTest::newRow("CBOR array") << QByteArray("\x00\x01\x81\x01", 4);
        QTest::newRow("message without sender") << QByteArray("\x00\x01\xA2\x64type\x63msg\x64text\x62hi", 20);
    }
    void malformedTincanDatagramIsRejected()
    {
        QFETCH(QByteArray, datagram);
        RawPeer hostile;
        auto alice = makeEndpoint(QStringLiteral("alice"));
        auto bob = makeEndpoint(QStringLiteral("bob"));
        QVERIFY(hostile.isBound() && alice && bob);
        QSignalSpy rejected(alice.get(), &ChatEndpoint::datagramRejected);
        QSignalSpy received(alice.get(), &ChatEndpoint::messageReceived);
        QSignalSpy bobStates(bob.get(), &ChatEndpoint::deliveryStateChanged);

        QVERIFY(hostile.sendTo(addressOf(*alice), datagram));
        QTRY_COMPARE(rejected.size(), 1);
        QCOMPARE(rejected.constFirst().at(0).value<ChatPeerAddress>(), hostile.address());
        QVERIFY(!rejected.constFirst().at(1).toString().isEmpty());
        // Not a Tincan peer: a later message to it stays classic.
        QVERIFY(!alice->isTincanPeer(hostile.address()));

        // And the endpoint keeps serving everyone else.
        const Expected<QUuid> sent = bob->send(addressOf(*alice), QStringLiteral("still there?"), ChatProtocol::Tincan);
        QVERIFY2(sent, qPrintable(sent.error()));
        const QUuid id = *sent;
        QTRY_COMPARE(lastStateOf(bobStates, id), DeliveryState::Delivered);
        QCOMPARE(received.size(), 1);
        QCOMPARE(messagesOf(received).constFirst().text, QStringLiteral("still there?"));
        QCOMPARE(hostile.received().size(), 0); // no ack to garbage
    }

    void tooLongTextIsRefused_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("protocol");
        const QString ascii = repeated(QStringLiteral("a"), Chat::MaxTextBytes + 1);
        const QString tree = repeated(QStringLiteral("树"), Chat::MaxTextBytes / 3 + 1);
        QTest::newRow("one byte over, tincan") << ascii << int(ChatProtocol::Tincan);
        QTest::newRow("one byte over, classic") << ascii << int(ChatProtocol::Classic);
        QTest::newRow("one byte over, auto") << ascii << int(ChatProtocol::Auto);
        QTest::newRow("3-byte characters, tincan") << tree << int(ChatProtocol::Tincan);
        QTest::newRow("64 KiB, classic") << repeated(QStringLiteral("b"), 64 * 1024) << int(ChatProtocol::Classic);
    }
    void tooLongTextIsRefused()
    {
        QFETCH(QString, text);
        QFETCH(int, protocol);
        RawPeer peer;
        auto alice = makeEndpoint(QStringLiteral("alice"));
        QVERIFY(peer.isBound() && alice);
        QSignalSpy states(alice.get(), &ChatEndpoint::deliveryStateChanged);
        const Expected<QUuid> refused = alice->send(peer.address(), text, ChatProtocol(protocol));
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QString::number(Chat::MaxTextBytes)), qPrintable(refused.error()));
        QCOMPARE(alice->pendingCount(), 0);
        // Refused before the wire: a following short message is the first datagram.
        QVERIFY(alice->send(peer.address(), QStringLiteral("short"), ChatProtocol::Classic));
        QTRY_COMPARE(peer.received().size(), 1);
        QCOMPARE(peer.received().at(0).data, QByteArray("short"));
    }

    void sendWithoutSocketIsRefused()
    {
        ChatEndpoint endpoint(QUuid::createUuid(), QStringLiteral("nobody"));
        QVERIFY(!endpoint.isBound());
        const Expected<QUuid> refused = endpoint.send({loopback(), 9}, QStringLiteral("hi"), ChatProtocol::Tincan);
        QVERIFY(!refused);
        QVERIFY(!refused.error().isEmpty());
        QCOMPARE(endpoint.pendingCount(), 0);
    }

    // ---- reliability ----------------------------------------------------------

    void lossyRelayDeliversEverythingOnce()
    {
        constexpr int Count = 100;
        // More tries than the default: at 20% loss each way, six tries lose about one message in 500.
        const ChatEndpoint::RetryPolicy patient{15ms, 10};
        auto alice = makeEndpoint(QStringLiteral("alice"), 0, patient);
        auto bob = makeEndpoint(QStringLiteral("bob"), 0, patient);
        QVERIFY(alice && bob);
        LossyRelay relay(addressOf(*bob), 20240601);
        QVERIFY(relay.isReady());

        QSignalSpy received(bob.get(), &ChatEndpoint::messageReceived);
        QHash<QUuid, DeliveryState> state;
        int delivered = 0;
        connect(alice.get(), &ChatEndpoint::deliveryStateChanged, this, [&](const QUuid &id, DeliveryState s) {
            if (s == DeliveryState::Delivered && state.value(id) != DeliveryState::Delivered)
                ++delivered;
            state.insert(id, s);
        });

        QSet<QString> sent;
        QList<QUuid> ids;
        for (int i = 0; i < Count; ++i) {
            const QString text = QStringLiteral("message %1 给一棵树").arg(i);
            const Expected<QUuid> sending = alice->send(relay.facingA(), text, ChatProtocol::Tincan);
            QVERIFY2(sending, qPrintable(sending.error()));
            const QUuid id = *sending;
            sent.insert(text);
            ids.append(id);
        }

        QTRY_VERIFY_WITH_TIMEOUT(delivered == Count, 30000);
        for (const QUuid &id : std::as_const(ids))
            QCOMPARE(state.value(id), DeliveryState::Delivered);
        QCOMPARE(alice->pendingCount(), 0);

        // Every message shown exactly once, whatever the relay did to it.
        const QList<ChatMessage> messages = messagesOf(received);
        QCOMPARE(messages.size(), Count);
        QSet<QString> shown;
        QSet<QUuid> shownIds;
        for (const ChatMessage &message : messages) {
            shown.insert(message.text);
            shownIds.insert(message.id);
            QCOMPARE(message.peerId, alice->selfId());
        }
        QCOMPARE(shown, sent);
        QCOMPARE(shownIds.size(), Count);

        // The relay really was lossy.
        QVERIFY(relay.stats().dropped > 0);
        QVERIFY(relay.stats().duplicated > 0);
        QVERIFY(relay.stats().delayed > 0);
    }

    void offlinePeerGetsFailedMessageWhenBack()
    {
        const quint16 bobPort = reserveFreePort();
        QVERIFY(bobPort != 0);
        auto alice = makeEndpoint(QStringLiteral("alice"));
        QVERIFY(alice);
        QSignalSpy states(alice.get(), &ChatEndpoint::deliveryStateChanged);

        const Expected<QUuid> sent
            = alice->send({loopback(), bobPort}, QStringLiteral("are you there?"), ChatProtocol::Tincan);
        QVERIFY2(sent, qPrintable(sent.error()));
        const QUuid id = *sent;
        QTRY_COMPARE(lastStateOf(states, id), DeliveryState::Failed);
        QCOMPARE(statesOf(states, id), (QList<DeliveryState>{DeliveryState::Sending, DeliveryState::Failed}));
        // Failed, but kept.
        QCOMPARE(alice->pendingState(id), DeliveryState::Failed);
        QCOMPARE(alice->pendingCount(), 1);

        // Bob comes up; nothing arrives until he speaks (the retries are over).
        auto bob = makeEndpoint(QStringLiteral("bob"), bobPort);
        QVERIFY(bob);
        QSignalSpy bobReceived(bob.get(), &ChatEndpoint::messageReceived);
        QSignalSpy bobStates(bob.get(), &ChatEndpoint::deliveryStateChanged);
        const Expected<QUuid> sentHello
            = bob->send(addressOf(*alice), QStringLiteral("I'm back"), ChatProtocol::Tincan);
        QVERIFY2(sentHello, qPrintable(sentHello.error()));
        const QUuid hello = *sentHello;

        // Hearing from Bob, Alice resends the failed message at once.
        QTRY_COMPARE(lastStateOf(states, id), DeliveryState::Delivered);
        QTRY_COMPARE(lastStateOf(bobStates, hello), DeliveryState::Delivered);
        QCOMPARE(bobReceived.size(), 1);
        QCOMPARE(messagesOf(bobReceived).constFirst().id, id);
        QCOMPARE(messagesOf(bobReceived).constFirst().text, QStringLiteral("are you there?"));
        QCOMPARE(alice->pendingCount(), 0);
        QCOMPARE(statesOf(states, id).constLast(), DeliveryState::Delivered);
        QVERIFY(statesOf(states, id).contains(DeliveryState::Sending));
    }

    void retryOfFailedMessage()
    {
        const quint16 bobPort = reserveFreePort();
        QVERIFY(bobPort != 0);
        auto alice = makeEndpoint(QStringLiteral("alice"));
        QVERIFY(alice);
        QSignalSpy states(alice.get(), &ChatEndpoint::deliveryStateChanged);
        const Expected<QUuid> sent
            = alice->send({loopback(), bobPort}, QStringLiteral("retry me"), ChatProtocol::Tincan);
        QVERIFY2(sent, qPrintable(sent.error()));
        const QUuid id = *sent;
        QTRY_COMPARE(lastStateOf(states, id), DeliveryState::Failed);

        QVERIFY(!alice->retry(QUuid::createUuid())); // unknown id

        auto bob = makeEndpoint(QStringLiteral("bob"), bobPort);
        QVERIFY(bob);
        QSignalSpy bobReceived(bob.get(), &ChatEndpoint::messageReceived);
        QVERIFY(alice->retry(id));
        QCOMPARE(alice->pendingState(id), DeliveryState::Sending);
        QTRY_COMPARE(lastStateOf(states, id), DeliveryState::Delivered);
        QCOMPARE(statesOf(states, id),
                 (QList<DeliveryState>{DeliveryState::Sending, DeliveryState::Failed, DeliveryState::Sending,
                                       DeliveryState::Delivered}));
        QCOMPARE(bobReceived.size(), 1);
        QCOMPARE(messagesOf(bobReceived).constFirst().text, QStringLiteral("retry me"));
        QVERIFY(!alice->retry(id)); // delivered: nothing left to retry
    }

    void forgetStopsRetries()
    {
        const quint16 bobPort = reserveFreePort();
        auto alice = makeEndpoint(QStringLiteral("alice"));
        QVERIFY(alice && bobPort != 0);
        QSignalSpy states(alice.get(), &ChatEndpoint::deliveryStateChanged);
        const Expected<QUuid> sent
            = alice->send({loopback(), bobPort}, QStringLiteral("never mind"), ChatProtocol::Tincan);
        QVERIFY(sent);
        const QUuid id = *sent;
        alice->forget(id);
        QCOMPARE(alice->pendingCount(), 0);
        QVERIFY(!alice->pendingState(id));
        QVERIFY(!alice->retry(id));
    }

    void noAckUntilStored()
    {
        const ChatEndpoint::RetryPolicy policy{30ms, 8};
        auto alice = makeEndpoint(QStringLiteral("alice"), 0, policy);
        auto bob = makeEndpoint(QStringLiteral("bob"), 0, policy);
        QVERIFY(alice && bob);
        constexpr int Failures = 3;
        int calls = 0;
        bob->setAcceptor([&calls](const ChatMessage &) {
            ++calls;
            return calls <= Failures ? ChatEndpoint::AcceptResult::Failed : ChatEndpoint::AcceptResult::Stored;
        });
        QSignalSpy received(bob.get(), &ChatEndpoint::messageReceived);
        int callsWhenDelivered = -1;
        connect(alice.get(), &ChatEndpoint::deliveryStateChanged, this, [&](const QUuid &, DeliveryState state) {
            if (state == DeliveryState::Delivered)
                callsWhenDelivered = calls;
        });

        const Expected<QUuid> sent = alice->send(addressOf(*bob), QStringLiteral("store me"), ChatProtocol::Tincan);
        QVERIFY2(sent, qPrintable(sent.error()));
        const QUuid id = *sent;
        QTRY_VERIFY(callsWhenDelivered != -1);
        // Not acknowledged while the store failed: the sender had to try again each time.
        QVERIFY2(callsWhenDelivered > Failures, QByteArray::number(callsWhenDelivered).constData());
        QCOMPARE(received.size(), 1);
        QCOMPARE(messagesOf(received).constFirst().text, QStringLiteral("store me"));
        QCOMPARE(alice->pendingCount(), 0);
    }

    void replayedEnvelopeIsShownOnce()
    {
        RawPeer replayer;
        auto bob = makeEndpoint(QStringLiteral("bob"));
        QVERIFY(replayer.isBound() && bob);
        QSignalSpy received(bob.get(), &ChatEndpoint::messageReceived);
        const QUuid from = QUuid::createUuid();
        const QUuid id = QUuid::createUuid();
        const QByteArray datagram = Chat::encodeEnvelope(messageEnvelope(from, id, QStringLiteral("once")));

        constexpr int Copies = 3;
        for (int i = 0; i < Copies; ++i)
            QVERIFY(replayer.sendTo(addressOf(*bob), datagram));
        // Every copy is acknowledged (an ack may have been lost) ...
        QTRY_COMPARE(replayer.received().size(), Copies);
        for (const RawPeer::Datagram &ack : replayer.received()) {
            const auto envelope = Chat::EnvelopeDecoder::decode(ack.data);
            QVERIFY2(envelope.has_value(), qPrintable(envelope.error()));
            QCOMPARE(envelope->type, Chat::EnvelopeType::Ack);
            QCOMPARE(envelope->messageId, id);
            QCOMPARE(envelope->from, bob->selfId());
        }
        // ... and shown once.
        QCOMPARE(received.size(), 1);
        QCOMPARE(messagesOf(received).constFirst().text, QStringLiteral("once"));

        // The same message id from another sender is another message.
        QVERIFY(replayer.sendTo(
            addressOf(*bob), Chat::encodeEnvelope(messageEnvelope(QUuid::createUuid(), id, QStringLiteral("other")))));
        QTRY_COMPARE(received.size(), 2);
        QTRY_COMPARE(replayer.received().size(), Copies + 1);
    }

    // ---- binding ----------------------------------------------------------------

    void bindToTakenPort()
    {
        QUdpSocket taker;
        QVERIFY(taker.bind(loopback(), 0));
        const quint16 taken = taker.localPort();

        ChatEndpoint strict(QUuid::createUuid(), QStringLiteral("strict"));
        QVERIFY(!strict.bind(loopback(), taken, false));
        QVERIFY(!strict.isBound());
        QVERIFY2(strict.errorString().contains(QStringLiteral("in use")), qPrintable(strict.errorString()));
        QVERIFY(strict.errorString().contains(QString::number(taken)));
        QVERIFY(!strict.boundToFallbackPort());

        ChatEndpoint flexible(QUuid::createUuid(), QStringLiteral("flexible"));
        flexible.setRetryPolicy(fastRetryPolicy());
        QVERIFY2(flexible.bind(loopback(), taken, true), qPrintable(flexible.errorString()));
        QVERIFY(flexible.isBound());
        QVERIFY(flexible.boundToFallbackPort());
        QVERIFY(flexible.localPort() != 0);
        QVERIFY(flexible.localPort() != taken);
        QVERIFY2(flexible.errorString().contains(QString::number(flexible.localPort())),
                 qPrintable(flexible.errorString()));

        // The fallback port works.
        RawPeer client;
        QSignalSpy received(&flexible, &ChatEndpoint::messageReceived);
        QVERIFY(client.sendTo(addressOf(flexible), QByteArray("on the other port")));
        QTRY_COMPARE(received.size(), 1);

        // A free port is no fallback.
        ChatEndpoint plain(QUuid::createUuid(), QStringLiteral("plain"));
        const quint16 free = reserveFreePort();
        QVERIFY(plain.bind(loopback(), free, true));
        QCOMPARE(plain.localPort(), free);
        QVERIFY(!plain.boundToFallbackPort());
    }

    void floodIsSurvived()
    {
        constexpr int Count = 5000;
        RawPeer flooder;
        auto alice = makeEndpoint(QStringLiteral("alice"));
        auto bob = makeEndpoint(QStringLiteral("bob"));
        QVERIFY(flooder.isBound() && alice && bob);
        QSignalSpy received(alice.get(), &ChatEndpoint::messageReceived);
        QSignalSpy rejected(alice.get(), &ChatEndpoint::datagramRejected);

        QRandomGenerator random(7);
        for (int i = 0; i < Count; ++i) {
            QByteArray datagram;
            switch (i % 3) {
            case 0:
                datagram = QByteArray("flood ") + QByteArray::number(i);
                break;
            case 1: // hostile: Tincan marker, then noise
                datagram = QByteArray(1, '\0');
                for (quint32 n = random.bounded(1u, 64u); n > 0; --n)
                    datagram.append(char(random.bounded(256u)));
                break;
            default:
                datagram = Chat::encodeEnvelope(
                    messageEnvelope(QUuid::createUuid(), QUuid::createUuid(), QStringLiteral("envelope %1").arg(i)));
            }
            flooder.sendTo(addressOf(*alice), datagram);
            if (i % 200 == 0) // let the endpoint read, as a real peer's kernel would interleave
                QCoreApplication::processEvents();
        }
        // It took what the kernel kept, and is still there for others.
        QTRY_VERIFY(received.size() + rejected.size() > 0);
        QSignalSpy bobStates(bob.get(), &ChatEndpoint::deliveryStateChanged);
        const Expected<QUuid> sent
            = bob->send(addressOf(*alice), QStringLiteral("after the flood"), ChatProtocol::Tincan);
        QVERIFY2(sent, qPrintable(sent.error()));
        const QUuid id = *sent;
        QTRY_COMPARE_WITH_TIMEOUT(lastStateOf(bobStates, id), DeliveryState::Delivered, 10000);
        QVERIFY(alice->isBound());
        QVERIFY(received.size() + rejected.size() <= Count + 1);
        bool found = false;
        for (const ChatMessage &message : messagesOf(received))
            found = found || message.text == QStringLiteral("after the flood");
        QVERIFY(found);
    }
};

QTEST_GUILESS_MAIN(TestChatEndpoint)
#include "tst_chatendpoint.moc"
