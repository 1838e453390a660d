#!/usr/bin/env bash
# e2e: transfer learning with --init-from. Model A (784-128-64-4) learns a
# coarse 4-class version of Fashion-MNIST (tops / trousers and dresses /
# footwear / bags). Model B keeps A's body (dense_0, dense_1), frozen with
# --freeze, and replaces A's last layer by a new one, "head", with 10 units;
# `train --init-from A.safetensors` on the real 10 classes must
#   * say exactly which tensors it loaded (the body), which it initialized
#     fresh (the head) and which of the file it ignored (A's dense_2);
#   * leave the body byte-identical to A's;
#   * reach a test accuracy >= 0.70 after one epoch. Chance is 0.10, and a
#     classifier that knew only the coarse class could not beat 0.40 (one
#     fine class per coarse class); the head gets 0.76-0.78 here. The same
#     head on a fresh, frozen random body gets 0.72-0.74 and a test loss about
#     0.2 higher, so the transferred body must also give a lower test loss.
# Refused, with the whole message checked: a matching name with another shape
# (B' narrows dense_1), a file with no matching tensor, `--load` of A into B
# (strict), and --init-from combined with --load or --resume.
set -euo pipefail
kilnc=$1 src=$2 work=$3
tool="python3 $src/test/e2e/safetensors_tool.py"
fashion=/usr/share/datasets/fashion-mnist
rm -rf "$work" && mkdir -p "$work/coarse" && cd "$work"

# The coarse task: the same images, labels mapped to 4 classes.
python3 - <<'PY'
import gzip, os
src = "/usr/share/datasets/fashion-mnist"
# T-shirt, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot
coarse = [0, 1, 0, 1, 0, 2, 0, 2, 3, 2]
for split in ("train", "t10k"):
    os.symlink(f"{src}/{split}-images-idx3-ubyte.gz", f"coarse/{split}-images-idx3-ubyte.gz")
    labels = gzip.open(f"{src}/{split}-labels-idx1-ubyte.gz").read()
    with open(f"coarse/{split}-labels-idx1-ubyte", "wb") as f:
        f.write(labels[:8] + bytes(coarse[v] for v in labels[8:]))
PY

# mlp NAME WIDTH1 HEAD_NAME HEAD_UNITS [PREFIX]: layers PREFIX_0, PREFIX_1, HEAD_NAME
mlp() {
  cat <<JSON
{"name": "$1", "input": {"shape": [784]}, "layers": [
  {"type": "dense", "name": "${5:-dense}_0", "units": 128, "activation": "relu"},
  {"type": "dense", "name": "${5:-dense}_1", "units": $2, "activation": "relu"},
  {"type": "dense", "name": "$3", "units": $4}],
 "training": {"loss": "softmax_cross_entropy", "batch_size": 64,
              "optimizer": {"type": "adam", "lr": 0.003}}}
JSON
}
mlp coarse 64 dense_2 4 > A.json
mlp fine 64 head 10 > B.json
mlp fine_narrow 48 head 10 > B_narrow.json
mlp other 64 layer_2 10 layer > C.json
"$kilnc" A.json -o A
"$kilnc" B.json --freeze dense_0,dense_1 -o B
"$kilnc" B_narrow.json --freeze dense_0,dense_1 -o B_narrow
"$kilnc" C.json -o C

./A train --data coarse --epochs 1 --seed 1 --save A.safetensors > A.log
grep '^test:' A.log

# expect_error NAME RC MESSAGE CMD...: CMD exits RC and prints exactly
# MESSAGE on stderr (its first line: usage errors append the usage text).
failures=0
expect_error() {
  local name=$1 rc=$2 message=$3; shift 3
  local got=0
  "$@" > out.txt 2> err.txt || got=$?
  if [ $got -ne "$rc" ] || [ "$(head -1 err.txt)" != "$message" ]; then
    echo "FAIL $name: exit $got (expected $rc); expected:"; echo "  $message"
    echo "got:"; cat err.txt | head -3
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

echo "-- B: A's body, frozen, and a new 10-class head"
./B train --data "$fashion" --epochs 1 --seed 1 --init-from A.safetensors \
  --save B.safetensors --metrics-json B.json > B.log
cat B.log
expected="initialized from A.safetensors: 4 tensors loaded, 2 fresh
  loaded: dense_0.weight, dense_0.bias, dense_1.weight, dense_1.bias
  initialized fresh: head.weight, head.bias
  not in this model (ignored): dense_2.bias, dense_2.weight"
[ "$(head -4 B.log)" = "$expected" ] ||
  { echo "FAIL: expected the report:"; echo "$expected"; exit 1; }
$tool same A.safetensors B.safetensors '^dense_[01]\.'
./B train --data "$fashion" --epochs 1 --seed 1 --metrics-json fresh.json > fresh.log
python3 - <<'PY'
import json
b = json.load(open("B.json"))["test"]
f = json.load(open("fresh.json"))["test"]
print(f"head on A's body: accuracy {b['accuracy']:.4f}, loss {b['loss']:.4f} (need accuracy >= 0.70)")
print(f"head on a fresh body: accuracy {f['accuracy']:.4f}, loss {f['loss']:.4f}")
assert b["accuracy"] >= 0.70, b
assert b["loss"] < f["loss"], (b, f)
PY

echo "-- refused"
expect_error "shape mismatch on a matching name" 1 \
  "error: A.safetensors: tensor 'dense_1.weight' has shape [64, 128] but model 'fine_narrow' has 'dense_1.weight' with shape [48, 128]; --init-from only loads tensors whose name and shape both match (rename the layer to initialize it fresh)" \
  ./B_narrow train --data "$fashion" --steps 1 --init-from A.safetensors --save narrow.safetensors
[ ! -e narrow.safetensors ] || { echo "FAIL: the refused run saved a checkpoint"; failures=$((failures + 1)); }
expect_error "no matching tensor" 1 \
  "error: A.safetensors: no tensor matches a parameter or buffer of model 'other' by name; is it a checkpoint of another model?" \
  ./C train --data "$fashion" --steps 1 --init-from A.safetensors
expect_error "--load is strict" 1 \
  "error: A.safetensors: missing tensor 'head.weight' (shape [10, 64]) of model 'fine'" \
  ./B train --data "$fashion" --steps 1 --load A.safetensors
expect_error "--load with --init-from" 2 \
  "error: --load and --init-from exclude each other (--load restores a checkpoint of this model, --init-from loads the tensors that match)" \
  ./B train --data "$fashion" --load B.safetensors --init-from A.safetensors
expect_error "--resume with --init-from" 2 \
  "error: --resume cannot be combined with --init-from: it restores the model, the optimizer and the position in the data from its checkpoint" \
  ./B train --data "$fashion" --resume B.safetensors --init-from A.safetensors
echo "$failures failed"
[ $failures -eq 0 ]
