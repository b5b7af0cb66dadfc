#include "net/tls/tlsfingerprint.h"

#include <QCryptographicHash>
#include <QSslCertificate>

namespace Tincan {

namespace {
const QString Sha256Prefix = QStringLiteral("SHA256:");
// Unpadded base64 of 32 bytes, and the hex forms with and without colons.
constexpr qsizetype Base64Length = 43;
constexpr qsizetype HexLength = TlsFingerprint::DigestSize * 2;
constexpr qsizetype HexWithColonsLength = HexLength + TlsFingerprint::DigestSize - 1;

bool isBase64Char(QChar c)
{
    return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'+' || c == u'/';
}

bool isHexChar(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
}

std::optional<QByteArray> parseBase64(QStringView text)
{
    // Exactly 43 characters, then at most the one '=' a 32-byte value pads with.
    if (text.size() == Base64Length + 1 && text.back() == u'=')
        text.chop(1);
    if (text.size() != Base64Length)
        return std::nullopt;
    for (QChar c : text) {
        if (!isBase64Char(c))
            return std::nullopt;
    }
    const auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != TlsFingerprint::DigestSize)
        return std::nullopt;
    // The last character carries 4 unused bits; a non-canonical one (they
    // are not zero) would make two spellings of one digest.
    if (QString::fromLatin1(decoded.decoded.toBase64(QByteArray::OmitTrailingEquals)) != text)
        return std::nullopt;
    return decoded.decoded;
}

std::optional<QByteArray> parseHex(QStringView text)
{
    QString digits;
    if (text.size() == HexWithColonsLength) {
        for (qsizetype i = 0; i < text.size(); ++i) {
            const bool separator = i % 3 == 2;
            if (separator != (text[i] == u':'))
                return std::nullopt;
            if (!separator)
                digits.append(text[i]);
        }
    } else if (text.size() == HexLength) {
        digits = text.toString();
    } else {
        return std::nullopt;
    }
    for (QChar c : std::as_const(digits)) {
        if (!isHexChar(c))
            return std::nullopt;
    }
    return QByteArray::fromHex(digits.toLatin1());
}
} // namespace

TlsFingerprint TlsFingerprint::of(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    return TlsFingerprint(certificate.digest(QCryptographicHash::Sha256));
}

std::optional<TlsFingerprint> TlsFingerprint::fromDigest(const QByteArray &digest)
{
    if (digest.size() != DigestSize)
        return std::nullopt;
    return TlsFingerprint(digest);
}

std::optional<TlsFingerprint> TlsFingerprint::fromString(QStringView text)
{
    text = text.trimmed();
    std::optional<QByteArray> digest;
    if (text.startsWith(Sha256Prefix))
        digest = parseBase64(text.mid(Sha256Prefix.size()));
    else
        digest = parseHex(text);
    if (!digest)
        return std::nullopt;
    return TlsFingerprint(*digest);
}

QString TlsFingerprint::toString() const
{
    if (isNull())
        return {};
    return Sha256Prefix + QString::fromLatin1(m_digest.toBase64(QByteArray::OmitTrailingEquals));
}

QString TlsFingerprint::toHexString() const
{
    return QString::fromLatin1(m_digest.toHex(':').toUpper());
}

} // namespace Tincan
