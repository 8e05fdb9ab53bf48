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
  libhpdf-dev poppler-utils
  chromium nodejs wrk
  curl  # bench/http/run.sh signs in with it
  libjemalloc-dev  # the opencse binary's allocator (src/app/CMakeLists.txt)
)

# Browser tests (tests/browser): playwright-core from the npm registry, pinned by its lockfile.
# It drives Debian's chromium; no browser is ever downloaded.
install_browser_test_deps() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
  if [ ! -d "$dir/node_modules/playwright-core" ] && command -v npm >/dev/null; then
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then install_browser_test_deps; exit 0; fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_browser_test_deps
