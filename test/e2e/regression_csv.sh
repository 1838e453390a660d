#!/usr/bin/env bash
# e2e: an MSE regression on CSV data generated here. The target is a smooth
# nonlinear function of 4 features plus noise of variance 0.01, so the best
# achievable test MSE is about 0.01; a linear model gets about 0.12. The
# trained MLP must reach a test MSE below 0.05.
set -euo pipefail
kilnc=$1 work=$2
rm -rf "$work" && mkdir -p "$work/data" && cd "$work"
python3 - <<'PY'
import math, random
random.seed(7)
def rows(n):
    out = []
    for _ in range(n):
        x = [random.uniform(-1, 1) for _ in range(4)]
        y = math.sin(2 * x[0]) + x[1] * x[2] + 0.5 * x[3] ** 2 + random.gauss(0, 0.1)
        out.append(x + [y])
    return out
for name, n in (("train", 4096), ("test", 1024)):
    with open(f"data/{name}.csv", "w") as f:
        f.write("x0,x1,x2,x3,y\n")
        for r in rows(n):
            f.write(",".join(f"{v:.6f}" for v in r) + "\n")
PY
cat > model.json <<'JSON'
{
  "name": "regress",
  "input": {"shape": [4]},
  "layers": [
    {"type": "dense", "units": 64, "activation": "tanh"},
    {"type": "dense", "units": 64, "activation": "tanh"},
    {"type": "dense", "units": 1}
  ],
  "training": {"loss": "mse", "optimizer": {"type": "adam", "lr": 0.003},
               "batch_size": 32, "epochs": 30, "metrics": ["mae", "rmse", "r2"]}
}
JSON
"$kilnc" model.json -o regress
./regress train --data data --metrics-json m.json
python3 - <<'PY'
import json
t = json.load(open("m.json"))["test"]
print("test:", t)
assert t["loss"] < 0.05, t["loss"]
PY
