// Console clients for bench/console.sh: the cases that `tincan-cli exec` (one
// command per connection, one connection per process) cannot drive.
//
//   bench-consoleclients --port P --latency N
//       one connection, N `true` commands one after the other; prints
//       "commands failures total_ms per_command_ms"
//   bench-consoleclients --port P --concurrent N [--server-pid PID]
//       N connections at once, each running `echo hi`; prints
//       "clients answered total_ms"
//   bench-consoleclients --port P --idle N --server-pid PID
//       N connections that say hello and then sit idle; prints
//       "connections ready rss_before_kib rss_after_kib"
//   bench-consoleclients --throttle BYTES_PER_SECOND [--seconds S]
//       reads standard input no faster than the rate (the slow reader at the
//       end of `tincan-cli exec ... |`); prints the bytes read
//
// The server runs in its own process (`tincan-cli serve`), so that its RSS is
// its own and its event loop is not this one.
#include "net/console/consoleclient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

using namespace Tincan;
using namespace std::chrono;

namespace {

// Every mode stops by itself: a server that never answers is reported as
// such, not waited for.
constexpr milliseconds RunDeadline{120000};
// After the last hello: let the server finish whatever it does on a new
// connection before its memory is read.
constexpr milliseconds SettleTime{1000};
constexpr qsizetype ThrottleChunk = 64 * 1024;
const QString Loopback = QStringLiteral("127.0.0.1");

// VmRSS of a process in KiB, or -1.
long long rssKib(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

void armDeadline(QCoreApplication &app)
{
    QTimer::singleShot(RunDeadline, &app, [] {
        std::fprintf(stderr, "bench-consoleclients: deadline reached\n");
        QCoreApplication::exit(2);
    });
}

int runLatency(QCoreApplication &app, quint16 port, int count)
{
    ConsoleClient client;
    QElapsedTimer timer;
    int done = 0;
    int failures = 0;
    auto next = [&] {
        if (done == count) {
            const double total = timer.nsecsElapsed() / 1e6;
            std::printf("%d %d %.1f %.3f\n", count, failures, total, total / count);
            QCoreApplication::quit();
            return;
        }
        client.exec(QStringLiteral("true"));
    };
    QObject::connect(&client, &ConsoleClient::ready, &client, [&] {
        timer.start();
        next();
    });
    QObject::connect(&client, &ConsoleClient::commandFinished, &client, [&](quint64, ProcessExit exit) {
        if (exit.exitCode != 0)
            ++failures;
        ++done;
        next();
    });
    QObject::connect(&client, &ConsoleClient::commandFailed, &client, [&](quint64, const QString &message) {
        std::fprintf(stderr, "command failed: %s\n", qPrintable(message));
        ++failures;
        ++done;
        next();
    });
    QObject::connect(&client, &ConsoleClient::errorOccurred, &client, [](const QString &message) {
        std::fprintf(stderr, "connection failed: %s\n", qPrintable(message));
        QCoreApplication::exit(1);
    });
    armDeadline(app);
    client.connectToServer(Loopback, port);
    return app.exec();
}

int runConcurrent(QCoreApplication &app, quint16 port, int count)
{
    std::vector<std::unique_ptr<ConsoleClient>> clients;
    std::vector<QByteArray> outputs(static_cast<size_t>(count));
    int answered = 0;
    int ended = 0;
    QElapsedTimer timer;
    auto finishOne = [&] {
        if (++ended == count) {
            std::printf("%d %d %.1f\n", count, answered, timer.nsecsElapsed() / 1e6);
            QCoreApplication::quit();
        }
    };
    timer.start();
    for (int i = 0; i < count; ++i) {
        auto client = std::make_unique<ConsoleClient>();
        ConsoleClient *c = client.get();
        QObject::connect(c, &ConsoleClient::outputReceived, c,
                         [&outputs, i](quint64, OutputStream, const QByteArray &data) { outputs[size_t(i)] += data; });
        QObject::connect(c, &ConsoleClient::commandFinished, c, [&, i, c](quint64, ProcessExit exit) {
            if (exit.exitCode == 0 && outputs[size_t(i)] == "hi\n")
                ++answered;
            c->disconnectFromServer();
            finishOne();
        });
        QObject::connect(c, &ConsoleClient::commandFailed, c, [&](quint64, const QString &message) {
            std::fprintf(stderr, "command failed: %s\n", qPrintable(message));
            finishOne();
        });
        c->exec(QStringLiteral("echo hi")); // waits for the connection
        c->connectToServer(Loopback, port);
        clients.push_back(std::move(client));
    }
    armDeadline(app);
    return app.exec();
}

int runIdle(QCoreApplication &app, quint16 port, int count, qint64 serverPid)
{
    const long long before = rssKib(serverPid);
    std::vector<std::unique_ptr<ConsoleClient>> clients;
    int ready = 0;
    int ended = 0;
    auto report = [&] {
        QTimer::singleShot(SettleTime, &app, [&] {
            std::printf("%d %d %lld %lld\n", count, ready, before, rssKib(serverPid));
            QCoreApplication::quit();
        });
    };
    for (int i = 0; i < count; ++i) {
        auto client = std::make_unique<ConsoleClient>();
        QObject::connect(client.get(), &ConsoleClient::ready, &app, [&] {
            ++ready;
            if (++ended == count)
                report();
        });
        QObject::connect(client.get(), &ConsoleClient::errorOccurred, &app, [&](const QString &message) {
            std::fprintf(stderr, "connection failed: %s\n", qPrintable(message));
            if (++ended == count)
                report();
        });
        client->connectToServer(Loopback, port);
        clients.push_back(std::move(client));
    }
    armDeadline(app);
    return app.exec();
}

// Reads standard input in chunks, sleeping so that the average stays at the
// rate: the pipe fills, the writer blocks, and the backpressure reaches the
// server through the client's socket.
int runThrottle(long long rate, int seconds)
{
    std::vector<char> buffer(static_cast<size_t>(ThrottleChunk));
    long long total = 0;
    const auto start = steady_clock::now();
    const auto end = seconds > 0 ? start + std::chrono::seconds(seconds) : steady_clock::time_point::max();
    while (steady_clock::now() < end) {
        const ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
        if (n <= 0)
            break;
        total += n;
        const auto due = start + microseconds(total * 1000000 / rate);
        std::this_thread::sleep_until(std::min(due, end));
    }
    std::printf("%lld\n", total);
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption portOption(QStringLiteral("port"), QStringLiteral("Console port."),
                                        QStringLiteral("port"));
    const QCommandLineOption latencyOption(
        QStringLiteral("latency"), QStringLiteral("Run N `true` commands one after the other."), QStringLiteral("n"));
    const QCommandLineOption concurrentOption(QStringLiteral("concurrent"),
                                              QStringLiteral("N clients at once, each running `echo hi`."),
                                              QStringLiteral("n"));
    const QCommandLineOption idleOption(QStringLiteral("idle"), QStringLiteral("N idle connections."),
                                        QStringLiteral("n"));
    const QCommandLineOption pidOption(QStringLiteral("server-pid"), QStringLiteral("The server's process id."),
                                       QStringLiteral("pid"));
    const QCommandLineOption throttleOption(QStringLiteral("throttle"),
                                            QStringLiteral("Read standard input at BYTES per second."),
                                            QStringLiteral("bytes"));
    const QCommandLineOption secondsOption(QStringLiteral("seconds"),
                                           QStringLiteral("Stop throttled reading after S seconds."),
                                           QStringLiteral("s"), QStringLiteral("0"));
    parser.addOptions(
        {portOption, latencyOption, concurrentOption, idleOption, pidOption, throttleOption, secondsOption});
    parser.process(app);

    if (parser.isSet(throttleOption))
        return runThrottle(parser.value(throttleOption).toLongLong(), parser.value(secondsOption).toInt());
    const auto port = quint16(parser.value(portOption).toUInt());
    if (port == 0) {
        std::fprintf(stderr, "bench-consoleclients: --port is required\n");
        return 1;
    }
    if (parser.isSet(latencyOption))
        return runLatency(app, port, parser.value(latencyOption).toInt());
    if (parser.isSet(concurrentOption))
        return runConcurrent(app, port, parser.value(concurrentOption).toInt());
    if (parser.isSet(idleOption))
        return runIdle(app, port, parser.value(idleOption).toInt(), parser.value(pidOption).toLongLong());
    parser.showHelp(1);
}
