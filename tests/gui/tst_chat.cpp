// The Chat tab against real peers in this process: a second ChatEndpoint for a
// Tincan peer and a bare QUdpSocket for a classic one (bare UTF-8 datagrams, as
// the socket tutorial's programs send). Each test has its own history file in
// a temporary folder and listens on a free port of 127.0.0.1.
#include "chat/chatcontroller.h"
#include "models/chat/conversationlistmodel.h"
#include "models/chat/conversationmodel.h"
#include "net/chat/chatenvelope.h"
#include "ui/chat/chatwidget.h"
#include "ui/chat/contactdialog.h"
#include "ui/chat/messageedit.h"
#include "ui/mainwindow.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QNetworkDatagram>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUdpSocket>

#include <chrono>
#include <memory>

using namespace Tincan;
using namespace std::chrono_literals;

namespace {

QHostAddress loopback()
{
    return QHostAddress(QHostAddress::LocalHost);
}

// A Tincan peer with a short retry schedule, or nullptr.
std::unique_ptr<ChatEndpoint> makePeer(const QString &name, quint16 port = 0)
{
    auto peer = std::make_unique<ChatEndpoint>(QUuid::createUuid(), name);
    peer->setRetryPolicy({10ms, 6});
    if (!peer->bind(loopback(), port, false)) {
        qWarning("peer bind failed: %s", qPrintable(peer->errorString()));
        return nullptr;
    }
    return peer;
}

// A port that was free a moment ago: for a peer that comes up later.
quint16 reserveFreePort()
{
    QUdpSocket socket;
    if (!socket.bind(loopback(), 0))
        return 0;
    return socket.localPort();
}

DeliveryState stateAt(ChatWidget *chat, int row)
{
    return chat->conversationModel()->index(row).data(ConversationModel::StateRole).value<DeliveryState>();
}

QString textAt(ChatWidget *chat, int row)
{
    return chat->conversationModel()->index(row).data(ConversationModel::TextRole).toString();
}

qint64 unreadOf(ChatWidget *chat, const QString &key)
{
    return chat->conversationListModel()->indexOf(key).data(ConversationListModel::UnreadRole).toLongLong();
}

QStringList titles(ChatWidget *chat)
{
    QStringList result;
    const QAbstractItemModel *model = chat->conversationListModel();
    for (int row = 0; row < model->rowCount(); ++row)
        result.append(model->index(row, 0).data(ConversationListModel::TitleRole).toString());
    return result;
}

// Clicks a conversation in the list, as the user does.
bool clickConversation(ChatWidget *chat, const QString &key)
{
    const QModelIndex index = chat->conversationListModel()->indexOf(key);
    if (!index.isValid())
        return false;
    chat->conversationList()->scrollTo(index);
    QTest::mouseClick(chat->conversationList()->viewport(), Qt::LeftButton, {},
                      chat->conversationList()->visualRect(index).center());
    return chat->currentConversation() == key;
}

template <typename T> T *visibleChild(QWidget *parent)
{
    for (T *child : parent->findChildren<T *>())
        if (child->isVisible())
            return child;
    return nullptr;
}

} // namespace

class TestChat final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void showsDefaultContacts();
    void sendsToTincanContact();
    void sendsBareTextToClassicContact();
    void opensConversationForUnknownSender();
    void shiftEnterStartsNewLine();
    void keepsDraftPerConversation();
    void refusesTooLongText_data();
    void refusesTooLongText();
    void retriesFailedMessage();
    void reloadsHistory();
    void managesContacts();
    void validatesContact_data();
    void validatesContact();
    void chatsWithoutHistory();
    void saysWhenPortIsTaken();

private:
    ChatController::Options options(quint16 port = 0) const;
    // A contact added through the service; returns its conversation key.
    QString addContact(MainWindow &window, const QString &name, quint16 port, ChatProtocol protocol);
    // Types `text` into the input box and presses Enter.
    void typeAndSend(ChatWidget *chat, const QString &text);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestChat::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("Tincan"));
    QCoreApplication::setApplicationName(QStringLiteral("TincanGuiChatTest"));
}

void TestChat::init()
{
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

ChatController::Options TestChat::options(quint16 port) const
{
    ChatController::Options options;
    options.historyPath = m_dir->filePath(QStringLiteral("history.sqlite"));
    options.bindAddress = loopback();
    options.port = port;
    options.displayName = QStringLiteral("alice");
    return options;
}

QString TestChat::addContact(MainWindow &window, const QString &name, quint16 port, ChatProtocol protocol)
{
    Contact contact;
    contact.name = name;
    contact.host = QStringLiteral("127.0.0.1");
    contact.port = port;
    contact.protocol = protocol;
    if (const Expected<void> added = window.chatController()->service()->addContact(contact); !added)
        qWarning("addContact: %s", qPrintable(added.error()));
    return ChatService::contactKey(contact.id);
}

void TestChat::typeAndSend(ChatWidget *chat, const QString &text)
{
    // QTest types Latin-1 only; other text arrives as an input method would put it.
    bool latin1 = true;
    for (QChar c : text)
        latin1 = latin1 && c.unicode() < 0x80;
    if (latin1)
        QTest::keyClicks(chat->input(), text);
    else
        chat->input()->insertPlainText(text);
    QTest::keyClick(chat->input(), Qt::Key_Return);
}

void TestChat::showsDefaultContacts()
{
    MainWindow window(options());
    window.show();
    QCOMPARE(window.pages()->tabText(0), QStringLiteral("Chat"));
    QCOMPARE(window.pages()->currentWidget(), window.chatWidget());
    ChatWidget *chat = window.chatWidget();
    QCOMPARE(titles(chat),
             QStringList(
                 {QStringLiteral("TOM"), QStringLiteral("JACK"), QStringLiteral("一棵树"), QStringLiteral("武大郎")}));
    const QAbstractItemModel *model = chat->conversationListModel();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        QCOMPARE(index.data(ConversationListModel::AddressRole).toString(), QStringLiteral("127.0.0.1:8081"));
        QCOMPARE(index.data(ConversationListModel::UnreadRole).toLongLong(), 0);
        QVERIFY(index.data(ConversationListModel::IsContactRole).toBool());
        QVERIFY(!index.data(ConversationListModel::LastTimeRole).toDateTime().isValid());
    }
    // Nothing open yet: nothing to type into.
    QVERIFY(chat->currentConversation().isEmpty());
    QVERIFY(!chat->input()->isVisible());
    auto *status = window.findChild<QLabel *>(QStringLiteral("chatStatusLabel"));
    QVERIFY(status);
    QCOMPARE(status->text(), QStringLiteral("Chat: UDP port %1").arg(window.chatController()->endpoint()->localPort()));
    QVERIFY(!window.findChild<QWidget *>(QStringLiteral("chatBanner"))->isVisible());
}

void TestChat::sendsToTincanContact()
{
    auto peer = makePeer(QStringLiteral("bob"));
    QVERIFY(peer);
    QSignalSpy received(peer.get(), &ChatEndpoint::messageReceived);

    MainWindow window(options());
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    ChatWidget *chat = window.chatWidget();
    const QString key = addContact(window, QStringLiteral("Bob"), peer->localPort(), ChatProtocol::Tincan);
    QVERIFY(clickConversation(chat, key));
    QVERIFY(chat->input()->isEnabled());
    QVERIFY(window.windowTitle().contains(QStringLiteral("Bob")));

    typeAndSend(chat, QStringLiteral("hello bob"));
    QCOMPARE(chat->conversationModel()->rowCount(), 1);
    QVERIFY(chat->input()->toPlainText().isEmpty());
    QCOMPARE(textAt(chat, 0), QStringLiteral("hello bob"));
    QVERIFY(chat->conversationModel()->index(0).data(ConversationModel::OutgoingRole).toBool());
    QCOMPARE(stateAt(chat, 0), DeliveryState::Sending);
    QCOMPARE(chat->conversationModel()->index(0).data(ConversationModel::StateTextRole).toString(),
             QStringLiteral("Sending…"));

    QTRY_COMPARE(stateAt(chat, 0), DeliveryState::Delivered);
    QCOMPARE(chat->conversationModel()->index(0).data(ConversationModel::StateTextRole).toString(),
             QStringLiteral("Delivered ✓"));
    QCOMPARE(received.count(), 1);
    const auto message = received.at(0).at(0).value<ChatMessage>();
    QCOMPARE(message.text, QStringLiteral("hello bob"));
    QCOMPARE(message.peerName, QStringLiteral("alice"));
    QVERIFY(!message.classic);
    QCOMPARE(chat->conversationListModel()->indexOf(key).data(ConversationListModel::LastTextRole).toString(),
             QStringLiteral("hello bob"));

    // Bob answers: it shows in Bob's conversation, under the contact's name, already read.
    peer->send({loopback(), window.chatController()->endpoint()->localPort()}, QStringLiteral("hi alice"),
               ChatProtocol::Tincan);
    QTRY_COMPARE(chat->conversationModel()->rowCount(), 2);
    QCOMPARE(textAt(chat, 1), QStringLiteral("hi alice"));
    QCOMPARE(chat->conversationModel()->index(1).data(ConversationModel::SenderRole).toString(), QStringLiteral("Bob"));
    QCOMPARE(unreadOf(chat, key), 0);
    QCOMPARE(received.count(), 1);
}

void TestChat::sendsBareTextToClassicContact()
{
    QUdpSocket classic;
    QVERIFY(classic.bind(loopback(), 0));

    MainWindow window(options());
    window.show();
    ChatWidget *chat = window.chatWidget();
    const QString key = addContact(window, QStringLiteral("Carl"), classic.localPort(), ChatProtocol::Classic);
    QVERIFY(clickConversation(chat, key));

    const QString text = QStringLiteral("你好, classic");
    typeAndSend(chat, text);
    QTRY_VERIFY(classic.hasPendingDatagrams());
    const QNetworkDatagram datagram = classic.receiveDatagram();
    QCOMPARE(datagram.data(), text.toUtf8());
    QCOMPARE(datagram.senderPort(), int(window.chatController()->endpoint()->localPort()));
    QTRY_COMPARE(stateAt(chat, 0), DeliveryState::Sent);
    QCOMPARE(chat->conversationModel()->index(0).data(ConversationModel::StateTextRole).toString(),
             QStringLiteral("Sent"));
    // Nothing besides the text: a classic client would take it for the reply.
    QVERIFY(!classic.hasPendingDatagrams());

    // The classic server's reply goes to the conversation written to.
    const QByteArray reply = QStringLiteral("收到: ok").toUtf8();
    QCOMPARE(classic.writeDatagram(reply, datagram.senderAddress(), quint16(datagram.senderPort())),
             qint64(reply.size()));
    QTRY_COMPARE(chat->conversationModel()->rowCount(), 2);
    QCOMPARE(textAt(chat, 1), QStringLiteral("收到: ok"));
    QCOMPARE(chat->conversationModel()->index(1).data(ConversationModel::SenderRole).toString(),
             QStringLiteral("Carl"));
    QVERIFY(chat->conversationModel()->index(1).data(ConversationModel::ClassicRole).toBool());
    QVERIFY(!classic.hasPendingDatagrams()); // no acknowledgement either
}

void TestChat::opensConversationForUnknownSender()
{
    QUdpSocket stranger;
    QVERIFY(stranger.bind(loopback(), 0));

    MainWindow window(options());
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    ChatWidget *chat = window.chatWidget();
    QSignalSpy arrived(chat, &ChatWidget::unreadMessageArrived);

    const QByteArray text = QByteArrayLiteral("hi from nowhere");
    stranger.writeDatagram(text, loopback(), window.chatController()->endpoint()->localPort());
    const QString address = QStringLiteral("127.0.0.1:%1").arg(stranger.localPort());
    const QString key = ChatService::addressKey({loopback(), stranger.localPort()});
    QTRY_VERIFY(chat->conversationListModel()->indexOf(key).isValid());
    const QModelIndex row = chat->conversationListModel()->indexOf(key);
    QCOMPARE(row.row(), 0); // the latest on top
    QCOMPARE(row.data(ConversationListModel::TitleRole).toString(), address);
    QVERIFY(!row.data(ConversationListModel::IsContactRole).toBool());
    QCOMPARE(unreadOf(chat, key), 1);
    QCOMPARE(chat->totalUnread(), 1);
    QCOMPARE(window.pages()->tabText(0), QStringLiteral("Chat (1)"));
    QVERIFY(window.windowTitle().startsWith(QStringLiteral("(1) ")));
    QCOMPARE(arrived.count(), 1);
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("hi from nowhere")),
                 qPrintable(window.statusBar()->currentMessage()));

    // Opening it marks it read.
    QVERIFY(clickConversation(chat, key));
    QCOMPARE(unreadOf(chat, key), 0);
    QCOMPARE(window.pages()->tabText(0), QStringLiteral("Chat"));
    QCOMPARE(chat->conversationModel()->rowCount(), 1);
    QVERIFY(chat->saveAsContactAction()->isEnabled());
    QVERIFY(!chat->editContactAction()->isEnabled());

    chat->saveAsContactAction()->trigger();
    ContactDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = visibleChild<ContactDialog>(&window)));
    QCOMPARE(dialog->contact().host, QStringLiteral("127.0.0.1"));
    QCOMPARE(dialog->contact().port, stranger.localPort());
    QVERIFY(!dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled()); // no name yet
    dialog->setName(QStringLiteral("Stranger"));
    dialog->accept();

    QVERIFY(!chat->conversationListModel()->indexOf(key).isValid());
    const QString contactKey = chat->currentConversation();
    const auto contact = window.chatController()->service()->contactForConversation(contactKey);
    QVERIFY(contact);
    QCOMPARE(contact->name, QStringLiteral("Stranger"));
    QCOMPARE(contact->port, stranger.localPort());
    QVERIFY(titles(chat).contains(QStringLiteral("Stranger")));
    QVERIFY(!titles(chat).contains(address));
    QCOMPARE(chat->conversationModel()->rowCount(), 1);
    QCOMPARE(textAt(chat, 0), QStringLiteral("hi from nowhere"));
    QCOMPARE(window.chatController()->history()->messages(contactKey).size(), 1);
    QVERIFY(chat->editContactAction()->isEnabled());
    QVERIFY(!chat->saveAsContactAction()->isEnabled());

    // The next datagram from there is the contact's.
    stranger.writeDatagram(QByteArrayLiteral("again"), loopback(), window.chatController()->endpoint()->localPort());
    QTRY_COMPARE(chat->conversationModel()->rowCount(), 2);
    QVERIFY(!chat->conversationListModel()->indexOf(key).isValid());
}

void TestChat::shiftEnterStartsNewLine()
{
    auto peer = makePeer(QStringLiteral("bob"));
    QVERIFY(peer);
    QSignalSpy received(peer.get(), &ChatEndpoint::messageReceived);
    MainWindow window(options());
    window.show();
    ChatWidget *chat = window.chatWidget();
    const QString key = addContact(window, QStringLiteral("Bob"), peer->localPort(), ChatProtocol::Tincan);
    QVERIFY(clickConversation(chat, key));

    QTest::keyClicks(chat->input(), QStringLiteral("line one"));
    QTest::keyClick(chat->input(), Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(chat->input(), QStringLiteral("line two"));
    QCOMPARE(chat->input()->toPlainText(), QStringLiteral("line one\nline two"));
    QCOMPARE(chat->conversationModel()->rowCount(), 0);
    QCOMPARE(window.chatController()->endpoint()->pendingCount(), 0);

    QTest::keyClick(chat->input(), Qt::Key_Enter); // the keypad's Enter sends too
    QCOMPARE(chat->conversationModel()->rowCount(), 1);
    QTRY_COMPARE(received.count(), 1);
    QCOMPARE(received.at(0).at(0).value<ChatMessage>().text, QStringLiteral("line one\nline two"));

    // A blank message is not sent.
    QTest::keyClicks(chat->input(), QStringLiteral("   "));
    QTest::keyClick(chat->input(), Qt::Key_Return);
    QVERIFY(!chat->sendButton()->isEnabled());
    QCOMPARE(chat->conversationModel()->rowCount(), 1);
}

void TestChat::keepsDraftPerConversation()
{
    MainWindow window(options());
    window.show();
    ChatWidget *chat = window.chatWidget();
    const QString tom = ChatService::contactKey(1);
    const QString jack = ChatService::contactKey(2);
    QVERIFY(clickConversation(chat, tom));
    QTest::keyClicks(chat->input(), QStringLiteral("half a thought"));
    QVERIFY(clickConversation(chat, jack));
    QVERIFY(chat->input()->toPlainText().isEmpty());
    QVERIFY(clickConversation(chat, tom));
    QCOMPARE(chat->input()->toPlainText(), QStringLiteral("half a thought"));
    QCOMPARE(chat->conversationModel()->rowCount(), 0);
}

void TestChat::refusesTooLongText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("accepted");

    QTest::newRow("at the limit") << QString(Chat::MaxTextBytes, QLatin1Char('a')) << true;
    QTest::newRow("one byte over") << QString(Chat::MaxTextBytes + 1, QLatin1Char('a')) << false;
    // Bytes of UTF-8 count, not characters: 3 bytes each.
    QTest::newRow("CJK within") << QString(Chat::MaxTextBytes / 3, QChar(0x4e2d)) << true;
    QTest::newRow("CJK over") << QString(Chat::MaxTextBytes / 3 + 1, QChar(0x4e2d)) << false;
}

void TestChat::refusesTooLongText()
{
    QFETCH(QString, text);
    QFETCH(bool, accepted);

    QUdpSocket classic;
    QVERIFY(classic.bind(loopback(), 0));
    MainWindow window(options());
    window.show();
    ChatWidget *chat = window.chatWidget();
    const QString key = addContact(window, QStringLiteral("Carl"), classic.localPort(), ChatProtocol::Classic);
    QVERIFY(clickConversation(chat, key));
    auto *error = window.findChild<QLabel *>(QStringLiteral("inputError"));
    QVERIFY(error);

    chat->input()->setPlainText(text);
    const qsizetype bytes = text.toUtf8().size();
    QCOMPARE(error->isVisible(), !accepted);
    QCOMPARE(chat->sendButton()->isEnabled(), accepted);
    if (!accepted) {
        QVERIFY2(error->text().contains(QLocale().toString(bytes)), qPrintable(error->text()));
        QVERIFY2(error->text().contains(QLocale().toString(Chat::MaxTextBytes)), qPrintable(error->text()));
    }

    QTest::keyClick(chat->input(), Qt::Key_Return);
    QCOMPARE(chat->conversationModel()->rowCount(), accepted ? 1 : 0);
    if (accepted) {
        QTRY_VERIFY(classic.hasPendingDatagrams());
        QCOMPARE(classic.receiveDatagram(Chat::MaxDatagramSize).data().size(), bytes);
        QVERIFY(chat->input()->toPlainText().isEmpty());
    } else {
        // Refused at the input: still there to be shortened, nothing sent.
        QCOMPARE(chat->input()->toPlainText(), text);
        QVERIFY(!classic.hasPendingDatagrams());
        // Shortened, it may go.
        chat->input()->setPlainText(QStringLiteral("short"));
        QVERIFY(!error->isVisible());
        QVERIFY(chat->sendButton()->isEnabled());
    }
}

void TestChat::retriesFailedMessage()
{
    const quint16 port = reserveFreePort();
    QVERIFY(port != 0);
    MainWindow window(options());
    window.show();
    ChatWidget *chat = window.chatWidget();
    window.chatController()->endpoint()->setRetryPolicy({5ms, 3});
    const QString key = addContact(window, QStringLiteral("Offline Olga"), port, ChatProtocol::Tincan);
    QVERIFY(clickConversation(chat, key));

    typeAndSend(chat, QStringLiteral("are you there?"));
    QCOMPARE(stateAt(chat, 0), DeliveryState::Sending);
    QVERIFY(chat->retryButtonRect(0).isEmpty());
    QTRY_COMPARE(stateAt(chat, 0), DeliveryState::Failed);
    QCOMPARE(chat->conversationModel()->index(0).data(ConversationModel::StateTextRole).toString(),
             QStringLiteral("Not delivered"));
    QVERIFY(chat->conversationModel()->index(0).data(ConversationModel::CanRetryRole).toBool());
    const QRect retry = chat->retryButtonRect(0);
    QVERIFY(!retry.isEmpty());
    QVERIFY(chat->messageView()->viewport()->rect().contains(retry));

    // The peer comes up; the user presses Retry.
    auto peer = makePeer(QStringLiteral("olga"), port);
    QVERIFY(peer);
    QSignalSpy received(peer.get(), &ChatEndpoint::messageReceived);
    QTest::mouseClick(chat->messageView()->viewport(), Qt::LeftButton, {}, retry.center());
    QTRY_COMPARE(stateAt(chat, 0), DeliveryState::Delivered);
    QCOMPARE(received.count(), 1);
    QCOMPARE(received.at(0).at(0).value<ChatMessage>().text, QStringLiteral("are you there?"));
    QVERIFY(chat->retryButtonRect(0).isEmpty());
    const auto stored = window.chatController()->history()->messages(key);
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored.at(0).state, DeliveryState::Delivered);
}

void TestChat::reloadsHistory()
{
    QUdpSocket classic;
    QVERIFY(classic.bind(loopback(), 0));
    QUdpSocket stranger;
    QVERIFY(stranger.bind(loopback(), 0));
    QString key;
    const QString strangerKey = ChatService::addressKey({loopback(), stranger.localPort()});
    {
        MainWindow window(options());
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window)); // so that Carl's reply arrives read
        ChatWidget *chat = window.chatWidget();
        key = addContact(window, QStringLiteral("Carl"), classic.localPort(), ChatProtocol::Classic);
        QVERIFY(clickConversation(chat, key));
        typeAndSend(chat, QStringLiteral("first"));
        QTRY_VERIFY(classic.hasPendingDatagrams());
        const QNetworkDatagram datagram = classic.receiveDatagram();
        classic.writeDatagram(QByteArrayLiteral("second"), datagram.senderAddress(), quint16(datagram.senderPort()));
        QTRY_COMPARE(chat->conversationModel()->rowCount(), 2);
        stranger.writeDatagram(QByteArrayLiteral("unread"), loopback(),
                               window.chatController()->endpoint()->localPort());
        QTRY_COMPARE(unreadOf(chat, strangerKey), 1);
        window.close();
    }

    MainWindow window(options());
    window.show();
    ChatWidget *chat = window.chatWidget();
    QCOMPARE(chat->conversationListModel()->keyAt(0), strangerKey); // most recent first
    QCOMPARE(chat->conversationListModel()->keyAt(1), key);
    QCOMPARE(unreadOf(chat, strangerKey), 1);
    QCOMPARE(window.pages()->tabText(0), QStringLiteral("Chat (1)"));
    QCOMPARE(chat->conversationListModel()->indexOf(key).data(ConversationListModel::LastTextRole).toString(),
             QStringLiteral("second"));
    QVERIFY(clickConversation(chat, key));
    QCOMPARE(chat->conversationModel()->rowCount(), 2);
    QCOMPARE(textAt(chat, 0), QStringLiteral("first"));
    QCOMPARE(stateAt(chat, 0), DeliveryState::Sent);
    QCOMPARE(textAt(chat, 1), QStringLiteral("second"));
    QVERIFY(!chat->conversationModel()->index(1).data(ConversationModel::OutgoingRole).toBool());
    QCOMPARE(titles(chat).size(), 6); // the four, Carl, the stranger
}

void TestChat::managesContacts()
{
    MainWindow window(options());
    window.show();
    ChatWidget *chat = window.chatWidget();
    QVERIFY(!chat->editContactAction()->isEnabled());

    chat->addContactAction()->trigger();
    ContactDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = visibleChild<ContactDialog>(&window)));
    dialog->setName(QStringLiteral("Dora"));
    dialog->setHost(QStringLiteral("localhost"));
    dialog->setPort(9999);
    dialog->setProtocol(ChatProtocol::Classic);
    dialog->accept();
    QTRY_VERIFY(!visibleChild<ContactDialog>(&window));
    QVERIFY(titles(chat).contains(QStringLiteral("Dora")));
    const QString key = chat->currentConversation(); // a new contact opens
    auto contact = window.chatController()->service()->contactForConversation(key);
    QVERIFY(contact);
    QCOMPARE(contact->port, quint16(9999));
    QCOMPARE(contact->protocol, ChatProtocol::Classic);
    QCOMPARE(window.chatController()->history()->contacts().size(), 5);

    chat->editContactAction()->trigger();
    QTRY_VERIFY((dialog = visibleChild<ContactDialog>(&window)));
    QCOMPARE(dialog->contact().name, QStringLiteral("Dora"));
    dialog->setName(QStringLiteral("Dora the Explorer"));
    dialog->accept();
    QTRY_VERIFY(titles(chat).contains(QStringLiteral("Dora the Explorer")));
    QCOMPARE(window.findChild<QLabel *>(QStringLiteral("conversationTitle"))->text(),
             QStringLiteral("Dora the Explorer"));
    QCOMPARE(chat->currentConversation(), key);

    chat->removeContactAction()->trigger();
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = visibleChild<QMessageBox>(&window)));
    box->button(QMessageBox::Yes)->click();
    QTRY_VERIFY(!titles(chat).contains(QStringLiteral("Dora the Explorer")));
    QCOMPARE(window.chatController()->history()->contacts().size(), 4);
}

void TestChat::validatesContact_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("valid");

    QTest::newRow("IPv4") << QStringLiteral("TOM") << QStringLiteral("192.168.1.20") << true;
    QTest::newRow("localhost") << QStringLiteral("TOM") << QStringLiteral("localhost") << true;
    QTest::newRow("IPv6") << QStringLiteral("TOM") << QStringLiteral("::1") << true;
    QTest::newRow("spaces around") << QStringLiteral(" 一棵树 ") << QStringLiteral(" 127.0.0.1 ") << true;
    QTest::newRow("no name") << QString() << QStringLiteral("127.0.0.1") << false;
    QTest::newRow("blank name") << QStringLiteral("   ") << QStringLiteral("127.0.0.1") << false;
    QTest::newRow("no host") << QStringLiteral("TOM") << QString() << false;
    QTest::newRow("host name") << QStringLiteral("TOM") << QStringLiteral("example.org") << false;
    QTest::newRow("port in host") << QStringLiteral("TOM") << QStringLiteral("127.0.0.1:8081") << false;
    QTest::newRow("bad IPv4") << QStringLiteral("TOM") << QStringLiteral("999.1.1.1") << false;
}

void TestChat::validatesContact()
{
    QFETCH(QString, name);
    QFETCH(QString, host);
    QFETCH(bool, valid);

    ContactDialog dialog;
    dialog.setName(name);
    dialog.setHost(host);
    QCOMPARE(dialog.validationError().isEmpty(), valid);
    QCOMPARE(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled(), valid);
    dialog.show();
    QCOMPARE(dialog.findChild<QLabel *>(QStringLiteral("error"))->isVisible(), !valid);
    // Every protocol says what it means.
    for (ChatProtocol protocol :
         {ChatProtocol::Auto, ChatProtocol::Tincan, ChatProtocol::Classic, ChatProtocol::IpMessenger}) {
        dialog.setProtocol(protocol);
        QCOMPARE(dialog.findChild<QLabel *>(QStringLiteral("protocolHint"))->text(),
                 ContactDialog::protocolDescription(protocol));
    }
}

void TestChat::chatsWithoutHistory()
{
    // Not a database: reported, never written over, and the chat goes on.
    const QString path = m_dir->filePath(QStringLiteral("history.sqlite"));
    QFile junk(path);
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write(QByteArray(4096, 'x'));
    junk.close();

    QUdpSocket classic;
    QVERIFY(classic.bind(loopback(), 0));
    MainWindow window(options());
    window.show();
    ChatWidget *chat = window.chatWidget();
    QVERIFY(!window.chatController()->hasHistory());
    auto *banner = window.findChild<QWidget *>(QStringLiteral("chatBanner"));
    QVERIFY(banner->isVisible());
    const QString bannerText = window.findChild<QLabel *>(QStringLiteral("chatBannerText"))->text();
    QVERIFY2(bannerText.contains(QStringLiteral("not kept")), qPrintable(bannerText));
    QVERIFY2(bannerText.contains(path), qPrintable(bannerText));
    QVERIFY(
        window.findChild<QLabel *>(QStringLiteral("chatStatusLabel"))->text().contains(QStringLiteral("history off")));
    QCOMPARE(titles(chat).size(), 4); // the tutorial's contacts, for this run

    const QString key = addContact(window, QStringLiteral("Carl"), classic.localPort(), ChatProtocol::Classic);
    QVERIFY(clickConversation(chat, key));
    typeAndSend(chat, QStringLiteral("no memory"));
    QTRY_VERIFY(classic.hasPendingDatagrams());
    QCOMPARE(classic.receiveDatagram().data(), QByteArrayLiteral("no memory"));
    QTRY_COMPARE(stateAt(chat, 0), DeliveryState::Sent);
    // This run still remembers it when the conversation is opened again.
    QVERIFY(clickConversation(chat, ChatService::contactKey(1)));
    QVERIFY(clickConversation(chat, key));
    QCOMPARE(chat->conversationModel()->rowCount(), 1);

    QFile check(path);
    QVERIFY(check.open(QIODevice::ReadOnly));
    QCOMPARE(check.readAll(), QByteArray(4096, 'x'));

    window.findChild<QWidget *>(QStringLiteral("chatBannerClose"))->setFocus();
    QTest::mouseClick(window.findChild<QWidget *>(QStringLiteral("chatBannerClose")), Qt::LeftButton);
    QVERIFY(!banner->isVisible());
}

void TestChat::saysWhenPortIsTaken()
{
    QUdpSocket occupant;
    QVERIFY(occupant.bind(loopback(), 0, QAbstractSocket::DontShareAddress));
    const quint16 taken = occupant.localPort();

    MainWindow window(options(taken));
    window.show();
    ChatEndpoint *endpoint = window.chatController()->endpoint();
    QVERIFY(endpoint->isBound());
    QVERIFY(endpoint->boundToFallbackPort());
    QVERIFY(endpoint->localPort() != taken);
    const QString status = window.findChild<QLabel *>(QStringLiteral("chatStatusLabel"))->text();
    QCOMPARE(status, QStringLiteral("Chat: port %1 is in use; listening on %2").arg(taken).arg(endpoint->localPort()));
    QVERIFY(window.findChild<QWidget *>(QStringLiteral("chatBanner"))->isVisible());
    const QString banner = window.findChild<QLabel *>(QStringLiteral("chatBannerText"))->text();
    QVERIFY2(banner.contains(QString::number(endpoint->localPort())), qPrintable(banner));

    // Once the port is free, the settings can move the chat there.
    occupant.close();
    const Expected<void> applied = window.chatController()->applySettings(QStringLiteral("alice"), taken);
    QVERIFY2(applied, qPrintable(applied.error()));
    QCOMPARE(endpoint->localPort(), taken);
    QVERIFY(!endpoint->boundToFallbackPort());
    QCOMPARE(window.findChild<QLabel *>(QStringLiteral("chatStatusLabel"))->text(),
             QStringLiteral("Chat: UDP port %1").arg(taken));
    QVERIFY(!window.findChild<QWidget *>(QStringLiteral("chatBanner"))->isVisible());
    QCOMPARE(QSettings().value(ChatController::PortSettingsKey).toInt(), int(taken));
}

QTEST_MAIN(TestChat)
#include "tst_chat.moc"
