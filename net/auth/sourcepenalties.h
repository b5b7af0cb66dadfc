// Failed logins, remembered per source address, as OpenSSH's
// PerSourcePenalties does it: after a failure an address must wait before its
// next attempt is even answered, and each further failure doubles the wait up
// to a ceiling. A password that can be tried once a minute per address cannot
// be guessed in bulk. Pure bookkeeping: time comes in as an argument, so the
// doubling is tested without waiting.
#pragma once

#include <QHash>
#include <QHostAddress>

#include <chrono>

namespace Tincan {

class SourcePenalties
{
public:
    using Clock = std::chrono::steady_clock;

    struct Policy
    {
        std::chrono::milliseconds base{1000};          // after the first failure
        std::chrono::milliseconds max{60000};          // the doubling stops here
        std::chrono::milliseconds forgetAfter{600000}; // no failure this long: start over
        qsizetype maxSources = 65536;                  // bounds the table's memory
    };

    SourcePenalties();
    explicit SourcePenalties(const Policy &policy);

    void setPolicy(const Policy &policy) { m_policy = policy; }
    const Policy &policy() const { return m_policy; }

    // How long `address` must still wait; zero when it may try now.
    std::chrono::milliseconds remaining(const QHostAddress &address, Clock::time_point now) const;
    // Records a failed attempt and returns the wait it imposes:
    // base * 2^(failures - 1), at most max.
    std::chrono::milliseconds recordFailure(const QHostAddress &address, Clock::time_point now);
    // A successful login clears the address's record.
    void recordSuccess(const QHostAddress &address);

    qsizetype size() const { return m_sources.size(); }
    int failureCount(const QHostAddress &address) const;

    // One key per host: an IPv4 peer seen through a dual-stack socket
    // (::ffff:a.b.c.d) counts as a.b.c.d.
    static QHostAddress normalized(const QHostAddress &address);

private:
    struct Record
    {
        int failures = 0;
        Clock::time_point lastFailure;
        Clock::time_point until;
    };
    void makeRoom(Clock::time_point now);

    Policy m_policy;
    QHash<QHostAddress, Record> m_sources;
};

} // namespace Tincan
