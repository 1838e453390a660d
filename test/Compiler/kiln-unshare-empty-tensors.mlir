// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kiln-unshare-empty-tensors))' | FileCheck %s

// Tests that a tensor.empty used by three ops (as CSE leaves equal empties)
// becomes three, one per use, all where the original was; a single-use empty
// is left alone.
// CHECK-LABEL: func.func @shared
// CHECK-NEXT: %[[E0:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT: %[[E1:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT: %[[E2:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT: %[[S:.+]] = tensor.empty() : tensor<8xf32>
// Each of the three ops writes into an empty of its own.
// CHECK-DAG: outs(%[[E0]] : tensor<4x8xf32>)
// CHECK-DAG: outs(%[[E1]] : tensor<4x8xf32>)
// CHECK-DAG: outs(%[[E2]] : tensor<4x8xf32>)
// CHECK-DAG: outs(%[[S]] : tensor<8xf32>)
func.func @shared(%f: f32, %n: index) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %s = tensor.empty() : tensor<8xf32>
  %a = linalg.fill ins(%f : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %b = linalg.fill ins(%f : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %b) -> tensor<4x8xf32> {
    %c = linalg.copy ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
    scf.yield %c : tensor<4x8xf32>
  }
  %t = linalg.fill ins(%f : f32) outs(%s : tensor<8xf32>) -> tensor<8xf32>
  return %a, %b, %r, %t : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>
}

// -----

// Tests that an empty filled with a constant by linalg.fill and used by two
// ops becomes two empties and two fills, one per use (which use keeps the
// original is not checked).
// CHECK-LABEL: func.func @shared_fill
// CHECK: %[[CST:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[E0:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT: %[[E1:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK-DAG: %[[F0:.+]] = linalg.fill ins(%[[CST]] : f32) outs(%[[E0]] : tensor<4x8xf32>)
// CHECK-DAG: %[[F1:.+]] = linalg.fill ins(%[[CST]] : f32) outs(%[[E1]] : tensor<4x8xf32>)
// CHECK-DAG: outs(%[[F0]] : tensor<4x8xf32>)
// CHECK-DAG: outs(%[[F1]] : tensor<4x8xf32>)
// CHECK-NOT: linalg.fill
// CHECK: return
func.func @shared_fill(%a: tensor<4x16xf32>, %b: tensor<16x8xf32>, %c: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%a, %b : tensor<4x16xf32>, tensor<16x8xf32>) outs(%z : tensor<4x8xf32>) -> tensor<4x8xf32>
  %s = linalg.add ins(%m, %c : tensor<4x8xf32>, tensor<4x8xf32>) outs(%z : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %m, %s : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Tests that an empty written with a constant vector and used as the init of
// two loops becomes two empties and two writes, one per loop.
// CHECK-LABEL: func.func @shared_write
// CHECK: %[[C0:.+]] = arith.constant 0 : index
// CHECK: %[[ZEROS:.+]] = arith.constant dense<0.000000e+00> : vector<4x8xf32>
// CHECK-NEXT: %[[E0:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT: %[[E1:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK-DAG: %[[W0:.+]] = vector.transfer_write %[[ZEROS]], %[[E0]][%[[C0]], %[[C0]]] {in_bounds = [true, true]}
// CHECK-DAG: %[[W1:.+]] = vector.transfer_write %[[ZEROS]], %[[E1]][%[[C0]], %[[C0]]] {in_bounds = [true, true]}
// CHECK-DAG: scf.for {{.*}} iter_args(%{{.+}} = %[[W0]])
// CHECK-DAG: scf.for {{.*}} iter_args(%{{.+}} = %[[W1]])
// CHECK-NOT: vector.transfer_write
// CHECK: return
func.func @shared_write(%n: index, %f: f32) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zeros = arith.constant dense<0.0> : vector<4x8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %z = vector.transfer_write %zeros, %e[%c0, %c0] {in_bounds = [true, true]} : vector<4x8xf32>, tensor<4x8xf32>
  %r1 = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %z) -> (tensor<4x8xf32>) {
    %x = tensor.insert %f into %acc[%c0, %i] : tensor<4x8xf32>
    scf.yield %x : tensor<4x8xf32>
  }
  %r2 = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %z) -> (tensor<4x8xf32>) {
    %x = tensor.insert %f into %acc[%i, %c0] : tensor<4x8xf32>
    scf.yield %x : tensor<4x8xf32>
  }
  return %r1, %r2 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Tests that a fill with a value that is not a constant stays shared.
// CHECK-LABEL: func.func @fill_not_constant
// CHECK-SAME: (%[[F:[^:]+]]: f32,
// CHECK-NEXT: %[[E:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT: %[[Z:.+]] = linalg.fill ins(%[[F]] : f32) outs(%[[E]] : tensor<4x8xf32>)
// CHECK-NEXT: linalg.add {{.*}} outs(%[[Z]] : tensor<4x8xf32>)
// CHECK-NEXT: linalg.mul {{.*}} outs(%[[Z]] : tensor<4x8xf32>)
// CHECK-NEXT: return
func.func @fill_not_constant(%f: f32, %a: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %z = linalg.fill ins(%f : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %x = linalg.add ins(%a, %a : tensor<4x8xf32>, tensor<4x8xf32>) outs(%z : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.mul ins(%a, %a : tensor<4x8xf32>, tensor<4x8xf32>) outs(%z : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %x, %y : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Tests a loop peeled into two pieces of one empty: each piece computed in a
// slice of the empty and inserted back at the same place. Each slice and
// its insert share one empty, so each piece bufferizes in place in one
// buffer; the pairs and the unrelated use have an empty each.
// CHECK-LABEL: func.func @peeled
// CHECK-COUNT-3: tensor.empty() : tensor<8x16xf32>
// CHECK-NOT: tensor.empty
// CHECK: tensor.extract_slice %[[A:.+]][0, 0] [8, 12] [1, 1]
// CHECK: tensor.insert_slice %{{.+}} into %[[A]][0, 0] [8, 12] [1, 1]
// CHECK: tensor.extract_slice %[[B:.+]][0, 12] [8, 4] [1, 1]
// CHECK-NOT: %[[A]]
// CHECK: tensor.insert_slice %{{.+}} into %[[B]][0, 12] [8, 4] [1, 1]
// CHECK-NOT: %[[A]]
// CHECK-NOT: %[[B]]
// CHECK: return
func.func @peeled(%a: f32, %b: f32) -> (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) {
  %e = tensor.empty() : tensor<8x16xf32>
  %s0 = tensor.extract_slice %e[0, 0] [8, 12] [1, 1] : tensor<8x16xf32> to tensor<8x12xf32>
  %p0 = linalg.fill ins(%a : f32) outs(%s0 : tensor<8x12xf32>) -> tensor<8x12xf32>
  %i0 = tensor.insert_slice %p0 into %e[0, 0] [8, 12] [1, 1] : tensor<8x12xf32> into tensor<8x16xf32>
  %s1 = tensor.extract_slice %e[0, 12] [8, 4] [1, 1] : tensor<8x16xf32> to tensor<8x4xf32>
  %p1 = linalg.fill ins(%b : f32) outs(%s1 : tensor<8x4xf32>) -> tensor<8x4xf32>
  %i1 = tensor.insert_slice %p1 into %e[0, 12] [8, 4] [1, 1] : tensor<8x4xf32> into tensor<8x16xf32>
  %other = linalg.fill ins(%b : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %i0, %i1, %other : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>
}
