// The packets an IP Messenger endpoint has already taken, so that a retry (the same packet number
// from the same sender) is answered again but shown once. Bounded twice: an entry is forgotten
// after `maxAge`, and beyond `capacity` the oldest goes first, so forged senders can fill the
// memory but never grow it. Pure bookkeeping: time comes in as an argument.
#pragma once

#include <QHash>
#include <QHostAddress>

#include <chrono>
#include <deque>

namespace Tincan::IpMsg {

class SeenPackets
{
public:
    using Clock = std::chrono::steady_clock;

    struct Policy
    {
        // Longer than any client's retries (IP Messenger's last one comes within a minute),
        // short enough that iptux, which numbers its packets from 1 again when it restarts,
        // is not taken for a retry later on.
        std::chrono::milliseconds maxAge{120000};
        qsizetype capacity = 4096;
    };

    SeenPackets();
    explicit SeenPackets(const Policy &policy);

    // True the first time (address, port, packetNo) is recorded within maxAge; false for a repeat.
    bool recordFirst(const QHostAddress &address, quint16 port, quint32 packetNo, Clock::time_point now);
    // Forgets one sender's packets (it announced itself again: it may have restarted).
    void forget(const QHostAddress &address, quint16 port);

    qsizetype size() const { return m_times.size(); }
    const Policy &policy() const { return m_policy; }

private:
    struct Key
    {
        QHostAddress address;
        quint16 port = 0;
        quint32 packetNo = 0;
        friend bool operator==(const Key &a, const Key &b)
        {
            return a.port == b.port && a.packetNo == b.packetNo && a.address == b.address;
        }
        friend size_t qHash(const Key &key, size_t seed = 0)
        {
            return qHashMulti(seed, key.address, key.port, key.packetNo);
        }
    };
    void expire(Clock::time_point now);

    Policy m_policy;
    QHash<Key, Clock::time_point> m_times; // when each was recorded
    // Oldest first, with the time recorded: an entry whose time is not the key's in m_times was
    // forgotten (or recorded again later) and is skipped.
    std::deque<std::pair<Key, Clock::time_point>> m_order;
    bool isLive(const std::pair<Key, Clock::time_point> &entry) const;
};

} // namespace Tincan::IpMsg
