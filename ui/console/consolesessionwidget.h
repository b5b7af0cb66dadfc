// One console session: a connection to a console server, a terminal-like pane
// showing what the commands print, and an input line to type commands into.
#pragma once

#include "models/console/consoletranscript.h"
#include "models/console/transferlistmodel.h"
#include "net/console/consoleclient.h"
#include "session/consolesession.h"
#include "ui/terminal/terminalview.h" // terminal() is a QPlainTextEdit to its users

#include <QByteArray>
#include <QIcon>
#include <QKeyCombination>
#include <QList>
#include <QPointer>
#include <QTextCharFormat>
#include <QWidget>

#include <array>

class QDragEnterEvent;
class QDropEvent;
class QLabel;
class QMimeData;
class QMenu;
class QPushButton;

namespace Tincan {

class CommandLineEdit;
class DialogPrompter;
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

    // What a piece of text in the pane is; each kind has its own format.
    using TextKind = ConsoleTranscript::TextKind;
    static constexpr std::size_t TextKindCount = ConsoleTranscript::TextKindCount;

    explicit ConsoleSessionWidget(QWidget *parent = nullptr);
    ~ConsoleSessionWidget() override;

    // File transfers: rows go into `model` (the transfers panel's); without
    // one, transfers are refused.
    void setTransferModel(TransferListModel *model) { m_transfers = model; }
    // Sends a local file into the session's working directory, under its
    // own name (a drop on the session does this). An existing remote file is
    // replaced only if the prompter's replace question says yes. Returns the transfer
    // id, or 0 when it cannot start (not a Tincan session, not a file).
    quint64 startUpload(const QString &localPath, bool overwrite = false);
    // Fetches `remotePath` (relative to the session's directory) into `localPath`.
    quint64 startDownload(const QString &remotePath, const QString &localPath, bool overwrite);
    // Asks for a remote path and where to save it, then downloads ("Download…").
    void askDownload();
    // Who answers the session's questions (password, trust, replacing a
    // file); not owned. Default: dialogs over this widget. Null: the default.
    void setPrompter(Prompter *prompter);

    void connectToServer(const QString &host, quint16 port, ConsoleClient::Mode mode = ConsoleClient::Mode::Tincan);

    ConsoleSession *session() const { return m_session; }
    ConsoleClient *client() const { return m_session->client(); }
    QString host() const { return client()->host(); }
    quint16 port() const { return client()->port(); }
    ConsoleClient::Mode mode() const { return client()->mode(); }
    ConsoleClient::State state() const { return client()->state(); }
    // "host:port", with brackets around an IPv6 address.
    QString address() const { return m_session->address(); }
    // "host:port:/remote/dir $", or "host:port $" while the server has told no
    // working directory (classic servers, before the welcome).
    QString prompt() const { return m_transcript->prompt(); }
    // One sentence on the connection, for the session's status line and the
    // window's status bar.
    QString statusText() const { return m_transcript->statusText(); }
    int runningCommandCount() const { return m_session->runningCommandCount(); }
    bool canReconnect() const { return m_session->canReconnect(); }

    TerminalView *terminal() const { return m_pane; }
    TerminalFindBar *findBar() const { return m_findBar; }
    CommandLineEdit *commandLine() const { return m_input; }
    QTextCharFormat textFormat(TextKind kind) const { return m_formats.at(std::size_t(kind)); }

    // The session's output encoding (ConsoleSession::outputEncoding()).
    QByteArray outputEncoding() const { return m_session->outputEncoding(); }
    // Empty: the server's.
    QByteArray encodingOverride() const { return m_session->encodingOverride(); }
    // Applies from the next output on (commands running now included). An
    // encoding this Qt cannot decode is refused.
    bool setEncodingOverride(const QByteArray &encoding) { return m_session->setEncodingOverride(encoding); }
    // The encodings offered in the pane's Encoding menu.
    static QList<QByteArray> availableEncodings() { return ConsoleSession::availableEncodings(); }

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
    void setUpFormats();
    void connectSession();
    void updateStatusLine();
    void addEncodingMenu(QMenu *menu);
    void applyTerminalFont(int points);

    ConsoleSession *m_session = nullptr;
    DialogPrompter *m_dialogPrompter = nullptr;
    ConsoleTranscript *m_transcript = nullptr;
    TerminalView *m_pane = nullptr;
    TerminalFindBar *m_findBar = nullptr;
    QLabel *m_statusIcon = nullptr;
    QLabel *m_statusLabel = nullptr;
    QPushButton *m_reconnectButton = nullptr;
    QLabel *m_promptLabel = nullptr;
    CommandLineEdit *m_input = nullptr;

    std::array<QTextCharFormat, TextKindCount> m_formats;
    QPointer<TransferListModel> m_transfers;
};

} // namespace Tincan
