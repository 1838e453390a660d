// Tests that kilnc rejects bad model files, naming the file, the JSON path and the problem.
// Each model is in Inputs/ (not run by lit): JSON has no comments for RUN lines.

// RUN: not kilnc %S/Inputs/malformed.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=MALFORMED
// MALFORMED: kilnc: error: {{.*}}Inputs/malformed.json: invalid JSON [5:34, byte={{[0-9]+}}]: Expected object key

// RUN: not kilnc %S/Inputs/unknown-layer.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=UNKNOWN-LAYER
// UNKNOWN-LAYER: kilnc: error: {{.*}}Inputs/unknown-layer.json: /layers/1/type: unknown value "conv3d" (expected one of: dense, conv2d, max_pool2d, avg_pool2d, global_avg_pool2d, global_max_pool2d, batch_norm, local_response_norm, relu, sigmoid, tanh, leaky_relu, softmax, gelu, flatten, reshape, dropout, embedding, position_embedding, layer_norm, add, multiply, concat, global_avg_pool1d, global_max_pool1d, multi_head_attention, transformer_block, lstm, gru, simple_rnn)

// RUN: not kilnc %S/Inputs/unknown-key.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=UNKNOWN-KEY
// UNKNOWN-KEY: kilnc: error: {{.*}}Inputs/unknown-key.json: /layers/0/unit: unknown key (expected one of: type, name, trainable, units, activation, use_bias, kernel_init, bias_init, inputs, lr_scale, weight_decay, kernel_regularizer)

// RUN: not kilnc %S/Inputs/wrong-type.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=WRONG-TYPE
// WRONG-TYPE: kilnc: error: {{.*}}Inputs/wrong-type.json: /layers/0/units: expected a positive integer, got "8"

// RUN: not kilnc %S/Inputs/wrong-type-lr.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=WRONG-TYPE-LR
// WRONG-TYPE-LR: kilnc: error: {{.*}}Inputs/wrong-type-lr.json: /training/optimizer/lr: expected a number in {{.*}}, got "0.01"

// RUN: not kilnc %S/Inputs/non-positive-units.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=UNITS
// UNITS: kilnc: error: {{.*}}Inputs/non-positive-units.json: /layers/1/units: expected a positive integer, got -4

// Dense on [28, 28] works on the last axis: softmax cross-entropy then
// takes rows of classes, one label per row ([28] per sample).
// RUN: kilnc %S/Inputs/shape-mismatch.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: func.func @loss(%{{.*}}: tensor<32x28x10xf32>, %{{.*}}: tensor<32x28xi32> {kiln.target

// RUN: not kilnc %S/Inputs/missing-input.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=NO-INPUT
// NO-INPUT: kilnc: error: {{.*}}Inputs/missing-input.json: /: missing key "input" (e.g. {"shape": [784]})

// RUN: not kilnc %S/Inputs/duplicate-names.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DUPLICATE
// DUPLICATE: kilnc: error: {{.*}}Inputs/duplicate-names.json: /layers/2/name: duplicate layer name "hidden"

// RUN: not kilnc %S/Inputs/softmax-before-loss.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=SOFTMAX
// SOFTMAX: kilnc: error: {{.*}}Inputs/softmax-before-loss.json: /layers/0: layer "dense_0": softmax_cross_entropy applies softmax itself; remove this layer's softmax so the model outputs logits

// RUN: not kilnc %S/Inputs/unknown-optimizer.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=OPTIMIZER
// OPTIMIZER: kilnc: error: {{.*}}Inputs/unknown-optimizer.json: /training/optimizer/type: unknown value "lion" (expected one of: sgd, momentum, adam, adamw, adagrad, rmsprop)

// RUN: not kilnc %S/Inputs/no-parameters.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=NO-PARAMS
// NO-PARAMS: kilnc: error: {{.*}}Inputs/no-parameters.json: /layers: the model has no trainable parameters; compile it for inference ("training": false){{$}}

// Tests that a model whose every layer is frozen cannot be trained either.
// RUN: not kilnc %S/Inputs/all-frozen.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=ALL-FROZEN
// ALL-FROZEN: kilnc: error: {{.*}}Inputs/all-frozen.json: /layers: the model has no trainable parameters; compile it for inference ("training": false){{$}}

// Tests that "training" is an object or false: true means nothing.
// RUN: not kilnc %S/Inputs/training-true.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=TRAINING-TRUE
// TRAINING-TRUE: kilnc: error: {{.*}}Inputs/training-true.json: /training: expected an object or false, got true{{$}}

// Tests that a layer's "trainable" is a boolean.
// RUN: not kilnc %S/Inputs/bad-trainable.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=TRAINABLE
// TRAINABLE: kilnc: error: {{.*}}Inputs/bad-trainable.json: /layers/0/trainable: expected true or false, got "no"{{$}}

// RUN: not kilnc %S/Inputs/does-not-exist.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=MISSING-FILE
// MISSING-FILE: kilnc: error: cannot read {{.*}}Inputs/does-not-exist.json: No such file or directory

// Each error stops kilnc before any IR is printed.
// RUN: not kilnc %S/Inputs/unknown-layer.json --compile-to=graph 2>/dev/null | FileCheck %s --check-prefix=NO-IR --allow-empty
// NO-IR-NOT: module

// Tests that a key given twice is an error naming it (JSON parsers keep the last silently).
// RUN: not kilnc %S/Inputs/duplicate-key.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DUPKEY
// DUPKEY: kilnc: error: {{.*}}duplicate-key.json: duplicate key "units" at /layers/0/units (byte 70)

// Tests that sizes are bounded, so no shape arithmetic overflows.
// RUN: not kilnc %S/Inputs/too-large.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=TOO-LARGE
// TOO-LARGE: kilnc: error: {{.*}}too-large.json: /input/shape/0: expected at most 2147483647, got 4294967296

// Tests that a layer whose batch of outputs has more than 2^31-1 elements is rejected by name.
// RUN: not kilnc %S/Inputs/too-many-elements.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=TOO-MANY
// TOO-MANY: kilnc: error: {{.*}}too-many-elements.json: /layers/0: layer "dense_0": its output [100000, 100000] has more than 2147483647 elements

// Tests that a model needing more memory than --max-memory (params, buffers, optimizer state, derived tensors and
// workspace, as the runtime allocates them) is refused with the numbers, that one needing more than half of it compiles with a
// warning, and that a size that is not one is a usage error.
// The classifier needs 2.4 KiB: params 332 B (6 x 8 + 8 + 8 x 3 + 3 floats), the default Adam's two moments
// 664 B, its two weights transposed for forward and eval_step 288 B, a 1.1 KiB workspace at 512-bit vectors (the schedule, and so the workspace, depends on the width;
// check_step's counts, each made where its value is, hold 64-byte slots to the end of its step).
// RUN: not kilnc %S/Inputs/classifier.json -o %t.exe --vector-bits=512 --max-memory=1K 2>&1 | FileCheck %s --check-prefix=MEM-OVER
// MEM-OVER: kilnc: error: {{.*}}classifier.json: the model needs 2.4 KiB of memory (params 332 B, buffers 0 B, optimizer state 664 B, prepared for inference 288 B, workspace 1.1 KiB), more than --max-memory (1.0 KiB); raise --max-memory to compile it anyway
// RUN: kilnc %S/Inputs/classifier.json --emit=llvm-ir -o %t.ll --vector-bits=512 --max-memory=3KiB 2>&1 | FileCheck %s --check-prefix=MEM-HALF
// MEM-HALF: kilnc: warning: {{.*}}classifier.json: the model needs 2.4 KiB of memory ({{.*}}), more than half of --max-memory (3.0 KiB)
// RUN: kilnc %S/Inputs/classifier.json --emit=llvm-ir -o %t.ll --vector-bits=512 --max-memory=5K 2>&1 | FileCheck %s --check-prefix=MEM-FITS --allow-empty
// MEM-FITS-NOT: warning
// RUN: not kilnc %S/Inputs/classifier.json -o %t.exe --max-memory=12Q 2>&1 | FileCheck %s --check-prefix=MEM-BAD
// MEM-BAD: kilnc: error: --max-memory '12Q' is not a size (a positive number of bytes, or with K, M, G or T)

// Tests that a number of 2^63 where a number is expected is an error naming it, not undefined behaviour in the
// JSON reader's integer conversion (found by fuzz_model_json).
// RUN: not kilnc %S/Inputs/number-2p63.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=NUM-2P63
// NUM-2P63: kilnc: error: {{.*}}number-2p63.json: /layers/0/kernel_regularizer/l2: expected a number in [0, 1000000], got 9.223372037e+18

// Tests that attention's projections are bounded like any layer's output (its weights are tiles, whatever T).
// RUN: not kilnc %S/Inputs/attention-too-long.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=ATT-LONG
// ATT-LONG: kilnc: error: {{.*}}attention-too-long.json: /layers/0: layer "attn": its projections or feed-forward rows have more than 2147483647 elements

// Tests that a softmax before softmax_cross_entropy is found through a flatten.
// RUN: not kilnc %S/Inputs/softmax-before-flatten.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=SOFTMAX-FLATTEN
// SOFTMAX-FLATTEN: kilnc: error: {{.*}}softmax-before-flatten.json: /layers/1: layer "softmax_1": softmax_cross_entropy applies softmax itself

// Tests that duplicate keys are found after decoding escapes ("unit\u0073" is "units").
// RUN: not kilnc %S/Inputs/duplicate-key-escaped.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DUPKEY-ESC
// DUPKEY-ESC: kilnc: error: {{.*}}duplicate-key-escaped.json: duplicate key "units" at /layers/0/units

// Tests that deep nesting is refused before the recursive JSON parser sees it.
// RUN: not kilnc %S/Inputs/deep-nesting.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DEEP
// DEEP: kilnc: error: {{.*}}deep-nesting.json: invalid model: arrays and objects nested more than 64 deep

// Tests that --name must be a C identifier and the header may not overwrite the object.
// RUN: not kilnc %examples/fashion_mlp/model.json --emit=obj --name 'a b' -o %t.o 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: kilnc: error: --name 'a b' is not a C identifier ([A-Za-z_][A-Za-z0-9_]*)
// RUN: not kilnc %examples/fashion_mlp/model.json --emit=obj -o %t.h 2>&1 | FileCheck %s --check-prefix=HEADER
// HEADER: kilnc: error: the header would overwrite the object

// RUN: not kilnc %S/Inputs/dropout-rate.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DROPOUT-RATE
// DROPOUT-RATE: kilnc: error: {{.*}}Inputs/dropout-rate.json: /layers/1/rate: expected a number in [0, 1), got 1{{$}}

// RUN: not kilnc %S/Inputs/dropout-no-rate.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DROPOUT-NO-RATE
// DROPOUT-NO-RATE: kilnc: error: {{.*}}Inputs/dropout-no-rate.json: /layers/1: missing key "rate" (the probability of zeroing an element){{$}}

// RUN: not kilnc %S/Inputs/dropout-negative.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DROPOUT-NEGATIVE
// DROPOUT-NEGATIVE: kilnc: error: {{.*}}Inputs/dropout-negative.json: /layers/1/rate: expected a number in [0, 1), got -0.1{{$}}

// RUN: not kilnc %S/Inputs/optimizer-name.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=OPTIMIZER-NAME
// OPTIMIZER-NAME: kilnc: error: {{.*}}Inputs/optimizer-name.json: /layers/0/name: "optimizer" is reserved (checkpoints store optimizer state under it){{$}}
// RUN: not kilnc %S/Inputs/loss-name.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=LOSS-NAME
// LOSS-NAME: kilnc: error: {{.*}}Inputs/loss-name.json: /layers/0/name: "loss" is reserved (divergence reports name the loss by it){{$}}

// Tests that a conv2d kernel larger than its (padded) input is rejected, naming the layer, its input and the padding.
// RUN: not kilnc %S/Inputs/conv-kernel-too-large.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CONV-KERNEL
// CONV-KERNEL: kilnc: error: {{.*}}Inputs/conv-kernel-too-large.json: /layers/0: layer "conv2d_0": the 5x5 kernel does not fit its input [1, 4, 4] with padding [0, 0, 0, 0] [top, left, bottom, right]{{$}}

// Tests that dilation counts in the kernel's extent: 4 rows at dilation 3 span 10 > 6 + 2 padded rows.
// RUN: not kilnc %S/Inputs/conv-dilated-too-large.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CONV-DILATED
// CONV-DILATED: kilnc: error: {{.*}}Inputs/conv-dilated-too-large.json: /layers/0: layer "conv2d_0": the 4x4 kernel (dilation 3x1) does not fit its input [1, 6, 8] with padding [1, 1, 1, 1] [top, left, bottom, right]{{$}}

// Tests that conv2d's groups must divide the input channels (known only from the previous layer's shape).
// RUN: not kilnc %S/Inputs/conv-groups-channels.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CONV-GROUPS-CHANNELS
// CONV-GROUPS-CHANNELS: kilnc: error: {{.*}}Inputs/conv-groups-channels.json: /layers/0: layer "conv2d_0": groups (2) must divide the input channels (3){{$}}

// Tests that conv2d's groups must divide its filters (checked when the layer is read).
// RUN: not kilnc %S/Inputs/conv-groups-filters.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CONV-GROUPS-FILTERS
// CONV-GROUPS-FILTERS: kilnc: error: {{.*}}Inputs/conv-groups-filters.json: /layers/0/groups: groups (4) must divide filters (6){{$}}

// Tests that conv2d on a flat input says how to give the input its [channels, height, width].
// RUN: not kilnc %S/Inputs/conv-flat-input.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CONV-FLAT
// CONV-FLAT: kilnc: error: {{.*}}Inputs/conv-flat-input.json: /layers/0: layer "conv2d_0": conv2d expects [channels, height, width], got [784]; give the input shape [1, 28, 28] (a flat dataset of as many values feeds it){{$}}

// Tests that pooling needs [channels, height, width] too.
// RUN: not kilnc %S/Inputs/pool-2d-input.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=POOL-2D
// POOL-2D: kilnc: error: {{.*}}Inputs/pool-2d-input.json: /layers/0: layer "avg_pool2d_0": avg_pool2d expects [channels, height, width], got [28, 28]; give the input shape [1, 28, 28]{{$}}

// Tests that pooling padding must be smaller than the window, per side.
// RUN: not kilnc %S/Inputs/pool-padding.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=POOL-PADDING
// POOL-PADDING: kilnc: error: {{.*}}Inputs/pool-padding.json: /layers/0: layer "max_pool2d_0": padding [2, 1, 2, 1] [top, left, bottom, right] must be smaller than the 2x3 window{{$}}

// Tests that a pooling window larger than its input (here after a first pooling halved it) is rejected.
// RUN: not kilnc %S/Inputs/pool-window-too-large.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=POOL-WINDOW
// POOL-WINDOW: kilnc: error: {{.*}}Inputs/pool-window-too-large.json: /layers/1: layer "avg_pool2d_1": the 5x5 window does not fit its input [1, 4, 4] with padding [0, 0, 0, 0] [top, left, bottom, right]{{$}}

// Tests that an unknown key in a conv2d layer ("stride" for "strides") is an error listing conv2d's keys.
// RUN: not kilnc %S/Inputs/conv-unknown-key.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CONV-UNKNOWN-KEY
// CONV-UNKNOWN-KEY: kilnc: error: {{.*}}Inputs/conv-unknown-key.json: /layers/0/stride: unknown key (expected one of: type, name, trainable, filters, kernel_size, strides, padding, dilation, groups, use_bias, activation, kernel_init, bias_init, inputs, lr_scale, weight_decay, kernel_regularizer){{$}}

// Tests that global pools take no window: their window is the whole input.
// RUN: not kilnc %S/Inputs/pool-unknown-key.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=POOL-UNKNOWN-KEY
// POOL-UNKNOWN-KEY: kilnc: error: {{.*}}Inputs/pool-unknown-key.json: /layers/1/pool_size: unknown key (expected one of: type, name, trainable, inputs){{$}}

// RUN: not kilnc %S/Inputs/conv-no-filters.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CONV-NO-FILTERS
// CONV-NO-FILTERS: kilnc: error: {{.*}}Inputs/conv-no-filters.json: /layers/0: missing key "filters"{{$}}

// RUN: not kilnc %S/Inputs/conv-padding-value.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CONV-PADDING
// CONV-PADDING: kilnc: error: {{.*}}Inputs/conv-padding-value.json: /layers/0/padding: unknown value "full" (expected one of: valid, same){{$}}

// RUN: not kilnc %S/Inputs/conv-kernel-size.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CONV-KERNEL-SIZE
// CONV-KERNEL-SIZE: kilnc: error: {{.*}}Inputs/conv-kernel-size.json: /layers/0/kernel_size: expected a positive integer or [height, width], got [3,3,3]{{$}}

// Tests batch_norm's keys: an unknown key lists them; momentum in [0, 1]; epsilon in (0, 1]; affine a boolean.
// RUN: not kilnc %S/Inputs/bn-unknown-key.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=BN-UNKNOWN-KEY
// BN-UNKNOWN-KEY: kilnc: error: {{.*}}Inputs/bn-unknown-key.json: /layers/0/eps: unknown key (expected one of: type, name, trainable, momentum, epsilon, affine, inputs, lr_scale, weight_decay){{$}}
// RUN: not kilnc %S/Inputs/bn-momentum.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=BN-MOMENTUM
// BN-MOMENTUM: kilnc: error: {{.*}}Inputs/bn-momentum.json: /layers/0/momentum: expected a number in [0, 1], got 1.5{{$}}
// RUN: not kilnc %S/Inputs/bn-epsilon.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=BN-EPSILON
// BN-EPSILON: kilnc: error: {{.*}}Inputs/bn-epsilon.json: /layers/0/epsilon: expected a number in (0, 1], got 0{{$}}
// RUN: not kilnc %S/Inputs/bn-affine.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=BN-AFFINE
// BN-AFFINE: kilnc: error: {{.*}}Inputs/bn-affine.json: /layers/0/affine: expected true or false, got "yes"{{$}}

// Tests that batch_norm needs [features] or [channels, height, width] (here [28, 28]).
// RUN: not kilnc %S/Inputs/bn-input-shape.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=BN-SHAPE
// BN-SHAPE: kilnc: error: {{.*}}Inputs/bn-input-shape.json: /layers/0: layer "batch_norm_0": batch_norm expects [features] or [channels, height, width], got [28, 28]{{$}}

// Tests local_response_norm's keys: size is required and positive; alpha and beta in [0, 1e6], k in (0, 1e6], numbers.
// RUN: not kilnc %S/Inputs/lrn-no-size.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=LRN-NO-SIZE
// LRN-NO-SIZE: kilnc: error: {{.*}}Inputs/lrn-no-size.json: /layers/0: missing key "size" (the number of channels summed over){{$}}
// RUN: not kilnc %S/Inputs/lrn-size.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=LRN-SIZE
// LRN-SIZE: kilnc: error: {{.*}}Inputs/lrn-size.json: /layers/0/size: expected a positive integer, got 0{{$}}
// RUN: not kilnc %S/Inputs/lrn-alpha.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=LRN-ALPHA
// LRN-ALPHA: kilnc: error: {{.*}}Inputs/lrn-alpha.json: /layers/0/alpha: expected a number in [0, 1000000], got -1{{$}}
// RUN: not kilnc %S/Inputs/lrn-k.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=LRN-K
// LRN-K: kilnc: error: {{.*}}Inputs/lrn-k.json: /layers/0/k: expected a number in (0, 1000000], got 0{{$}}
// RUN: not kilnc %S/Inputs/lrn-beta.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=LRN-BETA
// LRN-BETA: kilnc: error: {{.*}}Inputs/lrn-beta.json: /layers/0/beta: expected a number in [0, 1000000], got "0.75"{{$}}
// RUN: not kilnc %S/Inputs/lrn-unknown-key.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=LRN-UNKNOWN-KEY
// LRN-UNKNOWN-KEY: kilnc: error: {{.*}}Inputs/lrn-unknown-key.json: /layers/0/bias: unknown key (expected one of: type, name, trainable, size, alpha, beta, k, inputs){{$}}

// Tests that local_response_norm needs [channels, height, width].
// RUN: not kilnc %S/Inputs/lrn-flat-input.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=LRN-FLAT
// LRN-FLAT: kilnc: error: {{.*}}Inputs/lrn-flat-input.json: /layers/0: layer "local_response_norm_0": local_response_norm expects [channels, height, width], got [48]{{$}}

// Tests the training section's losses: an unknown type lists the known ones; a loss object takes only its own keys (mae none, huber delta > 0, softmax_cross_entropy label_smoothing in [0, 1]).
// RUN: not kilnc %S/Inputs/loss-unknown.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=LOSS-UNKNOWN
// LOSS-UNKNOWN: kilnc: error: {{.*}}Inputs/loss-unknown.json: /training/loss: unknown value "hinge" (expected one of: softmax_cross_entropy, cross_entropy, mse, mae, huber, binary_cross_entropy, kl_divergence){{$}}
// RUN: not kilnc %S/Inputs/loss-unknown-key.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=LOSS-UNKNOWN-KEY
// LOSS-UNKNOWN-KEY: kilnc: error: {{.*}}Inputs/loss-unknown-key.json: /training/loss/delta: unknown key (expected one of: type){{$}}
// RUN: not kilnc %S/Inputs/huber-delta-zero.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=HUBER-DELTA
// HUBER-DELTA: kilnc: error: {{.*}}Inputs/huber-delta-zero.json: /training/loss/delta: expected a number in (0, 1000000], got 0{{$}}
// RUN: not kilnc %S/Inputs/label-smoothing.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=LABEL-SMOOTHING
// LABEL-SMOOTHING: kilnc: error: {{.*}}Inputs/label-smoothing.json: /training/loss/label_smoothing: expected a number in [0, 1], got 1.5{{$}}

// Tests that an optimizer takes only its own keys: an unknown one lists them (rmsprop has no beta1), and the flags belong to one optimizer each.
// RUN: not kilnc %S/Inputs/rmsprop-beta1.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=RMSPROP-BETA1
// RMSPROP-BETA1: kilnc: error: {{.*}}Inputs/rmsprop-beta1.json: /training/optimizer/beta1: unknown key for the rmsprop optimizer (expected one of: lr, alpha, eps, momentum, weight_decay, bias_weight_decay, centered){{$}}
// RUN: not kilnc %S/Inputs/adam-centered.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=ADAM-CENTERED
// ADAM-CENTERED: kilnc: error: {{.*}}Inputs/adam-centered.json: /training/optimizer/centered: only the rmsprop optimizer takes centered{{$}}
// RUN: not kilnc %S/Inputs/rmsprop-nesterov.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=RMSPROP-NESTEROV
// RMSPROP-NESTEROV: kilnc: error: {{.*}}Inputs/rmsprop-nesterov.json: /training/optimizer/nesterov: only the momentum optimizer takes nesterov{{$}}

// Tests gradient clipping: clip_norm and clip_value exclude each other, and each is positive.
// RUN: not kilnc %S/Inputs/clip-both.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CLIP-BOTH
// CLIP-BOTH: kilnc: error: {{.*}}Inputs/clip-both.json: /training/clip_value: give clip_norm or clip_value, not both{{$}}
// RUN: not kilnc %S/Inputs/clip-norm-negative.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CLIP-NEGATIVE
// CLIP-NEGATIVE: kilnc: error: {{.*}}Inputs/clip-norm-negative.json: /training/clip_norm: expected a number in (0, 1000000], got -1{{$}}

// Tests a layer's training keys: kernel_regularizer only on dense and conv2d, with l1 and/or l2 and nothing else;
// lr_scale (and the others) only on a layer with parameters; no kernel_regularizer on a frozen layer.
// RUN: not kilnc %S/Inputs/regularizer-batch-norm.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=REG-BN
// REG-BN: kilnc: error: {{.*}}Inputs/regularizer-batch-norm.json: /layers/1/kernel_regularizer: only dense and conv2d layers have a kernel to regularize{{$}}
// RUN: not kilnc %S/Inputs/regularizer-empty.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=REG-EMPTY
// REG-EMPTY: kilnc: error: {{.*}}Inputs/regularizer-empty.json: /layers/0/kernel_regularizer: expected {"l1": a, "l2": b} (either or both){{$}}
// RUN: not kilnc %S/Inputs/regularizer-unknown-key.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=REG-KEY
// REG-KEY: kilnc: error: {{.*}}Inputs/regularizer-unknown-key.json: /layers/0/kernel_regularizer/l3: unknown key (expected one of: l1, l2){{$}}
// RUN: not kilnc %S/Inputs/lr-scale-relu.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=LR-SCALE-RELU
// LR-SCALE-RELU: kilnc: error: {{.*}}Inputs/lr-scale-relu.json: /layers/1/lr_scale: unknown key (expected one of: type, name, trainable, inputs)

// Tests that the losses on logits find a sigmoid (binary_cross_entropy) or softmax already applied, looking back through in-place layers (here a dropout after the softmax).
// RUN: not kilnc %S/Inputs/bce-after-sigmoid.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=BCE-SIGMOID
// BCE-SIGMOID: kilnc: error: {{.*}}Inputs/bce-after-sigmoid.json: /layers/0: layer "dense_0": binary_cross_entropy applies sigmoid itself; remove this layer's sigmoid so the model outputs logits{{$}}
// RUN: not kilnc %S/Inputs/softmax-before-dropout.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=SOFTMAX-DROPOUT
// SOFTMAX-DROPOUT: kilnc: error: {{.*}}Inputs/softmax-before-dropout.json: /layers/1: layer "softmax_1": softmax_cross_entropy applies softmax itself; remove this layer's softmax so the model outputs logits{{$}}

// Tests that kl_divergence, a softmax loss, needs at least 2 classes.
// RUN: not kilnc %S/Inputs/kl-one-class.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=KL-ONE-CLASS
// KL-ONE-CLASS: kilnc: error: {{.*}}Inputs/kl-one-class.json: /layers/0: layer "dense_0": kl_divergence expects the last layer to output [classes] with at least 2 classes, got [1]{{$}}

// Tests that weight_decay on a batch_norm without affine parameters names the key.
// RUN: not kilnc %S/Inputs/lr-scale-bn-no-affine.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=BN-NO-AFFINE
// BN-NO-AFFINE: kilnc: error: {{.*}}Inputs/lr-scale-bn-no-affine.json: /layers/1/weight_decay: layer "batch_norm_1" has no parameters for weight_decay to apply to{{$}}

// Tests that metrics and monitors must fit the loss, and that the loop's settings are checked at compile time.
// RUN: not kilnc %S/Inputs/metric-auc-mse.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=METRIC-FIT
// METRIC-FIT: kilnc: error: {{.*}}Inputs/metric-auc-mse.json: /training/metrics/1: auc does not fit the loss: mse predicts values{{$}}
// RUN: not kilnc %S/Inputs/monitor-val-mae.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=MONITOR-FIT
// MONITOR-FIT: kilnc: error: {{.*}}Inputs/monitor-val-mae.json: /training/early_stopping/monitor: val_mae is not reported: softmax_cross_entropy predicts probabilities{{$}}
// RUN: not kilnc %S/Inputs/schedule-bad.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=SCHEDULE-KEY
// SCHEDULE-KEY: kilnc: error: {{.*}}Inputs/schedule-bad.json: /training/schedule/warmup: unknown key (expected one of: type, warmup_steps, min_lr){{$}}
// RUN: not kilnc %S/Inputs/augment-flat.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=AUGMENT-FLAT
// AUGMENT-FLAT: kilnc: error: {{.*}}Inputs/augment-flat.json: /training/augment: flip_horizontal and crop_padding need an image input [channels, height, width]; give /input/shape as one{{$}}
