// MainWindow and ConnectDialog: the empty state, opening and closing session
// tabs through the dialog and the actions, input validation, and what is
// remembered between runs.
#include "net/auth/passwordhash.h"
#include "net/console/consoleserver.h"
#include "net/tls/knownhosts.h"
#include "net/tls/tlsidentity.h"
#include "net/wire/consoleprotocol.h"
#include "ui/console/connectdialog.h"
#include "ui/console/consolesessionwidget.h"
#include "ui/mainwindow.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Tincan;

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void showsEmptyStateWithoutSessions();
    void asksForConsolePassword();
    void asksWhetherToTrustServer_data();
    void asksWhetherToTrustServer();
    void connectDialogPassword();
    void connectDialogEncryption();
    void opensSessionThroughDialog();
    void closesSessionWithAction();
    void enablesCancelOnlyWhileRunning();
    void asksBeforeClosingBusySession();
    void remembersGeometry();
    void validatesHost_data();
    void validatesHost();
    void remembersDialogValues();

private:
    // The chat page's history in a temporary folder, on any free port: the
    // user's own history and port 8081 stay out of it.
    ChatController::Options chatOptions() const;

    ConsoleServer m_server;
    QTemporaryDir m_chatDir;
};

ChatController::Options TestMainWindow::chatOptions() const
{
    ChatController::Options options;
    options.historyPath = m_chatDir.filePath(QStringLiteral("history.sqlite"));
    options.bindAddress = QHostAddress(QHostAddress::LocalHost);
    options.port = 0;
    return options;
}

void TestMainWindow::initTestCase()
{
    // Keep the user's real settings out of it.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("Tincan"));
    QCoreApplication::setApplicationName(QStringLiteral("TincanGuiTest"));
    QVERIFY(m_chatDir.isValid());
    ConsoleServer::Options options;
    options.port = 0;
    QVERIFY2(m_server.listen(options), qPrintable(m_server.errorString()));
}

void TestMainWindow::init()
{
    QSettings().clear();
}

void TestMainWindow::showsEmptyStateWithoutSessions()
{
    MainWindow window(chatOptions());
    window.show();
    auto *pages = window.findChild<QTabWidget *>(QStringLiteral("pages"));
    QVERIFY(pages);
    QCOMPARE(pages->count(), 2);
    // The chat comes first and is shown at start.
    QCOMPARE(pages->tabText(0), QStringLiteral("Chat"));
    QCOMPARE(pages->currentIndex(), 0);
    QCOMPARE(pages->tabText(1), QStringLiteral("Console"));
    pages->setCurrentIndex(1);
    auto *emptyState = window.findChild<QWidget *>(QStringLiteral("emptyState"));
    QVERIFY(emptyState);
    QVERIFY(emptyState->isVisible());
    QVERIFY(window.findChild<QPushButton *>(QStringLiteral("newSessionButton"))->isVisible());
    QVERIFY(!window.sessionTabs()->isVisible());
    QVERIFY(!window.findChild<QAction *>(QStringLiteral("closeSessionAction"))->isEnabled());
}

void TestMainWindow::opensSessionThroughDialog()
{
    MainWindow window(chatOptions());
    window.show();
    window.pages()->setCurrentWidget(window.findChild<QWidget *>(QStringLiteral("emptyState"))->parentWidget());
    QTest::mouseClick(window.findChild<QPushButton *>(QStringLiteral("newSessionButton")), Qt::LeftButton);
    ConnectDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<ConnectDialog *>()) && dialog->isVisible());
    QCOMPARE(dialog->host(), QStringLiteral("127.0.0.1"));
    QCOMPARE(dialog->port(), Console::DefaultPort);
    QCOMPARE(dialog->mode(), ConsoleClient::Mode::Tincan);

    dialog->setPort(m_server.serverPort());
    QTest::keyClick(dialog, Qt::Key_Return);
    QTRY_COMPARE(window.sessions().size(), 1);
    ConsoleSessionWidget *session = window.currentSession();
    QTRY_COMPARE(session->state(), ConsoleClient::State::Ready);
    QVERIFY(window.sessionTabs()->isVisible());
    const QString address = QStringLiteral("127.0.0.1:%1").arg(m_server.serverPort());
    QCOMPARE(window.sessionTabs()->tabText(0), address);
    QVERIFY(!window.sessionTabs()->tabIcon(0).isNull());
    QVERIFY(window.windowTitle().contains(address));
    auto *status = window.findChild<QLabel *>(QStringLiteral("windowStatusLabel"));
    QVERIFY(status);
    QVERIFY2(status->text().contains(address), qPrintable(status->text()));
    QCOMPARE(status->text(), session->statusText());
}

void TestMainWindow::closesSessionWithAction()
{
    MainWindow window(chatOptions());
    window.show();
    window.openSession(QStringLiteral("127.0.0.1"), m_server.serverPort());
    window.openSession(QStringLiteral("127.0.0.1"), m_server.serverPort(), ConsoleClient::Mode::Classic);
    QCOMPARE(window.sessionTabs()->count(), 2);
    QVERIFY(window.sessionTabs()->tabText(1).contains(QStringLiteral("classic")));

    auto *close = window.findChild<QAction *>(QStringLiteral("closeSessionAction"));
    QVERIFY(close->isEnabled());
    close->trigger();
    QCOMPARE(window.sessionTabs()->count(), 1);
    close->trigger();
    QCOMPARE(window.sessionTabs()->count(), 0);
    QVERIFY(window.findChild<QWidget *>(QStringLiteral("emptyState"))->isVisible());
    QVERIFY(!close->isEnabled());
    QCOMPARE(window.windowTitle(), QStringLiteral("Tincan"));
}

void TestMainWindow::enablesCancelOnlyWhileRunning()
{
    MainWindow window(chatOptions());
    window.show();
    ConsoleSessionWidget *session = window.openSession(QStringLiteral("127.0.0.1"), m_server.serverPort());
    QTRY_COMPARE(session->state(), ConsoleClient::State::Ready);
    auto *cancel = window.findChild<QAction *>(QStringLiteral("cancelCommandAction"));
    QVERIFY(!cancel->isEnabled());
    session->runCommand(QStringLiteral("sleep 30"));
    QVERIFY(cancel->isEnabled());
    cancel->trigger();
    QTRY_COMPARE(session->runningCommandCount(), 0);
    QVERIFY(!cancel->isEnabled());
    session->flushOutput();
    QVERIFY(session->terminal()->toPlainText().contains(QStringLiteral("[killed by signal 15 (SIGTERM)")));
}

// A console that wants a password; few iterations keep the test fast.
static std::unique_ptr<ConsoleServer> passwordServer(const QString &password)
{
    auto server = std::make_unique<ConsoleServer>();
    ConsoleServer::Options options;
    options.address = QHostAddress(QHostAddress::LocalHost);
    options.port = 0;
    options.password = *PasswordHash::create(password, PasswordHash::MinIterations);
    if (!server->listen(options))
        return nullptr;
    return server;
}

void TestMainWindow::asksForConsolePassword()
{
    const std::unique_ptr<ConsoleServer> server = passwordServer(QStringLiteral("s3cret"));
    QVERIFY(server);
    MainWindow window(chatOptions());
    window.show();
    ConsoleSessionWidget *session = window.openSession(QStringLiteral("127.0.0.1"), server->serverPort());
    // No password given: the server asks, and so does the window.
    QInputDialog *ask = nullptr;
    QTRY_VERIFY((ask = window.findChild<QInputDialog *>(QStringLiteral("passwordDialog"))) && ask->isVisible());
    QVERIFY(ask->labelText().contains(QStringLiteral("asks for its console password")));
    QCOMPARE(ask->textEchoMode(), QLineEdit::Password);
    ask->setTextValue(QStringLiteral("s3cret"));
    ask->accept();
    QTRY_COMPARE(session->state(), ConsoleClient::State::Ready);
    QVERIFY(session->client()->isAuthenticated());
    session->runCommand(QStringLiteral("echo logged-in"));
    QTRY_COMPARE(session->runningCommandCount(), 0);
    session->flushOutput();
    QVERIFY(session->terminal()->toPlainText().contains(QStringLiteral("logged-in")));
}

void TestMainWindow::asksWhetherToTrustServer_data()
{
    QTest::addColumn<bool>("changed");
    QTest::addColumn<bool>("trust");
    QTest::newRow("unknown, trusted") << false << true;
    QTest::newRow("unknown, cancelled") << false << false;
    QTest::newRow("changed, the new one trusted") << true << true;
    QTest::newRow("changed, cancelled") << true << false;
}

void TestMainWindow::asksWhetherToTrustServer()
{
    QFETCH(bool, changed);
    QFETCH(bool, trust);
    QTemporaryDir tlsDir;
    QVERIFY(tlsDir.isValid());
    QTemporaryDir otherDir;
    TlsIdentity other;
    QVERIFY(other.loadOrCreate(otherDir.path()));
    ConsoleServer server;
    ConsoleServer::Options options;
    options.address = QHostAddress(QHostAddress::LocalHost);
    options.port = 0;
    options.tls = ConsoleServer::TlsPolicy::RequiredForRemote;
    options.tlsDirectory = tlsDir.path();
    QVERIFY2(server.listen(options), qPrintable(server.errorString()));
    QFile::remove(MainWindow::knownHostsPath()); // nothing pinned from an earlier row
    if (changed) {
        QDir().mkpath(QFileInfo(MainWindow::knownHostsPath()).absolutePath());
        KnownHosts knownHosts(MainWindow::knownHostsPath());
        QVERIFY2(knownHosts.remember(QStringLiteral("127.0.0.1"), server.serverPort(), other.fingerprint()),
                 qPrintable(knownHosts.errorString()));
    }
    const auto pinned = [] {
        QFile pins(MainWindow::knownHostsPath());
        return pins.open(QIODevice::ReadOnly) ? pins.readAll() : QByteArray();
    };
    const QByteArray before = pinned();

    MainWindow window(chatOptions());
    window.show();
    ConsoleSessionWidget *session = window.openSession(QStringLiteral("127.0.0.1"), server.serverPort(),
                                                       ConsoleClient::Mode::Tincan, {}, ConsoleClient::TlsMode::On);
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = window.findChild<QMessageBox *>(QStringLiteral("serverIdentityDialog"))) && box->isVisible());
    if (changed) {
        QVERIFY(box->text().contains(QStringLiteral("has changed")));
        QVERIFY(box->informativeText().contains(other.fingerprint().toString()));
    } else {
        QVERIFY(box->text().contains(QStringLiteral("cannot be established")));
    }
    QVERIFY(box->informativeText().contains(server.tlsFingerprint().toString()));
    QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
    QCOMPARE(session->state(), ConsoleClient::State::Disconnected);
    if (trust) {
        auto *trustButton = box->findChild<QAbstractButton *>(QStringLiteral("trustNew"));
        QVERIFY(trustButton);
        trustButton->click();
        QTRY_COMPARE(session->state(), ConsoleClient::State::Ready);
        QVERIFY(session->client()->isEncrypted());
        QVERIFY(pinned().contains(server.tlsFingerprint().toString().toUtf8()));
        QVERIFY(!pinned().contains(other.fingerprint().toString().toUtf8()));
    } else {
        box->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY(!window.findChild<QMessageBox *>(QStringLiteral("serverIdentityDialog")));
        QTest::qWait(50);
        QCOMPARE(session->state(), ConsoleClient::State::Disconnected);
        QCOMPARE(pinned(), before); // nothing pinned, nothing forgotten
    }
}

void TestMainWindow::connectDialogPassword()
{
    const std::unique_ptr<ConsoleServer> server = passwordServer(QStringLiteral("s3cret"));
    QVERIFY(server);
    ConnectDialog dialog;
    auto *password = dialog.findChild<QLineEdit *>(QStringLiteral("password"));
    QVERIFY(password);
    QCOMPARE(password->echoMode(), QLineEdit::Password);
    password->setText(QStringLiteral("s3cret"));
    QCOMPARE(dialog.password(), QStringLiteral("s3cret"));
    // Classic clients cannot log in: no password for them.
    dialog.setMode(ConsoleClient::Mode::Classic);
    QVERIFY(!password->isEnabled());
    QCOMPARE(dialog.password(), QString());
    dialog.setMode(ConsoleClient::Mode::Tincan);
    // The password is never stored with the other values.
    dialog.saveSettings();
    QSettings settings;
    for (const QString &key : settings.allKeys())
        QVERIFY2(!settings.value(key).toString().contains(QStringLiteral("s3cret")), qPrintable(key));

    MainWindow window(chatOptions());
    window.show();
    ConsoleSessionWidget *session = window.openSession(QStringLiteral("127.0.0.1"), server->serverPort(),
                                                       ConsoleClient::Mode::Tincan, dialog.password());
    QTRY_COMPARE(session->state(), ConsoleClient::State::Ready);
    QVERIFY(session->client()->isAuthenticated());
    QVERIFY(!window.findChild<QInputDialog *>(QStringLiteral("passwordDialog")));
}

void TestMainWindow::connectDialogEncryption()
{
    ConnectDialog dialog;
    auto *encryption = dialog.findChild<QComboBox *>(QStringLiteral("encryption"));
    QVERIFY(encryption);
    QCOMPARE(encryption->count(), 3);
    QCOMPARE(dialog.tlsMode(), ConsoleClient::TlsMode::Auto);
    encryption->setCurrentIndex(encryption->findData(QVariant::fromValue(ConsoleClient::TlsMode::On)));
    QCOMPARE(dialog.tlsMode(), ConsoleClient::TlsMode::On);
    // The tutorial's protocol has no TLS.
    dialog.setMode(ConsoleClient::Mode::Classic);
    QVERIFY(!encryption->isEnabled());
    dialog.setMode(ConsoleClient::Mode::Tincan);
    QVERIFY(encryption->isEnabled());
    dialog.saveSettings();
    ConnectDialog again;
    QCOMPARE(again.tlsMode(), ConsoleClient::TlsMode::On);
    again.setTlsMode(ConsoleClient::TlsMode::Off);
    again.saveSettings();
    QCOMPARE(ConnectDialog().tlsMode(), ConsoleClient::TlsMode::Off);

    // "Always TLS" to a server with TLS off fails plainly; "None" to it works.
    MainWindow window(chatOptions());
    window.show();
    ConsoleSessionWidget *tls = window.openSession(QStringLiteral("127.0.0.1"), m_server.serverPort(),
                                                   ConsoleClient::Mode::Tincan, {}, ConsoleClient::TlsMode::On);
    QCOMPARE(tls->client()->tls(), ConsoleClient::TlsMode::On);
    QTRY_COMPARE(tls->state(), ConsoleClient::State::Disconnected);
    ConsoleSessionWidget *plain = window.openSession(QStringLiteral("127.0.0.1"), m_server.serverPort(),
                                                     ConsoleClient::Mode::Tincan, {}, ConsoleClient::TlsMode::Off);
    QTRY_COMPARE(plain->state(), ConsoleClient::State::Ready);
    QVERIFY(!plain->client()->isEncrypted());
}

static QMessageBox *visibleMessageBox(QWidget *parent)
{
    for (QMessageBox *box : parent->findChildren<QMessageBox *>()) {
        if (box->isVisible())
            return box;
    }
    return nullptr;
}

void TestMainWindow::asksBeforeClosingBusySession()
{
    MainWindow window(chatOptions());
    window.show();
    ConsoleSessionWidget *session = window.openSession(QStringLiteral("127.0.0.1"), m_server.serverPort());
    QTRY_COMPARE(session->state(), ConsoleClient::State::Ready);
    session->runCommand(QStringLiteral("sleep 30"));
    QTRY_COMPARE(m_server.runningCommandCount(), 1);

    window.closeCurrentSession();
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = visibleMessageBox(&window)));
    box->button(QMessageBox::Cancel)->click();
    QTRY_VERIFY(!visibleMessageBox(&window));
    QCOMPARE(window.sessionTabs()->count(), 1);
    QCOMPARE(session->runningCommandCount(), 1);

    window.closeCurrentSession();
    QTRY_VERIFY((box = visibleMessageBox(&window)));
    box->button(QMessageBox::Yes)->click();
    QCOMPARE(window.sessionTabs()->count(), 0);
    // The connection closes, so the server stops the command.
    QTRY_COMPARE(m_server.runningCommandCount(), 0);
}

void TestMainWindow::remembersGeometry()
{
    const QSize size(700, 500);
    {
        MainWindow window(chatOptions());
        window.show();
        window.resize(size);
        QTRY_COMPARE(window.size(), size);
        window.close();
    }
    MainWindow again(chatOptions());
    QCOMPARE(again.size(), size);
}

void TestMainWindow::validatesHost_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("valid");

    QTest::newRow("IPv4") << QStringLiteral("127.0.0.1") << true;
    QTest::newRow("IPv6") << QStringLiteral("::1") << true;
    QTest::newRow("bracketed IPv6") << QStringLiteral("[::1]") << true;
    QTest::newRow("name") << QStringLiteral("localhost") << true;
    QTest::newRow("dotted name") << QStringLiteral("console.example.org") << true;
    QTest::newRow("surrounding spaces") << QStringLiteral("  localhost ") << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("spaces only") << QStringLiteral("   ") << false;
    QTest::newRow("port in host") << QStringLiteral("localhost:8082") << false;
    QTest::newRow("inner space") << QStringLiteral("local host") << false;
    QTest::newRow("bad IPv4") << QStringLiteral("999.1.1.1") << false;
    QTest::newRow("leading hyphen") << QStringLiteral("-host") << false;
    QTest::newRow("empty label") << QStringLiteral("a..b") << false;
    QTest::newRow("scheme") << QStringLiteral("tcp://host") << false;
    QTest::newRow("too long") << QString(300, QLatin1Char('a')) << false;
}

void TestMainWindow::validatesHost()
{
    QFETCH(QString, host);
    QFETCH(bool, valid);

    ConnectDialog dialog;
    dialog.setHost(host);
    QCOMPARE(dialog.validationError().isEmpty(), valid);
    auto *buttons = dialog.findChild<QDialogButtonBox *>();
    QCOMPARE(buttons->button(QDialogButtonBox::Ok)->isEnabled(), valid);
    dialog.show();
    QCOMPARE(dialog.findChild<QLabel *>(QStringLiteral("error"))->isVisible(), !valid);
}

void TestMainWindow::remembersDialogValues()
{
    {
        ConnectDialog dialog;
        dialog.setHost(QStringLiteral("console.example.org"));
        dialog.setPort(9001);
        dialog.setMode(ConsoleClient::Mode::Classic);
        dialog.accept();
    }
    {
        ConnectDialog dialog;
        QCOMPARE(dialog.host(), QStringLiteral("console.example.org"));
        QCOMPARE(dialog.port(), quint16(9001));
        QCOMPARE(dialog.mode(), ConsoleClient::Mode::Classic);
        dialog.setHost(QStringLiteral("bad host"));
        dialog.accept(); // refused: nothing is stored
    }
    ConnectDialog dialog;
    QCOMPARE(dialog.host(), QStringLiteral("console.example.org"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
