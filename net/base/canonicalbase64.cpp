#include "net/base/canonicalbase64.h"

namespace Tincan {

std::optional<QByteArray> decodeCanonicalBase64(QStringView text, qsizetype maxBytes)
{
    if (text.isEmpty() || maxBytes < 1 || text.size() > canonicalBase64Length(maxBytes))
        return std::nullopt;
    // toLatin1() would turn any other character into '?': refuse it first.
    for (QChar c : text)
        if (c.unicode() > 0x7f)
            return std::nullopt;
    const QByteArray ascii = text.toLatin1();
    const auto decoded = QByteArray::fromBase64Encoding(ascii, QByteArray::AbortOnBase64DecodingErrors);
    // Re-encoding catches what the decoder forgives: missing or extra padding,
    // bits set past the last byte.
    if (!decoded || decoded.decoded.toBase64() != ascii || decoded.decoded.size() > maxBytes)
        return std::nullopt;
    return decoded.decoded;
}

} // namespace Tincan
