// ClientLogin, the client's side of the console login, without a socket:
// a whole login against the server's own state machine (ConsoleLogin), then a
// hostile or broken server: challenges it cannot answer, a welcome without the
// server's proof or with a forged one, and every refusal the server can give.
#include "net/auth/consoleauth.h"
#include "net/auth/passwordhash.h"
#include "net/console/clientlogin.h"
#include "net/console/consolelogin.h"
#include "net/wire/consoleprotocol.h"

#include <QTest>

using namespace Tincan;
using namespace Tincan::Console;
using Problem = ClientLogin::Problem;

Q_DECLARE_METATYPE(ClientLogin::Problem)

namespace {
const QString Host = QStringLiteral("server.example");
constexpr quint16 Port = 7000;

QString base64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

QJsonObject challenge(const QJsonValue &iterations = PasswordHash::MinIterations)
{
    return {{Key::Type, Type::AuthChallenge},
            {Key::Mechanism, ConsoleAuth::Mechanism},
            {Key::Nonce, base64(QByteArray(ConsoleAuth::NonceSize, 'n'))},
            {Key::Salt, base64(QByteArray(16, 's'))},
            {Key::Iterations, iterations}};
}

// A server's half of a login on `challengeHeader`, for the welcome's proof.
QByteArray serverProofFor(const QJsonObject &challengeHeader, const QJsonObject &auth, const QString &password)
{
    const QByteArray key = PasswordHash::deriveKey(
        password, QByteArray::fromBase64(challengeHeader.value(Key::Salt).toString().toLatin1()),
        challengeHeader.value(Key::Iterations).toInt());
    return ConsoleAuth::serverProof(key,
                                    QByteArray::fromBase64(challengeHeader.value(Key::Nonce).toString().toLatin1()),
                                    QByteArray::fromBase64(auth.value(Key::Nonce).toString().toLatin1()));
}

ConsoleLogin::Settings serverSettings(const QString &password)
{
    ConsoleLogin::Settings settings;
    settings.peer = QHostAddress(QStringLiteral("192.0.2.7"));
    settings.loginGraceTime = std::chrono::seconds(10);
    settings.outputEncoding = QStringLiteral("UTF-8");
    if (!password.isEmpty())
        settings.password = *PasswordHash::create(password, PasswordHash::MinIterations);
    return settings;
}

QJsonObject hello()
{
    return {{Key::Type, Type::Hello}, {Key::Version, ProtocolVersion}};
}
} // namespace

class TestClientLogin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The client against the server's login: the right password gets in and
    // the server proves itself; a wrong one is refused with the penalty.
    void againstServer_data()
    {
        QTest::addColumn<QString>("serverPassword");
        QTest::addColumn<QString>("clientPassword");
        QTest::addColumn<bool>("established");
        QTest::addColumn<bool>("authenticated");
        QTest::newRow("no password") << QString() << QString() << true << false;
        QTest::newRow("right password") << "secret"
                                        << "secret" << true << true;
        QTest::newRow("right password, Chinese") << "密码"
                                                 << "密码" << true << true;
        QTest::newRow("wrong password") << "secret"
                                        << "Secret" << false << false;
    }
    void againstServer()
    {
        QFETCH(QString, serverPassword);
        QFETCH(QString, clientPassword);
        QFETCH(bool, established);
        QFETCH(bool, authenticated);
        SourcePenalties penalties;
        ConsoleLogin server(serverSettings(serverPassword), penalties);
        QCOMPARE(server.protocolDecided(WireProtocol::Framed, {}).kind, ConsoleLogin::Step::Kind::Wait);
        const auto now = SourcePenalties::Clock::now();
        ConsoleLogin::Step step = server.receive(MessageType::Hello, Type::Hello, hello(), now);

        ClientLogin client;
        client.setPassword(clientPassword);
        client.begin(Host, Port);
        if (!serverPassword.isEmpty()) {
            QCOMPARE(step.frame.value(Key::Type).toString(), Type::AuthChallenge);
            const auto answer = client.answerChallenge(step.frame);
            QVERIFY(std::holds_alternative<QJsonObject>(answer));
            const QJsonObject auth = std::get<QJsonObject>(answer);
            QCOMPARE(auth.value(Key::Type).toString(), Type::Auth);
            QVERIFY(!auth.contains(QStringLiteral("password"))); // never the password itself
            step = server.receive(MessageType::Auth, Type::Auth, auth, now);
        }
        QCOMPARE(step.kind == ConsoleLogin::Step::Kind::Established, established);
        if (established) {
            QCOMPARE(step.frame.value(Key::Type).toString(), Type::Welcome);
            QVERIFY(!client.acceptWelcome(step.frame).has_value());
        } else {
            const ClientLogin::Refusal refused = client.refusal(step.frame);
            QCOMPARE(refused.problem, Problem::WrongPassword);
            QVERIFY(refused.retryAfter.count() >= 1);
            QVERIFY2(refused.message.contains(QString::number(refused.retryAfter.count())),
                     qPrintable(refused.message));
        }
        QCOMPARE(client.isAuthenticated(), authenticated);
    }

    // Challenges a client must not answer: stalling or weakening ones,
    // malformed ones, and asking without a password.
    void badChallenge_data()
    {
        QTest::addColumn<QJsonObject>("header");
        QTest::addColumn<QString>("password");
        QTest::addColumn<Problem>("problem");
        QJsonObject unknownMechanism = challenge();
        unknownMechanism[Key::Mechanism] = QStringLiteral("plain");
        QJsonObject shortNonce = challenge();
        shortNonce[Key::Nonce] = base64(QByteArray(ConsoleAuth::NonceSize - 1, 'n'));
        QJsonObject notBase64 = challenge();
        notBase64[Key::Nonce] = QStringLiteral("%%%%");
        QJsonObject shortSalt = challenge();
        shortSalt[Key::Salt] = base64(QByteArray(PasswordHash::MinSaltSize - 1, 's'));
        QJsonObject noSalt = challenge();
        noSalt.remove(Key::Salt);
        QTest::newRow("no password") << challenge() << QString() << Problem::PasswordRequired;
        QTest::newRow("unknown mechanism") << unknownMechanism << "secret" << Problem::Protocol;
        QTest::newRow("short nonce") << shortNonce << "secret" << Problem::Protocol;
        QTest::newRow("nonce not base64") << notBase64 << "secret" << Problem::Protocol;
        QTest::newRow("short salt") << shortSalt << "secret" << Problem::Protocol;
        QTest::newRow("no salt") << noSalt << "secret" << Problem::Protocol;
        QTest::newRow("a billion iterations") << challenge(1'000'000'000) << "secret" << Problem::Protocol;
        QTest::newRow("too few iterations")
            << challenge(PasswordHash::MinIterations - 1) << "secret" << Problem::Protocol;
        QTest::newRow("iterations a string") << challenge(QStringLiteral("1000")) << "secret" << Problem::Protocol;
        QTest::newRow("iterations fractional") << challenge(1000.5) << "secret" << Problem::Protocol;
        QTest::newRow("empty") << QJsonObject() << "secret" << Problem::Protocol;
    }
    void badChallenge()
    {
        QFETCH(QJsonObject, header);
        QFETCH(QString, password);
        QFETCH(Problem, problem);
        ClientLogin client;
        client.setPassword(password);
        client.begin(Host, Port);
        const auto answer = client.answerChallenge(header);
        QVERIFY(std::holds_alternative<ClientLogin::Refusal>(answer));
        const ClientLogin::Refusal refused = std::get<ClientLogin::Refusal>(answer);
        QCOMPARE(refused.problem, problem);
        QVERIFY2(refused.message.contains(QStringLiteral("%1:%2").arg(Host).arg(Port)), qPrintable(refused.message));
    }

    // A second challenge on one connection would let a server collect proofs.
    void secondChallengeRefused()
    {
        ClientLogin client;
        client.setPassword(QStringLiteral("secret"));
        client.begin(Host, Port);
        QVERIFY(std::holds_alternative<QJsonObject>(client.answerChallenge(challenge())));
        const auto again = client.answerChallenge(challenge());
        QVERIFY(std::holds_alternative<ClientLogin::Refusal>(again));
        QCOMPARE(std::get<ClientLogin::Refusal>(again).problem, Problem::Protocol);
        // A new connection may be challenged again.
        client.begin(Host, Port);
        QVERIFY(std::holds_alternative<QJsonObject>(client.answerChallenge(challenge())));
    }

    // After the password went out, a welcome must prove the server knows it.
    void welcomeProof_data()
    {
        QTest::addColumn<int>("proof"); // 0 none, 1 right, 2 forged, 3 short, 4 not a string
        QTest::addColumn<bool>("accepted");
        QTest::newRow("right") << 1 << true;
        QTest::newRow("missing") << 0 << false;
        QTest::newRow("forged") << 2 << false;
        QTest::newRow("short") << 3 << false;
        QTest::newRow("not a string") << 4 << false;
    }
    void welcomeProof()
    {
        QFETCH(int, proof);
        QFETCH(bool, accepted);
        ClientLogin client;
        client.setPassword(QStringLiteral("secret"));
        client.begin(Host, Port);
        const QJsonObject header = challenge();
        const QJsonObject auth = std::get<QJsonObject>(client.answerChallenge(header));
        QJsonObject welcome{{Key::Type, Type::Welcome}};
        const QByteArray right = serverProofFor(header, auth, QStringLiteral("secret"));
        if (proof == 1)
            welcome[Key::Proof] = base64(right);
        else if (proof == 2)
            welcome[Key::Proof] = base64(serverProofFor(header, auth, QStringLiteral("guess")));
        else if (proof == 3)
            welcome[Key::Proof] = base64(right.left(ConsoleAuth::ProofSize - 1));
        else if (proof == 4)
            welcome[Key::Proof] = 42;
        const std::optional<ClientLogin::Refusal> refused = client.acceptWelcome(welcome);
        QCOMPARE(!refused.has_value(), accepted);
        QCOMPARE(client.isAuthenticated(), accepted);
        if (refused)
            QCOMPARE(refused->problem, Problem::Protocol);
    }

    // What each refusal before the welcome means, with the wait clamped and
    // the server's words cut to a line.
    void refusals_data()
    {
        QTest::addColumn<QJsonObject>("error");
        QTest::addColumn<Problem>("problem");
        QTest::addColumn<qint64>("retryAfter");
        const auto error = [](QLatin1StringView code, const QJsonObject &extra = {}) {
            QJsonObject header{{Key::Type, Type::Error}, {Key::Code, code}, {Key::Message, QStringLiteral("no")}};
            for (auto it = extra.begin(); it != extra.end(); ++it)
                header.insert(it.key(), it.value());
            return header;
        };
        QTest::newRow("wrong password, wait")
            << error(ErrorCode::AuthFailed, {{Key::RetryAfter, 3}}) << Problem::WrongPassword << qint64(3);
        QTest::newRow("wrong password") << error(ErrorCode::AuthFailed) << Problem::WrongPassword << qint64(0);
        QTest::newRow("penalized") << error(ErrorCode::Penalized, {{Key::RetryAfter, 60}}) << Problem::Penalized
                                   << qint64(60);
        QTest::newRow("penalized, a year") << error(ErrorCode::Penalized, {{Key::RetryAfter, 365 * 24 * 3600}})
                                           << Problem::Penalized << qint64(ClientLogin::MaxRetryAfter.count());
        QTest::newRow("penalized, negative")
            << error(ErrorCode::Penalized, {{Key::RetryAfter, -5}}) << Problem::Penalized << qint64(0);
        QTest::newRow("tls required") << error(ErrorCode::TlsRequired) << Problem::Refused << qint64(0);
        QTest::newRow("auth timeout") << error(ErrorCode::AuthTimeout) << Problem::Refused << qint64(0);
        QTest::newRow("unknown code") << error(QLatin1StringView("from_the_future")) << Problem::Refused << qint64(0);
        QTest::newRow("no code") << QJsonObject{{Key::Type, Type::Error}} << Problem::Refused << qint64(0);
    }
    void refusals()
    {
        QFETCH(QJsonObject, error);
        QFETCH(Problem, problem);
        QFETCH(qint64, retryAfter);
        ClientLogin client;
        client.begin(Host, Port);
        const ClientLogin::Refusal refused = client.refusal(error);
        QCOMPARE(refused.problem, problem);
        QCOMPARE(refused.retryAfter.count(), retryAfter);
        QVERIFY(!refused.message.isEmpty());
    }

    void floodedMessageIsCut()
    {
        ClientLogin client;
        client.begin(Host, Port);
        const QJsonObject error{{Key::Type, Type::Error},
                                {Key::Code, QStringLiteral("refused")},
                                {Key::Message, QString(1'000'000, QLatin1Char('x'))}};
        const ClientLogin::Refusal refused = client.refusal(error);
        QVERIFY(refused.message.size() < ClientLogin::MaxQuotedServerText + 200);
        QVERIFY(refused.message.contains(QString(ClientLogin::MaxQuotedServerText, QLatin1Char('x'))));
    }
};

QTEST_GUILESS_MAIN(TestClientLogin)
#include "tst_clientlogin.moc"
