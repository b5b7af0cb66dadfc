// The console over TLS, end to end over loopback: one port serving TLS,
// plaintext framed and classic clients; the client's pinning (pinned, unknown,
// trust on first use, changed identity, an identity accepted by the user);
// hostile handshakes (a fake ClientHello, a stalled one) refused while a good
// client is served; TLS required from other machines; a ClientHello reaching a
// server with TLS off is never run as a command.
#include "net/auth/passwordhash.h"
#include "net/console/consoleclient.h"
#include "net/console/consoleserver.h"
#include "net/tls/knownhosts.h"
#include "net/tls/tlsidentity.h"
#include "net/wire/consoleprotocol.h"
#include "nettesthelpers.h"

#include <QFile>
#include <QNetworkInterface>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Tincan;
using namespace Tincan::Console;
using namespace std::chrono_literals;
using Tincan::Test::RawConsoleClient;

namespace {

constexpr int CommandTimeoutMs = 15000;
const QString Password = QStringLiteral("tls and a password");
const QHostAddress Local(QHostAddress::LocalHost);

const PasswordHash &testHash()
{
    static const PasswordHash hash = *PasswordHash::create(Password, PasswordHash::MinIterations);
    return hash;
}

// What one command gave back through a ConsoleClient.
struct Result
{
    bool finished = false;
    QByteArray stdoutBytes;
    int exitCode = -1;
};

Result runOne(ConsoleClient &client, const QString &command)
{
    Result result;
    QObject context;
    quint64 id = 0;
    QObject::connect(&client, &ConsoleClient::outputReceived, &context,
                     [&](quint64 requestId, OutputStream stream, const QByteArray &data) {
                         if (requestId == id && stream == OutputStream::Stdout)
                             result.stdoutBytes += data;
                     });
    QObject::connect(&client, &ConsoleClient::commandFinished, &context, [&](quint64 requestId, ProcessExit exit) {
        if (requestId == id) {
            result.finished = true;
            result.exitCode = exit.exitCode;
        }
    });
    QSignalSpy failed(&client, &ConsoleClient::commandFailed);
    id = client.exec(command);
    [[maybe_unused]] const bool settled
        = QTest::qWaitFor([&] { return result.finished || !failed.isEmpty(); }, CommandTimeoutMs);
    return result;
}

// A first non-loopback IPv4 address of this machine, to stand for a client
// on another machine; null when there is none.
QHostAddress nonLoopbackAddress()
{
    for (const QHostAddress &address : QNetworkInterface::allAddresses())
        if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback() && !address.isLinkLocal())
            return address;
    return QHostAddress();
}

} // namespace

class TestConsoleTls : public QObject
{
    Q_OBJECT

    std::unique_ptr<ConsoleServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;

    QString tlsDir() const { return m_dir->filePath(QStringLiteral("tls")); }
    QString knownHostsPath() const { return m_dir->filePath(QStringLiteral("known_hosts")); }

    ConsoleServer::Options tlsOptions(ConsoleServer::TlsPolicy tls = ConsoleServer::TlsPolicy::RequiredForRemote)
    {
        ConsoleServer::Options options;
        options.port = 0;
        options.password = testHash();
        options.tls = tls;
        options.tlsDirectory = tlsDir();
        return options;
    }

    bool startServer(const ConsoleServer::Options &options)
    {
        m_server = std::make_unique<ConsoleServer>();
        if (!m_server->listen(options)) {
            qWarning() << m_server->errorString();
            return false;
        }
        return true;
    }

    quint16 port() const { return m_server->serverPort(); }

    std::unique_ptr<ConsoleClient> tlsClient(ConsoleClient::UnknownServerPolicy unknown
                                             = ConsoleClient::UnknownServerPolicy::Refuse)
    {
        auto client = std::make_unique<ConsoleClient>();
        client->setPassword(Password);
        client->setTls(ConsoleClient::TlsMode::On);
        client->setKnownHostsPath(knownHostsPath());
        client->setUnknownServerPolicy(unknown);
        return client;
    }

    // Connects and waits for ready or an error; true when ready.
    static bool connectAndWait(ConsoleClient &client, const QString &host, quint16 port,
                               ConsoleClient::Mode mode = ConsoleClient::Mode::Tincan)
    {
        QSignalSpy ready(&client, &ConsoleClient::ready);
        QSignalSpy error(&client, &ConsoleClient::errorOccurred);
        client.connectToServer(host, port, mode);
        if (!QTest::qWaitFor([&] { return !ready.isEmpty() || !error.isEmpty(); }, CommandTimeoutMs))
            return false;
        return !ready.isEmpty();
    }

    bool goodTlsClientServed()
    {
        auto client = tlsClient();
        if (!connectAndWait(*client, QStringLiteral("127.0.0.1"), port()) || !client->isEncrypted())
            return false;
        const Result result = runOne(*client, QStringLiteral("echo served"));
        return result.finished && result.stdoutBytes == "served\n";
    }

    void pin(const TlsFingerprint &fingerprint)
    {
        KnownHosts knownHosts(knownHostsPath());
        QVERIFY2(knownHosts.remember(QStringLiteral("127.0.0.1"), port(), fingerprint),
                 qPrintable(knownHosts.errorString()));
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }
    void cleanup()
    {
        m_server.reset();
        m_dir.reset();
    }

    void policyResolution_data()
    {
        QTest::addColumn<ConsoleServer::TlsPolicy>("policy");
        QTest::addColumn<bool>("password");
        QTest::addColumn<ConsoleServer::TlsPolicy>("expected");
        using P = ConsoleServer::TlsPolicy;
        QTest::newRow("auto, no password") << P::Auto << false << P::Off;
        QTest::newRow("auto, password") << P::Auto << true << P::RequiredForRemote;
        QTest::newRow("off, password") << P::Off << true << P::Off;
        QTest::newRow("optional") << P::Optional << false << P::Optional;
        QTest::newRow("required") << P::RequiredForRemote << false << P::RequiredForRemote;
    }
    void policyResolution()
    {
        QFETCH(ConsoleServer::TlsPolicy, policy);
        QFETCH(bool, password);
        QFETCH(ConsoleServer::TlsPolicy, expected);
        QCOMPARE(ConsoleServer::resolvedTlsPolicy(policy, password), expected);
    }

    void clientTlsModes_data()
    {
        QTest::addColumn<ConsoleClient::TlsMode>("mode");
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("tls");
        using M = ConsoleClient::TlsMode;
        QTest::newRow("auto loopback v4") << M::Auto << QStringLiteral("127.0.0.1") << false;
        QTest::newRow("auto loopback v6") << M::Auto << QStringLiteral("::1") << false;
        QTest::newRow("auto loopback bracketed") << M::Auto << QStringLiteral("[::1]") << false;
        QTest::newRow("auto localhost") << M::Auto << QStringLiteral("LocalHost") << false;
        QTest::newRow("auto remote address") << M::Auto << QStringLiteral("192.0.2.7") << true;
        QTest::newRow("auto remote name") << M::Auto << QStringLiteral("example.org") << true;
        QTest::newRow("on loopback") << M::On << QStringLiteral("127.0.0.1") << true;
        QTest::newRow("off remote") << M::Off << QStringLiteral("192.0.2.7") << false;
    }
    void clientTlsModes()
    {
        QFETCH(ConsoleClient::TlsMode, mode);
        QFETCH(QString, host);
        QFETCH(bool, tls);
        QCOMPARE(ConsoleClient::usesTls(mode, host), tls);
    }

    void listenMakesIdentity()
    {
        QVERIFY(startServer(tlsOptions()));
        QVERIFY(m_server->isTlsEnabled());
        QVERIFY(!m_server->tlsFingerprint().isNull());
        TlsIdentity identity;
        QVERIFY(identity.load(tlsDir()));
        QCOMPARE(m_server->tlsFingerprint(), identity.fingerprint());
    }

    void listenFailsWithoutIdentityWhenRequired()
    {
        // A file where the directory should be: no identity can be made.
        QFile blocker(tlsDir());
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        m_server = std::make_unique<ConsoleServer>();
        QVERIFY(!m_server->listen(tlsOptions()));
        QVERIFY(m_server->errorString().contains(QStringLiteral("TLS")));
        QVERIFY(!m_server->isListening());
        // Optional TLS goes on without it, and says so.
        m_server = std::make_unique<ConsoleServer>();
        QVERIFY(m_server->listen(tlsOptions(ConsoleServer::TlsPolicy::Optional)));
        QVERIFY(!m_server->isTlsEnabled());
        QVERIFY(m_server->tlsFingerprint().isNull());
        QVERIFY(!m_server->tlsNotes().isEmpty());
    }

    void trustOnFirstUseThenPinned()
    {
        QVERIFY(startServer(tlsOptions()));
        QSignalSpy serverConnected(m_server.get(), &ConsoleServer::clientConnected);
        auto client = tlsClient(ConsoleClient::UnknownServerPolicy::TrustOnFirstUse);
        QSignalSpy pinned(client.get(), &ConsoleClient::serverIdentityPinned);
        QVERIFY2(connectAndWait(*client, QStringLiteral("127.0.0.1"), port()), qPrintable(client->errorString()));
        QVERIFY(client->isEncrypted());
        QVERIFY(client->isAuthenticated());
        QCOMPARE(client->serverFingerprint(), m_server->tlsFingerprint());
        QCOMPARE(pinned.count(), 1);
        QCOMPARE(pinned.at(0).at(0).value<TlsFingerprint>(), m_server->tlsFingerprint());
        QVERIFY(pinned.at(0).at(1).toBool());
        const Result result = runOne(*client, QStringLiteral("echo over tls"));
        QVERIFY(result.finished);
        QCOMPARE(result.stdoutBytes, QByteArray("over tls\n"));
        QCOMPARE(result.exitCode, 0);
        const QList<ClientInfo> clients = m_server->clients();
        QCOMPARE(clients.size(), 1);
        QVERIFY(clients.first().encrypted);

        // Remembered in the file: a second client that refuses unknown servers connects.
        KnownHosts knownHosts(knownHostsPath());
        QVERIFY(knownHosts.load());
        QCOMPARE(knownHosts.lookup(QStringLiteral("127.0.0.1"), port(), m_server->tlsFingerprint()).status,
                 KnownHostsList::Status::Match);
        auto second = tlsClient();
        QSignalSpy secondPinned(second.get(), &ConsoleClient::serverIdentityPinned);
        QVERIFY2(connectAndWait(*second, QStringLiteral("127.0.0.1"), port()), qPrintable(second->errorString()));
        QCOMPARE(secondPinned.count(), 0);
        QCOMPARE(runOne(*second, QStringLiteral("echo again")).stdoutBytes, QByteArray("again\n"));
    }

    void unknownServerRefused()
    {
        QVERIFY(startServer(tlsOptions()));
        QSignalSpy commandStarted(m_server.get(), &ConsoleServer::commandStarted);
        auto client = tlsClient();
        QVERIFY(!connectAndWait(*client, QStringLiteral("127.0.0.1"), port()));
        QCOMPARE(client->errorKind(), ConsoleClient::ErrorKind::UnknownServer);
        QCOMPARE(client->serverFingerprint(), m_server->tlsFingerprint());
        QVERIFY(client->errorString().contains(m_server->tlsFingerprint().toString()));
        QVERIFY(!client->isAuthenticated());
        QVERIFY(!QFile::exists(knownHostsPath())); // nothing remembered
        QCOMPARE(commandStarted.count(), 0);

        // The user accepts the fingerprint shown (a GUI's dialog): the reconnect works.
        QVERIFY(client->acceptServerIdentity(client->serverFingerprint()));
        QVERIFY2(connectAndWait(*client, QStringLiteral("127.0.0.1"), port()), qPrintable(client->errorString()));
        QVERIFY(client->isEncrypted());
        QCOMPARE(runOne(*client, QStringLiteral("echo accepted")).stdoutBytes, QByteArray("accepted\n"));
    }

    void acceptedIdentityInMemory()
    {
        // Without a known-hosts file the pin lives as long as the client.
        QVERIFY(startServer(tlsOptions()));
        ConsoleClient client;
        client.setPassword(Password);
        client.setTls(ConsoleClient::TlsMode::On);
        QVERIFY(!connectAndWait(client, QStringLiteral("127.0.0.1"), port()));
        QCOMPARE(client.errorKind(), ConsoleClient::ErrorKind::UnknownServer);
        QVERIFY(client.acceptServerIdentity(client.serverFingerprint()));
        QVERIFY2(connectAndWait(client, QStringLiteral("127.0.0.1"), port()), qPrintable(client.errorString()));
        QVERIFY(client.isEncrypted());
    }

    void changedIdentityRefused()
    {
        // A pin of another identity, after a comment line.
        QTemporaryDir otherDir;
        TlsIdentity other;
        QVERIFY(other.loadOrCreate(otherDir.path()));
        QVERIFY(startServer(tlsOptions()));
        QVERIFY(other.fingerprint() != m_server->tlsFingerprint());
        {
            QFile file(knownHostsPath());
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("# pins\n");
            file.close();
            QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
        }
        pin(other.fingerprint());
        const QByteArray before = [this] {
            QFile file(knownHostsPath());
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        }();
        QSignalSpy authenticated(m_server.get(), &ConsoleServer::authenticationSucceeded);
        // Not even trust on first use accepts a changed identity.
        auto client = tlsClient(ConsoleClient::UnknownServerPolicy::TrustOnFirstUse);
        QVERIFY(!connectAndWait(*client, QStringLiteral("127.0.0.1"), port()));
        QCOMPARE(client->errorKind(), ConsoleClient::ErrorKind::ServerIdentityChanged);
        QCOMPARE(client->expectedFingerprint(), other.fingerprint());
        QCOMPARE(client->serverFingerprint(), m_server->tlsFingerprint());
        QCOMPARE(client->knownHostsLine(), 2);
        QVERIFY(client->errorString().contains(other.fingerprint().toString()));
        QVERIFY(client->errorString().contains(m_server->tlsFingerprint().toString()));
        QCOMPARE(authenticated.count(), 0); // the password never went to it
        QFile file(knownHostsPath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), before);
    }

    void plaintextAndClassicOnTheSamePort()
    {
        QVERIFY(startServer(tlsOptions()));
        // TLS, plaintext Tincan and classic, all at once on one port.
        pin(m_server->tlsFingerprint());
        auto tls = tlsClient();
        QVERIFY2(connectAndWait(*tls, QStringLiteral("127.0.0.1"), port()), qPrintable(tls->errorString()));
        ConsoleClient plain;
        plain.setPassword(Password);
        plain.setTls(ConsoleClient::TlsMode::Auto); // loopback: plaintext
        QVERIFY2(connectAndWait(plain, QStringLiteral("127.0.0.1"), port()), qPrintable(plain.errorString()));
        QVERIFY(!plain.isEncrypted());
        ConsoleClient classic;
        classic.setTls(ConsoleClient::TlsMode::On); // classic never uses TLS
        QVERIFY(connectAndWait(classic, QStringLiteral("127.0.0.1"), port(), ConsoleClient::Mode::Classic));
        QCOMPARE(runOne(plain, QStringLiteral("echo plain")).stdoutBytes, QByteArray("plain\n"));
        QCOMPARE(runOne(classic, QStringLiteral("echo classic")).stdoutBytes, QByteArray("classic\n"));
        QCOMPARE(runOne(*tls, QStringLiteral("echo tls")).stdoutBytes, QByteArray("tls\n"));
        int encrypted = 0;
        for (const ClientInfo &info : m_server->clients())
            encrypted += info.encrypted ? 1 : 0;
        QCOMPARE(m_server->clients().size(), 3);
        QCOMPARE(encrypted, 1);
    }

    void silentLoopbackClientStillServedClassic()
    {
        // A classic client that connects and waits for its user is not cut
        // by TLS detection: it becomes a client, and is served when it types.
        ConsoleServer::Options options = tlsOptions();
        options.loginGraceTime = 300ms;
        QVERIFY(startServer(options));
        QSignalSpy connected(m_server.get(), &ConsoleServer::clientConnected);
        RawConsoleClient silent(port());
        QTRY_COMPARE(connected.count(), 1);
        QTest::qWait(int(options.loginGraceTime.count()) * 2); // well past the grace
        QVERIFY(!silent.isDisconnected());
        silent.write("echo typed");
        QTRY_VERIFY_WITH_TIMEOUT(!silent.frames().isEmpty(), CommandTimeoutMs);
        QCOMPARE(silent.frames().first().payload, QByteArray("typed\n"));
    }

    void hostileHandshakes_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        // A handshake record header, then junk that is no ClientHello.
        QTest::newRow("fake ClientHello")
            << QByteArray("\x16\x03\x01\x00\x20", 5) + QByteArray(32, 'x') << QStringLiteral("failed");
        // A record that announces 512 bytes and sends 5: the server waits for the rest.
        QTest::newRow("stalled handshake")
            << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03", 10) << QStringLiteral("did not finish");
        QTest::newRow("just the first byte") << QByteArray("\x16", 1) << QStringLiteral("did not finish");
    }
    void hostileHandshakes()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        ConsoleServer::Options options = tlsOptions();
        options.loginGraceTime = 700ms;
        QVERIFY(startServer(options));
        pin(m_server->tlsFingerprint());
        QSignalSpy refused(m_server.get(), &ConsoleServer::connectionRefused);
        QSignalSpy connected(m_server.get(), &ConsoleServer::clientConnected);
        RawConsoleClient hostile(port());
        hostile.write(bytes);
        // A good client is served while the hostile one is pending.
        QVERIFY(goodTlsClientServed());
        QVERIFY(hostile.waitForDisconnected(10s));
        QTRY_COMPARE(refused.count(), 1);
        QCOMPARE(refused.at(0).at(0).toULongLong(), quint64(0)); // never became a client
        QVERIFY2(refused.at(0).at(3).toString().contains(reason), qPrintable(refused.at(0).at(3).toString()));
        QCOMPARE(connected.count(), 1);               // the good client only
        QTRY_COMPARE(m_server->connectionCount(), 0); // the good client has gone
        QTRY_COMPARE(m_server->pendingConnectionCount(), 0);
        QVERIFY(m_server->isListening());
        QVERIFY(goodTlsClientServed());
    }

    void classifyFirstBytes_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("kind");
        using Kind = ConsoleServer::FirstBytes;
        QTest::newRow("nothing yet") << QByteArray() << int(Kind::Undecided);
        QTest::newRow("handshake byte alone") << QByteArray("\x16", 1) << int(Kind::Undecided);
        QTest::newRow("16 03") << QByteArray("\x16\x03", 2) << int(Kind::Undecided);
        for (char minor : {'\x01', '\x02', '\x03', '\x04'})
            QTest::addRow("TLS record version 03 %02x", minor) << QByteArray("\x16\x03", 2) + minor << int(Kind::Tls);
        // A frame whose header is 790 bytes long: 16 03 00 00.
        QTest::newRow("frame of a 790-byte header") << QByteArray("\x16\x03\x00", 3) << int(Kind::Plaintext);
        QTest::newRow("frame of a 22-byte header") << QByteArray("\x16\x00\x00", 3) << int(Kind::Plaintext);
        QTest::newRow("16 then not 03") << QByteArray("\x16\x04", 2) << int(Kind::Plaintext);
        QTest::newRow("record version 03 05") << QByteArray("\x16\x03\x05", 3) << int(Kind::Plaintext);
        QTest::newRow("classic command") << QByteArray("ls") << int(Kind::Plaintext);
        QTest::newRow("hello frame") << QByteArray("\x45\x00\x00\x00{", 5) << int(Kind::Plaintext);
    }
    void classifyFirstBytes()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, kind);
        QCOMPARE(int(ConsoleServer::classifyFirstBytes(bytes)), kind);
    }

    void frameThatStartsLikeTlsIsServed_data()
    {
        QTest::addColumn<bool>("inPieces");
        QTest::newRow("at once") << false;
        QTest::newRow("a byte at a time") << true;
    }
    void frameThatStartsLikeTlsIsServed()
    {
        // A plaintext client whose hello header is 790 bytes long starts
        // 16 03 00 00, like a handshake record at first sight: it is served
        // in plaintext, from loopback, with TLS on.
        QFETCH(bool, inPieces);
        QVERIFY(startServer(tlsOptions()));
        QVERIFY(m_server->isTlsEnabled());
        pin(m_server->tlsFingerprint());
        QJsonObject hello{{Key::Type, Type::Hello}, {Key::Version, Console::ProtocolVersion}};
        const qsizetype bare = encodeFrame(hello).size() - 4;
        hello.insert(Key::Software, QString(790 - bare - int(QByteArrayView(",\"software\":\"\"").size()), u'x'));
        const QByteArray frame = encodeFrame(hello);
        QCOMPARE(frame.left(4), QByteArray("\x16\x03\x00\x00", 4));
        RawConsoleClient client(port());
        if (inPieces) {
            for (char byte : frame.left(3)) {
                client.write(QByteArray(1, byte));
                QTest::qWait(30);
            }
            client.write(frame.mid(3));
        } else {
            client.write(frame);
        }
        // Served in plaintext: asked to log in (not refused by a handshake).
        QVERIFY(client.waitFor(Type::AuthChallenge));
        QVERIFY(!client.isDisconnected());
        QVERIFY(goodTlsClientServed());
    }

    void clientHelloToServerWithoutTls()
    {
        // TLS off: a ClientHello is refused, never run as a classic command.
        ConsoleServer::Options options;
        options.port = 0;
        options.tls = ConsoleServer::TlsPolicy::Off;
        QVERIFY(startServer(options));
        QVERIFY(m_server->tlsFingerprint().isNull());
        QSignalSpy refused(m_server.get(), &ConsoleServer::connectionRefused);
        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        auto client = tlsClient(ConsoleClient::UnknownServerPolicy::TrustOnFirstUse);
        QVERIFY(!connectAndWait(*client, QStringLiteral("127.0.0.1"), port()));
        QCOMPARE(client->errorKind(), ConsoleClient::ErrorKind::TlsFailed);
        QTRY_COMPARE(refused.count(), 1);
        QCOMPARE(started.count(), 0);
    }

    void tlsRequiredFromOtherMachines()
    {
        const QHostAddress address = nonLoopbackAddress();
        if (address.isNull())
            QSKIP("This machine has no non-loopback IPv4 address to stand for another machine.");
        ConsoleServer::Options options = tlsOptions();
        options.address = address;
        QVERIFY(startServer(options));
        QSignalSpy refused(m_server.get(), &ConsoleServer::connectionRefused);
        // Plaintext from a non-loopback address: tls_required, before any login.
        RawConsoleClient plain(port(), address);
        plain.sendHello();
        QVERIFY(plain.waitForDisconnected(10s));
        const std::optional<Frame> error = plain.find(Type::Error);
        QVERIFY(error);
        QCOMPARE(error->header.value(Key::Code).toString(), QString(ErrorCode::TlsRequired));
        QVERIFY(!plain.find(Type::AuthChallenge));
        QCOMPARE(refused.count(), 1);
        // ConsoleClient says what to do.
        ConsoleClient plainClient;
        plainClient.setPassword(Password);
        plainClient.setTls(ConsoleClient::TlsMode::Off);
        QVERIFY(!connectAndWait(plainClient, address.toString(), port()));
        QCOMPARE(plainClient.errorKind(), ConsoleClient::ErrorKind::Refused);
        QVERIFY(plainClient.errorString().contains(QStringLiteral("TLS")));
        // Over TLS (auto: the address is not loopback) it is served.
        auto tls = tlsClient(ConsoleClient::UnknownServerPolicy::TrustOnFirstUse);
        tls->setTls(ConsoleClient::TlsMode::Auto);
        QVERIFY2(connectAndWait(*tls, address.toString(), port()), qPrintable(tls->errorString()));
        QVERIFY(tls->isEncrypted());
        QCOMPARE(runOne(*tls, QStringLiteral("echo remote")).stdoutBytes, QByteArray("remote\n"));
    }

    void shutdownWithPendingConnections()
    {
        QVERIFY(startServer(tlsOptions()));
        QSignalSpy finished(m_server.get(), &ConsoleServer::shutdownFinished);
        RawConsoleClient stalled(port());
        stalled.write(QByteArray("\x16", 1));
        QTRY_COMPARE(m_server->pendingConnectionCount(), 1);
        QCOMPARE(m_server->connectionCount(), 0);
        m_server->shutdown();
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(stalled.waitForDisconnected(10s));
        QCOMPARE(m_server->pendingConnectionCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestConsoleTls)
#include "tst_consoletls.moc"
