#include "net/console/consoleclient.h"

#include "net/wire/consoleprotocol.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QSslSocket>
#include <QTcpSocket>

#include <algorithm>

namespace Tincan {

using namespace Console;

namespace {
// A server's words in our error messages: a line, not a flood.
constexpr qsizetype MaxQuotedServerText = ClientLogin::MaxQuotedServerText;
// Longest working directory accepted from a server (Linux's PATH_MAX).
constexpr qsizetype MaxDirectoryLength = 4096;
} // namespace

ConsoleClient::ConsoleClient(QObject *parent)
    : QObject(parent)
    , m_decoder(Limits::MaxMessagePayload)
{
    qRegisterMetaType<Tincan::OutputStream>();
    qRegisterMetaType<Tincan::ProcessExit>();
    connect(&m_transfers, &TransferEngine::dataStarted, this, &ConsoleClient::transferStarted);
    connect(&m_transfers, &TransferEngine::progressed, this, &ConsoleClient::transferProgress);
    connect(&m_transfers, &TransferEngine::ended, this, &ConsoleClient::onTransferEnded);
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        if (m_state == State::Connecting)
            fail(tr("Could not connect to %1:%2 within %3 seconds.")
                     .arg(m_host)
                     .arg(m_port)
                     .arg(ConnectTimeout.count()));
        else if (m_state == State::Handshaking && m_useTls && !m_encrypted)
            fail(tr("The TLS handshake with %1:%2 did not finish within %3 seconds.")
                     .arg(m_host)
                     .arg(m_port)
                     .arg(HandshakeTimeout.count()),
                 ErrorKind::TlsFailed);
        else if (m_state == State::Handshaking)
            fail(tr("%1:%2 accepted the connection but did not answer as a Tincan console server. "
                    "If it is a classic server, connect in classic mode.")
                     .arg(m_host)
                     .arg(m_port));
    });
}

ConsoleClient::~ConsoleClient()
{
    if (m_socket)
        m_socket->abort();
}

void ConsoleClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void ConsoleClient::connectToServer(const QString &host, quint16 port, Mode mode)
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    // Requests sent over the old connection cannot finish any more; those
    // still queued go out on the new one.
    {
        const std::set<quint64> lost = std::exchange(m_pending, {});
        for (quint64 id : lost)
            Q_EMIT commandFailed(id, tr("The connection was replaced before the command finished."));
        m_transfers.endAll(TransferEngine::Outcome::Connection,
                           tr("The connection was replaced before the transfer ended."), true);
    }
    m_host = host;
    m_port = port;
    m_mode = mode;
    m_error.clear();
    m_errorKind = ErrorKind::None;
    m_retryAfter = std::chrono::seconds(0);
    m_errorReported = false;
    m_login.begin(host, port);
    m_serverSoftware.clear();
    m_serverEncoding = QStringLiteral("UTF-8");
    m_currentDirectory.clear();
    m_decoder = FrameDecoder(mode == Mode::Classic ? Limits::MaxClassicReplyPayload : Limits::MaxMessagePayload);
    m_classicInFlight.reset();
    m_verifier = nullptr;
    m_useTls = mode == Mode::Tincan && usesTls(m_tlsMode, host);
    m_encrypted = false;
    m_serverFingerprint = TlsFingerprint();
    m_expectedFingerprint = TlsFingerprint();
    m_knownHostsLine = 0;
    if (m_useTls) {
        startTls();
        return;
    }

    m_socket = new QTcpSocket(this);
    m_socket->setReadBufferSize(ReadBufferSize);
    connect(m_socket, &QTcpSocket::connected, this, [this] {
        // Small frames (exec, cancel) go out at once, not after a delayed ACK.
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    });
    connect(m_socket, &QTcpSocket::connected, this, &ConsoleClient::onConnected);
    connect(m_socket, &QTcpSocket::readyRead, this, &ConsoleClient::onReadyRead);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &ConsoleClient::onSocketError);
    connect(m_socket, &QTcpSocket::disconnected, this, &ConsoleClient::onDisconnected);
    connect(m_socket, &QTcpSocket::bytesWritten, &m_transfers, &TransferEngine::pump);
    setState(State::Connecting);
    m_timeout.start(ConnectTimeout);
    m_socket->connectToHost(host, port);
}

bool ConsoleClient::usesTls(TlsMode mode, const QString &host)
{
    switch (mode) {
    case TlsMode::On:
        return true;
    case TlsMode::Off:
        return false;
    case TlsMode::Auto:
        break;
    }
    // Loopback traffic never leaves the machine: nothing for TLS to protect.
    if (host.compare(QLatin1StringView("localhost"), Qt::CaseInsensitive) == 0)
        return false;
    QString bare = host;
    if (bare.startsWith(QLatin1Char('[')) && bare.endsWith(QLatin1Char(']')))
        bare = bare.mid(1, bare.size() - 2);
    const QHostAddress address(bare);
    return address.isNull() || !address.isLoopback();
}

void ConsoleClient::startTls()
{
    setState(State::Connecting);
    const Expected<ServerPins::Pin> pin = m_pins.find(m_host, m_port);
    if (!pin) {
        const QString reason = pin.error();
        QMetaObject::invokeMethod(
            this,
            [this, reason] {
                fail(tr("Cannot check the identity of %1:%2: %3").arg(m_host).arg(m_port).arg(reason),
                     ErrorKind::TlsFailed);
            },
            Qt::QueuedConnection);
        return;
    }
    m_expectedFingerprint = pin->expected;
    m_knownHostsLine = pin->line;
    auto *socket = new QSslSocket(this);
    socket->setReadBufferSize(ReadBufferSize);
    m_socket = socket;
    // Before connecting: it configures the socket and decides on its errors.
    m_verifier = new TlsPeerVerifier(socket, pin->expected, m_unknownServerPolicy);
    connect(m_verifier, &TlsPeerVerifier::peerVerified, this, &ConsoleClient::onPeerVerified);
    connect(m_verifier, &TlsPeerVerifier::peerRejected, this, &ConsoleClient::onPeerRejected);
    connect(socket, &QSslSocket::connected, this, [this] {
        setState(State::Handshaking);
        m_timeout.start(HandshakeTimeout);
    });
    connect(socket, &QSslSocket::readyRead, this, &ConsoleClient::onReadyRead);
    connect(socket, &QSslSocket::errorOccurred, this, &ConsoleClient::onSocketError);
    connect(socket, &QSslSocket::disconnected, this, &ConsoleClient::onDisconnected);
    connect(socket, &QSslSocket::bytesWritten, &m_transfers, &TransferEngine::pump);
    connect(socket, &QSslSocket::encryptedBytesWritten, &m_transfers, &TransferEngine::pump);
    m_timeout.start(ConnectTimeout);
    socket->connectToHostEncrypted(m_host, m_port);
}

void ConsoleClient::onPeerVerified(const TlsFingerprint &fingerprint, bool firstUse)
{
    m_encrypted = true;
    m_serverFingerprint = fingerprint;
    if (firstUse) {
        const bool remembered = acceptServerIdentity(fingerprint);
        Q_EMIT serverIdentityPinned(fingerprint, remembered);
    }
    onConnected();
}

void ConsoleClient::onPeerRejected(const QString &reason)
{
    const TlsPinning::Verdict verdict = m_verifier ? m_verifier->verdict() : TlsPinning::Verdict();
    m_serverFingerprint = verdict.peerFingerprint;
    switch (verdict.outcome) {
    case TlsPinning::Outcome::Unpinned:
        fail(tr("The authenticity of server %1:%2 can't be established: nothing is pinned for it. "
                "Its fingerprint is %3.")
                 .arg(m_host)
                 .arg(m_port)
                 .arg(m_serverFingerprint.toString()),
             ErrorKind::UnknownServer);
        return;
    case TlsPinning::Outcome::Mismatch:
        fail(tr("The identity of server %1:%2 has changed: %3 is pinned, but the server presented %4. "
                "Someone may be intercepting the connection, or the server's identity was replaced.")
                 .arg(m_host)
                 .arg(m_port)
                 .arg(m_expectedFingerprint.toString(), m_serverFingerprint.toString()),
             ErrorKind::ServerIdentityChanged);
        return;
    default:
        fail(tr("The TLS connection to %1:%2 was refused: %3").arg(m_host).arg(m_port).arg(reason),
             ErrorKind::TlsFailed);
        return;
    }
}

bool ConsoleClient::acceptServerIdentity(const TlsFingerprint &fingerprint)
{
    const Expected<void> pinned = m_pins.remember(m_host, m_port, fingerprint);
    if (!pinned)
        m_error = pinned.error();
    return pinned.has_value();
}

void ConsoleClient::disconnectFromServer()
{
    if (!m_socket)
        return;
    m_socket->disconnectFromHost();
}

quint64 ConsoleClient::exec(const QString &command)
{
    const quint64 id = m_nextId++;
    if (m_mode == Mode::Classic && command.toUtf8().size() > Limits::ClassicCommandChunk) {
        // The classic server reads one recv(1024): a longer command would be
        // cut in two and run as two commands.
        QMetaObject::invokeMethod(
            this,
            [this, id] {
                Q_EMIT commandFailed(
                    id, tr("A classic server reads at most %1 bytes per command.").arg(Limits::ClassicCommandChunk));
            },
            Qt::QueuedConnection);
        return id;
    }
    if (m_state != State::Ready || (m_mode == Mode::Classic && m_classicInFlight)) {
        m_queued.enqueue({id, command});
        if (m_state == State::Disconnected)
            QMetaObject::invokeMethod(
                this,
                [this] {
                    if (m_state == State::Disconnected) // unless a connection was started meanwhile
                        failAllCommands(tr("Not connected."));
                },
                Qt::QueuedConnection);
        return id;
    }
    sendExec(id, command);
    return id;
}

void ConsoleClient::sendExec(quint64 requestId, const QString &command)
{
    m_pending.insert(requestId);
    if (m_mode == Mode::Classic) {
        m_classicInFlight = requestId;
        m_socket->write(command.toUtf8());
        return;
    }
    m_socket->write(encodeFrame({{Key::Type, Type::Exec}, {Key::Id, qint64(requestId)}, {Key::Command, command}}));
}

void ConsoleClient::updateCurrentDirectory(const QJsonObject &header)
{
    const QJsonValue cwd = header.value(Key::Cwd);
    // A path, not a flood: longer than any PATH_MAX is ignored.
    if (!cwd.isString() || cwd.toString().isEmpty() || cwd.toString().size() > MaxDirectoryLength)
        return;
    if (cwd.toString() == m_currentDirectory)
        return;
    m_currentDirectory = cwd.toString();
    Q_EMIT currentDirectoryChanged(m_currentDirectory);
}

void ConsoleClient::sendNextClassic()
{
    if (m_state != State::Ready || m_classicInFlight || m_queued.isEmpty())
        return;
    const auto [id, command] = m_queued.dequeue();
    sendExec(id, command);
}

void ConsoleClient::cancel(quint64 requestId)
{
    for (qsizetype i = 0; i < m_queued.size(); ++i) {
        if (m_queued.at(i).first == requestId) {
            m_queued.removeAt(i);
            Q_EMIT commandFailed(requestId, tr("Cancelled before it was sent."));
            return;
        }
    }
    if (!m_pending.contains(requestId) || !m_socket)
        return;
    if (m_mode == Mode::Classic) {
        m_socket->abort();
        return;
    }
    m_socket->write(encodeFrame({{Key::Type, Type::Cancel}, {Key::Id, qint64(requestId)}}));
}

void ConsoleClient::onConnected()
{
    if (m_mode == Mode::Classic) {
        m_timeout.stop();
        setState(State::Ready);
        Q_EMIT ready();
        sendNextClassic();
        return;
    }
    setState(State::Handshaking);
    m_timeout.start(HandshakeTimeout);
    m_socket->write(encodeFrame({{Key::Type, Type::Hello},
                                 {Key::Version, ProtocolVersion},
                                 {Key::Software, QStringLiteral("Tincan %1").arg(QStringLiteral(TINCAN_VERSION))}}));
}

void ConsoleClient::onReadyRead()
{
    m_decoder.feed(m_socket->readAll());
    for (;;) {
        switch (m_decoder.status()) {
        case FrameDecoder::Status::NeedMore:
            return;
        case FrameDecoder::Status::Error:
            fail(tr("The server sent something that is not a valid reply: %1").arg(m_decoder.errorString()),
                 ErrorKind::Protocol);
            return;
        case FrameDecoder::Status::FrameReady: {
            const Frame frame = m_decoder.takeFrame();
            if (m_mode == Mode::Classic)
                handleClassicReply(frame);
            else
                handleFrame(frame);
            if (!m_socket || m_state == State::Disconnected)
                return;
            break;
        }
        }
    }
}

void ConsoleClient::handleClassicReply(const Frame &frame)
{
    if (!m_classicInFlight) {
        fail(tr("The server sent a reply nobody asked for."), ErrorKind::Protocol);
        return;
    }
    if (frame.header.value(Key::Refused).toBool()) {
        // The reply is the server's refusal, not the command's output.
        const QString reason = QString::fromUtf8(frame.payload.left(MaxQuotedServerText)).trimmed();
        fail(tr("The server refused the connection: %1").arg(reason), ErrorKind::Refused);
        return;
    }
    const quint64 id = *m_classicInFlight;
    m_classicInFlight.reset();
    m_pending.erase(id);
    ProcessExit exit; // unknown unless the server says
    if (const auto code = jsonInteger(frame.header, Key::ExitCode))
        exit.exitCode = int(*code);
    if (const auto signal = jsonInteger(frame.header, Key::Signal)) {
        exit.signal = int(*signal);
        exit.exitCode = -1;
    }
    if (!frame.payload.isEmpty())
        Q_EMIT outputReceived(id, OutputStream::Stdout, frame.payload);
    Q_EMIT commandFinished(id, exit);
    sendNextClassic();
}

void ConsoleClient::handleFrame(const Frame &frame)
{
    const MessageType type = messageTypeFromName(frame.header.value(Key::Type).toString());
    if (m_state == State::Handshaking) {
        handleHandshakeFrame(type, frame);
        return;
    }

    if (frame.header.contains(Key::Transfer)) {
        m_transfers.handleClientFrame(type, frame);
        return;
    }

    const std::optional<qint64> rawId = jsonInteger(frame.header, Key::Id);
    const bool known = rawId && *rawId > 0 && m_pending.contains(quint64(*rawId));
    const quint64 id = known ? quint64(*rawId) : 0;

    switch (type) {
    case MessageType::Output: {
        if (!known)
            return; // output of a command this client has already given up on
        const QString stream = frame.header.value(Key::Stream).toString();
        Q_EMIT outputReceived(id, stream == StreamName::Stderr ? OutputStream::Stderr : OutputStream::Stdout,
                              frame.payload);
        return;
    }
    case MessageType::Started:
        if (known)
            Q_EMIT commandStarted(id, jsonInteger(frame.header, Key::Pid).value_or(0));
        return;
    case MessageType::Exit: {
        if (!known)
            return;
        m_pending.erase(id);
        ProcessExit exit;
        exit.exitCode = int(jsonInteger(frame.header, Key::ExitCode).value_or(-1));
        exit.signal = int(jsonInteger(frame.header, Key::Signal).value_or(0));
        exit.elapsedMs = jsonInteger(frame.header, Key::ElapsedMs).value_or(-1);
        // Before commandFinished, so that a prompt shown then is up to date.
        updateCurrentDirectory(frame.header);
        Q_EMIT commandFinished(id, exit);
        return;
    }
    case MessageType::Error: {
        const QString message = frame.header.value(Key::Message).toString();
        if (known && frame.header.value(Key::Code).toString() == ErrorCode::DuplicateId) {
            // About a second request with a running command's id: that
            // command goes on. This client never reuses ids, so say so.
            Q_EMIT errorOccurred(tr("Server error: %1").arg(message));
        } else if (known) {
            m_pending.erase(id);
            Q_EMIT commandFailed(id, message);
        } else if (frame.header.value(Key::Code).toString() == ErrorCode::ShuttingDown) {
            m_error = message; // the disconnect that follows is expected
        } else if (!frame.header.contains(Key::Id)) {
            Q_EMIT errorOccurred(tr("Server error: %1").arg(message));
        }
        return;
    }
    case MessageType::Ping:
        m_socket->write(encodeFrame({{Key::Type, Type::Pong}, {Key::Id, frame.header.value(Key::Id)}}));
        return;
    case MessageType::Unknown:
    // Unknown types from a newer server are ignored, as PROTOCOL.md asks; so
    // are a pong, a repeated login message, and what only a client sends.
    case MessageType::Pong:
    case MessageType::Hello:
    case MessageType::Welcome:
    case MessageType::AuthChallenge:
    case MessageType::Auth:
    case MessageType::Exec:
    case MessageType::Cancel:
    // A transfer message without "transfer" belongs to no transfer.
    case MessageType::Upload:
    case MessageType::Download:
    case MessageType::File:
    case MessageType::TransferReady:
    case MessageType::Data:
    case MessageType::TransferDone:
    case MessageType::TransferCancel:
        return;
    }
}

void ConsoleClient::handleHandshakeFrame(MessageType type, const Frame &frame)
{
    // Only three messages belong to a login; anything else, even a type this
    // client knows, means the server is not speaking the protocol.
    if (type == MessageType::AuthChallenge)
        answerChallenge(frame.header);
    else if (type == MessageType::Welcome)
        handleWelcome(frame.header);
    else if (type == MessageType::Error)
        failLogin(m_login.refusal(frame.header));
    else
        fail(tr("The server answered with \"%1\" instead of a welcome.")
                 .arg(frame.header.value(Key::Type).toString().left(64)),
             ErrorKind::Protocol);
}

void ConsoleClient::handleWelcome(const QJsonObject &header)
{
    if (const std::optional<ClientLogin::Refusal> refused = m_login.acceptWelcome(header)) {
        failLogin(*refused);
        return;
    }
    m_timeout.stop();
    m_serverSoftware = header.value(Key::Software).toString();
    m_serverEncoding = header.value(Key::Encoding).toString(QStringLiteral("UTF-8"));
    updateCurrentDirectory(header);
    setState(State::Ready);
    Q_EMIT ready();
    while (!m_queued.isEmpty() && m_state == State::Ready) {
        const auto [id, command] = m_queued.dequeue();
        sendExec(id, command);
    }
    if (m_state == State::Ready)
        m_transfers.beginWaiting();
}

void ConsoleClient::answerChallenge(const QJsonObject &challenge)
{
    const std::variant<QJsonObject, ClientLogin::Refusal> answer = m_login.answerChallenge(challenge);
    if (const auto *refused = std::get_if<ClientLogin::Refusal>(&answer)) {
        failLogin(*refused);
        return;
    }
    m_socket->write(encodeFrame(std::get<QJsonObject>(answer)));
    // Deriving the key took time the server's answer should not be charged.
    m_timeout.start(HandshakeTimeout);
}

void ConsoleClient::failLogin(const ClientLogin::Refusal &refusal)
{
    m_retryAfter = refusal.retryAfter;
    ErrorKind kind = ErrorKind::Refused;
    switch (refusal.problem) {
    case ClientLogin::Problem::PasswordRequired:
        kind = ErrorKind::PasswordRequired;
        break;
    case ClientLogin::Problem::Protocol:
        kind = ErrorKind::Protocol;
        break;
    case ClientLogin::Problem::WrongPassword:
        kind = ErrorKind::WrongPassword;
        break;
    case ClientLogin::Problem::Penalized:
        kind = ErrorKind::Penalized;
        break;
    case ClientLogin::Problem::Refused:
        kind = ErrorKind::Refused;
        break;
    }
    fail(refusal.message, kind);
}

QString ConsoleClient::describeSocketError(QAbstractSocket::SocketError error, const QString &host, quint16 port,
                                           const QString &fallback)
{
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        return tr("Connection to %1:%2 was refused. Is a console server running there?").arg(host).arg(port);
    case QAbstractSocket::RemoteHostClosedError:
        return tr("The server at %1:%2 closed the connection.").arg(host).arg(port);
    case QAbstractSocket::HostNotFoundError:
        return tr("The host %1 was not found.").arg(host);
    case QAbstractSocket::SocketTimeoutError:
        return tr("The connection to %1:%2 timed out.").arg(host).arg(port);
    case QAbstractSocket::NetworkError:
        return tr("The network connection to %1:%2 failed: %3").arg(host).arg(port).arg(fallback);
    default:
        return tr("Connection to %1:%2 failed: %3").arg(host).arg(port).arg(fallback);
    }
}

void ConsoleClient::onSocketError(QAbstractSocket::SocketError error)
{
    // A close the server announced (shutdown) or one with nothing pending is
    // reported by disconnected() alone.
    if (error == QAbstractSocket::RemoteHostClosedError && m_state == State::Ready && !m_error.isEmpty())
        return;
    const bool tlsError = error == QAbstractSocket::SslHandshakeFailedError
        || error == QAbstractSocket::SslInternalError
        || error == QAbstractSocket::SslInvalidUserDataError
        // closed during the handshake: a server without TLS
        || (m_state == State::Handshaking && error == QAbstractSocket::RemoteHostClosedError);
    if (m_useTls && !m_encrypted && tlsError) {
        fail(tr("The TLS handshake with %1:%2 failed: %3. Is it a Tincan console server with TLS on?")
                 .arg(m_host)
                 .arg(m_port)
                 .arg(m_socket ? m_socket->errorString() : QString()),
             ErrorKind::TlsFailed);
        return;
    }
    fail(describeSocketError(error, m_host, m_port, m_socket ? m_socket->errorString() : QString()));
}

void ConsoleClient::fail(const QString &message, ErrorKind kind)
{
    if (!m_errorReported) {
        m_errorReported = true;
        m_error = message;
        m_errorKind = kind;
        Q_EMIT errorOccurred(message);
    }
    if (m_socket)
        m_socket->abort(); // emits disconnected() when it was connected
    if (m_state != State::Disconnected)
        onDisconnected();
}

void ConsoleClient::failAllCommands(const QString &message)
{
    const std::set<quint64> pending = std::exchange(m_pending, {});
    const auto queued = std::exchange(m_queued, {});
    m_classicInFlight.reset();
    for (quint64 id : pending)
        Q_EMIT commandFailed(id, message);
    for (const auto &[id, command] : queued)
        Q_EMIT commandFailed(id, message);
}

void ConsoleClient::onDisconnected()
{
    if (m_state == State::Disconnected)
        return;
    m_timeout.stop();
    // Whatever is still in the socket is the server's last word.
    if (m_socket && m_socket->bytesAvailable() > 0 && m_state != State::Connecting)
        onReadyRead();
    if (m_state == State::Disconnected)
        return;
    setState(State::Disconnected);
    failAllCommands(m_error.isEmpty() ? tr("The connection was closed before the command finished.")
                                      : tr("The connection was lost: %1").arg(m_error));
    m_transfers.endAll(TransferEngine::Outcome::Connection,
                       m_error.isEmpty() ? tr("The connection was closed before the transfer ended.")
                                         : tr("The connection was lost: %1").arg(m_error));
    Q_EMIT disconnected();
}

// ---- file transfers ----------------------------------------------------------

void ConsoleClient::sendFrame(const QJsonObject &header, QByteArrayView payload)
{
    if (m_socket)
        m_socket->write(encodeFrame(header, payload));
}

void ConsoleClient::sendTransferFrame(const QJsonObject &header, QByteArrayView payload)
{
    sendFrame(header, payload);
}

bool ConsoleClient::canSendData() const
{
    // The file stays on disk, not in memory, on a slow link.
    return m_socket && m_state == State::Ready && m_socket->bytesToWrite() < UploadSendHighWater;
}

quint64 ConsoleClient::addTransfer(TransferEngine::Direction direction, const QString &localPath,
                                   const QString &remotePath, bool overwrite)
{
    const quint64 id = m_nextId++;
    m_transfers.add(id, direction, {qint64(id), remotePath, localPath, localPath, 0, {}, overwrite});
    QMetaObject::invokeMethod(
        this,
        [this, id] {
            // Never from within upload() or download(): the caller has the id first.
            if (!m_transfers.isWaiting(id))
                return;
            if (m_mode == Mode::Classic)
                m_transfers.endWaiting(id, TransferEngine::Outcome::Refused,
                                       tr("A classic server cannot transfer files; connect with the Tincan protocol."));
            else if (m_state == State::Ready)
                m_transfers.begin(id);
            else if (m_state == State::Disconnected)
                m_transfers.endWaiting(id, TransferEngine::Outcome::Connection, tr("Not connected."));
        },
        Qt::QueuedConnection);
    return id;
}

quint64 ConsoleClient::upload(const QString &localPath, const QString &remotePath, bool overwrite)
{
    return addTransfer(TransferEngine::Direction::Send, localPath, remotePath, overwrite);
}

quint64 ConsoleClient::download(const QString &remotePath, const QString &localPath, bool overwrite)
{
    return addTransfer(TransferEngine::Direction::Receive, localPath, remotePath, overwrite);
}

void ConsoleClient::cancelTransfer(quint64 transferId)
{
    m_transfers.cancel(transferId);
}

void ConsoleClient::onTransferEnded(const TransferEngine::Ending &ending)
{
    if (ending.ok()) {
        Q_EMIT transferFinished(ending.key, ending.md5);
        return;
    }
    // By TransferEngine::Outcome: the peer's bad data is a refusal as well.
    static constexpr TransferError ErrorFor[] = {
        TransferError::None,     TransferError::Refused, TransferError::Refused,    TransferError::LocalFile,
        TransferError::Mismatch, TransferError::Exists,  TransferError::Connection, TransferError::Cancelled,
    };
    static_assert(std::size(ErrorFor) == std::size_t(TransferEngine::Outcome::Cancelled) + 1);
    Q_EMIT transferFailed(ending.key, ErrorFor[std::size_t(ending.outcome)], ending.message);
}

} // namespace Tincan
