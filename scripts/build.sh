#!/usr/bin/env bash
# Configures and builds jogtrack into a build directory.
#   scripts/build.sh [BUILD_DIR] [extra cmake args...]
# BUILD_DIR defaults to build/. Warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build}"
shift || true
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" -DJOGTRACK_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j"${JOBS:-$(nproc)}"
