// The part every UDP service shares: one socket, not shared with another
// process (a second instance must notice the port is taken, not silently
// split the datagrams), bound and closed the same way, read by the service.
#pragma once

#include "net/services/service.h"

#include <functional>

class QNetworkDatagram;
class QUdpSocket;

namespace Tincan {

class UdpService : public Service
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UdpService)

public:
    ~UdpService() override;

    bool isListening() const override;
    QHostAddress address() const override;
    quint16 port() const override;
    QString errorString() const override { return m_error; }
    // Closes the socket at once (a service that keeps more state extends it).
    virtual void close();
    void shutdown() override;

    // The names of UDP: bound, and the local end.
    bool isBound() const { return isListening(); }
    quint16 localPort() const { return port(); }
    QHostAddress localAddress() const { return address(); }

protected:
    explicit UdpService(QObject *parent = nullptr);
    // Binds a new socket (closing any old one first); false with errorString() set.
    bool bindSocket(const QHostAddress &address, quint16 port);
    void setErrorString(const QString &error) { m_error = error; }
    QUdpSocket *socket() const { return m_socket; }
    // The socket has datagrams (readyRead).
    virtual void readDatagrams() = 0;
    // Hands the valid datagrams waiting on the socket to `handle`, one by one,
    // until there are none, the socket is closed (`handle` may close it) or
    // `maxDatagrams` were read.
    void receivePending(int maxDatagrams, const std::function<void(const QNetworkDatagram &)> &handle);

private:
    QUdpSocket *m_socket = nullptr;
    QString m_error;
};

} // namespace Tincan
