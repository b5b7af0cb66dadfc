// The presence peer table (pure, clock passed in): events for every change, a peer followed by
// its install id, ageing by the hold each peer announced, leave only from the peer's address, and
// a flood of forged ids that keeps the table bounded and the real peers listed.
#include "net/presence/peertable.h"

#include <QTest>

using namespace Tincan::Presence;
using namespace std::chrono_literals;
using Type = PeerEvent::Type;

Q_DECLARE_METATYPE(PeerEvent::Type)

namespace {
const PeerTable::Clock::time_point T0{};
const QHostAddress A(QStringLiteral("198.18.0.1"));
const QHostAddress B(QStringLiteral("198.18.0.2"));

QUuid idFor(int n)
{
    return QUuid(quint32(n + 1), 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0);
}

Announcement heard(int n, Kind kind = Kind::Announce)
{
    Announcement a;
    a.kind = kind;
    a.installId = idFor(n);
    a.name = QStringLiteral("peer%1").arg(n);
    a.chatPort = 8081;
    a.hold = 10s;
    return a;
}
} // namespace

class TestPeerTable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void secondDatagram_data();
    void secondDatagram();
    void leave();
    void leaveFromElsewhereIsIgnored();
    void agesOutByItsOwnHold();
    void boundedUnderAFloodOfForgedIds();
    void capacityOfOne();
    void ipv4IsPreferredWhileHeard();
};

void TestPeerTable::secondDatagram_data()
{
    QTest::addColumn<Announcement>("second");
    QTest::addColumn<QHostAddress>("from");
    QTest::addColumn<bool>("event");
    QTest::addColumn<PeerEvent::Type>("type");
    const Announcement same = heard(1);
    QTest::newRow("same again: nothing") << same << A << false << Type::Online;
    QTest::newRow("same as an answer: nothing") << heard(1, Kind::Answer) << A << false << Type::Online;
    QTest::newRow("new address: changed, followed by id") << same << B << true << Type::Changed;
    Announcement renamed = same;
    renamed.name = QStringLiteral("renamed");
    QTest::newRow("renamed") << renamed << A << true << Type::Changed;
    Announcement console = same;
    console.consolePort = 8082;
    QTest::newRow("console port") << console << A << true << Type::Changed;
    Announcement away = same;
    away.state = State::Away;
    away.name = QStringLiteral("renamed too");
    QTest::newRow("away (and renamed): away") << away << A << true << Type::Away;
    Announcement hold = same;
    hold.hold = 20s;
    QTest::newRow("only the hold: nothing") << hold << A << false << Type::Online;
}

void TestPeerTable::secondDatagram()
{
    QFETCH(Announcement, second);
    QFETCH(QHostAddress, from);
    QFETCH(bool, event);
    QFETCH(PeerEvent::Type, type);
    PeerTable table;
    const auto first = table.record(heard(1), A, 40000, T0);
    QVERIFY(first);
    QCOMPARE(first->type, Type::Online);
    QVERIFY(first->isNew);
    const auto next = table.record(second, from, 40000, T0 + 1s);
    QCOMPARE(next.has_value(), event);
    if (event) {
        QCOMPARE(next->type, type);
        QVERIFY(!next->isNew);
        QCOMPARE(next->peer.address, from);
    }
    QCOMPARE(table.size(), 1);
    QCOMPARE(table.peer(idFor(1))->name, second.name);
    QCOMPARE(table.peer(idFor(1))->address, from);
    QCOMPARE(table.peer(idFor(1))->lastHeard, T0 + 1s);
}

void TestPeerTable::leave()
{
    PeerTable table;
    table.record(heard(1), A, 40000, T0);
    const auto left = table.record(heard(1, Kind::Leave), A, 40000, T0 + 1s);
    QVERIFY(left);
    QCOMPARE(left->type, Type::Offline);
    QCOMPARE(left->reason, PeerEvent::Reason::Left);
    QCOMPARE(table.size(), 0);
    // A leave from a peer not listed says nothing.
    QVERIFY(!table.record(heard(2, Kind::Leave), A, 40000, T0 + 1s));
    QCOMPARE(table.size(), 0);
}

void TestPeerTable::leaveFromElsewhereIsIgnored()
{
    PeerTable table;
    table.record(heard(1), A, 40000, T0);
    QVERIFY(!table.record(heard(1, Kind::Leave), B, 40000, T0 + 1s));
    QVERIFY(table.contains(idFor(1)));
}

void TestPeerTable::agesOutByItsOwnHold()
{
    PeerTable table;
    Announcement brief = heard(1);
    brief.hold = 2s;
    table.record(brief, A, 40000, T0);
    table.record(heard(2), B, 40000, T0); // holds 10 s
    QVERIFY(table.expire(T0 + 2s).isEmpty());
    const QList<PeerEvent> aged = table.expire(T0 + 2001ms);
    QCOMPARE(aged.size(), 1);
    QCOMPARE(aged.first().peer.installId, idFor(1));
    QCOMPARE(aged.first().type, Type::Offline);
    QCOMPARE(aged.first().reason, PeerEvent::Reason::AgedOut);
    // Heard again in time: kept.
    table.record(heard(2), B, 40000, T0 + 9s);
    QVERIFY(table.expire(T0 + 15s).isEmpty());
    QCOMPARE(table.expire(T0 + 20s).size(), 1);
    QCOMPARE(table.size(), 0);
}

void TestPeerTable::boundedUnderAFloodOfForgedIds()
{
    PeerTable table(64);
    // Three real peers, each heard twice (its probe and a re-announce).
    for (int n = 0; n < 3; ++n) {
        table.record(heard(n), A, 40000, T0);
        table.record(heard(n), A, 40000, T0 + 1s);
    }
    // Thousands of forged ids, each heard once, all more recent than the real peers.
    for (int n = 1000; n < 6000; ++n)
        table.record(heard(n), B, 40000, T0 + 2s);
    QCOMPARE(table.size(), 64);
    for (int n = 0; n < 3; ++n)
        QVERIFY2(table.contains(idFor(n)), qPrintable(QString::number(n)));
    QVERIFY(table.contains(idFor(5999))); // the newest forged one is there: the oldest went
    QVERIFY(!table.contains(idFor(1000)));
    QCOMPARE(table.peers().size(), 64);
}

void TestPeerTable::capacityOfOne()
{
    PeerTable table(1);
    table.record(heard(1), A, 40000, T0);
    table.record(heard(2), A, 40000, T0);
    QCOMPARE(table.size(), 1);
    QVERIFY(table.contains(idFor(2)));
    QVERIFY(table.expire(T0).isEmpty());
}

void TestPeerTable::ipv4IsPreferredWhileHeard()
{
    const QHostAddress v6(QStringLiteral("fe80::1"));
    PeerTable table;
    table.record(heard(1), A, 40000, T0);
    // The same announcement by the IPv6 group: no change, still listed at its IPv4 address.
    QVERIFY(!table.record(heard(1), v6, 40001, T0 + 1ms));
    QCOMPARE(table.peer(idFor(1))->address, A);
    QVERIFY(!table.record(heard(1), A, 40000, T0 + 2s));
    // Not heard over IPv4 for its hold (10 s): the IPv6 address takes over.
    const auto moved = table.record(heard(1), v6, 40001, T0 + 13s);
    QVERIFY(moved);
    QCOMPARE(moved->type, Type::Changed);
    QCOMPARE(table.peer(idFor(1))->address, v6);
    // Listed at IPv6, an IPv4 datagram takes over at once.
    QVERIFY(table.record(heard(1), A, 40000, T0 + 14s));
    QCOMPARE(table.peer(idFor(1))->address, A);
}

QTEST_GUILESS_MAIN(TestPeerTable)
#include "tst_peertable.moc"
