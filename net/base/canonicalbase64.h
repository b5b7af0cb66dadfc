// The one base64 decoder for what a peer or a file hands to security code
// (nonces, proofs, salts, keys): only the canonical spelling of some bytes is
// accepted, so one value has exactly one text form and nothing is decoded
// beyond the size asked for.
#pragma once

#include <QByteArray>
#include <QStringView>

#include <optional>

namespace Tincan {

// The length of the canonical (padded) base64 text of `bytes` bytes.
constexpr qsizetype canonicalBase64Length(qsizetype bytes)
{
    return (bytes + 2) / 3 * 4;
}

// The bytes that `text` is the canonical base64 encoding of (standard
// alphabet, padded with '=', no whitespace, no bits set past the last byte),
// if they number from 1 to `maxBytes`; nullopt for anything else. Text longer
// than `maxBytes` needs is refused before it is decoded.
std::optional<QByteArray> decodeCanonicalBase64(QStringView text, qsizetype maxBytes);

} // namespace Tincan
