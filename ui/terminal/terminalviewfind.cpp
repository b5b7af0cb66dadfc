// TerminalView's find: every match highlighted (the newest ones, up to a
// bound), the current one followed across edits, and kept up to date while
// output arrives.
#include "ui/terminal/terminalview.h"

#include <QScrollBar>
#include <QTextBlock>
#include <QTextLayout>

#include <algorithm>

namespace Tincan {

namespace {

QTextCharFormat matchFormat()
{
    QTextCharFormat format;
    format.setBackground(QColor(TerminalView::MatchBackground));
    return format;
}

QTextCharFormat currentMatchFormat()
{
    QTextCharFormat format;
    format.setBackground(QColor(TerminalView::CurrentMatchBackground));
    format.setForeground(QColor(TerminalView::CurrentMatchForeground));
    return format;
}

} // namespace

int TerminalView::find(const QString &text, QTextDocument::FindFlags flags)
{
    flush();
    m_findText = text;
    m_findFlags = flags;
    m_current = -1;
    m_currentCursor = QTextCursor();
    searchDocument();
    if (m_matches.isEmpty()) {
        updateHighlights();
        Q_EMIT matchesChanged();
        return 0;
    }
    int index = matchAtOrAfter(viewportEndPosition()) - 1;
    if (index < 0)
        index = int(m_matches.size()) - 1;
    makeCurrent(index);
    return int(m_matches.size());
}

void TerminalView::findNext()
{
    if (m_matches.isEmpty())
        return;
    const int count = int(m_matches.size());
    int index = m_current >= 0 ? (m_current + 1) % count : matchAtOrAfter(viewportStartPosition());
    if (index >= count)
        index = 0;
    makeCurrent(index);
}

void TerminalView::findPrevious()
{
    if (m_matches.isEmpty())
        return;
    const int count = int(m_matches.size());
    int index = m_current >= 0 ? m_current - 1 : matchAtOrAfter(viewportEndPosition()) - 1;
    if (index < 0)
        index = count - 1;
    makeCurrent(index);
}

void TerminalView::clearFind()
{
    m_findRefreshTimer.stop();
    m_findText.clear();
    m_matches.clear();
    m_matchesTruncated = false;
    m_current = -1;
    m_currentCursor = QTextCursor();
    setExtraSelections({});
    Q_EMIT matchesChanged();
}

QTextCursor TerminalView::currentMatchCursor() const
{
    return m_current >= 0 ? m_matches.at(m_current) : QTextCursor();
}

void TerminalView::searchDocument()
{
    m_matches.clear();
    m_matchesTruncated = false;
    if (m_findText.isEmpty())
        return;
    const Qt::CaseSensitivity sensitivity
        = m_findFlags.testFlag(QTextDocument::FindCaseSensitively) ? Qt::CaseSensitive : Qt::CaseInsensitive;
    const qsizetype length = m_findText.size();
    // The newest matches matter most in a terminal: walk up from the end.
    QList<int> starts; // newest first
    for (QTextBlock block = document()->lastBlock(); block.isValid(); block = block.previous()) {
        const QString text = block.text();
        qsizetype from = text.size() - length;
        while (from >= 0) {
            const qsizetype found = text.lastIndexOf(m_findText, from, sensitivity);
            if (found < 0)
                break;
            if (starts.size() == MaxHighlightedMatches) {
                m_matchesTruncated = true;
                break;
            }
            starts.append(block.position() + int(found));
            from = found - length;
        }
        if (m_matchesTruncated)
            break;
    }
    m_matches.reserve(starts.size());
    for (auto it = starts.crbegin(); it != starts.crend(); ++it) {
        QTextCursor match(document());
        match.setPosition(*it);
        match.setPosition(*it + int(length), QTextCursor::KeepAnchor);
        m_matches.append(match);
    }
}

void TerminalView::refreshMatches()
{
    if (m_findText.isEmpty())
        return;
    searchDocument();
    m_current = -1;
    if (m_currentCursor.hasSelection()) {
        const int index = matchAtOrAfter(m_currentCursor.selectionStart());
        if (index < m_matches.size() && m_matches.at(index).selectionStart() == m_currentCursor.selectionStart())
            m_current = index;
    }
    updateHighlights();
    Q_EMIT matchesChanged();
}

void TerminalView::updateHighlights()
{
    QList<QTextEdit::ExtraSelection> selections;
    selections.reserve(m_matches.size() + 1);
    const QTextCharFormat all = matchFormat();
    for (const QTextCursor &match : std::as_const(m_matches))
        selections.append({match, all});
    if (m_current >= 0)
        selections.append({m_matches.at(m_current), currentMatchFormat()});
    setExtraSelections(selections);
}

void TerminalView::makeCurrent(int index)
{
    m_current = index;
    m_currentCursor = index >= 0 ? m_matches.at(index) : QTextCursor();
    updateHighlights();
    if (index >= 0)
        scrollToMatch(m_matches.at(index));
    Q_EMIT matchesChanged();
}

void TerminalView::scrollToMatch(const QTextCursor &match)
{
    const int position = match.selectionStart();
    if (position >= viewportStartPosition() && match.selectionEnd() <= viewportEndPosition())
        return;
    const QTextBlock block = match.block();
    int lineInBlock = 0;
    if (const QTextLayout *layout = block.layout(); layout && layout->lineCount() > 0) {
        const QTextLine line = layout->lineForTextPosition(position - block.position());
        if (line.isValid())
            lineInBlock = line.lineNumber();
    }
    QScrollBar *bar = verticalScrollBar();
    bar->setValue(block.firstLineNumber() + lineInBlock - bar->pageStep() / 2);
}

int TerminalView::matchAtOrAfter(int position) const
{
    const auto it
        = std::lower_bound(m_matches.cbegin(), m_matches.cend(), position,
                           [](const QTextCursor &match, int value) { return match.selectionStart() < value; });
    return int(it - m_matches.cbegin());
}

int TerminalView::viewportStartPosition() const
{
    return firstVisibleBlock().position();
}

int TerminalView::viewportEndPosition() const
{
    const QRect area = viewport()->rect();
    return cursorForPosition(QPoint(area.right(), area.bottom())).position();
}

} // namespace Tincan
