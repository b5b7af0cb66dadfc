#include "consoleserver.h"

#include "consoleconnection.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace Tincan {

ConsoleServer::ConsoleServer(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<Tincan::WireProtocol>();
    qRegisterMetaType<Tincan::ProcessExit>();
    qRegisterMetaType<Tincan::ClientInfo>();
    qRegisterMetaType<Tincan::TrafficDirection>();
}

ConsoleServer::~ConsoleServer()
{
    // Connections own their commands; deleting them kills and reaps them.
    for (auto &[id, connection] : m_connections)
        delete connection.data();
}

bool ConsoleServer::isLoopback(const QHostAddress &address)
{
    return address.isLoopback();
}

bool ConsoleServer::listen(const Options &options)
{
    Q_ASSERT(!m_listener);
    m_options = options;
    if (!isLoopback(options.address) && !options.insecure) {
        m_error = tr("Refusing to listen on %1: the console runs shell commands for anyone who connects, "
                     "and has no authentication yet. Listen on 127.0.0.1, or pass --insecure to accept "
                     "the risk on a network you trust.")
                      .arg(options.address.toString());
        return false;
    }
    auto *listener = new QTcpServer(this);
    if (!listener->listen(options.address, options.port)) {
        m_error = listener->serverError() == QAbstractSocket::AddressInUseError
                      ? tr("Cannot listen on %1 port %2: the port is already in use.")
                            .arg(options.address.toString())
                            .arg(options.port)
                      : tr("Cannot listen on %1 port %2: %3")
                            .arg(options.address.toString())
                            .arg(options.port)
                            .arg(listener->errorString());
        delete listener;
        return false;
    }
    m_listener = listener;
    connect(m_listener, &QTcpServer::newConnection, this, &ConsoleServer::acceptPending);
    return true;
}

bool ConsoleServer::isListening() const
{
    return m_listener && m_listener->isListening();
}

QHostAddress ConsoleServer::serverAddress() const
{
    return m_listener ? m_listener->serverAddress() : QHostAddress();
}

quint16 ConsoleServer::serverPort() const
{
    return m_listener ? m_listener->serverPort() : 0;
}

int ConsoleServer::runningCommandCount() const
{
    int count = 0;
    for (const auto &[id, connection] : m_connections)
        if (connection)
            count += connection->runningCommandCount();
    return count;
}

QList<ClientInfo> ConsoleServer::clients() const
{
    QList<ClientInfo> result;
    for (const auto &[id, connection] : m_connections)
        if (connection)
            result.append(connection->info());
    return result;
}

void ConsoleServer::killCommands(quint64 clientId)
{
    const auto it = m_connections.find(clientId);
    if (it != m_connections.end() && it->second)
        it->second->killCommands();
}

void ConsoleServer::disconnectClient(quint64 clientId)
{
    const auto it = m_connections.find(clientId);
    if (it != m_connections.end() && it->second)
        it->second->abort();
}

void ConsoleServer::acceptPending()
{
    while (QTcpSocket *socket = m_listener->nextPendingConnection()) {
        if (m_shuttingDown) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        const quint64 id = m_nextClientId++;
        auto *connection = new ConsoleConnection(id, socket, this);
        m_connections.emplace(id, connection);
        // Queued: the connection may report closing from inside its own slots.
        connect(connection, &ConsoleConnection::closed, this, &ConsoleServer::onConnectionClosed,
                Qt::QueuedConnection);
        Q_EMIT clientConnected(id, socket->peerAddress(), socket->peerPort());
    }
}

void ConsoleServer::onConnectionClosed(quint64 clientId)
{
    auto it = m_connections.find(clientId);
    if (it == m_connections.end())
        return;
    if (it->second)
        it->second->deleteLater();
    m_connections.erase(it);
    Q_EMIT clientDisconnected(clientId);
    checkShutdownDone();
}

void ConsoleServer::shutdown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    if (m_listener)
        m_listener->close();
    for (auto &[id, connection] : m_connections)
        if (connection)
            connection->shutdown();
    // A client that stops reading must not hold the shutdown up forever.
    QTimer::singleShot(ShutdownDeadline, this, [this] {
        if (m_connections.empty())
            return;
        for (auto &[id, connection] : std::exchange(m_connections, {})) {
            delete connection.data(); // kills and reaps what is left
            Q_EMIT clientDisconnected(id);
        }
        checkShutdownDone();
    });
    checkShutdownDone();
}

void ConsoleServer::checkShutdownDone()
{
    if (m_shuttingDown && m_connections.empty())
        QMetaObject::invokeMethod(this, &ConsoleServer::shutdownFinished, Qt::QueuedConnection);
}

} // namespace Tincan
