#include "models/terminal/ansiparser.h"

namespace Tincan {

namespace {

constexpr char16_t Bell = 0x07;
constexpr char16_t BackspaceChar = 0x08;
constexpr char16_t TabChar = 0x09;
constexpr char16_t LineFeedChar = 0x0a;
constexpr char16_t VerticalTab = 0x0b;
constexpr char16_t FormFeed = 0x0c;
constexpr char16_t CarriageReturnChar = 0x0d;
constexpr char16_t Cancel = 0x18;
constexpr char16_t Substitute = 0x1a;
constexpr char16_t EscapeChar = 0x1b;
constexpr char16_t Delete = 0x7f;
constexpr char16_t StringTerminator = 0x9c; // ST as a C1 control

constexpr int IndexedColorCount = 256;
constexpr int ExtendedColorIndexed = 5;
constexpr int ExtendedColorRgb = 2;

// Text the pane can show: no C0 control, no DEL, no C1 control (U+0080–U+009F,
// which only a Latin-1 decoding of a stray byte produces).
constexpr bool isPrintable(char16_t c)
{
    return c >= 0x20 && c != Delete && (c < 0x80 || c >= 0xa0);
}

constexpr bool isIntermediate(char16_t c)
{
    return c >= 0x20 && c <= 0x2f;
}

constexpr bool isFinal(char16_t c)
{
    return c >= 0x40 && c <= 0x7e;
}

} // namespace

void AnsiParser::reset()
{
    m_state = State::Ground;
    m_attributes = TextAttributes();
}

void AnsiParser::feed(QStringView chunk, Sink &sink)
{
    const char16_t *data = chunk.utf16();
    const qsizetype size = chunk.size();
    qsizetype i = 0;
    while (i < size) {
        if (m_state == State::Ground) {
            // The common case, kept tight: a run of printable text.
            const qsizetype start = i;
            while (i < size && isPrintable(data[i]))
                ++i;
            if (i > start)
                sink.text(chunk.sliced(start, i - start), m_attributes);
            if (i == size)
                break;
            const char16_t c = data[i++];
            if (c == EscapeChar)
                m_state = State::Escape;
            else if (c < 0x20)
                execute(c, sink);
            // DEL and C1 controls are dropped.
            continue;
        }
        if (consume(data[i], sink))
            ++i;
    }
}

void AnsiParser::execute(char16_t c, Sink &sink)
{
    switch (c) {
    case LineFeedChar:
    case VerticalTab:
    case FormFeed:
        sink.control(Control::LineFeed, 1);
        break;
    case CarriageReturnChar:
        sink.control(Control::CarriageReturn, 1);
        break;
    case BackspaceChar:
        sink.control(Control::Backspace, 1);
        break;
    case TabChar:
        sink.control(Control::Tab, 1);
        break;
    case Bell:
    default:
        break; // no bell, no other control
    }
}

bool AnsiParser::consume(char16_t c, Sink &sink)
{
    // Anywhere in a sequence: CAN and SUB abort it, ESC starts a new one.
    // Inside strings (OSC, DCS…) ESC may be the first half of ST instead.
    const bool inString = m_state == State::OscString || m_state == State::ControlString;
    if (c == Cancel || c == Substitute) {
        m_state = State::Ground;
        return true;
    }
    if (c == EscapeChar && m_state != State::StringEscape) {
        m_state = inString ? State::StringEscape : State::Escape;
        return true;
    }

    switch (m_state) {
    case State::Ground:
        return false;

    case State::Escape:
        if (c < 0x20) {
            execute(c, sink);
        } else if (c >= 0x80) {
            m_state = State::Ground; // not a sequence after all: show the character
            return false;
        } else if (c == u'[') {
            startCsi();
        } else if (c == u']') {
            m_state = State::OscString;
        } else if (c == u'P' || c == u'X' || c == u'^' || c == u'_') {
            m_state = State::ControlString; // DCS, SOS, PM, APC
        } else if (isIntermediate(c)) {
            m_state = State::EscapeIntermediate;
        } else if (c == u'c') {
            reset(); // RIS: a full reset, as far as the pane has state
        } else if (c != Delete) {
            m_state = State::Ground; // ESC 7, ESC =, ESC M…: nothing to do here
        }
        return true;

    case State::EscapeIntermediate:
        if (c < 0x20) {
            execute(c, sink);
        } else if (c >= 0x80) {
            m_state = State::Ground;
            return false;
        } else if (!isIntermediate(c) && c != Delete) {
            m_state = State::Ground; // ESC ( B and friends: charsets are not ours to switch
        }
        return true;

    case State::CsiParameters:
        if (c < 0x20) {
            execute(c, sink);
        } else if (c >= 0x80) {
            m_state = State::Ground;
            return false;
        } else if (c >= u'0' && c <= u'9') {
            if (m_sawIntermediate)
                m_state = State::CsiIgnore;
            else
                addDigit(c - u'0');
        } else if (c == u';' || c == u':') {
            if (m_sawIntermediate)
                m_state = State::CsiIgnore;
            else
                nextParameter(c == u':');
        } else if (c >= u'<' && c <= u'?') {
            if (m_sawParameter || m_privateMarker != 0 || m_sawIntermediate)
                m_state = State::CsiIgnore;
            else
                m_privateMarker = c;
        } else if (isIntermediate(c)) {
            m_sawIntermediate = true;
        } else if (isFinal(c)) {
            m_state = State::Ground;
            dispatchCsi(c, sink);
        }
        return true;

    case State::CsiIgnore:
        if (c < 0x20) {
            execute(c, sink);
        } else if (c >= 0x80) {
            m_state = State::Ground;
            return false;
        } else if (isFinal(c)) {
            m_state = State::Ground;
        }
        return true;

    case State::OscString:
        // Window titles, hyperlinks, clipboard: nothing the pane shows. The
        // contents are not kept, so an endless string costs no memory.
        if (c == Bell || c == StringTerminator)
            m_state = State::Ground;
        return true;

    case State::ControlString:
        if (c == StringTerminator)
            m_state = State::Ground;
        return true;

    case State::StringEscape:
        if (c == u'\\') {
            m_state = State::Ground;
            return true;
        }
        // ESC followed by anything else ends the string and starts a new
        // sequence with that character.
        m_state = State::Escape;
        return false;
    }
    return true;
}

void AnsiParser::startCsi()
{
    m_state = State::CsiParameters;
    m_parameters[0] = 0;
    m_subParameter[0] = false;
    m_parameterCount = 1;
    m_sawParameter = false;
    m_privateMarker = 0;
    m_sawIntermediate = false;
    m_overflowed = false;
}

void AnsiParser::addDigit(int digit)
{
    m_sawParameter = true;
    quint16 &value = m_parameters[std::size_t(m_parameterCount - 1)];
    const int next = value * 10 + digit;
    if (next > MaxParameterValue) {
        value = MaxParameterValue;
        m_overflowed = true;
    } else {
        value = quint16(next);
    }
}

void AnsiParser::nextParameter(bool subParameter)
{
    m_sawParameter = true;
    if (m_parameterCount == MaxParameters) {
        m_state = State::CsiIgnore;
        return;
    }
    m_parameters[std::size_t(m_parameterCount)] = 0;
    m_subParameter[std::size_t(m_parameterCount)] = subParameter;
    ++m_parameterCount;
}

int AnsiParser::parameter(int i, int fallback) const
{
    if (i >= m_parameterCount)
        return fallback;
    const int value = m_parameters[std::size_t(i)];
    return value == 0 ? fallback : value;
}

void AnsiParser::dispatchCsi(char16_t final, Sink &sink)
{
    if (m_overflowed || m_sawIntermediate || m_privateMarker != 0)
        return; // DEC private modes, xterm key modes…: none changes the text
    switch (final) {
    case u'm':
        applySgr();
        break;
    case u'K':
        switch (m_parameters[0]) {
        case 0:
            sink.control(Control::EraseToEndOfLine, 1);
            break;
        case 1:
            sink.control(Control::EraseToStartOfLine, 1);
            break;
        case 2:
            sink.control(Control::EraseLine, 1);
            break;
        default:
            break;
        }
        break;
    case u'C':
        sink.control(Control::CursorForward, parameter(0, 1));
        break;
    case u'D':
        sink.control(Control::CursorBackward, parameter(0, 1));
        break;
    case u'G':
        sink.control(Control::CursorToColumn, parameter(0, 1));
        break;
    default:
        break; // cursor addressing, scrolling regions, modes: dropped
    }
}

int AnsiParser::readExtendedColor(int i, int groupEnd, TerminalColor *color) const
{
    const auto valid = [](int value) { return value >= 0 && value < IndexedColorCount; };
    if (groupEnd > i + 1) {
        // Colon form: 38:5:n, 38:2:r:g:b or 38:2:colourspace:r:g:b.
        const int mode = m_parameters[std::size_t(i + 1)];
        const int count = groupEnd - (i + 2);
        const auto at = [this, i](int k) { return int(m_parameters[std::size_t(i + 2 + k)]); };
        if (mode == ExtendedColorIndexed && count >= 1 && valid(at(0))) {
            *color = TerminalColor::indexed(at(0));
        } else if (mode == ExtendedColorRgb && count >= 3) {
            const int first = count >= 4 ? 1 : 0;
            if (valid(at(first)) && valid(at(first + 1)) && valid(at(first + 2)))
                *color = TerminalColor::rgb(at(first), at(first + 1), at(first + 2));
        }
        return groupEnd;
    }
    // Semicolon form: 38;5;n or 38;2;r;g;b.
    const int mode = i + 1 < m_parameterCount ? int(m_parameters[std::size_t(i + 1)]) : -1;
    if (mode == ExtendedColorIndexed) {
        if (i + 2 >= m_parameterCount)
            return -1;
        const int index = m_parameters[std::size_t(i + 2)];
        if (valid(index))
            *color = TerminalColor::indexed(index);
        return i + 3;
    }
    if (mode == ExtendedColorRgb) {
        if (i + 4 >= m_parameterCount)
            return -1;
        const int red = m_parameters[std::size_t(i + 2)];
        const int green = m_parameters[std::size_t(i + 3)];
        const int blue = m_parameters[std::size_t(i + 4)];
        if (valid(red) && valid(green) && valid(blue))
            *color = TerminalColor::rgb(red, green, blue);
        return i + 5;
    }
    return -1; // an unknown colour kind: what follows cannot be read
}

void AnsiParser::applySgr()
{
    TextAttributes &a = m_attributes;
    int i = 0;
    while (i < m_parameterCount) {
        const int code = m_parameters[std::size_t(i)];
        int groupEnd = i + 1; // sub-parameters belong to the parameter before them
        while (groupEnd < m_parameterCount && m_subParameter[std::size_t(groupEnd)])
            ++groupEnd;
        int next = groupEnd;
        switch (code) {
        case 0:
            a = TextAttributes();
            break;
        case 1:
            a.set(TextAttributes::Bold, true);
            break;
        case 2:
            a.set(TextAttributes::Faint, true);
            break;
        case 3:
            a.set(TextAttributes::Italic, true);
            break;
        case 4:
            // 4:0 is "no underline"; 4:1…4:5 are underline styles.
            a.set(TextAttributes::Underline, groupEnd == i + 1 || m_parameters[std::size_t(i + 1)] != 0);
            break;
        case 7:
            a.set(TextAttributes::Inverse, true);
            break;
        case 9:
            a.set(TextAttributes::Strikeout, true);
            break;
        case 21: // double underline
            a.set(TextAttributes::Underline, true);
            break;
        case 22:
            a.set(TextAttributes::Bold, false);
            a.set(TextAttributes::Faint, false);
            break;
        case 23:
            a.set(TextAttributes::Italic, false);
            break;
        case 24:
            a.set(TextAttributes::Underline, false);
            break;
        case 27:
            a.set(TextAttributes::Inverse, false);
            break;
        case 29:
            a.set(TextAttributes::Strikeout, false);
            break;
        case 38:
        case 48:
        case 58: { // 58 is the underline colour: read, not shown
            TerminalColor color = code == 38 ? a.foreground : a.background;
            next = readExtendedColor(i, groupEnd, &color);
            if (next < 0)
                return;
            if (code == 38)
                a.foreground = color;
            else if (code == 48)
                a.background = color;
            break;
        }
        case 39:
            a.foreground = TerminalColor();
            break;
        case 49:
            a.background = TerminalColor();
            break;
        default:
            if (code >= 30 && code <= 37)
                a.foreground = TerminalColor::indexed(code - 30);
            else if (code >= 40 && code <= 47)
                a.background = TerminalColor::indexed(code - 40);
            else if (code >= 90 && code <= 97)
                a.foreground = TerminalColor::indexed(code - 90 + 8);
            else if (code >= 100 && code <= 107)
                a.background = TerminalColor::indexed(code - 100 + 8);
            break; // blink, conceal, fonts, overline…: not shown
        }
        i = next;
    }
}

} // namespace Tincan
