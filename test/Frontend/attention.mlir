// Tests the attention layers (multi_head_attention, transformer_block): PyTorch's parameter names, the nn ops they
// become, and the errors that name their layers.
// The models are in Inputs/ (not run by lit): JSON has no comments for RUN lines.

// Tests that a causal transformer_block (post-norm, relu, the default dropout 0.1) after an embedding has the
// parameters of PyTorch's TransformerEncoderLayer under its name: self_attn.in_proj_weight [3E, E] (glorot) and
// in_proj_bias (zeros), self_attn.out_proj, norm1, linear1 [ff, E], linear2 [E, ff], norm2 (ones and zeros). The
// block is norm1(x + dropout(sa(x))), then norm2(x + dropout(linear2(dropout(relu(linear1(x)))))), with sa the
// packed projection, one fused causal nn.attention (its weights dropped out at the layer's rate, part 0) and the
// output projection. Each dropout has its own stream: (layer index + 1) << 20 | part.
// RUN: kilnc %S/Inputs/attention-block.json --compile-to=graph | FileCheck %s --check-prefix=BLOCK
// Parameters: 24 x 8 + 24 + 8 x 8 + 8 + 2 x 8 + 16 x 8 + 16 + 8 x 16 + 8 + 2 x 8 = 600.
// BLOCK: {flops = 8424 : i64, name = "enc", output_shape = [6, 8], params = 600 : i64, trainable = true, type = "transformer_block"}
// BLOCK-LABEL: func.func @model
// BLOCK-SAME: (%[[X:[^:]+]]: tensor<2x6xi32> {kiln.input = {name = "x", vocab_size = 20 : i64}},
// BLOCK-SAME: %[[TOK:[^:]+]]: tensor<20x8xf32> {kiln.param = {{.*}} name = "tok.weight", trainable = true}},
// BLOCK-SAME: %[[INW:[^:]+]]: tensor<24x8xf32> {kiln.param = {fan_in = 8 : i64, fan_out = 24 : i64, init = "glorot_uniform", name = "enc.self_attn.in_proj_weight", trainable = true}},
// BLOCK-SAME: %[[INB:[^:]+]]: tensor<24xf32> {kiln.param = {{.*}} init = "zeros", name = "enc.self_attn.in_proj_bias", trainable = true}},
// BLOCK-SAME: %[[OUTW:[^:]+]]: tensor<8x8xf32> {kiln.param = {{.*}} init = "uniform_fan_in", name = "enc.self_attn.out_proj.weight", trainable = true}},
// BLOCK-SAME: %[[OUTB:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} init = "zeros", name = "enc.self_attn.out_proj.bias", trainable = true}},
// BLOCK-SAME: %[[N1W:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} init = "ones", name = "enc.norm1.weight", trainable = true}},
// BLOCK-SAME: %[[N1B:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} init = "zeros", name = "enc.norm1.bias", trainable = true}},
// BLOCK-SAME: %[[L1W:[^:]+]]: tensor<16x8xf32> {kiln.param = {fan_in = 8 : i64, fan_out = 16 : i64, init = "uniform_fan_in", name = "enc.linear1.weight", trainable = true}},
// BLOCK-SAME: %[[L1B:[^:]+]]: tensor<16xf32> {kiln.param = {{.*}} init = "uniform_fan_in", name = "enc.linear1.bias", trainable = true}},
// BLOCK-SAME: %[[L2W:[^:]+]]: tensor<8x16xf32> {kiln.param = {fan_in = 16 : i64, fan_out = 8 : i64, init = "uniform_fan_in", name = "enc.linear2.weight", trainable = true}},
// BLOCK-SAME: %[[L2B:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} name = "enc.linear2.bias", trainable = true}},
// BLOCK-SAME: %[[N2W:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} init = "ones", name = "enc.norm2.weight", trainable = true}},
// BLOCK-SAME: %[[N2B:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} init = "zeros", name = "enc.norm2.bias", trainable = true}},
// BLOCK-SAME: %[[HW:[^:]+]]: tensor<20x8xf32> {kiln.param = {{.*}} name = "head.weight", trainable = true}},
// BLOCK-SAME: %[[HB:[^:]+]]: tensor<20xf32> {kiln.param = {{.*}} name = "head.bias", trainable = true}}) -> tensor<2x6x20xf32>
// BLOCK-NEXT: %[[E:.+]] = nn.embedding %[[X]], %[[TOK]]
// BLOCK-NEXT: %[[QKV:.+]] = nn.dense %[[E]], %[[INW]], %[[INB]] : (tensor<2x6x8xf32>, tensor<24x8xf32>, tensor<24xf32>) -> tensor<2x6x24xf32>
// BLOCK-NEXT: %[[O:[^,]+]], %{{.+}} = nn.attention %[[QKV]] {causal, num_heads = 2 : i64, rate = 1.000000e-01 : f64, stream = 2097152 : i64} : tensor<2x6x24xf32> -> (tensor<2x6x8xf32>, tensor<2x2x6xf32>)
// BLOCK-NEXT: %[[SA:.+]] = nn.dense %[[O]], %[[OUTW]], %[[OUTB]] : (tensor<2x6x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<2x6x8xf32>
// BLOCK-NEXT: %[[SAD:.+]] = nn.dropout %[[SA]] {rate = 1.000000e-01 : f64, stream = 2097153 : i64} : tensor<2x6x8xf32>
// BLOCK-NEXT: %[[R1:.+]] = nn.add %[[E]], %[[SAD]] : tensor<2x6x8xf32>
// BLOCK-NEXT: %[[X1:.+]] = nn.layer_norm %[[R1]] weight %[[N1W]] bias %[[N1B]] : (tensor<2x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x6x8xf32>
// BLOCK-NEXT: %[[FF1:.+]] = nn.dense %[[X1]], %[[L1W]], %[[L1B]] : (tensor<2x6x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<2x6x16xf32>
// BLOCK-NEXT: %[[ACT:.+]] = nn.relu %[[FF1]] : tensor<2x6x16xf32>
// BLOCK-NEXT: %[[ACTD:.+]] = nn.dropout %[[ACT]] {rate = 1.000000e-01 : f64, stream = 2097154 : i64} : tensor<2x6x16xf32>
// BLOCK-NEXT: %[[FF2:.+]] = nn.dense %[[ACTD]], %[[L2W]], %[[L2B]] : (tensor<2x6x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<2x6x8xf32>
// BLOCK-NEXT: %[[FF2D:.+]] = nn.dropout %[[FF2]] {rate = 1.000000e-01 : f64, stream = 2097155 : i64} : tensor<2x6x8xf32>
// BLOCK-NEXT: %[[R2:.+]] = nn.add %[[X1]], %[[FF2D]] : tensor<2x6x8xf32>
// BLOCK-NEXT: %[[X2:.+]] = nn.layer_norm %[[R2]] weight %[[N2W]] bias %[[N2B]] : (tensor<2x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x6x8xf32>
// BLOCK-NEXT: %[[Y:.+]] = nn.dense %[[X2]], %[[HW]], %[[HB]] : (tensor<2x6x8xf32>, tensor<20x8xf32>, tensor<20xf32>) -> tensor<2x6x20xf32>
// BLOCK-NEXT: return %[[Y]]
// A per-token head: softmax_cross_entropy takes logits [batch, steps, classes] and labels [batch, steps].
// BLOCK-LABEL: func.func @loss
// BLOCK-SAME: (%[[LG:[^:]+]]: tensor<2x6x20xf32>, %[[LB:[^:]+]]: tensor<2x6xi32> {kiln.target = {name = "y"}})
// BLOCK-NEXT: nn.softmax_cross_entropy %[[LG]], %[[LB]] : tensor<2x6x20xf32>, tensor<2x6xi32> -> tensor<f32>

// Tests that the block trains (train_step updates all 15 parameters; the attention and the 3 dropouts in training
// mode, with the step's seed and step) and lowers completely.
// RUN: kilnc %S/Inputs/attention-block.json  --compile-to=autodiff --no-check-step | FileCheck %s --check-prefix=BLOCK-AUTODIFF
// BLOCK-AUTODIFF-LABEL: func.func @train_step
// BLOCK-AUTODIFF: nn.attention %{{.+}} seed %[[SEED:[^ ]+]] step %[[STEP:[^ ]+]] {causal, num_heads = 2 : i64, rate = 1.000000e-01 : f64, stream = 2097152 : i64, training} : tensor<2x6x24xf32> -> (tensor<2x6x8xf32>, tensor<2x2x6xf32>)
// BLOCK-AUTODIFF-COUNT-3: nn.dropout {{.*}} seed %[[SEED]] step %[[STEP]] {{.*}} training}
// BLOCK-AUTODIFF-NOT: nn.dropout
// BLOCK-AUTODIFF-COUNT-15: optim.adam
// BLOCK-AUTODIFF-NOT: optim.adam
// In eval_step the attention keeps its rate and stream but does not drop: no seed, no step, no training.
// BLOCK-AUTODIFF-LABEL: func.func @eval_step
// BLOCK-AUTODIFF-NOT: nn.dropout
// BLOCK-AUTODIFF: nn.attention %{{.+}} {causal, num_heads = 2 : i64, rate = 1.000000e-01 : f64, stream = 2097152 : i64} : tensor<2x6x24xf32>
// BLOCK-AUTODIFF-NOT: nn.dropout
// BLOCK-AUTODIFF-NOT: training}
// The weights are never a [batch, heads, steps, steps] tensor of the program.
// RUN: kilnc %S/Inputs/attention-block.json --compile-to=linalg | FileCheck %s --check-prefix=BLOCK-LINALG --implicit-check-not=" nn." --implicit-check-not="tensor<2x2x6x6xf32>"
// The causal mask survives into every entry point (j > i compared in the scores' generic), in train_step and
// check_step twice: the forward pass and the backward pass's recomputation of the weights.
// BLOCK-LINALG-LABEL: func.func @train_step
// BLOCK-LINALG-COUNT-2: arith.cmpi ugt
// BLOCK-LINALG-NOT: arith.cmpi ugt
// BLOCK-LINALG-LABEL: func.func @eval_step(
// BLOCK-LINALG: arith.cmpi ugt
// BLOCK-LINALG-NOT: arith.cmpi ugt
// BLOCK-LINALG-LABEL: func.func @eval_step_1(
// BLOCK-LINALG: arith.cmpi ugt
// BLOCK-LINALG-NOT: arith.cmpi ugt
// BLOCK-LINALG-LABEL: func.func @forward(
// BLOCK-LINALG: arith.cmpi ugt
// BLOCK-LINALG-NOT: arith.cmpi ugt
// BLOCK-LINALG-LABEL: func.func @forward_1(
// BLOCK-LINALG: arith.cmpi ugt
// BLOCK-LINALG-NOT: arith.cmpi ugt
// BLOCK-LINALG-LABEL: func.func @check_step(
// BLOCK-LINALG-COUNT-2: arith.cmpi ugt
// BLOCK-LINALG-NOT: arith.cmpi ugt

// Tests that multi_head_attention has PyTorch's MultiheadAttention names directly under its own (no self_attn),
// no dropout by default, and no mask unless causal; and that a pre-norm block (norm_first) with gelu and dropout 0
// is x + sa(norm1(x)), then x + linear2(gelu(linear1(norm2(x)))), its norms built (and listed) before what they feed.
// RUN: kilnc %S/Inputs/attention-prenorm.json --compile-to=graph | FileCheck %s --check-prefix=PRENORM --implicit-check-not=nn.dropout
// PRENORM-LABEL: func.func @model
// PRENORM-SAME: (%[[X:[^:]+]]: tensor<2x4x8xf32> {kiln.input = {name = "x"}},
// PRENORM-SAME: %[[AW:[^:]+]]: tensor<24x8xf32> {kiln.param = {{.*}} name = "attn.in_proj_weight", trainable = true}},
// PRENORM-SAME: %[[AB:[^:]+]]: tensor<24xf32> {kiln.param = {{.*}} name = "attn.in_proj_bias", trainable = true}},
// PRENORM-SAME: %[[AOW:[^:]+]]: tensor<8x8xf32> {kiln.param = {{.*}} name = "attn.out_proj.weight", trainable = true}},
// PRENORM-SAME: %[[AOB:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} name = "attn.out_proj.bias", trainable = true}},
// PRENORM-SAME: %[[N1W:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} name = "enc.norm1.weight", trainable = true}},
// PRENORM-SAME: %[[N1B:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} name = "enc.norm1.bias", trainable = true}},
// PRENORM-SAME: %[[INW:[^:]+]]: tensor<24x8xf32> {kiln.param = {{.*}} name = "enc.self_attn.in_proj_weight", trainable = true}},
// PRENORM-SAME: %[[INB:[^:]+]]: tensor<24xf32> {kiln.param = {{.*}} name = "enc.self_attn.in_proj_bias", trainable = true}},
// PRENORM-SAME: %[[OUTW:[^:]+]]: tensor<8x8xf32> {kiln.param = {{.*}} name = "enc.self_attn.out_proj.weight", trainable = true}},
// PRENORM-SAME: %[[OUTB:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} name = "enc.self_attn.out_proj.bias", trainable = true}},
// PRENORM-SAME: %[[N2W:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} name = "enc.norm2.weight", trainable = true}},
// PRENORM-SAME: %[[N2B:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} name = "enc.norm2.bias", trainable = true}},
// PRENORM-SAME: %[[L1W:[^:]+]]: tensor<12x8xf32> {kiln.param = {{.*}} name = "enc.linear1.weight", trainable = true}},
// PRENORM-SAME: %[[L1B:[^:]+]]: tensor<12xf32> {kiln.param = {{.*}} name = "enc.linear1.bias", trainable = true}},
// PRENORM-SAME: %[[L2W:[^:]+]]: tensor<8x12xf32> {kiln.param = {{.*}} name = "enc.linear2.weight", trainable = true}},
// PRENORM-SAME: %[[L2B:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} name = "enc.linear2.bias", trainable = true}},
// PRENORM-NEXT: %[[AQKV:.+]] = nn.dense %[[X]], %[[AW]], %[[AB]]
// PRENORM-NEXT: %[[AO:[^,]+]], %{{.+}} = nn.attention %[[AQKV]] {num_heads = 4 : i64, stream = 1048576 : i64} : tensor<2x4x24xf32> -> (tensor<2x4x8xf32>, tensor<2x4x4xf32>)
// PRENORM-NEXT: %[[A:.+]] = nn.dense %[[AO]], %[[AOW]], %[[AOB]]
// PRENORM-NEXT: %[[LN1:.+]] = nn.layer_norm %[[A]] weight %[[N1W]] bias %[[N1B]]
// PRENORM-NEXT: %[[QKV:.+]] = nn.dense %[[LN1]], %[[INW]], %[[INB]]
// PRENORM-NEXT: %[[O:[^,]+]], %{{.+}} = nn.attention %[[QKV]] {num_heads = 2 : i64, stream = 2097152 : i64} : tensor<2x4x24xf32> -> (tensor<2x4x8xf32>, tensor<2x2x4xf32>)
// PRENORM-NEXT: %[[SA:.+]] = nn.dense %[[O]], %[[OUTW]], %[[OUTB]]
// PRENORM-NEXT: %[[R1:.+]] = nn.add %[[A]], %[[SA]] : tensor<2x4x8xf32>
// PRENORM-NEXT: %[[LN2:.+]] = nn.layer_norm %[[R1]] weight %[[N2W]] bias %[[N2B]]
// PRENORM-NEXT: %[[FF1:.+]] = nn.dense %[[LN2]], %[[L1W]], %[[L1B]] : (tensor<2x4x8xf32>, tensor<12x8xf32>, tensor<12xf32>) -> tensor<2x4x12xf32>
// PRENORM-NEXT: %[[G:.+]] = nn.gelu %[[FF1]] : tensor<2x4x12xf32>
// PRENORM-NEXT: %[[FF2:.+]] = nn.dense %[[G]], %[[L2W]], %[[L2B]]
// PRENORM-NEXT: %[[R2:.+]] = nn.add %[[R1]], %[[FF2]] : tensor<2x4x8xf32>
// PRENORM-NEXT: nn.reduce_mean %[[R2]] {axis = 1 : i64}

// Tests that num_heads divides the width: 3 heads of [6, 8] are refused, naming the layer and the shape.
// RUN: not kilnc %S/Inputs/attention-heads.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=HEADS
// HEADS: kilnc: error: {{.*}}Inputs/attention-heads.json: /layers/0: layer "attn": num_heads (3) must divide the width of its input [6, 8]{{$}}

// Tests that the attention layers need [steps, width] samples.
// RUN: not kilnc %S/Inputs/attention-block-3d.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=BLOCK-3D
// BLOCK-3D: kilnc: error: {{.*}}Inputs/attention-block-3d.json: /layers/0: layer "enc": transformer_block expects [steps, width], got [2, 6, 8]{{$}}

// Tests that transformer_block's keys are checked, listing the ones it takes (PyTorch's nhead is num_heads here).
// RUN: not kilnc %S/Inputs/attention-block-unknown-key.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=BLOCK-KEY
// BLOCK-KEY: kilnc: error: {{.*}}Inputs/attention-block-unknown-key.json: /layers/0/nhead: unknown key (expected one of: type, name, trainable, num_heads, causal, dropout, dim_feedforward, activation, norm_first, inputs, lr_scale, weight_decay){{$}}

// Tests that transformer_block's activation is relu or gelu, as PyTorch's.
// RUN: not kilnc %S/Inputs/attention-block-activation.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=BLOCK-ACTIVATION
// BLOCK-ACTIVATION: kilnc: error: {{.*}}Inputs/attention-block-activation.json: /layers/0/activation: unknown value "tanh" (expected one of: relu, gelu){{$}}

// Tests that the dropout rate is in [0, 1).
// RUN: not kilnc %S/Inputs/attention-dropout.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DROPOUT
// DROPOUT: kilnc: error: {{.*}}Inputs/attention-dropout.json: /layers/0/dropout: expected a number in [0, 1), got 1{{$}}

// Tests that a long sequence (100000 steps) compiles to linalg with no [T, T] tensor anywhere: the attention's
// weights are [64, 64] tiles, and its causal query tiles loop over the key tiles up to their own.
// RUN: kilnc %S/Inputs/attention-long.json --compile-to=linalg | FileCheck %s --check-prefix=LONG --implicit-check-not=100000x100000
// LONG-LABEL: func.func @train_step
// LONG: tensor<64x64xf32>
// LONG-LABEL: func.func @forward
