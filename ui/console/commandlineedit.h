// The input line of a console session: a QLineEdit that submits on Enter and
// walks the commands entered before with Up and Down, like a shell.
#pragma once

#include <QLineEdit>
#include <QStringList>

namespace Tincan {

class CommandLineEdit final : public QLineEdit
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CommandLineEdit)

public:
    // Oldest entries are forgotten beyond this many.
    static constexpr qsizetype MaxHistorySize = 1000;

    explicit CommandLineEdit(QWidget *parent = nullptr);

    QStringList history() const { return m_history; }
    // Replaces the history (oldest first) and returns to the draft.
    void setHistory(const QStringList &history);
    // Appends a command unless it repeats the newest entry.
    void addToHistory(const QString &command);

    // Up: one entry older; the text typed so far is kept as the draft.
    void historyBack();
    // Down: one entry newer, and finally the draft again.
    void historyForward();

Q_SIGNALS:
    // Enter was pressed on a line that is not blank. The line is already in
    // the history and the field is cleared (as it is for a blank line).
    void commandSubmitted(const QString &command);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void submit();

    QStringList m_history;
    // Position in m_history; m_history.size() means "the draft".
    qsizetype m_historyIndex = 0;
    QString m_draft;
};

} // namespace Tincan
