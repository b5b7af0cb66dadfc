#include "chat/chatcontroller.h"

#include <QDir>
#include <QSettings>
#include <QSysInfo>

namespace Tincan {

namespace {
constexpr int MinPort = 1;
constexpr int MaxPort = 65535;
} // namespace

const QString ChatController::NameSettingsKey = QStringLiteral("chat/name");
const QString ChatController::PortSettingsKey = QStringLiteral("chat/port");
const QString ChatController::AddressSettingsKey = QStringLiteral("chat/address");
const QString ChatController::ListeningSettingsKey = QStringLiteral("chat/listening");
const QString ChatController::AnnounceSettingsKey = QStringLiteral("lan/announce");
const QString ChatController::InterfacesSettingsKey = QStringLiteral("lan/interfaces");
const QString ChatController::ExtraSettingsKey = QStringLiteral("lan/extra");
const QString ChatController::IpMsgPortSettingsKey = QStringLiteral("lan/ipmsgPort");
const QString ChatController::GroupSettingsKey = QStringLiteral("lan/group");
const QString ChatController::DiscoverySettingsKey = QStringLiteral("lan/discovery");

ChatController::Options ChatController::defaultOptions()
{
    const QSettings settings;
    Options options;
    options.historyPath = ChatHistory::defaultPath();
    bool ok = false;
    const int port = settings.value(PortSettingsKey).toInt(&ok);
    if (ok && port >= MinPort && port <= MaxPort)
        options.port = quint16(port);
    options.displayName = settings.value(NameSettingsKey).toString().trimmed();
    QHostAddress address;
    if (address.setAddress(settings.value(AddressSettingsKey).toString()))
        options.bindAddress = address;
    options.listen = settings.value(ListeningSettingsKey, true).toBool();

    options.discovery = settings.value(DiscoverySettingsKey, true).toBool() && !Lan::discoveryTurnedOffByEnvironment();
    options.group = settings.value(GroupSettingsKey).toString();
    const int ipmsgPort = settings.value(IpMsgPortSettingsKey, int(IpMsg::DefaultPort)).toInt(&ok);
    options.lan.ipmsgPort = ok && ipmsgPort >= 0 && ipmsgPort <= MaxPort ? quint16(ipmsgPort) : IpMsg::DefaultPort;
    const QString interfaces = settings.value(InterfacesSettingsKey).toString();
    if (qEnvironmentVariableIsSet(InterfacesVariable))
        options.lan.interfaces = Presence::InterfaceSelection::fromCommaList(qEnvironmentVariable(InterfacesVariable));
    else if (!settings.value(AnnounceSettingsKey, true).toBool())
        options.lan.interfaces = Presence::InterfaceSelection::none();
    else if (!interfaces.trimmed().isEmpty())
        options.lan.interfaces = Presence::InterfaceSelection::fromCommaList(interfaces);
    for (const QString &text :
         settings.value(ExtraSettingsKey).toString().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        QHostAddress extra;
        if (extra.setAddress(text.trimmed()))
            options.lan.extraDestinations.append(extra);
    }
    return options;
}

QString ChatController::defaultDisplayName()
{
    for (const char *variable : {"USER", "LOGNAME", "USERNAME"}) {
        const QString name = qEnvironmentVariable(variable).trimmed();
        if (!name.isEmpty())
            return name;
    }
    return QDir::home().dirName();
}

ChatController::ChatController(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_history(new ChatHistory(this))
{
    if (m_options.historyPath.isEmpty()) {
        m_historyProblem = tr("The chat history is turned off: messages are not kept after Tincan closes.");
    } else if (!m_history->open(m_options.historyPath)) {
        m_historyProblem = tr("The chat history could not be opened, so messages are not kept after Tincan "
                              "closes. %1")
                               .arg(m_history->errorString());
    } else if (!m_history->addDefaultContactsOnce()) {
        addError(m_history->errorString());
    }

    // Without a history this run still needs an id of its own: peers tell
    // Tincans apart by it.
    const QUuid selfId = m_history->isOpen() ? m_history->selfId() : QUuid::createUuid();
    const QString name = m_options.displayName.trimmed().isEmpty() ? defaultDisplayName() : m_options.displayName;
    m_endpoint = new ChatEndpoint(selfId, name, this);
    if (m_options.listen)
        bindEndpoint(m_options.port);
    else
        m_stopped = true;

    m_service = new ChatService(m_history, m_endpoint, this);
    connect(m_service, &ChatService::errorOccurred, this, &ChatController::addError);
    if (!m_history->isOpen()) {
        // The tutorial's contacts, for this run only.
        for (Contact contact : ChatHistory::defaultContacts())
            m_service->addContact(contact);
        connect(m_service, &ChatService::messageAdded, this,
                [this](const StoredMessage &message) { m_memory[message.conversation].append(message); });
        connect(m_service, &ChatService::messageStateChanged, this, [this](const QUuid &id, DeliveryState state) {
            for (QList<StoredMessage> &messages : m_memory)
                for (StoredMessage &message : messages)
                    if (message.outgoing && message.messageId == id)
                        message.state = state;
        });
    }
    m_service->resumeUndelivered();
    if (m_options.discovery)
        startDirectory();
}

Lan::LocalIdentity ChatController::localIdentity() const
{
    Lan::LocalIdentity self;
    self.installId = m_endpoint->selfId();
    self.name = m_endpoint->selfName();
    self.user = defaultDisplayName();
    self.host = QSysInfo::machineHostName();
    self.group = m_options.group;
    self.chatPort = m_endpoint->isBound() ? m_endpoint->localPort() : 0;
    self.away = m_away;
    self.consolePort = m_consolePort;
    return self;
}

void ChatController::startDirectory()
{
    m_service->setIpMsgEndpoint(nullptr);
    delete m_directory;
    m_directory = new Lan::PeerDirectory(localIdentity(), m_options.lan, this);
    connect(m_directory, &Lan::PeerDirectory::peerChanged, this, &ChatController::onPeerChanged);
    connect(m_directory, &Lan::PeerDirectory::problemsChanged, this, &ChatController::problemsChanged);
    m_directory->start();
    // The chat's IP Messenger messages go through the directory's endpoint (null if 2425 was taken).
    m_service->setIpMsgEndpoint(m_directory->ipmsg());
}

void ChatController::onPeerChanged(const Lan::LanPeer &peer)
{
    // A Tincan peer heard by presence speaks Tincan at its chat port: "Automatic" contacts there
    // get reliable delivery, and what waited for it goes out now.
    if (peer.protocol == Lan::PeerProtocol::Tincan && peer.state != Lan::PeerState::Offline && peer.chatPort != 0)
        m_service->peerSeen(ChatPeerAddress{peer.address, peer.chatPort}, true);
}

void ChatController::setAway(bool away)
{
    m_away = away;
    if (m_directory)
        m_directory->setAway(away);
}

void ChatController::setConsolePort(quint16 port)
{
    if (port == m_consolePort)
        return;
    m_consolePort = port;
    if (m_directory)
        m_directory->setSelf(localIdentity());
}

QString ChatController::conversationForPeer(const Lan::LanPeer &peer)
{
    const ChatPeerAddress address{peer.address, peer.chatPort};
    const bool tincan = peer.protocol == Lan::PeerProtocol::Tincan;
    for (const Contact &contact : m_service->contacts()) {
        if (tincan && !peer.installId.isNull() && contact.peerId == peer.installId)
            return ChatService::contactKey(contact.id);
        if (ChatService::parseHost(contact.host) == peer.address && contact.port == peer.chatPort)
            return ChatService::contactKey(contact.id);
    }
    // An IP Messenger's messages are filed under its own conversation: the first one goes there.
    if (peer.protocol == Lan::PeerProtocol::IpMessenger)
        return ChatService::ipmsgKey(address);
    if (!tincan || peer.installId.isNull())
        return ChatService::addressKey(address);
    // A Tincan peer's install id is its chat id: its answers come to this conversation, so
    // that is where the first message goes too. The announcement is as good a word of where it
    // is as a chat datagram.
    const QString key = ChatService::peerKey(peer.installId);
    if (!m_service->destination(key))
        m_service->notePeer(peer.installId, peer.name, address);
    return key;
}

void ChatController::applyLanSettings(bool discovery, const Lan::PeerDirectory::Options &lan, const QString &group)
{
    QSettings settings;
    settings.setValue(DiscoverySettingsKey, discovery);
    settings.setValue(AnnounceSettingsKey, !lan.interfaces.isOff());
    settings.setValue(InterfacesSettingsKey,
                      lan.interfaces.mode() == Presence::InterfaceSelection::Mode::Named
                          ? lan.interfaces.names().join(QLatin1Char(','))
                          : QString());
    QStringList extra;
    for (const QHostAddress &address : lan.extraDestinations)
        extra.append(address.toString());
    settings.setValue(ExtraSettingsKey, extra.join(QLatin1Char(',')));
    settings.setValue(IpMsgPortSettingsKey, int(lan.ipmsgPort));
    settings.setValue(GroupSettingsKey, group);
    m_options.discovery = discovery;
    m_options.lan = lan;
    m_options.group = group;
    m_service->setIpMsgEndpoint(nullptr);
    delete m_directory;
    m_directory = nullptr;
    if (discovery)
        startDirectory();
    Q_EMIT directoryChanged();
    Q_EMIT problemsChanged();
}

ChatController::~ChatController()
{
    // Said on leaving, while the sockets still exist.
    m_service->setIpMsgEndpoint(nullptr);
    delete m_directory;
    m_directory = nullptr;
    // The service refers to both; it goes first, and no datagram may reach it
    // on the way.
    m_endpoint->close();
    delete m_service;
    m_service = nullptr;
}

bool ChatController::bindEndpoint(quint16 port)
{
    const bool bound = m_endpoint->bind(m_options.bindAddress, port, m_options.fallbackToFreePort);
    if (!bound)
        m_bindProblem = tr("The chat cannot receive messages: %1").arg(m_endpoint->errorString());
    else if (m_endpoint->boundToFallbackPort())
        m_bindProblem = tr("UDP port %1 is already in use (by another Tincan or chat program), so the chat "
                           "listens on port %2. Peers must send to port %2 to reach you.")
                            .arg(port)
                            .arg(m_endpoint->localPort());
    else
        m_bindProblem.clear();
    return bound;
}

QStringList ChatController::problems() const
{
    QStringList result;
    if (!m_historyProblem.isEmpty())
        result.append(m_historyProblem);
    if (!m_bindProblem.isEmpty())
        result.append(m_bindProblem);
    if (m_stopped)
        result.append(tr("The chat is stopped, so no messages arrive. Start it in the server window "
                         "(Server → Server Window)."));
    if (m_directory)
        result.append(m_directory->problems());
    result.append(m_errors);
    return result;
}

void ChatController::addError(const QString &error)
{
    if (error.isEmpty())
        return;
    // The same failure repeats for every message: once is enough.
    m_errors.removeAll(error);
    m_errors.append(error);
    while (m_errors.size() > MaxErrorsKept)
        m_errors.removeFirst();
    Q_EMIT problemsChanged();
}

QString ChatController::statusText() const
{
    QString text;
    if (m_stopped)
        text = tr("Chat: stopped");
    else if (!m_endpoint->isBound())
        text = tr("Chat: not listening");
    else if (m_endpoint->boundToFallbackPort())
        text = tr("Chat: port %1 is in use; listening on %2").arg(m_options.port).arg(m_endpoint->localPort());
    else
        text = tr("Chat: UDP port %1").arg(m_endpoint->localPort());
    if (!m_history->isOpen())
        text = tr("%1 · history off").arg(text);
    return text;
}

QString ChatController::statusDetails() const
{
    const QStringList all = problems();
    return all.isEmpty() ? tr("Chat history: %1").arg(QDir::toNativeSeparators(m_history->path()))
                         : all.join(QLatin1Char('\n'));
}

Expected<void> ChatController::applySettings(const QString &displayName, quint16 port)
{
    QSettings settings;
    const QString name = displayName.trimmed();
    settings.setValue(NameSettingsKey, name);
    m_endpoint->setSelfName(name.isEmpty() ? defaultDisplayName() : name);
    if (m_directory)
        m_directory->setName(m_endpoint->selfName());

    Expected<void> result;
    // The same port is tried again when it was taken at the last attempt. A
    // chat the user stopped stays stopped: the new port is used when it starts.
    if (m_stopped) {
        m_options.port = port;
        settings.setValue(PortSettingsKey, int(port));
    } else if (port != m_options.port || !m_endpoint->isBound() || m_endpoint->boundToFallbackPort()) {
        const quint16 previous = m_endpoint->localPort();
        if (bindEndpoint(port)) {
            m_options.port = port;
            settings.setValue(PortSettingsKey, int(port));
        } else {
            result = Failure{m_endpoint->errorString()};
            // Keep listening where we did.
            if (previous != 0 && bindEndpoint(previous))
                m_bindProblem.clear();
        }
        Q_EMIT problemsChanged();
    }
    if (m_directory)
        m_directory->setChatPort(m_endpoint->isBound() ? m_endpoint->localPort() : 0);
    Q_EMIT statusChanged();
    return result;
}

Expected<void> ChatController::listen(const QHostAddress &address, quint16 port)
{
    m_endpoint->close();
    const QHostAddress previousAddress = m_options.bindAddress;
    m_options.bindAddress = address;
    const bool fallback = std::exchange(m_options.fallbackToFreePort, false);
    const bool bound = bindEndpoint(port);
    m_options.fallbackToFreePort = fallback;
    if (bound) {
        m_stopped = false;
        m_options.port = port;
        QSettings settings;
        settings.setValue(AddressSettingsKey, address.toString());
        settings.setValue(PortSettingsKey, int(port));
        settings.setValue(ListeningSettingsKey, true);
        // Messages that gave up while the chat was stopped go out again.
        m_endpoint->retryFailed();
    } else {
        m_stopped = false; // not listening because of the error, which is shown
        m_options.bindAddress = previousAddress;
    }
    if (m_directory)
        m_directory->setChatPort(m_endpoint->isBound() ? m_endpoint->localPort() : 0);
    Q_EMIT problemsChanged();
    Q_EMIT statusChanged();
    if (!bound)
        return Failure{m_endpoint->errorString()};
    return {};
}

void ChatController::stopListening()
{
    m_endpoint->close();
    m_stopped = true;
    m_bindProblem.clear();
    QSettings().setValue(ListeningSettingsKey, false);
    if (m_directory)
        m_directory->setChatPort(0); // listed, but not offering to chat
    Q_EMIT problemsChanged();
    Q_EMIT statusChanged();
}

QList<ConversationSummary> ChatController::conversations() const
{
    if (m_history->isOpen())
        return m_history->conversations();
    // Without a history: this run's conversations, in no particular order
    // (there are none at start).
    QList<ConversationSummary> result;
    for (auto it = m_memory.cbegin(); it != m_memory.cend(); ++it) {
        if (it.value().isEmpty())
            continue;
        ConversationSummary summary;
        summary.key = it.key();
        summary.last = it.value().constLast();
        for (const StoredMessage &message : it.value())
            summary.unread += message.read ? 0 : 1;
        result.append(summary);
    }
    return result;
}

QList<StoredMessage> ChatController::messages(const QString &key) const
{
    if (m_history->isOpen())
        return m_history->messages(key);
    return m_memory.value(key);
}

void ChatController::moveInMemory(const QString &from, const QString &to)
{
    if (from == to || !m_memory.contains(from))
        return;
    QList<StoredMessage> moved = m_memory.take(from);
    for (StoredMessage &message : moved)
        message.conversation = to;
    QList<StoredMessage> &target = m_memory[to];
    target.append(moved);
    std::stable_sort(target.begin(), target.end(),
                     [](const StoredMessage &a, const StoredMessage &b) { return a.time < b.time; });
}

Expected<QString> ChatController::saveAsContact(const QString &key, const QString &name)
{
    const Expected<QString> saved = m_service->saveAsContact(key, name);
    if (!saved)
        return saved;
    moveInMemory(key, *saved);
    Q_EMIT conversationMoved(key, *saved);
    return saved;
}

Expected<void> ChatController::removeContact(qint64 contactId)
{
    const auto contact = m_service->contact(contactId);
    if (!contact)
        return Failure{tr("There is no such contact.")};
    const QString from = ChatService::contactKey(contactId);
    const auto address = m_service->destination(from);
    if (!m_service->removeContact(contactId))
        return Failure{m_history->errorString()};
    // ChatService keeps the messages under the address they were exchanged with.
    if (address) {
        const QString to = ChatService::unsavedKey(*address, contact->protocol);
        moveInMemory(from, to);
        Q_EMIT conversationMoved(from, to);
    }
    return {};
}

} // namespace Tincan
