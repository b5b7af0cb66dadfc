// Paints the people list (PeerListModel) as a messenger does: a small heading per group, and
// per person a state dot (green online, amber away, grey offline, hollow when never heard), the
// name, the host and address under it, and the protocol on the right.
#pragma once

#include <QStyledItemDelegate>

namespace Tincan {

class PeerListDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PeerListDelegate)

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // The dot's colour for a PeerListModel::State (also used by the tests).
    static QColor stateColor(int state);
};

} // namespace Tincan
