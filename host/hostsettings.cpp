#include "host/hostsettings.h"

#include <QCoreApplication>

namespace Tincan {

namespace {

class SettingsText
{
    Q_DECLARE_TR_FUNCTIONS(HostSettings)
};

QString seconds(std::chrono::milliseconds value)
{
    return QString::number(std::chrono::duration_cast<std::chrono::seconds>(value).count());
}

// "what must be from low to high", or empty when it is.
QString outside(const QString &what, qint64 value, qint64 low, qint64 high)
{
    if (value >= low && value <= high)
        return {};
    return SettingsText::tr("%1 must be from %2 to %3, not %4.").arg(what).arg(low).arg(high).arg(value);
}

QString durationProblem(const QString &what, std::chrono::milliseconds value, std::chrono::milliseconds low)
{
    if (value >= low && value <= HostSettings::MaxDuration)
        return {};
    return SettingsText::tr("%1 must be from %2 to %3 seconds, not %4 ms.")
        .arg(what, seconds(low), seconds(HostSettings::MaxDuration))
        .arg(value.count());
}

} // namespace

QString HostSettings::validationError() const
{
    for (const auto &[kind, listen] : services) {
        if (kind == ServiceKind::Chat)
            return SettingsText::tr("The chat is run by the main window, not by the service host.");
        if (listen.address.isNull())
            return SettingsText::tr("%1: no address to listen on.").arg(ServiceNames::name(kind));
    }
    using std::chrono::milliseconds;
    const QString problems[] = {
        outside(SettingsText::tr("The number of console connections"), maxConnections, 1, MaxConnectionCount),
        outside(SettingsText::tr("The number of console connections from one address"), maxConnectionsPerAddress, 1,
                MaxConnectionCount),
        durationProblem(SettingsText::tr("The login grace time"), loginGraceTime, std::chrono::seconds(1)),
        durationProblem(SettingsText::tr("The login penalty"), penaltyBase, milliseconds(0)),
        durationProblem(SettingsText::tr("The longest login penalty"), penaltyMax, milliseconds(0)),
        durationProblem(SettingsText::tr("The idle timeout"), idleTimeout, milliseconds(0)),
    };
    for (const QString &problem : problems)
        if (!problem.isEmpty())
            return problem;
    if (penaltyMax < penaltyBase)
        return SettingsText::tr("The longest login penalty (%1 s) must be at least the first one (%2 s).")
            .arg(seconds(penaltyMax), seconds(penaltyBase));
    if (classicReplyCap < 0)
        return SettingsText::tr("The classic reply cap must be 0 bytes or more, not %1.").arg(classicReplyCap);
    switch (tls) {
    case ConsoleServer::TlsPolicy::Auto:
    case ConsoleServer::TlsPolicy::Off:
    case ConsoleServer::TlsPolicy::Optional:
    case ConsoleServer::TlsPolicy::RequiredForRemote:
        break;
    default:
        return SettingsText::tr("Unknown TLS policy %1.").arg(int(tls));
    }
    return {};
}

ConsoleServer::Options HostSettings::consoleOptions() const
{
    ConsoleServer::Options options;
    if (const auto found = services.find(ServiceKind::Console); found != services.end()) {
        options.address = found->second.address;
        options.port = found->second.port;
        options.insecure = found->second.insecure;
    }
    options.password = password;
    options.classicAllowed = classicAllowed;
    options.allowAnyPath = allowAnyPath;
    options.classicReplyCap = classicReplyCap;
    options.maxConnections = maxConnections;
    options.maxConnectionsPerAddress = maxConnectionsPerAddress;
    options.loginGraceTime = loginGraceTime;
    options.penaltyBase = penaltyBase;
    options.penaltyMax = penaltyMax;
    options.idleTimeout = idleTimeout;
    options.tls = tls;
    options.tlsDirectory = tlsDirectory;
    options.outputEncoding = outputEncoding;
    return options;
}

} // namespace Tincan
