// The chat behind the Chat tab: the history (SQLite), the UDP endpoint and the
// ChatService joining them, set up the way the app needs: a history that cannot
// be opened or a port that is taken is reported, never fatal, and the chat goes
// on (without memory, or on another port).
#pragma once

#include "chat/chathistory.h"
#include "chat/chatservice.h"
#include "net/chat/chatendpoint.h"
#include "net/lan/peerdirectory.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QStringList>

namespace Tincan {

class ChatController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatController)

public:
    struct Options
    {
        QString historyPath; // empty: no history, chat without memory
        QHostAddress bindAddress = QHostAddress(QHostAddress::Any);
        quint16 port = ChatEndpoint::DefaultPort; // 0: any free port
        bool fallbackToFreePort = true;
        bool listen = true; // false: the user stopped the chat (server window)
        QString displayName;
        // Finding peers on the LAN (presence and IP Messenger). Off unless asked for, so nothing
        // built by hand (the tests) ever announces; defaultOptions() turns it on from the settings.
        bool discovery = false;
        Lan::PeerDirectory::Options lan;
        QString group; // IP Messenger's group
    };

    // QSettings keys of the chat's settings.
    static const QString NameSettingsKey;
    static const QString PortSettingsKey;
    static const QString AddressSettingsKey;
    static const QString ListeningSettingsKey;
    static const QString AnnounceSettingsKey;   // bool: announce at all
    static const QString InterfacesSettingsKey; // comma list; empty: every usable interface
    static const QString ExtraSettingsKey;      // comma list of addresses for routed networks
    static const QString IpMsgPortSettingsKey;  // 0: no IP Messenger
    static const QString GroupSettingsKey;
    static const QString DiscoverySettingsKey; // bool: find peers at all (presence and IP Messenger)
    // The variable that confines announcing to named interfaces (tests), over the settings.
    static constexpr char InterfacesVariable[] = "TINCAN_ANNOUNCE_INTERFACES";

    // The app's choices: the history in the user's data directory, the port
    // and display name from QSettings.
    static Options defaultOptions();
    // The user's login name, the display name until one is chosen.
    static QString defaultDisplayName();

    explicit ChatController(const Options &options, QObject *parent = nullptr);
    ~ChatController() override;

    ChatHistory *history() const { return m_history; }
    ChatEndpoint *endpoint() const { return m_endpoint; }
    ChatService *service() const { return m_service; }
    // The peers on the LAN; null when discovery is off.
    Lan::PeerDirectory *directory() const { return m_directory; }
    // Away by hand or idle: said to every peer.
    void setAway(bool away);
    bool isAway() const { return m_away; }
    // Where this host's console listens (0: it does not), for the presence announcement.
    void setConsolePort(quint16 port);
    quint16 consolePort() const { return m_consolePort; }
    // The conversation to open for a peer on the LAN: a saved contact at its install id or
    // address, else its Tincan peer conversation (the service learns its address from the
    // directory), else its address's (IP Messenger at address:port).
    QString conversationForPeer(const Lan::LanPeer &peer);
    // Applies and remembers the LAN settings; the directory restarts with them.
    void applyLanSettings(bool discovery, const Lan::PeerDirectory::Options &lan, const QString &group);
    const Options &options() const { return m_options; }
    bool hasHistory() const { return m_history->isOpen(); }
    // The history was turned off on purpose (no path), not lost to an error.
    bool isHistoryTurnedOff() const { return m_options.historyPath.isEmpty(); }

    // What the user must know about the chat's state (the history could not be
    // opened, the port was taken, a write failed), one sentence each, oldest first.
    QStringList problems() const;
    // One line for the status bar: where the chat listens.
    QString statusText() const;
    // The details behind statusText().
    QString statusDetails() const;
    quint16 requestedPort() const { return m_options.port; }
    QHostAddress bindAddress() const { return m_options.bindAddress; }

    // Whether the chat receives messages (its UDP port is bound).
    bool isListening() const { return m_endpoint->isBound(); }
    // Stopped by the user (not by an error).
    bool isStopped() const { return m_stopped; }
    // Why the chat does not listen, or listens elsewhere; empty when all is well.
    QString bindProblem() const { return m_bindProblem; }
    // Listens on `address`:`port` exactly (no fallback: the server window asked
    // for that port), remembering both and that the chat runs. Fails with
    // the socket's error when it cannot be bound; the chat then stays stopped.
    Expected<void> listen(const QHostAddress &address, quint16 port);
    // Stops receiving (remembered across restarts). Messages still queued are
    // sent again once the chat listens.
    void stopListening();

    // Errors while chatting kept for problems(), the newest ones.
    static constexpr qsizetype MaxErrorsKept = 5;

    QString displayName() const { return m_endpoint->selfName(); }
    // Applies and remembers (QSettings) the display name and port; the chat
    // moves to a new port at once. Fails with the socket's error when the port
    // cannot be bound (the old one is kept then).
    Expected<void> applySettings(const QString &displayName, quint16 port);

    // The conversations the history holds, most recent first.
    QList<ConversationSummary> conversations() const;
    // A conversation's messages, oldest first: from the history, or (without
    // one) from this run's memory.
    QList<StoredMessage> messages(const QString &key) const;

    // ChatService's operations that move a conversation to another key; the
    // move is signalled by conversationMoved().
    Expected<QString> saveAsContact(const QString &key, const QString &name);
    Expected<void> removeContact(qint64 contactId);

Q_SIGNALS:
    void statusChanged();
    void problemsChanged();
    void conversationMoved(const QString &from, const QString &to);
    // The directory was replaced (new LAN settings) or turned off.
    void directoryChanged();

private:
    bool bindEndpoint(quint16 port);
    void addError(const QString &error);
    void moveInMemory(const QString &from, const QString &to);
    void startDirectory();
    void onPeerChanged(const Lan::LanPeer &peer);
    Lan::LocalIdentity localIdentity() const;

    Options m_options;
    ChatHistory *m_history = nullptr;
    ChatEndpoint *m_endpoint = nullptr;
    ChatService *m_service = nullptr;
    Lan::PeerDirectory *m_directory = nullptr;
    bool m_away = false;
    quint16 m_consolePort = 0;
    QString m_historyProblem;
    QString m_bindProblem;
    bool m_stopped = false; // by the user, not by an error
    QStringList m_errors;   // while chatting, newest last
    // Without a history: this run's messages per conversation.
    QHash<QString, QList<StoredMessage>> m_memory;
};

} // namespace Tincan
