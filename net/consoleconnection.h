// One client of the console server, from its first byte to the reaping of
// its last command. It detects the client's protocol, then speaks either the
// framed Tincan protocol or the classic one-reply-per-command protocol.
#pragma once

#include "frame.h"
#include "protocoldetector.h"
#include "serviceevents.h"
#include "shellprocess.h"

#include <QElapsedTimer>
#include <QJsonValue>
#include <QObject>
#include <QTimer>

#include <map>
#include <memory>

class QTcpSocket;

namespace Tincan {

class ConsoleServer;

class ConsoleConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleConnection)

public:
    // The socket stays a QTcpSocket pointer so that a QSslSocket can take its place.
    ConsoleConnection(quint64 id, QTcpSocket *socket, ConsoleServer *server);
    ~ConsoleConnection() override;

    // Starts the login clock and reads what has already arrived; called once
    // the server has announced the client.
    void start();

    quint64 id() const { return m_id; }
    WireProtocol protocol() const { return m_protocol; }
    int runningCommandCount() const { return int(m_commands.size()); }

    // Server shutdown: terminate commands, report them, then close.
    void shutdown();
    // Terminates the running commands; the connection stays.
    void killCommands();
    // Cuts the connection now (its commands are terminated).
    void abort();
    const ClientInfo &info() const { return m_info; }
    // Logged in (or, with no password, greeted), or a classic client that is served.
    bool isEstablished() const { return m_stage == Stage::Established; }

Q_SIGNALS:
    // The socket is closed and every command has been reaped.
    void closed(quint64 id);

private:
    enum class Stage {
        Greeting,       // no hello yet (or, classic: protocol not decided)
        Authenticating, // auth_challenge sent, waiting for auth
        Established,    // commands may run
    };

    struct Command
    {
        QJsonValue requestId;  // as the client sent it (framed) or null (classic)
        QString requestKey;    // printable form of requestId, for logs
        QString commandLine;
        std::unique_ptr<ShellProcess> process;
        QElapsedTimer elapsed;
        // Classic only: the reply is buffered, since its size goes first.
        QByteArray classicStdout;
        QByteArray classicStderr;
        qint64 classicDropped = 0;
    };

    void onReadyRead();
    // Reads (at most maxSize bytes, or all) and accounts for them.
    QByteArray readSocket(qint64 maxSize = -1);
    void onDisconnected();
    void decideProtocol(WireProtocol protocol);
    void processFramedInput();
    void handleMessage(const Frame &frame);
    void handleHello(const QJsonObject &header);
    void handleAuth(const QJsonObject &header);
    void sendWelcome(const QByteArray &serverProof = {});
    // Commands may run from now on: roomier limits, the idle clock.
    void enterEstablished();
    void onLoginGraceExpired();
    void onIdleTimeout();
    // Turns the client away for policy: reports it, tells a framed client
    // (with `code` and any extra header fields), closes.
    void refuse(const QString &reason, QLatin1StringView code = {}, const QJsonObject &extra = {});
    void refusePenalized(std::chrono::milliseconds wait);
    void refuseClassic();
    void handleExec(const QJsonObject &header);
    void handleCancel(const QJsonObject &header);
    void processClassicInput();
    bool startCommand(quint64 key, const QJsonValue &requestId, const QString &commandLine);
    void onOutput(quint64 key, OutputStream stream, const QByteArray &data);
    void onFinished(quint64 key, ProcessExit exit);
    void sendFrame(const QJsonObject &header, QByteArrayView payload = {});
    void sendError(QLatin1StringView code, const QString &message, const QJsonValue &requestId = QJsonValue());
    void protocolError(const QString &message);
    void terminateCommands();
    void updateFlowControl();
    void closeWhenIdle();
    void maybeClosed();

    const quint64 m_id;
    QTcpSocket *m_socket;
    ConsoleServer *m_server;
    WireProtocol m_protocol = WireProtocol::Undecided;
    QByteArray m_detectBuffer;
    QByteArray m_classicInput;
    FrameDecoder m_decoder;
    QTimer m_decisionTimer;
    QTimer m_graceTimer; // the login must be over before it fires
    QTimer m_idleTimer;  // only with Options::idleTimeout
    Stage m_stage = Stage::Greeting;
    QByteArray m_serverNonce; // of this connection's challenge; never reused
    bool m_closing = false;     // no new commands; close once the last is reaped
    bool m_socketGone = false;  // disconnected
    bool m_outputPaused = false;
    bool m_inputPaused = false;  // client sends faster than it reads
    bool m_closedEmitted = false;
    std::map<quint64, Command> m_commands; // by an internal key, in start order
    quint64 m_nextKey = 1;
    ClientInfo m_info;
};

} // namespace Tincan
