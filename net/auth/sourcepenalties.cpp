#include "net/auth/sourcepenalties.h"

#include <algorithm>

namespace Tincan {

namespace {
// 2^30 times any base is far past any ceiling; stop counting there.
constexpr int MaxDoublings = 30;
} // namespace

SourcePenalties::SourcePenalties()
    : m_policy(Policy())
{
}

SourcePenalties::SourcePenalties(const Policy &policy)
    : m_policy(policy)
{
}

QHostAddress SourcePenalties::normalized(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : address;
}

std::chrono::milliseconds SourcePenalties::remaining(const QHostAddress &address, Clock::time_point now) const
{
    const auto it = m_sources.constFind(normalized(address));
    if (it == m_sources.cend() || it->until <= now)
        return std::chrono::milliseconds::zero();
    return std::chrono::ceil<std::chrono::milliseconds>(it->until - now);
}

std::chrono::milliseconds SourcePenalties::recordFailure(const QHostAddress &address, Clock::time_point now)
{
    const QHostAddress key = normalized(address);
    auto it = m_sources.find(key);
    if (it != m_sources.end() && now - it->lastFailure > m_policy.forgetAfter)
        it->failures = 0; // quiet for long enough: a fresh start
    if (it == m_sources.end()) {
        makeRoom(now);
        it = m_sources.insert(key, Record());
    }
    it->failures = std::min(it->failures + 1, MaxDoublings + 1);
    it->lastFailure = now;
    const std::chrono::milliseconds doubled{m_policy.base.count() * (qint64(1) << (it->failures - 1))};
    const std::chrono::milliseconds penalty = std::min(doubled, m_policy.max);
    it->until = now + penalty;
    return penalty;
}

void SourcePenalties::recordSuccess(const QHostAddress &address)
{
    m_sources.remove(normalized(address));
}

int SourcePenalties::failureCount(const QHostAddress &address) const
{
    return m_sources.value(normalized(address)).failures;
}

void SourcePenalties::makeRoom(Clock::time_point now)
{
    if (m_sources.size() < m_policy.maxSources)
        return;
    // First whatever would be forgotten anyway...
    m_sources.removeIf([&](const auto &entry) {
        return entry.value().until <= now && now - entry.value().lastFailure > m_policy.forgetAfter;
    });
    // ...then, while still full, the record whose wait ends soonest: the
    // least useful one to keep.
    while (m_policy.maxSources > 0 && m_sources.size() >= m_policy.maxSources) {
        auto soonest = std::min_element(m_sources.begin(), m_sources.end(),
                                        [](const Record &a, const Record &b) { return a.until < b.until; });
        m_sources.erase(soonest);
    }
}

} // namespace Tincan
