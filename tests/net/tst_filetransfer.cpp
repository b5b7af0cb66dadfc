// File transfers over the console connection (docs/PROTOCOL.md §4.4):
// ConsoleClient against ConsoleServer over loopback, with real files in a
// temporary tree: sizes from 0 bytes to a 1 GiB sparse file, MD5 catching a
// flipped byte, a cut connection resumed, every refused path, overwriting,
// cancel, and transfers sharing one connection with a command.
#include "net/console/consoleclient.h"
#include "net/console/consoleserver.h"
#include "net/transfer/filetransfer.h"
#include "net/wire/consoleprotocol.h"
#include "nettesthelpers.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <memory>

using namespace Tincan;
using namespace Tincan::Console;
using TransferError = ConsoleClient::TransferError;

namespace {
constexpr qint64 KiB = 1024;
constexpr qint64 MiB = 1024 * KiB;
constexpr qint64 GiB = 1024 * MiB;
// A transfer of a few MiB on a loaded machine.
constexpr std::chrono::milliseconds TransferTimeout{30000};
// The 1 GiB file: hashed on both sides and written once, on 2 shared cores.
constexpr std::chrono::milliseconds LargeTransferTimeout{240000};

QByteArray randomBytes(qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator generator(quint32(size) ^ 0x7a11u);
    for (qsizetype i = 0; i < bytes.size(); ++i)
        bytes[i] = char(generator.bounded(256));
    return bytes;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

QByteArray md5Of(const QString &path)
{
    QFile file(path);
    QCryptographicHash hash(QCryptographicHash::Md5);
    if (!file.open(QIODevice::ReadOnly) || !hash.addData(&file))
        return {};
    return hash.result().toHex();
}

// Temporary files left in a directory.
QStringList partialFiles(const QString &directory)
{
    return QDir(directory).entryList({QStringLiteral("*.tincan-part")}, QDir::Files | QDir::Hidden);
}

// What a ConsoleClient reported about its transfers.
struct TransferLog
{
    std::map<quint64, QByteArray> finished;
    std::map<quint64, std::pair<TransferError, QString>> failed;
    std::map<quint64, qint64> resumedFrom;
    std::map<quint64, qint64> progress;

    explicit TransferLog(ConsoleClient &client)
    {
        QObject::connect(&client, &ConsoleClient::transferFinished, &client,
                         [this](quint64 id, const QByteArray &md5) { finished[id] = md5; });
        QObject::connect(&client, &ConsoleClient::transferFailed, &client,
                         [this](quint64 id, TransferError error, const QString &message) {
                             failed[id] = {error, message};
                         });
        QObject::connect(&client, &ConsoleClient::transferStarted, &client,
                         [this](quint64 id, qint64, qint64 from) { resumedFrom[id] = from; });
        QObject::connect(&client, &ConsoleClient::transferProgress, &client,
                         [this](quint64 id, qint64 done, qint64) { progress[id] = done; });
    }
    bool ended(quint64 id) const { return finished.contains(id) || failed.contains(id); }
    bool wait(quint64 id, std::chrono::milliseconds timeout = TransferTimeout) const
    {
        return Test::spinUntil([&] { return ended(id); }, timeout);
    }
    QString failure(quint64 id) const { return failed.contains(id) ? failed.at(id).second : QString(); }
};
} // namespace

class TestFileTransfer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_tree;
    std::unique_ptr<ConsoleServer> m_server;

    // The server's session directory, and the client's own files.
    QString remote() const { return m_tree->path() + QStringLiteral("/remote"); }
    QString local() const { return m_tree->path() + QStringLiteral("/local"); }
    QString outside() const { return m_tree->path() + QStringLiteral("/outside"); }

    bool startServer(bool allowAnyPath = false)
    {
        m_server = std::make_unique<ConsoleServer>();
        ConsoleServer::Options options;
        options.port = 0;
        options.startDirectory = remote();
        options.allowAnyPath = allowAnyPath;
        return m_server->listen(options);
    }

    std::unique_ptr<ConsoleClient> connectedClient()
    {
        auto client = std::make_unique<ConsoleClient>();
        client->connectToServer(QStringLiteral("127.0.0.1"), m_server->serverPort());
        if (!Test::spinUntil([&] { return client->state() == ConsoleClient::State::Ready; }, TransferTimeout))
            return nullptr;
        return client;
    }

private Q_SLOTS:
    void init()
    {
        m_tree = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tree->isValid());
        for (const QString &directory : QStringList{remote(), local(), outside(), remote() + QStringLiteral("/sub")})
            QVERIFY(QDir().mkpath(directory));
        QVERIFY(writeFile(outside() + QStringLiteral("/secret"), "outside the session\n"));
        QVERIFY(QFile::link(outside(), remote() + QStringLiteral("/linkdir")));
        QVERIFY(QFile::link(outside() + QStringLiteral("/secret"), remote() + QStringLiteral("/linkfile")));
        QVERIFY(writeFile(remote() + QStringLiteral("/sub/inner"), "inner\n"));
        QVERIFY(QFile::link(remote() + QStringLiteral("/sub/inner"), remote() + QStringLiteral("/innerlink")));
        QVERIFY(startServer());
    }

    void cleanup()
    {
        m_server.reset();
        m_tree.reset();
    }

    // ---- pure parts ----------------------------------------------------------

    void parsesMd5_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::newRow("lower") << QStringLiteral("d41d8cd98f00b204e9800998ecf8427e") << true;
        QTest::newRow("upper") << QStringLiteral("D41D8CD98F00B204E9800998ECF8427E") << true;
        QTest::newRow("short") << QStringLiteral("d41d8cd98f00b204e9800998ecf8427") << false;
        QTest::newRow("long") << QStringLiteral("d41d8cd98f00b204e9800998ecf8427e0") << false;
        QTest::newRow("not hex") << QStringLiteral("g41d8cd98f00b204e9800998ecf8427e") << false;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("non-ASCII digit") << QStringLiteral("d41d8cd98f00b204e9800998ecf8427\u0661") << false;
    }

    void parsesMd5()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        const std::optional<QByteArray> md5 = FileTransfer::parseMd5(text);
        QCOMPARE(md5.has_value(), valid);
        if (valid)
            QCOMPARE(*md5, text.toLower().toLatin1());
    }

    // ---- both directions, several sizes --------------------------------------

    void roundTrip_data()
    {
        QTest::addColumn<qint64>("size");
        QTest::newRow("0 bytes") << qint64(0);
        QTest::newRow("1 byte") << qint64(1);
        QTest::newRow("one chunk") << qint64(64 * KiB);
        QTest::newRow("one chunk and a byte") << qint64(64 * KiB + 1);
        QTest::newRow("3 MiB and change") << qint64(3 * MiB + 12345);
    }

    void roundTrip()
    {
        QFETCH(qint64, size);
        const QByteArray content = randomBytes(size);
        const QByteArray md5 = QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex();
        QVERIFY(writeFile(local() + QStringLiteral("/source.bin"), content));
        auto client = connectedClient();
        QVERIFY(client);
        TransferLog log(*client);
        QSignalSpy serverEnded(m_server.get(), &ConsoleServer::transferFinished);

        const quint64 up = client->upload(local() + QStringLiteral("/source.bin"), QStringLiteral("sub/uploaded.bin"));
        QVERIFY(log.wait(up));
        QVERIFY2(log.finished.contains(up), qPrintable(log.failure(up)));
        QCOMPARE(log.finished.at(up), md5);
        QCOMPARE(log.resumedFrom.at(up), 0);
        QCOMPARE(readFile(remote() + QStringLiteral("/sub/uploaded.bin")), content);
        QCOMPARE(partialFiles(remote() + QStringLiteral("/sub")), QStringList());
        QTRY_COMPARE(serverEnded.count(), 1);
        QCOMPARE(serverEnded.at(0).at(2).toBool(), true);

        const quint64 down
            = client->download(QStringLiteral("sub/uploaded.bin"), local() + QStringLiteral("/back.bin"));
        QVERIFY(log.wait(down));
        QVERIFY2(log.finished.contains(down), qPrintable(log.failure(down)));
        QCOMPARE(log.finished.at(down), md5);
        QCOMPARE(readFile(local() + QStringLiteral("/back.bin")), content);
        QCOMPARE(partialFiles(local()), QStringList());
        QTRY_COMPARE(serverEnded.count(), 2);
        QCOMPARE(client->transferCount(), 0);
        QCOMPARE(log.progress.at(up), size);
        QCOMPARE(log.progress.at(down), size);
    }

    void largeSparseFile()
    {
        // 1 GiB, sparse on the client's side: read as zeros, hashed, sent in
        // 16384 chunks, written for real on the server's side, hashed again.
        const QString source = local() + QStringLiteral("/sparse.img");
        {
            QFile file(source);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QVERIFY(file.resize(GiB));
            QVERIFY(file.seek(GiB / 2));
            QVERIFY(file.write("a mark in the middle") > 0); // not all zeros
        }
        const QByteArray md5 = md5Of(source);
        auto client = connectedClient();
        QVERIFY(client);
        TransferLog log(*client);
        QElapsedTimer timer;
        timer.start();
        const quint64 up = client->upload(source, QStringLiteral("sparse.img"));
        QVERIFY(log.wait(up, LargeTransferTimeout));
        QVERIFY2(log.finished.contains(up), qPrintable(log.failure(up)));
        qInfo("1 GiB upload: %lld ms", qint64(timer.elapsed()));
        QCOMPARE(log.finished.at(up), md5);
        QCOMPARE(QFileInfo(remote() + QStringLiteral("/sparse.img")).size(), GiB);
        QCOMPARE(md5Of(remote() + QStringLiteral("/sparse.img")), md5);
        QVERIFY(QFile::remove(remote() + QStringLiteral("/sparse.img")));
    }

    // ---- MD5 catches a changed byte ---------------------------------------------

    void corruptedByteIsCaught_data()
    {
        QTest::addColumn<bool>("upload");
        QTest::addColumn<qint64>("flipAt");
        QTest::newRow("upload, first byte") << true << qint64(0);
        QTest::newRow("upload, in the middle") << true << qint64(MiB + 7);
        QTest::newRow("download, first byte") << false << qint64(0);
        QTest::newRow("download, last byte") << false << qint64(2 * MiB - 1);
    }

    void corruptedByteIsCaught()
    {
        QFETCH(bool, upload);
        QFETCH(qint64, flipAt);
        const QByteArray content = randomBytes(2 * MiB);
        QVERIFY(writeFile(local() + QStringLiteral("/file.bin"), content));
        QVERIFY(writeFile(remote() + QStringLiteral("/file.bin"), content));
        auto client = connectedClient();
        QVERIFY(client);
        TransferLog log(*client);
        client->setTransferFaultForTesting(flipAt);
        const quint64 id = upload ? client->upload(local() + QStringLiteral("/file.bin"), QStringLiteral("copy.bin"))
                                  : client->download(QStringLiteral("file.bin"), local() + QStringLiteral("/copy.bin"));
        QVERIFY(log.wait(id));
        QVERIFY(log.failed.contains(id));
        QCOMPARE(log.failed.at(id).first, TransferError::Mismatch);
        QVERIFY2(log.failure(id).contains(QStringLiteral("MD5")), qPrintable(log.failure(id)));
        // Nothing under the real name, and no partial file to resume from.
        const QString directory = upload ? remote() : local();
        QVERIFY(!QFile::exists(directory + QStringLiteral("/copy.bin")));
        QCOMPARE(partialFiles(directory), QStringList());
        // The connection goes on: the same transfer without the fault works.
        const quint64 again = upload
            ? client->upload(local() + QStringLiteral("/file.bin"), QStringLiteral("copy.bin"))
            : client->download(QStringLiteral("file.bin"), local() + QStringLiteral("/copy.bin"));
        QVERIFY(log.wait(again));
        QVERIFY2(log.finished.contains(again), qPrintable(log.failure(again)));
        QCOMPARE(readFile(directory + QStringLiteral("/copy.bin")), content);
    }

    // ---- a cut connection, resumed -------------------------------------------------

    void cutConnectionResumes_data()
    {
        QTest::addColumn<bool>("upload");
        QTest::newRow("upload") << true;
        QTest::newRow("download") << false;
    }

    void cutConnectionResumes()
    {
        QFETCH(bool, upload);
        constexpr qint64 Size = 48 * MiB;
        const QByteArray content = randomBytes(Size);
        const QString sourcePath
            = upload ? local() + QStringLiteral("/big.bin") : remote() + QStringLiteral("/big.bin");
        const QString targetPath
            = upload ? remote() + QStringLiteral("/big.bin") : local() + QStringLiteral("/big.bin");
        QVERIFY(writeFile(sourcePath, content));
        const QByteArray md5 = QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex();

        auto client = connectedClient();
        QVERIFY(client);
        TransferLog log(*client);
        QTRY_COMPARE(m_server->clients().size(), 1);
        const quint64 clientId = m_server->clients().at(0).id;
        // The server's Disconnect, once the receiver has a few MiB on disk.
        const QString partial = FileTransfer::partialPathFor(targetPath, md5);
        bool cut = false;
        QObject::connect(client.get(), &ConsoleClient::transferProgress, this, [&] {
            if (!cut && QFileInfo(partial).size() >= 2 * MiB) {
                cut = true;
                m_server->disconnectClient(clientId);
            }
        });
        const quint64 first = upload ? client->upload(sourcePath, QStringLiteral("big.bin"))
                                     : client->download(QStringLiteral("big.bin"), targetPath);
        QVERIFY(log.wait(first));
        QVERIFY(cut);
        QVERIFY(log.failed.contains(first));
        QCOMPARE(log.failed.at(first).first, TransferError::Connection);
        QVERIFY(!QFile::exists(targetPath));
        QTRY_VERIFY(QFileInfo(partial).size() > 0);
        const qint64 kept = QFileInfo(partial).size();
        QVERIFY(kept < Size);
        QTRY_COMPARE(m_server->connectionCount(), 0);

        auto again = connectedClient();
        QVERIFY(again);
        TransferLog againLog(*again);
        const quint64 second = upload ? again->upload(sourcePath, QStringLiteral("big.bin"))
                                      : again->download(QStringLiteral("big.bin"), targetPath);
        QVERIFY(againLog.wait(second));
        QVERIFY2(againLog.finished.contains(second), qPrintable(againLog.failure(second)));
        QCOMPARE(againLog.resumedFrom.at(second), kept);
        QCOMPARE(againLog.finished.at(second), md5);
        QCOMPARE(md5Of(targetPath), md5);
        QVERIFY(!QFile::exists(partial));
    }

    void partialOfOtherBytesIsNotUsed_data()
    {
        QTest::addColumn<bool>("upload");
        QTest::newRow("upload") << true;
        QTest::newRow("download") << false;
    }

    void partialOfOtherBytesIsNotUsed()
    {
        // A temporary file under the right name whose bytes differ from the
        // source's first bytes (corrupted on disk): the sender's check
        // fails, and it sends everything from 0.
        QFETCH(bool, upload);
        const QByteArray content = randomBytes(MiB);
        const QString sourcePath = upload ? local() + QStringLiteral("/f.bin") : remote() + QStringLiteral("/f.bin");
        const QString targetPath = upload ? remote() + QStringLiteral("/f.bin") : local() + QStringLiteral("/f.bin");
        QVERIFY(writeFile(sourcePath, content));
        const QByteArray md5 = QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex();
        QByteArray corrupted = content.first(300 * KiB);
        corrupted[1000] = char(corrupted.at(1000) ^ 0x40);
        QVERIFY(writeFile(FileTransfer::partialPathFor(targetPath, md5), corrupted));
        auto client = connectedClient();
        QVERIFY(client);
        TransferLog log(*client);
        const quint64 id = upload ? client->upload(sourcePath, QStringLiteral("f.bin"))
                                  : client->download(QStringLiteral("f.bin"), targetPath);
        QVERIFY(log.wait(id));
        QVERIFY2(log.finished.contains(id), qPrintable(log.failure(id)));
        QCOMPARE(log.resumedFrom.at(id), 0);
        QCOMPARE(readFile(targetPath), content);
    }

    // ---- paths -----------------------------------------------------------------------

    void refusedPaths_data()
    {
        QTest::addColumn<bool>("upload");
        QTest::addColumn<QString>("path"); // %O: the outside directory
        QTest::addColumn<bool>("allowAnyPath");
        QTest::addColumn<int>("error");
        QTest::addColumn<QString>("says");
        const int refused = int(TransferError::Refused);
        const int exists = int(TransferError::Exists);
        for (bool upload : {true, false}) {
            const char *way = upload ? "upload" : "download";
            const QString name = upload ? QStringLiteral("new.txt") : QStringLiteral("secret");
            QTest::addRow("%s: absolute", way)
                << upload << QStringLiteral("%O/") + name << false << refused << QStringLiteral("absolute");
            QTest::addRow("%s: dot dot", way) << upload << QStringLiteral("../outside/") + name << false << refused
                                              << QStringLiteral("out of the session");
            QTest::addRow("%s: dot dot in the middle", way) << upload << QStringLiteral("sub/../../outside/") + name
                                                            << false << refused << QStringLiteral("out of the session");
            QTest::addRow("%s: through a linked directory", way)
                << upload << QStringLiteral("linkdir/") + name << false << refused << QStringLiteral("symbolic link");
            QTest::addRow("%s: the session directory itself", way)
                << upload << QStringLiteral(".") << false << refused << QStringLiteral("out of the session");
            QTest::addRow("%s: empty", way) << upload << QString() << false << refused << QStringLiteral("1 to");
        }
        QTest::newRow("download: a link to a file outside")
            << false << QStringLiteral("linkfile") << false << refused << QStringLiteral("symbolic link");
        QTest::newRow("upload: onto a link to a file outside")
            << true << QStringLiteral("linkfile") << false << refused << QStringLiteral("symbolic link");
        QTest::newRow("download: missing")
            << false << QStringLiteral("nope") << false << refused << QStringLiteral("does not exist");
        QTest::newRow("download: a directory")
            << false << QStringLiteral("sub") << false << refused << QStringLiteral("not a regular file");
        QTest::newRow("download: a device")
            << false << QStringLiteral("/dev/null") << true << refused << QStringLiteral("not a regular file");
        QTest::newRow("upload: onto a directory")
            << true << QStringLiteral("sub") << false << refused << QStringLiteral("is a directory");
        QTest::newRow("upload: into a missing directory")
            << true << QStringLiteral("nowhere/new.txt") << false << refused << QStringLiteral("does not exist");
        QTest::newRow("upload: onto an existing file")
            << true << QStringLiteral("sub/inner") << false << exists << QStringLiteral("not replaced");
    }

    void refusedPaths()
    {
        QFETCH(bool, upload);
        QFETCH(QString, path);
        QFETCH(bool, allowAnyPath);
        QFETCH(int, error);
        QFETCH(QString, says);
        if (allowAnyPath)
            QVERIFY(startServer(true));
        path.replace(QStringLiteral("%O"), outside());
        QVERIFY(writeFile(local() + QStringLiteral("/new.txt"), "new\n"));
        auto client = connectedClient();
        QVERIFY(client);
        TransferLog log(*client);
        const quint64 id = upload ? client->upload(local() + QStringLiteral("/new.txt"), path)
                                  : client->download(path, local() + QStringLiteral("/fetched"));
        QVERIFY(log.wait(id));
        QVERIFY2(log.failed.contains(id), "the transfer was not refused");
        QCOMPARE(int(log.failed.at(id).first), error);
        QVERIFY2(log.failure(id).contains(says), qPrintable(log.failure(id)));
        // Nothing changed outside, nothing fetched, nothing left half-done.
        QCOMPARE(readFile(outside() + QStringLiteral("/secret")), QByteArray("outside the session\n"));
        QCOMPARE(QDir(outside()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("secret")});
        QCOMPARE(readFile(remote() + QStringLiteral("/sub/inner")), QByteArray("inner\n"));
        QVERIFY(!QFile::exists(local() + QStringLiteral("/fetched")));
        QCOMPARE(partialFiles(remote()), QStringList());
        // The connection serves the next request.
        const quint64 fine = client->download(QStringLiteral("sub/inner"), local() + QStringLiteral("/fine"));
        QVERIFY(log.wait(fine));
        QVERIFY2(log.finished.contains(fine), qPrintable(log.failure(fine)));
    }

    void allowedPaths_data()
    {
        QTest::addColumn<bool>("upload");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("allowAnyPath");
        QTest::newRow("upload: in a subdirectory") << true << QStringLiteral("sub/new.txt") << false;
        QTest::newRow("upload: dot dot that stays inside") << true << QStringLiteral("sub/../new.txt") << false;
        QTest::newRow("download: a link inside") << false << QStringLiteral("innerlink") << false;
        QTest::newRow("upload: absolute, allowed") << true << QStringLiteral("%O/new.txt") << true;
        QTest::newRow("upload: dot dot, allowed") << true << QStringLiteral("../outside/new.txt") << true;
        QTest::newRow("download: a link outside, allowed") << false << QStringLiteral("linkfile") << true;
        QTest::newRow("download: absolute, allowed") << false << QStringLiteral("%O/secret") << true;
    }

    void allowedPaths()
    {
        QFETCH(bool, upload);
        QFETCH(QString, path);
        QFETCH(bool, allowAnyPath);
        if (allowAnyPath)
            QVERIFY(startServer(true));
        path.replace(QStringLiteral("%O"), outside());
        QVERIFY(writeFile(local() + QStringLiteral("/new.txt"), "new\n"));
        auto client = connectedClient();
        QVERIFY(client);
        TransferLog log(*client);
        const quint64 id = upload ? client->upload(local() + QStringLiteral("/new.txt"), path)
                                  : client->download(path, local() + QStringLiteral("/fetched"));
        QVERIFY(log.wait(id));
        QVERIFY2(log.finished.contains(id), qPrintable(log.failure(id)));
        if (upload) {
            const QString written = QDir::isAbsolutePath(path) ? path : QDir::cleanPath(remote() + u'/' + path);
            QCOMPARE(readFile(written), QByteArray("new\n"));
        } else {
            QVERIFY(QFileInfo(local() + QStringLiteral("/fetched")).size() > 0);
        }
    }

    void relativeToTheSessionDirectory()
    {
        auto client = connectedClient();
        QVERIFY(client);
        TransferLog log(*client);
        QSignalSpy finished(client.get(), &ConsoleClient::commandFinished);
        client->exec(QStringLiteral("cd sub"));
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(writeFile(local() + QStringLiteral("/new.txt"), "new\n"));
        const quint64 up = client->upload(local() + QStringLiteral("/new.txt"), QStringLiteral("here.txt"));
        QVERIFY(log.wait(up));
        QVERIFY2(log.finished.contains(up), qPrintable(log.failure(up)));
        QCOMPARE(readFile(remote() + QStringLiteral("/sub/here.txt")), QByteArray("new\n"));
        // `..` back to the start directory is outside the session's directory now.
        const quint64 down = client->download(QStringLiteral("../linkfile"), local() + QStringLiteral("/x"));
        QVERIFY(log.wait(down));
        QCOMPARE(log.failed.at(down).first, TransferError::Refused);
    }

    // ---- overwriting -------------------------------------------------------------------

    void overwrite_data()
    {
        QTest::addColumn<bool>("upload");
        QTest::addColumn<bool>("overwrite");
        QTest::newRow("upload refused") << true << false;
        QTest::newRow("upload allowed") << true << true;
        QTest::newRow("download refused") << false << false;
        QTest::newRow("download allowed") << false << true;
    }

    void overwrite()
    {
        QFETCH(bool, upload);
        QFETCH(bool, overwrite);
        QVERIFY(writeFile(local() + QStringLiteral("/f.txt"), upload ? "new\n" : "old\n"));
        QVERIFY(writeFile(remote() + QStringLiteral("/f.txt"), upload ? "old\n" : "new\n"));
        auto client = connectedClient();
        QVERIFY(client);
        TransferLog log(*client);
        const quint64 id = upload
            ? client->upload(local() + QStringLiteral("/f.txt"), QStringLiteral("f.txt"), overwrite)
            : client->download(QStringLiteral("f.txt"), local() + QStringLiteral("/f.txt"), overwrite);
        QVERIFY(log.wait(id));
        const QString target = upload ? remote() + QStringLiteral("/f.txt") : local() + QStringLiteral("/f.txt");
        if (overwrite) {
            QVERIFY2(log.finished.contains(id), qPrintable(log.failure(id)));
            QCOMPARE(readFile(target), QByteArray("new\n"));
        } else {
            QVERIFY(log.failed.contains(id));
            QCOMPARE(log.failed.at(id).first, TransferError::Exists);
            QCOMPARE(readFile(target), QByteArray("old\n"));
        }
    }

    // ---- sharing the connection; cancel; limits -------------------------------------------

    void twoTransfersAndACommandAtOnce()
    {
        const QByteArray up = randomBytes(6 * MiB);
        const QByteArray down = randomBytes(5 * MiB + 3);
        QVERIFY(writeFile(local() + QStringLiteral("/up.bin"), up));
        QVERIFY(writeFile(remote() + QStringLiteral("/down.bin"), down));
        auto client = connectedClient();
        QVERIFY(client);
        TransferLog log(*client);
        QSignalSpy finished(client.get(), &ConsoleClient::commandFinished);
        QByteArray output;
        connect(client.get(), &ConsoleClient::outputReceived, this,
                [&](quint64, OutputStream, const QByteArray &data) { output += data; });
        // Both transfers and the command overlap: the command prints while data flows.
        const quint64 command = client->exec(QStringLiteral("for i in 1 2 3 4 5; do echo tick $i; sleep 0.05; done"));
        const quint64 a = client->upload(local() + QStringLiteral("/up.bin"), QStringLiteral("up.bin"));
        const quint64 b = client->download(QStringLiteral("down.bin"), local() + QStringLiteral("/down.bin"));
        int bothRunning = 0;
        connect(client.get(), &ConsoleClient::transferProgress, this, [&] {
            if (client->transferCount() == 2 && client->pendingCommandCount() == 1)
                ++bothRunning;
        });
        QVERIFY(log.wait(a));
        QVERIFY(log.wait(b));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toULongLong(), command);
        QVERIFY2(log.finished.contains(a), qPrintable(log.failure(a)));
        QVERIFY2(log.finished.contains(b), qPrintable(log.failure(b)));
        QCOMPARE(readFile(remote() + QStringLiteral("/up.bin")), up);
        QCOMPARE(readFile(local() + QStringLiteral("/down.bin")), down);
        QCOMPARE(output, QByteArray("tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n"));
        QVERIFY(bothRunning > 0);
    }

    void cancel_data()
    {
        QTest::addColumn<bool>("upload");
        QTest::newRow("upload") << true;
        QTest::newRow("download") << false;
    }

    void cancel()
    {
        QFETCH(bool, upload);
        const QByteArray content = randomBytes(32 * MiB);
        QVERIFY(writeFile(upload ? local() + QStringLiteral("/c.bin") : remote() + QStringLiteral("/c.bin"), content));
        auto client = connectedClient();
        QVERIFY(client);
        TransferLog log(*client);
        QSignalSpy serverEnded(m_server.get(), &ConsoleServer::transferFinished);
        quint64 id = 0;
        connect(client.get(), &ConsoleClient::transferProgress, this, [&](quint64 which, qint64 done, qint64) {
            if (done >= 2 * MiB)
                client->cancelTransfer(which);
        });
        id = upload ? client->upload(local() + QStringLiteral("/c.bin"), QStringLiteral("c.bin"))
                    : client->download(QStringLiteral("c.bin"), local() + QStringLiteral("/c.bin"));
        QVERIFY(log.wait(id));
        QCOMPARE(log.failed.at(id).first, TransferError::Cancelled);
        QTRY_COMPARE(serverEnded.count(), 1);
        QCOMPARE(serverEnded.at(0).at(2).toBool(), false);
        const QString directory = upload ? remote() : local();
        QVERIFY(!QFile::exists(directory + QStringLiteral("/c.bin")));
        // A cancel is deliberate: no partial file is kept.
        QCOMPARE(partialFiles(directory), QStringList());
        // The connection goes on.
        QSignalSpy finished(client.get(), &ConsoleClient::commandFinished);
        client->exec(QStringLiteral("true"));
        QTRY_COMPARE(finished.count(), 1);
    }

    void serverStopClosesFiles()
    {
        const QByteArray content = randomBytes(32 * MiB);
        QVERIFY(writeFile(local() + QStringLiteral("/s.bin"), content));
        const QByteArray md5 = QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex();
        auto client = connectedClient();
        QVERIFY(client);
        TransferLog log(*client);
        const QString partial = FileTransfer::partialPathFor(remote() + QStringLiteral("/s.bin"), md5);
        bool stopped = false;
        connect(client.get(), &ConsoleClient::transferProgress, this, [&] {
            if (!stopped && QFileInfo(partial).size() >= 2 * MiB) {
                stopped = true;
                m_server->shutdown();
            }
        });
        const quint64 id = client->upload(local() + QStringLiteral("/s.bin"), QStringLiteral("s.bin"));
        QVERIFY(log.wait(id));
        QVERIFY(log.failed.contains(id));
        QCOMPARE(log.failed.at(id).first, TransferError::Connection);
        QTRY_COMPARE(m_server->connectionCount(), 0);
        // The partial file stays for a resume, and nothing holds it open.
        QVERIFY(QFile::exists(partial));
        QVERIFY(!QFile::exists(remote() + QStringLiteral("/s.bin")));
        bool open = false;
        const QFileInfoList descriptors
            = QDir(QStringLiteral("/proc/self/fd")).entryInfoList(QDir::System | QDir::Files);
        for (const QFileInfo &descriptor : descriptors)
            open = open || descriptor.symLinkTarget() == partial;
        QVERIFY(!open);
    }

    void classicClientsCannotTransfer()
    {
        ConsoleClient client;
        TransferLog log(client);
        client.connectToServer(QStringLiteral("127.0.0.1"), m_server->serverPort(), ConsoleClient::Mode::Classic);
        QVERIFY(writeFile(local() + QStringLiteral("/new.txt"), "new\n"));
        const quint64 id = client.upload(local() + QStringLiteral("/new.txt"), QStringLiteral("new.txt"));
        QVERIFY(log.wait(id));
        QCOMPARE(log.failed.at(id).first, TransferError::Refused);
        QVERIFY(!QFile::exists(remote() + QStringLiteral("/new.txt")));
    }

    // The wire as PROTOCOL.md tells it, with a client written from it: the
    // download offer, a transfer_ready past the end, and the server's resume
    // offer for an upload whose partial file is there.
    void wireByTheDescription()
    {
        QVERIFY(writeFile(remote() + QStringLiteral("/w.txt"), "hello\n"));
        Test::RawConsoleClient client(m_server->serverPort());
        QVERIFY(client.greet());
        client.sendFrame({{Key::Type, Type::Download}, {Key::Transfer, 1}, {Key::FileName, QStringLiteral("w.txt")}});
        const std::optional<Frame> offer = client.waitFor(Type::File);
        QVERIFY(offer);
        QCOMPARE(offer->header.value(Key::Transfer).toInt(), 1);
        QCOMPARE(offer->header.value(Key::FileName).toString(), QStringLiteral("w.txt"));
        QCOMPARE(jsonInteger(offer->header, Key::FileSize), std::optional<qint64>(6));
        QCOMPARE(offer->header.value(Key::Md5).toString(), QStringLiteral("b1946ac92492d2347c6235b4d2611184"));
        client.sendFrame({{Key::Type, Type::TransferReady}, {Key::Transfer, 1}, {Key::Offset, 7}});
        const std::optional<Frame> error = client.waitFor(Type::Error);
        QVERIFY(error);
        QCOMPARE(error->header.value(Key::Code).toString(), QString(ErrorCode::BadData));
        QCOMPARE(error->header.value(Key::Transfer).toInt(), 1);
        QVERIFY(error->header.value(Key::Message).toString().contains(QStringLiteral("offset")));

        // An upload of the same bytes to u.txt, with half of them already there.
        const QByteArray md5 = "b1946ac92492d2347c6235b4d2611184";
        QVERIFY(writeFile(FileTransfer::partialPathFor(remote() + QStringLiteral("/u.txt"), md5), "hel"));
        client.clearFrames();
        client.sendFrame({{Key::Type, Type::Upload},
                          {Key::Transfer, QStringLiteral("u")},
                          {Key::FileName, QStringLiteral("u.txt")},
                          {Key::FileSize, 6},
                          {Key::Md5, QString::fromLatin1(md5)}});
        const std::optional<Frame> ready = client.waitFor(Type::TransferReady);
        QVERIFY(ready);
        QCOMPARE(jsonInteger(ready->header, Key::Offset), std::optional<qint64>(3));
        QCOMPARE(ready->header.value(Key::Md5).toString(),
                 QString::fromLatin1(QCryptographicHash::hash("hel", QCryptographicHash::Md5).toHex()));
        // The rest, from the offered offset.
        client.sendFrame({{Key::Type, Type::Data}, {Key::Transfer, QStringLiteral("u")}, {Key::Offset, 3}}, "lo\n");
        const std::optional<Frame> done = client.waitFor(Type::TransferDone);
        QVERIFY(done);
        QCOMPARE(done->header.value(Key::Md5).toString(), QString::fromLatin1(md5));
        QCOMPARE(readFile(remote() + QStringLiteral("/u.txt")), QByteArray("hello\n"));
        QCOMPARE(partialFiles(remote()), QStringList());
    }

    void localErrors()
    {
        auto client = connectedClient();
        QVERIFY(client);
        TransferLog log(*client);
        const quint64 missing = client->upload(local() + QStringLiteral("/nope"), QStringLiteral("nope"));
        QVERIFY(log.wait(missing));
        QCOMPARE(log.failed.at(missing).first, TransferError::LocalFile);
        QVERIFY(writeFile(remote() + QStringLiteral("/r.txt"), "r\n"));
        const quint64 intoNowhere
            = client->download(QStringLiteral("r.txt"), local() + QStringLiteral("/no/dir/r.txt"));
        QVERIFY(log.wait(intoNowhere));
        QCOMPARE(log.failed.at(intoNowhere).first, TransferError::LocalFile);
        const quint64 ontoDirectory = client->download(QStringLiteral("r.txt"), local());
        QVERIFY(log.wait(ontoDirectory));
        QCOMPARE(log.failed.at(ontoDirectory).first, TransferError::LocalFile);
    }
};

QTEST_GUILESS_MAIN(TestFileTransfer)
#include "tst_filetransfer.moc"
