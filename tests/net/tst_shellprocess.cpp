// ShellProcess: output, exit status, working directory, flow control, and
// that nothing a command starts outlives it.
#include "net/process/shellprocess.h"
#include "nettesthelpers.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <pthread.h>

using namespace Tincan;
using namespace std::chrono_literals;
using Tincan::Test::livingProcessCountInGroup;
using Tincan::Test::livingProcessesInGroup;

namespace {

// A started process and everything it reported.
struct Run
{
    std::unique_ptr<ShellProcess> process = std::make_unique<ShellProcess>();
    QByteArray out;
    QByteArray err;
    std::optional<ProcessExit> exit;
    // Stdout bytes received when finished() came.
    qsizetype outAtFinish = -1;

    Run()
    {
        QObject::connect(process.get(), &ShellProcess::outputRead, process.get(),
                         [this](OutputStream stream, const QByteArray &data) {
                             (stream == OutputStream::Stdout ? out : err) += data;
                         });
        QObject::connect(process.get(), &ShellProcess::finished, process.get(), [this](ProcessExit e) {
            exit = e;
            outAtFinish = out.size();
        });
    }
    Q_DISABLE_COPY_MOVE(Run)
};

} // namespace

class TestShellProcess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void outputAndExit_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QByteArray>("out");
        QTest::addColumn<QByteArray>("err");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<int>("signal");

        QTest::newRow("echo") << QStringLiteral("echo hi") << QByteArray("hi\n") << QByteArray() << 0 << 0;
        QTest::newRow("stdout and stderr")
            << QStringLiteral("echo out; echo err >&2; exit 3") << QByteArray("out\n") << QByteArray("err\n") << 3 << 0;
        QTest::newRow("binary") << QStringLiteral("printf 'a\\000b\\377'") << QByteArray("a\0b\xff", 4) << QByteArray()
                                << 0 << 0;
        QTest::newRow("UTF-8") << QStringLiteral("echo 你好") << QStringLiteral("你好\n").toUtf8() << QByteArray() << 0
                               << 0;
        QTest::newRow("stdin is empty") << QStringLiteral("cat; echo eof") << QByteArray("eof\n") << QByteArray() << 0
                                        << 0;
        QTest::newRow("not found") << QStringLiteral("no-such-command-tincan") << QByteArray() << QByteArray() << 127
                                   << 0;
        QTest::newRow("killed") << QStringLiteral("echo before; kill -9 $$") << QByteArray("before\n") << QByteArray()
                                << -1 << 9;
    }

    void outputAndExit()
    {
        QFETCH(QString, command);
        QFETCH(QByteArray, out);
        QFETCH(QByteArray, err);
        QFETCH(int, exitCode);
        QFETCH(int, signal);

        Run run;
        QVERIFY2(run.process->start(command), qPrintable(run.process->errorString()));
        QVERIFY(run.process->pid() > 0);
        QVERIFY(run.process->isRunning());
        QTRY_VERIFY(run.exit.has_value());
        QVERIFY(!run.process->isRunning());
        QCOMPARE(run.out, out);
        if (!err.isEmpty())
            QCOMPARE(run.err, err);
        else if (exitCode == 127)
            QVERIFY(run.err.contains("not found"));
        else
            QCOMPARE(run.err, QByteArray());
        QCOMPARE(run.exit->exitCode, exitCode);
        QCOMPARE(run.exit->signal, signal);
    }

    void ownProcessGroup()
    {
        Run run;
        QVERIFY(run.process->start(QStringLiteral("sleep 30")));
        const std::optional<Test::ProcStat> stat = Test::readProcStat(run.process->pid());
        QVERIFY(stat.has_value());
        QCOMPARE(stat->pgrp, run.process->pid());
        run.process->terminate();
        QTRY_VERIFY(run.exit.has_value());
        QCOMPARE(run.exit->signal, 15);
        QCOMPARE(run.exit->exitCode, -1);
        QTRY_COMPARE(livingProcessCountInGroup(run.process->pid()), 0);
    }

    void signalStateIsReset()
    {
        // A server ignores SIGPIPE and may block signals; its commands must
        // start with default dispositions and an empty mask.
        struct sigaction oldPipe = {};
        struct sigaction ignore = {};
        ignore.sa_handler = SIG_IGN;
        sigemptyset(&ignore.sa_mask);
        QCOMPARE(::sigaction(SIGPIPE, &ignore, &oldPipe), 0);
        sigset_t block;
        sigset_t oldMask;
        sigemptyset(&block);
        sigaddset(&block, SIGUSR1);
        QCOMPARE(::pthread_sigmask(SIG_BLOCK, &block, &oldMask), 0);

        Run run;
        const bool started = run.process->start(QStringLiteral("grep -E '^Sig(Ign|Blk):' /proc/self/status"));
        ::pthread_sigmask(SIG_SETMASK, &oldMask, nullptr);
        ::sigaction(SIGPIPE, &oldPipe, nullptr);
        QVERIFY(started);
        QTRY_VERIFY(run.exit.has_value());
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(0), QByteArray("SigBlk:\t0000000000000000"));
        QVERIFY(lines.at(1).startsWith("SigIgn:\t"));
        // Signals 1 to 31. (glibc's posix_spawn leaves its two internal
        // signals, 32 and 33, ignored; no program can use them anyway.)
        bool ok = false;
        const quint64 ignored = lines.at(1).mid(8).toULongLong(&ok, 16);
        QVERIFY(ok);
        QCOMPARE(ignored & 0x7fffffffULL, 0ULL);
    }

    void workingDirectory()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        Run run;
        QVERIFY(run.process->start(QStringLiteral("pwd"), directory.path()));
        QTRY_VERIFY(run.exit.has_value());
        QCOMPARE(run.exit->exitCode, 0);
        QCOMPARE(QString::fromLocal8Bit(run.out.trimmed()), QFileInfo(directory.path()).canonicalFilePath());
    }

    void missingWorkingDirectory()
    {
        QTemporaryDir parent;
        const QString missing = parent.filePath(QStringLiteral("does-not-exist"));
        ShellProcess process;
        QSignalSpy finished(&process, &ShellProcess::finished);
        QVERIFY(!process.start(QStringLiteral("echo should-not-run"), missing));
        QVERIFY2(process.errorString().contains(missing), qPrintable(process.errorString()));
        QCOMPARE(process.pid(), 0);
        QVERIFY(!process.isRunning());
        QCOMPARE(finished.count(), 0);
    }

    void pausedReadingBlocksTheWriter()
    {
        constexpr qint64 Total = 1024 * 1024;
        Run run;
        QVERIFY(run.process->start(QStringLiteral("dd if=/dev/zero bs=4096 count=256 2>/dev/null; echo done >&2")));
        run.process->setReadingPaused(true);
        QVERIFY(run.process->isReadingPaused());

        // dd fills the pipe, then sleeps in write(): it has written some of
        // its megabyte, and none of it has been read.
        qint64 written = -1;
        const auto writerBlocked = [&] {
            for (const Test::ProcStat &stat : livingProcessesInGroup(run.process->pid())) {
                if (stat.comm == "dd" && stat.state == 'S') {
                    written = Test::bytesWrittenBy(stat.pid);
                    return written > 0;
                }
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(writerBlocked(), 5000);
        QVERIFY2(written < Total, qPrintable(QString::number(written)));
        QCOMPARE(run.out.size(), 0);
        QVERIFY(!run.exit.has_value());
        QVERIFY(run.process->isRunning());

        run.process->setReadingPaused(false);
        QTRY_VERIFY(run.exit.has_value());
        QCOMPARE(run.out.size(), Total);
        QCOMPARE(run.out.count('\0'), Total);
        QCOMPARE(run.err, QByteArray("done\n"));
        QCOMPARE(run.exit->exitCode, 0);
    }

    void outputOfBackgroundJobsIsAwaited()
    {
        // The shell exits first; its job still writes within the grace.
        Run run;
        QVERIFY(run.process->start(QStringLiteral("(sleep 0.3; echo late) & echo early")));
        QTRY_VERIFY(run.exit.has_value());
        QCOMPARE(run.out, QByteArray("early\nlate\n"));
        QCOMPARE(run.outAtFinish, run.out.size());
        QCOMPARE(run.exit->exitCode, 0);
    }

    void backgroundJobDoesNotSurvive_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("holding the pipes") << QStringLiteral("sleep 100 &");
        QTest::newRow("detached from the pipes") << QStringLiteral("sleep 100 >/dev/null 2>&1 &");
    }

    void backgroundJobDoesNotSurvive()
    {
        QFETCH(QString, command);
        Run run;
        QVERIFY(run.process->start(command));
        const qint64 pgid = run.process->pid();
        QElapsedTimer timer;
        timer.start();
        QTRY_VERIFY(run.exit.has_value());
        QCOMPARE(run.exit->exitCode, 0);
        QVERIFY(timer.elapsed() < (ShellProcess::OrphanOutputGrace * 3).count());
        QTRY_COMPARE(livingProcessCountInGroup(pgid), 0);
    }

    void terminateIgnoredEscalatesToKill()
    {
        Run run;
        QVERIFY(run.process->start(QStringLiteral("trap '' TERM; sleep 30; echo survived")));
        QTRY_COMPARE(livingProcessCountInGroup(run.process->pid()), 2); // the shell and sleep
        QElapsedTimer timer;
        timer.start();
        run.process->terminate();
        QTRY_VERIFY_WITH_TIMEOUT(run.exit.has_value(), int((ShellProcess::KillGrace * 3).count()));
        QVERIFY(timer.elapsed() >= Test::earliest(ShellProcess::KillGrace));
        QCOMPARE(run.exit->signal, 9);
        QVERIFY(!run.out.contains("survived"));
        QTRY_COMPARE(livingProcessCountInGroup(run.process->pid()), 0);
    }

    void destructorKillsTheGroup()
    {
        auto run = std::make_unique<Run>();
        QVERIFY(run->process->start(QStringLiteral("sleep 100 & sleep 100 & wait")));
        const qint64 pgid = run->process->pid();
        QTRY_COMPARE(livingProcessCountInGroup(pgid), 3);
        run.reset();
        QTRY_COMPARE(livingProcessCountInGroup(pgid), 0);
    }
};

QTEST_GUILESS_MAIN(TestShellProcess)
#include "tst_shellprocess.moc"
