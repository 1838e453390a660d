#!/usr/bin/env bash
# Builds Kiln and runs every test (lit, unit, end-to-end) through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
cd build
ctest --output-on-failure -j2 "$@"
