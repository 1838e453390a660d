// RUN: kiln-opt %s -split-input-file -kernel-tile | FileCheck %s --implicit-check-not=kernel.group --implicit-check-not=kernel.yield
// RUN: kiln-opt %s -split-input-file -kernel-tile | FileCheck %s --check-prefix=NODEAD

// Tests that a dense + bias + relu group becomes one loop nest with the epilogue fused, and is dissolved.
// 8x32 tiles over (i, j); inside, the k loop with a vector.contract on the
// register block; then the bias add and relu, in the same (i, j) loop.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// CHECK-LABEL: func.func @dense_bias_relu
// CHECK-SAME: (%[[X:.+]]: tensor<64x128xf32>, %[[WT:.+]]: tensor<128x256xf32>, %[[B:.+]]: tensor<256xf32>)
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[C8:.+]] = arith.constant 8 : index
// CHECK-DAG: %[[C32:.+]] = arith.constant 32 : index
// CHECK-DAG: %[[C64:.+]] = arith.constant 64 : index
// CHECK-DAG: %[[C128:.+]] = arith.constant 128 : index
// CHECK-DAG: %[[C256:.+]] = arith.constant 256 : index
// CHECK-NOT: linalg.
// CHECK: %[[OUT:.+]] = scf.for %[[I:.+]] = %{{.+}} to %[[C64]] step %[[C8]] iter_args(%{{.+}} = %{{.+}}) -> (tensor<64x256xf32>) {
// CHECK-NEXT: %[[ROW:.+]] = scf.for %[[J:.+]] = %{{.+}} to %[[C256]] step %[[C32]] iter_args(%[[DEST:.+]] = %{{.+}}) -> (tensor<64x256xf32>) {
// CHECK: %[[ZERO:.+]] = vector.transfer_write %{{.+}} : vector<8x32xf32>, tensor<8x32xf32>
// CHECK-NEXT: %[[MM:.+]] = scf.for %[[K:.+]] = %{{.+}} to %[[C128]] step %[[C1]] iter_args(%[[ACC:.+]] = %[[ZERO]]) -> (tensor<8x32xf32>) {
// CHECK-NEXT: %[[LHS:.+]] = vector.transfer_read %[[X]][%[[I]], %[[K]]]{{.*}} : tensor<64x128xf32>, vector<8x1xf32>
// CHECK-NEXT: %[[RHS:.+]] = vector.transfer_read %[[WT]][%[[K]], %[[J]]]{{.*}} : tensor<128x256xf32>, vector<1x32xf32>
// CHECK-NEXT: %[[C:.+]] = vector.transfer_read %[[ACC]]{{.*}} : tensor<8x32xf32>, vector<8x32xf32>
// CHECK-NEXT: %[[SUM:.+]] = vector.contract {{.*}} %[[LHS]], %[[RHS]], %[[C]] : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK-NEXT: %[[NEXT:.+]] = vector.transfer_write %[[SUM]], %[[ACC]]
// CHECK-NEXT: scf.yield %[[NEXT]] : tensor<8x32xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[V:.+]] = vector.transfer_read %[[MM]]
// CHECK-NEXT: %[[BV:.+]] = vector.transfer_read %[[B]][%[[J]]]{{.*}} : tensor<256xf32>, vector<32xf32>
// CHECK-NEXT: %[[BB:.+]] = vector.broadcast %[[BV]] : vector<32xf32> to vector<8x32xf32>
// CHECK-NEXT: %[[BIASED:.+]] = arith.addf %[[V]], %[[BB]] : vector<8x32xf32>
// CHECK-NEXT: %[[RELU:.+]] = arith.maximumf %[[BIASED]], %{{.+}} : vector<8x32xf32>
// CHECK-NEXT: %[[TILE:.+]] = vector.transfer_write %[[RELU]], %[[DEST]][%[[I]], %[[J]]]{{.*}} : vector<8x32xf32>, tensor<64x256xf32>
// CHECK-NEXT: scf.yield %[[TILE]] : tensor<64x256xf32>
// CHECK-NEXT: }
// CHECK-NEXT: scf.yield %[[ROW]] : tensor<64x256xf32>
// CHECK-NEXT: } {kernel.nest = 0 : i64, kernel.parallel}
// CHECK-NEXT: return %[[OUT]]
func.func @dense_bias_relu(%x: tensor<64x128xf32>, %wt: tensor<128x256xf32>, %b: tensor<256xf32>) -> tensor<64x256xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x256xf32>
  %y = kernel.group #kernel.schedule<tile = [8, 32], reduce = [1]> vectorize -> tensor<64x256xf32> {
    %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<64x256xf32>) -> tensor<64x256xf32>
    %mm = linalg.matmul ins(%x, %wt : tensor<64x128xf32>, tensor<128x256xf32>)
                        outs(%fill : tensor<64x256xf32>) -> tensor<64x256xf32>
    %biased = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
        ins(%mm, %b : tensor<64x256xf32>, tensor<256xf32>) outs(%e : tensor<64x256xf32>) {
    ^bb0(%in: f32, %bias: f32, %out: f32):
      %s = arith.addf %in, %bias : f32
      linalg.yield %s : f32
    } -> tensor<64x256xf32>
    %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%biased : tensor<64x256xf32>) outs(%e : tensor<64x256xf32>) {
    ^bb0(%in: f32, %out: f32):
      %r = arith.maximumf %in, %zero : f32
      linalg.yield %r : f32
    } -> tensor<64x256xf32>
    kernel.yield %relu : tensor<64x256xf32>
  }
  return %y : tensor<64x256xf32>
}

// -----

// Tests that without `vectorize` a group is tiled but stays linalg, the fill fused and k tiled by 4 inside.
// CHECK-LABEL: func.func @scalar_matmul
// CHECK-NOT: vector.
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<64x256xf32>
// CHECK: %[[OUT:.+]] = scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %[[EMPTY]]) -> (tensor<64x256xf32>) {
// CHECK: %[[ROW:.+]] = scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[DEST:.+]] = %{{.+}}) -> (tensor<64x256xf32>) {
// CHECK: %[[TILE_OUT:.+]] = tensor.extract_slice %[[DEST]][%[[I]], %[[J]]] [8, 32] [1, 1]
// CHECK-NEXT: %[[FILL:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[TILE_OUT]] : tensor<8x32xf32>)
// CHECK: %[[RED:.+]] = scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %[[FILL]]) -> (tensor<8x32xf32>) {
// CHECK: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<8x4xf32>, tensor<4x32xf32>) outs(%{{.+}} : tensor<8x32xf32>)
// CHECK: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[INS:.+]] = tensor.insert_slice %[[RED]] into %[[DEST]][%[[I]], %[[J]]] [8, 32] [1, 1]
// CHECK-NEXT: scf.yield %[[INS]]
// CHECK-NEXT: }
// CHECK-NEXT: scf.yield %[[ROW]]
// CHECK-NEXT: }
// CHECK-NEXT: return %[[OUT]]
// CHECK-NOT: vector.
func.func @scalar_matmul(%x: tensor<64x128xf32>, %wt: tensor<128x256xf32>) -> tensor<64x256xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x256xf32>
  %y = kernel.group #kernel.schedule<tile = [8, 32, 0], reduce = [4]> -> tensor<64x256xf32> {
    %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<64x256xf32>) -> tensor<64x256xf32>
    %mm = linalg.matmul ins(%x, %wt : tensor<64x128xf32>, tensor<128x256xf32>)
                        outs(%fill : tensor<64x256xf32>) -> tensor<64x256xf32>
    kernel.yield %mm : tensor<64x256xf32>
  }
  return %y : tensor<64x256xf32>
}

// -----

// Tests that a standalone elementwise group becomes a row loop and a column loop over vectors of 64.
#id = affine_map<(d0, d1) -> (d0, d1)>

// CHECK-LABEL: func.func @elementwise
// CHECK-SAME: (%[[A:.+]]: tensor<4x128xf32>)
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK-NEXT: scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[DEST:.+]] = %{{.+}})
// CHECK-NEXT: %[[V:.+]] = vector.transfer_read %[[A]][%[[I]], %[[J]]]{{.*}} : tensor<4x128xf32>, vector<1x64xf32>
// CHECK-NEXT: %[[T:.+]] = math.tanh %[[V]] : vector<1x64xf32>
// CHECK-NEXT: vector.transfer_write %[[T]], %[[DEST]][%[[I]], %[[J]]]
func.func @elementwise(%a: tensor<4x128xf32>) -> tensor<4x128xf32> {
  %e = tensor.empty() : tensor<4x128xf32>
  %y = kernel.group #kernel.schedule<tile = [1, 64]> vectorize -> tensor<4x128xf32> {
    %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%a : tensor<4x128xf32>) outs(%e : tensor<4x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %r = math.tanh %in : f32
      linalg.yield %r : f32
    } -> tensor<4x128xf32>
    kernel.yield %t : tensor<4x128xf32>
  }
  return %y : tensor<4x128xf32>
}

// -----

// Tests that a transpose group moves 16x16 blocks through vector.transpose.
// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[W:.+]]: tensor<64x32xf32>)
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK-NEXT: scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[DEST:.+]] = %{{.+}})
// CHECK-NEXT: %[[V:.+]] = vector.transfer_read %[[W]][%[[J]], %[[I]]]{{.*}} : tensor<64x32xf32>, vector<16x16xf32>
// CHECK-NEXT: %[[T:.+]] = vector.transpose %[[V]], [1, 0] : vector<16x16xf32> to vector<16x16xf32>
// CHECK-NEXT: vector.transfer_write %[[T]], %[[DEST]][%[[I]], %[[J]]]
func.func @transpose(%w: tensor<64x32xf32>) -> tensor<32x64xf32> {
  %e = tensor.empty() : tensor<32x64xf32>
  %y = kernel.group #kernel.schedule<tile = [16, 16]> vectorize -> tensor<32x64xf32> {
    %t = linalg.transpose ins(%w : tensor<64x32xf32>) outs(%e : tensor<32x64xf32>) permutation = [1, 0]
    kernel.yield %t : tensor<32x64xf32>
  }
  return %y : tensor<32x64xf32>
}

// -----

// Tests that a transpose keeping the innermost dim (B packed into panels of
// 32 columns), whose tiles of unit outer dims fold to slice copies, still
// moves each tile as a vector read and write (no slice left to bufferize
// into a memref.copy).
// CHECK-LABEL: func.func @panel_copy
// CHECK-SAME: (%[[W:.+]]: tensor<4x2x32xf32>)
// CHECK: scf.for %[[P:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK-NEXT: scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[DEST:.+]] = %{{.+}})
// CHECK-NEXT: %[[V:.+]] = vector.transfer_read %[[W]][%[[K]], %[[P]], %{{.+}}]{{.*}} : tensor<4x2x32xf32>, vector<1x1x32xf32>
// CHECK-NEXT: vector.transfer_write %[[V]], %[[DEST]][%[[P]], %[[K]], %{{.+}}]{{.*}} : vector<1x1x32xf32>, tensor<2x4x32xf32>
// CHECK-NOT: tensor.insert_slice
// CHECK: return
func.func @panel_copy(%w: tensor<4x2x32xf32>) -> tensor<2x4x32xf32> {
  %e = tensor.empty() : tensor<2x4x32xf32>
  %y = kernel.group #kernel.schedule<tile = [1, 1, 32], lanes = 16> vectorize -> tensor<2x4x32xf32> {
    %t = linalg.transpose ins(%w : tensor<4x2x32xf32>) outs(%e : tensor<2x4x32xf32>) permutation = [1, 0, 2]
    kernel.yield %t : tensor<2x4x32xf32>
  }
  return %y : tensor<2x4x32xf32>
}

// -----

// Tests that a group with all-zero tile sizes and no vectorize is only dissolved.
#id = affine_map<(d0, d1) -> (d0, d1)>

// CHECK-LABEL: func.func @untiled
// CHECK-NOT: scf.for
// CHECK: %[[G:.+]] = linalg.generic
// CHECK: arith.negf
// CHECK: return %[[G]]
func.func @untiled(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %y = kernel.group #kernel.schedule<tile = [0, 0]> -> tensor<4x8xf32> {
    %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %r = arith.negf %in : f32
      linalg.yield %r : f32
    } -> tensor<4x8xf32>
    kernel.yield %t : tensor<4x8xf32>
  }
  return %y : tensor<4x8xf32>
}

// -----

// Tests that a group yielding a value from above is replaced by that value.
// CHECK-LABEL: func.func @passthrough
// CHECK-SAME: (%[[X:.+]]: tensor<16xf32>)
// CHECK-NEXT: return %[[X]]
func.func @passthrough(%x: tensor<16xf32>) -> tensor<16xf32> {
  %y = kernel.group #kernel.schedule<tile = [8]> vectorize -> tensor<16xf32> {
    kernel.yield %x : tensor<16xf32>
  }
  return %y : tensor<16xf32>
}

// -----

// Tests that tiles that do not divide the loops are peeled: full 8x32 tiles
// over 56x96, then the remainders 8x4, 4x32 and 4x4, all static and vectorized.
// CHECK-LABEL: func.func @peeled
// CHECK: scf.for %{{.+}} = %{{.+}} to %[[C56:.+]] step
// CHECK: scf.for %{{.+}} = %{{.+}} to %[[C96:.+]] step
// CHECK: vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK: vector.contract {{.*}} : vector<8x1xf32>, vector<1x4xf32> into vector<8x4xf32>
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x32xf32> into vector<4x32xf32>
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x4xf32> into vector<4x4xf32>
// CHECK-NOT: tensor<?
func.func @peeled(%x: tensor<60x16xf32>, %wt: tensor<16x100xf32>) -> tensor<60x100xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<60x100xf32>
  %r = kernel.group #kernel.schedule<tile = [8, 32, 0], reduce = [1]> vectorize -> tensor<60x100xf32> {
    %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<60x100xf32>) -> tensor<60x100xf32>
    %mm = linalg.matmul ins(%x, %wt : tensor<60x16xf32>, tensor<16x100xf32>) outs(%fill : tensor<60x100xf32>) -> tensor<60x100xf32>
    kernel.yield %mm : tensor<60x100xf32>
  }
  return %r : tensor<60x100xf32>
}

// -----

// Tests that only the fused tile gets its reduction tiled: the untiled
// original is erased first, so no loop over k runs on the whole 64x256 matmul.
// NODEAD-NOT: tensor<64x4xf32>
// CHECK-LABEL: func.func @no_vectorize_reduce
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}) -> (tensor<64x256xf32>)
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}) -> (tensor<64x256xf32>)
// CHECK: linalg.fill {{.*}} -> tensor<8x32xf32>
// CHECK: scf.for {{.*}} -> (tensor<8x32xf32>)
// CHECK: linalg.matmul {{.*}} outs(%{{.+}} : tensor<8x32xf32>)
// CHECK-NOT: scf.for
func.func @no_vectorize_reduce(%x: tensor<64x128xf32>, %w: tensor<128x256xf32>) -> tensor<64x256xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x256xf32>
  %r = kernel.group #kernel.schedule<tile = [8, 32, 0], reduce = [4]> -> tensor<64x256xf32> {
    %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<64x256xf32>) -> tensor<64x256xf32>
    %mm = linalg.matmul ins(%x, %w : tensor<64x128xf32>, tensor<128x256xf32>) outs(%fill : tensor<64x256xf32>) -> tensor<64x256xf32>
    kernel.yield %mm : tensor<64x256xf32>
  }
  return %r : tensor<64x256xf32>
}

// -----

// Tests that a convolution tap (dims (n, oh, ow, f, c)) tiled [1, 1, 8, 32]
// with its reduction by 1 loses its unit loops before vectorizing: inside the
// (n, oh) loops and the c loop, an [8, 1] x [1, 32] vector.contract on the
// register block, as for a matmul, not a 5-D contraction.
#view = affine_map<(n, h, w, f, c) -> (n, h, w, c)>
#tap = affine_map<(n, h, w, f, c) -> (c, f)>
#acc = affine_map<(n, h, w, f, c) -> (n, h, w, f)>

// CHECK-LABEL: func.func @conv_tap
// CHECK-SAME: (%[[V:.+]]: tensor<2x4x8x3xf32>, %[[T:.+]]: tensor<3x32xf32>)
// CHECK-NOT: linalg.
// CHECK: scf.for %[[N:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK-NEXT: scf.for %[[H:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK: %[[ZERO:.+]] = vector.transfer_write %{{.+}} : vector<1x1x8x32xf32>, tensor<1x1x8x32xf32>
// CHECK-NEXT: scf.for %[[C:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[ZERO]]) -> (tensor<1x1x8x32xf32>) {
// CHECK-NEXT: %[[LHS:.+]] = vector.transfer_read %[[V]][%[[N]], %[[H]], %{{.+}}, %[[C]]]{{.*}} : tensor<2x4x8x3xf32>, vector<8x1xf32>
// CHECK-NEXT: %[[RHS:.+]] = vector.transfer_read %[[T]][%[[C]], %{{.+}}]{{.*}} : tensor<3x32xf32>, vector<1x32xf32>
// CHECK-NEXT: %[[OLD:.+]] = vector.transfer_read %[[ACC]]{{.*}} : tensor<1x1x8x32xf32>, vector<8x32xf32>
// CHECK-NEXT: %[[NEW:.+]] = vector.contract {{.*}} %[[LHS]], %[[RHS]], %[[OLD]] : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK-NEXT: vector.transfer_write %[[NEW]], %[[ACC]]
func.func @conv_tap(%v: tensor<2x4x8x3xf32>, %t: tensor<3x32xf32>) -> tensor<2x4x8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x8x32xf32>
  %y = kernel.group #kernel.schedule<tile = [1, 1, 8, 32, 0], reduce = [1]> vectorize -> tensor<2x4x8x32xf32> {
    %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x8x32xf32>) -> tensor<2x4x8x32xf32>
    %a = linalg.generic {indexing_maps = [#view, #tap, #acc], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
        ins(%v, %t : tensor<2x4x8x3xf32>, tensor<3x32xf32>) outs(%fill : tensor<2x4x8x32xf32>) {
    ^bb0(%x: f32, %w: f32, %out: f32):
      %p = arith.mulf %x, %w : f32
      %s = arith.addf %out, %p : f32
      linalg.yield %s : f32
    } -> tensor<2x4x8x32xf32>
    kernel.yield %a : tensor<2x4x8x32xf32>
  }
  return %y : tensor<2x4x8x32xf32>
}

// -----

// Tests that a one-sample convolution tap marks its rows loop for threads: the
// batch loop runs once and is folded away, so the mark goes to the outermost
// loop that runs more than once (a batch-1 forward's conv is split over rows).
#view = affine_map<(n, h, w, f, c) -> (n, h, w, c)>
#tap = affine_map<(n, h, w, f, c) -> (c, f)>
#acc = affine_map<(n, h, w, f, c) -> (n, h, w, f)>

// CHECK-LABEL: func.func @conv_tap_one_sample
// CHECK-NOT: scf.for %{{.+}} = %{{.+}} to %c1{{[_0-9]*}} step
// CHECK: scf.for %{{.+}} = %{{.+}} to %c4{{[_0-9]*}} step %c1{{[_0-9]*}} iter_args
// CHECK: vector.transfer_write {{.*}} : vector<1x1x8x32xf32>, tensor<1x1x8x32xf32>
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %c3{{[_0-9]*}} step %c1{{[_0-9]*}} iter_args
// CHECK: vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK: } {kernel.nest = 0 : i64, kernel.parallel}
func.func @conv_tap_one_sample(%v: tensor<1x4x8x3xf32>, %t: tensor<3x32xf32>) -> tensor<1x4x8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x8x32xf32>
  %y = kernel.group #kernel.schedule<tile = [1, 1, 8, 32, 0], reduce = [1]> vectorize -> tensor<1x4x8x32xf32> {
    %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x8x32xf32>) -> tensor<1x4x8x32xf32>
    %a = linalg.generic {indexing_maps = [#view, #tap, #acc], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
        ins(%v, %t : tensor<1x4x8x3xf32>, tensor<3x32xf32>) outs(%fill : tensor<1x4x8x32xf32>) {
    ^bb0(%x: f32, %w: f32, %out: f32):
      %p = arith.mulf %x, %w : f32
      %s = arith.addf %out, %p : f32
      linalg.yield %s : f32
    } -> tensor<1x4x8x32xf32>
    kernel.yield %a : tensor<1x4x8x32xf32>
  }
  return %y : tensor<1x4x8x32xf32>
}

// -----

// Tests that a weight-gradient tap (dims (c, f, n, oh, ow)) tiled [8, 32] with
// every reduction by 1 keeps only the innermost reduction as the contraction's
// k: three reduction loops around a [1, 8]ᵀ x [1, 32] vector.contract (the
// view's channels, the rows, are contiguous).
#x = affine_map<(c, f, n, h, w) -> (n, h, w, c)>
#dy = affine_map<(c, f, n, h, w) -> (n, h, w, f)>
#out = affine_map<(c, f, n, h, w) -> (c, f)>

// CHECK-LABEL: func.func @weight_grad_tap
// CHECK-NOT: linalg.
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK-NOT: scf.for
// CHECK: vector.transfer_read {{.*}} : tensor<4x3x3x16xf32>, vector<1x8xf32>
// CHECK-NEXT: vector.transfer_read {{.*}} : tensor<4x3x3x64xf32>, vector<1x32xf32>
// CHECK-NEXT: vector.transfer_read
// CHECK-NEXT: vector.contract {{.*}} : vector<1x8xf32>, vector<1x32xf32> into vector<8x32xf32>
func.func @weight_grad_tap(%view: tensor<4x3x3x16xf32>, %dyl: tensor<4x3x3x64xf32>) -> tensor<16x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x64xf32>
  %dw = kernel.group #kernel.schedule<tile = [8, 32, 0, 0, 0], reduce = [1, 1, 1]> vectorize -> tensor<16x64xf32> {
    %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
    %g = linalg.generic {indexing_maps = [#x, #dy, #out], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%view, %dyl : tensor<4x3x3x16xf32>, tensor<4x3x3x64xf32>) outs(%fill : tensor<16x64xf32>) {
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    } -> tensor<16x64xf32>
    kernel.yield %g : tensor<16x64xf32>
  }
  return %dw : tensor<16x64xf32>
}

// -----

// Tests that the outermost tile loop is marked kernel.parallel only when it runs over a parallel dimension of the group's result: here a column sum tiled first over its reduction (rows), whose iterations all add into the same output, gets no mark.
// CHECK-LABEL: func.func @column_sum
// CHECK: scf.for
// CHECK-NOT: kernel.parallel
// CHECK: return
#colsum_in = affine_map<(d0, d1) -> (d0, d1)>
#colsum_out = affine_map<(d0, d1) -> (d1)>
func.func @column_sum(%x: tensor<64x32xf32>) -> tensor<32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<32xf32>) -> tensor<32xf32>
  %y = kernel.group #kernel.schedule<tile = [8, 0]> -> tensor<32xf32> {
    %sum = linalg.generic {indexing_maps = [#colsum_in, #colsum_out], iterator_types = ["reduction", "parallel"]}
        ins(%x : tensor<64x32xf32>) outs(%fill : tensor<32xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    } -> tensor<32xf32>
    kernel.yield %sum : tensor<32xf32>
  }
  return %y : tensor<32xf32>
}

// -----

// Tests a packed product's cache tiles: loops over blocks of 2 panels (marked
// for threads) and k blocks of 32, in the schedule's order, then register
// blocks of 8 rows of one panel with the 4-row remainder peeled, reduced one
// k at a time; the accumulator tile [rows, 1, 32] is read and written whole
// (unit dim as a shape_cast), one pair kernel-lower-vectors can hoist.
#pa = affine_map<(m, p, j, k) -> (m, k)>
#pb = affine_map<(m, p, j, k) -> (p, k, j)>
#pc = affine_map<(m, p, j, k) -> (m, p, j)>
// CHECK-LABEL: func.func @packed_product
// CHECK: scf.for %{{.+}} = %{{.+}} to %c4{{(_[0-9]+)?}} step %c2{{(_[0-9]+)?}}
// CHECK: scf.for %{{.+}} = %{{.+}} to %c64{{(_[0-9]+)?}} step %c32{{(_[0-9]+)?}}
// CHECK: scf.for %{{.+}} = %{{.+}} to %c16{{(_[0-9]+)?}} step %c8{{(_[0-9]+)?}}
// CHECK: scf.for %{{.+}} = %{{.+}} to %c2{{(_[0-9]+)?}} step %c1{{(_[0-9]+)?}}
// CHECK: tensor.extract_slice {{.*}} to tensor<8x1x32xf32>
// CHECK: scf.for %{{.+}} = %{{.+}} to %c32{{(_[0-9]+)?}} step %c1{{(_[0-9]+)?}}
// CHECK: vector.transfer_read {{.*}} : tensor<8x1x32xf32>, vector<8x1x32xf32>
// CHECK-NEXT: vector.shape_cast {{.*}} to vector<8x32xf32>
// CHECK-NEXT: vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK-NEXT: vector.shape_cast {{.*}} to vector<8x1x32xf32>
// CHECK-NEXT: vector.transfer_write {{.*}} : vector<8x1x32xf32>, tensor<8x1x32xf32>
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x32xf32> into vector<4x32xf32>
// CHECK: } {kernel.nest = {{[0-9]+}} : i64, kernel.parallel}
func.func @packed_product(%x: tensor<20x64xf32>, %bp: tensor<4x64x32xf32>, %acc: tensor<20x4x32xf32>) -> tensor<20x4x32xf32> {
  %y = kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], cache = [0, 2, 0, 32], order = [1, 3, 0, 2], lanes = 16, packed = "rhs"> vectorize -> tensor<20x4x32xf32> {
    %p = linalg.generic {indexing_maps = [#pa, #pb, #pc], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
        ins(%x, %bp : tensor<20x64xf32>, tensor<4x64x32xf32>) outs(%acc : tensor<20x4x32xf32>) {
    ^bb0(%u: f32, %v: f32, %o: f32):
      %m = arith.mulf %u, %v : f32
      %s = arith.addf %o, %m : f32
      linalg.yield %s : f32
    } -> tensor<20x4x32xf32>
    kernel.yield %p : tensor<20x4x32xf32>
  }
  return %y : tensor<20x4x32xf32>
}

// -----

// Tests a packed product with its fill (no cache tile over k): the loop over
// blocks of 2 panels (marked for threads) has the fill fused down to the
// register tiles, each of which starts from zeros written in registers (no
// fill of C in memory, no read of it back), then sums all 64 k.
#pa = affine_map<(m, p, j, k) -> (m, k)>
#pb = affine_map<(m, p, j, k) -> (p, k, j)>
#pc = affine_map<(m, p, j, k) -> (m, p, j)>
// CHECK-LABEL: func.func @packed_product_fill
// CHECK-DAG: %[[Z8:.+]] = arith.constant dense<0.000000e+00> : vector<8x1x32xf32>
// CHECK-DAG: %[[Z4:.+]] = arith.constant dense<0.000000e+00> : vector<4x1x32xf32>
// CHECK-NOT: linalg.fill
// CHECK: scf.for %{{.+}} = %{{.+}} to %c4{{(_[0-9]+)?}} step %c2{{(_[0-9]+)?}}
// CHECK: scf.for %{{.+}} = %{{.+}} to %c16{{(_[0-9]+)?}} step %c8{{(_[0-9]+)?}}
// CHECK: scf.for %{{.+}} = %{{.+}} to %c2{{(_[0-9]+)?}} step %c1{{(_[0-9]+)?}}
// CHECK: %[[T:.+]] = tensor.extract_slice {{.*}} to tensor<8x1x32xf32>
// CHECK-NEXT: %[[INIT:.+]] = vector.transfer_write %[[Z8]], %[[T]]
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %c64{{(_[0-9]+)?}} step %c1{{(_[0-9]+)?}} iter_args(%{{.+}} = %[[INIT]])
// CHECK: vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK: vector.transfer_write %[[Z4]]
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x32xf32> into vector<4x32xf32>
// CHECK: } {kernel.nest = {{[0-9]+}} : i64, kernel.parallel}
func.func @packed_product_fill(%x: tensor<20x64xf32>, %bp: tensor<4x64x32xf32>) -> tensor<20x4x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<20x4x32xf32>
  %y = kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], cache = [0, 2, 0, 0], order = [1, 3, 0, 2], lanes = 16, packed = "rhs"> vectorize -> tensor<20x4x32xf32> {
    %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<20x4x32xf32>) -> tensor<20x4x32xf32>
    %p = linalg.generic {indexing_maps = [#pa, #pb, #pc], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
        ins(%x, %bp : tensor<20x64xf32>, tensor<4x64x32xf32>) outs(%acc : tensor<20x4x32xf32>) {
    ^bb0(%u: f32, %v: f32, %o: f32):
      %m = arith.mulf %u, %v : f32
      %s = arith.addf %o, %m : f32
      linalg.yield %s : f32
    } -> tensor<20x4x32xf32>
    kernel.yield %p : tensor<20x4x32xf32>
  }
  return %y : tensor<20x4x32xf32>
}

// -----

// Tests an epilogue schedule (a weight gradient [12, 40] and the SGD update
// of W after it): one loop over cache tiles of 4 rows, marked for threads;
// in each, the product's register tiles of 4x16 (two, then the 8 columns
// left peeled), each over k; then the update a row at a time, [1, 16]
// vectors and the [1, 8] remainder, reading the cache tile's products.
// CHECK-LABEL: func.func @update_after_gradient
// CHECK: scf.for %{{.+}} = %{{.+}} to %c12{{[_0-9]*}} step %c4{{[_0-9]*}}
// CHECK: scf.for %{{.+}} = %{{.+}} to %c32{{[_0-9]*}} step %c16
// CHECK: scf.for
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
// CHECK: scf.for
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x8xf32> into vector<4x8xf32>
// CHECK: %[[P:[a-z_0-9]+]] = tensor.insert_slice {{.*}}[0, 32] [4, 8]
// CHECK: scf.for %[[ROW:[a-z_0-9]+]] = %{{.+}} to %c4{{[_0-9]*}} step %c1
// CHECK: scf.for %[[COL:[a-z_0-9]+]] = %{{.+}} to %c32{{[_0-9]*}} step %c16
// CHECK: vector.transfer_read %[[P]][%[[ROW]], %[[COL]]]{{.*}} : tensor<4x40xf32>, vector<1x16xf32>
// CHECK: arith.mulf {{.*}} : vector<1x16xf32>
// CHECK: arith.subf {{.*}} : vector<1x16xf32>
// CHECK: arith.subf {{.*}} : vector<1x8xf32>
// CHECK: } {kernel.nest = {{[0-9]+}} : i64, kernel.parallel}
func.func @update_after_gradient(%a: tensor<12x8xf32>, %b: tensor<8x40xf32>, %w: tensor<12x40xf32>) -> tensor<12x40xf32> {
  %zero = arith.constant 0.0 : f32
  %lr = arith.constant 0.01 : f32
  %e = tensor.empty() : tensor<12x40xf32>
  %u = kernel.group #kernel.schedule<tile = [4, 16], reduce = [1], cache = [4, 0], lanes = 8, epilogue = [1, 16]> vectorize -> tensor<12x40xf32> {
    %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<12x40xf32>) -> tensor<12x40xf32>
    %dw = linalg.matmul ins(%a, %b : tensor<12x8xf32>, tensor<8x40xf32>) outs(%fill : tensor<12x40xf32>) -> tensor<12x40xf32>
    %n = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%dw : tensor<12x40xf32>) outs(%w : tensor<12x40xf32>) {
    ^bb0(%d: f32, %p: f32):
      %s = arith.mulf %d, %lr : f32
      %q = arith.subf %p, %s : f32
      linalg.yield %q : f32
    } -> tensor<12x40xf32>
    kernel.yield %n : tensor<12x40xf32>
  }
  return %u : tensor<12x40xf32>
}

// -----

// Tests an epilogue schedule with chunks of the reduction (`cache` past the
// tiled loops: B does not stay in L2): cache tiles of 8 rows, marked for
// threads, whose sums are zeroed once, in the 4x16 register tiles (and a
// 4x8 one for the 8 columns left), not as one vector of the whole tile (a
// 256 x 128 tile made a block of 2048 stores that LLVM's schedulers took
// seconds over); inside, k in chunks of 3, each adding into the cache tile's
// sums with the register tiles (the 8 columns peeled); after the chunks, the
// update a row at a time.
// CHECK-LABEL: func.func @update_after_chunks
// CHECK: scf.for %{{.+}} = %{{.+}} to %c16{{[_0-9]*}} step %c8{{[_0-9]*}} iter_args
// CHECK: %[[ZERO:.+]] = scf.for %{{.+}} = %{{.+}} to %c8{{[_0-9]*}} step %c4{{[_0-9]*}} iter_args
// CHECK: scf.for %{{.+}} = %{{.+}} to %c32{{[_0-9]*}} step %c16{{[_0-9]*}} iter_args
// CHECK-NEXT: vector.transfer_write %{{.+}}, %{{.+}} : vector<4x16xf32>, tensor<8x40xf32>
// CHECK: vector.transfer_write %{{.+}}, %{{.+}} : vector<4x8xf32>, tensor<8x40xf32>
// CHECK: %[[SUMS:.+]] = scf.for %{{.+}} = %{{.+}} to %c12{{[_0-9]*}} step %c3{{[_0-9]*}} iter_args(%{{.+}} = %[[ZERO]])
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %c8{{[_0-9]*}} step %c4
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %c32{{[_0-9]*}} step %c16
// CHECK: scf.for %{{.+}} = %{{.+}} to %c3{{[_0-9]*}} step %c1
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x8xf32> into vector<4x8xf32>
// CHECK: scf.for %{{.+}} = %{{.+}} to %c8{{[_0-9]*}} step %c1
// CHECK: vector.transfer_read %[[SUMS]]
// CHECK: arith.subf {{.*}} : vector<1x16xf32>
// CHECK: } {kernel.nest = {{[0-9]+}} : i64, kernel.parallel}
func.func @update_after_chunks(%a: tensor<16x12xf32>, %b: tensor<12x40xf32>, %w: tensor<16x40xf32>) -> tensor<16x40xf32> {
  %zero = arith.constant 0.0 : f32
  %lr = arith.constant 0.01 : f32
  %e = tensor.empty() : tensor<16x40xf32>
  %u = kernel.group #kernel.schedule<tile = [4, 16], reduce = [1], cache = [8, 0, 3], lanes = 8, epilogue = [1, 16]> vectorize -> tensor<16x40xf32> {
    %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<16x40xf32>) -> tensor<16x40xf32>
    %dw = linalg.matmul ins(%a, %b : tensor<16x12xf32>, tensor<12x40xf32>) outs(%fill : tensor<16x40xf32>) -> tensor<16x40xf32>
    %n = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%dw : tensor<16x40xf32>) outs(%w : tensor<16x40xf32>) {
    ^bb0(%d: f32, %p: f32):
      %s = arith.mulf %d, %lr : f32
      %q = arith.subf %p, %s : f32
      linalg.yield %q : f32
    } -> tensor<16x40xf32>
    kernel.yield %n : tensor<16x40xf32>
  }
  return %u : tensor<16x40xf32>
}

// -----

// Tests cache tiles over a contraction's rows and its outermost reduction
// (a convolution's weight gradient whose inputs outgrow L2): the row blocks
// of 4 are the parallel loop, the fill fused into it; inside, the batch in
// chunks of 3, each accumulating into the filled block; inside a chunk, the
// 2x16 register tiles, then every reduction one step at a time.
// CHECK-LABEL: func.func @reduction_chunks
// CHECK: scf.for %[[CI:[a-z_0-9]+]] = %{{.+}} to %c8{{[_0-9]*}} step %c4{{[_0-9]*}} iter_args
// CHECK-NEXT: tensor.extract_slice {{.*}}[%[[CI]], 0] [4, 32]
// CHECK-NEXT: %[[ZERO:.+]] = vector.transfer_write %{{.+}} : vector<4x32xf32>, tensor<4x32xf32>
// CHECK-NEXT: scf.for %[[N:[a-z_0-9]+]] = %{{.+}} to %c6{{[_0-9]*}} step %c3{{[_0-9]*}} iter_args(%{{.+}} = %[[ZERO]]) -> (tensor<4x32xf32>)
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %c4{{[_0-9]*}} step %c2{{[_0-9]*}}
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %c32{{[_0-9]*}} step %c16
// CHECK-NEXT: tensor.extract_slice {{.*}} [2, 16]
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %c3{{[_0-9]*}} step %c1
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %c3{{[_0-9]*}} step %c1
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %c3{{[_0-9]*}} step %c1
// CHECK: vector.contract {{.*}} : vector<1x2xf32>, vector<1x16xf32> into vector<2x16xf32>
// CHECK: } {kernel.nest = {{[0-9]+}} : i64, kernel.parallel}
#xs = affine_map<(ci, co, n, h, w) -> (n, h, w, ci)>
#dys = affine_map<(ci, co, n, h, w) -> (n, h, w, co)>
#dws = affine_map<(ci, co, n, h, w) -> (ci, co)>
func.func @reduction_chunks(%x: tensor<6x3x3x8xf32>, %dy: tensor<6x3x3x32xf32>) -> tensor<8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %dw = kernel.group #kernel.schedule<tile = [2, 16, 0, 0, 0], reduce = [1, 1, 1], cache = [4, 0, 3, 0, 0], lanes = 8> vectorize -> tensor<8x32xf32> {
    %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
    %g = linalg.generic {indexing_maps = [#xs, #dys, #dws], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %dy : tensor<6x3x3x8xf32>, tensor<6x3x3x32xf32>) outs(%fill : tensor<8x32xf32>) {
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    } -> tensor<8x32xf32>
    kernel.yield %g : tensor<8x32xf32>
  }
  return %dw : tensor<8x32xf32>
}
