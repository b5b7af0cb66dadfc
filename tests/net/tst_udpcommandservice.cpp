// The UDP command service over loopback, with real shell commands and a
// client written from the tutorial's description: one datagram holds the
// command; two come back, stderr first and then stdout, even when empty.
#include "net/services/udpcommandservice.h"
#include "nettesthelpers.h"
#include "servicetesthelpers.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <memory>
#include <vector>

using namespace Tincan;
using namespace std::chrono_literals;
using Tincan::Test::livingProcessCountInGroup;
using Tincan::Test::spinUntil;
using Tincan::Test::UdpPeer;

namespace {

const QHostAddress Loopback(QHostAddress::LocalHost);
constexpr int ReplyTimeoutMs = 10000;

// The notice that ends a cut reply: "...to KEPT of TOTAL bytes...".
const QRegularExpression TruncationNotice(
    QStringLiteral("\n\\[tincan: output truncated to (\\d+) of (\\d+) bytes to fit one datagram\\]\n$"));

QByteArray repeated(char c, qsizetype count)
{
    return QByteArray(count, c);
}

// A shell command that prints `count` copies of `c` (to stderr if asked).
QByteArray printCommand(char c, qsizetype count, bool toStderr = false)
{
    return "head -c " + QByteArray::number(count) + " /dev/zero | tr '\\0' " + QByteArray(1, c)
        + (toStderr ? " >&2" : "");
}

// What a cut reply says: the bytes kept and the total, or nullopt if uncut.
struct Cut
{
    qsizetype kept = -1;
    qint64 total = -1;
};
std::optional<Cut> cutOf(const QByteArray &datagram)
{
    // Only the tail can hold the notice; it is ASCII.
    const QString tail = QString::fromLatin1(datagram.right(200));
    const QRegularExpressionMatch match = TruncationNotice.match(tail);
    if (!match.hasMatch())
        return std::nullopt;
    return Cut{match.captured(1).toLongLong(), match.captured(2).toLongLong()};
}

} // namespace

class TestUdpCommandService : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<UdpCommandService> m_service;
    quint16 port() const { return m_service->localPort(); }

    // Sends `command` and waits for the two replies: {stderr, stdout}.
    std::optional<std::pair<QByteArray, QByteArray>> run(UdpPeer &peer, QByteArrayView command)
    {
        const qsizetype before = peer.received().size();
        if (!peer.send(command, port()))
            return std::nullopt;
        if (!spinUntil([&] { return peer.received().size() >= before + 2; }, std::chrono::milliseconds(ReplyTimeoutMs)))
            return std::nullopt;
        return std::pair{peer.payload(before), peer.payload(before + 1)};
    }

private Q_SLOTS:
    void init()
    {
        m_service = std::make_unique<UdpCommandService>();
        QVERIFY2(m_service->bind(Loopback, 0), qPrintable(m_service->errorString()));
        QVERIFY(m_service->isBound());
        QCOMPARE(m_service->localAddress(), Loopback);
    }
    void cleanup() { m_service.reset(); }

    void stderrThenStdout_data();
    void stderrThenStdout();
    void exactlyTwoDatagramsFromTheServicePort();
    void reportsTheCommand();
    void trafficObserved();
    void outputCutToOneDatagram_data();
    void outputCutToOneDatagram();
    void severalSendersAtOnce();
    void tooManyCommandsAreRefused();
    void closeKillsProcessGroups_data();
    void closeKillsProcessGroups();
    void hostileCommandBytes_data();
    void hostileCommandBytes();
    void refusesNetworkAddressUnlessInsecure_data();
    void refusesNetworkAddressUnlessInsecure();
    void portInUse();
};

void TestUdpCommandService::stderrThenStdout_data()
{
    QTest::addColumn<QByteArray>("command");
    QTest::addColumn<QByteArray>("err");
    QTest::addColumn<QByteArray>("out");

    QTest::newRow("both") << QByteArray("echo out; echo err >&2") << QByteArray("err\n") << QByteArray("out\n");
    QTest::newRow("true: two empty datagrams") << QByteArray("true") << QByteArray() << QByteArray();
    QTest::newRow("empty command") << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("exit code irrelevant")
        << QByteArray("echo failing; exit 3") << QByteArray() << QByteArray("failing\n");
    QTest::newRow("only stderr") << QByteArray("echo oops >&2; exit 1") << QByteArray("oops\n") << QByteArray();
    QTest::newRow("interleaved") << QByteArray("echo 1; echo 2 >&2; echo 3; echo 4 >&2") << QByteArray("2\n4\n")
                                 << QByteArray("1\n3\n");
    QTest::newRow("NUL in output") << QByteArray("printf 'a\\000b'") << QByteArray() << QByteArray("a\0b", 3);
    QTest::newRow("UTF-8") << QByteArray("echo 'h\xc3\xa9llo \xe4\xbd\xa0\xe5\xa5\xbd'") << QByteArray()
                           << QByteArray("h\xc3\xa9llo \xe4\xbd\xa0\xe5\xa5\xbd\n");
    QTest::newRow("pipeline") << QByteArray("printf 'b\\na\\n' | sort") << QByteArray() << QByteArray("a\nb\n");
    // Output of a job the command started is waited for (within a grace).
    QTest::newRow("background job") << QByteArray("(sleep 0.1; echo late) & echo early") << QByteArray()
                                    << QByteArray("early\nlate\n");
}

void TestUdpCommandService::stderrThenStdout()
{
    QFETCH(QByteArray, command);
    QFETCH(QByteArray, err);
    QFETCH(QByteArray, out);
    UdpPeer peer;
    QVERIFY(peer.isBound());
    const auto reply = run(peer, command);
    QVERIFY(reply);
    QCOMPARE(reply->first, err);
    QCOMPARE(reply->second, out);
}

void TestUdpCommandService::exactlyTwoDatagramsFromTheServicePort()
{
    UdpPeer peer;
    QVERIFY(run(peer, "true"));
    // A short wait to show that no third datagram follows.
    QTest::qWait(200);
    QCOMPARE(peer.received().size(), 2);
    for (const QNetworkDatagram &datagram : peer.received()) {
        QCOMPARE(datagram.senderAddress(), Loopback);
        QCOMPARE(datagram.senderPort(), int(port()));
        QVERIFY(datagram.data().isEmpty());
    }
}

void TestUdpCommandService::reportsTheCommand()
{
    QSignalSpy connected(m_service.get(), &UdpCommandService::clientConnected);
    QSignalSpy updated(m_service.get(), &UdpCommandService::clientUpdated);
    QSignalSpy disconnected(m_service.get(), &UdpCommandService::clientDisconnected);
    QSignalSpy started(m_service.get(), &UdpCommandService::commandStarted);
    QSignalSpy finished(m_service.get(), &UdpCommandService::commandFinished);
    UdpPeer peer;
    const QByteArray command("echo hi; echo bye >&2; exit 3");
    const auto reply = run(peer, command);
    QVERIFY(reply);
    QCOMPARE(reply->second, QByteArray("hi\n"));

    QCOMPARE(connected.count(), 1);
    const auto info = connected.at(0).at(0).value<ClientInfo>();
    QVERIFY(info.id != 0);
    QCOMPARE(info.address, Loopback);
    QCOMPARE(info.port, peer.port());
    QCOMPARE(info.protocol, QStringLiteral("UDP"));
    QCOMPARE(info.runningCommand, QString::fromUtf8(command));
    QCOMPARE(info.bytesIn, command.size());

    QCOMPARE(started.count(), 1);
    QCOMPARE(started.at(0).at(0).toULongLong(), info.id);
    QCOMPARE(started.at(0).at(1).toString(), QString::fromUtf8(command));
    QVERIFY(started.at(0).at(2).toLongLong() > 0);

    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toULongLong(), info.id);
    const auto exit = finished.at(0).at(2).value<ProcessExit>();
    QCOMPARE(exit.exitCode, 3);
    QCOMPARE(exit.signal, 0);

    QVERIFY(!updated.isEmpty());
    const auto last = updated.last().at(0).value<ClientInfo>();
    QCOMPARE(last.id, info.id);
    QVERIFY(last.runningCommand.isEmpty());
    QCOMPARE(last.bytesOut, qint64(strlen("bye\n") + strlen("hi\n")));
    QCOMPARE(disconnected.count(), 1);
    QCOMPARE(disconnected.at(0).at(0).toULongLong(), info.id);
    QCOMPARE(m_service->runningCount(), 0);
}

void TestUdpCommandService::trafficObserved()
{
    m_service->setTrafficObserved(true);
    QSignalSpy traffic(m_service.get(), &UdpCommandService::trafficObserved);
    UdpPeer peer;
    const QByteArray command("echo out; echo err >&2");
    QVERIFY(run(peer, command));
    QCOMPARE(traffic.count(), 3);
    const QList<std::pair<TrafficDirection, QByteArray>> expected{
        {TrafficDirection::In, command}, {TrafficDirection::Out, "err\n"}, {TrafficDirection::Out, "out\n"}};
    for (int i = 0; i < expected.size(); ++i) {
        QCOMPARE(traffic.at(i).at(1).value<TrafficDirection>(), expected.at(i).first);
        QCOMPARE(traffic.at(i).at(2).toByteArray(), expected.at(i).second);
    }
}

void TestUdpCommandService::outputCutToOneDatagram_data()
{
    QTest::addColumn<qint64>("errSize"); // bytes of 'e' the command writes to stderr
    QTest::addColumn<qint64>("outSize"); // bytes of 'o' to stdout
    const qint64 max = UdpCommandService::MaxReplyDatagram;
    QTest::newRow("stdout fits exactly") << qint64(0) << max;
    QTest::newRow("stdout one byte over") << qint64(0) << max + 1;
    QTest::newRow("stdout 1 MiB") << qint64(0) << qint64(1024 * 1024);
    QTest::newRow("stderr fits exactly") << max << qint64(0);
    QTest::newRow("stderr 200000") << qint64(200000) << qint64(0);
    QTest::newRow("both over") << qint64(100000) << qint64(300000);
}

void TestUdpCommandService::outputCutToOneDatagram()
{
    QFETCH(qint64, errSize);
    QFETCH(qint64, outSize);
    QByteArray command;
    if (errSize > 0)
        command += printCommand('e', errSize, true) + "; ";
    command += printCommand('o', outSize);
    UdpPeer peer;
    QVERIFY(peer.isBound());
    const auto reply = run(peer, command);
    QVERIFY(reply);

    const auto check = [](const QByteArray &datagram, char c, qint64 size) {
        QVERIFY(datagram.size() <= UdpCommandService::MaxReplyDatagram);
        const std::optional<Cut> cut = cutOf(datagram);
        if (size <= UdpCommandService::MaxReplyDatagram) {
            QVERIFY(!cut);
            QCOMPARE(datagram.size(), size);
            QVERIFY(datagram == repeated(c, size));
            return;
        }
        QVERIFY2(cut, datagram.right(200).constData());
        QCOMPARE(cut->total, size);
        QVERIFY(cut->kept > 0);
        // The kept bytes are the start of the output, then the notice.
        QVERIFY(datagram.startsWith(repeated(c, cut->kept)));
        QCOMPARE(datagram.at(cut->kept), '\n');
        QCOMPARE(datagram.indexOf('[') - 1, cut->kept);
        // The cut keeps most of what fits.
        QVERIFY(cut->kept >= UdpCommandService::MaxReplyDatagram - 200);
    };
    check(reply->first, 'e', errSize);
    if (QTest::currentTestFailed())
        return;
    check(reply->second, 'o', outSize);
}

void TestUdpCommandService::severalSendersAtOnce()
{
    constexpr int Senders = 10;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray go = QFile::encodeName(dir.filePath(QStringLiteral("go")));
    std::vector<std::unique_ptr<UdpPeer>> peers;
    for (int i = 0; i < Senders; ++i) {
        peers.push_back(std::make_unique<UdpPeer>());
        // Each waits for the others, so all of them run at once.
        const QByteArray command = "while [ ! -e '" + go + "' ]; do sleep 0.02; done; echo out" + QByteArray::number(i)
            + "; echo err" + QByteArray::number(i) + " >&2";
        QVERIFY(peers.back()->send(command, port()));
    }
    QTRY_COMPARE(m_service->runningCount(), Senders);
    QFile flag(QFile::decodeName(go));
    QVERIFY(flag.open(QIODevice::WriteOnly));
    flag.close();
    for (int i = 0; i < Senders; ++i) {
        QTRY_COMPARE_WITH_TIMEOUT(peers[i]->received().size(), 2, ReplyTimeoutMs);
        QCOMPARE(peers[i]->payload(0), "err" + QByteArray::number(i) + '\n');
        QCOMPARE(peers[i]->payload(1), "out" + QByteArray::number(i) + '\n');
    }
    QCOMPARE(m_service->runningCount(), 0);
}

void TestUdpCommandService::tooManyCommandsAreRefused()
{
    constexpr int Accepted = UdpCommandService::MaxConcurrentCommands + UdpCommandService::MaxQueuedCommands;
    constexpr int Peers = 8;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray go = QFile::encodeName(dir.filePath(QStringLiteral("go")));
    const QByteArray refusedRan = QFile::encodeName(dir.filePath(QStringLiteral("refused-ran")));
    QSignalSpy started(m_service.get(), &UdpCommandService::commandStarted);

    std::vector<std::unique_ptr<UdpPeer>> peers;
    for (int i = 0; i < Peers; ++i)
        peers.push_back(std::make_unique<UdpPeer>());
    for (int i = 0; i < Accepted; ++i) {
        const QByteArray command = "while [ ! -e '" + go + "' ]; do sleep 0.05; done; echo ran" + QByteArray::number(i);
        QVERIFY(peers[i % Peers]->send(command, port()));
    }
    QTRY_COMPARE(m_service->runningCount(), UdpCommandService::MaxConcurrentCommands);
    QUdpSocket *serviceSocket = m_service->findChild<QUdpSocket *>();
    QVERIFY(serviceSocket);
    QTRY_VERIFY(!serviceSocket->hasPendingDatagrams()); // all read: the rest wait in the queue

    // One more: refused at once, still with two datagrams.
    UdpPeer refused;
    QVERIFY(refused.send(QByteArray("touch '" + refusedRan + "'"), port()));
    QTRY_COMPARE(refused.received().size(), 2);
    QVERIFY2(refused.payload(0).contains("too many commands"), refused.payload(0).constData());
    QCOMPARE(refused.payload(1), QByteArray());
    QCOMPARE(m_service->runningCount(), UdpCommandService::MaxConcurrentCommands);
    QCOMPARE(started.count(), UdpCommandService::MaxConcurrentCommands);

    // Let them go: the queued ones run as places free up, and all answer.
    QFile flag(QFile::decodeName(go));
    QVERIFY(flag.open(QIODevice::WriteOnly));
    flag.close();
    QVERIFY(spinUntil(
        [&] {
            return std::all_of(peers.cbegin(), peers.cend(),
                               [](const auto &peer) { return peer->received().size() == 2 * Accepted / Peers; });
        },
        30s));
    QSet<QByteArray> outputs;
    for (const auto &peer : peers)
        for (qsizetype i = 1; i < peer->received().size(); i += 2)
            outputs.insert(peer->payload(i));
    QCOMPARE(outputs.size(), Accepted);
    for (int i = 0; i < Accepted; ++i)
        QVERIFY(outputs.contains("ran" + QByteArray::number(i) + '\n'));
    QCOMPARE(started.count(), Accepted);
    QCOMPARE(refused.received().size(), 2);
    QVERIFY(!QFile::exists(QFile::decodeName(refusedRan)));
}

void TestUdpCommandService::closeKillsProcessGroups_data()
{
    QTest::addColumn<bool>("destroy");
    QTest::newRow("close") << false;
    QTest::newRow("destroy") << true;
}

void TestUdpCommandService::closeKillsProcessGroups()
{
    QFETCH(bool, destroy);
    constexpr int Commands = 3;
    QSignalSpy started(m_service.get(), &UdpCommandService::commandStarted);
    QSignalSpy disconnected(m_service.get(), &UdpCommandService::clientDisconnected);
    UdpPeer peer;
    // A pipeline and background jobs: the whole group must go, not only the shell.
    for (int i = 0; i < Commands; ++i)
        QVERIFY(peer.send("sleep 30 & sleep 30 | cat & wait", port()));
    QTRY_COMPARE(started.count(), Commands);
    QList<qint64> groups;
    for (const QList<QVariant> &args : std::as_const(started))
        groups.append(args.at(2).toLongLong());
    for (qint64 group : std::as_const(groups))
        QTRY_COMPARE(livingProcessCountInGroup(group), 4); // sh, sleep, sleep, cat

    if (destroy) {
        m_service.reset();
    } else {
        m_service->close();
        QVERIFY(!m_service->isBound());
        QCOMPARE(m_service->runningCount(), 0);
        QCOMPARE(disconnected.count(), Commands);
    }
    for (qint64 group : std::as_const(groups))
        QTRY_COMPARE(livingProcessCountInGroup(group), 0);
    QCOMPARE(peer.received().size(), 0);
}

void TestUdpCommandService::hostileCommandBytes_data()
{
    QTest::addColumn<QByteArray>("command");
    QTest::addColumn<QByteArray>("outContains");

    QTest::newRow("invalid UTF-8") << QByteArray("echo \xff\xfe\xc3 ok") << QByteArray("ok\n");
    QTest::newRow("overlong UTF-8 slash") << QByteArray("echo \xc0\xaf ok") << QByteArray("ok\n");
    QTest::newRow("NUL inside") << QByteArray("echo a\0; echo b", 15) << QByteArray();
    QTest::newRow("only NUL") << QByteArray(1, '\0') << QByteArray();
    QTest::newRow("whitespace") << QByteArray(" \t\n ") << QByteArray();
    QTest::newRow("syntax error") << QByteArray("((( ;;") << QByteArray();
    QTest::newRow("unknown command") << QByteArray("no-such-command-tincan") << QByteArray();
    QTest::newRow("largest datagram") << QByteArray("echo ok #" + QByteArray(65507 - 9, 'x')) << QByteArray("ok\n");
    QTest::newRow("shell kills itself") << QByteArray("echo before; kill -9 $$") << QByteArray("before\n");
}

void TestUdpCommandService::hostileCommandBytes()
{
    QFETCH(QByteArray, command);
    QFETCH(QByteArray, outContains);
    UdpPeer peer;
    const auto reply = run(peer, command);
    QVERIFY(reply);
    QVERIFY2(reply->second.contains(outContains), reply->second.constData());
    // Still serving.
    const auto next = run(peer, "echo still here");
    QVERIFY(next);
    QCOMPARE(next->second, QByteArray("still here\n"));
}

void TestUdpCommandService::refusesNetworkAddressUnlessInsecure_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("insecure");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("127.0.0.1") << QStringLiteral("127.0.0.1") << false << true;
    QTest::newRow("::1") << QStringLiteral("::1") << false << true;
    QTest::newRow("0.0.0.0") << QStringLiteral("0.0.0.0") << false << false;
    QTest::newRow("::") << QStringLiteral("::") << false << false;
    QTest::newRow("192.0.2.1") << QStringLiteral("192.0.2.1") << false << false;
    QTest::newRow("0.0.0.0 insecure") << QStringLiteral("0.0.0.0") << true << true;
}

void TestUdpCommandService::refusesNetworkAddressUnlessInsecure()
{
    QFETCH(QString, address);
    QFETCH(bool, insecure);
    QFETCH(bool, allowed);
    UdpCommandService service;
    const bool bound = service.bind(QHostAddress(address), 0, insecure);
    QCOMPARE(bound, allowed);
    QCOMPARE(service.isBound(), allowed);
    if (!allowed) {
        QVERIFY(service.errorString().contains(address));
        QVERIFY2(service.errorString().contains(QStringLiteral("--insecure")), qPrintable(service.errorString()));
        QCOMPARE(service.localPort(), quint16(0));
    } else {
        QVERIFY(service.localPort() != 0);
    }
}

void TestUdpCommandService::portInUse()
{
    QUdpSocket blocker;
    QVERIFY(blocker.bind(Loopback, 0, QAbstractSocket::DontShareAddress));
    UdpCommandService service;
    QVERIFY(!service.bind(Loopback, blocker.localPort()));
    QVERIFY(!service.isBound());
    QVERIFY2(service.errorString().contains(QStringLiteral("in use")), qPrintable(service.errorString()));
    QVERIFY(service.errorString().contains(QString::number(blocker.localPort())));
    // Freed, it binds.
    const quint16 port = blocker.localPort();
    blocker.close();
    QVERIFY2(service.bind(Loopback, port), qPrintable(service.errorString()));
}

QTEST_GUILESS_MAIN(TestUdpCommandService)
#include "tst_udpcommandservice.moc"
