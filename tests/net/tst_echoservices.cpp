// The upper-case echo services over loopback, with clients written from the
// tutorial's description alone (plain QTcpSocket/QUdpSocket): what goes in
// comes back upper-cased the way Python's bytes.upper() does it. Also the
// immediate restart of a TCP server whose old connections sit in TIME_WAIT.
#include "net/console/consoleserver.h"
#include "net/services/echoservices.h"
#include "nettesthelpers.h"
#include "servicetesthelpers.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

#include <memory>
#include <vector>

using namespace Tincan;
using namespace std::chrono_literals;
using Tincan::Test::pythonUpper;
using Tincan::Test::spinUntil;
using Tincan::Test::UdpPeer;

namespace {

const QHostAddress Loopback(QHostAddress::LocalHost);

// A TCP client that keeps everything it receives.
class EchoClient
{
public:
    explicit EchoClient(quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] {
            if (!m_paused)
                m_received += m_socket.readAll();
        });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] { m_disconnected = true; });
        m_socket.connectToHost(Loopback, port);
    }
    ~EchoClient()
    {
        QObject::disconnect(&m_socket, nullptr, &m_socket, nullptr);
        m_socket.abort();
    }
    Q_DISABLE_COPY_MOVE(EchoClient)

    QTcpSocket &socket() { return m_socket; }
    bool waitForConnected()
    {
        return m_socket.state() == QAbstractSocket::ConnectedState || m_socket.waitForConnected(5000);
    }
    void write(QByteArrayView bytes) { m_socket.write(bytes.data(), bytes.size()); }
    const QByteArray &received() const { return m_received; }
    void clear() { m_received.clear(); }
    bool isDisconnected() const { return m_disconnected; }
    void setPaused(bool paused)
    {
        m_paused = paused;
        if (!paused)
            m_received += m_socket.readAll();
    }
    // Reads at most `max` bytes of what is buffered (a slow reader).
    void readSome(qint64 max) { m_received += m_socket.read(max); }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
    bool m_disconnected = false;
    bool m_paused = false;
};

// The server-side id of the client whose local port is `port`, from the
// clientConnected signals seen so far (0 if none).
quint64 idOfPeerPort(const QSignalSpy &connected, quint16 port)
{
    for (const QList<QVariant> &args : connected) {
        const auto info = args.at(0).value<ClientInfo>();
        if (info.port == port)
            return info.id;
    }
    return 0;
}

QList<quint64> idsIn(const QSignalSpy &spy)
{
    QList<quint64> ids;
    for (const QList<QVariant> &args : spy)
        ids.append(args.at(0).toULongLong());
    return ids;
}

} // namespace

class TestEchoServices : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void asciiUpper_data();
    void asciiUpper();

    void tcpEchoesManyClientsAtOnce();
    void tcpReportsClientsAndByteCounts();
    void tcpTrafficObservedOnlyWhenEnabled();
    void tcpClientGoneIsCleanedUp_data();
    void tcpClientGoneIsCleanedUp();
    void tcpLargeInputWithSlowReader();
    void tcpDisconnectClient();
    void tcpCloseDisconnectsEveryone();

    void restartWhileConnectionsInTimeWait_data();
    void restartWhileConnectionsInTimeWait();

    void portInUse_data();
    void portInUse();

    void udpEchoesToSender_data();
    void udpEchoesToSender();
    void udpSeveralSenders();
    void udpForgetsOldestPeers();
    void udpServesOnAfterBurst();
    void udpTrafficObserved();
};

// ---- upper-casing -------------------------------------------------------------

void TestEchoServices::asciiUpper_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("lower") << QByteArray("hello") << QByteArray("HELLO");
    QTest::newRow("whole alphabet") << QByteArray("abcdefghijklmnopqrstuvwxyz")
                                    << QByteArray("ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    QTest::newRow("upper unchanged") << QByteArray("ABCXYZ") << QByteArray("ABCXYZ");
    QTest::newRow("mixed") << QByteArray("Hello, World!") << QByteArray("HELLO, WORLD!");
    // The neighbours of a-z and A-Z: '@' '[' '`' '{'.
    QTest::newRow("boundaries") << QByteArray("@[`{az") << QByteArray("@[`{AZ");
    QTest::newRow("digits and punctuation") << QByteArray("0123456789 !\"#$%&'()*+,-./:;<=>?\\]^_|}~\t\r\n")
                                            << QByteArray("0123456789 !\"#$%&'()*+,-./:;<=>?\\]^_|}~\t\r\n");
    // "héllo wörld ß ñ": é ö ß ñ are two UTF-8 bytes each; none is touched.
    QTest::newRow("UTF-8") << QByteArray("h\xc3\xa9llo w\xc3\xb6rld \xc3\x9f \xc3\xb1")
                           << QByteArray("H\xc3\xa9LLO W\xc3\xb6RLD \xc3\x9f \xc3\xb1");
    QTest::newRow("CJK") << QByteArray("abc \xe4\xbd\xa0\xe5\xa5\xbd") << QByteArray("ABC \xe4\xbd\xa0\xe5\xa5\xbd");
    QByteArray latin1Lower;
    for (int c = 0xe0; c <= 0xff; ++c)
        latin1Lower.append(char(c));
    QTest::newRow("Latin-1 0xE0-0xFF") << latin1Lower << latin1Lower;
    QTest::newRow("NUL") << QByteArray("a\0b\0", 4) << QByteArray("A\0B\0", 4);
    QTest::newRow("only NUL") << QByteArray(1, '\0') << QByteArray(1, '\0');
    QByteArray all;
    QByteArray allExpected;
    for (int c = 0; c < 256; ++c) {
        all.append(char(c));
        allExpected.append(char(c >= 0x61 && c <= 0x7a ? c - 0x20 : c));
    }
    QTest::newRow("every byte") << all << allExpected;
}

void TestEchoServices::asciiUpper()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    const QByteArray result = Tincan::asciiUpper(input);
    QCOMPARE(result.size(), input.size());
    QCOMPARE(result, expected);
    QCOMPARE(result, pythonUpper(input));
}

// ---- TCP --------------------------------------------------------------------

void TestEchoServices::tcpEchoesManyClientsAtOnce()
{
    constexpr int Clients = 20;
    EchoTcpServer server;
    QVERIFY2(server.listen(Loopback, 0), qPrintable(server.errorString()));
    QSignalSpy connected(&server, &EchoTcpServer::clientConnected);

    std::vector<std::unique_ptr<EchoClient>> clients;
    for (int i = 0; i < Clients; ++i)
        clients.push_back(std::make_unique<EchoClient>(server.serverPort()));
    QTRY_COMPARE(server.clientCount(), Clients);
    QCOMPARE(connected.count(), Clients);

    // Everyone writes at once, in two pieces, before anyone reads.
    const auto text
        = [](int i) -> QByteArray { return QByteArray("client ") + QByteArray::number(i) + " says h\xc3\xa9llo; "; };
    for (int i = 0; i < Clients; ++i)
        clients[i]->write(text(i));
    for (int i = 0; i < Clients; ++i)
        clients[i]->write(QByteArray(QByteArray("and goodbye #") + QByteArray::number(i)));
    for (int i = 0; i < Clients; ++i) {
        const QByteArray expected = pythonUpper(QByteArray(text(i) + "and goodbye #" + QByteArray::number(i)));
        QVERIFY2(spinUntil([&] { return clients[i]->received().size() >= expected.size(); }, 10s),
                 qPrintable(QStringLiteral("client %1 got %2").arg(i).arg(QString::fromUtf8(clients[i]->received()))));
        QCOMPARE(clients[i]->received(), expected);
    }
    // Ids are distinct.
    QSet<quint64> ids;
    for (const QList<QVariant> &args : std::as_const(connected))
        ids.insert(args.at(0).value<ClientInfo>().id);
    QCOMPARE(ids.size(), Clients);
}

void TestEchoServices::tcpReportsClientsAndByteCounts()
{
    EchoTcpServer server;
    QVERIFY(server.listen(Loopback, 0));
    QCOMPARE(server.serverAddress(), Loopback);
    QVERIFY(server.isListening());
    QSignalSpy connected(&server, &EchoTcpServer::clientConnected);
    QSignalSpy updated(&server, &EchoTcpServer::clientUpdated);

    EchoClient client(server.serverPort());
    QVERIFY(client.waitForConnected());
    QTRY_COMPARE(connected.count(), 1);
    const auto info = connected.at(0).at(0).value<ClientInfo>();
    QVERIFY(info.id != 0);
    QCOMPARE(info.address, Loopback);
    QCOMPARE(info.port, client.socket().localPort());
    QCOMPARE(info.protocol, QStringLiteral("TCP"));
    QVERIFY(info.since.isValid());
    QCOMPARE(info.bytesIn, 0);
    QCOMPARE(info.bytesOut, 0);

    const QByteArray first("abc");
    const QByteArray second("d\0\xff-ef", 6);
    client.write(first);
    QTRY_COMPARE(client.received(), QByteArray("ABC"));
    client.write(second);
    QTRY_COMPARE(client.received().size(), first.size() + second.size());
    QVERIFY(!updated.isEmpty());
    const auto last = updated.last().at(0).value<ClientInfo>();
    QCOMPARE(last.id, info.id);
    QCOMPARE(last.bytesIn, first.size() + second.size());
    QCOMPARE(last.bytesOut, first.size() + second.size());
    // The counts only grow.
    qint64 previous = 0;
    for (const QList<QVariant> &args : std::as_const(updated)) {
        const qint64 bytesIn = args.at(0).value<ClientInfo>().bytesIn;
        QVERIFY(bytesIn > previous);
        previous = bytesIn;
    }
}

void TestEchoServices::tcpTrafficObservedOnlyWhenEnabled()
{
    EchoTcpServer server;
    QVERIFY(server.listen(Loopback, 0));
    QSignalSpy traffic(&server, &EchoTcpServer::trafficObserved);

    // Off by default: the echo arrives, and nothing was observed on the way
    // (the signal would be emitted before the echo is written).
    EchoClient quiet(server.serverPort());
    quiet.write("quiet");
    QTRY_COMPARE(quiet.received(), QByteArray("QUIET"));
    QCOMPARE(traffic.count(), 0);

    server.setTrafficObserved(true);
    EchoClient client(server.serverPort());
    QSignalSpy connected(&server, &EchoTcpServer::clientConnected);
    QVERIFY(client.waitForConnected());
    QTRY_COMPARE(connected.count(), 1);
    const quint64 id = connected.at(0).at(0).value<ClientInfo>().id;
    const QByteArray sent = QByteArray("observed: h\xc3\xa9llo\0", 16) + Test::scrambledBytes(100000);
    client.write(sent);
    QVERIFY(spinUntil([&] { return client.received().size() >= sent.size(); }, 10s));
    QCOMPARE(client.received(), pythonUpper(sent));

    QByteArray in;
    QByteArray out;
    for (const QList<QVariant> &args : std::as_const(traffic)) {
        QCOMPARE(args.at(0).toULongLong(), id);
        (args.at(1).value<TrafficDirection>() == TrafficDirection::In ? in : out) += args.at(2).toByteArray();
    }
    QCOMPARE(in, sent);
    QCOMPARE(out, pythonUpper(sent));
}

void TestEchoServices::tcpClientGoneIsCleanedUp_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("clean close") << QStringLiteral("close");
    QTest::newRow("reset") << QStringLiteral("reset");
    // Gone while the server still has echoes to write to it.
    QTest::newRow("reset with echo pending") << QStringLiteral("reset-pending");
    QTest::newRow("close with echo pending") << QStringLiteral("close-pending");
}

void TestEchoServices::tcpClientGoneIsCleanedUp()
{
    QFETCH(QString, how);
    EchoTcpServer server;
    QVERIFY(server.listen(Loopback, 0));
    QSignalSpy connected(&server, &EchoTcpServer::clientConnected);
    QSignalSpy updated(&server, &EchoTcpServer::clientUpdated);
    QSignalSpy disconnected(&server, &EchoTcpServer::clientDisconnected);

    EchoClient leaving(server.serverPort());
    EchoClient stayA(server.serverPort());
    EchoClient stayB(server.serverPort());
    for (EchoClient *client : {&leaving, &stayA, &stayB})
        QVERIFY(client->waitForConnected());
    QTRY_COMPARE(server.clientCount(), 3);
    const quint64 leavingId = idOfPeerPort(connected, leaving.socket().localPort());
    QVERIFY(leavingId != 0);

    for (EchoClient *client : {&leaving, &stayA, &stayB})
        client->write("before");
    for (EchoClient *client : {&leaving, &stayA, &stayB})
        QTRY_COMPARE(client->received(), QByteArray("BEFORE"));

    if (how.endsWith(QStringLiteral("-pending"))) {
        // Send a lot and read none of it; once the server has echoed some,
        // the client goes.
        leaving.setPaused(true);
        leaving.write(Test::scrambledBytes(4 * 1024 * 1024));
        QTRY_VERIFY(std::any_of(updated.cbegin(), updated.cend(), [&](const QList<QVariant> &args) {
            const auto info = args.at(0).value<ClientInfo>();
            return info.id == leavingId && info.bytesOut > 1024 * 1024;
        }));
    }
    if (how.startsWith(QStringLiteral("reset"))) {
        QVERIFY(Test::setResetOnClose(leaving.socket()));
        leaving.socket().abort();
    } else {
        leaving.socket().disconnectFromHost();
        if (leaving.socket().state() != QAbstractSocket::UnconnectedState)
            QVERIFY(leaving.socket().waitForDisconnected(5000) || how == QStringLiteral("close-pending"));
        if (how == QStringLiteral("close-pending"))
            leaving.socket().abort();
    }

    QTRY_COMPARE(disconnected.count(), 1);
    QCOMPARE(disconnected.at(0).at(0).toULongLong(), leavingId);
    QCOMPARE(server.clientCount(), 2);

    // The others go on as if nothing happened.
    for (EchoClient *client : {&stayA, &stayB}) {
        client->clear();
        client->write("after");
    }
    for (EchoClient *client : {&stayA, &stayB})
        QTRY_COMPARE(client->received(), QByteArray("AFTER"));
    QVERIFY(!stayA.isDisconnected());
    QVERIFY(!stayB.isDisconnected());
    QCOMPARE(disconnected.count(), 1);
    QCOMPARE(server.clientCount(), 2);
}

void TestEchoServices::tcpLargeInputWithSlowReader()
{
    constexpr qsizetype Total = 8 * 1024 * 1024;
    constexpr qint64 ClientReadBuffer = 64 * 1024;
    EchoTcpServer server;
    QVERIFY(server.listen(Loopback, 0));
    QSignalSpy connected(&server, &EchoTcpServer::clientConnected);

    EchoClient client(server.serverPort());
    client.socket().setReadBufferSize(ClientReadBuffer);
    QVERIFY(client.waitForConnected());
    client.socket().setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, int(ClientReadBuffer));
    QTRY_COMPARE(connected.count(), 1);

    // The server's socket for this client, to watch what it holds unsent.
    const QList<QTcpSocket *> serverSockets = server.findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly);
    QCOMPARE(serverSockets.size(), 1);
    QTcpSocket *serverSide = serverSockets.constFirst();
    // Small kernel buffers on both ends, so that the server's own buffer
    // fills soon, whatever the host's TCP tuning.
    serverSide->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption, int(ClientReadBuffer));
    qint64 maxUnsent = 0;
    qint64 bytesIn = 0;
    connect(&server, &EchoTcpServer::clientUpdated, this, [&](const ClientInfo &info) {
        maxUnsent = std::max(maxUnsent, serverSide->bytesToWrite());
        bytesIn = info.bytesIn;
    });

    // The client sends everything and reads nothing: the server must stop
    // reading once MaxUnsentBytes of echo wait for the client.
    const QByteArray input = Test::scrambledBytes(Total);
    client.setPaused(true);
    client.write(input);
    QVERIFY2(
        spinUntil([&] { return maxUnsent > EchoTcpServer::MaxUnsentBytes; }, 20s),
        qPrintable(QStringLiteral("unsent never exceeded the limit (max %1, read %2)").arg(maxUnsent).arg(bytesIn)));
    // A short wait to show that nothing more is read while the client reads nothing.
    const qint64 stalledAt = bytesIn;
    QTest::qWait(300);
    QCOMPARE(bytesIn, stalledAt);
    QVERIFY(bytesIn < Total);

    // Now read slowly: 64 KiB per millisecond tick at most.
    QTimer reader;
    connect(&reader, &QTimer::timeout, this, [&] { client.readSome(ClientReadBuffer); });
    client.setPaused(false);
    reader.start(1);
    QVERIFY2(spinUntil([&] { return client.received().size() >= Total; }, 30s),
             qPrintable(QStringLiteral("received %1 of %2").arg(client.received().size()).arg(Total)));
    reader.stop();
    QCOMPARE(client.received().size(), Total);
    QVERIFY(client.received() == pythonUpper(input)); // QCOMPARE would print 8 MiB
    QCOMPARE(bytesIn, Total);
    QVERIFY2(maxUnsent <= EchoTcpServer::MaxUnsentBytes + EchoTcpServer::SocketReadBufferSize,
             qPrintable(QString::number(maxUnsent)));
}

void TestEchoServices::tcpDisconnectClient()
{
    EchoTcpServer server;
    QVERIFY(server.listen(Loopback, 0));
    QSignalSpy connected(&server, &EchoTcpServer::clientConnected);
    QSignalSpy disconnected(&server, &EchoTcpServer::clientDisconnected);
    EchoClient cut(server.serverPort());
    EchoClient kept(server.serverPort());
    QVERIFY(cut.waitForConnected());
    QVERIFY(kept.waitForConnected());
    QTRY_COMPARE(server.clientCount(), 2);
    const quint64 cutId = idOfPeerPort(connected, cut.socket().localPort());
    QVERIFY(cutId != 0);

    server.disconnectClient(cutId);
    QCOMPARE(disconnected.count(), 1);
    QCOMPARE(disconnected.at(0).at(0).toULongLong(), cutId);
    QCOMPARE(server.clientCount(), 1);
    QTRY_VERIFY(cut.isDisconnected());
    server.disconnectClient(cutId); // already gone: nothing happens
    server.disconnectClient(9999);
    QCOMPARE(disconnected.count(), 1);
    kept.write("still here");
    QTRY_COMPARE(kept.received(), QByteArray("STILL HERE"));
}

void TestEchoServices::tcpCloseDisconnectsEveryone()
{
    EchoTcpServer server;
    QVERIFY(server.listen(Loopback, 0));
    QSignalSpy disconnected(&server, &EchoTcpServer::clientDisconnected);
    EchoClient a(server.serverPort());
    EchoClient b(server.serverPort());
    QTRY_COMPARE(server.clientCount(), 2);
    server.close();
    QVERIFY(!server.isListening());
    QCOMPARE(server.clientCount(), 0);
    QCOMPARE(disconnected.count(), 2);
    QTRY_VERIFY(a.isDisconnected() && b.isDisconnected());
}

// ---- restart at once ------------------------------------------------------------

void TestEchoServices::restartWhileConnectionsInTimeWait_data()
{
    QTest::addColumn<QString>("service");
    QTest::newRow("echo-tcp") << QStringLiteral("echo-tcp");
    QTest::newRow("console") << QStringLiteral("console");
}

void TestEchoServices::restartWhileConnectionsInTimeWait()
{
    QFETCH(QString, service);
    const bool console = service == QStringLiteral("console");
    constexpr int Clients = 3;
    constexpr int CloseTimeoutMs = 20000;

    std::unique_ptr<EchoTcpServer> echo;
    std::unique_ptr<ConsoleServer> shell;
    const auto start = [&](quint16 port) {
        if (console) {
            shell = std::make_unique<ConsoleServer>();
            ConsoleServer::Options options;
            options.port = port;
            if (!shell->listen(options)) {
                qWarning("%s", qPrintable(shell->errorString()));
                return quint16(0);
            }
            return shell->serverPort();
        }
        echo = std::make_unique<EchoTcpServer>();
        if (!echo->listen(Loopback, port)) {
            qWarning("%s", qPrintable(echo->errorString()));
            return quint16(0);
        }
        return echo->serverPort();
    };
    // One exchange as the tutorial's clients do it: text to the echo, a bare
    // command to the console (answered with one classic frame).
    const auto exchange = [&](EchoClient &client) {
        if (console) {
            client.write("echo restarted");
            return spinUntil([&] { return Test::classicReplyPayload(client.received()).has_value(); }, 10s)
                && *Test::classicReplyPayload(client.received()) == "restarted\n";
        }
        client.write("restarted");
        return spinUntil([&] { return client.received() == "RESTARTED"; }, 10s);
    };

    const quint16 port = start(0);
    QVERIFY(port != 0);
    {
        std::vector<std::unique_ptr<EchoClient>> clients;
        for (int i = 0; i < Clients; ++i)
            clients.push_back(std::make_unique<EchoClient>(port));
        for (auto &client : clients)
            QVERIFY(exchange(*client));

        // The server side closes first, so its end of each connection goes to
        // TIME_WAIT on the server's port once the client closes too.
        if (console) {
            const QList<ClientInfo> connected = shell->clients();
            QCOMPARE(connected.size(), Clients);
            for (const ClientInfo &info : connected)
                shell->disconnectClient(info.id);
        } else {
            QCOMPARE(echo->clientCount(), Clients);
            echo->close();
        }
        // Generous: on a loaded machine the console's connections take seconds
        // to close (each first terminates its commands).
        for (auto &client : clients)
            QTRY_VERIFY_WITH_TIMEOUT(client->isDisconnected(), CloseTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(Test::tcpSocketCount(port, Test::TcpState::TimeWait), Clients, CloseTimeoutMs);
    }
    echo.reset();
    shell.reset();
    QTRY_COMPARE(Test::tcpSocketCount(port, Test::TcpState::Listen), 0);
    QCOMPARE(Test::tcpSocketCount(port, Test::TcpState::TimeWait), Clients);
    // The premise: a program that does not ask for address reuse could not
    // bind this port now.
    QCOMPARE(Test::plainBindError(port), EADDRINUSE);

    // The restart, at once, on the same port.
    QCOMPARE(start(port), port);
    EchoClient client(port);
    QVERIFY(exchange(client));
}

void TestEchoServices::portInUse_data()
{
    QTest::addColumn<bool>("udp");
    QTest::newRow("TCP") << false;
    QTest::newRow("UDP") << true;
}

void TestEchoServices::portInUse()
{
    QFETCH(bool, udp);
    QTcpServer tcpBlocker;
    QUdpSocket udpBlocker;
    quint16 port = 0;
    if (udp) {
        QVERIFY(udpBlocker.bind(Loopback, 0, QAbstractSocket::DontShareAddress));
        port = udpBlocker.localPort();
        EchoUdpService service;
        QVERIFY(!service.bind(Loopback, port));
        QVERIFY(!service.isBound());
        QVERIFY2(service.errorString().contains(QStringLiteral("in use")), qPrintable(service.errorString()));
        QVERIFY(service.errorString().contains(QString::number(port)));
    } else {
        QVERIFY(tcpBlocker.listen(Loopback, 0));
        port = tcpBlocker.serverPort();
        EchoTcpServer server;
        QVERIFY(!server.listen(Loopback, port));
        QVERIFY(!server.isListening());
        QVERIFY2(server.errorString().contains(QStringLiteral("in use")), qPrintable(server.errorString()));
        QVERIFY(server.errorString().contains(QString::number(port)));
    }
}

// ---- UDP ----------------------------------------------------------------------

void TestEchoServices::udpEchoesToSender_data()
{
    QTest::addColumn<QByteArray>("datagram");
    QTest::newRow("text") << QByteArray("hello, world 42");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("UTF-8") << QByteArray("gr\xc3\xbc\xc3\x9f dich, \xe4\xbd\xa0\xe5\xa5\xbd");
    QTest::newRow("binary") << Test::scrambledBytes(1000);
    QTest::newRow("NUL only") << QByteArray(3, '\0');
    QTest::newRow("largest IPv4 datagram") << Test::scrambledBytes(65507);
}

void TestEchoServices::udpEchoesToSender()
{
    QFETCH(QByteArray, datagram);
    EchoUdpService service;
    QVERIFY2(service.bind(Loopback, 0), qPrintable(service.errorString()));
    QVERIFY(service.isBound());
    QCOMPARE(service.localAddress(), Loopback);
    QSignalSpy updated(&service, &EchoUdpService::clientUpdated);

    UdpPeer peer;
    QVERIFY(peer.isBound());
    QVERIFY(peer.send(datagram, service.localPort()));
    QTRY_COMPARE(peer.received().size(), 1);
    const QNetworkDatagram reply = peer.received().at(0);
    QCOMPARE(reply.senderPort(), int(service.localPort()));
    QCOMPARE(reply.senderAddress(), Loopback);
    QCOMPARE(reply.data().size(), datagram.size());
    QVERIFY(reply.data() == pythonUpper(datagram));
    QCOMPARE(updated.count(), 1);
    QCOMPARE(updated.at(0).at(0).value<ClientInfo>().bytesIn, datagram.size());
    QCOMPARE(updated.at(0).at(0).value<ClientInfo>().bytesOut, datagram.size());
}

void TestEchoServices::udpSeveralSenders()
{
    constexpr int Senders = 10;
    constexpr int Rounds = 3;
    EchoUdpService service;
    QVERIFY(service.bind(Loopback, 0));
    QSignalSpy connected(&service, &EchoUdpService::clientConnected);
    QSignalSpy updated(&service, &EchoUdpService::clientUpdated);

    std::vector<std::unique_ptr<UdpPeer>> peers;
    for (int i = 0; i < Senders; ++i)
        peers.push_back(std::make_unique<UdpPeer>());
    const auto text = [](int i, int round) -> QByteArray {
        return QByteArray("sender ") + QByteArray::number(i) + " round " + QByteArray::number(round);
    };
    for (int round = 0; round < Rounds; ++round)
        for (int i = 0; i < Senders; ++i)
            QVERIFY(peers[i]->send(text(i, round), service.localPort()));
    for (int i = 0; i < Senders; ++i) {
        QTRY_COMPARE(peers[i]->received().size(), Rounds);
        for (int round = 0; round < Rounds; ++round)
            QCOMPARE(peers[i]->payload(round), pythonUpper(text(i, round)));
    }
    // One client per sender, however many datagrams it sent.
    QCOMPARE(connected.count(), Senders);
    QCOMPARE(updated.count(), Senders * Rounds);
    for (int i = 0; i < Senders; ++i) {
        const auto info = connected.at(i).at(0).value<ClientInfo>();
        QCOMPARE(info.address, Loopback);
        QCOMPARE(info.protocol, QStringLiteral("UDP"));
        QVERIFY(std::any_of(peers.cbegin(), peers.cend(), [&](const auto &peer) { return peer->port() == info.port; }));
    }
    const auto last = updated.last().at(0).value<ClientInfo>();
    QCOMPARE(last.bytesIn, Rounds * text(Senders - 1, 0).size());
}

void TestEchoServices::udpForgetsOldestPeers()
{
    constexpr int Extra = 4;
    constexpr int Senders = EchoUdpService::MaxPeersRemembered + Extra;
    EchoUdpService service;
    QVERIFY(service.bind(Loopback, 0));
    QSignalSpy connected(&service, &EchoUdpService::clientConnected);
    QSignalSpy disconnected(&service, &EchoUdpService::clientDisconnected);

    std::vector<std::unique_ptr<UdpPeer>> peers;
    for (int i = 0; i < Senders; ++i) {
        peers.push_back(std::make_unique<UdpPeer>());
        QVERIFY(peers.back()->send("x", service.localPort()));
        // One at a time, so "oldest" is well defined.
        QVERIFY(spinUntil([&] { return peers.back()->received().size() == 1; }, 5s));
        QCOMPARE(peers.back()->payload(0), QByteArray("X"));
    }
    QCOMPARE(connected.count(), Senders);
    QList<quint64> oldest;
    for (int i = 0; i < Extra; ++i)
        oldest.append(connected.at(i).at(0).value<ClientInfo>().id);
    QCOMPARE(idsIn(disconnected), oldest);

    // The first sender, forgotten, is a new client when heard from again.
    QVERIFY(peers.front()->send("again", service.localPort()));
    QTRY_COMPARE(peers.front()->received().size(), 2);
    QCOMPARE(peers.front()->payload(1), QByteArray("AGAIN"));
    QCOMPARE(connected.count(), Senders + 1);
    QCOMPARE(connected.last().at(0).value<ClientInfo>().port, peers.front()->port());
    QCOMPARE(disconnected.count(), Extra + 1);
    QCOMPARE(disconnected.last().at(0).toULongLong(), connected.at(Extra).at(0).value<ClientInfo>().id);

    // close() lets go of every remembered peer.
    disconnected.clear();
    service.close();
    QCOMPARE(disconnected.count(), EchoUdpService::MaxPeersRemembered);
    QVERIFY(!service.isBound());
}

void TestEchoServices::udpServesOnAfterBurst()
{
    // More datagrams at once than the service reads per wake-up: all are
    // answered, and so is a datagram that comes later.
    constexpr int Burst = EchoUdpService::MaxDatagramsPerWakeup + 44;
    constexpr int RoomyBuffer = 4 * 1024 * 1024; // so that the kernel keeps the whole burst
    EchoUdpService service;
    QVERIFY(service.bind(Loopback, 0));
    QUdpSocket *serviceSocket = service.findChild<QUdpSocket *>();
    QVERIFY(serviceSocket);
    serviceSocket->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, RoomyBuffer);
    UdpPeer peer;
    peer.socket().setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, RoomyBuffer);

    // Sent without returning to the event loop: the service sees them all at once.
    for (int i = 0; i < Burst; ++i)
        QVERIFY(peer.send(QByteArray(QByteArray("burst ") + QByteArray::number(i)), service.localPort()));
    QVERIFY(spinUntil([&] { return peer.received().size() == Burst; }, 10s));
    for (int i = 0; i < Burst; ++i)
        QCOMPARE(peer.payload(i), QByteArray("BURST ") + QByteArray::number(i));

    for (int i = 0; i < 3; ++i) {
        QVERIFY(peer.send("later", service.localPort()));
        QVERIFY2(spinUntil([&] { return peer.received().size() == Burst + i + 1; }, 5s),
                 qPrintable(QStringLiteral("datagram %1 after the burst was not answered").arg(i)));
        QCOMPARE(peer.received().last().data(), QByteArray("LATER"));
    }
}

void TestEchoServices::udpTrafficObserved()
{
    EchoUdpService service;
    QVERIFY(service.bind(Loopback, 0));
    service.setTrafficObserved(true);
    QSignalSpy traffic(&service, &EchoUdpService::trafficObserved);
    QSignalSpy connected(&service, &EchoUdpService::clientConnected);
    UdpPeer peer;
    QVERIFY(peer.send("one", service.localPort()));
    QVERIFY(peer.send(QByteArray(), service.localPort()));
    QTRY_COMPARE(peer.received().size(), 2);
    QCOMPARE(connected.count(), 1);
    const quint64 id = connected.at(0).at(0).value<ClientInfo>().id;
    QCOMPARE(traffic.count(), 4);
    const QList<std::pair<TrafficDirection, QByteArray>> expected{{TrafficDirection::In, "one"},
                                                                  {TrafficDirection::Out, "ONE"},
                                                                  {TrafficDirection::In, QByteArray()},
                                                                  {TrafficDirection::Out, QByteArray()}};
    for (int i = 0; i < expected.size(); ++i) {
        QCOMPARE(traffic.at(i).at(0).toULongLong(), id);
        QCOMPARE(traffic.at(i).at(1).value<TrafficDirection>(), expected.at(i).first);
        QCOMPARE(traffic.at(i).at(2).toByteArray(), expected.at(i).second);
    }
}

QTEST_GUILESS_MAIN(TestEchoServices)
#include "tst_echoservices.moc"
