#!/usr/bin/env bash
# Installs the Debian 12 packages OpenCSE needs to build, test and run; does nothing when they
# are all present. Run as root (the README's commands are), or with sudo available.
set -euo pipefail

packages=(
  build-essential cmake pkg-config g++
  libsqlite3-dev sqlite3
  libcli11-dev nlohmann-json3-dev libsodium-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  libxgboost-dev
  libcpp-httplib-dev libssl-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
