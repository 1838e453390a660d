#!/usr/bin/env bash
# Runs kiln-opt's stages under valgrind: scripts/valgrind-stages.sh [MODEL.json ...]
# (default: every examples/*/model.json). Each model is imported by kilnc
# (--compile-to=linalg), then every later stage (kernel, tiled, bufferized,
# llvm) runs in its own kiln-opt, single-threaded, under valgrind's memcheck:
# Debian's libMLIR is not instrumented, so ASan (test.sh --sanitize) does not
# see a wrong read inside MLIR that Kiln's use of it causes; memcheck does.
# Prints one line per model and stage; exits 1 if any stage read or wrote
# memory it should not (its report is in build/valgrind-stages/).
# About 5 minutes for the examples on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh --test >/dev/null
out=build/valgrind-stages
mkdir -p "$out"
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(examples/*/model.json)
failed=0
for model in "${models[@]}"; do
  name=$(basename "$(dirname "$model")")
  prev=$out/$name.linalg.mlir
  build/bin/kilnc "$model" --compile-to=linalg -o "$prev"
  for stage in kernel tiled bufferized llvm; do
    next=$out/$name.$stage.mlir
    if valgrind -q --error-exitcode=99 build/bin/kiln-opt --mlir-disable-threading \
         "--kiln-stage-$stage" "$prev" -o "$next" 2> "$out/$name.$stage.log"; then
      echo "$name $stage: clean"
    else
      echo "$name $stage: FAILED (see $out/$name.$stage.log)"
      failed=1
      break
    fi
    prev=$next
  done
done
exit $failed
