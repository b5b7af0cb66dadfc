// Helpers shared by the networking tests: a console client written from the
// wire description alone (no ConsoleClient code), and a view of /proc that
// tells which processes of a command's group are still alive.
#pragma once

#include "net/wire/consoleprotocol.h"
#include "net/wire/frame.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QtEndian>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>

// Whether this is an AddressSanitizer build (GCC says so one way, clang
// another): its quarantine keeps freed memory, so RSS bounds do not hold.
#if defined(__SANITIZE_ADDRESS__)
#define TINCAN_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TINCAN_TEST_ASAN 1
#endif
#endif

namespace Tincan::Test {

// ---- processes -------------------------------------------------------------

struct ProcStat
{
    qint64 pid = 0;
    char state = '?';
    qint64 pgrp = 0;
    QByteArray comm;
};

// Reads /proc/<pid>/stat; nullopt once the process is gone.
inline std::optional<ProcStat> readProcStat(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray line = file.readAll();
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const qsizetype open = line.indexOf('(');
    const qsizetype close = line.lastIndexOf(')');
    if (open < 0 || close < open)
        return std::nullopt;
    const QList<QByteArray> fields = line.mid(close + 2).split(' ');
    if (fields.size() < 3)
        return std::nullopt;
    ProcStat stat;
    stat.pid = pid;
    stat.comm = line.mid(open + 1, close - open - 1);
    stat.state = fields.at(0).isEmpty() ? '?' : fields.at(0).at(0);
    stat.pgrp = fields.at(2).toLongLong();
    return stat;
}

// Processes of the process group `pgid` that are still running. Zombies are
// not counted: they have ended, and reaping orphans is init's job, not ours.
inline QList<ProcStat> livingProcessesInGroup(qint64 pgid)
{
    QList<ProcStat> result;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        const std::optional<ProcStat> stat = readProcStat(pid);
        if (stat && stat->pgrp == pgid && stat->state != 'Z' && stat->state != 'X')
            result.append(*stat);
    }
    return result;
}

inline qsizetype livingProcessCountInGroup(qint64 pgid)
{
    return livingProcessesInGroup(pgid).size();
}

// Bytes a process has written so far ("wchar" of /proc/<pid>/io), or -1.
inline qint64 bytesWrittenBy(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/io").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines)
        if (line.startsWith("wchar:"))
            return line.mid(6).trimmed().toLongLong();
    return -1;
}

// ---- waiting ----------------------------------------------------------------

// Runs the event loop until `done()` holds or the time is up. Unlike
// QTRY_VERIFY and QTest::qWaitFor, it never sleeps between passes: the server
// under test runs in this same thread, and 10 ms naps would throttle it to a
// few megabytes a second. It blocks in the event loop, so it does not spin.
inline bool spinUntil(const std::function<bool()> &done, std::chrono::milliseconds timeout)
{
    const QDeadlineTimer deadline(timeout);
    QTimer wakeUp; // guarantees an event at the deadline
    wakeUp.setSingleShot(true);
    // Precise, and started again if it fires before the deadline anyway: a
    // timer that fired early would leave the loop waiting for an event that
    // may never come.
    wakeUp.setTimerType(Qt::PreciseTimer);
    QObject::connect(&wakeUp, &QTimer::timeout, &wakeUp, [&] {
        if (!deadline.hasExpired())
            wakeUp.start(std::max<qint64>(1, deadline.remainingTime()));
    });
    wakeUp.start(timeout);
    QEventLoop loop;
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        loop.processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
    return true;
}

// The earliest a QTimer of this interval may fire: coarse timers (the
// default) may fire up to 5 % early.
template <typename Duration> inline qint64 earliest(Duration interval)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(interval).count() * 94 / 100;
}

// ---- frames ----------------------------------------------------------------

// A frame written byte by byte from the description: little-endian int32
// length (whatever value the test wants), then the header and payload bytes.
inline QByteArray rawFrame(qint32 headerLength, QByteArrayView header, QByteArrayView payload = {})
{
    char prefix[4];
    qToLittleEndian<qint32>(headerLength, prefix);
    QByteArray bytes(prefix, 4);
    bytes.append(header.data(), header.size());
    bytes.append(payload.data(), payload.size());
    return bytes;
}

// A frame whose header is the given JSON text, verbatim.
inline QByteArray rawFrame(QByteArrayView headerJson, QByteArrayView payload = {})
{
    return rawFrame(qint32(headerJson.size()), headerJson, payload);
}

inline QString typeOf(const Frame &frame)
{
    return frame.header.value(QLatin1StringView("type")).toString();
}

// ---- a console client from the wire description -----------------------------

class RawConsoleClient
{
public:
    // Connects to address:port at once; writes before the connection is up
    // are queued by the socket.
    // With a `source`, the connection comes from that local address (another
    // loopback address such as 127.0.0.2 stands for another host).
    explicit RawConsoleClient(quint16 port, const QHostAddress &address = QHostAddress(QHostAddress::LocalHost),
                              qint64 maxPayload = Console::Limits::MaxClassicReplyPayload,
                              const QHostAddress &source = QHostAddress())
        : m_decoder(maxPayload)
    {
        if (!source.isNull())
            m_socket.bind(source);
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] { pump(); });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] {
            pump();
            m_disconnected = true;
        });
        m_socket.connectToHost(address, port);
    }
    ~RawConsoleClient()
    {
        QObject::disconnect(&m_socket, nullptr, &m_socket, nullptr);
        m_socket.abort();
    }
    Q_DISABLE_COPY_MOVE(RawConsoleClient)

    QTcpSocket &socket() { return m_socket; }
    bool isDisconnected() const { return m_disconnected; }
    // The decoder's complaint if the server sent something malformed.
    QString decodeError() const { return m_decoder.errorString(); }

    // Consumes frames instead of keeping them (for very large outputs):
    // return true when the frame was handled and need not be kept.
    std::function<bool(const Frame &)> frameHandler;

    // While paused, nothing is read: with a bounded socket read buffer
    // (QTcpSocket::setReadBufferSize) the server then sees a stalled client.
    void setReadingPaused(bool paused)
    {
        m_paused = paused;
        if (!paused)
            pump();
    }

    void write(QByteArrayView bytes) { m_socket.write(bytes.data(), bytes.size()); }
    void sendFrame(const QJsonObject &header, QByteArrayView payload = {}) { write(encodeFrame(header, payload)); }
    void sendHello(qint64 version = Console::ProtocolVersion)
    {
        sendFrame({{Console::Key::Type, Console::Type::Hello}, {Console::Key::Version, version}});
    }
    void sendExec(const QJsonValue &id, const QString &command)
    {
        sendFrame(
            {{Console::Key::Type, Console::Type::Exec}, {Console::Key::Id, id}, {Console::Key::Command, command}});
    }
    void sendCancel(const QJsonValue &id)
    {
        sendFrame({{Console::Key::Type, Console::Type::Cancel}, {Console::Key::Id, id}});
    }

    const QList<Frame> &frames() const { return m_frames; }
    void clearFrames() { m_frames.clear(); }

    // First frame of `type` (and of request `id`, unless id is undefined).
    std::optional<Frame> find(QLatin1StringView type, const QJsonValue &id = QJsonValue::Undefined) const
    {
        for (const Frame &frame : m_frames)
            if (matches(frame, type, id))
                return frame;
        return std::nullopt;
    }
    qsizetype count(QLatin1StringView type, const QJsonValue &id = QJsonValue::Undefined) const
    {
        return std::count_if(m_frames.cbegin(), m_frames.cend(),
                             [&](const Frame &frame) { return matches(frame, type, id); });
    }
    // Index of the first matching frame in arrival order, or -1.
    qsizetype indexOf(QLatin1StringView type, const QJsonValue &id = QJsonValue::Undefined) const
    {
        for (qsizetype i = 0; i < m_frames.size(); ++i)
            if (matches(m_frames.at(i), type, id))
                return i;
        return -1;
    }
    // The concatenated payloads of a request's output frames on one stream.
    QByteArray output(const QJsonValue &id, QLatin1StringView stream) const
    {
        QByteArray data;
        for (const Frame &frame : m_frames)
            if (matches(frame, Console::Type::Output, id)
                && frame.header.value(Console::Key::Stream).toString() == stream)
                data += frame.payload;
        return data;
    }

    // Waits (running the event loop) until a frame of `type` for `id` is
    // there; returns nothing if the server closes first or time runs out.
    std::optional<Frame> waitFor(QLatin1StringView type, const QJsonValue &id = QJsonValue::Undefined,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10))
    {
        [[maybe_unused]] const bool done
            = spinUntil([&] { return find(type, id).has_value() || m_disconnected; }, timeout);
        return find(type, id);
    }
    bool waitForDisconnected(std::chrono::milliseconds timeout = std::chrono::seconds(10))
    {
        return spinUntil([&] { return m_disconnected; }, timeout);
    }
    // hello, then wait for welcome.
    bool greet()
    {
        sendHello();
        return waitFor(Console::Type::Welcome).has_value();
    }

private:
    static bool matches(const Frame &frame, QLatin1StringView type, const QJsonValue &id)
    {
        return typeOf(frame) == type && (id.isUndefined() || frame.header.value(Console::Key::Id) == id);
    }

    void pump()
    {
        if (m_paused || !m_socket.isOpen())
            return;
        if (m_decoder.feed(m_socket.readAll()) == FrameDecoder::Status::Error)
            return;
        while (m_decoder.status() == FrameDecoder::Status::FrameReady) {
            Frame frame = m_decoder.takeFrame();
            if (!frameHandler || !frameHandler(frame))
                m_frames.append(std::move(frame));
        }
    }

    QTcpSocket m_socket;
    FrameDecoder m_decoder;
    QList<Frame> m_frames;
    bool m_disconnected = false;
    bool m_paused = false;
};

} // namespace Tincan::Test
