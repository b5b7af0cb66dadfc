// One console session: a connection to a console server, a terminal-like pane
// showing what the commands print, and an input line to type commands into.
#pragma once

#include "consoleclient.h"

#include <QElapsedTimer>
#include <QIcon>
#include <QKeyCombination>
#include <QList>
#include <QStringDecoder>
#include <QTextCharFormat>
#include <QTimer>
#include <QWidget>

#include <array>
#include <chrono>
#include <map>
#include <optional>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace Tincan {

class CommandLineEdit;

class ConsoleSessionWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleSessionWidget)

public:
    // Lines the pane keeps; older ones scroll away for good.
    static constexpr int ScrollbackLines = 10000;
    // Output is buffered and written to the pane at most this often (~60 Hz),
    // so a flood of output costs one layout per frame, not one per chunk.
    static constexpr std::chrono::milliseconds FlushInterval { 16 };
    // While a command runs, this key in the pane or the input line cancels
    // it; otherwise it keeps its usual meaning (copy).
    static constexpr QKeyCombination CancelKey { Qt::ControlModifier, Qt::Key_C };
    static constexpr QKeyCombination CopyKey { Qt::ControlModifier | Qt::ShiftModifier, Qt::Key_C };

    // What a piece of text in the pane is; each kind has its own format.
    enum class TextKind {
        Stdout,
        Stderr,
        Prompt, // "host:port $ "
        Command, // the command after the prompt
        Status, // "[exit 0 · 0.12 s]"
        FailedStatus,
        Error,
        Notice, // connected, disconnected, cancelling
    };
    Q_ENUM(TextKind)
    static constexpr std::size_t TextKindCount = std::size_t(TextKind::Notice) + 1;

    explicit ConsoleSessionWidget(QWidget *parent = nullptr);
    ~ConsoleSessionWidget() override;

    void connectToServer(const QString &host, quint16 port, ConsoleClient::Mode mode = ConsoleClient::Mode::Tincan);

    ConsoleClient *client() const { return m_client; }
    QString host() const { return m_client->host(); }
    quint16 port() const { return m_client->port(); }
    ConsoleClient::Mode mode() const { return m_client->mode(); }
    ConsoleClient::State state() const { return m_client->state(); }
    // "host:port", with brackets around an IPv6 address.
    QString address() const;
    // One sentence on the connection, for the session's status line and the
    // window's status bar.
    QString statusText() const;
    int runningCommandCount() const { return int(m_running.size()); }
    bool canReconnect() const;

    QPlainTextEdit *terminal() const { return m_pane; }
    CommandLineEdit *commandLine() const { return m_input; }
    QTextCharFormat textFormat(TextKind kind) const { return m_formats.at(std::size_t(kind)); }

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

Q_SIGNALS:
    // The state, statusText() or address() changed.
    void statusChanged();
    void runningCommandCountChanged(int count);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Running
    {
        QString command;
        QElapsedTimer elapsed;
        bool cancelRequested = false;
        // One stateful decoder per stream, so that a character split between
        // two chunks comes out whole.
        std::array<std::optional<QStringDecoder>, 2> decoders;
    };
    struct Chunk
    {
        TextKind kind;
        QString text;
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

    // Queues text for the pane; lines start on a fresh line.
    void appendText(TextKind kind, const QString &text);
    void appendLine(TextKind kind, const QString &text);
    void startNewLine();

    ConsoleClient *m_client = nullptr;
    QPlainTextEdit *m_pane = nullptr;
    QLabel *m_statusIcon = nullptr;
    QLabel *m_statusLabel = nullptr;
    QPushButton *m_reconnectButton = nullptr;
    QLabel *m_promptLabel = nullptr;
    CommandLineEdit *m_input = nullptr;

    std::array<QTextCharFormat, TextKindCount> m_formats;
    std::map<quint64, Running> m_running; // ordered by request id, so by age
    QList<Chunk> m_pending;
    QTimer m_flushTimer;
    // Whether the pane plus m_pending ends at the start of a line.
    bool m_atLineStart = true;
    bool m_wasReady = false;
    // An error line was written for the current connection attempt.
    bool m_errorShown = false;
    bool m_reconnectAfterCancel = false;
};

} // namespace Tincan
