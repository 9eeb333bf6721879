#!/usr/bin/env bash
# Installs what jogtrack needs, builds it, and runs every test:
#   1. warning-free build (-Wall -Wextra -Werror), GoogleTest units (ctest), pytest black-box API suite
#   2. the same units and API suite again under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. the filter fuzzer for FUZZ_SECONDS (default 60)
# Set SKIP_ASAN=1 or FUZZ_SECONDS=0 to shorten a local run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/install-deps.sh

run_suite() {  # build_dir label
  local dir=$1 label=$2
  echo "== [$label] unit tests"
  ctest --test-dir "$dir" --output-on-failure -j2
  echo "== [$label] API tests"
  JOGTRACK_BIN="$root/$dir/jogtrack" /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/api
}

echo "== build"
scripts/build.sh build
run_suite build release

if [ "${SKIP_ASAN:-0}" != 1 ]; then
  echo "== build (ASan + UBSan)"
  BUILD_TYPE=Debug scripts/build.sh build-asan -DJOGTRACK_SANITIZE=ON
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  export JOGTRACK_TEST_SLOW=1
  run_suite build-asan sanitizers
fi

if [ "${FUZZ_SECONDS:-60}" != 0 ]; then
  echo "== fuzz filter parser for ${FUZZ_SECONDS:-60}s"
  FUZZ_SECONDS="${FUZZ_SECONDS:-60}" scripts/fuzz-filter.sh
fi
echo "== all tests passed"
