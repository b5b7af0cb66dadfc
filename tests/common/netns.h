// A small LAN of network namespaces for tests that broadcast or multicast: `hosts` namespaces,
// each with one veth "eth0" at 198.18.0.N/24 (N = 1, 2, …), or on an IPv6-only link at fe80::N
// alone (no IPv4 address at all), joined by a bridge that lives in a namespace of its own, so nothing at all is added
// to the machine's own network. Names carry this process's id and a random suffix; everything is removed in the
// destructor, and namespaces left behind by a test process that died are removed by the next one. Needs root
// (CAP_NET_ADMIN): `available()` is false with `skipReason()` otherwise, and the test QSKIPs.
#pragma once

#include <QDir>
#include <QProcess>
#include <QRandomGenerator>
#include <QString>
#include <QStringList>

#include <unistd.h>

namespace Tincan::Test {

class NetnsLab
{
    Q_DISABLE_COPY_MOVE(NetnsLab)

public:
    static constexpr char Prefix[] = "tcnp";
    static constexpr int CommandTimeoutMs = 10000;

    enum class Link {
        Ipv4,     // 198.18.0.N/24, and the kernel's own IPv6 link-local address beside it
        Ipv6Only, // fe80::N/64 only: no IPv4 address, no other IPv6 address
    };

    explicit NetnsLab(int hosts, Link link = Link::Ipv4)
    {
        removeStale();
        if (geteuid() != 0) {
            m_skip = QStringLiteral("network namespaces need root");
            return;
        }
        const QString tag = QStringLiteral("%1%2-%3")
                                .arg(QLatin1String(Prefix))
                                .arg(getpid())
                                .arg(QRandomGenerator::global()->bounded(0x100000), 5, 16, QLatin1Char('0'));
        m_hub = tag + QStringLiteral("-hub");
        if (!ip({QStringLiteral("netns"), QStringLiteral("add"), m_hub})) {
            m_skip = QStringLiteral("ip netns add failed: ") + m_lastError;
            return;
        }
        m_namespaces.append(m_hub);
        // Without an MLD querier on the link, the bridge's snooping would decide alone which ports
        // hear an IPv6 group; off, it floods the groups to every port as a switch without it does.
        bool ok = ipIn(m_hub, QStringLiteral("link add br0 type bridge"))
            && (link == Link::Ipv4 || ipIn(m_hub, QStringLiteral("link set br0 type bridge mcast_snooping 0")))
            && ipIn(m_hub, QStringLiteral("link set br0 up"));
        for (int n = 1; ok && n <= hosts; ++n) {
            const QString ns = tag + QStringLiteral("-h%1").arg(n);
            ok = ip({QStringLiteral("netns"), QStringLiteral("add"), ns});
            if (!ok)
                break;
            m_namespaces.append(ns);
            m_hosts.append(ns);
            const QString port = QStringLiteral("p%1").arg(n);
            ok = ipIn(m_hub, QStringLiteral("link add %1 type veth peer name eth0 netns %2").arg(port, ns))
                && ipIn(m_hub, QStringLiteral("link set %1 master br0 up").arg(port));
            if (ok && link == Link::Ipv4)
                ok = ipIn(ns, QStringLiteral("addr add %1/24 brd + dev eth0").arg(address(n)));
            // A known link-local address instead of the kernel's, usable at once (no duplicate
            // address detection to wait for).
            if (ok && link == Link::Ipv6Only)
                ok = ipIn(ns, QStringLiteral("link set eth0 addrgenmode none"))
                    && ipIn(ns, QStringLiteral("addr add fe80::%1/64 dev eth0 nodad").arg(n));
            ok = ok && ipIn(ns, QStringLiteral("link set eth0 up")) && ipIn(ns, QStringLiteral("link set lo up"));
        }
        if (!ok) {
            m_skip = QStringLiteral("could not build the namespaces: ") + m_lastError;
            removeAll();
        }
    }

    ~NetnsLab() { removeAll(); }

    bool available() const { return m_skip.isEmpty(); }
    QString skipReason() const { return m_skip; }
    // The namespace of host n (1-based) and its address.
    QString host(int n) const { return m_hosts.value(n - 1); }
    static QString address(int n) { return QStringLiteral("198.18.0.%1").arg(n); }
    // Host n's address on an Ipv6Only link, as Qt writes it (with its interface).
    static QString ipv6Address(int n) { return QStringLiteral("fe80::%1%eth0").arg(n); }

    // Runs `program arguments` in host n's namespace: the arguments for a QProcess of `ip`.
    QStringList execArguments(int n, const QString &program, const QStringList &arguments) const
    {
        return QStringList{QStringLiteral("netns"), QStringLiteral("exec"), host(n), program} + arguments;
    }
    // An `ip` command inside host n's namespace, e.g. "addr add 198.18.0.12/24 dev eth0".
    bool ipOn(int n, const QString &command) { return ipIn(host(n), command); }
    QString lastError() const { return m_lastError; }

private:
    bool ip(const QStringList &arguments)
    {
        QProcess process;
        process.start(QStringLiteral("ip"), arguments);
        if (!process.waitForFinished(CommandTimeoutMs) || process.exitStatus() != QProcess::NormalExit
            || process.exitCode() != 0) {
            m_lastError = arguments.join(QLatin1Char(' ')) + QStringLiteral(": ")
                + QString::fromLocal8Bit(process.readAllStandardError()).trimmed() + process.errorString();
            return false;
        }
        return true;
    }
    bool ipIn(const QString &ns, const QString &command)
    {
        return ip(QStringList{QStringLiteral("-n"), ns} + command.split(QLatin1Char(' ')));
    }
    void removeAll()
    {
        // The hosts first: deleting the hub then takes the bridge and the veths' ends with it.
        for (auto it = m_namespaces.crbegin(); it != m_namespaces.crend(); ++it)
            ip({QStringLiteral("netns"), QStringLiteral("del"), *it});
        m_namespaces.clear();
        m_hosts.clear();
    }
    // Namespaces of ours whose test process no longer runs (it crashed or was killed).
    void removeStale()
    {
        const QStringList names = QDir(QStringLiteral("/run/netns")).entryList(QDir::Files | QDir::System);
        for (const QString &name : names) {
            if (!name.startsWith(QLatin1String(Prefix)))
                continue;
            const qsizetype dash = name.indexOf(QLatin1Char('-'));
            bool ok = false;
            const int pid = name.mid(qsizetype(sizeof(Prefix) - 1), dash - qsizetype(sizeof(Prefix) - 1)).toInt(&ok);
            if (ok && pid != getpid() && !QDir(QStringLiteral("/proc/%1").arg(pid)).exists())
                ip({QStringLiteral("netns"), QStringLiteral("del"), name});
        }
    }

    QString m_skip;
    QString m_lastError;
    QString m_hub;
    QStringList m_namespaces;
    QStringList m_hosts;
};

} // namespace Tincan::Test
