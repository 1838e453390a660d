#!/usr/bin/env bash
# Builds examples/embedding/out/embed: the fashion MLP compiled to an object
# file and a header by kilnc, linked into main.cpp with the Kiln runtime.
# Needs a built Kiln: $KILN_BUILD/bin/kilnc and
# $KILN_BUILD/runtime/libkiln_runtime.a (KILN_BUILD defaults to build).
set -euo pipefail
cd "$(dirname "$0")/../.."   # the repository root
build=${KILN_BUILD:-build}
out=examples/embedding/out
mkdir -p "$out"
set -x
# 1. The model: out/fashion_mlp.o (fashion_mlp_abi(), fashion_mlp_manifest()
#    and one fashion_mlp_<entry> per entry point) and out/fashion_mlp.h
#    (class FashionMlp : kiln::Model).
"$build/bin/kilnc" examples/fashion_mlp/model.json --emit=obj -o "$out/fashion_mlp.o"
# 2. The program: the runtime's headers, the object, the runtime library and zlib (gzip'd IDX files).
c++ -std=c++17 -O2 -I runtime/include -I "$out" examples/embedding/main.cpp \
    "$out/fashion_mlp.o" "$build/runtime/libkiln_runtime.a" -lz -o "$out/embed"
