// Loads the product's and Qt's own translations for the chosen language.
#pragma once

#include <QString>

class QCoreApplication;

namespace Tincan {

// The language to use: `requested` ("zh_CN", "en", ...) when given, else the
// system locale. Installs the translators on the application and returns the
// language in effect ("en" when no catalogue matches).
QString installTranslations(QCoreApplication &app, const QString &requested = {});

} // namespace Tincan
