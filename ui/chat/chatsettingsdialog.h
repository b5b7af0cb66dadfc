// The chat's settings: the display name Tincan peers see, the UDP port to
// listen on, (read only) this installation's id, and finding peers on the LAN:
// on or off, announcing and where, extra addresses for routed networks, IP
// Messenger's port and group. OK refuses what cannot be used, saying why.
#pragma once

#include "net/base/expected.h"
#include "net/lan/peerdirectory.h"

#include <QDialog>
#include <QUuid>

class QCheckBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace Tincan {

class ChatController;

class ChatSettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatSettingsDialog)

public:
    explicit ChatSettingsDialog(QWidget *parent = nullptr);
    // Opens the dialog (window-modal, deleted on close) for the controller's settings, and
    // applies them to it on OK.
    static ChatSettingsDialog *openFor(ChatController *controller, QWidget *parent);

    // The LAN's part.
    struct LanSettings
    {
        bool discovery = true;
        Lan::PeerDirectory::Options lan;
        QString group;
    };
    void setLanSettings(const LanSettings &settings);
    // What the fields say, or the first one that cannot be used, in words.
    Expected<LanSettings> lanSettings() const;
    QLabel *errorLabel() const { return m_error; }

public Q_SLOTS:
    void accept() override;

    QString displayName() const;
    quint16 port() const;
    void setDisplayName(const QString &name);
    void setPort(quint16 port);
    void setSelfId(const QUuid &id);
    // Where the chat listens now (may differ from port() after a fallback).
    void setListeningPort(quint16 port);

private:
    QWidget *createLanBox();

    QLineEdit *m_name = nullptr;
    QSpinBox *m_port = nullptr;
    QLabel *m_portHint = nullptr;
    QLineEdit *m_id = nullptr;
    QCheckBox *m_discovery = nullptr;
    QCheckBox *m_announce = nullptr;
    QLineEdit *m_interfaces = nullptr;
    QLineEdit *m_extra = nullptr;
    QSpinBox *m_ipmsgPort = nullptr;
    QLineEdit *m_group = nullptr;
    QLabel *m_error = nullptr;
    Lan::PeerDirectory::Options m_lanBase; // what the fields do not show (ports for tests, timing)
};

} // namespace Tincan
