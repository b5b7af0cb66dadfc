#!/usr/bin/env bash
# Installs what Tincan needs to build, run and test on Debian 12 (as root, or
# through sudo). Packages already present are left alone, so a second run
# needs no network.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
    libqt6sql6-sqlite libgl-dev
    # OpenSSL: makes the console's TLS key and certificate; Qt's TLS backend uses it too
    libssl-dev
    # one format for the tree (scripts/check-format.sh, part of the normal stage)
    clang-format
    # the fuzzers (libFuzzer and the sanitizers' runtimes for clang)
    clang libclang-rt-14-dev
    # ip netns for the tests that need a second host
    iproute2
    # fonts that cover the Chinese contact names and translation
    fonts-noto-cjk
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
