// Tests what the JSON frontend makes of the training toolkit: the loss op per loss type, kernel regularizers, per-layer lr_scale and weight_decay, and the optimizer's settings (rmsprop, bias_weight_decay, clip_norm).
// Each model is in Inputs/ (not run by lit): JSON has no comments for RUN lines.

// Tests that a kernel_regularizer becomes an nn.weight_penalty of the layer's weight, returned by @model after the prediction as a kiln.regularization result;
// lr_scale goes on each parameter of its layer; a layer's weight_decay on each of its parameters, bias included; bias_weight_decay on the other biases;
// and kiln.optimizer writes out every setting: rmsprop's defaults, centered, bias_weight_decay and clip_norm. The huber loss keeps its delta.
// RUN: kilnc %S/Inputs/training-toolkit.json --compile-to=graph | FileCheck %s --check-prefix=TOOLKIT
// TOOLKIT: module attributes {
// TOOLKIT-SAME: kiln.name = "toolkit",
// TOOLKIT-SAME: kiln.optimizer = {alpha = 0.98999999999999999 : f64, bias_weight_decay = 0.000000e+00 : f64, centered = true, clip_norm = 2.000000e+00 : f64, eps = 1.000000e-08 : f64, lr = 1.000000e-02 : f64, momentum = 9.000000e-01 : f64, type = "rmsprop", weight_decay = 1.000000e-03 : f64},
// TOOLKIT-SAME: kiln.training = {batch_size = 4 : i64, delta = 5.000000e-01 : f64, epochs = 1 : i64, loss = "huber",
// TOOLKIT-LABEL: func.func @model
// TOOLKIT-SAME: (%[[X:[^:]+]]: tensor<4x6xf32> {kiln.input = {name = "x"}},
// TOOLKIT-SAME: %[[W0:[^:]+]]: tensor<8x6xf32> {kiln.param = {fan_in = 6 : i64, fan_out = 8 : i64, init = "he_uniform", l1 = 2.500000e-01 : f64, l2 = 5.000000e-01 : f64, lr_scale = 5.000000e-01 : f64, name = "body.weight", trainable = true}},
// TOOLKIT-SAME: %[[B0:[^:]+]]: tensor<8xf32> {kiln.param = {fan_in = 6 : i64, fan_out = 8 : i64, init = "zeros", lr_scale = 5.000000e-01 : f64, name = "body.bias", trainable = true, weight_decay = 0.000000e+00 : f64}},
// TOOLKIT-SAME: %[[W1:[^:]+]]: tensor<3x8xf32> {kiln.param = {fan_in = 8 : i64, fan_out = 3 : i64, init = "glorot_uniform", name = "head.weight", trainable = true, weight_decay = 1.250000e-01 : f64}},
// TOOLKIT-SAME: %[[B1:[^:]+]]: tensor<3xf32> {kiln.param = {fan_in = 8 : i64, fan_out = 3 : i64, init = "zeros", name = "head.bias", trainable = true, weight_decay = 1.250000e-01 : f64}})
// TOOLKIT-SAME: -> (tensor<4x3xf32>, tensor<f32> {kiln.regularization})
// TOOLKIT: %[[PEN:.+]] = nn.weight_penalty %[[W0]] {l1 = 2.500000e-01 : f64, l2 = 5.000000e-01 : f64} : tensor<8x6xf32> -> tensor<f32>
// TOOLKIT-NOT: nn.weight_penalty
// TOOLKIT: %[[PRED:.+]] = nn.dense %{{.+}}, %[[W1]], %[[B1]]
// TOOLKIT-NEXT: return %[[PRED]], %[[PEN]] : tensor<4x3xf32>, tensor<f32>
// TOOLKIT-LABEL: func.func @loss
// TOOLKIT-SAME: (%[[P:[^:]+]]: tensor<4x3xf32>, %[[T:[^:]+]]: tensor<4x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32>
// TOOLKIT-NEXT: nn.huber_loss %[[P]], %[[T]] {delta = 5.000000e-01 : f64} : tensor<4x3xf32> -> tensor<f32>

// Tests that kiln-autodiff turns those settings into the update: one clip over all four gradients, lr * 0.5 for body's parameters, the layer's weight_decay, and rmsprop's three slots.
// RUN: kilnc %S/Inputs/training-toolkit.json --compile-to=autodiff | FileCheck %s --check-prefix=TOOLKIT-AD
// TOOLKIT-AD-LABEL: func.func @train_step
// TOOLKIT-AD-SAME: {kiln.state = {param = "body.weight", slot = "square_avg"}}
// TOOLKIT-AD-SAME: {kiln.state = {param = "body.weight", slot = "momentum_buffer"}}
// TOOLKIT-AD-SAME: {kiln.state = {param = "body.weight", slot = "grad_avg"}}
// TOOLKIT-AD-SAME: %[[LR:[^:]+]]: f32 {kiln.scalar = "lr"}
// TOOLKIT-AD: nn.weight_penalty
// TOOLKIT-AD: nn.huber_loss
// TOOLKIT-AD: %[[C:.+]]:4 = optim.clip_by_global_norm {{.*}} {max_norm = 2.000000e+00 : f64} : tensor<8x6xf32>, tensor<8xf32>, tensor<3x8xf32>, tensor<3xf32>
// TOOLKIT-AD: %[[SLR:.+]] = arith.mulf %[[LR]], %{{.+}} : f32
// TOOLKIT-AD: optim.rmsprop %{{.+}}, %[[C]]#0, {{.*}}, %[[SLR]] {centered, momentum = 9.000000e-01 : f64, {{.*}}weight_decay = 1.000000e-03 : f64}
// TOOLKIT-AD: optim.rmsprop %{{.+}}, %[[C]]#1, {{.*}}, %[[SLR]] {centered, momentum = 9.000000e-01 : f64{{[^w}]*}}} : tensor<8xf32>
// TOOLKIT-AD: optim.rmsprop %{{.+}}, %[[C]]#2, {{.*}}, %[[LR]] {{.*}}weight_decay = 1.250000e-01 : f64}
// TOOLKIT-AD: optim.rmsprop %{{.+}}, %[[C]]#3, {{.*}}, %[[LR]] {{.*}}weight_decay = 1.250000e-01 : f64}

// Tests that compiling the same file for inference drops the regularizer and the per-parameter optimizer settings.
// RUN: kilnc %S/Inputs/training-toolkit.json --inference --compile-to=graph | FileCheck %s --check-prefix=TOOLKIT-INFER
// TOOLKIT-INFER-NOT: kiln.optimizer
// TOOLKIT-INFER-LABEL: func.func @model
// TOOLKIT-INFER-NOT: lr_scale
// TOOLKIT-INFER-NOT: weight_decay
// TOOLKIT-INFER-SAME: -> tensor<4x3xf32> {
// TOOLKIT-INFER-NOT: nn.weight_penalty
// TOOLKIT-INFER: return %{{.+}} : tensor<4x3xf32>

// Tests the loss op each loss type gives, with its attributes and the target it takes: f32 values of the prediction's shape, but int class labels for cross-entropy on labels.
// RUN: kilnc %S/Inputs/training-mae.json --compile-to=graph | FileCheck %s --check-prefix=MAE
// MAE-LABEL: func.func @loss
// MAE-SAME: (%[[P:[^:]+]]: tensor<4x3xf32>, %[[T:[^:]+]]: tensor<4x3xf32> {kiln.target = {name = "y"}})
// MAE-NEXT: nn.mae_loss %[[P]], %[[T]] : tensor<4x3xf32> -> tensor<f32>
// RUN: kilnc %S/Inputs/training-bce.json --compile-to=graph | FileCheck %s --check-prefix=BCE
// BCE: kiln.training = {{.*}}loss = "binary_cross_entropy"
// BCE-LABEL: func.func @loss
// BCE-SAME: (%[[P:[^:]+]]: tensor<4x3xf32>, %[[T:[^:]+]]: tensor<4x3xf32> {kiln.target = {name = "y"}})
// BCE-NEXT: nn.binary_cross_entropy %[[P]], %[[T]] : tensor<4x3xf32> -> tensor<f32>
// RUN: kilnc %S/Inputs/training-kl.json --compile-to=graph | FileCheck %s --check-prefix=KL
// KL-LABEL: func.func @loss
// KL-SAME: (%[[P:[^:]+]]: tensor<4x3xf32>, %[[T:[^:]+]]: tensor<4x3xf32> {kiln.target = {name = "y"}})
// KL-NEXT: nn.kl_divergence %[[P]], %[[T]] : tensor<4x3xf32> -> tensor<f32>
// "cross_entropy" is softmax_cross_entropy; label_smoothing on labels.
// RUN: kilnc %S/Inputs/training-ce-smooth.json --compile-to=graph | FileCheck %s --check-prefix=CE-SMOOTH
// CE-SMOOTH: kiln.training = {{.*}}loss = "softmax_cross_entropy"
// CE-SMOOTH-LABEL: func.func @loss
// CE-SMOOTH-SAME: (%[[P:[^:]+]]: tensor<4x3xf32>, %[[T:[^:]+]]: tensor<4xi32> {kiln.target = {name = "y"}})
// CE-SMOOTH-NEXT: nn.softmax_cross_entropy %[[P]], %[[T]] {label_smoothing = 1.000000e-01 : f64} : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
// "targets": "probabilities" takes f32 rows.
// RUN: kilnc %S/Inputs/training-ce-soft.json --compile-to=graph | FileCheck %s --check-prefix=CE-SOFT
// CE-SOFT-LABEL: func.func @loss
// CE-SOFT-SAME: (%[[P:[^:]+]]: tensor<4x3xf32>, %[[T:[^:]+]]: tensor<4x3xf32> {kiln.target = {name = "y"}})
// CE-SOFT-NEXT: nn.softmax_cross_entropy %[[P]], %[[T]] {label_smoothing = 2.000000e-01 : f64} : tensor<4x3xf32>, tensor<4x3xf32> -> tensor<f32>

// Tests that binary_cross_entropy, compiled for inference, predicts sigmoid probabilities (kl_divergence: softmax), as its training build would.
// RUN: kilnc %S/Inputs/training-bce.json --inference --compile-to=graph | FileCheck %s --check-prefix=BCE-INFER
// BCE-INFER-LABEL: func.func @model
// BCE-INFER-SAME: attributes {kiln.probabilities}
// BCE-INFER: %[[L:.+]] = nn.dense
// BCE-INFER-NEXT: %[[S:.+]] = nn.sigmoid %[[L]] : tensor<4x3xf32>
// BCE-INFER-NEXT: return %[[S]]
// RUN: kilnc %S/Inputs/training-kl.json --inference --compile-to=graph | FileCheck %s --check-prefix=KL-INFER
// KL-INFER-LABEL: func.func @model
// KL-INFER-SAME: attributes {kiln.probabilities}
// KL-INFER: %[[L:.+]] = nn.dense
// KL-INFER-NEXT: %[[S:.+]] = nn.softmax %[[L]] : tensor<4x3xf32>
// KL-INFER-NEXT: return %[[S]]

// Tests that a frozen layer's kernel_regularizer stays a term of the loss (a constant: the weight gets no update).
// RUN: kilnc %S/Inputs/regularizer-frozen.json --compile-to=graph | FileCheck %s --check-prefix=FROZEN
// FROZEN: func.func @model
// FROZEN-SAME: {kiln.param = {{{.*}}name = "body.weight", trainable = false}}
// FROZEN-SAME: tensor<f32> {kiln.regularization}
// FROZEN: nn.weight_penalty %{{.+}} {l1 = 1.000000e-02 : f64} :

// Tests that bias_weight_decay reaches every bias by PyTorch's names (out_proj.bias, in_proj_bias, bias_ih_l0,
// bias_hh_l0, head.bias) and no weight, which keep the optimizer's weight_decay (no attribute).
// RUN: kilnc %S/Inputs/bias-decay.json --compile-to=graph | FileCheck %s --check-prefix=BIAS
// BIAS: name = "attn.in_proj_weight", trainable = true}
// BIAS-SAME: name = "attn.in_proj_bias", trainable = true, weight_decay = 0.000000e+00 : f64}
// BIAS-SAME: name = "attn.out_proj.weight", trainable = true}
// BIAS-SAME: name = "attn.out_proj.bias", trainable = true, weight_decay = 0.000000e+00 : f64}
// BIAS-SAME: name = "rnn.weight_ih_l0", trainable = true}
// BIAS-SAME: name = "rnn.weight_hh_l0", trainable = true}
// BIAS-SAME: name = "rnn.bias_ih_l0", trainable = true, weight_decay = 0.000000e+00 : f64}
// BIAS-SAME: name = "rnn.bias_hh_l0", trainable = true, weight_decay = 0.000000e+00 : f64}
// BIAS-SAME: name = "head.weight", trainable = true}
// BIAS-SAME: name = "head.bias", trainable = true, weight_decay = 0.000000e+00 : f64}
