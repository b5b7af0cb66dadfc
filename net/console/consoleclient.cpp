#include "net/console/consoleclient.h"

#include "net/auth/consoleauth.h"
#include "net/auth/passwordhash.h"
#include "net/tls/knownhosts.h"
#include "net/wire/consoleprotocol.h"

#include <QFileInfo>
#include <QHostAddress>
#include <QJsonObject>
#include <QSslSocket>
#include <QTcpSocket>

#include <algorithm>

namespace Tincan {

using namespace Console;

namespace {
// A server's words in our error messages: a line, not a flood.
constexpr qsizetype MaxQuotedServerText = 512;
// Longest working directory accepted from a server (Linux's PATH_MAX).
constexpr qsizetype MaxDirectoryLength = 4096;
} // namespace

ConsoleClient::ConsoleClient(QObject *parent)
    : QObject(parent)
    , m_decoder(Limits::MaxMessagePayload)
{
    qRegisterMetaType<Tincan::OutputStream>();
    qRegisterMetaType<Tincan::ProcessExit>();
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

void ConsoleClient::setPassword(const QString &password)
{
    if (password == m_password)
        return;
    m_password = password;
    m_derivedKey.reset();
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
        std::vector<quint64> running;
        for (const auto &[id, transfer] : m_transfers)
            if (transfer.stage != Transfer::Stage::Queued)
                running.push_back(id);
        for (quint64 id : running)
            endTransfer(id, TransferError::Connection, tr("The connection was replaced before the transfer ended."));
    }
    m_host = host;
    m_port = port;
    m_mode = mode;
    m_error.clear();
    m_errorKind = ErrorKind::None;
    m_retryAfter = std::chrono::seconds(0);
    m_errorReported = false;
    m_serverNonce.clear();
    m_clientNonce.clear();
    m_loginKey.clear();
    m_authenticated = false;
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
    connect(m_socket, &QTcpSocket::bytesWritten, this, &ConsoleClient::pumpUploads);
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

bool ConsoleClient::pinFor(TlsFingerprint *pin)
{
    if (m_knownHostsPath.isEmpty()) {
        const std::optional<QString> key = KnownHostsList::hostKey(m_host, m_port);
        *pin = key ? m_memoryPins.value(*key) : TlsFingerprint();
        m_expectedFingerprint = *pin;
        return true;
    }
    KnownHosts knownHosts(m_knownHostsPath);
    if (!knownHosts.load()) {
        m_error = knownHosts.errorString();
        return false;
    }
    // A null fingerprint matches no entry: the lookup finds the pin and its line.
    const KnownHostsList::Lookup found = knownHosts.lookup(m_host, m_port, TlsFingerprint());
    *pin = found.expected;
    m_expectedFingerprint = found.expected;
    m_knownHostsLine = found.line;
    return true;
}

void ConsoleClient::startTls()
{
    setState(State::Connecting);
    TlsFingerprint pin;
    if (!pinFor(&pin)) {
        const QString reason = m_error;
        m_error.clear();
        QMetaObject::invokeMethod(
            this,
            [this, reason] {
                fail(tr("Cannot check the identity of %1:%2: %3").arg(m_host).arg(m_port).arg(reason),
                     ErrorKind::TlsFailed);
            },
            Qt::QueuedConnection);
        return;
    }
    auto *socket = new QSslSocket(this);
    socket->setReadBufferSize(ReadBufferSize);
    m_socket = socket;
    // Before connecting: it configures the socket and decides on its errors.
    m_verifier = new TlsPeerVerifier(socket, pin, m_unknownServerPolicy);
    connect(m_verifier, &TlsPeerVerifier::peerVerified, this, &ConsoleClient::onPeerVerified);
    connect(m_verifier, &TlsPeerVerifier::peerRejected, this, &ConsoleClient::onPeerRejected);
    connect(socket, &QSslSocket::connected, this, [this] {
        setState(State::Handshaking);
        m_timeout.start(HandshakeTimeout);
    });
    connect(socket, &QSslSocket::readyRead, this, &ConsoleClient::onReadyRead);
    connect(socket, &QSslSocket::errorOccurred, this, &ConsoleClient::onSocketError);
    connect(socket, &QSslSocket::disconnected, this, &ConsoleClient::onDisconnected);
    connect(socket, &QSslSocket::bytesWritten, this, &ConsoleClient::pumpUploads);
    connect(socket, &QSslSocket::encryptedBytesWritten, this, &ConsoleClient::pumpUploads);
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
    if (fingerprint.isNull())
        return false;
    if (m_knownHostsPath.isEmpty()) {
        const std::optional<QString> key = KnownHostsList::hostKey(m_host, m_port);
        if (!key)
            return false;
        m_memoryPins.insert(*key, fingerprint);
        return true;
    }
    KnownHosts knownHosts(m_knownHostsPath);
    if (!knownHosts.remember(m_host, m_port, fingerprint)) {
        m_error = knownHosts.errorString();
        return false;
    }
    return true;
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
        handleTransferFrame(type, frame);
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
    switch (type) {
    case MessageType::AuthChallenge:
        answerChallenge(frame.header);
        return;
    case MessageType::Welcome:
        handleWelcome(frame.header);
        return;
    case MessageType::Error:
        handleLoginError(frame.header);
        return;
    case MessageType::Unknown:
    case MessageType::Hello:
    case MessageType::Auth:
    case MessageType::Exec:
    case MessageType::Cancel:
    case MessageType::Started:
    case MessageType::Output:
    case MessageType::Exit:
    case MessageType::Ping:
    case MessageType::Pong:
    case MessageType::Upload:
    case MessageType::Download:
    case MessageType::File:
    case MessageType::TransferReady:
    case MessageType::Data:
    case MessageType::TransferDone:
    case MessageType::TransferCancel:
        fail(tr("The server answered with \"%1\" instead of a welcome.")
                 .arg(frame.header.value(Key::Type).toString().left(64)),
             ErrorKind::Protocol);
        return;
    }
}

void ConsoleClient::handleWelcome(const QJsonObject &header)
{
    if (!m_clientNonce.isEmpty()) {
        if (!serverProofValid(header)) {
            // Whoever answered does not hold the password's key: do not
            // hand it commands (they may carry secrets of their own).
            fail(tr("%1:%2 accepted the login without proving that it knows the password; it may not be the "
                    "server you meant. Disconnected.")
                     .arg(m_host)
                     .arg(m_port),
                 ErrorKind::Protocol);
            return;
        }
        m_authenticated = true;
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
    std::vector<quint64> queued;
    for (const auto &[id, transfer] : m_transfers)
        if (transfer.stage == Transfer::Stage::Queued)
            queued.push_back(id);
    for (quint64 id : queued)
        if (m_state == State::Ready)
            beginTransfer(id);
}

void ConsoleClient::handleLoginError(const QJsonObject &header)
{
    const QString code = header.value(Key::Code).toString();
    const QString message = header.value(Key::Message).toString().left(MaxQuotedServerText);
    // A day is longer than any penalty a sane server imposes.
    const qint64 seconds = std::clamp<qint64>(jsonInteger(header, Key::RetryAfter).value_or(0), 0, 24 * 3600);
    if (code == ErrorCode::AuthFailed && header.contains(Key::RetryAfter)) {
        m_retryAfter = std::chrono::seconds(seconds);
        fail(tr("Wrong password for %1:%2. The server answers the next login from this address in %3 s.")
                 .arg(m_host)
                 .arg(m_port)
                 .arg(seconds),
             ErrorKind::WrongPassword);
    } else if (code == ErrorCode::AuthFailed) {
        fail(tr("The server refused the login: %1").arg(message), ErrorKind::WrongPassword);
    } else if (code == ErrorCode::Penalized) {
        m_retryAfter = std::chrono::seconds(seconds);
        fail(tr("Too many failed logins from this address: %1:%2 will answer again in %3 s.")
                 .arg(m_host)
                 .arg(m_port)
                 .arg(seconds),
             ErrorKind::Penalized);
    } else if (code == ErrorCode::TlsRequired) {
        fail(tr("%1:%2 accepts clients on other machines only over TLS: connect with TLS on (--tls on). "
                "The server said: %3")
                 .arg(m_host)
                 .arg(m_port)
                 .arg(message),
             ErrorKind::Refused);
    } else if (code == ErrorCode::AuthTimeout || code == ErrorCode::AuthRequired) {
        fail(tr("The server refused the login: %1").arg(message), ErrorKind::Refused);
    } else {
        fail(tr("The server refused the connection: %1").arg(message), ErrorKind::Refused);
    }
}

void ConsoleClient::answerChallenge(const QJsonObject &challenge)
{
    if (m_password.isEmpty()) {
        fail(tr("The server at %1:%2 requires a password.").arg(m_host).arg(m_port), ErrorKind::PasswordRequired);
        return;
    }
    const std::optional<QByteArray> serverNonce
        = ConsoleAuth::decodeBase64(challenge.value(Key::Nonce), ConsoleAuth::NonceSize, ConsoleAuth::NonceSize);
    const std::optional<QByteArray> salt
        = ConsoleAuth::decodeBase64(challenge.value(Key::Salt), PasswordHash::MinSaltSize, PasswordHash::MaxSaltSize);
    const std::optional<qint64> iterations = jsonInteger(challenge, Key::Iterations);
    // A hostile server could ask for a billion iterations to stall us, or for
    // very few to make an overheard proof cheap to crack: both are refused.
    if (challenge.value(Key::Mechanism).toString() != ConsoleAuth::Mechanism || !serverNonce || !salt || !iterations
        || !PasswordHash::iterationsInRange(*iterations) || !m_clientNonce.isEmpty()) {
        fail(tr("%1:%2 sent a login challenge this client cannot answer (an unknown mechanism, a malformed nonce "
                "or salt, or an iteration count outside %3 to %4).")
                 .arg(m_host)
                 .arg(m_port)
                 .arg(PasswordHash::MinIterations)
                 .arg(PasswordHash::MaxIterations),
             ErrorKind::Protocol);
        return;
    }
    if (!m_derivedKey || m_derivedKey->salt != *salt || m_derivedKey->iterations != int(*iterations))
        m_derivedKey
            = DerivedKey{*salt, int(*iterations), PasswordHash::deriveKey(m_password, *salt, int(*iterations))};
    m_loginKey = m_derivedKey->key;
    m_serverNonce = *serverNonce;
    m_clientNonce = ConsoleAuth::randomNonce();
    m_socket->write(encodeFrame({
        {Key::Type, Type::Auth},
        {Key::Mechanism, ConsoleAuth::Mechanism},
        {Key::Nonce, QString::fromLatin1(m_clientNonce.toBase64())},
        {Key::Proof,
         QString::fromLatin1(ConsoleAuth::clientProof(m_loginKey, m_serverNonce, m_clientNonce).toBase64())},
    }));
    // Deriving the key took time the server's answer should not be charged.
    m_timeout.start(HandshakeTimeout);
}

bool ConsoleClient::serverProofValid(const QJsonObject &welcome) const
{
    const std::optional<QByteArray> proof
        = ConsoleAuth::decodeBase64(welcome.value(Key::Proof), ConsoleAuth::ProofSize, ConsoleAuth::ProofSize);
    return proof && constantTimeEquals(*proof, ConsoleAuth::serverProof(m_loginKey, m_serverNonce, m_clientNonce));
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
    failAllTransfers(m_error.isEmpty() ? tr("The connection was closed before the transfer ended.")
                                       : tr("The connection was lost: %1").arg(m_error));
    Q_EMIT disconnected();
}

// ---- file transfers ----------------------------------------------------------

void ConsoleClient::sendFrame(const QJsonObject &header, QByteArrayView payload)
{
    if (m_socket)
        m_socket->write(encodeFrame(header, payload));
}

quint64 ConsoleClient::addTransfer(Transfer transfer)
{
    const quint64 id = m_nextId++;
    m_transfers.emplace(id, std::move(transfer));
    QMetaObject::invokeMethod(
        this,
        [this, id] {
            // Never from within upload() or download(): the caller has the id first.
            auto it = m_transfers.find(id);
            if (it == m_transfers.end() || it->second.stage != Transfer::Stage::Queued)
                return;
            if (m_mode == Mode::Classic)
                endTransfer(id, TransferError::Refused,
                            tr("A classic server cannot transfer files; connect with the Tincan protocol."));
            else if (m_state == State::Ready)
                beginTransfer(id);
            else if (m_state == State::Disconnected)
                endTransfer(id, TransferError::Connection, tr("Not connected."));
        },
        Qt::QueuedConnection);
    return id;
}

quint64 ConsoleClient::upload(const QString &localPath, const QString &remotePath, bool overwrite)
{
    Transfer transfer;
    transfer.upload = true;
    transfer.localPath = localPath;
    transfer.remotePath = remotePath;
    transfer.overwrite = overwrite;
    return addTransfer(std::move(transfer));
}

quint64 ConsoleClient::download(const QString &remotePath, const QString &localPath, bool overwrite)
{
    Transfer transfer;
    transfer.upload = false;
    transfer.localPath = localPath;
    transfer.remotePath = remotePath;
    transfer.overwrite = overwrite;
    return addTransfer(std::move(transfer));
}

void ConsoleClient::beginTransfer(quint64 id)
{
    Transfer &transfer = m_transfers.at(id);
    if (transfer.upload) {
        auto source = std::make_unique<QFile>(transfer.localPath);
        if (QFileInfo(transfer.localPath).isDir() || !source->open(QIODevice::ReadOnly)) {
            endTransfer(
                id, TransferError::LocalFile,
                tr("Cannot read %1: %2")
                    .arg(transfer.localPath, source->isOpen() ? tr("it is a directory") : source->errorString()));
            return;
        }
        transfer.size = source->size();
        transfer.source = std::move(source);
        // The offer carries the MD5: hash the whole file first.
        startHashing(id, transfer.localPath, transfer.size, false);
        return;
    }
    const QFileInfo local(transfer.localPath);
    if (local.isDir()) {
        endTransfer(id, TransferError::LocalFile, tr("%1 is a directory.").arg(transfer.localPath));
        return;
    }
    if (local.exists() && !transfer.overwrite) {
        endTransfer(id, TransferError::Exists,
                    tr("%1 exists and is not replaced unless overwriting is asked for.").arg(transfer.localPath));
        return;
    }
    transfer.stage = Transfer::Stage::Offered;
    sendFrame({{Key::Type, Type::Download}, {Key::Transfer, qint64(id)}, {Key::FileName, transfer.remotePath}});
}

void ConsoleClient::startHashing(quint64 id, const QString &path, qint64 length, bool keepState)
{
    Transfer &transfer = m_transfers.at(id);
    transfer.hasher = std::make_unique<FileHasher>();
    connect(transfer.hasher.get(), &FileHasher::finished, this, [this, id](bool ok) { onTransferHashed(id, ok); });
    transfer.hasher->start(path, length, keepState);
    if (transfer.stage != Transfer::Stage::Offered)
        transfer.stage = Transfer::Stage::Hashing;
}

void ConsoleClient::onTransferHashed(quint64 id, bool ok)
{
    auto it = m_transfers.find(id);
    if (it == m_transfers.end())
        return;
    Transfer &transfer = it->second;
    FileHasher *hasher = transfer.hasher.release(); // it is emitting: delete it afterwards
    hasher->deleteLater();
    if (m_state != State::Ready)
        return;
    if (transfer.upload && transfer.stage == Transfer::Stage::Hashing) {
        if (!ok) {
            endTransfer(id, TransferError::LocalFile, hasher->errorString());
            return;
        }
        transfer.md5 = hasher->md5Hex();
        transfer.stage = Transfer::Stage::Offered;
        sendFrame({{Key::Type, Type::Upload},
                   {Key::Transfer, qint64(id)},
                   {Key::FileName, transfer.remotePath},
                   {Key::FileSize, transfer.size},
                   {Key::Md5, QString::fromLatin1(transfer.md5)},
                   {Key::Overwrite, transfer.overwrite}});
        return;
    }
    if (transfer.upload) {
        // Our first bytes against the server's partial file: the same, and
        // only the rest is sent.
        const bool same = ok && hasher->md5Hex() == transfer.resumeMd5;
        startSending(id, same ? transfer.resumeOffset : 0);
        return;
    }
    // Download: what our partial file holds, for the server to check.
    if (!ok) {
        transfer.resumeOffset = 0;
        sendFrame({{Key::Type, Type::TransferReady}, {Key::Transfer, qint64(id)}, {Key::Offset, 0}});
        return;
    }
    transfer.resumeState = hasher->takeState();
    sendFrame({{Key::Type, Type::TransferReady},
               {Key::Transfer, qint64(id)},
               {Key::Offset, transfer.resumeOffset},
               {Key::Md5, QString::fromLatin1(hasher->md5Hex())}});
}

void ConsoleClient::startSending(quint64 id, qint64 from)
{
    Transfer &transfer = m_transfers.at(id);
    if (!transfer.source->seek(from)) {
        endTransfer(id, TransferError::LocalFile,
                    tr("Cannot read %1: %2").arg(transfer.localPath, transfer.source->errorString()));
        return;
    }
    transfer.position = from;
    transfer.stage = Transfer::Stage::Sending;
    Q_EMIT transferStarted(id, transfer.size, from);
    pumpUploads();
}

void ConsoleClient::pumpUploads()
{
    if (m_pumpingUploads || !m_socket || m_state != State::Ready)
        return;
    m_pumpingUploads = true;
    bool sent = true;
    while (sent && m_socket && m_socket->bytesToWrite() < UploadSendHighWater) {
        sent = false;
        std::vector<quint64> sending; // one chunk of each in turn
        for (const auto &[id, transfer] : m_transfers)
            if (transfer.stage == Transfer::Stage::Sending)
                sending.push_back(id);
        for (quint64 id : sending) {
            if (!m_socket || m_socket->bytesToWrite() >= UploadSendHighWater)
                break;
            auto it = m_transfers.find(id);
            if (it == m_transfers.end())
                continue;
            Transfer &transfer = it->second;
            const qint64 want = std::min<qint64>(Limits::TransferChunkSize, transfer.size - transfer.position);
            QByteArray chunk = transfer.source->read(want);
            if (chunk.size() != want) {
                const QString reason = tr("Cannot read %1: it ended early or could not be read (%2).")
                                           .arg(transfer.localPath, transfer.source->errorString());
                sendFrame({{Key::Type, Type::TransferCancel}, {Key::Transfer, qint64(id)}, {Key::Message, reason}});
                endTransfer(id, TransferError::LocalFile, reason);
                continue;
            }
            const qint64 offset = transfer.position;
            if (m_faultOffset >= offset && m_faultOffset < offset + chunk.size()) {
                chunk[qsizetype(m_faultOffset - offset)] = char(chunk.at(qsizetype(m_faultOffset - offset)) ^ 0x01);
                m_faultOffset = -1;
            }
            transfer.position += chunk.size();
            if (transfer.position == transfer.size) {
                transfer.stage = Transfer::Stage::Sent;
                transfer.source->close();
            }
            sendFrame({{Key::Type, Type::Data}, {Key::Transfer, qint64(id)}, {Key::Offset, offset}}, chunk);
            Q_EMIT transferProgress(id, transfer.position, transfer.size);
            sent = true;
        }
    }
    m_pumpingUploads = false;
}

void ConsoleClient::handleTransferFrame(MessageType type, const Frame &frame)
{
    const std::optional<qint64> rawId = jsonInteger(frame.header, Key::Transfer);
    auto it = rawId && *rawId > 0 ? m_transfers.find(quint64(*rawId)) : m_transfers.end();
    if (it == m_transfers.end())
        return; // about a transfer this client has given up (data in flight after a cancel)
    const quint64 id = it->first;
    Transfer &transfer = it->second;
    const QJsonObject &header = frame.header;

    if (type == MessageType::Error) {
        const QString code = header.value(Key::Code).toString();
        const QString message = header.value(Key::Message).toString().left(MaxQuotedServerText);
        TransferError error = TransferError::Refused;
        if (code == ErrorCode::ChecksumMismatch)
            error = TransferError::Mismatch;
        else if (code == ErrorCode::FileExists)
            error = TransferError::Exists;
        endTransfer(id, error, tr("The server refused the transfer: %1").arg(message));
        return;
    }
    if (transfer.upload && type == MessageType::TransferReady && transfer.stage == Transfer::Stage::Offered) {
        const std::optional<qint64> offset = jsonInteger(header, Key::Offset);
        const std::optional<QByteArray> md5 = FileTransfer::parseMd5(header.value(Key::Md5).toString());
        if (offset && *offset > 0 && *offset <= transfer.size && md5) {
            transfer.resumeOffset = *offset;
            transfer.resumeMd5 = *md5;
            transfer.stage = Transfer::Stage::Verifying;
            startHashing(id, transfer.localPath, *offset, false);
            transfer.stage = Transfer::Stage::Verifying;
            return;
        }
        startSending(id, 0);
        return;
    }
    if (transfer.upload && type == MessageType::TransferDone && transfer.stage == Transfer::Stage::Sent) {
        const std::optional<QByteArray> md5 = FileTransfer::parseMd5(header.value(Key::Md5).toString());
        if (!md5 || *md5 != transfer.md5) {
            endTransfer(id, TransferError::Mismatch,
                        tr("The server reports MD5 %1 for the file, not %2.")
                            .arg(QString::fromLatin1(md5.value_or(QByteArray())), QString::fromLatin1(transfer.md5)));
            return;
        }
        endTransfer(id, TransferError::None, {}, *md5);
        return;
    }
    if (!transfer.upload && type == MessageType::File && transfer.stage == Transfer::Stage::Offered
        && !transfer.incoming) {
        const std::optional<qint64> size = jsonInteger(header, Key::FileSize);
        const std::optional<QByteArray> md5 = FileTransfer::parseMd5(header.value(Key::Md5).toString());
        if (!size || *size < 0 || !md5) {
            sendFrame({{Key::Type, Type::TransferCancel}, {Key::Transfer, qint64(id)}});
            endTransfer(id, TransferError::Refused, tr("The server offered the file without a valid size or MD5."));
            return;
        }
        transfer.size = *size;
        transfer.md5 = *md5;
        transfer.incoming = std::make_unique<IncomingFile>(transfer.localPath, *size, *md5);
        const qint64 partial = transfer.incoming->partialSize();
        if (partial > 0) {
            transfer.resumeOffset = partial;
            startHashing(id, transfer.incoming->partialPath(), partial, true);
            return;
        }
        sendFrame({{Key::Type, Type::TransferReady}, {Key::Transfer, qint64(id)}, {Key::Offset, 0}});
        return;
    }
    if (!transfer.upload && type == MessageType::Data && transfer.incoming) {
        handleDownloadData(id, frame);
        return;
    }
    // Anything else about this transfer is out of place: give it up.
    sendFrame({{Key::Type, Type::TransferCancel}, {Key::Transfer, qint64(id)}});
    endTransfer(id, TransferError::Refused,
                tr("The server sent \"%1\" out of place; the transfer was given up.")
                    .arg(header.value(Key::Type).toString().left(64)));
}

void ConsoleClient::handleDownloadData(quint64 id, const Frame &frame)
{
    Transfer &transfer = m_transfers.at(id);
    IncomingFile &incoming = *transfer.incoming;
    const std::optional<qint64> offset = jsonInteger(frame.header, Key::Offset);
    const auto giveUp = [&](TransferError error, const QString &message) {
        sendFrame({{Key::Type, Type::TransferCancel}, {Key::Transfer, qint64(id)}, {Key::Message, message}});
        endTransfer(id, error, message);
    };
    if (frame.payload.size() > Limits::TransferChunkSize) {
        giveUp(TransferError::Refused,
               tr("The server sent a data message larger than %1 bytes.").arg(Limits::TransferChunkSize));
        return;
    }
    if (!transfer.receiving) {
        const bool fromStart = offset == 0;
        const bool resumed = transfer.resumeOffset > 0 && offset == transfer.resumeOffset;
        if (!fromStart && !resumed) {
            giveUp(TransferError::Refused,
                   tr("The server's data did not start at 0 or at %1.").arg(transfer.resumeOffset));
            return;
        }
        if (!incoming.open(*offset, fromStart ? nullptr : std::move(transfer.resumeState))) {
            giveUp(TransferError::LocalFile, incoming.errorString());
            return;
        }
        transfer.receiving = true;
        transfer.stage = Transfer::Stage::Receiving;
        Q_EMIT transferStarted(id, transfer.size, *offset);
    } else if (offset != incoming.position()) {
        giveUp(TransferError::Refused, tr("The server's data came out of order."));
        return;
    }
    QByteArray data = frame.payload;
    const qint64 at = incoming.position();
    if (m_faultOffset >= at && m_faultOffset < at + data.size()) {
        data[qsizetype(m_faultOffset - at)] = char(data.at(qsizetype(m_faultOffset - at)) ^ 0x01);
        m_faultOffset = -1;
    }
    if (!incoming.write(data)) {
        giveUp(incoming.errorKind() == IncomingFile::Error::TooMuch ? TransferError::Refused : TransferError::LocalFile,
               incoming.errorString());
        return;
    }
    Q_EMIT transferProgress(id, incoming.position(), transfer.size);
    // A slot may have cancelled it.
    if (!m_transfers.contains(id) || !incoming.isComplete())
        return;
    if (!incoming.commit(transfer.overwrite)) {
        TransferError error = TransferError::LocalFile;
        if (incoming.errorKind() == IncomingFile::Error::Mismatch)
            error = TransferError::Mismatch;
        else if (incoming.errorKind() == IncomingFile::Error::Exists)
            error = TransferError::Exists;
        giveUp(error, incoming.errorString());
        return;
    }
    sendFrame({{Key::Type, Type::TransferDone},
               {Key::Transfer, qint64(id)},
               {Key::Md5, QString::fromLatin1(incoming.actualMd5())}});
    endTransfer(id, TransferError::None, {}, incoming.actualMd5());
}

void ConsoleClient::cancelTransfer(quint64 transferId)
{
    auto it = m_transfers.find(transferId);
    if (it == m_transfers.end())
        return;
    if (it->second.stage != Transfer::Stage::Queued && m_state == State::Ready)
        sendFrame({{Key::Type, Type::TransferCancel}, {Key::Transfer, qint64(transferId)}});
    // Given up on purpose: nothing is kept to resume.
    if (it->second.incoming)
        it->second.incoming->discard();
    endTransfer(transferId, TransferError::Cancelled, tr("Cancelled."));
}

void ConsoleClient::endTransfer(quint64 id, TransferError error, const QString &message, const QByteArray &md5)
{
    auto it = m_transfers.find(id);
    if (it == m_transfers.end())
        return;
    Transfer transfer = std::move(it->second);
    m_transfers.erase(it);
    if (transfer.incoming)
        transfer.incoming->close(); // an interrupted download stays for a resume
    if (transfer.hasher)
        transfer.hasher.release()->deleteLater();
    if (error == TransferError::None)
        Q_EMIT transferFinished(id, md5);
    else
        Q_EMIT transferFailed(id, error, message);
}

void ConsoleClient::failAllTransfers(const QString &message)
{
    while (!m_transfers.empty())
        endTransfer(m_transfers.begin()->first, TransferError::Connection, message);
}

} // namespace Tincan
