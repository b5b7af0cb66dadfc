#include "net/chat/chatenvelope.h"

#include <QCborMap>
#include <QCborValue>
#include <QSet>
#include <QStringDecoder>

namespace Tincan::Chat {

namespace {
const QString TypeKey = QStringLiteral("type");
const QString FromKey = QStringLiteral("from");
const QString NameKey = QStringLiteral("name");
const QString IdKey = QStringLiteral("id");
const QString TextKey = QStringLiteral("text");
const QString TimeKey = QStringLiteral("ts");
const QString MessageType = QStringLiteral("msg");
const QString AckType = QStringLiteral("ack");
constexpr qsizetype HeaderSize = 2; // marker + version
constexpr qsizetype UuidBytes = 16;

QString cutToBytes(const QString &text, qsizetype maxBytes)
{
    QByteArray utf8 = text.toUtf8();
    if (utf8.size() <= maxBytes)
        return text;
    utf8.truncate(maxBytes);
    // Drop the last character only if the cut split it: find its lead byte
    // and compare the length the lead byte announces with what is left.
    qsizetype lead = utf8.size() - 1;
    while (lead > 0 && (quint8(utf8.at(lead)) & 0xC0) == 0x80)
        --lead;
    if (lead >= 0) {
        const quint8 first = quint8(utf8.at(lead));
        const qsizetype length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
        if (utf8.size() - lead < length)
            utf8.truncate(lead);
    }
    return QString::fromUtf8(utf8);
}

std::optional<QUuid> uuidFrom(const QCborValue &value)
{
    if (!value.isByteArray() || value.toByteArray().size() != UuidBytes)
        return std::nullopt;
    const QUuid uuid = QUuid::fromRfc4122(value.toByteArray());
    if (uuid.isNull())
        return std::nullopt;
    return uuid;
}
} // namespace

QByteArray encodeEnvelope(const Envelope &envelope)
{
    QCborMap map;
    map.insert(TypeKey, envelope.type == EnvelopeType::Message ? MessageType : AckType);
    map.insert(FromKey, envelope.from.toRfc4122());
    map.insert(NameKey, cutToBytes(envelope.name, MaxNameBytes));
    map.insert(IdKey, envelope.messageId.toRfc4122());
    if (envelope.type == EnvelopeType::Message) {
        map.insert(TextKey, envelope.text);
        map.insert(TimeKey, envelope.timestamp);
    }
    QByteArray datagram;
    datagram.append(Marker);
    datagram.append(char(EnvelopeVersion));
    datagram.append(map.toCborValue().toCbor());
    return datagram;
}

Expected<Envelope> EnvelopeDecoder::decode(QByteArrayView datagram)
{
    if (!isEnvelope(datagram))
        return Failure{tr("Not a Tincan datagram.")};
    if (datagram.size() < HeaderSize)
        return Failure{tr("Truncated Tincan datagram: no version byte.")};
    const quint8 version = quint8(datagram[1]);
    if (version != EnvelopeVersion)
        return Failure{tr("Unsupported Tincan envelope version %1.").arg(version)};

    QCborParserError parseError;
    const QByteArray body = datagram.sliced(HeaderSize).toByteArray();
    const QCborValue value = QCborValue::fromCbor(body, &parseError);
    if (parseError.error != QCborError::NoError)
        return Failure{tr("Malformed envelope: %1.").arg(parseError.errorString())};
    if (parseError.offset != body.size())
        return Failure{tr("Malformed envelope: %1 bytes after the end.").arg(body.size() - parseError.offset)};
    if (!value.isMap())
        return Failure{tr("Malformed envelope: not a map.")};
    const QCborMap map = value.toMap();
    // RFC 8949, 5.6: a map with a key twice is not valid CBOR, and taking
    // either value would let two readers see different envelopes.
    QSet<QCborValue> keys;
    for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
        if (keys.contains(it.key()))
            return Failure{tr("Malformed envelope: a key appears twice.")};
        keys.insert(it.key());
    }

    Envelope envelope;
    const QString type = map.value(TypeKey).toString();
    if (type == MessageType)
        envelope.type = EnvelopeType::Message;
    else if (type == AckType)
        envelope.type = EnvelopeType::Ack;
    else
        return Failure{tr("Malformed envelope: unknown type \"%1\".").arg(type.left(32))};

    const auto from = uuidFrom(map.value(FromKey));
    if (!from)
        return Failure{tr("Malformed envelope: no valid sender id.")};
    envelope.from = *from;
    const auto id = uuidFrom(map.value(IdKey));
    if (!id)
        return Failure{tr("Malformed envelope: no valid message id.")};
    envelope.messageId = *id;

    const QCborValue name = map.value(NameKey);
    if (!name.isUndefined() && !name.isString())
        return Failure{tr("Malformed envelope: the name is not text.")};
    envelope.name = name.toString();
    if (envelope.name.toUtf8().size() > MaxNameBytes)
        return Failure{tr("Malformed envelope: the name is longer than %1 bytes.").arg(MaxNameBytes)};

    if (envelope.type == EnvelopeType::Message) {
        const QCborValue text = map.value(TextKey);
        if (!text.isString())
            return Failure{tr("Malformed envelope: a message without text.")};
        envelope.text = text.toString();
        if (envelope.text.toUtf8().size() > MaxTextBytes)
            return Failure{tr("Malformed envelope: the text is longer than %1 bytes.").arg(MaxTextBytes)};
        const QCborValue time = map.value(TimeKey);
        if (!time.isInteger())
            return Failure{tr("Malformed envelope: a message without a timestamp.")};
        envelope.timestamp = time.toInteger();
    }
    return envelope;
}

QString decodeClassicText(QByteArrayView datagram)
{
    // Stateless: an incomplete sequence at the end is replaced with U+FFFD
    // like any other invalid bytes, not held back for a next call that never comes.
    // ConvertInitialBom: a leading U+FEFF is text the peer sent (Python's
    // decode('utf-8') keeps it too); by default the decoder would drop it.
    QStringDecoder decoder(QStringDecoder::Utf8,
                           QStringConverter::Flag::Stateless | QStringConverter::Flag::ConvertInitialBom);
    return decoder.decode(datagram);
}

} // namespace Tincan::Chat
