// The server window's table of clients. Under a flood a service reports byte
// counts many thousand times a second; the model keeps only the latest report
// per client and tells its views at most RefreshInterval apart.
#pragma once

#include "host/servicekind.h"
#include "net/services/serviceevents.h"

#include <QAbstractTableModel>
#include <QTimer>

#include <chrono>
#include <deque>
#include <map>
#include <optional>

namespace Tincan {

class ClientTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientTableModel)

public:
    static constexpr std::chrono::milliseconds RefreshInterval{100};
    // Disconnected clients stay listed (greyed) so their traffic can still be
    // read; the oldest are removed past this many.
    static constexpr int MaxDisconnectedRows = 32;

    enum Column {
        AddressColumn,
        ServiceColumn,
        ProtocolColumn,
        SinceColumn,
        BytesInColumn,
        BytesOutColumn,
        CommandColumn,
        ColumnCount,
    };
    // Qt::UserRole: the raw value (bytes as qint64, since as QDateTime).
    static constexpr int RawValueRole = Qt::UserRole;

    explicit ClientTableModel(QObject *parent = nullptr);

    // Adds the client, or records its latest state for the next refresh.
    void update(const ClientRef &ref, const ClientInfo &info);
    void markDisconnected(const ClientRef &ref);
    // Marks every connected client of an old run of `service` disconnected.
    void markRunEnded(ServiceKind service, quint64 run);

    int rowOf(const ClientRef &ref) const;
    std::optional<ClientRef> refAt(int row) const;
    std::optional<ClientInfo> info(const ClientRef &ref) const;
    bool isConnected(const ClientRef &ref) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // A disconnected client's row was removed (its captured traffic can go too).
    void clientForgotten(const Tincan::ClientRef &ref);

private:
    struct Row
    {
        ClientRef ref;
        ClientInfo info;
        bool connected = true;
    };
    void markDirty(int row);
    void flush();
    void removeRowAt(int row);
    void pruneDisconnected();

    std::deque<Row> m_rows;
    std::map<ClientRef, int> m_rowOf;
    std::deque<ClientRef> m_disconnectedOrder;
    int m_dirtyFirst = -1;
    int m_dirtyLast = -1;
    QTimer m_refresh;
};

} // namespace Tincan
