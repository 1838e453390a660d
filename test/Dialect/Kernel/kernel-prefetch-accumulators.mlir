// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-prefetch-accumulators{l2-bytes=1048576}))' | FileCheck %s

// Tests a product's k block over register tiles of 2 rows by one panel of
// 32 (two lines a row), cut from a view of 2048 x 32 panels x 32 (8 MiB,
// past half of L2): before each tile's reduction, the 4 lines of the next
// tile (panel %p + 1 of the same rows), when there is one.
// CHECK-LABEL: func.func @blocked
// CHECK: scf.for %[[P:.+]] = %c0 to %c32 step %c1 {
// CHECK-NEXT: %[[TILE:.+]] = memref.subview %[[VIEW:.+]][%[[M:.+]], %[[P]], 0] [2, 1, 32]
// CHECK-NEXT: %[[NEXT:.+]] = arith.addi %[[P]], %c1
// CHECK-NEXT: %[[IN:.+]] = arith.cmpi slt, %[[NEXT]], %c32
// CHECK-NEXT: scf.if %[[IN]] {
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT: memref.prefetch %[[VIEW]][%[[M]], %[[NEXT]], %[[C0]]], read, locality<3>, data
// CHECK-NEXT: %[[C16:.+]] = arith.constant 16 : index
// CHECK-NEXT: memref.prefetch %[[VIEW]][%[[M]], %[[NEXT]], %[[C16]]], read, locality<3>, data
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[M1:.+]] = arith.addi %[[M]], %[[ONE]] : index
// CHECK-NEXT: %[[C0B:.+]] = arith.constant 0 : index
// CHECK-NEXT: memref.prefetch %[[VIEW]][%[[M1]], %[[NEXT]], %[[C0B]]], read, locality<3>, data
// CHECK-NEXT: %[[ONEB:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[M1B:.+]] = arith.addi %[[M]], %[[ONEB]] : index
// CHECK-NEXT: %[[C16B:.+]] = arith.constant 16 : index
// CHECK-NEXT: memref.prefetch %[[VIEW]][%[[M1B]], %[[NEXT]], %[[C16B]]], read, locality<3>, data
// CHECK-NEXT: }
// CHECK-NEXT: scf.for
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @blocked(%a: memref<2048x256xf32>, %b: memref<32x256x32xf32>, %c: memref<2048x64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f32
  %view = memref.subview %c[0, 0, 0] [2048, 32, 32] [1, 1, 1] : memref<2048x64x32xf32> to memref<2048x32x32xf32, strided<[2048, 32, 1]>>
  scf.for %m = %c0 to %c2048 step %c2 {
    scf.for %p = %c0 to %c32 step %c1 {
      %tile = memref.subview %view[%m, %p, 0] [2, 1, 32] [1, 1, 1] : memref<2048x32x32xf32, strided<[2048, 32, 1]>> to memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      scf.for %k = %c0 to %c256 step %c1 {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<32x256x32xf32>, vector<1x32xf32>
        %acc = vector.transfer_read %tile[%c0, %c0, %c0], %cst {in_bounds = [true, true, true]} : memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>, vector<2x1x32xf32>
        %acc2 = vector.shape_cast %acc : vector<2x1x32xf32> to vector<2x32xf32>
        %r = vector.contract {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %x, %y, %acc2 : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
        %r3 = vector.shape_cast %r : vector<2x32xf32> to vector<2x1x32xf32>
        vector.transfer_write %r3, %tile[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<2x1x32xf32>, memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      }
    }
  }
  return
}


// -----

// Tests the first k block's form: the tile is zeroed before its reduction,
// so nothing in memory to wait for: no prefetch.
// CHECK-LABEL: func.func @zeroed
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @zeroed(%a: memref<2048x256xf32>, %b: memref<32x256x32xf32>, %c: memref<2048x64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f32
  %view = memref.subview %c[0, 0, 0] [2048, 32, 32] [1, 1, 1] : memref<2048x64x32xf32> to memref<2048x32x32xf32, strided<[2048, 32, 1]>>
  scf.for %m = %c0 to %c2048 step %c2 {
    scf.for %p = %c0 to %c32 step %c1 {
      %tile = memref.subview %view[%m, %p, 0] [2, 1, 32] [1, 1, 1] : memref<2048x32x32xf32, strided<[2048, 32, 1]>> to memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      %zero = arith.constant dense<0.0> : vector<2x1x32xf32>
      vector.transfer_write %zero, %tile[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<2x1x32xf32>, memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      scf.for %k = %c0 to %c256 step %c1 {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<32x256x32xf32>, vector<1x32xf32>
        %acc = vector.transfer_read %tile[%c0, %c0, %c0], %cst {in_bounds = [true, true, true]} : memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>, vector<2x1x32xf32>
        %acc2 = vector.shape_cast %acc : vector<2x1x32xf32> to vector<2x32xf32>
        %r = vector.contract {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %x, %y, %acc2 : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
        %r3 = vector.shape_cast %r : vector<2x32xf32> to vector<2x1x32xf32>
        vector.transfer_write %r3, %tile[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<2x1x32xf32>, memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      }
    }
  }
  return
}


// -----

// Tests tiles cut from a view of 8 rows (32 KiB, within half of L2): it
// stays in L2 between visits: no prefetch.
// CHECK-LABEL: func.func @small_view
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @small_view(%a: memref<2048x256xf32>, %b: memref<32x256x32xf32>, %c: memref<2048x64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %c8 = arith.constant 8 : index
  %cst = arith.constant 0.0 : f32
  %view = memref.subview %c[0, 0, 0] [8, 32, 32] [1, 1, 1] : memref<2048x64x32xf32> to memref<8x32x32xf32, strided<[2048, 32, 1]>>
  scf.for %m = %c0 to %c8 step %c2 {
    scf.for %p = %c0 to %c32 step %c1 {
      %tile = memref.subview %view[%m, %p, 0] [2, 1, 32] [1, 1, 1] : memref<8x32x32xf32, strided<[2048, 32, 1]>> to memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      scf.for %k = %c0 to %c256 step %c1 {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<32x256x32xf32>, vector<1x32xf32>
        %acc = vector.transfer_read %tile[%c0, %c0, %c0], %cst {in_bounds = [true, true, true]} : memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>, vector<2x1x32xf32>
        %acc2 = vector.shape_cast %acc : vector<2x1x32xf32> to vector<2x32xf32>
        %r = vector.contract {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %x, %y, %acc2 : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
        %r3 = vector.shape_cast %r : vector<2x32xf32> to vector<2x1x32xf32>
        vector.transfer_write %r3, %tile[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<2x1x32xf32>, memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      }
    }
  }
  return
}


// -----

// Tests a tile that does not move with the loop around its reduction (the
// loop runs over something else): there is no next tile to fetch.
// CHECK-LABEL: func.func @same_tile
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @same_tile(%a: memref<2048x256xf32>, %b: memref<32x256x32xf32>, %c: memref<2048x64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f32
  %view = memref.subview %c[0, 0, 0] [2048, 32, 32] [1, 1, 1] : memref<2048x64x32xf32> to memref<2048x32x32xf32, strided<[2048, 32, 1]>>
  scf.for %m = %c0 to %c2048 step %c2 {
    scf.for %p = %c0 to %c32 step %c1 {
      %tile = memref.subview %view[%m, 0, 0] [2, 1, 32] [1, 1, 1] : memref<2048x32x32xf32, strided<[2048, 32, 1]>> to memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      scf.for %k = %c0 to %c256 step %c1 {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<32x256x32xf32>, vector<1x32xf32>
        %acc = vector.transfer_read %tile[%c0, %c0, %c0], %cst {in_bounds = [true, true, true]} : memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>, vector<2x1x32xf32>
        %acc2 = vector.shape_cast %acc : vector<2x1x32xf32> to vector<2x32xf32>
        %r = vector.contract {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %x, %y, %acc2 : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
        %r3 = vector.shape_cast %r : vector<2x32xf32> to vector<2x1x32xf32>
        vector.transfer_write %r3, %tile[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<2x1x32xf32>, memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      }
    }
  }
  return
}

// -----

// Tests a tile zeroed before its reduction inside an scf.if (at any depth of
// the loop's body): no prefetch.
// CHECK-LABEL: func.func @zeroed_in_if
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @zeroed_in_if(%a: memref<2048x256xf32>, %b: memref<32x256x32xf32>, %c: memref<2048x64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f32
  %view = memref.subview %c[0, 0, 0] [2048, 32, 32] [1, 1, 1] : memref<2048x64x32xf32> to memref<2048x32x32xf32, strided<[2048, 32, 1]>>
  scf.for %m = %c0 to %c2048 step %c2 {
    scf.for %p = %c0 to %c32 step %c1 {
      %tile = memref.subview %view[%m, %p, 0] [2, 1, 32] [1, 1, 1] : memref<2048x32x32xf32, strided<[2048, 32, 1]>> to memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      %first = arith.cmpi eq, %p, %c0 : index
      scf.if %first {
        %zero = arith.constant dense<0.0> : vector<2x1x32xf32>
        vector.transfer_write %zero, %tile[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<2x1x32xf32>, memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      }
      scf.for %k = %c0 to %c256 step %c1 {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<32x256x32xf32>, vector<1x32xf32>
        %acc = vector.transfer_read %tile[%c0, %c0, %c0], %cst {in_bounds = [true, true, true]} : memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>, vector<2x1x32xf32>
        %acc2 = vector.shape_cast %acc : vector<2x1x32xf32> to vector<2x32xf32>
        %r = vector.contract {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %x, %y, %acc2 : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
        %r3 = vector.shape_cast %r : vector<2x32xf32> to vector<2x1x32xf32>
        vector.transfer_write %r3, %tile[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<2x1x32xf32>, memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      }
    }
  }
  return
}



// -----

// Tests a tile of 40 rows by two lines (80 prefetches, past the 64 a tile
// may issue in a burst): no prefetch.
// CHECK-LABEL: func.func @too_many_lines
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @too_many_lines(%a: memref<2048x256xf32>, %b: memref<32x256x32xf32>, %c: memref<2048x64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %c40 = arith.constant 40 : index
  %cst = arith.constant 0.0 : f32
  %view = memref.subview %c[0, 0, 0] [2048, 32, 32] [1, 1, 1] : memref<2048x64x32xf32> to memref<2048x32x32xf32, strided<[2048, 32, 1]>>
  scf.for %m = %c0 to %c2048 step %c40 {
    scf.for %p = %c0 to %c32 step %c1 {
      %tile = memref.subview %view[%m, %p, 0] [40, 1, 32] [1, 1, 1] : memref<2048x32x32xf32, strided<[2048, 32, 1]>> to memref<40x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      scf.for %k = %c0 to %c256 step %c1 {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<40x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<32x256x32xf32>, vector<1x32xf32>
        %acc = vector.transfer_read %tile[%c0, %c0, %c0], %cst {in_bounds = [true, true, true]} : memref<40x1x32xf32, strided<[2048, 32, 1], offset: ?>>, vector<40x1x32xf32>
        %acc2 = vector.shape_cast %acc : vector<40x1x32xf32> to vector<40x32xf32>
        %r = vector.contract {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %x, %y, %acc2 : vector<40x1xf32>, vector<1x32xf32> into vector<40x32xf32>
        %r3 = vector.shape_cast %r : vector<40x32xf32> to vector<40x1x32xf32>
        vector.transfer_write %r3, %tile[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<40x1x32xf32>, memref<40x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      }
    }
  }
  return
}



// -----

// Tests a tile whose offset is twice the loop's index, not the index: the
// next tile is not at the next step: no prefetch.
// CHECK-LABEL: func.func @scaled_iv
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @scaled_iv(%a: memref<2048x256xf32>, %b: memref<32x256x32xf32>, %c: memref<2048x64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %c16 = arith.constant 16 : index
  %cst = arith.constant 0.0 : f32
  %view = memref.subview %c[0, 0, 0] [2048, 32, 32] [1, 1, 1] : memref<2048x64x32xf32> to memref<2048x32x32xf32, strided<[2048, 32, 1]>>
  scf.for %m = %c0 to %c2048 step %c2 {
    scf.for %p = %c0 to %c16 step %c1 {
      %p2 = arith.muli %p, %c2 : index
      %tile = memref.subview %view[%m, %p2, 0] [2, 1, 32] [1, 1, 1] : memref<2048x32x32xf32, strided<[2048, 32, 1]>> to memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      scf.for %k = %c0 to %c256 step %c1 {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<32x256x32xf32>, vector<1x32xf32>
        %acc = vector.transfer_read %tile[%c0, %c0, %c0], %cst {in_bounds = [true, true, true]} : memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>, vector<2x1x32xf32>
        %acc2 = vector.shape_cast %acc : vector<2x1x32xf32> to vector<2x32xf32>
        %r = vector.contract {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %x, %y, %acc2 : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
        %r3 = vector.shape_cast %r : vector<2x32xf32> to vector<2x1x32xf32>
        vector.transfer_write %r3, %tile[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<2x1x32xf32>, memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      }
    }
  }
  return
}



// -----

// Tests a loop that reads and writes the tile without summing products into
// it (an in-place update, not a reduction): no prefetch.
// CHECK-LABEL: func.func @no_product
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @no_product(%a: memref<2048x256xf32>, %b: memref<32x256x32xf32>, %c: memref<2048x64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f32
  %view = memref.subview %c[0, 0, 0] [2048, 32, 32] [1, 1, 1] : memref<2048x64x32xf32> to memref<2048x32x32xf32, strided<[2048, 32, 1]>>
  scf.for %m = %c0 to %c2048 step %c2 {
    scf.for %p = %c0 to %c32 step %c1 {
      %tile = memref.subview %view[%m, %p, 0] [2, 1, 32] [1, 1, 1] : memref<2048x32x32xf32, strided<[2048, 32, 1]>> to memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      scf.for %k = %c0 to %c256 step %c1 {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<32x256x32xf32>, vector<1x32xf32>
        %acc = vector.transfer_read %tile[%c0, %c0, %c0], %cst {in_bounds = [true, true, true]} : memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>, vector<2x1x32xf32>
        %acc2 = vector.shape_cast %acc : vector<2x1x32xf32> to vector<2x32xf32>
        %r = arith.addf %acc2, %acc2 : vector<2x32xf32>
        %r3 = vector.shape_cast %r : vector<2x32xf32> to vector<2x1x32xf32>
        vector.transfer_write %r3, %tile[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<2x1x32xf32>, memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      }
    }
  }
  return
}

// -----

// Tests a loop that reads one view and writes another: no tile it sums
// into: no prefetch.
// CHECK-LABEL: func.func @other_view
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @other_view(%a: memref<2048x256xf32>, %b: memref<32x256x32xf32>, %c: memref<2048x64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f32
  %view = memref.subview %c[0, 0, 0] [2048, 32, 32] [1, 1, 1] : memref<2048x64x32xf32> to memref<2048x32x32xf32, strided<[2048, 32, 1]>>
  scf.for %m = %c0 to %c2048 step %c2 {
    scf.for %p = %c0 to %c32 step %c1 {
      %tile = memref.subview %view[%m, %p, 0] [2, 1, 32] [1, 1, 1] : memref<2048x32x32xf32, strided<[2048, 32, 1]>> to memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      %out = memref.subview %view[%m, %c0, 0] [2, 1, 32] [1, 1, 1] : memref<2048x32x32xf32, strided<[2048, 32, 1]>> to memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      scf.for %k = %c0 to %c256 step %c1 {
        %x = vector.transfer_read %a[%m, %k], %cst {in_bounds = [true, true]} : memref<2048x256xf32>, vector<2x1xf32>
        %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<32x256x32xf32>, vector<1x32xf32>
        %acc = vector.transfer_read %tile[%c0, %c0, %c0], %cst {in_bounds = [true, true, true]} : memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>, vector<2x1x32xf32>
        %acc2 = vector.shape_cast %acc : vector<2x1x32xf32> to vector<2x32xf32>
        %r = vector.contract {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %x, %y, %acc2 : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
        %r3 = vector.shape_cast %r : vector<2x32xf32> to vector<2x1x32xf32>
        vector.transfer_write %r3, %out[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<2x1x32xf32>, memref<2x1x32xf32, strided<[2048, 32, 1], offset: ?>>
      }
    }
  }
  return
}


