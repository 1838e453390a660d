// RUN: kiln-opt %s -split-input-file -kiln-autodiff | FileCheck %s

// Tests kiln-autodiff's training toolkit: regularization terms, per-parameter lr_scale and weight_decay, gradient clipping, the adagrad and rmsprop state, and the predictions of the losses on logits.

// Tests that a @model result marked kiln.regularization (nn.weight_penalty) joins the loss that train_step and eval_step report and is a second root of the reverse sweep: its VJP (l1 sign(w) + 2 l2 w, seeded with 1) adds to the weight's gradient.
// It is not a result of its own: train_step returns the loss, the prediction and the new parameters.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: tensor<3x6xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %[[B:[^:]+]]: tensor<3xf32> {kiln.param = {name = "fc.bias", trainable = true}},
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x6xf32> {kiln.input = {name = "x"}}, %[[Y:[^:]+]]: tensor<8x3xf32> {kiln.target = {name = "y"}},
// CHECK-SAME: %[[LR:[^:]+]]: f32 {kiln.scalar = "lr"}
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<8x3xf32> {kiln.output = {kind = "values", name = "prediction"}},
// CHECK-SAME: tensor<3x6xf32> {kiln.tied = 0 : i64}, tensor<3xf32> {kiln.tied = 1 : i64})
// CHECK-NEXT: %[[PRED:.+]] = nn.dense %[[X]], %[[W]], %[[B]]
// CHECK-NEXT: %[[PEN:.+]] = nn.weight_penalty %[[W]] {l1 = 2.500000e-01 : f64, l2 = 3.750000e-01 : f64} : tensor<3x6xf32> -> tensor<f32>
// CHECK-NEXT: %[[MSE:.+]] = nn.mse_loss %[[PRED]], %[[Y]]
// CHECK: %[[TOTAL:.+]] = linalg.generic {{.*}} ins(%[[MSE]], %[[PEN]] : tensor<f32>, tensor<f32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// Each root is seeded with 1: the loss, then the penalty.
// CHECK: %[[SEEDL:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<f32>)
// CHECK: %[[SEEDP:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<f32>)
// The penalty's VJP: 0.25 sign(w) + 0.75 w, scaled by its seed.
// CHECK: %[[DPEN:.+]] = linalg.generic {{.*}} ins(%[[W]] : tensor<3x6xf32>)
// CHECK-NEXT: ^bb0(%[[WI:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[L1:.+]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[NEGSIGN:.+]] = arith.select
// CHECK-NEXT: %[[SIGN:.+]] = arith.select %{{.+}}, %{{.+}}, %[[NEGSIGN]] : f32
// CHECK-NEXT: %[[T1:.+]] = arith.mulf %[[L1]], %[[SIGN]] : f32
// CHECK-NEXT: %[[TWOL2:.+]] = arith.constant 7.500000e-01 : f32
// CHECK-NEXT: %[[T2:.+]] = arith.mulf %[[TWOL2]], %[[WI]] : f32
// CHECK-NEXT: arith.addf %[[T1]], %[[T2]] : f32
// CHECK: %[[GPEN:.+]] = linalg.generic {{.*}} ins(%[[DPEN]], %[[SEEDP]] : tensor<3x6xf32>, tensor<f32>)
// CHECK: %[[GDENSE:.+]] = linalg.matmul_transpose_a ins(%{{.+}}, %[[X]] : tensor<8x3xf32>, tensor<8x6xf32>)
// CHECK: %[[GW:.+]] = linalg.generic {{.*}} ins(%[[GPEN]], %[[GDENSE]] : tensor<3x6xf32>, tensor<3x6xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK: %[[NW:.+]] = optim.sgd %[[W]], %[[GW]], %[[LR]] : tensor<3x6xf32>, f32
// CHECK: %[[NB:.+]] = optim.sgd %[[B]], %{{.+}}, %[[LR]] : tensor<3xf32>, f32
// CHECK-NEXT: return %[[TOTAL]], %[[PRED]], %[[NW]], %[[NB]] : tensor<f32>, tensor<8x3xf32>, tensor<3x6xf32>, tensor<3xf32>
// eval_step reports the same sum, with no reverse sweep.
// CHECK-LABEL: func.func @eval_step(
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<8x3xf32> {kiln.output = {kind = "values", name = "prediction"}})
// CHECK: %[[EPRED:.+]] = nn.dense
// CHECK-NEXT: %[[EPEN:.+]] = nn.weight_penalty
// CHECK-NEXT: %[[EMSE:.+]] = nn.mse_loss %[[EPRED]]
// CHECK: %[[ETOTAL:.+]] = linalg.generic {{.*}} ins(%[[EMSE]], %[[EPEN]] : tensor<f32>, tensor<f32>)
// CHECK-NOT: optim.
// CHECK: return %[[ETOTAL]], %[[EPRED]]
// forward takes no target and returns the prediction alone.
// CHECK-LABEL: func.func @forward(
// CHECK-SAME: -> (tensor<8x3xf32> {kiln.output = {kind = "values", name = "prediction"}})
// CHECK: return %{{.+}} : tensor<8x3xf32>
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "fc.weight", trainable = true}},
                   %b: tensor<3xf32> {kiln.param = {name = "fc.bias", trainable = true}})
      -> (tensor<8x3xf32>, tensor<f32> {kiln.regularization}) {
    %y = nn.dense %x, %w, %b : (tensor<8x6xf32>, tensor<3x6xf32>, tensor<3xf32>) -> tensor<8x3xf32>
    %r = nn.weight_penalty %w {l1 = 0.25, l2 = 0.375} : tensor<3x6xf32> -> tensor<f32>
    return %y, %r : tensor<8x3xf32>, tensor<f32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that a regularization term may follow a buffer's update: the buffer's update stays tied to its buffer and the term joins the loss.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %[[COUNT:[^:]+]]: tensor<i64> {kiln.buffer = {init = "zeros", name = "count"}}
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<8x3xf32> {kiln.output = {kind = "values", name = "prediction"}},
// CHECK-SAME: tensor<3x6xf32> {kiln.tied = 0 : i64}, tensor<i64> {kiln.tied = 1 : i64})
// CHECK: %[[NEWCOUNT:.+]] = nn.count %[[COUNT]] {training} : tensor<i64>
// CHECK-NEXT: %[[PEN:.+]] = nn.weight_penalty
// CHECK-NEXT: %[[MSE:.+]] = nn.mse_loss
// CHECK: %[[TOTAL:.+]] = linalg.generic {{.*}} ins(%[[MSE]], %[[PEN]] : tensor<f32>, tensor<f32>)
// CHECK: %[[NW:.+]] = optim.sgd
// CHECK: return %[[TOTAL]], %{{.+}}, %[[NW]], %[[NEWCOUNT]] : tensor<f32>, tensor<8x3xf32>, tensor<3x6xf32>, tensor<i64>
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "fc.weight", trainable = true}},
                   %n: tensor<i64> {kiln.buffer = {name = "count", init = "zeros"}})
      -> (tensor<8x3xf32>, tensor<i64> {kiln.buffer_update = "count"}, tensor<f32> {kiln.regularization}) {
    %y = nn.dense %x, %w : (tensor<8x6xf32>, tensor<3x6xf32>) -> tensor<8x3xf32>
    %c = nn.count %n : tensor<i64>
    %r = nn.weight_penalty %w {l2 = 0.5} : tensor<3x6xf32> -> tensor<f32>
    return %y, %c, %r : tensor<8x3xf32>, tensor<i64>, tensor<f32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that a parameter's kiln.param lr_scale multiplies the lr scalar just before that parameter's update, and its weight_decay overrides the optimizer's (0.0 too); parameters without them use lr and the optimizer's weight_decay.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: tensor<3x6xf32> {kiln.param = {lr_scale = 5.000000e-01 : f64, name = "fc.weight", trainable = true, weight_decay = 0.000000e+00 : f64}},
// CHECK-SAME: %[[B:[^:]+]]: tensor<3xf32> {kiln.param = {name = "fc.bias", trainable = true, weight_decay = 2.500000e-01 : f64}},
// CHECK-SAME: %[[U:[^:]+]]: tensor<3x3xf32> {kiln.param = {name = "head.weight", trainable = true}},
// CHECK-SAME: %[[LR:[^:]+]]: f32 {kiln.scalar = "lr"}
// CHECK: %[[SCALE:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[WLR:.+]] = arith.mulf %[[LR]], %[[SCALE]] : f32
// CHECK-NEXT: %{{.+}}, %{{.+}} = optim.momentum %[[W]], %{{.+}}, %{{.+}}, %[[WLR]] : tensor<3x6xf32>, f32
// CHECK-NOT: arith.mulf %[[LR]]
// CHECK: optim.momentum %[[B]], %{{.+}}, %{{.+}}, %[[LR]] {weight_decay = 2.500000e-01 : f64} : tensor<3xf32>, f32
// CHECK-NOT: arith.mulf %[[LR]]
// CHECK: optim.momentum %[[U]], %{{.+}}, %{{.+}}, %[[LR]] {weight_decay = 1.000000e-02 : f64} : tensor<3x3xf32>, f32
// CHECK-LABEL: func.func @eval_step(
module attributes {kiln.optimizer = {type = "momentum", momentum = 0.9, weight_decay = 0.01}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "fc.weight", trainable = true, lr_scale = 0.5, weight_decay = 0.0}},
                   %b: tensor<3xf32> {kiln.param = {name = "fc.bias", trainable = true, weight_decay = 0.25}},
                   %u: tensor<3x3xf32> {kiln.param = {name = "head.weight", trainable = true}}) -> tensor<8x3xf32> {
    %h = nn.dense %x, %w, %b : (tensor<8x6xf32>, tensor<3x6xf32>, tensor<3xf32>) -> tensor<8x3xf32>
    %y = nn.dense %h, %u : (tensor<8x3xf32>, tensor<3x3xf32>) -> tensor<8x3xf32>
    return %y : tensor<8x3xf32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that clip_norm inserts one optim.clip_by_global_norm over every trainable parameter's gradient (a frozen one's is left out), after the last gradient and before the first update, and every update takes its clipped gradient.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: tensor<3x6xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %[[B:[^:]+]]: tensor<3xf32> {kiln.param = {name = "fc.bias", trainable = true}},
// CHECK-SAME: %[[F:[^:]+]]: tensor<3x3xf32> {kiln.param = {name = "frozen.weight", trainable = false}},
// CHECK-SAME: %[[LR:[^:]+]]: f32 {kiln.scalar = "lr"}
// CHECK: %[[GW:.+]] = linalg.matmul_transpose_a ins(%{{.+}}, %{{.+}} : tensor<8x3xf32>, tensor<8x6xf32>)
// CHECK: %[[GB:.+]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]}
// CHECK-NOT: optim.sgd
// CHECK: %[[C:.+]]:2 = optim.clip_by_global_norm %[[GW]], %[[GB]] {max_norm = 1.500000e+00 : f64} : tensor<3x6xf32>, tensor<3xf32> -> tensor<3x6xf32>, tensor<3xf32>
// CHECK-NEXT: %[[NW:.+]] = optim.sgd %[[W]], %[[C]]#0, %[[LR]] : tensor<3x6xf32>, f32
// CHECK-NEXT: %[[NB:.+]] = optim.sgd %[[B]], %[[C]]#1, %[[LR]] : tensor<3xf32>, f32
// CHECK-NOT: optim.
// CHECK: return %{{.+}}, %{{.+}}, %[[NW]], %[[NB]] :
// CHECK-LABEL: func.func @eval_step(
// CHECK-NOT: optim.
// CHECK: return
module attributes {kiln.optimizer = {type = "sgd", clip_norm = 1.5}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "fc.weight", trainable = true}},
                   %b: tensor<3xf32> {kiln.param = {name = "fc.bias", trainable = true}},
                   %f: tensor<3x3xf32> {kiln.param = {name = "frozen.weight", trainable = false}}) -> tensor<8x3xf32> {
    %h = nn.dense %x, %w, %b : (tensor<8x6xf32>, tensor<3x6xf32>, tensor<3xf32>) -> tensor<8x3xf32>
    %y = nn.dense %h, %f : (tensor<8x3xf32>, tensor<3x3xf32>) -> tensor<8x3xf32>
    return %y : tensor<8x3xf32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that clip_value clamps each gradient to [-v, v] elementwise (maximumf with -v, then minimumf with v) before its update; no global norm.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: tensor<3x6xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %[[B:[^:]+]]: tensor<3xf32> {kiln.param = {name = "fc.bias", trainable = true}},
// CHECK-NOT: optim.clip_by_global_norm
// CHECK: %[[CW:.+]] = linalg.generic {{.*}} ins(%{{.+}} : tensor<3x6xf32>)
// CHECK-NEXT: ^bb0(%[[GI:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[LO:.+]] = arith.constant -2.500000e-01 : f32
// CHECK-NEXT: %[[ABOVE:.+]] = arith.maximumf %[[GI]], %[[LO]] : f32
// CHECK-NEXT: %[[HI:.+]] = arith.constant 2.500000e-01 : f32
// CHECK-NEXT: %[[CL:.+]] = arith.minimumf %[[ABOVE]], %[[HI]] : f32
// CHECK-NEXT: linalg.yield %[[CL]] : f32
// CHECK: %[[CB:.+]] = linalg.generic {{.*}} ins(%{{.+}} : tensor<3xf32>)
// CHECK: arith.maximumf
// CHECK-NEXT: arith.constant 2.500000e-01 : f32
// CHECK-NEXT: arith.minimumf
// CHECK: optim.sgd %[[W]], %[[CW]], %{{.+}} : tensor<3x6xf32>, f32
// CHECK-NEXT: optim.sgd %[[B]], %[[CB]], %{{.+}} : tensor<3xf32>, f32
module attributes {kiln.optimizer = {type = "sgd", clip_value = 0.25}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "fc.weight", trainable = true}},
                   %b: tensor<3xf32> {kiln.param = {name = "fc.bias", trainable = true}}) -> tensor<8x3xf32> {
    %y = nn.dense %x, %w, %b : (tensor<8x6xf32>, tensor<3x6xf32>, tensor<3xf32>) -> tensor<8x3xf32>
    return %y : tensor<8x3xf32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that adagrad keeps one slot, "sum", per trainable parameter, whose kiln.state carries init = initial_accumulator_value, and updates with optim.adagrad taking the step and the optimizer's lr_decay and eps.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: tensor<3x6xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %[[B:[^:]+]]: tensor<3xf32> {kiln.param = {name = "fc.bias", trainable = true}},
// CHECK-SAME: %[[SW:[^:]+]]: tensor<3x6xf32> {kiln.state = {init = 1.000000e-01 : f64, param = "fc.weight", slot = "sum"}},
// CHECK-SAME: %[[SB:[^:]+]]: tensor<3xf32> {kiln.state = {init = 1.000000e-01 : f64, param = "fc.bias", slot = "sum"}},
// CHECK-SAME: %[[LR:[^:]+]]: f32 {kiln.scalar = "lr"}, %[[STEP:[^:]+]]: i64 {kiln.scalar = "step"}
// CHECK-SAME: tensor<3x6xf32> {kiln.tied = 0 : i64}, tensor<3x6xf32> {kiln.tied = 2 : i64}, tensor<3xf32> {kiln.tied = 1 : i64}, tensor<3xf32> {kiln.tied = 3 : i64})
// CHECK: %[[NW:.+]], %[[NSW:.+]] = optim.adagrad %[[W]], %{{.+}}, %[[SW]], %[[LR]], %[[STEP]] {eps = 1.250000e-01 : f64, lr_decay = 1.000000e-02 : f64} : tensor<3x6xf32>, f32
// CHECK-NEXT: %[[NB:.+]], %[[NSB:.+]] = optim.adagrad %[[B]], %{{.+}}, %[[SB]], %[[LR]], %[[STEP]] {eps = 1.250000e-01 : f64, lr_decay = 1.000000e-02 : f64} : tensor<3xf32>, f32
// CHECK: return %{{.+}}, %{{.+}}, %[[NW]], %[[NSW]], %[[NB]], %[[NSB]] :
module attributes {kiln.optimizer = {type = "adagrad", initial_accumulator_value = 0.1, lr_decay = 0.01, eps = 0.125}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "fc.weight", trainable = true}},
                   %b: tensor<3xf32> {kiln.param = {name = "fc.bias", trainable = true}}) -> tensor<8x3xf32> {
    %y = nn.dense %x, %w, %b : (tensor<8x6xf32>, tensor<3x6xf32>, tensor<3xf32>) -> tensor<8x3xf32>
    return %y : tensor<8x3xf32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that adagrad without initial_accumulator_value puts no init on its state (it starts at 0, as every other slot).
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: {kiln.state = {param = "w", slot = "sum"}}
// CHECK: optim.adagrad
module attributes {kiln.optimizer = {type = "adagrad"}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<8x3xf32> {
    %y = nn.dense %x, %w : (tensor<8x6xf32>, tensor<3x6xf32>) -> tensor<8x3xf32>
    return %y : tensor<8x3xf32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that rmsprop with momentum and centered keeps three slots per parameter, square_avg, momentum_buffer and grad_avg in that order, and passes them to optim.rmsprop.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: tensor<3x6xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %[[B:[^:]+]]: tensor<3xf32> {kiln.param = {name = "fc.bias", trainable = true}},
// CHECK-SAME: %[[VW:[^:]+]]: tensor<3x6xf32> {kiln.state = {param = "fc.weight", slot = "square_avg"}},
// CHECK-SAME: %[[MW:[^:]+]]: tensor<3x6xf32> {kiln.state = {param = "fc.weight", slot = "momentum_buffer"}},
// CHECK-SAME: %[[AW:[^:]+]]: tensor<3x6xf32> {kiln.state = {param = "fc.weight", slot = "grad_avg"}},
// CHECK-SAME: %[[VB:[^:]+]]: tensor<3xf32> {kiln.state = {param = "fc.bias", slot = "square_avg"}},
// CHECK-SAME: %[[MB:[^:]+]]: tensor<3xf32> {kiln.state = {param = "fc.bias", slot = "momentum_buffer"}},
// CHECK-SAME: %[[AB:[^:]+]]: tensor<3xf32> {kiln.state = {param = "fc.bias", slot = "grad_avg"}},
// CHECK-SAME: %[[LR:[^:]+]]: f32 {kiln.scalar = "lr"}
// CHECK-SAME: tensor<3x6xf32> {kiln.tied = 0 : i64}, tensor<3x6xf32> {kiln.tied = 2 : i64}, tensor<3x6xf32> {kiln.tied = 3 : i64}, tensor<3x6xf32> {kiln.tied = 4 : i64},
// CHECK-SAME: tensor<3xf32> {kiln.tied = 1 : i64}, tensor<3xf32> {kiln.tied = 5 : i64}, tensor<3xf32> {kiln.tied = 6 : i64}, tensor<3xf32> {kiln.tied = 7 : i64})
// CHECK: %[[NW:.+]], %[[NVW:.+]], %[[NMW:.+]], %[[NAW:.+]] = optim.rmsprop %[[W]], %{{.+}}, %[[VW]] momentum_buffer %[[MW]] : tensor<3x6xf32> -> tensor<3x6xf32> grad_avg %[[AW]] : tensor<3x6xf32> -> tensor<3x6xf32>, %[[LR]] {alpha = 9.000000e-01 : f64, centered, momentum = 5.000000e-01 : f64
// CHECK-NEXT: %[[NB:.+]], %[[NVB:.+]], %[[NMB:.+]], %[[NAB:.+]] = optim.rmsprop %[[B]], %{{.+}}, %[[VB]] momentum_buffer %[[MB]] : tensor<3xf32> -> tensor<3xf32> grad_avg %[[AB]] : tensor<3xf32> -> tensor<3xf32>, %[[LR]]
// CHECK: return %{{.+}}, %{{.+}}, %[[NW]], %[[NVW]], %[[NMW]], %[[NAW]], %[[NB]], %[[NVB]], %[[NMB]], %[[NAB]] :
module attributes {kiln.optimizer = {type = "rmsprop", alpha = 0.9, momentum = 0.5, centered = true}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "fc.weight", trainable = true}},
                   %b: tensor<3xf32> {kiln.param = {name = "fc.bias", trainable = true}}) -> tensor<8x3xf32> {
    %y = nn.dense %x, %w, %b : (tensor<8x6xf32>, tensor<3x6xf32>, tensor<3xf32>) -> tensor<8x3xf32>
    return %y : tensor<8x3xf32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that plain rmsprop keeps square_avg only.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %[[V:[^:]+]]: tensor<3x6xf32> {kiln.state = {param = "w", slot = "square_avg"}}, %{{[^:]+}}: tensor<8x6xf32> {kiln.input
// CHECK-NOT: kiln.state
// CHECK: %[[NW:.+]], %[[NV:.+]] = optim.rmsprop %{{.+}}, %{{.+}}, %[[V]], %{{[^ ]+}} {{.*}}: tensor<3x6xf32>, f32{{$}}
module attributes {kiln.optimizer = {type = "rmsprop", centered = false}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<8x3xf32> {
    %y = nn.dense %x, %w : (tensor<8x6xf32>, tensor<3x6xf32>) -> tensor<8x3xf32>
    return %y : tensor<8x3xf32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that binary_cross_entropy (on logits) makes the predictions nn.sigmoid of the logits, of kind "probabilities", in train_step and forward; its cotangent is sigmoid(x) - t, scaled by seed / N.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<8x3xf32> {kiln.output = {kind = "probabilities", name = "prediction"}},
// CHECK: %[[LOGITS:.+]] = nn.dense
// CHECK-NEXT: %[[LOSS:.+]] = nn.binary_cross_entropy %[[LOGITS]], %[[Y:[^ ]+]] : tensor<8x3xf32> -> tensor<f32>
// CHECK: linalg.generic {{.*}} ins(%[[LOGITS]], %[[Y]] : tensor<8x3xf32>, tensor<8x3xf32>)
// CHECK-NEXT: ^bb0(%[[XI:.+]]: f32, %[[TI:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[NEG:.+]] = arith.negf %[[XI]] : f32
// CHECK-NEXT: %[[E:.+]] = math.exp %[[NEG]] : f32
// CHECK: %[[DEN:.+]] = arith.addf %{{.+}}, %[[E]] : f32
// CHECK-NEXT: %[[SIG:.+]] = arith.divf %{{.+}}, %[[DEN]] : f32
// CHECK-NEXT: arith.subf %[[SIG]], %[[TI]] : f32
// CHECK: arith.constant 0.0416666679 : f32
// CHECK: optim.sgd
// CHECK-NEXT: %[[PROBS:.+]] = nn.sigmoid %[[LOGITS]] : tensor<8x3xf32>
// CHECK-NEXT: return %[[LOSS]], %[[PROBS]],
// CHECK-LABEL: func.func @forward(
// CHECK-SAME: -> (tensor<8x3xf32> {kiln.output = {kind = "probabilities", name = "prediction"}})
// CHECK: %[[FL:.+]] = nn.dense
// CHECK-NEXT: %[[FP:.+]] = nn.sigmoid %[[FL]] : tensor<8x3xf32>
// CHECK-NEXT: return %[[FP]]
// CHECK-NOT: nn.softmax
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<8x3xf32> {
    %y = nn.dense %x, %w : (tensor<8x6xf32>, tensor<3x6xf32>) -> tensor<8x3xf32>
    return %y : tensor<8x3xf32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.binary_cross_entropy %p, %t : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that kl_divergence makes the predictions nn.softmax of the logits, of kind "probabilities"; its cotangent is softmax(x) Σ_c t - t, scaled by seed / batch.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<8x3xf32> {kiln.output = {kind = "probabilities", name = "prediction"}},
// CHECK: %[[LOGITS:.+]] = nn.dense
// CHECK-NEXT: %[[LOSS:.+]] = nn.kl_divergence %[[LOGITS]], %[[Y:[^ ]+]] : tensor<8x3xf32> -> tensor<f32>
// CHECK: %[[TSUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[Y]] : tensor<8x3xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %[[Y]], %[[TSUM]] : tensor<8x3xf32>, tensor<8x3xf32>, tensor<8xf32>)
// CHECK-NEXT: ^bb0(%[[P:.+]]: f32, %[[T:.+]]: f32, %[[S:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[PS:.+]] = arith.mulf %[[P]], %[[S]] : f32
// CHECK-NEXT: arith.subf %[[PS]], %[[T]] : f32
// CHECK: arith.constant 1.250000e-01 : f32
// CHECK: optim.sgd
// CHECK-NEXT: %[[PROBS:.+]] = nn.softmax %[[LOGITS]] : tensor<8x3xf32>
// CHECK-NEXT: return %[[LOSS]], %[[PROBS]],
// CHECK-LABEL: func.func @forward(
// CHECK-SAME: kind = "probabilities"
// CHECK: nn.softmax
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<8x3xf32> {
    %y = nn.dense %x, %w : (tensor<8x6xf32>, tensor<3x6xf32>) -> tensor<8x3xf32>
    return %y : tensor<8x3xf32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.kl_divergence %p, %t : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that softmax cross-entropy with probability targets and label smoothing takes f32 [batch, classes] targets (re-batched to [1, classes] for eval_step_1) and predicts softmax probabilities.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %{{[^:]+}}: tensor<8x3xf32> {kiln.target = {name = "y"}}
// CHECK-SAME: tensor<8x3xf32> {kiln.output = {kind = "probabilities", name = "prediction"}}
// CHECK: nn.softmax_cross_entropy %{{.+}}, %{{.+}} {label_smoothing = 1.000000e-01 : f64} : tensor<8x3xf32>, tensor<8x3xf32> -> tensor<f32>
// CHECK: nn.softmax
// CHECK-LABEL: func.func @eval_step_1(
// CHECK-SAME: %{{[^:]+}}: tensor<1x3xf32> {kiln.target = {name = "y"}}
// CHECK: nn.softmax_cross_entropy %{{.+}}, %{{.+}} {label_smoothing = 1.000000e-01 : f64} : tensor<1x3xf32>, tensor<1x3xf32> -> tensor<f32>
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<8x3xf32> {
    %y = nn.dense %x, %w : (tensor<8x6xf32>, tensor<3x6xf32>) -> tensor<8x3xf32>
    return %y : tensor<8x3xf32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.softmax_cross_entropy %p, %t {label_smoothing = 0.1} : tensor<8x3xf32>, tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that mae's cotangent is sign(p - t) (0 at 0) and huber's is p - t clamped to [-delta, delta], each scaled by seed / N, and that both predict raw values.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: kind = "values"
// CHECK: nn.mae_loss
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[P:.+]]: f32, %[[T:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[D:.+]] = arith.subf %[[P]], %[[T]] : f32
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[POS:.+]] = arith.cmpf olt, %[[ZERO]], %[[D]] : f32
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[NEG:.+]] = arith.cmpf olt, %[[D]], %[[ZERO]] : f32
// CHECK-NEXT: %[[MONE:.+]] = arith.constant -1.000000e+00 : f32
// CHECK-NEXT: %[[S0:.+]] = arith.select %[[NEG]], %[[MONE]], %[[ZERO]] : f32
// CHECK-NEXT: %[[S:.+]] = arith.select %[[POS]], %[[ONE]], %[[S0]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: arith.constant 0.0416666679 : f32
// CHECK-NOT: nn.softmax
// CHECK-NOT: nn.sigmoid
// CHECK: return
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<8x3xf32> {
    %y = nn.dense %x, %w : (tensor<8x6xf32>, tensor<3x6xf32>) -> tensor<8x3xf32>
    return %y : tensor<8x3xf32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mae_loss %p, %t : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// CHECK-LABEL: func.func @train_step
// CHECK-SAME: kind = "values"
// CHECK: nn.huber_loss %{{.+}}, %{{.+}} {delta = 5.000000e-01 : f64}
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[P:.+]]: f32, %[[T:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[D:.+]] = arith.subf %[[P]], %[[T]] : f32
// CHECK-NEXT: %[[LO:.+]] = arith.constant -5.000000e-01 : f32
// CHECK-NEXT: %[[A:.+]] = arith.maximumf %[[D]], %[[LO]] : f32
// CHECK-NEXT: %[[HI:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[C:.+]] = arith.minimumf %[[A]], %[[HI]] : f32
// CHECK-NEXT: linalg.yield %[[C]] : f32
// CHECK: arith.constant 0.0416666679 : f32
// CHECK-NOT: nn.softmax
// CHECK-NOT: nn.sigmoid
// CHECK: return
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<8x3xf32> {
    %y = nn.dense %x, %w : (tensor<8x6xf32>, tensor<3x6xf32>) -> tensor<8x3xf32>
    return %y : tensor<8x3xf32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.huber_loss %p, %t {delta = 0.5} : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
