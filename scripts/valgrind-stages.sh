#!/usr/bin/env bash
# Runs kiln-opt's stages under valgrind: scripts/valgrind-stages.sh [MODEL.json ...]
# (default: every examples/*/model.json). Each model is imported by kilnc
# (--compile-to=linalg), then every later stage (kernel, tiled, bufferized,
# llvm) runs in its own kiln-opt (its default options: 512-bit vectors, one
# core; not the host's, as kilnc would pick), single-threaded, under
# valgrind's memcheck: Debian's libMLIR is not instrumented, so ASan
# (test.sh --sanitize) does not see a wrong read inside MLIR that Kiln's use
# of it causes; memcheck does. Prints one line per model and stage; exits 1
# if any stage read or wrote memory it should not, 2 if a stage failed
# otherwise (the logs are in build/valgrind-stages/).
# About 15 minutes of one core for the examples.
set -euo pipefail
models=()
for m in "$@"; do models+=("$(realpath "$m")"); done
cd "$(dirname "$0")/.."
command -v valgrind > /dev/null || { echo "$0: needs valgrind (scripts/install-deps.sh --test)" >&2; exit 2; }
./scripts/build.sh --test >/dev/null
out=build/valgrind-stages
mkdir -p "$out"
[ ${#models[@]} -gt 0 ] || models=(examples/*/model.json)
status=0
for model in "${models[@]}"; do
  name=$(basename "$model" .json)
  [ "$name" = model ] && name=$(basename "$(dirname "$model")")
  prev=$out/$name.linalg.mlir
  build/bin/kilnc "$model" --compile-to=linalg -o "$prev"
  for stage in kernel tiled bufferized llvm; do
    next=$out/$name.$stage.mlir log=$out/$name.$stage.log rc=0
    valgrind -q --error-exitcode=99 build/bin/kiln-opt --mlir-disable-threading \
      "--kiln-stage-$stage" "$prev" -o "$next" 2> "$log" || rc=$?
    if [ $rc -eq 0 ]; then
      echo "$name $stage: clean"
    elif [ $rc -eq 99 ]; then
      echo "$name $stage: MEMORY ERROR (see $log)"; status=1; break
    else
      echo "$name $stage: failed with exit $rc (see $log)"; [ $status -eq 1 ] || status=2; break
    fi
    prev=$next
  done
done
exit $status
