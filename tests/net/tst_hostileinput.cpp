// Hostile input against every service, one table per service: each row is
// something a stranger can send, and after every row the same service, in the
// same test, must still serve a good client correctly and hold nothing for the
// stranger any more (no connection, no pending message, no running command).
//
// tst_consoleauth covers the console's login itself (wrong, replayed and
// malformed answers, penalties, pre-login size limits with a valid prefix);
// here the console gets broken framing, broken JSON, slow and silent peers
// and a connection flood.
//
// The console under test has a password and serves no classic clients, so
// every byte a stranger sends ends in a refusal the protocol can state: the
// classic refusal reply, or an error frame.
#include "net/auth/consoleauth.h"
#include "net/auth/passwordhash.h"
#include "net/chat/chatendpoint.h"
#include "net/chat/chatenvelope.h"
#include "net/console/consoleserver.h"
#include "net/services/echoservices.h"
#include "net/services/udpcommandservice.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/frame.h"
#include "nettesthelpers.h"
#include "servicetesthelpers.h"

#include <QCborMap>
#include <QCborStreamWriter>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkDatagram>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUdpSocket>

#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using namespace Tincan;
using namespace Tincan::Console;
using namespace std::chrono_literals;
using Tincan::Test::RawConsoleClient;
using Tincan::Test::rawFrame;

namespace {

// ---- timing ------------------------------------------------------------------

// The console's login grace time in these tests: short, so that silent and
// slow peers are cut quickly, yet far above what a local login takes.
constexpr std::chrono::milliseconds HostileGraceTime{1000};
// One byte of a slow-drip (slowloris) hello this often: the whole hello takes
// several times the grace time.
constexpr std::chrono::milliseconds DripInterval{50};
// Whatever a row expects must have happened by then.
constexpr std::chrono::milliseconds RowTimeout{10000};
// A command on a loaded machine.
constexpr std::chrono::milliseconds CommandTimeout{10000};
// How long a stalled TCP echo client must show no progress to count as stalled.
constexpr std::chrono::milliseconds StallWindow{600};
// Datagrams of a flood are sent in batches this large, and each batch is
// handled before the next goes: the kernel's receive buffer would otherwise
// drop most of them, and the counts would prove nothing.
constexpr int FloodBatch = 100;
constexpr int FloodDatagrams = 10000;
// Connections of the console flood, from this many loopback addresses.
constexpr int FloodConnections = 300;
constexpr int FloodSources = 10;
// SYNs beyond the listen backlog are dropped and retried by the kernel a
// second or more later, so the flood gets longer than one row.
constexpr std::chrono::milliseconds FloodTimeout{30000};
constexpr std::chrono::milliseconds FloodGraceTime{60000};

const QString Password = QStringLiteral("hostile input, good password");
const QHostAddress Local(QHostAddress::LocalHost);

const PasswordHash &testHash()
{
    static const PasswordHash hash = *PasswordHash::create(Password, PasswordHash::MinIterations);
    return hash;
}

// ---- console helpers -----------------------------------------------------------

QByteArray helloFrame()
{
    return encodeFrame(
        {{Key::Type, Type::Hello}, {Key::Version, ProtocolVersion}, {Key::Software, QStringLiteral("hostile-test")}});
}

QString errorCode(const std::optional<Frame> &frame)
{
    return frame && Test::typeOf(*frame) == Type::Error ? frame->header.value(Key::Code).toString() : QString();
}

// The whole login of a client that knows `password`: true once welcomed.
bool logIn(RawConsoleClient &client, const QString &password = Password)
{
    client.sendHello();
    const std::optional<Frame> challenge = client.waitFor(Type::AuthChallenge, QJsonValue::Undefined, CommandTimeout);
    if (!challenge)
        return false;
    const QByteArray serverNonce = QByteArray::fromBase64(challenge->header.value(Key::Nonce).toString().toLatin1());
    const QByteArray salt = QByteArray::fromBase64(challenge->header.value(Key::Salt).toString().toLatin1());
    const int iterations = int(jsonInteger(challenge->header, Key::Iterations).value_or(0));
    const QByteArray key = PasswordHash::deriveKey(password, salt, iterations);
    const QByteArray nonce = ConsoleAuth::randomNonce();
    client.sendFrame({{Key::Type, Type::Auth},
                      {Key::Mechanism, ConsoleAuth::Mechanism},
                      {Key::Nonce, QString::fromLatin1(nonce.toBase64())},
                      {Key::Proof, QString::fromLatin1(ConsoleAuth::clientProof(key, serverNonce, nonce).toBase64())}});
    return client.waitFor(Type::Welcome, QJsonValue::Undefined, CommandTimeout).has_value();
}

bool runsNormally(RawConsoleClient &client, const QJsonValue &id)
{
    client.sendExec(id, QStringLiteral("echo alive"));
    const std::optional<Frame> exit = client.waitFor(Type::Exit, id, CommandTimeout);
    return exit && jsonInteger(exit->header, Key::ExitCode) == 0 && client.output(id, StreamName::Stdout) == "alive\n";
}

enum class ConsoleMode {
    Hold,  // send the bytes, then stay connected and silent
    Close, // send the bytes, then close the connection
    Drip,  // send the bytes one at a time, DripInterval apart
};

// What a row expects to be told before the server closes.
namespace Expect {
// The classic refusal reply (exit_code 126, "refused": true).
inline const QString ClassicRefusal = QStringLiteral("classic-refusal");
// Nothing at all: the peer left before anything could be answered.
inline const QString Nothing;
// No frame (the protocol of a peer that never spoke is unknown), but the
// refusal is logged through connectionRefused.
inline const QString SilentRefusal = QStringLiteral("silent-refusal");
} // namespace Expect

// ---- echo helpers ---------------------------------------------------------------

// The kernel's largest TCP send buffer (the third field of tcp_wmem), or a
// generous 4 MiB when it cannot be read.
qint64 maxTcpSendBuffer()
{
    QFile file(QStringLiteral("/proc/sys/net/ipv4/tcp_wmem"));
    if (file.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> fields = file.readAll().simplified().split(' ');
        if (fields.size() == 3)
            return fields.at(2).toLongLong();
    }
    return 4 * 1024 * 1024;
}

// A plain non-blocking TCP socket with a tiny receive buffer that it never
// reads: the client that does not take its echoes.
class NonReadingClient
{
public:
    static constexpr int ReceiveBuffer = 4096;

    explicit NonReadingClient(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (m_fd < 0)
            return;
        // Set before connecting, so the window is small from the start and
        // the kernel does not grow it.
        int size = ReceiveBuffer;
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
            ::close(m_fd);
            m_fd = -1;
            return;
        }
        ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    }
    ~NonReadingClient()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Q_DISABLE_COPY_MOVE(NonReadingClient)

    bool isValid() const { return m_fd >= 0; }
    // Writes as much of `chunk` as the kernel takes now; bytes accepted.
    qint64 push(const QByteArray &chunk)
    {
        const ssize_t written = ::send(m_fd, chunk.constData(), size_t(chunk.size()), MSG_NOSIGNAL);
        return written > 0 ? qint64(written) : 0;
    }
    // The receive buffer the kernel really gave (it doubles the request).
    qint64 receiveBuffer() const
    {
        int size = 0;
        socklen_t length = sizeof size;
        ::getsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &size, &length);
        return size;
    }

private:
    int m_fd = -1;
};

// ---- chat helpers -------------------------------------------------------------------

QByteArray envelopeBytes(QByteArrayView cbor, quint8 version = Chat::EnvelopeVersion)
{
    QByteArray bytes;
    bytes.append(Chat::Marker);
    bytes.append(char(version));
    bytes.append(cbor.data(), cbor.size());
    return bytes;
}

QByteArray uuidBytes()
{
    return QUuid::createUuid().toRfc4122();
}

// A valid "msg" map with `text`, as CBOR.
QCborMap messageMap(const QString &text)
{
    QCborMap map;
    map.insert(QStringLiteral("type"), QStringLiteral("msg"));
    map.insert(QStringLiteral("from"), uuidBytes());
    map.insert(QStringLiteral("name"), QStringLiteral("stranger"));
    map.insert(QStringLiteral("id"), uuidBytes());
    map.insert(QStringLiteral("text"), text);
    map.insert(QStringLiteral("ts"), qint64(1764100000000));
    return map;
}

// A "msg" map written key by key, with "type" and then "text" given twice:
// QCborMap cannot hold duplicates, so the stream writer makes it.
QByteArray duplicateKeyMessage(const QString &firstType, const QString &secondType)
{
    QByteArray cbor;
    QCborStreamWriter writer(&cbor);
    writer.startMap(8);
    writer.append(QLatin1StringView("type"));
    writer.append(firstType);
    writer.append(QLatin1StringView("type"));
    writer.append(secondType);
    writer.append(QLatin1StringView("from"));
    writer.append(uuidBytes());
    writer.append(QLatin1StringView("name"));
    writer.append(QLatin1StringView("stranger"));
    writer.append(QLatin1StringView("id"));
    writer.append(uuidBytes());
    writer.append(QLatin1StringView("text"));
    writer.append(QLatin1StringView("first text"));
    writer.append(QLatin1StringView("text"));
    writer.append(QLatin1StringView("second text"));
    writer.append(QLatin1StringView("ts"));
    writer.append(qint64(1764100000000));
    writer.endMap();
    return envelopeBytes(cbor);
}

// {"type": <head><8-byte length>} with no content: a huge declared length.
QByteArray hugeLengthCbor(quint8 head)
{
    QByteArray cbor = QByteArray::fromHex("a1647479706"
                                          "5"); // map(1), text(4) "type"
    cbor.append(char(head));
    cbor.append(QByteArray::fromHex("7fffffffffffffff"));
    cbor.append("abc");
    return cbor;
}

// ---- UDP helpers --------------------------------------------------------------------

// A UDP socket on 127.0.0.1 that keeps what it receives, empty datagrams included.
class UdpClient
{
public:
    UdpClient()
    {
        m_bound = m_socket.bind(Local, 0);
        QObject::connect(&m_socket, &QUdpSocket::readyRead, &m_socket, [this] { drain(); });
    }
    Q_DISABLE_COPY_MOVE(UdpClient)

    bool isBound() const { return m_bound; }
    QUdpSocket &socket() { return m_socket; }
    bool send(const QByteArray &bytes, quint16 port)
    {
        return m_socket.writeDatagram(bytes, Local, port) == bytes.size();
    }
    const QList<QByteArray> &received()
    {
        drain();
        return m_received;
    }
    void clear()
    {
        drain();
        m_received.clear();
    }
    bool waitForCount(qsizetype count, std::chrono::milliseconds timeout = RowTimeout)
    {
        return Test::spinUntil([&] { return received().size() >= count; }, timeout);
    }

private:
    void drain()
    {
        while (m_socket.hasPendingDatagrams())
            m_received.append(m_socket.receiveDatagram(Chat::MaxDatagramSize + 1).data());
    }

    QUdpSocket m_socket;
    QList<QByteArray> m_received;
    bool m_bound = false;
};

} // namespace

Q_DECLARE_METATYPE(ConsoleMode)

class TestHostileInput : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ConsoleServer> m_console;

    bool startConsole(std::chrono::milliseconds grace = HostileGraceTime, const QString &startDirectory = {})
    {
        ConsoleServer::Options options;
        options.startDirectory = startDirectory;
        options.port = 0;
        options.password = testHash();
        options.classicAllowed = false;
        options.loginGraceTime = grace;
        m_console = std::make_unique<ConsoleServer>();
        if (!m_console->listen(options)) {
            qWarning("listen failed: %s", qPrintable(m_console->errorString()));
            return false;
        }
        return true;
    }

    // The console still logs a good client in and runs its command, and then
    // holds nothing for anyone.
    bool consoleStillServes()
    {
        {
            RawConsoleClient good(m_console->serverPort());
            if (!logIn(good) || !runsNormally(good, 1))
                return false;
        }
        return Test::spinUntil([&] { return m_console->connectionCount() == 0; }, RowTimeout)
            && m_console->runningCommandCount() == 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<ConsoleMode>();
        qRegisterMetaType<ChatMessage>();
        qRegisterMetaType<ChatPeerAddress>();
        qRegisterMetaType<DeliveryState>();
    }

    void cleanup() { m_console.reset(); }

    // ---- console ------------------------------------------------------------------

    void console_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<ConsoleMode>("mode");
        QTest::addColumn<bool>("afterLogin");
        QTest::addColumn<QString>("code");    // error code, Expect::ClassicRefusal or Expect::Nothing
        QTest::addColumn<QString>("message"); // part of the error message

        const QByteArray hello = helloFrame();
        const QString noHello = QStringLiteral("No hello message arrived within");
        const QString limit = QStringLiteral("limit");

        // A hello cut at every byte, the peer gone at once: nothing was
        // answered, and the connection is forgotten.
        for (qsizetype cut = 1; cut < hello.size(); ++cut)
            QTest::addRow("hello cut at %d, then close", int(cut))
                << hello.first(cut) << ConsoleMode::Close << false << Expect::Nothing << QString();
        // Cut, then silence. Four bytes or fewer cannot be told from a short
        // classic command (docs/PROTOCOL.md, section 2): after the decision
        // delay the peer is a classic client, and refused as one. From the
        // fifth byte on it is framed, and the grace time ends it.
        for (qsizetype cut : {1, 2, 3, 4})
            QTest::addRow("hello cut at %d, then silence", int(cut))
                << hello.first(cut) << ConsoleMode::Hold << false << Expect::ClassicRefusal << QString();
        for (qsizetype cut : {qsizetype(5), qsizetype(6), hello.size() / 2, hello.size() - 1})
            QTest::addRow("hello cut at %d, then silence", int(cut))
                << hello.first(cut) << ConsoleMode::Hold << false << QString(ErrorCode::Protocol) << noHello;
        QTest::newRow("connect, then silence") << QByteArray() << ConsoleMode::Hold << false << Expect::SilentRefusal
                                               << QStringLiteral("The login did not finish within");

        // Lengths outside 1..65536 are no frame at all: the peer is classic.
        QTest::newRow("header length 2^31-1")
            << rawFrame(0x7fffffff, "{") << ConsoleMode::Hold << false << Expect::ClassicRefusal << QString();
        QTest::newRow("header length 0") << rawFrame(0, "{}") << ConsoleMode::Hold << false << Expect::ClassicRefusal
                                         << QString();
        QTest::newRow("header length 0xFFFFFFFF")
            << rawFrame(qint32(-1), "{}") << ConsoleMode::Hold << false << Expect::ClassicRefusal << QString();
        QTest::newRow("header length 1 MiB, then silence")
            << rawFrame(1024 * 1024, "{") << ConsoleMode::Hold << false << Expect::ClassicRefusal << QString();
        QTest::newRow("100,000 [ before the login")
            << rawFrame(QByteArray(100000, '[')) << ConsoleMode::Hold << false << Expect::ClassicRefusal << QString();
        QTest::newRow("binary junk") << Test::scrambledBytes(64 * 1024) << ConsoleMode::Hold << false
                                     << Expect::ClassicRefusal << QString();
        // Framed, then the claim is not kept.
        QTest::newRow("header length 4096 claimed, then silence")
            << rawFrame(Limits::PreAuthMaxHeaderSize, "{\"type\":") << ConsoleMode::Hold << false
            << QString(ErrorCode::Protocol) << noHello;
        QTest::newRow("header length 4097 before the login")
            << rawFrame(Limits::PreAuthMaxHeaderSize + 1, "{") << ConsoleMode::Hold << false
            << QString(ErrorCode::Protocol) << limit;
        QTest::newRow("header length 65537 after the login")
            << rawFrame(65537, "{") << ConsoleMode::Hold << true << QString(ErrorCode::Protocol) << limit;
        QTest::newRow("100,000 [ after the login")
            << rawFrame(QByteArray(100000, '[')) << ConsoleMode::Hold << true << QString(ErrorCode::Protocol) << limit;
        // Nesting within the size limits: the JSON parser must refuse it, not recurse.
        QTest::newRow("4,000 nested [ in a hello")
            << rawFrame(QByteArray("{\"a\":" + QByteArray(4000, '['))) << ConsoleMode::Hold << false
            << QString(ErrorCode::Protocol) << QStringLiteral("JSON");
        QTest::newRow("65,000 nested [ after the login")
            << rawFrame(QByteArray("{\"a\":" + QByteArray(65000, '['))) << ConsoleMode::Hold << true
            << QString(ErrorCode::Protocol) << QStringLiteral("JSON");
        QTest::newRow("20,000 nested [] closed, after the login")
            << rawFrame(QByteArray("{\"a\":" + QByteArray(20000, '[') + QByteArray(20000, ']') + "}"))
            << ConsoleMode::Hold << true << QString(ErrorCode::Protocol) << QStringLiteral("JSON");
        // Duplicate keys: Qt's JSON parser keeps the last value, so this
        // message is an exec before the hello.
        QTest::newRow("duplicate type, exec last")
            << rawFrame(R"({"type":"hello","version":1,"type":"exec","total_size":0})") << ConsoleMode::Hold << false
            << QString(ErrorCode::Protocol) << QStringLiteral("hello");
        // Non-objects: before the login a header must start with "{" to be
        // framed at all; after it, the decoder says what is wrong.
        QTest::newRow("header [1] before the login")
            << rawFrame("[1]") << ConsoleMode::Hold << false << Expect::ClassicRefusal << QString();
        QTest::newRow("header [1] after the login")
            << rawFrame("[1]") << ConsoleMode::Hold << true << QString(ErrorCode::Protocol) << QStringLiteral("object");
        QTest::newRow("header 7 after the login")
            << rawFrame("7") << ConsoleMode::Hold << true << QString(ErrorCode::Protocol) << QStringLiteral("object");
        // Qt 6.4's JSON parser refuses a bare scalar as invalid JSON.
        QTest::newRow("header \"x\" after the login")
            << rawFrame("\"x\"") << ConsoleMode::Hold << true << QString(ErrorCode::Protocol) << QStringLiteral("JSON");
        QTest::newRow("header null after the login")
            << rawFrame("null") << ConsoleMode::Hold << true << QString(ErrorCode::Protocol) << QStringLiteral("JSON");
        QTest::newRow("invalid UTF-8 in the hello")
            << rawFrame("{\"type\":\"hello\",\"version\":1,\"software\":\"\xff\xfe\xc0\x80\",\"total_size\":0}")
            << ConsoleMode::Hold << false << QString(ErrorCode::Protocol) << QStringLiteral("JSON");
        QTest::newRow("invalid UTF-8 in the type")
            << rawFrame("{\"type\":\"hel\xedlo\",\"version\":1,\"total_size\":0}") << ConsoleMode::Hold << false
            << QString(ErrorCode::Protocol) << QStringLiteral("JSON");
        QTest::newRow("total_size 2^53+1")
            << rawFrame(R"({"type":"hello","version":1,"total_size":9007199254740993})") << ConsoleMode::Hold << false
            << QString(ErrorCode::Protocol) << QStringLiteral("total_size");
        QTest::newRow("total_size 1e300")
            << rawFrame(R"({"type":"hello","version":1,"total_size":1e300})") << ConsoleMode::Hold << false
            << QString(ErrorCode::Protocol) << QStringLiteral("total_size");
        QTest::newRow("total_size -1") << rawFrame(R"({"type":"hello","version":1,"total_size":-1})")
                                       << ConsoleMode::Hold << false << QString(ErrorCode::Protocol)
                                       << QStringLiteral("total_size");
        QTest::newRow("total_size 2^40 after the login")
            << rawFrame(R"({"type":"exec","id":1,"command":"true","total_size":1099511627776})") << ConsoleMode::Hold
            << true << QString(ErrorCode::Protocol) << limit;
        QTest::newRow("binary junk after the login")
            << QByteArray("\x10\x00\x00\x00\xff\xfe", 6) + Test::scrambledBytes(4096) << ConsoleMode::Hold << true
            << QString(ErrorCode::Protocol) << QStringLiteral("JSON");
        // Slowloris: a valid hello, one byte every DripInterval, takes
        // several grace times; the grace time ends it.
        QTest::newRow("slow-drip hello") << hello << ConsoleMode::Drip << false << QString(ErrorCode::Protocol)
                                         << noHello;
    }

    void console()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(ConsoleMode, mode);
        QFETCH(bool, afterLogin);
        QFETCH(QString, code);
        QFETCH(QString, message);
        QVERIFY(startConsole());
        QSignalSpy refused(m_console.get(), &ConsoleServer::connectionRefused);
        QSignalSpy protocolErrors(m_console.get(), &ConsoleServer::protocolErrorOccurred);
        QSignalSpy started(m_console.get(), &ConsoleServer::commandStarted);

        RawConsoleClient client(m_console->serverPort());
        if (afterLogin)
            QVERIFY(logIn(client));
        const qsizetype framesBefore = client.frames().size();
        QElapsedTimer elapsed;
        elapsed.start();
        switch (mode) {
        case ConsoleMode::Hold:
            client.write(bytes);
            QVERIFY(client.waitForDisconnected(RowTimeout));
            break;
        case ConsoleMode::Close:
            client.write(bytes);
            QVERIFY(client.socket().waitForConnected(int(RowTimeout.count())));
            client.socket().disconnectFromHost();
            break;
        case ConsoleMode::Drip: {
            qsizetype sent = 0;
            QTimer drip;
            drip.setInterval(DripInterval);
            QObject::connect(&drip, &QTimer::timeout, &drip, [&] {
                if (sent < bytes.size() && !client.isDisconnected())
                    client.write(bytes.sliced(sent++, 1));
            });
            drip.start();
            QVERIFY(client.waitForDisconnected(RowTimeout));
            // Cut before the hello was complete, and by the grace time.
            QVERIFY2(sent < bytes.size(), qPrintable(QString::number(sent)));
            QVERIFY(elapsed.elapsed() >= Test::earliest(HostileGraceTime));
            break;
        }
        }

        const QList<Frame> answers = client.frames().mid(framesBefore);
        if (code == Expect::ClassicRefusal) {
            QCOMPARE(answers.size(), 1);
            const Frame &reply = answers.constFirst();
            QCOMPARE(reply.header.value(Key::Refused).toBool(), true);
            QCOMPARE(jsonInteger(reply.header, Key::ExitCode), std::optional<qint64>(ClassicRefusedExitCode));
            QVERIFY2(reply.payload.startsWith("tincan: refused: this server does not run classic"),
                     reply.payload.constData());
            QCOMPARE(refused.count(), 1);
            QVERIFY(refused.at(0).at(3).toString().contains(QStringLiteral("classic clients are turned off")));
        } else if (code == Expect::SilentRefusal) {
            QCOMPARE(answers.size(), 0);
            QCOMPARE(refused.count(), 1);
            QVERIFY2(refused.at(0).at(3).toString().contains(message), qPrintable(refused.at(0).at(3).toString()));
            QVERIFY(elapsed.elapsed() >= Test::earliest(HostileGraceTime));
        } else if (code == Expect::Nothing) {
            // The cut hello was never answered, and the server lets go.
            QVERIFY(Test::spinUntil([&] { return m_console->connectionCount() == 0; }, RowTimeout));
            QVERIFY(!client.find(Type::AuthChallenge));
            QVERIFY(!client.find(Type::Welcome));
        } else {
            QVERIFY2(!answers.isEmpty(), "closed without an error frame");
            const std::optional<Frame> last = answers.constLast();
            QCOMPARE(errorCode(last), code);
            const QString text = last->header.value(Key::Message).toString();
            // `7` is valid JSON but not an object (docs/PROTOCOL.md, section 1),
            // although Qt's parser refuses a top-level scalar.
            QVERIFY2(text.contains(message, Qt::CaseInsensitive), qPrintable(text));
            QCOMPARE(protocolErrors.count(), 1);
            QVERIFY2(protocolErrors.at(0).at(1).toString().contains(message, Qt::CaseInsensitive),
                     qPrintable(protocolErrors.at(0).at(1).toString()));
            if (!afterLogin)
                QVERIFY(!client.find(Type::Welcome));
        }
        QCOMPARE(client.decodeError(), QString());
        QCOMPARE(started.count(), 0);
        QVERIFY(Test::spinUntil([&] { return m_console->connectionCount() == 0; }, RowTimeout));
        QVERIFY(consoleStillServes());
    }

    // File transfers from a logged-in stranger: each row's messages end in
    // one error that names the problem; the connection stays open and runs a
    // command, no file is left behind, and other clients are served.
    void consoleTransfers_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("code"); // the last error's code; empty: no error at all
        QTest::addColumn<QString>("message");

        // The header verbatim, with the total_size every frame needs put first.
        const auto frame = [](const QByteArray &json, const QByteArray &payload = {}) {
            return rawFrame(QByteArray("{\"total_size\":" + QByteArray::number(payload.size()) + ',' + json.mid(1)),
                            payload);
        };
        const QByteArray abcMd5 = QCryptographicHash::hash("abc", QCryptographicHash::Md5).toHex();
        const QByteArray upload3
            = frame(R"({"type":"upload","transfer":1,"filename":"f","file_size":3,"md5":")" + abcMd5 + R"("})");
        const QString badRequest = QString(ErrorCode::BadRequest);
        const QString badData = QString(ErrorCode::BadData);

        QTest::newRow("data for an unknown transfer") << frame(R"({"type":"data","transfer":7,"offset":0})", "abc")
                                                      << QString(ErrorCode::UnknownTransfer) << QStringLiteral("7");
        QTest::newRow("upload of size -1")
            << frame(R"({"type":"upload","transfer":1,"filename":"f","file_size":-1,"md5":")" + abcMd5 + R"("})")
            << badRequest << QStringLiteral("file_size");
        QTest::newRow("upload of size 2^60")
            << frame(R"({"type":"upload","transfer":1,"filename":"f","file_size":1152921504606846976,"md5":")" + abcMd5
                     + R"("})")
            << badRequest << QStringLiteral("file_size");
        QTest::newRow("upload of size 1e300")
            << frame(R"({"type":"upload","transfer":1,"filename":"f","file_size":1e300,"md5":")" + abcMd5 + R"("})")
            << badRequest << QStringLiteral("file_size");
        QTest::newRow("upload of size \"3\"")
            << frame(R"({"type":"upload","transfer":1,"filename":"f","file_size":"3","md5":")" + abcMd5 + R"("})")
            << badRequest << QStringLiteral("file_size");
        QTest::newRow("md5 of 31 digits") << frame(
            R"({"type":"upload","transfer":1,"filename":"f","file_size":3,"md5":")" + abcMd5.first(31) + R"("})")
                                          << badRequest << QStringLiteral("md5");
        QTest::newRow("md5 not hex") << frame(R"({"type":"upload","transfer":1,"filename":"f","file_size":3,"md5":")"
                                              + QByteArray(32, 'z') + R"("})")
                                     << badRequest << QStringLiteral("md5");
        QTest::newRow("md5 a number") << frame(R"({"type":"upload","transfer":1,"filename":"f","file_size":3,"md5":5})")
                                      << badRequest << QStringLiteral("md5");
        QTest::newRow("filename a number")
            << frame(R"({"type":"upload","transfer":1,"filename":5,"file_size":3,"md5":")" + abcMd5 + R"("})")
            << badRequest << QStringLiteral("filename");
        QTest::newRow("filename of 5000 bytes")
            << frame(R"({"type":"upload","transfer":1,"filename":")" + QByteArray(5000, 'a')
                     + R"(","file_size":3,"md5":")" + abcMd5 + R"("})")
            << badRequest << QStringLiteral("4096");
        QTest::newRow("no transfer id") << frame(R"({"type":"upload","filename":"f","file_size":3,"md5":")" + abcMd5
                                                 + R"("})")
                                        << badRequest << QStringLiteral("transfer");
        QTest::newRow("transfer id of 200 characters")
            << frame(R"({"type":"download","transfer":")" + QByteArray(200, 'x') + R"(","filename":"existing.txt"})")
            << badRequest << QStringLiteral("transfer");
        QTest::newRow("more bytes than announced")
            << upload3 + frame(R"({"type":"data","transfer":1,"offset":0})", "abcd") << badData
            << QStringLiteral("More bytes");
        QTest::newRow("data out of order")
            << frame(R"({"type":"upload","transfer":1,"filename":"f","file_size":6,"md5":")" + abcMd5 + R"("})")
                + frame(R"({"type":"data","transfer":1,"offset":0})", "abc")
                + frame(R"({"type":"data","transfer":1,"offset":5})", "def")
            << badData << QStringLiteral("out of order");
        QTest::newRow("first data at 2") << upload3 + frame(R"({"type":"data","transfer":1,"offset":2})", "c")
                                         << badData << QStringLiteral("must start at 0");
        QTest::newRow("data without an offset") << upload3 + frame(R"({"type":"data","transfer":1})", "abc") << badData
                                                << QStringLiteral("must start at 0");
        QTest::newRow("a chunk of 64 KiB + 1")
            << frame(R"({"type":"upload","transfer":1,"filename":"f","file_size":100000,"md5":")" + abcMd5 + R"("})")
                + frame(R"({"type":"data","transfer":1,"offset":0})", QByteArray(64 * 1024 + 1, 'x'))
            << badData << QStringLiteral("at most 65536");
        QTest::newRow("bytes that do not have the md5")
            << upload3 + frame(R"({"type":"data","transfer":1,"offset":0})", "abd")
            << QString(ErrorCode::ChecksumMismatch) << QStringLiteral("MD5");
        QTest::newRow("transfer_ready for an upload")
            << upload3 + frame(R"({"type":"transfer_ready","transfer":1,"offset":0})") << badData
            << QStringLiteral("not expected");
        QTest::newRow("transfer_done for an unknown transfer")
            << frame(R"({"type":"transfer_done","transfer":3})") << QString(ErrorCode::UnknownTransfer)
            << QStringLiteral("3");
        QTest::newRow("data for a download") << frame(R"({"type":"download","transfer":1,"filename":"existing.txt"})")
                + frame(R"({"type":"data","transfer":1,"offset":0})", "abc")
                                             << badData << QStringLiteral("wrong direction");
        QTest::newRow("transfer_ready before the offer")
            << frame(R"({"type":"download","transfer":1,"filename":"existing.txt"})")
                + frame(R"({"type":"transfer_ready","transfer":1,"offset":1000})")
            << badData << QStringLiteral("not expected");
        QTest::newRow("duplicate transfer id") << upload3
                + frame(R"({"type":"upload","transfer":1,"filename":"g","file_size":3,"md5":")" + abcMd5 + R"("})")
                                               << QString(ErrorCode::DuplicateTransfer) << QStringLiteral("1");
        QByteArray nine;
        for (int i = 1; i <= Limits::MaxConcurrentTransfers + 1; ++i)
            nine += frame(QByteArray(R"({"type":"upload","transfer":)" + QByteArray::number(i) + R"(,"filename":"f)"
                                     + QByteArray::number(i) + R"(","file_size":3,"md5":")" + abcMd5 + R"("})"));
        QTest::newRow("nine transfers at once") << nine << QString(ErrorCode::TooManyTransfers) << QStringLiteral("8");
        QTest::newRow("two writers of one file")
            << upload3
                + frame(R"({"type":"upload","transfer":2,"filename":"./f","file_size":3,"md5":")" + abcMd5 + R"("})")
            << QString(ErrorCode::TransferBusy) << QStringLiteral("one transfer at a time");
        QTest::newRow("absolute path") << frame(R"({"type":"download","transfer":1,"filename":"/etc/passwd"})")
                                       << QString(ErrorCode::PathRefused) << QStringLiteral("absolute");
        QTest::newRow("dot dot") << frame(R"({"type":"download","transfer":1,"filename":"../../etc/passwd"})")
                                 << QString(ErrorCode::PathRefused) << QStringLiteral("out of the session");
        QTest::newRow("NUL in the name") << frame("{\"type\":\"upload\",\"transfer\":1,\"filename\":\"a\\u0000b\","
                                                  "\"file_size\":3,\"md5\":\""
                                                  + abcMd5 + "\"}")
                                         << badRequest << QStringLiteral("NUL");
        QTest::newRow("cancel of an unknown transfer")
            << frame(R"({"type":"transfer_cancel","transfer":5})") << QString() << QString();
    }

    void consoleTransfers()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, code);
        QFETCH(QString, message);
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QFile existing(directory.filePath(QStringLiteral("existing.txt")));
        QVERIFY(existing.open(QIODevice::WriteOnly) && existing.write("existing\n") == 9);
        existing.close();
        QVERIFY(startConsole(HostileGraceTime, directory.path()));

        RawConsoleClient client(m_console->serverPort());
        QVERIFY(logIn(client));
        client.write(bytes);
        // A ping after the row: its pong says the server has handled everything before it.
        client.sendFrame({{Key::Type, Type::Ping}, {Key::Id, QStringLiteral("after")}});
        QVERIFY(client.waitFor(Type::Pong, QStringLiteral("after"), RowTimeout));
        QVector<Frame> errors;
        for (const Frame &frame : client.frames())
            if (Test::typeOf(frame) == Type::Error)
                errors.append(frame);
        if (code.isEmpty()) {
            QCOMPARE(errors.size(), 0);
        } else {
            QVERIFY2(!errors.isEmpty(), "no error");
            QCOMPARE(errors.constLast().header.value(Key::Code).toString(), code);
            const QString text = errors.constLast().header.value(Key::Message).toString();
            QVERIFY2(text.contains(message), qPrintable(text));
        }
        // The connection stays, serves a command, and nothing was written.
        QVERIFY(!client.isDisconnected());
        QVERIFY(runsNormally(client, 99));
        QCOMPARE(QDir(directory.path()).entryList(QDir::Files | QDir::Hidden | QDir::System),
                 QStringList{QStringLiteral("existing.txt")});
        QCOMPARE(client.decodeError(), QString());
    }

    // 300 connections at once against the caps (256 in all, 32 per address):
    // the 44 beyond are refused at once and said so; the others are cut by
    // the grace time; a good client is refused while the server is full and
    // served once they are gone.
    void consoleConnectionFlood()
    {
        // A grace time long enough that no flood connection is cut before all are in.
        QVERIFY(startConsole(FloodGraceTime));
        QSignalSpy refused(m_console.get(), &ConsoleServer::connectionRefused);
        QSignalSpy connected(m_console.get(), &ConsoleServer::clientConnected);
        std::vector<std::unique_ptr<RawConsoleClient>> flood;
        for (int i = 0; i < FloodConnections; ++i) {
            const QHostAddress source(quint32(0x7F000001 + i % FloodSources)); // 127.0.0.1 .. 127.0.0.10
            flood.push_back(std::make_unique<RawConsoleClient>(m_console->serverPort(), Local,
                                                               Limits::MaxClassicReplyPayload, source));
            // Each sends the start of a hello. (A silent one may never reach
            // the server at all: when the accept queue overflows under SYN
            // cookies, the handshake's last ACK is dropped and only the
            // client's first data packet completes it.)
            flood.back()->write(helloFrame().first(FrameLimits::PrefixSize + 1));
        }
        QVERIFY2(Test::spinUntil([&] { return connected.count() + refused.count() == FloodConnections; }, FloodTimeout),
                 qPrintable(QStringLiteral("%1 connected, %2 refused").arg(connected.count()).arg(refused.count())));
        QCOMPARE(m_console->connectionCount(), ConsoleServer::DefaultMaxConnections);
        QCOMPARE(connected.count(), ConsoleServer::DefaultMaxConnections);
        QCOMPARE(refused.count(), FloodConnections - ConsoleServer::DefaultMaxConnections);
        for (const QList<QVariant> &refusal : refused) {
            QCOMPARE(refusal.at(0).toULongLong(), quint64(0)); // never became a client
            QVERIFY2(refusal.at(3).toString().contains(QString::number(ConsoleServer::DefaultMaxConnections)),
                     qPrintable(refusal.at(3).toString()));
        }
        // The refused ones are closed, not left hanging.
        QVERIFY(Test::spinUntil(
            [&] {
                return std::count_if(flood.cbegin(), flood.cend(), [](const auto &c) { return c->isDisconnected(); })
                    == FloodConnections - ConsoleServer::DefaultMaxConnections;
            },
            RowTimeout));
        // Full: a good client is turned away too, with the reason logged.
        {
            RawConsoleClient good(m_console->serverPort());
            QVERIFY(good.waitForDisconnected(RowTimeout));
            QVERIFY(!good.find(Type::AuthChallenge));
            QCOMPARE(refused.count(), FloodConnections - ConsoleServer::DefaultMaxConnections + 1);
        }
        flood.clear();
        QVERIFY(Test::spinUntil([&] { return m_console->connectionCount() == 0; }, RowTimeout));
        QVERIFY(consoleStillServes());
    }

    // ---- chat ---------------------------------------------------------------------------

    void chat_data()
    {
        QTest::addColumn<QList<QByteArray>>("datagrams");
        QTest::addColumn<QString>("rejection");   // part of each datagramRejected reason; empty: none
        QTest::addColumn<int>("messages");        // messageReceived expected
        QTest::addColumn<QString>("messageText"); // the text of the last one

        const auto one = [](const QByteArray &bytes) { return QList<QByteArray>{bytes}; };
        const QString malformed = QStringLiteral("Malformed envelope");

        QTest::newRow("marker only") << one(QByteArray(1, Chat::Marker)) << QStringLiteral("Truncated Tincan datagram")
                                     << 0 << QString();
        QTest::newRow("marker, version, garbage")
            << one(envelopeBytes(Test::scrambledBytes(512))) << malformed << 0 << QString();
        QTest::newRow("marker, garbage") << one(QByteArray(1, Chat::Marker) + QByteArray("\x7f")
                                                + Test::scrambledBytes(512))
                                         << QStringLiteral("Unsupported Tincan envelope version 127") << 0 << QString();
        QTest::newRow("version 2") << one(envelopeBytes(messageMap(QStringLiteral("v2")).toCborValue().toCbor(), 2))
                                   << QStringLiteral("Unsupported Tincan envelope version 2") << 0 << QString();
        QTest::newRow("version 0") << one(envelopeBytes(messageMap(QStringLiteral("v0")).toCborValue().toCbor(), 0))
                                   << QStringLiteral("Unsupported Tincan envelope version 0") << 0 << QString();
        QTest::newRow("text string of 2^63-1 bytes")
            << one(envelopeBytes(hugeLengthCbor(0x7b))) << malformed << 0 << QString();
        QTest::newRow("byte string of 2^63-1 bytes")
            << one(envelopeBytes(hugeLengthCbor(0x5b))) << malformed << 0 << QString();
        QTest::newRow("array of 2^63-1 items")
            << one(envelopeBytes(hugeLengthCbor(0x9b))) << malformed << 0 << QString();
        QTest::newRow("map of 2^63-1 pairs") << one(envelopeBytes(hugeLengthCbor(0xbb))) << malformed << 0 << QString();
        QTest::newRow("map of 2^32-1 pairs, top level")
            << one(envelopeBytes(QByteArray(QByteArray::fromHex("baffffffff") + QByteArray(16, '\0')))) << malformed
            << 0 << QString();
        QTest::newRow("65,000 nested arrays")
            << one(envelopeBytes(QByteArray(QByteArray(65000, '\x81') + '\x00'))) << malformed << 0 << QString();
        QTest::newRow("30,000 nested maps") << one(envelopeBytes([]() -> QByteArray {
            QByteArray cbor;
            for (int i = 0; i < 30000; ++i)
                cbor += QByteArray::fromHex("a100"); // {0: ...
            return cbor + QByteArray(1, '\x00');
        }())) << malformed << 0 << QString();
        QTest::newRow("65,000 nested indefinite arrays")
            << one(envelopeBytes(QByteArray(65000, '\x9f'))) << malformed << 0 << QString();
        // RFC 8949, section 5.6: a map with duplicate keys is not valid CBOR,
        // and a decoder that picks one of them is open to confusion.
        QTest::newRow("duplicate keys, ack then msg")
            << one(duplicateKeyMessage(QStringLiteral("ack"), QStringLiteral("msg"))) << malformed << 0 << QString();
        QTest::newRow("duplicate keys, msg twice")
            << one(duplicateKeyMessage(QStringLiteral("msg"), QStringLiteral("msg"))) << malformed << 0 << QString();
        QTest::newRow("text over the limit")
            << one(envelopeBytes(messageMap(QString(Chat::MaxTextBytes + 1, u'a')).toCborValue().toCbor()))
            << QStringLiteral("the text is longer than %1 bytes").arg(Chat::MaxTextBytes) << 0 << QString();
        QTest::newRow("65,000-byte datagram")
            << one(envelopeBytes(messageMap(QString(64900, u'b')).toCborValue().toCbor()))
            << QStringLiteral("the text is longer than %1 bytes").arg(Chat::MaxTextBytes) << 0 << QString();
        // Not refusals: an empty datagram is classic text (the empty
        // message), and an ack for nothing changes nothing.
        QTest::newRow("empty datagram") << one(QByteArray()) << QString() << 1 << QString();
        QTest::newRow("ack for an unknown id") << one(envelopeBytes([]() -> QByteArray {
            QCborMap map;
            map.insert(QStringLiteral("type"), QStringLiteral("ack"));
            map.insert(QStringLiteral("from"), uuidBytes());
            map.insert(QStringLiteral("name"), QStringLiteral("stranger"));
            map.insert(QStringLiteral("id"), uuidBytes());
            return map.toCborValue().toCbor();
        }())) << QString() << 0 << QString();

        QList<QByteArray> junkFlood;
        QList<QByteArray> messageFlood;
        for (int i = 0; i < FloodDatagrams; ++i) {
            junkFlood.append(envelopeBytes(QByteArray(QByteArray::fromHex("ff") + QByteArray::number(i))));
            messageFlood.append(envelopeBytes(messageMap(QStringLiteral("flood %1").arg(i)).toCborValue().toCbor()));
        }
        QTest::newRow("10,000 malformed datagrams") << junkFlood << malformed << 0 << QString();
        QTest::newRow("10,000 valid messages")
            << messageFlood << QString() << FloodDatagrams << QStringLiteral("flood %1").arg(FloodDatagrams - 1);
    }

    void chat()
    {
        QFETCH(QList<QByteArray>, datagrams);
        QFETCH(QString, rejection);
        QFETCH(int, messages);
        QFETCH(QString, messageText);

        ChatEndpoint target(QUuid::createUuid(), QStringLiteral("target"));
        target.setRetryPolicy({10ms, 6});
        target.setAcceptor([](const ChatMessage &) { return ChatEndpoint::AcceptResult::Stored; });
        QVERIFY(target.bind(Local, 0, false));
        QSignalSpy rejected(&target, &ChatEndpoint::datagramRejected);
        QSignalSpy received(&target, &ChatEndpoint::messageReceived);
        QSignalSpy states(&target, &ChatEndpoint::deliveryStateChanged);
        QSignalSpy seen(&target, &ChatEndpoint::peerSeen);
        // Every datagram ends in exactly one of: a rejection, a valid
        // envelope (peerSeen) or a classic message.
        const auto handled = [&] {
            qsizetype classic = 0;
            for (const QList<QVariant> &arguments : received)
                classic += arguments.at(0).value<ChatMessage>().classic ? 1 : 0;
            return rejected.count() + seen.count() + classic;
        };

        QUdpSocket stranger;
        QVERIFY(stranger.bind(Local, 0));
        const int perDatagram = rejection.isEmpty() ? 0 : 1;
        for (qsizetype i = 0; i < datagrams.size(); ++i) {
            QCOMPARE(stranger.writeDatagram(datagrams.at(i), Local, target.localPort()),
                     qint64(datagrams.at(i).size()));
            // Each batch is handled before the next goes (see FloodBatch).
            if ((i + 1) % FloodBatch == 0 || i + 1 == datagrams.size()) {
                const qsizetype sent = i + 1;
                QVERIFY2(Test::spinUntil([&] { return handled() >= sent; }, RowTimeout),
                         qPrintable(QStringLiteral("after %1: %2 rejected, %3 received")
                                        .arg(sent)
                                        .arg(rejected.count())
                                        .arg(received.count())));
            }
        }
        // Nothing more than expected trickles in.
        QTest::qWait(50);
        QCOMPARE(handled(), datagrams.size());
        QCOMPARE(rejected.count(), datagrams.size() * perDatagram);
        for (const QList<QVariant> &rejection_ : rejected)
            QVERIFY2(rejection_.at(1).toString().contains(rejection), qPrintable(rejection_.at(1).toString()));
        QCOMPARE(received.count(), messages);
        if (messages > 0)
            QCOMPARE(received.constLast().at(0).value<ChatMessage>().text, messageText);
        QCOMPARE(states.count(), 0);
        const qsizetype receivedBefore = received.count();
        const qsizetype rejectedBefore = rejected.count();
        QCOMPARE(target.pendingCount(), 0);

        // A good Tincan peer is delivered and acknowledged.
        ChatEndpoint good(QUuid::createUuid(), QStringLiteral("good"));
        good.setRetryPolicy({10ms, 6});
        good.setAcceptor([](const ChatMessage &) { return ChatEndpoint::AcceptResult::Stored; });
        QVERIFY(good.bind(Local, 0, false));
        QSignalSpy goodStates(&good, &ChatEndpoint::deliveryStateChanged);
        const Expected<QUuid> sent
            = good.send({Local, target.localPort()}, QStringLiteral("still here"), ChatProtocol::Tincan);
        QVERIFY2(sent, qPrintable(sent.error()));
        const QUuid id = *sent;
        QVERIFY(Test::spinUntil(
            [&] {
                return !goodStates.isEmpty()
                    && goodStates.constLast().at(1).value<DeliveryState>() == DeliveryState::Delivered;
            },
            RowTimeout));
        QCOMPARE(goodStates.constLast().at(0).toUuid(), id);
        QCOMPARE(received.count(), receivedBefore + 1);
        const ChatMessage last = received.constLast().at(0).value<ChatMessage>();
        QCOMPARE(last.text, QStringLiteral("still here"));
        QCOMPARE(last.classic, false);
        QCOMPARE(good.pendingCount(), 0);
        QCOMPARE(target.pendingCount(), 0);
        QCOMPARE(rejected.count(), rejectedBefore);
    }

    // ---- echo services --------------------------------------------------------------------

    void echoUdp_data()
    {
        QTest::addColumn<QByteArray>("datagram");
        QTest::newRow("empty datagram") << QByteArray();
        QTest::newRow("65,507-byte datagram") << Test::scrambledBytes(Chat::MaxDatagramSize);
        QTest::newRow("one NUL") << QByteArray(1, '\0');
    }

    void echoUdp()
    {
        QFETCH(QByteArray, datagram);
        EchoUdpService service;
        QVERIFY(service.bind(Local, 0));
        UdpClient client;
        QVERIFY(client.isBound());
        QVERIFY(client.send(datagram, service.localPort()));
        QVERIFY(client.waitForCount(1));
        QCOMPARE(client.received().constFirst(), Test::pythonUpper(datagram));
        // Then a good request.
        client.clear();
        QVERIFY(client.send("still here", service.localPort()));
        QVERIFY(client.waitForCount(1));
        QCOMPARE(client.received().constFirst(), QByteArray("STILL HERE"));
        QCOMPARE(client.received().size(), 1);
    }

    // A client resets while its echo is flowing: it is forgotten, the
    // server goes on.
    void echoTcpResetMidEcho()
    {
        EchoTcpServer server;
        QVERIFY(server.listen(Local, 0));
        QSignalSpy disconnected(&server, &EchoTcpServer::clientDisconnected);
        {
            QTcpSocket rude;
            rude.connectToHost(Local, server.serverPort());
            QVERIFY(rude.waitForConnected(int(RowTimeout.count())));
            rude.write(Test::scrambledBytes(8 * 1024 * 1024));
            QVERIFY(Test::spinUntil([&] { return rude.bytesAvailable() > 0; }, RowTimeout));
            QCOMPARE(server.clientCount(), 1);
            QVERIFY(Test::setResetOnClose(rude));
            rude.close();
        }
        QVERIFY(Test::spinUntil([&] { return server.clientCount() == 0; }, RowTimeout));
        QCOMPARE(disconnected.count(), 1);
        QVERIFY(echoTcpServes(server));
    }

    // A client that never reads its echoes: the server stops reading from it
    // once MaxUnsentBytes wait, so what it takes from that client is bounded
    // by its own buffer plus what the kernel holds in flight.
    void echoTcpClientNeverReads()
    {
        EchoTcpServer server;
        QVERIFY(server.listen(Local, 0));
        qint64 taken = 0; // bytes the server read from the client that does not read
        quint64 stalledId = 0;
        QObject::connect(&server, &EchoTcpServer::clientConnected, &server, [&](const ClientInfo &info) {
            if (stalledId == 0)
                stalledId = info.id;
        });
        QObject::connect(&server, &EchoTcpServer::clientUpdated, &server, [&](const ClientInfo &info) {
            if (info.id == stalledId)
                taken = info.bytesIn;
        });
        NonReadingClient client(server.serverPort());
        QVERIFY(client.isValid());
        const QByteArray chunk = Test::scrambledBytes(256 * 1024);
        constexpr qint64 Attempt = 256LL * 1024 * 1024;
        qint64 pushed = 0;
        QElapsedTimer quiet;
        quiet.start();
        while (pushed < Attempt && quiet.elapsed() < StallWindow.count()) {
            const qint64 accepted = client.push(chunk);
            pushed += accepted;
            const qint64 before = taken;
            Test::spinUntil([] { return false; }, 5ms);
            if (accepted > 0 || taken != before)
                quiet.restart();
        }
        // The client could not write all it wanted: the server stopped reading.
        QVERIFY2(pushed < Attempt, qPrintable(QString::number(pushed)));
        // Echoed bytes sit in the server's buffer (at most MaxUnsentBytes and
        // one more read), its kernel send buffer, and the client's small
        // receive buffer; nothing else.
        const qint64 bound = EchoTcpServer::MaxUnsentBytes + EchoTcpServer::SocketReadBufferSize + maxTcpSendBuffer()
            + 2 * client.receiveBuffer();
        QVERIFY2(taken <= bound,
                 qPrintable(QStringLiteral("took %1 of %2 pushed; bound %3").arg(taken).arg(pushed).arg(bound)));
        QVERIFY(taken > EchoTcpServer::MaxUnsentBytes);
        qInfo("the server took %lld bytes of the %lld the client pushed before it stalled (bound %lld)", taken, pushed,
              bound);
        // Stalled for good, and others are served meanwhile.
        const qint64 stalledAt = taken;
        QVERIFY(echoTcpServes(server, 1));
        QCOMPARE(taken, stalledAt);
        QCOMPARE(server.clientCount(), 1);
    }

    // ---- UDP commands --------------------------------------------------------------------------

    void udpCommand_data()
    {
        QTest::addColumn<QByteArray>("command");
        QTest::addColumn<QByteArray>("expectedErr");
        QTest::addColumn<QByteArray>("expectedOut");
        // The empty command is the shell's: it runs nothing and says nothing.
        QTest::newRow("empty datagram") << QByteArray() << QByteArray() << QByteArray();
        const QByteArray as(64989, 'a');
        QTest::newRow("65,000-byte command") << QByteArray("printf %s " + as) << QByteArray() << as;
        // Commands are UTF-8: invalid bytes reach the shell as U+FFFD, as
        // everywhere else where Tincan shows a stranger's text.
        QTest::newRow("invalid UTF-8") << QByteArray("printf '%s\\n' '\xff\xfe'; printf '\xc0\x80' >&2")
                                       << QByteArray("\xef\xbf\xbd\xef\xbf\xbd")
                                       << QByteArray("\xef\xbf\xbd\xef\xbf\xbd\n");
    }

    void udpCommand()
    {
        QFETCH(QByteArray, command);
        QFETCH(QByteArray, expectedErr);
        QFETCH(QByteArray, expectedOut);
        UdpCommandService service;
        QVERIFY(service.bind(Local, 0));
        UdpClient client;
        QVERIFY(client.send(command, service.localPort()));
        QVERIFY(client.waitForCount(2, CommandTimeout));
        QCOMPARE(client.received().at(0), expectedErr);
        QCOMPARE(client.received().at(1), expectedOut);
        QVERIFY(Test::spinUntil([&] { return service.runningCount() == 0; }, RowTimeout));
        QVERIFY(udpCommandServes(service));
    }

    // More commands than run and wait: each one beyond gets the documented
    // busy reply (and its empty second datagram) at once.
    void udpCommandFlood()
    {
        UdpCommandService service;
        QVERIFY(service.bind(Local, 0));
        constexpr int Extra = 20;
        constexpr int Total = UdpCommandService::MaxConcurrentCommands + UdpCommandService::MaxQueuedCommands + Extra;
        UdpClient client;
        for (int i = 0; i < Total; ++i)
            QVERIFY(client.send("sleep 0.3", service.localPort()));
        const QByteArray busy("tincan: too many commands at once; try again later.\n");
        // The refusals come first, before any sleep ends.
        QVERIFY(client.waitForCount(2 * Extra, CommandTimeout));
        for (int i = 0; i < 2 * Extra; i += 2) {
            QCOMPARE(client.received().at(i), busy);
            QCOMPARE(client.received().at(i + 1), QByteArray());
        }
        // The others all run, in turn.
        QVERIFY(client.waitForCount(2 * Total, 4 * CommandTimeout));
        QCOMPARE(client.received().count(busy), Extra);
        QCOMPARE(client.received().count(QByteArray()), 2 * Total - Extra);
        QVERIFY(Test::spinUntil([&] { return service.runningCount() == 0; }, RowTimeout));
        QVERIFY(udpCommandServes(service));
    }

private:
    // A good TCP echo client, `others` already connected.
    bool echoTcpServes(EchoTcpServer &server, int others = 0)
    {
        QTcpSocket good;
        good.connectToHost(Local, server.serverPort());
        good.write("still here");
        QByteArray echoed;
        QObject::connect(&good, &QTcpSocket::readyRead, &good, [&] { echoed += good.readAll(); });
        if (!Test::spinUntil([&] { return echoed.size() >= 10; }, RowTimeout) || echoed != "STILL HERE")
            return false;
        if (server.clientCount() != others + 1)
            return false;
        good.disconnectFromHost();
        return Test::spinUntil([&] { return server.clientCount() == others; }, RowTimeout);
    }

    bool udpCommandServes(UdpCommandService &service)
    {
        UdpClient good;
        good.send("echo good; echo bad >&2", service.localPort());
        return good.waitForCount(2, CommandTimeout) && good.received().at(0) == "bad\n"
            && good.received().at(1) == "good\n" && good.received().size() == 2
            && Test::spinUntil([&] { return service.runningCount() == 0; }, RowTimeout);
    }
};

QTEST_GUILESS_MAIN(TestHostileInput)
#include "tst_hostileinput.moc"
