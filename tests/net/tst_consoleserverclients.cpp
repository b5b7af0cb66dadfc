// What the console server tells its observers about each client (the server
// window's table and traffic view): clients(), clientUpdated, trafficObserved,
// killCommands and disconnectClient. The clients are raw sockets that keep
// every byte they write and receive, so the server's counts can be checked
// against the bytes themselves.
#include "net/console/consoleserver.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/frame.h"
#include "nettesthelpers.h"
#include "servicetesthelpers.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Tincan;
using namespace Tincan::Console;
using namespace std::chrono_literals;
using Tincan::Test::livingProcessCountInGroup;
using Tincan::Test::spinUntil;

namespace {

const QHostAddress Loopback(QHostAddress::LocalHost);

// A client that keeps every byte both ways and decodes the frames it receives.
class ByteClient
{
public:
    explicit ByteClient(quint16 port)
        : m_decoder(Limits::MaxClassicReplyPayload)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] {
            const QByteArray bytes = m_socket.readAll();
            m_received += bytes;
            m_decoder.feed(bytes);
            while (m_decoder.status() == FrameDecoder::Status::FrameReady)
                m_frames.append(m_decoder.takeFrame());
        });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] { m_disconnected = true; });
        m_socket.connectToHost(Loopback, port);
    }
    ~ByteClient()
    {
        QObject::disconnect(&m_socket, nullptr, &m_socket, nullptr);
        m_socket.abort();
    }
    Q_DISABLE_COPY_MOVE(ByteClient)

    QTcpSocket &socket() { return m_socket; }
    bool waitForConnected()
    {
        return m_socket.state() == QAbstractSocket::ConnectedState || m_socket.waitForConnected(5000);
    }
    void write(QByteArrayView bytes)
    {
        m_sent.append(bytes.data(), bytes.size());
        m_socket.write(bytes.data(), bytes.size());
    }
    void sendFrame(const QJsonObject &header) { write(encodeFrame(header)); }
    void sendHello() { sendFrame({{Key::Type, Type::Hello}, {Key::Version, ProtocolVersion}}); }
    void sendExec(const QString &id, const QString &command)
    {
        sendFrame({{Key::Type, Type::Exec}, {Key::Id, id}, {Key::Command, command}});
    }
    const QByteArray &sent() const { return m_sent; }
    const QByteArray &received() const { return m_received; }
    const QList<Frame> &frames() const { return m_frames; }
    bool isDisconnected() const { return m_disconnected; }

    std::optional<Frame> find(QLatin1StringView type) const
    {
        for (const Frame &frame : m_frames)
            if (Test::typeOf(frame) == type)
                return frame;
        return std::nullopt;
    }
    std::optional<Frame> waitFor(QLatin1StringView type)
    {
        [[maybe_unused]] const bool done = spinUntil([&] { return find(type).has_value() || m_disconnected; }, 10s);
        return find(type);
    }
    std::optional<Frame> waitForFrame(qsizetype index)
    {
        [[maybe_unused]] const bool done = spinUntil([&] { return m_frames.size() > index || m_disconnected; }, 10s);
        return index < m_frames.size() ? std::optional<Frame>(m_frames.at(index)) : std::nullopt;
    }

private:
    QTcpSocket m_socket;
    FrameDecoder m_decoder;
    QByteArray m_sent;
    QByteArray m_received;
    QList<Frame> m_frames;
    bool m_disconnected = false;
};

std::optional<ClientInfo> onlyClient(const ConsoleServer &server)
{
    const QList<ClientInfo> clients = server.clients();
    if (clients.size() != 1)
        return std::nullopt;
    return clients.constFirst();
}

} // namespace

class TestConsoleServerClients : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ConsoleServer> m_server;
    quint16 port() const { return m_server->serverPort(); }

    // Starts a command that runs until killed, the Tincan or the classic way;
    // returns its process group (0 on failure).
    qint64 startLongCommand(ByteClient &client, bool classic, const QString &command)
    {
        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        if (classic) {
            client.write(command.toUtf8());
        } else {
            client.sendHello();
            if (!client.waitFor(Type::Welcome))
                return 0;
            client.sendExec(QStringLiteral("long"), command);
        }
        if (!spinUntil([&] { return !started.isEmpty(); }, 10s))
            return 0;
        return started.at(0).at(3).toLongLong();
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<ConsoleServer>();
        ConsoleServer::Options options;
        options.port = 0;
        QVERIFY2(m_server->listen(options), qPrintable(m_server->errorString()));
    }
    void cleanup() { m_server.reset(); }

    void clientsShowsProtocolAndBytes_data();
    void clientsShowsProtocolAndBytes();
    void runningCommandShownAndKilled_data();
    void runningCommandShownAndKilled();
    void disconnectClientCutsItAndItsCommands_data();
    void disconnectClientCutsItAndItsCommands();
    void unknownClientIdsAreIgnored();
    void trafficObservedExactlyBothWays_data();
    void trafficObservedExactlyBothWays();
    void trafficNotObservedByDefault();
};

void TestConsoleServerClients::clientsShowsProtocolAndBytes_data()
{
    QTest::addColumn<bool>("classic");
    QTest::newRow("Tincan") << false;
    QTest::newRow("classic") << true;
}

void TestConsoleServerClients::clientsShowsProtocolAndBytes()
{
    QFETCH(bool, classic);
    QSignalSpy connected(m_server.get(), &ConsoleServer::clientConnected);
    QSignalSpy updated(m_server.get(), &ConsoleServer::clientUpdated);
    QCOMPARE(m_server->clients().size(), 0);

    ByteClient client(port());
    QVERIFY(client.waitForConnected());
    QTRY_COMPARE(connected.count(), 1);
    const quint64 id = connected.at(0).at(0).value<ClientInfo>().id;
    std::optional<ClientInfo> info = onlyClient(*m_server);
    QVERIFY(info);
    QCOMPARE(info->id, id);
    QCOMPARE(info->address, Loopback);
    QCOMPARE(info->port, client.socket().localPort());
    QVERIFY(info->since.isValid());
    QVERIFY(info->protocol.isEmpty()); // not known before the first bytes
    QCOMPARE(info->bytesIn, 0);
    QCOMPARE(info->bytesOut, 0);

    if (classic) {
        client.write("echo one");
        QVERIFY(client.waitForFrame(0));
    } else {
        client.sendHello();
        QVERIFY(client.waitFor(Type::Welcome));
    }
    info = onlyClient(*m_server);
    QVERIFY(info);
    QCOMPARE(info->protocol, classic ? QStringLiteral("classic") : QStringLiteral("Tincan"));
    QCOMPARE(info->bytesIn, client.sent().size());
    QCOMPARE(info->bytesOut, client.received().size());
    const qint64 firstIn = info->bytesIn;
    const qint64 firstOut = info->bytesOut;
    QVERIFY(firstIn > 0 && firstOut > 0);

    // A second exchange: both counts grow by exactly the bytes exchanged.
    if (classic) {
        client.write("echo two");
        QVERIFY(client.waitForFrame(1));
        QCOMPARE(client.frames().at(1).payload, QByteArray("two\n"));
    } else {
        client.sendExec(QStringLiteral("2"), QStringLiteral("echo two"));
        QVERIFY(client.waitFor(Type::Exit));
    }
    info = onlyClient(*m_server);
    QVERIFY(info);
    QCOMPARE(info->bytesIn, client.sent().size());
    QCOMPARE(info->bytesOut, client.received().size());
    QVERIFY(info->bytesIn > firstIn);
    QVERIFY(info->bytesOut > firstOut);

    // clientUpdated said the same, ending where clients() is.
    QVERIFY(!updated.isEmpty());
    const auto last = updated.last().at(0).value<ClientInfo>();
    QCOMPARE(last.id, id);
    QCOMPARE(last.bytesIn, info->bytesIn);
    QCOMPARE(last.bytesOut, info->bytesOut);
    QCOMPARE(last.protocol, info->protocol);
}

void TestConsoleServerClients::runningCommandShownAndKilled_data()
{
    QTest::addColumn<bool>("classic");
    QTest::newRow("Tincan") << false;
    QTest::newRow("classic") << true;
}

void TestConsoleServerClients::runningCommandShownAndKilled()
{
    QFETCH(bool, classic);
    QSignalSpy updated(m_server.get(), &ConsoleServer::clientUpdated);
    QSignalSpy finished(m_server.get(), &ConsoleServer::commandFinished);
    const QString command = QStringLiteral("sleep 30 & sleep 30; echo never");
    ByteClient client(port());
    const qint64 group = startLongCommand(client, classic, command);
    QVERIFY(group > 0);
    QTRY_COMPARE(livingProcessCountInGroup(group), 3);

    std::optional<ClientInfo> info = onlyClient(*m_server);
    QVERIFY(info);
    QCOMPARE(info->runningCommand, command);
    QCOMPARE(updated.last().at(0).value<ClientInfo>().runningCommand, command);
    QCOMPARE(m_server->runningCommandCount(), 1);

    m_server->killCommands(info->id);
    QTRY_COMPARE(finished.count(), 1);
    const auto exit = finished.at(0).at(2).value<ProcessExit>();
    QCOMPARE(exit.signal, 15);
    QTRY_COMPARE(livingProcessCountInGroup(group), 0);

    // The client is told, and stays connected.
    if (classic) {
        const std::optional<Frame> reply = client.waitForFrame(0);
        QVERIFY(reply);
        QCOMPARE(jsonInteger(reply->header, Key::Signal), std::optional<qint64>(15));
        QCOMPARE(jsonInteger(reply->header, Key::ExitCode), std::optional<qint64>(128 + 15));
        QVERIFY(!reply->payload.contains("never"));
    } else {
        const std::optional<Frame> exitFrame = client.waitFor(Type::Exit);
        QVERIFY(exitFrame);
        QCOMPARE(jsonInteger(exitFrame->header, Key::Signal), std::optional<qint64>(15));
    }
    QVERIFY(!client.isDisconnected());
    info = onlyClient(*m_server);
    QVERIFY(info);
    QVERIFY(info->runningCommand.isEmpty());
    QVERIFY(updated.last().at(0).value<ClientInfo>().runningCommand.isEmpty());
    QCOMPARE(m_server->runningCommandCount(), 0);
}

void TestConsoleServerClients::disconnectClientCutsItAndItsCommands_data()
{
    QTest::addColumn<bool>("classic");
    QTest::newRow("Tincan") << false;
    QTest::newRow("classic") << true;
}

void TestConsoleServerClients::disconnectClientCutsItAndItsCommands()
{
    QFETCH(bool, classic);
    QSignalSpy disconnected(m_server.get(), &ConsoleServer::clientDisconnected);
    ByteClient cut(port());
    ByteClient kept(port());
    const qint64 group = startLongCommand(cut, classic, QStringLiteral("sleep 30 | cat"));
    QVERIFY(group > 0);
    QTRY_COMPARE(livingProcessCountInGroup(group), 3); // sh, sleep, cat
    QTRY_COMPARE(m_server->clients().size(), 2);
    quint64 cutId = 0;
    for (const ClientInfo &info : m_server->clients())
        if (info.port == cut.socket().localPort())
            cutId = info.id;
    QVERIFY(cutId != 0);

    m_server->disconnectClient(cutId);
    QTRY_VERIFY(cut.isDisconnected());
    QTRY_COMPARE(disconnected.count(), 1);
    QCOMPARE(disconnected.at(0).at(0).toULongLong(), cutId);
    QTRY_COMPARE(livingProcessCountInGroup(group), 0);
    QCOMPARE(m_server->clients().size(), 1);
    QCOMPARE(m_server->clients().constFirst().port, kept.socket().localPort());

    // The other client is served as before.
    kept.write("echo kept");
    const std::optional<Frame> reply = kept.waitForFrame(0);
    QVERIFY(reply);
    QCOMPARE(reply->payload, QByteArray("kept\n"));
    QVERIFY(!kept.isDisconnected());
}

void TestConsoleServerClients::unknownClientIdsAreIgnored()
{
    QSignalSpy disconnected(m_server.get(), &ConsoleServer::clientDisconnected);
    ByteClient client(port());
    QTRY_COMPARE(m_server->clients().size(), 1);
    const quint64 id = m_server->clients().constFirst().id;
    m_server->killCommands(id + 1000);
    m_server->disconnectClient(id + 1000);
    m_server->killCommands(id); // nothing running: nothing happens
    client.write("echo fine");
    const std::optional<Frame> reply = client.waitForFrame(0);
    QVERIFY(reply);
    QCOMPARE(reply->payload, QByteArray("fine\n"));
    QCOMPARE(disconnected.count(), 0);
    QCOMPARE(m_server->clients().size(), 1);
}

void TestConsoleServerClients::trafficObservedExactlyBothWays_data()
{
    QTest::addColumn<bool>("classic");
    QTest::newRow("Tincan") << false;
    QTest::newRow("classic") << true;
}

void TestConsoleServerClients::trafficObservedExactlyBothWays()
{
    QFETCH(bool, classic);
    m_server->setTrafficObserved(true);
    QSignalSpy traffic(m_server.get(), &ConsoleServer::trafficObserved);
    QSignalSpy connected(m_server.get(), &ConsoleServer::clientConnected);
    ByteClient client(port());
    QVERIFY(client.waitForConnected());
    // Output larger than one chunk, with bytes that are not text.
    const QString command = QStringLiteral("printf 'h\\303\\251llo\\000\\377'; head -c 200000 /dev/zero | tr '\\0' z");
    if (classic) {
        // The command in pieces: whatever arrives within one read is one command.
        client.write(command.toUtf8());
        QVERIFY(client.waitForFrame(0));
    } else {
        // A hello split across writes.
        const QByteArray hello = encodeFrame({{Key::Type, Type::Hello}, {Key::Version, ProtocolVersion}});
        client.write(QByteArrayView(hello).first(3));
        QVERIFY(client.socket().waitForBytesWritten(1000) || client.socket().bytesToWrite() == 0);
        client.write(QByteArrayView(hello).sliced(3));
        QVERIFY(client.waitFor(Type::Welcome));
        client.sendExec(QStringLiteral("t"), command);
        QVERIFY(client.waitFor(Type::Exit));
    }
    QTRY_COMPARE(connected.count(), 1);
    const quint64 id = connected.at(0).at(0).value<ClientInfo>().id;

    QByteArray in;
    QByteArray out;
    for (const QList<QVariant> &args : std::as_const(traffic)) {
        QCOMPARE(args.at(0).toULongLong(), id);
        (args.at(1).value<TrafficDirection>() == TrafficDirection::In ? in : out) += args.at(2).toByteArray();
    }
    QCOMPARE(in.size(), client.sent().size());
    QVERIFY(in == client.sent());
    QCOMPARE(out.size(), client.received().size());
    QVERIFY(out == client.received());
    const std::optional<ClientInfo> info = onlyClient(*m_server);
    QVERIFY(info);
    QCOMPARE(info->bytesIn, in.size());
    QCOMPARE(info->bytesOut, out.size());
}

void TestConsoleServerClients::trafficNotObservedByDefault()
{
    QSignalSpy traffic(m_server.get(), &ConsoleServer::trafficObserved);
    ByteClient client(port());
    client.write("echo quiet");
    const std::optional<Frame> reply = client.waitForFrame(0);
    QVERIFY(reply);
    QCOMPARE(reply->payload, QByteArray("quiet\n"));
    QCOMPARE(traffic.count(), 0);
    QVERIFY(onlyClient(*m_server)->bytesOut > 0);
}

QTEST_GUILESS_MAIN(TestConsoleServerClients)
#include "tst_consoleserverclients.moc"
