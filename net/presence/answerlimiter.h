// Whether the announcer may answer one more peer now (docs/PROTOCOL.md §10, "Answers"): never
// the same peer twice within `repeatWindow`, and at most `burst` answers at once refilled at one
// per `refill`, so a flood of forged announcements cannot make this host flood the LAN. Pure
// bookkeeping: time comes in as an argument. Bounded: peers answered longer ago than the window
// are forgotten, and at most `maxTracked` are remembered.
#pragma once

#include <QHash>
#include <QUuid>

#include <chrono>

namespace Tincan::Presence {

class AnswerLimiter
{
public:
    using Clock = std::chrono::steady_clock;

    struct Policy
    {
        int burst = 32;
        std::chrono::milliseconds refill{50}; // 20 answers a second once the burst is spent
        std::chrono::milliseconds repeatWindow{1000};
        qsizetype maxTracked = 1024;
    };

    AnswerLimiter();
    explicit AnswerLimiter(const Policy &policy);

    // True, and counted, if an answer to `peer` may go now.
    bool allow(const QUuid &peer, Clock::time_point now);
    qsizetype trackedCount() const { return m_lastAnswer.size(); }

private:
    void refill(Clock::time_point now);
    void forgetOld(Clock::time_point now);

    Policy m_policy;
    double m_tokens;
    Clock::time_point m_refilledAt{};
    bool m_started = false;
    QHash<QUuid, Clock::time_point> m_lastAnswer;
};

} // namespace Tincan::Presence
