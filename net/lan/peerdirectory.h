// The people on the LAN, whichever protocol they speak (docs/PROTOCOL.md §9 and §10): Tincan's
// presence (a Presence::Announcer) and IP Messenger (an IpMsg::Endpoint on 2425) merged into one
// list of LanPeers with a name, host, group, protocol and state. The chat window, `tincan-cli
// chat` and `tincan-cli peers` all take their peers from here, so they list, name and announce
// alike. Where to announce is the caller's choice (Options), down to nowhere at all: with
// announcing off nothing is broadcast or multicast, only heard and answered by unicast.
#pragma once

#include "net/base/expected.h"
#include "net/ipmsg/ipmsgendpoint.h"
#include "net/presence/announcer.h"

#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QTimer>
#include <QUuid>

#include <optional>

namespace Tincan::Lan {

enum class PeerProtocol {
    Tincan,
    IpMessenger,
};

enum class PeerState {
    Online,
    Away,
    Offline, // heard this run, then left or aged out; kept so the list can say so
};

QString protocolName(PeerProtocol protocol); // "tincan", "ipmsg": for the command line
QString stateName(PeerState state);          // "online", "away", "offline"

struct LanPeer
{
    QString key; // stable while it runs: "tincan/<install id>" or "ipmsg/<address>:<port>"
    PeerProtocol protocol = PeerProtocol::Tincan;
    QString name;         // what to call it: the display name, an IP Messenger's nickname or user
    QString user;         // IP Messenger: the login name
    QString host;         // IP Messenger: the machine's name
    QString group;        // IP Messenger: the group it lists itself under
    QHostAddress address; // where it was last heard from
    quint16 chatPort = 0; // where its messages go: Tincan's chat port, IP Messenger's port
    quint16 consolePort = 0;
    PeerState state = PeerState::Online;
    QUuid installId; // Tincan
    QString version; // IP Messenger: the version field it wrote ("1_iptux …")
    QDateTime lastHeard;
    friend bool operator==(const LanPeer &, const LanPeer &) = default;
};

// What this host says about itself, in both protocols.
struct LocalIdentity
{
    QUuid installId;
    QString name;
    QString user;  // login name, for IP Messenger's header
    QString host;  // machine name, for IP Messenger's header
    QString group; // IP Messenger's group
    quint16 chatPort = 0;
    quint16 consolePort = 0;
    bool away = false;
    friend bool operator==(const LocalIdentity &, const LocalIdentity &) = default;
};

class PeerDirectory final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PeerDirectory)

public:
    // Peers that went offline are kept, the longest gone dropped first, beyond this many.
    static constexpr qsizetype MaxOfflineKept = 256;
    // "Find peers…": addresses in one probe at most (a /22), and how fast they are asked, so a
    // probe of a routed range is never a flood.
    static constexpr qsizetype MaxProbeAddresses = 1024;
    static constexpr int ProbesPerSecond = 50;

    struct Options
    {
        // Where to announce: every usable interface, named ones, or none (listen only).
        Presence::InterfaceSelection interfaces;
        // Extra broadcast or unicast addresses to announce to (routed networks), both protocols.
        QList<QHostAddress> extraDestinations;
        quint16 presencePort = Presence::DefaultPort; // 0: no Tincan presence
        quint16 ipmsgPort = IpMsg::DefaultPort;       // 0: no IP Messenger
        QHostAddress ipmsgBindAddress = QHostAddress(QHostAddress::AnyIPv4);
        // For tests and benchmarks: the announcer's timing.
        std::optional<Presence::Announcer::Options> presence;
    };

    // Per-interface traffic for the diagnostics view.
    struct InterfaceReport
    {
        QString name;
        QStringList addresses;
        QStringList broadcasts;
        quint64 presenceSent = 0;  // Tincan announcements sent on it
        quint64 presenceHeard = 0; // and heard from its subnets
        qsizetype ipmsgPeers = 0;  // IP Messenger peers listed on its subnets
    };

    PeerDirectory(const LocalIdentity &self, const Options &options, QObject *parent = nullptr);
    ~PeerDirectory() override;

    // Starts both protocols. A port that cannot be had (another messenger on 2425, the discovery
    // port) is a problem(), not a failure: the other protocol goes on.
    void start();
    // Announces leaving in both protocols (unless announcing is off) and stops.
    void stop();
    bool isRunning() const { return m_running; }
    // One plain sentence per thing that does not work (a port taken, a named interface missing).
    QStringList problems() const { return m_problems; }

    const LocalIdentity &self() const { return m_self; }
    void setSelf(const LocalIdentity &self);
    void setName(const QString &name);
    void setAway(bool away);
    void setChatPort(quint16 port);
    const Options &options() const { return m_options; }

    // Every peer heard this run, sorted by group, then name.
    QList<LanPeer> peers() const;
    std::optional<LanPeer> peer(const QString &key) const;
    // The peers called `name` (case-insensitive), online ones first.
    QList<LanPeer> findByName(const QString &name) const;
    // The peer whose messages go to address:port, if one was heard there.
    std::optional<LanPeer> peerAt(const QHostAddress &address, quint16 port) const;

    // Asks everyone again, in both protocols (what "Refresh" does).
    void refresh();
    // "Find peers…": asks every address from `first` to `last` (IPv4, at most MaxProbeAddresses),
    // ProbesPerSecond at a time, in both protocols. Returns how many will be asked.
    Expected<qsizetype> probeRange(const QHostAddress &first, const QHostAddress &last);
    bool isProbing() const { return !m_probeQueue.isEmpty(); }

    // The protocols' own objects: the chat sends IP Messenger messages through ipmsg(), and the
    // diagnostics view reads their counters. Null when that protocol is off or its port was taken.
    Presence::Announcer *announcer() const { return m_announcer; }
    IpMsg::Endpoint *ipmsg() const { return m_ipmsg; }
    // Where IP Messenger's entry and exit go: each chosen interface's broadcast and the extras.
    QList<IpMsg::PeerAddress> ipmsgDestinations() const;
    QList<InterfaceReport> interfaceReports() const;
    // The newest errors of either protocol (send failures, a port lost), newest last.
    QStringList recentErrors() const { return m_errors; }
    static constexpr qsizetype MaxErrorsKept = 5;

Q_SIGNALS:
    // A peer appeared (isNew), changed state, name or address, or went offline.
    void peerChanged(const Tincan::Lan::LanPeer &peer, bool isNew);
    void problemsChanged();
    void probeProgress(qsizetype done, qsizetype total);

private:
    void onPresenceEvent(const Presence::PeerEvent &event);
    void onIpMsgPeer(const IpMsg::Peer &peer, PeerState state);
    void update(LanPeer peer);
    void addError(const QString &error);
    void probeNext();
    void trimOffline();

    LocalIdentity m_self;
    Options m_options;
    Presence::Announcer *m_announcer = nullptr;
    IpMsg::Endpoint *m_ipmsg = nullptr;
    bool m_running = false;
    QStringList m_problems;
    QStringList m_errors;
    QHash<QString, LanPeer> m_peers;
    QList<QHostAddress> m_probeQueue;
    qsizetype m_probeTotal = 0;
    QTimer m_probeTimer;
};

// TINCAN_DISCOVERY=off turns finding peers off entirely (nothing sent, nothing heard): the test
// suite sets it, so only its network-namespace tests, which set it on, ever touch discovery.
inline constexpr char DiscoveryVariable[] = "TINCAN_DISCOVERY";
bool discoveryTurnedOffByEnvironment();

// The two protocols' pieces of a LocalIdentity.
Presence::LocalPeer presenceSelf(const LocalIdentity &self);
IpMsg::Endpoint::Identity ipmsgSelf(const LocalIdentity &self);

} // namespace Tincan::Lan
