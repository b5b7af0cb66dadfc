#include "ui/server/consolepassworddialog.h"

#include "net/base/privatefiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace Tincan {

ConsolePasswordDialog::ConsolePasswordDialog(bool hasPassword, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Console Password"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Clients must log in with this password before they run anything. With a "
                                "password the console may listen on an address other machines can reach. Only "
                                "a salted hash of it is kept."));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *form = new QFormLayout;
    m_password = new QLineEdit;
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_confirm = new QLineEdit;
    m_confirm->setObjectName(QStringLiteral("confirm"));
    m_confirm->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&New password:"), m_password);
    form->addRow(tr("&Confirm:"), m_confirm);
    layout->addLayout(form);

    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    layout->addWidget(m_message);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    if (hasPassword) {
        m_remove = m_buttons->addButton(tr("&Remove Password"), QDialogButtonBox::DestructiveRole);
        m_remove->setObjectName(QStringLiteral("remove"));
        connect(m_remove, &QPushButton::clicked, this, [this] {
            m_removed = true;
            m_result = {};
            QDialog::accept();
        });
    }
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ConsolePasswordDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);

    connect(m_password, &QLineEdit::textChanged, this, &ConsolePasswordDialog::validate);
    connect(m_confirm, &QLineEdit::textChanged, this, &ConsolePasswordDialog::validate);
    connect(&m_hashing, &QFutureWatcher<Expected<PasswordHash>>::finished, this, &ConsolePasswordDialog::onHashed);
    validate();
}

ConsolePasswordDialog::~ConsolePasswordDialog()
{
    // The worker holds no reference to the dialog; only its result is dropped.
    m_hashing.disconnect(this);
    m_hashing.waitForFinished();
}

QString ConsolePasswordDialog::validationError() const
{
    const QString password = m_password->text();
    if (password.isEmpty())
        return tr("Type the password twice.");
    if (password.toUtf8().size() > PasswordHash::MaxPasswordSize)
        return tr("The password is longer than %1 bytes.").arg(PasswordHash::MaxPasswordSize);
    if (m_confirm->text() != password)
        return tr("The two passwords differ.");
    return {};
}

void ConsolePasswordDialog::validate()
{
    const QString error = validationError();
    m_message->setText(m_confirm->text().isEmpty() && !m_password->text().isEmpty() ? QString() : error);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty() && !m_hashing.isRunning());
}

void ConsolePasswordDialog::accept()
{
    if (!validationError().isEmpty() || m_hashing.isRunning())
        return;
    m_message->setText(tr("Hashing the password…"));
    m_password->setEnabled(false);
    m_confirm->setEnabled(false);
    m_buttons->setEnabled(false);
    const QString password = m_password->text();
    m_hashing.setFuture(QtConcurrent::run([password] { return PasswordHash::create(password); }));
}

void ConsolePasswordDialog::onHashed()
{
    const Expected<PasswordHash> hash = m_hashing.result();
    m_password->setEnabled(true);
    m_confirm->setEnabled(true);
    m_buttons->setEnabled(true);
    if (!hash) {
        m_message->setText(tr("The password could not be hashed."));
        return;
    }
    m_result = *hash;
    m_removed = false;
    QDialog::accept();
}

Expected<PasswordHash> ConsolePasswordDialog::readStored(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return PasswordHash();
    if (!file.open(QIODevice::ReadOnly))
        return Failure{file.errorString()};
    if (file.permissions() & PrivateFiles::GroupAndOther) {
        // Whoever reads the hash can log in (docs/SECURITY.md): refuse a shared one.
        return Failure{tr("it can be read by other users (mode %1)").arg(PrivateFiles::modeString(file.permissions()))};
    }
    return PasswordHash::fromString(QString::fromUtf8(file.read(PasswordHash::MaxTextSize + 1)));
}

Expected<void> ConsolePasswordDialog::store(const QString &path, const PasswordHash &hash)
{
    if (hash.isNull()) {
        if (QFile::exists(path) && !QFile::remove(path))
            return Failure{tr("%1 could not be removed.").arg(QDir::toNativeSeparators(path))};
        return {};
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(PrivateFiles::OwnerOnlyFile)
        || file.write(hash.toString().toUtf8() + '\n') < 0 || !file.commit())
        return Failure{file.errorString()};
    return {};
}

} // namespace Tincan
