// Every console option of `tincan-cli serve` set in the server window (its
// Advanced… dialog), and the running console obeying it, seen from real
// clients in this process: classic clients off, the classic reply cap, the
// connection caps, the login grace time, the login penalty and its ceiling,
// the idle timeout, TLS on or off, the TLS directory, the output encoding and
// file transfers outside the session's directory.
#include "ui/server/consolesettingsdialog.h"
#include "ui/server/serverwindow.h"

#include "net/console/consoleclient.h"
#include "net/wire/frame.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <limits>
#include <memory>

using namespace Tincan;

using DialogEdit = std::function<void(ConsoleSettingsDialog &)>;
using OptionsCheck = std::function<bool(const ConsoleServer::Options &)>;
Q_DECLARE_METATYPE(DialogEdit)
Q_DECLARE_METATYPE(OptionsCheck)

namespace {

const QHostAddress Loopback(QHostAddress::LocalHost);
constexpr int ConnectTimeoutMs = 5000;
// Longer than the short limits the tests set (1 s), shorter than the defaults (10 s and more).
constexpr int CutTimeoutMs = 6000;

// A raw Tincan (framed) client that keeps every frame the server sends.
class FramedClient
{
public:
    explicit FramedClient(quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] {
            m_decoder.feed(m_socket.readAll());
            while (m_decoder.status() == FrameDecoder::Status::FrameReady)
                m_frames.append(m_decoder.takeFrame());
        });
        m_socket.connectToHost(Loopback, port);
    }
    bool waitForConnected() { return m_socket.waitForConnected(ConnectTimeoutMs); }
    void send(const QJsonObject &header) { m_socket.write(encodeFrame(header)); }
    void hello() { send({{QStringLiteral("type"), QStringLiteral("hello")}, {QStringLiteral("version"), 1}}); }
    // The first frame of that type, if one came.
    std::optional<Frame> frame(const QString &type) const
    {
        for (const Frame &each : m_frames)
            if (each.header.value(QStringLiteral("type")).toString() == type)
                return each;
        return std::nullopt;
    }
    bool isClosed() const { return m_socket.state() == QAbstractSocket::UnconnectedState; }
    QTcpSocket &socket() { return m_socket; }

private:
    QTcpSocket m_socket;
    FrameDecoder m_decoder;
    QList<Frame> m_frames;
};

class ServerConsoleSettingsTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void dialogReachesTheConsole_data();
    void dialogReachesTheConsole();
    void dialogRefusesWhatCannotBeUsed();
    void policyIsRemembered();
    void hostileSettingsFallBackToDefaults();
    void classicClientsOff_data();
    void classicClientsOff();
    void classicReplyCap();
    void connectionCaps_data();
    void connectionCaps();
    void loginGraceTime();
    void loginPenaltyAndCeiling();
    void idleTimeout();
    void tlsPolicy_data();
    void tlsPolicy();
    void outputEncoding();
    void allowAnyPath_data();
    void allowAnyPath();

private:
    // Opens Advanced…, lets `edit` set its fields, and presses OK.
    void editPolicy(const DialogEdit &edit);
    quint16 startConsole();
    bool logContains(const QString &text) const;
    void setPassword() const;

    std::unique_ptr<ServerWindow> m_window;
    QTemporaryDir m_tlsDir;
};

template <typename T> T *field(ConsoleSettingsDialog &dialog, const char *name)
{
    return dialog.findChild<T *>(QString::fromLatin1(name));
}

void ServerConsoleSettingsTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("Tincan"));
    QCoreApplication::setApplicationName(QStringLiteral("TincanGuiServerConsoleSettingsTest"));
    QVERIFY(m_tlsDir.isValid());
}

void ServerConsoleSettingsTest::init()
{
    QSettings().clear();
    QFile::remove(ServerWindow::consolePasswordPath());
    m_window = std::make_unique<ServerWindow>();
    ServerHub::ServiceConfig config;
    config.port = 0;
    m_window->setServiceConfig(ServiceKind::Console, config);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void ServerConsoleSettingsTest::cleanup()
{
    m_window.reset();
    QSettings().clear();
    QFile::remove(ServerWindow::consolePasswordPath());
}

void ServerConsoleSettingsTest::editPolicy(const DialogEdit &edit)
{
    QTest::mouseClick(m_window->findChild<QPushButton *>(QStringLiteral("console-advanced")), Qt::LeftButton);
    ConsoleSettingsDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<ConsoleSettingsDialog *>()) && dialog->isVisible());
    edit(*dialog);
    QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY2(ok->isEnabled(), qPrintable(dialog->validationError()));
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_VERIFY(!m_window->findChild<ConsoleSettingsDialog *>());
    QVERIFY(logContains(QStringLiteral("settings changed")));
}

quint16 ServerConsoleSettingsTest::startConsole()
{
    QTest::mouseClick(m_window->findChild<QPushButton *>(QStringLiteral("console-toggle")), Qt::LeftButton);
    [&] { QTRY_VERIFY(m_window->hub()->isRunning(ServiceKind::Console)); }();
    return m_window->hub()->port(ServiceKind::Console);
}

bool ServerConsoleSettingsTest::logContains(const QString &text) const
{
    EventLogModel *log = m_window->hub()->log();
    for (int row = 0; row < log->rowCount(); ++row)
        if (log->lineAt(row).contains(text))
            return true;
    return false;
}

void ServerConsoleSettingsTest::setPassword() const
{
    m_window->setConsolePassword(*PasswordHash::create(QStringLiteral("s3cret"), PasswordHash::MinIterations));
}

void ServerConsoleSettingsTest::dialogReachesTheConsole_data()
{
    QTest::addColumn<DialogEdit>("edit");
    QTest::addColumn<OptionsCheck>("check");
    using Check = OptionsCheck;
    using namespace std::chrono_literals;
    const auto spin = [](const char *name, int value) {
        return DialogEdit([name, value](ConsoleSettingsDialog &d) { field<QSpinBox>(d, name)->setValue(value); });
    };
    QTest::newRow("classic off") << DialogEdit([](ConsoleSettingsDialog &d) {
        field<QCheckBox>(d, "classicAllowed")->setChecked(false);
    }) << Check([](const ConsoleServer::Options &o) { return !o.classicAllowed; });
    QTest::newRow("any path") << DialogEdit([](ConsoleSettingsDialog &d) {
        field<QCheckBox>(d, "allowAnyPath")->setChecked(true);
    }) << Check([](const ConsoleServer::Options &o) { return o.allowAnyPath; });
    QTest::newRow("cap") << spin("classicReplyCap", 1234)
                         << Check([](const ConsoleServer::Options &o) { return o.classicReplyCap == 1234; });
    QTest::newRow("connections") << spin("maxConnections", 17)
                                 << Check([](const ConsoleServer::Options &o) { return o.maxConnections == 17; });
    QTest::newRow("per address") << spin("maxConnectionsPerAddress", 5) << Check([](const ConsoleServer::Options &o) {
        return o.maxConnectionsPerAddress == 5;
    });
    QTest::newRow("grace") << spin("loginGraceTime", 3)
                           << Check([](const ConsoleServer::Options &o) { return o.loginGraceTime == 3s; });
    QTest::newRow("penalty") << spin("loginPenalty", 4)
                             << Check([](const ConsoleServer::Options &o) { return o.penaltyBase == 4s; });
    QTest::newRow("penalty ceiling") << spin("loginPenaltyMax", 90)
                                     << Check([](const ConsoleServer::Options &o) { return o.penaltyMax == 90s; });
    QTest::newRow("idle") << spin("idleTimeout", 600)
                          << Check([](const ConsoleServer::Options &o) { return o.idleTimeout == 600s; });
    QTest::newRow("tls off") << DialogEdit([](ConsoleSettingsDialog &d) {
        auto *tls = field<QComboBox>(d, "tls");
        tls->setCurrentIndex(tls->findData(int(ConsoleServer::TlsPolicy::Off)));
    }) << Check([](const ConsoleServer::Options &o) { return o.tls == ConsoleServer::TlsPolicy::Off; });
    QTest::newRow("tls dir") << DialogEdit([](ConsoleSettingsDialog &d) {
        field<QLineEdit>(d, "tlsDirectory")->setText(QStringLiteral("/nonexistent/tls"));
    }) << Check([](const ConsoleServer::Options &o) { return o.tlsDirectory == QStringLiteral("/nonexistent/tls"); });
    QTest::newRow("encoding") << DialogEdit([](ConsoleSettingsDialog &d) {
        field<QComboBox>(d, "outputEncoding")->setEditText(QStringLiteral("ISO-8859-1"));
    }) << Check([](const ConsoleServer::Options &o) { return o.outputEncoding == QStringLiteral("ISO-8859-1"); });
}

void ServerConsoleSettingsTest::dialogReachesTheConsole()
{
    QFETCH(DialogEdit, edit);
    QFETCH(OptionsCheck, check);
    editPolicy(edit);
    startConsole();
    QVERIFY(check(m_window->hub()->host()->console()->options()));
}

void ServerConsoleSettingsTest::dialogRefusesWhatCannotBeUsed()
{
    ConsoleSettingsDialog dialog(HostSettings{});
    QPushButton *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    field<QSpinBox>(dialog, "loginPenalty")->setValue(30);
    field<QSpinBox>(dialog, "loginPenaltyMax")->setValue(10);
    QVERIFY(!ok->isEnabled());
    QVERIFY2(dialog.validationError().contains(QStringLiteral("at least")), qPrintable(dialog.validationError()));
    field<QSpinBox>(dialog, "loginPenaltyMax")->setValue(30);
    QVERIFY(ok->isEnabled());
    field<QComboBox>(dialog, "outputEncoding")->setEditText(QStringLiteral("no-such-encoding-\u00e9"));
    QVERIFY(!ok->isEnabled());
    QVERIFY(dialog.validationError().contains(QStringLiteral("no-such-encoding")));
    // Restore Defaults: every field back, usable again.
    dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::RestoreDefaults)->click();
    QVERIFY(ok->isEnabled());
    QCOMPARE(dialog.policy().penaltyBase, HostSettings().penaltyBase);
    QCOMPARE(dialog.policy().outputEncoding, QString());
    // Spin boxes cannot leave their ranges, however the value is set.
    field<QSpinBox>(dialog, "maxConnections")->setValue(-3);
    QCOMPARE(dialog.policy().maxConnections, 1);
}

void ServerConsoleSettingsTest::policyIsRemembered()
{
    editPolicy([](ConsoleSettingsDialog &d) {
        field<QCheckBox>(d, "classicAllowed")->setChecked(false);
        field<QSpinBox>(d, "idleTimeout")->setValue(42);
        field<QComboBox>(d, "outputEncoding")->setEditText(QStringLiteral("GBK"));
    });
    m_window->close();
    m_window = std::make_unique<ServerWindow>();
    const HostSettings policy = m_window->consolePolicy();
    QVERIFY(!policy.classicAllowed);
    QCOMPARE(policy.idleTimeout, std::chrono::milliseconds(42000));
    QCOMPARE(policy.outputEncoding, QStringLiteral("GBK"));
}

void ServerConsoleSettingsTest::hostileSettingsFallBackToDefaults()
{
    m_window.reset();
    QSettings settings;
    settings.setValue(ServerWindow::SettingsGroup + QStringLiteral("/console/maxConnections"), -7);
    settings.setValue(ServerWindow::SettingsGroup + QStringLiteral("/console/tls"), 99);
    settings.setValue(ServerWindow::SettingsGroup + QStringLiteral("/console/idleTimeoutSeconds"),
                      QStringLiteral("soon"));
    settings.setValue(ServerWindow::SettingsGroup + QStringLiteral("/console/loginGraceSeconds"),
                      std::numeric_limits<qint64>::max());
    settings.sync();
    m_window = std::make_unique<ServerWindow>();
    const HostSettings policy = m_window->consolePolicy();
    QCOMPARE(policy.maxConnections, HostSettings().maxConnections);
    QCOMPARE(policy.tls, ConsoleServer::TlsPolicy::Auto);
    QCOMPARE(policy.idleTimeout, std::chrono::milliseconds(0));
    QCOMPARE(policy.loginGraceTime, HostSettings().loginGraceTime);
    // One bad value and the policy is the default one, not half of each.
    m_window.reset();
    settings.clear();
    settings.setValue(ServerWindow::SettingsGroup + QStringLiteral("/console/classicAllowed"), false);
    settings.setValue(ServerWindow::SettingsGroup + QStringLiteral("/console/loginPenaltySeconds"), 90);
    settings.setValue(ServerWindow::SettingsGroup + QStringLiteral("/console/loginPenaltyMaxSeconds"), 30);
    settings.sync();
    m_window = std::make_unique<ServerWindow>();
    QVERIFY(m_window->consolePolicy().classicAllowed);
    QCOMPARE(m_window->consolePolicy().penaltyBase, HostSettings().penaltyBase);
}

void ServerConsoleSettingsTest::classicClientsOff_data()
{
    QTest::addColumn<bool>("allowed");
    QTest::newRow("served") << true;
    QTest::newRow("refused") << false;
}

void ServerConsoleSettingsTest::classicClientsOff()
{
    QFETCH(bool, allowed);
    editPolicy([allowed](ConsoleSettingsDialog &d) { field<QCheckBox>(d, "classicAllowed")->setChecked(allowed); });
    QTcpSocket classic;
    classic.connectToHost(Loopback, startConsole());
    QVERIFY(classic.waitForConnected(ConnectTimeoutMs));
    classic.write("echo classic-hi");
    QByteArray reply;
    QTRY_VERIFY_WITH_TIMEOUT((reply += classic.readAll()).contains("classic-hi\n")
                                 || classic.state() == QAbstractSocket::UnconnectedState,
                             CutTimeoutMs);
    reply += classic.readAll();
    QCOMPARE(reply.contains("classic-hi\n"), allowed);
    if (!allowed)
        QTRY_VERIFY(logContains(QStringLiteral("refused")));
}

void ServerConsoleSettingsTest::classicReplyCap()
{
    editPolicy([](ConsoleSettingsDialog &d) { field<QSpinBox>(d, "classicReplyCap")->setValue(8); });
    QTcpSocket classic;
    classic.connectToHost(Loopback, startConsole());
    QVERIFY(classic.waitForConnected(ConnectTimeoutMs));
    classic.write("echo 0123456789abcdef");
    QByteArray reply;
    QTRY_VERIFY_WITH_TIMEOUT((reply += classic.readAll()).contains("truncated"), CutTimeoutMs);
    QVERIFY2(reply.contains("01234567") && !reply.contains("0123456789abcdef"), reply.constData());
}

void ServerConsoleSettingsTest::connectionCaps_data()
{
    QTest::addColumn<QString>("field");
    QTest::newRow("in all") << QStringLiteral("maxConnections");
    QTest::newRow("per address") << QStringLiteral("maxConnectionsPerAddress");
}

void ServerConsoleSettingsTest::connectionCaps()
{
    QFETCH(QString, field);
    editPolicy([field](ConsoleSettingsDialog &d) { d.findChild<QSpinBox *>(field)->setValue(2); });
    const quint16 port = startConsole();
    std::vector<std::unique_ptr<FramedClient>> clients;
    for (int i = 0; i < 2; ++i) {
        clients.push_back(std::make_unique<FramedClient>(port));
        QVERIFY(clients.back()->waitForConnected());
        clients.back()->hello();
        QTRY_VERIFY(clients.back()->frame(QStringLiteral("welcome")));
    }
    // The third is one too many: turned away, and the log says so.
    FramedClient third(port);
    QVERIFY(third.waitForConnected());
    third.hello();
    QTRY_VERIFY_WITH_TIMEOUT(third.isClosed(), CutTimeoutMs);
    QVERIFY(!third.frame(QStringLiteral("welcome")));
    QTRY_VERIFY(logContains(QStringLiteral("refused")));
    for (const auto &client : clients)
        QVERIFY(!client->isClosed());
}

void ServerConsoleSettingsTest::loginGraceTime()
{
    setPassword();
    editPolicy([this](ConsoleSettingsDialog &d) {
        field<QSpinBox>(d, "loginGraceTime")->setValue(1);
        field<QLineEdit>(d, "tlsDirectory")->setText(m_tlsDir.path());
    });
    FramedClient client(startConsole());
    QVERIFY(client.waitForConnected());
    client.hello();
    QTRY_VERIFY(client.frame(QStringLiteral("auth_challenge")));
    // No answer: cut after one second, not the default ten.
    QTRY_VERIFY_WITH_TIMEOUT(client.isClosed(), CutTimeoutMs);
    QCOMPARE(client.frame(QStringLiteral("error"))->header.value(QStringLiteral("code")).toString(),
             QStringLiteral("auth_timeout"));
}

void ServerConsoleSettingsTest::loginPenaltyAndCeiling()
{
    setPassword();
    editPolicy([this](ConsoleSettingsDialog &d) {
        field<QSpinBox>(d, "loginPenalty")->setValue(1);
        field<QSpinBox>(d, "loginPenaltyMax")->setValue(1);
        field<QLineEdit>(d, "tlsDirectory")->setText(m_tlsDir.path());
    });
    const quint16 port = startConsole();
    ConsoleServer *console = m_window->hub()->host()->console();
    for (int attempt = 0; attempt < 2; ++attempt) {
        QTRY_COMPARE_WITH_TIMEOUT(console->penaltyRemaining(Loopback), std::chrono::milliseconds(0), CutTimeoutMs);
        ConsoleClient wrong;
        wrong.setPassword(QStringLiteral("guess"));
        wrong.connectToServer(QStringLiteral("127.0.0.1"), port);
        QTRY_COMPARE_WITH_TIMEOUT(wrong.errorKind(), ConsoleClient::ErrorKind::WrongPassword, CutTimeoutMs);
    }
    // The first failure waits the penalty; the second would double it but the ceiling holds it.
    EventLogModel *log = m_window->hub()->log();
    int waits = 0;
    for (int row = 0; row < log->rowCount(); ++row) {
        if (log->lineAt(row).contains(QStringLiteral("failed to log in"))) {
            QVERIFY2(log->lineAt(row).endsWith(QStringLiteral("that address waits 1000 ms")),
                     qPrintable(log->lineAt(row)));
            ++waits;
        }
    }
    QCOMPARE(waits, 2);
}

void ServerConsoleSettingsTest::idleTimeout()
{
    editPolicy([](ConsoleSettingsDialog &d) { field<QSpinBox>(d, "idleTimeout")->setValue(1); });
    FramedClient client(startConsole());
    QVERIFY(client.waitForConnected());
    client.hello();
    QTRY_VERIFY(client.frame(QStringLiteral("welcome")));
    QTRY_VERIFY_WITH_TIMEOUT(client.isClosed(), CutTimeoutMs);
    QCOMPARE(client.frame(QStringLiteral("error"))->header.value(QStringLiteral("code")).toString(),
             QStringLiteral("idle_timeout"));
    QTRY_VERIFY(logContains(QStringLiteral("refused")));
}

void ServerConsoleSettingsTest::tlsPolicy_data()
{
    QTest::addColumn<int>("policy");
    QTest::addColumn<bool>("password");
    QTest::addColumn<bool>("encrypted");
    using P = ConsoleServer::TlsPolicy;
    QTest::newRow("auto, no password") << int(P::Auto) << false << false;
    QTest::newRow("auto, password") << int(P::Auto) << true << true;
    QTest::newRow("on, no password") << int(P::RequiredForRemote) << false << true;
    QTest::newRow("off, password") << int(P::Off) << true << false;
}

void ServerConsoleSettingsTest::tlsPolicy()
{
    QFETCH(int, policy);
    QFETCH(bool, password);
    QFETCH(bool, encrypted);
    if (password)
        setPassword();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    editPolicy([&](ConsoleSettingsDialog &d) {
        auto *tls = field<QComboBox>(d, "tls");
        tls->setCurrentIndex(tls->findData(policy));
        field<QLineEdit>(d, "tlsDirectory")->setText(dir.path());
    });
    startConsole();
    auto *label = m_window->findChild<QLabel *>(QStringLiteral("console-fingerprint"));
    QCOMPARE(label->isVisible(), encrypted);
    QCOMPARE(m_window->hub()->consoleFingerprint().startsWith(QStringLiteral("SHA256:")), encrypted);
    QCOMPARE(logContains(QStringLiteral("TLS fingerprint SHA256:")), encrypted);
    if (encrypted) {
        QVERIFY(label->text().contains(m_window->hub()->consoleFingerprint()));
        // The identity was made in the directory given, not the default one.
        QVERIFY(!QDir(dir.path()).entryList(QDir::Files).isEmpty());
    }
}

void ServerConsoleSettingsTest::outputEncoding()
{
    editPolicy([](ConsoleSettingsDialog &d) {
        auto *encoding = field<QComboBox>(d, "outputEncoding");
        encoding->setCurrentIndex(encoding->findText(QStringLiteral("GBK")));
    });
    FramedClient client(startConsole());
    QVERIFY(client.waitForConnected());
    client.hello();
    QTRY_VERIFY(client.frame(QStringLiteral("welcome")));
    QCOMPARE(client.frame(QStringLiteral("welcome"))->header.value(QStringLiteral("encoding")).toString(),
             QStringLiteral("GBK"));
}

void ServerConsoleSettingsTest::allowAnyPath_data()
{
    QTest::addColumn<bool>("anyPath");
    QTest::addColumn<QString>("answer");
    QTest::newRow("inside only") << false << QStringLiteral("error");
    QTest::newRow("any path") << true << QStringLiteral("file");
}

void ServerConsoleSettingsTest::allowAnyPath()
{
    QFETCH(bool, anyPath);
    QFETCH(QString, answer);
    QTemporaryDir elsewhere;
    QVERIFY(elsewhere.isValid());
    const QString absolute = elsewhere.filePath(QStringLiteral("outside.txt"));
    QFile file(absolute);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("outside\n");
    file.close();
    editPolicy([anyPath](ConsoleSettingsDialog &d) { field<QCheckBox>(d, "allowAnyPath")->setChecked(anyPath); });
    FramedClient client(startConsole());
    QVERIFY(client.waitForConnected());
    client.hello();
    QTRY_VERIFY(client.frame(QStringLiteral("welcome")));
    client.send({{QStringLiteral("type"), QStringLiteral("download")},
                 {QStringLiteral("transfer"), QStringLiteral("d1")},
                 {QStringLiteral("filename"), absolute}});
    QTRY_VERIFY(client.frame(answer));
    if (!anyPath)
        QCOMPARE(client.frame(QStringLiteral("error"))->header.value(QStringLiteral("code")).toString(),
                 QStringLiteral("path_refused"));
    else
        QVERIFY(!client.frame(QStringLiteral("error")));
}

} // namespace

QTEST_MAIN(ServerConsoleSettingsTest)
#include "tst_gui_serverconsolesettings.moc"
