// RUN: kiln-opt %s '-kiln-autodiff=cores=4 check-step=false' -kiln-stage-linalg | FileCheck %s
// RUN: kiln-opt %s '-kiln-autodiff=cores=1 check-step=false' -kiln-stage-linalg | FileCheck %s --check-prefix=ONE

// An LSTM over batch 6, T = 4 steps, 7 features, H = 6 (gates 4H = 24), its
// last step trained with mse, compiled for 4 cores: 6 rows split in 3 blocks
// of 2 (the most blocks, up to the cores, that divide the batch).

// Tests that the module records the cores, that the forward recurrence runs
// in a loop over the 3 blocks marked for threads, each block reading its rows
// of the input projection and writing its rows of h, c and the gates, the
// steps inside it; that backprop through time runs in a second such loop, and
// dx and the weight gradients in a third, each block's dW_ih, dW_hh and db in
// slab k of [3, ...] partials, summed over the blocks after the loop.
// CHECK: #[[ROWS:.+]] = affine_map<(d0) -> (d0 * 2)>
// CHECK: module attributes {{{.*}}kiln.cores = 4 : i64
// CHECK-LABEL: func.func @train_step
// CHECK: %[[GX:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2]] output_shape [6, 4, 24]
// CHECK: %[[FWD:.+]]:3 = scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[H:.+]] = %{{.+}}, %[[C:.+]] = %{{.+}}, %[[G:.+]] = %{{.+}}) -> (tensor<6x4x6xf32>, tensor<6x4x6xf32>, tensor<6x4x24xf32>)
// CHECK-NEXT: %[[AT:.+]] = affine.apply #[[ROWS]](%[[K]])
// CHECK-NEXT: tensor.extract_slice %[[GX]][%[[AT]], 0, 0] [2, 4, 24] [1, 1, 1] : tensor<6x4x24xf32> to tensor<2x4x24xf32>
// CHECK: scf.for {{.+}} -> (tensor<2x4x6xf32>, tensor<2x4x6xf32>, tensor<2x4x24xf32>)
// CHECK: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<2x6xf32>, tensor<6x24xf32>)
// CHECK: tensor.insert_slice %{{.+}} into %[[H]][%[[AT]], 0, 0] [2, 4, 6] [1, 1, 1] : tensor<2x4x6xf32> into tensor<6x4x6xf32>
// CHECK: } {kernel.parallel}
// CHECK: %[[BWD:.+]]:3 = scf.for {{.+}} -> (tensor<6x4x24xf32>, tensor<6x4x6xf32>, tensor<6x4x6xf32>)
// CHECK: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<2x24xf32>, tensor<24x6xf32>)
// CHECK: } {kernel.parallel}
// CHECK: %[[GRADS:.+]]:4 = scf.for %[[K2:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args({{.+}}) -> (tensor<6x4x7xf32>, tensor<3x24x7xf32>, tensor<3x24x6xf32>, tensor<3x24xf32>)
// CHECK-NEXT: %[[AT2:.+]] = affine.apply #[[ROWS]](%[[K2]])
// CHECK: tensor.extract_slice %[[BWD]]#0[%[[AT2]], 0, 0] [2, 4, 24]
// CHECK: linalg.matmul_transpose_a ins(%{{.+}}, %{{.+}} : tensor<8x24xf32>, tensor<8x7xf32>) outs(%{{.+}} : tensor<24x7xf32>)
// CHECK: linalg.matmul_transpose_a ins(%{{.+}}, %{{.+}} : tensor<8x24xf32>, tensor<8x6xf32>) outs(%{{.+}} : tensor<24x6xf32>)
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[%[[K2]], 0, 0] [1, 24, 7] [1, 1, 1] : tensor<24x7xf32> into tensor<3x24x7xf32>
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[%[[K2]], 0, 0] [1, 24, 6] [1, 1, 1] : tensor<24x6xf32> into tensor<3x24x6xf32>
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[%[[K2]], 0] [1, 24] [1, 1] : tensor<24xf32> into tensor<3x24xf32>
// CHECK: } {kernel.parallel}
// CHECK: tensor.collapse_shape %[[GRADS]]#1 {{\[}}[0], [1, 2]] : tensor<3x24x7xf32> into tensor<3x168xf32>
// CHECK: linalg.generic {{.+}} iterator_types = ["reduction", "parallel"]
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1]] output_shape [24, 7] : tensor<168xf32> into tensor<24x7xf32>

// Tests that for one core there are no blocks: the steps run over the whole
// batch, the weight gradients are one matmul each over all rows.
// ONE-NOT: kiln.cores
// ONE-NOT: kernel.parallel
// ONE: linalg.matmul_transpose_a ins(%{{.+}}, %{{.+}} : tensor<24x24xf32>, tensor<24x7xf32>)
// ONE-NOT: kernel.parallel

module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<6x4x7xf32> {kiln.input = {name = "x"}},
                   %wih: tensor<24x7xf32> {kiln.param = {name = "lstm.weight_ih_l0", trainable = true}},
                   %whh: tensor<24x6xf32> {kiln.param = {name = "lstm.weight_hh_l0", trainable = true}},
                   %bih: tensor<24xf32> {kiln.param = {name = "lstm.bias_ih_l0", trainable = true}},
                   %bhh: tensor<24xf32> {kiln.param = {name = "lstm.bias_hh_l0", trainable = true}}) -> tensor<6x6xf32> {
    %h, %c, %g = nn.lstm %x, %wih, %whh, %bih, %bhh
        : (tensor<6x4x7xf32>, tensor<24x7xf32>, tensor<24x6xf32>, tensor<24xf32>, tensor<24xf32>)
        -> (tensor<6x4x6xf32>, tensor<6x4x6xf32>, tensor<6x4x24xf32>)
    %y = nn.last_step %h : tensor<6x4x6xf32> -> tensor<6x6xf32>
    return %y : tensor<6x6xf32>
  }
  func.func @loss(%p: tensor<6x6xf32>, %t: tensor<6x6xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<6x6xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
