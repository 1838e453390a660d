#!/usr/bin/env bash
# GFLOP/s of the conv layers of examples/fashion_cnn (forward, weight gradient,
# input gradient), against the zmm FMA peak measured in the same process.
# Compiles single-layer models with kilnc --emit=obj, links them with
# bench/conv_kiln.cpp, runs it; prints one table. Not part of the tests.
# Usage: bench/conv.sh [ROUNDS] [BLOCK_MS]   (see bench/README.md)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KILN_BUILD:-$root/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# model FILE INPUT_SHAPE FILTERS PRE TRAINING: the conv of fashion_cnn (3x3, no
# activation, no bias), after "pre" (a per-channel scale: depthwise 1x1 conv)
# when PRE is yes; TRAINING is "false" or mse + SGD at batch 64.
model() {
  local channels=${2#[}; channels=${channels%%,*}
  local pre="" training='{"loss": "mse", "optimizer": "sgd", "batch_size": 64}'
  if [ "$4" = yes ]; then
    pre="{\"type\": \"conv2d\", \"name\": \"pre\", \"filters\": $channels, \"kernel_size\": 1,
          \"groups\": $channels, \"use_bias\": false, \"kernel_init\": \"he_uniform\"},"
  fi
  [ "$5" = false ] && training=false
  cat > "$1" <<JSON
{"input": {"shape": $2},
 "layers": [$pre {"type": "conv2d", "name": "conv", "filters": $3, "kernel_size": 3, "use_bias": false}],
 "training": $training}
JSON
}

compile() { # NAME JSON [kilnc options]
  local name=$1 json=$2; shift 2
  "$build/bin/kilnc" "$json" --batch-size 64 --emit=obj -o "$work/$name.o" "$@"
}

for layer in "l1 [1,28,28] 32" "l2 [32,13,13] 64"; do
  read -r p shape filters <<< "$layer"
  model "$work/$p.json" "$shape" "$filters" no train
  model "$work/${p}_inf.json" "$shape" "$filters" no false
  model "$work/${p}_pre.json" "$shape" "$filters" yes train
  compile "${p}_fwd" "$work/${p}_inf.json" & a=$!
  compile "${p}_w" "$work/$p.json" & b=$!
  wait $a; wait $b
  compile "${p}_pw" "$work/${p}_pre.json" --freeze pre & a=$!
  compile "${p}_pi" "$work/${p}_pre.json" --freeze conv & b=$!
  wait $a; wait $b
  compile "${p}_piw" "$work/${p}_pre.json"
done

c++ -std=c++17 -O2 -march=native -I "$root/runtime/include" -I "$work" "$root/bench/conv_kiln.cpp" \
  "$work"/*.o "$build/runtime/libkiln_runtime.a" -lz -o "$work/conv_kiln"
echo "kiln $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown);" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1 /proc/loadavg)"
"$work/conv_kiln" "$@"
echo "load at the end: $(cut -d' ' -f1 /proc/loadavg)"
