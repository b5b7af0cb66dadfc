// Helpers shared by the tests that run tincan-cli as a process: where it is,
// running one command to its end, and a `serve` child stopped at the end.
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

namespace Tincan::Test {

// The longest a helper waits for tincan-cli (a 1 GiB upload on a loaded
// machine runs for tens of seconds); a test only waits this long when failing.
inline constexpr int CliTimeoutMs = 60000;

// The tincan-cli the build made (CTest sets TINCAN_CLI), else the one on PATH.
inline QString cliPath()
{
    const QString path = qEnvironmentVariable("TINCAN_CLI");
    return path.isEmpty() ? QStringLiteral("tincan-cli") : path;
}

struct CliResult
{
    int exitCode = -1; // -1: it crashed or did not finish
    QByteArray out;
    QByteArray err;
};

struct CliRun
{
    QByteArray input;  // written to its stdin, then closed
    QString directory; // its working directory (empty: this one)
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
};

// Runs `tincan-cli ARGUMENTS` to its end.
inline CliResult runCli(const QStringList &arguments, const CliRun &run = {})
{
    QProcess process;
    process.setProcessEnvironment(run.environment);
    if (!run.directory.isEmpty())
        process.setWorkingDirectory(run.directory);
    process.start(cliPath(), arguments);
    process.write(run.input);
    process.closeWriteChannel();
    CliResult result;
    if (!process.waitForFinished(CliTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

// A `tincan-cli serve --console 0 EXTRA...` child (in `directory`, if given)
// that is stopped, and waited for, at the end.
class ServeProcess
{
public:
    explicit ServeProcess(const QStringList &extra = {}, const QString &directory = {})
    {
        if (!directory.isEmpty())
            m_process.setWorkingDirectory(directory);
        m_process.setProgram(cliPath());
        m_process.setArguments(QStringList{QStringLiteral("serve"), QStringLiteral("--console"), QStringLiteral("0")}
                               + extra);
        m_process.start();
    }
    ~ServeProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(CliTimeoutMs);
        }
    }
    ServeProcess(const ServeProcess &) = delete;
    ServeProcess &operator=(const ServeProcess &) = delete;

    // Waits for "console: listening on ADDR:PORT" and returns PORT (0 on failure).
    quint16 waitForPort()
    {
        static const QRegularExpression line(QStringLiteral("^console: listening on (\\S+):(\\d+)$"),
                                             QRegularExpression::MultilineOption);
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < CliTimeoutMs) {
            m_stdout += m_process.readAllStandardOutput();
            const auto match = line.match(QString::fromUtf8(m_stdout));
            if (match.hasMatch())
                return m_port = quint16(match.captured(2).toUInt());
            if (m_process.state() == QProcess::NotRunning)
                return 0;
            m_process.waitForReadyRead(100);
        }
        return 0;
    }
    // The port waitForPort() found.
    quint16 port() const { return m_port; }
    QProcess &process() { return m_process; }
    // Reads stdout until `needle` appears; everything read so far.
    QByteArray waitForStdout(const QByteArray &needle)
    {
        QElapsedTimer timer;
        timer.start();
        while (!m_stdout.contains(needle) && timer.elapsed() < CliTimeoutMs
               && m_process.state() != QProcess::NotRunning) {
            m_process.waitForReadyRead(100);
            m_stdout += m_process.readAllStandardOutput();
        }
        return m_stdout;
    }

private:
    QProcess m_process;
    QByteArray m_stdout;
    quint16 m_port = 0;
};

} // namespace Tincan::Test
