// What every server of Tincan is to its host and its observers (the service
// host, the server window, the command line's log): it listens or is bound
// somewhere, reports its clients and their traffic the same way, and stops on
// request. How it starts differs (each takes its own settings), so starting is
// each service's own method; everything after that is here.
#pragma once

#include "net/services/serviceevents.h"

#include <QHostAddress>
#include <QObject>
#include <QString>

namespace Tincan {

class Service : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Service)

public:
    explicit Service(QObject *parent = nullptr);
    ~Service() override;

    // Listening (TCP) or bound (UDP).
    virtual bool isListening() const = 0;
    // Where it listens, valid while it does (the real port when 0 was asked for).
    virtual QHostAddress address() const = 0;
    virtual quint16 port() const = 0;
    // Why the last start failed.
    virtual QString errorString() const = 0;
    // Emit trafficObserved (costs a copy of every byte; off by default).
    virtual void setTrafficObserved(bool on) = 0;
    // Stops serving. shutdownFinished() follows once nothing runs any more:
    // at once, unless the service has work to end first (the console's commands).
    virtual void shutdown() = 0;
    // Whether disconnectClient() can cut a client (a connection, not a UDP sender).
    virtual bool canDisconnectClients() const { return false; }
    virtual void disconnectClient(quint64 clientId);

Q_SIGNALS:
    void clientConnected(const Tincan::ClientInfo &client);
    // Bytes counted, protocol detected, or the running command changed.
    void clientUpdated(const Tincan::ClientInfo &client);
    void clientDisconnected(quint64 clientId);
    void trafficObserved(quint64 clientId, Tincan::TrafficDirection direction, const QByteArray &bytes);
    void shutdownFinished();
};

} // namespace Tincan
