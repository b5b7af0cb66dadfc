// This host's part in Tincan's presence protocol (docs/PROTOCOL.md §10): it announces itself on
// the selected interfaces (each IPv4 broadcast address, the IPv4 and IPv6 groups, and any extra
// addresses), answers peers by unicast after a random delay, re-announces slowly, keeps the
// PeerTable of who it hears and reports its changes as PeerEvents. Listening happens on a shared
// discovery port (so two Tincans on one host both hear the LAN); everything is sent from a socket
// of its own on an ephemeral port, so answers reach exactly the process that asked.
#pragma once

#include "net/base/answerlimiter.h"
#include "net/presence/announcement.h"
#include "net/presence/interfaceselection.h"
#include "net/presence/peertable.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QRandomGenerator>
#include <QSet>

#include <chrono>

class QTimer;
class QUdpSocket;

namespace Tincan::Presence {

// What this host says about itself.
struct LocalPeer
{
    QUuid installId; // made once per installation and kept by the caller
    QString name;
    quint16 chatPort = 0;
    quint16 consolePort = 0;
    State state = State::Online;
    QStringList capabilities;
    friend bool operator==(const LocalPeer &, const LocalPeer &) = default;
};

class Announcer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Announcer)

public:
    // Datagrams handled per event-loop turn, so a flood cannot starve the rest of the program.
    static constexpr int MaxDatagramsPerTurn = 64;
    // Answers waiting for their random delay at once; more are not answered.
    static constexpr qsizetype MaxPendingAnswers = 256;
    // How often the table is checked for peers past their hold.
    static constexpr std::chrono::milliseconds ExpiryCheckInterval{250};

    struct Options
    {
        quint16 port = DefaultPort;
        InterfaceSelection interfaces;         // all usable ones unless told otherwise
        QList<QHostAddress> extraDestinations; // unicast or broadcast, for routed networks
        bool ipv6 = true;                      // also the IPv6 link-local group
        std::chrono::milliseconds reannounceInterval{60000};
        std::chrono::milliseconds reannounceJitter{10000}; // ± this much, so hosts drift apart
        std::chrono::milliseconds maxAnswerDelay{1000};
        int missedAnnouncements = 3; // the hold we announce: this many intervals (at their longest)
        qsizetype maxPeers = PeerTable::DefaultCapacity;
        AnswerPolicy answers;
    };

    struct Counters
    {
        quint64 sent = 0;
        quint64 sendFailures = 0;
        quint64 heard = 0;
        quint64 rejected = 0;
        quint64 answersSent = 0;
        quint64 answersSuppressed = 0; // by the limiter or the pending cap
    };
    // Per interface (by name), for the diagnostics view.
    struct InterfaceCounters
    {
        quint64 sent = 0;
        quint64 heard = 0; // valid announcements from an address on one of its subnets
    };

    Announcer(const LocalPeer &self, const Options &options, QObject *parent = nullptr);
    ~Announcer() override;

    // Binds the discovery port, joins the groups and sends a probe. False, with errorString() and
    // errorOccurred, when the port cannot be bound.
    bool start();
    // Sends a leave (if started and announcing) and closes.
    void stop();
    bool isRunning() const;
    QString errorString() const { return m_error; }

    // Announces at once when anything changed.
    void setSelf(const LocalPeer &self);
    void setName(const QString &name);
    void setState(State state);
    const LocalPeer &self() const { return m_self; }
    // Asks every peer again (a probe).
    void probe();
    // Asks one address (a "Find peers…" probe of a routed range); sent even when announcing is
    // off, since the user asked for it, and answered by unicast.
    void probeAt(const QHostAddress &address);

    QList<Peer> peers() const { return m_table.peers(); }
    const PeerTable &table() const { return m_table; }
    const Counters &counters() const { return m_counters; }
    QHash<QString, InterfaceCounters> interfaceCounters() const { return m_interfaceCounters; }
    // The hold this host announces: how long peers keep it without hearing from it.
    std::chrono::seconds announcedHold() const;
    // The interfaces the last announcement went out on (names).
    QStringList activeInterfaces() const { return m_activeInterfaces; }

Q_SIGNALS:
    void peerEvent(const Tincan::Presence::PeerEvent &event);
    void datagramRejected(const QHostAddress &from, quint16 port, const QString &reason);
    void errorOccurred(const QString &error);

private:
    bool bindSockets();
    void joinGroups(const QList<InterfaceInfo> &interfaces);
    void send(Kind kind);
    bool sendTo(QUdpSocket *socket, const QByteArray &datagram, const QHostAddress &to);
    void readDatagrams(QUdpSocket *socket);
    void handle(const Announcement &announcement, const QHostAddress &from, quint16 port);
    void scheduleAnswer(const QUuid &peer, const QHostAddress &to, quint16 port);
    void sendAnswer(const QUuid &peer);
    void scheduleReannounce();
    void expire();
    QByteArray encode(Kind kind) const;
    void countHeard(const QHostAddress &from);

    LocalPeer m_self;
    Options m_options;
    PeerTable m_table;
    AnswerLimiter<QUuid> m_limiter;
    Counters m_counters;
    QString m_error;
    QPointer<QUdpSocket> m_listen4, m_listen6, m_send4, m_send6;
    QTimer *m_reannounce = nullptr;
    QTimer *m_expiry = nullptr;
    struct PendingAnswer
    {
        QHostAddress to;
        quint16 port = 0;
    };
    QHash<QUuid, PendingAnswer> m_pending;
    QSet<int> m_joined4, m_joined6; // interface indexes
    QStringList m_activeInterfaces;
    QList<InterfaceInfo> m_chosen; // where the last announcement went
    QHash<QString, InterfaceCounters> m_interfaceCounters;
    QRandomGenerator m_random;
};

} // namespace Tincan::Presence
