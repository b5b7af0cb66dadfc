// Adds or edits a chat contact: name, host (an IP address or localhost), port
// and protocol, each protocol with a sentence saying what it means.
#pragma once

#include "chat/chathistory.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace Tincan {

class ContactDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ContactDialog)

public:
    // Names are labels in a list; longer ones are refused.
    static constexpr qsizetype MaxNameLength = 100;

    explicit ContactDialog(QWidget *parent = nullptr);

    // The contact as entered; id and peer id are those given to setContact().
    Contact contact() const;
    void setContact(const Contact &contact);

    void setName(const QString &name);
    void setHost(const QString &host);
    void setPort(quint16 port);
    void setProtocol(ChatProtocol protocol);

    // Empty when the input can be used, else why not.
    QString validationError() const;
    // The contact's address can only be seen (a conversation saved as a
    // contact keeps its address).
    void setAddressEditable(bool editable);

    static QString protocolName(ChatProtocol protocol);
    static QString protocolDescription(ChatProtocol protocol);

public Q_SLOTS:
    void accept() override;

private:
    void validate();

    Contact m_contact;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QComboBox *m_protocol = nullptr;
    QLabel *m_protocolHint = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace Tincan
