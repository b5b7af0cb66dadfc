// A console password as the server keeps it: a salted PBKDF2-SHA256 key,
// never the password itself. Written as one line of text,
//
//     pbkdf2-sha256$ITERATIONS$SALT_BASE64$KEY_BASE64
//
// (docs/SECURITY.md). The parser takes whatever a file holds and refuses
// anything malformed or hostile (iteration counts that would stall every
// login, oversized salts, non-canonical base64) instead of guessing.
#pragma once

#include "net/base/expected.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QLatin1StringView>
#include <QString>
#include <QStringView>

#include <optional>

namespace Tincan {

class PasswordHash
{
    Q_DECLARE_TR_FUNCTIONS(PasswordHash)

public:
    // The first field of the text form.
    static constexpr QLatin1StringView Scheme{"pbkdf2-sha256"};
    // Qt's PBKDF2 costs about 3.7 ms per 1000 iterations on the 2-core
    // machine this was measured on (under load): 75,000 take about 0.28 s,
    // paid once per login by the client. Raise it on faster hardware.
    static constexpr int DefaultIterations = 75'000;
    // Fewer would make a stolen hash or an overheard login cheap to crack
    // (RFC 8018 asks for at least 1000).
    static constexpr int MinIterations = 1'000;
    // More would let a hash file or a hostile server stall a login for
    // seconds; this bound is about 4 s here.
    static constexpr int MaxIterations = 1'000'000;
    static constexpr qsizetype SaltSize = 16;
    static constexpr qsizetype MinSaltSize = 8;
    static constexpr qsizetype MaxSaltSize = 64;
    // The derived key: one SHA-256 output.
    static constexpr qsizetype KeySize = 32;
    // Longest text form accepted (the real one is about 90 characters).
    static constexpr qsizetype MaxTextSize = 256;
    // Longest password accepted, in bytes of UTF-8.
    static constexpr qsizetype MaxPasswordSize = 1024;

    // A null hash: no password.
    PasswordHash() = default;

    // Hashes `password` with a fresh random salt. Fails with the reason for an
    // empty or oversized password or an iteration count outside
    // [MinIterations, MaxIterations].
    static Expected<PasswordHash> create(const QString &password, int iterations = DefaultIterations);
    // Parses the text form. Surrounding whitespace (a file's newline) is
    // ignored; anything else out of place is refused with a reason.
    static Expected<PasswordHash> fromString(QStringView text);

    // PBKDF2-HMAC-SHA256 of the password (NFC-normalised, UTF-8) with the
    // salt, KeySize bytes. The client derives the same key from the challenge.
    static QByteArray deriveKey(const QString &password, QByteArrayView salt, int iterations);

    static bool iterationsInRange(qint64 iterations)
    {
        return iterations >= MinIterations && iterations <= MaxIterations;
    }
    static bool saltSizeInRange(qsizetype size) { return size >= MinSaltSize && size <= MaxSaltSize; }

    bool isNull() const { return m_key.isEmpty(); }
    QString toString() const;
    int iterations() const { return m_iterations; }
    QByteArray salt() const { return m_salt; }
    QByteArray key() const { return m_key; }

    // True when `password` derives this key (compared in constant time).
    bool verify(const QString &password) const;

private:
    int m_iterations = 0;
    QByteArray m_salt;
    QByteArray m_key;
};

// Compares two byte strings in time that depends only on their lengths, so
// that a peer cannot learn how many leading bytes of a guess were right.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace Tincan
