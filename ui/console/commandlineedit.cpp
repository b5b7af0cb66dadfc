#include "ui/console/commandlineedit.h"

#include <QKeyEvent>

namespace Tincan {

CommandLineEdit::CommandLineEdit(QWidget *parent)
    : QLineEdit(parent)
{
}

void CommandLineEdit::setHistory(const QStringList &history)
{
    m_history = history.mid(qMax<qsizetype>(0, history.size() - MaxHistorySize));
    m_historyIndex = m_history.size();
    m_draft.clear();
}

void CommandLineEdit::addToHistory(const QString &command)
{
    if (m_history.isEmpty() || m_history.constLast() != command)
        m_history.append(command);
    if (m_history.size() > MaxHistorySize)
        m_history.remove(0, m_history.size() - MaxHistorySize);
    m_historyIndex = m_history.size();
    m_draft.clear();
}

void CommandLineEdit::historyBack()
{
    if (m_historyIndex <= 0)
        return;
    if (m_historyIndex == m_history.size())
        m_draft = text();
    --m_historyIndex;
    setText(m_history.at(m_historyIndex));
}

void CommandLineEdit::historyForward()
{
    if (m_historyIndex >= m_history.size())
        return;
    ++m_historyIndex;
    setText(m_historyIndex == m_history.size() ? m_draft : m_history.at(m_historyIndex));
}

void CommandLineEdit::keyPressEvent(QKeyEvent *event)
{
    // Modified arrows keep their usual line-edit meaning.
    if (event->modifiers() == Qt::NoModifier || event->modifiers() == Qt::KeypadModifier) {
        switch (event->key()) {
        case Qt::Key_Up:
            historyBack();
            return;
        case Qt::Key_Down:
            historyForward();
            return;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            submit();
            return;
        default:
            break;
        }
    }
    QLineEdit::keyPressEvent(event);
}

void CommandLineEdit::submit()
{
    const QString command = text();
    if (command.trimmed().isEmpty()) {
        clear(); // like a shell's prompt, which simply starts over
        return;
    }
    addToHistory(command);
    clear();
    Q_EMIT commandSubmitted(command);
}

} // namespace Tincan
