#include "net/services/rawsession.h"

#include "net/console/consoleclient.h"

#include <QNetworkDatagram>
#include <QTcpSocket>
#include <QUdpSocket>

namespace Tincan {

RawSession::RawSession(QObject *parent)
    : QObject(parent)
{
}

RawSession::~RawSession()
{
    // No signals from a dying session.
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void RawSession::open(const QString &host, quint16 port, Transport transport)
{
    close();
    m_host = host;
    m_port = port;
    m_transport = transport;
    m_error.clear();
    if (transport == Transport::Tcp) {
        auto *socket = new QTcpSocket(this);
        socket->setReadBufferSize(ReadBufferSize);
        m_socket = socket;
    } else {
        // A connected UDP socket: datagrams from anyone else are not ours.
        m_socket = new QUdpSocket(this);
    }
    connect(m_socket, &QAbstractSocket::connected, this, &RawSession::opened);
    connect(m_socket, &QAbstractSocket::readyRead, this, &RawSession::onReadyRead);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, &RawSession::onError);
    connect(m_socket, &QAbstractSocket::disconnected, this, &RawSession::closed);
    m_socket->connectToHost(host, port);
}

void RawSession::close()
{
    if (!m_socket)
        return;
    QAbstractSocket *socket = std::exchange(m_socket, nullptr);
    socket->disconnect(this);
    const bool wasOpen = socket->state() == QAbstractSocket::ConnectedState;
    socket->abort();
    socket->deleteLater();
    if (wasOpen)
        Q_EMIT closed();
}

bool RawSession::isOpen() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

bool RawSession::send(const QByteArray &bytes)
{
    if (!isOpen()) {
        m_error = tr("Not connected.");
        return false;
    }
    if (m_transport == Transport::Udp) {
        if (bytes.size() > MaxDatagramSize) {
            m_error = tr("A datagram holds at most %1 bytes.").arg(MaxDatagramSize);
            return false;
        }
        if (static_cast<QUdpSocket *>(m_socket)->write(bytes) != bytes.size()) {
            m_error = m_socket->errorString();
            return false;
        }
        return true;
    }
    m_socket->write(bytes);
    return true;
}

void RawSession::onReadyRead()
{
    if (m_transport == Transport::Udp) {
        auto *socket = static_cast<QUdpSocket *>(m_socket);
        while (socket->hasPendingDatagrams())
            Q_EMIT received(socket->receiveDatagram(MaxDatagramSize + 1).data());
        return;
    }
    Q_EMIT received(m_socket->readAll());
}

void RawSession::onError(QAbstractSocket::SocketError error)
{
    if (!m_socket)
        return;
    // UDP reports an unreachable port (ICMP) this way; the session stays usable.
    m_error = ConsoleClient::describeSocketError(error, m_host, m_port, m_socket->errorString());
    Q_EMIT errorOccurred(m_error);
    if (m_transport == Transport::Tcp && error != QAbstractSocket::RemoteHostClosedError
        && m_socket->state() != QAbstractSocket::ConnectedState) // else disconnected() says it
        Q_EMIT closed();
}

} // namespace Tincan
