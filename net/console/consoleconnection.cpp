#include "net/console/consoleconnection.h"

#include "net/base/durationtext.h"
#include "net/console/commandrunner.h"
#include "net/console/consoletransport.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/messagetype.h"
#include "net/wire/requestid.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QSslSocket>
#include <QTcpSocket>

namespace Tincan {

using namespace Console;

ConsoleConnection::ConsoleConnection(quint64 id, QTcpSocket *socket, Settings settings, SourcePenalties &penalties,
                                     QSet<QString> &transferTargets, QObject *parent)
    : QObject(parent)
    , m_id(id)
    , m_settings(std::move(settings))
    , m_transport(new ConsoleTransport(socket, this))
    , m_login(m_settings.login, penalties)
    , m_directory(m_settings.startDirectory)
    , m_transferTargets(transferTargets)
{
    m_info.id = id;
    m_info.address = socket->peerAddress();
    m_info.port = socket->peerPort();
    m_info.since = QDateTime::currentDateTime();
    if (const auto *tls = qobject_cast<QSslSocket *>(socket))
        m_info.encrypted = tls->isEncrypted();
    connect(m_transport, &ConsoleTransport::protocolDecided, this, &ConsoleConnection::onProtocolDecided);
    connect(m_transport, &ConsoleTransport::frameReceived, this, &ConsoleConnection::onFrame);
    connect(m_transport, &ConsoleTransport::decodeFailed, this, &ConsoleConnection::protocolError);
    connect(m_transport, &ConsoleTransport::activity, this, &ConsoleConnection::onActivity);
    connect(m_transport, &ConsoleTransport::bytesReceived, this,
            [this](const QByteArray &bytes) { onBytes(TrafficDirection::In, bytes); });
    connect(m_transport, &ConsoleTransport::bytesSent, this,
            [this](const QByteArray &bytes) { onBytes(TrafficDirection::Out, bytes); });
    connect(m_transport, &ConsoleTransport::outputPausedChanged, this, [this](bool paused) {
        if (m_runner)
            m_runner->setOutputPaused(paused);
    });
    connect(m_transport, &ConsoleTransport::flushed, this, [this] {
        m_transfers.pump();
        maybeClosed();
    });
    connect(m_transport, &ConsoleTransport::disconnected, this, &ConsoleConnection::onDisconnected);
    connect(&m_transfers, &TransferEngine::ended, this, &ConsoleConnection::onTransferEnded);

    m_graceTimer.setSingleShot(true);
    m_graceTimer.setInterval(m_settings.login.loginGraceTime);
    connect(&m_graceTimer, &QTimer::timeout, this, &ConsoleConnection::onLoginGraceExpired);

    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, &ConsoleConnection::onIdleTimeout);
}

ConsoleConnection::~ConsoleConnection() = default;

WireProtocol ConsoleConnection::protocol() const
{
    return m_transport->protocol();
}

int ConsoleConnection::runningCommandCount() const
{
    return m_runner ? m_runner->runningCount() : 0;
}

bool ConsoleConnection::socketGone() const
{
    return m_transport->isGone();
}

void ConsoleConnection::start()
{
    if (m_login.graceStartsAtConnect())
        m_graceTimer.start();
    m_transport->start();
}

void ConsoleConnection::onActivity()
{
    if (m_login.isEstablished() && m_idleTimer.isActive())
        m_idleTimer.start(); // the client is there
}

void ConsoleConnection::onBytes(TrafficDirection direction, const QByteArray &bytes)
{
    (direction == TrafficDirection::In ? m_info.bytesIn : m_info.bytesOut) += bytes.size();
    if (m_observeTraffic)
        Q_EMIT trafficObserved(m_id, direction, bytes);
    Q_EMIT updated(m_info);
}

void ConsoleConnection::onProtocolDecided(WireProtocol protocol, const QByteArray &firstBytes)
{
    m_info.protocol = protocol == WireProtocol::Framed ? QStringLiteral("Tincan") : QStringLiteral("classic");
    Q_EMIT protocolDetected(m_id, protocol);
    Q_EMIT updated(m_info);
    const ConsoleLogin::Step step = m_login.protocolDecided(protocol, firstBytes);
    if (step.kind != ConsoleLogin::Step::Kind::Established) {
        apply(step);
        if (!m_closing && !m_graceTimer.isActive())
            m_graceTimer.start();
        return;
    }
    apply(step);
    m_classic->processInput(firstBytes);
}

void ConsoleConnection::makeRunner(WireProtocol protocol)
{
    if (m_runner)
        return;
    if (protocol == WireProtocol::Framed) {
        m_framed = new FramedCommandRunner(*m_transport, m_directory, this);
        m_runner = m_framed;
    } else {
        m_classic = new ClassicCommandRunner(*m_transport, m_settings.startDirectory, m_settings.classicReplyCap, this);
        connect(m_transport, &ConsoleTransport::classicReadable, m_classic, [this] { m_classic->processInput(); });
        m_runner = m_classic;
    }
    m_runner->setOutputPaused(m_transport->isOutputPaused());
    connect(
        m_runner, &CommandRunner::commandStarted, this,
        [this](const QString &key, const QString &line, qint64 pid) { Q_EMIT commandStarted(m_id, key, line, pid); });
    connect(m_runner, &CommandRunner::commandFinished, this,
            [this](const QString &key, ProcessExit exit) { Q_EMIT commandFinished(m_id, key, exit); });
    connect(m_runner, &CommandRunner::runningChanged, this, &ConsoleConnection::onRunningChanged);
    connect(m_runner, &CommandRunner::commandReaped, this, &ConsoleConnection::maybeClosed);
}

void ConsoleConnection::onRunningChanged()
{
    // Show the newest command still running, if any.
    m_info.runningCommand = m_runner->runningCommandLine();
    Q_EMIT updated(m_info);
    if (m_runner->isEmpty() && m_idleTimer.isActive())
        m_idleTimer.start(); // idleness counts from the last command's end
}

void ConsoleConnection::apply(const ConsoleLogin::Step &step)
{
    using Kind = ConsoleLogin::Step::Kind;
    if (step.auth == ConsoleLogin::Step::Auth::Failed)
        Q_EMIT authenticationFailed(m_id, m_info.address, step.reason, step.penalty.count());
    else if (step.auth == ConsoleLogin::Step::Auth::Succeeded)
        Q_EMIT authenticationSucceeded(m_id, m_info.address);
    switch (step.kind) {
    case Kind::Wait:
        if (!step.frame.isEmpty())
            sendFrame(step.frame, step.payload);
        return;
    case Kind::Established:
        m_graceTimer.stop();
        enterEstablished();
        if (!step.frame.isEmpty())
            sendFrame(step.frame, step.payload);
        return;
    case Kind::Refuse:
        refuse(step.reason, step.frame, step.payload);
        return;
    case Kind::ProtocolError:
        protocolError(step.reason);
        return;
    case Kind::Close:
        sendFrame(step.frame, step.payload);
        closeWhenIdle();
        return;
    }
}

void ConsoleConnection::enterEstablished()
{
    makeRunner(m_transport->protocol());
    m_transport->setSessionLimits();
    if (m_settings.idleTimeout.count() > 0)
        m_idleTimer.start(m_settings.idleTimeout);
}

void ConsoleConnection::killCommands()
{
    if (m_runner)
        m_runner->terminateAll();
}

void ConsoleConnection::abort()
{
    killCommands();
    m_transport->abort(); // disconnected() follows, which ends the rest
}

void ConsoleConnection::onFrame(const Frame &frame)
{
    const QJsonValue typeValue = frame.header.value(Key::Type);
    if (!typeValue.isString()) {
        protocolError(tr("A message has no \"type\"."));
        return;
    }
    const QString type = typeValue.toString();
    const MessageType message = messageTypeFromName(type);
    if (!m_login.isEstablished()) {
        apply(m_login.receive(message, type, frame.header, ConsoleLogin::Clock::now()));
        return;
    }
    switch (message) {
    case MessageType::Exec:
        m_framed->exec(frame.header);
        return;
    case MessageType::Cancel:
        m_framed->cancel(frame.header);
        return;
    case MessageType::Data:
        handleData(frame);
        return;
    case MessageType::Upload:
        handleUpload(frame.header);
        return;
    case MessageType::Download:
        handleDownload(frame.header);
        return;
    case MessageType::TransferReady:
        handleTransferReady(frame.header);
        return;
    case MessageType::TransferDone:
        handleTransferDone(frame.header);
        return;
    case MessageType::TransferCancel:
        handleTransferCancel(frame.header);
        return;
    case MessageType::Ping:
        sendFrame({{Key::Type, Type::Pong}, {Key::Id, frame.header.value(Key::Id)}});
        return;
    case MessageType::Pong:
    case MessageType::Hello:
        return; // a late keep-alive answer or a repeated greeting needs nothing
    case MessageType::Unknown:
    // What only a server sends, and a second auth, are not requests: unknown here.
    case MessageType::Welcome:
    case MessageType::AuthChallenge:
    case MessageType::Auth:
    case MessageType::Started:
    case MessageType::Output:
    case MessageType::Exit:
    case MessageType::Error:
    case MessageType::File:
        sendError(ErrorCode::UnknownType, tr("Unknown message type \"%1\".").arg(type.left(64)),
                  frame.header.value(Key::Id));
        return;
    }
}

void ConsoleConnection::onLoginGraceExpired()
{
    if (m_login.isEstablished() || m_closing)
        return;
    apply(m_login.graceExpired());
}

void ConsoleConnection::onIdleTimeout()
{
    if (m_closing)
        return;
    if (runningCommandCount() > 0 || m_transfers.count() > 0) {
        m_idleTimer.start(); // a running command or transfer is not idleness
        return;
    }
    const QString reason = tr("Idle for %1: the connection is closed.").arg(describeDuration(m_settings.idleTimeout));
    QJsonObject header;
    if (protocol() == WireProtocol::Framed)
        header = {{Key::Type, Type::Error}, {Key::Code, ErrorCode::IdleTimeout}, {Key::Message, reason}};
    refuse(reason, header);
}

void ConsoleConnection::refuse(const QString &reason, const QJsonObject &header, const QByteArray &payload)
{
    if (m_closing)
        return;
    Q_EMIT connectionRefused(m_id, m_info.address, m_info.port, reason);
    if (!header.isEmpty())
        sendFrame(header, payload);
    closeWhenIdle();
    killCommands();
}

// ---- sending, errors, closing ---------------------------------------------

void ConsoleConnection::sendFrame(const QJsonObject &header, QByteArrayView payload)
{
    m_transport->send(header, payload);
}

void ConsoleConnection::sendError(QLatin1StringView code, const QString &message, const QJsonValue &requestId)
{
    m_transport->sendError(code, message, requestId);
}

void ConsoleConnection::protocolError(const QString &message)
{
    if (m_closing)
        return;
    Q_EMIT protocolErrorOccurred(m_id, message);
    if (protocol() == WireProtocol::Framed)
        sendError(ErrorCode::Protocol, message);
    closeWhenIdle();
    killCommands();
}

void ConsoleConnection::closeWhenIdle()
{
    m_closing = true;
    m_login.abandon();
    m_transport->stopReading();
    if (m_runner)
        m_runner->stop();
    m_graceTimer.stop();
    m_idleTimer.stop();
    maybeClosed();
}

void ConsoleConnection::shutdown()
{
    if (protocol() == WireProtocol::Framed && m_login.isEstablished() && !socketGone())
        sendError(ErrorCode::ShuttingDown, tr("The server is shutting down."));
    closeWhenIdle();
    closeTransfers();
    killCommands();
    maybeClosed();
}

void ConsoleConnection::onDisconnected()
{
    m_closing = true;
    m_login.abandon();
    if (m_runner)
        m_runner->stop();
    m_graceTimer.stop();
    m_idleTimer.stop();
    closeTransfers();
    // Nobody is left to read the output: end the commands and resume reading
    // so that they are not held up by flow control.
    if (m_runner)
        m_runner->releaseAll();
    maybeClosed();
}

void ConsoleConnection::maybeClosed()
{
    if (!m_closing || runningCommandCount() > 0 || m_closedEmitted)
        return;
    if (!m_transport->closeWhenFlushed())
        return; // disconnected() follows once the data is written
    if (m_closedEmitted)
        return; // disconnecting reported the close already
    m_closedEmitted = true;
    closeTransfers();
    Q_EMIT closed(m_id);
}

// ---- file transfers ----------------------------------------------------------

namespace {
// A data message's frame, at most: the chunk and a header of a few dozen bytes.
constexpr qint64 DataFrameBudget = Limits::TransferChunkSize + 1024;
} // namespace

void ConsoleConnection::sendTransferFrame(const QJsonObject &header, QByteArrayView payload)
{
    sendFrame(header, payload);
}

bool ConsoleConnection::canSendData() const
{
    // Files are read only while the connection has room under the unsent
    // output bound: a slow client holds the file on disk, not in memory.
    return !socketGone() && m_transport->bytesToWrite() + DataFrameBudget <= Limits::SendHighWater;
}

void ConsoleConnection::handleUpload(const QJsonObject &header)
{
    const QJsonValue requestId = header.value(Key::Transfer);
    if (!m_transfers.acceptNew(requestId))
        return;
    const QJsonValue nameValue = header.value(Key::FileName);
    const std::optional<qint64> size = jsonInteger(header, Key::FileSize);
    const std::optional<QByteArray> md5 = FileTransfer::parseMd5(header.value(Key::Md5).toString());
    const QJsonValue overwriteValue = header.value(Key::Overwrite);
    if (!nameValue.isString() || !size || *size < 0 || !md5
        || !(overwriteValue.isUndefined() || overwriteValue.isBool())) {
        m_transfers.refuse(ErrorCode::BadRequest,
                           tr("An upload needs a \"filename\" string, a \"file_size\" of 0 to 2^53 bytes, an \"md5\" "
                              "of 32 hex digits and, optionally, a boolean \"overwrite\"."),
                           requestId);
        return;
    }
    const bool overwrite = overwriteValue.toBool(false);
    const TransferPath::Result target = TransferPath::resolve(
        m_directory.current(), nameValue.toString(), TransferPath::Use::Write, m_settings.allowAnyPath, overwrite);
    if (!target.ok()) {
        m_transfers.refuse(target.code, target.message, requestId);
        return;
    }
    if (m_transferTargets.contains(target.path)) {
        m_transfers.refuse(
            ErrorCode::TransferBusy,
            tr("%1 is being received already; one transfer at a time may write a file.").arg(nameValue.toString()),
            requestId);
        return;
    }
    const quint64 key = m_nextTransferKey++;
    m_transfers.add(key, TransferEngine::Direction::Receive,
                    {requestId, nameValue.toString(), target.path, nameValue.toString(), *size, *md5, overwrite});
    m_transferTargets.insert(target.path);
    Q_EMIT transferStarted(m_id, requestKeyOf(requestId), true, target.path, *size);
    m_transfers.begin(key);
}

void ConsoleConnection::handleDownload(const QJsonObject &header)
{
    const QJsonValue requestId = header.value(Key::Transfer);
    if (!m_transfers.acceptNew(requestId))
        return;
    const QJsonValue nameValue = header.value(Key::FileName);
    if (!nameValue.isString()) {
        m_transfers.refuse(ErrorCode::BadRequest, tr("A download needs a \"filename\" string."), requestId);
        return;
    }
    const TransferPath::Result source = TransferPath::resolve(m_directory.current(), nameValue.toString(),
                                                              TransferPath::Use::Read, m_settings.allowAnyPath);
    if (!source.ok()) {
        m_transfers.refuse(source.code, source.message, requestId);
        return;
    }
    const quint64 key = m_nextTransferKey++;
    m_transfers.add(key, TransferEngine::Direction::Send,
                    {requestId, nameValue.toString(), source.path, nameValue.toString(), 0, {}, false});
    if (!m_transfers.openSource(key)) {
        m_transfers.refuse(ErrorCode::FileError, m_transfers.errorString(), requestId);
        return;
    }
    Q_EMIT transferStarted(m_id, requestKeyOf(requestId), false, source.path, m_transfers.fileSize(key));
    m_transfers.begin(key);
}

void ConsoleConnection::onTransferEnded(const TransferEngine::Ending &ending)
{
    if (ending.direction == TransferEngine::Direction::Receive)
        m_transferTargets.remove(ending.path);
    Q_EMIT transferFinished(m_id, requestKeyOf(ending.requestId), ending.ok(), ending.message);
    if (m_transfers.count() == 0 && runningCommandCount() == 0 && m_idleTimer.isActive())
        m_idleTimer.start();
}

void ConsoleConnection::closeTransfers()
{
    m_transfers.endAll(TransferEngine::Outcome::Connection, tr("The connection closed before the transfer ended."));
}

} // namespace Tincan
