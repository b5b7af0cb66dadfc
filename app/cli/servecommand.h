// `tincan-cli serve`: the servers, for machines with no display.
#pragma once

#include <QStringList>

namespace Tincan::Cli {

int runServe(const QStringList &arguments);

} // namespace Tincan::Cli
