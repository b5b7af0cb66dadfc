#include "ui/chat/messageedit.h"

#include <QKeyEvent>

namespace Tincan {

MessageEdit::MessageEdit(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setTabChangesFocus(true);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

QSize MessageEdit::sizeHint() const
{
    const QMargins margins = contentsMargins();
    const int height = fontMetrics().lineSpacing() * VisibleLines + int(2 * document()->documentMargin())
        + margins.top() + margins.bottom();
    return {QPlainTextEdit::sizeHint().width(), height};
}

QSize MessageEdit::minimumSizeHint() const
{
    return {QPlainTextEdit::minimumSizeHint().width(), sizeHint().height()};
}

void MessageEdit::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) {
        if (event->modifiers() & Qt::ShiftModifier) {
            // A paragraph break, not the line separator (U+2028) QPlainTextEdit
            // would insert: the text sent is plain "\n".
            textCursor().insertText(QStringLiteral("\n"));
            ensureCursorVisible();
        } else {
            Q_EMIT sendRequested();
        }
        event->accept();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

} // namespace Tincan
