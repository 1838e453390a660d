#!/usr/bin/env bash
# e2e: a dropout layer on Fashion-MNIST. Training applies it with masks from
# the run's seed and the step (the same command gives byte-identical weights);
# eval and the test metrics after train run in eval mode: the same weights in
# a model without the dropout layer evaluate to the very same test line.
set -euo pipefail
kilnc=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
data=/usr/share/datasets/fashion-mnist
cat > model.json <<'JSON'
{"name": "mlp_with_dropout_layer", "input": {"shape": [784]},
 "layers": [{"type": "dense", "name": "hidden", "units": 128, "activation": "relu"},
            {"type": "dropout", "rate": 0.5},
            {"type": "dense", "name": "out", "units": 10}],
 "training": {"batch_size": 64, "optimizer": {"type": "adam", "lr": 0.001}, "metrics": ["accuracy"]}}
JSON
grep -v "\"type\": \"dropout\"" model.json > plain.json
"$kilnc" model.json -o m
"$kilnc" plain.json -o plain
./m train --data "$data" --steps 400 --seed 3 --save a.safetensors > train_a.txt
./m train --data "$data" --steps 400 --seed 3 --save b.safetensors > /dev/null
cmp a.safetensors b.safetensors || { echo "FAIL: the same seed gave other weights"; exit 1; }
# Training mode: the same weights trained without dropout differ.
./plain train --data "$data" --steps 400 --seed 3 --save p.safetensors > /dev/null
python3 "$src/test/e2e/safetensors_tool.py" differ a.safetensors p.safetensors 'hidden|out'
test_line=$(grep '^test:' train_a.txt)
./m eval --load a.safetensors --data "$data" > eval.txt
./plain eval --load a.safetensors --data "$data" > plain_eval.txt
e1=$(grep '^test:' eval.txt); e2=$(grep '^test:' plain_eval.txt)
[ "$e1" = "$test_line" ] || { echo "FAIL: eval '$e1' differs from train's '$test_line'"; exit 1; }
[ "$e1" = "$e2" ] || { echo "FAIL: eval with dropout '$e1' differs from without '$e2'"; exit 1; }
acc=$(sed -n 's/^test: .*accuracy \([0-9.]*\).*/\1/p' eval.txt)
python3 -c "import sys; a=float('$acc'); print('test accuracy with dropout 0.5 after 400 steps:', a); sys.exit(0 if a >= 0.80 else 1)"
echo "ok: dropout trains reproducibly and evaluates in eval mode"
