#include "app/cli/chatcommand.h"

#include "app/cli/chattext.h"
#include "app/cli/lanoptions.h"
#include "app/cli/terminalio.h"
#include "net/chat/chatendpoint.h"
#include "net/lan/peerdirectory.h"
#include "net/process/unixsignalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRegularExpression>
#include <QTimer>

#include <csignal>
#include <memory>

namespace Tincan::Cli {

namespace {
constexpr int DefaultDiscoverSeconds = 3;
constexpr int MaxDiscoverSeconds = 600;
} // namespace

namespace {
// Sends `text` from the bound `endpoint` and runs until it is delivered (and,
// with waitSeconds > 0, a reply is printed or the wait is over); returns the
// exit status.
int sendAndWait(ChatEndpoint &endpoint, const ChatPeerAddress &to, const QString &text, ChatProtocol protocol,
                double waitSeconds)
{
    QTimer replyTimer;
    replyTimer.setSingleShot(true);
    bool delivered = false;
    std::optional<ChatMessage> reply;
    endpoint.setAcceptor([&](const ChatMessage &message) {
        if (reply) // only the first reply is ours to print
            return ChatEndpoint::AcceptResult::Duplicate;
        reply = message;
        return ChatEndpoint::AcceptResult::Stored;
    });
    const auto finishIfDone = [&] {
        if (!delivered)
            return;
        if (waitSeconds <= 0) {
            QCoreApplication::exit(0);
        } else if (reply) {
            printLine(formatIncoming(*reply));
            QCoreApplication::exit(0);
        } else if (!replyTimer.isActive()) {
            replyTimer.start(int(waitSeconds * 1000));
        }
    };
    QObject::connect(&endpoint, &ChatEndpoint::messageReceived, &endpoint, [&] { finishIfDone(); });
    QObject::connect(&replyTimer, &QTimer::timeout, &endpoint, [&] {
        reportError(CliText::tr("send: no reply within %1 seconds.").arg(waitSeconds));
        QCoreApplication::exit(ChatExit::NoReply);
    });
    QObject::connect(&endpoint, &ChatEndpoint::deliveryStateChanged, &endpoint,
                     [&](const QUuid &, DeliveryState state) {
                         if (state == DeliveryState::Failed) {
                             reportError(CliText::tr("send: %1 did not acknowledge the message; it was not "
                                                     "delivered.")
                                             .arg(to.toString()));
                             QCoreApplication::exit(ChatExit::NotDelivered);
                         } else if (state == DeliveryState::Delivered || state == DeliveryState::Sent) {
                             delivered = true;
                             finishIfDone();
                         }
                     });
    UnixSignalWatcher signalWatcher({SIGINT, SIGTERM, SIGHUP});
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, &endpoint,
                     [](int signal) { QCoreApplication::exit(128 + signal); });

    const Expected<QUuid> id = endpoint.send(to, text, protocol);
    if (!id) {
        reportError(QStringLiteral("send: ") + id.error());
        return ChatExit::NotDelivered;
    }
    return QCoreApplication::exec();
}

// Sends `text` by IP Messenger and runs until the peer confirms it (RECVMSG) or gives up.
// `tincanOptions`: --classic or --wait-reply was given, which mean nothing to an IP Messenger.
int sendIpMsgAndWait(IpMsg::Endpoint &ipmsg, const Lan::LanPeer &peer, const QString &text, bool tincanOptions)
{
    if (tincanOptions) {
        reportError(
            CliText::tr("send: %1 is an IP Messenger: --classic and --wait-reply do not apply.").arg(peer.name));
        return ChatExit::UsageError;
    }
    const IpMsg::PeerAddress to{peer.address, peer.chatPort};
    QObject::connect(&ipmsg, &IpMsg::Endpoint::messageDelivered, &ipmsg,
                     [](const IpMsg::PeerAddress &, quint32) { QCoreApplication::exit(0); });
    QObject::connect(&ipmsg, &IpMsg::Endpoint::messageFailed, &ipmsg,
                     [](const IpMsg::PeerAddress &peer, quint32, const QString &reason) {
                         reportError(CliText::tr("send: %1 did not confirm the message: %2")
                                         .arg(ChatPeerAddress{peer.address, peer.port}.toString(), reason));
                         QCoreApplication::exit(ChatExit::NotDelivered);
                     });
    UnixSignalWatcher signalWatcher({SIGINT, SIGTERM, SIGHUP});
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, &ipmsg,
                     [](int signal) { QCoreApplication::exit(128 + signal); });
    if (ipmsg.sendMessage(to, text) == 0) {
        reportError(QStringLiteral("send: ") + ipmsg.errorString());
        return ChatExit::NotDelivered;
    }
    return QCoreApplication::exec();
}

// Listens until a peer called `name` that can chat is heard, or `seconds` pass (then says so).
std::optional<Lan::LanPeer> discover(Lan::PeerDirectory &directory, const QString &name, int seconds)
{
    const auto found = [&]() -> std::optional<Lan::LanPeer> {
        for (const Lan::LanPeer &peer : directory.findByName(name))
            if (peer.chatPort != 0 && peer.state != Lan::PeerState::Offline)
                return peer;
        return std::nullopt;
    };
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &directory, [] { QCoreApplication::exit(1); });
    QObject::connect(&directory, &Lan::PeerDirectory::peerChanged, &deadline, [&] {
        if (found())
            QCoreApplication::exit(0);
    });
    deadline.start(std::chrono::seconds(seconds));
    QCoreApplication::exec();
    const auto peer = found();
    if (!peer)
        reportError(CliText::tr("send: \"%1\" is not HOST:PORT, and no peer of that name was heard within %2 "
                                "seconds. Try: tincan-cli peers")
                        .arg(name)
                        .arg(seconds));
    return peer;
}

} // namespace

int runSend(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        CliText::tr("Sends one chat message to HOST:PORT, or to a peer on the LAN by its NAME (a Tincan or "
                    "an IP Messenger heard within --discover seconds). Exits 0 once the peer has acknowledged "
                    "it (or, with --classic, once it is sent), 1 when it was not delivered or no such peer "
                    "was heard, 3 when --wait-reply saw no reply."));
    parser.addHelpOption();
    const QCommandLineOption classicOption(QStringLiteral("classic"),
                                           CliText::tr("Send bare UTF-8 text, as the tutorial's chat programs do."));
    const QCommandLineOption waitOption(QStringLiteral("wait-reply"),
                                        CliText::tr("Wait up to SECONDS for a reply and print it."),
                                        CliText::tr("seconds"));
    const QCommandLineOption discoverOption(
        QStringLiteral("discover"),
        CliText::tr("Seconds to listen for a peer named NAME (default %1).").arg(DefaultDiscoverSeconds),
        CliText::tr("seconds"), QString::number(DefaultDiscoverSeconds));
    parser.addOptions({classicOption, waitOption, discoverOption});
    QCommandLineOption nameOption(QStringLiteral("name"));
    addNameOption(parser, nameOption);
    const LanOptions lan(parser);
    parser.addPositionalArgument(QStringLiteral("peer"), CliText::tr("Where to send: HOST:PORT, or a peer's NAME."));
    parser.addPositionalArgument(QStringLiteral("text"), CliText::tr("The message."));
    if (!parser.parse(arguments)) {
        reportError(parser.errorText());
        return ChatExit::UsageError;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printLine(parser.helpText().trimmed());
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2) {
        reportError(CliText::tr("send: expected HOST:PORT and TEXT. Try: tincan-cli send 127.0.0.1:8081 hello"));
        return ChatExit::UsageError;
    }
    std::optional<ChatPeerAddress> to = parsePeer(positional.at(0));
    // Meant as an address (a colon, or only digits and dots) but not a valid one: said as such,
    // not looked for as a name.
    static const QRegularExpression dottedNumber(QStringLiteral("^[0-9.]+$"));
    if (!to && (positional.at(0).contains(QLatin1Char(':')) || dottedNumber.match(positional.at(0)).hasMatch())) {
        reportError(CliText::tr("send: \"%1\" is not HOST:PORT (an IP address or localhost, and a port).")
                        .arg(positional.at(0)));
        return ChatExit::UsageError;
    }
    bool discoverOk = false;
    const int discoverSeconds = parser.value(discoverOption).toInt(&discoverOk);
    if (!discoverOk || discoverSeconds < 0 || discoverSeconds > MaxDiscoverSeconds) {
        reportError(CliText::tr("send: --discover takes 0 to %1 seconds.").arg(MaxDiscoverSeconds));
        return ChatExit::UsageError;
    }
    const auto lanOptions = lan.directoryOptions(parser);
    if (!lanOptions) {
        reportError(QStringLiteral("send: ") + lanOptions.error());
        return ChatExit::UsageError;
    }
    double waitSeconds = 0;
    if (parser.isSet(waitOption)) {
        bool ok = false;
        waitSeconds = parser.value(waitOption).toDouble(&ok);
        if (!ok || waitSeconds <= 0) {
            reportError(CliText::tr("send: invalid number of seconds \"%1\".").arg(parser.value(waitOption)));
            return ChatExit::UsageError;
        }
    }

    ::signal(SIGPIPE, SIG_IGN);
    // A listener while it looks (chat port 0): peers do not offer to chat with a one-shot sender.
    const Lan::LocalIdentity self = cliLocalIdentity(parser.value(nameOption));
    std::unique_ptr<Lan::PeerDirectory> directory;
    if (!to) {
        directory = std::make_unique<Lan::PeerDirectory>(self, *lanOptions);
        directory->start();
        reportLanProblems(QStringLiteral("send"), *directory);
        const auto peer = discover(*directory, positional.at(0), discoverSeconds);
        if (!peer)
            return ChatExit::NotDelivered;
        if (peer->protocol == Lan::PeerProtocol::IpMessenger)
            return sendIpMsgAndWait(*directory->ipmsg(), *peer, positional.at(1),
                                    parser.isSet(waitOption) || parser.isSet(classicOption));
        to = ChatPeerAddress{peer->address, peer->chatPort};
    }
    ChatEndpoint endpoint(self.installId, self.name);
    const QHostAddress bindAddress = to->address.protocol() == QAbstractSocket::IPv6Protocol
        ? QHostAddress(QHostAddress::AnyIPv6)
        : QHostAddress(QHostAddress::AnyIPv4);
    if (!endpoint.bind(bindAddress, 0, false)) {
        reportError(QStringLiteral("send: ") + endpoint.errorString());
        return ChatExit::CannotBind;
    }

    return sendAndWait(endpoint, *to, positional.at(1),
                       parser.isSet(classicOption) ? ChatProtocol::Classic : ChatProtocol::Tincan, waitSeconds);
}
} // namespace Tincan::Cli
