// RUN: kiln-opt %s -split-input-file -canonicalize | FileCheck %s

// Tests that a reshape to the input's own type folds away.
// CHECK-LABEL: func.func @reshape_identity
// CHECK-SAME: (%[[X:.+]]: tensor<4x6xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_identity(%x: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %r = nn.reshape %x : tensor<4x6xf32> -> tensor<4x6xf32>
  return %r : tensor<4x6xf32>
}

// -----

// Tests that a reshape of a reshape reads the original input.
// CHECK-LABEL: func.func @reshape_chain
// CHECK-SAME: (%[[X:.+]]: tensor<4x2x3xf32>)
// CHECK-NEXT: %[[R:.+]] = nn.reshape %[[X]] : tensor<4x2x3xf32> -> tensor<24xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_chain(%x: tensor<4x2x3xf32>) -> tensor<24xf32> {
  %a = nn.reshape %x : tensor<4x2x3xf32> -> tensor<4x6xf32>
  %b = nn.reshape %a : tensor<4x6xf32> -> tensor<24xf32>
  return %b : tensor<24xf32>
}

// -----

// Tests that reshaping back to the original shape cancels out.
// CHECK-LABEL: func.func @reshape_roundtrip
// CHECK-SAME: (%[[X:.+]]: tensor<4x2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_roundtrip(%x: tensor<4x2x3xf32>) -> tensor<4x2x3xf32> {
  %a = nn.reshape %x : tensor<4x2x3xf32> -> tensor<4x6xf32>
  %b = nn.reshape %a : tensor<4x6xf32> -> tensor<4x2x3xf32>
  return %b : tensor<4x2x3xf32>
}

// -----

// Tests that unused layers are dead code (nn ops are pure).
// CHECK-LABEL: func.func @dead_layer
// CHECK-NOT: nn.relu
func.func @dead_layer(%x: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %r = nn.relu %x : tensor<4x6xf32>
  return %x : tensor<4x6xf32>
}
