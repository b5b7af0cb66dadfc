#include "models/server/eventlogmodel.h"

#include <QColor>
#include <QFont>

namespace Tincan {

namespace {
const QString TimeFormat = QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz");
const QColor WarningColor(0xb3, 0x6b, 0x00);
const QColor ErrorColor(0xc0, 0x1c, 0x28);
} // namespace

EventLogModel::EventLogModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

void EventLogModel::append(Severity severity, const QString &text)
{
    if (int(m_entries.size()) >= MaxEntries) {
        beginRemoveRows({}, 0, 0);
        m_entries.pop_front();
        endRemoveRows();
    }
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries.push_back({QDateTime::currentDateTime(), severity, text});
    endInsertRows();
}

void EventLogModel::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

QString EventLogModel::lineAt(int row) const
{
    if (row < 0 || row >= int(m_entries.size()))
        return {};
    const Entry &entry = m_entries[size_t(row)];
    return entry.time.toString(TimeFormat) + QStringLiteral("  ") + entry.text;
}

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_entries.size()))
        return {};
    const Entry &entry = m_entries[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return lineAt(index.row());
    case Qt::ForegroundRole:
        if (entry.severity == Severity::Warning)
            return WarningColor;
        if (entry.severity == Severity::Error)
            return ErrorColor;
        return {};
    case Qt::FontRole:
        if (entry.severity != Severity::Info) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    default:
        return {};
    }
}

} // namespace Tincan
