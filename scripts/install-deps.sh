#!/usr/bin/env bash
# Installs the Debian packages Kiln needs to build and run its demo (no argument),
# to run its tests (--test) or its benchmark (--bench). Idempotent.
set -euo pipefail
pkgs=(cmake ninja-build ccache g++ clang-19 libclang-rt-19-dev lld-19 llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
      libfmt-dev nlohmann-json3-dev zlib1g-dev libgtest-dev libjemalloc-dev python3 dataset-fashion-mnist)
# --test: also PyTorch and NumPy, for the parity tests (test/e2e/torch_reference.py),
# which fail without them, OpenBLAS for the PyTorch side of the char_transformer test
# (the bit-level parity tests pin the reference BLAS, libblas3, by LD_LIBRARY_PATH; none
# calls LAPACK, which OpenBLAS then provides), clang-format for the C++ backend's layout test,
# valgrind for a lit test that reads kernel-tile's memory accesses, and an
# aarch64 cross compiler, zlib and qemu for its portability test. --bench:
# those, the BLAS the benchmark pins and oneDNN, the vendor matmul it compares with.
case "${1:-}" in
  "") ;;
  --test) pkgs+=(python3-torch python3-numpy python3-sklearn python3-vega-datasets chromium time libblas3
                 libopenblas0-openmp openmpi-bin libopenmpi-dev clang-format-19 valgrind
                 g++-aarch64-linux-gnu qemu-user zlib1g-dev:arm64) ;;
  --bench) pkgs+=(python3-torch python3-numpy libopenblas0-openmp libdnnl2 openmpi-bin libopenmpi-dev) ;;
  *) echo "usage: $0 [--test|--bench]" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "kiln: installing ${missing[*]}"
SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# arm64 packages (the cross build's zlib) need the architecture enabled.
if [[ " ${missing[*]} " == *":arm64 "* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
