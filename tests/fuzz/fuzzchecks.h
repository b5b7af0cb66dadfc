// The properties the fuzz targets check. Each check takes one input, runs the
// parser on it in several ways, and aborts with a message when a property of
// docs/PROTOCOL.md does not hold, so that libFuzzer records the input as a
// crash. The same functions replay the committed seed corpus in the ordinary
// test suite (tst_fuzzcorpus), built with any compiler.
#pragma once

#include <QByteArrayView>

#include <cstdio>
#include <cstdlib>

namespace Tincan::Fuzz {

// What an input came to; the seed corpus names each file after it, so the
// replay test also checks that every seed means what its name says.
enum class FrameOutcome {
    Complete, // whole frames (or nothing), no byte left over
    Partial,  // no error, but bytes wait for the rest of a frame
    Error,    // the stream was rejected
};
FrameOutcome checkFrameDecoder(QByteArrayView input);

enum class DetectorOutcome {
    Framed,
    Classic,
    Undecided,
};
DetectorOutcome checkProtocolDetector(QByteArrayView input);

enum class EnvelopeOutcome {
    Valid,   // decoded, and survived the round trip
    Invalid, // refused, with a reason
};
EnvelopeOutcome checkChatEnvelope(QByteArrayView input);

enum class PacketOutcome {
    Valid,   // an IP Messenger packet (read as GB18030 by default), and survived the round trip
    Invalid, // refused, with a reason
};
PacketOutcome checkIpMsgPacket(QByteArrayView input);

enum class AnnouncementOutcome {
    Valid,   // a presence announcement, and survived the round trip
    Invalid, // refused, with a reason
};
AnnouncementOutcome checkAnnouncement(QByteArrayView input);

[[noreturn]] inline void failCheck(const char *condition, const char *why, const char *file, int line)
{
    std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n  (%s)\n", file, line, why, condition);
    std::fflush(stderr);
    std::abort();
}

} // namespace Tincan::Fuzz

// Not Q_ASSERT: it must hold in release builds too, and it must abort.
#define TINCAN_FUZZ_CHECK(condition, why)                                                                              \
    do {                                                                                                               \
        if (!(condition))                                                                                              \
            ::Tincan::Fuzz::failCheck(#condition, why, __FILE__, __LINE__);                                            \
    } while (false)
