// Draws a ConversationModel's messages as chat bubbles: word-wrapped, the
// user's own on the right and tinted, the others' on the left, each under its
// sender and time; under an own message its delivery state, and a Retry
// button when it failed.
#pragma once

#include <QStyledItemDelegate>

class QAbstractItemView;
class QTextLayout;

namespace Tincan {

class MessageDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessageDelegate)

public:
    // A bubble takes at most this share of the view's width.
    static constexpr qreal MaxBubbleWidthRatio = 0.72;

    // Bubbles wrap to the width of `view`'s viewport.
    explicit MessageDelegate(QAbstractItemView *view);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // Where the Retry button of a failed message is, in the viewport's
    // coordinates; empty when the message has none.
    QRect retryButtonRect(const QModelIndex &index) const;

Q_SIGNALS:
    void retryClicked(const QModelIndex &index);

protected:
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                     const QModelIndex &index) override;

private:
    struct Geometry
    {
        QRect header; // sender and time
        QRect bubble;
        QRect text;   // inside the bubble
        QRect status; // own messages: the delivery state
        QRect retry;  // failed own messages
        int height = 0;
    };

    Geometry geometry(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    QFont smallFont(const QFont &font) const;
    QString headerText(const QModelIndex &index) const;
    int viewportWidth(const QStyleOptionViewItem &option) const;

    QAbstractItemView *m_view;
};

} // namespace Tincan
