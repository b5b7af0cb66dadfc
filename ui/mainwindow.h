// The main window: menus, a status bar, and the Console page holding one tab
// per console session (or an invitation to open one).
#pragma once

#include "consoleclient.h"

#include <QList>
#include <QMainWindow>
#include <QSize>

#include <functional>

class QAction;
class QLabel;
class QStackedWidget;
class QTabWidget;

namespace Tincan {

class ConsoleSessionWidget;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // Size on first start, before any geometry is remembered.
    static constexpr QSize DefaultSize { 960, 640 };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // The application's icon, at every size it ships in.
    static QIcon applicationIcon();

    // Opens a session tab, makes it current and starts connecting.
    ConsoleSessionWidget *openSession(
        const QString &host, quint16 port, ConsoleClient::Mode mode = ConsoleClient::Mode::Tincan);
    ConsoleSessionWidget *currentSession() const;
    QList<ConsoleSessionWidget *> sessions() const;
    QTabWidget *sessionTabs() const { return m_sessionTabs; }

public Q_SLOTS:
    // Asks where to connect, then opens a session.
    void newSession();
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
    void showAbout();
    void readSettings();
    void writeSettings() const;

    QTabWidget *m_pages = nullptr;
    QStackedWidget *m_consoleStack = nullptr;
    QWidget *m_emptyState = nullptr;
    QTabWidget *m_sessionTabs = nullptr;
    QLabel *m_statusLabel = nullptr;

    QAction *m_newSessionAction = nullptr;
    QAction *m_closeSessionAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_reconnectAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_copyAction = nullptr;
    QAction *m_clearAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_aboutQtAction = nullptr;

    bool m_quitConfirmed = false;
};

} // namespace Tincan
