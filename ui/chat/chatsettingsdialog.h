// The chat's settings: the display name Tincan peers see, the UDP port to
// listen on, and (read only) this installation's id.
#pragma once

#include <QDialog>
#include <QUuid>

class QLabel;
class QLineEdit;
class QSpinBox;

namespace Tincan {

class ChatSettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatSettingsDialog)

public:
    explicit ChatSettingsDialog(QWidget *parent = nullptr);

    QString displayName() const;
    quint16 port() const;
    void setDisplayName(const QString &name);
    void setPort(quint16 port);
    void setSelfId(const QUuid &id);
    // Where the chat listens now (may differ from port() after a fallback).
    void setListeningPort(quint16 port);

private:
    QLineEdit *m_name = nullptr;
    QSpinBox *m_port = nullptr;
    QLabel *m_portHint = nullptr;
    QLineEdit *m_id = nullptr;
};

} // namespace Tincan
