// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kiln-unshare-empty-tensors))' | FileCheck %s

// Tests that a tensor.empty used by three ops (as CSE leaves equal empties)
// becomes three, one per use, all where the original was; a single-use empty
// is left alone.
// CHECK-LABEL: func.func @shared
// CHECK-NEXT: %[[E0:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT: %[[E1:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT: %[[E2:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT: %[[S:.+]] = tensor.empty() : tensor<8xf32>
// Each of the three ops writes into an empty of its own.
// CHECK-DAG: outs(%[[E0]] : tensor<4x8xf32>)
// CHECK-DAG: outs(%[[E1]] : tensor<4x8xf32>)
// CHECK-DAG: outs(%[[E2]] : tensor<4x8xf32>)
// CHECK-DAG: outs(%[[S]] : tensor<8xf32>)
func.func @shared(%f: f32, %n: index) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %s = tensor.empty() : tensor<8xf32>
  %a = linalg.fill ins(%f : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %b = linalg.fill ins(%f : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %b) -> tensor<4x8xf32> {
    %c = linalg.copy ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
    scf.yield %c : tensor<4x8xf32>
  }
  %t = linalg.fill ins(%f : f32) outs(%s : tensor<8xf32>) -> tensor<8xf32>
  return %a, %b, %r, %t : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>
}
