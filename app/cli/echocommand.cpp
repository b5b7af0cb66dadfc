#include "app/cli/echocommand.h"

#include "app/cli/terminalio.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostAddress>
#include <QNetworkDatagram>
#include <QTcpSocket>
#include <QTimer>
#include <QUdpSocket>

#include <chrono>

namespace Tincan::Cli {

namespace {
// How long to wait for the whole reply.
constexpr std::chrono::seconds ReplyTimeout{5};

namespace EchoExit {
constexpr int Failed = 1;
constexpr int UsageError = 2;
} // namespace EchoExit
} // namespace

int runEcho(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        CliText::tr("Sends TEXT to an upper-case echo server and prints the reply (TCP unless --udp). "
                    "Exits 1 with a message when no complete reply comes within %1 seconds.")
            .arg(ReplyTimeout.count()));
    parser.addHelpOption();
    const QCommandLineOption udpOption(QStringLiteral("udp"), CliText::tr("Send one UDP datagram instead."));
    parser.addOption(udpOption);
    parser.addPositionalArgument(QStringLiteral("peer"), CliText::tr("The server: HOST:PORT."));
    parser.addPositionalArgument(QStringLiteral("text"), CliText::tr("What to send."));
    if (!parser.parse(arguments)) {
        reportError(parser.errorText());
        return EchoExit::UsageError;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printLine(parser.helpText().trimmed());
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2) {
        reportError(CliText::tr("echo: expected HOST:PORT and TEXT. Try: tincan-cli echo 127.0.0.1:8080 hello"));
        return EchoExit::UsageError;
    }
    const QString peer = positional.at(0);
    const qsizetype colon = peer.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const uint port = colon > 0 ? peer.mid(colon + 1).toUInt(&portOk) : 0;
    QString host = colon > 0 ? peer.left(colon) : QString();
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (host.isEmpty() || !portOk || port == 0 || port > 65535) {
        reportError(CliText::tr("echo: \"%1\" is not HOST:PORT.").arg(peer));
        return EchoExit::UsageError;
    }
    const QByteArray text = positional.at(1).toUtf8();
    const auto fail = [&](const QString &message) {
        reportError(QStringLiteral("echo: ") + message);
        QCoreApplication::exit(EchoExit::Failed);
    };
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &deadline, [&] {
        fail(CliText::tr("no complete reply from %1 within %2 seconds.").arg(peer).arg(ReplyTimeout.count()));
    });
    deadline.start(ReplyTimeout);

    if (parser.isSet(udpOption)) {
        QHostAddress address;
        if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0)
            address = QHostAddress(QHostAddress::LocalHost);
        else if (!address.setAddress(host)) {
            reportError(CliText::tr("echo: \"%1\" is not an IP address.").arg(host));
            return EchoExit::UsageError;
        }
        QUdpSocket socket;
        QObject::connect(&socket, &QUdpSocket::readyRead, &socket, [&] {
            while (socket.hasPendingDatagrams()) {
                const QNetworkDatagram reply = socket.receiveDatagram();
                if (reply.senderPort() != int(port))
                    continue; // not from the server
                writeAll(1, QByteArray(reply.data() + '\n'));
                QCoreApplication::exit(0);
                return;
            }
        });
        if (socket.writeDatagram(text, address, quint16(port)) != text.size()) {
            reportError(CliText::tr("echo: could not send to %1: %2").arg(peer, socket.errorString()));
            return EchoExit::Failed;
        }
        return QCoreApplication::exec();
    }

    QTcpSocket socket;
    QByteArray reply;
    QObject::connect(&socket, &QTcpSocket::connected, &socket, [&] { socket.write(text); });
    QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [&] {
        reply += socket.readAll();
        // The reply is as long as what was sent: upper-casing keeps lengths.
        if (reply.size() >= text.size()) {
            writeAll(1, QByteArray(reply + '\n'));
            socket.disconnectFromHost();
            QCoreApplication::exit(0);
        }
    });
    QObject::connect(&socket, &QTcpSocket::errorOccurred, &socket, [&](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError && reply.size() >= text.size())
            return;
        fail(error == QAbstractSocket::ConnectionRefusedError
                 ? CliText::tr("connection to %1 was refused.").arg(peer)
                 : CliText::tr("connection to %1 failed: %2").arg(peer, socket.errorString()));
    });
    socket.connectToHost(host, quint16(port));
    return QCoreApplication::exec();
}

} // namespace Tincan::Cli
