// TlsIdentity, TlsFingerprint and TlsPinning: the identity made on first start
// (files, permissions, certificate contents), every way its files can be bad,
// the fingerprint's text forms, the pure pin decision, and real handshakes
// between a QSslServer and a pinned QSslSocket over loopback.
#include "net/tls/tlsfingerprint.h"
#include "net/tls/tlsidentity.h"
#include "net/tls/tlspinning.h"
#include "tlstestdata.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QSslCertificateExtension>
#include <QSslConfiguration>
#include <QSslServer>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>
#include <memory>

#include <sys/stat.h>
#include <unistd.h>

using namespace Tincan;
namespace TlsData = Tincan::Test::TlsData;

namespace {

// The permission bits of a path, as chmod writes them; -1 if it is missing.
int modeOf(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 07777);
}

bool setMode(const QString &path, int mode)
{
    return ::chmod(QFile::encodeName(path).constData(), mode_t(mode)) == 0;
}

bool writeFile(const QString &path, const QByteArray &contents)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(contents) == contents.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString keyPath(const QString &directory)
{
    return QDir(directory).filePath(TlsIdentity::KeyFileName);
}

QString certificatePath(const QString &directory)
{
    return QDir(directory).filePath(TlsIdentity::CertificateFileName);
}

// Writes a key and certificate, owner-only, into a new directory `name`.
QString writeIdentityFiles(const QTemporaryDir &temp, const QString &name, const QByteArray &key,
                           const QByteArray &certificate)
{
    const QString directory = temp.filePath(name);
    if (!QDir().mkdir(directory) || !setMode(directory, 0700) || !writeFile(keyPath(directory), key)
        || !writeFile(certificatePath(directory), certificate) || !setMode(keyPath(directory), 0600)
        || !setMode(certificatePath(directory), 0600))
        return {};
    return directory;
}

using Mutation = std::function<bool(const QString &directory, const QString &otherDirectory)>;

} // namespace

Q_DECLARE_METATYPE(Mutation)
Q_DECLARE_METATYPE(Tincan::TlsPinning::Outcome)

class TestTlsIdentity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void createsIdentityOnFirstStart();
    void certificateContents();
    void reloadsTheSameIdentity();
    void identitiesDiffer();
    void loadDoesNotCreate();
    void refusesBadFiles_data();
    void refusesBadFiles();
    void keyWithoutCertificateIsKept();
    void certificateWithoutKeyIsReplaced();
    void permissions_data();
    void permissions();
    void refusesFilesOfAnotherUser();
    void reportsUnwritableDirectory();
    void acceptsSuppliedRsaIdentity();

    void fingerprintKnownVectors();
    void fingerprintOfCertificateMatchesOpenssl();
    void fingerprintParsing_data();
    void fingerprintParsing();

    void pinDecision_data();
    void pinDecision();

    void handshake_data();
    void handshake();
    void handshakeOverTls12();
    void pinCheckedEvenWhenNoErrorsAreReported();
    void clientConfigurationTrustsNoAuthority();

private:
    // Two identities made once for the whole run (key generation is quick,
    // but the handshake cases need stable pairs).
    QTemporaryDir m_temp;
    TlsIdentity m_server;
    TlsIdentity m_other;
};

void TestTlsIdentity::initTestCase()
{
    QVERIFY2(QSslSocket::supportsSsl(), qPrintable(QSslSocket::activeBackend()));
    QVERIFY(m_temp.isValid());
    QVERIFY2(m_server.loadOrCreate(m_temp.filePath(QStringLiteral("server"))), qPrintable(m_server.errorString()));
    QVERIFY2(m_other.loadOrCreate(m_temp.filePath(QStringLiteral("other"))), qPrintable(m_other.errorString()));
}

// ---- the identity on disk --------------------------------------------------

void TestTlsIdentity::createsIdentityOnFirstStart()
{
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    // Two levels that do not exist yet: the app passes its data directory.
    const QString directory = temp.filePath(QStringLiteral("data/tls"));
    TlsIdentity identity;
    QVERIFY2(identity.loadOrCreate(directory), qPrintable(identity.errorString()));
    QVERIFY(identity.wasCreated());
    QVERIFY(!identity.isNull());
    QVERIFY(identity.errorString().isEmpty());
    QVERIFY(identity.notes().isEmpty());
    QCOMPARE(identity.keyFilePath(), keyPath(directory));
    QCOMPARE(identity.certificateFilePath(), certificatePath(directory));

    QCOMPARE(modeOf(directory), 0700);
    QCOMPARE(modeOf(keyPath(directory)), 0600);
    QCOMPARE(modeOf(certificatePath(directory)), 0600);

    // The files are plain PEM that Qt (and any other tool) reads back.
    const QByteArray keyPem = readFile(keyPath(directory));
    const QByteArray certificatePem = readFile(certificatePath(directory));
    QVERIFY(keyPem.startsWith("-----BEGIN PRIVATE KEY-----\n"));
    QVERIFY(certificatePem.startsWith("-----BEGIN CERTIFICATE-----\n"));
    const QSslKey keyFromFile(keyPem, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    QVERIFY(!keyFromFile.isNull());
    QCOMPARE(keyFromFile, identity.privateKey());
    QCOMPARE(QSslCertificate(certificatePem, QSsl::Pem), identity.certificate());
    QCOMPARE(identity.privateKey().type(), QSsl::PrivateKey);
    QCOMPARE(identity.privateKey().algorithm(), QSsl::Ec);
}

void TestTlsIdentity::certificateContents()
{
    const QSslCertificate certificate = m_server.certificate();
    QVERIFY(certificate.isSelfSigned());
    QCOMPARE(certificate.version(), QByteArray("3"));
    QCOMPARE(certificate.subjectInfo(QSslCertificate::CommonName), QStringList{TlsIdentity::commonName()});
    QCOMPARE(certificate.issuerInfo(QSslCertificate::CommonName), QStringList{TlsIdentity::commonName()});
    QVERIFY(TlsIdentity::commonName().startsWith(QStringLiteral("Tincan console")));
    QVERIFY(TlsIdentity::commonName().size() <= 64);

    // EC P-256, signed with ECDSA over SHA-256.
    QCOMPARE(certificate.publicKey().algorithm(), QSsl::Ec);
    QCOMPARE(certificate.publicKey().length(), 256);
    QVERIFY2(certificate.toText().contains(QStringLiteral("ecdsa-with-SHA256")), qPrintable(certificate.toText()));

    // About ten years, starting a day back for clocks that run behind.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 backdate = certificate.effectiveDate().secsTo(now);
    QVERIFY2(backdate >= TlsIdentity::BackdateSeconds - 3600 && backdate <= TlsIdentity::BackdateSeconds + 3600,
             qPrintable(QString::number(backdate)));
    const qint64 validDays = now.daysTo(certificate.expiryDate());
    QVERIFY2(validDays >= TlsIdentity::ValidityDays - 1 && validDays <= TlsIdentity::ValidityDays,
             qPrintable(QString::number(validDays)));

    // A random serial of 16 bytes, positive.
    const QList<QByteArray> serial = certificate.serialNumber().split(':');
    QCOMPARE(serial.size(), TlsIdentity::SerialBytes);
    bool ok = false;
    const int firstByte = serial.first().toInt(&ok, 16);
    QVERIFY(ok);
    QVERIFY(firstByte >= 0x40 && firstByte <= 0x7f);

    // A server certificate that cannot sign others.
    bool sawBasicConstraints = false;
    for (const QSslCertificateExtension &extension : certificate.extensions()) {
        if (extension.name() == QLatin1StringView("basicConstraints")) {
            sawBasicConstraints = true;
            QVERIFY(extension.isCritical());
            QCOMPARE(extension.value().toMap().value(QStringLiteral("ca")).toBool(), false);
        }
    }
    QVERIFY(sawBasicConstraints);
}

void TestTlsIdentity::reloadsTheSameIdentity()
{
    TlsIdentity again;
    const QString directory = QFileInfo(m_server.keyFilePath()).absolutePath();
    QVERIFY2(again.loadOrCreate(directory), qPrintable(again.errorString()));
    QVERIFY(!again.wasCreated());
    QCOMPARE(again.fingerprint(), m_server.fingerprint());
    QCOMPARE(again.certificate(), m_server.certificate());
    QCOMPARE(again.privateKey(), m_server.privateKey());
    QVERIFY(again.notes().isEmpty());

    TlsIdentity loaded;
    QVERIFY2(loaded.load(directory), qPrintable(loaded.errorString()));
    QCOMPARE(loaded.fingerprint(), m_server.fingerprint());
}

void TestTlsIdentity::identitiesDiffer()
{
    QVERIFY(m_server.fingerprint() != m_other.fingerprint());
    QVERIFY(m_server.privateKey() != m_other.privateKey());
    QVERIFY(m_server.certificate().serialNumber() != m_other.certificate().serialNumber());
}

void TestTlsIdentity::loadDoesNotCreate()
{
    QTemporaryDir temp;
    const QString directory = temp.filePath(QStringLiteral("missing"));
    TlsIdentity identity;
    QVERIFY(!identity.load(directory));
    QVERIFY(identity.isNull());
    QVERIFY2(identity.errorString().contains(QStringLiteral("no TLS identity")), qPrintable(identity.errorString()));
    QVERIFY(!QFileInfo::exists(directory));

    QVERIFY(QDir().mkdir(directory, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QVERIFY(!identity.load(directory));
    QVERIFY(!QFileInfo::exists(keyPath(directory)));

    QVERIFY(!identity.loadOrCreate(QString()));
    QVERIFY(!identity.errorString().isEmpty());
}

void TestTlsIdentity::refusesBadFiles_data()
{
    QTest::addColumn<Mutation>("mutate");
    QTest::addColumn<QString>("expectedError");

    const auto replaceKey = [](const QByteArray &contents) -> Mutation {
        return
            [contents](const QString &directory, const QString &) { return writeFile(keyPath(directory), contents); };
    };
    const auto replaceCertificate = [](const QByteArray &contents) -> Mutation {
        return [contents](const QString &directory, const QString &) {
            return writeFile(certificatePath(directory), contents);
        };
    };
    QTest::newRow("key: not PEM") << replaceKey("this is not a key\n")
                                  << QStringLiteral("does not hold a PEM private key");
    QTest::newRow("key: empty") << replaceKey({}) << QStringLiteral("does not hold a PEM private key");
    QTest::newRow("key: a certificate") << replaceKey(TlsData::RsaCertificate)
                                        << QStringLiteral("does not hold a PEM private key");
    QTest::newRow("key: truncated") << Mutation([](const QString &directory, const QString &) {
        const QByteArray pem = readFile(keyPath(directory));
        return writeFile(keyPath(directory), pem.left(pem.size() / 2));
    }) << QStringLiteral("does not hold a PEM private key");
    QTest::newRow("key: one base64 character changed") << Mutation([](const QString &directory, const QString &) {
        QByteArray pem = readFile(keyPath(directory));
        const qsizetype at = pem.indexOf('\n') + 10;
        pem[at] = pem[at] == 'A' ? 'B' : 'A';
        return writeFile(keyPath(directory), pem);
    }) << QStringLiteral("private key");
    QTest::newRow("key: binary junk") << replaceKey(QByteArray("\0\xff\x01-----BEGIN", 12))
                                      << QStringLiteral("does not hold a PEM private key");
    QTest::newRow("key: passphrase") << replaceKey(TlsData::EncryptedKey) << QStringLiteral("passphrase");
    QTest::newRow("key: too large") << replaceKey(QByteArray(TlsIdentity::MaxPemFileSize + 1, 'A'))
                                    << QStringLiteral("larger than");
    QTest::newRow("key: a directory") << Mutation([](const QString &directory, const QString &) {
        return QFile::remove(keyPath(directory)) && QDir().mkdir(keyPath(directory));
    }) << QStringLiteral("not a regular file");
    QTest::newRow("key: another identity's") << Mutation([](const QString &directory, const QString &other) {
        return writeFile(keyPath(directory), readFile(keyPath(other)));
    }) << QStringLiteral("does not belong to the certificate");

    QTest::newRow("certificate: not PEM") << replaceCertificate("-----BEGIN CERTIFICATE-----\nnonsense\n")
                                          << QStringLiteral("does not hold a PEM certificate");
    QTest::newRow("certificate: empty") << replaceCertificate({}) << QStringLiteral("does not hold a PEM certificate");
    QTest::newRow("certificate: truncated") << Mutation([](const QString &directory, const QString &) {
        const QByteArray pem = readFile(certificatePath(directory));
        return writeFile(certificatePath(directory), pem.left(pem.size() - 40));
    }) << QStringLiteral("does not hold a PEM certificate");
    QTest::newRow("certificate: a key") << replaceCertificate(TlsData::RsaKey)
                                        << QStringLiteral("does not hold a PEM certificate");
    QTest::newRow("certificate: too large")
        << replaceCertificate(QByteArray(TlsIdentity::MaxPemFileSize + 1, '\n')) << QStringLiteral("larger than");
    QTest::newRow("certificate: another identity's") << Mutation([](const QString &directory, const QString &other) {
        return writeFile(certificatePath(directory), readFile(certificatePath(other)));
    }) << QStringLiteral("does not belong to the certificate");

    // Whole pairs that belong together but cannot be served.
    const auto replaceBoth = [](const QByteArray &key, const QByteArray &certificate) -> Mutation {
        return [key, certificate](const QString &directory, const QString &) {
            return writeFile(keyPath(directory), key) && writeFile(certificatePath(directory), certificate);
        };
    };
    QTest::newRow("pair: Ed25519") << replaceBoth(TlsData::Ed25519Key, TlsData::Ed25519Certificate)
                                   << QStringLiteral("of a kind the console cannot use (ED25519)");
    QTest::newRow("pair: expired") << replaceBoth(TlsData::ExpiredKey, TlsData::ExpiredCertificate)
                                   << QStringLiteral("expired on 2016-01-01T00:00:00Z");
    QTest::newRow("pair: signed by another key")
        << replaceBoth(TlsData::ForgedKey, TlsData::ForgedCertificate) << QStringLiteral("not validly self-signed");
}

void TestTlsIdentity::refusesBadFiles()
{
    QFETCH(Mutation, mutate);
    QFETCH(QString, expectedError);

    QTemporaryDir temp;
    const QString directory = temp.filePath(QStringLiteral("identity"));
    {
        TlsIdentity identity;
        QVERIFY2(identity.loadOrCreate(directory), qPrintable(identity.errorString()));
    }
    const QString otherDirectory = QFileInfo(m_other.keyFilePath()).absolutePath();
    QVERIFY(mutate(directory, otherDirectory));
    const QByteArray keyBefore = readFile(keyPath(directory));

    TlsIdentity identity;
    QVERIFY(!identity.loadOrCreate(directory));
    QVERIFY(identity.isNull());
    QVERIFY(identity.privateKey().isNull());
    QVERIFY2(identity.errorString().contains(expectedError), qPrintable(identity.errorString()));
    QVERIFY(!identity.wasCreated());
    // Bad files are reported, never replaced.
    QCOMPARE(readFile(keyPath(directory)), keyBefore);
}

void TestTlsIdentity::keyWithoutCertificateIsKept()
{
    QTemporaryDir temp;
    const QString directory = temp.filePath(QStringLiteral("identity"));
    TlsIdentity identity;
    QVERIFY(identity.loadOrCreate(directory));
    const QByteArray key = readFile(keyPath(directory));
    QVERIFY(QFile::remove(certificatePath(directory)));

    QVERIFY(!identity.loadOrCreate(directory));
    QVERIFY2(identity.errorString().contains(QStringLiteral("no certificate")), qPrintable(identity.errorString()));
    QCOMPARE(readFile(keyPath(directory)), key);
    QVERIFY(!QFileInfo::exists(certificatePath(directory)));
}

void TestTlsIdentity::certificateWithoutKeyIsReplaced()
{
    QTemporaryDir temp;
    const QString directory = temp.filePath(QStringLiteral("identity"));
    TlsIdentity first;
    QVERIFY(first.loadOrCreate(directory));
    QVERIFY(QFile::remove(keyPath(directory)));

    TlsIdentity second;
    QVERIFY2(second.loadOrCreate(directory), qPrintable(second.errorString()));
    QVERIFY(second.wasCreated());
    QVERIFY(second.fingerprint() != first.fingerprint());
    QCOMPARE(second.notes().size(), 1);
    QVERIFY2(second.notes().first().contains(QStringLiteral("no private key")), qPrintable(second.notes().first()));

    TlsIdentity withoutCreating;
    QVERIFY(QFile::remove(keyPath(directory)));
    QVERIFY(!withoutCreating.load(directory));
}

void TestTlsIdentity::permissions_data()
{
    QTest::addColumn<QString>("which"); // "directory", "key" or "certificate"
    QTest::addColumn<int>("looseMode");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<int>("modeAfter");
    QTest::addColumn<QString>("message"); // in notes() when accepted, errorString() otherwise

    QTest::newRow("key readable by group") << "key" << 0640 << false << 0640 << "mode 0640";
    QTest::newRow("key readable by all") << "key" << 0644 << false << 0644 << "chmod 600";
    QTest::newRow("key writable by others") << "key" << 0602 << false << 0602 << "mode 0602";
    QTest::newRow("key group-executable") << "key" << 0610 << false << 0610 << "may have been copied";
    QTest::newRow("key read-only for owner") << "key" << 0400 << true << 0400 << "";
    QTest::newRow("certificate readable by all") << "certificate" << 0644 << true << 0600 << "mode was 0644";
    QTest::newRow("certificate writable by group") << "certificate" << 0620 << true << 0600 << "mode was 0620";
    QTest::newRow("directory open to all") << "directory" << 0755 << true << 0700 << "mode was 0755";
    QTest::newRow("directory group-writable") << "directory" << 0770 << true << 0700 << "mode was 0770";
    QTest::newRow("directory owner-only") << "directory" << 0700 << true << 0700 << "";
}

void TestTlsIdentity::permissions()
{
    QFETCH(QString, which);
    QFETCH(int, looseMode);
    QFETCH(bool, accepted);
    QFETCH(int, modeAfter);
    QFETCH(QString, message);

    QTemporaryDir temp;
    const QString directory = temp.filePath(QStringLiteral("identity"));
    TlsIdentity created;
    QVERIFY(created.loadOrCreate(directory));
    const QString path = which == u"key" ? keyPath(directory)
        : which == u"certificate"        ? certificatePath(directory)
                                         : directory;
    QVERIFY(setMode(path, looseMode));

    TlsIdentity identity;
    QCOMPARE(identity.loadOrCreate(directory), accepted);
    QCOMPARE(modeOf(path), modeAfter);
    if (accepted) {
        QCOMPARE(identity.fingerprint(), created.fingerprint());
        if (message.isEmpty()) {
            QVERIFY(identity.notes().isEmpty());
        } else {
            QCOMPARE(identity.notes().size(), 1);
            QVERIFY2(identity.notes().first().contains(message), qPrintable(identity.notes().first()));
            QVERIFY(identity.notes().first().contains(QDir::toNativeSeparators(path)));
        }
    } else {
        QVERIFY(identity.isNull());
        QVERIFY2(identity.errorString().contains(message), qPrintable(identity.errorString()));
        QVERIFY(identity.errorString().contains(QDir::toNativeSeparators(path)));
    }
}

void TestTlsIdentity::refusesFilesOfAnotherUser()
{
    if (::geteuid() != 0)
        QSKIP("Giving a file to another user needs root.");
    constexpr uid_t Nobody = 65534;
    for (const QString &which : {QStringLiteral("directory"), QStringLiteral("key"), QStringLiteral("certificate")}) {
        QTemporaryDir temp;
        const QString directory = temp.filePath(QStringLiteral("identity"));
        TlsIdentity created;
        QVERIFY(created.loadOrCreate(directory));
        const QString path = which == u"key" ? keyPath(directory)
            : which == u"certificate"        ? certificatePath(directory)
                                             : directory;
        QVERIFY(::chown(QFile::encodeName(path).constData(), Nobody, gid_t(-1)) == 0);
        TlsIdentity identity;
        QVERIFY2(!identity.loadOrCreate(directory), qPrintable(which));
        QVERIFY2(identity.errorString().contains(QStringLiteral("belongs to another user")),
                 qPrintable(identity.errorString()));
    }
}

void TestTlsIdentity::reportsUnwritableDirectory()
{
    QTemporaryDir temp;
    // A path below a regular file can never be created, whoever we are.
    const QString file = temp.filePath(QStringLiteral("file"));
    QVERIFY(writeFile(file, "x"));
    TlsIdentity identity;
    QVERIFY(!identity.loadOrCreate(file + QStringLiteral("/identity")));
    QVERIFY2(identity.errorString().contains(QStringLiteral("Could not create the directory")),
             qPrintable(identity.errorString()));

    QVERIFY(!identity.loadOrCreate(file));
    QVERIFY2(identity.errorString().contains(QStringLiteral("is not a directory")), qPrintable(identity.errorString()));

    if (::geteuid() == 0)
        return; // root writes anywhere
    const QString readOnly = temp.filePath(QStringLiteral("readonly"));
    QVERIFY(QDir().mkdir(readOnly));
    QVERIFY(setMode(readOnly, 0500));
    QVERIFY(!identity.loadOrCreate(readOnly));
    QVERIFY2(identity.errorString().contains(QStringLiteral("Could not write")), qPrintable(identity.errorString()));
    QVERIFY(setMode(readOnly, 0700));
}

void TestTlsIdentity::acceptsSuppliedRsaIdentity()
{
    QTemporaryDir temp;
    const QString directory = writeIdentityFiles(temp, QStringLiteral("rsa"), TlsData::RsaKey, TlsData::RsaCertificate);
    QVERIFY(!directory.isEmpty());
    TlsIdentity identity;
    QVERIFY2(identity.loadOrCreate(directory), qPrintable(identity.errorString()));
    QVERIFY(!identity.wasCreated());
    QCOMPARE(identity.privateKey().algorithm(), QSsl::Rsa);
    QCOMPARE(identity.certificate(), QSslCertificate(TlsData::RsaCertificate, QSsl::Pem));
}

// ---- fingerprints ----------------------------------------------------------

void TestTlsIdentity::fingerprintKnownVectors()
{
    // SHA-256 of nothing, as `ssh-keygen -l` and `openssl dgst` print it.
    const auto empty = TlsFingerprint::fromDigest(QCryptographicHash::hash({}, QCryptographicHash::Sha256));
    QVERIFY(empty);
    QCOMPARE(empty->toString(), QStringLiteral("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"));
    QCOMPARE(empty->toHexString(),
             QStringLiteral("E3:B0:C4:42:98:FC:1C:14:9A:FB:F4:C8:99:6F:B9:24:27:AE:41:E4:64:9B:"
                            "93:4C:A4:95:99:1B:78:52:B8:55"));

    QVERIFY(!TlsFingerprint::fromDigest(QByteArray(31, 'x')));
    QVERIFY(!TlsFingerprint::fromDigest(QByteArray(33, 'x')));
    QVERIFY(TlsFingerprint().isNull());
    QVERIFY(TlsFingerprint().toString().isEmpty());
    QVERIFY(TlsFingerprint::of(QSslCertificate()).isNull());
    QVERIFY(TlsFingerprint() != *empty);
}

void TestTlsIdentity::fingerprintOfCertificateMatchesOpenssl()
{
    const QSslCertificate certificate(TlsData::P256Certificate, QSsl::Pem);
    QVERIFY(!certificate.isNull());
    const TlsFingerprint fingerprint = TlsIdentity::fingerprint(certificate);
    QCOMPARE(fingerprint.toHexString(), QString::fromLatin1(TlsData::P256CertificateOpensslFingerprint));
    QCOMPARE(fingerprint.digest(), QCryptographicHash::hash(certificate.toDer(), QCryptographicHash::Sha256));
    QCOMPARE(TlsFingerprint::fromString(fingerprint.toString()), fingerprint);
    QCOMPARE(TlsFingerprint::fromString(fingerprint.toHexString()), fingerprint);

    // The identity's fingerprint is its certificate file's.
    const QSslCertificate fromFile(readFile(m_server.certificateFilePath()), QSsl::Pem);
    QCOMPARE(m_server.fingerprint(), TlsFingerprint::of(fromFile));
}

void TestTlsIdentity::fingerprintParsing_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");

    const QString base64 = QStringLiteral("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU");
    const QString hex
        = QStringLiteral("E3:B0:C4:42:98:FC:1C:14:9A:FB:F4:C8:99:6F:B9:24:27:AE:41:E4:64:9B:93:4C:A4:95:99:"
                         "1B:78:52:B8:55");
    QString plainHex = hex;
    plainHex.remove(u':');

    QTest::newRow("canonical") << (u"SHA256:" + base64) << true;
    QTest::newRow("padded") << (u"SHA256:" + base64 + u'=') << true;
    QTest::newRow("surrounding spaces") << (u"  SHA256:" + base64 + u"\t\n") << true;
    QTest::newRow("hex with colons") << hex << true;
    QTest::newRow("hex lower case") << hex.toLower() << true;
    QTest::newRow("hex without colons") << plainHex << true;

    QTest::newRow("empty") << QString() << false;
    QTest::newRow("prefix only") << QStringLiteral("SHA256:") << false;
    QTest::newRow("lower-case prefix") << (u"sha256:" + base64) << false;
    QTest::newRow("other algorithm") << (u"SHA1:" + base64) << false;
    QTest::newRow("no prefix") << base64 << false;
    QTest::newRow("base64 one short") << (u"SHA256:" + base64.left(42)) << false;
    QTest::newRow("base64 one long") << (u"SHA256:" + base64 + u'A') << false;
    QTest::newRow("two pads") << (u"SHA256:" + base64 + u"==") << false;
    QTest::newRow("url-safe alphabet") << (u"SHA256:" + QString(base64).replace(u'+', u'-')) << false;
    QTest::newRow("space inside") << (u"SHA256:" + base64.left(20) + u' ' + base64.mid(20)) << false;
    // "U" ends the canonical text; "V" differs only in bits that are not used.
    QTest::newRow("non-canonical last character") << (u"SHA256:" + base64.left(42) + u'V') << false;
    QTest::newRow("hex one pair short") << hex.left(hex.size() - 3) << false;
    QTest::newRow("hex one digit short") << plainHex.left(63) << false;
    QTest::newRow("hex not hex") << (QStringLiteral("G3") + hex.mid(2)) << false;
    QTest::newRow("hex misplaced colon") << (hex.left(2) + hex.mid(3, 1) + u':' + hex.mid(4)) << false;
    QTest::newRow("hex dashes") << QString(hex).replace(u':', u'-') << false;
    QTest::newRow("hex with prefix") << (u"SHA256:" + hex) << false;
    QTest::newRow("NUL") << QString(QChar(0)) << false;
    QTest::newRow("very long") << QString(100000, u'A') << false;
}

void TestTlsIdentity::fingerprintParsing()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);

    const std::optional<TlsFingerprint> parsed = TlsFingerprint::fromString(text);
    QCOMPARE(parsed.has_value(), valid);
    if (valid) {
        QCOMPARE(parsed->digest(), QCryptographicHash::hash({}, QCryptographicHash::Sha256));
        QCOMPARE(parsed->toString(), QStringLiteral("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"));
    }
}

// ---- the pin decision ------------------------------------------------------

void TestTlsIdentity::pinDecision_data()
{
    QTest::addColumn<QList<QSslError>>("errors");
    QTest::addColumn<QString>("peer");     // "server", "other" or "none"
    QTest::addColumn<QString>("expected"); // "server", "other" or "none"
    QTest::addColumn<TlsPinning::Outcome>("outcome");

    const QSslCertificate server = m_server.certificate();
    const QSslCertificate other = m_other.certificate();
    const QSslError selfSigned(QSslError::SelfSignedCertificate, server);
    const QSslError hostName(QSslError::HostNameMismatch, server);
    using O = TlsPinning::Outcome;

    QTest::newRow("pinned, the usual two errors") << QList<QSslError>{hostName, selfSigned} << "server"
                                                  << "server" << O::Accepted;
    QTest::newRow("pinned, no errors") << QList<QSslError>{} << "server"
                                       << "server" << O::Accepted;
    QTest::newRow("pinned, error without a certificate")
        << QList<QSslError>{QSslError(QSslError::SelfSignedCertificate)} << "server"
        << "server" << O::Accepted;
    QTest::newRow("pinned, expired") << QList<QSslError>{selfSigned, QSslError(QSslError::CertificateExpired, server)}
                                     << "server"
                                     << "server" << O::CertificateRejected;
    QTest::newRow("pinned, not yet valid")
        << QList<QSslError>{QSslError(QSslError::CertificateNotYetValid, server)} << "server"
        << "server" << O::CertificateRejected;
    QTest::newRow("pinned, bad signature")
        << QList<QSslError>{QSslError(QSslError::CertificateSignatureFailed, server)} << "server"
        << "server" << O::CertificateRejected;
    QTest::newRow("pinned, issued by an unknown authority")
        << QList<QSslError>{QSslError(QSslError::UnableToGetLocalIssuerCertificate, server)} << "server"
        << "server" << O::CertificateRejected;
    QTest::newRow("pinned, self-signed error about another certificate")
        << QList<QSslError>{hostName, QSslError(QSslError::SelfSignedCertificate, other)} << "server"
        << "server" << O::CertificateRejected;
    QTest::newRow("pinned, unspecified") << QList<QSslError>{QSslError(QSslError::UnspecifiedError, server)} << "server"
                                         << "server" << O::CertificateRejected;
    QTest::newRow("another certificate") << QList<QSslError>{QSslError(QSslError::SelfSignedCertificate, other)}
                                         << "other"
                                         << "server" << O::Mismatch;
    QTest::newRow("another certificate, no errors") << QList<QSslError>{} << "other"
                                                    << "server" << O::Mismatch;
    QTest::newRow("nothing pinned") << QList<QSslError>{selfSigned} << "server"
                                    << "none" << O::Unpinned;
    QTest::newRow("no certificate") << QList<QSslError>{QSslError(QSslError::NoPeerCertificate)} << "none"
                                    << "server" << O::NoCertificate;
}

void TestTlsIdentity::pinDecision()
{
    QFETCH(QList<QSslError>, errors);
    QFETCH(QString, peer);
    QFETCH(QString, expected);
    QFETCH(TlsPinning::Outcome, outcome);

    const auto certificate = [this](const QString &which) {
        return which == u"server" ? m_server.certificate()
            : which == u"other"   ? m_other.certificate()
                                  : QSslCertificate();
    };
    const QSslCertificate peerCertificate = certificate(peer);
    const TlsFingerprint pin = TlsFingerprint::of(certificate(expected));

    const TlsPinning::Verdict verdict = TlsPinning::verify(errors, peerCertificate, pin);
    QCOMPARE(verdict.outcome, outcome);
    QCOMPARE(verdict.isAccepted(), outcome == TlsPinning::Outcome::Accepted);
    QCOMPARE(verdict.peerFingerprint, TlsFingerprint::of(peerCertificate));
    if (verdict.isAccepted()) {
        QCOMPARE(verdict.errorsToIgnore, errors);
        QVERIFY(verdict.errorString.isEmpty());
    } else {
        QVERIFY(verdict.errorsToIgnore.isEmpty());
        QVERIFY(!verdict.errorString.isEmpty());
    }
    if (outcome == TlsPinning::Outcome::Mismatch) {
        // The user sees both fingerprints.
        QVERIFY(verdict.errorString.contains(pin.toString()));
        QVERIFY(verdict.errorString.contains(verdict.peerFingerprint.toString()));
    }
    if (outcome == TlsPinning::Outcome::Unpinned)
        QVERIFY(verdict.errorString.contains(verdict.peerFingerprint.toString()));
}

// ---- handshakes over loopback ----------------------------------------------

namespace {

// A QSslServer presenting an identity, with spies on what it accepts.
struct PinTestServer
{
    explicit PinTestServer(const TlsIdentity &identity) { server.setSslConfiguration(identity.serverConfiguration()); }

    QSslServer server;
    QSignalSpy pending{&server, &QTcpServer::pendingConnectionAvailable};
    QSignalSpy errors{&server, &QSslServer::errorOccurred};
};

// The kinds of errors, sorted.
QList<int> errorKinds(const QList<QSslError> &errors)
{
    QList<int> kinds;
    for (const QSslError &error : errors)
        kinds.append(int(error.error()));
    std::sort(kinds.begin(), kinds.end());
    return kinds;
}

} // namespace

void TestTlsIdentity::handshake_data()
{
    QTest::addColumn<QString>("pin"); // "server", "server as hex", "other" or "none"
    QTest::addColumn<bool>("trustOnFirstUse");
    QTest::addColumn<TlsPinning::Outcome>("outcome");

    using O = TlsPinning::Outcome;
    QTest::newRow("pinned to the server") << "server" << false << O::Accepted;
    QTest::newRow("pinned to the server, typed as hex") << "server as hex" << false << O::Accepted;
    QTest::newRow("pinned to another identity") << "other" << false << O::Mismatch;
    QTest::newRow("pinned to another identity, trust on first use") << "other" << true << O::Mismatch;
    QTest::newRow("unknown server, refused") << "none" << false << O::Unpinned;
    QTest::newRow("unknown server, trust on first use") << "none" << true << O::Accepted;
}

void TestTlsIdentity::handshake()
{
    QFETCH(QString, pin);
    QFETCH(bool, trustOnFirstUse);
    QFETCH(TlsPinning::Outcome, outcome);

    PinTestServer server(m_server);
    QVERIFY(server.server.listen(QHostAddress::LocalHost, 0));

    TlsFingerprint expected;
    if (pin == u"server")
        expected = m_server.fingerprint();
    else if (pin == u"server as hex")
        expected = TlsFingerprint::fromString(m_server.fingerprint().toHexString()).value_or(TlsFingerprint());
    else if (pin == u"other")
        expected = m_other.fingerprint();

    QSslSocket client;
    auto *verifier = new TlsPeerVerifier(&client, expected,
                                         trustOnFirstUse ? TlsPeerVerifier::UnknownServer::TrustOnFirstUse
                                                         : TlsPeerVerifier::UnknownServer::Refuse);
    QCOMPARE(verifier->parent(), &client);
    QSignalSpy verified(verifier, &TlsPeerVerifier::peerVerified);
    QSignalSpy rejected(verifier, &TlsPeerVerifier::peerRejected);
    QSignalSpy sslErrors(&client, &QSslSocket::sslErrors);
    QSignalSpy socketErrors(&client, &QAbstractSocket::errorOccurred);
    QSignalSpy disconnected(&client, &QAbstractSocket::disconnected);
    client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.server.serverPort());

    // A self-signed certificate always reports its errors, however it ends.
    QTRY_COMPARE(sslErrors.count(), 1);
    QCOMPARE(errorKinds(sslErrors.first().first().value<QList<QSslError>>()),
             errorKinds({QSslError(QSslError::SelfSignedCertificate), QSslError(QSslError::HostNameMismatch)}));

    if (outcome == TlsPinning::Outcome::Accepted) {
        QTRY_COMPARE(verified.count(), 1);
        QCOMPARE(verified.first().at(0).value<TlsFingerprint>(), m_server.fingerprint());
        QCOMPARE(verified.first().at(1).toBool(), pin == u"none");
        QCOMPARE(rejected.count(), 0);
        QVERIFY(verifier->isVerified());
        QCOMPARE(verifier->peerFingerprint(), m_server.fingerprint());
        QCOMPARE(verifier->verdict().outcome, TlsPinning::Outcome::Accepted);
        // Exactly the two expected errors were ignored, for this certificate.
        QCOMPARE(verifier->verdict().errorsToIgnore.size(), 2);
        for (const QSslError &error : verifier->verdict().errorsToIgnore)
            QCOMPARE(error.certificate(), m_server.certificate());
        QVERIFY(client.isEncrypted());
        QCOMPARE(client.sessionProtocol(), QSsl::TlsV1_3);

        // Bytes go both ways through the server's side of the connection.
        QTRY_COMPARE(server.pending.count(), 1);
        std::unique_ptr<QTcpSocket> accepted(server.server.nextPendingConnection());
        QVERIFY(accepted);
        auto *serverSide = qobject_cast<QSslSocket *>(accepted.get());
        QVERIFY(serverSide && serverSide->isEncrypted());
        QCOMPARE(serverSide->sslConfiguration().localCertificate(), m_server.certificate());
        client.write("ping over TLS");
        QByteArray received;
        QTRY_VERIFY((received += serverSide->readAll()) == "ping over TLS");
        serverSide->write("pong");
        QByteArray reply;
        QTRY_VERIFY((reply += client.readAll()) == "pong");
        QCOMPARE(socketErrors.count(), 0);
    } else {
        QTRY_COMPARE(rejected.count(), 1);
        QTRY_COMPARE(client.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(verified.count(), 0);
        QVERIFY(!verifier->isVerified());
        QVERIFY(!client.isEncrypted());
        QCOMPARE(verifier->verdict().outcome, outcome);
        QCOMPARE(verifier->peerFingerprint(), m_server.fingerprint());
        QCOMPARE(rejected.first().at(0).toString(), verifier->errorString());
        QVERIFY(verifier->errorString().contains(m_server.fingerprint().toString()));
        QVERIFY(!socketErrors.isEmpty());
        QCOMPARE(socketErrors.first().at(0).value<QAbstractSocket::SocketError>(),
                 QAbstractSocket::SslHandshakeFailedError);
        // The server saw the handshake fail and never handed the connection out.
        QTRY_VERIFY(!server.errors.isEmpty());
        QCOMPARE(server.pending.count(), 0);
        QVERIFY(!server.server.hasPendingConnections());
    }
}

void TestTlsIdentity::handshakeOverTls12()
{
    // TLS 1.2 is the oldest protocol accepted; a client limited to it still
    // connects, with the same pinning.
    PinTestServer server(m_server);
    QCOMPARE(m_server.serverConfiguration().protocol(), QSsl::TlsV1_2OrLater);
    QVERIFY(server.server.listen(QHostAddress::LocalHost, 0));

    QSslSocket client;
    auto *verifier = new TlsPeerVerifier(&client, m_server.fingerprint());
    QCOMPARE(client.sslConfiguration().protocol(), QSsl::TlsV1_2OrLater);
    QSslConfiguration configuration = client.sslConfiguration();
    configuration.setProtocol(QSsl::TlsV1_2);
    client.setSslConfiguration(configuration);
    QSignalSpy verified(verifier, &TlsPeerVerifier::peerVerified);
    client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.server.serverPort());
    QTRY_COMPARE(verified.count(), 1);
    QCOMPARE(client.sessionProtocol(), QSsl::TlsV1_2);
    QTRY_COMPARE(server.pending.count(), 1);

    // A server that insists on TLS 1.3 refuses that client: the setting is applied.
    PinTestServer strict(m_server);
    QSslConfiguration strictConfiguration = m_server.serverConfiguration();
    strictConfiguration.setProtocol(QSsl::TlsV1_3OrLater);
    strict.server.setSslConfiguration(strictConfiguration);
    QVERIFY(strict.server.listen(QHostAddress::LocalHost, 0));
    QSslSocket oldClient;
    new TlsPeerVerifier(&oldClient, m_server.fingerprint());
    oldClient.setSslConfiguration(configuration);
    QSignalSpy oldErrors(&oldClient, &QAbstractSocket::errorOccurred);
    oldClient.connectToHostEncrypted(QStringLiteral("127.0.0.1"), strict.server.serverPort());
    QTRY_VERIFY(!oldErrors.isEmpty());
    QVERIFY(!oldClient.isEncrypted());
    QCOMPARE(strict.pending.count(), 0);
}

void TestTlsIdentity::pinCheckedEvenWhenNoErrorsAreReported()
{
    // A caller that turns verification off after attaching lets the handshake
    // finish whatever the errors; the pin still refuses the connection.
    PinTestServer server(m_server);
    QVERIFY(server.server.listen(QHostAddress::LocalHost, 0));
    QSslSocket client;
    auto *verifier = new TlsPeerVerifier(&client, m_other.fingerprint());
    client.setPeerVerifyMode(QSslSocket::VerifyNone);
    QSignalSpy verified(verifier, &TlsPeerVerifier::peerVerified);
    QSignalSpy rejected(verifier, &TlsPeerVerifier::peerRejected);
    QSignalSpy sslErrors(&client, &QSslSocket::sslErrors);
    QSignalSpy encrypted(&client, &QSslSocket::encrypted);
    client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.server.serverPort());

    // QSslSocket reports the errors but, with VerifyNone, goes on to
    // encrypted(): the verifier aborts there, and says so once.
    QTRY_COMPARE(encrypted.count(), 1);
    QTRY_COMPARE(client.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(sslErrors.count(), 1);
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(verified.count(), 0);
    QVERIFY(!verifier->isVerified());
    QCOMPARE(verifier->verdict().outcome, TlsPinning::Outcome::Mismatch);

    // A caller that trusts the certificate itself (as an authority, named as
    // its peer) gets no errors at all; a pin for another identity still
    // refuses the connection, once it is encrypted.
    QSslSocket trusting;
    auto *trustingVerifier = new TlsPeerVerifier(&trusting, m_other.fingerprint());
    QSslConfiguration configuration = trusting.sslConfiguration();
    configuration.setCaCertificates({m_server.certificate()});
    trusting.setSslConfiguration(configuration);
    trusting.setPeerVerifyName(TlsIdentity::commonName());
    QSignalSpy trustingRejected(trustingVerifier, &TlsPeerVerifier::peerRejected);
    QSignalSpy trustingErrors(&trusting, &QSslSocket::sslErrors);
    QSignalSpy trustingEncrypted(&trusting, &QSslSocket::encrypted);
    trusting.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.server.serverPort());
    QTRY_COMPARE(trustingEncrypted.count(), 1);
    QTRY_COMPARE(trusting.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(trustingErrors.count(), 0);
    QCOMPARE(trustingRejected.count(), 1);
    QCOMPARE(trustingVerifier->verdict().outcome, TlsPinning::Outcome::Mismatch);

    // With the right pin the same path verifies.
    QSslSocket good;
    auto *goodVerifier = new TlsPeerVerifier(&good, m_server.fingerprint());
    good.setPeerVerifyMode(QSslSocket::VerifyNone);
    QSignalSpy goodVerified(goodVerifier, &TlsPeerVerifier::peerVerified);
    good.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.server.serverPort());
    QTRY_COMPARE(goodVerified.count(), 1);
    QVERIFY(good.isEncrypted());
}

void TestTlsIdentity::clientConfigurationTrustsNoAuthority()
{
    const QSslConfiguration configuration = TlsPinning::clientConfiguration();
    QVERIFY(configuration.caCertificates().isEmpty());
    QCOMPARE(configuration.protocol(), QSsl::TlsV1_2OrLater);
    QCOMPARE(configuration.peerVerifyMode(), QSslSocket::VerifyPeer);

    // Attaching keeps the socket's other settings and overrides these three.
    QSslSocket socket;
    QSslConfiguration before = socket.sslConfiguration();
    before.setPeerVerifyDepth(3);
    before.setProtocol(QSsl::AnyProtocol);
    before.setPeerVerifyMode(QSslSocket::VerifyNone);
    socket.setSslConfiguration(before);
    new TlsPeerVerifier(&socket, m_server.fingerprint());
    QCOMPARE(socket.sslConfiguration().peerVerifyDepth(), 3);
    QCOMPARE(socket.sslConfiguration().protocol(), QSsl::TlsV1_2OrLater);
    QCOMPARE(socket.peerVerifyMode(), QSslSocket::VerifyPeer);
    QVERIFY(socket.sslConfiguration().caCertificates().isEmpty());
}

QTEST_GUILESS_MAIN(TestTlsIdentity)

#include "tst_tlsidentity.moc"
