// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-prefetch-epilogue))' | FileCheck %s

// Tests that each register tile of a cache tile prefetches, before its reduction, every line of the epilogue's views (W and a moment: two views, 4 rows, one 64-byte line of 16 floats each) at its own columns, and that the views move above the register tiles. The views take half of each row of W and M (128 columns).
// CHECK-LABEL: func.func @update
// CHECK-SAME: (%{{[^:]+}}: memref<4x64xf32>, %[[W:[^:]+]]: memref<8x128xf32>, %[[M:[^:]+]]: memref<8x128xf32>)
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: %[[WV:.+]] = memref.subview %[[W]][%[[I]], 0] [4, 64] [1, 1]
// CHECK: %[[MV:.+]] = memref.subview %[[M]][%[[I]], 0] [4, 64] [1, 1]
// CHECK: scf.for %[[R:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[C2:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[C3:.+]] = arith.constant 3 : index
// CHECK-NEXT: memref.prefetch %[[WV]][%[[C0]], %[[R]]], read, locality<3>, data
// CHECK-NEXT: memref.prefetch %[[WV]][%[[C1]], %[[R]]], read, locality<3>, data
// CHECK: memref.prefetch %[[WV]][%{{.+}}, %[[R]]], read, locality<3>, data
// CHECK: memref.prefetch %[[WV]][%{{.+}}, %[[R]]], read, locality<3>, data
// CHECK: memref.prefetch %[[MV]][%{{.+}}, %[[R]]], read, locality<3>, data
// CHECK: memref.prefetch %[[MV]][%{{.+}}, %[[R]]], read, locality<3>, data
// CHECK: memref.prefetch %[[MV]][%{{.+}}, %[[R]]], read, locality<3>, data
// CHECK: memref.prefetch %[[MV]][%{{.+}}, %[[R]]], read, locality<3>, data
// CHECK-NOT: memref.prefetch
// CHECK: memref.subview %{{.+}}[0, %[[R]]] [4, 16] [1, 1]
// CHECK: scf.for
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @update(%x: memref<4x64xf32>, %w: memref<8x128xf32>, %m: memref<8x128xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %f0 = arith.constant 0.0 : f32
  %scratch = memref.alloc() {alignment = 64 : i64} : memref<8x64xf32>
  scf.for %i = %c0 to %c8 step %c4 {
    %tile = memref.subview %scratch[%i, 0] [4, 64] [1, 1] : memref<8x64xf32> to memref<4x64xf32, strided<[64, 1], offset: ?>>
    scf.for %r = %c0 to %c64 step %c16 {
      %reg = memref.subview %tile[0, %r] [4, 16] [1, 1] : memref<4x64xf32, strided<[64, 1], offset: ?>> to memref<4x16xf32, strided<[64, 1], offset: ?>>
      %v = vector.transfer_read %x[%c0, %r], %f0 {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x16xf32>
      vector.transfer_write %v, %reg[%c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, memref<4x16xf32, strided<[64, 1], offset: ?>>
    }
    %wv = memref.subview %w[%i, 0] [4, 64] [1, 1] : memref<8x128xf32> to memref<4x64xf32, strided<[128, 1], offset: ?>>
    %mv = memref.subview %m[%i, 0] [4, 64] [1, 1] : memref<8x128xf32> to memref<4x64xf32, strided<[128, 1], offset: ?>>
    scf.for %row = %c0 to %c4 step %c1 {
      scf.for %c = %c0 to %c64 step %c16 {
        %g = vector.transfer_read %tile[%row, %c], %f0 {in_bounds = [true]} : memref<4x64xf32, strided<[64, 1], offset: ?>>, vector<16xf32>
        %ww = vector.transfer_read %wv[%row, %c], %f0 {in_bounds = [true]} : memref<4x64xf32, strided<[128, 1], offset: ?>>, vector<16xf32>
        %mm = vector.transfer_read %mv[%row, %c], %f0 {in_bounds = [true]} : memref<4x64xf32, strided<[128, 1], offset: ?>>, vector<16xf32>
        %n = arith.addf %mm, %g : vector<16xf32>
        %w2 = arith.subf %ww, %n : vector<16xf32>
        vector.transfer_write %w2, %wv[%row, %c] {in_bounds = [true]} : vector<16xf32>, memref<4x64xf32, strided<[128, 1], offset: ?>>
        vector.transfer_write %n, %mv[%row, %c] {in_bounds = [true]} : vector<16xf32>, memref<4x64xf32, strided<[128, 1], offset: ?>>
      }
    }
  }
  return
}

// -----

// Tests that views of whole rows of W and M (64 columns of 64: one block of memory each, read a row at a time, streams the hardware prefetchers follow) get no prefetch.
// CHECK-LABEL: func.func @whole_rows
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @whole_rows(%x: memref<4x64xf32>, %w: memref<8x64xf32>, %m: memref<8x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %f0 = arith.constant 0.0 : f32
  %scratch = memref.alloc() {alignment = 64 : i64} : memref<8x64xf32>
  scf.for %i = %c0 to %c8 step %c4 {
    %tile = memref.subview %scratch[%i, 0] [4, 64] [1, 1] : memref<8x64xf32> to memref<4x64xf32, strided<[64, 1], offset: ?>>
    scf.for %r = %c0 to %c64 step %c16 {
      %reg = memref.subview %tile[0, %r] [4, 16] [1, 1] : memref<4x64xf32, strided<[64, 1], offset: ?>> to memref<4x16xf32, strided<[64, 1], offset: ?>>
      %v = vector.transfer_read %x[%c0, %r], %f0 {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x16xf32>
      vector.transfer_write %v, %reg[%c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, memref<4x16xf32, strided<[64, 1], offset: ?>>
    }
    %wv = memref.subview %w[%i, 0] [4, 64] [1, 1] : memref<8x64xf32> to memref<4x64xf32, strided<[64, 1], offset: ?>>
    %mv = memref.subview %m[%i, 0] [4, 64] [1, 1] : memref<8x64xf32> to memref<4x64xf32, strided<[64, 1], offset: ?>>
    scf.for %row = %c0 to %c4 step %c1 {
      scf.for %c = %c0 to %c64 step %c16 {
        %g = vector.transfer_read %tile[%row, %c], %f0 {in_bounds = [true]} : memref<4x64xf32, strided<[64, 1], offset: ?>>, vector<16xf32>
        %ww = vector.transfer_read %wv[%row, %c], %f0 {in_bounds = [true]} : memref<4x64xf32, strided<[64, 1], offset: ?>>, vector<16xf32>
        %mm = vector.transfer_read %mv[%row, %c], %f0 {in_bounds = [true]} : memref<4x64xf32, strided<[64, 1], offset: ?>>, vector<16xf32>
        %n = arith.addf %mm, %g : vector<16xf32>
        %w2 = arith.subf %ww, %n : vector<16xf32>
        vector.transfer_write %w2, %wv[%row, %c] {in_bounds = [true]} : vector<16xf32>, memref<4x64xf32, strided<[64, 1], offset: ?>>
        vector.transfer_write %n, %mv[%row, %c] {in_bounds = [true]} : vector<16xf32>, memref<4x64xf32, strided<[64, 1], offset: ?>>
      }
    }
  }
  return
}

// -----

// Tests that when one view is of whole rows (W) and another is not (M: 64 columns of 128), both are prefetched.
// CHECK-LABEL: func.func @mixed
// CHECK-COUNT-4: memref.prefetch %{{.+}}[%{{.+}}, %{{.+}}], read, locality<3>, data : memref<4x64xf32, strided<[64, 1], offset: ?>>
// CHECK-COUNT-4: memref.prefetch %{{.+}}[%{{.+}}, %{{.+}}], read, locality<3>, data : memref<4x64xf32, strided<[128, 1], offset: ?>>
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @mixed(%x: memref<4x64xf32>, %w: memref<8x64xf32>, %m: memref<8x128xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %f0 = arith.constant 0.0 : f32
  %scratch = memref.alloc() {alignment = 64 : i64} : memref<8x64xf32>
  scf.for %i = %c0 to %c8 step %c4 {
    %tile = memref.subview %scratch[%i, 0] [4, 64] [1, 1] : memref<8x64xf32> to memref<4x64xf32, strided<[64, 1], offset: ?>>
    scf.for %r = %c0 to %c64 step %c16 {
      %reg = memref.subview %tile[0, %r] [4, 16] [1, 1] : memref<4x64xf32, strided<[64, 1], offset: ?>> to memref<4x16xf32, strided<[64, 1], offset: ?>>
      %v = vector.transfer_read %x[%c0, %r], %f0 {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x16xf32>
      vector.transfer_write %v, %reg[%c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, memref<4x16xf32, strided<[64, 1], offset: ?>>
    }
    %wv = memref.subview %w[%i, 0] [4, 64] [1, 1] : memref<8x64xf32> to memref<4x64xf32, strided<[64, 1], offset: ?>>
    %mv = memref.subview %m[%i, 0] [4, 64] [1, 1] : memref<8x128xf32> to memref<4x64xf32, strided<[128, 1], offset: ?>>
    scf.for %row = %c0 to %c4 step %c1 {
      scf.for %c = %c0 to %c64 step %c16 {
        %g = vector.transfer_read %tile[%row, %c], %f0 {in_bounds = [true]} : memref<4x64xf32, strided<[64, 1], offset: ?>>, vector<16xf32>
        %ww = vector.transfer_read %wv[%row, %c], %f0 {in_bounds = [true]} : memref<4x64xf32, strided<[64, 1], offset: ?>>, vector<16xf32>
        %mm = vector.transfer_read %mv[%row, %c], %f0 {in_bounds = [true]} : memref<4x64xf32, strided<[128, 1], offset: ?>>, vector<16xf32>
        %n = arith.addf %mm, %g : vector<16xf32>
        %w2 = arith.subf %ww, %n : vector<16xf32>
        vector.transfer_write %w2, %wv[%row, %c] {in_bounds = [true]} : vector<16xf32>, memref<4x64xf32, strided<[64, 1], offset: ?>>
        vector.transfer_write %n, %mv[%row, %c] {in_bounds = [true]} : vector<16xf32>, memref<4x64xf32, strided<[128, 1], offset: ?>>
      }
    }
  }
  return
}

// -----

// Tests what gets no prefetch: register tiles that cut the rows (lines run along the columns), and a view some op other than a vector transfer reads (a copy). (Views of half rows: whole rows would get none either way.)
// CHECK-LABEL: func.func @rows
// CHECK-NOT: memref.prefetch
// CHECK-LABEL: func.func @copied
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @rows(%x: memref<4x64xf32>, %w: memref<8x128xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %f0 = arith.constant 0.0 : f32
  %scratch = memref.alloc() {alignment = 64 : i64} : memref<8x64xf32>
  scf.for %i = %c0 to %c8 step %c4 {
    %tile = memref.subview %scratch[%i, 0] [4, 64] [1, 1] : memref<8x64xf32> to memref<4x64xf32, strided<[64, 1], offset: ?>>
    scf.for %r = %c0 to %c4 step %c2 {
      %reg = memref.subview %tile[%r, 0] [2, 64] [1, 1] : memref<4x64xf32, strided<[64, 1], offset: ?>> to memref<2x64xf32, strided<[64, 1], offset: ?>>
      %v = vector.transfer_read %x[%r, %c0], %f0 {in_bounds = [true, true]} : memref<4x64xf32>, vector<2x64xf32>
      vector.transfer_write %v, %reg[%c0, %c0] {in_bounds = [true, true]} : vector<2x64xf32>, memref<2x64xf32, strided<[64, 1], offset: ?>>
    }
    %wv = memref.subview %w[%i, 0] [4, 64] [1, 1] : memref<8x128xf32> to memref<4x64xf32, strided<[128, 1], offset: ?>>
    %g = vector.transfer_read %tile[%c0, %c0], %f0 {in_bounds = [true, true]} : memref<4x64xf32, strided<[64, 1], offset: ?>>, vector<4x64xf32>
    vector.transfer_write %g, %wv[%c0, %c0] {in_bounds = [true, true]} : vector<4x64xf32>, memref<4x64xf32, strided<[128, 1], offset: ?>>
  }
  return
}

func.func @copied(%x: memref<4x64xf32>, %w: memref<8x128xf32>, %out: memref<4x64xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %f0 = arith.constant 0.0 : f32
  %scratch = memref.alloc() {alignment = 64 : i64} : memref<8x64xf32>
  scf.for %i = %c0 to %c8 step %c4 {
    %tile = memref.subview %scratch[%i, 0] [4, 64] [1, 1] : memref<8x64xf32> to memref<4x64xf32, strided<[64, 1], offset: ?>>
    scf.for %r = %c0 to %c64 step %c16 {
      %reg = memref.subview %tile[0, %r] [4, 16] [1, 1] : memref<4x64xf32, strided<[64, 1], offset: ?>> to memref<4x16xf32, strided<[64, 1], offset: ?>>
      %v = vector.transfer_read %x[%c0, %r], %f0 {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x16xf32>
      vector.transfer_write %v, %reg[%c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, memref<4x16xf32, strided<[64, 1], offset: ?>>
    }
    %wv = memref.subview %w[%i, 0] [4, 64] [1, 1] : memref<8x128xf32> to memref<4x64xf32, strided<[128, 1], offset: ?>>
    memref.copy %wv, %out : memref<4x64xf32, strided<[128, 1], offset: ?>> to memref<4x64xf32>
  }
  return
}
