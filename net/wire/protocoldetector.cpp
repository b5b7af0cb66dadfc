#include "net/wire/protocoldetector.h"

#include "net/wire/frame.h"

namespace Tincan::ProtocolDetector {

WireProtocol detect(QByteArrayView firstBytes)
{
    const auto byte = [&](qsizetype i) { return quint8(firstBytes[i]); };
    const qsizetype n = firstBytes.size();
    static_assert(FrameLimits::MaxHeaderSize == 0x10000, "the byte rules below assume a 64 KiB header limit");

    // Byte 3 is the top byte of the length: zero for any plausible header.
    if (n > 3 && byte(3) != 0)
        return WireProtocol::Classic;
    // Byte 2 is 0, or 1 only for exactly 65536 (0x00010000).
    if (n > 2 && (byte(2) > 1 || (byte(2) == 1 && (byte(0) != 0 || byte(1) != 0))))
        return WireProtocol::Classic;
    if (n > 3) {
        const quint32 length = quint32(byte(0)) | quint32(byte(1)) << 8 | quint32(byte(2)) << 16;
        if (length == 0 || length > quint32(FrameLimits::MaxHeaderSize))
            return WireProtocol::Classic;
    }
    if (n > 4)
        return byte(4) == '{' ? WireProtocol::Framed : WireProtocol::Classic;
    return WireProtocol::Undecided;
}

} // namespace Tincan::ProtocolDetector
