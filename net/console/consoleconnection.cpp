#include "net/console/consoleconnection.h"

#include "net/console/commandrunner.h"
#include "net/console/consoletransport.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/messagetype.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QSslSocket>
#include <QTcpSocket>

namespace Tincan {

using namespace Console;

namespace {
// A request id is the client's label, not data.
constexpr qsizetype MaxRequestIdLength = 128;
} // namespace

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
        sendDownloadChunks();
        maybeClosed();
    });
    connect(m_transport, &ConsoleTransport::disconnected, this, &ConsoleConnection::onDisconnected);

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
    if (runningCommandCount() > 0 || !m_transfers.empty()) {
        m_idleTimer.start(); // a running command or transfer is not idleness
        return;
    }
    const QString reason
        = tr("Idle for %1: the connection is closed.").arg(ConsoleLogin::describeDuration(m_settings.idleTimeout));
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
bool validRequestId(const QJsonValue &id)
{
    return (id.isString() && !id.toString().isEmpty() && id.toString().size() <= MaxRequestIdLength)
        || jsonInteger(id).has_value();
}

// A data message's frame, at most: the chunk and a header of a few dozen bytes.
constexpr qint64 DataFrameBudget = Limits::TransferChunkSize + 1024;
} // namespace

std::optional<quint64> ConsoleConnection::findTransfer(const QJsonValue &requestId) const
{
    for (const auto &[key, transfer] : m_transfers)
        if (transfer.requestId == requestId)
            return key;
    return std::nullopt;
}

void ConsoleConnection::sendTransferError(QLatin1StringView code, const QString &message, const QJsonValue &requestId)
{
    QJsonObject header{{Key::Type, Type::Error}, {Key::Code, code}, {Key::Message, message}};
    if (!requestId.isUndefined() && !requestId.isNull())
        header.insert(Key::Transfer, requestId);
    sendFrame(header);
}

bool ConsoleConnection::acceptNewTransfer(const QJsonValue &requestId)
{
    if (!validRequestId(requestId)) {
        sendTransferError(ErrorCode::BadRequest,
                          tr("A transfer needs a \"transfer\" id: an integer or a string of 1 to %1 characters.")
                              .arg(MaxRequestIdLength),
                          QJsonValue());
        return false;
    }
    if (findTransfer(requestId)) {
        sendTransferError(ErrorCode::DuplicateTransfer,
                          tr("A transfer with id %1 is already going on.").arg(requestKeyOf(requestId)), requestId);
        return false;
    }
    if (transferCount() >= Limits::MaxConcurrentTransfers) {
        sendTransferError(
            ErrorCode::TooManyTransfers,
            tr("Too many transfers at once: at most %1 on one connection.").arg(Limits::MaxConcurrentTransfers),
            requestId);
        return false;
    }
    return true;
}

void ConsoleConnection::handleUpload(const QJsonObject &header)
{
    const QJsonValue requestId = header.value(Key::Transfer);
    if (!acceptNewTransfer(requestId))
        return;
    const QJsonValue nameValue = header.value(Key::FileName);
    const std::optional<qint64> size = jsonInteger(header, Key::FileSize);
    const std::optional<QByteArray> md5 = FileTransfer::parseMd5(header.value(Key::Md5).toString());
    const QJsonValue overwriteValue = header.value(Key::Overwrite);
    if (!nameValue.isString() || !size || *size < 0 || !md5
        || !(overwriteValue.isUndefined() || overwriteValue.isBool())) {
        sendTransferError(ErrorCode::BadRequest,
                          tr("An upload needs a \"filename\" string, a \"file_size\" of 0 to 2^53 bytes, an \"md5\" "
                             "of 32 hex digits and, optionally, a boolean \"overwrite\"."),
                          requestId);
        return;
    }
    const bool overwrite = overwriteValue.toBool(false);
    const TransferPath::Result target = TransferPath::resolve(
        m_directory.current(), nameValue.toString(), TransferPath::Use::Write, m_settings.allowAnyPath, overwrite);
    if (!target.ok()) {
        sendTransferError(target.code, target.message, requestId);
        return;
    }
    if (m_transferTargets.contains(target.path)) {
        sendTransferError(
            ErrorCode::TransferBusy,
            tr("%1 is being received already; one transfer at a time may write a file.").arg(nameValue.toString()),
            requestId);
        return;
    }
    const quint64 key = m_nextTransferKey++;
    Transfer &transfer = m_transfers[key];
    transfer.requestId = requestId;
    transfer.requestKey = requestKeyOf(requestId);
    transfer.upload = true;
    transfer.name = nameValue.toString();
    transfer.path = target.path;
    transfer.size = *size;
    transfer.md5 = *md5;
    transfer.overwrite = overwrite;
    transfer.incoming = std::make_unique<IncomingFile>(target.path, *size, *md5);
    m_transferTargets.insert(target.path);
    Q_EMIT transferStarted(m_id, transfer.requestKey, true, target.path, *size);

    const qint64 partial = transfer.incoming->partialSize();
    if (partial > 0) {
        // Resume: tell the sender what is here, once we know its MD5.
        transfer.resumeOffset = partial;
        transfer.stage = Transfer::Stage::Hashing;
        startHasher(key, transfer.incoming->partialPath(), partial, true);
        return;
    }
    transfer.stage = Transfer::Stage::Offered;
    sendFrame({{Key::Type, Type::TransferReady}, {Key::Transfer, requestId}, {Key::Offset, 0}});
}

void ConsoleConnection::handleDownload(const QJsonObject &header)
{
    const QJsonValue requestId = header.value(Key::Transfer);
    if (!acceptNewTransfer(requestId))
        return;
    const QJsonValue nameValue = header.value(Key::FileName);
    if (!nameValue.isString()) {
        sendTransferError(ErrorCode::BadRequest, tr("A download needs a \"filename\" string."), requestId);
        return;
    }
    const TransferPath::Result source = TransferPath::resolve(m_directory.current(), nameValue.toString(),
                                                              TransferPath::Use::Read, m_settings.allowAnyPath);
    if (!source.ok()) {
        sendTransferError(source.code, source.message, requestId);
        return;
    }
    auto file = std::make_unique<QFile>(source.path);
    if (!file->open(QIODevice::ReadOnly)) {
        sendTransferError(ErrorCode::FileError, tr("Cannot read %1: %2").arg(nameValue.toString(), file->errorString()),
                          requestId);
        return;
    }
    const quint64 key = m_nextTransferKey++;
    Transfer &transfer = m_transfers[key];
    transfer.requestId = requestId;
    transfer.requestKey = requestKeyOf(requestId);
    transfer.upload = false;
    transfer.name = nameValue.toString();
    transfer.path = source.path;
    transfer.size = file->size();
    transfer.source = std::move(file);
    transfer.stage = Transfer::Stage::Hashing;
    Q_EMIT transferStarted(m_id, transfer.requestKey, false, source.path, transfer.size);
    // The offer carries the MD5, so the whole file is hashed first.
    startHasher(key, source.path, transfer.size, false);
}

FileHasher *ConsoleConnection::startHasher(quint64 key, const QString &path, qint64 length, bool keepState)
{
    Transfer &transfer = m_transfers.at(key);
    transfer.hasher = std::make_unique<FileHasher>();
    connect(transfer.hasher.get(), &FileHasher::finished, this, [this, key](bool ok) { onHashed(key, ok); });
    transfer.hasher->start(path, length, keepState);
    return transfer.hasher.get();
}

void ConsoleConnection::onHashed(quint64 key, bool ok)
{
    auto it = m_transfers.find(key);
    if (it == m_transfers.end())
        return;
    Transfer &transfer = it->second;
    // The hasher is emitting this signal: delete it afterwards.
    FileHasher *hasher = transfer.hasher.release();
    hasher->deleteLater();
    if (socketGone())
        return;
    if (transfer.upload) {
        // The partial file's MD5: the sender checks its own first bytes against it.
        transfer.stage = Transfer::Stage::Offered;
        if (!ok) {
            transfer.resumeOffset = 0;
            sendFrame({{Key::Type, Type::TransferReady}, {Key::Transfer, transfer.requestId}, {Key::Offset, 0}});
            return;
        }
        transfer.resumeState = hasher->takeState();
        sendFrame({{Key::Type, Type::TransferReady},
                   {Key::Transfer, transfer.requestId},
                   {Key::Offset, transfer.resumeOffset},
                   {Key::Md5, QString::fromLatin1(hasher->md5Hex())}});
        return;
    }
    if (!ok) {
        failTransfer(key, ErrorCode::FileError, hasher->errorString());
        return;
    }
    if (transfer.md5.isEmpty()) {
        // The whole file: offer it.
        transfer.md5 = hasher->md5Hex();
        transfer.stage = Transfer::Stage::Offered;
        sendFrame({{Key::Type, Type::File},
                   {Key::Transfer, transfer.requestId},
                   {Key::FileName, transfer.name},
                   {Key::FileSize, transfer.size},
                   {Key::Md5, QString::fromLatin1(transfer.md5)}});
        return;
    }
    // The first resumeOffset bytes, to compare with what the client has.
    const bool same = hasher->md5Hex() == transfer.resumeClientMd5;
    transfer.position = same ? transfer.resumeOffset : 0;
    transfer.stage = Transfer::Stage::Sending;
    if (!transfer.source->seek(transfer.position)) {
        failTransfer(key, ErrorCode::FileError,
                     tr("Cannot read %1: %2").arg(transfer.name, transfer.source->errorString()));
        return;
    }
    sendDownloadChunks();
}

void ConsoleConnection::handleTransferReady(const QJsonObject &header)
{
    const QJsonValue requestId = header.value(Key::Transfer);
    const std::optional<quint64> key = findTransfer(requestId);
    if (!key) {
        sendTransferError(ErrorCode::UnknownTransfer,
                          tr("No transfer with id %1 is going on.").arg(requestKeyOf(requestId)), requestId);
        return;
    }
    Transfer &transfer = m_transfers.at(*key);
    if (transfer.upload || transfer.stage != Transfer::Stage::Offered) {
        failTransfer(*key, ErrorCode::BadData,
                     tr("\"transfer_ready\" was not expected for transfer %1.").arg(transfer.requestKey));
        return;
    }
    const std::optional<qint64> offset = jsonInteger(header, Key::Offset);
    if (!offset || *offset < 0 || *offset > transfer.size) {
        failTransfer(*key, ErrorCode::BadData,
                     tr("\"transfer_ready\" needs an \"offset\" from 0 to the file's %1 bytes.").arg(transfer.size));
        return;
    }
    const std::optional<QByteArray> md5 = FileTransfer::parseMd5(header.value(Key::Md5).toString());
    if (*offset > 0 && md5) {
        // Resume, if the client's bytes are ours: hash our first bytes.
        transfer.resumeOffset = *offset;
        transfer.stage = Transfer::Stage::Hashing;
        transfer.resumeClientMd5 = *md5;
        startHasher(*key, transfer.path, *offset, false);
        return;
    }
    transfer.position = 0;
    transfer.stage = Transfer::Stage::Sending;
    sendDownloadChunks();
}

void ConsoleConnection::handleData(const Frame &frame)
{
    const QJsonValue requestId = frame.header.value(Key::Transfer);
    const std::optional<quint64> key = findTransfer(requestId);
    if (!key) {
        sendTransferError(ErrorCode::UnknownTransfer,
                          tr("Data for transfer %1, which is not going on.").arg(requestKeyOf(requestId)), requestId);
        return;
    }
    Transfer &transfer = m_transfers.at(*key);
    if (!transfer.upload
        || (transfer.stage != Transfer::Stage::Offered && transfer.stage != Transfer::Stage::Receiving)) {
        failTransfer(*key, ErrorCode::BadData,
                     tr("Data for transfer %1 arrived before \"transfer_ready\" or in the wrong direction.")
                         .arg(transfer.requestKey));
        return;
    }
    if (frame.payload.size() > Limits::TransferChunkSize) {
        failTransfer(*key, ErrorCode::BadData,
                     tr("A data message carries at most %1 bytes, not %2.")
                         .arg(Limits::TransferChunkSize)
                         .arg(frame.payload.size()));
        return;
    }
    const std::optional<qint64> offset = jsonInteger(frame.header, Key::Offset);
    IncomingFile &incoming = *transfer.incoming;
    if (transfer.stage == Transfer::Stage::Offered) {
        // The first data message says where the sender starts: at 0, or at
        // the offset we offered (it agreed that our bytes are its).
        const bool fromStart = offset == 0;
        const bool resumed = transfer.resumeOffset > 0 && offset == transfer.resumeOffset;
        if (!fromStart && !resumed) {
            failTransfer(*key, ErrorCode::BadData,
                         tr("The first data message of transfer %1 must start at 0 or at %2.")
                             .arg(transfer.requestKey)
                             .arg(transfer.resumeOffset));
            return;
        }
        if (!incoming.open(*offset, fromStart ? nullptr : std::move(transfer.resumeState))) {
            failTransfer(*key, ErrorCode::FileError, incoming.errorString());
            return;
        }
        transfer.resumeState.reset();
        transfer.stage = Transfer::Stage::Receiving;
    } else if (offset != incoming.position()) {
        failTransfer(*key, ErrorCode::BadData,
                     tr("Data of transfer %1 out of order: byte %2 was expected.")
                         .arg(transfer.requestKey)
                         .arg(incoming.position()),
                     true);
        return;
    }
    if (!incoming.write(frame.payload)) {
        const bool tooMuch = incoming.errorKind() == IncomingFile::Error::TooMuch;
        failTransfer(*key, tooMuch ? ErrorCode::BadData : ErrorCode::FileError, incoming.errorString(), tooMuch);
        return;
    }
    if (!incoming.isComplete())
        return;
    if (!incoming.commit(transfer.overwrite)) {
        QLatin1StringView code = ErrorCode::FileError;
        if (incoming.errorKind() == IncomingFile::Error::Mismatch)
            code = ErrorCode::ChecksumMismatch;
        else if (incoming.errorKind() == IncomingFile::Error::Exists)
            code = ErrorCode::FileExists;
        failTransfer(*key, code, incoming.errorString());
        return;
    }
    sendFrame({{Key::Type, Type::TransferDone},
               {Key::Transfer, transfer.requestId},
               {Key::FileName, transfer.name},
               {Key::FileSize, transfer.size},
               {Key::Md5, QString::fromLatin1(incoming.actualMd5())}});
    endTransfer(*key, true, {});
}

void ConsoleConnection::handleTransferDone(const QJsonObject &header)
{
    const QJsonValue requestId = header.value(Key::Transfer);
    const std::optional<quint64> key = findTransfer(requestId);
    if (!key) {
        sendTransferError(ErrorCode::UnknownTransfer,
                          tr("No transfer with id %1 is going on.").arg(requestKeyOf(requestId)), requestId);
        return;
    }
    const Transfer &transfer = m_transfers.at(*key);
    if (transfer.upload || transfer.stage != Transfer::Stage::Sent) {
        failTransfer(*key, ErrorCode::BadData,
                     tr("\"transfer_done\" for transfer %1 before all of it was sent.").arg(transfer.requestKey));
        return;
    }
    endTransfer(*key, true, {});
}

void ConsoleConnection::handleTransferCancel(const QJsonObject &header)
{
    // A cancel may cross the transfer's end (or its error): nothing to answer.
    const std::optional<quint64> key = findTransfer(header.value(Key::Transfer));
    if (!key)
        return;
    Transfer &transfer = m_transfers.at(*key);
    // Given up on purpose, not interrupted: nothing is kept to resume.
    if (transfer.incoming)
        transfer.incoming->discard();
    const QString reason = header.value(Key::Message).toString().left(MaxRequestIdLength * 4);
    endTransfer(*key, false,
                reason.isEmpty() ? tr("Cancelled by the client.") : tr("Cancelled by the client: %1").arg(reason));
}

void ConsoleConnection::failTransfer(quint64 key, QLatin1StringView code, const QString &message, bool discard)
{
    auto it = m_transfers.find(key);
    if (it == m_transfers.end())
        return;
    if (discard && it->second.incoming)
        it->second.incoming->discard();
    sendTransferError(code, message, it->second.requestId);
    endTransfer(key, false, message);
}

void ConsoleConnection::endTransfer(quint64 key, bool ok, const QString &message)
{
    auto it = m_transfers.find(key);
    if (it == m_transfers.end())
        return;
    Transfer transfer = std::move(it->second);
    m_transfers.erase(it);
    if (transfer.incoming) {
        transfer.incoming->close(); // an interrupted file stays for a resume
        m_transferTargets.remove(transfer.path);
    }
    if (transfer.hasher)
        transfer.hasher.release()->deleteLater(); // it may be the one emitting
    Q_EMIT transferFinished(m_id, transfer.requestKey, ok, message);
    if (m_transfers.empty() && runningCommandCount() == 0 && m_idleTimer.isActive())
        m_idleTimer.start();
}

void ConsoleConnection::sendDownloadChunks()
{
    // Reads the files only while the connection has room under the unsent
    // output bound: a slow client holds the file on disk, not in memory.
    if (m_pumping || socketGone() || m_transfers.empty())
        return;
    m_pumping = true;
    bool sent = true;
    while (sent && m_transport->bytesToWrite() + DataFrameBudget <= Limits::SendHighWater && !socketGone()) {
        sent = false;
        // One chunk of each transfer in turn, so they share the connection.
        std::vector<quint64> keys;
        for (const auto &[key, transfer] : m_transfers)
            if (transfer.stage == Transfer::Stage::Sending)
                keys.push_back(key);
        for (quint64 key : keys) {
            if (socketGone() || m_transport->bytesToWrite() + DataFrameBudget > Limits::SendHighWater)
                break;
            auto it = m_transfers.find(key);
            if (it == m_transfers.end())
                continue;
            Transfer &transfer = it->second;
            const qint64 want = std::min<qint64>(Limits::TransferChunkSize, transfer.size - transfer.position);
            const QByteArray chunk = transfer.source->read(want);
            if (chunk.size() != want) {
                failTransfer(key, ErrorCode::FileError,
                             tr("Cannot read %1: it ended early or could not be read (%2).")
                                 .arg(transfer.name, transfer.source->errorString()));
                continue;
            }
            const qint64 offset = transfer.position;
            transfer.position += chunk.size();
            if (transfer.position == transfer.size) {
                transfer.stage = Transfer::Stage::Sent;
                transfer.source->close();
            }
            sendFrame({{Key::Type, Type::Data}, {Key::Transfer, transfer.requestId}, {Key::Offset, offset}}, chunk);
            sent = true;
        }
    }
    m_pumping = false;
}

void ConsoleConnection::closeTransfers()
{
    while (!m_transfers.empty())
        endTransfer(m_transfers.begin()->first, false, tr("The connection closed before the transfer ended."));
}

} // namespace Tincan
