#!/usr/bin/env bash
# e2e: examples/stocks_lstm (LSTM 64 + dense 1 on IBM's monthly price from
# python3-vega-datasets, `train --series price`) trains as its README says:
# test RMSE <= $20 (measured 12.4-15.2 over seeds 0-2; the naive forecast
# 7.7), eval --series gives the same test line, and predict of the last 30
# months answers in dollars (the checkpoint keeps the standardization);
# 30 steps on 1, 2 and 3 threads end in the same checkpoint bits.
set -euo pipefail
kilnc=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
python3 "$src/examples/stocks_lstm/prepare.py" . IBM
"$kilnc" "$src/examples/stocks_lstm/model.json" -o lstm
./lstm train --data ibm.csv --series price --save w.safetensors --metrics-json m.json > train.log
./lstm eval --data ibm.csv --series price --load w.safetensors > eval.log
[ "$(grep '^test:' train.log)" = "$(grep '^test:' eval.log)" ] ||
  { echo "FAIL: eval differs from train's test line"; cat train.log eval.log; exit 1; }
# Its kernels split across threads give the same bits for 1, 2 and 3 threads.
for t in 1 2 3; do
  ./lstm train --data ibm.csv --series price --steps 30 --seed 5 --threads $t \
    --save "threads.$t.safetensors" > "threads.$t.log"
done
for t in 2 3; do
  python3 "$src/test/e2e/safetensors_tool.py" same threads.1.safetensors "threads.$t.safetensors" \
    > /dev/null || { echo "FAIL: the checkpoint with $t threads differs from 1 thread's"; exit 1; }
done
/usr/bin/python3 - <<'PY'
import json, subprocess, numpy as np
test = json.load(open("m.json"))["test"]
print(f"stocks_lstm: test rmse {test['rmse']:.4f} mae {test['mae']:.4f}")
assert test["rmse"] <= 20, test
prices = [float(l.split(",")[1]) for l in open("ibm.csv").read().splitlines()[1:]]
np.save("last.npy", np.array(prices[-30:], dtype=np.float32).reshape(1, 30, 1))
out = subprocess.run(["./lstm", "predict", "--load", "w.safetensors", "--input", "last.npy"],
                     check=True, capture_output=True, text=True).stdout
value = float(out.split()[-1])
print(f"next month after {prices[-1]}: {value}")
assert 50 < value < 250, out  # dollars, not standardized units
PY
