// The server window's services, kept out of the widgets: it creates, starts and
// stops the console, the two echo services and the UDP command service, and
// turns what they report into the clients model, the event log and the
// captured traffic of each client.
#pragma once

#include "models/server/clienttablemodel.h"
#include "models/server/eventlogmodel.h"
#include "models/server/servicekind.h"
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
class ConsoleServer;
class EchoTcpServer;
class EchoUdpService;
class UdpCommandService;

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

    enum class State {
        Stopped,
        Listening,
        Stopping, // the console, while its commands are terminated
        Failed,
    };

    static quint16 defaultPort(ServiceKind kind);
    // The chat belongs to the main window: the hub starts, stops and watches
    // it but does not own it. Without one the Chat service cannot start.
    void attachChat(ChatController *chat);
    ChatController *chat() const;
    // Whether the service runs commands and so refuses non-loopback addresses unless insecure.
    static bool runsCommands(ServiceKind kind);

    explicit ServerHub(QObject *parent = nullptr);
    ~ServerHub() override;

    // Starts the service; false with stateText() holding the reason.
    bool start(ServiceKind kind, const ServiceConfig &config);
    // Stops it: the console terminates its commands and tells its clients first.
    void stop(ServiceKind kind);
    void stopAll();

    State state(ServiceKind kind) const { return m_services[index(kind)].state; }
    bool isRunning(ServiceKind kind) const { return state(kind) == State::Listening; }
    // "Listening on 127.0.0.1:8082", "Stopped", or the error in words.
    QString stateText(ServiceKind kind) const;
    // The bound port while listening (the real one when 0 was asked for).
    quint16 port(ServiceKind kind) const;
    // The console's TLS fingerprint while it listens with TLS ("SHA256:…"), else empty.
    QString consoleFingerprint() const;
    // The same as colon-separated hex (what `openssl x509 -fingerprint -sha256` prints).
    QString consoleFingerprintHex() const;

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
    struct Service
    {
        State state = State::Stopped;
        QString error;
        QHostAddress address;
        quint64 run = 0;
        QPointer<QObject> object; // the running service
    };
    static int index(ServiceKind kind) { return int(kind); }

    bool startConsole(Service &service, const QHostAddress &address, const ServiceConfig &config);
    bool startEchoTcp(Service &service, const QHostAddress &address, quint16 port);
    bool startEchoUdp(Service &service, const QHostAddress &address, quint16 port);
    bool startUdpCommands(Service &service, const QHostAddress &address, const ServiceConfig &config);
    bool startChat(Service &service, const QHostAddress &address, quint16 port);
    // Takes the chat's state (it may change outside the hub: the chat's own settings).
    void syncChatState();
    void connectCommon(ServiceKind kind, QObject *object, quint64 run);
    void setState(ServiceKind kind, State state, const QString &error = {});

    void onClientConnected(const ClientRef &ref, const ClientInfo &info);
    void onClientDisconnected(const ClientRef &ref);
    void onTraffic(const ClientRef &ref, TrafficDirection direction, const QByteArray &bytes);
    QString describe(const ClientRef &ref) const;
    void note(EventLogModel::Severity severity, const QString &text) { m_log->append(severity, text); }
    static QString exitText(const ProcessExit &exit);

    std::array<Service, AllServiceKinds.size()> m_services;
    ClientTableModel *m_clients;
    EventLogModel *m_log;
    std::map<ClientRef, TrafficCapture> m_traffic;
    QPointer<ChatController> m_chat;
    quint16 m_chatPort = 0; // where the chat listened when last synced
    quint64 m_nextRun = 1;
    bool m_observeTraffic = false;
};

} // namespace Tincan
