// Says when the user has not touched the app (keys, mouse, wheel, touch) for a while, so the
// chat can say "away" by itself, and when they are back.
#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>

namespace Tincan {

class IdleWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IdleWatcher)

public:
    // Away after this long without input in the app, as most messengers do.
    static constexpr std::chrono::minutes DefaultIdleTime{10};

    explicit IdleWatcher(QObject *parent = nullptr);
    ~IdleWatcher() override;

    void setIdleTime(std::chrono::milliseconds time);
    bool isIdle() const { return m_idle; }

Q_SIGNALS:
    void idleChanged(bool idle);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void setIdle(bool idle);

    QTimer m_timer;
    bool m_idle = false;
};

} // namespace Tincan
