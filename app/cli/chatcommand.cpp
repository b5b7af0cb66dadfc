#include "app/cli/chatcommand.h"

#include "app/cli/lanoptions.h"
#include "app/cli/terminalio.h"
#include "net/chat/chatendpoint.h"
#include "net/lan/peerdirectory.h"
#include "net/process/unixsignalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHash>
#include <QSet>
#include <QSettings>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <unistd.h>

namespace Tincan::Cli {

namespace {

// Read from standard input per wake-up.
constexpr qsizetype StdinChunk = 64 * 1024;
// A line longer than any message can be is refused rather than buffered.
constexpr qsizetype MaxLineBytes = Chat::MaxTextBytes + 1024;

// One message per output line: newlines and backslashes are escaped.
QString oneLine(QString text)
{
    text.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    text.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    text.replace(QLatin1Char('\r'), QStringLiteral("\\r"));
    return text;
}

QString formatIncoming(const ChatMessage &message)
{
    const QString who = message.classic || message.peerName.isEmpty()
        ? QStringLiteral("[%1]").arg(message.from.toString())
        : QStringLiteral("[%1] %2:").arg(message.from.toString(), message.peerName);
    return who + QLatin1Char(' ') + oneLine(message.text);
}

std::optional<ChatPeerAddress> parsePeer(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return std::nullopt;
    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return std::nullopt;
    QHostAddress address;
    if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0)
        address = QHostAddress(QHostAddress::LocalHost);
    else if (!address.setAddress(host))
        return std::nullopt;
    return ChatPeerAddress{address, quint16(port)};
}

std::optional<QHostAddress> parseBind(const QString &text)
{
    if (text == QStringLiteral("*"))
        return QHostAddress(QHostAddress::AnyIPv4);
    if (text.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    QHostAddress address;
    if (!address.setAddress(text))
        return std::nullopt;
    return address;
}

// Where a line goes: a Tincan or classic peer's chat port, or an IP Messenger.
struct Target
{
    ChatPeerAddress address;
    bool ipmsg = false;
};

// Interactive chat: stdin lines out, incoming messages on stdout, peers' comings and goings as
// "* " lines.
class ChatSession final : public QObject
{
    Q_OBJECT

public:
    ChatSession(ChatEndpoint *endpoint, Lan::PeerDirectory *directory)
        : m_endpoint(endpoint)
        , m_directory(directory)
        , m_signals({SIGINT, SIGTERM, SIGHUP})
    {
        m_endpoint->setAcceptor([this](const ChatMessage &message) {
            // "Stored" means printed: acknowledge only what reached stdout.
            if (!print(formatIncoming(message)))
                return ChatEndpoint::AcceptResult::Failed;
            m_lastSender = Target{message.from, false};
            if (!message.peerName.isEmpty())
                m_names.insert(message.peerName, message.from);
            return ChatEndpoint::AcceptResult::Stored;
        });
        connect(m_endpoint, &ChatEndpoint::peerSeen, this,
                [this](const QUuid &, const QString &name, const ChatPeerAddress &address) {
                    if (!name.isEmpty())
                        m_names.insert(name, address);
                });
        connect(m_endpoint, &ChatEndpoint::deliveryStateChanged, this, &ChatSession::onState);
        connect(m_endpoint, &ChatEndpoint::datagramRejected, this,
                [](const ChatPeerAddress &from, const QString &reason) {
                    printError(CliText::tr("chat: ignored a datagram from %1: %2").arg(from.toString(), reason));
                });
        connect(m_directory, &Lan::PeerDirectory::peerChanged, this, &ChatSession::onPeerChanged);
        if (IpMsg::Endpoint *ipmsg = m_directory->ipmsg()) {
            connect(ipmsg, &IpMsg::Endpoint::messageReceived, this, &ChatSession::onIpMsgMessage);
            connect(ipmsg, &IpMsg::Endpoint::messageDelivered, this,
                    [this](const IpMsg::PeerAddress &, quint32 packetNo) {
                        m_ipmsgPending.remove(packetNo);
                        maybeQuit();
                    });
            connect(ipmsg, &IpMsg::Endpoint::messageFailed, this,
                    [this](const IpMsg::PeerAddress &to, quint32 packetNo, const QString &reason) {
                        printError(CliText::tr("chat: a message to %1 was not confirmed: %2")
                                       .arg(ChatPeerAddress{to.address, to.port}.toString(), reason));
                        m_ipmsgPending.remove(packetNo);
                        m_anyFailed = true;
                        maybeQuit();
                    });
        }
        connect(&m_signals, &UnixSignalWatcher::signalReceived, this,
                [](int signal) { QCoreApplication::exit(signal == SIGINT ? 0 : 128 + signal); });

        m_stdin = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
        connect(m_stdin, &QSocketNotifier::activated, this, &ChatSession::readStdin);
    }

private:
    static bool print(const QString &line)
    {
        return writeAll(STDOUT_FILENO, QByteArray(line.toUtf8() + '\n')) == WriteResult::Ok;
    }

    void onPeerChanged(const Lan::LanPeer &peer)
    {
        if (peer.protocol == Lan::PeerProtocol::Tincan && peer.chatPort == 0)
            return; // a listener such as `tincan-cli peers`: nobody to chat with
        print(presenceLine(peer));
        if (peer.protocol == Lan::PeerProtocol::Tincan && peer.state != Lan::PeerState::Offline)
            m_endpoint->peerHeard(ChatPeerAddress{peer.address, peer.chatPort}, true);
    }

    void onIpMsgMessage(const IpMsg::IncomingMessage &message)
    {
        const ChatPeerAddress from{message.from.address, message.from.port};
        const auto peer = m_directory->peerAt(from.address, from.port);
        const QString name = peer ? peer->name : message.user;
        if (!print(QStringLiteral("[%1] %2: %3").arg(from.toString(), name, oneLine(message.text))))
            return;
        m_lastSender = Target{from, true};
        // Printed is read: a sealed message's sender is told so.
        if (message.sealed)
            m_directory->ipmsg()->sendReadNotice(message.from, message.packetNo);
        if (message.attachments)
            printError(CliText::tr("chat: %1 offered files, which tincan-cli chat does not fetch.").arg(name));
    }

    void readStdin()
    {
        QByteArray chunk(StdinChunk, Qt::Uninitialized);
        const ssize_t n = ::read(STDIN_FILENO, chunk.data(), size_t(chunk.size()));
        if (n < 0 && errno == EINTR)
            return;
        if (n <= 0) {
            m_stdin->setEnabled(false);
            if (!m_input.isEmpty())
                handleLine(QString::fromUtf8(std::exchange(m_input, QByteArray())));
            m_inputEnded = true;
            maybeQuit();
            return;
        }
        m_input.append(chunk.constData(), qsizetype(n));
        qsizetype newline;
        while ((newline = m_input.indexOf('\n')) >= 0) {
            QByteArray line = m_input.left(newline);
            m_input.remove(0, newline + 1);
            if (line.endsWith('\r'))
                line.chop(1);
            handleLine(QString::fromUtf8(line));
        }
        if (m_input.size() > MaxLineBytes) {
            printError(CliText::tr("chat: a line longer than %1 bytes was dropped.").arg(MaxLineBytes));
            m_input.clear();
        }
    }

    // "@NAME": someone who wrote to us by that name, else a peer heard on the LAN; else ip:port.
    std::optional<Target> resolve(const QString &target) const
    {
        if (m_names.contains(target))
            return Target{m_names.value(target), false};
        const QList<Lan::LanPeer> found = m_directory->findByName(target);
        if (!found.isEmpty() && found.first().chatPort != 0)
            return Target{ChatPeerAddress{found.first().address, found.first().chatPort},
                          found.first().protocol == Lan::PeerProtocol::IpMessenger};
        if (const auto address = parsePeer(target)) {
            const auto peer = m_directory->peerAt(address->address, address->port);
            return Target{*address, peer && peer->protocol == Lan::PeerProtocol::IpMessenger};
        }
        return std::nullopt;
    }

    void handleLine(const QString &line)
    {
        if (line.trimmed().isEmpty())
            return;
        std::optional<Target> to = m_lastSender;
        QString text = line;
        if (line.startsWith(QLatin1Char('@'))) {
            const qsizetype space = line.indexOf(QLatin1Char(' '));
            const QString target = line.mid(1, space < 0 ? -1 : space - 1);
            text = space < 0 ? QString() : line.mid(space + 1);
            to = resolve(target);
            if (!to) {
                printError(
                    CliText::tr("chat: \"%1\" is neither ip:port nor the name of someone heard from.").arg(target));
                return;
            }
        }
        if (!to) {
            printError(CliText::tr("chat: nobody to reply to yet; write \"@ip:port text\" or \"@NAME text\"."));
            return;
        }
        if (to->ipmsg) {
            IpMsg::Endpoint *ipmsg = m_directory->ipmsg();
            const quint32 packetNo = ipmsg ? ipmsg->sendMessage({to->address.address, to->address.port}, text) : 0;
            if (packetNo == 0) {
                printError(QStringLiteral("chat: ")
                           + (ipmsg ? ipmsg->errorString() : CliText::tr("IP Messenger is off (--ipmsg-port 0).")));
                return;
            }
            m_ipmsgPending.insert(packetNo);
            return;
        }
        const Expected<QUuid> id = m_endpoint->send(to->address, text, ChatProtocol::Auto);
        if (!id) {
            printError(QStringLiteral("chat: ") + id.error());
            return;
        }
        m_destinations.insert(*id, to->address);
    }

    void onState(const QUuid &id, DeliveryState state)
    {
        if (state == DeliveryState::Failed) {
            printError(CliText::tr("chat: a message to %1 was not acknowledged; it is resent when %1 is heard from.")
                           .arg(m_destinations.value(id).toString()));
            m_anyFailed = true;
        }
        if (state != DeliveryState::Sending)
            m_destinations.remove(id);
        maybeQuit();
    }

    void maybeQuit()
    {
        // At the end of input, leave once every message has an outcome.
        if (!m_inputEnded || !m_ipmsgPending.isEmpty())
            return;
        bool waiting = false;
        for (auto it = m_destinations.cbegin(); it != m_destinations.cend(); ++it)
            if (m_endpoint->pendingState(it.key()) == DeliveryState::Sending)
                waiting = true;
        if (!waiting)
            QCoreApplication::exit(m_anyFailed ? ChatExit::NotDelivered : 0);
    }

    ChatEndpoint *m_endpoint;
    Lan::PeerDirectory *m_directory;
    UnixSignalWatcher m_signals;
    QSocketNotifier *m_stdin = nullptr;
    QByteArray m_input;
    std::optional<Target> m_lastSender;
    QHash<QString, ChatPeerAddress> m_names;
    QHash<QUuid, ChatPeerAddress> m_destinations;
    QSet<quint32> m_ipmsgPending;
    bool m_inputEnded = false;
    bool m_anyFailed = false;
};

void addNameOption(QCommandLineParser &parser, QCommandLineOption &option)
{
    option = QCommandLineOption(QStringLiteral("name"), CliText::tr("Display name Tincan peers see (default: $USER)."),
                                CliText::tr("name"), cliUserName());
    parser.addOption(option);
}

} // namespace

int runChat(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        CliText::tr("Chats over UDP with classic and Tincan peers. Each incoming message is printed as "
                    "\"[ip:port] NAME: text\" (NAME when known; newlines as \\n). Each line read from standard "
                    "input is sent to the last sender; \"@ip:port text\" or \"@NAME text\" sends to someone "
                    "else. At the end of input, waits for outstanding acknowledgements and exits."));
    parser.addHelpOption();
    const QCommandLineOption bindOption(QStringLiteral("bind"), CliText::tr("Address to bind (default 0.0.0.0)."),
                                        CliText::tr("address"), QStringLiteral("0.0.0.0"));
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        CliText::tr("UDP port (default %1).").arg(ChatEndpoint::DefaultPort),
                                        CliText::tr("port"), QString::number(ChatEndpoint::DefaultPort));
    parser.addOptions({bindOption, portOption});
    QCommandLineOption nameOption(QStringLiteral("name"));
    addNameOption(parser, nameOption);
    const LanOptions lan(parser);
    if (!parser.parse(arguments)) {
        reportError(parser.errorText());
        return ChatExit::UsageError;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printLine(parser.helpText().trimmed());
        return 0;
    }
    const auto lanOptions = lan.directoryOptions(parser);
    if (!lanOptions) {
        reportError(QStringLiteral("chat: ") + lanOptions.error());
        return ChatExit::UsageError;
    }
    const auto address = parseBind(parser.value(bindOption));
    bool ok = false;
    const uint port = parser.value(portOption).toUInt(&ok);
    if (!address || !ok || port > 65535) {
        reportError(CliText::tr("chat: invalid address or port."));
        return ChatExit::UsageError;
    }

    ::signal(SIGPIPE, SIG_IGN);
    Lan::LocalIdentity self = cliLocalIdentity(parser.value(nameOption));
    ChatEndpoint endpoint(self.installId, self.name);
    if (!endpoint.bind(*address, quint16(port), false)) {
        reportError(QStringLiteral("chat: ") + endpoint.errorString());
        return ChatExit::CannotBind;
    }
    printError(CliText::tr("chat: listening on %1:%2 as %3")
                   .arg(endpoint.localAddress().toString())
                   .arg(endpoint.localPort())
                   .arg(endpoint.selfName()));
    self.chatPort = endpoint.localPort();
    // Announced, found and speaking IP Messenger as the options say; its destructor, after the
    // event loop, announces the exit in both protocols.
    Lan::PeerDirectory directory(self, *lanOptions);
    directory.start(); // first: the session connects to its IP Messenger endpoint
    ChatSession session(&endpoint, &directory);
    reportLanProblems(QStringLiteral("chat"), directory);
    return QCoreApplication::exec();
}

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

} // namespace

int runSend(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        CliText::tr("Sends one chat message. Exits 0 once a Tincan peer has acknowledged it (or, with "
                    "--classic, once it is sent), 1 when it was not delivered, 3 when --wait-reply "
                    "saw no reply."));
    parser.addHelpOption();
    const QCommandLineOption classicOption(QStringLiteral("classic"),
                                           CliText::tr("Send bare UTF-8 text, as the tutorial's chat programs do."));
    const QCommandLineOption waitOption(QStringLiteral("wait-reply"),
                                        CliText::tr("Wait up to SECONDS for a reply and print it."),
                                        CliText::tr("seconds"));
    parser.addOptions({classicOption, waitOption});
    QCommandLineOption nameOption(QStringLiteral("name"));
    addNameOption(parser, nameOption);
    parser.addPositionalArgument(QStringLiteral("peer"), CliText::tr("Where to send: HOST:PORT."));
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
    const auto to = parsePeer(positional.at(0));
    if (!to) {
        reportError(CliText::tr("send: \"%1\" is not HOST:PORT (an IP address or localhost, and a port).")
                        .arg(positional.at(0)));
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
    ChatEndpoint endpoint(cliLocalIdentity(parser.value(nameOption)).installId, parser.value(nameOption));
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

#include "chatcommand.moc"
