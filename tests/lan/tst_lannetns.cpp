// The LAN as users meet it, in three network namespaces on one bridge (tests/common/netns.h):
// `tincan-cli chat` on two hosts finds the other with no addresses typed, chats by name with
// reliable delivery, and says who comes and goes; an IP Messenger (ipmsgpeer.cpp, written from
// the protocol description) on the third host is listed and chats both ways, in UTF-8 and in GBK,
// each message shown once; a port 2425 already taken is said plainly and the chat goes on.
// Nothing here touches the machine's own interfaces; skipped without root.
#include "tests/common/netns.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Tincan::Test;
using namespace Qt::StringLiterals;

namespace {
constexpr int Hosts = 3;
constexpr int WaitMs = 8000;

// A program in a namespace: its output lines (stdout and stderr apart), and lines to its stdin.
class Program
{
public:
    Program(const NetnsLab &lab, int host, const QStringList &command)
    {
        QStringList environment{u"TINCAN_ANNOUNCE_INTERFACES=eth0"_s, u"TINCAN_DISCOVERY=on"_s,
                                u"IPMSGPEER_SELF=%1"_s.arg(NetnsLab::address(host)),
                                u"XDG_CONFIG_HOME="_s + m_config.path(), u"USER=user%1"_s.arg(host)};
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput,
                         [this] { m_out += QString::fromUtf8(m_process.readAllStandardOutput()); });
        QObject::connect(&m_process, &QProcess::readyReadStandardError,
                         [this] { m_err += QString::fromUtf8(m_process.readAllStandardError()); });
        m_process.start(u"ip"_s, lab.execArguments(host, u"env"_s, environment + command));
    }
    ~Program()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    void send(const QString &line) { m_process.write((line + QLatin1Char('\n')).toUtf8()); }
    void endInput() { m_process.closeWriteChannel(); }
    QStringList lines() const { return m_out.split(QLatin1Char('\n'), Qt::SkipEmptyParts); }
    QString errors() const { return m_err; }
    bool saw(const QString &line) const { return lines().contains(line); }
    qsizetype count(const QString &line) const { return lines().count(line); }
    bool finished() const { return m_process.state() == QProcess::NotRunning; }
    int exitCode() const { return m_process.exitCode(); }
    QString all() const { return m_out + u"|stderr: "_s + m_err; }

private:
    QTemporaryDir m_config;
    QProcess m_process;
    QString m_out, m_err;
};

QStringList chat(const QString &name)
{
    return {qEnvironmentVariable("TINCAN_CLI"), u"chat"_s, u"--name"_s, name};
}

QStringList ipmsgPeer(const QString &nickname, const QString &encoding)
{
    return {QStringLiteral(TINCAN_IPMSG_PEER), u"wang"_s, nickname, u"研发部"_s, encoding};
}

QString address(int host)
{
    return NetnsLab::address(host);
}
} // namespace

class TestLanNetns : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void twoTincansChatByNameWithoutAddresses();
    void ipmsgPeerChatsBothWays_data();
    void ipmsgPeerChatsBothWays();
    void sealedIpmsgMessageIsReadOnceShown();
    void unconfirmedIpmsgMessageIsRetried();
    void sendAndPeersByName();
    void takenIpmsgPortIsSaidAndChatGoesOn();

private:
    std::unique_ptr<NetnsLab> m_lab;
};

void TestLanNetns::init()
{
    m_lab = std::make_unique<NetnsLab>(Hosts);
    if (!m_lab->available())
        QSKIP(qPrintable(m_lab->skipReason()));
}

void TestLanNetns::cleanup()
{
    m_lab.reset();
}

void TestLanNetns::twoTincansChatByNameWithoutAddresses()
{
    Program alice(*m_lab, 1, chat(u"alice"_s));
    Program bob(*m_lab, 2, chat(u"bob"_s));
    QTRY_VERIFY2_WITH_TIMEOUT(alice.saw(u"* bob (%1, tincan) is online"_s.arg(address(2))), qPrintable(alice.all()),
                              WaitMs);
    QTRY_VERIFY2_WITH_TIMEOUT(bob.saw(u"* alice (%1, tincan) is online"_s.arg(address(1))), qPrintable(bob.all()),
                              WaitMs);
    // Listed once: a Tincan's IP Messenger side is not a second peer.
    QVERIFY2(!alice.all().contains(u"ipmsg"_s), qPrintable(alice.all()));

    alice.send(u"@bob hello bob, 你好"_s);
    QTRY_VERIFY2_WITH_TIMEOUT(bob.saw(u"[%1:8081] alice: hello bob, 你好"_s.arg(address(1))), qPrintable(bob.all()),
                              WaitMs);
    bob.send(u"hi alice"_s); // to the last sender
    QTRY_VERIFY2_WITH_TIMEOUT(alice.saw(u"[%1:8081] bob: hi alice"_s.arg(address(2))), qPrintable(alice.all()), WaitMs);
    // At the end of input alice waits for the acknowledgement (reliable delivery) and leaves 0.
    alice.endInput();
    QTRY_VERIFY_WITH_TIMEOUT(alice.finished(), WaitMs);
    QCOMPARE(alice.exitCode(), 0);
    QTRY_VERIFY2_WITH_TIMEOUT(bob.saw(u"* alice (%1, tincan) left"_s.arg(address(1))), qPrintable(bob.all()), WaitMs);
    QCOMPARE(bob.count(u"[%1:8081] alice: hello bob, 你好"_s.arg(address(1))), 1);
}

void TestLanNetns::ipmsgPeerChatsBothWays_data()
{
    QTest::addColumn<QString>("encoding");
    QTest::newRow("UTF-8 (IP Messenger, iptux)") << u"utf8"_s;
    QTest::newRow("GBK (FeiQ, older IP Messengers)") << u"gbk"_s;
}

void TestLanNetns::ipmsgPeerChatsBothWays()
{
    QFETCH(QString, encoding);
    Program wang(*m_lab, 3, ipmsgPeer(u"老王"_s, encoding));
    QTRY_VERIFY_WITH_TIMEOUT(wang.saw(u"ready"_s), WaitMs);
    Program alice(*m_lab, 1, chat(u"alice"_s));
    QTRY_VERIFY2_WITH_TIMEOUT(alice.saw(u"* 老王 (%1, ipmsg) is online"_s.arg(address(3))), qPrintable(alice.all()),
                              WaitMs);
    QTRY_VERIFY2_WITH_TIMEOUT(wang.saw(u"entry alice %1"_s.arg(address(1))), qPrintable(wang.all()), WaitMs);

    // Sent three times with one packet number: shown once, confirmed.
    wang.send(u"send %1 你好，我是老王"_s.arg(address(1)));
    const QString shown = u"[%1:2425] 老王: 你好，我是老王"_s.arg(address(3));
    QTRY_VERIFY2_WITH_TIMEOUT(alice.saw(shown), qPrintable(alice.all()), WaitMs);
    QTRY_VERIFY2_WITH_TIMEOUT(wang.all().contains(u"recvmsg "_s), qPrintable(wang.all()), WaitMs);
    QTest::qWait(300);
    QCOMPARE(alice.count(shown), 1);

    alice.send(u"@老王 收到，谢谢"_s);
    QTRY_VERIFY2_WITH_TIMEOUT(wang.saw(u"message %1 收到，谢谢"_s.arg(address(1))), qPrintable(wang.all()), WaitMs);
    alice.send(u"回复"_s); // to the last sender, by IP Messenger again
    QTRY_VERIFY2_WITH_TIMEOUT(wang.saw(u"message %1 回复"_s.arg(address(1))), qPrintable(wang.all()), WaitMs);

    wang.send(u"exit"_s);
    QTRY_VERIFY2_WITH_TIMEOUT(alice.saw(u"* 老王 (%1, ipmsg) left"_s.arg(address(3))), qPrintable(alice.all()), WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(wang.finished(), WaitMs);
    // Alice's own exit reaches IP Messengers too.
    Program wang2(*m_lab, 3, ipmsgPeer(u"小王"_s, encoding));
    QTRY_VERIFY2_WITH_TIMEOUT(wang2.saw(u"entry alice %1"_s.arg(address(1))), qPrintable(wang2.all()), WaitMs);
    alice.endInput();
    QTRY_VERIFY_WITH_TIMEOUT(alice.finished(), WaitMs);
    QTRY_VERIFY2_WITH_TIMEOUT(wang2.saw(u"exit alice %1"_s.arg(address(1))), qPrintable(wang2.all()), WaitMs);
}

void TestLanNetns::sealedIpmsgMessageIsReadOnceShown()
{
    Program wang(*m_lab, 3, ipmsgPeer(u"老王"_s, u"utf8"_s));
    QTRY_VERIFY_WITH_TIMEOUT(wang.saw(u"ready"_s), WaitMs);
    Program alice(*m_lab, 1, chat(u"alice"_s));
    QTRY_VERIFY_WITH_TIMEOUT(alice.saw(u"* 老王 (%1, ipmsg) is online"_s.arg(address(3))), WaitMs);
    wang.send(u"seal %1 sealed note"_s.arg(address(1)));
    QTRY_VERIFY_WITH_TIMEOUT(alice.saw(u"[%1:2425] 老王: sealed note"_s.arg(address(3))), WaitMs);
    QTRY_VERIFY2_WITH_TIMEOUT(wang.all().contains(u"read "_s), qPrintable(wang.all()), WaitMs);
    QTest::qWait(300);
    QCOMPARE(wang.all().count(u"read "_s), 1);
}

void TestLanNetns::unconfirmedIpmsgMessageIsRetried()
{
    Program wang(*m_lab, 3, ipmsgPeer(u"老王"_s, u"utf8"_s));
    QTRY_VERIFY_WITH_TIMEOUT(wang.saw(u"ready"_s), WaitMs);
    Program alice(*m_lab, 1, chat(u"alice"_s));
    QTRY_VERIFY_WITH_TIMEOUT(alice.saw(u"* 老王 (%1, ipmsg) is online"_s.arg(address(3))), WaitMs);
    wang.send(u"ignore 2"_s); // the first two tries are lost
    alice.send(u"@老王 lost twice"_s);
    QTRY_VERIFY2_WITH_TIMEOUT(wang.saw(u"message %1 lost twice"_s.arg(address(1))), qPrintable(wang.all()), WaitMs);
    alice.endInput();
    QTRY_VERIFY_WITH_TIMEOUT(alice.finished(), WaitMs);
    QCOMPARE(alice.exitCode(), 0);
    QCOMPARE(wang.count(u"message %1 lost twice"_s.arg(address(1))), 1);
}

void TestLanNetns::sendAndPeersByName()
{
    Program wang(*m_lab, 3, ipmsgPeer(u"老王"_s, u"gbk"_s));
    Program bob(*m_lab, 2, chat(u"bob"_s));
    QTRY_VERIFY_WITH_TIMEOUT(wang.saw(u"ready"_s), WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(bob.errors().contains(u"listening"_s), WaitMs);

    Program peers(*m_lab, 1, {qEnvironmentVariable("TINCAN_CLI"), u"peers"_s, u"--wait"_s, u"1"_s});
    QTRY_VERIFY_WITH_TIMEOUT(peers.finished(), WaitMs);
    QCOMPARE(peers.exitCode(), 0);
    QCOMPARE(peers.lines(),
             QStringList({u"%1 tincan online bob"_s.arg(address(2)), u"%1 ipmsg online 老王"_s.arg(address(3))}));

    Program toBob(*m_lab, 1,
                  {qEnvironmentVariable("TINCAN_CLI"), u"send"_s, u"--name"_s, u"carol"_s, u"bob"_s, u"by name"_s});
    QTRY_VERIFY_WITH_TIMEOUT(toBob.finished(), WaitMs);
    QCOMPARE(toBob.exitCode(), 0);
    QTRY_VERIFY2_WITH_TIMEOUT(bob.all().contains(u"carol: by name"_s), qPrintable(bob.all()), WaitMs);

    Program toWang(*m_lab, 1,
                   {qEnvironmentVariable("TINCAN_CLI"), u"send"_s, u"--name"_s, u"carol"_s, u"老王"_s, u"中文"_s});
    QTRY_VERIFY_WITH_TIMEOUT(toWang.finished(), WaitMs);
    QCOMPARE(toWang.exitCode(), 0);
    QTRY_VERIFY2_WITH_TIMEOUT(wang.saw(u"message %1 中文"_s.arg(address(1))), qPrintable(wang.all()), WaitMs);

    Program toNobody(*m_lab, 1,
                     {qEnvironmentVariable("TINCAN_CLI"), u"send"_s, u"--discover"_s, u"1"_s, u"nobody"_s, u"x"_s});
    QTRY_VERIFY_WITH_TIMEOUT(toNobody.finished(), WaitMs);
    QCOMPARE(toNobody.exitCode(), 1);
    QVERIFY2(toNobody.errors().contains(u"no peer of that name"_s), qPrintable(toNobody.errors()));
}

void TestLanNetns::takenIpmsgPortIsSaidAndChatGoesOn()
{
    // Another messenger holds 2425 on alice's host.
    Program other(*m_lab, 1, ipmsgPeer(u"other"_s, u"utf8"_s));
    QTRY_VERIFY_WITH_TIMEOUT(other.saw(u"ready"_s), WaitMs);
    Program alice(*m_lab, 1, chat(u"alice"_s));
    Program bob(*m_lab, 2, chat(u"bob"_s));
    QTRY_VERIFY2_WITH_TIMEOUT(alice.errors().contains(u"IP Messenger's UDP port 2425 is in use"_s),
                              qPrintable(alice.all()), WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(alice.saw(u"* bob (%1, tincan) is online"_s.arg(address(2))), WaitMs);
    alice.send(u"@bob still here"_s);
    QTRY_VERIFY2_WITH_TIMEOUT(bob.saw(u"[%1:8081] alice: still here"_s.arg(address(1))), qPrintable(bob.all()), WaitMs);
    QVERIFY(!alice.finished());
}

QTEST_GUILESS_MAIN(TestLanNetns)
#include "tst_lannetns.moc"
