// The transfer engine alone (net/transfer/transferengine.h), without a
// socket: a server engine and a client engine wired back to back through the
// wire format, in both directions, with resumes and a slow channel; then each
// role fed hostile messages, one table row each, checking what it answers,
// how the transfer ends and what is left on disk.
#include "net/transfer/transferengine.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/frame.h"
#include "net/wire/messagetype.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace Tincan;
using namespace Tincan::Console;
using namespace Qt::StringLiterals;
using Outcome = TransferEngine::Outcome;
using Direction = TransferEngine::Direction;

Q_DECLARE_METATYPE(Tincan::TransferEngine::Outcome)

namespace {
constexpr qint64 Chunk = Limits::TransferChunkSize;

QByteArray pattern(qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < bytes.size(); ++i)
        bytes[i] = char((i * 131 + i / 7) & 0xff);
    return bytes;
}

QByteArray md5Hex(QByteArrayView bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<none>");
}

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(text).object();
}

// One end's connection: every frame goes through the wire format (as the
// peer would decode it) and is kept; `room` is how many more data messages
// flow control lets through (-1: no limit).
class Recorder final : public TransferChannel
{
public:
    void sendTransferFrame(const QJsonObject &header, QByteArrayView payload) override
    {
        FrameDecoder decoder;
        if (decoder.feed(encodeFrame(header, payload)) != FrameDecoder::Status::FrameReady)
            qFatal("the engine sent a frame that does not decode");
        const Frame frame = decoder.takeFrame();
        if (frame.header.value(Key::Type).toString() == Type::Data && room > 0)
            --room;
        frames.append(frame);
        if (onFrame)
            onFrame(frame);
    }
    bool canSendData() const override { return room != 0; }

    QStringList types() const
    {
        QStringList list;
        for (const Frame &frame : frames)
            list.append(frame.header.value(Key::Type).toString());
        return list;
    }
    QList<Frame> frames;
    qint64 room = -1;
    std::function<void(const Frame &)> onFrame;
};

// What a ConsoleConnection does with the client's messages, in short: the
// path policy is the connection's, the rest the engine's.
void deliverToServer(TransferEngine &server, const QString &directory, const Frame &frame)
{
    static quint64 nextKey = 1;
    const QString type = frame.header.value(Key::Type).toString();
    const QJsonValue id = frame.header.value(Key::Transfer);
    const QString path = directory + QLatin1Char('/') + frame.header.value(Key::FileName).toString();
    if (type == Type::Upload) {
        if (!server.acceptNew(id))
            return;
        const quint64 key = nextKey++;
        server.add(key, Direction::Receive,
                   {id, frame.header.value(Key::FileName).toString(), path, path,
                    jsonInteger(frame.header, Key::FileSize).value_or(0),
                    frame.header.value(Key::Md5).toString().toLatin1(), frame.header.value(Key::Overwrite).toBool()});
        server.begin(key);
    } else if (type == Type::Download) {
        if (!server.acceptNew(id))
            return;
        const quint64 key = nextKey++;
        server.add(key, Direction::Send, {id, frame.header.value(Key::FileName).toString(), path, path, 0, {}, false});
        if (!server.openSource(key)) {
            server.refuse(ErrorCode::FileError, server.errorString(), id);
            return;
        }
        server.begin(key);
    } else if (type == Type::TransferReady) {
        server.handleTransferReady(frame.header);
    } else if (type == Type::Data) {
        server.handleData(frame);
    } else if (type == Type::TransferDone) {
        server.handleTransferDone(frame.header);
    } else if (type == Type::TransferCancel) {
        server.handleTransferCancel(frame.header);
    }
}

// A server engine and a client engine back to back; frames are delivered
// from the event loop, as a socket would.
struct Link
{
    QTemporaryDir local;
    QTemporaryDir remote;
    Recorder toServer;
    Recorder toClient;
    TransferEngine server{TransferEngine::Role::Server, &toClient};
    TransferEngine client{TransferEngine::Role::Client, &toServer};
    QSignalSpy serverEnded{&server, &TransferEngine::ended};
    QSignalSpy clientEnded{&client, &TransferEngine::ended};
    QList<TransferEngine::Ending> serverEndings;
    QList<TransferEngine::Ending> clientEndings;

    Link()
    {
        toServer.onFrame = [this](const Frame &frame) {
            QMetaObject::invokeMethod(
                &server, [this, frame] { deliverToServer(server, remote.path(), frame); }, Qt::QueuedConnection);
        };
        toClient.onFrame = [this](const Frame &frame) {
            QMetaObject::invokeMethod(
                &client,
                [this, frame] {
                    client.handleClientFrame(messageTypeFromName(frame.header.value(Key::Type).toString()), frame);
                },
                Qt::QueuedConnection);
        };
        QObject::connect(&server, &TransferEngine::ended, &server,
                         [this](const TransferEngine::Ending &ending) { serverEndings.append(ending); });
        QObject::connect(&client, &TransferEngine::ended, &client,
                         [this](const TransferEngine::Ending &ending) { clientEndings.append(ending); });
    }
    QString localFile(const QString &name) const { return local.filePath(name); }
    QString remoteFile(const QString &name) const { return remote.filePath(name); }
    // The data messages' offsets, in order.
    static QList<qint64> dataOffsets(const Recorder &recorder)
    {
        QList<qint64> offsets;
        for (const Frame &frame : recorder.frames)
            if (frame.header.value(Key::Type).toString() == Type::Data)
                offsets.append(jsonInteger(frame.header, Key::Offset).value_or(-1));
        return offsets;
    }
};

// A single engine fed by hand, for the hostile rows.
struct Bench
{
    QTemporaryDir dir;
    Recorder out;
    TransferEngine engine;
    QList<TransferEngine::Ending> endings;

    explicit Bench(TransferEngine::Role role)
        : engine(role, &out)
    {
        QObject::connect(&engine, &TransferEngine::ended, &engine,
                         [this](const TransferEngine::Ending &ending) { endings.append(ending); });
    }
    Frame lastFrame() const { return out.frames.isEmpty() ? Frame() : out.frames.last(); }
};
} // namespace

class TestTransferEngine final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void slowChannelHoldsTheFile();
    void serverRefusesNewTransfers();
    void serverReceivingHostile_data();
    void serverReceivingHostile();
    void serverSendingHostile_data();
    void serverSendingHostile();
    void clientReceivingHostile_data();
    void clientReceivingHostile();
    void clientSendingHostile_data();
    void clientSendingHostile();
    void clientCancelsMidway();
    void serverCancelMidwayRemovesThePartialFile();
    void endAllKeepsPartialFiles();
};

// ---- both roles, back to back -----------------------------------------------

void TestTransferEngine::roundTrip_data()
{
    QTest::addColumn<bool>("upload");
    QTest::addColumn<qint64>("size");
    QTest::addColumn<qint64>("partial");     // bytes of a partial file the receiver has: -1 none
    QTest::addColumn<bool>("partialIsOurs"); // whether those bytes are the file's
    QTest::addColumn<qint64>("firstOffset"); // where the data starts

    for (const bool upload : {true, false}) {
        const char *way = upload ? "upload" : "download";
        QTest::addRow("%s, empty", way) << upload << qint64(0) << qint64(-1) << false << qint64(0);
        QTest::addRow("%s, 1 byte", way) << upload << qint64(1) << qint64(-1) << false << qint64(0);
        QTest::addRow("%s, one chunk", way) << upload << Chunk << qint64(-1) << false << qint64(0);
        QTest::addRow("%s, a chunk and a byte", way) << upload << Chunk + 1 << qint64(-1) << false << qint64(0);
        QTest::addRow("%s, 5 chunks", way) << upload << 5 * Chunk + 17 << qint64(-1) << false << qint64(0);
        QTest::addRow("%s, resumed", way) << upload << 3 * Chunk << Chunk + 5 << true << Chunk + 5;
        QTest::addRow("%s, damaged partial file: from 0", way) << upload << 3 * Chunk << Chunk << false << qint64(0);
        QTest::addRow("%s, partial file longer than the file", way)
            << upload << Chunk << 2 * Chunk << true << qint64(0);
    }
}

void TestTransferEngine::roundTrip()
{
    QFETCH(bool, upload);
    QFETCH(qint64, size);
    QFETCH(qint64, partial);
    QFETCH(bool, partialIsOurs);
    QFETCH(qint64, firstOffset);

    Link link;
    const QByteArray content = pattern(size);
    const QString source = upload ? link.localFile(u"a.bin"_s) : link.remoteFile(u"a.bin"_s);
    const QString target = upload ? link.remoteFile(u"b.bin"_s) : link.localFile(u"b.bin"_s);
    QVERIFY(writeFile(source, content));
    if (partial >= 0) {
        QByteArray bytes = pattern(std::max(size, partial)).left(partial);
        if (!partialIsOurs)
            bytes[0] = char(bytes.at(0) ^ 0x5a);
        QVERIFY(writeFile(FileTransfer::partialPathFor(target, md5Hex(content)), bytes));
    }
    QSignalSpy started(&link.client, &TransferEngine::dataStarted);
    QSignalSpy progress(&link.client, &TransferEngine::progressed);
    const QString remoteName = upload ? u"b.bin"_s : u"a.bin"_s;
    const QString localPath = upload ? source : target;
    link.client.add(7, upload ? Direction::Send : Direction::Receive,
                    {qint64(7), remoteName, localPath, localPath, 0, {}, false});
    QVERIFY(link.client.isWaiting(7));
    link.client.beginWaiting();
    QVERIFY(!link.client.isWaiting(7));

    QTRY_COMPARE(link.clientEndings.size(), 1);
    QTRY_COMPARE(link.serverEndings.size(), 1);
    QCOMPARE(link.clientEndings.first().outcome, Outcome::Done);
    QCOMPARE(link.clientEndings.first().md5, md5Hex(content));
    QCOMPARE(link.clientEndings.first().key, quint64(7));
    QCOMPARE(link.serverEndings.first().outcome, Outcome::Done);
    QCOMPARE(readFile(target), content);
    QVERIFY(!QFile::exists(FileTransfer::partialPathFor(target, md5Hex(content))));
    QCOMPARE(link.client.count(), 0);
    QCOMPARE(link.server.count(), 0);

    // The sender's data: contiguous from where the receiver said, at least one message.
    const QList<qint64> offsets = Link::dataOffsets(upload ? link.toServer : link.toClient);
    QVERIFY(!offsets.isEmpty());
    QCOMPARE(offsets.first(), firstOffset);
    for (qsizetype i = 1; i < offsets.size(); ++i)
        QCOMPARE(offsets.at(i), firstOffset + i * Chunk);
    QCOMPARE(started.size(), 1);
    QCOMPARE(started.first().at(1).toLongLong(), size);
    QCOMPARE(started.first().at(2).toLongLong(), firstOffset);
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().at(1).toLongLong(), size);

    // The offers, as the protocol spells them in each direction.
    const Frame &offer = upload ? link.toServer.frames.first() : link.toClient.frames.first();
    QCOMPARE(offer.header.value(Key::Type).toString(), upload ? Type::Upload : Type::File);
    QCOMPARE(offer.header.contains(Key::Overwrite), upload);
    QCOMPARE(jsonInteger(offer.header, Key::FileSize), size);
    const Frame &done = upload ? link.toClient.frames.last() : link.toServer.frames.last();
    QCOMPARE(done.header.value(Key::Type).toString(), Type::TransferDone);
    QCOMPARE(done.header.contains(Key::FileName), upload); // the server names the file
}

void TestTransferEngine::slowChannelHoldsTheFile()
{
    Link link;
    const QByteArray content = pattern(6 * Chunk);
    QVERIFY(writeFile(link.localFile(u"a.bin"_s), content));
    link.toServer.room = 0; // the channel never drains
    const QString path = link.localFile(u"a.bin"_s);
    link.client.add(1, Direction::Send, {qint64(1), u"a.bin"_s, path, path, 0, {}, false});
    link.client.begin(1);
    QTRY_VERIFY(link.toServer.types().contains(Type::Upload));
    QTRY_VERIFY(link.server.count() == 1 && link.toClient.types().contains(Type::TransferReady));
    // The ready arrives; nothing may go out while the channel is full, however often it is pumped.
    QTest::qWait(50);
    for (int i = 0; i < 10; ++i)
        link.client.pump();
    QVERIFY(Link::dataOffsets(link.toServer).isEmpty());
    QCOMPARE(link.client.count(), 1);

    // Room for two messages: two go, in order, and the transfer waits again.
    link.toServer.room = 2;
    link.client.pump();
    QCOMPARE(Link::dataOffsets(link.toServer), (QList<qint64>{0, Chunk}));
    link.client.pump();
    QCOMPARE(Link::dataOffsets(link.toServer).size(), 2);

    link.toServer.room = -1;
    link.client.pump();
    QTRY_COMPARE(link.clientEndings.size(), 1);
    QCOMPARE(link.clientEndings.first().outcome, Outcome::Done);
    QCOMPARE(readFile(link.remoteFile(u"a.bin"_s)), content);
}

// ---- the server role, fed by hand -------------------------------------------

void TestTransferEngine::serverRefusesNewTransfers()
{
    Bench bench(TransferEngine::Role::Server);
    const QString path = bench.dir.filePath(u"x"_s);
    const auto codeOfLast = [&] { return bench.lastFrame().header.value(Key::Code).toString(); };

    for (const char *bad :
         {R"({"transfer":""})", R"({"transfer":1.5})", R"({"transfer":true})", R"({})", R"({"transfer":[1]})"}) {
        QVERIFY(!bench.engine.acceptNew(json(bad).value(Key::Transfer)));
        QCOMPARE(codeOfLast(), ErrorCode::BadRequest);
        QVERIFY(!bench.lastFrame().header.contains(Key::Transfer));
    }
    QVERIFY(!bench.engine.acceptNew(QString(Limits::MaxRequestIdLength + 1, u'x')));
    QVERIFY(bench.engine.acceptNew(QString(Limits::MaxRequestIdLength, u'x')));

    for (int i = 0; i < Limits::MaxConcurrentTransfers; ++i) {
        QVERIFY(bench.engine.acceptNew(i));
        bench.engine.add(quint64(i + 1), Direction::Receive, {i, u"x"_s, path, path, 4, md5Hex("abcd"), false});
    }
    // Duplicate before the cap: the id is the first thing checked after its form.
    QVERIFY(!bench.engine.acceptNew(3));
    QCOMPARE(codeOfLast(), ErrorCode::DuplicateTransfer);
    QCOMPARE(bench.lastFrame().header.value(Key::Transfer).toInt(), 3);
    QVERIFY(!bench.engine.acceptNew(u"another"_s));
    QCOMPARE(codeOfLast(), ErrorCode::TooManyTransfers);
    QVERIFY(bench.endings.isEmpty());
}

void TestTransferEngine::serverReceivingHostile_data()
{
    QTest::addColumn<QList<QByteArray>>("headers"); // data messages, in order (payload after '|')
    QTest::addColumn<QString>("code");              // the error the server answers
    QTest::addColumn<Outcome>("outcome");           // how the transfer ends (Done: it goes on)
    QTest::addColumn<bool>("partialKept");

    // The offer: "hello\n", 6 bytes, id 5.
    QTest::newRow("wrong md5") << QList<QByteArray>{R"({"type":"data","transfer":5,"offset":0}|hellO)"
                                                    "\n"}
                               << QString(ErrorCode::ChecksumMismatch) << Outcome::Mismatch << false;
    QTest::newRow("beyond the announced size") << QList<QByteArray>{R"({"type":"data","transfer":5,"offset":0}|hello)"
                                                                    "\n!"}
                                               << QString(ErrorCode::BadData) << Outcome::BadData << false;
    QTest::newRow("first offset not 0") << QList<QByteArray>{R"({"type":"data","transfer":5,"offset":2}|llo)"}
                                        << QString(ErrorCode::BadData) << Outcome::BadData << false;
    QTest::newRow("no offset") << QList<QByteArray>{R"({"type":"data","transfer":5}|hello)"}
                               << QString(ErrorCode::BadData) << Outcome::BadData << false;
    QTest::newRow("offset a string") << QList<QByteArray>{R"({"type":"data","transfer":5,"offset":"0"}|h)"}
                                     << QString(ErrorCode::BadData) << Outcome::BadData << false;
    QTest::newRow("out of order") << QList<QByteArray>{R"({"type":"data","transfer":5,"offset":0}|hel)",
                                                       R"({"type":"data","transfer":5,"offset":4}|o)"}
                                  << QString(ErrorCode::BadData) << Outcome::BadData << false;
    QTest::newRow("repeated chunk") << QList<QByteArray>{R"({"type":"data","transfer":5,"offset":0}|hel)",
                                                         R"({"type":"data","transfer":5,"offset":0}|hel)"}
                                    << QString(ErrorCode::BadData) << Outcome::BadData << false;
    QTest::newRow("interrupted: partial file stays")
        << QList<QByteArray>{R"({"type":"data","transfer":5,"offset":0}|hel)"} << QString() << Outcome::Done << true;
    QTest::newRow("unknown id") << QList<QByteArray>{R"({"type":"data","transfer":6,"offset":0}|hello)"
                                                     "\n"}
                                << QString(ErrorCode::UnknownTransfer) << Outcome::Done << false;
    QTest::newRow("id of another type") << QList<QByteArray>{R"({"type":"data","transfer":"5","offset":0}|h)"}
                                        << QString(ErrorCode::UnknownTransfer) << Outcome::Done << false;
    QTest::newRow("transfer_ready to the receiver")
        << QList<QByteArray>{R"({"type":"transfer_ready","transfer":5,"offset":0})"} << QString(ErrorCode::BadData)
        << Outcome::BadData << false;
    QTest::newRow("transfer_done to the receiver") << QList<QByteArray>{R"({"type":"transfer_done","transfer":5})"}
                                                   << QString(ErrorCode::BadData) << Outcome::BadData << false;
    QTest::newRow("transfer_done of an unknown id") << QList<QByteArray>{R"({"type":"transfer_done","transfer":"zz"})"}
                                                    << QString(ErrorCode::UnknownTransfer) << Outcome::Done << false;
    QTest::newRow("cancel of an unknown id: no answer")
        << QList<QByteArray>{R"({"type":"transfer_cancel","transfer":9})"} << QString() << Outcome::Done << false;
}

void TestTransferEngine::serverReceivingHostile()
{
    QFETCH(QList<QByteArray>, headers);
    QFETCH(QString, code);
    QFETCH(Outcome, outcome);
    QFETCH(bool, partialKept);

    Bench bench(TransferEngine::Role::Server);
    const QString target = bench.dir.filePath(u"notes.txt"_s);
    const QByteArray md5 = md5Hex("hello\n");
    QVERIFY(bench.engine.acceptNew(5));
    bench.engine.add(1, Direction::Receive, {5, u"notes.txt"_s, target, u"notes.txt"_s, 6, md5, false});
    bench.engine.begin(1);
    QCOMPARE(bench.out.types(), QStringList{Type::TransferReady});
    QCOMPARE(jsonInteger(bench.lastFrame().header, Key::Offset), 0);

    const qsizetype before = bench.out.frames.size();
    for (const QByteArray &line : headers) {
        const qsizetype bar = line.indexOf('|');
        Frame frame{json(line.left(bar < 0 ? line.size() : bar).constData()),
                    bar < 0 ? QByteArray() : line.mid(bar + 1)};
        const QString type = frame.header.value(Key::Type).toString();
        if (type == Type::Data)
            bench.engine.handleData(frame);
        else if (type == Type::TransferReady)
            bench.engine.handleTransferReady(frame.header);
        else if (type == Type::TransferDone)
            bench.engine.handleTransferDone(frame.header);
        else
            bench.engine.handleTransferCancel(frame.header);
    }
    if (code.isEmpty()) {
        QCOMPARE(bench.out.frames.size(), before);
    } else {
        QCOMPARE(bench.out.frames.size(), before + 1);
        QCOMPARE(bench.lastFrame().header.value(Key::Type).toString(), Type::Error);
        QCOMPARE(bench.lastFrame().header.value(Key::Code).toString(), code);
        QVERIFY(!bench.lastFrame().header.value(Key::Message).toString().isEmpty());
    }
    if (outcome == Outcome::Done) {
        QVERIFY(bench.endings.isEmpty());
        QCOMPARE(bench.engine.count(), 1);
        bench.engine.endAll(Outcome::Connection, u"gone"_s);
    } else {
        QCOMPARE(bench.endings.size(), 1);
        QCOMPARE(bench.endings.first().outcome, outcome);
        QCOMPARE(bench.endings.first().message, bench.lastFrame().header.value(Key::Message).toString());
        QCOMPARE(bench.engine.count(), 0);
    }
    QVERIFY(!QFile::exists(target));
    QCOMPARE(QFile::exists(FileTransfer::partialPathFor(target, md5)), partialKept);
}

void TestTransferEngine::serverSendingHostile_data()
{
    QTest::addColumn<QByteArray>("ready"); // the client's transfer_ready (or anything in its place)
    QTest::addColumn<QString>("code");     // the error answered; empty: data flows
    QTest::addColumn<qint64>("firstOffset");

    const QByteArray prefixMd5 = md5Hex(pattern(3 * Chunk).left(100));
    QTest::newRow("from 0") << QByteArray(R"({"type":"transfer_ready","transfer":"d","offset":0})") << QString()
                            << qint64(0);
    QTest::newRow("resume, same bytes") << QByteArray(R"({"type":"transfer_ready","transfer":"d","offset":100,"md5":")"
                                                      + prefixMd5 + R"("})")
                                        << QString() << qint64(100);
    QTest::newRow("resume, same bytes, upper-case md5")
        << QByteArray(R"({"type":"transfer_ready","transfer":"d","offset":100,"md5":")" + prefixMd5.toUpper() + R"("})")
        << QString() << qint64(100);
    QTest::newRow("resume, other bytes: from 0") << QByteArray(
        R"({"type":"transfer_ready","transfer":"d","offset":100,"md5":"00000000000000000000000000000000"})")
                                                 << QString() << qint64(0);
    QTest::newRow("resume without md5: from 0")
        << QByteArray(R"({"type":"transfer_ready","transfer":"d","offset":100})") << QString() << qint64(0);
    QTest::newRow("offset negative") << QByteArray(R"({"type":"transfer_ready","transfer":"d","offset":-1})")
                                     << QString(ErrorCode::BadData) << qint64(-1);
    QTest::newRow("offset beyond the file")
        << QByteArray(R"({"type":"transfer_ready","transfer":"d","offset":196609,"md5":")" + prefixMd5 + R"("})")
        << QString(ErrorCode::BadData) << qint64(-1);
    QTest::newRow("offset past 2^53") << QByteArray(R"({"type":"transfer_ready","transfer":"d","offset":1e300})")
                                      << QString(ErrorCode::BadData) << qint64(-1);
    QTest::newRow("no offset") << QByteArray(R"({"type":"transfer_ready","transfer":"d"})")
                               << QString(ErrorCode::BadData) << qint64(-1);
    QTest::newRow("transfer_done before the data")
        << QByteArray(R"({"type":"transfer_done","transfer":"d"})") << QString(ErrorCode::BadData) << qint64(-1);
    QTest::newRow("data for a download") << QByteArray(R"({"type":"data","transfer":"d","offset":0})")
                                         << QString(ErrorCode::BadData) << qint64(-1);
}

void TestTransferEngine::serverSendingHostile()
{
    QFETCH(QByteArray, ready);
    QFETCH(QString, code);
    QFETCH(qint64, firstOffset);

    Bench bench(TransferEngine::Role::Server);
    const QByteArray content = pattern(3 * Chunk);
    const QString path = bench.dir.filePath(u"f.bin"_s);
    QVERIFY(writeFile(path, content));
    bench.out.room = 0; // look at the first data message only
    QVERIFY(bench.engine.acceptNew(u"d"_s));
    bench.engine.add(1, Direction::Send, {u"d"_s, u"f.bin"_s, path, u"f.bin"_s, 0, {}, false});
    QVERIFY(bench.engine.openSource(1));
    QCOMPARE(bench.engine.fileSize(1), content.size());
    bench.engine.begin(1);
    QTRY_COMPARE(bench.out.types(), QStringList{Type::File});
    QCOMPARE(bench.lastFrame().header.value(Key::Md5).toString().toLatin1(), md5Hex(content));

    const Frame frame{json(ready.constData()), {}};
    const QString type = frame.header.value(Key::Type).toString();
    if (type == Type::TransferReady)
        bench.engine.handleTransferReady(frame.header);
    else if (type == Type::TransferDone)
        bench.engine.handleTransferDone(frame.header);
    else
        bench.engine.handleData(frame);
    if (!code.isEmpty()) {
        QCOMPARE(bench.lastFrame().header.value(Key::Code).toString(), code);
        QCOMPARE(bench.endings.size(), 1);
        QCOMPARE(bench.endings.first().outcome, Outcome::BadData);
        return;
    }
    bench.out.room = 1;
    // The channel drains now and then, as a socket would say.
    const auto dataSent = [&] {
        bench.engine.pump();
        return bench.lastFrame().header.value(Key::Type).toString() == Type::Data;
    };
    QTRY_VERIFY(dataSent());
    QCOMPARE(jsonInteger(bench.lastFrame().header, Key::Offset), firstOffset);
    QCOMPARE(bench.lastFrame().payload, content.mid(firstOffset, Chunk));
    QVERIFY(bench.endings.isEmpty());
}

void TestTransferEngine::serverCancelMidwayRemovesThePartialFile()
{
    Bench bench(TransferEngine::Role::Server);
    const QString target = bench.dir.filePath(u"t"_s);
    const QByteArray content = pattern(2 * Chunk);
    bench.engine.add(1, Direction::Receive, {5, u"t"_s, target, u"t"_s, content.size(), md5Hex(content), false});
    bench.engine.begin(1);
    bench.engine.handleData({json(R"({"type":"data","transfer":5,"offset":0})"), content.left(Chunk)});
    QVERIFY(QFile::exists(FileTransfer::partialPathFor(target, md5Hex(content))));
    const qsizetype before = bench.out.frames.size();
    bench.engine.handleTransferCancel(json(R"({"type":"transfer_cancel","transfer":5,"message":"bored"})"));
    QCOMPARE(bench.out.frames.size(), before); // nothing is answered
    QCOMPARE(bench.endings.size(), 1);
    QCOMPARE(bench.endings.first().outcome, Outcome::Cancelled);
    QCOMPARE(bench.endings.first().message, u"Cancelled by the client: bored"_s);
    QVERIFY(!QFile::exists(FileTransfer::partialPathFor(target, md5Hex(content))));
    // A second cancel, crossing the end, is ignored.
    bench.engine.handleTransferCancel(json(R"({"type":"transfer_cancel","transfer":5})"));
    QCOMPARE(bench.out.frames.size(), before);
}

// ---- the client role, fed by hand -------------------------------------------

void TestTransferEngine::clientReceivingHostile_data()
{
    QTest::addColumn<QList<QByteArray>>("frames"); // the server's, in order (payload after '|')
    QTest::addColumn<QString>("answer");           // the client's last message: "" none, "cancel", "cancel+message"
    QTest::addColumn<Outcome>("outcome");          // Done: it goes on

    const QByteArray offer
        = R"({"type":"file","transfer":3,"filename":"f","file_size":6,"md5":")" + md5Hex("hello\n") + R"("})";
    QTest::newRow("offer without md5") << QList<QByteArray>{R"({"type":"file","transfer":3,"file_size":6})"}
                                       << u"cancel"_s << Outcome::BadData;
    QTest::newRow("offer with a bad md5")
        << QList<QByteArray>{R"({"type":"file","transfer":3,"file_size":6,"md5":"xyz"})"} << u"cancel"_s
        << Outcome::BadData;
    QTest::newRow("offer of a negative size")
        << QList<QByteArray>{R"({"type":"file","transfer":3,"file_size":-6,"md5":")" + md5Hex("") + R"("})"}
        << u"cancel"_s << Outcome::BadData;
    QTest::newRow("data before the offer")
        << QList<QByteArray>{R"({"type":"data","transfer":3,"offset":0}|hello)"} << u"cancel"_s << Outcome::BadData;
    QTest::newRow("a second offer") << QList<QByteArray>{offer, offer} << u"cancel"_s << Outcome::BadData;
    QTest::newRow("transfer_ready to the receiver")
        << QList<QByteArray>{offer, R"({"type":"transfer_ready","transfer":3,"offset":0})"} << u"cancel"_s
        << Outcome::BadData;
    QTest::newRow("wrong md5") << QList<QByteArray>{offer,
                                                    R"({"type":"data","transfer":3,"offset":0}|hellO)"
                                                    "\n"}
                               << u"cancel+message"_s << Outcome::Mismatch;
    QTest::newRow("beyond the announced size") << QList<QByteArray>{offer,
                                                                    R"({"type":"data","transfer":3,"offset":0}|hello)"
                                                                    "\n!"}
                                               << u"cancel+message"_s << Outcome::BadData;
    QTest::newRow("first offset not 0") << QList<QByteArray>{offer, R"({"type":"data","transfer":3,"offset":1}|ello)"}
                                        << u"cancel+message"_s << Outcome::BadData;
    QTest::newRow("out of order") << QList<QByteArray>{offer, R"({"type":"data","transfer":3,"offset":0}|he)",
                                                       R"({"type":"data","transfer":3,"offset":3}|lo)"}
                                  << u"cancel+message"_s << Outcome::BadData;
    QTest::newRow("error: checksum")
        << QList<QByteArray>{offer, R"({"type":"error","transfer":3,"code":"checksum_mismatch","message":"m"})"}
        << QString() << Outcome::Mismatch;
    QTest::newRow("error: exists")
        << QList<QByteArray>{R"({"type":"error","transfer":3,"code":"file_exists","message":"m"})"} << QString()
        << Outcome::Exists;
    QTest::newRow("error: other")
        << QList<QByteArray>{R"({"type":"error","transfer":3,"code":"not_found","message":"m"})"} << QString()
        << Outcome::Refused;
    QTest::newRow("unknown id: ignored") << QList<QByteArray>{R"({"type":"data","transfer":4,"offset":0}|x)",
                                                              R"({"type":"error","transfer":-3,"code":"x"})",
                                                              R"({"type":"file","transfer":"3"})"}
                                         << QString() << Outcome::Done;
    QTest::newRow("interrupted") << QList<QByteArray>{offer, R"({"type":"data","transfer":3,"offset":0}|hel)"}
                                 << QString() << Outcome::Done;
}

void TestTransferEngine::clientReceivingHostile()
{
    QFETCH(QList<QByteArray>, frames);
    QFETCH(QString, answer);
    QFETCH(Outcome, outcome);

    Bench bench(TransferEngine::Role::Client);
    const QString target = bench.dir.filePath(u"f"_s);
    bench.engine.add(3, Direction::Receive, {qint64(3), u"f"_s, target, target, 0, {}, false});
    bench.engine.begin(3);
    QCOMPARE(bench.out.types(), QStringList{Type::Download});
    for (const QByteArray &line : frames) {
        const qsizetype bar = line.indexOf('|');
        const Frame frame{json(line.left(bar < 0 ? line.size() : bar).constData()),
                          bar < 0 ? QByteArray() : line.mid(bar + 1)};
        bench.engine.handleClientFrame(messageTypeFromName(frame.header.value(Key::Type).toString()), frame);
    }
    const Frame last = bench.lastFrame();
    const QString lastType = last.header.value(Key::Type).toString();
    if (answer.isEmpty()) {
        QVERIFY(lastType != Type::TransferCancel);
    } else {
        QCOMPARE(lastType, Type::TransferCancel);
        QCOMPARE(last.header.value(Key::Transfer).toInt(), 3);
        QCOMPARE(last.header.contains(Key::Message), answer == u"cancel+message"_s);
    }
    if (outcome == Outcome::Done) {
        QVERIFY(bench.endings.isEmpty());
        QCOMPARE(bench.engine.count(), 1);
    } else {
        QCOMPARE(bench.endings.size(), 1);
        QCOMPARE(bench.endings.first().outcome, outcome);
        QVERIFY(!bench.endings.first().message.isEmpty());
    }
    QVERIFY(!QFile::exists(target));
}

void TestTransferEngine::clientSendingHostile_data()
{
    QTest::addColumn<QByteArray>("reply");   // the server's answer to the offer
    QTest::addColumn<qint64>("firstOffset"); // -1: no data, the transfer ends
    QTest::addColumn<Outcome>("outcome");    // with no data

    const QByteArray prefixMd5 = md5Hex(pattern(2 * Chunk).left(10));
    QTest::newRow("ready from 0") << QByteArray(R"({"type":"transfer_ready","transfer":9,"offset":0})") << qint64(0)
                                  << Outcome::Done;
    QTest::newRow("ready to resume") << QByteArray(R"({"type":"transfer_ready","transfer":9,"offset":10,"md5":")"
                                                   + prefixMd5 + R"("})")
                                     << qint64(10) << Outcome::Done;
    // A client is lenient: an offset it cannot use means from the start.
    QTest::newRow("ready beyond the file: from 0")
        << QByteArray(R"({"type":"transfer_ready","transfer":9,"offset":999999999,"md5":")" + prefixMd5 + R"("})")
        << qint64(0) << Outcome::Done;
    QTest::newRow("ready negative: from 0")
        << QByteArray(R"({"type":"transfer_ready","transfer":9,"offset":-4})") << qint64(0) << Outcome::Done;
    QTest::newRow("done before the data")
        << QByteArray(R"({"type":"transfer_done","transfer":9,"md5":"x"})") << qint64(-1) << Outcome::BadData;
    QTest::newRow("data to the sender") << QByteArray(R"({"type":"data","transfer":9,"offset":0})") << qint64(-1)
                                        << Outcome::BadData;
    QTest::newRow("refused") << QByteArray(R"({"type":"error","transfer":9,"code":"path_refused","message":"no"})")
                             << qint64(-1) << Outcome::Refused;
}

void TestTransferEngine::clientSendingHostile()
{
    QFETCH(QByteArray, reply);
    QFETCH(qint64, firstOffset);
    QFETCH(Outcome, outcome);

    Bench bench(TransferEngine::Role::Client);
    const QByteArray content = pattern(2 * Chunk);
    const QString path = bench.dir.filePath(u"up"_s);
    QVERIFY(writeFile(path, content));
    bench.out.room = 1;
    bench.engine.add(9, Direction::Send, {qint64(9), u"remote"_s, path, path, 0, {}, true});
    bench.engine.begin(9);
    QTRY_COMPARE(bench.out.types(), QStringList{Type::Upload});
    QCOMPARE(bench.lastFrame().header.value(Key::Overwrite).toBool(), true);
    const Frame frame{json(reply.constData()), {}};
    bench.engine.handleClientFrame(messageTypeFromName(frame.header.value(Key::Type).toString()), frame);
    if (firstOffset < 0) {
        QCOMPARE(bench.endings.size(), 1);
        QCOMPARE(bench.endings.first().outcome, outcome);
        return;
    }
    QTRY_COMPARE(bench.lastFrame().header.value(Key::Type).toString(), Type::Data);
    QCOMPARE(jsonInteger(bench.lastFrame().header, Key::Offset), firstOffset);
    QCOMPARE(bench.lastFrame().payload, content.mid(firstOffset, Chunk));

    // Then a transfer_done with another MD5 than ours is a mismatch, and nothing is said.
    bench.out.room = -1;
    bench.engine.pump();
    QCOMPARE(bench.endings.size(), 0);
    const qsizetype before = bench.out.frames.size();
    bench.engine.handleClientFrame(
        MessageType::TransferDone,
        {json(R"({"type":"transfer_done","transfer":9,"md5":"00000000000000000000000000000000"})"), {}});
    QCOMPARE(bench.out.frames.size(), before);
    QCOMPARE(bench.endings.size(), 1);
    QCOMPARE(bench.endings.first().outcome, Outcome::Mismatch);
}

void TestTransferEngine::clientCancelsMidway()
{
    Link link;
    const QByteArray content = pattern(4 * Chunk);
    const QString target = link.localFile(u"down"_s);
    QVERIFY(writeFile(link.remoteFile(u"src"_s), content));
    link.toClient.room = 1; // the server sends one chunk, then waits
    link.client.add(2, Direction::Receive, {qint64(2), u"src"_s, target, target, 0, {}, false});
    QSignalSpy progress(&link.client, &TransferEngine::progressed);
    link.client.begin(2);
    QTRY_COMPARE(progress.size(), 1);
    QCOMPARE(progress.first().at(1).toLongLong(), Chunk);
    QVERIFY(QFile::exists(FileTransfer::partialPathFor(target, md5Hex(content))));
    link.client.cancel(2);
    QCOMPARE(link.clientEndings.size(), 1);
    QCOMPARE(link.clientEndings.first().outcome, Outcome::Cancelled);
    QCOMPARE(link.toServer.types().last(), Type::TransferCancel);
    QVERIFY(!QFile::exists(FileTransfer::partialPathFor(target, md5Hex(content))));
    QTRY_COMPARE(link.serverEndings.size(), 1);
    QCOMPARE(link.serverEndings.first().outcome, Outcome::Cancelled);
    // Data still in flight for the cancelled transfer is ignored.
    link.toClient.room = -1;
    link.server.pump();
    link.client.handleClientFrame(MessageType::Data, {json(R"({"type":"data","transfer":2,"offset":65536})"), "x"});
    QCOMPARE(link.clientEndings.size(), 1);
    QCOMPARE(link.toServer.types().last(), Type::TransferCancel);
    // A waiting transfer is cancelled without a word.
    const qsizetype before = link.toServer.frames.size();
    link.client.add(3, Direction::Send, {qint64(3), u"x"_s, target, target, 0, {}, false});
    link.client.cancel(3);
    QCOMPARE(link.toServer.frames.size(), before);
    QCOMPARE(link.clientEndings.size(), 2);
}

void TestTransferEngine::endAllKeepsPartialFiles()
{
    Bench bench(TransferEngine::Role::Client);
    const QString target = bench.dir.filePath(u"t"_s);
    const QByteArray content = pattern(Chunk + 3);
    bench.engine.add(1, Direction::Receive, {qint64(1), u"t"_s, target, target, 0, {}, false});
    bench.engine.add(2, Direction::Send, {qint64(2), u"t"_s, target, target, 0, {}, false});
    bench.engine.begin(1);
    const QByteArray offer = R"({"type":"file","transfer":1,"file_size":65539,"md5":")" + md5Hex(content) + R"("})";
    bench.engine.handleClientFrame(MessageType::File, {json(offer.constData()), {}});
    bench.engine.handleClientFrame(MessageType::Data,
                                   {json(R"({"type":"data","transfer":1,"offset":0})"), content.left(Chunk)});

    // The connection is replaced: what began ends, what waits stays.
    bench.engine.endAll(Outcome::Connection, u"replaced"_s, true);
    QCOMPARE(bench.endings.size(), 1);
    QCOMPARE(bench.endings.first().key, quint64(1));
    QCOMPARE(bench.endings.first().outcome, Outcome::Connection);
    QVERIFY(bench.engine.isWaiting(2));
    QCOMPARE(readFile(FileTransfer::partialPathFor(target, md5Hex(content))), content.left(Chunk));
    bench.engine.endWaiting(2, Outcome::Refused, u"classic"_s);
    QCOMPARE(bench.endings.size(), 2);
    QCOMPARE(bench.engine.count(), 0);
}

QTEST_GUILESS_MAIN(TestTransferEngine)
#include "tst_transferengine.moc"
