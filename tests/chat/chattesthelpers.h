// Helpers shared by the chat tests: endpoints on loopback with a short retry
// schedule, a plain UDP socket standing for a classic peer (written from the
// byte description alone: bare UTF-8 datagrams), and readers of signal spies.
#pragma once

#include "net/chat/chatendpoint.h"

#include <QHostAddress>
#include <QList>
#include <QNetworkDatagram>
#include <QSignalSpy>
#include <QTest>
#include <QUdpSocket>

#include <chrono>
#include <memory>
#include <optional>

namespace Tincan::Test {

using namespace std::chrono_literals;

inline QHostAddress loopback()
{
    return QHostAddress(QHostAddress::LocalHost);
}

// 10, 20, 40, 80, 160, 320 ms: a message is Failed about 0.6 s after it was sent.
inline ChatEndpoint::RetryPolicy fastRetryPolicy()
{
    return {10ms, 6};
}

// How long a policy keeps trying before it gives up.
inline std::chrono::milliseconds fullSchedule(const ChatEndpoint::RetryPolicy &policy)
{
    return policy.initialInterval * ((1 << policy.maxAttempts) - 1);
}

// Proving that nothing comes takes time: three full schedules of the fast policy.
inline int absenceWaitMs()
{
    return int((3 * fullSchedule(fastRetryPolicy())).count());
}

inline ChatPeerAddress addressOf(const ChatEndpoint &endpoint)
{
    return {loopback(), endpoint.localPort()};
}

// An endpoint bound to 127.0.0.1 (port 0 unless given); nullptr if binding failed.
inline std::unique_ptr<ChatEndpoint> makeEndpoint(const QString &name, quint16 port = 0,
                                                  const ChatEndpoint::RetryPolicy &policy = fastRetryPolicy(),
                                                  const QUuid &id = QUuid::createUuid())
{
    auto endpoint = std::make_unique<ChatEndpoint>(id, name);
    endpoint->setRetryPolicy(policy);
    if (!endpoint->bind(loopback(), port, false)) {
        qWarning("bind failed: %s", qPrintable(endpoint->errorString()));
        return nullptr;
    }
    return endpoint;
}

// A port that was free a moment ago: for a peer that is offline now and comes up later.
inline quint16 reserveFreePort()
{
    QUdpSocket socket;
    if (!socket.bind(loopback(), 0))
        return 0;
    const quint16 port = socket.localPort();
    socket.close();
    return port;
}

// A peer that is nothing but a UDP socket: the tutorial's classic client or
// server. It records every datagram that reaches it, with its sender.
class RawPeer
{
public:
    struct Datagram
    {
        QByteArray data;
        ChatPeerAddress from;
    };

    RawPeer()
    {
        m_bound = m_socket.bind(loopback(), 0);
        QObject::connect(&m_socket, &QUdpSocket::readyRead, &m_socket, [this] { drain(); });
    }
    Q_DISABLE_COPY_MOVE(RawPeer)

    bool isBound() const { return m_bound; }
    ChatPeerAddress address() const { return {loopback(), m_socket.localPort()}; }
    QUdpSocket &socket() { return m_socket; }

    bool sendTo(const ChatPeerAddress &to, const QByteArray &bytes)
    {
        return m_socket.writeDatagram(bytes, to.address, to.port) == bytes.size();
    }

    // Everything received so far (also what is still waiting in the socket).
    const QList<Datagram> &received()
    {
        drain();
        return m_received;
    }

private:
    void drain()
    {
        while (m_socket.hasPendingDatagrams()) {
            const QNetworkDatagram datagram = m_socket.receiveDatagram();
            bool isV4 = false;
            const quint32 v4 = datagram.senderAddress().toIPv4Address(&isV4);
            m_received.append({datagram.data(),
                               {isV4 ? QHostAddress(v4) : datagram.senderAddress(), quint16(datagram.senderPort())}});
        }
    }

    QUdpSocket m_socket;
    bool m_bound = false;
    QList<Datagram> m_received;
};

// ---- reading spies ---------------------------------------------------------

// The messages a spy on ChatEndpoint::messageReceived has seen.
inline QList<ChatMessage> messagesOf(const QSignalSpy &spy)
{
    QList<ChatMessage> messages;
    for (const QList<QVariant> &arguments : spy)
        messages.append(arguments.at(0).value<ChatMessage>());
    return messages;
}

// The states one message went through, from a spy on a (messageId, state) signal.
inline QList<DeliveryState> statesOf(const QSignalSpy &spy, const QUuid &messageId)
{
    QList<DeliveryState> states;
    for (const QList<QVariant> &arguments : spy)
        if (arguments.at(0).value<QUuid>() == messageId)
            states.append(arguments.at(1).value<DeliveryState>());
    return states;
}

inline std::optional<DeliveryState> lastStateOf(const QSignalSpy &spy, const QUuid &messageId)
{
    const QList<DeliveryState> states = statesOf(spy, messageId);
    if (states.isEmpty())
        return std::nullopt;
    return states.constLast();
}

} // namespace Tincan::Test

// Readable failures in QCOMPARE.
namespace QTest {
template <> inline char *toString(const Tincan::DeliveryState &state)
{
    switch (state) {
    case Tincan::DeliveryState::Sending:
        return qstrdup("Sending");
    case Tincan::DeliveryState::Delivered:
        return qstrdup("Delivered");
    case Tincan::DeliveryState::Failed:
        return qstrdup("Failed");
    case Tincan::DeliveryState::Sent:
        return qstrdup("Sent");
    }
    return qstrdup("?");
}
template <> inline char *toString(const Tincan::ChatPeerAddress &address)
{
    return qstrdup(address.toString().toUtf8().constData());
}
template <> inline char *toString(const std::optional<Tincan::DeliveryState> &state)
{
    return state ? toString(*state) : qstrdup("(none)");
}
} // namespace QTest
