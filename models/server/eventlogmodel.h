// The server window's event log: timestamped lines, bounded so that a flood of
// connections cannot grow it without limit (the oldest lines are dropped).
#pragma once

#include <QAbstractListModel>
#include <QDateTime>

#include <deque>

namespace Tincan {

class EventLogModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventLogModel)

public:
    static constexpr int MaxEntries = 5000;

    enum class Severity {
        Info,
        Warning,
        Error,
    };

    explicit EventLogModel(QObject *parent = nullptr);

    void append(Severity severity, const QString &text);
    void clear();

    // "2024-05-01 12:00:03.123  text": what the view shows, Copy copies and Save writes.
    QString lineAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    struct Entry
    {
        QDateTime time;
        Severity severity = Severity::Info;
        QString text;
    };
    std::deque<Entry> m_entries;
};

} // namespace Tincan
