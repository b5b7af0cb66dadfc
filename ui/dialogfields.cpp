#include "ui/dialogfields.h"

#include <QLabel>
#include <QSpinBox>

namespace Tincan::DialogFields {

QSpinBox *portField(QWidget *parent, const QString &objectName)
{
    auto *port = new QSpinBox(parent);
    port->setObjectName(objectName);
    port->setRange(MinPort, MaxPort);
    port->setGroupSeparatorShown(false);
    return port;
}

QLabel *hintLabel(QWidget *parent, const QString &text)
{
    auto *hint = new QLabel(text, parent);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    return hint;
}

QLabel *errorLabel(QWidget *parent)
{
    auto *error = new QLabel(parent);
    error->setObjectName(QStringLiteral("error"));
    error->setWordWrap(true);
    QPalette errorPalette = error->palette();
    errorPalette.setColor(QPalette::WindowText, Qt::red);
    error->setPalette(errorPalette);
    return error;
}

} // namespace Tincan::DialogFields
