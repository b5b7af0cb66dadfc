// The tutorial's UDP remote-command server: a datagram holds a command; it
// runs through the shell, and two datagrams go back to the sender: stderr
// first, then stdout, even when empty, each cut to fit one datagram with a
// visible notice when cut. Loopback only unless insecure.
#pragma once

#include "net/process/shellprocess.h"
#include "net/services/udpservice.h"

#include <QHostAddress>
#include <QObject>

#include <chrono>
#include <deque>
#include <map>
#include <memory>

class QUdpSocket;

namespace Tincan {

class UdpCommandService final : public UdpService
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UdpCommandService)

public:
    static constexpr quint16 DefaultPort = 9003;
    // One reply datagram, notice included (the IPv4 UDP maximum).
    static constexpr qsizetype MaxReplyDatagram = 65507;
    // Commands running at once; more wait for a free place.
    static constexpr int MaxConcurrentCommands = 16;
    // Commands waiting beyond that are answered with a refusal.
    static constexpr int MaxQueuedCommands = 64;
    // A command that runs longer is terminated: nobody waits this long for a datagram.
    static constexpr std::chrono::seconds MaxRunTime{60};
    static constexpr int MaxDatagramsPerWakeup = 64;

    explicit UdpCommandService(QObject *parent = nullptr);
    ~UdpCommandService() override;

    // Refuses a non-loopback address unless `insecure`.
    bool bind(const QHostAddress &address, quint16 port, bool insecure = false);
    // Kills the running commands (their groups, reaped) and closes the socket.
    void close() override;
    int runningCount() const { return int(m_running.size()); }
    void setTrafficObserved(bool on) override { m_observeTraffic = on; }

    // Cuts `data` to fit one datagram, ending with a notice when cut.
    static QByteArray fitDatagram(const QByteArray &data, qint64 totalSize);

Q_SIGNALS:
    void commandStarted(quint64 clientId, const QString &command, qint64 pid);
    void commandFinished(quint64 clientId, const QString &command, Tincan::ProcessExit exit);

private:
    struct Run
    {
        ClientInfo client;
        QString command;
        std::unique_ptr<ShellProcess> process;
        QByteArray out;
        QByteArray err;
        qint64 outTotal = 0;
        qint64 errTotal = 0;
    };
    struct Waiting
    {
        QHostAddress address;
        quint16 port = 0;
        QByteArray command;
    };

    void readDatagrams() override;
    void start(const Waiting &request);
    void finish(quint64 key, ProcessExit exit);
    void reply(Run &run, const QByteArray &err, const QByteArray &out);

    std::map<quint64, Run> m_running;
    std::deque<Waiting> m_waiting;
    quint64 m_nextId = 1;
    bool m_observeTraffic = false;
};

} // namespace Tincan
