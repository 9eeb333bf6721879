#!/usr/bin/env bash
# Lints the OpenAPI document (data/openapi.json) with two tools nobody here wrote:
# Redocly CLI (recommended rules, redocly.yaml) and Spectral (spectral:oas, .spectral.yaml).
# Fails on any error or warning from either, and when the document is not what
# scripts/gen-openapi.py writes. Needs web/node_modules (`cd web && npm ci`).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/gen-openapi.py --check
bin=web/node_modules/.bin
[ -x "$bin/redocly" ] && [ -x "$bin/spectral" ] || (cd web && npm ci --no-audit --no-fund)

echo "== redocly lint (recommended)"
# redocly exits 0 on warnings: count them from its JSON report instead.
report=$(mktemp)
trap 'rm -f "$report"' EXIT
"$bin/redocly" lint --config redocly.yaml --format=stylish data/openapi.json 2>&1 | grep -v '[║╔╚]' || true
"$bin/redocly" lint --config redocly.yaml --format=json data/openapi.json >"$report" 2>/dev/null || true
python3 - "$report" <<'PY'
import json, sys
totals = json.load(open(sys.argv[1]))["totals"]
print(f"redocly: {totals['errors']} errors, {totals['warnings']} warnings")
sys.exit(1 if totals["errors"] or totals["warnings"] else 0)
PY

echo "== spectral lint (spectral:oas)"
"$bin/spectral" lint --ruleset .spectral.yaml --fail-severity=warn data/openapi.json
