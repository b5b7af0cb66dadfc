#!/bin/sh
# Captures the colour output of GNU ls and grep that tst_ansiparser replays,
# with the colours a Debian shell sets up (dircolors), in a fixed C locale.
# Run from anywhere: ./capture.sh  (rewrites the files next to it).
set -eu
out=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LC_ALL=C
eval "$(dircolors -b)"

cd "$work"
mkdir docs
printf '#!/bin/sh\n' > run.sh
chmod +x run.sh
ln -s docs link
ln -s nowhere dangling
: > notes.txt
: > pack.tar.gz
: > pic.png
ls --color=always -1 > "$out/ls-color.txt"
ls -1 > "$out/ls-plain.txt"

printf 'all good\nan error here\nno problem\nerror: twice, error\n' > log.txt
grep --color=always -n error log.txt > "$out/grep-color.txt"
grep -n error log.txt > "$out/grep-plain.txt"
