// tincan-cli run as a process, the way users and scripts run it.
#include "clitesthelpers.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QtEndian>

#include <QDir>
#include <QTemporaryDir>

#include <csignal>
#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

namespace {

constexpr int ProcessTimeoutMs = 20000;
// How long a killed process may take from closing its files to being a zombie.
constexpr int ExitSettleMs = 1000;

using Tincan::Test::cliPath;
using Tincan::Test::ServeProcess;
using Result = Tincan::Test::CliResult;

Result runCli(const QStringList &arguments, const QByteArray &input = {},
              const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    return Tincan::Test::runCli(arguments, {input, {}, environment});
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

const QString Password = QStringLiteral("cli s3cret");

// A file holding `text`, readable by its owner only (unless told otherwise).
QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &text,
                  QFileDevice::Permissions permissions = QFileDevice::ReadOwner | QFileDevice::WriteOwner)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        return QString();
    file.close();
    file.setPermissions(permissions);
    return path;
}

QProcessEnvironment environmentWithout(const QString &name)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(name);
    return environment;
}

// Living processes whose command line holds `marker`.
int livingWithMarker(const QByteArray &marker)
{
    int count = 0;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (!cmdline.open(QIODevice::ReadOnly) || !cmdline.readAll().contains(marker))
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const qsizetype close = line.lastIndexOf(')');
        const char state = close > 0 && close + 2 < line.size() ? line.at(close + 2) : '?';
        if (state != 'Z' && state != 'X')
            ++count;
    }
    return count;
}

const QRegularExpression HashLine(QStringLiteral("^pbkdf2-sha256\\$(\\d+)\\$[A-Za-z0-9+/]+=*\\$[A-Za-z0-9+/]+=*$"));

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
    void sigtermLeavesNoDescendant();
    void passwdPrintsAHash();
    void passwdWritesAPrivateFile();
    void passwdRefuses_data();
    void passwdRefuses();
    void execWithPassword_data();
    void execWithPassword();
    void execWithPasswordHashFile();
    void execAsksOnTheTerminal();
    void serveWithPasswordListensAnywhere();
    void servePasswordErrors_data();
    void servePasswordErrors();
    void serveWarnsAboutReadablePasswordFile();
    void serveLogsFailedLoginsEvenWhenQuiet();
    void serveTlsPrintsFingerprint();
    void execTlsTrustOnFirstUseThenPinned();
    void execTlsChangedIdentityRefused();
    void execTlsAsksOnTheTerminal_data();
    void execTlsAsksOnTheTerminal();

private:
    std::unique_ptr<ServeProcess> m_server;
    quint16 m_port = 0;
};

void TestCli::initTestCase()
{
    // The children's TLS identities and known-hosts files go here, never to
    // the user's directories.
    static QTemporaryDir home;
    QVERIFY(home.isValid());
    qputenv("XDG_DATA_HOME", QFile::encodeName(home.filePath(QStringLiteral("data"))));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(home.filePath(QStringLiteral("config"))));
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
    const Result result
        = runCli(execArgs(m_port, QStringLiteral("echo one; echo two >&2; exit 5"), {QStringLiteral("--classic")}));
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
            const QByteArray header
                = "{\"filename\": null, \"hash\": null, \"total_size\": " + QByteArray::number(payload.size()) + "}";
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
    shell.start(
        QStringLiteral("/bin/bash"),
        {QStringLiteral("-c"),
         QStringLiteral("\"$0\" exec --port %1 -- yes | head -n 1; echo \"status=${PIPESTATUS[0]}\"").arg(m_port),
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
    QTest::newRow("serve bad address") << QStringList{
        QStringLiteral("serve"), QStringLiteral("--console"), QStringLiteral("0"), QStringLiteral("--bind"),
        QStringLiteral("999.1.1.1")} << QByteArray("999.1.1.1");
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
    QTest::newRow("serve") << QStringList{QStringLiteral("serve"), QStringLiteral("--help")} << QByteArray("--console");
    QTest::newRow("exec") << QStringList{QStringLiteral("exec"), QStringLiteral("--help")} << QByteArray("--classic");
    QTest::newRow("serve password") << QStringList{QStringLiteral("serve"), QStringLiteral("--help")}
                                    << QByteArray("--password-file");
    QTest::newRow("serve hash") << QStringList{QStringLiteral("serve"), QStringLiteral("--help")}
                                << QByteArray("--password-hash-file");
    QTest::newRow("exec password") << QStringList{QStringLiteral("exec"), QStringLiteral("--help")}
                                   << QByteArray("TINCAN_PASSWORD");
    QTest::newRow("passwd") << QStringList{QStringLiteral("passwd"), QStringLiteral("--help")}
                            << QByteArray("--output");
    QTest::newRow("top lists passwd") << QStringList{QStringLiteral("--help")} << QByteArray("passwd");
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
    const Result result = runCli({QStringLiteral("serve"), QStringLiteral("--console"), QStringLiteral("0"),
                                  QStringLiteral("--bind"), QStringLiteral("0.0.0.0")});
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

void TestCli::sigtermLeavesNoDescendant()
{
    // SIGTERM to `serve` while a command has background children: when serve
    // has exited, none of them is left.
    const QByteArray marker = "2718281";
    QCOMPARE(livingWithMarker(marker), 0);
    ServeProcess server({QStringLiteral("--quiet")});
    const quint16 port = server.waitForPort();
    QVERIFY(port != 0);
    QProcess client;
    client.start(
        cliPath(),
        execArgs(port,
                 QStringLiteral("echo ready; sh -c 'sleep %1 & sleep %1 & wait'").arg(QString::fromLatin1(marker))));
    QByteArray seen;
    QVERIFY(waitForOutput(client, "ready\n", seen));
    QTRY_VERIFY_WITH_TIMEOUT(livingWithMarker(marker) >= 3, ProcessTimeoutMs);
    ::kill(pid_t(server.process().processId()), SIGTERM);
    QVERIFY(server.process().waitForFinished(ProcessTimeoutMs));
    QCOMPARE(server.process().exitCode(), 0);
    // Serve waited until the group's last process closed the command's pipes;
    // a killed process closes its files a moment before it is a zombie.
    QTRY_COMPARE_WITH_TIMEOUT(livingWithMarker(marker), 0, ExitSettleMs);
    QVERIFY(client.waitForFinished(ProcessTimeoutMs));
    QCOMPARE(client.exitCode(), 128 + SIGTERM);
}

void TestCli::passwdPrintsAHash()
{
    const Result result = runCli({QStringLiteral("passwd"), QStringLiteral("--iterations"), QStringLiteral("1000")},
                                 Password.toUtf8() + '\n');
    QCOMPARE(result.exitCode, 0);
    const QString line = QString::fromUtf8(result.out).trimmed();
    const QRegularExpressionMatch match = HashLine.match(line);
    QVERIFY2(match.hasMatch(), qPrintable(line));
    QCOMPARE(match.captured(1), QStringLiteral("1000"));
    QVERIFY(!result.out.contains(Password.toUtf8()));
    QVERIFY(!result.err.contains(Password.toUtf8()));
    // Another run, another salt.
    const Result again = runCli({QStringLiteral("passwd"), QStringLiteral("--iterations"), QStringLiteral("1000")},
                                Password.toUtf8() + '\n');
    QVERIFY(again.out != result.out);
}

void TestCli::passwdWritesAPrivateFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("console.hash"));
    const Result result = runCli({QStringLiteral("passwd"), QStringLiteral("--output"), path}, Password.toUtf8());
    QCOMPARE(result.exitCode, 0);
    QVERIFY(result.out.isEmpty());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString line = QString::fromUtf8(file.readAll());
    QVERIFY(line.endsWith(u'\n'));
    const QRegularExpressionMatch match = HashLine.match(line.trimmed());
    QVERIFY2(match.hasMatch(), qPrintable(line));
    QCOMPARE(match.captured(1).toInt(), 75000);
    QCOMPARE(file.permissions() & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
             QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

void TestCli::passwdRefuses_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("message");
    const QStringList passwd{QStringLiteral("passwd")};
    QTest::newRow("no input") << passwd << QByteArray() << 1 << QByteArray("no password");
    QTest::newRow("empty line") << passwd << QByteArray("\n") << 1 << QByteArray("no password");
    QTest::newRow("too few iterations") << passwd + QStringList{QStringLiteral("--iterations"), QStringLiteral("10")}
                                        << QByteArray("pw\n") << 2 << QByteArray("iteration");
    QTest::newRow("absurd iterations") << passwd
            + QStringList{QStringLiteral("--iterations"), QStringLiteral("99999999999")}
                                       << QByteArray("pw\n") << 2 << QByteArray("iteration");
    QTest::newRow("unwritable output") << passwd
            + QStringList{QStringLiteral("--output"), QStringLiteral("/nonexistent-dir/x")}
                                       << QByteArray("pw\n") << 1 << QByteArray("/nonexistent-dir/x");
}

void TestCli::passwdRefuses()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, input);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, message);
    const Result result = runCli(arguments, input);
    QCOMPARE(result.exitCode, exitCode);
    QVERIFY2(result.err.contains(message), result.err.constData());
    QVERIFY(result.out.isEmpty());
}

void TestCli::execWithPassword_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("out");
    QTest::addColumn<QByteArray>("err");
    QTest::newRow("password file") << QStringLiteral("file") << 0 << QByteArray("in\n") << QByteArray();
    QTest::newRow("environment") << QStringLiteral("env") << 0 << QByteArray("in\n") << QByteArray();
    QTest::newRow("classic from loopback") << QStringLiteral("classic") << 0 << QByteArray("in\n") << QByteArray();
    QTest::newRow("wrong password") << QStringLiteral("wrong") << 254 << QByteArray() << QByteArray("Wrong password");
    QTest::newRow("no password, no terminal")
        << QStringLiteral("none") << 254 << QByteArray() << QByteArray("--password-file");
    QTest::newRow("missing password file")
        << QStringLiteral("missing") << 2 << QByteArray() << QByteArray("cannot read");
}

void TestCli::execWithPassword()
{
    QFETCH(QString, how);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, out);
    QFETCH(QByteArray, err);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString passwordFile = writeFile(dir, QStringLiteral("password"), Password.toUtf8() + '\n');
    const QString wrongFile = writeFile(dir, QStringLiteral("wrong"), "not it\n");
    ServeProcess server({QStringLiteral("--quiet"), QStringLiteral("--password-file"), passwordFile});
    const quint16 port = server.waitForPort();
    QVERIFY(port != 0);

    QProcessEnvironment environment = environmentWithout(QStringLiteral("TINCAN_PASSWORD"));
    QStringList options;
    if (how == QStringLiteral("file"))
        options = {QStringLiteral("--password-file"), passwordFile};
    else if (how == QStringLiteral("env"))
        environment.insert(QStringLiteral("TINCAN_PASSWORD"), Password);
    else if (how == QStringLiteral("classic"))
        options = {QStringLiteral("--classic")};
    else if (how == QStringLiteral("wrong"))
        options = {QStringLiteral("--password-file"), wrongFile};
    else if (how == QStringLiteral("missing"))
        options = {QStringLiteral("--password-file"), dir.filePath(QStringLiteral("nope"))};
    const Result result = runCli(execArgs(port, QStringLiteral("echo in"), options), {}, environment);
    QCOMPARE(result.exitCode, exitCode);
    QCOMPARE(result.out, out);
    if (err.isEmpty())
        QCOMPARE(result.err, err);
    else
        QVERIFY2(result.err.contains(err), result.err.constData());
    QVERIFY(!result.err.contains(Password.toUtf8()));
}

void TestCli::execWithPasswordHashFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString hashFile = dir.filePath(QStringLiteral("console.hash"));
    QCOMPARE(runCli({QStringLiteral("passwd"), QStringLiteral("--iterations"), QStringLiteral("1000"),
                     QStringLiteral("--output"), hashFile},
                    Password.toUtf8())
                 .exitCode,
             0);
    ServeProcess server({QStringLiteral("--quiet"), QStringLiteral("--password-hash-file"), hashFile});
    const quint16 port = server.waitForPort();
    QVERIFY(port != 0);
    QProcessEnvironment environment = environmentWithout(QStringLiteral("TINCAN_PASSWORD"));
    environment.insert(QStringLiteral("TINCAN_PASSWORD"), Password);
    const Result result = runCli(execArgs(port, QStringLiteral("echo hashed")), {}, environment);
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.out, QByteArray("hashed\n"));
}

void TestCli::execAsksOnTheTerminal()
{
    // Standard input is a terminal (a pseudo-terminal here): the password is
    // asked for with echo off, and what is typed never comes back.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString passwordFile = writeFile(dir, QStringLiteral("password"), Password.toUtf8());
    ServeProcess server({QStringLiteral("--quiet"), QStringLiteral("--password-file"), passwordFile});
    const quint16 port = server.waitForPort();
    QVERIFY(port != 0);

    int master = -1;
    int slave = -1;
    char name[256] = {};
    QVERIFY(::openpty(&master, &slave, name, nullptr, nullptr) == 0);
    const auto closeBoth = qScopeGuard([&] {
        ::close(master);
        ::close(slave);
    });
    QProcess client;
    client.setProcessEnvironment(environmentWithout(QStringLiteral("TINCAN_PASSWORD")));
    client.setStandardInputFile(QString::fromLocal8Bit(name));
    client.start(cliPath(), execArgs(port, QStringLiteral("echo via-terminal")));
    QByteArray err;
    QElapsedTimer timer;
    timer.start();
    while (!err.contains("Password for") && timer.elapsed() < ProcessTimeoutMs
           && client.state() != QProcess::NotRunning) {
        client.waitForReadyRead(100);
        err += client.readAllStandardError();
    }
    QVERIFY2(err.contains("Password for"), err.constData());
    const QByteArray typed = Password.toUtf8() + '\n';
    QCOMPARE(::write(master, typed.constData(), size_t(typed.size())), ssize_t(typed.size()));
    QVERIFY(client.waitForFinished(ProcessTimeoutMs));
    QCOMPARE(client.exitCode(), 0);
    QCOMPARE(client.readAllStandardOutput(), QByteArray("via-terminal\n"));
    // What the terminal showed: at most the newline, never the password.
    ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
    QByteArray shown;
    char buffer[512];
    ssize_t n;
    while ((n = ::read(master, buffer, sizeof buffer)) > 0)
        shown.append(buffer, qsizetype(n));
    QVERIFY2(!shown.contains(Password.toUtf8()), shown.constData());
    // The terminal's echo is back on.
    termios settings{};
    QVERIFY(::tcgetattr(slave, &settings) == 0);
    QVERIFY(settings.c_lflag & ECHO);
}

void TestCli::serveWithPasswordListensAnywhere()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString passwordFile = writeFile(dir, QStringLiteral("password"), Password.toUtf8() + '\n');
    ServeProcess server(
        {QStringLiteral("--bind"), QStringLiteral("0.0.0.0"), QStringLiteral("--password-file"), passwordFile});
    const quint16 port = server.waitForPort();
    QVERIFY(port != 0);
    QProcessEnvironment environment = environmentWithout(QStringLiteral("TINCAN_PASSWORD"));
    environment.insert(QStringLiteral("TINCAN_PASSWORD"), Password);
    const Result result = runCli(execArgs(port, QStringLiteral("echo anywhere")), {}, environment);
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.out, QByteArray("anywhere\n"));
    server.process().terminate();
    QVERIFY(server.process().waitForFinished(ProcessTimeoutMs));
    const QByteArray log = server.process().readAllStandardError();
    QVERIFY2(!log.contains("WARNING"), log.constData());
    QVERIFY2(log.contains("logged in"), log.constData());
    QVERIFY(!log.contains(Password.toUtf8()));
}

void TestCli::servePasswordErrors_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("empty password file") << QStringLiteral("--password-file") << QByteArray("\n")
                                         << QByteArray("empty");
    QTest::newRow("hash file with a password")
        << QStringLiteral("--password-hash-file") << QByteArray("hunter2\n") << QByteArray("pbkdf2-sha256");
    QTest::newRow("hash with absurd iterations")
        << QStringLiteral("--password-hash-file")
        << QByteArray("pbkdf2-sha256$999999999$AAECAwQFBgcICQoLDA0ODw==$yRTMTwbMbo9G0VfjobWqerzuuxe7BETNTErBbKKumGQ=\n")
        << QByteArray("iteration");
    QTest::newRow("both options") << QStringLiteral("both") << QByteArray("x\n") << QByteArray("not both");
}

void TestCli::servePasswordErrors()
{
    QFETCH(QString, option);
    QFETCH(QByteArray, content);
    QFETCH(QByteArray, message);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeFile(dir, QStringLiteral("file"), content);
    QStringList arguments{QStringLiteral("serve"), QStringLiteral("--console"), QStringLiteral("0")};
    if (option == QStringLiteral("both"))
        arguments << QStringLiteral("--password-file") << path << QStringLiteral("--password-hash-file") << path;
    else
        arguments << option << path;
    const Result result = runCli(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message), result.err.constData());
    QVERIFY(!result.out.contains("listening"));
}

void TestCli::serveWarnsAboutReadablePasswordFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeFile(dir, QStringLiteral("password"), Password.toUtf8(),
                                   QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);
    ServeProcess server({QStringLiteral("--quiet"), QStringLiteral("--password-file"), path});
    QVERIFY(server.waitForPort() != 0);
    server.process().terminate();
    QVERIFY(server.process().waitForFinished(ProcessTimeoutMs));
    const QByteArray log = server.process().readAllStandardError();
    QVERIFY2(log.contains("WARNING") && log.contains("chmod 600"), log.constData());
}

void TestCli::serveLogsFailedLoginsEvenWhenQuiet()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeFile(dir, QStringLiteral("password"), Password.toUtf8());
    const QString wrong = writeFile(dir, QStringLiteral("wrong"), "nope");
    // A long first penalty, so that the second attempt surely falls in it.
    ServeProcess server({QStringLiteral("--quiet"), QStringLiteral("--password-file"), path,
                         QStringLiteral("--login-penalty"), QStringLiteral("30")});
    const quint16 port = server.waitForPort();
    QVERIFY(port != 0);
    const Result first = runCli(execArgs(port, QStringLiteral("true"), {QStringLiteral("--password-file"), wrong}));
    QCOMPARE(first.exitCode, 254);
    // At once again: penalised, and told when to come back.
    const Result second = runCli(execArgs(port, QStringLiteral("true"), {QStringLiteral("--password-file"), path}));
    QCOMPARE(second.exitCode, 254);
    // Told when to come back: within the 30 s penalty.
    static const QRegularExpression again(QStringLiteral("again in (\\d+) s"));
    const QRegularExpressionMatch match = again.match(QString::fromUtf8(second.err));
    QVERIFY2(match.hasMatch(), second.err.constData());
    QVERIFY(match.captured(1).toInt() >= 1 && match.captured(1).toInt() <= 30);
    server.process().terminate();
    QVERIFY(server.process().waitForFinished(ProcessTimeoutMs));
    const QByteArray log = server.process().readAllStandardError();
    QVERIFY2(log.contains("failed to log in"), log.constData());
    QVERIFY2(log.contains("refused"), log.constData());
    QVERIFY(!log.contains("nope"));
}

namespace {
// A password server with TLS on (even for loopback clients that ask for it),
// its identity in `tlsDir`.
QStringList tlsServeArgs(const QString &passwordFile, const QString &tlsDir)
{
    return {QStringLiteral("--quiet"), QStringLiteral("--password-file"), passwordFile, QStringLiteral("--tls"),
            QStringLiteral("on"),      QStringLiteral("--tls-dir"),       tlsDir};
}

QStringList tlsExecOptions(const QString &passwordFile, const QString &knownHosts)
{
    return {QStringLiteral("--tls"),           QStringLiteral("on"),
            QStringLiteral("--password-file"), passwordFile,
            QStringLiteral("--known-hosts"),   knownHosts};
}

const QRegularExpression FingerprintLine(QStringLiteral("^console: TLS fingerprint (SHA256:[A-Za-z0-9+/]{43})$"),
                                         QRegularExpression::MultilineOption);
} // namespace

void TestCli::serveTlsPrintsFingerprint()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString passwordFile = writeFile(dir, QStringLiteral("password"), Password.toUtf8() + '\n');
    const QString tlsDir = dir.filePath(QStringLiteral("tls"));
    ServeProcess server(tlsServeArgs(passwordFile, tlsDir));
    QVERIFY(server.waitForPort() != 0);
    const QString out = QString::fromUtf8(server.waitForStdout("TLS fingerprint"));
    const auto match = FingerprintLine.match(out);
    QVERIFY2(match.hasMatch(), qPrintable(out));
    // After the listening line.
    QVERIFY(out.indexOf(QStringLiteral("console: listening")) < out.indexOf(QStringLiteral("TLS fingerprint")));
    // The identity was made in --tls-dir, and a restart keeps it.
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("tls/console-key.pem"))));
    ServeProcess again(tlsServeArgs(passwordFile, tlsDir));
    QVERIFY(again.waitForPort() != 0);
    QCOMPARE(FingerprintLine.match(QString::fromUtf8(again.waitForStdout("TLS fingerprint"))).captured(1),
             match.captured(1));
    // --tls off prints none.
    ServeProcess off({QStringLiteral("--password-file"), passwordFile, QStringLiteral("--tls"), QStringLiteral("off"),
                      QStringLiteral("--tls-dir"), dir.filePath(QStringLiteral("unused"))});
    QVERIFY(off.waitForPort() != 0);
    off.process().terminate();
    QVERIFY(off.process().waitForFinished(ProcessTimeoutMs));
    QVERIFY(!off.waitForStdout("TLS fingerprint").contains("TLS fingerprint"));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("unused"))));
    // A bad --tls value is a usage error.
    QCOMPARE(runCli({QStringLiteral("serve"), QStringLiteral("--console"), QStringLiteral("0"), QStringLiteral("--tls"),
                     QStringLiteral("maybe")})
                 .exitCode,
             2);
}

void TestCli::execTlsTrustOnFirstUseThenPinned()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString passwordFile = writeFile(dir, QStringLiteral("password"), Password.toUtf8() + '\n');
    ServeProcess server(tlsServeArgs(passwordFile, dir.filePath(QStringLiteral("tls"))));
    const quint16 port = server.waitForPort();
    QVERIFY(port != 0);
    const QString fingerprint
        = FingerprintLine.match(QString::fromUtf8(server.waitForStdout("TLS fingerprint"))).captured(1);
    QVERIFY(!fingerprint.isEmpty());
    const QString knownHosts = dir.filePath(QStringLiteral("known_hosts"));
    const QStringList options = tlsExecOptions(passwordFile, knownHosts);

    // Unknown, no terminal, no --accept-new: refused with the fingerprint and the way out.
    Result result = runCli(execArgs(port, QStringLiteral("echo never"), options));
    QCOMPARE(result.exitCode, 253);
    QCOMPARE(result.out, QByteArray());
    QVERIFY2(result.err.contains(fingerprint.toUtf8()), result.err.constData());
    QVERIFY2(result.err.contains("--accept-new"), result.err.constData());
    QVERIFY(!QFile::exists(knownHosts));

    // --accept-new: trusted, remembered, said so.
    result
        = runCli(execArgs(port, QStringLiteral("echo first"), options + QStringList{QStringLiteral("--accept-new")}));
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.out, QByteArray("first\n"));
    QVERIFY2(result.err.contains("permanently added"), result.err.constData());
    QVERIFY2(result.err.contains(fingerprint.toUtf8()), result.err.constData());

    // Pinned: a second exec without --accept-new connects silently.
    result = runCli(execArgs(port, QStringLiteral("echo second"), options));
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.out, QByteArray("second\n"));
    QCOMPARE(result.err, QByteArray());

    // known-hosts --list shows the pin; --forget removes it; then unknown again.
    const QString key = QStringLiteral("127.0.0.1:%1").arg(port);
    result = runCli(
        {QStringLiteral("known-hosts"), QStringLiteral("--known-hosts"), knownHosts, QStringLiteral("--list")});
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.out, QStringLiteral("%1 %2\n").arg(key, fingerprint).toUtf8());
    result = runCli(
        {QStringLiteral("known-hosts"), QStringLiteral("--known-hosts"), knownHosts, QStringLiteral("--forget"), key});
    QCOMPARE(result.exitCode, 0);
    result = runCli(
        {QStringLiteral("known-hosts"), QStringLiteral("--known-hosts"), knownHosts, QStringLiteral("--forget"), key});
    QCOMPARE(result.exitCode, 3); // nothing left to forget
    result = runCli({QStringLiteral("known-hosts"), QStringLiteral("--known-hosts"), knownHosts,
                     QStringLiteral("--forget"), QStringLiteral("no-port")});
    QCOMPARE(result.exitCode, 2);
    result = runCli(execArgs(port, QStringLiteral("echo never"), options));
    QCOMPARE(result.exitCode, 253);
}

void TestCli::execTlsChangedIdentityRefused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString passwordFile = writeFile(dir, QStringLiteral("password"), Password.toUtf8() + '\n');
    const QString knownHosts = dir.filePath(QStringLiteral("known_hosts"));
    const QStringList options = tlsExecOptions(passwordFile, knownHosts);
    quint16 port = 0;
    QString oldFingerprint;
    {
        ServeProcess server(tlsServeArgs(passwordFile, dir.filePath(QStringLiteral("tls-old"))));
        port = server.waitForPort();
        QVERIFY(port != 0);
        oldFingerprint = FingerprintLine.match(QString::fromUtf8(server.waitForStdout("TLS fingerprint"))).captured(1);
        const Result result = runCli(
            execArgs(port, QStringLiteral("echo pinned"), options + QStringList{QStringLiteral("--accept-new")}));
        QCOMPARE(result.exitCode, 0);
    }
    // The same port, another identity directory: a new identity.
    ServeProcess server(QStringList{QStringLiteral("--console"), QString::number(port)}
                        + tlsServeArgs(passwordFile, dir.filePath(QStringLiteral("tls-new"))));
    QVERIFY(server.waitForPort() == port);
    const QString newFingerprint
        = FingerprintLine.match(QString::fromUtf8(server.waitForStdout("TLS fingerprint"))).captured(1);
    QVERIFY(!newFingerprint.isEmpty());
    QVERIFY(newFingerprint != oldFingerprint);
    // Refused, with or without --accept-new, loudly, with both fingerprints,
    // the file and line, and the command that forgets the old pin.
    for (const QStringList &extra : {QStringList(), QStringList{QStringLiteral("--accept-new")}}) {
        const Result result = runCli(execArgs(port, QStringLiteral("echo never"), options + extra));
        QCOMPARE(result.exitCode, 253);
        QCOMPARE(result.out, QByteArray());
        QVERIFY2(result.err.contains("IDENTITY HAS CHANGED"), result.err.constData());
        QVERIFY(result.err.contains(oldFingerprint.toUtf8()));
        QVERIFY(result.err.contains(newFingerprint.toUtf8()));
        QVERIFY(result.err.contains(QStringLiteral("%1, line 1").arg(knownHosts).toUtf8()));
        QVERIFY(result.err.contains(QStringLiteral("--forget 127.0.0.1:%1").arg(port).toUtf8()));
    }
    // After forgetting, --accept-new trusts the new identity.
    QCOMPARE(runCli({QStringLiteral("known-hosts"), QStringLiteral("--known-hosts"), knownHosts,
                     QStringLiteral("--forget"), QStringLiteral("127.0.0.1:%1").arg(port)})
                 .exitCode,
             0);
    const Result result
        = runCli(execArgs(port, QStringLiteral("echo new"), options + QStringList{QStringLiteral("--accept-new")}));
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.out, QByteArray("new\n"));
}

void TestCli::execTlsAsksOnTheTerminal_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("yes") << QByteArray("yes\n") << 0;
    QTest::newRow("no") << QByteArray("no\n") << 253;
    QTest::newRow("something else, then no") << QByteArray("maybe\nno\n") << 253;
}

void TestCli::execTlsAsksOnTheTerminal()
{
    // Standard input is a terminal: an unknown server is asked about, as ssh does.
    QFETCH(QByteArray, answer);
    QFETCH(int, exitCode);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString passwordFile = writeFile(dir, QStringLiteral("password"), Password.toUtf8() + '\n');
    ServeProcess server(tlsServeArgs(passwordFile, dir.filePath(QStringLiteral("tls"))));
    const quint16 port = server.waitForPort();
    QVERIFY(port != 0);
    const QString fingerprint
        = FingerprintLine.match(QString::fromUtf8(server.waitForStdout("TLS fingerprint"))).captured(1);
    const QString knownHosts = dir.filePath(QStringLiteral("known_hosts"));

    int master = -1;
    int slave = -1;
    char name[256] = {};
    QVERIFY(::openpty(&master, &slave, name, nullptr, nullptr) == 0);
    const auto closeBoth = qScopeGuard([&] {
        ::close(master);
        ::close(slave);
    });
    QProcess client;
    client.setStandardInputFile(QString::fromLocal8Bit(name));
    client.start(cliPath(), execArgs(port, QStringLiteral("echo trusted"), tlsExecOptions(passwordFile, knownHosts)));
    QByteArray err;
    QElapsedTimer timer;
    timer.start();
    while (!err.contains("(yes/no)?") && timer.elapsed() < ProcessTimeoutMs && client.state() != QProcess::NotRunning) {
        client.waitForReadyRead(100);
        err += client.readAllStandardError();
    }
    QVERIFY2(err.contains("can't be established"), err.constData());
    QVERIFY2(err.contains(fingerprint.toUtf8()), err.constData());
    QCOMPARE(::write(master, answer.constData(), size_t(answer.size())), ssize_t(answer.size()));
    QVERIFY(client.waitForFinished(ProcessTimeoutMs));
    QCOMPARE(client.exitCode(), exitCode);
    QFile pins(knownHosts);
    const QByteArray pinned = pins.open(QIODevice::ReadOnly) ? pins.readAll() : QByteArray();
    QCOMPARE(pinned,
             exitCode == 0 ? QStringLiteral("127.0.0.1:%1 %2\n").arg(port).arg(fingerprint).toUtf8() : QByteArray());
    if (exitCode == 0)
        QCOMPARE(client.readAllStandardOutput(), QByteArray("trusted\n"));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
