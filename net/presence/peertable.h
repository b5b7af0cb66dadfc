// The Tincan peers heard on the LAN, keyed by install id (docs/PROTOCOL.md §10): a peer that
// changes address is followed by its id, one that leaves or is not heard within the hold time it
// announced goes offline. Bounded: beyond `capacity`, a peer heard only once goes first (oldest
// first), so a flood of forged ids churns among itself while peers heard again stay listed. Pure
// bookkeeping: time comes in as an argument, events come out as values.
#pragma once

#include "net/presence/announcement.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QUuid>

#include <chrono>
#include <map>
#include <optional>

namespace Tincan::Presence {

struct Peer
{
    QUuid installId;
    QHostAddress address; // where its last datagram came from
    quint16 sourcePort = 0;
    QString name;
    quint16 chatPort = 0;
    quint16 consolePort = 0;
    State state = State::Online;
    QStringList capabilities;
    std::chrono::steady_clock::time_point lastHeard;
    std::chrono::seconds hold{180};
    friend bool operator==(const Peer &, const Peer &) = default;
};

struct PeerEvent
{
    enum class Type {
        Online,  // a new peer, or one back from away
        Away,    // a new peer that is away, or one gone away
        Changed, // same state, but its name, address, ports or capabilities changed
        Offline, // it left, or was not heard within its hold time
    };
    enum class Reason {
        None,
        Left,
        AgedOut,
    };
    Type type = Type::Online;
    Peer peer;
    Reason reason = Reason::None; // Offline only
    bool isNew = false;           // Online or Away for a peer not listed before
};

class PeerTable
{
public:
    using Clock = std::chrono::steady_clock;
    static constexpr qsizetype DefaultCapacity = 1024;

    explicit PeerTable(qsizetype capacity = DefaultCapacity);

    // What one datagram from `from:port` means for the table, if anything. A leave counts only
    // from the address the peer is listed at, so it cannot be forged from elsewhere on the LAN.
    // A peer heard over IPv4 and IPv6 both is listed at its IPv4 address; an IPv6 one takes its
    // place only once the IPv4 one has not been heard for the peer's hold.
    std::optional<PeerEvent> record(const Announcement &announcement, const QHostAddress &from, quint16 port,
                                    Clock::time_point now);
    // The peers whose hold time ran out, removed.
    QList<PeerEvent> expire(Clock::time_point now);

    std::optional<Peer> peer(const QUuid &installId) const;
    QList<Peer> peers() const; // by name, then id
    qsizetype size() const { return m_entries.size(); }
    qsizetype capacity() const { return m_capacity; }
    bool contains(const QUuid &installId) const { return m_entries.contains(installId); }

private:
    struct Entry
    {
        Peer peer;
        quint64 order = 0;  // when last heard, as a counter: the key in m_once or m_again
        int timesHeard = 0; // datagrams taken from it, up to 2
        Clock::time_point heardOverIpv4{};
    };
    void touch(Entry &entry);
    void unlink(const Entry &entry);
    void evictOne();

    qsizetype m_capacity;
    QHash<QUuid, Entry> m_entries;
    std::map<quint64, QUuid> m_once;  // heard once, oldest first: evicted first
    std::map<quint64, QUuid> m_again; // heard more than once, oldest first
    quint64 m_counter = 0;
};

} // namespace Tincan::Presence
