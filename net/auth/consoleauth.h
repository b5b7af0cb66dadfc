// The console's challenge-response login (docs/PROTOCOL.md, "Authentication"):
// the server sends a fresh nonce with the password hash's salt and iteration
// count; the client derives the PBKDF2 key from the password and proves it
// knows it with an HMAC over both nonces. The password never crosses the
// wire, and a proof is worth nothing on another connection, whose server
// nonce differs. Pure functions, shared by the server, the client and tests.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonValue>
#include <QLatin1StringView>

#include <optional>

namespace Tincan::ConsoleAuth {

// The one mechanism so far: PBKDF2-SHA256 key, HMAC-SHA256 proofs.
inline constexpr QLatin1StringView Mechanism{"pbkdf2-sha256-hmac"};
// Both nonces have exactly this size, so that their concatenation in the
// HMAC input is unambiguous.
inline constexpr qsizetype NonceSize = 32;
// An HMAC-SHA256 output.
inline constexpr qsizetype ProofSize = 32;
// Appended to the HMAC input: binds a proof to this protocol and to its
// direction, so that the server's proof can never stand in for the client's.
inline constexpr QByteArrayView ClientContext{"tincan-console-auth-v1 client"};
inline constexpr QByteArrayView ServerContext{"tincan-console-auth-v1 server"};

// NonceSize bytes from the system's cryptographic generator.
QByteArray randomNonce();

// HMAC-SHA256(key, serverNonce || clientNonce || ClientContext).
QByteArray clientProof(QByteArrayView key, QByteArrayView serverNonce, QByteArrayView clientNonce);
// HMAC-SHA256(key, serverNonce || clientNonce || ServerContext): sent in the
// welcome, so the client knows the server holds the password's key.
QByteArray serverProof(QByteArrayView key, QByteArrayView serverNonce, QByteArrayView clientNonce);

// Decodes a JSON string of canonical base64 whose bytes number from minSize
// to maxSize; nullopt for anything else.
std::optional<QByteArray> decodeBase64(const QJsonValue &value, qsizetype minSize, qsizetype maxSize);

} // namespace Tincan::ConsoleAuth
