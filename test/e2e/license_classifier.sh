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
# predict names the class by its file (kept in the checkpoint as metadata
# data.class_names, the files in sorted order): a window of 64 bytes of the
# file its name says gives a line `class N (NAME) probabilities ...`, NAME
# the N-th file.
/usr/bin/python3 - <<'PY'
import numpy as np
data = open("/usr/share/common-licenses/GPL-3", "rb").read()[1000:1064]
np.save("window.npy", np.frombuffer(data, dtype=np.uint8).astype(np.int32)[None, :])
PY
./lic predict --load w.safetensors --input window.npy > predict.log
/usr/bin/python3 - <<'PY'
import os, re
files = sorted(f for f in os.listdir("/usr/share/common-licenses")
               if not f.startswith(".") and os.path.isfile(os.path.join("/usr/share/common-licenses", f))
               and not os.path.islink(os.path.join("/usr/share/common-licenses", f)))
line = open("predict.log").read().strip()
m = re.fullmatch(r"class (\d+) \(([^)]+)\) probabilities( [0-9.]+){%d}" % len(files), line)
assert m and files[int(m.group(1))] == m.group(2), (line, files)
print(f"license_classifier: predict names class {m.group(1)} {m.group(2)}")
PY
python3 "$src/test/e2e/safetensors_tool.py" meta w.safetensors data.class_names | grep -q '"GPL-3"' ||
  { echo "FAIL: data.class_names lacks GPL-3"; exit 1; }
# A checkpoint whose class names are not 14 strings: an error naming it.
/usr/bin/python3 - <<'PY'
import json, struct
blob = open("w.safetensors", "rb").read()
n = struct.unpack("<Q", blob[:8])[0]
header = json.loads(blob[8:8 + n])
header["__metadata__"]["data.class_names"] = json.dumps(["only", "two"])
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
open("bad-names.safetensors", "wb").write(struct.pack("<Q", len(text)) + text + blob[8 + n:])
PY
if ./lic predict --load bad-names.safetensors --input window.npy 2> bad-names.log; then
  echo "FAIL: malformed class names were accepted"; exit 1
fi
grep -qx "error: bad-names.safetensors: metadata data.class_names is not a JSON array of 14 strings" bad-names.log ||
  { echo "FAIL: unexpected message"; cat bad-names.log; exit 1; }
echo "license_classifier: malformed class names refused"
# Class directories beside loose files: an error, not files silently left out.
mkdir -p mixed/a mixed/b && cp /usr/share/common-licenses/GPL-3 mixed/a/ &&
  cp /usr/share/common-licenses/Apache-2.0 mixed/b/ && cp /usr/share/common-licenses/MPL-2.0 mixed/
if ./lic train --text --data mixed --steps 1 2> mixed.log; then
  echo "FAIL: files beside class directories were accepted"; exit 1
fi
grep -qx "error: --text: 'mixed' holds both sub-directories (classes) and files (MPL-2.0); classes are one or the other: move the files into a class directory" mixed.log ||
  { echo "FAIL: unexpected message"; cat mixed.log; exit 1; }
echo "license_classifier: mixed files and class directories refused"
