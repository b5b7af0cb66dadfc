// Checks shared by the files that hold secrets or trust decisions (the TLS
// identity, the known-hosts file): who owns them and who else may touch them.
#pragma once

#include <QFile>
#include <QFileInfo>
#include <QString>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace Tincan::PrivateFiles {

// Qt's "owner" bits are the ones that apply to the file's owner, which
// isOwnedByCurrentUser() makes sure is us.
inline constexpr QFile::Permissions OwnerOnlyFile = QFile::ReadOwner | QFile::WriteOwner;
inline constexpr QFile::Permissions OwnerOnlyDirectory = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;
inline constexpr QFile::Permissions GroupAndOther
    = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
inline constexpr QFile::Permissions WritableByOthers = QFile::WriteGroup | QFile::WriteOther;

// Another user owning the file could change it whatever its mode says.
inline bool isOwnedByCurrentUser(const QFileInfo &info)
{
#ifdef Q_OS_UNIX
    return info.ownerId() == uint(::geteuid());
#else
    Q_UNUSED(info);
    return true;
#endif
}

// "0644", as ls -l and chmod write a mode.
inline QString modeString(QFile::Permissions permissions)
{
    const uint bits = uint(permissions.toInt());
    return QStringLiteral("0%1%2%3").arg((bits >> 12) & 7).arg((bits >> 4) & 7).arg(bits & 7);
}

} // namespace Tincan::PrivateFiles
