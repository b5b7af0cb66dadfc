// `tincan-cli send` and `tincan-cli chat` run as processes, against classic
// peers written in the test from the byte description (plain UDP sockets)
// and against a ChatEndpoint.
#include "chattesthelpers.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Tincan;
using namespace Tincan::Test;

namespace {

constexpr int ProcessTimeoutMs = 15000;

QString cliPath()
{
    const QString path = qEnvironmentVariable("TINCAN_CLI");
    return path.isEmpty() ? QStringLiteral("tincan-cli") : path;
}

// A tincan-cli child with a home of its own (its chat id lives in its
// settings), read asynchronously so the test's sockets keep running.
class CliProcess
{
public:
    explicit CliProcess(const QString &home)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("HOME"), home);
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
        environment.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
        m_process.setProcessEnvironment(environment);
        m_process.setProgram(cliPath());
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                         [this] { m_out += m_process.readAllStandardOutput(); });
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                         [this] { m_err += m_process.readAllStandardError(); });
        QObject::connect(&m_process, &QProcess::finished, &m_process, [this] {
            m_out += m_process.readAllStandardOutput();
            m_err += m_process.readAllStandardError();
            m_finished = true;
        });
    }
    ~CliProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(ProcessTimeoutMs);
        }
    }
    Q_DISABLE_COPY_MOVE(CliProcess)

    void start(const QStringList &arguments)
    {
        m_process.setArguments(arguments);
        m_process.start();
    }
    bool waitForStarted() { return m_process.waitForStarted(ProcessTimeoutMs); }
    void write(const QString &text) { m_process.write(text.toUtf8()); }
    void closeInput() { m_process.closeWriteChannel(); }

    bool isFinished() const { return m_finished; }
    bool exitedNormally() const { return m_process.exitStatus() == QProcess::NormalExit; }
    int exitCode() const { return m_process.exitCode(); }
    QString out() const { return QString::fromUtf8(m_out); }
    QString err() const { return QString::fromUtf8(m_err); }

    // "chat: listening on ADDR:PORT as NAME" on standard error; 0 until it is there.
    quint16 listeningPort() const
    {
        static const QRegularExpression line(QStringLiteral("listening on (\\S+):(\\d+) as "));
        const auto match = line.match(err());
        return match.hasMatch() ? quint16(match.captured(2).toUInt()) : 0;
    }

private:
    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
    bool m_finished = false;
};

} // namespace

class TestChatCli : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_home;
    QString home() const { return m_home->path(); }

private Q_SLOTS:
    void init()
    {
        m_home = std::make_unique<QTemporaryDir>();
        QVERIFY(m_home->isValid());
    }
    void cleanup() { m_home.reset(); }

    // ---- send -------------------------------------------------------------------

    void sendClassicAndWaitForTheReply()
    {
        RawPeer server; // the tutorial's classic server
        QVERIFY(server.isBound());
        CliProcess cli(home());
        const QString text = QStringLiteral("你好 server, from 一棵树");
        cli.start({QStringLiteral("send"), server.address().toString(), text, QStringLiteral("--classic"),
                   QStringLiteral("--wait-reply"), QStringLiteral("5")});
        QVERIFY(cli.waitForStarted());

        QTRY_COMPARE_WITH_TIMEOUT(server.received().size(), 1, ProcessTimeoutMs);
        QCOMPARE(server.received().at(0).data, text.toUtf8());
        const ChatPeerAddress client = server.received().at(0).from;
        QVERIFY(server.sendTo(client, QStringLiteral("回复 reply").toUtf8()));

        QTRY_VERIFY_WITH_TIMEOUT(cli.isFinished(), ProcessTimeoutMs);
        QVERIFY(cli.exitedNormally());
        QCOMPARE(cli.exitCode(), 0);
        // Printed as the tutorial's client shows a reply: with the sender's ip:port.
        QCOMPARE(cli.out(), QStringLiteral("[127.0.0.1:%1] 回复 reply\n").arg(server.address().port));
        // Exactly one datagram, the bare text: no ack for the reply, nothing else.
        QCOMPARE(server.received().size(), 1);
    }

    void sendClassicWithoutReply()
    {
        RawPeer server;
        QVERIFY(server.isBound());
        CliProcess cli(home());
        cli.start({QStringLiteral("send"), server.address().toString(), QStringLiteral("anyone?"),
                   QStringLiteral("--classic"), QStringLiteral("--wait-reply"), QStringLiteral("0.3")});
        QTRY_VERIFY_WITH_TIMEOUT(cli.isFinished(), ProcessTimeoutMs);
        QCOMPARE(cli.exitCode(), 3);
        QVERIFY2(cli.err().contains(QStringLiteral("no reply")), qPrintable(cli.err()));
        QVERIFY(cli.out().isEmpty());
        QCOMPARE(server.received().size(), 1);
        QCOMPARE(server.received().at(0).data, QByteArray("anyone?"));
    }

    void sendTincanIsAcknowledged()
    {
        auto endpoint = makeEndpoint(QStringLiteral("receiver"));
        QVERIFY(endpoint);
        QSignalSpy received(endpoint.get(), &ChatEndpoint::messageReceived);
        const QString target = addressOf(*endpoint).toString();

        CliProcess first(home());
        first.start({QStringLiteral("send"), target, QStringLiteral("hello 武大郎"), QStringLiteral("--name"),
                     QStringLiteral("cli-test")});
        QTRY_VERIFY_WITH_TIMEOUT(first.isFinished(), ProcessTimeoutMs);
        QVERIFY2(first.exitCode() == 0, qPrintable(first.err()));
        QVERIFY(first.out().isEmpty());
        QCOMPARE(received.size(), 1);
        const ChatMessage message = messagesOf(received).constFirst();
        QCOMPARE(message.text, QStringLiteral("hello 武大郎"));
        QCOMPARE(message.peerName, QStringLiteral("cli-test"));
        QVERIFY(!message.classic);
        QVERIFY(!message.peerId.isNull());

        // The same installation keeps its id from run to run.
        CliProcess second(home());
        second.start({QStringLiteral("send"), target, QStringLiteral("again"), QStringLiteral("--name"),
                      QStringLiteral("cli-test")});
        QTRY_VERIFY_WITH_TIMEOUT(second.isFinished(), ProcessTimeoutMs);
        QCOMPARE(second.exitCode(), 0);
        QCOMPARE(received.size(), 2);
        QCOMPARE(messagesOf(received).at(1).text, QStringLiteral("again"));
        QCOMPARE(messagesOf(received).at(1).peerId, message.peerId);
    }

    void sendUsageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mentioned"); // what the message must point at

        const QString hello = QStringLiteral("hello");
        const auto peer = [&](const QString &p) { return QStringList{QStringLiteral("send"), p, hello}; };
        QTest::newRow("no colon") << peer(QStringLiteral("127.0.0.1")) << QStringLiteral("127.0.0.1");
        QTest::newRow("port 0") << peer(QStringLiteral("127.0.0.1:0")) << QStringLiteral("127.0.0.1:0");
        QTest::newRow("port too big") << peer(QStringLiteral("127.0.0.1:65536")) << QStringLiteral("65536");
        QTest::newRow("port not a number") << peer(QStringLiteral("127.0.0.1:port")) << QStringLiteral("port");
        QTest::newRow("empty port") << peer(QStringLiteral("127.0.0.1:")) << QStringLiteral("127.0.0.1:");
        QTest::newRow("no host") << peer(QStringLiteral(":8081")) << QStringLiteral(":8081");
        QTest::newRow("host name") << peer(QStringLiteral("example.invalid:8081")) << QStringLiteral("example.invalid");
        QTest::newRow("bad IPv4") << peer(QStringLiteral("127.0.0.256:8081")) << QStringLiteral("127.0.0.256");
        QTest::newRow("no text") << QStringList{QStringLiteral("send"), QStringLiteral("127.0.0.1:8081")}
                                 << QStringLiteral("TEXT");
        QTest::newRow("nothing") << QStringList{QStringLiteral("send")} << QStringLiteral("HOST:PORT");
        QTest::newRow("bad wait") << QStringList{QStringLiteral("send"), QStringLiteral("127.0.0.1:8081"), hello,
                                                 QStringLiteral("--wait-reply"), QStringLiteral("soon")}
                                  << QStringLiteral("soon");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("send"), QStringLiteral("--loud"),
                                                       QStringLiteral("127.0.0.1:8081"), hello}
                                        << QStringLiteral("loud");
    }
    void sendUsageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mentioned);
        CliProcess cli(home());
        cli.start(arguments);
        QTRY_VERIFY_WITH_TIMEOUT(cli.isFinished(), ProcessTimeoutMs);
        QVERIFY(cli.exitedNormally());
        QCOMPARE(cli.exitCode(), 2);
        QVERIFY2(cli.err().contains(mentioned), qPrintable(cli.err()));
        QVERIFY(cli.out().isEmpty());
    }

    // ---- chat -------------------------------------------------------------------

    void chatWithClassicPeers()
    {
        const quint16 port = reserveFreePort();
        QVERIFY(port != 0);
        CliProcess cli(home());
        cli.start({QStringLiteral("chat"), QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                   QStringLiteral("--port"), QString::number(port), QStringLiteral("--name"), QStringLiteral("cli")});
        QTRY_VERIFY_WITH_TIMEOUT(cli.listeningPort() != 0 || cli.isFinished(), ProcessTimeoutMs);
        QCOMPARE(cli.listeningPort(), port);
        const ChatPeerAddress chat{loopback(), port};

        // Nobody to answer yet.
        cli.write(QStringLiteral("too early\n"));
        QTRY_VERIFY_WITH_TIMEOUT(cli.err().contains(QStringLiteral("nobody to reply to")), ProcessTimeoutMs);

        RawPeer first;  // a classic client
        RawPeer second; // another one
        QVERIFY(first.isBound() && second.isBound());
        QVERIFY(first.sendTo(chat, QStringLiteral("hello from first, 一棵树").toUtf8()));
        const QString line = QStringLiteral("[127.0.0.1:%1] hello from first, 一棵树\n").arg(first.address().port);
        QTRY_COMPARE_WITH_TIMEOUT(cli.out(), line, ProcessTimeoutMs);

        // A line goes back to the last sender, as bare text.
        cli.write(QStringLiteral("reply to first\n"));
        QTRY_COMPARE_WITH_TIMEOUT(first.received().size(), 1, ProcessTimeoutMs);
        QCOMPARE(first.received().at(0).data, QByteArray("reply to first"));
        QCOMPARE(first.received().at(0).from, chat);

        // @ip:port sends elsewhere.
        cli.write(QStringLiteral("@127.0.0.1:%1 for second, 武大郎\n").arg(second.address().port));
        QTRY_COMPARE_WITH_TIMEOUT(second.received().size(), 1, ProcessTimeoutMs);
        QCOMPARE(second.received().at(0).data, QStringLiteral("for second, 武大郎").toUtf8());

        // End of input: leave.
        cli.closeInput();
        QTRY_VERIFY_WITH_TIMEOUT(cli.isFinished(), ProcessTimeoutMs);
        QVERIFY(cli.exitedNormally());
        QCOMPARE(cli.exitCode(), 0);
        QCOMPARE(cli.out(), line);
        // Each classic peer got its one datagram and nothing else.
        QCOMPARE(first.received().size(), 1);
        QCOMPARE(second.received().size(), 1);
    }

    void chatWithTincanPeer()
    {
        const quint16 port = reserveFreePort();
        QVERIFY(port != 0);
        CliProcess cli(home());
        cli.start({QStringLiteral("chat"), QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                   QStringLiteral("--port"), QString::number(port), QStringLiteral("--name"), QStringLiteral("cli")});
        QTRY_VERIFY_WITH_TIMEOUT(cli.listeningPort() != 0 || cli.isFinished(), ProcessTimeoutMs);
        QCOMPARE(cli.listeningPort(), port);

        // Patient: the other side is a process that may be slow to be scheduled.
        auto eve = makeEndpoint(QStringLiteral("eve"), 0, ChatEndpoint::RetryPolicy{100ms, 6});
        QVERIFY(eve);
        QSignalSpy eveStates(eve.get(), &ChatEndpoint::deliveryStateChanged);
        QSignalSpy eveReceived(eve.get(), &ChatEndpoint::messageReceived);
        const Expected<QUuid> sent
            = eve->send({loopback(), port}, QStringLiteral("tincan hi\nsecond line"), ChatProtocol::Tincan);
        QVERIFY2(sent, qPrintable(sent.error()));
        const QUuid id = *sent;
        const QString line = QStringLiteral("[%1] eve: tincan hi\\nsecond line\n").arg(addressOf(*eve).toString());
        QTRY_COMPARE_WITH_TIMEOUT(cli.out(), line, ProcessTimeoutMs);
        QTRY_COMPARE(lastStateOf(eveStates, id), DeliveryState::Delivered);

        // The reply is a Tincan message: Eve has spoken Tincan.
        cli.write(QStringLiteral("back to eve\n"));
        QTRY_COMPARE_WITH_TIMEOUT(eveReceived.size(), 1, ProcessTimeoutMs);
        ChatMessage reply = messagesOf(eveReceived).constFirst();
        QCOMPARE(reply.text, QStringLiteral("back to eve"));
        QCOMPARE(reply.peerName, QStringLiteral("cli"));
        QVERIFY(!reply.classic);

        // @NAME reaches someone heard from by name.
        cli.write(QStringLiteral("@eve by name\n"));
        QTRY_COMPARE_WITH_TIMEOUT(eveReceived.size(), 2, ProcessTimeoutMs);
        QCOMPARE(messagesOf(eveReceived).at(1).text, QStringLiteral("by name"));

        cli.closeInput();
        QTRY_VERIFY_WITH_TIMEOUT(cli.isFinished(), ProcessTimeoutMs);
        QCOMPARE(cli.exitCode(), 0);
        QCOMPARE(eveReceived.size(), 2);
        QCOMPARE(cli.out(), line);
    }
};

QTEST_GUILESS_MAIN(TestChatCli)
#include "tst_chatcli.moc"
