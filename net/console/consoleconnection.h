// One client of the console server, from its first byte to the reaping of
// its last command: the composition of its transport (socket, frames, flow
// control), its login, its command runner (framed or classic) and its file
// transfers. It reports through its own signals, which ConsoleServer forwards.
#pragma once

#include "net/console/consolelogin.h"
#include "net/console/sessiondirectory.h"
#include "net/process/shellprocess.h"
#include "net/services/serviceevents.h"
#include "net/transfer/transferengine.h"
#include "net/wire/frame.h"
#include "net/wire/protocoldetector.h"

#include <QJsonValue>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <map>
#include <memory>

class QTcpSocket;

namespace Tincan {

class ClassicCommandRunner;
class CommandRunner;
class ConsoleTransport;
class FramedCommandRunner;

class ConsoleConnection final : public QObject, private TransferChannel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleConnection)

public:
    // What the server's options say about this connection.
    struct Settings
    {
        ConsoleLogin::Settings login;
        // Where classic commands run (a Tincan session starts there too).
        QString startDirectory;
        qint64 classicReplyCap = 0;
        // Zero: never closed for idleness.
        std::chrono::milliseconds idleTimeout{0};
        bool allowAnyPath = false;
    };

    // The socket stays a QTcpSocket pointer so that a QSslSocket can take its
    // place. `penalties` (failed logins) and `transferTargets` (files being
    // received) are the server's, shared by all its connections.
    ConsoleConnection(quint64 id, QTcpSocket *socket, Settings settings, SourcePenalties &penalties,
                      QSet<QString> &transferTargets, QObject *parent);
    ~ConsoleConnection() override;

    // Starts the login clock and reads what has already arrived; called once
    // the server has announced the client.
    void start();

    quint64 id() const { return m_id; }
    WireProtocol protocol() const;
    int runningCommandCount() const;
    int transferCount() const { return m_transfers.count(); }
    // Whether trafficObserved() is emitted (copies of every byte).
    void setTrafficObserved(bool on) { m_observeTraffic = on; }

    // Server shutdown: terminate commands, report them, then close.
    void shutdown();
    // Terminates the running commands; the connection stays.
    void killCommands();
    // Cuts the connection now (its commands are terminated).
    void abort();
    const ClientInfo &info() const { return m_info; }
    // Logged in (or, with no password, greeted), or a classic client that is served.
    bool isEstablished() const { return m_login.isEstablished(); }

Q_SIGNALS:
    // The same events as ConsoleServer's signals of these names, for this client.
    void protocolDetected(quint64 clientId, Tincan::WireProtocol protocol);
    void updated(const Tincan::ClientInfo &client);
    void trafficObserved(quint64 clientId, Tincan::TrafficDirection direction, const QByteArray &bytes);
    void commandStarted(quint64 clientId, const QString &requestId, const QString &command, qint64 pid);
    void commandFinished(quint64 clientId, const QString &requestId, Tincan::ProcessExit exit);
    void protocolErrorOccurred(quint64 clientId, const QString &message);
    void transferStarted(quint64 clientId, const QString &transferId, bool upload, const QString &path, qint64 size);
    void transferFinished(quint64 clientId, const QString &transferId, bool ok, const QString &message);
    void connectionRefused(quint64 clientId, const QHostAddress &address, quint16 port, const QString &reason);
    void authenticationSucceeded(quint64 clientId, const QHostAddress &address);
    void authenticationFailed(quint64 clientId, const QHostAddress &address, const QString &reason, qint64 penaltyMs);
    // The socket is closed and every command has been reaped.
    void closed(quint64 id);

private:
    void onProtocolDecided(WireProtocol protocol, const QByteArray &firstBytes);
    void onFrame(const Frame &frame);
    void onActivity();
    void onBytes(TrafficDirection direction, const QByteArray &bytes);
    void onDisconnected();
    // Does what the login said.
    void apply(const ConsoleLogin::Step &step);
    // Commands may run from now on: roomier limits, the idle clock.
    void enterEstablished();
    void makeRunner(WireProtocol protocol);
    void onLoginGraceExpired();
    void onIdleTimeout();
    void onRunningChanged();
    // Turns the client away for policy: reports it, tells a framed client
    // (`header`, when not empty), closes.
    void refuse(const QString &reason, const QJsonObject &header = {}, const QByteArray &payload = {});
    void sendFrame(const QJsonObject &header, QByteArrayView payload = {});
    void sendError(QLatin1StringView code, const QString &message, const QJsonValue &requestId = QJsonValue());
    void protocolError(const QString &message);
    void closeWhenIdle();
    void maybeClosed();
    bool socketGone() const;

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
    const Settings m_settings;
    ConsoleTransport *m_transport; // a child
    ConsoleLogin m_login;
    // Children, made once the login is over: the runner of the connection's
    // protocol (m_runner is whichever of the two it is).
    CommandRunner *m_runner = nullptr;
    FramedCommandRunner *m_framed = nullptr;
    ClassicCommandRunner *m_classic = nullptr;
    QTimer m_graceTimer;    // the login must be over before it fires
    QTimer m_idleTimer;     // only with Settings::idleTimeout
    bool m_closing = false; // no new commands; close once the last is reaped
    bool m_closedEmitted = false;
    bool m_observeTraffic = false;
    ClientInfo m_info;
    // The Tincan session's working directory (classic commands run in the
    // server's start directory).
    SessionDirectory m_directory;
    QSet<QString> &m_transferTargets; // the server's: files being received, on any connection
    TransferEngine m_transfers{TransferEngine::Role::Server, this};
    quint64 m_nextTransferKey = 1;
};

} // namespace Tincan
