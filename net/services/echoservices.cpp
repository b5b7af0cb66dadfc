#include "net/services/echoservices.h"

#include <QNetworkDatagram>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUdpSocket>

namespace Tincan {

namespace {
QString listenError(QAbstractSocket::SocketError error, const QHostAddress &address, quint16 port,
                    const QString &detail)
{
    if (error == QAbstractSocket::AddressInUseError)
        return EchoTcpServer::tr("TCP port %1 on %2 is already in use.").arg(port).arg(address.toString());
    return EchoTcpServer::tr("Cannot listen on TCP port %1 on %2: %3").arg(port).arg(address.toString(), detail);
}
} // namespace

QByteArray asciiUpper(QByteArrayView bytes)
{
    QByteArray upper(bytes.data(), bytes.size());
    for (char &c : upper)
        if (c >= 'a' && c <= 'z')
            c = char(c - ('a' - 'A'));
    return upper;
}

// ---- TCP --------------------------------------------------------------------

EchoTcpServer::EchoTcpServer(QObject *parent)
    : Service(parent)
{
}

EchoTcpServer::~EchoTcpServer()
{
    close();
}

bool EchoTcpServer::listen(const QHostAddress &address, quint16 port)
{
    close();
    auto *server = new QTcpServer(this);
    // QTcpServer sets SO_REUSEADDR on Unix: a restart binds again at once
    // even while old connections sit in TIME_WAIT.
    if (!server->listen(address, port)) {
        m_error = listenError(server->serverError(), address, port, server->errorString());
        delete server;
        return false;
    }
    m_server = server;
    connect(m_server, &QTcpServer::newConnection, this, &EchoTcpServer::acceptPending);
    return true;
}

void EchoTcpServer::close()
{
    for (auto &[id, client] : std::exchange(m_clients, {})) {
        client.socket->disconnect(this);
        client.socket->abort();
        client.socket->deleteLater();
        Q_EMIT clientDisconnected(id);
    }
    if (m_server) {
        m_server->close();
        m_server->deleteLater();
        m_server = nullptr;
    }
}

void EchoTcpServer::shutdown()
{
    close();
    Q_EMIT shutdownFinished();
}

bool EchoTcpServer::isListening() const
{
    return m_server && m_server->isListening();
}

quint16 EchoTcpServer::serverPort() const
{
    return m_server ? m_server->serverPort() : 0;
}

QHostAddress EchoTcpServer::serverAddress() const
{
    return m_server ? m_server->serverAddress() : QHostAddress();
}

void EchoTcpServer::acceptPending()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        const quint64 id = m_nextId++;
        socket->setParent(this);
        socket->setReadBufferSize(SocketReadBufferSize);
        Client &client = m_clients[id];
        client.socket = socket;
        client.info.id = id;
        client.info.address = socket->peerAddress();
        client.info.port = socket->peerPort();
        client.info.protocol = QStringLiteral("TCP");
        client.info.since = QDateTime::currentDateTime();
        connect(socket, &QTcpSocket::readyRead, this, [this, id] { echo(id); });
        connect(socket, &QTcpSocket::bytesWritten, this, [this, id] { echo(id); });
        // Both a clean close and a reset end here; the others go on.
        connect(socket, &QTcpSocket::disconnected, this, [this, id] { disconnectClient(id); });
        Q_EMIT clientConnected(client.info);
    }
}

void EchoTcpServer::echo(quint64 id)
{
    auto it = m_clients.find(id);
    if (it == m_clients.end())
        return;
    Client &client = it->second;
    if (client.socket->bytesToWrite() > MaxUnsentBytes)
        return; // resumed by bytesWritten once the client reads
    const QByteArray in = client.socket->read(SocketReadBufferSize);
    if (in.isEmpty())
        return;
    const QByteArray out = asciiUpper(in);
    client.socket->write(out);
    client.info.bytesIn += in.size();
    client.info.bytesOut += out.size();
    if (m_observeTraffic) {
        Q_EMIT trafficObserved(id, TrafficDirection::In, in);
        Q_EMIT trafficObserved(id, TrafficDirection::Out, out);
    }
    Q_EMIT clientUpdated(client.info);
    if (client.socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(
            this, [this, id] { echo(id); }, Qt::QueuedConnection);
}

void EchoTcpServer::disconnectClient(quint64 clientId)
{
    auto it = m_clients.find(clientId);
    if (it == m_clients.end())
        return;
    QTcpSocket *socket = it->second.socket;
    m_clients.erase(it);
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
    Q_EMIT clientDisconnected(clientId);
}

// ---- UDP --------------------------------------------------------------------

EchoUdpService::EchoUdpService(QObject *parent)
    : UdpService(parent)
    , m_peers(new UdpPeerTable(QStringLiteral("UDP"), this))
{
    connect(m_peers, &UdpPeerTable::clientConnected, this, &EchoUdpService::clientConnected);
    connect(m_peers, &UdpPeerTable::clientUpdated, this, &EchoUdpService::clientUpdated);
    connect(m_peers, &UdpPeerTable::clientDisconnected, this, &EchoUdpService::clientDisconnected);
    connect(m_peers, &UdpPeerTable::trafficObserved, this, &EchoUdpService::trafficObserved);
}

EchoUdpService::~EchoUdpService()
{
    close();
}

bool EchoUdpService::bind(const QHostAddress &address, quint16 port)
{
    return bindSocket(address, port);
}

void EchoUdpService::close()
{
    m_peers->clear();
    UdpService::close();
}

void EchoUdpService::readDatagrams()
{
    receivePending(MaxDatagramsPerWakeup, [this](const QNetworkDatagram &datagram) {
        const QByteArray in = datagram.data();
        const QByteArray out = asciiUpper(in);
        const QHostAddress sender = datagram.senderAddress();
        const auto senderPort = quint16(datagram.senderPort());
        socket()->writeDatagram(out, sender, senderPort);
        m_peers->recordExchange(sender, senderPort, in, out);
    });
}

} // namespace Tincan
