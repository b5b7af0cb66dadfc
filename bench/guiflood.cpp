// The console pane under a flood: the real main window, a console session
// connected to a `tincan-cli serve --console 0` child process, and
// `seq 1 N` typed into the session's input line. Measured: the time until the
// command's exit line is in the pane, the event loop's longest stall and p99
// gap meanwhile (with the window's own CPU time in them, and the most output
// taken in between two beats), the window's peak RSS and the scrollback at
// the end. Against
// the same command through `tincan-cli exec ... > /dev/null` (the same server,
// no window) and `seq 1 N > /dev/null` locally (the floor).
//
//   bench-guiflood            (bench/run.sh guiflood runs it)
//
// Environment (defaults in brackets):
//   BENCH_GUI_LINES  lines `seq` prints [10000000]
//   BENCH_RUNS       runs of the floor and the exec rows, the best is kept [3]
//
// The server runs in a child process, as it would on another machine: in the
// window's process its reading, framing and the command's pipes would share
// the event loop being measured, and the exec row would not be comparable.
//
// The output is checked, never the timings: the pane must end with the lines
// up to "N" followed by the "[exit 0" status, show them, and hold exactly the
// scrollback cap; otherwise the bench fails.
#include "stallprobe.h"
#include "ui/console/commandlineedit.h"
#include "ui/console/consolesessionwidget.h"
#include "ui/mainwindow.h"
#include "ui/terminal/terminalview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>

using namespace Tincan;
using namespace std::chrono;

namespace {

constexpr qint64 DefaultLines = 10'000'000;
constexpr int DefaultRuns = 3;
constexpr int MaxRuns = 100;
// The probe's tick: gaps are measured to about a millisecond.
constexpr milliseconds StallTick{1};
constexpr int StallPercentile = 99;
// The stall a user starts to feel; printed next to the measurement, never asserted.
constexpr milliseconds StallTarget{50};
// How often the bench looks whether the exit line has been written.
constexpr milliseconds DoneCheckInterval{1};
// Connecting, the first paint and the connection notices, before the clock starts.
constexpr milliseconds SettleTime{500};
constexpr milliseconds ServerStartTimeout{10'000};
constexpr milliseconds ServerStopTimeout{5'000};
constexpr milliseconds ConnectTimeout{10'000};
// Far beyond any plausible run: a flood that has not ended by then is a hang.
constexpr milliseconds FloodTimeout{30 * 60 * 1000};
constexpr double MiB = 1024.0 * 1024.0;

// The server child, stopped by fail() as well: std::exit() runs no destructors.
QProcess *runningServer = nullptr;

void stopServer()
{
    if (!runningServer || runningServer->state() == QProcess::NotRunning)
        return;
    runningServer->terminate();
    if (!runningServer->waitForFinished(int(ServerStopTimeout.count())))
        runningServer->kill();
    runningServer->waitForFinished();
}

// A wrong result must not pass for a measurement: say what and stop.
[[noreturn]] void fail(const QString &message)
{
    std::fprintf(stderr, "bench-guiflood: %s\n", qPrintable(message));
    stopServer();
    std::exit(1);
}

qint64 positiveFromEnvironment(const char *name, qint64 fallback)
{
    if (!qEnvironmentVariableIsSet(name))
        return fallback;
    bool ok = false;
    const qint64 value = qEnvironmentVariable(name).toLongLong(&ok);
    if (!ok || value < 1)
        fail(QStringLiteral("%1 must be a positive integer, not \"%2\"")
                 .arg(QLatin1StringView(name), qEnvironmentVariable(name)));
    return value;
}

// Bytes `seq 1 lines` prints: each number's digits and a newline.
qint64 seqBytes(qint64 lines)
{
    qint64 bytes = 0;
    qint64 first = 1;
    for (int digits = 1; first <= lines; ++digits, first *= 10)
        bytes += (std::min(lines, first * 10 - 1) - first + 1) * (digits + 1);
    return bytes;
}

// Our own VmHWM or VmRSS from /proc, in KiB.
qint64 statusKib(const QByteArray &field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(QByteArray(field).append(':')))
            return line.mid(field.size() + 1).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// Runs `program` with its output thrown away `runs` times; the best time in
// seconds. A failed run ends the bench: a fast failure is not a result.
double bestOf(int runs, const QString &program, const QStringList &arguments)
{
    std::optional<double> best;
    for (int run = 0; run < runs; ++run) {
        QProcess process;
        process.setStandardOutputFile(QProcess::nullDevice());
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QElapsedTimer clock;
        clock.start();
        process.start(program, arguments);
        if (!process.waitForFinished(int(FloodTimeout.count())) || process.exitStatus() != QProcess::NormalExit
            || process.exitCode() != 0)
            fail(QStringLiteral("%1 %2 failed: %3 (exit %4)")
                     .arg(program, arguments.join(QLatin1Char(' ')), process.errorString())
                     .arg(process.exitCode()));
        const double seconds = double(clock.nsecsElapsed()) / 1e9;
        best = std::min(best.value_or(seconds), seconds);
    }
    return *best;
}

// Starts `tincan-cli serve --console 0` and returns the port it listens on.
quint16 startServer(QProcess &server)
{
    runningServer = &server;
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(
        QStringLiteral(TINCAN_CLI),
        {QStringLiteral("serve"), QStringLiteral("--console"), QStringLiteral("0"), QStringLiteral("--quiet")});
    static const QRegularExpression listening(QStringLiteral("^[Cc]onsole: listening on .*:(\\d+)$"));
    QByteArray seen;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < ServerStartTimeout.count()) {
        if (server.canReadLine() || server.waitForReadyRead(100)) {
            while (server.canReadLine()) {
                const QString line = QString::fromLocal8Bit(server.readLine()).trimmed();
                seen += line.toLocal8Bit() + '\n';
                if (const QRegularExpressionMatch match = listening.match(line); match.hasMatch())
                    return quint16(match.captured(1).toUInt());
            }
        }
        if (server.state() == QProcess::NotRunning)
            break;
    }
    fail(QStringLiteral("%1 serve did not start; it printed:\n%2")
             .arg(QStringLiteral(TINCAN_CLI), QString::fromLocal8Bit(seen)));
}

// Runs the event loop until `done` holds, checking every DoneCheckInterval;
// false after `timeout`.
bool runUntil(const std::function<bool()> &done, milliseconds timeout)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer check;
    check.setTimerType(Qt::PreciseTimer);
    check.setInterval(DoneCheckInterval);
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(timeout, &loop, [&] { loop.exit(1); });
    check.start();
    return loop.exec() == 0;
}

void settle(milliseconds time)
{
    QElapsedTimer clock;
    clock.start();
    runUntil([&] { return clock.elapsed() >= time.count(); }, time * 2);
}

struct WindowResult
{
    double seconds = 0;         // Enter to the exit line written to the pane
    double finishedSeconds = 0; // Enter to the client hearing of the exit
    double longestStall = 0;    // ms
    double longestStallAt = 0;  // s after Enter
    double longestStallCpu = 0; // ms of the longest stall the thread was on the CPU
    double busiest = 0;         // ms: the most CPU time between two beats
    qint64 largestBurst = 0;    // the most output bytes the client delivered between two beats
    double gapPercentile = 0;   // ms
    std::size_t beats = 0;
    qint64 rssBeforeKib = 0;
    qint64 peakRssKib = 0;
    int blocks = 0;
    int scrollbackCap = 0;
    QString statusLine;
};

// Types `command` into the session's input line and presses Enter, as a user does.
void typeCommand(CommandLineEdit *input, const QString &command)
{
    input->setFocus();
    input->clear();
    for (const QChar c : command) {
        QKeyEvent press(QEvent::KeyPress, 0, Qt::NoModifier, QString(c));
        QCoreApplication::sendEvent(input, &press);
    }
    if (input->text() != command)
        fail(QStringLiteral("the input line holds \"%1\" after typing \"%2\"").arg(input->text(), command));
    QKeyEvent enter(QEvent::KeyPress, Qt::Key_Return, Qt::NoModifier, QStringLiteral("\r"));
    QCoreApplication::sendEvent(input, &enter);
}

// The pane must end with "lines-k" … "lines", then "[exit 0 …]", then the
// empty open line, with every line of the scrollback's worth in order; and
// the last number must be on screen.
void checkPane(TerminalView *pane, qint64 lines, WindowResult &result)
{
    QTextDocument *document = pane->document();
    result.blocks = document->blockCount();
    result.scrollbackCap = pane->scrollbackLines();
    QTextBlock status = document->lastBlock();
    while (status.isValid() && status.text().isEmpty())
        status = status.previous();
    result.statusLine = status.text();
    if (!status.text().startsWith(QStringLiteral("[exit 0 ")))
        fail(QStringLiteral("the pane's last line is \"%1\", not the exit status \"[exit 0 …]\"").arg(status.text()));
    qint64 expected = lines;
    int inOrder = 0;
    QTextBlock block = status.previous();
    for (; block.isValid() && expected >= 1; block = block.previous(), --expected, ++inOrder) {
        if (block.text() != QString::number(expected))
            break;
    }
    // Everything fits: every number, after the prompt line. A flood: every
    // line kept but the status line and the open line.
    const int wanted = lines + 2 < result.scrollbackCap ? int(lines) : result.scrollbackCap - 2;
    if (inOrder < wanted)
        fail(QStringLiteral("the pane holds %1 lines counting down from %2 before the exit status, not %3; "
                            "the first line out of order is \"%4\"")
                 .arg(inOrder)
                 .arg(lines)
                 .arg(wanted)
                 .arg(block.isValid() ? block.text() : QStringLiteral("(none)")));
    if (lines + 2 >= result.scrollbackCap && result.blocks != result.scrollbackCap)
        fail(QStringLiteral("the pane holds %1 lines, not its scrollback cap %2")
                 .arg(result.blocks)
                 .arg(result.scrollbackCap));

    // On screen: between the top visible line and the one at the bottom edge.
    const QTextBlock last = status.previous();
    const int top = pane->topBlock().blockNumber();
    const int bottom = pane->cursorForPosition(QPoint(0, pane->viewport()->height() - 1)).block().blockNumber();
    if (last.blockNumber() < top || last.blockNumber() > bottom)
        fail(QStringLiteral("the last line \"%1\" (line %2) is not on screen: the pane shows lines %3 to %4")
                 .arg(last.text())
                 .arg(last.blockNumber())
                 .arg(top)
                 .arg(bottom));
}

WindowResult benchWindow(quint16 port, qint64 lines)
{
    // The chat page's history in a temporary folder, on any free port: the
    // user's history and port 8081 stay out of it.
    QTemporaryDir chatDir;
    if (!chatDir.isValid())
        fail(QStringLiteral("no temporary directory: %1").arg(chatDir.errorString()));
    ChatController::Options chat;
    chat.historyPath = chatDir.filePath(QStringLiteral("history.sqlite"));
    chat.bindAddress = QHostAddress(QHostAddress::LocalHost);
    chat.port = 0;
    MainWindow window(chat);
    window.show();
    ConsoleSessionWidget *session = window.openSession(QStringLiteral("127.0.0.1"), port);
    if (!runUntil([session] { return session->state() == ConsoleClient::State::Ready; }, ConnectTimeout))
        fail(QStringLiteral("the session did not connect: %1").arg(session->statusText()));
    settle(SettleTime);

    WindowResult result;
    result.rssBeforeKib = statusKib("VmRSS");
    std::optional<ProcessExit> exit;
    QString failure;
    QElapsedTimer clock;
    QObject::connect(session->client(), &ConsoleClient::commandFinished, session, [&](quint64, ProcessExit finished) {
        exit = finished;
        result.finishedSeconds = double(clock.nsecsElapsed()) / 1e9;
    });
    QObject::connect(session->client(), &ConsoleClient::commandFailed, session,
                     [&](quint64, const QString &message) { failure = message; });
    QObject::connect(session->client(), &ConsoleClient::errorOccurred, session,
                     [&](const QString &message) { failure = message; });

    // How much output one turn of the event loop took in: the client reads
    // whatever the socket holds.
    qint64 burst = 0;
    QObject::connect(session->client(), &ConsoleClient::outputReceived, session,
                     [&](quint64, OutputStream, const QByteArray &data) { burst += data.size(); });
    Bench::StallProbe probe(StallTick);
    probe.setBeatHandler([&] {
        result.largestBurst = std::max(result.largestBurst, burst);
        burst = 0;
    });
    probe.start();
    clock.start();
    typeCommand(session->commandLine(), QStringLiteral("seq 1 %1").arg(lines));
    const bool ended = runUntil(
        [&] { return !failure.isEmpty() || (exit && !session->terminal()->hasPendingOutput()); }, FloodTimeout);
    result.seconds = double(clock.nsecsElapsed()) / 1e9;
    probe.stop();
    if (!ended)
        fail(QStringLiteral("the command had not ended after %1 s").arg(FloodTimeout.count() / 1000));
    if (!failure.isEmpty())
        fail(QStringLiteral("the command failed: %1").arg(failure));
    if (exit->signal != 0 || exit->exitCode != 0)
        fail(QStringLiteral("seq ended with exit %1, signal %2").arg(exit->exitCode).arg(exit->signal));
    result.longestStall = probe.longest();
    result.longestStallAt = probe.longestAt();
    result.longestStallCpu = probe.longestCpu();
    result.busiest = probe.busiest();
    result.gapPercentile = probe.percentile(StallPercentile);
    result.beats = probe.beats();
    result.peakRssKib = statusKib("VmHWM");

    // Let the last frame be painted and scrolled before looking at it.
    settle(SettleTime);
    checkPane(session->terminal(), lines, result);
    return result;
}

QString secondsText(double s)
{
    return QStringLiteral("%1 s").arg(s, 0, 'f', 2);
}

QString ratio(double a, double b)
{
    return QString::number(a / b, 'f', 2);
}

QString rate(qint64 lines, double s)
{
    return QStringLiteral("%1 M").arg(double(lines) / s / 1e6, 0, 'f', 2);
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Tincan"));
    QCoreApplication::setApplicationName(QStringLiteral("TincanBench"));
    QStandardPaths::setTestModeEnabled(true); // leave the user's settings and pins alone

    const qint64 lines = positiveFromEnvironment("BENCH_GUI_LINES", DefaultLines);
    const int runs = int(std::min<qint64>(positiveFromEnvironment("BENCH_RUNS", DefaultRuns), MaxRuns));
    const QString count = QString::number(lines);

    std::fprintf(stderr, "GUI flood: seq 1 %lld, the floor and exec best of %d\n", lines, runs);
    const double floor = bestOf(runs, QStringLiteral("seq"), {QStringLiteral("1"), count});

    QProcess server;
    const quint16 port = startServer(server);
    const double exec = bestOf(runs, QStringLiteral(TINCAN_CLI),
                               {QStringLiteral("exec"), QStringLiteral("--port"), QString::number(port),
                                QStringLiteral("--"), QStringLiteral("seq"), QStringLiteral("1"), count});
    const WindowResult window = benchWindow(port, lines);
    stopServer();
    runningServer = nullptr;

    const QString cap = QString::number(window.scrollbackCap);
    QTextStream out(stdout);
    // The markers let bench/run.sh --write-readme put the tables into README.md.
    out << "\n<!-- bench:guiflood:begin -->\n";
    out << "**GUI flood**: `seq 1 " << count << "` (" << QString::number(seqBytes(lines) / 1e6, 'f', 1)
        << " MB) typed into a console session of the main window (Qt platform `" << QGuiApplication::platformName()
        << "`), the server a `tincan-cli serve --console 0` child process; the other rows best of " << runs << "\n\n";
    out << "| path | time | lines/s | ratio to the floor | ratio to `tincan-cli exec` |\n";
    out << "|---|---:|---:|---:|---:|\n";
    out << "| `seq 1 " << count << " > /dev/null` (the floor) | " << secondsText(floor) << " | " << rate(lines, floor)
        << " | 1.00 | " << ratio(floor, exec) << " |\n";
    out << "| `tincan-cli exec -- seq 1 " << count << " > /dev/null` | " << secondsText(exec) << " | "
        << rate(lines, exec) << " | " << ratio(exec, floor) << " | 1.00 |\n";
    out << "| main window, until the exit line is in the pane | " << secondsText(window.seconds) << " | "
        << rate(lines, window.seconds) << " | " << ratio(window.seconds, floor) << " | " << ratio(window.seconds, exec)
        << " |\n\n";
    out << "| the window during the flood | value |\n";
    out << "|---|---|\n";
    out << "| event loop: longest stall (target ≤ " << StallTarget.count() << " ms) | "
        << QString::number(window.longestStall, 'f', 1) << " ms (" << QString::number(window.longestStallCpu, 'f', 1)
        << " ms of it on the CPU), " << QString::number(window.longestStallAt, 'f', 1) << " s after Enter |\n";
    out << "| event loop: most CPU time between two beats (the stall the window caused itself) | "
        << QString::number(window.busiest, 'f', 1) << " ms |\n";
    out << "| most output taken in between two beats | " << QString::number(window.largestBurst / MiB, 'f', 1)
        << " MiB |\n";
    out << "| event loop: p" << StallPercentile << " gap (" << StallTick.count() << " ms timer, " << window.beats
        << " beats) | " << QString::number(window.gapPercentile, 'f', 1) << " ms |\n";
    out << "| the client heard of the exit | " << secondsText(window.finishedSeconds) << " after Enter |\n";
    out << "| peak RSS (VmHWM) | " << QString::number(window.peakRssKib * 1024 / MiB, 'f', 0)
        << " MiB (VmRSS before the command: " << QString::number(window.rssBeforeKib * 1024 / MiB, 'f', 0)
        << " MiB) |\n";
    out << "| scrollback at the end | " << window.blocks << " lines (the cap: " << cap << "), the last \"" << count
        << "\" on screen above `" << window.statusLine << "` |\n";
    out << "<!-- bench:guiflood:end -->\n";
    return 0;
}
