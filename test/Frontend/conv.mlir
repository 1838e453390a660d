// Tests that conv2d and pooling layers become nn.conv2d, nn.max_pool2d and nn.avg_pool2d on [batch, channels, height, width].
// Each model is in Inputs/ (not run by lit): JSON has no comments for RUN lines.

// RUN: kilnc %S/Inputs/conv.json --compile-to=graph | FileCheck %s --check-prefix=GRAPH
// The layer summary: conv2d layers carry their activation; pooling layers
// have no parameters; a global pool's output is flat [channels].
// GRAPH: module attributes {kiln.layers = [{activation = "relu", flops = 3528 : i64, name = "conv2d_0", output_shape = [4, 7, 7], params = 36 : i64, trainable = true, type = "conv2d"},
// GRAPH-SAME: {activation = "linear", flops = 3600 : i64, name = "dw", output_shape = [8, 5, 5], params = 72 : i64, trainable = true, type = "conv2d"},
// GRAPH-SAME: {flops = 288 : i64, name = "max_pool2d_2", output_shape = [8, 3, 3], params = 0 : i64, trainable = true, type = "max_pool2d"},
// GRAPH-SAME: {flops = 648 : i64, name = "avg_pool2d_3", output_shape = [8, 3, 3], params = 0 : i64, trainable = true, type = "avg_pool2d"},
// GRAPH-SAME: {flops = 72 : i64, name = "global_max_pool2d_4", output_shape = [8], params = 0 : i64, trainable = true, type = "global_max_pool2d"},
// GRAPH-SAME: {activation = "linear", flops = 51 : i64, name = "dense_5", output_shape = [3], params = 27 : i64, trainable = true, type = "dense"}]
// The weights have PyTorch's Conv2d layout [filters, channels / groups, kh,
// kw]; fan_in is channels / groups x kh x kw, fan_out filters x kh x kw; the
// default kernel_init follows the activation, as for dense.
// GRAPH-LABEL: func.func @model
// GRAPH-SAME: (%[[X:[^:]+]]: tensor<2x1x13x13xf32> {kiln.input = {name = "x"}},
// GRAPH-SAME: %[[W0:[^:]+]]: tensor<4x1x4x2xf32> {kiln.param = {fan_in = 8 : i64, fan_out = 32 : i64, init = "he_uniform", name = "conv2d_0.weight", trainable = true}},
// GRAPH-SAME: %[[B0:[^:]+]]: tensor<4xf32> {kiln.param = {fan_in = 8 : i64, fan_out = 32 : i64, init = "zeros", name = "conv2d_0.bias", trainable = true}},
// GRAPH-SAME: %[[W1:[^:]+]]: tensor<8x1x3x3xf32> {kiln.param = {fan_in = 9 : i64, fan_out = 72 : i64, init = "uniform_fan_in", name = "dw.weight", trainable = true}},
// GRAPH-SAME: %{{[^:]+}}: tensor<3x8xf32> {kiln.param = {fan_in = 8 : i64, fan_out = 3 : i64, init = "glorot_uniform", name = "dense_5.weight", trainable = true}},
// "same" at stride 2 on 13 rows and columns: ceil(13 / 2) = 7 outputs, so
// (7 - 1) * 2 + 4 - 13 = 3 rows of padding (1 on top, the odd one at the
// bottom) for the 4-row kernel and (7 - 1) * 2 + 2 - 13 = 1 column (on the
// right) for the 2-column one: [top, left, bottom, right] = [1, 0, 2, 1].
// GRAPH: %[[C0:.+]] = nn.conv2d %[[X]], %[[W0]], %[[B0]] {padding = array<i64: 1, 0, 2, 1>, strides = array<i64: 2, 2>} : (tensor<2x1x13x13xf32>, tensor<4x1x4x2xf32>, tensor<4xf32>) -> tensor<2x4x7x7xf32>
// GRAPH-NEXT: %[[R0:.+]] = nn.relu %[[C0]] : tensor<2x4x7x7xf32>
// Explicit padding [ph, pw] pads both sides; no bias operand with "use_bias": false.
// GRAPH-NEXT: %[[C1:.+]] = nn.conv2d %[[R0]], %[[W1]] {dilation = array<i64: 2, 2>, groups = 4 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x4x7x7xf32>, tensor<8x1x3x3xf32>) -> tensor<2x8x5x5xf32>
// Pooling strides default to the window; "same" on 5 at stride 2: 1 at the bottom and right.
// GRAPH-NEXT: %[[P0:.+]] = nn.max_pool2d %[[C1]] {padding = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : tensor<2x8x5x5xf32> -> tensor<2x8x3x3xf32>
// GRAPH-NEXT: %[[P1:.+]] = nn.avg_pool2d %[[P0]] {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, window = array<i64: 3, 3>} : tensor<2x8x3x3xf32> -> tensor<2x8x3x3xf32>
// A global pool is a pool over the whole input, then a reshape to [batch, channels].
// GRAPH-NEXT: %[[P2:.+]] = nn.max_pool2d %[[P1]] {strides = array<i64: 1, 1>, window = array<i64: 3, 3>} : tensor<2x8x3x3xf32> -> tensor<2x8x1x1xf32>
// GRAPH-NEXT: %[[F:.+]] = nn.reshape %[[P2]] : tensor<2x8x1x1xf32> -> tensor<2x8xf32>
// GRAPH-NEXT: nn.dense %[[F]]

// Tests that global_avg_pool2d is an avg_pool2d over the whole [5, 4] input
// and a reshape, so a convolution and a global pool make a classifier
// without a dense layer; bias_init applies to the conv2d bias.
// RUN: kilnc %S/Inputs/global-avg-pool.json --compile-to=graph | FileCheck %s --check-prefix=GLOBAL-AVG
// GLOBAL-AVG-LABEL: func.func @model
// GLOBAL-AVG-SAME: (%[[X:[^:]+]]: tensor<4x2x5x4xf32> {kiln.input = {name = "x"}},
// GLOBAL-AVG-SAME: %[[W:[^:]+]]: tensor<3x2x1x1xf32> {kiln.param = {fan_in = 2 : i64, fan_out = 3 : i64, init = "glorot_uniform", name = "conv2d_0.weight", trainable = true}},
// GLOBAL-AVG-SAME: %[[B:[^:]+]]: tensor<3xf32> {kiln.param = {fan_in = 2 : i64, fan_out = 3 : i64, init = "uniform_fan_in", name = "conv2d_0.bias", trainable = true}}) -> tensor<4x3xf32>
// GLOBAL-AVG-NEXT: %[[C:.+]] = nn.conv2d %[[X]], %[[W]], %[[B]] : (tensor<4x2x5x4xf32>, tensor<3x2x1x1xf32>, tensor<3xf32>) -> tensor<4x3x5x4xf32>
// GLOBAL-AVG-NEXT: %[[P:.+]] = nn.avg_pool2d %[[C]] {strides = array<i64: 1, 1>, window = array<i64: 5, 4>} : tensor<4x3x5x4xf32> -> tensor<4x3x1x1xf32>
// GLOBAL-AVG-NEXT: %[[Y:.+]] = nn.reshape %[[P]] : tensor<4x3x1x1xf32> -> tensor<4x3xf32>
// GLOBAL-AVG-NEXT: return %[[Y]]

// Tests that the batch-1 entry points re-infer every conv and pooling type
// and that train_step differentiates through them.
// RUN: kilnc %S/Inputs/conv.json --compile-to=autodiff | FileCheck %s --check-prefix=AUTODIFF
// AUTODIFF-LABEL: func.func @train_step
// AUTODIFF-COUNT-4: optim.sgd
// AUTODIFF-LABEL: func.func @forward_1(
// AUTODIFF-SAME: tensor<1x1x13x13xf32> {kiln.input = {name = "x"}}
// AUTODIFF: nn.conv2d {{.*}} -> tensor<1x4x7x7xf32>
// AUTODIFF: nn.conv2d {{.*}} -> tensor<1x8x5x5xf32>
// AUTODIFF: nn.max_pool2d {{.*}} -> tensor<1x8x3x3xf32>
// AUTODIFF: nn.avg_pool2d {{.*}} -> tensor<1x8x3x3xf32>
// AUTODIFF: nn.max_pool2d {{.*}} -> tensor<1x8x1x1xf32>
// AUTODIFF: nn.reshape {{.*}} -> tensor<1x8xf32>

// Tests that every entry point lowers: no nn op is left at the linalg stage.
// RUN: kilnc %S/Inputs/conv.json --compile-to=linalg | FileCheck %s --check-prefix=LINALG --implicit-check-not=nn.
// LINALG-LABEL: func.func @train_step
// LINALG-LABEL: func.func @forward_1(

// Tests that the example CNN compiles to the end without runtime calls or allocations.
// RUN: kilnc %examples/fashion_cnn/model.json --compile-to=llvm | FileCheck %s --check-prefix=CNN --implicit-check-not=memrefCopy --implicit-check-not=malloc
// CNN: llvm.func internal @train_step(
// CNN: llvm.func internal @forward_1(
