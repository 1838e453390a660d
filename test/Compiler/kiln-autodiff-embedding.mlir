// RUN: kiln-opt %s -kiln-autodiff | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff -kiln-stage-linalg -kiln-stage-kernel -kiln-stage-tiled -kiln-stage-bufferized | FileCheck %s --check-prefix=BUF

// Tests that an embedding's weight gradient is a scatter-add: a loop over the
// 6 ids (in order, so the sum is deterministic) carrying the zero-filled
// table, each step adding one row of dy into the row the id names (clamped
// to [0, 6] as the forward clamps it). No [ids, rows] one-hot matrix.
// CHECK-LABEL: func.func @train_step
// CHECK-NOT: tensor<6x7xf32>
// CHECK: %[[IDS:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1]] : tensor<2x3xi32> into tensor<6xi32>
// CHECK: %[[DY:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : tensor<2x3x20xf32> into tensor<6x20xf32>
// CHECK: %[[ZERO:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<7x20xf32>)
// CHECK: %[[DW:.+]] = scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[ZERO]]) -> (tensor<7x20xf32>)
// CHECK: %[[ID:.+]] = tensor.extract %[[IDS]][%[[I]]] : tensor<6xi32>
// CHECK: %[[LO:.+]] = arith.maxsi %[[ID]], %{{.+}} : i32
// CHECK: %[[HI:.+]] = arith.minsi %[[LO]], %{{.+}} : i32
// CHECK: %[[ROW:.+]] = arith.index_cast %[[HI]] : i32 to index
// CHECK: %[[D:.+]] = tensor.extract_slice %[[DY]][%[[I]], %{{.+}}] [1, 20] [1, 1]
// CHECK: %[[OLD:.+]] = tensor.extract_slice %[[ACC]][%[[ROW]], %{{.+}}] [1, 20] [1, 1]
// CHECK: %[[NEW:.+]] = linalg.generic {{.+}} ins(%[[D]] : tensor<1x20xf32>) outs(%[[OLD]] : tensor<1x20xf32>)
// CHECK: arith.addf
// CHECK: %[[SET:.+]] = tensor.insert_slice %[[NEW]] into %[[ACC]][%[[ROW]], %{{.+}}] [1, 20] [1, 1]
// CHECK: scf.yield %[[SET]]
// The SGD update reads the scattered gradient.
// CHECK: optim.sgd %{{.+}}, %[[DW]]

// Bufferized, the row is updated in place, in vectors (16 + 4 lanes), with
// no copy of the table inside the loop.
// BUF-LABEL: func.func @train_step
// BUF: scf.for %[[I:.+]] = %{{.+}} to %c6 step %{{.+}} {
// BUF-NEXT: memref.load %{{.+}}[%[[I]]] : memref<6xi32>
// BUF-NEXT: arith.maxsi
// BUF-NEXT: arith.minsi
// BUF-NEXT: %[[ROW:.+]] = arith.index_cast
// BUF-NOT: memref.copy
// BUF: vector.transfer_read %{{.+}}[%[[ROW]], %{{.+}}], %{{.+}} {in_bounds = [true, true]} : memref<7x20xf32>, vector<1x16xf32>
// BUF-NOT: memref.copy
// BUF: vector.transfer_write %{{.+}} : vector<1x4xf32>
// BUF-NEXT: }
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<2x3xi32> {kiln.input = {name = "x", vocab_size = 7 : i64}},
                   %w: tensor<7x20xf32> {kiln.param = {name = "embed.weight", trainable = true}}) -> tensor<2x20xf32> {
    %e = nn.embedding %x, %w : (tensor<2x3xi32>, tensor<7x20xf32>) -> tensor<2x3x20xf32>
    %m = nn.reduce_mean %e {axis = 1} : tensor<2x3x20xf32> -> tensor<2x20xf32>
    return %m : tensor<2x20xf32>
  }
  func.func @loss(%p: tensor<2x20xf32>, %t: tensor<2x20xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x20xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
