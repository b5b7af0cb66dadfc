// The server window against its real services in this process: start them
// with the toggle buttons, connect raw clients, and read the clients table,
// the traffic view and the event log as a user would.
#include "models/server/trafficcapture.h"
#include "ui/server/serverwindow.h"

#include "chat/chatcontroller.h"
#include "net/chat/chatendpoint.h"
#include "net/console/consoleclient.h"
#include "net/wire/frame.h"
#include "ui/server/consolepassworddialog.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUdpSocket>

#include <memory>

using namespace Tincan;

namespace {

const QHostAddress Loopback(QHostAddress::LocalHost);
constexpr int ConnectTimeoutMs = 5000;
constexpr int KillTimeoutMs = 15000;

QByteArray helloFrame()
{
    return encodeFrame({{QStringLiteral("type"), QStringLiteral("hello")}, {QStringLiteral("version"), 1}});
}

QByteArray execFrame(int id, const QString &command)
{
    return encodeFrame({{QStringLiteral("type"), QStringLiteral("exec")},
                        {QStringLiteral("id"), id},
                        {QStringLiteral("command"), command}});
}

// The bytes of one direction as the traffic view's hex columns show them.
QByteArray dumpedBytes(const QString &view, TrafficDirection direction)
{
    const QString arrow = direction == TrafficDirection::In ? QStringLiteral("→ ") : QStringLiteral("← ");
    QByteArray bytes;
    for (const QString &line : view.split(QLatin1Char('\n'))) {
        if (!line.startsWith(arrow))
            continue;
        // "→ 00000000  68 65 ...  |hello|": the hex sits between the offset and the bars.
        const qsizetype bar = line.indexOf(QLatin1Char('|'));
        if (bar < 0)
            continue; // the direction's title
        const QStringList hex
            = line.mid(arrow.size() + 10, bar - arrow.size() - 10).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (const QString &pair : hex)
            bytes.append(char(pair.toInt(nullptr, 16)));
    }
    return bytes;
}

class ServerWindowTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void consoleTincanClient();
    void consoleClassicClient();
    void echoTcpClient();
    void echoUdpClient();
    void portInUse();
    void logFilters();
    void logIsBounded();
    void killRunningCommand();
    void captureMarksStickyFrames();
    void captureStaysBoundedAndFramed();
    void settingsRestoreRunningServices();
    void chatRowStartsAndStopsTheChat();
    void chatPeersJoinTheClientsTable();
    void chatPortInUse();
    void chatWithoutController();
    void clientsTableSorts();
    void floodIsCoalesced();
    void consolePasswordLogin();
    void consolePasswordDialog();

private:
    // A chat like the main window's, without history, on loopback port 0.
    std::unique_ptr<ChatController> attachChat();
    void createWindow();
    quint16 start(ServiceKind kind);
    QLabel *stateLabel(ServiceKind kind) const;
    QPushButton *toggle(ServiceKind kind) const;
    QTableView *clientsView() const { return m_window->findChild<QTableView *>(QStringLiteral("clientsView")); }
    QString trafficText() const
    {
        return m_window->findChild<QPlainTextEdit *>(QStringLiteral("trafficView"))->toPlainText();
    }
    QString cell(int row, int column) const { return clientsView()->model()->index(row, column).data().toString(); }
    qint64 raw(int row, int column) const
    {
        return clientsView()->model()->index(row, column).data(ClientTableModel::RawValueRole).toLongLong();
    }
    bool logContains(const QString &text) const;

    std::unique_ptr<ServerWindow> m_window;
};

void ServerWindowTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("Tincan"));
    QCoreApplication::setApplicationName(QStringLiteral("TincanGuiServerWindowTest"));
}

void ServerWindowTest::init()
{
    QSettings().clear();
    // A console password left by an earlier run would turn TLS on.
    QFile::remove(ServerWindow::consolePasswordPath());
    createWindow();
}

void ServerWindowTest::cleanup()
{
    m_window.reset();
    QSettings().clear();
}

void ServerWindowTest::createWindow()
{
    m_window = std::make_unique<ServerWindow>();
    for (ServiceKind kind : AllServiceKinds) {
        ServerHub::ServiceConfig config;
        config.port = 0; // any free port
        m_window->setServiceConfig(kind, config);
    }
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

QLabel *ServerWindowTest::stateLabel(ServiceKind kind) const
{
    return m_window->findChild<QLabel *>(ServiceNames::key(kind) + QStringLiteral("-state"));
}

QPushButton *ServerWindowTest::toggle(ServiceKind kind) const
{
    return m_window->findChild<QPushButton *>(ServiceNames::key(kind) + QStringLiteral("-toggle"));
}

quint16 ServerWindowTest::start(ServiceKind kind)
{
    QTest::mouseClick(toggle(kind), Qt::LeftButton);
    [&] { QTRY_VERIFY(stateLabel(kind)->text().startsWith(QStringLiteral("Listening on 127.0.0.1:"))); }();
    const quint16 port = m_window->hub()->port(kind);
    [&] {
        QVERIFY(port != 0);
        QCOMPARE(stateLabel(kind)->text(), QStringLiteral("Listening on 127.0.0.1:%1").arg(port));
        QCOMPARE(toggle(kind)->text(), QStringLiteral("Stop"));
    }();
    return port;
}

bool ServerWindowTest::logContains(const QString &text) const
{
    EventLogModel *log = m_window->hub()->log();
    for (int row = 0; row < log->rowCount(); ++row)
        if (log->lineAt(row).contains(text))
            return true;
    return false;
}

void ServerWindowTest::consoleTincanClient()
{
    const quint16 port = start(ServiceKind::Console);
    QVERIFY(logContains(QStringLiteral("Console: listening on 127.0.0.1:%1").arg(port)));

    QTcpSocket client;
    client.connectToHost(Loopback, port);
    QVERIFY(client.waitForConnected(ConnectTimeoutMs));
    // Both frames in one write: the server (and the view) must split them.
    client.write(helloFrame() + execFrame(1, QStringLiteral("echo sticky-output")));

    QTRY_COMPARE(clientsView()->model()->rowCount(), 1);
    QTRY_COMPARE(cell(0, ClientTableModel::ProtocolColumn), QStringLiteral("Tincan"));
    QCOMPARE(cell(0, ClientTableModel::ServiceColumn), QStringLiteral("Console"));
    QCOMPARE(cell(0, ClientTableModel::AddressColumn), QStringLiteral("127.0.0.1:%1").arg(client.localPort()));
    QTRY_COMPARE(raw(0, ClientTableModel::BytesInColumn),
                 qint64(helloFrame().size() + execFrame(1, QStringLiteral("echo sticky-output")).size()));
    QTRY_VERIFY(raw(0, ClientTableModel::BytesOutColumn) > 0);
    const qint64 outBefore = raw(0, ClientTableModel::BytesOutColumn);
    client.write(execFrame(2, QStringLiteral("echo more")));
    QTRY_VERIFY(raw(0, ClientTableModel::BytesOutColumn) > outBefore);

    clientsView()->selectRow(0);
    QTRY_VERIFY(trafficText().contains(QStringLiteral("frame: length")));
    QTRY_VERIFY(dumpedBytes(trafficText(), TrafficDirection::Out).contains("sticky-output"));
    const QString view = trafficText();
    // Two frames sent in one write are marked as two frames.
    QVERIFY(view.contains(QStringLiteral("\"type\":\"hello\"")));
    QVERIFY(view.contains(QStringLiteral("\"type\":\"exec\"")));
    QVERIFY(dumpedBytes(view, TrafficDirection::In).startsWith(helloFrame()));
    QVERIFY(view.contains(QStringLiteral("68 65 6c 6c 6f"))
            || dumpedBytes(view, TrafficDirection::In).contains("hello"));
    QVERIFY(view.contains(QStringLiteral("\"type\":\"welcome\"")));

    QTRY_VERIFY(logContains(QStringLiteral("Console: client 127.0.0.1:%1 connected").arg(client.localPort())));
    QTRY_VERIFY(logContains(QStringLiteral("request 1 finished: exit 0")));
    const quint16 localPort = client.localPort();
    client.disconnectFromHost();
    QTRY_VERIFY(logContains(QStringLiteral("Console: client 127.0.0.1:%1 disconnected").arg(localPort)));
    QTRY_COMPARE(cell(0, ClientTableModel::CommandColumn), QStringLiteral("(disconnected)"));
    // A disconnected client's traffic can still be read.
    QVERIFY(trafficText().contains(QStringLiteral("frame: length")));
}

void ServerWindowTest::consoleClassicClient()
{
    const quint16 port = start(ServiceKind::Console);
    QTcpSocket client;
    client.connectToHost(Loopback, port);
    QVERIFY(client.waitForConnected(ConnectTimeoutMs));
    client.write("echo hi");
    QTRY_COMPARE(clientsView()->model()->rowCount(), 1);
    QTRY_COMPARE(cell(0, ClientTableModel::ProtocolColumn), QStringLiteral("classic"));
    clientsView()->selectRow(0);
    QTRY_VERIFY(dumpedBytes(trafficText(), TrafficDirection::Out).endsWith("hi\n"));
    const QString view = trafficText();
    QVERIFY(view.contains(QStringLiteral("bare command (classic)")));
    QCOMPARE(dumpedBytes(view, TrafficDirection::In), QByteArray("echo hi"));
    // The classic reply is one frame with the tutorial's header.
    QVERIFY(view.contains(QStringLiteral("frame: length")));
    QVERIFY(view.contains(QStringLiteral("payload 3 bytes")));
}

void ServerWindowTest::echoTcpClient()
{
    const quint16 port = start(ServiceKind::EchoTcp);
    QTcpSocket client;
    client.connectToHost(Loopback, port);
    QVERIFY(client.waitForConnected(ConnectTimeoutMs));
    client.write("abc");
    QTRY_COMPARE(clientsView()->model()->rowCount(), 1);
    QCOMPARE(cell(0, ClientTableModel::ServiceColumn), QStringLiteral("TCP echo"));
    QCOMPARE(cell(0, ClientTableModel::ProtocolColumn), QStringLiteral("TCP"));
    QTRY_COMPARE(raw(0, ClientTableModel::BytesOutColumn), qint64(3));
    clientsView()->selectRow(0);
    QTRY_VERIFY(trafficText().contains(QStringLiteral("|ABC|")));
    QCOMPARE(dumpedBytes(trafficText(), TrafficDirection::In), QByteArray("abc"));
    QCOMPARE(dumpedBytes(trafficText(), TrafficDirection::Out), QByteArray("ABC"));
    QVERIFY(!trafficText().contains(QStringLiteral("frame:")));

    // Disconnect cuts a TCP client; Kill is for console clients only.
    auto *kill = m_window->findChild<QPushButton *>(QStringLiteral("killButton"));
    auto *disconnect = m_window->findChild<QPushButton *>(QStringLiteral("disconnectButton"));
    QVERIFY(!kill->isEnabled());
    QVERIFY(disconnect->isEnabled());
    QSignalSpy gone(&client, &QTcpSocket::disconnected);
    QTest::mouseClick(disconnect, Qt::LeftButton);
    QTRY_COMPARE(gone.count(), 1);
    QTRY_COMPARE(cell(0, ClientTableModel::CommandColumn), QStringLiteral("(disconnected)"));
    QTRY_VERIFY(!disconnect->isEnabled());

    // Stop: the state says so, and the port can be taken again.
    QTest::mouseClick(toggle(ServiceKind::EchoTcp), Qt::LeftButton);
    QTRY_COMPARE(stateLabel(ServiceKind::EchoTcp)->text(), QStringLiteral("Stopped"));
    QVERIFY(logContains(QStringLiteral("TCP echo: stopped")));
}

void ServerWindowTest::echoUdpClient()
{
    const quint16 port = start(ServiceKind::EchoUdp);
    QUdpSocket client;
    QVERIFY(client.bind(Loopback, 0));
    client.writeDatagram("hi there", Loopback, port);
    QTRY_COMPARE(clientsView()->model()->rowCount(), 1);
    QCOMPARE(cell(0, ClientTableModel::ProtocolColumn), QStringLiteral("UDP"));
    clientsView()->selectRow(0);
    QTRY_COMPARE(dumpedBytes(trafficText(), TrafficDirection::Out), QByteArray("HI THERE"));
}

void ServerWindowTest::portInUse()
{
    QTcpServer blocker;
    QVERIFY(blocker.listen(Loopback, 0));
    ServerHub::ServiceConfig config;
    config.port = blocker.serverPort();
    m_window->setServiceConfig(ServiceKind::Console, config);
    QTest::mouseClick(toggle(ServiceKind::Console), Qt::LeftButton);
    QTRY_VERIFY(!stateLabel(ServiceKind::Console)->text().isEmpty());
    const QString state = stateLabel(ServiceKind::Console)->text();
    QVERIFY2(!state.startsWith(QStringLiteral("Listening")), qPrintable(state));
    QVERIFY2(state.contains(QString::number(blocker.serverPort())), qPrintable(state));
    QCOMPARE(m_window->hub()->state(ServiceKind::Console), ServerHub::State::Failed);
    QCOMPARE(toggle(ServiceKind::Console)->text(), QStringLiteral("Start"));
    QVERIFY(logContains(QStringLiteral("Console could not start: ") + state));

    // Once the port is free, the same button starts it.
    blocker.close();
    QCOMPARE(start(ServiceKind::Console), config.port);
}

void ServerWindowTest::logFilters()
{
    const quint16 port = start(ServiceKind::EchoTcp);
    {
        QTcpSocket client;
        client.connectToHost(Loopback, port);
        QVERIFY(client.waitForConnected(ConnectTimeoutMs));
        QTRY_VERIFY(logContains(QStringLiteral(" connected")));
        client.disconnectFromHost();
    }
    QTRY_VERIFY(logContains(QStringLiteral(" disconnected")));

    auto *filter = m_window->findChild<QLineEdit *>(QStringLiteral("logFilter"));
    auto *view = m_window->findChild<QListView *>(QStringLiteral("logView"));
    const int all = view->model()->rowCount();
    QVERIFY(all >= 3); // listening, connected, disconnected
    QTest::keyClicks(filter, QStringLiteral("DISCONNECTED"));
    QCOMPARE(view->model()->rowCount(), 1);
    QVERIFY(view->model()->index(0, 0).data().toString().endsWith(QStringLiteral(" disconnected")));
    filter->clear();
    QCOMPARE(view->model()->rowCount(), all);
}

void ServerWindowTest::logIsBounded()
{
    EventLogModel *log = m_window->hub()->log();
    log->clear();
    constexpr int Extra = 100;
    for (int i = 0; i < EventLogModel::MaxEntries + Extra; ++i)
        log->append(EventLogModel::Severity::Info, QStringLiteral("event %1").arg(i));
    QCOMPARE(log->rowCount(), EventLogModel::MaxEntries);
    QVERIFY(log->lineAt(0).endsWith(QStringLiteral("  event %1").arg(Extra)));
    QVERIFY(log->lineAt(EventLogModel::MaxEntries - 1)
                .endsWith(QStringLiteral("  event %1").arg(EventLogModel::MaxEntries + Extra - 1)));
    auto *view = m_window->findChild<QListView *>(QStringLiteral("logView"));
    QCOMPARE(view->model()->rowCount(), EventLogModel::MaxEntries);
}

void ServerWindowTest::killRunningCommand()
{
    const quint16 port = start(ServiceKind::Console);
    QTcpSocket client;
    client.connectToHost(Loopback, port);
    QVERIFY(client.waitForConnected(ConnectTimeoutMs));
    FrameDecoder decoder;
    QList<Frame> frames;
    connect(&client, &QTcpSocket::readyRead, this, [&] {
        decoder.feed(client.readAll());
        while (decoder.status() == FrameDecoder::Status::FrameReady)
            frames.append(decoder.takeFrame());
    });
    client.write(helloFrame() + execFrame(7, QStringLiteral("sleep 30")));
    QTRY_COMPARE(clientsView()->model()->rowCount(), 1);
    QTRY_COMPARE(cell(0, ClientTableModel::CommandColumn), QStringLiteral("sleep 30"));

    clientsView()->selectRow(0);
    auto *kill = m_window->findChild<QPushButton *>(QStringLiteral("killButton"));
    QTRY_VERIFY(kill->isEnabled());
    QTest::mouseClick(kill, Qt::LeftButton);
    const auto exitFrame = [&]() -> std::optional<Frame> {
        for (const Frame &frame : frames)
            if (frame.header.value(QStringLiteral("type")).toString() == QStringLiteral("exit"))
                return frame;
        return std::nullopt;
    };
    QTRY_VERIFY_WITH_TIMEOUT(exitFrame().has_value(), KillTimeoutMs);
    QCOMPARE(exitFrame()->header.value(QStringLiteral("id")).toInt(), 7);
    QCOMPARE(exitFrame()->header.value(QStringLiteral("signal")).toInt(), 15);
    QTRY_VERIFY(logContains(QStringLiteral("request 7 finished: killed by signal 15")));
    QTRY_COMPARE(cell(0, ClientTableModel::CommandColumn), QString());
}

void ServerWindowTest::captureMarksStickyFrames()
{
    TrafficCapture capture(TrafficCapture::Framing::Frames);
    const QByteArray first = encodeFrame({{QStringLiteral("type"), QStringLiteral("output")}}, "hello\n");
    const QByteArray second = encodeFrame({{QStringLiteral("type"), QStringLiteral("exit")}});
    const QByteArray both = first + second;
    // Stuck together and split in odd places: the same two frames either way.
    capture.append(TrafficDirection::Out, both.left(3));
    capture.append(TrafficDirection::Out, both.mid(3, first.size()));
    capture.append(TrafficDirection::Out, both.mid(3 + first.size()));
    const TrafficCapture::Stream &stream = capture.stream(TrafficDirection::Out);
    QCOMPARE(stream.segments.size(), 2);
    QCOMPARE(stream.segments[0].length, qint64(first.size()));
    QCOMPARE(stream.segments[0].payloadSize, qint64(6));
    QCOMPARE(stream.segments[1].start, qint64(first.size()));

    QStringList frameLines;
    for (const TrafficCapture::Line &line : capture.render(false))
        if (line.kind == TrafficCapture::Line::Kind::Frame)
            frameLines.append(line.text);
    QCOMPARE(frameLines.size(), 2);
    QVERIFY(frameLines[0].startsWith(QStringLiteral("frame: length %1 · header {").arg(first.size() - 4 - 6)));
    QVERIFY(frameLines[0].endsWith(QStringLiteral("payload 6 bytes")));
    QCOMPARE(TrafficCapture::dumpLine(0x10, "hello\n"),
             QStringLiteral("00000010  68 65 6c 6c 6f 0a                                 |hello.|"));

    // Bytes that are not a frame are shown as such, never crash the view.
    TrafficCapture hostile(TrafficCapture::Framing::Frames);
    hostile.append(TrafficDirection::In, QByteArray("\xff\xff\xff\x7f{", 5));
    QVERIFY(hostile.stream(TrafficDirection::In).broken);
    bool marked = false;
    for (const TrafficCapture::Line &line : hostile.render(false))
        marked = marked || line.text.startsWith(QStringLiteral("not a frame"));
    QVERIFY(marked);
}

void ServerWindowTest::captureStaysBoundedAndFramed()
{
    TrafficCapture capture(TrafficCapture::Framing::Frames);
    const QByteArray frame = encodeFrame({{QStringLiteral("type"), QStringLiteral("output")}}, QByteArray(1000, 'x'));
    const int count = int(3 * TrafficCapture::MaxBytesPerDirection / frame.size());
    for (int i = 0; i < count; ++i)
        capture.append(TrafficDirection::Out, frame);
    const TrafficCapture::Stream &stream = capture.stream(TrafficDirection::Out);
    QCOMPARE(stream.total(), qint64(count) * frame.size());
    QVERIFY(stream.bytes.size() <= 2 * TrafficCapture::MaxBytesPerDirection);
    QVERIFY(stream.bytes.size() >= TrafficCapture::MaxBytesPerDirection);
    QVERIFY(stream.dropped > 0);
    // The frames are still found after the oldest bytes are gone.
    QCOMPARE(stream.nextFrame, stream.total());
    QVERIFY(stream.segments.size() <= stream.bytes.size() / frame.size() + 1);
    const QList<TrafficCapture::Line> lines = capture.render(false);
    const qsizetype frames = std::count_if(lines.begin(), lines.end(), [](const TrafficCapture::Line &line) {
        return line.kind == TrafficCapture::Line::Kind::Frame;
    });
    QVERIFY(frames >= TrafficCapture::RenderedBytesPerDirection / frame.size());
    QVERIFY(lines.size() < 2 * TrafficCapture::RenderedBytesPerDirection / TrafficCapture::BytesPerDumpLine);
}

void ServerWindowTest::settingsRestoreRunningServices()
{
    start(ServiceKind::EchoTcp);
    ServerHub::ServiceConfig config;
    config.address = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.insecure = true;
    m_window->setServiceConfig(ServiceKind::UdpCommands, config);
    m_window->close();
    m_window.reset();

    m_window = std::make_unique<ServerWindow>();
    QVERIFY(m_window->hub()->isRunning(ServiceKind::EchoTcp));
    QVERIFY(!m_window->hub()->isRunning(ServiceKind::Console));
    QVERIFY(m_window->serviceConfig(ServiceKind::UdpCommands).insecure);
    QCOMPARE(m_window->serviceConfig(ServiceKind::Console).port, quint16(0));
    QVERIFY(stateLabel(ServiceKind::EchoTcp)->text().startsWith(QStringLiteral("Listening on")));

    // Stopped when closed: not started next time.
    QTest::mouseClick(toggle(ServiceKind::EchoTcp), Qt::LeftButton);
    m_window->close();
    m_window.reset();
    m_window = std::make_unique<ServerWindow>();
    QVERIFY(!m_window->hub()->isRunning(ServiceKind::EchoTcp));
    QCOMPARE(stateLabel(ServiceKind::EchoTcp)->text(), QStringLiteral("Stopped"));
}

std::unique_ptr<ChatController> ServerWindowTest::attachChat()
{
    ChatController::Options options;
    options.bindAddress = Loopback;
    options.port = 0;
    options.fallbackToFreePort = false;
    options.displayName = QStringLiteral("desk");
    auto chat = std::make_unique<ChatController>(options);
    m_window->setChatController(chat.get());
    return chat;
}

void ServerWindowTest::chatRowStartsAndStopsTheChat()
{
    const std::unique_ptr<ChatController> chat = attachChat();
    QVERIFY(chat->isListening());
    const quint16 first = chat->endpoint()->localPort();
    QCOMPARE(stateLabel(ServiceKind::Chat)->text(), QStringLiteral("Listening on 127.0.0.1:%1").arg(first));
    QCOMPARE(toggle(ServiceKind::Chat)->text(), QStringLiteral("Stop"));
    QVERIFY(m_window->hub()->isRunning(ServiceKind::Chat));
    QCOMPARE(m_window->hub()->port(ServiceKind::Chat), first);
    QVERIFY(logContains(QStringLiteral("Chat: listening on 127.0.0.1:%1").arg(first)));

    // Stop: the chat no longer receives, says so, and remembers it.
    QTest::mouseClick(toggle(ServiceKind::Chat), Qt::LeftButton);
    QCOMPARE(stateLabel(ServiceKind::Chat)->text(), QStringLiteral("Stopped"));
    QCOMPARE(toggle(ServiceKind::Chat)->text(), QStringLiteral("Start"));
    QVERIFY(!chat->isListening());
    QVERIFY(chat->isStopped());
    QCOMPARE(chat->statusText(), QStringLiteral("Chat: stopped · history off"));
    QVERIFY(chat->problems().join(QLatin1Char(' ')).contains(QStringLiteral("The chat is stopped")));
    QCOMPARE(QSettings().value(ChatController::ListeningSettingsKey).toBool(), false);
    QVERIFY(logContains(QStringLiteral("Chat: stopped")));
    QVERIFY(m_window->findChild<QSpinBox *>(QStringLiteral("chat-port"))->isEnabled());

    // Start again on the address and port typed in the row.
    auto *address = m_window->findChild<QLineEdit *>(QStringLiteral("chat-address"));
    auto *port = m_window->findChild<QSpinBox *>(QStringLiteral("chat-port"));
    address->setText(QStringLiteral("127.0.0.1"));
    port->setValue(0);
    QTest::mouseClick(toggle(ServiceKind::Chat), Qt::LeftButton);
    QVERIFY(chat->isListening());
    QVERIFY(!chat->isStopped());
    const quint16 second = chat->endpoint()->localPort();
    QCOMPARE(stateLabel(ServiceKind::Chat)->text(), QStringLiteral("Listening on 127.0.0.1:%1").arg(second));
    QCOMPARE(QSettings().value(ChatController::ListeningSettingsKey).toBool(), true);
    QCOMPARE(QSettings().value(ChatController::AddressSettingsKey).toString(), QStringLiteral("127.0.0.1"));
    QVERIFY(!port->isEnabled());

    // The chat's own settings move it: the row follows.
    QVERIFY(chat->applySettings(QStringLiteral("desk"), 0));
    QTRY_VERIFY(stateLabel(ServiceKind::Chat)->text().startsWith(QStringLiteral("Listening on 127.0.0.1:")));
    QCOMPARE(m_window->hub()->port(ServiceKind::Chat), chat->endpoint()->localPort());

    // The window does not keep the chat's state: the chat does.
    m_window->close();
    QVERIFY(!QSettings().contains(ServerWindow::SettingsGroup + QStringLiteral("/chat/running")));
}

void ServerWindowTest::chatPeersJoinTheClientsTable()
{
    const std::unique_ptr<ChatController> chat = attachChat();
    const quint16 port = chat->endpoint()->localPort();

    // A tutorial client: bare UTF-8 datagrams.
    QUdpSocket classic;
    QVERIFY(classic.bind(Loopback, 0));
    QCOMPARE(classic.writeDatagram(QByteArrayLiteral("hello desk"), Loopback, port), qint64(10));
    QTRY_COMPARE(clientsView()->model()->rowCount(), 1);
    QCOMPARE(cell(0, ClientTableModel::ServiceColumn), QStringLiteral("Chat"));
    QCOMPARE(cell(0, ClientTableModel::ProtocolColumn), QStringLiteral("classic"));
    QCOMPARE(cell(0, ClientTableModel::AddressColumn), QStringLiteral("127.0.0.1:%1").arg(classic.localPort()));
    QTRY_COMPARE(raw(0, ClientTableModel::BytesInColumn), qint64(10));
    QVERIFY(logContains(QStringLiteral("Chat: client 127.0.0.1:%1 connected").arg(classic.localPort())));
    clientsView()->selectRow(0);
    QTRY_COMPARE(dumpedBytes(trafficText(), TrafficDirection::In), QByteArray("hello desk"));

    // A Tincan peer: its message is acknowledged, both counted.
    ChatEndpoint peer(QUuid::createUuid(), QStringLiteral("peer"));
    QVERIFY(peer.bind(Loopback, 0, false));
    QSignalSpy delivered(&peer, &ChatEndpoint::deliveryStateChanged);
    QVERIFY(peer.send({Loopback, port}, QStringLiteral("hi"), ChatProtocol::Tincan));
    QTRY_VERIFY(std::any_of(delivered.cbegin(), delivered.cend(), [](const QList<QVariant> &args) {
        return args.at(1).value<DeliveryState>() == DeliveryState::Delivered;
    }));
    QTRY_COMPARE(clientsView()->model()->rowCount(), 2);
    int row = -1;
    for (int r = 0; r < 2; ++r)
        if (cell(r, ClientTableModel::AddressColumn) == QStringLiteral("127.0.0.1:%1").arg(peer.localPort()))
            row = r;
    QVERIFY(row >= 0);
    QCOMPARE(cell(row, ClientTableModel::ProtocolColumn), QStringLiteral("Tincan"));
    QTRY_VERIFY(raw(row, ClientTableModel::BytesInColumn) > 0);
    QTRY_VERIFY(raw(row, ClientTableModel::BytesOutColumn) > 0); // the acknowledgement

    // A datagram that claims to be Tincan's but is not is a logged protocol error.
    QUdpSocket junk;
    QVERIFY(junk.bind(Loopback, 0));
    junk.writeDatagram(QByteArrayLiteral("\x00\x01\xff\xff"), Loopback, port);
    QTRY_VERIFY(logContains(QStringLiteral("Chat: protocol error from 127.0.0.1:%1").arg(junk.localPort())));

    // Stopping the chat ends its peers.
    QTest::mouseClick(toggle(ServiceKind::Chat), Qt::LeftButton);
    QTRY_COMPARE(cell(0, ClientTableModel::CommandColumn), QStringLiteral("(disconnected)"));
}

void ServerWindowTest::chatPortInUse()
{
    const std::unique_ptr<ChatController> chat = attachChat();
    QTest::mouseClick(toggle(ServiceKind::Chat), Qt::LeftButton);
    QUdpSocket taken;
    QVERIFY(taken.bind(Loopback, 0));
    ServerHub::ServiceConfig config;
    config.port = taken.localPort();
    m_window->setServiceConfig(ServiceKind::Chat, config);
    QTest::mouseClick(toggle(ServiceKind::Chat), Qt::LeftButton);
    QVERIFY(!chat->isListening());
    QCOMPARE(m_window->hub()->state(ServiceKind::Chat), ServerHub::State::Failed);
    QVERIFY2(stateLabel(ServiceKind::Chat)->text().contains(QStringLiteral("already in use")),
             qPrintable(stateLabel(ServiceKind::Chat)->text()));
    QVERIFY(logContains(QStringLiteral("Chat could not start")));
    QCOMPARE(toggle(ServiceKind::Chat)->text(), QStringLiteral("Start"));

    // Free port: it starts.
    config.port = 0;
    m_window->setServiceConfig(ServiceKind::Chat, config);
    QTest::mouseClick(toggle(ServiceKind::Chat), Qt::LeftButton);
    QVERIFY(chat->isListening());
    QCOMPARE(m_window->hub()->state(ServiceKind::Chat), ServerHub::State::Listening);
}

void ServerWindowTest::chatWithoutController()
{
    // A server window on its own (no main window): the chat row says why it is idle.
    QVERIFY(!toggle(ServiceKind::Chat)->isEnabled());
    QVERIFY(stateLabel(ServiceKind::Chat)->text().contains(QStringLiteral("main window")));
    QVERIFY(!m_window->hub()->start(ServiceKind::Chat, {}));
    QCOMPARE(m_window->hub()->state(ServiceKind::Chat), ServerHub::State::Failed);
}

void ServerWindowTest::clientsTableSorts()
{
    const quint16 port = start(ServiceKind::EchoTcp);
    QTcpSocket small;
    QTcpSocket large;
    for (QTcpSocket *client : {&small, &large}) {
        client->connectToHost(Loopback, port);
        QVERIFY(client->waitForConnected(ConnectTimeoutMs));
    }
    small.write("a");
    large.write(QByteArray(5000, 'b'));
    QTRY_COMPARE(clientsView()->model()->rowCount(), 2);
    QTRY_COMPARE(raw(0, ClientTableModel::BytesInColumn) + raw(1, ClientTableModel::BytesInColumn), qint64(5001));

    clientsView()->sortByColumn(ClientTableModel::BytesInColumn, Qt::DescendingOrder);
    QCOMPARE(raw(0, ClientTableModel::BytesInColumn), qint64(5000));
    QCOMPARE(raw(1, ClientTableModel::BytesInColumn), qint64(1));
    // The selection names the client shown in the row, not the model's row.
    clientsView()->selectRow(1);
    const std::optional<ClientRef> selected = m_window->selectedClient();
    QVERIFY(selected);
    QCOMPARE(m_window->hub()->clients()->info(*selected)->bytesIn, qint64(1));
    QTRY_VERIFY(trafficText().contains(QStringLiteral("|A|")));

    clientsView()->sortByColumn(ClientTableModel::BytesInColumn, Qt::AscendingOrder);
    QCOMPARE(raw(0, ClientTableModel::BytesInColumn), qint64(1));
}

void ServerWindowTest::floodIsCoalesced()
{
    // A client that sends as fast as it can: the table is told of changes at
    // most once per refresh interval, however many reads the service makes.
    const quint16 port = start(ServiceKind::EchoTcp);
    QTcpSocket flood;
    flood.connectToHost(Loopback, port);
    QVERIFY(flood.waitForConnected(ConnectTimeoutMs));
    QTRY_COMPARE(clientsView()->model()->rowCount(), 1);
    clientsView()->selectRow(0);

    QSignalSpy changes(m_window->hub()->clients(), &QAbstractItemModel::dataChanged);
    QElapsedTimer elapsed;
    elapsed.start();
    constexpr qint64 Total = 8 * 1024 * 1024;
    constexpr qint64 Chunk = 16 * 1024;
    const QByteArray chunk(Chunk, 'x');
    qint64 received = 0;
    connect(&flood, &QTcpSocket::readyRead, &flood, [&] { received += flood.readAll().size(); });
    for (qint64 sent = 0; sent < Total; sent += Chunk) {
        flood.write(chunk);
        if (flood.bytesToWrite() > 4 * Chunk)
            QCoreApplication::processEvents();
    }
    QTRY_COMPARE_WITH_TIMEOUT(received, Total, 30000);
    QTRY_COMPARE(raw(0, ClientTableModel::BytesOutColumn), Total);
    const qint64 refreshes = elapsed.elapsed() / ClientTableModel::RefreshInterval.count();
    // Thousands of reads, a handful of view updates.
    QVERIFY2(changes.count() <= refreshes + 2,
             qPrintable(QStringLiteral("%1 updates in %2 ms").arg(changes.count()).arg(elapsed.elapsed())));
    // The echo came back upper-cased and the view kept only a bounded capture.
    const TrafficCapture *capture = m_window->hub()->traffic(*m_window->selectedClient());
    QVERIFY(capture);
    for (TrafficDirection direction : {TrafficDirection::In, TrafficDirection::Out}) {
        // Trimmed in batches: never more than twice the bytes it keeps.
        QVERIFY(capture->stream(direction).bytes.size() <= 2 * TrafficCapture::MaxBytesPerDirection);
        QCOMPARE(capture->stream(direction).total(), Total);
    }
}

void ServerWindowTest::consolePasswordLogin()
{
    QFile::remove(ServerWindow::consolePasswordPath());
    m_window->setConsolePassword(*PasswordHash::create(QStringLiteral("s3cret"), PasswordHash::MinIterations));
    // Kept owner-only: whoever reads the hash can log in.
    QFile file(ServerWindow::consolePasswordPath());
    QVERIFY(file.exists());
    QCOMPARE(file.permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());

    // With a password the console may listen where other machines reach it.
    ServerHub::ServiceConfig config;
    config.address = QStringLiteral("0.0.0.0");
    config.port = 0;
    m_window->setServiceConfig(ServiceKind::Console, config);
    QTest::mouseClick(toggle(ServiceKind::Console), Qt::LeftButton);
    QTRY_VERIFY(m_window->hub()->isRunning(ServiceKind::Console));
    QVERIFY(logContains(QStringLiteral("clients must log in")));
    QVERIFY(!logContains(QStringLiteral("no authentication")));
    const quint16 port = m_window->hub()->port(ServiceKind::Console);

    ConsoleClient right;
    right.setPassword(QStringLiteral("s3cret"));
    right.connectToServer(QStringLiteral("127.0.0.1"), port);
    QTRY_VERIFY2_WITH_TIMEOUT(right.isAuthenticated(), qPrintable(right.errorString()), 10000);
    QTRY_VERIFY(logContains(QStringLiteral("logged in")));

    ConsoleClient wrong;
    wrong.setPassword(QStringLiteral("guess"));
    wrong.connectToServer(QStringLiteral("127.0.0.1"), port);
    QTRY_COMPARE_WITH_TIMEOUT(wrong.errorKind(), ConsoleClient::ErrorKind::WrongPassword, 10000);
    QTRY_VERIFY(logContains(QStringLiteral("failed to log in")));

    // The next window reads it back.
    m_window->close();
    m_window.reset();
    m_window = std::make_unique<ServerWindow>();
    QVERIFY(!m_window->consolePassword().isNull());
    QVERIFY(m_window->consolePassword().verify(QStringLiteral("s3cret")));
    m_window->setConsolePassword({});
    QVERIFY(!QFile::exists(ServerWindow::consolePasswordPath()));

    // A hash others can read is not used, and the log says why.
    m_window->setConsolePassword(*PasswordHash::create(QStringLiteral("s3cret"), PasswordHash::MinIterations));
    QVERIFY(QFile::setPermissions(ServerWindow::consolePasswordPath(),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
    m_window.reset();
    m_window = std::make_unique<ServerWindow>();
    QVERIFY(m_window->consolePassword().isNull());
    QVERIFY(logContains(QStringLiteral("can be read by other users")));
    QFile::remove(ServerWindow::consolePasswordPath());
}

void ServerWindowTest::consolePasswordDialog()
{
    ConsolePasswordDialog dialog(false);
    auto *password = dialog.findChild<QLineEdit *>(QStringLiteral("password"));
    auto *confirm = dialog.findChild<QLineEdit *>(QStringLiteral("confirm"));
    auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(!dialog.findChild<QPushButton *>(QStringLiteral("remove")));
    QVERIFY(!ok->isEnabled());
    password->setText(QStringLiteral("one"));
    confirm->setText(QStringLiteral("two"));
    QVERIFY(!ok->isEnabled());
    QCOMPARE(dialog.validationError(), QStringLiteral("The two passwords differ."));
    password->setText(QString(PasswordHash::MaxPasswordSize + 1, QLatin1Char('x')));
    confirm->setText(password->text());
    QVERIFY(!ok->isEnabled());
    password->setText(QStringLiteral("two"));
    confirm->setText(QStringLiteral("two"));
    QVERIFY(ok->isEnabled());
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.accept(); // hashed on a worker thread
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);
    QVERIFY(!dialog.removed());
    QVERIFY(dialog.result().verify(QStringLiteral("two")));
    QVERIFY(!dialog.result().verify(QStringLiteral("one")));

    ConsolePasswordDialog change(true);
    auto *remove = change.findChild<QPushButton *>(QStringLiteral("remove"));
    QVERIFY(remove);
    QSignalSpy removed(&change, &QDialog::accepted);
    remove->click();
    QCOMPARE(removed.count(), 1);
    QVERIFY(change.removed());
    QVERIFY(change.result().isNull());
}

} // namespace

QTEST_MAIN(ServerWindowTest)
#include "tst_gui_serverwindow.moc"
