// ConsoleServer over loopback, with real shell commands: clients written from
// the wire description alone (RawConsoleClient), classic clients as the
// socket tutorial writes them, and Tincan::ConsoleClient.
#include "net/console/consoleclient.h"
#include "net/console/consoleserver.h"
#include "net/console/outputencoding.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/frame.h"
#include "nettesthelpers.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <charconv>
#include <cstring>
#include <map>
#include <memory>

using namespace Tincan;
using namespace Tincan::Console;
using namespace std::chrono_literals;
using Tincan::Test::livingProcessCountInGroup;
using Tincan::Test::RawConsoleClient;
using Tincan::Test::rawFrame;

namespace {

// Generous bounds for things that should take milliseconds; they only matter
// when something hangs.
constexpr int CommandTimeoutMs = 10000;

QJsonObject execHeader(const QJsonValue &id, const QJsonValue &command)
{
    return {{Key::Type, Type::Exec}, {Key::Id, id}, {Key::Command, command}};
}

QByteArray seqOutput(int first, int last)
{
    QByteArray text;
    for (int i = first; i <= last; ++i)
        text += QByteArray::number(i) + '\n';
    return text;
}

// Peak resident memory of this process (server and clients both live here).
qint64 peakRssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> lines = status.readAll().split('\n');
    for (const QByteArray &line : lines)
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

bool resetPeakRss()
{
    QFile clearRefs(QStringLiteral("/proc/self/clear_refs"));
    return clearRefs.open(QIODevice::WriteOnly) && clearRefs.write("5") == 1;
}

// Everything a ConsoleClient reported, by request id.
struct ClientLog
{
    std::map<quint64, QByteArray> out;
    std::map<quint64, QByteArray> err;
    std::map<quint64, ProcessExit> exits;
    std::map<quint64, QString> failures;
    std::map<quint64, qint64> pids;
    QStringList errors;
    int readyCount = 0;
    int disconnectedCount = 0;

    explicit ClientLog(ConsoleClient &client)
    {
        m_connections = {
            QObject::connect(&client, &ConsoleClient::ready, &client, [this] { ++readyCount; }),
            QObject::connect(&client, &ConsoleClient::commandStarted, &client,
                             [this](quint64 id, qint64 pid) { pids[id] = pid; }),
            QObject::connect(&client, &ConsoleClient::outputReceived, &client,
                             [this](quint64 id, OutputStream stream, const QByteArray &data) {
                                 (stream == OutputStream::Stdout ? out : err)[id] += data;
                             }),
            QObject::connect(&client, &ConsoleClient::commandFinished, &client,
                             [this](quint64 id, ProcessExit exit) { exits[id] = exit; }),
            QObject::connect(&client, &ConsoleClient::commandFailed, &client,
                             [this](quint64 id, const QString &message) { failures[id] = message; }),
            QObject::connect(&client, &ConsoleClient::errorOccurred, &client,
                             [this](const QString &message) { errors.append(message); }),
            QObject::connect(&client, &ConsoleClient::disconnected, &client, [this] { ++disconnectedCount; }),
        };
    }
    // A client that outlives its log (declared before it) still reports its
    // disconnect when destroyed: nobody must be listening by then.
    ~ClientLog()
    {
        for (const QMetaObject::Connection &connection : m_connections)
            QObject::disconnect(connection);
    }
    Q_DISABLE_COPY_MOVE(ClientLog)
    bool finished(quint64 id) const { return exits.contains(id); }

private:
    QList<QMetaObject::Connection> m_connections;
};

} // namespace

class TestConsoleServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ConsoleServer> m_server;

    quint16 port() const { return m_server->serverPort(); }

    // (Re)starts the server on 127.0.0.1 and a free port.
    bool startServer(ConsoleServer::Options options = {})
    {
        m_server = std::make_unique<ConsoleServer>();
        options.port = 0;
        if (!m_server->listen(options)) {
            qWarning("listen failed: %s", qPrintable(m_server->errorString()));
            return false;
        }
        return true;
    }

    std::unique_ptr<RawConsoleClient> greetedClient()
    {
        auto client = std::make_unique<RawConsoleClient>(port());
        return client->greet() ? std::move(client) : nullptr;
    }

    // Runs one command on a greeted client and checks it ran normally.
    static bool runsNormally(RawConsoleClient &client, const QJsonValue &id)
    {
        client.sendExec(id, QStringLiteral("echo alive"));
        const std::optional<Frame> exit = client.waitFor(Type::Exit, id, std::chrono::milliseconds(CommandTimeoutMs));
        return exit && jsonInteger(exit->header, Key::ExitCode) == 0
            && client.output(id, StreamName::Stdout) == "alive\n";
    }

    // The one reply frame of a classic command.
    static std::optional<Frame> classicReply(RawConsoleClient &client, qsizetype index = 0)
    {
        [[maybe_unused]] const bool arrived
            = Test::spinUntil([&] { return client.frames().size() > index || client.isDisconnected(); },
                              std::chrono::milliseconds(CommandTimeoutMs));
        if (client.frames().size() <= index)
            return std::nullopt;
        return client.frames().at(index);
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(startServer());
        QCOMPARE(m_server->serverAddress(), QHostAddress(QHostAddress::LocalHost));
        QVERIFY(port() != 0);
    }

    void cleanup()
    {
        // Deleting the server kills and reaps whatever a failed test left.
        m_server.reset();
    }

    // ---- framed protocol, raw client ----------------------------------------

    void helloWelcome()
    {
        QSignalSpy connected(m_server.get(), &ConsoleServer::clientConnected);
        QSignalSpy detected(m_server.get(), &ConsoleServer::clientProtocolDetected);
        RawConsoleClient client(port());
        client.sendHello();
        const std::optional<Frame> welcome = client.waitFor(Type::Welcome);
        QVERIFY(welcome);
        QCOMPARE(jsonInteger(welcome->header, Key::Version), std::optional<qint64>(ProtocolVersion));
        QVERIFY(welcome->header.value(Key::Software).toString().startsWith(QStringLiteral("Tincan ")));
        // The charset of the locale the tests run in (UTF-8 under C too).
        QCOMPARE(welcome->header.value(Key::Encoding).toString(), localeOutputEncoding());
        QCOMPARE(m_server->outputEncoding(), localeOutputEncoding());
        QCOMPARE(welcome->payload, QByteArray());
        QCOMPARE(client.frames().size(), 1);
        QCOMPARE(connected.count(), 1);
        QCOMPARE(detected.count(), 1);
        QCOMPARE(detected.at(0).at(1).value<WireProtocol>(), WireProtocol::Framed);
        QCOMPARE(m_server->connectionCount(), 1);
    }

    void helloInPieces()
    {
        // The first bytes arrive alone: too few to decide, then the rest.
        RawConsoleClient client(port());
        const QByteArray hello = encodeFrame({{Key::Type, Type::Hello}, {Key::Version, ProtocolVersion}});
        client.write(QByteArrayView(hello).first(2));
        QTRY_COMPARE(m_server->connectionCount(), 1);
        QVERIFY(client.socket().waitForBytesWritten(1000) || client.socket().bytesToWrite() == 0);
        client.write(QByteArrayView(hello).sliced(2, 5));
        QVERIFY(client.socket().waitForBytesWritten(1000) || client.socket().bytesToWrite() == 0);
        client.write(QByteArrayView(hello).sliced(7));
        QVERIFY(client.waitFor(Type::Welcome));
    }

    void pipelinedRequests()
    {
        // hello, exec and many pings in a single write: each is answered.
        constexpr int Pings = 200;
        RawConsoleClient client(port());
        QByteArray bytes = encodeFrame({{Key::Type, Type::Hello}, {Key::Version, ProtocolVersion}});
        bytes += encodeFrame(execHeader(1, QStringLiteral("echo piped")));
        for (int i = 0; i < Pings; ++i)
            bytes += encodeFrame({{Key::Type, Type::Ping}, {Key::Id, i}});
        client.write(bytes);
        QVERIFY(client.waitFor(Type::Exit, 1));
        QVERIFY(Test::spinUntil([&] { return client.count(Type::Pong) == Pings; }, 10s));
        QCOMPARE(client.indexOf(Type::Welcome), 0);
        QCOMPARE(client.output(1, StreamName::Stdout), QByteArray("piped\n"));
        qint64 expected = 0;
        for (const Frame &frame : client.frames())
            if (Test::typeOf(frame) == Type::Pong)
                QCOMPARE(jsonInteger(frame.header, Key::Id), std::optional<qint64>(expected++));
    }

    void pingPong()
    {
        auto client = greetedClient();
        QVERIFY(client);
        client->sendFrame({{Key::Type, Type::Ping}, {Key::Id, QStringLiteral("p1")}});
        const std::optional<Frame> pong = client->waitFor(Type::Pong);
        QVERIFY(pong);
        QCOMPARE(pong->header.value(Key::Id).toString(), QStringLiteral("p1"));
        // A repeated hello and a stray pong are harmless.
        client->sendHello();
        client->sendFrame({{Key::Type, Type::Pong}});
        QVERIFY(runsNormally(*client, 1));
        QCOMPARE(client->count(Type::Welcome), 1);
        // Without an id, the pong has none either.
        client->clearFrames();
        client->sendFrame({{Key::Type, Type::Ping}});
        const std::optional<Frame> bare = client->waitFor(Type::Pong);
        QVERIFY(bare);
        QVERIFY(!bare->header.contains(Key::Id));
    }

    void streaming()
    {
        auto client = greetedClient();
        QVERIFY(client);
        client->sendExec(1, QStringLiteral("echo a; sleep 0.3; echo b"));
        const std::optional<Frame> started = client->waitFor(Type::Started, 1);
        QVERIFY(started);
        QVERIFY(jsonInteger(started->header, Key::Pid).value_or(0) > 0);

        // "a" is delivered while the command still runs.
        QTRY_COMPARE(client->output(1, StreamName::Stdout), QByteArray("a\n"));
        QVERIFY(!client->find(Type::Exit, 1));

        const std::optional<Frame> exit = client->waitFor(Type::Exit, 1);
        QVERIFY(exit);
        QCOMPARE(client->output(1, StreamName::Stdout), QByteArray("a\nb\n"));
        QCOMPARE(jsonInteger(exit->header, Key::ExitCode), std::optional<qint64>(0));
        QVERIFY(exit->header.contains(Key::Signal));
        QVERIFY(exit->header.value(Key::Signal).isNull());
        const std::optional<qint64> elapsed = jsonInteger(exit->header, Key::ElapsedMs);
        QVERIFY(elapsed);
        QVERIFY2(*elapsed >= 250 && *elapsed < CommandTimeoutMs, qPrintable(QString::number(*elapsed)));
        // Order on the wire: started, outputs, exit.
        QVERIFY(client->indexOf(Type::Started, 1) < client->indexOf(Type::Output, 1));
        QCOMPARE(client->indexOf(Type::Exit, 1), client->frames().size() - 1);
    }

    void stderrKeptApart()
    {
        auto client = greetedClient();
        QVERIFY(client);
        client->sendExec(QStringLiteral("e"), QStringLiteral("echo out; echo err >&2; echo out2; echo err2 1>&2"));
        QVERIFY(client->waitFor(Type::Exit, QStringLiteral("e")));
        QCOMPARE(client->output(QStringLiteral("e"), StreamName::Stdout), QByteArray("out\nout2\n"));
        QCOMPARE(client->output(QStringLiteral("e"), StreamName::Stderr), QByteArray("err\nerr2\n"));
        for (const Frame &frame : client->frames())
            if (Test::typeOf(frame) == Type::Output)
                QVERIFY(frame.payload.size() <= Limits::OutputChunkSize);
    }

    void exitStatus_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QJsonValue>("exitCode"); // null when signalled
        QTest::addColumn<QJsonValue>("signal");   // null when not

        QTest::newRow("exit 0") << QStringLiteral("exit 0") << QJsonValue(0) << QJsonValue();
        QTest::newRow("exit 3") << QStringLiteral("exit 3") << QJsonValue(3) << QJsonValue();
        QTest::newRow("exit 255") << QStringLiteral("exit 255") << QJsonValue(255) << QJsonValue();
        QTest::newRow("false") << QStringLiteral("false") << QJsonValue(1) << QJsonValue();
        QTest::newRow("not found") << QStringLiteral("no-such-command-tincan") << QJsonValue(127) << QJsonValue();
        QTest::newRow("kill -9 $$") << QStringLiteral("kill -9 $$") << QJsonValue() << QJsonValue(9);
        QTest::newRow("kill -TERM $$") << QStringLiteral("kill -TERM $$") << QJsonValue() << QJsonValue(15);
    }

    void exitStatus()
    {
        QFETCH(QString, command);
        QFETCH(QJsonValue, exitCode);
        QFETCH(QJsonValue, signal);

        QSignalSpy finished(m_server.get(), &ConsoleServer::commandFinished);
        auto client = greetedClient();
        QVERIFY(client);
        client->sendExec(9, command);
        const std::optional<Frame> exit = client->waitFor(Type::Exit, 9);
        QVERIFY(exit);
        QVERIFY(exit->header.contains(Key::ExitCode));
        QVERIFY(exit->header.contains(Key::Signal));
        QCOMPARE(exit->header.value(Key::ExitCode), exitCode);
        QCOMPARE(exit->header.value(Key::Signal), signal);
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("9"));
    }

    void pidIsTheProcessGroup()
    {
        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        auto client = greetedClient();
        QVERIFY(client);
        client->sendExec(1, QStringLiteral("sleep 30"));
        const std::optional<Frame> frame = client->waitFor(Type::Started, 1);
        QVERIFY(frame);
        const qint64 pid = jsonInteger(frame->header, Key::Pid).value_or(0);
        QVERIFY(pid > 0);
        const std::optional<Test::ProcStat> stat = Test::readProcStat(pid);
        QVERIFY(stat);
        QCOMPARE(stat->pgrp, pid);
        QCOMPARE(started.count(), 1);
        QCOMPARE(started.at(0).at(2).toString(), QStringLiteral("sleep 30"));
        QCOMPARE(started.at(0).at(3).toLongLong(), pid);
        QCOMPARE(m_server->runningCommandCount(), 1);
        client->sendCancel(1);
        QVERIFY(client->waitFor(Type::Exit, 1));
        QTRY_COMPARE(livingProcessCountInGroup(pid), 0);
        QCOMPARE(m_server->runningCommandCount(), 0);
    }

    void largeOutput_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<bool>("numbers"); // seq: check every line, else count zero bytes
        QTest::addColumn<qint64>("expectedBytes");

        QTest::newRow("100 MiB of zeros")
            << QStringLiteral("head -c 104857600 /dev/zero") << false << qint64(104857600);
        // 1..13,000,000, one per line: 105,888,897 bytes.
        qint64 seqBytes = 0;
        for (qint64 digits = 1, from = 1; from <= 13000000; ++digits, from *= 10)
            seqBytes += (qMin<qint64>(from * 10 - 1, 13000000) - from + 1) * (digits + 1);
        QTest::newRow("seq 1 13000000") << QStringLiteral("seq 1 13000000") << true << seqBytes;
    }

    void largeOutput()
    {
        QFETCH(QString, command);
        QFETCH(bool, numbers);
        QFETCH(qint64, expectedBytes);
        QVERIFY(expectedBytes >= 100 * 1000 * 1000);

        auto client = greetedClient();
        QVERIFY(client);
        // Output is checked as it streams in and then dropped, so this side
        // holds no more than a chunk.
        qint64 received = 0;
        qint64 receivedAtExit = -1;
        qint64 nextNumber = 1;
        QByteArray partialLine;
        bool allZero = true;
        bool inOrder = true;
        bool chunksSmall = true;
        client->frameHandler = [&](const Frame &frame) {
            const QString type = Test::typeOf(frame);
            if (type == Type::Exit)
                receivedAtExit = received;
            if (type != Type::Output || frame.header.value(Key::Stream).toString() != StreamName::Stdout)
                return false;
            received += frame.payload.size();
            chunksSmall = chunksSmall && frame.payload.size() <= Limits::OutputChunkSize;
            if (!numbers) {
                allZero = allZero && frame.payload.count('\0') == frame.payload.size();
                return true;
            }
            partialLine += frame.payload;
            const char *p = partialLine.constData();
            const char *end = p + partialLine.size();
            while (inOrder) {
                const char *newline = static_cast<const char *>(std::memchr(p, '\n', size_t(end - p)));
                if (!newline)
                    break;
                qint64 value = 0;
                const auto [last, ec] = std::from_chars(p, newline, value);
                inOrder = ec == std::errc() && last == newline && value == nextNumber++;
                p = newline + 1;
            }
            partialLine.remove(0, p - partialLine.constData());
            return true;
        };

        const bool peakReset = resetPeakRss();
        const qint64 peakBefore = peakRssKiB();
        QElapsedTimer timer;
        timer.start();
        client->sendExec(1, command);
        const std::optional<Frame> exit = client->waitFor(Type::Exit, 1, 60s);
        QVERIFY(exit);
        qInfo("%lld bytes in %lld ms", received, timer.elapsed());
        QCOMPARE(jsonInteger(exit->header, Key::ExitCode), std::optional<qint64>(0));
        QCOMPARE(received, expectedBytes);
        QCOMPARE(receivedAtExit, expectedBytes); // all output came before exit
        QVERIFY(chunksSmall);
        if (numbers) {
            QVERIFY(inOrder);
            QCOMPARE(nextNumber - 1, 13000000);
            QVERIFY(partialLine.isEmpty());
        } else {
            QVERIFY(allZero);
        }
        QVERIFY(client->decodeError().isEmpty());
        // Flow control: neither the server nor the client held the stream in
        // memory (both live in this process).
#if !defined(TINCAN_TEST_ASAN) // AddressSanitizer keeps freed memory in quarantine
        if (peakReset && peakBefore > 0) {
            const qint64 growthKiB = peakRssKiB() - peakBefore;
            QVERIFY2(growthKiB < 64 * 1024, qPrintable(QStringLiteral("peak RSS grew by %1 KiB").arg(growthKiB)));
        }
#else
        Q_UNUSED(peakReset);
        Q_UNUSED(peakBefore);
#endif
    }

    void stalledClientPausesTheCommand()
    {
        // A client that stops reading: the server must stop reading the
        // command's pipes (so the command blocks) rather than buffer its output.
        constexpr qint64 Total = 104857600;
        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        auto client = greetedClient();
        QVERIFY(client);
        client->socket().setReadBufferSize(64 * 1024);
        client->setReadingPaused(true);
        qint64 received = 0;
        client->frameHandler = [&](const Frame &frame) {
            if (Test::typeOf(frame) != Type::Output)
                return false;
            received += frame.payload.size();
            return true;
        };
        client->sendExec(1, QStringLiteral("head -c %1 /dev/zero").arg(Total));
        QTRY_COMPARE(started.count(), 1);
        const qint64 pgid = started.at(0).at(3).toLongLong();

        // The writer blocks and stays blocked: what it has written stops
        // changing from one look to the next (an unpaused server reads 64 KiB
        // on every event loop pass, and QTRY runs several between looks).
        qint64 previous = -1;
        qint64 written = -1;
        const auto writerStalled = [&] {
            const QList<Test::ProcStat> group = Test::livingProcessesInGroup(pgid);
            for (const Test::ProcStat &stat : group) {
                if (stat.comm != "head")
                    continue;
                written = stat.state == 'S' ? Test::bytesWrittenBy(stat.pid) : -1;
                const bool stable = written > 0 && written == previous;
                previous = written;
                return stable;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(writerStalled(), 10000);
        // Held back: what the kernel's socket buffers and the server's
        // high-water mark allow, far from all of it.
        QVERIFY2(written < Total / 2, qPrintable(QString::number(written)));
        QCOMPARE(m_server->runningCommandCount(), 1);

        client->socket().setReadBufferSize(0);
        client->setReadingPaused(false);
        QVERIFY(client->waitFor(Type::Exit, 1, 60s));
        QCOMPARE(received, Total);
        QCOMPARE(jsonInteger(client->find(Type::Exit, 1)->header, Key::ExitCode), std::optional<qint64>(0));
    }

    void concurrentCommandsOnOneConnection()
    {
        auto client = greetedClient();
        QVERIFY(client);
        constexpr int Count = 4; // each sleeps 0.5 s: 2 s one after another
        QElapsedTimer timer;
        timer.start();
        for (int i = 1; i <= Count; ++i)
            client->sendExec(i, QStringLiteral("sleep 0.5; echo done-%1").arg(i));
        for (int i = 1; i <= Count; ++i)
            QVERIFY(client->waitFor(Type::Exit, i));
        QVERIFY2(timer.elapsed() < 1500, qPrintable(QString::number(timer.elapsed())));
        for (int i = 1; i <= Count; ++i)
            QCOMPARE(client->output(i, StreamName::Stdout), QStringLiteral("done-%1\n").arg(i).toUtf8());
        // Every command started before any of them ended.
        qsizetype lastStarted = -1;
        for (int i = 1; i <= Count; ++i)
            lastStarted = qMax(lastStarted, client->indexOf(Type::Started, i));
        qsizetype firstExit = client->frames().size();
        for (int i = 1; i <= Count; ++i)
            firstExit = qMin(firstExit, client->indexOf(Type::Exit, i));
        QVERIFY(lastStarted < firstExit);
    }

    void severalClientsAtOnce()
    {
        constexpr int Count = 6;
        std::vector<std::unique_ptr<RawConsoleClient>> clients;
        for (int i = 0; i < Count; ++i) {
            clients.push_back(greetedClient());
            QVERIFY(clients.back());
        }
        QCOMPARE(m_server->connectionCount(), Count);
        // A classic client alongside them.
        RawConsoleClient classic(port());

        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < Count; ++i)
            clients[size_t(i)]->sendExec(1, QStringLiteral("sleep 0.3; echo client-%1").arg(i));
        classic.write("sleep 0.3; echo classic");
        for (int i = 0; i < Count; ++i)
            QVERIFY(clients[size_t(i)]->waitFor(Type::Exit, 1));
        const std::optional<Frame> reply = classicReply(classic);
        QVERIFY(reply);
        QVERIFY2(timer.elapsed() < 1500, qPrintable(QString::number(timer.elapsed())));
        for (int i = 0; i < Count; ++i)
            QCOMPARE(clients[size_t(i)]->output(1, StreamName::Stdout), QStringLiteral("client-%1\n").arg(i).toUtf8());
        QCOMPARE(reply->payload, QByteArray("classic\n"));
        QCOMPARE(m_server->connectionCount(), Count + 1);
    }

    void cancel_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("processes"); // in the group once it runs
        QTest::addColumn<int>("signal");
        QTest::addColumn<bool>("escalated");

        QTest::newRow("sleep 30") << QStringLiteral("sleep 30") << 1 << 15 << false;
        QTest::newRow("pipeline") << QStringLiteral("sleep 30 | sleep 31") << 2 << 15 << false;
        QTest::newRow("ignores SIGTERM") << QStringLiteral("trap '' TERM; sleep 30") << 2 << 9 << true;
    }

    void cancel()
    {
        QFETCH(QString, command);
        QFETCH(int, processes);
        QFETCH(int, signal);
        QFETCH(bool, escalated);

        auto client = greetedClient();
        QVERIFY(client);
        client->sendExec(QStringLiteral("c"), command);
        const std::optional<Frame> started = client->waitFor(Type::Started, QStringLiteral("c"));
        QVERIFY(started);
        const qint64 pgid = jsonInteger(started->header, Key::Pid).value_or(0);
        QVERIFY(pgid > 0);
        // Once the shell has set its trap and started the sleeps.
        QTRY_VERIFY(livingProcessCountInGroup(pgid) >= processes);

        QElapsedTimer timer;
        timer.start();
        client->sendCancel(QStringLiteral("c"));
        const std::optional<Frame> exit = client->waitFor(Type::Exit, QStringLiteral("c"));
        QVERIFY(exit);
        const qint64 elapsed = timer.elapsed();
        QCOMPARE(jsonInteger(exit->header, Key::Signal), std::optional<qint64>(signal));
        QVERIFY(exit->header.value(Key::ExitCode).isNull());
        if (escalated)
            QVERIFY2(elapsed >= Test::earliest(ShellProcess::KillGrace), qPrintable(QString::number(elapsed)));
        else
            QVERIFY2(elapsed < 1000, qPrintable(QString::number(elapsed)));
        QVERIFY(elapsed < (ShellProcess::KillGrace + 2000ms).count());
        QTRY_COMPARE(livingProcessCountInGroup(pgid), 0);
        QVERIFY(!client->find(Type::Error));
        // A second cancel of the finished command: nothing runs under that id.
        client->sendCancel(QStringLiteral("c"));
        const std::optional<Frame> error = client->waitFor(Type::Error, QStringLiteral("c"));
        QVERIFY(error);
        QCOMPARE(error->header.value(Key::Code).toString(), ErrorCode::UnknownId);
    }

    void disconnectLeavesNoProcess_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("processes");
        QTest::addColumn<bool>("classic");

        QTest::newRow("sleep") << QStringLiteral("sleep 100") << 1 << false;
        QTest::newRow("background children") << QStringLiteral("sleep 100 & sleep 100 & wait") << 3 << false;
        QTest::newRow("pipeline") << QStringLiteral("sleep 100 | cat") << 2 << false;
        QTest::newRow("ignores SIGTERM") << QStringLiteral("trap '' TERM; sleep 100") << 2 << false;
        QTest::newRow("floods output") << QStringLiteral("yes tincan") << 1 << false;
        QTest::newRow("classic") << QStringLiteral("sleep 100 & sleep 100 & wait") << 3 << true;
    }

    void disconnectLeavesNoProcess()
    {
        QFETCH(QString, command);
        QFETCH(int, processes);
        QFETCH(bool, classic);

        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        QSignalSpy finished(m_server.get(), &ConsoleServer::commandFinished);
        QSignalSpy disconnected(m_server.get(), &ConsoleServer::clientDisconnected);
        auto client = classic ? std::make_unique<RawConsoleClient>(port()) : greetedClient();
        QVERIFY(client);
        // Output is dropped as it comes: "yes" writes as fast as it can.
        client->frameHandler = [](const Frame &frame) { return Test::typeOf(frame) == Type::Output; };
        if (classic)
            client->write(command.toUtf8());
        else
            client->sendExec(1, command);
        QTRY_COMPARE(started.count(), 1);
        const qint64 pgid = started.at(0).at(3).toLongLong();
        QVERIFY(pgid > 0);
        if (!classic) {
            const std::optional<Frame> frame = client->waitFor(Type::Started, 1);
            QVERIFY(frame);
            QCOMPARE(jsonInteger(frame->header, Key::Pid), std::optional<qint64>(pgid));
        }
        QTRY_VERIFY(livingProcessCountInGroup(pgid) >= processes);

        client.reset(); // the client goes away mid-command
        QTRY_COMPARE(disconnected.count(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(livingProcessCountInGroup(pgid), 0, int((ShellProcess::KillGrace + 3000ms).count()));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(m_server->connectionCount(), 0);
        QCOMPARE(m_server->runningCommandCount(), 0);
    }

    void backgroundJobDoesNotSurvive_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("holding the output") << QStringLiteral("sleep 100 &");
        QTest::newRow("output redirected") << QStringLiteral("sleep 100 >/dev/null 2>&1 &");
        QTest::newRow("in a subshell") << QStringLiteral("(sleep 100 &); echo started");
    }

    void backgroundJobDoesNotSurvive()
    {
        auto client = greetedClient();
        QVERIFY(client);
        QFETCH(QString, command);
        client->sendExec(1, command);
        const std::optional<Frame> started = client->waitFor(Type::Started, 1);
        QVERIFY(started);
        const qint64 pgid = jsonInteger(started->header, Key::Pid).value_or(0);
        // The shell's own exit comes (after the orphan grace at most).
        const std::optional<Frame> exit = client->waitFor(Type::Exit, 1);
        QVERIFY(exit);
        QCOMPARE(jsonInteger(exit->header, Key::ExitCode), std::optional<qint64>(0));
        QTRY_COMPARE(livingProcessCountInGroup(pgid), 0);
        QVERIFY(runsNormally(*client, 2));
    }

    void shutdownKillsCommands()
    {
        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        QSignalSpy shutdownFinished(m_server.get(), &ConsoleServer::shutdownFinished);
        auto framed = greetedClient();
        QVERIFY(framed);
        framed->sendExec(1, QStringLiteral("sleep 30"));
        RawConsoleClient classic(port());
        classic.write("sleep 30 & wait");
        auto idle = greetedClient();
        QVERIFY(idle);
        QTRY_COMPARE(started.count(), 2);
        const qint64 pgidA = started.at(0).at(3).toLongLong();
        const qint64 pgidB = started.at(1).at(3).toLongLong();
        QTRY_VERIFY(livingProcessCountInGroup(pgidB) >= 2);

        QElapsedTimer timer;
        timer.start();
        m_server->shutdown();
        QVERIFY(!m_server->isListening());
        QTRY_COMPARE(shutdownFinished.count(), 1);
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));

        // The framed clients are told, get the exit, and are disconnected.
        QTRY_VERIFY(framed->isDisconnected());
        const std::optional<Frame> notice = framed->find(Type::Error);
        QVERIFY(notice);
        QCOMPARE(notice->header.value(Key::Code).toString(), ErrorCode::ShuttingDown);
        const std::optional<Frame> exit = framed->find(Type::Exit, 1);
        QVERIFY(exit);
        QCOMPARE(jsonInteger(exit->header, Key::Signal), std::optional<qint64>(15));
        QTRY_VERIFY(idle->isDisconnected());
        const std::optional<Frame> idleNotice = idle->find(Type::Error);
        QVERIFY(idleNotice);
        QCOMPARE(idleNotice->header.value(Key::Code).toString(), ErrorCode::ShuttingDown);
        // The classic client gets its one reply.
        QTRY_VERIFY(classic.isDisconnected());
        QCOMPARE(classic.frames().size(), 1);
        QCOMPARE(jsonInteger(classic.frames().at(0).header, Key::Signal), std::optional<qint64>(15));
        QCOMPARE(jsonInteger(classic.frames().at(0).header, Key::ExitCode), std::optional<qint64>(128 + 15));

        QCOMPARE(livingProcessCountInGroup(pgidA), 0);
        QTRY_COMPARE(livingProcessCountInGroup(pgidB), 0);
        QCOMPARE(m_server->connectionCount(), 0);
        QCOMPARE(m_server->runningCommandCount(), 0);

        // No new connection is served.
        QTcpSocket late;
        late.connectToHost(QHostAddress(QHostAddress::LocalHost), port());
        QTRY_COMPARE(late.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(late.error(), QAbstractSocket::ConnectionRefusedError);
        QCOMPARE(shutdownFinished.count(), 1);
    }

    void shutdownCutsStalledClients()
    {
        // A client that stops reading cannot hold the shutdown up: its
        // connection is cut after ShutdownDeadline, and its command killed.
        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        QSignalSpy shutdownFinished(m_server.get(), &ConsoleServer::shutdownFinished);
        auto client = greetedClient();
        QVERIFY(client);
        client->socket().setReadBufferSize(64 * 1024);
        client->setReadingPaused(true);
        client->sendExec(1, QStringLiteral("trap '' TERM; yes"));
        QTRY_COMPARE(started.count(), 1);
        const qint64 pgid = started.at(0).at(3).toLongLong();
        QTRY_VERIFY(livingProcessCountInGroup(pgid) >= 2);

        QElapsedTimer timer;
        timer.start();
        m_server->shutdown();
        QTRY_COMPARE_WITH_TIMEOUT(shutdownFinished.count(), 1, int((ConsoleServer::ShutdownDeadline + 5000ms).count()));
        QVERIFY2(timer.elapsed() >= Test::earliest(ConsoleServer::ShutdownDeadline),
                 qPrintable(QString::number(timer.elapsed())));
        QTRY_COMPARE(livingProcessCountInGroup(pgid), 0);
        QCOMPARE(m_server->connectionCount(), 0);
        client->setReadingPaused(false);
        client->socket().setReadBufferSize(0);
        client->frameHandler = [](const Frame &) { return true; };
        QVERIFY(client->waitForDisconnected());
    }

    void shutdownWithoutClients()
    {
        QSignalSpy shutdownFinished(m_server.get(), &ConsoleServer::shutdownFinished);
        m_server->shutdown();
        m_server->shutdown(); // twice is harmless
        QTRY_COMPARE(shutdownFinished.count(), 1);
        QVERIFY(!m_server->isListening());
    }

    // ---- refused requests -----------------------------------------------------

    void badRequests_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QJsonValue>("id"); // expected in the error; undefined: none

        const auto frame = [](const QJsonObject &header) { return encodeFrame(header); };
        const QJsonValue none(QJsonValue::Undefined);
        const QString bad = ErrorCode::BadRequest;

        QTest::newRow("exec without id") << frame({{Key::Type, Type::Exec}, {Key::Command, QStringLiteral("true")}})
                                         << bad << none;
        QTest::newRow("exec with empty id") << frame(execHeader(QString(), QStringLiteral("true"))) << bad << none;
        QTest::newRow("exec with fractional id") << frame(execHeader(1.5, QStringLiteral("true"))) << bad << none;
        QTest::newRow("exec with object id")
            << frame(execHeader(QJsonObject{{QStringLiteral("a"), 1}}, QStringLiteral("true"))) << bad << none;
        QTest::newRow("exec with id 2^53+1")
            << rawFrame(R"({"type":"exec","id":9007199254740993,"command":"true","total_size":0})") << bad << none;
        QTest::newRow("exec with 129-character id")
            << frame(execHeader(QString(129, u'i'), QStringLiteral("true"))) << bad << none;
        QTest::newRow("exec without command") << frame({{Key::Type, Type::Exec}, {Key::Id, 5}}) << bad << QJsonValue(5);
        QTest::newRow("empty command") << frame(execHeader(5, QString())) << bad << QJsonValue(5);
        QTest::newRow("blank command") << frame(execHeader(5, QStringLiteral(" \t\n "))) << bad << QJsonValue(5);
        QTest::newRow("command not a string") << frame(execHeader(5, 42)) << bad << QJsonValue(5);
        QTest::newRow("command over the limit")
            << frame(execHeader(QStringLiteral("long"), QString(Limits::MaxCommandSize + 1, u'x'))) << bad
            << QJsonValue(QStringLiteral("long"));
        QTest::newRow("command over the limit in UTF-8 bytes")
            << frame(execHeader(6, QString(Limits::MaxCommandSize / 3 + 1, u'你'))) << bad << QJsonValue(6);
        QTest::newRow("cancel of unknown id")
            << frame({{Key::Type, Type::Cancel}, {Key::Id, 42}}) << QString(ErrorCode::UnknownId) << QJsonValue(42);
        QTest::newRow("cancel without id")
            << frame({{Key::Type, Type::Cancel}}) << QString(ErrorCode::UnknownId) << none;
        QTest::newRow("unknown type") << frame({{Key::Type, QStringLiteral("launch")}, {Key::Id, 7}})
                                      << QString(ErrorCode::UnknownType) << QJsonValue(7);
    }

    void badRequests()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, code);
        QFETCH(QJsonValue, id);

        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        auto client = greetedClient();
        QVERIFY(client);
        client->write(bytes);
        const std::optional<Frame> error = client->waitFor(Type::Error);
        QVERIFY(error);
        QCOMPARE(error->header.value(Key::Code).toString(), code);
        QVERIFY(!error->header.value(Key::Message).toString().isEmpty());
        if (id.isUndefined())
            QVERIFY(!error->header.contains(Key::Id));
        else
            QCOMPARE(error->header.value(Key::Id), id);
        QCOMPARE(started.count(), 0);
        // The connection carries on.
        QVERIFY(runsNormally(*client, QStringLiteral("after")));
        QVERIFY(!client->isDisconnected());
    }

    void requestIdsEchoed_data()
    {
        QTest::addColumn<QJsonValue>("id");
        QTest::newRow("1") << QJsonValue(1);
        QTest::newRow("0") << QJsonValue(0);
        QTest::newRow("-7") << QJsonValue(-7);
        QTest::newRow("2^53") << QJsonValue(FrameLimits::MaxJsonInteger);
        QTest::newRow("string") << QJsonValue(QStringLiteral("job-1"));
        QTest::newRow("unicode string") << QJsonValue(QStringLiteral("任务 ✓"));
        QTest::newRow("128 characters") << QJsonValue(QString(128, u'i'));
        QTest::newRow("digits as a string") << QJsonValue(QStringLiteral("1"));
    }

    void requestIdsEchoed()
    {
        QFETCH(QJsonValue, id);
        auto client = greetedClient();
        QVERIFY(client);
        client->sendExec(id, QStringLiteral("echo out; echo err >&2"));
        QVERIFY(client->waitFor(Type::Exit, id));
        QCOMPARE(client->count(Type::Started, id), 1);
        QCOMPARE(client->output(id, StreamName::Stdout), QByteArray("out\n"));
        QCOMPARE(client->output(id, StreamName::Stderr), QByteArray("err\n"));
        // Every message about the command carries the id, unchanged.
        for (const Frame &frame : client->frames())
            if (Test::typeOf(frame) != Type::Welcome)
                QCOMPARE(frame.header.value(Key::Id), id);
    }

    void commandAtTheSizeLimit()
    {
        auto client = greetedClient();
        QVERIFY(client);
        QString command = QStringLiteral(": ");
        command += QString(Limits::MaxCommandSize - command.size(), u'a');
        QCOMPARE(command.toUtf8().size(), Limits::MaxCommandSize);
        client->sendExec(1, command);
        const std::optional<Frame> exit = client->waitFor(Type::Exit, 1);
        QVERIFY(exit);
        QCOMPARE(jsonInteger(exit->header, Key::ExitCode), std::optional<qint64>(0));
    }

    void duplicateId()
    {
        auto client = greetedClient();
        QVERIFY(client);
        client->sendExec(1, QStringLiteral("sleep 30"));
        QVERIFY(client->waitFor(Type::Started, 1));
        client->sendExec(1, QStringLiteral("echo second"));
        const std::optional<Frame> error = client->waitFor(Type::Error, 1);
        QVERIFY(error);
        QCOMPARE(error->header.value(Key::Code).toString(), ErrorCode::DuplicateId);
        QCOMPARE(client->count(Type::Started, 1), 1);
        // 1.0 is the same JSON number as 1.
        client->write(rawFrame("{\"type\":\"exec\",\"id\":1.0,\"command\":\"echo third\",\"total_size\":0}"));
        QTRY_COMPARE(client->count(Type::Error, 1), 2);
        QCOMPARE(client->count(Type::Started, 1), 1);

        client->sendCancel(1);
        QVERIFY(client->waitFor(Type::Exit, 1));
        // Once it has ended the id is free again.
        client->clearFrames();
        QVERIFY(runsNormally(*client, 1));
    }

    void tooManyCommands()
    {
        auto client = greetedClient();
        QVERIFY(client);
        for (int i = 1; i <= Limits::MaxConcurrentCommands; ++i)
            client->sendExec(i, QStringLiteral("sleep 30"));
        QTRY_COMPARE(client->count(Type::Started), Limits::MaxConcurrentCommands);
        client->sendExec(QStringLiteral("one more"), QStringLiteral("true"));
        const std::optional<Frame> error = client->waitFor(Type::Error, QStringLiteral("one more"));
        QVERIFY(error);
        QCOMPARE(error->header.value(Key::Code).toString(), ErrorCode::TooManyCommands);
        QCOMPARE(m_server->runningCommandCount(), Limits::MaxConcurrentCommands);
        client->sendCancel(1);
        QVERIFY(client->waitFor(Type::Exit, 1));
        QVERIFY(runsNormally(*client, QStringLiteral("now it fits")));
    }

    void protocolErrors_data()
    {
        QTest::addColumn<QByteArray>("bytes");

        QTest::newRow("no type") << encodeFrame({{Key::Id, 1}});
        QTest::newRow("type not a string") << encodeFrame({{Key::Type, 5}});
        QTest::newRow("header over 64 KiB") << rawFrame(65537, "{");
        QTest::newRow("header length 0") << rawFrame(0, "{}");
        QTest::newRow("header length negative") << rawFrame(-2, "{}");
        QTest::newRow("invalid JSON") << rawFrame("{\"type\": exec}");
        QTest::newRow("JSON array") << rawFrame("[\"exec\"]");
        QTest::newRow("no total_size") << rawFrame(R"({"type":"ping"})");
        QTest::newRow("fractional total_size") << rawFrame(R"({"type":"ping","total_size":0.5})");
        QTest::newRow("payload over the request limit") << rawFrame(R"({"type":"exec","total_size":2097152})");
        QTest::newRow("claims 2^50 bytes") << rawFrame(R"({"type":"exec","total_size":1125899906842624})");
    }

    void protocolErrors()
    {
        QFETCH(QByteArray, bytes);

        QSignalSpy protocolError(m_server.get(), &ConsoleServer::protocolErrorOccurred);
        auto bystander = greetedClient();
        QVERIFY(bystander);
        auto client = greetedClient();
        QVERIFY(client);
        client->write(bytes);
        const std::optional<Frame> error = client->waitFor(Type::Error);
        QVERIFY(error);
        QCOMPARE(error->header.value(Key::Code).toString(), ErrorCode::Protocol);
        QVERIFY(!error->header.value(Key::Message).toString().isEmpty());
        QVERIFY(client->waitForDisconnected());
        QCOMPARE(protocolError.count(), 1);
        QCOMPARE(protocolError.at(0).at(1).toString(), error->header.value(Key::Message).toString());
        // Other clients are not affected.
        QVERIFY(runsNormally(*bystander, 1));
        QTRY_COMPARE(m_server->connectionCount(), 1);
    }

    void handshakeErrors_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("code");

        const QString protocol = ErrorCode::Protocol;
        QTest::newRow("first message is exec") << encodeFrame(execHeader(1, QStringLiteral("id"))) << protocol;
        QTest::newRow("first message is ping") << encodeFrame({{Key::Type, Type::Ping}}) << protocol;
        QTest::newRow("unsupported version 2")
            << encodeFrame({{Key::Type, Type::Hello}, {Key::Version, 2}}) << QString(ErrorCode::UnsupportedVersion);
        QTest::newRow("version 0") << encodeFrame({{Key::Type, Type::Hello}, {Key::Version, 0}}) << protocol;
        QTest::newRow("version missing") << encodeFrame({{Key::Type, Type::Hello}}) << protocol;
        QTest::newRow("version as a string")
            << encodeFrame({{Key::Type, Type::Hello}, {Key::Version, QStringLiteral("1")}}) << protocol;
        QTest::newRow("version 1.5") << encodeFrame({{Key::Type, Type::Hello}, {Key::Version, 1.5}}) << protocol;
        QTest::newRow("garbage after detection") << rawFrame(16, "{garbage, not JSON at all") << protocol;
        QTest::newRow("negative total_size in hello")
            << rawFrame(R"({"type":"hello","version":1,"total_size":-1})") << protocol;
    }

    void handshakeErrors()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, code);

        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        auto bystander = greetedClient();
        QVERIFY(bystander);
        RawConsoleClient client(port());
        client.write(bytes);
        const std::optional<Frame> error = client.waitFor(Type::Error);
        QVERIFY(error);
        QCOMPARE(error->header.value(Key::Code).toString(), code);
        QVERIFY(!error->header.value(Key::Message).toString().isEmpty());
        QVERIFY(client.waitForDisconnected());
        QVERIFY(!client.find(Type::Welcome));
        QCOMPARE(started.count(), 0);
        QVERIFY(runsNormally(*bystander, 1));
        QTRY_COMPARE(m_server->connectionCount(), 1);
    }

    void helloDeadline()
    {
        // Framed by its first bytes, then silent: cut after HelloTimeout.
        auto bystander = greetedClient();
        QVERIFY(bystander);
        RawConsoleClient client(port());
        client.write(rawFrame(16, "{"));
        QElapsedTimer timer;
        timer.start();
        QVERIFY(client.waitForDisconnected(Limits::HelloTimeout + 5s));
        QVERIFY2(timer.elapsed() >= Test::earliest(Limits::HelloTimeout), qPrintable(QString::number(timer.elapsed())));
        const std::optional<Frame> error = client.find(Type::Error);
        QVERIFY(error);
        QCOMPARE(error->header.value(Key::Code).toString(), ErrorCode::Protocol);
        QVERIFY2(error->header.value(Key::Message).toString().contains(QStringLiteral("hello")),
                 qPrintable(error->header.value(Key::Message).toString()));
        // A greeted client is not subject to it.
        QVERIFY(!bystander->isDisconnected());
        QVERIFY(runsNormally(*bystander, 1));
    }

    void protocolErrorEndsTheConnectionsCommands()
    {
        auto client = greetedClient();
        QVERIFY(client);
        client->sendExec(1, QStringLiteral("sleep 30"));
        const std::optional<Frame> started = client->waitFor(Type::Started, 1);
        QVERIFY(started);
        const qint64 pgid = jsonInteger(started->header, Key::Pid).value_or(0);
        client->write(rawFrame("{broken"));
        QVERIFY(client->waitForDisconnected());
        const std::optional<Frame> error = client->find(Type::Error);
        QVERIFY(error);
        QCOMPARE(error->header.value(Key::Code).toString(), ErrorCode::Protocol);
        QTRY_COMPARE(livingProcessCountInGroup(pgid), 0);
        QCOMPARE(m_server->runningCommandCount(), 0);
    }

    // ---- classic protocol -------------------------------------------------------

    void classicOneCommand()
    {
        QSignalSpy detected(m_server.get(), &ConsoleServer::clientProtocolDetected);
        RawConsoleClient client(port());
        client.write("echo out; echo err >&2; exit 4");
        const std::optional<Frame> reply = classicReply(client);
        QVERIFY(reply);
        // The tutorial's header, with the exit status added.
        QStringList keys = reply->header.keys();
        keys.sort();
        QCOMPARE(keys,
                 (QStringList{QStringLiteral("exit_code"), QStringLiteral("filename"), QStringLiteral("hash"),
                              QStringLiteral("total_size")}));
        QVERIFY(reply->header.value(Key::FileName).isNull());
        QVERIFY(reply->header.value(Key::Hash).isNull());
        QCOMPARE(jsonInteger(reply->header, Key::ExitCode), std::optional<qint64>(4));
        QCOMPARE(reply->payload, QByteArray("out\nerr\n"));
        QCOMPARE(detected.count(), 1);
        QCOMPARE(detected.at(0).at(1).value<WireProtocol>(), WireProtocol::Classic);
        QVERIFY(!client.isDisconnected()); // the classic client closes, not the server
    }

    void classicStdoutThenStderr()
    {
        RawConsoleClient client(port());
        client.write("echo err >&2; sleep 0.1; echo out; echo err2 >&2");
        const std::optional<Frame> reply = classicReply(client);
        QVERIFY(reply);
        QCOMPARE(reply->payload, QByteArray("out\nerr\nerr2\n"));
    }

    void classicSequence()
    {
        RawConsoleClient client(port());
        const QList<std::pair<QByteArray, QByteArray>> commands = {
            {"echo one", "one\n"}, {"echo two; exit 5", "two\n"}, {"printf 'no newline'", "no newline"}, {"true", ""}};
        for (qsizetype i = 0; i < commands.size(); ++i) {
            client.write(commands.at(i).first);
            const std::optional<Frame> reply = classicReply(client, i);
            QVERIFY2(reply, commands.at(i).first.constData());
            QCOMPARE(reply->payload, commands.at(i).second);
        }
        QCOMPARE(jsonInteger(client.frames().at(1).header, Key::ExitCode), std::optional<qint64>(5));
        QCOMPARE(jsonInteger(client.frames().at(3).header, QLatin1StringView("total_size")), std::optional<qint64>(0));
        QCOMPARE(client.frames().size(), commands.size());
    }

    void classicShortCommands_data()
    {
        QTest::addColumn<QByteArray>("command");
        QTest::addColumn<QByteArray>("contains");
        // One or two bytes could be the start of a frame: they run after the
        // decision delay.
        QTest::newRow("id") << QByteArray("id") << QByteArray("uid=");
        QTest::newRow(":") << QByteArray(":") << QByteArray();
        QTest::newRow("ls") << QByteArray("ls") << QByteArray();
        QTest::newRow("pwd") << QByteArray("pwd") << QByteArray("/");
        QTest::newRow("你好 (not found)") << QStringLiteral("你好").toUtf8() << QStringLiteral("你好").toUtf8();
    }

    void classicShortCommands()
    {
        QFETCH(QByteArray, command);
        QFETCH(QByteArray, contains);
        RawConsoleClient client(port());
        client.write(command);
        const std::optional<Frame> reply = classicReply(client);
        QVERIFY(reply);
        QVERIFY2(reply->payload.contains(contains), reply->payload.constData());
        QVERIFY(jsonInteger(reply->header, Key::ExitCode).has_value());
        QCOMPARE(client.frames().size(), 1);
    }

    void classicLongCommands()
    {
        // 1024 bytes is one command; like recv(1024), more is the next one.
        RawConsoleClient client(port());
        const QByteArray longest = "echo " + QByteArray(Limits::ClassicCommandChunk - 5, 'a');
        client.write(longest);
        const std::optional<Frame> reply = classicReply(client);
        QVERIFY(reply);
        QCOMPARE(reply->payload, QByteArray(QByteArray(Limits::ClassicCommandChunk - 5, 'a') + '\n'));

        client.write(QByteArray("echo " + QByteArray(Limits::ClassicCommandChunk - 5, 'b') + "echo second"));
        const std::optional<Frame> first = classicReply(client, 1);
        const std::optional<Frame> second = classicReply(client, 2);
        QVERIFY(first && second);
        QCOMPARE(first->payload, QByteArray(QByteArray(Limits::ClassicCommandChunk - 5, 'b') + '\n'));
        QCOMPARE(second->payload, QByteArray("second\n"));
    }

    void classicSignalled()
    {
        RawConsoleClient client(port());
        client.write("echo partial; kill -9 $$");
        const std::optional<Frame> reply = classicReply(client);
        QVERIFY(reply);
        QCOMPARE(jsonInteger(reply->header, Key::ExitCode), std::optional<qint64>(128 + 9));
        QCOMPARE(jsonInteger(reply->header, Key::Signal), std::optional<qint64>(9));
        QCOMPARE(reply->payload, QByteArray("partial\n"));
    }

    void classicTruncation_data()
    {
        QTest::addColumn<QByteArray>("command");
        QTest::addColumn<QByteArray>("fullOutput");

        QTest::newRow("stdout") << QByteArray("seq 1 1000") << seqOutput(1, 1000);
        QTest::newRow("stderr") << QByteArray("seq 1 1000 >&2") << seqOutput(1, 1000);
        QTest::newRow("1 MiB") << QByteArray("head -c 1048576 /dev/zero") << QByteArray(1048576, '\0');
    }

    void classicTruncation()
    {
        QFETCH(QByteArray, command);
        QFETCH(QByteArray, fullOutput);
        constexpr qint64 Cap = 1000;
        ConsoleServer::Options options;
        options.classicReplyCap = Cap;
        QVERIFY(startServer(options));

        RawConsoleClient client(port());
        client.write(command);
        const std::optional<Frame> reply = classicReply(client);
        QVERIFY(reply);
        const qint64 dropped = fullOutput.size() - Cap;
        QCOMPARE(jsonInteger(reply->header, Key::Truncated), std::optional<qint64>(dropped));
        QCOMPARE(jsonInteger(reply->header, Key::ExitCode), std::optional<qint64>(0));
        QVERIFY(reply->payload.startsWith(fullOutput.first(Cap)));
        const QByteArray notice = reply->payload.sliced(Cap);
        QVERIFY2(notice.contains("truncated"), notice.constData());
        QVERIFY2(notice.contains(QByteArray::number(dropped)), notice.constData());
        QVERIFY2(notice.contains(QByteArray::number(Cap)), notice.constData());
        QVERIFY(notice.size() < 200);
        // Nothing after the cap leaked through, and the connection still works.
        client.write("echo next");
        const std::optional<Frame> next = classicReply(client, 1);
        QVERIFY(next);
        QCOMPARE(next->payload, QByteArray("next\n"));
        QVERIFY(!next->header.contains(Key::Truncated));
    }

    void classicUnicode()
    {
        RawConsoleClient client(port());
        client.write(QStringLiteral("echo 你好，世界").toUtf8());
        const std::optional<Frame> reply = classicReply(client);
        QVERIFY(reply);
        QCOMPARE(reply->payload, QStringLiteral("你好，世界\n").toUtf8());
    }

    // ---- listening -----------------------------------------------------------

    void listenPolicy_data()
    {
        QTest::addColumn<QHostAddress>("address");
        QTest::addColumn<bool>("insecure");
        QTest::addColumn<bool>("listens");
        QTest::addColumn<bool>("refusedByPolicy");

        QTest::newRow("127.0.0.1") << QHostAddress(QHostAddress::LocalHost) << false << true << false;
        QTest::newRow("127.0.0.2") << QHostAddress(QStringLiteral("127.0.0.2")) << false << true << false;
        QTest::newRow("0.0.0.0") << QHostAddress(QHostAddress::AnyIPv4) << false << false << true;
        QTest::newRow("any") << QHostAddress(QHostAddress::Any) << false << false << true;
        QTest::newRow("192.0.2.1") << QHostAddress(QStringLiteral("192.0.2.1")) << false << false << true;
        QTest::newRow("0.0.0.0 insecure") << QHostAddress(QHostAddress::AnyIPv4) << true << true << false;
        // Allowed by policy, but not an address of this machine.
        QTest::newRow("192.0.2.1 insecure") << QHostAddress(QStringLiteral("192.0.2.1")) << true << false << false;
    }

    void listenPolicy()
    {
        QFETCH(QHostAddress, address);
        QFETCH(bool, insecure);
        QFETCH(bool, listens);
        QFETCH(bool, refusedByPolicy);

        ConsoleServer server;
        ConsoleServer::Options options;
        options.address = address;
        options.port = 0;
        options.insecure = insecure;
        QCOMPARE(server.listen(options), listens);
        QCOMPARE(server.isListening(), listens);
        if (!listens) {
            QVERIFY(!server.errorString().isEmpty());
            QCOMPARE(server.errorString().contains(QStringLiteral("--insecure")), refusedByPolicy);
            QVERIFY2(server.errorString().contains(address.toString()), qPrintable(server.errorString()));
            return;
        }
        QVERIFY(server.serverPort() != 0);
        // A client reaches it (through 127.0.0.1 when it listens on all).
        const QHostAddress target = address.isLoopback() ? address : QHostAddress(QHostAddress::LocalHost);
        RawConsoleClient client(server.serverPort(), target);
        QVERIFY(client.greet());
    }

    void announcedEncoding_data()
    {
        QTest::addColumn<QString>("configured");
        QTest::addColumn<QString>("announced"); // empty: listen() refuses it

        QTest::newRow("GBK") << QStringLiteral("GBK") << QStringLiteral("GBK");
        QTest::newRow("GB18030") << QStringLiteral("GB18030") << QStringLiteral("GB18030");
        QTest::newRow("Big5") << QStringLiteral("Big5") << QStringLiteral("Big5");
        QTest::newRow("Latin-1") << QStringLiteral("ISO-8859-1") << QStringLiteral("ISO-8859-1");
        QTest::newRow("spaces trimmed") << QStringLiteral(" GBK ") << QStringLiteral("GBK");
        QTest::newRow("unknown") << QStringLiteral("NO-SUCH-CHARSET") << QString();
        QTest::newRow("blank") << QStringLiteral("   ") << QString();
        QTest::newRow("absurdly long") << QString(200, QLatin1Char('U')) << QString();
    }

    void announcedEncoding()
    {
        QFETCH(QString, configured);
        QFETCH(QString, announced);

        ConsoleServer server;
        ConsoleServer::Options options;
        options.port = 0;
        options.outputEncoding = configured;
        QCOMPARE(server.listen(options), !announced.isEmpty());
        if (announced.isEmpty()) {
            QVERIFY2(server.errorString().contains(QStringLiteral("encoding")), qPrintable(server.errorString()));
            return;
        }
        QCOMPARE(server.outputEncoding(), announced);
        // Announced in the welcome, and the bytes go out unconverted:
        // "你好" in GBK is C4 E3 BA C3, and GB18030 and Big5 leave them alone too.
        ConsoleClient client;
        ClientLog log(client);
        client.connectToServer(QStringLiteral("127.0.0.1"), server.serverPort());
        const quint64 id = client.exec(QStringLiteral("printf '\\304\\343\\272\\303'"));
        QTRY_VERIFY(log.finished(id));
        QCOMPARE(client.serverEncoding(), announced);
        QCOMPARE(log.out[id], QByteArray("\xc4\xe3\xba\xc3"));
    }

    void portInUse()
    {
        ConsoleServer second;
        ConsoleServer::Options options;
        options.port = port();
        QVERIFY(!second.listen(options));
        QVERIFY(!second.isListening());
        QVERIFY2(second.errorString().contains(QStringLiteral("in use")), qPrintable(second.errorString()));
        QVERIFY(second.errorString().contains(QString::number(port())));
        // The first server is unaffected.
        auto client = greetedClient();
        QVERIFY(client);
    }

    void isLoopback_data()
    {
        QTest::addColumn<QHostAddress>("address");
        QTest::addColumn<bool>("loopback");
        QTest::newRow("127.0.0.1") << QHostAddress(QStringLiteral("127.0.0.1")) << true;
        QTest::newRow("127.255.0.9") << QHostAddress(QStringLiteral("127.255.0.9")) << true;
        QTest::newRow("::1") << QHostAddress(QStringLiteral("::1")) << true;
        // IPv4 seen through a dual-stack socket.
        QTest::newRow("::ffff:127.0.0.1") << QHostAddress(QStringLiteral("::ffff:127.0.0.1")) << true;
        QTest::newRow("::ffff:10.0.0.1") << QHostAddress(QStringLiteral("::ffff:10.0.0.1")) << false;
        QTest::newRow("0.0.0.0") << QHostAddress(QHostAddress::AnyIPv4) << false;
        QTest::newRow("::") << QHostAddress(QHostAddress::AnyIPv6) << false;
        QTest::newRow("Any") << QHostAddress(QHostAddress::Any) << false;
        QTest::newRow("10.0.0.1") << QHostAddress(QStringLiteral("10.0.0.1")) << false;
        QTest::newRow("192.168.1.2") << QHostAddress(QStringLiteral("192.168.1.2")) << false;
        QTest::newRow("fe80::1") << QHostAddress(QStringLiteral("fe80::1")) << false;
        QTest::newRow("null") << QHostAddress() << false;
    }

    void isLoopback()
    {
        QFETCH(QHostAddress, address);
        QFETCH(bool, loopback);
        QCOMPARE(ConsoleServer::isLoopback(address), loopback);
    }

    // ---- Tincan::ConsoleClient --------------------------------------------------

    void clientHandshakeAndExec()
    {
        ConsoleClient client;
        ClientLog log(client);
        QSignalSpy states(&client, &ConsoleClient::stateChanged);
        client.connectToServer(QStringLiteral("127.0.0.1"), port());
        QCOMPARE(client.state(), ConsoleClient::State::Connecting);
        // Given before the connection is ready: sent after the welcome.
        const quint64 id = client.exec(QStringLiteral("echo out; echo err >&2; exit 2"));
        QTRY_COMPARE(log.readyCount, 1);
        QCOMPARE(client.state(), ConsoleClient::State::Ready);
        QCOMPARE(states.count(), 3); // connecting, handshaking, ready
        QVERIFY(client.serverSoftware().startsWith(QStringLiteral("Tincan ")));
        QCOMPARE(client.serverEncoding(), QStringLiteral("UTF-8"));

        QTRY_VERIFY(log.finished(id));
        QVERIFY(log.pids[id] > 0);
        QCOMPARE(log.out[id], QByteArray("out\n"));
        QCOMPARE(log.err[id], QByteArray("err\n"));
        QCOMPARE(log.exits[id].exitCode, 2);
        QCOMPARE(log.exits[id].signal, 0);
        QCOMPARE(client.pendingCommandCount(), 0);
        QVERIFY(log.errors.isEmpty());
    }

    void clientSignalledAndConcurrent()
    {
        ConsoleClient client;
        ClientLog log(client);
        client.connectToServer(QStringLiteral("127.0.0.1"), port());
        QTRY_COMPARE(log.readyCount, 1);
        QElapsedTimer timer;
        timer.start();
        const quint64 a = client.exec(QStringLiteral("sleep 0.4; echo a"));
        const quint64 b = client.exec(QStringLiteral("sleep 0.4; echo b >&2"));
        const quint64 killed = client.exec(QStringLiteral("sleep 0.4; kill -9 $$"));
        QCOMPARE(client.pendingCommandCount(), 3);
        QTRY_VERIFY(log.finished(a) && log.finished(b) && log.finished(killed));
        QVERIFY2(timer.elapsed() < 1200, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(log.out[a], QByteArray("a\n"));
        QCOMPARE(log.err[b], QByteArray("b\n"));
        QCOMPARE(log.exits[killed].signal, 9);
        QCOMPARE(log.exits[killed].exitCode, -1);
    }

    void clientLargeOrderedOutput()
    {
        ConsoleClient client;
        ClientLog log(client);
        client.connectToServer(QStringLiteral("127.0.0.1"), port());
        QSignalSpy finished(&client, &ConsoleClient::commandFinished);
        const quint64 id = client.exec(QStringLiteral("seq 1 1000000"));
        QVERIFY(finished.wait(30000)); // an event loop: QTRY's naps would slow the server down
        QVERIFY(log.finished(id));
        QVERIFY(log.out[id] == seqOutput(1, 1000000));
        QCOMPARE(log.exits[id].exitCode, 0);
    }

    void clientCancel()
    {
        ConsoleClient client;
        ClientLog log(client);
        client.connectToServer(QStringLiteral("127.0.0.1"), port());
        const quint64 id = client.exec(QStringLiteral("sleep 30"));
        QTRY_VERIFY(log.pids.contains(id));
        client.cancel(id);
        QTRY_VERIFY(log.finished(id));
        QCOMPARE(log.exits[id].signal, 15);
        QTRY_COMPARE(livingProcessCountInGroup(log.pids[id]), 0);
        QVERIFY(log.failures.empty());
    }

    void clientCommandRefused()
    {
        ConsoleClient client;
        ClientLog log(client);
        client.connectToServer(QStringLiteral("127.0.0.1"), port());
        const quint64 id = client.exec(QStringLiteral("   "));
        QTRY_VERIFY(log.failures.contains(id));
        QVERIFY(!log.failures[id].isEmpty());
        QVERIFY(!log.finished(id));
        QCOMPARE(client.state(), ConsoleClient::State::Ready);
        QCOMPARE(client.pendingCommandCount(), 0);
    }

    void clientClassicMode()
    {
        ConsoleClient client;
        ClientLog log(client);
        client.connectToServer(QStringLiteral("127.0.0.1"), port(), ConsoleClient::Mode::Classic);
        // Three at once: a classic server runs them one after another.
        const quint64 one = client.exec(QStringLiteral("echo one; exit 1"));
        const quint64 two = client.exec(QStringLiteral("echo two >&2"));
        const quint64 killed = client.exec(QStringLiteral("kill -9 $$"));
        const quint64 tooLong = client.exec(QString(Limits::ClassicCommandChunk + 1, u'x'));
        QTRY_VERIFY(log.finished(one) && log.finished(two) && log.finished(killed));
        QCOMPARE(log.out[one], QByteArray("one\n"));
        QCOMPARE(log.exits[one].exitCode, 1);
        QCOMPARE(log.out[two], QByteArray("two\n")); // the classic reply does not tell the streams apart
        QCOMPARE(log.exits[two].exitCode, 0);
        QCOMPARE(log.exits[killed].signal, 9);
        QVERIFY(log.failures.contains(tooLong));
        QVERIFY(!log.finished(tooLong));
        QCOMPARE(client.pendingCommandCount(), 0);
    }

    void clientConnectionRefused()
    {
        // A port nobody listens on.
        quint16 closedPort = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress(QHostAddress::LocalHost), 0));
            closedPort = probe.serverPort();
        }
        ConsoleClient client;
        ClientLog log(client);
        client.connectToServer(QStringLiteral("127.0.0.1"), closedPort);
        const quint64 id = client.exec(QStringLiteral("true"));
        QTRY_COMPARE(log.disconnectedCount, 1);
        QCOMPARE(log.errors.size(), 1);
        QVERIFY2(log.errors.at(0).contains(QStringLiteral("refused")), qPrintable(log.errors.at(0)));
        QCOMPARE(client.state(), ConsoleClient::State::Disconnected);
        QVERIFY(log.failures.contains(id));
    }

    void clientServerShutdown()
    {
        ConsoleClient client;
        ClientLog log(client);
        client.connectToServer(QStringLiteral("127.0.0.1"), port());
        const quint64 id = client.exec(QStringLiteral("sleep 30"));
        QTRY_VERIFY(log.pids.contains(id));
        QSignalSpy shutdownFinished(m_server.get(), &ConsoleServer::shutdownFinished);
        m_server->shutdown();
        QTRY_COMPARE(log.disconnectedCount, 1);
        QVERIFY(log.finished(id));
        QCOMPARE(log.exits[id].signal, 15);
        QVERIFY2(client.errorString().contains(QStringLiteral("shutting down")), qPrintable(client.errorString()));
        QVERIFY2(log.errors.isEmpty(), qPrintable(log.errors.join(u'\n'))); // an announced close is no error
        QVERIFY(log.failures.empty());
        QTRY_COMPARE(shutdownFinished.count(), 1);
        QCOMPARE(livingProcessCountInGroup(log.pids[id]), 0);
    }

    void clientDisconnectsMidCommand()
    {
        QSignalSpy finished(m_server.get(), &ConsoleServer::commandFinished);
        ConsoleClient client;
        ClientLog log(client);
        client.connectToServer(QStringLiteral("127.0.0.1"), port());
        const quint64 id = client.exec(QStringLiteral("sleep 100 & sleep 100 & wait"));
        QTRY_VERIFY(log.pids.contains(id));
        const qint64 pgid = log.pids[id];
        QTRY_COMPARE(livingProcessCountInGroup(pgid), 3);
        client.disconnectFromServer();
        QTRY_COMPARE(log.disconnectedCount, 1);
        QVERIFY(log.failures.contains(id));
        QTRY_COMPARE(livingProcessCountInGroup(pgid), 0);
        QTRY_COMPARE(finished.count(), 1);
    }
};

QTEST_GUILESS_MAIN(TestConsoleServer)
#include "tst_consoleserver.moc"
