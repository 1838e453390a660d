// RUN: kiln-opt %s -split-input-file -kiln-autodiff=check-step=false | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-autodiff=check-step=false -canonicalize -cse | FileCheck %s --check-prefix=CLEAN
// RUN: kiln-opt %S/Inputs/kiln-autodiff-errors.mlir -split-input-file -kiln-autodiff -verify-diagnostics

// Tests that SGD on dense + relu + softmax cross-entropy builds the five entry points, each with its kiln.entry and a role on every argument and result, replacing @model and @loss.
// CHECK: module attributes {kiln.optimizer = {type = "sgd", weight_decay = 1.000000e-04 : f64}}
// CHECK-NOT: func.func @model
// CHECK-NOT: func.func @loss
// train_step(params, x, y, lr, step, seed) -> (loss, probabilities, new
// params tied to their arguments): the forward pass, the loss, the reverse
// sweep seeded with 1.0, one optim.sgd per parameter, and the batch's
// predictions as forward gives them (softmax).
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: tensor<4x16xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %[[B:[^:]+]]: tensor<4xf32> {kiln.param = {name = "fc.bias", trainable = true}},
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x16xf32> {kiln.input = {name = "x"}},
// CHECK-SAME: %[[Y:[^:]+]]: tensor<8xi32> {kiln.target = {name = "y"}},
// CHECK-SAME: %[[LR:[^:]+]]: f32 {kiln.scalar = "lr"}, %[[STEP:[^:]+]]: i64 {kiln.scalar = "step"}, %[[SEED:[^:]+]]: i64 {kiln.scalar = "seed"})
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<8x4xf32> {kiln.output = {kind = "probabilities", name = "prediction"}},
// CHECK-SAME: tensor<4x16xf32> {kiln.tied = 0 : i64}, tensor<4xf32> {kiln.tied = 1 : i64})
// CHECK-SAME: attributes {kiln.entry = {batch = 8 : i64, mode = "train", name = "train_step"}}
// CHECK-NEXT: %[[DENSE:.+]] = nn.dense %[[X]], %[[W]], %[[B]]
// CHECK-NEXT: %[[RELU:.+]] = nn.relu %[[DENSE]]
// CHECK-NEXT: %[[LOSS:.+]] = nn.softmax_cross_entropy %[[RELU]], %[[Y]]
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[SEEDG:.+]] = linalg.fill ins(%[[ONE]] : f32) outs(%{{.+}} : tensor<f32>)
// The cross-entropy cotangent: softmax(logits) - onehot(labels), scaled by seed / batch.
// CHECK: linalg.index 1
// CHECK: %[[DLOGITS:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %[[SEEDG]] : tensor<8x4xf32>, tensor<f32>)
// CHECK: arith.constant 1.250000e-01 : f32
// The relu cotangent: dy where y > 0.
// CHECK: %[[DPRE:.+]] = linalg.generic {{.*}} ins(%[[DLOGITS]], %[[RELU]] : tensor<8x4xf32>, tensor<8x4xf32>)
// CHECK: arith.cmpf ogt
// CHECK: arith.select
// dW = dyᵀ x, db = Σ_batch dy.
// CHECK: %[[DW:.+]] = linalg.matmul_transpose_a ins(%[[DPRE]], %[[X]] : tensor<8x4xf32>, tensor<8x16xf32>)
// CHECK: %[[DB:.+]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%[[DPRE]] : tensor<8x4xf32>)
// CHECK: %[[NW:.+]] = optim.sgd %[[W]], %[[DW]], %[[LR]] {weight_decay = 1.000000e-04 : f64} : tensor<4x16xf32>, f32
// CHECK-NEXT: %[[NB:.+]] = optim.sgd %[[B]], %[[DB]], %[[LR]] {weight_decay = 1.000000e-04 : f64} : tensor<4xf32>, f32
// CHECK-NEXT: %[[PROBS:.+]] = nn.softmax %[[RELU]] : tensor<8x4xf32>
// CHECK-NEXT: return %[[LOSS]], %[[PROBS]], %[[NW]], %[[NB]] : tensor<f32>, tensor<8x4xf32>, tensor<4x16xf32>, tensor<4xf32>

// eval_step: the same forward pass and loss in eval mode, but no reverse
// sweep, no optimizer and no lr/step/seed: params, x, y -> loss, probabilities.
// CHECK-LABEL: func.func @eval_step
// CHECK-SAME: (%[[EW:[^:]+]]: tensor<4x16xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %[[EB:[^:]+]]: tensor<4xf32> {kiln.param = {name = "fc.bias", trainable = true}},
// CHECK-SAME: %[[EX:[^:]+]]: tensor<8x16xf32> {kiln.input = {name = "x"}}, %[[EY:[^:]+]]: tensor<8xi32> {kiln.target = {name = "y"}})
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<8x4xf32> {kiln.output = {kind = "probabilities", name = "prediction"}})
// CHECK-SAME: attributes {kiln.entry = {batch = 8 : i64, mode = "eval", name = "eval_step"}}
// CHECK-NEXT: %[[ED:.+]] = nn.dense %[[EX]], %[[EW]], %[[EB]] : (tensor<8x16xf32>, tensor<4x16xf32>, tensor<4xf32>) -> tensor<8x4xf32>
// CHECK-NEXT: %[[ER:.+]] = nn.relu %[[ED]] : tensor<8x4xf32>
// CHECK-NEXT: %[[EL:.+]] = nn.softmax_cross_entropy %[[ER]], %[[EY]] : tensor<8x4xf32>, tensor<8xi32> -> tensor<f32>
// CHECK-NEXT: %[[EP:.+]] = nn.softmax %[[ER]] : tensor<8x4xf32>
// CHECK-NEXT: return %[[EL]], %[[EP]] : tensor<f32>, tensor<8x4xf32>
// CHECK-NEXT: }

// eval_step_1: @model and @loss re-typed at batch 1 (inputs, targets and
// every value that carries the batch), the parameters unchanged.
// CHECK-LABEL: func.func @eval_step_1
// CHECK-SAME: (%[[E1W:[^:]+]]: tensor<4x16xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %[[E1B:[^:]+]]: tensor<4xf32> {kiln.param = {name = "fc.bias", trainable = true}},
// CHECK-SAME: %[[E1X:[^:]+]]: tensor<1x16xf32> {kiln.input = {name = "x"}}, %[[E1Y:[^:]+]]: tensor<1xi32> {kiln.target = {name = "y"}})
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<1x4xf32> {kiln.output = {kind = "probabilities", name = "prediction"}})
// CHECK-SAME: attributes {kiln.entry = {batch = 1 : i64, mode = "eval", name = "eval_step_1"}}
// CHECK-NEXT: %[[E1D:.+]] = nn.dense %[[E1X]], %[[E1W]], %[[E1B]] : (tensor<1x16xf32>, tensor<4x16xf32>, tensor<4xf32>) -> tensor<1x4xf32>
// CHECK-NEXT: %[[E1R:.+]] = nn.relu %[[E1D]] : tensor<1x4xf32>
// CHECK-NEXT: %[[E1L:.+]] = nn.softmax_cross_entropy %[[E1R]], %[[E1Y]] : tensor<1x4xf32>, tensor<1xi32> -> tensor<f32>
// CHECK-NEXT: %[[E1P:.+]] = nn.softmax %[[E1R]] : tensor<1x4xf32>
// CHECK-NEXT: return %[[E1L]], %[[E1P]] : tensor<f32>, tensor<1x4xf32>
// CHECK-NEXT: }

// forward applies softmax, since the loss is softmax cross-entropy; it takes
// no target and returns no loss.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[FW:[^:]+]]: tensor<4x16xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %[[FB:[^:]+]]: tensor<4xf32> {kiln.param = {name = "fc.bias", trainable = true}},
// CHECK-SAME: %[[FX:[^:]+]]: tensor<8x16xf32> {kiln.input = {name = "x"}})
// CHECK-SAME: -> (tensor<8x4xf32> {kiln.output = {kind = "probabilities", name = "prediction"}})
// CHECK-SAME: attributes {kiln.entry = {batch = 8 : i64, mode = "eval", name = "forward"}}
// CHECK-NEXT: %[[D:.+]] = nn.dense %[[FX]], %[[FW]], %[[FB]]
// CHECK-NEXT: %[[R:.+]] = nn.relu %[[D]]
// CHECK-NEXT: %[[P:.+]] = nn.softmax %[[R]]
// CHECK-NEXT: return %[[P]]
// CHECK-NEXT: }

// CHECK-LABEL: func.func @forward_1
// CHECK-SAME: (%[[F1W:[^:]+]]: tensor<4x16xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %[[F1B:[^:]+]]: tensor<4xf32> {kiln.param = {name = "fc.bias", trainable = true}},
// CHECK-SAME: %[[F1X:[^:]+]]: tensor<1x16xf32> {kiln.input = {name = "x"}})
// CHECK-SAME: -> (tensor<1x4xf32> {kiln.output = {kind = "probabilities", name = "prediction"}})
// CHECK-SAME: attributes {kiln.entry = {batch = 1 : i64, mode = "eval", name = "forward_1"}}
// CHECK-NEXT: %[[D1:.+]] = nn.dense %[[F1X]], %[[F1W]], %[[F1B]] : (tensor<1x16xf32>, tensor<4x16xf32>, tensor<4xf32>) -> tensor<1x4xf32>
// CHECK-NEXT: %[[R1:.+]] = nn.relu %[[D1]] : tensor<1x4xf32>
// CHECK-NEXT: %[[P1:.+]] = nn.softmax %[[R1]] : tensor<1x4xf32>
// CHECK-NEXT: return %[[P1]] : tensor<1x4xf32>
// CHECK-NEXT: }
// CHECK-NOT: func.func

// The dead cotangent of the input x is removed by canonicalization; eval_step
// has no gradient to begin with.
// CLEAN-LABEL: func.func @train_step
// CLEAN-NOT: linalg.matmul ins
// CLEAN: linalg.matmul_transpose_a
// CLEAN-NOT: linalg.matmul
// CLEAN: optim.sgd
// CLEAN: return
// CLEAN-LABEL: func.func @eval_step
// CLEAN-NOT: linalg.
// CLEAN-NOT: optim.
// CLEAN: return
module attributes {kiln.optimizer = {type = "sgd", weight_decay = 1.0e-4}} {
  func.func @model(%x: tensor<8x16xf32> {kiln.input = {name = "x"}},
                   %w: tensor<4x16xf32> {kiln.param = {name = "fc.weight", trainable = true}},
                   %b: tensor<4xf32> {kiln.param = {name = "fc.bias", trainable = true}}) -> tensor<8x4xf32> {
    %y = nn.dense %x, %w, %b : (tensor<8x16xf32>, tensor<4x16xf32>, tensor<4xf32>) -> tensor<8x4xf32>
    %r = nn.relu %y : tensor<8x4xf32>
    return %r : tensor<8x4xf32>
  }
  func.func @loss(%p: tensor<8x4xf32>, %labels: tensor<8xi32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.softmax_cross_entropy %p, %labels : tensor<8x4xf32>, tensor<8xi32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that Adam adds two state slots per parameter, sums cotangents of a reused weight and zero-fills an unused one's.
// The state follows the parameters parameter-major, each argument tagged
// kiln.state {param, slot}; the results are each new param followed by its
// new state, each tied to the argument it replaces.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: tensor<16x16xf32> {kiln.param = {name = "tied.weight", trainable = true}},
// CHECK-SAME: %[[U:[^:]+]]: tensor<3x3xf32> {kiln.param = {name = "unused", trainable = true}},
// CHECK-SAME: %[[MW:[^:]+]]: tensor<16x16xf32> {kiln.state = {param = "tied.weight", slot = "exp_avg"}},
// CHECK-SAME: %[[VW:[^:]+]]: tensor<16x16xf32> {kiln.state = {param = "tied.weight", slot = "exp_avg_sq"}},
// CHECK-SAME: %[[MU:[^:]+]]: tensor<3x3xf32> {kiln.state = {param = "unused", slot = "exp_avg"}},
// CHECK-SAME: %[[VU:[^:]+]]: tensor<3x3xf32> {kiln.state = {param = "unused", slot = "exp_avg_sq"}},
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x16xf32> {kiln.input = {name = "x"}}, %[[T:[^:]+]]: tensor<8x16xf32> {kiln.target = {name = "t"}},
// CHECK-SAME: %[[LR:[^:]+]]: f32 {kiln.scalar = "lr"}, %[[STEP:[^:]+]]: i64 {kiln.scalar = "step"}, %{{[^:]+}}: i64 {kiln.scalar = "seed"})
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<8x16xf32> {kiln.output = {kind = "values", name = "prediction"}},
// CHECK-SAME: tensor<16x16xf32> {kiln.tied = 0 : i64}, tensor<16x16xf32> {kiln.tied = 2 : i64}, tensor<16x16xf32> {kiln.tied = 3 : i64},
// CHECK-SAME: tensor<3x3xf32> {kiln.tied = 1 : i64}, tensor<3x3xf32> {kiln.tied = 4 : i64}, tensor<3x3xf32> {kiln.tied = 5 : i64})
// CHECK-NEXT: %[[H:.+]] = nn.dense %[[X]], %[[W]]
// CHECK-NEXT: %[[TH:.+]] = nn.tanh %[[H]]
// CHECK-NEXT: %[[PRED:.+]] = nn.dense %[[TH]], %[[W]] : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
// CHECK-NEXT: %[[LOSS:.+]] = nn.mse_loss %[[PRED]], %[[T]]
// The second use of the weight is differentiated first, then the first one.
// CHECK: %[[G2:.+]] = linalg.matmul_transpose_a
// CHECK: %[[G1:.+]] = linalg.matmul_transpose_a ins(%{{.+}}, %[[X]] :
// CHECK: %[[GW:.+]] = linalg.generic {{.*}} ins(%[[G2]], %[[G1]] : tensor<16x16xf32>, tensor<16x16xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// Every gradient is complete before the first update (clipping may scale them all).
// CHECK: %[[ZERO:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<3x3xf32>)
// CHECK: %[[PW:.+]], %[[NMW:.+]], %[[NVW:.+]] = optim.adam %[[W]], %[[GW]], %[[MW]], %[[VW]], %[[LR]], %[[STEP]] {beta1 = 8.000000e-01 : f64, eps = 1.000000e-01 : f64} : tensor<16x16xf32>, f32
// CHECK: %[[PU:.+]], %[[NMU:.+]], %[[NVU:.+]] = optim.adam %[[U]], %[[ZERO]], %[[MU]], %[[VU]], %[[LR]], %[[STEP]]
// With an MSE loss, the predictions (here and in forward) are the raw values.
// CHECK-NOT: nn.softmax
// CHECK: return %[[LOSS]], %[[PRED]], %[[PW]], %[[NMW]], %[[NVW]], %[[PU]], %[[NMU]], %[[NVU]]
// eval_step and the forwards take no optimizer state.
// CHECK-LABEL: func.func @eval_step
// CHECK-NOT: kiln.state
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<8x16xf32> {kiln.output = {kind = "values", name = "prediction"}})
// CHECK-NOT: optim.
// CHECK: return
// CHECK-LABEL: func.func @eval_step_1
// CHECK-NOT: kiln.state
// CHECK-SAME: tensor<1x16xf32> {kiln.input = {name = "x"}}, %{{[^:]+}}: tensor<1x16xf32> {kiln.target = {name = "t"}})
// CHECK-NOT: optim.
// CHECK: return
// CHECK-LABEL: func.func @forward
// CHECK-NOT: kiln.state
// CHECK-NOT: nn.softmax
// CHECK: return
// CHECK-LABEL: func.func @forward_1
// CHECK-NOT: kiln.state
// CHECK-NOT: nn.softmax
// CHECK: return
module attributes {kiln.optimizer = {type = "adam", beta1 = 0.8, eps = 0.1}} {
  func.func @model(%x: tensor<8x16xf32> {kiln.input = {name = "x"}},
                   %w: tensor<16x16xf32> {kiln.param = {name = "tied.weight", trainable = true}},
                   %u: tensor<3x3xf32> {kiln.param = {name = "unused", trainable = true}}) -> tensor<8x16xf32> {
    %a = nn.dense %x, %w : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
    %t = nn.tanh %a : tensor<8x16xf32>
    %b = nn.dense %t, %w : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
    return %b : tensor<8x16xf32>
  }
  func.func @loss(%p: tensor<8x16xf32>, %target: tensor<8x16xf32> {kiln.target = {name = "t"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %target : tensor<8x16xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that AdamW (adam with `decoupled`) gets its weight decay.
// CHECK-LABEL: func.func @train_step
// CHECK: optim.adam {{.*}} {decoupled, weight_decay = 5.000000e-01 : f64}
// CHECK-LABEL: func.func @eval_step
// CHECK-NOT: optim.adam
// CHECK: return
module attributes {kiln.optimizer = {type = "adamw", weight_decay = 0.5}} {
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %w: tensor<4x4xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<2x4xf32> {
    %h = nn.dense %x, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
    %r = nn.leaky_relu %h {alpha = 0.25} : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that momentum adds one state slot (the buffer) and keeps nesterov.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: tensor<4x4xf32> {kiln.param = {name = "w", trainable = true}},
// CHECK-SAME: %[[BUF:[^:]+]]: tensor<4x4xf32> {kiln.state = {param = "w", slot = "momentum_buffer"}},
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x4xf32> {kiln.input = {name = "x"}}, %[[T:[^:]+]]: tensor<2x4xf32> {kiln.target = {name = "y"}},
// CHECK-SAME: %[[LR:[^:]+]]: f32 {kiln.scalar = "lr"}, %[[STEP:[^:]+]]: i64 {kiln.scalar = "step"}, %[[SEED:[^:]+]]: i64 {kiln.scalar = "seed"})
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<2x4xf32> {kiln.output = {kind = "values", name = "prediction"}}, tensor<4x4xf32> {kiln.tied = 0 : i64}, tensor<4x4xf32> {kiln.tied = 1 : i64})
// CHECK: %[[P:.+]], %[[NB:.+]] = optim.momentum %[[W]], %{{.+}}, %[[BUF]], %[[LR]] {momentum = 5.000000e-01 : f64, nesterov} : tensor<4x4xf32>, f32
// CHECK: return %{{.+}}, %{{.+}}, %[[P]], %[[NB]]
module attributes {kiln.optimizer = {type = "momentum", momentum = 0.5, nesterov}} {
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %w: tensor<4x4xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<2x4xf32> {
    %h = nn.dense %x, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
    %r = nn.sigmoid %h : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that a frozen parameter (trainable = false) is read but gets no optimizer state, no update and, once canonicalized, no gradient.
// The frozen body's weight and bias stay parameters (params table, read by
// every entry point) but only the head has a momentum buffer and a tied result.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W0:[^:]+]]: tensor<32x16xf32> {kiln.param = {name = "body.weight", trainable = false}},
// CHECK-SAME: %[[B0:[^:]+]]: tensor<32xf32> {kiln.param = {name = "body.bias", trainable = false}},
// CHECK-SAME: %[[W1:[^:]+]]: tensor<4x32xf32> {kiln.param = {name = "head.weight", trainable = true}},
// CHECK-SAME: %[[BUF:[^:]+]]: tensor<4x32xf32> {kiln.state = {param = "head.weight", slot = "momentum_buffer"}},
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x16xf32> {kiln.input = {name = "x"}}, %[[T:[^:]+]]: tensor<8x4xf32> {kiln.target = {name = "y"}},
// CHECK-SAME: %[[LR:[^:]+]]: f32 {kiln.scalar = "lr"}, %{{[^:]+}}: i64 {kiln.scalar = "step"}, %{{[^:]+}}: i64 {kiln.scalar = "seed"})
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<8x4xf32> {kiln.output = {kind = "values", name = "prediction"}},
// CHECK-SAME: tensor<4x32xf32> {kiln.tied = 2 : i64}, tensor<4x32xf32> {kiln.tied = 3 : i64})
// CHECK-SAME: attributes {kiln.entry = {batch = 8 : i64, mode = "train", name = "train_step"}}
// CHECK-NEXT: %[[H:.+]] = nn.dense %[[X]], %[[W0]], %[[B0]]
// CHECK-NEXT: %[[TH:.+]] = nn.tanh %[[H]]
// CHECK-NEXT: %[[PRED:.+]] = nn.dense %[[TH]], %[[W1]]
// CHECK: %[[GW1:.+]] = linalg.matmul_transpose_a ins(%{{.+}}, %[[TH]] : tensor<8x4xf32>, tensor<8x32xf32>)
// CHECK-NOT: optim.momentum %[[W0]]
// CHECK-NOT: optim.momentum %[[B0]]
// CHECK: %[[NW1:.+]], %[[NBUF:.+]] = optim.momentum %[[W1]], %[[GW1]], %[[BUF]], %[[LR]]
// CHECK-NOT: optim.
// CHECK: return %{{.+}}, %[[PRED]], %[[NW1]], %[[NBUF]] : tensor<f32>, tensor<8x4xf32>, tensor<4x32xf32>, tensor<4x32xf32>
// CHECK-LABEL: func.func @eval_step
// CHECK-SAME: {kiln.param = {name = "body.weight", trainable = false}}
// CHECK-SAME: attributes {kiln.entry = {batch = 8 : i64, mode = "eval", name = "eval_step"}}
// The frozen layers' weight gradient (dW0 = dhᵀ x), bias gradient and the
// cotangent flowing into them (dh = dpred W1) are dead code, removed by
// canonicalization: only the head's weight gradient is left.
// CLEAN-LABEL: module attributes {kiln.optimizer = {momentum = 9.000000e-01 : f64, type = "momentum"}}
// CLEAN-LABEL: func.func @train_step
// CLEAN: %[[TH:.+]] = nn.tanh
// CLEAN-NOT: linalg.matmul
// CLEAN: %[[GW1:.+]] = linalg.matmul_transpose_a ins(%{{.+}}, %[[TH]] : tensor<8x4xf32>, tensor<8x32xf32>)
// CLEAN-NOT: linalg.matmul
// CLEAN-NOT: iterator_types = ["reduction", "parallel"]
// CLEAN: optim.momentum %{{.+}}, %[[GW1]]
// CLEAN-NEXT: return
module attributes {kiln.optimizer = {type = "momentum", momentum = 0.9}} {
  func.func @model(%x: tensor<8x16xf32> {kiln.input = {name = "x"}},
                   %w0: tensor<32x16xf32> {kiln.param = {name = "body.weight", trainable = false}},
                   %b0: tensor<32xf32> {kiln.param = {name = "body.bias", trainable = false}},
                   %w1: tensor<4x32xf32> {kiln.param = {name = "head.weight", trainable = true}}) -> tensor<8x4xf32> {
    %h = nn.dense %x, %w0, %b0 : (tensor<8x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<8x32xf32>
    %t = nn.tanh %h : tensor<8x32xf32>
    %y = nn.dense %t, %w1 : (tensor<8x32xf32>, tensor<4x32xf32>) -> tensor<8x4xf32>
    return %y : tensor<8x4xf32>
  }
  func.func @loss(%p: tensor<8x4xf32>, %t: tensor<8x4xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<8x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that a module without @loss and kiln.optimizer compiles for inference: forward and forward_1 only, without targets, loss, gradients or state.
// CHECK-LABEL: {{^module \{$}}
// CHECK-NOT: func.func @model
// CHECK-NOT: func.func @train_step
// CHECK-NOT: func.func @eval_step
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[W:[^:]+]]: tensor<3x16xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x4x4xf32> {kiln.input = {name = "image"}})
// CHECK-SAME: -> (tensor<8x3xf32> {kiln.output = {kind = "values", name = "prediction"}})
// CHECK-SAME: attributes {kiln.entry = {batch = 8 : i64, mode = "eval", name = "forward"}}
// CHECK-NEXT: %[[F:.+]] = nn.reshape %[[X]] : tensor<8x4x4xf32> -> tensor<8x16xf32>
// CHECK-NEXT: %[[D:.+]] = nn.dense %[[F]], %[[W]] : (tensor<8x16xf32>, tensor<3x16xf32>) -> tensor<8x3xf32>
// CHECK-NEXT: %[[S:.+]] = nn.sigmoid %[[D]] : tensor<8x3xf32>
// CHECK-NEXT: return %[[S]] : tensor<8x3xf32>
// Tests that forward_1 re-types every batched op at batch 1: the input, the reshape (keeping its per-sample shape), dense and the activation.
// CHECK-LABEL: func.func @forward_1
// CHECK-SAME: (%[[W1:[^:]+]]: tensor<3x16xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %[[X1:[^:]+]]: tensor<1x4x4xf32> {kiln.input = {name = "image"}})
// CHECK-SAME: -> (tensor<1x3xf32> {kiln.output = {kind = "values", name = "prediction"}})
// CHECK-SAME: attributes {kiln.entry = {batch = 1 : i64, mode = "eval", name = "forward_1"}}
// CHECK-NEXT: %[[F1:.+]] = nn.reshape %[[X1]] : tensor<1x4x4xf32> -> tensor<1x16xf32>
// CHECK-NEXT: %[[D1:.+]] = nn.dense %[[F1]], %[[W1]] : (tensor<1x16xf32>, tensor<3x16xf32>) -> tensor<1x3xf32>
// CHECK-NEXT: %[[S1:.+]] = nn.sigmoid %[[D1]] : tensor<1x3xf32>
// CHECK-NEXT: return %[[S1]] : tensor<1x3xf32>
// CHECK-NEXT: }
// CHECK-NOT: func.func
module {
  func.func @model(%x: tensor<8x4x4xf32> {kiln.input = {name = "image"}},
                   %w: tensor<3x16xf32> {kiln.param = {name = "fc.weight", trainable = true}}) -> tensor<8x3xf32> {
    %f = nn.reshape %x : tensor<8x4x4xf32> -> tensor<8x16xf32>
    %y = nn.dense %f, %w : (tensor<8x16xf32>, tensor<3x16xf32>) -> tensor<8x3xf32>
    %s = nn.sigmoid %y : tensor<8x3xf32>
    return %s : tensor<8x3xf32>
  }
}
