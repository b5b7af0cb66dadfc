// What a console session's pane says, without the pane: it follows a
// ConsoleSession and writes, in styles, the prompt and each command, the
// commands' decoded output through one AnsiParser per command and stream,
// their exit statuses and durations, and notices of the connection, of
// cancelling and of transfers, to a TerminalOutput (the pane).
#pragma once

#include "models/terminal/ansiparser.h"
#include "models/terminal/terminaloutput.h"
#include "session/consolesession.h"

#include <QObject>
#include <QString>

#include <array>
#include <map>

namespace Tincan {

class ConsoleTranscript final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleTranscript)

public:
    // What a piece of text in the pane is; each kind is a style of the
    // output, numbered in this order.
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

    // Follows `session` from now on (connect it before anyone who shows the
    // result, so that the lines come first); neither is owned.
    ConsoleTranscript(ConsoleSession *session, TerminalOutput *output, QObject *parent = nullptr);

    // Echoes the prompt and the command, then runs it; returns its request
    // id, or 0 when the command is blank.
    quint64 runCommand(const QString &command);

    // "host:port:/remote/dir $", or "host:port $" while the server has told no
    // working directory (classic servers, before the welcome).
    QString prompt() const;
    // One sentence on the connection, for a status line.
    QString statusText() const;
    // "[exit 0 · 0.12 s]", "[killed by signal 15 (SIGTERM) · 1.00 s]"…
    static QString exitStatusText(const ConsoleSession::Command &command, ProcessExit exit);

    // Queues text for the pane; a line starts on a fresh line.
    void appendText(TextKind kind, const QString &text);
    void appendLine(TextKind kind, const QString &text);

private:
    void onStateChanged(ConsoleClient::State state);
    void onCancelling(const QString &command, bool costsConnection);
    void onOutputDecoded(quint64 requestId, OutputStream stream, const QString &text);
    void onCommandFinished(quint64 requestId, ProcessExit exit);
    void onCommandFailed(quint64 requestId, const QString &message);
    void onTransferAdded(quint64 id, const QString &localPath, const QString &remotePath, bool upload);
    static QString durationText(const ConsoleSession::Command &command);

    ConsoleSession *m_session;
    TerminalOutput *m_output;
    // One escape-sequence parser per running command and stream, so that a
    // sequence split between two chunks continues (the session decodes).
    std::map<quint64, std::array<AnsiParser, 2>> m_parsers;
    // Output of a request no longer running (late chunks): parsed on its own.
    std::array<AnsiParser, 2> m_strayParsers;
    bool m_wasReady = false;
    // An error line was written for the current connection attempt.
    bool m_errorShown = false;
    // What the pane said when each transfer started ("big.bin to /tmp/big.bin"),
    // to say how it ended.
    std::map<quint64, QString> m_transferLabels;
};

} // namespace Tincan
