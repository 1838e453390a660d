#!/usr/bin/env bash
# e2e: a GRU trained on a real time series. GRU(32) + dense 1 (mse, Adam lr
# 1e-3, batch 32, 100 epochs) on MSFT's monthly price from
# python3-vega-datasets (examples/stocks_lstm/prepare.py), `train --series
# price` with 30-month windows: 68 training windows (2 steps an epoch), 25
# test windows. The final epoch's training loss (standardized units, from
# --metrics-json's history) must be below 0.28, half-way between the
# measured 0.146-0.171 (seeds 0-11; 0.169, 0.168, 0.146 for seeds 0-2) and
# the first epoch's 0.41-0.93 (0.73, 0.64, 0.41), and below the first
# epoch's own; the test rmse must be finite (measured $2.28-$3.06, seeds
# 0-2: 2.62, 2.58, 2.28; the naive forecast "next = last" 1.66), and eval
# --series of the saved weights gives the same test line. About 0.1 s of
# training.
set -euo pipefail
kilnc=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
python3 "$src/examples/stocks_lstm/prepare.py" . MSFT
cat > model.json <<'JSON'
{
  "name": "gru_series",
  "input": {"shape": [30, 1]},
  "layers": [
    {"type": "gru", "name": "gru", "units": 32},
    {"type": "dense", "name": "out", "units": 1}
  ],
  "training": {
    "loss": "mse",
    "optimizer": {"type": "adam", "lr": 0.001},
    "batch_size": 32,
    "epochs": 100,
    "metrics": ["mae"],
    "seed": 0
  }
}
JSON
"$kilnc" model.json -o gru
./gru train --data msft.csv --series price --save w.safetensors --metrics-json m.json > train.log
./gru eval --data msft.csv --series price --load w.safetensors > eval.log
[ "$(grep '^test:' train.log)" = "$(grep '^test:' eval.log)" ] ||
  { echo "FAIL: eval differs from train's test line"; cat train.log eval.log; exit 1; }
/usr/bin/python3 - <<'PY'
import json, math
m = json.load(open("m.json"))
history, test = m["history"], m["test"]
first, last = history[0]["train_loss"], history[-1]["train_loss"]
print(f"gru_series: {len(history)} epochs, training loss {first:.4f} -> {last:.4f}, "
      f"test rmse {test['rmse']:.4f} mae {test['mae']:.4f}")
assert len(history) == 100, len(history)
assert last < 0.28 and last < first, (first, last)
assert math.isfinite(test["rmse"]) and math.isfinite(test["loss"]), test
PY
