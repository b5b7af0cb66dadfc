// TerminalView on the offscreen platform: ANSI attributes become the right
// QTextCharFormats at the right places, carriage returns rewrite the last
// block, the scrollback cap holds under a flood pushed through the real
// (timer-driven) flush, the view follows output only from the bottom, and
// find, zoom, clear and save do what they say.
#include "models/terminal/ansiparser.h"
#include "models/terminal/terminalpalette.h"
#include "ui/terminal/terminalfindbar.h"
#include "ui/terminal/terminalview.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QVBoxLayout>

using namespace Tincan;

namespace {

constexpr QRgb StdoutColor = TerminalView::Foreground;
constexpr QRgb StderrColor = 0xff6b6b;

QString esc(const char *text)
{
    QString result = QString::fromUtf8(text);
    result.replace(QLatin1Char('~'), QChar(0x1b));
    return result;
}

// A view with two styles, as a console uses them: 0 stdout, 1 stderr.
struct Fixture
{
    Fixture()
    {
        QTextCharFormat out;
        out.setForeground(QColor(StdoutColor));
        QTextCharFormat err;
        err.setForeground(QColor(StderrColor));
        QTextCharFormat bold;
        bold.setFontWeight(QFont::Bold);
        view.addStyle(out);
        view.addStyle(err);
        view.addStyle(bold);
        view.resize(600, 400);
    }

    void output(const QString &text, int style = 0) { view.writeOutput(parsers[style], style, text); }

    // The format of the character at `offset` in the first occurrence of `needle`.
    QTextCharFormat formatOf(const QString &needle, int offset = 0)
    {
        view.flush();
        const QTextCursor found = view.document()->find(needle);
        if (found.isNull())
            return {};
        QTextCursor at(view.document());
        at.setPosition(found.selectionStart() + offset + 1); // the format before the cursor
        return at.charFormat();
    }

    QStringList lines()
    {
        view.flush();
        return view.toPlainText().split(QLatin1Char('\n'));
    }

    TerminalView view;
    AnsiParser parsers[3];
};

} // namespace

class TestTerminalView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void rendersAttributes_data();
    void rendersAttributes();
    void keepsColoursReadable_data();
    void keepsColoursReadable();
    void keepsTheStyleForPlainText();
    void rewritesTheLastBlock();
    void rewritesWithoutGrowing();
    void capsScrollbackUnderAFlood();
    void writesFloodsInSlices();
    void boundsLongLines();
    void followsOutputOnlyAtTheBottom();
    void followsWrappedOutput();
    void staysPutWhileOldLinesScrollAway();
    void highlightsAllMatches();
    void boundsHighlights();
    void findBarCountsAndNavigates();
    void zoomsAndRemembers();
    void zoomsWithKeys();
    void clears();
    void savesOutput();
    void reportsSaveErrors();
    void readsScrollbackSetting_data();
    void readsScrollbackSetting();
    void showsShortcutsInContextMenu();
    void boundsFormats();
    void neutralisesControlsInOwnText();
};

void TestTerminalView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("Tincan"));
    QCoreApplication::setApplicationName(QStringLiteral("TincanTerminalViewTest"));
}

void TestTerminalView::init()
{
    QSettings().clear();
}

void TestTerminalView::rendersAttributes_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("needle");
    QTest::addColumn<QColor>("foreground"); // invalid: the style's
    QTest::addColumn<QColor>("background"); // invalid: none
    QTest::addColumn<bool>("bold");
    QTest::addColumn<bool>("italic");
    QTest::addColumn<bool>("underline");

    const QColor none;
    const QColor red = TerminalPalette::indexed(1);
    QTest::newRow("bold") << esc("a ~[1mBOLD~[0m b") << QStringLiteral("BOLD") << none << none << true << false
                          << false;
    QTest::newRow("italic") << esc("a ~[3mITAL~[0m b") << QStringLiteral("ITAL") << none << none << false << true
                            << false;
    QTest::newRow("underline") << esc("a ~[4mUNDER~[0m b") << QStringLiteral("UNDER") << none << none << false << false
                               << true;
    QTest::newRow("red") << esc("a ~[31mRED~[0m b") << QStringLiteral("RED") << red << none << false << false << false;
    QTest::newRow("bright blue") << esc("~[94mBB") << QStringLiteral("BB") << TerminalPalette::indexed(12) << none
                                 << false << false << false;
    QTest::newRow("black on green") << esc("~[30;42mGBG~[0m") << QStringLiteral("GBG") << TerminalPalette::indexed(0)
                                    << TerminalPalette::indexed(2) << false << false << false;
    QTest::newRow("256 colours") << esc("~[38;5;208mORANGE") << QStringLiteral("ORANGE")
                                 << TerminalPalette::indexed(208) << none << false << false << false;
    QTest::newRow("24-bit") << esc("~[38;2;255;128;0;48;2;0;0;96mRGB") << QStringLiteral("RGB") << QColor(255, 128, 0)
                            << QColor(0, 0, 96) << false << false << false;
    QTest::newRow("bold red underline") << esc("x~[1;4;31mALL~[0m") << QStringLiteral("ALL") << red << none << true
                                        << false << true;
    QTest::newRow("inverse") << esc("~[7mINV") << QStringLiteral("INV") << QColor(TerminalView::Background)
                             << QColor(StdoutColor) << false << false << false;
    QTest::newRow("reset after") << esc("~[1;31mX~[0mPLAIN") << QStringLiteral("PLAIN") << none << none << false
                                 << false << false;
    QTest::newRow("ls directory") << esc("~[0m~[01;34mdocs~[0m\n") << QStringLiteral("docs")
                                  << TerminalPalette::indexed(4) << none << true << false << false;
    QTest::newRow("grep match") << esc("~[32m~[K2~[m~[K~[36m~[K:~[m~[Kan ~[01;31m~[Kerror~[m~[K here\n")
                                << QStringLiteral("error") << red << none << true << false << false;
}

void TestTerminalView::rendersAttributes()
{
    QFETCH(QString, input);
    QFETCH(QString, needle);
    QFETCH(QColor, foreground);
    QFETCH(QColor, background);
    QFETCH(bool, bold);
    QFETCH(bool, italic);
    QFETCH(bool, underline);

    Fixture f;
    f.output(input);
    for (int offset = 0; offset < needle.size(); ++offset) {
        const QTextCharFormat format = f.formatOf(needle, offset);
        QVERIFY(format.isValid());
        const QColor expectedForeground = foreground.isValid() ? foreground : QColor(StdoutColor);
        QCOMPARE(format.foreground().color(), expectedForeground);
        if (background.isValid())
            QCOMPARE(format.background().color(), background);
        else
            QCOMPARE(format.background().style(), Qt::NoBrush);
        QCOMPARE(format.fontWeight() >= QFont::Bold, bold);
        QCOMPARE(format.fontItalic(), italic);
        QCOMPARE(format.fontUnderline(), underline);
    }
    // No escape character reached the document.
    QVERIFY(!f.view.toPlainText().contains(QChar(0x1b)));
}

void TestTerminalView::keepsColoursReadable_data()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("black") << esc("~[30mTEXT");
    QTest::newRow("256 black") << esc("~[38;5;16mTEXT");
    QTest::newRow("24-bit near background") << esc("~[38;2;30;32;34mTEXT");
    QTest::newRow("dark blue") << esc("~[38;2;0;0;139mTEXT");
    QTest::newRow("grey on grey") << esc("~[38;5;240;48;5;239mTEXT");
}

void TestTerminalView::keepsColoursReadable()
{
    QFETCH(QString, input);
    Fixture f;
    f.output(input);
    const QTextCharFormat format = f.formatOf(QStringLiteral("TEXT"));
    const QColor background
        = format.background().style() == Qt::NoBrush ? QColor(TerminalView::Background) : format.background().color();
    const qreal contrast = TerminalPalette::contrastRatio(format.foreground().color(), background);
    QVERIFY2(
        contrast >= TerminalPalette::MinimumContrast - 0.01,
        qPrintable(
            QStringLiteral("%1 on %2: %3").arg(format.foreground().color().name(), background.name()).arg(contrast)));
}

void TestTerminalView::keepsTheStyleForPlainText()
{
    Fixture f;
    f.output(esc("out ~[1mbold-out~[0m\n"), 0);
    f.output(esc("err ~[4mul-err~[0m\n"), 1);
    f.view.write(2, u"own line\n");
    QCOMPARE(f.formatOf(QStringLiteral("out")).foreground().color(), QColor(StdoutColor));
    QCOMPARE(f.formatOf(QStringLiteral("bold-out")).foreground().color(), QColor(StdoutColor));
    QCOMPARE(f.formatOf(QStringLiteral("err")).foreground().color(), QColor(StderrColor));
    // stderr keeps its colour under other attributes.
    QCOMPARE(f.formatOf(QStringLiteral("ul-err")).foreground().color(), QColor(StderrColor));
    QVERIFY(f.formatOf(QStringLiteral("ul-err")).fontUnderline());
    QVERIFY(f.formatOf(QStringLiteral("own line")).fontWeight() >= QFont::Bold);
    // The plain formats are exactly the styles.
    QCOMPARE(f.formatOf(QStringLiteral("out")), f.view.style(0));
}

void TestTerminalView::rewritesTheLastBlock()
{
    Fixture f;
    f.output(QStringLiteral("before\n"));
    f.output(QStringLiteral("a\r50%\r100%\n"));
    QCOMPARE(f.lines(), (QStringList{QStringLiteral("before"), QStringLiteral("100%"), QString()}));

    // Across flushes: each flush rewrites only the last block.
    f.output(QStringLiteral("progress 1%"));
    QCOMPARE(f.lines().last(), QStringLiteral("progress 1%"));
    const int blocks = f.view.document()->blockCount();
    f.output(esc("\r~[32mprogress~[0m 2%"));
    QCOMPARE(f.lines().last(), QStringLiteral("progress 2%"));
    QCOMPARE(f.view.document()->blockCount(), blocks);
    QCOMPARE(f.formatOf(QStringLiteral("progress 2%")).foreground().color(), TerminalPalette::indexed(2));
    QCOMPARE(f.formatOf(QStringLiteral("progress 2%"), 9).foreground().color(), QColor(StdoutColor));
    f.output(QStringLiteral("\rdone       \n"));
    QCOMPARE(f.lines(),
             (QStringList{QStringLiteral("before"), QStringLiteral("100%"), QStringLiteral("done       "), QString()}));
}

void TestTerminalView::rewritesWithoutGrowing()
{
    // Ten thousand flushes of a progress line: the document keeps one line
    // for it, and holds no more characters than the line has.
    Fixture f;
    f.output(QStringLiteral("header\n"));
    f.view.flush();
    for (int i = 0; i <= 10000; ++i) {
        f.output(QStringLiteral("\r[%1] %2%").arg(QString(i / 500, QLatin1Char('#')), -20).arg(i / 100, 3));
        f.view.flush();
    }
    QCOMPARE(f.view.document()->blockCount(), 2);
    QCOMPARE(f.view.document()->lastBlock().text(), QStringLiteral("[%1] 100%").arg(QString(20, QLatin1Char('#'))));
    QCOMPARE(f.view.document()->characterCount(), int(QStringLiteral("header\n[] 100%").size()) + 20 + 1);
}

void TestTerminalView::capsScrollbackUnderAFlood()
{
    constexpr int Lines = 100000;
    Fixture f;
    f.view.show();
    QCOMPARE(f.view.scrollbackLines(), TerminalView::DefaultScrollbackLines);
    // 100,000 lines in chunks of about 4 KiB, as a socket delivers them,
    // flushed by the pane's own timer; now and then more than the whole
    // scrollback arrives between two flushes.
    QString chunk;
    int flushes = 0;
    int chunks = 0;
    connect(f.view.document(), &QTextDocument::contentsChanged, this, [&flushes] { ++flushes; });
    for (int i = 1; i <= Lines; ++i) {
        chunk += QString::number(i) + QLatin1Char('\n');
        if (chunk.size() >= 4096 || i == Lines) {
            f.output(chunk);
            chunk.clear();
            if (++chunks % 32 == 0) {
                QTRY_VERIFY(!f.view.hasPendingOutput());
                QVERIFY(f.view.document()->blockCount() <= f.view.scrollbackLines());
            } else {
                QCoreApplication::processEvents();
            }
        }
    }
    QTRY_VERIFY(!f.view.hasPendingOutput());
    QVERIFY(flushes > 1);
    QVERIFY(f.view.document()->blockCount() <= f.view.scrollbackLines());
    const QStringList lines = f.view.toPlainText().split(QLatin1Char('\n'));
    QCOMPARE(lines.at(lines.size() - 2), QString::number(Lines));
    // The lines kept are the newest, contiguous.
    const int first = lines.first().toInt();
    QCOMPARE(first, Lines - int(lines.size()) + 2);
    for (qsizetype i = 0; i + 1 < lines.size(); ++i)
        QCOMPARE(lines.at(i).toInt(), first + int(i));
    QVERIFY(f.view.followsOutput());
    QCOMPARE(f.view.verticalScrollBar()->value(), f.view.verticalScrollBar()->maximum());
}

void TestTerminalView::writesFloodsInSlices()
{
    // Three scrollbacks' worth between two frames: the first frame shows the
    // newest lines at once, the older ones follow above them, and in the end
    // the pane holds exactly the newest scrollback's worth, in order.
    Fixture f;
    f.view.show();
    QString text;
    const int lines = 3 * TerminalView::DefaultScrollbackLines;
    for (int i = 1; i <= lines; ++i)
        text += QStringLiteral("line %1\n").arg(i);
    // The document's size after each change, and its newest line.
    QList<int> sizes;
    QStringList newest;
    connect(f.view.document(), &QTextDocument::contentsChanged, this, [&] {
        sizes.append(f.view.document()->blockCount());
        newest.append(f.view.document()->lastBlock().previous().text());
    });
    f.output(text);
    QTRY_VERIFY_WITH_TIMEOUT(!f.view.hasPendingOutput(), 30000);
    // The first frame that wrote anything wrote the newest lines, and no
    // more than a frame's worth.
    const qsizetype firstWrite = sizes.indexOf(TerminalView::MaxLinesPerFrame + 1);
    QVERIFY2(firstWrite >= 0, qPrintable(QString::number(sizes.value(0))));
    for (qsizetype i = 0; i < firstWrite; ++i)
        QVERIFY(sizes.at(i) <= 1);
    QCOMPARE(newest.at(firstWrite), QStringLiteral("line %1").arg(lines));
    // Each later frame added at most a slice, always below the same newest line.
    QVERIFY(sizes.size() > 2);
    for (qsizetype i = firstWrite + 1; i < sizes.size(); ++i) {
        QVERIFY(sizes.at(i) - sizes.at(i - 1) <= TerminalView::MaxLinesPerFrame);
        QCOMPARE(newest.at(i), QStringLiteral("line %1").arg(lines));
    }
    const QStringList shown = f.view.toPlainText().split(QLatin1Char('\n'));
    QCOMPARE(shown.size(), TerminalView::DefaultScrollbackLines);
    const int first = lines - TerminalView::DefaultScrollbackLines + 2;
    for (qsizetype i = 0; i + 1 < shown.size(); ++i)
        QCOMPARE(shown.at(i), QStringLiteral("line %1").arg(first + int(i)));
    QCOMPARE(f.view.verticalScrollBar()->value(), f.view.verticalScrollBar()->maximum());
}

void TestTerminalView::boundsLongLines()
{
    // Output without a single newline: broken into lines of at most
    // TerminalBuffer::MaxLineLength, and the pane keeps at most
    // MaxScrollbackCharacters of it, the newest.
    Fixture f;
    const QString chunk(64 * 1024, QLatin1Char('x'));
    const qsizetype total = 3 * TerminalView::MaxScrollbackCharacters;
    for (qsizetype written = 0; written < total; written += chunk.size())
        f.output(chunk);
    f.output(QStringLiteral("END"));
    f.view.flush();
    QTextDocument *document = f.view.document();
    QVERIFY(document->characterCount() <= TerminalView::MaxScrollbackCharacters + TerminalBuffer::MaxLineLength);
    QVERIFY(document->characterCount() >= TerminalView::MaxScrollbackCharacters - 2 * TerminalBuffer::MaxLineLength);
    for (QTextBlock block = document->firstBlock(); block.isValid(); block = block.next())
        QVERIFY(block.length() <= TerminalBuffer::MaxLineLength + 1);
    QVERIFY(document->lastBlock().text().endsWith(QStringLiteral("END")));
    QVERIFY(document->lastBlock().previous().text().endsWith(QStringLiteral("xxx")));
}

void TestTerminalView::followsOutputOnlyAtTheBottom()
{
    Fixture f;
    f.view.show();
    QScrollBar *bar = f.view.verticalScrollBar();
    for (int i = 0; i < 300; ++i)
        f.output(QStringLiteral("line %1\n").arg(i));
    f.view.flush();
    QVERIFY(bar->maximum() > 0);
    QCOMPARE(bar->value(), bar->maximum());
    QVERIFY(f.view.followsOutput());

    // Scrolled up: output arrives, the view stays where it is.
    bar->setValue(10);
    QVERIFY(!f.view.followsOutput());
    const QString top = f.view.topBlock().text();
    const int maximum = bar->maximum();
    for (int i = 300; i < 400; ++i)
        f.output(QStringLiteral("line %1\n").arg(i));
    f.view.flush();
    QVERIFY(bar->maximum() > maximum);
    QCOMPARE(bar->value(), 10);
    QCOMPARE(f.view.topBlock().text(), top);

    // Back at the bottom: it follows again.
    bar->setValue(bar->maximum());
    QVERIFY(f.view.followsOutput());
    for (int i = 400; i < 500; ++i)
        f.output(QStringLiteral("line %1\n").arg(i));
    f.view.flush();
    QCOMPARE(bar->value(), bar->maximum());
    QCOMPARE(f.view.document()->lastBlock().previous().text(), QStringLiteral("line 499"));
}

void TestTerminalView::followsWrappedOutput()
{
    // Long lines wrap into many screen lines once they are laid out, which
    // happens only as they are painted (after QPlainTextEdit has set its
    // scroll range): the view still ends at the bottom.
    Fixture f;
    f.view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const QRect area = f.view.viewport()->rect();
    const auto lastLineShown = [&] {
        const QTextCursor bottom = f.view.cursorForPosition(QPoint(area.left(), area.bottom() - 1));
        return bottom.blockNumber() >= f.view.document()->blockCount() - 2;
    };
    const QString chunk(64 * 1024, QLatin1Char('x'));
    for (int round = 0; round < 3; ++round) {
        // As a socket delivers it: chunks, frames in between, then a last line.
        for (int i = 0; i < 40; ++i) {
            f.output(chunk);
            QTest::qWait(1);
        }
        QTRY_VERIFY(!f.view.hasPendingOutput());
        f.output(QStringLiteral("\nTHE END\n"));
        QTRY_VERIFY(!f.view.hasPendingOutput());
        QTRY_VERIFY2(lastLineShown(), qPrintable(QString::number(round)));
        QVERIFY(f.view.followsOutput());
    }
    QCOMPARE(f.view.verticalScrollBar()->value(), f.view.verticalScrollBar()->maximum());
}

void TestTerminalView::staysPutWhileOldLinesScrollAway()
{
    Fixture f;
    f.view.setScrollbackLines(TerminalView::MinScrollbackLines * 5);
    f.view.show();
    QScrollBar *bar = f.view.verticalScrollBar();
    for (int i = 0; i < 1000; ++i)
        f.output(QStringLiteral("line %1\n").arg(i));
    f.view.flush();
    QCOMPARE(f.view.document()->blockCount(), 500);
    bar->setValue(bar->maximum() / 2);
    const QString top = f.view.topBlock().text();
    QVERIFY(top.startsWith(QStringLiteral("line ")));

    // 100 new lines push 100 old ones out at the top; the same lines stay in view.
    for (int i = 1000; i < 1100; ++i)
        f.output(QStringLiteral("line %1\n").arg(i));
    f.view.flush();
    QCOMPARE(f.view.document()->blockCount(), 500);
    QCOMPARE(f.view.topBlock().text(), top);
    QVERIFY(!f.view.followsOutput());
}

void TestTerminalView::highlightsAllMatches()
{
    Fixture f;
    f.view.show();
    int expected = 0;
    for (int i = 0; i < 200; ++i) {
        if (i % 3 == 0) {
            f.output(QStringLiteral("%1 Error here and error there\n").arg(i));
            expected += 2;
        } else {
            f.output(QStringLiteral("%1 fine\n").arg(i));
        }
    }
    QCOMPARE(f.view.find(QStringLiteral("error")), expected);
    QCOMPARE(f.view.matchCount(), expected);
    QVERIFY(!f.view.matchesTruncated());
    // Every match highlighted, plus the current one on top.
    QCOMPARE(f.view.extraSelections().size(), expected + 1);
    for (const QTextEdit::ExtraSelection &selection : f.view.extraSelections())
        QCOMPARE(selection.cursor.selectedText().toLower(), QStringLiteral("error"));
    // The current match is the newest one, at the bottom where the view is.
    QCOMPARE(f.view.currentMatch(), expected - 1);
    QCOMPARE(f.view.currentMatchCursor().block().text(), QStringLiteral("198 Error here and error there"));

    f.view.findPrevious();
    QCOMPARE(f.view.currentMatch(), expected - 2);
    f.view.findNext();
    f.view.findNext(); // wraps around to the first
    QCOMPARE(f.view.currentMatch(), 0);
    QCOMPARE(f.view.currentMatchCursor().block().text(), QStringLiteral("0 Error here and error there"));
    // Navigating there scrolled the view up to it.
    QVERIFY(!f.view.followsOutput());
    QCOMPARE(f.view.topBlock().blockNumber(), 0);

    // Match case.
    QCOMPARE(f.view.find(QStringLiteral("Error"), QTextDocument::FindCaseSensitively), expected / 2);
    QCOMPARE(f.view.find(QStringLiteral("no such text")), 0);
    QCOMPARE(f.view.extraSelections().size(), 0);

    // Output arriving later is searched too.
    QCOMPARE(f.view.find(QStringLiteral("error")), expected);
    f.output(QStringLiteral("late error\n"));
    f.view.flush();
    QTRY_COMPARE(f.view.matchCount(), expected + 1);

    f.view.clearFind();
    QCOMPARE(f.view.extraSelections().size(), 0);
    QCOMPARE(f.view.matchCount(), 0);
}

void TestTerminalView::boundsHighlights()
{
    Fixture f;
    // 10,000 lines (the scrollback) with two matches each.
    QString text;
    for (int i = 0; i < TerminalView::DefaultScrollbackLines; ++i)
        text += QStringLiteral("x%1 x\n").arg(i);
    f.output(text);
    f.view.flush();
    QCOMPARE(f.view.find(QStringLiteral("x")), TerminalView::MaxHighlightedMatches);
    QVERIFY(f.view.matchesTruncated());
    QCOMPARE(f.view.extraSelections().size(), TerminalView::MaxHighlightedMatches + 1);
    // The highlighted ones are the newest.
    const QTextCursor newest = f.view.extraSelections().at(TerminalView::MaxHighlightedMatches - 1).cursor;
    QCOMPARE(newest.block().text(), QStringLiteral("x%1 x").arg(TerminalView::DefaultScrollbackLines - 1));
}

void TestTerminalView::findBarCountsAndNavigates()
{
    QWidget window;
    auto *layout = new QVBoxLayout(&window);
    Fixture f;
    layout->addWidget(&f.view);
    TerminalFindBar bar(&f.view);
    layout->addWidget(&bar);
    bar.hide();
    window.show();
    for (int i = 0; i < 5; ++i)
        f.output(QStringLiteral("needle %1\nhay\n").arg(i));
    f.view.flush();

    QSignalSpy closed(&bar, &TerminalFindBar::closed);
    bar.openBar();
    QVERIFY(bar.isVisible());
    QTest::keyClicks(bar.field(), QStringLiteral("needle"));
    QCOMPARE(f.view.matchCount(), 5);
    QCOMPARE(bar.countText(), QStringLiteral("5 of 5"));
    QTest::keyClick(bar.field(), Qt::Key_Return); // up
    QCOMPARE(bar.countText(), QStringLiteral("4 of 5"));
    QTest::keyClick(bar.field(), Qt::Key_Return, Qt::ShiftModifier); // down
    QCOMPARE(bar.countText(), QStringLiteral("5 of 5"));
    QTest::keyClicks(bar.field(), QStringLiteral("zzz"));
    QCOMPARE(bar.countText(), QStringLiteral("No matches"));
    bar.field()->setText(QStringLiteral("NEEDLE"));
    QCOMPARE(f.view.matchCount(), 5);
    bar.matchCaseBox()->setChecked(true);
    QCOMPARE(f.view.matchCount(), 0);

    QTest::keyClick(bar.field(), Qt::Key_Escape);
    QVERIFY(!bar.isVisible());
    QCOMPARE(closed.size(), 1);
    QCOMPARE(f.view.extraSelections().size(), 0);
}

void TestTerminalView::zoomsAndRemembers()
{
    Fixture f;
    const int initial = f.view.fontPointSize();
    QCOMPARE(initial, f.view.defaultFontPointSize());
    QSignalSpy changed(&f.view, &TerminalView::fontPointSizeChanged);
    f.view.increaseFontSize();
    f.view.increaseFontSize();
    QCOMPARE(f.view.fontPointSize(), initial + 2);
    QCOMPARE(f.view.font().pointSize(), initial + 2);
    QCOMPARE(changed.size(), 2);
    QCOMPARE(QSettings().value(TerminalView::FontSizeSetting).toInt(), initial + 2);

    // A new pane opens at the remembered size.
    TerminalView next;
    QCOMPARE(next.fontPointSize(), initial + 2);

    f.view.decreaseFontSize();
    QCOMPARE(f.view.fontPointSize(), initial + 1);
    f.view.resetFontSize();
    QCOMPARE(f.view.fontPointSize(), initial);
    QVERIFY(!QSettings().contains(TerminalView::FontSizeSetting));

    // Bounded both ways.
    f.view.setFontPointSize(TerminalView::MaxFontPointSize);
    f.view.increaseFontSize();
    QCOMPARE(f.view.fontPointSize(), TerminalView::MaxFontPointSize);
    f.view.setFontPointSize(TerminalView::MinFontPointSize);
    f.view.decreaseFontSize();
    QCOMPARE(f.view.fontPointSize(), TerminalView::MinFontPointSize);
    f.view.setFontPointSize(1000);
    QCOMPARE(f.view.fontPointSize(), TerminalView::MaxFontPointSize);
}

void TestTerminalView::zoomsWithKeys()
{
    Fixture f;
    f.view.show();
    f.view.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&f.view));
    f.view.setFocus();
    const int initial = f.view.fontPointSize();
    QTest::keyClick(&f.view, Qt::Key_Equal, Qt::ControlModifier);
    QCOMPARE(f.view.fontPointSize(), initial + 1);
    QTest::keyClick(&f.view, Qt::Key_Minus, Qt::ControlModifier);
    QTest::keyClick(&f.view, Qt::Key_Minus, Qt::ControlModifier);
    QCOMPARE(f.view.fontPointSize(), initial - 1);
    QTest::keyClick(&f.view, Qt::Key_0, Qt::ControlModifier);
    QCOMPARE(f.view.fontPointSize(), initial);

    QSignalSpy findRequested(&f.view, &TerminalView::findRequested);
    QTest::keyClick(&f.view, Qt::Key_F, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(findRequested.size(), 1);
}

void TestTerminalView::clears()
{
    Fixture f;
    f.view.show();
    f.output(QStringLiteral("one\ntwo\nthree"));
    f.view.flush();
    f.output(QStringLiteral(" unflushed"));
    QTest::keyClick(&f.view, Qt::Key_L, Qt::ControlModifier);
    QVERIFY(f.view.toPlainText().isEmpty());
    QCOMPARE(f.view.document()->blockCount(), 1);
    f.view.flush(); // nothing was left waiting
    QVERIFY(f.view.toPlainText().isEmpty());
    QVERIFY(f.view.atLineStart());
    f.output(QStringLiteral("after\n"));
    QCOMPARE(f.lines(), (QStringList{QStringLiteral("after"), QString()}));
}

void TestTerminalView::savesOutput()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Fixture f;
    f.output(esc("~[1;32mgreen~[0m line\n中文 line\nprogress 10%\rprogress 99%"));
    const QString path = dir.filePath(QStringLiteral("out.txt"));
    QVERIFY2(f.view.saveOutput(path), qPrintable(f.view.errorString()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), QStringLiteral("green line\n中文 line\nprogress 99%\n"));
}

void TestTerminalView::reportsSaveErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Fixture f;
    f.output(QStringLiteral("text\n"));
    QVERIFY(!f.view.saveOutput(dir.filePath(QStringLiteral("no/such/folder/out.txt"))));
    QVERIFY(!f.view.errorString().isEmpty());
}

void TestTerminalView::readsScrollbackSetting_data()
{
    QTest::addColumn<QVariant>("setting");
    QTest::addColumn<int>("expected");
    QTest::newRow("unset") << QVariant() << TerminalView::DefaultScrollbackLines;
    QTest::newRow("500") << QVariant(500) << 500;
    QTest::newRow("too small") << QVariant(5) << TerminalView::MinScrollbackLines;
    QTest::newRow("too large") << QVariant(1 << 30) << TerminalView::MaxScrollbackLines;
    QTest::newRow("garbage") << QVariant(QStringLiteral("lots")) << TerminalView::MinScrollbackLines;
}

void TestTerminalView::readsScrollbackSetting()
{
    QFETCH(QVariant, setting);
    QFETCH(int, expected);
    if (setting.isValid())
        QSettings().setValue(TerminalView::ScrollbackSetting, setting);
    Fixture f;
    QCOMPARE(f.view.scrollbackLines(), expected);
    QCOMPARE(f.view.document()->maximumBlockCount(), 0); // the pane trims by itself
}

void TestTerminalView::showsShortcutsInContextMenu()
{
    Fixture f;
    std::unique_ptr<QMenu> menu(f.view.createContextMenu());
    const auto shortcutOf = [&menu](TerminalView::Action which, TerminalView &view) -> QKeySequence {
        QAction *action = view.action(which);
        if (!menu->actions().contains(action))
            return {};
        return action->shortcut();
    };
    QCOMPARE(shortcutOf(TerminalView::Action::Copy, f.view), QKeySequence(QStringLiteral("Ctrl+Shift+C")));
    QCOMPARE(shortcutOf(TerminalView::Action::Find, f.view), QKeySequence(QStringLiteral("Ctrl+Shift+F")));
    QCOMPARE(shortcutOf(TerminalView::Action::Clear, f.view), QKeySequence(QStringLiteral("Ctrl+L")));
    QCOMPARE(shortcutOf(TerminalView::Action::ZoomIn, f.view), QKeySequence(QStringLiteral("Ctrl+=")));
    QCOMPARE(shortcutOf(TerminalView::Action::ZoomOut, f.view), QKeySequence(QStringLiteral("Ctrl+-")));
    QCOMPARE(shortcutOf(TerminalView::Action::ResetZoom, f.view), QKeySequence(QStringLiteral("Ctrl+0")));
    QCOMPARE(shortcutOf(TerminalView::Action::SelectAll, f.view), QKeySequence(QStringLiteral("Ctrl+Shift+A")));
    QVERIFY(menu->actions().contains(f.view.action(TerminalView::Action::SaveOutput)));
    QVERIFY(menu->actions().contains(f.view.action(TerminalView::Action::Scrollback)));
    // Copy is offered only with something to copy.
    QVERIFY(!f.view.action(TerminalView::Action::Copy)->isEnabled());
    f.output(QStringLiteral("some text"));
    f.view.flush();
    f.view.selectAll();
    QVERIFY(f.view.action(TerminalView::Action::Copy)->isEnabled());
}

void TestTerminalView::boundsFormats()
{
    // Every character in its own 24-bit colour: the document's format table
    // stops growing at the pane's limit.
    Fixture f;
    QString text;
    for (int i = 0; i < 3 * TerminalView::MaxFormats; ++i)
        text += esc("~[38;2;%1;%2;%3mx").arg(i & 0xff).arg(i >> 8 & 0xff).arg(7);
    f.output(text);
    f.view.flush();
    QCOMPARE(f.view.toPlainText().remove(QLatin1Char('\n')).size(), 3 * TerminalView::MaxFormats);
    QVERIFY(f.view.document()->allFormats().size() <= TerminalView::MaxFormats + 16);
}

void TestTerminalView::neutralisesControlsInOwnText()
{
    // Tincan's own lines may quote a peer: their controls do nothing.
    Fixture f;
    f.view.write(2, esc("peer said ~[2J\rboom\n"));
    const QString text = f.lines().first();
    QVERIFY(!text.contains(QChar(0x1b)));
    QVERIFY(text.startsWith(QStringLiteral("peer said ")));
    QVERIFY(text.endsWith(QStringLiteral("boom")));
}

QTEST_MAIN(TestTerminalView)
#include "tst_terminalview.moc"
