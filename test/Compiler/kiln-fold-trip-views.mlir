// RUN: kiln-opt %s -split-input-file -kiln-fold-trip-views | FileCheck %s

// Tests that in a top-level loop marked kernel.parallel, a load and a store
// through subviews made inside the loop (a block's rows of a sequence) index
// the buffers themselves, the subview's offset added; a load through a
// subview made outside the loop, or through a reshape, stays as it is (a
// reshape folded would delinearize its indices with divisions).
// CHECK-DAG: #[[ROW:.+]] = affine_map<()[s0, s1] -> (s0 + s1)>
// CHECK-LABEL: func.func @blocks
// CHECK-SAME: (%[[SRC:[^:]+]]: memref<32x30x64xf32>, %[[DST:[^:]+]]: memref<32x30x64xf32>, %[[FLAT:[^:]+]]: memref<32x64xf32>
// CHECK: %[[OUTSIDE:.+]] = memref.subview %[[SRC]][0, 0, 0] [16, 30, 64]
// CHECK: scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: %[[R:.+]] = affine.apply #[[ROW]]()[%[[K]], %[[I]]]
// CHECK: %[[V:.+]] = memref.load %[[SRC]][%[[R]], %{{.+}}, %{{.+}}] : memref<32x30x64xf32>
// CHECK: %[[R2:.+]] = affine.apply #[[ROW]]()[%[[K]], %[[I]]]
// CHECK: memref.store %[[V]], %[[DST]][%[[R2]], %{{.+}}, %{{.+}}] : memref<32x30x64xf32>
// CHECK: memref.load %[[OUTSIDE]][%[[I]], %{{.+}}, %{{.+}}]
// CHECK: memref.load %[[FLAT]][%{{.+}}, %{{.+}}] : memref<32x64xf32>
// CHECK: memref.load %{{.+}}[%[[I]], %{{.+}}, %{{.+}}] : memref<16x8x8xf32, strided<[64, 8, 1], offset: ?>>
// CHECK: } {kernel.parallel}
func.func @blocks(%src: memref<32x30x64xf32>, %dst: memref<32x30x64xf32>, %flat: memref<32x64xf32>, %out: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %outside = memref.subview %src[0, 0, 0] [16, 30, 64] [1, 1, 1] : memref<32x30x64xf32> to memref<16x30x64xf32, strided<[1920, 64, 1]>>
  scf.for %k = %c0 to %c32 step %c16 {
    %s = memref.subview %src[%k, 0, 0] [16, 30, 64] [1, 1, 1] : memref<32x30x64xf32> to memref<16x30x64xf32, strided<[1920, 64, 1], offset: ?>>
    %d = memref.subview %dst[%k, 0, 0] [16, 30, 64] [1, 1, 1] : memref<32x30x64xf32> to memref<16x30x64xf32, strided<[1920, 64, 1], offset: ?>>
    %f = memref.subview %flat[%k, 0] [16, 64] [1, 1] : memref<32x64xf32> to memref<16x64xf32, strided<[64, 1], offset: ?>>
    %e = memref.expand_shape %f [[0], [1, 2]] output_shape [16, 8, 8] : memref<16x64xf32, strided<[64, 1], offset: ?>> into memref<16x8x8xf32, strided<[64, 8, 1], offset: ?>>
    scf.for %i = %c0 to %c16 step %c1 {
      %v = memref.load %s[%i, %c3, %c1] : memref<16x30x64xf32, strided<[1920, 64, 1], offset: ?>>
      memref.store %v, %d[%i, %c3, %c1] : memref<16x30x64xf32, strided<[1920, 64, 1], offset: ?>>
      %w = memref.load %outside[%i, %c3, %c1] : memref<16x30x64xf32, strided<[1920, 64, 1]>>
      %x = memref.load %f[%i, %c3] : memref<16x64xf32, strided<[64, 1], offset: ?>>
      %y = memref.load %e[%i, %c1, %c3] : memref<16x8x8xf32, strided<[64, 8, 1], offset: ?>>
      %a = arith.addf %w, %x : f32
      %b = arith.addf %a, %y : f32
      memref.store %b, %out[] : memref<f32>
    }
  } {kernel.parallel}
  return
}

// -----

// Tests that a loop without the mark is left alone.
// CHECK-LABEL: func.func @serial
// CHECK: %[[S:.+]] = memref.subview
// CHECK: memref.load %[[S]]
func.func @serial(%src: memref<32x64xf32>, %out: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  scf.for %k = %c0 to %c32 step %c16 {
    %s = memref.subview %src[%k, 0] [16, 64] [1, 1] : memref<32x64xf32> to memref<16x64xf32, strided<[64, 1], offset: ?>>
    %v = memref.load %s[%c1, %c1] : memref<16x64xf32, strided<[64, 1], offset: ?>>
    memref.store %v, %out[] : memref<f32>
  }
  return
}
