#!/usr/bin/env bash
# e2e: examples/license_classifier (embedding, mean over time, two dense
# layers on 64-byte windows of Debian's licence texts, `train --text`) trains
# as its README says: test accuracy >= 0.25 (measured 0.28-0.32 over seeds
# 0-2; the largest class is 0.149), and eval --text of the saved weights
# gives the same test line.
set -euo pipefail
kilnc=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
"$kilnc" "$src/examples/license_classifier/model.json" -o lic
./lic train --text --data /usr/share/common-licenses --save w.safetensors \
  --metrics-json m.json > train.log
grep -q "^test: loss [0-9.]* accuracy [0-9.]* (363 samples)$" train.log ||
  { echo "FAIL: unexpected test line"; cat train.log; exit 1; }
./lic eval --text --data /usr/share/common-licenses --load w.safetensors > eval.log
[ "$(grep '^test:' train.log)" = "$(grep '^test:' eval.log)" ] ||
  { echo "FAIL: eval differs from train's test line"; cat train.log eval.log; exit 1; }
python3 - <<'PY'
import json
test = json.load(open("m.json"))["test"]
print(f"license_classifier: test accuracy {test['accuracy']:.4f}")
assert test["accuracy"] >= 0.25, test
PY
