// A known bug, kept as a test so that it cannot be forgotten: when an entry
// point returns one of its arguments unchanged (kilnc on an inference-only
// model whose layers fold away, e.g. {"input": {"shape": [8]}, "layers":
// [{"type": "flatten"}], "training": false}), kiln-buffer-abi materializes the
// argument itself, already retyped to a memref, instead of its to_tensor:
// "'bufferization.materialize_in_destination' op operand #0 must be tensor of
// any type values, but got 'memref<2x4xf32>'". BufferABI.cpp collects the
// returned values before it replaces the arguments' uses. When this passes,
// remove the XFAIL line and move the case into kiln-buffer-abi.mlir.
// XFAIL: *
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
