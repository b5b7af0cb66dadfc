#!/usr/bin/env bash
# Installs what is missing, builds Tincan and starts the desktop app.
# Arguments are passed to the app (for example --lang zh_CN).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
generator=()
[ -f build/CMakeCache.txt ] || generator=(-G Ninja)  # keep an existing build tree
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --parallel "$(nproc)"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    cat <<MSG
Tincan is built, but there is no display to show its window on
(neither DISPLAY nor WAYLAND_DISPLAY is set).
  - In a desktop session, run:   build/app/tincan
  - On this machine, headless:   build/app/tincan-cli --help
  - With a virtual display:      xvfb-run build/app/tincan
MSG
    exit 0
fi
exec build/app/tincan "$@"
