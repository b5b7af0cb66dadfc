#include "models/chat/conversationlistmodel.h"

#include "chat/chatcontroller.h"

#include <QSet>

#include <algorithm>

namespace Tincan {

namespace {
// A preview is one line; the delegate elides it to the row's width.
constexpr qsizetype MaxPreviewChars = 200;

QString preview(const QString &text)
{
    QString line = text.left(MaxPreviewChars);
    line.replace(QLatin1Char('\n'), QLatin1Char(' '));
    line.replace(QLatin1Char('\t'), QLatin1Char(' '));
    return line;
}
} // namespace

ConversationListModel::ConversationListModel(ChatController *controller, QObject *parent)
    : QAbstractListModel(parent)
    , m_controller(controller)
{
    // The history lists conversations most recent first.
    const QList<ConversationSummary> conversations = m_controller->conversations();
    m_activityClock = quint64(conversations.size());
    quint64 activity = m_activityClock;
    for (const ConversationSummary &conversation : conversations) {
        Summary &summary = m_summaries[conversation.key];
        summary.unread = conversation.unread;
        summary.last = conversation.last;
        summary.activity = activity--;
    }
    rebuild();
    m_lastTotalUnread = totalUnread();

    ChatService *service = m_controller->service();
    connect(service, &ChatService::contactsChanged, this, &ConversationListModel::rebuild);
    connect(service, &ChatService::messageAdded, this, &ConversationListModel::onMessageAdded);
    connect(m_controller, &ChatController::conversationMoved, this, &ConversationListModel::onConversationMoved);
}

int ConversationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const Row &row = m_rows.at(index.row());
    const Summary summary = m_summaries.value(row.key);
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return row.title;
    case Qt::ToolTipRole:
        return row.address.isEmpty() || row.title.contains(row.address) ? row.title
                                                                        : tr("%1 (%2)").arg(row.title, row.address);
    case KeyRole:
        return row.key;
    case AddressRole:
        return row.address;
    case UnreadRole:
        return summary.unread;
    case LastTextRole:
        return summary.last ? preview(summary.last->text) : QString();
    case LastTimeRole:
        return summary.last ? summary.last->time : QDateTime();
    case LastOutgoingRole:
        return summary.last && summary.last->outgoing;
    case IsContactRole:
        return row.contactId != 0;
    case ContactIdRole:
        return row.contactId;
    default:
        return QVariant();
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(KeyRole, "key");
    names.insert(TitleRole, "title");
    names.insert(AddressRole, "address");
    names.insert(UnreadRole, "unread");
    names.insert(LastTextRole, "lastText");
    names.insert(LastTimeRole, "lastTime");
    names.insert(LastOutgoingRole, "lastOutgoing");
    names.insert(IsContactRole, "isContact");
    names.insert(ContactIdRole, "contactId");
    return names;
}

QModelIndex ConversationListModel::indexOf(const QString &key) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).key == key)
            return index(int(i));
    return QModelIndex();
}

QString ConversationListModel::keyAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).key : QString();
}

qint64 ConversationListModel::unread(const QString &key) const
{
    return m_summaries.value(key).unread;
}

qint64 ConversationListModel::totalUnread() const
{
    qint64 total = 0;
    for (const Row &row : m_rows)
        total += m_summaries.value(row.key).unread;
    return total;
}

void ConversationListModel::markRead(const QString &key)
{
    const auto it = m_summaries.find(key);
    if (it == m_summaries.end() || it->unread == 0)
        return;
    it->unread = 0;
    if (const QModelIndex changed = indexOf(key); changed.isValid())
        Q_EMIT dataChanged(changed, changed, {UnreadRole});
    emitTotalUnread();
}

void ConversationListModel::ensureListed(const QString &key)
{
    if (key.isEmpty() || indexOf(key).isValid())
        return;
    m_opened.insert(key);
    beginInsertRows(QModelIndex(), 0, 0);
    m_rows.prepend(makeRow(key));
    endInsertRows();
}

ConversationListModel::Row ConversationListModel::makeRow(const QString &key) const
{
    const ChatService *service = m_controller->service();
    Row row;
    row.key = key;
    row.title = service->conversationTitle(key);
    if (const auto address = service->destination(key))
        row.address = address->toString();
    if (const auto contact = service->contactForConversation(key))
        row.contactId = contact->id;
    return row;
}

bool ConversationListModel::isBefore(const Row &a, const Row &b) const
{
    const Summary sa = m_summaries.value(a.key);
    const Summary sb = m_summaries.value(b.key);
    // Conversations with messages, the latest first; then the other contacts
    // in the order they were added.
    if (sa.last.has_value() != sb.last.has_value())
        return sa.last.has_value();
    if (sa.last)
        return sa.activity > sb.activity;
    return a.contactOrder < b.contactOrder;
}

void ConversationListModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    const QList<Contact> contacts = m_controller->service()->contacts();
    QSet<QString> listed;
    for (qsizetype i = 0; i < contacts.size(); ++i) {
        Row row = makeRow(ChatService::contactKey(contacts.at(i).id));
        row.contactOrder = i;
        listed.insert(row.key);
        m_rows.append(row);
    }
    for (auto it = m_summaries.cbegin(); it != m_summaries.cend(); ++it) {
        if (!listed.contains(it.key()) && it->last) {
            listed.insert(it.key());
            m_rows.append(makeRow(it.key()));
        }
    }
    for (const QString &key : std::as_const(m_opened))
        if (!listed.contains(key))
            m_rows.prepend(makeRow(key));
    std::stable_sort(m_rows.begin(), m_rows.end(), [this](const Row &a, const Row &b) { return isBefore(a, b); });
    endResetModel();
    emitTotalUnread();
}

void ConversationListModel::onMessageAdded(const StoredMessage &message)
{
    Summary &summary = m_summaries[message.conversation];
    summary.last = message;
    summary.activity = ++m_activityClock;
    if (!message.outgoing && !message.read)
        ++summary.unread;

    // The most recent conversation goes to the top.
    const QModelIndex existing = indexOf(message.conversation);
    if (!existing.isValid()) {
        beginInsertRows(QModelIndex(), 0, 0);
        m_rows.prepend(makeRow(message.conversation));
        endInsertRows();
    } else {
        const int from = existing.row();
        m_rows[from].title = makeRow(message.conversation).title; // a peer's name may have changed
        if (from > 0) {
            beginMoveRows(QModelIndex(), from, from, QModelIndex(), 0);
            m_rows.move(from, 0);
            endMoveRows();
        }
        Q_EMIT dataChanged(index(0), index(0));
    }
    emitTotalUnread();
}

void ConversationListModel::onConversationMoved(const QString &from, const QString &to)
{
    if (from == to)
        return;
    if (m_opened.remove(from))
        m_opened.insert(to);
    if (m_summaries.contains(from)) {
        const Summary moved = m_summaries.take(from);
        Summary &target = m_summaries[to];
        target.unread += moved.unread;
        if (moved.last && (!target.last || moved.activity > target.activity)) {
            target.last = moved.last;
            target.last->conversation = to;
            target.activity = moved.activity;
        }
    }
    rebuild();
}

void ConversationListModel::emitTotalUnread()
{
    const qint64 total = totalUnread();
    if (total == m_lastTotalUnread)
        return;
    m_lastTotalUnread = total;
    Q_EMIT totalUnreadChanged(total);
}

} // namespace Tincan
