// The IP Messenger datagram (docs/PROTOCOL.md, "IP Messenger"), as IP Messenger, FeiQ and iptux
// speak it on UDP 2425:
//
//     Version:PacketNo:User:Host:Command:Extra
//
// Extra runs to the end of the datagram and may hold ':' and NUL-separated parts (the text, then
// e.g. the group name of an entry or a file attachment's description). A pure codec: bytes in,
// a Packet or an error out, no sockets, so every malformed input is tested directly.
#pragma once

#include "net/base/expected.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QString>
#include <QStringList>

namespace Tincan::IpMsg {

// The port every IP Messenger listens on (UDP for messages, TCP for files).
inline constexpr quint16 DefaultPort = 2425;
// The protocol version IP Messenger writes in the first field.
inline constexpr int ProtocolVersion = 1;
// What Tincan writes in the version field: IP Messengers read the leading 1 (as they read iptux's
// "1_iptux …"), and other Tincans know not to list it twice, since they hear it by presence too.
inline constexpr char TincanVersionField[] = "1_tincan";

// How iptux's version field begins ("1_iptux 0.8.3", older "1_iptux_0#5#2").
inline constexpr char IptuxVersionPrefix[] = "1_iptux";

// IP Messenger's own receive buffer: nothing larger can have been meant for one (iptux reads at
// most 8 KiB, older IP Messengers 16 KiB).
inline constexpr qsizetype MaxDatagramSize = 32768;
// Version, user and host are labels; longer ones are refused when received and sending them fails.
inline constexpr qsizetype MaxHeaderFieldBytes = 1024;
// Parts of Extra past the text; real clients send at most four (iptux's entry).
inline constexpr qsizetype MaxExtraParts = 32;

// The low byte of the command: what the packet asks (IP Messenger's names, without IPMSG_).
namespace Mode {
inline constexpr quint32 NoOperation = 0x00;
inline constexpr quint32 BrEntry = 0x01;
inline constexpr quint32 BrExit = 0x02;
inline constexpr quint32 AnsEntry = 0x03;
inline constexpr quint32 BrAbsence = 0x04;
inline constexpr quint32 BrIsGetList = 0x10;
inline constexpr quint32 OkGetList = 0x11;
inline constexpr quint32 GetList = 0x12;
inline constexpr quint32 AnsList = 0x13;
inline constexpr quint32 BrIsGetList2 = 0x18;
inline constexpr quint32 SendMsg = 0x20;
inline constexpr quint32 RecvMsg = 0x21;
inline constexpr quint32 ReadMsg = 0x30;
inline constexpr quint32 DelMsg = 0x31;
inline constexpr quint32 AnsReadMsg = 0x32;
inline constexpr quint32 GetInfo = 0x40;
inline constexpr quint32 SendInfo = 0x41;
inline constexpr quint32 GetAbsenceInfo = 0x50;
inline constexpr quint32 SendAbsenceInfo = 0x51;
inline constexpr quint32 GetFileData = 0x60;
inline constexpr quint32 ReleaseFiles = 0x61;
inline constexpr quint32 GetDirFiles = 0x62;
inline constexpr quint32 GetPubKey = 0x72;
inline constexpr quint32 AnsPubKey = 0x73;
} // namespace Mode

// The upper 24 bits: option flags. Some bits mean one thing on entries and another on messages,
// as in IP Messenger (ABSENCEOPT and SENDCHECKOPT are both 0x100).
namespace Option {
// on every command
inline constexpr quint32 AbsenceOpt = 0x00000100;
inline constexpr quint32 ServerOpt = 0x00000200;
inline constexpr quint32 DialupOpt = 0x00010000;
inline constexpr quint32 FileAttachOpt = 0x00200000;
inline constexpr quint32 EncryptOpt = 0x00400000;
inline constexpr quint32 Utf8Opt = 0x00800000;    // this packet's text is UTF-8
inline constexpr quint32 CapUtf8Opt = 0x01000000; // the sender can read UTF-8
inline constexpr quint32 EncExtMsgOpt = 0x04000000;
inline constexpr quint32 ClipboardOpt = 0x08000000;
// on SENDMSG and friends
inline constexpr quint32 SendCheckOpt = 0x00000100; // answer with RECVMSG
inline constexpr quint32 SecretOpt = 0x00000200;    // sealed: send READMSG when opened
inline constexpr quint32 BroadcastOpt = 0x00000400;
inline constexpr quint32 MulticastOpt = 0x00000800;
inline constexpr quint32 NoPopupOpt = 0x00001000;
inline constexpr quint32 AutoRetOpt = 0x00002000; // an automatic answer: never answered
inline constexpr quint32 RetryOpt = 0x00004000;
inline constexpr quint32 PasswordOpt = 0x00008000;
inline constexpr quint32 NoLogOpt = 0x00020000;
inline constexpr quint32 NoAddListOpt = 0x00080000;
inline constexpr quint32 ReadCheckOpt = 0x00100000; // answer READMSG with ANSREADMSG
} // namespace Option

inline constexpr quint32 ModeMask = 0x000000ff;
inline constexpr quint32 OptionMask = 0xffffff00;

inline constexpr quint32 modeOf(quint32 command)
{
    return command & ModeMask;
}

// How text travels when the packet does not say UTF8OPT. FeiQ and IP Messengers on Chinese
// Windows write the ANSI code page, GBK; GB18030 decodes all of GBK and encodes every character.
enum class TextEncoding {
    Utf8,
    Gb18030,
};

struct Packet
{
    QByteArray version = QByteArrayLiteral("1"); // raw: FeiQ's is "1_lbt4_41#128#MAC#..."
    quint32 packetNo = 0;
    QString user; // the login name
    QString host; // the machine's name
    quint32 command = 0;
    QString text;       // Extra up to its first NUL: the message, a nickname, a packet number
    QStringList extras; // the NUL-separated parts after it (an entry's group, attachments…)
    TextEncoding encoding = TextEncoding::Gb18030; // how text was (or will be) written

    quint32 mode() const { return modeOf(command); }
    bool hasOption(quint32 option) const { return (command & option) == option; }
};

// The version field's parts: "1" → {1, ""}; FeiQ's "1_lbt4_41#128#24F5AAD7C96A#0#0#0#311c#9" →
// {1, "lbt4_41", ["128", "24F5AAD7C96A", "0", …]}. FeiQ keeps its own data in '#'-separated
// fields there (the MAC address is the third); a version without '#' is IP Messenger's or iptux's.
struct VersionField
{
    int protocol = 0;           // the leading number; 0 when there is none
    QByteArray client;          // after the first '_', up to the first '#'
    QList<QByteArray> feiqData; // the '#'-separated fields after the first
    bool isFeiQ() const { return !feiqData.isEmpty(); }
};
VersionField parseVersion(QByteArrayView version);

// An entry's (BR_ENTRY, ANSENTRY, BR_ABSENCE) meaning of Extra: the nickname, then the group.
// IP Messenger 3 and later, writing the entry in the ANSI code page, add a UTF-8 copy as the next
// part, lines of KEY:value ("\nUN:user\nHN:host\nNN:nick\nGN:group\n"); iptux adds its icon and
// the encoding it writes ("utf-8") instead.
struct EntryInfo
{
    QString nickname;
    QString group;
    QString user; // from the UTF-8 copy when there is one, else the header's
    QString host;
    bool readsUtf8 = false;                         // UTF8OPT may be sent to it (CAPUTF8OPT, UTF8OPT)
    TextEncoding unflagged = TextEncoding::Gb18030; // how it writes text without UTF8OPT
};
EntryInfo entryInfo(const Packet &packet);
// True for the modes whose Extra is an entry: BR_ENTRY, ANSENTRY, BR_ABSENCE.
bool isEntryMode(quint32 mode);
// The UTF-8 copy IP Messenger adds to an entry, from its lines (the keys UN, HN, NN, GN).
QString utf8EntryCopy(const QString &user, const QString &host, const QString &nickname, const QString &group);

class PacketCodec
{
    Q_DECLARE_TR_FUNCTIONS(PacketCodec)

public:
    // A Failure when the datagram is not an IP Messenger packet. Text is UTF-8 when
    // the command says UTF8OPT (or an iptux entry says "utf-8"), otherwise `legacy`; invalid
    // bytes in that encoding are an error, as are a missing field, a packet number or command
    // that is not a decimal 32-bit number, an over-long header field and an oversized datagram.
    // Unknown modes and options parse: the caller ignores what it does not know.
    static Expected<Packet> decode(QByteArrayView datagram, TextEncoding legacy = TextEncoding::Gb18030);
    // The datagram for `packet`, its text in packet.encoding (UTF8OPT is set or cleared to match),
    // ended by a NUL as IP Messenger does. A Failure when a header field holds ':' or a
    // NUL, a part holds a NUL, a header field is too long or the datagram would be oversized.
    static Expected<QByteArray> encode(const Packet &packet);
};

} // namespace Tincan::IpMsg
