// The console protocol's message types as one table (docs/PROTOCOL.md §4):
// each type's enum value, its wire name and who may send it. A frame's "type"
// is parsed once into a MessageType, and each end dispatches on it with an
// exhaustive switch, so that a type added here is a compile warning
// (-Wswitch) wherever it is not yet handled.
#pragma once

#include "net/wire/consoleprotocol.h"

#include <QLatin1StringView>
#include <QStringView>

#include <array>

namespace Tincan::Console {

enum class MessageType {
    Unknown, // not in the table (a newer peer's type, a typo, not a string)
    Hello,
    Welcome,
    AuthChallenge,
    Auth,
    Exec,
    Cancel,
    Started,
    Output,
    Exit,
    Error,
    Ping,
    Pong,
    Upload,
    Download,
    File,
    TransferReady,
    Data,
    TransferDone,
    TransferCancel,
};

// Who sends a message, as PROTOCOL.md's tables say (Either: the transfer
// messages a receiver or a sender sends, whichever end that is).
enum class MessageSender { Client, Server, Either };

struct MessageDescription
{
    MessageType type;
    QLatin1StringView name;
    MessageSender sender;
};

// Every known message, in PROTOCOL.md's order. The names are consoleprotocol.h's,
// so that none is spelled twice.
inline constexpr std::array<MessageDescription, 19> Messages{{
    {MessageType::Hello, Type::Hello, MessageSender::Client},
    {MessageType::Auth, Type::Auth, MessageSender::Client},
    {MessageType::Exec, Type::Exec, MessageSender::Client},
    {MessageType::Cancel, Type::Cancel, MessageSender::Client},
    {MessageType::Ping, Type::Ping, MessageSender::Client},
    {MessageType::AuthChallenge, Type::AuthChallenge, MessageSender::Server},
    {MessageType::Welcome, Type::Welcome, MessageSender::Server},
    {MessageType::Started, Type::Started, MessageSender::Server},
    {MessageType::Output, Type::Output, MessageSender::Server},
    {MessageType::Exit, Type::Exit, MessageSender::Server},
    {MessageType::Error, Type::Error, MessageSender::Server},
    {MessageType::Pong, Type::Pong, MessageSender::Server},
    {MessageType::Upload, Type::Upload, MessageSender::Client},
    {MessageType::Download, Type::Download, MessageSender::Client},
    {MessageType::File, Type::File, MessageSender::Server},
    {MessageType::TransferReady, Type::TransferReady, MessageSender::Either},
    {MessageType::Data, Type::Data, MessageSender::Either},
    {MessageType::TransferDone, Type::TransferDone, MessageSender::Either},
    {MessageType::TransferCancel, Type::TransferCancel, MessageSender::Client},
}};

// The type a frame's "type" names; Unknown for any other name.
MessageType messageTypeFromName(QStringView name);
// The wire name of a known type; empty for Unknown.
QLatin1StringView messageName(MessageType type);

} // namespace Tincan::Console
