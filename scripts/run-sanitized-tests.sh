#!/usr/bin/env bash
# Builds Tincan and its tests with AddressSanitizer and UndefinedBehaviorSanitizer
# (the `asan` CMake preset, in build-asan/) and runs the whole test suite under
# them. Any memory error, undefined behaviour or leak, in a test or in a tincan
# or tincan-cli process a test starts, fails that test. Arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset=asan >/dev/null
cmake --build --preset=asan --parallel "$(nproc)"
# The sanitizer options are part of each test's environment (tests/CMakeLists.txt).
ctest --preset=asan --parallel "$(nproc)" "$@"
