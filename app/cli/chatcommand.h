// `tincan-cli chat` and `tincan-cli send`: the chat without a window.
#pragma once

#include <QStringList>

namespace Tincan::Cli {

namespace ChatExit {
inline constexpr int NotDelivered = 1;
inline constexpr int UsageError = 2;
inline constexpr int NoReply = 3;
inline constexpr int CannotBind = 4;
} // namespace ChatExit

int runChat(const QStringList &arguments);
int runSend(const QStringList &arguments);

} // namespace Tincan::Cli
