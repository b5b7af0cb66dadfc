// Whether one more automatic answer may go now, to a key (a peer, a source address): at most
// `perKey` answers to the same key within `repeatWindow`, and at most `burst` answers in all at
// once, refilled at one per `refill`, so a flood of forged requests (whose source can be anyone's
// address) cannot make this host flood the LAN or a victim. Used by the presence announcer
// (docs/PROTOCOL.md §10, "Answers") and the IP Messenger endpoint (§9, "Limits"). Pure
// bookkeeping: time comes in as an argument. Bounded: keys answered longer ago than the window
// are forgotten, and at most `maxTracked` are remembered.
#pragma once

#include <QHash>

#include <algorithm>
#include <chrono>

namespace Tincan {

struct AnswerPolicy
{
    int burst = 32;
    std::chrono::milliseconds refill{50}; // 20 answers a second once the burst is spent
    std::chrono::milliseconds repeatWindow{1000};
    int perKey = 1; // answers to one key within repeatWindow
    qsizetype maxTracked = 1024;
};

template <typename Key> class AnswerLimiter
{
public:
    using Clock = std::chrono::steady_clock;
    using Policy = AnswerPolicy;

    AnswerLimiter()
        : AnswerLimiter(Policy{})
    {
    }
    explicit AnswerLimiter(const Policy &policy)
        : m_policy(policy)
        , m_tokens(policy.burst)
    {
    }

    // True, and counted, if an answer to `key` may go now.
    bool allow(const Key &key, Clock::time_point now)
    {
        refill(now);
        auto it = m_windows.find(key);
        if (it != m_windows.end() && now - it->start >= m_policy.repeatWindow) {
            m_windows.erase(it);
            it = m_windows.end();
        }
        if (it != m_windows.end() && it->count >= m_policy.perKey)
            return false;
        if (m_tokens < 1.0)
            return false;
        if (it == m_windows.end() && m_windows.size() >= m_policy.maxTracked) {
            forgetOld(now);
            if (m_windows.size() >= m_policy.maxTracked)
                return false; // every one answered within the window: the burst is far spent anyway
        }
        m_tokens -= 1.0;
        if (it == m_windows.end())
            m_windows.insert(key, Window{now, 1});
        else
            ++it->count;
        return true;
    }
    qsizetype trackedCount() const { return m_windows.size(); }
    const Policy &policy() const { return m_policy; }

private:
    struct Window
    {
        Clock::time_point start; // of the first answer counted in it
        int count = 0;
    };

    void refill(Clock::time_point now)
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

    void forgetOld(Clock::time_point now)
    {
        for (auto it = m_windows.begin(); it != m_windows.end();) {
            if (now - it->start >= m_policy.repeatWindow)
                it = m_windows.erase(it);
            else
                ++it;
        }
    }

    Policy m_policy;
    double m_tokens;
    Clock::time_point m_refilledAt{};
    bool m_started = false;
    QHash<Key, Window> m_windows;
};

} // namespace Tincan
