#include "net/services/udpcommandservice.h"

#include <QNetworkDatagram>
#include <QTimer>
#include <QUdpSocket>

namespace Tincan {

namespace {
QByteArray notice(qint64 kept, qint64 total)
{
    // Wire text for the tutorial's client, so not translated.
    return QStringLiteral("\n[tincan: output truncated to %1 of %2 bytes to fit one datagram]\n")
        .arg(kept)
        .arg(total)
        .toUtf8();
}
constexpr qsizetype NoticeReserve = 128;
} // namespace

UdpCommandService::UdpCommandService(QObject *parent)
    : UdpService(parent)
{
    qRegisterMetaType<Tincan::ProcessExit>();
}

UdpCommandService::~UdpCommandService()
{
    close();
}

bool UdpCommandService::bind(const QHostAddress &address, quint16 port, bool insecure)
{
    close();
    if (!address.isLoopback() && !insecure) {
        setErrorString(tr("Refusing to serve UDP commands on %1: anyone who can send a datagram there could run "
                          "commands. Use 127.0.0.1, or --insecure on a network you trust.")
                           .arg(address.toString()));
        return false;
    }
    return bindSocket(address, port);
}

void UdpCommandService::close()
{
    m_waiting.clear();
    for (auto &[key, run] : std::exchange(m_running, {})) {
        run.process->disconnect(this);
        run.process.reset(); // kills the group and reaps
        Q_EMIT clientDisconnected(run.client.id);
    }
    UdpService::close();
}

QByteArray UdpCommandService::fitDatagram(const QByteArray &data, qint64 totalSize)
{
    if (totalSize <= MaxReplyDatagram && data.size() == totalSize)
        return data;
    const qsizetype keep = std::min<qsizetype>(data.size(), MaxReplyDatagram - NoticeReserve);
    return data.left(keep) + notice(keep, totalSize);
}

void UdpCommandService::readDatagrams()
{
    receivePending(MaxDatagramsPerWakeup, [this](const QNetworkDatagram &datagram) {
        const Waiting request{datagram.senderAddress(), quint16(datagram.senderPort()), datagram.data()};
        if (int(m_running.size()) < MaxConcurrentCommands) {
            start(request);
        } else if (int(m_waiting.size()) < MaxQueuedCommands) {
            m_waiting.push_back(request);
        } else {
            // Still the two datagrams the client waits for.
            const QByteArray busy = tr("tincan: too many commands at once; try again later.\n").toUtf8();
            socket()->writeDatagram(busy, request.address, request.port);
            socket()->writeDatagram(QByteArray(), request.address, request.port);
        }
    });
}

void UdpCommandService::start(const Waiting &request)
{
    const quint64 key = m_nextId++;
    Run &run = m_running[key];
    run.client.id = key;
    run.client.address = request.address;
    run.client.port = request.port;
    run.client.protocol = QStringLiteral("UDP");
    run.client.since = QDateTime::currentDateTime();
    run.client.bytesIn = request.command.size();
    run.command = QString::fromUtf8(request.command);
    run.client.runningCommand = run.command;
    Q_EMIT clientConnected(run.client);
    if (m_observeTraffic)
        Q_EMIT trafficObserved(key, TrafficDirection::In, request.command);

    run.process = std::make_unique<ShellProcess>();
    ShellProcess *process = run.process.get();
    connect(process, &ShellProcess::outputRead, this, [this, key](OutputStream stream, const QByteArray &data) {
        auto it = m_running.find(key);
        if (it == m_running.end())
            return;
        Run &r = it->second;
        QByteArray &target = stream == OutputStream::Stdout ? r.out : r.err;
        qint64 &total = stream == OutputStream::Stdout ? r.outTotal : r.errTotal;
        total += data.size();
        // Keep what can be sent; read and count the rest so the command never blocks.
        const qsizetype room = MaxReplyDatagram - target.size();
        if (room > 0)
            target.append(data.left(room));
    });
    connect(process, &ShellProcess::finished, this, [this, key](ProcessExit exit) { finish(key, exit); });
    if (!process->start(run.command)) {
        const QByteArray err = process->errorString().toUtf8() + '\n';
        reply(run, err, QByteArray());
        ProcessExit failed;
        failed.exitCode = 127;
        const QString command = run.command;
        const quint64 id = run.client.id;
        run.process.release()->deleteLater();
        m_running.erase(key);
        Q_EMIT commandFinished(id, command, failed);
        Q_EMIT clientDisconnected(id);
        return;
    }
    QTimer::singleShot(MaxRunTime, process, &ShellProcess::terminate);
    Q_EMIT commandStarted(key, run.command, process->pid());
}

void UdpCommandService::reply(Run &run, const QByteArray &err, const QByteArray &out)
{
    if (!socket())
        return;
    // The tutorial's order: stderr, then stdout, both always sent.
    socket()->writeDatagram(err, run.client.address, run.client.port);
    socket()->writeDatagram(out, run.client.address, run.client.port);
    run.client.bytesOut += err.size() + out.size();
    if (m_observeTraffic) {
        Q_EMIT trafficObserved(run.client.id, TrafficDirection::Out, err);
        Q_EMIT trafficObserved(run.client.id, TrafficDirection::Out, out);
    }
}

void UdpCommandService::finish(quint64 key, ProcessExit exit)
{
    auto it = m_running.find(key);
    if (it == m_running.end())
        return;
    Run run = std::move(it->second);
    m_running.erase(it);
    run.process.release()->deleteLater(); // it is emitting this signal
    reply(run, fitDatagram(run.err, run.errTotal), fitDatagram(run.out, run.outTotal));
    run.client.runningCommand.clear();
    Q_EMIT clientUpdated(run.client);
    Q_EMIT commandFinished(run.client.id, run.command, exit);
    Q_EMIT clientDisconnected(run.client.id);
    while (!m_waiting.empty() && int(m_running.size()) < MaxConcurrentCommands) {
        const Waiting next = m_waiting.front();
        m_waiting.pop_front();
        start(next);
    }
}

} // namespace Tincan
