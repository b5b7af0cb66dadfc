// The one place that words a HostEvent. The command line and the server
// window say the same sentences; they differ only in how they name things,
// which the caller chooses: the command line names services by their option
// ("console") and clients by number ("client 3"), the window by their title
// ("Console") and clients by address ("client 127.0.0.1:50312").
#pragma once

#include "host/hostevent.h"

#include <QCoreApplication>

namespace Tincan {

class HostEventFormatter
{
    Q_DECLARE_TR_FUNCTIONS(HostEventFormatter)

public:
    enum class Naming {
        CommandLine, // "console: client 3 (127.0.0.1:50312) connected"
        Window,      // "Console: client 127.0.0.1:50312 connected"
    };

    static QString format(const HostEvent &event, Naming naming);
    static QString serviceName(ServiceKind kind, Naming naming);
    // "127.0.0.1:8082"; the window writes IPv6 in brackets ("[::1]:8082").
    static QString endpoint(const QHostAddress &address, quint16 port, Naming naming);
    // A client as the window names it ("Console: client 127.0.0.1:50312"), for its own notes.
    static QString describeClient(ServiceKind kind, const ClientInfo &client, Naming naming);
    // "exit 0", "killed by signal 15".
    static QString exitText(const ProcessExit &exit);

private:
    // How much of where a client is from its name carries, by command-line naming.
    enum class Where { Nothing, Host, Endpoint };
    static QString client(const HostEvent &event, Where where, Naming naming);
    static QString commandEvent(const HostEvent &event, const QString &service, Naming naming);
    static QString insecureWarning(const HostEvent &event);
};

} // namespace Tincan
