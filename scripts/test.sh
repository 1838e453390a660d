#!/usr/bin/env bash
# Installs what the tests need (PyTorch included: the parity tests fail without it),
# builds Kiln and runs every test (lit, unit, end-to-end) through ctest.
#   scripts/test.sh              ./build, the whole suite (what CI runs)
#   scripts/test.sh --sanitize   ./build-sanitize: everything built with ASan and UBSan
#                                (executables kilnc builds too), every test run with
#                                halt_on_error; about 3x the time. Not in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--sanitize" ]; then
  shift
  ./scripts/install-deps.sh --test
  if [ ! -f build-sanitize/build.ninja ]; then
    cmake -G Ninja -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Release -DKILN_SANITIZE=ON \
      -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 -DLLVM_USE_LINKER=lld
  fi
  cmake --build build-sanitize -j2
  cd build-sanitize
  # allow_user_poisoning=0: LLVM's BumpPtrAllocator, inlined in Kiln's
  # instrumented code, poisons the slabs it starts (an MLIR context's
  # attribute storage), and libMLIR's uninstrumented copy allocates from
  # them without unpoisoning: a false use-after-poison in most compiles.
  export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1:allow_user_poisoning=0
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  export LSAN_OPTIONS=suppressions=$PWD/../scripts/lsan.supp:print_suppressions=0
  # For the tests that compile C++ against the runtime themselves (clang's
  # UBSan runtime: g++'s lacks some of its checks).
  export KILN_TEST_CXX=clang++-19 KILN_LINK_FLAGS=-fsanitize=address,undefined
  export KILN_SANITIZE=1
  # (The tests that count allocations replace malloc, as ASan does: this
  # build does not have them.)
  ctest --output-on-failure -j2 --timeout 1500 "$@"
  exit
fi
./scripts/build.sh --test # --test: also python3-torch and python3-numpy
cd build
# ctest runs two tests at once on two cores: one thread each (the default is
# every core; unit.threads tests it, e2e.threads runs 1, 2 and 3 threads).
export KILN_NUM_THREADS=${KILN_NUM_THREADS:-1}
ctest --output-on-failure -j2 "$@"
