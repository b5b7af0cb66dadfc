#include "net/presence/answerlimiter.h"

#include <algorithm>

namespace Tincan::Presence {

AnswerLimiter::AnswerLimiter()
    : AnswerLimiter(Policy{})
{
}

AnswerLimiter::AnswerLimiter(const Policy &policy)
    : m_policy(policy)
    , m_tokens(policy.burst)
{
}

void AnswerLimiter::refill(Clock::time_point now)
{
    if (!m_started) {
        m_started = true;
        m_refilledAt = now;
        return;
    }
    const auto elapsed = std::chrono::duration<double, std::milli>(now - m_refilledAt).count();
    if (elapsed <= 0)
        return;
    m_tokens = std::min<double>(m_policy.burst, m_tokens + elapsed / double(m_policy.refill.count()));
    m_refilledAt = now;
}

void AnswerLimiter::forgetOld(Clock::time_point now)
{
    for (auto it = m_lastAnswer.begin(); it != m_lastAnswer.end();) {
        if (now - it.value() >= m_policy.repeatWindow)
            it = m_lastAnswer.erase(it);
        else
            ++it;
    }
}

bool AnswerLimiter::allow(const QUuid &peer, Clock::time_point now)
{
    refill(now);
    const auto it = m_lastAnswer.constFind(peer);
    if (it != m_lastAnswer.constEnd() && now - it.value() < m_policy.repeatWindow)
        return false;
    if (m_tokens < 1.0)
        return false;
    if (m_lastAnswer.size() >= m_policy.maxTracked) {
        forgetOld(now);
        if (m_lastAnswer.size() >= m_policy.maxTracked)
            return false; // every one answered within the window: the burst is far spent anyway
    }
    m_tokens -= 1.0;
    m_lastAnswer.insert(peer, now);
    return true;
}

} // namespace Tincan::Presence
