// `tincan-cli echo`: a client for the upper-case echo services.
#pragma once

#include <QStringList>

namespace Tincan::Cli {

int runEcho(const QStringList &arguments);

} // namespace Tincan::Cli
