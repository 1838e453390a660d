// RUN: kiln-opt %s -kiln-autodiff | FileCheck %s

// Tests the reverse sweep through a conv2d read as tap planes (one channel,
// 16 filters) with a bias: the weight gradient is one contraction over the
// planes and a tenth plane of ones, [10, 16]; rows 0-8 are the weight's
// gradient, row 9 (the ones') the bias's, updated from that row.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[P0:.+]] = tensor.empty() : tensor<10x2x4x4xf32>
// CHECK-NEXT: tensor.extract_slice %[[P0]][9, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK: %[[DWB:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<10x2x4x4xf32>, tensor<2x4x4x16xf32>) outs(%{{.+}} : tensor<10x16xf32>)
// CHECK: tensor.extract_slice %[[DWB]][0, 0] [9, 16] [1, 1] : tensor<10x16xf32> to tensor<9x16xf32>
// CHECK: %[[DB:.+]] = tensor.extract_slice %[[DWB]][9, 0] [1, 16] [1, 1] : tensor<10x16xf32> to tensor<16xf32>
// CHECK: optim.sgd %{{.+}}, %{{.+}}, %{{.+}} : tensor<16x1x3x3xf32>, f32
// CHECK-NEXT: optim.sgd %{{.+}}, %[[DB]], %{{.+}} : tensor<16xf32>, f32
// CHECK-LABEL: func.func @eval_step
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<2x1x6x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<16x1x3x3xf32> {kiln.param = {name = "conv.weight", trainable = true}},
                   %b: tensor<16xf32> {kiln.param = {name = "conv.bias", trainable = true}}) -> tensor<2x256xf32> {
    %c = nn.conv2d %x, %w, %b : (tensor<2x1x6x6xf32>, tensor<16x1x3x3xf32>, tensor<16xf32>) -> tensor<2x16x4x4xf32>
    %f = nn.reshape %c : tensor<2x16x4x4xf32> -> tensor<2x256xf32>
    return %f : tensor<2x256xf32>
  }
  func.func @loss(%p: tensor<2x256xf32>, %t: tensor<2x256xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x256xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
