// The event loop's heartbeat, shared by the GUI benchmarks: a precise timer
// that should fire every tick; any gap far beyond the tick is time the loop
// spent elsewhere, a stall the user would feel as a frozen window.
//
// On a shared machine a gap can also be the scheduler running someone else:
// the thread's CPU time over each gap tells the two apart (a gap of 100 ms
// with 2 ms on the CPU was the machine, not the window).
#pragma once

#include <QElapsedTimer>
#include <QTimer>
#include <QtGlobal>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
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
        m_longestCpu = 0;
        m_busiest = 0;
        m_lastCpu = threadCpuMicroseconds();
        m_clock.start();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    // Called on every counted beat, so that a benchmark can sum what was
    // done between two beats.
    void setBeatHandler(std::function<void()> handler) { m_onBeat = std::move(handler); }

    // In milliseconds.
    double longest() const { return m_longest / 1000.0; }
    // Seconds after start() at which the longest gap ended.
    double longestAt() const { return m_longestAt / 1e6; }
    // The thread's CPU time during the longest gap, in milliseconds.
    double longestCpu() const { return m_longestCpu / 1000.0; }
    // The most CPU time the thread spent in one gap: the longest stall the
    // window caused itself, whatever else ran on the machine.
    double busiest() const { return m_busiest / 1000.0; }
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
    static qint64 threadCpuMicroseconds()
    {
        timespec cpu{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
        return qint64(cpu.tv_sec) * 1'000'000 + cpu.tv_nsec / 1000;
    }

    void beat()
    {
        const qint64 now = m_clock.nsecsElapsed() / 1000;
        const qint64 cpuNow = threadCpuMicroseconds();
        const qint64 cpu = cpuNow - m_lastCpu;
        m_lastCpu = cpuNow;
        if (now < m_warmUp)
            return;
        if (m_last != 0) {
            const qint64 gap = now - m_last;
            m_gaps.push_back(gap);
            m_busiest = std::max(m_busiest, cpu);
            if (gap > m_longest) {
                // TINCAN_BENCH_DEBUG=1 says when each new longest stall ended.
                if (qEnvironmentVariableIsSet("TINCAN_BENCH_DEBUG"))
                    std::fprintf(stderr, "stall %.1f ms (%.1f ms on the CPU) at %.3f s\n", gap / 1000.0, cpu / 1000.0,
                                 now / 1e6);
                m_longest = gap;
                m_longestAt = now;
                m_longestCpu = cpu;
            }
        }
        m_last = now;
        if (m_onBeat)
            m_onBeat();
    }

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_warmUp = 0; // µs
    qint64 m_last = 0;
    qint64 m_longest = 0;
    qint64 m_longestAt = 0;
    qint64 m_longestCpu = 0;    // µs
    qint64 m_busiest = 0;       // µs
    qint64 m_lastCpu = 0;       // µs
    std::vector<qint64> m_gaps; // µs
    std::function<void()> m_onBeat;
};

} // namespace Tincan::Bench
