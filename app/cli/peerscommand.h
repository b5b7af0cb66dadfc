// `tincan-cli peers`: asks the LAN who is there (Tincan presence, and IP Messenger on 2425) and
// prints one line per peer heard: ADDRESS PROTOCOL STATE NAME.
#pragma once

#include <QStringList>

namespace Tincan::Cli {

int runPeers(const QStringList &arguments);

} // namespace Tincan::Cli
