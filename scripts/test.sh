#!/usr/bin/env bash
# Installs what jogtrack needs, builds it, and runs every test:
#   1. warning-free build (-Wall -Wextra -Werror; it also runs `npm ci` and builds the web app
#      in web/), GoogleTest units (ctest), pytest black-box API suite on SQLite, then the same API
#      suite on PostgreSQL + Redis plus the cluster tests (two instances behind haproxy) against a
#      private PostgreSQL and Redis on loopback; then, once, the web app's unit tests (vitest) and
#      its end-to-end journeys (Playwright on Debian's chromium against the release binary)
#      and lints the OpenAPI document with Redocly and Spectral (scripts/lint-openapi.sh)
#   2. the same units and both API passes again under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. the filter fuzzer for FUZZ_SECONDS (default 60)
# Set SKIP_ASAN=1, SKIP_PG=1, SKIP_WEB=1 or FUZZ_SECONDS=0 to shorten a local run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/check-sql-boundary.sh  # SQL only in src/storage (seconds; before anything slow)
scripts/install-deps.sh
# Playwright must never fetch a browser (it cannot here): the tests use /usr/bin/chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# Private PostgreSQL + Redis (scripts/test-backends.sh), stopped whatever happens.
backends=""
if [ "${SKIP_PG:-0}" != 1 ]; then
  backends=$(mktemp -d /tmp/jogtrack-backends.XXXXXX)
  trap 'scripts/test-backends.sh stop "$backends"' EXIT
  echo "== start private PostgreSQL and Redis"
  scripts/test-backends.sh start "$backends" >/dev/null
fi

with_backends() {  # runs a command with JOGTRACK_TEST_PG_URL etc. set, when the backends run
  if [ -n "$backends" ]; then (set -a && . "$backends/env" && set +a && "$@"); else "$@"; fi
}

run_suite() {  # build_dir label
  local dir=$1 label=$2
  echo "== [$label] unit tests"
  # The PostgreSQL/Redis unit tests need the private backends: excluded by name
  # only when SKIP_PG=1 turned them off (they fail, never skip, without them).
  local exclude=()
  [ -n "$backends" ] || exclude=(-E '^(Postgres|RedisStores)\.|/(postgres|redis)$')
  with_backends ctest --test-dir "$dir" --output-on-failure -j2 "${exclude[@]}"
  echo "== [$label] API tests (SQLite; every response also checked against /openapi.json)"
  JOGTRACK_OPENAPI_CONFORMANCE=1 JOGTRACK_BIN="$root/$dir/jogtrack" \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider -m "not cluster" tests/api
  if [ -n "$backends" ]; then
    echo "== [$label] API tests (PostgreSQL + Redis) and cluster tests"
    JOGTRACK_BIN="$root/$dir/jogtrack" with_backends /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/api
  fi
}

web_suite() {  # build_dir: the web app's tests, against that build's binary
  local dir=$1
  # The build ran `npm ci`; a build configured without the web app did not.
  [ -f web/node_modules/.package-lock.json ] || (cd web && npm ci --no-audit --no-fund)
  echo "== [release] web unit tests (vitest)"
  (cd web && npm test)
  echo "== [release] web end-to-end tests (Playwright + chromium)"
  (cd web && npx --no-install tsc -p e2e/tsconfig.json)  # the journeys type-check too
  (cd web && JOGTRACK_BIN="$root/$dir/jogtrack" npx --no-install playwright test)
}

echo "== build"
scripts/build.sh build
# Redocly (recommended) and Spectral (spectral:oas) on /openapi.json: no error, no warning.
scripts/lint-openapi.sh
run_suite build release
# Once, on the release build only: the browser journeys add nothing under ASan but time.
[ "${SKIP_WEB:-0}" = 1 ] || web_suite build

if [ "${SKIP_ASAN:-0}" != 1 ]; then
  echo "== build (ASan + UBSan)"
  # The web app is the release build's (its files are data: no need to build them twice).
  web_dist=()
  [ ! -d build/webapp/dist ] || web_dist=(-DJOGTRACK_WEB_DIST="$root/build/webapp/dist")
  BUILD_TYPE=Debug scripts/build.sh build-asan -DJOGTRACK_SANITIZE=ON "${web_dist[@]}"
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
