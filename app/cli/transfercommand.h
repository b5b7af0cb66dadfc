// `tincan-cli upload LOCAL [REMOTE]` and `tincan-cli download REMOTE [LOCAL]`:
// one file to or from a console server's session directory, like scp.
#pragma once

#include "app/cli/consolesession.h"

#include <QStringList>

namespace Tincan::Cli {

// Exit codes of upload and download; the client's troubles (253-255, 2) are
// those of exec.
namespace TransferExit {
inline constexpr int Refused = 1;   // the server (or, for a local file that exists, this client) said no
inline constexpr int Mismatch = 3;  // all bytes arrived but their MD5 was wrong; nothing was kept
inline constexpr int LocalFile = 4; // the local file could not be read or written
inline constexpr int ConnectionFailed = SessionExit::ConnectionFailed; // also: cut during the transfer
inline constexpr int Interrupted = 130; // Ctrl+C: the partial file stays, the same command resumes
} // namespace TransferExit

int runUpload(const QStringList &arguments);
int runDownload(const QStringList &arguments);

} // namespace Tincan::Cli
