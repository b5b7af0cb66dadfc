// The Tincan session's working directory: the built-in cd, the cwd of welcome
// and exit, commands run in it, sessions independent of each other, a
// directory removed under the session, ConsoleClient's view, and classic
// clients left as they were.
#include "net/console/consoleclient.h"
#include "net/console/consoleserver.h"
#include "net/console/sessiondirectory.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/frame.h"
#include "nettesthelpers.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <unistd.h>

using namespace Tincan;
using namespace Tincan::Console;
using Tincan::Test::RawConsoleClient;

namespace {
constexpr std::chrono::milliseconds CommandTimeout{10000};

// One command's answer as a raw client saw it.
struct Result
{
    bool finished = false;
    std::optional<qint64> exitCode;
    QString cwd;
    QByteArray out;
    QByteArray err;
    bool startedWithoutPid = false;
};

Result run(RawConsoleClient &client, qint64 id, const QString &command)
{
    client.sendExec(id, command);
    Result result;
    const std::optional<Frame> exit = client.waitFor(Type::Exit, id, CommandTimeout);
    if (!exit)
        return result;
    result.finished = true;
    result.exitCode = jsonInteger(exit->header, Key::ExitCode);
    result.cwd = exit->header.value(Key::Cwd).toString();
    result.out = client.output(id, StreamName::Stdout);
    result.err = client.output(id, StreamName::Stderr);
    if (const std::optional<Frame> started = client.find(Type::Started, id))
        result.startedWithoutPid = started->header.value(Key::Pid).isNull();
    return result;
}
} // namespace

class TestConsoleCwd : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_tree;
    std::unique_ptr<ConsoleServer> m_server;

    QString root() const { return m_tree->path(); }
    quint16 port() const { return m_server->serverPort(); }

    // Replaces %T (the tree) and %H (the home directory) in a row's text.
    QString expand(const QByteArray &utf8) const
    {
        return QString::fromUtf8(utf8)
            .replace(QStringLiteral("%T"), root())
            .replace(QStringLiteral("%H"), QDir::homePath());
    }

    std::unique_ptr<RawConsoleClient> greetedClient()
    {
        auto client = std::make_unique<RawConsoleClient>(port());
        return client->greet() ? std::move(client) : nullptr;
    }

private Q_SLOTS:
    void init()
    {
        // a/b, a file, an unsearchable directory and a link, in a fresh tree.
        m_tree = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tree->isValid());
        QVERIFY(QDir(root()).mkpath(QStringLiteral("a/b")));
        QVERIFY(QDir(root()).mkpath(QStringLiteral("with space")));
        QVERIFY(QDir(root()).mkpath(QStringLiteral("locked")));
        QVERIFY(QFile::setPermissions(root() + QStringLiteral("/locked"), QFileDevice::ReadOwner));
        QFile file(root() + QStringLiteral("/file.txt"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        QVERIFY(QFile::link(root() + QStringLiteral("/a/b"), root() + QStringLiteral("/link")));
        m_server = std::make_unique<ConsoleServer>();
        ConsoleServer::Options options;
        options.port = 0;
        options.startDirectory = root();
        QVERIFY2(m_server->listen(options), qPrintable(m_server->errorString()));
    }

    void cleanup()
    {
        m_server.reset();
        if (m_tree)
            QFile::setPermissions(root() + QStringLiteral("/locked"),
                                  QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        m_tree.reset();
    }

    // ---- which commands are the built-in cd (pure) --------------------------

    void cdArgument_data()
    {
        QTest::addColumn<QByteArray>("command");
        QTest::addColumn<bool>("builtin");
        QTest::addColumn<QByteArray>("argument");
        QTest::newRow("cd alone") << QByteArray("cd") << true << QByteArray("");
        QTest::newRow("spaces around") << QByteArray("  cd \t src  ") << true << QByteArray("src");
        QTest::newRow("relative") << QByteArray("cd a/b") << true << QByteArray("a/b");
        QTest::newRow("absolute") << QByteArray("cd /tmp") << true << QByteArray("/tmp");
        QTest::newRow("dash") << QByteArray("cd -") << true << QByteArray("-");
        QTest::newRow("home") << QByteArray("cd ~") << true << QByteArray("~");
        QTest::newRow("under home") << QByteArray("cd ~/src") << true << QByteArray("~/src");
        QTest::newRow("single quotes") << QByteArray("cd 'with space'") << true << QByteArray("with space");
        QTest::newRow("double quotes") << QByteArray("cd \"with space\"") << true << QByteArray("with space");
        QTest::newRow("and ls") << QByteArray("cd a && ls") << false << QByteArray("");
        QTest::newRow("semicolon") << QByteArray("cd a; ls") << false << QByteArray("");
        QTest::newRow("variable") << QByteArray("cd $HOME") << false << QByteArray("");
        QTest::newRow("variable in quotes") << QByteArray("cd \"$HOME\"") << false << QByteArray("");
        QTest::newRow("two words") << QByteArray("cd a b") << false << QByteArray("");
        QTest::newRow("option") << QByteArray("cd -P a") << false << QByteArray("");
        QTest::newRow("other user's home") << QByteArray("cd ~root") << false << QByteArray("");
        QTest::newRow("glob") << QByteArray("cd a*") << false << QByteArray("");
        QTest::newRow("cdrom") << QByteArray("cdrom") << false << QByteArray("");
        QTest::newRow("empty quotes") << QByteArray("cd ''") << false << QByteArray("");
        QTest::newRow("echo cd") << QByteArray("echo cd a") << false << QByteArray("");
    }

    void cdArgument()
    {
        QFETCH(QByteArray, command);
        QFETCH(bool, builtin);
        QFETCH(QByteArray, argument);
        const std::optional<QString> parsed = SessionDirectory::cdArgument(QString::fromUtf8(command));
        QCOMPARE(parsed.has_value(), builtin);
        if (builtin)
            QCOMPARE(*parsed, QString::fromUtf8(argument));
    }

    // ---- the session's directory over the wire -----------------------------

    void welcomeCarriesStartDirectory()
    {
        RawConsoleClient client(port());
        client.sendHello();
        const std::optional<Frame> welcome = client.waitFor(Type::Welcome);
        QVERIFY(welcome);
        QCOMPARE(welcome->header.value(Key::Cwd).toString(), root());
        QCOMPARE(m_server->startDirectory(), root());
    }

    void cd_data()
    {
        QTest::addColumn<QByteArrayList>("commands"); // run in order; the last one is checked
        QTest::addColumn<QByteArray>("cwd");          // after the last
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QByteArray>("out");
        QTest::addColumn<QByteArray>("err");
        QTest::addColumn<bool>("needsPermissions"); // root searches any directory
        QTest::newRow("relative") << QByteArrayList{"cd a"} << QByteArray("%T/a") << 0 << QByteArray("")
                                  << QByteArray("") << false;
        QTest::newRow("nested") << QByteArrayList{"cd a/b"} << QByteArray("%T/a/b") << 0 << QByteArray("")
                                << QByteArray("") << false;
        QTest::newRow("step by step") << QByteArrayList{"cd a", "cd b"} << QByteArray("%T/a/b") << 0 << QByteArray("")
                                      << QByteArray("") << false;
        QTest::newRow("absolute") << QByteArrayList{"cd %T/a/b"} << QByteArray("%T/a/b") << 0 << QByteArray("")
                                  << QByteArray("") << false;
        QTest::newRow("dot dot") << QByteArrayList{"cd a/b", "cd .."} << QByteArray("%T/a") << 0 << QByteArray("")
                                 << QByteArray("") << false;
        QTest::newRow("dot dot in the middle") << QByteArrayList{"cd a/../a/b/."} << QByteArray("%T/a/b") << 0
                                               << QByteArray("") << QByteArray("") << false;
        QTest::newRow("through a link, back up logically")
            << QByteArrayList{"cd link", "cd .."} << QByteArray("%T") << 0 << QByteArray("") << QByteArray("") << false;
        QTest::newRow("quoted with a space") << QByteArrayList{"cd 'with space'"} << QByteArray("%T/with space") << 0
                                             << QByteArray("") << QByteArray("") << false;
        QTest::newRow("nonexistent") << QByteArrayList{"cd a", "cd nope"} << QByteArray("%T/a") << 1 << QByteArray("")
                                     << QByteArray("cd: nope: No such file or directory\n") << false;
        QTest::newRow("a file") << QByteArrayList{"cd file.txt"} << QByteArray("%T") << 1 << QByteArray("")
                                << QByteArray("cd: file.txt: Not a directory\n") << false;
        QTest::newRow("unsearchable") << QByteArrayList{"cd locked"} << QByteArray("%T") << 1 << QByteArray("")
                                      << QByteArray("cd: locked: Permission denied\n") << true;
        QTest::newRow("dash") << QByteArrayList{"cd a/b", "cd -"} << QByteArray("%T") << 0 << QByteArray("%T\n")
                              << QByteArray("") << false;
        QTest::newRow("dash twice") << QByteArrayList{"cd a/b", "cd -", "cd -"} << QByteArray("%T/a/b") << 0
                                    << QByteArray("%T/a/b\n") << QByteArray("") << false;
        QTest::newRow("dash with no previous") << QByteArrayList{"cd -"} << QByteArray("%T") << 1 << QByteArray("")
                                               << QByteArray("cd: OLDPWD not set\n") << false;
        QTest::newRow("dash after a failed cd") << QByteArrayList{"cd a", "cd nope", "cd -"} << QByteArray("%T") << 0
                                                << QByteArray("%T\n") << QByteArray("") << false;
        QTest::newRow("alone") << QByteArrayList{"cd a", "cd"} << QByteArray("%H") << 0 << QByteArray("")
                               << QByteArray("") << false;
        QTest::newRow("tilde") << QByteArrayList{"cd ~"} << QByteArray("%H") << 0 << QByteArray("") << QByteArray("")
                               << false;
        QTest::newRow("commands run there") << QByteArrayList{"cd a/b", "pwd"} << QByteArray("%T/a/b") << 0
                                            << QByteArray("%T/a/b\n") << QByteArray("") << false;
        QTest::newRow("cd in a compound command does not last") << QByteArrayList{"cd a && pwd"} << QByteArray("%T")
                                                                << 0 << QByteArray("%T/a\n") << QByteArray("") << false;
        QTest::newRow("spaces around") << QByteArrayList{"   cd   a   "} << QByteArray("%T/a") << 0 << QByteArray("")
                                       << QByteArray("") << false;
    }

    void cd()
    {
        QFETCH(QByteArrayList, commands);
        QFETCH(QByteArray, cwd);
        QFETCH(int, exitCode);
        QFETCH(QByteArray, out);
        QFETCH(QByteArray, err);
        QFETCH(bool, needsPermissions);
        if (needsPermissions && ::geteuid() == 0)
            QSKIP("Running as root, which may search any directory: the permission check cannot fail here.");
        auto client = greetedClient();
        QVERIFY(client);
        Result result;
        qint64 id = 1;
        for (const QByteArray &command : std::as_const(commands)) {
            result = run(*client, id++, expand(command));
            QVERIFY2(result.finished, command.constData());
            // Every exit tells the directory after it.
            QVERIFY(!result.cwd.isEmpty());
        }
        QCOMPARE(result.cwd, expand(cwd));
        QCOMPARE(result.exitCode, std::optional<qint64>(exitCode));
        QCOMPARE(QString::fromUtf8(result.out), expand(out));
        QCOMPARE(QString::fromUtf8(result.err), expand(err));
        // The built-in has no process.
        if (SessionDirectory::cdArgument(QString::fromUtf8(commands.last())))
            QVERIFY(result.startedWithoutPid);
    }

    void sessionsAreIndependent()
    {
        auto first = greetedClient();
        auto second = greetedClient();
        QVERIFY(first && second);
        QCOMPARE(run(*first, 1, QStringLiteral("cd a")).cwd, root() + QStringLiteral("/a"));
        QCOMPARE(run(*second, 1, QStringLiteral("cd a/b")).cwd, root() + QStringLiteral("/a/b"));
        QCOMPARE(run(*first, 2, QStringLiteral("pwd")).out, (root() + QStringLiteral("/a\n")).toUtf8());
        QCOMPARE(run(*second, 2, QStringLiteral("pwd")).out, (root() + QStringLiteral("/a/b\n")).toUtf8());
        // A new session starts at the start directory again.
        auto third = greetedClient();
        QVERIFY(third);
        QCOMPARE(run(*third, 1, QStringLiteral("pwd")).cwd, root());
    }

    void removedDirectoryRefusesCommands()
    {
        auto client = greetedClient();
        QVERIFY(client);
        QCOMPARE(run(*client, 1, QStringLiteral("cd a/b")).exitCode, std::optional<qint64>(0));
        QVERIFY(QDir(root() + QStringLiteral("/a/b")).removeRecursively());
        const Result refused = run(*client, 2, QStringLiteral("touch here"));
        QCOMPARE(refused.exitCode, std::optional<qint64>(1));
        QVERIFY2(refused.err.contains("no longer exists"), refused.err.constData());
        QVERIFY(refused.err.contains((root() + QStringLiteral("/a/b")).toUtf8()));
        QVERIFY(!QFile::exists(root() + QStringLiteral("/touch")));
        QVERIFY(!QFile::exists(QStringLiteral("/here")));
        // cd .. still works (logically), and commands run again.
        QCOMPARE(run(*client, 3, QStringLiteral("cd ..")).cwd, root() + QStringLiteral("/a"));
        QCOMPARE(run(*client, 4, QStringLiteral("pwd")).out, (root() + QStringLiteral("/a\n")).toUtf8());
    }

    void classicClientsAreUnchanged()
    {
        RawConsoleClient classic(port());
        classic.write("cd a");
        QVERIFY(Test::spinUntil([&] { return classic.frames().size() == 1; }, CommandTimeout));
        // Each classic command runs in its own shell in the start directory.
        QVERIFY(!classic.frames().at(0).header.contains(Key::Cwd));
        classic.write("pwd");
        QVERIFY(Test::spinUntil([&] { return classic.frames().size() == 2; }, CommandTimeout));
        QCOMPARE(classic.frames().at(1).payload, (root() + QStringLiteral("\n")).toUtf8());
    }

    void consoleClientTracksDirectory()
    {
        ConsoleClient client;
        QSignalSpy changed(&client, &ConsoleClient::currentDirectoryChanged);
        QSignalSpy finished(&client, &ConsoleClient::commandFinished);
        client.connectToServer(QStringLiteral("127.0.0.1"), port());
        QTRY_COMPARE(client.state(), ConsoleClient::State::Ready);
        QCOMPARE(client.currentDirectory(), root());
        QCOMPARE(changed.count(), 1);
        client.exec(QStringLiteral("cd a"));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(client.currentDirectory(), root() + QStringLiteral("/a"));
        QCOMPARE(changed.count(), 2);
        QCOMPARE(changed.last().at(0).toString(), root() + QStringLiteral("/a"));
        // A command that does not change it does not signal.
        client.exec(QStringLiteral("true"));
        QTRY_COMPARE(finished.count(), 2);
        QCOMPARE(changed.count(), 2);
        // A failed cd leaves it.
        client.exec(QStringLiteral("cd nope"));
        QTRY_COMPARE(finished.count(), 3);
        QCOMPARE(finished.last().at(1).value<ProcessExit>().exitCode, 1);
        QCOMPARE(client.currentDirectory(), root() + QStringLiteral("/a"));
    }
};

QTEST_GUILESS_MAIN(TestConsoleCwd)
#include "tst_consolecwd.moc"
