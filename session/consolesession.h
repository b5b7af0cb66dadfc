// A console session without widgets: one ConsoleClient, driven by the policy
// that the desktop app and the command line share. It asks its Prompter for a
// password or for trust when the login needs one and connects again with the
// answer; it keeps the running commands (their text, time, cancel state) and
// decodes each command's output with one stateful decoder per stream; and it
// sends an upload again once the user agreed to replace the file it found.
#pragma once

#include "net/console/consoleclient.h"
#include "session/prompter.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringDecoder>

#include <array>
#include <map>
#include <optional>

namespace Tincan {

class ConsoleSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleSession)

public:
    // Encodings a user may choose for the output, where this Qt can decode them.
    static constexpr const char *EncodingChoices[]
        = {"UTF-8",  "GB18030",    "GBK",         "Big5",         "Big5-HKSCS",   "Shift_JIS", "EUC-JP",
           "EUC-KR", "ISO-8859-1", "ISO-8859-15", "Windows-1252", "Windows-1251", "KOI8-R"};

    // A command from exec() to its end.
    struct Command
    {
        QString text;
        QElapsedTimer elapsed; // restarted when the server starts it
        bool cancelRequested = false;
    };

    explicit ConsoleSession(QObject *parent = nullptr);
    ~ConsoleSession() override;

    // Who is asked; not owned. Without one, every question is answered no.
    void setPrompter(Prompter *prompter) { m_prompter = prompter; }
    Prompter *prompter() const { return m_prompter; }

    // The client, for its settings (password, TLS, known hosts) and its
    // read-only state and transfer signals.
    ConsoleClient *client() const { return m_client; }

    void connectToServer(const QString &host, quint16 port, ConsoleClient::Mode mode = ConsoleClient::Mode::Tincan);
    // Connects again to the same server, unless a connection is live.
    void reconnect();
    bool canReconnect() const;
    ConsoleClient::State state() const { return m_client->state(); }
    // "host:port", with brackets around an IPv6 address; empty before connecting.
    QString address() const;
    static QString address(const QString &host, quint16 port);

    // Runs a command; returns its request id.
    quint64 exec(const QString &command);
    // Cancels the newest running command not already being cancelled
    // (cancelling() comes first); returns its id, or 0 when there is none.
    quint64 cancelLatestCommand();
    bool hasCancellableCommand() const;
    int runningCommandCount() const { return int(m_running.size()); }
    // A running command, or null; still valid in commandFinished() and commandFailed().
    const Command *command(quint64 requestId) const;

    // The encoding output is decoded with: the override, else the one the
    // server announced (if this Qt can decode it), else UTF-8.
    QByteArray outputEncoding() const;
    QByteArray encodingOverride() const { return m_encodingOverride; }
    // Applies from the next output on (running commands included). An
    // encoding this Qt cannot decode is refused. Empty: the server's.
    bool setEncodingOverride(const QByteArray &encoding);
    // EncodingChoices that this Qt can decode.
    static QList<QByteArray> availableEncodings();
    static bool canDecode(const QByteArray &encoding);

    // Tincan mode only (else 0). An upload refused because the file exists
    // is sent again, replacing it, when the prompter says so: a new transfer
    // with its own transferAdded().
    quint64 upload(const QString &localPath, const QString &remotePath, bool overwrite = false);
    quint64 download(const QString &remotePath, const QString &localPath, bool overwrite = false);

Q_SIGNALS:
    void stateChanged(Tincan::ConsoleClient::State state);
    void ready();
    // Every error of the client, as it happens (a question may follow).
    void errorOccurred(const QString &message);
    // An error the session does not try again after: the connection failed
    // or broke (or, rarely, the server reported an error on a live one) and
    // nobody was asked, or the answer was no. `asked`: the prompter was
    // asked, so it has told the user what there was to tell.
    void connectionFailed(Tincan::ConsoleClient::ErrorKind kind, const QString &message, bool asked);
    // A server's identity was pinned: met for the first time under
    // TrustOnFirstUse, or trusted by the user. `remembered`: written down.
    void serverIdentityPinned(const Tincan::TlsFingerprint &fingerprint, bool remembered);
    // The user trusted the server, but its fingerprint could not be kept.
    void identityNotRemembered(const QString &error);

    void commandStarted(quint64 requestId);
    // Output of a command, decoded. Output of a request no longer running
    // (late chunks) is decoded on its own.
    void outputDecoded(quint64 requestId, Tincan::OutputStream stream, const QString &text);
    void commandFinished(quint64 requestId, Tincan::ProcessExit exit);
    void commandFailed(quint64 requestId, const QString &message);
    // About to cancel; `costsConnection`: a classic server, whose connection
    // is closed and opened again.
    void cancelling(quint64 requestId, const QString &command, bool costsConnection);
    void runningCommandCountChanged(int count);

    void transferAdded(quint64 transferId, const QString &localPath, const QString &remotePath, bool upload);

private:
    struct Running
    {
        Command command;
        // One stateful decoder per stream (stdout, stderr), so that a
        // character split between two chunks comes out whole.
        std::array<std::optional<QStringDecoder>, 2> decoders;
    };
    struct PendingUpload
    {
        QString localPath;
        QString remotePath;
    };

    void onStateChanged(ConsoleClient::State state);
    void onErrorOccurred(const QString &message);
    void askForPassword(ConsoleClient::ErrorKind kind, const QString &message);
    void askForTrust(ConsoleClient::ErrorKind kind, const QString &message);
    void onOutputReceived(quint64 requestId, OutputStream stream, const QByteArray &data);
    void onCommandEnded(quint64 requestId);
    void onTransferFailed(quint64 transferId, ConsoleClient::TransferError error);
    QStringDecoder makeDecoder() const;

    ConsoleClient *m_client = nullptr;
    Prompter *m_prompter = nullptr;
    std::map<quint64, Running> m_running; // ordered by request id, so by age
    QByteArray m_encodingOverride;
    bool m_reconnectAfterCancel = false;
    // A question is open: no second one for the same session.
    bool m_asking = false;
    std::map<quint64, PendingUpload> m_replaceable; // uploads that may be asked to replace
};

} // namespace Tincan
