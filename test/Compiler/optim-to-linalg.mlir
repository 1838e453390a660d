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

// -----

// Tests that adagrad computes clr = lr / (1 + (t - 1) lr_decay) once per step in f64, then one generic with the parameter and the sum as outputs: g' = g + wd p, sum' = sum + g'², p' = p - clr g' / (sqrt(sum') + eps).
// CHECK-LABEL: func.func @adagrad
// CHECK-SAME: (%[[P:.+]]: tensor<16xf32>, %[[G:.+]]: tensor<16xf32>, %[[S:.+]]: tensor<16xf32>, %[[LR:.+]]: f32, %[[T:.+]]: i64)
// CHECK-DAG: %[[TF:.+]] = arith.sitofp %[[T]] : i64 to f64
// CHECK-DAG: %[[LR64:.+]] = arith.extf %[[LR]] : f32 to f64
// CHECK: %[[TM1:.+]] = arith.subf %[[TF]], %{{.+}} : f64
// CHECK-NEXT: %[[DECAY:.+]] = arith.constant 5.000000e-01 : f64
// CHECK-NEXT: %[[SCALED:.+]] = arith.mulf %[[TM1]], %[[DECAY]] : f64
// CHECK-NEXT: %[[DEN:.+]] = arith.addf %{{.+}}, %[[SCALED]] : f64
// CHECK-NEXT: %[[CLR64:.+]] = arith.divf %[[LR64]], %[[DEN]] : f64
// CHECK-NEXT: %[[CLR:.+]] = arith.truncf %[[CLR64]] : f64 to f32
// CHECK-NEXT: %[[R:.+]]:2 = linalg.generic {{.*}} ins(%[[G]] : tensor<16xf32>) outs(%[[P]], %[[S]] : tensor<16xf32>, tensor<16xf32>)
// CHECK-NEXT: ^bb0(%[[GI:.+]]: f32, %[[PI:.+]]: f32, %[[SI:.+]]: f32):
// CHECK-NEXT: %[[WD:.+]] = arith.constant 2.500000e-01 : f32
// CHECK-NEXT: %[[WDP:.+]] = arith.mulf %[[WD]], %[[PI]] : f32
// CHECK-NEXT: %[[GD:.+]] = arith.addf %[[GI]], %[[WDP]] : f32
// CHECK-NEXT: %[[GG:.+]] = arith.mulf %[[GD]], %[[GD]] : f32
// CHECK-NEXT: %[[NS:.+]] = arith.addf %[[SI]], %[[GG]] : f32
// CHECK-NEXT: %[[SQ:.+]] = math.sqrt %[[NS]] : f32
// CHECK-NEXT: %[[EPS:.+]] = arith.constant 1.250000e-01 : f32
// CHECK-NEXT: %[[STD:.+]] = arith.addf %[[SQ]], %[[EPS]] : f32
// CHECK-NEXT: %[[RATIO:.+]] = arith.divf %[[GD]], %[[STD]] : f32
// CHECK-NEXT: %[[UPD:.+]] = arith.mulf %[[CLR]], %[[RATIO]] : f32
// CHECK-NEXT: %[[NP:.+]] = arith.subf %[[PI]], %[[UPD]] : f32
// CHECK-NEXT: linalg.yield %[[NP]], %[[NS]] : f32, f32
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @adagrad(%p: tensor<16xf32>, %g: tensor<16xf32>, %s: tensor<16xf32>, %lr: f32, %step: i64)
    -> (tensor<16xf32>, tensor<16xf32>) {
  %p1, %s1 = optim.adagrad %p, %g, %s, %lr, %step {lr_decay = 0.5, eps = 0.125, weight_decay = 0.25}
      : tensor<16xf32>, f32
  return %p1, %s1 : tensor<16xf32>, tensor<16xf32>
}

// -----

// Tests that adagrad on f64 uses lr as it is (no extf or truncf around clr).
// CHECK-LABEL: func.func @adagrad_f64
// CHECK-SAME: (%{{.+}}: tensor<4xf64>, %{{.+}}: tensor<4xf64>, %{{.+}}: tensor<4xf64>, %[[LR:.+]]: f64, %{{.+}}: i64)
// CHECK-NOT: arith.extf
// CHECK: %[[CLR:.+]] = arith.divf %[[LR]], %{{.+}} : f64
// CHECK-NOT: arith.truncf
// CHECK: linalg.generic
// CHECK: arith.mulf %[[CLR]], %{{.+}} : f64
func.func @adagrad_f64(%p: tensor<4xf64>, %g: tensor<4xf64>, %s: tensor<4xf64>, %lr: f64, %step: i64)
    -> (tensor<4xf64>, tensor<4xf64>) {
  %p1, %s1 = optim.adagrad %p, %g, %s, %lr, %step : tensor<4xf64>, f64
  return %p1, %s1 : tensor<4xf64>, tensor<4xf64>
}

// -----

// Tests that plain rmsprop is one generic with the parameter and square_avg as outputs: v' = alpha v + (1 - alpha) g², p' = p - lr g / (sqrt(v') + eps).
// (The generic form: rmsprop's custom assembly does not parse without both optional buffers.)
// CHECK-LABEL: func.func @rmsprop
// CHECK-SAME: (%[[P:.+]]: tensor<16xf32>, %[[G:.+]]: tensor<16xf32>, %[[V:.+]]: tensor<16xf32>, %[[LR:.+]]: f32)
// CHECK-NEXT: %[[R:.+]]:2 = linalg.generic {{.*}} ins(%[[G]] : tensor<16xf32>) outs(%[[P]], %[[V]] : tensor<16xf32>, tensor<16xf32>)
// CHECK-NEXT: ^bb0(%[[GI:.+]]: f32, %[[PI:.+]]: f32, %[[VI:.+]]: f32):
// CHECK-NEXT: %[[ALPHA:.+]] = arith.constant 7.500000e-01 : f32
// CHECK-NEXT: %[[KEPT:.+]] = arith.mulf %[[ALPHA]], %[[VI]] : f32
// CHECK-NEXT: %[[REST:.+]] = arith.constant 2.500000e-01 : f32
// CHECK-NEXT: %[[GG:.+]] = arith.mulf %[[GI]], %[[GI]] : f32
// CHECK-NEXT: %[[NEWPART:.+]] = arith.mulf %[[REST]], %[[GG]] : f32
// CHECK-NEXT: %[[NV:.+]] = arith.addf %[[KEPT]], %[[NEWPART]] : f32
// CHECK-NEXT: %[[SQ:.+]] = math.sqrt %[[NV]] : f32
// CHECK-NEXT: %[[EPS:.+]] = arith.constant 1.250000e-01 : f32
// CHECK-NEXT: %[[DEN:.+]] = arith.addf %[[SQ]], %[[EPS]] : f32
// CHECK-NEXT: %[[RATIO:.+]] = arith.divf %[[GI]], %[[DEN]] : f32
// CHECK-NEXT: %[[UPD:.+]] = arith.mulf %[[LR]], %[[RATIO]] : f32
// CHECK-NEXT: %[[NP:.+]] = arith.subf %[[PI]], %[[UPD]] : f32
// CHECK-NEXT: linalg.yield %[[NP]], %[[NV]] : f32, f32
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @rmsprop(%p: tensor<16xf32>, %g: tensor<16xf32>, %v: tensor<16xf32>, %lr: f32)
    -> (tensor<16xf32>, tensor<16xf32>) {
  %p1, %v1 = "optim.rmsprop"(%p, %g, %v, %lr)
      <{alpha = 0.75 : f64, eps = 0.125 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 0, 0>}>
      : (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, f32) -> (tensor<16xf32>, tensor<16xf32>)
  return %p1, %v1 : tensor<16xf32>, tensor<16xf32>
}

// -----

// Tests that centered rmsprop with momentum is one generic with four outputs (parameter, square_avg, momentum_buffer, grad_avg):
// a' = alpha a + (1 - alpha) g, d = sqrt(v' - a'²) + eps, buf' = mu buf + g / d, p' = p - lr buf'.
// CHECK-LABEL: func.func @rmsprop_centered_momentum
// CHECK-SAME: (%[[P:.+]]: tensor<16xf32>, %[[G:.+]]: tensor<16xf32>, %[[V:.+]]: tensor<16xf32>, %[[B:.+]]: tensor<16xf32>, %[[A:.+]]: tensor<16xf32>, %[[LR:.+]]: f32)
// CHECK-NEXT: %[[R:.+]]:4 = linalg.generic {{.*}} ins(%[[G]] : tensor<16xf32>) outs(%[[P]], %[[V]], %[[B]], %[[A]] : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
// CHECK-NEXT: ^bb0(%[[GI:.+]]: f32, %[[PI:.+]]: f32, %[[VI:.+]]: f32, %[[BI:.+]]: f32, %[[AI:.+]]: f32):
// CHECK: %[[NV:.+]] = arith.addf
// CHECK-NEXT: %[[ALPHA:.+]] = arith.constant 7.500000e-01 : f32
// CHECK-NEXT: %[[AKEPT:.+]] = arith.mulf %[[ALPHA]], %[[AI]] : f32
// CHECK-NEXT: %[[REST:.+]] = arith.constant 2.500000e-01 : f32
// CHECK-NEXT: %[[ANEW:.+]] = arith.mulf %[[REST]], %[[GI]] : f32
// CHECK-NEXT: %[[NA:.+]] = arith.addf %[[AKEPT]], %[[ANEW]] : f32
// CHECK-NEXT: %[[AA:.+]] = arith.mulf %[[NA]], %[[NA]] : f32
// CHECK-NEXT: %[[VAR:.+]] = arith.subf %[[NV]], %[[AA]] : f32
// CHECK-NEXT: %[[SQ:.+]] = math.sqrt %[[VAR]] : f32
// CHECK-NEXT: %[[EPS:.+]] = arith.constant 1.250000e-01 : f32
// CHECK-NEXT: %[[DEN:.+]] = arith.addf %[[SQ]], %[[EPS]] : f32
// CHECK-NEXT: %[[MU:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[BKEPT:.+]] = arith.mulf %[[MU]], %[[BI]] : f32
// CHECK-NEXT: %[[RATIO:.+]] = arith.divf %[[GI]], %[[DEN]] : f32
// CHECK-NEXT: %[[NB:.+]] = arith.addf %[[BKEPT]], %[[RATIO]] : f32
// CHECK-NEXT: %[[UPD:.+]] = arith.mulf %[[LR]], %[[NB]] : f32
// CHECK-NEXT: %[[NP:.+]] = arith.subf %[[PI]], %[[UPD]] : f32
// CHECK-NEXT: linalg.yield %[[NP]], %[[NV]], %[[NB]], %[[NA]] : f32, f32, f32, f32
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2, %[[R]]#3
func.func @rmsprop_centered_momentum(%p: tensor<16xf32>, %g: tensor<16xf32>, %v: tensor<16xf32>,
                                     %b: tensor<16xf32>, %a: tensor<16xf32>, %lr: f32)
    -> (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) {
  %r:4 = "optim.rmsprop"(%p, %g, %v, %b, %a, %lr)
      <{alpha = 0.75 : f64, eps = 0.125 : f64, momentum = 0.5 : f64, centered,
        operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1>, resultSegmentSizes = array<i32: 1, 1, 1, 1>}>
      : (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, f32)
      -> (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
  return %r#0, %r#1, %r#2, %r#3 : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>
}

// -----

// Tests that rmsprop with momentum but not centered has three outputs, the buffer third.
// CHECK-LABEL: func.func @rmsprop_momentum
// CHECK-SAME: (%[[P:.+]]: tensor<16xf32>, %[[G:.+]]: tensor<16xf32>, %[[V:.+]]: tensor<16xf32>, %[[B:.+]]: tensor<16xf32>, %[[LR:.+]]: f32)
// CHECK-NEXT: %[[R:.+]]:3 = linalg.generic {{.*}} ins(%[[G]] : tensor<16xf32>) outs(%[[P]], %[[V]], %[[B]] : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
// CHECK-NEXT: ^bb0(%{{.+}}: f32, %{{.+}}: f32, %{{.+}}: f32, %[[BI:.+]]: f32):
// CHECK: %[[MU:.+]] = arith.constant 8.750000e-01 : f32
// CHECK-NEXT: %[[BKEPT:.+]] = arith.mulf %[[MU]], %[[BI]] : f32
// CHECK-NEXT: %[[RATIO:.+]] = arith.divf
// CHECK-NEXT: %[[NB:.+]] = arith.addf %[[BKEPT]], %[[RATIO]] : f32
// CHECK-NEXT: %[[UPD:.+]] = arith.mulf %[[LR]], %[[NB]] : f32
// CHECK-NEXT: %[[NP:.+]] = arith.subf
// CHECK-NEXT: linalg.yield %[[NP]], %{{.+}}, %[[NB]] : f32, f32, f32
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2
func.func @rmsprop_momentum(%p: tensor<16xf32>, %g: tensor<16xf32>, %v: tensor<16xf32>, %b: tensor<16xf32>, %lr: f32)
    -> (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) {
  %r:3 = "optim.rmsprop"(%p, %g, %v, %b, %lr)
      <{momentum = 0.875 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 1>, resultSegmentSizes = array<i32: 1, 1, 1, 0>}>
      : (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, f32) -> (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
  return %r#0, %r#1, %r#2 : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>
}

// -----

// Tests that clip_by_global_norm sums the squares of each gradient (one reduction each), adds the sums,
// computes coef = min(max_norm / (sqrt(total) + 1e-6), 1) once, and scales each gradient by it in one generic.
// CHECK-LABEL: func.func @clip_by_global_norm
// CHECK-SAME: (%[[G0:.+]]: tensor<4x8xf32>, %[[G1:.+]]: tensor<4xf32>)
// CHECK: %[[S0:.+]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[G0]] : tensor<4x8xf32>) outs(%{{.+}} : tensor<f32>)
// CHECK-NEXT: ^bb0(%[[X0:.+]]: f32, %[[ACC0:.+]]: f32):
// CHECK-NEXT: %[[SQ0:.+]] = arith.mulf %[[X0]], %[[X0]] : f32
// CHECK-NEXT: %[[SUM0:.+]] = arith.addf %[[ACC0]], %[[SQ0]] : f32
// CHECK-NEXT: linalg.yield %[[SUM0]] : f32
// CHECK: %[[S1:.+]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[G1]] : tensor<4xf32>) outs(%{{.+}} : tensor<f32>)
// CHECK: %[[TOTAL:.+]] = linalg.generic {{.*}} ins(%[[S0]], %[[S1]] : tensor<f32>, tensor<f32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK: %[[COEF:.+]] = linalg.generic {{.*}} ins(%[[TOTAL]] : tensor<f32>)
// CHECK-NEXT: ^bb0(%[[T:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[MAX:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[NORM:.+]] = math.sqrt %[[T]] : f32
// CHECK-NEXT: %[[TINY:.+]] = arith.constant 9.99999997E-7 : f32
// CHECK-NEXT: %[[NE:.+]] = arith.addf %[[NORM]], %[[TINY]] : f32
// CHECK-NEXT: %[[C:.+]] = arith.divf %[[MAX]], %[[NE]] : f32
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[CL:.+]] = arith.minimumf %[[C]], %[[ONE]] : f32
// CHECK-NEXT: linalg.yield %[[CL]] : f32
// CHECK: %[[C0:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[G0]], %[[COEF]] : tensor<4x8xf32>, tensor<f32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.mulf
// CHECK: %[[C1:.+]] = linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%[[G1]], %[[COEF]] : tensor<4xf32>, tensor<f32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.mulf
// CHECK-NOT: linalg.generic
// CHECK: return %[[C0]], %[[C1]]
func.func @clip_by_global_norm(%g0: tensor<4x8xf32>, %g1: tensor<4xf32>) -> (tensor<4x8xf32>, tensor<4xf32>) {
  %c:2 = optim.clip_by_global_norm %g0, %g1 {max_norm = 0.5}
      : tensor<4x8xf32>, tensor<4xf32> -> tensor<4x8xf32>, tensor<4xf32>
  return %c#0, %c#1 : tensor<4x8xf32>, tensor<4xf32>
}

// -----

// Tests that clip_by_global_norm over one gradient needs no sum of sums.
// CHECK-LABEL: func.func @clip_one_gradient
// CHECK-SAME: (%[[G:.+]]: tensor<8xf32>)
// CHECK: %[[S:.+]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[G]] : tensor<8xf32>)
// CHECK: %[[COEF:.+]] = linalg.generic {{.*}} ins(%[[S]] : tensor<f32>)
// CHECK: arith.minimumf
// CHECK: %[[C:.+]] = linalg.generic {{.*}} ins(%[[G]], %[[COEF]] : tensor<8xf32>, tensor<f32>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[C]]
func.func @clip_one_gradient(%g: tensor<8xf32>) -> tensor<8xf32> {
  %c = optim.clip_by_global_norm %g {max_norm = 2.0} : tensor<8xf32> -> tensor<8xf32>
  return %c : tensor<8xf32>
}

// -----

// Tests that an allreduce of several values becomes one allreduce of a packed 1-D tensor: each value flattened (a scalar expanded to one element) and inserted at its offset, in order, then each result sliced back out and reshaped; the runtime gets one call per step.
// CHECK-LABEL: func.func @allreduce
// CHECK-SAME: (%[[CTX:.+]]: !llvm.ptr, %[[L:.+]]: tensor<f32>, %[[GW:.+]]: tensor<3x6xf32>, %[[GB:.+]]: tensor<3xf32>)
// CHECK-NEXT: %[[E:.+]] = tensor.empty() : tensor<22xf32>
// CHECK-NEXT: %[[L1:.+]] = tensor.expand_shape %[[L]] [] output_shape [1] : tensor<f32> into tensor<1xf32>
// CHECK-NEXT: %[[P0:.+]] = tensor.insert_slice %[[L1]] into %[[E]][0] [1] [1] : tensor<1xf32> into tensor<22xf32>
// CHECK-NEXT: %[[GW1:.+]] = tensor.collapse_shape %[[GW]] {{\[}}[0, 1]] : tensor<3x6xf32> into tensor<18xf32>
// CHECK-NEXT: %[[P1:.+]] = tensor.insert_slice %[[GW1]] into %[[P0]][1] [18] [1] : tensor<18xf32> into tensor<22xf32>
// CHECK-NEXT: %[[P2:.+]] = tensor.insert_slice %[[GB]] into %[[P1]][19] [3] [1] : tensor<3xf32> into tensor<22xf32>
// CHECK-NEXT: %[[A:.+]] = optim.allreduce %[[CTX]], %[[P2]] : tensor<22xf32> -> tensor<22xf32>
// CHECK-NEXT: %[[S0:.+]] = tensor.extract_slice %[[A]][0] [1] [1] : tensor<22xf32> to tensor<1xf32>
// CHECK-NEXT: %[[RL:.+]] = tensor.collapse_shape %[[S0]] [] : tensor<1xf32> into tensor<f32>
// CHECK-NEXT: %[[S1:.+]] = tensor.extract_slice %[[A]][1] [18] [1] : tensor<22xf32> to tensor<18xf32>
// CHECK-NEXT: %[[RW:.+]] = tensor.expand_shape %[[S1]] {{\[}}[0, 1]] output_shape [3, 6] : tensor<18xf32> into tensor<3x6xf32>
// CHECK-NEXT: %[[RB:.+]] = tensor.extract_slice %[[A]][19] [3] [1] : tensor<22xf32> to tensor<3xf32>
// CHECK-NEXT: return %[[RL]], %[[RW]], %[[RB]]
func.func @allreduce(%ctx: !llvm.ptr, %l: tensor<f32>, %gw: tensor<3x6xf32>, %gb: tensor<3xf32>)
    -> (tensor<f32>, tensor<3x6xf32>, tensor<3xf32>) {
  %a:3 = optim.allreduce %ctx, %l, %gw, %gb
      : tensor<f32>, tensor<3x6xf32>, tensor<3xf32> -> tensor<f32>, tensor<3x6xf32>, tensor<3xf32>
  return %a#0, %a#1, %a#2 : tensor<f32>, tensor<3x6xf32>, tensor<3xf32>
}
