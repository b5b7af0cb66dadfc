// AnsiParser on its own (no widgets): SGR attributes, the controls a
// scrollback pane honours, every other sequence dropped without a trace,
// sequences cut at any point between chunks, real `ls` and `grep` output, and
// hostile streams. Expectations use the notation of terminaltesthelpers.h.
#include "models/terminal/ansiparser.h"
#include "terminaltesthelpers.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTest>

#include <type_traits>

using namespace Tincan;
using namespace Tincan::TestHelpers;

// The parser keeps no heap memory at all, so no input can make it grow.
static_assert(std::is_trivially_destructible_v<AnsiParser>);

namespace {

QString esc(const char *text)
{
    QString result = QString::fromUtf8(text);
    result.replace(QLatin1Char('~'), QChar(0x1b)); // ~ stands for ESC in the tables
    return result;
}

QByteArray fixture(const char *name)
{
    QFile file(QStringLiteral(TINCAN_TERMINAL_DATA "/") + QLatin1StringView(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// A stream mixing every kind of thing the parser handles.
QString mixedStream()
{
    return esc("plain ~[1;31mred~[0m ~[38;5;208morange~[39m ~[48;2;10;20;30mbg~[m\r\n"
               "~]0;title\a~]8;;http://example.com~\\link~]8;;~\\ ~P1$r0m~\\~[?25l~[2J~[10;20H"
               "a\tb\bc\x07~[K~[3C~[2D~[5G~(B~7~8~[38:2::1:2:3mcolon~[4:3mcurly~[4:0mnone~[m ")
        + QStringLiteral("中文 😀 end\n");
}

} // namespace

class TestAnsiParser final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data();
    void parses();
    void splitsAnywhere_data();
    void splitsAnywhere();
    void replaysLsColorOutput();
    void replaysGrepColorOutput();
    void endsInsideSequence();
    void resets();
    void survivesOverlongParameters();
    void survivesTooManyParameters();
    void survivesEndlessStrings_data();
    void survivesEndlessStrings();
    void survivesRandomInput();
};

void TestAnsiParser::parses_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");

    const auto row = [](const char *name, const char *input, const char *expected) {
        QTest::newRow(name) << esc(input) << QString::fromUtf8(expected);
    };

    // SGR: flags and their off codes.
    row("plain text", "hello, world", "hello, world");
    row("reset", "~[1mA~[0mB", "{b}A{}B");
    row("empty is reset", "~[1mA~[mB", "{b}A{}B");
    row("empty parameter is 0", "~[1;;4mA", "{u}A");
    row("leading empty parameter", "~[1mA~[;4mB", "{b}A{u}B");
    row("bold", "~[1mA", "{b}A");
    row("faint", "~[2mA", "{f}A");
    row("italic", "~[3mA", "{i}A");
    row("underline", "~[4mA", "{u}A");
    row("inverse", "~[7mA", "{r}A");
    row("strikeout", "~[9mA", "{s}A");
    row("double underline", "~[21mA", "{u}A");
    row("22 ends bold and faint", "~[1;2mA~[22mB", "{b,f}A{}B");
    row("23 ends italic", "~[3;1mA~[23mB", "{b,i}A{b}B");
    row("24 ends underline", "~[4mA~[24mB", "{u}A{}B");
    row("27 ends inverse", "~[7mA~[27mB", "{r}A{}B");
    row("29 ends strikeout", "~[9mA~[29mB", "{s}A{}B");
    row("attributes accumulate", "~[1mA~[4mB~[31mC", "{b}A{b,u}B{b,u,fg:1}C");
    row("unknown codes change nothing", "~[5;8;53;73mA", "A");

    // Colours.
    row("fg 30", "~[30mA", "{fg:0}A");
    row("fg 37", "~[37mA", "{fg:7}A");
    row("fg 90", "~[90mA", "{fg:8}A");
    row("fg 97", "~[97mA", "{fg:15}A");
    row("bg 40", "~[40mA", "{bg:0}A");
    row("bg 47", "~[47mA", "{bg:7}A");
    row("bg 100", "~[100mA", "{bg:8}A");
    row("bg 107", "~[107mA", "{bg:15}A");
    row("39 default fg", "~[31;42mA~[39mB", "{fg:1,bg:2}A{bg:2}B");
    row("49 default bg", "~[31;42mA~[49mB", "{fg:1,bg:2}A{fg:1}B");
    row("256 fg", "~[38;5;208mA", "{fg:208}A");
    row("256 bg", "~[48;5;21mA", "{bg:21}A");
    row("256 index 0", "~[38;5;0mA", "{fg:0}A");
    row("256 index 255", "~[38;5;255mA", "{fg:255}A");
    row("24-bit fg", "~[38;2;255;128;0mA", "{fg:#ff8000}A");
    row("24-bit bg", "~[48;2;1;2;3mA", "{bg:#010203}A");
    row("colon 256", "~[38:5:196mA", "{fg:196}A");
    row("colon 24-bit with colour space", "~[38:2::10:20:30mA", "{fg:#0a141e}A");
    row("colon 24-bit without colour space", "~[48:2:10:20:30mA", "{bg:#0a141e}A");
    row("colon underline style", "~[4:3mA~[4:0mB", "{u}A{}B");
    row("colours then flags", "~[1;38;5;10;48;2;1;2;3;4mA", "{b,u,fg:10,bg:#010203}A");
    row("index out of range ignored", "~[38;5;300;1mA", "{b}A");
    row("channel out of range ignored", "~[38;2;1;256;3;1mA", "{b}A");
    row("truncated 256 colour", "~[1;38;5mA", "{b}A");
    row("truncated 24-bit colour", "~[1;38;2;1;2mA", "{b}A");
    row("unknown colour kind stops", "~[1;38;7;4mA", "{b}A");
    row("underline colour read, not shown", "~[58;5;1;1mA", "{b}A");
    row("private marker is not SGR", "~[>4;1mA", "A");
    row("intermediate is not SGR", "~[1 mA", "A");

    // Controls.
    row("line feed", "a\nb", "a<LF>b");
    row("vertical tab and form feed", "a\vb\fc", "a<LF>b<LF>c");
    row("carriage return", "a\rb", "a<CR>b");
    row("crlf", "a\r\nb", "a<CR><LF>b");
    row("backspace", "ab\bc", "ab<BS>c");
    row("tab", "a\tb", "a<TAB>b");
    row("bell ignored", "a\ab", "ab");
    row("other C0 dropped",
        "a\x01\x02\x0e\x0f\x1c\x7f"
        "b",
        "ab");
    row("erase to end", "a~[Kb~[0Kc", "a<EL0>b<EL0>c");
    row("erase to start", "a~[1Kb", "a<EL1>b");
    row("erase line", "a~[2Kb", "a<EL2>b");
    row("erase display dropped", "a~[3Kb~[2Jc", "abc");
    row("cursor forward", "a~[Cb~[0Cc~[12Cd", "a<CUF1>b<CUF1>c<CUF12>d");
    row("cursor backward", "a~[3Db", "a<CUB3>b");
    row("cursor to column", "a~[Gb~[40Gc", "a<CHA1>b<CHA40>c");
    row("C0 inside CSI acts", "~[3\n1mA", "<LF>{fg:1}A");
    row("C0 inside ESC acts", "~\r[1mA", "<CR>{b}A");

    // Dropped without a trace.
    row("cursor position", "a~[10;20Hb", "ab");
    row("clear screen", "~[H~[2Ja", "a");
    row("alternate screen", "~[?1049ha~[?1049l", "a");
    row("hide cursor", "~[?25la~[?25h", "a");
    row("device attributes", "~[>ca~[c", "a");
    row("cursor style", "a~[2 qb", "ab");
    row("soft reset", "a~[!pb", "ab");
    row("scroll region", "a~[1;24rb", "ab");
    row("osc title bel", "a~]0;my title\ab", "ab");
    row("osc title st", "a~]2;my title~\\b", "ab");
    row("osc title c1 st",
        "a~]0;t\xc2\x9c"
        "b",
        "ab");
    row("osc hyperlink", "~]8;;http://example.com/~\\link~]8;;~\\", "link");
    row("osc colour query", "a~]11;?\ab", "ab");
    row("osc ended by new sequence", "~]0;t~[1mA", "{b}A");
    row("dcs", "a~P1$r0m~\\b", "ab");
    row("dcs ignores bel", "a~Px\ay~\\b", "ab");
    row("apc", "a~_Gf=100;AAAA~\\b", "ab");
    row("pm and sos", "a~^x~\\b~Xy~\\c", "abc");
    row("esc save restore", "a~7b~8c", "abc");
    row("esc keypad", "a~=b~>c", "abc");
    row("esc index", "a~Mb~Dc~Ed", "abcd");
    row("charset", "a~(Bb~)0c~%Gd", "abcd");
    row("dec line", "a~#8b", "ab");
    row("RIS resets attributes", "~[1mA~cB", "{b}A{}B");
    row("ESC ESC", "~~[1mA", "{b}A");
    row("CAN aborts", "~[31\x18X", "X");
    row("SUB aborts", "~]0;t\x1aX", "X");
    row("ESC restarts CSI", "~[31~[32mX", "{fg:2}X");
    row("DEL inside CSI ignored",
        "~[3\x7f"
        "1mX",
        "{fg:1}X");
    row("C1 controls dropped",
        "a\xc2\x9b"
        "31mb\xc2\x85"
        "c",
        "a31mbc");
    row("non-ASCII after ESC shows", "~中", "中");
    row("non-ASCII inside CSI shows", "~[3中", "中");
    row("CSI ignore ends at final", "~[1;2;3$$$$mX", "X");
    row("digits after intermediate", "~[1 2mX", "X");
    row("marker after digits", "~[1?mX", "X");

    row("wide text", "中文 😀", "中文 😀");
}

void TestAnsiParser::parses()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(parsed(input), expected);
}

void TestAnsiParser::splitsAnywhere_data()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("mixed") << mixedStream();
    QTest::newRow("sgr") << esc("~[1;38;2;255;128;0;48;5;21mX~[0m");
    QTest::newRow("osc st") << esc("a~]0;title~\\b");
    QTest::newRow("dcs st") << esc("a~P1$r0m~\\b");
    QTest::newRow("ls") << QString::fromUtf8(fixture("ls-color.txt"));
    QTest::newRow("grep") << QString::fromUtf8(fixture("grep-color.txt"));
}

void TestAnsiParser::splitsAnywhere()
{
    QFETCH(QString, input);
    QVERIFY(!input.isEmpty());
    AnsiParser whole;
    RecordingSink expected;
    whole.feed(input, expected);

    for (qsizetype cut = 1; cut < input.size(); ++cut) {
        AnsiParser parser;
        RecordingSink sink;
        parser.feed(QStringView(input).first(cut), sink);
        parser.feed(QStringView(input).sliced(cut), sink);
        QVERIFY2(sink.events == expected.events,
                 qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(sink.described())));
    }
    // One character at a time: every sequence split at every position.
    AnsiParser parser;
    RecordingSink sink;
    for (qsizetype i = 0; i < input.size(); ++i)
        parser.feed(QStringView(input).sliced(i, 1), sink);
    QCOMPARE(sink.described(), expected.described());
}

void TestAnsiParser::replaysLsColorOutput()
{
    const QString colored = QString::fromUtf8(fixture("ls-color.txt"));
    const QString plain = QString::fromUtf8(fixture("ls-plain.txt"));
    QVERIFY(!colored.isEmpty());
    QVERIFY(!plain.isEmpty());

    AnsiParser parser;
    RecordingSink sink;
    parser.feed(colored, sink);
    QCOMPARE(sink.plainText(), plain);
    const QString described = sink.described();
    // dircolors' defaults: directories bold blue, links bold cyan, orphaned
    // links bold red on black, executables bold green, archives bold red,
    // images bold magenta, plain files uncoloured.
    QCOMPARE(described,
             QStringLiteral("{b,fg:1,bg:0}dangling<LF>{b,fg:4}docs<LF>{b,fg:6}link<LF>{}notes.txt<LF>"
                            "{b,fg:1}pack.tar.gz<LF>{b,fg:5}pic.png<LF>{b,fg:2}run.sh<LF>"));
    QVERIFY(!described.contains(QChar(0x1b)));
}

void TestAnsiParser::replaysGrepColorOutput()
{
    const QString colored = QString::fromUtf8(fixture("grep-color.txt"));
    const QString plain = QString::fromUtf8(fixture("grep-plain.txt"));
    QVERIFY(!colored.isEmpty());

    AnsiParser parser;
    RecordingSink sink;
    parser.feed(colored, sink);
    QCOMPARE(sink.plainText(), plain);
    // grep: line numbers green, separators cyan, matches bold red, each
    // coloured piece followed by erase-to-end-of-line.
    QCOMPARE(sink.described(),
             QStringLiteral("<EL0>{fg:2}2<EL0><EL0>{fg:6}:<EL0>{}an <EL0>{b,fg:1}error<EL0>{} here<LF>"
                            "<EL0>{fg:2}4<EL0><EL0>{fg:6}:<EL0><EL0>{b,fg:1}error<EL0>{}: twice, "
                            "<EL0>{b,fg:1}error<EL0><LF>"));

    // On a screen, those erases at the end of the line remove nothing.
    Screen screen;
    screen.feed(colored);
    const TerminalBuffer::Update update = screen.buffer.takeUpdate();
    QCOMPARE(update.text, plain);
    const qsizetype match = update.text.indexOf(QStringLiteral("error"));
    QCOMPARE(describe(screen.attributesAt(update, match)), QStringLiteral("{b,fg:1}"));
    QCOMPARE(describe(screen.attributesAt(update, match - 1)), QStringLiteral("{}"));
    QCOMPARE(describe(screen.attributesAt(update, 0)), QStringLiteral("{fg:2}"));
    QCOMPARE(describe(screen.attributesAt(update, 1)), QStringLiteral("{fg:6}"));
}

void TestAnsiParser::endsInsideSequence()
{
    AnsiParser parser;
    RecordingSink sink;
    parser.feed(esc("abc~"), sink);
    QVERIFY(parser.inSequence());
    QCOMPARE(sink.described(), QStringLiteral("abc"));
    parser.feed(esc("[1"), sink);
    QVERIFY(parser.inSequence());
    parser.feed(esc("mX"), sink);
    QVERIFY(!parser.inSequence());
    QCOMPARE(sink.described(), QStringLiteral("abc{b}X"));
}

void TestAnsiParser::resets()
{
    AnsiParser parser;
    RecordingSink sink;
    parser.feed(esc("~[1;31mA~]0;unfinished"), sink);
    QVERIFY(parser.inSequence());
    parser.reset();
    QVERIFY(!parser.inSequence());
    QVERIFY(parser.attributes().isDefault());
    parser.feed(u"B", sink);
    QCOMPARE(sink.described(), QStringLiteral("{b,fg:1}A{}B"));
}

void TestAnsiParser::survivesOverlongParameters()
{
    // A million digits: consumed in constant memory, and the saturated
    // sequence is ignored rather than applied.
    const QString hostile = esc("~[1mA~[") + QString(1000000, QLatin1Char('9')) + esc("mB~[0mC");
    QCOMPARE(parsed(hostile), QStringLiteral("{b}AB{}C"));
    // The same without a final byte for a while, then text: letters end it.
    const QString unfinished = esc("~[") + QString(1000000, QLatin1Char('1')) + QStringLiteral("Xafter");
    QCOMPARE(parsed(unfinished), QStringLiteral("after"));
    // The largest value that fits is still a value.
    QCOMPARE(parsed(esc("~[65535CX")), QStringLiteral("<CUF65535>X"));
    QCOMPARE(parsed(esc("~[65536CX")), QStringLiteral("X"));
}

void TestAnsiParser::survivesTooManyParameters()
{
    QString many = esc("~[");
    for (int i = 0; i < 100000; ++i)
        many += QStringLiteral("1;");
    many += esc("4mA~[1mB");
    QCOMPARE(parsed(many), QStringLiteral("A{b}B"));

    // Exactly MaxParameters is fine.
    QString limit = esc("~[");
    for (int i = 0; i < AnsiParser::MaxParameters - 1; ++i)
        limit += QStringLiteral("0;");
    limit += esc("1mA");
    QCOMPARE(parsed(limit), QStringLiteral("{b}A"));
}

void TestAnsiParser::survivesEndlessStrings_data()
{
    QTest::addColumn<QString>("opening");
    QTest::addColumn<QString>("closing");
    QTest::newRow("osc bel") << esc("~]0;") << QStringLiteral("\a");
    QTest::newRow("osc st") << esc("~]52;c;") << esc("~\\");
    QTest::newRow("dcs") << esc("~P") << esc("~\\");
    QTest::newRow("apc") << esc("~_") << esc("~\\");
}

void TestAnsiParser::survivesEndlessStrings()
{
    QFETCH(QString, opening);
    QFETCH(QString, closing);
    AnsiParser parser;
    RecordingSink sink;
    parser.feed(QStringLiteral("before"), sink);
    parser.feed(opening, sink);
    const QString filler(64 * 1024, QLatin1Char('x'));
    for (int i = 0; i < 16; ++i) // 1 MiB of string contents, kept nowhere
        parser.feed(filler, sink);
    QVERIFY(parser.inSequence());
    parser.feed(QString(closing + QStringLiteral("after")), sink);
    QCOMPARE(sink.described(), QStringLiteral("beforeafter"));
}

void TestAnsiParser::survivesRandomInput()
{
    // Random streams built from the characters that matter most; fed whole
    // and in random chunks they must give the same record, and no control
    // character may ever come out as text.
    const QString alphabet
        = esc("~~~[[]]\\;;:0123456789mKCDGHJ?>P_^X \a\b\t\n\r\x18\x1a\x7f") + QStringLiteral("a中\u009b\u009c😀");
    QRandomGenerator random(20240601);
    for (int round = 0; round < 50; ++round) {
        QString input;
        const int length = 2000 + random.bounded(2000);
        for (int i = 0; i < length; ++i)
            input += alphabet.at(random.bounded(int(alphabet.size())));

        AnsiParser whole;
        RecordingSink expected;
        whole.feed(input, expected);
        for (const RecordingSink::Event &event : std::as_const(expected.events)) {
            for (QChar c : event.text) {
                const char16_t u = c.unicode();
                QVERIFY2(u >= 0x20 && u != 0x7f && (u < 0x80 || u >= 0xa0),
                         qPrintable(QStringLiteral("control U+%1 shown as text").arg(u, 4, 16, QLatin1Char('0'))));
            }
        }

        AnsiParser chunked;
        RecordingSink sink;
        qsizetype at = 0;
        while (at < input.size()) {
            const qsizetype size = std::min<qsizetype>(1 + random.bounded(40), input.size() - at);
            chunked.feed(QStringView(input).sliced(at, size), sink);
            at += size;
        }
        QVERIFY2(sink.events == expected.events, qPrintable(QStringLiteral("round %1").arg(round)));
    }
}

QTEST_GUILESS_MAIN(TestAnsiParser)
#include "tst_ansiparser.moc"
