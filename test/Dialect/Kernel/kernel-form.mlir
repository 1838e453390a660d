// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-form{vector-bits=512}))' | FileCheck %s --check-prefixes=CHECK,AVX512
// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-form{vector-bits=256}))' | FileCheck %s --check-prefixes=CHECK,AVX2

// Tests that dense (fill + matmul) + bias add + relu end up in one kernel.group
// when B is not packed (40 columns: not whole panels of two vectors).
// A contraction gets a register block of up to 16 accumulators, leaving 4
// vector registers (8 rows by two vectors of 16 f32 lanes at 512 bits; one
// vector of 8 lanes by 8 rows, 64 dividing by 8, at 256) and reduction tiles of 1.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// CHECK-LABEL: func.func @dense_bias_relu
// CHECK-SAME: (%[[X:.+]]: tensor<64x784xf32>, %[[WT:.+]]: tensor<784x40xf32>, %[[B:.+]]: tensor<40xf32>)
// CHECK-NOT: linalg.
// AVX512: %[[G:.+]] = kernel.group #kernel.schedule<tile = [8, 32], reduce = [1], lanes = 16> vectorize -> tensor<64x40xf32> {
// AVX2: %[[G:.+]] = kernel.group #kernel.schedule<tile = [8, 8], reduce = [1], lanes = 8> vectorize -> tensor<64x40xf32> {
// CHECK-NEXT: %[[FILL:.+]] = linalg.fill
// CHECK-NEXT: %[[MM:.+]] = linalg.matmul ins(%[[X]], %[[WT]] : {{.*}}) outs(%[[FILL]] : {{.*}})
// CHECK-NEXT: %[[BIAS:.+]] = linalg.generic {{.*}} ins(%[[MM]], %[[B]] : {{.*}})
// CHECK: arith.addf
// CHECK: %[[RELU:.+]] = linalg.generic {{.*}} ins(%[[BIAS]] : {{.*}})
// CHECK: arith.maximumf
// CHECK: kernel.yield %[[RELU]] : tensor<64x40xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[G]]
func.func @dense_bias_relu(%x: tensor<64x784xf32>, %wt: tensor<784x40xf32>, %b: tensor<40xf32>) -> tensor<64x40xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x40xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<64x40xf32>) -> tensor<64x40xf32>
  %mm = linalg.matmul ins(%x, %wt : tensor<64x784xf32>, tensor<784x40xf32>)
                      outs(%fill : tensor<64x40xf32>) -> tensor<64x40xf32>
  %biased = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b : tensor<64x40xf32>, tensor<40xf32>) outs(%e : tensor<64x40xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<64x40xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%biased : tensor<64x40xf32>) outs(%e : tensor<64x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<64x40xf32>
  return %relu : tensor<64x40xf32>
}

// -----

// Tests that column tiles are whole vectors even when they do not divide the
// bound (kernel-tile peels the remainder) and row tiles are a divisor when one
// fills at least half the block: 60 rows: 6; 68 columns: 32 or 16. A matmul
// with no epilogue is tiled over its own three loops. (68 columns are not
// packed: padded to 96 or 80 they would waste more than an eighth.)
// CHECK-LABEL: func.func @odd_sizes
// AVX512: kernel.group #kernel.schedule<tile = [6, 32, 0], reduce = [1], lanes = 16> vectorize -> tensor<60x68xf32> {
// AVX2: kernel.group #kernel.schedule<tile = [6, 16, 0], reduce = [1], lanes = 8> vectorize -> tensor<60x68xf32> {
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.matmul
// CHECK-NEXT: kernel.yield
func.func @odd_sizes(%x: tensor<60x32xf32>, %wt: tensor<32x68xf32>) -> tensor<60x68xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<60x68xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<60x68xf32>) -> tensor<60x68xf32>
  %mm = linalg.matmul ins(%x, %wt : tensor<60x32xf32>, tensor<32x68xf32>)
                      outs(%fill : tensor<60x68xf32>) -> tensor<60x68xf32>
  return %mm : tensor<60x68xf32>
}

// -----

// Tests that a standalone elementwise op is its own group, tiled by one row and up to four vectors of columns.
#id = affine_map<(d0, d1) -> (d0, d1)>

// CHECK-LABEL: func.func @elementwise
// CHECK-SAME: (%[[A:.+]]: tensor<64x512xf32>, %[[B:.+]]: tensor<64x512xf32>)
// AVX512: %[[G:.+]] = kernel.group #kernel.schedule<tile = [1, 64], lanes = 16> vectorize -> tensor<64x512xf32> {
// AVX2: %[[G:.+]] = kernel.group #kernel.schedule<tile = [1, 32], lanes = 8> vectorize -> tensor<64x512xf32> {
// CHECK-NEXT: %[[MUL:.+]] = linalg.generic {{.*}} ins(%[[A]], %[[B]] : {{.*}})
// CHECK: kernel.yield %[[MUL]]
// CHECK: return %[[G]]
func.func @elementwise(%a: tensor<64x512xf32>, %b: tensor<64x512xf32>) -> tensor<64x512xf32> {
  %e = tensor.empty() : tensor<64x512xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<64x512xf32>, tensor<64x512xf32>) outs(%e : tensor<64x512xf32>) {
  ^bb0(%x: f32, %y: f32, %out: f32):
    %r = arith.mulf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<64x512xf32>
  return %s : tensor<64x512xf32>
}

// -----

// Tests that a transpose is tiled by one vector in both dimensions.
// CHECK-LABEL: func.func @transpose
// AVX512: kernel.group #kernel.schedule<tile = [16, 16], lanes = 16> vectorize -> tensor<784x512xf32> {
// AVX2: kernel.group #kernel.schedule<tile = [8, 8], lanes = 8> vectorize -> tensor<784x512xf32> {
// CHECK-NEXT: linalg.transpose
func.func @transpose(%w: tensor<512x784xf32>) -> tensor<784x512xf32> {
  %e = tensor.empty() : tensor<784x512xf32>
  %t = linalg.transpose ins(%w : tensor<512x784xf32>) outs(%e : tensor<784x512xf32>) permutation = [1, 0]
  return %t : tensor<784x512xf32>
}

// -----

// Tests that a row reduction absorbs its fill and works one row at a time, reducing chunks of up to four vectors: the whole 10 in one AVX-512 vector; with AVX2, 8 and a peeled 2.
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d0)>

// CHECK-LABEL: func.func @row_sum
// AVX512: kernel.group #kernel.schedule<tile = [1, 0], reduce = [10], lanes = 16> vectorize -> tensor<64xf32> {
// AVX2: kernel.group #kernel.schedule<tile = [1, 0], reduce = [8], lanes = 8> vectorize -> tensor<64xf32> {
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic
func.func @row_sum(%x: tensor<64x10xf32>) -> tensor<64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<64xf32>) -> tensor<64xf32>
  %s = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<64x10xf32>) outs(%fill : tensor<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  return %s : tensor<64xf32>
}

// -----

// Tests that a sum over the batch (as the bias gradient) tiles columns by up to four vectors, one row per step.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// CHECK-LABEL: func.func @column_sum
// AVX512: kernel.group #kernel.schedule<tile = [0, 64], reduce = [1], lanes = 16> vectorize -> tensor<256xf32> {
// AVX2: kernel.group #kernel.schedule<tile = [0, 32], reduce = [1], lanes = 8> vectorize -> tensor<256xf32> {
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic
func.func @column_sum(%dy: tensor<32x256xf32>) -> tensor<256xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<256xf32>) -> tensor<256xf32>
  %s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["reduction", "parallel"]}
      ins(%dy : tensor<32x256xf32>) outs(%fill : tensor<256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<256xf32>
  return %s : tensor<256xf32>
}

// -----

// Tests that a long row reduction is reduced in whole-vector chunks (32 divides 100000), so no vector grows with it.
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d0)>

// CHECK-LABEL: func.func @big_reduction
// CHECK: kernel.group #kernel.schedule<tile = [1, 0], reduce = [32], lanes = {{[0-9]+}}> vectorize -> tensor<4xf32> {
func.func @big_reduction(%x: tensor<4x100000xf32>) -> tensor<4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %s = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x100000xf32>) outs(%fill : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

// Tests that a fill shared by two matmuls (as after CSE) is copied, so each group initializes its own accumulator.
// CHECK-LABEL: func.func @shared_fill
// CHECK-SAME: (%[[A:.+]]: tensor<8x16xf32>, %[[B:.+]]: tensor<16x32xf32>, %[[C:.+]]: tensor<16x32xf32>)
// CHECK-NOT: linalg.fill
// CHECK: %[[G1:.+]] = kernel.group
// CHECK-NEXT: %[[F1:.+]] = linalg.fill
// CHECK-NEXT: linalg.matmul ins(%[[A]], %[[B]] : {{.*}}) outs(%[[F1]] : {{.*}})
// CHECK: %[[G2:.+]] = kernel.group
// CHECK-NEXT: %[[F2:.+]] = linalg.fill
// CHECK-NEXT: linalg.matmul ins(%[[A]], %[[C]] : {{.*}}) outs(%[[F2]] : {{.*}})
// CHECK: return %[[G1]], %[[G2]]
func.func @shared_fill(%a: tensor<8x16xf32>, %b: tensor<16x32xf32>, %c: tensor<16x32xf32>)
    -> (tensor<8x32xf32>, tensor<8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
  %m1 = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x32xf32>)
                      outs(%fill : tensor<8x32xf32>) -> tensor<8x32xf32>
  %m2 = linalg.matmul ins(%a, %c : tensor<8x16xf32>, tensor<16x32xf32>)
                      outs(%fill : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %m1, %m2 : tensor<8x32xf32>, tensor<8x32xf32>
}

// -----

// Tests that a fill outside a loop (as CSE leaves one shared by a peeled step and a recurrence's loop body) is
// copied into the loop's group, so each iteration refills its accumulator in the group's tiles; the outer fill,
// now unused, is erased rather than left to become a kernel of its own.
// CHECK-LABEL: func.func @fill_outside_loop
// CHECK-SAME: (%[[A:.+]]: tensor<8x16xf32>, %[[B:.+]]: tensor<16x32xf32>, %[[ACC:.+]]: tensor<4x8x32xf32>)
// CHECK-NOT: linalg.fill
// CHECK: scf.for %[[I:.+]] = {{.+}} iter_args(%[[S:.+]] = %[[ACC]])
// CHECK-NEXT: %[[G:.+]] = kernel.group
// CHECK-NEXT: %[[F:.+]] = linalg.fill
// CHECK-NEXT: linalg.matmul ins(%[[A]], %[[B]] : {{.*}}) outs(%[[F]] : {{.*}})
// CHECK: tensor.insert_slice %[[G]] into %[[S]][%[[I]], 0, 0]
func.func @fill_outside_loop(%a: tensor<8x16xf32>, %b: tensor<16x32xf32>, %acc: tensor<4x8x32xf32>)
    -> tensor<4x8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %e = tensor.empty() : tensor<8x32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%s = %acc) -> (tensor<4x8x32xf32>) {
    %m = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x32xf32>)
                       outs(%fill : tensor<8x32xf32>) -> tensor<8x32xf32>
    %u = tensor.insert_slice %m into %s[%i, 0, 0] [1, 8, 32] [1, 1, 1]
        : tensor<8x32xf32> into tensor<4x8x32xf32>
    scf.yield %u : tensor<4x8x32xf32>
  }
  return %r : tensor<4x8x32xf32>
}

// -----

// Tests that an elementwise consumer is its own group when the matmul's result is also used elsewhere.
#id = affine_map<(d0, d1) -> (d0, d1)>

// CHECK-LABEL: func.func @reused_result
// CHECK: %[[MM:.+]] = kernel.group #kernel.schedule<tile
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.matmul
// CHECK-NEXT: kernel.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[RELU:.+]] = kernel.group #kernel.schedule<tile = [1, 32], lanes = {{[0-9]+}}> vectorize
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[MM]] : {{.*}})
// CHECK: return %[[MM]], %[[RELU]]
func.func @reused_result(%a: tensor<8x16xf32>, %b: tensor<16x32xf32>)
    -> (tensor<8x32xf32>, tensor<8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
  %mm = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x32xf32>)
                      outs(%fill : tensor<8x32xf32>) -> tensor<8x32xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<8x32xf32>) outs(%e : tensor<8x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<8x32xf32>
  return %mm, %relu : tensor<8x32xf32>, tensor<8x32xf32>
}

// -----

// Tests that a consumer reading the matmul through a broadcast (not an identity map) is not absorbed.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// CHECK-LABEL: func.func @broadcast_consumer
// CHECK: %[[MM:.+]] = kernel.group
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.matmul
// CHECK-NEXT: kernel.yield
// CHECK-NEXT: }
// CHECK: kernel.group
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[MM]] : tensor<1x32xf32>)
func.func @broadcast_consumer(%a: tensor<1x16xf32>, %b: tensor<16x32xf32>) -> tensor<8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<1x32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x32xf32>) -> tensor<1x32xf32>
  %mm = linalg.matmul ins(%a, %b : tensor<1x16xf32>, tensor<16x32xf32>)
                      outs(%fill : tensor<1x32xf32>) -> tensor<1x32xf32>
  %e = tensor.empty() : tensor<8x32xf32>
  %bc = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (0, d1)>, #id], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<1x32xf32>) outs(%e : tensor<8x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<8x32xf32>
  return %bc : tensor<8x32xf32>
}

// -----

// Tests that a fill no root absorbs becomes its own group.
// CHECK-LABEL: func.func @standalone_fill
// AVX512: %[[G:.+]] = kernel.group #kernel.schedule<tile = [1, 64], lanes = 16> vectorize -> tensor<16x64xf32> {
// AVX2: %[[G:.+]] = kernel.group #kernel.schedule<tile = [1, 32], lanes = 8> vectorize -> tensor<16x64xf32> {
// CHECK-NEXT: linalg.fill
// CHECK: return %[[G]]
func.func @standalone_fill() -> tensor<16x64xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<16x64xf32>
  %fill = linalg.fill ins(%one : f32) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %fill : tensor<16x64xf32>
}

// -----

// Tests that rows of partial sums (a reduction between two parallel loops, as
// a single sample's dense layer lowers) take up to 4 rows per tile, as many as
// leave 4 vector registers for the loads: 4 x (64 lanes) independent FMA
// chains at 512 bits, 2 x (32 lanes) with AVX2's 16 registers (4 x 32 spilled),
// one reduction step at a time.
#x = affine_map<(n, q, l) -> (q, l)>
#w = affine_map<(n, q, l) -> (n, q, l)>
#p = affine_map<(n, q, l) -> (n, l)>

// CHECK-LABEL: func.func @partial_sums
// AVX512: kernel.group #kernel.schedule<tile = [4, 0, 64], reduce = [1], lanes = 16> vectorize -> tensor<512x64xf32>
// AVX2: kernel.group #kernel.schedule<tile = [2, 0, 32], reduce = [1], lanes = 8> vectorize -> tensor<512x64xf32>
func.func @partial_sums(%x: tensor<12x64xf32>, %w: tensor<512x12x64xf32>) -> tensor<512x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<512x64xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<512x64xf32>) -> tensor<512x64xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #p], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<12x64xf32>, tensor<512x12x64xf32>) outs(%fill : tensor<512x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %m, %acc : f32
    linalg.yield %s : f32
  } -> tensor<512x64xf32>
  return %r : tensor<512x64xf32>
}

// -----

// Tests that rows of partial sums take their row sums ([1, N], dims (o, n, l))
// and the fill those start from into one group, tiled over the sums' rows: 4
// rows at 512 bits (16 lanes, one vector) and with AVX2 (two vectors), so a
// single sample's dense layer without bias or activation is one group too.
#x = affine_map<(n, q, l) -> (q, l)>
#w = affine_map<(n, q, l) -> (n, q, l)>
#p = affine_map<(n, q, l) -> (n, l)>
#sp = affine_map<(o, n, l) -> (n, l)>
#sy = affine_map<(o, n, l) -> (o, n)>

// CHECK-LABEL: func.func @row_sums
// AVX512: kernel.group #kernel.schedule<tile = [0, 4, 0], reduce = [1], lanes = 16> vectorize -> tensor<1x512xf32>
// AVX2: kernel.group #kernel.schedule<tile = [0, 4, 0], reduce = [1], lanes = 8> vectorize -> tensor<1x512xf32>
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: linalg.fill
// CHECK-NEXT: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: kernel.yield
// CHECK-NOT: kernel.group
func.func @row_sums(%x: tensor<49x16xf32>, %w: tensor<512x49x16xf32>) -> tensor<1x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<512x16xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<512x16xf32>) -> tensor<512x16xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #p], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<49x16xf32>, tensor<512x49x16xf32>) outs(%fill : tensor<512x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %m, %acc : f32
    linalg.yield %s : f32
  } -> tensor<512x16xf32>
  %ey = tensor.empty() : tensor<1x512xf32>
  %fy = linalg.fill ins(%zero : f32) outs(%ey : tensor<1x512xf32>) -> tensor<1x512xf32>
  %y = linalg.generic {indexing_maps = [#sp, #sy], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%r : tensor<512x16xf32>) outs(%fy : tensor<1x512xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<1x512xf32>
  return %y : tensor<1x512xf32>
}

// -----

// Tests that only a dense layer's shape is grouped with its row sums: a max
// over the lanes instead of their sum, or partial maxima of products instead
// of partial sums, leave the two reductions in groups of their own.
#x = affine_map<(n, q, l) -> (q, l)>
#w = affine_map<(n, q, l) -> (n, q, l)>
#p = affine_map<(n, q, l) -> (n, l)>
#sp = affine_map<(o, n, l) -> (n, l)>
#sy = affine_map<(o, n, l) -> (o, n)>

// CHECK-LABEL: func.func @row_max
// CHECK: kernel.group {{.*}} -> tensor<512x16xf32>
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: kernel.yield
// CHECK: kernel.group {{.*}} -> tensor<1x512xf32>
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.maximumf
func.func @row_max(%x: tensor<49x16xf32>, %w: tensor<512x49x16xf32>) -> tensor<1x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<512x16xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<512x16xf32>) -> tensor<512x16xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #p], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<49x16xf32>, tensor<512x49x16xf32>) outs(%fill : tensor<512x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %m, %acc : f32
    linalg.yield %s : f32
  } -> tensor<512x16xf32>
  %ey = tensor.empty() : tensor<1x512xf32>
  %fy = linalg.fill ins(%zero : f32) outs(%ey : tensor<1x512xf32>) -> tensor<1x512xf32>
  %y = linalg.generic {indexing_maps = [#sp, #sy], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%r : tensor<512x16xf32>) outs(%fy : tensor<1x512xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.maximumf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<1x512xf32>
  return %y : tensor<1x512xf32>
}

// CHECK-LABEL: func.func @max_rows
// CHECK: kernel.group {{.*}} -> tensor<512x16xf32>
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: arith.maximumf
// CHECK: kernel.yield
// CHECK: kernel.group {{.*}} -> tensor<1x512xf32>
func.func @max_rows(%x: tensor<49x16xf32>, %w: tensor<512x49x16xf32>) -> tensor<1x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<512x16xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<512x16xf32>) -> tensor<512x16xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #p], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<49x16xf32>, tensor<512x49x16xf32>) outs(%fill : tensor<512x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.maximumf %m, %acc : f32
    linalg.yield %s : f32
  } -> tensor<512x16xf32>
  %ey = tensor.empty() : tensor<1x512xf32>
  %fy = linalg.fill ins(%zero : f32) outs(%ey : tensor<1x512xf32>) -> tensor<1x512xf32>
  %y = linalg.generic {indexing_maps = [#sp, #sy], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%r : tensor<512x16xf32>) outs(%fy : tensor<1x512xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<1x512xf32>
  return %y : tensor<1x512xf32>
}

// -----

// Tests that an elementwise op read broadcast by an elementwise op over more
// loops (relu's backward, [2, 3, 3, 8], read by a 2x2 max pooling's gradient
// over (n, oh, i, ow, j, c)) is fused into that op's body, which runs it 4
// times as often: one kernel, no tensor between them.
#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d5)>
#id6 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @fused_into_broadcast_consumer
// CHECK-SAME: (%[[DY:.+]]: tensor<2x3x3x8xf32>, %[[Y:.+]]: tensor<2x3x3x8xf32>)
// CHECK: %[[G:.+]] = kernel.group
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[DY]], %[[Y]] : tensor<2x3x3x8xf32>, tensor<2x3x3x8xf32>) outs(%{{.+}} : tensor<2x3x2x3x2x8xf32>)
// CHECK: arith.cmpf ogt
// CHECK: arith.select
// CHECK: linalg.index 2
// CHECK-NOT: linalg.generic
// CHECK: kernel.yield
// CHECK-NOT: kernel.group
// CHECK: return %[[G]]
func.func @fused_into_broadcast_consumer(%dy: tensor<2x3x3x8xf32>, %y: tensor<2x3x3x8xf32>) -> tensor<2x3x2x3x2x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e4 = tensor.empty() : tensor<2x3x3x8xf32>
  %g = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%dy, %y : tensor<2x3x3x8xf32>, tensor<2x3x3x8xf32>) outs(%e4 : tensor<2x3x3x8xf32>) {
  ^bb0(%d: f32, %v: f32, %o: f32):
    %pos = arith.cmpf ogt, %v, %zero : f32
    %s = arith.select %pos, %d, %zero : f32
    linalg.yield %s : f32
  } -> tensor<2x3x3x8xf32>
  %e6 = tensor.empty() : tensor<2x3x2x3x2x8xf32>
  %r = linalg.generic {indexing_maps = [#win, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%g : tensor<2x3x3x8xf32>) outs(%e6 : tensor<2x3x2x3x2x8xf32>) {
  ^bb0(%d: f32, %o: f32):
    %i = linalg.index 2 : index
    %c0 = arith.constant 0 : index
    %first = arith.cmpi eq, %i, %c0 : index
    %s = arith.select %first, %d, %zero : f32
    linalg.yield %s : f32
  } -> tensor<2x3x2x3x2x8xf32>
  return %r : tensor<2x3x2x3x2x8xf32>
}

// -----

// Tests that a per-channel op read by one over the batch and the channels
// (8 times as often) stays its own kernel: fused, it would run per element.
#ch = affine_map<(d0, d1) -> (d1)>
#id1 = affine_map<(d0) -> (d0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @not_fused_when_recomputed
// CHECK: kernel.group
// CHECK: math.sqrt
// CHECK: kernel.yield
// CHECK: kernel.group
// CHECK-NOT: math.sqrt
// CHECK: kernel.yield
func.func @not_fused_when_recomputed(%v: tensor<16xf32>, %x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %e1 = tensor.empty() : tensor<16xf32>
  %s = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%v : tensor<16xf32>) outs(%e1 : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.sqrt %a : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %e2 = tensor.empty() : tensor<8x16xf32>
  %y = linalg.generic {indexing_maps = [#ch, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%s, %x : tensor<16xf32>, tensor<8x16xf32>) outs(%e2 : tensor<8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}
