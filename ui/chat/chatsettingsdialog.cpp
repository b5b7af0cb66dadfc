#include "ui/chat/chatsettingsdialog.h"

#include "chat/chatcontroller.h"
#include "net/chat/chatenvelope.h"
#include "ui/dialogfields.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkInterface>
#include <QSpinBox>
#include <QVBoxLayout>

namespace Tincan {

namespace {
constexpr int MinimumWidthChars = 72;
// The frame and cursor of a line edit, besides its text.
constexpr int IdFieldSlack = 16;
} // namespace

ChatSettingsDialog::ChatSettingsDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Chat Settings"));

    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("displayName"));
    // The wire limit is in bytes; in characters this is always within it.
    m_name->setMaxLength(int(Chat::MaxNameBytes / 4));
    auto *nameHint = DialogFields::hintLabel(
        this, tr("Shown to other Tincans with your messages. Classic chat programs see only your address."));

    m_port = DialogFields::portField(this);
    m_portHint = DialogFields::hintLabel(this);

    m_id = new QLineEdit(this);
    m_id->setObjectName(QStringLiteral("selfId"));
    m_id->setReadOnly(true);
    auto *idHint = DialogFields::hintLabel(this, tr("Other Tincans recognise you by this id, whatever your address."));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &ChatSettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ChatSettingsDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("Display &name:"), m_name);
    form->addRow(QString(), nameHint);
    form->addRow(tr("UDP &port:"), m_port);
    form->addRow(QString(), m_portHint);
    form->addRow(tr("Your &id:"), m_id);
    form->addRow(QString(), idHint);

    m_error = DialogFields::errorLabel(this);
    m_error->setObjectName(QStringLiteral("chatSettingsError"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(createLanBox());
    layout->addWidget(m_error);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(fontMetrics().averageCharWidth() * MinimumWidthChars);
    setListeningPort(0);
}

QString ChatSettingsDialog::displayName() const
{
    return m_name->text().trimmed();
}

quint16 ChatSettingsDialog::port() const
{
    return quint16(m_port->value());
}

void ChatSettingsDialog::setDisplayName(const QString &name)
{
    m_name->setText(name);
}

void ChatSettingsDialog::setPort(quint16 port)
{
    m_port->setValue(port);
}

void ChatSettingsDialog::setSelfId(const QUuid &id)
{
    m_id->setText(id.toString(QUuid::WithoutBraces));
    // Wide enough to show the whole id.
    const QMargins margins = m_id->textMargins() + m_id->contentsMargins();
    m_id->setMinimumWidth(m_id->fontMetrics().horizontalAdvance(m_id->text()) + margins.left() + margins.right()
                          + IdFieldSlack);
}

void ChatSettingsDialog::setListeningPort(quint16 port)
{
    m_portHint->setText(port == 0 ? tr("The chat moves to a new port as soon as you press OK.")
                                  : tr("Listening on port %1 now. The chat moves to a new port as soon as you "
                                       "press OK.")
                                        .arg(port));
}

QWidget *ChatSettingsDialog::createLanBox()
{
    auto *box = new QGroupBox(tr("People on the LAN"), this);
    m_discovery = new QCheckBox(tr("&Find peers on the LAN (Tincan and IP Messenger)"), box);
    m_discovery->setObjectName(QStringLiteral("lanDiscovery"));
    m_announce = new QCheckBox(tr("&Announce this computer, so that others find it"), box);
    m_announce->setObjectName(QStringLiteral("lanAnnounce"));
    m_interfaces = new QLineEdit(box);
    m_interfaces->setObjectName(QStringLiteral("lanInterfaces"));
    QStringList names;
    for (const QNetworkInterface &interface : QNetworkInterface::allInterfaces())
        if (!(interface.flags() & QNetworkInterface::IsLoopBack))
            names.append(interface.name());
    m_interfaces->setPlaceholderText(tr("every interface"));
    m_interfaces->setToolTip(tr("Interfaces here: %1").arg(names.join(QStringLiteral(", "))));
    m_extra = new QLineEdit(box);
    m_extra->setObjectName(QStringLiteral("lanExtra"));
    m_extra->setPlaceholderText(QStringLiteral("192.168.2.255, 10.0.0.7"));
    m_ipmsgPort = new QSpinBox(box);
    m_ipmsgPort->setObjectName(QStringLiteral("lanIpMsgPort"));
    m_ipmsgPort->setRange(0, 65535);
    m_ipmsgPort->setSpecialValueText(tr("off"));
    m_group = new QLineEdit(box);
    m_group->setObjectName(QStringLiteral("lanGroup"));
    const auto enable = [this] {
        const bool on = m_discovery->isChecked();
        for (QWidget *field : {static_cast<QWidget *>(m_announce), static_cast<QWidget *>(m_extra),
                               static_cast<QWidget *>(m_ipmsgPort), static_cast<QWidget *>(m_group)})
            field->setEnabled(on);
        m_interfaces->setEnabled(on && m_announce->isChecked());
    };
    connect(m_discovery, &QCheckBox::toggled, this, enable);
    connect(m_announce, &QCheckBox::toggled, this, enable);

    auto *form = new QFormLayout(box);
    form->addRow(m_discovery);
    form->addRow(m_announce);
    form->addRow(tr("Announce &only on:"), m_interfaces);
    // One line each: a wrapped label in a group box's form is given one line's height.
    const auto shortHint = [box](const QString &text) {
        QLabel *hint = DialogFields::hintLabel(box, text);
        hint->setWordWrap(false);
        return hint;
    };
    form->addRow(QString(), shortHint(tr("Names, with commas; empty: every interface.")));
    form->addRow(tr("E&xtra addresses:"), m_extra);
    form->addRow(QString(), shortHint(tr("Routed networks' broadcast or host addresses.")));
    form->addRow(tr("&IP Messenger port:"), m_ipmsgPort);
    form->addRow(tr("&Group:"), m_group);
    form->addRow(QString(), DialogFields::hintLabel(box, tr("The group IP Messenger lists you under.")));
    enable();
    return box;
}

void ChatSettingsDialog::setLanSettings(const LanSettings &settings)
{
    m_lanBase = settings.lan;
    m_discovery->setChecked(settings.discovery);
    m_announce->setChecked(!settings.lan.interfaces.isOff());
    m_interfaces->setText(settings.lan.interfaces.mode() == Presence::InterfaceSelection::Mode::Named
                              ? settings.lan.interfaces.names().join(QStringLiteral(", "))
                              : QString());
    QStringList extra;
    for (const QHostAddress &address : settings.lan.extraDestinations)
        extra.append(address.toString());
    m_extra->setText(extra.join(QStringLiteral(", ")));
    m_ipmsgPort->setValue(settings.lan.ipmsgPort);
    m_group->setText(settings.group);
}

Expected<ChatSettingsDialog::LanSettings> ChatSettingsDialog::lanSettings() const
{
    LanSettings settings;
    settings.discovery = m_discovery->isChecked();
    settings.lan = m_lanBase;
    settings.group = m_group->text().trimmed();
    settings.lan.ipmsgPort = quint16(m_ipmsgPort->value());
    settings.lan.extraDestinations.clear();
    for (const QString &text : m_extra->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        QHostAddress address;
        if (!address.setAddress(text.trimmed()))
            return Failure{tr("“%1” under Extra addresses is not an IP address.").arg(text.trimmed())};
        settings.lan.extraDestinations.append(address);
    }
    const QStringList names = m_interfaces->text().split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (!m_announce->isChecked()) {
        settings.lan.interfaces = Presence::InterfaceSelection::none();
    } else if (names.isEmpty()) {
        settings.lan.interfaces = Presence::InterfaceSelection::all();
    } else {
        QStringList trimmed;
        for (const QString &name : names) {
            if (!QNetworkInterface::interfaceFromName(name.trimmed()).isValid())
                return Failure{tr("This computer has no network interface called “%1”.").arg(name.trimmed())};
            trimmed.append(name.trimmed());
        }
        settings.lan.interfaces = Presence::InterfaceSelection::named(trimmed);
    }
    return settings;
}

void ChatSettingsDialog::accept()
{
    if (const Expected<LanSettings> settings = lanSettings(); !settings) {
        m_error->setText(settings.error());
        m_error->setVisible(true);
        return;
    }
    QDialog::accept();
}

ChatSettingsDialog *ChatSettingsDialog::openFor(ChatController *controller, QWidget *parent)
{
    auto *dialog = new ChatSettingsDialog(parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setDisplayName(controller->displayName());
    const quint16 listening = controller->endpoint()->localPort();
    dialog->setPort(controller->requestedPort() != 0 ? controller->requestedPort() : listening);
    dialog->setListeningPort(listening);
    dialog->setSelfId(controller->endpoint()->selfId());
    const ChatController::Options &options = controller->options();
    dialog->setLanSettings({options.discovery, options.lan, options.group});
    const LanSettings before = {options.discovery, options.lan, options.group};
    connect(dialog, &QDialog::accepted, controller, [controller, dialog, parent, before] {
        if (const Expected<LanSettings> lan = dialog->lanSettings(); lan
            && (lan->discovery != before.discovery || lan->group != before.group
                || lan->lan.interfaces.mode() != before.lan.interfaces.mode()
                || lan->lan.interfaces.names() != before.lan.interfaces.names()
                || lan->lan.extraDestinations != before.lan.extraDestinations
                || lan->lan.ipmsgPort != before.lan.ipmsgPort))
            controller->applyLanSettings(lan->discovery, lan->lan, lan->group);
        if (const Expected<void> applied = controller->applySettings(dialog->displayName(), dialog->port()); !applied)
            QMessageBox::warning(parent, tr("Port Not Changed"), applied.error());
    });
    dialog->open();
    return dialog;
}

} // namespace Tincan
