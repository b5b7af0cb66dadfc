#include "ui/chat/peerlistpane.h"

#include "chat/chatcontroller.h"
#include "models/chat/peerlistmodel.h"
#include "ui/chat/findpeersdialog.h"
#include "ui/chat/idlewatcher.h"
#include "ui/chat/landiagnosticsdialog.h"
#include "ui/chat/peerlistdelegate.h"

#include <QAction>
#include <QLabel>
#include <QListView>
#include <QToolBar>
#include <QVBoxLayout>

namespace Tincan {

PeerListPane::PeerListPane(ChatController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
{
    setObjectName(QStringLiteral("peerListPane"));
    m_model = new PeerListModel(m_controller, this);
    m_idle = new IdleWatcher(this);
    createActions();

    auto *toolBar = new QToolBar(this);
    toolBar->setObjectName(QStringLiteral("peerToolBar"));
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolBar->addAction(m_refreshAction);
    toolBar->addAction(m_findAction);
    toolBar->addAction(m_diagnosticsAction);
    toolBar->addSeparator();
    toolBar->addAction(m_awayAction);

    m_view = new QListView(this);
    m_view->setObjectName(QStringLiteral("peerList"));
    m_view->setModel(m_model);
    m_view->setItemDelegate(new PeerListDelegate(m_view));
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setFrameShape(QFrame::NoFrame);
    // Enter, or a double-click (a single click where the style says so).
    connect(m_view, &QAbstractItemView::activated, this, &PeerListPane::activate);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("peerListStatus"));
    m_status->setContentsMargins(6, 3, 6, 3);
    m_status->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(toolBar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);

    connect(m_model, &PeerListModel::peersChanged, this, &PeerListPane::updateStatus);
    // A peer that comes or goes resets the list: the current row stays where it was, by key.
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this,
            [this] { m_currentKey = m_view->currentIndex().data(PeerListModel::KeyRole).toString(); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (const QModelIndex index = m_model->indexOf(m_currentKey); index.isValid())
            m_view->setCurrentIndex(index);
    });
    connect(m_controller, &ChatController::directoryChanged, this, &PeerListPane::updateStatus);
    connect(m_idle, &IdleWatcher::idleChanged, this, &PeerListPane::updateAway);
    updateStatus();
}

PeerListPane::~PeerListPane()
{
    m_model->disconnect(this);
}

void PeerListPane::createActions()
{
    m_refreshAction = new QAction(tr("&Refresh"), this);
    m_refreshAction->setObjectName(QStringLiteral("refreshPeersAction"));
    m_refreshAction->setToolTip(tr("Ask everyone on the LAN again who is there"));
    m_refreshAction->setShortcut(QKeySequence::Refresh);
    m_refreshAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(m_refreshAction, &QAction::triggered, this, &PeerListPane::refresh);
    addAction(m_refreshAction); // F5 anywhere in the pane
    m_findAction = new QAction(tr("&Find Peers…"), this);
    m_findAction->setIconText(tr("Find…"));
    m_findAction->setObjectName(QStringLiteral("findPeersAction"));
    m_findAction->setToolTip(tr("Ask a range of addresses, for networks that announcements do not reach"));
    connect(m_findAction, &QAction::triggered, this, &PeerListPane::showFindPeers);
    m_diagnosticsAction = new QAction(tr("LAN &Diagnostics…"), this);
    m_diagnosticsAction->setIconText(tr("Diagnostics…"));
    m_diagnosticsAction->setObjectName(QStringLiteral("lanDiagnosticsAction"));
    m_diagnosticsAction->setToolTip(
        tr("What is announced and heard on each interface, and why someone may be missing"));
    connect(m_diagnosticsAction, &QAction::triggered, this, &PeerListPane::showDiagnostics);
    m_awayAction = new QAction(tr("&Away"), this);
    m_awayAction->setObjectName(QStringLiteral("awayAction"));
    m_awayAction->setCheckable(true);
    m_awayAction->setToolTip(tr("Tell everyone you are away. Tincan says so by itself after %n minutes without "
                                "use, and no longer once you are back.",
                                nullptr, int(IdleWatcher::DefaultIdleTime.count())));
    connect(m_awayAction, &QAction::toggled, this, &PeerListPane::updateAway);
}

void PeerListPane::updateAway()
{
    const bool away = m_awayAction->isChecked() || m_idle->isIdle();
    if (away != m_controller->isAway())
        m_controller->setAway(away);
    updateStatus();
}

void PeerListPane::updateStatus()
{
    const Lan::PeerDirectory *directory = m_controller->directory();
    QString text;
    if (!directory)
        text = tr("Finding peers is off (Settings…).");
    else if (m_model->peerCount() == 0)
        text = tr("No one heard on the LAN yet.");
    else
        text = tr("%n here now", nullptr, int(m_model->onlineCount()));
    if (m_controller->isAway())
        text = tr("%1 · you are away").arg(text);
    m_status->setText(text);
    m_refreshAction->setEnabled(directory != nullptr);
}

void PeerListPane::refresh()
{
    if (Lan::PeerDirectory *directory = m_controller->directory())
        directory->refresh();
}

void PeerListPane::showFindPeers()
{
    auto *dialog = new FindPeersDialog(m_controller, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void PeerListPane::showDiagnostics()
{
    auto *dialog = new LanDiagnosticsDialog(m_controller, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void PeerListPane::activate(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    const auto kind = index.data(PeerListModel::KindRole).value<PeerListModel::RowKind>();
    if (kind == PeerListModel::RowKind::Contact) {
        Q_EMIT conversationRequested(index.data(PeerListModel::KeyRole).toString());
        return;
    }
    if (kind != PeerListModel::RowKind::Peer)
        return;
    if (const auto peer = m_model->peerAt(index))
        Q_EMIT conversationRequested(m_controller->conversationForPeer(*peer));
}

} // namespace Tincan
