#include "net/transfer/transferengine.h"

#include "net/wire/consoleprotocol.h"
#include "net/wire/requestid.h"

#include <QFileInfo>

#include <algorithm>
#include <vector>

namespace Tincan {

using namespace Console;

namespace {
// A peer's words in our error messages: a line, not a flood.
constexpr qsizetype MaxQuotedPeerText = 512;

// The server's error code for a transfer that failed this way.
QLatin1StringView errorCodeFor(TransferEngine::Outcome outcome)
{
    switch (outcome) {
    case TransferEngine::Outcome::Mismatch:
        return ErrorCode::ChecksumMismatch;
    case TransferEngine::Outcome::Exists:
        return ErrorCode::FileExists;
    case TransferEngine::Outcome::LocalFile:
        return ErrorCode::FileError;
    default:
        return ErrorCode::BadData;
    }
}

TransferEngine::Outcome outcomeOf(IncomingFile::Error error)
{
    switch (error) {
    case IncomingFile::Error::Mismatch:
        return TransferEngine::Outcome::Mismatch;
    case IncomingFile::Error::Exists:
        return TransferEngine::Outcome::Exists;
    case IncomingFile::Error::TooMuch:
        return TransferEngine::Outcome::BadData;
    default:
        return TransferEngine::Outcome::LocalFile;
    }
}
} // namespace

TransferEngine::TransferEngine(Role role, TransferChannel *channel, QObject *parent)
    : QObject(parent)
    , m_role(role)
    , m_channel(channel)
{
}

// Files close and partial files stay, as when the connection ends.
TransferEngine::~TransferEngine() = default;

TransferEngine::Transfer *TransferEngine::lookup(quint64 key)
{
    auto it = m_transfers.find(key);
    return it == m_transfers.end() ? nullptr : &it->second;
}

std::optional<quint64> TransferEngine::find(const QJsonValue &requestId) const
{
    for (const auto &[key, transfer] : m_transfers)
        if (transfer.request.requestId == requestId)
            return key;
    return std::nullopt;
}

qint64 TransferEngine::fileSize(quint64 key) const
{
    auto it = m_transfers.find(key);
    return it == m_transfers.end() ? 0 : it->second.request.size;
}

std::optional<quint64> TransferEngine::findKnown(const QJsonValue &requestId, const QString &unknownMessage)
{
    const std::optional<quint64> key = find(requestId);
    if (!key)
        refuse(ErrorCode::UnknownTransfer, unknownMessage.arg(requestKeyOf(requestId)), requestId);
    return key;
}

// ---- the server's requests ---------------------------------------------------

bool TransferEngine::acceptNew(const QJsonValue &requestId)
{
    if (!isValidRequestId(requestId)) {
        refuse(ErrorCode::BadRequest,
               tr("A transfer needs a \"transfer\" id: an integer or a string of 1 to %1 characters.")
                   .arg(Limits::MaxRequestIdLength),
               QJsonValue());
        return false;
    }
    if (find(requestId)) {
        refuse(ErrorCode::DuplicateTransfer,
               tr("A transfer with id %1 is already going on.").arg(requestKeyOf(requestId)), requestId);
        return false;
    }
    if (count() >= Limits::MaxConcurrentTransfers) {
        refuse(ErrorCode::TooManyTransfers,
               tr("Too many transfers at once: at most %1 on one connection.").arg(Limits::MaxConcurrentTransfers),
               requestId);
        return false;
    }
    return true;
}

void TransferEngine::refuse(QLatin1StringView code, const QString &message, const QJsonValue &requestId)
{
    QJsonObject header{{Key::Type, Type::Error}, {Key::Code, code}, {Key::Message, message}};
    if (!requestId.isUndefined() && !requestId.isNull())
        header.insert(Key::Transfer, requestId);
    send(header);
}

void TransferEngine::handleTransferReady(const QJsonObject &header)
{
    const std::optional<quint64> key
        = findKnown(header.value(Key::Transfer), tr("No transfer with id %1 is going on."));
    if (key)
        onReady(*key, m_transfers.at(*key), header);
}

void TransferEngine::handleData(const Frame &frame)
{
    const std::optional<quint64> key
        = findKnown(frame.header.value(Key::Transfer), tr("Data for transfer %1, which is not going on."));
    if (!key)
        return;
    Transfer &transfer = m_transfers.at(*key);
    if (transfer.direction != Direction::Receive
        || (transfer.stage != Stage::Ready && transfer.stage != Stage::Receiving)) {
        fail(*key, Outcome::BadData,
             tr("Data for transfer %1 arrived before \"transfer_ready\" or in the wrong direction.")
                 .arg(requestKeyOf(transfer.request.requestId)));
        return;
    }
    onData(*key, transfer, frame);
}

void TransferEngine::handleTransferDone(const QJsonObject &header)
{
    const std::optional<quint64> key
        = findKnown(header.value(Key::Transfer), tr("No transfer with id %1 is going on."));
    if (key)
        onSenderDone(*key, m_transfers.at(*key), header);
}

void TransferEngine::handleTransferCancel(const QJsonObject &header)
{
    // A cancel may cross the transfer's end (or its error): nothing to answer.
    const std::optional<quint64> key = find(header.value(Key::Transfer));
    if (!key)
        return;
    Transfer &transfer = m_transfers.at(*key);
    // Given up on purpose, not interrupted: nothing is kept to resume.
    if (transfer.incoming)
        transfer.incoming->discard();
    const QString reason = header.value(Key::Message).toString().left(MaxQuotedPeerText);
    end(*key, Outcome::Cancelled,
        reason.isEmpty() ? tr("Cancelled by the client.") : tr("Cancelled by the client: %1").arg(reason));
}

// ---- the client's messages -------------------------------------------------

void TransferEngine::handleClientFrame(MessageType type, const Frame &frame)
{
    const std::optional<qint64> rawId = jsonInteger(frame.header, Key::Transfer);
    const quint64 key = rawId && *rawId > 0 ? quint64(*rawId) : 0;
    Transfer *found = key ? lookup(key) : nullptr;
    if (!found)
        return; // about a transfer this client has given up (data in flight after a cancel)
    Transfer &transfer = *found;
    const QJsonObject &header = frame.header;
    const bool sending = transfer.direction == Direction::Send;

    if (type == MessageType::Error) {
        const QString code = header.value(Key::Code).toString();
        const QString message = header.value(Key::Message).toString().left(MaxQuotedPeerText);
        Outcome outcome = Outcome::Refused;
        if (code == ErrorCode::ChecksumMismatch)
            outcome = Outcome::Mismatch;
        else if (code == ErrorCode::FileExists)
            outcome = Outcome::Exists;
        end(key, outcome, tr("The server refused the transfer: %1").arg(message));
    } else if (sending && type == MessageType::TransferReady && transfer.stage == Stage::Offered) {
        onReady(key, transfer, header);
    } else if (sending && type == MessageType::TransferDone && transfer.stage == Stage::Sent) {
        onSenderDone(key, transfer, header);
    } else if (!sending && type == MessageType::File && transfer.stage == Stage::Offered) {
        onFileOffer(key, transfer, header);
    } else if (!sending && type == MessageType::Data && transfer.incoming) {
        onData(key, transfer, frame);
    } else {
        // Anything else about this transfer is out of place: give it up.
        fail(key, Outcome::BadData,
             tr("The server sent \"%1\" out of place; the transfer was given up.")
                 .arg(header.value(Key::Type).toString().left(64)),
             Cancel::Bare);
    }
}

void TransferEngine::cancel(quint64 key)
{
    Transfer *found = lookup(key);
    if (!found)
        return;
    if (found->stage != Stage::Waiting)
        send({{Key::Type, Type::TransferCancel}, {Key::Transfer, found->request.requestId}});
    // Given up on purpose: nothing is kept to resume.
    if (found->incoming)
        found->incoming->discard();
    end(key, Outcome::Cancelled, tr("Cancelled."));
}

// ---- beginning -------------------------------------------------------------

void TransferEngine::add(quint64 key, Direction direction, Request request)
{
    Transfer &transfer = m_transfers[key];
    transfer.direction = direction;
    transfer.request = std::move(request);
}

bool TransferEngine::openSource(quint64 key)
{
    Transfer &transfer = m_transfers.at(key);
    const QString &path = transfer.request.path;
    auto source = std::make_unique<QFile>(path);
    if (QFileInfo(path).isDir() || !source->open(QIODevice::ReadOnly)) {
        m_error = tr("Cannot read %1: %2")
                      .arg(transfer.request.displayName,
                           source->isOpen() ? tr("it is a directory") : source->errorString());
        m_transfers.erase(key);
        return false;
    }
    transfer.request.size = source->size();
    transfer.source = std::move(source);
    return true;
}

void TransferEngine::begin(quint64 key)
{
    Transfer &transfer = m_transfers.at(key);
    if (transfer.direction == Direction::Send) {
        if (!transfer.source) {
            const Request request = transfer.request;
            if (!openSource(key)) {
                // Forgotten by openSource(): report it as ended all the same.
                Q_EMIT ended({key, request.requestId, Direction::Send, request.path, Outcome::LocalFile, m_error, {}});
                return;
            }
        }
        // The offer carries the MD5: hash the whole file first.
        startHashing(key, transfer.request.path, transfer.request.size, false);
        return;
    }
    if (m_role == Role::Client)
        requestFile(key, transfer);
    else
        acceptOffer(key, transfer);
}

void TransferEngine::beginWaiting()
{
    std::vector<quint64> waiting;
    for (const auto &[key, transfer] : m_transfers)
        if (transfer.stage == Stage::Waiting)
            waiting.push_back(key);
    for (quint64 key : waiting)
        if (contains(key))
            begin(key);
}

bool TransferEngine::isWaiting(quint64 key) const
{
    auto it = m_transfers.find(key);
    return it != m_transfers.end() && it->second.stage == Stage::Waiting;
}

void TransferEngine::endWaiting(quint64 key, Outcome outcome, const QString &message)
{
    if (isWaiting(key))
        end(key, outcome, message);
}

void TransferEngine::requestFile(quint64 key, Transfer &transfer)
{
    const QString &local = transfer.request.path;
    const QFileInfo info(local);
    if (info.isDir()) {
        fail(key, Outcome::LocalFile, tr("%1 is a directory.").arg(local), Cancel::None);
        return;
    }
    if (info.exists() && !transfer.request.overwrite) {
        fail(key, Outcome::Exists, tr("%1 exists and is not replaced unless overwriting is asked for.").arg(local),
             Cancel::None);
        return;
    }
    transfer.stage = Stage::Offered;
    send({{Key::Type, Type::Download},
          {Key::Transfer, transfer.request.requestId},
          {Key::FileName, transfer.request.name}});
}

void TransferEngine::onFileOffer(quint64 key, Transfer &transfer, const QJsonObject &header)
{
    const std::optional<qint64> size = jsonInteger(header, Key::FileSize);
    const std::optional<QByteArray> md5 = FileTransfer::parseMd5(header.value(Key::Md5).toString());
    if (!size || *size < 0 || !md5) {
        fail(key, Outcome::BadData, tr("The server offered the file without a valid size or MD5."), Cancel::Bare);
        return;
    }
    transfer.request.size = *size;
    transfer.request.md5 = *md5;
    acceptOffer(key, transfer);
}

void TransferEngine::acceptOffer(quint64 key, Transfer &transfer)
{
    transfer.incoming
        = std::make_unique<IncomingFile>(transfer.request.path, transfer.request.size, transfer.request.md5);
    const qint64 partial = transfer.incoming->partialSize();
    if (partial > 0) {
        // Resume: tell the sender what is here, once we know its MD5.
        transfer.resumeOffset = partial;
        startHashing(key, transfer.incoming->partialPath(), partial, true);
        return;
    }
    sendReady(transfer);
}

void TransferEngine::sendReady(Transfer &transfer, const QByteArray &partialMd5)
{
    transfer.stage = Stage::Ready;
    if (partialMd5.isEmpty()) {
        transfer.resumeOffset = 0;
        send({{Key::Type, Type::TransferReady}, {Key::Transfer, transfer.request.requestId}, {Key::Offset, 0}});
        return;
    }
    send({{Key::Type, Type::TransferReady},
          {Key::Transfer, transfer.request.requestId},
          {Key::Offset, transfer.resumeOffset},
          {Key::Md5, QString::fromLatin1(partialMd5)}});
}

void TransferEngine::offer(Transfer &transfer)
{
    const Request &request = transfer.request;
    transfer.stage = Stage::Offered;
    QJsonObject header{{Key::Transfer, request.requestId},
                       {Key::FileName, request.name},
                       {Key::FileSize, request.size},
                       {Key::Md5, QString::fromLatin1(request.md5)}};
    if (m_role == Role::Server) {
        header.insert(Key::Type, Type::File);
    } else {
        header.insert(Key::Type, Type::Upload);
        header.insert(Key::Overwrite, request.overwrite);
    }
    send(header);
}

// ---- hashing ---------------------------------------------------------------

void TransferEngine::startHashing(quint64 key, const QString &path, qint64 length, bool keepState)
{
    Transfer &transfer = m_transfers.at(key);
    transfer.hasher = std::make_unique<FileHasher>();
    connect(transfer.hasher.get(), &FileHasher::finished, this, [this, key](bool ok) { onHashed(key, ok); });
    transfer.hasher->start(path, length, keepState);
    // After the offer, a sender hashes only to check the receiver's partial file.
    const bool verifying = transfer.direction == Direction::Send && transfer.stage == Stage::Offered;
    transfer.stage = verifying ? Stage::Verifying : Stage::Hashing;
}

void TransferEngine::onHashed(quint64 key, bool ok)
{
    Transfer *found = lookup(key);
    if (!found)
        return;
    Transfer &transfer = *found;
    // The hasher is emitting this signal: delete it afterwards.
    FileHasher *hasher = transfer.hasher.release();
    hasher->deleteLater();
    if (transfer.direction == Direction::Receive) {
        // The partial file's MD5: the sender checks its own first bytes against it.
        if (!ok) {
            sendReady(transfer);
            return;
        }
        transfer.resumeState = hasher->takeState();
        sendReady(transfer, hasher->md5Hex());
        return;
    }
    const bool verifying = transfer.stage == Stage::Verifying;
    if (!ok && (!verifying || m_role == Role::Server)) {
        fail(key, Outcome::LocalFile, hasher->errorString(), Cancel::None);
        return;
    }
    if (!verifying) {
        // The whole file: offer it.
        transfer.request.md5 = hasher->md5Hex();
        offer(transfer);
        return;
    }
    // Our first bytes against the receiver's partial file: the same, and only
    // the rest is sent.
    const bool same = ok && hasher->md5Hex() == transfer.resumeMd5;
    startSending(key, same ? transfer.resumeOffset : 0);
}

// ---- sending ---------------------------------------------------------------

void TransferEngine::onReady(quint64 key, Transfer &transfer, const QJsonObject &header)
{
    const qint64 size = transfer.request.size;
    if (transfer.direction != Direction::Send || transfer.stage != Stage::Offered) {
        fail(key, Outcome::BadData,
             tr("\"transfer_ready\" was not expected for transfer %1.").arg(requestKeyOf(transfer.request.requestId)));
        return;
    }
    const std::optional<qint64> offset = jsonInteger(header, Key::Offset);
    const bool inRange = offset && *offset >= 0 && *offset <= size;
    if (!inRange && m_role == Role::Server) {
        fail(key, Outcome::BadData,
             tr("\"transfer_ready\" needs an \"offset\" from 0 to the file's %1 bytes.").arg(size));
        return;
    }
    const std::optional<QByteArray> md5 = FileTransfer::parseMd5(header.value(Key::Md5).toString());
    if (inRange && *offset > 0 && md5) {
        // Resume, if the receiver's bytes are ours: hash our first bytes.
        transfer.resumeOffset = *offset;
        transfer.resumeMd5 = *md5;
        startHashing(key, transfer.request.path, *offset, false);
        return;
    }
    startSending(key, 0);
}

void TransferEngine::startSending(quint64 key, qint64 from)
{
    Transfer &transfer = m_transfers.at(key);
    if (!transfer.source->seek(from)) {
        fail(key, Outcome::LocalFile,
             tr("Cannot read %1: %2").arg(transfer.request.displayName, transfer.source->errorString()), Cancel::None);
        return;
    }
    transfer.position = from;
    transfer.stage = Stage::Sending;
    Q_EMIT dataStarted(key, transfer.request.size, from);
    pump();
}

void TransferEngine::pump()
{
    // Reads the files only while the channel has room: a slow peer holds the
    // file on disk, not in memory.
    if (m_pumping || m_transfers.empty())
        return;
    m_pumping = true;
    bool sent = true;
    while (sent && m_channel->canSendData()) {
        sent = false;
        // One chunk of each transfer in turn, so they share the connection.
        std::vector<quint64> sending;
        for (const auto &[key, transfer] : m_transfers)
            if (transfer.stage == Stage::Sending)
                sending.push_back(key);
        for (quint64 key : sending) {
            if (!m_channel->canSendData())
                break;
            if (Transfer *found = lookup(key))
                sent = sendChunk(key, *found) || sent;
        }
    }
    m_pumping = false;
}

bool TransferEngine::sendChunk(quint64 key, Transfer &transfer)
{
    const qint64 size = transfer.request.size;
    const qint64 want = std::min<qint64>(Limits::TransferChunkSize, size - transfer.position);
    QByteArray chunk = transfer.source->read(want);
    if (chunk.size() != want) {
        fail(key, Outcome::LocalFile,
             tr("Cannot read %1: it ended early or could not be read (%2).")
                 .arg(transfer.request.displayName, transfer.source->errorString()));
        return false;
    }
    const qint64 offset = transfer.position;
    flipFaultyByte(chunk, offset);
    transfer.position += chunk.size();
    if (transfer.position == size) {
        transfer.stage = Stage::Sent;
        transfer.source->close();
    }
    const QJsonValue requestId = transfer.request.requestId;
    const qint64 position = transfer.position;
    send({{Key::Type, Type::Data}, {Key::Transfer, requestId}, {Key::Offset, offset}}, chunk);
    Q_EMIT progressed(key, position, size);
    return true;
}

void TransferEngine::onSenderDone(quint64 key, Transfer &transfer, const QJsonObject &header)
{
    if (transfer.direction != Direction::Send || transfer.stage != Stage::Sent) {
        fail(key, Outcome::BadData,
             tr("\"transfer_done\" for transfer %1 before all of it was sent.")
                 .arg(requestKeyOf(transfer.request.requestId)));
        return;
    }
    if (m_role == Role::Server) {
        end(key, Outcome::Done, {});
        return;
    }
    const QByteArray &expected = transfer.request.md5;
    const std::optional<QByteArray> md5 = FileTransfer::parseMd5(header.value(Key::Md5).toString());
    if (!md5 || *md5 != expected) {
        fail(key, Outcome::Mismatch,
             tr("The server reports MD5 %1 for the file, not %2.")
                 .arg(QString::fromLatin1(md5.value_or(QByteArray())), QString::fromLatin1(expected)),
             Cancel::None);
        return;
    }
    end(key, Outcome::Done, {}, *md5);
}

void TransferEngine::flipFaultyByte(QByteArray &data, qint64 fileOffset)
{
    if (m_faultOffset >= fileOffset && m_faultOffset < fileOffset + data.size()) {
        const qsizetype at = qsizetype(m_faultOffset - fileOffset);
        data[at] = char(data.at(at) ^ 0x01);
        m_faultOffset = -1;
    }
}

// ---- receiving -------------------------------------------------------------

void TransferEngine::onData(quint64 key, Transfer &transfer, const Frame &frame)
{
    const bool server = m_role == Role::Server;
    const QString requestKey = requestKeyOf(transfer.request.requestId);
    if (frame.payload.size() > Limits::TransferChunkSize) {
        fail(key, Outcome::BadData,
             server ? tr("A data message carries at most %1 bytes, not %2.")
                          .arg(Limits::TransferChunkSize)
                          .arg(frame.payload.size())
                    : tr("The server sent a data message larger than %1 bytes.").arg(Limits::TransferChunkSize));
        return;
    }
    IncomingFile &incoming = *transfer.incoming;
    const std::optional<qint64> offset = jsonInteger(frame.header, Key::Offset);
    if (transfer.stage != Stage::Receiving) {
        if (!startReceiving(key, transfer, offset))
            return;
    } else if (offset != incoming.position()) {
        fail(
            key, Outcome::BadData,
            server
                ? tr("Data of transfer %1 out of order: byte %2 was expected.").arg(requestKey).arg(incoming.position())
                : tr("The server's data came out of order."),
            Cancel::WithMessage, server);
        return;
    }
    QByteArray data = frame.payload;
    flipFaultyByte(data, incoming.position());
    if (!incoming.write(data)) {
        const Outcome outcome = outcomeOf(incoming.errorKind());
        fail(key, outcome, incoming.errorString(), Cancel::WithMessage, server && outcome == Outcome::BadData);
        return;
    }
    Q_EMIT progressed(key, incoming.position(), transfer.request.size);
    // A slot may have cancelled it.
    if (contains(key) && incoming.isComplete())
        finishReceiving(key, transfer);
}

bool TransferEngine::startReceiving(quint64 key, Transfer &transfer, std::optional<qint64> offset)
{
    // The first data message says where the sender starts: at 0, or at the
    // offset we offered (it agreed that our bytes are its).
    const bool fromStart = offset == 0;
    const bool resumed = transfer.resumeOffset > 0 && offset == transfer.resumeOffset;
    if (!fromStart && !resumed) {
        fail(key, Outcome::BadData,
             m_role == Role::Server ? tr("The first data message of transfer %1 must start at 0 or at %2.")
                                          .arg(requestKeyOf(transfer.request.requestId))
                                          .arg(transfer.resumeOffset)
                                    : tr("The server's data did not start at 0 or at %1.").arg(transfer.resumeOffset));
        return false;
    }
    IncomingFile &incoming = *transfer.incoming;
    if (!incoming.open(*offset, fromStart ? nullptr : std::move(transfer.resumeState))) {
        fail(key, Outcome::LocalFile, incoming.errorString());
        return false;
    }
    transfer.resumeState.reset();
    transfer.stage = Stage::Receiving;
    Q_EMIT dataStarted(key, transfer.request.size, *offset);
    return contains(key);
}

void TransferEngine::finishReceiving(quint64 key, Transfer &transfer)
{
    IncomingFile &incoming = *transfer.incoming;
    if (!incoming.commit(transfer.request.overwrite)) {
        fail(key, outcomeOf(incoming.errorKind()), incoming.errorString());
        return;
    }
    const QByteArray md5 = incoming.actualMd5();
    QJsonObject header{{Key::Type, Type::TransferDone},
                       {Key::Transfer, transfer.request.requestId},
                       {Key::Md5, QString::fromLatin1(md5)}};
    if (m_role == Role::Server) {
        header.insert(Key::FileName, transfer.request.name);
        header.insert(Key::FileSize, transfer.request.size);
    }
    send(header);
    end(key, Outcome::Done, {}, md5);
}

// ---- ending ----------------------------------------------------------------

void TransferEngine::fail(quint64 key, Outcome outcome, const QString &message, Cancel cancel, bool discard)
{
    Transfer *found = lookup(key);
    if (!found)
        return;
    if (discard && found->incoming)
        found->incoming->discard();
    if (m_role == Role::Server)
        refuse(errorCodeFor(outcome), message, found->request.requestId);
    else if (cancel == Cancel::Bare)
        send({{Key::Type, Type::TransferCancel}, {Key::Transfer, found->request.requestId}});
    else if (cancel == Cancel::WithMessage)
        send({{Key::Type, Type::TransferCancel}, {Key::Transfer, found->request.requestId}, {Key::Message, message}});
    end(key, outcome, message);
}

void TransferEngine::end(quint64 key, Outcome outcome, const QString &message, const QByteArray &md5)
{
    auto it = m_transfers.find(key);
    if (it == m_transfers.end())
        return;
    Transfer transfer = std::move(it->second);
    m_transfers.erase(it);
    if (transfer.incoming)
        transfer.incoming->close(); // an interrupted file stays for a resume
    if (transfer.hasher)
        transfer.hasher.release()->deleteLater(); // it may be the one emitting
    Q_EMIT ended({key, transfer.request.requestId, transfer.direction, transfer.request.path, outcome, message, md5});
}

void TransferEngine::endAll(Outcome outcome, const QString &message, bool keepWaiting)
{
    std::vector<quint64> keys;
    for (const auto &[key, transfer] : m_transfers)
        if (!keepWaiting || transfer.stage != Stage::Waiting)
            keys.push_back(key);
    for (quint64 key : keys)
        end(key, outcome, message);
}

} // namespace Tincan
