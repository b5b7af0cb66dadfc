// `tincan-cli serve` with the echo and UDP command services, and `tincan-cli
// echo`, run as processes the way users and scripts run them. The clients of
// the served ports are plain sockets written from the tutorial's description.
#include "nettesthelpers.h"
#include "servicetesthelpers.h"

#include <QElapsedTimer>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

#include <csignal>
#include <memory>

using namespace std::chrono_literals;
using Tincan::Test::livingProcessCountInGroup;
using Tincan::Test::UdpPeer;

namespace {

constexpr int ProcessTimeoutMs = 20000;
// tincan-cli echo waits this long for a reply (its ReplyTimeout).
constexpr int EchoReplyTimeoutMs = 5000;
const QHostAddress Loopback(QHostAddress::LocalHost);
const QStringList ServiceNames{QStringLiteral("console"), QStringLiteral("echo-tcp"), QStringLiteral("echo-udp"),
                               QStringLiteral("exec-udp")};

QString cliPath()
{
    const QString path = qEnvironmentVariable("TINCAN_CLI");
    return path.isEmpty() ? QStringLiteral("tincan-cli") : path;
}

// A `tincan-cli serve` child, killed (and waited for) at the end if still running.
class ServeProcess
{
public:
    explicit ServeProcess(const QStringList &arguments)
    {
        m_process.setProgram(cliPath());
        m_process.setArguments(QStringList{QStringLiteral("serve")} + arguments);
        m_process.start();
    }
    ~ServeProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(ProcessTimeoutMs);
        }
    }
    Q_DISABLE_COPY_MOVE(ServeProcess)

    QProcess &process() { return m_process; }

    // Waits for `count` complete lines on stdout; returns all lines so far.
    QStringList waitForLines(int count)
    {
        QElapsedTimer timer;
        timer.start();
        while (m_stdout.count('\n') < count && timer.elapsed() < ProcessTimeoutMs) {
            m_stdout += m_process.readAllStandardOutput();
            if (m_stdout.count('\n') >= count || m_process.state() == QProcess::NotRunning)
                break;
            m_process.waitForReadyRead(100);
        }
        m_stdout += m_process.readAllStandardOutput();
        return lines();
    }
    QStringList lines() const { return QString::fromUtf8(m_stdout).split(QLatin1Char('\n'), Qt::SkipEmptyParts); }
    QByteArray readStderr() { return m_stderr += m_process.readAllStandardError(); }
    // Waits for `needle` on stderr (the event log).
    bool waitForStderr(const QByteArray &needle)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < ProcessTimeoutMs) {
            if (readStderr().contains(needle))
                return true;
            if (m_process.state() == QProcess::NotRunning)
                return false;
            m_process.waitForReadyRead(100);
        }
        return false;
    }
    // Sends SIGTERM and waits; true if it exited normally with code 0.
    bool terminate()
    {
        ::kill(pid_t(m_process.processId()), SIGTERM);
        return m_process.waitForFinished(ProcessTimeoutMs) && m_process.exitStatus() == QProcess::NormalExit
            && m_process.exitCode() == 0;
    }
    QByteArray remainingStdout()
    {
        m_stdout += m_process.readAllStandardOutput();
        return m_stdout;
    }

private:
    QProcess m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
};

// The services announced by `lines`, by name, in order: "NAME: listening on ADDR:PORT".
struct Announced
{
    QStringList names;
    QMap<QString, quint16> ports;
    QStringList addresses;
};
Announced parseAnnouncements(const QStringList &lines)
{
    static const QRegularExpression pattern(QStringLiteral("^([a-z-]+): listening on (\\S+):(\\d+)$"));
    Announced result;
    for (const QString &line : lines) {
        const QRegularExpressionMatch match = pattern.match(line);
        if (!match.hasMatch())
            continue;
        result.names.append(match.captured(1));
        result.addresses.append(match.captured(2));
        result.ports.insert(match.captured(1), quint16(match.captured(3).toUInt()));
    }
    return result;
}

struct Result
{
    int exitCode = -1; // -1 if it crashed or hung
    QByteArray out;
    QByteArray err;
};

Result finish(QProcess &process)
{
    Result result;
    if (!process.waitForFinished(ProcessTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

Result runCli(const QStringList &arguments)
{
    QProcess process;
    process.start(cliPath(), arguments);
    return finish(process);
}

QStringList echoArgs(quint16 port, const QString &text, bool udp)
{
    QStringList arguments{QStringLiteral("echo"), QStringLiteral("127.0.0.1:%1").arg(port), text};
    if (udp)
        arguments.append(QStringLiteral("--udp"));
    return arguments;
}

// A port that nothing listens on (TCP) or is bound to (UDP) right now.
quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(Loopback, 0) ? probe.serverPort() : 0;
}

} // namespace

class TestCliServices : public QObject
{
    Q_OBJECT

private:
    // One `serve` with every service, shared by the tests that only use it.
    std::unique_ptr<ServeProcess> m_serve;
    QStringList m_lines;
    QMap<QString, quint16> m_ports;

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void serveAnnouncesEachServiceOnce();
    void servedConsoleAnswersClassicClient();
    void servedEchoTcp();
    void servedEchoUdp();
    void servedExecUdp();
    void echoPrintsUpperCasedReply_data();
    void echoPrintsUpperCasedReply();
    void echoConnectionRefused();
    void echoTimesOutWithoutReply();
    void servePortInUse_data();
    void servePortInUse();
    void serveExecUdpRefusesNetworkWithoutInsecure();
    void serveNetworkBind_data();
    void serveNetworkBind();
    void serveStopsOnSigterm();
};

void TestCliServices::initTestCase()
{
    m_serve = std::make_unique<ServeProcess>(QStringList{
        QStringLiteral("--console"), QStringLiteral("0"), QStringLiteral("--echo-tcp"), QStringLiteral("0"),
        QStringLiteral("--echo-udp"), QStringLiteral("0"), QStringLiteral("--exec-udp"), QStringLiteral("0")});
    m_lines = m_serve->waitForLines(int(ServiceNames.size()));
    m_ports = parseAnnouncements(m_lines).ports;
    QVERIFY2(
        m_ports.size() == ServiceNames.size(),
        qPrintable(m_lines.join(QLatin1Char('|')) + QLatin1Char(' ') + QString::fromLocal8Bit(m_serve->readStderr())));
}

void TestCliServices::cleanupTestCase()
{
    if (!m_serve)
        return;
    QVERIFY(m_serve->terminate());
    // Nothing but the announcements was ever printed on stdout.
    const QStringList lines
        = QString::fromUtf8(m_serve->remainingStdout()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines, m_lines);
}

void TestCliServices::serveAnnouncesEachServiceOnce()
{
    QCOMPARE(m_lines.size(), ServiceNames.size());
    const Announced announced = parseAnnouncements(m_lines);
    QCOMPARE(announced.names, ServiceNames);
    for (const QString &address : announced.addresses)
        QCOMPARE(address, QStringLiteral("127.0.0.1"));
    for (const QString &name : ServiceNames)
        QVERIFY2(announced.ports.value(name) != 0, qPrintable(name));
}

void TestCliServices::servedConsoleAnswersClassicClient()
{
    QTcpSocket client;
    QByteArray received;
    connect(&client, &QTcpSocket::readyRead, this, [&] { received += client.readAll(); });
    client.connectToHost(Loopback, m_ports.value(QStringLiteral("console")));
    client.write("echo via console");
    QTRY_VERIFY_WITH_TIMEOUT(Tincan::Test::classicReplyPayload(received).has_value(), ProcessTimeoutMs);
    QCOMPARE(*Tincan::Test::classicReplyPayload(received), QByteArray("via console\n"));
}

void TestCliServices::servedEchoTcp()
{
    QTcpSocket client;
    QByteArray received;
    connect(&client, &QTcpSocket::readyRead, this, [&] { received += client.readAll(); });
    client.connectToHost(Loopback, m_ports.value(QStringLiteral("echo-tcp")));
    const QByteArray text("served h\xc3\xa9llo\n");
    client.write(text);
    QTRY_COMPARE(received, QByteArray("SERVED H\xc3\xa9LLO\n"));
}

void TestCliServices::servedEchoUdp()
{
    UdpPeer peer;
    QVERIFY(peer.send("served datagram", m_ports.value(QStringLiteral("echo-udp"))));
    QTRY_COMPARE(peer.received().size(), 1);
    QCOMPARE(peer.payload(0), QByteArray("SERVED DATAGRAM"));
    QCOMPARE(peer.received().at(0).senderPort(), int(m_ports.value(QStringLiteral("echo-udp"))));
}

void TestCliServices::servedExecUdp()
{
    UdpPeer peer;
    QVERIFY(peer.send("echo out; echo err >&2", m_ports.value(QStringLiteral("exec-udp"))));
    QTRY_COMPARE(peer.received().size(), 2);
    QCOMPARE(peer.payload(0), QByteArray("err\n"));
    QCOMPARE(peer.payload(1), QByteArray("out\n"));
}

void TestCliServices::echoPrintsUpperCasedReply_data()
{
    QTest::addColumn<bool>("udp");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("expected");
    const QString text = QStringLiteral("hello, w\u00f6rld 123!");
    const QByteArray upper("HELLO, W\xc3\xb6RLD 123!");
    QTest::newRow("TCP") << false << text << upper;
    QTest::newRow("UDP") << true << text << upper;
    QTest::newRow("TCP one letter") << false << QStringLiteral("a") << QByteArray("A");
    QTest::newRow("UDP empty") << true << QString() << QByteArray();
}

void TestCliServices::echoPrintsUpperCasedReply()
{
    QFETCH(bool, udp);
    QFETCH(QString, text);
    QFETCH(QByteArray, expected);
    const quint16 port = m_ports.value(udp ? QStringLiteral("echo-udp") : QStringLiteral("echo-tcp"));
    const Result result = runCli(echoArgs(port, text, udp));
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QCOMPARE(result.out, expected + '\n');
    QCOMPARE(result.err, QByteArray());
}

void TestCliServices::echoConnectionRefused()
{
    const quint16 port = freePort();
    QVERIFY(port != 0);
    const Result result = runCli(echoArgs(port, QStringLiteral("anyone?"), false));
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains("refused"), result.err.constData());
    QVERIFY(result.err.contains(QByteArray::number(port)));
    QCOMPARE(result.out, QByteArray());
}

void TestCliServices::echoTimesOutWithoutReply()
{
    // Servers that take the request and never answer. Both clients run at
    // once: each waits the whole timeout.
    QUdpSocket silentUdp;
    QVERIFY(silentUdp.bind(Loopback, 0, QAbstractSocket::DontShareAddress));
    QTcpServer silentTcp;
    QVERIFY(silentTcp.listen(Loopback, 0));

    QProcess udpClient;
    udpClient.start(cliPath(), echoArgs(silentUdp.localPort(), QStringLiteral("ping"), true));
    QProcess tcpClient;
    tcpClient.start(cliPath(), echoArgs(silentTcp.serverPort(), QStringLiteral("ping"), false));
    QElapsedTimer elapsed;
    elapsed.start();
    const Result udp = finish(udpClient);
    const Result tcp = finish(tcpClient);

    for (const Result *result : {&udp, &tcp}) {
        QCOMPARE(result->exitCode, 1);
        QVERIFY2(result->err.contains("no complete reply"), result->err.constData());
        QVERIFY(result->err.contains("5 seconds"));
        QCOMPARE(result->out, QByteArray());
    }
    QVERIFY(udp.err.contains(QByteArray::number(silentUdp.localPort())));
    QVERIFY(tcp.err.contains(QByteArray::number(silentTcp.serverPort())));
    QVERIFY(elapsed.elapsed() >= Tincan::Test::earliest(std::chrono::milliseconds(EchoReplyTimeoutMs)));

    // The requests did arrive: the silence was the servers'.
    QVERIFY(silentUdp.hasPendingDatagrams());
    QCOMPARE(silentUdp.receiveDatagram().data(), QByteArray("ping"));
    QVERIFY(silentTcp.waitForNewConnection(1000) || silentTcp.hasPendingConnections());
    QTcpSocket *accepted = silentTcp.nextPendingConnection();
    QVERIFY(accepted);
    if (accepted->bytesAvailable() == 0)
        accepted->waitForReadyRead(1000);
    QCOMPARE(accepted->readAll(), QByteArray("ping"));
}

void TestCliServices::servePortInUse_data()
{
    QTest::addColumn<QString>("service");
    QTest::addColumn<bool>("udp");
    QTest::addColumn<QStringList>("before"); // services asked for ahead of it
    QTest::newRow("console") << QStringLiteral("console") << false << QStringList();
    QTest::newRow("echo-tcp") << QStringLiteral("echo-tcp") << false << QStringList();
    QTest::newRow("echo-udp") << QStringLiteral("echo-udp") << true << QStringList();
    QTest::newRow("exec-udp") << QStringLiteral("exec-udp") << true << QStringList();
    QTest::newRow("exec-udp after two that started") << QStringLiteral("exec-udp") << true
                                                     << QStringList{QStringLiteral("--console"), QStringLiteral("0"),
                                                                    QStringLiteral("--echo-tcp"), QStringLiteral("0")};
}

void TestCliServices::servePortInUse()
{
    QFETCH(QString, service);
    QFETCH(bool, udp);
    QFETCH(QStringList, before);
    QTcpServer tcpBlocker;
    QUdpSocket udpBlocker;
    quint16 port = 0;
    if (udp) {
        QVERIFY(udpBlocker.bind(Loopback, 0, QAbstractSocket::DontShareAddress));
        port = udpBlocker.localPort();
    } else {
        QVERIFY(tcpBlocker.listen(Loopback, 0));
        port = tcpBlocker.serverPort();
    }
    const Result result
        = runCli(QStringList{QStringLiteral("serve")} + before
                 + QStringList{QStringLiteral("--%1").arg(service), QString::number(port), QStringLiteral("--quiet")});
    QVERIFY(result.exitCode != 0);
    QVERIFY(result.exitCode != -1); // a clean failure, not a crash
    const QString err = QString::fromLocal8Bit(result.err);
    QVERIFY2(err.contains(service + QLatin1Char(':')), qPrintable(err));
    QVERIFY2(err.contains(QString::number(port)), qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("in use")), qPrintable(err));
    // Nothing is announced unless everything started.
    QCOMPARE(result.out, QByteArray());
}

void TestCliServices::serveExecUdpRefusesNetworkWithoutInsecure()
{
    const Result result = runCli({QStringLiteral("serve"), QStringLiteral("--exec-udp"), QStringLiteral("0"),
                                  QStringLiteral("--bind"), QStringLiteral("0.0.0.0")});
    QCOMPARE(result.exitCode, 1);
    const QString err = QString::fromLocal8Bit(result.err);
    QVERIFY2(err.contains(QStringLiteral("exec-udp:")), qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("--insecure")), qPrintable(err));
    QCOMPARE(result.out, QByteArray());
}

void TestCliServices::serveNetworkBind_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<bool>("warns");
    // The echoes run no commands: they need no --insecure.
    QTest::newRow("echoes") << QStringList{QStringLiteral("--echo-tcp"), QStringLiteral("0"),
                                           QStringLiteral("--echo-udp"), QStringLiteral("0")}
                            << QStringList{QStringLiteral("echo-tcp"), QStringLiteral("echo-udp")} << false;
    QTest::newRow("exec-udp --insecure") << QStringList{QStringLiteral("--exec-udp"), QStringLiteral("0"),
                                                        QStringLiteral("--insecure")}
                                         << QStringList{QStringLiteral("exec-udp")} << true;
}

void TestCliServices::serveNetworkBind()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, names);
    QFETCH(bool, warns);
    ServeProcess serve(arguments + QStringList{QStringLiteral("--bind"), QStringLiteral("0.0.0.0")});
    const Announced announced = parseAnnouncements(serve.waitForLines(int(names.size())));
    QVERIFY2(announced.names == names, serve.readStderr().constData());
    for (const QString &address : announced.addresses)
        QCOMPARE(address, QStringLiteral("0.0.0.0"));
    QCOMPARE(serve.readStderr().contains("WARNING"), warns);
    QVERIFY(serve.terminate());
}

void TestCliServices::serveStopsOnSigterm()
{
    ServeProcess serve({QStringLiteral("--console"), QStringLiteral("0"), QStringLiteral("--echo-tcp"),
                        QStringLiteral("0"), QStringLiteral("--echo-udp"), QStringLiteral("0"),
                        QStringLiteral("--exec-udp"), QStringLiteral("0")});
    const QMap<QString, quint16> ports = parseAnnouncements(serve.waitForLines(int(ServiceNames.size()))).ports;
    QCOMPARE(ports.size(), ServiceNames.size());

    // A connected echo client, and commands running on the console and the UDP command service.
    QTcpSocket echoClient;
    QByteArray echoed;
    connect(&echoClient, &QTcpSocket::readyRead, this, [&] { echoed += echoClient.readAll(); });
    echoClient.connectToHost(Loopback, ports.value(QStringLiteral("echo-tcp")));
    echoClient.write("x");
    QTRY_COMPARE(echoed, QByteArray("X"));
    UdpPeer peer;
    QVERIFY(peer.send("sleep 30", ports.value(QStringLiteral("exec-udp"))));
    QTcpSocket classic;
    QByteArray classicReply;
    connect(&classic, &QTcpSocket::readyRead, this, [&] { classicReply += classic.readAll(); });
    classic.connectToHost(Loopback, ports.value(QStringLiteral("console")));
    QVERIFY(classic.waitForConnected(ProcessTimeoutMs));
    classic.write("sleep 30");
    QVERIFY(classic.waitForBytesWritten(ProcessTimeoutMs));
    QVERIFY(serve.waitForStderr("exec-udp: started pid"));
    QVERIFY(serve.waitForStderr("request 1 started pid"));
    static const QRegularExpression pidPattern(QStringLiteral("started pid (\\d+)"));
    QList<qint64> groups;
    for (auto it = pidPattern.globalMatch(QString::fromLocal8Bit(serve.readStderr())); it.hasNext();)
        groups.append(it.next().captured(1).toLongLong());
    QCOMPARE(groups.size(), 2);
    for (qint64 group : std::as_const(groups))
        QTRY_VERIFY(livingProcessCountInGroup(group) > 0);

    QVERIFY2(serve.terminate(), serve.readStderr().constData());
    for (qint64 group : std::as_const(groups))
        QTRY_COMPARE(livingProcessCountInGroup(group), 0);
    QTRY_COMPARE(echoClient.state(), QAbstractSocket::UnconnectedState);
    // The classic client got its one reply, for a command ended by SIGTERM.
    QTRY_VERIFY(Tincan::Test::classicReplyPayload(classicReply).has_value());
    QVERIFY(classicReply.contains("\"signal\":15"));
}

QTEST_GUILESS_MAIN(TestCliServices)
#include "tst_cliservices.moc"
