// The chat datagram codec: [0x00][version 1][CBOR map] for Tincan, anything
// else is classic bare UTF-8. Pure functions, so every malformed input is fed
// directly.
#include "net/chat/chatenvelope.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QRandomGenerator>
#include <QTest>

using namespace Tincan::Chat;

namespace {

const QUuid SenderId = QUuid::fromString(QStringLiteral("{6f1c0c3e-4a53-4f1e-9a0b-2f4d5c6e7a81}"));
const QUuid MessageId = QUuid::fromString(QStringLiteral("{0b9d2a47-88c1-4c3b-b5e2-9d1f0a3c4e56}"));
constexpr qint64 SomeTime = 1700000000123;

QByteArray withHeader(const QByteArray &cbor, char version = char(EnvelopeVersion))
{
    QByteArray datagram;
    datagram.append(Marker);
    datagram.append(version);
    datagram.append(cbor);
    return datagram;
}

// A valid message map, as the wire description spells it, for the bad-input rows to spoil.
QCborMap validMessageMap()
{
    QCborMap map;
    map.insert(QStringLiteral("type"), QStringLiteral("msg"));
    map.insert(QStringLiteral("from"), SenderId.toRfc4122());
    map.insert(QStringLiteral("name"), QStringLiteral("TOM"));
    map.insert(QStringLiteral("id"), MessageId.toRfc4122());
    map.insert(QStringLiteral("text"), QStringLiteral("hello"));
    map.insert(QStringLiteral("ts"), SomeTime);
    return map;
}

QByteArray encodedMap(const QCborMap &map)
{
    return withHeader(map.toCborValue().toCbor());
}

QCborMap with(const QString &key, const QCborValue &value, QCborMap map = validMessageMap())
{
    map.insert(key, value);
    return map;
}

QCborMap without(const QString &key, QCborMap map = validMessageMap())
{
    map.remove(key);
    return map;
}

// `count` copies of `piece`.
QString repeated(const QString &piece, int count)
{
    QString text;
    for (int i = 0; i < count; ++i)
        text += piece;
    return text;
}

} // namespace

class TestChatEnvelope : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void messageRoundTrip_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("text");

        QTest::newRow("ascii") << QStringLiteral("TOM") << QStringLiteral("hello, world");
        QTest::newRow("chinese names and text") << QStringLiteral("一棵树") << QStringLiteral("武大郎: 你好,一棵树!");
        QTest::newRow("emoji and newlines") << QStringLiteral("JACK 😀") << QStringLiteral("line 1\nline 2\r\n😀\t\\end");
        QTest::newRow("empty text") << QStringLiteral("TOM") << QString();
        QTest::newRow("empty name") << QString() << QStringLiteral("who am I");
        QTest::newRow("embedded NUL") << QStringLiteral("x")
                                      << QString(QStringLiteral("a") + QChar(0) + QStringLiteral("b"));
        // 10922 three-byte characters and two ASCII bytes: exactly 32 KiB of UTF-8.
        QTest::newRow("exactly 32 KiB of UTF-8")
            << repeated(QStringLiteral("树"), int(MaxNameBytes / 3))
            << QString(repeated(QStringLiteral("一"), int(MaxTextBytes / 3)) + QStringLiteral("ab"));
    }
    void messageRoundTrip()
    {
        QFETCH(QString, name);
        QFETCH(QString, text);

        Envelope envelope;
        envelope.type = EnvelopeType::Message;
        envelope.from = SenderId;
        envelope.name = name;
        envelope.messageId = MessageId;
        envelope.text = text;
        envelope.timestamp = SomeTime;

        const QByteArray datagram = encodeEnvelope(envelope);
        QVERIFY(datagram.size() >= 3);
        QCOMPARE(datagram.at(0), Marker);
        QCOMPARE(quint8(datagram.at(1)), EnvelopeVersion);
        QVERIFY(isEnvelope(datagram));
        QVERIFY2(datagram.size() <= MaxDatagramSize, QByteArray::number(datagram.size()).constData());

        const auto decoded = EnvelopeDecoder::decode(datagram);
        QVERIFY2(decoded.has_value(), qPrintable(decoded.error()));
        QCOMPARE(decoded->type, EnvelopeType::Message);
        QCOMPARE(decoded->from, SenderId);
        QCOMPARE(decoded->name, name);
        QCOMPARE(decoded->messageId, MessageId);
        QCOMPARE(decoded->text, text);
        QCOMPARE(decoded->timestamp, SomeTime);
    }

    void exactly32KiBIsTheLimit()
    {
        const QString text = repeated(QStringLiteral("一"), int(MaxTextBytes / 3)) + QStringLiteral("ab");
        QCOMPARE(text.toUtf8().size(), MaxTextBytes);
        Envelope envelope;
        envelope.from = SenderId;
        envelope.messageId = MessageId;
        envelope.name = repeated(QStringLiteral("a"), int(MaxNameBytes));
        envelope.text = text;
        envelope.timestamp = SomeTime;
        QVERIFY(encodeEnvelope(envelope).size() <= MaxDatagramSize);

        // One more byte is refused by the receiver.
        envelope.text += QLatin1Char('c');
        const auto refused = EnvelopeDecoder::decode(encodeEnvelope(envelope));
        QVERIFY(!refused);
        QVERIFY(!refused.error().isEmpty());
    }

    void ackRoundTrip()
    {
        Envelope ack;
        ack.type = EnvelopeType::Ack;
        ack.from = SenderId;
        ack.name = QStringLiteral("武大郎");
        ack.messageId = MessageId;
        ack.text = QStringLiteral("ignored"); // an ack carries no text
        ack.timestamp = SomeTime;

        const QByteArray datagram = encodeEnvelope(ack);
        QVERIFY(isEnvelope(datagram));
        const auto decoded = EnvelopeDecoder::decode(datagram);
        QVERIFY2(decoded.has_value(), qPrintable(decoded.error()));
        QCOMPARE(decoded->type, EnvelopeType::Ack);
        QCOMPARE(decoded->from, SenderId);
        QCOMPARE(decoded->name, QStringLiteral("武大郎"));
        QCOMPARE(decoded->messageId, MessageId);
        QVERIFY(decoded->text.isEmpty());
        QCOMPARE(decoded->timestamp, qint64(0));
        QVERIFY(datagram.size() < 100);
    }

    void nameIsCutWithoutSplittingACharacter_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected");

        const QString a = QStringLiteral("a");
        const QString tree = QStringLiteral("树"); // 3 bytes
        const QString smile = QStringLiteral("😀"); // 4 bytes, a surrogate pair in UTF-16
        const int max = int(MaxNameBytes);

        QTest::newRow("short") << QStringLiteral("一棵树") << QStringLiteral("一棵树");
        QTest::newRow("exactly the limit, ascii") << repeated(a, max) << repeated(a, max);
        QTest::newRow("ascii over the limit") << repeated(a, max + 44) << repeated(a, max);
        QTest::newRow("cut inside a 3-byte character") << repeated(tree, 86) << repeated(tree, 85);
        QTest::newRow("3-byte characters ending at the limit")
            << QString(a + repeated(tree, 85) + QStringLiteral("b")) << QString(a + repeated(tree, 85));
        QTest::newRow("4-byte characters ending at the limit") << repeated(smile, 65) << repeated(smile, 64);
        QTest::newRow("cut inside a 4-byte character") << QString(QStringLiteral("ab") + repeated(smile, 64))
                                                       << QString(QStringLiteral("ab") + repeated(smile, 63));
        QTest::newRow("cut after a 2-byte character") << QString(repeated(a, max - 2) + QStringLiteral("éé"))
                                                      << QString(repeated(a, max - 2) + QStringLiteral("é"));
        QTest::newRow("cut inside a 2-byte character")
            << QString(repeated(a, max - 1) + QStringLiteral("é")) << repeated(a, max - 1);
    }
    void nameIsCutWithoutSplittingACharacter()
    {
        QFETCH(QString, name);
        QFETCH(QString, expected);

        Envelope envelope;
        envelope.from = SenderId;
        envelope.messageId = MessageId;
        envelope.name = name;
        envelope.text = QStringLiteral("hi");
        envelope.timestamp = SomeTime;

        const auto decoded = EnvelopeDecoder::decode(encodeEnvelope(envelope));
        QVERIFY2(decoded.has_value(), qPrintable(decoded.error())); // what we send, we accept
        QVERIFY(decoded->name.toUtf8().size() <= MaxNameBytes);
        QVERIFY(name.startsWith(decoded->name));
        QVERIFY(!decoded->name.contains(QChar::ReplacementCharacter));
        // As long as possible: the longest whole-character prefix that fits.
        QCOMPARE(decoded->name, expected);
    }

    void classicIsNotAnEnvelope_data()
    {
        QTest::addColumn<QByteArray>("datagram");
        QTest::addColumn<bool>("tincan");

        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("ascii") << QByteArray("hello") << false;
        QTest::newRow("chinese") << QStringLiteral("一棵树").toUtf8() << false;
        QTest::newRow("NUL later") << QByteArray("a\0b", 3) << false;
        QTest::newRow("marker only") << QByteArray(1, Marker) << true;
        QTest::newRow("marker first") << withHeader(QByteArray("x")) << true;
    }
    void classicIsNotAnEnvelope()
    {
        QFETCH(QByteArray, datagram);
        QFETCH(bool, tincan);
        QCOMPARE(isEnvelope(datagram), tincan);
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("datagram");

        const QString from = QStringLiteral("from");
        const QString id = QStringLiteral("id");
        const QByteArray shortUuid = SenderId.toRfc4122().left(8);
        const QByteArray nullUuid(16, '\0');

        QTest::newRow("empty datagram (classic)") << QByteArray();
        QTest::newRow("classic text") << QByteArray("hello");
        QTest::newRow("only the marker") << QByteArray(1, Marker);
        QTest::newRow("no CBOR after the header") << withHeader(QByteArray());
        QTest::newRow("version 0") << withHeader(validMessageMap().toCborValue().toCbor(), 0);
        QTest::newRow("version 2") << withHeader(validMessageMap().toCborValue().toCbor(), 2);
        QTest::newRow("version 255") << withHeader(validMessageMap().toCborValue().toCbor(), char(0xFF));
        QTest::newRow("garbage CBOR (break)") << withHeader(QByteArray("\xFF\xFF\xFF"));
        QTest::newRow("garbage CBOR (reserved)") << withHeader(QByteArray("\x1C\x1D\x1E"));
        QTest::newRow("truncated CBOR map") << encodedMap(validMessageMap()).chopped(5);
        QTest::newRow("map claims more entries")
            << withHeader(QByteArray(QByteArray("\xA7") + validMessageMap().toCborValue().toCbor().mid(1)));
        QTest::newRow("trailing byte") << QByteArray(encodedMap(validMessageMap()) + QByteArray(1, '\0'));
        QTest::newRow("trailing map") << QByteArray(encodedMap(validMessageMap())
                                                    + validMessageMap().toCborValue().toCbor());
        QTest::newRow("array, not map") << withHeader(
            QCborArray{QStringLiteral("msg"), SenderId.toRfc4122()}.toCborValue().toCbor());
        QTest::newRow("integer, not map") << withHeader(QCborValue(7).toCbor());
        QTest::newRow("text, not map") << withHeader(QCborValue(QStringLiteral("hi")).toCbor());
        QTest::newRow("empty map") << encodedMap(QCborMap());
        QTest::newRow("unknown type") << encodedMap(with(QStringLiteral("type"), QStringLiteral("presence")));
        QTest::newRow("type not text") << encodedMap(with(QStringLiteral("type"), 1));
        QTest::newRow("no type") << encodedMap(without(QStringLiteral("type")));
        QTest::newRow("missing from") << encodedMap(without(from));
        QTest::newRow("short from") << encodedMap(with(from, shortUuid));
        QTest::newRow("long from") << encodedMap(with(from, QByteArray(SenderId.toRfc4122() + "x")));
        QTest::newRow("null from") << encodedMap(with(from, QCborValue(nullptr)));
        QTest::newRow("nil uuid from") << encodedMap(with(from, nullUuid));
        QTest::newRow("from as text") << encodedMap(with(from, SenderId.toString()));
        QTest::newRow("missing id") << encodedMap(without(id));
        QTest::newRow("short id") << encodedMap(with(id, shortUuid));
        QTest::newRow("null id") << encodedMap(with(id, QCborValue(nullptr)));
        QTest::newRow("nil uuid id") << encodedMap(with(id, nullUuid));
        QTest::newRow("id as integer") << encodedMap(with(id, 42));
        QTest::newRow("name is an integer") << encodedMap(with(QStringLiteral("name"), 5));
        QTest::newRow("name is bytes") << encodedMap(with(QStringLiteral("name"), QByteArray("TOM")));
        QTest::newRow("name is null") << encodedMap(with(QStringLiteral("name"), QCborValue(nullptr)));
        QTest::newRow("name too long") << encodedMap(
            with(QStringLiteral("name"), repeated(QStringLiteral("a"), int(MaxNameBytes) + 1)));
        QTest::newRow("missing text") << encodedMap(without(QStringLiteral("text")));
        QTest::newRow("text not a string (bytes)") << encodedMap(with(QStringLiteral("text"), QByteArray("hello")));
        QTest::newRow("text not a string (integer)") << encodedMap(with(QStringLiteral("text"), 1));
        QTest::newRow("text too long") << encodedMap(
            with(QStringLiteral("text"), repeated(QStringLiteral("a"), int(MaxTextBytes) + 1)));
        QTest::newRow("text too long in 3-byte characters")
            << encodedMap(with(QStringLiteral("text"), repeated(QStringLiteral("树"), int(MaxTextBytes / 3) + 1)));
        QTest::newRow("missing timestamp") << encodedMap(without(QStringLiteral("ts")));
        QTest::newRow("timestamp as text") << encodedMap(with(QStringLiteral("ts"), QStringLiteral("1700000000")));
        QTest::newRow("timestamp as double") << encodedMap(with(QStringLiteral("ts"), 1.5));
        QTest::newRow("ack without from")
            << encodedMap(without(from, with(QStringLiteral("type"), QStringLiteral("ack"))));
        QTest::newRow("ack with short id")
            << encodedMap(with(id, shortUuid, with(QStringLiteral("type"), QStringLiteral("ack"))));
    }
    void badInput()
    {
        QFETCH(QByteArray, datagram);
        const auto decoded = EnvelopeDecoder::decode(datagram);
        QVERIFY(!decoded.has_value());
        QVERIFY(!decoded.error().isEmpty());
    }

    // The rows of badInput differ from a valid envelope only where they say.
    void validMapIsValid()
    {
        const auto decoded = EnvelopeDecoder::decode(encodedMap(validMessageMap()));
        QVERIFY2(decoded.has_value(), qPrintable(decoded.error()));
        QCOMPARE(decoded->text, QStringLiteral("hello"));
        // Unknown keys are ignored; a missing name is an empty one.
        QVERIFY(EnvelopeDecoder::decode(encodedMap(with(QStringLiteral("future"), 1))).has_value());
        const auto nameless = EnvelopeDecoder::decode(encodedMap(without(QStringLiteral("name"))));
        QVERIFY(nameless.has_value());
        QVERIFY(nameless->name.isEmpty());
    }

    // Never a crash on hostile bytes: every prefix of a valid envelope and
    // some random noise after the marker.
    void hostileBytes()
    {
        const QByteArray valid = encodedMap(validMessageMap());
        for (qsizetype n = 0; n < valid.size(); ++n) {
            const auto decoded = EnvelopeDecoder::decode(valid.left(n));
            QVERIFY(!decoded.has_value());
            QVERIFY(!decoded.error().isEmpty());
        }
        QRandomGenerator random(3);
        for (int i = 0; i < 2000; ++i) {
            QByteArray noise(qsizetype(random.bounded(1, 200)), Qt::Uninitialized);
            for (char &c : noise)
                c = char(random.bounded(256));
            noise = withHeader(noise);
            if (const auto decoded = EnvelopeDecoder::decode(noise); !decoded)
                QVERIFY(!decoded.error().isEmpty());
        }
    }

    void classicText_data()
    {
        QTest::addColumn<QByteArray>("datagram");
        QTest::addColumn<QString>("prefix"); // the valid text before the first bad byte
        QTest::addColumn<QString>("suffix"); // the valid text after the last bad byte
        QTest::addColumn<bool>("invalid");

        QTest::newRow("ascii") << QByteArray("hello") << QStringLiteral("hello") << QString() << false;
        QTest::newRow("chinese") << QStringLiteral("你好,武大郎").toUtf8() << QStringLiteral("你好,武大郎") << QString()
                                 << false;
        QTest::newRow("emoji") << QStringLiteral("a😀b").toUtf8() << QStringLiteral("a😀b") << QString() << false;
        QTest::newRow("one bad byte") << QByteArray("ok\xFFgo") << QStringLiteral("ok") << QStringLiteral("go") << true;
        QTest::newRow("GBK bytes") << QByteArray("\xC4\xE3\xBA\xC3 hi") << QString() << QStringLiteral(" hi") << true;
        QTest::newRow("lone continuation") << QByteArray("\x80tail") << QString() << QStringLiteral("tail") << true;
        QTest::newRow("overlong slash") << QByteArray("a\xC0\xAF"
                                                      "b")
                                        << QStringLiteral("a") << QStringLiteral("b") << true;
        QTest::newRow("encoded surrogate") << QByteArray("a\xED\xA0\x80"
                                                         "b")
                                           << QStringLiteral("a") << QStringLiteral("b") << true;
        QTest::newRow("truncated at the end")
            << QByteArray("abc\xE4\xB8") << QStringLiteral("abc") << QString() << true;
        QTest::newRow("truncated 4-byte at the end")
            << QByteArray("x\xF0\x9F\x98") << QStringLiteral("x") << QString() << true;
        QTest::newRow("only a bad byte") << QByteArray("\xFE") << QString() << QString() << true;
        // U+FEFF at the start is text like any other, not a marker to drop.
        QTest::newRow("leading byte order mark")
            << QByteArray("\xEF\xBB\xBFhi") << QStringLiteral("\uFEFFhi") << QString() << false;
        QTest::newRow("only a byte order mark")
            << QByteArray("\xEF\xBB\xBF") << QStringLiteral("\uFEFF") << QString() << false;
    }
    void classicText()
    {
        QFETCH(QByteArray, datagram);
        QFETCH(QString, prefix);
        QFETCH(QString, suffix);
        QFETCH(bool, invalid);

        const QString text = decodeClassicText(datagram);
        QVERIFY(!text.isEmpty()); // never dropped
        QVERIFY2(text.startsWith(prefix), qPrintable(text));
        QVERIFY2(text.endsWith(suffix), qPrintable(text));
        QCOMPARE(text.contains(QChar::ReplacementCharacter), invalid);
        if (invalid) // every bad sequence is visible, the tail included
            QVERIFY(text.size() > prefix.size() + suffix.size());
        else
            QCOMPARE(text.toUtf8(), datagram);
        // The same bytes always read the same.
        QCOMPARE(decodeClassicText(datagram), text);
    }
};

QTEST_GUILESS_MAIN(TestChatEnvelope)
#include "tst_chatenvelope.moc"
