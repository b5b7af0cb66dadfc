// HostEventFormatter: the one wording of the host's events. The command
// line's sentences are what scripts and operators read in its log, so each is
// held here word for word; the window's differ only in how they name things.
#include "host/hosteventformatter.h"

#include <QTest>

using namespace Tincan;
using Type = HostEvent::Type;
using Naming = HostEventFormatter::Naming;

namespace {

HostEvent make(Type type, ServiceKind service = ServiceKind::Console)
{
    HostEvent event;
    event.type = type;
    event.service = service;
    return event;
}

HostEvent withClient(HostEvent event, quint64 id = 3, const QString &address = QStringLiteral("127.0.0.1"),
                     quint16 port = 50312)
{
    event.client.id = id;
    event.client.address = QHostAddress(address);
    event.client.port = port;
    return event;
}

} // namespace

class TestHostEventFormatter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void format_data();
    void format();
    void severities();
    void hostileText();
};

void TestHostEventFormatter::format_data()
{
    QTest::addColumn<HostEvent>("event");
    QTest::addColumn<QString>("commandLine");
    QTest::addColumn<QString>("window");

    HostEvent listening = make(Type::Listening);
    listening.address = QHostAddress(QStringLiteral("127.0.0.1"));
    listening.port = 8082;
    QTest::newRow("listening") << listening << QStringLiteral("console: listening on 127.0.0.1:8082")
                               << QStringLiteral("Console: listening on 127.0.0.1:8082");
    HostEvent listening6 = make(Type::Listening, ServiceKind::EchoUdp);
    listening6.address = QHostAddress(QStringLiteral("::1"));
    listening6.port = 9000;
    QTest::newRow("listening, IPv6") << listening6 << QStringLiteral("echo-udp: listening on ::1:9000")
                                     << QStringLiteral("UDP echo: listening on [::1]:9000");
    HostEvent fingerprint = make(Type::TlsFingerprint);
    fingerprint.text = QStringLiteral("SHA256:abc");
    QTest::newRow("fingerprint") << fingerprint << QStringLiteral("console: TLS fingerprint SHA256:abc")
                                 << QStringLiteral("Console: TLS fingerprint SHA256:abc");
    HostEvent password = make(Type::PasswordRequired);
    password.count = 600000;
    QTest::newRow("password") << password
                              << QStringLiteral("console: clients must log in with the password (600000 PBKDF2 "
                                                "iterations)")
                              << QStringLiteral("Console: clients must log in with the password (600000 PBKDF2 "
                                                "iterations)");
    const HostEvent connected = withClient(make(Type::ClientConnected));
    QTest::newRow("connected") << connected << QStringLiteral("console: client 3 (127.0.0.1:50312) connected")
                               << QStringLiteral("Console: client 127.0.0.1:50312 connected");
    QTest::newRow("disconnected") << withClient(make(Type::ClientDisconnected))
                                  << QStringLiteral("console: client 3 disconnected")
                                  << QStringLiteral("Console: client 127.0.0.1:50312 disconnected");
    QTest::newRow("echo connected") << withClient(make(Type::ClientConnected, ServiceKind::EchoTcp), 1)
                                    << QStringLiteral("echo-tcp: client 1 (127.0.0.1:50312) connected")
                                    << QStringLiteral("TCP echo: client 127.0.0.1:50312 connected");
    HostEvent refusedEarly = withClient(make(Type::Refused), 0);
    refusedEarly.text = QStringLiteral("too many connections");
    QTest::newRow("refused before a client")
        << refusedEarly << QStringLiteral("console: refused 127.0.0.1:50312: too many connections")
        << QStringLiteral("Console: refused 127.0.0.1:50312: too many connections");
    HostEvent refused = withClient(make(Type::Refused));
    refused.text = QStringLiteral("idle");
    QTest::newRow("refused client") << refused << QStringLiteral("console: client 3 (127.0.0.1:50312) refused: idle")
                                    << QStringLiteral("Console: client 127.0.0.1:50312 refused: idle");
    QTest::newRow("logged in") << withClient(make(Type::LoginSucceeded))
                               << QStringLiteral("console: client 3 (127.0.0.1) logged in")
                               << QStringLiteral("Console: client 127.0.0.1:50312 logged in");
    HostEvent failed = withClient(make(Type::LoginFailed));
    failed.text = QStringLiteral("wrong password");
    failed.count = 2000;
    QTest::newRow("login failed")
        << failed
        << QStringLiteral("console: client 3 (127.0.0.1) failed to log in: wrong password; that address "
                          "waits 2000 ms")
        << QStringLiteral("Console: client 127.0.0.1:50312 failed to log in: wrong password; that address waits "
                          "2000 ms");
    HostEvent started = withClient(make(Type::CommandStarted));
    started.tag = QStringLiteral("1");
    started.text = QStringLiteral("echo hi");
    started.count = 4242;
    QTest::newRow("console command started")
        << started << QStringLiteral("console: client 3 request 1 started pid 4242: echo hi")
        << QStringLiteral("Console: client 127.0.0.1:50312 request 1 started pid 4242: echo hi");
    HostEvent finished = withClient(make(Type::CommandFinished));
    finished.tag = QStringLiteral("7");
    finished.exit.signal = 15;
    QTest::newRow("console command killed")
        << finished << QStringLiteral("console: client 3 request 7 finished: killed by signal 15")
        << QStringLiteral("Console: client 127.0.0.1:50312 request 7 finished: killed by signal 15");
    HostEvent udpStarted = withClient(make(Type::CommandStarted, ServiceKind::UdpCommands), 9);
    udpStarted.text = QStringLiteral("uname");
    udpStarted.count = 77;
    QTest::newRow("UDP command started") << udpStarted << QStringLiteral("exec-udp: started pid 77: uname")
                                         << QStringLiteral("UDP commands: client 127.0.0.1:50312 started pid 77: "
                                                           "uname");
    HostEvent udpFinished = withClient(make(Type::CommandFinished, ServiceKind::UdpCommands), 9);
    udpFinished.text = QStringLiteral("false");
    udpFinished.exit.exitCode = 1;
    QTest::newRow("UDP command finished") << udpFinished << QStringLiteral("exec-udp: finished (exit 1): false")
                                          << QStringLiteral("UDP commands: client 127.0.0.1:50312 finished (exit 1): "
                                                            "false");
    HostEvent upload = withClient(make(Type::TransferStarted));
    upload.tag = QStringLiteral("t1");
    upload.upload = true;
    upload.text = QStringLiteral("/tmp/a");
    upload.count = 10;
    QTest::newRow("upload") << upload << QStringLiteral("console: client 3 transfer t1 upload of 10 bytes to /tmp/a")
                            << QStringLiteral("Console: client 127.0.0.1:50312 transfer t1 upload of 10 bytes to "
                                              "/tmp/a");
    HostEvent download = upload;
    download.upload = false;
    QTest::newRow("download") << download
                              << QStringLiteral("console: client 3 transfer t1 download of 10 bytes from /tmp/a")
                              << QStringLiteral("Console: client 127.0.0.1:50312 transfer t1 download of 10 bytes "
                                                "from /tmp/a");
    HostEvent done = withClient(make(Type::TransferFinished));
    done.tag = QStringLiteral("t1");
    done.ok = true;
    QTest::newRow("transfer done") << done << QStringLiteral("console: client 3 transfer t1 done")
                                   << QStringLiteral("Console: client 127.0.0.1:50312 transfer t1 done");
    HostEvent ended = done;
    ended.ok = false;
    ended.text = QStringLiteral("disk full");
    QTest::newRow("transfer ended") << ended << QStringLiteral("console: client 3 transfer t1 ended: disk full")
                                    << QStringLiteral("Console: client 127.0.0.1:50312 transfer t1 ended: disk full");
    HostEvent protocol = withClient(make(Type::ProtocolError));
    protocol.text = QStringLiteral("bad frame");
    QTest::newRow("protocol error") << protocol << QStringLiteral("console: client 3 protocol error: bad frame")
                                    << QStringLiteral("Console: client 127.0.0.1:50312 protocol error: bad frame");
    HostEvent datagram = withClient(make(Type::ProtocolError, ServiceKind::Chat), 0);
    datagram.text = QStringLiteral("bad envelope");
    QTest::newRow("protocol error from a datagram")
        << datagram << QStringLiteral("chat: protocol error from 127.0.0.1:50312: bad envelope")
        << QStringLiteral("Chat: protocol error from 127.0.0.1:50312: bad envelope");
    HostEvent startFailed = make(Type::StartFailed, ServiceKind::EchoTcp);
    startFailed.text = QStringLiteral("TCP port 1 on 127.0.0.1 is already in use.");
    QTest::newRow("start failed") << startFailed
                                  << QStringLiteral("echo-tcp could not start: TCP port 1 on 127.0.0.1 is already in "
                                                    "use.")
                                  << QStringLiteral("TCP echo could not start: TCP port 1 on 127.0.0.1 is already in "
                                                    "use.");
    QTest::newRow("stopping") << make(Type::Stopping)
                              << QStringLiteral("console: stopping; running commands are terminated")
                              << QStringLiteral("Console: stopping; running commands are terminated");
    QTest::newRow("stopped") << make(Type::Stopped, ServiceKind::EchoTcp) << QStringLiteral("echo-tcp: stopped")
                             << QStringLiteral("TCP echo: stopped");
    HostEvent shutting = make(Type::ShuttingDown);
    shutting.count = 15;
    QTest::newRow("shutting down") << shutting << QStringLiteral("shutting down (signal 15)")
                                   << QStringLiteral("shutting down (signal 15)");
    HostEvent insecure = make(Type::InsecureWarning, ServiceKind::UdpCommands);
    insecure.address = QHostAddress(QStringLiteral("0.0.0.0"));
    insecure.insecurity = HostEvent::Insecurity::CommandsWithoutAuthentication;
    const QString open = QStringLiteral("WARNING: --insecure: commands are served on 0.0.0.0 with NO authentication. "
                                        "Anyone who can reach this port can run any command as this user.");
    QTest::newRow("insecure, open") << insecure << open << open;
    insecure.insecurity = HostEvent::Insecurity::ClassicWithoutPassword;
    const QString classic = QStringLiteral("WARNING: --insecure: classic console clients from any address run "
                                           "commands on 0.0.0.0 with NO password. Anyone who can reach this port "
                                           "can run any command as this user.");
    QTest::newRow("insecure, classic") << insecure << classic << classic;
    insecure.insecurity = HostEvent::Insecurity::NothingYet;
    insecure.address = QHostAddress(QStringLiteral("127.0.0.1"));
    const QString nothing = QStringLiteral("WARNING: --insecure is given; on 127.0.0.1 only this machine can "
                                           "connect, so it changes nothing yet. Listening on another address would "
                                           "serve commands without a password.");
    QTest::newRow("insecure, loopback") << insecure << nothing << nothing;
}

void TestHostEventFormatter::format()
{
    QFETCH(HostEvent, event);
    QFETCH(QString, commandLine);
    QFETCH(QString, window);
    QCOMPARE(HostEventFormatter::format(event, Naming::CommandLine), commandLine);
    QCOMPARE(HostEventFormatter::format(event, Naming::Window), window);
}

void TestHostEventFormatter::severities()
{
    QCOMPARE(make(Type::Listening).severity(), HostEvent::Severity::Info);
    QCOMPARE(make(Type::Refused).severity(), HostEvent::Severity::Warning);
    QCOMPARE(make(Type::LoginFailed).severity(), HostEvent::Severity::Warning);
    QCOMPARE(make(Type::StartFailed).severity(), HostEvent::Severity::Error);
    HostEvent transfer = make(Type::TransferFinished);
    transfer.ok = true;
    QCOMPARE(transfer.severity(), HostEvent::Severity::Info);
    transfer.ok = false;
    QCOMPARE(transfer.severity(), HostEvent::Severity::Warning);
    // What a quiet log still shows: attacks and what differs from the settings.
    for (Type type : {Type::Refused, Type::LoginFailed, Type::TlsNote, Type::InsecureWarning, Type::StartFailed})
        QVERIFY(make(type).alwaysLogged());
    for (Type type : {Type::ClientConnected, Type::CommandStarted, Type::LoginSucceeded, Type::ShuttingDown})
        QVERIFY(!make(type).alwaysLogged());
}

void TestHostEventFormatter::hostileText()
{
    // A peer chooses a command's text: the log names its first 200 characters, and
    // %-sequences in it are not taken for the sentence's own.
    HostEvent started = withClient(make(Type::CommandStarted));
    started.tag = QStringLiteral("%1");
    started.text = QStringLiteral("%2 %3 ") + QString(1000, QLatin1Char('x'));
    started.count = 1;
    const QString line = HostEventFormatter::format(started, Naming::CommandLine);
    QVERIFY(line.startsWith(QStringLiteral("console: client 3 request %1 started pid 1: %2 %3 xxx")));
    QCOMPARE(line.size(), QStringLiteral("console: client 3 request %1 started pid 1: ").size() + 200);
    // A client never seen (its id only) is still named.
    HostEvent unknown = make(Type::ClientDisconnected);
    unknown.client.id = 12;
    QCOMPARE(HostEventFormatter::format(unknown, Naming::Window), QStringLiteral("Console: client 12 disconnected"));
}

QTEST_GUILESS_MAIN(TestHostEventFormatter)
#include "tst_hosteventformatter.moc"
