// RUN: kiln-opt %s -kiln-autodiff | FileCheck %s --check-prefixes=CHECK,WHOLE
// RUN: kiln-opt %s -kiln-autodiff='l2-bytes=16384 cores=2' | FileCheck %s --check-prefixes=CHECK,PARTS
// RUN: kiln-opt %s -kiln-autodiff='l2-bytes=16384 cores=3' | FileCheck %s --check-prefixes=CHECK,WHOLE
// RUN: kiln-opt %s -kiln-autodiff='l2-bytes=32768 cores=2' | FileCheck %s --check-prefixes=CHECK,WHOLE
// RUN: kiln-opt %s -kiln-autodiff='l2-bytes=8192 cores=2' | FileCheck %s --check-prefixes=CHECK,WHOLE

// Tests the reverse sweep through a conv2d read as tap planes (one channel,
// 16 filters) with a bias: the weight gradient is one contraction over the
// planes and a tenth plane of ones, [10, 16]; rows 0-8 are the weight's
// gradient, row 9 (the ones') the bias's, updated from that row.
// With the target's cores and L2 recorded, and the planes and dy (26 KB:
// 6656 bytes an image) over L2, each core's part of the batch is summed on
// its own ([2, 10, 16], the part a parallel dim) and the parts added, in
// order. Not when the parts would not divide the batch (3 cores), when the
// inputs fit (32 KiB), nor when the parts' sums (1280 bytes) outgrow an
// eighth of L2 (8 KiB).
// PARTS-DAG: #[[PP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d0, d3, d4, d5)>
// PARTS-DAG: #[[PD:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d4, d5, d2)>
// PARTS-DAG: #[[PO:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>
// PARTS-DAG: #[[CI:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// PARTS-DAG: #[[CO:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @train_step
// CHECK: %[[P0:.+]] = tensor.empty() : tensor<10x4x8x8xf32>
// CHECK-NEXT: tensor.extract_slice %[[P0]][9, 0, 0, 0] [1, 4, 8, 8] [1, 1, 1, 1]
// WHOLE: %[[DWB:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<10x4x8x8xf32>, tensor<4x8x8x16xf32>) outs(%{{.+}} : tensor<10x16xf32>)
// PARTS: %[[PS:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2], [3], [4]] output_shape [10, 2, 2, 8, 8] : tensor<10x4x8x8xf32> into tensor<10x2x2x8x8xf32>
// PARTS: %[[DS:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 2, 8, 8, 16] : tensor<4x8x8x16xf32> into tensor<2x2x8x8x16xf32>
// PARTS: %[[Z:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x10x16xf32>)
// PARTS-NEXT: %[[SUMS:.+]] = linalg.generic {indexing_maps = [#[[PP]], #[[PD]], #[[PO]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[PS]], %[[DS]] : tensor<10x2x2x8x8xf32>, tensor<2x2x8x8x16xf32>) outs(%[[Z]] : tensor<2x10x16xf32>)
// PARTS: %[[DWB:.+]] = linalg.generic {indexing_maps = [#[[CI]], #[[CO]]], iterator_types = ["reduction", "parallel", "parallel"]} ins(%[[SUMS]] : tensor<2x10x16xf32>) outs(%{{.+}} : tensor<10x16xf32>)
// PARTS-NEXT: ^bb0(%[[IN:.+]]: f32, %[[OUT:.+]]: f32):
// PARTS-NEXT: %[[ADD:.+]] = arith.addf %[[OUT]], %[[IN]] : f32
// PARTS-NEXT: linalg.yield %[[ADD]]
// CHECK: tensor.extract_slice %[[DWB]][0, 0] [9, 16] [1, 1] : tensor<10x16xf32> to tensor<9x16xf32>
// CHECK: %[[DB:.+]] = tensor.extract_slice %[[DWB]][9, 0] [1, 16] [1, 1] : tensor<10x16xf32> to tensor<16xf32>
// CHECK: optim.sgd %{{.+}}, %{{.+}}, %{{.+}} : tensor<16x1x3x3xf32>, f32
// CHECK-NEXT: optim.sgd %{{.+}}, %[[DB]], %{{.+}} : tensor<16xf32>, f32
// CHECK-LABEL: func.func @eval_step
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<4x1x10x10xf32> {kiln.input = {name = "x"}},
                   %w: tensor<16x1x3x3xf32> {kiln.param = {name = "conv.weight", trainable = true}},
                   %b: tensor<16xf32> {kiln.param = {name = "conv.bias", trainable = true}}) -> tensor<4x1024xf32> {
    %c = nn.conv2d %x, %w, %b : (tensor<4x1x10x10xf32>, tensor<16x1x3x3xf32>, tensor<16xf32>) -> tensor<4x16x8x8xf32>
    %f = nn.reshape %c : tensor<4x16x8x8xf32> -> tensor<4x1024xf32>
    return %f : tensor<4x1024xf32>
  }
  func.func @loss(%p: tensor<4x1024xf32>, %t: tensor<4x1024xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<4x1024xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
