// The socket tutorial's upper-case echo servers, made to serve everyone at
// once: TCP (each chunk comes back upper-cased) and UDP (each datagram comes
// back upper-cased to its sender). Upper-casing is Python's bytes.upper():
// ASCII a-z only, every other byte unchanged.
#pragma once

#include "net/services/serviceevents.h"
#include "net/services/udppeertable.h"

#include <QHostAddress>
#include <QObject>

#include <map>

class QTcpServer;
class QTcpSocket;
class QUdpSocket;

namespace Tincan {

// bytes.upper(): a-z to A-Z, all else (including UTF-8) as it is.
QByteArray asciiUpper(QByteArrayView bytes);

class EchoTcpServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EchoTcpServer)

public:
    static constexpr quint16 DefaultPort = 8080;
    // A client that does not read its echoes is not read either, past this.
    static constexpr qint64 MaxUnsentBytes = 1024 * 1024;
    static constexpr qint64 SocketReadBufferSize = 64 * 1024;

    explicit EchoTcpServer(QObject *parent = nullptr);
    ~EchoTcpServer() override;

    bool listen(const QHostAddress &address, quint16 port);
    void close();
    bool isListening() const;
    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    QString errorString() const { return m_error; }
    int clientCount() const { return int(m_clients.size()); }
    // Disconnects one client at once.
    void disconnectClient(quint64 clientId);
    // Emit trafficObserved (costs a copy of every byte; off by default).
    void setTrafficObserved(bool on) { m_observeTraffic = on; }

Q_SIGNALS:
    void clientConnected(const Tincan::ClientInfo &client);
    void clientUpdated(const Tincan::ClientInfo &client);
    void clientDisconnected(quint64 clientId);
    void trafficObserved(quint64 clientId, Tincan::TrafficDirection direction, const QByteArray &bytes);

private:
    struct Client
    {
        QTcpSocket *socket = nullptr;
        ClientInfo info;
    };
    void acceptPending();
    void echo(quint64 id);

    QTcpServer *m_server = nullptr;
    std::map<quint64, Client> m_clients;
    quint64 m_nextId = 1;
    bool m_observeTraffic = false;
    QString m_error;
};

class EchoUdpService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EchoUdpService)

public:
    static constexpr quint16 DefaultPort = 9000;
    static constexpr int MaxDatagramsPerWakeup = 256;
    // Senders shown as clients; the oldest are forgotten past this.
    static constexpr int MaxPeersRemembered = UdpPeerTable::DefaultMaxPeers;

    explicit EchoUdpService(QObject *parent = nullptr);
    ~EchoUdpService() override;

    bool bind(const QHostAddress &address, quint16 port);
    void close();
    bool isBound() const;
    quint16 localPort() const;
    QHostAddress localAddress() const;
    QString errorString() const { return m_error; }
    void setTrafficObserved(bool on) { m_peers->setTrafficObserved(on); }

Q_SIGNALS:
    // A sender heard from for the first time (UDP has no connections).
    void clientConnected(const Tincan::ClientInfo &client);
    void clientUpdated(const Tincan::ClientInfo &client);
    void clientDisconnected(quint64 clientId);
    void trafficObserved(quint64 clientId, Tincan::TrafficDirection direction, const QByteArray &bytes);

private:
    void readDatagrams();

    QUdpSocket *m_socket = nullptr;
    UdpPeerTable *m_peers;
    QString m_error;
};

} // namespace Tincan
