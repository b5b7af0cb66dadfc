#include "net/console/clientlogin.h"

#include "net/auth/consoleauth.h"
#include "net/auth/passwordhash.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/frame.h"

#include <algorithm>

namespace Tincan {

using namespace Console;

void ClientLogin::setPassword(const QString &password)
{
    if (password == m_password)
        return;
    m_password = password;
    m_derivedKey.reset();
}

void ClientLogin::begin(const QString &host, quint16 port)
{
    m_host = host;
    m_port = port;
    m_serverNonce.clear();
    m_clientNonce.clear();
    m_loginKey.clear();
    m_authenticated = false;
}

std::variant<QJsonObject, ClientLogin::Refusal> ClientLogin::answerChallenge(const QJsonObject &challenge)
{
    if (m_password.isEmpty())
        return Refusal{Problem::PasswordRequired,
                       tr("The server at %1:%2 requires a password.").arg(m_host).arg(m_port)};
    const std::optional<QByteArray> serverNonce
        = ConsoleAuth::decodeBase64(challenge.value(Key::Nonce), ConsoleAuth::NonceSize, ConsoleAuth::NonceSize);
    const std::optional<QByteArray> salt
        = ConsoleAuth::decodeBase64(challenge.value(Key::Salt), PasswordHash::MinSaltSize, PasswordHash::MaxSaltSize);
    const std::optional<qint64> iterations = jsonInteger(challenge, Key::Iterations);
    // A hostile server could ask for a billion iterations to stall us, or for
    // very few to make an overheard proof cheap to crack: both are refused.
    if (challenge.value(Key::Mechanism).toString() != ConsoleAuth::Mechanism || !serverNonce || !salt || !iterations
        || !PasswordHash::iterationsInRange(*iterations) || !m_clientNonce.isEmpty()) {
        return Refusal{Problem::Protocol,
                       tr("%1:%2 sent a login challenge this client cannot answer (an unknown mechanism, a "
                          "malformed nonce or salt, or an iteration count outside %3 to %4).")
                           .arg(m_host)
                           .arg(m_port)
                           .arg(PasswordHash::MinIterations)
                           .arg(PasswordHash::MaxIterations)};
    }
    if (!m_derivedKey || m_derivedKey->salt != *salt || m_derivedKey->iterations != int(*iterations))
        m_derivedKey
            = DerivedKey{*salt, int(*iterations), PasswordHash::deriveKey(m_password, *salt, int(*iterations))};
    m_loginKey = m_derivedKey->key;
    m_serverNonce = *serverNonce;
    m_clientNonce = ConsoleAuth::randomNonce();
    return QJsonObject{
        {Key::Type, Type::Auth},
        {Key::Mechanism, ConsoleAuth::Mechanism},
        {Key::Nonce, QString::fromLatin1(m_clientNonce.toBase64())},
        {Key::Proof,
         QString::fromLatin1(ConsoleAuth::clientProof(m_loginKey, m_serverNonce, m_clientNonce).toBase64())},
    };
}

std::optional<ClientLogin::Refusal> ClientLogin::acceptWelcome(const QJsonObject &welcome)
{
    if (m_clientNonce.isEmpty())
        return std::nullopt; // the server asked for no password
    if (!serverProofValid(welcome)) {
        // Whoever answered does not hold the password's key: do not hand it
        // commands (they may carry secrets of their own).
        return Refusal{Problem::Protocol,
                       tr("%1:%2 accepted the login without proving that it knows the password; it may not be the "
                          "server you meant. Disconnected.")
                           .arg(m_host)
                           .arg(m_port)};
    }
    m_authenticated = true;
    return std::nullopt;
}

bool ClientLogin::serverProofValid(const QJsonObject &welcome) const
{
    const std::optional<QByteArray> proof
        = ConsoleAuth::decodeBase64(welcome.value(Key::Proof), ConsoleAuth::ProofSize, ConsoleAuth::ProofSize);
    return proof && constantTimeEquals(*proof, ConsoleAuth::serverProof(m_loginKey, m_serverNonce, m_clientNonce));
}

ClientLogin::Refusal ClientLogin::refusal(const QJsonObject &error) const
{
    const QString code = error.value(Key::Code).toString();
    const QString message = error.value(Key::Message).toString().left(MaxQuotedServerText);
    const std::chrono::seconds retryAfter{
        std::clamp<qint64>(jsonInteger(error, Key::RetryAfter).value_or(0), 0, MaxRetryAfter.count())};
    if (code == ErrorCode::AuthFailed && error.contains(Key::RetryAfter))
        return {Problem::WrongPassword,
                tr("Wrong password for %1:%2. The server answers the next login from this address in %3 s.")
                    .arg(m_host)
                    .arg(m_port)
                    .arg(retryAfter.count()),
                retryAfter};
    if (code == ErrorCode::AuthFailed)
        return {Problem::WrongPassword, tr("The server refused the login: %1").arg(message)};
    if (code == ErrorCode::Penalized)
        return {Problem::Penalized,
                tr("Too many failed logins from this address: %1:%2 will answer again in %3 s.")
                    .arg(m_host)
                    .arg(m_port)
                    .arg(retryAfter.count()),
                retryAfter};
    if (code == ErrorCode::TlsRequired)
        return {Problem::Refused,
                tr("%1:%2 accepts clients on other machines only over TLS: connect with TLS on (--tls on). "
                   "The server said: %3")
                    .arg(m_host)
                    .arg(m_port)
                    .arg(message)};
    if (code == ErrorCode::AuthTimeout || code == ErrorCode::AuthRequired)
        return {Problem::Refused, tr("The server refused the login: %1").arg(message)};
    return {Problem::Refused, tr("The server refused the connection: %1").arg(message)};
}

} // namespace Tincan
