#!/usr/bin/env bash
# e2e: the C++ of kilnc --emit=cpp is portable: examples/fashion_mlp's,
# cross-compiled for 64-bit Arm with Debian's g++-aarch64-linux-gnu and the
# runtime's sources (its CMakeLists.txt with -DKILN_RUNTIME_SOURCE and
# scripts/toolchains/aarch64-linux-gnu.cmake), and fashion_cnn's, linked
# with that runtime, train under qemu-aarch64: their first 5 losses match
# the host's object code within a relative 1e-4.
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
# examples/fashion_cnn: its C++ compiled alone and linked with the runtime
# the build above cross-compiled.
"$kilnc" "$src/examples/fashion_cnn/model.json" --emit=cpp -o fashion_cnn
"$kilnc" "$src/examples/fashion_cnn/model.json" -o host_cnn
printf '#include "kiln/abi.h"\nextern "C" const kiln_model_api *fashion_cnn_abi(void);\nextern "C" const kiln_model_api *kiln_model_abi(void) { return fashion_cnn_abi(); }\n' > cnn_main.cpp
flags=(-std=c++17 -O2 -fno-math-errno -ffp-contract=off -fno-strict-aliasing -I"$src/runtime/include")
aarch64-linux-gnu-g++ "${flags[@]}" -Wno-psabi -c fashion_cnn/fashion_cnn.cpp -o fashion_cnn.o
aarch64-linux-gnu-g++ "${flags[@]}" -static fashion_cnn.o cnn_main.cpp arm64/kiln-runtime/libkiln_main.a \
  arm64/kiln-runtime/libkiln_runtime.a /usr/lib/aarch64-linux-gnu/libz.a -o arm64/fashion_cnn

compare() { # NAME HOST_EXE ARM_EXE
  timeout 300 qemu-aarch64 "$3" train --data data --steps 5 --seed 3 --loss-log "$1.arm64" > "$1.arm64.log"
  "$2" train --data data --steps 5 --seed 3 --loss-log "$1.host" > "$1.host.log"
  python3 - "$1" <<'PY'
import sys
name = sys.argv[1]
host = [float(l.split()[1]) for l in open(f"{name}.host")]
arm = [float(l.split()[1]) for l in open(f"{name}.arm64")]
if len(host) != 5 or len(arm) != 5:
    sys.exit(f"FAIL: {name}: {len(host)} host and {len(arm)} aarch64 losses (expected 5)")
for i, (a, b) in enumerate(zip(host, arm)):
    print(f"{name} step {i + 1}: host {a:.9g}  aarch64 {b:.9g}")
worst = max(abs(a - b) / abs(a) for a, b in zip(host, arm))
print(f"{name}: largest relative difference over 5 steps {worst:.2e}")
sys.exit(0 if worst <= 1e-4 else f"FAIL: {name} on aarch64 differs from the host by {worst:.2e} > 1e-4")
PY
}
compare fashion_mlp ./host arm64/fashion_mlp
compare fashion_cnn ./host_cnn arm64/fashion_cnn
echo PASS
