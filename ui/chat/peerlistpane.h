// The Chat tab's "People" page: the live list of contacts and LAN peers (PeerListModel), with
// Refresh, Find Peers…, LAN Diagnostics… and the Away toggle above it. Double-click or Enter on
// someone asks for the conversation with them. Away is also said by itself after
// IdleWatcher::DefaultIdleTime without input in the app, until the user is back.
#pragma once

#include <QString>
#include <QWidget>

class QAction;
class QLabel;
class QListView;
class QModelIndex;

namespace Tincan {

class ChatController;
class IdleWatcher;
class PeerListModel;

class PeerListPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PeerListPane)

public:
    explicit PeerListPane(ChatController *controller, QWidget *parent = nullptr);
    ~PeerListPane() override;

    PeerListModel *model() const { return m_model; }
    QListView *view() const { return m_view; }
    IdleWatcher *idleWatcher() const { return m_idle; }
    QAction *refreshAction() const { return m_refreshAction; }
    QAction *findPeersAction() const { return m_findAction; }
    QAction *diagnosticsAction() const { return m_diagnosticsAction; }
    QAction *awayAction() const { return m_awayAction; }

public Q_SLOTS:
    void refresh();
    void showFindPeers();
    void showDiagnostics();
    // Opens (or creates) the conversation with the person at `index`.
    void activate(const QModelIndex &index);

Q_SIGNALS:
    void conversationRequested(const QString &key);

private:
    void createActions();
    void updateAway();
    void updateStatus();

    ChatController *m_controller;
    PeerListModel *m_model = nullptr;
    IdleWatcher *m_idle = nullptr;
    QListView *m_view = nullptr;
    QLabel *m_status = nullptr;
    QAction *m_refreshAction = nullptr;
    QAction *m_findAction = nullptr;
    QAction *m_diagnosticsAction = nullptr;
    QAction *m_awayAction = nullptr;
    QString m_currentKey; // kept across a reset of the list
};

} // namespace Tincan
