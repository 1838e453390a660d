// RUN: kiln-opt %s -kernel-tile -verify-diagnostics | FileCheck %s

// Tests that an op the vectorizer rejects (an indexing map that is not a
// projected permutation: a 1-D convolution reading x[i + j]) stays scalar with a
// warning (kernel-tile also counts it in its scalar-ops statistic).
#window = affine_map<(d0, d1) -> (d0 + d1)>
#tap = affine_map<(d0, d1) -> (d1)>
#out = affine_map<(d0, d1) -> (d0)>

// CHECK-LABEL: func.func @window_sum
// CHECK: linalg.generic
func.func @window_sum(%x: tensor<20xf32>, %w: tensor<5xf32>) -> tensor<16xf32> {
  %zero = arith.constant 0.0 : f32
  %r = kernel.group #kernel.schedule<tile = [16, 0]> vectorize -> tensor<16xf32> {
    %e = tensor.empty() : tensor<16xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<16xf32>) -> tensor<16xf32>
    // expected-warning @+1 {{kernel-tile: left scalar (the vectorizer rejects this op)}}
    %s = linalg.generic {indexing_maps = [#window, #tap, #out],
                         iterator_types = ["parallel", "reduction"]}
        ins(%x, %w : tensor<20xf32>, tensor<5xf32>) outs(%f : tensor<16xf32>) {
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %p = arith.mulf %a, %b : f32
      %v = arith.addf %p, %acc : f32
      linalg.yield %v : f32
    } -> tensor<16xf32>
    kernel.yield %s : tensor<16xf32>
  }
  return %r : tensor<16xf32>
}
