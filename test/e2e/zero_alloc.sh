#!/usr/bin/env bash
# e2e: a real compiled model makes zero heap allocations per call. The object
# `kilnc --emit=obj` writes for examples/fashion_mlp is linked with the runtime
# library and zero_alloc.cpp, which interposes malloc, calloc, realloc, the
# aligned allocators and operator new, and requires 0 allocations over 100
# trainBatch, 100 forwardBatch, 100 one-sample predicts (forward_1), 100
# evalBatch + evalSample and 100 predicts of 70 samples, and at least one for
# allocations made on purpose.
set -euo pipefail
kilnc=$1 src=$2 runtime_lib=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work"
"$kilnc" "$src/examples/fashion_mlp/model.json" --emit=obj -o fashion_mlp.o
${KILN_TEST_CXX:-c++} -std=c++17 -O2 -I "$src/runtime/include" -I "$src/test/support" -I . "$src/test/e2e/zero_alloc.cpp" \
  fashion_mlp.o "$runtime_lib" -lz ${KILN_LINK_FLAGS:-} -o zero_alloc
./zero_alloc
