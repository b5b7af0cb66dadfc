#!/usr/bin/env bash
# One file uploaded over loopback by tincan-cli, scp and sftp (ssh to
# localhost, a throwaway sshd) and a bare socat relay. Prints a Markdown
# table between <!-- bench:transfer:begin/end --> markers (for bench/run.sh
# --write-readme); asserts nothing about timings, but every copy's MD5 is checked.
#
#   bench/transfer.sh BUILD_DIR        (bench/run.sh transfer calls it)
#
# Environment (defaults in brackets):
#   BENCH_SIZE   the file's size, random bytes [1G]
#   BENCH_RUNS   runs per tool, the best is kept [3]
set -euo pipefail

build=${1:?usage: bench/transfer.sh BUILD_DIR}
cli="$(realpath "$build")/app/tincan-cli"
size_arg=${BENCH_SIZE:-1G}
size=$(numfmt --from=iec "$size_arg")
runs=${BENCH_RUNS:-3}
socat_buffer=131072

tmp=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
mbps() { calc "$size / $1 / 1000000" 1; }

command -v socat >/dev/null || { echo "socat is needed (apt-get install socat)" >&2; exit 1; }
start_throwaway_sshd

echo "Making a $size_arg file of random bytes" >&2
mkdir -p "$tmp/src" "$tmp/dst"
head -c "$size" /dev/urandom >"$tmp/src/file.bin"
want=$(md5sum <"$tmp/src/file.bin" | cut -d' ' -f1)

# The receiving console server, serving the destination directory.
(cd "$tmp/dst" && exec "$cli" serve --console 0 --quiet >"$tmp/server.out" 2>"$tmp/server.err") &
pids+=($!)
server_port=
for _ in $(seq 100); do
    server_port=$(sed -n 's/^[Cc]onsole: listening on .*:\([0-9]*\)$/\1/p' "$tmp/server.out")
    [ -n "$server_port" ] && break
    sleep 0.1
done
[ -n "$server_port" ] || { cat "$tmp/server.err" >&2; exit 1; }

# Runs `$1` (a shell command that copies the file to $tmp/dst/copy.bin)
# BENCH_RUNS times, checking the copy's MD5 each time; prints the best time.
# `$2`, when given, runs before each timed run (starting a receiver).
best_of() {
    local best="" start t got
    for _ in $(seq "$runs"); do
        rm -f "$tmp/dst/copy.bin"
        sync
        [ -n "${2:-}" ] && bash -c "$2"
        start=$(now)
        bash -c "$1"
        t=$(elapsed "$start")
        got=$(md5sum <"$tmp/dst/copy.bin" | cut -d' ' -f1)
        if [ "$got" != "$want" ]; then
            echo "wrong copy from: $1 (MD5 $got, want $want)" >&2
            exit 1
        fi
        if [ -z "$best" ] || awk "BEGIN { exit !($t < $best) }"; then best=$t; fi
    done
    rm -f "$tmp/dst/copy.bin"
    echo "$best"
}

echo "socat relay" >&2
socat_port=$(spare_port)
# The receiver is started (and given time to listen) before the clock starts;
# the run ends when it has written everything and exited.
t_socat=$(best_of "socat -u -b $socat_buffer OPEN:$tmp/src/file.bin TCP:127.0.0.1:$socat_port; \
    while kill -0 \$(cat $tmp/receiver.pid) 2>/dev/null; do sleep 0.01; done" \
    "socat -u -b $socat_buffer TCP-LISTEN:$socat_port,bind=127.0.0.1,reuseaddr \
    OPEN:$tmp/dst/copy.bin,creat,trunc & echo \$! >$tmp/receiver.pid; sleep 0.3")
echo "tincan-cli upload" >&2
t_tincan=$(best_of "'$cli' upload --port $server_port '$tmp/src/file.bin' copy.bin")
echo "scp" >&2
t_scp=$(best_of "scp -q ${scp_opts[*]} '$tmp/src/file.bin' '127.0.0.1:$tmp/dst/copy.bin'")
t_scp_legacy=$(best_of "scp -O -q ${scp_opts[*]} '$tmp/src/file.bin' '127.0.0.1:$tmp/dst/copy.bin'")
echo "sftp" >&2
printf 'put %s %s\n' "$tmp/src/file.bin" "$tmp/dst/copy.bin" >"$tmp/sftp.batch"
t_sftp=$(best_of "sftp -q -b '$tmp/sftp.batch' ${scp_opts[*]} 127.0.0.1 >/dev/null")

echo "<!-- bench:transfer:begin -->"
echo
echo "**Upload**: a $size_arg file of random bytes over loopback, best of $runs, every copy's MD5 checked"
echo
echo "| path | time | MB/s | ratio to socat |"
echo "|---|---:|---:|---:|"
for row in "socat relay (-b $socat_buffer, no checks)|$t_socat" \
    "tincan-cli upload (MD5 before sending, checked by the receiver, temporary file + rename)|$t_tincan" \
    "scp (OpenSSH's default: the SFTP protocol)|$t_scp" "scp -O (the legacy scp protocol)|$t_scp_legacy" \
    "sftp put|$t_sftp"; do
    name=${row%|*}
    t=${row#*|}
    printf '| %s | %.2f s | %s | %s |\n' "$name" "$t" "$(mbps "$t")" "$(ratio "$(mbps "$t")" "$(mbps "$t_socat")")"
done
echo
echo "<!-- bench:transfer:end -->"
