// The LAN options `tincan-cli chat`, `send` and `peers` share: where to announce (--announce-on,
// --no-announce, TINCAN_ANNOUNCE_INTERFACES), extra addresses for routed networks (--extra), IP
// Messenger's port (--ipmsg-port, 0: off), and this installation's identity, the same for every
// command, so peers see one Tincan.
#pragma once

#include "net/base/expected.h"
#include "net/lan/peerdirectory.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace Tincan::Cli {

// The variable tests use to keep announcements inside their network namespaces.
inline constexpr char AnnounceInterfacesVariable[] = "TINCAN_ANNOUNCE_INTERFACES";

class LanOptions
{
public:
    // Adds the options to `parser`.
    explicit LanOptions(QCommandLineParser &parser);
    // The directory's options from what was parsed, or why they are wrong.
    Expected<Lan::PeerDirectory::Options> directoryOptions(const QCommandLineParser &parser) const;

private:
    QCommandLineOption m_announceOn;
    QCommandLineOption m_noAnnounce;
    QCommandLineOption m_extra;
    QCommandLineOption m_ipmsgPort;
};

// This installation's id (made once, kept in tincan-cli's settings), the login and machine name.
Lan::LocalIdentity cliLocalIdentity(const QString &name);
// The login name, the default display name.
QString cliUserName();
// Says each of the directory's problems on stderr, prefixed with `command: `.
void reportLanProblems(const QString &command, const Lan::PeerDirectory &directory);
// "* NAME (ADDRESS, PROTOCOL) is online", the line `chat` prints when a peer's state changes.
QString presenceLine(const Lan::LanPeer &peer);

} // namespace Tincan::Cli
