// One client of the console server, from its first byte to the reaping of
// its last command. It detects the client's protocol, then speaks either the
// framed Tincan protocol or the classic one-reply-per-command protocol.
#pragma once

#include "net/console/sessiondirectory.h"
#include "net/process/shellprocess.h"
#include "net/services/serviceevents.h"
#include "net/transfer/transferengine.h"
#include "net/wire/frame.h"
#include "net/wire/protocoldetector.h"

#include <QElapsedTimer>
#include <QJsonValue>
#include <QObject>
#include <QTimer>

#include <map>
#include <memory>

class QTcpSocket;

namespace Tincan {

class ConsoleServer;

class ConsoleConnection final : public QObject, private TransferChannel
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
    int transferCount() const { return m_transfers.count(); }

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
        QJsonValue requestId; // as the client sent it (framed) or null (classic)
        QString requestKey;   // printable form of requestId, for logs
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
    // A framed command that runs without a process (the built-in cd, or the
    // refusal when the session's directory is gone): started, output, exit.
    void finishWithoutProcess(const QJsonValue &requestId, const QString &commandLine,
                              const SessionDirectory::Outcome &outcome);
    void onOutput(quint64 key, OutputStream stream, const QByteArray &data);
    void onFinished(quint64 key, ProcessExit exit);
    void sendFrame(const QJsonObject &header, QByteArrayView payload = {});
    void sendError(QLatin1StringView code, const QString &message, const QJsonValue &requestId = QJsonValue());
    void protocolError(const QString &message);
    void terminateCommands();
    void updateFlowControl();
    void closeWhenIdle();
    void maybeClosed();

    // ---- file transfers (the engine does the work; net/transfer/transferengine.h) ----
    void sendTransferFrame(const QJsonObject &header, QByteArrayView payload) override;
    bool canSendData() const override;
    // The server's policy for a new transfer: its path, one writer per file.
    void handleUpload(const QJsonObject &header);
    void handleDownload(const QJsonObject &header);
    void handleTransferReady(const QJsonObject &header) { m_transfers.handleTransferReady(header); }
    void handleData(const Frame &frame) { m_transfers.handleData(frame); }
    void handleTransferDone(const QJsonObject &header) { m_transfers.handleTransferDone(header); }
    void handleTransferCancel(const QJsonObject &header) { m_transfers.handleTransferCancel(header); }
    void onTransferEnded(const TransferEngine::Ending &ending);
    // The connection is going: close every file (partial files stay for a resume).
    void closeTransfers();

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
    QByteArray m_serverNonce;  // of this connection's challenge; never reused
    bool m_closing = false;    // no new commands; close once the last is reaped
    bool m_socketGone = false; // disconnected
    bool m_outputPaused = false;
    bool m_inputPaused = false; // client sends faster than it reads
    bool m_closedEmitted = false;
    std::map<quint64, Command> m_commands; // by an internal key, in start order
    quint64 m_nextKey = 1;
    ClientInfo m_info;
    // The Tincan session's working directory (classic commands run in the
    // server's start directory).
    SessionDirectory m_directory;
    TransferEngine m_transfers{TransferEngine::Role::Server, this};
    quint64 m_nextTransferKey = 1;
};

} // namespace Tincan
