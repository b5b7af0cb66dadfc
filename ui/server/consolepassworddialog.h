// Sets or removes the console's password (Server window → Console →
// Password…). Only a salted PBKDF2 hash of it is kept; hashing takes a
// noticeable fraction of a second, so it runs on a worker thread while the
// dialog says so.
#pragma once

#include "net/auth/passwordhash.h"

#include <QDialog>
#include <QFutureWatcher>

#include <optional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Tincan {

class ConsolePasswordDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsolePasswordDialog)

public:
    // `hasPassword`: one is set now, so it can be removed.
    explicit ConsolePasswordDialog(bool hasPassword, QWidget *parent = nullptr);
    ~ConsolePasswordDialog() override;

    // After accepted(): the new hash, or a null one when the password was removed.
    PasswordHash result() const { return m_result; }
    bool removed() const { return m_removed; }

    // Empty when the fields can be used, else why not.
    QString validationError() const;

    // The hash kept in `path`: a null one when there is none; a failure (why)
    // when it cannot be used: unreadable, malformed, or readable by others,
    // who could then log in.
    static Expected<PasswordHash> readStored(const QString &path);
    // Keeps `hash` in `path`, owner-only, or removes the file for a null hash.
    static Expected<void> store(const QString &path, const PasswordHash &hash);

public Q_SLOTS:
    void accept() override;

private:
    void validate();
    void onHashed();

    QLineEdit *m_password = nullptr;
    QLineEdit *m_confirm = nullptr;
    QLabel *m_message = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_remove = nullptr;
    QFutureWatcher<Expected<PasswordHash>> m_hashing;
    PasswordHash m_result;
    bool m_removed = false;
};

} // namespace Tincan
