// The find bar under a terminal pane: a search field that highlights every
// match as you type, previous/next, match case, and how many matches there are.
#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace Tincan {

class TerminalView;

class TerminalFindBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TerminalFindBar)

public:
    explicit TerminalFindBar(TerminalView *view, QWidget *parent = nullptr);

    QLineEdit *field() const { return m_field; }
    QCheckBox *matchCaseBox() const { return m_matchCase; }
    QString countText() const;

public Q_SLOTS:
    // Shows the bar with the field focused (holding the pane's selection,
    // when it is one line) and highlights its matches.
    void openBar();
    // Hides the bar and the highlights.
    void closeBar();

Q_SIGNALS:
    void closed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void search();
    void updateCount();

    TerminalView *m_view;
    QLineEdit *m_field = nullptr;
    QToolButton *m_previous = nullptr;
    QToolButton *m_next = nullptr;
    QCheckBox *m_matchCase = nullptr;
    QLabel *m_count = nullptr;
};

} // namespace Tincan
