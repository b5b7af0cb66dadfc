// What every command that talks to a console server shares (exec, upload,
// download): the connection options, and a run of the shared ConsoleSession
// (session/) whose questions (trust an unknown server? the password?) are
// asked on the terminal, at most once each, and whose troubles end the run
// with ssh-like exit codes.
#pragma once

#include "app/cli/terminalprompter.h"
#include "net/console/consoleclient.h"
#include "session/consolesession.h"

#include <QCommandLineOption>
#include <QObject>
#include <QString>

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

// One run of a command against a console server (exec, upload, download):
// a ConsoleSession that asks on the terminal, reports the client's troubles
// with ssh-like exit codes, and calls start() once the session is ready.
class ConsoleCommand : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleCommand)

public:
    explicit ConsoleCommand(const ConsoleSettings &settings);
    ~ConsoleCommand() override;

    // Connects, and runs the event loop until finish(); returns its code.
    int run();

protected:
    // Called once, when the session is ready (logged in): queue the work.
    virtual void start() = 0;
    void finish(int code);
    bool isFinished() const { return m_finished; }
    bool isStarted() const { return m_started; }
    ConsoleSession &session() { return m_session; }
    ConsoleClient &client() { return *m_session.client(); }
    const ConsoleSettings &settings() const { return m_settings; }

private:
    void onConnectionFailed(ConsoleClient::ErrorKind kind, const QString &message, bool asked);

    ConsoleSettings m_settings;
    TerminalPrompter m_prompter; // before the session, which asks it
    ConsoleSession m_session;
    bool m_started = false;
    bool m_finished = false;
};

// "host:port", with brackets around an IPv6 address, as in known_hosts.
QString serverName(const QString &host, quint16 port);

} // namespace Tincan::Cli
