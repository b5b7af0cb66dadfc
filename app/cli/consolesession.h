// What every command that talks to a console server shares (exec, upload,
// download): the connection options, a session that logs in and reports the
// client's troubles with ssh-like exit codes, and the retry loop that asks,
// at most once each, whether to trust an unknown server and for a password.
#pragma once

#include "net/console/consoleclient.h"

#include <QCommandLineOption>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QCommandLineParser;

namespace Tincan::Cli {

// Exit codes of the client's troubles, as ssh uses them.
namespace SessionExit {
inline constexpr int ConnectionFailed = 255;
// The login failed: no password to give, a wrong one, a penalised address,
// or the server's policy refused this client (a classic client from afar).
inline constexpr int AuthenticationFailed = 254;
// The server's TLS identity was refused: unknown (and not accepted), or
// different from the pinned one. Nothing was sent to it.
inline constexpr int IdentityRefused = 253;
inline constexpr int UsageError = 2;
inline constexpr int InterruptedTwice = 130; // 128 + SIGINT
} // namespace SessionExit

// Where and how to connect.
struct ConsoleSettings
{
    QString host;
    quint16 port = 0;
    ConsoleClient::Mode mode = ConsoleClient::Mode::Tincan;
    std::optional<QString> password;
    ConsoleClient::TlsMode tlsMode = ConsoleClient::TlsMode::Auto;
    QString knownHostsPath;
    bool acceptNew = false;
};

// --host, --port, --password-file, --tls, --accept-new, --known-hosts.
struct ConsoleOptions
{
    ConsoleOptions();
    void addTo(QCommandLineParser &parser) const;
    // Fills `settings` (all but the mode); false after reporting a usage
    // error, which starts with `command` ("exec: invalid port ...").
    bool read(const QCommandLineParser &parser, const QString &command, ConsoleSettings *settings) const;

    QCommandLineOption host;
    QCommandLineOption port;
    QCommandLineOption passwordFile;
    QCommandLineOption tls;
    QCommandLineOption acceptNew;
    QCommandLineOption knownHosts;
};

// The known-hosts file used when --known-hosts is not given.
QString defaultKnownHostsPath();

// One connection: logs in, reports errors, then start() does the work and
// calls finish() with the exit status.
class ConsoleSession : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleSession)

public:
    explicit ConsoleSession(const ConsoleSettings &settings);
    ~ConsoleSession() override;

    // Connects, calls start(), and runs the event loop until finish().
    int run();

    // The server's TLS identity is unknown and was not accepted.
    bool unknownServer() const { return m_unknownServer; }
    TlsFingerprint serverFingerprint() const { return m_client.serverFingerprint(); }
    // The server asked for a password and none was given.
    bool passwordRequired() const { return m_passwordRequired; }
    QString message() const { return m_message; }

protected:
    // Called once the connection is being made: queue the work.
    virtual void start() = 0;
    void finish(int code);
    bool isFinished() const { return m_finished; }
    ConsoleClient &client() { return m_client; }
    const ConsoleSettings &settings() const { return m_settings; }

private:
    ConsoleSettings m_settings;
    ConsoleClient m_client;
    bool m_passwordRequired = false;
    bool m_unknownServer = false;
    QString m_message;
    bool m_finished = false;
};

// Runs sessions made by `make` until one ends without needing the user: an
// unknown server is offered for trust on the terminal, and a missing
// password asked for, once each.
int runConsoleSession(ConsoleSettings settings,
                      const std::function<std::unique_ptr<ConsoleSession>(const ConsoleSettings &)> &make);

// "host:port", with brackets around an IPv6 address, as in known_hosts.
QString serverName(const QString &host, quint16 port);

} // namespace Tincan::Cli
