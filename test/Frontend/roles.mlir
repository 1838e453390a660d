// Tests the roles the JSON frontend puts on @model and @loss, frozen layers ("trainable": false, --freeze) and inference-only models ("training": false, --inference).
// Each model is in Inputs/ (not run by lit): JSON has no comments for RUN lines.

// Tests that a layer with "trainable": false gives its parameters trainable = false, in the IR and in the layer summary, and the other layers' stay true.
// RUN: kilnc %S/Inputs/frozen-layer.json --compile-to=graph | FileCheck %s --check-prefix=FROZEN
// Tests that --freeze NAME gives the same module as "trainable": false in the file.
// RUN: kilnc %S/Inputs/two-layers.json --freeze body --compile-to=graph | FileCheck %s --check-prefix=FROZEN
// FROZEN: module attributes {kiln.layers = [{activation = "tanh", flops = 112 : i64, name = "body", output_shape = [8], params = 56 : i64, trainable = false, type = "dense"},
// FROZEN-SAME: {activation = "linear", flops = 51 : i64, name = "head", output_shape = [3], params = 27 : i64, trainable = true, type = "dense"}],
// FROZEN-SAME: kiln.name = "two_layers", kiln.optimizer = {lr = 1.000000e-01 : f64, momentum = 9.000000e-01 : f64, nesterov = false, type = "momentum", weight_decay = 0.000000e+00 : f64},
// FROZEN-SAME: kiln.training = {batch_size = 4 : i64, epochs = 1 : i64, loss = "mse", metrics = [], seed = 0 : i64, shuffle = true, validation_split = 0 : i64}}
// FROZEN-LABEL: func.func @model
// FROZEN-SAME: (%[[X:[^:]+]]: tensor<4x6xf32> {kiln.input = {name = "x"}},
// FROZEN-SAME: %[[W0:[^:]+]]: tensor<8x6xf32> {kiln.param = {fan_in = 6 : i64, fan_out = 8 : i64, init = "glorot_uniform", name = "body.weight", trainable = false}},
// FROZEN-SAME: %[[B0:[^:]+]]: tensor<8xf32> {kiln.param = {fan_in = 6 : i64, fan_out = 8 : i64, init = "zeros", name = "body.bias", trainable = false}},
// FROZEN-SAME: %[[W1:[^:]+]]: tensor<3x8xf32> {kiln.param = {fan_in = 8 : i64, fan_out = 3 : i64, init = "glorot_uniform", name = "head.weight", trainable = true}},
// FROZEN-SAME: %[[B1:[^:]+]]: tensor<3xf32> {kiln.param = {fan_in = 8 : i64, fan_out = 3 : i64, init = "zeros", name = "head.bias", trainable = true}}) -> tensor<4x3xf32>
// FROZEN-NEXT: %[[H:.+]] = nn.dense %[[X]], %[[W0]], %[[B0]] : (tensor<4x6xf32>, tensor<8x6xf32>, tensor<8xf32>) -> tensor<4x8xf32>
// FROZEN-NEXT: %[[T:.+]] = nn.tanh %[[H]] : tensor<4x8xf32>
// FROZEN-NEXT: %[[P:.+]] = nn.dense %[[T]], %[[W1]], %[[B1]] : (tensor<4x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<4x3xf32>
// FROZEN-NEXT: return %[[P]]
// FROZEN-LABEL: func.func @loss
// FROZEN-SAME: (%{{[^:]+}}: tensor<4x3xf32>, %{{[^:]+}}: tensor<4x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32>

// Tests that the frozen layer gets no optimizer state and no update: train_step updates the head only.
// RUN: kilnc %S/Inputs/two-layers.json --freeze body --compile-to=autodiff | FileCheck %s --check-prefix=FROZEN-AD
// FROZEN-AD-LABEL: func.func @train_step
// FROZEN-AD-NOT: kiln.state = {param = "body
// FROZEN-AD-SAME: {kiln.state = {param = "head.weight", slot = "momentum_buffer"}}
// FROZEN-AD-SAME: {kiln.state = {param = "head.bias", slot = "momentum_buffer"}}
// FROZEN-AD-NOT: kiln.state = {param = "body
// FROZEN-AD-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<4x3xf32> {kiln.output = {kind = "values", name = "prediction"}},
// FROZEN-AD-SAME: tensor<3x8xf32> {kiln.tied = 2 : i64}, tensor<3x8xf32> {kiln.tied = 4 : i64}, tensor<3xf32> {kiln.tied = 3 : i64}, tensor<3xf32> {kiln.tied = 5 : i64})
// FROZEN-AD-COUNT-2: optim.momentum
// FROZEN-AD-NOT: optim.
// FROZEN-AD-LABEL: func.func @eval_step(

// Tests that --freeze names an existing layer, and the error lists the layers.
// RUN: not kilnc %S/Inputs/two-layers.json --freeze body,nosuch --compile-to=graph 2>&1 | FileCheck %s --check-prefix=NO-LAYER
// NO-LAYER: kilnc: error: --freeze: {{.*}}Inputs/two-layers.json has no layer "nosuch" (layers: body, head)

// Tests that freezing every layer of a training model is an error that suggests compiling for inference.
// RUN: not kilnc %S/Inputs/two-layers.json --freeze head,body --compile-to=graph 2>&1 | FileCheck %s --check-prefix=ALL-FROZEN
// ALL-FROZEN: kilnc: error: {{.*}}Inputs/two-layers.json: /layers: the model has no trainable parameters; compile it for inference ("training": false)

// Tests that "training": false gives an inference-only module: @model with its roles, no @loss, no optimizer and no training defaults.
// RUN: kilnc %S/Inputs/inference.json --batch-size=4 --compile-to=graph | FileCheck %s --check-prefix=INFER
// Tests that --inference gives the same module from a file with a training section.
// RUN: kilnc %S/Inputs/two-layers.json --inference --compile-to=graph | FileCheck %s --check-prefix=INFER
// INFER: module attributes {kiln.layers = [{activation = "tanh", flops = 112 : i64, name = "body", output_shape = [8], params = 56 : i64, trainable = true, type = "dense"},
// INFER-SAME: {activation = "linear", flops = 51 : i64, name = "head", output_shape = [3], params = 27 : i64, trainable = true, type = "dense"}], kiln.name = "two_layers"} {
// INFER-NEXT: func.func @model
// INFER-SAME: (%{{[^:]+}}: tensor<4x6xf32> {kiln.input = {name = "x"}},
// INFER-SAME: {kiln.param = {fan_in = 6 : i64, fan_out = 8 : i64, init = "glorot_uniform", name = "body.weight", trainable = true}},
// INFER-SAME: -> tensor<4x3xf32>
// INFER-NOT: func.func
// INFER-NOT: kiln.target

// Tests that an inference-only model compiles to forward and forward_1 alone.
// RUN: kilnc %S/Inputs/inference.json --compile-to=autodiff | FileCheck %s --check-prefix=INFER-AD --implicit-check-not=func.func --implicit-check-not=optim. --implicit-check-not=kiln.state
// INFER-AD: func.func @forward(
// INFER-AD-SAME: %{{[^:]+}}: tensor<32x6xf32> {kiln.input = {name = "x"}}) -> (tensor<32x3xf32> {kiln.output = {kind = "values", name = "prediction"}})
// INFER-AD-SAME: attributes {kiln.entry = {batch = 32 : i64, mode = "eval", name = "forward"}}
// INFER-AD: func.func @forward_1(
// INFER-AD-SAME: %{{[^:]+}}: tensor<1x6xf32> {kiln.input = {name = "x"}}) -> (tensor<1x3xf32> {kiln.output = {kind = "values", name = "prediction"}})
// INFER-AD-SAME: attributes {kiln.entry = {batch = 1 : i64, mode = "eval", name = "forward_1"}}

// Tests that the inference-only model's ABI has forward, forward_1 and prepare (the two weights transposed once, not on every call) and null train_step, eval_step, eval_step_1 and check_step, and its manifest no state, targets or training.
// RUN: kilnc %S/Inputs/inference.json --compile-to=llvm | FileCheck %s --check-prefix=INFER-LLVM --implicit-check-not=@kiln_model_train_step --implicit-check-not=@kiln_model_eval_step
// INFER-LLVM: llvm.func @kiln_model_forward(
// INFER-LLVM: llvm.func @kiln_model_forward_1(
// INFER-LLVM: llvm.func @kiln_model_prepare(
// INFER-LLVM: @kiln_model_manifest_text("{\22abi_version\22:3,\22batch_size\22:32,\22buffers\22:[],
// INFER-LLVM-SAME: \22derived\22:[{\22dtype\22:\22f32\22,\22name\22:\22derived.0\22,\22shape\22:[6,8]},{\22dtype\22:\22f32\22,\22name\22:\22derived.1\22,\22shape\22:[8,3]}],
// INFER-LLVM-SAME: \22entry_points\22:[{\22batch\22:32,\22mode\22:\22eval\22,\22name\22:\22forward\22,\22workspace_bytes\22:{{[0-9]+}}},{\22batch\22:1,\22mode\22:\22eval\22,\22name\22:\22forward_1\22,\22workspace_bytes\22:{{[0-9]+}}},{\22batch\22:1,\22mode\22:\22eval\22,\22name\22:\22prepare\22,\22workspace_bytes\22:{{[0-9]+}}}],
// INFER-LLVM-SAME: \22name\22:\22two_layers\22,\22outputs\22:
// INFER-LLVM-SAME: \22state\22:[],\22targets\22:[]}\00")
// INFER-LLVM: llvm.mlir.global internal constant @kiln_model_api()
// INFER-LLVM-DAG: %[[F1:.+]] = llvm.mlir.addressof @kiln_model_forward_1 : !llvm.ptr
// INFER-LLVM-DAG: %[[F:.+]] = llvm.mlir.addressof @kiln_model_forward : !llvm.ptr
// INFER-LLVM-DAG: %[[P:.+]] = llvm.mlir.addressof @kiln_model_prepare : !llvm.ptr
// INFER-LLVM-DAG: %[[NULL:.+]] = llvm.mlir.zero : !llvm.ptr
// INFER-LLVM-DAG: %[[M:.+]] = llvm.mlir.addressof @kiln_model_manifest : !llvm.ptr
// INFER-LLVM: %[[A0:.+]] = llvm.insertvalue %[[M]], %{{.+}}[0]
// INFER-LLVM-NEXT: %[[A1:.+]] = llvm.insertvalue %[[NULL]], %[[A0]][1]
// INFER-LLVM-NEXT: %[[A2:.+]] = llvm.insertvalue %[[NULL]], %[[A1]][2]
// INFER-LLVM-NEXT: %[[A3:.+]] = llvm.insertvalue %[[NULL]], %[[A2]][3]
// INFER-LLVM-NEXT: %[[A4:.+]] = llvm.insertvalue %[[F]], %[[A3]][4]
// INFER-LLVM-NEXT: %[[A5:.+]] = llvm.insertvalue %[[F1]], %[[A4]][5]
// INFER-LLVM-NEXT: %[[A6:.+]] = llvm.insertvalue %[[NULL]], %[[A5]][6]
// INFER-LLVM-NEXT: %[[A7:.+]] = llvm.insertvalue %[[P]], %[[A6]][7]
// INFER-LLVM-NEXT: llvm.return %[[A7]]

// Tests that --inference on a softmax cross-entropy model predicts what its
// training build predicts: @model ends in softmax (the loss would have applied
// it) and the output is probabilities; "training": false (no loss) does not.
// RUN: kilnc %S/Inputs/classifier.json --inference --compile-to=graph | FileCheck %s --check-prefix=INFER-CE
// INFER-CE: func.func @model({{.*}}) -> tensor<4x3xf32> attributes {kiln.probabilities} {
// INFER-CE: %[[LOGITS:.+]] = nn.dense %{{.+}} -> tensor<4x3xf32>
// INFER-CE-NEXT: %[[P:.+]] = nn.softmax %[[LOGITS]] : tensor<4x3xf32>
// INFER-CE-NEXT: return %[[P]]
// RUN: kilnc %S/Inputs/classifier.json --inference --compile-to=autodiff | FileCheck %s --check-prefix=INFER-CE-AD
// INFER-CE-AD: func.func @forward({{.*}}-> (tensor<4x3xf32> {kiln.output = {kind = "probabilities", name = "prediction"}})
// INFER-CE-AD-COUNT-1: nn.softmax
// INFER-CE-AD: func.func @forward_1({{.*}}-> (tensor<1x3xf32> {kiln.output = {kind = "probabilities", name = "prediction"}})
// RUN: kilnc %S/Inputs/inference.json --compile-to=graph | FileCheck %s --check-prefix=INFER-NO-LOSS
// INFER-NO-LOSS-NOT: nn.softmax
// INFER-NO-LOSS-NOT: kiln.probabilities
