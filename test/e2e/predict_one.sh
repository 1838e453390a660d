#!/usr/bin/env bash
# e2e: `predict` on one sample runs forward at batch 1 (forward_1) and agrees
# with the batched forward. fashion_mlp (batch 64) is trained 200 steps; its
# weights are loaded by the training build (probabilities, printed with 4
# decimals) and by a "training": false build of the same layers (logits,
# printed with 6 significant digits, so forward_1 and forward are compared to
# ~1e-5). Inputs: x1.npy = test sample 0 alone ([784]), x70.npy = samples
# 0..69 (64 through forward, 6 through forward_1), x128.npy = samples 0..127
# (two batches through forward). Then:
#   * x1's prediction equals row 0 of x70 and of x128;
#   * rows 64..69 of x70 (forward_1) equal rows 64..69 of x128 (forward);
#   * rows 0..63 of x70 and x128 (forward both times) are identical;
#   * under gdb (when it is installed), predicting x1 calls forward_1 once and
#     forward never: one sample is not padded to a batch; x70 calls forward
#     once and forward_1 6 times, x128 forward twice.
set -euo pipefail
kilnc=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
python3 "$src/test/e2e/fashion_subset.py" data 12000 200 --npy 70,128
model=$src/examples/fashion_mlp/model.json
"$kilnc" "$model" -o classifier
python3 - "$model" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["training"] = False
json.dump(m, open("logits.json", "w"))
PY
"$kilnc" logits.json --batch-size 64 -o logits
./classifier train --data data --steps 200 --seed 2 --save w.safetensors > train.log
for exe in classifier logits; do
  for n in 1 70 128; do
    ./$exe predict --load w.safetensors --input data/x$n.npy > $exe.x$n.txt
  done
done

python3 - <<'PY'
def rows(path):
    out = []
    for line in open(path):
        f = line.split()
        out.append([float(v) for v in (f[3:] if f[0] == "class" else f[1:])])
    return out

for exe, what, tol in (("classifier", "probabilities", 1e-4), ("logits", "logits", 1e-5)):
    x1, x70, x128 = (rows(f"{exe}.x{n}.txt") for n in (1, 70, 128))
    assert (len(x1), len(x70), len(x128)) == (1, 70, 128), (len(x1), len(x70), len(x128))
    assert all(len(r) == 10 for r in x1 + x70 + x128)
    # Printing rounds to 4 decimals (probabilities) or 6 significant digits
    # (logits): allow tol relative to the value's size, at least tol.
    def close(a, b):
        return max(abs(p - q) / max(1.0, abs(p)) for p, q in zip(a, b))
    worst = max(close(x1[0], x70[0]), close(x1[0], x128[0]),
                *(close(x70[i], x128[i]) for i in range(64, 70)))
    assert worst <= tol, f"{exe}: forward_1 and forward differ by {worst:.2e} (> {tol})"
    assert x70[:64] == x128[:64], f"{exe}: forward differs between two calls on the same rows"
    print(f"ok   {exe}: one sample and the batch-1 rest of a batch match forward "
          f"({what}, max difference {worst:.1e}, tolerance {tol})")
PY

# Which entry points run: break on them and count the hits.
if command -v gdb > /dev/null; then
  cat > count.gdb <<'GDB'
set pagination off
set confirm off
break kiln_model_forward
commands
silent
continue
end
break kiln_model_forward_1
commands
silent
continue
end
run
info breakpoints
GDB
  for spec in 1:0:1 70:1:6 128:2:0; do
    IFS=: read -r n forward forward_1 <<<"$spec"
    gdb -q -batch -x count.gdb --args ./classifier predict --load w.safetensors \
      --input data/x$n.npy > gdb.x$n.txt 2>&1 || true
    if ! grep -q 'exited normally' gdb.x$n.txt; then
      echo "skip: gdb cannot run the executable here"; tail -3 gdb.x$n.txt; break
    fi
    # "breakpoint already hit N time(s)" follows each breakpoint's line; an
    # entry point never called has no such line.
    hits=$(awk '/<kiln_model_forward>/ {b="f"} /<kiln_model_forward_1>/ {b="f1"}
                /already hit/ {h[b]=$4} END {printf "%d:%d", h["f"], h["f1"]}' gdb.x$n.txt)
    if [ "$hits" != "$forward:$forward_1" ]; then
      echo "FAIL: predicting $n samples called forward:forward_1 $hits times, expected $forward:$forward_1"
      exit 1
    fi
    echo "ok   $n sample(s): forward $forward times, forward_1 $forward_1 times"
  done
else
  echo "skip: no gdb, entry-point calls not counted"
fi
