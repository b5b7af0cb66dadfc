// The main window: menus, a status bar, the Chat page (first: the chat is the
// heart of the app) and the Console page holding one tab per console session
// (or an invitation to open one).
#pragma once

#include "chat/chatcontroller.h"
#include "net/console/consoleclient.h"
#include "net/services/rawsession.h"

#include <QList>
#include <QMainWindow>
#include <QSize>

#include <functional>

class QAction;
class QDockWidget;
class QLabel;
class QStackedWidget;
class QSystemTrayIcon;
class QTabWidget;

namespace Tincan {

class ChatWidget;
class ConsoleSessionWidget;
class ServerWindow;
class TransferListModel;
class RawSessionWidget;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // Size on first start, before any geometry is remembered.
    static constexpr QSize DefaultSize{960, 640};

    // How long a new message's notification shows in the status bar.
    static constexpr int NotificationTimeoutMs = 10'000;
    // A notification shows the start of the message, this many characters.
    static constexpr qsizetype NotificationPreviewChars = 120;

    // The chat as the app runs it: ChatController::defaultOptions().
    explicit MainWindow(QWidget *parent = nullptr);
    // The chat on given terms (a history file, a port), as the tests run it.
    explicit MainWindow(const ChatController::Options &chat, QWidget *parent = nullptr);
    ~MainWindow() override;

    // The application's icon, at every size it ships in.
    static QIcon applicationIcon();
    // Where the desktop app keeps its pins of console servers.
    static QString knownHostsPath();

    // Opens a session tab, makes it current and starts connecting.
    ConsoleSessionWidget *openSession(const QString &host, quint16 port,
                                      ConsoleClient::Mode mode = ConsoleClient::Mode::Tincan,
                                      const QString &password = {},
                                      ConsoleClient::TlsMode tls = ConsoleClient::TlsMode::Auto);
    // Opens a raw (netcat-like) TCP or UDP session tab.
    RawSessionWidget *openRawSession(const QString &host, quint16 port, RawSession::Transport transport);
    ConsoleSessionWidget *currentSession() const;
    QList<ConsoleSessionWidget *> sessions() const;
    QTabWidget *sessionTabs() const { return m_sessionTabs; }

    QTabWidget *pages() const { return m_pages; }
    ChatController *chatController() const { return m_chatController; }
    ChatWidget *chatWidget() const { return m_chat; }
    // Shows the server window (menu Server → Server Window, `tincan --server`).
    void showServerWindow();
    ServerWindow *serverWindow() const { return m_serverWindow; }
    // The file transfers of every session, and the dock that shows them.
    TransferListModel *transferModel() const { return m_transferModel; }
    QDockWidget *transfersDock() const { return m_transfersDock; }
    // Brings the Chat page to the front, with `conversation` open if given.
    void showChat(const QString &conversation = QString());

public Q_SLOTS:
    // Asks where to connect, then opens a session.
    void newSession();
    void newRawSession();
    // Closes a session tab, after asking when commands still run in it.
    void closeSession(int index);
    void closeCurrentSession();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createMenus();
    QWidget *createEmptyState();
    void updateSessionTab(ConsoleSessionWidget *session);
    void updateWindow();
    void removeSession(ConsoleSessionWidget *session);
    // Runs `action` now when nothing runs, else after the user agrees.
    void confirmStoppingCommands(int running, const QString &question, const QString &detail, const QString &acceptText,
                                 std::function<void()> action);
    void createChat();
    void updateChatStatus();
    // Tells the user of a message they have not seen: tray or status bar.
    void notifyUnread(const QString &conversation, const QString &title, const QString &text);
    void showAbout();
    void readSettings();
    void writeSettings() const;

    QTabWidget *m_pages = nullptr;
    QStackedWidget *m_consoleStack = nullptr;
    QWidget *m_emptyState = nullptr;
    QTabWidget *m_sessionTabs = nullptr;
    QLabel *m_statusLabel = nullptr;
    ChatController *m_chatController = nullptr;
    ChatWidget *m_chat = nullptr;
    QLabel *m_chatStatusLabel = nullptr;
    ServerWindow *m_serverWindow = nullptr;
    QAction *m_serverWindowAction = nullptr;
    QAction *m_newRawSessionAction = nullptr;
    QSystemTrayIcon *m_trayIcon = nullptr;
    QString m_notifiedConversation; // of the tray's last message

    QAction *m_newSessionAction = nullptr;
    QAction *m_closeSessionAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_reconnectAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_copyAction = nullptr;
    QAction *m_clearAction = nullptr;
    QAction *m_downloadAction = nullptr;
    TransferListModel *m_transferModel = nullptr;
    QDockWidget *m_transfersDock = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_aboutQtAction = nullptr;

    bool m_quitConfirmed = false;
};

} // namespace Tincan
