// ConsoleSessionWidget against a real ConsoleServer in this process: keys are
// typed into the input line and the pane is read back.
#include "net/console/consoleclient.h"
#include "net/console/consoleserver.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/frame.h"
#include "ui/console/commandlineedit.h"
#include "ui/console/consolesessionwidget.h"
#include "ui/terminal/terminalfindbar.h"
#include "ui/terminal/terminalview.h"

#include <QAction>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>

#include <QStringDecoder>
#include <QTemporaryDir>

#include <memory>

using namespace Tincan;

namespace {

QString paneText(ConsoleSessionWidget &session)
{
    session.flushOutput();
    return session.terminal()->toPlainText();
}

// The format of the first character of the last `needle` in the pane (the
// output, not the command echoed before it); invalid when it is not there.
QTextCharFormat formatOf(ConsoleSessionWidget &session, const QString &needle)
{
    session.flushOutput();
    QTextDocument *document = session.terminal()->document();
    QTextCursor end(document);
    end.movePosition(QTextCursor::End);
    QTextCursor found = document->find(needle, end, QTextDocument::FindBackward);
    if (found.isNull())
        return {};
    found.setPosition(found.selectionStart() + 1); // the format is that of the character before the cursor
    return found.charFormat();
}

// A port nothing listens on: bound once, then released.
quint16 unusedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

void typeCommand(ConsoleSessionWidget &session, const QString &command)
{
    QTest::keyClicks(session.commandLine(), command);
    QTest::keyClick(session.commandLine(), Qt::Key_Return);
}

} // namespace

class TestConsoleSessionWidget final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void showsPromptOutputAndExitStatus();
    void colorsStderrRed();
    void showsExitStatus_data();
    void showsExitStatus();
    void decodesCharactersSplitAcrossChunks();
    void decodesWithTheChosenEncoding();
    void followsTheServersEncoding();
    void offersEncodingsThatWork();
    void refusesUnknownEncodings();
    void rendersColouredOutput();
    void rewritesProgressLines();
    void opensFindBarFromTheInputLine();
    void clearsAndZoomsFromTheInputLine();
    void keepsScrollbackBounded();
    void runsCommandsConcurrently();
    void cancelsWithCtrlC();
    void ctrlCCopiesWhileNothingRuns();
    void reportsConnectionRefused();
    void reconnectsAfterTheServerComesBack();
    void runsInClassicMode();
    void cancelInClassicModeReconnects();
    void cancelOfQueuedClassicCommandKeepsConnection();
    void showsUnknownClassicExitStatus();
    void promptFollowsTheWorkingDirectory();
    void classicPromptHasNoDirectory();

    void walksHistory_data();
    void walksHistory();
    void submitsOnlyNonBlankLines();

private:
    std::unique_ptr<ConsoleSessionWidget> connectedSession(ConsoleClient::Mode mode = ConsoleClient::Mode::Tincan);

    std::unique_ptr<ConsoleServer> m_server;
};

void TestConsoleSessionWidget::initTestCase()
{
    // The pane reads its scrollback and font size from the settings: keep
    // the user's own out of it.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("Tincan"));
    QCoreApplication::setApplicationName(QStringLiteral("TincanConsoleSessionTest"));
    QSettings().clear();
}

void TestConsoleSessionWidget::init()
{
    m_server = std::make_unique<ConsoleServer>();
    ConsoleServer::Options options;
    options.port = 0;
    QVERIFY2(m_server->listen(options), qPrintable(m_server->errorString()));
}

void TestConsoleSessionWidget::cleanup()
{
    m_server.reset();
}

std::unique_ptr<ConsoleSessionWidget> TestConsoleSessionWidget::connectedSession(ConsoleClient::Mode mode)
{
    auto session = std::make_unique<ConsoleSessionWidget>();
    session->show();
    session->connectToServer(QStringLiteral("127.0.0.1"), m_server->serverPort(), mode);
    if (!QTest::qWaitFor([&] { return session->state() == ConsoleClient::State::Ready; }))
        return nullptr;
    return session;
}

void TestConsoleSessionWidget::showsPromptOutputAndExitStatus()
{
    auto session = connectedSession();
    QVERIFY(session);
    QSignalSpy counts(session.get(), &ConsoleSessionWidget::runningCommandCountChanged);
    typeCommand(*session, QStringLiteral("echo hello from tincan"));
    QVERIFY(session->commandLine()->text().isEmpty());

    // The session's directory is part of the prompt: the server's start directory.
    const QString prompt = QStringLiteral("127.0.0.1:%1:%2 $ echo hello from tincan")
                               .arg(m_server->serverPort())
                               .arg(m_server->startDirectory());
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("[exit 0 · ")));
    const QStringList lines = paneText(*session).split(QLatin1Char('\n'));
    const qsizetype promptLine = lines.indexOf(prompt);
    QVERIFY2(promptLine >= 0, qPrintable(paneText(*session)));
    QCOMPARE(lines.value(promptLine + 1), QStringLiteral("hello from tincan"));
    QVERIFY(lines.value(promptLine + 2).startsWith(QStringLiteral("[exit 0 · ")));
    QVERIFY(lines.value(promptLine + 2).endsWith(QStringLiteral(" s]")));

    QCOMPARE(session->runningCommandCount(), 0);
    QCOMPARE(counts.size(), 2); // one started, then none
    QCOMPARE(formatOf(*session, prompt).foreground(),
             session->textFormat(ConsoleSessionWidget::TextKind::Prompt).foreground());
    QVERIFY(formatOf(*session, prompt).fontWeight() >= QFont::Bold);
    QCOMPARE(formatOf(*session, QStringLiteral("[exit 0")).foreground(),
             session->textFormat(ConsoleSessionWidget::TextKind::Status).foreground());
}

void TestConsoleSessionWidget::colorsStderrRed()
{
    auto session = connectedSession();
    QVERIFY(session);
    typeCommand(*session, QStringLiteral("echo to-stdout; echo to-stderr >&2"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("[exit 0")));

    const QTextCharFormat err = formatOf(*session, QStringLiteral("to-stderr"));
    const QTextCharFormat out = formatOf(*session, QStringLiteral("to-stdout"));
    QVERIFY(err.isValid());
    QVERIFY(out.isValid());
    QCOMPARE(err.foreground(), session->textFormat(ConsoleSessionWidget::TextKind::Stderr).foreground());
    QCOMPARE(out.foreground(), session->textFormat(ConsoleSessionWidget::TextKind::Stdout).foreground());
    const QColor red = err.foreground().color();
    QVERIFY2(red.red() > 2 * red.green() && red.red() > 2 * red.blue(), qPrintable(red.name()));
    QVERIFY(out.foreground() != err.foreground());
}

void TestConsoleSessionWidget::showsExitStatus_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("status");
    QTest::addColumn<ConsoleSessionWidget::TextKind>("kind");

    QTest::newRow("success") << QStringLiteral("true") << QStringLiteral("[exit 0 · ")
                             << ConsoleSessionWidget::TextKind::Status;
    QTest::newRow("false") << QStringLiteral("false") << QStringLiteral("[exit 1 · ")
                           << ConsoleSessionWidget::TextKind::FailedStatus;
    QTest::newRow("exit 3") << QStringLiteral("echo partial; exit 3") << QStringLiteral("[exit 3 · ")
                            << ConsoleSessionWidget::TextKind::FailedStatus;
    QTest::newRow("not found") << QStringLiteral("tincan-no-such-program-here") << QStringLiteral("[exit 127 · ")
                               << ConsoleSessionWidget::TextKind::FailedStatus;
    QTest::newRow("killed") << QStringLiteral("kill -KILL $$") << QStringLiteral("[killed by signal 9 (SIGKILL) · ")
                            << ConsoleSessionWidget::TextKind::FailedStatus;
}

void TestConsoleSessionWidget::showsExitStatus()
{
    QFETCH(QString, command);
    QFETCH(QString, status);
    QFETCH(ConsoleSessionWidget::TextKind, kind);

    auto session = connectedSession();
    QVERIFY(session);
    typeCommand(*session, command);
    QTRY_VERIFY2(paneText(*session).contains(status), qPrintable(paneText(*session)));
    QCOMPARE(formatOf(*session, status).foreground(), session->textFormat(kind).foreground());
}

void TestConsoleSessionWidget::decodesCharactersSplitAcrossChunks()
{
    auto session = connectedSession();
    QVERIFY(session);
    // 你 (E4 BD A0) written in two pieces that reach the client separately.
    typeCommand(*session, QStringLiteral("printf 'a\\344\\275'; sleep 0.3; printf '\\240b\\n'"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("[exit 0")));
    QVERIFY2(paneText(*session).contains(QStringLiteral("a你b")), qPrintable(paneText(*session)));
    QVERIFY(!paneText(*session).contains(QChar::ReplacementCharacter));
}

void TestConsoleSessionWidget::decodesWithTheChosenEncoding()
{
    if (!QStringDecoder("GBK").isValid())
        QSKIP("This Qt has no GBK decoder");
    auto session = connectedSession();
    QVERIFY(session);
    QCOMPARE(session->outputEncoding(), QByteArray("UTF-8"));
    QVERIFY(session->setEncodingOverride("GBK"));
    QCOMPARE(session->encodingOverride(), QByteArray("GBK"));
    QCOMPARE(session->outputEncoding(), QByteArray("GBK"));
    // 你 in GBK is C4 E3: its two bytes reach the client in separate chunks.
    typeCommand(*session, QStringLiteral("printf 'a\\304'; sleep 0.3; printf '\\343b\\n'"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("[exit 0")));
    QVERIFY2(paneText(*session).contains(QStringLiteral("a你b\n")), qPrintable(paneText(*session)));
    QVERIFY(!paneText(*session).contains(QChar::ReplacementCharacter));

    // Back to the server's (UTF-8): the same bytes are no longer 你.
    QVERIFY(session->setEncodingOverride({}));
    QCOMPARE(session->outputEncoding(), QByteArray("UTF-8"));
    typeCommand(*session, QStringLiteral("printf 'c\\304\\343d\\n'"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("d\n[exit 0")));
    QVERIFY(paneText(*session).contains(QChar::ReplacementCharacter));
}

void TestConsoleSessionWidget::followsTheServersEncoding()
{
    if (!QStringDecoder("GBK").isValid())
        QSKIP("This Qt has no GBK decoder");
    // A server whose commands print GBK (a Chinese Windows, LANG=zh_CN.GBK)
    // says so in its welcome; the session decodes with it, no override.
    m_server = std::make_unique<ConsoleServer>();
    ConsoleServer::Options options;
    options.port = 0;
    options.outputEncoding = QStringLiteral("GBK");
    QVERIFY2(m_server->listen(options), qPrintable(m_server->errorString()));
    auto session = connectedSession();
    QVERIFY(session);
    QCOMPARE(session->outputEncoding(), QByteArray("GBK"));
    QVERIFY(session->encodingOverride().isEmpty());
    // 你好 in GBK, the first character split across two chunks.
    typeCommand(*session, QStringLiteral("printf 'a\\304'; sleep 0.3; printf '\\343\\272\\303b\\n'"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("[exit 0")));
    QVERIFY2(paneText(*session).contains(QStringLiteral("a你好b\n")), qPrintable(paneText(*session)));
    QVERIFY(!paneText(*session).contains(QChar::ReplacementCharacter));
}

void TestConsoleSessionWidget::offersEncodingsThatWork()
{
    auto session = connectedSession();
    QVERIFY(session);
    const QList<QByteArray> available = ConsoleSessionWidget::availableEncodings();
    QVERIFY(available.contains("UTF-8"));
    for (const QByteArray &name : available)
        QVERIFY2(QStringDecoder(name.constData()).isValid(), name.constData());

    std::unique_ptr<QMenu> menu(session->terminal()->createContextMenu());
    auto *encodings = menu->findChild<QMenu *>(QStringLiteral("encodingMenu"));
    QVERIFY(encodings);
    QAction *server = encodings->findChild<QAction *>(QStringLiteral("serverEncodingAction"));
    QVERIFY(server);
    QCOMPARE(server->text(), QStringLiteral("Server’s (UTF-8)"));
    QVERIFY(server->isChecked());
    QList<QByteArray> offered;
    QAction *gbk = nullptr;
    for (QAction *action : encodings->actions()) {
        if (action->data().isValid())
            offered.append(action->data().toByteArray());
        if (action->data().toByteArray() == "GBK")
            gbk = action;
    }
    QCOMPARE(offered, available);
    if (!gbk)
        QSKIP("This Qt has no GBK decoder");
    gbk->trigger();
    QCOMPARE(session->encodingOverride(), QByteArray("GBK"));
    // The next menu shows the choice.
    std::unique_ptr<QMenu> again(session->terminal()->createContextMenu());
    encodings = again->findChild<QMenu *>(QStringLiteral("encodingMenu"));
    QVERIFY(!encodings->findChild<QAction *>(QStringLiteral("serverEncodingAction"))->isChecked());
    server = encodings->findChild<QAction *>(QStringLiteral("serverEncodingAction"));
    server->trigger();
    QVERIFY(session->encodingOverride().isEmpty());
}

void TestConsoleSessionWidget::refusesUnknownEncodings()
{
    ConsoleSessionWidget session;
    QVERIFY(!session.setEncodingOverride("No-Such-Encoding-42"));
    QVERIFY(session.encodingOverride().isEmpty());
    QCOMPARE(session.outputEncoding(), QByteArray("UTF-8"));
}

void TestConsoleSessionWidget::rendersColouredOutput()
{
    auto session = connectedSession();
    QVERIFY(session);
    typeCommand(*session,
                QStringLiteral("printf 'x \\033[1;31mRED\\033[0m \\033[4mUNDER\\033[0m plain\\n'; "
                               "printf '\\033[32mWARN\\033[0m\\n' >&2"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("[exit 0")));
    QVERIFY2(paneText(*session).contains(QStringLiteral("x RED UNDER plain\n")), qPrintable(paneText(*session)));
    QVERIFY(!paneText(*session).contains(QChar(0x1b)));
    const QTextCharFormat red = formatOf(*session, QStringLiteral("RED"));
    QVERIFY(red.fontWeight() >= QFont::Bold);
    const QColor color = red.foreground().color();
    QVERIFY2(color.red() > 2 * color.green(), qPrintable(color.name()));
    QVERIFY(formatOf(*session, QStringLiteral("UNDER")).fontUnderline());
    QCOMPARE(formatOf(*session, QStringLiteral("plain")).foreground(),
             session->textFormat(ConsoleSessionWidget::TextKind::Stdout).foreground());
    const QColor green = formatOf(*session, QStringLiteral("WARN")).foreground().color();
    QVERIFY2(green.green() > green.red(), qPrintable(green.name()));
}

void TestConsoleSessionWidget::rewritesProgressLines()
{
    auto session = connectedSession();
    QVERIFY(session);
    typeCommand(*session, QStringLiteral("printf 'a\\r50%%'; sleep 0.2; printf '\\r100%%\\n'; printf 'next\\n'"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("[exit 0")));
    QVERIFY2(paneText(*session).contains(QStringLiteral("$ printf")), qPrintable(paneText(*session)));
    const QStringList lines = paneText(*session).split(QLatin1Char('\n'));
    const qsizetype progress = lines.indexOf(QStringLiteral("100%"));
    QVERIFY2(progress > 0, qPrintable(paneText(*session)));
    QCOMPARE(lines.value(progress + 1), QStringLiteral("next"));
    QVERIFY(!lines.contains(QStringLiteral("50%")));
    QVERIFY(!paneText(*session).contains(QLatin1Char('\r')));

    // A progress line left open is not overwritten by the exit status.
    typeCommand(*session, QStringLiteral("printf 'working 10%%\\rworking 99%%\\r'"));
    QTRY_VERIFY2(paneText(*session).contains(QStringLiteral("working 99%\n[exit 0")), qPrintable(paneText(*session)));
}

void TestConsoleSessionWidget::opensFindBarFromTheInputLine()
{
    auto session = connectedSession();
    QVERIFY(session);
    session->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(session.get()));
    typeCommand(*session, QStringLiteral("printf 'one target\\ntwo\\nthree target\\n'"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("[exit 0")));
    session->commandLine()->setFocus();
    QVERIFY(!session->findBar()->isVisible());
    QTest::keyClick(session->commandLine(), Qt::Key_F, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(session->findBar()->isVisible());
    QVERIFY(session->findBar()->field()->hasFocus());
    QTest::keyClicks(session->findBar()->field(), QStringLiteral("target"));
    // Twice in the output, twice in the echoed command.
    QCOMPARE(session->terminal()->matchCount(), 4);
    QCOMPARE(session->terminal()->extraSelections().size(), 5);
    QTest::keyClick(session->findBar()->field(), Qt::Key_Escape);
    QVERIFY(!session->findBar()->isVisible());
    QVERIFY(session->commandLine()->hasFocus());
    QCOMPARE(session->terminal()->extraSelections().size(), 0);
}

void TestConsoleSessionWidget::clearsAndZoomsFromTheInputLine()
{
    auto session = connectedSession();
    QVERIFY(session);
    session->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(session.get()));
    typeCommand(*session, QStringLiteral("echo some output"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("[exit 0")));
    session->commandLine()->setFocus();
    QTest::keyClick(session->commandLine(), Qt::Key_L, Qt::ControlModifier);
    QVERIFY(paneText(*session).isEmpty());

    const int size = session->terminal()->fontPointSize();
    QTest::keyClick(session->commandLine(), Qt::Key_Equal, Qt::ControlModifier);
    QCOMPARE(session->terminal()->fontPointSize(), size + 1);
    QCOMPARE(session->commandLine()->font().pointSize(), size + 1);
    QTest::keyClick(session->commandLine(), Qt::Key_0, Qt::ControlModifier);
    QCOMPARE(session->terminal()->fontPointSize(), size);
}

void TestConsoleSessionWidget::keepsScrollbackBounded()
{
    constexpr int Lines = 100000;
    auto session = connectedSession();
    QVERIFY(session);
    const int cap = session->terminal()->scrollbackLines();
    QCOMPARE(cap, TerminalView::DefaultScrollbackLines);
    typeCommand(*session, QStringLiteral("seq 1 %1").arg(Lines));
    QTRY_VERIFY_WITH_TIMEOUT(paneText(*session).contains(QStringLiteral("[exit 0")), 60000);
    QTextDocument *document = session->terminal()->document();
    QVERIFY(document->blockCount() <= cap);
    const QStringList lines = paneText(*session).split(QLatin1Char('\n'));
    // The newest lines are all there, in order, right before the exit status.
    const qsizetype status = lines.size() - 2;
    QVERIFY2(lines.at(status).startsWith(QStringLiteral("[exit 0")), qPrintable(lines.at(status)));
    QCOMPARE(lines.at(status - 1), QString::number(Lines));
    QCOMPARE(lines.at(status - 1000), QString::number(Lines - 999));
    QVERIFY(!lines.contains(QStringLiteral("1")));
    // Output followed the flood: the view is at the bottom.
    const QScrollBar *bar = session->terminal()->verticalScrollBar();
    QCOMPARE(bar->value(), bar->maximum());
}

void TestConsoleSessionWidget::runsCommandsConcurrently()
{
    auto session = connectedSession();
    QVERIFY(session);
    typeCommand(*session, QStringLiteral("sleep 30"));
    typeCommand(*session, QStringLiteral("echo meanwhile"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("meanwhile\n[exit 0")));
    QCOMPARE(session->runningCommandCount(), 1);
    session->cancelLatestCommand();
    QTRY_COMPARE(session->runningCommandCount(), 0);
}

void TestConsoleSessionWidget::cancelsWithCtrlC()
{
    auto session = connectedSession();
    QVERIFY(session);
    typeCommand(*session, QStringLiteral("echo started; sleep 30"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("started\n")));
    QCOMPARE(session->runningCommandCount(), 1);

    QTest::keyClick(session->commandLine(), Qt::Key_C, Qt::ControlModifier);
    QTRY_VERIFY2(paneText(*session).contains(QStringLiteral("[killed by signal 15 (SIGTERM) · ")),
                 qPrintable(paneText(*session)));
    QVERIFY(paneText(*session).contains(QStringLiteral("^C")));
    QCOMPARE(session->runningCommandCount(), 0);
    QCOMPARE(session->state(), ConsoleClient::State::Ready);
}

void TestConsoleSessionWidget::ctrlCCopiesWhileNothingRuns()
{
    auto session = connectedSession();
    QVERIFY(session);
    typeCommand(*session, QStringLiteral("echo copy-me"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("[exit 0")));
    QSignalSpy counts(session.get(), &ConsoleSessionWidget::runningCommandCountChanged);

    // Nothing runs: Ctrl+C is the line edit's copy, and starts nothing.
    session->commandLine()->setText(QStringLiteral("draft"));
    session->commandLine()->selectAll();
    QTest::keyClick(session->commandLine(), Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(counts.size(), 0);
    QCOMPARE(session->commandLine()->text(), QStringLiteral("draft"));
    QVERIFY(!paneText(*session).contains(QStringLiteral("^C")));
}

void TestConsoleSessionWidget::reportsConnectionRefused()
{
    const quint16 port = unusedPort();
    QVERIFY(port != 0);
    ConsoleSessionWidget session;
    session.show();
    QSignalSpy status(&session, &ConsoleSessionWidget::statusChanged);
    session.connectToServer(QStringLiteral("127.0.0.1"), port);

    const QString expected = ConsoleClient::describeSocketError(QAbstractSocket::ConnectionRefusedError,
                                                                QStringLiteral("127.0.0.1"), port, QString());
    QTRY_VERIFY2(paneText(session).contains(expected), qPrintable(paneText(session)));
    QCOMPARE(session.state(), ConsoleClient::State::Disconnected);
    QCOMPARE(formatOf(session, expected).foreground(),
             session.textFormat(ConsoleSessionWidget::TextKind::Error).foreground());
    QVERIFY(session.statusText().contains(expected));
    QVERIFY(session.canReconnect());
    auto *button = session.findChild<QPushButton *>(QStringLiteral("reconnectButton"));
    QVERIFY(button);
    QVERIFY(button->isVisible());
    QVERIFY(session.findChild<QLabel *>(QStringLiteral("statusLabel"))->text().contains(expected));
    QVERIFY(!status.isEmpty());

    // A command typed now fails at once instead of waiting for nothing.
    typeCommand(session, QStringLiteral("echo lost"));
    QTRY_COMPARE(session.runningCommandCount(), 0);
}

void TestConsoleSessionWidget::reconnectsAfterTheServerComesBack()
{
    auto session = connectedSession();
    QVERIFY(session);
    const quint16 port = m_server->serverPort();
    QSignalSpy shutDown(m_server.get(), &ConsoleServer::shutdownFinished);
    m_server->shutdown();
    QTRY_COMPARE(session->state(), ConsoleClient::State::Disconnected);
    QTRY_COMPARE(shutDown.size(), 1);
    m_server.reset();
    // The server said why it closed; that reason is in the pane and the status line.
    const QString reason = session->client()->errorString();
    QVERIFY(!reason.isEmpty());
    QVERIFY2(paneText(*session).contains(QStringLiteral("Disconnected from 127.0.0.1:%1: %2").arg(port).arg(reason)),
             qPrintable(paneText(*session)));
    QVERIFY(session->statusText().contains(reason));
    auto *button = session->findChild<QPushButton *>(QStringLiteral("reconnectButton"));
    QVERIFY(button->isVisible());

    m_server = std::make_unique<ConsoleServer>();
    ConsoleServer::Options options;
    options.port = port;
    QVERIFY2(m_server->listen(options), qPrintable(m_server->errorString()));
    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_COMPARE(session->state(), ConsoleClient::State::Ready);
    QVERIFY(!button->isVisible());
    typeCommand(*session, QStringLiteral("echo back again"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("back again\n[exit 0")));
}

void TestConsoleSessionWidget::runsInClassicMode()
{
    auto session = connectedSession(ConsoleClient::Mode::Classic);
    QVERIFY(session);
    typeCommand(*session, QStringLiteral("echo classic out; echo classic err >&2; exit 4"));
    QTRY_VERIFY2(paneText(*session).contains(QStringLiteral("[exit 4 · ")), qPrintable(paneText(*session)));
    QVERIFY(paneText(*session).contains(QStringLiteral("classic out\n")));
    QVERIFY(paneText(*session).contains(QStringLiteral("classic err\n")));
    QVERIFY(session->statusText().contains(QStringLiteral("classic")));

    // Commands wait for each other, and all of them are answered.
    typeCommand(*session, QStringLiteral("echo first"));
    typeCommand(*session, QStringLiteral("echo second"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("second\n[exit 0")));
    QVERIFY(paneText(*session).contains(QStringLiteral("first\n[exit 0")));
}

void TestConsoleSessionWidget::promptFollowsTheWorkingDirectory()
{
    QTemporaryDir tree;
    QVERIFY(tree.isValid());
    const QString deep = QStringLiteral("/a-rather-long-directory-name/another-rather-long-directory-name/and-more");
    QVERIFY(QDir(tree.path()).mkpath(deep.mid(1)));
    m_server = std::make_unique<ConsoleServer>();
    ConsoleServer::Options options;
    options.port = 0;
    options.startDirectory = tree.path();
    QVERIFY(m_server->listen(options));
    auto session = connectedSession();
    QVERIFY(session);
    session->resize(1200, 600);
    const QString address = QStringLiteral("127.0.0.1:%1").arg(m_server->serverPort());
    QTRY_COMPARE(session->prompt(), QStringLiteral("%1:%2 $").arg(address, tree.path()));

    typeCommand(*session, QStringLiteral("cd ") + deep.mid(1));
    const QString full = tree.path() + deep;
    QTRY_COMPARE(session->prompt(), QStringLiteral("%1:%2 $").arg(address, full));
    // The next command is echoed after the new prompt, in full.
    typeCommand(*session, QStringLiteral("pwd"));
    QTRY_VERIFY2(paneText(*session).contains(QStringLiteral("%1:%2 $ pwd\n%2\n").arg(address, full)),
                 qPrintable(paneText(*session)));
    // The label is elided when narrow, with the whole prompt as its tooltip.
    const QList<QLabel *> labels = session->findChildren<QLabel *>();
    const auto promptLabel = std::find_if(labels.cbegin(), labels.cend(),
                                          [&](QLabel *candidate) { return candidate->toolTip() == session->prompt(); });
    QVERIFY(promptLabel != labels.cend());
    session->resize(300, 600);
    QTRY_VERIFY((*promptLabel)->text().contains(QChar(0x2026)));
    QVERIFY((*promptLabel)->text().endsWith(QStringLiteral(" $")));
    QVERIFY((*promptLabel)->text().size() < session->prompt().size());
    session->resize(4000, 600);
    QTRY_COMPARE((*promptLabel)->text(), session->prompt());
}

void TestConsoleSessionWidget::classicPromptHasNoDirectory()
{
    auto session = connectedSession(ConsoleClient::Mode::Classic);
    QVERIFY(session);
    QCOMPARE(session->prompt(), QStringLiteral("127.0.0.1:%1 $").arg(m_server->serverPort()));
    typeCommand(*session, QStringLiteral("cd /"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("[exit 0")));
    QCOMPARE(session->prompt(), QStringLiteral("127.0.0.1:%1 $").arg(m_server->serverPort()));
}

void TestConsoleSessionWidget::cancelInClassicModeReconnects()
{
    auto session = connectedSession(ConsoleClient::Mode::Classic);
    QVERIFY(session);
    QTRY_COMPARE(m_server->connectionCount(), 1);
    typeCommand(*session, QStringLiteral("sleep 30"));
    QTRY_COMPARE(m_server->runningCommandCount(), 1);
    QTest::keyClick(session->terminal(), Qt::Key_C, Qt::ControlModifier);
    QTRY_COMPARE(session->runningCommandCount(), 0);
    QVERIFY2(paneText(*session).contains(QStringLiteral("[cancelled · ")), qPrintable(paneText(*session)));
    QTRY_COMPARE(session->state(), ConsoleClient::State::Ready);
    QTRY_COMPARE(m_server->runningCommandCount(), 0);
    typeCommand(*session, QStringLiteral("echo still usable"));
    QTRY_VERIFY(paneText(*session).contains(QStringLiteral("still usable\n[exit 0")));
}

void TestConsoleSessionWidget::cancelOfQueuedClassicCommandKeepsConnection()
{
    auto session = connectedSession(ConsoleClient::Mode::Classic);
    QVERIFY(session);
    QSignalSpy disconnected(session->client(), &ConsoleClient::disconnected);
    typeCommand(*session, QStringLiteral("sleep 30"));
    typeCommand(*session, QStringLiteral("echo never"));
    QTRY_COMPARE(m_server->runningCommandCount(), 1);
    QCOMPARE(session->runningCommandCount(), 2);

    session->cancelLatestCommand(); // the queued echo
    QCOMPARE(session->runningCommandCount(), 1);
    QVERIFY(paneText(*session).contains(QStringLiteral("[cancelled · ")));
    QCOMPARE(session->state(), ConsoleClient::State::Ready);
    QCOMPARE(disconnected.size(), 0);
    QCOMPARE(m_server->runningCommandCount(), 1);

    session->cancelLatestCommand(); // the sleep, which costs the connection
    QTRY_COMPARE(session->state(), ConsoleClient::State::Ready);
    QCOMPARE(disconnected.size(), 1);
    QCOMPARE(session->runningCommandCount(), 0);
    QVERIFY(!paneText(*session).split(QLatin1Char('\n')).contains(QStringLiteral("never")));
}

void TestConsoleSessionWidget::showsUnknownClassicExitStatus()
{
    // A classic server in the tutorial's style: one recv, one framed reply
    // whose header says nothing about how the command ended.
    QTcpServer tutorial;
    QVERIFY(tutorial.listen(QHostAddress::LocalHost, 0));
    connect(&tutorial, &QTcpServer::newConnection, this, [&tutorial] {
        QTcpSocket *socket = tutorial.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket] {
            socket->readAll();
            socket->write(encodeFrame(QJsonObject{{QStringLiteral("filename"), QJsonValue()}},
                                      QByteArrayView("tutorial reply\n")));
        });
    });

    ConsoleSessionWidget session;
    session.connectToServer(QStringLiteral("127.0.0.1"), tutorial.serverPort(), ConsoleClient::Mode::Classic);
    QTRY_COMPARE(session.state(), ConsoleClient::State::Ready);
    typeCommand(session, QStringLiteral("ls"));
    QTRY_VERIFY2(paneText(session).contains(QStringLiteral("tutorial reply\n[exit status unknown · classic server]")),
                 qPrintable(paneText(session)));
}

void TestConsoleSessionWidget::walksHistory_data()
{
    QTest::addColumn<QStringList>("entered");
    QTest::addColumn<QString>("draft");
    QTest::addColumn<QList<int>>("keys");
    QTest::addColumn<QString>("expected");

    const QStringList abc{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
    QTest::newRow("up once") << abc << QString() << QList<int>{Qt::Key_Up} << QStringLiteral("c");
    QTest::newRow("up twice") << abc << QString() << QList<int>{Qt::Key_Up, Qt::Key_Up} << QStringLiteral("b");
    QTest::newRow("up past the oldest") << abc << QString()
                                        << QList<int>{Qt::Key_Up, Qt::Key_Up, Qt::Key_Up, Qt::Key_Up}
                                        << QStringLiteral("a");
    QTest::newRow("up, down") << abc << QString() << QList<int>{Qt::Key_Up, Qt::Key_Up, Qt::Key_Down}
                              << QStringLiteral("c");
    QTest::newRow("draft kept") << abc << QStringLiteral("ech") << QList<int>{Qt::Key_Up, Qt::Key_Down}
                                << QStringLiteral("ech");
    QTest::newRow("down at the draft") << abc << QStringLiteral("ech") << QList<int>{Qt::Key_Down}
                                       << QStringLiteral("ech");
    QTest::newRow("empty history") << QStringList() << QStringLiteral("x") << QList<int>{Qt::Key_Up}
                                   << QStringLiteral("x");
    QTest::newRow("repeat stored once") << QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("b")}
                                        << QString() << QList<int>{Qt::Key_Up, Qt::Key_Up} << QStringLiteral("a");
}

void TestConsoleSessionWidget::walksHistory()
{
    QFETCH(QStringList, entered);
    QFETCH(QString, draft);
    QFETCH(QList<int>, keys);
    QFETCH(QString, expected);

    CommandLineEdit edit;
    QSignalSpy submitted(&edit, &CommandLineEdit::commandSubmitted);
    for (const QString &command : std::as_const(entered)) {
        QTest::keyClicks(&edit, command);
        QTest::keyClick(&edit, Qt::Key_Return);
    }
    QCOMPARE(submitted.size(), entered.size());
    QTest::keyClicks(&edit, draft);
    for (int key : std::as_const(keys))
        QTest::keyClick(&edit, Qt::Key(key));
    QCOMPARE(edit.text(), expected);
}

void TestConsoleSessionWidget::submitsOnlyNonBlankLines()
{
    CommandLineEdit edit;
    QSignalSpy submitted(&edit, &CommandLineEdit::commandSubmitted);
    QTest::keyClick(&edit, Qt::Key_Return);
    QTest::keyClicks(&edit, QStringLiteral("   "));
    QTest::keyClick(&edit, Qt::Key_Enter, Qt::KeypadModifier);
    QCOMPARE(submitted.size(), 0);
    QVERIFY(edit.history().isEmpty());
    QTest::keyClicks(&edit, QStringLiteral(" ls -l "));
    QTest::keyClick(&edit, Qt::Key_Enter, Qt::KeypadModifier);
    QCOMPARE(submitted.size(), 1);
    QCOMPARE(submitted.at(0).at(0).toString(), QStringLiteral(" ls -l "));
    QCOMPARE(edit.history(), QStringList{QStringLiteral(" ls -l ")});
    QVERIFY(edit.text().isEmpty());
}

QTEST_MAIN(TestConsoleSessionWidget)
#include "tst_consolesessionwidget.moc"
