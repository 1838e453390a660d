// Error cases of kiln-buffer-abi, checked with -verify-diagnostics by ../kiln-buffer-abi.mlir.

// Tests that a module without any entry point is rejected.
// expected-error @+1 {{kiln-buffer-abi: the module has no entry point (a func.func with kiln.entry)}}
module {
  func.func @forward(%x: tensor<4xf32> {kiln.input = {name = "x"}}) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}

// -----

// Tests that an argument without a role is rejected (positions mean nothing).
module {
  // expected-error @+1 {{kiln-buffer-abi: argument 1 has no role}}
  func.func @forward(%w: tensor<4xf32> {kiln.param = {name = "w", trainable = true}}, %x: tensor<2x4xf32>)
      -> (tensor<2x4xf32> {kiln.output = {name = "prediction", kind = "values"}})
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 2}} {
    return %x : tensor<2x4xf32>
  }
}

// -----

// Tests that the old string form of kiln.param is not a role.
module {
  // expected-error @+1 {{kiln-buffer-abi: argument 0 has no role}}
  func.func @forward(%w: tensor<4xf32> {kiln.param = "w"}, %x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<2x4xf32> {kiln.output = {name = "prediction", kind = "values"}})
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 2}} {
    %r = nn.relu %x : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
}

// -----

// Tests that a result without a role is rejected.
module {
  // expected-error @+1 {{kiln-buffer-abi: result 1 has no role}}
  func.func @forward(%x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<2x4xf32> {kiln.output = {name = "prediction", kind = "values"}}, tensor<2x4xf32>)
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 2}} {
    %r = nn.relu %x : tensor<2x4xf32>
    %s = nn.tanh %x : tensor<2x4xf32>
    return %r, %s : tensor<2x4xf32>, tensor<2x4xf32>
  }
}

// -----

// Tests that two entry points must agree on a parameter of the same name.
module {
  func.func @forward(%w: tensor<4xf32> {kiln.param = {name = "w", trainable = true}}, %x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<2x4xf32> {kiln.output = {name = "prediction", kind = "values"}})
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 2}} {
    %r = nn.relu %x : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  // expected-error @+1 {{kiln-buffer-abi: argument 0 (params) differs from another entry point's}}
  func.func @forward_1(%w: tensor<8xf32> {kiln.param = {name = "w", trainable = true}}, %x: tensor<1x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<1x4xf32> {kiln.output = {name = "prediction", kind = "values"}})
      attributes {kiln.entry = {name = "forward_1", mode = "eval", batch = 1}} {
    %r = nn.relu %x : tensor<1x4xf32>
    return %r : tensor<1x4xf32>
  }
}

// -----

// Tests that two entry points must agree on the per-sample shape of an input.
module {
  func.func @forward(%x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<2x4xf32> {kiln.output = {name = "prediction", kind = "values"}})
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 2}} {
    %r = nn.relu %x : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  // expected-error @+1 {{kiln-buffer-abi: argument 0 (inputs) differs from another entry point's}}
  func.func @forward_1(%x: tensor<1x5xf32> {kiln.input = {name = "x"}})
      -> (tensor<1x5xf32> {kiln.output = {name = "prediction", kind = "values"}})
      attributes {kiln.entry = {name = "forward_1", mode = "eval", batch = 1}} {
    %r = nn.relu %x : tensor<1x5xf32>
    return %r : tensor<1x5xf32>
  }
}

// -----

// Tests that two entry points must agree on an output of the same name.
module {
  func.func @forward(%x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<2x4xf32> {kiln.output = {name = "prediction", kind = "values"}})
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 2}} {
    %r = nn.relu %x : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
  // expected-error @+1 {{kiln-buffer-abi: output differs from another entry point's}}
  func.func @forward_1(%x: tensor<1x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<1x4xf32> {kiln.output = {name = "prediction", kind = "probabilities"}})
      attributes {kiln.entry = {name = "forward_1", mode = "eval", batch = 1}} {
    %r = nn.softmax %x : tensor<1x4xf32>
    return %r : tensor<1x4xf32>
  }
}

// -----

// Tests that an entry point's name must be one of the ABI's.
module {
  // expected-error @+1 {{kiln-buffer-abi: unknown entry point 'bogus' (expected one of: train_step, eval_step, eval_step_1, forward, forward_1, check_step, prepare)}}
  func.func @bogus(%x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<2x4xf32> {kiln.output = {name = "prediction", kind = "values"}})
      attributes {kiln.entry = {name = "bogus", mode = "eval", batch = 2}} {
    %r = nn.relu %x : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
}

// -----

// Tests that kiln.entry without a name (or mode, or a positive batch) is diagnosed, not a crash later.
module {
  // expected-error @+1 {{kiln-buffer-abi: kiln.entry needs a string name, a string mode and a positive batch, got {batch = 2 : i64, mode = "eval"}}}
  func.func @forward(%x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<2x4xf32> {kiln.output = {name = "prediction", kind = "values"}})
      attributes {kiln.entry = {mode = "eval", batch = 2}} {
    %r = nn.relu %x : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
}

// -----

// Tests that an entry point may be defined only once.
module {
  func.func @forward(%x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<2x4xf32> {kiln.output = {name = "prediction", kind = "values"}})
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 2}} {
    return %x : tensor<2x4xf32>
  }
  // expected-error @+1 {{kiln-buffer-abi: entry point 'forward' is defined twice}}
  func.func @forward_again(%x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<2x4xf32> {kiln.output = {name = "prediction", kind = "values"}})
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 2}} {
    return %x : tensor<2x4xf32>
  }
}

// -----

// Tests that check_step's counts must be numbered 0 to N-1, each once.
module {
  // expected-error @+1 {{kiln-buffer-abi: kiln.check results must be tensor<1xf32> numbered 0 to 1, each once}}
  func.func @check_step(%x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<1xf32> {kiln.check = 0}, tensor<1xf32> {kiln.check = 0})
      attributes {kiln.entry = {name = "check_step", mode = "train", batch = 2,
                                checks = [{layer = "input", value = "value", size = 8}, {layer = "loss", value = "value", size = 1}]}} {
    %a = arith.constant dense<1.0> : tensor<1xf32>
    return %a, %a : tensor<1xf32>, tensor<1xf32>
  }
}

// -----

// Tests that check_step's counts need its kiln.entry `checks`, one per
// count, and no kiln.output beside them (both would be outputs[0]).
module {
  // expected-error @+1 {{kiln-buffer-abi: kiln.check results need a kiln.entry `checks` of the same length and no kiln.output (both are outputs[0])}}
  func.func @check_step(%x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<2x4xf32> {kiln.output = {name = "prediction", kind = "values"}}, tensor<1xf32> {kiln.check = 0})
      attributes {kiln.entry = {name = "check_step", mode = "train", batch = 2,
                                checks = [{layer = "input", value = "value", size = 8}]}} {
    %a = arith.constant dense<1.0> : tensor<1xf32>
    return %x, %a : tensor<2x4xf32>, tensor<1xf32>
  }
}

// -----

module {
  // expected-error @+1 {{kiln-buffer-abi: kiln.check results need a kiln.entry `checks` of the same length}}
  func.func @check_step(%x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<1xf32> {kiln.check = 0})
      attributes {kiln.entry = {name = "check_step", mode = "train", batch = 2}} {
    %a = arith.constant dense<1.0> : tensor<1xf32>
    return %a : tensor<1xf32>
  }
}
