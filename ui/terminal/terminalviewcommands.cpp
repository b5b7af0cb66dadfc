// TerminalView's commands: its actions and context menu, the keys it claims,
// zooming, saving the output and the scrollback setting.
#include "ui/terminal/terminalview.h"

#include <QAction>
#include <QContextMenuEvent>
#include <QDir>
#include <QFileDialog>
#include <QInputDialog>
#include <QKeyEvent>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>

#include <algorithm>

namespace Tincan {

namespace {
// Lines the Scrollback… dialog's arrows step by.
constexpr int ScrollbackStep = 1000;
} // namespace

void TerminalView::createActions()
{
    const auto make = [this](Action id, const QString &text, const QList<QKeySequence> &keys, bool onView) {
        auto *action = new QAction(text, this);
        action->setShortcuts(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        if (onView)
            addAction(action);
        Q_ASSERT(m_actions.size() == qsizetype(id));
        m_actions.append(action);
        return action;
    };
    // Copy and Clear share their keys with the main window's actions; the
    // pane takes those keys itself (event()), so they are shown here only.
    QAction *copyAction = make(Action::Copy, tr("&Copy"), {QKeySequence(CopyKey)}, false);
    copyAction->setShortcutContext(Qt::WidgetShortcut);
    copyAction->setEnabled(false);
    connect(this, &QPlainTextEdit::copyAvailable, copyAction, &QAction::setEnabled);
    connect(copyAction, &QAction::triggered, this, &QPlainTextEdit::copy);
    connect(make(Action::SelectAll, tr("Select &All"),
                 {QKeySequence(Qt::ControlModifier | Qt::ShiftModifier | Qt::Key_A)}, true),
            &QAction::triggered, this, &QPlainTextEdit::selectAll);
    connect(make(Action::Find, tr("&Find…"), {QKeySequence(Qt::ControlModifier | Qt::ShiftModifier | Qt::Key_F)}, true),
            &QAction::triggered, this, &TerminalView::findRequested);
    connect(make(Action::SaveOutput, tr("&Save Output…"), {}, false), &QAction::triggered, this,
            &TerminalView::saveOutputInteractively);
    QAction *clearAction = make(Action::Clear, tr("C&lear"), {QKeySequence(ClearKey)}, false);
    clearAction->setShortcutContext(Qt::WidgetShortcut);
    connect(clearAction, &QAction::triggered, this, &TerminalView::clearOutput);
    connect(make(Action::ZoomIn, tr("Zoom &In"),
                 {QKeySequence(Qt::ControlModifier | Qt::Key_Equal), QKeySequence(Qt::ControlModifier | Qt::Key_Plus)},
                 true),
            &QAction::triggered, this, &TerminalView::increaseFontSize);
    connect(make(Action::ZoomOut, tr("Zoom &Out"), {QKeySequence(Qt::ControlModifier | Qt::Key_Minus)}, true),
            &QAction::triggered, this, &TerminalView::decreaseFontSize);
    connect(make(Action::ResetZoom, tr("&Reset Zoom"), {QKeySequence(Qt::ControlModifier | Qt::Key_0)}, true),
            &QAction::triggered, this, &TerminalView::resetFontSize);
    connect(make(Action::Scrollback, tr("Scroll&back…"), {}, false), &QAction::triggered, this,
            &TerminalView::askScrollbackLines);
}

QAction *TerminalView::action(Action which) const
{
    return m_actions.value(qsizetype(which));
}

QMenu *TerminalView::createContextMenu(QWidget *parent)
{
    auto *menu = new QMenu(parent);
    menu->addAction(action(Action::Copy));
    menu->addAction(action(Action::SelectAll));
    menu->addSeparator();
    menu->addAction(action(Action::Find));
    menu->addAction(action(Action::SaveOutput));
    menu->addAction(action(Action::Clear));
    menu->addSeparator();
    menu->addAction(action(Action::ZoomIn));
    menu->addAction(action(Action::ZoomOut));
    menu->addAction(action(Action::ResetZoom));
    menu->addSeparator();
    menu->addAction(action(Action::Scrollback));
    Q_EMIT contextMenuCreated(menu);
    return menu;
}

void TerminalView::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu *menu = createContextMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(event->globalPos());
}

bool TerminalView::event(QEvent *event)
{
    // Claim Copy and Clear before a window-wide shortcut with the same key
    // does: here they act on this pane.
    if (event->type() == QEvent::ShortcutOverride) {
        const QKeyCombination key = static_cast<QKeyEvent *>(event)->keyCombination();
        if (key == CopyKey || key == ClearKey) {
            event->accept();
            return true;
        }
    }
    return QPlainTextEdit::event(event);
}

void TerminalView::keyPressEvent(QKeyEvent *event)
{
    const QKeyCombination key = event->keyCombination();
    if (key == CopyKey) {
        copy();
        return;
    }
    if (key == ClearKey) {
        clearOutput();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

void TerminalView::applyFontSize(int points)
{
    if (points == font().pointSize())
        return;
    QFont resized = font();
    resized.setPointSize(points);
    setFont(resized);
    Q_EMIT fontPointSizeChanged(points);
}

void TerminalView::setFontPointSize(int points)
{
    points = std::clamp(points, MinFontPointSize, MaxFontPointSize);
    if (points == fontPointSize())
        return;
    QSettings settings;
    if (points == m_defaultPointSize)
        settings.remove(FontSizeSetting);
    else
        settings.setValue(FontSizeSetting, points);
    applyFontSize(points);
}

void TerminalView::increaseFontSize()
{
    setFontPointSize(fontPointSize() + 1);
}

void TerminalView::decreaseFontSize()
{
    setFontPointSize(fontPointSize() - 1);
}

void TerminalView::resetFontSize()
{
    setFontPointSize(m_defaultPointSize);
}

bool TerminalView::saveOutput(const QString &path)
{
    flush();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        m_errorString = file.errorString();
        return false;
    }
    QByteArray data = toPlainText().toUtf8();
    if (!data.isEmpty() && !data.endsWith('\n'))
        data.append('\n');
    if (file.write(data) != data.size() || !file.commit()) {
        m_errorString = file.errorString();
        return false;
    }
    m_errorString.clear();
    return true;
}

void TerminalView::saveOutputInteractively()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path
        = QFileDialog::getSaveFileName(this, tr("Save Output"), QDir(folder).filePath(tr("console-output.txt")),
                                       tr("Text files (*.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    if (!saveOutput(path)) {
        QMessageBox::warning(
            this, tr("Save Output"),
            tr("The output could not be saved to %1: %2").arg(QDir::toNativeSeparators(path), m_errorString));
    }
}

void TerminalView::askScrollbackLines()
{
    QPointer<TerminalView> self(this);
    bool ok = false;
    const int lines
        = QInputDialog::getInt(this, tr("Scrollback"), tr("Lines each console pane keeps (older lines are dropped):"),
                               m_scrollbackLines, MinScrollbackLines, MaxScrollbackLines, ScrollbackStep, &ok);
    if (!self || !ok)
        return;
    setScrollbackLines(lines);
    QSettings().setValue(ScrollbackSetting, m_scrollbackLines);
}

} // namespace Tincan
