// RUN: kiln-opt %s -split-input-file -optim-to-linalg | FileCheck %s --implicit-check-not=optim.

// Tests that sgd is one generic reading the gradient with the parameter as its output: p - lr * g.
// CHECK-LABEL: func.func @sgd
// CHECK-SAME: (%[[P:.+]]: tensor<512x784xf32>, %[[G:.+]]: tensor<512x784xf32>, %[[LR:.+]]: f32)
// CHECK-NEXT: %[[NEW:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[G]] : tensor<512x784xf32>) outs(%[[P]] : tensor<512x784xf32>)
// CHECK-NEXT: ^bb0(%[[GI:.+]]: f32, %[[PI:.+]]: f32):
// CHECK-NEXT: %[[STEP:.+]] = arith.mulf %[[LR]], %[[GI]] : f32
// CHECK-NEXT: %[[R:.+]] = arith.subf %[[PI]], %[[STEP]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
// CHECK: return %[[NEW]]
func.func @sgd(%p: tensor<512x784xf32>, %g: tensor<512x784xf32>, %lr: f32) -> tensor<512x784xf32> {
  %a = optim.sgd %p, %g, %lr : tensor<512x784xf32>, f32
  return %a : tensor<512x784xf32>
}

// -----

// Tests that sgd's weight decay adds wd * p to the gradient inside the same generic.
// CHECK-LABEL: func.func @sgd_weight_decay
// CHECK-SAME: (%[[P:.+]]: tensor<16xf32>, %[[G:.+]]: tensor<16xf32>, %[[LR:.+]]: f32)
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[G]] : tensor<16xf32>) outs(%[[P]] : tensor<16xf32>)
// CHECK-NEXT: ^bb0(%[[GI:.+]]: f32, %[[PI:.+]]: f32):
// CHECK-NEXT: %[[WD:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[PI]] : f32
// CHECK-NEXT: %[[GD:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK-NEXT: %[[STEP:.+]] = arith.mulf %[[LR]], %[[GD]] : f32
// CHECK-NEXT: arith.subf %[[PI]], %[[STEP]] : f32
// CHECK-NOT: linalg.generic
func.func @sgd_weight_decay(%p: tensor<16xf32>, %g: tensor<16xf32>, %lr: f32) -> tensor<16xf32> {
  %a = optim.sgd %p, %g, %lr {weight_decay = 0.5} : tensor<16xf32>, f32
  return %a : tensor<16xf32>
}

// -----

// Tests that momentum is one generic with the parameter and the buffer as outputs: buf' = mu buf + g, p' = p - lr buf'.
// CHECK-LABEL: func.func @momentum
// CHECK-SAME: (%[[P:.+]]: tensor<512xf32>, %[[G:.+]]: tensor<512xf32>, %[[BUF:.+]]: tensor<512xf32>, %[[LR:.+]]: f32)
// CHECK-NEXT: %[[R:.+]]:2 = linalg.generic {{.*}} ins(%[[G]] : tensor<512xf32>) outs(%[[P]], %[[BUF]] : tensor<512xf32>, tensor<512xf32>)
// CHECK-NEXT: ^bb0(%[[GI:.+]]: f32, %[[PI:.+]]: f32, %[[BI:.+]]: f32):
// CHECK-NEXT: %[[MU:.+]] = arith.constant 0.899999976 : f32
// CHECK-NEXT: %[[SCALED:.+]] = arith.mulf %[[MU]], %[[BI]] : f32
// CHECK-NEXT: %[[NB:.+]] = arith.addf %[[SCALED]], %[[GI]] : f32
// CHECK-NEXT: %[[STEP:.+]] = arith.mulf %[[LR]], %[[NB]] : f32
// CHECK-NEXT: %[[NP:.+]] = arith.subf %[[PI]], %[[STEP]] : f32
// CHECK-NEXT: linalg.yield %[[NP]], %[[NB]] : f32, f32
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @momentum(%p: tensor<512xf32>, %g: tensor<512xf32>, %buf: tensor<512xf32>, %lr: f32)
    -> (tensor<512xf32>, tensor<512xf32>) {
  %p1, %b1 = optim.momentum %p, %g, %buf, %lr : tensor<512xf32>, f32
  return %p1, %b1 : tensor<512xf32>, tensor<512xf32>
}

// -----

// Tests that Nesterov momentum steps along g + mu buf'.
// CHECK-LABEL: func.func @nesterov
// CHECK: ^bb0(%[[GI:.+]]: f32, %[[PI:.+]]: f32, %[[BI:.+]]: f32):
// CHECK-NEXT: %[[MU:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[SCALED:.+]] = arith.mulf %[[MU]], %[[BI]] : f32
// CHECK-NEXT: %[[NB:.+]] = arith.addf %[[SCALED]], %[[GI]] : f32
// CHECK-NEXT: %[[MU2:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[LOOK:.+]] = arith.mulf %[[MU2]], %[[NB]] : f32
// CHECK-NEXT: %[[DIR:.+]] = arith.addf %[[GI]], %[[LOOK]] : f32
// CHECK-NEXT: %[[STEP:.+]] = arith.mulf %{{.+}}, %[[DIR]] : f32
// CHECK-NEXT: %[[NP:.+]] = arith.subf %[[PI]], %[[STEP]] : f32
// CHECK-NEXT: linalg.yield %[[NP]], %[[NB]] : f32, f32
func.func @nesterov(%p: tensor<4xf32>, %g: tensor<4xf32>, %buf: tensor<4xf32>, %lr: f32)
    -> (tensor<4xf32>, tensor<4xf32>) {
  %p1, %b1 = optim.momentum %p, %g, %buf, %lr {momentum = 0.5, nesterov} : tensor<4xf32>, f32
  return %p1, %b1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that adam computes its per-step scalars once, then one generic has the parameter and both moments as outputs.
// The scalars are the bias corrections from the step count, in f64 as PyTorch
// computes them: lr / (1 - b1^t) and 1 / sqrt(1 - b2^t), so the loop
// multiplies instead of dividing by it.
// CHECK-LABEL: func.func @adam
// CHECK-SAME: (%[[P:.+]]: tensor<10x256xf32>, %[[G:.+]]: tensor<10x256xf32>, %[[M:.+]]: tensor<10x256xf32>, %[[V:.+]]: tensor<10x256xf32>, %[[LR:.+]]: f32, %[[T:.+]]: i64)
// CHECK: %[[LR64:.+]] = arith.extf %[[LR]] : f32 to f64
// CHECK: %[[TF:.+]] = arith.sitofp %[[T]] : i64 to f64
// CHECK: %[[B1:.+]] = arith.constant 7.500000e-01 : f64
// CHECK: %[[B1T:.+]] = math.powf %[[B1]], %[[TF]] : f64
// CHECK: %[[BC1:.+]] = arith.subf %{{.+}}, %[[B1T]] : f64
// CHECK: %[[B2:.+]] = arith.constant 8.750000e-01 : f64
// CHECK: %[[B2T:.+]] = math.powf %[[B2]], %[[TF]] : f64
// CHECK: %[[BC2:.+]] = arith.subf %{{.+}}, %[[B2T]] : f64
// CHECK: %[[STEPSIZE64:.+]] = arith.divf %[[LR64]], %[[BC1]] : f64
// CHECK: %[[STEPSIZE:.+]] = arith.truncf %[[STEPSIZE64]] : f64 to f32
// CHECK: %[[BC2SQRT:.+]] = math.sqrt %[[BC2]] : f64
// CHECK-NEXT: %[[INVBC264:.+]] = arith.divf %{{.+}}, %[[BC2SQRT]] : f64
// CHECK-NEXT: %[[INVBC2:.+]] = arith.truncf %[[INVBC264]] : f64 to f32
// CHECK: %[[R:.+]]:3 = linalg.generic {{.*}} ins(%[[G]] : tensor<10x256xf32>) outs(%[[P]], %[[M]], %[[V]] : tensor<10x256xf32>, tensor<10x256xf32>, tensor<10x256xf32>)
// CHECK-NEXT: ^bb0(%[[GI:.+]]: f32, %[[PI:.+]]: f32, %[[MI:.+]]: f32, %[[VI:.+]]: f32):
// CHECK: %[[NM:.+]] = arith.addf
// CHECK: %[[GG:.+]] = arith.mulf %[[GI]], %[[GI]] : f32
// CHECK: %[[NV:.+]] = arith.addf
// CHECK-NEXT: %[[SQ:.+]] = math.sqrt %[[NV]] : f32
// CHECK-NEXT: %[[VHAT:.+]] = arith.mulf %[[SQ]], %[[INVBC2]] : f32
// CHECK-NEXT: %[[EPS:.+]] = arith.constant 1.250000e-01 : f32
// CHECK-NEXT: %[[DEN:.+]] = arith.addf %[[VHAT]], %[[EPS]] : f32
// CHECK-NEXT: %[[RATIO:.+]] = arith.divf %[[NM]], %[[DEN]] : f32
// CHECK-NEXT: %[[UPD:.+]] = arith.mulf %[[STEPSIZE]], %[[RATIO]] : f32
// CHECK-NEXT: %[[NP:.+]] = arith.subf %[[PI]], %[[UPD]] : f32
// CHECK-NEXT: linalg.yield %[[NP]], %[[NM]], %[[NV]] : f32, f32, f32
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2
func.func @adam(%p: tensor<10x256xf32>, %g: tensor<10x256xf32>, %m: tensor<10x256xf32>,
                %v: tensor<10x256xf32>, %lr: f32, %step: i64)
    -> (tensor<10x256xf32>, tensor<10x256xf32>, tensor<10x256xf32>) {
  %p1, %m1, %v1 = optim.adam %p, %g, %m, %v, %lr, %step {beta1 = 0.75, beta2 = 0.875, eps = 0.125}
      : tensor<10x256xf32>, f32
  return %p1, %m1, %v1 : tensor<10x256xf32>, tensor<10x256xf32>, tensor<10x256xf32>
}

// -----

// Tests that AdamW scales the parameter by 1 - lr * wd (computed once) instead of adding wd * p to the gradient.
// CHECK-LABEL: func.func @adamw
// CHECK-SAME: (%[[P:.+]]: tensor<8xf32>, %[[G:.+]]: tensor<8xf32>, %[[M:.+]]: tensor<8xf32>, %[[V:.+]]: tensor<8xf32>, %[[LR:.+]]: f32, %[[T:.+]]: i64)
// CHECK: %[[LR64:.+]] = arith.extf %[[LR]] : f32 to f64
// CHECK: %[[WD:.+]] = arith.constant 2.500000e-01 : f64
// CHECK-NEXT: %[[LRWD:.+]] = arith.mulf %[[LR64]], %[[WD]] : f64
// CHECK-NEXT: %[[SHRINK64:.+]] = arith.subf %{{.+}}, %[[LRWD]] : f64
// CHECK-NEXT: %[[SHRINK:.+]] = arith.truncf %[[SHRINK64]] : f64 to f32
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[G]] : tensor<8xf32>) outs(%[[P]], %[[M]], %[[V]] :
// CHECK-NEXT: ^bb0(%[[GI:.+]]: f32, %[[PI:.+]]: f32, %{{.+}}: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[PS:.+]] = arith.mulf %[[PI]], %[[SHRINK]] : f32
// CHECK-NOT: arith.mulf %{{.+}}, %[[PI]] : f32
// CHECK: arith.subf %[[PS]], %{{.+}} : f32
// CHECK-NEXT: linalg.yield
func.func @adamw(%p: tensor<8xf32>, %g: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>,
                 %lr: f32, %step: i64) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %p1, %m1, %v1 = optim.adam %p, %g, %m, %v, %lr, %step {weight_decay = 0.25, decoupled} : tensor<8xf32>, f32
  return %p1, %m1, %v1 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}
