#include "ui/console/transferspanel.h"

#include "models/console/transferlistmodel.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPainter>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace Tincan {

namespace {
// Progress bars are drawn in this many steps (per mille).
constexpr int ProgressSteps = 1000;
// Space around the progress bar's text.
constexpr int ProgressTextMargin = 24;
} // namespace

void TransferProgressDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                     const QModelIndex &index) const
{
    const QVariant fraction = index.data(TransferListModel::FractionRole);
    if (!fraction.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(1, 1, -1, -1);
    bar.minimum = 0;
    bar.maximum = ProgressSteps;
    bar.progress = qBound(0, int(fraction.toDouble() * ProgressSteps), ProgressSteps);
    bar.text = index.data(Qt::DisplayRole).toString();
    bar.textVisible = true;
    bar.state = option.state | QStyle::State_Horizontal;
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
}

TransfersPanel::TransfersPanel(TransferListModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new QTableView(this))
    , m_cancel(new QPushButton(tr("&Cancel Transfer"), this))
    , m_clear(new QPushButton(tr("C&lear Finished"), this))
{
    m_view->setObjectName(QStringLiteral("transfersView"));
    m_view->setModel(model);
    m_view->setItemDelegateForColumn(TransferListModel::ProgressColumn, new TransferProgressDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(TransferListModel::NameColumn, QHeaderView::Interactive);
    // Room for "100% of 1023.9 MB" on one line.
    m_view->horizontalHeader()->resizeSection(
        TransferListModel::ProgressColumn,
        m_view->fontMetrics().horizontalAdvance(QStringLiteral("100% of 1023.9 MB")) + ProgressTextMargin);
    m_cancel->setObjectName(QStringLiteral("cancelTransferButton"));
    m_clear->setObjectName(QStringLiteral("clearTransfersButton"));
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        const QModelIndex current = m_view->currentIndex();
        if (current.isValid())
            m_model->cancel(current.row());
    });
    connect(m_clear, &QPushButton::clicked, m_model, &TransferListModel::removeFinished);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &TransfersPanel::updateButtons);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &TransfersPanel::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &TransfersPanel::updateButtons);

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_clear);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    updateButtons();
}

void TransfersPanel::updateButtons()
{
    const QModelIndex current = m_view->currentIndex();
    m_cancel->setEnabled(current.isValid() && m_model->isActive(current.row()));
}

} // namespace Tincan
