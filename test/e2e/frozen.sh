#!/usr/bin/env bash
# e2e: frozen layers. A 784-64-32-10 MLP whose middle layer (dense_1) has
# "trainable": false starts from a checkpoint of the same layers trained
# 50 steps unfrozen (--init-from: values no initializer would produce), trains
# 200 steps on a Fashion-MNIST subset with AdamW (its decoupled weight decay
# would change a frozen weight even if its gradient were zero), and then:
#   * dense_1's tensors are byte-identical to the starting checkpoint's, while
#     every tensor of dense_0 (before it: its gradient flows through the frozen
#     layer) and dense_2 changed;
#   * the checkpoint has optimizer state for exactly the trainable params;
#   * `info` marks the layer frozen and counts its parameters.
# `kilnc --freeze dense_1` on the file without the flag compiles the same
# model (the trained checkpoints are identical files), and
# `--freeze dense_0,dense_2` freezes the outer layers instead.
set -euo pipefail
kilnc=$1 src=$2 work=$3
tool="python3 $src/test/e2e/safetensors_tool.py"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
python3 "$src/test/e2e/fashion_subset.py" data 12000 1000

# model.json [FROZEN]: the MLP, with "trainable": false on layer FROZEN.
model() {
  local frozen=${1:-none} i units act flag
  local -a widths=(64 32 10) acts=(relu relu linear)
  printf '{"name": "mlp", "input": {"shape": [784]}, "layers": [\n'
  for i in 0 1 2; do
    flag=$([ "dense_$i" = "$frozen" ] && echo ', "trainable": false' || true)
    printf '  {"type": "dense", "units": %s, "activation": "%s"%s}%s\n' \
      "${widths[$i]}" "${acts[$i]}" "$flag" "$([ $i -lt 2 ] && echo , || true)"
  done
  printf '], "training": {"loss": "softmax_cross_entropy", "batch_size": 32,\n'
  printf '  "optimizer": {"type": "adamw", "lr": 0.002, "weight_decay": 0.01}}}\n'
}
model > plain.json
model dense_1 > frozen.json
"$kilnc" plain.json -o plain
"$kilnc" frozen.json -o frozen
"$kilnc" plain.json --freeze dense_1 -o freeze_flag
"$kilnc" plain.json --freeze dense_0,dense_2 -o freeze_outer

# The starting point: all layers trained a little.
./plain train --data data --steps 50 --seed 3 --save start.safetensors > start.log
train() { # EXE OUT: 200 steps from start.safetensors
  "./$1" train --data data --steps 200 --seed 4 --init-from start.safetensors --save "$2" > "$2.log"
  grep -q '^initialized from start.safetensors: 6 tensors loaded, 0 fresh$' "$2.log" ||
    { echo "FAIL: $1 did not load all 6 tensors"; cat "$2.log"; exit 1; }
}
train frozen frozen.safetensors
train freeze_flag freeze_flag.safetensors
train freeze_outer freeze_outer.safetensors

echo "-- \"trainable\": false on dense_1"
$tool same start.safetensors frozen.safetensors '^dense_1\.'
$tool differ start.safetensors frozen.safetensors '^dense_[02]\.'
# Optimizer state (AdamW: exp_avg, exp_avg_sq) for the trainable params only.
expected_state="optimizer.dense_0.bias.exp_avg
optimizer.dense_0.bias.exp_avg_sq
optimizer.dense_0.weight.exp_avg
optimizer.dense_0.weight.exp_avg_sq
optimizer.dense_2.bias.exp_avg
optimizer.dense_2.bias.exp_avg_sq
optimizer.dense_2.weight.exp_avg
optimizer.dense_2.weight.exp_avg_sq"
state=$($tool names frozen.safetensors | grep '^optimizer\.' | sort)
[ "$state" = "$expected_state" ] ||
  { echo "FAIL: optimizer state in the checkpoint:"; echo "$state"; exit 1; }
echo "optimizer state only for dense_0 and dense_2"

./frozen info > info.txt
grep -Eq '^ +dense_1 +dense +\[32\] +relu +[0-9.]+( [kMG])? +2080 \(frozen\)$' info.txt &&
  grep -Eq '^ +dense_0 +dense +\[64\] +relu +[0-9.]+( [kMG])? +50240$' info.txt &&
  grep -qx 'total parameters: 52650 (2080 frozen)' info.txt &&
  grep -Eq '^optimizer: adamw \(.*\), 8 state tensors$' info.txt ||
  { echo "FAIL: info does not show dense_1 frozen:"; cat info.txt; exit 1; }
echo "info shows dense_1 frozen"

echo "-- kilnc --freeze dense_1"
cmp frozen.safetensors freeze_flag.safetensors ||
  { echo "FAIL: --freeze dense_1 trained differently from \"trainable\": false"; exit 1; }
./freeze_flag info | grep -Eq '^ +dense_1 +dense +\[32\] +relu +[0-9.]+( [kMG])? +2080 \(frozen\)$' ||
  { echo "FAIL: info of the --freeze dense_1 build:"; ./freeze_flag info; exit 1; }
echo "the same checkpoint as with \"trainable\": false"

echo "-- kilnc --freeze dense_0,dense_2"
$tool same start.safetensors freeze_outer.safetensors '^dense_[02]\.'
$tool differ start.safetensors freeze_outer.safetensors '^dense_1\.'
state=$($tool names freeze_outer.safetensors | grep '^optimizer\.' | sort | tr '\n' ' ')
[ "$state" = "optimizer.dense_1.bias.exp_avg optimizer.dense_1.bias.exp_avg_sq optimizer.dense_1.weight.exp_avg optimizer.dense_1.weight.exp_avg_sq " ] ||
  { echo "FAIL: optimizer state with dense_0,dense_2 frozen: $state"; exit 1; }
./freeze_outer info > info_outer.txt
grep -qx 'total parameters: 52650 (50570 frozen)' info_outer.txt ||
  { echo "FAIL: info with dense_0,dense_2 frozen:"; cat info_outer.txt; exit 1; }
echo "ok: frozen layers stay bit-identical, the others train"
