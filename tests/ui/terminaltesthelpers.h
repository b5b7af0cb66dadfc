// What AnsiParser reports, written down as a short string so that tests can
// state expectations as data:
//   text runs     the text, preceded by {attributes} whenever they change
//                 ({} is the default; b f i u r s = bold, faint, italic,
//                 underline, inverse, strikeout; fg:N / bg:N indexed colours,
//                 fg:#rrggbb / bg:#rrggbb 24-bit ones)
//   controls      <LF> <CR> <BS> <TAB> <EL0> <EL1> <EL2> <CUFn> <CUBn> <CHAn>
#pragma once

#include "models/terminal/ansiparser.h"
#include "models/terminal/terminalbuffer.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace Tincan::TestHelpers {

inline QString describe(TerminalColor color)
{
    if (color.isIndexed())
        return QString::number(color.index());
    return QStringLiteral("#%1%2%3")
        .arg(color.red(), 2, 16, QLatin1Char('0'))
        .arg(color.green(), 2, 16, QLatin1Char('0'))
        .arg(color.blue(), 2, 16, QLatin1Char('0'));
}

inline QString describe(const TextAttributes &a)
{
    QStringList parts;
    const std::pair<TextAttributes::Flag, const char *> flags[] = {
        {TextAttributes::Bold, "b"},      {TextAttributes::Faint, "f"},   {TextAttributes::Italic, "i"},
        {TextAttributes::Underline, "u"}, {TextAttributes::Inverse, "r"}, {TextAttributes::Strikeout, "s"},
    };
    for (const auto &[flag, name] : flags) {
        if (a.has(flag))
            parts.append(QLatin1StringView(name));
    }
    if (!a.foreground.isDefault())
        parts.append(QStringLiteral("fg:") + describe(a.foreground));
    if (!a.background.isDefault())
        parts.append(QStringLiteral("bg:") + describe(a.background));
    return QLatin1Char('{') + parts.join(QLatin1Char(',')) + QLatin1Char('}');
}

// Records what the parser reports, merging text runs that a chunk boundary
// split, so that any chunking of the same stream gives the same record.
class RecordingSink final : public AnsiParser::Sink
{
public:
    struct Event
    {
        bool isText = false;
        QString text;
        TextAttributes attributes;
        AnsiParser::Control control = AnsiParser::Control::LineFeed;
        int count = 0;
        friend bool operator==(const Event &, const Event &) = default;
    };

    void text(QStringView text, const TextAttributes &attributes) override
    {
        if (!events.isEmpty() && events.constLast().isText && events.constLast().attributes == attributes) {
            events.last().text.append(text);
            return;
        }
        events.append({true, text.toString(), attributes});
    }

    void control(AnsiParser::Control control, int count) override
    {
        events.append({false, QString(), TextAttributes(), control, count});
    }

    // The record in the notation above.
    QString described() const
    {
        QString result;
        TextAttributes current;
        for (const Event &event : events) {
            if (event.isText) {
                if (!(event.attributes == current))
                    result += describe(event.attributes);
                current = event.attributes;
                result += event.text;
                continue;
            }
            switch (event.control) {
            case AnsiParser::Control::LineFeed:
                result += QStringLiteral("<LF>");
                break;
            case AnsiParser::Control::CarriageReturn:
                result += QStringLiteral("<CR>");
                break;
            case AnsiParser::Control::Backspace:
                result += QStringLiteral("<BS>");
                break;
            case AnsiParser::Control::Tab:
                result += QStringLiteral("<TAB>");
                break;
            case AnsiParser::Control::EraseToEndOfLine:
                result += QStringLiteral("<EL0>");
                break;
            case AnsiParser::Control::EraseToStartOfLine:
                result += QStringLiteral("<EL1>");
                break;
            case AnsiParser::Control::EraseLine:
                result += QStringLiteral("<EL2>");
                break;
            case AnsiParser::Control::CursorForward:
                result += QStringLiteral("<CUF%1>").arg(event.count);
                break;
            case AnsiParser::Control::CursorBackward:
                result += QStringLiteral("<CUB%1>").arg(event.count);
                break;
            case AnsiParser::Control::CursorToColumn:
                result += QStringLiteral("<CHA%1>").arg(event.count);
                break;
            }
        }
        return result;
    }

    // The text alone, line feeds as '\n'.
    QString plainText() const
    {
        QString result;
        for (const Event &event : events) {
            if (event.isText)
                result += event.text;
            else if (event.control == AnsiParser::Control::LineFeed)
                result += QLatin1Char('\n');
        }
        return result;
    }

    QList<Event> events;
};

inline QString parsed(QStringView input)
{
    AnsiParser parser;
    RecordingSink sink;
    parser.feed(input, sink);
    return sink.described();
}

// A parser feeding a buffer, as the pane does, with one format per distinct
// attribute set (0 is the default look).
class Screen final : public AnsiParser::Sink
{
public:
    explicit Screen(qsizetype maxLines = TerminalBuffer::DefaultMaxLines)
        : buffer(maxLines)
    {
        looks.append(TextAttributes());
    }

    void feed(QStringView text) { parser.feed(text, *this); }

    void text(QStringView text, const TextAttributes &attributes) override
    {
        qsizetype id = looks.indexOf(attributes);
        if (id < 0) {
            id = looks.size();
            looks.append(attributes);
        }
        buffer.write(text, TerminalBuffer::FormatId(id), 0);
    }

    void control(AnsiParser::Control control, int count) override { buffer.apply(control, count, 0); }

    // The attributes of the character at `index` of an update's text.
    TextAttributes attributesAt(const TerminalBuffer::Update &update, qsizetype index) const
    {
        TerminalBuffer::FormatId format = 0;
        for (const TerminalBuffer::FormatRun &run : update.runs) {
            if (run.start > index)
                break;
            format = run.format;
        }
        return looks.value(format);
    }

    AnsiParser parser;
    TerminalBuffer buffer;
    QList<TextAttributes> looks;
};

} // namespace Tincan::TestHelpers
