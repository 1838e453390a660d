// RUN: kiln-opt %s -kiln-autodiff | FileCheck %s --check-prefixes=CHECK,WHOLE
// RUN: kiln-opt %s -kiln-autodiff='l2-bytes=19200 cores=2' | FileCheck %s --check-prefixes=CHECK,BLOCKS
// RUN: kiln-opt %s -kiln-autodiff='l2-bytes=19200 cores=4' | FileCheck %s --check-prefixes=CHECK,WHOLE
// RUN: kiln-opt %s -kiln-autodiff='l2-bytes=65536 cores=2' | FileCheck %s --check-prefixes=CHECK,WHOLE

// Tests the reverse sweep through a stride-1 conv2d with 8 filters
// (ConvBuilders.cpp) and the target facts it reads from the module.
// - The weight gradient: one contraction over all 9 taps, dims (i, j, c, f,
//   n, oh, ow), the padded input read at (n, oh + i, ow + j, c).
// - The input gradient: each tap adds dy times its weights into its window
//   of a zeroed frame. With the target's L2 recorded (kiln.l2_bytes), the
//   batch runs in blocks whose dy and frame (800 + 392 bytes an image) fit
//   an eighth of it: 2 images of 4 in 2400 bytes, a loop of 2 trips that
//   threads split. Not when the batch fits (65536: 8 KiB), without the
//   attribute, nor when fewer blocks than cores would be left (4 cores).

// CHECK-DAG: #[[WX:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5 + d0, d6 + d1, d2)>
// CHECK-DAG: #[[WDY:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
// CHECK-DAG: #[[WOUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// BLOCKS: module attributes {kiln.cores = 2 : i64, kiln.l2_bytes = 19200 : i64
// CHECK-LABEL: func.func @train_step

// WHOLE-NOT: scf.for
// WHOLE: %[[FRAME:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<4x7x7x2xf32>)
// WHOLE: tensor.extract_slice %[[FRAME]][0, 2, 2, 0] [4, 5, 5, 2] [1, 1, 1, 1]

// BLOCKS: %[[DX:.+]] = scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (tensor<4x5x5x2xf32>) {
// BLOCKS-NEXT: %[[AT:.+]] = affine.apply #{{.+}}(%[[K]])
// BLOCKS-NEXT: %[[DYB:.+]] = tensor.extract_slice %{{.+}}[%[[AT]], 0, 0, 0] [2, 5, 5, 8] [1, 1, 1, 1] : tensor<4x5x5x8xf32> to tensor<2x5x5x8xf32>
// BLOCKS: %[[FRAMEB:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x7x7x2xf32>)
// BLOCKS-NEXT: tensor.extract_slice %[[FRAMEB]][0, 2, 2, 0] [2, 5, 5, 2] [1, 1, 1, 1]
// BLOCKS: linalg.generic {{.*}} ins(%[[DYB]], %{{.+}} : tensor<2x5x5x8xf32>, tensor<8x2xf32>)
// BLOCKS: %[[LAST:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[0, 0, 0, 0] [2, 5, 5, 2] [1, 1, 1, 1] : tensor<2x5x5x2xf32> into tensor<2x7x7x2xf32>
// BLOCKS-NEXT: %[[INNER:.+]] = tensor.extract_slice %[[LAST]][0, 1, 1, 0] [2, 5, 5, 2] [1, 1, 1, 1]
// BLOCKS-NEXT: %[[OUT:.+]] = tensor.insert_slice %[[INNER]] into %[[ACC]][%[[AT]], 0, 0, 0] [2, 5, 5, 2] [1, 1, 1, 1] : tensor<2x5x5x2xf32> into tensor<4x5x5x2xf32>
// BLOCKS-NEXT: scf.yield %[[OUT]]
// BLOCKS-NEXT: } {kernel.parallel}

// CHECK: %[[DW0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<3x3x2x8xf32>)
// CHECK-NEXT: linalg.generic {indexing_maps = [#[[WX]], #[[WDY]], #[[WOUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<4x7x7x2xf32>, tensor<4x5x5x8xf32>) outs(%[[DW0]] : tensor<3x3x2x8xf32>)
// CHECK-LABEL: func.func @eval_step(
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<4x2x5x5xf32> {kiln.input = {name = "x"}},
                   %w: tensor<8x2x3x3xf32> {kiln.param = {name = "conv.weight", trainable = true}}) -> tensor<4x200xf32> {
    %c = nn.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x2x5x5xf32>, tensor<8x2x3x3xf32>) -> tensor<4x8x5x5xf32>
    %f = nn.reshape %c : tensor<4x8x5x5xf32> -> tensor<4x200xf32>
    return %f : tensor<4x200xf32>
  }
  func.func @loss(%p: tensor<4x200xf32>, %t: tensor<4x200xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<4x200xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
