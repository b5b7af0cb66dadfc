#include "net/wire/messagetype.h"

namespace Tincan::Console {

MessageType messageTypeFromName(QStringView name)
{
    // Nineteen short names: a linear scan is as fast as a hash here.
    for (const MessageDescription &message : Messages)
        if (name == message.name)
            return message.type;
    return MessageType::Unknown;
}

QLatin1StringView messageName(MessageType type)
{
    for (const MessageDescription &message : Messages)
        if (message.type == type)
            return message.name;
    return {};
}

} // namespace Tincan::Console
