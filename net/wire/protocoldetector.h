// Tells a framed (Tincan) client from a classic one by the first bytes it
// sends on a console connection. The rule, written down in docs/PROTOCOL.md:
//
//   framed  = a little-endian int32 length L with 1 <= L <= 65536,
//             followed by '{' (the first byte of the JSON header);
//   classic = anything that cannot be the start of such a frame.
//
// Text never contains the NUL bytes a plausible length needs in its upper
// half, so any classic command of three bytes or more is recognised at once.
// Shorter input ("ls", "w") could still be the start of a frame; the server
// waits ClassicDecisionDelay for more and then treats it as classic.
#pragma once

#include <QMetaType>

#include <QByteArrayView>

#include <chrono>

namespace Tincan {

enum class WireProtocol {
    Undecided,
    Framed,
    Classic,
};

namespace ProtocolDetector {

// How long an undecided prefix (at most 4 bytes) may wait for more bytes.
inline constexpr std::chrono::milliseconds ClassicDecisionDelay{250};

// Examines the first bytes of a connection (any number, including all that
// has arrived so far). Never returns Undecided for five or more bytes.
WireProtocol detect(QByteArrayView firstBytes);

} // namespace ProtocolDetector
} // namespace Tincan

Q_DECLARE_METATYPE(Tincan::WireProtocol)
