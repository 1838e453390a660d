// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kiln-expand-copies))' | FileCheck %s
// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kiln-expand-copies),convert-linalg-to-loops)' | FileCheck %s --check-prefix=LOOPS

// Tests that the two-layer MLP which failed to link (undefined reference to
// memrefCopy: CSE shares a zero-filled accumulator tile between dense_0's
// forward matmul and dense_1's input-gradient matmul, and bufferization copies
// it into a strided subview) compiles to code that calls no MLIR runtime
// function, at batch 16 and at batch 8.
// RUN: kilnc %S/Inputs/kiln-expand-copies-mlp.json --compile-to=llvm | FileCheck %s --check-prefix=MLP --implicit-check-not=memrefCopy
// RUN: kilnc %S/Inputs/kiln-expand-copies-mlp.json --batch-size=8 --compile-to=llvm | FileCheck %s --check-prefix=MLP --implicit-check-not=memrefCopy
// MLP: llvm.func @kiln_model_train_step(
// MLP: llvm.func @kiln_model_forward_1(

// Tests that a copy into a strided subview (which finalize-memref-to-llvm would lower to a call of MLIR's runtime memrefCopy) becomes linalg.copy.
// CHECK-LABEL: func.func @into_subview
// CHECK-SAME: (%[[TILE:[^:]+]]: memref<16x16xf32>, %[[BIG:[^:]+]]: memref<24x24xf32>)
// CHECK-NEXT: %[[SUB:.+]] = memref.subview %[[BIG]][8, 0] [16, 16] [1, 1]
// CHECK-NEXT: linalg.copy ins(%[[TILE]] : memref<16x16xf32>) outs(%[[SUB]] : memref<16x16xf32, strided<[24, 1], offset: 192>>)
// CHECK-NEXT: return
// LOOPS-LABEL: func.func @into_subview
// LOOPS-NOT: memref.copy
// LOOPS: scf.for
// LOOPS: scf.for
// LOOPS: memref.load
// LOOPS: memref.store
func.func @into_subview(%tile: memref<16x16xf32>, %big: memref<24x24xf32>) {
  %sub = memref.subview %big[8, 0] [16, 16] [1, 1] : memref<24x24xf32> to memref<16x16xf32, strided<[24, 1], offset: 192>>
  memref.copy %tile, %sub : memref<16x16xf32> to memref<16x16xf32, strided<[24, 1], offset: 192>>
  return
}

// -----

// Tests that a copy out of a strided source is expanded too.
// CHECK-LABEL: func.func @from_subview
// CHECK-SAME: (%[[BIG:[^:]+]]: memref<24x24xf32>, %[[TILE:[^:]+]]: memref<16x16xf32>)
// CHECK-NEXT: %[[SUB:.+]] = memref.subview %[[BIG]]
// CHECK-NEXT: linalg.copy ins(%[[SUB]] : memref<16x16xf32, strided<[24, 1], offset: 8>>) outs(%[[TILE]] : memref<16x16xf32>)
// CHECK-NOT: memref.copy
func.func @from_subview(%big: memref<24x24xf32>, %tile: memref<16x16xf32>) {
  %sub = memref.subview %big[0, 8] [16, 16] [1, 1] : memref<24x24xf32> to memref<16x16xf32, strided<[24, 1], offset: 8>>
  memref.copy %sub, %tile : memref<16x16xf32, strided<[24, 1], offset: 8>> to memref<16x16xf32>
  return
}

// -----

// Tests that a copy between identity layouts stays memref.copy (a memcpy), inside a loop as well.
// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[A:[^:]+]]: memref<4x8xf32>, %[[B:[^:]+]]: memref<4x8xf32>)
// CHECK: scf.for
// CHECK-NEXT: memref.copy %[[A]], %[[B]] : memref<4x8xf32> to memref<4x8xf32>
// CHECK-NOT: linalg.copy
func.func @identity(%a: memref<4x8xf32>, %b: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  scf.for %i = %c0 to %c2 step %c1 {
    memref.copy %a, %b : memref<4x8xf32> to memref<4x8xf32>
  }
  return
}
