// RUN: kiln-opt %s -split-input-file -kiln-autodiff | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-autodiff -canonicalize -cse | FileCheck %s --check-prefix=CLEAN
// RUN: kiln-opt %S/Inputs/kiln-autodiff-errors.mlir -split-input-file -kiln-autodiff -verify-diagnostics

// Tests that SGD on dense + relu + softmax cross-entropy builds train_step and forward, replacing @model and @loss.
// CHECK: module attributes {kiln.optimizer = {type = "sgd", weight_decay = 1.000000e-04 : f64}}
// CHECK-NOT: func.func @model
// CHECK-NOT: func.func @loss
// train_step(params, x, y, lr, step) -> (loss, probabilities, new params): the
// forward pass, the loss, the reverse sweep seeded with 1.0, one optim.sgd per
// parameter, and the batch's predictions as forward gives them (softmax).
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:.+]]: tensor<4x16xf32> {kiln.param = "fc.weight"}, %[[B:.+]]: tensor<4xf32> {kiln.param = "fc.bias"}, %[[X:.+]]: tensor<8x16xf32>, %[[Y:.+]]: tensor<8xi32>, %[[LR:.+]]: f32, %[[STEP:.+]]: i64)
// CHECK-SAME: -> (tensor<f32>, tensor<8x4xf32>, tensor<4x16xf32>, tensor<4xf32>)
// CHECK: %[[DENSE:.+]] = nn.dense %[[X]], %[[W]], %[[B]]
// CHECK: %[[RELU:.+]] = nn.relu %[[DENSE]]
// CHECK: %[[LOSS:.+]] = nn.softmax_cross_entropy %[[RELU]], %[[Y]]
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[SEED:.+]] = linalg.fill ins(%[[ONE]] : f32) outs(%{{.+}} : tensor<f32>)
// The cross-entropy cotangent: softmax(logits) - onehot(labels), scaled by seed / batch.
// CHECK: linalg.index 1
// CHECK: %[[DLOGITS:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %[[SEED]] : tensor<8x4xf32>, tensor<f32>)
// CHECK: arith.constant 1.250000e-01 : f32
// The relu cotangent: dy where y > 0.
// CHECK: %[[DPRE:.+]] = linalg.generic {{.*}} ins(%[[DLOGITS]], %[[RELU]] : tensor<8x4xf32>, tensor<8x4xf32>)
// CHECK: arith.cmpf ogt
// CHECK: arith.select
// dW = dyᵀ x, db = Σ_batch dy.
// CHECK: %[[DW:.+]] = linalg.matmul_transpose_a ins(%[[DPRE]], %[[X]] : tensor<8x4xf32>, tensor<8x16xf32>)
// CHECK: %[[DB:.+]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%[[DPRE]] : tensor<8x4xf32>)
// CHECK: %[[NW:.+]] = optim.sgd %[[W]], %[[DW]], %[[LR]] {weight_decay = 1.000000e-04 : f64} : tensor<4x16xf32>, f32
// CHECK: %[[NB:.+]] = optim.sgd %[[B]], %[[DB]], %[[LR]] {weight_decay = 1.000000e-04 : f64} : tensor<4xf32>, f32
// CHECK: %[[PROBS:.+]] = nn.softmax %[[RELU]] : tensor<8x4xf32>
// CHECK: return %[[LOSS]], %[[PROBS]], %[[NW]], %[[NB]] : tensor<f32>, tensor<8x4xf32>, tensor<4x16xf32>, tensor<4xf32>

// forward applies softmax, since the loss is softmax cross-entropy.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[FX:.+]]: tensor<8x16xf32>, %[[FW:.+]]: tensor<4x16xf32> {kiln.param = "fc.weight"}, %[[FB:.+]]: tensor<4xf32> {kiln.param = "fc.bias"}) -> tensor<8x4xf32>
// CHECK-NEXT: %[[D:.+]] = nn.dense %[[FX]], %[[FW]], %[[FB]]
// CHECK-NEXT: %[[R:.+]] = nn.relu %[[D]]
// CHECK-NEXT: %[[P:.+]] = nn.softmax %[[R]]
// CHECK-NEXT: return %[[P]]
// CHECK-NOT: func.func

// The dead cotangent of the input x is removed by canonicalization.
// CLEAN-LABEL: func.func @train_step
// CLEAN-NOT: linalg.matmul ins
// CLEAN: linalg.matmul_transpose_a
// CLEAN-NOT: linalg.matmul
// CLEAN: return
module attributes {kiln.optimizer = {type = "sgd", weight_decay = 1.0e-4}} {
  func.func @model(%x: tensor<8x16xf32>, %w: tensor<4x16xf32> {kiln.param = "fc.weight"},
                   %b: tensor<4xf32> {kiln.param = "fc.bias"}) -> tensor<8x4xf32> {
    %y = nn.dense %x, %w, %b : (tensor<8x16xf32>, tensor<4x16xf32>, tensor<4xf32>) -> tensor<8x4xf32>
    %r = nn.relu %y : tensor<8x4xf32>
    return %r : tensor<8x4xf32>
  }
  func.func @loss(%p: tensor<8x4xf32>, %labels: tensor<8xi32>) -> tensor<f32> {
    %l = nn.softmax_cross_entropy %p, %labels : tensor<8x4xf32>, tensor<8xi32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that Adam adds two state slots per parameter, sums cotangents of a reused weight and zero-fills an unused one's.
// The state follows the parameters slot-major, tagged with kiln.state; the
// results are the new params then the new state in the same order.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:.+]]: tensor<16x16xf32> {kiln.param = "tied.weight"}, %[[U:.+]]: tensor<3x3xf32> {kiln.param = "unused"},
// CHECK-SAME: %[[MW:.+]]: tensor<16x16xf32> {kiln.state = "exp_avg"}, %[[MU:.+]]: tensor<3x3xf32> {kiln.state = "exp_avg"},
// CHECK-SAME: %[[VW:.+]]: tensor<16x16xf32> {kiln.state = "exp_avg_sq"}, %[[VU:.+]]: tensor<3x3xf32> {kiln.state = "exp_avg_sq"},
// CHECK-SAME: %[[X:.+]]: tensor<8x16xf32>, %[[T:.+]]: tensor<8x16xf32>, %[[LR:.+]]: f32, %[[STEP:.+]]: i64)
// CHECK-SAME: -> (tensor<f32>, tensor<8x16xf32>, tensor<16x16xf32>, tensor<3x3xf32>, tensor<16x16xf32>, tensor<3x3xf32>, tensor<16x16xf32>, tensor<3x3xf32>)
// CHECK: %[[H:.+]] = nn.dense %[[X]], %[[W]]
// CHECK-NEXT: %[[TH:.+]] = nn.tanh %[[H]]
// CHECK-NEXT: %[[PRED:.+]] = nn.dense %[[TH]], %[[W]] : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
// CHECK-NEXT: %[[LOSS:.+]] = nn.mse_loss %[[PRED]], %[[T]]
// The second use of the weight is differentiated first, then the first one.
// CHECK: %[[G2:.+]] = linalg.matmul_transpose_a
// CHECK: %[[G1:.+]] = linalg.matmul_transpose_a ins(%{{.+}}, %[[X]] :
// CHECK: %[[GW:.+]] = linalg.generic {{.*}} ins(%[[G2]], %[[G1]] : tensor<16x16xf32>, tensor<16x16xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK: %[[PW:.+]], %[[NMW:.+]], %[[NVW:.+]] = optim.adam %[[W]], %[[GW]], %[[MW]], %[[VW]], %[[LR]], %[[STEP]] {beta1 = 8.000000e-01 : f64, eps = 1.000000e-01 : f64} : tensor<16x16xf32>, f32
// CHECK: %[[ZERO:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<3x3xf32>)
// CHECK: %[[PU:.+]], %[[NMU:.+]], %[[NVU:.+]] = optim.adam %[[U]], %[[ZERO]], %[[MU]], %[[VU]], %[[LR]], %[[STEP]]
// With an MSE loss, the predictions (here and in forward) are the raw values.
// CHECK-NOT: nn.softmax
// CHECK: return %[[LOSS]], %[[PRED]], %[[PW]], %[[PU]], %[[NMW]], %[[NMU]], %[[NVW]], %[[NVU]]
// CHECK-LABEL: func.func @forward
// CHECK-NOT: nn.softmax
// CHECK: return
module attributes {kiln.optimizer = {type = "adam", beta1 = 0.8, eps = 0.1}} {
  func.func @model(%x: tensor<8x16xf32>, %w: tensor<16x16xf32> {kiln.param = "tied.weight"},
                   %u: tensor<3x3xf32> {kiln.param = "unused"}) -> tensor<8x16xf32> {
    %a = nn.dense %x, %w : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
    %t = nn.tanh %a : tensor<8x16xf32>
    %b = nn.dense %t, %w : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
    return %b : tensor<8x16xf32>
  }
  func.func @loss(%p: tensor<8x16xf32>, %target: tensor<8x16xf32>) -> tensor<f32> {
    %l = nn.mse_loss %p, %target : tensor<8x16xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that AdamW (adam with `decoupled`) gets its weight decay.
// CHECK-LABEL: func.func @train_step
// CHECK: optim.adam {{.*}} {decoupled, weight_decay = 5.000000e-01 : f64}
module attributes {kiln.optimizer = {type = "adamw", weight_decay = 0.5}} {
  func.func @model(%x: tensor<2x4xf32>, %w: tensor<2x4xf32>) -> tensor<2x4xf32> {
    %r = nn.leaky_relu %w {alpha = 0.25} : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32>) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that momentum adds one state slot (the buffer) and keeps nesterov.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:.+]]: tensor<2x4xf32>, %[[BUF:.+]]: tensor<2x4xf32> {kiln.state = "momentum_buffer"}, %[[X:.+]]: tensor<2x4xf32>, %[[T:.+]]: tensor<2x4xf32>, %[[LR:.+]]: f32, %[[STEP:.+]]: i64)
// CHECK-SAME: -> (tensor<f32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
// CHECK: %[[P:.+]], %[[NB:.+]] = optim.momentum %[[W]], %{{.+}}, %[[BUF]], %[[LR]] {momentum = 5.000000e-01 : f64, nesterov} : tensor<2x4xf32>, f32
// CHECK: return %{{.+}}, %{{.+}}, %[[P]], %[[NB]]
module attributes {kiln.optimizer = {type = "momentum", momentum = 0.5, nesterov}} {
  func.func @model(%x: tensor<2x4xf32>, %w: tensor<2x4xf32>) -> tensor<2x4xf32> {
    %r = nn.sigmoid %w : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32>) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
