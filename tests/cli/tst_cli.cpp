// tincan-cli run as a process, the way users and scripts run it.
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QtEndian>

#include <csignal>

namespace {

constexpr int ProcessTimeoutMs = 20000;

QString cliPath()
{
    const QString path = qEnvironmentVariable("TINCAN_CLI");
    return path.isEmpty() ? QStringLiteral("tincan-cli") : path;
}

// A `tincan-cli serve` child that is stopped (and waited for) at the end.
class ServeProcess
{
public:
    explicit ServeProcess(const QStringList &extra = {})
    {
        m_process.setProgram(cliPath());
        m_process.setArguments(QStringList{QStringLiteral("serve"), QStringLiteral("--console"), QStringLiteral("0")}
                               + extra);
        m_process.start();
    }
    ~ServeProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(ProcessTimeoutMs);
        }
    }
    // Waits for "console: listening on ADDR:PORT" and returns PORT (0 on failure).
    quint16 waitForPort()
    {
        static const QRegularExpression line(QStringLiteral("^console: listening on (\\S+):(\\d+)$"),
                                             QRegularExpression::MultilineOption);
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < ProcessTimeoutMs) {
            m_stdout += m_process.readAllStandardOutput();
            const auto match = line.match(QString::fromUtf8(m_stdout));
            if (match.hasMatch())
                return quint16(match.captured(2).toUInt());
            if (m_process.state() == QProcess::NotRunning)
                return 0;
            m_process.waitForReadyRead(100);
        }
        return 0;
    }
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    QByteArray m_stdout;
};

struct Result
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Result runCli(const QStringList &arguments)
{
    QProcess process;
    process.start(cliPath(), arguments);
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

QStringList execArgs(quint16 port, const QString &command, const QStringList &options = {})
{
    return QStringList{QStringLiteral("exec"), QStringLiteral("--port"), QString::number(port)} + options
           + QStringList{QStringLiteral("--"), command};
}

// Reads a child's stdout until `needle` appears.
bool waitForOutput(QProcess &process, const QByteArray &needle, QByteArray &seen)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ProcessTimeoutMs) {
        seen += process.readAllStandardOutput();
        if (seen.contains(needle))
            return true;
        if (process.state() == QProcess::NotRunning)
            return false;
        process.waitForReadyRead(100);
    }
    return false;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void exec_data();
    void exec();
    void execClassic();
    void execClassicAgainstClassicOnlyServer();
    void execConnectionRefused();
    void execInterruptCancelsRemoteCommand();
    void execStopsWhenOutputIsClosed();
    void usageErrors_data();
    void usageErrors();
    void helpForEachCommand_data();
    void helpForEachCommand();
    void servePortInUse();
    void serveRefusesNetworkWithoutInsecure();
    void serveAllowsNetworkWithInsecure();
    void serveShutsDownOnSigterm();

private:
    std::unique_ptr<ServeProcess> m_server;
    quint16 m_port = 0;
};

void TestCli::initTestCase()
{
    QVERIFY2(QFile::exists(cliPath()), qPrintable(cliPath()));
    m_server = std::make_unique<ServeProcess>(QStringList{QStringLiteral("--quiet")});
    m_port = m_server->waitForPort();
    QVERIFY(m_port != 0);
}

void TestCli::cleanupTestCase()
{
    m_server.reset();
}

void TestCli::exec_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("out");
    QTest::addColumn<QByteArray>("err");

    QTest::newRow("stdout") << QStringLiteral("echo hello") << 0 << QByteArray("hello\n") << QByteArray();
    QTest::newRow("stderr apart") << QStringLiteral("echo out; echo err >&2") << 0 << QByteArray("out\n")
                                  << QByteArray("err\n");
    QTest::newRow("exit code") << QStringLiteral("exit 3") << 3 << QByteArray() << QByteArray();
    QTest::newRow("exit 255") << QStringLiteral("exit 255") << 255 << QByteArray() << QByteArray();
    QTest::newRow("false") << QStringLiteral("false") << 1 << QByteArray() << QByteArray();
    QTest::newRow("killed by SIGKILL") << QStringLiteral("kill -9 $$") << 128 + 9 << QByteArray() << QByteArray();
    QTest::newRow("killed by SIGTERM") << QStringLiteral("kill -TERM $$") << 128 + 15 << QByteArray() << QByteArray();
    QTest::newRow("not found") << QStringLiteral("no-such-command-tincan") << 127 << QByteArray() << QByteArray();
    QTest::newRow("utf-8") << QStringLiteral("printf '%s\\n' 一棵树") << 0 << QByteArray("一棵树\n") << QByteArray();
    QTest::newRow("binary") << QStringLiteral("printf 'a\\000b'") << 0 << QByteArray("a\0b", 3) << QByteArray();
}

void TestCli::exec()
{
    QFETCH(QString, command);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, out);
    QFETCH(QByteArray, err);

    const Result result = runCli(execArgs(m_port, command));
    QCOMPARE(result.exitCode, exitCode);
    QCOMPARE(result.out, out);
    if (exitCode != 127) // the shell's own "not found" wording varies
        QCOMPARE(result.err, err);
    else
        QVERIFY(!result.err.isEmpty());
}

void TestCli::execClassic()
{
    // Classic mode: one reply, stdout then stderr, exit code from the header.
    const Result result = runCli(execArgs(m_port, QStringLiteral("echo one; echo two >&2; exit 5"),
                                          {QStringLiteral("--classic")}));
    QCOMPARE(result.exitCode, 5);
    QCOMPARE(result.out, QByteArray("one\ntwo\n"));
    QCOMPARE(result.err, QByteArray());
}

void TestCli::execClassicAgainstClassicOnlyServer()
{
    // The tutorial's server: reads one command, answers with one frame whose
    // header has no exit code. The client then exits 0.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QObject::connect(&server, &QTcpServer::newConnection, &server, [&server] {
        QTcpSocket *socket = server.nextPendingConnection();
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket] {
            const QByteArray command = socket->readAll();
            const QByteArray payload = "ran: " + command;
            const QByteArray header = "{\"filename\": null, \"hash\": null, \"total_size\": "
                                      + QByteArray::number(payload.size()) + "}";
            const qint32 length = qint32(header.size());
            char prefix[4];
            qToLittleEndian(length, prefix);
            socket->write(prefix, 4);
            socket->write(header);
            socket->write(payload);
        });
    });
    QProcess process;
    process.start(cliPath(), execArgs(server.serverPort(), QStringLiteral("dir"), {QStringLiteral("--classic")}));
    QTRY_COMPARE_WITH_TIMEOUT(process.state(), QProcess::NotRunning, ProcessTimeoutMs);
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput(), QByteArray("ran: dir"));
}

void TestCli::execConnectionRefused()
{
    // A port nobody listens on: bind one, note it, close it.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    const Result result = runCli(execArgs(port, QStringLiteral("true")));
    QCOMPARE(result.exitCode, 255);
    QVERIFY2(result.err.contains("refused"), result.err.constData());
    QVERIFY(result.out.isEmpty());
}

void TestCli::execInterruptCancelsRemoteCommand()
{
    QProcess process;
    process.start(cliPath(), execArgs(m_port, QStringLiteral("echo ready; sleep 30; echo never")));
    QByteArray seen;
    QVERIFY(waitForOutput(process, "ready\n", seen));
    QElapsedTimer timer;
    timer.start();
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(ProcessTimeoutMs));
    QVERIFY(timer.elapsed() < 10000);
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 128 + SIGTERM); // the remote command was terminated
    QVERIFY(!process.readAllStandardOutput().contains("never"));
}

void TestCli::execStopsWhenOutputIsClosed()
{
    // `tincan-cli exec yes | head -1`: the reader leaves, the client stops the
    // remote command and exits 141 (128 + SIGPIPE) instead of hanging.
    QProcess shell;
    shell.start(QStringLiteral("/bin/bash"),
                {QStringLiteral("-c"), QStringLiteral("\"$0\" exec --port %1 -- yes | head -n 1; echo \"status=${PIPESTATUS[0]}\"")
                                           .arg(m_port),
                 cliPath()});
    QVERIFY(shell.waitForFinished(ProcessTimeoutMs));
    const QByteArray out = shell.readAllStandardOutput();
    QCOMPARE(out, QByteArray("y\nstatus=141\n"));
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("nothing") << QStringList() << QByteArray("Usage");
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << QByteArray("frobnicate");
    QTest::newRow("exec without command") << QStringList{QStringLiteral("exec")} << QByteArray("no command");
    QTest::newRow("exec bad port") << QStringList{QStringLiteral("exec"), QStringLiteral("--port"),
                                                  QStringLiteral("70000"), QStringLiteral("true")}
                                   << QByteArray("70000");
    QTest::newRow("exec unknown option") << QStringList{QStringLiteral("exec"), QStringLiteral("--bogus"),
                                                        QStringLiteral("true")}
                                         << QByteArray("bogus");
    QTest::newRow("serve without service") << QStringList{QStringLiteral("serve")} << QByteArray("no service");
    QTest::newRow("serve bad port") << QStringList{QStringLiteral("serve"), QStringLiteral("--console"),
                                                   QStringLiteral("port")}
                                    << QByteArray("port");
    QTest::newRow("serve bad address") << QStringList{QStringLiteral("serve"), QStringLiteral("--console"),
                                                      QStringLiteral("0"), QStringLiteral("--bind"),
                                                      QStringLiteral("999.1.1.1")}
                                       << QByteArray("999.1.1.1");
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, message);
    const Result result = runCli(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message), result.err.constData());
}

void TestCli::helpForEachCommand_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("mentions");
    QTest::newRow("top") << QStringList{QStringLiteral("--help")} << QByteArray("serve");
    QTest::newRow("serve") << QStringList{QStringLiteral("serve"), QStringLiteral("--help")}
                           << QByteArray("--console");
    QTest::newRow("exec") << QStringList{QStringLiteral("exec"), QStringLiteral("--help")} << QByteArray("--classic");
}

void TestCli::helpForEachCommand()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, mentions);
    const Result result = runCli(arguments);
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(result.out.contains(mentions), result.out.constData());
}

void TestCli::servePortInUse()
{
    const Result result = runCli({QStringLiteral("serve"), QStringLiteral("--console"), QString::number(m_port)});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains("in use"), result.err.constData());
    QVERIFY2(result.err.contains(QByteArray::number(m_port)), result.err.constData());
}

void TestCli::serveRefusesNetworkWithoutInsecure()
{
    const Result result = runCli(
        {QStringLiteral("serve"), QStringLiteral("--console"), QStringLiteral("0"), QStringLiteral("--bind"),
         QStringLiteral("0.0.0.0")});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains("--insecure"), result.err.constData());
}

void TestCli::serveAllowsNetworkWithInsecure()
{
    ServeProcess server({QStringLiteral("--bind"), QStringLiteral("0.0.0.0"), QStringLiteral("--insecure")});
    QVERIFY(server.waitForPort() != 0);
    QVERIFY(server.process().readAllStandardError().contains("WARNING"));
}

void TestCli::serveShutsDownOnSigterm()
{
    ServeProcess server({QStringLiteral("--quiet")});
    const quint16 port = server.waitForPort();
    QVERIFY(port != 0);

    QProcess client;
    client.start(cliPath(), execArgs(port, QStringLiteral("echo ready; sleep 30")));
    QByteArray seen;
    QVERIFY(waitForOutput(client, "ready\n", seen));

    ::kill(pid_t(server.process().processId()), SIGTERM);
    QVERIFY(server.process().waitForFinished(ProcessTimeoutMs));
    QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.process().exitCode(), 0);
    // The running command was terminated and its client told so.
    QVERIFY(client.waitForFinished(ProcessTimeoutMs));
    QCOMPARE(client.exitCode(), 128 + SIGTERM);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
