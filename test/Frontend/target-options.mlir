// kilnc's target options reach kernel-form's schedules, and bad values are
// refused before any pass runs.
// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=kernel --vector-bits=512 --l1-cache=48K --l2-cache=1M --cores=2 --accumulators=24 | FileCheck %s --check-prefix=ACC24
// RUN: kilnc %examples/fashion_mlp/model.json --compile-to=kernel --vector-bits=512 --l1-cache=48K --l2-cache=1M --cores=2 --accumulators=1 | FileCheck %s --check-prefix=ACC1
// RUN: not kilnc %examples/fashion_mlp/model.json --accumulators=0 -o %t 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: kiln-opt %s -pass-pipeline='builtin.module(func.func(kernel-form{accumulators=0}))' -verify-diagnostics

// 24 accumulators: register blocks of 12 rows by two vectors of a panel.
// ACC24-LABEL: func.func @forward(
// ACC24: kernel.group #kernel.schedule<tile = [12, 1, 0, 0], reduce = [1], lanes = 16, packed = "rhs">
// One: a block of one row (never none).
// ACC1-LABEL: func.func @forward(
// ACC1: kernel.group #kernel.schedule<tile = [1, 1, 0, 0], reduce = [1], lanes = 16, packed = "rhs">
// ZERO: kilnc: error: --batch-size, --vector-bits, --cores and --accumulators must be positive

// expected-error @+1 {{kernel-form: the target's vector-bits, l1-bytes, l2-bytes, cores and accumulators must be positive}}
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}
