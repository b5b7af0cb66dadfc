// An IP Messenger for the namespace tests, written from the protocol description (docs/PROTOCOL.md
// §9) and sharing no code with Tincan's: a raw UDP socket on 2425 in its own namespace. It
// announces itself by broadcast, answers entries, confirms messages (RECVMSG), shows each message
// once however often it is retried, and obeys commands read from standard input (one a line):
//   send ADDRESS TEXT     SENDMSG with SENDCHECKOPT, sent 3 times with one packet number
//   seal ADDRESS TEXT     the same, sealed (SECRETOPT): the receiver sends READMSG once it is read
//   ignore N              do not confirm the next N messages (the sender must retry)
//   exit                  BR_EXIT by broadcast, and end
// Arguments: USER NICKNAME GROUP utf8|gbk. Output lines: "ready", "entry NICK ADDRESS",
// "message ADDRESS TEXT", "recvmsg PACKETNO", "read PACKETNO", "exit NICK ADDRESS".
#include <QCoreApplication>
#include <QNetworkDatagram>
#include <QSet>
#include <QSocketNotifier>
#include <QStringDecoder>
#include <QStringEncoder>
#include <QUdpSocket>

#include <cstdio>
#include <unistd.h>

namespace {
constexpr quint16 Port = 2425;
constexpr char Broadcast[] = "198.18.0.255";
constexpr quint32 BrEntry = 0x01, BrExit = 0x02, AnsEntry = 0x03, SendMsg = 0x20, RecvMsg = 0x21, ReadMsg = 0x30;
constexpr quint32 SendCheckOpt = 0x100, SecretOpt = 0x200, Utf8Opt = 0x800000, CapUtf8Opt = 0x1000000;
constexpr int Retries = 3;

void say(const QString &line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

class Peer
{
public:
    Peer(QString user, QString nickname, QString group, bool utf8)
        : m_user(std::move(user))
        , m_nickname(std::move(nickname))
        , m_group(std::move(group))
        , m_utf8(utf8)
    {
    }

    bool start()
    {
        if (!m_socket.bind(QHostAddress::AnyIPv4, Port))
            return false;
        QObject::connect(&m_socket, &QUdpSocket::readyRead, [this] { read(); });
        broadcast(BrEntry, entryExtra());
        return true;
    }

    void command(const QString &line)
    {
        const QString verb = line.section(QLatin1Char(' '), 0, 0);
        if (verb == QLatin1String("send") || verb == QLatin1String("seal")) {
            const QHostAddress to(line.section(QLatin1Char(' '), 1, 1));
            const QString text = line.section(QLatin1Char(' '), 2);
            const quint32 options = SendCheckOpt | (verb == QLatin1String("seal") ? SecretOpt : 0);
            const QByteArray datagram = packet(SendMsg | options | (m_utf8 ? Utf8Opt : 0), encode(text) + '\0');
            for (int i = 0; i < Retries; ++i) // as a sender that heard no RECVMSG would
                m_socket.writeDatagram(datagram, to, Port);
        } else if (verb == QLatin1String("ignore")) {
            m_ignore = line.section(QLatin1Char(' '), 1, 1).toInt();
        } else if (verb == QLatin1String("exit")) {
            broadcast(BrExit, entryExtra());
            QCoreApplication::quit();
        }
    }

private:
    QByteArray encode(const QString &text) const
    {
        if (m_utf8)
            return text.toUtf8();
        QStringEncoder encoder("GB18030");
        return encoder.encode(text);
    }

    QString decode(const QByteArray &bytes, quint32 command) const
    {
        if (command & Utf8Opt)
            return QString::fromUtf8(bytes);
        QStringDecoder decoder("GB18030");
        return decoder.decode(bytes);
    }

    QByteArray entryExtra() const { return encode(m_nickname) + '\0' + encode(m_group) + '\0'; }

    QByteArray packet(quint32 command, const QByteArray &extra)
    {
        return "1:" + QByteArray::number(++m_packetNo) + ':' + encode(m_user)
            + ":nshost:" + QByteArray::number(command | (m_utf8 ? CapUtf8Opt : 0)) + ':' + extra;
    }

    void broadcast(quint32 command, const QByteArray &extra)
    {
        m_socket.writeDatagram(packet(command | (m_utf8 ? Utf8Opt : 0), extra), QHostAddress(QLatin1String(Broadcast)),
                               Port);
    }

    void read()
    {
        while (m_socket.hasPendingDatagrams()) {
            const QNetworkDatagram datagram = m_socket.receiveDatagram();
            const QByteArray data = datagram.data();
            const QHostAddress from(datagram.senderAddress().toIPv4Address());
            const QList<QByteArray> fields = data.split(':');
            if (fields.size() < 6)
                continue;
            const QByteArray packetNo = fields.at(1);
            const quint32 command = fields.at(4).toUInt();
            // Extra: everything after the fifth colon, its parts NUL-separated.
            qsizetype position = 0;
            for (int i = 0; i < 5; ++i)
                position = data.indexOf(':', position) + 1;
            const QList<QByteArray> parts = data.mid(position).split('\0');
            const QString first = decode(parts.value(0), command);
            switch (command & 0xff) {
            case BrEntry:
                m_socket.writeDatagram(packet(AnsEntry | (m_utf8 ? Utf8Opt : 0), entryExtra()), from,
                                       quint16(datagram.senderPort()));
                [[fallthrough]];
            case AnsEntry:
                if (from != m_self)
                    say(QStringLiteral("entry %1 %2").arg(first, from.toString()));
                break;
            case BrExit:
                if (from != m_self)
                    say(QStringLiteral("exit %1 %2").arg(first, from.toString()));
                break;
            case SendMsg: {
                if (m_ignore > 0) {
                    --m_ignore;
                    break;
                }
                if (command & SendCheckOpt)
                    m_socket.writeDatagram(packet(RecvMsg, packetNo + '\0'), from, quint16(datagram.senderPort()));
                const QString key = from.toString() + QLatin1Char('/') + QString::fromLatin1(packetNo);
                if (!m_seen.contains(key)) {
                    m_seen.insert(key);
                    say(QStringLiteral("message %1 %2").arg(from.toString(), first));
                }
                break;
            }
            case RecvMsg:
                say(QStringLiteral("recvmsg %1").arg(first.trimmed()));
                break;
            case ReadMsg:
                say(QStringLiteral("read %1").arg(first.trimmed()));
                break;
            default:
                break;
            }
        }
    }

public:
    QHostAddress m_self; // our own broadcasts come back; not listed

private:
    QUdpSocket m_socket;
    QString m_user, m_nickname, m_group;
    bool m_utf8 = true;
    quint32 m_packetNo = 1000;
    int m_ignore = 0;
    QSet<QString> m_seen;
};
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() != 5) {
        std::fputs("usage: ipmsgpeer USER NICKNAME GROUP utf8|gbk\n", stderr);
        return 2;
    }
    Peer peer(arguments.at(1), arguments.at(2), arguments.at(3), arguments.at(4) == QLatin1String("utf8"));
    peer.m_self = QHostAddress(qEnvironmentVariable("IPMSGPEER_SELF"));
    if (!peer.start()) {
        std::fputs("ipmsgpeer: cannot bind UDP 2425\n", stderr);
        return 1;
    }
    QByteArray input;
    QSocketNotifier notifier(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
        char buffer[4096];
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n <= 0) {
            QCoreApplication::quit();
            return;
        }
        input.append(buffer, qsizetype(n));
        qsizetype newline;
        while ((newline = input.indexOf('\n')) >= 0) {
            peer.command(QString::fromUtf8(input.left(newline)));
            input.remove(0, newline + 1);
        }
    });
    say(QStringLiteral("ready"));
    return QCoreApplication::exec();
}
