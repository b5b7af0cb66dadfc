#include "net/tls/serverpins.h"

#include "net/tls/knownhosts.h"

namespace Tincan {

Expected<ServerPins::Pin> ServerPins::find(const QString &host, quint16 port) const
{
    if (m_knownHostsPath.isEmpty()) {
        const std::optional<QString> key = KnownHostsList::hostKey(host, port);
        return Pin{key ? m_memory.value(*key) : TlsFingerprint(), 0};
    }
    KnownHosts knownHosts(m_knownHostsPath);
    if (!knownHosts.load())
        return Failure{knownHosts.errorString()};
    // A null fingerprint matches no entry: the lookup finds the pin and its line.
    const KnownHostsList::Lookup found = knownHosts.lookup(host, port, TlsFingerprint());
    return Pin{found.expected, found.line};
}

Expected<void> ServerPins::remember(const QString &host, quint16 port, const TlsFingerprint &fingerprint)
{
    if (fingerprint.isNull())
        return Failure{tr("There is no fingerprint to pin.")};
    if (m_knownHostsPath.isEmpty()) {
        const std::optional<QString> key = KnownHostsList::hostKey(host, port);
        if (!key)
            return Failure{tr("\"%1\" is not a host name or address that can be pinned.").arg(host.left(64))};
        m_memory.insert(*key, fingerprint);
        return {};
    }
    KnownHosts knownHosts(m_knownHostsPath);
    if (!knownHosts.remember(host, port, fingerprint))
        return Failure{knownHosts.errorString()};
    return {};
}

} // namespace Tincan
