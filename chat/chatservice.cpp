#include "chat/chatservice.h"

namespace Tincan {

namespace {
const QString ContactPrefix = QStringLiteral("contact:");
const QString PeerPrefix = QStringLiteral("peer:");
const QString AddressPrefix = QStringLiteral("addr:");
const QString IpMsgPrefix = QStringLiteral("ipmsg:");

std::optional<ChatPeerAddress> parseAddressKey(const QString &key, const QString &prefix = AddressPrefix)
{
    if (!key.startsWith(prefix))
        return std::nullopt;
    QString rest = key.mid(prefix.size());
    const qsizetype colon = rest.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return std::nullopt;
    QString host = rest.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = rest.mid(colon + 1).toUInt(&ok);
    QHostAddress address;
    if (!ok || port == 0 || port > 65535 || !address.setAddress(host))
        return std::nullopt;
    return ChatPeerAddress{address, quint16(port)};
}
} // namespace

ChatService::ChatService(ChatHistory *history, ChatEndpoint *endpoint, QObject *parent)
    : QObject(parent)
    , m_history(history)
    , m_endpoint(endpoint)
    , m_ipmsg(new IpMsgRoute(this))
{
    reloadContacts();
    connect(m_ipmsg, &IpMsgRoute::stateChanged, this, &ChatService::onStateChanged);
    connect(m_ipmsg, &IpMsgRoute::errorOccurred, this, &ChatService::errorOccurred);
    connect(m_ipmsg, &IpMsgRoute::messageReceived, this, &ChatService::onIpMsgReceived);
    connect(m_ipmsg, &IpMsgRoute::packetSent, this, [this](const QUuid &id, quint32 packetNo) {
        if (m_history->isOpen())
            m_history->setIpMsgPacket(id, packetNo);
    });
    m_endpoint->setAcceptor([this](const ChatMessage &message) { return accept(message); });
    connect(m_endpoint, &ChatEndpoint::deliveryStateChanged, this, &ChatService::onStateChanged);
    connect(m_endpoint, &ChatEndpoint::storeFailed, this, &ChatService::errorOccurred);
    connect(m_endpoint, &ChatEndpoint::peerSeen, this,
            [this](const QUuid &peerId, const QString &name, const ChatPeerAddress &address) {
                m_peers.insert(peerId, {name, address});
            });
    connect(m_history, &ChatHistory::errorOccurred, this, &ChatService::errorOccurred);
}

QString ChatService::contactKey(qint64 contactId)
{
    return ContactPrefix + QString::number(contactId);
}

QString ChatService::peerKey(const QUuid &peerId)
{
    return PeerPrefix + peerId.toString(QUuid::WithoutBraces);
}

QString ChatService::addressKey(const ChatPeerAddress &address)
{
    return AddressPrefix + address.toString();
}

QString ChatService::ipmsgKey(const ChatPeerAddress &address)
{
    return IpMsgPrefix + IpMsgRoute::toChat(IpMsgRoute::toIpMsg(address)).toString();
}

QString ChatService::unsavedKey(const ChatPeerAddress &address, ChatProtocol protocol)
{
    return protocol == ChatProtocol::IpMessenger ? ipmsgKey(address) : addressKey(address);
}

void ChatService::setIpMsgEndpoint(IpMsg::Endpoint *endpoint)
{
    m_ipmsg->setEndpoint(endpoint);
}

std::optional<QHostAddress> ChatService::parseHost(const QString &host)
{
    const QString trimmed = host.trimmed();
    if (trimmed.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    QHostAddress address;
    if (!address.setAddress(trimmed))
        return std::nullopt;
    return address;
}

void ChatService::reloadContacts()
{
    m_contacts = m_history->isOpen() ? m_history->contacts() : m_contacts;
}

void ChatService::resumeUndelivered()
{
    for (const StoredMessage &message : m_history->undelivered()) {
        if (message.protocol == ChatProtocol::IpMessenger) {
            // Left Sending: sent as soon as there is an endpoint; left Failed: when the peer is heard.
            m_ipmsg->resume(message.messageId, destination(message.conversation).value_or(message.peer), message.text,
                            message.state == DeliveryState::Failed);
            m_lastWrittenAt.insert(message.peer.toString(), message.conversation);
            continue;
        }
        m_endpoint->resume({message.messageId, message.peer, message.text, message.time.toMSecsSinceEpoch()});
        m_lastWrittenAt.insert(message.peer.toString(), message.conversation);
    }
}

std::optional<Contact> ChatService::contact(qint64 contactId) const
{
    for (const Contact &c : m_contacts)
        if (c.id == contactId)
            return c;
    return std::nullopt;
}

std::optional<Contact> ChatService::contactForConversation(const QString &key) const
{
    if (!key.startsWith(ContactPrefix))
        return std::nullopt;
    bool ok = false;
    const qint64 id = key.mid(ContactPrefix.size()).toLongLong(&ok);
    return ok ? contact(id) : std::nullopt;
}

Expected<void> ChatService::addContact(Contact &contact)
{
    if (!parseHost(contact.host))
        return Failure{tr("\"%1\" is not an IP address.").arg(contact.host)};
    if (m_history->isOpen()) {
        if (!m_history->addContact(contact))
            return Failure{m_history->errorString()};
    } else {
        // No history: the contact lives for this run only.
        qint64 maxId = 0;
        for (const Contact &c : m_contacts)
            maxId = std::max(maxId, c.id);
        contact.id = maxId + 1;
    }
    m_contacts.append(contact);
    Q_EMIT contactsChanged();
    return {};
}

Expected<void> ChatService::updateContact(const Contact &contact)
{
    if (!parseHost(contact.host))
        return Failure{tr("\"%1\" is not an IP address.").arg(contact.host)};
    if (m_history->isOpen() && !m_history->updateContact(contact))
        return Failure{m_history->errorString()};
    for (Contact &c : m_contacts)
        if (c.id == contact.id)
            c = contact;
    Q_EMIT contactsChanged();
    return {};
}

bool ChatService::removeContact(qint64 contactId)
{
    const auto removed = contact(contactId);
    if (!removed)
        return false;
    if (m_history->isOpen() && !m_history->removeContact(contactId))
        return false;
    // The messages stay, under the address they were exchanged with.
    if (const auto address = parseHost(removed->host); address && m_history->isOpen())
        m_history->moveConversation(contactKey(contactId), unsavedKey({*address, removed->port}, removed->protocol));
    m_contacts.removeIf([contactId](const Contact &c) { return c.id == contactId; });
    for (auto it = m_lastWrittenAt.begin(); it != m_lastWrittenAt.end();) {
        if (it.value() == contactKey(contactId))
            it = m_lastWrittenAt.erase(it);
        else
            ++it;
    }
    Q_EMIT contactsChanged();
    return true;
}

Expected<QString> ChatService::saveAsContact(const QString &conversation, const QString &name)
{
    const auto address = destination(conversation);
    if (!address)
        return Failure{tr("This conversation has no address to save.")};
    Contact c;
    c.name = name;
    c.host = address->address.toString();
    c.port = address->port;
    if (conversation.startsWith(PeerPrefix)) {
        c.protocol = ChatProtocol::Tincan;
        c.peerId = QUuid::fromString(conversation.mid(PeerPrefix.size()));
    } else if (conversation.startsWith(IpMsgPrefix)) {
        c.protocol = ChatProtocol::IpMessenger;
    }
    if (const Expected<void> added = addContact(c); !added)
        return Failure{added.error()};
    const QString key = contactKey(c.id);
    if (m_history->isOpen())
        m_history->moveConversation(conversation, key);
    for (auto it = m_lastWrittenAt.begin(); it != m_lastWrittenAt.end(); ++it)
        if (it.value() == conversation)
            it.value() = key;
    if (m_active == conversation)
        m_active = key;
    return key;
}

QString ChatService::conversationTitle(const QString &key) const
{
    if (const auto c = contactForConversation(key))
        return c->name;
    if (const auto address = parseAddressKey(key))
        return address->toString();
    if (const auto address = parseAddressKey(key, IpMsgPrefix)) {
        // The peer's nickname (else its login name) while it is listed; else the name it last wrote under.
        QString name = m_ipmsg->peerName(*address);
        if (name.isEmpty()) {
            const auto last = m_history->messages(key, 50);
            for (auto it = last.crbegin(); it != last.crend() && name.isEmpty(); ++it)
                if (!it->outgoing)
                    name = it->peerName;
        }
        return name.isEmpty() ? address->toString() : name;
    }
    if (key.startsWith(PeerPrefix)) {
        const QUuid peerId = QUuid::fromString(key.mid(PeerPrefix.size()));
        QString name;
        std::optional<ChatPeerAddress> address;
        if (m_peers.contains(peerId)) {
            name = m_peers.value(peerId).first;
            address = m_peers.value(peerId).second;
        } else {
            const auto last = m_history->messages(key, 50);
            for (auto it = last.crbegin(); it != last.crend(); ++it) {
                if (!it->outgoing) {
                    name = it->peerName;
                    address = it->peer;
                    break;
                }
            }
        }
        if (!address)
            return name;
        return name.isEmpty() ? address->toString() : tr("%1 (%2)").arg(name, address->toString());
    }
    return key;
}

std::optional<ChatPeerAddress> ChatService::destination(const QString &key) const
{
    if (const auto c = contactForConversation(key)) {
        const auto address = parseHost(c->host);
        if (!address)
            return std::nullopt;
        return ChatPeerAddress{*address, c->port};
    }
    if (const auto address = parseAddressKey(key))
        return address;
    if (const auto address = parseAddressKey(key, IpMsgPrefix))
        return address;
    if (key.startsWith(PeerPrefix)) {
        const QUuid peerId = QUuid::fromString(key.mid(PeerPrefix.size()));
        if (m_peers.contains(peerId))
            return m_peers.value(peerId).second;
        const auto last = m_history->messages(key, 50);
        for (auto it = last.crbegin(); it != last.crend(); ++it)
            if (!it->outgoing)
                return it->peer;
    }
    return std::nullopt;
}

Expected<StoredMessage> ChatService::send(const QString &conversation, const QString &text)
{
    const auto to = destination(conversation);
    if (!to)
        return Failure{tr("There is no address to send this conversation's messages to.")};
    if (protocolFor(conversation) == ChatProtocol::IpMessenger)
        return sendIpMsg(conversation, *to, text);
    ChatProtocol protocol = ChatProtocol::Auto;
    if (const auto c = contactForConversation(conversation))
        // A contact that has answered as a Tincan peer stays one across restarts.
        protocol = (c->protocol == ChatProtocol::Auto && !c->peerId.isNull()) ? ChatProtocol::Tincan : c->protocol;
    else if (conversation.startsWith(PeerPrefix))
        protocol = ChatProtocol::Tincan;
    const ChatProtocol resolved = m_endpoint->resolve(*to, protocol);

    const Expected<QUuid> sent = m_endpoint->send(*to, text, protocol);
    if (!sent)
        return Failure{sent.error()};
    const QUuid id = *sent;
    m_lastWrittenAt.insert(to->toString(), conversation);

    StoredMessage message;
    message.conversation = conversation;
    message.outgoing = true;
    message.messageId = id;
    message.peer = *to;
    message.text = text;
    message.time = QDateTime::currentDateTimeUtc();
    message.classic = resolved == ChatProtocol::Classic;
    message.protocol = message.classic ? ChatProtocol::Classic : ChatProtocol::Tincan;
    // The endpoint's own signal (queued) will say Sent or Sending; a fresh
    // Tincan message starts as Sending, a classic one is Sent at once.
    message.state
        = message.classic ? DeliveryState::Sent : m_endpoint->pendingState(id).value_or(DeliveryState::Sending);
    message.read = true;
    if (m_history->isOpen())
        m_history->appendOutgoing(message); // a failure is reported by errorOccurred
    Q_EMIT messageAdded(message);
    return message;
}

bool ChatService::retry(const QUuid &messageId)
{
    if (m_endpoint->retry(messageId) || m_ipmsg->retry(messageId))
        return true;
    // Not queued in this run (the endpoint forgot it): queue it again.
    const auto stored = m_history->message(messageId);
    if (!stored || !stored->outgoing || stored->classic || stored->state == DeliveryState::Delivered)
        return false;
    if (stored->protocol == ChatProtocol::IpMessenger) {
        m_ipmsg->resume(messageId, destination(stored->conversation).value_or(stored->peer), stored->text, true);
        return m_ipmsg->retry(messageId);
    }
    // The conversation's current address: a peer may have moved since.
    const ChatPeerAddress to = destination(stored->conversation).value_or(stored->peer);
    m_endpoint->resume({stored->messageId, to, stored->text, stored->time.toMSecsSinceEpoch()});
    return true;
}

void ChatService::notePeer(const QUuid &peerId, const QString &name, const ChatPeerAddress &address)
{
    m_peers.insert(peerId, {name, address});
}

void ChatService::peerSeen(const ChatPeerAddress &address, bool speaksTincan)
{
    m_endpoint->peerHeard(address, speaksTincan);
}

void ChatService::setActiveConversation(const QString &key)
{
    m_active = key;
    if (!key.isEmpty())
        markRead(key);
}

void ChatService::markRead(const QString &key)
{
    if (m_history->isOpen())
        m_history->markRead(key);
    sendReadNotices(key);
}

ChatProtocol ChatService::protocolFor(const QString &conversation) const
{
    if (conversation.startsWith(IpMsgPrefix))
        return ChatProtocol::IpMessenger;
    if (conversation.startsWith(PeerPrefix))
        return ChatProtocol::Tincan;
    const auto to = destination(conversation);
    const auto c = contactForConversation(conversation);
    if (c && c->protocol != ChatProtocol::Auto)
        return c->protocol;
    // Auto: a Tincan peer (known by id, or heard speaking Tincan) first, then an IP Messenger
    // heard at that very address and port, else the classic datagram.
    if ((c && !c->peerId.isNull()) || (to && m_endpoint->isTincanPeer(*to)))
        return ChatProtocol::Tincan;
    if (to && m_ipmsg->isIpMsgPeer(*to))
        return ChatProtocol::IpMessenger;
    return ChatProtocol::Classic;
}

Expected<StoredMessage> ChatService::sendIpMsg(const QString &conversation, const ChatPeerAddress &to,
                                               const QString &text)
{
    StoredMessage message;
    message.conversation = conversation;
    message.outgoing = true;
    message.messageId = QUuid::createUuid();
    message.peer = IpMsgRoute::toChat(IpMsgRoute::toIpMsg(to));
    message.text = text;
    message.time = QDateTime::currentDateTimeUtc();
    message.protocol = ChatProtocol::IpMessenger;
    message.read = true;
    // Kept by the route either way: a message that cannot go now is Failed, and goes when it can.
    const Expected<quint32> sent = m_ipmsg->send(message.messageId, message.peer, text);
    if (!sent && !m_ipmsg->isKept(message.messageId))
        return Failure{sent.error()};
    message.state = sent ? DeliveryState::Sending : DeliveryState::Failed;
    message.ipmsgPacket = sent ? *sent : 0;
    m_lastWrittenAt.insert(message.peer.toString(), conversation);
    if (m_history->isOpen())
        m_history->appendOutgoing(message); // a failure is reported by errorOccurred
    Q_EMIT messageAdded(message);
    if (!sent)
        Q_EMIT errorOccurred(sent.error());
    return message;
}

QString ChatService::ipmsgConversationFor(const ChatPeerAddress &from) const
{
    // Where we last wrote to that address by IP Messenger; else a contact there under IP
    // Messenger or Automatic; else the address's own IP Messenger conversation.
    const QString last = m_lastWrittenAt.value(from.toString());
    if (!last.isEmpty() && protocolFor(last) == ChatProtocol::IpMessenger)
        return last;
    for (const Contact &c : std::as_const(m_contacts)) {
        const auto address = parseHost(c.host);
        if (address && c.port == from.port && IpMsgRoute::toChat({*address, c.port}) == from
            && (c.protocol == ChatProtocol::IpMessenger || (c.protocol == ChatProtocol::Auto && c.peerId.isNull())))
            return contactKey(c.id);
    }
    return ipmsgKey(from);
}

void ChatService::onIpMsgReceived(const IpMsg::IncomingMessage &incoming)
{
    // The endpoint has already answered retries and passes each message once.
    StoredMessage message;
    message.peer = IpMsgRoute::toChat(incoming.from);
    message.conversation = ipmsgConversationFor(message.peer);
    message.outgoing = false;
    message.messageId = QUuid::createUuid();
    const QString name = m_ipmsg->peerName(message.peer);
    message.peerName = name.isEmpty() ? incoming.user : name;
    message.text = incoming.text;
    message.time = QDateTime::currentDateTimeUtc();
    message.protocol = ChatProtocol::IpMessenger;
    message.ipmsgPacket = incoming.packetNo;
    message.read = message.conversation == m_active;
    message.readNoticeDue = incoming.sealed;
    if (!m_history->isOpen() && incoming.sealed)
        m_readNoticesDue[message.conversation].append({message.peer, incoming.packetNo});
    if (m_history->isOpen())
        m_history->appendIncoming(message); // a failure is reported by errorOccurred; it is shown anyway
    Q_EMIT messageAdded(message);
    // In the conversation in front, it is read as it arrives.
    if (message.read)
        sendReadNotices(message.conversation);
}

void ChatService::sendReadNotices(const QString &key)
{
    // Each sealed message's READMSG goes once, when it has been read; never before.
    for (const auto &[to, packetNo] : m_readNoticesDue.take(key))
        m_ipmsg->sendReadNotice(to, packetNo);
    if (!m_history->isOpen())
        return;
    for (const StoredMessage &message : m_history->readNoticesDue(key))
        if (m_ipmsg->sendReadNotice(message.peer, message.ipmsgPacket))
            m_history->setReadNoticeSent(message.rowId);
}

QString ChatService::conversationFor(const ChatMessage &message)
{
    const QString where = message.from.toString();
    if (!message.classic) {
        // Tincan peers are told apart by id, whatever address they use.
        for (const Contact &c : std::as_const(m_contacts))
            if (c.peerId == message.peerId)
                return contactKey(c.id);
        // An answer to the contact last written to at this address makes
        // that contact this peer's.
        const QString last = m_lastWrittenAt.value(where);
        if (auto c = contactForConversation(last);
            c && c->peerId.isNull() && (c->protocol == ChatProtocol::Auto || c->protocol == ChatProtocol::Tincan)) {
            c->peerId = message.peerId;
            updateContact(*c);
            return last;
        }
        const QString key = peerKey(message.peerId);
        m_peers.insert(message.peerId, {message.peerName, message.from});
        return key;
    }
    // Classic: a reply goes where we last wrote at that address.
    const QString last = m_lastWrittenAt.value(where);
    if (!last.isEmpty())
        return last;
    for (const Contact &c : std::as_const(m_contacts)) {
        const auto address = parseHost(c.host);
        if (address && c.port == message.from.port && *address == message.from.address && c.peerId.isNull())
            return contactKey(c.id);
    }
    return addressKey(message.from);
}

ChatEndpoint::AcceptResult ChatService::accept(const ChatMessage &incoming)
{
    StoredMessage message;
    message.conversation = conversationFor(incoming);
    message.outgoing = false;
    message.messageId = incoming.id;
    message.peerId = incoming.peerId;
    message.peerName = incoming.peerName;
    message.peer = incoming.from;
    message.text = incoming.text;
    message.time = incoming.time;
    message.classic = incoming.classic;
    message.protocol = incoming.classic ? ChatProtocol::Classic : ChatProtocol::Tincan;
    message.read = message.conversation == m_active;

    if (!m_history->isOpen()) {
        // No memory: show it, and acknowledge (the user has seen it).
        Q_EMIT messageAdded(message);
        return ChatEndpoint::AcceptResult::Stored;
    }
    bool duplicate = false;
    if (!m_history->appendIncoming(message, &duplicate)) {
        if (incoming.classic)
            Q_EMIT messageAdded(message); // a classic sender will not resend it
        return ChatEndpoint::AcceptResult::Failed;
    }
    if (duplicate)
        return ChatEndpoint::AcceptResult::Duplicate;
    Q_EMIT messageAdded(message);
    return ChatEndpoint::AcceptResult::Stored;
}

void ChatService::onStateChanged(const QUuid &messageId, DeliveryState state)
{
    if (m_history->isOpen())
        m_history->setState(messageId, state);
    Q_EMIT messageStateChanged(messageId, state);
}

} // namespace Tincan
