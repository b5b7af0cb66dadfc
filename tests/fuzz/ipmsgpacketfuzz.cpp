// The IP Messenger packet codec (docs/PROTOCOL.md §9, "The packet").
//
// Any datagram either decodes to a packet within the limits or is refused with a reason, read
// both ways a peer's unflagged text can be (GB18030, or UTF-8 once it said so). Whatever decodes
// survives the round trip: encoded again, it fits one datagram (unless the input used the very
// last byte without the closing NUL, which encoding adds) and decodes to the same packet, and
// encoding that gives the same bytes. What may differ from the input is only what the encoding
// writes one way: UTF8OPT is set exactly when the text is UTF-8 (iptux's unflagged UTF-8 gains
// it), numbers lose leading zeros, and a closing NUL is added.
#include "fuzzchecks.h"

#include "net/ipmsg/ipmsgpacket.h"

namespace Tincan::Fuzz {

namespace {

using namespace Tincan::IpMsg;

bool samePacket(const Packet &a, const Packet &b)
{
    return a.version == b.version && a.packetNo == b.packetNo && a.user == b.user && a.host == b.host
        && a.command == b.command && a.text == b.text && a.extras == b.extras && a.encoding == b.encoding;
}

void checkWithinLimits(const Packet &packet)
{
    TINCAN_FUZZ_CHECK(!packet.version.isEmpty() && packet.version.size() <= MaxHeaderFieldBytes,
                      "the version is set and within its limit");
    TINCAN_FUZZ_CHECK(!packet.version.contains(':') && !packet.version.contains('\0'), "the version is one field");
    TINCAN_FUZZ_CHECK(!packet.user.contains(u':') && !packet.host.contains(u':'), "user and host are one field each");
    TINCAN_FUZZ_CHECK(packet.extras.size() <= MaxExtraParts, "the parts are within their limit");
    TINCAN_FUZZ_CHECK(packet.encoding == TextEncoding::Utf8 || !packet.hasOption(Option::Utf8Opt),
                      "UTF8OPT means UTF-8");
}

// Decodes `input` as a peer read as `legacy`; true if it decoded.
bool checkOne(QByteArrayView input, TextEncoding legacy)
{
    const Expected<Packet> decoded = PacketCodec::decode(input, legacy);
    if (!decoded) {
        TINCAN_FUZZ_CHECK(!decoded.error().isEmpty(), "a refused datagram comes with a reason");
        return false;
    }
    TINCAN_FUZZ_CHECK(input.size() <= MaxDatagramSize, "only datagrams within the limit decode");
    checkWithinLimits(*decoded);

    const Expected<QByteArray> encoded = PacketCodec::encode(*decoded);
    if (!encoded) {
        TINCAN_FUZZ_CHECK(input.size() == MaxDatagramSize && !input.endsWith('\0'),
                          "what was decoded encodes, unless only the closing NUL does not fit");
        return true;
    }
    TINCAN_FUZZ_CHECK(encoded->size() <= MaxDatagramSize, "an encoded packet fits one datagram");
    TINCAN_FUZZ_CHECK(encoded->endsWith('\0'), "an encoded packet ends with a NUL");
    // Read the way the first one was: the text's encoding is now flagged or the default.
    const Expected<Packet> again = PacketCodec::decode(*encoded, legacy);
    TINCAN_FUZZ_CHECK(again.has_value(), "what was decoded encodes to a valid packet");
    Packet expected = *decoded;
    if (expected.encoding == TextEncoding::Utf8)
        expected.command |= Option::Utf8Opt;
    TINCAN_FUZZ_CHECK(samePacket(*again, expected), "the round trip keeps every field but UTF8OPT's setting");
    const Expected<QByteArray> reencoded = PacketCodec::encode(*again);
    TINCAN_FUZZ_CHECK(reencoded && *reencoded == *encoded, "the encoding is canonical");
    return true;
}

} // namespace

PacketOutcome checkIpMsgPacket(QByteArrayView input)
{
    const bool utf8 = checkOne(input, TextEncoding::Utf8);
    const bool valid = checkOne(input, TextEncoding::Gb18030);
    Q_UNUSED(utf8);
    return valid ? PacketOutcome::Valid : PacketOutcome::Invalid;
}

} // namespace Tincan::Fuzz
