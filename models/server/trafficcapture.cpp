#include "models/server/trafficcapture.h"

#include "net/wire/frame.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

#include <algorithm>

namespace Tincan {

namespace {

// Bytes are dropped in batches once twice the cap is held, so a flood of small
// chunks does not move the whole buffer for every chunk.
constexpr qsizetype TrimThreshold = 2 * TrafficCapture::MaxBytesPerDirection;

const auto TotalSizeKey = QLatin1StringView("total_size");

QString arrow(TrafficDirection direction)
{
    return direction == TrafficDirection::In ? QStringLiteral("→") : QStringLiteral("←");
}

QString preview(const QString &text, qsizetype max)
{
    if (text.size() <= max)
        return text;
    return text.left(max - 1) + QStringLiteral("…");
}

} // namespace

void TrafficCapture::append(TrafficDirection direction, const QByteArray &bytes)
{
    Stream &stream = m_streams[index(direction)];
    stream.bytes.append(bytes);
    // Scan before trimming: a header is never larger than what is kept, so
    // every frame start is seen while its bytes are still here.
    scan(stream);
    trim(stream);
}

void TrafficCapture::scan(Stream &stream)
{
    if (m_framing != Framing::Frames)
        return;
    while (!stream.broken) {
        const qint64 pos = stream.nextFrame - stream.dropped;
        if (pos < 0 || stream.bytes.size() - pos < FrameLimits::PrefixSize)
            return;
        const qint32 headerLength = qFromLittleEndian<qint32>(stream.bytes.constData() + pos);
        Segment segment;
        segment.start = stream.nextFrame;
        segment.length = -1;
        if (headerLength <= 0 || headerLength > FrameLimits::MaxHeaderSize) {
            segment.header = tr("the length prefix %1 is not a header length").arg(headerLength);
            stream.broken = true;
            stream.segments.append(segment);
            return;
        }
        if (stream.bytes.size() - pos < FrameLimits::PrefixSize + headerLength)
            return;
        const QByteArray header = stream.bytes.mid(pos + FrameLimits::PrefixSize, headerLength);
        const QJsonDocument document = QJsonDocument::fromJson(header);
        const std::optional<qint64> total
            = document.isObject() ? jsonInteger(document.object(), TotalSizeKey) : std::nullopt;
        if (!total || *total < 0) {
            segment.header = tr("the header is not a JSON object with a \"total_size\"");
            stream.broken = true;
            stream.segments.append(segment);
            return;
        }
        segment.headerLength = headerLength;
        segment.payloadSize = *total;
        segment.length = FrameLimits::PrefixSize + headerLength + *total;
        segment.header = QString::fromUtf8(header);
        stream.segments.append(segment);
        stream.nextFrame += segment.length;
    }
}

void TrafficCapture::trim(Stream &stream)
{
    if (stream.bytes.size() <= TrimThreshold)
        return;
    const qsizetype drop = stream.bytes.size() - MaxBytesPerDirection;
    stream.bytes.remove(0, drop);
    stream.dropped += drop;
    while (!stream.segments.isEmpty() && stream.segments.first().length >= 0
           && stream.segments.first().start + stream.segments.first().length <= stream.dropped)
        stream.segments.removeFirst();
}

QString TrafficCapture::dumpLine(qint64 offset, QByteArrayView bytes)
{
    constexpr int HalfLine = BytesPerDumpLine / 2;
    QString hex;
    QString text;
    for (int i = 0; i < BytesPerDumpLine; ++i) {
        if (i == HalfLine)
            hex += QLatin1Char(' ');
        if (i < bytes.size()) {
            const auto byte = static_cast<unsigned char>(bytes[i]);
            hex += QStringLiteral("%1 ").arg(byte, 2, 16, QLatin1Char('0'));
            const bool printable = byte >= 0x20 && byte < 0x7f;
            text += printable ? QLatin1Char(char(byte)) : QLatin1Char('.');
        } else {
            hex += QStringLiteral("   ");
        }
    }
    return QStringLiteral("%1  %2 |%3|").arg(offset, 8, 16, QLatin1Char('0')).arg(hex, text);
}

QList<TrafficCapture::Line> TrafficCapture::render(bool bareInput) const
{
    QList<Line> lines;
    renderStream(TrafficDirection::In, bareInput, lines);
    renderStream(TrafficDirection::Out, false, lines);
    return lines;
}

void TrafficCapture::renderStream(TrafficDirection direction, bool bareInput, QList<Line> &lines) const
{
    const Stream &stream = m_streams[index(direction)];
    const qint64 total = stream.total();
    const auto add = [&](Line::Kind kind, const QString &text) { lines.append({kind, direction, text}); };
    const auto dump = [&](qint64 from, qint64 to) {
        for (qint64 at = from; at < to; at += BytesPerDumpLine) {
            const qint64 count = std::min<qint64>(BytesPerDumpLine, to - at);
            const QByteArrayView bytes(stream.bytes.constData() + (at - stream.dropped), count);
            add(Line::Kind::Dump, arrow(direction) + QLatin1Char(' ') + dumpLine(at, bytes));
        }
    };

    // Counts of a long conversation exceed an int, so no %n plurals here.
    QString title = direction == TrafficDirection::In ? tr("→ in, from the client: %1 bytes").arg(total)
                                                      : tr("← out, to the client: %1 bytes").arg(total);
    if (stream.dropped > 0)
        title += QLatin1Char(' ') + tr("(the first %1 bytes are no longer kept)").arg(stream.dropped);
    add(Line::Kind::Title, title);

    const qint64 from = std::max(stream.dropped, total - RenderedBytesPerDirection);
    if (from > stream.dropped)
        add(Line::Kind::Note, tr("… %1 earlier bytes not shown").arg(from - stream.dropped));

    const QString bareLabel = tr("bare command (classic)");
    qint64 cursor = from;
    for (const Segment &segment : stream.segments) {
        const qint64 end = segment.length < 0 ? total : std::min(total, segment.start + segment.length);
        if (end <= from)
            continue;
        if (segment.start > cursor)
            dump(cursor, segment.start);
        if (segment.length < 0) {
            add(Line::Kind::Frame, bareInput ? bareLabel : tr("not a frame: %1").arg(segment.header));
        } else {
            add(Line::Kind::Frame,
                tr("frame: length %1 · header %2 · payload %3 bytes")
                    .arg(QString::number(segment.headerLength), preview(segment.header, MaxHeaderPreview),
                         QString::number(segment.payloadSize)));
        }
        dump(std::max(segment.start, cursor), end);
        cursor = end;
    }
    if (cursor < total) {
        // Bytes after the last frame found: the start of a frame still arriving,
        // a classic command, or an unframed service's bytes.
        if (bareInput)
            add(Line::Kind::Frame, bareLabel);
        else if (m_framing == Framing::Frames)
            add(Line::Kind::Note, tr("incomplete frame, waiting for more bytes"));
        dump(cursor, total);
    }
}

} // namespace Tincan
