// ProtocolDetector against the rule of docs/PROTOCOL.md, "The console port".
//
// The server appends what arrives and asks again after every read, so the
// check does the same: with every prefix (byte by byte), and with pieces cut
// where the input's own bytes say. Whatever the cuts, the first decision must
// be final and the same as for the whole input; Framed is said only of five
// or more bytes that are the start of a frame, and Classic only of bytes that
// can no longer become one.
#include "fuzzchecks.h"
#include "inputcuts.h"

#include "net/wire/frame.h"
#include "net/wire/protocoldetector.h"

#include <algorithm>

namespace Tincan::Fuzz {

namespace {

// The rule has all it needs in the length prefix and the byte after it.
constexpr qsizetype DecisiveBytes = FrameLimits::PrefixSize + 1;
constexpr char HeaderStart = '{';

// True when some continuation of these bytes starts a frame: a length of
// 1..MaxHeaderSize, then a JSON object. Written from the wire description,
// independently of the detector's byte tests.
bool canStillBeFramed(QByteArrayView bytes)
{
    const qsizetype known = std::min(bytes.size(), FrameLimits::PrefixSize);
    quint64 low = 0; // the length's bytes that have arrived (little-endian)
    for (qsizetype i = 0; i < known; ++i)
        low |= quint64(quint8(bytes[i])) << (8 * i);
    bool lengthPossible = false;
    if (known == FrameLimits::PrefixSize)
        lengthPossible = low >= 1 && low <= quint64(FrameLimits::MaxHeaderSize);
    else if (low != 0)
        lengthPossible = low <= quint64(FrameLimits::MaxHeaderSize); // missing high bytes may all be 0
    else
        lengthPossible = (quint64(1) << (8 * known)) <= quint64(FrameLimits::MaxHeaderSize); // smallest non-zero
    return lengthPossible && (bytes.size() <= FrameLimits::PrefixSize || bytes[FrameLimits::PrefixSize] == HeaderStart);
}

// One connection's view: the decisions it got as its bytes arrived.
class Connection
{
public:
    explicit Connection(WireProtocol final)
        : m_final(final)
    {
    }

    void ask(QByteArrayView received)
    {
        const WireProtocol decision = ProtocolDetector::detect(received);
        switch (decision) {
        case WireProtocol::Framed:
            TINCAN_FUZZ_CHECK(received.size() >= DecisiveBytes, "Framed is never said of fewer than five bytes");
            TINCAN_FUZZ_CHECK(canStillBeFramed(received), "Framed only for the start of a frame");
            break;
        case WireProtocol::Classic:
            TINCAN_FUZZ_CHECK(!canStillBeFramed(received), "Classic only when no frame can start with these bytes");
            break;
        case WireProtocol::Undecided:
            // Waiting is always safe (it costs the classic decision delay),
            // but only while the decisive bytes are still missing.
            TINCAN_FUZZ_CHECK(received.size() < DecisiveBytes, "five bytes always decide");
            break;
        }
        if (m_decided != WireProtocol::Undecided) {
            TINCAN_FUZZ_CHECK(decision == m_decided, "a decision is never taken back");
        } else if (decision != WireProtocol::Undecided) {
            TINCAN_FUZZ_CHECK(decision == m_final, "the decision does not depend on how the bytes were cut");
            m_decided = decision;
        }
    }

private:
    WireProtocol m_final;
    WireProtocol m_decided = WireProtocol::Undecided; // the first decision
};

} // namespace

DetectorOutcome checkProtocolDetector(QByteArrayView input)
{
    const qsizetype size = input.size();
    const WireProtocol final = ProtocolDetector::detect(input);
    TINCAN_FUZZ_CHECK(final == ProtocolDetector::detect(input.first(std::min(size, DecisiveBytes))),
                      "bytes after the fifth do not matter");
    if (size >= DecisiveBytes)
        TINCAN_FUZZ_CHECK((final == WireProtocol::Framed) == canStillBeFramed(input), "exactly the frames are Framed");

    Connection bytewise(final);
    for (qsizetype received = 0; received <= size; ++received)
        bytewise.ask(input.first(received));

    Connection cut(final);
    InputCuts cuts(input);
    qsizetype received = 0;
    while (received < size) {
        received += cuts.next(size - received);
        cut.ask(input.first(received));
    }

    switch (final) {
    case WireProtocol::Framed:
        return DetectorOutcome::Framed;
    case WireProtocol::Classic:
        return DetectorOutcome::Classic;
    case WireProtocol::Undecided:
        break;
    }
    return DetectorOutcome::Undecided;
}

} // namespace Tincan::Fuzz
