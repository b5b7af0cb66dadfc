#include "models/server/serverhub.h"

#include "chat/chatcontroller.h"
#include "net/console/consoleserver.h"
#include "net/services/echoservices.h"
#include "net/services/udpcommandservice.h"

#include <type_traits>

namespace Tincan {

using Severity = EventLogModel::Severity;

namespace {
QString endpoint(const QHostAddress &address, quint16 port)
{
    const QString host = address.toString();
    return (address.protocol() == QAbstractSocket::IPv6Protocol ? QLatin1Char('[') + host + QLatin1Char(']') : host)
        + QLatin1Char(':') + QString::number(port);
}
} // namespace

quint16 ServerHub::defaultPort(ServiceKind kind)
{
    switch (kind) {
    case ServiceKind::Console:
        return ConsoleServer::Options{}.port;
    case ServiceKind::Chat:
        return ChatEndpoint::DefaultPort;
    case ServiceKind::EchoTcp:
        return EchoTcpServer::DefaultPort;
    case ServiceKind::EchoUdp:
        return EchoUdpService::DefaultPort;
    case ServiceKind::UdpCommands:
        return UdpCommandService::DefaultPort;
    }
    return 0;
}

bool ServerHub::runsCommands(ServiceKind kind)
{
    return kind == ServiceKind::Console || kind == ServiceKind::UdpCommands;
}

ServerHub::ServerHub(QObject *parent)
    : QObject(parent)
    , m_clients(new ClientTableModel(this))
    , m_log(new EventLogModel(this))
{
    connect(m_clients, &ClientTableModel::clientForgotten, this,
            [this](const ClientRef &ref) { m_traffic.erase(ref); });
}

ServerHub::~ServerHub()
{
    // The services report their clients' disconnection while they are
    // destroyed; by then this object's members are gone, so stop listening first.
    for (QObject *child : children())
        if (child != m_clients && child != m_log)
            child->disconnect(this);
}

bool ServerHub::start(ServiceKind kind, const ServiceConfig &config)
{
    Service &service = m_services[index(kind)];
    if (service.state == State::Listening)
        return true;
    if (service.state == State::Stopping && service.object) {
        // The old console finishes its shutdown on its own; its clients keep their old run.
        service.object = nullptr;
    }
    const QString name = ServiceNames::name(kind);
    QHostAddress address;
    if (!address.setAddress(config.address.trimmed())) {
        const QString error = tr("“%1” is not an IP address.").arg(config.address.trimmed());
        setState(kind, State::Failed, error);
        note(Severity::Error, tr("%1: %2").arg(name, error));
        return false;
    }

    if (kind == ServiceKind::Chat)
        return startChat(service, address, config.port);

    service.run = m_nextRun++;
    bool ok = false;
    switch (kind) {
    case ServiceKind::Console:
        ok = startConsole(service, address, config);
        break;
    case ServiceKind::Chat:
        break;
    case ServiceKind::EchoTcp:
        ok = startEchoTcp(service, address, config.port);
        break;
    case ServiceKind::EchoUdp:
        ok = startEchoUdp(service, address, config.port);
        break;
    case ServiceKind::UdpCommands:
        ok = startUdpCommands(service, address, config);
        break;
    }
    if (!ok) {
        note(Severity::Error, tr("%1 could not start: %2").arg(name, service.error));
        setState(kind, State::Failed, service.error);
        return false;
    }
    service.address = address;
    connectCommon(kind, service.object, service.run);
    setState(kind, State::Listening);
    note(Severity::Info, tr("%1: listening on %2").arg(name, endpoint(address, port(kind))));
    const bool loggedIn = kind == ServiceKind::Console && !config.password.isNull();
    if (loggedIn)
        note(Severity::Info, tr("%1: clients must log in with the console password").arg(name));
    if (kind == ServiceKind::Console) {
        const auto *console = static_cast<const ConsoleServer *>(service.object.data());
        for (const QString &line : console->tlsNotes())
            note(Severity::Info, tr("%1: %2").arg(name, line));
        if (console->isTlsEnabled())
            note(Severity::Info,
                 tr("%1: TLS fingerprint %2 (clients from other machines must use TLS)")
                     .arg(name, console->tlsFingerprint().toString()));
    }
    if (runsCommands(kind) && !ConsoleServer::isLoopback(address) && !loggedIn) {
        note(Severity::Warning,
             tr("WARNING: %1 accepts commands from other machines on %2 with no authentication: anyone who can "
                "reach this address can run any command as you.")
                 .arg(name, endpoint(address, port(kind))));
    }
    return true;
}

bool ServerHub::startConsole(Service &service, const QHostAddress &address, const ServiceConfig &config)
{
    auto *server = new ConsoleServer(this);
    ConsoleServer::Options options;
    options.address = address;
    options.port = config.port;
    options.insecure = config.insecure;
    options.password = config.password;
    if (!server->listen(options)) {
        service.error = server->errorString();
        delete server;
        return false;
    }
    server->setTrafficObserved(m_observeTraffic);
    const quint64 run = service.run;
    constexpr auto kind = ServiceKind::Console;
    connect(server, &ConsoleServer::clientConnected, this,
            [this, run](quint64 id, const QHostAddress &peer, quint16 peerPort) {
                ClientInfo info;
                info.id = id;
                info.address = peer;
                info.port = peerPort;
                info.since = QDateTime::currentDateTime();
                onClientConnected({kind, run, id}, info);
            });
    connect(server, &ConsoleServer::commandStarted, this,
            [this, run](quint64 id, const QString &requestId, const QString &command, qint64 pid) {
                note(Severity::Info,
                     tr("%1: command %2 started (pid %3): %4")
                         .arg(describe({kind, run, id}), requestId, QString::number(pid), command));
            });
    connect(server, &ConsoleServer::commandFinished, this,
            [this, run](quint64 id, const QString &requestId, const ProcessExit &exit) {
                note(Severity::Info, tr("%1: command %2 %3").arg(describe({kind, run, id}), requestId, exitText(exit)));
            });
    connect(server, &ConsoleServer::transferStarted, this,
            [this, run](quint64 id, const QString &transferId, bool upload, const QString &path, qint64 size) {
                note(Severity::Info,
                     (upload ? tr("%1: transfer %2: receiving %3 (%4 bytes)")
                             : tr("%1: transfer %2: sending %3 (%4 bytes)"))
                         .arg(describe({kind, run, id}), transferId, path, QString::number(size)));
            });
    connect(server, &ConsoleServer::transferFinished, this,
            [this, run](quint64 id, const QString &transferId, bool ok, const QString &message) {
                if (ok)
                    note(Severity::Info, tr("%1: transfer %2 done").arg(describe({kind, run, id}), transferId));
                else
                    note(Severity::Warning,
                         tr("%1: transfer %2 ended: %3").arg(describe({kind, run, id}), transferId, message));
            });
    connect(server, &ConsoleServer::connectionRefused, this,
            [this, run](quint64 id, const QHostAddress &peer, quint16 peerPort, const QString &reason) {
                const QString who = id != 0 && m_clients->rowOf({kind, run, id}) >= 0
                    ? describe({kind, run, id})
                    : tr("%1 client %2").arg(ServiceNames::name(kind), endpoint(peer, peerPort));
                note(Severity::Warning, tr("%1: refused: %2").arg(who, reason));
            });
    connect(server, &ConsoleServer::authenticationSucceeded, this, [this, run](quint64 id, const QHostAddress &) {
        note(Severity::Info, tr("%1: logged in").arg(describe({kind, run, id})));
    });
    connect(server, &ConsoleServer::authenticationFailed, this,
            [this, run](quint64 id, const QHostAddress &, const QString &reason, qint64 penaltyMs) {
                note(Severity::Warning,
                     penaltyMs > 0 ? tr("%1: login failed (%2); its address now waits %3 s")
                                         .arg(describe({kind, run, id}), reason)
                                         .arg(double(penaltyMs) / 1000.0, 0, 'f', 1)
                                   : tr("%1: login failed (%2)").arg(describe({kind, run, id}), reason));
            });
    connect(server, &ConsoleServer::protocolErrorOccurred, this, [this, run](quint64 id, const QString &message) {
        note(Severity::Warning, tr("%1: protocol error: %2").arg(describe({kind, run, id}), message));
    });
    connect(server, &ConsoleServer::shutdownFinished, this, [this, server, run] {
        server->deleteLater();
        m_clients->markRunEnded(kind, run);
        Service &current = m_services[index(kind)];
        if (current.run == run && current.state == State::Stopping) {
            current.object = nullptr;
            setState(kind, State::Stopped);
            note(Severity::Info, tr("%1: stopped").arg(ServiceNames::name(kind)));
        }
    });
    service.object = server;
    return true;
}

bool ServerHub::startEchoTcp(Service &service, const QHostAddress &address, quint16 port)
{
    auto *server = new EchoTcpServer(this);
    if (!server->listen(address, port)) {
        service.error = server->errorString();
        delete server;
        return false;
    }
    server->setTrafficObserved(m_observeTraffic);
    service.object = server;
    return true;
}

bool ServerHub::startEchoUdp(Service &service, const QHostAddress &address, quint16 port)
{
    auto *udp = new EchoUdpService(this);
    if (!udp->bind(address, port)) {
        service.error = udp->errorString();
        delete udp;
        return false;
    }
    udp->setTrafficObserved(m_observeTraffic);
    service.object = udp;
    return true;
}

bool ServerHub::startUdpCommands(Service &service, const QHostAddress &address, const ServiceConfig &config)
{
    auto *udp = new UdpCommandService(this);
    if (!udp->bind(address, config.port, config.insecure)) {
        service.error = udp->errorString();
        delete udp;
        return false;
    }
    udp->setTrafficObserved(m_observeTraffic);
    const quint64 run = service.run;
    constexpr auto kind = ServiceKind::UdpCommands;
    connect(udp, &UdpCommandService::commandStarted, this, [this, run](quint64 id, const QString &command, qint64 pid) {
        note(Severity::Info,
             tr("%1: command started (pid %2): %3").arg(describe({kind, run, id}), QString::number(pid), command));
    });
    connect(udp, &UdpCommandService::commandFinished, this,
            [this, run](quint64 id, const QString &command, const ProcessExit &exit) {
                note(Severity::Info, tr("%1: command %2: %3").arg(describe({kind, run, id}), exitText(exit), command));
            });
    service.object = udp;
    return true;
}

void ServerHub::attachChat(ChatController *chat)
{
    if (m_chat)
        disconnect(m_chat, nullptr, this, nullptr);
    if (QObject *old = m_services[index(ServiceKind::Chat)].object)
        old->disconnect(this);
    m_chat = chat;
    Service &service = m_services[index(ServiceKind::Chat)];
    service.object = chat ? chat->endpoint() : nullptr;
    if (!chat) {
        syncChatState();
        return;
    }
    // The endpoint lives as long as the chat and numbers its peers across
    // rebinds, so one run covers it.
    service.run = m_nextRun++;
    ChatEndpoint *endpoint = chat->endpoint();
    endpoint->setTrafficObserved(m_observeTraffic);
    connectCommon(ServiceKind::Chat, endpoint, service.run);
    connect(endpoint, &ChatEndpoint::datagramRejected, this,
            [this](const ChatPeerAddress &from, const QString &reason) {
                note(Severity::Warning,
                     tr("%1: protocol error from %2: %3")
                         .arg(ServiceNames::name(ServiceKind::Chat), from.toString(), reason));
            });
    connect(chat, &ChatController::statusChanged, this, &ServerHub::syncChatState);
    syncChatState();
}

ChatController *ServerHub::chat() const
{
    return m_chat;
}

bool ServerHub::startChat(Service &service, const QHostAddress &address, quint16 port)
{
    const QString name = ServiceNames::name(ServiceKind::Chat);
    if (!m_chat) {
        service.error = tr("The chat is not available in this window.");
        note(Severity::Error, tr("%1 could not start: %2").arg(name, service.error));
        setState(ServiceKind::Chat, State::Failed, service.error);
        return false;
    }
    // The chat's default, every interface, shows as 0.0.0.0; it means both
    // IPv4 and IPv6 peers, as the chat listens when the app starts.
    const QHostAddress bind
        = address == QHostAddress(QHostAddress::AnyIPv4) ? QHostAddress(QHostAddress::Any) : address;
    // The chat reports its new state; syncChatState() logs it.
    return m_chat->listen(bind, port);
}

void ServerHub::syncChatState()
{
    constexpr auto kind = ServiceKind::Chat;
    Service &service = m_services[index(kind)];
    State state = State::Stopped;
    QString error;
    if (m_chat && m_chat->isListening()) {
        state = State::Listening;
        service.address = m_chat->endpoint()->localAddress();
    } else if (m_chat && !m_chat->isStopped()) {
        state = State::Failed;
        error = m_chat->bindProblem();
    }
    const quint16 boundPort = m_chat && m_chat->isListening() ? m_chat->endpoint()->localPort() : 0;
    if (state == service.state && error == service.error && boundPort == m_chatPort)
        return;
    m_chatPort = boundPort;
    const QString name = ServiceNames::name(kind);
    if (state == State::Listening)
        note(Severity::Info, tr("%1: listening on %2").arg(name, endpoint(service.address, boundPort)));
    else if (state == State::Failed)
        note(Severity::Error, tr("%1 could not start: %2").arg(name, error));
    else if (service.state != State::Stopped)
        note(Severity::Info, tr("%1: stopped").arg(name));
    setState(kind, state, error);
}

// The signals every service has, with the same meaning.
void ServerHub::connectCommon(ServiceKind kind, QObject *object, quint64 run)
{
    const auto wire = [this, kind, run](auto *service) {
        using ServiceType = std::remove_pointer_t<decltype(service)>;
        if constexpr (!std::is_same_v<ServiceType, ConsoleServer>) {
            connect(service, &ServiceType::clientConnected, this, [this, kind, run](const ClientInfo &info) {
                onClientConnected({kind, run, info.id}, info);
            });
        }
        connect(service, &ServiceType::clientUpdated, this, [this, kind, run](const ClientInfo &info) {
            const ClientRef ref{kind, run, info.id};
            if (m_clients->isConnected(ref))
                m_clients->update(ref, info);
        });
        connect(service, &ServiceType::clientDisconnected, this, [this, kind, run](quint64 id) {
            onClientDisconnected({kind, run, id});
        });
        connect(service, &ServiceType::trafficObserved, this,
                [this, kind, run](quint64 id, TrafficDirection direction, const QByteArray &bytes) {
                    onTraffic({kind, run, id}, direction, bytes);
                });
    };
    switch (kind) {
    case ServiceKind::Console:
        wire(static_cast<ConsoleServer *>(object));
        break;
    case ServiceKind::Chat:
        wire(static_cast<ChatEndpoint *>(object));
        break;
    case ServiceKind::EchoTcp:
        wire(static_cast<EchoTcpServer *>(object));
        break;
    case ServiceKind::EchoUdp:
        wire(static_cast<EchoUdpService *>(object));
        break;
    case ServiceKind::UdpCommands:
        wire(static_cast<UdpCommandService *>(object));
        break;
    }
}

void ServerHub::stop(ServiceKind kind)
{
    Service &service = m_services[index(kind)];
    if (service.state != State::Listening) {
        if (service.state == State::Failed)
            setState(kind, State::Stopped);
        return;
    }
    const QString name = ServiceNames::name(kind);
    if (kind == ServiceKind::Chat) {
        if (m_chat)
            m_chat->stopListening(); // syncChatState() follows
        return;
    }
    if (kind == ServiceKind::Console) {
        auto *server = static_cast<ConsoleServer *>(service.object.data());
        setState(kind, State::Stopping);
        note(Severity::Info, tr("%1: stopping; running commands are terminated").arg(name));
        server->shutdown();
        return;
    }
    QObject *object = service.object;
    service.object = nullptr;
    if (auto *tcp = qobject_cast<EchoTcpServer *>(object))
        tcp->close();
    else if (auto *echo = qobject_cast<EchoUdpService *>(object))
        echo->close();
    else if (auto *commands = qobject_cast<UdpCommandService *>(object))
        commands->close();
    if (object) {
        object->disconnect(this);
        object->deleteLater();
    }
    m_clients->markRunEnded(kind, service.run);
    setState(kind, State::Stopped);
    note(Severity::Info, tr("%1: stopped").arg(name));
}

void ServerHub::stopAll()
{
    // The chat is the main window's; it stops with the app, not with the hub.
    for (ServiceKind kind : AllServiceKinds)
        if (kind != ServiceKind::Chat)
            stop(kind);
}

QString ServerHub::stateText(ServiceKind kind) const
{
    const Service &service = m_services[index(kind)];
    switch (service.state) {
    case State::Stopped:
        return tr("Stopped");
    case State::Listening:
        if (!consoleFingerprint().isEmpty() && kind == ServiceKind::Console)
            return tr("Listening on %1 with TLS").arg(endpoint(service.address, port(kind)));
        return tr("Listening on %1").arg(endpoint(service.address, port(kind)));
    case State::Stopping:
        return tr("Stopping…");
    case State::Failed:
        return service.error;
    }
    return {};
}

quint16 ServerHub::port(ServiceKind kind) const
{
    const QObject *object = m_services[index(kind)].object;
    if (!object || state(kind) != State::Listening)
        return 0;
    if (const auto *console = qobject_cast<const ConsoleServer *>(object))
        return console->serverPort();
    if (const auto *chat = qobject_cast<const ChatEndpoint *>(object))
        return chat->localPort();
    if (const auto *tcp = qobject_cast<const EchoTcpServer *>(object))
        return tcp->serverPort();
    if (const auto *echo = qobject_cast<const EchoUdpService *>(object))
        return echo->localPort();
    if (const auto *commands = qobject_cast<const UdpCommandService *>(object))
        return commands->localPort();
    return 0;
}

void ServerHub::setTrafficObserved(bool on)
{
    m_observeTraffic = on;
    for (const Service &service : m_services) {
        if (auto *console = qobject_cast<ConsoleServer *>(service.object.data()))
            console->setTrafficObserved(on);
        else if (auto *chat = qobject_cast<ChatEndpoint *>(service.object.data()))
            chat->setTrafficObserved(on);
        else if (auto *tcp = qobject_cast<EchoTcpServer *>(service.object.data()))
            tcp->setTrafficObserved(on);
        else if (auto *echo = qobject_cast<EchoUdpService *>(service.object.data()))
            echo->setTrafficObserved(on);
        else if (auto *commands = qobject_cast<UdpCommandService *>(service.object.data()))
            commands->setTrafficObserved(on);
    }
}

QString ServerHub::consoleFingerprint() const
{
    const auto *console = qobject_cast<const ConsoleServer *>(m_services[index(ServiceKind::Console)].object.data());
    if (!console || state(ServiceKind::Console) != State::Listening || !console->isTlsEnabled())
        return {};
    return console->tlsFingerprint().toString();
}

QString ServerHub::consoleFingerprintHex() const
{
    const auto *console = qobject_cast<const ConsoleServer *>(m_services[index(ServiceKind::Console)].object.data());
    if (!console || state(ServiceKind::Console) != State::Listening || !console->isTlsEnabled())
        return {};
    return console->tlsFingerprint().toHexString();
}

const TrafficCapture *ServerHub::traffic(const ClientRef &ref) const
{
    const auto found = m_traffic.find(ref);
    return found == m_traffic.end() ? nullptr : &found->second;
}

bool ServerHub::canKill(const ClientRef &ref) const
{
    if (ref.service != ServiceKind::Console || !m_clients->isConnected(ref))
        return false;
    const Service &service = m_services[index(ref.service)];
    return service.object && service.run == ref.run;
}

bool ServerHub::canDisconnect(const ClientRef &ref) const
{
    if ((ref.service != ServiceKind::Console && ref.service != ServiceKind::EchoTcp) || !m_clients->isConnected(ref))
        return false;
    const Service &service = m_services[index(ref.service)];
    return service.object && service.run == ref.run;
}

void ServerHub::killCommands(const ClientRef &ref)
{
    if (!canKill(ref))
        return;
    note(Severity::Info, tr("%1: killing its running commands").arg(describe(ref)));
    static_cast<ConsoleServer *>(m_services[index(ref.service)].object.data())->killCommands(ref.id);
}

void ServerHub::disconnectClient(const ClientRef &ref)
{
    if (!canDisconnect(ref))
        return;
    note(Severity::Info, tr("%1: disconnecting").arg(describe(ref)));
    QObject *object = m_services[index(ref.service)].object;
    if (auto *console = qobject_cast<ConsoleServer *>(object))
        console->disconnectClient(ref.id);
    else if (auto *tcp = qobject_cast<EchoTcpServer *>(object))
        tcp->disconnectClient(ref.id);
}

void ServerHub::setState(ServiceKind kind, State state, const QString &error)
{
    Service &service = m_services[index(kind)];
    service.state = state;
    service.error = error;
    Q_EMIT stateChanged(kind);
}

void ServerHub::onClientConnected(const ClientRef &ref, const ClientInfo &info)
{
    m_clients->update(ref, info);
    // A UDP command is a "client" for as long as it runs; its datagram is logged as a command.
    if (ref.service != ServiceKind::UdpCommands)
        note(Severity::Info, tr("%1: connected").arg(describe(ref)));
}

void ServerHub::onClientDisconnected(const ClientRef &ref)
{
    if (ref.service != ServiceKind::UdpCommands)
        note(Severity::Info, tr("%1: disconnected").arg(describe(ref)));
    m_clients->markDisconnected(ref);
}

void ServerHub::onTraffic(const ClientRef &ref, TrafficDirection direction, const QByteArray &bytes)
{
    if (m_clients->rowOf(ref) < 0)
        return; // a client already forgotten
    auto found = m_traffic.find(ref);
    if (found == m_traffic.end()) {
        const auto framing
            = ref.service == ServiceKind::Console ? TrafficCapture::Framing::Frames : TrafficCapture::Framing::None;
        found = m_traffic.emplace(ref, TrafficCapture(framing)).first;
    }
    found->second.append(direction, bytes);
    Q_EMIT trafficCaptured(ref);
}

QString ServerHub::describe(const ClientRef &ref) const
{
    const std::optional<ClientInfo> info = m_clients->info(ref);
    const QString name = ServiceNames::name(ref.service);
    if (!info)
        return tr("%1 client %2").arg(name).arg(ref.id);
    return tr("%1 client %2").arg(name, endpoint(info->address, info->port));
}

QString ServerHub::exitText(const ProcessExit &exit)
{
    if (exit.signal != 0)
        return tr("killed by signal %1").arg(exit.signal);
    return tr("exited with code %1").arg(exit.exitCode);
}

} // namespace Tincan
