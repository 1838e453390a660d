#!/usr/bin/env bash
# e2e: a packed product summed in k blocks, through kilnc and the runtime.
# Dense layers of 517 samples x 1531 inputs x 200 and 224 units (remainder
# rows, a padded last panel or 7 whole ones in blocks of 4 and 3, k blocks
# with a remainder; L1 and L2 given as 8K and 256K so k is blocked on any
# host): each one's first k block is a product of its own that starts from
# zeros in registers, the rest accumulates into it, each register tile
# prefetching the next one's partial sums (both checked in the IR, so this
# cannot pass on another path); the 224 units' result is computed in the
# caller's buffer (no copy into it).
# W is packed once, by prepare, and again after it changes.
# packed_products.cpp requires every output equal to the bit to fma sums in k
# order, at 1, 2 and 3 threads, and after the weights change.
set -euo pipefail
kilnc=$1 src=$2 runtime_lib=$3 work=$4 kiln_opt=$5
rm -rf "$work" && mkdir -p "$work" && cd "$work"
m=517 k=1531
caches=(--l1-cache=8K --l2-cache=256K)
for n in 200 224; do
  mkdir -p "n$n" && cd "n$n"
  cat > model.json <<JSON
{"name": "packed_model", "input": {"shape": [$k]},
 "layers": [{"type": "dense", "units": $n, "use_bias": false}],
 "training": {"loss": "mse", "optimizer": {"type": "sgd", "lr": 0.01}, "batch_size": $m}}
JSON
  "$kilnc" model.json --inference "${caches[@]}" --compile-to=kernel -o kernel.mlir
  # forward reads W packed by prepare, not packing it on every call.
  grep -q "func.func @prepare" kernel.mlir && grep -q 'kiln.derived = {name = "derived.0"}' kernel.mlir ||
    { echo "FAIL: W is not packed in prepare in kernel.mlir"; exit 1; }
  if awk '/func.func @forward\(/,/^  }/' kernel.mlir | grep -q "linalg.transpose"; then
    echo "FAIL: forward still packs W"; exit 1
  fi
  grep -q "tensor.extract_slice %arg1\[0, 0\] \[$m, " kernel.mlir ||
    { echo "FAIL: no first k block of its own in kernel.mlir"; exit 1; }
  # The partial sums' prefetches by their pass alone (the panels' rows get
  # prefetches of their own in the llvm stage).
  "$kilnc" model.json --inference "${caches[@]}" --compile-to=bufferized -o bufferized.mlir
  "$kiln_opt" bufferized.mlir -o prefetched.mlir \
    -pass-pipeline='builtin.module(func.func(kernel-prefetch-accumulators{l2-bytes=262144}))'
  grep -q "memref.prefetch" prefetched.mlir || { echo "FAIL: no prefetch of partial sums"; exit 1; }
  # 224 units are 7 whole panels, in blocks of 4 and then 3: computed in the
  # caller's buffer, no copy of the result into it.
  if [ "$n" = 224 ]; then
    if grep -E "memref.copy .* to memref<$m(x7x32|x$n)xf32>" bufferized.mlir; then
      echo "FAIL: the result is copied into the output"; exit 1
    fi
  fi
  "$kilnc" model.json --inference "${caches[@]}" --emit=obj -o packed_model.o
  ${KILN_TEST_CXX:-c++} -std=c++17 -O2 -I "$src/runtime/include" -I . "$src/test/e2e/packed_products.cpp" \
    packed_model.o "$runtime_lib" -lz ${KILN_LINK_FLAGS:-} -pthread -o packed_products
  ./packed_products $m $k $n
  cd ..
done
