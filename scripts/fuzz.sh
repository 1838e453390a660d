#!/usr/bin/env bash
# Fuzzes one reader of untrusted input: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags].
# TARGET: idx csv npy safetensors checkpoint manifest text model_json (fuzz/).
# Builds fuzz_TARGET in ./build, starts from the seeds in fuzz/corpus/TARGET
# and keeps what it finds in build/fuzz-corpus/TARGET (not in the tree; copy
# a finding that deserves it into fuzz/corpus with its regression test).
# Crashes are written to build/fuzz-crashes/TARGET/. Prints libFuzzer's
# final line: "Done N runs in S second(s)".
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 TARGET SECONDS [libFuzzer flags]" >&2; exit 2; }
target=$1 seconds=$2
shift 2
[ -d "fuzz/corpus/$target" ] || { echo "$0: no fuzz target '$target' (see fuzz/corpus)" >&2; exit 2; }
./scripts/build.sh --test >/dev/null
cmake --build build -j2 --target "fuzz_$target"
corpus=build/fuzz-corpus/$target crashes=build/fuzz-crashes/$target
mkdir -p "$corpus" "$crashes"
dict=()
[ -f "fuzz/dict/$target.dict" ] && dict=(-dict="fuzz/dict/$target.dict")
# A leak, a timeout (10 s) or 2 GB of memory is a finding too; -fork=N runs N processes.
exec "build/bin/fuzz_$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix="$crashes/" "${dict[@]}" "$@" \
  "$corpus" "fuzz/corpus/$target"
