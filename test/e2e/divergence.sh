#!/usr/bin/env bash
# e2e (issue 11): training that diverges stops at the step it happens, names
# the first non-finite layer output (found by replaying the step through
# check_step), keeps the last checkpoint written before it and exits 1.
set -euo pipefail
kilnc=$1 work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work"
# y = sum(x); one sample of batch 3 (rows 64-95, no shuffling) has values
# near the float limit, so the first (linear) layer's output overflows.
python3 - <<'PY'
import random
random.seed(7)
with open("train.csv", "w") as f:
    f.write(",".join(f"x{i}" for i in range(16)) + ",y\n")
    for i in range(256):
        x = [random.uniform(-1, 1) for _ in range(16)]
        y = sum(x)
        if i == 70:
            x, y = [3e38] * 16, 0.0
        f.write(",".join(repr(v) for v in x + [y]) + "\n")
PY
cat > model.json <<'JSON'
{
  "name": "diverge",
  "input": {"shape": [16]},
  "layers": [
    {"name": "hidden", "type": "dense", "units": 32},
    {"name": "out", "type": "dense", "units": 1}
  ],
  "training": {"loss": "mse", "optimizer": {"type": "sgd", "lr": 0.01},
               "batch_size": 32, "epochs": 2}
}
JSON
"$kilnc" model.json -o diverge

expect_failure() { # log pattern...
  local log=$1; shift
  for pattern in "$@"; do
    grep -qF -- "$pattern" "$log" || { echo "missing: $pattern"; cat "$log"; exit 1; }
  done
}

# 1. An overflowing layer output, with a checkpoint every step.
rc=0
./diverge train --data train.csv --no-shuffle --save ck.safetensors \
  --checkpoint-every 1 >out.log 2>&1 || rc=$?
[ "$rc" = 1 ] || { echo "exit $rc, expected 1"; cat out.log; exit 1; }
expect_failure out.log "epoch 1, batch 3 (step 3): the loss is" \
  "the last checkpoint written is from before this step" \
  "Replayed: at step 3 the first non-finite value is the output of layer 'hidden'"
# The checkpoint on disk is step 2's, and it is finite.
python3 - <<'PY'
import json, math, struct
raw = open("ck.safetensors", "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n])
step = int(header["__metadata__"]["step"])
assert step == 2, step
data = raw[8 + n:]
for name, t in header.items():
    if name == "__metadata__" or t["dtype"] != "F32":
        continue
    lo, hi = t["data_offsets"]
    values = struct.unpack(f"<{(hi - lo) // 4}f", data[lo:hi])
    assert all(math.isfinite(v) for v in values), name
print("checkpoint: step", step, "finite")
PY
./diverge eval --load ck.safetensors --data train.csv >/dev/null 2>&1 || true

# 2. A learning rate that makes the loss overflow while every layer's output
#    is still finite.
(head -1 train.csv; sed 1,72d train.csv) >clean.csv
rc=0
./diverge train --data clean.csv --lr 1000 >out2.log 2>&1 || rc=$?
[ "$rc" = 1 ] || { echo "exit $rc, expected 1"; cat out2.log; exit 1; }
expect_failure out2.log "the loss is inf; training stopped" "Replayed: at step"

# 3. Without check_step the run still stops, and says what would tell more.
"$kilnc" model.json -o plain --no-check-step
rc=0
./plain train --data train.csv --no-shuffle >out3.log 2>&1 || rc=$?
[ "$rc" = 1 ] || { echo "exit $rc, expected 1"; cat out3.log; exit 1; }
expect_failure out3.log "Replayed: at step 3 the loss is" \
  "this model has no check_step to say which layer; recompile it"
echo "divergence: OK"
