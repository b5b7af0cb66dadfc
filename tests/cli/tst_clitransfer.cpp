// tincan-cli upload and download run as processes against `tincan-cli serve`
// (and, for a wrong MD5, against a server written here from the wire
// description): results, exit codes, the progress bar on a terminal only,
// and an interrupted transfer resumed.
#include "clitesthelpers.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/frame.h"
#include "nettesthelpers.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

using namespace Tincan;
using namespace Tincan::Console;

namespace {

constexpr int ProcessTimeoutMs = 60000;
constexpr qint64 MiB = 1024 * 1024;

// The exit codes README.md documents.
constexpr int Refused = 1;
constexpr int UsageError = 2;
constexpr int Mismatch = 3;
constexpr int LocalFile = 4;
constexpr int Interrupted = 130;
constexpr int ConnectionFailed = 255;

using Tincan::Test::cliPath;
using Tincan::Test::ServeProcess;
using Result = Tincan::Test::CliResult;

Result runCli(const QStringList &arguments, const QString &directory)
{
    return Tincan::Test::runCli(arguments, {{}, directory});
}

// `tincan-cli serve --console 0 --quiet EXTRA...` serving `directory`.
std::unique_ptr<ServeProcess> serve(const QString &directory, const QStringList &extra = {})
{
    auto server = std::make_unique<ServeProcess>(QStringList{QStringLiteral("--quiet")} + extra, directory);
    server->waitForPort();
    return server;
}

QStringList transferArgs(const QString &command, quint16 port, const QStringList &rest)
{
    return QStringList{command, QStringLiteral("--port"), QString::number(port)} + rest;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

QByteArray pseudoRandom(qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    quint32 state = 2463534242u ^ quint32(size);
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes[i] = char(state);
    }
    return bytes;
}

} // namespace

class TestCliTransfer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_tree;
    std::unique_ptr<ServeProcess> m_serve;

    QString remote() const { return m_tree->filePath(QStringLiteral("remote")); }
    QString local() const { return m_tree->filePath(QStringLiteral("local")); }

private Q_SLOTS:
    void initTestCase()
    {
        static QTemporaryDir home; // the children's settings, never the user's
        QVERIFY(home.isValid());
        qputenv("XDG_DATA_HOME", QFile::encodeName(home.filePath(QStringLiteral("data"))));
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(home.filePath(QStringLiteral("config"))));
        QVERIFY2(QFile::exists(cliPath()), qPrintable(cliPath()));
    }

    void init()
    {
        m_tree = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tree->isValid());
        QVERIFY(QDir().mkpath(remote() + QStringLiteral("/sub")));
        QVERIFY(QDir().mkpath(local()));
        m_serve = serve(remote());
        QVERIFY(m_serve->port() != 0);
    }

    void cleanup()
    {
        m_serve.reset();
        m_tree.reset();
    }

    void roundTrip_data()
    {
        QTest::addColumn<qint64>("size");
        QTest::newRow("0 bytes") << qint64(0);
        QTest::newRow("1 byte") << qint64(1);
        QTest::newRow("5 MiB and a byte") << qint64(5 * MiB + 1);
    }

    void roundTrip()
    {
        QFETCH(qint64, size);
        const QByteArray content = pseudoRandom(size);
        QVERIFY(writeFile(local() + QStringLiteral("/data.bin"), content));
        const quint16 port = m_serve->port();
        // Default REMOTE: the local name, in the session's directory.
        Result up = runCli(transferArgs(QStringLiteral("upload"), port, {QStringLiteral("data.bin")}), local());
        QCOMPARE(up.exitCode, 0);
        QCOMPARE(readFile(remote() + QStringLiteral("/data.bin")), content);
        // Not a terminal: quiet.
        QCOMPARE(up.out, QByteArray());
        QCOMPARE(up.err, QByteArray());
        // A directory REMOTE ending in /: the local name there.
        up = runCli(transferArgs(QStringLiteral("upload"), port, {QStringLiteral("data.bin"), QStringLiteral("sub/")}),
                    local());
        QCOMPARE(up.exitCode, 0);
        QCOMPARE(readFile(remote() + QStringLiteral("/sub/data.bin")), content);

        // Default LOCAL: the remote name, here.
        QVERIFY(QDir().mkpath(local() + QStringLiteral("/back")));
        const Result down = runCli(transferArgs(QStringLiteral("download"), port, {QStringLiteral("sub/data.bin")}),
                                   local() + QStringLiteral("/back"));
        QCOMPARE(down.exitCode, 0);
        QCOMPARE(down.err, QByteArray());
        QCOMPARE(readFile(local() + QStringLiteral("/back/data.bin")), content);
    }

    void exitCodes_data()
    {
        QTest::addColumn<QStringList>("arguments"); // after the command and --port
        QTest::addColumn<bool>("upload");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QByteArray>("says");
        QTest::newRow("upload: absolute path") << QStringList{QStringLiteral("a.txt"), QStringLiteral("/tmp/x")} << true
                                               << Refused << QByteArray("absolute");
        QTest::newRow("upload: dot dot") << QStringList{QStringLiteral("a.txt"), QStringLiteral("../x")} << true
                                         << Refused << QByteArray("out of the session");
        QTest::newRow("upload: exists") << QStringList{QStringLiteral("a.txt"), QStringLiteral("there.txt")} << true
                                        << Refused << QByteArray("not replaced");
        QTest::newRow("upload: exists, --force")
            << QStringList{QStringLiteral("--force"), QStringLiteral("a.txt"), QStringLiteral("there.txt")} << true << 0
            << QByteArray();
        QTest::newRow("upload: no such local file")
            << QStringList{QStringLiteral("nope.txt")} << true << LocalFile << QByteArray("nope.txt");
        QTest::newRow("download: missing")
            << QStringList{QStringLiteral("nope.txt")} << false << Refused << QByteArray("does not exist");
        QTest::newRow("download: outside") << QStringList{QStringLiteral("../local/a.txt"), QStringLiteral("out.txt")}
                                           << false << Refused << QByteArray("out of the session");
        QTest::newRow("download: local exists") << QStringList{QStringLiteral("there.txt"), QStringLiteral("a.txt")}
                                                << false << Refused << QByteArray("not replaced");
        QTest::newRow("download: local exists, -f")
            << QStringList{QStringLiteral("-f"), QStringLiteral("there.txt"), QStringLiteral("a.txt")} << false << 0
            << QByteArray();
        QTest::newRow("download: into a missing directory")
            << QStringList{QStringLiteral("there.txt"), QStringLiteral("no/such/dir/x.txt")} << false << LocalFile
            << QByteArray("x.txt");
        QTest::newRow("upload: no arguments") << QStringList{} << true << UsageError << QByteArray("LOCAL");
        QTest::newRow("download: three arguments")
            << QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")} << false << UsageError
            << QByteArray("REMOTE");
    }

    void exitCodes()
    {
        QFETCH(QStringList, arguments);
        QFETCH(bool, upload);
        QFETCH(int, exitCode);
        QFETCH(QByteArray, says);
        QVERIFY(writeFile(local() + QStringLiteral("/a.txt"), "local\n"));
        QVERIFY(writeFile(remote() + QStringLiteral("/there.txt"), "remote\n"));
        const Result result = runCli(
            transferArgs(upload ? QStringLiteral("upload") : QStringLiteral("download"), m_serve->port(), arguments),
            local());
        QCOMPARE(result.exitCode, exitCode);
        QVERIFY2(result.err.contains(says), result.err.constData());
        if (exitCode == 0)
            QCOMPARE(readFile(upload ? remote() + QStringLiteral("/there.txt") : local() + QStringLiteral("/a.txt")),
                     upload ? QByteArray("local\n") : QByteArray("remote\n"));
        else
            QCOMPARE(readFile(remote() + QStringLiteral("/there.txt")), QByteArray("remote\n"));
    }

    void connectionFailed()
    {
        QTcpServer probe; // a port nothing listens on
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        QVERIFY(writeFile(local() + QStringLiteral("/a.txt"), "local\n"));
        const Result result = runCli(transferArgs(QStringLiteral("upload"), port, {QStringLiteral("a.txt")}), local());
        QCOMPARE(result.exitCode, ConnectionFailed);
        QVERIFY2(result.err.contains("refused"), result.err.constData());
    }

    void mismatch()
    {
        // A server, written from the description, that offers a file with an
        // MD5 its bytes do not have.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QTcpSocket *peer = nullptr;
        FrameDecoder decoder;
        QObject::connect(&server, &QTcpServer::newConnection, &server, [&] {
            peer = server.nextPendingConnection();
            QObject::connect(peer, &QTcpSocket::readyRead, peer, [&] {
                decoder.feed(peer->readAll());
                while (decoder.status() == FrameDecoder::Status::FrameReady) {
                    const Frame frame = decoder.takeFrame();
                    const QString type = Test::typeOf(frame);
                    const QJsonValue id = frame.header.value(Key::Transfer);
                    if (type == Type::Hello)
                        peer->write(encodeFrame(
                            {{Key::Type, Type::Welcome}, {Key::Version, 1}, {Key::Cwd, QStringLiteral("/x")}}));
                    else if (type == Type::Download)
                        peer->write(encodeFrame({{Key::Type, Type::File},
                                                 {Key::Transfer, id},
                                                 {Key::FileName, QStringLiteral("f")},
                                                 {Key::FileSize, 5},
                                                 {Key::Md5, QString(32, QLatin1Char('0'))}}));
                    else if (type == Type::TransferReady)
                        peer->write(
                            encodeFrame({{Key::Type, Type::Data}, {Key::Transfer, id}, {Key::Offset, 0}}, "hello"));
                }
            });
        });
        QProcess client;
        client.setWorkingDirectory(local());
        client.start(cliPath(), transferArgs(QStringLiteral("download"), server.serverPort(), {QStringLiteral("f")}));
        QVERIFY(Test::spinUntil([&] { return client.state() == QProcess::NotRunning; },
                                std::chrono::milliseconds(ProcessTimeoutMs)));
        QCOMPARE(client.exitCode(), Mismatch);
        QVERIFY(client.readAllStandardError().contains("MD5"));
        // Nothing under the name, nothing half-done.
        QCOMPARE(QDir(local()).entryList(QDir::Files | QDir::Hidden), QStringList());
    }

    void progressOnATerminalOnly()
    {
        QVERIFY(writeFile(local() + QStringLiteral("/p.bin"), pseudoRandom(3 * MiB)));
        int master = -1;
        int slave = -1;
        char name[256] = {};
        QVERIFY(::openpty(&master, &slave, name, nullptr, nullptr) == 0);
        const auto closeBoth = qScopeGuard([&] {
            ::close(master);
            ::close(slave);
        });
        QProcess client;
        client.setWorkingDirectory(local());
        client.setStandardErrorFile(QString::fromLocal8Bit(name));
        client.start(cliPath(), transferArgs(QStringLiteral("upload"), m_serve->port(), {QStringLiteral("p.bin")}));
        QVERIFY(client.waitForFinished(ProcessTimeoutMs));
        QCOMPARE(client.exitCode(), 0);
        ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
        QByteArray shown;
        char buffer[4096];
        ssize_t n;
        while ((n = ::read(master, buffer, sizeof buffer)) > 0)
            shown.append(buffer, qsizetype(n));
        QVERIFY2(shown.contains("100%"), shown.constData());
        QVERIFY2(shown.contains("[###"), shown.constData());
        const QByteArray md5 = QCryptographicHash::hash(pseudoRandom(3 * MiB), QCryptographicHash::Md5).toHex();
        QVERIFY2(shown.contains(md5), shown.constData());
    }

    void interruptedThenResumed()
    {
        // A sparse 1 GiB file: reading it costs no disk, sending it takes long
        // enough to be interrupted.
        const QString source = local() + QStringLiteral("/big.img");
        {
            QFile file(source);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QVERIFY(file.resize(1024 * MiB));
        }
        QProcess first;
        first.setWorkingDirectory(local());
        first.start(cliPath(), transferArgs(QStringLiteral("upload"), m_serve->port(), {QStringLiteral("big.img")}));
        QVERIFY(first.waitForStarted());
        // Once some of it has arrived, Ctrl+C.
        const auto partials = [&] {
            return QDir(remote()).entryInfoList({QStringLiteral(".big.img.*.tincan-part")}, QDir::Files | QDir::Hidden);
        };
        QTRY_VERIFY_WITH_TIMEOUT(!partials().isEmpty() && partials().constFirst().size() > 8 * MiB, ProcessTimeoutMs);
        ::kill(pid_t(first.processId()), SIGINT);
        QVERIFY(first.waitForFinished(ProcessTimeoutMs));
        QCOMPARE(first.exitCode(), Interrupted);
        QVERIFY(first.readAllStandardError().contains("resume"));
        QVERIFY(!QFile::exists(remote() + QStringLiteral("/big.img")));
        QTRY_COMPARE(partials().size(), 1);

        const Result second
            = runCli(transferArgs(QStringLiteral("upload"), m_serve->port(), {QStringLiteral("big.img")}), local());
        QCOMPARE(second.exitCode, 0);
        QCOMPARE(QFileInfo(remote() + QStringLiteral("/big.img")).size(), 1024 * MiB);
        QCOMPARE(partials().size(), 0);
        QVERIFY(QFile::remove(remote() + QStringLiteral("/big.img")));
    }

    void allowAnyPath()
    {
        QTemporaryDir elsewhere;
        QVERIFY(elsewhere.isValid());
        m_serve = serve(remote(), {QStringLiteral("--allow-any-path")});
        QVERIFY(m_serve->port() != 0);
        QVERIFY(writeFile(local() + QStringLiteral("/a.txt"), "anywhere\n"));
        const QString target = elsewhere.filePath(QStringLiteral("a.txt"));
        const Result result = runCli(
            transferArgs(QStringLiteral("upload"), m_serve->port(), {QStringLiteral("a.txt"), target}), local());
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(readFile(target), QByteArray("anywhere\n"));
    }

    void help()
    {
        for (const QString &command : {QStringLiteral("upload"), QStringLiteral("download")}) {
            const Result result = runCli({command, QStringLiteral("--help")}, local());
            QCOMPARE(result.exitCode, 0);
            QVERIFY(result.out.contains("--force"));
            QVERIFY(result.out.contains("--password-file"));
            QVERIFY(result.out.contains("MD5"));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliTransfer)
#include "tst_clitransfer.moc"
