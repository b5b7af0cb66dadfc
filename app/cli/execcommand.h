// `tincan-cli exec`: runs one command on a console server, like `ssh host cmd`.
#pragma once

#include <QStringList>

namespace Tincan::Cli {

// Exit codes of exec, as ssh uses them: the remote command's own status,
// 128+N when it was killed by signal N, and these for the client's troubles.
namespace ExecExit {
inline constexpr int ConnectionFailed = 255;
// The login failed: no password to give, a wrong one, a penalised address,
// or the server's policy refused this client (a classic client from afar).
inline constexpr int AuthenticationFailed = 254;
// The server's TLS identity was refused: unknown (and not accepted), or
// different from the pinned one. Nothing was sent to it.
inline constexpr int IdentityRefused = 253;
inline constexpr int UsageError = 2;
inline constexpr int InterruptedTwice = 130; // 128 + SIGINT
inline constexpr int OutputClosed = 141;     // 128 + SIGPIPE
} // namespace ExecExit

int runExec(const QStringList &arguments);

// The known-hosts file used when --known-hosts is not given.
QString defaultKnownHostsPath();

} // namespace Tincan::Cli
