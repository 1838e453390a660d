// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-local-scratch))' | FileCheck %s
// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-local-scratch,kernel-hoist-allocas))' | FileCheck %s --check-prefix=HOIST

// Tests that a temporary whose only use is one tile view per trip of the loops around it (every loop's index an offset) becomes an alloca of the tile's shape in place of the view, the register tiles' views and the epilogue's reads rebuilt on it; kernel-hoist-allocas then moves it to the function's entry.
// CHECK-LABEL: func.func @tiles
// CHECK-NOT: memref.alloc()
// CHECK: scf.for
// CHECK: scf.for
// CHECK-NEXT: %[[T:.+]] = memref.alloca() {alignment = 64 : i64} : memref<4x64xf32>
// CHECK: scf.for %[[R:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: memref.subview %[[T]][0, %[[R]]] [4, 16] [1, 1] : memref<4x64xf32> to memref<4x16xf32, strided<[64, 1], offset: ?>>
// CHECK: vector.transfer_read %[[T]][%c0, %c0], %{{.+}} : memref<4x64xf32>, vector<4x64xf32>
// HOIST-LABEL: func.func @tiles
// HOIST-NEXT: memref.alloca() {alignment = 64 : i64} : memref<4x64xf32>
// HOIST-NOT: memref.alloca
// HOIST: return
func.func @tiles(%x: memref<4x64xf32>, %w: memref<8x128xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %f0 = arith.constant 0.0 : f32
  %scratch = memref.alloc() {alignment = 64 : i64} : memref<8x128xf32>
  scf.for %i = %c0 to %c8 step %c4 {
    scf.for %j = %c0 to %c128 step %c64 {
      %tile = memref.subview %scratch[%i, %j] [4, 64] [1, 1] : memref<8x128xf32> to memref<4x64xf32, strided<[128, 1], offset: ?>>
      scf.for %r = %c0 to %c64 step %c16 {
        %reg = memref.subview %tile[0, %r] [4, 16] [1, 1] : memref<4x64xf32, strided<[128, 1], offset: ?>> to memref<4x16xf32, strided<[128, 1], offset: ?>>
        %v = vector.transfer_read %x[%c0, %r], %f0 {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x16xf32>
        vector.transfer_write %v, %reg[%c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, memref<4x16xf32, strided<[128, 1], offset: ?>>
      }
      %g = vector.transfer_read %tile[%c0, %c0], %f0 {in_bounds = [true, true]} : memref<4x64xf32, strided<[128, 1], offset: ?>>, vector<4x64xf32>
      vector.transfer_write %g, %w[%i, %j] {in_bounds = [true, true]} : vector<4x64xf32>, memref<8x128xf32>
    }
  }
  return
}

// -----

// Tests what stays a whole temporary: a tile that a loop around it revisits (its index is no offset: the tile accumulates across its trips while other tiles are made in between), a temporary with a second use, and a tile a copy reads.
// CHECK-LABEL: func.func @revisited
// CHECK: memref.alloc()
// CHECK-NOT: memref.alloca
// CHECK-LABEL: func.func @two_uses
// CHECK: memref.alloc()
// CHECK-NOT: memref.alloca
// CHECK-LABEL: func.func @copied
// CHECK: memref.alloc()
// CHECK-NOT: memref.alloca
// CHECK: return
func.func @revisited(%x: memref<4x64xf32>, %w: memref<8x64xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %f0 = arith.constant 0.0 : f32
  %scratch = memref.alloc() {alignment = 64 : i64} : memref<8x64xf32>
  scf.for %k = %c0 to %c2 step %c2 {
    scf.for %i = %c0 to %c8 step %c4 {
      %tile = memref.subview %scratch[%i, 0] [4, 64] [1, 1] : memref<8x64xf32> to memref<4x64xf32, strided<[64, 1], offset: ?>>
      %a = vector.transfer_read %tile[%c0, %c0], %f0 {in_bounds = [true, true]} : memref<4x64xf32, strided<[64, 1], offset: ?>>, vector<4x64xf32>
      %v = vector.transfer_read %x[%c0, %c0], %f0 {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x64xf32>
      %s = arith.addf %a, %v : vector<4x64xf32>
      vector.transfer_write %s, %tile[%c0, %c0] {in_bounds = [true, true]} : vector<4x64xf32>, memref<4x64xf32, strided<[64, 1], offset: ?>>
    }
  }
  return
}

func.func @two_uses(%x: memref<4x64xf32>) -> vector<4xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %f0 = arith.constant 0.0 : f32
  %scratch = memref.alloc() {alignment = 64 : i64} : memref<8x64xf32>
  scf.for %i = %c0 to %c8 step %c4 {
    %tile = memref.subview %scratch[%i, 0] [4, 64] [1, 1] : memref<8x64xf32> to memref<4x64xf32, strided<[64, 1], offset: ?>>
    %v = vector.transfer_read %x[%c0, %c0], %f0 {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x64xf32>
    vector.transfer_write %v, %tile[%c0, %c0] {in_bounds = [true, true]} : vector<4x64xf32>, memref<4x64xf32, strided<[64, 1], offset: ?>>
  }
  %r = vector.transfer_read %scratch[%c0, %c0], %f0 {in_bounds = [true]} : memref<8x64xf32>, vector<4xf32>
  return %r : vector<4xf32>
}

func.func @copied(%x: memref<4x64xf32>, %out: memref<4x64xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %f0 = arith.constant 0.0 : f32
  %scratch = memref.alloc() {alignment = 64 : i64} : memref<8x64xf32>
  scf.for %i = %c0 to %c8 step %c4 {
    %tile = memref.subview %scratch[%i, 0] [4, 64] [1, 1] : memref<8x64xf32> to memref<4x64xf32, strided<[64, 1], offset: ?>>
    %v = vector.transfer_read %x[%c0, %c0], %f0 {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x64xf32>
    vector.transfer_write %v, %tile[%c0, %c0] {in_bounds = [true, true]} : vector<4x64xf32>, memref<4x64xf32, strided<[64, 1], offset: ?>>
    memref.copy %tile, %out : memref<4x64xf32, strided<[64, 1], offset: ?>> to memref<4x64xf32>
  }
  return
}
