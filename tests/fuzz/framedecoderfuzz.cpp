// FrameDecoder against a model of the frame (docs/PROTOCOL.md, "The frame").
//
// The model reads the whole input at once, frame by frame, and says where
// each frame starts and ends and where (if anywhere) the stream becomes
// invalid. The decoder is then fed the same bytes in one piece, byte by byte,
// and cut where the input's own bytes say (InputCuts), with frames taken at
// once or left waiting while more bytes arrive. After every read the check
// compares it with the model: the frames returned so far, the bytes it still
// holds, whether it has failed. So every split gives the same frames and the
// same error, no frame exceeds the limits, an error is sticky and leaves
// nothing buffered, and the bytes consumed always add up.
#include "fuzzchecks.h"
#include "inputcuts.h"

#include "net/wire/frame.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QList>
#include <QtEndian>

#include <optional>

namespace Tincan::Fuzz {

namespace {

using Status = FrameDecoder::Status;

const QString TotalSizeKey = QStringLiteral("total_size");
// A tiny payload cap, so that short inputs also reach "payload larger than
// the limit"; the default cap is checked too.
constexpr qint64 SmallPayloadCap = 8;

struct ModelFrame
{
    qsizetype start = 0;     // offset of its length prefix in the input
    qsizetype headerEnd = 0; // offset of its payload
    qsizetype end = 0;       // offset just past it
    QJsonObject header;
    QByteArray payload;
};

struct Model
{
    QList<ModelFrame> frames;
    // What follows the last whole frame.
    qsizetype tailStart = 0;
    // The stream is invalid once this many bytes have arrived.
    std::optional<qsizetype> errorAt;
    // Set when the tail holds a whole valid header whose payload is incomplete.
    std::optional<qsizetype> tailHeaderEnd;
};

Model modelOf(QByteArrayView input, qint64 maxPayload)
{
    Model model;
    const qsizetype size = input.size();
    qsizetype position = 0;
    for (;;) {
        model.tailStart = position;
        if (size - position < FrameLimits::PrefixSize)
            return model;
        const qint32 headerSize = qFromLittleEndian<qint32>(input.data() + position);
        if (headerSize <= 0 || headerSize > FrameLimits::MaxHeaderSize) {
            model.errorAt = position + FrameLimits::PrefixSize;
            return model;
        }
        const qsizetype headerEnd = position + FrameLimits::PrefixSize + headerSize;
        if (size < headerEnd)
            return model;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(
            input.sliced(position + FrameLimits::PrefixSize, headerSize).toByteArray(), &parseError);
        std::optional<qint64> payloadSize;
        if (parseError.error == QJsonParseError::NoError && document.isObject()
            && document.object().contains(TotalSizeKey))
            payloadSize = jsonInteger(document.object(), TotalSizeKey);
        if (!payloadSize || *payloadSize < 0 || *payloadSize > maxPayload) {
            model.errorAt = headerEnd;
            return model;
        }
        if (size - headerEnd < *payloadSize) {
            model.tailHeaderEnd = headerEnd;
            return model;
        }
        const qsizetype end = headerEnd + qsizetype(*payloadSize);
        model.frames.append(
            {position, headerEnd, end, document.object(), input.sliced(headerEnd, *payloadSize).toByteArray()});
        position = end;
    }
}

// One decoder fed one way, checked against the model after every step.
class Run
{
public:
    Run(QByteArrayView input, const Model &model, qint64 maxPayload)
        : m_input(input)
        , m_model(model)
        , m_maxPayload(maxPayload)
        , m_decoder(maxPayload)
    {
    }

    void feed(qsizetype size)
    {
        const Status status = m_decoder.feed(m_input.sliced(m_fed, size));
        m_fed += size;
        TINCAN_FUZZ_CHECK(m_decoder.status() == status, "status() repeats what feed() returned");
        verify(status);
    }

    // Takes every frame that is ready.
    void takeAll()
    {
        while (takeOne()) { }
    }

    bool takeOne()
    {
        if (m_decoder.status() != Status::FrameReady)
            return false;
        const Frame frame = m_decoder.takeFrame();
        TINCAN_FUZZ_CHECK(m_taken < m_model.frames.size(), "no more frames than the stream holds");
        const ModelFrame &expected = m_model.frames.at(m_taken);
        TINCAN_FUZZ_CHECK(expected.end <= m_fed, "a frame is returned only once all its bytes arrived");
        TINCAN_FUZZ_CHECK(frame.header == expected.header, "the header is the one on the wire");
        TINCAN_FUZZ_CHECK(frame.payload == expected.payload, "the payload is the bytes after the header");
        TINCAN_FUZZ_CHECK(frame.payload.size() <= m_maxPayload, "no payload above the cap");
        TINCAN_FUZZ_CHECK(jsonInteger(frame.header, TotalSizeKey) == frame.payload.size(),
                          "the payload has the size the header announced");
        ++m_taken;
        verify(m_decoder.status());
        return true;
    }

    // Everything fed and every frame taken: the final state.
    void finish()
    {
        TINCAN_FUZZ_CHECK(m_fed == m_input.size(), "the whole input was fed");
        takeAll();
        TINCAN_FUZZ_CHECK(m_taken == m_model.frames.size(), "every frame in the stream was returned");
        TINCAN_FUZZ_CHECK(m_decoder.hasError() == m_model.errorAt.has_value(),
                          "an error exactly when the model has one");
        if (m_decoder.hasError()) {
            checkErrorIsSticky();
        } else {
            const qsizetype buffered = m_decoder.bufferedBytes();
            TINCAN_FUZZ_CHECK(m_decoder.takeBuffered() == m_input.last(buffered).toByteArray(),
                              "takeBuffered() returns the bytes not consumed");
            TINCAN_FUZZ_CHECK(m_decoder.bufferedBytes() == 0, "takeBuffered() leaves nothing behind");
        }
    }

    QString errorString() const { return m_decoder.errorString(); }
    qsizetype fed() const { return m_fed; }

private:
    void verify(Status status) const
    {
        const qsizetype buffered = m_decoder.bufferedBytes();
        TINCAN_FUZZ_CHECK(buffered >= 0 && buffered <= m_fed, "buffered bytes are bytes that were fed");
        TINCAN_FUZZ_CHECK((status == Status::Error) == m_decoder.hasError(), "Error status and hasError() agree");
        switch (status) {
        case Status::Error:
            TINCAN_FUZZ_CHECK(!m_decoder.errorString().isEmpty(), "an error says why");
            TINCAN_FUZZ_CHECK(m_model.errorAt && *m_model.errorAt <= m_fed, "no error before the model sees one");
            TINCAN_FUZZ_CHECK(m_taken == m_model.frames.size(), "the frames before an error are all returned first");
            TINCAN_FUZZ_CHECK(buffered == 0, "a failed decoder holds no bytes");
            return;
        case Status::FrameReady: {
            TINCAN_FUZZ_CHECK(m_taken < m_model.frames.size(), "a frame is ready only if the stream holds one");
            const ModelFrame &ready = m_model.frames.at(m_taken);
            TINCAN_FUZZ_CHECK(ready.end <= m_fed, "a frame is ready only once all its bytes arrived");
            TINCAN_FUZZ_CHECK(buffered == m_fed - ready.end, "the ready frame's bytes are consumed, no more");
            return;
        }
        case Status::NeedMore: {
            qsizetype complete = m_taken; // taken frames had all their bytes
            while (complete < m_model.frames.size() && m_model.frames.at(complete).end <= m_fed)
                ++complete;
            TINCAN_FUZZ_CHECK(m_taken == complete, "every frame whose bytes arrived has been returned");
            TINCAN_FUZZ_CHECK(!(complete == m_model.frames.size() && m_model.errorAt && *m_model.errorAt <= m_fed),
                              "invalid bytes are rejected as soon as they arrive");
            // The frame in progress: its prefix and header stay buffered
            // until the header is complete and valid; then only its payload.
            qsizetype start = m_model.tailStart;
            std::optional<qsizetype> headerEnd = m_model.tailHeaderEnd;
            if (complete < m_model.frames.size()) {
                start = m_model.frames.at(complete).start;
                headerEnd = m_model.frames.at(complete).headerEnd;
            }
            const qsizetype consumed = headerEnd && *headerEnd <= m_fed ? *headerEnd : start;
            TINCAN_FUZZ_CHECK(buffered == m_fed - consumed, "consumed and buffered bytes add up to what was fed");
            return;
        }
        }
        TINCAN_FUZZ_CHECK(false, "a known status");
    }

    void checkErrorIsSticky()
    {
        const QString error = m_decoder.errorString();
        const QByteArray validFrame = encodeFrame(QJsonObject(), "after the error");
        TINCAN_FUZZ_CHECK(m_decoder.feed(validFrame) == Status::Error, "after an error, input is ignored");
        TINCAN_FUZZ_CHECK(m_decoder.status() == Status::Error, "the error stays");
        TINCAN_FUZZ_CHECK(m_decoder.errorString() == error, "the reason stays");
        TINCAN_FUZZ_CHECK(m_decoder.bufferedBytes() == 0, "nothing is buffered after an error");
        TINCAN_FUZZ_CHECK(m_decoder.takeBuffered().isEmpty(), "nothing to hand on after an error");
    }

    QByteArrayView m_input;
    const Model &m_model;
    qint64 m_maxPayload;
    FrameDecoder m_decoder;
    qsizetype m_fed = 0;
    qsizetype m_taken = 0;
};

enum class Bytewise {
    No,
    Yes,
};

FrameOutcome checkWithCap(QByteArrayView input, qint64 maxPayload, Bytewise bytewiseToo)
{
    const Model model = modelOf(input, maxPayload);
    const qsizetype size = input.size();

    Run whole(input, model, maxPayload);
    whole.feed(size);
    whole.finish();

    if (bytewiseToo == Bytewise::Yes) {
        Run bytewise(input, model, maxPayload);
        while (bytewise.fed() < size) {
            bytewise.feed(1);
            bytewise.takeAll();
        }
        bytewise.finish();
        TINCAN_FUZZ_CHECK(bytewise.errorString() == whole.errorString(), "byte by byte gives the same error");
    }

    // Cuts chosen by the input; frames are sometimes left waiting while more
    // bytes arrive (a reader that takes one frame per event).
    Run cut(input, model, maxPayload);
    InputCuts cuts(input);
    while (cut.fed() < size) {
        cut.feed(cuts.next(size - cut.fed()));
        if (cuts.lastFlag())
            cut.takeOne();
        else
            cut.takeAll();
    }
    cut.finish();
    TINCAN_FUZZ_CHECK(cut.errorString() == whole.errorString(), "any cut gives the same error");

    if (model.errorAt)
        return FrameOutcome::Error;
    return model.tailStart == size ? FrameOutcome::Complete : FrameOutcome::Partial;
}

} // namespace

FrameOutcome checkFrameDecoder(QByteArrayView input)
{
    // Byte by byte is the slowest way, and the cap does not change how the
    // bytes are split: once is enough.
    checkWithCap(input, SmallPayloadCap, Bytewise::No);
    return checkWithCap(input, FrameLimits::DefaultMaxPayloadSize, Bytewise::Yes);
}

} // namespace Tincan::Fuzz
