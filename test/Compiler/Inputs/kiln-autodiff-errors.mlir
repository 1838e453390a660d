// Error cases of kiln-autodiff, checked with -verify-diagnostics by ../kiln-autodiff.mlir.

// Tests that a module without @model is rejected.
// expected-error @+1 {{kiln-autodiff expects @model}}
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that an optimizer without @loss is rejected (an inference-only model has neither).
// expected-error @+1 {{kiln-autodiff: training needs @loss and a kiln.optimizer attribute with a type (or neither, for an inference-only model)}}
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %w: tensor<4x4xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<2x4xf32> {
    %r = nn.dense %x, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
}

// -----

// Tests that a loss without the kiln.optimizer attribute is rejected.
// expected-error @+1 {{kiln-autodiff: training needs @loss and a kiln.optimizer attribute with a type (or neither, for an inference-only model)}}
module {
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %w: tensor<4x4xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<2x4xf32> {
    %r = nn.dense %x, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that an optimizer attribute without a type is rejected.
// expected-error @+1 {{kiln-autodiff: training needs @loss and a kiln.optimizer attribute with a type (or neither, for an inference-only model)}}
module attributes {kiln.optimizer = {lr = 0.1}} {
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %w: tensor<4x4xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<2x4xf32> {
    %r = nn.dense %x, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that an unknown optimizer type is rejected.
// expected-error @+1 {{kiln-autodiff: unknown optimizer 'lbfgs'}}
module attributes {kiln.optimizer = {type = "lbfgs"}} {
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %w: tensor<4x4xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<2x4xf32> {
    %r = nn.dense %x, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that an op on the gradient path without a gradient rule is reported.
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %w: tensor<2x4xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<2x4xf32> {
    // expected-error @+1 {{kiln-autodiff: no gradient rule for this op}}
    %a = arith.addf %x, %w : tensor<2x4xf32>
    return %a : tensor<2x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that an argument of @model without a role is rejected (here the input).
module attributes {kiln.optimizer = {type = "sgd"}} {
  // expected-error @+1 {{kiln-autodiff: argument 0 of @model has no role (kiln.input = {name}, kiln.param = {name, trainable} or kiln.buffer = {name, init})}}
  func.func @model(%x: tensor<2x4xf32>,
                   %w: tensor<4x4xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<2x4xf32> {
    %r = nn.dense %x, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that a @model without an input is rejected, not read out of bounds.
module {
  // expected-error @+1 {{kiln-autodiff: @model needs exactly one input (kiln.input = {name}), got 0}}
  func.func @model() -> tensor<2x4xf32> {
    %c = arith.constant dense<0.0> : tensor<2x4xf32>
    return %c : tensor<2x4xf32>
  }
}

// -----

// Tests that every other argument of @model needs a role (the old string form of kiln.param is not one).
module attributes {kiln.optimizer = {type = "sgd"}} {
  // expected-error @+1 {{kiln-autodiff: argument 2 of @model has no role (kiln.input = {name}, kiln.param = {name, trainable} or kiln.buffer = {name, init})}}
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %w: tensor<4x4xf32> {kiln.param = {name = "w", trainable = true}},
                   %b: tensor<4xf32> {kiln.param = "b"}) -> tensor<2x4xf32> {
    %r = nn.dense %x, %w, %b : (tensor<2x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that @model's results after the prediction must each update a buffer.
module {
  // expected-error @+1 {{kiln-autodiff: result 1 of @model is neither the prediction, a buffer's update (kiln.buffer_update = "<buffer name>") nor a regularization term (kiln.regularization)}}
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %w: tensor<4x4xf32> {kiln.param = {name = "w", trainable = true}}) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
    %r = nn.dense %x, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
    return %r, %r : tensor<2x4xf32>, tensor<2x4xf32>
  }
}

// -----

// Tests that an op that infers no result type cannot be re-typed for the batch-1 entry points.
module {
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %w: tensor<4x4xf32> {kiln.param = {name = "w", trainable = true}}) -> tensor<2x4xf32> {
    // expected-error @+1 {{kiln-autodiff: this op cannot be re-batched (it infers no result type)}}
    %e = tensor.empty() : tensor<2x4xf32>
    %c = linalg.copy ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
    %r = nn.dense %c, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
}

// -----

// Tests that two inputs are rejected.
module {
  // expected-error @+1 {{kiln-autodiff: @model needs exactly one input (kiln.input = {name}), got 2}}
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %z: tensor<2x4xf32> {kiln.input = {name = "z"}}) -> tensor<2x4xf32> {
    return %x : tensor<2x4xf32>
  }
}

// -----

// Tests that a buffer update must name a buffer of @model.
module {
  // expected-error @+1 {{kiln-autodiff: result 1 of @model is neither the prediction, a buffer's update}}
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %m: tensor<4xf32> {kiln.buffer = {name = "bn.running_mean"}})
      -> (tensor<2x4xf32>, tensor<4xf32> {kiln.buffer_update = "bn.running_var"}) {
    return %x, %m : tensor<2x4xf32>, tensor<4xf32>
  }
}

// -----

// Tests that an update names its buffer with a string.
module {
  // expected-error @+1 {{kiln-autodiff: result 1 of @model is neither the prediction, a buffer's update (kiln.buffer_update = "<buffer name>") nor a regularization term (kiln.regularization)}}
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %m: tensor<4xf32> {kiln.buffer = {name = "bn.running_mean", init = "zeros"}})
      -> (tensor<2x4xf32>, tensor<4xf32> {kiln.buffer_update = 1 : i64}) {
    return %x, %m : tensor<2x4xf32>, tensor<4xf32>
  }
}

// -----

// Tests that the prediction comes first: a buffer's update as result 0 is rejected.
module {
  // expected-error @+1 {{kiln-autodiff: @model must return the prediction first}}
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %m: tensor<4xf32> {kiln.buffer = {name = "bn.running_mean", init = "zeros"}})
      -> (tensor<4xf32> {kiln.buffer_update = "bn.running_mean"}, tensor<2x4xf32>) {
    return %m, %x : tensor<4xf32>, tensor<2x4xf32>
  }
}

// -----

// Tests that a @model without results (no prediction) is rejected.
module {
  // expected-error @+1 {{kiln-autodiff: @model must return the prediction first}}
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}}) {
    return
  }
}

// -----

// Tests that a buffer needs a name: kiln.buffer without one is no role.
module {
  // expected-error @+1 {{kiln-autodiff: argument 1 of @model has no role (kiln.input = {name}, kiln.param = {name, trainable} or kiln.buffer = {name, init})}}
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %m: tensor<4xf32> {kiln.buffer = {init = "zeros"}}) -> tensor<2x4xf32> {
    return %x : tensor<2x4xf32>
  }
}

// -----

// Tests that two results cannot update the same buffer.
module {
  // expected-error @+1 {{kiln-autodiff: result 2 of @model updates buffer "bn.running_mean" a second time}}
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %m: tensor<4xf32> {kiln.buffer = {name = "bn.running_mean"}})
      -> (tensor<2x4xf32>, tensor<4xf32> {kiln.buffer_update = "bn.running_mean"},
          tensor<4xf32> {kiln.buffer_update = "bn.running_mean"}) {
    return %x, %m, %m : tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>
  }
}

// -----

// Tests that a regularization term (added to the scalar loss) must be a scalar: a per-element penalty is rejected.
module attributes {kiln.optimizer = {type = "sgd"}} {
  // expected-error @+1 {{kiln-autodiff: result 1 of @model is a regularization term but not a scalar}}
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %w: tensor<4x4xf32> {kiln.param = {name = "w", trainable = true}})
      -> (tensor<2x4xf32>, tensor<4x4xf32> {kiln.regularization}) {
    %r = nn.dense %x, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
    return %r, %w : tensor<2x4xf32>, tensor<4x4xf32>
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that a regularization term must be a 0-d tensor, not a bare float.
module attributes {kiln.optimizer = {type = "sgd"}} {
  // expected-error @+1 {{kiln-autodiff: result 2 of @model is a regularization term but not a scalar}}
  func.func @model(%x: tensor<2x4xf32> {kiln.input = {name = "x"}},
                   %w: tensor<4x4xf32> {kiln.param = {name = "w", trainable = true}})
      -> (tensor<2x4xf32>, tensor<f32> {kiln.regularization}, f32 {kiln.regularization}) {
    %r = nn.dense %x, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
    %p = nn.weight_penalty %w {l2 = 0.5} : tensor<4x4xf32> -> tensor<f32>
    %c = tensor.extract %p[] : tensor<f32>
    return %r, %p, %c : tensor<2x4xf32>, tensor<f32>, f32
  }
  func.func @loss(%p: tensor<2x4xf32>, %t: tensor<2x4xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x4xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
