// The UDP services' table of senders: one client per address and port (an
// IPv4 peer seen through a dual-stack socket is the same peer), counted both
// ways, its protocol the latest one heard, the oldest forgotten when full.
#include "net/services/udppeertable.h"

#include <QSignalSpy>
#include <QTest>

using namespace Tincan;

class TestUdpPeerTable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onePeerPerAddress_data();
    void onePeerPerAddress();
    void countsBothWaysAndKeepsProtocol();
    void exchangeIsOneReport();
    void trafficOnlyWhileObserved();
    void forgetsOldestWhenFull();
    void clearEndsEveryPeer();
};

void TestUdpPeerTable::onePeerPerAddress_data()
{
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("second");
    QTest::addColumn<quint16>("secondPort");
    QTest::addColumn<int>("peers");

    QTest::newRow("same") << "127.0.0.1"
                          << "127.0.0.1" << quint16(5000) << 1;
    QTest::newRow("v4-mapped is v4") << "127.0.0.1"
                                     << "::ffff:127.0.0.1" << quint16(5000) << 1;
    QTest::newRow("other port") << "127.0.0.1"
                                << "127.0.0.1" << quint16(5001) << 2;
    QTest::newRow("other address") << "127.0.0.1"
                                   << "127.0.0.2" << quint16(5000) << 2;
    QTest::newRow("v6") << "::1"
                        << "::1" << quint16(5000) << 1;
}

void TestUdpPeerTable::onePeerPerAddress()
{
    QFETCH(QString, first);
    QFETCH(QString, second);
    QFETCH(quint16, secondPort);
    QFETCH(int, peers);

    UdpPeerTable table(QStringLiteral("UDP"));
    QSignalSpy connected(&table, &UdpPeerTable::clientConnected);
    table.record(QHostAddress(first), 5000, TrafficDirection::In, "a");
    table.record(QHostAddress(second), secondPort, TrafficDirection::In, "b");
    QCOMPARE(table.size(), peers);
    QCOMPARE(connected.count(), peers);
    const auto info = connected.first().first().value<ClientInfo>();
    QCOMPARE(info.address, QHostAddress(first));
    QCOMPARE(info.protocol, QStringLiteral("UDP"));
    QCOMPARE(info.id, quint64(1));
}

void TestUdpPeerTable::countsBothWaysAndKeepsProtocol()
{
    UdpPeerTable table(QStringLiteral("classic"));
    QSignalSpy updated(&table, &UdpPeerTable::clientUpdated);
    const QHostAddress peer(QHostAddress::LocalHost);
    table.record(peer, 7, TrafficDirection::In, "hello");
    table.record(peer, 7, TrafficDirection::Out, "hi", QStringLiteral("Tincan"));
    table.record(peer, 7, TrafficDirection::In, "xyz"); // no protocol: keeps the last one
    QCOMPARE(updated.count(), 3);
    const auto last = updated.last().first().value<ClientInfo>();
    QCOMPARE(last.bytesIn, qint64(8));
    QCOMPARE(last.bytesOut, qint64(2));
    QCOMPARE(last.protocol, QStringLiteral("Tincan"));
}

void TestUdpPeerTable::exchangeIsOneReport()
{
    UdpPeerTable table(QStringLiteral("UDP"));
    QSignalSpy updated(&table, &UdpPeerTable::clientUpdated);
    table.recordExchange(QHostAddress(QHostAddress::LocalHost), 9, "abc", "ABC");
    QCOMPARE(updated.count(), 1);
    const auto info = updated.first().first().value<ClientInfo>();
    QCOMPARE(info.bytesIn, qint64(3));
    QCOMPARE(info.bytesOut, qint64(3));
}

void TestUdpPeerTable::trafficOnlyWhileObserved()
{
    UdpPeerTable table(QStringLiteral("UDP"));
    QSignalSpy traffic(&table, &UdpPeerTable::trafficObserved);
    const QHostAddress peer(QHostAddress::LocalHost);
    table.record(peer, 9, TrafficDirection::In, "unseen");
    QCOMPARE(traffic.count(), 0);
    table.setTrafficObserved(true);
    table.recordExchange(peer, 9, "abc", "ABC");
    QCOMPARE(traffic.count(), 2);
    QCOMPARE(traffic.at(0).at(1).value<TrafficDirection>(), TrafficDirection::In);
    QCOMPARE(traffic.at(0).at(2).toByteArray(), QByteArray("abc"));
    QCOMPARE(traffic.at(1).at(1).value<TrafficDirection>(), TrafficDirection::Out);
    QCOMPARE(traffic.at(1).at(2).toByteArray(), QByteArray("ABC"));
}

void TestUdpPeerTable::forgetsOldestWhenFull()
{
    UdpPeerTable table(QStringLiteral("UDP"));
    table.setMaxPeers(3);
    QSignalSpy gone(&table, &UdpPeerTable::clientDisconnected);
    const QHostAddress peer(QHostAddress::LocalHost);
    for (quint16 port = 1; port <= 3; ++port)
        table.record(peer, port, TrafficDirection::In, "x");
    table.record(peer, 1, TrafficDirection::In, "again"); // heard from again: still the oldest
    table.record(peer, 4, TrafficDirection::In, "x");
    QCOMPARE(table.size(), 3);
    QCOMPARE(gone.count(), 1);
    QCOMPARE(gone.first().first().toULongLong(), quint64(1));
    // The forgotten peer comes back as a new client with a new id.
    QSignalSpy connected(&table, &UdpPeerTable::clientConnected);
    table.record(peer, 1, TrafficDirection::In, "x");
    QCOMPARE(connected.first().first().value<ClientInfo>().id, quint64(5));
}

void TestUdpPeerTable::clearEndsEveryPeer()
{
    UdpPeerTable table(QStringLiteral("UDP"));
    QSignalSpy gone(&table, &UdpPeerTable::clientDisconnected);
    table.record(QHostAddress(QHostAddress::LocalHost), 1, TrafficDirection::In, "x");
    table.record(QHostAddress(QHostAddress::LocalHost), 2, TrafficDirection::In, "x");
    table.clear();
    QCOMPARE(gone.count(), 2);
    QCOMPARE(table.size(), 0);
    table.clear();
    QCOMPARE(gone.count(), 2);
}

QTEST_GUILESS_MAIN(TestUdpPeerTable)
#include "tst_udppeertable.moc"
