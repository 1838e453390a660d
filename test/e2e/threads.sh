#!/usr/bin/env bash
# e2e: --threads. examples/fashion_mlp, examples/fashion_cnn and
# test/e2e/models/padded_panels (dense widths in padded panels) train 20 steps
# on a Fashion-MNIST subset with 1, 2 and 3 threads (and KILN_NUM_THREADS=2):
# the checkpoints are byte-identical, and so are eval's metrics and
# predict's outputs; so are char_transformer's checkpoints (byte windows).
# The kernels that threads split have a <kernel>_chunk in kilnc
# --emit=llvm-ir, so the test fails if none is split.
# With MPI, 2 ranks x 2 threads match 2 ranks x 1 thread too.
set -euo pipefail
kilnc=$1 src=$2 work=$3
tool="python3 $src/test/e2e/safetensors_tool.py"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
python3 "$src/test/e2e/fashion_subset.py" data 2000 300 --npy 300
json() { # an example's model, else one of test/e2e/models
  if [ -f "$src/examples/$1/model.json" ]; then echo "$src/examples/$1/model.json"
  else echo "$src/test/e2e/models/$1.json"; fi
}
for model in fashion_mlp fashion_cnn padded_panels; do
  "$kilnc" "$(json $model)" -o "$model"
  "$kilnc" "$(json $model)" --emit=llvm-ir -o "$model.ll"
  n=$(grep -o '@[a-z_0-9]*_chunk' "$model.ll" | sort -u | wc -l)
  [ "$n" -gt 0 ] || { echo "FAIL: $model: no kernel is split for threads"; exit 1; }
  echo "$model: $n kernels split for threads"
  for t in 1 2 3; do
    "./$model" train --data data --steps 20 --seed 9 --threads $t --save "$model.$t.safetensors" > "train.$t.log"
    "./$model" eval --load "$model.$t.safetensors" --data data --threads $t > "eval.$t.log"
    "./$model" predict --load "$model.$t.safetensors" --input data/x300.npy --threads $t --output "pred.$t.npy" > /dev/null
  done
  KILN_NUM_THREADS=2 "./$model" train --data data --steps 20 --seed 9 --save "$model.env.safetensors" > train.env.log
  for t in 2 3 env; do
    $tool same "$model.1.safetensors" "$model.$t.safetensors" > /dev/null ||
      { echo "FAIL: $model: the checkpoint with threads=$t differs from 1 thread's"; exit 1; }
  done
  for t in 2 3; do
    diff <(grep '^test' eval.1.log) <(grep '^test' "eval.$t.log") ||
      { echo "FAIL: $model: eval with $t threads differs"; exit 1; }
    cmp -s pred.1.npy "pred.$t.npy" || { echo "FAIL: $model: predict with $t threads differs"; exit 1; }
  done
  echo "$model: 1, 2, 3 threads and KILN_NUM_THREADS=2: identical checkpoints, eval and predict"
done
# A sequence model: char_transformer's kernels (attention, layer norm,
# embedding gradients) split too. 20 steps on 640 byte windows.
/usr/bin/python3 - "$src/test/e2e" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import char_transformer as ct
x, y = ct.windows("/usr/share/common-licenses")
ct.write_csv("text.csv", x[:640], y[:640])
PY
"$kilnc" "$src/examples/char_transformer/model.json" -o ct
n=$("$kilnc" "$src/examples/char_transformer/model.json" --emit=llvm-ir -o ct.ll &&
  grep -o '@[a-z_0-9]*_chunk' ct.ll | sort -u | wc -l)
[ "$n" -gt 0 ] || { echo "FAIL: char_transformer: no kernel is split for threads"; exit 1; }
for t in 1 2 3; do
  ./ct train --data text.csv --validation-split 0 --steps 20 --seed 9 --threads $t \
    --save "ct.$t.safetensors" > "ct.train.$t.log"
done
for t in 2 3; do
  $tool same ct.1.safetensors "ct.$t.safetensors" > /dev/null ||
    { echo "FAIL: char_transformer: the checkpoint with threads=$t differs from 1 thread's"; exit 1; }
done
echo "char_transformer: $n kernels split; 1, 2, 3 threads: identical checkpoints"
if "$kilnc" "$src/examples/fashion_mlp/model.json" --mpi -o mlp_dp 2>/dev/null; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  # (Sanitizer build: the slow unwinder, for scripts/lsan.supp's Open MPI lines.)
  [ -n "${KILN_SANITIZE:-}" ] && export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0"
  for t in 1 2; do
    timeout 120 mpirun --oversubscribe --bind-to none -np 2 ./mlp_dp train --data data --steps 10 --seed 9 \
      --threads $t --save "dp.$t.safetensors" > "dp.$t.log"
  done
  $tool same dp.1.safetensors dp.2.safetensors > /dev/null ||
    { echo "FAIL: 2 ranks x 2 threads differ from 2 ranks x 1 thread"; exit 1; }
  echo "mpirun -np 2: 2 threads per rank = 1 thread per rank"
fi
echo PASS
