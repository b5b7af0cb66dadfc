// The event loop's heartbeat, shared by the GUI benchmarks: a precise timer
// that should fire every tick; any gap far beyond the tick is time the loop
// spent elsewhere, a stall the user would feel as a frozen window.
#pragma once

#include <QElapsedTimer>
#include <QTimer>
#include <QtGlobal>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace Tincan::Bench {

class StallProbe final
{
    Q_DISABLE_COPY_MOVE(StallProbe)

public:
    // Gaps during the first `warmUp` after start() are not counted: starting
    // clients and the first paint are not part of what is measured.
    explicit StallProbe(std::chrono::milliseconds tick, std::chrono::milliseconds warmUp = {})
        : m_warmUp(std::chrono::duration_cast<std::chrono::microseconds>(warmUp).count())
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(tick);
        QObject::connect(&m_timer, &QTimer::timeout, [this] { beat(); });
    }

    void start()
    {
        m_gaps.clear();
        m_last = 0;
        m_longest = 0;
        m_longestAt = 0;
        m_clock.start();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }

    // In milliseconds.
    double longest() const { return m_longest / 1000.0; }
    // Seconds after start() at which the longest gap ended.
    double longestAt() const { return m_longestAt / 1e6; }
    double percentile(int percent) const
    {
        if (m_gaps.empty())
            return 0;
        std::vector<qint64> sorted = m_gaps;
        const auto nth = sorted.begin() + std::ptrdiff_t(sorted.size() * std::size_t(percent) / 100);
        std::nth_element(sorted.begin(), nth, sorted.end());
        return *nth / 1000.0;
    }
    std::size_t beats() const { return m_gaps.size(); }

private:
    void beat()
    {
        const qint64 now = m_clock.nsecsElapsed() / 1000;
        if (now < m_warmUp)
            return;
        if (m_last != 0) {
            const qint64 gap = now - m_last;
            m_gaps.push_back(gap);
            if (gap > m_longest) {
                // TINCAN_BENCH_DEBUG=1 says when each new longest stall ended.
                if (qEnvironmentVariableIsSet("TINCAN_BENCH_DEBUG"))
                    std::fprintf(stderr, "stall %.1f ms at %.3f s\n", gap / 1000.0, now / 1e6);
                m_longest = gap;
                m_longestAt = now;
            }
        }
        m_last = now;
    }

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_warmUp = 0; // µs
    qint64 m_last = 0;
    qint64 m_longest = 0;
    qint64 m_longestAt = 0;
    std::vector<qint64> m_gaps; // µs
};

} // namespace Tincan::Bench
