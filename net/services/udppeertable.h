// The senders a UDP service has heard from, shown as its "clients": UDP has no
// connections, so a peer is an address and port, remembered from its first
// datagram until the service closes or the table is full (oldest forgotten).
// Shared by the UDP echo and the chat endpoint so both report peers the way
// the TCP services report connections.
#pragma once

#include "net/services/serviceevents.h"

#include <QObject>

#include <map>

namespace Tincan {

class UdpPeerTable final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UdpPeerTable)

public:
    // Peers remembered; the one heard from first is forgotten past this.
    static constexpr int DefaultMaxPeers = 256;

    explicit UdpPeerTable(const QString &defaultProtocol, QObject *parent = nullptr);

    void setMaxPeers(int max) { m_maxPeers = qMax(1, max); }
    void setTrafficObserved(bool on) { m_observeTraffic = on; }
    bool isTrafficObserved() const { return m_observeTraffic; }

    // Counts a datagram to or from a peer (adding the peer when new) and
    // reports it. An empty protocol keeps the peer's current one.
    void record(const QHostAddress &address, quint16 port, TrafficDirection direction, const QByteArray &bytes,
                const QString &protocol = {});
    // Counts a request and its answer as one report (the echo's exchange).
    void recordExchange(const QHostAddress &address, quint16 port, const QByteArray &in, const QByteArray &out);
    // Forgets every peer (the service closed).
    void clear();
    int size() const { return int(m_peers.size()); }

Q_SIGNALS:
    void clientConnected(const Tincan::ClientInfo &client);
    void clientUpdated(const Tincan::ClientInfo &client);
    void clientDisconnected(quint64 clientId);
    void trafficObserved(quint64 clientId, Tincan::TrafficDirection direction, const QByteArray &bytes);

private:
    ClientInfo &peer(const QHostAddress &address, quint16 port, const QString &protocol);
    ClientInfo &count(const QHostAddress &address, quint16 port, TrafficDirection direction, const QByteArray &bytes,
                      const QString &protocol);

    std::map<QString, ClientInfo> m_peers; // "address|port"
    QString m_defaultProtocol;
    quint64 m_nextId = 1;
    int m_maxPeers = DefaultMaxPeers;
    bool m_observeTraffic = false;
};

} // namespace Tincan
