// ServiceHost with real services on loopback port 0: what it starts, the
// events it reports (and the one warning --insecure earns), its failures, and
// its shutdown.
#include "host/servicehost.h"

#include "net/console/consoleserver.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Tincan;
using Type = HostEvent::Type;

namespace {

const QHostAddress Loopback(QHostAddress::LocalHost);
constexpr int ConnectTimeoutMs = 5000;

HostSettings settingsFor(std::initializer_list<ServiceKind> kinds, const QHostAddress &address = Loopback,
                         bool insecure = false)
{
    HostSettings settings;
    for (ServiceKind kind : kinds)
        settings.services[kind] = ListenSettings{address, 0, insecure};
    // No TLS identity to make in the test's home.
    settings.tls = ConsoleServer::TlsPolicy::Off;
    return settings;
}

QList<HostEvent> eventsOf(const QSignalSpy &spy, Type type)
{
    QList<HostEvent> found;
    for (const QList<QVariant> &arguments : spy)
        if (const auto event = arguments.at(0).value<HostEvent>(); event.type == type)
            found.append(event);
    return found;
}

} // namespace

class TestServiceHost : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsEveryService();
    void refusesBadSettings();
    void reportsTheFirstFailure();
    void insecureWarning_data();
    void insecureWarning();
    void reportsClients();
    void shutdownStopsEverything();
};

void TestServiceHost::startsEveryService()
{
    ServiceHost host;
    QSignalSpy events(&host, &ServiceHost::eventOccurred);
    QSignalSpy started(&host, &ServiceHost::serviceStarted);
    QVERIFY(host.setSettings(
        settingsFor({ServiceKind::Console, ServiceKind::EchoTcp, ServiceKind::EchoUdp, ServiceKind::UdpCommands})));
    QVERIFY2(host.startAll(), qPrintable(host.errorString()));
    QCOMPARE(started.count(), 4);
    const QList<HostEvent> listening = eventsOf(events, Type::Listening);
    QCOMPARE(listening.size(), 4);
    const ServiceKind order[]
        = {ServiceKind::Console, ServiceKind::EchoTcp, ServiceKind::EchoUdp, ServiceKind::UdpCommands};
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(listening[i].service, order[i]);
        QCOMPARE(listening[i].address, Loopback);
        QVERIFY(listening[i].port != 0);
        QVERIFY(host.isRunning(order[i]));
        QCOMPARE(host.service(order[i])->port(), listening[i].port);
    }
    QVERIFY(host.console());
    QVERIFY(eventsOf(events, Type::InsecureWarning).isEmpty());
    QVERIFY(eventsOf(events, Type::TlsFingerprint).isEmpty());
}

void TestServiceHost::refusesBadSettings()
{
    ServiceHost host;
    HostSettings settings = settingsFor({ServiceKind::Console});
    settings.maxConnections = 0;
    QVERIFY(!host.setSettings(settings));
    QVERIFY2(host.errorString().contains(QStringLiteral("connections")), qPrintable(host.errorString()));
    // The host keeps its old settings: none, so nothing to start.
    QVERIFY(host.settings().services.empty());
    QVERIFY(host.startAll());
    QVERIFY(!host.start(ServiceKind::Console));
    QCOMPARE(host.state(ServiceKind::Console), ServiceHost::State::Failed);
    // The chat is its owner's.
    QVERIFY(!host.setSettings(settingsFor({ServiceKind::Chat})));
}

void TestServiceHost::reportsTheFirstFailure()
{
    QTcpServer blocker;
    QVERIFY(blocker.listen(Loopback, 0));
    HostSettings settings = settingsFor({ServiceKind::EchoUdp, ServiceKind::EchoTcp});
    settings.services[ServiceKind::EchoTcp].port = blocker.serverPort();
    ServiceHost host;
    QSignalSpy events(&host, &ServiceHost::eventOccurred);
    QVERIFY(host.setSettings(settings));
    QVERIFY(!host.startAll());
    QVERIFY2(host.errorString().startsWith(QStringLiteral("echo-tcp: ")), qPrintable(host.errorString()));
    QVERIFY(host.errorString().contains(QStringLiteral("in use")));
    QVERIFY(host.errorString().contains(QString::number(blocker.serverPort())));
    QCOMPARE(host.state(ServiceKind::EchoTcp), ServiceHost::State::Failed);
    QVERIFY(host.failure(ServiceKind::EchoTcp).contains(QStringLiteral("in use")));
    QCOMPARE(eventsOf(events, Type::StartFailed).size(), 1);
    QCOMPARE(eventsOf(events, Type::StartFailed).constFirst().service, ServiceKind::EchoTcp);
}

void TestServiceHost::insecureWarning_data()
{
    QTest::addColumn<QList<ServiceKind>>("kinds");
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("insecure");
    QTest::addColumn<bool>("password");
    QTest::addColumn<int>("expected"); // an Insecurity, or -1: no warning

    using I = HostEvent::Insecurity;
    const QList<ServiceKind> both{ServiceKind::Console, ServiceKind::UdpCommands};
    QTest::newRow("not insecure") << both << QStringLiteral("127.0.0.1") << false << false << -1;
    QTest::newRow("echoes only") << QList<ServiceKind>{ServiceKind::EchoTcp} << QStringLiteral("127.0.0.1") << true
                                 << false << -1;
    QTest::newRow("loopback") << both << QStringLiteral("127.0.0.1") << true << false << int(I::NothingYet);
    QTest::newRow("network, UDP commands") << QList<ServiceKind>{ServiceKind::UdpCommands} << QStringLiteral("0.0.0.0")
                                           << true << false << int(I::CommandsWithoutAuthentication);
    QTest::newRow("network, console with a password")
        << QList<ServiceKind>{ServiceKind::Console} << QStringLiteral("0.0.0.0") << true << true
        << int(I::ClassicWithoutPassword);
    QTest::newRow("network, both with a password: the worse one")
        << both << QStringLiteral("0.0.0.0") << true << true << int(I::CommandsWithoutAuthentication);
}

void TestServiceHost::insecureWarning()
{
    QFETCH(QList<ServiceKind>, kinds);
    QFETCH(QString, address);
    QFETCH(bool, insecure);
    QFETCH(bool, password);
    QFETCH(int, expected);
    HostSettings settings;
    for (ServiceKind kind : kinds)
        settings.services[kind] = ListenSettings{QHostAddress(address), 0, insecure};
    settings.tls = ConsoleServer::TlsPolicy::Off;
    if (password)
        settings.password = *PasswordHash::create(QStringLiteral("pw"), PasswordHash::MinIterations);
    ServiceHost host;
    QSignalSpy events(&host, &ServiceHost::eventOccurred);
    QVERIFY(host.setSettings(settings));
    QVERIFY2(host.startAll(), qPrintable(host.errorString()));
    const QList<HostEvent> warnings = eventsOf(events, Type::InsecureWarning);
    if (expected < 0) {
        QVERIFY(warnings.isEmpty());
        return;
    }
    QCOMPARE(warnings.size(), 1); // once, however many services it concerns
    QCOMPARE(int(warnings.constFirst().insecurity), expected);
    QCOMPARE(warnings.constFirst().address, QHostAddress(address));
}

void TestServiceHost::reportsClients()
{
    ServiceHost host;
    QSignalSpy events(&host, &ServiceHost::eventOccurred);
    QVERIFY(host.setSettings(settingsFor({ServiceKind::EchoTcp})));
    QVERIFY(host.startAll());
    QTcpSocket client;
    client.connectToHost(Loopback, host.service(ServiceKind::EchoTcp)->port());
    QVERIFY(client.waitForConnected(ConnectTimeoutMs));
    QTRY_COMPARE(eventsOf(events, Type::ClientConnected).size(), 1);
    const HostEvent connected = eventsOf(events, Type::ClientConnected).constFirst();
    QCOMPARE(connected.service, ServiceKind::EchoTcp);
    QCOMPARE(connected.client.port, client.localPort());
    client.disconnectFromHost();
    QTRY_COMPARE(eventsOf(events, Type::ClientDisconnected).size(), 1);
    // The disconnection still names where the client was.
    QCOMPARE(eventsOf(events, Type::ClientDisconnected).constFirst().client.port, connected.client.port);
}

void TestServiceHost::shutdownStopsEverything()
{
    ServiceHost host;
    QSignalSpy events(&host, &ServiceHost::eventOccurred);
    QSignalSpy finished(&host, &ServiceHost::finished);
    QVERIFY(host.setSettings(settingsFor({ServiceKind::Console, ServiceKind::EchoUdp})));
    QVERIFY(host.startAll());
    host.shutdown(15);
    QCOMPARE(eventsOf(events, Type::ShuttingDown).constFirst().count, 15);
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(host.state(ServiceKind::Console), ServiceHost::State::Stopped);
    QCOMPARE(host.state(ServiceKind::EchoUdp), ServiceHost::State::Stopped);
    QCOMPARE(eventsOf(events, Type::Stopped).size(), 2);
    QCOMPARE(eventsOf(events, Type::Stopping).size(), 1); // the console, which had commands to end

    // With nothing running it is over at once.
    ServiceHost idle;
    QSignalSpy idleFinished(&idle, &ServiceHost::finished);
    idle.shutdown();
    QCOMPARE(idleFinished.count(), 1);
}

QTEST_GUILESS_MAIN(TestServiceHost)
#include "tst_servicehost.moc"
