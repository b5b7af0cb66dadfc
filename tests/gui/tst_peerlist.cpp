// The Chat tab's People page against live peers, with nothing broadcast: the chat's directory
// announces on no interface and listens on free loopback ports, and the test plays a Tincan
// peer by sending it presence datagrams (AnnouncementCodec) by unicast on 127.0.0.1.
#include "chat/chatcontroller.h"
#include "models/chat/conversationlistmodel.h"
#include "models/chat/peerlistmodel.h"
#include "net/presence/announcement.h"
#include "ui/chat/chatsettingsdialog.h"
#include "ui/chat/chatwidget.h"
#include "ui/chat/findpeersdialog.h"
#include "ui/chat/idlewatcher.h"
#include "ui/chat/landiagnosticsdialog.h"
#include "ui/chat/peerlistpane.h"
#include "ui/mainwindow.h"
#include "ui/server/serverwindow.h"

#include <QAction>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QUdpSocket>

#include <memory>

using namespace Tincan;

namespace {
QHostAddress loopback()
{
    return QHostAddress(QHostAddress::LocalHost);
}

// A UDP port nobody uses right now (bound, read, released).
quint16 freeUdpPort()
{
    QUdpSocket socket;
    return socket.bind(loopback(), 0) ? socket.localPort() : 0;
}
} // namespace

class TestPeerList : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void liveListFollowsStates();
    void contactGainsPresence();
    void doubleClickOpensConversation();
    void diagnosticsShowCounters();
    void findPeersRefusesBadRanges_data();
    void findPeersRefusesBadRanges();
    void findPeersShowsProgress();
    void settingsApply();
    void awayToggleTellsController();
    void serverWindowListsPeers();
    void consolePortIsAnnounced();
    void ipMessengerPeerOpensItsOwnConversation();
    void enterOpensConversation();

private:
    ChatController::Options options() const;
    // Sends a presence datagram from the fake peer to the window's directory.
    void announce(Presence::Kind kind, Presence::State state = Presence::State::Online);
    PeerListModel *model() const { return m_window->chatWidget()->peerListPane()->model(); }
    QString peerKey() const { return QStringLiteral("tincan/") + m_peerId.toString(QUuid::WithoutBraces); }
    PeerListModel::State stateOf(const QString &key) const
    {
        return model()->indexOf(key).data(PeerListModel::StateRole).value<PeerListModel::State>();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
    quint16 m_presencePort = 0;
    QUdpSocket m_peer;
    QUuid m_peerId;
    quint16 m_peerChatPort = 0;
};

void TestPeerList::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("Tincan"));
    QCoreApplication::setApplicationName(QStringLiteral("TincanGuiPeerListTest"));
}

void TestPeerList::init()
{
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_presencePort = freeUdpPort();
    QVERIFY(m_presencePort != 0);
    m_peerId = QUuid::createUuid();
    m_peerChatPort = freeUdpPort();
    QVERIFY(m_peer.bind(loopback(), 0));
    m_window = std::make_unique<MainWindow>(options());
    QVERIFY(m_window->chatController()->directory());
    QVERIFY(m_window->chatController()->directory()->announcer());
}

void TestPeerList::cleanup()
{
    m_window.reset();
    m_peer.close();
}

ChatController::Options TestPeerList::options() const
{
    ChatController::Options options;
    options.historyPath = m_dir->filePath(QStringLiteral("history.sqlite"));
    options.bindAddress = loopback();
    options.port = 0;
    options.displayName = QStringLiteral("alice");
    options.discovery = true;
    options.lan.interfaces = Presence::InterfaceSelection::none(); // announces nowhere
    options.lan.presencePort = m_presencePort;
    options.lan.ipmsgPort = 0;
    return options;
}

void TestPeerList::announce(Presence::Kind kind, Presence::State state)
{
    Presence::Announcement announcement;
    announcement.kind = kind;
    announcement.installId = m_peerId;
    announcement.name = QStringLiteral("Bob");
    announcement.chatPort = m_peerChatPort;
    announcement.state = state;
    announcement.capabilities = {QStringLiteral("chat-v1")};
    const Expected<QByteArray> datagram = Presence::AnnouncementCodec::encode(announcement);
    QVERIFY(datagram);
    QCOMPARE(m_peer.writeDatagram(*datagram, loopback(), m_presencePort), qint64(datagram->size()));
}

void TestPeerList::liveListFollowsStates()
{
    announce(Presence::Kind::Announce);
    QTRY_VERIFY(model()->indexOf(peerKey()).isValid());
    const QModelIndex row = model()->indexOf(peerKey());
    QCOMPARE(row.data(PeerListModel::NameRole).toString(), QStringLiteral("Bob"));
    QCOMPARE(row.data(PeerListModel::GroupRole).toString(), QStringLiteral("Tincan"));
    QCOMPARE(row.data(PeerListModel::ProtocolTextRole).toString(), QStringLiteral("Tincan"));
    QCOMPARE(stateOf(peerKey()), PeerListModel::State::Online);
    QVERIFY(row.data(PeerListModel::DetailRole).toString().contains(QStringLiteral("127.0.0.1")));

    announce(Presence::Kind::Announce, Presence::State::Away);
    QTRY_COMPARE(stateOf(peerKey()), PeerListModel::State::Away);
    announce(Presence::Kind::Leave);
    QTRY_COMPARE(stateOf(peerKey()), PeerListModel::State::Offline);
    QCOMPARE(model()->onlineCount(), 0);
}

void TestPeerList::contactGainsPresence()
{
    Contact contact;
    contact.name = QStringLiteral("Bob at his desk");
    contact.host = QStringLiteral("127.0.0.1");
    contact.port = m_peerChatPort;
    QVERIFY(m_window->chatController()->service()->addContact(contact));
    const QString key = ChatService::contactKey(contact.id);
    QTRY_VERIFY(model()->indexOf(key).isValid());
    QCOMPARE(stateOf(key), PeerListModel::State::Unknown);

    announce(Presence::Kind::Announce);
    QTRY_COMPARE(stateOf(key), PeerListModel::State::Online);
    QCOMPARE(model()->indexOf(key).data(PeerListModel::NameRole).toString(), contact.name);
    QVERIFY(!model()->indexOf(peerKey()).isValid()); // listed once, as the contact
}

void TestPeerList::doubleClickOpensConversation()
{
    m_window->show();
    ChatWidget *chat = m_window->chatWidget();
    chat->listTabs()->setCurrentWidget(chat->peerListPane());
    announce(Presence::Kind::Announce);
    QTRY_VERIFY(model()->indexOf(peerKey()).isValid());
    QListView *view = chat->peerListPane()->view();
    const QModelIndex row = model()->indexOf(peerKey());
    view->scrollTo(row);
    const QPoint center = view->visualRect(row).center();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, center);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, center);

    const QString conversation = ChatService::peerKey(m_peerId);
    QTRY_COMPARE(chat->currentConversation(), conversation);
    QCOMPARE(chat->listTabs()->currentIndex(), 0);
    // Its messages go to the chat port it announced.
    const auto destination = m_window->chatController()->service()->destination(conversation);
    QVERIFY(destination);
    QCOMPARE(destination->port, m_peerChatPort);
    QVERIFY(chat->conversationListModel()->indexOf(conversation).isValid());
}

void TestPeerList::diagnosticsShowCounters()
{
    LanDiagnosticsDialog dialog(m_window->chatController());
    const QString before = dialog.report()->toPlainText();
    QVERIFY2(before.contains(QStringLiteral("Announcements heard")), qPrintable(before));
    QVERIFY(before.contains(QStringLiteral("Announcing is off")));
    QVERIFY(before.contains(QString::number(m_presencePort)));
    QVERIFY(before.contains(QStringLiteral("2425")) || before.contains(QStringLiteral("IP Messenger")));
    announce(Presence::Kind::Announce);
    // Refreshed while open: the peer heard is counted.
    QTRY_VERIFY(dialog.report()->toPlainText().contains(QStringLiteral("1 (1 here now)")));
}

void TestPeerList::findPeersRefusesBadRanges_data()
{
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("last");
    QTest::addColumn<QString>("message");
    QTest::newRow("backwards") << "10.9.0.9"
                               << "10.9.0.1"
                               << "The range ends before it starts.";
    QTest::newRow("not an address") << "10.9.0.1"
                                    << "ten"
                                    << "Enter two IPv4 addresses";
    QTest::newRow("IPv6") << "::1"
                          << "::2"
                          << "Enter two IPv4 addresses";
    QTest::newRow("too wide") << "10.9.0.0"
                              << "10.9.255.255"
                              << "at most";
}

void TestPeerList::findPeersRefusesBadRanges()
{
    QFETCH(QString, first);
    QFETCH(QString, last);
    QFETCH(QString, message);
    FindPeersDialog dialog(m_window->chatController());
    dialog.show();
    dialog.firstField()->setText(first);
    dialog.lastField()->setText(last);
    QTest::mouseClick(dialog.findButton(), Qt::LeftButton);
    QVERIFY2(dialog.messageLabel()->text().contains(message), qPrintable(dialog.messageLabel()->text()));
    QVERIFY(!dialog.progressBar()->isVisible());
    QVERIFY(!m_window->chatController()->directory()->isProbing());
}

void TestPeerList::findPeersShowsProgress()
{
    FindPeersDialog dialog(m_window->chatController());
    dialog.show();
    // Loopback addresses only: the probe is unicast, and goes nowhere else.
    dialog.firstField()->setText(QStringLiteral("127.0.0.2"));
    dialog.lastField()->setText(QStringLiteral("127.0.0.4"));
    QTest::mouseClick(dialog.findButton(), Qt::LeftButton);
    QVERIFY(dialog.progressBar()->isVisible());
    QCOMPARE(dialog.progressBar()->maximum(), 3);
    QTRY_COMPARE(dialog.progressBar()->value(), 3);
    QTRY_VERIFY(dialog.messageLabel()->text().startsWith(QStringLiteral("Addresses asked: 3.")));
}

void TestPeerList::settingsApply()
{
    ChatController *controller = m_window->chatController();
    QSignalSpy replaced(controller, &ChatController::directoryChanged);
    ChatSettingsDialog *dialog = ChatSettingsDialog::openFor(controller, m_window.get());
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY(!dialog->findChild<QCheckBox *>(QStringLiteral("lanAnnounce"))->isChecked());
    auto *extra = dialog->findChild<QLineEdit *>(QStringLiteral("lanExtra"));
    extra->setText(QStringLiteral("198.18.0.255, nonsense"));
    dialog->accept();
    QVERIFY(dialog->isVisible());
    QVERIFY2(dialog->errorLabel()->text().contains(QStringLiteral("nonsense")),
             qPrintable(dialog->errorLabel()->text()));
    QCOMPARE(replaced.size(), 0);

    extra->setText(QStringLiteral("198.18.0.255"));
    dialog->findChild<QLineEdit *>(QStringLiteral("lanGroup"))->setText(QStringLiteral("QA"));
    dialog->accept();
    QCOMPARE(replaced.size(), 1);
    QCOMPARE(controller->options().group, QStringLiteral("QA"));
    QCOMPARE(controller->options().lan.extraDestinations,
             QList<QHostAddress>{QHostAddress(QStringLiteral("198.18.0.255"))});
    QVERIFY(controller->options().lan.interfaces.isOff());
    QCOMPARE(controller->options().lan.presencePort, m_presencePort); // kept
    QCOMPARE(QSettings().value(ChatController::GroupSettingsKey).toString(), QStringLiteral("QA"));
    // The list follows the new directory.
    announce(Presence::Kind::Announce);
    QTRY_VERIFY(model()->indexOf(peerKey()).isValid());
}

void TestPeerList::awayToggleTellsController()
{
    ChatController *controller = m_window->chatController();
    PeerListPane *pane = m_window->chatWidget()->peerListPane();
    pane->awayAction()->trigger();
    QVERIFY(controller->isAway());
    QVERIFY(controller->directory()->self().away);
    pane->awayAction()->trigger();
    QVERIFY(!controller->isAway());
    // Idle: away by itself, back with the next input.
    pane->idleWatcher()->setIdleTime(std::chrono::milliseconds(50));
    QTRY_VERIFY(controller->isAway());
    QTest::keyClick(pane->view(), Qt::Key_Down);
    QVERIFY(!controller->isAway());
}

void TestPeerList::serverWindowListsPeers()
{
    auto *row = m_window->findChild<QLabel *>(QStringLiteral("chat-peers"));
    QVERIFY(row);
    QCOMPARE(row->text(), QStringLiteral("No peers heard"));
    announce(Presence::Kind::Announce, Presence::State::Away);
    QTRY_VERIFY2(row->text().contains(QStringLiteral("Bob (away)")), qPrintable(row->text()));
    QVERIFY(row->text().startsWith(QStringLiteral("Peers heard (1): ")));
    announce(Presence::Kind::Leave);
    QTRY_COMPARE(row->text(), QStringLiteral("No peers heard"));
}

void TestPeerList::consolePortIsAnnounced()
{
    ChatController *controller = m_window->chatController();
    controller->setConsolePort(8082);
    QCOMPARE(controller->directory()->self().consolePort, quint16(8082));
    // A new directory (new LAN settings) says it too.
    controller->applyLanSettings(true, controller->options().lan, QString());
    QCOMPARE(controller->directory()->self().consolePort, quint16(8082));
    controller->setConsolePort(0);
    QCOMPARE(controller->directory()->self().consolePort, quint16(0));

    // The main window tells the chat when the server window's console listens, and stops.
    auto *server = m_window->findChild<ServerWindow *>();
    QVERIFY(server);
    QVERIFY(server->hub()->start(ServiceKind::Console, ServerHub::ServiceConfig{}));
    QTRY_VERIFY(server->hub()->isRunning(ServiceKind::Console));
    QCOMPARE(controller->directory()->self().consolePort, server->hub()->port(ServiceKind::Console));
    server->hub()->stop(ServiceKind::Console);
    QTRY_COMPARE(controller->directory()->self().consolePort, quint16(0));
}

void TestPeerList::ipMessengerPeerOpensItsOwnConversation()
{
    Lan::LanPeer peer;
    peer.key = QStringLiteral("ipmsg/198.18.0.7:2425");
    peer.protocol = Lan::PeerProtocol::IpMessenger;
    peer.name = QStringLiteral("王伟");
    peer.address = QHostAddress(QStringLiteral("198.18.0.7"));
    peer.chatPort = 2425;
    // Where its messages are filed (ChatService), so the first one and the answers are together.
    QCOMPARE(m_window->chatController()->conversationForPeer(peer),
             ChatService::ipmsgKey({peer.address, peer.chatPort}));
}

void TestPeerList::enterOpensConversation()
{
    m_window->show();
    ChatWidget *chat = m_window->chatWidget();
    chat->listTabs()->setCurrentWidget(chat->peerListPane());
    announce(Presence::Kind::Announce);
    QTRY_VERIFY(model()->indexOf(peerKey()).isValid());
    QListView *view = chat->peerListPane()->view();
    view->setFocus();
    view->setCurrentIndex(model()->indexOf(peerKey()));
    QTest::keyClick(view, Qt::Key_Return);
    QTRY_COMPARE(chat->currentConversation(), ChatService::peerKey(m_peerId));
}

QTEST_MAIN(TestPeerList)
#include "tst_peerlist.moc"
