#include "ui/console/rawconnectdialog.h"

#include "ui/console/connectdialog.h"
#include "ui/dialogfields.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>

namespace Tincan {

namespace {
const QString HostKey = QStringLiteral("RawConnectDialog/host");
const QString PortKey = QStringLiteral("RawConnectDialog/port");
const QString UdpKey = QStringLiteral("RawConnectDialog/udp");
// Wide enough for the title and a long host name.
constexpr int MinimumWidthChars = 45;
} // namespace

RawConnectDialog::RawConnectDialog(QWidget *parent)
    : QDialog(parent)
    , m_host(new QLineEdit(this))
    , m_port(DialogFields::portField(this, QStringLiteral("rawPort")))
    , m_transport(new QComboBox(this))
{
    setWindowTitle(tr("New Raw Session"));
    m_host->setObjectName(QStringLiteral("rawHost"));
    m_transport->setObjectName(QStringLiteral("rawTransport"));
    m_transport->addItem(tr("TCP"), int(RawSession::Transport::Tcp));
    m_transport->addItem(tr("UDP"), int(RawSession::Transport::Udp));

    const QSettings settings;
    m_host->setText(settings.value(HostKey, QStringLiteral("127.0.0.1")).toString());
    m_port->setValue(settings.value(PortKey, DefaultPort).toInt());
    m_transport->setCurrentIndex(settings.value(UdpKey, false).toBool() ? 1 : 0);

    auto *form = new QFormLayout(this);
    form->addRow(tr("&Host:"), m_host);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("&Transport:"), m_transport);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Connect"));
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    setMinimumWidth(fontMetrics().averageCharWidth() * MinimumWidthChars);
}

QString RawConnectDialog::host() const
{
    return m_host->text().trimmed();
}

quint16 RawConnectDialog::port() const
{
    return quint16(m_port->value());
}

RawSession::Transport RawConnectDialog::transport() const
{
    return RawSession::Transport(m_transport->currentData().toInt());
}

void RawConnectDialog::accept()
{
    if (!ConnectDialog::isValidHost(host())) {
        // Said beside the field, without a nested event loop.
        m_host->setToolTip(tr("“%1” is not a valid host name or IP address.").arg(host()));
        m_host->setStyleSheet(QStringLiteral("QLineEdit { border: 1px solid #e74c3c; }"));
        m_host->setFocus();
        return;
    }
    QSettings settings;
    settings.setValue(HostKey, host());
    settings.setValue(PortKey, port());
    settings.setValue(UdpKey, transport() == RawSession::Transport::Udp);
    QDialog::accept();
}

} // namespace Tincan
