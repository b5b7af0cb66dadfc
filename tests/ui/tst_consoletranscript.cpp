// ConsoleTranscript, what a console session's pane says, recorded by a
// TerminalOutput without a pane: the prompt and command, output parsed by one
// AnsiParser per command and stream (a sequence split between chunks
// continues, stdout and stderr apart), exit statuses, cancelling, and the
// connection's notices; against a ConsoleServer in this process.
#include "models/console/consoletranscript.h"
#include "net/console/consoleserver.h"
#include "terminaltesthelpers.h"

#include <QSignalSpy>
#include <QTest>

#include <map>
#include <memory>

using namespace Tincan;
using Tincan::TestHelpers::RecordingSink;
using Kind = ConsoleTranscript::TextKind;

namespace {

constexpr int TimeoutMs = 15000;

class RecordingOutput final : public TerminalOutput
{
public:
    void write(int style, QStringView text) override { written.append({Kind(style), text.toString()}); }
    void writeOutput(AnsiParser &parser, int style, QStringView text) override
    {
        parser.feed(text, parsed[Kind(style)]);
    }
    void startNewLine() override { ++newLines; }

    // Everything written literally in `kind`, in order.
    QString writtenIn(Kind kind) const
    {
        QString result;
        for (const auto &[style, text] : written) {
            if (style == kind)
                result += text;
        }
        return result;
    }
    QString parsedIn(Kind kind) { return parsed[kind].described(); }

    QList<std::pair<Kind, QString>> written;
    std::map<Kind, RecordingSink> parsed;
    int newLines = 0;
};

} // namespace

class TestConsoleTranscript : public QObject
{
    Q_OBJECT

    std::unique_ptr<ConsoleServer> m_server;
    std::unique_ptr<ConsoleSession> m_session;
    std::unique_ptr<RecordingOutput> m_output;
    std::unique_ptr<ConsoleTranscript> m_transcript;

    bool connectSession()
    {
        QSignalSpy ready(m_session.get(), &ConsoleSession::ready);
        m_session->connectToServer(QStringLiteral("127.0.0.1"), m_server->serverPort());
        return ready.wait(TimeoutMs) || !ready.isEmpty();
    }

    bool runAndWait(const QString &command)
    {
        if (m_transcript->runCommand(command) == 0)
            return false;
        return QTest::qWaitFor([this] { return m_session->runningCommandCount() == 0; }, TimeoutMs);
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<ConsoleServer>();
        ConsoleServer::Options options;
        options.port = 0;
        options.outputEncoding = QStringLiteral("UTF-8");
        QVERIFY2(m_server->listen(options), qPrintable(m_server->errorString()));
        m_session = std::make_unique<ConsoleSession>();
        m_output = std::make_unique<RecordingOutput>();
        m_transcript = std::make_unique<ConsoleTranscript>(m_session.get(), m_output.get());
    }
    void cleanup()
    {
        m_transcript.reset();
        m_session.reset();
        m_output.reset();
        m_server.reset();
    }

    void connectionNotices()
    {
        QCOMPARE(m_transcript->statusText(), QStringLiteral("Not connected"));
        QVERIFY(connectSession());
        const QString address = QStringLiteral("127.0.0.1:%1").arg(m_server->serverPort());
        const QString notices = m_output->writtenIn(Kind::Notice);
        QVERIFY2(notices.contains(QStringLiteral("Connecting to %1…\n").arg(address)), qPrintable(notices));
        QVERIFY2(notices.contains(QStringLiteral("Connected to %1 (Tincan").arg(address)), qPrintable(notices));
        QCOMPARE(m_transcript->statusText(),
                 QStringLiteral("Connected to %1 (%2)").arg(address, m_session->client()->serverSoftware()));
        m_server.reset();
        QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), ConsoleClient::State::Disconnected, TimeoutMs);
        QVERIFY(m_output->writtenIn(Kind::Notice).contains(QStringLiteral("Disconnected from %1").arg(address)));
    }

    void echoesPromptCommandAndStatus()
    {
        QVERIFY(connectSession());
        QTRY_VERIFY(!m_session->client()->currentDirectory().isEmpty());
        QVERIFY(runAndWait(QStringLiteral("echo hi")));
        QCOMPARE(m_output->writtenIn(Kind::Prompt), m_transcript->prompt() + QLatin1Char(' '));
        QVERIFY(m_transcript->prompt().endsWith(m_session->client()->currentDirectory() + QStringLiteral(" $")));
        QCOMPARE(m_output->writtenIn(Kind::Command), QStringLiteral("echo hi\n"));
        QCOMPARE(m_output->parsedIn(Kind::Stdout), QStringLiteral("hi<LF>"));
        QVERIFY2(m_output->writtenIn(Kind::Status).startsWith(QStringLiteral("[exit 0 · ")),
                 qPrintable(m_output->writtenIn(Kind::Status)));
    }

    void blankCommandsAreNotRun_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("empty") << QString();
        QTest::newRow("spaces") << QStringLiteral("   ");
        QTest::newRow("tab and newline") << QStringLiteral("\t\n");
    }

    void blankCommandsAreNotRun()
    {
        QFETCH(QString, command);
        QVERIFY(connectSession());
        const auto before = m_output->written.size();
        QCOMPARE(m_transcript->runCommand(command), quint64(0));
        QCOMPARE(m_output->written.size(), before);
        QCOMPARE(m_session->runningCommandCount(), 0);
    }

    void sequencesContinueAcrossChunks_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("out");
        QTest::addColumn<QString>("err");

        // The remote command pauses inside a sequence, so that it arrives in two chunks.
        QTest::newRow("CSI split") << QStringLiteral("printf '\\033['; sleep 0.2; printf '31mred\\033[0m\\n'")
                                   << QStringLiteral("{fg:1}red<LF>") << QString();
        QTest::newRow("stderr between the halves")
            << QStringLiteral("printf '\\033[1'; printf 'plain' >&2; sleep 0.2; printf 'mbold'")
            << QStringLiteral("{b}bold") << QStringLiteral("plain");
        QTest::newRow("carriage return progress") << QStringLiteral("printf '10%%\\r'; sleep 0.2; printf '99%%\\n'")
                                                  << QStringLiteral("10%<CR>99%<LF>") << QString();
    }

    void sequencesContinueAcrossChunks()
    {
        QFETCH(QString, command);
        QFETCH(QString, out);
        QFETCH(QString, err);
        QVERIFY(connectSession());
        QVERIFY(runAndWait(command));
        QCOMPARE(m_output->parsedIn(Kind::Stdout), out);
        QCOMPARE(m_output->parsedIn(Kind::Stderr), err);
    }

    void failedAndCancelledStatuses()
    {
        QVERIFY(connectSession());
        QVERIFY(runAndWait(QStringLiteral("exit 3")));
        QVERIFY(m_output->writtenIn(Kind::FailedStatus).startsWith(QStringLiteral("[exit 3 · ")));
        m_transcript->runCommand(QStringLiteral("sleep 30"));
        QSignalSpy started(m_session.get(), &ConsoleSession::commandStarted);
        QVERIFY(started.wait(TimeoutMs));
        m_session->cancelLatestCommand();
        QTRY_COMPARE_WITH_TIMEOUT(m_session->runningCommandCount(), 0, TimeoutMs);
        QVERIFY(m_output->writtenIn(Kind::Notice).contains(QStringLiteral("^C (cancelling “sleep 30”)\n")));
        QVERIFY2(m_output->writtenIn(Kind::FailedStatus).contains(QStringLiteral("[killed by signal 15 (SIGTERM) · ")),
                 qPrintable(m_output->writtenIn(Kind::FailedStatus)));
    }

    void exitStatusText_data()
    {
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<int>("signal");
        QTest::addColumn<QString>("start");
        QTest::newRow("success") << 0 << 0 << QStringLiteral("[exit 0 · ");
        QTest::newRow("failure") << 2 << 0 << QStringLiteral("[exit 2 · ");
        QTest::newRow("classic") << -1 << 0 << QStringLiteral("[exit status unknown · classic server]");
        QTest::newRow("named signal") << 0 << 9 << QStringLiteral("[killed by signal 9 (SIGKILL) · ");
        QTest::newRow("other signal") << 0 << 64 << QStringLiteral("[killed by signal 64 · ");
    }

    void exitStatusText()
    {
        QFETCH(int, exitCode);
        QFETCH(int, signal);
        QFETCH(QString, start);
        ConsoleSession::Command command;
        command.elapsed.start();
        ProcessExit exit;
        exit.exitCode = exitCode;
        exit.signal = signal;
        QVERIFY(ConsoleTranscript::exitStatusText(command, exit).startsWith(start));
    }
};

QTEST_GUILESS_MAIN(TestConsoleTranscript)
#include "tst_consoletranscript.moc"
