// RUN: kiln-opt %s -split-input-file -kernel-tile -verify-diagnostics

// Tests that cache tiles over a group of several ops (without an epilogue)
// need the group's last op to be its only reduction: a bias after the
// product would be tiled by the reduction's chunks.
#xs = affine_map<(ci, co, n) -> (n, ci)>
#dys = affine_map<(ci, co, n) -> (n, co)>
#dws = affine_map<(ci, co, n) -> (ci, co)>
#id = affine_map<(i, j) -> (i, j)>
func.func @cache_over_bias(%x: tensor<6x8xf32>, %dy: tensor<6x32xf32>, %b: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  // expected-error @+1 {{kernel-tile: cache tiles over a group of several ops need its last op to be its only reduction, in its loops' order}}
  %r = kernel.group #kernel.schedule<tile = [2, 16, 0], reduce = [1], cache = [4, 0, 3], lanes = 8> vectorize -> tensor<8x32xf32> {
    %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
    %g = linalg.generic {indexing_maps = [#xs, #dys, #dws], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %dy : tensor<6x8xf32>, tensor<6x32xf32>) outs(%fill : tensor<8x32xf32>) {
    ^bb0(%a: f32, %c: f32, %acc: f32):
      %p = arith.mulf %a, %c : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    } -> tensor<8x32xf32>
    %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%g, %b : tensor<8x32xf32>, tensor<8x32xf32>) outs(%e : tensor<8x32xf32>) {
    ^bb0(%a: f32, %c: f32, %o: f32):
      %s = arith.addf %a, %c : f32
      linalg.yield %s : f32
    } -> tensor<8x32xf32>
    kernel.yield %y : tensor<8x32xf32>
  }
  return %r : tensor<8x32xf32>
}

// -----

// Tests that a packed product with its fill cannot have a cache tile over
// k: each k block would start again from zero (kernel-form keeps the fill
// out of such a group).
#pa = affine_map<(m, p, j, k) -> (m, k)>
#pb = affine_map<(m, p, j, k) -> (p, k, j)>
#pc = affine_map<(m, p, j, k) -> (m, p, j)>
func.func @packed_fill_k_blocks(%x: tensor<16x64xf32>, %bp: tensor<2x64x32xf32>) -> tensor<16x2x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x2x32xf32>
  // expected-error @+1 {{kernel-tile: a packed product with its fill needs no cache tile over its reduction}}
  %y = kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], cache = [0, 1, 0, 32], order = [1, 3, 0, 2], lanes = 16, packed = "rhs"> vectorize -> tensor<16x2x32xf32> {
    %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<16x2x32xf32>) -> tensor<16x2x32xf32>
    %p = linalg.generic {indexing_maps = [#pa, #pb, #pc], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
        ins(%x, %bp : tensor<16x64xf32>, tensor<2x64x32xf32>) outs(%acc : tensor<16x2x32xf32>) {
    ^bb0(%u: f32, %v: f32, %o: f32):
      %m = arith.mulf %u, %v : f32
      %s = arith.addf %o, %m : f32
      linalg.yield %s : f32
    } -> tensor<16x2x32xf32>
    kernel.yield %p : tensor<16x2x32xf32>
  }
  return %y : tensor<16x2x32xf32>
}
