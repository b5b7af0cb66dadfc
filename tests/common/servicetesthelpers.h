// Helpers for the tests of the echo and UDP command services: the upper-casing
// rule written again from its description, a UDP peer that keeps what it
// receives, a reset on close, the classic console reply, and a view of the
// kernel's TCP table (to see connections sit in TIME_WAIT).
#pragma once

#include <QByteArray>
#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkDatagram>
#include <QTcpSocket>
#include <QUdpSocket>
#include <QtEndian>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <optional>
#include <sys/socket.h>
#include <unistd.h>

namespace Tincan::Test {

// Python's bytes.upper(): the 26 bytes 'a'..'z' become 'A'..'Z'; every other
// byte (UTF-8, Latin-1, digits, NUL) stays as it is.
inline QByteArray pythonUpper(QByteArrayView bytes)
{
    static constexpr char Lower[] = "abcdefghijklmnopqrstuvwxyz";
    static constexpr char Upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    QByteArray result(bytes.data(), bytes.size());
    for (char &c : result) {
        for (int i = 0; i < 26; ++i) {
            if (c == Lower[i]) {
                c = Upper[i];
                break;
            }
        }
    }
    return result;
}

// Pseudo-random bytes of every value in a fixed order, so that a lost, doubled
// or reordered chunk shows.
inline QByteArray scrambledBytes(qsizetype size)
{
    QByteArray data(size, Qt::Uninitialized);
    quint32 state = 2463534242u; // xorshift32: cheap and reproducible
    for (qsizetype i = 0; i < size; ++i) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        data[i] = char(state & 0xff);
    }
    return data;
}

// The payload of the classic console reply at the start of `received`
// (little-endian int32 header length, JSON header with total_size, then that
// many bytes), once it is complete; nullopt until then.
inline std::optional<QByteArray> classicReplyPayload(const QByteArray &received)
{
    if (received.size() < 4)
        return std::nullopt;
    const qint32 headerLength = qFromLittleEndian<qint32>(received.constData());
    if (headerLength <= 0 || received.size() < 4 + qsizetype(headerLength))
        return std::nullopt;
    const QJsonObject header = QJsonDocument::fromJson(received.mid(4, headerLength)).object();
    const qint64 total = header.value(QLatin1StringView("total_size")).toInteger(-1);
    if (total < 0 || received.size() < 4 + headerLength + total)
        return std::nullopt;
    return received.mid(4 + headerLength, total);
}

// ---- socket options on a connected client -----------------------------------

// close() then sends RST instead of FIN: an abrupt reset, as a crashed peer.
inline bool setResetOnClose(QAbstractSocket &socket)
{
    const linger noLinger{1, 0};
    return ::setsockopt(int(socket.socketDescriptor()), SOL_SOCKET, SO_LINGER, &noLinger, sizeof noLinger) == 0;
}

// ---- the kernel's view --------------------------------------------------------

// Linux TCP states as /proc/net/tcp shows them.
namespace TcpState {
constexpr int Established = 0x01;
constexpr int TimeWait = 0x06;
constexpr int Listen = 0x0A;
} // namespace TcpState

// How many IPv4 TCP sockets on this machine have local port `port` and the
// given state.
inline int tcpSocketCount(quint16 port, int state)
{
    QFile file(QStringLiteral("/proc/net/tcp"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    int count = 0;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines.mid(1)) {
        // "  sl  local_address rem_address   st ..." with addresses as HEXIP:HEXPORT
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() < 4)
            continue;
        const QList<QByteArray> local = fields.at(1).split(':');
        bool portOk = false;
        bool stateOk = false;
        if (local.size() == 2 && local.at(1).toUInt(&portOk, 16) == port && portOk
            && fields.at(3).toInt(&stateOk, 16) == state && stateOk)
            ++count;
    }
    return count;
}

// Binds a plain IPv4 TCP socket to 127.0.0.1:port without SO_REUSEADDR, as a
// program that does not ask for address reuse would; returns 0 or the errno.
inline int plainBindError(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return errno;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int result = ::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address);
    const int error = result == 0 ? 0 : errno;
    ::close(fd);
    return error;
}

// ---- a UDP peer ---------------------------------------------------------------

// A UDP socket on 127.0.0.1 that keeps every datagram it receives, in order.
class UdpPeer
{
public:
    UdpPeer()
    {
        m_bound = m_socket.bind(QHostAddress(QHostAddress::LocalHost), 0, QAbstractSocket::DontShareAddress);
        QObject::connect(&m_socket, &QUdpSocket::readyRead, &m_socket, [this] {
            while (m_socket.hasPendingDatagrams())
                m_received.append(m_socket.receiveDatagram());
        });
    }
    Q_DISABLE_COPY_MOVE(UdpPeer)

    bool isBound() const { return m_bound; }
    QUdpSocket &socket() { return m_socket; }
    quint16 port() const { return m_socket.localPort(); }
    bool send(QByteArrayView bytes, quint16 port)
    {
        return m_socket.writeDatagram(bytes.data(), bytes.size(), QHostAddress(QHostAddress::LocalHost), port)
            == bytes.size();
    }
    const QList<QNetworkDatagram> &received() const { return m_received; }
    QByteArray payload(qsizetype index) const { return m_received.value(index).data(); }
    void clear() { m_received.clear(); }

private:
    QUdpSocket m_socket;
    QList<QNetworkDatagram> m_received;
    bool m_bound = false;
};

} // namespace Tincan::Test
