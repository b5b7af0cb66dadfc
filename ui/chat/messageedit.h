// The chat's input box: Enter sends, Shift+Enter starts a new line, as in
// most chat programs. It only asks for sending; the Chat tab decides.
#pragma once

#include <QPlainTextEdit>

namespace Tincan {

class MessageEdit final : public QPlainTextEdit
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessageEdit)

public:
    // Height of the box, in lines of text.
    static constexpr int VisibleLines = 3;

    explicit MessageEdit(QWidget *parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    // Enter was pressed (without Shift): the text should be sent.
    void sendRequested();

protected:
    void keyPressEvent(QKeyEvent *event) override;
};

} // namespace Tincan
