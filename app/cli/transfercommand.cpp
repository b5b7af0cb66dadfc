#include "app/cli/transfercommand.h"

#include "app/cli/terminalio.h"
#include "net/process/unixsignalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

#include <csignal>
#include <unistd.h>

namespace Tincan::Cli {

namespace {
// The progress line is redrawn at most this often.
constexpr qint64 ProgressIntervalMs = 200;
// Cells of the progress bar.
constexpr int ProgressBarWidth = 30;
// Speed is measured over the whole transfer once it has run this long;
// before, the first burst into the socket would overstate it.
constexpr qint64 MinimumSpeedWindowMs = 500;

QString humanSize(double bytes)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024 && unit < 4) {
        bytes /= 1024;
        ++unit;
    }
    return QStringLiteral("%1 %2").arg(bytes, 0, 'f', unit == 0 ? 0 : 1).arg(QLatin1StringView(units[unit]));
}

QString clock(qint64 seconds)
{
    return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

class TransferCommand final : public ConsoleCommand
{
    Q_OBJECT

public:
    TransferCommand(const ConsoleSettings &settings, bool upload, QString localPath, QString remotePath, bool force)
        : ConsoleCommand(settings)
        , m_upload(upload)
        , m_localPath(std::move(localPath))
        , m_remotePath(std::move(remotePath))
        , m_force(force)
        , m_showProgress(::isatty(STDERR_FILENO))
        , m_signals({SIGINT, SIGTERM, SIGHUP})
    {
        connect(&client(), &ConsoleClient::transferStarted, this, [this](quint64, qint64 size, qint64 from) {
            m_size = size;
            m_resumedFrom = from;
            m_done = from;
            m_clock.start();
            if (from > 0 && m_showProgress)
                printError(CliText::tr("Resuming at %1 of %2.").arg(humanSize(double(from)), humanSize(double(size))));
            drawProgress(true);
        });
        connect(&client(), &ConsoleClient::transferProgress, this, [this](quint64, qint64 done, qint64) {
            m_done = done;
            drawProgress(false);
        });
        connect(&client(), &ConsoleClient::transferFinished, this, [this](quint64, const QByteArray &md5) {
            m_done = m_size;
            drawProgress(true);
            endProgressLine();
            if (m_showProgress)
                printError(CliText::tr("%1 %2 (%3), MD5 %4 verified.")
                               .arg(m_upload ? CliText::tr("Uploaded to") : CliText::tr("Downloaded to"),
                                    m_upload ? m_remotePath : m_localPath, humanSize(double(m_size)),
                                    QString::fromLatin1(md5)));
            finish(0);
        });
        connect(&client(), &ConsoleClient::transferFailed, this,
                [this](quint64, ConsoleClient::TransferError error, const QString &message) {
                    if (isFinished())
                        return;
                    endProgressLine();
                    reportError(message);
                    switch (error) {
                    case ConsoleClient::TransferError::Mismatch:
                        finish(TransferExit::Mismatch);
                        return;
                    case ConsoleClient::TransferError::LocalFile:
                        finish(TransferExit::LocalFile);
                        return;
                    case ConsoleClient::TransferError::Connection:
                        finish(TransferExit::ConnectionFailed);
                        return;
                    default:
                        finish(TransferExit::Refused);
                        return;
                    }
                });
        connect(&m_signals, &UnixSignalWatcher::signalReceived, this, [this](int signal) {
            // The connection closes without a cancel: the partial file stays,
            // and the same command resumes it.
            endProgressLine();
            printError(CliText::tr("Interrupted; run the same command again to resume."));
            finish(signal == SIGINT ? TransferExit::Interrupted : 128 + signal);
        });
    }

protected:
    void start() override
    {
        // Without --force an existing file is refused: the terminal's
        // prompter says no to replacing it.
        if (m_upload)
            session().upload(m_localPath, m_remotePath, m_force);
        else
            session().download(m_remotePath, m_localPath, m_force);
    }

private:
    void drawProgress(bool force)
    {
        if (!m_showProgress || (!force && m_redraw.isValid() && m_redraw.elapsed() < ProgressIntervalMs))
            return;
        m_redraw.start();
        const double fraction = m_size > 0 ? double(m_done) / double(m_size) : 1.0;
        const int filled = int(fraction * ProgressBarWidth);
        const qint64 elapsedMs = m_clock.isValid() ? m_clock.elapsed() : 0;
        QString speed = QStringLiteral("--");
        QString eta = QStringLiteral("--:--");
        if (elapsedMs >= MinimumSpeedWindowMs) {
            const double perSecond = double(m_done - m_resumedFrom) * 1000.0 / double(elapsedMs);
            speed = CliText::tr("%1/s").arg(humanSize(perSecond));
            if (perSecond > 0)
                eta = clock(qint64(double(m_size - m_done) / perSecond));
        }
        const QString line
            = QStringLiteral("\r[%1%2] %3% %4 / %5  %6  ETA %7 ")
                  .arg(QString(filled, QLatin1Char('#')), QString(ProgressBarWidth - filled, QLatin1Char('.')))
                  .arg(int(fraction * 100), 3)
                  .arg(humanSize(double(m_done)), humanSize(double(m_size)), speed, eta);
        printErrorNoNewline(line);
        m_lineOpen = true;
    }

    void endProgressLine()
    {
        if (m_lineOpen)
            printErrorNoNewline(QStringLiteral("\n"));
        m_lineOpen = false;
    }

    bool m_upload;
    QString m_localPath;
    QString m_remotePath;
    bool m_force;
    bool m_showProgress;
    bool m_lineOpen = false;
    UnixSignalWatcher m_signals;
    qint64 m_size = 0;
    qint64 m_done = 0;
    qint64 m_resumedFrom = 0;
    QElapsedTimer m_clock;
    QElapsedTimer m_redraw;
};

int runTransfer(const QStringList &arguments, bool upload)
{
    const QString name = upload ? QStringLiteral("upload") : QStringLiteral("download");
    QCommandLineParser parser;
    const QString exits = CliText::tr(
        "Exits with 0 when the file is in place and its MD5 checked, 1 when the server refuses (a path outside the "
        "session's directory, a missing file, an existing file without --force), 3 when the MD5 does not match "
        "(nothing is kept), 4 when the local file cannot be read or written, 130 when interrupted, and as exec "
        "does for the connection: 253 (TLS identity refused), 254 (login failed), 255 (connection failed or cut), "
        "2 (usage).");
    parser.setApplicationDescription(
        (upload ? CliText::tr("Sends LOCAL to the console server, as REMOTE (default: LOCAL's file name) relative to "
                              "the session's working directory (the server's start directory).")
                : CliText::tr("Fetches REMOTE (relative to the session's working directory, the server's start "
                              "directory) from the console server into LOCAL (default: REMOTE's file name, here)."))
        + QStringLiteral(" ")
        + CliText::tr("The receiver writes a temporary file and renames it into place once the size and MD5 check "
                      "out. An interrupted transfer leaves the temporary file; the same command later resumes it. "
                      "A progress bar is shown when standard error is a terminal.")
        + QStringLiteral("\n\n") + exits);
    parser.addHelpOption();
    const ConsoleOptions consoleOptions;
    consoleOptions.addTo(parser);
    const QCommandLineOption forceOption(
        {QStringLiteral("f"), QStringLiteral("force")},
        CliText::tr("Replace the target file if it exists (without it, an existing file is refused)."));
    parser.addOption(forceOption);
    if (upload) {
        parser.addPositionalArgument(QStringLiteral("local"), CliText::tr("The file to send."),
                                     QStringLiteral("LOCAL"));
        parser.addPositionalArgument(QStringLiteral("remote"),
                                     CliText::tr("Where to put it on the server; ending in / puts it there under "
                                                 "LOCAL's name."),
                                     QStringLiteral("[REMOTE]"));
    } else {
        parser.addPositionalArgument(QStringLiteral("remote"), CliText::tr("The file to fetch."),
                                     QStringLiteral("REMOTE"));
        parser.addPositionalArgument(QStringLiteral("local"), CliText::tr("Where to put it here."),
                                     QStringLiteral("[LOCAL]"));
    }
    if (!parser.parse(arguments)) {
        reportError(parser.errorText());
        return SessionExit::UsageError;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printLine(parser.helpText().trimmed());
        return 0;
    }
    const QStringList words = parser.positionalArguments();
    if (words.isEmpty() || words.size() > 2 || words.constFirst().isEmpty()) {
        reportError(upload ? CliText::tr("upload: give LOCAL and, optionally, REMOTE. Try: tincan-cli upload "
                                         "notes.txt docs/notes.txt")
                           : CliText::tr("download: give REMOTE and, optionally, LOCAL. Try: tincan-cli download "
                                         "logs/app.log"));
        return SessionExit::UsageError;
    }
    ConsoleSettings settings;
    if (!consoleOptions.read(parser, name, &settings))
        return SessionExit::UsageError;
    settings.mode = ConsoleClient::Mode::Tincan;

    const QString first = words.constFirst();
    const QString second = words.value(1);
    QString localPath = upload ? first : second;
    QString remotePath = upload ? second : first;
    // No REMOTE, or a directory (`docs/`): the local file's name, there.
    if (upload && (remotePath.isEmpty() || remotePath.endsWith(QLatin1Char('/'))))
        remotePath += QFileInfo(localPath).fileName();
    if (!upload && (localPath.isEmpty() || QFileInfo(localPath).isDir())) {
        // Into the directory (here by default), under the remote file's name.
        const QString fileName = remotePath.section(QLatin1Char('/'), -1);
        if (fileName.isEmpty() || fileName == QStringLiteral(".") || fileName == QStringLiteral("..")) {
            reportError(CliText::tr("download: %1 names no file; give LOCAL.").arg(remotePath));
            return SessionExit::UsageError;
        }
        localPath = (localPath.isEmpty() ? QStringLiteral(".") : localPath) + QLatin1Char('/') + fileName;
    }
    localPath = QDir::cleanPath(QFileInfo(localPath).absoluteFilePath());
    const bool force = parser.isSet(forceOption);
    TransferCommand transfer(settings, upload, localPath, remotePath, force);
    return transfer.run();
}

} // namespace

int runUpload(const QStringList &arguments)
{
    return runTransfer(arguments, true);
}

int runDownload(const QStringList &arguments)
{
    return runTransfer(arguments, false);
}

} // namespace Tincan::Cli

#include "transfercommand.moc"
