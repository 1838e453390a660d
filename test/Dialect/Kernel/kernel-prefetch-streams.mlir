// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-prefetch-streams{l1-bytes=49152}))' | FileCheck %s
// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-prefetch-streams{l1-bytes=49152 distance-bytes=512}))' | FileCheck %s --check-prefix=NEAR

#contract = {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>}

// Tests a register block's reduction over all 1024 rows of its panel (32
// floats, two lines, 128 bytes): the row 16 ahead (2048 bytes) is
// prefetched, each of its lines, at the end of the body, up to k = 1008;
// the last 16 rows run in a copy of the loop without prefetches, from the
// first loop's partial sums. The panel's index, an affine.apply of the loop
// above computed in the body, is the same on every iteration. With 512
// bytes the row 4 ahead, the split at 1020.
// CHECK-LABEL: func.func @panel
// CHECK: scf.for %[[P:.+]] = %c0 to %c4 step %c1 {
// CHECK: %[[C1008:.+]] = arith.constant 1008 : index
// CHECK-NEXT: %[[HEAD:.+]] = scf.for %[[K:.+]] = %c0 to %[[C1008]] step %c1 iter_args(%{{.+}} = %{{.+}}) -> (vector<12x32xf32>) {
// CHECK: %[[Q:.+]] = affine.apply #{{.+}}(%[[P]])
// CHECK-NEXT: %[[Y:.+]] = vector.transfer_read %arg1[%[[Q]], %[[K]], %c0]
// CHECK: %[[S:.+]] = vector.contract
// CHECK-NEXT: %[[C16:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[AT:.+]] = arith.addi %[[K]], %[[C16]] : index
// CHECK-NEXT: %[[L0:.+]] = arith.constant 0 : index
// CHECK-NEXT: memref.prefetch %arg1[%[[Q]], %[[AT]], %[[L0]]], read, locality<3>, data : memref<4x1024x32xf32>
// CHECK-NEXT: %[[L1:.+]] = arith.constant 16 : index
// CHECK-NEXT: memref.prefetch %arg1[%[[Q]], %[[AT]], %[[L1]]], read, locality<3>, data : memref<4x1024x32xf32>
// CHECK-NEXT: scf.yield %[[S]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[TAIL:.+]] = scf.for %{{.+}} = %[[C1008]] to %c1024 step %c1 iter_args(%{{.+}} = %[[HEAD]]) -> (vector<12x32xf32>) {
// CHECK-NOT: memref.prefetch
// CHECK: vector.shape_cast %[[TAIL]]
// CHECK: return
// NEAR-LABEL: func.func @panel
// NEAR: %[[C1020:.+]] = arith.constant 1020 : index
// NEAR-NEXT: scf.for %{{.+}} = %c0 to %[[C1020]] step %c1
// NEAR: arith.constant 4 : index
// NEAR-COUNT-2: memref.prefetch
// NEAR: scf.for %{{.+}} = %[[C1020]] to %c1024 step %c1
func.func @panel(%a: memref<12x1024xf32>, %b: memref<4x1024x32xf32>, %c: memref<12x4x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c1024 = arith.constant 1024 : index
  %cst = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<12x32xf32>
  scf.for %p = %c0 to %c4 step %c1 {
    %r = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %zero) -> (vector<12x32xf32>) {
      %x = vector.transfer_read %a[%c0, %k], %cst {in_bounds = [true, true]} : memref<12x1024xf32>, vector<12x1xf32>
      %q = affine.apply affine_map<(d0) -> (d0)>(%p)
      %y = vector.transfer_read %b[%q, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x1024x32xf32>, vector<1x32xf32>
      %s = vector.contract #contract %x, %y, %acc : vector<12x1xf32>, vector<1x32xf32> into vector<12x32xf32>
      scf.yield %s : vector<12x32xf32>
    }
    %r3 = vector.shape_cast %r : vector<12x32xf32> to vector<12x1x32xf32>
    vector.transfer_write %r3, %c[%c0, %p, %c0] {in_bounds = [true, true, true]} : vector<12x1x32xf32>, memref<12x4x32xf32>
  }
  return
}

// -----

#contract = {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>}

// Tests a k block (rows 256 to 768 of 1024: 64 KiB of the panel) and a
// loop whose partial sums live in memory (no results): every row 16 ahead
// is within the panel, so the loop is not split.
// CHECK-LABEL: func.func @k_block
// CHECK: scf.for %[[K:.+]] = %c256 to %c768 step %c1 {
// CHECK: vector.transfer_write
// CHECK-NEXT: %[[C16:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[AT:.+]] = arith.addi %[[K]], %[[C16]] : index
// CHECK-COUNT-2: memref.prefetch %arg1[%c1, %[[AT]], %{{.+}}]
// CHECK-NEXT: }
// CHECK-NOT: scf.for
// CHECK: return
func.func @k_block(%a: memref<12x1024xf32>, %b: memref<4x1024x32xf32>, %c: memref<12x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  %c768 = arith.constant 768 : index
  %cst = arith.constant 0.0 : f32
  scf.for %k = %c256 to %c768 step %c1 {
    %x = vector.transfer_read %a[%c0, %k], %cst {in_bounds = [true, true]} : memref<12x1024xf32>, vector<12x1xf32>
    %y = vector.transfer_read %b[%c1, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x1024x32xf32>, vector<1x32xf32>
    %acc = vector.transfer_read %c[%c0, %c0], %cst {in_bounds = [true, true]} : memref<12x32xf32>, vector<12x32xf32>
    %s = vector.contract #contract %x, %y, %acc : vector<12x1xf32>, vector<1x32xf32> into vector<12x32xf32>
    vector.transfer_write %s, %c[%c0, %c0] {in_bounds = [true, true]} : vector<12x32xf32>, memref<12x32xf32>
  }
  return
}

// -----

#contract = {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>}

// Tests reductions that get no prefetches: a panel within L1 (32 KiB); 256
// rows of a larger one (32 KiB read by the loop: it stays in L1); a
// row of 8 lines (128 floats); half a row; a row at a column other than 0
// (16 at column 16 of 32: rows of a panel are read whole or not at all); a
// column read along k (a transposing transfer); a panel index that changes with k; a loop of step 2; a loop without
// products; and a loop whose rows run out 8 iterations after it starts
// (rows 1000 to 1024: no head worth a loop of its own).
// CHECK-LABEL: func.func @none
// CHECK-NOT: memref.prefetch
// CHECK-NOT: arith.constant 1008
// CHECK: return
func.func @none(%a: memref<12x1024xf32>, %small: memref<1x256x32xf32>, %wide: memref<2x1024x128xf32>,
                %b: memref<4x1024x32xf32>, %c: memref<12x32xf32>, %d: memref<12x128xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c256 = arith.constant 256 : index
  %c1000 = arith.constant 1000 : index
  %c1024 = arith.constant 1024 : index
  %cst = arith.constant 0.0 : f32
  %z32 = arith.constant dense<0.0> : vector<12x32xf32>
  %z128 = arith.constant dense<0.0> : vector<12x128xf32>
  %z16 = arith.constant dense<0.0> : vector<12x16xf32>
  %r0 = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %z32) -> (vector<12x32xf32>) {
    %x = vector.transfer_read %a[%c0, %k], %cst {in_bounds = [true, true]} : memref<12x1024xf32>, vector<12x1xf32>
    %y = vector.transfer_read %small[%c0, %k, %c0], %cst {in_bounds = [true, true]} : memref<1x256x32xf32>, vector<1x32xf32>
    %s = vector.contract #contract %x, %y, %acc : vector<12x1xf32>, vector<1x32xf32> into vector<12x32xf32>
    scf.yield %s : vector<12x32xf32>
  }
  %r1 = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %z128) -> (vector<12x128xf32>) {
    %x = vector.transfer_read %a[%c0, %k], %cst {in_bounds = [true, true]} : memref<12x1024xf32>, vector<12x1xf32>
    %y = vector.transfer_read %wide[%c0, %k, %c0], %cst {in_bounds = [true, true]} : memref<2x1024x128xf32>, vector<1x128xf32>
    %s = vector.contract #contract %x, %y, %acc : vector<12x1xf32>, vector<1x128xf32> into vector<12x128xf32>
    scf.yield %s : vector<12x128xf32>
  }
  %r2 = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %z16) -> (vector<12x16xf32>) {
    %x = vector.transfer_read %a[%c0, %k], %cst {in_bounds = [true, true]} : memref<12x1024xf32>, vector<12x1xf32>
    %y = vector.transfer_read %b[%c0, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x1024x32xf32>, vector<1x16xf32>
    %s = vector.contract #contract %x, %y, %acc : vector<12x1xf32>, vector<1x16xf32> into vector<12x16xf32>
    scf.yield %s : vector<12x16xf32>
  }
  %r3 = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %z16) -> (vector<12x16xf32>) {
    %x = vector.transfer_read %a[%c0, %k], %cst {in_bounds = [true, true]} : memref<12x1024xf32>, vector<12x1xf32>
    %y = vector.transfer_read %b[%c0, %k, %c16], %cst {in_bounds = [true, true]} : memref<4x1024x32xf32>, vector<1x16xf32>
    %s = vector.contract #contract %x, %y, %acc : vector<12x1xf32>, vector<1x16xf32> into vector<12x16xf32>
    scf.yield %s : vector<12x16xf32>
  }
  %r4 = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %z32) -> (vector<12x32xf32>) {
    %x = vector.transfer_read %a[%c0, %k], %cst {in_bounds = [true, true]} : memref<12x1024xf32>, vector<12x1xf32>
    %p = arith.remui %k, %c2 : index
    %y = vector.transfer_read %b[%p, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x1024x32xf32>, vector<1x32xf32>
    %s = vector.contract #contract %x, %y, %acc : vector<12x1xf32>, vector<1x32xf32> into vector<12x32xf32>
    scf.yield %s : vector<12x32xf32>
  }
  %r5 = scf.for %k = %c0 to %c1024 step %c2 iter_args(%acc = %z32) -> (vector<12x32xf32>) {
    %x = vector.transfer_read %a[%c0, %k], %cst {in_bounds = [true, true]} : memref<12x1024xf32>, vector<12x1xf32>
    %y = vector.transfer_read %b[%c0, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x1024x32xf32>, vector<1x32xf32>
    %s = vector.contract #contract %x, %y, %acc : vector<12x1xf32>, vector<1x32xf32> into vector<12x32xf32>
    scf.yield %s : vector<12x32xf32>
  }
  %r6 = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %z32) -> (vector<12x32xf32>) {
    %y = vector.transfer_read %b[%c0, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x1024x32xf32>, vector<1x32xf32>
    %y2 = vector.shape_cast %y : vector<1x32xf32> to vector<32xf32>
    %y3 = vector.broadcast %y2 : vector<32xf32> to vector<12x32xf32>
    %s = arith.addf %acc, %y3 : vector<12x32xf32>
    scf.yield %s : vector<12x32xf32>
  }
  %r9 = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %z32) -> (vector<12x32xf32>) {
    %x = vector.transfer_read %a[%c0, %k], %cst {in_bounds = [true, true]} : memref<12x1024xf32>, vector<12x1xf32>
    %col = vector.transfer_read %b[%c0, %k, %c0], %cst {in_bounds = [false], permutation_map = affine_map<(d0, d1, d2) -> (d1)>} : memref<4x1024x32xf32>, vector<32xf32>
    %y = vector.shape_cast %col : vector<32xf32> to vector<1x32xf32>
    %s = vector.contract #contract %x, %y, %acc : vector<12x1xf32>, vector<1x32xf32> into vector<12x32xf32>
    scf.yield %s : vector<12x32xf32>
  }
  %r10 = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %z32) -> (vector<12x32xf32>) {
    %x = vector.transfer_read %a[%c0, %k], %cst {in_bounds = [true, true]} : memref<12x1024xf32>, vector<12x1xf32>
    %y = vector.transfer_read %b[%c0, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x1024x32xf32>, vector<1x32xf32>
    %s = vector.contract #contract %x, %y, %acc : vector<12x1xf32>, vector<1x32xf32> into vector<12x32xf32>
    scf.yield %s : vector<12x32xf32>
  }
  %r7 = scf.for %k = %c1000 to %c1024 step %c1 iter_args(%acc = %z32) -> (vector<12x32xf32>) {
    %x = vector.transfer_read %a[%c0, %k], %cst {in_bounds = [true, true]} : memref<12x1024xf32>, vector<12x1xf32>
    %y = vector.transfer_read %b[%c0, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x1024x32xf32>, vector<1x32xf32>
    %s = vector.contract #contract %x, %y, %acc : vector<12x1xf32>, vector<1x32xf32> into vector<12x32xf32>
    scf.yield %s : vector<12x32xf32>
  }
  vector.transfer_write %r0, %c[%c0, %c0] {in_bounds = [true, true]} : vector<12x32xf32>, memref<12x32xf32>
  vector.transfer_write %r1, %d[%c0, %c0] {in_bounds = [true, true]} : vector<12x128xf32>, memref<12x128xf32>
  vector.transfer_write %r2, %c[%c0, %c0] {in_bounds = [true, true]} : vector<12x16xf32>, memref<12x32xf32>
  vector.transfer_write %r3, %c[%c0, %c16] {in_bounds = [true, true]} : vector<12x16xf32>, memref<12x32xf32>
  vector.transfer_write %r4, %c[%c0, %c0] {in_bounds = [true, true]} : vector<12x32xf32>, memref<12x32xf32>
  vector.transfer_write %r5, %c[%c0, %c0] {in_bounds = [true, true]} : vector<12x32xf32>, memref<12x32xf32>
  vector.transfer_write %r6, %c[%c0, %c0] {in_bounds = [true, true]} : vector<12x32xf32>, memref<12x32xf32>
  vector.transfer_write %r7, %c[%c0, %c0] {in_bounds = [true, true]} : vector<12x32xf32>, memref<12x32xf32>
  vector.transfer_write %r9, %c[%c0, %c0] {in_bounds = [true, true]} : vector<12x32xf32>, memref<12x32xf32>
  vector.transfer_write %r10, %c[%c0, %c0] {in_bounds = [true, true]} : vector<12x32xf32>, memref<12x32xf32>
  return
}

// -----

#contract = {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>}

// Tests a k block from 512 to the panel's end, partial sums in memory (no
// results), with two streams: B's panel by transfer_read (1024 rows, the row
// 16 ahead past it from 1008) and D's by vector.load (1040 rows: from
// 1024). The loop splits at the first, 1008: both prefetched in the head,
// neither in the tail, which has no results either.
// CHECK-LABEL: func.func @two_streams
// CHECK: %[[C1008:.+]] = arith.constant 1008 : index
// CHECK-NEXT: scf.for %[[K:.+]] = %c512 to %[[C1008]] step %c1 {
// CHECK: vector.transfer_write
// CHECK-NEXT: %[[C16:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[AT:.+]] = arith.addi %[[K]], %[[C16]] : index
// CHECK-COUNT-2: memref.prefetch %arg1[%c1, %[[AT]], %{{.+}}]
// CHECK-NEXT: %[[C16B:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[ATB:.+]] = arith.addi %[[K]], %[[C16B]] : index
// CHECK-COUNT-2: memref.prefetch %arg2[%c0, %[[ATB]], %{{.+}}]
// CHECK-NEXT: }
// CHECK-NEXT: scf.for %{{.+}} = %[[C1008]] to %c1024 step %c1 {
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @two_streams(%a: memref<12x1024xf32>, %b: memref<4x1024x32xf32>, %d: memref<2x1040x32xf32>, %c: memref<12x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c512 = arith.constant 512 : index
  %c1024 = arith.constant 1024 : index
  %cst = arith.constant 0.0 : f32
  scf.for %k = %c512 to %c1024 step %c1 {
    %x = vector.transfer_read %a[%c0, %k], %cst {in_bounds = [true, true]} : memref<12x1024xf32>, vector<12x1xf32>
    %y = vector.transfer_read %b[%c1, %k, %c0], %cst {in_bounds = [true, true]} : memref<4x1024x32xf32>, vector<1x32xf32>
    %z = vector.load %d[%c0, %k, %c0] : memref<2x1040x32xf32>, vector<32xf32>
    %z2 = vector.shape_cast %z : vector<32xf32> to vector<1x32xf32>
    %acc = vector.transfer_read %c[%c0, %c0], %cst {in_bounds = [true, true]} : memref<12x32xf32>, vector<12x32xf32>
    %s = vector.contract #contract %x, %y, %acc : vector<12x1xf32>, vector<1x32xf32> into vector<12x32xf32>
    %t = vector.contract #contract %x, %z2, %s : vector<12x1xf32>, vector<1x32xf32> into vector<12x32xf32>
    vector.transfer_write %t, %c[%c0, %c0] {in_bounds = [true, true]} : vector<12x32xf32>, memref<12x32xf32>
  }
  return
}

// -----

#contract = {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>}

// Tests strided streams: a weight gradient's dy, rows of 512 floats (2 KiB),
// read 32 at a time (two lines) at a column the same on every iteration, in
// chunks of 256 rows (the row: the chunk's first + k, 512 KiB walked). The
// rows 16 ahead (2048 bytes of reads) are prefetched, both lines from the
// column; the loop splits 16 iterations before its end (the rows past the
// chunk's are not known to exist). Also a row of 32 at column 16 of 128
// (rows of 8 lines), the row at k. None for: the same read over 16 rows (32
// KiB walked: L1 holds them), a row at 2k (the map scales k), a column that
// changes with k, a row the map takes from a fixed operand alone (k unused),
// and k added twice (k + c + k).
// CHECK-LABEL: func.func @strided
// CHECK: scf.for %[[CH:.+]] = %c0 to %c2048 step %c256 {
// CHECK: %[[C240:.+]] = arith.constant 240 : index
// CHECK-NEXT: %[[HEAD:.+]] = scf.for %[[K:.+]] = %c0 to %[[C240]] step %c1 iter_args(%{{.+}} = %{{.+}}) -> (vector<8x32xf32>) {
// CHECK: %[[ROW:.+]] = affine.apply #{{.+}}()[%[[CH]], %[[K]]]
// CHECK: %[[Y:.+]] = vector.load %arg1[%[[ROW]], %arg3] : memref<2048x512xf32>, vector<32xf32>
// CHECK: %[[C16:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[AT:.+]] = arith.addi %[[ROW]], %[[C16]] : index
// CHECK-NEXT: %[[L0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[COL0:.+]] = arith.addi %arg3, %[[L0]] : index
// CHECK-NEXT: memref.prefetch %arg1[%[[AT]], %[[COL0]]], read, locality<3>, data : memref<2048x512xf32>
// CHECK-NEXT: %[[L1:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[COL1:.+]] = arith.addi %arg3, %[[L1]] : index
// CHECK-NEXT: memref.prefetch %arg1[%[[AT]], %[[COL1]]], read, locality<3>, data : memref<2048x512xf32>
// CHECK-NEXT: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: scf.for %{{.+}} = %[[C240]] to %c256 step %c1 iter_args(%{{.+}} = %[[HEAD]]) -> (vector<8x32xf32>) {
// CHECK-NOT: memref.prefetch
// CHECK: }
// CHECK: %[[C1008:.+]] = arith.constant 1008 : index
// CHECK-NEXT: scf.for %[[K2:.+]] = %c0 to %[[C1008]] step %c1
// CHECK: %[[AT2:.+]] = arith.addi %[[K2]], %{{.+}} : index
// CHECK: memref.prefetch %arg2[%c0, %[[AT2]], %{{.+}}], read, locality<3>, data : memref<2x1024x128xf32>
// CHECK: memref.prefetch %arg2[%c0, %[[AT2]], %{{.+}}], read, locality<3>, data : memref<2x1024x128xf32>
// CHECK-NEXT: scf.yield
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @strided(%x: memref<8x2048xf32>, %dy: memref<2048x512xf32>, %wide: memref<2x1024x128xf32>,
                   %col: index, %c: memref<8x512xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c256 = arith.constant 256 : index
  %c1024 = arith.constant 1024 : index
  %c2048 = arith.constant 2048 : index
  %cst = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<8x32xf32>
  scf.for %ch = %c0 to %c2048 step %c256 {
    %r = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %zero) -> (vector<8x32xf32>) {
      %row = affine.apply affine_map<()[s0, s1] -> (s0 + s1)>()[%ch, %k]
      %a = vector.transfer_read %x[%c0, %row], %cst {in_bounds = [true, true]} : memref<8x2048xf32>, vector<8x1xf32>
      %y = vector.load %dy[%row, %col] : memref<2048x512xf32>, vector<32xf32>
      %y2 = vector.shape_cast %y : vector<32xf32> to vector<1x32xf32>
      %s = vector.contract #contract %a, %y2, %acc : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
      scf.yield %s : vector<8x32xf32>
    }
    vector.transfer_write %r, %c[%c0, %col] {in_bounds = [true, true]} : vector<8x32xf32>, memref<8x512xf32>
  }
  %r1 = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %zero) -> (vector<8x32xf32>) {
    %a = vector.transfer_read %x[%c0, %k], %cst {in_bounds = [true, true]} : memref<8x2048xf32>, vector<8x1xf32>
    %y = vector.transfer_read %wide[%c0, %k, %c16], %cst {in_bounds = [true, false]} : memref<2x1024x128xf32>, vector<1x32xf32>
    %s = vector.contract #contract %a, %y, %acc : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
    scf.yield %s : vector<8x32xf32>
  }
  %r2 = scf.for %k = %c0 to %c16 step %c1 iter_args(%acc = %r1) -> (vector<8x32xf32>) {
    %a = vector.transfer_read %x[%c0, %k], %cst {in_bounds = [true, true]} : memref<8x2048xf32>, vector<8x1xf32>
    %y = vector.load %dy[%k, %col] : memref<2048x512xf32>, vector<32xf32>
    %y2 = vector.shape_cast %y : vector<32xf32> to vector<1x32xf32>
    %s = vector.contract #contract %a, %y2, %acc : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
    scf.yield %s : vector<8x32xf32>
  }
  %r3 = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %r2) -> (vector<8x32xf32>) {
    %row = affine.apply affine_map<(d0) -> (d0 * 2)>(%k)
    %a = vector.transfer_read %x[%c0, %k], %cst {in_bounds = [true, true]} : memref<8x2048xf32>, vector<8x1xf32>
    %y = vector.load %dy[%row, %col] : memref<2048x512xf32>, vector<32xf32>
    %y2 = vector.shape_cast %y : vector<32xf32> to vector<1x32xf32>
    %s = vector.contract #contract %a, %y2, %acc : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
    scf.yield %s : vector<8x32xf32>
  }
  %r4 = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %r3) -> (vector<8x32xf32>) {
    %a = vector.transfer_read %x[%c0, %k], %cst {in_bounds = [true, true]} : memref<8x2048xf32>, vector<8x1xf32>
    %y = vector.load %dy[%k, %k] : memref<2048x512xf32>, vector<32xf32>
    %y2 = vector.shape_cast %y : vector<32xf32> to vector<1x32xf32>
    %s = vector.contract #contract %a, %y2, %acc : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
    scf.yield %s : vector<8x32xf32>
  }
  %r5 = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %r4) -> (vector<8x32xf32>) {
    %row = affine.apply affine_map<()[s0, s1] -> (s0)>()[%c16, %k]
    %a = vector.transfer_read %x[%c0, %k], %cst {in_bounds = [true, true]} : memref<8x2048xf32>, vector<8x1xf32>
    %y = vector.load %dy[%row, %col] : memref<2048x512xf32>, vector<32xf32>
    %y2 = vector.shape_cast %y : vector<32xf32> to vector<1x32xf32>
    %s = vector.contract #contract %a, %y2, %acc : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
    scf.yield %s : vector<8x32xf32>
  }
  %r6 = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %r5) -> (vector<8x32xf32>) {
    %row = affine.apply affine_map<(d0)[s0] -> (d0 + s0 + d0)>(%k)[%c16]
    %a = vector.transfer_read %x[%c0, %k], %cst {in_bounds = [true, true]} : memref<8x2048xf32>, vector<8x1xf32>
    %y = vector.load %dy[%row, %col] : memref<2048x512xf32>, vector<32xf32>
    %y2 = vector.shape_cast %y : vector<32xf32> to vector<1x32xf32>
    %s = vector.contract #contract %a, %y2, %acc : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
    scf.yield %s : vector<8x32xf32>
  }
  vector.transfer_write %r6, %c[%c0, %c0] {in_bounds = [true, true]} : vector<8x32xf32>, memref<8x512xf32>
  return
}
