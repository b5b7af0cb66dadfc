#include "models/chat/conversationmodel.h"

#include "chat/chatcontroller.h"

#include <QLocale>
#include <QRegularExpression>

namespace Tincan {

QString ConversationModel::displayTime(const QDateTime &utc, bool alwaysTime)
{
    const QDateTime local = utc.toLocalTime();
    const QLocale locale;
    // Seconds are noise in a chat; some locales' short format has them.
    static const QRegularExpression seconds(QStringLiteral("[:.]ss?"));
    QString format = locale.timeFormat(QLocale::ShortFormat);
    format.remove(seconds);
    const QString time = locale.toString(local.time(), format);
    if (local.date() == QDate::currentDate())
        return time;
    const QString date = locale.toString(local.date(), QLocale::ShortFormat);
    return alwaysTime ? tr("%1 %2", "date and time").arg(date, time) : date;
}

ConversationModel::ConversationModel(ChatController *controller, QObject *parent)
    : QAbstractListModel(parent)
    , m_controller(controller)
{
    ChatService *service = m_controller->service();
    connect(service, &ChatService::messageAdded, this, &ConversationModel::onMessageAdded);
    connect(service, &ChatService::messageStateChanged, this, &ConversationModel::onMessageStateChanged);
    // A contact's new name shows as the sender of its messages.
    connect(service, &ChatService::contactsChanged, this, [this] {
        if (!m_messages.isEmpty())
            Q_EMIT dataChanged(index(0), index(int(m_messages.size()) - 1), {SenderRole});
    });
    connect(m_controller, &ChatController::conversationMoved, this, [this](const QString &from, const QString &to) {
        if (from == m_key) {
            m_key = to;
            for (StoredMessage &message : m_messages)
                message.conversation = to;
        }
    });
}

void ConversationModel::setConversation(const QString &key)
{
    if (key == m_key)
        return;
    beginResetModel();
    m_key = key;
    m_messages = key.isEmpty() ? QList<StoredMessage>() : m_controller->messages(key);
    endResetModel();
}

int ConversationModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_messages.size());
}

QString ConversationModel::stateText(DeliveryState state)
{
    switch (state) {
    case DeliveryState::Sending:
        return tr("Sending…");
    case DeliveryState::Delivered:
        return tr("Delivered ✓");
    case DeliveryState::Failed:
        return tr("Not delivered");
    case DeliveryState::Sent:
        return tr("Sent");
    }
    return QString();
}

QString ConversationModel::senderOf(const StoredMessage &message) const
{
    if (message.outgoing)
        return tr("You");
    // The user's name for a contact, else the name a Tincan peer gives itself.
    if (const auto contact = m_controller->service()->contactForConversation(message.conversation))
        return contact->name;
    if (!message.peerName.isEmpty())
        return message.peerName;
    return message.peer.toString();
}

QVariant ConversationModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const StoredMessage &message = m_messages.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return message.text;
    case MessageIdRole:
        return message.messageId;
    case TimeRole:
        return message.time;
    case SenderRole:
        return senderOf(message);
    case OutgoingRole:
        return message.outgoing;
    case StateRole:
        return message.outgoing ? QVariant::fromValue(message.state) : QVariant();
    case StateTextRole:
        return message.outgoing ? stateText(message.state) : QString();
    case ClassicRole:
        return message.classic;
    case CanRetryRole:
        return message.outgoing && message.state == DeliveryState::Failed;
    case Qt::ToolTipRole:
        return message.time.toLocalTime().toString(Qt::TextDate);
    default:
        return QVariant();
    }
}

QHash<int, QByteArray> ConversationModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(MessageIdRole, "messageId");
    names.insert(TextRole, "text");
    names.insert(TimeRole, "time");
    names.insert(SenderRole, "sender");
    names.insert(OutgoingRole, "outgoing");
    names.insert(StateRole, "state");
    names.insert(StateTextRole, "stateText");
    names.insert(ClassicRole, "classic");
    names.insert(CanRetryRole, "canRetry");
    return names;
}

QModelIndex ConversationModel::indexOf(const QUuid &messageId) const
{
    // Searched from the end: state changes concern recent messages.
    for (qsizetype i = m_messages.size() - 1; i >= 0; --i)
        if (m_messages.at(i).messageId == messageId)
            return index(int(i));
    return QModelIndex();
}

void ConversationModel::onMessageAdded(const StoredMessage &message)
{
    if (m_key.isEmpty() || message.conversation != m_key)
        return;
    const int row = int(m_messages.size());
    beginInsertRows(QModelIndex(), row, row);
    m_messages.append(message);
    endInsertRows();
}

void ConversationModel::onMessageStateChanged(const QUuid &messageId, DeliveryState state)
{
    const QModelIndex changed = indexOf(messageId);
    if (!changed.isValid())
        return;
    StoredMessage &message = m_messages[changed.row()];
    if (!message.outgoing || message.state == state)
        return;
    message.state = state;
    Q_EMIT dataChanged(changed, changed, {StateRole, StateTextRole, CanRetryRole});
}

} // namespace Tincan
