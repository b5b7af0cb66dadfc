#include "net/console/consoleconnection.h"

#include "net/auth/consoleauth.h"
#include "net/base/durationtext.h"
#include "net/console/consoleserver.h"
#include "net/wire/consoleprotocol.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslSocket>
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
// Before the login: enough for the largest message allowed then (a 4 KiB
// header) twice over, and little more.
constexpr qint64 PreAuthReadBufferSize = 16 * 1024;
static_assert(PreAuthReadBufferSize >= 2 * (FrameLimits::PrefixSize + Limits::PreAuthMaxHeaderSize));

QString requestKeyOf(const QJsonValue &id)
{
    if (id.isString())
        return id.toString();
    if (id.isDouble())
        return QString::number(qint64(id.toDouble()));
    return QString();
}

// Whole seconds, rounded up: "try again in 0 seconds" would be a lie.
qint64 secondsUp(std::chrono::milliseconds duration)
{
    return std::chrono::ceil<std::chrono::seconds>(duration).count();
}

// Wire text for the classic client, so not translated (like the truncation
// notice): the tutorial's client prints it as the command's output.
QByteArray classicRefusalText(const QHostAddress &peer, bool classicAllowed)
{
    if (!classicAllowed)
        return QByteArrayLiteral("tincan: refused: this server does not run classic (unauthenticated) commands. "
                                 "Connect with a Tincan client (tincan-cli exec --host HOST -- COMMAND).\n");
    return QStringLiteral("tincan: refused: this server runs classic (unauthenticated) commands only for clients "
                          "on its own machine, and %1 is not one. Connect with a Tincan client and the password "
                          "(tincan-cli exec --host HOST --password-file FILE -- COMMAND).\n")
        .arg(peer.toString())
        .toUtf8();
}

QByteArray classicTruncationNotice(qint64 dropped, qint64 cap)
{
    // Wire text for the classic client, so not translated.
    return QStringLiteral(
               "\n[tincan: output truncated: %1 more bytes were dropped; a classic reply holds at most %2 bytes]\n")
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
    , m_directory(server->startDirectory())
{
    m_socket->setParent(this);
    // Strangers get little room until they have logged in.
    m_socket->setReadBufferSize(PreAuthReadBufferSize);
    m_decoder.setMaxHeaderSize(Limits::PreAuthMaxHeaderSize);
    m_decoder.setMaxPayloadSize(Limits::PreAuthMaxPayload);
    m_info.id = id;
    m_info.address = socket->peerAddress();
    m_info.port = socket->peerPort();
    m_info.since = QDateTime::currentDateTime();
    if (const auto *tls = qobject_cast<QSslSocket *>(socket))
        m_info.encrypted = tls->isEncrypted();
    connect(m_socket, &QTcpSocket::readyRead, this, &ConsoleConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &ConsoleConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &ConsoleConnection::updateFlowControl);

    m_decisionTimer.setSingleShot(true);
    m_decisionTimer.setInterval(ProtocolDetector::ClassicDecisionDelay);
    connect(&m_decisionTimer, &QTimer::timeout, this, [this] {
        if (m_protocol == WireProtocol::Undecided && !m_detectBuffer.isEmpty())
            decideProtocol(WireProtocol::Classic);
    });

    m_graceTimer.setSingleShot(true);
    m_graceTimer.setInterval(server->options().loginGraceTime);
    connect(&m_graceTimer, &QTimer::timeout, this, &ConsoleConnection::onLoginGraceExpired);

    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, &ConsoleConnection::onIdleTimeout);
}

ConsoleConnection::~ConsoleConnection() = default;

void ConsoleConnection::start()
{
    // A peer that may only speak Tincan must log in from its first moment. A
    // silent peer that may be served classic is left alone: the tutorial's
    // client connects, then waits for its user to type a command.
    if (!m_server->acceptsClassicFrom(m_info.address))
        m_graceTimer.start();
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

void ConsoleConnection::onReadyRead()
{
    if (m_closing) {
        m_socket->readAll(); // nothing more is served; discard
        return;
    }
    if (m_stage == Stage::Established && m_idleTimer.isActive())
        m_idleTimer.start(); // the client is there
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
        if (!m_info.encrypted && m_server->requiresTlsFrom(m_info.address)) {
            // Before any login: a password must not cross the network in the
            // clear, nor commands and their output.
            refuse(tr("This server requires TLS from clients on other machines, and %1 connected in plaintext.")
                       .arg(m_info.address.toString()),
                   ErrorCode::TlsRequired);
            return;
        }
        if (!m_graceTimer.isActive())
            m_graceTimer.start();
        m_decoder.feed(first);
        m_decoder.feed(readSocket());
        processFramedInput();
        return;
    }
    if (first.size() >= 2 && quint8(first[0]) == ConsoleServer::TlsHandshakeRecord && quint8(first[1]) == 0x03) {
        // A TLS ClientHello that reached a connection served in plaintext
        // (TLS is off): never run as a command.
        refuse(tr("A TLS client connected, but TLS is off on this server."));
        return;
    }
    if (!m_server->acceptsClassicFrom(m_info.address)) {
        refuseClassic();
        return;
    }
    // A classic client cannot log in: being served from here is its login.
    m_stage = Stage::Established;
    m_graceTimer.stop();
    enterEstablished();
    m_classicInput = first;
    processClassicInput();
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
    switch (m_stage) {
    case Stage::Greeting:
        if (type == Type::Hello)
            handleHello(frame.header);
        else
            protocolError(tr("The first message must be \"hello\", not \"%1\".").arg(type.left(64)));
        return;
    case Stage::Authenticating:
        if (type == Type::Auth)
            handleAuth(frame.header);
        else
            refuse(tr("\"%1\" before logging in: the server has a password, and the only message it accepts now "
                      "is \"auth\".")
                       .arg(type.left(64)),
                   ErrorCode::AuthRequired);
        return;
    case Stage::Established:
        break;
    }
    if (type == Type::Exec)
        handleExec(frame.header);
    else if (type == Type::Cancel)
        handleCancel(frame.header);
    else if (type == Type::Data)
        handleData(frame);
    else if (type == Type::Upload)
        handleUpload(frame.header);
    else if (type == Type::Download)
        handleDownload(frame.header);
    else if (type == Type::TransferReady)
        handleTransferReady(frame.header);
    else if (type == Type::TransferDone)
        handleTransferDone(frame.header);
    else if (type == Type::TransferCancel)
        handleTransferCancel(frame.header);
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
    if (!m_server->requiresPassword()) {
        sendWelcome();
        return;
    }
    const std::chrono::milliseconds wait = m_server->penaltyRemaining(m_info.address);
    if (wait.count() > 0) {
        refusePenalized(wait);
        return;
    }
    // A fresh nonce for every connection: a proof computed for another
    // connection's challenge does not fit this one.
    const PasswordHash &password = m_server->options().password;
    m_serverNonce = ConsoleAuth::randomNonce();
    m_stage = Stage::Authenticating;
    sendFrame({
        {Key::Type, Type::AuthChallenge},
        {Key::Mechanism, ConsoleAuth::Mechanism},
        {Key::Nonce, QString::fromLatin1(m_serverNonce.toBase64())},
        {Key::Salt, QString::fromLatin1(password.salt().toBase64())},
        {Key::Iterations, password.iterations()},
    });
}

void ConsoleConnection::handleAuth(const QJsonObject &header)
{
    // Another connection from this address may have failed meanwhile: its
    // penalty holds for every attempt, so guesses cannot run in parallel.
    const std::chrono::milliseconds wait = m_server->penaltyRemaining(m_info.address);
    if (wait.count() > 0) {
        refusePenalized(wait);
        return;
    }
    if (header.value(Key::Mechanism).toString() != ConsoleAuth::Mechanism) {
        refuse(
            tr("The auth message names an unknown mechanism; this server speaks \"%1\".").arg(ConsoleAuth::Mechanism),
            ErrorCode::AuthFailed);
        return;
    }
    const std::optional<QByteArray> clientNonce
        = ConsoleAuth::decodeBase64(header.value(Key::Nonce), ConsoleAuth::NonceSize, ConsoleAuth::NonceSize);
    const std::optional<QByteArray> proof
        = ConsoleAuth::decodeBase64(header.value(Key::Proof), ConsoleAuth::ProofSize, ConsoleAuth::ProofSize);
    if (!clientNonce || !proof) {
        // Malformed, so no password was tried: no penalty, but no second chance.
        refuse(tr("The auth message needs a \"nonce\" of %1 bytes and a \"proof\" of %2 bytes, in base64.")
                   .arg(ConsoleAuth::NonceSize)
                   .arg(ConsoleAuth::ProofSize),
               ErrorCode::AuthFailed);
        return;
    }
    const QByteArray key = m_server->options().password.key();
    const QByteArray serverNonce = std::exchange(m_serverNonce, QByteArray()); // one answer per challenge
    if (!constantTimeEquals(*proof, ConsoleAuth::clientProof(key, serverNonce, *clientNonce))) {
        const std::chrono::milliseconds penalty = m_server->recordAuthenticationFailure(m_info.address);
        const QString reason = tr("wrong password");
        Q_EMIT m_server->authenticationFailed(m_id, m_info.address, reason, penalty.count());
        sendFrame({{Key::Type, Type::Error},
                   {Key::Code, ErrorCode::AuthFailed},
                   {Key::Message,
                    tr("Wrong password. The next login from %1 is answered in %2.")
                        .arg(m_info.address.toString(), describeDuration(penalty))},
                   {Key::RetryAfter, secondsUp(penalty)}});
        closeWhenIdle();
        return;
    }
    m_server->recordAuthenticationSuccess(m_info.address);
    Q_EMIT m_server->authenticationSucceeded(m_id, m_info.address);
    sendWelcome(ConsoleAuth::serverProof(key, serverNonce, *clientNonce));
}

void ConsoleConnection::sendWelcome(const QByteArray &serverProof)
{
    m_stage = Stage::Established;
    m_graceTimer.stop();
    enterEstablished();
    QJsonObject welcome{
        {Key::Type, Type::Welcome},
        {Key::Version, ProtocolVersion},
        {Key::Software, QStringLiteral("Tincan %1").arg(QStringLiteral(TINCAN_VERSION))},
        {Key::Encoding, m_server->outputEncoding()},
        {Key::Cwd, m_directory.current()},
    };
    if (!serverProof.isEmpty())
        welcome.insert(Key::Proof, QString::fromLatin1(serverProof.toBase64()));
    sendFrame(welcome);
}

void ConsoleConnection::enterEstablished()
{
    m_socket->setReadBufferSize(SocketReadBufferSize);
    m_decoder.setMaxHeaderSize(FrameLimits::MaxHeaderSize);
    m_decoder.setMaxPayloadSize(MaxRequestPayload);
    const std::chrono::milliseconds idle = m_server->options().idleTimeout;
    if (idle.count() > 0)
        m_idleTimer.start(idle);
}

void ConsoleConnection::onLoginGraceExpired()
{
    if (m_stage == Stage::Established || m_closing)
        return;
    const QString grace = describeDuration(m_server->options().loginGraceTime);
    if (m_protocol == WireProtocol::Framed && m_stage == Stage::Greeting) {
        protocolError(tr("No hello message arrived within %1.").arg(grace));
        return;
    }
    refuse(tr("The login did not finish within %1.").arg(grace), ErrorCode::AuthTimeout);
}

void ConsoleConnection::onIdleTimeout()
{
    if (m_closing)
        return;
    if (!m_commands.empty() || !m_transfers.empty()) {
        m_idleTimer.start(); // a running command or transfer is not idleness
        return;
    }
    refuse(tr("Idle for %1: the connection is closed.").arg(describeDuration(m_server->options().idleTimeout)),
           ErrorCode::IdleTimeout);
}

void ConsoleConnection::refuse(const QString &reason, QLatin1StringView code, const QJsonObject &extra)
{
    if (m_closing)
        return;
    Q_EMIT m_server->connectionRefused(m_id, m_info.address, m_info.port, reason);
    if (m_protocol == WireProtocol::Framed && !code.isEmpty()) {
        QJsonObject header = extra;
        header.insert(Key::Type, Type::Error);
        header.insert(Key::Code, code);
        header.insert(Key::Message, reason);
        sendFrame(header);
    }
    closeWhenIdle();
    terminateCommands();
}

void ConsoleConnection::refusePenalized(std::chrono::milliseconds wait)
{
    refuse(tr("Too many failed logins from %1: try again in %2.")
               .arg(m_info.address.toString(), describeDuration(std::chrono::ceil<std::chrono::seconds>(wait))),
           ErrorCode::Penalized, QJsonObject{{Key::RetryAfter, secondsUp(wait)}});
}

void ConsoleConnection::refuseClassic()
{
    const bool classicAllowed = m_server->options().classicAllowed;
    Q_EMIT m_server->connectionRefused(
        m_id, m_info.address, m_info.port,
        classicAllowed ? tr("A classic client from %1 was refused: classic clients cannot log in, so they are "
                            "served only from this machine (or with --insecure).")
                             .arg(m_info.address.toString())
                       : tr("A classic client from %1 was refused: classic clients are turned off.")
                             .arg(m_info.address.toString()));
    // One reply, as the classic client expects, then the connection closes.
    sendFrame({{Key::FileName, QJsonValue()},
               {Key::Hash, QJsonValue()},
               {Key::ExitCode, ClassicRefusedExitCode},
               {Key::Refused, true}},
              classicRefusalText(m_info.address, classicAllowed));
    closeWhenIdle();
}

void ConsoleConnection::handleExec(const QJsonObject &header)
{
    const QJsonValue requestId = header.value(Key::Id);
    const bool idOk
        = (requestId.isString() && !requestId.toString().isEmpty() && requestId.toString().size() <= MaxRequestIdLength)
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
        sendError(
            ErrorCode::TooManyCommands,
            tr("Too many commands at once: at most %1 may run on one connection.").arg(Limits::MaxConcurrentCommands),
            requestId);
        return;
    }
    if (const std::optional<QString> argument = SessionDirectory::cdArgument(commandLine)) {
        finishWithoutProcess(requestId, commandLine, m_directory.change(*argument));
        return;
    }
    if (!m_directory.isUsable()) {
        // Running it elsewhere (/, home) could do harm the user did not mean
        // (rm -r in the wrong place): refuse until they cd.
        SessionDirectory::Outcome refusal;
        refusal.stderrText = tr("tincan: the session's working directory %1 no longer exists or cannot be entered; "
                                "the command was not run. Change directory with cd first.\n")
                                 .arg(m_directory.current())
                                 .toUtf8();
        refusal.exitCode = 1;
        finishWithoutProcess(requestId, commandLine, refusal);
        return;
    }
    startCommand(m_nextKey++, requestId, commandLine);
}

void ConsoleConnection::finishWithoutProcess(const QJsonValue &requestId, const QString &commandLine,
                                             const SessionDirectory::Outcome &outcome)
{
    QElapsedTimer elapsed;
    elapsed.start();
    const QString requestKey = requestKeyOf(requestId);
    sendFrame({{Key::Type, Type::Started}, {Key::Id, requestId}, {Key::Pid, QJsonValue()}});
    Q_EMIT m_server->commandStarted(m_id, requestKey, commandLine, 0);
    if (!outcome.stdoutText.isEmpty())
        sendFrame({{Key::Type, Type::Output}, {Key::Id, requestId}, {Key::Stream, StreamName::Stdout}},
                  outcome.stdoutText);
    if (!outcome.stderrText.isEmpty())
        sendFrame({{Key::Type, Type::Output}, {Key::Id, requestId}, {Key::Stream, StreamName::Stderr}},
                  outcome.stderrText);
    sendFrame({{Key::Type, Type::Exit},
               {Key::Id, requestId},
               {Key::ExitCode, outcome.exitCode},
               {Key::Signal, QJsonValue()},
               {Key::ElapsedMs, elapsed.elapsed()},
               {Key::Cwd, m_directory.current()}});
    ProcessExit exit;
    exit.exitCode = outcome.exitCode;
    exit.elapsedMs = elapsed.elapsed();
    Q_EMIT m_server->commandFinished(m_id, requestKey, exit);
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
    const QString directory = m_protocol == WireProtocol::Framed ? m_directory.current() : m_server->startDirectory();
    if (!process->start(commandLine, directory)) {
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
                       {Key::ElapsedMs, command.elapsed.elapsed()},
                       {Key::Cwd, m_directory.current()}});
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
        m_info.runningCommand
            = m_commands.rbegin()->second.process ? m_commands.rbegin()->second.commandLine : QString();
    Q_EMIT m_server->clientUpdated(m_info);

    if (m_commands.empty() && m_idleTimer.isActive())
        m_idleTimer.start(); // idleness counts from the last command's end
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
    terminateCommands();
}

void ConsoleConnection::terminateCommands()
{
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
    sendDownloadChunks();
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
    m_graceTimer.stop();
    m_idleTimer.stop();
    maybeClosed();
}

void ConsoleConnection::shutdown()
{
    if (m_protocol == WireProtocol::Framed && m_stage == Stage::Established && !m_socketGone)
        sendError(ErrorCode::ShuttingDown, tr("The server is shutting down."));
    closeWhenIdle();
    closeTransfers();
    for (auto &[key, command] : m_commands)
        command.process->terminate();
    maybeClosed();
}

void ConsoleConnection::onDisconnected()
{
    m_socketGone = true;
    m_closing = true;
    m_decisionTimer.stop();
    m_graceTimer.stop();
    m_idleTimer.stop();
    closeTransfers();
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
    const TransferPath::Result target
        = TransferPath::resolve(m_directory.current(), nameValue.toString(), TransferPath::Use::Write,
                                m_server->options().allowAnyPath, overwrite);
    if (!target.ok()) {
        sendTransferError(target.code, target.message, requestId);
        return;
    }
    if (m_server->m_transferTargets.contains(target.path)) {
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
    m_server->m_transferTargets.insert(target.path);
    Q_EMIT m_server->transferStarted(m_id, transfer.requestKey, true, target.path, *size);

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
    const TransferPath::Result source = TransferPath::resolve(
        m_directory.current(), nameValue.toString(), TransferPath::Use::Read, m_server->options().allowAnyPath);
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
    Q_EMIT m_server->transferStarted(m_id, transfer.requestKey, false, source.path, transfer.size);
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
    if (m_socketGone)
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
        m_server->m_transferTargets.remove(transfer.path);
    }
    if (transfer.hasher)
        transfer.hasher.release()->deleteLater(); // it may be the one emitting
    Q_EMIT m_server->transferFinished(m_id, transfer.requestKey, ok, message);
    if (m_transfers.empty() && m_commands.empty() && m_idleTimer.isActive())
        m_idleTimer.start();
}

void ConsoleConnection::sendDownloadChunks()
{
    // Reads the files only while the connection has room under the unsent
    // output bound: a slow client holds the file on disk, not in memory.
    if (m_pumping || m_socketGone || m_transfers.empty())
        return;
    m_pumping = true;
    bool sent = true;
    while (sent && m_socket->bytesToWrite() + DataFrameBudget <= Limits::SendHighWater && !m_socketGone) {
        sent = false;
        // One chunk of each transfer in turn, so they share the connection.
        std::vector<quint64> keys;
        for (const auto &[key, transfer] : m_transfers)
            if (transfer.stage == Transfer::Stage::Sending)
                keys.push_back(key);
        for (quint64 key : keys) {
            if (m_socketGone || m_socket->bytesToWrite() + DataFrameBudget > Limits::SendHighWater)
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
