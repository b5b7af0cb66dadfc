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
    for (auto &[id, entry] : m_connections)
        delete entry.connection.data();
}

bool ConsoleServer::isLoopback(const QHostAddress &address)
{
    return SourcePenalties::normalized(address).isLoopback();
}

bool ConsoleServer::acceptsClassicFrom(const QHostAddress &peer) const
{
    return m_options.classicAllowed && (m_options.insecure || isLoopback(peer));
}

std::chrono::milliseconds ConsoleServer::penaltyRemaining(const QHostAddress &peer) const
{
    return m_penalties.remaining(peer, SourcePenalties::Clock::now());
}

std::chrono::milliseconds ConsoleServer::recordAuthenticationFailure(const QHostAddress &peer)
{
    return m_penalties.recordFailure(peer, SourcePenalties::Clock::now());
}

void ConsoleServer::recordAuthenticationSuccess(const QHostAddress &peer)
{
    m_penalties.recordSuccess(peer);
}

bool ConsoleServer::listen(const Options &options)
{
    Q_ASSERT(!m_listener);
    m_options = options;
    if (options.maxConnections < 1 || options.maxConnectionsPerAddress < 1 || options.loginGraceTime.count() <= 0
        || options.penaltyBase.count() < 0 || options.penaltyMax < options.penaltyBase
        || options.idleTimeout.count() < 0) {
        m_error = tr("Invalid console options: connection limits and the login grace time must be positive, "
                     "and the longest penalty at least the first.");
        return false;
    }
    if (!isLoopback(options.address) && !options.insecure && options.password.isNull()) {
        m_error = tr("Refusing to listen on %1: the console runs shell commands for anyone who connects. "
                     "Set a password (--password-file), listen on 127.0.0.1, or pass --insecure to accept "
                     "the risk on a network you trust.")
                      .arg(options.address.toString());
        return false;
    }
    SourcePenalties::Policy policy;
    policy.base = options.penaltyBase;
    policy.max = options.penaltyMax;
    policy.forgetAfter = options.penaltyForget;
    m_penalties.setPolicy(policy);
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
    for (const auto &[id, entry] : m_connections)
        if (entry.connection)
            count += entry.connection->runningCommandCount();
    return count;
}

QList<ClientInfo> ConsoleServer::clients() const
{
    QList<ClientInfo> result;
    for (const auto &[id, entry] : m_connections)
        if (entry.connection)
            result.append(entry.connection->info());
    return result;
}

void ConsoleServer::killCommands(quint64 clientId)
{
    const auto it = m_connections.find(clientId);
    if (it != m_connections.end() && it->second.connection)
        it->second.connection->killCommands();
}

void ConsoleServer::disconnectClient(quint64 clientId)
{
    const auto it = m_connections.find(clientId);
    if (it != m_connections.end() && it->second.connection)
        it->second.connection->abort();
}

void ConsoleServer::acceptPending()
{
    while (QTcpSocket *socket = m_listener->nextPendingConnection()) {
        const QHostAddress peer = socket->peerAddress();
        const quint16 peerPort = socket->peerPort();
        const QHostAddress source = SourcePenalties::normalized(peer);
        QString refusal;
        if (m_shuttingDown)
            refusal = tr("the server is shutting down");
        else if (int(m_connections.size()) >= m_options.maxConnections)
            refusal = tr("too many connections (at most %1 at once)").arg(m_options.maxConnections);
        else if (m_connectionsPerAddress.value(source) >= m_options.maxConnectionsPerAddress)
            refusal = tr("too many connections from %1 (at most %2 at once)")
                          .arg(source.toString())
                          .arg(m_options.maxConnectionsPerAddress);
        if (!refusal.isEmpty()) {
            // Cut before a byte is read: the caps exist so that strangers
            // cannot make the server hold more.
            socket->abort();
            socket->deleteLater();
            Q_EMIT connectionRefused(0, peer, peerPort, refusal);
            continue;
        }
        const quint64 id = m_nextClientId++;
        auto *connection = new ConsoleConnection(id, socket, this);
        m_connections.emplace(id, Entry{connection, source});
        ++m_connectionsPerAddress[source];
        // Queued: the connection may report closing from inside its own slots.
        connect(connection, &ConsoleConnection::closed, this, &ConsoleServer::onConnectionClosed,
                Qt::QueuedConnection);
        Q_EMIT clientConnected(id, peer, peerPort);
        connection->start();
    }
}

void ConsoleServer::onConnectionClosed(quint64 clientId)
{
    auto it = m_connections.find(clientId);
    if (it == m_connections.end())
        return;
    if (it->second.connection)
        it->second.connection->deleteLater();
    const QHostAddress source = it->second.source;
    m_connections.erase(it);
    if (--m_connectionsPerAddress[source] <= 0)
        m_connectionsPerAddress.remove(source);
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
    for (auto &[id, entry] : m_connections)
        if (entry.connection)
            entry.connection->shutdown();
    // A client that stops reading must not hold the shutdown up forever.
    QTimer::singleShot(ShutdownDeadline, this, [this] {
        if (m_connections.empty())
            return;
        m_connectionsPerAddress.clear();
        for (auto &[id, entry] : std::exchange(m_connections, {})) {
            delete entry.connection.data(); // kills and reaps what is left
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
