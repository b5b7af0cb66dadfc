// The Chat tab: on the left the conversation list (contacts and strangers,
// with unread badges) and the people on the LAN (PeerListPane), one page each; the open conversation on the right
// (bubbles, delivery states, Retry), the input box under it, and a banner for what went wrong (no history, port taken).
// It drives a ChatController; it holds no socket.
#pragma once

#include <QHash>
#include <QWidget>

class QAction;
class QLabel;
class QListView;
class QModelIndex;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QToolButton;

namespace Tincan {

class ChatController;
class ConversationListModel;
class ConversationModel;
class MessageDelegate;
class MessageEdit;
class PeerListPane;
struct StoredMessage;

class ChatWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatWidget)

public:
    explicit ChatWidget(ChatController *controller, QWidget *parent = nullptr);
    ~ChatWidget() override;

    ChatController *controller() const { return m_controller; }
    ConversationListModel *conversationListModel() const { return m_listModel; }
    ConversationModel *conversationModel() const { return m_conversationModel; }
    QListView *conversationList() const { return m_conversationList; }
    // The "People" page: contacts and LAN peers, live.
    PeerListPane *peerListPane() const { return m_peerPane; }
    QTabWidget *listTabs() const { return m_listTabs; }
    QListView *messageView() const { return m_messageView; }
    MessageEdit *input() const { return m_input; }
    QPushButton *sendButton() const { return m_sendButton; }

    QAction *addContactAction() const { return m_addContactAction; }
    QAction *editContactAction() const { return m_editContactAction; }
    QAction *removeContactAction() const { return m_removeContactAction; }
    QAction *saveAsContactAction() const { return m_saveAsContactAction; }
    QAction *settingsAction() const { return m_settingsAction; }

    QString currentConversation() const { return m_currentKey; }
    QString currentTitle() const;
    // Makes `key` the open conversation; false when the list does not hold it.
    bool openConversation(const QString &key);
    // Lists (if need be) and opens `key`, on the Chats page, ready to write.
    void startConversation(const QString &key);
    qint64 totalUnread() const;
    // The conversation is in front of the user: the tab shown in the active window.
    bool isInFront() const;
    // The Retry button of the message at `row`, in the message view's viewport
    // coordinates; empty when it has none.
    QRect retryButtonRect(int row) const;

public Q_SLOTS:
    // Sends the input box's text to the open conversation.
    void sendInput();
    void addContact();
    void editContact();
    void removeContact();
    void saveAsContact();
    void showSettings();
    void retry(const QModelIndex &messageIndex);

Q_SIGNALS:
    void currentConversationChanged(const QString &key);
    void unreadCountChanged(qint64 total);
    // A message arrived that the user has not seen (its conversation is not
    // the one in front): time to notify.
    void unreadMessageArrived(const QString &conversation, const QString &title, const QString &text);

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QWidget *createBanner();
    QWidget *createListPane();
    QWidget *createConversationPane();
    // m_messageView: the conversation's bubbles, kept scrolled to the bottom
    // while they are.
    void createMessageView(QWidget *parent);
    void createActions();
    void showConversation(const QString &key);
    void reselectAfterReset();
    void updateActiveConversation();
    void updateHeader();
    void updateInputState();
    void updateActions();
    void updateBanner();
    void onMessageAdded(const StoredMessage &message);
    void showListMenu(const QPoint &position);
    void showMessageMenu(const QPoint &position);
    void showInputError(const QString &error);
    void readSettings();
    void writeSettings() const;

    ChatController *m_controller;
    ConversationListModel *m_listModel = nullptr;
    ConversationModel *m_conversationModel = nullptr;
    MessageDelegate *m_messageDelegate = nullptr;

    QWidget *m_banner = nullptr;
    QLabel *m_bannerText = nullptr;
    QSplitter *m_splitter = nullptr;
    QListView *m_conversationList = nullptr;
    QTabWidget *m_listTabs = nullptr;
    PeerListPane *m_peerPane = nullptr;
    QStackedWidget *m_conversationStack = nullptr;
    QLabel *m_placeholder = nullptr;
    QWidget *m_conversationPage = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_subtitle = nullptr;
    QToolButton *m_saveButton = nullptr;
    QListView *m_messageView = nullptr;
    QLabel *m_inputError = nullptr;
    MessageEdit *m_input = nullptr;
    QPushButton *m_sendButton = nullptr;

    QAction *m_addContactAction = nullptr;
    QAction *m_editContactAction = nullptr;
    QAction *m_removeContactAction = nullptr;
    QAction *m_saveAsContactAction = nullptr;
    QAction *m_settingsAction = nullptr;

    QString m_currentKey;
    QString m_sendError;              // the last refusal, shown until the text changes
    QHash<QString, QString> m_drafts; // unsent text of the conversations not open
    bool m_bannerDismissed = false;
    bool m_stickToBottom = true;
};

} // namespace Tincan
