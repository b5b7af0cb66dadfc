#include "models/terminal/terminalbuffer.h"

#include <algorithm>

namespace Tincan {

namespace {

// The open line plus at least one finished line.
constexpr qsizetype MinLines = 2;

void addRun(QList<TerminalBuffer::FormatRun> &runs, qsizetype start, TerminalBuffer::FormatId format)
{
    if (!runs.isEmpty()) {
        TerminalBuffer::FormatRun &last = runs.last();
        if (last.format == format)
            return;
        if (last.start == start) {
            last.format = format; // the last run turned out empty
            return;
        }
    }
    runs.append({start, format});
}

// Appends the runs of one line whose formats are given per character, for
// text that starts at `offset`.
void addRuns(QList<TerminalBuffer::FormatRun> &runs, qsizetype offset, const QList<TerminalBuffer::FormatId> &formats)
{
    for (qsizetype i = 0; i < formats.size(); ++i) {
        if (i == 0 || formats.at(i) != formats.at(i - 1))
            addRun(runs, offset + i, formats.at(i));
    }
}

} // namespace

TerminalBuffer::TerminalBuffer(qsizetype maxLines, qsizetype maxCharacters)
    : m_maxCharacters(std::max(maxCharacters, MaxLineLength + 1))
{
    setMaxLines(maxLines);
}

void TerminalBuffer::setMaxLines(qsizetype lines)
{
    m_maxLines = std::max(lines, MinLines);
    if (m_finishedEnds.size() > m_maxLines - 1)
        dropOldest(m_maxLines - 1);
}

void TerminalBuffer::write(QStringView text, FormatId format, FormatId blank)
{
    while (!text.isEmpty()) {
        if (m_column >= MaxLineLength)
            lineFeed();
        qsizetype count = std::min(MaxLineLength - m_column, text.size());
        // Never break a surrogate pair between two lines.
        if (count < text.size() && text.at(count - 1).isHighSurrogate()) {
            if (count == 1) {
                lineFeed();
                continue;
            }
            --count;
        }
        put(text.first(count), format, blank);
        text = text.sliced(count);
    }
}

void TerminalBuffer::put(QStringView text, FormatId format, FormatId blank)
{
    m_lineChanged = true;
    const qsizetype size = m_line.size();
    if (m_column > size) {
        m_line.resize(m_column, QLatin1Char(' '));
        m_lineFormats.insert(size, m_column - size, blank);
    }
    if (m_column == m_line.size()) {
        m_line.append(text);
        m_lineFormats.insert(m_lineFormats.size(), text.size(), format);
        m_column += text.size();
        return;
    }
    // Overwrite whole characters: a surrogate pair is replaced as one.
    qsizetype start = m_column;
    if (start > 0 && m_line.at(start).isLowSurrogate())
        --start;
    qsizetype end = std::min(m_column + text.size(), m_line.size());
    if (end < m_line.size() && m_line.at(end).isLowSurrogate())
        ++end;
    m_line.replace(start, end - start, text.data(), text.size());
    m_lineFormats.remove(start, end - start);
    m_lineFormats.insert(start, text.size(), format);
    m_column = start + text.size();
}

void TerminalBuffer::lineFeed()
{
    addRuns(m_finishedRuns, m_finished.size(), m_lineFormats);
    m_finished.append(m_line);
    m_finished.append(QLatin1Char('\n'));
    m_finishedEnds.append(m_finished.size());
    // resize(0) keeps the capacity that clear() would give back.
    m_line.resize(0);
    m_lineFormats.resize(0);
    m_column = 0;
    m_lineChanged = true;
    // Let a little more than the scrollback accumulate, then drop the oldest
    // lines in one go, so that dropping costs O(1) per line.
    const qsizetype keep = m_maxLines - 1;
    if (m_finishedEnds.size() > keep + keep / 2)
        dropOldest(keep);
    if (m_finished.size() > m_maxCharacters + m_maxCharacters / 2)
        dropOldestBeyond(m_maxCharacters);
}

void TerminalBuffer::backspace()
{
    if (m_column == 0)
        return;
    --m_column;
    if (m_column > 0 && m_column < m_line.size() && m_line.at(m_column).isLowSurrogate())
        --m_column;
}

void TerminalBuffer::tab(FormatId blank)
{
    const qsizetype next = std::min((m_column / TabWidth + 1) * TabWidth, MaxLineLength);
    if (next > m_line.size()) {
        m_lineFormats.insert(m_lineFormats.size(), next - m_line.size(), blank);
        m_line.resize(next, QLatin1Char(' '));
        m_lineChanged = true;
    }
    m_column = next;
}

void TerminalBuffer::erase(Erase what, FormatId blank)
{
    switch (what) {
    case Erase::ToEnd: {
        qsizetype from = m_column;
        if (from >= m_line.size())
            return;
        if (from > 0 && m_line.at(from).isLowSurrogate())
            --from;
        m_line.truncate(from);
        m_lineFormats.resize(from);
        break;
    }
    case Erase::ToStart: {
        qsizetype end = std::min(m_column + 1, m_line.size());
        if (end < m_line.size() && m_line.at(end).isLowSurrogate())
            ++end;
        if (end == 0)
            return;
        m_line.replace(0, end, QString(end, QLatin1Char(' ')));
        std::fill(m_lineFormats.begin(), m_lineFormats.begin() + end, blank);
        break;
    }
    case Erase::Line:
        if (m_line.isEmpty())
            return;
        m_line.resize(0);
        m_lineFormats.resize(0);
        break;
    }
    m_lineChanged = true;
}

void TerminalBuffer::moveCursor(qsizetype columns)
{
    setColumn(m_column + columns);
}

void TerminalBuffer::setColumn(qsizetype column)
{
    m_column = std::clamp<qsizetype>(column, 0, MaxLineLength);
}

void TerminalBuffer::apply(AnsiParser::Control control, int count, FormatId blank)
{
    switch (control) {
    case AnsiParser::Control::LineFeed:
        lineFeed();
        break;
    case AnsiParser::Control::CarriageReturn:
        carriageReturn();
        break;
    case AnsiParser::Control::Backspace:
        backspace();
        break;
    case AnsiParser::Control::Tab:
        tab(blank);
        break;
    case AnsiParser::Control::EraseToEndOfLine:
        erase(Erase::ToEnd, blank);
        break;
    case AnsiParser::Control::EraseToStartOfLine:
        erase(Erase::ToStart, blank);
        break;
    case AnsiParser::Control::EraseLine:
        erase(Erase::Line, blank);
        break;
    case AnsiParser::Control::CursorForward:
        moveCursor(count);
        break;
    case AnsiParser::Control::CursorBackward:
        moveCursor(-qsizetype(count));
        break;
    case AnsiParser::Control::CursorToColumn:
        setColumn(count - 1);
        break;
    }
}

void TerminalBuffer::finishLine()
{
    if (!m_line.isEmpty())
        lineFeed();
    m_column = 0;
}

void TerminalBuffer::dropOldest(qsizetype keep)
{
    const qsizetype count = m_finishedEnds.size() - keep;
    if (count <= 0)
        return;
    m_dropped = true;
    const qsizetype cut = m_finishedEnds.at(count - 1);
    m_finished.remove(0, cut);
    m_finishedEnds.remove(0, count);
    for (qsizetype &end : m_finishedEnds)
        end -= cut;

    // The run in force at `cut` now starts at 0.
    const auto firstAfter
        = std::upper_bound(m_finishedRuns.cbegin(), m_finishedRuns.cend(), cut,
                           [](qsizetype position, const FormatRun &run) { return position < run.start; });
    if (firstAfter == m_finishedRuns.cbegin())
        return; // no runs (only empty lines so far)
    const FormatId inForce = std::prev(firstAfter)->format;
    m_finishedRuns.remove(0, firstAfter - m_finishedRuns.cbegin());
    for (FormatRun &run : m_finishedRuns)
        run.start -= cut;
    if (m_finishedRuns.isEmpty() || m_finishedRuns.constFirst().start > 0)
        m_finishedRuns.prepend({0, inForce});
}

void TerminalBuffer::dropOldestBeyond(qsizetype characters)
{
    const qsizetype excess = m_finished.size() - characters;
    if (excess <= 0)
        return;
    // Every line that starts before `excess` goes: those that end before it,
    // and the one that reaches it.
    const auto reaching = std::lower_bound(m_finishedEnds.cbegin(), m_finishedEnds.cend(), excess);
    const qsizetype dropped = (reaching - m_finishedEnds.cbegin()) + 1;
    dropOldest(std::max<qsizetype>(m_finishedEnds.size() - dropped, 0));
}

TerminalBuffer::Update TerminalBuffer::takeUpdate()
{
    Update update;
    const qsizetype keep = m_maxLines - 1;
    if (m_finishedEnds.size() >= keep || m_finished.size() >= m_maxCharacters) {
        // Every line the pane holds now would scroll away.
        dropOldest(keep);
        dropOldestBeyond(m_maxCharacters);
        update.replacesAll = true;
    }
    update.replacesAll = update.replacesAll || m_dropped;
    update.finishedLines = m_finishedEnds.size();
    update.text = std::move(m_finished);
    update.runs = std::move(m_finishedRuns);
    addRuns(update.runs, update.text.size(), m_lineFormats);
    update.text.append(m_line);

    m_finished = QString();
    m_finishedRuns = QList<FormatRun>();
    m_finishedEnds.resize(0);
    m_dropped = false;
    m_lineChanged = false;
    return update;
}

QList<TerminalBuffer::Update> TerminalBuffer::takeLeadingLines(Update &update, qsizetype lines, qsizetype maxLines,
                                                               qsizetype maxCharacters)
{
    QList<Update> slices;
    const qsizetype total = std::min(lines, update.finishedLines);
    const QList<FormatRun> &runs = update.runs;
    qsizetype start = 0; // of the next slice
    qsizetype taken = 0;
    qsizetype nextRun = 0; // the first run that starts after `start`
    while (taken < total) {
        Update slice;
        qsizetype end = start;
        while (taken + slice.finishedLines < total && slice.finishedLines < std::max<qsizetype>(maxLines, 1)) {
            const qsizetype next = update.text.indexOf(QLatin1Char('\n'), end) + 1;
            if (slice.finishedLines > 0 && next - start > maxCharacters)
                break;
            end = next;
            ++slice.finishedLines;
        }
        slice.text = update.text.sliced(start, end - start);
        while (nextRun < runs.size() && runs.at(nextRun).start <= start)
            ++nextRun;
        if (nextRun > 0)
            slice.runs.append({0, runs.at(nextRun - 1).format}); // in force at `start`
        for (qsizetype k = nextRun; k < runs.size() && runs.at(k).start < end; ++k)
            addRun(slice.runs, runs.at(k).start - start, runs.at(k).format);
        taken += slice.finishedLines;
        start = end;
        slices.append(std::move(slice));
    }
    if (start == 0)
        return slices;

    // What is left starts at `start`, in the format in force there.
    while (nextRun < runs.size() && runs.at(nextRun).start <= start)
        ++nextRun;
    QList<FormatRun> rest;
    if (nextRun > 0)
        rest.append({0, runs.at(nextRun - 1).format});
    for (qsizetype k = nextRun; k < runs.size(); ++k)
        addRun(rest, runs.at(k).start - start, runs.at(k).format);
    update.text.remove(0, start);
    update.runs = rest;
    update.finishedLines -= taken;
    return slices;
}

qsizetype TerminalBuffer::trailingLines(const Update &update, qsizetype maxLines, qsizetype maxCharacters)
{
    if (update.finishedLines == 0)
        return 0;
    const qsizetype end = update.text.lastIndexOf(QLatin1Char('\n')) + 1; // where the open line starts
    qsizetype lines = 0;
    qsizetype start = end;
    while (lines < update.finishedLines && lines < maxLines) {
        // The line before `start` begins after the '\n' before it.
        const qsizetype previous = start >= 2 ? update.text.lastIndexOf(QLatin1Char('\n'), start - 2) + 1 : 0;
        if (end - previous > maxCharacters)
            break;
        start = previous;
        ++lines;
    }
    return lines;
}

void TerminalBuffer::clear()
{
    m_line.resize(0);
    m_lineFormats.resize(0);
    m_column = 0;
    m_lineChanged = false;
    m_finished = QString();
    m_finishedRuns = QList<FormatRun>();
    m_finishedEnds = QList<qsizetype>();
    m_dropped = false;
}

} // namespace Tincan
