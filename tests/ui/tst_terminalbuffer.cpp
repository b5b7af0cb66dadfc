// TerminalBuffer on its own and fed by AnsiParser (no widgets): carriage
// return rewrites, backspace, tab, erase and cursor moves within the line,
// format runs, the scrollback bound on what waits for the pane, long lines,
// and floods.
#include "models/terminal/terminalbuffer.h"
#include "terminaltesthelpers.h"

#include <QTest>

using namespace Tincan;
using namespace Tincan::TestHelpers;

namespace {

// The update's text as lines, the open line last.
QStringList lines(const TerminalBuffer::Update &update)
{
    return update.text.split(QLatin1Char('\n'));
}

} // namespace

class TestTerminalBuffer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rewritesLines_data();
    void rewritesLines();
    void keepsFormatsPerCharacter();
    void rewritesOnlyTheOpenLineBetweenUpdates();
    void boundsWaitingLines();
    void boundsWaitingCharacters();
    void slicesUpdates_data();
    void slicesUpdates();
    void replacesAllAfterAFlood();
    void keepsTheFormatOfDroppedLines();
    void breaksEndlessLines();
    void keepsSurrogatePairsWhole();
    void finishesLines();
    void absorbsProgressFloods();
    void clears();
};

void TestTerminalBuffer::rewritesLines_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QStringList>("expected"); // finished lines, then the open line

    const auto row = [](const char *name, const char *input, const QStringList &expected) {
        QString text = QString::fromUtf8(input);
        text.replace(QLatin1Char('~'), QChar(0x1b));
        QTest::newRow(name) << text << expected;
    };
    row("plain", "one\ntwo", {QStringLiteral("one"), QStringLiteral("two")});
    row("progress bar", "a\r50%\r100%\n", {QStringLiteral("100%"), QString()});
    row("progress keeps the tail", "downloading 10%\rdownloading 9%", {QStringLiteral("downloading 9%%")});
    row("progress with erase", "downloading 10%\r~[Kdownloading 9%", {QStringLiteral("downloading 9%")});
    row("erase whole line", "abc~[2K\rX", {QStringLiteral("X")});
    row("erase line keeps column", "abc~[2KX", {QStringLiteral("   X")});
    row("erase to start", "abcdef~[3D~[1K", {QStringLiteral("    ef")});
    row("erase to end", "abcdef\r~[2C~[K", {QStringLiteral("ab")});
    row("crlf", "one\r\ntwo\r\n", {QStringLiteral("one"), QStringLiteral("two"), QString()});
    row("overwrite middle", "abcdef\rXY", {QStringLiteral("XYcdef")});
    row("overwrite past end", "ab\rWXYZ", {QStringLiteral("WXYZ")});
    row("backspace", "abc\b\bX", {QStringLiteral("aXc")});
    row("backspace at start", "\b\bab", {QStringLiteral("ab")});
    row("tab", "a\tb", {QStringLiteral("a       b")});
    row("tab at stop", "12345678\tX", {QStringLiteral("12345678        X")});
    row("tab over text", "abcdefghij\r\tX", {QStringLiteral("abcdefghXj")});
    row("cursor forward pads", "ab~[3CX", {QStringLiteral("ab   X")});
    row("cursor backward", "abcd~[2DX", {QStringLiteral("abXd")});
    row("cursor to column", "abcdef~[3GX", {QStringLiteral("abXdef")});
    row("cursor cannot leave the line", "ab~[99DX", {QStringLiteral("Xb")});
    row("spinner", "working |\b/\b-\b\\\bdone\n", {QStringLiteral("working done"), QString()});
    row("colours do not count", "~[32m50%~[0m\r~[1m100%~[0m", {QStringLiteral("100%")});
}

void TestTerminalBuffer::rewritesLines()
{
    QFETCH(QString, input);
    QFETCH(QStringList, expected);
    Screen screen;
    screen.feed(input);
    const TerminalBuffer::Update update = screen.buffer.takeUpdate();
    QCOMPARE(lines(update), expected);
    QCOMPARE(update.finishedLines, expected.size() - 1);
    QVERIFY(!update.replacesAll);

    // The same input one character at a time gives the same lines.
    Screen slow;
    for (QChar c : std::as_const(input))
        slow.feed(QStringView(&c, 1));
    QCOMPARE(lines(slow.buffer.takeUpdate()), expected);
}

void TestTerminalBuffer::keepsFormatsPerCharacter()
{
    Screen screen;
    screen.feed(QStringLiteral("plain \x1b[1;31mred\x1b[0m\rXX\x1b[4mU"));
    const TerminalBuffer::Update update = screen.buffer.takeUpdate();
    QCOMPARE(update.text, QStringLiteral("XXUin red"));
    const QStringList expected = {QStringLiteral("{}"),       QStringLiteral("{}"),       QStringLiteral("{u}"),
                                  QStringLiteral("{}"),       QStringLiteral("{}"),       QStringLiteral("{}"),
                                  QStringLiteral("{b,fg:1}"), QStringLiteral("{b,fg:1}"), QStringLiteral("{b,fg:1}")};
    for (qsizetype i = 0; i < update.text.size(); ++i)
        QCOMPARE(describe(screen.attributesAt(update, i)), expected.at(i));
    // Runs are ordered, start inside the text and never repeat a format.
    for (qsizetype i = 0; i < update.runs.size(); ++i) {
        QVERIFY(update.runs.at(i).start < update.text.size());
        if (i > 0) {
            QVERIFY(update.runs.at(i).start > update.runs.at(i - 1).start);
            QVERIFY(update.runs.at(i).format != update.runs.at(i - 1).format);
        }
    }
}

void TestTerminalBuffer::rewritesOnlyTheOpenLineBetweenUpdates()
{
    Screen screen;
    screen.feed(u"first\nprogress 1%");
    TerminalBuffer::Update update = screen.buffer.takeUpdate();
    QCOMPARE(update.text, QStringLiteral("first\nprogress 1%"));
    QVERIFY(!screen.buffer.hasUpdate());

    // Only the open line comes again, whole, as it must now look.
    screen.feed(u"\rprogress 2%");
    QVERIFY(screen.buffer.hasUpdate());
    update = screen.buffer.takeUpdate();
    QCOMPARE(update.finishedLines, 0);
    QCOMPARE(update.text, QStringLiteral("progress 2%"));

    screen.feed(u"\rprogress done\nnext");
    update = screen.buffer.takeUpdate();
    QCOMPARE(update.finishedLines, 1);
    QCOMPARE(update.text, QStringLiteral("progress done\nnext"));

    // Moving the cursor alone changes nothing on screen.
    screen.feed(u"\r");
    QVERIFY(!screen.buffer.hasUpdate());
}

void TestTerminalBuffer::boundsWaitingLines()
{
    constexpr qsizetype MaxLines = 100;
    TerminalBuffer buffer(MaxLines);
    for (int i = 1; i <= 100000; ++i) {
        buffer.write(QString::number(i), 0, 0);
        buffer.lineFeed();
        QVERIFY(buffer.pendingLines() <= MaxLines * 3 / 2);
    }
    const TerminalBuffer::Update update = buffer.takeUpdate();
    QVERIFY(update.replacesAll);
    QCOMPARE(update.finishedLines, MaxLines - 1);
    const QStringList shown = lines(update);
    QCOMPARE(shown.size(), MaxLines);
    QCOMPARE(shown.first(), QStringLiteral("99902"));
    QCOMPARE(shown.at(shown.size() - 2), QStringLiteral("100000"));
    QCOMPARE(shown.last(), QString());
    QCOMPARE(buffer.pendingLines(), 0);
}

void TestTerminalBuffer::boundsWaitingCharacters()
{
    // Few lines, but long ones: the character bound holds too, and what
    // waits is whole lines, the newest.
    constexpr qsizetype MaxCharacters = 100000;
    TerminalBuffer buffer(TerminalBuffer::DefaultMaxLines, MaxCharacters);
    QCOMPARE(buffer.maxCharacters(), MaxCharacters);
    const QString line(999, QLatin1Char('x'));
    for (int i = 0; i < 5000; ++i) {
        buffer.write(QString(QString::number(i % 10) + line), 0, 0);
        buffer.lineFeed();
        QVERIFY(buffer.pendingLines() * 1001 <= MaxCharacters * 3 / 2 + 1001);
    }
    const TerminalBuffer::Update update = buffer.takeUpdate();
    QVERIFY(update.replacesAll);
    QVERIFY(update.text.size() <= MaxCharacters);
    QCOMPARE(update.finishedLines, MaxCharacters / 1001);
    QCOMPARE(update.text.size(), update.finishedLines * 1001);
    QVERIFY(update.text.endsWith(QStringLiteral("9") + line + QLatin1Char('\n')));

    // A bound below one line still lets one line through.
    TerminalBuffer tiny(TerminalBuffer::DefaultMaxLines, 10);
    QCOMPARE(tiny.maxCharacters(), TerminalBuffer::MaxLineLength + 1);
}

void TestTerminalBuffer::slicesUpdates_data()
{
    QTest::addColumn<QString>("text"); // finished lines, then the open line
    QTest::addColumn<int>("maxLines");
    QTest::addColumn<int>("maxCharacters");
    QTest::addColumn<QList<qsizetype>>("slices"); // lines per slice, taking every finished line
    QTest::addColumn<int>("trailing");

    using Sizes = QList<qsizetype>;
    QTest::newRow("by lines") << QStringLiteral("a\nbb\nccc\nopen") << 2 << 100 << Sizes{2, 1} << 2;
    QTest::newRow("by characters") << QStringLiteral("a\nbb\nccc\nopen") << 10 << 6 << Sizes{2, 1} << 1;
    QTest::newRow("everything fits") << QStringLiteral("a\nbb\nccc\nopen") << 10 << 100 << Sizes{3} << 3;
    QTest::newRow("first line too long") << QStringLiteral("aaaaaaa\nb\n") << 10 << 3 << Sizes{1, 1} << 1;
    QTest::newRow("last line too long") << QStringLiteral("a\nbbbbbbb\n") << 10 << 3 << Sizes{1, 1} << 0;
    QTest::newRow("empty lines") << QStringLiteral("\n\n\nx") << 2 << 100 << Sizes{2, 1} << 2;
    QTest::newRow("no finished line") << QStringLiteral("open") << 10 << 100 << Sizes{} << 0;
}

void TestTerminalBuffer::slicesUpdates()
{
    QFETCH(QString, text);
    QFETCH(int, maxLines);
    QFETCH(int, maxCharacters);
    QFETCH(QList<qsizetype>, slices);
    QFETCH(int, trailing);

    // Through a real screen, with a colour change in the middle of a line.
    Screen screen;
    const qsizetype middle = text.size() / 2;
    screen.feed(QStringView(text).first(middle));
    screen.feed(u"\x1b[31m");
    screen.feed(QStringView(text).sliced(middle));
    const TerminalBuffer::Update whole = screen.buffer.takeUpdate();
    QCOMPARE(whole.text, text);
    QCOMPARE(TerminalBuffer::trailingLines(whole, maxLines, maxCharacters), trailing);

    // Every line, sliced; then all but the trailing ones.
    for (const qsizetype take : {whole.finishedLines, whole.finishedLines - trailing}) {
        TerminalBuffer::Update rest = whole;
        const QList<TerminalBuffer::Update> taken
            = TerminalBuffer::takeLeadingLines(rest, take, maxLines, maxCharacters);
        QString joined;
        QList<qsizetype> sizes;
        for (const TerminalBuffer::Update &slice : taken) {
            sizes.append(slice.finishedLines);
            QCOMPARE(slice.text.count(QLatin1Char('\n')), slice.finishedLines);
            QVERIFY(slice.text.endsWith(QLatin1Char('\n')));
            // Every character keeps its look.
            for (qsizetype i = 0; i < slice.text.size(); ++i) {
                if (slice.text.at(i) != QLatin1Char('\n')) { // a line break's look does not matter
                    QCOMPARE(describe(screen.attributesAt(slice, i)),
                             describe(screen.attributesAt(whole, joined.size() + i)));
                }
            }
            joined += slice.text;
        }
        if (take == whole.finishedLines)
            QCOMPARE(sizes, slices);
        QCOMPARE(rest.finishedLines, whole.finishedLines - take);
        QCOMPARE(joined + rest.text, whole.text);
        for (qsizetype i = 0; i < rest.text.size(); ++i) {
            if (rest.text.at(i) != QLatin1Char('\n'))
                QCOMPARE(describe(screen.attributesAt(rest, i)),
                         describe(screen.attributesAt(whole, joined.size() + i)));
        }
    }
}

void TestTerminalBuffer::replacesAllAfterAFlood()
{
    TerminalBuffer buffer(10);
    buffer.write(u"a", 0, 0);
    buffer.lineFeed();
    buffer.write(u"b", 0, 0);
    buffer.lineFeed();
    TerminalBuffer::Update update = buffer.takeUpdate();
    QVERIFY(!update.replacesAll);

    // Fewer lines than the pane holds: added below what it shows.
    for (int i = 0; i < 8; ++i)
        buffer.lineFeed();
    update = buffer.takeUpdate();
    QVERIFY(!update.replacesAll);
    QCOMPARE(update.finishedLines, 8);

    // As many as the pane holds besides its open line: nothing old would stay.
    for (int i = 0; i < 9; ++i)
        buffer.lineFeed();
    update = buffer.takeUpdate();
    QVERIFY(update.replacesAll);
    QCOMPARE(update.finishedLines, 9);

    // A smaller scrollback drops what waits beyond it.
    for (int i = 0; i < 8; ++i)
        buffer.lineFeed();
    buffer.setMaxLines(5);
    update = buffer.takeUpdate();
    QVERIFY(update.replacesAll);
    QCOMPARE(update.finishedLines, 4);
}

void TestTerminalBuffer::keepsTheFormatOfDroppedLines()
{
    // A colour set long ago, on lines that were dropped, still colours the
    // lines that remain.
    Screen screen(10);
    screen.feed(u"\x1b[32mgreen start");
    for (int i = 0; i < 100; ++i)
        screen.feed(QStringLiteral("\nline %1").arg(i));
    screen.feed(u"\n");
    const TerminalBuffer::Update update = screen.buffer.takeUpdate();
    QVERIFY(update.replacesAll);
    QCOMPARE(update.runs.size(), 1);
    QCOMPARE(update.runs.first().start, 0);
    QCOMPARE(describe(screen.attributesAt(update, 0)), QStringLiteral("{fg:2}"));
    QCOMPARE(lines(update).first(), QStringLiteral("line 91"));
}

void TestTerminalBuffer::breaksEndlessLines()
{
    TerminalBuffer buffer;
    const qsizetype total = 2 * TerminalBuffer::MaxLineLength + 100;
    const QString endless(total, QLatin1Char('x'));
    for (qsizetype at = 0; at < total; at += 1000)
        buffer.write(QStringView(endless).sliced(at, std::min<qsizetype>(1000, total - at)), 0, 0);
    QCOMPARE(buffer.openLine().size(), 100);
    const QStringList shown = lines(buffer.takeUpdate());
    QCOMPARE(shown.size(), 3);
    QCOMPARE(shown.at(0).size(), TerminalBuffer::MaxLineLength);
    QCOMPARE(shown.at(1).size(), TerminalBuffer::MaxLineLength);
    QCOMPARE(shown.at(2).size(), 100);

    // A tab or cursor move cannot push the line past the limit either.
    TerminalBuffer moved;
    moved.setColumn(TerminalBuffer::MaxLineLength + 50);
    moved.tab(0);
    moved.write(u"X", 0, 0);
    QCOMPARE(moved.openLine(), QStringLiteral("X"));
    QCOMPARE(moved.pendingLines(), 1);
}

void TestTerminalBuffer::keepsSurrogatePairsWhole()
{
    Screen screen;
    screen.feed(QStringLiteral("a😀b\b\bX"));
    QCOMPARE(screen.buffer.openLine(), QStringLiteral("aXb"));
    screen.feed(QStringLiteral("\r😀😀"));
    QCOMPARE(screen.buffer.openLine(), QStringLiteral("😀😀"));
    screen.feed(QStringLiteral("\rZ"));
    QCOMPARE(screen.buffer.openLine(), QStringLiteral("Z😀"));

    // Wrapping at the line limit never splits a pair.
    TerminalBuffer buffer;
    buffer.write(QString(TerminalBuffer::MaxLineLength - 1, QLatin1Char('x')), 0, 0);
    buffer.write(QStringLiteral("😀"), 0, 0);
    const QStringList shown = lines(buffer.takeUpdate());
    QCOMPARE(shown.size(), 2);
    QCOMPARE(shown.at(0).size(), TerminalBuffer::MaxLineLength - 1);
    QCOMPARE(shown.at(1), QStringLiteral("😀"));
}

void TestTerminalBuffer::finishesLines()
{
    TerminalBuffer buffer;
    buffer.finishLine();
    QCOMPARE(buffer.pendingLines(), 0);
    buffer.write(u"50%", 0, 0);
    buffer.carriageReturn();
    QVERIFY(!buffer.atLineStart());
    buffer.finishLine(); // the progress line stays, the next text goes below it
    buffer.write(u"done", 1, 1);
    QCOMPARE(lines(buffer.takeUpdate()), (QStringList{QStringLiteral("50%"), QStringLiteral("done")}));

    // An erased line is an empty one: nothing to finish, and column 0 again.
    buffer.write(u"abc", 0, 0);
    buffer.erase(TerminalBuffer::Erase::Line, 0);
    buffer.finishLine();
    buffer.write(u"x", 0, 0);
    QCOMPARE(lines(buffer.takeUpdate()), (QStringList{QStringLiteral("x")}));
}

void TestTerminalBuffer::absorbsProgressFloods()
{
    // A million progress updates between two repaints cost one line.
    constexpr int Updates = 1000000;
    Screen screen;
    for (int i = 0; i < Updates; ++i)
        screen.feed(QStringLiteral("\r%1%").arg(qint64(i) * 100 / (Updates - 1), 3));
    QCOMPARE(screen.buffer.pendingLines(), 0);
    const TerminalBuffer::Update update = screen.buffer.takeUpdate();
    QCOMPARE(update.text, QStringLiteral("100%"));
}

void TestTerminalBuffer::clears()
{
    TerminalBuffer buffer;
    buffer.write(u"one", 0, 0);
    buffer.lineFeed();
    buffer.write(u"two", 0, 0);
    buffer.clear();
    QVERIFY(!buffer.hasUpdate());
    QVERIFY(buffer.atLineStart());
    QCOMPARE(buffer.column(), 0);
    buffer.write(u"four", 0, 0);
    QCOMPARE(buffer.takeUpdate().text, QStringLiteral("four"));
}

QTEST_GUILESS_MAIN(TestTerminalBuffer)
#include "tst_terminalbuffer.moc"
