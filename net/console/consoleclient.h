// A client of a console server: Tincan (framed, several commands at once,
// streamed output, cancel) or classic (one bare command, one framed reply).
#pragma once

#include "net/console/clientlogin.h"
#include "net/process/shellprocess.h"
#include "net/tls/serverpins.h"
#include "net/tls/tlsfingerprint.h"
#include "net/tls/tlspinning.h"
#include "net/transfer/transferengine.h"
#include "net/wire/frame.h"
#include "net/wire/messagetype.h"

#include <QAbstractSocket>
#include <QHash>
#include <QObject>
#include <QQueue>
#include <QTimer>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>

class QTcpSocket;

namespace Tincan {

class ConsoleClient final : public QObject, private TransferChannel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleClient)

public:
    enum class Mode {
        Tincan,
        Classic,
    };
    Q_ENUM(Mode)

    enum class State {
        Disconnected,
        Connecting,  // TCP connect in progress
        Handshaking, // hello sent, waiting for welcome (logging in, when the server asks)
        Ready,
    };
    Q_ENUM(State)

    // What the last error was about, for callers that act on it (the command
    // line's exit status, a GUI's password prompt).
    enum class ErrorKind {
        None,
        Connection,            // could not connect, or the connection broke
        Protocol,              // the server sent something unusable
        PasswordRequired,      // the server asks for a password and none was set
        WrongPassword,         // the server refused the password
        Penalized,             // too many failed logins from here: wait retryAfter()
        Refused,               // refused by the server's policy (a classic client from afar, a timeout)
        UnknownServer,         // TLS: no pin for this server; serverFingerprint() is its fingerprint
        ServerIdentityChanged, // TLS: the server is not the pinned one (expectedFingerprint(), knownHostsLine())
        TlsFailed,             // TLS: the handshake failed, or the known-hosts file cannot be used
    };
    Q_ENUM(ErrorKind)

    // Whether Tincan mode connects over TLS (classic mode never does: the
    // tutorial's server has none).
    enum class TlsMode {
        Auto, // TLS unless the host is a loopback address or "localhost"
        On,
        Off,
    };
    Q_ENUM(TlsMode)
    using UnknownServerPolicy = TlsPeerVerifier::UnknownServer;

    // Why a file transfer failed, for callers that act on it (the command
    // line's exit status, the GUI's question before overwriting).
    enum class TransferError {
        None,
        Refused,    // the server refused it: a path, an existing file, a limit (the message says which)
        Exists,     // the target exists and overwriting was not asked for (remote or local)
        Mismatch,   // all bytes arrived, but not with the offered MD5 (either side checked)
        LocalFile,  // the local file could not be read or written
        Connection, // not connected, or the connection closed first (a partial file stays for a resume)
        Cancelled,  // cancelTransfer()
    };
    Q_ENUM(TransferError)

    static constexpr std::chrono::seconds ConnectTimeout{10};
    static constexpr std::chrono::seconds HandshakeTimeout{10};
    // What the socket takes from the kernel before it is handled: each turn of
    // the event loop handles at most this much output, so a flood leaves a
    // window responsive, and the rest waits in TCP, which slows the server.
    static constexpr qint64 ReadBufferSize = 256 * 1024;
    // An upload hands chunks to the socket only while less than this waits
    // to be sent: the file stays on disk, not in memory, on a slow link.
    static constexpr qint64 UploadSendHighWater = 1024 * 1024;

    explicit ConsoleClient(QObject *parent = nullptr);
    ~ConsoleClient() override;

    // The password for servers that ask for one (Tincan mode; a classic client
    // cannot log in). Set it before connecting. It is kept in memory only, to
    // answer the server's challenge; it is never sent.
    void setPassword(const QString &password) { m_login.setPassword(password); }
    bool hasPassword() const { return m_login.hasPassword(); }

    // TLS settings, for the next connectToServer().
    void setTls(TlsMode mode) { m_tlsMode = mode; }
    TlsMode tls() const { return m_tlsMode; }
    // The known-hosts file holding the pins (see KnownHosts). Empty: pins are
    // kept in memory only, for this client's life.
    void setKnownHostsPath(const QString &path) { m_pins.setKnownHostsPath(path); }
    QString knownHostsPath() const { return m_pins.knownHostsPath(); }
    // What to do with a server nothing is pinned for (default: Refuse, with
    // ErrorKind::UnknownServer). TrustOnFirstUse connects and pins it.
    void setUnknownServerPolicy(UnknownServerPolicy policy) { m_unknownServerPolicy = policy; }
    UnknownServerPolicy unknownServerPolicy() const { return m_unknownServerPolicy; }
    // Pins `fingerprint` for the current host and port (in the known-hosts
    // file when one is set), so that a reconnect accepts that server: for a GUI
    // that showed ErrorKind::UnknownServer's fingerprint to the user. False,
    // with errorString(), when the file cannot be written. A changed identity
    // is accepted the same way, replacing the old pin.
    bool acceptServerIdentity(const TlsFingerprint &fingerprint);
    // Whether connecting to `host` uses TLS under `mode`.
    static bool usesTls(TlsMode mode, const QString &host);

    void connectToServer(const QString &host, quint16 port, Mode mode = Mode::Tincan);
    void disconnectFromServer();

    // Runs a command; returns its request id. Commands given before the
    // connection is ready wait for it. In classic mode they run one at a time.
    quint64 exec(const QString &command);
    // Tincan: asks the server to kill the command. Classic servers cannot
    // cancel, so the connection is closed instead.
    void cancel(quint64 requestId);

    // Tincan: sends `localPath` to `remotePath` (relative to the session's
    // working directory) and returns the transfer's id; the transfer* signals
    // follow. An existing remote file is replaced only with `overwrite`. A
    // partial file the server kept from an interrupted upload of the same
    // file is resumed.
    quint64 upload(const QString &localPath, const QString &remotePath, bool overwrite = false);
    // Tincan: fetches `remotePath` into `localPath`, written to a temporary
    // file beside it and renamed into place once its MD5 checks out.
    quint64 download(const QString &remotePath, const QString &localPath, bool overwrite = false);
    // Gives the transfer up; the server drops it (and its partial file).
    void cancelTransfer(quint64 transferId);
    int transferCount() const { return m_transfers.count(); }
    // Test seam: flips one byte, at this offset of the file, in the next
    // transfer's data as it is sent (upload) or received (download), so that
    // the receiver's MD5 check can be seen to catch it. -1: off.
    void setTransferFaultForTesting(qint64 fileOffset) { m_transfers.setFaultForTesting(fileOffset); }

    State state() const { return m_state; }
    Mode mode() const { return m_mode; }
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    // The server's self-description from its welcome ("Tincan 0.1.0").
    QString serverSoftware() const { return m_serverSoftware; }
    // The output encoding the server announced (Tincan) or UTF-8 (classic).
    QString serverEncoding() const { return m_serverEncoding; }
    // Tincan: the session's working directory on the server, as its welcome
    // and each command's exit report it (a full path on the server's machine).
    // Empty before the welcome, in classic mode, and with servers that do not
    // keep one.
    QString currentDirectory() const { return m_currentDirectory; }
    QString errorString() const { return m_error; }
    ErrorKind errorKind() const { return m_errorKind; }
    // With ErrorKind::Penalized: how long the server asked us to wait.
    std::chrono::seconds retryAfter() const { return m_retryAfter; }
    // True once the server has checked our password (and proved it knows it).
    bool isAuthenticated() const { return m_login.isAuthenticated(); }
    // TLS: whether this connection is encrypted and its server verified.
    bool isEncrypted() const { return m_encrypted; }
    // TLS: the server's fingerprint, once its certificate was seen (also when
    // it was refused); null otherwise.
    TlsFingerprint serverFingerprint() const { return m_serverFingerprint; }
    // With ServerIdentityChanged: the pinned fingerprint, and the line of the
    // known-hosts file holding it (0 when pinned in memory).
    TlsFingerprint expectedFingerprint() const { return m_expectedFingerprint; }
    int knownHostsLine() const { return m_knownHostsLine; }
    // Commands sent and not yet finished.
    int pendingCommandCount() const { return int(m_pending.size() + m_queued.size()); }

    // Sentence for a socket error, in words a user understands.
    static QString describeSocketError(QAbstractSocket::SocketError error, const QString &host, quint16 port,
                                       const QString &fallback);

Q_SIGNALS:
    void stateChanged(Tincan::ConsoleClient::State state);
    void ready();
    void commandStarted(quint64 requestId, qint64 pid);
    void outputReceived(quint64 requestId, Tincan::OutputStream stream, const QByteArray &data);
    // The command ended. A classic server may not say how: exitCode is then
    // -1 and signal 0.
    void commandFinished(quint64 requestId, Tincan::ProcessExit exit);
    // The command did not run (refused, could not start, connection lost).
    void commandFailed(quint64 requestId, const QString &message);
    // A transfer's data begins to flow: from `resumedFrom` (0 unless a
    // partial file was resumed) to `fileSize`.
    void transferStarted(quint64 transferId, qint64 fileSize, qint64 resumedFrom);
    // Bytes of the file sent (upload: handed to the connection) or received.
    void transferProgress(quint64 transferId, qint64 bytesDone, qint64 fileSize);
    // The receiver checked the size and MD5 and the file is in place.
    void transferFinished(quint64 transferId, const QByteArray &md5Hex);
    void transferFailed(quint64 transferId, Tincan::ConsoleClient::TransferError error, const QString &message);
    // The session's working directory changed (the welcome, a cd).
    void currentDirectoryChanged(const QString &directory);
    // The connection failed or broke. disconnected() follows.
    void errorOccurred(const QString &message);
    void disconnected();
    // TLS: a server met for the first time was trusted (TrustOnFirstUse) and
    // its fingerprint pinned; `remembered` is false when writing the
    // known-hosts file failed (errorString() says why; the connection goes on).
    void serverIdentityPinned(const Tincan::TlsFingerprint &fingerprint, bool remembered);

private:
    void startTls();
    void onPeerVerified(const TlsFingerprint &fingerprint, bool firstUse);
    void onPeerRejected(const QString &reason);
    void setState(State state);
    void onConnected();
    void onReadyRead();
    void onSocketError(QAbstractSocket::SocketError error);
    void onDisconnected();
    void handleFrame(const Frame &frame);
    void handleHandshakeFrame(Console::MessageType type, const Frame &frame);
    void handleWelcome(const QJsonObject &header);
    void answerChallenge(const QJsonObject &challenge);
    // The login ended without a welcome: refused, or the server is not to be trusted.
    void failLogin(const ClientLogin::Refusal &refusal);
    void handleClassicReply(const Frame &frame);
    void sendExec(quint64 requestId, const QString &command);
    void updateCurrentDirectory(const QJsonObject &header);

    // ---- file transfers (the engine does the work; net/transfer/transferengine.h) ----
    quint64 addTransfer(TransferEngine::Direction direction, const QString &localPath, const QString &remotePath,
                        bool overwrite);
    void sendTransferFrame(const QJsonObject &header, QByteArrayView payload) override;
    bool canSendData() const override;
    void onTransferEnded(const TransferEngine::Ending &ending);
    void sendFrame(const QJsonObject &header, QByteArrayView payload = {});
    void sendNextClassic();
    void fail(const QString &message, ErrorKind kind = ErrorKind::Connection);
    void failAllCommands(const QString &message);

    QTcpSocket *m_socket = nullptr;
    TlsPeerVerifier *m_verifier = nullptr; // with TLS, a child of m_socket
    TlsMode m_tlsMode = TlsMode::Auto;
    UnknownServerPolicy m_unknownServerPolicy = UnknownServerPolicy::Refuse;
    ServerPins m_pins;
    bool m_useTls = false;
    bool m_encrypted = false;
    TlsFingerprint m_serverFingerprint;
    TlsFingerprint m_expectedFingerprint;
    int m_knownHostsLine = 0;
    FrameDecoder m_decoder;
    QTimer m_timeout; // connect and handshake deadlines
    Mode m_mode = Mode::Tincan;
    State m_state = State::Disconnected;
    QString m_host;
    quint16 m_port = 0;
    QString m_serverSoftware;
    QString m_serverEncoding;
    QString m_currentDirectory;
    QString m_error;
    ErrorKind m_errorKind = ErrorKind::None;
    std::chrono::seconds m_retryAfter{0};
    ClientLogin m_login;
    quint64 m_nextId = 1;
    // Sent to the server and not yet finished.
    std::set<quint64> m_pending;
    // Waiting for the connection (or, classic, for the previous reply).
    QQueue<std::pair<quint64, QString>> m_queued;
    std::optional<quint64> m_classicInFlight;
    bool m_errorReported = false;
    TransferEngine m_transfers{TransferEngine::Role::Client, this}; // by id (from the same counter as commands)
};

} // namespace Tincan
