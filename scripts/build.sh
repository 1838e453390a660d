#!/usr/bin/env bash
# Installs what Kiln needs (apt), configures and builds it in ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh "$@"
if [ ! -f build/build.ninja ]; then
  cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 -DLLVM_USE_LINKER=lld
fi
cmake --build build -j2
