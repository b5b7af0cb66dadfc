#include "app/cli/consolesession.h"

#include "app/cli/passwordinput.h"
#include "app/cli/terminalio.h"
#include "net/tls/knownhosts.h"
#include "net/wire/consoleprotocol.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>

#include <utility>

namespace Tincan::Cli {

QString defaultKnownHostsPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/known_hosts");
}

QString serverName(const QString &host, quint16 port)
{
    return KnownHostsList::hostKey(host, port).value_or(QStringLiteral("%1:%2").arg(host).arg(port));
}

ConsoleOptions::ConsoleOptions()
    : host(QStringLiteral("host"), CliText::tr("Server to connect to (default %1).").arg(QStringLiteral("127.0.0.1")),
           CliText::tr("host"), QStringLiteral("127.0.0.1"))
    , port(QStringLiteral("port"), CliText::tr("Console port (default %1).").arg(Console::DefaultPort),
           CliText::tr("port"), QString::number(Console::DefaultPort))
    , passwordFile(QStringLiteral("password-file"),
                   CliText::tr("Read the server's password from the first line of FILE."), CliText::tr("file"))
    , tls(QStringLiteral("tls"),
          CliText::tr("TLS: auto (the default: on unless the host is 127.0.0.1, ::1 or localhost), on, or off. The "
                      "server is known by the fingerprint pinned for it, as ssh knows hosts."),
          QStringLiteral("auto|on|off"), QStringLiteral("auto"))
    , acceptNew(QStringLiteral("accept-new"),
                CliText::tr("Trust a server met for the first time and remember its fingerprint. A changed "
                            "fingerprint is still refused."))
    , knownHosts(QStringLiteral("known-hosts"),
                 CliText::tr("The file of pinned server fingerprints (default %1).").arg(defaultKnownHostsPath()),
                 CliText::tr("file"))
{
}

void ConsoleOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({host, port, passwordFile, tls, acceptNew, knownHosts});
}

bool ConsoleOptions::read(const QCommandLineParser &parser, const QString &command, ConsoleSettings *settings) const
{
    bool portOk = false;
    const uint portNumber = parser.value(port).toUInt(&portOk);
    if (!portOk || portNumber == 0 || portNumber > 65535) {
        reportError(CliText::tr("%1: invalid port \"%2\".").arg(command, parser.value(port)));
        return false;
    }
    settings->host = parser.value(host);
    settings->port = quint16(portNumber);
    const QString tlsValue = parser.value(tls);
    if (tlsValue == QStringLiteral("auto"))
        settings->tlsMode = ConsoleClient::TlsMode::Auto;
    else if (tlsValue == QStringLiteral("on"))
        settings->tlsMode = ConsoleClient::TlsMode::On;
    else if (tlsValue == QStringLiteral("off"))
        settings->tlsMode = ConsoleClient::TlsMode::Off;
    else {
        reportError(CliText::tr("%1: --tls takes auto, on or off, not \"%2\".").arg(command, tlsValue));
        return false;
    }
    settings->acceptNew = parser.isSet(acceptNew);
    settings->knownHostsPath = parser.isSet(knownHosts) ? parser.value(knownHosts) : defaultKnownHostsPath();
    if (parser.isSet(passwordFile)) {
        const Expected<QString> password = readPasswordFile(parser.value(passwordFile));
        if (!password) {
            reportError(CliText::tr("%1: %2").arg(command, password.error()));
            return false;
        }
        settings->password = *password;
    } else if (qEnvironmentVariableIsSet(PasswordEnvironmentVariable)) {
        settings->password = qEnvironmentVariable(PasswordEnvironmentVariable);
        if (settings->password->isEmpty())
            settings->password.reset();
    }
    return true;
}

ConsoleCommand::ConsoleCommand(const ConsoleSettings &settings)
    : m_settings(settings)
{
    m_session.setPrompter(&m_prompter);
    connect(&m_session, &ConsoleSession::ready, this, [this] {
        if (m_finished || std::exchange(m_started, true))
            return;
        start();
    });
    connect(&m_session, &ConsoleSession::connectionFailed, this, &ConsoleCommand::onConnectionFailed);
    connect(&m_session, &ConsoleSession::serverIdentityPinned, this,
            [this](const TlsFingerprint &fingerprint, bool remembered) {
                const QString name = serverName(client().host(), client().port());
                if (remembered)
                    printError(
                        CliText::tr("Warning: permanently added '%1' (%2) to the known servers in %3.")
                            .arg(name, fingerprint.toString(), QDir::toNativeSeparators(client().knownHostsPath())));
                else
                    printError(CliText::tr("Warning: could not remember '%1' (%2): %3")
                                   .arg(name, fingerprint.toString(), client().errorString()));
            });
    connect(&m_session, &ConsoleSession::identityNotRemembered, this, [this](const QString &error) {
        reportError(
            CliText::tr("exec: cannot remember '%1': %2").arg(serverName(client().host(), client().port()), error));
    });
    ConsoleClient &consoleClient = client();
    if (settings.password)
        consoleClient.setPassword(*settings.password);
    consoleClient.setTls(settings.tlsMode);
    consoleClient.setKnownHostsPath(settings.knownHostsPath);
    consoleClient.setUnknownServerPolicy(settings.acceptNew ? ConsoleClient::UnknownServerPolicy::TrustOnFirstUse
                                                            : ConsoleClient::UnknownServerPolicy::Refuse);
}

ConsoleCommand::~ConsoleCommand() = default;

int ConsoleCommand::run()
{
    m_session.connectToServer(m_settings.host, m_settings.port, m_settings.mode);
    return QCoreApplication::exec();
}

void ConsoleCommand::onConnectionFailed(ConsoleClient::ErrorKind kind, const QString &message, bool asked)
{
    if (m_finished)
        return;
    // A question asked on the terminal already said why it ends here.
    if (!asked)
        reportError(message);
    switch (kind) {
    case ConsoleClient::ErrorKind::PasswordRequired:
        finish(m_prompter.interrupted() ? SessionExit::InterruptedTwice : SessionExit::AuthenticationFailed);
        return;
    case ConsoleClient::ErrorKind::WrongPassword:
    case ConsoleClient::ErrorKind::Penalized:
    case ConsoleClient::ErrorKind::Refused:
        finish(SessionExit::AuthenticationFailed);
        return;
    case ConsoleClient::ErrorKind::UnknownServer:
    case ConsoleClient::ErrorKind::ServerIdentityChanged:
        finish(SessionExit::IdentityRefused);
        return;
    default:
        finish(SessionExit::ConnectionFailed);
        return;
    }
}

void ConsoleCommand::finish(int code)
{
    if (m_finished)
        return;
    m_finished = true;
    client().disconnectFromServer();
    QCoreApplication::exit(code);
}

} // namespace Tincan::Cli
