// The frame of every Tincan TCP conversation, and of the classic tutorial's
// "remote command with a custom header" reply:
//
//     [4 bytes: header length L, little-endian signed int32]
//     [L bytes: UTF-8 JSON object, with an integer "total_size"]
//     [total_size bytes: payload]
//
// See docs/PROTOCOL.md. The decoder is a pure parser: it takes bytes as they
// arrive and never touches a socket, so every split and every hostile input
// can be tested directly.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace Tincan {

struct Frame
{
    QJsonObject header;
    QByteArray payload;
};

namespace FrameLimits {
// Size of the length prefix.
inline constexpr qsizetype PrefixSize = 4;
// A header is metadata; anything this large is hostile or broken.
inline constexpr qsizetype MaxHeaderSize = 64 * 1024;
// Default cap on one frame's payload. Streams (command output, files) are cut
// into many frames far smaller than this, so a bigger claim is an error.
inline constexpr qint64 DefaultMaxPayloadSize = 16 * 1024 * 1024;
// Largest integer a JSON number carries exactly.
inline constexpr qint64 MaxJsonInteger = (qint64(1) << 53);
} // namespace FrameLimits

// Builds one frame. "total_size" is set (or overwritten) from the payload.
QByteArray encodeFrame(QJsonObject header, QByteArrayView payload = {});

// Reads an integer member of a header: nullopt when absent, not a number, or
// not an integer representable exactly.
std::optional<qint64> jsonInteger(const QJsonValue &value);
inline std::optional<qint64> jsonInteger(const QJsonObject &object, QStringView key)
{
    return jsonInteger(object.value(key));
}
inline std::optional<qint64> jsonInteger(const QJsonObject &object, QLatin1StringView key)
{
    return jsonInteger(object.value(key));
}

class FrameDecoder
{
    Q_DECLARE_TR_FUNCTIONS(FrameDecoder)

public:
    enum class Status {
        NeedMore,   // no complete frame yet; feed more bytes
        FrameReady, // takeFrame() returns the next frame
        Error,      // the stream is broken; errorString() says why
    };

    explicit FrameDecoder(qint64 maxPayloadSize = FrameLimits::DefaultMaxPayloadSize);

    // Limits apply to frames whose prefix or header is parsed from now on, so
    // a server can be strict before a login and roomier after it.
    void setMaxPayloadSize(qint64 bytes) { m_maxPayloadSize = bytes; }
    qint64 maxPayloadSize() const { return m_maxPayloadSize; }
    // At most FrameLimits::MaxHeaderSize (the default).
    void setMaxHeaderSize(qsizetype bytes)
    {
        m_maxHeaderSize = qBound<qsizetype>(1, bytes, FrameLimits::MaxHeaderSize);
    }
    qsizetype maxHeaderSize() const { return m_maxHeaderSize; }

    // Appends bytes. Returns the status after parsing as far as possible.
    // Once Error is reached, further input is ignored.
    Status feed(QByteArrayView bytes);

    // Parses what is buffered: FrameReady if a frame is waiting.
    Status status();

    // Returns the next complete frame; call only when status() is FrameReady.
    Frame takeFrame();

    QString errorString() const { return m_error; }
    bool hasError() const { return !m_error.isEmpty(); }

    // Bytes received but not yet returned in a frame.
    qsizetype bufferedBytes() const { return m_buffer.size() - m_offset; }

    // Removes and returns bytes not yet consumed (used after protocol
    // detection hands the stream to another reader).
    QByteArray takeBuffered();

private:
    Status parse();
    Status fail(const QString &reason);
    void compact();

    QByteArray m_buffer;
    qsizetype m_offset = 0;
    qint64 m_maxPayloadSize;
    qsizetype m_maxHeaderSize = FrameLimits::MaxHeaderSize;
    // Header of the frame whose payload is still arriving.
    std::optional<QJsonObject> m_pendingHeader;
    qint64 m_pendingPayloadSize = 0;
    std::optional<Frame> m_ready;
    QString m_error;
};

} // namespace Tincan
