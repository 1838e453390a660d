#!/usr/bin/env bash
# One-sample predict latency of examples/fashion_mlp (or fashion_cnn): Kiln
# (kiln::Model::predict, which runs the compiled forward_1) against PyTorch 1.13
# (inference mode), both on THREADS threads (default 1), alternating, in one
# run; prints both and the ratio. Not part of the tests.
# Usage: bench/predict.sh [ROUNDS] [EXAMPLE] [THREADS]   (needs scripts/install-deps.sh --bench)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KILN_BUILD:-$root/build}
rounds=${1:-3}
example=${2:-fashion_mlp}
threads=${3:-1}
"$root/scripts/install-deps.sh" --bench # the pinned OpenBLAS PyTorch runs on
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/bin/kilnc" "$root/examples/$example/model.json" --emit=obj -o "$work/bench_model.o"
c++ -std=c++17 -O2 -I "$root/runtime/include" -I "$work" "$root/bench/predict_kiln.cpp" \
  "$work/bench_model.o" "$build/runtime/libkiln_runtime.a" -lz -o "$work/predict_kiln"
env=(env -u OPENBLAS_CORETYPE -u KILN_NUM_THREADS LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp
     OMP_NUM_THREADS=$threads MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=68719476736)
printf "%-6s %12s %12s %12s %12s\n" round kiln_med_us torch_med_us kiln_best torch_best
for r in $(seq "$rounds"); do
  read -r km kb < <("${env[@]}" "$work/predict_kiln" 7 5000 "$threads")
  read -r tm tb < <("${env[@]}" /usr/bin/python3 "$root/bench/predict_torch.py" 7 5000 "$example" "$threads")
  printf "%-6s %12s %12s %12s %12s\n" "$r" "$km" "$tm" "$kb" "$tb"
  echo "$km $tm $kb $tb" >> "$work/all"
done
python3 - "$work/all" "$threads" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
km = statistics.median(r[0] for r in rows); tm = statistics.median(r[1] for r in rows)
kb = min(r[2] for r in rows); tb = min(r[3] for r in rows)
print(f"threads: {sys.argv[2]}")
print(f"kiln predict(1): median {km:.1f} us, best {kb:.1f} us")
print(f"torch forward(1): median {tm:.1f} us, best {tb:.1f} us")
print(f"speed-up kiln/torch: {tm / km:.2f}x on medians, {tb / kb:.2f}x on best")
PY
