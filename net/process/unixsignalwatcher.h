// Turns SIGINT, SIGTERM and friends into a Qt signal, through a self-pipe:
// a signal handler may only write a byte; the event loop does the rest.
#pragma once

#include <QObject>

#include <initializer_list>

class QSocketNotifier;

namespace Tincan {

class UnixSignalWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UnixSignalWatcher)

public:
    // Only one watcher may exist per process.
    explicit UnixSignalWatcher(std::initializer_list<int> signalList, QObject *parent = nullptr);
    ~UnixSignalWatcher() override;

Q_SIGNALS:
    void signalReceived(int signal);

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
    QList<int> m_signals;
};

} // namespace Tincan
