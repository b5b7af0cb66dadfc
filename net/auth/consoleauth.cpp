#include "net/auth/consoleauth.h"

#include "net/base/canonicalbase64.h"

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
    std::optional<QByteArray> decoded = decodeCanonicalBase64(value.toString(), maxSize);
    if (!decoded || decoded->size() < minSize)
        return std::nullopt;
    return decoded;
}

} // namespace Tincan::ConsoleAuth
