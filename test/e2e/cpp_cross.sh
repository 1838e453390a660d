#!/usr/bin/env bash
# e2e: the C++ of kilnc --emit=cpp is portable: examples/fashion_mlp's,
# cross-compiled for 64-bit Arm with Debian's g++-aarch64-linux-gnu and the
# runtime's sources (its CMakeLists.txt with -DKILN_RUNTIME_SOURCE and
# scripts/toolchains/aarch64-linux-gnu.cmake), trains under qemu-aarch64:
# its first 5 losses match the host's object code within a relative 1e-4.
# Needs g++-aarch64-linux-gnu, qemu-user and zlib1g-dev:arm64
# (scripts/install-deps.sh --test).
set -euo pipefail
kilnc=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
python3 "$src/test/e2e/fashion_subset.py" data 640 64
"$kilnc" "$src/examples/fashion_mlp/model.json" --emit=cpp -o fashion_mlp
"$kilnc" "$src/examples/fashion_mlp/model.json" -o host
cmake -S fashion_mlp -B arm64 -G Ninja -DCMAKE_TOOLCHAIN_FILE="$src/scripts/toolchains/aarch64-linux-gnu.cmake" \
  -DKILN_RUNTIME_SOURCE="$src/runtime" > configure.log ||
  { echo "FAIL: configuring the cross build"; cat configure.log; exit 1; }
cmake --build arm64 --target fashion_mlp > build.log 2>&1 || { echo "FAIL: the cross build"; tail -30 build.log; exit 1; }
file arm64/fashion_mlp | grep -q "ARM aarch64" || { echo "FAIL: not an aarch64 executable:"; file arm64/fashion_mlp; exit 1; }
timeout 300 qemu-aarch64 arm64/fashion_mlp train --data data --steps 5 --seed 3 --loss-log arm64.losses > arm64.log
./host train --data data --steps 5 --seed 3 --loss-log host.losses > host.log
paste host.losses arm64.losses
python3 - <<'PY'
import sys
host = [float(l.split()[1]) for l in open("host.losses")]
arm = [float(l.split()[1]) for l in open("arm64.losses")]
if len(host) != 5 or len(arm) != 5:
    sys.exit(f"FAIL: {len(host)} host and {len(arm)} aarch64 losses (expected 5)")
worst = max(abs(a - b) / abs(a) for a, b in zip(host, arm))
print(f"largest relative difference over 5 steps: {worst:.2e}")
sys.exit(0 if worst <= 1e-4 else f"FAIL: aarch64 differs from the host by {worst:.2e} > 1e-4")
PY
echo PASS
