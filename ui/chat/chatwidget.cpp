#include "ui/chat/chatwidget.h"

#include "chat/chatcontroller.h"
#include "models/chat/conversationlistmodel.h"
#include "models/chat/conversationmodel.h"
#include "net/chat/chatenvelope.h"
#include "ui/chat/chatsettingsdialog.h"
#include "ui/chat/contactdialog.h"
#include "ui/chat/conversationlistdelegate.h"
#include "ui/chat/messagedelegate.h"
#include "ui/chat/messageedit.h"
#include "ui/chat/peerlistpane.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace Tincan {

namespace {
const QString SplitterKey = QStringLiteral("ChatWidget/splitter");
// First-start widths of the list and the conversation, in average characters.
constexpr int ListWidthChars = 50;
constexpr int ConversationWidthChars = 90;
// Within this many pixels of the end, the message view follows new messages.
constexpr int StickToBottomSlack = 8;
constexpr qreal TitleScale = 1.15;
constexpr int BannerIconSize = 20;
// The banner's colours: a warning, readable in light and dark themes alike.
const QColor BannerBackground(0xfc, 0xef, 0xc7);
const QColor BannerText(0x4d, 0x38, 0x00);
const QColor InputErrorColor(0xc0, 0x1c, 0x28);
} // namespace

ChatWidget::ChatWidget(ChatController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
{
    setObjectName(QStringLiteral("chatWidget"));
    m_listModel = new ConversationListModel(m_controller, this);
    m_conversationModel = new ConversationModel(m_controller, this);

    createActions();
    m_banner = createBanner();
    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("chatSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(createListPane());
    m_splitter->addWidget(createConversationPane());
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    const int charWidth = fontMetrics().averageCharWidth();
    m_splitter->setSizes({charWidth * ListWidthChars, charWidth * ConversationWidthChars});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_splitter, 1);

    ChatService *service = m_controller->service();
    connect(service, &ChatService::messageAdded, this, &ChatWidget::onMessageAdded);
    connect(service, &ChatService::contactsChanged, this, [this] {
        updateHeader();
        updateActions();
    });
    connect(m_controller, &ChatController::problemsChanged, this, [this] {
        m_bannerDismissed = false;
        updateBanner();
    });
    connect(m_controller, &ChatController::statusChanged, this, &ChatWidget::updateBanner);
    connect(m_listModel, &ConversationListModel::totalUnreadChanged, this, &ChatWidget::unreadCountChanged);
    connect(m_listModel, &QAbstractItemModel::modelReset, this, &ChatWidget::reselectAfterReset);
    connect(m_listModel, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from, const QModelIndex &to) {
                const QModelIndex current = m_conversationList->currentIndex();
                if (current.isValid() && current.row() >= from.row() && current.row() <= to.row())
                    updateHeader();
            });

    readSettings();
    updateBanner();
    showConversation(QString());
}

ChatWidget::~ChatWidget()
{
    writeSettings();
    // The views and models go after this object's body: they must not call it.
    m_conversationList->selectionModel()->disconnect(this);
    m_listModel->disconnect(this);
    m_conversationModel->disconnect(this);
}

void ChatWidget::createActions()
{
    const auto makeAction = [this](const QString &name, const QString &text, const QString &iconText) {
        auto *action = new QAction(text, this);
        action->setObjectName(name);
        action->setIconText(iconText);
        return action;
    };
    m_addContactAction = makeAction(QStringLiteral("addContactAction"), tr("&Add Contact…"), tr("Add"));
    m_addContactAction->setToolTip(tr("Add a contact: a name for an address to chat with"));
    connect(m_addContactAction, &QAction::triggered, this, &ChatWidget::addContact);
    m_editContactAction = makeAction(QStringLiteral("editContactAction"), tr("&Edit Contact…"), tr("Edit"));
    connect(m_editContactAction, &QAction::triggered, this, &ChatWidget::editContact);
    m_removeContactAction = makeAction(QStringLiteral("removeContactAction"), tr("&Remove Contact…"), tr("Remove"));
    connect(m_removeContactAction, &QAction::triggered, this, &ChatWidget::removeContact);
    m_saveAsContactAction
        = makeAction(QStringLiteral("saveAsContactAction"), tr("&Save as Contact…"), tr("Save as Contact"));
    m_saveAsContactAction->setToolTip(tr("Keep this address in your contacts, under a name"));
    connect(m_saveAsContactAction, &QAction::triggered, this, &ChatWidget::saveAsContact);
    m_settingsAction = makeAction(QStringLiteral("chatSettingsAction"), tr("Se&ttings…"), tr("Settings"));
    m_settingsAction->setMenuRole(QAction::PreferencesRole);
    connect(m_settingsAction, &QAction::triggered, this, &ChatWidget::showSettings);
}

QWidget *ChatWidget::createBanner()
{
    auto *banner = new QFrame(this);
    banner->setObjectName(QStringLiteral("chatBanner"));
    banner->setAutoFillBackground(true);
    QPalette palette = banner->palette();
    palette.setColor(QPalette::Window, BannerBackground);
    palette.setColor(QPalette::WindowText, BannerText);
    palette.setColor(QPalette::ButtonText, BannerText);
    banner->setPalette(palette);

    auto *icon = new QLabel(banner);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(BannerIconSize, BannerIconSize));
    icon->setAlignment(Qt::AlignTop);
    m_bannerText = new QLabel(banner);
    m_bannerText->setObjectName(QStringLiteral("chatBannerText"));
    m_bannerText->setWordWrap(true);
    m_bannerText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *close = new QToolButton(banner);
    close->setObjectName(QStringLiteral("chatBannerClose"));
    close->setAutoRaise(true);
    close->setText(QStringLiteral("✕"));
    close->setToolTip(tr("Hide this message"));
    connect(close, &QToolButton::clicked, this, [this] {
        m_bannerDismissed = true;
        updateBanner();
    });

    auto *layout = new QHBoxLayout(banner);
    layout->addWidget(icon);
    layout->addWidget(m_bannerText, 1);
    layout->addWidget(close, 0, Qt::AlignTop);
    return banner;
}

QWidget *ChatWidget::createListPane()
{
    auto *pane = new QWidget(this);
    auto *toolBar = new QToolBar(pane);
    toolBar->setObjectName(QStringLiteral("contactToolBar"));
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolBar->addAction(m_addContactAction);
    toolBar->addAction(m_editContactAction);
    toolBar->addAction(m_removeContactAction);

    m_conversationList = new QListView(pane);
    m_conversationList->setObjectName(QStringLiteral("conversationList"));
    m_conversationList->setModel(m_listModel);
    m_conversationList->setItemDelegate(new ConversationListDelegate(m_conversationList));
    m_conversationList->setSelectionMode(QAbstractItemView::SingleSelection);
    m_conversationList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_conversationList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_conversationList->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_conversationList->setUniformItemSizes(true);
    m_conversationList->setContextMenuPolicy(Qt::CustomContextMenu);
    m_conversationList->setFrameShape(QFrame::NoFrame);
    connect(m_conversationList, &QWidget::customContextMenuRequested, this, &ChatWidget::showListMenu);
    connect(m_conversationList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                showConversation(current.data(ConversationListModel::KeyRole).toString());
            });
    // A click (or Enter) on a conversation means "I want to write here".
    connect(m_conversationList, &QAbstractItemView::activated, this, [this] { m_input->setFocus(); });
    connect(m_conversationList, &QAbstractItemView::clicked, this, [this] { m_input->setFocus(); });

    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(toolBar);
    layout->addWidget(m_conversationList, 1);

    // A messenger's two lists: the conversations, and the people (who is here now).
    m_peerPane = new PeerListPane(m_controller, this);
    connect(m_peerPane, &PeerListPane::conversationRequested, this, &ChatWidget::startConversation);
    m_listTabs = new QTabWidget(this);
    m_listTabs->setObjectName(QStringLiteral("chatListTabs"));
    m_listTabs->setDocumentMode(true);
    m_listTabs->addTab(pane, tr("Cha&ts"));
    m_listTabs->addTab(m_peerPane, tr("&People"));
    return m_listTabs;
}

void ChatWidget::createMessageView(QWidget *parent)
{
    m_messageView = new QListView(parent);
    m_messageView->setObjectName(QStringLiteral("messageView"));
    m_messageView->setModel(m_conversationModel);
    m_messageDelegate = new MessageDelegate(m_messageView);
    m_messageView->setItemDelegate(m_messageDelegate);
    m_messageView->setSelectionMode(QAbstractItemView::NoSelection);
    m_messageView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_messageView->setFocusPolicy(Qt::NoFocus);
    m_messageView->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_messageView->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Bubbles wrap to the width: every resize lays them out again.
    m_messageView->setResizeMode(QListView::Adjust);
    m_messageView->setUniformItemSizes(false);
    m_messageView->setWordWrap(true);
    m_messageView->setFrameShape(QFrame::NoFrame);
    m_messageView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_messageView, &QWidget::customContextMenuRequested, this, &ChatWidget::showMessageMenu);
    connect(m_messageDelegate, &MessageDelegate::retryClicked, this, &ChatWidget::retry);
    QScrollBar *scrollBar = m_messageView->verticalScrollBar();
    connect(scrollBar, &QScrollBar::valueChanged, this,
            [this, scrollBar](int value) { m_stickToBottom = value >= scrollBar->maximum() - StickToBottomSlack; });
    connect(scrollBar, &QScrollBar::rangeChanged, this, [this, scrollBar](int, int maximum) {
        if (m_stickToBottom)
            scrollBar->setValue(maximum);
    });
}

QWidget *ChatWidget::createConversationPane()
{
    m_conversationStack = new QStackedWidget(this);

    m_placeholder = new QLabel(tr("Choose a conversation on the left, or add a contact to start one.\n\n"
                                  "Enter sends a message; Shift+Enter starts a new line."),
                               m_conversationStack);
    m_placeholder->setObjectName(QStringLiteral("chatPlaceholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);

    m_conversationPage = new QWidget(m_conversationStack);
    m_title = new QLabel(m_conversationPage);
    m_title->setObjectName(QStringLiteral("conversationTitle"));
    m_title->setTextFormat(Qt::PlainText);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * TitleScale);
    m_title->setFont(titleFont);
    m_subtitle = new QLabel(m_conversationPage);
    m_subtitle->setObjectName(QStringLiteral("conversationSubtitle"));
    m_subtitle->setTextFormat(Qt::PlainText);
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_saveButton = new QToolButton(m_conversationPage);
    m_saveButton->setObjectName(QStringLiteral("saveAsContactButton"));
    m_saveButton->setDefaultAction(m_saveAsContactAction);

    auto *titles = new QVBoxLayout;
    titles->setSpacing(0);
    titles->addWidget(m_title);
    titles->addWidget(m_subtitle);
    auto *header = new QHBoxLayout;
    header->addLayout(titles, 1);
    header->addWidget(m_saveButton, 0, Qt::AlignVCenter);

    auto *separator = new QFrame(m_conversationPage);
    separator->setFrameShape(QFrame::HLine);
    separator->setFrameShadow(QFrame::Sunken);

    createMessageView(m_conversationPage);

    m_inputError = new QLabel(m_conversationPage);
    m_inputError->setObjectName(QStringLiteral("inputError"));
    m_inputError->setWordWrap(true);
    QPalette errorPalette = m_inputError->palette();
    errorPalette.setColor(QPalette::WindowText, InputErrorColor);
    m_inputError->setPalette(errorPalette);
    m_inputError->hide();

    m_input = new MessageEdit(m_conversationPage);
    m_input->setObjectName(QStringLiteral("messageInput"));
    m_input->setPlaceholderText(tr("Write a message. Enter sends; Shift+Enter starts a new line."));
    connect(m_input, &MessageEdit::sendRequested, this, &ChatWidget::sendInput);
    connect(m_input, &QPlainTextEdit::textChanged, this, [this] {
        m_sendError.clear();
        updateInputState();
    });
    m_sendButton = new QPushButton(tr("S&end"), m_conversationPage);
    m_sendButton->setObjectName(QStringLiteral("sendButton"));
    m_sendButton->setToolTip(tr("Send the message (Enter)"));
    connect(m_sendButton, &QPushButton::clicked, this, &ChatWidget::sendInput);

    auto *inputRow = new QHBoxLayout;
    inputRow->addWidget(m_input, 1);
    inputRow->addWidget(m_sendButton, 0, Qt::AlignBottom);

    auto *layout = new QVBoxLayout(m_conversationPage);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto *headerBox = new QWidget(m_conversationPage);
    headerBox->setLayout(header);
    layout->addWidget(headerBox);
    layout->addWidget(separator);
    layout->addWidget(m_messageView, 1);
    auto *inputBox = new QWidget(m_conversationPage);
    auto *inputLayout = new QVBoxLayout(inputBox);
    inputLayout->addWidget(m_inputError);
    inputLayout->addLayout(inputRow);
    layout->addWidget(inputBox);

    m_conversationStack->addWidget(m_placeholder);
    m_conversationStack->addWidget(m_conversationPage);
    return m_conversationStack;
}

QString ChatWidget::currentTitle() const
{
    return m_currentKey.isEmpty() ? QString() : m_controller->service()->conversationTitle(m_currentKey);
}

bool ChatWidget::openConversation(const QString &key)
{
    const QModelIndex index = m_listModel->indexOf(key);
    if (!index.isValid())
        return false;
    m_conversationList->setCurrentIndex(index);
    m_conversationList->scrollTo(index);
    return true;
}

void ChatWidget::startConversation(const QString &key)
{
    m_listModel->ensureListed(key);
    m_listTabs->setCurrentIndex(0);
    if (openConversation(key))
        m_input->setFocus();
}

qint64 ChatWidget::totalUnread() const
{
    return m_listModel->totalUnread();
}

bool ChatWidget::isInFront() const
{
    const QWidget *top = window();
    return isVisible() && top->isActiveWindow() && !(top->windowState() & Qt::WindowMinimized);
}

QRect ChatWidget::retryButtonRect(int row) const
{
    return m_messageDelegate->retryButtonRect(m_conversationModel->index(row));
}

void ChatWidget::showConversation(const QString &key)
{
    const bool changed = key != m_currentKey;
    const QString previous = m_currentKey;
    m_currentKey = key;
    if (changed) {
        m_stickToBottom = true;
        m_conversationModel->setConversation(key);
        // Each conversation keeps its unsent text.
        if (const QString draft = m_input->toPlainText(); !previous.isEmpty() && !draft.isEmpty())
            m_drafts.insert(previous, draft);
        m_input->setPlainText(m_drafts.take(key));
        m_input->moveCursor(QTextCursor::End);
        m_sendError.clear();
    }
    m_conversationStack->setCurrentWidget(key.isEmpty() ? m_placeholder : m_conversationPage);
    updateHeader();
    updateInputState();
    updateActions();
    updateActiveConversation();
    if (changed) {
        m_messageView->scrollToBottom();
        Q_EMIT currentConversationChanged(key);
    }
}

void ChatWidget::reselectAfterReset()
{
    // A reset forgets the current row; the conversation is still open if it
    // is still listed.
    const QModelIndex index = m_listModel->indexOf(m_currentKey);
    if (index.isValid())
        m_conversationList->setCurrentIndex(index);
    else
        showConversation(QString());
}

void ChatWidget::updateActiveConversation()
{
    // Messages to the conversation in front arrive read; any other gets a badge.
    ChatService *service = m_controller->service();
    const QString key = isInFront() ? m_currentKey : QString();
    if (key != service->activeConversation())
        service->setActiveConversation(key); // marks it read
    else if (!key.isEmpty() && m_listModel->unread(key) > 0)
        service->markRead(key);
    if (!key.isEmpty())
        m_listModel->markRead(key);
}

void ChatWidget::updateHeader()
{
    if (m_currentKey.isEmpty())
        return;
    const ChatService *service = m_controller->service();
    m_title->setText(service->conversationTitle(m_currentKey));
    const auto address = service->destination(m_currentKey);
    const QString where = address ? address->toString() : tr("no address");
    if (const auto contact = service->contactForConversation(m_currentKey))
        m_subtitle->setText(tr("%1 · %2").arg(where, ContactDialog::protocolName(contact->protocol)));
    else if (m_title->text().contains(where))
        m_subtitle->setText(tr("Not in your contacts"));
    else
        m_subtitle->setText(tr("%1 · not in your contacts").arg(where));
}

void ChatWidget::updateInputState()
{
    const QString text = m_input->toPlainText();
    const qsizetype bytes = text.toUtf8().size();
    const bool tooLong = bytes > Chat::MaxTextBytes;
    const QString error = tooLong ? tr("This message is %L1 bytes long; at most %L2 bytes fit in one message. "
                                       "Shorten it to send it.")
                                        .arg(bytes)
                                        .arg(Chat::MaxTextBytes)
                                  : m_sendError;
    m_inputError->setText(error);
    m_inputError->setVisible(!error.isEmpty());
    m_input->setEnabled(!m_currentKey.isEmpty());
    m_sendButton->setEnabled(!m_currentKey.isEmpty() && !tooLong && !text.trimmed().isEmpty());
}

void ChatWidget::updateActions()
{
    const ChatService *service = m_controller->service();
    const bool contact = service->contactForConversation(m_currentKey).has_value();
    const bool stranger = !m_currentKey.isEmpty() && !contact && service->destination(m_currentKey).has_value();
    m_editContactAction->setEnabled(contact);
    m_removeContactAction->setEnabled(contact);
    m_saveAsContactAction->setEnabled(stranger);
    m_saveButton->setVisible(stranger);
}

void ChatWidget::updateBanner()
{
    const QStringList problems = m_controller->problems();
    m_bannerText->setText(problems.join(QLatin1Char('\n')));
    m_banner->setVisible(!problems.isEmpty() && !m_bannerDismissed);
}

void ChatWidget::onMessageAdded(const StoredMessage &message)
{
    if (message.outgoing || message.read)
        return;
    Q_EMIT unreadMessageArrived(message.conversation, m_controller->service()->conversationTitle(message.conversation),
                                message.text);
}

void ChatWidget::showInputError(const QString &error)
{
    m_sendError = error;
    updateInputState();
}

void ChatWidget::sendInput()
{
    if (m_currentKey.isEmpty())
        return;
    const QString text = m_input->toPlainText();
    if (text.trimmed().isEmpty() || text.toUtf8().size() > Chat::MaxTextBytes) {
        updateInputState(); // says why, if there is something to say
        return;
    }
    if (const Expected<StoredMessage> sent = m_controller->service()->send(m_currentKey, text); !sent) {
        showInputError(sent.error());
        return;
    }
    m_stickToBottom = true;
    m_input->clear();
    m_messageView->scrollToBottom();
}

void ChatWidget::retry(const QModelIndex &messageIndex)
{
    const QUuid id = messageIndex.data(ConversationModel::MessageIdRole).toUuid();
    if (!messageIndex.data(ConversationModel::CanRetryRole).toBool())
        return;
    if (!m_controller->service()->retry(id))
        showInputError(tr("This message can no longer be sent again."));
}

void ChatWidget::showSettings()
{
    ChatSettingsDialog::openFor(m_controller, this);
}

void ChatWidget::showMessageMenu(const QPoint &position)
{
    const QModelIndex index = m_messageView->indexAt(position);
    if (!index.isValid())
        return;
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    const QString text = index.data(ConversationModel::TextRole).toString();
    menu->addAction(tr("&Copy Text"), this, [text] { QGuiApplication::clipboard()->setText(text); });
    if (index.data(ConversationModel::CanRetryRole).toBool()) {
        const QPersistentModelIndex persistent(index);
        menu->addAction(tr("&Retry"), this, [this, persistent] {
            if (persistent.isValid())
                retry(persistent);
        });
    }
    menu->popup(m_messageView->viewport()->mapToGlobal(position));
}

void ChatWidget::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::ActivationChange || event->type() == QEvent::WindowStateChange)
        updateActiveConversation();
    QWidget::changeEvent(event);
}

void ChatWidget::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    updateActiveConversation();
}

void ChatWidget::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    updateActiveConversation();
}

void ChatWidget::readSettings()
{
    const QSettings settings;
    m_splitter->restoreState(settings.value(SplitterKey).toByteArray());
}

void ChatWidget::writeSettings() const
{
    QSettings settings;
    settings.setValue(SplitterKey, m_splitter->saveState());
}

} // namespace Tincan
