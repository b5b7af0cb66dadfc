// The announcer's two pure policies: which interfaces it announces on (InterfaceSelection) and
// whether it may answer one more peer now (AnswerLimiter, net/base, clock passed in).
#include "net/base/answerlimiter.h"
#include "net/presence/interfaceselection.h"

#include <QHostAddress>
#include <QProcess>
#include <QTest>

using namespace Tincan;
using namespace Tincan::Presence;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {
InterfaceInfo iface(const QString &name, bool up = true, bool loopback = false, bool ipv4 = true)
{
    InterfaceInfo info;
    info.name = name;
    info.up = up;
    info.loopback = loopback;
    info.canBroadcast = !loopback;
    info.canMulticast = true;
    info.hasIpv4 = ipv4;
    return info;
}

QStringList names(const QList<InterfaceInfo> &list)
{
    QStringList out;
    for (const InterfaceInfo &info : list)
        out.append(info.name);
    return out;
}

const QList<InterfaceInfo> Machine = {
    iface(QStringLiteral("lo"), true, true),
    iface(QStringLiteral("eth0")),
    iface(QStringLiteral("wlan0")),
    iface(QStringLiteral("eth1"), false),
    iface(QStringLiteral("tun0"), true, false, false),
};
} // namespace

class TestPresencePolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void selection_data();
    void selection();
    void missingNames();
    void limiterNeverAnswersOnePeerTwiceWithinTheWindow();
    void limiterBoundsABurstAndRefills();
    void limiterMemoryIsBounded();
    void limiterAllowsSeveralAnswersPerKeyWhenTold();
    // Refused before any socket is opened, so these run outside a namespace safely.
    void cliRefusesBadOptions_data();
    void cliRefusesBadOptions();
};

void TestPresencePolicy::selection_data()
{
    QTest::addColumn<InterfaceSelection>("selection");
    QTest::addColumn<QStringList>("chosen");
    QTest::newRow("all: up, not loopback, with an address")
        << InterfaceSelection::all() << QStringList{u"eth0"_s, u"wlan0"_s};
    QTest::newRow("none") << InterfaceSelection::none() << QStringList();
    QTest::newRow("named") << InterfaceSelection::fromCommaList(u"wlan0"_s) << QStringList{u"wlan0"_s};
    QTest::newRow("named, blanks and repeats")
        << InterfaceSelection::fromCommaList(u" eth0 ,, eth0,wlan0"_s) << QStringList{u"eth0"_s, u"wlan0"_s};
    QTest::newRow("named loopback is never chosen") << InterfaceSelection::named({u"lo"_s}) << QStringList();
    QTest::newRow("named but down") << InterfaceSelection::named({u"eth1"_s}) << QStringList();
    QTest::newRow("empty list means none") << InterfaceSelection::fromCommaList(u" , "_s) << QStringList();
}

void TestPresencePolicy::selection()
{
    QFETCH(InterfaceSelection, selection);
    QFETCH(QStringList, chosen);
    QCOMPARE(names(selection.select(Machine)), chosen);
}

void TestPresencePolicy::missingNames()
{
    const auto selection = InterfaceSelection::fromCommaList(u"eth0,lo,eth9"_s);
    QCOMPARE(selection.missing(Machine), (QStringList{u"lo"_s, u"eth9"_s}));
    QVERIFY(InterfaceSelection::all().missing(Machine).isEmpty());
    QVERIFY(InterfaceSelection::fromCommaList(QString()).isOff());
}

void TestPresencePolicy::limiterNeverAnswersOnePeerTwiceWithinTheWindow()
{
    AnswerLimiter<QUuid> limiter;
    const AnswerLimiter<QUuid>::Clock::time_point t0{};
    const QUuid a = QUuid::createUuid();
    QVERIFY(limiter.allow(a, t0));
    QVERIFY(!limiter.allow(a, t0 + 999ms));
    QVERIFY(limiter.allow(QUuid::createUuid(), t0 + 10ms));
    QVERIFY(limiter.allow(a, t0 + 1000ms));
}

void TestPresencePolicy::limiterBoundsABurstAndRefills()
{
    AnswerPolicy policy;
    AnswerLimiter<QUuid> limiter(policy);
    const AnswerLimiter<QUuid>::Clock::time_point t0{};
    int allowed = 0;
    for (int i = 0; i < 1000; ++i)
        allowed += limiter.allow(QUuid::createUuid(), t0) ? 1 : 0;
    QCOMPARE(allowed, policy.burst);
    // One second later: one answer per refill interval came back, no more.
    allowed = 0;
    for (int i = 0; i < 1000; ++i)
        allowed += limiter.allow(QUuid::createUuid(), t0 + 1s) ? 1 : 0;
    QCOMPARE(allowed, int(1000ms / policy.refill));
}

void TestPresencePolicy::limiterMemoryIsBounded()
{
    AnswerPolicy policy;
    policy.burst = 1000000;
    policy.maxTracked = 100;
    AnswerLimiter<QUuid> limiter(policy);
    AnswerLimiter<QUuid>::Clock::time_point t{};
    for (int i = 0; i < 5000; ++i) {
        limiter.allow(QUuid::createUuid(), t);
        t += 1ms;
    }
    QVERIFY(limiter.trackedCount() <= 100);
}

void TestPresencePolicy::limiterAllowsSeveralAnswersPerKeyWhenTold()
{
    // As the IP Messenger endpoint keys it: by source address, a few answers per window.
    AnswerPolicy policy;
    policy.perKey = 3;
    AnswerLimiter<QHostAddress> limiter(policy);
    const AnswerLimiter<QHostAddress>::Clock::time_point t0{};
    const QHostAddress a(u"192.0.2.1"_s);
    QVERIFY(limiter.allow(a, t0));
    QVERIFY(limiter.allow(a, t0 + 100ms));
    QVERIFY(limiter.allow(a, t0 + 200ms));
    QVERIFY(!limiter.allow(a, t0 + 999ms));
    QVERIFY(limiter.allow(QHostAddress(u"192.0.2.2"_s), t0 + 999ms));
    // The window counts from its first answer.
    QVERIFY(limiter.allow(a, t0 + 1000ms));
    QVERIFY(limiter.allow(a, t0 + 1001ms));
    QCOMPARE(limiter.trackedCount(), 2);
}

void TestPresencePolicy::cliRefusesBadOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("help") << QStringList{u"--help"_s} << 0;
    QTest::newRow("wait not a number") << QStringList{u"--wait"_s, u"soon"_s} << 2;
    QTest::newRow("wait negative") << QStringList{u"--wait"_s, u"-1"_s} << 2;
    QTest::newRow("wait too long") << QStringList{u"--wait"_s, u"3601"_s} << 2;
    QTest::newRow("ipmsg port too large") << QStringList{u"--ipmsg-port"_s, u"65536"_s} << 2;
    QTest::newRow("unknown option") << QStringList{u"--everywhere"_s} << 2;
    QTest::newRow("stray argument") << QStringList{u"10.0.0.1"_s} << 2;
}

void TestPresencePolicy::cliRefusesBadOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QProcess cli;
    cli.start(qEnvironmentVariable("TINCAN_CLI"), QStringList{u"peers"_s} + arguments);
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitCode(), exitCode);
    if (exitCode == 0)
        QVERIFY(cli.readAllStandardOutput().contains("ADDRESS PROTOCOL STATE NAME"));
    else
        QVERIFY(!cli.readAllStandardError().isEmpty());
}

QTEST_GUILESS_MAIN(TestPresencePolicy)
#include "tst_presencepolicy.moc"
