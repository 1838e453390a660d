// RUN: kiln-opt %s '-kiln-autodiff=cores=2 check-step=false' -kiln-stage-linalg -kiln-stage-kernel -kiln-stage-tiled -kiln-stage-bufferized \
// RUN:   | kiln-opt --pass-pipeline='builtin.module(func.func(kernel-prefetch-epilogue,kernel-local-scratch),kiln-lower-allreduce,func.func(kernel-lower-vectors),kiln-workspace,func.func(kiln-expand-copies,convert-linalg-to-loops,kiln-fold-trip-views,canonicalize,cse),kiln-outline-kernels)' \
// RUN:   | FileCheck %s

// An LSTM over batch 32, T = 16 steps, 7 features, H = 64, its last step
// trained with mse, compiled for 2 cores: 2 blocks of 16 rows.

// Tests the whole way from the builders to the outlined kernels: the forward
// steps, the backward steps and the backward's dx and weight gradients are
// each a kernel whose loop over the 2 blocks threads split
// (kiln.parallel_trips = 2): each block's per-step temporaries a workspace
// slot per trip ([16, 256] for the forward's pre-activations), the partial
// weight gradients [2, 256, 7] and [2, 256, 64] written at slab k.
// CHECK: func.func private @[[FWD:train_step_k[0-9]+]]({{.*}}) attributes {kiln.parallel_trips = 2 : i64
// CHECK: memref.view {{.*}} to memref<16x256xf32>
// CHECK: func.func private @[[BWD:train_step_k[0-9]+]]({{.*}}) attributes {kiln.parallel_trips = 2 : i64
// CHECK: func.func private @[[GRADS:train_step_k[0-9]+]]({{.*}}) attributes {kiln.parallel_trips = 2 : i64
// CHECK-DAG: memref.view {{.*}} to memref<2x256x7xf32>
// CHECK-DAG: memref.view {{.*}} to memref<2x256x64xf32>
// CHECK-LABEL: func.func @train_step(
// CHECK: call @[[FWD]](
// CHECK: call @[[BWD]](
// CHECK: call @[[GRADS]](

module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<32x16x7xf32> {kiln.input = {name = "x"}},
                   %wih: tensor<256x7xf32> {kiln.param = {name = "lstm.weight_ih_l0", trainable = true}},
                   %whh: tensor<256x64xf32> {kiln.param = {name = "lstm.weight_hh_l0", trainable = true}},
                   %bih: tensor<256xf32> {kiln.param = {name = "lstm.bias_ih_l0", trainable = true}},
                   %bhh: tensor<256xf32> {kiln.param = {name = "lstm.bias_hh_l0", trainable = true}}) -> tensor<32x64xf32> {
    %h, %c, %g = nn.lstm %x, %wih, %whh, %bih, %bhh
        : (tensor<32x16x7xf32>, tensor<256x7xf32>, tensor<256x64xf32>, tensor<256xf32>, tensor<256xf32>)
        -> (tensor<32x16x64xf32>, tensor<32x16x64xf32>, tensor<32x16x256xf32>)
    %y = nn.last_step %h : tensor<32x16x64xf32> -> tensor<32x64xf32>
    return %y : tensor<32x64xf32>
  }
  func.func @loss(%p: tensor<32x64xf32>, %t: tensor<32x64xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<32x64xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
