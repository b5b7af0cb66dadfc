// TerminalView's output: styles and formats, buffering what is written, and
// writing it to the document frame by frame within the scrollback. Its
// commands are in terminalviewcommands.cpp, find in terminalviewfind.cpp.
#include "ui/terminal/terminalview.h"

#include "models/terminal/terminalpalette.h"

#include <QFontDatabase>
#include <QScrollBar>
#include <QSettings>
#include <QTextBlock>

#include <algorithm>
#include <optional>

namespace Tincan {

namespace {

// The fixed font's size when the system gives it in pixels.
constexpr int FallbackPointSize = 10;
// Tincan's own text may quote a peer (an error message): no control
// character of it may act on the pane.
QString printable(QStringView text)
{
    QString result = text.toString();
    for (QChar &c : result) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || (c.unicode() >= 0x80 && c.unicode() < 0xa0))
            c = QChar::ReplacementCharacter;
    }
    return result;
}

} // namespace

// Feeds what the parser finds into the buffer, in one style.
class TerminalView::OutputSink final : public AnsiParser::Sink
{
public:
    OutputSink(TerminalView &view, int style)
        : m_view(view)
        , m_style(style)
        , m_blank(view.m_styleIds.value(style))
    {
    }

    void text(QStringView text, const TextAttributes &attributes) override
    {
        m_view.m_buffer.write(text, m_view.formatId(m_style, attributes), m_blank);
    }

    void control(AnsiParser::Control control, int count) override { m_view.m_buffer.apply(control, count, m_blank); }

private:
    TerminalView &m_view;
    int m_style;
    TerminalBuffer::FormatId m_blank;
};

TerminalView::TerminalView(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setUndoRedoEnabled(false);
    setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    setFrameShape(QFrame::NoFrame);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setContextMenuPolicy(Qt::DefaultContextMenu);

    QPalette colors = palette();
    for (QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive}) {
        colors.setColor(group, QPalette::Base, QColor(Background));
        colors.setColor(group, QPalette::Text, QColor(Foreground));
        colors.setColor(group, QPalette::Highlight, QColor(SelectionBackground));
        colors.setColor(group, QPalette::HighlightedText, QColor(SelectionForeground));
    }
    setPalette(colors);

    const QSettings settings;
    QFont fixedFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_defaultPointSize = fixedFont.pointSize() > 0 ? fixedFont.pointSize() : FallbackPointSize;
    const int savedSize = settings.value(FontSizeSetting, m_defaultPointSize).toInt();
    fixedFont.setPointSize(std::clamp(savedSize, MinFontPointSize, MaxFontPointSize));
    setFont(fixedFont);
    setScrollbackLines(settings.value(ScrollbackSetting, DefaultScrollbackLines).toInt());

    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] { flushOutput(false); });
    m_findRefreshTimer.setSingleShot(true);
    m_findRefreshTimer.setInterval(FindRefreshInterval);
    connect(&m_findRefreshTimer, &QTimer::timeout, this, &TerminalView::refreshMatches);

    QScrollBar *bar = verticalScrollBar();
    connect(bar, &QScrollBar::valueChanged, this, &TerminalView::onScrolled);
    connect(bar, &QScrollBar::rangeChanged, this, &TerminalView::onRangeChanged);

    createActions();
}

TerminalView::~TerminalView() = default;

int TerminalView::addStyle(const QTextCharFormat &format)
{
    m_styleIds.append(TerminalBuffer::FormatId(m_formats.size()));
    m_formats.append(format);
    return int(m_styleIds.size() - 1);
}

TerminalBuffer::FormatId TerminalView::formatId(int style, const TextAttributes &attributes)
{
    if (attributes.isDefault())
        return m_styleIds.value(style);
    const FormatKey key{style, attributes};
    if (m_hasLastKey && key == m_lastKey)
        return m_lastId;
    TerminalBuffer::FormatId id = 0;
    if (const auto it = m_formatIds.constFind(key); it != m_formatIds.cend()) {
        id = *it;
    } else if (m_formats.size() >= MaxFormats) {
        id = m_styleIds.value(style);
    } else {
        id = TerminalBuffer::FormatId(m_formats.size());
        m_formats.append(makeFormat(style, attributes));
        m_formatIds.insert(key, id);
    }
    m_lastKey = key;
    m_lastId = id;
    m_hasLastKey = true;
    return id;
}

QTextCharFormat TerminalView::makeFormat(int style, const TextAttributes &attributes) const
{
    QTextCharFormat format = m_formats.value(m_styleIds.value(style));
    const QColor styleForeground
        = format.foreground().style() != Qt::NoBrush ? format.foreground().color() : QColor(Foreground);
    const QColor styleBackground
        = format.background().style() != Qt::NoBrush ? format.background().color() : QColor(Background);
    QColor foreground = TerminalPalette::resolve(attributes.foreground, styleForeground);
    QColor background;
    if (!attributes.background.isDefault())
        background = TerminalPalette::resolve(attributes.background, styleBackground);
    if (attributes.has(TextAttributes::Inverse)) {
        const QColor swapped = foreground;
        foreground = background.isValid() ? background : styleBackground;
        background = swapped;
    }
    const QColor shownBackground = background.isValid() ? background : styleBackground;
    foreground = TerminalPalette::readable(foreground, shownBackground);
    if (attributes.has(TextAttributes::Faint))
        foreground = TerminalPalette::blend(foreground, shownBackground, TerminalPalette::FaintBlend);
    format.setForeground(foreground);
    if (background.isValid())
        format.setBackground(background);
    if (attributes.has(TextAttributes::Bold))
        format.setFontWeight(QFont::Bold);
    if (attributes.has(TextAttributes::Italic))
        format.setFontItalic(true);
    if (attributes.has(TextAttributes::Underline))
        format.setFontUnderline(true);
    if (attributes.has(TextAttributes::Strikeout))
        format.setFontStrikeOut(true);
    return format;
}

void TerminalView::write(int style, QStringView text)
{
    const TerminalBuffer::FormatId id = m_styleIds.value(style);
    while (!text.isEmpty()) {
        const qsizetype newline = text.indexOf(QLatin1Char('\n'));
        const QStringView line = newline < 0 ? text : text.first(newline);
        if (!line.isEmpty())
            m_buffer.write(printable(line), id, id);
        if (newline < 0)
            break;
        m_buffer.lineFeed();
        text = text.sliced(newline + 1);
    }
    scheduleFlush();
}

void TerminalView::writeOutput(AnsiParser &parser, int style, QStringView text)
{
    OutputSink sink(*this, style);
    parser.feed(text, sink);
    scheduleFlush();
}

void TerminalView::startNewLine()
{
    const bool wasAtStart = m_buffer.atLineStart();
    m_buffer.finishLine();
    if (!wasAtStart)
        scheduleFlush();
}

void TerminalView::setScrollbackLines(int lines)
{
    m_scrollbackLines = std::clamp(lines, MinScrollbackLines, MaxScrollbackLines);
    m_buffer.setMaxLines(m_scrollbackLines);
    QTextCursor cursor(document());
    cursor.beginEditBlock();
    trimScrollback();
    cursor.endEditBlock();
}

void TerminalView::trimScrollback()
{
    // QTextDocument's own maximumBlockCount lays out every block it removes
    // (it walks them with a cursor), which costs more than all the rest of a
    // flush together; cutting by position inside an edit block lays out
    // nothing.
    QTextDocument *document = this->document();
    int cut = 0;
    if (const int excess = document->blockCount() - m_scrollbackLines; excess > 0)
        cut = document->findBlockByNumber(excess).position();
    if (const int excess = document->characterCount() - int(MaxScrollbackCharacters); excess > cut) {
        const QTextBlock block = document->findBlock(excess);
        cut = block.position() < excess && block.next().isValid() ? block.next().position() : block.position();
    }
    if (cut <= 0)
        return;
    QTextCursor trim(document);
    trim.setPosition(0);
    trim.setPosition(cut, QTextCursor::KeepAnchor);
    trim.removeSelectedText();
}

void TerminalView::scheduleFlush()
{
    if (!m_flushTimer.isActive() && m_buffer.hasUpdate())
        m_flushTimer.start(m_nextFlushInterval);
}

void TerminalView::flush()
{
    flushOutput(true);
}

void TerminalView::flushOutput(bool complete)
{
    m_flushTimer.stop();
    std::optional<TerminalBuffer::Update> update;
    if (m_buffer.hasUpdate())
        update = m_buffer.takeUpdate();
    if (!update && m_withheld.isEmpty())
        return;
    QElapsedTimer took;
    took.start();

    // A frame writes the newest lines of a flood; the older ones follow,
    // a slice per frame, above them.
    QList<TerminalBuffer::Update> older;
    if (update && update->replacesAll)
        m_withheld.clear(); // scrolled away for good
    if (update && !complete && m_withheld.isEmpty()) {
        const qsizetype shown = TerminalBuffer::trailingLines(*update, MaxLinesPerFrame, MaxCharactersPerFrame);
        older = TerminalBuffer::takeLeadingLines(*update, update->finishedLines - shown, MaxLinesPerFrame,
                                                 MaxCharactersPerFrame);
    }
    const qsizetype slices = complete ? m_withheld.size() : std::min<qsizetype>(m_withheld.size(), 1);
    qsizetype lines = update ? update->finishedLines : 0;
    for (qsizetype i = 0; i < slices; ++i)
        lines += m_withheld.at(i).finishedLines;
    const bool replacesAll = update && update->replacesAll;

    // Where the view is, to keep it there (unless it follows the output).
    QScrollBar *bar = verticalScrollBar();
    QTextDocument *document = this->document();
    const bool follow = m_follow;
    QTextCursor top;
    int topLineOffset = 0;
    if (!follow) {
        const QTextBlock block = firstVisibleBlock();
        top = QTextCursor(block);
        topLineOffset = bar->value() - block.firstLineNumber();
    }

    // Every highlight is a cursor the document moves on each insertion: with
    // many lines coming, drop them now and find them again afterwards.
    if (!m_findText.isEmpty() && !m_matches.isEmpty() && (replacesAll || lines > MaxLinesWithLiveHighlights)) {
        m_matches.clear();
        m_current = -1;
        setExtraSelections({});
    }

    m_adjustingScroll = true;
    if (replacesAll)
        document->clear();
    QTextCursor cursor(document);
    cursor.beginEditBlock();
    if (update) {
        // The last block shows the open line as it was: write it again.
        // (Only positions here: moving by blocks or lines lays text out.)
        const QTextBlock last = document->lastBlock();
        const int start = last.position();
        cursor.setPosition(start);
        cursor.setPosition(start + last.length() - 1, QTextCursor::KeepAnchor);
        if (cursor.hasSelection())
            cursor.removeSelectedText();
        insertRuns(cursor, *update);
        if (!older.isEmpty()) {
            m_withheld = older;
            m_withheldAt = QTextCursor(document);
            m_withheldAt.setPosition(start);
        }
    }
    for (qsizetype i = 0; i < slices; ++i) {
        // At the start of the lines written after them: the mark moves on
        // past each slice, so the slices end up oldest first.
        QTextCursor at(document);
        at.setPosition(m_withheldAt.position());
        insertRuns(at, m_withheld.takeFirst());
    }
    trimScrollback();
    cursor.endEditBlock();

    if (follow) {
        bar->setValue(bar->maximum());
    } else if (replacesAll) {
        bar->setValue(0); // what was in view is gone
    } else {
        // The same lines stay in view while old ones go at the top, or older
        // ones arrive above.
        const QTextBlock block = top.block();
        bar->setValue(block.firstLineNumber() + (top.position() == block.position() ? topLineOffset : 0));
    }
    m_adjustingScroll = false;
    m_follow = follow;

    if (!m_findText.isEmpty() && !m_findRefreshTimer.isActive())
        m_findRefreshTimer.start();

    const auto elapsed = std::chrono::milliseconds(took.elapsed());
    m_nextFlushInterval = std::clamp(elapsed * FlushBackoffFactor, FlushInterval, MaxFlushInterval);
    if (!m_withheld.isEmpty())
        m_flushTimer.start(m_nextFlushInterval);
}

void TerminalView::insertRuns(QTextCursor &cursor, const TerminalBuffer::Update &text)
{
    const QList<TerminalBuffer::FormatRun> &runs = text.runs;
    if (runs.isEmpty()) {
        cursor.insertText(text.text, m_formats.value(m_styleIds.value(0)));
        return;
    }
    for (qsizetype i = 0; i < runs.size(); ++i) {
        const qsizetype start = i == 0 ? 0 : runs.at(i).start;
        const qsizetype end = i + 1 < runs.size() ? runs.at(i + 1).start : text.text.size();
        cursor.insertText(text.text.sliced(start, end - start), m_formats.value(runs.at(i).format));
    }
}

void TerminalView::onScrolled(int value)
{
    if (!m_adjustingScroll)
        m_follow = value >= verticalScrollBar()->maximum();
}

void TerminalView::onRangeChanged()
{
    if (!m_follow || m_followQueued)
        return;
    // Laying out wrapped lines, or a resize, moved the bottom: stay on it.
    // Later, not now: QPlainTextEdit puts its old top line back right after
    // announcing the new range (with the scroll bar's signals blocked).
    m_followQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_followQueued = false;
            if (!m_follow)
                return;
            const bool wasAdjusting = std::exchange(m_adjustingScroll, true);
            verticalScrollBar()->setValue(verticalScrollBar()->maximum());
            m_adjustingScroll = wasAdjusting;
        },
        Qt::QueuedConnection);
}

void TerminalView::clearOutput()
{
    m_flushTimer.stop();
    m_withheld.clear();
    m_withheldAt = QTextCursor();
    m_buffer.clear();
    m_matches.clear();
    m_current = -1;
    m_currentCursor = QTextCursor();
    setExtraSelections({});
    m_adjustingScroll = true;
    document()->clear();
    m_adjustingScroll = false;
    m_follow = true;
    if (!m_findText.isEmpty())
        Q_EMIT matchesChanged();
}

} // namespace Tincan
