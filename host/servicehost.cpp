#include "host/servicehost.h"

#include "host/hosteventformatter.h"
#include "net/chat/chatendpoint.h"
#include "net/console/consoleserver.h"
#include "net/services/echoservices.h"
#include "net/services/udpcommandservice.h"

namespace Tincan {

using Type = HostEvent::Type;

quint16 ServiceHost::defaultPort(ServiceKind kind)
{
    switch (kind) {
    case ServiceKind::Console:
        return Console::DefaultPort;
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

bool ServiceHost::runsCommands(ServiceKind kind)
{
    return kind == ServiceKind::Console || kind == ServiceKind::UdpCommands;
}

ServiceHost::ServiceHost(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<Tincan::HostEvent>();
}

ServiceHost::~ServiceHost()
{
    // The services report their clients' disconnection while they are
    // destroyed; by then this object's members are gone, so stop listening first.
    for (Service *service : findChildren<Service *>(Qt::FindDirectChildrenOnly))
        service->disconnect(this); // a console still stopping included
    for (const QPointer<Service> &watched : m_watched)
        if (watched)
            watched->disconnect(this);
}

bool ServiceHost::setSettings(const HostSettings &settings)
{
    const QString problem = settings.validationError();
    if (!problem.isEmpty()) {
        m_error = problem;
        return false;
    }
    m_settings = settings;
    return true;
}

ConsoleServer *ServiceHost::console() const
{
    return qobject_cast<ConsoleServer *>(service(ServiceKind::Console));
}

bool ServiceHost::startAll()
{
    QList<ServiceKind> started;
    for (const auto &[kind, listen] : m_settings.services) {
        if (!startService(kind))
            return false;
        started.append(kind);
    }
    warnIfInsecure(started);
    return true;
}

bool ServiceHost::start(ServiceKind kind)
{
    if (isRunning(kind))
        return true;
    if (!startService(kind))
        return false;
    warnIfInsecure({kind});
    return true;
}

void ServiceHost::fail(ServiceKind kind, const QString &error)
{
    m_error = ServiceNames::key(kind) + QStringLiteral(": ") + error;
    setState(kind, State::Failed, error);
    HostEvent failed = makeEvent(Type::StartFailed, kind, nullptr);
    failed.text = error;
    emitEvent(failed);
}

bool ServiceHost::startService(ServiceKind kind)
{
    Slot &current = slot(kind);
    if (current.state == State::Listening)
        return true;
    // A console still stopping finishes on its own; the new one takes its place.
    current.service = nullptr;
    const QString problem = m_settings.validationError();
    const auto found = m_settings.services.find(kind);
    if (!problem.isEmpty() || found == m_settings.services.end()) {
        fail(kind, problem.isEmpty() ? tr("No settings for this service.") : problem);
        return false;
    }
    bool ok = false;
    Service *service = build(kind, found->second, &ok);
    if (!ok) {
        const QString error = service ? service->errorString() : tr("The service host does not run this service.");
        delete service;
        fail(kind, error);
        return false;
    }
    service->setTrafficObserved(m_observeTraffic);
    current.service = service;
    connectClients(kind, service);
    setState(kind, State::Listening);
    Q_EMIT serviceStarted(kind, service);
    announce(kind, service);
    return true;
}

Service *ServiceHost::build(ServiceKind kind, const ListenSettings &listen, bool *ok)
{
    switch (kind) {
    case ServiceKind::Console: {
        auto *console = new ConsoleServer(this);
        *ok = console->listen(m_settings.consoleOptions());
        if (*ok)
            connectConsole(console);
        return console;
    }
    case ServiceKind::EchoTcp: {
        auto *echo = new EchoTcpServer(this);
        *ok = echo->listen(listen.address, listen.port);
        return echo;
    }
    case ServiceKind::EchoUdp: {
        auto *echo = new EchoUdpService(this);
        *ok = echo->bind(listen.address, listen.port);
        return echo;
    }
    case ServiceKind::UdpCommands: {
        auto *commands = new UdpCommandService(this);
        *ok = commands->bind(listen.address, listen.port, listen.insecure);
        if (*ok)
            connectUdpCommands(commands);
        return commands;
    }
    case ServiceKind::Chat:
        break;
    }
    *ok = false;
    return nullptr;
}

// What a service says once it listens: where, and for the console how clients log in.
void ServiceHost::announce(ServiceKind kind, Service *service)
{
    HostEvent listening = makeEvent(Type::Listening, kind, service);
    listening.address = service->address();
    listening.port = service->port();
    emitEvent(listening);
    const auto *console = qobject_cast<const ConsoleServer *>(service);
    if (!console)
        return;
    if (console->requiresPassword()) {
        HostEvent password = makeEvent(Type::PasswordRequired, kind, service);
        password.count = m_settings.password.iterations();
        emitEvent(password);
    }
    for (const QString &note : console->tlsNotes()) {
        HostEvent tls = makeEvent(Type::TlsNote, kind, service);
        tls.text = note;
        emitEvent(tls);
    }
    if (console->isTlsEnabled()) {
        HostEvent fingerprint = makeEvent(Type::TlsFingerprint, kind, service);
        fingerprint.text = console->tlsFingerprint().toString();
        emitEvent(fingerprint);
    }
}

// One warning for what the services just started open together (the command
// line starts them at once): the most serious, at the address it concerns.
void ServiceHost::warnIfInsecure(const QList<ServiceKind> &started)
{
    using Insecurity = HostEvent::Insecurity;
    std::optional<HostEvent> warning;
    const auto rank = [](Insecurity level) {
        return level == Insecurity::CommandsWithoutAuthentication ? 2 : level == Insecurity::ClassicWithoutPassword;
    };
    for (ServiceKind kind : started) {
        const ListenSettings &listen = m_settings.services.at(kind);
        if (!runsCommands(kind) || !listen.insecure)
            continue;
        Insecurity level = Insecurity::NothingYet;
        if (!ConsoleServer::isLoopback(listen.address))
            level = kind == ServiceKind::UdpCommands || m_settings.password.isNull()
                ? Insecurity::CommandsWithoutAuthentication
                : Insecurity::ClassicWithoutPassword;
        if (warning && rank(warning->insecurity) >= rank(level))
            continue;
        warning = makeEvent(Type::InsecureWarning, kind, nullptr);
        warning->insecurity = level;
        warning->address = listen.address;
    }
    if (warning)
        emitEvent(*warning);
}

HostEvent ServiceHost::makeEvent(Type type, ServiceKind kind, const Service *service, quint64 clientId) const
{
    HostEvent result;
    result.type = type;
    result.service = kind;
    result.client.id = clientId;
    if (clientId == 0 || !service)
        return result;
    if (const auto clients = m_clients.find(service); clients != m_clients.end())
        if (const auto found = clients->second.find(clientId); found != clients->second.end())
            result.client = found->second;
    return result;
}

// The signals every service has: its clients, kept to name them in events.
void ServiceHost::connectClients(ServiceKind kind, Service *service)
{
    // A UDP command is a "client" for as long as it runs; its datagram is
    // reported as a command, not as a client coming and going.
    const bool reportClients = kind != ServiceKind::UdpCommands;
    connect(service, &Service::clientConnected, this, [this, kind, service, reportClients](const ClientInfo &info) {
        m_clients[service][info.id] = info;
        if (reportClients)
            emitEvent(makeEvent(Type::ClientConnected, kind, service, info.id));
    });
    connect(service, &Service::clientUpdated, this, [this, service](const ClientInfo &info) {
        Clients &clients = m_clients[service];
        if (const auto found = clients.find(info.id); found != clients.end())
            found->second = info;
    });
    connect(service, &Service::clientDisconnected, this, [this, kind, service, reportClients](quint64 id) {
        if (reportClients)
            emitEvent(makeEvent(Type::ClientDisconnected, kind, service, id));
        m_clients[service].erase(id);
    });
    connect(service, &Service::shutdownFinished, this, [this, kind, service] { onServiceFinished(kind, service); });
    connect(service, &QObject::destroyed, this, [this, service] { m_clients.erase(service); });
}

void ServiceHost::emitCommandStarted(ServiceKind kind, const Service *service, quint64 clientId, const QString &tag,
                                     const QString &command, qint64 pid)
{
    HostEvent started = makeEvent(Type::CommandStarted, kind, service, clientId);
    started.tag = tag;
    started.text = command;
    started.count = pid;
    emitEvent(started);
}

void ServiceHost::emitCommandFinished(ServiceKind kind, const Service *service, quint64 clientId, const QString &tag,
                                      const QString &command, const ProcessExit &exit)
{
    HostEvent finished = makeEvent(Type::CommandFinished, kind, service, clientId);
    finished.tag = tag;
    finished.text = command;
    finished.exit = exit;
    emitEvent(finished);
}

void ServiceHost::connectConsole(ConsoleServer *console)
{
    constexpr auto kind = ServiceKind::Console;
    connect(console, &ConsoleServer::commandStarted, this,
            [this, console](quint64 id, const QString &request, const QString &command, qint64 pid) {
                emitCommandStarted(kind, console, id, request, command, pid);
            });
    connect(console, &ConsoleServer::commandFinished, this,
            [this, console](quint64 id, const QString &request, const ProcessExit &exit) {
                emitCommandFinished(kind, console, id, request, QString(), exit);
            });
    connect(console, &ConsoleServer::transferStarted, this,
            [this, console](quint64 id, const QString &transfer, bool upload, const QString &path, qint64 size) {
                HostEvent started = makeEvent(Type::TransferStarted, kind, console, id);
                started.tag = transfer;
                started.upload = upload;
                started.text = path;
                started.count = size;
                emitEvent(started);
            });
    connect(console, &ConsoleServer::transferFinished, this,
            [this, console](quint64 id, const QString &transfer, bool ok, const QString &message) {
                HostEvent finished = makeEvent(Type::TransferFinished, kind, console, id);
                finished.tag = transfer;
                finished.ok = ok;
                finished.text = message;
                emitEvent(finished);
            });
    connect(console, &ConsoleServer::protocolErrorOccurred, this, [this, console](quint64 id, const QString &message) {
        HostEvent error = makeEvent(Type::ProtocolError, kind, console, id);
        error.text = message;
        emitEvent(error);
    });
    connect(console, &ConsoleServer::connectionRefused, this,
            [this, console](quint64 id, const QHostAddress &peer, quint16 peerPort, const QString &reason) {
                HostEvent refused = makeEvent(Type::Refused, kind, console, id);
                refused.client.address = peer;
                refused.client.port = peerPort;
                refused.text = reason;
                emitEvent(refused);
            });
    connect(console, &ConsoleServer::authenticationSucceeded, this,
            [this, console](quint64 id, const QHostAddress &peer) {
                HostEvent ok = makeEvent(Type::LoginSucceeded, kind, console, id);
                ok.client.address = peer;
                emitEvent(ok);
            });
    connect(console, &ConsoleServer::authenticationFailed, this,
            [this, console](quint64 id, const QHostAddress &peer, const QString &reason, qint64 penaltyMs) {
                HostEvent failed = makeEvent(Type::LoginFailed, kind, console, id);
                failed.client.address = peer;
                failed.text = reason;
                failed.count = penaltyMs;
                emitEvent(failed);
            });
}

void ServiceHost::connectUdpCommands(Service *service)
{
    constexpr auto kind = ServiceKind::UdpCommands;
    auto *commands = static_cast<UdpCommandService *>(service);
    connect(commands, &UdpCommandService::commandStarted, this,
            [this, service](quint64 id, const QString &command, qint64 pid) {
                emitCommandStarted(kind, service, id, QString(), command, pid);
            });
    connect(commands, &UdpCommandService::commandFinished, this,
            [this, service](quint64 id, const QString &command, const ProcessExit &exit) {
                emitCommandFinished(kind, service, id, QString(), command, exit);
            });
}

void ServiceHost::stop(ServiceKind kind)
{
    Slot &current = slot(kind);
    if (current.state != State::Listening) {
        if (current.state == State::Failed)
            setState(kind, State::Stopped);
        return;
    }
    Service *service = current.service;
    if (kind == ServiceKind::Console) {
        setState(kind, State::Stopping);
        emitEvent(makeEvent(Type::Stopping, kind, service));
    }
    service->shutdown(); // the others finish at once, in onServiceFinished()
}

void ServiceHost::shutdown(int signal)
{
    HostEvent stopping = makeEvent(Type::ShuttingDown, ServiceKind::Console, nullptr);
    stopping.count = signal;
    emitEvent(stopping);
    m_shuttingDown = true;
    for (ServiceKind kind : AllServiceKinds)
        stop(kind);
    onServiceFinished(ServiceKind::Console, nullptr); // finished() at once when nothing ran
}

void ServiceHost::onServiceFinished(ServiceKind kind, Service *service)
{
    if (service) {
        service->deleteLater(); // it may be emitting
        Slot &current = slot(kind);
        if (current.service == service) {
            current.service = nullptr;
            setState(kind, State::Stopped);
            emitEvent(makeEvent(Type::Stopped, kind, nullptr));
        }
    }
    if (!m_shuttingDown)
        return;
    for (const Slot &each : m_slots)
        if (each.service)
            return;
    m_shuttingDown = false;
    Q_EMIT finished();
}

void ServiceHost::setState(ServiceKind kind, State state, const QString &error)
{
    Slot &current = slot(kind);
    current.state = state;
    current.error = error;
    Q_EMIT stateChanged(kind);
}

void ServiceHost::setTrafficObserved(bool on)
{
    m_observeTraffic = on;
    for (const Slot &each : m_slots)
        if (each.service)
            each.service->setTrafficObserved(on);
    for (const QPointer<Service> &watched : m_watched)
        if (watched)
            watched->setTrafficObserved(on);
}

void ServiceHost::watch(ServiceKind kind, Service *service)
{
    QPointer<Service> &watched = m_watched[std::size_t(kind)];
    if (watched) {
        watched->disconnect(this);
        m_clients.erase(watched);
    }
    watched = service;
    if (!service)
        return;
    service->setTrafficObserved(m_observeTraffic);
    connect(service, &Service::clientConnected, this, [this, kind, service](const ClientInfo &info) {
        m_clients[service][info.id] = info;
        emitEvent(makeEvent(Type::ClientConnected, kind, service, info.id));
    });
    connect(service, &Service::clientDisconnected, this, [this, kind, service](quint64 id) {
        emitEvent(makeEvent(Type::ClientDisconnected, kind, service, id));
        m_clients[service].erase(id);
    });
    connect(service, &QObject::destroyed, this, [this, service] { m_clients.erase(service); });
}

} // namespace Tincan
