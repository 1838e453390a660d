// RUN: kiln-opt %s -split-input-file -kernel-lower-vectors | FileCheck %s

// Tests that a matmul tile's accumulator is hoisted out of the k loop and the contract becomes one vector.fma per row.
// The accumulator is read once before the loop, carried as an iter_arg and
// written once after; each fma is a splat of an lhs element times the rhs row.
#lhs = affine_map<(d0, d1, d2) -> (d0, d2)>
#rhs = affine_map<(d0, d1, d2) -> (d2, d1)>
#acc = affine_map<(d0, d1, d2) -> (d0, d1)>

// CHECK-LABEL: func.func @matmul_tile
// CHECK-SAME: (%[[X:.+]]: memref<64x128xf32>, %[[WT:.+]]: memref<128x256xf32>, %[[B:.+]]: memref<256xf32>, %[[OUT:.+]]: memref<64x256xf32>, %[[I:.+]]: index, %[[J:.+]]: index)
// CHECK: %[[TILE:.+]] = memref.alloc() {{.*}} : memref<8x32xf32>
// CHECK-NEXT: vector.transfer_write %{{.+}}, %[[TILE]]
// CHECK-NEXT: %[[INIT:.+]] = vector.transfer_read %[[TILE]]{{.*}} : memref<8x32xf32>, vector<8x32xf32>
// CHECK-NEXT: %[[SUM:.+]] = scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[INIT]]) -> (vector<8x32xf32>) {
// CHECK-NOT: %[[TILE]]
// CHECK: %[[COL:.+]] = vector.transfer_read %[[X]][%[[I]], %[[K]]]{{.*}} : memref<64x128xf32>, vector<8x1xf32>
// CHECK-NEXT: %[[ROW:.+]] = vector.load %[[WT]][%[[K]], %[[J]]] : memref<128x256xf32>, vector<32xf32>
// CHECK-NEXT: %[[A0:.+]] = vector.extract %[[COL]][0, 0] : f32 from vector<8x1xf32>
// CHECK-NEXT: %[[S0:.+]] = vector.splat %[[A0]] : vector<32xf32>
// CHECK-NEXT: %[[C0:.+]] = vector.extract %[[ACC]][0] : vector<32xf32> from vector<8x32xf32>
// CHECK-NEXT: %[[F0:.+]] = vector.fma %[[S0]], %[[ROW]], %[[C0]] : vector<32xf32>
// CHECK-NEXT: %[[R0:.+]] = vector.insert %[[F0]], %{{.+}} [0] : vector<32xf32> into vector<8x32xf32>
// CHECK-COUNT-7: vector.fma %{{.+}}, %[[ROW]], %{{.+}} : vector<32xf32>
// CHECK-NOT: vector.fma
// CHECK: %[[R7:.+]] = vector.insert %{{.+}} [7] : vector<32xf32> into vector<8x32xf32>
// CHECK-NEXT: scf.yield %[[R7]] : vector<8x32xf32>
// CHECK-NEXT: }
// CHECK-NEXT: vector.transfer_write %[[SUM]], %[[TILE]]
// CHECK-NOT: vector.contract
// CHECK: %[[BIAS:.+]] = vector.load %[[B]][%[[J]]] : memref<256xf32>, vector<32xf32>
// CHECK: return
func.func @matmul_tile(%x: memref<64x128xf32>, %wt: memref<128x256xf32>, %b: memref<256xf32>,
                       %out: memref<64x256xf32>, %i: index, %j: index) {
  %zeros = arith.constant dense<0.0> : vector<8x32xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant 0.0 : f32
  %tile = memref.alloc() {alignment = 64 : i64} : memref<8x32xf32>
  vector.transfer_write %zeros, %tile[%c0, %c0] {in_bounds = [true, true]} : vector<8x32xf32>, memref<8x32xf32>
  scf.for %k = %c0 to %c128 step %c1 {
    %a = vector.transfer_read %x[%i, %k], %zero {in_bounds = [true, true]} : memref<64x128xf32>, vector<8x1xf32>
    %w = vector.transfer_read %wt[%k, %j], %zero {in_bounds = [true, true]} : memref<128x256xf32>, vector<1x32xf32>
    %c = vector.transfer_read %tile[%c0, %c0], %zero {in_bounds = [true, true]} : memref<8x32xf32>, vector<8x32xf32>
    %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc], iterator_types = ["parallel", "parallel", "reduction"],
                          kind = #vector.kind<add>} %a, %w, %c : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
    vector.transfer_write %r, %tile[%c0, %c0] {in_bounds = [true, true]} : vector<8x32xf32>, memref<8x32xf32>
  }
  %mm = vector.transfer_read %tile[%c0, %c0], %zero {in_bounds = [true, true]} : memref<8x32xf32>, vector<8x32xf32>
  %bv = vector.transfer_read %b[%j], %zero {in_bounds = [true]} : memref<256xf32>, vector<32xf32>
  %bb = vector.broadcast %bv : vector<32xf32> to vector<8x32xf32>
  %sum = arith.addf %mm, %bb : vector<8x32xf32>
  %relu = arith.maximumf %sum, %zeros : vector<8x32xf32>
  vector.transfer_write %relu, %out[%i, %j] {in_bounds = [true, true]} : vector<8x32xf32>, memref<64x256xf32>
  memref.dealloc %tile : memref<8x32xf32>
  return
}

// -----

// Tests that transfers through subviews are folded to index the original memref, so hoisting sees plain indices,
// and lose their leading unit dims (plain vector loads and stores).
// CHECK-LABEL: func.func @subview_rows
// CHECK-SAME: (%[[IN:.+]]: memref<4x64xf32>, %[[OUT:.+]]: memref<4x64xf32>)
// CHECK-NOT: memref.subview
// CHECK: scf.for %[[I:.+]] =
// CHECK-NEXT: %[[V:.+]] = vector.load %[[IN]][%[[I]], %{{.+}}] : memref<4x64xf32>, vector<64xf32>
// CHECK-NEXT: %[[N:.+]] = arith.negf %[[V]]
// CHECK-NEXT: vector.store %[[N]], %[[OUT]][%[[I]], %{{.+}}] : memref<4x64xf32>, vector<64xf32>
func.func @subview_rows(%in: memref<4x64xf32>, %out: memref<4x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c4 step %c1 {
    %src = memref.subview %in[%i, 0] [1, 64] [1, 1] : memref<4x64xf32> to memref<1x64xf32, strided<[64, 1], offset: ?>>
    %dst = memref.subview %out[%i, 0] [1, 64] [1, 1] : memref<4x64xf32> to memref<1x64xf32, strided<[64, 1], offset: ?>>
    %v = vector.transfer_read %src[%c0, %c0], %zero {in_bounds = [true, true]}
        : memref<1x64xf32, strided<[64, 1], offset: ?>>, vector<1x64xf32>
    %n = arith.negf %v : vector<1x64xf32>
    vector.transfer_write %n, %dst[%c0, %c0] {in_bounds = [true, true]}
        : vector<1x64xf32>, memref<1x64xf32, strided<[64, 1], offset: ?>>
  }
  return
}

// -----

// Tests that a row reduction is lowered inner-parallel: rows become lanes, the 16 columns are combined by maximumf.
// The 1-D result is stored with vector.store.
// CHECK-LABEL: func.func @row_max
// CHECK-SAME: (%[[IN:.+]]: memref<8x16xf32>, %[[OUT:.+]]: memref<8xf32>)
// CHECK-NOT: vector.multi_reduction
// CHECK-COUNT-15: arith.maximumf %{{.+}}, %{{.+}} : vector<8xf32>
// CHECK-NOT: arith.maximumf
// CHECK: vector.store %{{.+}}, %[[OUT]][%{{.+}}] : memref<8xf32>, vector<8xf32>
func.func @row_max(%in: memref<8x16xf32>, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant dense<0xFF800000> : vector<8xf32>
  %v = vector.transfer_read %in[%c0, %c0], %zero {in_bounds = [true, true]} : memref<8x16xf32>, vector<8x16xf32>
  %m = vector.multi_reduction <maximumf>, %v, %ninf [1] : vector<8x16xf32> to vector<8xf32>
  vector.transfer_write %m, %out[%c0] {in_bounds = [true]} : vector<8xf32>, memref<8xf32>
  return
}

// -----

// Tests that a contraction with a unit reduction whose operands are rows of
// the accumulator (partial sums: acc[n, l] += x[q, l] * w[n, q, l]) becomes a
// broadcast of the shared row and one vector.fma, not a lane-by-lane unroll.
#px = affine_map<(n, q, l) -> (q, l)>
#pw = affine_map<(n, q, l) -> (n, q, l)>
#pacc = affine_map<(n, q, l) -> (n, l)>

// CHECK-LABEL: func.func @partial_sums_fma
// CHECK-SAME: (%[[X:.+]]: vector<1x64xf32>, %[[W:.+]]: vector<4x1x64xf32>, %[[ACC:.+]]: vector<4x64xf32>)
// CHECK-NOT: vector.contract
// The shared row of x is broadcast to the 4 rows.
// CHECK: %[[ROW:.+]] = vector.extract %[[X]][0] : vector<64xf32> from vector<1x64xf32>
// CHECK-COUNT-4: vector.insert %[[ROW]]
// CHECK: %[[F:.+]] = vector.fma %{{.+}}, %{{.+}}, %[[ACC]] : vector<4x64xf32>
// CHECK-NEXT: return %[[F]]
func.func @partial_sums_fma(%x: vector<1x64xf32>, %w: vector<4x1x64xf32>, %acc: vector<4x64xf32>) -> vector<4x64xf32> {
  %r = vector.contract {indexing_maps = [#px, #pw, #pacc], iterator_types = ["parallel", "reduction", "parallel"],
                        kind = #vector.kind<add>} %x, %w, %acc : vector<1x64xf32>, vector<4x1x64xf32> into vector<4x64xf32>
  return %r : vector<4x64xf32>
}

// -----

// Tests that the reduction of a single row (one sample's dot products) is one
// vector.reduction (a shuffle tree in LLVM), not 63 dependent scalar adds.
// CHECK-LABEL: func.func @one_row_sum
// CHECK-SAME: (%[[V:.+]]: vector<1x64xf32>, %[[ACC:.+]]: vector<1xf32>)
// CHECK-NOT: vector.multi_reduction
// CHECK: %[[ROW:.+]] = vector.extract %[[V]][0] : vector<64xf32> from vector<1x64xf32>
// CHECK: %[[A:.+]] = vector.extract %[[ACC]][0] : f32 from vector<1xf32>
// CHECK: %[[R:.+]] = vector.reduction <add>, %[[ROW]], %[[A]] : vector<64xf32> into f32
// CHECK: vector.insert %[[R]]
// CHECK-NOT: arith.addf
func.func @one_row_sum(%v: vector<1x64xf32>, %acc: vector<1xf32>) -> vector<1xf32> {
  %r = vector.multi_reduction <add>, %v, %acc [1] : vector<1x64xf32> to vector<1xf32>
  return %r : vector<1xf32>
}

// -----

// Tests that an 8x8 block of a transpose (a packing's) becomes 24 row
// shuffles: pairs of rows interleaved, then pairs of pairs, then the 128-bit
// halves swapped; rows are extracted and inserted whole.
// CHECK-LABEL: func.func @transpose_8x8
// CHECK-COUNT-8: vector.extract %{{.+}}[{{[0-7]}}] : vector<8xf32> from vector<8x8xf32>
// CHECK-COUNT-4: vector.shuffle {{.+}} [0, 8, 1, 9, 4, 12, 5, 13]
// CHECK-COUNT-4: vector.shuffle {{.+}} [0, 1, 8, 9, 4, 5, 12, 13]
// CHECK: vector.shuffle {{.+}} [0, 1, 2, 3, 8, 9, 10, 11]
// CHECK-NEXT: vector.shuffle {{.+}} [4, 5, 6, 7, 12, 13, 14, 15]
// CHECK-NOT: vector.transpose
// CHECK-COUNT-8: vector.insert %{{.+}}[0, {{[0-7]}}] : vector<8xf32> into vector<1x8x8xf32>
// CHECK-NOT: vector.insert
// CHECK: vector.transfer_write
func.func @transpose_8x8(%a: memref<16x16x512xf32>, %b: memref<16x512x16xf32>, %i: index, %j: index, %k: index) {
  %cst = arith.constant 0.0 : f32
  %0 = vector.transfer_read %a[%i, %k, %j], %cst {in_bounds = [true, true, true]} : memref<16x16x512xf32>, vector<1x8x8xf32>
  %1 = vector.transpose %0, [0, 2, 1] : vector<1x8x8xf32> to vector<1x8x8xf32>
  vector.transfer_write %1, %b[%i, %j, %k] {in_bounds = [true, true, true]} : vector<1x8x8xf32>, memref<16x512x16xf32>
  return
}

// -----

// Tests that a 4x4 block (128-bit vectors) takes 8 shuffles, and that a
// non-square one keeps the general lowering.
// CHECK-LABEL: func.func @transpose_4x4
// CHECK-COUNT-2: vector.shuffle {{.+}} [0, 4, 1, 5]
// CHECK: vector.shuffle {{.+}} [0, 1, 4, 5]
// CHECK-NEXT: vector.shuffle {{.+}} [2, 3, 6, 7]
// CHECK-LABEL: func.func @transpose_2x8
// CHECK-NOT: vector.shuffle {{.+}} : vector<8xf32>, vector<8xf32>
// CHECK: vector.shuffle {{.+}} : vector<16xf32>, vector<16xf32>
// CHECK-NOT: vector.shuffle {{.+}} : vector<8xf32>, vector<8xf32>
func.func @transpose_4x4(%a: vector<4x4xf32>) -> vector<4x4xf32> {
  %0 = vector.transpose %a, [1, 0] : vector<4x4xf32> to vector<4x4xf32>
  return %0 : vector<4x4xf32>
}
func.func @transpose_2x8(%a: vector<2x8xf32>) -> vector<8x2xf32> {
  %0 = vector.transpose %a, [1, 0] : vector<2x8xf32> to vector<8x2xf32>
  return %0 : vector<8x2xf32>
}

// -----

// Tests that within a loop nest an accumulator tile does not go through
// memory: the fill's zeros reach the contraction's loop directly (a write of
// [1, 6, 16] and a read of [6, 16] match once leading unit dims are cast
// away), the loop's result reaches the bias epilogue, and the tile's buffer,
// then only written, is erased.
#clhs = affine_map<(d0, d1, d2) -> (d0, d2)>
#crhs = affine_map<(d0, d1, d2) -> (d2, d1)>
#cacc = affine_map<(d0, d1, d2) -> (d0, d1)>

// CHECK-LABEL: func.func @accumulator_in_registers
// CHECK-SAME: (%[[X:.+]]: memref<4x6x9xf32>, %[[W:.+]]: memref<9x16xf32>, %[[B:.+]]: memref<16xf32>, %[[OUT:.+]]: memref<4x6x16xf32>)
// CHECK-NOT: memref.alloc
// CHECK: %[[BIAS:.+]] = vector.load %[[B]][%{{.+}}] : memref<16xf32>, vector<16xf32>
// CHECK: scf.for %[[N:.+]] =
// CHECK-NEXT: %[[SUM:.+]] = scf.for %{{.+}} iter_args(%{{.+}} = %{{.+}}) -> (vector<6x16xf32>)
// CHECK-NOT: vector.transfer_write
// CHECK-COUNT-6: vector.fma
// CHECK: scf.yield
// CHECK-NEXT: }
// CHECK-NOT: vector.transfer_read
// CHECK-NOT: vector.load
// CHECK: %[[OUTV:.+]] = arith.addf %[[SUM]], %{{.+}} : vector<6x16xf32>
// CHECK-NEXT: vector.transfer_write %[[OUTV]], %[[OUT]][%[[N]], %{{.+}}, %{{.+}}] {{.*}} : vector<6x16xf32>, memref<4x6x16xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @accumulator_in_registers(%x: memref<4x6x9xf32>, %w: memref<9x16xf32>, %b: memref<16xf32>,
                                    %out: memref<4x6x16xf32>) {
  %zeros = arith.constant dense<0.0> : vector<1x6x16xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c9 = arith.constant 9 : index
  %zero = arith.constant 0.0 : f32
  %tile = memref.alloc() {alignment = 64 : i64} : memref<4x6x16xf32>
  scf.for %n = %c0 to %c4 step %c1 {
    %t = memref.subview %tile[%n, 0, 0] [1, 6, 16] [1, 1, 1] : memref<4x6x16xf32> to memref<1x6x16xf32, strided<[96, 16, 1], offset: ?>>
    vector.transfer_write %zeros, %t[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<1x6x16xf32>, memref<1x6x16xf32, strided<[96, 16, 1], offset: ?>>
    scf.for %k = %c0 to %c9 step %c1 {
      %a = vector.transfer_read %x[%n, %c0, %k], %zero {in_bounds = [true, true], permutation_map = affine_map<(d0, d1, d2) -> (d1, d2)>} : memref<4x6x9xf32>, vector<6x1xf32>
      %r = vector.transfer_read %w[%k, %c0], %zero {in_bounds = [true, true]} : memref<9x16xf32>, vector<1x16xf32>
      %c = vector.transfer_read %t[%c0, %c0, %c0], %zero {in_bounds = [true, true]} : memref<1x6x16xf32, strided<[96, 16, 1], offset: ?>>, vector<6x16xf32>
      %p = vector.contract {indexing_maps = [#clhs, #crhs, #cacc], iterator_types = ["parallel", "parallel", "reduction"],
                            kind = #vector.kind<add>} %a, %r, %c : vector<6x1xf32>, vector<1x16xf32> into vector<6x16xf32>
      vector.transfer_write %p, %t[%c0, %c0, %c0] {in_bounds = [true, true]} : vector<6x16xf32>, memref<1x6x16xf32, strided<[96, 16, 1], offset: ?>>
    }
    %mm = vector.transfer_read %t[%c0, %c0, %c0], %zero {in_bounds = [true, true, true]} : memref<1x6x16xf32, strided<[96, 16, 1], offset: ?>>, vector<1x6x16xf32>
    %bv = vector.transfer_read %b[%c0], %zero {in_bounds = [true]} : memref<16xf32>, vector<16xf32>
    %bb = vector.broadcast %bv : vector<16xf32> to vector<1x6x16xf32>
    %sum = arith.addf %mm, %bb : vector<1x6x16xf32>
    vector.transfer_write %sum, %out[%n, %c0, %c0] {in_bounds = [true, true, true]} : vector<1x6x16xf32>, memref<4x6x16xf32>
  }
  return
}

// -----

// Tests that a shape_cast keeping the innermost dim moves whole rows: 4 row
// extracts and 4 row inserts for vector<4x1x16> to vector<4x16> (MLIR's own
// lowering moves its 64 elements one by one), and the reverse.
// CHECK-LABEL: func.func @shape_cast_rows
// CHECK-SAME: (%[[V:.+]]: vector<4x1x16xf32>)
// CHECK-NOT: f32 from
// CHECK: %[[R0:.+]] = vector.extract %[[V]][0, 0] : vector<16xf32> from vector<4x1x16xf32>
// CHECK-NEXT: %[[A0:.+]] = vector.insert %[[R0]], %{{.+}} [0] : vector<16xf32> into vector<4x16xf32>
// CHECK: %[[R3:.+]] = vector.extract %[[V]][3, 0] : vector<16xf32> from vector<4x1x16xf32>
// CHECK-NEXT: %[[A3:.+]] = vector.insert %[[R3]], %{{.+}} [3] : vector<16xf32> into vector<4x16xf32>
// (The second cast's rows fold to the first's source's.)
// CHECK: vector.insert %{{.+}}, %{{.+}} [0, 0, 0] : vector<16xf32> into vector<2x2x1x16xf32>
// CHECK: vector.insert %{{.+}}, %{{.+}} [0, 1, 0] : vector<16xf32> into vector<2x2x1x16xf32>
// CHECK: vector.insert %{{.+}}, %{{.+}} [1, 0, 0] : vector<16xf32> into vector<2x2x1x16xf32>
// CHECK: %[[B3:.+]] = vector.insert %{{.+}}, %{{.+}} [1, 1, 0] : vector<16xf32> into vector<2x2x1x16xf32>
// CHECK-NOT: f32 from
// CHECK: return %[[A3]], %[[B3]]
func.func @shape_cast_rows(%v: vector<4x1x16xf32>) -> (vector<4x16xf32>, vector<2x2x1x16xf32>) {
  %a = vector.shape_cast %v : vector<4x1x16xf32> to vector<4x16xf32>
  %b = vector.shape_cast %a : vector<4x16xf32> to vector<2x2x1x16xf32>
  return %a, %b : vector<4x16xf32>, vector<2x2x1x16xf32>
}

// -----

// Tests that a shape_cast between innermost dims of which one divides the
// other moves runs of the shorter: two [14, 16] tiles flattened (14 rows of 16
// into each row of 224 lanes), and 224 lanes as [16, 1, 14] (16 runs of 14).
// MLIR 19 moves each element of these alone (it moves rows only from 2-D to
// 1-D and back).
// CHECK-LABEL: func.func @shape_cast_runs
// CHECK-SAME: (%[[V:.+]]: vector<2x14x16xf32>, %[[F:.+]]: vector<224xf32>)
// CHECK-NOT: f32 from
// CHECK: %[[R0:.+]] = vector.extract %[[V]][0, 0] : vector<16xf32> from vector<2x14x16xf32>
// CHECK-NEXT: vector.insert_strided_slice %[[R0]], %{{.+}} {offsets = [0], strides = [1]} : vector<16xf32> into vector<224xf32>
// CHECK-COUNT-13: vector.insert_strided_slice
// CHECK: vector.insert %{{.+}}, %{{.+}} [0] : vector<224xf32> into vector<2x224xf32>
// CHECK-COUNT-14: vector.insert_strided_slice
// CHECK: vector.insert %{{.+}}, %{{.+}} [1] : vector<224xf32> into vector<2x224xf32>
// CHECK: %[[S0:.+]] = vector.extract_strided_slice %[[F]] {offsets = [0], sizes = [14], strides = [1]} : vector<224xf32> to vector<14xf32>
// CHECK-NEXT: vector.insert %[[S0]], %{{.+}} [0, 0] : vector<14xf32> into vector<16x1x14xf32>
// CHECK-COUNT-15: vector.extract_strided_slice
// CHECK-NOT: f32 from
// CHECK: return
func.func @shape_cast_runs(%v: vector<2x14x16xf32>, %f: vector<224xf32>) -> (vector<2x224xf32>, vector<16x1x14xf32>) {
  %a = vector.shape_cast %v : vector<2x14x16xf32> to vector<2x224xf32>
  %b = vector.shape_cast %f : vector<224xf32> to vector<16x1x14xf32>
  return %a, %b : vector<2x224xf32>, vector<16x1x14xf32>
}

// -----

// Tests that a shape_cast whose runs would be single elements (an innermost
// dim of 1) is left to MLIR's lowering, element by element.
// CHECK-LABEL: func.func @shape_cast_no_runs
// CHECK: vector.extract %{{.+}}[0, 0, 0] : f32 from vector<2x2x1xf32>
// CHECK-NOT: vector.extract_strided_slice
func.func @shape_cast_no_runs(%v: vector<2x2x1xf32>) -> vector<4x1xf32> {
  %a = vector.shape_cast %v : vector<2x2x1xf32> to vector<4x1xf32>
  return %a : vector<4x1xf32>
}

// -----

// Tests that a shape_cast of a one-element broadcast (a row's maximum, as a
// softmax subtracts it) becomes a broadcast of that element: no scalar inserts.
// CHECK-LABEL: func.func @shape_cast_of_splat
// CHECK-SAME: (%[[M:.+]]: vector<1xf32>)
// CHECK: %[[E:.+]] = vector.extract %[[M]][0] : f32 from vector<1xf32>
// CHECK-NEXT: %[[S:.+]] = vector.splat %[[E]] : vector<1x64xf32>
// CHECK-NOT: vector.insert
// CHECK: return %[[S]]
func.func @shape_cast_of_splat(%m: vector<1xf32>) -> vector<1x64xf32> {
  %b = vector.broadcast %m : vector<1xf32> to vector<64x1xf32>
  %c = vector.shape_cast %b : vector<64x1xf32> to vector<1x64xf32>
  return %c : vector<1x64xf32>
}
