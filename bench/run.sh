#!/usr/bin/env bash
# Builds Tincan in Release with the benchmarks and runs them, printing each
# comparison table. Timings are measured here, never asserted in tests.
#
#   bench/run.sh [serverflood] [console] [transfer] [-- extra arguments for the benchmark]
#
# console is bench/console.sh and transfer bench/transfer.sh (their
# environment variables set the sizes: BENCH_SIZE=64M bench/run.sh transfer).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
command -v socat >/dev/null || { echo "Installing socat for the comparison"; apt-get install -y -qq socat >/dev/null; }
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DTINCAN_BUILD_TESTS=OFF -DTINCAN_BUILD_BENCH=ON >/dev/null
cmake --build build-release --parallel "$(nproc)" --target bench-serverflood bench-consoleclients tincan-cli

benches=("${@:-serverflood}")
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for bench in "${benches[@]}"; do
    [ "$bench" = "--" ] && break
    if [ "$bench" = console ]; then
        bench/console.sh build-release
    elif [ "$bench" = transfer ]; then
        bench/transfer.sh build-release
    else
        build-release/bench/bench-"$bench"
    fi
done
