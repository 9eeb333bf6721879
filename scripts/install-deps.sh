#!/usr/bin/env bash
# Installs every Debian package jogtrack needs to build, run, test and benchmark.
# Idempotent: both README commands and CI call it.
# The web app (web/) also needs Node.js >= 20.19 with npm, which does not come from
# Debian 12's apt (its nodejs is 18): this script checks for it and says what to do.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ca-certificates
  librestinio-dev libasio-dev libfmt-dev libspdlog-dev rapidjson-dev
  nlohmann-json3-dev libsodium-dev
  libsoci-dev libboost-dev libsqlite3-dev sqlite3 libpq-dev
  libcurl4-openssl-dev libhiredis-dev libcli11-dev zlib1g-dev
  libpugixml-dev libcrypt-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-pytest python3-requests python3-bcrypt
  clang libclang-rt-14-dev
  wrk procps curl
  postgresql redis-server haproxy
  chromium
  python3-jsonschema
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Node.js for the web app's build (Vite) and its tests (vitest, Playwright): not
# installed here, because Debian 12 has no recent enough nodejs package. The
# end-to-end tests drive Debian's chromium (above), never a downloaded browser.
NODE_MIN="20.19.0"
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || return 1
  local have
  have=$(node -p 'process.versions.node' 2>/dev/null) || return 1
  [ "$(printf '%s\n%s\n' "$NODE_MIN" "$have" | sort -V | head -n1)" = "$NODE_MIN" ]
}
if ! node_ok; then
  {
    echo "install-deps: the web app needs Node.js >= $NODE_MIN with npm on PATH;"
    if command -v node >/dev/null 2>&1; then
      echo "  found node $(node -p 'process.versions.node' 2>/dev/null || echo '?') at $(command -v node)$(command -v npm >/dev/null 2>&1 || echo ', but no npm')."
    else
      echo "  found no node."
    fi
    echo "  Debian 12's apt has only Node 18. Install Node 20.19+ or 22 LTS from nodejs.org"
    echo "  (or NodeSource, or nvm), make sure 'node' and 'npm' are on PATH, then run this again."
  } >&2
  exit 1
fi
