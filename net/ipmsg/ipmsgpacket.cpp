#include "net/ipmsg/ipmsgpacket.h"

#include <QStringDecoder>
#include <QStringEncoder>

namespace Tincan::IpMsg {

namespace {
constexpr char FieldSeparator = ':';
constexpr char PartSeparator = '\0';
constexpr qsizetype HeaderFields = 5; // Version, PacketNo, User, Host, Command; Extra follows
// A 32-bit number has at most 10 decimal digits; more (even leading zeros) is not a real client's.
constexpr qsizetype MaxNumberDigits = 10;
// In an entry, the part after the group holds IP Messenger's UTF-8 copy or iptux's icon, and the
// one after that iptux's encoding.
constexpr qsizetype IptuxEncodingPart = 2;
const char *const Gb18030Name = "GB18030";

std::optional<quint32> parseNumber(QByteArrayView field)
{
    if (field.isEmpty() || field.size() > MaxNumberDigits)
        return std::nullopt;
    quint64 value = 0;
    for (const char c : field) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + quint64(c - '0');
    }
    if (value > 0xffffffffULL)
        return std::nullopt;
    return quint32(value);
}

std::optional<QString> decodeText(QByteArrayView bytes, TextEncoding encoding)
{
    // Stateless: a sequence cut at the end is an error, not a state kept for more bytes; a BOM
    // is text like any other character.
    constexpr auto flags = QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom;
    QStringDecoder decoder = encoding == TextEncoding::Utf8 ? QStringDecoder(QStringDecoder::Utf8, flags)
                                                            : QStringDecoder(Gb18030Name, flags);
    if (!decoder.isValid())
        return std::nullopt;
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

std::optional<QByteArray> encodeText(const QString &text, TextEncoding encoding)
{
    constexpr auto flags = QStringEncoder::Flag::Stateless | QStringEncoder::Flag::ConvertInitialBom;
    QStringEncoder encoder = encoding == TextEncoding::Utf8 ? QStringEncoder(QStringEncoder::Utf8, flags)
                                                            : QStringEncoder(Gb18030Name, flags);
    if (!encoder.isValid())
        return std::nullopt;
    QByteArray bytes = encoder.encode(text);
    if (encoder.hasError())
        return std::nullopt;
    return bytes;
}

bool namesUtf8(QByteArrayView name)
{
    return name.compare("utf-8", Qt::CaseInsensitive) == 0 || name.compare("utf8", Qt::CaseInsensitive) == 0;
}

// IP Messenger's UTF-8 copy of an entry is a part that starts with a line break, in an entry that
// says CAPUTF8OPT; it is UTF-8 whatever the rest of the packet is written in.
bool isUtf8Copy(quint32 command, qsizetype extraIndex, QByteArrayView part)
{
    return isEntryMode(modeOf(command)) && (command & Option::CapUtf8Opt) && extraIndex >= 1 && part.startsWith('\n');
}
} // namespace

bool isEntryMode(quint32 mode)
{
    return mode == Mode::BrEntry || mode == Mode::AnsEntry || mode == Mode::BrAbsence;
}

VersionField parseVersion(QByteArrayView version)
{
    VersionField field;
    const QList<QByteArray> hashParts = version.toByteArray().split('#');
    const QByteArray &first = hashParts.front();
    qsizetype digits = 0;
    while (digits < first.size() && digits < MaxNumberDigits && first.at(digits) >= '0' && first.at(digits) <= '9')
        ++digits;
    if (const auto number = parseNumber(QByteArrayView(first).first(digits)); number && *number <= 0x7fffffff)
        field.protocol = int(*number);
    const qsizetype underscore = first.indexOf('_');
    if (underscore >= 0)
        field.client = first.mid(underscore + 1);
    field.feiqData = hashParts.mid(1);
    return field;
}

QString utf8EntryCopy(const QString &user, const QString &host, const QString &nickname, const QString &group)
{
    return QStringLiteral("\nUN:%1\nHN:%2\nNN:%3\nGN:%4\n").arg(user, host, nickname, group);
}

EntryInfo entryInfo(const Packet &packet)
{
    EntryInfo info;
    info.nickname = packet.text;
    info.group = packet.extras.value(0);
    info.user = packet.user;
    info.host = packet.host;
    info.readsUtf8 = packet.hasOption(Option::CapUtf8Opt) || packet.hasOption(Option::Utf8Opt);
    if (namesUtf8(packet.extras.value(IptuxEncodingPart).toLatin1())) {
        info.readsUtf8 = true;
        info.unflagged = TextEncoding::Utf8;
    }
    for (qsizetype i = 1; i < packet.extras.size(); ++i) {
        const QString &part = packet.extras.at(i);
        if (!isUtf8Copy(packet.command, i, part.toUtf8()))
            continue;
        for (const QString &line : part.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            const QStringView key = QStringView(line).left(3);
            const QString value = line.mid(3);
            if (key == u"UN:")
                info.user = value;
            else if (key == u"HN:")
                info.host = value;
            else if (key == u"NN:")
                info.nickname = value;
            else if (key == u"GN:")
                info.group = value;
        }
        break;
    }
    return info;
}

Expected<Packet> PacketCodec::decode(QByteArrayView datagram, TextEncoding legacy)
{
    const auto fail = [](const QString &reason) -> Expected<Packet> { return Failure{reason}; };
    if (datagram.size() > MaxDatagramSize)
        return fail(tr("The datagram is %1 bytes long; an IP Messenger packet has at most %2.")
                        .arg(datagram.size())
                        .arg(MaxDatagramSize));
    if (datagram.isEmpty())
        return fail(tr("The datagram is empty."));

    // The header ends at the fifth ':'; a NUL before it means the packet was cut short.
    QByteArrayView header[HeaderFields];
    qsizetype position = 0;
    for (qsizetype field = 0; field < HeaderFields; ++field) {
        const qsizetype colon = datagram.indexOf(FieldSeparator, position);
        const qsizetype nul = datagram.indexOf(PartSeparator, position);
        if (colon < 0 || (nul >= 0 && nul < colon))
            return fail(tr("The packet is cut short: it has %1 of the 5 fields before Extra.").arg(field));
        header[field] = datagram.sliced(position, colon - position);
        if (header[field].size() > MaxHeaderFieldBytes)
            return fail(tr("A header field is %1 bytes long; at most %2 are accepted.")
                            .arg(header[field].size())
                            .arg(MaxHeaderFieldBytes));
        position = colon + 1;
    }

    Packet packet;
    packet.version = header[0].toByteArray();
    if (packet.version.isEmpty())
        return fail(tr("The packet has no version."));
    const auto packetNo = parseNumber(header[1]);
    if (!packetNo)
        return fail(tr("The packet number is not a decimal number below 2^32."));
    packet.packetNo = *packetNo;
    const auto command = parseNumber(header[4]);
    if (!command)
        return fail(tr("The command is not a decimal number below 2^32."));
    packet.command = *command;

    // Extra: NUL-separated parts; the NUL that ends the last one (as C strings end) is not a part.
    QByteArrayView extra = datagram.sliced(position);
    if (extra.endsWith(PartSeparator))
        extra.chop(1);
    QList<QByteArrayView> parts;
    for (qsizetype start = 0;;) {
        if (parts.size() > MaxExtraParts)
            return fail(tr("The packet has more than %1 parts after its text.").arg(MaxExtraParts));
        const qsizetype nul = extra.indexOf(PartSeparator, start);
        if (nul < 0) {
            parts.append(extra.sliced(start));
            break;
        }
        parts.append(extra.sliced(start, nul - start));
        start = nul + 1;
    }

    // iptux writes UTF-8 without saying UTF8OPT, and names its encoding in its entries.
    packet.encoding = packet.hasOption(Option::Utf8Opt) ? TextEncoding::Utf8 : legacy;
    if (isEntryMode(packet.mode()) && parts.size() > IptuxEncodingPart + 1
        && namesUtf8(parts.at(IptuxEncodingPart + 1)))
        packet.encoding = TextEncoding::Utf8;

    const auto invalid = [&]() {
        return fail(packet.encoding == TextEncoding::Utf8 ? tr("The packet's text is not valid UTF-8.")
                                                          : tr("The packet's text is not valid GB18030 (GBK)."));
    };
    const auto user = decodeText(header[2], packet.encoding);
    const auto host = decodeText(header[3], packet.encoding);
    const auto text = decodeText(parts.front(), packet.encoding);
    if (!user || !host || !text)
        return invalid();
    packet.user = *user;
    packet.host = *host;
    packet.text = *text;
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const qsizetype extraIndex = i - 1;
        const TextEncoding encoding
            = isUtf8Copy(packet.command, extraIndex, parts.at(i)) ? TextEncoding::Utf8 : packet.encoding;
        const auto part = decodeText(parts.at(i), encoding);
        if (!part)
            return encoding == TextEncoding::Utf8 ? fail(tr("The packet's text is not valid UTF-8.")) : invalid();
        packet.extras.append(*part);
    }
    return packet;
}

Expected<QByteArray> PacketCodec::encode(const Packet &packet)
{
    const auto fail = [](const QString &reason) -> Expected<QByteArray> { return Failure{reason}; };
    const quint32 command
        = packet.encoding == TextEncoding::Utf8 ? packet.command | Option::Utf8Opt : packet.command & ~Option::Utf8Opt;
    const auto user = encodeText(packet.user, packet.encoding);
    const auto host = encodeText(packet.host, packet.encoding);
    const auto text = encodeText(packet.text, packet.encoding);
    if (!user || !host || !text)
        return fail(tr("The text cannot be written in the packet's encoding."));
    for (const QByteArray *field : {&packet.version, &*user, &*host}) {
        if (field->contains(FieldSeparator) || field->contains(PartSeparator))
            return fail(tr("A header field holds ':' or a NUL."));
        if (field->size() > MaxHeaderFieldBytes)
            return fail(tr("A header field is %1 bytes long; at most %2 are accepted.")
                            .arg(field->size())
                            .arg(MaxHeaderFieldBytes));
    }
    if (packet.version.isEmpty())
        return fail(tr("The packet has no version."));
    if (packet.extras.size() > MaxExtraParts)
        return fail(tr("The packet has more than %1 parts after its text.").arg(MaxExtraParts));

    QByteArray datagram = packet.version;
    datagram.append(FieldSeparator).append(QByteArray::number(packet.packetNo));
    datagram.append(FieldSeparator).append(*user);
    datagram.append(FieldSeparator).append(*host);
    datagram.append(FieldSeparator).append(QByteArray::number(command));
    datagram.append(FieldSeparator);
    if (text->contains(PartSeparator))
        return fail(tr("A part of the packet holds a NUL."));
    datagram.append(*text);
    for (qsizetype i = 0; i < packet.extras.size(); ++i) {
        const QString &part = packet.extras.at(i);
        const bool copy = isEntryMode(modeOf(command)) && (command & Option::CapUtf8Opt) && i >= 1
            && part.startsWith(QLatin1Char('\n'));
        const auto bytes = encodeText(part, copy ? TextEncoding::Utf8 : packet.encoding);
        if (!bytes)
            return fail(tr("The text cannot be written in the packet's encoding."));
        if (bytes->contains(PartSeparator))
            return fail(tr("A part of the packet holds a NUL."));
        datagram.append(PartSeparator).append(*bytes);
    }
    datagram.append(PartSeparator);
    if (datagram.size() > MaxDatagramSize)
        return fail(tr("The packet would be %1 bytes long; an IP Messenger packet has at most %2.")
                        .arg(datagram.size())
                        .arg(MaxDatagramSize));
    return datagram;
}

} // namespace Tincan::IpMsg
