// One engine for the console's file transfers (docs/PROTOCOL.md §4.4), used
// by both ends: the server (receiving uploads, sending downloads) and the
// client (sending uploads, receiving downloads). It keeps every transfer of
// one connection, answers their messages and streams their data; it never
// touches a socket, only the TransferChannel its owner gives it.
#pragma once

#include "net/transfer/filetransfer.h"
#include "net/wire/frame.h"
#include "net/wire/messagetype.h"

#include <QByteArrayView>
#include <QCoreApplication>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QString>

#include <map>
#include <memory>
#include <optional>

namespace Tincan {

// What the engine needs of the connection it rides on.
class TransferChannel
{
public:
    // Hands one message to the connection (a no-op once it is gone).
    virtual void sendTransferFrame(const QJsonObject &header, QByteArrayView payload = {}) = 0;
    // Flow control: whether one more data message may be handed over now.
    // When the connection has drained, the owner calls TransferEngine::pump().
    virtual bool canSendData() const = 0;

protected:
    ~TransferChannel() = default;
};

class TransferEngine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferEngine)

public:
    // Which end of the connection the engine serves: the protocol gives the
    // two different messages (the server offers with "file" and reports errors
    // with "error"; the client offers with "upload" and gives up with
    // "transfer_cancel").
    enum class Role {
        Server,
        Client,
    };
    enum class Direction {
        Send,    // server: a download; client: an upload
        Receive, // server: an upload; client: a download
    };
    // How a transfer ended.
    enum class Outcome {
        Done,       // the receiver checked size and MD5, the file is in place
        BadData,    // the peer's messages were out of place, order or size
        Refused,    // client: the server refused it with an error
        LocalFile,  // our file could not be read or written
        Mismatch,   // all bytes arrived, but not with the offered MD5
        Exists,     // the target exists and may not be replaced
        Connection, // the connection ended first (a partial file stays for a resume)
        Cancelled,  // given up on purpose (the partial file is removed)
    };

    // What the owner knows of a transfer before it begins.
    struct Request
    {
        QJsonValue requestId; // the "transfer" of every message about it
        QString name;         // "filename" on the wire
        QString path;         // the local file: read (sending) or the target (receiving)
        QString displayName;  // how our messages name the local file
        qint64 size = 0;      // receiving on the server: as offered
        QByteArray md5;       // receiving on the server: as offered
        bool overwrite = false;
    };

    struct Ending
    {
        quint64 key = 0;
        QJsonValue requestId;
        Direction direction = Direction::Send;
        QString path;
        Outcome outcome = Outcome::Done;
        QString message; // why it failed, when it did
        QByteArray md5;  // with Done: the MD5 the receiver checked
        bool ok() const { return outcome == Outcome::Done; }
    };

    TransferEngine(Role role, TransferChannel *channel, QObject *parent = nullptr);
    ~TransferEngine() override;

    Role role() const { return m_role; }
    int count() const { return int(m_transfers.size()); }
    bool contains(quint64 key) const { return m_transfers.contains(key); }
    std::optional<quint64> find(const QJsonValue &requestId) const;
    // The file's size: known once its source is open (sending) or offered (receiving).
    qint64 fileSize(quint64 key) const;

    // Server: checks a new transfer's id, that it is not going on already and
    // the per-connection cap; false after answering with the error.
    bool acceptNew(const QJsonValue &requestId);
    // Server: answers a request with an error about its transfer.
    void refuse(QLatin1StringView code, const QString &message, const QJsonValue &requestId);

    // Keeps a transfer under the owner's `key`; it waits for begin().
    void add(quint64 key, Direction direction, Request request);
    // Sending: opens the file. False, with errorString(), when it cannot be
    // read; the transfer is then forgotten without a word. begin() opens it
    // when this was not called.
    bool openSource(quint64 key);
    // Starts it. Sending: hashes the file, then offers it. Receiving: the
    // client asks for the file; the server answers the offer it was added with.
    void begin(quint64 key);
    // Client: begins every transfer still waiting (the connection is ready).
    void beginWaiting();
    bool isWaiting(quint64 key) const;
    // Client: ends a transfer that never began (nothing was said about it).
    void endWaiting(quint64 key, Outcome outcome, const QString &message);

    // Server: the client's messages about its transfers.
    void handleTransferReady(const QJsonObject &header);
    void handleData(const Frame &frame);
    void handleTransferDone(const QJsonObject &header);
    void handleTransferCancel(const QJsonObject &header);
    // Client: every message of the server that names a transfer. One about a
    // transfer we gave up (data in flight after a cancel) is ignored.
    void handleClientFrame(Console::MessageType type, const Frame &frame);

    // Client: gives the transfer up (the server is told; the partial file goes).
    void cancel(quint64 key);
    // The connection drained: sends what flow control allows.
    void pump();
    // Ends every transfer (waiting ones too unless `keepWaiting`).
    void endAll(Outcome outcome, const QString &message, bool keepWaiting = false);

    // Test seam: flips one byte, at this offset of the file, in the next
    // transfer's data as it is sent or received. -1: off.
    void setFaultForTesting(qint64 fileOffset) { m_faultOffset = fileOffset; }
    QString errorString() const { return m_error; }

Q_SIGNALS:
    // The data begins to flow: from `from` (0 unless resumed) to `fileSize`.
    void dataStarted(quint64 key, qint64 fileSize, qint64 from);
    // Bytes of the file sent (handed to the channel) or received.
    void progressed(quint64 key, qint64 bytesDone, qint64 fileSize);
    // The transfer is over and forgotten.
    void ended(const Tincan::TransferEngine::Ending &ending);

private:
    enum class Stage {
        Waiting,   // added, not begun
        Hashing,   // sending: the whole file, for the offer; receiving: the partial file
        Offered,   // sending: offer sent; receiving (client): request sent, offer awaited
        Ready,     // receiving: transfer_ready sent, data awaited
        Verifying, // sending: hashing our first bytes against the receiver's partial file
        Sending,   // sending: data going out as the channel drains
        Sent,      // sending: all sent, transfer_done awaited
        Receiving, // receiving: data arriving
    };
    // Whether a failing client tells the server ("transfer_cancel").
    enum class Cancel {
        None,
        Bare,
        WithMessage,
    };
    struct Transfer
    {
        Direction direction = Direction::Send;
        Stage stage = Stage::Waiting;
        Request request;
        qint64 resumeOffset = 0;
        QByteArray resumeMd5;                            // sending: the receiver's partial file's MD5
        std::unique_ptr<QCryptographicHash> resumeState; // receiving: MD5 of our partial file so far
        std::unique_ptr<IncomingFile> incoming;          // receiving
        std::unique_ptr<QFile> source;                   // sending
        qint64 position = 0;                             // sending: next byte to send
        std::unique_ptr<FileHasher> hasher;
    };

    Transfer *lookup(quint64 key);
    std::optional<quint64> findKnown(const QJsonValue &requestId, const QString &unknownMessage);
    void send(const QJsonObject &header, QByteArrayView payload = {}) { m_channel->sendTransferFrame(header, payload); }
    void startHashing(quint64 key, const QString &path, qint64 length, bool keepState);
    void onHashed(quint64 key, bool ok);
    void offer(Transfer &transfer);
    void requestFile(quint64 key, Transfer &transfer);
    void acceptOffer(quint64 key, Transfer &transfer);
    void sendReady(Transfer &transfer, const QByteArray &partialMd5 = {});
    void onReady(quint64 key, Transfer &transfer, const QJsonObject &header);
    void onFileOffer(quint64 key, Transfer &transfer, const QJsonObject &header);
    void onSenderDone(quint64 key, Transfer &transfer, const QJsonObject &header);
    void onData(quint64 key, Transfer &transfer, const Frame &frame);
    bool startReceiving(quint64 key, Transfer &transfer, std::optional<qint64> offset);
    void finishReceiving(quint64 key, Transfer &transfer);
    void startSending(quint64 key, qint64 from);
    bool sendChunk(quint64 key, Transfer &transfer);
    void flipFaultyByte(QByteArray &data, qint64 fileOffset);
    void fail(quint64 key, Outcome outcome, const QString &message, Cancel cancel = Cancel::WithMessage,
              bool discard = false);
    void end(quint64 key, Outcome outcome, const QString &message, const QByteArray &md5 = {});

    const Role m_role;
    TransferChannel *m_channel;
    std::map<quint64, Transfer> m_transfers; // by the owner's key, in start order
    qint64 m_faultOffset = -1;
    bool m_pumping = false; // in pump()
    QString m_error;
};

} // namespace Tincan
