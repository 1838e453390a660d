#!/usr/bin/env bash
# A short fuzzing run for CI: every seed of fuzz/corpus/NAME, then 4000
# mutations (fixed seed, so a failure repeats), with the dictionary when
# there is one. New inputs go to WORK, never into the tree.
set -euo pipefail
fuzzer=$1 src=$2 name=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
dict=()
[ -f "$src/dict/$name.dict" ] && dict=(-dict="$src/dict/$name.dict")
exec "$fuzzer" -runs=4000 -seed=1 -max_len=65536 -rss_limit_mb=2048 -timeout=20 \
  -artifact_prefix="$work/" "${dict[@]}" "$work" "$src/corpus/$name"
