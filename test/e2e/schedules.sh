#!/usr/bin/env bash
# e2e: learning-rate schedules and early stopping, through the CLI, on a
# Fashion-MNIST subset (3000 training samples: 93 batches of 32 per epoch).
#   * step and cosine schedules: the rate of every epoch in --metrics-json is
#     the documented formula's (checked in Python);
#   * reduce_on_plateau plus early stopping with restore_best from the model
#     file, validating on --val-data: the run stops when val_loss has not
#     improved for `patience` epochs, says so, restores the best epoch's
#     weights (byte-identical to the .best.safetensors beside --save), and a
#     run killed mid-way (--checkpoint-every, then --resume) ends
#     byte-identical to the whole one, with the same rates;
#   * bad specs on the command line fail with the key named.
set -euo pipefail
kilnc=$1 src=$2 work=$3
tool="python3 $src/test/e2e/safetensors_tool.py"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
python3 "$src/test/e2e/fashion_subset.py" data 3000 500
mkdir -p val && python3 "$src/test/e2e/fashion_subset.py" valsrc 3500 10 &&
  python3 - <<'PY'
# The validation set: training samples 3000..3499 (not in `data`), as a CSV.
import struct
imgs = open("valsrc/train-images-idx3-ubyte", "rb").read()[16:]
lbls = open("valsrc/train-labels-idx1-ubyte", "rb").read()[8:]
with open("val/train.csv", "w") as f:
    for i in range(3000, 3500):
        row = imgs[i * 784:(i + 1) * 784]
        f.write(",".join(f"{b / 255:.9g}" for b in row) + f",{lbls[i]}\n")
PY

cat > model.json <<'JSON'
{"name": "mlp", "input": {"shape": [784]},
 "layers": [{"type": "dense", "units": 48, "activation": "relu"}, {"type": "dense", "units": 10}],
 "training": {"loss": "softmax_cross_entropy", "batch_size": 32, "epochs": 40,
   "optimizer": {"type": "sgd", "lr": 0.5},
   "schedule": {"type": "reduce_on_plateau", "monitor": "val_loss", "patience": 0, "factor": 0.5},
   "early_stopping": {"monitor": "val_loss", "patience": 2, "restore_best": true}}}
JSON
"$kilnc" model.json -o mlp

# Rates of step and cosine schedules, from the command line.
./mlp train --data data --epochs 5 --early-stopping none \
  --schedule '{"type": "step", "step_size": 2, "gamma": 0.5}' --metrics-json step.json > step.log
./mlp train --data data --epochs 3 --early-stopping none \
  --schedule '{"type": "cosine", "warmup_steps": 50, "min_lr": 0.01}' --metrics-json cosine.json > cosine.log
python3 - <<'PY'
import json, math
step = [h["lr"] for h in json.load(open("step.json"))["history"]]
want = [0.5, 0.5, 0.25, 0.25, 0.125]
assert all(abs(a - b) < 1e-12 for a, b in zip(step, want)) and len(step) == 5, step
# cosine: the rate of each epoch's last step s (from 1) of 3 * 93 steps.
total, warm = 3 * 93, 50
def rate(s):
    if s <= warm:
        return 0.5 * s / warm
    return 0.01 + 0.49 * (1 + math.cos(math.pi * (s - warm - 1) / (total - warm))) / 2
cos = [h["lr"] for h in json.load(open("cosine.json"))["history"]]
want = [rate(93 * e) for e in (1, 2, 3)]
assert all(abs(a - b) < 1e-12 * max(1, b) for a, b in zip(cos, want)), (cos, want)
print(f"step rates {step}; cosine rates {[round(c, 6) for c in cos]}")
PY
grep -q "(lr 0.125," step.log || { echo "FAIL: the epoch line shows no rate"; cat step.log; exit 1; }

# The model file's plateau schedule and early stopping, validating on --val-data.
./mlp train --data data --val-data val/train.csv --seed 5 --save whole.safetensors \
  --metrics-json whole.json > whole.log
grep -q "^early stopping: no improvement of val_loss since epoch [0-9]*; restored its weights$" whole.log ||
  { echo "FAIL: no early stop"; cat whole.log; exit 1; }
test -f whole.best.safetensors || { echo "FAIL: no whole.best.safetensors"; exit 1; }
python3 - <<'PY'
import json
h = json.load(open("whole.json"))["history"]
losses = [e["val_loss"] for e in h]
best = min(range(len(h)), key=lambda i: losses[i])
assert len(h) == best + 3 and len(h) < 40, ("stops 2 epochs after the best", losses)
rates = [e["lr"] for e in h]
assert rates[0] == 0.5 and min(rates) < 0.5, rates  # the plateau halved the rate
print(f"stopped after {len(h)} epochs (best {best + 1}), rates {rates}")
PY
# The restored weights are the best epoch's.
$tool same whole.safetensors whole.best.safetensors '^dense' > cmp.log ||
  { echo "FAIL: the saved weights are not the best epoch's"; cat cmp.log; exit 1; }

# Killed mid-way (a checkpoint every 100 steps, stopped at step 250), resumed:
# the same stop, the same rates, byte-identical weights.
./mlp train --data data --val-data val/train.csv --seed 5 --save part.safetensors \
  --checkpoint-every 100 --steps 250 --epochs 40 > part1.log
./mlp train --data data --val-data val/train.csv --save part.safetensors \
  --resume part.safetensors --metrics-json part.json > part2.log
$tool same part.safetensors whole.safetensors > cmp2.log ||
  { echo "FAIL: the resumed run differs"; cat cmp2.log part2.log; exit 1; }
python3 - <<'PY'
import json
whole = {h["epoch"]: h["lr"] for h in json.load(open("whole.json"))["history"]}
part = {h["epoch"]: h["lr"] for h in json.load(open("part.json"))["history"]}
assert part and all(whole[e] == r for e, r in part.items()), (whole, part)
assert max(part) == max(whole), ("the resumed run stops at the same epoch", whole, part)
PY
grep -q "^early stopping:" part2.log || { echo "FAIL: resumed run did not stop"; cat part2.log; exit 1; }

# Bad specs name the key.
expect_error() { # MESSAGE ARGS...
  local msg=$1; shift
  if ./mlp train --data data "$@" > err.log 2>&1; then echo "FAIL: accepted $*"; exit 1; fi
  grep -qF -- "$msg" err.log || { echo "FAIL: '$msg' not in:"; cat err.log; exit 1; }
}
expect_error "--schedule: unknown key 'gama'" --schedule '{"type": "step", "gama": 1}'
expect_error "early stopping monitors 'val_loss', which this run does not report" --schedule none
expect_error "--early-stopping: 'patience' must be an integer of at least 0" --early-stopping '{"patience": 1.5}'
expect_error "--val-data and --validation-split exclude each other" --val-data val/train.csv --validation-split 0.1
echo "ok"
