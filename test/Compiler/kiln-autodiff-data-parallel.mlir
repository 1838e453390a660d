// RUN: kiln-opt %s -kiln-autodiff=data-parallel=true | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | FileCheck %s --check-prefix=ALONE

// Tests that with data-parallel, train_step takes the runtime context last (an !llvm.ptr kiln.scalar "context"), says allreduce = true in its kiln.entry, and averages the loss and the trainable parameters' gradients (a frozen one sends nothing) in one optim.allreduce after the reverse sweep and before clipping: the clip sees the averaged gradients, the update the clipped ones, and train_step returns the averaged loss.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: tensor<3x6xf32> {kiln.param = {name = "fc.weight", trainable = true}},
// CHECK-SAME: %[[B:[^:]+]]: tensor<3xf32> {kiln.param = {name = "fc.bias", trainable = true}},
// CHECK-SAME: %[[F:[^:]+]]: tensor<3x3xf32> {kiln.param = {name = "frozen.weight", trainable = false}},
// CHECK-SAME: %[[LR:[^:]+]]: f32 {kiln.scalar = "lr"}, %{{[^:]+}}: i64 {kiln.scalar = "step"}, %{{[^:]+}}: i64 {kiln.scalar = "seed"},
// CHECK-SAME: %[[CTX:[^:]+]]: !llvm.ptr {kiln.scalar = "context"})
// CHECK-SAME: kiln.entry = {allreduce = true, batch = 8 : i64, mode = "train", name = "train_step"}
// CHECK: %[[LOSS:.+]] = nn.mse_loss
// CHECK: %[[GW:.+]] = linalg.matmul_transpose_a ins(%{{.+}}, %{{.+}} : tensor<8x3xf32>, tensor<8x6xf32>)
// CHECK: %[[GB:.+]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]}
// CHECK-NOT: optim.
// CHECK: %[[AVG:.+]]:3 = optim.allreduce %[[CTX]], %[[LOSS]], %[[GW]], %[[GB]] : tensor<f32>, tensor<3x6xf32>, tensor<3xf32> -> tensor<f32>, tensor<3x6xf32>, tensor<3xf32>
// CHECK-NEXT: %[[C:.+]]:2 = optim.clip_by_global_norm %[[AVG]]#1, %[[AVG]]#2 {max_norm = 1.500000e+00 : f64}
// CHECK-NEXT: optim.sgd %[[W]], %[[C]]#0, %[[LR]]
// CHECK-NEXT: optim.sgd %[[B]], %[[C]]#1, %[[LR]]
// CHECK-NOT: optim.
// CHECK: return %[[AVG]]#0,
// eval_step and check_step (the divergence diagnosis, run by one process)
// take no context and average nothing.
// CHECK-LABEL: func.func @eval_step(
// CHECK-NOT: llvm.ptr
// CHECK-NOT: optim.allreduce
// CHECK-LABEL: func.func @check_step(
// CHECK-NOT: llvm.ptr
// CHECK-NOT: optim.allreduce
// CHECK: return

// Without the option, nothing of it.
// ALONE-NOT: allreduce
// ALONE-NOT: llvm.ptr
module attributes {kiln.optimizer = {type = "sgd", clip_norm = 1.5}} {
  func.func @model(%x: tensor<8x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x6xf32> {kiln.param = {name = "fc.weight", trainable = true}},
                   %b: tensor<3xf32> {kiln.param = {name = "fc.bias", trainable = true}},
                   %f: tensor<3x3xf32> {kiln.param = {name = "frozen.weight", trainable = false}}) -> tensor<8x3xf32> {
    %h = nn.dense %x, %w, %b : (tensor<8x6xf32>, tensor<3x6xf32>, tensor<3xf32>) -> tensor<8x3xf32>
    %y = nn.dense %h, %f : (tensor<8x3xf32>, tensor<3x3xf32>) -> tensor<8x3xf32>
    return %y : tensor<8x3xf32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
