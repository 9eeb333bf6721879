#!/usr/bin/env bash
# SQL text lives only in src/storage (issue 11): everything above it passes
# typed requests (filter trees, sort keys, scopes) down, and storage alone maps
# fields to columns and writes SQL. This check fails when a string literal in
# src/ outside src/storage looks like SQL: a statement or clause keyword, an
# uppercase boolean operator or aggregate, or an alias-qualified column ("r.date").
# It also fails when the database driver (SOCI) is named anywhere in src/ but
# its one facade file, src/storage/database.cpp (issue 11 item 10): stores speak
# storage/sql.h and storage/database.h only.
#   scripts/check-sql-boundary.sh [root]     (prints each offending line)
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$root"

keywords='SELECT|INSERT INTO|UPDATE [A-Za-z_]+ SET|DELETE FROM|WHERE|ORDER BY|GROUP BY|JOIN|LIMIT|OFFSET|RETURNING|CREATE TABLE|ALTER TABLE|DROP TABLE|IS NULL|IS NOT NULL|AND|OR|NOT|COUNT\(|SUM\(|CAST\(|ASC|DESC'
# A literal ("...", no escaped quotes needed for this purpose) containing a keyword as a whole word,
# or a literal that is exactly an alias-qualified column.
pattern="\"[^\"]*(^|[^A-Za-z_])(${keywords})([^A-Za-z_]|\$)[^\"]*\"|\"[a-z]\.[a-z_]+\""

hits=$(grep -rnE --include='*.cpp' --include='*.h' --include='*.hpp' "$pattern" src \
         | grep -v '^src/storage/' \
         | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|\*)' || true)
if [ -n "$hits" ]; then
  echo "SQL text outside src/storage (move it into storage; pass typed values down):" >&2
  echo "$hits" >&2
  exit 1
fi

driver_facade='src/storage/database.cpp'
driver_hits=$(grep -rnE --include='*.cpp' --include='*.h' --include='*.hpp' 'soci::|<soci/' src \
                | grep -v "^${driver_facade}:" || true)
if [ -n "$driver_hits" ]; then
  echo "SOCI named outside ${driver_facade} (use the facade in storage/sql.h and storage/database.h):" >&2
  echo "$driver_hits" >&2
  exit 1
fi
echo "sql boundary: no SQL text in src/ outside src/storage, no SOCI outside ${driver_facade}"
