#!/usr/bin/env bash
# e2e: examples/fashion_mlp_tuned (cosine schedule with warmup, clip_norm, L2
# regularizers, label smoothing, AdamW without bias decay, early stopping with
# restore_best) compiles and trains 3 epochs on 12,000 Fashion-MNIST images
# (1,200 held out by the model's validation split): test accuracy >= 0.80,
# the rate rising through the warmup and falling after it, and the best
# epoch's weights put back at the end.
set -euo pipefail
kilnc=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
python3 "$src/test/e2e/fashion_subset.py" data 12000 2000
"$kilnc" "$src/examples/fashion_mlp_tuned/model.json" -o fmt
./fmt train --data data --epochs 3 --metrics-json m.json --save fmt.safetensors > train.log
grep -q "^restored the weights of epoch [123], the best by val_accuracy$" train.log ||
  { echo "FAIL: best weights not restored"; cat train.log; exit 1; }
python3 - <<'PY'
import json
m = json.load(open("m.json"))
import math
rates = [h["lr"] for h in m["history"]]
# 168 steps per epoch, 504 in the run: the warmup (500 steps) spans epochs 1
# and 2, the cosine the last 4 steps of epoch 3.
def rate(s, lr=0.002, warm=500, total=504):
    return lr * s / warm if s <= warm else lr * (1 + math.cos(math.pi * (s - warm - 1) / (total - warm))) / 2
want = [rate(168 * e) for e in (1, 2, 3)]
assert all(abs(a - b) <= 1e-6 * b for a, b in zip(rates, want)) and len(rates) == 3, (rates, want)
print(f"fashion_mlp_tuned: test accuracy {m['test']['accuracy']:.4f}, rates {rates}")
assert m["test"]["accuracy"] >= 0.80, m["test"]
PY
