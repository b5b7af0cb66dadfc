#include "net/presence/announcement.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QSet>

namespace Tincan::Presence {

namespace {
const QString KindKey = QStringLiteral("kind");
const QString IdKey = QStringLiteral("id");
const QString NameKey = QStringLiteral("name");
const QString ChatKey = QStringLiteral("chat");
const QString ConsoleKey = QStringLiteral("console");
const QString StateKey = QStringLiteral("state");
const QString CapsKey = QStringLiteral("caps");
const QString HoldKey = QStringLiteral("hold");
constexpr qsizetype HeaderSize = MagicSize + 1; // magic + version
constexpr qsizetype UuidBytes = 16;

struct KindEntry
{
    Kind kind;
    const char *name;
};
constexpr KindEntry Kinds[] = {
    {Kind::Announce, "announce"},
    {Kind::Answer, "answer"},
    {Kind::Leave, "leave"},
    {Kind::Probe, "probe"},
};

QString cutToBytes(const QString &text, qsizetype maxBytes)
{
    QString cut = text;
    // Drop whole characters (a surrogate pair at a time) until the UTF-8 fits.
    while (cut.toUtf8().size() > maxBytes) {
        cut.chop(1);
        if (!cut.isEmpty() && cut.back().isHighSurrogate())
            cut.chop(1);
    }
    return cut;
}

bool isCapabilityWord(const QString &word)
{
    if (word.isEmpty() || word.size() > MaxCapabilityBytes)
        return false;
    for (const QChar c : word) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-' || c == u'.';
        if (!ok)
            return false;
    }
    return true;
}

std::optional<quint16> portFrom(const QCborValue &value)
{
    if (!value.isInteger() || value.toInteger() < 0 || value.toInteger() > 65535)
        return std::nullopt;
    return quint16(value.toInteger());
}

Expected<QCborMap> mapFrom(QByteArrayView datagram)
{
    QCborParserError parseError;
    const QByteArray body = datagram.sliced(HeaderSize).toByteArray();
    const QCborValue value = QCborValue::fromCbor(body, &parseError);
    if (parseError.error != QCborError::NoError)
        return Failure{AnnouncementCodec::tr("Malformed announcement: %1.").arg(parseError.errorString())};
    if (parseError.offset != body.size())
        return Failure{AnnouncementCodec::tr("Malformed announcement: %1 bytes after the end.")
                           .arg(body.size() - parseError.offset)};
    if (!value.isMap())
        return Failure{AnnouncementCodec::tr("Malformed announcement: not a map.")};
    const QCborMap map = value.toMap();
    // RFC 8949, 5.6: which of two values counts would be anyone's guess.
    QSet<QCborValue> keys;
    for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
        if (keys.contains(it.key()))
            return Failure{AnnouncementCodec::tr("Malformed announcement: a key appears twice.")};
        keys.insert(it.key());
    }
    return map;
}

Expected<QStringList> capabilitiesFrom(const QCborValue &value)
{
    if (value.isUndefined())
        return QStringList();
    if (!value.isArray())
        return Failure{AnnouncementCodec::tr("Malformed announcement: the capabilities are not a list.")};
    const QCborArray array = value.toArray();
    if (array.size() > MaxCapabilities)
        return Failure{
            AnnouncementCodec::tr("Malformed announcement: more than %1 capabilities.").arg(MaxCapabilities)};
    QStringList words;
    for (const QCborValue &item : array) {
        if (!item.isString() || !isCapabilityWord(item.toString()))
            return Failure{AnnouncementCodec::tr("Malformed announcement: a capability is not a short word.")};
        if (words.contains(item.toString()))
            return Failure{AnnouncementCodec::tr("Malformed announcement: a capability appears twice.")};
        words.append(item.toString());
    }
    return words;
}

// The fields after the kind and id.
Expected<void> readDescription(const QCborMap &map, Announcement &out)
{
    const QCborValue name = map.value(NameKey);
    if (!name.isString())
        return Failure{AnnouncementCodec::tr("Malformed announcement: no name.")};
    out.name = name.toString();
    if (out.name.toUtf8().size() > MaxNameBytes)
        return Failure{
            AnnouncementCodec::tr("Malformed announcement: the name is longer than %1 bytes.").arg(MaxNameBytes)};
    const auto chat = portFrom(map.value(ChatKey));
    const auto console = portFrom(map.value(ConsoleKey));
    if (!chat || !console)
        return Failure{AnnouncementCodec::tr("Malformed announcement: a port is missing or not 0 to 65535.")};
    out.chatPort = *chat;
    out.consolePort = *console;
    const QString state = map.value(StateKey).toString();
    if (state == stateName(State::Online))
        out.state = State::Online;
    else if (state == stateName(State::Away))
        out.state = State::Away;
    else
        return Failure{AnnouncementCodec::tr("Malformed announcement: unknown state \"%1\".").arg(state.left(32))};
    const QCborValue hold = map.value(HoldKey);
    if (!hold.isInteger() || hold.toInteger() < MinHold.count() || hold.toInteger() > MaxHold.count())
        return Failure{
            AnnouncementCodec::tr("Malformed announcement: the hold time is missing or not %1 to %2 seconds.")
                .arg(MinHold.count())
                .arg(MaxHold.count())};
    out.hold = std::chrono::seconds(hold.toInteger());
    auto caps = capabilitiesFrom(map.value(CapsKey));
    if (!caps)
        return Failure{caps.error()};
    out.capabilities = *caps;
    return {};
}
} // namespace

QString kindName(Kind kind)
{
    for (const KindEntry &entry : Kinds) {
        if (entry.kind == kind)
            return QString::fromLatin1(entry.name);
    }
    return {};
}

QString stateName(State state)
{
    return state == State::Away ? QStringLiteral("away") : QStringLiteral("online");
}

bool AnnouncementCodec::looksLikePresence(QByteArrayView datagram)
{
    return datagram.startsWith(QByteArrayView(Magic, MagicSize));
}

Expected<QByteArray> AnnouncementCodec::encode(const Announcement &announcement)
{
    if (announcement.installId.isNull())
        return Failure{tr("An announcement needs an install id.")};
    if (announcement.capabilities.size() > MaxCapabilities)
        return Failure{tr("At most %1 capabilities can be announced.").arg(MaxCapabilities)};
    for (const QString &word : announcement.capabilities) {
        if (!isCapabilityWord(word))
            return Failure{tr("\"%1\" is not a capability word.").arg(word.left(64))};
    }
    if (announcement.hold < MinHold || announcement.hold > MaxHold)
        return Failure{tr("The hold time must be %1 to %2 seconds.").arg(MinHold.count()).arg(MaxHold.count())};
    QCborMap map;
    map.insert(KindKey, kindName(announcement.kind));
    map.insert(IdKey, announcement.installId.toRfc4122());
    map.insert(NameKey, cutToBytes(announcement.name, MaxNameBytes));
    map.insert(ChatKey, announcement.chatPort);
    map.insert(ConsoleKey, announcement.consolePort);
    map.insert(StateKey, stateName(announcement.state));
    map.insert(HoldKey, qint64(announcement.hold.count()));
    if (!announcement.capabilities.isEmpty())
        map.insert(CapsKey, QCborArray::fromStringList(announcement.capabilities));
    QByteArray datagram(Magic, MagicSize);
    datagram.append(char(ProtocolVersion));
    datagram.append(map.toCborValue().toCbor());
    return datagram; // at most ~900 bytes with every field at its limit
}

Expected<Announcement> AnnouncementCodec::decode(QByteArrayView datagram)
{
    if (datagram.size() > MaxDatagramSize)
        return Failure{tr("Announcement of %1 bytes, more than %2.").arg(datagram.size()).arg(MaxDatagramSize)};
    if (!looksLikePresence(datagram))
        return Failure{tr("Not a Tincan announcement.")};
    if (datagram.size() < HeaderSize)
        return Failure{tr("Truncated announcement: no version byte.")};
    const quint8 version = quint8(datagram[MagicSize]);
    if (version != ProtocolVersion)
        return Failure{tr("Unsupported announcement version %1.").arg(version)};
    const auto map = mapFrom(datagram);
    if (!map)
        return Failure{map.error()};

    Announcement out;
    const QString kind = map->value(KindKey).toString();
    bool known = false;
    for (const KindEntry &entry : Kinds) {
        if (kind == QLatin1String(entry.name)) {
            out.kind = entry.kind;
            known = true;
        }
    }
    if (!known)
        return Failure{tr("Malformed announcement: unknown kind \"%1\".").arg(kind.left(32))};
    const QCborValue id = map->value(IdKey);
    if (!id.isByteArray() || id.toByteArray().size() != UuidBytes || QUuid::fromRfc4122(id.toByteArray()).isNull())
        return Failure{tr("Malformed announcement: no valid install id.")};
    out.installId = QUuid::fromRfc4122(id.toByteArray());
    const auto described = readDescription(*map, out);
    if (!described)
        return Failure{described.error()};
    return out;
}

} // namespace Tincan::Presence
