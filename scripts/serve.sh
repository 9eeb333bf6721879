#!/usr/bin/env bash
# Installs what jogtrack needs, builds it, and runs the server with the
# default configuration (SQLite in ./jogtrack.db, 127.0.0.1:8080).
# Extra arguments go to `jogtrack serve`, e.g. --listen 0.0.0.0:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
exec build/jogtrack serve "$@"
