// One IP Messenger participant on one UDP socket (docs/PROTOCOL.md, "IP Messenger"): it answers
// entries, keeps the peers it hears, receives messages (each shown once, every retry answered),
// sends messages with retries until the peer confirms them, read notices and its own entry, away
// state and exit. Where to announce is the caller's choice (a list of addresses); the endpoint
// never looks for broadcast addresses itself. Every automatic answer is limited per source
// address and in all (docs/PROTOCOL.md §9, "Limits"), because a UDP source can be forged.
#pragma once

#include "net/base/answerlimiter.h"
#include "net/ipmsg/ipmsgpacket.h"
#include "net/ipmsg/seenpackets.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QRandomGenerator>
#include <QString>

#include <chrono>

class QTimer;
class QUdpSocket;

namespace Tincan::IpMsg {

// Where a peer listens; IP Messengers answer to the address and port a packet came from.
struct PeerAddress
{
    QHostAddress address;
    quint16 port = DefaultPort;
    friend bool operator==(const PeerAddress &a, const PeerAddress &b)
    {
        return a.port == b.port && a.address == b.address;
    }
    friend size_t qHash(const PeerAddress &key, size_t seed = 0) { return qHashMulti(seed, key.address, key.port); }
};

struct Peer
{
    PeerAddress address;
    QString user;
    QString host;
    QString nickname;
    QString group;
    QByteArray version; // as it wrote it: "1", FeiQ's "1_lbt4_…#…", iptux's "1_iptux …"
    bool away = false;
    bool readsUtf8 = false;                         // our text goes to it as UTF-8 with UTF8OPT
    TextEncoding unflagged = TextEncoding::Gb18030; // how to read its text that lacks UTF8OPT
};

struct IncomingMessage
{
    PeerAddress from;
    quint32 packetNo = 0;
    QString user;
    QString host;
    QString text;
    bool sealed = false;      // SECRETOPT: send a read notice (sendReadNotice) once it is read
    bool attachments = false; // FILEATTACHOPT: files offered, which this endpoint does not fetch
};

class Endpoint final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Endpoint)

public:
    // A message is sent again this long after each try without a RECVMSG…
    static constexpr std::chrono::milliseconds RetryInterval{1000};
    // …and fails after this many tries (iptux tries 4 times, IP Messenger a few more).
    static constexpr int MaxAttempts = 5;
    // Messages waiting for their RECVMSG at once; sending more fails at once.
    static constexpr qsizetype MaxPendingMessages = 256;
    // Peers kept; beyond it the one heard from longest ago is forgotten, so a flood of forged
    // entries cannot grow the table.
    static constexpr qsizetype MaxPeers = 1024;
    // Datagrams handled per event-loop turn, so a flood cannot starve the rest of the program.
    static constexpr int MaxDatagramsPerTurn = 64;
    // An ANSENTRY waits a random delay up to this, as IP Messenger's does on a big LAN, so that a
    // broadcast entry is not answered by every host at once.
    static constexpr std::chrono::milliseconds MaxEntryAnswerDelay{300};
    // ANSENTRYs waiting for their delay at once (one per source address and port); more are
    // suppressed.
    static constexpr qsizetype MaxPendingEntryAnswers = 64;
    // How long the per-source counts below last.
    static constexpr std::chrono::milliseconds AnswerWindow{1000};
    // ANSENTRY: per source address and window; in all, at once and then one per refill.
    static constexpr int EntryAnswersPerSource = 2;
    static constexpr int EntryAnswerBurst = 32;
    static constexpr std::chrono::milliseconds EntryAnswerRefill{50}; // 20 a second
    // RECVMSG, one per SENDMSG and each of its retries (a sender retries about once a second):
    // per source address and window, and in all. A budget of its own, so that a flood of
    // forged entries or queries cannot keep a real peer's messages from being confirmed.
    static constexpr int ReceiptsPerSource = 16;
    static constexpr int ReceiptBurst = 64;
    static constexpr std::chrono::milliseconds ReceiptRefill{10}; // 100 a second
    // SENDINFO, SENDABSENCEINFO and ANSREADMSG: per source address and window, and in all.
    static constexpr int InfoAnswersPerSource = 4;
    static constexpr int InfoAnswerBurst = 16;
    static constexpr std::chrono::milliseconds InfoAnswerRefill{100}; // 10 a second

    // Which automatic answers may go: the constants above, or a test's.
    struct Limits
    {
        AnswerPolicy entries = policy(EntryAnswersPerSource, EntryAnswerBurst, EntryAnswerRefill);
        AnswerPolicy receipts = policy(ReceiptsPerSource, ReceiptBurst, ReceiptRefill);
        AnswerPolicy info = policy(InfoAnswersPerSource, InfoAnswerBurst, InfoAnswerRefill);
        std::chrono::milliseconds maxEntryAnswerDelay = MaxEntryAnswerDelay;
        qsizetype maxPendingEntryAnswers = MaxPendingEntryAnswers;

        static AnswerPolicy policy(int perSource, int burst, std::chrono::milliseconds refill)
        {
            return AnswerPolicy{burst, refill, AnswerWindow, perSource, qsizetype(MaxPeers)};
        }
    };

    // What the endpoint did, for a diagnostics view.
    struct Counters
    {
        quint64 received = 0;          // datagrams read
        quint64 rejected = 0;          // not packets, or oversized (datagramRejected)
        quint64 answersSent = 0;       // ANSENTRY, RECVMSG, ANSREADMSG, SENDINFO, SENDABSENCEINFO
        quint64 answersSuppressed = 0; // by a limit, the pending cap or an ANSENTRY already waiting
        quint64 messagesSent = 0;      // accepted by sendMessage
        quint64 messagesDelivered = 0; // confirmed by RECVMSG
        quint64 messagesFailed = 0;    // unconfirmed after MaxAttempts
        quint64 sendFailures = 0;      // datagrams the socket would not send
    };

    struct Identity
    {
        QString user = QStringLiteral("tincan");     // the login name in every header
        QString host = QStringLiteral("localhost");  // the machine's name in every header
        QString nickname = QStringLiteral("Tincan"); // what peers list
        QString group;                               // the group peers list it under
        QString absenceText;                         // shown to GETABSENCEINFO while away
    };

    explicit Endpoint(QObject *parent = nullptr);
    ~Endpoint() override;

    void setIdentity(const Identity &identity) { m_identity = identity; }
    // For tests, which cannot wait MaxAttempts seconds for a failure.
    void setRetryInterval(std::chrono::milliseconds interval) { m_retryInterval = interval; }
    // Replaces the answer limits (and forgets what they counted); for tests.
    void setLimits(const Limits &limits);
    const Limits &limits() const { return m_limits; }
    const Counters &counters() const { return m_counters; }
    qsizetype pendingEntryAnswerCount() const { return m_entryAnswers.size(); }
    const Identity &identity() const { return m_identity; }
    // The version IP Messenger shows for GETINFO.
    static QString versionText();

    // Binds exclusively (another messenger's 2425 is reported, never shared). False with
    // errorString() set and errorOccurred emitted when the port cannot be had.
    bool bind(const QHostAddress &address = QHostAddress::Any, quint16 port = DefaultPort);
    void close();
    bool isBound() const;
    quint16 localPort() const;
    QString errorString() const { return m_error; }

    // BR_ENTRY (with ABSENCEOPT while away), BR_ABSENCE and BR_EXIT to each destination.
    void announceEntry(const QList<PeerAddress> &destinations);
    void announceAbsence(const QList<PeerAddress> &destinations);
    void announceExit(const QList<PeerAddress> &destinations);
    void setAway(bool away) { m_away = away; }
    bool isAway() const { return m_away; }

    // Sends text with SENDCHECKOPT, again every RetryInterval until RECVMSG comes: then
    // messageDelivered, after MaxAttempts tries messageFailed. Returns the packet number, or 0
    // (with errorString()) when it cannot be sent at all.
    quint32 sendMessage(const PeerAddress &to, const QString &text);
    // READMSG for a sealed message that has been read.
    bool sendReadNotice(const PeerAddress &to, quint32 packetNo);

    QList<Peer> peers() const;
    std::optional<Peer> peer(const PeerAddress &address) const;
    qsizetype pendingMessageCount() const { return m_pending.size(); }

Q_SIGNALS:
    void peerEntered(const Tincan::IpMsg::Peer &peer); // BR_ENTRY or ANSENTRY: new or updated
    void peerAbsenceChanged(const Tincan::IpMsg::Peer &peer);
    void peerExited(const Tincan::IpMsg::Peer &peer);
    void messageReceived(const Tincan::IpMsg::IncomingMessage &message);
    void messageDelivered(const Tincan::IpMsg::PeerAddress &to, quint32 packetNo);
    void messageFailed(const Tincan::IpMsg::PeerAddress &to, quint32 packetNo, const QString &reason);
    void messageRead(const Tincan::IpMsg::PeerAddress &by, quint32 packetNo);
    // A datagram that is not a packet (or is oversized) was ignored.
    void datagramRejected(const Tincan::IpMsg::PeerAddress &from, const QString &reason);
    void errorOccurred(const QString &error);

private:
    struct Pending
    {
        PeerAddress to;
        QByteArray datagram;
        int attempts = 0;
        std::chrono::steady_clock::time_point nextTry;
    };

    struct EntryAnswer
    {
        bool utf8 = false;
        std::chrono::steady_clock::time_point due;
    };

    void readDatagrams();
    // Sends an automatic answer if `limiter` lets it go now; counted either way.
    bool answer(AnswerLimiter<QHostAddress> &limiter, const PeerAddress &to, const Packet &packet);
    void scheduleEntryAnswer(const PeerAddress &to, bool utf8);
    void sendDueEntryAnswers();
    void handle(const PeerAddress &from, const Packet &packet);
    void handleEntry(const PeerAddress &from, const Packet &packet);
    void handleMessage(const PeerAddress &from, const Packet &packet);
    void retryPending();
    void scheduleRetry();
    Peer &rememberPeer(const PeerAddress &from, const Packet &packet);
    // The packet from us with the given mode, in the encoding `to` reads.
    Packet makePacket(quint32 command, const QString &text, const PeerAddress *to) const;
    Packet makeEntry(quint32 mode, bool utf8Reply) const;
    bool send(const PeerAddress &to, const Packet &packet);
    bool sendDatagram(const PeerAddress &to, const QByteArray &datagram);
    quint32 nextPacketNo();

    QPointer<QUdpSocket> m_socket;
    QTimer *m_retryTimer = nullptr;
    QTimer *m_entryAnswerTimer = nullptr;
    Identity m_identity;
    bool m_away = false;
    std::chrono::milliseconds m_retryInterval = RetryInterval;
    QString m_error;
    quint32 m_lastPacketNo = 0;
    QHash<PeerAddress, Peer> m_peers;
    QHash<PeerAddress, quint64> m_peerHeard; // a counter, for forgetting the longest unheard
    quint64 m_heardCounter = 0;
    QHash<quint32, Pending> m_pending; // by packet number
    SeenPackets m_seen;
    Limits m_limits;
    AnswerLimiter<QHostAddress> m_entryLimiter, m_receiptLimiter, m_infoLimiter;
    QHash<PeerAddress, EntryAnswer> m_entryAnswers;
    QRandomGenerator m_random{QRandomGenerator::global()->generate()};
    Counters m_counters;
};

} // namespace Tincan::IpMsg
