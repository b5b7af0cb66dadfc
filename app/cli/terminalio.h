// Small helpers for a command-line program's standard streams.
#pragma once

#include <QByteArrayView>
#include <QCoreApplication>
#include <QString>

namespace Tincan::Cli {

// Translation context of the command line's sentences: CliText::tr("...").
class CliText
{
    Q_DECLARE_TR_FUNCTIONS(CliText)
};

enum class WriteResult {
    Ok,
    Closed, // the reader went away (EPIPE): stop producing
    Failed,
};

// Writes everything to a file descriptor, waiting while it is full.
WriteResult writeAll(int fd, QByteArrayView bytes);

// One line (a newline is added) on standard error, in the locale's encoding.
void printError(const QString &line);
// Text on standard error with no newline (a prompt).
void printErrorNoNewline(const QString &text);
// One line on standard output, flushed at once (scripts wait for it).
void printLine(const QString &line);

// "tincan-cli: <message>" on standard error.
void reportError(const QString &message);

} // namespace Tincan::Cli
