// The desktop app killed with SIGKILL keeps every message it acknowledged:
// the history is written (synchronous=FULL) before the acknowledgement goes.
#include "chat/chathistory.h"

#include <QDir>
#include <QProcess>
#include <QSettings>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUdpSocket>

#include <csignal>

using namespace Tincan;

namespace {
constexpr int ProcessTimeoutMs = 30000;

quint16 freeUdpPort()
{
    QUdpSocket probe;
    return probe.bind(QHostAddress::LocalHost, 0) ? probe.localPort() : 0;
}
} // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acknowledgedMessagesSurviveSigkill();
};

void TestCrashSafety::acknowledgedMessagesSurviveSigkill()
{
    const QString app = qEnvironmentVariable("TINCAN_APP");
    const QString cli = qEnvironmentVariable("TINCAN_CLI");
    QVERIFY2(QFile::exists(app) && QFile::exists(cli), "TINCAN_APP and TINCAN_CLI must name the executables");

    QTemporaryDir home;
    QVERIFY(home.isValid());
    const quint16 port = freeUdpPort();
    QVERIFY(port != 0);
    {
        // The app's own settings file: listen on our port.
        QSettings settings(home.filePath(QStringLiteral("config/Tincan/Tincan.conf")), QSettings::IniFormat);
        settings.setValue(QStringLiteral("chat/port"), port);
    }

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));

    QProcess tincan;
    tincan.setProcessEnvironment(env);
    tincan.start(app, {QStringLiteral("--lang"), QStringLiteral("en")});
    QVERIFY(tincan.waitForStarted());

    // Each `send` exits 0 only once the app acknowledged, i.e. stored, it.
    const QStringList texts{QStringLiteral("first"), QStringLiteral("第二条"), QStringLiteral("third")};
    for (const QString &text : texts) {
        QProcess send;
        send.setProcessEnvironment(env);
        QElapsedTimer timer;
        timer.start();
        int code = -1;
        // The app may still be starting: retry until it listens.
        do {
            send.start(cli,
                       {QStringLiteral("send"), QStringLiteral("127.0.0.1:%1").arg(port), text,
                        QStringLiteral("--name"), QStringLiteral("crash-test")});
            QVERIFY(send.waitForFinished(ProcessTimeoutMs + 40000));
            code = send.exitCode();
        } while (code != 0 && timer.elapsed() < ProcessTimeoutMs);
        QCOMPARE(code, 0);
    }

    ::kill(pid_t(tincan.processId()), SIGKILL);
    QVERIFY(tincan.waitForFinished(ProcessTimeoutMs));
    QCOMPARE(tincan.exitStatus(), QProcess::CrashExit);

    ChatHistory history;
    const QString path = home.filePath(QStringLiteral("data/Tincan/Tincan/history.sqlite"));
    QVERIFY2(history.open(path), qPrintable(history.errorString()));
    QStringList stored;
    for (const ConversationSummary &conversation : history.conversations())
        for (const StoredMessage &message : history.messages(conversation.key))
            if (!message.outgoing)
                stored.append(message.text);
    QCOMPARE(stored, texts);
}

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
