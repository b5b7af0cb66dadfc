// The transfers panel's model: one row per file transfer of any console
// session, following its ConsoleClient's transfer signals. It holds no socket
// logic: Cancel is ConsoleClient::cancelTransfer().
#pragma once

#include "net/console/consoleclient.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QPointer>
#include <QSet>

#include <vector>

namespace Tincan {

class TransferListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferListModel)

public:
    enum Column {
        NameColumn,
        DirectionColumn,
        ProgressColumn,
        SpeedColumn,
        EtaColumn,
        StateColumn,
        Md5Column,
        ColumnCount,
    };
    enum class State {
        Waiting, // asked for; no data yet (hashing, or the server is checking)
        Running,
        Done, // in place, MD5 verified
        Failed,
        Cancelled,
    };
    Q_ENUM(State)
    // Progress column: the fraction done, 0 to 1 (a double), for the delegate.
    static constexpr int FractionRole = Qt::UserRole + 1;
    // Any column: the row's State.
    static constexpr int StateRole = Qt::UserRole + 2;
    // Speed is shown once a transfer has run this long (the first burst into
    // the socket would overstate it).
    static constexpr qint64 MinimumSpeedWindowMs = 500;

    explicit TransferListModel(QObject *parent = nullptr);
    ~TransferListModel() override;

    // Adds a row for transfer `id` of `client` and follows it. `name` is what
    // the row shows; `upload` the direction. Returns the row.
    int addTransfer(ConsoleClient *client, quint64 id, const QString &name, bool upload);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    State stateAt(int row) const { return m_rows.at(std::size_t(row)).state; }
    QString md5At(int row) const { return QString::fromLatin1(m_rows.at(std::size_t(row)).md5); }
    QString messageAt(int row) const { return m_rows.at(std::size_t(row)).message; }
    bool isActive(int row) const;
    // Cancels a waiting or running transfer.
    void cancel(int row);
    // Drops the rows of transfers that have ended.
    void removeFinished();

Q_SIGNALS:
    // A transfer ended (done, failed or cancelled).
    void transferEnded(int row, Tincan::TransferListModel::State state);

private:
    struct Row
    {
        QPointer<ConsoleClient> client;
        quint64 id = 0;
        QString name;
        bool upload = true;
        State state = State::Waiting;
        qint64 size = -1;
        qint64 done = 0;
        qint64 resumedFrom = 0;
        QElapsedTimer clock;
        QByteArray md5;
        QString message;
    };
    int rowOf(const ConsoleClient *client, quint64 id) const;
    void follow(ConsoleClient *client);
    void rowChanged(int row);
    void end(int row, State state, const QString &message, const QByteArray &md5 = {});
    double bytesPerSecond(const Row &row) const;

    std::vector<Row> m_rows;
    QSet<const ConsoleClient *> m_followed;
};

} // namespace Tincan
