// One console session: a connection to a console server, a terminal-like pane
// showing what the commands print, and an input line to type commands into.
#pragma once

#include "models/console/transferlistmodel.h"
#include "models/terminal/ansiparser.h"
#include "net/console/consoleclient.h"
#include "ui/terminal/terminalview.h" // terminal() is a QPlainTextEdit to its users

#include <QByteArray>
#include <QElapsedTimer>
#include <QIcon>
#include <QKeyCombination>
#include <QList>
#include <QPointer>
#include <QStringDecoder>
#include <QTextCharFormat>
#include <QWidget>

#include <array>
#include <functional>
#include <map>
#include <optional>

class QDragEnterEvent;
class QDropEvent;
class QLabel;
class QMimeData;
class QMenu;
class QPushButton;

namespace Tincan {

class CommandLineEdit;
class TerminalFindBar;

class ConsoleSessionWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleSessionWidget)

public:
    // While a command runs, this key in the pane or the input line cancels
    // it; otherwise it keeps its usual meaning (copy).
    static constexpr QKeyCombination CancelKey{Qt::ControlModifier, Qt::Key_C};
    static constexpr QKeyCombination CopyKey{Qt::ControlModifier | Qt::ShiftModifier, Qt::Key_C};
    static constexpr QKeyCombination ClearKey{Qt::ControlModifier, Qt::Key_L};
    // Encodings offered in the pane's Encoding menu, where this Qt can decode them.
    static constexpr const char *EncodingChoices[]
        = {"UTF-8",  "GB18030",    "GBK",         "Big5",         "Big5-HKSCS",   "Shift_JIS", "EUC-JP",
           "EUC-KR", "ISO-8859-1", "ISO-8859-15", "Windows-1252", "Windows-1251", "KOI8-R"};

    // What a piece of text in the pane is; each kind has its own format.
    enum class TextKind {
        Stdout,
        Stderr,
        Prompt,  // "host:port $ "
        Command, // the command after the prompt
        Status,  // "[exit 0 · 0.12 s]"
        FailedStatus,
        Error,
        Notice, // connected, disconnected, cancelling
    };
    Q_ENUM(TextKind)
    static constexpr std::size_t TextKindCount = std::size_t(TextKind::Notice) + 1;

    explicit ConsoleSessionWidget(QWidget *parent = nullptr);
    ~ConsoleSessionWidget() override;

    // File transfers: rows go into `model` (the transfers panel's); without
    // one, transfers are refused.
    void setTransferModel(TransferListModel *model) { m_transfers = model; }
    // Sends a local file into the session's working directory, under its
    // own name (a drop on the session does this). An existing remote file is
    // replaced only if the overwrite question says yes. Returns the transfer
    // id, or 0 when it cannot start (not a Tincan session, not a file).
    quint64 startUpload(const QString &localPath, bool overwrite = false);
    // Fetches `remotePath` (relative to the session's directory) into `localPath`.
    quint64 startDownload(const QString &remotePath, const QString &localPath, bool overwrite);
    // Asks for a remote path and where to save it, then downloads ("Download…").
    void askDownload();
    // How the session asks whether to replace an existing remote file
    // (default: a message box). Tests answer without a dialog.
    void setOverwriteQuestion(std::function<bool(const QString &remotePath)> question)
    {
        m_overwriteQuestion = std::move(question);
    }

    void connectToServer(const QString &host, quint16 port, ConsoleClient::Mode mode = ConsoleClient::Mode::Tincan);

    ConsoleClient *client() const { return m_client; }
    QString host() const { return m_client->host(); }
    quint16 port() const { return m_client->port(); }
    ConsoleClient::Mode mode() const { return m_client->mode(); }
    ConsoleClient::State state() const { return m_client->state(); }
    // "host:port", with brackets around an IPv6 address.
    QString address() const;
    // "host:port:/remote/dir $", or "host:port $" while the server has told no
    // working directory (classic servers, before the welcome).
    QString prompt() const;
    // One sentence on the connection, for the session's status line and the
    // window's status bar.
    QString statusText() const;
    int runningCommandCount() const { return int(m_running.size()); }
    bool canReconnect() const;

    TerminalView *terminal() const { return m_pane; }
    TerminalFindBar *findBar() const { return m_findBar; }
    CommandLineEdit *commandLine() const { return m_input; }
    QTextCharFormat textFormat(TextKind kind) const { return m_formats.at(std::size_t(kind)); }

    // The encoding output is decoded with: the override, else the one the
    // server announced, else UTF-8.
    QByteArray outputEncoding() const;
    // Empty: the server's.
    QByteArray encodingOverride() const { return m_encodingOverride; }
    // Applies from the next output on (commands running now included). An
    // encoding this Qt cannot decode is refused.
    bool setEncodingOverride(const QByteArray &encoding);
    // EncodingChoices that this Qt can decode.
    static QList<QByteArray> availableEncodings();

    // A small coloured dot for the state, used on tabs and the status line.
    static QIcon stateIcon(ConsoleClient::State state, bool failed);

public Q_SLOTS:
    // Echoes the command as a prompt line and sends it; returns its request
    // id, or 0 when the command is blank.
    quint64 runCommand(const QString &command);
    void reconnect();
    // Cancels the newest running command not already being cancelled.
    void cancelLatestCommand();
    void clear();
    // Copies the selection of the input line, or else of the pane.
    void copy();
    // Writes buffered output to the pane now instead of at the next tick.
    void flushOutput();
    void showFindBar();

Q_SIGNALS:
    // A file transfer was started (for the window to show its panel).
    void transferAdded();
    // The state, statusText() or address() changed.
    void statusChanged();
    void runningCommandCountChanged(int count);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    // Local files among dropped URLs.
    static QStringList droppedFiles(const QMimeData *mime);
    // Sets the prompt label, elided in the middle when the directory is long
    // (the whole prompt is its tooltip).
    void updatePromptLabel();
    struct Running
    {
        QString command;
        QElapsedTimer elapsed;
        bool cancelRequested = false;
        // One stateful decoder and escape-sequence parser per stream, so that
        // a character or a sequence split between two chunks comes out whole.
        std::array<std::optional<QStringDecoder>, 2> decoders;
        std::array<AnsiParser, 2> parsers;
    };

    void setUpFormats();
    void onStateChanged(ConsoleClient::State state);
    void onCommandStarted(quint64 requestId);
    void onOutputReceived(quint64 requestId, OutputStream stream, const QByteArray &data);
    void onCommandFinished(quint64 requestId, ProcessExit exit);
    void onCommandFailed(quint64 requestId, const QString &message);
    void onErrorOccurred(const QString &message);
    void forget(quint64 requestId);
    void updateStatusLine();
    static QString durationText(const Running &running);
    static QString exitStatusText(const Running &running, ProcessExit exit);
    QStringDecoder makeDecoder() const;
    void addEncodingMenu(QMenu *menu);
    void applyTerminalFont(int points);

    // Queues text for the pane; lines start on a fresh line.
    void appendText(TextKind kind, const QString &text);
    void appendLine(TextKind kind, const QString &text);
    void startNewLine();

    ConsoleClient *m_client = nullptr;
    TerminalView *m_pane = nullptr;
    TerminalFindBar *m_findBar = nullptr;
    QLabel *m_statusIcon = nullptr;
    QLabel *m_statusLabel = nullptr;
    QPushButton *m_reconnectButton = nullptr;
    QLabel *m_promptLabel = nullptr;
    CommandLineEdit *m_input = nullptr;

    std::array<QTextCharFormat, TextKindCount> m_formats;
    std::map<quint64, Running> m_running; // ordered by request id, so by age
    // Output of a request no longer running (late chunks): parsed on its own.
    std::array<AnsiParser, 2> m_strayParsers;
    QByteArray m_encodingOverride;
    bool m_wasReady = false;
    // An error line was written for the current connection attempt.
    bool m_errorShown = false;
    bool m_reconnectAfterCancel = false;
    QPointer<TransferListModel> m_transfers;
    // What the pane said when each transfer started ("big.bin to /tmp/big.bin"),
    // to say how it ended.
    std::map<quint64, QString> m_transferLabels;
    std::function<bool(const QString &)> m_overwriteQuestion;
};

} // namespace Tincan
