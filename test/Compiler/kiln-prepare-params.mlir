// RUN: kiln-opt %s -split-input-file -kiln-prepare-params | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-prepare-params -kiln-buffer-abi | FileCheck %s --check-prefix=ABI
// RUN: kiln-opt %S/Inputs/kiln-prepare-params-errors.mlir -split-input-file -kiln-prepare-params -verify-diagnostics

// Tests that forward's packing of its weight (a kernel on the param alone)
// moves to prepare: forward reads derived.0, a view of it (the collapse)
// stays in forward, and train_step, which updates the weight, keeps its own.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[TW:[^:]+]]: tensor<32x16xf32> {kiln.param = {name = "w"}}
// CHECK: kernel.group
// CHECK: kernel.group
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[W:[^:]+]]: tensor<32x16xf32> {kiln.param = {name = "w"}}, %[[X:[^:]+]]: tensor<8x32xf32> {kiln.input = {name = "x"}},
// CHECK-SAME: %[[D:[^:]+]]: tensor<16x32xf32> {kiln.derived = {name = "derived.0"}})
// CHECK-NOT: linalg.transpose
// CHECK: %[[V:.+]] = tensor.expand_shape %[[D]]
// CHECK: %[[V2:.+]] = tensor.collapse_shape %[[V]]
// CHECK: %[[Y:.+]] = kernel.group
// CHECK: linalg.transpose ins(%[[V2]]
// CHECK: linalg.matmul ins(%[[X]],
// CHECK: return %[[Y]]
// CHECK-LABEL: func.func @prepare
// CHECK-SAME: (%[[PW:[^:]+]]: tensor<32x16xf32> {kiln.param = {name = "w"}}, %{{[^:]+}}: tensor<16x32xf32> {kiln.derived = {name = "derived.0"}})
// CHECK-SAME: -> (tensor<16x32xf32> {kiln.tied = 1 : i64})
// CHECK-SAME: attributes {kiln.entry = {batch = 1 : i64, mode = "eval", name = "prepare"}}
// CHECK: %[[T:.+]] = kernel.group
// CHECK: linalg.transpose ins(%[[PW]]
// CHECK: return %[[T]]
// ABI: module attributes {kiln.abi = {buffers = [], derived = [{dtype = "f32", name = "derived.0", shape = [16, 32]}],
// ABI-LABEL: func.func @forward
// ABI-SAME: kiln.bindings = [{index = 0 : i64, table = "params"}, {index = 0 : i64, table = "inputs"}, {index = 0 : i64, table = "derived"}, {index = 0 : i64, table = "outputs"}]
// ABI-LABEL: func.func @prepare
// ABI-SAME: kiln.bindings = [{index = 0 : i64, table = "params"}, {index = 0 : i64, table = "derived"}]
module {
  func.func @train_step(%w: tensor<32x16xf32> {kiln.param = {name = "w"}}, %x: tensor<8x32xf32> {kiln.input = {name = "x"}})
      -> (tensor<32x16xf32> {kiln.tied = 0 : i64}, tensor<8x16xf32> {kiln.output = {name = "y"}})
      attributes {kiln.entry = {batch = 8 : i64, mode = "train", name = "train_step"}} {
    %e = tensor.empty() : tensor<16x32xf32>
    %t = kernel.group #kernel.schedule<tile = [16, 16], lanes = 16> -> tensor<16x32xf32> {
      %r = linalg.transpose ins(%w : tensor<32x16xf32>) outs(%e : tensor<16x32xf32>) permutation = [1, 0]
      kernel.yield %r : tensor<16x32xf32>
    }
    %c = arith.constant 0.0 : f32
    %o = tensor.empty() : tensor<8x16xf32>
    %y = kernel.group #kernel.schedule<tile = [8, 16], lanes = 16> -> tensor<8x16xf32> {
      %f = linalg.fill ins(%c : f32) outs(%o : tensor<8x16xf32>) -> tensor<8x16xf32>
      %m = linalg.matmul ins(%x, %w : tensor<8x32xf32>, tensor<32x16xf32>) outs(%f : tensor<8x16xf32>) -> tensor<8x16xf32>
      kernel.yield %m : tensor<8x16xf32>
    }
    return %w, %y : tensor<32x16xf32>, tensor<8x16xf32>
  }
  func.func @forward(%w: tensor<32x16xf32> {kiln.param = {name = "w"}}, %x: tensor<8x32xf32> {kiln.input = {name = "x"}})
      -> (tensor<8x16xf32> {kiln.output = {name = "y"}})
      attributes {kiln.entry = {batch = 8 : i64, mode = "eval", name = "forward"}} {
    %e = tensor.empty() : tensor<16x32xf32>
    %t = kernel.group #kernel.schedule<tile = [16, 16], lanes = 16> -> tensor<16x32xf32> {
      %r = linalg.transpose ins(%w : tensor<32x16xf32>) outs(%e : tensor<16x32xf32>) permutation = [1, 0]
      kernel.yield %r : tensor<16x32xf32>
    }
    %v = tensor.expand_shape %t [[0, 1], [2]] output_shape [1, 16, 32] : tensor<16x32xf32> into tensor<1x16x32xf32>
    %v2 = tensor.collapse_shape %v [[0, 1], [2]] : tensor<1x16x32xf32> into tensor<16x32xf32>
    %wt = tensor.empty() : tensor<32x16xf32>
    %c = arith.constant 0.0 : f32
    %o = tensor.empty() : tensor<8x16xf32>
    %y = kernel.group #kernel.schedule<tile = [8, 16], lanes = 16> -> tensor<8x16xf32> {
      %f = linalg.fill ins(%c : f32) outs(%o : tensor<8x16xf32>) -> tensor<8x16xf32>
      %b = linalg.transpose ins(%v2 : tensor<16x32xf32>) outs(%wt : tensor<32x16xf32>) permutation = [1, 0]
      %m = linalg.matmul ins(%x, %b : tensor<8x32xf32>, tensor<32x16xf32>) outs(%f : tensor<8x16xf32>) -> tensor<8x16xf32>
      kernel.yield %m : tensor<8x16xf32>
    }
    return %y : tensor<8x16xf32>
  }
}

// -----

// Tests that one value computed the same way by eval_step and forward is one
// derived tensor, that forward_1's other value from the same weight is
// another, that a kernel feeding only another such kernel stays inside
// prepare, and that a buffer counts like a param (prepare takes them in the
// order its kernels first read them).
// CHECK-LABEL: func.func @eval_step
// CHECK-SAME: %{{[^:]+}}: tensor<4xf32> {kiln.derived = {name = "derived.0"}})
// CHECK-LABEL: func.func @forward
// CHECK-SAME: %{{[^:]+}}: tensor<4xf32> {kiln.derived = {name = "derived.0"}})
// CHECK: kernel.group
// CHECK-NOT: kernel.group
// CHECK: return
// CHECK-LABEL: func.func @forward_1
// CHECK-SAME: %{{[^:]+}}: tensor<4xf32> {kiln.derived = {name = "derived.1"}})
// CHECK-LABEL: func.func @prepare
// CHECK-SAME: (%[[V:[^:]+]]: tensor<4xf32> {kiln.buffer = {name = "var"}}, %[[S:[^:]+]]: tensor<4xf32> {kiln.param = {name = "scale"}},
// CHECK-SAME: %{{[^:]+}}: tensor<4xf32> {kiln.derived = {name = "derived.0"}}, %{{[^:]+}}: tensor<4xf32> {kiln.derived = {name = "derived.1"}})
// CHECK-SAME: -> (tensor<4xf32> {kiln.tied = 2 : i64}, tensor<4xf32> {kiln.tied = 3 : i64})
// CHECK: %[[G1:.+]] = kernel.group
// CHECK: arith.addf
// CHECK: %[[G2:.+]] = kernel.group
// CHECK: ins(%[[S]], %[[G1]]
// CHECK: %[[G3:.+]] = kernel.group
// CHECK: arith.subf
// CHECK: return %[[G2]], %[[G3]]
module {
  func.func @eval_step(%s: tensor<4xf32> {kiln.param = {name = "scale"}}, %var: tensor<4xf32> {kiln.buffer = {name = "var"}},
                       %x: tensor<4xf32> {kiln.input = {name = "x"}}) -> (tensor<4xf32> {kiln.output = {name = "y"}})
      attributes {kiln.entry = {batch = 1 : i64, mode = "eval", name = "eval_step"}} {
    %e = tensor.empty() : tensor<4xf32>
    %a = kernel.group #kernel.schedule<tile = [4], lanes = 16> -> tensor<4xf32> {
      %r = linalg.map { arith.addf } ins(%var, %var : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>)
      kernel.yield %r : tensor<4xf32>
    }
    %b = kernel.group #kernel.schedule<tile = [4], lanes = 16> -> tensor<4xf32> {
      %r = linalg.map { arith.mulf } ins(%s, %a : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>)
      kernel.yield %r : tensor<4xf32>
    }
    %y = kernel.group #kernel.schedule<tile = [4], lanes = 16> -> tensor<4xf32> {
      %r = linalg.map { arith.mulf } ins(%x, %b : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>)
      kernel.yield %r : tensor<4xf32>
    }
    return %y : tensor<4xf32>
  }
  func.func @forward(%var: tensor<4xf32> {kiln.buffer = {name = "var"}}, %s: tensor<4xf32> {kiln.param = {name = "scale"}},
                     %x: tensor<4xf32> {kiln.input = {name = "x"}}) -> (tensor<4xf32> {kiln.output = {name = "y"}})
      attributes {kiln.entry = {batch = 1 : i64, mode = "eval", name = "forward"}} {
    %e = tensor.empty() : tensor<4xf32>
    %a = kernel.group #kernel.schedule<tile = [4], lanes = 16> -> tensor<4xf32> {
      %r = linalg.map { arith.addf } ins(%var, %var : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>)
      kernel.yield %r : tensor<4xf32>
    }
    %b = kernel.group #kernel.schedule<tile = [4], lanes = 16> -> tensor<4xf32> {
      %r = linalg.map { arith.mulf } ins(%s, %a : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>)
      kernel.yield %r : tensor<4xf32>
    }
    %y = kernel.group #kernel.schedule<tile = [4], lanes = 16> -> tensor<4xf32> {
      %r = linalg.map { arith.mulf } ins(%x, %b : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>)
      kernel.yield %r : tensor<4xf32>
    }
    return %y : tensor<4xf32>
  }
  func.func @forward_1(%s: tensor<4xf32> {kiln.param = {name = "scale"}}, %x: tensor<4xf32> {kiln.input = {name = "x"}})
      -> (tensor<4xf32> {kiln.output = {name = "y"}})
      attributes {kiln.entry = {batch = 1 : i64, mode = "eval", name = "forward_1"}} {
    %e = tensor.empty() : tensor<4xf32>
    %b = kernel.group #kernel.schedule<tile = [4], lanes = 16> -> tensor<4xf32> {
      %r = linalg.map { arith.subf } ins(%s, %s : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>)
      kernel.yield %r : tensor<4xf32>
    }
    %y = kernel.group #kernel.schedule<tile = [4], lanes = 16> -> tensor<4xf32> {
      %r = linalg.map { arith.mulf } ins(%x, %b : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>)
      kernel.yield %r : tensor<4xf32>
    }
    return %y : tensor<4xf32>
  }
}

// -----

// Tests that a kernel reading the input, a param's view read directly by a
// kernel, and check_step are left alone: no prepare.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[W:[^:]+]]: tensor<4x4xf32> {kiln.param = {name = "w"}}, %{{[^:]+}}: tensor<4x4xf32> {kiln.input = {name = "x"}})
// CHECK-SAME: -> (tensor<4x4xf32> {kiln.output = {name = "y"}})
// CHECK: tensor.collapse_shape %[[W]]
// CHECK-LABEL: func.func @check_step
// CHECK: kernel.group
// CHECK: kernel.group
// CHECK-NOT: func.func @prepare
module {
  func.func @forward(%w: tensor<4x4xf32> {kiln.param = {name = "w"}}, %x: tensor<4x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<4x4xf32> {kiln.output = {name = "y"}})
      attributes {kiln.entry = {batch = 4 : i64, mode = "eval", name = "forward"}} {
    %e = tensor.empty() : tensor<4x4xf32>
    %flat = tensor.collapse_shape %w [[0, 1]] : tensor<4x4xf32> into tensor<16xf32>
    %back = tensor.expand_shape %flat [[0, 1]] output_shape [4, 4] : tensor<16xf32> into tensor<4x4xf32>
    %y = kernel.group #kernel.schedule<tile = [4, 4], lanes = 16> -> tensor<4x4xf32> {
      %r = linalg.map { arith.mulf } ins(%x, %back : tensor<4x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x4xf32>)
      kernel.yield %r : tensor<4x4xf32>
    }
    return %y : tensor<4x4xf32>
  }
  func.func @check_step(%w: tensor<4x4xf32> {kiln.param = {name = "w"}}, %x: tensor<4x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<4x4xf32> {kiln.output = {name = "y"}})
      attributes {kiln.entry = {batch = 4 : i64, mode = "train", name = "check_step"}} {
    %e = tensor.empty() : tensor<4x4xf32>
    %t = kernel.group #kernel.schedule<tile = [4, 4], lanes = 16> -> tensor<4x4xf32> {
      %r = linalg.transpose ins(%w : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) permutation = [1, 0]
      kernel.yield %r : tensor<4x4xf32>
    }
    %y = kernel.group #kernel.schedule<tile = [4, 4], lanes = 16> -> tensor<4x4xf32> {
      %r = linalg.map { arith.mulf } ins(%x, %t : tensor<4x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x4xf32>)
      kernel.yield %r : tensor<4x4xf32>
    }
    return %y : tensor<4x4xf32>
  }
}

// -----

// Tests that computations differing only in a constant's value, or in the
// param they read, are different derived tensors, and that one written
// with another constant of the same value is the same: a * [1, 2, 3, 4],
// b * [1, 2, 3, 4] in eval_step; a * [5, 6, 7, 8], b * [1, 2, 3, 4] in
// forward.
// CHECK-LABEL: func.func @eval_step
// CHECK-SAME: {kiln.derived = {name = "derived.0"}}, %{{[^:]+}}: tensor<4xf32> {kiln.derived = {name = "derived.1"}})
// CHECK-LABEL: func.func @forward
// CHECK-SAME: {kiln.derived = {name = "derived.2"}}, %{{[^:]+}}: tensor<4xf32> {kiln.derived = {name = "derived.1"}})
// CHECK-LABEL: func.func @prepare
// CHECK-COUNT-3: kernel.group
// CHECK-NOT: kernel.group
module {
  func.func @eval_step(%a: tensor<4xf32> {kiln.param = {name = "a"}}, %b: tensor<4xf32> {kiln.param = {name = "b"}},
                       %x: tensor<4xf32> {kiln.input = {name = "x"}}) -> (tensor<4xf32> {kiln.output = {name = "y"}})
      attributes {kiln.entry = {batch = 1 : i64, mode = "eval", name = "eval_step"}} {
    %e = tensor.empty() : tensor<4xf32>
    %c = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
    %s = kernel.group #kernel.schedule<tile = [4], lanes = 16> -> tensor<4xf32> {
      %r = linalg.map { arith.mulf } ins(%a, %c : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>)
      kernel.yield %r : tensor<4xf32>
    }
    %t = kernel.group #kernel.schedule<tile = [4], lanes = 16> -> tensor<4xf32> {
      %r = linalg.map { arith.mulf } ins(%b, %c : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>)
      kernel.yield %r : tensor<4xf32>
    }
    %y = kernel.group #kernel.schedule<tile = [4], lanes = 16> -> tensor<4xf32> {
      %r = linalg.map { arith.addf } ins(%s, %t : tensor<4xf32>, tensor<4xf32>) outs(%x : tensor<4xf32>)
      kernel.yield %r : tensor<4xf32>
    }
    return %y : tensor<4xf32>
  }
  func.func @forward(%a: tensor<4xf32> {kiln.param = {name = "a"}}, %b: tensor<4xf32> {kiln.param = {name = "b"}},
                     %x: tensor<4xf32> {kiln.input = {name = "x"}}) -> (tensor<4xf32> {kiln.output = {name = "y"}})
      attributes {kiln.entry = {batch = 1 : i64, mode = "eval", name = "forward"}} {
    %e = tensor.empty() : tensor<4xf32>
    %c = arith.constant dense<[5.0, 6.0, 7.0, 8.0]> : tensor<4xf32>
    %s = kernel.group #kernel.schedule<tile = [4], lanes = 16> -> tensor<4xf32> {
      %r = linalg.map { arith.mulf } ins(%a, %c : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>)
      kernel.yield %r : tensor<4xf32>
    }
    %d = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
    %t = kernel.group #kernel.schedule<tile = [4], lanes = 16> -> tensor<4xf32> {
      %r = linalg.map { arith.mulf } ins(%b, %d : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>)
      kernel.yield %r : tensor<4xf32>
    }
    %y = kernel.group #kernel.schedule<tile = [4], lanes = 16> -> tensor<4xf32> {
      %r = linalg.map { arith.addf } ins(%s, %t : tensor<4xf32>, tensor<4xf32>) outs(%x : tensor<4xf32>)
      kernel.yield %r : tensor<4xf32>
    }
    return %y : tensor<4xf32>
  }
}

// -----

// Tests that a value put together from kernels' pieces (a packing's whole
// panels, then its padded last one, inserted into one tensor) is one
// derived tensor, and the slices the product reads of it stay in forward.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: %[[D:[^:]+]]: tensor<2x4xf32> {kiln.derived = {name = "derived.0"}})
// CHECK: %[[S:.+]] = tensor.extract_slice %[[D]][0, 0] [2, 3] [1, 1]
// CHECK: kernel.group
// CHECK: ins(%[[S]], %{{.+}} : tensor<2x3xf32>, tensor<2x3xf32>)
// CHECK-NOT: kernel.group
// CHECK: return
// CHECK-LABEL: func.func @prepare
// CHECK-SAME: -> (tensor<2x4xf32> {kiln.tied = 1 : i64})
// CHECK: %[[P0:.+]] = kernel.group
// CHECK: %[[I0:.+]] = tensor.insert_slice %[[P0]]
// CHECK: %[[P1:.+]] = kernel.group
// CHECK: %[[I1:.+]] = tensor.insert_slice %[[P1]] into %[[I0]]
// CHECK: return %[[I1]]
module {
  func.func @forward(%w: tensor<2x3xf32> {kiln.param = {name = "w"}}, %x: tensor<2x3xf32> {kiln.input = {name = "x"}})
      -> (tensor<2x3xf32> {kiln.output = {name = "y"}})
      attributes {kiln.entry = {batch = 2 : i64, mode = "eval", name = "forward"}} {
    %e = tensor.empty() : tensor<2x4xf32>
    %piece = tensor.empty() : tensor<2x3xf32>
    %p0 = kernel.group #kernel.schedule<tile = [2, 3], lanes = 16> -> tensor<2x3xf32> {
      %r = linalg.map { arith.addf } ins(%w, %w : tensor<2x3xf32>, tensor<2x3xf32>) outs(%piece : tensor<2x3xf32>)
      kernel.yield %r : tensor<2x3xf32>
    }
    %i0 = tensor.insert_slice %p0 into %e[0, 0] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x4xf32>
    %pad = tensor.extract_slice %i0[0, 3] [2, 1] [1, 1] : tensor<2x4xf32> to tensor<2x1xf32>
    %zero = arith.constant 0.0 : f32
    %p1 = kernel.group #kernel.schedule<tile = [2, 1], lanes = 16> -> tensor<2x1xf32> {
      %r = linalg.fill ins(%zero : f32) outs(%pad : tensor<2x1xf32>) -> tensor<2x1xf32>
      kernel.yield %r : tensor<2x1xf32>
    }
    %i1 = tensor.insert_slice %p1 into %i0[0, 3] [2, 1] [1, 1] : tensor<2x1xf32> into tensor<2x4xf32>
    %s = tensor.extract_slice %i1[0, 0] [2, 3] [1, 1] : tensor<2x4xf32> to tensor<2x3xf32>
    %y = kernel.group #kernel.schedule<tile = [2, 3], lanes = 16> -> tensor<2x3xf32> {
      %r = linalg.map { arith.mulf } ins(%s, %x : tensor<2x3xf32>, tensor<2x3xf32>) outs(%piece : tensor<2x3xf32>)
      kernel.yield %r : tensor<2x3xf32>
    }
    return %y : tensor<2x3xf32>
  }
}
