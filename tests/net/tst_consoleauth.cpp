// The console's login and connection policy over loopback: the password
// challenge-response (right, wrong, missing, replayed, malformed), requests
// before the login, the login grace time, per-address penalties, connection
// caps, pre-login size limits, classic clients, the idle timeout, hostile
// servers seen from ConsoleClient, and that no path leaves a command's
// processes alive. Every hostile case ends by serving a good client.
//
// 127.0.0.2 stands for a second host: Linux routes all of 127.0.0.0/8 to
// loopback, so a socket bound to it reaches the server from another address.
#include "net/auth/consoleauth.h"
#include "net/auth/passwordhash.h"
#include "net/auth/sourcepenalties.h"
#include "net/console/consoleclient.h"
#include "net/console/consoleserver.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/frame.h"
#include "nettesthelpers.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Tincan;
using namespace Tincan::Console;
using namespace std::chrono_literals;
using Tincan::Test::RawConsoleClient;
using Tincan::Test::rawFrame;

namespace {

constexpr int CommandTimeoutMs = 10000;
const QString Password = QStringLiteral("s3cret horse, battery");
const QHostAddress Local(QHostAddress::LocalHost);
const QHostAddress OtherHost(QStringLiteral("127.0.0.2"));

// Tests log in many times: the smallest iteration count keeps each login fast.
const PasswordHash &testHash()
{
    static const PasswordHash hash = *PasswordHash::create(Password, PasswordHash::MinIterations);
    return hash;
}

ConsoleServer::Options passwordOptions()
{
    // With a password, TLS is on for other machines: its identity goes to a
    // directory of the test's own, never the user's.
    static QTemporaryDir tlsDirectory;
    ConsoleServer::Options options;
    options.password = testHash();
    options.tlsDirectory = tlsDirectory.path();
    return options;
}

// What a login sent and got back.
struct Login
{
    std::optional<Frame> challenge;
    QJsonObject auth; // the auth message as sent
    QByteArray clientNonce;
    QByteArray key;
    std::optional<Frame> reply; // welcome or error
};

// The auth message a client that knows `password` sends for `challenge`.
QJsonObject authFor(const Frame &challenge, const QString &password, QByteArray *clientNonce = nullptr,
                    QByteArray *key = nullptr)
{
    const QByteArray serverNonce = QByteArray::fromBase64(challenge.header.value(Key::Nonce).toString().toLatin1());
    const QByteArray salt = QByteArray::fromBase64(challenge.header.value(Key::Salt).toString().toLatin1());
    const int iterations = int(jsonInteger(challenge.header, Key::Iterations).value_or(0));
    const QByteArray derived = PasswordHash::deriveKey(password, salt, iterations);
    const QByteArray nonce = ConsoleAuth::randomNonce();
    if (clientNonce)
        *clientNonce = nonce;
    if (key)
        *key = derived;
    return {{Key::Type, Type::Auth},
            {Key::Mechanism, ConsoleAuth::Mechanism},
            {Key::Nonce, QString::fromLatin1(nonce.toBase64())},
            {Key::Proof, QString::fromLatin1(ConsoleAuth::clientProof(derived, serverNonce, nonce).toBase64())}};
}

// Waits for the first frame of any of the types, or the close.
std::optional<Frame> waitForAny(RawConsoleClient &client, std::initializer_list<QLatin1StringView> types)
{
    std::optional<Frame> found;
    const auto look = [&] {
        for (const Frame &frame : client.frames())
            for (QLatin1StringView type : types)
                if (Test::typeOf(frame) == type) {
                    found = frame;
                    return true;
                }
        return client.isDisconnected();
    };
    [[maybe_unused]] const bool done = Test::spinUntil(look, std::chrono::milliseconds(CommandTimeoutMs));
    look();
    return found;
}

// hello, challenge, auth with `password`: the whole login of a client.
Login login(RawConsoleClient &client, const QString &password)
{
    Login result;
    client.sendHello();
    result.challenge = client.waitFor(Type::AuthChallenge);
    if (!result.challenge)
        return result;
    result.auth = authFor(*result.challenge, password, &result.clientNonce, &result.key);
    client.sendFrame(result.auth);
    result.reply = waitForAny(client, {Type::Welcome, Type::Error});
    return result;
}

bool isWelcome(const std::optional<Frame> &frame)
{
    return frame && Test::typeOf(*frame) == Type::Welcome;
}

QString errorCode(const std::optional<Frame> &frame)
{
    return frame && Test::typeOf(*frame) == Type::Error ? frame->header.value(Key::Code).toString() : QString();
}

// Runs one command on a logged-in client and checks it ran normally.
bool runsNormally(RawConsoleClient &client, const QJsonValue &id)
{
    client.sendExec(id, QStringLiteral("echo alive"));
    const std::optional<Frame> exit = client.waitFor(Type::Exit, id, std::chrono::milliseconds(CommandTimeoutMs));
    return exit && jsonInteger(exit->header, Key::ExitCode) == 0 && client.output(id, StreamName::Stdout) == "alive\n";
}

// ---- processes ---------------------------------------------------------------

// Parent pid from /proc/<pid>/stat, or 0.
qint64 parentOf(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray line = file.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() : 0;
}

QList<qint64> allPids()
{
    QList<qint64> pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (numeric)
            pids.append(pid);
    }
    return pids;
}

bool isAlive(qint64 pid)
{
    const std::optional<Test::ProcStat> stat = Test::readProcStat(pid);
    return stat && stat->state != 'Z' && stat->state != 'X';
}

// Living processes whose command line holds `marker`, wherever they are in
// the process tree (a process that left the command's group is found too).
QList<qint64> livingWithMarker(const QByteArray &marker)
{
    QList<qint64> found;
    for (qint64 pid : allPids()) {
        QFile file(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(marker) && isAlive(pid))
            found.append(pid);
    }
    return found;
}

// Living descendants of `root` (children, grandchildren, ...).
QList<qint64> livingDescendants(qint64 root)
{
    QList<qint64> result{root};
    const QList<qint64> pids = allPids();
    for (qsizetype i = 0; i < result.size(); ++i)
        for (qint64 pid : pids)
            if (parentOf(pid) == result.at(i) && !result.contains(pid))
                result.append(pid);
    result.removeFirst();
    result.removeIf([](qint64 pid) { return !isAlive(pid); });
    return result;
}

// A command that leaves two background sleeps behind a waiting shell, all
// marked with a number no other test uses.
QString sleepersCommand(const QByteArray &marker)
{
    return QStringLiteral("sh -c 'sleep %1 & sleep %1 & wait'").arg(QString::fromLatin1(marker));
}

// ---- a scripted server, to see ConsoleClient against hostile answers ---------

class ScriptedServer
{
public:
    // `reply` gets each frame the client sends and returns the bytes to answer.
    explicit ScriptedServer(std::function<QByteArray(const Frame &)> reply)
        : m_reply(std::move(reply))
    {
        m_server.listen(QHostAddress::LocalHost);
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            QTcpSocket *socket = m_server.nextPendingConnection();
            auto decoder = std::make_shared<FrameDecoder>();
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, decoder] {
                decoder->feed(socket->readAll());
                while (decoder->status() == FrameDecoder::Status::FrameReady) {
                    const Frame frame = decoder->takeFrame();
                    received.append(frame);
                    socket->write(m_reply(frame));
                }
            });
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    QList<Frame> received;

private:
    QTcpServer m_server;
    std::function<QByteArray(const Frame &)> m_reply;
};

} // namespace

class TestConsoleAuth : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ConsoleServer> m_server;

    quint16 port() const { return m_server->serverPort(); }

    bool startServer(ConsoleServer::Options options = passwordOptions())
    {
        m_server = std::make_unique<ConsoleServer>();
        options.port = 0;
        if (!m_server->listen(options)) {
            qWarning("listen failed: %s", qPrintable(m_server->errorString()));
            return false;
        }
        return true;
    }

    // A client from `source` that logs in with the right password and runs a
    // command: the proof that the server still serves.
    bool goodClientServed(const QHostAddress &source = OtherHost)
    {
        RawConsoleClient client(port(), Local, Limits::MaxClassicReplyPayload, source);
        return isWelcome(login(client, Password).reply) && runsNormally(client, 1);
    }

private Q_SLOTS:
    void cleanup() { m_server.reset(); }

    // ---- the login -------------------------------------------------------------

    void rightPasswordOnTheWire()
    {
        QVERIFY(startServer());
        QSignalSpy succeeded(m_server.get(), &ConsoleServer::authenticationSucceeded);
        QSignalSpy failed(m_server.get(), &ConsoleServer::authenticationFailed);
        RawConsoleClient client(port());
        const Login result = login(client, Password);
        QVERIFY(result.challenge);
        const QJsonObject &challenge = result.challenge->header;
        QCOMPARE(challenge.value(Key::Mechanism).toString(), ConsoleAuth::Mechanism);
        const QByteArray serverNonce = QByteArray::fromBase64(challenge.value(Key::Nonce).toString().toLatin1());
        QCOMPARE(serverNonce.size(), ConsoleAuth::NonceSize);
        QCOMPARE(QByteArray::fromBase64(challenge.value(Key::Salt).toString().toLatin1()), testHash().salt());
        QCOMPARE(jsonInteger(challenge, Key::Iterations), std::optional<qint64>(testHash().iterations()));
        QCOMPARE(result.challenge->payload, QByteArray());
        // The challenge carries the salt, never the key.
        QVERIFY(!challenge.contains(Key::Hash));
        for (const QString &key : challenge.keys())
            QVERIFY(challenge.value(key).toString() != QString::fromLatin1(testHash().key().toBase64()));

        QVERIFY(isWelcome(result.reply));
        QCOMPARE(jsonInteger(result.reply->header, Key::Version), std::optional<qint64>(ProtocolVersion));
        // The welcome proves the server holds the key.
        QCOMPARE(QByteArray::fromBase64(result.reply->header.value(Key::Proof).toString().toLatin1()),
                 ConsoleAuth::serverProof(result.key, serverNonce, result.clientNonce));
        QCOMPARE(succeeded.count(), 1);
        QCOMPARE(failed.count(), 0);
        QVERIFY(runsNormally(client, 1));
    }

    void rightPasswordWithConsoleClient()
    {
        QVERIFY(startServer());
        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        ConsoleClient client;
        client.setPassword(Password);
        QSignalSpy ready(&client, &ConsoleClient::ready);
        QSignalSpy finished(&client, &ConsoleClient::commandFinished);
        QSignalSpy output(&client, &ConsoleClient::outputReceived);
        client.connectToServer(QStringLiteral("127.0.0.1"), port());
        // Given before the login: sent after it.
        client.exec(QStringLiteral("echo logged-in"));
        QTRY_COMPARE(ready.count(), 1);
        QVERIFY(client.isAuthenticated());
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(output.count(), 1);
        QCOMPARE(output.at(0).at(2).toByteArray(), QByteArray("logged-in\n"));
        QCOMPARE(client.errorKind(), ConsoleClient::ErrorKind::None);
        QCOMPARE(started.count(), 1);
    }

    void passwordIsNeverSent()
    {
        QVERIFY(startServer());
        m_server->setTrafficObserved(true);
        QByteArray fromClients;
        connect(m_server.get(), &ConsoleServer::trafficObserved, this,
                [&](quint64, TrafficDirection direction, const QByteArray &bytes) {
                    if (direction == TrafficDirection::In)
                        fromClients += bytes;
                });
        ConsoleClient right;
        right.setPassword(Password);
        QSignalSpy ready(&right, &ConsoleClient::ready);
        right.connectToServer(QStringLiteral("127.0.0.1"), port());
        QTRY_COMPARE(ready.count(), 1);
        ConsoleClient wrong;
        wrong.setPassword(Password + QStringLiteral("-wrong"));
        QSignalSpy wrongDisconnected(&wrong, &ConsoleClient::disconnected);
        wrong.connectToServer(QStringLiteral("127.0.0.1"), port());
        QTRY_COMPARE(wrongDisconnected.count(), 1);
        QVERIFY(fromClients.contains("\"auth\""));
        QVERIFY(!fromClients.contains(Password.toUtf8()));
        QVERIFY(!fromClients.contains(Password.toUtf8().toBase64()));
        QVERIFY(!fromClients.contains(testHash().key().toBase64()));
    }

    void wrongPassword()
    {
        ConsoleServer::Options options = passwordOptions();
        options.penaltyBase = 1000ms;
        QVERIFY(startServer(options));
        QSignalSpy failed(m_server.get(), &ConsoleServer::authenticationFailed);
        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        ConsoleClient client;
        client.setPassword(QStringLiteral("guess"));
        QSignalSpy disconnected(&client, &ConsoleClient::disconnected);
        QSignalSpy commandFailed(&client, &ConsoleClient::commandFailed);
        client.connectToServer(QStringLiteral("127.0.0.1"), port());
        client.exec(QStringLiteral("echo must-not-run"));
        QTRY_COMPARE(disconnected.count(), 1);
        QCOMPARE(client.errorKind(), ConsoleClient::ErrorKind::WrongPassword);
        QVERIFY2(client.errorString().contains(QStringLiteral("Wrong password")), qPrintable(client.errorString()));
        QCOMPARE(client.retryAfter(), 1s);
        QVERIFY(!client.isAuthenticated());
        QCOMPARE(commandFailed.count(), 1);
        QCOMPARE(started.count(), 0);
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.at(0).at(1).value<QHostAddress>(), Local);
        QCOMPARE(failed.at(0).at(3).toLongLong(), 1000);
        QVERIFY(m_server->penaltyRemaining(Local) > 0ms);
        // Another address is not penalised; this one is, until its wait is over.
        QVERIFY(goodClientServed(OtherHost));
        QTRY_VERIFY(m_server->penaltyRemaining(Local) == 0ms);
        QVERIFY(goodClientServed(Local));
    }

    void passwordRequired()
    {
        QVERIFY(startServer());
        QSignalSpy failed(m_server.get(), &ConsoleServer::authenticationFailed);
        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        ConsoleClient client;
        QSignalSpy disconnected(&client, &ConsoleClient::disconnected);
        client.connectToServer(QStringLiteral("127.0.0.1"), port());
        client.exec(QStringLiteral("echo must-not-run"));
        QTRY_COMPARE(disconnected.count(), 1);
        QCOMPARE(client.errorKind(), ConsoleClient::ErrorKind::PasswordRequired);
        QVERIFY2(client.errorString().contains(QStringLiteral("requires a password")),
                 qPrintable(client.errorString()));
        // Leaving without answering tried no password: no penalty.
        QCOMPARE(failed.count(), 0);
        QCOMPARE(m_server->penaltyRemaining(Local), 0ms);
        QCOMPARE(started.count(), 0);
        QTRY_COMPARE(m_server->connectionCount(), 0);
        QVERIFY(goodClientServed(Local));
    }

    void serverWithoutPasswordIgnoresClientPassword()
    {
        QVERIFY(startServer(ConsoleServer::Options()));
        QVERIFY(!m_server->requiresPassword());
        ConsoleClient client;
        client.setPassword(Password);
        QSignalSpy finished(&client, &ConsoleClient::commandFinished);
        client.connectToServer(QStringLiteral("127.0.0.1"), port());
        client.exec(QStringLiteral("true"));
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(!client.isAuthenticated());
        // And the welcome carries no proof nor challenge.
        RawConsoleClient raw(port());
        QVERIFY(raw.greet());
        QVERIFY(!raw.find(Type::AuthChallenge));
        QVERIFY(!raw.find(Type::Welcome)->header.contains(Key::Proof));
    }

    void replayedAuthentication()
    {
        QVERIFY(startServer());
        QSignalSpy failed(m_server.get(), &ConsoleServer::authenticationFailed);
        // Connection A logs in; an eavesdropper keeps its auth message.
        RawConsoleClient first(port());
        const Login original = login(first, Password);
        QVERIFY(isWelcome(original.reply));

        // Connection B gets its own challenge, and the captured answer.
        RawConsoleClient replay(port());
        replay.sendHello();
        const std::optional<Frame> challenge = replay.waitFor(Type::AuthChallenge);
        QVERIFY(challenge);
        QVERIFY(challenge->header.value(Key::Nonce) != original.challenge->header.value(Key::Nonce));
        replay.sendFrame(original.auth);
        const std::optional<Frame> reply = waitForAny(replay, {Type::Welcome, Type::Error});
        QCOMPARE(errorCode(reply), QString(ErrorCode::AuthFailed));
        QVERIFY(replay.waitForDisconnected());
        QVERIFY(!replay.find(Type::Welcome));
        QCOMPARE(failed.count(), 1);

        // Replayed on the same connection after its login: not a login again.
        first.sendFrame(original.auth);
        QVERIFY(runsNormally(first, 7));
        QVERIFY(goodClientServed(OtherHost));
    }

    void secondAnswerOnOneConnection()
    {
        // One challenge, one answer: a wrong answer closes the connection, so
        // a second guess needs a new connection (and waits out the penalty).
        QVERIFY(startServer());
        RawConsoleClient client(port());
        client.sendHello();
        const std::optional<Frame> challenge = client.waitFor(Type::AuthChallenge);
        QVERIFY(challenge);
        client.sendFrame(authFor(*challenge, QStringLiteral("first guess")));
        client.sendFrame(authFor(*challenge, Password));
        QVERIFY(client.waitForDisconnected());
        QCOMPARE(client.count(Type::Error), 1);
        QVERIFY(!client.find(Type::Welcome));
        QVERIFY(goodClientServed(OtherHost));
    }

    void requestsBeforeLogin_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<bool>("afterHello");
        QTest::addColumn<QString>("code");
        const QString authRequired = ErrorCode::AuthRequired;
        const QString protocol = ErrorCode::Protocol;
        const QByteArray exec = encodeFrame(
            {{Key::Type, Type::Exec}, {Key::Id, 1}, {Key::Command, QStringLiteral("echo ran > /dev/null")}});
        QTest::newRow("exec instead of hello") << exec << false << protocol;
        QTest::newRow("exec after the challenge") << exec << true << authRequired;
        QTest::newRow("cancel after the challenge")
            << encodeFrame({{Key::Type, Type::Cancel}, {Key::Id, 1}}) << true << authRequired;
        QTest::newRow("ping after the challenge") << encodeFrame({{Key::Type, Type::Ping}}) << true << authRequired;
        QTest::newRow("hello again") << encodeFrame({{Key::Type, Type::Hello}, {Key::Version, 1}}) << true
                                     << authRequired;
        QTest::newRow("unknown type") << encodeFrame({{Key::Type, QStringLiteral("sudo")}}) << true << authRequired;
    }

    void requestsBeforeLogin()
    {
        QFETCH(QByteArray, request);
        QFETCH(bool, afterHello);
        QFETCH(QString, code);
        QVERIFY(startServer());
        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        QSignalSpy refused(m_server.get(), &ConsoleServer::connectionRefused);
        RawConsoleClient client(port());
        if (afterHello) {
            client.sendHello();
            QVERIFY(client.waitFor(Type::AuthChallenge));
        }
        client.write(request);
        const std::optional<Frame> error = client.waitFor(Type::Error);
        QVERIFY(error);
        QCOMPARE(error->header.value(Key::Code).toString(), code);
        QVERIFY(!error->header.value(Key::Message).toString().isEmpty());
        QVERIFY(client.waitForDisconnected());
        QVERIFY(!client.find(Type::Welcome));
        QVERIFY(!client.find(Type::Started));
        QCOMPARE(started.count(), 0);
        if (code == ErrorCode::AuthRequired)
            QCOMPARE(refused.count(), 1);
        QVERIFY(goodClientServed(Local)); // no penalty for a request that tried no password
    }

    void malformedAnswers_data()
    {
        QTest::addColumn<QJsonObject>("auth");
        const QString nonce = QString::fromLatin1(QByteArray(32, 'n').toBase64());
        const QString proof = QString::fromLatin1(QByteArray(32, 'p').toBase64());
        const auto with = [&](QJsonObject changes) {
            QJsonObject auth{{Key::Type, Type::Auth},
                             {Key::Mechanism, ConsoleAuth::Mechanism},
                             {Key::Nonce, nonce},
                             {Key::Proof, proof}};
            for (auto it = changes.begin(); it != changes.end(); ++it) {
                if (it.value().isUndefined() || it.value().isNull())
                    auth.remove(it.key());
                else
                    auth.insert(it.key(), it.value());
            }
            return auth;
        };
        QTest::newRow("no mechanism") << with({{Key::Mechanism, QJsonValue()}});
        QTest::newRow("other mechanism") << with({{Key::Mechanism, QStringLiteral("plain")}});
        QTest::newRow("no nonce") << with({{Key::Nonce, QJsonValue()}});
        QTest::newRow("short nonce") << with({{Key::Nonce, QString::fromLatin1(QByteArray(16, 'n').toBase64())}});
        QTest::newRow("long nonce") << with({{Key::Nonce, QString::fromLatin1(QByteArray(33, 'n').toBase64())}});
        QTest::newRow("nonce a number") << with({{Key::Nonce, 12345}});
        QTest::newRow("no proof") << with({{Key::Proof, QJsonValue()}});
        QTest::newRow("proof not base64") << with({{Key::Proof, QStringLiteral("%%%%")}});
        QTest::newRow("proof in hex") << with({{Key::Proof, QString::fromLatin1(QByteArray(32, 'p').toHex())}});
        QTest::newRow("proof an array") << with({{Key::Proof, QJsonArray({1, 2, 3})}});
        QTest::newRow("plain password as proof") << with({{Key::Proof, Password}});
    }

    void malformedAnswers()
    {
        QFETCH(QJsonObject, auth);
        QVERIFY(startServer());
        QSignalSpy failed(m_server.get(), &ConsoleServer::authenticationFailed);
        QSignalSpy refused(m_server.get(), &ConsoleServer::connectionRefused);
        RawConsoleClient client(port());
        client.sendHello();
        QVERIFY(client.waitFor(Type::AuthChallenge));
        client.sendFrame(auth);
        const std::optional<Frame> error = client.waitFor(Type::Error);
        QCOMPARE(errorCode(error), QString(ErrorCode::AuthFailed));
        QVERIFY(client.waitForDisconnected());
        QVERIFY(!client.find(Type::Welcome));
        // Reported, but no password was tried: no penalty.
        QCOMPARE(refused.count(), 1);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(m_server->penaltyRemaining(Local), 0ms);
        QVERIFY(goodClientServed(Local));
    }

    // ---- the login grace time -----------------------------------------------------

    void loginGraceTime()
    {
        ConsoleServer::Options options = passwordOptions();
        options.loginGraceTime = 300ms;
        QVERIFY(startServer(options));
        QSignalSpy refused(m_server.get(), &ConsoleServer::connectionRefused);
        // A silent client on loopback may be a classic client whose user is
        // still typing: it is left alone. A login within the grace is not cut
        // by it either.
        RawConsoleClient silent(port());
        QTRY_COMPARE(m_server->connectionCount(), 1);
        RawConsoleClient good(port());
        QVERIFY(isWelcome(login(good, Password).reply));
        // Challenged, never answers: cut with auth_timeout.
        RawConsoleClient slow(port());
        slow.sendHello();
        QVERIFY(slow.waitFor(Type::AuthChallenge));
        QElapsedTimer timer;
        timer.start();
        QVERIFY(slow.waitForDisconnected(5s));
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(errorCode(slow.find(Type::Error)), QString(ErrorCode::AuthTimeout));
        QCOMPARE(refused.count(), 1);
        QCOMPARE(refused.at(0).at(1).value<QHostAddress>(), Local);
        // Framed, no hello: cut as before, for a missing hello.
        RawConsoleClient mute(port());
        mute.write(rawFrame(16, "{"));
        QVERIFY(mute.waitForDisconnected(5s));
        QCOMPARE(errorCode(mute.find(Type::Error)), QString(ErrorCode::Protocol));
        // Both were cut after the grace; those that connected before them
        // are still there.
        QVERIFY(!silent.isDisconnected());
        QVERIFY(!good.isDisconnected());
        QVERIFY(runsNormally(good, 1));
    }

    void loginGraceCutsSilentClientsThatMustLogIn()
    {
        // With classic clients off, even a silent loopback peer must log in.
        ConsoleServer::Options options = passwordOptions();
        options.loginGraceTime = 300ms;
        options.classicAllowed = false;
        QVERIFY(startServer(options));
        QSignalSpy refused(m_server.get(), &ConsoleServer::connectionRefused);
        RawConsoleClient silent(port());
        QVERIFY(silent.waitForDisconnected(5s));
        QCOMPARE(refused.count(), 1);
        QVERIFY(!refused.at(0).at(3).toString().isEmpty());
        QCOMPARE(silent.frames().size(), 0);
        QVERIFY(goodClientServed(Local));
    }

    // ---- penalties ------------------------------------------------------------

    void penaltyDoubling()
    {
        // Waits long enough for the early attempt below to land in each,
        // even on a loaded machine.
        ConsoleServer::Options options = passwordOptions();
        options.penaltyBase = 500ms;
        options.penaltyMax = 2000ms;
        QVERIFY(startServer(options));
        QSignalSpy failed(m_server.get(), &ConsoleServer::authenticationFailed);
        const QList<qint64> expected{500, 1000, 2000, 2000};
        for (qsizetype i = 0; i < expected.size(); ++i) {
            QTRY_COMPARE_WITH_TIMEOUT(m_server->penaltyRemaining(Local), 0ms, 5000);
            RawConsoleClient client(port());
            QCOMPARE(errorCode(login(client, QStringLiteral("guess %1").arg(i)).reply), QString(ErrorCode::AuthFailed));
            QCOMPARE(failed.count(), i + 1);
            QCOMPARE(failed.at(i).at(3).toLongLong(), expected.at(i));
            // While the penalty runs, the next attempt is not even challenged.
            RawConsoleClient early(port());
            early.sendHello();
            const std::optional<Frame> error = early.waitFor(Type::Error);
            QCOMPARE(errorCode(error), QString(ErrorCode::Penalized));
            const qint64 retryAfter = jsonInteger(error->header, Key::RetryAfter).value_or(0);
            QVERIFY2(retryAfter >= 1 && retryAfter <= (expected.at(i) + 999) / 1000,
                     qPrintable(QString::number(retryAfter)));
            QVERIFY(!early.find(Type::AuthChallenge));
            QVERIFY(early.waitForDisconnected());
        }
        // A good login clears the record: the next failure starts over.
        QTRY_COMPARE(m_server->penaltyRemaining(Local), 0ms);
        QVERIFY(goodClientServed(Local));
        RawConsoleClient again(port());
        QCOMPARE(errorCode(login(again, QStringLiteral("guess")).reply), QString(ErrorCode::AuthFailed));
        QCOMPARE(failed.last().at(3).toLongLong(), 500);
    }

    void parallelGuessesWaitForThePenalty()
    {
        // Two connections challenged at once; the first guess fails, so the
        // second is not evaluated: guesses cannot run in parallel.
        ConsoleServer::Options options = passwordOptions();
        options.penaltyBase = 5s;
        QVERIFY(startServer(options));
        QSignalSpy failed(m_server.get(), &ConsoleServer::authenticationFailed);
        RawConsoleClient a(port());
        RawConsoleClient b(port());
        a.sendHello();
        b.sendHello();
        const std::optional<Frame> challengeA = a.waitFor(Type::AuthChallenge);
        const std::optional<Frame> challengeB = b.waitFor(Type::AuthChallenge);
        QVERIFY(challengeA && challengeB);
        a.sendFrame(authFor(*challengeA, QStringLiteral("guess a")));
        QCOMPARE(errorCode(a.waitFor(Type::Error)), QString(ErrorCode::AuthFailed));
        // Even the right password is not looked at during the penalty.
        b.sendFrame(authFor(*challengeB, Password));
        const std::optional<Frame> error = b.waitFor(Type::Error);
        QCOMPARE(errorCode(error), QString(ErrorCode::Penalized));
        QCOMPARE(jsonInteger(error->header, Key::RetryAfter), std::optional<qint64>(5));
        QVERIFY(!b.find(Type::Welcome));
        QCOMPARE(failed.count(), 1);
        // The penalised address learns it from ConsoleClient as such.
        ConsoleClient client;
        client.setPassword(Password);
        QSignalSpy disconnected(&client, &ConsoleClient::disconnected);
        client.connectToServer(QStringLiteral("127.0.0.1"), port());
        QTRY_COMPARE(disconnected.count(), 1);
        QCOMPARE(client.errorKind(), ConsoleClient::ErrorKind::Penalized);
        QVERIFY(client.retryAfter() >= 4s && client.retryAfter() <= 5s);
        QVERIFY2(client.errorString().contains(QStringLiteral("again in %1 s").arg(client.retryAfter().count())),
                 qPrintable(client.errorString()));
        QVERIFY(goodClientServed(OtherHost));
    }

    void penaltyBookkeeping()
    {
        // SourcePenalties with time given by hand: doubling, the ceiling,
        // forgetting, and one record per host.
        SourcePenalties::Policy policy;
        policy.base = 1s;
        policy.max = 60s;
        policy.forgetAfter = 10min;
        policy.maxSources = 4;
        SourcePenalties penalties(policy);
        const auto t0 = SourcePenalties::Clock::now();
        const QHostAddress a(QStringLiteral("192.0.2.1"));
        QCOMPARE(penalties.remaining(a, t0), 0ms);
        const QList<std::chrono::milliseconds> waits{1s, 2s, 4s, 8s, 16s, 32s, 60s, 60s, 60s};
        auto now = t0;
        for (const auto wait : waits) {
            QCOMPARE(penalties.recordFailure(a, now), wait);
            QCOMPARE(penalties.remaining(a, now), wait);
            QCOMPARE(penalties.remaining(a, now + wait / 2), wait - wait / 2);
            now += wait;
            QCOMPARE(penalties.remaining(a, now), 0ms);
        }
        // Many more failures never overflow the doubling.
        for (int i = 0; i < 100; ++i)
            QCOMPARE(penalties.recordFailure(a, now), 60s);
        // IPv4 through a dual-stack socket is the same host.
        QCOMPARE(penalties.remaining(QHostAddress(QStringLiteral("::ffff:192.0.2.1")), now), 60s);
        QCOMPARE(penalties.failureCount(QHostAddress(QStringLiteral("::ffff:192.0.2.1"))), 31);
        // Another host is untouched.
        QCOMPARE(penalties.remaining(QHostAddress(QStringLiteral("192.0.2.2")), now), 0ms);
        // Quiet for longer than forgetAfter: a fresh start.
        now += 60s + 10min + 1ms;
        QCOMPARE(penalties.recordFailure(a, now), 1s);
        // Success clears.
        penalties.recordSuccess(a);
        QCOMPARE(penalties.remaining(a, now), 0ms);
        QCOMPARE(penalties.size(), 0);
        // The table stays within maxSources.
        for (int i = 0; i < 100; ++i)
            penalties.recordFailure(QHostAddress(quint32(0xC6336400 + i)), now + std::chrono::milliseconds(i));
        QVERIFY(penalties.size() <= policy.maxSources);
        // The newest failures are the ones kept.
        QVERIFY(penalties.remaining(QHostAddress(quint32(0xC6336400 + 99)), now) > 0ms);
    }

    // ---- connection caps -------------------------------------------------------

    void totalConnectionCap()
    {
        ConsoleServer::Options options = passwordOptions();
        options.maxConnections = 4;
        QVERIFY(startServer(options));
        QSignalSpy refused(m_server.get(), &ConsoleServer::connectionRefused);
        QSignalSpy connected(m_server.get(), &ConsoleServer::clientConnected);
        std::vector<std::unique_ptr<RawConsoleClient>> holders;
        for (int i = 0; i < 4; ++i)
            holders.push_back(std::make_unique<RawConsoleClient>(port()));
        QTRY_COMPARE(m_server->connectionCount(), 4);
        RawConsoleClient fifth(port(), Local, Limits::MaxClassicReplyPayload, OtherHost);
        QVERIFY(fifth.waitForDisconnected());
        QCOMPARE(refused.count(), 1);
        QCOMPARE(refused.at(0).at(0).toULongLong(), quint64(0)); // never became a client
        QCOMPARE(refused.at(0).at(1).value<QHostAddress>(), OtherHost);
        QVERIFY(refused.at(0).at(3).toString().contains(QStringLiteral("4")));
        QCOMPARE(connected.count(), 4);
        // One leaves: the next is served.
        holders.pop_back();
        QTRY_COMPARE(m_server->connectionCount(), 3);
        QVERIFY(goodClientServed(OtherHost));
    }

    void perAddressConnectionCap()
    {
        ConsoleServer::Options options = passwordOptions();
        options.maxConnectionsPerAddress = 3;
        QVERIFY(startServer(options));
        QSignalSpy refused(m_server.get(), &ConsoleServer::connectionRefused);
        std::vector<std::unique_ptr<RawConsoleClient>> holders;
        for (int i = 0; i < 3; ++i)
            holders.push_back(std::make_unique<RawConsoleClient>(port()));
        QTRY_COMPARE(m_server->connectionCount(), 3);
        RawConsoleClient fourth(port());
        QVERIFY(fourth.waitForDisconnected());
        QCOMPARE(refused.count(), 1);
        QCOMPARE(refused.at(0).at(1).value<QHostAddress>(), Local);
        // Another address has its own allowance.
        QVERIFY(goodClientServed(OtherHost));
        // The count drops as connections close.
        holders.clear();
        QTRY_COMPARE(m_server->connectionCount(), 0);
        QVERIFY(goodClientServed(Local));
    }

    // ---- size limits before the login ------------------------------------------------

    void preLoginLimits_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("afterHello");
        const QByteArray padding(Limits::PreAuthMaxHeaderSize, 'p');
        QTest::newRow("hello with a 5 KiB header") << encodeFrame(
            {{Key::Type, Type::Hello}, {Key::Version, 1}, {QStringLiteral("pad"), QString::fromLatin1(padding)}})
                                                   << false;
        QTest::newRow("hello with a payload")
            << encodeFrame({{Key::Type, Type::Hello}, {Key::Version, 1}}, "x") << false;
        QTest::newRow("hello claiming 1 MiB")
            << rawFrame(R"({"type":"hello","version":1,"total_size":1048576})") << false;
        QTest::newRow("header length 65536") << rawFrame(65536, "{") << false;
        QTest::newRow("auth with a 5 KiB header")
            << encodeFrame({{Key::Type, Type::Auth}, {QStringLiteral("pad"), QString::fromLatin1(padding)}}) << true;
        QTest::newRow("auth with a payload") << encodeFrame({{Key::Type, Type::Auth}}, QByteArray(100, 'x')) << true;
    }

    void preLoginLimits()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, afterHello);
        QVERIFY(startServer());
        QSignalSpy protocolErrors(m_server.get(), &ConsoleServer::protocolErrorOccurred);
        RawConsoleClient client(port());
        if (afterHello) {
            client.sendHello();
            QVERIFY(client.waitFor(Type::AuthChallenge));
        }
        client.write(bytes);
        const std::optional<Frame> error = client.waitFor(Type::Error);
        QCOMPARE(errorCode(error), QString(ErrorCode::Protocol));
        QVERIFY2(error->header.value(Key::Message).toString().contains(QStringLiteral("limit")),
                 qPrintable(error->header.value(Key::Message).toString()));
        QVERIFY(client.waitForDisconnected());
        QCOMPARE(protocolErrors.count(), 1);
        QVERIFY(!client.find(Type::Welcome));
        QVERIFY(goodClientServed(Local));
    }

    void limitsWidenAfterLogin()
    {
        // What is refused before the login is fine after it: a large header.
        QVERIFY(startServer());
        RawConsoleClient client(port());
        QVERIFY(isWelcome(login(client, Password).reply));
        client.sendFrame({{Key::Type, Type::Exec},
                          {Key::Id, 1},
                          {Key::Command, QStringLiteral("echo big")},
                          {QStringLiteral("pad"), QString(8 * 1024, u'p')}});
        QVERIFY(client.waitFor(Type::Exit, 1));
        QCOMPARE(client.output(1, StreamName::Stdout), QByteArray("big\n"));
    }

    void preWelcomeLimitsWithoutPassword()
    {
        // A server without a password is as strict before its welcome.
        QVERIFY(startServer(ConsoleServer::Options()));
        RawConsoleClient client(port());
        client.write(encodeFrame({{Key::Type, Type::Hello},
                                  {Key::Version, 1},
                                  {QStringLiteral("pad"), QString(Limits::PreAuthMaxHeaderSize, u'p')}}));
        QCOMPARE(errorCode(client.waitFor(Type::Error)), QString(ErrorCode::Protocol));
        QVERIFY(client.waitForDisconnected());
        RawConsoleClient good(port());
        QVERIFY(good.greet());
        QVERIFY(runsNormally(good, 1));
    }

    // ---- classic clients ------------------------------------------------------

    void classicFromLoopbackWithPassword()
    {
        QVERIFY(startServer());
        QVERIFY(m_server->acceptsClassicFrom(Local));
        RawConsoleClient classic(port());
        classic.write("echo classic-ok");
        QVERIFY(Test::spinUntil([&] { return !classic.frames().isEmpty(); }, 10s));
        const Frame reply = classic.frames().constFirst();
        QCOMPARE(jsonInteger(reply.header, Key::ExitCode), std::optional<qint64>(0));
        QVERIFY(!reply.header.contains(Key::Refused));
        QCOMPARE(reply.payload, QByteArray("classic-ok\n"));
        // And a second command on the same connection.
        classic.write("echo again");
        QVERIFY(Test::spinUntil([&] { return classic.frames().size() == 2; }, 10s));
        QCOMPARE(classic.frames().at(1).payload, QByteArray("again\n"));
        // Tincan's classic mode as well.
        ConsoleClient client;
        QSignalSpy output(&client, &ConsoleClient::outputReceived);
        QSignalSpy finished(&client, &ConsoleClient::commandFinished);
        client.connectToServer(QStringLiteral("127.0.0.1"), port(), ConsoleClient::Mode::Classic);
        client.exec(QStringLiteral("echo via-client"));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(output.at(0).at(2).toByteArray(), QByteArray("via-client\n"));
    }

    void classicRefused()
    {
        ConsoleServer::Options options = passwordOptions();
        options.classicAllowed = false;
        QVERIFY(startServer(options));
        QSignalSpy refused(m_server.get(), &ConsoleServer::connectionRefused);
        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        // The tutorial's client gets one reply, which it prints, then the close.
        RawConsoleClient classic(port());
        classic.write("id");
        QVERIFY(classic.waitForDisconnected());
        QCOMPARE(classic.frames().size(), 1);
        const Frame reply = classic.frames().constFirst();
        QCOMPARE(jsonInteger(reply.header, Key::ExitCode), std::optional<qint64>(ClassicRefusedExitCode));
        QCOMPARE(reply.header.value(Key::Refused).toBool(), true);
        QVERIFY(reply.header.contains(Key::FileName));
        QVERIFY2(reply.payload.startsWith("tincan: refused"), reply.payload.constData());
        QCOMPARE(jsonInteger(reply.header, QStringLiteral("total_size")), std::optional<qint64>(reply.payload.size()));
        QCOMPARE(refused.count(), 1);
        QCOMPARE(started.count(), 0);
        // Tincan's classic mode reports it as a refusal, not as output.
        ConsoleClient client;
        QSignalSpy failed(&client, &ConsoleClient::commandFailed);
        QSignalSpy output(&client, &ConsoleClient::outputReceived);
        client.connectToServer(QStringLiteral("127.0.0.1"), port(), ConsoleClient::Mode::Classic);
        client.exec(QStringLiteral("id"));
        QTRY_COMPARE(failed.count(), 1);
        QCOMPARE(client.errorKind(), ConsoleClient::ErrorKind::Refused);
        QVERIFY2(client.errorString().contains(QStringLiteral("refused")), qPrintable(client.errorString()));
        QCOMPARE(output.count(), 0);
        QCOMPARE(started.count(), 0);
        QVERIFY(goodClientServed(Local));
    }

    // ---- idle timeout -----------------------------------------------------------

    void idleTimeout()
    {
        ConsoleServer::Options options = passwordOptions();
        options.idleTimeout = 800ms;
        QVERIFY(startServer(options));
        QSignalSpy refused(m_server.get(), &ConsoleServer::connectionRefused);
        RawConsoleClient busy(port());
        QVERIFY(isWelcome(login(busy, Password).reply));
        // A command running longer than the timeout is not idleness.
        busy.sendExec(1, QStringLiteral("sleep 1.5; echo done"));
        RawConsoleClient idle(port());
        QVERIFY(isWelcome(login(idle, Password).reply));
        QElapsedTimer timer;
        timer.start();
        QVERIFY(idle.waitForDisconnected(5s));
        // (The clock started on the server at the welcome, a little earlier.)
        QVERIFY2(timer.elapsed() >= options.idleTimeout.count() / 2, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(errorCode(idle.find(Type::Error)), QString(ErrorCode::IdleTimeout));
        QVERIFY(busy.waitFor(Type::Exit, 1));
        QCOMPARE(busy.output(1, StreamName::Stdout), QByteArray("done\n"));
        QVERIFY(!busy.isDisconnected());
        QCOMPARE(refused.count(), 1);
        // Once its command is over, the busy one goes idle too.
        QVERIFY(busy.waitForDisconnected(5s));
        QCOMPARE(errorCode(busy.find(Type::Error)), QString(ErrorCode::IdleTimeout));
    }

    // ---- listening ---------------------------------------------------------------

    void passwordAllowsAnyAddress_data()
    {
        QTest::addColumn<bool>("withPassword");
        QTest::addColumn<bool>("listens");
        QTest::newRow("password") << true << true;
        QTest::newRow("no password") << false << false;
    }

    void passwordAllowsAnyAddress()
    {
        QFETCH(bool, withPassword);
        QFETCH(bool, listens);
        ConsoleServer::Options options = withPassword ? passwordOptions() : ConsoleServer::Options();
        options.address = QHostAddress(QHostAddress::AnyIPv4);
        m_server = std::make_unique<ConsoleServer>();
        options.port = 0;
        QCOMPARE(m_server->listen(options), listens);
        if (!listens) {
            QVERIFY(m_server->errorString().contains(QStringLiteral("password")));
            return;
        }
        QVERIFY(goodClientServed(Local));
    }

    void invalidOptions_data()
    {
        QTest::addColumn<int>("maxConnections");
        QTest::addColumn<int>("perAddress");
        QTest::addColumn<int>("graceMs");
        QTest::newRow("no connections") << 0 << 1 << 1000;
        QTest::newRow("no connections per address") << 1 << 0 << 1000;
        QTest::newRow("no grace") << 1 << 1 << 0;
    }

    void invalidOptions()
    {
        QFETCH(int, maxConnections);
        QFETCH(int, perAddress);
        QFETCH(int, graceMs);
        ConsoleServer::Options options = passwordOptions();
        options.maxConnections = maxConnections;
        options.maxConnectionsPerAddress = perAddress;
        options.loginGraceTime = std::chrono::milliseconds(graceMs);
        ConsoleServer server;
        QVERIFY(!server.listen(options));
        QVERIFY(!server.errorString().isEmpty());
    }

    // ---- ConsoleClient against hostile servers ----------------------------------------

    void clientRefusesHostileChallenges_data()
    {
        QTest::addColumn<QJsonObject>("challenge");
        const QString nonce = QString::fromLatin1(QByteArray(32, 'n').toBase64());
        const QString salt = QString::fromLatin1(QByteArray(16, 's').toBase64());
        const auto with = [&](const QLatin1StringView key, const QJsonValue &value) {
            QJsonObject challenge{{Key::Type, Type::AuthChallenge},
                                  {Key::Mechanism, ConsoleAuth::Mechanism},
                                  {Key::Nonce, nonce},
                                  {Key::Salt, salt},
                                  {Key::Iterations, PasswordHash::MinIterations}};
            if (value.isUndefined())
                challenge.remove(key);
            else
                challenge.insert(key, value);
            return challenge;
        };
        QTest::newRow("a billion iterations") << with(Key::Iterations, 1000000000);
        QTest::newRow("2^53 iterations") << with(Key::Iterations, 9007199254740992.0);
        QTest::newRow("one iteration") << with(Key::Iterations, 1);
        QTest::newRow("negative iterations") << with(Key::Iterations, -1000);
        QTest::newRow("iterations as text") << with(Key::Iterations, QStringLiteral("1000"));
        QTest::newRow("no iterations") << with(Key::Iterations, QJsonValue::Undefined);
        QTest::newRow("short nonce") << with(Key::Nonce, QString::fromLatin1(QByteArray(8, 'n').toBase64()));
        QTest::newRow("no nonce") << with(Key::Nonce, QJsonValue::Undefined);
        QTest::newRow("huge salt") << with(Key::Salt, QString::fromLatin1(QByteArray(4096, 's').toBase64()));
        QTest::newRow("salt not base64") << with(Key::Salt, QStringLiteral("??"));
        QTest::newRow("unknown mechanism") << with(Key::Mechanism, QStringLiteral("plain"));
    }

    void clientRefusesHostileChallenges()
    {
        QFETCH(QJsonObject, challenge);
        ScriptedServer server([&](const Frame &frame) {
            return Test::typeOf(frame) == Type::Hello ? encodeFrame(challenge) : QByteArray();
        });
        ConsoleClient client;
        client.setPassword(Password);
        QSignalSpy disconnected(&client, &ConsoleClient::disconnected);
        QElapsedTimer timer;
        timer.start();
        client.connectToServer(QStringLiteral("127.0.0.1"), server.port());
        client.exec(QStringLiteral("secret-command"));
        QTRY_COMPARE(disconnected.count(), 1);
        // Refused at once, not after deriving a key for a billion iterations.
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(client.errorKind(), ConsoleClient::ErrorKind::Protocol);
        // No answer and no command went to such a server.
        for (const Frame &frame : std::as_const(server.received))
            QVERIFY(Test::typeOf(frame) == Type::Hello);
    }

    void clientRequiresTheServerProof_data()
    {
        QTest::addColumn<QJsonValue>("proof");
        QTest::newRow("no proof") << QJsonValue(QJsonValue::Undefined);
        QTest::newRow("wrong proof") << QJsonValue(QString::fromLatin1(QByteArray(32, 'x').toBase64()));
        QTest::newRow("short proof") << QJsonValue(QString::fromLatin1(QByteArray(4, 'x').toBase64()));
        QTest::newRow("proof a number") << QJsonValue(7);
    }

    void clientRequiresTheServerProof()
    {
        // A server that challenges but cannot prove it knows the key (it
        // does not hold the hash) gets no commands.
        QFETCH(QJsonValue, proof);
        ScriptedServer server([&](const Frame &frame) {
            if (Test::typeOf(frame) == Type::Hello)
                return encodeFrame({{Key::Type, Type::AuthChallenge},
                                    {Key::Mechanism, ConsoleAuth::Mechanism},
                                    {Key::Nonce, QString::fromLatin1(ConsoleAuth::randomNonce().toBase64())},
                                    {Key::Salt, QString::fromLatin1(QByteArray(16, 's').toBase64())},
                                    {Key::Iterations, PasswordHash::MinIterations}});
            if (Test::typeOf(frame) == Type::Auth) {
                QJsonObject welcome{{Key::Type, Type::Welcome}, {Key::Version, 1}};
                if (!proof.isUndefined())
                    welcome.insert(Key::Proof, proof);
                return encodeFrame(welcome);
            }
            return QByteArray();
        });
        ConsoleClient client;
        client.setPassword(Password);
        QSignalSpy disconnected(&client, &ConsoleClient::disconnected);
        QSignalSpy ready(&client, &ConsoleClient::ready);
        client.connectToServer(QStringLiteral("127.0.0.1"), server.port());
        client.exec(QStringLiteral("secret-command"));
        QTRY_COMPARE(disconnected.count(), 1);
        QCOMPARE(ready.count(), 0);
        QCOMPARE(client.errorKind(), ConsoleClient::ErrorKind::Protocol);
        QVERIFY(!client.isAuthenticated());
        QCOMPARE(server.received.size(), 2); // hello and auth, never the exec
        QCOMPARE(Test::typeOf(server.received.at(1)), QString(Type::Auth));
    }

    // ---- no process outlives its command, whatever ends it ---------------------------

    void noDescendantSurvives_data()
    {
        QTest::addColumn<QString>("path");
        for (const char *path : {"cancel", "client disconnects", "client resets", "server kills the commands",
                                 "server cuts the client", "protocol error", "server shuts down", "server destroyed"})
            QTest::newRow(path) << QString::fromLatin1(path);
    }

    void noDescendantSurvives()
    {
        QFETCH(QString, path);
        static int row = 0;
        const QByteArray marker = QByteArray::number(3141500 + ++row);
        QVERIFY(livingWithMarker(marker).isEmpty());

        QVERIFY(startServer());
        QSignalSpy connected(m_server.get(), &ConsoleServer::clientConnected);
        QSignalSpy shutdownFinished(m_server.get(), &ConsoleServer::shutdownFinished);
        RawConsoleClient client(port());
        QVERIFY(isWelcome(login(client, Password).reply));
        client.sendExec(1, sleepersCommand(marker));
        const std::optional<Frame> started = client.waitFor(Type::Started, 1);
        QVERIFY(started);
        const qint64 shell = jsonInteger(started->header, Key::Pid).value_or(0);
        QVERIFY(shell > 0);
        // The inner sh -c and its two sleeps are there (and the server's
        // shell, unless it exec'd the inner one), all in the command's group.
        QTRY_VERIFY(livingWithMarker(marker).size() >= 3);
        QList<qint64> descendants = livingDescendants(shell);
        descendants.append(shell);
        QVERIFY2(descendants.size() >= 3, qPrintable(QString::number(descendants.size())));
        QVERIFY(Test::livingProcessCountInGroup(shell) >= 3);
        const quint64 clientId = connected.at(0).at(0).value<ClientInfo>().id;

        if (path == QStringLiteral("cancel"))
            client.sendCancel(1);
        else if (path == QStringLiteral("client disconnects"))
            client.socket().disconnectFromHost();
        else if (path == QStringLiteral("client resets"))
            client.socket().abort();
        else if (path == QStringLiteral("server kills the commands"))
            m_server->killCommands(clientId);
        else if (path == QStringLiteral("server cuts the client"))
            m_server->disconnectClient(clientId);
        else if (path == QStringLiteral("protocol error"))
            client.write(rawFrame("{broken"));
        else if (path == QStringLiteral("server shuts down"))
            m_server->shutdown();
        else if (path == QStringLiteral("server destroyed"))
            m_server.reset();

        // Nothing of the command is left: not in its group, not among the
        // shell's descendants, not anywhere by its marker.
        QTRY_VERIFY_WITH_TIMEOUT(livingWithMarker(marker).isEmpty(), CommandTimeoutMs);
        QCOMPARE(Test::livingProcessCountInGroup(shell), 0);
        for (qint64 pid : descendants)
            QVERIFY2(!isAlive(pid), qPrintable(QString::number(pid)));
        if (path == QStringLiteral("server shuts down"))
            QTRY_COMPARE(shutdownFinished.count(), 1);
        if (path == QStringLiteral("cancel"))
            QVERIFY(client.waitFor(Type::Exit, 1));
    }

    void nothingRunsBeforeTheLogin()
    {
        // The login grace path has nothing to kill: an exec sent before the
        // login never starts a process.
        const QByteArray marker = QByteArray::number(3141499);
        ConsoleServer::Options options = passwordOptions();
        options.loginGraceTime = 300ms;
        QVERIFY(startServer(options));
        QSignalSpy started(m_server.get(), &ConsoleServer::commandStarted);
        RawConsoleClient client(port());
        client.sendHello();
        client.sendExec(1, sleepersCommand(marker));
        QVERIFY(client.waitForDisconnected(5s));
        QCOMPARE(errorCode(client.find(Type::Error)), QString(ErrorCode::AuthRequired));
        RawConsoleClient slow(port());
        slow.sendHello();
        QVERIFY(slow.waitFor(Type::AuthChallenge));
        QVERIFY(slow.waitForDisconnected(5s));
        QCOMPARE(errorCode(slow.find(Type::Error)), QString(ErrorCode::AuthTimeout));
        QCOMPARE(started.count(), 0);
        QVERIFY(livingWithMarker(marker).isEmpty());
        QVERIFY(goodClientServed(Local));
    }
};

QTEST_GUILESS_MAIN(TestConsoleAuth)
#include "tst_consoleauth.moc"
