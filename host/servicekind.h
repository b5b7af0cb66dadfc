// The services a host runs (and the chat, which the main window owns), and
// how a client of one is named across restarts of its service (a restarted
// service numbers its clients from 1 again).
#pragma once

#include <QCoreApplication>
#include <QString>

#include <array>
#include <compare>

namespace Tincan {

enum class ServiceKind {
    Console,
    Chat, // the main window's chat; the server window starts and stops it
    EchoTcp,
    EchoUdp,
    UdpCommands,
};

inline constexpr std::array<ServiceKind, 5> AllServiceKinds = {
    ServiceKind::Console, ServiceKind::Chat, ServiceKind::EchoTcp, ServiceKind::EchoUdp, ServiceKind::UdpCommands,
};

struct ClientRef
{
    ServiceKind service = ServiceKind::Console;
    quint64 run = 0; // which start of the service
    quint64 id = 0;  // the service's own client id
    auto operator<=>(const ClientRef &) const = default;
};

class ServiceNames
{
    Q_DECLARE_TR_FUNCTIONS(ServiceNames)

public:
    // "Console", "TCP echo", ...: what the user reads.
    static QString name(ServiceKind kind);
    // "console", "echo-tcp", ...: QSettings keys and object names, as tincan-cli serve names them.
    static QString key(ServiceKind kind);
};

} // namespace Tincan
