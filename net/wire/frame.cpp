#include "net/wire/frame.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QtEndian>

#include <cmath>

namespace Tincan {

namespace {
// Consumed bytes are dropped from the front of the buffer only once they are
// both large and the larger part, so a stream of small frames costs O(n).
constexpr qsizetype CompactThreshold = 256 * 1024;
const QString TotalSizeKey = QStringLiteral("total_size");

// Whether `json` is one JSON number, string, true, false or null: it parses
// once wrapped in an array (an object or array would have parsed alone).
bool isJsonScalar(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument wrapped = QJsonDocument::fromJson('[' + json + ']', &error);
    return error.error == QJsonParseError::NoError && wrapped.array().size() == 1;
}
} // namespace

QByteArray encodeFrame(QJsonObject header, QByteArrayView payload)
{
    header.insert(TotalSizeKey, qint64(payload.size()));
    const QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    QByteArray frame;
    frame.reserve(FrameLimits::PrefixSize + json.size() + payload.size());
    char prefix[FrameLimits::PrefixSize];
    qToLittleEndian<qint32>(qint32(json.size()), prefix);
    frame.append(prefix, FrameLimits::PrefixSize);
    frame.append(json);
    frame.append(payload.data(), payload.size());
    return frame;
}

std::optional<qint64> jsonInteger(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > double(FrameLimits::MaxJsonInteger))
        return std::nullopt;
    // The parser keeps integers exactly; toDouble() may have rounded one
    // just beyond the limit (2^53 + 1) onto it.
    const qint64 integer = value.toInteger();
    if (integer > FrameLimits::MaxJsonInteger || integer < -FrameLimits::MaxJsonInteger)
        return std::nullopt;
    return integer;
}

FrameDecoder::FrameDecoder(qint64 maxPayloadSize)
    : m_maxPayloadSize(maxPayloadSize)
{
}

FrameDecoder::Status FrameDecoder::feed(QByteArrayView bytes)
{
    if (hasError())
        return Status::Error;
    m_buffer.append(bytes.data(), bytes.size());
    return parse();
}

FrameDecoder::Status FrameDecoder::status()
{
    if (hasError())
        return Status::Error;
    return parse();
}

Frame FrameDecoder::takeFrame()
{
    Q_ASSERT(m_ready);
    Frame frame = std::move(*m_ready);
    m_ready.reset();
    return frame;
}

QByteArray FrameDecoder::takeBuffered()
{
    QByteArray rest = m_buffer.mid(m_offset);
    m_buffer.clear();
    m_offset = 0;
    return rest;
}

FrameDecoder::Status FrameDecoder::fail(const QString &reason)
{
    m_error = reason;
    m_buffer.clear();
    m_offset = 0;
    m_pendingHeader.reset();
    m_ready.reset();
    return Status::Error;
}

void FrameDecoder::compact()
{
    if (m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    } else if (m_offset > CompactThreshold && m_offset * 2 > m_buffer.size()) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
}

FrameDecoder::Status FrameDecoder::parse()
{
    if (m_ready)
        return Status::FrameReady;

    if (!m_pendingHeader) {
        if (bufferedBytes() < FrameLimits::PrefixSize)
            return Status::NeedMore;
        const qint32 headerSize = qFromLittleEndian<qint32>(m_buffer.constData() + m_offset);
        if (headerSize <= 0)
            return fail(tr("Invalid frame: the header length is %1; it must be positive.").arg(headerSize));
        if (headerSize > m_maxHeaderSize)
            return fail(tr("Invalid frame: a header of %1 bytes is larger than the limit of %2 bytes.")
                            .arg(headerSize)
                            .arg(m_maxHeaderSize));
        if (bufferedBytes() < FrameLimits::PrefixSize + headerSize)
            return Status::NeedMore;

        const QByteArray json = m_buffer.mid(m_offset + FrameLimits::PrefixSize, headerSize);
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
        // Qt refuses a scalar at the top (`7`, `"x"`) as invalid JSON; it is
        // valid JSON, only not an object, so say that.
        if (parseError.error != QJsonParseError::NoError && isJsonScalar(json))
            return fail(tr("Invalid frame: the header must be a JSON object."));
        if (parseError.error != QJsonParseError::NoError)
            return fail(tr("Invalid frame: the header is not valid JSON (%1 at byte %2).")
                            .arg(parseError.errorString())
                            .arg(parseError.offset));
        if (!document.isObject())
            return fail(tr("Invalid frame: the header must be a JSON object."));
        const QJsonObject header = document.object();
        if (!header.contains(TotalSizeKey))
            return fail(tr("Invalid frame: the header has no \"total_size\"."));
        const std::optional<qint64> totalSize = jsonInteger(header, TotalSizeKey);
        if (!totalSize || *totalSize < 0)
            return fail(tr("Invalid frame: \"total_size\" must be a non-negative integer."));
        if (*totalSize > m_maxPayloadSize)
            return fail(tr("Invalid frame: a payload of %1 bytes is larger than the limit of %2 bytes.")
                            .arg(*totalSize)
                            .arg(m_maxPayloadSize));

        m_offset += FrameLimits::PrefixSize + headerSize;
        m_pendingHeader = header;
        m_pendingPayloadSize = *totalSize;
    }

    if (bufferedBytes() < m_pendingPayloadSize) {
        compact();
        return Status::NeedMore;
    }

    Frame frame;
    frame.header = std::move(*m_pendingHeader);
    m_pendingHeader.reset();
    if (m_offset == 0 && m_buffer.size() == m_pendingPayloadSize) {
        frame.payload = std::move(m_buffer); // the common large-payload case: no copy
        m_buffer = QByteArray();
        m_offset = 0;
    } else {
        frame.payload = m_buffer.mid(m_offset, m_pendingPayloadSize);
        m_offset += m_pendingPayloadSize;
        compact();
    }
    m_ready = std::move(frame);
    return Status::FrameReady;
}

} // namespace Tincan
