// The console server: runs shell commands for Tincan (framed) clients and for
// the socket tutorial's classic clients, on one port. See docs/PROTOCOL.md.
#pragma once

#include "net/auth/passwordhash.h"
#include "net/auth/sourcepenalties.h"
#include "net/process/shellprocess.h"
#include "net/services/service.h"
#include "net/tls/tlsidentity.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/protocoldetector.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <chrono>
#include <map>
#include <memory>

class QTcpServer;
class QTcpSocket;

namespace Tincan {

class ConsoleConnection;

class ConsoleServer final : public Service
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleServer)

public:
    // After shutdown() starts, connections still open this long are aborted.
    static constexpr std::chrono::milliseconds ShutdownDeadline{5000};

    // Defaults of the connection policy (docs/SECURITY.md has the table).
    // A client must be logged in this soon after it connects (OpenSSH's
    // LoginGraceTime, shorter: a Tincan client answers at machine speed).
    static constexpr std::chrono::milliseconds DefaultLoginGraceTime = Console::Limits::HelloTimeout;
    // A failed login makes its address wait this long, doubling with each
    // further failure up to the maximum; forgotten after a quiet while.
    static constexpr std::chrono::milliseconds DefaultPenaltyBase{1000};
    static constexpr std::chrono::milliseconds DefaultPenaltyMax{60000};
    static constexpr std::chrono::milliseconds DefaultPenaltyForget{10 * 60 * 1000};
    // Connections at once: in all, and from one address. Each holds a socket
    // and up to 64 commands, so the caps bound what strangers can take.
    static constexpr int DefaultMaxConnections = 256;
    static constexpr int DefaultMaxConnectionsPerAddress = 32;
    // With TLS on, a connection is served once its first bytes show whether it
    // starts a TLS handshake. A TLS client sends its ClientHello as soon as TCP
    // connects; one silent this long (or for the login grace time, if shorter)
    // is served in plaintext, as before: a classic client waiting for its user,
    // or a Tincan client that the login grace time will cut.
    static constexpr std::chrono::milliseconds TlsDetectionWindow{1000};
    // The first byte of a TLS record that carries a handshake (RFC 8446 5.1).
    static constexpr unsigned char TlsHandshakeRecord = 0x16;
    // While a connection has sent only part of the three bytes that tell,
    // they are looked at again this often (not on every wakeup: the bytes
    // stay unread, so the socket stays readable).
    static constexpr std::chrono::milliseconds TlsPeekRetry{10};

    // What the first bytes of a connection say. TLS: a handshake record
    // (0x16) of TLS 1.0 to 1.3 (record versions 03 01 to 03 04, RFC 8446
    // 5.1). Three bytes tell a ClientHello from a frame, whose first bytes
    // are its header length, little-endian: 16 03 00 00 is a frame with a
    // 790-byte header.
    enum class FirstBytes { Tls, Plaintext, Undecided };
    static FirstBytes classifyFirstBytes(QByteArrayView bytes);

    // Whether connections may, or must, be encrypted. Every connection on the
    // port is looked at before it is served: one that starts a TLS handshake
    // record (classifyFirstBytes()) is served over TLS, any other in plaintext.
    enum class TlsPolicy {
        // Off without a password, RequiredForRemote with one.
        Auto,
        // No TLS: a TLS handshake is served as the plaintext it is not (refused).
        Off,
        // TLS for clients that want it; plaintext is served as before. An
        // identity that cannot be loaded or made leaves TLS off (a note says so).
        Optional,
        // Every Tincan client on another machine must use TLS; a plaintext one is
        // refused with the tls_required error. Loopback may use plaintext.
        RequiredForRemote,
    };
    static TlsPolicy resolvedTlsPolicy(TlsPolicy policy, bool hasPassword);

    struct Options
    {
        QHostAddress address = QHostAddress(QHostAddress::LocalHost);
        quint16 port = Console::DefaultPort;
        // Allow a non-loopback address with no password, and classic
        // (unauthenticated) commands from any address (a lab override).
        bool insecure = false;
        // Classic replies are buffered up to this many bytes, then truncated.
        qint64 classicReplyCap = Console::Limits::DefaultClassicReplyCap;
        // Serve classic clients at all. They cannot log in, so they are
        // served from loopback only (anywhere with insecure); on a machine
        // shared with other users, turning them off leaves the password as
        // the only way in.
        bool classicAllowed = true;
        // When set, every Tincan client must log in with the password
        // (challenge-response); the server may then listen on any address.
        // Classic clients cannot log in: they are served from loopback only
        // (or from anywhere with insecure).
        PasswordHash password;
        std::chrono::milliseconds loginGraceTime = DefaultLoginGraceTime;
        std::chrono::milliseconds penaltyBase = DefaultPenaltyBase;
        std::chrono::milliseconds penaltyMax = DefaultPenaltyMax;
        std::chrono::milliseconds penaltyForget = DefaultPenaltyForget;
        int maxConnections = DefaultMaxConnections;
        int maxConnectionsPerAddress = DefaultMaxConnectionsPerAddress;
        // A logged-in connection with no command running that sends nothing
        // this long is closed. Zero (the default) never closes it.
        std::chrono::milliseconds idleTimeout{0};
        TlsPolicy tls = TlsPolicy::Auto;
        // Where the TLS identity (key and certificate) is kept, made on the
        // first listen() that needs it. Empty: the app's data directory + /tls.
        QString tlsDirectory;
        // The encoding of command output announced in the welcome, so that
        // clients decode it right. Empty: the charset of the server's locale
        // (localeOutputEncoding()). Set it for commands that print in another
        // one; the bytes are never converted.
        QString outputEncoding;
        // Where every Tincan session's working directory starts, and where
        // classic commands run. Empty: the server process's directory at listen().
        QString startDirectory;
        // File transfers may name any path: absolute ones, `..` out of the
        // session's directory, links pointing outside it. Off by default.
        bool allowAnyPath = false;
    };

    explicit ConsoleServer(QObject *parent = nullptr);
    ~ConsoleServer() override;

    // Starts listening. False with errorString() set when the address is
    // refused by policy or the port cannot be bound.
    bool listen(const Options &options);
    bool isListening() const override;
    QHostAddress serverAddress() const;
    quint16 serverPort() const;
    QHostAddress address() const override { return serverAddress(); }
    quint16 port() const override { return serverPort(); }
    QString errorString() const override { return m_error; }
    const Options &options() const { return m_options; }
    // The encoding the welcome announces (valid while listening).
    QString outputEncoding() const { return m_outputEncoding; }
    // Options::startDirectory, made absolute at listen().
    QString startDirectory() const { return m_startDirectory; }

    int connectionCount() const { return int(m_connections.size()); }
    // Connections not yet clients: their first byte or TLS handshake is
    // awaited. They count towards the connection caps.
    int pendingConnectionCount() const { return int(m_pending.size()); }
    QList<ClientInfo> clients() const;
    // Terminates a client's running commands (the server window's Kill).
    void killCommands(quint64 clientId);
    // Cuts a client's connection; its commands are terminated.
    bool canDisconnectClients() const override { return true; }
    void disconnectClient(quint64 clientId) override;
    void setTrafficObserved(bool on) override;
    int runningCommandCount() const;

    // Stops accepting, terminates every running command (SIGTERM, then SIGKILL
    // after a grace), tells the clients, closes their connections, and emits
    // shutdownFinished() once every command is reaped.
    void shutdown() override;

    // True for addresses that only this machine can reach (an IPv4 loopback
    // address seen through a dual-stack socket included).
    static bool isLoopback(const QHostAddress &address);
    // Whether a classic (unauthenticated) client at `peer` is served.
    bool acceptsClassicFrom(const QHostAddress &peer) const;
    bool requiresPassword() const { return !m_options.password.isNull(); }
    // The policy in force after listen(): Auto resolved, and Optional turned
    // Off when the identity could not be had.
    TlsPolicy tlsPolicy() const { return m_tlsPolicy; }
    bool isTlsEnabled() const { return m_tlsPolicy != TlsPolicy::Off; }
    // Whether a plaintext Tincan client at `peer` is refused (tls_required).
    bool requiresTlsFrom(const QHostAddress &peer) const;
    // The fingerprint clients pin (SHA256:...), null while TLS is off.
    TlsFingerprint tlsFingerprint() const;
    const TlsIdentity &tlsIdentity() const { return m_identity; }
    // What loading the identity repaired, made or failed at, for the log.
    QStringList tlsNotes() const { return m_tlsNotes; }
    // The identity directory used when Options::tlsDirectory is empty.
    static QString defaultTlsDirectory();
    // How long `peer` must wait before its next login is answered.
    std::chrono::milliseconds penaltyRemaining(const QHostAddress &peer) const;

Q_SIGNALS:
    // clientConnected, clientUpdated, clientDisconnected, trafficObserved and
    // shutdownFinished are Service's.
    void clientProtocolDetected(quint64 clientId, Tincan::WireProtocol protocol);
    void commandStarted(quint64 clientId, const QString &requestId, const QString &command, qint64 pid);
    void commandFinished(quint64 clientId, const QString &requestId, Tincan::ProcessExit exit);
    void protocolErrorOccurred(quint64 clientId, const QString &message);
    // A file transfer began (its offer was accepted) and ended; `path` is the
    // server's file, `upload` is the client's direction.
    void transferStarted(quint64 clientId, const QString &transferId, bool upload, const QString &path, qint64 size);
    void transferFinished(quint64 clientId, const QString &transferId, bool ok, const QString &message);
    // A connection was turned away or cut by policy: a connection cap (then
    // clientId is 0: it never became a client), a penalised address, a
    // classic client from another machine, the login grace time, the idle
    // timeout. Never silent: the log shows each.
    void connectionRefused(quint64 clientId, const QHostAddress &address, quint16 port, const QString &reason);
    void authenticationSucceeded(quint64 clientId, const QHostAddress &address);
    // A wrong password: the address now waits penaltyMs before it is answered again.
    void authenticationFailed(quint64 clientId, const QHostAddress &address, const QString &reason, qint64 penaltyMs);

private:
    // A connection whose first byte has not been seen yet, or whose TLS
    // handshake is not over: not yet a client.
    struct Pending;
    void acceptDescriptor(qintptr descriptor);
    void onPendingReadable(Pending *pending);
    void startTls(Pending *pending);
    // A pending connection that is not TLS: served in plaintext.
    void servePlaintext(Pending *pending);
    void servePending(Pending *pending, QTcpSocket *socket);
    void refusePending(Pending *pending, const QString &reason);
    void dropPending(Pending *pending);
    void serve(QTcpSocket *socket, const QHostAddress &source);
    void onConnectionClosed(quint64 clientId);
    void checkShutdownDone();

    struct Entry
    {
        QPointer<ConsoleConnection> connection;
        QHostAddress source; // normalised, for the per-address count
    };

    QTcpServer *m_listener = nullptr;
    TlsIdentity m_identity;
    TlsPolicy m_tlsPolicy = TlsPolicy::Off;
    QString m_outputEncoding;
    QStringList m_tlsNotes;
    std::map<Pending *, std::unique_ptr<Pending>> m_pending;
    Options m_options;
    std::map<quint64, Entry> m_connections;
    QHash<QHostAddress, int> m_connectionsPerAddress;
    SourcePenalties m_penalties;
    quint64 m_nextClientId = 1;
    bool m_shuttingDown = false;
    bool m_observeTraffic = false;
    QString m_startDirectory;
    // Files being received, on any connection: one writer per file.
    QSet<QString> m_transferTargets;
    QString m_error;
};

} // namespace Tincan
