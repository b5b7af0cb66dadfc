#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in build-asan/ (the asan preset), and runs each for a bounded time,
# a few at once. Exits non-zero on any crash, sanitizer error, leak, timeout
# or out-of-memory, and prints the input that caused it and how to replay it.
#
# Arguments: the targets to run (default: all), e.g. `scripts/run-fuzz.sh framedecoder`.
# Environment:
#   TINCAN_FUZZ_SECONDS   fuzzing time per target, in seconds (default 60)
#   TINCAN_FUZZ_JOBS      targets fuzzed at the same time (default: all of them, so that
#                         a minute each takes a minute)
#   TINCAN_FUZZ_TIMEOUT   seconds one input may take before it counts as a hang (default 10)
#   TINCAN_FUZZ_RSS_MB    memory limit of one fuzzer process, in MiB (default 2048)
#   TINCAN_FUZZ_MALLOC_MB largest single allocation allowed, in MiB (default 256): inputs
#                         are a few KiB, so a bigger one means a length was trusted
#
# The seed corpus in tests/fuzz/corpus/ is copied into build-asan/fuzz-run/;
# whatever the fuzzers find is written there, never into the source tree.
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(framedecoder protocoldetector chatenvelope ipmsgpacket announcement)
seconds=${TINCAN_FUZZ_SECONDS:-60}
jobs=${TINCAN_FUZZ_JOBS:-${#all_targets[@]}}
input_timeout=${TINCAN_FUZZ_TIMEOUT:-10}
rss_mb=${TINCAN_FUZZ_RSS_MB:-2048}
malloc_mb=${TINCAN_FUZZ_MALLOC_MB:-256}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $target "* ]] || { echo "unknown fuzz target: $target (known: ${all_targets[*]})" >&2; exit 2; }
done

scripts/install-deps.sh
# The asan preset's tree (clang, Debug, both sanitizers), which the sanitized
# suite shares: after it, only the targets themselves are left to build.
build=build-asan
cmake --preset=asan >/dev/null
cmake --build --preset=asan --parallel "$(nproc)" --target "${targets[@]/#/fuzz_}"

run_dir=$PWD/$build/fuzz-run
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1

# Runs one target; its log and exit status go to $run_dir/<target>/.
fuzz_one() {
    local target=$1 dir=$run_dir/$1
    rm -rf "$dir"
    mkdir -p "$dir/corpus" "$dir/artifacts"
    cp tests/fuzz/corpus/"$target"/* "$dir/corpus/"
    local options=(-max_total_time="$seconds" -timeout="$input_timeout" -rss_limit_mb="$rss_mb"
        -malloc_limit_mb="$malloc_mb" -artifact_prefix="$dir/artifacts/" -print_final_stats=1)
    [ -f tests/fuzz/"$target".dict ] && options+=(-dict=tests/fuzz/"$target".dict)
    local status=0
    "$build/tests/fuzz/fuzz_$target" "${options[@]}" "$dir/corpus" >"$dir/log" 2>&1 || status=$?
    echo "$status" >"$dir/status"
}

echo "Fuzzing ${targets[*]} for ${seconds} s each, ${jobs} at a time"
running=0
for target in "${targets[@]}"; do
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    fuzz_one "$target" &
    running=$((running + 1))
done
wait

failed=0
for target in "${targets[@]}"; do
    dir=$run_dir/$target
    status=$(cat "$dir/status")
    # slow-unit-* files are reports, not failures; every other artifact is one.
    mapfile -t found < <(find "$dir/artifacts" -type f ! -name 'slow-unit-*' | sort)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
    coverage=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -n 1 || true)
    if [ "$status" -eq 0 ] && [ ${#found[@]} -eq 0 ]; then
        echo "fuzz_$target: ok, ${runs:-?} inputs, ${coverage:-cov: ?}, corpus $(find "$dir/corpus" -type f | wc -l) files"
        continue
    fi
    failed=1
    echo "fuzz_$target: FAILED (exit status $status); the report, from $dir/log:"
    # From the first error line on (a failed check, a sanitizer or libFuzzer report).
    awk '/fuzz check failed|ERROR: |runtime error|deadly signal/ { report = 1 }
         report && !/^#[0-9]+[ \t]/ { print "    " $0; if (++lines == 80) exit }' "$dir/log"
    for input in "${found[@]}"; do
        echo "  reproducer: $input"
        echo "  replay:     $build/tests/fuzz/fuzz_$target $input"
    done
done
exit $failed
