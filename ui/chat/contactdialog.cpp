#include "ui/chat/contactdialog.h"

#include "chat/chatservice.h"
#include "net/ipmsg/ipmsgpacket.h"
#include "ui/dialogfields.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace Tincan {

namespace {
constexpr int MinimumWidthChars = 60;
// Enough lines for the longest protocol description, so the dialog does not
// change its size when another protocol is chosen.
constexpr int HintLines = 3;
} // namespace

ContactDialog::ContactDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("New Contact"));

    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("name"));
    m_name->setMaxLength(int(MaxNameLength));
    m_host = new QLineEdit(this);
    m_host->setObjectName(QStringLiteral("host"));
    m_host->setPlaceholderText(QStringLiteral("127.0.0.1"));
    m_port = DialogFields::portField(this);
    m_protocol = new QComboBox(this);
    m_protocol->setObjectName(QStringLiteral("protocol"));
    for (ChatProtocol protocol :
         {ChatProtocol::Auto, ChatProtocol::Tincan, ChatProtocol::Classic, ChatProtocol::IpMessenger})
        m_protocol->addItem(protocolName(protocol), QVariant::fromValue(protocol));
    m_protocolHint = DialogFields::hintLabel(this);
    m_protocolHint->setObjectName(QStringLiteral("protocolHint"));
    m_protocolHint->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_protocolHint->setMinimumHeight(m_protocolHint->fontMetrics().lineSpacing() * HintLines);

    m_error = DialogFields::errorLabel(this);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Save"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ContactDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ContactDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Host:"), m_host);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("P&rotocol:"), m_protocol);
    form->addRow(QString(), m_protocolHint);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connect(m_name, &QLineEdit::textChanged, this, &ContactDialog::validate);
    connect(m_host, &QLineEdit::textChanged, this, &ContactDialog::validate);
    connect(m_protocol, &QComboBox::currentIndexChanged, this, &ContactDialog::validate);
    // Chosen by the user (not by setContact): IP Messenger listens on 2425, the others on 8081;
    // a port typed by hand is kept.
    connect(m_protocol, &QComboBox::activated, this, [this] {
        const bool ipmsg = m_protocol->currentData().value<ChatProtocol>() == ChatProtocol::IpMessenger;
        if (ipmsg && m_port->value() == ChatEndpoint::DefaultPort)
            m_port->setValue(IpMsg::DefaultPort);
        else if (!ipmsg && m_port->value() == IpMsg::DefaultPort)
            m_port->setValue(ChatEndpoint::DefaultPort);
    });

    setContact(Contact{});
    setHost(QStringLiteral("127.0.0.1"));
    setMinimumWidth(fontMetrics().averageCharWidth() * MinimumWidthChars);
    m_name->setFocus();
}

Contact ContactDialog::contact() const
{
    Contact result = m_contact;
    result.name = m_name->text().trimmed();
    result.host = m_host->text().trimmed();
    result.port = quint16(m_port->value());
    result.protocol = m_protocol->currentData().value<ChatProtocol>();
    return result;
}

void ContactDialog::setContact(const Contact &contact)
{
    m_contact = contact;
    setName(contact.name);
    setHost(contact.host);
    setPort(contact.port);
    setProtocol(contact.protocol);
    validate();
}

void ContactDialog::setName(const QString &name)
{
    m_name->setText(name);
}

void ContactDialog::setHost(const QString &host)
{
    m_host->setText(host);
}

void ContactDialog::setPort(quint16 port)
{
    m_port->setValue(port);
}

void ContactDialog::setProtocol(ChatProtocol protocol)
{
    m_protocol->setCurrentIndex(m_protocol->findData(QVariant::fromValue(protocol)));
}

void ContactDialog::setAddressEditable(bool editable)
{
    m_host->setEnabled(editable);
    m_port->setEnabled(editable);
}

QString ContactDialog::protocolName(ChatProtocol protocol)
{
    switch (protocol) {
    case ChatProtocol::Auto:
        return tr("Automatic");
    case ChatProtocol::Tincan:
        return tr("Tincan");
    case ChatProtocol::Classic:
        return tr("Classic");
    case ChatProtocol::IpMessenger:
        return tr("IP Messenger");
    }
    return QString();
}

QString ContactDialog::protocolDescription(ChatProtocol protocol)
{
    switch (protocol) {
    case ChatProtocol::Auto:
        return tr("Plain text, as the classic chat programs expect, until the peer answers as a Tincan "
                  "or as an IP Messenger; from then on that protocol's delivery.");
    case ChatProtocol::Tincan:
        return tr("For another Tincan: each message is resent until the peer confirms it, and shows when "
                  "it was delivered.");
    case ChatProtocol::Classic:
        return tr("For the socket tutorial's chat programs: each message is one datagram of plain UTF-8 "
                  "text, and nothing else is ever sent. Delivery cannot be confirmed.");
    case ChatProtocol::IpMessenger:
        return tr("For IP Messenger, FeiQ and iptux (UDP port 2425): each message is resent until the peer "
                  "confirms it; needs IP Messenger on in the LAN settings.");
    }
    return QString();
}

QString ContactDialog::validationError() const
{
    if (m_name->text().trimmed().isEmpty())
        return tr("Enter a name for the contact.");
    const QString host = m_host->text().trimmed();
    if (host.isEmpty())
        return tr("Enter the contact's IP address, such as 127.0.0.1 or 192.168.1.20.");
    if (!ChatService::parseHost(host))
        return tr("“%1” is not an IP address; enter one such as 192.168.1.20, or localhost.").arg(host);
    return QString();
}

void ContactDialog::validate()
{
    const QString error = validationError();
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty());
    m_protocolHint->setText(protocolDescription(m_protocol->currentData().value<ChatProtocol>()));
}

void ContactDialog::accept()
{
    if (!validationError().isEmpty())
        return;
    QDialog::accept();
}

} // namespace Tincan
