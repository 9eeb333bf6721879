#!/usr/bin/env bash
# Installs every Debian package jogtrack needs to build, run, test and benchmark.
# Idempotent: both README commands and CI call it.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ca-certificates
  librestinio-dev libasio-dev libfmt-dev libspdlog-dev rapidjson-dev
  nlohmann-json3-dev libsodium-dev
  libsoci-dev libboost-dev libsqlite3-dev sqlite3 libpq-dev
  libcurl4-openssl-dev libhiredis-dev libcli11-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-pytest python3-requests
  clang libclang-rt-14-dev
  wrk procps curl
  postgresql redis-server haproxy
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
