// The presence announcement codec (docs/PROTOCOL.md §10, "The datagram").
//
// Any datagram either decodes to an announcement within the limits or is refused with a reason.
// Whatever decodes survives the round trip: encoded again, it fits one datagram and decodes to
// the same announcement, and encoding that gives the same bytes. What may differ from the input
// is only what the encoding writes one way: unknown keys are dropped, the keys come in the
// encoder's order and CBOR's shortest forms.
#include "fuzzchecks.h"

#include "net/presence/announcement.h"

namespace Tincan::Fuzz {

namespace {

using namespace Tincan::Presence;

void checkWithinLimits(const Announcement &announcement)
{
    TINCAN_FUZZ_CHECK(!announcement.installId.isNull(), "the install id is set");
    TINCAN_FUZZ_CHECK(announcement.name.toUtf8().size() <= MaxNameBytes, "the name is within its limit");
    TINCAN_FUZZ_CHECK(announcement.capabilities.size() <= MaxCapabilities, "the capabilities are within their limit");
    for (const QString &capability : announcement.capabilities)
        TINCAN_FUZZ_CHECK(!capability.isEmpty() && capability.size() <= MaxCapabilityBytes,
                          "each capability is a short word");
    TINCAN_FUZZ_CHECK(announcement.hold >= MinHold && announcement.hold <= MaxHold, "the hold is within its limits");
}

} // namespace

AnnouncementOutcome checkAnnouncement(QByteArrayView input)
{
    const Expected<Announcement> decoded = AnnouncementCodec::decode(input);
    if (!decoded) {
        TINCAN_FUZZ_CHECK(!decoded.error().isEmpty(), "a refused datagram comes with a reason");
        return AnnouncementOutcome::Invalid;
    }
    TINCAN_FUZZ_CHECK(input.size() <= MaxDatagramSize, "only datagrams within the limit decode");
    TINCAN_FUZZ_CHECK(AnnouncementCodec::looksLikePresence(input), "only datagrams with the magic decode");
    checkWithinLimits(*decoded);

    const Expected<QByteArray> encoded = AnnouncementCodec::encode(*decoded);
    TINCAN_FUZZ_CHECK(encoded.has_value(), "what was decoded encodes");
    TINCAN_FUZZ_CHECK(encoded->size() <= MaxDatagramSize, "an encoded announcement fits one datagram");
    const Expected<Announcement> again = AnnouncementCodec::decode(*encoded);
    TINCAN_FUZZ_CHECK(again.has_value(), "what was decoded encodes to a valid announcement");
    TINCAN_FUZZ_CHECK(*again == *decoded, "the round trip keeps every field");
    const Expected<QByteArray> reencoded = AnnouncementCodec::encode(*again);
    TINCAN_FUZZ_CHECK(reencoded && *reencoded == *encoded, "the encoding is canonical");
    return AnnouncementOutcome::Valid;
}

} // namespace Tincan::Fuzz
