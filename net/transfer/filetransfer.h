// The parts of a console file transfer (docs/PROTOCOL.md §4.4) that both
// ends share and that touch no socket: hashing a file without blocking the
// event loop, the receiver's temporary file (resume, MD5 check, rename into
// place), and the server's rules for which paths a transfer may name.
#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QLatin1StringView>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

namespace Tincan {

namespace FileTransfer {
// An MD5 on the wire: 32 hex digits (lower case is written; either is read).
inline constexpr qsizetype Md5HexLength = 32;
// The receiver's temporary file sits beside the target, named after it and
// the MD5 of the file it will become: a partial file is only resumed by a
// transfer of the same file.
inline constexpr QLatin1StringView PartialSuffix{".tincan-part"};

// The MD5 as the wire carries it (lower case), or nullopt when `value` is not
// 32 hex digits.
std::optional<QByteArray> parseMd5(const QString &value);
QString partialPathFor(const QString &target, const QByteArray &md5Hex);
} // namespace FileTransfer

// Hashes the first bytes of a file in slices, one per event-loop turn, so a
// server hashing a large file goes on serving everyone else meanwhile.
class FileHasher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileHasher)

public:
    // Bytes read and hashed per event-loop turn (a few milliseconds of MD5).
    static constexpr qint64 SliceSize = 2 * 1024 * 1024;

    explicit FileHasher(QObject *parent = nullptr);
    ~FileHasher() override;

    // Hashes the first `length` bytes of `path`. finished() always follows,
    // from the event loop (never from within start()). With `keepState`, a
    // second, unfinished hash of the same bytes can be taken to go on with.
    void start(const QString &path, qint64 length, bool keepState = false);

    QByteArray md5Hex() const { return m_md5Hex; }
    // With keepState: the hash of the bytes so far, ready for more.
    std::unique_ptr<QCryptographicHash> takeState() { return std::move(m_state); }
    QString errorString() const { return m_error; }

Q_SIGNALS:
    void finished(bool ok);

private:
    void step();

    QFile m_file;
    qint64 m_remaining = 0;
    QCryptographicHash m_hash{QCryptographicHash::Md5};
    std::unique_ptr<QCryptographicHash> m_state;
    QByteArray m_md5Hex;
    QString m_error;
};

// The receiving end's file: written into a temporary file beside the target,
// checked (size and MD5) and only then renamed into place. A mismatch removes
// the temporary file; an interruption keeps it, so that a later transfer of
// the same file resumes from it.
class IncomingFile final
{
    Q_DECLARE_TR_FUNCTIONS(IncomingFile)
    Q_DISABLE_COPY_MOVE(IncomingFile)

public:
    enum class Error {
        None,
        Io,       // the temporary file could not be written, or the rename failed
        TooMuch,  // more bytes than announced
        Mismatch, // all bytes arrived, but their MD5 is not the offered one
        Exists,   // the target appeared meanwhile and may not be replaced
    };

    IncomingFile(const QString &target, qint64 size, const QByteArray &md5Hex);
    ~IncomingFile();

    QString target() const { return m_target; }
    QString partialPath() const { return m_partialPath; }
    qint64 size() const { return m_size; }
    QByteArray expectedMd5() const { return m_md5Hex; }

    // Length of a temporary file left by an earlier transfer of this file, or
    // 0. One longer than the file cannot be ours, and is removed.
    qint64 partialSize();
    // Starts writing: from 0 (any temporary file is emptied) or, resuming, at
    // `offset` == partialSize(), with `state` the MD5 of those bytes so far.
    bool open(qint64 offset, std::unique_ptr<QCryptographicHash> state = {});
    bool isOpen() const { return m_file.isOpen(); }
    // Appends the next bytes. False (errorKind() says why) when they are more
    // than announced or cannot be written.
    bool write(QByteArrayView data);
    qint64 position() const { return m_position; }
    bool isComplete() const { return m_file.isOpen() && m_position == m_size; }
    // All bytes are there: checks their MD5 and renames the temporary file
    // onto the target (replacing it only with `overwrite`). On a mismatch the
    // temporary file is removed. Returns false with errorKind() and errorString().
    bool commit(bool overwrite);
    // The MD5 of what was received, once commit() ran.
    QByteArray actualMd5() const { return m_actualMd5; }
    // Interrupted: closes, keeping the temporary file for a resume.
    void close();
    // Given up: closes and removes the temporary file.
    void discard();

    Error errorKind() const { return m_errorKind; }
    QString errorString() const { return m_error; }

private:
    bool fail(Error kind, const QString &message);

    QString m_target;
    QString m_partialPath;
    qint64 m_size;
    QByteArray m_md5Hex;
    QFile m_file;
    qint64 m_position = 0;
    std::unique_ptr<QCryptographicHash> m_hash;
    QByteArray m_actualMd5;
    Error m_errorKind = Error::None;
    QString m_error;
};

// Which path a transfer may name, on the server: relative to the session's
// working directory and inside it (after following links), unless the server
// allows any path.
class TransferPath final
{
    Q_DECLARE_TR_FUNCTIONS(TransferPath)

public:
    enum class Use {
        Read,  // download: an existing regular file
        Write, // upload: a file in an existing directory
    };

    struct Result
    {
        QString path;           // absolute and clean, when allowed
        QLatin1StringView code; // the error code of docs/PROTOCOL.md, when refused
        QString message;
        bool ok() const { return code.isEmpty(); }
    };

    static Result resolve(const QString &workingDirectory, const QString &name, Use use, bool allowAnyPath,
                          bool overwrite = false);
};

} // namespace Tincan
