// Where the command line gets a console password from: a file (its first
// line), or the terminal with echo off. The password stays in memory; it is
// never printed, logged or sent.
#pragma once

#include "net/base/expected.h"

#include <QString>

namespace Tincan::Cli {

// The environment variable `tincan-cli exec` reads a password from.
inline constexpr char PasswordEnvironmentVariable[] = "TINCAN_PASSWORD";

// The first line of `path`, without its line ending. Fails with the reason
// for an unreadable file or an empty or oversized first line.
Expected<QString> readPasswordFile(const QString &path);

// The first line of a file given for a password hash (`serve
// --password-hash-file`); the caller parses it.
Expected<QString> readFirstLine(const QString &path);

// True when others than the owner may read `path`: worth a warning, as ssh
// gives for a private key.
bool isReadableByOthers(const QString &path);

bool standardInputIsTerminal();

enum class PromptResult {
    Ok,
    NotATerminal,
    Interrupted, // Ctrl+C (or SIGTERM, SIGHUP) while typing
    EndOfInput,  // Ctrl+D, or the terminal went away
};

// Asks on the terminal (prompt on standard error), reading standard input
// with echo off; the terminal's settings are restored on every path,
// including Ctrl+C.
PromptResult promptPassword(const QString &prompt, QString *password);

} // namespace Tincan::Cli
