#include "net/presence/interfaceselection.h"

namespace Tincan::Presence {

namespace {
bool usable(const InterfaceInfo &info)
{
    return info.up && !info.loopback && (info.canBroadcast || info.canMulticast) && (info.hasIpv4 || info.hasIpv6);
}
} // namespace

InterfaceSelection InterfaceSelection::none()
{
    InterfaceSelection selection;
    selection.m_mode = Mode::None;
    return selection;
}

InterfaceSelection InterfaceSelection::named(const QStringList &names)
{
    InterfaceSelection selection;
    selection.m_mode = names.isEmpty() ? Mode::None : Mode::Named;
    selection.m_names = names;
    return selection;
}

InterfaceSelection InterfaceSelection::fromCommaList(const QString &list)
{
    QStringList names;
    for (const QString &part : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString name = part.trimmed();
        if (!name.isEmpty() && !names.contains(name))
            names.append(name);
    }
    return named(names);
}

QList<InterfaceInfo> InterfaceSelection::select(const QList<InterfaceInfo> &available) const
{
    QList<InterfaceInfo> chosen;
    if (m_mode == Mode::None)
        return chosen;
    for (const InterfaceInfo &info : available) {
        if (usable(info) && (m_mode == Mode::All || m_names.contains(info.name)))
            chosen.append(info);
    }
    return chosen;
}

QStringList InterfaceSelection::missing(const QList<InterfaceInfo> &available) const
{
    QStringList absent;
    if (m_mode != Mode::Named)
        return absent;
    const QList<InterfaceInfo> chosen = select(available);
    for (const QString &name : m_names) {
        const bool found = std::any_of(chosen.begin(), chosen.end(), [&](const auto &i) { return i.name == name; });
        if (!found)
            absent.append(name);
    }
    return absent;
}

QList<InterfaceInfo> InterfaceSelection::systemInterfaces()
{
    QList<InterfaceInfo> list;
    for (const QNetworkInterface &iface : QNetworkInterface::allInterfaces()) {
        InterfaceInfo info;
        info.name = iface.name();
        info.index = iface.index();
        const auto flags = iface.flags();
        info.up = flags.testFlag(QNetworkInterface::IsUp) && flags.testFlag(QNetworkInterface::IsRunning);
        info.loopback = flags.testFlag(QNetworkInterface::IsLoopBack);
        info.canBroadcast = flags.testFlag(QNetworkInterface::CanBroadcast);
        info.canMulticast = flags.testFlag(QNetworkInterface::CanMulticast);
        for (const QNetworkAddressEntry &entry : iface.addressEntries()) {
            const QHostAddress ip = entry.ip();
            if (ip.protocol() == QAbstractSocket::IPv4Protocol) {
                info.hasIpv4 = true;
                if (!entry.broadcast().isNull() && info.canBroadcast)
                    info.ipv4Broadcasts.append(entry.broadcast());
            } else if (ip.protocol() == QAbstractSocket::IPv6Protocol) {
                info.hasIpv6 = true;
            }
        }
        info.interface = iface;
        list.append(info);
    }
    return list;
}

} // namespace Tincan::Presence
