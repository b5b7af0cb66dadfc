#include "host/hosteventformatter.h"

namespace Tincan {

namespace {
// A command is named in the log by its first characters: one line, not a script.
constexpr qsizetype LoggedCommandLength = 200;
} // namespace

HostEvent::Severity HostEvent::severity() const
{
    switch (type) {
    case Type::InsecureWarning:
    case Type::Refused:
    case Type::LoginFailed:
    case Type::ProtocolError:
        return Severity::Warning;
    case Type::TransferFinished:
        return ok ? Severity::Info : Severity::Warning;
    case Type::StartFailed:
        return Severity::Error;
    default:
        return Severity::Info;
    }
}

bool HostEvent::alwaysLogged() const
{
    switch (type) {
    case Type::TlsNote:
    case Type::InsecureWarning:
    case Type::StartFailed:
    case Type::Refused:
    case Type::LoginFailed:
        return true;
    default:
        return false;
    }
}

QString HostEventFormatter::serviceName(ServiceKind kind, Naming naming)
{
    return naming == Naming::CommandLine ? ServiceNames::key(kind) : ServiceNames::name(kind);
}

QString HostEventFormatter::endpoint(const QHostAddress &address, quint16 port, Naming naming)
{
    const QString host = address.toString();
    const bool brackets = naming == Naming::Window && address.protocol() == QAbstractSocket::IPv6Protocol;
    return (brackets ? QLatin1Char('[') + host + QLatin1Char(']') : host) + QLatin1Char(':') + QString::number(port);
}

QString HostEventFormatter::exitText(const ProcessExit &exit)
{
    return exit.signal ? tr("killed by signal %1").arg(exit.signal) : tr("exit %1").arg(exit.exitCode);
}

QString HostEventFormatter::describeClient(ServiceKind kind, const ClientInfo &client, Naming naming)
{
    HostEvent event;
    event.service = kind;
    event.client = client;
    return serviceName(kind, naming) + QStringLiteral(": ")
        + HostEventFormatter::client(event, Where::Endpoint, naming);
}

QString HostEventFormatter::client(const HostEvent &event, Where where, Naming naming)
{
    const ClientInfo &info = event.client;
    if (naming == Naming::Window)
        return info.address.isNull() ? tr("client %1").arg(info.id)
                                     : tr("client %1").arg(endpoint(info.address, info.port, naming));
    // A UDP command is its datagram: the number says nothing to the reader.
    if (event.service == ServiceKind::UdpCommands)
        return {};
    switch (where) {
    case Where::Nothing:
        break;
    case Where::Host:
        return tr("client %1 (%2)").arg(info.id).arg(info.address.toString());
    case Where::Endpoint:
        return tr("client %1 (%2)").arg(info.id).arg(endpoint(info.address, info.port, naming));
    }
    return tr("client %1").arg(info.id);
}

QString HostEventFormatter::insecureWarning(const HostEvent &event)
{
    const QString at = event.address.toString();
    switch (event.insecurity) {
    case HostEvent::Insecurity::CommandsWithoutAuthentication:
        return tr("WARNING: --insecure: commands are served on %1 with NO authentication. Anyone who can reach this "
                  "port can run any command as this user.")
            .arg(at);
    case HostEvent::Insecurity::ClassicWithoutPassword:
        return tr("WARNING: --insecure: classic console clients from any address run commands on %1 with NO "
                  "password. Anyone who can reach this port can run any command as this user.")
            .arg(at);
    case HostEvent::Insecurity::NothingYet:
        break;
    }
    return tr("WARNING: --insecure is given; on %1 only this machine can connect, so it changes nothing yet. "
              "Listening on another address would serve commands without a password.")
        .arg(at);
}

QString HostEventFormatter::commandEvent(const HostEvent &event, const QString &service, Naming naming)
{
    const QString who = client(event, Where::Nothing, naming);
    const QString command = event.text.left(LoggedCommandLength);
    const bool started = event.type == HostEvent::Type::CommandStarted;
    if (!event.tag.isEmpty()) // the console's: one of the client's requests
        return started ? tr("%1: %2 request %3 started pid %4: %5")
                             .arg(service, who, event.tag, QString::number(event.count), command)
                       : tr("%1: %2 request %3 finished: %4").arg(service, who, event.tag, exitText(event.exit));
    if (who.isEmpty())
        return started ? tr("%1: started pid %2: %3").arg(service, QString::number(event.count), command)
                       : tr("%1: finished (%2): %3").arg(service, exitText(event.exit), command);
    return started ? tr("%1: %2 started pid %3: %4").arg(service, who, QString::number(event.count), command)
                   : tr("%1: %2 finished (%3): %4").arg(service, who, exitText(event.exit), command);
}

QString HostEventFormatter::format(const HostEvent &event, Naming naming)
{
    using Type = HostEvent::Type;
    const QString service = serviceName(event.service, naming);
    const auto who = [&](Where where) { return client(event, where, naming); };
    switch (event.type) {
    case Type::Listening:
        return tr("%1: listening on %2").arg(service, endpoint(event.address, event.port, naming));
    case Type::TlsNote:
        return tr("%1: %2").arg(service, event.text);
    case Type::TlsFingerprint:
        return tr("%1: TLS fingerprint %2").arg(service, event.text);
    case Type::PasswordRequired:
        return tr("%1: clients must log in with the password (%2 PBKDF2 iterations)").arg(service).arg(event.count);
    case Type::InsecureWarning:
        return insecureWarning(event);
    case Type::StartFailed:
        return tr("%1 could not start: %2").arg(service, event.text);
    case Type::ClientConnected:
        return tr("%1: %2 connected").arg(service, who(Where::Endpoint));
    case Type::ClientDisconnected:
        return tr("%1: %2 disconnected").arg(service, who(Where::Nothing));
    case Type::Refused:
        if (event.client.id == 0)
            return tr("%1: refused %2: %3")
                .arg(service, endpoint(event.client.address, event.client.port, naming), event.text);
        return tr("%1: %2 refused: %3").arg(service, who(Where::Endpoint), event.text);
    case Type::LoginSucceeded:
        return tr("%1: %2 logged in").arg(service, who(Where::Host));
    case Type::LoginFailed:
        return tr("%1: %2 failed to log in: %3; that address waits %4 ms")
            .arg(service, who(Where::Host), event.text, QString::number(event.count));
    case Type::CommandStarted:
    case Type::CommandFinished:
        return commandEvent(event, service, naming);
    case Type::TransferStarted:
        return (event.upload ? tr("%1: %2 transfer %3 upload of %4 bytes to %5")
                             : tr("%1: %2 transfer %3 download of %4 bytes from %5"))
            .arg(service, who(Where::Nothing), event.tag, QString::number(event.count), event.text);
    case Type::TransferFinished:
        return event.ok ? tr("%1: %2 transfer %3 done").arg(service, who(Where::Nothing), event.tag)
                        : tr("%1: %2 transfer %3 ended: %4").arg(service, who(Where::Nothing), event.tag, event.text);
    case Type::ProtocolError:
        if (event.client.id == 0)
            return tr("%1: protocol error from %2: %3")
                .arg(service, endpoint(event.client.address, event.client.port, naming), event.text);
        return tr("%1: %2 protocol error: %3").arg(service, who(Where::Nothing), event.text);
    case Type::Stopping:
        return tr("%1: stopping; running commands are terminated").arg(service);
    case Type::Stopped:
        return tr("%1: stopped").arg(service);
    case Type::ShuttingDown:
        return tr("shutting down (signal %1)").arg(event.count);
    }
    return {};
}

} // namespace Tincan
