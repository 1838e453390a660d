// RUN: kiln-opt %s -split-input-file -pass-pipeline="builtin.module(func.func(nn-pool-before-relu))" -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s

// Tests that a max pooling of a relu becomes the relu of the max pooling,
// each op keeping its location (its layer), the pooling's attributes kept.
// CHECK-LABEL: func.func @conv_relu_pool
// CHECK-NEXT: %[[C:.+]] = nn.conv2d %arg0, %arg1
// CHECK-NEXT: %[[P:.+]] = nn.max_pool2d %[[C]] {padding = array<i64: 1, 0, 0, 1>, strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : tensor<2x4x6x6xf32> -> tensor<2x4x3x3xf32> loc("pool")
// CHECK-NEXT: %[[R:.+]] = nn.relu %[[P]] : tensor<2x4x3x3xf32> loc("conv")
// CHECK-NEXT: return %[[R]]
func.func @conv_relu_pool(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x3x3xf32> {
  %c = nn.conv2d %x, %w : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32> loc("conv")
  %r = nn.relu %c : tensor<2x4x6x6xf32> loc("conv")
  %p = nn.max_pool2d %r {window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 0, 1>} : tensor<2x4x6x6xf32> -> tensor<2x4x3x3xf32> loc("pool")
  return %p : tensor<2x4x3x3xf32>
}

// -----

// Tests that a relu with another use (here returned) stays: it would be
// computed twice.
// CHECK-LABEL: func.func @relu_used_twice
// CHECK-NEXT: %[[R:.+]] = nn.relu
// CHECK-NEXT: %[[P:.+]] = nn.max_pool2d %[[R]]
// CHECK-NEXT: return %[[P]], %[[R]]
func.func @relu_used_twice(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x4x4xf32>) {
  %r = nn.relu %x : tensor<1x2x4x4xf32>
  %p = nn.max_pool2d %r {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %p, %r : tensor<1x2x2x2xf32>, tensor<1x2x4x4xf32>
}

// -----

// Tests that average pooling and other activations stay in order: a mean
// of relus is not the relu of the mean, and a sigmoid can round two inputs
// to one value (moving the gradient to another tap).
// CHECK-LABEL: func.func @others_stay
// CHECK-NEXT: nn.relu
// CHECK-NEXT: nn.avg_pool2d
// CHECK-NEXT: nn.sigmoid
// CHECK-NEXT: nn.max_pool2d
func.func @others_stay(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32> {
  %r = nn.relu %x : tensor<1x2x4x4xf32>
  %a = nn.avg_pool2d %r {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %s = nn.sigmoid %a : tensor<1x2x2x2xf32>
  %p = nn.max_pool2d %s {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x2x2x2xf32> -> tensor<1x2x1x1xf32>
  return %p : tensor<1x2x1x1xf32>
}
