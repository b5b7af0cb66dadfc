#include "net/ipmsg/seenpackets.h"

namespace Tincan::IpMsg {

namespace {
// One key per host: an IPv4 sender seen through a dual-stack socket (::ffff:a.b.c.d) is a.b.c.d.
QHostAddress normalized(const QHostAddress &address)
{
    bool isIpv4 = false;
    const quint32 ipv4 = address.toIPv4Address(&isIpv4);
    return isIpv4 ? QHostAddress(ipv4) : address;
}
} // namespace

SeenPackets::SeenPackets()
    : SeenPackets(Policy{})
{
}

SeenPackets::SeenPackets(const Policy &policy)
    : m_policy(policy)
{
}

bool SeenPackets::recordFirst(const QHostAddress &address, quint16 port, quint32 packetNo, Clock::time_point now)
{
    expire(now);
    const Key key{normalized(address), port, packetNo};
    if (m_times.contains(key))
        return false;
    while (m_times.size() >= qMax<qsizetype>(1, m_policy.capacity) && !m_order.empty()) {
        if (isLive(m_order.front()))
            m_times.remove(m_order.front().first);
        m_order.pop_front();
    }
    m_times.insert(key, now);
    m_order.emplace_back(key, now);
    return true;
}

void SeenPackets::forget(const QHostAddress &address, quint16 port)
{
    const QHostAddress host = normalized(address);
    m_times.removeIf([&](const auto &entry) { return entry.key().port == port && entry.key().address == host; });
    // The order keeps the forgotten keys until they reach the front; compact it when they would
    // outnumber the live ones, so it stays within twice the capacity.
    if (m_order.size() > 2 * size_t(m_times.size()) + 16) {
        std::deque<std::pair<Key, Clock::time_point>> live;
        for (const auto &entry : m_order) {
            if (isLive(entry))
                live.push_back(entry);
        }
        m_order.swap(live);
    }
}

void SeenPackets::expire(Clock::time_point now)
{
    while (!m_order.empty()) {
        const auto &front = m_order.front();
        if (isLive(front)) {
            if (now - front.second < m_policy.maxAge)
                break;
            m_times.remove(front.first);
        }
        m_order.pop_front();
    }
}

bool SeenPackets::isLive(const std::pair<Key, Clock::time_point> &entry) const
{
    const auto it = m_times.constFind(entry.first);
    return it != m_times.constEnd() && it.value() == entry.second;
}

} // namespace Tincan::IpMsg
