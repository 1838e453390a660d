// RUN: kiln-opt %s -kiln-autodiff | FileCheck %s

// Tests that roles, not positions, tell @model's and @loss's arguments apart:
// here the parameter comes first and the target first. The entry points are
// the same as with the frontend's order.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: tensor<3x5xf32> {kiln.param = {name = "w", trainable = true}}, %[[X:[^:]+]]: tensor<4x5xf32> {kiln.input = {name = "x"}}, %[[Y:[^:]+]]: tensor<4x3xf32> {kiln.target = {name = "y"}},
// CHECK: %[[P:.+]] = nn.dense %[[X]], %[[W]]
// CHECK: nn.mse_loss %[[P]], %[[Y]]
// CHECK: optim.sgd %[[W]]
// CHECK-LABEL: func.func @forward_1
// CHECK-SAME: (%[[W1:[^:]+]]: tensor<3x5xf32> {kiln.param = {name = "w", trainable = true}}, %[[X1:[^:]+]]: tensor<1x5xf32> {kiln.input = {name = "x"}})
// CHECK: nn.dense %[[X1]], %[[W1]] : (tensor<1x5xf32>, tensor<3x5xf32>) -> tensor<1x3xf32>
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%w: tensor<3x5xf32> {kiln.param = {name = "w", trainable = true}},
                   %x: tensor<4x5xf32> {kiln.input = {name = "x"}}) -> tensor<4x3xf32> {
    %y = nn.dense %x, %w : (tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<4x3xf32>
    return %y : tensor<4x3xf32>
  }
  func.func @loss(%t: tensor<4x3xf32> {kiln.target = {name = "y"}}, %p: tensor<4x3xf32>) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<4x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
