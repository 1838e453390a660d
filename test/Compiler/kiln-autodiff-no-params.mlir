// Regression: a training model without parameters was a crash (lr took its
// element type from the first parameter); it is an error.
// RUN: kiln-opt %s -kiln-autodiff -verify-diagnostics

// Tests that a training model without parameters is an error, not a crash.
module attributes {kiln.optimizer = {type = "sgd"}} {
  // expected-error @+1 {{kiln-autodiff: the model has no trainable parameters to train (compile it for inference: no @loss)}}
  func.func @model(%x: tensor<4x3xf32> {kiln.input = {name = "x"}}) -> tensor<4x3xf32> {
    return %x : tensor<4x3xf32>
  }
  func.func @loss(%p: tensor<4x3xf32>, %t: tensor<4x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<4x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
