// What a console session asks its user: a password, whether to trust a
// server's TLS identity, whether to replace a file. The GUI answers with
// dialogs, the command line on the terminal (or from its options), the tests
// with a fake; ConsoleSession holds the policy of when to ask.
#pragma once

#include "net/tls/tlsfingerprint.h"

#include <QString>

#include <functional>
#include <optional>

namespace Tincan {

class Prompter
{
public:
    struct PasswordQuestion
    {
        QString host;
        quint16 port = 0;
        QString address;    // "host:port", brackets around an IPv6 address
        bool wrong = false; // the last password was refused
        QString message;    // the client's error sentence
    };

    struct TrustQuestion
    {
        QString host;
        quint16 port = 0;
        QString address;
        TlsFingerprint presented;
        // With a changed identity: what is pinned, and where (line 0: in memory).
        bool changed = false;
        TlsFingerprint expected;
        QString knownHostsPath;
        int knownHostsLine = 0;
        QString message;
    };

    // The password, or nullopt to give up. Empty counts as giving up.
    using PasswordAnswer = std::function<void(std::optional<QString> password)>;
    using Decision = std::function<void(bool yes)>;

    virtual ~Prompter() = default;

    // Each question is answered by calling `answer` once, at once or later
    // (from a dialog's signal: nothing may wait in a nested event loop for
    // it). An answer that comes after its session is gone is ignored.
    virtual void askPassword(const PasswordQuestion &question, PasswordAnswer answer) = 0;
    virtual void askTrust(const TrustQuestion &question, Decision answer) = 0;
    // An upload's target exists on the server: send it again, replacing it?
    virtual void askReplace(const QString &remotePath, Decision answer) = 0;

protected:
    Prompter() = default;
    Prompter(const Prompter &) = default;
    Prompter &operator=(const Prompter &) = default;
};

} // namespace Tincan
