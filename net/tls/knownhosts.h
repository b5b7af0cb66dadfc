// The client's pins of console servers, like ssh's known_hosts: one line per
// server, `host:port fingerprint`, IPv6 addresses in brackets:
//
//     # comment
//     example.org:8082 SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU
//     [fe80::1%eth0]:8082 SHA256:...   # a comment after the entry
//
// KnownHostsList is the pure content (parse, look up, change, serialise) and is
// tested without files; KnownHosts reads and writes the file. See docs/SECURITY.md.
#pragma once

#include "net/tls/tlsfingerprint.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringView>

#include <chrono>
#include <optional>

namespace Tincan {

class KnownHostsList final
{
    Q_DECLARE_TR_FUNCTIONS(KnownHostsList)

public:
    // A longer line is not an entry (an entry is under 300 bytes).
    static constexpr qsizetype MaxLineLength = 4096;
    // A DNS name has at most 253 characters; an IPv6 address with a scope id fits too.
    static constexpr qsizetype MaxHostLength = 253;

    enum class Status {
        Unknown,  // no entry for host:port
        Match,    // the entry has this fingerprint
        Mismatch, // the entry has another fingerprint: `expected`
    };

    struct Lookup
    {
        Status status = Status::Unknown;
        TlsFingerprint expected; // the pinned fingerprint, for Match and Mismatch
        int line = 0;            // its line number (1-based), for messages
    };

    // A line that is neither an entry, a comment nor blank, or a repeated
    // entry: it is ignored, and kept as it is when the file is rewritten.
    struct Problem
    {
        int line = 0; // 1-based
        QString reason;
    };

    KnownHostsList() = default;

    // Never fails: what is not understood is kept and reported in problems().
    static KnownHostsList parse(QByteArrayView content);
    // The content to write: the lines read, with changed entries rewritten,
    // removed ones dropped and new ones appended; '\n' after every line.
    QByteArray serialize() const;

    // The first entry for host:port decides; later ones are problems.
    Lookup lookup(QStringView host, quint16 port, const TlsFingerprint &fingerprint) const;
    std::optional<TlsFingerprint> pinned(QStringView host, quint16 port) const;

    // Pins `fingerprint` for host:port, replacing the entry in its place (and
    // dropping repeats of it) or appending one. False, with errorString(), for
    // an invalid host, port 0 or a null fingerprint.
    bool remember(QStringView host, quint16 port, const TlsFingerprint &fingerprint);
    // Removes every entry for host:port; returns how many there were.
    int forget(QStringView host, quint16 port);

    qsizetype entryCount() const;
    QList<Problem> problems() const;
    QString errorString() const { return m_error; }

    // The form a host takes in the file: an IP address as QHostAddress writes it
    // ("::1", "127.0.0.1"; brackets around the argument are allowed), a name in
    // lower-case ASCII (IDNA for international names) without a trailing dot.
    // nullopt for anything else (empty, spaces, '#', too long).
    static std::optional<QString> normalizeHost(QStringView host);
    // "host:port", with the host in brackets when it holds a ':' (IPv6).
    static std::optional<QString> hostKey(QStringView host, quint16 port);

private:
    struct Line
    {
        QByteArray text; // as read (or as written for a changed entry), without '\n'
        QString key;     // the entry's host key; empty for comments, blanks and junk
        TlsFingerprint fingerprint;
        QString problem; // why the line is ignored, if it is
    };

    static Line parseLine(QByteArray text);
    static QByteArray entryText(const QString &key, const TlsFingerprint &fingerprint);
    qsizetype findEntry(const QString &key) const;

    QList<Line> m_lines;
    QString m_error;
};

// The known-hosts file. Every change re-reads the file under a lock file
// (`path.lock`), applies itself and writes the file back atomically (QSaveFile)
// with mode 0600, so two clients pinning at once lose neither pin.
class KnownHosts final
{
    Q_DECLARE_TR_FUNCTIONS(KnownHosts)

public:
    // A larger file is refused rather than read: it is not a list of servers.
    static constexpr qint64 MaxFileSize = 1024 * 1024;
    // How long a change waits for another process's lock.
    static constexpr std::chrono::milliseconds LockTimeout{5000};

    explicit KnownHosts(QString filePath);

    QString filePath() const { return m_path; }

    // Reads the file; a file that does not exist is an empty list. False, with
    // errorString(), for a file that cannot be read, is not a regular file, is
    // larger than MaxFileSize, belongs to another user or can be written by
    // other users (its pins could have been changed by them: it is not fixed
    // silently, the message says how to check and fix it).
    bool load();

    const KnownHostsList &list() const { return m_list; }
    KnownHostsList::Lookup lookup(QStringView host, quint16 port, const TlsFingerprint &fingerprint) const
    {
        return m_list.lookup(host, port, fingerprint);
    }
    QList<KnownHostsList::Problem> problems() const { return m_list.problems(); }

    // Re-reads the file, pins the fingerprint, writes it back (creating the
    // file, and its directory, when missing).
    bool remember(QStringView host, quint16 port, const TlsFingerprint &fingerprint);
    // Re-reads the file, removes host:port, writes it back if it changed.
    bool forget(QStringView host, quint16 port);

    QString errorString() const { return m_error; }

private:
    bool read(KnownHostsList *list);
    bool write(const KnownHostsList &list);
    bool fail(const QString &reason);

    QString m_path;
    KnownHostsList m_list;
    QString m_error;
};

} // namespace Tincan
