#!/usr/bin/env bash
# e2e: generated objects call nothing but libm and mem* — no MLIR runtime
# (memrefCopy), no allocator (every temporary lives in the workspace). Sweeps
# two-layer MLPs over widths and batches, with both losses and optimizers that
# once produced a strided copy into a shared accumulator tile.
set -euo pipefail
kilnc=$1 work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work"
allowed='^(memcpy|memset|memmove|pow|powf|exp|expf|log|logf|tanh|tanhf|sqrt|sqrtf|fma|fmaf|floor|floorf|ldexp|ldexpf)$'
count=0
for batch in 1 8 9 16; do
  for width in 8 20 24 37 40 64; do
    for loss in mse softmax_cross_entropy; do
      opt=$([ $((width % 2)) -eq 0 ] && echo sgd || echo adam)
      cat > m.json <<JSON
{"input":{"shape":[8]},"layers":[{"type":"dense","units":$width,"activation":"relu"},{"type":"dense","units":3}],
 "training":{"loss":"$loss","batch_size":$batch,"optimizer":{"type":"$opt","lr":0.05}}}
JSON
      "$kilnc" m.json --emit=obj -o m.o
      bad=$(nm -u m.o | awk '{print $2}' | grep -Ev "$allowed" || true)
      if [ -n "$bad" ]; then
        echo "FAIL: batch $batch width $width $loss $opt calls: $bad"
        exit 1
      fi
      count=$((count + 1))
    done
  done
done
echo "ok: $count models call only libm and mem*"
