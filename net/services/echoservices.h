// The socket tutorial's upper-case echo servers, made to serve everyone at
// once: TCP (each chunk comes back upper-cased) and UDP (each datagram comes
// back upper-cased to its sender). Upper-casing is Python's bytes.upper():
// ASCII a-z only, every other byte unchanged.
#pragma once

#include "net/services/service.h"
#include "net/services/udppeertable.h"
#include "net/services/udpservice.h"

#include <QHostAddress>
#include <QObject>

#include <map>

class QTcpServer;
class QTcpSocket;
class QUdpSocket;

namespace Tincan {

// bytes.upper(): a-z to A-Z, all else (including UTF-8) as it is.
QByteArray asciiUpper(QByteArrayView bytes);

class EchoTcpServer final : public Service
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
    bool isListening() const override;
    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    QHostAddress address() const override { return serverAddress(); }
    quint16 port() const override { return serverPort(); }
    QString errorString() const override { return m_error; }
    int clientCount() const { return int(m_clients.size()); }
    void shutdown() override;
    bool canDisconnectClients() const override { return true; }
    // Disconnects one client at once.
    void disconnectClient(quint64 clientId) override;
    void setTrafficObserved(bool on) override { m_observeTraffic = on; }

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

class EchoUdpService final : public UdpService
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

    // A sender is a client from its first datagram (UDP has no connections).
    bool bind(const QHostAddress &address, quint16 port);
    void close() override;
    void setTrafficObserved(bool on) override { m_peers->setTrafficObserved(on); }

private:
    void readDatagrams() override;

    UdpPeerTable *m_peers;
};

} // namespace Tincan
