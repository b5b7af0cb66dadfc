// The datagram format of Tincan's chat (docs/PROTOCOL.md, "Chat"):
//
//     [0x00][version = 1][CBOR map]
//
// Any datagram whose first byte is not 0x00 is a classic chat message: bare
// UTF-8 text, as the socket tutorial's QQ-style programs send it. A pure codec:
// no sockets, so every malformed input is tested directly.
#pragma once

#include "net/base/expected.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QString>
#include <QUuid>

#include <optional>

namespace Tincan::Chat {

inline constexpr char Marker = '\0';
inline constexpr quint8 EnvelopeVersion = 1;
// Largest UTF-8 text of one message; its envelope still fits one datagram.
inline constexpr qsizetype MaxTextBytes = 32 * 1024;
// Display names are labels; longer ones are cut when sent and refused when received.
inline constexpr qsizetype MaxNameBytes = 256;
// Largest UDP payload over IPv4.
inline constexpr qsizetype MaxDatagramSize = 65507;

enum class EnvelopeType {
    Message,
    Ack,
};

struct Envelope
{
    EnvelopeType type = EnvelopeType::Message;
    QUuid from;           // the sender's install id
    QString name;         // the sender's display name
    QUuid messageId;      // the message, or (ack) the message acknowledged
    QString text;         // Message only
    qint64 timestamp = 0; // Message only: ms since the epoch, UTC, when written
};

// True when the datagram is Tincan's (first byte 0x00).
inline bool isEnvelope(QByteArrayView datagram)
{
    return !datagram.isEmpty() && datagram.front() == Marker;
}

QByteArray encodeEnvelope(const Envelope &envelope);

class EnvelopeDecoder
{
    Q_DECLARE_TR_FUNCTIONS(EnvelopeDecoder)

public:
    // The envelope, or why the datagram is not a valid one.
    static Expected<Envelope> decode(QByteArrayView datagram);
};

// Classic text: UTF-8, with invalid sequences shown as U+FFFD, never dropped.
QString decodeClassicText(QByteArrayView datagram);

} // namespace Tincan::Chat
