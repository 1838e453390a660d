// RUN: kiln-opt %s -split-input-file -kiln-autodiff=check-step=false | FileCheck %s

// Tests that @model's buffers (kiln.buffer: batch norm's running statistics)
// become arguments of every entry point, after the parameters and in
// @model's order (here running_var before running_mean); that train_step
// runs batch_norm in training mode and returns the updated statistics after
// the parameters' updates, in @model's result order, each tied (kiln.tied)
// to the argument of the buffer its kiln.buffer_update names (not to the
// position); and that the eval-mode entry points read the buffers, run
// batch_norm without `training` and return no update (only loss and
// prediction, or the prediction).
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: tensor<3x5xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %[[G:[^:]+]]: tensor<3xf32> {kiln.param = {name = "bn.weight", trainable = true}},
// CHECK-SAME: %[[B:[^:]+]]: tensor<3xf32> {kiln.param = {name = "bn.bias", trainable = true}},
// CHECK-SAME: %[[V:[^:]+]]: tensor<3xf32> {kiln.buffer = {init = "ones", name = "bn.running_var"}},
// CHECK-SAME: %[[M:[^:]+]]: tensor<3xf32> {kiln.buffer = {init = "zeros", name = "bn.running_mean"}},
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x5xf32> {kiln.input = {name = "x"}},
// CHECK-SAME: %[[T:[^:]+]]: tensor<4x3xf32> {kiln.target = {name = "y"}},
// CHECK-SAME: %[[LR:[^:]+]]: f32 {kiln.scalar = "lr"}, %{{[^:]+}}: i64 {kiln.scalar = "step"}, %{{[^:]+}}: i64 {kiln.scalar = "seed"})
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<4x3xf32> {kiln.output = {kind = "values", name = "prediction"}},
// CHECK-SAME: tensor<3x5xf32> {kiln.tied = 0 : i64}, tensor<3xf32> {kiln.tied = 1 : i64}, tensor<3xf32> {kiln.tied = 2 : i64},
// CHECK-SAME: tensor<3xf32> {kiln.tied = 3 : i64}, tensor<3xf32> {kiln.tied = 4 : i64})
// CHECK-SAME: attributes {kiln.entry = {batch = 4 : i64, mode = "train", name = "train_step"}}
// CHECK: %[[H:.+]] = nn.dense %[[X]], %[[W]]
// CHECK: %[[Y:[^,]+]], %[[NM:[^,]+]], %[[NV:[^ ]+]] = nn.batch_norm %[[H]], %[[M]], %[[V]] weight %[[G]] bias %[[B]] {momentum = 2.000000e-01 : f64, training}
// CHECK: nn.mse_loss %[[Y]], %[[T]]
// CHECK: %[[UW:.+]] = optim.sgd %[[W]], %{{.+}}, %[[LR]]
// CHECK: %[[UG:.+]] = optim.sgd %[[G]], %{{.+}}, %[[LR]]
// CHECK: %[[UB:.+]] = optim.sgd %[[B]], %{{.+}}, %[[LR]]
// CHECK: return %{{.+}}, %[[Y]], %[[UW]], %[[UG]], %[[UB]], %[[NV]], %[[NM]] :
// CHECK-LABEL: func.func @eval_step
// CHECK-SAME: %[[V:[^:]+]]: tensor<3xf32> {kiln.buffer = {init = "ones", name = "bn.running_var"}},
// CHECK-SAME: %[[M:[^:]+]]: tensor<3xf32> {kiln.buffer = {init = "zeros", name = "bn.running_mean"}},
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<4x3xf32> {kiln.output = {kind = "values", name = "prediction"}})
// CHECK-SAME: mode = "eval"
// CHECK: %[[Y:[^,]+]], %{{[^,]+}}, %{{[^ ]+}} = nn.batch_norm %{{.+}}, %[[M]], %[[V]] weight %{{.+}} bias %{{.+}} {momentum = 2.000000e-01 : f64} :
// CHECK: return %{{.+}}, %[[Y]] : tensor<f32>, tensor<4x3xf32>
// CHECK-LABEL: func.func @eval_step_1
// CHECK-SAME: {kiln.buffer = {init = "ones", name = "bn.running_var"}}
// CHECK-SAME: {kiln.buffer = {init = "zeros", name = "bn.running_mean"}}
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<1x3xf32> {kiln.output = {kind = "values", name = "prediction"}})
// CHECK: nn.batch_norm {{.*}} {momentum = 2.000000e-01 : f64} : (tensor<1x3xf32>,
// CHECK-LABEL: func.func @forward
// CHECK-SAME: {kiln.buffer = {init = "ones", name = "bn.running_var"}}
// CHECK-SAME: -> (tensor<4x3xf32> {kiln.output = {kind = "values", name = "prediction"}})
// CHECK: nn.batch_norm {{.*}} {momentum = 2.000000e-01 : f64} : (tensor<4x3xf32>,
// CHECK-LABEL: func.func @forward_1
// CHECK-SAME: {kiln.buffer = {init = "ones", name = "bn.running_var"}}
// CHECK-SAME: -> (tensor<1x3xf32> {kiln.output = {kind = "values", name = "prediction"}})
// CHECK: nn.batch_norm {{.*}} {momentum = 2.000000e-01 : f64} : (tensor<1x3xf32>,
// CHECK-NOT: training
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<4x5xf32> {kiln.input = {name = "x"}},
                   %v: tensor<3xf32> {kiln.buffer = {name = "bn.running_var", init = "ones"}},
                   %w: tensor<3x5xf32> {kiln.param = {name = "fc.weight", trainable = true}},
                   %m: tensor<3xf32> {kiln.buffer = {name = "bn.running_mean", init = "zeros"}},
                   %g: tensor<3xf32> {kiln.param = {name = "bn.weight", trainable = true}},
                   %b: tensor<3xf32> {kiln.param = {name = "bn.bias", trainable = true}})
      -> (tensor<4x3xf32>, tensor<3xf32> {kiln.buffer_update = "bn.running_var"},
          tensor<3xf32> {kiln.buffer_update = "bn.running_mean"}) {
    %h = nn.dense %x, %w : (tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<4x3xf32>
    %y, %nm, %nv = nn.batch_norm %h, %m, %v weight %g bias %b {momentum = 0.2}
        : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
        -> (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>)
    return %y, %nv, %nm : tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>
  }
  func.func @loss(%p: tensor<4x3xf32>, %t: tensor<4x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<4x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that a buffer no result updates is read-only: train_step takes it
// and returns only the parameters' updates (nothing tied to the buffer).
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%{{[^:]+}}: tensor<3x5xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %{{[^:]+}}: tensor<3xf32> {kiln.buffer = {init = "ones", name = "scale"}},
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<4x3xf32> {kiln.output = {kind = "values", name = "prediction"}}, tensor<3x5xf32> {kiln.tied = 0 : i64})
// CHECK-SAME: attributes
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<4x5xf32> {kiln.input = {name = "x"}},
                   %s: tensor<3xf32> {kiln.buffer = {name = "scale", init = "ones"}},
                   %w: tensor<3x5xf32> {kiln.param = {name = "fc.weight", trainable = true}}) -> tensor<4x3xf32> {
    %h = nn.dense %x, %w : (tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<4x3xf32>
    %mz = arith.constant dense<0.0> : tensor<3xf32>
    %y:3 = nn.batch_norm %h, %mz, %s : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>)
    return %y#0 : tensor<4x3xf32>
  }
  func.func @loss(%p: tensor<4x3xf32>, %t: tensor<4x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<4x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
