#include "net/base/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace Tincan {

QString installTranslations(QCoreApplication &app, const QString &requested)
{
    const QLocale locale = requested.isEmpty() ? QLocale::system() : QLocale(requested);
    if (locale.language() == QLocale::English || locale.language() == QLocale::C)
        return QStringLiteral("en");

    auto *own = new QTranslator(&app);
    // The catalogue is compiled into the binary (see translations/).
    if (!own->load(locale, QStringLiteral("tincan"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        delete own;
        return QStringLiteral("en");
    }
    app.installTranslator(own);

    auto *qt = new QTranslator(&app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app.installTranslator(qt);
    else
        delete qt;
    return locale.name();
}

} // namespace Tincan
