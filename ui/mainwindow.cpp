#include "ui/mainwindow.h"

#include "chat/chatcontroller.h"
#include "models/console/transferlistmodel.h"
#include "models/server/serverhub.h"
#include "ui/chat/chatwidget.h"
#include "ui/chat/peerlistpane.h"
#include "ui/console/commandlineedit.h"
#include "ui/console/connectdialog.h"
#include "ui/console/consolesessionwidget.h"
#include "ui/console/rawconnectdialog.h"
#include "ui/console/rawsessionwidget.h"
#include "ui/console/transferspanel.h"
#include "ui/server/serverwindow.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QVBoxLayout>

namespace Tincan {

namespace {
const QString GeometryKey = QStringLiteral("MainWindow/geometry");
const QString StateKey = QStringLiteral("MainWindow/state");
// Rendered from resources/tincan.svg (see resources/render-icons.sh): Qt
// needs the optional SVG plugin to draw the SVG itself.
constexpr int IconSizes[] = {16, 24, 32, 48, 64, 128, 256};
constexpr int EmptyStateIconSize = 96;
constexpr int AboutIconSize = 64;
// Width of the empty state's text, in average characters.
constexpr int EmptyStateColumnChars = 60;
// The empty state's heading, relative to the normal font.
constexpr qreal HeadingScale = 1.4;
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : MainWindow(ChatController::defaultOptions(), parent)
{
}

MainWindow::MainWindow(const ChatController::Options &chat, QWidget *parent)
    : QMainWindow(parent)
    , m_chatController(new ChatController(chat, this))
{
    setWindowTitle(tr("Tincan"));

    m_sessionTabs = new QTabWidget(this);
    m_sessionTabs->setObjectName(QStringLiteral("sessionTabs"));
    m_sessionTabs->setTabsClosable(true);
    m_sessionTabs->setMovable(true);
    m_sessionTabs->setDocumentMode(true);
    m_sessionTabs->setElideMode(Qt::ElideRight);
    connect(m_sessionTabs, &QTabWidget::tabCloseRequested, this, &MainWindow::closeSession);
    connect(m_sessionTabs, &QTabWidget::currentChanged, this, &MainWindow::updateWindow);

    m_emptyState = createEmptyState();
    m_consoleStack = new QStackedWidget(this);
    m_consoleStack->addWidget(m_emptyState);
    m_consoleStack->addWidget(m_sessionTabs);

    m_pages = new QTabWidget(this);
    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->setDocumentMode(true);
    m_chat = new ChatWidget(m_chatController, m_pages);
    m_pages->addTab(m_chat, tr("Chat"));
    m_pages->addTab(m_consoleStack, tr("Console"));
    m_pages->setCurrentWidget(m_chat);
    connect(m_pages, &QTabWidget::currentChanged, this, &MainWindow::updateWindow);
    setCentralWidget(m_pages);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("windowStatusLabel"));
    statusBar()->addWidget(m_statusLabel, 1);

    // One transfers panel for every session, docked below; shown when a
    // transfer starts, hidden again from its title bar or the Session menu.
    m_transferModel = new TransferListModel(this);
    m_transfersDock = new QDockWidget(tr("Transfers"), this);
    m_transfersDock->setObjectName(QStringLiteral("transfersDock"));
    m_transfersDock->setWidget(new TransfersPanel(m_transferModel, m_transfersDock));
    addDockWidget(Qt::BottomDockWidgetArea, m_transfersDock);
    m_transfersDock->hide();

    createActions();
    createChat();
    // The operator's desk: a window of its own, made now so that services
    // left running at the last quit start again with the app.
    m_serverWindow = new ServerWindow(this);
    m_serverWindow->setChatController(m_chatController);
    // Peers learn from the presence announcement where this host's console listens.
    const auto announceConsole = [this] {
        const ServerHub *hub = m_serverWindow->hub();
        m_chatController->setConsolePort(hub->isRunning(ServiceKind::Console) ? hub->port(ServiceKind::Console) : 0);
    };
    connect(m_serverWindow->hub(), &ServerHub::stateChanged, this, announceConsole);
    announceConsole();
    createMenus();
    readSettings();
    updateWindow();
}

void MainWindow::showServerWindow()
{
    m_serverWindow->showAndRaise();
}

MainWindow::~MainWindow()
{
    // The chat's widgets refer to its controller: they go first. Tabs removed
    // while the window is taken apart must not update it.
    disconnect(m_pages, nullptr, this, nullptr);
    disconnect(m_sessionTabs, nullptr, this, nullptr);
    // The server window stops its services after the chat controller is gone.
    disconnect(m_serverWindow->hub(), nullptr, this, nullptr);
    delete m_chat;
    m_chat = nullptr;
}

QIcon MainWindow::applicationIcon()
{
    QIcon icon;
    for (int size : IconSizes)
        icon.addFile(QStringLiteral(":/icons/tincan-%1.png").arg(size), QSize(size, size));
    return icon;
}

QWidget *MainWindow::createEmptyState()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("emptyState"));

    auto *icon = new QLabel(page);
    icon->setPixmap(applicationIcon().pixmap(EmptyStateIconSize, EmptyStateIconSize));
    icon->setAlignment(Qt::AlignCenter);

    auto *heading = new QLabel(tr("No console sessions"), page);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * HeadingScale);
    headingFont.setBold(true);
    heading->setFont(headingFont);
    heading->setAlignment(Qt::AlignCenter);

    auto *text = new QLabel(tr("Connect to a Tincan console server to run shell commands on it "
                               "and watch their output as it arrives."),
                            page);
    text->setWordWrap(true);
    text->setAlignment(Qt::AlignCenter);
    text->setForegroundRole(QPalette::PlaceholderText);

    auto *button = new QPushButton(tr("New Console Session…"), page);
    button->setObjectName(QStringLiteral("newSessionButton"));
    button->setDefault(true);
    connect(button, &QPushButton::clicked, this, &MainWindow::newSession);

    // A column of limited width, so that the sentence does not span a wide
    // window; centred by the stretches around it.
    auto *column = new QWidget(page);
    column->setMaximumWidth(text->fontMetrics().averageCharWidth() * EmptyStateColumnChars);
    auto *columnLayout = new QVBoxLayout(column);
    columnLayout->addWidget(icon);
    columnLayout->addSpacing(8);
    columnLayout->addWidget(heading);
    columnLayout->addWidget(text);
    columnLayout->addSpacing(12);
    columnLayout->addWidget(button, 0, Qt::AlignHCenter);

    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(column, 2);
    row->addStretch(1);
    auto *layout = new QVBoxLayout(page);
    layout->addStretch(1);
    layout->addLayout(row);
    layout->addStretch(2);
    return page;
}

void MainWindow::createActions()
{
    const auto makeAction = [this](const QString &name, const QString &text, const QKeySequence &shortcut) {
        auto *action = new QAction(text, this);
        action->setObjectName(name);
        action->setShortcut(shortcut);
        return action;
    };

    m_newSessionAction = makeAction(QStringLiteral("newSessionAction"), tr("&New Console Session…"),
                                    QKeySequence(Qt::ControlModifier | Qt::Key_T));
    connect(m_newSessionAction, &QAction::triggered, this, &MainWindow::newSession);
    m_newRawSessionAction = makeAction(QStringLiteral("newRawSessionAction"), tr("New &Raw Session…"),
                                       QKeySequence(Qt::ControlModifier | Qt::ShiftModifier | Qt::Key_T));
    m_newRawSessionAction->setStatusTip(tr("A plain TCP or UDP session, like netcat, for echo servers and "
                                           "other unframed programs"));
    connect(m_newRawSessionAction, &QAction::triggered, this, &MainWindow::newRawSession);
    m_closeSessionAction = makeAction(QStringLiteral("closeSessionAction"), tr("&Close Session"),
                                      QKeySequence(Qt::ControlModifier | Qt::Key_W));
    connect(m_closeSessionAction, &QAction::triggered, this, &MainWindow::closeCurrentSession);
    m_quitAction = makeAction(QStringLiteral("quitAction"), tr("&Quit"), QKeySequence(Qt::ControlModifier | Qt::Key_Q));
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &MainWindow::close);

    m_reconnectAction = makeAction(QStringLiteral("reconnectAction"), tr("&Reconnect"),
                                   QKeySequence(Qt::ControlModifier | Qt::Key_R));
    connect(m_reconnectAction, &QAction::triggered, this, [this] {
        if (ConsoleSessionWidget *session = currentSession())
            session->reconnect();
    });
    // In the pane and the input line the session widget handles these keys
    // itself, so that they still copy there while nothing runs.
    m_cancelAction = makeAction(QStringLiteral("cancelCommandAction"), tr("C&ancel Command"),
                                QKeySequence(ConsoleSessionWidget::CancelKey));
    connect(m_cancelAction, &QAction::triggered, this, [this] {
        if (ConsoleSessionWidget *session = currentSession())
            session->cancelLatestCommand();
    });
    m_copyAction = makeAction(QStringLiteral("copyAction"), tr("C&opy"), QKeySequence(ConsoleSessionWidget::CopyKey));
    connect(m_copyAction, &QAction::triggered, this, [this] {
        if (ConsoleSessionWidget *session = currentSession())
            session->copy();
    });
    m_clearAction
        = makeAction(QStringLiteral("clearAction"), tr("C&lear"), QKeySequence(Qt::ControlModifier | Qt::Key_L));
    connect(m_clearAction, &QAction::triggered, this, [this] {
        if (ConsoleSessionWidget *session = currentSession())
            session->clear();
    });

    m_downloadAction = makeAction(QStringLiteral("downloadAction"), tr("&Download File…"), QKeySequence());
    m_downloadAction->setStatusTip(tr("Fetch a file from the server; drop files on a session to upload them"));
    connect(m_downloadAction, &QAction::triggered, this, [this] {
        if (ConsoleSessionWidget *session = currentSession())
            session->askDownload();
    });

    m_aboutAction = makeAction(QStringLiteral("aboutAction"), tr("&About Tincan"), QKeySequence());
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::showAbout);
    m_serverWindowAction = makeAction(QStringLiteral("serverWindowAction"), tr("Server &Window"),
                                      QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    m_serverWindowAction->setStatusTip(tr("Run the console, echo and UDP command servers, and watch their clients"));
    connect(m_serverWindowAction, &QAction::triggered, this, &MainWindow::showServerWindow);

    m_aboutQtAction = makeAction(QStringLiteral("aboutQtAction"), tr("About &Qt"), QKeySequence());
    m_aboutQtAction->setMenuRole(QAction::AboutQtRole);
    connect(m_aboutQtAction, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::createChat()
{
    m_chatStatusLabel = new QLabel(this);
    m_chatStatusLabel->setObjectName(QStringLiteral("chatStatusLabel"));
    statusBar()->addPermanentWidget(m_chatStatusLabel);
    connect(m_chatController, &ChatController::statusChanged, this, &MainWindow::updateChatStatus);
    connect(m_chatController, &ChatController::problemsChanged, this, &MainWindow::updateChatStatus);
    updateChatStatus();
    // Said in the status bar too, so that it is seen from any page (the
    // banner has the details; a taken port is in the permanent label). Queued:
    // a message shown before the window is would not hide the other widgets.
    if (!m_chatController->hasHistory()) {
        QMetaObject::invokeMethod(
            this,
            [this] {
                statusBar()->showMessage(
                    m_chatController->isHistoryTurnedOff()
                        ? tr("The chat history is turned off: messages are not kept.")
                        : tr("The chat history could not be opened: messages are not kept. The Chat tab says why."),
                    NotificationTimeoutMs);
            },
            Qt::QueuedConnection);
    }

    connect(m_chat, &ChatWidget::unreadCountChanged, this, &MainWindow::updateWindow);
    connect(m_chat, &ChatWidget::currentConversationChanged, this, &MainWindow::updateWindow);
    connect(m_chat, &ChatWidget::unreadMessageArrived, this, &MainWindow::notifyUnread);

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_trayIcon = new QSystemTrayIcon(applicationIcon(), this);
        m_trayIcon->setToolTip(tr("Tincan"));
        connect(m_trayIcon, &QSystemTrayIcon::messageClicked, this, [this] { showChat(m_notifiedConversation); });
        connect(m_trayIcon, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
            if (reason == QSystemTrayIcon::Trigger)
                showChat();
        });
        m_trayIcon->show();
    }
}

void MainWindow::updateChatStatus()
{
    m_chatStatusLabel->setText(m_chatController->statusText());
    m_chatStatusLabel->setToolTip(m_chatController->statusDetails());
}

void MainWindow::showChat(const QString &conversation)
{
    if (isMinimized())
        showNormal();
    raise();
    activateWindow();
    m_pages->setCurrentWidget(m_chat);
    if (!conversation.isEmpty())
        m_chat->openConversation(conversation);
}

void MainWindow::notifyUnread(const QString &conversation, const QString &title, const QString &text)
{
    QString preview = text.simplified();
    if (preview.size() > NotificationPreviewChars)
        preview = tr("%1…").arg(preview.left(NotificationPreviewChars));
    if (m_trayIcon) {
        m_notifiedConversation = conversation;
        m_trayIcon->showMessage(tr("Message from %1").arg(title), preview, QSystemTrayIcon::Information,
                                NotificationTimeoutMs);
    } else {
        statusBar()->showMessage(tr("New message from %1: %2").arg(title, preview), NotificationTimeoutMs);
    }
    if (!isActiveWindow())
        QApplication::alert(this);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_newSessionAction);
    file->addAction(m_newRawSessionAction);
    file->addAction(m_closeSessionAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu *session = menuBar()->addMenu(tr("&Session"));
    session->addAction(m_reconnectAction);
    session->addAction(m_cancelAction);
    session->addSeparator();
    session->addAction(m_copyAction);
    session->addAction(m_clearAction);
    session->addSeparator();
    session->addAction(m_downloadAction);
    session->addAction(m_transfersDock->toggleViewAction());

    QMenu *chat = menuBar()->addMenu(tr("&Chat"));
    chat->addAction(m_chat->addContactAction());
    chat->addAction(m_chat->editContactAction());
    chat->addAction(m_chat->removeContactAction());
    chat->addAction(m_chat->saveAsContactAction());
    chat->addSeparator();
    PeerListPane *people = m_chat->peerListPane();
    chat->addAction(people->refreshAction());
    chat->addAction(people->findPeersAction());
    chat->addAction(people->diagnosticsAction());
    chat->addAction(people->awayAction());
    chat->addSeparator();
    chat->addAction(m_chat->settingsAction());

    QMenu *server = menuBar()->addMenu(tr("Se&rver"));
    server->addAction(m_serverWindowAction);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAction);
    help->addAction(m_aboutQtAction);
}

ConsoleSessionWidget *MainWindow::currentSession() const
{
    return qobject_cast<ConsoleSessionWidget *>(m_sessionTabs->currentWidget());
}

QList<ConsoleSessionWidget *> MainWindow::sessions() const
{
    QList<ConsoleSessionWidget *> result;
    for (int i = 0; i < m_sessionTabs->count(); ++i) {
        if (auto *session = qobject_cast<ConsoleSessionWidget *>(m_sessionTabs->widget(i)))
            result.append(session);
    }
    return result;
}

void MainWindow::newSession()
{
    // Opened window-modal without a nested event loop.
    auto *dialog = new ConnectDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        openSession(dialog->host(), dialog->port(), dialog->mode(), dialog->password(), dialog->tlsMode());
    });
    dialog->open();
}

QString MainWindow::knownHostsPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/known_hosts");
}

void MainWindow::newRawSession()
{
    auto *dialog = new RawConnectDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { openRawSession(dialog->host(), dialog->port(), dialog->transport()); });
    dialog->open();
}

RawSessionWidget *MainWindow::openRawSession(const QString &host, quint16 port, RawSession::Transport transport)
{
    auto *session = new RawSessionWidget(m_sessionTabs);
    session->open(host, port, transport);
    const int index = m_sessionTabs->addTab(session, session->address());
    connect(session, &RawSessionWidget::statusChanged, this, [this, session] {
        const int at = m_sessionTabs->indexOf(session);
        if (at >= 0)
            m_sessionTabs->setTabToolTip(at, session->statusText());
        updateWindow();
    });
    m_sessionTabs->setCurrentIndex(index);
    m_pages->setCurrentWidget(m_consoleStack);
    updateWindow();
    session->setFocus();
    return session;
}

ConsoleSessionWidget *MainWindow::openSession(const QString &host, quint16 port, ConsoleClient::Mode mode,
                                              const QString &password, ConsoleClient::TlsMode tls)
{
    auto *session = new ConsoleSessionWidget(m_sessionTabs);
    session->client()->setTls(tls);
    session->setTransferModel(m_transferModel);
    connect(session, &ConsoleSessionWidget::transferAdded, m_transfersDock, &QDockWidget::show);
    if (!password.isEmpty())
        session->client()->setPassword(password);
    session->client()->setKnownHostsPath(knownHostsPath());
    // The session asks for a password or for trust itself, in dialogs over it.
    connect(session, &ConsoleSessionWidget::statusChanged, this, [this, session] {
        updateSessionTab(session);
        updateWindow();
    });
    connect(session, &ConsoleSessionWidget::runningCommandCountChanged, this, [this, session] {
        updateSessionTab(session);
        updateWindow();
    });
    session->connectToServer(host, port, mode);
    const int index = m_sessionTabs->addTab(session, session->address());
    updateSessionTab(session);
    m_sessionTabs->setCurrentIndex(index);
    m_pages->setCurrentWidget(m_consoleStack);
    updateWindow();
    session->setFocus();
    return session;
}

void MainWindow::updateSessionTab(ConsoleSessionWidget *session)
{
    const int index = m_sessionTabs->indexOf(session);
    if (index < 0)
        return;
    const bool failed
        = session->state() == ConsoleClient::State::Disconnected && !session->client()->errorString().isEmpty();
    QString title = session->address();
    if (session->mode() == ConsoleClient::Mode::Classic)
        title = tr("%1 (classic)").arg(title);
    m_sessionTabs->setTabText(index, title);
    m_sessionTabs->setTabIcon(index, ConsoleSessionWidget::stateIcon(session->state(), failed));
    m_sessionTabs->setTabToolTip(index, session->statusText());
}

void MainWindow::updateWindow()
{
    if (!m_chat)
        return; // being destroyed
    // Session commands act on the Console page only, not behind the chat.
    const bool chatShown = m_pages->currentWidget() == m_chat;
    ConsoleSessionWidget *session = chatShown ? nullptr : currentSession();
    m_consoleStack->setCurrentWidget(m_sessionTabs->count() > 0 ? static_cast<QWidget *>(m_sessionTabs) : m_emptyState);
    const qint64 unread = m_chat->totalUnread();
    m_pages->setTabText(m_pages->indexOf(m_chat), unread > 0 ? tr("Chat (%1)").arg(unread) : tr("Chat"));
    if (chatShown) {
        const QString conversation = m_chat->currentTitle();
        setWindowTitle(conversation.isEmpty() ? tr("Tincan") : tr("%1 — Tincan").arg(conversation));
        m_statusLabel->clear(); // the chat's own status is the permanent label
    } else if (session) {
        setWindowTitle(tr("%1 — Tincan").arg(session->address()));
        QString status = session->statusText();
        if (const int running = session->runningCommandCount(); running == 1)
            status = tr("%1 · 1 command running").arg(status);
        else if (running > 1)
            status = tr("%1 · %n commands running", nullptr, running).arg(status);
        m_statusLabel->setText(status);
    } else if (auto *raw = chatShown ? nullptr : qobject_cast<RawSessionWidget *>(m_sessionTabs->currentWidget())) {
        setWindowTitle(tr("%1 — Tincan").arg(raw->address()));
        m_statusLabel->setText(raw->statusText());
    } else {
        setWindowTitle(tr("Tincan"));
        m_statusLabel->setText(tr("No console session. Press %1 to open one.")
                                   .arg(m_newSessionAction->shortcut().toString(QKeySequence::NativeText)));
    }
    if (unread > 0)
        setWindowTitle(tr("(%1) %2").arg(unread).arg(windowTitle()));
    m_closeSessionAction->setEnabled(!chatShown && m_sessionTabs->currentWidget());
    m_reconnectAction->setEnabled(session && session->canReconnect());
    m_cancelAction->setEnabled(session && session->runningCommandCount() > 0);
    m_copyAction->setEnabled(session);
    m_clearAction->setEnabled(session);
    m_downloadAction->setEnabled(session && session->client()->mode() == ConsoleClient::Mode::Tincan
                                 && session->state() == ConsoleClient::State::Ready);
}

void MainWindow::closeCurrentSession()
{
    closeSession(m_sessionTabs->currentIndex());
}

void MainWindow::closeSession(int index)
{
    if (auto *raw = qobject_cast<RawSessionWidget *>(m_sessionTabs->widget(index))) {
        m_sessionTabs->removeTab(index);
        raw->deleteLater(); // nothing runs remotely: no question to ask
        updateWindow();
        return;
    }
    QPointer<ConsoleSessionWidget> session = qobject_cast<ConsoleSessionWidget *>(m_sessionTabs->widget(index));
    if (!session)
        return;
    const int running = session->runningCommandCount();
    const QString detail = running == 1
        ? tr("A command is still running in %1. Closing the session stops it.").arg(session->address())
        : tr("%n commands are still running in %1. Closing the session stops them.", nullptr, running)
              .arg(session->address());
    confirmStoppingCommands(running, tr("Close this session?"), detail, tr("&Close Session"), [this, session] {
        if (session)
            removeSession(session);
    });
}

void MainWindow::removeSession(ConsoleSessionWidget *session)
{
    m_sessionTabs->removeTab(m_sessionTabs->indexOf(session));
    // Closing the connection makes the server stop the session's commands.
    session->deleteLater();
    updateWindow();
    if (ConsoleSessionWidget *next = currentSession())
        next->setFocus();
}

void MainWindow::confirmStoppingCommands(int running, const QString &question, const QString &detail,
                                         const QString &acceptText, std::function<void()> action)
{
    if (running == 0) {
        action();
        return;
    }
    auto *box = new QMessageBox(QMessageBox::Question, tr("Commands Still Running"), question,
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setInformativeText(detail);
    box->button(QMessageBox::Yes)->setText(acceptText);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [action = std::move(action)](int result) {
        if (result == QMessageBox::Yes)
            action();
    });
    box->open();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    int running = 0;
    for (ConsoleSessionWidget *session : sessions())
        running += session->runningCommandCount();
    if (running > 0 && !m_quitConfirmed) {
        event->ignore();
        const QString detail = running == 1
            ? tr("A command is still running. Quitting stops it.")
            : tr("%n commands are still running. Quitting stops them.", nullptr, running);
        confirmStoppingCommands(running, tr("Quit Tincan?"), detail, tr("&Quit"), [this] {
            m_quitConfirmed = true;
            close();
        });
        return;
    }
    writeSettings();
    event->accept();
}

void MainWindow::showAbout()
{
    auto *box = new QMessageBox(this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowTitle(tr("About Tincan"));
    box->setIconPixmap(applicationIcon().pixmap(AboutIconSize, AboutIconSize));
    box->setTextFormat(Qt::RichText);
    box->setText(
        tr("<h3>Tincan %1</h3>"
           "<p>Chat, serve and run remote commands over sockets.</p>"
           "<p>Built with Qt %2, running on Qt %3.</p>")
            .arg(QStringLiteral(TINCAN_VERSION), QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion())));
    box->open();
}

void MainWindow::readSettings()
{
    const QSettings settings;
    if (!restoreGeometry(settings.value(GeometryKey).toByteArray()))
        resize(DefaultSize);
    restoreState(settings.value(StateKey).toByteArray());
}

void MainWindow::writeSettings() const
{
    QSettings settings;
    settings.setValue(GeometryKey, saveGeometry());
    settings.setValue(StateKey, saveState());
}

} // namespace Tincan
