// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// Tests that sgd's learning rate has the parameter's element type.
func.func @sgd_lr_type(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: f64) -> tensor<4xf32> {
  // expected-error @+1 {{'optim.sgd' op learning rate type 'f64' differs from the parameter element type 'f32'}}
  %a = optim.sgd %p, %g, %lr : tensor<4xf32>, f64
  return %a : tensor<4xf32>
}

// -----

// Tests that sgd rejects a negative weight decay.
func.func @sgd_weight_decay(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: f32) -> tensor<4xf32> {
  // expected-error @+1 {{'optim.sgd' op weight_decay must be non-negative}}
  %a = optim.sgd %p, %g, %lr {weight_decay = -1.0e-4} : tensor<4xf32>, f32
  return %a : tensor<4xf32>
}

// -----

// Tests that sgd's gradient has the parameter's type.
func.func @sgd_grad_type(%p: tensor<4xf32>, %g: tensor<8xf32>, %lr: f32) -> tensor<4xf32> {
  // expected-error @+1 {{'optim.sgd' op failed to verify that all of {param, grad, new_param} have same type}}
  %a = "optim.sgd"(%p, %g, %lr) : (tensor<4xf32>, tensor<8xf32>, f32) -> tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----

// Tests that momentum's learning rate has the parameter's element type.
func.func @momentum_lr_type(%p: tensor<4xf16>, %g: tensor<4xf16>, %b: tensor<4xf16>, %lr: f32)
    -> (tensor<4xf16>, tensor<4xf16>) {
  // expected-error @+1 {{'optim.momentum' op learning rate type 'f32' differs from the parameter element type 'f16'}}
  %p1, %b1 = optim.momentum %p, %g, %b, %lr : tensor<4xf16>, f32
  return %p1, %b1 : tensor<4xf16>, tensor<4xf16>
}

// -----

// Tests that momentum rejects a coefficient above 1.
func.func @momentum_range(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: f32)
    -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.momentum' op momentum must be in [0, 1], got 1.5}}
  %p1, %b1 = optim.momentum %p, %g, %b, %lr {momentum = 1.5} : tensor<4xf32>, f32
  return %p1, %b1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that momentum rejects a negative coefficient.
func.func @momentum_negative(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: f32)
    -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{momentum must be in [0, 1], got -5.000000e-01}}
  %p1, %b1 = optim.momentum %p, %g, %b, %lr {momentum = -0.5} : tensor<4xf32>, f32
  return %p1, %b1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that momentum rejects a negative weight decay.
func.func @momentum_weight_decay(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: f32)
    -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.momentum' op weight_decay must be non-negative}}
  %p1, %b1 = optim.momentum %p, %g, %b, %lr {weight_decay = -0.01} : tensor<4xf32>, f32
  return %p1, %b1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that momentum's buffer has the parameter's type.
func.func @momentum_buf_type(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<2x2xf32>, %lr: f32)
    -> (tensor<4xf32>, tensor<2x2xf32>) {
  // expected-error @+1 {{'optim.momentum' op failed to verify that all of {param, grad, buf, new_param, new_buf} have same type}}
  %p1, %b1 = "optim.momentum"(%p, %g, %b, %lr) : (tensor<4xf32>, tensor<4xf32>, tensor<2x2xf32>, f32) -> (tensor<4xf32>, tensor<2x2xf32>)
  return %p1, %b1 : tensor<4xf32>, tensor<2x2xf32>
}

// -----

// Tests that adam's learning rate has the parameter's element type.
func.func @adam_lr_type(%p: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %lr: bf16, %t: i64)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.adam' op learning rate type 'bf16' differs from the parameter element type 'f32'}}
  %p1, %m1, %v1 = optim.adam %p, %p, %m, %v, %lr, %t : tensor<4xf32>, bf16
  return %p1, %m1, %v1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that adam rejects beta1 = 1 (the bias correction would divide by zero).
func.func @adam_beta1_one(%p: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %lr: f32, %t: i64)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.adam' op beta1 must be in [0, 1), got 1}}
  %p1, %m1, %v1 = optim.adam %p, %p, %m, %v, %lr, %t {beta1 = 1.0} : tensor<4xf32>, f32
  return %p1, %m1, %v1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that adam rejects a negative beta1.
func.func @adam_beta1_negative(%p: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %lr: f32, %t: i64)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.adam' op beta1 must be in [0, 1), got -2.500000e-01}}
  %p1, %m1, %v1 = optim.adam %p, %p, %m, %v, %lr, %t {beta1 = -0.25} : tensor<4xf32>, f32
  return %p1, %m1, %v1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that adam rejects beta2 above 1.
func.func @adam_beta2(%p: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %lr: f32, %t: i64)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.adam' op beta2 must be in [0, 1), got 1.5}}
  %p1, %m1, %v1 = optim.adam %p, %p, %m, %v, %lr, %t {beta2 = 1.5} : tensor<4xf32>, f32
  return %p1, %m1, %v1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that adam rejects eps = 0.
func.func @adam_eps_zero(%p: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %lr: f32, %t: i64)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.adam' op eps must be positive}}
  %p1, %m1, %v1 = optim.adam %p, %p, %m, %v, %lr, %t {eps = 0.0} : tensor<4xf32>, f32
  return %p1, %m1, %v1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that adam rejects a negative eps.
func.func @adam_eps_negative(%p: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %lr: f32, %t: i64)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.adam' op eps must be positive}}
  %p1, %m1, %v1 = optim.adam %p, %p, %m, %v, %lr, %t {eps = -1.0e-8} : tensor<4xf32>, f32
  return %p1, %m1, %v1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that adam (and AdamW) rejects a negative weight decay.
func.func @adam_weight_decay(%p: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %lr: f32, %t: i64)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.adam' op weight_decay must be non-negative}}
  %p1, %m1, %v1 = optim.adam %p, %p, %m, %v, %lr, %t {weight_decay = -0.01, decoupled} : tensor<4xf32>, f32
  return %p1, %m1, %v1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that adam's step count is an i64.
func.func @adam_step_type(%p: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %lr: f32, %t: i32)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.adam' op operand #5 must be 64-bit signless integer}}
  %p1, %m1, %v1 = "optim.adam"(%p, %p, %m, %v, %lr, %t) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32, i32) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %p1, %m1, %v1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
