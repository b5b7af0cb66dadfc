#!/usr/bin/env bash
# The console server against the tools people use instead: socat over
# loopback TCP, ssh to localhost, and the bare pipe or local shell as the
# floor. Prints Markdown tables; asserts nothing about timings.
#
#   bench/console.sh BUILD_DIR        (bench/run.sh console calls it)
#
# Environment (defaults in brackets):
#   BENCH_SIZE          bytes streamed in the throughput case [1G]
#   BENCH_RUNS          runs per throughput case, the best is kept [3]
#   BENCH_COMMANDS      sequential commands in the latency case [1000]
#   BENCH_CLIENTS       concurrent and idle clients in the scale case [1000]
#   BENCH_SLOW_SECONDS  how long the slow reader reads [30]
#   BENCH_SLOW_RATE     the slow reader's bytes per second [1000000]
#   BENCH_CASES         the cases to run, of throughput latency scale slow
#                       [all four]
#
# Each table is printed between <!-- bench:console-CASE:begin --> and
# <!-- bench:console-CASE:end --> markers, for bench/run.sh --write-readme.
#
# ssh runs against a throwaway sshd (bench/lib.sh) on a spare loopback port
# with its own config, host key and client key in a temporary directory; the
# system's sshd and ~/.ssh are not touched. openssh-server is installed if missing.
set -euo pipefail

build=${1:?usage: bench/console.sh BUILD_DIR}
cli="$build/app/tincan-cli"
clients="$build/bench/bench-consoleclients"
size_arg=${BENCH_SIZE:-1G}
size=$(numfmt --from=iec "$size_arg")
runs=${BENCH_RUNS:-3}
commands=${BENCH_COMMANDS:-1000}
nclients=${BENCH_CLIENTS:-1000}
slow_seconds=${BENCH_SLOW_SECONDS:-30}
slow_rate=${BENCH_SLOW_RATE:-1000000}
all_cases="throughput latency scale slow"
cases=${BENCH_CASES:-$all_cases}
for case in $cases; do
    [[ " $all_cases " == *" $case "* ]] || { echo "BENCH_CASES: unknown case \"$case\" (known: $all_cases)" >&2; exit 1; }
done
wants() { [[ " $cases " == *" $1 "* ]]; }
# Above the client count, with room for the bench's own connections.
server_cap=$((nclients + 64))
socat_buffer=131072

tmp=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# One client per descriptor, both ends in this machine's processes.
ulimit -n $((4 * nclients + 1024))

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
mbps() { calc "$size / $1 / 1000000" 1; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# Starts `tincan-cli serve` on a free port; sets server_pid and server_port.
start_server() {
    "$cli" serve --console 0 --quiet --max-connections "$server_cap" \
        --max-connections-per-address "$server_cap" >"$tmp/server.out" 2>"$tmp/server.err" &
    server_pid=$!
    pids+=("$server_pid")
    for _ in $(seq 100); do
        server_port=$(sed -n 's/^[Cc]onsole: listening on .*:\([0-9]*\)$/\1/p' "$tmp/server.out")
        [ -n "$server_port" ] && return
        sleep 0.1
    done
    echo "tincan-cli serve did not start:" >&2
    ps -o pid,stat,wchan:20,cmd -p "$server_pid" >&2 || true
    cat "$tmp/server.out" >&2
    cat "$tmp/server.err" >&2
    exit 1
}

stop_server() {
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
}

# Runs a shell pipeline that prints a byte count BENCH_RUNS times; prints the
# best time in seconds. A wrong count is an error, not a fast run.
best_of() {
    local best="" start t count
    for _ in $(seq "$runs"); do
        start=$(now)
        count=$(bash -c "$1")
        t=$(elapsed "$start")
        if [ "$count" != "$size" ]; then
            echo "wrong byte count from: $1 (got $count, want $size)" >&2
            exit 1
        fi
        if [ -z "$best" ] || awk "BEGIN { exit !($t < $best) }"; then best=$t; fi
    done
    echo "$best"
}

# --- ssh to localhost, throwaway (bench/lib.sh) ---------------------------
# Only the throughput and latency cases compare with ssh.
if wants throughput || wants latency; then start_throwaway_sshd; fi

# --- 1. throughput ----------------------------------------------------------
if wants throughput; then
    start_server
    echo "Throughput: $size_arg of zeros through each, best of $runs" >&2
    socat_port=$(spare_port)
    socat -b "$socat_buffer" "TCP-LISTEN:$socat_port,bind=127.0.0.1,fork,reuseaddr" \
        EXEC:"head -c $size /dev/zero" 2>/dev/null &
    pids+=($!)
    sleep 0.3
    t_pipe=$(best_of "head -c $size /dev/zero | wc -c")
    t_socat=$(best_of "socat -b $socat_buffer -u TCP:127.0.0.1:$socat_port - | wc -c")
    t_tincan=$(best_of "'$cli' exec --port $server_port -- head -c $size /dev/zero | wc -c")
    ssh_cmd="ssh ${ssh_opts[*]} 127.0.0.1 head -c $size /dev/zero | wc -c"
    t_ssh=$(best_of "$ssh_cmd")

    echo
    echo "<!-- bench:console-throughput:begin -->"
    echo "**Throughput**: \`head -c $size_arg /dev/zero\` to \`| wc -c\` (count checked), best of $runs"
    echo
    echo "| path | time | MB/s | ratio to socat |"
    echo "|---|---:|---:|---:|"
    for row in "bare pipe (the floor)|$t_pipe" "socat over loopback TCP (-b $socat_buffer)|$t_socat" \
        "tincan-cli exec|$t_tincan" "ssh localhost (default cipher)|$t_ssh"; do
        name=${row%|*}
        t=${row#*|}
        printf '| %s | %.2f s | %s | %s |\n' "$name" "$t" "$(mbps "$t")" "$(ratio "$(mbps "$t")" "$(mbps "$t_socat")")"
    done
    echo "<!-- bench:console-throughput:end -->"
    stop_server
fi

# --- 2. latency -------------------------------------------------------------
if wants latency; then
    start_server
    echo "Latency: $commands sequential commands" >&2
    start=$(now)
    for _ in $(seq "$commands"); do sh -c true; done
    t_floor=$(elapsed "$start")
    read -r n_done n_failed _ tincan_per < <("$clients" --port "$server_port" --latency "$commands")
    [ "$n_failed" = 0 ] || { echo "$n_failed of $n_done commands failed" >&2; exit 1; }
    control=(-o ControlMaster=auto -o ControlPath="$tmp/control" -o ControlPersist=60)
    ssh "${ssh_opts[@]}" "${control[@]}" 127.0.0.1 true # opens the master connection
    start=$(now)
    for _ in $(seq "$commands"); do ssh "${ssh_opts[@]}" "${control[@]}" 127.0.0.1 true; done
    t_ssh_cm=$(elapsed "$start")
    ssh "${ssh_opts[@]}" "${control[@]}" -O exit 127.0.0.1 2>/dev/null || true
    # For scale: a new process and connection per command, as scripts use it.
    cli_commands=$((commands / 10))
    start=$(now)
    for _ in $(seq "$cli_commands"); do "$cli" exec --port "$server_port" -- true; done
    t_cli=$(elapsed "$start")

    floor_per=$(calc "$t_floor * 1000 / $commands" 4)
    echo
    echo "<!-- bench:console-latency:begin -->"
    echo "**Latency**: \`true\` run one after the other, per command"
    echo
    echo "| path | commands | per command | ratio to the floor |"
    echo "|---|---:|---:|---:|"
    printf '| local `sh -c true` (the floor) | %d | %.2f ms | 1.00 |\n' "$commands" "$floor_per"
    printf '| Tincan, one connection (bench-consoleclients --latency) | %d | %.2f ms | %s |\n' \
        "$commands" "$tincan_per" "$(ratio "$tincan_per" "$floor_per")"
    per=$(calc "$t_ssh_cm * 1000 / $commands" 4)
    printf '| ssh, ControlMaster connection | %d | %.2f ms | %s |\n' "$commands" "$per" "$(ratio "$per" "$floor_per")"
    per=$(calc "$t_cli * 1000 / $cli_commands" 4)
    printf '| `tincan-cli exec` (new process and connection each) | %d | %.2f ms | %s |\n' \
        "$cli_commands" "$per" "$(ratio "$per" "$floor_per")"
    echo "<!-- bench:console-latency:end -->"
    stop_server
fi

# --- 3. scale ---------------------------------------------------------------
if wants scale; then
    echo "Scale: $nclients clients" >&2
    start_server
    read -r _ answered concurrent_ms < <("$clients" --port "$server_port" --concurrent "$nclients")
    stop_server
    start_server
    read -r _ idle_ready rss_before rss_after < <("$clients" --port "$server_port" --idle "$nclients" --server-pid "$server_pid")
    stop_server
    per_conn=$(calc "($rss_after - $rss_before) / $idle_ready" 1)
    echo
    echo "<!-- bench:console-scale:begin -->"
    echo "**Scale**: one \`tincan-cli serve\` (started with \`--max-connections $server_cap"
    echo "--max-connections-per-address $server_cap\`; the defaults are 256 and 32), clients in one process"
    echo
    echo "| case | result |"
    echo "|---|---|"
    echo "| $nclients clients at once, each \`echo hi\` | $answered/$nclients answered \"hi\" in $(calc "$concurrent_ms / 1000") s |"
    echo "| $nclients idle connections (hello done) | $idle_ready/$nclients ready; server VmRSS $((rss_before / 1024)) → $((rss_after / 1024)) MiB, $per_conn KiB per connection |"
    echo "<!-- bench:console-scale:end -->"
fi

# --- 4. slow reader ---------------------------------------------------------
if wants slow; then
    echo "Slow reader: $slow_seconds s at $slow_rate B/s" >&2
    start_server
    rss_start=$(rss_kib "$server_pid")
    "$cli" exec --port "$server_port" -- head -c 1G /dev/zero |
        "$clients" --throttle "$slow_rate" --seconds "$slow_seconds" >"$tmp/slow.out" &
    reader=$!
    samples=()
    peak=$rss_start
    for second in $(seq 0 "$slow_seconds"); do
        rss=$(rss_kib "$server_pid")
        [ "$rss" -gt "$peak" ] && peak=$rss
        [ $((second % 5)) = 0 ] && samples+=("$second s: $((rss / 1024)) MiB")
        sleep 1
    done
    wait "$reader" || true
    read_bytes=$(cat "$tmp/slow.out")
    stop_server
    echo
    echo "<!-- bench:console-slow:begin -->"
    echo "**Slow reader**: \`tincan-cli exec -- head -c 1G /dev/zero\` piped into a reader throttled to"
    echo "$((slow_rate / 1000)) kB/s, stopped after $slow_seconds s (the whole GiB would take $((1073741824 / slow_rate / 60)) minutes)"
    echo
    echo "| server VmRSS | value |"
    echo "|---|---|"
    echo "| before the command | $((rss_start / 1024)) MiB |"
    echo "| over time | $(IFS=';'; echo "${samples[*]}" | sed 's/;/, /g') |"
    echo "| peak (sampled every second) | $((peak / 1024)) MiB (target: under 64 MiB) |"
    echo "| read by the client in $slow_seconds s | $((read_bytes / 1000000)) MB |"
    echo "<!-- bench:console-slow:end -->"
fi
