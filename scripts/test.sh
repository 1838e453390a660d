#!/usr/bin/env bash
# Installs what the tests need (PyTorch included: the parity tests fail without it),
# builds Kiln and runs every test (lit, unit, end-to-end) through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh --test # --test: also python3-torch and python3-numpy
cd build
ctest --output-on-failure -j2 "$@"
