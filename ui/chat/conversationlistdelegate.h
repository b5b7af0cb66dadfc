// Draws a row of the conversation list: a round avatar with the initial, the
// name and address, the time of the last message, its first line, and a badge
// with the number of unread messages.
#pragma once

#include <QStyledItemDelegate>

namespace Tincan {

class ConversationListDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConversationListDelegate)

public:
    // Counts above this show as "99+".
    static constexpr qint64 MaxBadgeCount = 99;

    explicit ConversationListDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // The badge's text for `count` unread messages.
    static QString badgeText(qint64 count);
};

} // namespace Tincan
