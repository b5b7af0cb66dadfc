// Presence between real hosts: three network namespaces on one bridge (tests/common/netns.h),
// each running a presence agent (presenceagent.cpp) confined to its own veth; and two on an
// IPv6-only link, who find each other through the IPv6 group alone. Nothing here is sent on the
// machine's own interfaces; without root the test is skipped.
#include "netns.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using Tincan::Test::NetnsLab;

namespace {
constexpr int Hosts = 3;
constexpr int ReannounceMs = 300; // hold: 1 s, so ageing out is quick

// One agent process in a namespace: its output lines, and commands to it.
class Agent
{
public:
    Agent(const NetnsLab &lab, int host, const QString &name)
    {
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(
            QStringLiteral("ip"),
            lab.execArguments(host, QStringLiteral("env"),
                              {QStringLiteral("TINCAN_ANNOUNCE_INTERFACES=eth0"), QStringLiteral(TINCAN_PRESENCE_AGENT),
                               name, QString::number(ReannounceMs)}));
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, [this] {
            while (m_process.canReadLine())
                m_lines.append(QString::fromUtf8(m_process.readLine()).trimmed());
        });
    }
    ~Agent()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    void send(const QString &command) { m_process.write((command + QLatin1Char('\n')).toUtf8()); }
    bool saw(const QString &line) const { return m_lines.contains(line); }
    int count(const QString &line) const { return int(m_lines.count(line)); }
    // The last line that starts with `prefix`.
    QString last(const QString &prefix) const
    {
        for (auto it = m_lines.crbegin(); it != m_lines.crend(); ++it) {
            if (it->startsWith(prefix))
                return *it;
        }
        return {};
    }
    void kill() { m_process.kill(); }
    QStringList lines() const { return m_lines; }

private:
    QProcess m_process;
    QStringList m_lines;
};

// Asks `agent` for its counters until field `field` (1 heard, 2 rejected, 3 answers sent, 4
// suppressed) reaches `atLeast`, for at most `timeoutMs`.
bool statReaches(Agent &agent, int field, int atLeast, int timeoutMs)
{
    for (int waited = 0; waited < timeoutMs; waited += 100) {
        agent.send(QStringLiteral("stats"));
        QTest::qWait(100);
        if (agent.last(QStringLiteral("stats")).section(QLatin1Char(' '), field, field).toInt() >= atLeast)
            return true;
    }
    return false;
}

QString ev(const QString &type, const QString &name, int host)
{
    return QStringLiteral("event %1 %2 %3").arg(type, name, NetnsLab::address(host));
}
} // namespace

class TestPresenceNetns : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void threeHostsSeeEachOther();
    void awayBackAndLeave();
    void addressChangeFollowedByInstallId();
    void silentPeerAgesOut();
    void floodOfForgedIdsKeepsRealPeers();
    void garbageIsIgnored();
    void cliListsTheOthers();
    void ipv6OnlyLinkFindsEachOther();

private:
    // Starts agents A, B, C on hosts 1, 2, 3 and waits until each lists the other two.
    void startAll();

    std::unique_ptr<NetnsLab> m_lab;
    std::unique_ptr<Agent> m_agents[Hosts];
};

void TestPresenceNetns::init()
{
    const bool ipv6Only = QByteArrayView(QTest::currentTestFunction()) == "ipv6OnlyLinkFindsEachOther";
    m_lab
        = std::make_unique<NetnsLab>(ipv6Only ? 2 : Hosts, ipv6Only ? NetnsLab::Link::Ipv6Only : NetnsLab::Link::Ipv4);
    if (!m_lab->available())
        QSKIP(qPrintable(m_lab->skipReason()));
}

void TestPresenceNetns::cleanup()
{
    for (auto &agent : m_agents)
        agent.reset();
    m_lab.reset();
}

void TestPresenceNetns::startAll()
{
    const QString names[Hosts] = {QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C")};
    for (int i = 0; i < Hosts; ++i)
        m_agents[i] = std::make_unique<Agent>(*m_lab, i + 1, names[i]);
    for (int i = 0; i < Hosts; ++i) {
        for (int j = 0; j < Hosts; ++j) {
            if (i != j)
                QTRY_VERIFY2_WITH_TIMEOUT(m_agents[i]->saw(ev(QStringLiteral("online"), names[j], j + 1)),
                                          qPrintable(m_agents[i]->lines().join(QLatin1Char('|'))), 5000);
        }
    }
}

void TestPresenceNetns::threeHostsSeeEachOther()
{
    startAll();
    // Each peer comes online once, however many ways (broadcast, multicast) its datagrams arrive.
    QTest::qWait(3 * ReannounceMs);
    QCOMPARE(m_agents[0]->count(ev(QStringLiteral("online"), QStringLiteral("B"), 2)), 1);
    m_agents[0]->send(QStringLiteral("count"));
    QTRY_COMPARE(m_agents[0]->last(QStringLiteral("count")), QStringLiteral("count 2"));
}

void TestPresenceNetns::awayBackAndLeave()
{
    startAll();
    m_agents[1]->send(QStringLiteral("away"));
    QTRY_VERIFY(m_agents[0]->saw(ev(QStringLiteral("away"), QStringLiteral("B"), 2)));
    QTRY_VERIFY(m_agents[2]->saw(ev(QStringLiteral("away"), QStringLiteral("B"), 2)));
    m_agents[1]->send(QStringLiteral("online"));
    QTRY_COMPARE(m_agents[0]->count(ev(QStringLiteral("online"), QStringLiteral("B"), 2)), 2);
    m_agents[2]->send(QStringLiteral("leave"));
    QTRY_VERIFY(m_agents[0]->saw(ev(QStringLiteral("left"), QStringLiteral("C"), 3)));
    QTRY_VERIFY(m_agents[1]->saw(ev(QStringLiteral("left"), QStringLiteral("C"), 3)));
    m_agents[0]->send(QStringLiteral("has C"));
    QTRY_COMPARE(m_agents[0]->last(QStringLiteral("has")), QStringLiteral("has C no"));
}

void TestPresenceNetns::addressChangeFollowedByInstallId()
{
    startAll();
    QVERIFY2(m_lab->ipOn(2, QStringLiteral("addr flush dev eth0")), qPrintable(m_lab->lastError()));
    QVERIFY2(m_lab->ipOn(2, QStringLiteral("addr add 198.18.0.12/24 brd + dev eth0")), qPrintable(m_lab->lastError()));
    // B's next re-announce comes from its new address: the same peer, moved.
    QTRY_VERIFY_WITH_TIMEOUT(m_agents[0]->saw(QStringLiteral("event changed B 198.18.0.12")), 5000);
    m_agents[0]->send(QStringLiteral("count"));
    QTRY_COMPARE(m_agents[0]->last(QStringLiteral("count")), QStringLiteral("count 2"));
    QVERIFY(!m_agents[0]->saw(QStringLiteral("event online B 198.18.0.12")));
}

void TestPresenceNetns::silentPeerAgesOut()
{
    startAll();
    m_agents[2]->kill(); // no leave: it just stops being heard
    QTRY_VERIFY_WITH_TIMEOUT(m_agents[0]->saw(ev(QStringLiteral("aged"), QStringLiteral("C"), 3)), 5000);
    QTRY_VERIFY(m_agents[1]->saw(ev(QStringLiteral("aged"), QStringLiteral("C"), 3)));
    // B keeps re-announcing, so it is never aged.
    QTest::qWait(1500);
    QVERIFY(!m_agents[0]->saw(ev(QStringLiteral("aged"), QStringLiteral("B"), 2)));
}

void TestPresenceNetns::floodOfForgedIdsKeepsRealPeers()
{
    startAll();
    m_agents[2]->send(QStringLiteral("flood 5000 ") + NetnsLab::address(1));
    QTRY_VERIFY_WITH_TIMEOUT(m_agents[2]->last(QStringLiteral("flooded")).startsWith(QLatin1String("flooded")), 10000);
    QVERIFY2(statReaches(*m_agents[0], 1, 1200, 10000), qPrintable(m_agents[0]->last(QStringLiteral("stats"))));
    m_agents[0]->send(QStringLiteral("count"));
    m_agents[0]->send(QStringLiteral("has B"));
    QTRY_VERIFY(m_agents[0]->last(QStringLiteral("has")) == QStringLiteral("has B yes"));
    const int count = m_agents[0]->last(QStringLiteral("count")).section(QLatin1Char(' '), 1).toInt();
    QVERIFY2(count > 100 && count <= 1024, qPrintable(QString::number(count)));
    // Thousands of probes, but the answers were limited.
    const QStringList stats = m_agents[0]->last(QStringLiteral("stats")).split(QLatin1Char(' '));
    QVERIFY2(stats.value(3).toInt() < 500, qPrintable(stats.join(QLatin1Char(' '))));
    QVERIFY2(stats.value(4).toInt() > 500, qPrintable(stats.join(QLatin1Char(' '))));
    // And A still serves its real peers: a change of B's reaches it.
    m_agents[1]->send(QStringLiteral("name B2"));
    QTRY_VERIFY(m_agents[0]->saw(ev(QStringLiteral("changed"), QStringLiteral("B2"), 2)));
}

void TestPresenceNetns::garbageIsIgnored()
{
    startAll();
    // UDP may drop some under load (the 60,000-byte datagrams fill a receive buffer fast): sent
    // again until a good part of it was heard and refused.
    bool refused = false;
    for (int round = 0; round < 5 && !refused; ++round) {
        m_agents[2]->send(QStringLiteral("garbage ") + NetnsLab::address(1));
        QTRY_COMPARE(m_agents[2]->count(QStringLiteral("garbage sent")), round + 1);
        refused = statReaches(*m_agents[0], 2, 200, 1000);
    }
    QVERIFY2(refused, qPrintable(m_agents[0]->last(QStringLiteral("stats"))));
    m_agents[1]->send(QStringLiteral("name B3"));
    QTRY_VERIFY2(m_agents[0]->saw(ev(QStringLiteral("changed"), QStringLiteral("B3"), 2)),
                 qPrintable(m_agents[0]->lines().join(QLatin1Char('|')) + QLatin1Char('#')
                            + m_agents[1]->lines().join(QLatin1Char('|'))));
    QVERIFY(!m_agents[0]->lines().join(QLatin1Char('|')).contains(QLatin1String("garbage")));
}

void TestPresenceNetns::cliListsTheOthers()
{
    m_agents[1] = std::make_unique<Agent>(*m_lab, 2, QStringLiteral("B"));
    m_agents[2] = std::make_unique<Agent>(*m_lab, 3, QStringLiteral("C"));
    QTRY_VERIFY(m_agents[1]->saw(ev(QStringLiteral("online"), QStringLiteral("C"), 3)));
    QTemporaryDir config;
    QProcess cli;
    cli.start(
        QStringLiteral("ip"),
        m_lab->execArguments(1, QStringLiteral("env"),
                             {QStringLiteral("TINCAN_ANNOUNCE_INTERFACES=eth0"), QStringLiteral("TINCAN_DISCOVERY=on"),
                              QStringLiteral("XDG_CONFIG_HOME=") + config.path(), qEnvironmentVariable("TINCAN_CLI"),
                              QStringLiteral("peers"), QStringLiteral("--wait"), QStringLiteral("1"),
                              QStringLiteral("--name"), QStringLiteral("lister")}));
    QVERIFY(cli.waitForFinished(10000));
    const QString out = QString::fromUtf8(cli.readAllStandardOutput());
    QCOMPARE(cli.exitCode(), 0);
    QCOMPARE(out, QStringLiteral("198.18.0.2 tincan online B\n198.18.0.3 tincan online C\n"));
    // It was listed while it ran, and said it left.
    QTRY_VERIFY(m_agents[1]->saw(ev(QStringLiteral("online"), QStringLiteral("lister"), 1)));
    QTRY_VERIFY(m_agents[1]->saw(ev(QStringLiteral("left"), QStringLiteral("lister"), 1)));
}

void TestPresenceNetns::ipv6OnlyLinkFindsEachOther()
{
    // No IPv4 address on either host's link: no broadcast and no IPv4 group can carry anything.
    for (int host = 1; host <= 2; ++host) {
        QProcess ip;
        ip.start(QStringLiteral("ip"),
                 m_lab->execArguments(host, QStringLiteral("ip"),
                                      {QStringLiteral("-4"), QStringLiteral("addr"), QStringLiteral("show"),
                                       QStringLiteral("dev"), QStringLiteral("eth0")}));
        QVERIFY(ip.waitForFinished(10000));
        QVERIFY2(!ip.readAllStandardOutput().contains("inet "), "an IPv4 address on the IPv6-only link");
    }
    m_agents[0] = std::make_unique<Agent>(*m_lab, 1, QStringLiteral("A"));
    m_agents[1] = std::make_unique<Agent>(*m_lab, 2, QStringLiteral("B"));
    // Each hears the other's probe or announce on ff02::7463:616e from its link-local address.
    const QString aSeesB = QStringLiteral("event online B ") + NetnsLab::ipv6Address(2);
    const QString bSeesA = QStringLiteral("event online A ") + NetnsLab::ipv6Address(1);
    QTRY_VERIFY2_WITH_TIMEOUT(m_agents[0]->saw(aSeesB), qPrintable(m_agents[0]->lines().join(QLatin1Char('|'))), 5000);
    QTRY_VERIFY2_WITH_TIMEOUT(m_agents[1]->saw(bSeesA), qPrintable(m_agents[1]->lines().join(QLatin1Char('|'))), 5000);
    // And a change goes the same way.
    m_agents[1]->send(QStringLiteral("away"));
    QTRY_VERIFY(m_agents[0]->saw(QStringLiteral("event away B ") + NetnsLab::ipv6Address(2)));
    m_agents[0]->send(QStringLiteral("count"));
    QTRY_COMPARE(m_agents[0]->last(QStringLiteral("count")), QStringLiteral("count 1"));
}

QTEST_GUILESS_MAIN(TestPresenceNetns)
#include "tst_presencenetns.moc"
