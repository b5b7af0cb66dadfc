// Asks where a new console session connects to: host, port, protocol and
// whether to use TLS.
// The last values given are remembered for next time.
#pragma once

#include "net/console/consoleclient.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace Tincan {

class ConnectDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectDialog)

public:
    static constexpr QLatin1StringView DefaultHost{"127.0.0.1"};
    // Longest name DNS allows.
    static constexpr qsizetype MaxHostLength = 253;

    explicit ConnectDialog(QWidget *parent = nullptr);

    QString host() const;
    quint16 port() const;
    ConsoleClient::Mode mode() const;
    // The console password typed (empty: none). Never stored.
    QString password() const;
    // Whether the session uses TLS (Tincan protocol only; classic never does).
    ConsoleClient::TlsMode tlsMode() const;
    void setHost(const QString &host);
    void setPort(quint16 port);
    void setMode(ConsoleClient::Mode mode);
    void setTlsMode(ConsoleClient::TlsMode tls);

    // Empty when the input can be used, else why not.
    QString validationError() const;
    // True for a host name or an IPv4/IPv6 address (brackets allowed).
    static bool isValidHost(const QString &host);

    // Loads and stores the last values in QSettings.
    void loadSettings();
    void saveSettings() const;

public Q_SLOTS:
    void accept() override;

private:
    void validate();

    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QComboBox *m_protocol = nullptr;
    QLineEdit *m_password = nullptr;
    QComboBox *m_encryption = nullptr;
    QLabel *m_protocolHint = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace Tincan
