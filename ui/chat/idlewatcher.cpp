#include "ui/chat/idlewatcher.h"

#include <QCoreApplication>
#include <QEvent>

namespace Tincan {

IdleWatcher::IdleWatcher(QObject *parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(DefaultIdleTime);
    connect(&m_timer, &QTimer::timeout, this, [this] { setIdle(true); });
    qApp->installEventFilter(this);
    m_timer.start();
}

IdleWatcher::~IdleWatcher()
{
    qApp->removeEventFilter(this);
}

void IdleWatcher::setIdleTime(std::chrono::milliseconds time)
{
    m_timer.setInterval(time);
    if (!m_idle)
        m_timer.start();
}

bool IdleWatcher::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::MouseMove:
    case QEvent::Wheel:
    case QEvent::TouchBegin:
        // Every widget sees the event in turn; restarting the timer is cheap.
        m_timer.start();
        setIdle(false);
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

void IdleWatcher::setIdle(bool idle)
{
    if (idle == m_idle)
        return;
    m_idle = idle;
    Q_EMIT idleChanged(idle);
}

} // namespace Tincan
