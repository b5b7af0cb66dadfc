// FrameDecoder and encodeFrame: round trips, every way a stream can be cut,
// and every malformed or hostile header the wire description rules out.
#include "net/wire/frame.h"
#include "nettesthelpers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>

#include <limits>

using namespace Tincan;
using Tincan::Test::rawFrame;

namespace {

using Status = FrameDecoder::Status;

struct Decoded
{
    QList<Frame> frames;
    Status status = Status::NeedMore;
    QString error;
    qsizetype buffered = 0;
};

// Feeds the pieces in order, taking every frame as soon as it is ready.
Decoded decodePieces(const QList<QByteArrayView> &pieces, qint64 maxPayload = FrameLimits::DefaultMaxPayloadSize)
{
    FrameDecoder decoder(maxPayload);
    Decoded result;
    for (QByteArrayView piece : pieces) {
        Status status = decoder.feed(piece);
        while (status == Status::FrameReady) {
            result.frames.append(decoder.takeFrame());
            status = decoder.status();
        }
        result.status = status;
        if (status == Status::Error)
            break;
    }
    result.error = decoder.errorString();
    result.buffered = decoder.bufferedBytes();
    return result;
}

Decoded decode(QByteArrayView bytes, qint64 maxPayload = FrameLimits::DefaultMaxPayloadSize)
{
    return decodePieces({bytes}, maxPayload);
}

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray pattern(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char((i * 31 + i / 251) & 0xff);
    return bytes;
}

QByteArray allByteValues()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes.append(char(i));
    return bytes;
}

// A stream of several frames of different shapes, and the frames it holds.
struct Stream
{
    QByteArray bytes;
    QList<Frame> frames;
};

Stream mixedStream()
{
    const QList<std::pair<QJsonObject, QByteArray>> parts = {
        {{{QStringLiteral("type"), QStringLiteral("ping")}}, QByteArray()},
        {{{QStringLiteral("type"), QStringLiteral("output")}, {QStringLiteral("id"), 1}}, allByteValues()},
        {{{QStringLiteral("message"), QStringLiteral("你好, wörld ✓")}}, QByteArray(300, '\0')},
        {{{QStringLiteral("type"), QStringLiteral("exit")}, {QStringLiteral("exit_code"), QJsonValue()}},
         QByteArrayLiteral("tail")},
        {{}, QByteArray()},
    };
    Stream stream;
    for (const auto &[header, payload] : parts) {
        stream.bytes += encodeFrame(header, payload);
        QJsonObject expected = header;
        expected.insert(QStringLiteral("total_size"), qint64(payload.size()));
        stream.frames.append({expected, payload});
    }
    return stream;
}

} // namespace

class TestFrameDecoder : public QObject
{
    Q_OBJECT

private:
    static void compareFrames(const QList<Frame> &actual, const QList<Frame> &expected)
    {
        QCOMPARE(actual.size(), expected.size());
        for (qsizetype i = 0; i < actual.size(); ++i) {
            QCOMPARE(compactJson(actual.at(i).header), compactJson(expected.at(i).header));
            QCOMPARE(actual.at(i).payload, expected.at(i).payload);
        }
    }

private Q_SLOTS:
    void wireBytes()
    {
        // The exact bytes of the description: LE length, compact JSON, payload.
        const QByteArray json = R"({"total_size":3,"type":"output"})";
        QByteArray expected(4, '\0');
        qToLittleEndian<qint32>(qint32(json.size()), expected.data());
        expected += json + "abc";
        QCOMPARE(encodeFrame({{QStringLiteral("type"), QStringLiteral("output")}}, "abc"), expected);
        QCOMPARE(expected.at(0), char(json.size()));
        QCOMPARE(expected.at(3), '\0');
    }

    void encodeOverwritesTotalSize()
    {
        const Decoded decoded = decode(encodeFrame({{QStringLiteral("total_size"), 99}}, "abc"));
        QCOMPARE(decoded.frames.size(), 1);
        QCOMPARE(jsonInteger(decoded.frames.at(0).header, QLatin1StringView("total_size")), std::optional<qint64>(3));
    }

    void roundTrip_data()
    {
        QTest::addColumn<QJsonObject>("header");
        QTest::addColumn<QByteArray>("payload");

        QTest::newRow("empty payload") << QJsonObject{{QStringLiteral("type"), QStringLiteral("ping")}} << QByteArray();
        QTest::newRow("no other keys") << QJsonObject() << QByteArray();
        QTest::newRow("small") << QJsonObject{{QStringLiteral("type"), QStringLiteral("output")},
                                              {QStringLiteral("id"), 7},
                                              {QStringLiteral("stream"), QStringLiteral("stdout")}}
                               << QByteArrayLiteral("hello\n");
        QTest::newRow("binary with NULs") << QJsonObject{{QStringLiteral("id"), QStringLiteral("b")}}
                                          << QByteArray("\0\0x\0\xff\0", 6) + allByteValues();
        QTest::newRow("1 MiB") << QJsonObject{{QStringLiteral("type"), QStringLiteral("output")}}
                               << pattern(1024 * 1024);
        QTest::newRow("unicode header values")
            << QJsonObject{{QStringLiteral("message"), QStringLiteral("你好，世界 — grüße ✓ 🚀")},
                           {QStringLiteral("clé"), QStringLiteral("värde")},
                           {QStringLiteral("filename"), QStringLiteral("报告.txt")}}
            << QByteArray("\xe4\xbd\xa0\xe5\xa5\xbd");
        QTest::newRow("nested and null values") << QJsonObject{
            {QStringLiteral("filename"), QJsonValue()},
            {QStringLiteral("list"), QJsonArray{1, QStringLiteral("two"), QJsonObject{{QStringLiteral("x"), true}}}},
            {QStringLiteral("exit_code"), -1}} << QByteArrayLiteral("x");
    }

    void roundTrip()
    {
        QFETCH(QJsonObject, header);
        QFETCH(QByteArray, payload);

        const QByteArray bytes = encodeFrame(header, payload);
        QJsonObject expectedHeader = header;
        expectedHeader.insert(QStringLiteral("total_size"), qint64(payload.size()));
        const qint32 headerLength = qFromLittleEndian<qint32>(bytes.constData());
        QCOMPARE(bytes.size(), 4 + headerLength + payload.size());

        const Decoded whole = decode(bytes);
        QCOMPARE(whole.status, Status::NeedMore);
        QVERIFY2(whole.error.isEmpty(), qPrintable(whole.error));
        QCOMPARE(whole.buffered, 0);
        compareFrames(whole.frames, {{expectedHeader, payload}});

        // Header and payload arriving separately (the large-payload path).
        const Decoded split = decodePieces(
            {QByteArrayView(bytes).first(4 + headerLength), QByteArrayView(bytes).sliced(4 + headerLength)});
        compareFrames(split.frames, {{expectedHeader, payload}});
    }

    void everySplitPointGivesTheSameFrames()
    {
        const Stream stream = mixedStream();
        const QByteArrayView bytes(stream.bytes);
        for (qsizetype cut = 0; cut <= bytes.size(); ++cut) {
            const Decoded decoded = decodePieces({bytes.first(cut), bytes.sliced(cut)});
            compareFrames(decoded.frames, stream.frames);
            if (QTest::currentTestFailed())
                QFAIL(qPrintable(QStringLiteral("split at byte %1 of %2").arg(cut).arg(bytes.size())));
            QCOMPARE(decoded.status, Status::NeedMore);
            QCOMPARE(decoded.buffered, 0);
        }
    }

    void everyPairOfSplitPoints()
    {
        // Three pieces: cuts inside the prefix, header and payload all at once.
        const QByteArray bytes
            = encodeFrame({{QStringLiteral("id"), QStringLiteral("x")}}, "payload") + encodeFrame({}, "z");
        const QByteArrayView view(bytes);
        for (qsizetype a = 0; a <= view.size(); ++a) {
            for (qsizetype b = a; b <= view.size(); ++b) {
                const Decoded decoded = decodePieces({view.first(a), view.sliced(a, b - a), view.sliced(b)});
                QCOMPARE(decoded.frames.size(), 2);
                QCOMPARE(decoded.frames.at(0).payload, QByteArrayLiteral("payload"));
                QCOMPARE(decoded.frames.at(1).payload, QByteArrayLiteral("z"));
            }
        }
    }

    void byteByByte()
    {
        const Stream stream = mixedStream();
        QList<QByteArrayView> pieces;
        for (qsizetype i = 0; i < stream.bytes.size(); ++i)
            pieces.append(QByteArrayView(stream.bytes).sliced(i, 1));
        const Decoded decoded = decodePieces(pieces);
        compareFrames(decoded.frames, stream.frames);
        QCOMPARE(decoded.buffered, 0);
    }

    void randomChunksOfLargeFrames()
    {
        // Large payloads cut at random places (fixed seed: reproducible).
        QByteArray bytes;
        QList<QByteArray> payloads;
        for (int i = 0; i < 6; ++i) {
            payloads.append(pattern(300 * 1024 + i * 4099));
            bytes += encodeFrame({{QStringLiteral("n"), i}}, payloads.last());
        }
        QRandomGenerator random(20240601);
        for (int round = 0; round < 20; ++round) {
            QList<QByteArrayView> pieces;
            for (qsizetype at = 0; at < bytes.size();) {
                const qsizetype length = qMin<qsizetype>(bytes.size() - at, random.bounded(1, 200 * 1024));
                pieces.append(QByteArrayView(bytes).sliced(at, length));
                at += length;
            }
            const Decoded decoded = decodePieces(pieces);
            QCOMPARE(decoded.frames.size(), payloads.size());
            for (qsizetype i = 0; i < payloads.size(); ++i) {
                QCOMPARE(jsonInteger(decoded.frames.at(i).header, QLatin1StringView("n")), std::optional<qint64>(i));
                QVERIFY(decoded.frames.at(i).payload == payloads.at(i));
            }
        }
    }

    void manyFramesInOneFeed()
    {
        constexpr int Count = 20000;
        QByteArray bytes;
        for (int i = 0; i < Count; ++i)
            bytes += encodeFrame({{QStringLiteral("n"), i}}, QByteArray::number(i));
        FrameDecoder decoder;
        QCOMPARE(decoder.feed(bytes), Status::FrameReady);
        int n = 0;
        while (decoder.status() == Status::FrameReady) {
            const Frame frame = decoder.takeFrame();
            QCOMPARE(jsonInteger(frame.header, QLatin1StringView("n")), std::optional<qint64>(n));
            QCOMPARE(frame.payload, QByteArray::number(n));
            ++n;
        }
        QCOMPARE(n, Count);
        QCOMPARE(decoder.status(), Status::NeedMore);
        QCOMPARE(decoder.bufferedBytes(), 0);
    }

    void feedingAgainBeforeTakingKeepsOrder()
    {
        FrameDecoder decoder;
        QCOMPARE(decoder.feed(encodeFrame({}, "one")), Status::FrameReady);
        QCOMPARE(decoder.feed(encodeFrame({}, "two")), Status::FrameReady);
        QCOMPARE(decoder.status(), Status::FrameReady); // asking again changes nothing
        QCOMPARE(decoder.takeFrame().payload, QByteArrayLiteral("one"));
        QCOMPARE(decoder.status(), Status::FrameReady);
        QCOMPARE(decoder.takeFrame().payload, QByteArrayLiteral("two"));
        QCOMPARE(decoder.status(), Status::NeedMore);
    }

    void pythonStyleHeader_data()
    {
        QTest::addColumn<QByteArray>("json");
        // What the socket tutorial's json.dumps() writes, separators and all.
        QTest::newRow("json.dumps") << QByteArray(R"({"filename": null, "hash": null, "total_size": 6})");
        QTest::newRow("with exit_code") << QByteArray(
            R"({"filename": null, "hash": null, "total_size": 6, "exit_code": 0})");
        QTest::newRow("indented") << QByteArray(
            "{\n  \"filename\": null,\n  \"hash\": null,\n  \"total_size\": 6\n}\n");
        QTest::newRow("total_size as 6.0") << QByteArray(R"({"filename": null, "hash": null, "total_size": 6.0})");
    }

    void pythonStyleHeader()
    {
        QFETCH(QByteArray, json);
        const Decoded decoded = decode(rawFrame(json, "hello\n"));
        QVERIFY2(decoded.error.isEmpty(), qPrintable(decoded.error));
        QCOMPARE(decoded.frames.size(), 1);
        const Frame &frame = decoded.frames.at(0);
        QVERIFY(frame.header.value(QStringLiteral("filename")).isNull());
        QVERIFY(frame.header.value(QStringLiteral("hash")).isNull());
        QCOMPARE(frame.payload, QByteArrayLiteral("hello\n"));
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<qint64>("maxPayload");
        QTest::addColumn<QString>("mentions"); // a word the error must contain

        const qint64 cap = FrameLimits::DefaultMaxPayloadSize;
        const auto prefixOnly = [](qint32 length) { return rawFrame(length, {}); };
        const auto header = [](const char *json) { return rawFrame(QByteArray(json)); };

        // The length prefix.
        QTest::newRow("length 0") << rawFrame(0, "{}") << cap << QStringLiteral("positive");
        QTest::newRow("length -1") << prefixOnly(-1) << cap << QStringLiteral("positive");
        QTest::newRow("length INT_MIN") << prefixOnly(std::numeric_limits<qint32>::min()) << cap
                                        << QStringLiteral("positive");
        QTest::newRow("length 65537") << prefixOnly(65537) << cap << QStringLiteral("65536");
        QTest::newRow("length INT_MAX") << prefixOnly(std::numeric_limits<qint32>::max()) << cap
                                        << QStringLiteral("limit");
        // The header text.
        QTest::newRow("not JSON") << header("{not json}") << cap << QStringLiteral("JSON");
        QTest::newRow("truncated JSON") << header(R"({"total_size":)") << cap << QStringLiteral("JSON");
        QTest::newRow("garbage after JSON") << header(R"({"total_size":0}xx)") << cap << QStringLiteral("JSON");
        QTest::newRow("invalid UTF-8") << header("{\"a\":\"\xff\xfe\",\"total_size\":0}") << cap
                                       << QStringLiteral("JSON");
        QTest::newRow("blank") << header("   ") << cap << QStringLiteral("JSON");
        QTest::newRow("NUL bytes") << rawFrame(QByteArray(8, '\0')) << cap << QStringLiteral("JSON");
        QTest::newRow("number too large for a double")
            << header(R"({"total_size":1e400})") << cap << QStringLiteral("JSON");
        QTest::newRow("NaN literal") << header(R"({"total_size":NaN})") << cap << QStringLiteral("JSON");
        // Not an object.
        QTest::newRow("array") << header(R"([{"total_size":0}])") << cap << QStringLiteral("object");
        QTest::newRow("top-level string")
            << header(R"("total_size")") << cap << QStringLiteral("must be a JSON object");
        QTest::newRow("top-level number") << header("0") << cap << QStringLiteral("must be a JSON object");
        QTest::newRow("top-level null") << header("null") << cap << QStringLiteral("must be a JSON object");
        QTest::newRow("two scalars") << header("1,2") << cap << QStringLiteral("not valid JSON");
        QTest::newRow("top-level true") << header(" true ") << cap << QStringLiteral("must be a JSON object");
        // total_size.
        QTest::newRow("missing total_size") << header(R"({"type":"exec"})") << cap << QStringLiteral("total_size");
        QTest::newRow("total_size with other case")
            << header(R"({"Total_Size":0})") << cap << QStringLiteral("total_size");
        QTest::newRow("negative") << header(R"({"total_size":-1})") << cap << QStringLiteral("total_size");
        QTest::newRow("total_size string") << header(R"({"total_size":"6"})") << cap << QStringLiteral("total_size");
        QTest::newRow("boolean") << header(R"({"total_size":true})") << cap << QStringLiteral("total_size");
        QTest::newRow("null total_size") << header(R"({"total_size":null})") << cap << QStringLiteral("total_size");
        QTest::newRow("array total_size") << header(R"({"total_size":[6]})") << cap << QStringLiteral("total_size");
        QTest::newRow("fractional") << header(R"({"total_size":1.5})") << cap << QStringLiteral("total_size");
        QTest::newRow("fractional exponent")
            << header(R"({"total_size":25e-1})") << cap << QStringLiteral("total_size");
        QTest::newRow("2^53+1 (not exact in a double)")
            << header(R"({"total_size":9007199254740993})") << cap << QStringLiteral("total_size");
        QTest::newRow("int64 max") << header(R"({"total_size":9223372036854775807})") << cap
                                   << QStringLiteral("total_size");
        QTest::newRow("beyond int64") << header(R"({"total_size":99999999999999999999999})") << cap
                                      << QStringLiteral("total_size");
        QTest::newRow("1e300") << header(R"({"total_size":1e300})") << cap << QStringLiteral("total_size");
        // The payload cap.
        QTest::newRow("huge but exact (2^50)")
            << header(R"({"total_size":1125899906842624})") << cap << QStringLiteral("limit");
        QTest::newRow("default cap + 1") << rawFrame(
            QByteArray(QByteArray(R"({"total_size":)") + QByteArray::number(cap + 1) + '}'))
                                         << cap << QStringLiteral("limit");
        QTest::newRow("small cap + 1") << header(R"({"total_size":1001})") << qint64(1000) << QStringLiteral("1000");
    }

    void badInput()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(qint64, maxPayload);
        QFETCH(QString, mentions);

        FrameDecoder decoder(maxPayload);
        QCOMPARE(decoder.feed(bytes), Status::Error);
        QVERIFY(decoder.hasError());
        QVERIFY(!decoder.errorString().isEmpty());
        QVERIFY2(decoder.errorString().contains(mentions), qPrintable(decoder.errorString()));
        // Nothing is kept (and so nothing large was allocated).
        QCOMPARE(decoder.bufferedBytes(), 0);
        QCOMPARE(decoder.status(), Status::Error);

        // Documented: once broken, the stream stays broken (the connection
        // closes); a valid frame after the error is ignored.
        const QString error = decoder.errorString();
        QCOMPARE(decoder.feed(encodeFrame({}, "valid")), Status::Error);
        QCOMPARE(decoder.status(), Status::Error);
        QCOMPARE(decoder.errorString(), error);
        QCOMPARE(decoder.bufferedBytes(), 0);

        // Fed byte by byte, the same bytes are refused just the same.
        FrameDecoder slow(maxPayload);
        Status status = Status::NeedMore;
        for (qsizetype i = 0; i < bytes.size() && status != Status::Error; ++i)
            status = slow.feed(QByteArrayView(bytes).sliced(i, 1));
        QCOMPARE(status, Status::Error);
        QCOMPARE(slow.errorString(), error);
    }

    void errorAfterValidFrames()
    {
        // Frames before the damage are still delivered; then the error.
        FrameDecoder decoder;
        QCOMPARE(decoder.feed(QByteArray(encodeFrame({}, "first") + rawFrame(-5, {}))), Status::FrameReady);
        QCOMPARE(decoder.takeFrame().payload, QByteArrayLiteral("first"));
        QCOMPARE(decoder.status(), Status::Error);
        QVERIFY(!decoder.errorString().isEmpty());
    }

    void hugeClaimAllocatesNothing()
    {
        // A header within the limits that promises the largest payload: the
        // decoder holds only what has really arrived.
        FrameDecoder decoder;
        const QByteArray json
            = QByteArray(R"({"total_size":)") + QByteArray::number(FrameLimits::DefaultMaxPayloadSize) + '}';
        const QByteArray head = rawFrame(json);
        QCOMPARE(decoder.feed(head), Status::NeedMore);
        QCOMPARE(decoder.bufferedBytes(), 0);
        QCOMPARE(decoder.feed("0123456789"), Status::NeedMore);
        QCOMPARE(decoder.bufferedBytes(), 10);

        // A length prefix promising a 64 KiB header: nothing waits for it.
        FrameDecoder prefixOnly;
        QCOMPARE(prefixOnly.feed(rawFrame(qint32(FrameLimits::MaxHeaderSize), "{")), Status::NeedMore);
        QCOMPARE(prefixOnly.bufferedBytes(), 5);
    }

    void largestHeaderAccepted()
    {
        // Exactly MaxHeaderSize bytes of header is allowed.
        QByteArray json = "{\"total_size\":0,\"pad\":\"";
        json += QByteArray(FrameLimits::MaxHeaderSize - json.size() - 2, 'p');
        json += "\"}";
        QCOMPARE(json.size(), FrameLimits::MaxHeaderSize);
        const Decoded decoded = decode(rawFrame(json));
        QVERIFY2(decoded.error.isEmpty(), qPrintable(decoded.error));
        QCOMPARE(decoded.frames.size(), 1);
    }

    void headerLimitCanBeLowered_data()
    {
        QTest::addColumn<int>("limit");
        QTest::addColumn<int>("headerSize");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("at a 4 KiB limit") << 4096 << 4096 << true;
        QTest::newRow("one over a 4 KiB limit") << 4096 << 4097 << false;
        QTest::newRow("far under") << 4096 << 30 << true;
        // A limit above the absolute one is clamped to it.
        QTest::newRow("clamped to 64 KiB") << 1000000 << int(FrameLimits::MaxHeaderSize) + 1 << false;
    }

    void headerLimitCanBeLowered()
    {
        QFETCH(int, limit);
        QFETCH(int, headerSize);
        QFETCH(bool, accepted);
        QByteArray json = "{\"total_size\":0,\"pad\":\"";
        json += QByteArray(headerSize - json.size() - 2, 'p');
        json += "\"}";
        QCOMPARE(json.size(), headerSize);
        FrameDecoder decoder;
        decoder.setMaxHeaderSize(limit);
        QVERIFY(decoder.maxHeaderSize() <= FrameLimits::MaxHeaderSize);
        const Status status = decoder.feed(rawFrame(json));
        QCOMPARE(status, accepted ? Status::FrameReady : Status::Error);
        if (!accepted) {
            QVERIFY(decoder.errorString().contains(QString::number(decoder.maxHeaderSize())));
            return;
        }
        // Raising the limit afterwards applies to the next frame.
        decoder.takeFrame();
        decoder.setMaxHeaderSize(FrameLimits::MaxHeaderSize);
        json = "{\"total_size\":0,\"pad\":\"" + QByteArray(limit, 'q') + "\"}";
        QCOMPARE(decoder.feed(rawFrame(json)), Status::FrameReady);
    }

    void payloadAtTheCapAccepted()
    {
        const Decoded decoded = decode(encodeFrame({}, QByteArray(1000, 'x')), 1000);
        QVERIFY2(decoded.error.isEmpty(), qPrintable(decoded.error));
        QCOMPARE(decoded.frames.size(), 1);
        QCOMPARE(decoded.frames.at(0).payload.size(), 1000);
    }

    void takeBuffered()
    {
        FrameDecoder decoder;
        // Three bytes: too few for a length prefix, so they stay unparsed.
        QCOMPARE(decoder.feed(QByteArray(encodeFrame({}, "a") + "ls\n")), Status::FrameReady);
        QCOMPARE(decoder.takeFrame().payload, QByteArrayLiteral("a"));
        QCOMPARE(decoder.status(), Status::NeedMore);
        QCOMPARE(decoder.bufferedBytes(), 3);
        QCOMPARE(decoder.takeBuffered(), QByteArrayLiteral("ls\n"));
        QCOMPARE(decoder.bufferedBytes(), 0);
        QCOMPARE(decoder.takeBuffered(), QByteArray());
    }

    void jsonIntegerEdgeCases_data()
    {
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<qint64>("expected");

        const qint64 max = FrameLimits::MaxJsonInteger;
        QTest::newRow("0") << QJsonValue(0) << true << qint64(0);
        QTest::newRow("-0.0") << QJsonValue(-0.0) << true << qint64(0);
        QTest::newRow("1") << QJsonValue(1) << true << qint64(1);
        QTest::newRow("-42") << QJsonValue(-42) << true << qint64(-42);
        QTest::newRow("7.0") << QJsonValue(7.0) << true << qint64(7);
        QTest::newRow("2^53 as int") << QJsonValue(max) << true << max;
        QTest::newRow("2^53 as double") << QJsonValue(double(max)) << true << max;
        QTest::newRow("-2^53") << QJsonValue(-max) << true << -max;
        QTest::newRow("2^53+1 as int") << QJsonValue(max + 1) << false << qint64(0);
        QTest::newRow("-2^53-1 as int") << QJsonValue(-max - 1) << false << qint64(0);
        QTest::newRow("2^53+2 as double") << QJsonValue(double(max) + 2) << false << qint64(0);
        QTest::newRow("int64 max") << QJsonValue(std::numeric_limits<qint64>::max()) << false << qint64(0);
        QTest::newRow("int64 min") << QJsonValue(std::numeric_limits<qint64>::min()) << false << qint64(0);
        QTest::newRow("0.5") << QJsonValue(0.5) << false << qint64(0);
        QTest::newRow("-1.25") << QJsonValue(-1.25) << false << qint64(0);
        QTest::newRow("1e300") << QJsonValue(1e300) << false << qint64(0);
        QTest::newRow("NaN") << QJsonValue(std::numeric_limits<double>::quiet_NaN()) << false << qint64(0);
        QTest::newRow("+inf") << QJsonValue(std::numeric_limits<double>::infinity()) << false << qint64(0);
        QTest::newRow("-inf") << QJsonValue(-std::numeric_limits<double>::infinity()) << false << qint64(0);
        QTest::newRow("string") << QJsonValue(QStringLiteral("1")) << false << qint64(0);
        QTest::newRow("bool") << QJsonValue(true) << false << qint64(0);
        QTest::newRow("null") << QJsonValue() << false << qint64(0);
        QTest::newRow("undefined") << QJsonValue(QJsonValue::Undefined) << false << qint64(0);
        QTest::newRow("array") << QJsonValue(QJsonArray{1}) << false << qint64(0);
        QTest::newRow("object") << QJsonValue(QJsonObject{{QStringLiteral("v"), 1}}) << false << qint64(0);
    }

    void jsonIntegerEdgeCases()
    {
        QFETCH(QJsonValue, value);
        QFETCH(bool, valid);
        QFETCH(qint64, expected);
        const std::optional<qint64> result = jsonInteger(value);
        QCOMPARE(result.has_value(), valid);
        if (valid)
            QCOMPARE(*result, expected);
    }

    void jsonIntegerFromParsedText_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<qint64>("expected");

        QTest::newRow("1e3") << QByteArray(R"({"v":1e3})") << true << qint64(1000);
        QTest::newRow("-0") << QByteArray(R"({"v":-0})") << true << qint64(0);
        QTest::newRow("2^53") << QByteArray(R"({"v":9007199254740992})") << true << qint64(9007199254740992);
        // The parser keeps this exactly; a double would round it to 2^53.
        QTest::newRow("2^53+1") << QByteArray(R"({"v":9007199254740993})") << false << qint64(0);
        QTest::newRow("1.000001") << QByteArray(R"({"v":1.000001})") << false << qint64(0);
    }

    void jsonIntegerFromParsedText()
    {
        QFETCH(QByteArray, json);
        QFETCH(bool, valid);
        QFETCH(qint64, expected);
        const QJsonObject object = QJsonDocument::fromJson(json).object();
        QVERIFY(object.contains(QStringLiteral("v")));
        const std::optional<qint64> byLatin1 = jsonInteger(object, QLatin1StringView("v"));
        const std::optional<qint64> byString = jsonInteger(object, QStringView(u"v"));
        QCOMPARE(byLatin1, byString);
        QCOMPARE(byLatin1.has_value(), valid);
        if (valid)
            QCOMPARE(*byLatin1, expected);
        QVERIFY(!jsonInteger(object, QLatin1StringView("missing")).has_value());
    }
};

QTEST_GUILESS_MAIN(TestFrameDecoder)
#include "tst_framedecoder.moc"
