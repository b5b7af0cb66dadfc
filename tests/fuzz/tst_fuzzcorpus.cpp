// Replays the committed seed corpus of every fuzz target through the same
// checks the fuzzers run (fuzzchecks.h), with the ordinary compiler and in
// every test run, so that a seed which stops meaning what it says, or a
// property that stops holding on it, is caught without clang or libFuzzer.
// Each seed is named after its expected outcome ("error-negative-length"),
// and the row checks it; a broken property aborts the test with its message.
#include "fuzzchecks.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace Tincan::Fuzz;

namespace {

const QString CorpusRoot = QStringLiteral(TINCAN_FUZZ_CORPUS);

// One row per seed of a target: its bytes and the outcome its name announces.
void addSeedRows(const QString &target)
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expected");
    const QDir dir(CorpusRoot + u'/' + target);
    const QStringList names = dir.entryList(QDir::Files, QDir::Name);
    QVERIFY2(!names.isEmpty(), qPrintable(QStringLiteral("no seeds in %1").arg(dir.path())));
    for (const QString &name : names) {
        QFile file(dir.filePath(name));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
        QTest::newRow(qPrintable(name)) << file.readAll() << name.section(u'-', 0, 0);
    }
}

template <typename Outcome> QString nameOf(Outcome outcome, std::initializer_list<std::pair<Outcome, QString>> names)
{
    for (const auto &[value, name] : names) {
        if (value == outcome)
            return name;
    }
    return QStringLiteral("unknown");
}

} // namespace

class TestFuzzCorpus final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void frameDecoder_data() { addSeedRows(QStringLiteral("framedecoder")); }
    void frameDecoder()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, expected);
        const QString outcome = nameOf(checkFrameDecoder(input),
                                       {{FrameOutcome::Complete, QStringLiteral("complete")},
                                        {FrameOutcome::Partial, QStringLiteral("partial")},
                                        {FrameOutcome::Error, QStringLiteral("error")}});
        QCOMPARE(outcome, expected);
    }

    void protocolDetector_data() { addSeedRows(QStringLiteral("protocoldetector")); }
    void protocolDetector()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, expected);
        const QString outcome = nameOf(checkProtocolDetector(input),
                                       {{DetectorOutcome::Framed, QStringLiteral("framed")},
                                        {DetectorOutcome::Classic, QStringLiteral("classic")},
                                        {DetectorOutcome::Undecided, QStringLiteral("undecided")}});
        QCOMPARE(outcome, expected);
    }

    void chatEnvelope_data() { addSeedRows(QStringLiteral("chatenvelope")); }
    void chatEnvelope()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, expected);
        const QString outcome = nameOf(
            checkChatEnvelope(input),
            {{EnvelopeOutcome::Valid, QStringLiteral("valid")}, {EnvelopeOutcome::Invalid, QStringLiteral("invalid")}});
        QCOMPARE(outcome, expected);
    }

    void ipmsgPacket_data() { addSeedRows(QStringLiteral("ipmsgpacket")); }
    void ipmsgPacket()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, expected);
        const QString outcome = nameOf(
            checkIpMsgPacket(input),
            {{PacketOutcome::Valid, QStringLiteral("valid")}, {PacketOutcome::Invalid, QStringLiteral("invalid")}});
        QCOMPARE(outcome, expected);
    }

    void announcement_data() { addSeedRows(QStringLiteral("announcement")); }
    void announcement()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, expected);
        const QString outcome = nameOf(checkAnnouncement(input),
                                       {{AnnouncementOutcome::Valid, QStringLiteral("valid")},
                                        {AnnouncementOutcome::Invalid, QStringLiteral("invalid")}});
        QCOMPARE(outcome, expected);
    }
};

QTEST_GUILESS_MAIN(TestFuzzCorpus)
#include "tst_fuzzcorpus.moc"
