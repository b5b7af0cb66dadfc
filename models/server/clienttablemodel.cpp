#include "models/server/clienttablemodel.h"

#include <QColor>
#include <QFont>
#include <QLocale>

#include <algorithm>

namespace Tincan {

namespace {
const QColor DisconnectedColor(0x80, 0x80, 0x80);
const QString SinceFormat = QStringLiteral("HH:mm:ss");

QString addressText(const ClientInfo &info)
{
    const QString host = info.address.toString();
    // "[::1]:5000" keeps an IPv6 address readable next to its port.
    return (info.address.protocol() == QAbstractSocket::IPv6Protocol ? QLatin1Char('[') + host + QLatin1Char(']')
                                                                     : host)
        + QLatin1Char(':') + QString::number(info.port);
}
} // namespace

ClientTableModel::ClientTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_refresh.setSingleShot(true);
    m_refresh.setInterval(RefreshInterval);
    connect(&m_refresh, &QTimer::timeout, this, &ClientTableModel::flush);
}

void ClientTableModel::update(const ClientRef &ref, const ClientInfo &info)
{
    const auto found = m_rowOf.find(ref);
    if (found != m_rowOf.end()) {
        Row &row = m_rows[size_t(found->second)];
        row.info = info;
        markDirty(found->second);
        return;
    }
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.push_back({ref, info, true});
    m_rowOf[ref] = row;
    endInsertRows();
}

void ClientTableModel::markDisconnected(const ClientRef &ref)
{
    const auto found = m_rowOf.find(ref);
    if (found == m_rowOf.end() || !m_rows[size_t(found->second)].connected)
        return;
    Row &row = m_rows[size_t(found->second)];
    row.connected = false;
    row.info.runningCommand.clear();
    markDirty(found->second);
    m_disconnectedOrder.push_back(ref);
    pruneDisconnected();
}

void ClientTableModel::markRunEnded(ServiceKind service, quint64 run)
{
    std::vector<ClientRef> ended;
    for (const Row &row : m_rows)
        if (row.connected && row.ref.service == service && row.ref.run == run)
            ended.push_back(row.ref);
    for (const ClientRef &ref : ended)
        markDisconnected(ref);
}

void ClientTableModel::pruneDisconnected()
{
    while (int(m_disconnectedOrder.size()) > MaxDisconnectedRows) {
        const ClientRef ref = m_disconnectedOrder.front();
        m_disconnectedOrder.pop_front();
        const int row = rowOf(ref);
        if (row >= 0) {
            removeRowAt(row);
            Q_EMIT clientForgotten(ref);
        }
    }
}

void ClientTableModel::removeRowAt(int row)
{
    // Pending refreshes refer to rows by position; refresh everything instead.
    flush();
    beginRemoveRows({}, row, row);
    m_rowOf.erase(m_rows[size_t(row)].ref);
    m_rows.erase(m_rows.begin() + row);
    for (auto &[ref, index] : m_rowOf)
        if (index > row)
            --index;
    endRemoveRows();
}

void ClientTableModel::markDirty(int row)
{
    m_dirtyFirst = m_dirtyFirst < 0 ? row : std::min(m_dirtyFirst, row);
    m_dirtyLast = std::max(m_dirtyLast, row);
    if (!m_refresh.isActive())
        m_refresh.start();
}

void ClientTableModel::flush()
{
    m_refresh.stop();
    if (m_dirtyFirst < 0)
        return;
    const int first = m_dirtyFirst;
    const int last = std::min(m_dirtyLast, int(m_rows.size()) - 1);
    m_dirtyFirst = m_dirtyLast = -1;
    if (first <= last)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

int ClientTableModel::rowOf(const ClientRef &ref) const
{
    const auto found = m_rowOf.find(ref);
    return found == m_rowOf.end() ? -1 : found->second;
}

std::optional<ClientRef> ClientTableModel::refAt(int row) const
{
    if (row < 0 || row >= int(m_rows.size()))
        return std::nullopt;
    return m_rows[size_t(row)].ref;
}

std::optional<ClientInfo> ClientTableModel::info(const ClientRef &ref) const
{
    const int row = rowOf(ref);
    if (row < 0)
        return std::nullopt;
    return m_rows[size_t(row)].info;
}

bool ClientTableModel::isConnected(const ClientRef &ref) const
{
    const int row = rowOf(ref);
    return row >= 0 && m_rows[size_t(row)].connected;
}

int ClientTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ClientTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClientTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const ClientInfo &info = row.info;
    if (role == Qt::ForegroundRole)
        return row.connected ? QVariant() : QVariant(DisconnectedColor);
    if (role == Qt::TextAlignmentRole && (index.column() == BytesInColumn || index.column() == BytesOutColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == RawValueRole) {
        switch (index.column()) {
        case BytesInColumn:
            return info.bytesIn;
        case BytesOutColumn:
            return info.bytesOut;
        case SinceColumn:
            return info.since;
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole && index.column() == SinceColumn)
        return QLocale().toString(info.since, QLocale::LongFormat);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case AddressColumn:
        return addressText(info);
    case ServiceColumn:
        return ServiceNames::name(row.ref.service);
    case ProtocolColumn:
        return info.protocol;
    case SinceColumn:
        return info.since.toString(SinceFormat);
    case BytesInColumn:
        return QLocale().formattedDataSize(info.bytesIn);
    case BytesOutColumn:
        return QLocale().formattedDataSize(info.bytesOut);
    case CommandColumn:
        return row.connected ? info.runningCommand : tr("(disconnected)");
    default:
        return {};
    }
}

QVariant ClientTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case AddressColumn:
        return tr("Address");
    case ServiceColumn:
        return tr("Service");
    case ProtocolColumn:
        return tr("Protocol");
    case SinceColumn:
        return tr("Since");
    case BytesInColumn:
        return tr("Bytes in");
    case BytesOutColumn:
        return tr("Bytes out");
    case CommandColumn:
        return tr("Command");
    default:
        return {};
    }
}

} // namespace Tincan
