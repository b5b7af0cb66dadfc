// One value that says how every server of a host runs: which services, where,
// and the console's whole policy. `tincan-cli serve` fills it from its
// options, the server window from its fields and QSettings; ServiceHost
// checks it and builds the services from it.
#pragma once

#include "host/servicekind.h"
#include "net/console/consoleserver.h"

#include <QHostAddress>
#include <QString>

#include <chrono>
#include <map>

namespace Tincan {

// Where one service listens.
struct ListenSettings
{
    QHostAddress address = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 0; // 0: any free port
    // The console and the UDP commands: serve commands on a non-loopback
    // address without a password, and classic console clients from anywhere.
    bool insecure = false;

    bool operator==(const ListenSettings &) const = default;
};

struct HostSettings
{
    // Bounds that keep the numbers meaningful: a day of grace or idleness, a
    // million connections, are already beyond any use.
    static constexpr std::chrono::seconds MaxDuration{24 * 3600};
    static constexpr int MaxConnectionCount = 1'000'000;

    // The services to run and where (never the chat: its owner runs it).
    std::map<ServiceKind, ListenSettings> services;

    // The console's policy; ConsoleServer::Options says what each one means.
    PasswordHash password;
    bool classicAllowed = true;
    bool allowAnyPath = false;
    qint64 classicReplyCap = Console::Limits::DefaultClassicReplyCap;
    int maxConnections = ConsoleServer::DefaultMaxConnections;
    int maxConnectionsPerAddress = ConsoleServer::DefaultMaxConnectionsPerAddress;
    std::chrono::milliseconds loginGraceTime = ConsoleServer::DefaultLoginGraceTime;
    std::chrono::milliseconds penaltyBase = ConsoleServer::DefaultPenaltyBase;
    std::chrono::milliseconds penaltyMax = ConsoleServer::DefaultPenaltyMax;
    std::chrono::milliseconds idleTimeout{0}; // 0: never
    ConsoleServer::TlsPolicy tls = ConsoleServer::TlsPolicy::Auto;
    QString tlsDirectory;   // empty: ConsoleServer::defaultTlsDirectory()
    QString outputEncoding; // empty: the locale's; an unknown one fails the console's start

    // Empty when every value can be used, else the first problem in words.
    QString validationError() const;
    // The console's options, listening where services[Console] says.
    ConsoleServer::Options consoleOptions() const;
};

} // namespace Tincan
