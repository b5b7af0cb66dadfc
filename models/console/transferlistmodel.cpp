#include "models/console/transferlistmodel.h"

#include <QLocale>

namespace Tincan {

namespace {
QString humanSize(double bytes)
{
    return QLocale().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeTraditionalFormat);
}
} // namespace

TransferListModel::TransferListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

TransferListModel::~TransferListModel() = default;

int TransferListModel::addTransfer(ConsoleClient *client, quint64 id, const QString &name, bool upload)
{
    follow(client);
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    Row added;
    added.client = client;
    added.id = id;
    added.name = name;
    added.upload = upload;
    m_rows.push_back(std::move(added));
    endInsertRows();
    return row;
}

void TransferListModel::follow(ConsoleClient *client)
{
    if (m_followed.contains(client))
        return;
    m_followed.insert(client);
    connect(client, &ConsoleClient::transferStarted, this, [this, client](quint64 id, qint64 size, qint64 from) {
        const int row = rowOf(client, id);
        if (row < 0)
            return;
        Row &r = m_rows[std::size_t(row)];
        r.state = State::Running;
        r.size = size;
        r.done = from;
        r.resumedFrom = from;
        r.clock.start();
        rowChanged(row);
    });
    connect(client, &ConsoleClient::transferProgress, this, [this, client](quint64 id, qint64 done, qint64 size) {
        const int row = rowOf(client, id);
        if (row < 0)
            return;
        Row &r = m_rows[std::size_t(row)];
        r.done = done;
        r.size = size;
        rowChanged(row);
    });
    connect(client, &ConsoleClient::transferFinished, this, [this, client](quint64 id, const QByteArray &md5) {
        const int row = rowOf(client, id);
        if (row >= 0)
            end(row, State::Done, {}, md5);
    });
    connect(client, &ConsoleClient::transferFailed, this,
            [this, client](quint64 id, ConsoleClient::TransferError error, const QString &message) {
                const int row = rowOf(client, id);
                if (row >= 0)
                    end(row, error == ConsoleClient::TransferError::Cancelled ? State::Cancelled : State::Failed,
                        message);
            });
    connect(client, &QObject::destroyed, this, [this, client] {
        m_followed.remove(client);
        for (int row = 0; row < int(m_rows.size()); ++row)
            if (isActive(row) && !m_rows[std::size_t(row)].client)
                end(row, State::Failed, tr("The session was closed."));
    });
}

int TransferListModel::rowOf(const ConsoleClient *client, quint64 id) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == id && m_rows[i].client == client)
            return int(i);
    return -1;
}

void TransferListModel::rowChanged(int row)
{
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void TransferListModel::end(int row, State state, const QString &message, const QByteArray &md5)
{
    Row &r = m_rows[std::size_t(row)];
    if (!isActive(row))
        return;
    r.state = state;
    r.message = message;
    r.md5 = md5;
    if (state == State::Done)
        r.done = r.size < 0 ? 0 : r.size;
    rowChanged(row);
    Q_EMIT transferEnded(row, state);
}

bool TransferListModel::isActive(int row) const
{
    const State state = m_rows.at(std::size_t(row)).state;
    return state == State::Waiting || state == State::Running;
}

void TransferListModel::cancel(int row)
{
    if (row < 0 || row >= int(m_rows.size()) || !isActive(row))
        return;
    Row &r = m_rows[std::size_t(row)];
    if (r.client)
        r.client->cancelTransfer(r.id); // transferFailed(Cancelled) follows
    else
        end(row, State::Cancelled, tr("Cancelled."));
}

void TransferListModel::removeFinished()
{
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (isActive(row))
            continue;
        beginRemoveRows({}, row, row);
        m_rows.erase(m_rows.begin() + row);
        endRemoveRows();
    }
}

double TransferListModel::bytesPerSecond(const Row &row) const
{
    if (row.state != State::Running || !row.clock.isValid() || row.clock.elapsed() < MinimumSpeedWindowMs)
        return -1;
    return double(row.done - row.resumedFrom) * 1000.0 / double(row.clock.elapsed());
}

int TransferListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TransferListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TransferListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const Row &row = m_rows[std::size_t(index.row())];
    if (role == StateRole)
        return QVariant::fromValue(row.state);
    const double fraction = row.size > 0 ? double(row.done) / double(row.size) : (row.state == State::Done ? 1.0 : 0.0);
    if (role == FractionRole && index.column() == ProgressColumn)
        return fraction;
    if (role == Qt::ToolTipRole)
        return row.message.isEmpty() ? row.name : row.message;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case NameColumn:
        return row.name;
    case DirectionColumn:
        return row.upload ? tr("Upload") : tr("Download");
    case ProgressColumn:
        return row.size < 0 ? QString() : tr("%1% of %2").arg(int(fraction * 100)).arg(humanSize(double(row.size)));
    case SpeedColumn: {
        const double speed = bytesPerSecond(row);
        return speed < 0 ? QString() : tr("%1/s").arg(humanSize(speed));
    }
    case EtaColumn: {
        const double speed = bytesPerSecond(row);
        if (speed <= 0)
            return QString();
        const qint64 seconds = qint64(double(row.size - row.done) / speed);
        return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    }
    case StateColumn:
        switch (row.state) {
        case State::Waiting:
            return tr("Waiting");
        case State::Running:
            return row.resumedFrom > 0 ? tr("Resumed") : tr("Running");
        case State::Done:
            return tr("Done");
        case State::Failed:
            return tr("Failed: %1").arg(row.message);
        case State::Cancelled:
            return tr("Cancelled");
        }
        return {};
    case Md5Column:
        return QString::fromLatin1(row.md5);
    default:
        return {};
    }
}

QVariant TransferListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case DirectionColumn:
        return tr("Direction");
    case ProgressColumn:
        return tr("Progress");
    case SpeedColumn:
        return tr("Speed");
    case EtaColumn:
        return tr("ETA");
    case StateColumn:
        return tr("State");
    case Md5Column:
        return tr("Verified MD5");
    default:
        return {};
    }
}

} // namespace Tincan
