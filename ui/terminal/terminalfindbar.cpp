#include "ui/terminal/terminalfindbar.h"

#include "ui/terminal/terminalview.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QToolButton>

namespace Tincan {

namespace {

constexpr int SideMargin = 6;
constexpr int VerticalMargin = 2;
// The field's background while nothing matches.
constexpr QRgb NoMatchBackground = 0xfdecea;

} // namespace

TerminalFindBar::TerminalFindBar(TerminalView *view, QWidget *parent)
    : QWidget(parent)
    , m_view(view)
{
    setObjectName(QStringLiteral("findBar"));
    auto *label = new QLabel(tr("Find:"), this);
    m_field = new QLineEdit(this);
    m_field->setObjectName(QStringLiteral("findField"));
    m_field->setClearButtonEnabled(true);
    m_field->installEventFilter(this);
    label->setBuddy(m_field);

    m_previous = new QToolButton(this);
    m_previous->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
    m_previous->setToolTip(tr("Previous match, further up (Enter)"));
    m_previous->setAccessibleName(tr("Previous match"));
    m_next = new QToolButton(this);
    m_next->setIcon(style()->standardIcon(QStyle::SP_ArrowDown));
    m_next->setToolTip(tr("Next match, further down (Shift+Enter)"));
    m_next->setAccessibleName(tr("Next match"));
    m_matchCase = new QCheckBox(tr("Match &case"), this);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("findCount"));
    auto *close = new QToolButton(this);
    close->setIcon(style()->standardIcon(QStyle::SP_DialogCloseButton));
    close->setToolTip(tr("Close the find bar (Esc)"));
    close->setAccessibleName(tr("Close"));
    close->setAutoRaise(true);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(SideMargin, VerticalMargin, SideMargin, VerticalMargin);
    layout->addWidget(label);
    layout->addWidget(m_field, 1);
    layout->addWidget(m_previous);
    layout->addWidget(m_next);
    layout->addWidget(m_matchCase);
    layout->addWidget(m_count);
    layout->addWidget(close);

    connect(m_field, &QLineEdit::textChanged, this, &TerminalFindBar::search);
    connect(m_matchCase, &QCheckBox::toggled, this, &TerminalFindBar::search);
    connect(m_previous, &QToolButton::clicked, m_view, &TerminalView::findPrevious);
    connect(m_next, &QToolButton::clicked, m_view, &TerminalView::findNext);
    connect(close, &QToolButton::clicked, this, &TerminalFindBar::closeBar);
    connect(m_view, &TerminalView::matchesChanged, this, &TerminalFindBar::updateCount);
    updateCount();
}

void TerminalFindBar::openBar()
{
    const QString selected = m_view->textCursor().selectedText();
    if (!selected.isEmpty() && !selected.contains(QChar::ParagraphSeparator))
        m_field->setText(selected);
    show();
    m_field->setFocus();
    m_field->selectAll();
    search();
}

void TerminalFindBar::closeBar()
{
    hide();
    m_view->clearFind();
    Q_EMIT closed();
}

void TerminalFindBar::search()
{
    if (!isVisible())
        return;
    if (m_field->text().isEmpty()) {
        m_view->clearFind();
        return;
    }
    m_view->find(m_field->text(),
                 m_matchCase->isChecked() ? QTextDocument::FindCaseSensitively : QTextDocument::FindFlags());
}

QString TerminalFindBar::countText() const
{
    return m_count->text();
}

void TerminalFindBar::updateCount()
{
    const int count = m_view->matchCount();
    const bool searching = !m_view->findText().isEmpty();
    QString text;
    if (!searching) {
        text.clear();
    } else if (count == 0) {
        text = tr("No matches");
    } else {
        const bool truncated = m_view->matchesTruncated();
        const int current = m_view->currentMatch();
        if (current >= 0 && truncated)
            text = tr("%L1 of more than %L2").arg(current + 1).arg(count);
        else if (current >= 0)
            text = tr("%L1 of %L2").arg(current + 1).arg(count);
        else if (truncated)
            text = tr("More than %L1 matches").arg(count);
        else
            text = tr("%n match(es)", nullptr, count);
    }
    m_count->setText(text);
    m_previous->setEnabled(count > 0);
    m_next->setEnabled(count > 0);

    QPalette colors = palette();
    if (searching && count == 0)
        colors.setColor(QPalette::Base, QColor(NoMatchBackground));
    m_field->setPalette(colors);
}

bool TerminalFindBar::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_field && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        switch (key->key()) {
        case Qt::Key_Return:
        case Qt::Key_Enter:
            // Up first: in a terminal the newest output is at the bottom.
            if (key->modifiers() & Qt::ShiftModifier)
                m_view->findNext();
            else
                m_view->findPrevious();
            return true;
        case Qt::Key_F3:
            if (key->modifiers() & Qt::ShiftModifier)
                m_view->findNext();
            else
                m_view->findPrevious();
            return true;
        case Qt::Key_Escape:
            closeBar();
            return true;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace Tincan
