#include "host/servicekind.h"

namespace Tincan {

QString ServiceNames::name(ServiceKind kind)
{
    switch (kind) {
    case ServiceKind::Console:
        return tr("Console");
    case ServiceKind::Chat:
        return tr("Chat");
    case ServiceKind::EchoTcp:
        return tr("TCP echo");
    case ServiceKind::EchoUdp:
        return tr("UDP echo");
    case ServiceKind::UdpCommands:
        return tr("UDP commands");
    }
    return {};
}

QString ServiceNames::key(ServiceKind kind)
{
    switch (kind) {
    case ServiceKind::Console:
        return QStringLiteral("console");
    case ServiceKind::Chat:
        return QStringLiteral("chat");
    case ServiceKind::EchoTcp:
        return QStringLiteral("echo-tcp");
    case ServiceKind::EchoUdp:
        return QStringLiteral("echo-udp");
    case ServiceKind::UdpCommands:
        return QStringLiteral("exec-udp");
    }
    return {};
}

} // namespace Tincan
