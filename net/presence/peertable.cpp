#include "net/presence/peertable.h"

#include <algorithm>

namespace Tincan::Presence {

namespace {
Peer peerFrom(const Announcement &a, const QHostAddress &from, quint16 port, PeerTable::Clock::time_point now)
{
    Peer peer;
    peer.installId = a.installId;
    peer.address = from;
    peer.sourcePort = port;
    peer.name = a.name;
    peer.chatPort = a.chatPort;
    peer.consolePort = a.consolePort;
    peer.state = a.state;
    peer.capabilities = a.capabilities;
    peer.lastHeard = now;
    peer.hold = a.hold;
    return peer;
}

// Whether what a user sees of the peer differs (the time heard and the hold do not count).
bool describedAlike(const Peer &a, const Peer &b)
{
    return a.address == b.address && a.sourcePort == b.sourcePort && a.name == b.name && a.chatPort == b.chatPort
        && a.consolePort == b.consolePort && a.capabilities == b.capabilities;
}

PeerEvent::Type stateEvent(State state)
{
    return state == State::Away ? PeerEvent::Type::Away : PeerEvent::Type::Online;
}
} // namespace

PeerTable::PeerTable(qsizetype capacity)
    : m_capacity(std::max<qsizetype>(1, capacity))
{
}

void PeerTable::unlink(const Entry &entry)
{
    (entry.timesHeard > 1 ? m_again : m_once).erase(entry.order);
}

void PeerTable::touch(Entry &entry)
{
    unlink(entry);
    entry.timesHeard = std::min(entry.timesHeard + 1, 2);
    entry.order = ++m_counter;
    (entry.timesHeard > 1 ? m_again : m_once).emplace(entry.order, entry.peer.installId);
}

void PeerTable::evictOne()
{
    std::map<quint64, QUuid> &from = m_once.empty() ? m_again : m_once;
    if (from.empty())
        return;
    const QUuid id = from.begin()->second;
    from.erase(from.begin());
    m_entries.remove(id);
}

std::optional<PeerEvent> PeerTable::record(const Announcement &announcement, const QHostAddress &from, quint16 port,
                                           Clock::time_point now)
{
    const auto it = m_entries.find(announcement.installId);
    if (announcement.kind == Kind::Leave) {
        if (it == m_entries.end() || it->peer.address != from)
            return std::nullopt;
        PeerEvent event{PeerEvent::Type::Offline, it->peer, PeerEvent::Reason::Left};
        unlink(*it);
        m_entries.erase(it);
        return event;
    }
    const Peer heard = peerFrom(announcement, from, port, now);
    if (it == m_entries.end()) {
        if (m_entries.size() >= m_capacity)
            evictOne();
        Entry &entry = m_entries[heard.installId];
        entry.peer = heard;
        if (from.protocol() == QAbstractSocket::IPv4Protocol)
            entry.heardOverIpv4 = now;
        touch(entry);
        PeerEvent event{stateEvent(heard.state), heard};
        event.isNew = true;
        return event;
    }
    const Peer before = it->peer;
    it->peer = heard;
    const bool overIpv4 = from.protocol() == QAbstractSocket::IPv4Protocol;
    if (overIpv4)
        it->heardOverIpv4 = now;
    else if (before.address.protocol() == QAbstractSocket::IPv4Protocol && now - it->heardOverIpv4 <= heard.hold) {
        it->peer.address = before.address; // the same datagram, come the IPv6 way too
        it->peer.sourcePort = before.sourcePort;
    }
    touch(*it);
    const Peer &after = it->peer;
    if (before.state != after.state)
        return PeerEvent{stateEvent(after.state), after};
    if (!describedAlike(before, after))
        return PeerEvent{PeerEvent::Type::Changed, after};
    return std::nullopt;
}

QList<PeerEvent> PeerTable::expire(Clock::time_point now)
{
    QList<PeerEvent> events;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (now - it->peer.lastHeard > it->peer.hold) {
            events.append(PeerEvent{PeerEvent::Type::Offline, it->peer, PeerEvent::Reason::AgedOut});
            unlink(*it);
            it = m_entries.erase(it);
        } else {
            ++it;
        }
    }
    return events;
}

std::optional<Peer> PeerTable::peer(const QUuid &installId) const
{
    const auto it = m_entries.constFind(installId);
    if (it == m_entries.constEnd())
        return std::nullopt;
    return it->peer;
}

QList<Peer> PeerTable::peers() const
{
    QList<Peer> list;
    list.reserve(m_entries.size());
    for (const Entry &entry : m_entries)
        list.append(entry.peer);
    std::sort(list.begin(), list.end(), [](const Peer &a, const Peer &b) {
        return a.name != b.name ? a.name < b.name : a.installId.toString() < b.installId.toString();
    });
    return list;
}

} // namespace Tincan::Presence
