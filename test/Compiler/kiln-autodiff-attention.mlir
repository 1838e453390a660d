// RUN: kiln-opt %s -split-input-file -kiln-autodiff | FileCheck %s --implicit-check-not="tensor<3x2x4x4xf32>"

// Batch 3, 4 steps, 2 heads of d = 3 (packed rows [3, 4, 18]). The attention
// weights are never a [batch, heads, steps, steps] = [3, 2, 4, 4] tensor of the
// program, forward or backward (the implicit check-not above).

// Tests that in train_step an attention with rate > 0 takes the step's seed and
// step and is in training mode, and that its VJP is a loop over the batch, then
// the heads, carrying the packed gradient [3, 4, 3, 2, 3]. Per head it
// recomputes P = exp(S - lse) from the forward pass's logsumexp row (S: Q Kᵀ
// scaled by 1/√3, causal mask), regenerates the forward dropout mask (same seed,
// step, stream 5: key constant 5 * 0x165667B19E3779F9 mod 2^64; kept when the
// hash's 24 high bits reach 0.1 * 2^24 = 1677722) on P for dV = P'ᵀ dO and on
// dO Vᵀ for dP, then dS = P (dP - Σ_j P dP) / √3, dQ = dS K, dK = dSᵀ Q, written
// into parts 0 (Q), 1 (K) and 2 (V) of the gradient, which dense's VJP reads.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %[[STEP:[^:]+]]: i64 {kiln.scalar = "step"}, %[[SEED:[^:]+]]: i64 {kiln.scalar = "seed"})
// CHECK: %[[QKV:.+]] = nn.dense %{{.+}} : (tensor<3x4x5xf32>, tensor<18x5xf32>, tensor<18xf32>) -> tensor<3x4x18xf32>
// CHECK-NEXT: %[[O:[^,]+]], %[[LSE:.+]] = nn.attention %[[QKV]] seed %[[SEED]] step %[[STEP]] {causal, num_heads = 2 : i64, rate = 1.000000e-01 : f64, stream = 5 : i64, training} : tensor<3x4x18xf32> -> (tensor<3x4x6xf32>, tensor<3x2x4xf32>)
// CHECK-NEXT: nn.reshape %[[O]] : tensor<3x4x6xf32> -> tensor<3x24xf32>
// CHECK: %[[DO:.+]] = nn.reshape %{{.+}} : tensor<3x24xf32> -> tensor<3x4x6xf32>
// CHECK: %[[P5:.+]] = tensor.expand_shape %[[QKV]] {{\[\[}}0], [1], [2, 3, 4]] output_shape [3, 4, 3, 2, 3] : tensor<3x4x18xf32> into tensor<3x4x3x2x3xf32>
// CHECK-NEXT: %[[DO4:.+]] = tensor.expand_shape %[[DO]] {{\[\[}}0], [1], [2, 3]] output_shape [3, 4, 2, 3] : tensor<3x4x6xf32> into tensor<3x4x2x3xf32>
// CHECK-NEXT: %[[D0:.+]] = tensor.empty() : tensor<3x4x3x2x3xf32>
// CHECK: %[[NB:.+]] = arith.constant 3 : index
// CHECK: %[[DQKV:.+]] = scf.for %[[B:.+]] = %{{.+}} to %[[NB]] step %{{.+}} iter_args(%[[DB:.+]] = %[[D0]]) -> (tensor<3x4x3x2x3xf32>) {
// CHECK: %[[NH:.+]] = arith.constant 2 : index
// CHECK: %[[DH:.+]] = scf.for %[[H:.+]] = %{{.+}} to %[[NH]] step %{{.+}} iter_args(%[[ACC:.+]] = %[[DB]]) -> (tensor<3x4x3x2x3xf32>) {
// CHECK-NEXT: %[[Q:.+]] = tensor.extract_slice %[[P5]][%[[B]], 0, 0, %[[H]], 0] [1, 4, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<3x4x3x2x3xf32> to tensor<4x3xf32>
// CHECK-NEXT: %[[K:.+]] = tensor.extract_slice %[[P5]][%[[B]], 0, 1, %[[H]], 0] [1, 4, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<3x4x3x2x3xf32> to tensor<4x3xf32>
// CHECK-NEXT: %[[V:.+]] = tensor.extract_slice %[[P5]][%[[B]], 0, 2, %[[H]], 0] [1, 4, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<3x4x3x2x3xf32> to tensor<4x3xf32>
// CHECK-NEXT: %[[DOB:.+]] = tensor.extract_slice %[[DO4]][%[[B]], 0, %[[H]], 0] [1, 4, 1, 3] [1, 1, 1, 1] : tensor<3x4x2x3xf32> to tensor<4x3xf32>
// CHECK-NEXT: %[[LROW:.+]] = tensor.extract_slice %[[LSE]][%[[B]], %[[H]], 0] [1, 1, 4] [1, 1, 1] : tensor<3x2x4xf32> to tensor<4xf32>
// CHECK: %[[KT:.+]] = linalg.transpose ins(%[[K]] : tensor<4x3xf32>) outs(%{{.+}} : tensor<3x4xf32>) permutation = [1, 0]
// CHECK: %[[QK:.+]] = linalg.matmul ins(%[[Q]], %[[KT]] : tensor<4x3xf32>, tensor<3x4xf32>)
// CHECK: %[[S:.+]] = linalg.generic {{.*}} ins(%[[QK]] : tensor<4x4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.constant 0.577350259 : f32
// CHECK: arith.cmpi ugt
// CHECK-NEXT: arith.constant 0xFF800000 : f32
// CHECK-NEXT: arith.select
// CHECK: %[[P:.+]] = linalg.generic {{.*}} ins(%[[S]], %[[LROW]] : tensor<4x4xf32>, tensor<4xf32>)
// CHECK-NEXT: ^bb0(%[[SV:[^:]+]]: f32, %[[LV:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[SHIFT:.+]] = arith.subf %[[SV]], %[[LV]] : f32
// CHECK-NEXT: %[[EXP:.+]] = math.exp %[[SHIFT]] : f32
// CHECK-NEXT: linalg.yield %[[EXP]] : f32
// CHECK: %[[HC:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[BH:.+]] = arith.muli %[[B]], %[[HC]] : index
// CHECK-NEXT: %[[HEAD:.+]] = arith.addi %[[BH]], %[[H]] : index
// CHECK-NEXT: %[[HEAD64:.+]] = arith.index_cast %[[HEAD]] : index to i64
// CHECK-NEXT: %[[TT:.+]] = arith.constant 16 : i64
// CHECK-NEXT: %[[BASE:.+]] = arith.muli %[[HEAD64]], %[[TT]] : i64
// CHECK-NEXT: arith.constant -7046029254386353131 : i64
// CHECK-NEXT: arith.muli %[[SEED]], %{{.+}} : i64
// CHECK-NEXT: arith.constant -4417276706812531889 : i64
// CHECK-NEXT: arith.muli %[[STEP]], %{{.+}} : i64
// CHECK-NEXT: arith.addi
// CHECK-NEXT: arith.constant 8047939646964195805 : i64
// CHECK: %[[PD:.+]] = linalg.generic {{.*}} ins(%[[P]] : tensor<4x4xf32>)
// CHECK: arith.addi %[[BASE]], %{{.+}} : i64
// CHECK: arith.cmpi uge, %{{.+}}, %c1677722_i64 : i64
// CHECK: %[[DV:.+]] = linalg.matmul_transpose_a ins(%[[PD]], %[[DOB]] : tensor<4x4xf32>, tensor<4x3xf32>)
// CHECK: %[[VT:.+]] = linalg.transpose ins(%[[V]] : tensor<4x3xf32>) outs(%{{.+}} : tensor<3x4xf32>) permutation = [1, 0]
// CHECK: %[[DPD:.+]] = linalg.matmul ins(%[[DOB]], %[[VT]] : tensor<4x3xf32>, tensor<3x4xf32>)
// CHECK: %[[HC2:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[BH2:.+]] = arith.muli %[[B]], %[[HC2]] : index
// CHECK-NEXT: %[[HEAD2:.+]] = arith.addi %[[BH2]], %[[H]] : index
// CHECK-NEXT: %[[HEAD2_64:.+]] = arith.index_cast %[[HEAD2]] : index to i64
// CHECK-NEXT: %[[TT2:.+]] = arith.constant 16 : i64
// CHECK-NEXT: %[[BASE2:.+]] = arith.muli %[[HEAD2_64]], %[[TT2]] : i64
// CHECK: arith.muli %[[SEED]], %{{.+}} : i64
// CHECK: arith.muli %[[STEP]], %{{.+}} : i64
// CHECK: arith.constant 8047939646964195805 : i64
// CHECK: %[[DP:.+]] = linalg.generic {{.*}} ins(%[[DPD]] : tensor<4x4xf32>)
// CHECK: arith.addi %[[BASE2]], %{{.+}} : i64
// CHECK: arith.cmpi uge, %{{.+}}, %c1677722_i64 : i64
// CHECK: %[[PDP:.+]] = linalg.generic {{.*}} ins(%[[DP]], %[[P]] : tensor<4x4xf32>, tensor<4x4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.mulf
// CHECK: %[[DOT:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[PDP]] : tensor<4x4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK: %[[CEN:.+]] = linalg.generic {{.*}} ins(%[[DP]], %[[DOT]] : tensor<4x4xf32>, tensor<4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.subf
// CHECK: %[[DS:.+]] = linalg.generic {{.*}} ins(%[[CEN]], %[[P]] : tensor<4x4xf32>, tensor<4x4xf32>)
// CHECK-NEXT: ^bb0(%[[CV:[^:]+]]: f32, %[[PV:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[PROD:.+]] = arith.mulf %[[CV]], %[[PV]] : f32
// CHECK-NEXT: %[[SCALE:.+]] = arith.constant 0.577350259 : f32
// CHECK-NEXT: %[[SCALED:.+]] = arith.mulf %[[PROD]], %[[SCALE]] : f32
// CHECK-NEXT: linalg.yield %[[SCALED]] : f32
// CHECK: %[[DQ:.+]] = linalg.matmul ins(%[[DS]], %[[K]] : tensor<4x4xf32>, tensor<4x3xf32>)
// CHECK: %[[DK:.+]] = linalg.matmul_transpose_a ins(%[[DS]], %[[Q]] : tensor<4x4xf32>, tensor<4x3xf32>)
// CHECK-NEXT: %[[I0:.+]] = tensor.insert_slice %[[DQ]] into %[[ACC]][%[[B]], 0, 0, %[[H]], 0] [1, 4, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<4x3xf32> into tensor<3x4x3x2x3xf32>
// CHECK-NEXT: %[[I1:.+]] = tensor.insert_slice %[[DK]] into %[[I0]][%[[B]], 0, 1, %[[H]], 0] [1, 4, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<4x3xf32> into tensor<3x4x3x2x3xf32>
// CHECK-NEXT: %[[I2:.+]] = tensor.insert_slice %[[DV]] into %[[I1]][%[[B]], 0, 2, %[[H]], 0] [1, 4, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<4x3xf32> into tensor<3x4x3x2x3xf32>
// CHECK-NEXT: scf.yield %[[I2]] : tensor<3x4x3x2x3xf32>
// CHECK-NEXT: }
// CHECK-NEXT: scf.yield %[[DH]] : tensor<3x4x3x2x3xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[DPACK:.+]] = tensor.collapse_shape %[[DQKV]] {{\[\[}}0], [1], [2, 3, 4]] : tensor<3x4x3x2x3xf32> into tensor<3x4x18xf32>
// CHECK-NEXT: %[[DROWS:.+]] = tensor.collapse_shape %[[DPACK]] {{\[\[}}0, 1], [2]] : tensor<3x4x18xf32> into tensor<12x18xf32>
// CHECK: %[[DW:.+]] = linalg.matmul_transpose_a ins(%[[DROWS]], %{{.+}} : tensor<12x18xf32>, tensor<12x5xf32>)
// CHECK: optim.sgd %{{.+}}, %[[DW]]
// eval_step keeps the rate and the stream but does not drop.
// CHECK-LABEL: func.func @eval_step(
// CHECK: nn.attention %{{.+}} {causal, num_heads = 2 : i64, rate = 1.000000e-01 : f64, stream = 5 : i64} : tensor<3x4x18xf32>
// CHECK-NOT: scf.for
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<3x4x5xf32> {kiln.input = {name = "x"}},
                   %w: tensor<18x5xf32> {kiln.param = {name = "attn.in_proj_weight", trainable = true}},
                   %b: tensor<18xf32> {kiln.param = {name = "attn.in_proj_bias", trainable = true}}) -> tensor<3x24xf32> {
    %qkv = nn.dense %x, %w, %b : (tensor<3x4x5xf32>, tensor<18x5xf32>, tensor<18xf32>) -> tensor<3x4x18xf32>
    %o, %lse = nn.attention %qkv {num_heads = 2, causal, rate = 0.1, stream = 5}
        : tensor<3x4x18xf32> -> (tensor<3x4x6xf32>, tensor<3x2x4xf32>)
    %r = nn.reshape %o : tensor<3x4x6xf32> -> tensor<3x24xf32>
    return %r : tensor<3x24xf32>
  }
  func.func @loss(%p: tensor<3x24xf32>, %t: tensor<3x24xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<3x24xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests that an attention at rate 0 (and no mask: not causal) stays out of
// training mode in train_step (no seed, no step), and that its VJP neither
// regenerates a dropout mask nor masks the scores: dV = Pᵀ dO on the
// recomputed P itself, and dP is dO Vᵀ itself.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[QKV:.+]] = nn.dense
// CHECK-NEXT: %{{[^,]+}}, %[[LSE:.+]] = nn.attention %[[QKV]] {num_heads = 2 : i64} : tensor<3x4x18xf32> -> (tensor<3x4x6xf32>, tensor<3x2x4xf32>)
// CHECK: scf.for %{{.+}} iter_args(%{{.+}}) -> (tensor<3x4x3x2x3xf32>) {
// CHECK: scf.for %{{.+}} iter_args(%{{.+}}) -> (tensor<3x4x3x2x3xf32>) {
// CHECK: %[[V:.+]] = tensor.extract_slice %{{.+}}[%{{.+}}, 0, 2, %{{.+}}, 0] [1, 4, 1, 1, 3]
// CHECK-NEXT: %[[DOB:.+]] = tensor.extract_slice %{{.+}} : tensor<3x4x2x3xf32> to tensor<4x3xf32>
// CHECK-NEXT: %[[LROW:.+]] = tensor.extract_slice %[[LSE]]
// CHECK: %[[S:.+]] = linalg.generic {{.*}} ins(%{{.+}} : tensor<4x4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.constant 0.577350259 : f32
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: linalg.yield
// CHECK: %[[P:.+]] = linalg.generic {{.*}} ins(%[[S]], %[[LROW]] : tensor<4x4xf32>, tensor<4xf32>)
// CHECK: math.exp
// CHECK-NOT: linalg.generic
// CHECK: linalg.matmul_transpose_a ins(%[[P]], %[[DOB]] : tensor<4x4xf32>, tensor<4x3xf32>)
// CHECK: %[[VT:.+]] = linalg.transpose ins(%[[V]] : tensor<4x3xf32>)
// CHECK: %[[DP:.+]] = linalg.matmul ins(%[[DOB]], %[[VT]] : tensor<4x3xf32>, tensor<3x4xf32>)
// CHECK-NOT: linalg.generic
// CHECK: linalg.generic {{.*}} ins(%[[DP]], %[[P]] : tensor<4x4xf32>, tensor<4x4xf32>)
// CHECK-NOT: arith.shrui
// CHECK-NOT: arith.cmpi
// CHECK: optim.sgd
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<3x4x5xf32> {kiln.input = {name = "x"}},
                   %w: tensor<18x5xf32> {kiln.param = {name = "attn.in_proj_weight", trainable = true}},
                   %b: tensor<18xf32> {kiln.param = {name = "attn.in_proj_bias", trainable = true}}) -> tensor<3x24xf32> {
    %qkv = nn.dense %x, %w, %b : (tensor<3x4x5xf32>, tensor<18x5xf32>, tensor<18xf32>) -> tensor<3x4x18xf32>
    %o, %lse = nn.attention %qkv {num_heads = 2} : tensor<3x4x18xf32> -> (tensor<3x4x6xf32>, tensor<3x2x4xf32>)
    %r = nn.reshape %o : tensor<3x4x6xf32> -> tensor<3x24xf32>
    return %r : tensor<3x24xf32>
  }
  func.func @loss(%p: tensor<3x24xf32>, %t: tensor<3x24xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<3x24xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
