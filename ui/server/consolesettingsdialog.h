// The console's policy beyond its address and password (Server window →
// Console → Advanced…): TLS, classic clients, file transfer paths, the
// classic reply cap, connection caps, login grace and penalties, the idle
// timeout and the output encoding: every option of `tincan-cli serve`. It
// edits the console fields of a HostSettings and keeps them in QSettings.
#pragma once

#include "host/hostsettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSettings;
class QSpinBox;

namespace Tincan {

class ConsoleSettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleSettingsDialog)

public:
    explicit ConsoleSettingsDialog(const HostSettings &policy, QWidget *parent = nullptr);
    ~ConsoleSettingsDialog() override;

    // The fields as a policy (the console fields of a HostSettings).
    HostSettings policy() const;
    void setPolicy(const HostSettings &policy);
    // Empty when the fields can be used, else why not.
    QString validationError() const;

    // The policy kept in `settings` (its current group); a value that cannot
    // be used (an edited file) is replaced by its default.
    static HostSettings load(QSettings &settings);
    static void save(QSettings &settings, const HostSettings &policy);

private:
    QSpinBox *addSeconds(const QString &name, int minimum, const QString &special);
    void updateValidity();

    QComboBox *m_tls;
    QLineEdit *m_tlsDirectory;
    QCheckBox *m_classicAllowed;
    QCheckBox *m_allowAnyPath;
    QSpinBox *m_classicReplyCap;
    QSpinBox *m_maxConnections;
    QSpinBox *m_maxPerAddress;
    QSpinBox *m_loginGrace = nullptr;
    QSpinBox *m_penalty = nullptr;
    QSpinBox *m_penaltyMax = nullptr;
    QSpinBox *m_idleTimeout = nullptr;
    QComboBox *m_encoding;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};

} // namespace Tincan
