#include "consoleconnection.h"

#include "consoleprotocol.h"
#include "consoleserver.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace Tincan {

using namespace Console;

namespace {
// Client-to-server messages are small; nothing they carry needs more.
constexpr qint64 MaxRequestPayload = 1024 * 1024;
// A request id is the client's label, not data.
constexpr qsizetype MaxRequestIdLength = 128;
// Bytes that settle the protocol (see ProtocolDetector).
constexpr qsizetype DetectionBytes = 5;
// What the socket may hold unread before TCP pushes back on the client.
constexpr qint64 SocketReadBufferSize = 256 * 1024;

QString requestKeyOf(const QJsonValue &id)
{
    if (id.isString())
        return id.toString();
    if (id.isDouble())
        return QString::number(qint64(id.toDouble()));
    return QString();
}

QByteArray classicTruncationNotice(qint64 dropped, qint64 cap)
{
    // Wire text for the classic client, so not translated.
    return QStringLiteral("\n[tincan: output truncated: %1 more bytes were dropped; a classic reply holds at most %2 bytes]\n")
        .arg(dropped)
        .arg(cap)
        .toUtf8();
}
} // namespace

ConsoleConnection::ConsoleConnection(quint64 id, QTcpSocket *socket, ConsoleServer *server)
    : QObject(server)
    , m_id(id)
    , m_socket(socket)
    , m_server(server)
    , m_decoder(MaxRequestPayload)
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(SocketReadBufferSize);
    m_info.id = id;
    m_info.address = socket->peerAddress();
    m_info.port = socket->peerPort();
    m_info.since = QDateTime::currentDateTime();
    connect(m_socket, &QTcpSocket::readyRead, this, &ConsoleConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &ConsoleConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &ConsoleConnection::updateFlowControl);

    m_decisionTimer.setSingleShot(true);
    m_decisionTimer.setInterval(ProtocolDetector::ClassicDecisionDelay);
    connect(&m_decisionTimer, &QTimer::timeout, this, [this] {
        if (m_protocol == WireProtocol::Undecided && !m_detectBuffer.isEmpty())
            decideProtocol(WireProtocol::Classic);
    });

    m_helloTimer.setSingleShot(true);
    m_helloTimer.setInterval(Limits::HelloTimeout);
    connect(&m_helloTimer, &QTimer::timeout, this, [this] {
        if (!m_greeted)
            protocolError(tr("No hello message arrived within %1 seconds.").arg(Limits::HelloTimeout.count()));
    });
}

ConsoleConnection::~ConsoleConnection() = default;

void ConsoleConnection::onReadyRead()
{
    if (m_closing) {
        m_socket->readAll(); // nothing more is served; discard
        return;
    }
    if (m_socket->bytesToWrite() > Limits::SendHighWater) {
        // A client that sends but does not read must not make us queue
        // replies without end: stop reading it until it has caught up. Its
        // bytes wait in the bounded socket buffer, then in TCP.
        m_inputPaused = true;
        return;
    }
    switch (m_protocol) {
    case WireProtocol::Undecided: {
        m_detectBuffer.append(readSocket(DetectionBytes - m_detectBuffer.size()));
        const WireProtocol detected = ProtocolDetector::detect(m_detectBuffer);
        if (detected == WireProtocol::Undecided)
            m_decisionTimer.start();
        else
            decideProtocol(detected);
        break;
    }
    case WireProtocol::Framed:
        m_decoder.feed(readSocket());
        processFramedInput();
        break;
    case WireProtocol::Classic:
        processClassicInput();
        break;
    }
}

void ConsoleConnection::decideProtocol(WireProtocol protocol)
{
    m_decisionTimer.stop();
    m_protocol = protocol;
    m_info.protocol = protocol == WireProtocol::Framed ? QStringLiteral("Tincan") : QStringLiteral("classic");
    Q_EMIT m_server->clientProtocolDetected(m_id, protocol);
    Q_EMIT m_server->clientUpdated(m_info);
    const QByteArray first = std::exchange(m_detectBuffer, QByteArray());
    if (protocol == WireProtocol::Framed) {
        m_helloTimer.start();
        m_decoder.feed(first);
        m_decoder.feed(readSocket());
        processFramedInput();
    } else {
        m_classicInput = first;
        processClassicInput();
    }
}

QByteArray ConsoleConnection::readSocket(qint64 maxSize)
{
    const QByteArray bytes = maxSize < 0 ? m_socket->readAll() : m_socket->read(maxSize);
    if (!bytes.isEmpty()) {
        m_info.bytesIn += bytes.size();
        if (m_server->m_observeTraffic)
            Q_EMIT m_server->trafficObserved(m_id, TrafficDirection::In, bytes);
        Q_EMIT m_server->clientUpdated(m_info);
    }
    return bytes;
}

void ConsoleConnection::killCommands()
{
    for (auto &[key, command] : m_commands)
        command.process->terminate();
}

void ConsoleConnection::abort()
{
    killCommands();
    m_socket->abort(); // disconnected() follows, which ends the rest
}

// ---- framed protocol -------------------------------------------------------

void ConsoleConnection::processFramedInput()
{
    for (;;) {
        switch (m_decoder.status()) {
        case FrameDecoder::Status::NeedMore:
            return;
        case FrameDecoder::Status::Error:
            protocolError(m_decoder.errorString());
            return;
        case FrameDecoder::Status::FrameReady:
            handleMessage(m_decoder.takeFrame());
            if (m_closing)
                return;
            break;
        }
    }
}

void ConsoleConnection::handleMessage(const Frame &frame)
{
    const QJsonValue typeValue = frame.header.value(Key::Type);
    if (!typeValue.isString()) {
        protocolError(tr("A message has no \"type\"."));
        return;
    }
    const QString type = typeValue.toString();
    if (!m_greeted) {
        if (type == Type::Hello)
            handleHello(frame.header);
        else
            protocolError(tr("The first message must be \"hello\", not \"%1\".").arg(type.left(64)));
        return;
    }
    if (type == Type::Exec)
        handleExec(frame.header);
    else if (type == Type::Cancel)
        handleCancel(frame.header);
    else if (type == Type::Ping)
        sendFrame({{Key::Type, Type::Pong}, {Key::Id, frame.header.value(Key::Id)}});
    else if (type == Type::Pong || type == Type::Hello)
        ; // a late keep-alive answer or a repeated greeting needs nothing
    else
        sendError(ErrorCode::UnknownType, tr("Unknown message type \"%1\".").arg(type.left(64)),
                  frame.header.value(Key::Id));
}

void ConsoleConnection::handleHello(const QJsonObject &header)
{
    const std::optional<qint64> version = jsonInteger(header, Key::Version);
    if (!version || *version < 1) {
        protocolError(tr("The hello message has no valid \"version\"."));
        return;
    }
    if (*version != ProtocolVersion) {
        sendError(ErrorCode::UnsupportedVersion,
                  tr("Protocol version %1 is not supported; this server speaks version %2.")
                      .arg(*version)
                      .arg(ProtocolVersion));
        closeWhenIdle();
        return;
    }
    m_greeted = true;
    m_helloTimer.stop();
    sendFrame({
        {Key::Type, Type::Welcome},
        {Key::Version, ProtocolVersion},
        {Key::Software, QStringLiteral("Tincan %1").arg(QStringLiteral(TINCAN_VERSION))},
        {Key::Encoding, QStringLiteral("UTF-8")},
    });
}

void ConsoleConnection::handleExec(const QJsonObject &header)
{
    const QJsonValue requestId = header.value(Key::Id);
    const bool idOk = (requestId.isString() && !requestId.toString().isEmpty()
                       && requestId.toString().size() <= MaxRequestIdLength)
                      || (jsonInteger(header, Key::Id).has_value());
    if (!idOk) {
        sendError(ErrorCode::BadRequest,
                  tr("An exec message needs an \"id\": an integer or a string of 1 to %1 characters.")
                      .arg(MaxRequestIdLength));
        return;
    }
    const QJsonValue commandValue = header.value(Key::Command);
    if (!commandValue.isString() || commandValue.toString().trimmed().isEmpty()) {
        sendError(ErrorCode::BadRequest, tr("An exec message needs a non-empty \"command\" string."), requestId);
        return;
    }
    const QString commandLine = commandValue.toString();
    if (commandLine.toUtf8().size() > Limits::MaxCommandSize) {
        sendError(ErrorCode::BadRequest,
                  tr("The command is longer than the limit of %1 bytes.").arg(Limits::MaxCommandSize), requestId);
        return;
    }
    for (const auto &[key, command] : m_commands) {
        if (command.requestId == requestId) {
            sendError(ErrorCode::DuplicateId,
                      tr("A command with id %1 is already running.").arg(requestKeyOf(requestId)), requestId);
            return;
        }
    }
    if (runningCommandCount() >= Limits::MaxConcurrentCommands) {
        sendError(ErrorCode::TooManyCommands,
                  tr("Too many commands at once: at most %1 may run on one connection.")
                      .arg(Limits::MaxConcurrentCommands),
                  requestId);
        return;
    }
    startCommand(m_nextKey++, requestId, commandLine);
}

void ConsoleConnection::handleCancel(const QJsonObject &header)
{
    const QJsonValue requestId = header.value(Key::Id);
    for (auto &[key, command] : m_commands) {
        if (command.requestId == requestId) {
            command.process->terminate();
            return;
        }
    }
    sendError(ErrorCode::UnknownId, tr("No command with id %1 is running.").arg(requestKeyOf(requestId)), requestId);
}

// ---- classic protocol ------------------------------------------------------

void ConsoleConnection::processClassicInput()
{
    // The classic client waits for each reply before it sends the next
    // command, so one command runs at a time. Bytes arriving meanwhile stay in
    // the socket (its read buffer is bounded), which pushes back on a client
    // that sends without waiting.
    if (!m_commands.empty() || m_closing)
        return;
    // Like the tutorial's recv(1024): what has arrived, up to 1024 bytes, is
    // one command.
    if (m_classicInput.size() < Limits::ClassicCommandChunk)
        m_classicInput.append(readSocket(Limits::ClassicCommandChunk - m_classicInput.size()));
    if (m_classicInput.isEmpty())
        return;
    const QString commandLine = QString::fromUtf8(std::exchange(m_classicInput, QByteArray()));
    startCommand(m_nextKey++, QJsonValue(), commandLine);
}

// ---- commands --------------------------------------------------------------

bool ConsoleConnection::startCommand(quint64 key, const QJsonValue &requestId, const QString &commandLine)
{
    auto process = std::make_unique<ShellProcess>();
    if (!process->start(commandLine)) {
        const QString reason = process->errorString();
        if (m_protocol == WireProtocol::Framed) {
            sendError(ErrorCode::SpawnFailed, reason, requestId);
        } else {
            // The classic client waits for exactly one reply: give it the error.
            sendFrame({{Key::FileName, QJsonValue()}, {Key::Hash, QJsonValue()}, {Key::ExitCode, 127}},
                      QByteArray(reason.toUtf8() + '\n'));
            processClassicInput();
        }
        return false;
    }

    Command &command = m_commands[key];
    command.requestId = requestId;
    command.requestKey = m_protocol == WireProtocol::Framed ? requestKeyOf(requestId) : QString::number(key);
    command.commandLine = commandLine;
    command.elapsed.start();
    command.process = std::move(process);
    ShellProcess *shell = command.process.get();
    connect(shell, &ShellProcess::outputRead, this,
            [this, key](OutputStream stream, const QByteArray &data) { onOutput(key, stream, data); });
    connect(shell, &ShellProcess::finished, this, [this, key](ProcessExit exit) { onFinished(key, exit); });
    if (m_outputPaused)
        shell->setReadingPaused(true);

    if (m_protocol == WireProtocol::Framed)
        sendFrame({{Key::Type, Type::Started}, {Key::Id, requestId}, {Key::Pid, shell->pid()}});
    m_info.runningCommand = commandLine;
    Q_EMIT m_server->commandStarted(m_id, command.requestKey, commandLine, shell->pid());
    Q_EMIT m_server->clientUpdated(m_info);
    return true;
}

void ConsoleConnection::onOutput(quint64 key, OutputStream stream, const QByteArray &data)
{
    auto it = m_commands.find(key);
    if (it == m_commands.end())
        return;
    Command &command = it->second;
    if (m_protocol == WireProtocol::Framed) {
        if (m_socketGone)
            return;
        sendFrame({{Key::Type, Type::Output},
                   {Key::Id, command.requestId},
                   {Key::Stream, stream == OutputStream::Stdout ? StreamName::Stdout : StreamName::Stderr}},
                  data);
        return;
    }
    // Classic: keep up to the cap, count the rest.
    const qint64 cap = m_server->options().classicReplyCap;
    const qint64 room = cap - command.classicStdout.size() - command.classicStderr.size();
    const qint64 kept = qBound<qint64>(0, room, data.size());
    QByteArray &target = stream == OutputStream::Stdout ? command.classicStdout : command.classicStderr;
    target.append(data.constData(), qsizetype(kept));
    command.classicDropped += data.size() - kept;
}

void ConsoleConnection::onFinished(quint64 key, ProcessExit exit)
{
    auto it = m_commands.find(key);
    if (it == m_commands.end())
        return;
    Command command = std::move(it->second);
    m_commands.erase(it);
    // The process object is emitting this signal; delete it afterwards.
    command.process.release()->deleteLater();

    const QJsonValue signal = exit.signal ? QJsonValue(exit.signal) : QJsonValue();
    const QJsonValue exitCode = exit.signal ? QJsonValue() : QJsonValue(exit.exitCode);
    if (!m_socketGone) {
        if (m_protocol == WireProtocol::Framed) {
            sendFrame({{Key::Type, Type::Exit},
                       {Key::Id, command.requestId},
                       {Key::ExitCode, exitCode},
                       {Key::Signal, signal},
                       {Key::ElapsedMs, command.elapsed.elapsed()}});
        } else {
            // The tutorial's header, plus what a classic client may ignore.
            QJsonObject header{{Key::FileName, QJsonValue()},
                               {Key::Hash, QJsonValue()},
                               {Key::ExitCode, exit.signal ? 128 + exit.signal : exit.exitCode}};
            if (exit.signal)
                header.insert(Key::Signal, exit.signal);
            QByteArray payload = std::move(command.classicStdout);
            payload.append(command.classicStderr);
            if (command.classicDropped > 0) {
                header.insert(Key::Truncated, command.classicDropped);
                payload.append(classicTruncationNotice(command.classicDropped, m_server->options().classicReplyCap));
            }
            sendFrame(header, payload);
        }
    }
    Q_EMIT m_server->commandFinished(m_id, command.requestKey, exit);
    // Show the newest command still running, if any.
    m_info.runningCommand.clear();
    if (!m_commands.empty())
        m_info.runningCommand = m_commands.rbegin()->second.process ? m_commands.rbegin()->second.commandLine : QString();
    Q_EMIT m_server->clientUpdated(m_info);

    if (m_protocol == WireProtocol::Classic)
        processClassicInput();
    maybeClosed();
}

// ---- sending, errors, closing ---------------------------------------------

void ConsoleConnection::sendFrame(const QJsonObject &header, QByteArrayView payload)
{
    if (m_socketGone)
        return;
    const QByteArray frame = encodeFrame(header, payload);
    m_socket->write(frame);
    m_info.bytesOut += frame.size();
    if (m_server->m_observeTraffic)
        Q_EMIT m_server->trafficObserved(m_id, TrafficDirection::Out, frame);
    Q_EMIT m_server->clientUpdated(m_info);
    updateFlowControl();
}

void ConsoleConnection::sendError(QLatin1StringView code, const QString &message, const QJsonValue &requestId)
{
    QJsonObject header{{Key::Type, Type::Error}, {Key::Code, code}, {Key::Message, message}};
    if (!requestId.isUndefined() && !requestId.isNull())
        header.insert(Key::Id, requestId);
    sendFrame(header);
}

void ConsoleConnection::protocolError(const QString &message)
{
    if (m_closing)
        return;
    Q_EMIT m_server->protocolErrorOccurred(m_id, message);
    if (m_protocol == WireProtocol::Framed)
        sendError(ErrorCode::Protocol, message);
    closeWhenIdle();
    for (auto &[key, command] : m_commands)
        command.process->terminate();
}

void ConsoleConnection::updateFlowControl()
{
    // Output waits in the pipes, not in memory, while the client is slow.
    const qint64 pending = m_socketGone ? 0 : m_socket->bytesToWrite();
    bool paused = m_outputPaused;
    if (!m_outputPaused && pending > Limits::SendHighWater)
        paused = true;
    else if (m_outputPaused && pending <= Limits::SendLowWater)
        paused = false;
    if (paused != m_outputPaused) {
        m_outputPaused = paused;
        for (auto &[key, command] : m_commands)
            command.process->setReadingPaused(paused);
    }
    if (m_inputPaused && !paused && pending <= Limits::SendLowWater) {
        m_inputPaused = false;
        // What arrived meanwhile is already buffered: no readyRead will come for it.
        QMetaObject::invokeMethod(this, &ConsoleConnection::onReadyRead, Qt::QueuedConnection);
    }
    maybeClosed();
}

void ConsoleConnection::closeWhenIdle()
{
    m_closing = true;
    m_decisionTimer.stop();
    m_helloTimer.stop();
    maybeClosed();
}

void ConsoleConnection::shutdown()
{
    if (m_protocol == WireProtocol::Framed && m_greeted && !m_socketGone)
        sendError(ErrorCode::ShuttingDown, tr("The server is shutting down."));
    closeWhenIdle();
    for (auto &[key, command] : m_commands)
        command.process->terminate();
    maybeClosed();
}

void ConsoleConnection::onDisconnected()
{
    m_socketGone = true;
    m_closing = true;
    m_decisionTimer.stop();
    m_helloTimer.stop();
    // Nobody is left to read the output: end the commands and resume reading
    // so that they are not held up by flow control.
    for (auto &[key, command] : m_commands) {
        command.process->setReadingPaused(false);
        command.process->terminate();
    }
    maybeClosed();
}

void ConsoleConnection::maybeClosed()
{
    if (!m_closing || !m_commands.empty() || m_closedEmitted)
        return;
    if (!m_socketGone) {
        // Flush what is queued (the final error or exit), then disconnect.
        if (m_socket->state() == QAbstractSocket::ConnectedState) {
            m_socket->disconnectFromHost();
            if (m_socket->state() != QAbstractSocket::UnconnectedState)
                return; // disconnected() follows once the data is written
        }
        m_socketGone = true;
    }
    m_closedEmitted = true;
    Q_EMIT closed(m_id);
}

} // namespace Tincan
