#include "models/server/serverhub.h"

#include "chat/chatcontroller.h"
#include "host/hosteventformatter.h"
#include "net/console/consoleserver.h"

namespace Tincan {

using Severity = EventLogModel::Severity;

namespace {
constexpr auto Naming = HostEventFormatter::Naming::Window;

Severity severityOf(const HostEvent &event)
{
    switch (event.severity()) {
    case HostEvent::Severity::Info:
        break;
    case HostEvent::Severity::Warning:
        return Severity::Warning;
    case HostEvent::Severity::Error:
        return Severity::Error;
    }
    return Severity::Info;
}

HostEvent chatEvent(HostEvent::Type type)
{
    HostEvent event;
    event.type = type;
    event.service = ServiceKind::Chat;
    return event;
}
} // namespace

quint16 ServerHub::defaultPort(ServiceKind kind)
{
    return ServiceHost::defaultPort(kind);
}

bool ServerHub::runsCommands(ServiceKind kind)
{
    return ServiceHost::runsCommands(kind);
}

ServerHub::ServerHub(QObject *parent)
    : QObject(parent)
    , m_host(new ServiceHost(this))
    , m_clients(new ClientTableModel(this))
    , m_log(new EventLogModel(this))
{
    connect(m_clients, &ClientTableModel::clientForgotten, this,
            [this](const ClientRef &ref) { m_traffic.erase(ref); });
    connect(m_host, &ServiceHost::eventOccurred, this, &ServerHub::onEvent);
    connect(m_host, &ServiceHost::serviceStarted, this, &ServerHub::follow);
    connect(m_host, &ServiceHost::stateChanged, this, &ServerHub::stateChanged);
}

ServerHub::~ServerHub()
{
    // The services report their clients' disconnection while they are
    // destroyed; by then this object's members are gone, so stop listening first.
    for (Service *service : m_host->findChildren<Service *>(Qt::FindDirectChildrenOnly))
        service->disconnect(this);
    m_host->disconnect(this);
    if (m_chat && m_chat->endpoint())
        m_chat->endpoint()->disconnect(this);
}

bool ServerHub::setConsolePolicy(const HostSettings &policy)
{
    HostSettings checked = policy;
    checked.services.clear();
    const QString problem = checked.validationError();
    if (!problem.isEmpty()) {
        note(Severity::Error, tr("%1: %2").arg(ServiceNames::name(ServiceKind::Console), problem));
        return false;
    }
    m_policy = checked;
    return true;
}

bool ServerHub::start(ServiceKind kind, const ServiceConfig &config)
{
    if (state(kind) == State::Listening)
        return true;
    QHostAddress address;
    if (!address.setAddress(config.address.trimmed())) {
        const QString error = tr("“%1” is not an IP address.").arg(config.address.trimmed());
        if (kind != ServiceKind::Chat) {
            m_host->fail(kind, error);
            return false;
        }
        HostEvent failed = chatEvent(HostEvent::Type::StartFailed);
        failed.text = error;
        onEvent(failed);
        setChatState(State::Failed, error);
        return false;
    }
    if (kind == ServiceKind::Chat)
        return startChat(address, config.port);

    HostSettings settings = m_policy;
    settings.services = m_host->settings().services;
    settings.services[kind] = ListenSettings{address, config.port, config.insecure};
    settings.password = kind == ServiceKind::Console ? config.password : m_host->settings().password;
    if (!m_host->setSettings(settings)) {
        m_host->fail(kind, m_host->errorString());
        return false;
    }
    return m_host->start(kind);
}

void ServerHub::follow(ServiceKind kind, Service *service)
{
    const quint64 run = m_nextRun++;
    m_runs[index(kind)] = run;
    connect(service, &Service::clientConnected, this, [this, kind, run](const ClientInfo &info) {
        onClientConnected({kind, run, info.id}, info);
    });
    connect(service, &Service::clientUpdated, this, [this, kind, run](const ClientInfo &info) {
        const ClientRef ref{kind, run, info.id};
        if (m_clients->isConnected(ref))
            m_clients->update(ref, info);
    });
    connect(service, &Service::clientDisconnected, this, [this, kind, run](quint64 id) {
        m_clients->markDisconnected({kind, run, id});
    });
    connect(service, &Service::trafficObserved, this,
            [this, kind, run](quint64 id, TrafficDirection direction, const QByteArray &bytes) {
                onTraffic({kind, run, id}, direction, bytes);
            });
    connect(service, &Service::shutdownFinished, this, [this, kind, run] { m_clients->markRunEnded(kind, run); });
}

void ServerHub::onClientConnected(const ClientRef &ref, const ClientInfo &info)
{
    ClientInfo shown = info;
    if (!shown.since.isValid())
        shown.since = QDateTime::currentDateTime();
    m_clients->update(ref, shown);
}

void ServerHub::onEvent(const HostEvent &event)
{
    note(severityOf(event), HostEventFormatter::format(event, Naming));
}

void ServerHub::attachChat(ChatController *chat)
{
    if (m_chat) {
        disconnect(m_chat, nullptr, this, nullptr);
        if (m_chat->endpoint())
            m_chat->endpoint()->disconnect(this);
    }
    m_chat = chat;
    ChatEndpoint *endpoint = chat ? chat->endpoint() : nullptr;
    m_host->watch(ServiceKind::Chat, endpoint);
    if (!chat) {
        syncChatState();
        return;
    }
    // The endpoint lives as long as the chat and numbers its peers across
    // rebinds, so one run covers it.
    follow(ServiceKind::Chat, endpoint);
    connect(endpoint, &ChatEndpoint::datagramRejected, this,
            [this](const ChatPeerAddress &from, const QString &reason) {
                HostEvent rejected = chatEvent(HostEvent::Type::ProtocolError);
                rejected.client.address = from.address;
                rejected.client.port = from.port;
                rejected.text = reason;
                onEvent(rejected);
            });
    connect(chat, &ChatController::statusChanged, this, &ServerHub::syncChatState);
    syncChatState();
}

ChatController *ServerHub::chat() const
{
    return m_chat;
}

bool ServerHub::startChat(const QHostAddress &address, quint16 port)
{
    if (!m_chat) {
        const QString error = tr("The chat is not available in this window.");
        HostEvent failed = chatEvent(HostEvent::Type::StartFailed);
        failed.text = error;
        onEvent(failed);
        setChatState(State::Failed, error);
        return false;
    }
    // The chat's default, every interface, shows as 0.0.0.0; it means both
    // IPv4 and IPv6 peers, as the chat listens when the app starts.
    const QHostAddress bind
        = address == QHostAddress(QHostAddress::AnyIPv4) ? QHostAddress(QHostAddress::Any) : address;
    // The chat reports its new state; syncChatState() logs it.
    return m_chat->listen(bind, port).has_value();
}

void ServerHub::syncChatState()
{
    State state = State::Stopped;
    QString error;
    if (m_chat && m_chat->isListening()) {
        state = State::Listening;
        m_chatAddress = m_chat->endpoint()->localAddress();
    } else if (m_chat && !m_chat->isStopped()) {
        state = State::Failed;
        error = m_chat->bindProblem();
    }
    const quint16 boundPort = m_chat && m_chat->isListening() ? m_chat->endpoint()->localPort() : 0;
    if (state == m_chatState && error == m_chatError && boundPort == m_chatPort)
        return;
    m_chatPort = boundPort;
    if (state == State::Listening) {
        HostEvent listening = chatEvent(HostEvent::Type::Listening);
        listening.address = m_chatAddress;
        listening.port = boundPort;
        onEvent(listening);
    } else if (state == State::Failed) {
        HostEvent failed = chatEvent(HostEvent::Type::StartFailed);
        failed.text = error;
        onEvent(failed);
    } else if (m_chatState != State::Stopped) {
        onEvent(chatEvent(HostEvent::Type::Stopped));
    }
    setChatState(state, error);
}

void ServerHub::setChatState(State state, const QString &error)
{
    m_chatState = state;
    m_chatError = error;
    Q_EMIT stateChanged(ServiceKind::Chat);
}

void ServerHub::stop(ServiceKind kind)
{
    if (kind != ServiceKind::Chat) {
        m_host->stop(kind);
        return;
    }
    if (m_chatState == State::Failed)
        setChatState(State::Stopped);
    else if (m_chatState == State::Listening && m_chat)
        m_chat->stopListening(); // syncChatState() follows
}

void ServerHub::stopAll()
{
    // The chat is the main window's; it stops with the app, not with the hub.
    for (ServiceKind kind : AllServiceKinds)
        if (kind != ServiceKind::Chat)
            stop(kind);
}

ServerHub::State ServerHub::state(ServiceKind kind) const
{
    return kind == ServiceKind::Chat ? m_chatState : m_host->state(kind);
}

QString ServerHub::stateText(ServiceKind kind) const
{
    switch (state(kind)) {
    case State::Stopped:
        return tr("Stopped");
    case State::Listening: {
        const QHostAddress address = kind == ServiceKind::Chat ? m_chatAddress : m_host->service(kind)->address();
        const QString where = HostEventFormatter::endpoint(address, port(kind), Naming);
        if (kind == ServiceKind::Console && !consoleFingerprint().isEmpty())
            return tr("Listening on %1 with TLS").arg(where);
        return tr("Listening on %1").arg(where);
    }
    case State::Stopping:
        return tr("Stopping…");
    case State::Failed:
        return kind == ServiceKind::Chat ? m_chatError : m_host->failure(kind);
    }
    return {};
}

quint16 ServerHub::port(ServiceKind kind) const
{
    if (state(kind) != State::Listening)
        return 0;
    if (kind == ServiceKind::Chat)
        return m_chat ? m_chat->endpoint()->localPort() : 0;
    const Service *service = m_host->service(kind);
    return service ? service->port() : 0;
}

void ServerHub::setTrafficObserved(bool on)
{
    m_observeTraffic = on;
    m_host->setTrafficObserved(on);
}

QString ServerHub::consoleFingerprint() const
{
    const ConsoleServer *console = m_host->console();
    if (!console || state(ServiceKind::Console) != State::Listening || !console->isTlsEnabled())
        return {};
    return console->tlsFingerprint().toString();
}

QString ServerHub::consoleFingerprintHex() const
{
    const ConsoleServer *console = m_host->console();
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
    return ref.service == ServiceKind::Console && m_clients->isConnected(ref) && m_host->console()
        && m_runs[index(ref.service)] == ref.run;
}

bool ServerHub::canDisconnect(const ClientRef &ref) const
{
    if (ref.service == ServiceKind::Chat || !m_clients->isConnected(ref))
        return false;
    const Service *service = m_host->service(ref.service);
    return service && service->canDisconnectClients() && m_runs[index(ref.service)] == ref.run;
}

void ServerHub::killCommands(const ClientRef &ref)
{
    if (!canKill(ref))
        return;
    note(Severity::Info, tr("%1: killing its running commands").arg(describe(ref)));
    m_host->console()->killCommands(ref.id);
}

void ServerHub::disconnectClient(const ClientRef &ref)
{
    if (!canDisconnect(ref))
        return;
    note(Severity::Info, tr("%1: disconnecting").arg(describe(ref)));
    m_host->service(ref.service)->disconnectClient(ref.id);
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
    ClientInfo info = m_clients->info(ref).value_or(ClientInfo());
    info.id = ref.id;
    return HostEventFormatter::describeClient(ref.service, info, Naming);
}

} // namespace Tincan
