#include "net/services/udpservice.h"

#include <QNetworkDatagram>
#include <QUdpSocket>

namespace Tincan {

UdpService::UdpService(QObject *parent)
    : Service(parent)
{
}

UdpService::~UdpService() = default;

bool UdpService::bindSocket(const QHostAddress &address, quint16 port)
{
    close();
    auto *socket = new QUdpSocket(this);
    if (!socket->bind(address, port, QAbstractSocket::DontShareAddress)) {
        m_error = socket->error() == QAbstractSocket::AddressInUseError
            ? tr("UDP port %1 on %2 is already in use.").arg(port).arg(address.toString())
            : tr("Cannot bind UDP port %1 on %2: %3").arg(port).arg(address.toString(), socket->errorString());
        delete socket;
        return false;
    }
    m_socket = socket;
    connect(m_socket, &QUdpSocket::readyRead, this, &UdpService::readDatagrams);
    return true;
}

void UdpService::close()
{
    if (m_socket) {
        m_socket->close();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
}

void UdpService::shutdown()
{
    close();
    Q_EMIT shutdownFinished();
}

bool UdpService::isListening() const
{
    return m_socket && m_socket->state() == QAbstractSocket::BoundState;
}

quint16 UdpService::port() const
{
    return m_socket ? m_socket->localPort() : 0;
}

QHostAddress UdpService::address() const
{
    return m_socket ? m_socket->localAddress() : QHostAddress();
}

void UdpService::receivePending(int maxDatagrams, const std::function<void(const QNetworkDatagram &)> &handle)
{
    // The rest wait for the next readyRead, which the socket emits again
    // while datagrams are pending. Reading them from a queued call instead
    // can leave a readyRead with nothing to read behind, after which
    // QUdpSocket never signals again: the service would go deaf.
    for (int handled = 0; handled < maxDatagrams && m_socket && m_socket->hasPendingDatagrams(); ++handled) {
        const QNetworkDatagram datagram = m_socket->receiveDatagram();
        if (datagram.isValid())
            handle(datagram);
    }
}

} // namespace Tincan
