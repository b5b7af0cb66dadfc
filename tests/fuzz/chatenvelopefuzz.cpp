// The chat datagram codec (docs/PROTOCOL.md, "Chat (UDP)").
//
// Any datagram either decodes to an envelope within the limits or is refused
// with a reason. Whatever decodes must survive the round trip: encoded again,
// it fits one datagram and decodes to the same envelope, and encoding that
// gives the same bytes (the encoding is canonical). A datagram that is not an
// envelope is classic text, which is never dropped.
#include "fuzzchecks.h"

#include "net/chat/chatenvelope.h"

#include <QUtf8StringView>

namespace Tincan::Fuzz {

namespace {

bool sameEnvelope(const Chat::Envelope &a, const Chat::Envelope &b)
{
    return a.type == b.type && a.from == b.from && a.name == b.name && a.messageId == b.messageId && a.text == b.text
        && a.timestamp == b.timestamp;
}

void checkWithinLimits(const Chat::Envelope &envelope)
{
    TINCAN_FUZZ_CHECK(!envelope.from.isNull() && !envelope.messageId.isNull(), "both ids are set");
    TINCAN_FUZZ_CHECK(envelope.name.toUtf8().size() <= Chat::MaxNameBytes, "the name is within its limit");
    TINCAN_FUZZ_CHECK(envelope.text.toUtf8().size() <= Chat::MaxTextBytes, "the text is within its limit");
    if (envelope.type == Chat::EnvelopeType::Ack)
        TINCAN_FUZZ_CHECK(envelope.text.isEmpty() && envelope.timestamp == 0, "an ack carries no message");
}

void checkClassicText(QByteArrayView datagram)
{
    const QString text = Chat::decodeClassicText(datagram);
    TINCAN_FUZZ_CHECK(datagram.isEmpty() == text.isEmpty(), "classic text is never dropped");
    if (QUtf8StringView(datagram.data(), datagram.size()).isValidUtf8())
        TINCAN_FUZZ_CHECK(text.toUtf8() == datagram.toByteArray(), "valid UTF-8 is shown as sent");
}

} // namespace

EnvelopeOutcome checkChatEnvelope(QByteArrayView input)
{
    const Expected<Chat::Envelope> decoded = Chat::EnvelopeDecoder::decode(input);
    if (!Chat::isEnvelope(input))
        checkClassicText(input);
    if (!decoded) {
        TINCAN_FUZZ_CHECK(!decoded.error().isEmpty(), "a refused datagram comes with a reason");
        return EnvelopeOutcome::Invalid;
    }
    TINCAN_FUZZ_CHECK(Chat::isEnvelope(input) && input.size() >= 2 && quint8(input[1]) == Chat::EnvelopeVersion,
                      "only [0x00][version 1] datagrams decode");
    checkWithinLimits(*decoded);

    const QByteArray encoded = Chat::encodeEnvelope(*decoded);
    TINCAN_FUZZ_CHECK(encoded.size() <= Chat::MaxDatagramSize, "an envelope within the limits fits one datagram");
    const Expected<Chat::Envelope> again = Chat::EnvelopeDecoder::decode(encoded);
    TINCAN_FUZZ_CHECK(again.has_value(), "what was decoded encodes to a valid envelope");
    TINCAN_FUZZ_CHECK(sameEnvelope(*again, *decoded), "the round trip keeps every field");
    TINCAN_FUZZ_CHECK(Chat::encodeEnvelope(*again) == encoded, "the encoding is canonical");
    return EnvelopeOutcome::Valid;
}

} // namespace Tincan::Fuzz
