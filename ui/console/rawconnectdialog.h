// Asks where a raw (netcat-like) session goes: host, port, TCP or UDP.
#pragma once

#include "net/services/rawsession.h"

#include <QDialog>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace Tincan {

class RawConnectDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RawConnectDialog)

public:
    // The tutorial's TCP upper-case echo server.
    static constexpr quint16 DefaultPort = 8080;

    explicit RawConnectDialog(QWidget *parent = nullptr);

    QString host() const;
    quint16 port() const;
    RawSession::Transport transport() const;

    void accept() override;

private:
    QLineEdit *m_host;
    QSpinBox *m_port;
    QComboBox *m_transport;
};

} // namespace Tincan
