// RUN: kiln-opt %s -split-input-file -kiln-propagate-transposes | FileCheck %s

// Tests that a transpose followed by its inverse disappears.
// CHECK-LABEL: func.func @inverse_pair
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4x5xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: return %[[X]]
func.func @inverse_pair(%x: tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> {
  %e0 = tensor.empty() : tensor<2x4x5x3xf32>
  %t0 = linalg.transpose ins(%x : tensor<2x3x4x5xf32>) outs(%e0 : tensor<2x4x5x3xf32>) permutation = [0, 2, 3, 1]
  %e1 = tensor.empty() : tensor<2x3x4x5xf32>
  %t1 = linalg.transpose ins(%t0 : tensor<2x4x5x3xf32>) outs(%e1 : tensor<2x3x4x5xf32>) permutation = [0, 3, 1, 2]
  return %t1 : tensor<2x3x4x5xf32>
}

// -----

// Tests that two transposes that do not cancel compose into one.
// CHECK-LABEL: func.func @compose
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK: %[[T:.+]] = linalg.transpose ins(%[[X]] : tensor<2x3x4xf32>) outs(%{{.+}} : tensor<4x3x2xf32>) permutation = [2, 1, 0]
// CHECK-NOT: linalg.transpose
// CHECK: return %[[T]]
func.func @compose(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {
  %e0 = tensor.empty() : tensor<3x2x4xf32>
  %t0 = linalg.transpose ins(%x : tensor<2x3x4xf32>) outs(%e0 : tensor<3x2x4xf32>) permutation = [1, 0, 2]
  %e1 = tensor.empty() : tensor<4x3x2xf32>
  %t1 = linalg.transpose ins(%t0 : tensor<3x2x4xf32>) outs(%e1 : tensor<4x3x2xf32>) permutation = [2, 0, 1]
  return %t1 : tensor<4x3x2xf32>
}

// -----

// Tests that a transpose moving only a unit dim (one-channel NCHW to NHWC)
// becomes a reshape: no data moves.
// CHECK-LABEL: func.func @unit_dim
// CHECK-SAME: (%[[X:.+]]: tensor<8x1x28x28xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: %[[F:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1, 2, 3]] : tensor<8x1x28x28xf32> into tensor<6272xf32>
// CHECK: %[[E:.+]] = tensor.expand_shape %[[F]] {{\[\[}}0, 1, 2, 3]] output_shape [8, 28, 28, 1] : tensor<6272xf32> into tensor<8x28x28x1xf32>
// CHECK: return %[[E]]
func.func @unit_dim(%x: tensor<8x1x28x28xf32>) -> tensor<8x28x28x1xf32> {
  %e = tensor.empty() : tensor<8x28x28x1xf32>
  %t = linalg.transpose ins(%x : tensor<8x1x28x28xf32>) outs(%e : tensor<8x28x28x1xf32>) permutation = [0, 2, 3, 1]
  return %t : tensor<8x28x28x1xf32>
}

// -----

// Tests that an elementwise op whose tensor inputs are all transposed the
// same way runs on the untransposed inputs (a 0-d operand stays as it is)
// and is followed by one transpose; its linalg.index d becomes
// linalg.index perm[d] (d = 1, the channel, is dim 3 channels-last).
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[SCALAR:.+]] = affine_map<(d0, d1, d2, d3) -> ()>
// CHECK-LABEL: func.func @sink
// CHECK-SAME: (%[[A:.+]]: tensor<2x4x5x3xf32>, %[[B:.+]]: tensor<2x4x5x3xf32>, %[[S:.+]]: tensor<f32>)
// CHECK: %[[G:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[SCALAR]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[A]], %[[B]], %[[S]] : tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>, tensor<f32>) outs(%{{.+}} : tensor<2x4x5x3xf32>)
// CHECK: linalg.index 3 : index
// CHECK: %[[T:.+]] = linalg.transpose ins(%[[G]] : tensor<2x4x5x3xf32>) outs(%{{.+}} : tensor<2x3x4x5xf32>) permutation = [0, 3, 1, 2]
// CHECK-NOT: linalg.transpose
// CHECK: return %[[T]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#s = affine_map<(d0, d1, d2, d3) -> ()>
func.func @sink(%a: tensor<2x4x5x3xf32>, %b: tensor<2x4x5x3xf32>, %s: tensor<f32>) -> tensor<2x3x4x5xf32> {
  %e0 = tensor.empty() : tensor<2x3x4x5xf32>
  %ta = linalg.transpose ins(%a : tensor<2x4x5x3xf32>) outs(%e0 : tensor<2x3x4x5xf32>) permutation = [0, 3, 1, 2]
  %e1 = tensor.empty() : tensor<2x3x4x5xf32>
  %tb = linalg.transpose ins(%b : tensor<2x4x5x3xf32>) outs(%e1 : tensor<2x3x4x5xf32>) permutation = [0, 3, 1, 2]
  %e2 = tensor.empty() : tensor<2x3x4x5xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #s, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%ta, %tb, %s : tensor<2x3x4x5xf32>, tensor<2x3x4x5xf32>, tensor<f32>) outs(%e2 : tensor<2x3x4x5xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32, %o: f32):
    %c = linalg.index 1 : index
    %ci = arith.index_cast %c : index to i64
    %cf = arith.sitofp %ci : i64 to f32
    %m = arith.mulf %x, %y : f32
    %n = arith.addf %m, %z : f32
    %q = arith.addf %n, %cf : f32
    linalg.yield %q : f32
  } -> tensor<2x3x4x5xf32>
  return %r : tensor<2x3x4x5xf32>
}

// -----

// Tests that inputs transposed differently (or not at all) are left alone.
// CHECK-LABEL: func.func @mixed
// CHECK: linalg.transpose
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.+}}, %[[B:.+]] : tensor<3x2xf32>, tensor<3x2xf32>)
// CHECK-NOT: linalg.transpose
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @mixed(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %e0 = tensor.empty() : tensor<3x2xf32>
  %ta = linalg.transpose ins(%a : tensor<2x3xf32>) outs(%e0 : tensor<3x2xf32>) permutation = [1, 0]
  %e1 = tensor.empty() : tensor<3x2xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%ta, %b : tensor<3x2xf32>, tensor<3x2xf32>) outs(%e1 : tensor<3x2xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// -----

// Tests that an elementwise op reading its output (an accumulation) is left
// alone: its init is not a fresh tensor.
// CHECK-LABEL: func.func @reads_init
// CHECK: %[[T:.+]] = linalg.transpose
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[T]] : tensor<3x2xf32>)
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @reads_init(%a: tensor<2x3xf32>, %acc: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %e0 = tensor.empty() : tensor<3x2xf32>
  %ta = linalg.transpose ins(%a : tensor<2x3xf32>) outs(%e0 : tensor<3x2xf32>) permutation = [1, 0]
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%ta : tensor<3x2xf32>) outs(%acc : tensor<3x2xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %x, %o : f32
    linalg.yield %s : f32
  } -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}
