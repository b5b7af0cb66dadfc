// KnownHostsList (the pure content of a known-hosts file: parsing, lookups,
// changes, rewriting byte for byte) and KnownHosts (the file: permissions,
// limits, atomic rewrites, locking).
#include "net/tls/knownhosts.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QLockFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace Tincan;
using Status = KnownHostsList::Status;

namespace {

// Distinct fingerprints, from the SHA-256 of a word.
TlsFingerprint fingerprint(QByteArrayView seed)
{
    return TlsFingerprint::fromDigest(QCryptographicHash::hash(seed, QCryptographicHash::Sha256)).value();
}

QByteArray canonical(QByteArrayView seed)
{
    return fingerprint(seed).toString().toLatin1();
}

int modeOf(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 07777);
}

bool writeFile(const QString &path, const QByteArray &contents)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(contents) == contents.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

Q_DECLARE_METATYPE(Tincan::KnownHostsList::Status)

class TestKnownHosts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalizeHost_data();
    void normalizeHost();
    void lookup_data();
    void lookup();
    void problems_data();
    void problems();
    void roundTripKeepsEveryByte_data();
    void roundTripKeepsEveryByte();
    void randomBytesNeverBreakIt();
    void rememberAppendsOrReplacesInPlace();
    void rememberRefusesInvalidInput_data();
    void rememberRefusesInvalidInput();
    void forgetRemovesEveryEntry();

    void missingFileIsEmpty();
    void rememberWritesOwnerOnlyFile();
    void rewriteKeepsCommentsAndJunk();
    void refusesUnsafeFiles_data();
    void refusesUnsafeFiles();
    void refusesFileOfAnotherUser();
    void waitsForTheLock();
};

// ---- KnownHostsList --------------------------------------------------------

void TestKnownHosts::normalizeHost_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("normalized"); // empty: invalid

    QTest::newRow("name") << "example.org"
                          << "example.org";
    QTest::newRow("upper case") << "Example.ORG"
                                << "example.org";
    QTest::newRow("trailing dot") << "example.org."
                                  << "example.org";
    QTest::newRow("single label") << "localhost"
                                  << "localhost";
    QTest::newRow("underscore") << "build_box"
                                << "build_box";
    QTest::newRow("international") << QString::fromUtf8("bücher.example") << "xn--bcher-kva.example";
    QTest::newRow("IPv4") << "192.168.1.20"
                          << "192.168.1.20";
    QTest::newRow("IPv4 short form") << "127.1"
                                     << "127.0.0.1";
    QTest::newRow("IPv6") << "::1"
                          << "::1";
    QTest::newRow("IPv6 long form") << "0:0:0:0:0:0:0:1"
                                    << "::1";
    QTest::newRow("IPv6 upper case") << "FE80::AB"
                                     << "fe80::ab";
    QTest::newRow("IPv6 in brackets") << "[::1]"
                                      << "::1";
    QTest::newRow("IPv6 with scope") << "fe80::1%eth0"
                                     << "fe80::1%eth0";
    QTest::newRow("surrounding spaces") << "  example.org "
                                        << "example.org";

    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("spaces only") << "   "
                                 << "";
    QTest::newRow("inner space") << "exa mple.org"
                                 << "";
    QTest::newRow("comment sign") << "example#org"
                                  << "";
    QTest::newRow("empty label") << "example..org"
                                 << "";
    QTest::newRow("colon in a name") << "example.org:22"
                                     << "";
    QTest::newRow("bad IPv6") << "::1::2"
                              << "";
    QTest::newRow("empty brackets") << "[]"
                                    << "";
    QTest::newRow("slash") << "a/b"
                           << "";
    QTest::newRow("NUL") << QString(QChar(0)) << "";
    QTest::newRow("too long") << QString(KnownHostsList::MaxHostLength + 1, u'a') << "";
}

void TestKnownHosts::normalizeHost()
{
    QFETCH(QString, host);
    QFETCH(QString, normalized);
    const std::optional<QString> result = KnownHostsList::normalizeHost(host);
    QCOMPARE(result.value_or(QString()), normalized);
    const std::optional<QString> key = KnownHostsList::hostKey(host, 8082);
    if (normalized.isEmpty())
        QVERIFY(!key);
    else if (normalized.contains(u':'))
        QCOMPARE(key.value_or(QString()), u'[' + normalized + u"]:8082");
    else
        QCOMPARE(key.value_or(QString()), normalized + u":8082");
    QVERIFY(!KnownHostsList::hostKey(host, 0));
}

void TestKnownHosts::lookup_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QByteArray>("presented"); // seed of the fingerprint the server shows
    QTest::addColumn<Status>("status");
    QTest::addColumn<QByteArray>("expected"); // seed of the pinned one, for Match and Mismatch
    QTest::addColumn<int>("line");

    const QByteArray a = canonical("a");
    const QByteArray b = canonical("b");
    const QByteArray hexA = fingerprint("a").toHexString().toLatin1();

    QTest::newRow("empty file") << QByteArray() << "example.org" << 8082 << QByteArray("a") << Status::Unknown
                                << QByteArray() << 0;
    QTest::newRow("match") << ("example.org:8082 " + a + '\n') << "example.org" << 8082 << QByteArray("a")
                           << Status::Match << QByteArray("a") << 1;
    QTest::newRow("mismatch") << ("example.org:8082 " + a + '\n') << "example.org" << 8082 << QByteArray("b")
                              << Status::Mismatch << QByteArray("a") << 1;
    QTest::newRow("other port") << ("example.org:8082 " + a + '\n') << "example.org" << 8083 << QByteArray("a")
                                << Status::Unknown << QByteArray() << 0;
    QTest::newRow("other host") << ("example.org:8082 " + a + '\n') << "example.net" << 8082 << QByteArray("a")
                                << Status::Unknown << QByteArray() << 0;
    QTest::newRow("host case and dot") << ("Example.ORG.:8082 " + a + '\n') << "example.org" << 8082 << QByteArray("a")
                                       << Status::Match << QByteArray("a") << 1;
    QTest::newRow("asked in upper case") << ("example.org:8082 " + a + '\n') << "EXAMPLE.org" << 8082 << QByteArray("a")
                                         << Status::Match << QByteArray("a") << 1;
    QTest::newRow("hex fingerprint") << ("example.org:8082 " + hexA + '\n') << "example.org" << 8082 << QByteArray("a")
                                     << Status::Match << QByteArray("a") << 1;
    QTest::newRow("IPv6 in brackets") << ("[::1]:8082 " + a + '\n') << "::1" << 8082 << QByteArray("a") << Status::Match
                                      << QByteArray("a") << 1;
    QTest::newRow("IPv6 written long") << ("[0:0::1]:8082 " + a + '\n') << "[::1]" << 8082 << QByteArray("a")
                                       << Status::Match << QByteArray("a") << 1;
    QTest::newRow("IPv4 is not its name") << ("127.0.0.1:8082 " + a + '\n') << "localhost" << 8082 << QByteArray("a")
                                          << Status::Unknown << QByteArray() << 0;
    QTest::newRow("after comments and junk")
        << ("# pins\n\nnot an entry\n  example.org:8082   " + a + "   # the lab\n") << "example.org" << 8082
        << QByteArray("a") << Status::Match << QByteArray("a") << 4;
    QTest::newRow("tabs and CRLF") << ("example.org:8082\t" + a + "\r\n") << "example.org" << 8082 << QByteArray("a")
                                   << Status::Match << QByteArray("a") << 1;
    QTest::newRow("no final newline") << ("x.org:1 " + b + "\nexample.org:8082 " + a) << "example.org" << 8082
                                      << QByteArray("a") << Status::Match << QByteArray("a") << 2;
    QTest::newRow("first of two entries decides")
        << ("example.org:8082 " + b + "\nexample.org:8082 " + a + '\n') << "example.org" << 8082 << QByteArray("a")
        << Status::Mismatch << QByteArray("b") << 1;
    QTest::newRow("commented-out entry") << ("#example.org:8082 " + a + '\n') << "example.org" << 8082
                                         << QByteArray("a") << Status::Unknown << QByteArray() << 0;
    QTest::newRow("broken entry is not a pin") << QByteArray("example.org:8082 SHA256:broken\n") << "example.org"
                                               << 8082 << QByteArray("a") << Status::Unknown << QByteArray() << 0;
    QTest::newRow("invalid host asked") << ("example.org:8082 " + a + '\n') << "exa mple" << 8082 << QByteArray("a")
                                        << Status::Unknown << QByteArray() << 0;
    QTest::newRow("null fingerprint presented") << ("example.org:8082 " + a + '\n') << "example.org" << 8082
                                                << QByteArray() << Status::Mismatch << QByteArray("a") << 1;
}

void TestKnownHosts::lookup()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QByteArray, presented);
    QFETCH(Status, status);
    QFETCH(QByteArray, expected);
    QFETCH(int, line);

    const KnownHostsList list = KnownHostsList::parse(content);
    const TlsFingerprint shown = presented.isEmpty() ? TlsFingerprint() : fingerprint(presented);
    const KnownHostsList::Lookup result = list.lookup(host, quint16(port), shown);
    QCOMPARE(result.status, status);
    QCOMPARE(result.line, line);
    if (status == Status::Unknown) {
        QVERIFY(result.expected.isNull());
        QVERIFY(!list.pinned(host, quint16(port)));
    } else {
        QCOMPARE(result.expected, fingerprint(expected));
        QCOMPARE(list.pinned(host, quint16(port)), fingerprint(expected));
    }
}

void TestKnownHosts::problems_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("entries");
    QTest::addColumn<QList<int>>("lines");
    QTest::addColumn<QString>("reason"); // in the first problem

    const QByteArray a = canonical("a");
    QTest::newRow("clean") << ("# c\n\nexample.org:8082 " + a + "\n[::1]:1 " + a + '\n') << 2 << QList<int>{} << "";
    QTest::newRow("one field") << QByteArray("example.org:8082\n") << 0 << QList<int>{1} << "host:port fingerprint";
    QTest::newRow("three fields") << ("example.org:8082 " + a + " extra\n") << 0 << QList<int>{1}
                                  << "host:port fingerprint";
    QTest::newRow("no port") << ("example.org " + a + '\n') << 0 << QList<int>{1} << "has no port";
    QTest::newRow("empty port") << ("example.org: " + a + '\n') << 0 << QList<int>{1} << "not a port number";
    QTest::newRow("port 0") << ("example.org:0 " + a + '\n') << 0 << QList<int>{1} << "not a port number";
    QTest::newRow("port too big") << ("example.org:65536 " + a + '\n') << 0 << QList<int>{1} << "not a port";
    QTest::newRow("signed port") << ("example.org:+22 " + a + '\n') << 0 << QList<int>{1} << "not a port";
    QTest::newRow("long port") << ("example.org:000022 " + a + '\n') << 0 << QList<int>{1} << "not a port";
    QTest::newRow("bare IPv6") << ("::1:8082 " + a + '\n') << 0 << QList<int>{1} << "in brackets";
    QTest::newRow("unclosed bracket") << ("[::1:8082 " + a + '\n') << 0 << QList<int>{1} << "[address]:port";
    QTest::newRow("bracket without port") << ("[::1] " + a + '\n') << 0 << QList<int>{1} << "[address]:port";
    QTest::newRow("bad host") << ("exa_mple..org:1 " + a + '\n') << 0 << QList<int>{1} << "not a host name";
    QTest::newRow("bad fingerprint") << QByteArray("example.org:1 SHA256:abc\n") << 0 << QList<int>{1}
                                     << "not a SHA-256 fingerprint";
    QTest::newRow("invalid UTF-8") << ("ex\xff\xfe.org:1 " + a + '\n') << 0 << QList<int>{1} << "UTF-8";
    QTest::newRow("NUL in a line") << QByteArray("example.org:1\0 x\n", 17) << 0 << QList<int>{1} << "";
    QTest::newRow("line too long") << (QByteArray(KnownHostsList::MaxLineLength + 1, 'x') + '\n') << 0 << QList<int>{1}
                                   << "longer than";
    QTest::newRow("long comment") << ('#' + QByteArray(KnownHostsList::MaxLineLength, 'x') + '\n') << 0 << QList<int>{1}
                                  << "longer than";
    QTest::newRow("repeat") << ("example.org:1 " + a + "\nx.org:2 " + a + "\nEXAMPLE.org:1 " + a + '\n') << 3
                            << QList<int>{3} << "already pinned on line 1";
    QTest::newRow("mixed") << ("junk\nexample.org:1 " + a + "\nmore junk\n\n# ok\nx:99999 " + a + '\n') << 1
                           << QList<int>{1, 3, 6} << "host:port fingerprint";
}

void TestKnownHosts::problems()
{
    QFETCH(QByteArray, content);
    QFETCH(int, entries);
    QFETCH(QList<int>, lines);
    QFETCH(QString, reason);

    const KnownHostsList list = KnownHostsList::parse(content);
    QCOMPARE(list.entryCount(), entries);
    QList<int> problemLines;
    for (const KnownHostsList::Problem &problem : list.problems()) {
        problemLines.append(problem.line);
        QVERIFY(!problem.reason.isEmpty());
    }
    QCOMPARE(problemLines, lines);
    if (!lines.isEmpty())
        QVERIFY2(list.problems().first().reason.contains(reason), qPrintable(list.problems().first().reason));
    // Whatever was read is written back unchanged.
    QCOMPARE(list.serialize(), content);
}

void TestKnownHosts::roundTripKeepsEveryByte_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QByteArray>("written");

    const QByteArray a = canonical("a");
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("one newline") << QByteArray("\n") << QByteArray("\n");
    QTest::newRow("entries, comments, junk")
        << ("# head\n  example.org:8082   " + a + "  # note\n\njunk line\r\n") << QByteArray();
    QTest::newRow("CRLF everywhere") << ("# c\r\nexample.org:1 " + a + "\r\n") << QByteArray();
    QTest::newRow("no final newline gets one") << ("example.org:1 " + a) << ("example.org:1 " + a + '\n');
    QTest::newRow("binary junk") << QByteArray("\x00\x01\xff\n\xc3\x28\n", 7) << QByteArray();
}

void TestKnownHosts::roundTripKeepsEveryByte()
{
    QFETCH(QByteArray, content);
    QFETCH(QByteArray, written);
    if (written.isEmpty())
        written = content;
    QCOMPARE(KnownHostsList::parse(content).serialize(), written);
}

void TestKnownHosts::randomBytesNeverBreakIt()
{
    // Hostile content: random bytes, lines of every shape. Parsing must not
    // crash, must keep every byte, and changes must still work.
    QRandomGenerator random(20240611);
    const QByteArray alphabet = "ab.:[]# \t\r\n0123456789SHA256:+/=\xff\x00";
    for (int round = 0; round < 300; ++round) {
        QByteArray content(random.bounded(2000), Qt::Uninitialized);
        for (char &c : content)
            c = round % 2 ? char(random.bounded(256)) : alphabet.at(random.bounded(alphabet.size()));
        content.append('\n');
        KnownHostsList list = KnownHostsList::parse(content);
        QCOMPARE(list.serialize(), content);
        QVERIFY(list.remember(u"example.org", 8082, fingerprint("r")));
        QCOMPARE(list.lookup(u"example.org", 8082, fingerprint("r")).status, Status::Match);
        const KnownHostsList reread = KnownHostsList::parse(list.serialize());
        QCOMPARE(reread.lookup(u"example.org", 8082, fingerprint("r")).status, Status::Match);
        QVERIFY(list.forget(u"example.org", 8082) >= 1);
        QCOMPARE(list.lookup(u"example.org", 8082, fingerprint("r")).status, Status::Unknown);
    }
}

void TestKnownHosts::rememberAppendsOrReplacesInPlace()
{
    const QByteArray a = canonical("a");
    const QByteArray b = canonical("b");
    const QByteArray hexA = fingerprint("a").toHexString().toLatin1();
    KnownHostsList list
        = KnownHostsList::parse(QByteArray("# mine\nfirst.org:1 " + a + "\nlast.org:2 " + hexA + "  # lab\n"));

    // New: appended in canonical form, IPv6 in brackets.
    QVERIFY(list.remember(u"FE80::1", 8082, fingerprint("c")));
    QCOMPARE(list.serialize(),
             "# mine\nfirst.org:1 " + a + "\nlast.org:2 " + hexA + "  # lab\n[fe80::1]:8082 " + canonical("c") + '\n');

    // Same fingerprint again: nothing changes, not even the spelling.
    const QByteArray before = list.serialize();
    QVERIFY(list.remember(u"last.org", 2, fingerprint("a")));
    QCOMPARE(list.serialize(), before);

    // Changed: rewritten where it was.
    QVERIFY(list.remember(u"first.org", 1, fingerprint("b")));
    QCOMPARE(list.serialize(),
             "# mine\nfirst.org:1 " + b + "\nlast.org:2 " + hexA + "  # lab\n[fe80::1]:8082 " + canonical("c") + '\n');
    QCOMPARE(list.entryCount(), 3);

    // Repeats of the entry go; the first place stays.
    KnownHostsList repeated
        = KnownHostsList::parse(QByteArray("x.org:1 " + a + "\ny.org:1 " + a + "\nX.ORG:1 " + b + '\n'));
    QCOMPARE(repeated.problems().size(), 1);
    QVERIFY(repeated.remember(u"x.org", 1, fingerprint("c")));
    QCOMPARE(repeated.serialize(), "x.org:1 " + canonical("c") + "\ny.org:1 " + a + '\n');
    QVERIFY(repeated.problems().isEmpty());
}

void TestKnownHosts::rememberRefusesInvalidInput_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<bool>("nullFingerprint");
    QTest::addColumn<QString>("error");

    QTest::newRow("empty host") << "" << 8082 << false << "not a host name";
    QTest::newRow("host with space") << "a b" << 8082 << false << "not a host name";
    QTest::newRow("port 0") << "example.org" << 0 << false << "Port 0";
    QTest::newRow("null fingerprint") << "example.org" << 8082 << true << "no fingerprint";
}

void TestKnownHosts::rememberRefusesInvalidInput()
{
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(bool, nullFingerprint);
    QFETCH(QString, error);

    KnownHostsList list = KnownHostsList::parse("# keep\n");
    QVERIFY(!list.remember(host, quint16(port), nullFingerprint ? TlsFingerprint() : fingerprint("a")));
    QVERIFY2(list.errorString().contains(error), qPrintable(list.errorString()));
    QCOMPARE(list.serialize(), QByteArray("# keep\n"));
}

void TestKnownHosts::forgetRemovesEveryEntry()
{
    const QByteArray a = canonical("a");
    KnownHostsList list
        = KnownHostsList::parse(QByteArray("x.org:1 " + a + "\n# c\nX.org.:1 " + a + "\nx.org:2 " + a + '\n'));
    QCOMPARE(list.forget(u"x.org", 1), 2);
    QCOMPARE(list.serialize(), "# c\nx.org:2 " + a + '\n');
    QCOMPARE(list.forget(u"x.org", 1), 0);
    QCOMPARE(list.forget(u"not valid", 1), 0);
    QCOMPARE(list.lookup(u"x.org", 2, fingerprint("a")).status, Status::Match);
}

// ---- KnownHosts: the file --------------------------------------------------

void TestKnownHosts::missingFileIsEmpty()
{
    QTemporaryDir temp;
    KnownHosts hosts(temp.filePath(QStringLiteral("config/known_hosts")));
    QVERIFY2(hosts.load(), qPrintable(hosts.errorString()));
    QCOMPARE(hosts.list().entryCount(), 0);
    QCOMPARE(hosts.lookup(u"example.org", 8082, fingerprint("a")).status, Status::Unknown);
    // Forgetting in a file that does not exist creates nothing.
    QVERIFY(hosts.forget(u"example.org", 8082));
    QVERIFY(!QFileInfo::exists(hosts.filePath()));
}

void TestKnownHosts::rememberWritesOwnerOnlyFile()
{
    QTemporaryDir temp;
    const QString path = temp.filePath(QStringLiteral("config/tincan/known_hosts"));
    KnownHosts hosts(path);
    QVERIFY(hosts.load());
    QVERIFY2(hosts.remember(u"example.org", 8082, fingerprint("a")), qPrintable(hosts.errorString()));
    QCOMPARE(modeOf(path), 0600);
    QCOMPARE(readFile(path), "example.org:8082 " + canonical("a") + '\n');
    QCOMPARE(hosts.lookup(u"example.org", 8082, fingerprint("a")).status, Status::Match);
    // No temporary or lock file is left behind.
    QCOMPARE(QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files | QDir::Hidden),
             QStringList{QStringLiteral("known_hosts")});

    // Another instance (another process, later) sees the pin.
    KnownHosts again(path);
    QVERIFY(again.load());
    QCOMPARE(again.lookup(u"example.org", 8082, fingerprint("b")).status, Status::Mismatch);

    // Changes made meanwhile by another instance are not lost.
    QVERIFY(again.remember(u"[::1]", 8082, fingerprint("b")));
    QVERIFY(hosts.remember(u"example.net", 8082, fingerprint("c")));
    QVERIFY(hosts.load());
    QCOMPARE(hosts.list().entryCount(), 3);
    QCOMPARE(hosts.lookup(u"::1", 8082, fingerprint("b")).status, Status::Match);

    QVERIFY(hosts.forget(u"example.org", 8082));
    QCOMPARE(hosts.lookup(u"example.org", 8082, fingerprint("a")).status, Status::Unknown);
    QVERIFY(again.load());
    QCOMPARE(again.list().entryCount(), 2);

    // A file its owner made readable by others is written back owner-only
    // (writable ones are refused: refusesUnsafeFiles).
    QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
    QVERIFY(hosts.remember(u"example.org", 8082, fingerprint("a")));
    QCOMPARE(modeOf(path), 0600);
}

void TestKnownHosts::rewriteKeepsCommentsAndJunk()
{
    QTemporaryDir temp;
    const QString path = temp.filePath(QStringLiteral("known_hosts"));
    const QByteArray original = "# my servers\nexample.org:8082 " + canonical("a") + "  # lab\ngarbage line\r\n\n";
    QVERIFY(writeFile(path, original));
    QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner));
    KnownHosts hosts(path);
    QVERIFY(hosts.load());
    QCOMPARE(hosts.problems().size(), 1);
    QCOMPARE(hosts.problems().first().line, 3);

    QVERIFY(hosts.remember(u"192.168.1.2", 8082, fingerprint("b")));
    QCOMPARE(readFile(path), original + "192.168.1.2:8082 " + canonical("b") + '\n');
    QVERIFY(hosts.forget(u"192.168.1.2", 8082));
    QCOMPARE(readFile(path), original);
}

void TestKnownHosts::refusesUnsafeFiles_data()
{
    QTest::addColumn<QString>("kind"); // what stands at the path
    QTest::addColumn<QString>("error");

    QTest::newRow("too large") << "large"
                               << "larger than 1048576 bytes";
    QTest::newRow("writable by group") << "mode 0620"
                                       << "mode 0620";
    QTest::newRow("writable by all") << "mode 0666"
                                     << "chmod 600";
    QTest::newRow("a directory") << "directory"
                                 << "not a regular file";
    QTest::newRow("a FIFO") << "fifo"
                            << "not a regular file";
}

void TestKnownHosts::refusesUnsafeFiles()
{
    QFETCH(QString, kind);
    QFETCH(QString, error);

    QTemporaryDir temp;
    const QString path = temp.filePath(QStringLiteral("known_hosts"));
    QByteArray original = "example.org:8082 " + canonical("a") + '\n';
    if (kind == u"large") {
        while (original.size() <= KnownHosts::MaxFileSize)
            original += "# padding padding padding padding padding padding padding padding padding\n";
        QVERIFY(writeFile(path, original));
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner));
    } else if (kind.startsWith(u"mode ")) {
        QVERIFY(writeFile(path, original));
        QVERIFY(::chmod(QFile::encodeName(path).constData(), mode_t(kind.mid(5).toInt(nullptr, 8))) == 0);
    } else if (kind == u"directory") {
        QVERIFY(QDir().mkdir(path));
    } else {
        QVERIFY(::mkfifo(QFile::encodeName(path).constData(), 0600) == 0);
    }
    const int modeBefore = modeOf(path);

    KnownHosts hosts(path);
    QVERIFY(!hosts.load());
    QVERIFY2(hosts.errorString().contains(error), qPrintable(hosts.errorString()));
    QVERIFY(hosts.errorString().contains(QDir::toNativeSeparators(path)));
    // Changes refuse too, and leave the file as it was.
    QVERIFY(!hosts.remember(u"example.net", 8082, fingerprint("b")));
    QVERIFY2(hosts.errorString().contains(error), qPrintable(hosts.errorString()));
    QVERIFY(!hosts.forget(u"example.org", 8082));
    QCOMPARE(modeOf(path), modeBefore);
    if (QFileInfo(path).isFile() && kind != u"fifo")
        QCOMPARE(readFile(path), original);
}

void TestKnownHosts::refusesFileOfAnotherUser()
{
    if (::geteuid() != 0)
        QSKIP("Giving a file to another user needs root.");
    constexpr uid_t Nobody = 65534;
    QTemporaryDir temp;
    const QString path = temp.filePath(QStringLiteral("known_hosts"));
    QVERIFY(writeFile(path, "example.org:8082 " + canonical("a") + '\n'));
    QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner));
    QVERIFY(::chown(QFile::encodeName(path).constData(), Nobody, gid_t(-1)) == 0);
    KnownHosts hosts(path);
    QVERIFY(!hosts.load());
    QVERIFY2(hosts.errorString().contains(QStringLiteral("belongs to another user")), qPrintable(hosts.errorString()));
}

void TestKnownHosts::waitsForTheLock()
{
    QTemporaryDir temp;
    const QString path = temp.filePath(QStringLiteral("known_hosts"));
    KnownHosts hosts(path);
    // Another program holds the lock for longer than a change waits.
    QLockFile other(path + QStringLiteral(".lock"));
    QVERIFY(other.tryLock());
    QVERIFY(!hosts.remember(u"example.org", 8082, fingerprint("a")));
    QVERIFY2(hosts.errorString().contains(QStringLiteral("Could not lock")), qPrintable(hosts.errorString()));
    QVERIFY(!QFileInfo::exists(path));
    other.unlock();
    QVERIFY2(hosts.remember(u"example.org", 8082, fingerprint("a")), qPrintable(hosts.errorString()));
    QCOMPARE(hosts.lookup(u"example.org", 8082, fingerprint("a")).status, Status::Match);
}

QTEST_GUILESS_MAIN(TestKnownHosts)

#include "tst_knownhosts.moc"
