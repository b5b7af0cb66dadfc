#include "net/tls/tlsidentity.h"

#include "net/base/privatefiles.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QSysInfo>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace Tincan {

using namespace PrivateFiles;

namespace {

// ---- OpenSSL objects, each owned by a unique_ptr ---------------------------

template <auto Free> struct OpenSslDeleter
{
    template <typename T> void operator()(T *object) const { Free(object); }
};

using PKeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using PKeyContextPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OpenSslDeleter<ASN1_INTEGER_free>>;

// The curve of the keys made here. Ed25519 handshakes with Qt 6.4's OpenSSL
// backend, but QSslKey cannot read it: it would have to be handed over as an
// opaque EVP_PKEY pointer into the backend's own copy of libcrypto, and
// QSslCertificate::publicKey() cannot show it. P-256 goes through QSslKey like
// any other key, with every Qt TLS backend.
constexpr const char *CurveName = "P-256";
constexpr qsizetype MaxCommonNameLength = 64; // ub-common-name, RFC 5280
const QString ConsoleName = QStringLiteral("Tincan console");
// Room for OpenSSL's "error:<code>:<library>:<function>:<reason>".
constexpr size_t OpenSslErrorTextSize = 256;

// Empties OpenSSL's per-thread error queue and returns its last entry. The
// queue must be empty afterwards: Qt's TLS backend shares it and would take a
// stale entry for an error of its own.
QString takeOpenSslError()
{
    const unsigned long code = ERR_peek_last_error();
    ERR_clear_error();
    if (code == 0)
        return {};
    char text[OpenSslErrorTextSize];
    ERR_error_string_n(code, text, sizeof text);
    return QString::fromLatin1(text);
}

// The passphrase callback: a console key has none, and OpenSSL's default
// callback would prompt on the terminal. Records that it was asked.
int refusePassphrase(char *, int, int, void *askedFlag)
{
    *static_cast<bool *>(askedFlag) = true;
    return -1;
}

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    if (size <= 0 || data == nullptr)
        return {};
    return QByteArray(data, qsizetype(size));
}

// ---- making an identity ----------------------------------------------------

PKeyPtr generateKey()
{
    PKeyContextPtr context(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!context || EVP_PKEY_keygen_init(context.get()) != 1
        || EVP_PKEY_CTX_set_group_name(context.get(), CurveName) != 1)
        return {};
    EVP_PKEY *key = nullptr;
    if (EVP_PKEY_generate(context.get(), &key) != 1)
        return {};
    return PKeyPtr(key);
}

bool setRandomSerial(X509 *certificate)
{
    unsigned char bytes[TlsIdentity::SerialBytes];
    if (RAND_bytes(bytes, int(sizeof bytes)) != 1)
        return false;
    // A serial is a positive INTEGER: clear the sign bit, and set the next one
    // so the number is never zero and always has the full length.
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    BignumPtr number(BN_bin2bn(bytes, int(sizeof bytes), nullptr));
    if (!number)
        return false;
    Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(number.get(), nullptr));
    return serial && X509_set_serialNumber(certificate, serial.get()) == 1;
}

bool addExtension(X509 *certificate, X509V3_CTX *context, int nid, const char *value)
{
    ExtensionPtr extension(X509V3_EXT_nconf_nid(nullptr, context, nid, value));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

X509Ptr makeCertificate(EVP_PKEY *key, const QString &commonName)
{
    X509Ptr certificate(X509_new());
    if (!certificate)
        return {};
    X509 *cert = certificate.get();
    const QByteArray name = commonName.toUtf8();
    X509_NAME *subject = X509_get_subject_name(cert);
    const bool ok = X509_set_version(cert, X509_VERSION_3) == 1 && setRandomSerial(cert)
        && X509_gmtime_adj(X509_getm_notBefore(cert), -TlsIdentity::BackdateSeconds) != nullptr
        && X509_time_adj_ex(X509_getm_notAfter(cert), TlsIdentity::ValidityDays, 0, nullptr) != nullptr
        && subject != nullptr
        && X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char *>(name.constData()), int(name.size()), -1,
                                      0)
            == 1
        && X509_set_issuer_name(cert, subject) == 1 && X509_set_pubkey(cert, key) == 1;
    if (!ok)
        return {};

    // A server certificate that may not sign others. No key usage extension:
    // digitalSignature alone would make OpenSSL (and QSslCertificate::
    // isSelfSigned()) deny that the certificate signed itself, and
    // keyCertSign is only for authorities (RFC 5280, 4.2.1.3).
    X509V3_CTX context;
    X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
    if (!addExtension(cert, &context, NID_basic_constraints, "critical,CA:FALSE")
        || !addExtension(cert, &context, NID_ext_key_usage, "serverAuth")
        || !addExtension(cert, &context, NID_subject_key_identifier, "hash"))
        return {};

    if (X509_sign(cert, key, EVP_sha256()) <= 0)
        return {};
    return certificate;
}

std::optional<QByteArray> keyToPem(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return std::nullopt;
    return bioContents(bio.get());
}

std::optional<QByteArray> certificateToPem(X509 *certificate)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1)
        return std::nullopt;
    return bioContents(bio.get());
}

// ---- reading one ----------------------------------------------------------

// Which PEM decoding failed, so that the message can say what is wrong.
enum class KeyReadError { None, NotPem, Encrypted };

PKeyPtr readKey(const QByteArray &pem, KeyReadError *error)
{
    *error = KeyReadError::NotPem;
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    if (!bio)
        return {};
    bool passphraseAsked = false;
    PKeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, refusePassphrase, &passphraseAsked));
    if (key)
        *error = KeyReadError::None;
    else if (passphraseAsked)
        *error = KeyReadError::Encrypted;
    return key;
}

X509Ptr readCertificate(const QByteArray &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    if (!bio)
        return {};
    bool passphraseAsked = false;
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, refusePassphrase, &passphraseAsked));
}

std::optional<QByteArray> certificateToDer(X509 *certificate)
{
    const int size = i2d_X509(certificate, nullptr);
    if (size <= 0)
        return std::nullopt;
    QByteArray der(size, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(der.data());
    if (i2d_X509(certificate, &out) != size)
        return std::nullopt;
    return der;
}

QDateTime asn1TimeToDateTime(const ASN1_TIME *time)
{
    struct tm broken = {};
    if (time == nullptr || ASN1_TIME_to_tm(time, &broken) != 1)
        return {};
    return QDateTime(QDate(broken.tm_year + 1900, broken.tm_mon + 1, broken.tm_mday),
                     QTime(broken.tm_hour, broken.tm_min, broken.tm_sec), Qt::UTC);
}

} // namespace

QString TlsIdentity::commonName()
{
    QString host = QSysInfo::machineHostName().simplified();
    host.removeIf([](QChar c) { return !c.isPrint(); });
    if (host.isEmpty())
        return ConsoleName;
    // Not translated: the certificate is the same whatever the language.
    return QString(ConsoleName + QStringLiteral(" on ") + host).left(MaxCommonNameLength);
}

QSslConfiguration TlsIdentity::serverConfiguration() const
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificate(m_certificate);
    configuration.setPrivateKey(m_key);
    configuration.setProtocol(MinimumProtocol);
    // Clients prove who they are with the console password, not a certificate.
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    return configuration;
}

bool TlsIdentity::loadOrCreate(const QString &directory)
{
    return open(directory, true);
}

bool TlsIdentity::load(const QString &directory)
{
    return open(directory, false);
}

bool TlsIdentity::fail(const QString &reason)
{
    m_key = QSslKey();
    m_certificate = QSslCertificate();
    m_error = reason;
    ERR_clear_error();
    return false;
}

bool TlsIdentity::open(const QString &directory, bool create)
{
    m_key = QSslKey();
    m_certificate = QSslCertificate();
    m_notes.clear();
    m_error.clear();
    m_created = false;
    ERR_clear_error();

    if (directory.isEmpty())
        return fail(tr("No directory was given for the console's TLS identity."));
    const QDir dir(directory);
    m_keyPath = dir.filePath(KeyFileName);
    m_certificatePath = dir.filePath(CertificateFileName);

    if (!prepareDirectory(dir.absolutePath(), create))
        return false;

    const bool haveKey = QFileInfo::exists(m_keyPath);
    const bool haveCertificate = QFileInfo::exists(m_certificatePath);
    if (haveKey && !haveCertificate) {
        return fail(tr("%1 holds a private key but no certificate (%2). Delete the key to make a new identity; "
                       "clients will then see a new fingerprint.")
                        .arg(QDir::toNativeSeparators(dir.absolutePath()), QString(CertificateFileName)));
    }
    if (!haveKey) {
        if (!create)
            return fail(tr("There is no TLS identity in %1.").arg(QDir::toNativeSeparators(dir.absolutePath())));
        if (haveCertificate) {
            m_notes.append(tr("%1 had no private key; its certificate was replaced by a new identity.")
                               .arg(QDir::toNativeSeparators(m_certificatePath)));
        }
        if (!this->create())
            return false;
        m_created = true;
    }
    return readIdentity();
}

bool TlsIdentity::prepareDirectory(const QString &path, bool create)
{
    const QString shown = QDir::toNativeSeparators(path);
    QFileInfo info(path);
    if (!info.exists()) {
        if (!create)
            return fail(tr("There is no TLS identity in %1.").arg(shown));
        // Parents as the user's umask makes them; the last level owner-only.
        const QString parent = info.absolutePath();
        if (!QDir().mkpath(parent) || !QDir().mkdir(path, OwnerOnlyDirectory))
            return fail(tr("Could not create the directory %1 for the console's TLS identity.").arg(shown));
        info.refresh();
    }
    if (!info.isDir())
        return fail(tr("%1 is not a directory.").arg(shown));
    if (!isOwnedByCurrentUser(info))
        return fail(tr("%1 belongs to another user, who could replace the console's TLS identity.").arg(shown));
    const QFile::Permissions permissions = info.permissions();
    if (permissions & GroupAndOther) {
        if (!QFile::setPermissions(path, OwnerOnlyDirectory))
            return fail(tr("%1 is open to other users (mode %2) and could not be made owner-only.")
                            .arg(shown, modeString(permissions)));
        m_notes.append(tr("Made %1 owner-only (its mode was %2, now 0700).").arg(shown, modeString(permissions)));
    }
    return true;
}

bool TlsIdentity::create()
{
    PKeyPtr key = generateKey();
    if (!key)
        return fail(tr("Could not generate a private key: %1").arg(takeOpenSslError()));
    X509Ptr certificate = makeCertificate(key.get(), commonName());
    if (!certificate)
        return fail(tr("Could not make a certificate: %1").arg(takeOpenSslError()));
    const std::optional<QByteArray> keyPem = keyToPem(key.get());
    const std::optional<QByteArray> certificatePem = certificateToPem(certificate.get());
    if (!keyPem || !certificatePem)
        return fail(tr("Could not encode the TLS identity as PEM: %1").arg(takeOpenSslError()));

    // The certificate first: if writing stops half-way, a certificate without
    // its key is replaced on the next start, while a lone key is not touched.
    // Each file is 0600 before any byte is written, inside a 0700 directory.
    const QList<std::pair<QString, QByteArray>> files = {{m_certificatePath, *certificatePem}, {m_keyPath, *keyPem}};
    for (const auto &[path, contents] : files) {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(OwnerOnlyFile)
            || file.write(contents) != contents.size() || !file.commit()) {
            return fail(tr("Could not write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        }
    }
    return true;
}

Expected<QByteArray> TlsIdentity::readIdentityFile(const QString &path, bool secret)
{
    const QString shown = QDir::toNativeSeparators(path);
    const QFileInfo info(path);
    if (!info.isFile())
        return Failure{tr("%1 is not a regular file.").arg(shown)};
    if (!isOwnedByCurrentUser(info))
        return Failure{tr("%1 belongs to another user.").arg(shown)};
    const QFile::Permissions permissions = info.permissions();
    if (permissions & GroupAndOther) {
        if (secret) {
            // Like ssh: a key others could read may have been copied, and
            // quietly tightening it would hide that.
            return Failure{tr("The private key %1 is accessible by other users (mode %2), so it may have been copied. "
                              "If you are sure it was not, run \"chmod 600 %1\"; otherwise delete it and %3 to make a "
                              "new identity.")
                               .arg(shown, modeString(permissions), QDir::toNativeSeparators(m_certificatePath))};
        }
        if (!QFile::setPermissions(path, OwnerOnlyFile))
            return Failure{tr("%1 is open to other users (mode %2) and could not be made owner-only.")
                               .arg(shown, modeString(permissions))};
        m_notes.append(tr("Made %1 owner-only (its mode was %2, now 0600).").arg(shown, modeString(permissions)));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Failure{tr("Could not read %1: %2").arg(shown, file.errorString())};
    // Read one byte past the limit rather than trusting size().
    const QByteArray contents = file.read(MaxPemFileSize + 1);
    if (contents.size() > MaxPemFileSize)
        return Failure{
            tr("%1 is larger than %2 bytes; it is not a PEM key or certificate.").arg(shown).arg(MaxPemFileSize)};
    if (file.error() != QFileDevice::NoError)
        return Failure{tr("Could not read %1: %2").arg(shown, file.errorString())};
    return contents;
}

bool TlsIdentity::readIdentity()
{
    const Expected<QByteArray> keyPem = readIdentityFile(m_keyPath, true);
    if (!keyPem)
        return fail(keyPem.error());
    const Expected<QByteArray> certificatePem = readIdentityFile(m_certificatePath, false);
    if (!certificatePem)
        return fail(certificatePem.error());
    const QString keyShown = QDir::toNativeSeparators(m_keyPath);
    const QString certificateShown = QDir::toNativeSeparators(m_certificatePath);

    KeyReadError keyError = KeyReadError::None;
    const PKeyPtr key = readKey(*keyPem, &keyError);
    if (!key) {
        if (keyError == KeyReadError::Encrypted)
            return fail(
                tr("The private key %1 is protected by a passphrase; the console needs one without.").arg(keyShown));
        return fail(tr("%1 does not hold a PEM private key (%2).").arg(keyShown, takeOpenSslError()));
    }
    const X509Ptr certificate = readCertificate(*certificatePem);
    if (!certificate)
        return fail(tr("%1 does not hold a PEM certificate (%2).").arg(certificateShown, takeOpenSslError()));

    QSsl::KeyAlgorithm algorithm = QSsl::Opaque;
    switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_EC:
        algorithm = QSsl::Ec;
        break;
    case EVP_PKEY_RSA:
        algorithm = QSsl::Rsa;
        break;
    default:
        return fail(tr("The private key %1 is of a kind the console cannot use (%2); it uses EC or RSA keys.")
                        .arg(keyShown, QString::fromLatin1(EVP_PKEY_get0_type_name(key.get()))));
    }
    if (X509_check_private_key(certificate.get(), key.get()) != 1) {
        ERR_clear_error();
        return fail(tr("The private key %1 does not belong to the certificate %2.").arg(keyShown, certificateShown));
    }
    // Also checks the signature: a damaged certificate is not served.
    if (X509_self_signed(certificate.get(), 1) != 1) {
        ERR_clear_error();
        return fail(tr("The certificate %1 is not validly self-signed; clients pin only self-signed certificates.")
                        .arg(certificateShown));
    }
    const int expiry = X509_cmp_current_time(X509_get0_notAfter(certificate.get()));
    if (expiry == 0) {
        ERR_clear_error();
        return fail(tr("The certificate %1 has an unreadable expiry date.").arg(certificateShown));
    }
    if (expiry < 0) {
        return fail(tr("The certificate %1 expired on %2. Delete it and %3 to make a new identity; clients will then "
                       "see a new fingerprint.")
                        .arg(certificateShown,
                             asn1TimeToDateTime(X509_get0_notAfter(certificate.get())).toString(Qt::ISODate),
                             keyShown));
    }

    // Qt gets exactly what was checked, re-encoded by OpenSSL.
    const std::optional<QByteArray> canonicalKey = keyToPem(key.get());
    const std::optional<QByteArray> der = certificateToDer(certificate.get());
    if (!canonicalKey || !der)
        return fail(tr("Could not encode the TLS identity: %1").arg(takeOpenSslError()));
    const QSslKey qtKey(*canonicalKey, algorithm, QSsl::Pem, QSsl::PrivateKey);
    const QSslCertificate qtCertificate(*der, QSsl::Der);
    if (qtKey.isNull() || qtCertificate.isNull())
        return fail(tr("Qt's TLS backend (%1) could not load the key %2.").arg(QSslSocket::activeBackend(), keyShown));

    ERR_clear_error();
    m_key = qtKey;
    m_certificate = qtCertificate;
    return true;
}

} // namespace Tincan
