// The colours of the terminal pane: the 256 indexed colours, tuned to read
// well on a dark background, and the adjustment that keeps any colour a
// program picks (black text, a dark 24-bit blue) readable on the background
// it is drawn on.
#pragma once

#include "models/terminal/ansiparser.h"

#include <QColor>

namespace Tincan {

class TerminalPalette final
{
public:
    // WCAG's contrast ratio for large text; text below it is lightened or
    // darkened, whichever the background allows, until it reaches it.
    static constexpr qreal MinimumContrast = 3.0;
    // How far faint text is blended towards its background.
    static constexpr qreal FaintBlend = 0.4;

    // Indexed colours: 0–15 the named ones, 16–231 the 6×6×6 cube, 232–255
    // the grey ramp (as xterm defines them).
    static QColor indexed(int index);
    // The colour itself, or `fallback` for the default colour.
    static QColor resolve(TerminalColor color, const QColor &fallback);

    static qreal relativeLuminance(const QColor &color);
    static qreal contrastRatio(const QColor &a, const QColor &b);
    // `foreground` moved towards white or black just enough to reach
    // MinimumContrast against `background`.
    static QColor readable(const QColor &foreground, const QColor &background);
    // `from` blended `amount` (0–1) of the way to `to`.
    static QColor blend(const QColor &from, const QColor &to, qreal amount);
};

} // namespace Tincan
