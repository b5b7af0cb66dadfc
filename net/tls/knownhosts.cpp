#include "net/tls/knownhosts.h"

#include "net/base/privatefiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QHostAddress>
#include <QLockFile>
#include <QSaveFile>
#include <QStringDecoder>
#include <QUrl>

#include <algorithm>
#include <utility>

namespace Tincan {

using namespace PrivateFiles;

namespace {

constexpr int MaxPortDigits = 5;
constexpr uint MaxPort = 65535;

// Characters of a host name once it is in ASCII (IDNA) form. '_' is not valid
// in DNS host names but is common in local ones, and harmless here.
bool isHostNameChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

// A decimal port, 1 to 65535, digits only (QString::toUShort would also take
// a sign or spaces).
std::optional<quint16> parsePort(QStringView text)
{
    if (text.isEmpty() || text.size() > MaxPortDigits)
        return std::nullopt;
    uint port = 0;
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        port = port * 10 + uint(c.unicode() - u'0');
    }
    if (port == 0 || port > MaxPort)
        return std::nullopt;
    return quint16(port);
}

} // namespace

// ---- KnownHostsList --------------------------------------------------------

std::optional<QString> KnownHostsList::normalizeHost(QStringView host)
{
    host = host.trimmed();
    if (host.size() >= 2 && host.front() == u'[' && host.back() == u']')
        host = host.mid(1, host.size() - 2);
    if (host.isEmpty() || host.size() > MaxHostLength)
        return std::nullopt;

    QHostAddress address;
    if (address.setAddress(host.toString()))
        return address.toString();
    if (host.contains(u':'))
        return std::nullopt; // neither an address nor a name

    if (host.endsWith(u'.'))
        host.chop(1);
    const QByteArray ace = QUrl::toAce(host.toString()).toLower();
    if (ace.isEmpty() || ace.size() > MaxHostLength)
        return std::nullopt;
    for (char c : ace) {
        if (!isHostNameChar(c))
            return std::nullopt;
    }
    return QString::fromLatin1(ace);
}

std::optional<QString> KnownHostsList::hostKey(QStringView host, quint16 port)
{
    const std::optional<QString> normalized = normalizeHost(host);
    if (!normalized || port == 0)
        return std::nullopt;
    if (normalized->contains(u':'))
        return QStringLiteral("[%1]:%2").arg(*normalized).arg(port);
    return QStringLiteral("%1:%2").arg(*normalized).arg(port);
}

QByteArray KnownHostsList::entryText(const QString &key, const TlsFingerprint &fingerprint)
{
    return QStringLiteral("%1 %2").arg(key, fingerprint.toString()).toUtf8();
}

KnownHostsList::Line KnownHostsList::parseLine(QByteArray text)
{
    Line line;
    line.text = std::move(text);
    QByteArrayView body(line.text);
    if (body.endsWith('\r'))
        body.chop(1);
    if (body.size() > MaxLineLength) {
        line.problem = tr("the line is longer than %1 bytes").arg(MaxLineLength);
        return line;
    }
    body = body.trimmed();
    if (body.isEmpty() || body.startsWith('#'))
        return line;

    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder.decode(body);
    if (decoder.hasError()) {
        line.problem = tr("the line is not valid UTF-8");
        return line;
    }
    const QStringList fields = decoded.simplified().split(u' ');
    if (fields.size() < 2 || (fields.size() > 2 && !fields.at(2).startsWith(u'#'))) {
        line.problem = tr("expected \"host:port fingerprint\"");
        return line;
    }

    // host:port, the host in brackets when it is an IPv6 address.
    const QStringView hostPort = fields.at(0);
    QStringView host;
    QStringView port;
    if (hostPort.startsWith(u'[')) {
        const qsizetype close = hostPort.indexOf(u']');
        if (close < 0 || !hostPort.mid(close + 1).startsWith(u':')) {
            line.problem = tr("expected \"[address]:port\"");
            return line;
        }
        host = hostPort.mid(1, close - 1);
        port = hostPort.mid(close + 2);
    } else {
        const qsizetype colon = hostPort.lastIndexOf(u':');
        if (colon < 0) {
            line.problem = tr("\"%1\" has no port").arg(hostPort);
            return line;
        }
        host = hostPort.left(colon);
        port = hostPort.mid(colon + 1);
        if (host.contains(u':')) {
            line.problem = tr("an IPv6 address must be written in brackets: [address]:port");
            return line;
        }
    }
    const std::optional<quint16> portNumber = parsePort(port);
    if (!portNumber) {
        line.problem = tr("\"%1\" is not a port number from 1 to 65535").arg(port);
        return line;
    }
    const std::optional<QString> key = hostKey(host, *portNumber);
    if (!key) {
        line.problem = tr("\"%1\" is not a host name or address").arg(host);
        return line;
    }
    const std::optional<TlsFingerprint> fingerprint = TlsFingerprint::fromString(fields.at(1));
    if (!fingerprint) {
        line.problem = tr("\"%1\" is not a SHA-256 fingerprint").arg(fields.at(1));
        return line;
    }
    line.key = *key;
    line.fingerprint = *fingerprint;
    return line;
}

KnownHostsList KnownHostsList::parse(QByteArrayView content)
{
    KnownHostsList list;
    qsizetype start = 0;
    while (start < content.size()) {
        qsizetype end = content.indexOf('\n', start);
        if (end < 0)
            end = content.size();
        list.m_lines.append(parseLine(content.sliced(start, end - start).toByteArray()));
        start = end + 1;
    }
    return list;
}

QByteArray KnownHostsList::serialize() const
{
    QByteArray content;
    for (const Line &line : m_lines) {
        content.append(line.text);
        content.append('\n');
    }
    return content;
}

qsizetype KnownHostsList::findEntry(const QString &key) const
{
    for (qsizetype i = 0; i < m_lines.size(); ++i) {
        if (m_lines.at(i).key == key)
            return i;
    }
    return -1;
}

KnownHostsList::Lookup KnownHostsList::lookup(QStringView host, quint16 port, const TlsFingerprint &fingerprint) const
{
    Lookup result;
    const std::optional<QString> key = hostKey(host, port);
    if (!key)
        return result;
    const qsizetype index = findEntry(*key);
    if (index < 0)
        return result;
    result.expected = m_lines.at(index).fingerprint;
    result.line = int(index + 1);
    result.status = (!fingerprint.isNull() && fingerprint == result.expected) ? Status::Match : Status::Mismatch;
    return result;
}

std::optional<TlsFingerprint> KnownHostsList::pinned(QStringView host, quint16 port) const
{
    const std::optional<QString> key = hostKey(host, port);
    if (!key)
        return std::nullopt;
    const qsizetype index = findEntry(*key);
    if (index < 0)
        return std::nullopt;
    return m_lines.at(index).fingerprint;
}

bool KnownHostsList::remember(QStringView host, quint16 port, const TlsFingerprint &fingerprint)
{
    m_error.clear();
    const std::optional<QString> key = hostKey(host, port);
    if (!key) {
        m_error = port == 0 ? tr("Port 0 cannot be pinned.") : tr("\"%1\" is not a host name or address.").arg(host);
        return false;
    }
    if (fingerprint.isNull()) {
        m_error = tr("There is no fingerprint to pin.");
        return false;
    }
    const qsizetype index = findEntry(*key);
    if (index < 0) {
        Line line;
        line.text = entryText(*key, fingerprint);
        line.key = *key;
        line.fingerprint = fingerprint;
        m_lines.append(line);
        return true;
    }
    Line &line = m_lines[index];
    // An unchanged entry keeps its spelling (hex form, comment).
    if (line.fingerprint != fingerprint) {
        line.text = entryText(*key, fingerprint);
        line.fingerprint = fingerprint;
    }
    for (qsizetype i = m_lines.size() - 1; i > index; --i) {
        if (m_lines.at(i).key == *key)
            m_lines.removeAt(i);
    }
    return true;
}

int KnownHostsList::forget(QStringView host, quint16 port)
{
    const std::optional<QString> key = hostKey(host, port);
    if (!key)
        return 0;
    return int(m_lines.removeIf([&](const Line &line) { return line.key == *key; }));
}

qsizetype KnownHostsList::entryCount() const
{
    return std::count_if(m_lines.cbegin(), m_lines.cend(), [](const Line &line) { return !line.key.isEmpty(); });
}

QList<KnownHostsList::Problem> KnownHostsList::problems() const
{
    QList<Problem> problems;
    QHash<QString, int> firstLine;
    for (qsizetype i = 0; i < m_lines.size(); ++i) {
        const Line &line = m_lines.at(i);
        const int number = int(i + 1);
        if (!line.problem.isEmpty()) {
            problems.append({number, line.problem});
        } else if (!line.key.isEmpty()) {
            const auto first = firstLine.constFind(line.key);
            if (first == firstLine.cend())
                firstLine.insert(line.key, number);
            else
                problems.append(
                    {number, tr("%1 is already pinned on line %2, which is the one used").arg(line.key).arg(*first)});
        }
    }
    return problems;
}

// ---- KnownHosts ------------------------------------------------------------

KnownHosts::KnownHosts(QString filePath)
    : m_path(std::move(filePath))
{
}

bool KnownHosts::fail(const QString &reason)
{
    m_error = reason;
    return false;
}

bool KnownHosts::load()
{
    m_error.clear();
    KnownHostsList list;
    if (!read(&list))
        return false;
    m_list = list;
    return true;
}

bool KnownHosts::read(KnownHostsList *list)
{
    const QString shown = QDir::toNativeSeparators(m_path);
    const QFileInfo info(m_path);
    if (!info.exists()) {
        *list = {};
        return true;
    }
    if (!info.isFile())
        return fail(tr("%1 is not a regular file.").arg(shown));
    if (!isOwnedByCurrentUser(info))
        return fail(tr("%1 belongs to another user, who could change its pins.").arg(shown));
    const QFile::Permissions permissions = info.permissions();
    if (permissions & WritableByOthers) {
        // Not tightened quietly: its pins may already have been changed.
        return fail(tr("%1 can be changed by other users (mode %2), so its pins cannot be trusted. Check its "
                       "fingerprints, then run \"chmod 600 %1\".")
                        .arg(shown, modeString(permissions)));
    }
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(tr("Could not read %1: %2").arg(shown, file.errorString()));
    // Read one byte past the limit rather than trusting size().
    const QByteArray content = file.read(MaxFileSize + 1);
    if (file.error() != QFileDevice::NoError)
        return fail(tr("Could not read %1: %2").arg(shown, file.errorString()));
    if (content.size() > MaxFileSize) {
        return fail(tr("%1 is larger than %2 bytes, which is far more than a list of servers; it is not read.")
                        .arg(shown)
                        .arg(MaxFileSize));
    }
    *list = KnownHostsList::parse(content);
    return true;
}

bool KnownHosts::write(const KnownHostsList &list)
{
    const QString shown = QDir::toNativeSeparators(m_path);
    QSaveFile file(m_path);
    const QByteArray content = list.serialize();
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(OwnerOnlyFile) || file.write(content) != content.size()
        || !file.commit()) {
        return fail(tr("Could not write %1: %2").arg(shown, file.errorString()));
    }
    return true;
}

bool KnownHosts::remember(QStringView host, quint16 port, const TlsFingerprint &fingerprint)
{
    m_error.clear();
    const QString shown = QDir::toNativeSeparators(m_path);
    const QString directory = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(directory))
        return fail(tr("Could not create the directory %1.").arg(QDir::toNativeSeparators(directory)));
    QLockFile lock(m_path + u".lock");
    if (!lock.tryLock(LockTimeout))
        return fail(
            tr("Could not lock %1: another program is changing it, or the lock file cannot be made.").arg(shown));
    KnownHostsList list;
    if (!read(&list))
        return false;
    if (!list.remember(host, port, fingerprint))
        return fail(list.errorString());
    if (!write(list))
        return false;
    m_list = list;
    return true;
}

bool KnownHosts::forget(QStringView host, quint16 port)
{
    m_error.clear();
    if (!QFileInfo::exists(m_path)) {
        m_list = {};
        return true;
    }
    QLockFile lock(m_path + u".lock");
    if (!lock.tryLock(LockTimeout))
        return fail(tr("Could not lock %1: another program is changing it, or the lock file cannot be made.")
                        .arg(QDir::toNativeSeparators(m_path)));
    KnownHostsList list;
    if (!read(&list))
        return false;
    if (list.forget(host, port) > 0 && !write(list))
        return false;
    m_list = list;
    return true;
}

} // namespace Tincan
