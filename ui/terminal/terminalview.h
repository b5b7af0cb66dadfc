// The terminal pane: a read-only QPlainTextEdit that shows program output with
// its ANSI colours and attributes, rewrites the last line on carriage return,
// keeps a bounded scrollback, and repaints at most about 60 times a second
// however fast output arrives. It also finds (all matches highlighted), saves,
// clears and zooms, from its context menu or the keyboard.
#pragma once

#include "models/terminal/ansiparser.h"
#include "models/terminal/terminalbuffer.h"
#include "models/terminal/terminaloutput.h"

#include <QElapsedTimer>
#include <QHash>
#include <QKeyCombination>
#include <QLatin1StringView>
#include <QList>
#include <QPlainTextEdit>
#include <QTextBlock>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QTextDocument>
#include <QTimer>

#include <chrono>

class QAction;
class QMenu;

namespace Tincan {

class TerminalView final : public QPlainTextEdit, public TerminalOutput
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TerminalView)

public:
    // Lines kept, as in Konsole; older ones scroll away for good.
    static constexpr int DefaultScrollbackLines = 10000;
    static constexpr int MinScrollbackLines = 100;
    static constexpr int MaxScrollbackLines = 1000000;
    // However long its lines, the pane keeps at most this many characters
    // (UTF-16 units, about 8 MiB): the oldest lines go first. It is also the
    // most one flush writes.
    static constexpr qsizetype MaxScrollbackCharacters = TerminalBuffer::DefaultMaxCharacters;
    // Output is written to the document at most this often (~60 Hz)…
    static constexpr std::chrono::milliseconds FlushInterval{16};
    // …and, when writing it took long, after at least this many times as
    // long again, so that input and painting always get their share.
    static constexpr int FlushBackoffFactor = 2;
    static constexpr std::chrono::milliseconds MaxFlushInterval{250};
    // A frame writes at most this many lines (and characters): writing a
    // line costs microseconds, a scrollback's worth of them a stutter. The
    // newest lines of a flood come first; the older ones follow above them,
    // a slice per frame.
    static constexpr qsizetype MaxLinesPerFrame = 500;
    static constexpr qsizetype MaxCharactersPerFrame = 64 * 1024;
    // Find highlights at most this many matches (the newest ones).
    static constexpr int MaxHighlightedMatches = 10000;
    // While output arrives, the highlights are brought up to date this often.
    static constexpr std::chrono::milliseconds FindRefreshInterval{250};
    // An update of more lines than this drops the highlights before the edit
    // (each highlight is a cursor the document moves on every insertion) and
    // finds them again afterwards.
    static constexpr qsizetype MaxLinesWithLiveHighlights = 256;
    static constexpr int MinFontPointSize = 6;
    static constexpr int MaxFontPointSize = 72;
    // Distinct looks (style × colours × flags) the pane creates; beyond this,
    // text keeps its style's plain look, so hostile output cannot grow the
    // document's format table without bound.
    static constexpr int MaxFormats = 4096;

    // Settings (QSettings) shared by every pane.
    static constexpr QLatin1StringView ScrollbackSetting{"console/scrollbackLines"};
    static constexpr QLatin1StringView FontSizeSetting{"console/fontPointSize"};

    static constexpr QKeyCombination CopyKey{Qt::ControlModifier | Qt::ShiftModifier, Qt::Key_C};
    static constexpr QKeyCombination ClearKey{Qt::ControlModifier, Qt::Key_L};

    // The pane is dark whatever the desktop theme.
    static constexpr QRgb Background = 0x1d1f21;
    static constexpr QRgb Foreground = 0xd7dae0;
    static constexpr QRgb SelectionBackground = 0x3a5f8f;
    static constexpr QRgb SelectionForeground = 0xffffff;
    static constexpr QRgb MatchBackground = 0x5a4a1a;
    static constexpr QRgb CurrentMatchBackground = 0xe5c07b;
    static constexpr QRgb CurrentMatchForeground = 0x1d1f21;

    enum class Action {
        Copy,
        SelectAll,
        Find,
        SaveOutput,
        Clear,
        ZoomIn,
        ZoomOut,
        ResetZoom,
        Scrollback,
    };

    explicit TerminalView(QWidget *parent = nullptr);
    ~TerminalView() override;

    // A base look for text (a program's stdout, a prompt…); ANSI attributes
    // apply on top of it. Returns its id for write() and writeOutput().
    int addStyle(const QTextCharFormat &format);
    QTextCharFormat style(int id) const { return m_formats.value(m_styleIds.value(id)); }

    // TerminalOutput: text is buffered and written at the next frame.
    void write(int style, QStringView text) override;
    void writeOutput(AnsiParser &parser, int style, QStringView text) override;
    void startNewLine() override;
    // Whether everything written so far ends at the start of a line.
    bool atLineStart() const { return m_buffer.atLineStart(); }
    // Whether written text waits for a flush.
    bool hasPendingOutput() const { return m_buffer.hasUpdate() || !m_withheld.isEmpty(); }

    int scrollbackLines() const { return m_scrollbackLines; }
    // Clamped to [MinScrollbackLines, MaxScrollbackLines]; older lines go at
    // once. Not saved; see the Scrollback… action.
    void setScrollbackLines(int lines);

    int fontPointSize() const { return font().pointSize(); }
    int defaultFontPointSize() const { return m_defaultPointSize; }
    // Clamped; saved as the size of every pane to come.
    void setFontPointSize(int points);

    // Writes the pane's text to `path` (UTF-8), replacing it atomically.
    bool saveOutput(const QString &path);
    QString errorString() const { return m_errorString; }

    // Whether new output scrolls the pane (it is at the bottom).
    bool followsOutput() const { return m_follow; }
    QTextBlock topBlock() const { return firstVisibleBlock(); }

    // Find: highlights every match of `text` (up to MaxHighlightedMatches,
    // the newest) and makes the newest one above the bottom of the view
    // current. Returns the number of matches highlighted.
    int find(const QString &text, QTextDocument::FindFlags flags = {});
    void findNext();     // towards the end
    void findPrevious(); // towards the start
    void clearFind();
    QString findText() const { return m_findText; }
    int matchCount() const { return int(m_matches.size()); }
    // There were more matches than MaxHighlightedMatches.
    bool matchesTruncated() const { return m_matchesTruncated; }
    // Index into the matches, oldest first, or -1.
    int currentMatch() const { return m_current; }
    QTextCursor currentMatchCursor() const;

    QAction *action(Action which) const;
    // The context menu (the caller owns it): its own actions, then whatever
    // contextMenuCreated() adds.
    QMenu *createContextMenu(QWidget *parent = nullptr);

public Q_SLOTS:
    // Writes everything buffered to the document now instead of at the next
    // frame.
    void flush();
    void clearOutput();
    void increaseFontSize();
    void decreaseFontSize();
    void resetFontSize();

Q_SIGNALS:
    void findRequested();
    void matchesChanged();
    void fontPointSizeChanged(int points);
    void contextMenuCreated(QMenu *menu);

protected:
    bool event(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    class OutputSink;
    friend class OutputSink;

    struct FormatKey
    {
        int style = 0;
        TextAttributes attributes;
        friend bool operator==(const FormatKey &, const FormatKey &) = default;
        friend size_t qHash(const FormatKey &key, size_t seed = 0) noexcept
        {
            return qHashMulti(seed, key.style, key.attributes.foreground.key(), key.attributes.background.key(),
                              key.attributes.flags);
        }
    };

    void createActions();
    TerminalBuffer::FormatId formatId(int style, const TextAttributes &attributes);
    QTextCharFormat makeFormat(int style, const TextAttributes &attributes) const;
    void scheduleFlush();
    // Removes the oldest lines beyond the scrollback (lines and characters);
    // called inside an edit block.
    void trimScrollback();
    // A frame (complete = false) writes a bounded amount; see MaxLinesPerFrame.
    void flushOutput(bool complete);
    void insertRuns(QTextCursor &cursor, const TerminalBuffer::Update &text);
    void onScrolled(int value);
    void onRangeChanged();
    void applyFontSize(int points);
    void saveOutputInteractively();
    void askScrollbackLines();

    // Find.
    void searchDocument();
    void refreshMatches();
    void updateHighlights();
    void makeCurrent(int index);
    void scrollToMatch(const QTextCursor &match);
    // The index of the first match at or after `position` (matchCount() when none).
    int matchAtOrAfter(int position) const;
    int viewportStartPosition() const;
    int viewportEndPosition() const;

    TerminalBuffer m_buffer;
    int m_scrollbackLines = DefaultScrollbackLines;

    QList<QTextCharFormat> m_formats;           // indexed by FormatId
    QList<TerminalBuffer::FormatId> m_styleIds; // each style's plain look, by style id
    QHash<FormatKey, TerminalBuffer::FormatId> m_formatIds;
    FormatKey m_lastKey; // one-entry cache: runs mostly repeat the last look
    TerminalBuffer::FormatId m_lastId = 0;
    bool m_hasLastKey = false;

    QTimer m_flushTimer;
    std::chrono::milliseconds m_nextFlushInterval = FlushInterval;
    // Older lines of a flood not written yet, oldest first, and where they go.
    QList<TerminalBuffer::Update> m_withheld;
    QTextCursor m_withheldAt;
    bool m_follow = true;
    bool m_adjustingScroll = false;
    bool m_followQueued = false;

    int m_defaultPointSize = 0;
    QString m_errorString;

    QString m_findText;
    QTextDocument::FindFlags m_findFlags;
    QList<QTextCursor> m_matches; // oldest first
    bool m_matchesTruncated = false;
    int m_current = -1;
    QTextCursor m_currentCursor; // follows edits, to find the current match again
    QTimer m_findRefreshTimer;

    QList<QAction *> m_actions;
};

} // namespace Tincan
