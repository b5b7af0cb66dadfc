// Which network interfaces presence announces on (docs/PROTOCOL.md §10): every up, non-loopback
// interface that can broadcast or multicast (the default), only the named ones, or none (then
// nothing at all is sent). Loopback is never chosen: a broadcast there reaches no one, and tests
// confine announcements by naming their namespace's own interface. The choice is pure over a
// description of the interfaces, so it is tested without the machine's own.
#pragma once

#include <QHostAddress>
#include <QList>
#include <QNetworkInterface>
#include <QString>
#include <QStringList>

namespace Tincan::Presence {

struct InterfaceInfo
{
    QString name;
    int index = 0;
    bool up = false;
    bool loopback = false;
    bool canBroadcast = false;
    bool canMulticast = false;
    QList<QHostAddress> ipv4Broadcasts; // one per IPv4 address that has one
    bool hasIpv4 = false;
    bool hasIpv6 = false;
    QNetworkInterface interface; // the system's, to join and send on; invalid in pure tests
};

class InterfaceSelection
{
public:
    enum class Mode {
        All,
        Named,
        None,
    };

    InterfaceSelection() = default; // All
    static InterfaceSelection all() { return {}; }
    static InterfaceSelection none();
    static InterfaceSelection named(const QStringList &names);
    // "eth0,wlan0" as TINCAN_ANNOUNCE_INTERFACES or --announce-on give it; blanks are dropped,
    // and an empty list means none.
    static InterfaceSelection fromCommaList(const QString &list);

    Mode mode() const { return m_mode; }
    QStringList names() const { return m_names; }
    bool isOff() const { return m_mode == Mode::None; }

    QList<InterfaceInfo> select(const QList<InterfaceInfo> &available) const;
    // Names asked for that are not among `available`'s usable interfaces (for a warning).
    QStringList missing(const QList<InterfaceInfo> &available) const;

    static QList<InterfaceInfo> systemInterfaces();

private:
    Mode m_mode = Mode::All;
    QStringList m_names;
};

} // namespace Tincan::Presence
