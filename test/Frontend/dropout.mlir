// Tests that a dropout layer is an nn.dropout without a mode in @model, that
// the entry points give it theirs: train_step applies it with the step's
// counters, eval_step and forward (eval mode) fold it away. Two entry points,
// different IR for the same layer.
// RUN: kilnc %S/Inputs/dropout.json --compile-to=graph | FileCheck %s --check-prefix=GRAPH
// RUN: kilnc %S/Inputs/dropout.json  --compile-to=autodiff --no-check-step | FileCheck %s --check-prefix=ENTRY

// GRAPH-LABEL: func.func @model
// GRAPH: %[[H:.+]] = nn.dense
// GRAPH-NEXT: %[[D:.+]] = nn.dropout %[[H]] {rate = 2.500000e-01 : f64, stream = 1 : i64} : tensor<8x3xf32>
// GRAPH-NEXT: return %[[D]]

// ENTRY-LABEL: func.func @train_step
// ENTRY-SAME: %[[STEP:[^:]+]]: i64 {kiln.scalar = "step"}, %[[SEED:[^:]+]]: i64 {kiln.scalar = "seed"}
// ENTRY: %[[H:.+]] = nn.dense
// ENTRY-NEXT: nn.dropout %[[H]] seed %[[SEED]] step %[[STEP]] {rate = 2.500000e-01 : f64, stream = 1 : i64, training} : tensor<8x3xf32>
// ENTRY-LABEL: func.func @eval_step
// ENTRY-NOT: nn.dropout
// ENTRY-LABEL: func.func @eval_step_1
// ENTRY-NOT: nn.dropout
// ENTRY-LABEL: func.func @forward
// ENTRY-NOT: nn.dropout
// ENTRY-LABEL: func.func @forward_1
// ENTRY-NOT: nn.dropout
