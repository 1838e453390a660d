// RUN: kiln-opt %s -split-input-file -kiln-buffer-abi | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-buffer-abi -one-shot-bufferize=allow-unknown-ops -canonicalize | FileCheck %s --check-prefix=INPLACE
// RUN: kiln-opt %S/Inputs/kiln-buffer-abi-errors.mlir -split-input-file -kiln-buffer-abi -verify-diagnostics

// Tests that every entry point gets its buffer-level ABI from the roles, each argument its table slot (kiln.bindings) and the module its tables (kiln.abi).
// The tables list each param, buffer, state slot, input, target and output
// once, in first-seen order, with shape (inputs, targets and outputs without
// the batch) and dtype added to the role's attributes; a frozen parameter is
// still a parameter.
// CHECK: module attributes {kiln.abi = {
// CHECK-SAME: buffers = [{dtype = "f32", name = "bn.running_mean", shape = [4]}],
// CHECK-SAME: inputs = [{dtype = "f32", name = "x", shape = [2]}],
// CHECK-SAME: outputs = [{dtype = "f32", kind = "probabilities", name = "prediction", shape = [4]}],
// CHECK-SAME: params = [{dtype = "f32", name = "fc.weight", shape = [4, 2], trainable = true}, {dtype = "f32", name = "fc.bias", shape = [4], trainable = false}],
// CHECK-SAME: state = [{dtype = "f32", param = "fc.weight", shape = [4, 2], slot = "momentum_buffer"}],
// CHECK-SAME: targets = [{dtype = "i32", name = "y", shape = []}]}}
// train_step: tensor arguments become memrefs (their role attributes move
// into kiln.bindings), the prediction (kiln.output) goes to a new last
// argument bound to outputs[0], results tied to an argument are
// materialized into it, and the loss is returned as a scalar.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: memref<4x2xf32>, %[[B:[^:]+]]: memref<4xf32>, %[[RM:[^:]+]]: memref<4xf32>, %[[MW:[^:]+]]: memref<4x2xf32>,
// CHECK-SAME: %[[X:[^:]+]]: memref<3x2xf32>, %[[Y:[^:]+]]: memref<3xi32>, %[[LR:[^:]+]]: f32, %[[STEP:[^:]+]]: i64, %[[SEED:[^:]+]]: i64, %[[OUT:[^:]+]]: memref<3x4xf32>) -> f32
// CHECK-SAME: attributes {kiln.bindings = [
// CHECK-SAME: {index = 0 : i64, table = "params"}, {index = 1 : i64, table = "params"}, {index = 0 : i64, table = "buffers"}, {index = 0 : i64, table = "state"},
// CHECK-SAME: {index = 0 : i64, table = "inputs"}, {index = 0 : i64, table = "targets"},
// CHECK-SAME: {index = 0 : i64, table = "lr"}, {index = 0 : i64, table = "step"}, {index = 0 : i64, table = "seed"}, {index = 0 : i64, table = "outputs"}],
// CHECK-SAME: kiln.entry = {batch = 3 : i64, mode = "train", name = "train_step"}}
// CHECK-NOT: kiln.param
// CHECK-DAG: %[[WT:.+]] = bufferization.to_tensor %[[W]] restrict writable : memref<4x2xf32>
// The frozen bias has no tied result: it is read-only.
// CHECK-DAG: %[[BT:.+]] = bufferization.to_tensor %[[B]] restrict : memref<4xf32>
// CHECK-DAG: %[[RMT:.+]] = bufferization.to_tensor %[[RM]] restrict writable : memref<4xf32>
// CHECK-DAG: %[[MWT:.+]] = bufferization.to_tensor %[[MW]] restrict writable : memref<4x2xf32>
// The input and target are const in the ABI: read through non-writable to_tensor.
// CHECK-DAG: %[[XT:.+]] = bufferization.to_tensor %[[X]] restrict : memref<3x2xf32>
// CHECK-DAG: %[[YT:.+]] = bufferization.to_tensor %[[Y]] restrict : memref<3xi32>
// CHECK: %[[PRED:.+]] = nn.dense %[[XT]], %[[WT]], %[[BT]]
// CHECK: %[[LOSS:.+]] = nn.softmax_cross_entropy %[[PRED]], %[[YT]]
// CHECK: %[[PROBS:.+]] = nn.softmax %[[PRED]]
// CHECK: %[[NRM:.+]] = nn.relu %[[RMT]]
// CHECK: %[[NW:.+]], %[[NMW:.+]] = optim.momentum %[[WT]], %{{.+}}, %[[MWT]], %[[LR]]
// Results in order: the output, then each tied result into its argument
// (kiln.tied = 0, 2, 3); the frozen bias is not written.
// CHECK-NEXT: bufferization.materialize_in_destination %[[PROBS]] in restrict writable %[[OUT]] : (tensor<3x4xf32>, memref<3x4xf32>) -> ()
// CHECK-NEXT: bufferization.materialize_in_destination %[[NW]] in restrict writable %[[W]] : (tensor<4x2xf32>, memref<4x2xf32>) -> ()
// CHECK-NEXT: bufferization.materialize_in_destination %[[NRM]] in restrict writable %[[RM]] : (tensor<4xf32>, memref<4xf32>) -> ()
// CHECK-NEXT: bufferization.materialize_in_destination %[[NMW]] in restrict writable %[[MW]] : (tensor<4x2xf32>, memref<4x2xf32>) -> ()
// CHECK-NEXT: %[[L:.+]] = tensor.extract %[[LOSS]][] : tensor<f32>
// CHECK-NEXT: return %[[L]] : f32

// eval_step_1: the same tables at batch 1 (the input and target entries do
// not depend on the batch), no state and no scalars; targets stay read-only.
// CHECK-LABEL: func.func @eval_step_1
// CHECK-SAME: (%[[EW:[^:]+]]: memref<4x2xf32>, %[[EB:[^:]+]]: memref<4xf32>, %[[ERM:[^:]+]]: memref<4xf32>,
// CHECK-SAME: %[[EX:[^:]+]]: memref<1x2xf32>, %[[EY:[^:]+]]: memref<1xi32>, %[[EOUT:[^:]+]]: memref<1x4xf32>) -> f32
// CHECK-SAME: attributes {kiln.bindings = [{index = 0 : i64, table = "params"}, {index = 1 : i64, table = "params"}, {index = 0 : i64, table = "buffers"},
// CHECK-SAME: {index = 0 : i64, table = "inputs"}, {index = 0 : i64, table = "targets"}, {index = 0 : i64, table = "outputs"}],
// CHECK-SAME: kiln.entry = {batch = 1 : i64, mode = "eval", name = "eval_step_1"}}
// CHECK-DAG: bufferization.to_tensor %[[EX]] restrict : memref<1x2xf32>
// CHECK-DAG: bufferization.to_tensor %[[EY]] restrict : memref<1xi32>
// CHECK: %[[EL:.+]] = nn.softmax_cross_entropy
// CHECK: %[[EP:.+]] = nn.softmax
// CHECK-NEXT: bufferization.materialize_in_destination %[[EP]] in restrict writable %[[EOUT]] : (tensor<1x4xf32>, memref<1x4xf32>) -> ()
// CHECK-NEXT: %[[EXT:.+]] = tensor.extract %[[EL]][] : tensor<f32>
// CHECK-NEXT: return %[[EXT]] : f32

// forward: bound by role and name, not by position (its parameters come in
// another order here), the prediction written into the output argument,
// nothing returned.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[FB:[^:]+]]: memref<4xf32>, %[[FX:[^:]+]]: memref<3x2xf32>, %[[FW:[^:]+]]: memref<4x2xf32>, %[[FRM:[^:]+]]: memref<4xf32>, %[[FOUT:[^:]+]]: memref<3x4xf32>)
// CHECK-SAME: attributes {kiln.bindings = [{index = 1 : i64, table = "params"}, {index = 0 : i64, table = "inputs"}, {index = 0 : i64, table = "params"},
// CHECK-SAME: {index = 0 : i64, table = "buffers"}, {index = 0 : i64, table = "outputs"}],
// CHECK-SAME: kiln.entry = {batch = 3 : i64, mode = "eval", name = "forward"}} {
// forward updates nothing: its weights are read-only too.
// CHECK-DAG: %[[FBT:.+]] = bufferization.to_tensor %[[FB]] restrict : memref<4xf32>
// CHECK-DAG: %[[FWT:.+]] = bufferization.to_tensor %[[FW]] restrict : memref<4x2xf32>
// CHECK-DAG: %[[FXT:.+]] = bufferization.to_tensor %[[FX]] restrict : memref<3x2xf32>
// CHECK: %[[P:.+]] = nn.dense %[[FXT]], %[[FWT]], %[[FBT]]
// CHECK-NEXT: %[[PP:.+]] = nn.softmax %[[P]]
// CHECK-NEXT: bufferization.materialize_in_destination %[[PP]] in restrict writable %[[FOUT]] : (tensor<3x4xf32>, memref<3x4xf32>) -> ()
// CHECK-NEXT: return{{$}}
module {
  func.func @train_step(%w: tensor<4x2xf32> {kiln.param = {name = "fc.weight", trainable = true}},
                        %b: tensor<4xf32> {kiln.param = {name = "fc.bias", trainable = false}},
                        %rm: tensor<4xf32> {kiln.buffer = {name = "bn.running_mean"}},
                        %mw: tensor<4x2xf32> {kiln.state = {param = "fc.weight", slot = "momentum_buffer"}},
                        %x: tensor<3x2xf32> {kiln.input = {name = "x"}}, %y: tensor<3xi32> {kiln.target = {name = "y"}},
                        %lr: f32 {kiln.scalar = "lr"}, %step: i64 {kiln.scalar = "step"}, %seed: i64 {kiln.scalar = "seed"})
      -> (tensor<f32> {kiln.result = "loss"}, tensor<3x4xf32> {kiln.output = {name = "prediction", kind = "probabilities"}},
          tensor<4x2xf32> {kiln.tied = 0}, tensor<4xf32> {kiln.tied = 2}, tensor<4x2xf32> {kiln.tied = 3})
      attributes {kiln.entry = {name = "train_step", mode = "train", batch = 3}} {
    %pred = nn.dense %x, %w, %b : (tensor<3x2xf32>, tensor<4x2xf32>, tensor<4xf32>) -> tensor<3x4xf32>
    %loss = nn.softmax_cross_entropy %pred, %y : tensor<3x4xf32>, tensor<3xi32> -> tensor<f32>
    %probs = nn.softmax %pred : tensor<3x4xf32>
    %gw = tensor.empty() : tensor<4x2xf32>
    %nrm = nn.relu %rm : tensor<4xf32>
    %nw, %nmw = optim.momentum %w, %gw, %mw, %lr : tensor<4x2xf32>, f32
    return %loss, %probs, %nw, %nrm, %nmw
        : tensor<f32>, tensor<3x4xf32>, tensor<4x2xf32>, tensor<4xf32>, tensor<4x2xf32>
  }
  func.func @eval_step_1(%w: tensor<4x2xf32> {kiln.param = {name = "fc.weight", trainable = true}},
                         %b: tensor<4xf32> {kiln.param = {name = "fc.bias", trainable = false}},
                         %rm: tensor<4xf32> {kiln.buffer = {name = "bn.running_mean"}},
                         %x: tensor<1x2xf32> {kiln.input = {name = "x"}}, %y: tensor<1xi32> {kiln.target = {name = "y"}})
      -> (tensor<f32> {kiln.result = "loss"}, tensor<1x4xf32> {kiln.output = {name = "prediction", kind = "probabilities"}})
      attributes {kiln.entry = {name = "eval_step_1", mode = "eval", batch = 1}} {
    %pred = nn.dense %x, %w, %b : (tensor<1x2xf32>, tensor<4x2xf32>, tensor<4xf32>) -> tensor<1x4xf32>
    %loss = nn.softmax_cross_entropy %pred, %y : tensor<1x4xf32>, tensor<1xi32> -> tensor<f32>
    %probs = nn.softmax %pred : tensor<1x4xf32>
    return %loss, %probs : tensor<f32>, tensor<1x4xf32>
  }
  func.func @forward(%b: tensor<4xf32> {kiln.param = {name = "fc.bias", trainable = false}},
                     %x: tensor<3x2xf32> {kiln.input = {name = "x"}},
                     %w: tensor<4x2xf32> {kiln.param = {name = "fc.weight", trainable = true}},
                     %rm: tensor<4xf32> {kiln.buffer = {name = "bn.running_mean"}})
      -> (tensor<3x4xf32> {kiln.output = {name = "prediction", kind = "probabilities"}})
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 3}} {
    %pred = nn.dense %x, %w, %b : (tensor<3x2xf32>, tensor<4x2xf32>, tensor<4xf32>) -> tensor<3x4xf32>
    %probs = nn.softmax %pred : tensor<3x4xf32>
    return %probs : tensor<3x4xf32>
  }
}

// -----

// Tests that a function without kiln.entry is left alone, and an inference-only module gets empty state and target tables.
// CHECK: module attributes {kiln.abi = {buffers = [], derived = [], inputs = [{dtype = "f32", name = "x", shape = [4]}],
// CHECK-SAME: outputs = [{dtype = "f32", kind = "values", name = "prediction", shape = [4]}], params = [], state = [], targets = []}}
// CHECK-LABEL: func.func @helper
// CHECK-SAME: (%{{[^:]+}}: tensor<2x4xf32>) -> tensor<2x4xf32> {
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:[^:]+]]: memref<2x4xf32>, %[[OUT:[^:]+]]: memref<2x4xf32>)
// CHECK-SAME: attributes {kiln.bindings = [{index = 0 : i64, table = "inputs"}, {index = 0 : i64, table = "outputs"}]
module {
  func.func @helper(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
    return %x : tensor<2x4xf32>
  }
  func.func @forward(%x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<2x4xf32> {kiln.output = {name = "prediction", kind = "values"}})
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 2}} {
    %r = nn.relu %x : tensor<2x4xf32>
    return %r : tensor<2x4xf32>
  }
}

// -----

// Tests that after one-shot bufferization the parameter update reads and writes the argument buffer in place.
#id = affine_map<(d0) -> (d0)>
// INPLACE: module attributes {kiln.abi = {{{.*}}params = [{dtype = "f32", name = "p", shape = [16], trainable = true}]
// INPLACE: func.func @train_step
// INPLACE-SAME: (%[[P:[^:]+]]: memref<16xf32>, %[[X:[^:]+]]: memref<16xf32>,
// INPLACE-NOT: memref.copy {{.*}}, %[[P]] :
// INPLACE: linalg.generic {{.*}} ins(%[[X]] : memref<16xf32>) outs(%[[P]] : memref<16xf32>)
// INPLACE-NOT: memref.copy {{.*}}, %[[P]] :
// INPLACE: return
module {
  func.func @train_step(%p: tensor<16xf32> {kiln.param = {name = "p", trainable = true}},
                        %x: tensor<16xf32> {kiln.input = {name = "x"}}, %y: tensor<16xf32> {kiln.target = {name = "y"}},
                        %lr: f32 {kiln.scalar = "lr"}, %step: i64 {kiln.scalar = "step"})
      -> (tensor<f32> {kiln.result = "loss"}, tensor<16xf32> {kiln.output = {name = "prediction", kind = "values"}},
          tensor<16xf32> {kiln.tied = 0})
      attributes {kiln.entry = {name = "train_step", mode = "train", batch = 16}} {
    %loss = arith.constant dense<0.0> : tensor<f32>
    %pred = arith.constant dense<1.0> : tensor<16xf32>
    %np = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%x : tensor<16xf32>) outs(%p : tensor<16xf32>) {
    ^bb0(%g: f32, %v: f32):
      %s = arith.mulf %lr, %g : f32
      %r = arith.subf %v, %s : f32
      linalg.yield %r : f32
    } -> tensor<16xf32>
    return %loss, %pred, %np : tensor<f32>, tensor<16xf32>, tensor<16xf32>
  }
}

// -----

// Tests that check_step's counts (kiln.check = i, tensor<1xf32> each) are
// written to element i of one float[checks] argument bound to outputs[0],
// which joins no table (it is not a model output).
// CHECK: module attributes {kiln.abi = {{{.*}}outputs = []
// CHECK-LABEL: func.func @check_step
// CHECK-SAME: (%{{[^:]+}}: memref<2x4xf32>, %[[C:[^:]+]]: memref<2xf32>) -> f32
// CHECK-SAME: kiln.bindings = [{index = 0 : i64, table = "inputs"}, {index = 0 : i64, table = "outputs"}]
// CHECK: %[[A:.+]] = arith.constant dense<1.000000e+00> : tensor<1xf32>
// CHECK-NEXT: %[[B:.+]] = arith.constant dense<2.000000e+00> : tensor<1xf32>
// CHECK-NEXT: %[[S1:.+]] = memref.subview %[[C]][1] [1] [1] : memref<2xf32> to memref<1xf32, strided<[1], offset: 1>>
// CHECK-NEXT: bufferization.materialize_in_destination %[[A]] in restrict writable %[[S1]]
// CHECK-NEXT: %[[S0:.+]] = memref.subview %[[C]][0] [1] [1] : memref<2xf32> to memref<1xf32, strided<[1]>>
// CHECK-NEXT: bufferization.materialize_in_destination %[[B]] in restrict writable %[[S0]]
module {
  func.func @check_step(%x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<f32> {kiln.result = "loss"}, tensor<1xf32> {kiln.check = 1}, tensor<1xf32> {kiln.check = 0})
      attributes {kiln.entry = {name = "check_step", mode = "train", batch = 2,
                                checks = [{layer = "input", value = "value", size = 8}, {layer = "loss", value = "value", size = 1}]}} {
    %loss = arith.constant dense<0.0> : tensor<f32>
    %a = arith.constant dense<1.0> : tensor<1xf32>
    %b = arith.constant dense<2.0> : tensor<1xf32>
    return %loss, %a, %b : tensor<f32>, tensor<1xf32>, tensor<1xf32>
  }
}

// -----

// Tests that an output read through a collapse (a packed product's [M, N/n, n] as [M, N]) gets its buffer typed in the product's shape, the same bytes, and the product itself written into it; the manifest keeps the output's own shape.
// CHECK: outputs = [{dtype = "f32", kind = "values", name = "prediction", shape = [32]}]
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:[^:]+]]: memref<4x2x16xf32>, %[[OUT:[^:]+]]: memref<4x2x16xf32>)
// CHECK: %[[R:.+]] = nn.relu
// CHECK: bufferization.materialize_in_destination %[[R]] in restrict writable %[[OUT]] : (tensor<4x2x16xf32>, memref<4x2x16xf32>) -> ()
module {
  func.func @forward(%x: tensor<4x2x16xf32> {kiln.input = {name = "x"}})
      -> (tensor<4x32xf32> {kiln.output = {name = "prediction", kind = "values"}})
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 4}} {
    %r = nn.relu %x : tensor<4x2x16xf32>
    %c = tensor.collapse_shape %r [[0], [1, 2]] : tensor<4x2x16xf32> into tensor<4x32xf32>
    return %c : tensor<4x32xf32>
  }
}
