#include "ui/console/dialogprompter.h"

#include <QAbstractButton>
#include <QInputDialog>
#include <QMessageBox>
#include <QPushButton>

namespace Tincan {

DialogPrompter::DialogPrompter(QWidget *parent)
    : QObject(parent)
    , m_parent(parent)
{
}

void DialogPrompter::askPassword(const PasswordQuestion &question, PasswordAnswer answer)
{
    auto *dialog = new QInputDialog(m_parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("passwordDialog"));
    dialog->setWindowTitle(tr("Console Password"));
    dialog->setTextEchoMode(QLineEdit::Password);
    dialog->setLabelText(question.wrong ? tr("The password for %1 was wrong. Try again:").arg(question.address)
                                        : tr("%1 asks for its console password:").arg(question.address));
    // Answered when it closes: with the text when accepted, else with nothing.
    connect(dialog, &QDialog::finished, this, [dialog, answer = std::move(answer)](int result) {
        answer(result == QDialog::Accepted ? std::optional<QString>(dialog->textValue()) : std::nullopt);
    });
    dialog->open();
}

void DialogPrompter::askTrust(const TrustQuestion &question, Decision answer)
{
    auto *box = new QMessageBox(m_parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("serverIdentityDialog"));
    box->setWindowTitle(question.changed ? tr("Server Identity Changed") : tr("Unknown Server"));
    if (question.changed) {
        box->setIcon(QMessageBox::Critical);
        box->setText(tr("WARNING: the identity of %1 has changed!").arg(question.address));
        box->setInformativeText(
            tr("Someone could be intercepting the connection (a machine-in-the-middle attack), or the server's key was "
               "replaced. The connection was refused.\n\nExpected fingerprint:\n%1\n\nThe server now presents:\n%2\n\n"
               "Check the new fingerprint with the server's owner (their server window shows it) before you trust it.")
                .arg(question.expected.toString(), question.presented.toString()));
        QPushButton *forget
            = box->addButton(tr("Forget the Old Key and Trust the New One"), QMessageBox::DestructiveRole);
        forget->setObjectName(QStringLiteral("trustNew"));
    } else {
        box->setIcon(QMessageBox::Question);
        box->setText(tr("The authenticity of %1 cannot be established.").arg(question.address));
        box->setInformativeText(tr("Its TLS fingerprint is:\n%1\n\nCompare it with the one the server's window or "
                                   "`tincan-cli serve` shows. Trust this server and remember it?")
                                    .arg(question.presented.toString()));
        QPushButton *trust = box->addButton(tr("Trust and Connect"), QMessageBox::AcceptRole);
        trust->setObjectName(QStringLiteral("trustNew"));
    }
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QDialog::finished, this, [box, answer = std::move(answer)] {
        const QAbstractButton *button = box->clickedButton();
        answer(button && button->objectName() == QLatin1StringView("trustNew"));
    });
    box->open();
}

void DialogPrompter::askReplace(const QString &remotePath, Decision answer)
{
    const bool replace = QMessageBox::question(m_parent, tr("Replace File?"),
                                               tr("%1 exists on the server. Replace it?").arg(remotePath))
        == QMessageBox::Yes;
    answer(replace);
}

void DialogPrompter::showNotRemembered(const QString &error)
{
    QMessageBox::warning(m_parent, tr("Unknown Server"),
                         tr("The server's fingerprint could not be remembered: %1").arg(error));
}

} // namespace Tincan
