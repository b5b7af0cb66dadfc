// What `tincan-cli chat` and `send` share: how a message is printed, how a peer is written.
#pragma once

#include "net/chat/chatendpoint.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QString>

#include <optional>

namespace Tincan::Cli {

// One message per output line: newlines and backslashes are escaped.
QString oneLine(QString text);
// "[ip:port] NAME: text" (NAME when known).
QString formatIncoming(const ChatMessage &message);
// "HOST:PORT", "[v6]:PORT" or "localhost:PORT".
std::optional<ChatPeerAddress> parsePeer(const QString &text);
// --name, defaulting to the login name.
void addNameOption(QCommandLineParser &parser, QCommandLineOption &option);

} // namespace Tincan::Cli
