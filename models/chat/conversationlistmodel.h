// The list on the left of the Chat tab: every contact (with messages or not)
// and every conversation with someone who is not a contact, the most recently
// active first, each with its unread count and last message.
#pragma once

#include "chat/chathistory.h"

#include <QAbstractListModel>
#include <QHash>
#include <QSet>

#include <optional>

namespace Tincan {

class ChatController;

class ConversationListModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConversationListModel)

public:
    enum Role {
        KeyRole = Qt::UserRole + 1, // QString: the conversation key (see ChatService)
        TitleRole,                  // QString: the contact's name, ip:port, or "name (ip:port)"
        AddressRole,                // QString: ip:port, where its messages go
        UnreadRole,                 // qint64
        LastTextRole,               // QString: the last message, on one line
        LastTimeRole,               // QDateTime (UTC); invalid without messages
        LastOutgoingRole,           // bool: the last message is the user's own
        IsContactRole,              // bool
        ContactIdRole,              // qint64; 0 when not a contact
    };
    Q_ENUM(Role)

    explicit ConversationListModel(ChatController *controller, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QModelIndex indexOf(const QString &key) const;
    QString keyAt(int row) const;
    qint64 unread(const QString &key) const;
    qint64 totalUnread() const;
    // The user has seen the conversation.
    void markRead(const QString &key);
    // Lists `key` (at the top) even without messages: the user opened it from the people list.
    void ensureListed(const QString &key);

Q_SIGNALS:
    void totalUnreadChanged(qint64 total);

private:
    struct Summary
    {
        qint64 unread = 0;
        std::optional<StoredMessage> last;
        quint64 activity = 0; // larger: more recent
    };
    struct Row
    {
        QString key;
        QString title;
        QString address;
        qint64 contactId = 0;
        qsizetype contactOrder = 0;
    };

    void rebuild();
    Row makeRow(const QString &key) const;
    bool isBefore(const Row &a, const Row &b) const;
    void onMessageAdded(const StoredMessage &message);
    void onMessageStateChanged(const QUuid &messageId, DeliveryState state);
    void onConversationMoved(const QString &from, const QString &to);
    void emitTotalUnread();

    ChatController *m_controller;
    QList<Row> m_rows;
    QHash<QString, Summary> m_summaries;
    QSet<QString> m_opened; // listed by ensureListed(), with or without messages
    quint64 m_activityClock = 0;
    qint64 m_lastTotalUnread = -1;
};

} // namespace Tincan
