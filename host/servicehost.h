// Runs Tincan's servers from one HostSettings value, without widgets: builds
// each service, starts and stops it, and reports everything that happens as
// one stream of HostEvents. `tincan-cli serve` prints that stream; the server
// window's ServerHub shows it, with its clients table and traffic view.
#pragma once

#include "host/hostevent.h"
#include "host/hostsettings.h"
#include "net/services/service.h"

#include <QObject>
#include <QPointer>

#include <array>
#include <map>

namespace Tincan {

class ConsoleServer;

class ServiceHost final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceHost)

public:
    enum class State {
        Stopped,
        Listening,
        Stopping, // the console, while its commands are terminated
        Failed,
    };

    static quint16 defaultPort(ServiceKind kind);
    // Whether the service runs commands, and so refuses non-loopback addresses unless insecure.
    static bool runsCommands(ServiceKind kind);

    explicit ServiceHost(QObject *parent = nullptr);
    ~ServiceHost() override;

    // Takes the settings the next start uses (running services keep theirs);
    // false, with errorString() saying why, when they cannot be used.
    bool setSettings(const HostSettings &settings);
    const HostSettings &settings() const { return m_settings; }

    // Starts every service of the settings, in ServiceKind's order, then warns
    // once for what --insecure opens. False at the first that fails, with
    // errorString() naming it ("console: TCP port 8082 … is already in use.").
    bool startAll();
    // Starts one service (warning for it alone); false with errorString().
    bool start(ServiceKind kind);
    // Marks a service failed before it could be built (the owner's own check).
    void fail(ServiceKind kind, const QString &error);
    // Stops one: the console terminates its commands and tells its clients first.
    void stop(ServiceKind kind);
    // Stops everything; finished() once every service has stopped. `signal`
    // is what asked for it, for the log (0: none).
    void shutdown(int signal = 0);

    State state(ServiceKind kind) const { return slot(kind).state; }
    bool isRunning(ServiceKind kind) const { return state(kind) == State::Listening; }
    // Why the service failed, while it is Failed.
    QString failure(ServiceKind kind) const { return slot(kind).error; }
    QString errorString() const { return m_error; }
    // The running (or stopping) service, null when none.
    Service *service(ServiceKind kind) const { return slot(kind).service; }
    ConsoleServer *console() const;

    // Copies every byte to the services' trafficObserved (only while someone looks).
    void setTrafficObserved(bool on);
    // Reports the clients of a service the host does not run (the main
    // window's chat endpoint) like its own; null stops watching.
    void watch(ServiceKind kind, Service *service);
    // Passes on an event about a watched service, seen by its owner.
    void report(const HostEvent &event) { Q_EMIT eventOccurred(event); }

Q_SIGNALS:
    void eventOccurred(const Tincan::HostEvent &event);
    // A service was built and listens: connect to its client signals here.
    void serviceStarted(Tincan::ServiceKind kind, Tincan::Service *service);
    void stateChanged(Tincan::ServiceKind kind);
    // After shutdown(): nothing runs any more.
    void finished();

private:
    struct Slot
    {
        State state = State::Stopped;
        QString error;
        QPointer<Service> service;
    };
    using Clients = std::map<quint64, ClientInfo>;

    Slot &slot(ServiceKind kind) { return m_slots[std::size_t(kind)]; }
    const Slot &slot(ServiceKind kind) const { return m_slots[std::size_t(kind)]; }
    bool startService(ServiceKind kind);
    Service *build(ServiceKind kind, const ListenSettings &listen, bool *ok);
    void announce(ServiceKind kind, Service *service);
    void warnIfInsecure(const QList<ServiceKind> &started);
    void connectClients(ServiceKind kind, Service *service);
    void connectConsole(ConsoleServer *console);
    void connectUdpCommands(Service *service);
    void onServiceFinished(ServiceKind kind, Service *service);
    void setState(ServiceKind kind, State state, const QString &error = {});
    HostEvent makeEvent(HostEvent::Type type, ServiceKind kind, const Service *service, quint64 clientId = 0) const;
    void emitEvent(const HostEvent &event) { Q_EMIT eventOccurred(event); }
    // A command's start and end, from the console (tagged with the request's
    // id) or the UDP command service (which names the command at both ends).
    void emitCommandStarted(ServiceKind kind, const Service *service, quint64 clientId, const QString &tag,
                            const QString &command, qint64 pid);
    void emitCommandFinished(ServiceKind kind, const Service *service, quint64 clientId, const QString &tag,
                             const QString &command, const ProcessExit &exit);

    HostSettings m_settings;
    std::array<Slot, AllServiceKinds.size()> m_slots;
    std::array<QPointer<Service>, AllServiceKinds.size()> m_watched;
    // Each service's clients, so that every event can name the client it is about.
    std::map<const Service *, Clients> m_clients;
    QString m_error;
    bool m_observeTraffic = false;
    bool m_shuttingDown = false;
};

} // namespace Tincan
