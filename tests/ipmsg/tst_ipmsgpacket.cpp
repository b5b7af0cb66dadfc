// The IP Messenger packet codec (Version:PacketNo:User:Host:Command:Extra) and the duplicate
// memory, as pure code: packets in the shapes IP Messenger, FeiQ and iptux send them, then
// truncated, oversized, malformed and hostile ones.
#include "net/ipmsg/ipmsgpacket.h"
#include "net/ipmsg/seenpackets.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Tincan::IpMsg;
using namespace Qt::StringLiterals;

namespace {
QByteArray hex(const char *digits)
{
    return QByteArray::fromHex(digits);
}
} // namespace

class TestIpMsgPacket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodesGoodPackets_data();
    void decodesGoodPackets();
    void rejectsBadPackets_data();
    void rejectsBadPackets();
    void parsesTheVersionField_data();
    void parsesTheVersionField();
    void readsEntries_data();
    void readsEntries();
    void encodesAndDecodesBack_data();
    void encodesAndDecodesBack();
    void encodesAsTheWireSaysIt();
    void refusesWhatCannotBeEncoded_data();
    void refusesWhatCannotBeEncoded();
    void splitsCommandsIntoModeAndOptions();
    void survivesMutatedPackets();

    void seenPacketsAnswersRepeats();
    void seenPacketsAges();
    void seenPacketsStaysBoundedUnderAFlood();
    void seenPacketsForgetsASender();
};

void TestIpMsgPacket::decodesGoodPackets_data()
{
    QTest::addColumn<QByteArray>("datagram");
    QTest::addColumn<int>("legacy"); // TextEncoding
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<quint32>("packetNo");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("host");
    QTest::addColumn<quint32>("command");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("extras");
    QTest::addColumn<int>("encoding");

    const int gbk = int(TextEncoding::Gb18030);
    const int utf8 = int(TextEncoding::Utf8);
    QTest::newRow("IP Messenger SENDMSG, no trailing NUL")
        << QByteArray("1:100:alice:ALICE-PC:288:hello") << gbk << QByteArray("1") << 100u << u"alice"_s << u"ALICE-PC"_s
        << 288u << u"hello"_s << QStringList() << gbk;
    QTest::newRow("text with colons") << QByteArray("1:7:a:b:32:Time: 12:30:45\0", 25) << gbk << QByteArray("1") << 7u
                                      << u"a"_s << u"b"_s << 32u << u"Time: 12:30:45"_s << QStringList() << gbk;
    QTest::newRow("GBK text without UTF8OPT")
        << (QByteArray("1:5:u:h:32:") + hex("c4e3bac3") + '\0') << gbk << QByteArray("1") << 5u << u"u"_s << u"h"_s
        << 32u << u"你好"_s << QStringList() << gbk;
    QTest::newRow("UTF-8 text with UTF8OPT")
        << (QByteArray("1:5:u:h:8388896:") + hex("e4bda0e5a5bd") + '\0') << gbk << QByteArray("1") << 5u << u"u"_s
        << u"h"_s << 8388896u << u"你好"_s << QStringList() << utf8;
    QTest::newRow("a known UTF-8 writer without UTF8OPT")
        << (QByteArray("1:5:u:h:32:") + hex("e4bda0e5a5bd")) << utf8 << QByteArray("1") << 5u << u"u"_s << u"h"_s << 32u
        << u"你好"_s << QStringList() << utf8;
    QTest::newRow("FeiQ ANSENTRY with GBK user and nickname")
        << (QByteArray("1_lbt4_41#128#24F5AAD7C96A#0#0#0#311c#9:1767153479:") + hex("d5c5c8fd")
            + ":DESKTOP-IOHG15K:6291459:" + hex("b3c2d3e1d0c1") + '\0' + hex("d1d0b7a2b2bf") + '\0')
        << gbk << QByteArray("1_lbt4_41#128#24F5AAD7C96A#0#0#0#311c#9") << 1767153479u << u"张三"_s
        << u"DESKTOP-IOHG15K"_s << 6291459u << u"陈俞辛"_s << QStringList{u"研发部"_s} << gbk;
    QTest::newRow("iptux BR_ENTRY: UTF-8 named in its fourth part")
        << (QByteArray("1_iptux 0.8.3:1:bob:bob-laptop:257:") + hex("e5bca0e4b889") + '\0' + hex("e7a094e58f91e983a8")
            + '\0' + "icon.png" + '\0' + "utf-8" + '\0')
        << gbk << QByteArray("1_iptux 0.8.3") << 1u << u"bob"_s << u"bob-laptop"_s << 257u << u"张三"_s
        << QStringList{u"研发部"_s, u"icon.png"_s, u"utf-8"_s} << utf8;
    QTest::newRow("IP Messenger BR_ENTRY in GBK with its UTF-8 copy")
        << (QByteArray("1:1700000000:wang:PC1:16777473:") + hex("c4e3bac3") + '\0' + hex("d1d0b7a2b2bf") + '\0'
            + "\nUN:wang\nHN:PC1\nNN:" + hex("e4bda0e5a5bd") + "\nGN:" + hex("e7a094e58f91e983a8") + "\n" + '\0')
        << gbk << QByteArray("1") << 1700000000u << u"wang"_s << u"PC1"_s << 16777473u << u"你好"_s
        << QStringList{u"研发部"_s, u"\nUN:wang\nHN:PC1\nNN:你好\nGN:研发部\n"_s} << gbk;
    QTest::newRow("empty extra") << QByteArray("1:1:u:h:2:") << gbk << QByteArray("1") << 1u << u"u"_s << u"h"_s << 2u
                                 << QString() << QStringList() << gbk;
    QTest::newRow("empty user and host") << QByteArray("1:1:::2:\0", 9) << gbk << QByteArray("1") << 1u << QString()
                                         << QString() << 2u << QString() << QStringList() << gbk;
    QTest::newRow("unknown mode and options parse")
        << QByteArray("1:9:u:h:4294967295:x") << gbk << QByteArray("1") << 9u << u"u"_s << u"h"_s << 4294967295u
        << u"x"_s << QStringList() << utf8; // all options, UTF8OPT among them
    QTest::newRow("iptux's own command (0xFB) with a NUL-separated tail")
        << QByteArray("1_iptux:3:u:h:251:hi\0\0\0", 23) << gbk << QByteArray("1_iptux") << 3u << u"u"_s << u"h"_s
        << 251u << u"hi"_s << QStringList{QString(), QString()} << gbk;
    QTest::newRow("largest packet number")
        << QByteArray("1:4294967295:u:h:32:") << gbk << QByteArray("1") << 4294967295u << u"u"_s << u"h"_s << 32u
        << QString() << QStringList() << gbk;
    QTest::newRow("a byte-order mark is text")
        << (QByteArray("1:1:u:h:8388640:") + hex("efbbbf") + "x") << gbk << QByteArray("1") << 1u << u"u"_s << u"h"_s
        << 8388640u << u"\uFEFFx"_s << QStringList() << utf8;
    const QByteArray maxText(MaxDatagramSize - QByteArray("1:1:u:h:32:").size(), 'a');
    QTest::newRow("exactly the largest datagram")
        << (QByteArray("1:1:u:h:32:") + maxText) << gbk << QByteArray("1") << 1u << u"u"_s << u"h"_s << 32u
        << QString::fromLatin1(maxText) << QStringList() << gbk;
}

void TestIpMsgPacket::decodesGoodPackets()
{
    QFETCH(QByteArray, datagram);
    QFETCH(int, legacy);
    const auto packet = PacketCodec::decode(datagram, TextEncoding(legacy));
    QVERIFY2(packet, qPrintable(packet.error()));
    QTEST(packet->version, "version");
    QTEST(packet->packetNo, "packetNo");
    QTEST(packet->user, "user");
    QTEST(packet->host, "host");
    QTEST(packet->command, "command");
    QTEST(packet->text, "text");
    QTEST(packet->extras, "extras");
    QTEST(int(packet->encoding), "encoding");
}

void TestIpMsgPacket::rejectsBadPackets_data()
{
    QTest::addColumn<QByteArray>("datagram");
    QTest::addColumn<QString>("error");

    QTest::newRow("empty") << QByteArray() << u"The datagram is empty."_s;
    QTest::newRow("bare text, as the classic chat sends it")
        << QByteArray("hello TOM") << u"The packet is cut short: it has 0 of the 5 fields before Extra."_s;
    QTest::newRow("four fields") << QByteArray("1:1:u:h")
                                 << u"The packet is cut short: it has 3 of the 5 fields before Extra."_s;
    QTest::newRow("no colon after the command")
        << QByteArray("1:1:u:h:32") << u"The packet is cut short: it has 4 of the 5 fields before Extra."_s;
    QTest::newRow("NUL inside the header")
        << QByteArray("1:1:u\0x:h:32:hi", 14) << u"The packet is cut short: it has 2 of the 5 fields before Extra."_s;
    QTest::newRow("no version") << QByteArray(":1:u:h:32:hi") << u"The packet has no version."_s;
    QTest::newRow("empty packet number") << QByteArray("1::u:h:32:hi")
                                         << u"The packet number is not a decimal number below 2^32."_s;
    QTest::newRow("hex packet number") << QByteArray("1:0x10:u:h:32:hi")
                                       << u"The packet number is not a decimal number below 2^32."_s;
    QTest::newRow("negative packet number")
        << QByteArray("1:-5:u:h:32:hi") << u"The packet number is not a decimal number below 2^32."_s;
    QTest::newRow("packet number past 2^32")
        << QByteArray("1:4294967296:u:h:32:hi") << u"The packet number is not a decimal number below 2^32."_s;
    QTest::newRow("packet number of 11 digits")
        << QByteArray("1:00000000001:u:h:32:hi") << u"The packet number is not a decimal number below 2^32."_s;
    QTest::newRow("packet number with a space")
        << QByteArray("1: 5:u:h:32:hi") << u"The packet number is not a decimal number below 2^32."_s;
    QTest::newRow("non-numeric command") << QByteArray("1:1:u:h:SENDMSG:hi")
                                         << u"The command is not a decimal number below 2^32."_s;
    QTest::newRow("empty command") << QByteArray("1:1:u:h::hi") << u"The command is not a decimal number below 2^32."_s;
    QTest::newRow("command past 2^32") << QByteArray("1:1:u:h:99999999999:hi")
                                       << u"The command is not a decimal number below 2^32."_s;
    QTest::newRow("invalid UTF-8 under UTF8OPT")
        << (QByteArray("1:1:u:h:8388640:") + hex("c328")) << u"The packet's text is not valid UTF-8."_s;
    QTest::newRow("UTF-8 cut in the middle of a character")
        << (QByteArray("1:1:u:h:8388640:") + hex("e4bd")) << u"The packet's text is not valid UTF-8."_s;
    QTest::newRow("overlong UTF-8 for ':'")
        << (QByteArray("1:1:u:h:8388640:") + hex("c0ba")) << u"The packet's text is not valid UTF-8."_s;
    QTest::newRow("invalid GBK text") << (QByteArray("1:1:u:h:32:") + hex("8120"))
                                      << u"The packet's text is not valid GB18030 (GBK)."_s;
    QTest::newRow("GBK cut after a lead byte")
        << (QByteArray("1:1:u:h:32:ok") + hex("c4")) << u"The packet's text is not valid GB18030 (GBK)."_s;
    QTest::newRow("invalid GBK user") << (QByteArray("1:1:") + hex("ff") + ":h:32:hi")
                                      << u"The packet's text is not valid GB18030 (GBK)."_s;
    QTest::newRow("invalid GBK in a later part")
        << (QByteArray("1:1:u:h:1:nick\0", 15) + hex("8120")) << u"The packet's text is not valid GB18030 (GBK)."_s;
    QTest::newRow("a UTF-8 copy that is not UTF-8")
        << (QByteArray("1:1:u:h:16777217:nick\0group\0\nNN:", 32) + hex("ff"))
        << u"The packet's text is not valid UTF-8."_s;
    QTest::newRow("oversized") << QByteArray("1:1:u:h:32:") + QByteArray(MaxDatagramSize, 'a')
                               << u"The datagram is 32779 bytes long; an IP Messenger packet has at most 32768."_s;
    QTest::newRow("over-long user") << QByteArray("1:1:") + QByteArray(MaxHeaderFieldBytes + 1, 'u') + ":h:32:"
                                    << u"A header field is 1025 bytes long; at most 1024 are accepted."_s;
    QTest::newRow("over-long version") << QByteArray(MaxHeaderFieldBytes + 1, '1') + ":1:u:h:32:"
                                       << u"A header field is 1025 bytes long; at most 1024 are accepted."_s;
    QTest::newRow("too many parts") << QByteArray("1:1:u:h:32:") + QByteArray(MaxExtraParts + 1, '\0') + "x"
                                    << u"The packet has more than 32 parts after its text."_s;
    QTest::newRow("all NULs") << QByteArray(4096, '\0')
                              << u"The packet is cut short: it has 0 of the 5 fields before Extra."_s;
    QTest::newRow("all colons") << QByteArray(4096, ':') << u"The packet has no version."_s;
}

void TestIpMsgPacket::rejectsBadPackets()
{
    QFETCH(QByteArray, datagram);
    const auto packet = PacketCodec::decode(datagram);
    QVERIFY(!packet);
    QTEST(packet.error(), "error");
}

void TestIpMsgPacket::parsesTheVersionField_data()
{
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<int>("protocol");
    QTest::addColumn<QByteArray>("client");
    QTest::addColumn<bool>("feiq");
    QTest::addColumn<QByteArray>("mac");

    QTest::newRow("IP Messenger") << QByteArray("1") << 1 << QByteArray() << false << QByteArray();
    QTest::newRow("iptux") << QByteArray("1_iptux 0.8.3") << 1 << QByteArray("iptux 0.8.3") << false << QByteArray();
    QTest::newRow("FeiQ 4") << QByteArray("1_lbt4_41#128#24F5AAD7C96A#0#0#0#311c#9") << 1 << QByteArray("lbt4_41")
                            << true << QByteArray("24F5AAD7C96A");
    QTest::newRow("FeiQ 6") << QByteArray("1_lbt6_0#128#5C60BA7361C6#2425#0#12345") << 1 << QByteArray("lbt6_0") << true
                            << QByteArray("5C60BA7361C6");
    QTest::newRow("no number") << QByteArray("x_y") << 0 << QByteArray("y") << false << QByteArray();
    QTest::newRow("huge number") << QByteArray("99999999999") << 0 << QByteArray() << false << QByteArray();
    QTest::newRow("just hashes") << QByteArray("###") << 0 << QByteArray() << true << QByteArray();
}

void TestIpMsgPacket::parsesTheVersionField()
{
    QFETCH(QByteArray, version);
    const VersionField field = parseVersion(version);
    QTEST(field.protocol, "protocol");
    QTEST(field.client, "client");
    QTEST(field.isFeiQ(), "feiq");
    QTEST(field.feiqData.value(1), "mac");
}

void TestIpMsgPacket::readsEntries_data()
{
    QTest::addColumn<QByteArray>("datagram");
    QTest::addColumn<QString>("nickname");
    QTest::addColumn<QString>("group");
    QTest::addColumn<QString>("user");
    QTest::addColumn<bool>("readsUtf8");
    QTest::addColumn<int>("unflagged");

    const int gbk = int(TextEncoding::Gb18030);
    const int utf8 = int(TextEncoding::Utf8);
    QTest::newRow("old IP Messenger") << QByteArray("1:1:u:h:1:Nick\0Group\0", 21) << u"Nick"_s << u"Group"_s << u"u"_s
                                      << false << gbk;
    QTest::newRow("IP Messenger with CAPUTF8OPT and a UTF-8 copy")
        << (QByteArray("1:1:wang:PC1:16777217:?\0?\0\nUN:wang2\nHN:PC1\nNN:", 46) + hex("e4bda0e5a5bd")
            + "\nGN:" + hex("e7a094e58f91e983a8") + "\n")
        << u"你好"_s << u"研发部"_s << u"wang2"_s << true << gbk;
    QTest::newRow("iptux") << QByteArray("1_iptux:1:bob:b:257:Bob\0Dev\0icon\0utf-8\0", 39) << u"Bob"_s << u"Dev"_s
                           << u"bob"_s << true << utf8;
    QTest::newRow("FeiQ") << (QByteArray("1_lbt4_0#128#AABBCCDDEEFF#0#0#0#4001#9:1:u:h:6291457:") + hex("b3c2d3e1d0c1"))
                          << u"陈俞辛"_s << QString() << u"u"_s << false << gbk;
    QTest::newRow("ANSENTRY with UTF8OPT")
        << QByteArray("1:1:u:h:25165827:N\0G", 21) << u"N"_s << u"G"_s << u"u"_s << true << gbk;
}

void TestIpMsgPacket::readsEntries()
{
    QFETCH(QByteArray, datagram);
    const auto packet = PacketCodec::decode(datagram);
    QVERIFY2(packet, qPrintable(packet.error()));
    const EntryInfo info = entryInfo(*packet);
    QTEST(info.nickname, "nickname");
    QTEST(info.group, "group");
    QTEST(info.user, "user");
    QTEST(info.readsUtf8, "readsUtf8");
    QTEST(int(info.unflagged), "unflagged");
}

void TestIpMsgPacket::encodesAndDecodesBack_data()
{
    QTest::addColumn<quint32>("command");
    QTest::addColumn<int>("encoding");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("extras");

    const int gbk = int(TextEncoding::Gb18030);
    const int utf8 = int(TextEncoding::Utf8);
    QTest::newRow("GBK message") << (Mode::SendMsg | Option::SendCheckOpt) << gbk << u"张三"_s << u"你好: 世界"_s
                                 << QStringList();
    QTest::newRow("UTF-8 message") << (Mode::SendMsg | Option::SendCheckOpt) << utf8 << u"张三"_s << u"你好 😀"_s
                                   << QStringList();
    QTest::newRow("a character outside GBK, in GB18030")
        << quint32(Mode::SendMsg) << gbk << u"u"_s << u"😀€"_s << QStringList();
    QTest::newRow("entry with a UTF-8 copy")
        << (Mode::BrEntry | Option::CapUtf8Opt) << gbk << u"u"_s << u"你好"_s
        << QStringList{u"研发部"_s, utf8EntryCopy(u"u"_s, u"h"_s, u"你好"_s, u"研发部"_s)};
    QTest::newRow("empty parts") << quint32(Mode::SendMsg) << gbk << u"u"_s << QString()
                                 << QStringList{QString(), u"x"_s, QString()};
}

void TestIpMsgPacket::encodesAndDecodesBack()
{
    QFETCH(quint32, command);
    QFETCH(int, encoding);
    Packet packet;
    packet.packetNo = 1234567;
    QFETCH(QString, user);
    packet.user = user;
    packet.host = u"host-1"_s;
    packet.command = command;
    QFETCH(QString, text);
    packet.text = text;
    QFETCH(QStringList, extras);
    packet.extras = extras;
    packet.encoding = TextEncoding(encoding);
    const auto datagram = PacketCodec::encode(packet);
    QVERIFY2(datagram, qPrintable(datagram.error()));
    QVERIFY(datagram->endsWith('\0'));
    const auto back = PacketCodec::decode(*datagram);
    QVERIFY2(back, qPrintable(back.error()));
    QCOMPARE(back->packetNo, packet.packetNo);
    QCOMPARE(back->user, user);
    QCOMPARE(back->host, packet.host);
    QCOMPARE(back->mode(), packet.mode());
    QCOMPARE(back->hasOption(Option::Utf8Opt), packet.encoding == TextEncoding::Utf8);
    QCOMPARE(back->text, text);
    QCOMPARE(back->extras, extras);
    QCOMPARE(int(back->encoding), encoding);
}

void TestIpMsgPacket::encodesAsTheWireSaysIt()
{
    Packet packet;
    packet.packetNo = 42;
    packet.user = u"张三"_s;
    packet.host = u"pc"_s;
    packet.command = Mode::SendMsg | Option::SendCheckOpt | Option::Utf8Opt; // cleared: GBK below
    packet.text = u"你好"_s;
    packet.encoding = TextEncoding::Gb18030;
    QCOMPARE(PacketCodec::encode(packet).value_or(QByteArray()),
             QByteArray("1:42:") + hex("d5c5c8fd") + ":pc:288:" + hex("c4e3bac3") + '\0');
    packet.encoding = TextEncoding::Utf8;
    packet.version = "1_lbt4_0#128#AABBCCDDEEFF#0#0#0#4001#9";
    packet.extras = {u"x"_s};
    QCOMPARE(PacketCodec::encode(packet).value_or(QByteArray()),
             QByteArray("1_lbt4_0#128#AABBCCDDEEFF#0#0#0#4001#9:42:") + hex("e5bca0e4b889")
                 + ":pc:8388896:" + hex("e4bda0e5a5bd") + '\0' + "x" + '\0');
}

void TestIpMsgPacket::refusesWhatCannotBeEncoded_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("extras");
    QTest::addColumn<QString>("error");

    QTest::newRow("colon in the user") << u"a:b"_s << u"t"_s << QStringList()
                                       << u"A header field holds ':' or a NUL."_s;
    QTest::newRow("NUL in the user") << u"a\0b"_s << u"t"_s << QStringList() << u"A header field holds ':' or a NUL."_s;
    QTest::newRow("NUL in the text") << u"u"_s << u"a\0b"_s << QStringList() << u"A part of the packet holds a NUL."_s;
    QTest::newRow("NUL in a part") << u"u"_s << u"t"_s << QStringList{u"a\0b"_s}
                                   << u"A part of the packet holds a NUL."_s;
    QTest::newRow("a lone surrogate") << u"u"_s << QString(QChar(0xD800)) << QStringList()
                                      << u"The text cannot be written in the packet's encoding."_s;
    QTest::newRow("over-long user") << QString(MaxHeaderFieldBytes + 1, u'u') << u"t"_s << QStringList()
                                    << u"A header field is 1025 bytes long; at most 1024 are accepted."_s;
    QTest::newRow("oversized") << u"u"_s << QString(MaxDatagramSize, u'a') << QStringList()
                               << u"The packet would be 32785 bytes long; an IP Messenger packet has at most 32768."_s;
    QTest::newRow("too many parts") << u"u"_s << u"t"_s << QStringList(MaxExtraParts + 1, u"p"_s)
                                    << u"The packet has more than 32 parts after its text."_s;
}

void TestIpMsgPacket::refusesWhatCannotBeEncoded()
{
    Packet packet;
    packet.packetNo = 1;
    QFETCH(QString, user);
    packet.user = user;
    packet.host = u"h"_s;
    packet.command = Mode::SendMsg;
    QFETCH(QString, text);
    packet.text = text;
    QFETCH(QStringList, extras);
    packet.extras = extras;
    packet.encoding = TextEncoding::Utf8;
    const auto datagram = PacketCodec::encode(packet);
    QVERIFY(!datagram);
    QTEST(datagram.error(), "error");
}

void TestIpMsgPacket::splitsCommandsIntoModeAndOptions()
{
    // FeiQ's ANSENTRY: 6291459 = 0x600003.
    Packet packet;
    packet.command = 6291459;
    QCOMPARE(packet.mode(), Mode::AnsEntry);
    QVERIFY(packet.hasOption(Option::FileAttachOpt));
    QVERIFY(packet.hasOption(Option::EncryptOpt));
    QVERIFY(!packet.hasOption(Option::Utf8Opt));
    QCOMPARE(packet.command & OptionMask, Option::FileAttachOpt | Option::EncryptOpt);
    QVERIFY(isEntryMode(Mode::BrEntry) && isEntryMode(Mode::AnsEntry) && isEntryMode(Mode::BrAbsence));
    QVERIFY(!isEntryMode(Mode::BrExit) && !isEntryMode(Mode::SendMsg));
}

void TestIpMsgPacket::survivesMutatedPackets()
{
    // Good packets of each shape with bytes changed, cut, repeated and inserted: every result is a
    // packet or a reason, and a packet survives the round trip.
    const QList<QByteArray> seeds = {
        QByteArray("1:100:alice:ALICE-PC:288:hello: 12:30\0", 35),
        QByteArray("1_lbt4_41#128#24F5AAD7C96A#0#0#0#311c#9:1767153479:") + hex("d5c5c8fd")
            + ":PC:6291459:" + hex("b3c2d3e1d0c1") + '\0' + hex("d1d0b7a2b2bf") + '\0',
        QByteArray("1_iptux:1:bob:b:257:Bob\0Dev\0icon\0utf-8\0", 39),
        QByteArray("1:1:wang:PC1:16777217:") + hex("c4e3bac3") + '\0' + "g" + '\0' + "\nNN:" + hex("e4bda0e5a5bd")
            + "\n",
        QByteArray("1:5:u:h:8388896:") + hex("e4bda0e5a5bd") + '\0',
    };
    const char interesting[] = {':', '\0', '\n', '#', '0', '9', char(0x80), char(0xc4), char(0xe4), char(0xff)};
    QRandomGenerator random(20261202);
    int decoded = 0;
    for (int round = 0; round < 20000; ++round) {
        QByteArray input = seeds.at(random.bounded(int(seeds.size())));
        const int edits = 1 + random.bounded(4);
        for (int e = 0; e < edits && !input.isEmpty(); ++e) {
            const int at = random.bounded(int(input.size()));
            const char byte
                = random.bounded(2) ? interesting[random.bounded(int(sizeof(interesting)))] : char(random.bounded(256));
            switch (random.bounded(4)) {
            case 0:
                input[at] = byte;
                break;
            case 1:
                input.insert(at, byte);
                break;
            case 2:
                input.remove(at, 1 + random.bounded(4));
                break;
            default:
                input.truncate(at);
                break;
            }
        }
        const auto packet = PacketCodec::decode(input);
        if (!packet) {
            QVERIFY2(!packet.error().isEmpty(), input.toHex().constData());
            continue;
        }
        ++decoded;
        QVERIFY(packet->extras.size() <= MaxExtraParts);
        const auto encoded = PacketCodec::encode(*packet);
        QVERIFY2(encoded, qPrintable(encoded.error() + u' ' + QString::fromLatin1(input.toHex())));
        const auto again = PacketCodec::decode(*encoded);
        QVERIFY2(again, qPrintable(again.error() + u' ' + QString::fromLatin1(input.toHex())));
        QCOMPARE(again->version, packet->version);
        QCOMPARE(again->packetNo, packet->packetNo);
        QCOMPARE(again->user, packet->user);
        QCOMPARE(again->host, packet->host);
        QCOMPARE(again->mode(), packet->mode());
        QCOMPARE(again->text, packet->text);
        QCOMPARE(again->extras, packet->extras);
        QCOMPARE(int(again->encoding), int(packet->encoding));
    }
    QVERIFY(decoded > 1000); // the mutations are mild enough to keep many packets valid
}

void TestIpMsgPacket::seenPacketsAnswersRepeats()
{
    SeenPackets seen;
    const auto now = SeenPackets::Clock::now();
    const QHostAddress a(u"192.0.2.1"_s);
    QVERIFY(seen.recordFirst(a, 2425, 7, now));
    QVERIFY(!seen.recordFirst(a, 2425, 7, now));
    QVERIFY(!seen.recordFirst(QHostAddress(u"::ffff:192.0.2.1"_s), 2425, 7, now)); // the same host
    QVERIFY(seen.recordFirst(a, 2425, 8, now));
    QVERIFY(seen.recordFirst(a, 2426, 7, now));
    QVERIFY(seen.recordFirst(QHostAddress(u"192.0.2.2"_s), 2425, 7, now));
    QCOMPARE(seen.size(), 4);
}

void TestIpMsgPacket::seenPacketsAges()
{
    SeenPackets seen;
    const auto start = SeenPackets::Clock::now();
    const QHostAddress a(u"192.0.2.1"_s);
    QVERIFY(seen.recordFirst(a, 2425, 1, start));
    QVERIFY(seen.recordFirst(a, 2425, 2, start + seen.policy().maxAge / 2));
    QVERIFY(!seen.recordFirst(a, 2425, 1, start + seen.policy().maxAge - std::chrono::milliseconds(1)));
    // Past its age, 1 is new again (iptux restarted); 2 is still remembered.
    QVERIFY(seen.recordFirst(a, 2425, 1, start + seen.policy().maxAge));
    QVERIFY(!seen.recordFirst(a, 2425, 2, start + seen.policy().maxAge));
    QCOMPARE(seen.size(), 2);
}

void TestIpMsgPacket::seenPacketsStaysBoundedUnderAFlood()
{
    SeenPackets seen(SeenPackets::Policy{std::chrono::milliseconds(120000), 1000});
    const auto now = SeenPackets::Clock::now();
    const QHostAddress real(u"192.0.2.1"_s);
    for (quint32 i = 0; i < 100000; ++i) {
        seen.recordFirst(QHostAddress(0x0a000000u + i), quint16(i), i, now);
        QVERIFY(seen.size() <= 1000);
    }
    QCOMPARE(seen.size(), 1000);
    // The newest are the ones kept.
    QVERIFY(!seen.recordFirst(QHostAddress(0x0a000000u + 99999), quint16(99999), 99999, now));
    QVERIFY(seen.recordFirst(real, 2425, 1, now));
    QVERIFY(!seen.recordFirst(real, 2425, 1, now));
}

void TestIpMsgPacket::seenPacketsForgetsASender()
{
    SeenPackets seen;
    const auto now = SeenPackets::Clock::now();
    const QHostAddress a(u"192.0.2.1"_s);
    const QHostAddress b(u"192.0.2.2"_s);
    for (quint32 i = 1; i <= 100; ++i) {
        QVERIFY(seen.recordFirst(a, 2425, i, now));
        QVERIFY(seen.recordFirst(b, 2425, i, now));
    }
    seen.forget(a, 2425);
    QCOMPARE(seen.size(), 100);
    QVERIFY(seen.recordFirst(a, 2425, 1, now));
    QVERIFY(!seen.recordFirst(b, 2425, 1, now));
    // What was forgotten ages out like the rest, without taking the new record with it.
    QVERIFY(!seen.recordFirst(a, 2425, 1, now + std::chrono::milliseconds(1)));
    QVERIFY(seen.recordFirst(a, 2425, 1, now + seen.policy().maxAge));
}

QTEST_GUILESS_MAIN(TestIpMsgPacket)
#include "tst_ipmsgpacket.moc"
