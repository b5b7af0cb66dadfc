#include "app/cli/consolesession.h"

#include "app/cli/passwordinput.h"
#include "app/cli/terminalio.h"
#include "net/tls/knownhosts.h"
#include "net/wire/consoleprotocol.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>

#include <cstdio>
#include <unistd.h>

namespace Tincan::Cli {

QString defaultKnownHostsPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/known_hosts");
}

QString serverName(const QString &host, quint16 port)
{
    return KnownHostsList::hostKey(host, port).value_or(QStringLiteral("%1:%2").arg(host).arg(port));
}

// Like ssh's REMOTE HOST IDENTIFICATION HAS CHANGED: loud, with everything
// needed to check and, once checked, to fix it.
namespace {
void reportIdentityChanged(const ConsoleClient &client, const QString &knownHostsPath)
{
    const QString name = serverName(client.host(), client.port());
    const QString bar(59, QLatin1Char('@'));
    printError(bar);
    printError(CliText::tr("@    WARNING: THE CONSOLE SERVER'S IDENTITY HAS CHANGED!     @"));
    printError(bar);
    printError(CliText::tr("IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
                           "Someone could be intercepting the connection right now (a man-in-the-middle attack),\n"
                           "or the server's TLS identity was replaced (a new --tls-dir, a reinstall)."));
    printError(CliText::tr("The fingerprint pinned for %1 is\n    %2\nbut the server presented\n    %3")
                   .arg(name, client.expectedFingerprint().toString(), client.serverFingerprint().toString()));
    printError(CliText::tr("The pin is in %1, line %2.")
                   .arg(QDir::toNativeSeparators(knownHostsPath))
                   .arg(client.knownHostsLine()));
    printError(CliText::tr("Check the new fingerprint with the server's owner (tincan-cli serve prints it). Once "
                           "it is checked, forget the old one with:\n    tincan-cli known-hosts --known-hosts %1 "
                           "--forget %2")
                   .arg(knownHostsPath, name));
    printError(CliText::tr("The connection was refused; nothing was sent to the server."));
}

// Asks on the terminal whether to trust an unknown server, as ssh does.
// False without a terminal, on "no", or at the end of input.
bool askToTrust(const QString &name, const TlsFingerprint &fingerprint)
{
    // As for the password: the question is asked when standard input is a
    // terminal, on standard error.
    if (!::isatty(STDIN_FILENO))
        return false;
    printError(CliText::tr("The authenticity of server '%1' can't be established.\nIts fingerprint is %2.")
                   .arg(name, fingerprint.toString()));
    for (;;) {
        printErrorNoNewline(CliText::tr("Are you sure you want to continue connecting (yes/no)? "));
        char line[64] = {};
        if (!std::fgets(line, sizeof line, stdin))
            return false;
        const QString answer = QString::fromLocal8Bit(line).trimmed().toLower();
        // The words are the program's interface, as in ssh: not translated.
        if (answer == QStringLiteral("yes"))
            return true;
        if (answer == QStringLiteral("no"))
            return false;
        printErrorNoNewline(CliText::tr("Please type 'yes' or 'no': "));
    }
}

} // namespace

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
        QString error;
        settings->password = readPasswordFile(parser.value(passwordFile), &error);
        if (!settings->password) {
            reportError(CliText::tr("%1: %2").arg(command, error));
            return false;
        }
    } else if (qEnvironmentVariableIsSet(PasswordEnvironmentVariable)) {
        settings->password = qEnvironmentVariable(PasswordEnvironmentVariable);
        if (settings->password->isEmpty())
            settings->password.reset();
    }
    return true;
}

ConsoleSession::ConsoleSession(const ConsoleSettings &settings)
    : m_settings(settings)
{
    connect(&m_client, &ConsoleClient::errorOccurred, this, [this](const QString &message) {
        if (m_finished)
            return;
        switch (m_client.errorKind()) {
        case ConsoleClient::ErrorKind::PasswordRequired:
            // The caller may ask on the terminal and try again; it
            // reports the error when it cannot.
            m_passwordRequired = true;
            m_message = message;
            finish(SessionExit::AuthenticationFailed);
            return;
        case ConsoleClient::ErrorKind::UnknownServer:
            // The caller asks on the terminal, or explains.
            m_unknownServer = true;
            m_message = message;
            finish(SessionExit::IdentityRefused);
            return;
        case ConsoleClient::ErrorKind::ServerIdentityChanged:
            reportIdentityChanged(m_client, m_client.knownHostsPath());
            finish(SessionExit::IdentityRefused);
            return;
        case ConsoleClient::ErrorKind::WrongPassword:
        case ConsoleClient::ErrorKind::Penalized:
        case ConsoleClient::ErrorKind::Refused:
            reportError(message);
            finish(SessionExit::AuthenticationFailed);
            return;
        default:
            reportError(message);
            finish(SessionExit::ConnectionFailed);
            return;
        }
    });
    connect(&m_client, &ConsoleClient::serverIdentityPinned, this,
            [this](const TlsFingerprint &fingerprint, bool remembered) {
                const QString name = serverName(m_client.host(), m_client.port());
                if (remembered)
                    printError(
                        CliText::tr("Warning: permanently added '%1' (%2) to the known servers in %3.")
                            .arg(name, fingerprint.toString(), QDir::toNativeSeparators(m_client.knownHostsPath())));
                else
                    printError(CliText::tr("Warning: could not remember '%1' (%2): %3")
                                   .arg(name, fingerprint.toString(), m_client.errorString()));
            });
    if (settings.password)
        m_client.setPassword(*settings.password);
    m_client.setTls(settings.tlsMode);
    m_client.setKnownHostsPath(settings.knownHostsPath);
    m_client.setUnknownServerPolicy(settings.acceptNew ? ConsoleClient::UnknownServerPolicy::TrustOnFirstUse
                                                       : ConsoleClient::UnknownServerPolicy::Refuse);
}

ConsoleSession::~ConsoleSession() = default;

int ConsoleSession::run()
{
    m_client.connectToServer(m_settings.host, m_settings.port, m_settings.mode);
    start();
    return QCoreApplication::exec();
}

void ConsoleSession::finish(int code)
{
    if (m_finished)
        return;
    m_finished = true;
    m_client.disconnectFromServer();
    QCoreApplication::exit(code);
}

int runConsoleSession(ConsoleSettings settings,
                      const std::function<std::unique_ptr<ConsoleSession>(const ConsoleSettings &)> &make)
{
    const QString &host = settings.host;
    const quint16 port = settings.port;
    // At most one question each: trust this server? the password?
    bool askedTrust = false;
    bool askedPassword = false;
    for (;;) {
        const std::unique_ptr<ConsoleSession> session = make(settings);
        const int status = session->run();
        if (session->unknownServer()) {
            const QString name = serverName(host, port);
            const TlsFingerprint fingerprint = session->serverFingerprint();
            if (askedTrust || !askToTrust(name, fingerprint)) {
                if (!askedTrust && !::isatty(STDIN_FILENO))
                    reportError(
                        CliText::tr("The authenticity of server '%1' can't be established: its fingerprint "
                                    "%2 is not in %3. Check it with the server's owner (tincan-cli serve "
                                    "prints it), then connect once with --accept-new to remember it.")
                            .arg(name, fingerprint.toString(), QDir::toNativeSeparators(settings.knownHostsPath)));
                else
                    reportError(CliText::tr("Host key verification failed: '%1' is not trusted.").arg(name));
                return SessionExit::IdentityRefused;
            }
            askedTrust = true;
            KnownHosts knownHosts(settings.knownHostsPath);
            if (!knownHosts.remember(host, port, fingerprint)) {
                reportError(CliText::tr("exec: cannot remember '%1': %2").arg(name, knownHosts.errorString()));
                return SessionExit::IdentityRefused;
            }
            printError(CliText::tr("Warning: permanently added '%1' (%2) to the known servers in %3.")
                           .arg(name, fingerprint.toString(), QDir::toNativeSeparators(settings.knownHostsPath)));
            continue;
        }
        if (!session->passwordRequired())
            return status;
        if (askedPassword) {
            reportError(session->message()); // a server that asks again is not worth a second prompt
            return status;
        }
        askedPassword = true;
        // The server wants a password and none was given: ask, once, on the
        // terminal. Nothing ran: requests wait for the login.
        QString typed;
        switch (promptPassword(CliText::tr("Password for %1:%2: ").arg(host).arg(port), &typed)) {
        case PromptResult::Ok:
            settings.password = typed;
            break;
        case PromptResult::NotATerminal:
            reportError(CliText::tr("%1 Give it with --password-file FILE or in the environment variable %2.")
                            .arg(session->message(), QLatin1StringView(PasswordEnvironmentVariable)));
            return SessionExit::AuthenticationFailed;
        case PromptResult::Interrupted:
            return SessionExit::InterruptedTwice;
        case PromptResult::EndOfInput:
            reportError(session->message());
            return SessionExit::AuthenticationFailed;
        }
    }
}

} // namespace Tincan::Cli
