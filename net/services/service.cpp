#include "net/services/service.h"

namespace Tincan {

Service::Service(QObject *parent)
    : QObject(parent)
{
    // Queued connections and QSignalSpy copy these.
    qRegisterMetaType<Tincan::ClientInfo>();
    qRegisterMetaType<Tincan::TrafficDirection>();
}

Service::~Service() = default;

void Service::disconnectClient(quint64)
{
    // A UDP sender has no connection to cut.
}

} // namespace Tincan
