// Another machine, for real: a network namespace joined to this one by a veth
// pair, on addresses from 198.18.0.0/15 (the benchmarking range, never
// routed). The console and the UDP command service run in this process on the
// host side; the clients run inside the namespace (`ip netns exec`), so they
// reach the services from a non-loopback address, which 127.0.0.2 only
// imitates.
//
// Needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) and iproute2's `ip`; without
// them every test is skipped with the reason. The namespace and the veth pair
// are named after this process, and removed in cleanupTestCase whatever
// happened.
#include "net/auth/passwordhash.h"
#include "net/console/consoleserver.h"
#include "net/services/udpcommandservice.h"
#include "net/wire/consoleprotocol.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include "nettesthelpers.h"

using namespace Tincan;
using namespace std::chrono_literals;

namespace {

// Setting up the namespace, and each client run inside it.
constexpr std::chrono::milliseconds IpTimeout{10000};
constexpr std::chrono::milliseconds ClientTimeout{20000};
// How long the UDP client inside the namespace waits for its two datagrams.
constexpr int UdpReplySeconds = 10;

// A /30 from 198.18.0.0/15: the host end and the namespace end.
const QString HostAddress = QStringLiteral("198.18.0.1");
const QString NamespaceAddress = QStringLiteral("198.18.0.2");
constexpr int PrefixLength = 30;

const QString NamespacePrefix = QStringLiteral("tincan-test-");

const QString Password = QStringLiteral("netns password, right one");
const QString WrongPassword = QStringLiteral("netns password, wrong one");

// Exit status of `tincan-cli exec` when the login or the classic command is refused.
constexpr int ExecRefusedExit = 254;

struct Run
{
    int exitCode = -1;
    bool finished = false;
    QByteArray out;
    QByteArray err;
};

// Runs a program while this thread's event loop goes on (the servers under
// test live in it), and returns what it said.
Run runProcess(const QString &program, const QStringList &arguments, std::chrono::milliseconds timeout)
{
    QProcess process;
    process.start(program, arguments);
    Run run;
    if (!process.waitForStarted(int(timeout.count())))
        return run;
    run.finished = Test::spinUntil([&] { return process.state() == QProcess::NotRunning; }, timeout);
    if (!run.finished) {
        process.kill();
        process.waitForFinished();
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

} // namespace

class TestNetns : public QObject
{
    Q_OBJECT

private:
    QString m_ip;       // path of `ip`
    QString m_cli;      // path of tincan-cli
    QString m_netns;    // namespace name
    QString m_hostVeth; // veth end left on the host
    QString m_nsVeth;   // veth end moved into the namespace
    bool m_namespaceMade = false;
    bool m_vethMade = false;
    QString m_skipReason;
    QTemporaryDir m_dir;

    Run ip(const QStringList &arguments) { return runProcess(m_ip, arguments, IpTimeout); }
    bool ipOk(const QStringList &arguments, QString *why)
    {
        const Run run = ip(arguments);
        if (run.finished && run.exitCode == 0)
            return true;
        *why = QStringLiteral("ip %1: exit %2: %3")
                   .arg(arguments.join(u' '))
                   .arg(run.exitCode)
                   .arg(QString::fromLocal8Bit(run.err).trimmed());
        return false;
    }

    // Runs `program arguments` inside the namespace.
    Run inNamespace(const QString &program, const QStringList &arguments)
    {
        return runProcess(m_ip,
                          QStringList{QStringLiteral("netns"), QStringLiteral("exec"), m_netns, program} + arguments,
                          ClientTimeout);
    }

    QString passwordFile(const QString &name, const QString &password)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(password.toUtf8() + '\n') < 0)
            return QString();
        file.close();
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        return path;
    }

    // Removes the namespace and the veth pair; safe to call twice.
    void removeNetwork()
    {
        // Deleting the namespace deletes its veth end, and with it the pair;
        // the host end is deleted too in case the move never happened.
        if (m_vethMade)
            ip({QStringLiteral("link"), QStringLiteral("del"), m_hostVeth});
        m_vethMade = false;
        if (m_namespaceMade)
            ip({QStringLiteral("netns"), QStringLiteral("del"), m_netns});
        m_namespaceMade = false;
    }

    // Namespaces left by an earlier run that crashed (its process is gone).
    void removeStaleNamespaces()
    {
        const Run list = ip({QStringLiteral("netns"), QStringLiteral("list")});
        for (const QByteArray &line : list.out.split('\n')) {
            const QString name = QString::fromLocal8Bit(line.split(' ').constFirst());
            if (!name.startsWith(NamespacePrefix))
                continue;
            bool numeric = false;
            const qint64 pid = name.mid(NamespacePrefix.size()).toLongLong(&numeric);
            if (numeric && !QFile::exists(QStringLiteral("/proc/%1").arg(pid)))
                ip({QStringLiteral("netns"), QStringLiteral("del"), name});
        }
    }

    std::unique_ptr<ConsoleServer> startConsole()
    {
        ConsoleServer::Options options;
        options.address = QHostAddress(HostAddress);
        options.port = 0;
        options.password = *PasswordHash::create(Password, PasswordHash::MinIterations);
        // With a password, TLS is required from other hosts: the identity lives in the test's directory.
        options.tlsDirectory = m_dir.filePath(QStringLiteral("tls"));
        auto server = std::make_unique<ConsoleServer>();
        if (!server->listen(options)) {
            qWarning("listen failed: %s", qPrintable(server->errorString()));
            return nullptr;
        }
        return server;
    }

    QStringList execArguments(quint16 port) const
    {
        // A fresh pin file each time: the first connection trusts the server, as a user would once.
        return {QStringLiteral("exec"),
                QStringLiteral("--host"),
                HostAddress,
                QStringLiteral("--port"),
                QString::number(port),
                QStringLiteral("--accept-new"),
                QStringLiteral("--known-hosts"),
                m_dir.filePath(QStringLiteral("known_hosts-%1").arg(port))};
    }

public:
    // Also here, in case a failure left cleanupTestCase unreached.
    ~TestNetns() override { removeNetwork(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cli = qEnvironmentVariable("TINCAN_CLI");
        QVERIFY2(QFile::exists(m_cli), "TINCAN_CLI must name tincan-cli (CTest sets it)");
        m_ip = QStandardPaths::findExecutable(
            QStringLiteral("ip"),
            {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"), QStringLiteral("/usr/bin"), QStringLiteral("/bin")});
        if (m_ip.isEmpty()) {
            m_skipReason = QStringLiteral("`ip` (iproute2) is not installed");
            return;
        }
        // Names unique to this run; interface names have at most 15 bytes.
        const QString tag = QString::number(QCoreApplication::applicationPid());
        m_netns = NamespacePrefix + tag;
        m_hostVeth = QStringLiteral("tcn%1h").arg(tag);
        m_nsVeth = QStringLiteral("tcn%1n").arg(tag);

        removeStaleNamespaces();
        QString why;
        if (!ipOk({QStringLiteral("netns"), QStringLiteral("add"), m_netns}, &why)) {
            m_skipReason = QStringLiteral("cannot make a network namespace (needs root or CAP_NET_ADMIN): %1").arg(why);
            return;
        }
        m_namespaceMade = true;
        if (!ipOk({QStringLiteral("link"), QStringLiteral("add"), m_hostVeth, QStringLiteral("type"),
                   QStringLiteral("veth"), QStringLiteral("peer"), QStringLiteral("name"), m_nsVeth},
                  &why)) {
            m_skipReason = QStringLiteral("cannot make a veth pair: %1").arg(why);
            return;
        }
        m_vethMade = true;
        const QString prefix = QStringLiteral("/%1").arg(PrefixLength);
        const QString ns = m_netns;
        QVERIFY2(ipOk({QStringLiteral("link"), QStringLiteral("set"), m_nsVeth, QStringLiteral("netns"), ns}, &why),
                 qPrintable(why));
        QVERIFY2(ipOk({QStringLiteral("addr"), QStringLiteral("add"), HostAddress + prefix, QStringLiteral("dev"),
                       m_hostVeth},
                      &why),
                 qPrintable(why));
        QVERIFY2(ipOk({QStringLiteral("link"), QStringLiteral("set"), m_hostVeth, QStringLiteral("up")}, &why),
                 qPrintable(why));
        QVERIFY2(ipOk({QStringLiteral("-n"), ns, QStringLiteral("addr"), QStringLiteral("add"),
                       NamespaceAddress + prefix, QStringLiteral("dev"), m_nsVeth},
                      &why),
                 qPrintable(why));
        QVERIFY2(ipOk({QStringLiteral("-n"), ns, QStringLiteral("link"), QStringLiteral("set"), m_nsVeth,
                       QStringLiteral("up")},
                      &why),
                 qPrintable(why));
        QVERIFY2(ipOk({QStringLiteral("-n"), ns, QStringLiteral("link"), QStringLiteral("set"), QStringLiteral("lo"),
                       QStringLiteral("up")},
                      &why),
                 qPrintable(why));
        // The address is usable once duplicate address detection (none for
        // IPv4) and the link are up: a socket can bind to it.
        QVERIFY(Test::spinUntil(
            [&] {
                QTcpServer probe;
                return probe.listen(QHostAddress(HostAddress), 0);
            },
            IpTimeout));
    }

    void init()
    {
        if (!m_skipReason.isEmpty())
            QSKIP(qPrintable(m_skipReason));
    }

    void cleanupTestCase()
    {
        const bool made = m_namespaceMade;
        removeNetwork();
        if (made)
            QVERIFY(!QFile::exists(QStringLiteral("/run/netns/") + m_netns));
    }

    // The namespace really is another host: its address is not this one's.
    void namespaceIsAnotherAddress()
    {
        const Run run
            = inNamespace(QStringLiteral("ip"),
                          {QStringLiteral("-4"), QStringLiteral("-o"), QStringLiteral("addr"), QStringLiteral("show")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(NamespaceAddress.toLatin1()), run.out.constData());
        QVERIFY2(!run.out.contains(QByteArray(HostAddress.toLatin1() + '/')), run.out.constData());
        QVERIFY(!ConsoleServer::isLoopback(QHostAddress(NamespaceAddress)));
    }

    // A classic client from another host gets the documented refusal, and
    // the server logs it; nothing runs.
    void classicFromAnotherHostRefused()
    {
        const auto server = startConsole();
        QVERIFY(server);
        QSignalSpy refused(server.get(), &ConsoleServer::connectionRefused);
        QSignalSpy started(server.get(), &ConsoleServer::commandStarted);
        QVERIFY(!server->acceptsClassicFrom(QHostAddress(NamespaceAddress)));
        const Run run = inNamespace(
            m_cli,
            execArguments(server->serverPort())
                + QStringList{QStringLiteral("--classic"), QStringLiteral("--"), QStringLiteral("echo classic-ran")});
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, ExecRefusedExit);
        QVERIFY2(!run.out.contains("classic-ran"), run.out.constData());
        QVERIFY2(run.err.contains("refused"), run.err.constData());
        QVERIFY2(run.err.contains(NamespaceAddress.toLatin1()), run.err.constData());
        QVERIFY(Test::spinUntil([&] { return refused.count() == 1; }, ClientTimeout));
        QCOMPARE(refused.at(0).at(1).value<QHostAddress>(), QHostAddress(NamespaceAddress));
        const QString reason = refused.at(0).at(3).toString();
        QVERIFY2(reason.contains(QStringLiteral("A classic client from %1 was refused").arg(NamespaceAddress)),
                 qPrintable(reason));
        QCOMPARE(started.count(), 0);
        QVERIFY(Test::spinUntil([&] { return server->connectionCount() == 0; }, ClientTimeout));
    }

    // The same bytes from bash's /dev/tcp, as the tutorial's client sends
    // them: the reply is the refusal frame, its text as the payload.
    void classicBytesFromAnotherHostRefused()
    {
        const auto server = startConsole();
        QVERIFY(server);
        const QString script = QStringLiteral("exec 3<>/dev/tcp/%1/%2 && printf 'id' >&3 && timeout %3 cat <&3")
                                   .arg(HostAddress)
                                   .arg(server->serverPort())
                                   .arg(ClientTimeout.count() / 2000);
        const Run run = inNamespace(QStringLiteral("bash"), {QStringLiteral("-c"), script});
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 0); // the server closed: cat saw the end
        QVERIFY(run.out.size() > 4);
        QVERIFY2(run.out.contains("\"refused\":true"), run.out.constData());
        QVERIFY2(run.out.contains("\"exit_code\":126"), run.out.constData());
        QVERIFY2(
            run.out.contains(QByteArray("tincan: refused: this server runs classic (unauthenticated) commands only "
                                        "for clients on its own machine, and "
                                        + NamespaceAddress.toLatin1() + " is not one.")),
            run.out.constData());
    }

    void tincanClientWithThePassword()
    {
        const auto server = startConsole();
        QVERIFY(server);
        QSignalSpy succeeded(server.get(), &ConsoleServer::authenticationSucceeded);
        const QString file = passwordFile(QStringLiteral("right"), Password);
        QVERIFY(!file.isEmpty());
        const Run run = inNamespace(m_cli,
                                    execArguments(server->serverPort())
                                        + QStringList{QStringLiteral("--password-file"), file, QStringLiteral("--"),
                                                      QStringLiteral("echo netns-ok")});
        QVERIFY(run.finished);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.startsWith("netns-ok\n"), run.out.constData());
        QCOMPARE(succeeded.count(), 1);
        QCOMPARE(succeeded.at(0).at(1).value<QHostAddress>(), QHostAddress(NamespaceAddress));
    }

    void tincanClientWithAWrongPassword()
    {
        const auto server = startConsole();
        QVERIFY(server);
        QSignalSpy failed(server.get(), &ConsoleServer::authenticationFailed);
        QSignalSpy started(server.get(), &ConsoleServer::commandStarted);
        const QString file = passwordFile(QStringLiteral("wrong"), WrongPassword);
        QVERIFY(!file.isEmpty());
        const Run run = inNamespace(m_cli,
                                    execArguments(server->serverPort())
                                        + QStringList{QStringLiteral("--password-file"), file, QStringLiteral("--"),
                                                      QStringLiteral("echo never")});
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, ExecRefusedExit);
        QVERIFY2(!run.out.contains("never"), run.out.constData());
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.at(0).at(1).value<QHostAddress>(), QHostAddress(NamespaceAddress));
        QCOMPARE(started.count(), 0);
        QVERIFY(server->penaltyRemaining(QHostAddress(NamespaceAddress)) > 0ms);
    }

    // Insecure: a datagram from the namespace runs, and both replies go back
    // across the veth pair.
    void udpCommandsInsecure()
    {
        UdpCommandService service;
        QVERIFY2(service.bind(QHostAddress(HostAddress), 0, true), qPrintable(service.errorString()));
        QSignalSpy started(&service, &UdpCommandService::commandStarted);
        // dd reads one datagram per block; both replies are non-empty, since
        // an empty datagram would read as the end of input.
        const QString script
            = QStringLiteral("exec 3<>/dev/udp/%1/%2 && printf 'echo out-netns; echo err-netns >&2' >&3 "
                             "&& timeout %3 dd bs=65536 count=2 status=none <&3")
                  .arg(HostAddress)
                  .arg(service.localPort())
                  .arg(UdpReplySeconds);
        const Run run = inNamespace(QStringLiteral("bash"), {QStringLiteral("-c"), script});
        QVERIFY(run.finished);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(run.out, QByteArray("err-netns\nout-netns\n"));
        QCOMPARE(started.count(), 1);
        QVERIFY(Test::spinUntil([&] { return service.runningCount() == 0; }, ClientTimeout));
    }

    void udpCommandsRefuseTheAddressWithoutInsecure()
    {
        UdpCommandService service;
        QVERIFY(!service.bind(QHostAddress(HostAddress), 0, false));
        QVERIFY(!service.isBound());
        QVERIFY2(
            service.errorString().contains(QStringLiteral("Refusing to serve UDP commands on %1").arg(HostAddress)),
            qPrintable(service.errorString()));
    }
};

QTEST_GUILESS_MAIN(TestNetns)
#include "tst_netns.moc"
