// PasswordHash, constantTimeEquals and the challenge-response proofs, as pure
// functions: known answers computed independently (Python's hashlib and hmac),
// round trips, and every kind of malformed or hostile hash text.
#include "net/auth/consoleauth.h"
#include "net/auth/passwordhash.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonValue>
#include <QTest>

using namespace Tincan;

namespace {
// PBKDF2-HMAC-SHA256("correct horse", bytes 0..15, 1000 iterations, 32 bytes).
const QString KnownHash
    = QStringLiteral("pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw==$yRTMTwbMbo9G0VfjobWqerzuuxe7BETNTErBbKKumGQ=");
const QString KnownPassword = QStringLiteral("correct horse");
const QString SaltB64 = QStringLiteral("AAECAwQFBgcICQoLDA0ODw==");
const QString KeyB64 = QStringLiteral("yRTMTwbMbo9G0VfjobWqerzuuxe7BETNTErBbKKumGQ=");

QString hashText(const QString &iterations, const QString &salt = SaltB64, const QString &key = KeyB64)
{
    return QStringLiteral("pbkdf2-sha256$%1$%2$%3").arg(iterations, salt, key);
}
} // namespace

class TestPasswordHash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deriveKeyKnownAnswer()
    {
        // RFC 7914 section 11: PBKDF2-HMAC-SHA256("passwd", "salt", 1), first 32 bytes.
        QCOMPARE(PasswordHash::deriveKey(QStringLiteral("passwd"), "salt", 1).toHex(),
                 QByteArray("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"));
    }

    void parseKnownHash()
    {
        const Expected<PasswordHash> hash = PasswordHash::fromString(KnownHash);
        QVERIFY2(hash, qPrintable(hash.error()));
        QCOMPARE(hash->iterations(), 1000);
        QCOMPARE(hash->salt(), QByteArray::fromHex("000102030405060708090a0b0c0d0e0f"));
        QCOMPARE(hash->key().size(), PasswordHash::KeySize);
        QVERIFY(hash->verify(KnownPassword));
        QVERIFY(!hash->verify(QStringLiteral("correct horse ")));
        QVERIFY(!hash->verify(QStringLiteral("Correct horse")));
        QVERIFY(!hash->verify(QString()));
        QCOMPARE(hash->toString(), KnownHash);
    }

    void goodStrings_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("iterations");
        QTest::newRow("known") << KnownHash << 1000;
        QTest::newRow("trailing newline") << KnownHash + u'\n' << 1000;
        QTest::newRow("CRLF") << KnownHash + QStringLiteral("\r\n") << 1000;
        QTest::newRow("surrounding spaces") << QStringLiteral("  ") + KnownHash + QStringLiteral("  ") << 1000;
        QTest::newRow("maximum iterations") << hashText(QStringLiteral("1000000")) << 1000000;
        QTest::newRow("default iterations")
            << hashText(QString::number(PasswordHash::DefaultIterations)) << PasswordHash::DefaultIterations;
        QTest::newRow("8-byte salt") << hashText(QStringLiteral("1000"), QStringLiteral("AAECAwQFBgc=")) << 1000;
        QTest::newRow("64-byte salt") << hashText(QStringLiteral("1000"),
                                                  QString::fromLatin1(QByteArray(64, 'x').toBase64()))
                                      << 1000;
    }

    void goodStrings()
    {
        QFETCH(QString, text);
        QFETCH(int, iterations);
        const Expected<PasswordHash> hash = PasswordHash::fromString(text);
        QVERIFY2(hash, qPrintable(hash.error()));
        QVERIFY(!hash->isNull());
        QCOMPARE(hash->iterations(), iterations);
        // The text form is canonical: parsing what it writes gives it back.
        QCOMPARE(PasswordHash::fromString(hash->toString())->toString(), hash->toString());
    }

    void badStrings_data()
    {
        QTest::addColumn<QString>("text");
        const QString key = KeyB64;
        QTest::newRow("empty") << QString();
        QTest::newRow("spaces") << QStringLiteral("   ");
        QTest::newRow("plain password") << QStringLiteral("hunter2");
        QTest::newRow("three fields") << QStringLiteral("pbkdf2-sha256$1000$") + SaltB64;
        QTest::newRow("five fields") << KnownHash + QStringLiteral("$extra");
        QTest::newRow("empty fields") << QStringLiteral("$$$");
        QTest::newRow("other scheme") << QStringLiteral("pbkdf2-sha1$1000$%1$%2").arg(SaltB64, key);
        QTest::newRow("scheme upper case") << QStringLiteral("PBKDF2-SHA256$1000$%1$%2").arg(SaltB64, key);
        QTest::newRow("bcrypt") << QStringLiteral("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW");
        QTest::newRow("iterations zero") << hashText(QStringLiteral("0"));
        QTest::newRow("iterations 1") << hashText(QStringLiteral("1"));
        QTest::newRow("iterations 999") << hashText(QStringLiteral("999"));
        QTest::newRow("iterations over the bound") << hashText(QStringLiteral("1000001"));
        QTest::newRow("iterations absurd") << hashText(QStringLiteral("99999999999999999999"));
        QTest::newRow("iterations 2^31") << hashText(QStringLiteral("2147483648"));
        QTest::newRow("iterations negative") << hashText(QStringLiteral("-1000"));
        QTest::newRow("iterations plus sign") << hashText(QStringLiteral("+1000"));
        QTest::newRow("iterations leading zero") << hashText(QStringLiteral("01000"));
        QTest::newRow("iterations hex") << hashText(QStringLiteral("0x3e8"));
        QTest::newRow("iterations float") << hashText(QStringLiteral("1000.0"));
        QTest::newRow("iterations exponent") << hashText(QStringLiteral("1e4"));
        QTest::newRow("iterations with space") << hashText(QStringLiteral("1 000"));
        QTest::newRow("iterations Arabic-Indic digits") << hashText(QStringLiteral("١٠٠٠"));
        QTest::newRow("iterations empty") << hashText(QString());
        QTest::newRow("salt empty") << hashText(QStringLiteral("1000"), QString());
        QTest::newRow("salt 7 bytes") << hashText(QStringLiteral("1000"), QStringLiteral("AAECAwQFBg=="));
        QTest::newRow("salt 65 bytes") << hashText(QStringLiteral("1000"),
                                                   QString::fromLatin1(QByteArray(65, 'x').toBase64()));
        QTest::newRow("salt not base64") << hashText(QStringLiteral("1000"), QStringLiteral("not*base64!!"));
        QTest::newRow("salt without padding")
            << hashText(QStringLiteral("1000"), QStringLiteral("AAECAwQFBgcICQoLDA0ODw"));
        QTest::newRow("salt url-safe alphabet") << hashText(QStringLiteral("1000"), QStringLiteral("-_-_-_-_-_-_"));
        QTest::newRow("salt non-canonical bits")
            << hashText(QStringLiteral("1000"), QStringLiteral("AAECAwQFBgcICQoLDA0ODx=="));
        QTest::newRow("salt non-ASCII") << hashText(QStringLiteral("1000"),
                                                    QStringLiteral("AAECAwQFBgcICQoLDA0OD\u00e9="));
        QTest::newRow("key 31 bytes") << hashText(QStringLiteral("1000"), SaltB64,
                                                  QString::fromLatin1(QByteArray(31, 'k').toBase64()));
        QTest::newRow("key 33 bytes") << hashText(QStringLiteral("1000"), SaltB64,
                                                  QString::fromLatin1(QByteArray(33, 'k').toBase64()));
        QTest::newRow("key empty") << hashText(QStringLiteral("1000"), SaltB64, QString());
        QTest::newRow("key hex") << hashText(QStringLiteral("1000"), SaltB64,
                                             QString::fromLatin1(QByteArray(32, 'k').toHex()));
        QTest::newRow("NUL inside") << KnownHash.left(20) + QChar(0) + KnownHash.mid(20);
        QTest::newRow("newline inside") << KnownHash.left(20) + u'\n' + KnownHash.mid(20);
        QTest::newRow("second line") << KnownHash + u'\n' + KnownHash;
        QTest::newRow("longer than the limit")
            << KnownHash + QString(PasswordHash::MaxTextSize, u' ').replace(u' ', u'A');
        QTest::newRow("huge") << QString(1 << 20, u'$');
    }

    void badStrings()
    {
        QFETCH(QString, text);
        const Expected<PasswordHash> hash = PasswordHash::fromString(text);
        QVERIFY(!hash);
        QVERIFY(!hash.error().isEmpty());
    }

    void createAndVerify_data()
    {
        QTest::addColumn<QString>("password");
        QTest::newRow("ascii") << QStringLiteral("hunter2");
        QTest::newRow("spaces inside") << QStringLiteral("correct horse battery staple");
        QTest::newRow("unicode") << QStringLiteral("一棵树🌲");
        QTest::newRow("dollar signs") << QStringLiteral("$pbkdf2-sha256$1$$");
        QTest::newRow("longest") << QString(PasswordHash::MaxPasswordSize, u'p');
    }

    void createAndVerify()
    {
        QFETCH(QString, password);
        const Expected<PasswordHash> hash = PasswordHash::create(password, PasswordHash::MinIterations);
        QVERIFY2(hash, qPrintable(hash.error()));
        QCOMPARE(hash->salt().size(), PasswordHash::SaltSize);
        QCOMPARE(hash->key().size(), PasswordHash::KeySize);
        QVERIFY(hash->verify(password));
        QVERIFY(!hash->verify(password + u'x'));
        // The text never holds the password.
        QVERIFY(!hash->toString().contains(password));
        const Expected<PasswordHash> parsed = PasswordHash::fromString(hash->toString());
        QVERIFY2(parsed, qPrintable(parsed.error()));
        QVERIFY(parsed->verify(password));
        QCOMPARE(parsed->key(), hash->key());
    }

    void saltIsFreshEachTime()
    {
        const auto a = PasswordHash::create(KnownPassword, PasswordHash::MinIterations);
        const auto b = PasswordHash::create(KnownPassword, PasswordHash::MinIterations);
        QVERIFY(a && b);
        QVERIFY(a->salt() != b->salt());
        QVERIFY(a->key() != b->key());
        QVERIFY(a->salt() != QByteArray(PasswordHash::SaltSize, '\0'));
    }

    void createRefuses_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<int>("iterations");
        QTest::newRow("empty password") << QString() << PasswordHash::MinIterations;
        QTest::newRow("too long") << QString(PasswordHash::MaxPasswordSize + 1, u'p') << PasswordHash::MinIterations;
        QTest::newRow("too long in UTF-8")
            << QString(PasswordHash::MaxPasswordSize / 2, QChar(0x4e00)) << PasswordHash::MinIterations;
        QTest::newRow("too few iterations") << KnownPassword << PasswordHash::MinIterations - 1;
        QTest::newRow("too many iterations") << KnownPassword << PasswordHash::MaxIterations + 1;
        QTest::newRow("negative iterations") << KnownPassword << -5;
    }

    void createRefuses()
    {
        QFETCH(QString, password);
        QFETCH(int, iterations);
        const Expected<PasswordHash> hash = PasswordHash::create(password, iterations);
        QVERIFY(!hash);
        QVERIFY(!hash.error().isEmpty());
    }

    void unicodeIsNormalised()
    {
        // "café" typed with a precomposed é and with e + combining acute is
        // the same password (NFC), as Python's PBKDF2 of the NFC form says.
        const QByteArray salt = QByteArray::fromHex("000102030405060708090a0b0c0d0e0f");
        const QByteArray expected = QByteArray::fromBase64("3lz/RBdSsdEEND1C5UGPVVI1YF25UA+NdN+veJf7EMo=");
        QCOMPARE(PasswordHash::deriveKey(QStringLiteral("caf\u00e9"), salt, 1000), expected);
        QCOMPARE(PasswordHash::deriveKey(QStringLiteral("cafe\u0301"), salt, 1000), expected);
    }

    void nullHash()
    {
        const PasswordHash none;
        QVERIFY(none.isNull());
        QVERIFY(none.toString().isEmpty());
        QVERIFY(!none.verify(QString()));
        QVERIFY(!none.verify(KnownPassword));
    }

    void defaultIterationsTakeLittleTime()
    {
        // The default must stay cheap enough for an interactive login; report
        // the cost rather than assert a time on a shared machine.
        QElapsedTimer timer;
        timer.start();
        const auto hash = PasswordHash::create(KnownPassword);
        QVERIFY(hash);
        QCOMPARE(hash->iterations(), PasswordHash::DefaultIterations);
        qInfo("%d iterations took %lld ms", PasswordHash::DefaultIterations, qint64(timer.elapsed()));
    }

    void constantTimeEquals_data()
    {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("equal");
        QTest::newRow("both empty") << QByteArray() << QByteArray() << true;
        QTest::newRow("same") << QByteArray("abcdef") << QByteArray("abcdef") << true;
        QTest::newRow("first byte") << QByteArray("xbcdef") << QByteArray("abcdef") << false;
        QTest::newRow("last byte") << QByteArray("abcdex") << QByteArray("abcdef") << false;
        QTest::newRow("one bit") << QByteArray("\x01", 1) << QByteArray("\x00", 1) << false;
        QTest::newRow("high bit") << QByteArray("\x80", 1) << QByteArray("\x00", 1) << false;
        QTest::newRow("prefix") << QByteArray("abc") << QByteArray("abcdef") << false;
        QTest::newRow("empty and not") << QByteArray() << QByteArray("a") << false;
        QTest::newRow("NULs") << QByteArray(32, '\0') << QByteArray(32, '\0') << true;
        QTest::newRow("NULs differ at the end") << QByteArray(32, '\0') << QByteArray(31, '\0') + '\x01' << false;
    }

    void constantTimeEquals()
    {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, equal);
        QCOMPARE(Tincan::constantTimeEquals(a, b), equal);
        QCOMPARE(Tincan::constantTimeEquals(b, a), equal);
    }

    // ---- challenge-response --------------------------------------------------

    void proofsKnownAnswer()
    {
        // HMAC-SHA256(key, server_nonce || client_nonce || context), computed
        // with Python's hmac from the layout in docs/PROTOCOL.md.
        const QByteArray key = QByteArray::fromBase64(KeyB64.toLatin1());
        const QByteArray serverNonce(32, '\x01');
        const QByteArray clientNonce(32, '\x02');
        QCOMPARE(ConsoleAuth::clientProof(key, serverNonce, clientNonce).toHex(),
                 QByteArray("064324a6e6b97b3f409baa50923332c627df5fdac9271fb6e7aa568ed8f5f630"));
        QCOMPARE(ConsoleAuth::serverProof(key, serverNonce, clientNonce).toHex(),
                 QByteArray("6674cd568e5549a16478104912ed1c9b3ef421eccae86b4ec92111d9c31cb666"));
        // Swapping the nonces gives another proof: the order is part of the input.
        QVERIFY(ConsoleAuth::clientProof(key, clientNonce, serverNonce)
                != ConsoleAuth::clientProof(key, serverNonce, clientNonce));
    }

    void noncesAreFresh()
    {
        const QByteArray a = ConsoleAuth::randomNonce();
        const QByteArray b = ConsoleAuth::randomNonce();
        QCOMPARE(a.size(), ConsoleAuth::NonceSize);
        QCOMPARE(b.size(), ConsoleAuth::NonceSize);
        QVERIFY(a != b);
    }

    void decodeBase64_data()
    {
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<int>("minSize");
        QTest::addColumn<int>("maxSize");
        QTest::addColumn<bool>("valid");
        const QString nonce = QString::fromLatin1(QByteArray(32, 'n').toBase64());
        QTest::newRow("32 bytes") << QJsonValue(nonce) << 32 << 32 << true;
        QTest::newRow("31 bytes") << QJsonValue(QString::fromLatin1(QByteArray(31, 'n').toBase64())) << 32 << 32
                                  << false;
        QTest::newRow("33 bytes") << QJsonValue(QString::fromLatin1(QByteArray(33, 'n').toBase64())) << 32 << 32
                                  << false;
        QTest::newRow("in range") << QJsonValue(QStringLiteral("AAECAwQFBgc=")) << 8 << 64 << true;
        QTest::newRow("number") << QJsonValue(42) << 1 << 64 << false;
        QTest::newRow("null") << QJsonValue() << 1 << 64 << false;
        QTest::newRow("undefined") << QJsonValue(QJsonValue::Undefined) << 1 << 64 << false;
        QTest::newRow("array") << QJsonValue(QJsonArray{nonce}) << 32 << 32 << false;
        QTest::newRow("empty") << QJsonValue(QString()) << 0 << 64 << false;
        QTest::newRow("bad characters") << QJsonValue(QStringLiteral("!!!!")) << 1 << 64 << false;
        QTest::newRow("unpadded") << QJsonValue(nonce.chopped(1)) << 32 << 32 << false;
        QTest::newRow("whitespace") << QJsonValue(u' ' + nonce) << 32 << 32 << false;
        QTest::newRow("huge") << QJsonValue(QString(1 << 20, u'A')) << 32 << 32 << false;
        QTest::newRow("non-ASCII") << QJsonValue(QString(44, QChar(0x0410))) << 32 << 32 << false;
    }

    void decodeBase64()
    {
        QFETCH(QJsonValue, value);
        QFETCH(int, minSize);
        QFETCH(int, maxSize);
        QFETCH(bool, valid);
        QCOMPARE(ConsoleAuth::decodeBase64(value, minSize, maxSize).has_value(), valid);
    }
};

QTEST_GUILESS_MAIN(TestPasswordHash)
#include "tst_passwordhash.moc"
