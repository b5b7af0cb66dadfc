#include "ui/server/consolesettingsdialog.h"

#include "net/console/outputencoding.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace Tincan {

namespace {
const QString TlsKey = QStringLiteral("tls");
const QString TlsDirectoryKey = QStringLiteral("tlsDirectory");
const QString ClassicKey = QStringLiteral("classicAllowed");
const QString AnyPathKey = QStringLiteral("allowAnyPath");
const QString CapKey = QStringLiteral("classicReplyCap");
const QString MaxConnectionsKey = QStringLiteral("maxConnections");
const QString PerAddressKey = QStringLiteral("maxConnectionsPerAddress");
const QString GraceKey = QStringLiteral("loginGraceSeconds");
const QString PenaltyKey = QStringLiteral("loginPenaltySeconds");
const QString PenaltyMaxKey = QStringLiteral("loginPenaltyMaxSeconds");
const QString IdleKey = QStringLiteral("idleTimeoutSeconds");
const QString EncodingKey = QStringLiteral("outputEncoding");

// Encodings offered in the list; any other name QStringDecoder knows may be typed.
const QStringList CommonEncodings{
    QStringLiteral("UTF-8"),     QStringLiteral("GBK"),        QStringLiteral("GB18030"),     QStringLiteral("Big5"),
    QStringLiteral("Shift_JIS"), QStringLiteral("ISO-8859-1"), QStringLiteral("windows-1252")};
constexpr int MaxSeconds = int(HostSettings::MaxDuration.count());

int seconds(std::chrono::milliseconds value)
{
    return int(std::chrono::duration_cast<std::chrono::seconds>(value).count());
}
} // namespace

ConsoleSettingsDialog::ConsoleSettingsDialog(const HostSettings &policy, QWidget *parent)
    : QDialog(parent)
    , m_tls(new QComboBox)
    , m_tlsDirectory(new QLineEdit)
    , m_classicAllowed(new QCheckBox(tr("Serve classic clients (they cannot log in: this machine only, unless "
                                        "insecure)")))
    , m_allowAnyPath(new QCheckBox(tr("File transfers may name any path (absolute, .. out of the session's "
                                      "directory, links out of it)")))
    , m_classicReplyCap(new QSpinBox)
    , m_maxConnections(new QSpinBox)
    , m_maxPerAddress(new QSpinBox)
    , m_encoding(new QComboBox)
    , m_error(new QLabel)
    , m_buttons(
          new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults))
{
    setWindowTitle(tr("Console Settings"));
    auto *form = new QFormLayout;
    m_tls->setObjectName(QStringLiteral("tls"));
    m_tls->addItem(tr("Auto: on when a password is set"), int(ConsoleServer::TlsPolicy::Auto));
    m_tls->addItem(tr("On: clients on other machines must use TLS"), int(ConsoleServer::TlsPolicy::RequiredForRemote));
    m_tls->addItem(tr("Off"), int(ConsoleServer::TlsPolicy::Off));
    form->addRow(tr("TLS:"), m_tls);
    m_tlsDirectory->setObjectName(QStringLiteral("tlsDirectory"));
    m_tlsDirectory->setPlaceholderText(ConsoleServer::defaultTlsDirectory());
    m_tlsDirectory->setToolTip(tr("Where the console's TLS key and certificate are kept, made on first use."));
    form->addRow(tr("TLS directory:"), m_tlsDirectory);
    m_classicAllowed->setObjectName(QStringLiteral("classicAllowed"));
    form->addRow(QString(), m_classicAllowed);
    m_allowAnyPath->setObjectName(QStringLiteral("allowAnyPath"));
    form->addRow(QString(), m_allowAnyPath);
    m_classicReplyCap->setObjectName(QStringLiteral("classicReplyCap"));
    m_classicReplyCap->setRange(0, std::numeric_limits<int>::max());
    m_classicReplyCap->setSuffix(tr(" bytes"));
    m_classicReplyCap->setToolTip(tr("The largest classic reply; a longer one is truncated with a notice."));
    form->addRow(tr("Classic reply cap:"), m_classicReplyCap);
    m_maxConnections->setObjectName(QStringLiteral("maxConnections"));
    m_maxConnections->setRange(1, HostSettings::MaxConnectionCount);
    form->addRow(tr("Connections at once:"), m_maxConnections);
    m_maxPerAddress->setObjectName(QStringLiteral("maxConnectionsPerAddress"));
    m_maxPerAddress->setRange(1, HostSettings::MaxConnectionCount);
    form->addRow(tr("Connections from one address:"), m_maxPerAddress);
    form->addRow(tr("Login grace time:"), m_loginGrace = addSeconds(QStringLiteral("loginGraceTime"), 1, {}));
    form->addRow(tr("Wait after a failed login:"),
                 m_penalty = addSeconds(QStringLiteral("loginPenalty"), 0, tr("none")));
    m_penalty->setToolTip(tr("Each further failure from the same address doubles it, up to the longest wait."));
    form->addRow(tr("Longest wait:"), m_penaltyMax = addSeconds(QStringLiteral("loginPenaltyMax"), 0, tr("none")));
    form->addRow(tr("Idle timeout:"), m_idleTimeout = addSeconds(QStringLiteral("idleTimeout"), 0, tr("never")));
    m_encoding->setObjectName(QStringLiteral("outputEncoding"));
    m_encoding->setEditable(true);
    m_encoding->addItem(tr("This machine's (%1)").arg(localeOutputEncoding()), QString());
    for (const QString &name : CommonEncodings)
        m_encoding->addItem(name, name);
    m_encoding->setToolTip(tr("The encoding the console announces for command output. Output is sent as it is; "
                              "clients decode it."));
    form->addRow(tr("Output encoding:"), m_encoding);

    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c01c28"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            [this] { setPolicy(HostSettings()); });
    for (QSpinBox *box : findChildren<QSpinBox *>())
        connect(box, &QSpinBox::valueChanged, this, &ConsoleSettingsDialog::updateValidity);
    connect(m_encoding, &QComboBox::currentTextChanged, this, &ConsoleSettingsDialog::updateValidity);
    setPolicy(policy);
}

ConsoleSettingsDialog::~ConsoleSettingsDialog() = default;

QSpinBox *ConsoleSettingsDialog::addSeconds(const QString &name, int minimum, const QString &special)
{
    auto *box = new QSpinBox;
    box->setObjectName(name);
    box->setRange(minimum, MaxSeconds);
    box->setSuffix(tr(" s"));
    if (!special.isEmpty())
        box->setSpecialValueText(special);
    return box;
}

void ConsoleSettingsDialog::setPolicy(const HostSettings &policy)
{
    m_tls->setCurrentIndex(std::max(0, m_tls->findData(int(policy.tls))));
    m_tlsDirectory->setText(policy.tlsDirectory);
    m_classicAllowed->setChecked(policy.classicAllowed);
    m_allowAnyPath->setChecked(policy.allowAnyPath);
    m_classicReplyCap->setValue(int(std::min<qint64>(policy.classicReplyCap, std::numeric_limits<int>::max())));
    m_maxConnections->setValue(policy.maxConnections);
    m_maxPerAddress->setValue(policy.maxConnectionsPerAddress);
    m_loginGrace->setValue(seconds(policy.loginGraceTime));
    m_penalty->setValue(seconds(policy.penaltyBase));
    m_penaltyMax->setValue(seconds(policy.penaltyMax));
    m_idleTimeout->setValue(seconds(policy.idleTimeout));
    const int known = m_encoding->findData(policy.outputEncoding);
    if (known >= 0)
        m_encoding->setCurrentIndex(known);
    else
        m_encoding->setEditText(policy.outputEncoding);
    updateValidity();
}

HostSettings ConsoleSettingsDialog::policy() const
{
    HostSettings policy;
    policy.tls = ConsoleServer::TlsPolicy(m_tls->currentData().toInt());
    policy.tlsDirectory = m_tlsDirectory->text().trimmed();
    policy.classicAllowed = m_classicAllowed->isChecked();
    policy.allowAnyPath = m_allowAnyPath->isChecked();
    policy.classicReplyCap = m_classicReplyCap->value();
    policy.maxConnections = m_maxConnections->value();
    policy.maxConnectionsPerAddress = m_maxPerAddress->value();
    policy.loginGraceTime = std::chrono::seconds(m_loginGrace->value());
    policy.penaltyBase = std::chrono::seconds(m_penalty->value());
    policy.penaltyMax = std::chrono::seconds(m_penaltyMax->value());
    policy.idleTimeout = std::chrono::seconds(m_idleTimeout->value());
    // The first entry stands for the locale's; a typed name is taken as it is.
    const int index = m_encoding->findText(m_encoding->currentText());
    policy.outputEncoding = index >= 0 ? m_encoding->itemData(index).toString() : m_encoding->currentText().trimmed();
    return policy;
}

QString ConsoleSettingsDialog::validationError() const
{
    const HostSettings current = policy();
    if (!current.outputEncoding.isEmpty() && !usableOutputEncoding(current.outputEncoding))
        return tr("“%1” is not an encoding this machine knows.").arg(current.outputEncoding);
    return current.validationError();
}

void ConsoleSettingsDialog::updateValidity()
{
    const QString error = validationError();
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty());
}

HostSettings ConsoleSettingsDialog::load(QSettings &settings)
{
    const HostSettings defaults;
    HostSettings policy;
    const auto number = [&settings](const QString &key, qint64 fallback) {
        bool ok = false;
        const qint64 value = settings.value(key, fallback).toLongLong(&ok);
        return ok ? value : fallback;
    };
    // Clamped to one past the valid range first, so that converting cannot overflow
    // and validation still refuses what was out of range.
    const auto duration = [&](const QString &key, std::chrono::milliseconds fallback) {
        const qint64 value = std::clamp<qint64>(number(key, seconds(fallback)), -1, MaxSeconds + 1);
        return std::chrono::milliseconds(std::chrono::seconds(value));
    };
    policy.tls = ConsoleServer::TlsPolicy(std::clamp<qint64>(number(TlsKey, int(defaults.tls)), -1, 100));
    policy.tlsDirectory = settings.value(TlsDirectoryKey).toString();
    policy.classicAllowed = settings.value(ClassicKey, defaults.classicAllowed).toBool();
    policy.allowAnyPath = settings.value(AnyPathKey, defaults.allowAnyPath).toBool();
    policy.classicReplyCap = number(CapKey, defaults.classicReplyCap);
    policy.maxConnections = int(std::clamp<qint64>(number(MaxConnectionsKey, defaults.maxConnections), 0,
                                                   HostSettings::MaxConnectionCount + 1));
    policy.maxConnectionsPerAddress = int(std::clamp<qint64>(number(PerAddressKey, defaults.maxConnectionsPerAddress),
                                                             0, HostSettings::MaxConnectionCount + 1));
    policy.loginGraceTime = duration(GraceKey, defaults.loginGraceTime);
    policy.penaltyBase = duration(PenaltyKey, defaults.penaltyBase);
    policy.penaltyMax = duration(PenaltyMaxKey, defaults.penaltyMax);
    policy.idleTimeout = duration(IdleKey, defaults.idleTimeout);
    policy.outputEncoding = settings.value(EncodingKey).toString();
    // An edited file: what cannot be used is not half used.
    return policy.validationError().isEmpty() ? policy : defaults;
}

void ConsoleSettingsDialog::save(QSettings &settings, const HostSettings &policy)
{
    settings.setValue(TlsKey, int(policy.tls));
    settings.setValue(TlsDirectoryKey, policy.tlsDirectory);
    settings.setValue(ClassicKey, policy.classicAllowed);
    settings.setValue(AnyPathKey, policy.allowAnyPath);
    settings.setValue(CapKey, policy.classicReplyCap);
    settings.setValue(MaxConnectionsKey, policy.maxConnections);
    settings.setValue(PerAddressKey, policy.maxConnectionsPerAddress);
    settings.setValue(GraceKey, seconds(policy.loginGraceTime));
    settings.setValue(PenaltyKey, seconds(policy.penaltyBase));
    settings.setValue(PenaltyMaxKey, seconds(policy.penaltyMax));
    settings.setValue(IdleKey, seconds(policy.idleTimeout));
    settings.setValue(EncodingKey, policy.outputEncoding);
}

} // namespace Tincan
