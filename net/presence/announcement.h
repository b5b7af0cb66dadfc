// One datagram of Tincan's presence protocol (docs/PROTOCOL.md §10, "Discovery"):
//
//     "TCNP" [version = 1] [CBOR map]
//
// A pure codec: no socket, so every malformed, truncated, oversized or hostile input is tested
// directly. Every kind carries the sender's whole description, so any datagram heard is enough
// to list its sender.
#pragma once

#include "net/base/expected.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <QUuid>

#include <chrono>

namespace Tincan::Presence {

// The discovery port and groups (docs/PROTOCOL.md §10 says why these).
inline constexpr quint16 DefaultPort = 8083;
inline constexpr char Ipv4Group[] = "239.255.84.67";
inline constexpr char Ipv6Group[] = "ff02::7463:616e";

inline constexpr char Magic[] = "TCNP";
inline constexpr qsizetype MagicSize = 4;
inline constexpr quint8 ProtocolVersion = 1;
// Fits one IPv6 packet on the minimum MTU (1280) with its headers: never fragmented.
inline constexpr qsizetype MaxDatagramSize = 1200;
// A label for a list; longer names are cut when sent and refused when received.
inline constexpr qsizetype MaxNameBytes = 256;
inline constexpr qsizetype MaxCapabilities = 16;
inline constexpr qsizetype MaxCapabilityBytes = 32;
// How long a receiver may keep a peer it no longer hears (the sender's promise to re-announce
// within it), bounded so a forged peer cannot ask to stay forever.
inline constexpr std::chrono::seconds MinHold{1};
inline constexpr std::chrono::seconds MaxHold{3600};

enum class Kind {
    Announce, // I am here, or something about me changed: those who did not know me answer
    Answer,   // unicast, to an announce or probe: never answered
    Leave,    // I am going: forget me
    Probe,    // I am new, tell me who is here: everyone answers
};

enum class State {
    Online,
    Away,
};

struct Announcement
{
    Kind kind = Kind::Announce;
    QUuid installId;         // made once per installation and kept
    QString name;            // display name
    quint16 chatPort = 0;    // 0: no chat (a listener such as `tincan-cli peers`)
    quint16 consolePort = 0; // 0: serves no console
    State state = State::Online;
    QStringList capabilities; // short lower-case words, e.g. "chat-v1"
    std::chrono::seconds hold{180};

    friend bool operator==(const Announcement &, const Announcement &) = default;
};

QString kindName(Kind kind);
QString stateName(State state);

class AnnouncementCodec
{
    Q_DECLARE_TR_FUNCTIONS(AnnouncementCodec)

public:
    // The datagram. The name is cut to MaxNameBytes; capabilities beyond the limits and the hold
    // outside [MinHold, MaxHold] are the caller's mistake and are refused.
    static Expected<QByteArray> encode(const Announcement &announcement);
    // The announcement, or why the datagram is not a valid one.
    static Expected<Announcement> decode(QByteArrayView datagram);
    // Whether a datagram starts like one of ours (its magic), valid or not.
    static bool looksLikePresence(QByteArrayView datagram);
};

} // namespace Tincan::Presence
