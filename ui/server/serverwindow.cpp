#include "ui/server/serverwindow.h"

#include "chat/chatcontroller.h"
#include "ui/server/chatpeerslabel.h"
#include "ui/server/consolepassworddialog.h"
#include "ui/server/consolesettingsdialog.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableView>
#include <QTextBlock>
#include <QTextCursor>
#include <QVBoxLayout>

#include <algorithm>

namespace Tincan {

const QString ServerWindow::SettingsGroup = QStringLiteral("ServerWindow");

namespace {
const QString DefaultAddress = QStringLiteral("127.0.0.1");
const QString AddressKey = QStringLiteral("address");
const QString PortKey = QStringLiteral("port");
const QString InsecureKey = QStringLiteral("insecure");
const QString RunningKey = QStringLiteral("running");
const QString GeometryKey = QStringLiteral("geometry");
const QString MainSplitterKey = QStringLiteral("mainSplitter");
const QString ClientSplitterKey = QStringLiteral("clientSplitter");

constexpr int MaxPort = 65535;
const QSize DefaultSize(1100, 760);
// Share of the height: services, clients and traffic, log.
constexpr std::array<int, 3> MainSplitterSizes = {170, 380, 210};
constexpr std::array<int, 2> ClientSplitterSizes = {640, 460};
// Column widths of the clients table, fixed: sizing to contents redoes the
// measuring on every refresh, which a flood makes frequent.
constexpr std::array<int, ClientTableModel::ColumnCount - 1> ClientColumnWidths = {150, 90, 65, 70, 70, 70};

const QColor InColor(0x1a, 0x5f, 0xb4);
const QColor OutColor(0x26, 0x80, 0x4a);
const QColor FrameColor(0x81, 0x3d, 0x9c);
const QColor NoteColor(0x77, 0x77, 0x77);
const QColor ErrorColor(0xc0, 0x1c, 0x28);

QString settingsKey(ServiceKind kind, const QString &name)
{
    return ServiceNames::key(kind) + QLatin1Char('/') + name;
}

QTextCharFormat lineFormat(const TrafficCapture::Line &line)
{
    QTextCharFormat format;
    const QColor directionColor = line.direction == TrafficDirection::In ? InColor : OutColor;
    switch (line.kind) {
    case TrafficCapture::Line::Kind::Title:
        format.setForeground(directionColor);
        format.setFontWeight(QFont::Bold);
        break;
    case TrafficCapture::Line::Kind::Frame:
        format.setForeground(FrameColor);
        format.setFontWeight(QFont::Bold);
        break;
    case TrafficCapture::Line::Kind::Dump:
        format.setForeground(directionColor);
        break;
    case TrafficCapture::Line::Kind::Note:
        format.setForeground(NoteColor);
        format.setFontItalic(true);
        break;
    }
    return format;
}
} // namespace

ServerWindow::ServerWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_hub(new ServerHub(this))
{
    setWindowTitle(tr("Tincan Server"));
    setObjectName(QStringLiteral("serverWindow"));

    m_clientSplitter = new QSplitter(Qt::Horizontal);
    m_clientSplitter->setObjectName(QStringLiteral("clientSplitter"));
    m_clientSplitter->addWidget(createClientsPanel());
    m_clientSplitter->addWidget(createTrafficPanel());
    m_clientSplitter->setSizes({ClientSplitterSizes[0], ClientSplitterSizes[1]});

    m_mainSplitter = new QSplitter(Qt::Vertical);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->addWidget(createServicesPanel());
    m_mainSplitter->addWidget(m_clientSplitter);
    m_mainSplitter->addWidget(createLogPanel());
    m_mainSplitter->setStretchFactor(1, 1);
    m_mainSplitter->setSizes({MainSplitterSizes[0], MainSplitterSizes[1], MainSplitterSizes[2]});
    setCentralWidget(m_mainSplitter);
    resize(DefaultSize);

    m_trafficRefresh.setSingleShot(true);
    m_trafficRefresh.setInterval(TrafficRefreshInterval);
    connect(&m_trafficRefresh, &QTimer::timeout, this, &ServerWindow::renderTraffic);

    connect(m_hub, &ServerHub::stateChanged, this, &ServerWindow::updateServiceRow);
    connect(m_hub, &ServerHub::stateChanged, this, &ServerWindow::updateClientActions);
    connect(m_hub, &ServerHub::trafficCaptured, this, &ServerWindow::onTrafficCaptured);
    // A client's row changing (its command, its connection) changes what can be done to it.
    connect(m_hub->clients(), &QAbstractItemModel::dataChanged, this, &ServerWindow::updateClientActions);
    connect(m_hub->clients(), &QAbstractItemModel::rowsRemoved, this, &ServerWindow::onSelectionChanged);

    loadSettings();
    loadConsolePassword();
    for (ServiceKind kind : AllServiceKinds)
        updateServiceRow(kind);
    updateClientActions();
    renderTraffic();

    // Services come back only if they were running when the window last closed.
    QSettings settings;
    settings.beginGroup(SettingsGroup);
    for (ServiceKind kind : AllServiceKinds)
        if (ownsSettings(kind) && settings.value(settingsKey(kind, RunningKey), false).toBool())
            m_hub->start(kind, serviceConfig(kind));
}

ServerWindow::~ServerWindow()
{
    // Quitting the app: remember which services ran, then the hub stops them.
    saveSettings();
}

void ServerWindow::showAndRaise()
{
    if (isMinimized())
        showNormal();
    else
        show();
    raise();
    activateWindow();
}

QWidget *ServerWindow::createServicesPanel()
{
    auto *box = new QGroupBox(tr("Services"));
    auto *grid = new QGridLayout(box);
    int column = 0;
    for (const QString &title : {tr("Service"), tr("Bind address"), tr("Port"), QString(), QString(), tr("State")})
        grid->addWidget(new QLabel(title), 0, column++);

    int gridRow = 1;
    for (ServiceKind kind : AllServiceKinds) {
        ServiceRow &row = m_rows[size_t(kind)];
        const QString key = ServiceNames::key(kind);
        grid->addWidget(new QLabel(ServiceNames::name(kind)), gridRow, 0);

        row.address = new QLineEdit(DefaultAddress);
        row.address->setObjectName(key + QStringLiteral("-address"));
        row.address->setToolTip(tr("The local IP address to listen on (0.0.0.0 or :: for every interface)."));
        grid->addWidget(row.address, gridRow, 1);

        row.port = new QSpinBox;
        row.port->setObjectName(key + QStringLiteral("-port"));
        row.port->setRange(0, MaxPort);
        row.port->setSpecialValueText(tr("any free port"));
        row.port->setValue(ServerHub::defaultPort(kind));
        grid->addWidget(row.port, gridRow, 2);

        if (ServerHub::runsCommands(kind)) {
            row.insecure = new QCheckBox(tr("Insecure"));
            row.insecure->setObjectName(key + QStringLiteral("-insecure"));
            row.insecure->setToolTip(tr("Allow an address other machines can reach with no password: anyone who "
                                        "reaches the port can run any command as you."));
            if (kind == ServiceKind::Console) {
                auto *consoleOptions = new QHBoxLayout;
                consoleOptions->setContentsMargins(0, 0, 0, 0);
                m_passwordButton = new QPushButton(tr("Password…"));
                m_passwordButton->setObjectName(QStringLiteral("console-password"));
                connect(m_passwordButton, &QPushButton::clicked, this, &ServerWindow::editConsolePassword);
                consoleOptions->addWidget(m_passwordButton);
                auto *advanced = new QPushButton(tr("Advanced…"));
                advanced->setObjectName(QStringLiteral("console-advanced"));
                advanced->setToolTip(tr("TLS, classic clients, transfer paths, connection caps, logins, idle "
                                        "timeout, output encoding"));
                connect(advanced, &QPushButton::clicked, this, &ServerWindow::editConsolePolicy);
                consoleOptions->addWidget(advanced);
                consoleOptions->addWidget(row.insecure);
                grid->addLayout(consoleOptions, gridRow, 3);
            } else {
                grid->addWidget(row.insecure, gridRow, 3);
            }
        } else if (kind == ServiceKind::Chat) {
            m_chatPeers = new ChatPeersLabel;
            grid->addWidget(m_chatPeers, gridRow, 3);
        }

        row.toggle = new QPushButton(tr("Start"));
        row.toggle->setObjectName(key + QStringLiteral("-toggle"));
        connect(row.toggle, &QPushButton::clicked, this, [this, kind] { toggleService(kind); });
        grid->addWidget(row.toggle, gridRow, 4);

        row.state = new QLabel;
        row.state->setObjectName(key + QStringLiteral("-state"));
        row.state->setTextInteractionFlags(Qt::TextSelectableByMouse);
        row.state->setWordWrap(true);
        grid->addWidget(row.state, gridRow, 5);
        ++gridRow;
    }
    m_fingerprint = new QLabel;
    m_fingerprint->setObjectName(QStringLiteral("console-fingerprint"));
    m_fingerprint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fingerprint->setVisible(false);
    grid->addWidget(m_fingerprint, gridRow, 0, 1, 6);
    grid->setColumnStretch(5, 1);
    return box;
}

QWidget *ServerWindow::createClientsPanel()
{
    auto *box = new QGroupBox(tr("Clients"));
    auto *layout = new QVBoxLayout(box);

    m_clientsView = new QTableView;
    m_clientsView->setObjectName(QStringLiteral("clientsView"));
    // Sorted on the raw values (bytes as numbers, since as time); arrival order first.
    m_clientsProxy = new QSortFilterProxyModel(this);
    m_clientsProxy->setSourceModel(m_hub->clients());
    m_clientsProxy->setSortRole(ClientTableModel::RawValueRole);
    m_clientsProxy->setDynamicSortFilter(true);
    m_clientsView->setModel(m_clientsProxy);
    m_clientsView->setSortingEnabled(true);
    m_clientsView->sortByColumn(ClientTableModel::SinceColumn, Qt::AscendingOrder);
    m_clientsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_clientsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_clientsView->setContextMenuPolicy(Qt::CustomContextMenu);
    m_clientsView->verticalHeader()->hide();
    m_clientsView->horizontalHeader()->setStretchLastSection(true);
    for (int column = 0; column < int(ClientColumnWidths.size()); ++column)
        m_clientsView->setColumnWidth(column, ClientColumnWidths[size_t(column)]);
    m_clientsView->setWordWrap(false);
    connect(m_clientsView, &QWidget::customContextMenuRequested, this, &ServerWindow::showClientMenu);
    connect(m_clientsView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ServerWindow::onSelectionChanged);
    layout->addWidget(m_clientsView);

    auto *buttons = new QHBoxLayout;
    m_killButton = new QPushButton(tr("Kill"));
    m_killButton->setObjectName(QStringLiteral("killButton"));
    m_killButton->setToolTip(tr("Terminate the selected console client's running commands."));
    connect(m_killButton, &QPushButton::clicked, this, &ServerWindow::killSelected);
    m_disconnectButton = new QPushButton(tr("Disconnect"));
    m_disconnectButton->setObjectName(QStringLiteral("disconnectButton"));
    m_disconnectButton->setToolTip(tr("Close the selected TCP client's connection."));
    connect(m_disconnectButton, &QPushButton::clicked, this, &ServerWindow::disconnectSelected);
    buttons->addWidget(m_killButton);
    buttons->addWidget(m_disconnectButton);
    buttons->addStretch();
    layout->addLayout(buttons);
    return box;
}

QWidget *ServerWindow::createTrafficPanel()
{
    auto *box = new QGroupBox(tr("Traffic"));
    auto *layout = new QVBoxLayout(box);
    m_trafficTitle = new QLabel;
    m_trafficTitle->setObjectName(QStringLiteral("trafficTitle"));
    layout->addWidget(m_trafficTitle);
    m_trafficView = new QPlainTextEdit;
    m_trafficView->setObjectName(QStringLiteral("trafficView"));
    m_trafficView->setReadOnly(true);
    m_trafficView->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_trafficView->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(m_trafficView);
    return box;
}

QWidget *ServerWindow::createLogPanel()
{
    auto *box = new QGroupBox(tr("Event log"));
    auto *layout = new QVBoxLayout(box);

    auto *bar = new QHBoxLayout;
    m_logFilter = new QLineEdit;
    m_logFilter->setObjectName(QStringLiteral("logFilter"));
    m_logFilter->setPlaceholderText(tr("Filter"));
    m_logFilter->setClearButtonEnabled(true);
    auto *copy = new QPushButton(tr("Copy"));
    copy->setObjectName(QStringLiteral("logCopy"));
    copy->setToolTip(tr("Copy the selected lines."));
    auto *save = new QPushButton(tr("Save…"));
    save->setObjectName(QStringLiteral("logSave"));
    save->setToolTip(tr("Save the lines shown to a text file."));
    bar->addWidget(m_logFilter, 1);
    bar->addWidget(copy);
    bar->addWidget(save);
    layout->addLayout(bar);

    m_logProxy = new QSortFilterProxyModel(this);
    m_logProxy->setSourceModel(m_hub->log());
    m_logProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_logView = new QListView;
    m_logView->setObjectName(QStringLiteral("logView"));
    m_logView->setModel(m_logProxy);
    m_logView->setUniformItemSizes(true);
    m_logView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_logView->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(m_logView);

    auto *copyAction = new QAction(tr("Copy"), m_logView);
    copyAction->setShortcut(QKeySequence::Copy);
    copyAction->setShortcutContext(Qt::WidgetShortcut);
    connect(copyAction, &QAction::triggered, this, &ServerWindow::copyLogLines);
    m_logView->addAction(copyAction);
    m_logView->setContextMenuPolicy(Qt::ActionsContextMenu);

    connect(m_logFilter, &QLineEdit::textChanged, m_logProxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(copy, &QPushButton::clicked, this, &ServerWindow::copyLogLines);
    connect(save, &QPushButton::clicked, this, &ServerWindow::saveLog);
    // Follow new lines while the view is scrolled to the end.
    connect(m_logProxy, &QAbstractItemModel::rowsAboutToBeInserted, this, [this] {
        const QScrollBar *scroll = m_logView->verticalScrollBar();
        m_logView->setProperty("follow", scroll->value() == scroll->maximum());
    });
    connect(m_logProxy, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_logView->property("follow").toBool())
            m_logView->scrollToBottom();
    });
    return box;
}

void ServerWindow::setChatController(ChatController *chat)
{
    m_hub->attachChat(chat);
    m_chatPeers->setController(chat);
    if (chat) {
        // The chat keeps its own address and port (with its other settings).
        const QHostAddress address = chat->bindAddress();
        const bool anywhere = address == QHostAddress(QHostAddress::Any);
        ServiceRow &row = m_rows[size_t(ServiceKind::Chat)];
        row.address->setText(anywhere ? QStringLiteral("0.0.0.0") : address.toString());
        row.port->setValue(chat->requestedPort());
    }
    updateServiceRow(ServiceKind::Chat);
}

void ServerWindow::setServiceConfig(ServiceKind kind, const ServerHub::ServiceConfig &config)
{
    ServiceRow &row = m_rows[size_t(kind)];
    row.address->setText(config.address);
    row.port->setValue(config.port);
    if (row.insecure)
        row.insecure->setChecked(config.insecure);
}

ServerHub::ServiceConfig ServerWindow::serviceConfig(ServiceKind kind) const
{
    const ServiceRow &row = m_rows[size_t(kind)];
    ServerHub::ServiceConfig config;
    config.address = row.address->text().trimmed();
    config.port = quint16(row.port->value());
    config.insecure = row.insecure && row.insecure->isChecked();
    if (kind == ServiceKind::Console)
        config.password = m_consolePassword;
    return config;
}

void ServerWindow::toggleService(ServiceKind kind)
{
    if (m_hub->state(kind) == ServerHub::State::Listening)
        m_hub->stop(kind);
    else
        m_hub->start(kind, serviceConfig(kind));
}

QString ServerWindow::consolePasswordPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/console-password");
}

void ServerWindow::loadConsolePassword()
{
    if (const Expected<PasswordHash> hash = ConsolePasswordDialog::readStored(consolePasswordPath()))
        m_consolePassword = *hash;
    else
        m_hub->log()->append(EventLogModel::Severity::Error,
                             tr("The console password in %1 is not used: %2")
                                 .arg(QDir::toNativeSeparators(consolePasswordPath()), hash.error()));
}

void ServerWindow::setConsolePassword(const PasswordHash &password)
{
    if (const Expected<void> stored = ConsolePasswordDialog::store(consolePasswordPath(), password); !stored) {
        QMessageBox::warning(this, tr("Console Password"),
                             tr("The password could not be saved: %1").arg(stored.error()));
        return;
    }
    m_consolePassword = password;
    m_hub->log()->append(EventLogModel::Severity::Info,
                         password.isNull() ? tr("Console: password removed; it applies from the next start")
                                           : tr("Console: password set; it applies from the next start"));
    updateServiceRow(ServiceKind::Console);
}

void ServerWindow::editConsolePassword()
{
    auto *dialog = new ConsolePasswordDialog(!m_consolePassword.isNull(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { setConsolePassword(dialog->result()); });
    dialog->open();
}

void ServerWindow::setConsolePolicy(const HostSettings &policy)
{
    if (!m_hub->setConsolePolicy(policy))
        return; // the log says why
    m_hub->log()->append(EventLogModel::Severity::Info,
                         tr("Console: settings changed; they apply from the next start"));
}

void ServerWindow::editConsolePolicy()
{
    auto *dialog = new ConsoleSettingsDialog(m_hub->consolePolicy(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { setConsolePolicy(dialog->policy()); });
    dialog->open();
}

bool ServerWindow::ownsSettings(ServiceKind kind)
{
    // The chat's address, port and running state are the chat's settings.
    return kind != ServiceKind::Chat;
}

void ServerWindow::updateServiceRow(ServiceKind kind)
{
    ServiceRow &row = m_rows[size_t(kind)];
    const ServerHub::State state = m_hub->state(kind);
    const bool idle = state == ServerHub::State::Stopped || state == ServerHub::State::Failed;
    const bool available = kind != ServiceKind::Chat || m_hub->chat();
    row.toggle->setText(idle ? tr("Start") : tr("Stop"));
    row.toggle->setEnabled(available && state != ServerHub::State::Stopping);
    row.address->setEnabled(available && idle);
    row.port->setEnabled(available && idle);
    if (row.insecure)
        row.insecure->setEnabled(idle);
    row.state->setText(available ? m_hub->stateText(kind) : tr("Not available: the chat runs in the main window."));
    if (kind == ServiceKind::Console) {
        // The fingerprint clients pin: shown in full so it can be read out or copied.
        const QString fingerprint = m_hub->consoleFingerprint();
        m_fingerprint->setVisible(!fingerprint.isEmpty());
        m_fingerprint->setText(tr("Console TLS fingerprint: %1").arg(fingerprint));
        m_fingerprint->setToolTip(m_hub->consoleFingerprintHex());
    }
    if (kind == ServiceKind::Console && m_passwordButton) {
        m_passwordButton->setText(m_consolePassword.isNull() ? tr("Password…") : tr("Password ✓"));
        m_passwordButton->setToolTip(
            m_consolePassword.isNull()
                ? tr("Set a password: clients must then log in, and the console may listen on any address.")
                : tr("A password is set: Tincan clients must log in. Click to change or remove it."));
    }
    if (kind == ServiceKind::Chat && m_hub->chat()) {
        row.state->setToolTip(m_hub->chat()->statusDetails());
        if (!idle) // changed in the chat's own settings, perhaps
            row.port->setValue(m_hub->chat()->requestedPort());
    }
    QPalette palette = row.state->palette();
    palette.setColor(QPalette::WindowText,
                     state == ServerHub::State::Failed ? ErrorColor
                                                       : QApplication::palette().color(QPalette::WindowText));
    row.state->setPalette(palette);
}

std::optional<ClientRef> ServerWindow::selectedClient() const
{
    const QModelIndexList rows = m_clientsView->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    return m_hub->clients()->refAt(m_clientsProxy->mapToSource(rows.first()).row());
}

void ServerWindow::updateClientActions()
{
    const std::optional<ClientRef> ref = selectedClient();
    m_killButton->setEnabled(ref && m_hub->canKill(*ref));
    m_disconnectButton->setEnabled(ref && m_hub->canDisconnect(*ref));
}

void ServerWindow::showClientMenu(const QPoint &position)
{
    const QModelIndex index = m_clientsView->indexAt(position);
    if (!index.isValid())
        return;
    m_clientsView->selectRow(index.row());
    QMenu menu(this);
    QAction *kill = menu.addAction(tr("Kill running commands"), this, &ServerWindow::killSelected);
    kill->setEnabled(m_killButton->isEnabled());
    QAction *cut = menu.addAction(tr("Disconnect"), this, &ServerWindow::disconnectSelected);
    cut->setEnabled(m_disconnectButton->isEnabled());
    menu.exec(m_clientsView->viewport()->mapToGlobal(position));
}

void ServerWindow::killSelected()
{
    if (const std::optional<ClientRef> ref = selectedClient())
        m_hub->killCommands(*ref);
}

void ServerWindow::disconnectSelected()
{
    if (const std::optional<ClientRef> ref = selectedClient())
        m_hub->disconnectClient(*ref);
}

void ServerWindow::onSelectionChanged()
{
    updateClientActions();
    m_trafficView->clear();
    renderTraffic();
}

void ServerWindow::onTrafficCaptured(const ClientRef &ref)
{
    if (selectedClient() != ref)
        return;
    m_trafficDirty = true;
    if (!m_trafficRefresh.isActive())
        m_trafficRefresh.start();
}

void ServerWindow::renderTraffic()
{
    m_trafficDirty = false;
    const std::optional<ClientRef> ref = selectedClient();
    const std::optional<ClientInfo> info = ref ? m_hub->clients()->info(*ref) : std::nullopt;
    if (!ref || !info) {
        m_trafficTitle->setText(tr("Select a client to see its traffic."));
        m_trafficView->clear();
        return;
    }
    m_trafficTitle->setText(tr("%1 client %2:%3 (%4)")
                                .arg(ServiceNames::name(ref->service), info->address.toString())
                                .arg(info->port)
                                .arg(info->protocol.isEmpty() ? tr("protocol not known yet") : info->protocol));
    const TrafficCapture *capture = m_hub->traffic(*ref);
    QScrollBar *bar = m_trafficView->verticalScrollBar();
    const bool follow = bar->value() == bar->maximum();
    const int keep = bar->value();
    m_trafficView->clear();
    if (!capture) {
        m_trafficView->setPlainText(m_hub->isTrafficObserved()
                                        ? tr("No bytes yet.")
                                        : tr("Traffic is captured only while this window is open."));
        return;
    }
    const bool bareInput = info->protocol == QLatin1StringView("classic");
    const QList<TrafficCapture::Line> lines = capture->render(bareInput);
    QTextCursor cursor(m_trafficView->document());
    cursor.beginEditBlock();
    bool first = true;
    for (const TrafficCapture::Line &line : lines) {
        if (!first)
            cursor.insertBlock();
        first = false;
        cursor.insertText(line.text, lineFormat(line));
    }
    cursor.endEditBlock();
    bar->setValue(follow ? bar->maximum() : keep);
}

void ServerWindow::copyLogLines()
{
    QModelIndexList rows = m_logView->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList lines;
    for (const QModelIndex &index : rows)
        lines.append(index.data().toString());
    if (!lines.isEmpty())
        QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')) + QLatin1Char('\n'));
}

void ServerWindow::saveLog()
{
    const QString path
        = QFileDialog::getSaveFileName(this, tr("Save the event log"), QStringLiteral("tincan-server.log"),
                                       tr("Text files (*.txt *.log);;All files (*)"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        for (int row = 0; row < m_logProxy->rowCount(); ++row)
            file.write(m_logProxy->index(row, 0).data().toString().toUtf8() + '\n');
        if (file.commit())
            return;
    }
    QMessageBox::warning(this, tr("Save the event log"),
                         tr("The log could not be saved to %1: %2").arg(path, file.errorString()));
}

void ServerWindow::closeEvent(QCloseEvent *event)
{
    // Closing only hides the window: the services go on until the app quits.
    saveSettings();
    QMainWindow::closeEvent(event);
}

void ServerWindow::showEvent(QShowEvent *event)
{
    m_hub->setTrafficObserved(true);
    QMainWindow::showEvent(event);
}

void ServerWindow::hideEvent(QHideEvent *event)
{
    // Copying every byte costs; nobody looks at them while the window is closed.
    if (!isMinimized())
        m_hub->setTrafficObserved(false);
    QMainWindow::hideEvent(event);
}

void ServerWindow::loadSettings()
{
    QSettings settings;
    settings.beginGroup(SettingsGroup);
    for (ServiceKind kind : AllServiceKinds) {
        if (!ownsSettings(kind))
            continue;
        ServiceRow &row = m_rows[size_t(kind)];
        row.address->setText(settings.value(settingsKey(kind, AddressKey), DefaultAddress).toString());
        row.port->setValue(settings.value(settingsKey(kind, PortKey), ServerHub::defaultPort(kind)).toInt());
        if (row.insecure)
            row.insecure->setChecked(settings.value(settingsKey(kind, InsecureKey), false).toBool());
    }
    settings.beginGroup(ServiceNames::key(ServiceKind::Console));
    m_hub->setConsolePolicy(ConsoleSettingsDialog::load(settings));
    settings.endGroup();
    if (settings.contains(GeometryKey))
        restoreGeometry(settings.value(GeometryKey).toByteArray());
    if (settings.contains(MainSplitterKey))
        m_mainSplitter->restoreState(settings.value(MainSplitterKey).toByteArray());
    if (settings.contains(ClientSplitterKey))
        m_clientSplitter->restoreState(settings.value(ClientSplitterKey).toByteArray());
}

void ServerWindow::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(SettingsGroup);
    for (ServiceKind kind : AllServiceKinds) {
        if (!ownsSettings(kind))
            continue;
        const ServerHub::ServiceConfig config = serviceConfig(kind);
        settings.setValue(settingsKey(kind, AddressKey), config.address);
        settings.setValue(settingsKey(kind, PortKey), config.port);
        if (m_rows[size_t(kind)].insecure)
            settings.setValue(settingsKey(kind, InsecureKey), config.insecure);
        settings.setValue(settingsKey(kind, RunningKey), m_hub->isRunning(kind));
    }
    settings.beginGroup(ServiceNames::key(ServiceKind::Console));
    ConsoleSettingsDialog::save(settings, m_hub->consolePolicy());
    settings.endGroup();
    settings.setValue(GeometryKey, saveGeometry());
    settings.setValue(MainSplitterKey, m_mainSplitter->saveState());
    settings.setValue(ClientSplitterKey, m_clientSplitter->saveState());
}

} // namespace Tincan
