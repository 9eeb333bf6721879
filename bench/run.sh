#!/bin/sh
# jogtrack load benchmark — the one entry command (see README "Benchmarks").
#   bench/run.sh            full mode (1,000 users, 100k-run user, 15 s per scenario; ~4.5 min)
#   bench/run.sh --quick    development mode (< 2 min)
# Other options (passed to bench/bench.py): --duration S, --only k1,k2, --keep, --json FILE, --strict,
#   --log-level L, --hold S, --bin PATH.  Run bench/bench.py --help for the list.
# Builds a Release binary in build-bench/ first (incremental) unless JOGTRACK_BIN is set
# or BENCH_NO_BUILD=1. Needs wrk and Debian's /usr/bin/python3 (scripts/install-deps.sh).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${JOGTRACK_BIN:-$ROOT/build-bench/jogtrack}
if [ -z "${JOGTRACK_BIN:-}" ] && [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  if [ ! -f "$ROOT/build-bench/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$ROOT/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build "$ROOT/build-bench" --target jogtrack -j"$(nproc)" >/dev/null
fi
exec /usr/bin/python3 "$ROOT/bench/bench.py" --bin "$BIN" "$@"
