// RUN: kiln-opt %s -split-input-file -kiln-autodiff=check-step=false | FileCheck %s --implicit-check-not="tensor<3x2x4x4xf32>" --implicit-check-not="tensor<5x5xf32>"

// Batch 3, 4 steps, 2 heads of d = 3 (packed rows [3, 4, 18]). The attention
// weights are never a [batch, heads, steps, steps] = [3, 2, 4, 4] tensor of the
// program, forward or backward (the first implicit check-not above); the second
// keeps the tiled case at the end (block 2 over 5 steps) free of [5, 5] weights.

// Tests that in train_step an attention with rate > 0 takes the step's seed and
// step and is in training mode, and that its VJP is a loop over the batch, then
// the heads, carrying the packed gradient [3, 4, 3, 2, 3]; it reads the
// forward's output as well as dO. Per head it first computes delta = rowsum(dO ∘
// O) [4] (Σ_j P dP without [T, T] weights) and takes the logsumexp row. The 4
// steps are below the default block (64), so there is one key tile and one query
// tile, both emitted inline (at 0, no loop inside the heads). The key tile's K, V
// are [4, 3] blocks (Kᵀ and Vᵀ once per key tile), its dK, dV start from zero and dQ of
// the head [4, 3] too. The query tile recomputes P = exp(S - lse) (S: Q Kᵀ scaled
// by 1/√3, causal mask at the tile offsets) from the forward pass's logsumexp,
// regenerates the forward dropout mask (same seed, step, stream 5: key constant
// 5 * 0x165667B19E3779F9 mod 2^64; base ((b * 2 + h) * 4 + q0) * 4 + k0; kept when
// the hash's 24 high bits reach 0.1 * 2^24 = 1677722) on P for dV += P'ᵀ dO
// (accumulated into the carried dV) and on dO Vᵀ for dP, then dS = P (dP - delta)
// / √3, dQ += dS K into the tile's rows of the head's dQ (extract_slice, matmul
// accumulation, insert_slice) and dK += dSᵀ Q. dK and dV are written into parts 1
// (K) and 2 (V) of the gradient at the key tile, then dQ into part 0 (Q), which
// dense's VJP reads.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %[[STEP:[^:]+]]: i64 {kiln.scalar = "step"}, %[[SEED:[^:]+]]: i64 {kiln.scalar = "seed"})
// CHECK: %[[QKV:.+]] = nn.dense %{{.+}} : (tensor<3x4x5xf32>, tensor<18x5xf32>, tensor<18xf32>) -> tensor<3x4x18xf32>
// CHECK-NEXT: %[[O:[^,]+]], %[[LSE:.+]] = nn.attention %[[QKV]] seed %[[SEED]] step %[[STEP]] {causal, num_heads = 2 : i64, rate = 1.000000e-01 : f64, stream = 5 : i64, training} : tensor<3x4x18xf32> -> (tensor<3x4x6xf32>, tensor<3x2x4xf32>)
// CHECK-NEXT: nn.reshape %[[O]] : tensor<3x4x6xf32> -> tensor<3x24xf32>
// CHECK: %[[DO:.+]] = nn.reshape %{{.+}} : tensor<3x24xf32> -> tensor<3x4x6xf32>
// CHECK: %[[P5:.+]] = tensor.expand_shape %[[QKV]] {{\[\[}}0], [1], [2, 3, 4]] output_shape [3, 4, 3, 2, 3] : tensor<3x4x18xf32> into tensor<3x4x3x2x3xf32>
// CHECK-NEXT: %[[DO4:.+]] = tensor.expand_shape %[[DO]] {{\[\[}}0], [1], [2, 3]] output_shape [3, 4, 2, 3] : tensor<3x4x6xf32> into tensor<3x4x2x3xf32>
// CHECK-NEXT: %[[O4:.+]] = tensor.expand_shape %[[O]] {{\[\[}}0], [1], [2, 3]] output_shape [3, 4, 2, 3] : tensor<3x4x6xf32> into tensor<3x4x2x3xf32>
// CHECK-NEXT: %[[D0:.+]] = tensor.empty() : tensor<3x4x3x2x3xf32>
// CHECK: %[[NB:.+]] = arith.constant 3 : index
// CHECK: %[[DQKV:.+]] = scf.for %[[B:.+]] = %{{.+}} to %[[NB]] step %{{.+}} iter_args(%[[DB:.+]] = %[[D0]]) -> (tensor<3x4x3x2x3xf32>) {
// CHECK: %[[NH:.+]] = arith.constant 2 : index
// CHECK: %[[DH:.+]] = scf.for %[[H:.+]] = %{{.+}} to %[[NH]] step %{{.+}} iter_args(%[[ACC:.+]] = %[[DB]]) -> (tensor<3x4x3x2x3xf32>) {
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[DOH:.+]] = tensor.extract_slice %[[DO4]][%[[B]], %[[ZERO]], %[[H]], 0] [1, 4, 1, 3] [1, 1, 1, 1] : tensor<3x4x2x3xf32> to tensor<4x3xf32>
// CHECK-NEXT: %[[OH:.+]] = tensor.extract_slice %[[O4]][%[[B]], %[[ZERO]], %[[H]], 0] [1, 4, 1, 3] [1, 1, 1, 1] : tensor<3x4x2x3xf32> to tensor<4x3xf32>
// CHECK-NEXT: tensor.empty() : tensor<4x3xf32>
// CHECK-NEXT: %[[DOO:.+]] = linalg.generic {{.*}} ins(%[[DOH]], %[[OH]] : tensor<4x3xf32>, tensor<4x3xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.mulf
// CHECK: %[[DELTA:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[DOO]] : tensor<4x3xf32>) outs(%{{.+}} : tensor<4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK: %[[LROW:.+]] = tensor.extract_slice %[[LSE]][%[[B]], %[[H]], %[[ZERO]]] [1, 1, 4] [1, 1, 1] : tensor<3x2x4xf32> to tensor<4xf32>
// CHECK-NEXT: arith.constant 4 : index
// CHECK-NEXT: tensor.empty() : tensor<4x3xf32>
// CHECK-NEXT: arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[DQ0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK-NEXT: %[[K:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[ZERO]], 1, %[[H]], 0] [1, 4, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<3x4x3x2x3xf32> to tensor<4x3xf32>
// CHECK-NEXT: %[[V:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[ZERO]], 2, %[[H]], 0] [1, 4, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<3x4x3x2x3xf32> to tensor<4x3xf32>
// CHECK-NEXT: tensor.empty() : tensor<3x4xf32>
// CHECK-NEXT: %[[KT:.+]] = linalg.transpose ins(%[[K]] : tensor<4x3xf32>) outs(%{{.+}} : tensor<3x4xf32>) permutation = [1, 0]
// CHECK-NEXT: tensor.empty() : tensor<3x4xf32>
// CHECK-NEXT: %[[VT:.+]] = linalg.transpose ins(%[[V]] : tensor<4x3xf32>) outs(%{{.+}} : tensor<3x4xf32>) permutation = [1, 0]
// CHECK-NEXT: arith.constant 4 : index
// CHECK-NEXT: tensor.empty() : tensor<4x3xf32>
// CHECK-NEXT: arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[DK0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK-NEXT: tensor.empty() : tensor<4x3xf32>
// CHECK-NEXT: arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[DV0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK-NEXT: %[[Q:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[ZERO]], 0, %[[H]], 0] [1, 4, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<3x4x3x2x3xf32> to tensor<4x3xf32>
// CHECK-NEXT: %[[DOB:.+]] = tensor.extract_slice %[[DO4]][%[[B]], %[[ZERO]], %[[H]], 0] [1, 4, 1, 3] [1, 1, 1, 1] : tensor<3x4x2x3xf32> to tensor<4x3xf32>
// CHECK: %[[QK:.+]] = linalg.matmul ins(%[[Q]], %[[KT]] : tensor<4x3xf32>, tensor<3x4xf32>)
// CHECK: %[[S:.+]] = linalg.generic {{.*}} ins(%[[QK]] : tensor<4x4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.constant 0.577350259 : f32
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: %[[II:.+]] = linalg.index 0 : index
// CHECK-NEXT: %[[I:.+]] = arith.addi %[[ZERO]], %[[II]] : index
// CHECK-NEXT: %[[JJ:.+]] = linalg.index 1 : index
// CHECK-NEXT: %[[J:.+]] = arith.addi %[[ZERO]], %[[JJ]] : index
// CHECK-NEXT: arith.cmpi ugt, %[[J]], %[[I]] : index
// CHECK-NEXT: arith.constant 0xFF800000 : f32
// CHECK-NEXT: arith.select
// CHECK: %[[LT:.+]] = tensor.extract_slice %[[LROW]][%[[ZERO]]] [4] [1] : tensor<4xf32> to tensor<4xf32>
// CHECK-NEXT: tensor.empty() : tensor<4x4xf32>
// CHECK-NEXT: %[[P:.+]] = linalg.generic {{.*}} ins(%[[S]], %[[LT]] : tensor<4x4xf32>, tensor<4xf32>)
// CHECK-NEXT: ^bb0(%[[SV:[^:]+]]: f32, %[[LV:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[SHIFT:.+]] = arith.subf %[[SV]], %[[LV]] : f32
// CHECK-NEXT: %[[EXP:.+]] = math.exp %[[SHIFT]] : f32
// CHECK-NEXT: linalg.yield %[[EXP]] : f32
// CHECK: %[[B64:.+]] = arith.index_cast %[[B]] : index to i64
// CHECK-NEXT: %[[HC:.+]] = arith.constant 2 : i64
// CHECK-NEXT: %[[BH:.+]] = arith.muli %[[B64]], %[[HC]] : i64
// CHECK-NEXT: %[[H64:.+]] = arith.index_cast %[[H]] : index to i64
// CHECK-NEXT: %[[HEAD:.+]] = arith.addi %[[BH]], %[[H64]] : i64
// CHECK-NEXT: %[[T1:.+]] = arith.constant 4 : i64
// CHECK-NEXT: %[[HT:.+]] = arith.muli %[[HEAD]], %[[T1]] : i64
// CHECK-NEXT: %[[Q064:.+]] = arith.index_cast %[[ZERO]] : index to i64
// CHECK-NEXT: %[[ROWI:.+]] = arith.addi %[[HT]], %[[Q064]] : i64
// CHECK-NEXT: %[[T2:.+]] = arith.constant 4 : i64
// CHECK-NEXT: %[[RT:.+]] = arith.muli %[[ROWI]], %[[T2]] : i64
// CHECK-NEXT: %[[K064:.+]] = arith.index_cast %[[ZERO]] : index to i64
// CHECK-NEXT: %[[BASE:.+]] = arith.addi %[[RT]], %[[K064]] : i64
// CHECK-NEXT: arith.constant -7046029254386353131 : i64
// CHECK-NEXT: arith.muli %[[SEED]], %{{.+}} : i64
// CHECK-NEXT: arith.constant -4417276706812531889 : i64
// CHECK-NEXT: arith.muli %[[STEP]], %{{.+}} : i64
// CHECK-NEXT: arith.addi
// CHECK-NEXT: arith.constant 8047939646964195805 : i64
// CHECK: %[[PD:.+]] = linalg.generic {{.*}} ins(%[[P]] : tensor<4x4xf32>)
// CHECK: arith.addi %[[BASE]], %{{.+}} : i64
// CHECK: arith.cmpi uge, %{{.+}}, %c1677722_i64 : i64
// CHECK: %[[DV:.+]] = linalg.matmul_transpose_a ins(%[[PD]], %[[DOB]] : tensor<4x4xf32>, tensor<4x3xf32>) outs(%[[DV0]] : tensor<4x3xf32>)
// CHECK: %[[DPD:.+]] = linalg.matmul ins(%[[DOB]], %[[VT]] : tensor<4x3xf32>, tensor<3x4xf32>)
// CHECK-NEXT: %[[B64B:.+]] = arith.index_cast %[[B]] : index to i64
// CHECK-NEXT: %[[HC2:.+]] = arith.constant 2 : i64
// CHECK-NEXT: %[[BH2:.+]] = arith.muli %[[B64B]], %[[HC2]] : i64
// CHECK-NEXT: %[[H64B:.+]] = arith.index_cast %[[H]] : index to i64
// CHECK-NEXT: %[[HEAD2:.+]] = arith.addi %[[BH2]], %[[H64B]] : i64
// CHECK-NEXT: %[[T3:.+]] = arith.constant 4 : i64
// CHECK-NEXT: %[[HT2:.+]] = arith.muli %[[HEAD2]], %[[T3]] : i64
// CHECK-NEXT: %[[Q064B:.+]] = arith.index_cast %[[ZERO]] : index to i64
// CHECK-NEXT: %[[ROW2:.+]] = arith.addi %[[HT2]], %[[Q064B]] : i64
// CHECK-NEXT: %[[T4:.+]] = arith.constant 4 : i64
// CHECK-NEXT: %[[RT2:.+]] = arith.muli %[[ROW2]], %[[T4]] : i64
// CHECK-NEXT: %[[K064B:.+]] = arith.index_cast %[[ZERO]] : index to i64
// CHECK-NEXT: %[[BASE2:.+]] = arith.addi %[[RT2]], %[[K064B]] : i64
// CHECK: arith.muli %[[SEED]], %{{.+}} : i64
// CHECK: arith.muli %[[STEP]], %{{.+}} : i64
// CHECK: arith.constant 8047939646964195805 : i64
// CHECK: %[[DP:.+]] = linalg.generic {{.*}} ins(%[[DPD]] : tensor<4x4xf32>)
// CHECK: arith.addi %[[BASE2]], %{{.+}} : i64
// CHECK: arith.cmpi uge, %{{.+}}, %c1677722_i64 : i64
// CHECK: %[[DT:.+]] = tensor.extract_slice %[[DELTA]][%[[ZERO]]] [4] [1] : tensor<4xf32> to tensor<4xf32>
// CHECK-NEXT: tensor.empty() : tensor<4x4xf32>
// CHECK-NEXT: %[[CEN:.+]] = linalg.generic {{.*}} ins(%[[DP]], %[[DT]] : tensor<4x4xf32>, tensor<4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.subf
// CHECK: %[[DS:.+]] = linalg.generic {{.*}} ins(%[[CEN]], %[[P]] : tensor<4x4xf32>, tensor<4x4xf32>)
// CHECK-NEXT: ^bb0(%[[CV:[^:]+]]: f32, %[[PV:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[PROD:.+]] = arith.mulf %[[CV]], %[[PV]] : f32
// CHECK-NEXT: %[[SCALE:.+]] = arith.constant 0.577350259 : f32
// CHECK-NEXT: %[[SCALED:.+]] = arith.mulf %[[PROD]], %[[SCALE]] : f32
// CHECK-NEXT: linalg.yield %[[SCALED]] : f32
// CHECK-NEXT: } -> tensor<4x4xf32>
// CHECK-NEXT: %[[DQR:.+]] = tensor.extract_slice %[[DQ0]][%[[ZERO]], 0] [4, 3] [1, 1] : tensor<4x3xf32> to tensor<4x3xf32>
// CHECK-NEXT: %[[DQM:.+]] = linalg.matmul ins(%[[DS]], %[[K]] : tensor<4x4xf32>, tensor<4x3xf32>) outs(%[[DQR]] : tensor<4x3xf32>)
// CHECK-NEXT: %[[DQ:.+]] = tensor.insert_slice %[[DQM]] into %[[DQ0]][%[[ZERO]], 0] [4, 3] [1, 1] : tensor<4x3xf32> into tensor<4x3xf32>
// CHECK-NEXT: %[[DK:.+]] = linalg.matmul_transpose_a ins(%[[DS]], %[[Q]] : tensor<4x4xf32>, tensor<4x3xf32>) outs(%[[DK0]] : tensor<4x3xf32>)
// CHECK-NEXT: %[[I1:.+]] = tensor.insert_slice %[[DK]] into %[[ACC]][%[[B]], %[[ZERO]], 1, %[[H]], 0] [1, 4, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<4x3xf32> into tensor<3x4x3x2x3xf32>
// CHECK-NEXT: %[[I2:.+]] = tensor.insert_slice %[[DV]] into %[[I1]][%[[B]], %[[ZERO]], 2, %[[H]], 0] [1, 4, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<4x3xf32> into tensor<3x4x3x2x3xf32>
// CHECK-NEXT: %[[I0:.+]] = tensor.insert_slice %[[DQ]] into %[[I2]][%[[B]], %[[ZERO]], 0, %[[H]], 0] [1, 4, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<4x3xf32> into tensor<3x4x3x2x3xf32>
// CHECK-NEXT: scf.yield %[[I0]] : tensor<3x4x3x2x3xf32>
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
// regenerates a dropout mask nor masks the scores: dV += Pᵀ dO on the
// recomputed P itself, and dP is dO Vᵀ itself, centred by the delta row. Not
// causal, the query tiles of a key tile start at 0 (a constant of their own),
// not at the key tile's offset.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[QKV:.+]] = nn.dense
// CHECK-NEXT: %{{[^,]+}}, %[[LSE:.+]] = nn.attention %[[QKV]] {num_heads = 2 : i64} : tensor<3x4x18xf32> -> (tensor<3x4x6xf32>, tensor<3x2x4xf32>)
// CHECK: scf.for %{{.+}} iter_args(%{{.+}}) -> (tensor<3x4x3x2x3xf32>) {
// CHECK: scf.for %{{.+}} iter_args(%{{.+}}) -> (tensor<3x4x3x2x3xf32>) {
// CHECK: %[[DELTA:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.+}} : tensor<4x3xf32>) outs(%{{.+}} : tensor<4xf32>)
// CHECK: %[[LROW:.+]] = tensor.extract_slice %[[LSE]]
// CHECK: %[[V:.+]] = tensor.extract_slice %{{.+}}[%{{[^,]+}}, %{{[^,]+}}, 2, %{{[^,]+}}, 0] [1, 4, 1, 1, 3]
// CHECK-NEXT: tensor.empty() : tensor<3x4xf32>
// CHECK-NEXT: linalg.transpose
// CHECK-NEXT: tensor.empty() : tensor<3x4xf32>
// CHECK-NEXT: %[[VT:.+]] = linalg.transpose ins(%[[V]] : tensor<4x3xf32>)
// CHECK-NEXT: %[[Q0:.+]] = arith.constant 0 : index
// CHECK-NEXT: arith.constant 4 : index
// CHECK-NEXT: tensor.empty() : tensor<4x3xf32>
// CHECK-NEXT: arith.constant 0.000000e+00 : f32
// CHECK-NEXT: linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK-NEXT: tensor.empty() : tensor<4x3xf32>
// CHECK-NEXT: arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[DV0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK-NEXT: tensor.extract_slice %{{.+}}[%{{.+}}, %[[Q0]], 0, %{{.+}}, 0] [1, 4, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<3x4x3x2x3xf32> to tensor<4x3xf32>
// CHECK-NEXT: %[[DOB:.+]] = tensor.extract_slice %{{.+}}[%{{.+}}, %[[Q0]], %{{.+}}, 0] [1, 4, 1, 3] [1, 1, 1, 1] : tensor<3x4x2x3xf32> to tensor<4x3xf32>
// CHECK: %[[S:.+]] = linalg.generic {{.*}} ins(%{{.+}} : tensor<4x4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.constant 0.577350259 : f32
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: linalg.yield
// CHECK: %[[LT:.+]] = tensor.extract_slice %[[LROW]][%[[Q0]]] [4] [1] : tensor<4xf32> to tensor<4xf32>
// CHECK-NEXT: tensor.empty() : tensor<4x4xf32>
// CHECK-NEXT: %[[P:.+]] = linalg.generic {{.*}} ins(%[[S]], %[[LT]] : tensor<4x4xf32>, tensor<4xf32>)
// CHECK: math.exp
// CHECK-NOT: linalg.generic
// CHECK: linalg.matmul_transpose_a ins(%[[P]], %[[DOB]] : tensor<4x4xf32>, tensor<4x3xf32>) outs(%[[DV0]] : tensor<4x3xf32>)
// CHECK-NOT: linalg.generic
// CHECK: %[[DP:.+]] = linalg.matmul ins(%[[DOB]], %[[VT]] : tensor<4x3xf32>, tensor<3x4xf32>)
// CHECK-NEXT: %[[DT:.+]] = tensor.extract_slice %[[DELTA]][%[[Q0]]] [4] [1] : tensor<4xf32> to tensor<4xf32>
// CHECK-NEXT: tensor.empty() : tensor<4x4xf32>
// CHECK-NEXT: %[[CEN:.+]] = linalg.generic {{.*}} ins(%[[DP]], %[[DT]] : tensor<4x4xf32>, tensor<4xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[CEN]], %[[P]] : tensor<4x4xf32>, tensor<4x4xf32>)
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

// -----

// Tests that with block = 2 (batch 1, 5 steps, 1 head of d = 3, causal, rate 0)
// the VJP is tiled as flash attention's backward. Per head, an scf.for over the
// two full key tiles (k0 from 0 to 4 step 2) carries the head's dQ [5, 3] (from
// zero) and the packed gradient. A key tile's dK and dV [2, 3] start from zero,
// and an scf.for over its query tiles, from k0 (causal: earlier queries see none
// of the key tile) to 4 step 2, carries dQ, dK and dV, into which the matmuls
// accumulate: dV += Pᵀ dO, dK += dSᵀ Q, and dQ += dS K into the query tile's
// rows [2, 3] at q0 (extract_slice, matmul, insert_slice). P is recomputed from
// the logsumexp row at q0, the scores masked at the tile offsets (q0 + i,
// k0 + j), and dS centred by the delta row at q0. The remainder query tile (one
// row, at 4) is peeled after that loop, and the key tile's dK, dV land in parts
// 1 and 2 at k0. The remainder key tile (one key, at 4) has no full query tile
// from it, so no query loop: only the peeled row 4. The head's dQ then lands in
// part 0 from row 0. No [5, 5] tile exists (the second implicit check-not).
// CHECK-LABEL: func.func @train_step
// CHECK: %[[QKV:.+]] = nn.dense
// CHECK-NEXT: %{{[^,]+}}, %[[LSE:.+]] = nn.attention %[[QKV]] {block = 2 : i64, causal, num_heads = 1 : i64} : tensor<1x5x9xf32> -> (tensor<1x5x3xf32>, tensor<1x1x5xf32>)
// CHECK: %[[P5:.+]] = tensor.expand_shape %[[QKV]] {{\[\[}}0], [1], [2, 3, 4]] output_shape [1, 5, 3, 1, 3] : tensor<1x5x9xf32> into tensor<1x5x3x1x3xf32>
// CHECK-NEXT: %[[DO4:.+]] = tensor.expand_shape %{{.+}} {{\[\[}}0], [1], [2, 3]] output_shape [1, 5, 1, 3] : tensor<1x5x3xf32> into tensor<1x5x1x3xf32>
// CHECK: scf.for %[[B:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}}) -> (tensor<1x5x3x1x3xf32>) {
// CHECK: scf.for %[[H:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (tensor<1x5x3x1x3xf32>) {
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0 : index
// CHECK: %[[DELTA:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.+}} : tensor<5x3xf32>) outs(%{{.+}} : tensor<5xf32>)
// CHECK: %[[LROW:.+]] = tensor.extract_slice %[[LSE]][%[[B]], %[[H]], %[[ZERO]]] [1, 1, 5] [1, 1, 1] : tensor<1x1x5xf32> to tensor<5xf32>
// CHECK-NEXT: %[[FULL:.+]] = arith.constant 4 : index
// CHECK: %[[DQ0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<5x3xf32>) -> tensor<5x3xf32>
// CHECK-NEXT: %[[KSTEP:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[KL:.+]]:2 = scf.for %[[K0:.+]] = %[[ZERO]] to %[[FULL]] step %[[KSTEP]] iter_args(%[[DQA:.+]] = %[[DQ0]], %[[GA:.+]] = %[[ACC]]) -> (tensor<5x3xf32>, tensor<1x5x3x1x3xf32>) {
// CHECK-NEXT: %[[K:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[K0]], 1, %[[H]], 0] [1, 2, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<1x5x3x1x3xf32> to tensor<2x3xf32>
// CHECK-NEXT: %[[V:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[K0]], 2, %[[H]], 0] [1, 2, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<1x5x3x1x3xf32> to tensor<2x3xf32>
// CHECK-NEXT: tensor.empty() : tensor<3x2xf32>
// CHECK-NEXT: %[[KT:.+]] = linalg.transpose ins(%[[K]] : tensor<2x3xf32>) outs(%{{.+}} : tensor<3x2xf32>) permutation = [1, 0]
// CHECK-NEXT: tensor.empty() : tensor<3x2xf32>
// CHECK-NEXT: %[[VT:.+]] = linalg.transpose ins(%[[V]] : tensor<2x3xf32>) outs(%{{.+}} : tensor<3x2xf32>) permutation = [1, 0]
// CHECK-NEXT: %[[QEND:.+]] = arith.constant 4 : index
// CHECK-NEXT: tensor.empty() : tensor<2x3xf32>
// CHECK-NEXT: arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[DK0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: tensor.empty() : tensor<2x3xf32>
// CHECK-NEXT: arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[DV0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[QSTEP:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[QL:.+]]:3 = scf.for %[[Q0:.+]] = %[[K0]] to %[[QEND]] step %[[QSTEP]] iter_args(%[[DQB:.+]] = %[[DQA]], %[[DKA:.+]] = %[[DK0]], %[[DVA:.+]] = %[[DV0]]) -> (tensor<5x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
// CHECK-NEXT: %[[Q:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[Q0]], 0, %[[H]], 0] [1, 2, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<1x5x3x1x3xf32> to tensor<2x3xf32>
// CHECK-NEXT: %[[DOB:.+]] = tensor.extract_slice %[[DO4]][%[[B]], %[[Q0]], %[[H]], 0] [1, 2, 1, 3] [1, 1, 1, 1] : tensor<1x5x1x3xf32> to tensor<2x3xf32>
// CHECK: linalg.matmul ins(%[[Q]], %[[KT]] : tensor<2x3xf32>, tensor<3x2xf32>) outs(%{{.+}} : tensor<2x2xf32>)
// CHECK: %[[S:.+]] = linalg.generic {{.*}} ins(%{{.+}} : tensor<2x2xf32>)
// CHECK: %[[I:.+]] = arith.addi %[[Q0]], %{{.+}} : index
// CHECK: %[[J:.+]] = arith.addi %[[K0]], %{{.+}} : index
// CHECK-NEXT: arith.cmpi ugt, %[[J]], %[[I]] : index
// CHECK: %[[LT:.+]] = tensor.extract_slice %[[LROW]][%[[Q0]]] [2] [1] : tensor<5xf32> to tensor<2xf32>
// CHECK-NEXT: tensor.empty() : tensor<2x2xf32>
// CHECK-NEXT: %[[P:.+]] = linalg.generic {{.*}} ins(%[[S]], %[[LT]] : tensor<2x2xf32>, tensor<2xf32>)
// CHECK: %[[DV:.+]] = linalg.matmul_transpose_a ins(%[[P]], %[[DOB]] : tensor<2x2xf32>, tensor<2x3xf32>) outs(%[[DVA]] : tensor<2x3xf32>)
// CHECK: %[[DP:.+]] = linalg.matmul ins(%[[DOB]], %[[VT]] : tensor<2x3xf32>, tensor<3x2xf32>)
// CHECK-NEXT: %[[DT:.+]] = tensor.extract_slice %[[DELTA]][%[[Q0]]] [2] [1] : tensor<5xf32> to tensor<2xf32>
// CHECK-NEXT: tensor.empty() : tensor<2x2xf32>
// CHECK-NEXT: %[[CEN:.+]] = linalg.generic {{.*}} ins(%[[DP]], %[[DT]] : tensor<2x2xf32>, tensor<2xf32>)
// CHECK: %[[DS:.+]] = linalg.generic {{.*}} ins(%[[CEN]], %[[P]] : tensor<2x2xf32>, tensor<2x2xf32>)
// CHECK: %[[DQR:.+]] = tensor.extract_slice %[[DQB]][%[[Q0]], 0] [2, 3] [1, 1] : tensor<5x3xf32> to tensor<2x3xf32>
// CHECK-NEXT: %[[DQM:.+]] = linalg.matmul ins(%[[DS]], %[[K]] : tensor<2x2xf32>, tensor<2x3xf32>) outs(%[[DQR]] : tensor<2x3xf32>)
// CHECK-NEXT: %[[DQ:.+]] = tensor.insert_slice %[[DQM]] into %[[DQB]][%[[Q0]], 0] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<5x3xf32>
// CHECK-NEXT: %[[DK:.+]] = linalg.matmul_transpose_a ins(%[[DS]], %[[Q]] : tensor<2x2xf32>, tensor<2x3xf32>) outs(%[[DKA]] : tensor<2x3xf32>)
// CHECK-NEXT: scf.yield %[[DQ]], %[[DK]], %[[DV]] : tensor<5x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[QR:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[QEND]], 0, %[[H]], 0] [1, 1, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<1x5x3x1x3xf32> to tensor<1x3xf32>
// CHECK-NEXT: %[[DOR:.+]] = tensor.extract_slice %[[DO4]][%[[B]], %[[QEND]], %[[H]], 0] [1, 1, 1, 3] [1, 1, 1, 1] : tensor<1x5x1x3xf32> to tensor<1x3xf32>
// CHECK: linalg.matmul ins(%[[QR]], %{{.+}} : tensor<1x3xf32>, tensor<3x2xf32>) outs(%{{.+}} : tensor<1x2xf32>)
// CHECK: %[[DVR:.+]] = linalg.matmul_transpose_a ins(%{{.+}}, %[[DOR]] : tensor<1x2xf32>, tensor<1x3xf32>) outs(%[[QL]]#2 : tensor<2x3xf32>)
// CHECK: %[[DQRR:.+]] = tensor.extract_slice %[[QL]]#0[%[[QEND]], 0] [1, 3] [1, 1] : tensor<5x3xf32> to tensor<1x3xf32>
// CHECK-NEXT: %[[DQMR:.+]] = linalg.matmul ins(%{{.+}}, %[[K]] : tensor<1x2xf32>, tensor<2x3xf32>) outs(%[[DQRR]] : tensor<1x3xf32>)
// CHECK-NEXT: %[[DQN:.+]] = tensor.insert_slice %[[DQMR]] into %[[QL]]#0[%[[QEND]], 0] [1, 3] [1, 1] : tensor<1x3xf32> into tensor<5x3xf32>
// CHECK-NEXT: %[[DKR:.+]] = linalg.matmul_transpose_a ins(%{{.+}}, %[[QR]] : tensor<1x2xf32>, tensor<1x3xf32>) outs(%[[QL]]#1 : tensor<2x3xf32>)
// CHECK-NEXT: %[[G1:.+]] = tensor.insert_slice %[[DKR]] into %[[GA]][%[[B]], %[[K0]], 1, %[[H]], 0] [1, 2, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<2x3xf32> into tensor<1x5x3x1x3xf32>
// CHECK-NEXT: %[[G2:.+]] = tensor.insert_slice %[[DVR]] into %[[G1]][%[[B]], %[[K0]], 2, %[[H]], 0] [1, 2, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<2x3xf32> into tensor<1x5x3x1x3xf32>
// CHECK-NEXT: scf.yield %[[DQN]], %[[G2]] : tensor<5x3xf32>, tensor<1x5x3x1x3xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[KR:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[FULL]], 1, %[[H]], 0] [1, 1, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<1x5x3x1x3xf32> to tensor<1x3xf32>
// CHECK-NEXT: tensor.extract_slice %[[P5]][%[[B]], %[[FULL]], 2, %[[H]], 0] [1, 1, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<1x5x3x1x3xf32> to tensor<1x3xf32>
// CHECK-NOT: scf.for
// CHECK: %[[QRR:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[QE2:[^,]+]], 0, %[[H]], 0] [1, 1, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<1x5x3x1x3xf32> to tensor<1x3xf32>
// CHECK-NOT: scf.for
// CHECK: linalg.matmul ins(%[[QRR]], %{{.+}} : tensor<1x3xf32>, tensor<3x1xf32>) outs(%{{.+}} : tensor<1x1xf32>)
// CHECK: tensor.extract_slice %[[KL]]#0[%[[QE2]], 0] [1, 3] [1, 1] : tensor<5x3xf32> to tensor<1x3xf32>
// CHECK-NEXT: linalg.matmul ins(%{{.+}}, %[[KR]] : tensor<1x1xf32>, tensor<1x3xf32>)
// CHECK-NEXT: %[[DQF:.+]] = tensor.insert_slice %{{.+}} into %[[KL]]#0[%[[QE2]], 0] [1, 3] [1, 1] : tensor<1x3xf32> into tensor<5x3xf32>
// CHECK-NEXT: %[[DKL:.+]] = linalg.matmul_transpose_a ins(%{{.+}}, %[[QRR]] : tensor<1x1xf32>, tensor<1x3xf32>) outs(%{{.+}} : tensor<1x3xf32>)
// CHECK-NEXT: %[[G3:.+]] = tensor.insert_slice %[[DKL]] into %[[KL]]#1[%[[B]], %[[FULL]], 1, %[[H]], 0] [1, 1, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<1x3xf32> into tensor<1x5x3x1x3xf32>
// CHECK-NEXT: %[[G4:.+]] = tensor.insert_slice %{{.+}} into %[[G3]][%[[B]], %[[FULL]], 2, %[[H]], 0] [1, 1, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<1x3xf32> into tensor<1x5x3x1x3xf32>
// CHECK-NEXT: %[[G5:.+]] = tensor.insert_slice %[[DQF]] into %[[G4]][%[[B]], %[[ZERO]], 0, %[[H]], 0] [1, 5, 1, 1, 3] [1, 1, 1, 1, 1] : tensor<5x3xf32> into tensor<1x5x3x1x3xf32>
// CHECK-NEXT: scf.yield %[[G5]] : tensor<1x5x3x1x3xf32>
// CHECK: optim.sgd
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<1x5x4xf32> {kiln.input = {name = "x"}},
                   %w: tensor<9x4xf32> {kiln.param = {name = "attn.in_proj_weight", trainable = true}},
                   %b: tensor<9xf32> {kiln.param = {name = "attn.in_proj_bias", trainable = true}}) -> tensor<1x15xf32> {
    %qkv = nn.dense %x, %w, %b : (tensor<1x5x4xf32>, tensor<9x4xf32>, tensor<9xf32>) -> tensor<1x5x9xf32>
    %o, %lse = nn.attention %qkv {num_heads = 1, causal, block = 2} : tensor<1x5x9xf32> -> (tensor<1x5x3xf32>, tensor<1x1x5xf32>)
    %r = nn.reshape %o : tensor<1x5x3xf32> -> tensor<1x15xf32>
    return %r : tensor<1x15xf32>
  }
  func.func @loss(%p: tensor<1x15xf32>, %t: tensor<1x15xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<1x15xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
