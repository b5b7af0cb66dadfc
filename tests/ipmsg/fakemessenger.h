// A fake IP Messenger for the endpoint's tests, written from the protocol description byte by
// byte, without the codec: it sends packets from a loopback port and splits what comes back.
#pragma once

#include "net/ipmsg/ipmsgendpoint.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QNetworkDatagram>
#include <QTest>
#include <QUdpSocket>

#include <optional>

namespace Tincan::IpMsg::Testing {

inline QByteArray hex(const char *digits)
{
    return QByteArray::fromHex(digits);
}

// What the fake reads back: the five header fields and Extra, split by hand.
struct Reply
{
    QByteArray version;
    quint32 packetNo = 0;
    QByteArray user;
    QByteArray host;
    quint32 command = 0;
    QByteArray extra; // everything after the fifth ':', NULs included
    quint32 mode() const { return command & 0xff; }
    QList<QByteArray> parts() const
    {
        QByteArray body = extra;
        if (body.endsWith('\0'))
            body.chop(1);
        return body.split('\0');
    }
};

inline std::optional<Reply> parseReply(const QByteArray &datagram)
{
    QList<QByteArray> fields;
    qsizetype position = 0;
    for (int i = 0; i < 5; ++i) {
        const qsizetype colon = datagram.indexOf(':', position);
        if (colon < 0)
            return std::nullopt;
        fields.append(datagram.mid(position, colon - position));
        position = colon + 1;
    }
    Reply reply;
    reply.version = fields[0];
    reply.packetNo = fields[1].toUInt();
    reply.user = fields[2];
    reply.host = fields[3];
    reply.command = fields[4].toUInt();
    reply.extra = datagram.mid(position);
    return reply;
}

// An IP Messenger on a loopback port: IP Messenger's numbers, FeiQ's or IP Messenger's shapes.
class FakeMessenger
{
public:
    static constexpr quint32 BrEntry = 0x01, BrExit = 0x02, AnsEntry = 0x03, BrAbsence = 0x04;
    static constexpr quint32 SendMsg = 0x20, RecvMsg = 0x21, ReadMsg = 0x30, AnsReadMsg = 0x32;
    static constexpr quint32 GetInfo = 0x40, SendInfo = 0x41;
    static constexpr quint32 AbsenceOpt = 0x100, SendCheckOpt = 0x100, SecretOpt = 0x200;
    static constexpr quint32 ReadCheckOpt = 0x100000, Utf8Opt = 0x800000, CapUtf8Opt = 0x1000000;

    explicit FakeMessenger(quint16 endpointPort, QByteArray version = "1")
        : m_endpointPort(endpointPort)
        , m_version(std::move(version))
    {
        QVERIFY(m_socket.bind(QHostAddress::LocalHost, 0));
    }

    PeerAddress address() const { return {QHostAddress(QHostAddress::LocalHost), m_socket.localPort()}; }

    // "Version:PacketNo:User:Host:Command:" and then Extra, NUL-ended as IP Messenger sends it.
    QByteArray packet(quint32 command, const QByteArray &extra, quint32 packetNo = 0)
    {
        if (packetNo == 0)
            packetNo = ++m_packetNo;
        return m_version + ':' + QByteArray::number(packetNo) + ":fake:fakehost:" + QByteArray::number(command) + ':'
            + extra + '\0';
    }

    void send(const QByteArray &datagram)
    {
        QCOMPARE(m_socket.writeDatagram(datagram, QHostAddress::LocalHost, m_endpointPort), qint64(datagram.size()));
    }

    // The next datagram that arrives within the timeout.
    std::optional<Reply> next(int timeoutMs = 5000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!m_socket.hasPendingDatagrams() && !deadline.hasExpired())
            QTest::qWait(10);
        if (!m_socket.hasPendingDatagrams())
            return std::nullopt;
        return parseReply(m_socket.receiveDatagram().data());
    }

    // Everything that arrives within `ms`.
    QList<Reply> collect(int ms)
    {
        QList<Reply> replies;
        QTest::qWait(ms);
        while (m_socket.hasPendingDatagrams()) {
            if (const auto reply = parseReply(m_socket.receiveDatagram().data()))
                replies.append(*reply);
        }
        return replies;
    }

    quint32 lastPacketNo() const { return m_packetNo; }

private:
    QUdpSocket m_socket;
    quint16 m_endpointPort;
    QByteArray m_version;
    quint32 m_packetNo = 1700000000;
};

} // namespace Tincan::IpMsg::Testing
