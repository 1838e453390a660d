// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// Tests that a group rejects a negative tile size.
func.func @negative_tile(%x: tensor<16xf32>) -> tensor<16xf32> {
  // expected-error @+1 {{tile sizes must be non-negative, got -8}}
  %y = kernel.group #kernel.schedule<tile = [-8]> -> tensor<16xf32> {
    kernel.yield %x : tensor<16xf32>
  }
  return %y : tensor<16xf32>
}

// -----

// Tests that a group rejects a negative reduction tile size.
func.func @negative_reduce(%x: tensor<16xf32>) -> tensor<16xf32> {
  // expected-error @+1 {{reduce sizes must be non-negative, got -1}}
  %y = kernel.group #kernel.schedule<tile = [8], reduce = [-1]> -> tensor<16xf32> {
    kernel.yield %x : tensor<16xf32>
  }
  return %y : tensor<16xf32>
}

// -----

// Tests that a group's yielded types must be its result types.
func.func @yield_type(%x: tensor<16xf32>) -> tensor<16xf64> {
  // expected-error @+1 {{'kernel.group' op yields 1 values whose types differ from the 1 results}}
  %y = kernel.group #kernel.schedule<tile = [8]> -> tensor<16xf64> {
    kernel.yield %x : tensor<16xf32>
  }
  return %y : tensor<16xf64>
}

// -----

// Tests that a group yields as many values as it has results.
func.func @yield_count(%x: tensor<16xf32>) -> tensor<16xf32> {
  // expected-error @+1 {{'kernel.group' op yields 2 values whose types differ from the 1 results}}
  %y = kernel.group #kernel.schedule<tile = [8]> -> tensor<16xf32> {
    kernel.yield %x, %x : tensor<16xf32>, tensor<16xf32>
  }
  return %y : tensor<16xf32>
}

// -----

// Tests that a group with results cannot rely on the implicit empty yield.
func.func @missing_yield() -> tensor<16xf32> {
  // expected-error @+1 {{'kernel.group' op yields 0 values whose types differ from the 1 results}}
  %y = kernel.group #kernel.schedule<tile = [8]> -> tensor<16xf32> {
  }
  return %y : tensor<16xf32>
}

// -----

// Tests that kernel.yield only terminates a kernel.group.
func.func @yield_outside(%x: tensor<16xf32>) -> tensor<16xf32> {
  // expected-error @+1 {{'kernel.yield' op expects parent op 'kernel.group'}}
  kernel.yield %x : tensor<16xf32>
}

// -----

// Tests that a schedule's loop order must permute its cache tiles.
func.func @order_not_permutation(%x: tensor<16xf32>) -> tensor<16xf32> {
  // expected-error @+1 {{order must be a permutation of the 2 cache loops}}
  %y = kernel.group #kernel.schedule<tile = [8, 0], cache = [0, 64], order = [1, 1]> -> tensor<16xf32> {
    kernel.yield %x : tensor<16xf32>
  }
  return %y : tensor<16xf32>
}

// -----

// Tests that a schedule's keys come once each, in order.
func.func @key_out_of_order(%x: tensor<16xf32>) -> tensor<16xf32> {
  // expected-error @+1 {{schedule key 'tile' out of order or repeated}}
  %y = kernel.group #kernel.schedule<reduce = [1], tile = [8]> -> tensor<16xf32> {
    kernel.yield %x : tensor<16xf32>
  }
  return %y : tensor<16xf32>
}

// -----

// Tests that a schedule names its keys.
func.func @unknown_key(%x: tensor<16xf32>) -> tensor<16xf32> {
  // expected-error @+1 {{unknown schedule key 'tiles'}}
  %y = kernel.group #kernel.schedule<tiles = [8]> -> tensor<16xf32> {
    kernel.yield %x : tensor<16xf32>
  }
  return %y : tensor<16xf32>
}

// -----

// Tests that only B is packed.
func.func @packed_lhs(%x: tensor<16xf32>) -> tensor<16xf32> {
  // expected-error @+1 {{packed must be "rhs" or empty, got "lhs"}}
  %y = kernel.group #kernel.schedule<tile = [8], packed = "lhs"> -> tensor<16xf32> {
    kernel.yield %x : tensor<16xf32>
  }
  return %y : tensor<16xf32>
}

// -----

// Tests that an epilogue schedule needs cache tiles over its tiled loops.
func.func @epilogue_without_cache(%x: tensor<16xf32>) -> tensor<16xf32> {
  // expected-error @+1 {{an epilogue schedule needs cache tiles over the 2 tiled loops (and optionally chunks of the 1 reduced) and no order, got 0 cache tiles}}
  %y = kernel.group #kernel.schedule<tile = [4, 16], reduce = [1], epilogue = [1, 16]> -> tensor<16xf32> {
    kernel.yield %x : tensor<16xf32>
  }
  return %y : tensor<16xf32>
}
