// Tests graph-form model files: "inputs", "output", int32 token ids and the sequence and merge layers, and the errors that name their layers.
// The models are in Inputs/ (not run by lit): JSON has no comments for RUN lines.

// Tests that a graph model (token and position embeddings, a residual add, a gate, a side branch joined by concat,
// two pools over time, concat) becomes nn ops in dependency order, on an i32 input.
// RUN: kilnc %S/Inputs/graph.json --compile-to=graph | FileCheck %s --check-prefix=GRAPH
// The layer summary lists "inputs" where the file gives them; dense on [steps, features] counts every step.
// GRAPH: module attributes {kiln.layers = [{flops = 0 : i64, name = "tok", output_shape = [6, 8], params = 400 : i64, trainable = true, type = "embedding"},
// GRAPH-SAME: {flops = 48 : i64, name = "pos", output_shape = [6, 8], params = 80 : i64, trainable = true, type = "position_embedding"},
// GRAPH-SAME: {flops = 384 : i64, name = "ln", output_shape = [6, 8], params = 16 : i64, trainable = true, type = "layer_norm"},
// GRAPH-SAME: {activation = "gelu", flops = 864 : i64, name = "ffn", output_shape = [6, 8], params = 72 : i64, trainable = true, type = "dense"},
// GRAPH-SAME: {flops = 48 : i64, inputs = ["ln", "ffn"], name = "res", output_shape = [6, 8], params = 0 : i64, trainable = true, type = "add"},
// GRAPH-SAME: {flops = 48 : i64, inputs = ["res", "ffn"], name = "gate", output_shape = [6, 8], params = 0 : i64, trainable = true, type = "multiply"},
// GRAPH-SAME: {activation = "linear", flops = 408 : i64, inputs = ["ln"], name = "side", output_shape = [6, 4], params = 36 : i64, trainable = true, type = "dense"},
// GRAPH-SAME: {flops = 0 : i64, inputs = ["gate", "side"], name = "cat", output_shape = [6, 12], params = 0 : i64, trainable = true, type = "concat"},
// GRAPH-SAME: {flops = 72 : i64, inputs = ["cat"], name = "avg", output_shape = [12], params = 0 : i64, trainable = true, type = "global_avg_pool1d"},
// GRAPH-SAME: {flops = 72 : i64, inputs = ["cat"], name = "max", output_shape = [12], params = 0 : i64, trainable = true, type = "global_max_pool1d"},
// GRAPH-SAME: {flops = 0 : i64, inputs = ["avg", "max"], name = "pooled", output_shape = [24], params = 0 : i64, trainable = true, type = "concat"},
// GRAPH-SAME: {activation = "linear", flops = 147 : i64, name = "head", output_shape = [3], params = 75 : i64, trainable = true, type = "dense"}]
// The ids are i32 [batch, steps]; the input records the embedding's vocabulary (the runtime checks ids against it).
// Embedding tables start from a normal distribution, layer_norm's weight from ones and its bias from zeros.
// GRAPH-LABEL: func.func @model
// GRAPH-SAME: (%[[X:[^:]+]]: tensor<2x6xi32> {kiln.input = {name = "x", vocab_size = 50 : i64}},
// GRAPH-SAME: %[[TOK:[^:]+]]: tensor<50x8xf32> {kiln.param = {fan_in = 50 : i64, fan_out = 8 : i64, init = "normal", name = "tok.weight", trainable = true}},
// GRAPH-SAME: %[[POS:[^:]+]]: tensor<10x8xf32> {kiln.param = {fan_in = 10 : i64, fan_out = 8 : i64, init = "normal", name = "pos.weight", trainable = true}},
// GRAPH-SAME: %[[LNW:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} init = "ones", name = "ln.weight", trainable = true}},
// GRAPH-SAME: %[[LNB:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} init = "zeros", name = "ln.bias", trainable = true}},
// GRAPH-SAME: %[[FW:[^:]+]]: tensor<8x8xf32> {kiln.param = {{.*}} name = "ffn.weight", trainable = true}},
// GRAPH-SAME: %[[FB:[^:]+]]: tensor<8xf32> {kiln.param = {{.*}} name = "ffn.bias", trainable = true}},
// GRAPH-SAME: %[[SW:[^:]+]]: tensor<4x8xf32> {kiln.param = {{.*}} name = "side.weight", trainable = true}},
// GRAPH-SAME: %[[SB:[^:]+]]: tensor<4xf32> {kiln.param = {{.*}} name = "side.bias", trainable = true}},
// GRAPH-SAME: %[[HW:[^:]+]]: tensor<3x24xf32> {kiln.param = {{.*}} name = "head.weight", trainable = true}},
// GRAPH-SAME: %[[HB:[^:]+]]: tensor<3xf32> {kiln.param = {{.*}} name = "head.bias", trainable = true}}) -> tensor<2x3xf32>
// GRAPH-NEXT: %[[E:.+]] = nn.embedding %[[X]], %[[TOK]] : (tensor<2x6xi32>, tensor<50x8xf32>) -> tensor<2x6x8xf32>
// GRAPH-NEXT: %[[P:.+]] = nn.position_embedding %[[E]], %[[POS]] : tensor<2x6x8xf32>, tensor<10x8xf32>
// GRAPH-NEXT: %[[LN:.+]] = nn.layer_norm %[[P]] weight %[[LNW]] bias %[[LNB]] {epsilon = 1.000000e-03 : f64} : (tensor<2x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x6x8xf32>
// GRAPH-NEXT: %[[F:.+]] = nn.dense %[[LN]], %[[FW]], %[[FB]] : (tensor<2x6x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<2x6x8xf32>
// GRAPH-NEXT: %[[G:.+]] = nn.gelu %[[F]] : tensor<2x6x8xf32>
// GRAPH-NEXT: %[[RES:.+]] = nn.add %[[LN]], %[[G]] : tensor<2x6x8xf32>
// GRAPH-NEXT: %[[GATE:.+]] = nn.multiply %[[RES]], %[[G]] : tensor<2x6x8xf32>
// GRAPH-NEXT: %[[SIDE:.+]] = nn.dense %[[LN]], %[[SW]], %[[SB]] : (tensor<2x6x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x6x4xf32>
// "axis": -1 is the last axis of [batch, steps, features].
// GRAPH-NEXT: %[[CAT:.+]] = nn.concat %[[GATE]], %[[SIDE]] {axis = 2 : i64} : (tensor<2x6x8xf32>, tensor<2x6x4xf32>) -> tensor<2x6x12xf32>
// GRAPH-NEXT: %[[AVG:.+]] = nn.reduce_mean %[[CAT]] {axis = 1 : i64} : tensor<2x6x12xf32> -> tensor<2x12xf32>
// GRAPH-NEXT: %[[MAX:.+]] = nn.reduce_max %[[CAT]] {axis = 1 : i64} : tensor<2x6x12xf32> -> tensor<2x12xf32>
// GRAPH-NEXT: %[[POOLED:.+]] = nn.concat %[[AVG]], %[[MAX]] {axis = 1 : i64} : (tensor<2x12xf32>, tensor<2x12xf32>) -> tensor<2x24xf32>
// GRAPH-NEXT: %[[OUT:.+]] = nn.dense %[[POOLED]], %[[HW]], %[[HB]] : (tensor<2x24xf32>, tensor<3x24xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// GRAPH-NEXT: return %[[OUT]] : tensor<2x3xf32>

// Tests that every op of the graph has a gradient: train_step takes the i32 ids and updates all ten parameters,
// the tables included.
// RUN: kilnc %S/Inputs/graph.json --compile-to=autodiff | FileCheck %s --check-prefix=AUTODIFF
// AUTODIFF-LABEL: func.func @train_step
// AUTODIFF-SAME: tensor<2x6xi32> {kiln.input = {name = "x"
// AUTODIFF: optim.adam %{{.+}} : tensor<50x8xf32>, f32
// AUTODIFF-NEXT: optim.adam %{{.+}} : tensor<10x8xf32>, f32
// AUTODIFF-COUNT-8: optim.adam
// AUTODIFF-NOT: optim.adam
// AUTODIFF-LABEL: func.func @eval_step

// Tests that the graph lowers completely.
// RUN: kilnc %S/Inputs/graph.json --compile-to=linalg | FileCheck %s --check-prefix=LINALG --implicit-check-not=nn.
// LINALG-LABEL: func.func @train_step
// LINALG: math.erf

// Tests that layers may come in any file order: "output" names the first layer, which reads one listed after it.
// The layers are built, and summarized, in dependency order, so their parameters come in that order too.
// RUN: kilnc %S/Inputs/graph-order.json --compile-to=graph | FileCheck %s --check-prefix=ORDER
// ORDER: module attributes {kiln.layers = [{activation = "linear", flops = 24 : i64, inputs = ["input"], name = "body", output_shape = [3], params = 12 : i64, trainable = true, type = "dense"},
// ORDER-SAME: {activation = "linear", flops = 12 : i64, inputs = ["body"], name = "head", output_shape = [2], params = 6 : i64, trainable = true, type = "dense"}]
// ORDER-LABEL: func.func @model
// ORDER-SAME: (%[[X:[^:]+]]: tensor<2x4xf32> {kiln.input = {name = "x"}},
// ORDER-SAME: %[[BW:[^:]+]]: tensor<3x4xf32> {kiln.param = {{.*}} name = "body.weight"
// ORDER-SAME: %[[HW:[^:]+]]: tensor<2x3xf32> {kiln.param = {{.*}} name = "head.weight"
// ORDER-NEXT: %[[B:.+]] = nn.dense %[[X]], %[[BW]]
// ORDER-NEXT: %[[H:.+]] = nn.dense %[[B]], %[[HW]]
// ORDER-NEXT: return %[[H]] : tensor<2x2xf32>

// Tests that an input naming no layer is an error naming the layer and the name.
// RUN: not kilnc %S/Inputs/graph-unknown-input.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=UNKNOWN-INPUT
// UNKNOWN-INPUT: kilnc: error: {{.*}}Inputs/graph-unknown-input.json: /layers/1: layer "sum": input "b" names no layer (nor "input", the model's input){{$}}

// Tests that a cycle is an error spelling it out, from the first layer that waits on it.
// RUN: not kilnc %S/Inputs/graph-cycle.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CYCLE
// CYCLE: kilnc: error: {{.*}}Inputs/graph-cycle.json: /layers/1: layer "b": the inputs form a cycle: "b" reads "d" reads "c" reads "b"{{$}}

// Tests that a layer reading itself is a cycle.
// RUN: not kilnc %S/Inputs/graph-self-input.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=SELF
// SELF: kilnc: error: {{.*}}Inputs/graph-self-input.json: /layers/0: layer "a": the inputs form a cycle: "a" reads "a"{{$}}

// Tests that a branch nobody reads is an error (its parameters would never train).
// RUN: not kilnc %S/Inputs/graph-unused.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=UNUSED
// UNUSED: kilnc: error: {{.*}}Inputs/graph-unused.json: /layers/1: layer "branch": its output is never used: no layer reads it and it is not the model's output ("head", the last layer){{$}}

// Tests that with "output" naming a middle layer, the layers after it are unused.
// RUN: not kilnc %S/Inputs/graph-output-unused.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=OUTPUT-UNUSED
// OUTPUT-UNUSED: kilnc: error: {{.*}}Inputs/graph-output-unused.json: /layers/1: layer "head": its output is never used: no layer reads it and it is not the model's output ("body"){{$}}

// Tests that "output" must name a layer.
// RUN: not kilnc %S/Inputs/graph-unknown-output.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=UNKNOWN-OUTPUT
// UNKNOWN-OUTPUT: kilnc: error: {{.*}}Inputs/graph-unknown-output.json: /output: "logits" names no layer{{$}}

// Tests that "input" is not a layer name: "inputs" uses it for the model's input.
// RUN: not kilnc %S/Inputs/graph-layer-named-input.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=NAMED-INPUT
// NAMED-INPUT: kilnc: error: {{.*}}Inputs/graph-layer-named-input.json: /layers/0/name: "input" is reserved ("inputs" names the model's input by it){{$}}

// Tests that "inputs" is not an empty array.
// RUN: not kilnc %S/Inputs/graph-inputs-empty.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=INPUTS-EMPTY
// INPUTS-EMPTY: kilnc: error: {{.*}}Inputs/graph-inputs-empty.json: /layers/0/inputs: expected a layer name or a non-empty array of layer names, got []{{$}}

// Tests that a merge layer needs two inputs and any other layer one.
// RUN: not kilnc %S/Inputs/graph-add-one-input.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=ADD-ONE
// ADD-ONE: kilnc: error: {{.*}}Inputs/graph-add-one-input.json: /layers/1: layer "sum": add merges two or more inputs; "inputs" names 1{{$}}
// RUN: not kilnc %S/Inputs/graph-dense-two-inputs.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DENSE-TWO
// DENSE-TWO: kilnc: error: {{.*}}Inputs/graph-dense-two-inputs.json: /layers/1: layer "head": dense takes one input; "inputs" names 2{{$}}

// Tests that add's inputs have one shape, naming both layers and their shapes.
// RUN: not kilnc %S/Inputs/graph-add-shapes.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=ADD-SHAPES
// ADD-SHAPES: kilnc: error: {{.*}}Inputs/graph-add-shapes.json: /layers/2: layer "sum": add needs inputs of one shape; "wide" gives [8] but "narrow" gives [5]{{$}}

// Tests that concat's inputs agree outside its axis; -2 of [batch, steps, features] is axis 1, the steps.
// RUN: not kilnc %S/Inputs/graph-concat-shapes.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CONCAT-SHAPES
// CONCAT-SHAPES: kilnc: error: {{.*}}Inputs/graph-concat-shapes.json: /layers/2: layer "cat": concat needs inputs equal outside axis 1; "a" gives [6, 4] but "b" gives [6, 3]{{$}}

// Tests that concat's axis is an axis of the samples, past the end or before the start (-3 is the batch).
// RUN: not kilnc %S/Inputs/graph-concat-axis.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CONCAT-AXIS
// CONCAT-AXIS: kilnc: error: {{.*}}Inputs/graph-concat-axis.json: /layers/2: layer "cat": axis 3 is not an axis of the samples [6, 4] (axis 0 is the batch){{$}}
// RUN: not kilnc %S/Inputs/graph-concat-axis-batch.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CONCAT-AXIS-BATCH
// CONCAT-AXIS-BATCH: kilnc: error: {{.*}}Inputs/graph-concat-axis-batch.json: /layers/2: layer "cat": axis -3 is not an axis of the samples [6, 4] (axis 0 is the batch){{$}}

// Tests that axis 0 (the batch) is refused when the file is read.
// RUN: not kilnc %S/Inputs/graph-concat-axis-zero.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=CONCAT-AXIS-ZERO
// CONCAT-AXIS-ZERO: kilnc: error: {{.*}}Inputs/graph-concat-axis-zero.json: /layers/2/axis: expected a non-zero axis of the sample (1 is the first after the batch, -1 the last), got 0{{$}}

// Tests that int32 token ids feed only an embedding.
// RUN: not kilnc %S/Inputs/graph-ids-into-dense.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=IDS-DENSE
// IDS-DENSE: kilnc: error: {{.*}}Inputs/graph-ids-into-dense.json: /layers/0: layer "head": dense expects float values, but "input" gives int32 token ids; an embedding layer turns ids into vectors{{$}}

// Tests that ids reaching a merge as its second input are refused too.
// RUN: not kilnc %S/Inputs/graph-ids-into-add.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=IDS-ADD
// IDS-ADD: kilnc: error: {{.*}}Inputs/graph-ids-into-add.json: /layers/2: layer "sum": add expects float values, but "input" gives int32 token ids; an embedding layer turns ids into vectors{{$}}

// Tests that an embedding needs int32 ids, from the model's input or after another embedding.
// RUN: not kilnc %S/Inputs/graph-float-into-embedding.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=FLOAT-EMBEDDING
// FLOAT-EMBEDDING: kilnc: error: {{.*}}Inputs/graph-float-into-embedding.json: /layers/0: layer "tok": embedding expects int32 token ids (an input with "dtype": "int32"), but "input" gives float values{{$}}
// RUN: not kilnc %S/Inputs/graph-embedding-twice.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=EMBEDDING-TWICE
// EMBEDDING-TWICE: kilnc: error: {{.*}}Inputs/graph-embedding-twice.json: /layers/1: layer "tok2": embedding expects int32 token ids (an input with "dtype": "int32"), but "tok" gives float values{{$}}

// Tests that the input's dtype is float32 or int32.
// RUN: not kilnc %S/Inputs/graph-dtype.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: kilnc: error: {{.*}}Inputs/graph-dtype.json: /input/dtype: unknown value "int64" (expected one of: float32, int32){{$}}

// Tests that softmax takes Keras' axis (1: the steps of [6, 4]) and that an
// axis past the sample is refused.
// RUN: kilnc %S/Inputs/graph-softmax-axis.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=SOFTMAX-AXIS
// SOFTMAX-AXIS: nn.softmax %{{.*}} {axis = 1 : i64} : tensor<2x6x4xf32>
// RUN: sed 's/"axis": 1/"axis": 3/' %S/Inputs/graph-softmax-axis.json > %t.json
// RUN: not kilnc %t.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=SOFTMAX-AXIS3
// SOFTMAX-AXIS3: layer "sm": axis 3 is not an axis of the samples [6, 4] (axis 0 is the batch){{$}}

// Tests that position_embedding's max_len covers the steps of its input.
// RUN: not kilnc %S/Inputs/graph-position-max-len.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=MAX-LEN
// MAX-LEN: kilnc: error: {{.*}}Inputs/graph-position-max-len.json: /layers/1: layer "pos": max_len 5 is shorter than the 6 steps of its input [6, 4]{{$}}

// Tests that the layers over steps need [steps, features].
// RUN: not kilnc %S/Inputs/graph-position-flat.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=POSITION-FLAT
// POSITION-FLAT: kilnc: error: {{.*}}Inputs/graph-position-flat.json: /layers/0: layer "pos": position_embedding expects [steps, dim], got [6]{{$}}
// RUN: not kilnc %S/Inputs/graph-pool1d-flat.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=POOL1D-FLAT
// POOL1D-FLAT: kilnc: error: {{.*}}Inputs/graph-pool1d-flat.json: /layers/0: layer "pool": global_max_pool1d expects [steps, features], got [6]{{$}}
