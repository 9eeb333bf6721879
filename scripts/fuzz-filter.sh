#!/usr/bin/env bash
# Builds the filter fuzzer with clang (ASan + UBSan + libFuzzer) in build-fuzz/
# and runs it for FUZZ_SECONDS (default 60). Exits non-zero if the fuzzer
# finds a crash, a sanitizer report, a leak, a timeout or a broken invariant;
# the reproducer is left in build-fuzz/fuzz-artifacts/.
#   FUZZ_SECONDS=300 scripts/fuzz-filter.sh
#   build-fuzz/tests/fuzz/fuzz_filter build-fuzz/fuzz-artifacts/crash-...   # replay
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${FUZZ_SECONDS:-60}"
jobs="${FUZZ_BUILD_JOBS:-1}"

cmake -S "$root" -B "$build" \
  -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DJOGTRACK_FUZZ=ON -DJOGTRACK_TESTS=OFF -DJOGTRACK_BENCH=OFF -DJOGTRACK_WEB=OFF
cmake --build "$build" --target fuzz_filter -j"$jobs"

# New inputs go to a scratch corpus in the build dir; the seeds in the source
# tree are only read.
work="$build/fuzz-corpus"
artifacts="$build/fuzz-artifacts"
mkdir -p "$work" "$artifacts"

set +e
"$build/tests/fuzz/fuzz_filter" \
  -max_total_time="$seconds" \
  -max_len=4096 \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -dict="$root/tests/fuzz/filter.dict" \
  -artifact_prefix="$artifacts/" \
  -print_final_stats=1 \
  "$work" "$root/tests/fuzz/corpus"
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
  echo "fuzz_filter failed (exit $rc); reproducers in $artifacts/" >&2
  exit "$rc"
fi
echo "fuzz_filter: no crashes in ${seconds}s"
