#include "ui/console/consolesessionwidget.h"

#include "ui/console/commandlineedit.h"
#include "ui/console/dialogprompter.h"
#include "ui/terminal/terminalfindbar.h"
#include "ui/terminal/terminalview.h"

#include <QActionGroup>
#include <QCoreApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QMimeData>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QResizeEvent>
#include <QScrollBar>
#include <QVBoxLayout>

#include <algorithm>

namespace Tincan {

namespace {

// The pane is a dark terminal whatever the desktop theme (TerminalView's
// colours), so these are fixed and chosen to read well on it.
constexpr QRgb PromptColor = 0x5fd75f;
constexpr QRgb CommandColor = 0xffffff;
constexpr QRgb StderrColor = 0xff6b6b;
constexpr QRgb StatusColor = 0x8b8f96;
constexpr QRgb FailedStatusColor = 0xc9905f;
constexpr QRgb ErrorColor = 0xff5f5f;

// State dots.
constexpr QRgb ReadyDot = 0x3cb371;
constexpr QRgb ConnectingDot = 0xe0a030;
constexpr QRgb FailedDot = 0xd9534f;
constexpr QRgb DisconnectedDot = 0x9a9a9a;
constexpr int DotSizes[] = {16, 32};

// Spacing around the status line and the input line, in pixels.
constexpr int SideMargin = 6;
constexpr int StatusLineVerticalMargin = 3;
constexpr int RowSpacing = 4;
// The prompt label gives the command line at least this share of the width:
// a deep directory is elided rather than squeezing the input.
constexpr int PromptMaxWidthPercent = 40;

// The status line turns this colour while the connection is broken.
constexpr QRgb ErrorBannerBackground = 0xfdecea;
constexpr QRgb ErrorBannerText = 0x8a1f11;

} // namespace

ConsoleSessionWidget::ConsoleSessionWidget(QWidget *parent)
    : QWidget(parent)
    , m_session(new ConsoleSession(this))
    , m_dialogPrompter(new DialogPrompter(this))
{
    m_session->setPrompter(m_dialogPrompter);
    m_pane = new TerminalView(this);
    m_pane->setObjectName(QStringLiteral("terminal"));
    m_pane->installEventFilter(this);
    connect(m_pane, &TerminalView::contextMenuCreated, this, &ConsoleSessionWidget::addEncodingMenu);
    connect(m_pane, &TerminalView::findRequested, this, &ConsoleSessionWidget::showFindBar);
    connect(m_pane, &TerminalView::fontPointSizeChanged, this, &ConsoleSessionWidget::applyTerminalFont);
    // The pane's keys work from anywhere in the session, the input line included.
    for (TerminalView::Action action :
         {TerminalView::Action::SelectAll, TerminalView::Action::Find, TerminalView::Action::ZoomIn,
          TerminalView::Action::ZoomOut, TerminalView::Action::ResetZoom})
        addAction(m_pane->action(action));

    m_findBar = new TerminalFindBar(m_pane, this);
    m_findBar->hide();

    auto *statusLine = new QWidget(this);
    statusLine->setObjectName(QStringLiteral("statusLine"));
    statusLine->setAutoFillBackground(true);
    m_statusIcon = new QLabel(statusLine);
    m_statusLabel = new QLabel(statusLine);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_reconnectButton = new QPushButton(tr("&Reconnect"), statusLine);
    m_reconnectButton->setObjectName(QStringLiteral("reconnectButton"));
    m_reconnectButton->setFocusPolicy(Qt::TabFocus);
    connect(m_reconnectButton, &QPushButton::clicked, this, &ConsoleSessionWidget::reconnect);
    auto *statusLayout = new QHBoxLayout(statusLine);
    statusLayout->setContentsMargins(SideMargin, StatusLineVerticalMargin, SideMargin, StatusLineVerticalMargin);
    statusLayout->addWidget(m_statusIcon);
    statusLayout->addWidget(m_statusLabel, 1);
    statusLayout->addWidget(m_reconnectButton);

    // Files dropped anywhere on the session are uploaded: the pane and the
    // input line leave drops to it.
    setAcceptDrops(true);
    m_pane->setAcceptDrops(false);
    m_pane->viewport()->setAcceptDrops(false);
    m_promptLabel = new QLabel(this);
    m_promptLabel->setFont(m_pane->font());
    m_input = new CommandLineEdit(this);
    m_input->setObjectName(QStringLiteral("commandLine"));
    m_input->setAcceptDrops(false);
    m_input->setFont(m_pane->font());
    m_input->setPlaceholderText(tr("Type a command and press Enter"));
    m_input->setClearButtonEnabled(false);
    m_input->installEventFilter(this);
    m_promptLabel->setBuddy(m_input);
    connect(m_input, &CommandLineEdit::commandSubmitted, this, &ConsoleSessionWidget::runCommand);
    auto *inputLayout = new QHBoxLayout;
    inputLayout->setContentsMargins(SideMargin, 0, SideMargin, SideMargin);
    inputLayout->addWidget(m_promptLabel);
    inputLayout->addWidget(m_input, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(RowSpacing);
    layout->addWidget(m_pane, 1);
    layout->addWidget(m_findBar);
    layout->addWidget(statusLine);
    layout->addLayout(inputLayout);
    setFocusProxy(m_input);
    connect(m_findBar, &TerminalFindBar::closed, m_input, [this] { m_input->setFocus(); });

    setUpFormats();

    // The transcript writes its lines before this widget shows the new status.
    m_transcript = new ConsoleTranscript(m_session, m_pane, this);
    connectSession();
    updateStatusLine();
}

ConsoleSessionWidget::~ConsoleSessionWidget()
{
    // The session outlives this part of the object (QObject deletes children
    // later) and reports its client's teardown; nobody here is left to hear it.
    disconnect(m_session, nullptr, this, nullptr);
    disconnect(m_session->client(), nullptr, this, nullptr);
}

void ConsoleSessionWidget::connectSession()
{
    connect(m_session, &ConsoleSession::stateChanged, this, [this] {
        updateStatusLine();
        Q_EMIT statusChanged();
    });
    connect(m_session, &ConsoleSession::errorOccurred, this, [this] {
        updateStatusLine();
        Q_EMIT statusChanged();
    });
    connect(m_session, &ConsoleSession::runningCommandCountChanged, this,
            &ConsoleSessionWidget::runningCommandCountChanged);
    connect(m_session, &ConsoleSession::transferAdded, this,
            [this](quint64 id, const QString &, const QString &remotePath, bool upload) {
                if (m_transfers)
                    m_transfers->addTransfer(client(), id, remotePath, upload);
                Q_EMIT transferAdded();
            });
    connect(m_session, &ConsoleSession::identityNotRemembered, m_dialogPrompter, &DialogPrompter::showNotRemembered);
    connect(client(), &ConsoleClient::currentDirectoryChanged, this, &ConsoleSessionWidget::updatePromptLabel);
}

void ConsoleSessionWidget::setPrompter(Prompter *prompter)
{
    m_session->setPrompter(prompter ? prompter : m_dialogPrompter);
}

void ConsoleSessionWidget::setUpFormats()
{
    const auto format = [](QRgb color, bool bold = false) {
        QTextCharFormat f;
        f.setForeground(QColor(color));
        if (bold)
            f.setFontWeight(QFont::Bold);
        return f;
    };
    m_formats[std::size_t(TextKind::Stdout)] = format(TerminalView::Foreground);
    m_formats[std::size_t(TextKind::Stderr)] = format(StderrColor);
    m_formats[std::size_t(TextKind::Prompt)] = format(PromptColor, true);
    m_formats[std::size_t(TextKind::Command)] = format(CommandColor, true);
    m_formats[std::size_t(TextKind::Status)] = format(StatusColor);
    m_formats[std::size_t(TextKind::FailedStatus)] = format(FailedStatusColor);
    m_formats[std::size_t(TextKind::Error)] = format(ErrorColor);
    QTextCharFormat notice = format(StatusColor);
    notice.setFontItalic(true);
    m_formats[std::size_t(TextKind::Notice)] = notice;
    // The pane's styles, in TextKind order, so that a kind is its style id.
    for (const QTextCharFormat &kindFormat : m_formats)
        m_pane->addStyle(kindFormat);
}

void ConsoleSessionWidget::applyTerminalFont(int points)
{
    QFont resized = m_input->font();
    resized.setPointSize(points);
    m_input->setFont(resized);
    m_promptLabel->setFont(resized);
    updatePromptLabel();
}

void ConsoleSessionWidget::showFindBar()
{
    m_findBar->openBar();
}

void ConsoleSessionWidget::connectToServer(const QString &host, quint16 port, ConsoleClient::Mode mode)
{
    m_session->connectToServer(host, port, mode);
    updatePromptLabel();
    updateStatusLine();
    Q_EMIT statusChanged();
}

void ConsoleSessionWidget::updatePromptLabel()
{
    const QString full = prompt();
    const int budget = std::max(1, width() * PromptMaxWidthPercent / 100);
    m_promptLabel->setText(QFontMetrics(m_promptLabel->font()).elidedText(full, Qt::ElideMiddle, budget));
    m_promptLabel->setToolTip(full);
}

void ConsoleSessionWidget::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updatePromptLabel();
}

QIcon ConsoleSessionWidget::stateIcon(ConsoleClient::State state, bool failed)
{
    QRgb color = DisconnectedDot;
    switch (state) {
    case ConsoleClient::State::Connecting:
    case ConsoleClient::State::Handshaking:
        color = ConnectingDot;
        break;
    case ConsoleClient::State::Ready:
        color = ReadyDot;
        break;
    case ConsoleClient::State::Disconnected:
        color = failed ? FailedDot : DisconnectedDot;
        break;
    }
    QIcon icon;
    for (int size : DotSizes) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(QColor(color).darker(), size / 16.0));
        painter.setBrush(QColor(color));
        // A dot about half the icon's height, centred like a status LED.
        const qreal diameter = size * 0.55;
        painter.drawEllipse(QRectF((size - diameter) / 2, (size - diameter) / 2, diameter, diameter));
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

void ConsoleSessionWidget::updateStatusLine()
{
    const ConsoleClient::State state = client()->state();
    const bool failed = state == ConsoleClient::State::Disconnected && !client()->errorString().isEmpty();
    const int iconSize = m_statusLabel->fontMetrics().height();
    m_statusIcon->setPixmap(stateIcon(state, failed).pixmap(iconSize, iconSize));
    m_statusLabel->setText(statusText());
    m_reconnectButton->setVisible(canReconnect());

    QWidget *line = m_statusLabel->parentWidget();
    QPalette palette = line->parentWidget()->palette();
    if (failed) {
        palette.setColor(QPalette::Window, QColor(ErrorBannerBackground));
        palette.setColor(QPalette::WindowText, QColor(ErrorBannerText));
    }
    line->setPalette(palette);
}

quint64 ConsoleSessionWidget::runCommand(const QString &command)
{
    return m_transcript->runCommand(command);
}

void ConsoleSessionWidget::reconnect()
{
    m_session->reconnect();
}

void ConsoleSessionWidget::cancelLatestCommand()
{
    m_session->cancelLatestCommand();
}

void ConsoleSessionWidget::clear()
{
    m_pane->clearOutput();
}

void ConsoleSessionWidget::copy()
{
    if (m_input->hasFocus() && m_input->hasSelectedText())
        m_input->copy();
    else if (m_pane->textCursor().hasSelection())
        m_pane->copy();
}

void ConsoleSessionWidget::addEncodingMenu(QMenu *menu)
{
    menu->addSeparator();
    QAction *download = menu->addAction(tr("&Download…"));
    download->setObjectName(QStringLiteral("downloadAction"));
    download->setEnabled(client()->state() == ConsoleClient::State::Ready
                         && client()->mode() == ConsoleClient::Mode::Tincan && m_transfers);
    connect(download, &QAction::triggered, this, &ConsoleSessionWidget::askDownload);
    menu->addSeparator();
    QMenu *encodings = menu->addMenu(tr("&Encoding"));
    encodings->setObjectName(QStringLiteral("encodingMenu"));
    auto *group = new QActionGroup(encodings);
    const QString announced = client()->serverEncoding();
    const bool announcedUsable = ConsoleSession::canDecode(announced.toLatin1());
    QAction *server
        = encodings->addAction(tr("Server’s (%1)").arg(announcedUsable ? announced : QStringLiteral("UTF-8")));
    server->setObjectName(QStringLiteral("serverEncodingAction"));
    server->setCheckable(true);
    server->setChecked(encodingOverride().isEmpty());
    group->addAction(server);
    connect(server, &QAction::triggered, this, [this] { setEncodingOverride({}); });
    encodings->addSeparator();
    for (const QByteArray &name : availableEncodings()) {
        QAction *choice = encodings->addAction(QString::fromLatin1(name));
        choice->setData(name);
        choice->setCheckable(true);
        choice->setChecked(encodingOverride() == name);
        group->addAction(choice);
        connect(choice, &QAction::triggered, this, [this, name] { setEncodingOverride(name); });
    }
}

void ConsoleSessionWidget::flushOutput()
{
    m_pane->flush();
}

bool ConsoleSessionWidget::eventFilter(QObject *watched, QEvent *event)
{
    const bool keyEvent = event->type() == QEvent::KeyPress || event->type() == QEvent::ShortcutOverride;
    if ((watched != m_pane && watched != m_input) || !keyEvent)
        return QWidget::eventFilter(watched, event);

    auto *key = static_cast<QKeyEvent *>(event);
    const QKeyCombination combination = key->keyCombination();
    const bool cancels = combination == CancelKey && m_session->hasCancellableCommand();
    const bool copies = combination == CopyKey;
    const bool clears = combination == ClearKey;
    if (cancels || copies || clears) {
        // Claim the key before the line edit's own copy shortcut or a window
        // shortcut does.
        if (event->type() == QEvent::ShortcutOverride) {
            event->accept();
            return true;
        }
        if (cancels)
            cancelLatestCommand();
        else if (copies)
            copy();
        else
            clear();
        return true;
    }

    // Shift+Page Up/Down in the input line scroll the pane, as in a terminal.
    if (watched == m_input && event->type() == QEvent::KeyPress && key->modifiers() == Qt::ShiftModifier
        && (key->key() == Qt::Key_PageUp || key->key() == Qt::Key_PageDown)) {
        m_pane->verticalScrollBar()->triggerAction(key->key() == Qt::Key_PageUp ? QAbstractSlider::SliderPageStepSub
                                                                                : QAbstractSlider::SliderPageStepAdd);
        return true;
    }

    // Typing while the pane has focus goes to the input line, as in a terminal.
    if (watched == m_pane && event->type() == QEvent::KeyPress && !key->text().isEmpty() && key->text().at(0).isPrint()
        && !(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))) {
        m_input->setFocus();
        QCoreApplication::sendEvent(m_input, event);
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

// ---- file transfers ----------------------------------------------------------

QStringList ConsoleSessionWidget::droppedFiles(const QMimeData *mime)
{
    QStringList files;
    if (!mime || !mime->hasUrls())
        return files;
    for (const QUrl &url : mime->urls()) {
        const QFileInfo info(url.toLocalFile());
        if (url.isLocalFile() && info.isFile())
            files.append(info.absoluteFilePath());
    }
    return files;
}

void ConsoleSessionWidget::dragEnterEvent(QDragEnterEvent *event)
{
    // Only files, and only where they can go: a Tincan session that is ready.
    if (m_transfers && client()->mode() == ConsoleClient::Mode::Tincan && !droppedFiles(event->mimeData()).isEmpty())
        event->acceptProposedAction();
    else
        event->ignore();
}

void ConsoleSessionWidget::dropEvent(QDropEvent *event)
{
    const QStringList files = droppedFiles(event->mimeData());
    if (files.isEmpty() || !m_transfers) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    for (const QString &file : files)
        startUpload(file);
}

quint64 ConsoleSessionWidget::startUpload(const QString &localPath, bool overwrite)
{
    if (!m_transfers)
        return 0;
    // An existing file is asked about and sent again by the session.
    return m_session->upload(localPath, QFileInfo(localPath).fileName(), overwrite);
}

quint64 ConsoleSessionWidget::startDownload(const QString &remotePath, const QString &localPath, bool overwrite)
{
    if (!m_transfers)
        return 0;
    return m_session->download(remotePath, localPath, overwrite);
}

void ConsoleSessionWidget::askDownload()
{
    bool ok = false;
    const QString remotePath = QInputDialog::getText(
        this, tr("Download"), tr("File on the server (relative to %1):").arg(client()->currentDirectory()),
        QLineEdit::Normal, QString(), &ok);
    if (!ok || remotePath.trimmed().isEmpty())
        return;
    const QString suggested = QDir::home().filePath(remotePath.trimmed().section(QLatin1Char('/'), -1));
    // The save dialog asks before replacing a file, so its answer is the overwrite.
    const QString localPath = QFileDialog::getSaveFileName(this, tr("Save As"), suggested);
    if (localPath.isEmpty())
        return;
    startDownload(remotePath.trimmed(), localPath, true);
}

} // namespace Tincan
