#!/usr/bin/env bash
# How fast this machine can stream fashion_mlp's weights once (2.14 MB fp32), the
# floor under its batch-1 forward: on one core all of them, then on every core
# at once a share each (as Kiln's threads split the layers), then about the
# same shares as threads of one process that meet once per pass (the least sync a
# forward split over threads has). Needs an AVX-512 CPU.
# Not part of the tests. Usage: bench/latency_floor.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -march=native -pthread "$root/bench/gemv_floor.c" -o "$work/gemv_floor"
rows=683 # 784-512-256-10: (784*512 + 512*256 + 256*10) / 784 rows of 784 floats
cores=$(nproc)
echo "one core, all the weights:"
taskset -c 0 "$work/gemv_floor" $rows
echo "$cores cores at once, 1/$cores of the weights each:"
for c in $(seq 0 $((cores - 1))); do
  taskset -c "$c" "$work/gemv_floor" $(((rows + cores - 1) / cores)) &
done
wait
threads=$((cores < rows / 4 ? cores : rows / 4))
echo "$threads threads of one process, meeting once per pass:"
"$work/gemv_floor" $rows "$threads"
