#include "net/services/udppeertable.h"

#include <algorithm>

namespace Tincan {

namespace {
// A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; one peer has one address.
QHostAddress normalized(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : address;
}
} // namespace

UdpPeerTable::UdpPeerTable(const QString &defaultProtocol, QObject *parent)
    : QObject(parent)
    , m_defaultProtocol(defaultProtocol)
{
    qRegisterMetaType<Tincan::ClientInfo>();
    qRegisterMetaType<Tincan::TrafficDirection>();
}

void UdpPeerTable::record(const QHostAddress &address, quint16 port, TrafficDirection direction,
                          const QByteArray &bytes, const QString &protocol)
{
    Q_EMIT clientUpdated(count(address, port, direction, bytes, protocol));
}

void UdpPeerTable::recordExchange(const QHostAddress &address, quint16 port, const QByteArray &in,
                                  const QByteArray &out)
{
    count(address, port, TrafficDirection::In, in, {});
    Q_EMIT clientUpdated(count(address, port, TrafficDirection::Out, out, {}));
}

ClientInfo &UdpPeerTable::count(const QHostAddress &address, quint16 port, TrafficDirection direction,
                                const QByteArray &bytes, const QString &protocol)
{
    ClientInfo &info = peer(normalized(address), port, protocol);
    if (!protocol.isEmpty())
        info.protocol = protocol;
    (direction == TrafficDirection::In ? info.bytesIn : info.bytesOut) += bytes.size();
    if (m_observeTraffic)
        Q_EMIT trafficObserved(info.id, direction, bytes);
    return info;
}

void UdpPeerTable::clear()
{
    for (const auto &[key, info] : std::exchange(m_peers, {}))
        Q_EMIT clientDisconnected(info.id);
}

ClientInfo &UdpPeerTable::peer(const QHostAddress &address, quint16 port, const QString &protocol)
{
    const QString key = address.toString() + QLatin1Char('|') + QString::number(port);
    if (const auto it = m_peers.find(key); it != m_peers.end())
        return it->second;
    if (int(m_peers.size()) >= m_maxPeers) {
        const auto oldest = std::min_element(m_peers.begin(), m_peers.end(),
                                             [](const auto &a, const auto &b) { return a.second.id < b.second.id; });
        const quint64 goneId = oldest->second.id;
        m_peers.erase(oldest);
        Q_EMIT clientDisconnected(goneId);
    }
    ClientInfo &info = m_peers[key];
    info.id = m_nextId++;
    info.address = address;
    info.port = port;
    info.protocol = protocol.isEmpty() ? m_defaultProtocol : protocol;
    info.since = QDateTime::currentDateTime();
    Q_EMIT clientConnected(info);
    return info;
}

} // namespace Tincan
