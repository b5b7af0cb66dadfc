// The console's login as a state machine: which client is served at all
// (protocol, TLS, classic policy), then hello, the challenge and the auth
// answer, until the connection is established. Messages come in, a Step comes
// out that says what the connection does: send a frame, refuse, close. No
// socket and no timer inside (like FrameDecoder); the time and the shared book
// of failed logins are passed in, so every rule is tested without a network.
#pragma once

#include "net/auth/passwordhash.h"
#include "net/auth/sourcepenalties.h"
#include "net/wire/messagetype.h"
#include "net/wire/protocoldetector.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QJsonObject>

#include <chrono>

namespace Tincan {

class ConsoleLogin final
{
    Q_DECLARE_TR_FUNCTIONS(Tincan::ConsoleLogin)

public:
    using Clock = SourcePenalties::Clock;

    // What the server's policy says about this one client.
    struct Settings
    {
        QHostAddress peer;
        bool encrypted = false;       // over TLS
        bool tlsRequired = false;     // a plaintext Tincan client from there is refused
        bool classicAccepted = false; // a classic client from there is served
        bool classicAllowed = true;   // classic clients are on at all (which refusal to give)
        PasswordHash password;        // null: no login, hello is answered with the welcome
        std::chrono::milliseconds loginGraceTime{0};
        // What the welcome announces.
        QString outputEncoding;
        QString directory;
    };

    enum class Stage {
        Undecided,      // the protocol is not known yet
        Greeting,       // framed, no hello yet
        Authenticating, // auth_challenge sent, waiting for auth
        Established,    // commands may run
        Over,           // refused or closing: nothing more is looked at
    };

    struct Step
    {
        enum class Kind {
            Wait,          // send `frame` (if any); the login goes on
            Established,   // send `frame` (if any: the welcome); commands may run from now on
            Refuse,        // report `reason` as a refusal, send `frame` (if any), close
            ProtocolError, // report `reason` as a protocol error (the connection tells the client), close
            Close,         // send `frame`, then close (an unsupported version, a wrong password)
        };
        enum class Auth {
            None,
            Succeeded,
            Failed, // a wrong password; `penalty` is the wait it imposed
        };
        Kind kind = Kind::Wait;
        QJsonObject frame;  // empty: nothing to send
        QByteArray payload; // of `frame` (the classic refusal's text)
        QString reason;
        Auth auth = Auth::None;
        std::chrono::milliseconds penalty{0};
    };

    ConsoleLogin(Settings settings, SourcePenalties &penalties);

    Stage stage() const { return m_stage; }
    bool isEstablished() const { return m_stage == Stage::Established; }
    // Whether the login clock runs from the first moment: a peer that may only
    // speak Tincan must log in at once, while one that may be served classic
    // is left alone (the tutorial's client waits for its user to type).
    bool graceStartsAtConnect() const { return !m_settings.classicAccepted; }

    // The protocol detector decided; `firstBytes` are what it looked at.
    Step protocolDecided(WireProtocol protocol, QByteArrayView firstBytes);
    // A framed message before the connection is established.
    Step receive(Console::MessageType type, const QString &typeName, const QJsonObject &header, Clock::time_point now);
    // The login grace time ran out.
    Step graceExpired();
    // The connection is closing for another reason: a login still going on is over.
    void abandon()
    {
        if (m_stage != Stage::Established)
            m_stage = Stage::Over;
    }

    // "10 s", "1500 ms": how the console words a duration.
    static QString describeDuration(std::chrono::milliseconds duration);
    // Whole seconds, rounded up: "try again in 0 seconds" would be a lie.
    static qint64 secondsUp(std::chrono::milliseconds duration);

private:
    Step hello(const QJsonObject &header, Clock::time_point now);
    Step auth(const QJsonObject &header, Clock::time_point now);
    Step welcome(const QByteArray &serverProof);
    Step refuse(const QString &reason, QLatin1StringView code, const QJsonObject &extra = {});
    Step refusePenalized(std::chrono::milliseconds wait);
    Step refuseClassic();
    Step protocolError(const QString &reason);

    Settings m_settings;
    SourcePenalties &m_penalties;
    WireProtocol m_protocol = WireProtocol::Undecided;
    Stage m_stage = Stage::Undecided;
    QByteArray m_serverNonce; // of this connection's challenge; never reused
};

} // namespace Tincan
