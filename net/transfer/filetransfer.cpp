#include "net/transfer/filetransfer.h"

#include "net/wire/consoleprotocol.h"

#include <QDir>
#include <QFileInfo>
#include <QTimer>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>

namespace Tincan {

using namespace Console;

// ---- FileTransfer ------------------------------------------------------------

std::optional<QByteArray> FileTransfer::parseMd5(const QString &value)
{
    if (value.size() != Md5HexLength)
        return std::nullopt;
    for (QChar c : value) {
        const char16_t u = c.unicode();
        if (!((u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f') || (u >= u'A' && u <= u'F')))
            return std::nullopt;
    }
    return value.toLower().toLatin1();
}

QString FileTransfer::partialPathFor(const QString &target, const QByteArray &md5Hex)
{
    const QFileInfo info(target);
    return info.absolutePath() + u"/." + info.fileName() + u'.' + QString::fromLatin1(md5Hex) + PartialSuffix;
}

// ---- FileHasher --------------------------------------------------------------

FileHasher::FileHasher(QObject *parent)
    : QObject(parent)
{
}

FileHasher::~FileHasher() = default;

void FileHasher::start(const QString &path, qint64 length, bool keepState)
{
    m_hash.reset();
    m_md5Hex.clear();
    m_error.clear();
    m_remaining = length;
    m_state = keepState ? std::make_unique<QCryptographicHash>(QCryptographicHash::Md5) : nullptr;
    m_file.close();
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::ReadOnly))
        m_error = tr("Cannot read %1: %2").arg(path, m_file.errorString());
    QMetaObject::invokeMethod(this, &FileHasher::step, Qt::QueuedConnection);
}

void FileHasher::step()
{
    if (!m_error.isEmpty()) {
        Q_EMIT finished(false);
        return;
    }
    QByteArray slice = m_file.read(std::min(m_remaining, SliceSize));
    if (slice.isEmpty() && m_remaining > 0) {
        // Shorter than expected: the file changed while being hashed.
        m_error = tr("Cannot read %1: it ended early (was it changed?).").arg(m_file.fileName());
        m_file.close();
        Q_EMIT finished(false);
        return;
    }
    m_hash.addData(slice);
    if (m_state)
        m_state->addData(slice);
    m_remaining -= slice.size();
    if (m_remaining > 0) {
        QMetaObject::invokeMethod(this, &FileHasher::step, Qt::QueuedConnection);
        return;
    }
    m_file.close();
    m_md5Hex = m_hash.result().toHex();
    Q_EMIT finished(true);
}

// ---- IncomingFile ------------------------------------------------------------

IncomingFile::IncomingFile(const QString &target, qint64 size, const QByteArray &md5Hex)
    : m_target(target)
    , m_partialPath(FileTransfer::partialPathFor(target, md5Hex))
    , m_size(size)
    , m_md5Hex(md5Hex)
{
}

IncomingFile::~IncomingFile()
{
    close();
}

qint64 IncomingFile::partialSize()
{
    const QFileInfo info(m_partialPath);
    if (!info.exists() || !info.isFile() || info.isSymLink())
        return 0;
    if (info.size() > m_size) {
        QFile::remove(m_partialPath);
        return 0;
    }
    return info.size();
}

bool IncomingFile::open(qint64 offset, std::unique_ptr<QCryptographicHash> state)
{
    m_file.close();
    m_file.setFileName(m_partialPath);
    m_position = offset;
    // A link planted at the temporary name must not redirect the write.
    if (QFileInfo(m_partialPath).isSymLink())
        QFile::remove(m_partialPath);
    const QIODevice::OpenMode mode
        = offset == 0 ? (QIODevice::WriteOnly | QIODevice::Truncate) : (QIODevice::WriteOnly | QIODevice::Append);
    if (!m_file.open(mode))
        return fail(Error::Io, tr("Cannot write %1: %2").arg(m_partialPath, m_file.errorString()));
    if (offset > 0 && m_file.size() != offset) {
        m_file.close();
        return fail(Error::Io, tr("The temporary file %1 changed while it was checked.").arg(m_partialPath));
    }
    m_hash = offset > 0 && state ? std::move(state) : std::make_unique<QCryptographicHash>(QCryptographicHash::Md5);
    if (offset == 0)
        m_hash->reset();
    return true;
}

bool IncomingFile::write(QByteArrayView data)
{
    if (!m_file.isOpen())
        return fail(Error::Io, tr("The temporary file is not open."));
    if (data.size() > m_size - m_position)
        return fail(Error::TooMuch, tr("More bytes arrived than the %1 announced.").arg(m_size));
    if (m_file.write(data.data(), data.size()) != data.size())
        return fail(Error::Io, tr("Cannot write %1: %2").arg(m_partialPath, m_file.errorString()));
    m_hash->addData(data);
    m_position += data.size();
    return true;
}

bool IncomingFile::commit(bool overwrite)
{
    if (!isComplete())
        return fail(Error::Io, tr("The file is not complete."));
    if (!m_file.flush()) {
        m_file.close();
        return fail(Error::Io, tr("Cannot write %1: %2").arg(m_partialPath, m_file.errorString()));
    }
    m_file.close();
    m_actualMd5 = m_hash->result().toHex();
    if (m_actualMd5 != m_md5Hex) {
        QFile::remove(m_partialPath);
        return fail(Error::Mismatch,
                    tr("The received bytes have MD5 %1, not the offered %2; the file was not kept.")
                        .arg(QString::fromLatin1(m_actualMd5), QString::fromLatin1(m_md5Hex)));
    }
    const QByteArray from = QFile::encodeName(m_partialPath);
    const QByteArray to = QFile::encodeName(m_target);
    // rename() replaces the target in one step; without overwrite the kernel
    // refuses if the target appeared since the offer was checked.
    const int rc = overwrite ? std::rename(from.constData(), to.constData())
                             : ::renameat2(AT_FDCWD, from.constData(), AT_FDCWD, to.constData(), RENAME_NOREPLACE);
    if (rc != 0) {
        const int error = errno;
        if (error == EEXIST)
            return fail(Error::Exists,
                        tr("%1 appeared meanwhile and is not replaced; the received file is kept as %2.")
                            .arg(m_target, m_partialPath));
        return fail(Error::Io,
                    tr("Cannot rename %1 to %2: %3")
                        .arg(m_partialPath, m_target, QString::fromLocal8Bit(std::strerror(error))));
    }
    return true;
}

void IncomingFile::close()
{
    if (m_file.isOpen()) {
        m_file.flush();
        m_file.close();
    }
}

void IncomingFile::discard()
{
    close();
    QFile::remove(m_partialPath);
}

bool IncomingFile::fail(Error kind, const QString &message)
{
    m_errorKind = kind;
    m_error = message;
    return false;
}

// ---- TransferPath ------------------------------------------------------------

namespace {
bool isWithin(const QString &root, const QString &path, bool allowRoot)
{
    if (path == root)
        return allowRoot;
    if (root == u"/")
        return path.startsWith(u'/');
    return path.startsWith(root + u'/');
}

bool isRegularFile(const QString &path)
{
    struct stat info = {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 && S_ISREG(info.st_mode);
}
} // namespace

TransferPath::Result TransferPath::resolve(const QString &workingDirectory, const QString &name, Use use,
                                           bool allowAnyPath, bool overwrite)
{
    const auto refuse = [](QLatin1StringView code, const QString &message) { return Result{{}, code, message}; };
    if (name.isEmpty() || name.toUtf8().size() > Limits::MaxTransferPathSize || name.contains(QChar(0)))
        return refuse(ErrorCode::BadRequest,
                      tr("A file name must be 1 to %1 bytes without NUL characters.").arg(Limits::MaxTransferPathSize));
    const bool absolute = QDir::isAbsolutePath(name);
    if (absolute && !allowAnyPath)
        return refuse(
            ErrorCode::PathRefused,
            tr("%1 is an absolute path; this server allows only paths inside the session's directory.").arg(name));
    const QString path = QDir::cleanPath(absolute ? name : workingDirectory + u'/' + name);
    if (!allowAnyPath && !isWithin(workingDirectory, path, false))
        return refuse(ErrorCode::PathRefused,
                      tr("%1 leads out of the session's directory %2; this server does not allow that.")
                          .arg(name, workingDirectory));
    const QFileInfo info(path);
    if (info.fileName().isEmpty() || path == u"/")
        return refuse(ErrorCode::NotAFile, tr("%1 names a directory, not a file.").arg(name));

    // Links are followed: the real place must be inside the real session directory.
    const QString realRoot = QFileInfo(workingDirectory).canonicalFilePath();
    const QString realParent = QFileInfo(info.absolutePath()).canonicalFilePath();
    if (realParent.isEmpty())
        return refuse(ErrorCode::NotFound, tr("The directory of %1 does not exist.").arg(name));
    if (!allowAnyPath && (realRoot.isEmpty() || !isWithin(realRoot, realParent, true)))
        return refuse(ErrorCode::PathRefused,
                      tr("%1 leads out of the session's directory through a symbolic link; this server does not allow "
                         "that.")
                          .arg(name));
    const bool exists = info.exists() || info.isSymLink();
    if (exists && info.isSymLink() && !allowAnyPath) {
        const QString linkTarget
            = info.canonicalFilePath().isEmpty() ? QDir::cleanPath(info.symLinkTarget()) : info.canonicalFilePath();
        if (!isWithin(realRoot, linkTarget, false))
            return refuse(ErrorCode::PathRefused,
                          tr("%1 is a symbolic link to %2, outside the session's directory; this server does not allow "
                             "that.")
                              .arg(name, linkTarget));
    }

    if (use == Use::Read) {
        if (!info.exists())
            return refuse(ErrorCode::NotFound, tr("%1 does not exist.").arg(name));
        if (!isRegularFile(path))
            return refuse(ErrorCode::NotAFile, tr("%1 is not a regular file.").arg(name));
        return Result{path, {}, {}};
    }
    if (info.exists() && info.isDir())
        return refuse(ErrorCode::NotAFile, tr("%1 is a directory.").arg(name));
    if (exists && !overwrite)
        return refuse(ErrorCode::FileExists,
                      tr("%1 exists and is not replaced unless overwriting is asked for.").arg(name));
    if (info.exists() && !isRegularFile(path))
        return refuse(ErrorCode::NotAFile, tr("%1 is not a regular file.").arg(name));
    return Result{path, {}, {}};
}

} // namespace Tincan
