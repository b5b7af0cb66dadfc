// The identity of a TLS certificate: the SHA-256 digest of its DER encoding.
//
// The canonical text form, the one stored in known-hosts files, printed by
// `tincan-cli` and compared, is OpenSSH's: "SHA256:" and the unpadded standard
// base64 of the 32 bytes (`SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU`).
// The hex colon form (`E3:B0:C4:...`) is for display next to other tools
// (`openssl x509 -fingerprint -sha256`); fromString() reads both, so a user may
// paste either. See docs/SECURITY.md.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>

#include <optional>

class QSslCertificate;

namespace Tincan {

class TlsFingerprint final
{
public:
    // Length of a SHA-256 digest.
    static constexpr qsizetype DigestSize = 32;

    // A null fingerprint: matches nothing, prints as an empty string.
    TlsFingerprint() = default;

    // The fingerprint of a certificate; null for a null certificate.
    static TlsFingerprint of(const QSslCertificate &certificate);

    // From a raw 32-byte digest; nullopt for any other length.
    static std::optional<TlsFingerprint> fromDigest(const QByteArray &digest);

    // Parses "SHA256:base64" (with or without the '=' padding) or 64 hex
    // digits, with or without a colon between every pair, in either case.
    // Leading and trailing white space is ignored; anything else is nullopt.
    static std::optional<TlsFingerprint> fromString(QStringView text);

    bool isNull() const { return m_digest.isEmpty(); }
    QByteArray digest() const { return m_digest; }

    // "SHA256:" + unpadded base64: the canonical form, used for pinning.
    QString toString() const;
    // "E3:B0:C4:...": upper-case hex pairs joined by colons, for display.
    QString toHexString() const;

    friend bool operator==(const TlsFingerprint &a, const TlsFingerprint &b) { return a.m_digest == b.m_digest; }
    friend bool operator!=(const TlsFingerprint &a, const TlsFingerprint &b) { return !(a == b); }

private:
    explicit TlsFingerprint(QByteArray digest)
        : m_digest(std::move(digest))
    {
    }

    QByteArray m_digest;
};

} // namespace Tincan
