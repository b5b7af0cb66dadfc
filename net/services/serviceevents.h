// What every server of Tincan tells its observers (the server window, the
// command line's log): clients coming and going, their traffic, and events.
// Shared by the console, the echo services and the UDP command service.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHostAddress>
#include <QMetaType>
#include <QString>

namespace Tincan {

enum class TrafficDirection {
    In,  // from the client
    Out, // to the client
};

struct ClientInfo
{
    quint64 id = 0; // unique within one service
    QHostAddress address;
    quint16 port = 0;
    QString protocol; // "Tincan", "classic", "TCP", "UDP"
    QDateTime since;
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    QString runningCommand; // empty when none
    bool encrypted = false; // the console over TLS
};

} // namespace Tincan

Q_DECLARE_METATYPE(Tincan::TrafficDirection)
Q_DECLARE_METATYPE(Tincan::ClientInfo)
