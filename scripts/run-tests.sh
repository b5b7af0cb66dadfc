#!/usr/bin/env bash
# Installs what is missing, builds Tincan and runs the whole test suite
# through CTest. GUI tests use the offscreen platform: no display needed.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
generator=()
[ -f build/CMakeCache.txt ] || generator=(-G Ninja)  # keep an existing build tree
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTINCAN_BUILD_TESTS=ON >/dev/null
cmake --build build --parallel "$(nproc)"
cd build
ctest --output-on-failure --parallel "$(nproc)" "$@"
