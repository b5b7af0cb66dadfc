// Where a client keeps the servers it trusts: a known-hosts file (see
// KnownHosts), or, without one, memory that lasts as long as this object.
// ConsoleClient asks it for a server's pin before the TLS handshake and tells
// it to remember one the user (or trust on first use) accepted.
#pragma once

#include "net/base/expected.h"
#include "net/tls/tlsfingerprint.h"

#include <QCoreApplication>
#include <QHash>
#include <QString>

namespace Tincan {

class ServerPins final
{
    Q_DECLARE_TR_FUNCTIONS(Tincan::ServerPins)

public:
    // Empty: pins are kept in memory only.
    void setKnownHostsPath(const QString &path) { m_knownHostsPath = path; }
    QString knownHostsPath() const { return m_knownHostsPath; }

    struct Pin
    {
        TlsFingerprint expected; // null: nothing is pinned for the server
        int line = 0;            // the known-hosts file's line holding it; 0 in memory
    };
    // The pin for `host`:`port`; fails when the known-hosts file cannot be read.
    Expected<Pin> find(const QString &host, quint16 port) const;
    // Pins `fingerprint` for `host`:`port`, replacing an older pin; fails when
    // the file cannot be written, or the host is no name or address.
    Expected<void> remember(const QString &host, quint16 port, const TlsFingerprint &fingerprint);

private:
    QString m_knownHostsPath;
    QHash<QString, TlsFingerprint> m_memory; // by KnownHostsList::hostKey
};

} // namespace Tincan
