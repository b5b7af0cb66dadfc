// ConsoleLogin, the console's login as a pure state machine: which clients are
// admitted, hello, the challenge and the auth answer (right, wrong, replayed,
// malformed, oversized), the grace time and the per-address penalties, with
// time passed in and no socket.
#include "net/auth/consoleauth.h"
#include "net/console/consolelogin.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/frame.h"

#include <QTest>

using namespace Tincan;
using namespace Tincan::Console;
using Kind = ConsoleLogin::Step::Kind;

Q_DECLARE_METATYPE(ConsoleLogin::Step::Kind)
Q_DECLARE_METATYPE(ConsoleLogin::Stage)

namespace {
const QHostAddress Remote(QStringLiteral("192.0.2.7"));
constexpr std::chrono::milliseconds PenaltyBase{1000};

ConsoleLogin::Settings settingsFor(bool withPassword)
{
    static const PasswordHash password = *PasswordHash::create(QStringLiteral("secret"), PasswordHash::MinIterations);
    ConsoleLogin::Settings settings;
    settings.peer = Remote;
    settings.classicAccepted = false;
    settings.loginGraceTime = std::chrono::seconds(10);
    settings.outputEncoding = QStringLiteral("UTF-8");
    settings.directory = QStringLiteral("/srv");
    if (withPassword)
        settings.password = password;
    return settings;
}

QJsonObject helloHeader(const QJsonValue &version = 1)
{
    return {{Key::Type, Type::Hello}, {Key::Version, version}};
}

ConsoleLogin::Step send(ConsoleLogin &login, const QJsonObject &header, ConsoleLogin::Clock::time_point now)
{
    const QString name = header.value(Key::Type).toString();
    return login.receive(messageTypeFromName(name), name, header, now);
}

// The right answer to a challenge, with the password "secret".
QJsonObject answer(const QJsonObject &challenge, const QString &password = QStringLiteral("secret"))
{
    const QByteArray salt = QByteArray::fromBase64(challenge.value(Key::Salt).toString().toLatin1());
    const QByteArray serverNonce = QByteArray::fromBase64(challenge.value(Key::Nonce).toString().toLatin1());
    const QByteArray key = PasswordHash::deriveKey(password, salt, challenge.value(Key::Iterations).toInt());
    const QByteArray clientNonce(ConsoleAuth::NonceSize, 'c');
    return {{Key::Type, Type::Auth},
            {Key::Mechanism, ConsoleAuth::Mechanism},
            {Key::Nonce, QString::fromLatin1(clientNonce.toBase64())},
            {Key::Proof, QString::fromLatin1(ConsoleAuth::clientProof(key, serverNonce, clientNonce).toBase64())}};
}
} // namespace

class TestConsoleLogin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void admission_data();
    void admission();
    void greeting_data();
    void greeting();
    void auth_data();
    void auth();
    void replayedProofIsRefused();
    void penaltiesDoubleAndClear();
    void graceExpired_data();
    void graceExpired();
    void durations();
};

void TestConsoleLogin::admission_data()
{
    QTest::addColumn<WireProtocol>("protocol");
    QTest::addColumn<QByteArray>("first");
    QTest::addColumn<bool>("classicAccepted");
    QTest::addColumn<bool>("classicAllowed");
    QTest::addColumn<bool>("tlsRequired");
    QTest::addColumn<bool>("encrypted");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QString>("code"); // of the frame: an error code, "classic" for the classic refusal, or none
    QTest::addColumn<ConsoleLogin::Stage>("stage");

    const QByteArray frame = encodeFrame({{Key::Type, Type::Hello}}).left(5);
    QTest::newRow("framed") << WireProtocol::Framed << frame << false << true << false << false << Kind::Wait
                            << QString() << ConsoleLogin::Stage::Greeting;
    QTest::newRow("framed, TLS required, plaintext")
        << WireProtocol::Framed << frame << false << true << true << false << Kind::Refuse
        << QString(ErrorCode::TlsRequired) << ConsoleLogin::Stage::Over;
    QTest::newRow("framed, TLS required, encrypted") << WireProtocol::Framed << frame << false << true << true << true
                                                     << Kind::Wait << QString() << ConsoleLogin::Stage::Greeting;
    QTest::newRow("classic, accepted") << WireProtocol::Classic << QByteArray("ls\n") << true << true << false << false
                                       << Kind::Established << QString() << ConsoleLogin::Stage::Established;
    QTest::newRow("classic, from another machine")
        << WireProtocol::Classic << QByteArray("ls\n") << false << true << false << false << Kind::Refuse
        << QStringLiteral("classic") << ConsoleLogin::Stage::Over;
    QTest::newRow("classic, turned off") << WireProtocol::Classic << QByteArray("ls\n") << false << false << false
                                         << false << Kind::Refuse << QStringLiteral("classic")
                                         << ConsoleLogin::Stage::Over;
    // A ClientHello on a server with TLS off: never run as a command, told nothing.
    QTest::newRow("TLS hello in plaintext")
        << WireProtocol::Classic << QByteArray("\x16\x03\x01\x02\x00") << true << true << false << false << Kind::Refuse
        << QString() << ConsoleLogin::Stage::Over;
}

void TestConsoleLogin::admission()
{
    QFETCH(WireProtocol, protocol);
    QFETCH(QByteArray, first);
    QFETCH(bool, classicAccepted);
    QFETCH(bool, classicAllowed);
    QFETCH(bool, tlsRequired);
    QFETCH(bool, encrypted);
    QFETCH(Kind, kind);
    QFETCH(QString, code);
    QFETCH(ConsoleLogin::Stage, stage);

    ConsoleLogin::Settings settings = settingsFor(false);
    settings.classicAccepted = classicAccepted;
    settings.classicAllowed = classicAllowed;
    settings.tlsRequired = tlsRequired;
    settings.encrypted = encrypted;
    SourcePenalties penalties;
    ConsoleLogin login(settings, penalties);
    QCOMPARE(login.graceStartsAtConnect(), !classicAccepted);
    const ConsoleLogin::Step step = login.protocolDecided(protocol, first);
    QCOMPARE(step.kind, kind);
    QCOMPARE(login.stage(), stage);
    if (code == u"classic") {
        QCOMPARE(step.frame.value(Key::ExitCode).toInt(), ClassicRefusedExitCode);
        QCOMPARE(step.frame.value(Key::Refused).toBool(), true);
        QVERIFY(step.payload.startsWith("tincan: refused: "));
        QCOMPARE(step.payload.contains("192.0.2.7"), classicAllowed);
    } else if (code.isEmpty()) {
        QVERIFY(step.frame.isEmpty());
    } else {
        QCOMPARE(step.frame.value(Key::Code).toString(), code);
    }
    if (kind == Kind::Refuse)
        QVERIFY(!step.reason.isEmpty());
}

void TestConsoleLogin::greeting_data()
{
    QTest::addColumn<QJsonObject>("header");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QString>("frameType");
    QTest::addColumn<QString>("code");

    QTest::newRow("hello") << helloHeader() << Kind::Established << QString(Type::Welcome) << QString();
    QTest::newRow("hello, version 2") << helloHeader(2) << Kind::Close << QString(Type::Error)
                                      << QString(ErrorCode::UnsupportedVersion);
    QTest::newRow("hello, no version") << QJsonObject{{Key::Type, Type::Hello}} << Kind::ProtocolError << QString()
                                       << QString();
    QTest::newRow("hello, version 0") << helloHeader(0) << Kind::ProtocolError << QString() << QString();
    QTest::newRow("hello, version a string")
        << helloHeader(QStringLiteral("1")) << Kind::ProtocolError << QString() << QString();
    QTest::newRow("hello, version fractional") << helloHeader(1.5) << Kind::ProtocolError << QString() << QString();
    QTest::newRow("exec first") << QJsonObject{{Key::Type, Type::Exec},
                                               {Key::Id, 1},
                                               {Key::Command, QStringLiteral("ls")}}
                                << Kind::ProtocolError << QString() << QString();
    QTest::newRow("unknown first") << QJsonObject{{Key::Type, QStringLiteral("x")}} << Kind::ProtocolError << QString()
                                   << QString();
    QTest::newRow("auth first") << QJsonObject{{Key::Type, Type::Auth}} << Kind::ProtocolError << QString()
                                << QString();
}

void TestConsoleLogin::greeting()
{
    QFETCH(QJsonObject, header);
    QFETCH(Kind, kind);
    QFETCH(QString, frameType);
    QFETCH(QString, code);

    SourcePenalties penalties;
    ConsoleLogin login(settingsFor(false), penalties);
    QCOMPARE(login.protocolDecided(WireProtocol::Framed, {}).kind, Kind::Wait);
    const ConsoleLogin::Step step = send(login, header, ConsoleLogin::Clock::now());
    QCOMPARE(step.kind, kind);
    QCOMPARE(step.frame.value(Key::Type).toString(), frameType);
    QCOMPARE(step.frame.value(Key::Code).toString(), code);
    QCOMPARE(login.isEstablished(), kind == Kind::Established);
    if (kind == Kind::Established) {
        QCOMPARE(step.frame.value(Key::Version).toInt(), ProtocolVersion);
        QCOMPARE(step.frame.value(Key::Encoding).toString(), QStringLiteral("UTF-8"));
        QCOMPARE(step.frame.value(Key::Cwd).toString(), QStringLiteral("/srv"));
        QVERIFY(!step.frame.contains(Key::Proof)); // no login, nothing to prove
    }
    if (kind == Kind::ProtocolError)
        QVERIFY(!step.reason.isEmpty());
}

void TestConsoleLogin::auth_data()
{
    QTest::addColumn<QString>("change"); // what is done to the right answer
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("retryAfter");
    QTest::addColumn<bool>("penalized");

    QTest::newRow("right") << QString() << Kind::Established << QString() << false << false;
    QTest::newRow("wrong password") << QStringLiteral("password") << Kind::Close << QString(ErrorCode::AuthFailed)
                                    << true << true;
    QTest::newRow("unknown mechanism") << QStringLiteral("mechanism") << Kind::Refuse << QString(ErrorCode::AuthFailed)
                                       << false << false;
    QTest::newRow("short nonce") << QStringLiteral("short nonce") << Kind::Refuse << QString(ErrorCode::AuthFailed)
                                 << false << false;
    QTest::newRow("oversized proof") << QStringLiteral("long proof") << Kind::Refuse << QString(ErrorCode::AuthFailed)
                                     << false << false;
    QTest::newRow("proof not base64") << QStringLiteral("bad proof") << Kind::Refuse << QString(ErrorCode::AuthFailed)
                                      << false << false;
    QTest::newRow("nonce a number") << QStringLiteral("number nonce") << Kind::Refuse << QString(ErrorCode::AuthFailed)
                                    << false << false;
    QTest::newRow("exec instead") << QStringLiteral("exec") << Kind::Refuse << QString(ErrorCode::AuthRequired) << false
                                  << false;
    QTest::newRow("second hello") << QStringLiteral("hello") << Kind::Refuse << QString(ErrorCode::AuthRequired)
                                  << false << false;
}

void TestConsoleLogin::auth()
{
    QFETCH(QString, change);
    QFETCH(Kind, kind);
    QFETCH(QString, code);
    QFETCH(bool, retryAfter);
    QFETCH(bool, penalized);

    SourcePenalties penalties;
    ConsoleLogin login(settingsFor(true), penalties);
    const auto now = ConsoleLogin::Clock::now();
    login.protocolDecided(WireProtocol::Framed, {});
    const ConsoleLogin::Step challenge = send(login, helloHeader(), now);
    QCOMPARE(challenge.kind, Kind::Wait);
    QCOMPARE(challenge.frame.value(Key::Type).toString(), QString(Type::AuthChallenge));
    QCOMPARE(challenge.frame.value(Key::Iterations).toInt(), PasswordHash::MinIterations);
    QCOMPARE(login.stage(), ConsoleLogin::Stage::Authenticating);

    QJsonObject header
        = answer(challenge.frame, change == u"password" ? QStringLiteral("guess") : QStringLiteral("secret"));
    if (change == u"mechanism")
        header.insert(Key::Mechanism, QStringLiteral("plain"));
    else if (change == u"short nonce")
        header.insert(Key::Nonce, QString::fromLatin1(QByteArray(8, 'n').toBase64()));
    else if (change == u"long proof")
        header.insert(Key::Proof, QString::fromLatin1(QByteArray(64 * 1024, 'p').toBase64()));
    else if (change == u"bad proof")
        header.insert(Key::Proof, QStringLiteral("%%%not base64%%%"));
    else if (change == u"number nonce")
        header.insert(Key::Nonce, 12345);
    else if (change == u"exec")
        header = {{Key::Type, Type::Exec}, {Key::Id, 1}, {Key::Command, QStringLiteral("ls")}};
    else if (change == u"hello")
        header = helloHeader();

    const ConsoleLogin::Step step = send(login, header, now);
    QCOMPARE(step.kind, kind);
    QCOMPARE(step.frame.value(Key::Code).toString(), code);
    QCOMPARE(step.frame.contains(Key::RetryAfter), retryAfter);
    QCOMPARE(penalties.failureCount(Remote), penalized ? 1 : 0);
    if (kind == Kind::Established) {
        QCOMPARE(step.auth, ConsoleLogin::Step::Auth::Succeeded);
        QVERIFY(step.frame.contains(Key::Proof)); // the server proves it knows the key too
    } else {
        QVERIFY(!login.isEstablished());
        // Nothing more is looked at: no second chance on this connection.
        QCOMPARE(send(login, answer(challenge.frame), now).kind, Kind::Wait);
        QVERIFY(!login.isEstablished());
    }
    if (penalized) {
        QCOMPARE(step.auth, ConsoleLogin::Step::Auth::Failed);
        QCOMPARE(step.penalty, PenaltyBase);
        QCOMPARE(step.frame.value(Key::RetryAfter).toInt(), 1);
        QCOMPARE(step.reason, QStringLiteral("wrong password"));
    }
}

void TestConsoleLogin::replayedProofIsRefused()
{
    // A proof overheard on one connection does not open another: each
    // challenge has its own nonce.
    SourcePenalties penalties;
    const auto now = ConsoleLogin::Clock::now();
    ConsoleLogin first(settingsFor(true), penalties);
    first.protocolDecided(WireProtocol::Framed, {});
    const QJsonObject overheard = answer(send(first, helloHeader(), now).frame);
    QCOMPARE(send(first, overheard, now).kind, Kind::Established);

    ConsoleLogin second(settingsFor(true), penalties);
    second.protocolDecided(WireProtocol::Framed, {});
    QCOMPARE(send(second, helloHeader(), now).kind, Kind::Wait);
    const ConsoleLogin::Step step = send(second, overheard, now);
    QCOMPARE(step.kind, Kind::Close);
    QCOMPARE(step.frame.value(Key::Code).toString(), QString(ErrorCode::AuthFailed));
    QVERIFY(!second.isEstablished());
}

void TestConsoleLogin::penaltiesDoubleAndClear()
{
    SourcePenalties penalties;
    auto now = ConsoleLogin::Clock::now();
    const auto fail = [&] {
        ConsoleLogin login(settingsFor(true), penalties);
        login.protocolDecided(WireProtocol::Framed, {});
        return send(login, answer(send(login, helloHeader(), now).frame, QStringLiteral("guess")), now);
    };
    QCOMPARE(fail().penalty, PenaltyBase);

    // Within the penalty, a new login is not even challenged.
    {
        ConsoleLogin login(settingsFor(true), penalties);
        login.protocolDecided(WireProtocol::Framed, {});
        const ConsoleLogin::Step step = send(login, helloHeader(), now + std::chrono::milliseconds(500));
        QCOMPARE(step.kind, Kind::Refuse);
        QCOMPARE(step.frame.value(Key::Code).toString(), QString(ErrorCode::Penalized));
        QCOMPARE(step.frame.value(Key::RetryAfter).toInt(), 1); // 500 ms, rounded up
    }
    // A penalty that begins while a login waits for its answer holds for it too.
    {
        ConsoleLogin login(settingsFor(true), penalties);
        login.protocolDecided(WireProtocol::Framed, {});
        now += PenaltyBase;
        const QJsonObject right = answer(send(login, helloHeader(), now).frame);
        QCOMPARE(fail().penalty, 2 * PenaltyBase); // doubled
        const ConsoleLogin::Step step = send(login, right, now);
        QCOMPARE(step.kind, Kind::Refuse);
        QCOMPARE(step.frame.value(Key::Code).toString(), QString(ErrorCode::Penalized));
        QCOMPARE(step.frame.value(Key::RetryAfter).toInt(), 2);
    }
    // Once it has passed, the right password logs in and clears the record.
    now += 2 * PenaltyBase;
    ConsoleLogin login(settingsFor(true), penalties);
    login.protocolDecided(WireProtocol::Framed, {});
    QCOMPARE(send(login, answer(send(login, helloHeader(), now).frame), now).kind, Kind::Established);
    QCOMPARE(penalties.failureCount(Remote), 0);
}

void TestConsoleLogin::graceExpired_data()
{
    QTest::addColumn<int>("messages"); // hello, then auth, as far as this row gets
    QTest::addColumn<bool>("framed");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QString>("code");

    QTest::newRow("silent") << 0 << false << Kind::Refuse << QString(); // protocol unknown: nothing to tell
    QTest::newRow("no hello") << 0 << true << Kind::ProtocolError << QString();
    QTest::newRow("no auth") << 1 << true << Kind::Refuse << QString(ErrorCode::AuthTimeout);
    QTest::newRow("logged in") << 2 << true << Kind::Wait << QString();
}

void TestConsoleLogin::graceExpired()
{
    QFETCH(int, messages);
    QFETCH(bool, framed);
    QFETCH(Kind, kind);
    QFETCH(QString, code);

    SourcePenalties penalties;
    ConsoleLogin login(settingsFor(true), penalties);
    const auto now = ConsoleLogin::Clock::now();
    if (framed)
        login.protocolDecided(WireProtocol::Framed, {});
    QJsonObject challenge;
    if (messages >= 1)
        challenge = send(login, helloHeader(), now).frame;
    if (messages >= 2)
        QCOMPARE(send(login, answer(challenge), now).kind, Kind::Established);
    const ConsoleLogin::Step step = login.graceExpired();
    QCOMPARE(step.kind, kind);
    QCOMPARE(step.frame.value(Key::Code).toString(), code);
    if (kind != Kind::Wait)
        QVERIFY(step.reason.contains(QStringLiteral("10 s")));
}

void TestConsoleLogin::durations()
{
    QCOMPARE(ConsoleLogin::describeDuration(std::chrono::seconds(10)), QStringLiteral("10 s"));
    QCOMPARE(ConsoleLogin::describeDuration(std::chrono::milliseconds(1500)), QStringLiteral("1500 ms"));
    QCOMPARE(ConsoleLogin::secondsUp(std::chrono::milliseconds(1)), 1);
    QCOMPARE(ConsoleLogin::secondsUp(std::chrono::milliseconds(2000)), 2);
    QCOMPARE(ConsoleLogin::secondsUp(std::chrono::milliseconds(0)), 0);
}

QTEST_GUILESS_MAIN(TestConsoleLogin)
#include "tst_consolelogin.moc"
