// The presence datagram's codec (docs/PROTOCOL.md §10): every kind round-trips, and every
// malformed, truncated, oversized or hostile datagram is refused with a reason.
#include "net/presence/announcement.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QTest>

using namespace Tincan::Presence;
using namespace Qt::StringLiterals;

namespace {
const QUuid Id = QUuid(QStringLiteral("{6b1f3c2a-9d4e-4f21-8a0b-0c1d2e3f4a5b}"));

Announcement sample()
{
    Announcement a;
    a.kind = Kind::Announce;
    a.installId = Id;
    a.name = QStringLiteral("alice");
    a.chatPort = 8081;
    a.consolePort = 8082;
    a.capabilities = {QStringLiteral("chat-v1"), QStringLiteral("console-v1")};
    a.hold = std::chrono::seconds(180);
    return a;
}

QCborMap sampleMap()
{
    QCborMap map;
    map.insert(QStringLiteral("kind"), QStringLiteral("announce"));
    map.insert(QStringLiteral("id"), Id.toRfc4122());
    map.insert(QStringLiteral("name"), QStringLiteral("alice"));
    map.insert(QStringLiteral("chat"), 8081);
    map.insert(QStringLiteral("console"), 0);
    map.insert(QStringLiteral("state"), QStringLiteral("online"));
    map.insert(QStringLiteral("hold"), 180);
    return map;
}

QByteArray wrap(const QByteArray &body, char version = 1)
{
    return QByteArray("TCNP") + version + body;
}

QByteArray with(const QString &key, const QCborValue &value)
{
    QCborMap map = sampleMap();
    if (value.isUndefined())
        map.remove(key);
    else
        map.insert(key, value);
    return wrap(map.toCborValue().toCbor());
}
} // namespace

class TestAnnouncement : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void nameIsCutWhenSent();
    void encodeRefusesWhatCannotBeSent_data();
    void encodeRefusesWhatCannotBeSent();
    void decodesTheDocumentedMinimum();
    void rejects_data();
    void rejects();
    void everyTruncationIsRefused();
    void garbageIsRefused();
};

void TestAnnouncement::roundTrip_data()
{
    QTest::addColumn<Announcement>("announcement");
    for (const Kind kind : {Kind::Announce, Kind::Answer, Kind::Leave, Kind::Probe}) {
        Announcement a = sample();
        a.kind = kind;
        QTest::newRow(qPrintable(kindName(kind))) << a;
    }
    Announcement away = sample();
    away.state = State::Away;
    away.consolePort = 0;
    away.capabilities.clear();
    QTest::newRow("away, no console, no capabilities") << away;
    Announcement chinese = sample();
    chinese.name = QStringLiteral("一棵树 🌲");
    QTest::newRow("non-ASCII name") << chinese;
    Announcement full = sample();
    full.name = QString(MaxNameBytes, u'n');
    full.capabilities.clear();
    for (int i = 0; i < MaxCapabilities; ++i)
        full.capabilities.append(QString(MaxCapabilityBytes - 3, u'c') + QString::number(100 + i));
    full.hold = MaxHold;
    QTest::newRow("every field at its limit") << full;
    Announcement listener = sample();
    listener.chatPort = 0;
    listener.hold = MinHold;
    QTest::newRow("no chat port, shortest hold") << listener;
}

void TestAnnouncement::roundTrip()
{
    QFETCH(Announcement, announcement);
    const auto datagram = AnnouncementCodec::encode(announcement);
    QVERIFY2(datagram.has_value(), qPrintable(datagram.error()));
    QVERIFY(datagram->size() <= MaxDatagramSize);
    QVERIFY(AnnouncementCodec::looksLikePresence(*datagram));
    const auto decoded = AnnouncementCodec::decode(*datagram);
    QVERIFY2(decoded.has_value(), qPrintable(decoded.error()));
    QCOMPARE(*decoded, announcement);
}

void TestAnnouncement::nameIsCutWhenSent()
{
    Announcement a = sample();
    a.name = QString(MaxNameBytes / 2, u'é') + QStringLiteral("🌲🌲"); // 2-byte and 4-byte characters
    const auto decoded = AnnouncementCodec::decode(*AnnouncementCodec::encode(a));
    QVERIFY2(decoded.has_value(), qPrintable(decoded.error()));
    QCOMPARE(decoded->name, QString(MaxNameBytes / 2, u'é'));
}

void TestAnnouncement::encodeRefusesWhatCannotBeSent_data()
{
    QTest::addColumn<Announcement>("announcement");
    Announcement a = sample();
    a.installId = QUuid();
    QTest::newRow("no install id") << a;
    a = sample();
    a.capabilities = QStringList(MaxCapabilities + 1, QStringLiteral("x"));
    QTest::newRow("too many capabilities") << a;
    a = sample();
    a.capabilities = {QStringLiteral("Chat V1")};
    QTest::newRow("capability not a word") << a;
    a = sample();
    a.hold = std::chrono::seconds(0);
    QTest::newRow("hold 0") << a;
    a = sample();
    a.hold = MaxHold + std::chrono::seconds(1);
    QTest::newRow("hold too long") << a;
}

void TestAnnouncement::encodeRefusesWhatCannotBeSent()
{
    QFETCH(Announcement, announcement);
    const auto datagram = AnnouncementCodec::encode(announcement);
    QVERIFY(!datagram.has_value());
    QVERIFY(!datagram.error().isEmpty());
}

void TestAnnouncement::decodesTheDocumentedMinimum()
{
    // Written from docs/PROTOCOL.md, not by the encoder: the fields in another order, no caps.
    const auto decoded = AnnouncementCodec::decode(wrap(sampleMap().toCborValue().toCbor()));
    QVERIFY2(decoded.has_value(), qPrintable(decoded.error()));
    QCOMPARE(decoded->installId, Id);
    QCOMPARE(decoded->chatPort, quint16(8081));
    QCOMPARE(decoded->consolePort, quint16(0));
    QVERIFY(decoded->capabilities.isEmpty());
    // An unknown key is room for later versions, not an error.
    const auto extended = AnnouncementCodec::decode(with(QStringLiteral("future"), 1));
    QVERIFY2(extended.has_value(), qPrintable(extended.error()));
}

void TestAnnouncement::rejects_data()
{
    QTest::addColumn<QByteArray>("datagram");
    QTest::addColumn<QString>("reason"); // a word the reason must contain
    const QByteArray body = sampleMap().toCborValue().toCbor();
    QTest::newRow("empty") << QByteArray() << u"Not a Tincan"_s;
    QTest::newRow("classic chat text") << QByteArray("hello TOM") << u"Not a Tincan"_s;
    QTest::newRow("chat envelope") << (QByteArray(1, '\0') + '\x01' + body) << u"Not a Tincan"_s;
    QTest::newRow("IP Messenger entry") << QByteArray("1:1:u:h:1:nick\0group", 20) << u"Not a Tincan"_s;
    QTest::newRow("magic only") << QByteArray("TCNP") << u"Truncated"_s;
    QTest::newRow("version 2") << wrap(body, 2) << u"version 2"_s;
    QTest::newRow("version 0") << wrap(body, 0) << u"version 0"_s;
    QTest::newRow("no body") << wrap(QByteArray()) << u"Malformed"_s;
    QTest::newRow("trailing bytes") << wrap(body + "x") << u"after the end"_s;
    QTest::newRow("not a map") << wrap(QCborValue(QStringLiteral("hi")).toCbor()) << u"not a map"_s;
    QTest::newRow("oversized") << wrap(body + QByteArray(MaxDatagramSize, 'x')) << u"more than"_s;
    // A map of one key written twice ("kind": "announce", "kind": "leave"), by hand.
    QByteArray twice("\xa2\x64kind\x68"
                     "announce\x64kind\x65leave");
    QTest::newRow("a key twice") << wrap(twice) << u"twice"_s;
    QTest::newRow("unknown kind") << with(u"kind"_s, u"hello"_s) << u"kind"_s;
    QTest::newRow("kind not text") << with(u"kind"_s, 1) << u"kind"_s;
    QTest::newRow("no id") << with(u"id"_s, QCborValue()) << u"install id"_s;
    QTest::newRow("short id") << with(u"id"_s, QByteArray(15, 'x')) << u"install id"_s;
    QTest::newRow("null id") << with(u"id"_s, QByteArray(16, '\0')) << u"install id"_s;
    QTest::newRow("id as text") << with(u"id"_s, Id.toString()) << u"install id"_s;
    QTest::newRow("no name") << with(u"name"_s, QCborValue()) << u"name"_s;
    QTest::newRow("name not text") << with(u"name"_s, 7) << u"name"_s;
    QTest::newRow("name too long") << with(u"name"_s, QString(MaxNameBytes + 1, u'n')) << u"longer"_s;
    QTest::newRow("no chat port") << with(u"chat"_s, QCborValue()) << u"port"_s;
    QTest::newRow("chat port 65536") << with(u"chat"_s, 65536) << u"port"_s;
    QTest::newRow("console port -1") << with(u"console"_s, -1) << u"port"_s;
    QTest::newRow("console port text") << with(u"console"_s, u"8082"_s) << u"port"_s;
    QTest::newRow("unknown state") << with(u"state"_s, u"busy"_s) << u"state"_s;
    QTest::newRow("no state") << with(u"state"_s, QCborValue()) << u"state"_s;
    QTest::newRow("no hold") << with(u"hold"_s, QCborValue()) << u"hold"_s;
    QTest::newRow("hold 0") << with(u"hold"_s, 0) << u"hold"_s;
    QTest::newRow("hold forever") << with(u"hold"_s, qint64(1) << 40) << u"hold"_s;
    QTest::newRow("caps not a list") << with(u"caps"_s, u"chat"_s) << u"not a list"_s;
    QTest::newRow("caps too many") << with(u"caps"_s,
                                           QCborArray::fromStringList(QStringList(MaxCapabilities + 1, u"x"_s)))
                                   << u"more than"_s;
    QTest::newRow("cap too long") << with(u"caps"_s,
                                          QCborArray::fromStringList({QString(MaxCapabilityBytes + 1, u'x')}))
                                  << u"word"_s;
    QTest::newRow("cap empty") << with(u"caps"_s, QCborArray::fromStringList({QString()})) << u"word"_s;
    QTest::newRow("cap upper case") << with(u"caps"_s, QCborArray::fromStringList({u"Chat"_s})) << u"word"_s;
    QTest::newRow("cap not text") << with(u"caps"_s, QCborArray{1}) << u"word"_s;
    QTest::newRow("cap twice") << with(u"caps"_s, QCborArray::fromStringList({u"a"_s, u"a"_s})) << u"twice"_s;
}

void TestAnnouncement::rejects()
{
    QFETCH(QByteArray, datagram);
    QFETCH(QString, reason);
    const auto decoded = AnnouncementCodec::decode(datagram);
    QVERIFY(!decoded.has_value());
    QVERIFY2(decoded.error().contains(reason), qPrintable(decoded.error()));
}

void TestAnnouncement::everyTruncationIsRefused()
{
    const QByteArray datagram = *AnnouncementCodec::encode(sample());
    for (qsizetype n = 0; n < datagram.size(); ++n)
        QVERIFY2(!AnnouncementCodec::decode(datagram.left(n)).has_value(), qPrintable(QString::number(n)));
}

void TestAnnouncement::garbageIsRefused()
{
    // Random bytes behind the magic: refused or decoded, never a crash, and never a null id.
    quint32 seed = 12345;
    const auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
    int refused = 0;
    for (int round = 0; round < 2000; ++round) {
        QByteArray datagram = wrap(QByteArray());
        const int size = int(next() % 300);
        for (int i = 0; i < size; ++i)
            datagram.append(char(next() >> 24));
        const auto decoded = AnnouncementCodec::decode(datagram);
        if (!decoded)
            ++refused;
        else
            QVERIFY(!decoded->installId.isNull());
    }
    QVERIFY(refused > 1900);
}

QTEST_GUILESS_MAIN(TestAnnouncement)
#include "tst_announcement.moc"
