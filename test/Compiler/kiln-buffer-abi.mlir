// RUN: kiln-opt %s -split-input-file -kiln-buffer-abi | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-buffer-abi -one-shot-bufferize=allow-unknown-ops -canonicalize | FileCheck %s --check-prefix=INPLACE
// RUN: not kiln-opt %S/Inputs/kiln-buffer-abi-missing-forward.mlir -kiln-buffer-abi 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not kiln-opt %S/Inputs/kiln-buffer-abi-no-params.mlir -kiln-buffer-abi 2>&1 | FileCheck %s --check-prefix=NOPARAMS
// NOPARAMS: error: kiln-buffer-abi: the model has no parameters

// Tests that a module without @forward is rejected.
// MISSING: kiln-buffer-abi-missing-forward.mlir:{{[0-9]+}}:{{[0-9]+}}: error: kiln-buffer-abi expects @train_step and @forward

// Tests that train_step and forward get their buffer-level ABI, and the module its param and state-slot counts.
// train_step: tensor arguments become memrefs read through `to_tensor restrict
// writable`; the predictions (result 1) are materialized into a new last
// argument `out`, new params and state (results 2..) into their argument
// buffers (result i+2 into argument i); the loss is returned as a scalar.
// CHECK: module attributes {kiln.num_params = 2 : i64, kiln.num_state_slots = 1 : i64}
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:.+]]: memref<4x2xf32> {kiln.param = "fc.weight"}, %[[B:.+]]: memref<4xf32> {kiln.param = "fc.bias"},
// CHECK-SAME: %[[MW:.+]]: memref<4x2xf32> {kiln.state = "momentum_buffer"}, %[[MB:.+]]: memref<4xf32> {kiln.state = "momentum_buffer"},
// CHECK-SAME: %[[X:.+]]: memref<3x2xf32>, %[[Y:.+]]: memref<3x4xf32>, %[[LR:.+]]: f32, %[[STEP:.+]]: i64, %[[OUT:.+]]: memref<3x4xf32>) -> f32
// CHECK-DAG: %[[WT:.+]] = bufferization.to_tensor %[[W]] restrict writable : memref<4x2xf32>
// CHECK-DAG: %[[BT:.+]] = bufferization.to_tensor %[[B]] restrict writable : memref<4xf32>
// CHECK-DAG: %[[MWT:.+]] = bufferization.to_tensor %[[MW]] restrict writable : memref<4x2xf32>
// CHECK-DAG: %[[MBT:.+]] = bufferization.to_tensor %[[MB]] restrict writable : memref<4xf32>
// The input and target are const in the ABI: read through non-writable to_tensor.
// CHECK-DAG: %[[XT:.+]] = bufferization.to_tensor %[[X]] restrict : memref<3x2xf32>
// CHECK-DAG: %[[YT:.+]] = bufferization.to_tensor %[[Y]] restrict : memref<3x4xf32>
// CHECK: %[[PRED:.+]] = nn.dense %[[XT]], %[[WT]], %[[BT]]
// CHECK: %[[LOSS:.+]] = nn.mse_loss %[[PRED]], %[[YT]]
// CHECK: %[[NW:.+]], %[[NMW:.+]] = optim.momentum %[[WT]], %{{.+}}, %[[MWT]], %[[LR]]
// CHECK: %[[NB:.+]], %[[NMB:.+]] = optim.momentum %[[BT]], %{{.+}}, %[[MBT]], %[[LR]]
// CHECK: bufferization.materialize_in_destination %[[PRED]] in restrict writable %[[OUT]] : (tensor<3x4xf32>, memref<3x4xf32>) -> ()
// CHECK-NEXT: bufferization.materialize_in_destination %[[NW]] in restrict writable %[[W]] : (tensor<4x2xf32>, memref<4x2xf32>) -> ()
// CHECK-NEXT: bufferization.materialize_in_destination %[[NB]] in restrict writable %[[B]] : (tensor<4xf32>, memref<4xf32>) -> ()
// CHECK-NEXT: bufferization.materialize_in_destination %[[NMW]] in restrict writable %[[MW]] : (tensor<4x2xf32>, memref<4x2xf32>) -> ()
// CHECK-NEXT: bufferization.materialize_in_destination %[[NMB]] in restrict writable %[[MB]] : (tensor<4xf32>, memref<4xf32>) -> ()
// CHECK-NEXT: %[[L:.+]] = tensor.extract %[[LOSS]][] : tensor<f32>
// CHECK-NEXT: return %[[L]] : f32

// forward(x, params...) -> pred becomes forward(params..., x, out), with the
// parameters' attributes kept and the prediction written into out.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[FW:.+]]: memref<4x2xf32> {kiln.param = "fc.weight"}, %[[FB:.+]]: memref<4xf32> {kiln.param = "fc.bias"}, %[[FX:[^:]+]]: memref<3x2xf32>{{.*}}, %[[OUT:[^:]+]]: memref<3x4xf32>) {
// CHECK-DAG: %[[FWT:.+]] = bufferization.to_tensor %[[FW]] restrict writable
// CHECK-DAG: %[[FBT:.+]] = bufferization.to_tensor %[[FB]] restrict writable
// CHECK-DAG: %[[FXT:.+]] = bufferization.to_tensor %[[FX]] restrict : memref<3x2xf32>
// CHECK: %[[P:.+]] = nn.dense %[[FXT]], %[[FWT]], %[[FBT]]
// CHECK-NEXT: bufferization.materialize_in_destination %[[P]] in restrict writable %[[OUT]] : (tensor<3x4xf32>, memref<3x4xf32>) -> ()
// CHECK-NEXT: return{{$}}

module {
  func.func @train_step(%w: tensor<4x2xf32> {kiln.param = "fc.weight"}, %b: tensor<4xf32> {kiln.param = "fc.bias"},
                        %mw: tensor<4x2xf32> {kiln.state = "momentum_buffer"}, %mb: tensor<4xf32> {kiln.state = "momentum_buffer"},
                        %x: tensor<3x2xf32>, %y: tensor<3x4xf32>, %lr: f32, %step: i64)
      -> (tensor<f32>, tensor<3x4xf32>, tensor<4x2xf32>, tensor<4xf32>, tensor<4x2xf32>, tensor<4xf32>) {
    %pred = nn.dense %x, %w, %b : (tensor<3x2xf32>, tensor<4x2xf32>, tensor<4xf32>) -> tensor<3x4xf32>
    %loss = nn.mse_loss %pred, %y : tensor<3x4xf32> -> tensor<f32>
    %gw = tensor.empty() : tensor<4x2xf32>
    %gb = tensor.empty() : tensor<4xf32>
    %nw, %nmw = optim.momentum %w, %gw, %mw, %lr : tensor<4x2xf32>, f32
    %nb, %nmb = optim.momentum %b, %gb, %mb, %lr : tensor<4xf32>, f32
    return %loss, %pred, %nw, %nb, %nmw, %nmb
        : tensor<f32>, tensor<3x4xf32>, tensor<4x2xf32>, tensor<4xf32>, tensor<4x2xf32>, tensor<4xf32>
  }
  func.func @forward(%x: tensor<3x2xf32>, %w: tensor<4x2xf32> {kiln.param = "fc.weight"},
                     %b: tensor<4xf32> {kiln.param = "fc.bias"}) -> tensor<3x4xf32> {
    %pred = nn.dense %x, %w, %b : (tensor<3x2xf32>, tensor<4x2xf32>, tensor<4xf32>) -> tensor<3x4xf32>
    return %pred : tensor<3x4xf32>
  }
}

// -----

// Tests that after one-shot bufferization the parameter update reads and writes the argument buffer in place.
#id = affine_map<(d0) -> (d0)>
// INPLACE: module attributes {kiln.num_params = 1 : i64, kiln.num_state_slots = 0 : i64}
// INPLACE: func.func @train_step
// INPLACE-SAME: (%[[P:[^:]+]]: memref<16xf32> {kiln.param = "p"}, %[[X:[^:]+]]: memref<16xf32>,
// INPLACE-NOT: memref.copy {{.*}}, %[[P]] :
// INPLACE: linalg.generic {{.*}} ins(%[[X]] : memref<16xf32>) outs(%[[P]] : memref<16xf32>)
// INPLACE-NOT: memref.copy {{.*}}, %[[P]] :
// INPLACE: return
module {
  func.func @train_step(%p: tensor<16xf32> {kiln.param = "p"}, %x: tensor<16xf32>, %y: tensor<16xf32>,
                        %lr: f32, %step: i64) -> (tensor<f32>, tensor<16xf32>, tensor<16xf32>) {
    %loss = arith.constant dense<0.0> : tensor<f32>
    %np = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%x : tensor<16xf32>) outs(%p : tensor<16xf32>) {
    ^bb0(%g: f32, %v: f32):
      %s = arith.mulf %lr, %g : f32
      %r = arith.subf %v, %s : f32
      linalg.yield %r : f32
    } -> tensor<16xf32>
    return %loss, %x, %np : tensor<f32>, tensor<16xf32>, tensor<16xf32>
  }
  func.func @forward(%x: tensor<16xf32>, %p: tensor<16xf32> {kiln.param = "p"}) -> tensor<16xf32> {
    return %p : tensor<16xf32>
  }
}
