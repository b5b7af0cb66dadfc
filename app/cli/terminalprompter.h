// The command line's answers to a console session's questions, asked on the
// terminal (standard error, reading standard input) as ssh asks them, each
// at most once per run; without a terminal, it explains which option gives
// the answer instead (--password-file, --accept-new, --force).
#pragma once

#include "session/prompter.h"

namespace Tincan::Cli {

class TerminalPrompter final : public Prompter
{
public:
    void askPassword(const PasswordQuestion &question, PasswordAnswer answer) override;
    // A changed identity is never asked about: it is reported, loudly.
    void askTrust(const TrustQuestion &question, Decision answer) override;
    // No: an existing file is replaced only with --force.
    void askReplace(const QString &remotePath, Decision answer) override;

    // The password prompt was left with Ctrl+C (or another signal).
    bool interrupted() const { return m_interrupted; }

private:
    bool m_askedPassword = false;
    bool m_askedTrust = false;
    bool m_interrupted = false;
};

} // namespace Tincan::Cli
