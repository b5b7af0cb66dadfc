// What a service host reports, as one typed stream: every service's
// listening, clients, logins, commands, transfers and stops, and the host's
// own warnings. HostEventFormatter turns one into the sentence the command
// line's log and the server window's log show.
#pragma once

#include "host/servicekind.h"
#include "net/process/shellprocess.h"
#include "net/services/serviceevents.h"

#include <QHostAddress>
#include <QMetaType>
#include <QString>

namespace Tincan {

struct HostEvent
{
    enum class Type {
        Listening,        // address, port
        TlsNote,          // text: what loading the identity repaired, made or failed at
        TlsFingerprint,   // text: "SHA256:…"
        PasswordRequired, // count: the hash's PBKDF2 iterations
        InsecureWarning,  // insecurity, address
        StartFailed,      // text: the error
        ClientConnected,
        ClientDisconnected,
        Refused,          // text: the reason; client.id 0 when it never became a client
        LoginSucceeded,   //
        LoginFailed,      // text: the reason; count: the address's wait in ms
        CommandStarted,   // tag: the request id (console only); text: the command; count: the pid
        CommandFinished,  // tag, text, exit
        TransferStarted,  // tag: the transfer id; upload; text: the path; count: the size
        TransferFinished, // tag; ok; text: the error when not ok
        ProtocolError,    // text; client.id 0: a datagram from client.address:port, not a client
        Stopping,         // the console, while its commands are terminated
        Stopped,
        ShuttingDown, // the whole host; count: the signal that asked for it (0: none)
    };
    enum class Severity { Info, Warning, Error };
    // What --insecure opens, for InsecureWarning.
    enum class Insecurity {
        CommandsWithoutAuthentication, // a non-loopback address, no password (or UDP commands)
        ClassicWithoutPassword,        // a password, but classic clients from anywhere
        NothingYet,                    // a loopback address: only this machine can connect
    };

    Type type = Type::Listening;
    ServiceKind service = ServiceKind::Console;
    ClientInfo client; // id, address and port of the client the event is about
    QHostAddress address;
    quint16 port = 0;
    QString text;
    QString tag;
    qint64 count = 0;
    ProcessExit exit;
    bool upload = false;
    bool ok = false;
    Insecurity insecurity = Insecurity::NothingYet;

    Severity severity() const;
    // Logged however quiet the log is asked to be: what an operator looks
    // for after an attack, and what says the server is not as configured.
    bool alwaysLogged() const;
};

} // namespace Tincan

Q_DECLARE_METATYPE(Tincan::HostEvent)
