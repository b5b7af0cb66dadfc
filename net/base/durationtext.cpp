#include "net/base/durationtext.h"

#include <QCoreApplication>

namespace Tincan {

QString describeDuration(std::chrono::milliseconds duration)
{
    if (duration.count() % 1000 == 0)
        return QCoreApplication::translate("Tincan::DurationText", "%1 s").arg(duration.count() / 1000);
    return QCoreApplication::translate("Tincan::DurationText", "%1 ms").arg(duration.count());
}

} // namespace Tincan
