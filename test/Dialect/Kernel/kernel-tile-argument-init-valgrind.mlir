// REQUIRES: valgrind
// RUN: valgrind -q --error-exitcode=1 kiln-opt %S/kernel-tile-argument-init.mlir -split-input-file -kernel-tile -o /dev/null

// Tests that kernel-tile reads no memory it should not on groups whose
// inits are function arguments: MLIR 19's tile-and-fuse read one loop
// before its array of four (on the heap; SmallVector keeps three inline,
// where the stray read stays inside the vector and valgrind sees nothing)
// until kernel-tile put a cast in front of such inits.
