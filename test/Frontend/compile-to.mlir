// Tests that `kilnc --compile-to=<stage>` prints the IR after each stage, on fashion_mlp (784-512-256-10, Adam, batch 64).

// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=graph | FileCheck %s --check-prefix=GRAPH
// The module carries what the manifest needs and the IR cannot say (no
// kiln.manifest: codegen writes it); every argument of @model and the target
// of @loss carry their role.
// GRAPH: module attributes {
// GRAPH-SAME: kiln.layers = [{activation = "relu", flops = 803840 : i64, name = "dense_0", output_shape = [512], params = 401920 : i64, trainable = true, type = "dense"},
// GRAPH-SAME: {activation = "linear", flops = 5130 : i64, name = "dense_2", output_shape = [10], params = 2570 : i64, trainable = true, type = "dense"}],
// GRAPH-SAME: kiln.name = "fashion_mlp",
// GRAPH-SAME: kiln.optimizer = {beta1 = 9.000000e-01 : f64, beta2 = 0.99899999999999999 : f64, eps = 1.000000e-08 : f64, lr = 1.000000e-03 : f64, type = "adam", weight_decay = 0.000000e+00 : f64},
// GRAPH-SAME: kiln.training = {batch_size = 64 : i64, epochs = 5 : i64, loss = "softmax_cross_entropy", metrics = ["accuracy"], seed = 0 : i64, shuffle = true,
// GRAPH-NOT: kiln.manifest
// GRAPH-LABEL: func.func @model
// GRAPH-SAME: (%[[X:[^:]+]]: tensor<64x784xf32> {kiln.input = {name = "x"}},
// GRAPH-SAME: %[[W0:[^:]+]]: tensor<512x784xf32> {kiln.param = {fan_in = 784 : i64, fan_out = 512 : i64, init = "he_uniform", name = "dense_0.weight", trainable = true}},
// GRAPH-SAME: %[[B0:[^:]+]]: tensor<512xf32> {kiln.param = {fan_in = 784 : i64, fan_out = 512 : i64, init = "zeros", name = "dense_0.bias", trainable = true}},
// GRAPH-SAME: %{{[^:]+}}: tensor<10x256xf32> {kiln.param = {fan_in = 256 : i64, fan_out = 10 : i64, init = "glorot_uniform", name = "dense_2.weight", trainable = true}},
// GRAPH-SAME: %{{[^:]+}}: tensor<10xf32> {kiln.param = {fan_in = 256 : i64, fan_out = 10 : i64, init = "zeros", name = "dense_2.bias", trainable = true}}) -> tensor<64x10xf32>
// GRAPH: %[[H:.+]] = nn.dense %[[X]], %[[W0]], %[[B0]] : (tensor<64x784xf32>, tensor<512x784xf32>, tensor<512xf32>) -> tensor<64x512xf32>
// GRAPH-NEXT: nn.relu %[[H]] : tensor<64x512xf32>
// GRAPH: nn.dense {{.*}} -> tensor<64x10xf32>
// GRAPH-LABEL: func.func @loss
// GRAPH-SAME: (%{{[^:]+}}: tensor<64x10xf32>, %{{[^:]+}}: tensor<64xi32> {kiln.target = {name = "y"}}) -> tensor<f32>
// GRAPH: nn.softmax_cross_entropy

// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=autodiff | FileCheck %s --check-prefix=AUTODIFF
// AUTODIFF-NOT: func.func @model
// AUTODIFF-LABEL: func.func @train_step
// AUTODIFF-SAME: {kiln.state = {param = "dense_0.weight", slot = "exp_avg"}}
// AUTODIFF-SAME: {kiln.state = {param = "dense_0.weight", slot = "exp_avg_sq"}}
// AUTODIFF-SAME: {kiln.state = {param = "dense_2.bias", slot = "exp_avg_sq"}}
// AUTODIFF-SAME: tensor<64x784xf32> {kiln.input = {name = "x"}}, %{{[^:]+}}: tensor<64xi32> {kiln.target = {name = "y"}}
// AUTODIFF-SAME: attributes {kiln.entry = {batch = 64 : i64, mode = "train", name = "train_step"}}
// AUTODIFF: nn.softmax_cross_entropy
// AUTODIFF: linalg.matmul_transpose_a
// AUTODIFF-COUNT-6: optim.adam
// AUTODIFF-LABEL: func.func @eval_step(
// AUTODIFF-SAME: kiln.entry = {batch = 64 : i64, mode = "eval", name = "eval_step"}
// AUTODIFF-NOT: optim.
// AUTODIFF-LABEL: func.func @eval_step_1(
// AUTODIFF-SAME: tensor<1x784xf32> {kiln.input = {name = "x"}}, %{{[^:]+}}: tensor<1xi32> {kiln.target = {name = "y"}}
// AUTODIFF-SAME: kiln.entry = {batch = 1 : i64, mode = "eval", name = "eval_step_1"}
// AUTODIFF-NOT: optim.
// AUTODIFF-LABEL: func.func @forward(
// AUTODIFF: nn.softmax
// AUTODIFF-LABEL: func.func @forward_1(
// AUTODIFF-SAME: -> (tensor<1x10xf32> {kiln.output = {kind = "probabilities", name = "prediction"}})
// AUTODIFF: nn.softmax {{.*}} : tensor<1x10xf32>

// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=linalg | FileCheck %s --check-prefix=LINALG --implicit-check-not=nn. --implicit-check-not=optim.
// LINALG-LABEL: func.func @train_step
// LINALG: linalg.transpose
// LINALG: linalg.matmul ins({{.*}} : tensor<64x784xf32>, tensor<784x512xf32>)
// LINALG-LABEL: func.func @eval_step(
// LINALG-LABEL: func.func @forward(
// LINALG-LABEL: func.func @forward_1(

// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=kernel --vector-bits=512 --l1-cache=48K --l2-cache=1M --cores=2 --accumulators=16 | FileCheck %s --check-prefix=KERNEL
// The first dense layer of forward, on a batch of 64 (fewer samples than its
// 512 units): computed as Cᵀ = W xᵀ, the batch packed into two panels of 32
// columns (W is not copied: the transpose to Wᵀ is gone), the packed
// product with no cache blocks (the panels fit in L2, 8 rows of W in L1: the
// threads split W's rows) and its fill with it, then Cᵀ transposed back with
// the bias and relu.
// KERNEL-LABEL: func.func @forward(
// KERNEL: tensor.expand_shape {{.*}} : tensor<64x784xf32> into tensor<2x32x784xf32>
// KERNEL: kernel.group #kernel.schedule<tile = [1, 16, 16], lanes = 16> vectorize -> tensor<2x784x32xf32> {
// KERNEL-NEXT: linalg.transpose ins({{.*}} : tensor<2x32x784xf32>) {{.*}} permutation = [0, 2, 1]
// KERNEL: kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], lanes = 16, packed = "rhs"> vectorize -> tensor<512x2x32xf32> {
// KERNEL-NEXT: linalg.fill
// KERNEL-NEXT: linalg.generic {{.*}} ins(%arg0, %{{.*}} : tensor<512x784xf32>, tensor<2x784x32xf32>)
// KERNEL: tensor.collapse_shape {{.*}} : tensor<512x2x32xf32> into tensor<512x64xf32>
// KERNEL: kernel.group #kernel.schedule<tile = [1, 64], lanes = 16> vectorize -> tensor<64x512xf32> {
// KERNEL-NEXT: linalg.transpose ins({{.*}} : tensor<512x64xf32>) {{.*}} permutation = [1, 0]
// KERNEL-NEXT: linalg.generic
// KERNEL: arith.addf
// KERNEL: linalg.generic
// KERNEL: arith.maximumf
// KERNEL: kernel.yield

// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=tiled --vector-bits=512 --accumulators=16 | FileCheck %s --check-prefix=TILED --implicit-check-not=kernel.group --implicit-check-not=kernel.yield
// TILED-LABEL: func.func @forward(
// TILED: scf.for
// TILED: scf.for
// TILED: scf.for
// TILED: vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>

// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=bufferized | FileCheck %s --check-prefix=BUFFERIZED
// The module's tables, in manifest order, and every entry point bound to them.
// BUFFERIZED: module attributes {kiln.abi = {buffers = [], derived = [{dtype = "f32", name = "derived.0", shape = [256, 10]}],
// BUFFERIZED-SAME: inputs = [{dtype = "f32", name = "x", shape = [784]}],
// BUFFERIZED-SAME: outputs = [{dtype = "f32", kind = "probabilities", name = "prediction", shape = [10]}],
// BUFFERIZED-SAME: params = [{dtype = "f32", fan_in = 784 : i64, fan_out = 512 : i64, init = "he_uniform", name = "dense_0.weight", shape = [512, 784], trainable = true},
// BUFFERIZED-SAME: state = [{dtype = "f32", param = "dense_0.weight", shape = [512, 784], slot = "exp_avg"}, {dtype = "f32", param = "dense_0.weight", shape = [512, 784], slot = "exp_avg_sq"},
// BUFFERIZED-SAME: targets = [{dtype = "i32", name = "y", shape = []}]}
// BUFFERIZED-LABEL: func.func @train_step
// BUFFERIZED-SAME: (%{{[^:]+}}: memref<512x784xf32>,
// BUFFERIZED-SAME: %{{[^:]+}}: f32, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: memref<64x10xf32>
// BUFFERIZED-SAME: -> f32
// BUFFERIZED-SAME: kiln.bindings = [{index = 0 : i64, table = "params"},
// BUFFERIZED-SAME: {index = 0 : i64, table = "lr"}, {index = 0 : i64, table = "step"}, {index = 0 : i64, table = "seed"}, {index = 0 : i64, table = "outputs"}
// BUFFERIZED-NOT: tensor<
// BUFFERIZED-LABEL: func.func @eval_step(
// BUFFERIZED-SAME: memref<64x784xf32>, %{{[^:]+}}: memref<64xi32>, %{{[^:]+}}: memref<256x10xf32>, %{{[^:]+}}: memref<64x10xf32>
// BUFFERIZED-SAME: -> f32
// BUFFERIZED-NOT: tensor<
// BUFFERIZED-LABEL: func.func @eval_step_1(
// BUFFERIZED-SAME: memref<1x784xf32>, %{{[^:]+}}: memref<1xi32>, %{{[^:]+}}: memref<1x10xf32>
// BUFFERIZED-SAME: -> f32
// BUFFERIZED-NOT: tensor<
// BUFFERIZED-LABEL: func.func @forward(
// BUFFERIZED-SAME: memref<64x784xf32>, %{{[^:]+}}: memref<256x10xf32>, %{{[^:]+}}: memref<64x10xf32>
// BUFFERIZED-NOT: -> f32
// BUFFERIZED-SAME: kiln.bindings = [{index = 0 : i64, table = "params"},
// BUFFERIZED-SAME: {index = 0 : i64, table = "inputs"}, {index = 0 : i64, table = "derived"}, {index = 0 : i64, table = "outputs"}
// BUFFERIZED-NOT: tensor<
// BUFFERIZED-LABEL: func.func @forward_1(
// BUFFERIZED-SAME: memref<1x784xf32>, %{{[^:]+}}: memref<1x10xf32>
// BUFFERIZED-NOT: tensor<
// The last layer's weight, transposed for its product: eval_step and forward
// read it from derived.0, which prepare writes in place.
// BUFFERIZED-LABEL: func.func @prepare(
// BUFFERIZED-SAME: %{{[^:]+}}: memref<10x256xf32>, %{{[^:]+}}: memref<256x10xf32>)
// BUFFERIZED-SAME: kiln.bindings = [{index = 4 : i64, table = "params"}, {index = 0 : i64, table = "derived"}],
// BUFFERIZED-SAME: kiln.entry = {batch = 1 : i64, mode = "eval", name = "prepare"}
// BUFFERIZED-NOT: tensor<

// Generated code allocates nothing and calls nothing of MLIR's runtime: every
// temporary lives in the workspace, every strided copy is expanded.
// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=llvm | FileCheck %s --check-prefix=LLVM --implicit-check-not=func.func --implicit-check-not=memrefCopy --implicit-check-not=malloc
// LLVM: llvm.func internal @train_step(
// LLVM: llvm.func internal @eval_step(
// LLVM: llvm.func internal @eval_step_1(
// LLVM: llvm.func internal @forward(
// LLVM: llvm.func internal @forward_1(
// LLVM: llvm.func internal @check_step(
// LLVM: llvm.func internal @prepare(
// LLVM: llvm.func @kiln_model_train_step(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr) -> f32
// LLVM: llvm.func @kiln_model_eval_step(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr) -> f32
// LLVM: llvm.func @kiln_model_eval_step_1(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr) -> f32
// LLVM: llvm.func @kiln_model_forward(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr) -> f32
// LLVM: llvm.func @kiln_model_forward_1(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr) -> f32
// LLVM: llvm.func @kiln_model_check_step(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr) -> f32
// LLVM: llvm.func @kiln_model_prepare(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr) -> f32
// LLVM: llvm.mlir.global internal constant @kiln_model_manifest_text("{\22abi_version\22:3,\22batch_size\22:64,
// LLVM-SAME: \22derived\22:[{\22dtype\22:\22f32\22,\22name\22:\22derived.0\22,\22shape\22:[256,10]}],
// LLVM-SAME: \22entry_points\22:[{\22batch\22:64,\22mode\22:\22train\22,\22name\22:\22train_step\22,\22workspace_bytes\22:{{[1-9][0-9]*}}},
// LLVM-SAME: {\22batch\22:1,\22mode\22:\22eval\22,\22name\22:\22forward_1\22,\22workspace_bytes\22:{{[1-9][0-9]*}}},
// check_step lists what it counts, in the order it computes them.
// LLVM-SAME: {\22batch\22:64,\22checks\22:[{\22layer\22:\22input\22,\22size\22:50176,\22value\22:\22value\22},
// LLVM-SAME: {\22layer\22:\22dense_0\22,\22size\22:32768,\22value\22:\22output\22},{{.*}}{\22layer\22:\22dense_2\22,\22size\22:640,\22value\22:\22output\22},
// LLVM-SAME: {\22layer\22:\22loss\22,\22size\22:1,\22value\22:\22value\22},{\22layer\22:\22loss\22,\22size\22:640,\22value\22:\22gradient\22},
// LLVM-SAME: {\22layer\22:\22dense_2\22,\22size\22:16384,\22value\22:\22gradient\22},{\22layer\22:\22dense_1\22,\22size\22:32768,\22value\22:\22gradient\22}],
// LLVM-SAME: \22mode\22:\22train\22,\22name\22:\22check_step\22,\22workspace_bytes\22:{{[1-9][0-9]*}}},
// prepare transposes the last weight straight into its derived tensor: no
// temporaries.
// LLVM-SAME: {\22batch\22:1,\22mode\22:\22eval\22,\22name\22:\22prepare\22,\22workspace_bytes\22:0}],
// LLVM-SAME: \22name\22:\22fashion_mlp\22,\22num_classes\22:10,
// LLVM: llvm.func @kiln_model_manifest() -> !llvm.ptr
// LLVM: llvm.mlir.global internal constant @kiln_model_api()
// LLVM: llvm.func @kiln_model_abi() -> !llvm.ptr

// Tests that an unknown stage is an error that lists the stages.
// RUN: not kilnc %examples/fashion_mlp/model.json --compile-to=optimized 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: kilnc: error: unknown stage 'optimized' (expected one of: graph, autodiff, linalg, kernel, tiled, bufferized, llvm)

// Tests that --help names every stage.
// RUN: kilnc --help | FileCheck %s --check-prefix=HELP
// HELP: --compile-to=<stage> - Print the IR after this stage and stop: graph, autodiff, linalg, kernel, tiled, bufferized, llvm
