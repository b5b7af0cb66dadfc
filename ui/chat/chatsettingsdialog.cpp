#include "ui/chat/chatsettingsdialog.h"

#include "net/chat/chatenvelope.h"
#include "ui/dialogfields.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace Tincan {

namespace {
constexpr int MinimumWidthChars = 60;
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

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
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

} // namespace Tincan
