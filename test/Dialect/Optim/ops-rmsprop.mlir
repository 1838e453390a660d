// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s -mlir-print-op-generic | kiln-opt | FileCheck %s

// Tests that rmsprop round-trips plain, with a momentum buffer, centered, and with both (each optional state names its type and its result's); the defaults (alpha 0.99, eps 1e-8, momentum 0, weight_decay 0) are not printed.
// CHECK-LABEL: func.func @rmsprop
// CHECK-SAME: (%[[P:.+]]: tensor<512xf32>, %[[G:.+]]: tensor<512xf32>, %[[V:.+]]: tensor<512xf32>, %[[B:.+]]: tensor<512xf32>, %[[A:.+]]: tensor<512xf32>, %[[LR:.+]]: f32)
func.func @rmsprop(%p: tensor<512xf32>, %g: tensor<512xf32>, %v: tensor<512xf32>, %b: tensor<512xf32>,
                   %a: tensor<512xf32>, %lr: f32) -> (tensor<512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>) {
  // CHECK: %[[P1:.+]], %[[V1:.+]] = optim.rmsprop %[[P]], %[[G]], %[[V]], %[[LR]] : tensor<512xf32>, f32
  %p1, %v1 = optim.rmsprop %p, %g, %v, %lr {alpha = 0.99, eps = 1.0e-8, momentum = 0.0, weight_decay = 0.0}
      : tensor<512xf32>, f32
  // CHECK: %[[P2:.+]], %[[V2:.+]], %[[B2:.+]] = optim.rmsprop %[[P1]], %[[G]], %[[V1]] momentum_buffer %[[B]] : tensor<512xf32> -> tensor<512xf32>, %[[LR]] {momentum = 9.000000e-01 : f64} : tensor<512xf32>, f32
  %p2, %v2, %b2 = optim.rmsprop %p1, %g, %v1 momentum_buffer %b : tensor<512xf32> -> tensor<512xf32>, %lr {momentum = 0.9}
      : tensor<512xf32>, f32
  // CHECK: %[[P3:.+]], %[[V3:.+]], %[[A3:.+]] = optim.rmsprop %[[P2]], %[[G]], %[[V2]] grad_avg %[[A]] : tensor<512xf32> -> tensor<512xf32>, %[[LR]] {alpha = 9.000000e-01 : f64, centered} : tensor<512xf32>, f32
  %p3, %v3, %a3 = optim.rmsprop %p2, %g, %v2 grad_avg %a : tensor<512xf32> -> tensor<512xf32>, %lr {alpha = 0.9, centered}
      : tensor<512xf32>, f32
  // CHECK: %[[P4:.+]], %[[V4:.+]], %[[B4:.+]], %[[A4:.+]] = optim.rmsprop %[[P3]], %[[G]], %[[V3]] momentum_buffer %[[B2]] : tensor<512xf32> -> tensor<512xf32> grad_avg %[[A3]] : tensor<512xf32> -> tensor<512xf32>, %[[LR]] {centered, eps = 1.000000e-03 : f64, momentum = 5.000000e-01 : f64, weight_decay = 1.000000e-02 : f64} : tensor<512xf32>, f32
  %p4, %v4, %b4, %a4 = optim.rmsprop %p3, %g, %v3 momentum_buffer %b2 : tensor<512xf32> -> tensor<512xf32>
      grad_avg %a3 : tensor<512xf32> -> tensor<512xf32>, %lr {momentum = 0.5, centered, eps = 1.0e-3, weight_decay = 0.01}
      : tensor<512xf32>, f32
  // CHECK: return %[[P4]], %[[V4]], %[[B4]], %[[A4]]
  return %p4, %v4, %b4, %a4 : tensor<512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>
}
