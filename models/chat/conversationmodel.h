// The messages of one conversation, oldest first, as the Chat tab shows them:
// time, sender, text, and for the user's own messages the delivery state.
#pragma once

#include "chat/chathistory.h"

#include <QAbstractListModel>

namespace Tincan {

class ChatController;

class ConversationModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConversationModel)

public:
    enum Role {
        MessageIdRole = Qt::UserRole + 1, // QUuid
        TextRole,                         // QString (also Qt::DisplayRole)
        TimeRole,                         // QDateTime (UTC)
        SenderRole,                       // QString: "You", the peer's name or ip:port
        OutgoingRole,                     // bool
        StateRole,                        // Tincan::DeliveryState; outgoing only
        StateTextRole,                    // QString: "Sending…", "Delivered ✓", ...; outgoing only
        ClassicRole,                      // bool: exchanged as bare text with a classic peer
        CanRetryRole,                     // bool: an own message that failed
    };
    Q_ENUM(Role)

    explicit ConversationModel(ChatController *controller, QObject *parent = nullptr);

    // Shows a conversation (empty: none), loading its messages.
    void setConversation(const QString &key);
    QString conversation() const { return m_key; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QModelIndex indexOf(const QUuid &messageId) const;
    static QString stateText(DeliveryState state);
    // When a message was written, for the user: the time of day (hours and
    // minutes) today, else the date, followed by the time with `alwaysTime`.
    static QString displayTime(const QDateTime &utc, bool alwaysTime);

private:
    QString senderOf(const StoredMessage &message) const;
    void onMessageAdded(const StoredMessage &message);
    void onMessageStateChanged(const QUuid &messageId, DeliveryState state);

    ChatController *m_controller;
    QString m_key;
    QList<StoredMessage> m_messages;
};

} // namespace Tincan
