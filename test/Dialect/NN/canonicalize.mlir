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

// -----

// Tests that dropout folds away outside training mode and at rate 0, and stays in training mode.
// CHECK-LABEL: func.func @dropout_eval
// CHECK-SAME: (%[[X:.+]]: tensor<8x16xf32>, %[[S:.+]]: i64)
// CHECK-NEXT: %[[T:.+]] = nn.dropout %[[X]] seed %[[S]] step %[[S]] {{.*}}training
// CHECK-NEXT: return %[[X]], %[[X]], %[[T]]
func.func @dropout_eval(%x: tensor<8x16xf32>, %s: i64) -> (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) {
  %a = nn.dropout %x {rate = 0.5, stream = 0} : tensor<8x16xf32>
  %b = nn.dropout %x seed %s step %s {rate = 0.0, stream = 1, training} : tensor<8x16xf32>
  %c = nn.dropout %x seed %s step %s {rate = 0.5, stream = 2, training} : tensor<8x16xf32>
  return %a, %b, %c : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>
}

// -----

// Tests that count folds to its input outside training mode and stays in it.
// CHECK-LABEL: func.func @count_eval
// CHECK-SAME: (%[[N:.+]]: tensor<i64>)
// CHECK-NEXT: %[[T:.+]] = nn.count %[[N]] {training}
// CHECK-NEXT: return %[[N]], %[[T]]
func.func @count_eval(%n: tensor<i64>) -> (tensor<i64>, tensor<i64>) {
  %a = nn.count %n : tensor<i64>
  %b = nn.count %n {training} : tensor<i64>
  return %a, %b : tensor<i64>, tensor<i64>
}
