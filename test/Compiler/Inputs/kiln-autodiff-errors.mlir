// Error cases of kiln-autodiff, checked with -verify-diagnostics by ../kiln-autodiff.mlir.

// Tests that a module without @loss is rejected.
// expected-error @+1 {{kiln-autodiff expects @model, @loss and a kiln.optimizer attribute with a type}}
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<2x4xf32>, %w: tensor<2x4xf32>) -> tensor<2x4xf32> {
    %r = nn.relu %w : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
}

// -----

// Tests that a module without @model is rejected.
// expected-error @+1 {{kiln-autodiff expects @model, @loss and a kiln.optimizer attribute with a type}}
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32>) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that an optimizer attribute without a type is rejected.
// expected-error @+1 {{kiln-autodiff expects @model, @loss and a kiln.optimizer attribute with a type}}
module attributes {kiln.optimizer = {lr = 0.1}} {
  func.func @model(%x: tensor<2x4xf32>, %w: tensor<2x4xf32>) -> tensor<2x4xf32> {
    %r = nn.relu %w : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32>) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that a module without the kiln.optimizer attribute is rejected.
// expected-error @+1 {{kiln-autodiff expects @model, @loss and a kiln.optimizer attribute with a type}}
module {
  func.func @model(%x: tensor<2x4xf32>, %w: tensor<2x4xf32>) -> tensor<2x4xf32> {
    %r = nn.relu %w : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32>) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that an unknown optimizer type is rejected.
// expected-error @+1 {{kiln-autodiff: unknown optimizer 'lbfgs'}}
module attributes {kiln.optimizer = {type = "lbfgs"}} {
  func.func @model(%x: tensor<2x4xf32>, %w: tensor<2x4xf32>) -> tensor<2x4xf32> {
    %r = nn.relu %w : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32>) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that an op on the gradient path without a gradient rule is reported.
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<2x4xf32>, %w: tensor<2x4xf32>) -> tensor<2x4xf32> {
    // expected-error @+1 {{kiln-autodiff: no gradient rule for this op}}
    %a = arith.addf %x, %w : tensor<2x4xf32>
    return %a : tensor<2x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32>) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that a model without parameters is an error, not undefined behaviour.
module attributes {kiln.optimizer = {type = "sgd"}} {
  // expected-error @+1 {{kiln-autodiff: the model has no parameters}}
  func.func @model(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
    return %x : tensor<4x3xf32>
  }
  func.func @loss(%p: tensor<4x3xf32>, %t: tensor<4x3xf32>) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<4x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
