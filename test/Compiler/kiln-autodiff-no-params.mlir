// A known bug, kept as a test so that it cannot be forgotten: kiln-autodiff
// crashes (ShapedType::getElementType on a null type, in buildEntry) on a
// training module whose @model has no parameters, where before ABI v2 it
// reported "kiln-autodiff: the model has no parameters". lr's element type is
// taken from params.front(). When this passes, remove the XFAIL line and move
// the case into Inputs/kiln-autodiff-errors.mlir.
// XFAIL: *
// RUN: kiln-opt %s -kiln-autodiff -verify-diagnostics

// Tests that a training model without parameters is an error, not a crash.
module attributes {kiln.optimizer = {type = "sgd"}} {
  // expected-error @+1 {{kiln-autodiff: the model has no parameters}}
  func.func @model(%x: tensor<4x3xf32> {kiln.input = {name = "x"}}) -> tensor<4x3xf32> {
    return %x : tensor<4x3xf32>
  }
  func.func @loss(%p: tensor<4x3xf32>, %t: tensor<4x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<4x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
