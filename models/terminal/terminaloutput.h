// Where a pane's text goes: written in a style (Tincan's own lines, never
// interpreted) or parsed as program output. The terminal pane implements it;
// models that decide what a pane shows (ConsoleTranscript) write to it, and
// tests can record it.
#pragma once

#include "models/terminal/ansiparser.h"

#include <QStringView>

namespace Tincan {

class TerminalOutput
{
public:
    virtual ~TerminalOutput() = default;

    // Literal text in a style: '\n' ends a line, nothing else is interpreted.
    virtual void write(int style, QStringView text) = 0;
    // Program output: escape sequences, carriage returns and the like are
    // interpreted by `parser`, which keeps its state between chunks.
    virtual void writeOutput(AnsiParser &parser, int style, QStringView text) = 0;
    // Ends the last line unless it is empty.
    virtual void startNewLine() = 0;

protected:
    TerminalOutput() = default;
    TerminalOutput(const TerminalOutput &) = default;
    TerminalOutput &operator=(const TerminalOutput &) = default;
};

} // namespace Tincan
