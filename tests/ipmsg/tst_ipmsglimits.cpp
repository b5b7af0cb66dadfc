// The endpoint's limits on automatic answers (docs/PROTOCOL.md §9, "Limits"), over loopback
// (unicast only, never broadcast): all of 127/8 is loopback on Linux, so "forged" sources are
// sockets bound to many 127.x addresses. A flood of entries is answered within the budget while a
// real peer's messages, retries included, keep being confirmed; one source's retries are bounded;
// the ANSENTRY waits its random delay, once per source, and the waiting ones are bounded.
#include "fakemessenger.h"
#include "net/ipmsg/ipmsgendpoint.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QUdpSocket>

using namespace Tincan;
using namespace Tincan::IpMsg;
using namespace Tincan::IpMsg::Testing;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

// 127.1.0.1, 127.1.0.2, …: a source of its own for each i.
QHostAddress forgedSource(int i)
{
    return QHostAddress(quint32((127u << 24) | (1u << 16) | quint32(i + 1)));
}

// One datagram from `from` (any port) to the endpoint.
void sendFrom(const QHostAddress &from, const QByteArray &datagram, quint16 to)
{
    QUdpSocket socket;
    QVERIFY2(socket.bind(from, 0), qPrintable(socket.errorString()));
    QCOMPARE(socket.writeDatagram(datagram, QHostAddress::LocalHost, to), qint64(datagram.size()));
}

QByteArray entry(int i)
{
    return "1:" + QByteArray::number(i + 1) + ":forged:f:1:n" + QByteArray::number(i) + '\0';
}

// The RECVMSGs among what the fake got within `ms`.
int receipts(FakeMessenger &fake, int ms, quint32 packetNo)
{
    int count = 0;
    for (const Reply &reply : fake.collect(ms))
        count += reply.mode() == FakeMessenger::RecvMsg && reply.parts().value(0) == QByteArray::number(packetNo);
    return count;
}

} // namespace

class TestIpMsgLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void boundsTheAnswersToAFloodOfEntriesAndKeepsServingARealPeer();
    void confirmsEveryRetryButBoundsOneSource();
    void boundsInfoAnswersPerSource_data();
    void boundsInfoAnswersPerSource();
    void answersAnEntryOnceAfterItsDelay();
    void boundsTheWaitingEntryAnswers();

private:
    Endpoint *m_endpoint = nullptr;
};

void TestIpMsgLimits::init()
{
    m_endpoint = new Endpoint;
    QVERIFY2(m_endpoint->bind(QHostAddress::LocalHost, 0), qPrintable(m_endpoint->errorString()));
}

void TestIpMsgLimits::cleanup()
{
    delete m_endpoint;
    m_endpoint = nullptr;
}

void TestIpMsgLimits::boundsTheAnswersToAFloodOfEntriesAndKeepsServingARealPeer()
{
    constexpr int Forged = 5000;
    constexpr int Step = 250; // sent, then awaited, so that the socket's buffer never overflows
    FakeMessenger real(m_endpoint->localPort());
    QSignalSpy received(m_endpoint, &Endpoint::messageReceived);
    QElapsedTimer elapsed;
    elapsed.start();
    int messages = 0;
    for (int i = 0; i < Forged; ++i) {
        sendFrom(forgedSource(i), entry(i), m_endpoint->localPort());
        if (i % Step != Step - 1)
            continue;
        QTRY_COMPARE(m_endpoint->counters().received, quint64(i + 1 + 2 * messages));
        if (i % 1000 != 999)
            continue;
        // Amid the flood, the real peer's message and its retry are each confirmed.
        const QByteArray message = real.packet(FakeMessenger::SendMsg | FakeMessenger::SendCheckOpt, "amid");
        const quint32 packetNo = real.lastPacketNo();
        for (int attempt = 0; attempt < 2; ++attempt) {
            real.send(message);
            const auto answer = real.next();
            QVERIFY(answer);
            QCOMPARE(answer->mode(), FakeMessenger::RecvMsg);
            QCOMPARE(answer->parts().value(0), QByteArray::number(packetNo));
        }
        ++messages;
        QTRY_COMPARE(received.size(), messages);
    }
    QTRY_COMPARE(m_endpoint->pendingEntryAnswerCount(), 0);
    const auto &counters = m_endpoint->counters();
    QCOMPARE(counters.received, quint64(Forged + 2 * messages));
    QCOMPARE(counters.rejected, 0u);
    // Every entry was answered or suppressed; the answers stayed within the budget: the burst,
    // then one per refill, and the receipts besides.
    const quint64 receiptsSent = quint64(2 * messages);
    QCOMPARE(counters.answersSent + counters.answersSuppressed, quint64(Forged) + receiptsSent);
    const quint64 budget
        = quint64(Endpoint::EntryAnswerBurst) + quint64(elapsed.elapsed() / Endpoint::EntryAnswerRefill.count()) + 1;
    QVERIFY2(counters.answersSent - receiptsSent <= budget,
             qPrintable(u"%1 entry answers, budget %2"_s.arg(counters.answersSent - receiptsSent).arg(budget)));
    QVERIFY(counters.answersSuppressed >= quint64(Forged) - budget);
    QCOMPARE(m_endpoint->peers().size(), Endpoint::MaxPeers);
}

void TestIpMsgLimits::confirmsEveryRetryButBoundsOneSource()
{
    FakeMessenger flooder(m_endpoint->localPort());
    QSignalSpy received(m_endpoint, &Endpoint::messageReceived);
    const QByteArray message = flooder.packet(FakeMessenger::SendMsg | FakeMessenger::SendCheckOpt, "again");
    const quint32 packetNo = flooder.lastPacketNo();
    constexpr int Sent = 100;
    for (int i = 0; i < Sent; ++i)
        flooder.send(message);
    QTRY_COMPARE(m_endpoint->counters().received, quint64(Sent));
    // Shown once; confirmed as often as one source may be within the window.
    QCOMPARE(received.size(), 1);
    QCOMPARE(receipts(flooder, 100, packetNo), Endpoint::ReceiptsPerSource);
    QCOMPARE(m_endpoint->counters().answersSuppressed, quint64(Sent - Endpoint::ReceiptsPerSource));

    // Another source is confirmed meanwhile, every time it retries.
    QUdpSocket other;
    QVERIFY(other.bind(QHostAddress(u"127.0.0.2"_s), 0));
    const QByteArray otherMessage
        = "1:77:other:h:" + QByteArray::number(FakeMessenger::SendMsg | FakeMessenger::SendCheckOpt) + ":hi\0";
    for (int attempt = 0; attempt < 3; ++attempt) {
        QCOMPARE(other.writeDatagram(otherMessage, QHostAddress::LocalHost, m_endpoint->localPort()),
                 qint64(otherMessage.size()));
        QTRY_VERIFY(other.hasPendingDatagrams());
        const auto answer = parseReply(other.receiveDatagram().data());
        QVERIFY(answer);
        QCOMPARE(answer->mode(), FakeMessenger::RecvMsg);
        QCOMPARE(answer->parts().value(0), QByteArray("77"));
    }
    QCOMPARE(received.size(), 2);

    // Once the window has passed, the first source's retries are confirmed again.
    m_endpoint->setLimits([] {
        Endpoint::Limits limits;
        limits.receipts.repeatWindow = 1ms;
        return limits;
    }());
    flooder.send(message);
    QCOMPARE(receipts(flooder, 100, packetNo), 1);
}

void TestIpMsgLimits::boundsInfoAnswersPerSource_data()
{
    QTest::addColumn<quint32>("command");
    QTest::addColumn<quint32>("answerMode");
    QTest::newRow("GETINFO") << Mode::GetInfo << Mode::SendInfo;
    QTest::newRow("GETABSENCEINFO") << Mode::GetAbsenceInfo << Mode::SendAbsenceInfo;
    QTest::newRow("READMSG with READCHECKOPT") << (Mode::ReadMsg | Option::ReadCheckOpt) << Mode::AnsReadMsg;
}

void TestIpMsgLimits::boundsInfoAnswersPerSource()
{
    QFETCH(quint32, command);
    QFETCH(quint32, answerMode);
    FakeMessenger fake(m_endpoint->localPort());
    constexpr int Sent = 40;
    for (int i = 0; i < Sent; ++i)
        fake.send(fake.packet(command, "1"));
    QTRY_COMPARE(m_endpoint->counters().received, quint64(Sent));
    const QList<Reply> answers = fake.collect(100);
    QCOMPARE(answers.size(), Endpoint::InfoAnswersPerSource);
    for (const Reply &answer : answers)
        QCOMPARE(answer.mode(), answerMode);
    QCOMPARE(m_endpoint->counters().answersSent, quint64(Endpoint::InfoAnswersPerSource));
    QCOMPARE(m_endpoint->counters().answersSuppressed, quint64(Sent - Endpoint::InfoAnswersPerSource));
}

void TestIpMsgLimits::answersAnEntryOnceAfterItsDelay()
{
    Endpoint::Limits limits;
    limits.maxEntryAnswerDelay = 200ms;
    m_endpoint->setLimits(limits);
    FakeMessenger fake(m_endpoint->localPort());
    QSignalSpy entered(m_endpoint, &Endpoint::peerEntered);
    for (int i = 0; i < 3; ++i)
        fake.send(fake.packet(FakeMessenger::BrEntry, "Fake"));
    // Listed at once, each time; the answer waits, once for the three.
    QTRY_COMPARE(entered.size(), 3);
    QVERIFY(m_endpoint->pendingEntryAnswerCount() <= 1);
    const QList<Reply> answers = fake.collect(400);
    QCOMPARE(answers.size(), 1);
    QCOMPARE(answers.at(0).mode(), FakeMessenger::AnsEntry);
    QCOMPARE(m_endpoint->counters().answersSent, 1u);
    QCOMPARE(m_endpoint->counters().answersSuppressed, 2u);
    QCOMPARE(m_endpoint->pendingEntryAnswerCount(), 0);

    // An exit while the answer waits takes the answer back.
    limits.maxEntryAnswerDelay = 10000ms;
    m_endpoint->setLimits(limits);
    FakeMessenger leaving(m_endpoint->localPort());
    leaving.send(leaving.packet(FakeMessenger::BrEntry, "Leaving"));
    QTRY_COMPARE(m_endpoint->pendingEntryAnswerCount(), 1);
    leaving.send(leaving.packet(FakeMessenger::BrExit, "Leaving"));
    QTRY_COMPARE(m_endpoint->pendingEntryAnswerCount(), 0);
}

void TestIpMsgLimits::boundsTheWaitingEntryAnswers()
{
    Endpoint::Limits limits;
    limits.maxEntryAnswerDelay = 60000ms; // none is due during the test
    limits.maxPendingEntryAnswers = 4;
    m_endpoint->setLimits(limits);
    constexpr int Sources = 10;
    for (int i = 0; i < Sources; ++i)
        sendFrom(forgedSource(i), entry(i), m_endpoint->localPort());
    QTRY_COMPARE(m_endpoint->counters().received, quint64(Sources));
    QCOMPARE(m_endpoint->pendingEntryAnswerCount(), 4);
    QCOMPARE(m_endpoint->counters().answersSuppressed, quint64(Sources - 4));
    QCOMPARE(m_endpoint->peers().size(), Sources);
}

QTEST_GUILESS_MAIN(TestIpMsgLimits)
#include "tst_ipmsglimits.moc"
