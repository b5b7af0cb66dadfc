// ConsoleSession, the console session the desktop app and the command line
// share, against a ConsoleServer in this process: the password asked and
// answered (right, wrong, refused), trust on first use accepted or rejected,
// a changed identity, a fingerprint that cannot be kept; output decoded per
// command and stream across chunks (split characters, an override, invalid
// bytes); an upload asked to replace a file and sent again; the server gone
// in the middle of a command. The questions go to a FakePrompter.
#include "fakeprompter.h"
#include "net/auth/passwordhash.h"
#include "net/console/consoleserver.h"
#include "net/tls/knownhosts.h"
#include "net/tls/tlsidentity.h"
#include "session/consolesession.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Tincan;

Q_DECLARE_METATYPE(std::optional<QString>)

namespace {

constexpr int TimeoutMs = 15000;
const QString Password = QStringLiteral("s3cret");
const QString Host = QStringLiteral("127.0.0.1");

const PasswordHash &testHash()
{
    static const PasswordHash hash = *PasswordHash::create(Password, PasswordHash::MinIterations);
    return hash;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

// What a session said about its connection attempts.
struct Outcome
{
    explicit Outcome(ConsoleSession &session)
        : ready(&session, &ConsoleSession::ready)
        , failed(&session, &ConsoleSession::connectionFailed)
        , pinned(&session, &ConsoleSession::serverIdentityPinned)
        , notRemembered(&session, &ConsoleSession::identityNotRemembered)
    {
    }
    // Waits until the session is ready or has given up.
    bool settle()
    {
        return QTest::qWaitFor([this] { return !ready.isEmpty() || !failed.isEmpty(); }, TimeoutMs);
    }
    ConsoleClient::ErrorKind failedKind() const { return failed.at(0).at(0).value<ConsoleClient::ErrorKind>(); }
    bool failedAsked() const { return failed.at(0).at(2).toBool(); }

    QSignalSpy ready;
    QSignalSpy failed;
    QSignalSpy pinned;
    QSignalSpy notRemembered;
};

// Everything one command printed, decoded, per stream.
struct Transcript
{
    QString out;
    QString err;
    int chunks = 0;
    bool ended = false;
};

} // namespace

class TestConsoleSession : public QObject
{
    Q_OBJECT

    std::unique_ptr<ConsoleServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;

    bool startServer(ConsoleServer::Options options)
    {
        options.address = QHostAddress(QHostAddress::LocalHost);
        options.port = 0;
        m_server = std::make_unique<ConsoleServer>();
        if (!m_server->listen(options)) {
            qWarning() << m_server->errorString();
            return false;
        }
        return true;
    }
    ConsoleServer::Options passwordOptions() const
    {
        ConsoleServer::Options options;
        options.password = testHash();
        // A wrong password is answered at once, so the next try needs no wait.
        options.penaltyBase = std::chrono::milliseconds(0);
        options.penaltyMax = std::chrono::milliseconds(0);
        return options;
    }
    ConsoleServer::Options tlsOptions() const
    {
        ConsoleServer::Options options = passwordOptions();
        options.tls = ConsoleServer::TlsPolicy::RequiredForRemote;
        options.tlsDirectory = m_dir->filePath(QStringLiteral("tls"));
        return options;
    }
    quint16 port() const { return m_server->serverPort(); }
    QString knownHostsPath() const { return m_dir->filePath(QStringLiteral("known_hosts")); }

    // A session to the server over TLS with the right password, asking `prompter`.
    std::unique_ptr<ConsoleSession> tlsSession(Prompter *prompter)
    {
        auto session = std::make_unique<ConsoleSession>();
        session->setPrompter(prompter);
        session->client()->setPassword(Password);
        session->client()->setTls(ConsoleClient::TlsMode::On);
        session->client()->setKnownHostsPath(knownHostsPath());
        return session;
    }

    // Runs `command` and collects its decoded output until it ends.
    static Transcript run(ConsoleSession &session, const QString &command)
    {
        Transcript transcript;
        QObject context;
        quint64 id = 0;
        QObject::connect(&session, &ConsoleSession::outputDecoded, &context,
                         [&](quint64 requestId, OutputStream stream, const QString &text) {
                             if (requestId != id)
                                 return;
                             ++transcript.chunks;
                             (stream == OutputStream::Stderr ? transcript.err : transcript.out) += text;
                         });
        const auto ended = [&](quint64 requestId) {
            if (requestId == id)
                transcript.ended = true;
        };
        QObject::connect(&session, &ConsoleSession::commandFinished, &context,
                         [&](quint64 requestId, ProcessExit) { ended(requestId); });
        QObject::connect(&session, &ConsoleSession::commandFailed, &context,
                         [&](quint64 requestId, const QString &) { ended(requestId); });
        id = session.exec(command);
        [[maybe_unused]] const bool done = QTest::qWaitFor([&] { return transcript.ended; }, TimeoutMs);
        return transcript;
    }

    bool connectPlain(ConsoleSession &session)
    {
        Outcome outcome(session);
        session.connectToServer(Host, port());
        return outcome.settle() && !outcome.ready.isEmpty();
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }
    void cleanup()
    {
        m_server.reset();
        m_dir.reset();
    }

    // ---- the password ------------------------------------------------------

    void passwordAskedAndAnswered_data()
    {
        QTest::addColumn<QList<std::optional<QString>>>("answers");
        QTest::addColumn<QList<bool>>("wrongFlags"); // of each question asked
        QTest::addColumn<bool>("ready");

        QTest::newRow("right at once") << QList<std::optional<QString>>{Password} << QList<bool>{false} << true;
        QTest::newRow("wrong, then right")
            << QList<std::optional<QString>>{QStringLiteral("nope"), Password} << QList<bool>{false, true} << true;
        QTest::newRow("cancelled") << QList<std::optional<QString>>{std::nullopt} << QList<bool>{false} << false;
        QTest::newRow("empty") << QList<std::optional<QString>>{QString()} << QList<bool>{false} << false;
        QTest::newRow("wrong, then cancelled")
            << QList<std::optional<QString>>{QStringLiteral("nope"), std::nullopt} << QList<bool>{false, true} << false;
    }

    void passwordAskedAndAnswered()
    {
        QFETCH(QList<std::optional<QString>>, answers);
        QFETCH(QList<bool>, wrongFlags);
        QFETCH(bool, ready);
        QVERIFY(startServer(passwordOptions()));
        FakePrompter prompter;
        prompter.passwords = answers;
        ConsoleSession session;
        session.setPrompter(&prompter);
        Outcome outcome(session);
        QSignalSpy errors(&session, &ConsoleSession::errorOccurred);
        session.connectToServer(Host, port());
        QVERIFY(outcome.settle());

        QCOMPARE(prompter.passwordQuestions.size(), wrongFlags.size());
        for (qsizetype i = 0; i < wrongFlags.size(); ++i) {
            const Prompter::PasswordQuestion &question = prompter.passwordQuestions.at(i);
            QCOMPARE(question.wrong, wrongFlags.at(i));
            QCOMPARE(question.host, Host);
            QCOMPARE(question.port, port());
            QCOMPARE(question.address, QStringLiteral("127.0.0.1:%1").arg(port()));
            QVERIFY(!question.message.isEmpty());
        }
        QCOMPARE(errors.size(), wrongFlags.size()); // each question followed an error
        QVERIFY(prompter.trustQuestions.isEmpty());
        if (ready) {
            QCOMPARE(outcome.ready.size(), 1);
            QVERIFY(outcome.failed.isEmpty());
            QVERIFY(session.client()->isAuthenticated());
            QCOMPARE(run(session, QStringLiteral("echo in")).out, QStringLiteral("in\n"));
        } else {
            QCOMPARE(outcome.failed.size(), 1);
            QCOMPARE(outcome.failedKind(),
                     wrongFlags.constLast() ? ConsoleClient::ErrorKind::WrongPassword
                                            : ConsoleClient::ErrorKind::PasswordRequired);
            QVERIFY(outcome.failedAsked());
            QCOMPARE(session.state(), ConsoleClient::State::Disconnected);
            // Giving up does not connect again.
            QTest::qWait(50);
            QCOMPARE(session.state(), ConsoleClient::State::Disconnected);
            QVERIFY(session.canReconnect());
        }
    }

    void withoutPrompterNothingIsAsked()
    {
        QVERIFY(startServer(passwordOptions()));
        ConsoleSession session;
        Outcome outcome(session);
        session.connectToServer(Host, port());
        QVERIFY(outcome.settle());
        QCOMPARE(outcome.failed.size(), 1);
        QCOMPARE(outcome.failedKind(), ConsoleClient::ErrorKind::PasswordRequired);
        QVERIFY(!outcome.failedAsked());
    }

    void oneQuestionAtATime()
    {
        // While a question is open, another failed attempt asks nothing more;
        // the answer to the open one still counts.
        QVERIFY(startServer(passwordOptions()));
        FakePrompter prompter;
        prompter.deferAnswers = true;
        ConsoleSession session;
        session.setPrompter(&prompter);
        Outcome outcome(session);
        QSignalSpy errors(&session, &ConsoleSession::errorOccurred);
        session.connectToServer(Host, port());
        QTRY_COMPARE_WITH_TIMEOUT(prompter.passwordQuestions.size(), 1, TimeoutMs);
        session.reconnect();
        QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 2, TimeoutMs);
        QTest::qWait(50);
        QCOMPARE(prompter.passwordQuestions.size(), 1);
        QVERIFY(outcome.failed.isEmpty());
        std::exchange(prompter.pendingPassword, nullptr)(Password);
        QVERIFY(outcome.settle());
        QCOMPARE(outcome.ready.size(), 1);
    }

    void lateAnswerAfterSessionIsGone()
    {
        QVERIFY(startServer(passwordOptions()));
        FakePrompter prompter;
        prompter.deferAnswers = true;
        auto session = std::make_unique<ConsoleSession>();
        session->setPrompter(&prompter);
        session->connectToServer(Host, port());
        QTRY_COMPARE_WITH_TIMEOUT(prompter.passwordQuestions.size(), 1, TimeoutMs);
        session.reset();
        std::exchange(prompter.pendingPassword, nullptr)(Password); // ignored, no crash
    }

    // ---- trust -------------------------------------------------------------

    void trustOnFirstUse_data()
    {
        QTest::addColumn<bool>("trust");
        QTest::newRow("accepted") << true;
        QTest::newRow("rejected") << false;
    }

    void trustOnFirstUse()
    {
        QFETCH(bool, trust);
        QVERIFY(startServer(tlsOptions()));
        FakePrompter prompter;
        prompter.trustAnswers = {trust};
        auto session = tlsSession(&prompter);
        Outcome outcome(*session);
        session->connectToServer(Host, port());
        QVERIFY(outcome.settle());

        QCOMPARE(prompter.trustQuestions.size(), 1);
        const Prompter::TrustQuestion &question = prompter.trustQuestions.constFirst();
        QVERIFY(!question.changed);
        QCOMPARE(question.presented, m_server->tlsFingerprint());
        QVERIFY(question.expected.isNull());
        QCOMPARE(question.knownHostsPath, knownHostsPath());
        QVERIFY(prompter.passwordQuestions.isEmpty());
        if (trust) {
            QCOMPARE(outcome.ready.size(), 1);
            QVERIFY(session->client()->isEncrypted());
            QCOMPARE(outcome.pinned.size(), 1);
            QCOMPARE(outcome.pinned.at(0).at(0).value<TlsFingerprint>(), m_server->tlsFingerprint());
            QVERIFY(outcome.pinned.at(0).at(1).toBool());
            QCOMPARE(
                readFile(knownHostsPath()),
                QStringLiteral("127.0.0.1:%1 %2\n").arg(port()).arg(m_server->tlsFingerprint().toString()).toUtf8());
        } else {
            QCOMPARE(outcome.failed.size(), 1);
            QCOMPARE(outcome.failedKind(), ConsoleClient::ErrorKind::UnknownServer);
            QVERIFY(outcome.failedAsked());
            QVERIFY(outcome.pinned.isEmpty());
            QCOMPARE(readFile(knownHostsPath()), QByteArray());
        }
    }

    void changedIdentity_data()
    {
        QTest::addColumn<bool>("trust");
        QTest::newRow("refused") << false;
        QTest::newRow("the new one trusted") << true;
    }

    void changedIdentity()
    {
        QFETCH(bool, trust);
        QTemporaryDir otherDir;
        TlsIdentity other;
        QVERIFY(other.loadOrCreate(otherDir.path()));
        QVERIFY(startServer(tlsOptions()));
        {
            KnownHosts knownHosts(knownHostsPath());
            QVERIFY(knownHosts.remember(Host, port(), other.fingerprint()));
        }
        const QByteArray before = readFile(knownHostsPath());
        QSignalSpy authenticated(m_server.get(), &ConsoleServer::authenticationSucceeded);
        FakePrompter prompter;
        prompter.trustAnswers = {trust};
        auto session = tlsSession(&prompter);
        Outcome outcome(*session);
        session->connectToServer(Host, port());
        QVERIFY(outcome.settle());

        QCOMPARE(prompter.trustQuestions.size(), 1);
        const Prompter::TrustQuestion &question = prompter.trustQuestions.constFirst();
        QVERIFY(question.changed);
        QCOMPARE(question.expected, other.fingerprint());
        QCOMPARE(question.presented, m_server->tlsFingerprint());
        QCOMPARE(question.knownHostsLine, 1);
        if (!trust) {
            QCOMPARE(outcome.failed.size(), 1);
            QCOMPARE(outcome.failedKind(), ConsoleClient::ErrorKind::ServerIdentityChanged);
            QCOMPARE(readFile(knownHostsPath()), before);
            QCOMPARE(authenticated.count(), 0); // the password never went to it
        } else {
            QCOMPARE(outcome.ready.size(), 1);
            QVERIFY(readFile(knownHostsPath()).contains(m_server->tlsFingerprint().toString().toUtf8()));
            QVERIFY(!readFile(knownHostsPath()).contains(other.fingerprint().toString().toUtf8()));
        }
    }

    void trustedButNotRemembered()
    {
        // The known-hosts file would be under a regular file: it cannot be written.
        QVERIFY(writeFile(m_dir->filePath(QStringLiteral("file")), "x"));
        QVERIFY(startServer(tlsOptions()));
        FakePrompter prompter;
        prompter.trustAnswers = {true};
        auto session = tlsSession(&prompter);
        session->client()->setKnownHostsPath(m_dir->filePath(QStringLiteral("file/known_hosts")));
        Outcome outcome(*session);
        session->connectToServer(Host, port());
        QVERIFY(outcome.settle());
        QCOMPARE(outcome.notRemembered.size(), 1);
        QVERIFY(!outcome.notRemembered.at(0).at(0).toString().isEmpty());
        QCOMPARE(outcome.failed.size(), 1);
        QCOMPARE(outcome.failedKind(), ConsoleClient::ErrorKind::UnknownServer);
        QVERIFY(outcome.ready.isEmpty());
    }

    // ---- decoding ----------------------------------------------------------

    void decodesAcrossChunks_data()
    {
        QTest::addColumn<QString>("serverEncoding");
        QTest::addColumn<QByteArray>("override");
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("out");
        QTest::addColumn<QString>("err");

        // The remote command pauses inside a character, so that its halves
        // arrive in two chunks.
        QTest::newRow("UTF-8 split") << QStringLiteral("UTF-8") << QByteArray()
                                     << QStringLiteral("printf '\\344'; sleep 0.2; printf '\\270\\255\\n'")
                                     << QStringLiteral("中\n") << QString();
        QTest::newRow("both streams split, interleaved")
            << QStringLiteral("UTF-8") << QByteArray()
            << QStringLiteral("printf '\\344'; printf '\\303' >&2; sleep 0.2; printf '\\270\\255'; printf '\\251' >&2")
            << QStringLiteral("中") << QStringLiteral("é");
        QTest::newRow("announced GBK") << QStringLiteral("GBK") << QByteArray()
                                       << QStringLiteral("printf '\\326'; sleep 0.2; printf '\\320\\n'")
                                       << QStringLiteral("中\n") << QString();
        QTest::newRow("GBK override") << QStringLiteral("UTF-8") << QByteArray("GBK")
                                      << QStringLiteral("printf '\\326'; sleep 0.2; printf '\\320\\n'")
                                      << QStringLiteral("中\n") << QString();
        QTest::newRow("invalid UTF-8") << QStringLiteral("UTF-8") << QByteArray()
                                       << QStringLiteral("printf 'a\\377b\\n'")
                                       << (QStringLiteral("a") + QChar(QChar::ReplacementCharacter)
                                           + QStringLiteral("b\n"))
                                       << QString();
    }

    void decodesAcrossChunks()
    {
        QFETCH(QString, serverEncoding);
        QFETCH(QByteArray, override);
        QFETCH(QString, command);
        QFETCH(QString, out);
        QFETCH(QString, err);
        ConsoleServer::Options options;
        options.outputEncoding = serverEncoding;
        QVERIFY(startServer(options));
        ConsoleSession session;
        QVERIFY(connectPlain(session));
        QVERIFY(session.setEncodingOverride(override));
        QCOMPARE(session.outputEncoding(), override.isEmpty() ? serverEncoding.toLatin1() : override);
        const Transcript transcript = run(session, command);
        QVERIFY(transcript.ended);
        QCOMPARE(transcript.out, out);
        QCOMPARE(transcript.err, err);
        QCOMPARE(session.runningCommandCount(), 0);
    }

    void badEncodingsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("encoding");
        QTest::newRow("unknown") << QByteArray("No-Such-Encoding-42");
        QTest::newRow("garbage") << QByteArray("\xff\xfe");
        QTest::newRow("spaces") << QByteArray("   ");
    }

    void badEncodingsAreRefused()
    {
        QFETCH(QByteArray, encoding);
        ConsoleSession session;
        QVERIFY(session.setEncodingOverride("GBK"));
        QVERIFY(!session.setEncodingOverride(encoding));
        QCOMPARE(session.encodingOverride(), QByteArray("GBK")); // unchanged
        QVERIFY(!ConsoleSession::canDecode(encoding));
        QVERIFY(!ConsoleSession::availableEncodings().contains(encoding));
        QVERIFY(session.setEncodingOverride({}));
        QCOMPARE(session.outputEncoding(), QByteArray("UTF-8")); // nothing announced yet
    }

    void availableEncodingsDecode()
    {
        const QList<QByteArray> available = ConsoleSession::availableEncodings();
        QVERIFY(available.contains(QByteArray("UTF-8")));
        for (const QByteArray &name : available)
            QVERIFY2(ConsoleSession::canDecode(name), name.constData());
    }

    // ---- commands ----------------------------------------------------------

    void serverGoneMidCommand()
    {
        QVERIFY(startServer({}));
        FakePrompter prompter;
        ConsoleSession session;
        session.setPrompter(&prompter);
        QVERIFY(connectPlain(session));
        QSignalSpy started(&session, &ConsoleSession::commandStarted);
        QSignalSpy failed(&session, &ConsoleSession::commandFailed);
        QSignalSpy count(&session, &ConsoleSession::runningCommandCountChanged);
        const quint64 id = session.exec(QStringLiteral("sleep 30"));
        QCOMPARE(session.runningCommandCount(), 1);
        QVERIFY(session.command(id));
        QCOMPARE(session.command(id)->text, QStringLiteral("sleep 30"));
        QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, TimeoutMs);
        m_server.reset();
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, TimeoutMs);
        QCOMPARE(failed.at(0).at(0).toULongLong(), id);
        QCOMPARE(session.runningCommandCount(), 0);
        QVERIFY(!session.command(id));
        QCOMPARE(count.constLast().at(0).toInt(), 0);
        QTRY_COMPARE(session.state(), ConsoleClient::State::Disconnected);
        QVERIFY(prompter.passwordQuestions.isEmpty());
        QVERIFY(prompter.trustQuestions.isEmpty());
    }

    void cancelsNewestFirst()
    {
        QVERIFY(startServer({}));
        ConsoleSession session;
        QVERIFY(connectPlain(session));
        QSignalSpy cancelling(&session, &ConsoleSession::cancelling);
        const quint64 first = session.exec(QStringLiteral("sleep 30"));
        const quint64 second = session.exec(QStringLiteral("sleep 31"));
        QVERIFY(session.hasCancellableCommand());
        QCOMPARE(session.cancelLatestCommand(), second);
        QCOMPARE(cancelling.at(0).at(1).toString(), QStringLiteral("sleep 31"));
        QVERIFY(!cancelling.at(0).at(2).toBool()); // Tincan: the connection stays
        QVERIFY(session.command(second)->cancelRequested);
        QCOMPARE(session.cancelLatestCommand(), first);
        QVERIFY(!session.hasCancellableCommand());
        QCOMPARE(session.cancelLatestCommand(), quint64(0));
        QTRY_COMPARE_WITH_TIMEOUT(session.runningCommandCount(), 0, TimeoutMs);
        QCOMPARE(session.state(), ConsoleClient::State::Ready);
    }

    // ---- transfers ---------------------------------------------------------

    void uploadAsksToReplace_data()
    {
        QTest::addColumn<bool>("replace");
        QTest::newRow("replaced") << true;
        QTest::newRow("kept") << false;
    }

    void uploadAsksToReplace()
    {
        QFETCH(bool, replace);
        const QString remoteDir = m_dir->filePath(QStringLiteral("remote"));
        QVERIFY(QDir().mkpath(remoteDir));
        QVERIFY(writeFile(remoteDir + QStringLiteral("/f.txt"), "old\n"));
        const QString local = m_dir->filePath(QStringLiteral("f.txt"));
        QVERIFY(writeFile(local, "new\n"));
        ConsoleServer::Options options;
        options.startDirectory = remoteDir;
        QVERIFY(startServer(options));
        FakePrompter prompter;
        prompter.replaceAnswers = {replace};
        ConsoleSession session;
        session.setPrompter(&prompter);
        QVERIFY(connectPlain(session));
        QSignalSpy added(&session, &ConsoleSession::transferAdded);
        QSignalSpy finished(session.client(), &ConsoleClient::transferFinished);
        QSignalSpy failed(session.client(), &ConsoleClient::transferFailed);
        const quint64 id = session.upload(local, QStringLiteral("f.txt"));
        QVERIFY(id != 0);
        QCOMPARE(added.size(), 1);
        QCOMPARE(added.at(0).at(1).toString(), local);
        QCOMPARE(added.at(0).at(2).toString(), QStringLiteral("f.txt"));
        QVERIFY(added.at(0).at(3).toBool());
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, TimeoutMs);
        QCOMPARE(failed.at(0).at(1).value<ConsoleClient::TransferError>(), ConsoleClient::TransferError::Exists);
        QCOMPARE(prompter.replaceQuestions, QStringList{QStringLiteral("f.txt")});
        if (replace) {
            QCOMPARE(added.size(), 2); // sent again, replacing it
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, TimeoutMs);
            QCOMPARE(readFile(remoteDir + QStringLiteral("/f.txt")), QByteArray("new\n"));
        } else {
            QCOMPARE(added.size(), 1);
            QTest::qWait(50); // nothing more may come
            QVERIFY(finished.isEmpty());
            QCOMPARE(readFile(remoteDir + QStringLiteral("/f.txt")), QByteArray("old\n"));
        }
        QCOMPARE(prompter.replaceQuestions.size(), 1); // a replacing upload is never asked about
    }

    void classicSessionsDoNotTransfer()
    {
        ConsoleServer::Options options;
        QVERIFY(startServer(options));
        ConsoleSession session;
        Outcome outcome(session);
        session.connectToServer(Host, port(), ConsoleClient::Mode::Classic);
        QVERIFY(outcome.settle());
        QSignalSpy added(&session, &ConsoleSession::transferAdded);
        QCOMPARE(session.upload(m_dir->filePath(QStringLiteral("x")), QStringLiteral("x")), quint64(0));
        QCOMPARE(session.download(QStringLiteral("x"), m_dir->filePath(QStringLiteral("x"))), quint64(0));
        QVERIFY(added.isEmpty());
    }

    void address_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("address");
        QTest::newRow("IPv4") << QStringLiteral("127.0.0.1") << QStringLiteral("127.0.0.1:7");
        QTest::newRow("IPv6") << QStringLiteral("::1") << QStringLiteral("[::1]:7");
        QTest::newRow("name") << QStringLiteral("localhost") << QStringLiteral("localhost:7");
        QTest::newRow("none") << QString() << QString();
    }

    void address()
    {
        QFETCH(QString, host);
        QFETCH(QString, address);
        QCOMPARE(ConsoleSession::address(host, 7), address);
    }
};

QTEST_GUILESS_MAIN(TestConsoleSession)
#include "tst_consolesession.moc"
