#include "net/auth/consoleauth.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

namespace Tincan::ConsoleAuth {

namespace {
QByteArray proof(QByteArrayView key, QByteArrayView serverNonce, QByteArrayView clientNonce, QByteArrayView context)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, key.toByteArray());
    mac.addData(serverNonce.data(), serverNonce.size());
    mac.addData(clientNonce.data(), clientNonce.size());
    mac.addData(context.data(), context.size());
    return mac.result();
}

// The longest base64 text worth decoding for the sizes asked for.
constexpr qsizetype base64Length(qsizetype bytes)
{
    return (bytes + 2) / 3 * 4;
}
} // namespace

QByteArray randomNonce()
{
    static_assert(NonceSize % sizeof(quint32) == 0);
    QByteArray nonce(NonceSize, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(nonce.data()),
                                          qsizetype(NonceSize / qsizetype(sizeof(quint32))));
    return nonce;
}

QByteArray clientProof(QByteArrayView key, QByteArrayView serverNonce, QByteArrayView clientNonce)
{
    return proof(key, serverNonce, clientNonce, ClientContext);
}

QByteArray serverProof(QByteArrayView key, QByteArrayView serverNonce, QByteArrayView clientNonce)
{
    return proof(key, serverNonce, clientNonce, ServerContext);
}

std::optional<QByteArray> decodeBase64(const QJsonValue &value, qsizetype minSize, qsizetype maxSize)
{
    if (!value.isString())
        return std::nullopt;
    const QString text = value.toString();
    if (text.isEmpty() || text.size() > base64Length(maxSize))
        return std::nullopt;
    for (QChar c : text)
        if (c.unicode() > 0x7f)
            return std::nullopt;
    const QByteArray ascii = text.toLatin1();
    const auto decoded = QByteArray::fromBase64Encoding(ascii, QByteArray::AbortOnBase64DecodingErrors);
    // Canonical only: one value, one spelling.
    if (!decoded || decoded.decoded.toBase64() != ascii)
        return std::nullopt;
    if (decoded.decoded.size() < minSize || decoded.decoded.size() > maxSize)
        return std::nullopt;
    return decoded.decoded;
}

} // namespace Tincan::ConsoleAuth
