#!/usr/bin/env bash
# e2e: inference-only executables. examples/fashion_mlp compiled with
# `kilnc --inference`, and the same layers in a file with "training": false
# (plus a final softmax layer, since such a file has no loss to imply one):
#   * `info` works and lists forward, forward_1 and prepare (which transposes
#     the last weight once) only; no train_step code;
#   * `train` and `eval` exit 1 with exactly the runtime's message;
#   * `predict --load` of a checkpoint written by the training build (with its
#     optimizer state) works and prints the training build's predictions:
#     identical lines for --inference (the same model file, the same loss), the
#     same probabilities to the printed precision for "training": false.
set -uo pipefail
kilnc=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
set -e
python3 "$src/test/e2e/fashion_subset.py" data 12000 1000 --npy 70
model=$src/examples/fashion_mlp/model.json
"$kilnc" "$model" -o trainable
"$kilnc" "$model" --inference -o inference
python3 - "$model" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["training"] = False
m["layers"].append({"type": "softmax"})
json.dump(m, open("no_training.json", "w"), indent=1)
PY
"$kilnc" no_training.json -o no_training
./trainable train --data data --steps 200 --seed 2 --save w.safetensors > train.log
./trainable predict --load w.safetensors --input data/x70.npy > expected.txt
set +e

failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

for exe in inference no_training; do
  echo "-- $exe"
  ./$exe info > info.txt 2>&1 || fail "$exe info exits $?"
  grep -Eqx 'entry points: forward \(batch [0-9]+, workspace [0-9]+ bytes\), forward_1 \(batch 1, workspace [0-9]+ bytes\), prepare \(batch 1, workspace [0-9]+ bytes\)' info.txt &&
    grep -qx 'inference only: no loss, optimizer or train_step' info.txt &&
    ! grep -q '^loss:\|^optimizer:' info.txt ||
    { fail "$exe info:"; cat info.txt; }
  ! nm "$exe" | grep -Eq ' kiln_model_(train|eval)_step' || fail "$exe has train_step or eval_step code"

  ./$exe train --data data --steps 1 > out.txt 2> err.txt; rc=$?
  want="error: model 'fashion_mlp' was compiled for inference only (no train_step); recompile without --inference to train it"
  [ $rc -eq 1 ] && [ "$(cat err.txt)" = "$want" ] || { fail "$exe train: exit $rc, stderr:"; cat err.txt; }
  ./$exe eval --load w.safetensors --data data > out.txt 2> err.txt; rc=$?
  want="error: model 'fashion_mlp' was compiled for inference only (no eval_step); recompile without --inference to evaluate it"
  [ $rc -eq 1 ] && [ "$(cat err.txt)" = "$want" ] || { fail "$exe eval: exit $rc, stderr:"; cat err.txt; }

  ./$exe predict --load w.safetensors --input data/x70.npy > got_$exe.txt 2> err.txt ||
    { fail "$exe predict exits $?:"; cat err.txt; continue; }
  [ "$(wc -l < got_$exe.txt)" -eq 70 ] || fail "$exe predict printed $(wc -l < got_$exe.txt) lines"
done

# --inference compiles the same file, whose loss is softmax cross-entropy: the
# predictions must be the training build's (class and probabilities).
if cmp -s expected.txt got_inference.txt; then
  echo "ok   --inference predicts what the training build predicts"
else
  fail "--inference predicts differently from the training build of the same file:"
  echo "  training build: $(head -1 expected.txt)"
  echo "  --inference:    $(head -1 got_inference.txt)"
fi
# "training": false + softmax: "values" lines, the same probabilities.
python3 - <<'PY' || fail '"training": false with a softmax layer predicts differently'
expected = [l.split() for l in open("expected.txt")]
got = [l.split() for l in open("got_no_training.txt")]
worst = 0
for i, (e, g) in enumerate(zip(expected, got)):
    assert e[0] == "class" and e[2] == "probabilities" and g[0] == "values", (e, g)
    p, q = [float(v) for v in e[3:]], [float(v) for v in g[1:]]
    assert len(p) == len(q) == 10, (e, g)
    assert q.index(max(q)) == int(e[1]), (i, e, g)
    worst = max(worst, max(abs(a - b) for a, b in zip(p, q)))
assert len(expected) == len(got) == 70
# Probabilities are printed with 4 decimals (error <= 5e-5), values with 6
# significant digits.
assert worst <= 1e-4, worst
print(f'ok   "training": false + softmax: the same probabilities (max difference {worst:.1e})')
PY

# `info` reads the manifest only: a model of 400 MB of parameters (1.2 GB
# with Adam's slots) is described within 200 MB of virtual memory.
cat > big.json <<'JSON'
{"name": "big", "input": {"shape": [1000]},
 "layers": [{"type": "dense", "units": 100000}, {"type": "dense", "units": 2}],
 "training": {"loss": "softmax_cross_entropy", "batch_size": 4, "optimizer": {"type": "adam"}}}
JSON
"$kilnc" big.json -o big
# ASan reserves terabytes of address space, so a sanitized build is held to
# resident memory instead (GNU time's maximum RSS, in KB).
limit=(ulimit -v 200000)
[ -n "${KILN_SANITIZE:-}" ] && limit=(true)
if ("${limit[@]}"; /usr/bin/time -f "%M" -o big-rss.txt ./big info > big-info.txt 2>&1) &&
   [ "$(tail -1 big-rss.txt)" -lt 200000 ] &&
   grep -qx 'total parameters: 100300002' big-info.txt; then
  echo "ok   info of a 400 MB model without allocating it"
else
  fail "info of a 400 MB model:"; cat big-info.txt
fi

echo "$failures failed"
[ $failures -eq 0 ]
