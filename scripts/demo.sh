#!/usr/bin/env bash
# The demo: builds Kiln, compiles examples/fashion_mlp to a native executable
# and trains it on Fashion-MNIST (Debian's dataset-fashion-mnist).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
mkdir -p build/demo
echo "== kilnc examples/fashion_mlp/model.json -o build/demo/fashion_mlp"
build/bin/kilnc examples/fashion_mlp/model.json -o build/demo/fashion_mlp
build/demo/fashion_mlp info
echo "== build/demo/fashion_mlp train --data /usr/share/datasets/fashion-mnist"
build/demo/fashion_mlp train --data /usr/share/datasets/fashion-mnist \
  --save build/demo/fashion_mlp.safetensors --metrics-json build/demo/metrics.json
