#include "models/terminal/terminalpalette.h"

#include <QtMath>

#include <algorithm>
#include <array>

namespace Tincan {

namespace {

// Black and its bright twin from Tango, the rest softened One Dark-like hues:
// all readable on the pane's near-black, and "black" still a visible dark
// grey when used as a background.
constexpr std::array<QRgb, 16> NamedColors = {
    0x2e3436, // black
    0xe06c75, // red
    0x98c379, // green
    0xe5c07b, // yellow
    0x61afef, // blue
    0xc678dd, // magenta
    0x56b6c2, // cyan
    0xc8ccd4, // white (light grey)
    0x6c717c, // bright black (grey)
    0xff7b86, // bright red
    0xb5e890, // bright green
    0xffd88f, // bright yellow
    0x82c4ff, // bright blue
    0xde99f0, // bright magenta
    0x72d7e3, // bright cyan
    0xffffff, // bright white
};

constexpr int NamedColorCount = 16;
constexpr int CubeStart = 16;
constexpr int CubeSize = 6;
constexpr int GreyStart = 232;
constexpr int GreyBase = 8;
constexpr int GreyStep = 10;
constexpr int CubeLevels[CubeSize] = {0, 95, 135, 175, 215, 255};
// Steps tried when moving a colour towards white or black.
constexpr int ContrastSteps = 20;

qreal linear(qreal channel)
{
    return channel <= 0.03928 ? channel / 12.92 : qPow((channel + 0.055) / 1.055, 2.4);
}

} // namespace

QColor TerminalPalette::indexed(int index)
{
    index = std::clamp(index, 0, 255);
    if (index < NamedColorCount)
        return QColor(NamedColors.at(std::size_t(index)));
    if (index < GreyStart) {
        const int cube = index - CubeStart;
        return QColor(CubeLevels[cube / (CubeSize * CubeSize)], CubeLevels[cube / CubeSize % CubeSize],
                      CubeLevels[cube % CubeSize]);
    }
    const int grey = GreyBase + GreyStep * (index - GreyStart);
    return QColor(grey, grey, grey);
}

QColor TerminalPalette::resolve(TerminalColor color, const QColor &fallback)
{
    if (color.isIndexed())
        return indexed(color.index());
    if (color.isRgb())
        return QColor(color.red(), color.green(), color.blue());
    return fallback;
}

qreal TerminalPalette::relativeLuminance(const QColor &color)
{
    return 0.2126 * linear(color.redF()) + 0.7152 * linear(color.greenF()) + 0.0722 * linear(color.blueF());
}

qreal TerminalPalette::contrastRatio(const QColor &a, const QColor &b)
{
    const qreal la = relativeLuminance(a);
    const qreal lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor TerminalPalette::blend(const QColor &from, const QColor &to, qreal amount)
{
    const auto mix = [amount](qreal a, qreal b) { return a + (b - a) * amount; };
    return QColor::fromRgbF(float(mix(from.redF(), to.redF())), float(mix(from.greenF(), to.greenF())),
                            float(mix(from.blueF(), to.blueF())));
}

QColor TerminalPalette::readable(const QColor &foreground, const QColor &background)
{
    if (contrastRatio(foreground, background) >= MinimumContrast)
        return foreground;
    // Towards whichever of white and black stands out more from the background.
    const QColor white(Qt::white);
    const QColor black(Qt::black);
    const QColor target = contrastRatio(white, background) >= contrastRatio(black, background) ? white : black;
    for (int step = 1; step <= ContrastSteps; ++step) {
        const QColor candidate = blend(foreground, target, qreal(step) / ContrastSteps);
        if (contrastRatio(candidate, background) >= MinimumContrast)
            return candidate;
    }
    return target;
}

} // namespace Tincan
