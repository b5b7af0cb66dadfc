// The client's label for a request (an exec's "id", a transfer's
// "transfer"), as docs/PROTOCOL.md §4 defines it: an integer or a string of
// 1 to Limits::MaxRequestIdLength characters. Both ends check and print it
// the same way.
#pragma once

#include "net/wire/consoleprotocol.h"
#include "net/wire/frame.h"

#include <QJsonValue>
#include <QString>

namespace Tincan::Console {

inline bool isValidRequestId(const QJsonValue &id)
{
    return (id.isString() && !id.toString().isEmpty() && id.toString().size() <= Limits::MaxRequestIdLength)
        || jsonInteger(id).has_value();
}

// The id's printable form, for logs and messages ("" for anything else).
inline QString requestKeyOf(const QJsonValue &id)
{
    if (id.isString())
        return id.toString();
    if (id.isDouble())
        return QString::number(qint64(id.toDouble()));
    return QString();
}

} // namespace Tincan::Console
