#!/bin/sh
# Renders tincan.svg to the PNGs embedded in the application (Qt draws SVG
# only with its optional SVG module). Needs rsvg-convert (librsvg2-bin).
set -eu
cd "$(dirname "$0")"
for size in 16 24 32 48 64 128 256; do
    rsvg-convert -w "$size" -h "$size" tincan.svg -o "icons/tincan-$size.png"
done
