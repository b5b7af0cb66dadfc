// `tincan-cli exec`: runs one command on a console server, like `ssh host cmd`.
#pragma once

#include "app/cli/consolesession.h"

#include <QStringList>

namespace Tincan::Cli {

// Exit codes of exec, as ssh uses them: the remote command's own status,
// 128+N when it was killed by signal N, and these for the client's troubles.
namespace ExecExit {
inline constexpr int ConnectionFailed = SessionExit::ConnectionFailed;
inline constexpr int AuthenticationFailed = SessionExit::AuthenticationFailed;
inline constexpr int IdentityRefused = SessionExit::IdentityRefused;
inline constexpr int UsageError = SessionExit::UsageError;
inline constexpr int InterruptedTwice = SessionExit::InterruptedTwice;
inline constexpr int OutputClosed = 141; // 128 + SIGPIPE
} // namespace ExecExit

int runExec(const QStringList &arguments);

} // namespace Tincan::Cli
