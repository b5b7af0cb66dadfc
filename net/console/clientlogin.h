// The client's side of the console login: answers the server's challenge,
// checks the proof in its welcome (the server must show that it knows the
// password too), and reads a refusal. No socket and no clock: ConsoleClient
// sends the frames it returns and keeps the deadlines, so every answer to a
// hostile or broken server can be tested here without one.
#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

#include <chrono>
#include <optional>
#include <variant>

namespace Tincan {

class ClientLogin final
{
    Q_DECLARE_TR_FUNCTIONS(Tincan::ClientLogin)

public:
    // What ended the login, for ConsoleClient's ErrorKind.
    enum class Problem {
        PasswordRequired, // the server asks for a password and none was set
        Protocol,         // an unanswerable challenge, or a welcome without the server's proof
        WrongPassword,
        Penalized, // too many failed logins from here
        Refused,   // the server's policy (TLS required, a timeout, a refusal)
    };
    struct Refusal
    {
        Problem problem;
        QString message; // a sentence for the user
        std::chrono::seconds retryAfter{0};
    };
    // A day is longer than any penalty a sane server imposes.
    static constexpr std::chrono::seconds MaxRetryAfter{24 * 3600};
    // A server's words in our error messages: a line, not a flood.
    static constexpr qsizetype MaxQuotedServerText = 512;

    // The password is kept in memory only, to answer challenges; it is never sent.
    void setPassword(const QString &password);
    bool hasPassword() const { return !m_password.isEmpty(); }

    // A new connection to `host`:`port` (named in the messages): forgets the
    // last login's nonces, keeps the derived key for the same salt.
    void begin(const QString &host, quint16 port);

    // The "auth" frame's header answering `challenge`, or why there is none.
    // A second challenge on one connection is refused.
    std::variant<QJsonObject, Refusal> answerChallenge(const QJsonObject &challenge);
    // Checks a welcome: with a password sent, it must carry the server's proof.
    // Nothing: the login is done (isAuthenticated() tells whether a password
    // was checked).
    std::optional<Refusal> acceptWelcome(const QJsonObject &welcome);
    bool isAuthenticated() const { return m_authenticated; }
    // What an "error" frame before the welcome means.
    Refusal refusal(const QJsonObject &error) const;

private:
    bool serverProofValid(const QJsonObject &welcome) const;

    QString m_host;
    quint16 m_port = 0;
    QString m_password;
    // The PBKDF2 key costs a fraction of a second: kept for reconnects to the
    // same salt and iteration count.
    struct DerivedKey
    {
        QByteArray salt;
        int iterations = 0;
        QByteArray key;
    };
    std::optional<DerivedKey> m_derivedKey;
    // This connection's login: both nonces and the key, to check the
    // server's proof in its welcome.
    QByteArray m_serverNonce;
    QByteArray m_clientNonce;
    QByteArray m_loginKey;
    bool m_authenticated = false;
};

} // namespace Tincan
