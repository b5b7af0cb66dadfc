// net/base: the one base64 decoder of security code (every spelling but the
// canonical one is refused, and so is anything over the size), the error
// convention's Expected<T>, and the one wording of a duration.
#include "net/base/canonicalbase64.h"
#include "net/base/durationtext.h"
#include "net/base/expected.h"

#include <QTest>

#include <memory>

using namespace Tincan;
using namespace Qt::StringLiterals;

class TestNetBase : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void base64_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("maxBytes");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QByteArray>("bytes");
        const QByteArray nonce(32, 'n');
        const QString nonceText = QString::fromLatin1(nonce.toBase64());

        // Good input.
        QTest::newRow("one byte") << u"AA=="_s << 1 << true << QByteArray(1, '\0');
        QTest::newRow("two bytes") << u"AAE="_s << 2 << true << QByteArrayLiteral("\x00\x01");
        QTest::newRow("three bytes") << u"AAEC"_s << 3 << true << QByteArrayLiteral("\x00\x01\x02");
        QTest::newRow("exactly the maximum") << nonceText << 32 << true << nonce;
        QTest::newRow("under the maximum") << nonceText << 64 << true << nonce;
        QTest::newRow("both extra characters") << u"+/+/"_s << 3 << true << QByteArrayLiteral("\xfb\xff\xbf");

        // Non-canonical padding.
        QTest::newRow("padding missing") << u"AA"_s << 1 << false << QByteArray();
        QTest::newRow("padding half missing") << u"AA="_s << 1 << false << QByteArray();
        QTest::newRow("padding unpadded nonce") << nonceText.chopped(1) << 32 << false << QByteArray();
        QTest::newRow("padding extra") << u"AAEC===="_s << 6 << false << QByteArray();
        QTest::newRow("padding inside") << u"AA==AA=="_s << 6 << false << QByteArray();
        QTest::newRow("padding only") << u"===="_s << 3 << false << QByteArray();
        // Trailing bits: "AB==" and "AAF=" decode like "AA==" and "AAE=" in
        // a forgiving decoder; here they are other spellings, so refused.
        QTest::newRow("trailing bits of one byte") << u"AB=="_s << 1 << false << QByteArray();
        QTest::newRow("trailing bits of two bytes") << u"AAF="_s << 2 << false << QByteArray();
        // Whitespace anywhere.
        QTest::newRow("leading space") << u' ' + nonceText << 32 << false << QByteArray();
        QTest::newRow("trailing newline") << nonceText + u'\n' << 32 << false << QByteArray();
        QTest::newRow("space inside") << u"AA AA=="_s << 6 << false << QByteArray();
        QTest::newRow("tab inside") << u"AAEC\tAAEC"_s << 6 << false << QByteArray();
        // Other alphabets and characters.
        QTest::newRow("url-safe alphabet") << u"-_-_"_s << 3 << false << QByteArray();
        QTest::newRow("punctuation") << u"!!!!"_s << 3 << false << QByteArray();
        QTest::newRow("NUL") << QString(4, QChar(0)) << 3 << false << QByteArray();
        QTest::newRow("non-ASCII") << QString(44, QChar(0x0410)) << 32 << false << QByteArray();
        QTest::newRow("Latin-1 letter") << u"AAE\u00e9"_s << 3 << false << QByteArray();
        // Empty and oversized.
        QTest::newRow("empty") << QString() << 32 << false << QByteArray();
        QTest::newRow("one byte too many")
            << QString::fromLatin1(QByteArray(33, 'n').toBase64()) << 32 << false << QByteArray();
        QTest::newRow("same length, one byte over") << u"AAEC"_s << 2 << false << QByteArray();
        QTest::newRow("huge") << QString(1 << 20, u'A') << 32 << false << QByteArray();
        QTest::newRow("huge garbage") << QString(1 << 20, u'!') << 32 << false << QByteArray();
        QTest::newRow("no bytes allowed") << u"AA=="_s << 0 << false << QByteArray();
    }

    void base64()
    {
        QFETCH(QString, text);
        QFETCH(int, maxBytes);
        QFETCH(bool, valid);
        QFETCH(QByteArray, bytes);
        const std::optional<QByteArray> decoded = decodeCanonicalBase64(text, maxBytes);
        QCOMPARE(decoded.has_value(), valid);
        if (valid)
            QCOMPARE(*decoded, bytes);
    }

    void base64Length()
    {
        for (qsizetype bytes = 0; bytes <= 70; ++bytes)
            QCOMPARE(canonicalBase64Length(bytes), QByteArray(bytes, 'x').toBase64().size());
    }

    // ---- Expected<T> ---------------------------------------------------------

    void expectedHoldsAValue()
    {
        const Expected<int> value = 42;
        QVERIFY(value);
        QVERIFY(value.has_value());
        QCOMPARE(*value, 42);
        QCOMPARE(value.value_or(7), 42);
        QVERIFY(value.error().isEmpty());
    }

    void expectedHoldsAFailure()
    {
        const Expected<int> failed = Failure{u"The port is taken."_s};
        QVERIFY(!failed);
        QVERIFY(!failed.has_value());
        QCOMPARE(failed.error(), u"The port is taken."_s);
        QCOMPARE(failed.value_or(7), 7);
    }

    void expectedOfAString()
    {
        // A value that is a QString and a failure's sentence never mix up.
        const Expected<QString> value = u"contact:3"_s;
        QVERIFY(value);
        QCOMPARE(*value, u"contact:3"_s);
        QCOMPARE(value->size(), 9);
        QVERIFY(value.error().isEmpty());
        const Expected<QString> failed = Failure{u"contact:3"_s};
        QVERIFY(!failed);
        QCOMPARE(failed.error(), u"contact:3"_s);
        // An empty value is still a value.
        const Expected<QString> empty = QString();
        QVERIFY(empty);
    }

    void expectedMovesItsValueOut()
    {
        Expected<std::unique_ptr<int>> owner = std::make_unique<int>(5);
        QVERIFY(owner);
        std::unique_ptr<int> taken = *std::move(owner);
        QCOMPARE(*taken, 5);
        // Changed in place through the accessors.
        Expected<QString> text = u"a"_s;
        text->append(u'b');
        *text += u'c';
        QCOMPARE(*text, u"abc"_s);
    }

    void expectedVoid()
    {
        const Expected<void> done;
        QVERIFY(done);
        QVERIFY(done.error().isEmpty());
        const Expected<void> failed = Failure{u"The file could not be removed."_s};
        QVERIFY(!failed);
        QCOMPARE(failed.error(), u"The file could not be removed."_s);
        // A failure carried on to a caller of another type.
        const Expected<int> passed = Failure{failed.error()};
        QCOMPARE(passed.error(), failed.error());
    }

    // ---- describeDuration ----------------------------------------------------

    void duration_data()
    {
        QTest::addColumn<qint64>("milliseconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << qint64(0) << u"0 s"_s;
        QTest::newRow("whole seconds") << qint64(30000) << u"30 s"_s;
        QTest::newRow("one second") << qint64(1000) << u"1 s"_s;
        QTest::newRow("milliseconds") << qint64(1500) << u"1500 ms"_s;
        QTest::newRow("under a second") << qint64(250) << u"250 ms"_s;
        QTest::newRow("a day") << qint64(86400000) << u"86400 s"_s;
    }

    void duration()
    {
        QFETCH(qint64, milliseconds);
        QFETCH(QString, text);
        QCOMPARE(describeDuration(std::chrono::milliseconds(milliseconds)), text);
    }
};

QTEST_GUILESS_MAIN(TestNetBase)
#include "tst_netbase.moc"
