#include "session/consolesession.h"

#include <QMetaMethod>
#include <QPointer>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace Tincan {

namespace {

bool isPasswordError(ConsoleClient::ErrorKind kind)
{
    return kind == ConsoleClient::ErrorKind::PasswordRequired || kind == ConsoleClient::ErrorKind::WrongPassword;
}

bool isIdentityError(ConsoleClient::ErrorKind kind)
{
    return kind == ConsoleClient::ErrorKind::UnknownServer || kind == ConsoleClient::ErrorKind::ServerIdentityChanged;
}

std::size_t streamIndex(OutputStream stream)
{
    return stream == OutputStream::Stderr ? 1 : 0;
}

} // namespace

ConsoleSession::ConsoleSession(QObject *parent)
    : QObject(parent)
    , m_client(new ConsoleClient(this))
{
    connect(m_client, &ConsoleClient::stateChanged, this, &ConsoleSession::onStateChanged);
    connect(m_client, &ConsoleClient::ready, this, &ConsoleSession::ready);
    connect(m_client, &ConsoleClient::errorOccurred, this, &ConsoleSession::onErrorOccurred);
    connect(m_client, &ConsoleClient::serverIdentityPinned, this, &ConsoleSession::serverIdentityPinned);
    connect(m_client, &ConsoleClient::commandStarted, this, [this](quint64 requestId, qint64) {
        // Time the command itself, not its wait in the client's queue.
        if (auto it = m_running.find(requestId); it != m_running.end())
            it->second.command.elapsed.start();
        Q_EMIT commandStarted(requestId);
    });
    connect(m_client, &ConsoleClient::outputReceived, this, &ConsoleSession::onOutputReceived);
    connect(m_client, &ConsoleClient::commandFinished, this, [this](quint64 requestId, ProcessExit exit) {
        if (!m_running.contains(requestId))
            return;
        Q_EMIT commandFinished(requestId, exit);
        onCommandEnded(requestId);
    });
    connect(m_client, &ConsoleClient::commandFailed, this, [this](quint64 requestId, const QString &message) {
        Q_EMIT commandFailed(requestId, message);
        onCommandEnded(requestId);
    });
    connect(m_client, &ConsoleClient::transferFinished, this,
            [this](quint64 transferId, const QByteArray &) { m_replaceable.erase(transferId); });
    connect(m_client, &ConsoleClient::transferFailed, this,
            [this](quint64 transferId, ConsoleClient::TransferError error, const QString &) {
                onTransferFailed(transferId, error);
            });
}

ConsoleSession::~ConsoleSession()
{
    // The client outlives this part of the object (QObject deletes children
    // later) and reports its own teardown; nobody here is left to hear it.
    disconnect(m_client, nullptr, this, nullptr);
}

void ConsoleSession::connectToServer(const QString &host, quint16 port, ConsoleClient::Mode mode)
{
    m_reconnectAfterCancel = false;
    m_client->connectToServer(host, port, mode);
}

void ConsoleSession::reconnect()
{
    if (!canReconnect())
        return; // a live connection would leave its commands unanswered
    connectToServer(m_client->host(), m_client->port(), m_client->mode());
}

bool ConsoleSession::canReconnect() const
{
    return !m_client->host().isEmpty() && m_client->state() == ConsoleClient::State::Disconnected;
}

QString ConsoleSession::address(const QString &host, quint16 port)
{
    if (host.isEmpty())
        return QString();
    const QString shownHost = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return shownHost + QLatin1Char(':') + QString::number(port);
}

QString ConsoleSession::address() const
{
    return address(m_client->host(), m_client->port());
}

void ConsoleSession::onStateChanged(ConsoleClient::State state)
{
    Q_EMIT stateChanged(state);
    if (state == ConsoleClient::State::Disconnected && std::exchange(m_reconnectAfterCancel, false))
        QTimer::singleShot(0, this, &ConsoleSession::reconnect);
}

// ---- login and trust ---------------------------------------------------------

void ConsoleSession::onErrorOccurred(const QString &message)
{
    Q_EMIT errorOccurred(message);
    const ConsoleClient::ErrorKind kind = m_client->errorKind();
    const bool asks
        = (isPasswordError(kind) || (isIdentityError(kind) && !m_client->serverFingerprint().isNull())) && m_prompter;
    if (!asks) {
        Q_EMIT connectionFailed(kind, message, false);
        return;
    }
    if (m_asking)
        return; // the open question's answer decides
    m_asking = true;
    // Asked once the client has finished failing (it is still inside its
    // error report here), so that an answer given at once can reconnect.
    QMetaObject::invokeMethod(
        this,
        [this, kind, message] {
            if (isPasswordError(kind))
                askForPassword(kind, message);
            else
                askForTrust(kind, message);
        },
        Qt::QueuedConnection);
}

void ConsoleSession::askForPassword(ConsoleClient::ErrorKind kind, const QString &message)
{
    Prompter::PasswordQuestion question;
    question.host = m_client->host();
    question.port = m_client->port();
    question.address = address();
    question.wrong = kind == ConsoleClient::ErrorKind::WrongPassword;
    question.message = message;
    const QPointer<ConsoleSession> self(this);
    m_prompter->askPassword(question, [self, kind, message](std::optional<QString> password) {
        if (!self || !std::exchange(self->m_asking, false))
            return;
        if (!password || password->isEmpty()) {
            Q_EMIT self->connectionFailed(kind, message, true);
            return;
        }
        self->m_client->setPassword(*password);
        self->reconnect();
    });
}

void ConsoleSession::askForTrust(ConsoleClient::ErrorKind kind, const QString &message)
{
    Prompter::TrustQuestion question;
    question.host = m_client->host();
    question.port = m_client->port();
    question.address = address();
    question.presented = m_client->serverFingerprint();
    question.changed = kind == ConsoleClient::ErrorKind::ServerIdentityChanged;
    question.expected = m_client->expectedFingerprint();
    question.knownHostsPath = m_client->knownHostsPath();
    question.knownHostsLine = m_client->knownHostsLine();
    question.message = message;
    const QPointer<ConsoleSession> self(this);
    const TlsFingerprint fingerprint = question.presented;
    m_prompter->askTrust(question, [self, kind, message, fingerprint](bool trust) {
        if (!self || !std::exchange(self->m_asking, false))
            return;
        if (!trust) {
            Q_EMIT self->connectionFailed(kind, message, true);
            return;
        }
        if (!self->m_client->acceptServerIdentity(fingerprint)) {
            Q_EMIT self->identityNotRemembered(self->m_client->errorString());
            Q_EMIT self->connectionFailed(kind, message, true);
            return;
        }
        Q_EMIT self->serverIdentityPinned(fingerprint, true);
        self->reconnect();
    });
}

// ---- commands ----------------------------------------------------------------

quint64 ConsoleSession::exec(const QString &command)
{
    const quint64 id = m_client->exec(command);
    Running &running = m_running[id];
    running.command.text = command;
    running.command.elapsed.start();
    Q_EMIT runningCommandCountChanged(runningCommandCount());
    return id;
}

const ConsoleSession::Command *ConsoleSession::command(quint64 requestId) const
{
    const auto it = m_running.find(requestId);
    return it == m_running.end() ? nullptr : &it->second.command;
}

bool ConsoleSession::hasCancellableCommand() const
{
    return std::any_of(m_running.cbegin(), m_running.cend(),
                       [](const auto &entry) { return !entry.second.command.cancelRequested; });
}

quint64 ConsoleSession::cancelLatestCommand()
{
    for (auto it = m_running.rbegin(); it != m_running.rend(); ++it) {
        Command &command = it->second.command;
        if (command.cancelRequested)
            continue;
        command.cancelRequested = true;
        const quint64 id = it->first;
        // Classic commands run one at a time, oldest first: only that one is
        // on the server, and stopping it costs the connection.
        const bool costsConnection = m_client->mode() == ConsoleClient::Mode::Classic
            && m_client->state() == ConsoleClient::State::Ready && id == m_running.begin()->first;
        Q_EMIT cancelling(id, command.text, costsConnection);
        m_reconnectAfterCancel = costsConnection;
        // Reports the command's end (and, classic, the disconnect) at once.
        m_client->cancel(id);
        if (m_client->state() != ConsoleClient::State::Disconnected)
            m_reconnectAfterCancel = false;
        return id;
    }
    return 0;
}

void ConsoleSession::onCommandEnded(quint64 requestId)
{
    if (m_running.erase(requestId) > 0)
        Q_EMIT runningCommandCountChanged(runningCommandCount());
}

// ---- decoding ----------------------------------------------------------------

bool ConsoleSession::canDecode(const QByteArray &encoding)
{
    return !encoding.isEmpty() && QStringDecoder(encoding.constData()).isValid();
}

QList<QByteArray> ConsoleSession::availableEncodings()
{
    static const QList<QByteArray> available = [] {
        QList<QByteArray> names;
        for (const char *name : EncodingChoices) {
            if (canDecode(QByteArray(name)))
                names.append(QByteArray(name));
        }
        return names;
    }();
    return available;
}

QByteArray ConsoleSession::outputEncoding() const
{
    if (!m_encodingOverride.isEmpty())
        return m_encodingOverride;
    const QByteArray announced = m_client->serverEncoding().toLatin1();
    if (canDecode(announced))
        return announced;
    return QByteArrayLiteral("UTF-8");
}

bool ConsoleSession::setEncodingOverride(const QByteArray &encoding)
{
    if (!encoding.isEmpty() && !canDecode(encoding))
        return false;
    m_encodingOverride = encoding;
    // New decoders from the next chunk on; a character split across the
    // switch is lost, which is what switching mid-stream means.
    for (auto &entry : m_running) {
        for (std::optional<QStringDecoder> &decoder : entry.second.decoders)
            decoder.reset();
    }
    return true;
}

QStringDecoder ConsoleSession::makeDecoder() const
{
    QStringDecoder decoder(outputEncoding().constData());
    if (decoder.isValid())
        return decoder;
    return QStringDecoder(QStringDecoder::Utf8);
}

void ConsoleSession::onOutputReceived(quint64 requestId, OutputStream stream, const QByteArray &data)
{
    // Whoever wants only the bytes (`tincan-cli exec`) listens to the client.
    static const QMetaMethod decoded = QMetaMethod::fromSignal(&ConsoleSession::outputDecoded);
    if (!isSignalConnected(decoded))
        return;
    auto it = m_running.find(requestId);
    if (it == m_running.end()) {
        QStringDecoder decoder = makeDecoder();
        Q_EMIT outputDecoded(requestId, stream, QString(decoder.decode(data)));
        return;
    }
    std::optional<QStringDecoder> &decoder = it->second.decoders.at(streamIndex(stream));
    if (!decoder)
        decoder = makeDecoder();
    Q_EMIT outputDecoded(requestId, stream, QString(decoder->decode(data)));
}

// ---- transfers ---------------------------------------------------------------

quint64 ConsoleSession::upload(const QString &localPath, const QString &remotePath, bool overwrite)
{
    if (m_client->mode() != ConsoleClient::Mode::Tincan)
        return 0;
    const quint64 id = m_client->upload(localPath, remotePath, overwrite);
    if (!overwrite)
        m_replaceable[id] = {localPath, remotePath};
    Q_EMIT transferAdded(id, localPath, remotePath, true);
    return id;
}

quint64 ConsoleSession::download(const QString &remotePath, const QString &localPath, bool overwrite)
{
    if (m_client->mode() != ConsoleClient::Mode::Tincan)
        return 0;
    const quint64 id = m_client->download(remotePath, localPath, overwrite);
    Q_EMIT transferAdded(id, localPath, remotePath, false);
    return id;
}

void ConsoleSession::onTransferFailed(quint64 transferId, ConsoleClient::TransferError error)
{
    auto node = m_replaceable.extract(transferId);
    if (node.empty() || error != ConsoleClient::TransferError::Exists || !m_prompter)
        return;
    // An existing file: ask, then send it again to replace it.
    const PendingUpload pending = node.mapped();
    const QPointer<ConsoleSession> self(this);
    m_prompter->askReplace(pending.remotePath, [self, pending](bool replace) {
        if (replace && self)
            self->upload(pending.localPath, pending.remotePath, true);
    });
}

} // namespace Tincan
