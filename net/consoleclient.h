// A client of a console server: Tincan (framed, several commands at once,
// streamed output, cancel) or classic (one bare command, one framed reply).
#pragma once

#include "frame.h"
#include "shellprocess.h"

#include <QAbstractSocket>
#include <QObject>
#include <QQueue>
#include <QTimer>

#include <chrono>
#include <optional>
#include <set>

class QTcpSocket;

namespace Tincan {

class ConsoleClient final : public QObject
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
        Connection,       // could not connect, or the connection broke
        Protocol,         // the server sent something unusable
        PasswordRequired, // the server asks for a password and none was set
        WrongPassword,    // the server refused the password
        Penalized,        // too many failed logins from here: wait retryAfter()
        Refused,          // refused by the server's policy (a classic client from afar, a timeout)
    };
    Q_ENUM(ErrorKind)

    static constexpr std::chrono::seconds ConnectTimeout{10};
    static constexpr std::chrono::seconds HandshakeTimeout{10};

    explicit ConsoleClient(QObject *parent = nullptr);
    ~ConsoleClient() override;

    // The password for servers that ask for one (Tincan mode; a classic client
    // cannot log in). Set it before connecting. It is kept in memory only, to
    // answer the server's challenge; it is never sent.
    void setPassword(const QString &password);
    bool hasPassword() const { return !m_password.isEmpty(); }

    void connectToServer(const QString &host, quint16 port, Mode mode = Mode::Tincan);
    void disconnectFromServer();

    // Runs a command; returns its request id. Commands given before the
    // connection is ready wait for it. In classic mode they run one at a time.
    quint64 exec(const QString &command);
    // Tincan: asks the server to kill the command. Classic servers cannot
    // cancel, so the connection is closed instead.
    void cancel(quint64 requestId);

    State state() const { return m_state; }
    Mode mode() const { return m_mode; }
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    // The server's self-description from its welcome ("Tincan 0.1.0").
    QString serverSoftware() const { return m_serverSoftware; }
    // The output encoding the server announced (Tincan) or UTF-8 (classic).
    QString serverEncoding() const { return m_serverEncoding; }
    QString errorString() const { return m_error; }
    ErrorKind errorKind() const { return m_errorKind; }
    // With ErrorKind::Penalized: how long the server asked us to wait.
    std::chrono::seconds retryAfter() const { return m_retryAfter; }
    // True once the server has checked our password (and proved it knows it).
    bool isAuthenticated() const { return m_authenticated; }
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
    // The connection failed or broke. disconnected() follows.
    void errorOccurred(const QString &message);
    void disconnected();

private:
    void setState(State state);
    void onConnected();
    void onReadyRead();
    void onSocketError(QAbstractSocket::SocketError error);
    void onDisconnected();
    void handleFrame(const Frame &frame);
    void handleHandshakeFrame(const QString &type, const Frame &frame);
    void answerChallenge(const QJsonObject &challenge);
    bool serverProofValid(const QJsonObject &welcome) const;
    void handleClassicReply(const Frame &frame);
    void sendExec(quint64 requestId, const QString &command);
    void sendNextClassic();
    void fail(const QString &message, ErrorKind kind = ErrorKind::Connection);
    void failAllCommands(const QString &message);

    QTcpSocket *m_socket = nullptr;
    FrameDecoder m_decoder;
    QTimer m_timeout; // connect and handshake deadlines
    Mode m_mode = Mode::Tincan;
    State m_state = State::Disconnected;
    QString m_host;
    quint16 m_port = 0;
    QString m_serverSoftware;
    QString m_serverEncoding;
    QString m_error;
    ErrorKind m_errorKind = ErrorKind::None;
    std::chrono::seconds m_retryAfter{0};
    QString m_password;
    // The PBKDF2 key costs a fraction of a second: keep it for reconnects to
    // the same salt and iteration count.
    struct DerivedKey
    {
        QByteArray salt;
        int iterations = 0;
        QByteArray key;
    };
    std::optional<DerivedKey> m_derivedKey;
    // This connection's login: both nonces and the key, to check the
    // server's proof in its welcome.
    QByteArray m_serverNonce;
    QByteArray m_clientNonce;
    QByteArray m_loginKey;
    bool m_authenticated = false;
    quint64 m_nextId = 1;
    // Sent to the server and not yet finished.
    std::set<quint64> m_pending;
    // Waiting for the connection (or, classic, for the previous reply).
    QQueue<std::pair<quint64, QString>> m_queued;
    std::optional<quint64> m_classicInFlight;
    bool m_errorReported = false;
};

} // namespace Tincan
