// ProtocolDetector: a framed client is never taken for a classic one (or the
// other way round), at any number of bytes received so far.
#include "net/console/consoleserver.h" // Q_DECLARE_METATYPE(WireProtocol)
#include "net/wire/consoleprotocol.h"
#include "net/wire/frame.h"
#include "net/wire/protocoldetector.h"
#include "nettesthelpers.h"

#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>

#include <limits>

using namespace Tincan;
using Tincan::Test::rawFrame;

namespace {
// "Never decided", for inputs too short to tell ("ls").
constexpr int Never = std::numeric_limits<int>::max();

QByteArray lengthPrefix(qint32 length, QByteArrayView rest = {})
{
    return rawFrame(length, rest);
}
} // namespace

class TestProtocolDetector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyPrefix_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("decidedAt"); // prefix length from which the answer is final
        QTest::addColumn<WireProtocol>("expected");

        using namespace Console;
        const auto framed = WireProtocol::Framed;
        const auto classic = WireProtocol::Classic;

        // Real frames, as ConsoleClient sends them.
        QTest::newRow("hello frame") << encodeFrame({{Key::Type, Type::Hello}, {Key::Version, ProtocolVersion}}) << 5
                                     << framed;
        QTest::newRow("hello with software") << encodeFrame({{Key::Type, Type::Hello},
                                                             {Key::Version, ProtocolVersion},
                                                             {Key::Software, QStringLiteral("Tincan 0.1.0 ✓")}})
                                             << 5 << framed;
        QTest::newRow("exec frame") << encodeFrame(
            {{Key::Type, Type::Exec}, {Key::Id, 1}, {Key::Command, QStringLiteral("ls")}})
                                    << 5 << framed;
        QTest::newRow("header of 255 bytes")
            << encodeFrame({{Key::Type, Type::Hello}, {QStringLiteral("pad"), QString(255 - 44, u'x')}}) << 5 << framed;
        QTest::newRow("header of 4000 bytes")
            << encodeFrame({{Key::Type, Type::Hello}, {QStringLiteral("pad"), QString(4000, u'x')}}) << 5 << framed;

        // Classic commands: bare text, decided as soon as there are 3 bytes.
        QTest::newRow("ls") << QByteArray("ls") << Never << classic;
        QTest::newRow("w") << QByteArray("w") << Never << classic;
        QTest::newRow("id") << QByteArray("id") << Never << classic;
        QTest::newRow("pwd") << QByteArray("pwd") << 3 << classic;
        QTest::newRow("ls -la") << QByteArray("ls -la") << 3 << classic;
        QTest::newRow("dir") << QByteArray("dir") << 3 << classic;
        QTest::newRow("ipconfig /all") << QByteArray("ipconfig /all") << 3 << classic;
        QTest::newRow("Chinese text") << QStringLiteral("你好").toUtf8() << 3 << classic;
        QTest::newRow("brace group") << QByteArray("{ ls; }") << 3 << classic;
        QTest::newRow("four letters then brace") << QByteArray("echo {}") << 3 << classic;
        QTest::newRow("tabs") << QByteArray("\t\t\tls") << 3 << classic;
        QTest::newRow("1024-byte command") << QByteArray("echo " + QByteArray(1019, 'a')) << 3 << classic;
        QTest::newRow("command with newline") << QByteArray("ls\n") << 3 << classic;

        // Edge lengths: the prefix alone, then a '{' or another byte.
        QTest::newRow("length 0") << lengthPrefix(0, "{") << 4 << classic;
        QTest::newRow("length 1 then {") << lengthPrefix(1, "{") << 5 << framed;
        QTest::newRow("length 1 then x") << lengthPrefix(1, "x") << 5 << classic;
        QTest::newRow("length 255 then {") << lengthPrefix(255, "{") << 5 << framed;
        QTest::newRow("length 65535 then {") << lengthPrefix(65535, "{") << 5 << framed;
        QTest::newRow("length 65536 then {") << lengthPrefix(65536, "{") << 5 << framed;
        QTest::newRow("length 65536 then space") << lengthPrefix(65536, " {") << 5 << classic;
        QTest::newRow("length 65537") << lengthPrefix(65537, "{") << 3 << classic;
        QTest::newRow("length 131072") << lengthPrefix(131072, "{") << 3 << classic;
        QTest::newRow("length 2^24") << lengthPrefix(1 << 24, "{") << 4 << classic;
        QTest::newRow("length INT_MAX") << lengthPrefix(std::numeric_limits<qint32>::max(), "{") << 3 << classic;
        QTest::newRow("length -1") << lengthPrefix(-1, "{") << 3 << classic;
        QTest::newRow("length -65536") << lengthPrefix(-65536, "{") << 3 << classic;
        QTest::newRow("length INT_MIN") << lengthPrefix(std::numeric_limits<qint32>::min(), "{") << 4 << classic;
    }

    void everyPrefix()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, decidedAt);
        QFETCH(WireProtocol, expected);

        for (qsizetype n = 0; n <= bytes.size(); ++n) {
            const WireProtocol answer = ProtocolDetector::detect(QByteArrayView(bytes).first(n));
            const WireProtocol wanted = n >= decidedAt ? expected : WireProtocol::Undecided;
            if (answer != wanted)
                QFAIL(qPrintable(
                    QStringLiteral("after %1 bytes: got %2, expected %3").arg(n).arg(int(answer)).arg(int(wanted))));
            // Documented: five bytes always settle it.
            if (n >= 5)
                QVERIFY(answer != WireProtocol::Undecided);
        }
    }

    void framedAnswerMatchesTheDecoder()
    {
        // Random starts (biased towards the bytes that matter) checked against
        // the rule itself: framed iff the decoder would accept the length and
        // the header begins with '{'; and an answer, once given, never changes.
        QRandomGenerator random(7);
        const auto interestingByte = [&]() -> char {
            switch (random.bounded(6)) {
            case 0:
            case 1:
                return '\0';
            case 2:
                return '\1';
            case 3:
                return '{';
            case 4:
                return char(0xff);
            default:
                return char(random.bounded(256));
            }
        };
        for (int round = 0; round < 200000; ++round) {
            QByteArray bytes(6, '\0');
            for (char &byte : bytes)
                byte = interestingByte();
            const qint32 length = qFromLittleEndian<qint32>(bytes.constData());
            const bool framed = length >= 1 && length <= FrameLimits::MaxHeaderSize && bytes.at(4) == '{';
            WireProtocol previous = WireProtocol::Undecided;
            for (qsizetype n = 0; n <= bytes.size(); ++n) {
                const WireProtocol answer = ProtocolDetector::detect(QByteArrayView(bytes).first(n));
                if (previous != WireProtocol::Undecided && answer != previous)
                    QFAIL(qPrintable(QStringLiteral("answer changed at %1 bytes for %2")
                                         .arg(n)
                                         .arg(QString::fromLatin1(bytes.toHex(' ')))));
                previous = answer;
            }
            if ((previous == WireProtocol::Framed) != framed)
                QFAIL(qPrintable(QStringLiteral("wrong answer for %1").arg(QString::fromLatin1(bytes.toHex(' ')))));
        }
    }

    void everyTextOfThreeBytesIsClassic()
    {
        // Printable ASCII and UTF-8 lead/continuation bytes: no text of three
        // bytes can be mistaken for the start of a frame.
        for (int a = 0x09; a < 0x100; ++a) {
            for (int b = 0x09; b < 0x100; ++b) {
                for (int c : {0x09, 0x0a, 0x20, 0x41, 0x7b, 0x7e, 0x80, 0xbf, 0xe4}) {
                    const char text[3] = {char(a), char(b), char(c)};
                    if (ProtocolDetector::detect(QByteArrayView(text, 3)) != WireProtocol::Classic)
                        QFAIL(qPrintable(QStringLiteral("%1 %2 %3 not classic").arg(a).arg(b).arg(c)));
                }
            }
        }
    }

    void decisionDelayIsShort()
    {
        // The server waits this long for a 1- or 2-byte classic command: long
        // enough for a frame's prefix to follow, short enough to go unnoticed.
        QVERIFY(ProtocolDetector::ClassicDecisionDelay.count() > 0);
        QVERIFY(ProtocolDetector::ClassicDecisionDelay <= std::chrono::milliseconds(1000));
    }
};

QTEST_GUILESS_MAIN(TestProtocolDetector)
#include "tst_protocoldetector.moc"
