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

// -----

// Tests that adagrad rejects a negative lr_decay.
func.func @adagrad_lr_decay(%p: tensor<4xf32>, %g: tensor<4xf32>, %s: tensor<4xf32>, %lr: f32, %t: i64) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.adagrad' op lr_decay must be non-negative}}
  %p1, %s1 = optim.adagrad %p, %g, %s, %lr, %t {lr_decay = -0.1} : tensor<4xf32>, f32
  return %p1, %s1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that adagrad rejects eps = 0 (the first step divides by sqrt(sum) + eps).
func.func @adagrad_eps(%p: tensor<4xf32>, %g: tensor<4xf32>, %s: tensor<4xf32>, %lr: f32, %t: i64) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.adagrad' op eps must be positive}}
  %p1, %s1 = optim.adagrad %p, %g, %s, %lr, %t {eps = 0.0} : tensor<4xf32>, f32
  return %p1, %s1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that adagrad rejects a negative weight decay.
func.func @adagrad_weight_decay(%p: tensor<4xf32>, %g: tensor<4xf32>, %s: tensor<4xf32>, %lr: f32, %t: i64) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.adagrad' op weight_decay must be non-negative}}
  %p1, %s1 = optim.adagrad %p, %g, %s, %lr, %t {weight_decay = -1.0e-4} : tensor<4xf32>, f32
  return %p1, %s1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that adagrad's learning rate has the parameter's element type.
func.func @adagrad_lr_type(%p: tensor<4xf32>, %g: tensor<4xf32>, %s: tensor<4xf32>, %lr: f64, %t: i64) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.adagrad' op learning rate type 'f64' differs from the parameter element type 'f32'}}
  %p1, %s1 = optim.adagrad %p, %g, %s, %lr, %t : tensor<4xf32>, f64
  return %p1, %s1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that adagrad's sum has the parameter's type.
func.func @adagrad_sum_type(%p: tensor<4xf32>, %g: tensor<4xf32>, %s: tensor<2x2xf32>, %lr: f32, %t: i64) -> (tensor<4xf32>, tensor<2x2xf32>) {
  // expected-error @+1 {{'optim.adagrad' op failed to verify that all of {param, grad, sum, new_param, new_sum} have same type}}
  %p1, %s1 = "optim.adagrad"(%p, %g, %s, %lr, %t) : (tensor<4xf32>, tensor<4xf32>, tensor<2x2xf32>, f32, i64) -> (tensor<4xf32>, tensor<2x2xf32>)
  return %p1, %s1 : tensor<4xf32>, tensor<2x2xf32>
}

// -----

// Tests that adagrad's step count is an i64.
func.func @adagrad_step_type(%p: tensor<4xf32>, %g: tensor<4xf32>, %s: tensor<4xf32>, %lr: f32, %t: i32) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.adagrad' op operand #4 must be 64-bit signless integer}}
  %p1, %s1 = "optim.adagrad"(%p, %g, %s, %lr, %t) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32, i32) -> (tensor<4xf32>, tensor<4xf32>)
  return %p1, %s1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that rmsprop's gradient and square_avg have the parameter's type.
func.func @rmsprop_grad_type(%p: tensor<4xf32>, %g: tensor<8xf32>, %v: tensor<4xf32>, %lr: f32) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op failed to verify that all of {param, grad, square_avg, new_param, new_square_avg} have same type}}
  %p1, %v1 = "optim.rmsprop"(%p, %g, %v, %lr) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 0, 0>}>
      : (tensor<4xf32>, tensor<8xf32>, tensor<4xf32>, f32) -> (tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that rmsprop's momentum buffer has the parameter's type.
func.func @rmsprop_buffer_type(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %b: tensor<4xf16>, %lr: f32) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op expects the gradient and state of the parameter's type 'tensor<4xf32>', got 'tensor<4xf16>'}}
  %p1, %v1, %b1 = "optim.rmsprop"(%p, %g, %v, %b, %lr) <{momentum = 0.9 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 1, 0>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf16>, f32) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1, %b1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that rmsprop's grad_avg has the parameter's type.
func.func @rmsprop_grad_avg_type(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %a: tensor<2x2xf32>, %lr: f32) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op expects the gradient and state of the parameter's type 'tensor<4xf32>', got 'tensor<2x2xf32>'}}
  %p1, %v1, %a1 = "optim.rmsprop"(%p, %g, %v, %a, %lr) <{centered, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 1>, resultSegmentSizes = array<i32: 1, 1, 0, 1>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x2xf32>, f32) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1, %a1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that rmsprop's results have the parameter's type.
func.func @rmsprop_result_type(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %lr: f32) -> (tensor<4xf32>, tensor<4xf64>) {
  // expected-error @+1 {{'optim.rmsprop' op failed to verify that all of {param, grad, square_avg, new_param, new_square_avg} have same type}}
  %p1, %v1 = "optim.rmsprop"(%p, %g, %v, %lr) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 0, 0>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32) -> (tensor<4xf32>, tensor<4xf64>)
  return %p1, %v1 : tensor<4xf32>, tensor<4xf64>
}

// -----

// Tests that rmsprop rejects alpha above 1.
func.func @rmsprop_alpha(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %lr: f32) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op alpha must be in [0, 1], got 1.5}}
  %p1, %v1 = "optim.rmsprop"(%p, %g, %v, %lr) <{alpha = 1.5 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 0, 0>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32) -> (tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that rmsprop rejects a negative alpha.
func.func @rmsprop_alpha_negative(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %lr: f32) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op alpha must be in [0, 1], got -1.000000e-01}}
  %p1, %v1 = "optim.rmsprop"(%p, %g, %v, %lr) <{alpha = -0.1 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 0, 0>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32) -> (tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that rmsprop rejects momentum above 1.
func.func @rmsprop_momentum_range(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %b: tensor<4xf32>, %lr: f32) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op momentum must be in [0, 1], got 2}}
  %p1, %v1, %b1 = "optim.rmsprop"(%p, %g, %v, %b, %lr) <{momentum = 2.0 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 1, 0>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1, %b1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that rmsprop with momentum > 0 takes a momentum buffer.
func.func @rmsprop_momentum_no_buffer(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %lr: f32) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op takes and returns a momentum_buffer exactly when momentum > 0}}
  %p1, %v1 = "optim.rmsprop"(%p, %g, %v, %lr) <{momentum = 0.9 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 0, 0>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32) -> (tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that rmsprop without momentum takes no momentum buffer.
func.func @rmsprop_buffer_no_momentum(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %b: tensor<4xf32>, %lr: f32) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op takes and returns a momentum_buffer exactly when momentum > 0}}
  %p1, %v1, %b1 = "optim.rmsprop"(%p, %g, %v, %b, %lr) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 1, 0>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1, %b1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that rmsprop that takes a momentum buffer also returns it.
func.func @rmsprop_buffer_not_returned(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %b: tensor<4xf32>, %lr: f32) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op takes and returns a momentum_buffer exactly when momentum > 0}}
  %p1, %v1 = "optim.rmsprop"(%p, %g, %v, %b, %lr) <{momentum = 0.9 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 0, 0>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32) -> (tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that centered rmsprop takes a grad_avg.
func.func @rmsprop_centered_no_avg(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %lr: f32) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op takes and returns a grad_avg exactly when centered}}
  %p1, %v1 = "optim.rmsprop"(%p, %g, %v, %lr) <{centered, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 0, 0>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32) -> (tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that rmsprop that is not centered takes no grad_avg.
func.func @rmsprop_avg_not_centered(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %a: tensor<4xf32>, %lr: f32) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op takes and returns a grad_avg exactly when centered}}
  %p1, %v1, %a1 = "optim.rmsprop"(%p, %g, %v, %a, %lr) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 1>, resultSegmentSizes = array<i32: 1, 1, 0, 1>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1, %a1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that centered rmsprop returns its grad_avg.
func.func @rmsprop_avg_not_returned(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %a: tensor<4xf32>, %lr: f32) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op takes and returns a grad_avg exactly when centered}}
  %p1, %v1 = "optim.rmsprop"(%p, %g, %v, %a, %lr) <{centered, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 1>, resultSegmentSizes = array<i32: 1, 1, 0, 0>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32) -> (tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that rmsprop rejects eps = 0.
func.func @rmsprop_eps(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %lr: f32) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op eps must be positive}}
  %p1, %v1 = "optim.rmsprop"(%p, %g, %v, %lr) <{eps = 0.0 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 0, 0>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32) -> (tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that rmsprop rejects a negative weight decay.
func.func @rmsprop_weight_decay(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %lr: f32) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op weight_decay must be non-negative}}
  %p1, %v1 = "optim.rmsprop"(%p, %g, %v, %lr) <{weight_decay = -0.01 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 0, 0>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32) -> (tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that rmsprop's learning rate has the parameter's element type.
func.func @rmsprop_lr_type(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>, %lr: bf16) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'optim.rmsprop' op learning rate type 'bf16' differs from the parameter element type 'f32'}}
  %p1, %v1 = "optim.rmsprop"(%p, %g, %v, %lr) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 0, 0>}>
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, bf16) -> (tensor<4xf32>, tensor<4xf32>)
  return %p1, %v1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that clip_by_global_norm returns one result of each gradient's type.
func.func @clip_result_types(%g0: tensor<4x8xf32>, %g1: tensor<4xf32>) -> (tensor<4x8xf32>, tensor<8xf32>) {
  // expected-error @+1 {{'optim.clip_by_global_norm' op expects one result of each gradient's type}}
  %c:2 = optim.clip_by_global_norm %g0, %g1 {max_norm = 1.0} : tensor<4x8xf32>, tensor<4xf32> -> tensor<4x8xf32>, tensor<8xf32>
  return %c#0, %c#1 : tensor<4x8xf32>, tensor<8xf32>
}

// -----

// Tests that clip_by_global_norm returns as many results as it takes gradients.
func.func @clip_result_count(%g0: tensor<4x8xf32>, %g1: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'optim.clip_by_global_norm' op expects one result of each gradient's type}}
  %c = optim.clip_by_global_norm %g0, %g1 {max_norm = 1.0} : tensor<4x8xf32>, tensor<4xf32> -> tensor<4x8xf32>
  return %c : tensor<4x8xf32>
}

// -----

// Tests that clip_by_global_norm takes at least one gradient.
func.func @clip_no_gradients() {
  // expected-error @+1 {{'optim.clip_by_global_norm' op expects at least one gradient}}
  "optim.clip_by_global_norm"() <{max_norm = 1.0 : f64}> : () -> ()
  return
}

// -----

// Tests that clip_by_global_norm's gradients share one element type (one norm over all of them).
func.func @clip_element_types(%g0: tensor<4x8xf32>, %g1: tensor<4xf64>) -> (tensor<4x8xf32>, tensor<4xf64>) {
  // expected-error @+1 {{'optim.clip_by_global_norm' op expects gradients of one element type}}
  %c:2 = optim.clip_by_global_norm %g0, %g1 {max_norm = 1.0} : tensor<4x8xf32>, tensor<4xf64> -> tensor<4x8xf32>, tensor<4xf64>
  return %c#0, %c#1 : tensor<4x8xf32>, tensor<4xf64>
}

// -----

// Tests that clip_by_global_norm rejects max_norm = 0.
func.func @clip_max_norm_zero(%g: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'optim.clip_by_global_norm' op max_norm must be positive, got 0.000000e+00}}
  %c = optim.clip_by_global_norm %g {max_norm = 0.0} : tensor<4xf32> -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

// Tests that clip_by_global_norm rejects a negative max_norm.
func.func @clip_max_norm_negative(%g: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'optim.clip_by_global_norm' op max_norm must be positive, got -1.000000e+00}}
  %c = optim.clip_by_global_norm %g {max_norm = -1.0} : tensor<4xf32> -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

// Tests that clip_by_global_norm's max_norm has no default.
func.func @clip_no_max_norm(%g: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'optim.clip_by_global_norm' op requires attribute 'max_norm'}}
  %c = optim.clip_by_global_norm %g : tensor<4xf32> -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

// Tests that allreduce on tensors has one result of each value's type.
func.func @allreduce_results(%ctx: !llvm.ptr, %g: tensor<4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'optim.allreduce' op expects one result of each value's type}}
  %a = optim.allreduce %ctx, %g : tensor<4xf32> -> tensor<3xf32>
  return %a : tensor<3xf32>
}

// -----

// Tests that allreduce on a buffer (in place) has no results.
func.func @allreduce_buffer_result(%ctx: !llvm.ptr, %m: memref<4xf32>) {
  // expected-error @+1 {{'optim.allreduce' op on memrefs has no results}}
  %a = optim.allreduce %ctx, %m : memref<4xf32> -> tensor<4xf32>
  return
}

// -----

// Tests that allreduce does not mix tensors and buffers, nor element types.
func.func @allreduce_mixed(%ctx: !llvm.ptr, %g: tensor<4xf32>, %m: memref<4xf32>) {
  // expected-error @+1 {{'optim.allreduce' op expects values that are all tensors or all memrefs}}
  optim.allreduce %ctx, %m, %g : memref<4xf32>, tensor<4xf32>
  return
}

// -----

// Tests that allreduce takes f32 values: the runtime's callback averages floats.
func.func @allreduce_element_types(%ctx: !llvm.ptr, %a: tensor<4xf32>, %b: tensor<4xf64>) {
  // expected-error @+1 {{'optim.allreduce' op expects f32 values, got 'tensor<4xf64>'}}
  %r:2 = optim.allreduce %ctx, %a, %b : tensor<4xf32>, tensor<4xf64> -> tensor<4xf32>, tensor<4xf64>
  return
}

// -----

// Tests that allreduce needs at least one value and the context as a pointer.
func.func @allreduce_empty(%ctx: !llvm.ptr) {
  // expected-error @+1 {{'optim.allreduce' op expects at least one value}}
  "optim.allreduce"(%ctx) : (!llvm.ptr) -> ()
  return
}

// -----

func.func @allreduce_context(%ctx: i64, %g: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'optim.allreduce' op operand #0 must be the runtime context (!llvm.ptr), but got 'i64'}}
  %a = "optim.allreduce"(%ctx, %g) : (i64, tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}
