// Tests that `kilnc --compile-to=<stage>` prints the IR after each stage, on fashion_mlp (784-512-256-10, Adam, batch 64).

// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=graph | FileCheck %s --check-prefix=GRAPH
// GRAPH: module attributes {kiln.manifest = "{{.*}}\22name\22:\22fashion_mlp\22{{.*}}", kiln.optimizer = {beta1 = 9.000000e-01 : f64, beta2 = 0.99899999999999999 : f64, eps = 1.000000e-08 : f64, type = "adam", weight_decay = 0.000000e+00 : f64}}
// GRAPH-LABEL: func.func @model
// GRAPH-SAME: (%[[X:.+]]: tensor<64x784xf32>, %[[W0:.+]]: tensor<512x784xf32> {kiln.param = "dense_0.weight"}, %[[B0:.+]]: tensor<512xf32> {kiln.param = "dense_0.bias"},
// GRAPH: %[[H:.+]] = nn.dense %[[X]], %[[W0]], %[[B0]] : (tensor<64x784xf32>, tensor<512x784xf32>, tensor<512xf32>) -> tensor<64x512xf32>
// GRAPH-NEXT: nn.relu %[[H]] : tensor<64x512xf32>
// GRAPH: nn.dense {{.*}} -> tensor<64x10xf32>
// GRAPH-LABEL: func.func @loss
// GRAPH-SAME: (%{{.+}}: tensor<64x10xf32>, %{{.+}}: tensor<64xi32>) -> tensor<f32>
// GRAPH: nn.softmax_cross_entropy

// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=autodiff | FileCheck %s --check-prefix=AUTODIFF
// AUTODIFF-NOT: func.func @model
// AUTODIFF-LABEL: func.func @train_step
// AUTODIFF-SAME: {kiln.state = "exp_avg"}
// AUTODIFF-SAME: {kiln.state = "exp_avg_sq"}
// AUTODIFF: nn.softmax_cross_entropy
// AUTODIFF: linalg.matmul_transpose_a
// AUTODIFF-COUNT-6: optim.adam
// AUTODIFF-LABEL: func.func @forward
// AUTODIFF: nn.softmax

// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=linalg | FileCheck %s --check-prefix=LINALG --implicit-check-not=nn. --implicit-check-not=optim.
// LINALG-LABEL: func.func @train_step
// LINALG: linalg.transpose
// LINALG: linalg.matmul ins({{.*}} : tensor<64x784xf32>, tensor<784x512xf32>)
// LINALG-LABEL: func.func @forward

// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=kernel --vector-bits=512 | FileCheck %s --check-prefix=KERNEL
// The first dense layer of forward, with its bias and relu, is one kernel.
// KERNEL-LABEL: func.func @forward
// KERNEL: kernel.group tile [8, 32] reduce [1] vectorize -> tensor<64x512xf32> {
// KERNEL-NEXT: linalg.fill
// KERNEL-NEXT: linalg.matmul
// KERNEL-NEXT: linalg.generic
// KERNEL: arith.addf
// KERNEL: linalg.generic
// KERNEL: arith.maximumf
// KERNEL: kernel.yield

// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=tiled --vector-bits=512 | FileCheck %s --check-prefix=TILED --implicit-check-not=kernel.
// TILED-LABEL: func.func @forward
// TILED: scf.for
// TILED: scf.for
// TILED: scf.for
// TILED: vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>

// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=bufferized | FileCheck %s --check-prefix=BUFFERIZED
// BUFFERIZED: module attributes {{{.*}}kiln.num_params = 6 : i64, kiln.num_state_slots = 2 : i64
// BUFFERIZED-LABEL: func.func @train_step
// BUFFERIZED-SAME: (%{{.+}}: memref<512x784xf32> {kiln.param = "dense_0.weight"}
// BUFFERIZED-SAME: %{{[^:]+}}: i64, %{{[^:]+}}: memref<64x10xf32>) -> f32
// BUFFERIZED-NOT: tensor<
// BUFFERIZED-LABEL: func.func @forward
// BUFFERIZED-SAME: %{{[^:]+}}: memref<64x10xf32>) {
// BUFFERIZED-NOT: tensor<

// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=llvm | FileCheck %s --check-prefix=LLVM --implicit-check-not=func.func
// LLVM: llvm.func internal @train_step(
// LLVM: llvm.func internal @forward(
// LLVM: llvm.mlir.global internal constant @kiln_model_manifest_text(
// LLVM: llvm.func @kiln_model_manifest() -> !llvm.ptr
// LLVM: llvm.func @kiln_model_train_step(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: f32, %{{.+}}: i64, %{{.+}}: !llvm.ptr) -> f32
// LLVM: llvm.func @kiln_model_forward(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr)

// Tests that an unknown stage is an error that lists the stages.
// RUN: not kilnc %examples/fashion_mlp/model.json --compile-to=optimized 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: kilnc: error: unknown stage 'optimized' (expected one of: graph, autodiff, linalg, kernel, tiled, bufferized, llvm)

// Tests that --help names every stage.
// RUN: kilnc --help | FileCheck %s --check-prefix=HELP
// HELP: --compile-to=<stage> - Print the IR after this stage and stop: graph, autodiff, linalg, kernel, tiled, bufferized, llvm
