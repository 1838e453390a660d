// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-prefetch-rows{l2-bytes=1048576}))' | FileCheck %s

#contract = {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>}

// Tests blocks of 2 rows of A (2048 x 256, 2 MiB: past half of L2) over 4
// panels, 256 of k: the next block is 2 rows of 16 lines, 32 lines, 8 in
// each panel's iteration, before its reduction: line j = 8 p + q at row
// m + 2 + j / 16, column (j mod 16) * 16, clamped to A.
// CHECK-LABEL: func.func @blocked
// CHECK: scf.for %[[M:.+]] = %c0 to %c2048 step %c2 {
// CHECK-NEXT: scf.for %[[P:.+]] = %c0 to %c4 step %c1 {
// CHECK-NEXT: %[[D:.+]] = arith.subi %[[P]], %c0
// CHECK-NEXT: %[[IT:.+]] = arith.divui %[[D]], %c1
// CHECK-NEXT: %[[C8:.+]] = arith.constant 8 : index
// CHECK-NEXT: %[[FIRST:.+]] = arith.muli %[[IT]], %[[C8]]
// CHECK-NEXT: %[[C2:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[NEXT:.+]] = arith.addi %[[M]], %[[C2]]
// CHECK-NEXT: %[[Q0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[J:.+]] = arith.addi %[[FIRST]], %[[Q0]]
// CHECK-NEXT: %[[C16:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[DR:.+]] = arith.divui %[[J]], %[[C16]]
// CHECK-NEXT: %[[ROW:.+]] = arith.addi %[[NEXT]], %[[DR]]
// CHECK-NEXT: %[[C16B:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[L:.+]] = arith.remui %[[J]], %[[C16B]]
// CHECK-NEXT: %[[C16C:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[LC:.+]] = arith.muli %[[L]], %[[C16C]]
// CHECK-NEXT: %[[COL:.+]] = arith.addi %c0, %[[LC]]
// CHECK-NEXT: %[[LASTR:.+]] = arith.constant 2047 : index
// CHECK-NEXT: %[[ROWC:.+]] = arith.minui %[[ROW]], %[[LASTR]]
// CHECK-NEXT: %[[LASTC:.+]] = arith.constant 255 : index
// CHECK-NEXT: %[[COLC:.+]] = arith.minui %[[COL]], %[[LASTC]]
// CHECK-NEXT: memref.prefetch %arg0[%[[ROWC]], %[[COLC]]], read, locality<3>, data
// CHECK-COUNT-7: memref.prefetch %arg0
// CHECK-NEXT: scf.for
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @blocked(%a: memref<2048x256xf32>, %b: memref<4x256x32xf32>, %c: memref<2048x4x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<2x32xf32>
  scf.for %m = %c0 to %c2048 step %c2 {
    scf.for %p = %c0 to %c4 step %c1 {
      %r = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %zero) -> (vector<2x32xf32>) {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x256x32xf32>, vector<1x32xf32>
        %s = vector.contract #contract %x, %y, %acc : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
        scf.yield %s : vector<2x32xf32>
      }
      %r3 = vector.shape_cast %r : vector<2x32xf32> to vector<2x1x32xf32>
      vector.transfer_write %r3, %c[%m, %p, %c0] {in_bounds = [true, true, true]} : vector<2x1x32xf32>, memref<2048x4x32xf32>
    }
  }
  return
}

// -----

#contract = {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>}

// Tests a k block that starts at %kb (the read's column %kb + %k): the
// block's first column, the same apply at %k = 0, comes before the loop.
// CHECK-LABEL: func.func @k_block
// CHECK: scf.for %[[KB:.+]] = %c0 to %c1024 step %c256 {
// CHECK: scf.for %[[P:.+]] = %c0 to %c4 step %c1 {
// CHECK-NEXT: %[[START:.+]] = affine.apply #{{.+}}()[%[[KB]], %c0]
// CHECK: %[[COL:.+]] = arith.addi %[[START]], %{{.+}} : index
// CHECK: memref.prefetch %arg0
// CHECK-COUNT-7: memref.prefetch %arg0
// CHECK-NEXT: scf.for
func.func @k_block(%a: memref<2048x1024xf32>, %b: memref<4x1024x32xf32>, %c: memref<2048x4x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c256 = arith.constant 256 : index
  %c1024 = arith.constant 1024 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<2x32xf32>
  scf.for %kb = %c0 to %c1024 step %c256 {
    scf.for %m = %c0 to %c2048 step %c2 {
      scf.for %p = %c0 to %c4 step %c1 {
        %r = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %zero) -> (vector<2x32xf32>) {
          %col = affine.apply affine_map<()[s0, s1] -> (s0 + s1)>()[%kb, %k]
          %x = vector.transfer_read %a[%m, %col], %cst {in_bounds = [true, true]} : memref<2048x1024xf32>, vector<2x1xf32>
          %y = vector.transfer_read %b[%p, %col, %c0], %cst {in_bounds = [true, true]} : memref<4x1024x32xf32>, vector<1x32xf32>
          %s = vector.contract #contract %x, %y, %acc : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
          scf.yield %s : vector<2x32xf32>
        }
        %r3 = vector.shape_cast %r : vector<2x32xf32> to vector<2x1x32xf32>
        vector.transfer_write %r3, %c[%m, %p, %c0] {in_bounds = [true, true, true]} : vector<2x1x32xf32>, memref<2048x4x32xf32>
      }
    }
  }
  return
}

// -----

#contract = {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>}

// Tests what gets none: an A within half of L2 (@small: 256 KiB), a column
// that steps by 2 (@stride), a row that is not the row-block loop's
// (@fixed_row), a loop that sums no products (@no_product), a row-block
// loop stepping other than the block's rows (@other_step).
// CHECK-LABEL: func.func @small
// CHECK-NOT: memref.prefetch
// CHECK-LABEL: func.func @stride
// CHECK-NOT: memref.prefetch
// CHECK-LABEL: func.func @fixed_row
// CHECK-NOT: memref.prefetch
// CHECK-LABEL: func.func @no_product
// CHECK-NOT: memref.prefetch
// CHECK-LABEL: func.func @other_step
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @small(%a: memref<256x256xf32>, %b: memref<4x256x32xf32>) -> vector<2x32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c256 = arith.constant 256 : index
  %cst = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<2x32xf32>
  %out = scf.for %m = %c0 to %c256 step %c2 iter_args(%o = %zero) -> (vector<2x32xf32>) {
    %q = scf.for %p = %c0 to %c4 step %c1 iter_args(%o2 = %o) -> (vector<2x32xf32>) {
      %r = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %o2) -> (vector<2x32xf32>) {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<256x256xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x256x32xf32>, vector<1x32xf32>
        %s = vector.contract #contract %x, %y, %acc : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
        scf.yield %s : vector<2x32xf32>
      }
      scf.yield %r : vector<2x32xf32>
    }
    scf.yield %q : vector<2x32xf32>
  }
  return %out : vector<2x32xf32>
}
func.func @stride(%a: memref<2048x512xf32>, %b: memref<4x512x32xf32>) -> vector<2x32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<2x32xf32>
  %out = scf.for %m = %c0 to %c2048 step %c2 iter_args(%o = %zero) -> (vector<2x32xf32>) {
    %q = scf.for %p = %c0 to %c4 step %c1 iter_args(%o2 = %o) -> (vector<2x32xf32>) {
      %r = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %o2) -> (vector<2x32xf32>) {
        %col = affine.apply affine_map<(d0) -> (d0 * 2)>(%k)
        %x = vector.transfer_read %a[%m, %col], %cst {in_bounds = [true, true]} : memref<2048x512xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x512x32xf32>, vector<1x32xf32>
        %s = vector.contract #contract %x, %y, %acc : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
        scf.yield %s : vector<2x32xf32>
      }
      scf.yield %r : vector<2x32xf32>
    }
    scf.yield %q : vector<2x32xf32>
  }
  return %out : vector<2x32xf32>
}
func.func @fixed_row(%a: memref<2048x256xf32>, %b: memref<4x256x32xf32>) -> vector<2x32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<2x32xf32>
  %out = scf.for %m = %c0 to %c2048 step %c2 iter_args(%o = %zero) -> (vector<2x32xf32>) {
    %q = scf.for %p = %c0 to %c4 step %c1 iter_args(%o2 = %o) -> (vector<2x32xf32>) {
      %r = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %o2) -> (vector<2x32xf32>) {
        %x = vector.transfer_read %a[%c0, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x256x32xf32>, vector<1x32xf32>
        %s = vector.contract #contract %x, %y, %acc : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
        scf.yield %s : vector<2x32xf32>
      }
      scf.yield %r : vector<2x32xf32>
    }
    scf.yield %q : vector<2x32xf32>
  }
  return %out : vector<2x32xf32>
}
func.func @no_product(%a: memref<2048x256xf32>) -> vector<2x1xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<2x1xf32>
  %out = scf.for %m = %c0 to %c2048 step %c2 iter_args(%o = %zero) -> (vector<2x1xf32>) {
    %q = scf.for %p = %c0 to %c4 step %c1 iter_args(%o2 = %o) -> (vector<2x1xf32>) {
      %r = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %o2) -> (vector<2x1xf32>) {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<2x1xf32>
        %s = arith.addf %x, %acc : vector<2x1xf32>
        scf.yield %s : vector<2x1xf32>
      }
      scf.yield %r : vector<2x1xf32>
    }
    scf.yield %q : vector<2x1xf32>
  }
  return %out : vector<2x1xf32>
}
func.func @other_step(%a: memref<2048x256xf32>, %b: memref<4x256x32xf32>) -> vector<2x32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c256 = arith.constant 256 : index
  %c2046 = arith.constant 2046 : index
  %cst = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<2x32xf32>
  %out = scf.for %m = %c0 to %c2046 step %c4 iter_args(%o = %zero) -> (vector<2x32xf32>) {
    %q = scf.for %p = %c0 to %c4 step %c1 iter_args(%o2 = %o) -> (vector<2x32xf32>) {
      %r = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %o2) -> (vector<2x32xf32>) {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x256x32xf32>, vector<1x32xf32>
        %s = vector.contract #contract %x, %y, %acc : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
        scf.yield %s : vector<2x32xf32>
      }
      scf.yield %r : vector<2x32xf32>
    }
    scf.yield %q : vector<2x32xf32>
  }
  return %out : vector<2x32xf32>
}

// -----

#contract = {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>}

// Tests a panel loop from 2 by 2 (iteration (%p - 2) / 2) over f64 rows
// (8 to a line): 2 rows of 256 x 8 bytes, 32 lines each, 64 over 4 panels,
// 16 a panel, the last at column 31 x 8 of 256 (clamped to 255).
// CHECK-LABEL: func.func @offset_panels
// CHECK: scf.for %[[P:[^ ]+]] = %c2 to %c10 step %c2 iter_args
// CHECK-NEXT: %[[D:.+]] = arith.subi %[[P]], %c2
// CHECK-NEXT: %[[IT:.+]] = arith.divui %[[D]], %c2
// CHECK-NEXT: %[[C16:.+]] = arith.constant 16 : index
// CHECK-NEXT: arith.muli %[[IT]], %[[C16]]
// CHECK: %[[C32:.+]] = arith.constant 32 : index
// CHECK: arith.remui %{{.+}}, %{{.+}}
// CHECK: %[[C8:.+]] = arith.constant 8 : index
// CHECK: arith.constant 255 : index
// CHECK-COUNT-16: memref.prefetch %arg0
// CHECK-NEXT: scf.for
func.func @offset_panels(%a: memref<2048x256xf64>, %b: memref<4x256x32xf64>) -> vector<2x32xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c10 = arith.constant 10 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f64
  %zero = arith.constant dense<0.0> : vector<2x32xf64>
  %out = scf.for %m = %c0 to %c2048 step %c2 iter_args(%o = %zero) -> (vector<2x32xf64>) {
    %q = scf.for %p = %c2 to %c10 step %c2 iter_args(%o2 = %o) -> (vector<2x32xf64>) {
      %r = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %o2) -> (vector<2x32xf64>) {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf64>, vector<2x1xf64>
        %y = vector.transfer_read %b[%c0, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x256x32xf64>, vector<1x32xf64>
        %s = vector.contract #contract %x, %y, %acc : vector<2x1xf64>, vector<1x32xf64> into vector<2x32xf64>
        scf.yield %s : vector<2x32xf64>
      }
      scf.yield %r : vector<2x32xf64>
    }
    scf.yield %q : vector<2x32xf64>
  }
  return %out : vector<2x32xf64>
}

// -----

#contract = {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>}

// Tests more shapes that get none, and no crash and nothing left behind:
// 40 rows of a k block (a column s0 + k) would take 40 lines a panel
// (@too_many: not even its start column is built), a panel loop of step 0
// (@zero_step), a source made inside the reduction (@inner_source).
// CHECK-LABEL: func.func @too_many
// CHECK-NOT: memref.prefetch
// CHECK-NOT: affine.apply #{{.+}}()[%{{.+}}, %c0]
// CHECK-LABEL: func.func @zero_step
// CHECK-NOT: memref.prefetch
// CHECK-LABEL: func.func @inner_source
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @too_many(%a: memref<2040x1024xf32>, %b: memref<4x1024x32xf32>, %kb: index) -> vector<40x32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c40 = arith.constant 40 : index
  %c256 = arith.constant 256 : index
  %c2040 = arith.constant 2040 : index
  %cst = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<40x32xf32>
  %out = scf.for %m = %c0 to %c2040 step %c40 iter_args(%o = %zero) -> (vector<40x32xf32>) {
    %q = scf.for %p = %c0 to %c4 step %c1 iter_args(%o2 = %o) -> (vector<40x32xf32>) {
      %r = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %o2) -> (vector<40x32xf32>) {
        %col = affine.apply affine_map<()[s0, s1] -> (s0 + s1)>()[%kb, %k]
        %x = vector.transfer_read %a[%m, %col], %cst {in_bounds = [true, true]} : memref<2040x1024xf32>, vector<40x1xf32>
        %y = vector.transfer_read %b[%p, %col, %c0], %cst {in_bounds = [true, true]} : memref<4x1024x32xf32>, vector<1x32xf32>
        %s = vector.contract #contract %x, %y, %acc : vector<40x1xf32>, vector<1x32xf32> into vector<40x32xf32>
        scf.yield %s : vector<40x32xf32>
      }
      scf.yield %r : vector<40x32xf32>
    }
    scf.yield %q : vector<40x32xf32>
  }
  return %out : vector<40x32xf32>
}
func.func @zero_step(%a: memref<2048x256xf32>, %b: memref<4x256x32xf32>) -> vector<2x32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<2x32xf32>
  %out = scf.for %m = %c0 to %c2048 step %c2 iter_args(%o = %zero) -> (vector<2x32xf32>) {
    %q = scf.for %p = %c0 to %c4 step %c0 iter_args(%o2 = %o) -> (vector<2x32xf32>) {
      %r = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %o2) -> (vector<2x32xf32>) {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x256x32xf32>, vector<1x32xf32>
        %s = vector.contract #contract %x, %y, %acc : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
        scf.yield %s : vector<2x32xf32>
      }
      scf.yield %r : vector<2x32xf32>
    }
    scf.yield %q : vector<2x32xf32>
  }
  return %out : vector<2x32xf32>
}
func.func @inner_source(%a: memref<2048x256xf32>, %b: memref<4x256x32xf32>) -> vector<2x32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<2x32xf32>
  %out = scf.for %m = %c0 to %c2048 step %c2 iter_args(%o = %zero) -> (vector<2x32xf32>) {
    %q = scf.for %p = %c0 to %c4 step %c1 iter_args(%o2 = %o) -> (vector<2x32xf32>) {
      %r = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %o2) -> (vector<2x32xf32>) {
        %a2 = memref.cast %a : memref<2048x256xf32> to memref<2048x256xf32>
        %x = vector.transfer_read %a2[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x256x32xf32>, vector<1x32xf32>
        %s = vector.contract #contract %x, %y, %acc : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
        scf.yield %s : vector<2x32xf32>
      }
      scf.yield %r : vector<2x32xf32>
    }
    scf.yield %q : vector<2x32xf32>
  }
  return %out : vector<2x32xf32>
}
