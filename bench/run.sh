#!/usr/bin/env bash
# Builds Tincan in Release with the benchmarks and runs them, printing each
# comparison table. Timings are measured here, never asserted in tests.
#
#   bench/run.sh [--write-readme] [serverflood] [console] [guiflood] [transfer] [-- arguments for the C++ benchmarks]
#
# console is bench/console.sh, transfer bench/transfer.sh and guiflood
# bench-guiflood; their environment
# variables set the sizes and cases (see each). With --write-readme, once
# every benchmark has succeeded, each printed table replaces the one between
# its markers in README.md (bench/write-readme.py), under a line saying when,
# on what machine and how loaded it was at the start; BENCH_NOTE, if set, is
# added to that line (say "a build machine shared with other jobs"). A failed
# benchmark leaves README.md as it was.
set -euo pipefail
cd "$(dirname "$0")/.."

write_readme=false
benches=()
extra=()
while [ $# -gt 0 ]; do
    case $1 in
    --write-readme) write_readme=true ;;
    --) shift; extra=("$@"); break ;;
    serverflood | console | guiflood | transfer) benches+=("$1") ;;
    *) echo "bench/run.sh: unknown benchmark \"$1\" (known: serverflood console guiflood transfer)" >&2; exit 2 ;;
    esac
    shift
done
[ ${#benches[@]} -gt 0 ] || benches=(serverflood)

# Said before anything runs: the build and the benchmarks load the machine.
load=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
settings=$(env | grep '^BENCH_' | grep -v '^BENCH_NOTE=' | sort | tr '\n' ' ' || true)
measured="Measured $(date -u '+%Y-%m-%d %H:%M UTC') with \`${settings}bench/run.sh ${benches[*]}\` on"
measured+=" $cpu, \`nproc\` $(nproc), load average $load at the start"
measured+="${BENCH_NOTE:+; $BENCH_NOTE}."

scripts/install-deps.sh
command -v socat >/dev/null || { echo "Installing socat for the comparison"; apt-get install -y -qq socat >/dev/null; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DTINCAN_BUILD_TESTS=OFF -DTINCAN_BUILD_BENCH=ON \
    "${launcher[@]}" >/dev/null
cmake --build build-release --parallel "$(nproc)" --target bench-serverflood bench-consoleclients bench-guiflood tincan-cli

output=$(mktemp)
trap 'rm -f "$output"' EXIT
echo "# $measured"
for bench in "${benches[@]}"; do
    if [ "$bench" = console ]; then
        bench/console.sh build-release
    elif [ "$bench" = transfer ]; then
        bench/transfer.sh build-release
    else
        build-release/bench/bench-"$bench" "${extra[@]}"
    fi | tee -a "$output" | sed '/^<!-- bench:/d'
done

if $write_readme; then
    python3 bench/write-readme.py README.md "$output" "$measured"
fi
