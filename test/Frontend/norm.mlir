// Tests that batch_norm and local_response_norm layers become nn.batch_norm
// and nn.local_response_norm, and that batch_norm's running statistics and
// its counter of training batches (nn.count) are buffers: @model arguments (kiln.buffer, with their initializers) whose
// updates @model returns after the prediction (kiln.buffer_update), which
// train_step ties to them and the eval-mode entry points leave alone.
// The model is in Inputs/ (not run by lit): JSON has no comments for RUN lines.

// RUN: kilnc %S/Inputs/norm.json --compile-to=graph | FileCheck %s --check-prefix=GRAPH
// The layer summary: batch_norm's params are its weight and bias (8 for 4
// channels; none with "affine": false) and it records momentum and epsilon;
// local_response_norm has no parameters.
// GRAPH: module attributes {kiln.layers = [{activation = "linear", flops = 2304 : i64, name = "conv2d_0", output_shape = [4, 4, 4], params = 72 : i64, trainable = true, type = "conv2d"},
// GRAPH-SAME: {epsilon = 1.000000e-05 : f64, flops = 128 : i64, momentum = 1.000000e-01 : f64, name = "batch_norm_1", output_shape = [4, 4, 4], params = 8 : i64, trainable = true, type = "batch_norm"},
// GRAPH-SAME: {flops = 64 : i64, name = "relu_2", output_shape = [4, 4, 4], params = 0 : i64, trainable = true, type = "relu"},
// GRAPH-SAME: {flops = 640 : i64, name = "lrn", output_shape = [4, 4, 4], params = 0 : i64, trainable = true, type = "local_response_norm"},
// GRAPH-SAME: {flops = 768 : i64, name = "local_response_norm_4", output_shape = [4, 4, 4], params = 0 : i64, trainable = true, type = "local_response_norm"},
// GRAPH-SAME: {flops = 0 : i64, name = "flatten_5", output_shape = [64], params = 0 : i64, trainable = true, type = "flatten"},
// GRAPH-SAME: {activation = "linear", flops = 640 : i64, name = "dense_6", output_shape = [5], params = 320 : i64, trainable = true, type = "dense"},
// GRAPH-SAME: {epsilon = 1.000000e-03 : f64, flops = 10 : i64, momentum = 3.000000e-01 : f64, name = "bn", output_shape = [5], params = 0 : i64, trainable = false, type = "batch_norm"},
// Each batch_norm layer adds its buffers <name>.running_mean (zeros),
// <name>.running_var (ones) and <name>.num_batches_tracked (an i64 scalar,
// zeros), then (affine) the params <name>.weight (ones) and <name>.bias
// (zeros), all but the counter [channels] or [features].
// GRAPH-LABEL: func.func @model
// GRAPH-SAME: (%[[X:[^:]+]]: tensor<8x2x6x6xf32> {kiln.input = {name = "x"}},
// GRAPH-SAME: %[[W0:[^:]+]]: tensor<4x2x3x3xf32> {kiln.param = {{.*}} name = "conv2d_0.weight", trainable = true}},
// GRAPH-SAME: %[[M1:[^:]+]]: tensor<4xf32> {kiln.buffer = {init = "zeros", name = "batch_norm_1.running_mean"}},
// GRAPH-SAME: %[[V1:[^:]+]]: tensor<4xf32> {kiln.buffer = {init = "ones", name = "batch_norm_1.running_var"}},
// GRAPH-SAME: %[[N1:[^:]+]]: tensor<i64> {kiln.buffer = {init = "zeros", name = "batch_norm_1.num_batches_tracked"}},
// GRAPH-SAME: %[[G1:[^:]+]]: tensor<4xf32> {kiln.param = {{.*}} init = "ones", name = "batch_norm_1.weight", trainable = true}},
// GRAPH-SAME: %[[B1:[^:]+]]: tensor<4xf32> {kiln.param = {{.*}} init = "zeros", name = "batch_norm_1.bias", trainable = true}},
// GRAPH-SAME: %[[W6:[^:]+]]: tensor<5x64xf32> {kiln.param = {{.*}} name = "dense_6.weight", trainable = true}},
// GRAPH-SAME: %[[M7:[^:]+]]: tensor<5xf32> {kiln.buffer = {init = "zeros", name = "bn.running_mean"}},
// GRAPH-SAME: %[[V7:[^:]+]]: tensor<5xf32> {kiln.buffer = {init = "ones", name = "bn.running_var"}},
// GRAPH-SAME: %[[N7:[^:]+]]: tensor<i64> {kiln.buffer = {init = "zeros", name = "bn.num_batches_tracked"}},
// GRAPH-SAME: %{{[^:]+}}: tensor<3x5xf32> {kiln.param = {{.*}} name = "dense_8.weight", trainable = true}},
// GRAPH-SAME: -> (tensor<8x3xf32>, tensor<4xf32> {kiln.buffer_update = "batch_norm_1.running_mean"}, tensor<4xf32> {kiln.buffer_update = "batch_norm_1.running_var"},
// GRAPH-SAME: tensor<i64> {kiln.buffer_update = "batch_norm_1.num_batches_tracked"},
// GRAPH-SAME: tensor<5xf32> {kiln.buffer_update = "bn.running_mean"}, tensor<5xf32> {kiln.buffer_update = "bn.running_var"},
// GRAPH-SAME: tensor<i64> {kiln.buffer_update = "bn.num_batches_tracked"})
// GRAPH: %[[C:.+]] = nn.conv2d %[[X]], %[[W0]]
// Defaults (momentum 0.1, epsilon 1e-5) are not printed; no mode yet.
// GRAPH-NEXT: %[[Y1:[^,]+]], %[[NM1:[^,]+]], %[[NV1:[^ ]+]] = nn.batch_norm %[[C]], %[[M1]], %[[V1]] weight %[[G1]] bias %[[B1]] : (tensor<8x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<8x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>)
// GRAPH-NEXT: %[[NN1:.+]] = nn.count %[[N1]] : tensor<i64>
// GRAPH-NEXT: %[[R:.+]] = nn.relu %[[Y1]]
// GRAPH-NEXT: %[[L1:.+]] = nn.local_response_norm %[[R]] {alpha = 1.000000e-03 : f64, beta = 5.000000e-01 : f64, k = 2.000000e+00 : f64, size = 3 : i64} : tensor<8x4x4x4xf32>
// local_response_norm's defaults: alpha 1e-4, beta 0.75, k 1 (not printed).
// GRAPH-NEXT: %[[L2:.+]] = nn.local_response_norm %[[L1]] {size = 4 : i64} : tensor<8x4x4x4xf32>
// GRAPH-NEXT: %[[F:.+]] = nn.reshape %[[L2]]
// GRAPH-NEXT: %[[D:.+]] = nn.dense %[[F]], %[[W6]]
// "affine": false: no weight or bias operands.
// GRAPH-NEXT: %[[Y7:[^,]+]], %[[NM7:[^,]+]], %[[NV7:[^ ]+]] = nn.batch_norm %[[D]], %[[M7]], %[[V7]] {epsilon = 1.000000e-03 : f64, momentum = 3.000000e-01 : f64} : (tensor<8x5xf32>, tensor<5xf32>, tensor<5xf32>) -> (tensor<8x5xf32>, tensor<5xf32>, tensor<5xf32>)
// GRAPH-NEXT: %[[NN7:.+]] = nn.count %[[N7]] : tensor<i64>
// GRAPH-NEXT: %[[OUT:.+]] = nn.dense %[[Y7]]
// GRAPH-NEXT: return %[[OUT]], %[[NM1]], %[[NV1]], %[[NN1]], %[[NM7]], %[[NV7]], %[[NN7]]

// RUN: kilnc %S/Inputs/norm.json  --compile-to=autodiff --no-check-step | FileCheck %s --check-prefix=ENTRY
// train_step: params, then buffers; batch_norm in training mode; the
// parameters' updates, then the buffers' (the frozen, affine-less "bn"
// included: a frozen layer's running statistics still follow the batches,
// as in PyTorch's train()).
// ENTRY-LABEL: func.func @train_step
// ENTRY-SAME: %[[M1:[^:]+]]: tensor<4xf32> {kiln.buffer = {init = "zeros", name = "batch_norm_1.running_mean"}}, %[[V1:[^:]+]]: tensor<4xf32> {kiln.buffer = {init = "ones", name = "batch_norm_1.running_var"}},
// ENTRY-SAME: %[[N1:[^:]+]]: tensor<i64> {kiln.buffer = {init = "zeros", name = "batch_norm_1.num_batches_tracked"}},
// ENTRY-SAME: %[[M7:[^:]+]]: tensor<5xf32> {kiln.buffer = {init = "zeros", name = "bn.running_mean"}}, %[[V7:[^:]+]]: tensor<5xf32> {kiln.buffer = {init = "ones", name = "bn.running_var"}},
// ENTRY-SAME: %[[N7:[^:]+]]: tensor<i64> {kiln.buffer = {init = "zeros", name = "bn.num_batches_tracked"}},
// ENTRY-SAME: tensor<3xf32> {kiln.tied = 5 : i64}, tensor<4xf32> {kiln.tied = 6 : i64}, tensor<4xf32> {kiln.tied = 7 : i64}, tensor<i64> {kiln.tied = 8 : i64}, tensor<5xf32> {kiln.tied = 9 : i64}, tensor<5xf32> {kiln.tied = 10 : i64}, tensor<i64> {kiln.tied = 11 : i64})
// ENTRY: %{{[^,]+}}, %[[NM1:[^,]+]], %[[NV1:[^ ]+]] = nn.batch_norm %{{.+}}, %[[M1]], %[[V1]] weight %{{.+}} bias %{{.+}} {training}
// ENTRY: %[[NN1:.+]] = nn.count %[[N1]] {training} : tensor<i64>
// ENTRY: %{{[^,]+}}, %[[NM7:[^,]+]], %[[NV7:[^ ]+]] = nn.batch_norm %{{.+}}, %[[M7]], %[[V7]] {epsilon = 1.000000e-03 : f64, momentum = 3.000000e-01 : f64, training}
// ENTRY: %[[NN7:.+]] = nn.count %[[N7]] {training} : tensor<i64>
// ENTRY: return {{.*}}, %[[NM1]], %[[NV1]], %[[NN1]], %[[NM7]], %[[NV7]], %[[NN7]] :
// Eval mode: the buffers are read, batch_norm has no `training`, nothing is
// tied, and nn.count folds away.
// ENTRY-LABEL: func.func @eval_step
// ENTRY-SAME: {kiln.buffer = {init = "ones", name = "bn.running_var"}}
// ENTRY-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<8x3xf32> {kiln.output = {kind = "probabilities", name = "prediction"}})
// ENTRY-NOT: training
// ENTRY-NOT: nn.count
// ENTRY-LABEL: func.func @eval_step_1
// ENTRY-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<1x3xf32> {kiln.output = {kind = "probabilities", name = "prediction"}})
// ENTRY-NOT: training
// ENTRY-LABEL: func.func @forward
// ENTRY-SAME: {kiln.buffer = {init = "ones", name = "bn.running_var"}}
// ENTRY-SAME: -> (tensor<8x3xf32> {kiln.output = {kind = "probabilities", name = "prediction"}})
// ENTRY-NOT: training
// ENTRY-LABEL: func.func @forward_1
// ENTRY: nn.batch_norm {{.*}} : (tensor<1x4x4x4xf32>,
// ENTRY-NOT: training
