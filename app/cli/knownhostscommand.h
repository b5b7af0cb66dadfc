// `tincan-cli known-hosts`: lists and forgets the console servers' pinned
// TLS fingerprints (the client's known-hosts file).
#pragma once

#include <QStringList>

namespace Tincan::Cli {

int runKnownHosts(const QStringList &arguments);

} // namespace Tincan::Cli
