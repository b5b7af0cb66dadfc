// The console server: runs shell commands for Tincan (framed) clients and for
// the socket tutorial's classic clients, on one port. See docs/PROTOCOL.md.
#pragma once

#include "protocoldetector.h"
#include "serviceevents.h"
#include "shellprocess.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>

#include <chrono>
#include <map>

class QTcpServer;

namespace Tincan {

class ConsoleConnection;

class ConsoleServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleServer)

public:
    // After shutdown() starts, connections still open this long are aborted.
    static constexpr std::chrono::milliseconds ShutdownDeadline{5000};

    struct Options
    {
        QHostAddress address = QHostAddress(QHostAddress::LocalHost);
        quint16 port = 8082;
        // Allow a non-loopback address with no authentication (a lab override).
        bool insecure = false;
        // Classic replies are buffered up to this many bytes, then truncated.
        qint64 classicReplyCap = 64 * 1024 * 1024;
    };

    explicit ConsoleServer(QObject *parent = nullptr);
    ~ConsoleServer() override;

    // Starts listening. False with errorString() set when the address is
    // refused by policy or the port cannot be bound.
    bool listen(const Options &options);
    bool isListening() const;
    QHostAddress serverAddress() const;
    quint16 serverPort() const;
    QString errorString() const { return m_error; }
    const Options &options() const { return m_options; }

    int connectionCount() const { return int(m_connections.size()); }
    QList<ClientInfo> clients() const;
    // Terminates a client's running commands (the server window's Kill).
    void killCommands(quint64 clientId);
    // Cuts a client's connection; its commands are terminated.
    void disconnectClient(quint64 clientId);
    // Emit trafficObserved (costs a copy of every byte; off by default).
    void setTrafficObserved(bool on) { m_observeTraffic = on; }
    int runningCommandCount() const;

    // Stops accepting, terminates every running command (SIGTERM, then SIGKILL
    // after a grace), tells the clients, closes their connections, and emits
    // shutdownFinished() once every command is reaped.
    void shutdown();

    // True for addresses that only this machine can reach.
    static bool isLoopback(const QHostAddress &address);

Q_SIGNALS:
    void clientConnected(quint64 clientId, const QHostAddress &address, quint16 port);
    void clientProtocolDetected(quint64 clientId, Tincan::WireProtocol protocol);
    void clientDisconnected(quint64 clientId);
    // Bytes counted, protocol detected, or the running command changed.
    void clientUpdated(const Tincan::ClientInfo &client);
    void trafficObserved(quint64 clientId, Tincan::TrafficDirection direction, const QByteArray &bytes);
    void commandStarted(quint64 clientId, const QString &requestId, const QString &command, qint64 pid);
    void commandFinished(quint64 clientId, const QString &requestId, Tincan::ProcessExit exit);
    void protocolErrorOccurred(quint64 clientId, const QString &message);
    void shutdownFinished();

private:
    void acceptPending();
    void onConnectionClosed(quint64 clientId);
    void checkShutdownDone();

    friend class ConsoleConnection;
    QTcpServer *m_listener = nullptr;
    Options m_options;
    std::map<quint64, QPointer<ConsoleConnection>> m_connections;
    quint64 m_nextClientId = 1;
    bool m_shuttingDown = false;
    bool m_observeTraffic = false;
    QString m_error;
};

} // namespace Tincan

Q_DECLARE_METATYPE(Tincan::WireProtocol)
