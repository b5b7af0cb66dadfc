// The console server's TLS identity: a private key and a self-signed
// certificate, made on first start and kept as PEM files in the app's data
// directory. Clients pin the certificate's fingerprint (TlsFingerprint), as ssh
// pins a host key, so no certificate authority is involved. See docs/SECURITY.md.
#pragma once

#include "net/base/expected.h"
#include "net/tls/tlsfingerprint.h"

#include <QCoreApplication>
#include <QSsl>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>
#include <QStringList>

class QSslConfiguration;

namespace Tincan {

class TlsIdentity final
{
    Q_DECLARE_TR_FUNCTIONS(TlsIdentity)

public:
    // File names inside the identity directory.
    static constexpr QLatin1StringView KeyFileName{"console-key.pem"};
    static constexpr QLatin1StringView CertificateFileName{"console-cert.pem"};
    // A certificate made here is valid for about ten years; it starts a day in
    // the past so that a client whose clock runs behind accepts it at once.
    static constexpr int ValidityDays = 3650;
    static constexpr long BackdateSeconds = 24 * 60 * 60;
    // A PEM key or certificate is a few KiB; a larger file is not read.
    static constexpr qint64 MaxPemFileSize = 64 * 1024;
    // Bytes of randomness in a certificate's serial number (RFC 5280 allows 20 octets).
    static constexpr int SerialBytes = 16;
    // Oldest protocol either side accepts: TLS 1.2. OpenSSL negotiates TLS 1.3
    // whenever both ends have it, which every Tincan build does.
    static constexpr QSsl::SslProtocol MinimumProtocol = QSsl::TlsV1_2OrLater;

    // Loads the identity from `directory`, creating the directory (0700), a new
    // EC P-256 key and a self-signed certificate (both 0600) when there is none.
    // A certificate without its key is replaced (a start that was interrupted
    // while writing them leaves exactly that); a key without its certificate is
    // refused, since the key is never deleted automatically. Returns false, with
    // errorString(), when the files cannot be read or written, are not PEM, do
    // not belong together, the certificate has expired, or permissions are unsafe:
    // a directory or certificate open to other users is tightened (notes() says
    // so); a private key readable by others is refused, since it may have leaked.
    bool loadOrCreate(const QString &directory);

    // Like loadOrCreate(), but never creates anything; a missing identity is an error.
    bool load(const QString &directory);

    bool isNull() const { return m_certificate.isNull(); }
    QSslKey privateKey() const { return m_key; }
    QSslCertificate certificate() const { return m_certificate; }
    TlsFingerprint fingerprint() const { return TlsFingerprint::of(m_certificate); }
    static TlsFingerprint fingerprint(const QSslCertificate &certificate) { return TlsFingerprint::of(certificate); }

    QString keyFilePath() const { return m_keyPath; }
    QString certificateFilePath() const { return m_certificatePath; }

    // True when the last loadOrCreate() made a new key and certificate.
    bool wasCreated() const { return m_created; }
    // Sentences about what the last load repaired or replaced, for the log.
    QStringList notes() const { return m_notes; }
    QString errorString() const { return m_error; }

    // A server-side configuration presenting this identity: TLS 1.2 or later,
    // no client certificates asked for.
    QSslConfiguration serverConfiguration() const;

    // The subject common name of certificates made on this machine:
    // "Tincan console on <host name>", cut to the 64 characters X.509 allows.
    static QString commonName();

private:
    bool open(const QString &directory, bool create);
    bool prepareDirectory(const QString &directory, bool create);
    bool create();
    bool readIdentity();
    // One of the two files, after checking its kind, owner, mode and size.
    Expected<QByteArray> readIdentityFile(const QString &path, bool secret);
    bool fail(const QString &reason);

    QSslKey m_key;
    QSslCertificate m_certificate;
    QString m_keyPath;
    QString m_certificatePath;
    QStringList m_notes;
    QString m_error;
    bool m_created = false;
};

} // namespace Tincan
