// The server window's services, kept out of the widgets: a ServiceHost runs
// the console, the two echo services and the UDP command service (the chat
// belongs to the main window's ChatController, which this starts and stops);
// the hub turns what they report into the clients model, the event log (in
// HostEventFormatter's words) and the captured traffic of each client.
#pragma once

#include "host/hostevent.h"
#include "host/hostsettings.h"
#include "host/servicehost.h"
#include "host/servicekind.h"
#include "models/server/clienttablemodel.h"
#include "models/server/eventlogmodel.h"
#include "models/server/trafficcapture.h"
#include "net/auth/passwordhash.h"
#include "net/process/shellprocess.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>

#include <array>
#include <map>
#include <memory>

namespace Tincan {

class ChatController;

class ServerHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerHub)

public:
    struct ServiceConfig
    {
        QString address = QStringLiteral("127.0.0.1");
        quint16 port = 0; // 0: any free port
        // Allow a non-loopback address (console and UDP commands only).
        bool insecure = false;
        // The console's login (null: none). With one, the console may listen
        // on any address and every Tincan client must log in.
        PasswordHash password;
    };

    using State = ServiceHost::State;

    static quint16 defaultPort(ServiceKind kind);
    // The chat belongs to the main window: the hub starts, stops and watches
    // it but does not own it. Without one the Chat service cannot start.
    void attachChat(ChatController *chat);
    ChatController *chat() const;
    // Whether the service runs commands and so refuses non-loopback addresses unless insecure.
    static bool runsCommands(ServiceKind kind);

    explicit ServerHub(QObject *parent = nullptr);
    ~ServerHub() override;

    // The console's policy for its next start (HostSettings' console fields;
    // its services and password are ignored: start() takes those). False,
    // and logged, when a value cannot be used.
    bool setConsolePolicy(const HostSettings &policy);
    const HostSettings &consolePolicy() const { return m_policy; }

    // Starts the service; false with stateText() holding the reason.
    bool start(ServiceKind kind, const ServiceConfig &config);
    // Stops it: the console terminates its commands and tells its clients first.
    void stop(ServiceKind kind);
    void stopAll();

    State state(ServiceKind kind) const;
    bool isRunning(ServiceKind kind) const { return state(kind) == State::Listening; }
    // "Listening on 127.0.0.1:8082", "Stopped", or the error in words.
    QString stateText(ServiceKind kind) const;
    // The bound port while listening (the real one when 0 was asked for).
    quint16 port(ServiceKind kind) const;
    // The console's TLS fingerprint while it listens with TLS ("SHA256:…"), else empty.
    QString consoleFingerprint() const;
    // The same as colon-separated hex (what `openssl x509 -fingerprint -sha256` prints).
    QString consoleFingerprintHex() const;

    ServiceHost *host() const { return m_host; }
    // Copies every byte for the traffic view; only while someone looks.
    void setTrafficObserved(bool on);
    bool isTrafficObserved() const { return m_observeTraffic; }

    ClientTableModel *clients() const { return m_clients; }
    EventLogModel *log() const { return m_log; }
    const TrafficCapture *traffic(const ClientRef &ref) const;

    // Kill terminates a console client's running commands; Disconnect cuts a TCP client.
    bool canKill(const ClientRef &ref) const;
    bool canDisconnect(const ClientRef &ref) const;
    void killCommands(const ClientRef &ref);
    void disconnectClient(const ClientRef &ref);

Q_SIGNALS:
    void stateChanged(Tincan::ServiceKind kind);
    // New bytes in a client's capture (emitted for every chunk: throttle the view).
    void trafficCaptured(const Tincan::ClientRef &ref);

private:
    static int index(ServiceKind kind) { return int(kind); }

    bool startChat(const QHostAddress &address, quint16 port);
    // Takes the chat's state (it may change outside the hub: the chat's own settings).
    void syncChatState();
    void setChatState(State state, const QString &error = {});
    // The table and the traffic view follow a service's clients for one of its runs.
    void follow(ServiceKind kind, Service *service);
    void onEvent(const HostEvent &event);
    void onClientConnected(const ClientRef &ref, const ClientInfo &info);
    void onTraffic(const ClientRef &ref, TrafficDirection direction, const QByteArray &bytes);
    QString describe(const ClientRef &ref) const;
    void note(EventLogModel::Severity severity, const QString &text) { m_log->append(severity, text); }

    ServiceHost *m_host;
    HostSettings m_policy;
    ClientTableModel *m_clients;
    EventLogModel *m_log;
    std::map<ClientRef, TrafficCapture> m_traffic;
    // Which start of each service the table's rows belong to.
    std::array<quint64, AllServiceKinds.size()> m_runs{};
    QPointer<ChatController> m_chat;
    State m_chatState = State::Stopped;
    QString m_chatError;
    QHostAddress m_chatAddress;
    quint16 m_chatPort = 0; // where the chat listened when last synced
    quint64 m_nextRun = 1;
    bool m_observeTraffic = false;
};

} // namespace Tincan
