#include "app/cli/chatcommand.h"

#include "app/cli/chattext.h"
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

} // namespace Tincan::Cli

#include "chatcommand.moc"
