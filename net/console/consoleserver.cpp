#include "net/console/consoleserver.h"

#include "net/console/consoleconnection.h"
#include "net/console/outputencoding.h"

#include <QDir>
#include <QSocketNotifier>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <cerrno>
#include <functional>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Tincan {

namespace {
// Hands accepted connections over as descriptors, so that the server can look
// at a connection's first byte before anything reads it.
class DescriptorListener final : public QTcpServer
{
public:
    DescriptorListener(std::function<void(qintptr)> onAccepted, QObject *parent)
        : QTcpServer(parent)
        , m_onAccepted(std::move(onAccepted))
    {
    }

protected:
    void incomingConnection(qintptr descriptor) override { m_onAccepted(descriptor); }

private:
    std::function<void(qintptr)> m_onAccepted;
};

bool peerOf(qintptr descriptor, QHostAddress *address, quint16 *port)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return false;
    const QHostAddress peer(reinterpret_cast<const sockaddr *>(&storage));
    if (peer.isNull())
        return false;
    *address = peer;
    if (storage.ss_family == AF_INET)
        *port = ntohs(reinterpret_cast<const sockaddr_in *>(&storage)->sin_port);
    else
        *port = ntohs(reinterpret_cast<const sockaddr_in6 *>(&storage)->sin6_port);
    return true;
}

// The socket that takes over an accepted descriptor, or null (the descriptor
// is closed then).
template <typename Socket> Socket *socketFromDescriptor(qintptr descriptor, QObject *parent)
{
    auto socket = std::make_unique<Socket>(parent);
    if (!socket->setSocketDescriptor(descriptor)) {
        ::close(int(descriptor));
        return nullptr;
    }
    return socket.release();
}

// What the server's options say about the client at the other end of `socket`.
ConsoleConnection::Settings connectionSettings(const ConsoleServer &server, const QTcpSocket *socket)
{
    const QHostAddress peer = socket->peerAddress();
    ConsoleConnection::Settings settings;
    settings.login.peer = peer;
    if (const auto *tls = qobject_cast<const QSslSocket *>(socket))
        settings.login.encrypted = tls->isEncrypted();
    settings.login.tlsRequired = server.requiresTlsFrom(peer);
    settings.login.classicAccepted = server.acceptsClassicFrom(peer);
    settings.login.classicAllowed = server.options().classicAllowed;
    settings.login.password = server.options().password;
    settings.login.loginGraceTime = server.options().loginGraceTime;
    settings.login.outputEncoding = server.outputEncoding();
    settings.login.directory = server.startDirectory();
    settings.startDirectory = server.startDirectory();
    settings.classicReplyCap = server.options().classicReplyCap;
    settings.idleTimeout = server.options().idleTimeout;
    settings.allowAnyPath = server.options().allowAnyPath;
    return settings;
}

} // namespace

// A pending connection's notifier and timer may be let go from inside their
// own signals: they are stopped at once and deleted later.
struct LaterDeleter
{
    void operator()(QSocketNotifier *notifier) const
    {
        notifier->setEnabled(false);
        notifier->disconnect();
        notifier->deleteLater();
    }
    void operator()(QTimer *timer) const
    {
        timer->stop();
        timer->disconnect();
        timer->deleteLater();
    }
};

struct ConsoleServer::Pending
{
    qintptr descriptor = -1; // owned until a socket takes it
    QHostAddress peer;
    quint16 port = 0;
    QHostAddress source;
    std::unique_ptr<QSocketNotifier, LaterDeleter> notifier;
    std::unique_ptr<QTimer, LaterDeleter> timer;
    std::unique_ptr<QTimer, LaterDeleter> peekRetry; // while the first bytes are undecided
    bool startsLikeTls = false;                      // 16 or 16 03 has come, and no more yet
    QSslSocket *tls = nullptr;                       // during the handshake; a child of the server
};

ConsoleServer::ConsoleServer(QObject *parent)
    : Service(parent)
{
    qRegisterMetaType<Tincan::WireProtocol>();
    qRegisterMetaType<Tincan::ProcessExit>();
    qRegisterMetaType<Tincan::ClientInfo>();
    qRegisterMetaType<Tincan::TrafficDirection>();
}

ConsoleServer::~ConsoleServer()
{
    for (auto &[key, pending] : std::exchange(m_pending, {})) {
        pending->notifier.reset(); // before its descriptor is closed
        if (pending->descriptor >= 0)
            ::close(int(pending->descriptor));
        delete pending->tls;
    }
    // Connections own their commands; deleting them kills and reaps them.
    for (auto &[id, entry] : m_connections)
        delete entry.connection.data();
}

bool ConsoleServer::isLoopback(const QHostAddress &address)
{
    return SourcePenalties::normalized(address).isLoopback();
}

ConsoleServer::TlsPolicy ConsoleServer::resolvedTlsPolicy(TlsPolicy policy, bool hasPassword)
{
    if (policy == TlsPolicy::Auto)
        return hasPassword ? TlsPolicy::RequiredForRemote : TlsPolicy::Off;
    return policy;
}

bool ConsoleServer::requiresTlsFrom(const QHostAddress &peer) const
{
    return m_tlsPolicy == TlsPolicy::RequiredForRemote && !isLoopback(peer);
}

TlsFingerprint ConsoleServer::tlsFingerprint() const
{
    return isTlsEnabled() ? m_identity.fingerprint() : TlsFingerprint();
}

QString ConsoleServer::defaultTlsDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/tls");
}

bool ConsoleServer::acceptsClassicFrom(const QHostAddress &peer) const
{
    return m_options.classicAllowed && (m_options.insecure || isLoopback(peer));
}

std::chrono::milliseconds ConsoleServer::penaltyRemaining(const QHostAddress &peer) const
{
    return m_penalties.remaining(peer, SourcePenalties::Clock::now());
}

bool ConsoleServer::listen(const Options &options)
{
    Q_ASSERT(!m_listener);
    m_options = options;
    m_startDirectory = QDir::cleanPath(
        QDir(options.startDirectory.isEmpty() ? QDir::currentPath() : options.startDirectory).absolutePath());
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
    if (options.outputEncoding.isEmpty()) {
        m_outputEncoding = localeOutputEncoding();
    } else if (const auto usable = usableOutputEncoding(options.outputEncoding)) {
        m_outputEncoding = *usable;
    } else {
        m_error = tr("Unknown output encoding \"%1\": give a name such as UTF-8, GBK, GB18030, Big5 or ISO-8859-1.")
                      .arg(options.outputEncoding);
        return false;
    }
    SourcePenalties::Policy policy;
    policy.base = options.penaltyBase;
    policy.max = options.penaltyMax;
    policy.forgetAfter = options.penaltyForget;
    m_penalties.setPolicy(policy);
    m_tlsNotes.clear();
    m_identity = TlsIdentity();
    m_tlsPolicy = resolvedTlsPolicy(options.tls, !options.password.isNull());
    if (m_tlsPolicy != TlsPolicy::Off) {
        const QString directory = options.tlsDirectory.isEmpty() ? defaultTlsDirectory() : options.tlsDirectory;
        TlsIdentity identity;
        if (!identity.loadOrCreate(directory)) {
            if (m_tlsPolicy == TlsPolicy::RequiredForRemote) {
                m_error = tr("Cannot start TLS, which this server requires for clients on other machines: %1")
                              .arg(identity.errorString());
                m_tlsPolicy = TlsPolicy::Off;
                return false;
            }
            m_tlsNotes.append(tr("TLS is off: %1").arg(identity.errorString()));
            m_tlsPolicy = TlsPolicy::Off;
        } else {
            m_tlsNotes = identity.notes();
            if (identity.wasCreated())
                m_tlsNotes.append(tr("Made a new TLS identity in %1.").arg(QDir::toNativeSeparators(directory)));
            m_identity = identity;
        }
    }
    auto *listener = new DescriptorListener([this](qintptr descriptor) { acceptDescriptor(descriptor); }, this);
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

void ConsoleServer::acceptDescriptor(qintptr descriptor)
{
    QHostAddress peer;
    quint16 peerPort = 0;
    if (!peerOf(descriptor, &peer, &peerPort)) {
        ::close(int(descriptor)); // gone before it was seen
        return;
    }
    const QHostAddress source = SourcePenalties::normalized(peer);
    QString refusal;
    if (m_shuttingDown)
        refusal = tr("the server is shutting down");
    else if (connectionCount() + pendingConnectionCount() >= m_options.maxConnections)
        refusal = tr("too many connections (at most %1 at once)").arg(m_options.maxConnections);
    else if (m_connectionsPerAddress.value(source) >= m_options.maxConnectionsPerAddress)
        refusal = tr("too many connections from %1 (at most %2 at once)")
                      .arg(source.toString())
                      .arg(m_options.maxConnectionsPerAddress);
    if (!refusal.isEmpty()) {
        // Cut before a byte is read: the caps exist so that strangers
        // cannot make the server hold more.
        ::close(int(descriptor));
        Q_EMIT connectionRefused(0, peer, peerPort, refusal);
        return;
    }
    ++m_connectionsPerAddress[source];
    if (!isTlsEnabled()) {
        QTcpSocket *socket = socketFromDescriptor<QTcpSocket>(descriptor, this);
        if (!socket) {
            if (--m_connectionsPerAddress[source] <= 0)
                m_connectionsPerAddress.remove(source);
            return;
        }
        serve(socket, source);
        return;
    }
    auto pending = std::make_unique<Pending>();
    Pending *p = pending.get();
    p->descriptor = descriptor;
    p->peer = peer;
    p->port = peerPort;
    p->source = source;
    p->notifier.reset(new QSocketNotifier(descriptor, QSocketNotifier::Read));
    connect(p->notifier.get(), &QSocketNotifier::activated, this, [this, p] { onPendingReadable(p); });
    p->timer.reset(new QTimer);
    p->timer->setSingleShot(true);
    connect(p->timer.get(), &QTimer::timeout, this, [this, p] {
        p->peekRetry.reset();
        p->notifier.reset();
        // The start of a handshake record and no more: a TLS client that
        // stalls, refused when the grace time ends like any other.
        if (p->startsLikeTls) {
            startTls(p);
            return;
        }
        // Silent: not a TLS client. Served in plaintext, as without TLS.
        servePlaintext(p);
    });
    p->timer->start(std::min(TlsDetectionWindow, m_options.loginGraceTime));
    m_pending.emplace(p, std::move(pending));
}

ConsoleServer::FirstBytes ConsoleServer::classifyFirstBytes(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return FirstBytes::Undecided;
    if (quint8(bytes[0]) != TlsHandshakeRecord)
        return FirstBytes::Plaintext;
    if (bytes.size() >= 2 && quint8(bytes[1]) != 0x03)
        return FirstBytes::Plaintext;
    if (bytes.size() < 3)
        return FirstBytes::Undecided;
    const quint8 minor = quint8(bytes[2]);
    return minor >= 0x01 && minor <= 0x04 ? FirstBytes::Tls : FirstBytes::Plaintext;
}

void ConsoleServer::onPendingReadable(Pending *p)
{
    char first[3] = {};
    const ssize_t got = ::recv(int(p->descriptor), first, sizeof first, MSG_PEEK | MSG_DONTWAIT);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (got <= 0) {
        dropPending(p); // closed (or broken) before saying anything
        return;
    }
    const FirstBytes kind = classifyFirstBytes(QByteArrayView(first, got));
    if (kind == FirstBytes::Undecided) {
        // 16 or 16 03 so far: look again shortly. If nothing more comes
        // within the detection window, it is served in plaintext.
        p->startsLikeTls = true;
        p->notifier->setEnabled(false);
        if (!p->peekRetry) {
            p->peekRetry.reset(new QTimer);
            p->peekRetry->setSingleShot(true);
            connect(p->peekRetry.get(), &QTimer::timeout, this, [p] {
                if (p->notifier)
                    p->notifier->setEnabled(true);
            });
        }
        p->peekRetry->start(TlsPeekRetry);
        return;
    }
    p->peekRetry.reset();
    p->notifier.reset(); // a socket is about to watch the descriptor
    p->timer->stop();
    if (kind == FirstBytes::Tls) {
        startTls(p);
        return;
    }
    servePlaintext(p);
}

void ConsoleServer::startTls(Pending *p)
{
    QSslSocket *socket = socketFromDescriptor<QSslSocket>(std::exchange(p->descriptor, -1), this);
    if (!socket) {
        dropPending(p);
        return;
    }
    p->tls = socket;
    socket->setSslConfiguration(m_identity.serverConfiguration());
    // The handshake is part of the login: it gets the login grace time.
    p->timer->disconnect(this);
    connect(p->timer.get(), &QTimer::timeout, this, [this, p] {
        refusePending(p,
                      tr("The TLS handshake did not finish within %1.")
                          .arg(ConsoleLogin::describeDuration(m_options.loginGraceTime)));
    });
    p->timer->start(m_options.loginGraceTime);
    connect(socket, &QSslSocket::encrypted, this, [this, p] {
        QSslSocket *tls = std::exchange(p->tls, nullptr);
        tls->disconnect(this);
        servePending(p, tls);
    });
    // Reported once: the first of these ends the attempt.
    connect(socket, &QSslSocket::errorOccurred, this, [this, p](QAbstractSocket::SocketError) {
        refusePending(p, tr("The TLS handshake failed: %1").arg(p->tls ? p->tls->errorString() : QString()));
    });
    socket->startServerEncryption();
}

void ConsoleServer::servePlaintext(Pending *p)
{
    QTcpSocket *socket = socketFromDescriptor<QTcpSocket>(std::exchange(p->descriptor, -1), this);
    if (!socket) {
        dropPending(p);
        return;
    }
    servePending(p, socket);
}

void ConsoleServer::servePending(Pending *p, QTcpSocket *socket)
{
    const QHostAddress source = p->source;
    m_pending.erase(p); // the per-address count passes to the connection
    serve(socket, source);
}

void ConsoleServer::refusePending(Pending *p, const QString &reason)
{
    if (!m_pending.contains(p))
        return;
    const QHostAddress peer = p->peer;
    const quint16 port = p->port;
    dropPending(p);
    Q_EMIT connectionRefused(0, peer, port, reason);
}

void ConsoleServer::dropPending(Pending *p)
{
    const auto it = m_pending.find(p);
    if (it == m_pending.end())
        return;
    std::unique_ptr<Pending> pending = std::move(it->second);
    m_pending.erase(it);
    pending->notifier.reset(); // before its descriptor is closed
    if (pending->descriptor >= 0)
        ::close(int(pending->descriptor));
    if (pending->tls) {
        pending->tls->disconnect(this);
        pending->tls->abort();
        pending->tls->deleteLater(); // may be inside one of its signals
    }
    if (--m_connectionsPerAddress[pending->source] <= 0)
        m_connectionsPerAddress.remove(pending->source);
    checkShutdownDone();
}

void ConsoleServer::serve(QTcpSocket *socket, const QHostAddress &source)
{
    const quint64 id = m_nextClientId++;
    // A command's reply is several small frames (started, output, exit): with
    // Nagle's algorithm the last one waits for the client's delayed ACK,
    // about 40 ms a command (bench/console.sh, latency).
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    auto *connection
        = new ConsoleConnection(id, socket, connectionSettings(*this, socket), m_penalties, m_transferTargets, this);
    connection->setTrafficObserved(m_observeTraffic);
    m_connections.emplace(id, Entry{connection, source});
    // The connection's reports are the server's, with the client's id in them.
    connect(connection, &ConsoleConnection::protocolDetected, this, &ConsoleServer::clientProtocolDetected);
    connect(connection, &ConsoleConnection::updated, this, &ConsoleServer::clientUpdated);
    connect(connection, &ConsoleConnection::trafficObserved, this, &ConsoleServer::trafficObserved);
    connect(connection, &ConsoleConnection::commandStarted, this, &ConsoleServer::commandStarted);
    connect(connection, &ConsoleConnection::commandFinished, this, &ConsoleServer::commandFinished);
    connect(connection, &ConsoleConnection::protocolErrorOccurred, this, &ConsoleServer::protocolErrorOccurred);
    connect(connection, &ConsoleConnection::transferStarted, this, &ConsoleServer::transferStarted);
    connect(connection, &ConsoleConnection::transferFinished, this, &ConsoleServer::transferFinished);
    connect(connection, &ConsoleConnection::connectionRefused, this, &ConsoleServer::connectionRefused);
    connect(connection, &ConsoleConnection::authenticationSucceeded, this, &ConsoleServer::authenticationSucceeded);
    connect(connection, &ConsoleConnection::authenticationFailed, this, &ConsoleServer::authenticationFailed);
    // Queued: the connection may report closing from inside its own slots.
    connect(connection, &ConsoleConnection::closed, this, &ConsoleServer::onConnectionClosed, Qt::QueuedConnection);
    Q_EMIT clientConnected(connection->info());
    connection->start();
    if (m_shuttingDown)
        connection->shutdown();
}

void ConsoleServer::setTrafficObserved(bool on)
{
    m_observeTraffic = on;
    for (auto &[id, entry] : m_connections)
        if (entry.connection)
            entry.connection->setTrafficObserved(on);
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
    if (m_listener)
        m_listener->close();
    // Not yet clients: nothing to tell them.
    std::vector<Pending *> pending;
    for (const auto &[key, value] : m_pending)
        pending.push_back(key);
    for (Pending *p : pending)
        dropPending(p);
    m_shuttingDown = true;
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
    if (m_shuttingDown && m_connections.empty() && m_pending.empty())
        QMetaObject::invokeMethod(this, &ConsoleServer::shutdownFinished, Qt::QueuedConnection);
}

} // namespace Tincan
