#!/usr/bin/env bash
# e2e: examples/seattle_rain (binary cross-entropy on python3-vega-datasets'
# Seattle weather) trains as its README says: test ROC AUC >= 0.72 and
# accuracy >= 0.68 (measured 0.76-0.78 and 0.72-0.74 over seeds), with
# every listed metric on the test line and in --metrics-json.
set -euo pipefail
kilnc=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
python3 "$src/examples/seattle_rain/prepare.py" data
"$kilnc" "$src/examples/seattle_rain/model.json" -o rain
./rain train --data data --metrics-json m.json > train.log
grep -q "^test: loss [0-9.]* accuracy [0-9.]* precision [0-9.]* recall [0-9.]* f1 [0-9.]* auc [0-9.]* (364 samples)$" train.log ||
  { echo "FAIL: the test line lacks a listed metric"; cat train.log; exit 1; }
grep -q "^confusion matrix" train.log || { echo "FAIL: no confusion matrix"; exit 1; }
python3 - <<'PY'
import json
test = json.load(open("m.json"))["test"]
print(f"seattle_rain: test auc {test['auc']:.4f} accuracy {test['accuracy']:.4f}")
assert test["auc"] >= 0.72 and test["accuracy"] >= 0.68, test
assert sum(map(sum, test["confusion_matrix"])) == 364, test["confusion_matrix"]
PY
