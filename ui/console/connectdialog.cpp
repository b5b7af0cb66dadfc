#include "ui/console/connectdialog.h"

#include "net/wire/consoleprotocol.h"
#include "ui/dialogfields.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace Tincan {

namespace {
const QString HostKey = QStringLiteral("ConnectDialog/host");
const QString PortKey = QStringLiteral("ConnectDialog/port");
const QString ProtocolKey = QStringLiteral("ConnectDialog/protocol");
const QString EncryptionKey = QStringLiteral("ConnectDialog/encryption");
const QString AutoTlsValue = QStringLiteral("auto");
const QString AlwaysTlsValue = QStringLiteral("on");
const QString NoTlsValue = QStringLiteral("off");
// Stored instead of the enum's number so that reordering it breaks nothing.
const QString TincanProtocolValue = QStringLiteral("tincan");
const QString ClassicProtocolValue = QStringLiteral("classic");
constexpr int MinimumWidthChars = 60;

QString withoutBrackets(const QString &host)
{
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        return host.mid(1, host.size() - 2);
    return host;
}
} // namespace

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("New Console Session"));

    m_host = new QLineEdit(this);
    m_host->setObjectName(QStringLiteral("host"));
    m_host->setPlaceholderText(QString(DefaultHost));
    m_port = DialogFields::portField(this);
    m_protocol = new QComboBox(this);
    m_protocol->setObjectName(QStringLiteral("protocol"));
    m_protocol->addItem(tr("Tincan"), QVariant::fromValue(ConsoleClient::Mode::Tincan));
    m_protocol->addItem(tr("Classic"), QVariant::fromValue(ConsoleClient::Mode::Classic));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("only if the server has one"));
    m_password->setToolTip(tr("Proved to the server by challenge-response; it never crosses the network and is "
                              "not remembered."));
    m_encryption = new QComboBox(this);
    m_encryption->setObjectName(QStringLiteral("encryption"));
    m_encryption->addItem(tr("Automatic: TLS except to this computer"),
                          QVariant::fromValue(ConsoleClient::TlsMode::Auto));
    m_encryption->addItem(tr("Always TLS"), QVariant::fromValue(ConsoleClient::TlsMode::On));
    m_encryption->addItem(tr("None (plaintext)"), QVariant::fromValue(ConsoleClient::TlsMode::Off));
    m_encryption->setToolTip(tr("A server with a password requires TLS from other computers. The first TLS "
                                "connection shows the server's fingerprint for you to check; later ones must "
                                "match it."));
    m_protocolHint = DialogFields::hintLabel(this);

    m_error = DialogFields::errorLabel(this);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Connect"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("&Host:"), m_host);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("P&rotocol:"), m_protocol);
    form->addRow(QString(), m_protocolHint);
    form->addRow(tr("Pass&word:"), m_password);
    form->addRow(tr("&Encryption:"), m_encryption);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connect(m_host, &QLineEdit::textChanged, this, &ConnectDialog::validate);
    connect(m_protocol, &QComboBox::currentIndexChanged, this, &ConnectDialog::validate);

    setHost(QString(DefaultHost));
    setPort(Console::DefaultPort);
    setMode(ConsoleClient::Mode::Tincan);
    setTlsMode(ConsoleClient::TlsMode::Auto);
    loadSettings();
    validate();
    // Wide enough for the protocol hint to fit on two lines.
    setMinimumWidth(fontMetrics().averageCharWidth() * MinimumWidthChars);
    m_host->selectAll();
    m_host->setFocus();
}

QString ConnectDialog::host() const
{
    return withoutBrackets(m_host->text().trimmed());
}

quint16 ConnectDialog::port() const
{
    return quint16(m_port->value());
}

ConsoleClient::Mode ConnectDialog::mode() const
{
    return m_protocol->currentData().value<ConsoleClient::Mode>();
}

void ConnectDialog::setHost(const QString &host)
{
    m_host->setText(host);
}

void ConnectDialog::setPort(quint16 port)
{
    m_port->setValue(port);
}

void ConnectDialog::setMode(ConsoleClient::Mode mode)
{
    m_protocol->setCurrentIndex(m_protocol->findData(QVariant::fromValue(mode)));
}

ConsoleClient::TlsMode ConnectDialog::tlsMode() const
{
    return m_encryption->currentData().value<ConsoleClient::TlsMode>();
}

void ConnectDialog::setTlsMode(ConsoleClient::TlsMode tls)
{
    m_encryption->setCurrentIndex(m_encryption->findData(QVariant::fromValue(tls)));
}

bool ConnectDialog::isValidHost(const QString &host)
{
    const QString bare = withoutBrackets(host);
    if (bare.isEmpty() || bare.size() > MaxHostLength)
        return false;
    if (QHostAddress parsed; parsed.setAddress(bare))
        return true;
    // Dot-separated labels of letters, digits and inner hyphens (RFC 1123).
    static const QRegularExpression hostName(
        QStringLiteral("^(?=.*[A-Za-z])"                               // not all digits: that is a bad IPv4
                       "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?" // first label
                       "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?$"));
    return hostName.match(bare).hasMatch();
}

QString ConnectDialog::validationError() const
{
    const QString text = m_host->text().trimmed();
    if (text.isEmpty())
        return tr("Enter the host name or IP address of the console server.");
    if (!isValidHost(text)) {
        // A common slip: the port typed into the host field.
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        if (colon > 0 && text.count(QLatin1Char(':')) == 1 && isValidHost(text.left(colon)))
            return tr("Enter the port in the Port field, not after the host.");
        return tr("“%1” is not a valid host name or IP address.").arg(text);
    }
    return QString();
}

void ConnectDialog::validate()
{
    const QString error = validationError();
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty());
    // Classic clients cannot log in, nor use TLS.
    m_password->setEnabled(mode() == ConsoleClient::Mode::Tincan);
    m_encryption->setEnabled(mode() == ConsoleClient::Mode::Tincan);
    m_protocolHint->setText(mode() == ConsoleClient::Mode::Classic
                                ? tr("The socket tutorial's protocol: one command at a time, and cancelling "
                                     "closes the connection.")
                                : tr("Runs several commands at once, streams their output and can cancel "
                                     "them."));
}

QString ConnectDialog::password() const
{
    return mode() == ConsoleClient::Mode::Tincan ? m_password->text() : QString();
}

void ConnectDialog::loadSettings()
{
    const QSettings settings;
    if (settings.contains(HostKey))
        setHost(settings.value(HostKey).toString());
    bool ok = false;
    const int port = settings.value(PortKey).toInt(&ok);
    if (ok && port >= DialogFields::MinPort && port <= DialogFields::MaxPort)
        setPort(quint16(port));
    const QString protocol = settings.value(ProtocolKey).toString();
    if (protocol == ClassicProtocolValue)
        setMode(ConsoleClient::Mode::Classic);
    else if (protocol == TincanProtocolValue)
        setMode(ConsoleClient::Mode::Tincan);
    const QString encryption = settings.value(EncryptionKey).toString();
    if (encryption == AlwaysTlsValue)
        setTlsMode(ConsoleClient::TlsMode::On);
    else if (encryption == NoTlsValue)
        setTlsMode(ConsoleClient::TlsMode::Off);
    else if (encryption == AutoTlsValue)
        setTlsMode(ConsoleClient::TlsMode::Auto);
}

void ConnectDialog::saveSettings() const
{
    QSettings settings;
    settings.setValue(HostKey, m_host->text().trimmed());
    settings.setValue(PortKey, int(port()));
    settings.setValue(ProtocolKey, mode() == ConsoleClient::Mode::Classic ? ClassicProtocolValue : TincanProtocolValue);
    const ConsoleClient::TlsMode tls = tlsMode();
    settings.setValue(EncryptionKey,
                      tls == ConsoleClient::TlsMode::On        ? AlwaysTlsValue
                          : tls == ConsoleClient::TlsMode::Off ? NoTlsValue
                                                               : AutoTlsValue);
}

void ConnectDialog::accept()
{
    if (!validationError().isEmpty())
        return;
    saveSettings();
    QDialog::accept();
}

} // namespace Tincan
