// `tincan-cli passwd`: turns a password into the line a console server keeps
// (`serve --password-hash-file`), so that no file on the server holds the
// password itself.
#pragma once

#include <QStringList>

namespace Tincan::Cli {

int runPasswd(const QStringList &arguments);

} // namespace Tincan::Cli
