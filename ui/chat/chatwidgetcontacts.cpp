// ChatWidget's contact operations (add, edit, remove, save a stranger as a contact) and the
// conversation list's menu: the widget's second file, kept apart by job.
#include "chat/chatcontroller.h"
#include "ui/chat/chatwidget.h"
#include "ui/chat/contactdialog.h"

#include <QAction>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>

namespace Tincan {

void ChatWidget::addContact()
{
    auto *dialog = new ContactDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        Contact contact = dialog->contact();
        if (const Expected<void> added = m_controller->service()->addContact(contact); !added) {
            QMessageBox::warning(this, tr("Contact Not Added"), added.error());
            return;
        }
        openConversation(ChatService::contactKey(contact.id));
    });
    dialog->open();
}

void ChatWidget::editContact()
{
    const auto contact = m_controller->service()->contactForConversation(m_currentKey);
    if (!contact)
        return;
    auto *dialog = new ContactDialog(this);
    dialog->setWindowTitle(tr("Edit Contact"));
    dialog->setContact(*contact);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (const Expected<void> updated = m_controller->service()->updateContact(dialog->contact()); !updated)
            QMessageBox::warning(this, tr("Contact Not Saved"), updated.error());
    });
    dialog->open();
}

void ChatWidget::removeContact()
{
    const auto contact = m_controller->service()->contactForConversation(m_currentKey);
    if (!contact)
        return;
    const auto address = m_controller->service()->destination(m_currentKey);
    auto *box = new QMessageBox(QMessageBox::Question, tr("Remove Contact"),
                                tr("Remove “%1” from your contacts?").arg(contact->name),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("removeContactBox"));
    if (address)
        box->setInformativeText(tr("The messages are kept, under the address %1.").arg(address->toString()));
    box->button(QMessageBox::Yes)->setText(tr("&Remove"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    const qint64 id = contact->id;
    connect(box, &QMessageBox::finished, this, [this, id, address](int result) {
        if (result != QMessageBox::Yes)
            return;
        if (const Expected<void> removed = m_controller->removeContact(id); !removed) {
            QMessageBox::warning(this, tr("Contact Not Removed"), removed.error());
            return;
        }
        if (!address)
            return;
        const QString moved = ChatService::addressKey(*address);
        if (const QString from = ChatService::contactKey(id); m_drafts.contains(from))
            m_drafts.insert(moved, m_drafts.take(from));
        openConversation(moved);
    });
    box->open();
}

void ChatWidget::saveAsContact()
{
    const ChatService *service = m_controller->service();
    const auto address = service->destination(m_currentKey);
    if (m_currentKey.isEmpty() || service->contactForConversation(m_currentKey) || !address)
        return;
    Contact proposed;
    proposed.host = address->address.toString();
    proposed.port = address->port;
    // A Tincan or IP Messenger peer has told its name; a classic one has none. The protocol is the
    // one this conversation speaks; a classic address stays Automatic, so it may turn out a Tincan.
    if (const ChatProtocol spoken = service->protocolFor(m_currentKey); spoken != ChatProtocol::Classic)
        proposed.protocol = spoken;
    const QList<StoredMessage> messages = m_controller->messages(m_currentKey);
    for (auto it = messages.crbegin(); it != messages.crend(); ++it) {
        if (!it->outgoing && !it->peerName.isEmpty()) {
            proposed.name = it->peerName;
            break;
        }
    }

    auto *dialog = new ContactDialog(this);
    dialog->setWindowTitle(tr("Save as Contact"));
    dialog->setContact(proposed);
    dialog->setAddressEditable(false);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString key = m_currentKey;
    connect(dialog, &QDialog::accepted, this, [this, dialog, key] {
        const Contact entered = dialog->contact();
        const Expected<QString> savedKey = m_controller->saveAsContact(key, entered.name);
        if (!savedKey) {
            QMessageBox::warning(this, tr("Contact Not Saved"), savedKey.error());
            return;
        }
        const QString saved = *savedKey;
        if (m_drafts.contains(key))
            m_drafts.insert(saved, m_drafts.take(key));
        // The service picks the protocol from what it knows; the user's choice wins.
        if (auto contact = m_controller->service()->contactForConversation(saved);
            contact && contact->protocol != entered.protocol) {
            contact->protocol = entered.protocol;
            m_controller->service()->updateContact(*contact);
        }
        openConversation(saved);
    });
    dialog->open();
}

void ChatWidget::showListMenu(const QPoint &position)
{
    const QModelIndex index = m_conversationList->indexAt(position);
    if (index.isValid())
        m_conversationList->setCurrentIndex(index);
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    if (index.isValid()) {
        if (m_editContactAction->isEnabled()) {
            menu->addAction(m_editContactAction);
            menu->addAction(m_removeContactAction);
        } else if (m_saveAsContactAction->isEnabled()) {
            menu->addAction(m_saveAsContactAction);
        }
        menu->addSeparator();
    }
    menu->addAction(m_addContactAction);
    menu->popup(m_conversationList->viewport()->mapToGlobal(position));
}

} // namespace Tincan
