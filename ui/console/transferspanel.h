// The transfers panel: every file transfer of the console sessions, with a
// progress bar (TransferProgressDelegate), speed, ETA, state, the verified
// MD5, and Cancel.
#pragma once

#include <QStyledItemDelegate>
#include <QWidget>

class QPushButton;
class QTableView;

namespace Tincan {

class TransferListModel;

// Draws the Progress column as a progress bar with the column's text on it.
class TransferProgressDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

class TransfersPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransfersPanel)

public:
    explicit TransfersPanel(TransferListModel *model, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }
    QPushButton *cancelButton() const { return m_cancel; }

private:
    void updateButtons();

    TransferListModel *m_model;
    QTableView *m_view;
    QPushButton *m_cancel;
    QPushButton *m_clear;
};

} // namespace Tincan
