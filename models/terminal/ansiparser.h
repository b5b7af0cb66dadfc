// A parser for the escape sequences programs write to a terminal (ECMA-48 /
// xterm): fed decoded text in chunks of any size, it reports printable text
// with its attributes (SGR: bold, colours…) and the few controls a scrollback
// pane can honour (line feed, carriage return, backspace, tab, erase in line,
// cursor moves within the line). Every other sequence is consumed and dropped.
//
// Pure Qt Core: no widgets, no fonts, no colours, so it is tested on its own.
#pragma once

#include <QStringView>
#include <QtGlobal>

#include <array>

namespace Tincan {

// A colour as a program asked for it: the default, one of the 256 indexed
// colours (0–15 are the 16 named ones), or a 24-bit colour.
class TerminalColor
{
public:
    constexpr TerminalColor() = default;
    static constexpr TerminalColor indexed(int index) { return TerminalColor(IndexedTag | quint32(index & 0xff)); }
    static constexpr TerminalColor rgb(int red, int green, int blue)
    {
        return TerminalColor(RgbTag | quint32(red & 0xff) << 16 | quint32(green & 0xff) << 8 | quint32(blue & 0xff));
    }

    constexpr bool isDefault() const { return m_value == 0; }
    constexpr bool isIndexed() const { return (m_value & TagMask) == IndexedTag; }
    constexpr bool isRgb() const { return (m_value & TagMask) == RgbTag; }
    constexpr int index() const { return int(m_value & 0xff); }
    constexpr int red() const { return int(m_value >> 16 & 0xff); }
    constexpr int green() const { return int(m_value >> 8 & 0xff); }
    constexpr int blue() const { return int(m_value & 0xff); }
    // One number per colour, for hashing.
    constexpr quint32 key() const { return m_value; }

    friend constexpr bool operator==(TerminalColor, TerminalColor) = default;

private:
    static constexpr quint32 IndexedTag = 0x01000000;
    static constexpr quint32 RgbTag = 0x02000000;
    static constexpr quint32 TagMask = 0xff000000;

    constexpr explicit TerminalColor(quint32 value)
        : m_value(value)
    {
    }

    quint32 m_value = 0;
};

// What SGR sets: colours and a few flags.
struct TextAttributes
{
    enum Flag : quint8 {
        Bold = 0x01,
        Faint = 0x02,
        Italic = 0x04,
        Underline = 0x08,
        Inverse = 0x10,
        Strikeout = 0x20,
    };

    TerminalColor foreground;
    TerminalColor background;
    quint8 flags = 0;

    constexpr bool has(Flag flag) const { return (flags & flag) != 0; }
    constexpr void set(Flag flag, bool on) { flags = on ? quint8(flags | flag) : quint8(flags & ~flag); }
    constexpr bool isDefault() const { return *this == TextAttributes(); }

    friend constexpr bool operator==(const TextAttributes &, const TextAttributes &) = default;
};

class AnsiParser final
{
public:
    // A CSI sequence with more parameters than this is consumed and ignored.
    static constexpr int MaxParameters = 32;
    // Parameter values saturate here, however many digits arrive; a sequence
    // whose value saturated is ignored.
    static constexpr int MaxParameterValue = 65535;

    enum class Control {
        LineFeed,           // LF, VT, FF: a new line (the pane has no separate column 0 return)
        CarriageReturn,     // back to column 0; what follows overwrites the line
        Backspace,          // one column left
        Tab,                // to the next multiple of 8
        EraseToEndOfLine,   // CSI K, CSI 0 K
        EraseToStartOfLine, // CSI 1 K (the cursor's column included)
        EraseLine,          // CSI 2 K
        CursorForward,      // CSI n C: `count` columns right
        CursorBackward,     // CSI n D: `count` columns left
        CursorToColumn,     // CSI n G: to column `count` - 1
    };

    // Receives what the parser found, in order.
    class Sink
    {
    public:
        virtual ~Sink() = default;
        // Printable text (never a control character) in `attributes`.
        virtual void text(QStringView text, const TextAttributes &attributes) = 0;
        // `count` is the repetition or column of the cursor controls, else 1.
        virtual void control(Control control, int count) = 0;
    };

    // Parses the next chunk of a stream. A sequence cut by the end of the
    // chunk continues in the next one.
    void feed(QStringView chunk, Sink &sink);
    // Forgets a sequence in progress and the attributes.
    void reset();

    const TextAttributes &attributes() const { return m_attributes; }
    // Whether the stream so far ends inside an escape sequence.
    bool inSequence() const { return m_state != State::Ground; }

private:
    enum class State : quint8 {
        Ground,
        Escape,             // after ESC
        EscapeIntermediate, // ESC, then 0x20–0x2F (charset designations…)
        CsiParameters,      // ESC [
        CsiIgnore,          // a malformed or overlong CSI, up to its final byte
        OscString,          // ESC ], ended by BEL or ST
        ControlString,      // DCS, SOS, PM, APC: ended by ST
        StringEscape,       // ESC inside a string: ST if a backslash follows
    };

    // Handles one character outside Ground; returns false when the character
    // must be handled again in the (new) state.
    bool consume(char16_t c, Sink &sink);
    // C0 controls act even inside escape sequences (as on a VT100).
    void execute(char16_t c, Sink &sink);
    void startCsi();
    void addDigit(int digit);
    void nextParameter(bool subParameter);
    void dispatchCsi(char16_t final, Sink &sink);
    void applySgr();
    // Reads an extended colour (38/48/58) starting at parameter `i`; returns
    // the index of the next unread parameter, or -1 when the rest is unusable.
    int readExtendedColor(int i, int groupEnd, TerminalColor *color) const;
    int parameter(int i, int fallback) const;

    State m_state = State::Ground;
    TextAttributes m_attributes;

    std::array<quint16, MaxParameters> m_parameters{};
    // Whether parameter i came after a colon (a sub-parameter, as in 38:2::r:g:b).
    std::array<bool, MaxParameters> m_subParameter{};
    int m_parameterCount = 0;
    bool m_sawParameter = false;  // a digit or separator was read
    char16_t m_privateMarker = 0; // '<', '=', '>' or '?' right after CSI
    bool m_sawIntermediate = false;
    bool m_overflowed = false;
};

} // namespace Tincan
