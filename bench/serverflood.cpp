// The server window under a flood: several clients send to its TCP echo as
// fast as they can while a probe client sends one short line every 100 ms and
// waits for the answer. Measured: bytes echoed, the probe's round trips, and
// the longest time the window's event loop was kept from running (a stall the
// user would feel). The same flood and probe then run against the tutorial's
// one-client-at-a-time echo server and against socat forking `tr` per client.
//
//   bench-serverflood [--seconds N] [--flooders N]
//
// Flooders and the probe are this program in another mode (--flood, --probe),
// so that they do not share the measured process's event loop.
#include "stallprobe.h"
#include "ui/server/serverwindow.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

using namespace Tincan;
using namespace std::chrono;

namespace {

constexpr int FloodChunk = 64 * 1024;
constexpr milliseconds ProbeInterval{100};
constexpr milliseconds StallTick{5};
// Starting the clients and the first paint are not part of the flood.
constexpr milliseconds WarmUp{500};
constexpr int StallPercentile = 99;
constexpr int DefaultSeconds = 10;
constexpr int DefaultFlooders = 4;

int connectLoopback(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

// Sends zeros as fast as the server takes them and reads what comes back.
int runFlooder(quint16 port, int seconds)
{
    ::signal(SIGPIPE, SIG_IGN); // a server that closes is counted, not fatal
    const int fd = connectLoopback(port);
    if (fd < 0)
        return 1;
    std::vector<char> out(FloodChunk, 'x');
    std::vector<char> in(FloodChunk);
    long long received = 0;
    const auto end = steady_clock::now() + std::chrono::seconds(seconds);
    while (steady_clock::now() < end) {
        pollfd p{fd, POLLIN | POLLOUT, 0};
        if (::poll(&p, 1, 100) <= 0)
            continue;
        if (p.revents & POLLIN) {
            const ssize_t n = ::read(fd, in.data(), in.size());
            if (n == 0)
                break;
            if (n > 0)
                received += n;
        }
        if (p.revents & POLLOUT)
            (void)::write(fd, out.data(), out.size());
        if (p.revents & (POLLERR | POLLHUP))
            break;
    }
    ::close(fd);
    std::printf("%lld\n", received);
    return 0;
}

// Sends "ping\n" every interval and times the answer; prints
// "answered sent p50_ms max_ms".
int runProbe(quint16 port, int seconds)
{
    ::signal(SIGPIPE, SIG_IGN);
    const int fd = connectLoopback(port);
    if (fd < 0) {
        std::printf("0 0 -1 -1\n");
        return 0;
    }
    std::vector<double> rtts;
    int sent = 0;
    const auto end = steady_clock::now() + std::chrono::seconds(seconds);
    while (steady_clock::now() < end) {
        const auto start = steady_clock::now();
        (void)::write(fd, "ping\n", 5);
        ++sent;
        QByteArray answer;
        const auto due = start + ProbeInterval;
        while (!answer.contains("PING\n") && steady_clock::now() < due) {
            pollfd p{fd, POLLIN, 0};
            const auto left = duration_cast<milliseconds>(due - steady_clock::now()).count();
            if (::poll(&p, 1, int(std::max<long long>(left, 0))) > 0) {
                char buffer[256];
                const ssize_t n = ::read(fd, buffer, sizeof buffer);
                if (n <= 0)
                    break;
                answer.append(buffer, n);
            }
        }
        if (answer.contains("PING\n"))
            rtts.push_back(duration<double, std::milli>(steady_clock::now() - start).count());
        std::this_thread::sleep_until(due);
    }
    ::close(fd);
    std::sort(rtts.begin(), rtts.end());
    const double p50 = rtts.empty() ? -1 : rtts[rtts.size() / 2];
    const double max = rtts.empty() ? -1 : rtts.back();
    std::printf("%zu %d %.2f %.2f\n", rtts.size(), sent, p50, max);
    return 0;
}

struct Result
{
    QString server;
    double megabytesPerSecond = 0;
    QString probe;
    QString stall;
};

quint16 freePort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

bool waitUntilListening(quint16 port)
{
    for (int attempt = 0; attempt < 100; ++attempt) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (socket.waitForConnected(100))
            return true;
        QThread::msleep(50);
    }
    return false;
}

// Runs the flooders and the probe against `port`, the event loop turning.
Result drive(const QString &name, quint16 port, int flooders, int seconds)
{
    const QString self = QCoreApplication::applicationFilePath();
    QList<QProcess *> processes;
    const auto launch = [&](const QString &mode) {
        auto *process = new QProcess;
        process->start(self, {mode, QString::number(port), QString::number(seconds)});
        processes.append(process);
        return process;
    };
    for (int i = 0; i < flooders; ++i)
        launch(QStringLiteral("--flood"));
    QProcess *probe = launch(QStringLiteral("--probe"));

    QEventLoop loop;
    QTimer poll;
    poll.setInterval(50);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (std::all_of(processes.cbegin(), processes.cend(),
                        [](QProcess *p) { return p->state() == QProcess::NotRunning; }))
            loop.quit();
    });
    poll.start();
    loop.exec();

    Result result;
    result.server = name;
    long long bytes = 0;
    for (QProcess *process : processes)
        if (process != probe)
            bytes += QString::fromLatin1(process->readAllStandardOutput()).trimmed().toLongLong();
    result.megabytesPerSecond = double(bytes) / seconds / 1e6;
    const QStringList p = QString::fromLatin1(probe->readAllStandardOutput()).split(QLatin1Char(' '));
    if (p.size() == 4 && p[0].toInt() > 0)
        result.probe = QStringLiteral("%1/%2, %3 ms / %4 ms").arg(p[0], p[1].trimmed(), p[2], p[3].trimmed());
    else if (p.size() == 4)
        result.probe = QStringLiteral("0/%1 (never served)").arg(p[1]);
    else
        result.probe = QStringLiteral("could not connect");
    qDeleteAll(processes);
    return result;
}

Result benchServerWindow(int flooders, int seconds)
{
    ServerWindow window;
    ServerHub::ServiceConfig config;
    config.port = 0;
    window.setServiceConfig(ServiceKind::EchoTcp, config);
    window.show();
    window.hub()->start(ServiceKind::EchoTcp, config);
    const quint16 port = window.hub()->port(ServiceKind::EchoTcp);

    Bench::StallProbe probe(StallTick, WarmUp);
    probe.start();
    // Watch a flooder's traffic, as an operator would.
    QTimer::singleShot(500, &window, [&window] {
        if (auto *view = window.findChild<QAbstractItemView *>(QStringLiteral("clientsView")))
            view->selectionModel()->select(view->model()->index(0, 0),
                                           QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    });
    Result result = drive(QStringLiteral("Tincan server window (%1 flooders)").arg(flooders), port, flooders, seconds);
    probe.stop();
    result.stall = QStringLiteral("%1 ms (p99 gap %2 ms)")
                       .arg(probe.longest(), 0, 'f', 1)
                       .arg(probe.percentile(StallPercentile), 0, 'f', 1);
    window.hub()->stopAll();
    return result;
}

Result benchExternal(const QString &name, const QString &program, const QStringList &arguments, quint16 port,
                     int flooders, int seconds)
{
    QProcess server;
    server.start(program, arguments);
    if (!server.waitForStarted() || !waitUntilListening(port))
        return {name, 0, QStringLiteral("could not start %1").arg(program), QStringLiteral("n/a")};
    Result result = drive(name, port, flooders, seconds);
    result.stall = QStringLiteral("n/a (no GUI)");
    server.kill();
    server.waitForFinished();
    return result;
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc == 4 && (qstrcmp(argv[1], "--flood") == 0 || qstrcmp(argv[1], "--probe") == 0)) {
        const auto port = quint16(atoi(argv[2]));
        const int seconds = atoi(argv[3]);
        return qstrcmp(argv[1], "--flood") == 0 ? runFlooder(port, seconds) : runProbe(port, seconds);
    }
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Tincan"));
    QCoreApplication::setApplicationName(QStringLiteral("TincanBench"));
    QStandardPaths::setTestModeEnabled(true); // leave the user's settings alone

    QCommandLineParser parser;
    parser.addHelpOption();
    QCommandLineOption secondsOption(QStringLiteral("seconds"), QStringLiteral("Length of each run."),
                                     QStringLiteral("N"), QString::number(DefaultSeconds));
    QCommandLineOption floodersOption(QStringLiteral("flooders"), QStringLiteral("Clients flooding at once."),
                                      QStringLiteral("N"), QString::number(DefaultFlooders));
    parser.addOptions({secondsOption, floodersOption});
    parser.process(app);
    const int seconds = std::max(1, parser.value(secondsOption).toInt());
    const int flooders = std::max(1, parser.value(floodersOption).toInt());

    QList<Result> results;
    results.append(benchServerWindow(flooders, seconds));

    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    const QString script
        = QDir(QStringLiteral(TINCAN_BENCH_DIR)).filePath(QStringLiteral("classic/tcp_echo_server.py"));
    if (!python.isEmpty()) {
        const quint16 port = freePort();
        results.append(benchExternal(QStringLiteral("tutorial's echo server (one client at a time)"), python,
                                     {script, QString::number(port)}, port, flooders, seconds));
    }
    const QString socat = QStandardPaths::findExecutable(QStringLiteral("socat"));
    if (!socat.isEmpty()) {
        const quint16 port = freePort();
        results.append(benchExternal(QStringLiteral("socat, fork + tr per client"), socat,
                                     {QStringLiteral("TCP-LISTEN:%1,bind=127.0.0.1,fork,reuseaddr").arg(port),
                                      QStringLiteral("EXEC:stdbuf -o0 tr a-z A-Z")},
                                     port, flooders, seconds));
    }

    QTextStream out(stdout);
    // The markers let bench/run.sh --write-readme put the table into README.md.
    out << "\n<!-- bench:serverflood:begin -->\n";
    out << "TCP upper-case echo under a flood: " << flooders << " clients sending 64 KiB writes as fast as they can"
        << " for " << seconds << " s, and a probe sending one line every " << ProbeInterval.count() << " ms.\n\n";
    out << "| server | echoed | probe answered, RTT p50 / max | GUI event loop: longest stall |\n";
    out << "|---|---:|---|---|\n";
    for (const Result &r : results)
        out << "| " << r.server << " | " << QString::number(r.megabytesPerSecond, 'f', 1) << " MB/s | " << r.probe
            << " | " << r.stall << " |\n";
    out << "<!-- bench:serverflood:end -->\n";
    return 0;
}
