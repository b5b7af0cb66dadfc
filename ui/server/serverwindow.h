// The operator's desk (menu Server → Server Window): the services with their
// Start/Stop toggles and states, the clients, the event log and the traffic of
// the selected client. The sockets live in ServerHub; this is only widgets.
#pragma once

#include "models/server/serverhub.h"

#include <QMainWindow>
#include <QPointer>
#include <QTimer>

#include <array>
#include <chrono>
#include <optional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QSplitter;
class QTableView;

namespace Tincan {

class ChatPeersLabel;

class ChatController;

class ServerWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerWindow)

public:
    // The traffic view is redrawn at most this often.
    static constexpr std::chrono::milliseconds TrafficRefreshInterval{200};
    static const QString SettingsGroup;

    // Reads the settings and starts the services that were running when the
    // window was last closed. A top-level window even with a parent.
    explicit ServerWindow(QWidget *parent = nullptr);
    ~ServerWindow() override;

    // Shows the window, or brings it to the front when already shown.
    void showAndRaise();

    // The chat belongs to the main window; its row here starts and stops it
    // and its peers join the clients table.
    void setChatController(ChatController *chat);

    // The address, port (0: any free port) and insecure flag a service starts
    // with next; what the user types, for tests and for `tincan --server`.
    void setServiceConfig(ServiceKind kind, const ServerHub::ServiceConfig &config);
    ServerHub::ServiceConfig serviceConfig(ServiceKind kind) const;

    // The console's password (null: none), kept in an owner-only file in the
    // app's data directory; it applies from the console's next start.
    void setConsolePassword(const PasswordHash &password);
    PasswordHash consolePassword() const { return m_consolePassword; }
    static QString consolePasswordPath();

    // The console's policy beyond address and password (every option of
    // `tincan-cli serve`), remembered in QSettings; it applies from the next start.
    void setConsolePolicy(const HostSettings &policy);
    HostSettings consolePolicy() const { return m_hub->consolePolicy(); }

    ServerHub *hub() const { return m_hub; }
    // The client whose traffic is shown.
    std::optional<ClientRef> selectedClient() const;

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct ServiceRow
    {
        QLineEdit *address = nullptr;
        QSpinBox *port = nullptr;
        QCheckBox *insecure = nullptr; // only for services that run commands
        QPushButton *toggle = nullptr;
        QLabel *state = nullptr;
    };

    QWidget *createServicesPanel();
    QWidget *createClientsPanel();
    QWidget *createTrafficPanel();
    QWidget *createLogPanel();

    void toggleService(ServiceKind kind);
    void updateServiceRow(ServiceKind kind);
    void updateClientActions();
    void showClientMenu(const QPoint &position);
    void killSelected();
    void disconnectSelected();
    void onSelectionChanged();
    void onTrafficCaptured(const ClientRef &ref);
    void renderTraffic();
    void copyLogLines();
    void saveLog();
    void editConsolePassword();
    void editConsolePolicy();
    void loadConsolePassword();
    // Whether the window keeps the service's address, port and running state.
    static bool ownsSettings(ServiceKind kind);

    void loadSettings();
    void saveSettings() const;

    ServerHub *m_hub;
    std::array<ServiceRow, AllServiceKinds.size()> m_rows;

    QSplitter *m_mainSplitter = nullptr;
    QSplitter *m_clientSplitter = nullptr;
    QSortFilterProxyModel *m_clientsProxy = nullptr;
    QPushButton *m_passwordButton = nullptr;
    ChatPeersLabel *m_chatPeers = nullptr;
    QLabel *m_fingerprint = nullptr;
    PasswordHash m_consolePassword;
    QTableView *m_clientsView = nullptr;
    QPushButton *m_killButton = nullptr;
    QPushButton *m_disconnectButton = nullptr;
    QLabel *m_trafficTitle = nullptr;
    QPlainTextEdit *m_trafficView = nullptr;
    QTimer m_trafficRefresh;
    bool m_trafficDirty = false;

    QLineEdit *m_logFilter = nullptr;
    QListView *m_logView = nullptr;
    QSortFilterProxyModel *m_logProxy = nullptr;
};

} // namespace Tincan
