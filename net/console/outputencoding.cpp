#include "net/console/outputencoding.h"

#include <QStringDecoder>

#ifdef Q_OS_WIN
#include <windows.h>
#else
#include <langinfo.h>
#endif

namespace Tincan {

namespace {
const QString Utf8 = QStringLiteral("UTF-8");

bool isSevenBit(const QString &charset)
{
    // What glibc and the BSDs call the C locale's charset.
    return charset.compare(QLatin1String("ANSI_X3.4-1968"), Qt::CaseInsensitive) == 0
        || charset.compare(QLatin1String("US-ASCII"), Qt::CaseInsensitive) == 0
        || charset.compare(QLatin1String("ASCII"), Qt::CaseInsensitive) == 0;
}
} // namespace

std::optional<QString> usableOutputEncoding(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty() || trimmed.size() > 64)
        return std::nullopt;
    if (!QStringDecoder(trimmed.toLatin1().constData()).isValid())
        return std::nullopt;
    return trimmed;
}

QString localeOutputEncoding()
{
#ifdef Q_OS_WIN
    // Console programs print in the ANSI code page (936 on a Chinese
    // Windows); ICU knows it as windows-936, an alias of GBK.
    const QString charset = QStringLiteral("windows-%1").arg(GetACP());
#else
    // QCoreApplication has set the locale from the environment on Unix.
    const QString charset = QString::fromLatin1(nl_langinfo(CODESET));
#endif
    if (isSevenBit(charset))
        return Utf8;
    if (charset.compare(QLatin1String("UTF-8"), Qt::CaseInsensitive) == 0
        || charset.compare(QLatin1String("utf8"), Qt::CaseInsensitive) == 0)
        return Utf8;
    return usableOutputEncoding(charset).value_or(Utf8);
}

} // namespace Tincan
