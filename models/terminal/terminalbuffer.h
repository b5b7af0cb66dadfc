// The lines a terminal pane has yet to show: finished lines waiting for the
// next repaint, and the open (last) line, which carriage return, backspace and
// erase-in-line can still rewrite. Text carries a format id per character;
// what a format looks like is the pane's business.
//
// Bounded: at most maxLines() finished lines and maxCharacters() characters
// wait (older ones scrolled away before they were ever shown), and a line
// longer than MaxLineLength is broken, so a flood of any size costs memory in
// proportion to the scrollback.
// Pure Qt Core, tested on its own.
#pragma once

#include "models/terminal/ansiparser.h"

#include <QList>
#include <QString>
#include <QStringView>

namespace Tincan {

class TerminalBuffer final
{
public:
    using FormatId = quint16;

    // A line grows to this many UTF-16 units, then the rest continues on a
    // new line, as a terminal wraps at its width (so that one endless line
    // stays cheap to lay out and to rewrite).
    static constexpr qsizetype MaxLineLength = 4096;
    static constexpr qsizetype TabWidth = 8;
    static constexpr qsizetype DefaultMaxLines = 10000;
    // About 8 MiB of text.
    static constexpr qsizetype DefaultMaxCharacters = 4 * 1024 * 1024;

    // Where a format starts in Update::text; it lasts until the next run.
    struct FormatRun
    {
        qsizetype start = 0;
        FormatId format = 0;
        friend bool operator==(const FormatRun &, const FormatRun &) = default;
    };

    // What changed since the last update: the pane replaces its last line
    // (the open line as it was shown) with `text`, whose finished lines each
    // end with '\n' and whose last line is the open line.
    struct Update
    {
        // More lines arrived than the scrollback holds: the pane's earlier
        // lines are all gone, so it starts from empty.
        bool replacesAll = false;
        qsizetype finishedLines = 0;
        QString text;
        QList<FormatRun> runs;
    };

    explicit TerminalBuffer(qsizetype maxLines = DefaultMaxLines, qsizetype maxCharacters = DefaultMaxCharacters);

    // Lines the pane holds, its open line included (at least 2).
    qsizetype maxLines() const { return m_maxLines; }
    void setMaxLines(qsizetype lines);
    // Characters of finished lines one update carries at most (at least
    // MaxLineLength + 1, so that one whole line always fits).
    qsizetype maxCharacters() const { return m_maxCharacters; }

    // Writes at the cursor, overwriting what is there (after a carriage
    // return) or appending; past the end of the line, the gap is spaces in
    // `blank`, the format of empty cells.
    void write(QStringView text, FormatId format, FormatId blank);
    void lineFeed();
    void carriageReturn() { m_column = 0; }
    void backspace();
    void tab(FormatId blank);
    enum class Erase {
        ToEnd,
        ToStart,
        Line,
    };
    void erase(Erase what, FormatId blank);
    // Moves the cursor within the line (clamped to it), without writing.
    void moveCursor(qsizetype columns);
    void setColumn(qsizetype column);
    // Does what an AnsiParser control asks (`count` as the parser gives it),
    // filling with `blank` where a control leaves empty cells.
    void apply(AnsiParser::Control control, int count, FormatId blank);
    // Ends the open line unless it is empty, so that what follows starts on
    // a line of its own.
    void finishLine();

    QStringView openLine() const { return m_line; }
    qsizetype column() const { return m_column; }
    bool atLineStart() const { return m_line.isEmpty(); }
    // Finished lines waiting for the pane.
    qsizetype pendingLines() const { return m_finishedEnds.size(); }
    bool hasUpdate() const { return m_lineChanged || !m_finishedEnds.isEmpty() || m_dropped; }
    Update takeUpdate();
    // How many finished lines at the end of `update` fit in both limits
    // (possibly none).
    static qsizetype trailingLines(const Update &update, qsizetype maxLines, qsizetype maxCharacters);
    // Takes the first `lines` finished lines out of `update` (the open line
    // stays in it), cut into slices that each fit in both limits (a line
    // longer than maxCharacters makes a slice of its own), oldest first.
    static QList<Update> takeLeadingLines(Update &update, qsizetype lines, qsizetype maxLines, qsizetype maxCharacters);
    // Forgets everything: waiting lines and the open line.
    void clear();

private:
    void put(QStringView text, FormatId format, FormatId blank);
    // Keeps only the newest `keep` finished lines.
    void dropOldest(qsizetype keep);
    // Keeps only as many of the newest finished lines as fit in `characters`.
    void dropOldestBeyond(qsizetype characters);

    qsizetype m_maxLines = DefaultMaxLines;
    qsizetype m_maxCharacters = DefaultMaxCharacters;

    QString m_line;
    QList<FormatId> m_lineFormats; // one per UTF-16 unit of m_line
    qsizetype m_column = 0;
    bool m_lineChanged = false;

    QString m_finished; // finished lines, each ending with '\n'
    QList<FormatRun> m_finishedRuns;
    QList<qsizetype> m_finishedEnds; // offset after each line's '\n'
    bool m_dropped = false;
};

} // namespace Tincan
