// PeerListModel: the people list's contents without a widget or a network. Peers are fed the
// way the directory's peerChanged feeds them (updatePeer), so every state and the bound are
// reached without sending a datagram; the controller listens on loopback only, discovery off.
#include "chat/chatcontroller.h"
#include "models/chat/peerlistmodel.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Tincan;

namespace {
Lan::LanPeer tincanPeer(const QString &name, quint8 lastOctet, Lan::PeerState state = Lan::PeerState::Online)
{
    Lan::LanPeer peer;
    peer.installId = QUuid::createUuid();
    peer.key = QStringLiteral("tincan/") + peer.installId.toString(QUuid::WithoutBraces);
    peer.protocol = Lan::PeerProtocol::Tincan;
    peer.name = name;
    peer.address = QHostAddress(QStringLiteral("198.18.0.%1").arg(lastOctet));
    peer.chatPort = ChatEndpoint::DefaultPort;
    peer.state = state;
    peer.lastHeard = QDateTime::currentDateTimeUtc();
    return peer;
}

Lan::LanPeer ipmsgPeer(const QString &name, const QString &group, const QString &address)
{
    Lan::LanPeer peer;
    peer.key = QStringLiteral("ipmsg/%1:2425").arg(address);
    peer.protocol = Lan::PeerProtocol::IpMessenger;
    peer.name = name;
    peer.host = QStringLiteral("pc-") + name;
    peer.group = group;
    peer.address = QHostAddress(address);
    peer.chatPort = 2425;
    peer.lastHeard = QDateTime::currentDateTimeUtc();
    return peer;
}
} // namespace

class TestPeerListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Tincan"));
        QCoreApplication::setApplicationName(QStringLiteral("TincanPeerListModelTest"));
    }
    void init();
    void cleanup() { m_controller.reset(); }
    void peersAreGrouped_data();
    void peersAreGrouped();
    void stateChangesAreShown_data();
    void stateChangesAreShown();
    void contactGainsPresence();
    void headingsAreNotSelectable();
    void sizeIsBounded();
    void noDirectoryEmptiesThePeers();

private:
    std::unique_ptr<ChatController> m_controller;
    QTemporaryDir m_dir;
};

void TestPeerListModel::init()
{
    ChatController::Options options;
    options.historyPath
        = m_dir.filePath(QStringLiteral("history-%1.sqlite").arg(QLatin1String(QTest::currentTestFunction())));
    options.bindAddress = QHostAddress(QHostAddress::LocalHost);
    options.port = 0;
    m_controller = std::make_unique<ChatController>(options);
}

void TestPeerListModel::peersAreGrouped_data()
{
    QTest::addColumn<Lan::LanPeer>("peer");
    QTest::addColumn<QString>("group");
    QTest::addColumn<PeerListModel::Protocol>("protocol");
    QTest::newRow("tincan") << tincanPeer(QStringLiteral("bob"), 2) << QStringLiteral("Tincan")
                            << PeerListModel::Protocol::Tincan;
    QTest::newRow("ipmsg group") << ipmsgPeer(QStringLiteral("li"), QStringLiteral("Sales"),
                                              QStringLiteral("198.18.0.3"))
                                 << QStringLiteral("Sales") << PeerListModel::Protocol::IpMessenger;
    // Not merged into the saved contacts' heading.
    QTest::newRow("ipmsg group named Contacts")
        << ipmsgPeer(QStringLiteral("zhao"), QStringLiteral("Contacts"), QStringLiteral("198.18.0.5"))
        << QStringLiteral("Contacts") << PeerListModel::Protocol::IpMessenger;
    QTest::newRow("ipmsg no group") << ipmsgPeer(QStringLiteral("wu"), QString(), QStringLiteral("198.18.0.4"))
                                    << QStringLiteral("IP Messenger") << PeerListModel::Protocol::IpMessenger;
}

void TestPeerListModel::peersAreGrouped()
{
    QFETCH(Lan::LanPeer, peer);
    QFETCH(QString, group);
    QFETCH(PeerListModel::Protocol, protocol);
    PeerListModel model(m_controller.get());
    QSignalSpy changed(&model, &PeerListModel::peersChanged);
    model.updatePeer(peer);
    QCOMPARE(changed.size(), 1);
    const QModelIndex row = model.indexOf(peer.key);
    QVERIFY(row.isValid());
    QCOMPARE(row.data(PeerListModel::GroupRole).toString(), group);
    QCOMPARE(row.data(PeerListModel::ProtocolRole).value<PeerListModel::Protocol>(), protocol);
    QCOMPARE(row.data(PeerListModel::NameRole).toString(), peer.name);
    QVERIFY(row.data(PeerListModel::DetailRole).toString().contains(peer.address.toString()));
    // Its heading comes right before it.
    const QModelIndex heading = model.index(row.row() - 1);
    QCOMPARE(heading.data(PeerListModel::KindRole).value<PeerListModel::RowKind>(), PeerListModel::RowKind::Heading);
    QCOMPARE(heading.data(Qt::DisplayRole).toString(), group);
    QCOMPARE(model.indexOf(heading.data(PeerListModel::KeyRole).toString()), heading);
}

void TestPeerListModel::stateChangesAreShown_data()
{
    QTest::addColumn<Lan::PeerState>("state");
    QTest::addColumn<PeerListModel::State>("shown");
    QTest::newRow("online") << Lan::PeerState::Online << PeerListModel::State::Online;
    QTest::newRow("away") << Lan::PeerState::Away << PeerListModel::State::Away;
    QTest::newRow("offline") << Lan::PeerState::Offline << PeerListModel::State::Offline;
}

void TestPeerListModel::stateChangesAreShown()
{
    QFETCH(Lan::PeerState, state);
    QFETCH(PeerListModel::State, shown);
    PeerListModel model(m_controller.get());
    Lan::LanPeer peer = tincanPeer(QStringLiteral("bob"), 2);
    model.updatePeer(peer);
    const int rows = model.rowCount();
    QSignalSpy dataChanged(&model, &QAbstractItemModel::dataChanged);
    peer.state = state;
    model.updatePeer(peer);
    QCOMPARE(model.rowCount(), rows);
    QCOMPARE(model.indexOf(peer.key).data(PeerListModel::StateRole).value<PeerListModel::State>(), shown);
    QCOMPARE(dataChanged.isEmpty(), state == Lan::PeerState::Online);
    QCOMPARE(model.onlineCount(), state == Lan::PeerState::Offline ? 0 : 1);
}

void TestPeerListModel::contactGainsPresence()
{
    Contact contact;
    contact.name = QStringLiteral("Bob at work");
    contact.host = QStringLiteral("198.18.0.9");
    contact.port = ChatEndpoint::DefaultPort;
    QVERIFY(m_controller->service()->addContact(contact));
    PeerListModel model(m_controller.get());
    const QString key = ChatService::contactKey(contact.id);
    QCOMPARE(model.indexOf(key).data(PeerListModel::StateRole).value<PeerListModel::State>(),
             PeerListModel::State::Unknown);

    Lan::LanPeer peer = tincanPeer(QStringLiteral("bob"), 9, Lan::PeerState::Away);
    model.updatePeer(peer);
    const QModelIndex row = model.indexOf(key);
    QCOMPARE(row.data(PeerListModel::StateRole).value<PeerListModel::State>(), PeerListModel::State::Away);
    // The hand-typed name and address stay; the peer is not listed a second time.
    QCOMPARE(row.data(PeerListModel::NameRole).toString(), contact.name);
    QCOMPARE(row.data(PeerListModel::DetailRole).toString(), QStringLiteral("198.18.0.9:8081"));
    QCOMPARE(row.data(PeerListModel::PeerKeyRole).toString(), peer.key);
    QVERIFY(!model.indexOf(peer.key).isValid());
    QCOMPARE(model.peerAt(row)->key, peer.key);
}

void TestPeerListModel::headingsAreNotSelectable()
{
    PeerListModel model(m_controller.get());
    model.updatePeer(tincanPeer(QStringLiteral("bob"), 2));
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row);
        const bool heading
            = index.data(PeerListModel::KindRole).value<PeerListModel::RowKind>() == PeerListModel::RowKind::Heading;
        QCOMPARE(bool(model.flags(index) & Qt::ItemIsSelectable), !heading);
    }
}

void TestPeerListModel::sizeIsBounded()
{
    PeerListModel model(m_controller.get());
    // Online ones outlast offline ones, however late they came.
    for (int i = 0; i < PeerListModel::MaxPeersListed; ++i) {
        Lan::LanPeer peer = tincanPeer(QStringLiteral("gone%1").arg(i), quint8(i % 250));
        peer.state = Lan::PeerState::Offline;
        model.updatePeer(peer);
    }
    QList<Lan::LanPeer> online;
    for (int i = 0; i < PeerListModel::MaxPeersListed / 2; ++i) {
        online.append(tincanPeer(QStringLiteral("here%1").arg(i), quint8(i % 250)));
        model.updatePeer(online.constLast());
    }
    QCOMPARE(model.peerCount(), PeerListModel::MaxPeersListed);
    QCOMPARE(model.onlineCount(), online.size());
    for (const Lan::LanPeer &peer : std::as_const(online))
        QVERIFY(model.indexOf(peer.key).isValid());
    QVERIFY(model.rowCount() <= PeerListModel::MaxPeersListed + m_controller->service()->contacts().size() + 3);
}

void TestPeerListModel::noDirectoryEmptiesThePeers()
{
    PeerListModel model(m_controller.get());
    model.updatePeer(tincanPeer(QStringLiteral("bob"), 2));
    QCOMPARE(model.peerCount(), 1);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    m_controller->applyLanSettings(false, m_controller->options().lan, QString());
    QVERIFY(!reset.isEmpty());
    QCOMPARE(model.peerCount(), 0);
}

QTEST_GUILESS_MAIN(TestPeerListModel)
#include "tst_peerlistmodel.moc"
