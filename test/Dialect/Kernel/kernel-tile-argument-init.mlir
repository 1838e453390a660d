// RUN: kiln-opt %s -split-input-file -kernel-tile | FileCheck %s
// (kernel-tile-argument-init-valgrind.mlir runs this file under valgrind.)

// Tests that groups updating a function argument in place (an optimizer's
// update of a 4-D filter) tile with a same-type cast in front of the
// argument, for MLIR 19's tile-and-fuse, and that no cast is left: the
// loops' init is the argument.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// CHECK-LABEL: func.func @update_in_place
// CHECK-SAME: (%[[W:.+]]: tensor<8x2x3x3xf32>, %[[G:.+]]: tensor<8x2x3x3xf32>, %{{.+}}: f32)
// CHECK-NOT: tensor.cast
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %[[W]]) -> (tensor<8x2x3x3xf32>)
// CHECK-NOT: tensor.cast
// CHECK: vector.transfer_read %[[G]]
// CHECK: return
func.func @update_in_place(%w: tensor<8x2x3x3xf32>, %g: tensor<8x2x3x3xf32>, %lr: f32) -> tensor<8x2x3x3xf32> {
  %r = kernel.group #kernel.schedule<tile = [1, 1, 1, 3], lanes = 16> vectorize -> tensor<8x2x3x3xf32> {
    %u = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%g : tensor<8x2x3x3xf32>) outs(%w : tensor<8x2x3x3xf32>) {
    ^bb0(%in: f32, %out: f32):
      %s = arith.mulf %in, %lr : f32
      %d = arith.subf %out, %s : f32
      linalg.yield %d : f32
    } -> tensor<8x2x3x3xf32>
    kernel.yield %u : tensor<8x2x3x3xf32>
  }
  return %r : tensor<8x2x3x3xf32>
}

// -----

// The argument is the init of a producer fused into the last op's loops:
// fusion makes it the loops' init.
// CHECK-LABEL: func.func @fused_producer_in_place
// CHECK-SAME: (%[[W:.+]]: tensor<8x2x3x3xf32>, %[[G:.+]]: tensor<8x2x3x3xf32>, %{{.+}}: f32)
// CHECK-NOT: tensor.cast
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %[[W]]) -> (tensor<8x2x3x3xf32>)
// CHECK-NOT: tensor.cast
// CHECK: arith.subf
// CHECK: arith.addf
// CHECK: return
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @fused_producer_in_place(%w: tensor<8x2x3x3xf32>, %g: tensor<8x2x3x3xf32>, %lr: f32) -> tensor<8x2x3x3xf32> {
  %r = kernel.group #kernel.schedule<tile = [1, 1, 1, 3], lanes = 16> vectorize -> tensor<8x2x3x3xf32> {
    %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%g : tensor<8x2x3x3xf32>) outs(%w : tensor<8x2x3x3xf32>) {
    ^bb0(%in: f32, %out: f32):
      %s = arith.mulf %in, %lr : f32
      %d = arith.subf %out, %s : f32
      linalg.yield %d : f32
    } -> tensor<8x2x3x3xf32>
    %u = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%g : tensor<8x2x3x3xf32>) outs(%a : tensor<8x2x3x3xf32>) {
    ^bb0(%in: f32, %out: f32):
      %s = arith.mulf %in, %lr : f32
      %d = arith.addf %out, %s : f32
      linalg.yield %d : f32
    } -> tensor<8x2x3x3xf32>
    kernel.yield %u : tensor<8x2x3x3xf32>
  }
  return %r : tensor<8x2x3x3xf32>
}
