#!/usr/bin/env bash
# e2e: the embedding example (docs/embedding.md) builds against the object and
# header kilnc writes, trains 600 steps through kiln::Model, and its checkpoint
# evaluates identically in the kilnc-built executable; a second model's object
# links beside the first.
set -euo pipefail
kilnc=$1 src=$2 runtime_lib=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work"
"$kilnc" "$src/examples/fashion_mlp/model.json" --emit=obj -o fashion_mlp.o
test -f fashion_mlp.h
# Two models link into one application: the symbols kilnc's parallel code
# generation shares between the object's parts carry the model's name.
"$kilnc" "$src/examples/fashion_mlp/model.json" --emit=obj --name second -o second.o
${KILN_TEST_CXX:-c++} -r -nostdlib fashion_mlp.o second.o -o both.o
nm fashion_mlp.o > symbols.txt
grep -q ' __kiln_fashion_mlp_' symbols.txt || { echo "FAIL: no hidden __kiln_fashion_mlp_ symbols"; exit 1; }
${KILN_TEST_CXX:-c++} -std=c++17 -O2 -I "$src/runtime/include" -I . "$src/examples/embedding/main.cpp" \
  fashion_mlp.o "$runtime_lib" -lz ${KILN_LINK_FLAGS:-} -o embed
./embed /usr/share/datasets/fashion-mnist w.safetensors | tee out.txt
acc=$(sed -n 's/^test accuracy after 600 steps: \([0-9.]*\).*/\1/p' out.txt)
python3 -c "import sys; a=float('$acc'); print('embedded accuracy', a); sys.exit(0 if a >= 0.80 else 1)"
"$kilnc" "$src/examples/fashion_mlp/model.json" -o fashion_mlp
./fashion_mlp eval --load w.safetensors --data /usr/share/datasets/fashion-mnist --metrics-json e.json
python3 -c "
import json; b=json.load(open('e.json'))['test']['accuracy']
assert abs(b - float('$acc')) < 1e-4, (b, '$acc'); print('executable eval matches:', b)"
