#include "net/ipmsg/ipmsgendpoint.h"

#include <QDateTime>
#include <QNetworkDatagram>
#include <QTimer>
#include <QUdpSocket>

#include <algorithm>

namespace Tincan::IpMsg {

namespace {
using Clock = std::chrono::steady_clock;

// What a message with these options asks for no RECVMSG: a broadcast or an automatic answer.
constexpr quint32 NoReplyOptions = Option::BroadcastOpt | Option::AutoRetOpt;

QHostAddress normalized(const QHostAddress &address)
{
    bool isIpv4 = false;
    const quint32 ipv4 = address.toIPv4Address(&isIpv4);
    return isIpv4 ? QHostAddress(ipv4) : address;
}
} // namespace

Endpoint::Endpoint(QObject *parent)
    : QObject(parent)
    , m_retryTimer(new QTimer(this))
    , m_entryAnswerTimer(new QTimer(this))
    , m_entryLimiter(m_limits.entries)
    , m_receiptLimiter(m_limits.receipts)
    , m_infoLimiter(m_limits.info)
{
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &Endpoint::retryPending);
    m_entryAnswerTimer->setSingleShot(true);
    connect(m_entryAnswerTimer, &QTimer::timeout, this, &Endpoint::sendDueEntryAnswers);
}

void Endpoint::setLimits(const Limits &limits)
{
    m_limits = limits;
    m_entryLimiter = AnswerLimiter<QHostAddress>(limits.entries);
    m_receiptLimiter = AnswerLimiter<QHostAddress>(limits.receipts);
    m_infoLimiter = AnswerLimiter<QHostAddress>(limits.info);
}

Endpoint::~Endpoint() = default;

QString Endpoint::versionText()
{
    return QStringLiteral("Tincan %1").arg(QStringLiteral(TINCAN_VERSION));
}

bool Endpoint::bind(const QHostAddress &address, quint16 port)
{
    close();
    auto *socket = new QUdpSocket(this);
    if (!socket->bind(address, port, QAbstractSocket::DontShareAddress)) {
        m_error = socket->error() == QAbstractSocket::AddressInUseError
            ? tr("UDP port %1 on %2 is already in use (is another IP Messenger running?).")
                  .arg(port)
                  .arg(address.toString())
            : tr("Cannot bind UDP port %1 on %2: %3").arg(port).arg(address.toString(), socket->errorString());
        delete socket;
        Q_EMIT errorOccurred(m_error);
        return false;
    }
    m_error.clear();
    m_socket = socket;
    connect(m_socket, &QUdpSocket::readyRead, this, &Endpoint::readDatagrams);
    return true;
}

void Endpoint::close()
{
    if (m_socket) {
        m_socket->close();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    m_retryTimer->stop();
    m_pending.clear();
    m_entryAnswerTimer->stop();
    m_entryAnswers.clear();
}

bool Endpoint::isBound() const
{
    return m_socket && m_socket->state() == QAbstractSocket::BoundState;
}

quint16 Endpoint::localPort() const
{
    return m_socket ? m_socket->localPort() : 0;
}

quint32 Endpoint::nextPacketNo()
{
    // IP Messenger numbers packets from the time in seconds, so that a restarted client does not
    // repeat its last numbers; each one is greater than the last.
    const auto now = quint32(QDateTime::currentSecsSinceEpoch());
    m_lastPacketNo = qMax(now, m_lastPacketNo + 1);
    if (m_lastPacketNo == 0)
        m_lastPacketNo = 1; // 0 is never a packet number (sendMessage returns it for failure)
    return m_lastPacketNo;
}

Packet Endpoint::makePacket(quint32 command, const QString &text, const PeerAddress *to) const
{
    Packet packet;
    packet.version = TincanVersionField;
    packet.user = m_identity.user;
    packet.host = m_identity.host;
    packet.command = command | Option::CapUtf8Opt;
    packet.text = text;
    packet.encoding = TextEncoding::Gb18030;
    if (to) {
        const auto it = m_peers.constFind(*to);
        if (it != m_peers.constEnd() && it->readsUtf8)
            packet.encoding = TextEncoding::Utf8;
    }
    return packet;
}

Packet Endpoint::makeEntry(quint32 mode, bool utf8Reply) const
{
    // As IP Messenger does: the entry in GBK for those who read nothing else, with a UTF-8 copy
    // for those who say CAPUTF8OPT; an answer to one that reads UTF-8 is all UTF-8.
    Packet packet = makePacket(mode | (m_away ? Option::AbsenceOpt : 0), m_identity.nickname, nullptr);
    packet.extras = {m_identity.group};
    if (utf8Reply) {
        packet.encoding = TextEncoding::Utf8;
    } else {
        packet.extras.append(utf8EntryCopy(m_identity.user, m_identity.host, m_identity.nickname, m_identity.group));
    }
    return packet;
}

bool Endpoint::send(const PeerAddress &to, const Packet &packet)
{
    Packet numbered = packet;
    if (numbered.packetNo == 0)
        numbered.packetNo = nextPacketNo();
    const auto datagram = PacketCodec::encode(numbered);
    if (!datagram) {
        m_error = datagram.error();
        return false;
    }
    return sendDatagram(to, *datagram);
}

bool Endpoint::sendDatagram(const PeerAddress &to, const QByteArray &datagram)
{
    if (!m_socket) {
        m_error = tr("The IP Messenger endpoint is not bound to a port.");
        return false;
    }
    if (m_socket->writeDatagram(datagram, to.address, to.port) != datagram.size()) {
        ++m_counters.sendFailures;
        m_error = tr("Could not send to %1: %2").arg(to.address.toString(), m_socket->errorString());
        return false;
    }
    return true;
}

void Endpoint::announceEntry(const QList<PeerAddress> &destinations)
{
    const Packet entry = makeEntry(Mode::BrEntry, false);
    for (const PeerAddress &to : destinations)
        send(to, entry);
}

void Endpoint::announceAbsence(const QList<PeerAddress> &destinations)
{
    const Packet absence = makeEntry(Mode::BrAbsence, false);
    for (const PeerAddress &to : destinations)
        send(to, absence);
}

void Endpoint::announceExit(const QList<PeerAddress> &destinations)
{
    const Packet exit = makeEntry(Mode::BrExit, false);
    for (const PeerAddress &to : destinations)
        send(to, exit);
}

quint32 Endpoint::sendMessage(const PeerAddress &address, const QString &text)
{
    // Peers are known, and their answers matched, by the plain IPv4 address.
    const PeerAddress to{normalized(address.address), address.port};
    if (!m_socket) {
        m_error = tr("The IP Messenger endpoint is not bound to a port.");
        return 0;
    }
    if (m_pending.size() >= MaxPendingMessages) {
        m_error = tr("Too many messages are waiting for an answer; try again later.");
        return 0;
    }
    Packet packet = makePacket(Mode::SendMsg | Option::SendCheckOpt, text, &to);
    packet.packetNo = nextPacketNo();
    const auto datagram = PacketCodec::encode(packet);
    if (!datagram) {
        m_error = datagram.error();
        return 0;
    }
    Pending pending{to, *datagram, 1, Clock::now() + m_retryInterval};
    sendDatagram(to, pending.datagram); // a failed send is tried again like a lost one
    m_pending.insert(packet.packetNo, pending);
    ++m_counters.messagesSent;
    scheduleRetry();
    return packet.packetNo;
}

bool Endpoint::sendReadNotice(const PeerAddress &address, quint32 packetNo)
{
    const PeerAddress to{normalized(address.address), address.port};
    const Packet notice = makePacket(Mode::ReadMsg, QString::number(packetNo), &to);
    return send(to, notice);
}

void Endpoint::scheduleRetry()
{
    if (m_pending.isEmpty()) {
        m_retryTimer->stop();
        return;
    }
    const auto next = std::min_element(m_pending.cbegin(), m_pending.cend(), [](const Pending &a, const Pending &b) {
                          return a.nextTry < b.nextTry;
                      })->nextTry;
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now());
    m_retryTimer->start(std::max(wait, std::chrono::milliseconds(0)));
}

void Endpoint::retryPending()
{
    const auto now = Clock::now();
    QList<std::pair<quint32, PeerAddress>> failed;
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        Pending &pending = it.value();
        if (pending.nextTry > now) {
            ++it;
            continue;
        }
        if (pending.attempts >= MaxAttempts) {
            failed.append({it.key(), pending.to});
            it = m_pending.erase(it);
            continue;
        }
        ++pending.attempts;
        pending.nextTry = now + m_retryInterval;
        sendDatagram(pending.to, pending.datagram);
        ++it;
    }
    scheduleRetry();
    m_counters.messagesFailed += quint64(failed.size());
    for (const auto &[packetNo, to] : failed)
        Q_EMIT messageFailed(
            to, packetNo,
            tr("%1 did not confirm the message after %2 tries.").arg(to.address.toString()).arg(MaxAttempts));
}

QList<Peer> Endpoint::peers() const
{
    return m_peers.values();
}

std::optional<Peer> Endpoint::peer(const PeerAddress &address) const
{
    const auto it = m_peers.constFind(PeerAddress{normalized(address.address), address.port});
    if (it == m_peers.constEnd())
        return std::nullopt;
    return *it;
}

void Endpoint::readDatagrams()
{
    for (int handled = 0; m_socket && m_socket->hasPendingDatagrams(); ++handled) {
        // Let everything else run: the socket signals again while datagrams wait. (Reading the
        // rest from a queued call instead can take the datagrams of a pending readyRead and leave
        // the socket silent.)
        if (handled == MaxDatagramsPerTurn)
            return;
        const qint64 size = m_socket->pendingDatagramSize();
        // One byte more than the limit is enough to tell an oversized datagram.
        const QNetworkDatagram datagram = m_socket->receiveDatagram(MaxDatagramSize + 1);
        if (!datagram.isValid())
            continue;
        ++m_counters.received;
        const PeerAddress from{normalized(datagram.senderAddress()), quint16(datagram.senderPort())};
        if (size > MaxDatagramSize) {
            ++m_counters.rejected;
            Q_EMIT datagramRejected(from,
                                    tr("The datagram is %1 bytes long; an IP Messenger packet has at most %2.")
                                        .arg(size)
                                        .arg(MaxDatagramSize));
            continue;
        }
        const auto known = m_peers.constFind(from);
        const TextEncoding legacy = known != m_peers.constEnd() ? known->unflagged : TextEncoding::Gb18030;
        const auto packet = PacketCodec::decode(datagram.data(), legacy);
        if (!packet) {
            ++m_counters.rejected;
            Q_EMIT datagramRejected(from, packet.error());
            continue;
        }
        handle(from, *packet);
    }
}

void Endpoint::handle(const PeerAddress &from, const Packet &packet)
{
    // Our own announcement, heard back from a broadcast.
    if (from.port == localPort() && packet.user == m_identity.user && packet.host == m_identity.host
        && packet.packetNo <= m_lastPacketNo && isEntryMode(packet.mode()))
        return;
    switch (packet.mode()) {
    case Mode::BrEntry:
    case Mode::AnsEntry:
    case Mode::BrAbsence:
        handleEntry(from, packet);
        break;
    case Mode::BrExit:
        m_seen.forget(from.address, from.port); // its next start may number packets anew
        m_entryAnswers.remove(from);            // gone: nobody to answer
        if (const auto it = m_peers.constFind(from); it != m_peers.constEnd()) {
            const Peer gone = *it;
            m_peers.remove(from);
            m_peerHeard.remove(from);
            Q_EMIT peerExited(gone);
        }
        break;
    case Mode::SendMsg:
        handleMessage(from, packet);
        break;
    case Mode::RecvMsg: {
        bool ok = false;
        const quint32 packetNo = packet.text.trimmed().toUInt(&ok);
        const auto it = m_pending.constFind(packetNo);
        if (!ok || it == m_pending.constEnd() || it->to.address != from.address)
            break; // a late or forged confirmation
        const PeerAddress to = it->to;
        m_pending.remove(packetNo);
        ++m_counters.messagesDelivered;
        scheduleRetry();
        Q_EMIT messageDelivered(to, packetNo);
        break;
    }
    case Mode::ReadMsg: {
        bool ok = false;
        const quint32 packetNo = packet.text.trimmed().toUInt(&ok);
        if (packet.hasOption(Option::ReadCheckOpt))
            answer(m_infoLimiter, from, makePacket(Mode::AnsReadMsg, QString::number(packet.packetNo), &from));
        if (ok)
            Q_EMIT messageRead(from, packetNo);
        break;
    }
    case Mode::GetInfo:
        answer(m_infoLimiter, from, makePacket(Mode::SendInfo, versionText(), &from));
        break;
    case Mode::GetAbsenceInfo:
        // IP Messenger's own answer when not away.
        answer(m_infoLimiter, from,
               makePacket(Mode::SendAbsenceInfo, m_away ? m_identity.absenceText : QStringLiteral("Not absence mode"),
                          &from));
        break;
    default:
        break; // unknown, or not implemented (file transfers, lists, keys): ignored
    }
}

bool Endpoint::answer(AnswerLimiter<QHostAddress> &limiter, const PeerAddress &to, const Packet &packet)
{
    if (!limiter.allow(to.address, Clock::now())) {
        ++m_counters.answersSuppressed;
        return false;
    }
    if (!send(to, packet))
        return false;
    ++m_counters.answersSent;
    return true;
}

void Endpoint::scheduleEntryAnswer(const PeerAddress &to, bool utf8)
{
    // Counted against the limits when it is asked for, so that at most the allowed answers ever
    // wait; a second entry from the same source while one waits is answered by that one.
    const auto now = Clock::now();
    if (m_entryAnswers.contains(to) || m_entryAnswers.size() >= m_limits.maxPendingEntryAnswers
        || !m_entryLimiter.allow(to.address, now)) {
        ++m_counters.answersSuppressed;
        return;
    }
    const auto maxDelay = m_limits.maxEntryAnswerDelay.count();
    const std::chrono::milliseconds delay(maxDelay > 0 ? qint64(m_random.bounded(quint64(maxDelay) + 1)) : 0);
    m_entryAnswers.insert(to, EntryAnswer{utf8, now + delay});
    const auto earliest = std::min_element(m_entryAnswers.cbegin(), m_entryAnswers.cend(),
                                           [](const EntryAnswer &a, const EntryAnswer &b) { return a.due < b.due; })
                              ->due;
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(earliest - now);
    m_entryAnswerTimer->start(std::max(wait, std::chrono::milliseconds(0)));
}

void Endpoint::sendDueEntryAnswers()
{
    const auto now = Clock::now();
    std::optional<Clock::time_point> next;
    for (auto it = m_entryAnswers.begin(); it != m_entryAnswers.end();) {
        if (it->due > now) {
            next = next ? std::min(*next, it->due) : it->due;
            ++it;
            continue;
        }
        if (send(it.key(), makeEntry(Mode::AnsEntry, it->utf8)))
            ++m_counters.answersSent;
        it = m_entryAnswers.erase(it);
    }
    if (next)
        m_entryAnswerTimer->start(
            std::max(std::chrono::duration_cast<std::chrono::milliseconds>(*next - now), std::chrono::milliseconds(0)));
}

Peer &Endpoint::rememberPeer(const PeerAddress &from, const Packet &packet)
{
    const EntryInfo info = entryInfo(packet);
    if (!m_peers.contains(from) && m_peers.size() >= MaxPeers) {
        const auto oldest = std::min_element(m_peerHeard.cbegin(), m_peerHeard.cend());
        m_peers.remove(oldest.key());
        m_seen.forget(oldest.key().address, oldest.key().port);
        m_peerHeard.erase(oldest);
    }
    Peer &peer = m_peers[from];
    peer.address = from;
    peer.user = info.user;
    peer.host = info.host;
    peer.nickname = info.nickname.isEmpty() ? info.user : info.nickname;
    peer.group = info.group;
    peer.version = packet.version;
    // iptux sets ABSENCEOPT on every entry and answer (it has no away state): it means nothing there.
    peer.away = packet.hasOption(Option::AbsenceOpt) && !packet.version.startsWith(IptuxVersionPrefix);
    peer.readsUtf8 = info.readsUtf8;
    peer.unflagged = info.unflagged;
    m_peerHeard.insert(from, ++m_heardCounter);
    return peer;
}

void Endpoint::handleEntry(const PeerAddress &from, const Packet &packet)
{
    if (packet.mode() == Mode::BrEntry) {
        // A new entry may be a restart, which numbers its packets anew.
        m_seen.forget(from.address, from.port);
        scheduleEntryAnswer(from, entryInfo(packet).readsUtf8);
    }
    const bool known = m_peers.contains(from);
    const Peer peer = rememberPeer(from, packet);
    if (packet.mode() == Mode::BrAbsence && known)
        Q_EMIT peerAbsenceChanged(peer);
    else
        Q_EMIT peerEntered(peer);
}

void Endpoint::handleMessage(const PeerAddress &from, const Packet &packet)
{
    if (packet.hasOption(Option::SendCheckOpt) && !(packet.command & NoReplyOptions))
        answer(m_receiptLimiter, from, makePacket(Mode::RecvMsg, QString::number(packet.packetNo), &from));
    if (!m_seen.recordFirst(from.address, from.port, packet.packetNo, Clock::now()))
        return; // a retry: answered again, shown once
    IncomingMessage message;
    message.from = from;
    message.packetNo = packet.packetNo;
    message.user = packet.user;
    message.host = packet.host;
    message.text = packet.text;
    message.sealed = packet.hasOption(Option::SecretOpt);
    message.attachments = packet.hasOption(Option::FileAttachOpt);
    Q_EMIT messageReceived(message);
}

} // namespace Tincan::IpMsg
