#!/usr/bin/env bash
# e2e: compile examples/fashion_mlp, train 1 epoch on Fashion-MNIST, require
# test accuracy >= 0.83 (PyTorch reaches 0.845 with the same setup).
set -euo pipefail
kilnc=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
"$kilnc" "$src/examples/fashion_mlp/model.json" -o fashion_mlp
./fashion_mlp train --data /usr/share/datasets/fashion-mnist --epochs 1 --seed 1 \
  --save w.safetensors --metrics-json m.json
python3 - <<'PY'
import json
m = json.load(open("m.json"))
acc = m["test"]["accuracy"]
print(f"test accuracy after 1 epoch: {acc:.4f} (need >= 0.83)")
assert acc >= 0.83, acc
PY
# The saved weights reload and evaluate to the same accuracy.
./fashion_mlp eval --load w.safetensors --data /usr/share/datasets/fashion-mnist --metrics-json e.json
python3 -c "
import json; a=json.load(open('m.json'))['test']['accuracy']; b=json.load(open('e.json'))['test']['accuracy']
assert abs(a-b) < 1e-9, (a, b); print('eval after reload matches:', b)"
