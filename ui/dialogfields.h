// The fields the dialogs share, made one way so that they look and behave
// alike: a port, a hint under a field, the line that says what is wrong.
#pragma once

#include <QString>

class QLabel;
class QSpinBox;
class QWidget;

namespace Tincan::DialogFields {

inline constexpr int MinPort = 1;
inline constexpr int MaxPort = 65535;

// A port from MinPort to MaxPort, its digits without group separators.
QSpinBox *portField(QWidget *parent, const QString &objectName = QStringLiteral("port"));
// A dim line that explains the field above it, wrapped to the dialog's width.
QLabel *hintLabel(QWidget *parent, const QString &text = QString());
// Where a dialog says why it cannot be accepted yet: red, wrapped, named "error".
QLabel *errorLabel(QWidget *parent);

} // namespace Tincan::DialogFields
