// What the server window keeps of one client's bytes: the newest bytes of each
// direction, bounded, and where the frames of the framed protocol begin. The
// frame boundaries are found as the bytes arrive, before old bytes are dropped,
// so the frames stay marked however long the conversation runs.
#pragma once

#include "net/services/serviceevents.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>

#include <array>

namespace Tincan {

class TrafficCapture
{
    Q_DECLARE_TR_FUNCTIONS(TrafficCapture)

public:
    // Newest bytes kept per direction; older bytes are dropped.
    static constexpr qsizetype MaxBytesPerDirection = 256 * 1024;
    // Only the newest bytes of each direction are rendered: enough to read,
    // cheap enough to redraw several times a second.
    static constexpr qsizetype RenderedBytesPerDirection = 8 * 1024;
    // A header is shown up to this many characters: room for a welcome or
    // an exit whose "cwd" (sorted first) is a deep path, with its "type" after it.
    static constexpr qsizetype MaxHeaderPreview = 240;
    static constexpr int BytesPerDumpLine = 16;

    // Where the bytes are scanned for frames (the console) or not (echo services).
    enum class Framing {
        None,
        Frames,
    };

    struct Segment
    {
        qint64 start = 0;  // offset in the stream
        qint64 length = 0; // prefix + header + payload; -1: unframed to the end
        qint64 headerLength = 0;
        qint64 payloadSize = 0;
        QString header; // the JSON header as sent, or why the bytes are not a frame
    };

    struct Stream
    {
        QByteArray bytes;     // the newest bytes
        qint64 dropped = 0;   // bytes dropped before bytes[0]
        qint64 nextFrame = 0; // stream offset where the next frame starts
        bool broken = false;  // not frames from nextFrame on
        QList<Segment> segments;
        qint64 total() const { return dropped + bytes.size(); }
    };

    // One line of the rendering, and what it shows.
    struct Line
    {
        enum class Kind {
            Title,
            Frame,
            Dump,
            Note,
        };
        Kind kind = Kind::Dump;
        TrafficDirection direction = TrafficDirection::In;
        QString text;
    };

    explicit TrafficCapture(Framing framing = Framing::None)
        : m_framing(framing)
    {
    }

    void append(TrafficDirection direction, const QByteArray &bytes);
    const Stream &stream(TrafficDirection direction) const { return m_streams[index(direction)]; }
    Framing framing() const { return m_framing; }

    // The capture as hex dump lines, both directions, frames marked. `bareInput`
    // labels unframed client bytes as the classic client's bare command.
    QList<Line> render(bool bareInput) const;

    // "00000010  68 65 6c 6c 6f ...  |hello|" for up to 16 bytes at `offset`.
    static QString dumpLine(qint64 offset, QByteArrayView bytes);

private:
    static int index(TrafficDirection direction) { return direction == TrafficDirection::In ? 0 : 1; }
    void scan(Stream &stream);
    void trim(Stream &stream);
    void renderStream(TrafficDirection direction, bool bareInput, QList<Line> &lines) const;

    Framing m_framing;
    std::array<Stream, 2> m_streams;
};

} // namespace Tincan
