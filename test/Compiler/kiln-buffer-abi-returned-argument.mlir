// Regression: an entry point returning one of its arguments (an
// inference-only model whose layers fold away) materialized the memref
// argument itself instead of its to_tensor.
// RUN: kiln-opt %s -kiln-buffer-abi | FileCheck %s

// Tests that a returned argument is read through its to_tensor and copied into the output buffer.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:[^:]+]]: memref<2x4xf32>, %[[OUT:[^:]+]]: memref<2x4xf32>)
// CHECK-NEXT: %[[XT:.+]] = bufferization.to_tensor %[[X]] restrict : memref<2x4xf32>
// CHECK-NEXT: bufferization.materialize_in_destination %[[XT]] in restrict writable %[[OUT]] : (tensor<2x4xf32>, memref<2x4xf32>) -> ()
// CHECK-NEXT: return
module {
  func.func @forward(%x: tensor<2x4xf32> {kiln.input = {name = "x"}})
      -> (tensor<2x4xf32> {kiln.output = {name = "prediction", kind = "values"}})
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 2}} {
    return %x : tensor<2x4xf32>
  }
}
