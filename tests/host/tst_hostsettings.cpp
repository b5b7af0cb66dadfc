// HostSettings::validationError(): every value the host cannot use is named,
// including those a hand-edited settings file or a hostile caller could give.
#include "host/hostsettings.h"

#include <QTest>

#include <functional>

using namespace Tincan;
using namespace std::chrono_literals;

using Change = std::function<void(HostSettings &)>;
Q_DECLARE_METATYPE(Change)

class TestHostSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreValid();
    void validation_data();
    void validation();
    void consoleOptionsCarryEveryField();
};

void TestHostSettings::defaultsAreValid()
{
    HostSettings settings;
    QCOMPARE(settings.validationError(), QString());
    settings.services[ServiceKind::Console] = ListenSettings{};
    settings.services[ServiceKind::UdpCommands] = ListenSettings{};
    QCOMPARE(settings.validationError(), QString());
}

void TestHostSettings::validation_data()
{
    QTest::addColumn<Change>("change");
    QTest::addColumn<QString>("problem"); // a part of the sentence; empty: valid

    constexpr qint64 Day = HostSettings::MaxDuration.count();
    QTest::newRow("chat is not the host's")
        << Change([](HostSettings &s) { s.services[ServiceKind::Chat] = ListenSettings{}; }) << QStringLiteral("chat");
    QTest::newRow("null address") << Change([](HostSettings &s) {
        s.services[ServiceKind::EchoTcp] = ListenSettings{QHostAddress(), 0, false};
    }) << QStringLiteral("no address");
    QTest::newRow("no connections") << Change([](HostSettings &s) { s.maxConnections = 0; })
                                    << QStringLiteral("console connections must be from 1");
    QTest::newRow("negative connections")
        << Change([](HostSettings &s) { s.maxConnections = -5; }) << QStringLiteral("not -5");
    QTest::newRow("too many connections")
        << Change([](HostSettings &s) { s.maxConnections = HostSettings::MaxConnectionCount + 1; })
        << QStringLiteral("1000000");
    QTest::newRow("most connections") << Change([](HostSettings &s) {
        s.maxConnections = HostSettings::MaxConnectionCount;
    }) << QString();
    QTest::newRow("none per address") << Change([](HostSettings &s) { s.maxConnectionsPerAddress = 0; })
                                      << QStringLiteral("from one address");
    QTest::newRow("no grace") << Change([](HostSettings &s) { s.loginGraceTime = 0ms; })
                              << QStringLiteral("login grace time");
    QTest::newRow("grace under a second")
        << Change([](HostSettings &s) { s.loginGraceTime = 999ms; }) << QStringLiteral("login grace time");
    QTest::newRow("grace of a day") << Change([](HostSettings &s) { s.loginGraceTime = HostSettings::MaxDuration; })
                                    << QString();
    QTest::newRow("grace beyond a day") << Change([](HostSettings &s) {
        s.loginGraceTime = HostSettings::MaxDuration + 1ms;
    }) << QStringLiteral("to %1 seconds").arg(Day);
    QTest::newRow("negative penalty") << Change([](HostSettings &s) { s.penaltyBase = -1ms; })
                                      << QStringLiteral("login penalty");
    QTest::newRow("no penalty") << Change([](HostSettings &s) {
        s.penaltyBase = 0ms;
        s.penaltyMax = 0ms;
    }) << QString();
    QTest::newRow("ceiling under the first wait") << Change([](HostSettings &s) {
        s.penaltyBase = 10s;
        s.penaltyMax = 5s;
    }) << QStringLiteral("at least the first one");
    QTest::newRow("huge ceiling") << Change([](HostSettings &s) { s.penaltyMax = std::chrono::milliseconds::max(); })
                                  << QStringLiteral("longest login penalty");
    QTest::newRow("negative idle timeout")
        << Change([](HostSettings &s) { s.idleTimeout = -1s; }) << QStringLiteral("idle timeout");
    QTest::newRow("idle timeout of a day") << Change([](HostSettings &s) { s.idleTimeout = 24h; }) << QString();
    QTest::newRow("negative cap") << Change([](HostSettings &s) { s.classicReplyCap = -1; })
                                  << QStringLiteral("classic reply cap");
    QTest::newRow("zero cap") << Change([](HostSettings &s) { s.classicReplyCap = 0; }) << QString();
    QTest::newRow("unknown TLS policy") << Change([](HostSettings &s) {
        s.tls = static_cast<ConsoleServer::TlsPolicy>(42);
    }) << QStringLiteral("TLS policy");
}

void TestHostSettings::validation()
{
    QFETCH(Change, change);
    QFETCH(QString, problem);
    HostSettings settings;
    change(settings);
    const QString error = settings.validationError();
    if (problem.isEmpty())
        QCOMPARE(error, QString());
    else
        QVERIFY2(error.contains(problem, Qt::CaseInsensitive), qPrintable(error));
}

void TestHostSettings::consoleOptionsCarryEveryField()
{
    HostSettings settings;
    settings.services[ServiceKind::Console] = ListenSettings{QHostAddress(QStringLiteral("::1")), 4242, true};
    settings.classicAllowed = false;
    settings.allowAnyPath = true;
    settings.classicReplyCap = 99;
    settings.maxConnections = 7;
    settings.maxConnectionsPerAddress = 3;
    settings.loginGraceTime = 4s;
    settings.penaltyBase = 2s;
    settings.penaltyMax = 9s;
    settings.idleTimeout = 30s;
    settings.tls = ConsoleServer::TlsPolicy::RequiredForRemote;
    settings.tlsDirectory = QStringLiteral("/tmp/tls");
    settings.outputEncoding = QStringLiteral("GBK");
    const ConsoleServer::Options options = settings.consoleOptions();
    QCOMPARE(options.address, QHostAddress(QStringLiteral("::1")));
    QCOMPARE(options.port, quint16(4242));
    QVERIFY(options.insecure);
    QVERIFY(!options.classicAllowed);
    QVERIFY(options.allowAnyPath);
    QCOMPARE(options.classicReplyCap, qint64(99));
    QCOMPARE(options.maxConnections, 7);
    QCOMPARE(options.maxConnectionsPerAddress, 3);
    QCOMPARE(options.loginGraceTime, std::chrono::milliseconds(4s));
    QCOMPARE(options.penaltyBase, std::chrono::milliseconds(2s));
    QCOMPARE(options.penaltyMax, std::chrono::milliseconds(9s));
    QCOMPARE(options.idleTimeout, std::chrono::milliseconds(30s));
    QCOMPARE(options.tls, ConsoleServer::TlsPolicy::RequiredForRemote);
    QCOMPARE(options.tlsDirectory, QStringLiteral("/tmp/tls"));
    QCOMPARE(options.outputEncoding, QStringLiteral("GBK"));
}

QTEST_GUILESS_MAIN(TestHostSettings)
#include "tst_hostsettings.moc"
