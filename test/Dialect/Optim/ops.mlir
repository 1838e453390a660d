// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s -mlir-print-op-generic | kiln-opt | FileCheck %s

// Tests that sgd round-trips, with and without weight decay (the default 0.0 is elided).
// CHECK-LABEL: func.func @sgd
// CHECK-SAME: (%[[P:.+]]: tensor<512x784xf32>, %[[G:.+]]: tensor<512x784xf32>, %[[LR:.+]]: f32)
func.func @sgd(%p: tensor<512x784xf32>, %g: tensor<512x784xf32>, %lr: f32)
    -> (tensor<512x784xf32>, tensor<512x784xf32>) {
  // CHECK: %[[A:.+]] = optim.sgd %[[P]], %[[G]], %[[LR]] : tensor<512x784xf32>, f32
  %a = optim.sgd %p, %g, %lr {weight_decay = 0.0} : tensor<512x784xf32>, f32
  // CHECK: %[[B:.+]] = optim.sgd %[[A]], %[[G]], %[[LR]] {weight_decay = 5.000000e-04 : f64} : tensor<512x784xf32>, f32
  %b = optim.sgd %a, %g, %lr {weight_decay = 5.0e-4} : tensor<512x784xf32>, f32
  // CHECK: return %[[A]], %[[B]]
  return %a, %b : tensor<512x784xf32>, tensor<512x784xf32>
}

// Tests that momentum round-trips with its two results and the nesterov flag.
// CHECK-LABEL: func.func @momentum
// CHECK-SAME: (%[[P:.+]]: tensor<512xf32>, %[[G:.+]]: tensor<512xf32>, %[[BUF:.+]]: tensor<512xf32>, %[[LR:.+]]: f32)
func.func @momentum(%p: tensor<512xf32>, %g: tensor<512xf32>, %buf: tensor<512xf32>, %lr: f32)
    -> (tensor<512xf32>, tensor<512xf32>) {
  // CHECK: %[[P1:.+]], %[[B1:.+]] = optim.momentum %[[P]], %[[G]], %[[BUF]], %[[LR]] : tensor<512xf32>, f32
  %p1, %b1 = optim.momentum %p, %g, %buf, %lr {momentum = 0.9} : tensor<512xf32>, f32
  // CHECK: %[[P2:.+]], %[[B2:.+]] = optim.momentum %[[P1]], %[[G]], %[[B1]], %[[LR]] {momentum = 5.000000e-01 : f64, nesterov, weight_decay = 1.000000e-02 : f64} : tensor<512xf32>, f32
  %p2, %b2 = optim.momentum %p1, %g, %b1, %lr {momentum = 0.5, nesterov, weight_decay = 0.01}
      : tensor<512xf32>, f32
  // CHECK: return %[[P2]], %[[B2]]
  return %p2, %b2 : tensor<512xf32>, tensor<512xf32>
}

// Tests that adam round-trips with its three results, and as AdamW.
// CHECK-LABEL: func.func @adam
// CHECK-SAME: (%[[P:.+]]: tensor<10x256xf32>, %[[G:.+]]: tensor<10x256xf32>, %[[M:.+]]: tensor<10x256xf32>, %[[V:.+]]: tensor<10x256xf32>, %[[LR:.+]]: f32, %[[STEP:.+]]: i64)
func.func @adam(%p: tensor<10x256xf32>, %g: tensor<10x256xf32>, %m: tensor<10x256xf32>,
                %v: tensor<10x256xf32>, %lr: f32, %step: i64)
    -> (tensor<10x256xf32>, tensor<10x256xf32>, tensor<10x256xf32>) {
  // CHECK: %[[P1:.+]], %[[M1:.+]], %[[V1:.+]] = optim.adam %[[P]], %[[G]], %[[M]], %[[V]], %[[LR]], %[[STEP]] : tensor<10x256xf32>, f32
  %p1, %m1, %v1 = optim.adam %p, %g, %m, %v, %lr, %step
      {beta1 = 0.9, beta2 = 0.999, eps = 1.0e-8} : tensor<10x256xf32>, f32
  // CHECK: %[[P2:.+]], %[[M2:.+]], %[[V2:.+]] = optim.adam %[[P1]], %[[G]], %[[M1]], %[[V1]], %[[LR]], %[[STEP]] {beta1 = 7.500000e-01 : f64, beta2 = 8.750000e-01 : f64, decoupled, eps = 1.250000e-01 : f64, weight_decay = 1.000000e-02 : f64} : tensor<10x256xf32>, f32
  %p2, %m2, %v2 = optim.adam %p1, %g, %m1, %v1, %lr, %step
      {beta1 = 0.75, beta2 = 0.875, eps = 0.125, weight_decay = 0.01, decoupled}
      : tensor<10x256xf32>, f32
  // CHECK: return %[[P2]], %[[M2]], %[[V2]]
  return %p2, %m2, %v2 : tensor<10x256xf32>, tensor<10x256xf32>, tensor<10x256xf32>
}

// Tests that the ops take other float types when lr matches them.
// CHECK-LABEL: func.func @sgd_f64
func.func @sgd_f64(%p: tensor<4xf64>, %g: tensor<4xf64>, %lr: f64) -> tensor<4xf64> {
  // CHECK: optim.sgd %{{.+}}, %{{.+}}, %{{.+}} : tensor<4xf64>, f64
  %a = optim.sgd %p, %g, %lr : tensor<4xf64>, f64
  return %a : tensor<4xf64>
}

// Tests that adagrad round-trips with its two results; the defaults (lr_decay 0, eps 1e-10, weight_decay 0) are not printed.
// CHECK-LABEL: func.func @adagrad
// CHECK-SAME: (%[[P:.+]]: tensor<512xf32>, %[[G:.+]]: tensor<512xf32>, %[[S:.+]]: tensor<512xf32>, %[[LR:.+]]: f32, %[[STEP:.+]]: i64)
func.func @adagrad(%p: tensor<512xf32>, %g: tensor<512xf32>, %s: tensor<512xf32>, %lr: f32, %step: i64)
    -> (tensor<512xf32>, tensor<512xf32>) {
  // CHECK: %[[P1:.+]], %[[S1:.+]] = optim.adagrad %[[P]], %[[G]], %[[S]], %[[LR]], %[[STEP]] : tensor<512xf32>, f32
  %p1, %s1 = optim.adagrad %p, %g, %s, %lr, %step {lr_decay = 0.0, eps = 1.0e-10, weight_decay = 0.0}
      : tensor<512xf32>, f32
  // CHECK: %[[P2:.+]], %[[S2:.+]] = optim.adagrad %[[P1]], %[[G]], %[[S1]], %[[LR]], %[[STEP]] {eps = 1.250000e-01 : f64, lr_decay = 5.000000e-01 : f64, weight_decay = 2.500000e-01 : f64} : tensor<512xf32>, f32
  %p2, %s2 = optim.adagrad %p1, %g, %s1, %lr, %step {lr_decay = 0.5, eps = 0.125, weight_decay = 0.25}
      : tensor<512xf32>, f32
  // CHECK: return %[[P2]], %[[S2]]
  return %p2, %s2 : tensor<512xf32>, tensor<512xf32>
}

// Tests that clip_by_global_norm round-trips over gradients of different shapes, and over one.
// CHECK-LABEL: func.func @clip_by_global_norm
// CHECK-SAME: (%[[GW:.+]]: tensor<64x784xf32>, %[[GB:.+]]: tensor<64xf32>)
func.func @clip_by_global_norm(%gw: tensor<64x784xf32>, %gb: tensor<64xf32>)
    -> (tensor<64x784xf32>, tensor<64xf32>, tensor<64xf32>) {
  // CHECK: %[[C:.+]]:2 = optim.clip_by_global_norm %[[GW]], %[[GB]] {max_norm = 1.000000e+00 : f64} : tensor<64x784xf32>, tensor<64xf32> -> tensor<64x784xf32>, tensor<64xf32>
  %c:2 = optim.clip_by_global_norm %gw, %gb {max_norm = 1.0}
      : tensor<64x784xf32>, tensor<64xf32> -> tensor<64x784xf32>, tensor<64xf32>
  // CHECK: %[[D:.+]] = optim.clip_by_global_norm %[[GB]] {max_norm = 2.500000e-01 : f64} : tensor<64xf32> -> tensor<64xf32>
  %d = optim.clip_by_global_norm %gb {max_norm = 0.25} : tensor<64xf32> -> tensor<64xf32>
  // CHECK: return %[[C]]#0, %[[C]]#1, %[[D]]
  return %c#0, %c#1, %d : tensor<64x784xf32>, tensor<64xf32>, tensor<64xf32>
}

// Tests that allreduce round-trips on tensors (a result per value) and on a buffer (no result).
// CHECK-LABEL: func.func @allreduce
// CHECK-SAME: (%[[CTX:.+]]: !llvm.ptr, %[[L:.+]]: tensor<f32>, %[[G:.+]]: tensor<4x3xf32>, %[[M:.+]]: memref<13xf32>)
func.func @allreduce(%ctx: !llvm.ptr, %l: tensor<f32>, %g: tensor<4x3xf32>, %m: memref<13xf32>)
    -> (tensor<f32>, tensor<4x3xf32>) {
  // CHECK: %[[A:.+]]:2 = optim.allreduce %[[CTX]], %[[L]], %[[G]] : tensor<f32>, tensor<4x3xf32> -> tensor<f32>, tensor<4x3xf32>
  %a:2 = optim.allreduce %ctx, %l, %g : tensor<f32>, tensor<4x3xf32> -> tensor<f32>, tensor<4x3xf32>
  // CHECK: optim.allreduce %[[CTX]], %[[M]] : memref<13xf32>
  optim.allreduce %ctx, %m : memref<13xf32>
  return %a#0, %a#1 : tensor<f32>, tensor<4x3xf32>
}
