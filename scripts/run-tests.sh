#!/usr/bin/env bash
# Installs what is missing, builds Tincan and runs every test, in three stages:
#   normal     the whole CTest suite (build/, GCC); GUI tests use the offscreen
#              platform, so no display is needed
#   sanitized  the same suite under AddressSanitizer + UBSan (build-asan/, the
#              asan preset: clang, Debug; scripts/run-sanitized-tests.sh)
#   fuzz       the fuzzers, a minute each (scripts/run-fuzz.sh), built in the
#              same build-asan/ tree, so after the sanitized stage only their
#              own few files are left to compile
# TINCAN_TEST_STAGES picks stages; the default, what CI runs, is all three:
#   TINCAN_TEST_STAGES=normal scripts/run-tests.sh
# Arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

stages=${TINCAN_TEST_STAGES:-normal sanitized fuzz}
for stage in $stages; do
    case $stage in
        normal | sanitized | fuzz) ;;
        *) echo "unknown test stage: $stage (known: normal sanitized fuzz)" >&2; exit 2 ;;
    esac
done
wants() { [[ " $stages " == *" $1 "* ]]; }
took() { echo "== $1 passed in $((SECONDS - $2)) s"; }

scripts/install-deps.sh
if wants normal; then
    scripts/check-format.sh
    echo "== Tests"
    start=$SECONDS
    generator=()
    [ -f build/CMakeCache.txt ] || generator=(-G Ninja)  # keep an existing build tree
    cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTINCAN_BUILD_TESTS=ON >/dev/null
    cmake --build build --parallel "$(nproc)"
    (cd build && ctest --output-on-failure --parallel "$(nproc)" "$@")
    took "Tests" "$start"
fi
if wants sanitized; then
    echo "== Tests under AddressSanitizer and UndefinedBehaviorSanitizer"
    start=$SECONDS
    scripts/run-sanitized-tests.sh "$@"
    took "Sanitized tests" "$start"
fi
if wants fuzz; then
    echo "== Fuzzing"
    start=$SECONDS
    scripts/run-fuzz.sh
    took "Fuzzing" "$start"
fi
