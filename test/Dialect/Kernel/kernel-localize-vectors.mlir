// RUN: kiln-opt %s -split-input-file -kernel-localize-vectors | FileCheck %s --implicit-check-not=kernel.nest

// Tests that a vector read from a tensor and used past a loop nest is read
// again right before its user, and that the kernel.nest mark is dropped.
// CHECK-LABEL: func.func @reread
// CHECK-SAME: (%[[T:[^:]+]]: tensor<4x8xf32>, %{{.+}}: tensor<4x8xf32>, %{{.+}}: f32, %{{.+}}: index)
// CHECK: %[[PAD:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: vector.transfer_read %[[T]]
// CHECK-NEXT: %[[L:.+]] = scf.for
// CHECK: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[V:.+]] = vector.transfer_read %[[T]][%{{.+}}, %{{.+}}], %[[PAD]] {in_bounds = [true, true]} : tensor<4x8xf32>, vector<4x8xf32>
// CHECK-NEXT: %[[R:.+]] = vector.transfer_write %[[V]], %[[L]]
// CHECK-NEXT: return %[[R]]
func.func @reread(%t: tensor<4x8xf32>, %o: tensor<4x8xf32>, %f: f32, %n: index) -> tensor<4x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %pad = arith.constant 0.0 : f32
  %v = vector.transfer_read %t[%c0, %c0], %pad {in_bounds = [true, true]} : tensor<4x8xf32>, vector<4x8xf32>
  %l = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o) -> (tensor<4x8xf32>) {
    %e = tensor.insert %f into %a[%c0, %i] : tensor<4x8xf32>
    scf.yield %e : tensor<4x8xf32>
  } {kernel.nest = 0 : i64}
  %r = vector.transfer_write %v, %l[%c0, %c0] {in_bounds = [true, true]} : vector<4x8xf32>, tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Tests that a broadcast of a read, used past a loop nest, is recomputed
// there: the read and then the broadcast of the new read.
// CHECK-LABEL: func.func @rebroadcast
// CHECK-SAME: (%[[T:[^:]+]]: tensor<8xf32>,
// CHECK: %[[L:.+]] = scf.for
// CHECK: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[R:.+]] = vector.transfer_read %[[T]]{{.*}} : tensor<8xf32>, vector<8xf32>
// CHECK-NEXT: %[[B:.+]] = vector.broadcast %[[R]] : vector<8xf32> to vector<4x8xf32>
// CHECK-NEXT: vector.transfer_write %[[B]], %[[L]]
func.func @rebroadcast(%t: tensor<8xf32>, %o: tensor<4x8xf32>, %f: f32, %n: index) -> tensor<4x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %pad = arith.constant 0.0 : f32
  %r = vector.transfer_read %t[%c0], %pad {in_bounds = [true]} : tensor<8xf32>, vector<8xf32>
  %b = vector.broadcast %r : vector<8xf32> to vector<4x8xf32>
  %l = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o) -> (tensor<4x8xf32>) {
    %e = tensor.insert %f into %a[%c0, %i] : tensor<4x8xf32>
    scf.yield %e : tensor<4x8xf32>
  } {kernel.nest = 0 : i64}
  %w = vector.transfer_write %b, %l[%c0, %c0] {in_bounds = [true, true]} : vector<4x8xf32>, tensor<4x8xf32>
  return %w : tensor<4x8xf32>
}

// -----

// Tests that a computed vector, written to a tensor before a loop nest and
// used past it, is read back from the written tensor with the write's
// indices, permutation and in_bounds, padded with zero.
// CHECK-LABEL: func.func @read_back
// CHECK-SAME: (%{{.+}}: tensor<8x16xf32>, %{{.+}}: tensor<8x16xf32>, %[[O:[^:]+]]: tensor<8x16xf32>, %{{.+}}: f32, %[[I:[^:]+]]: index, %[[J:[^:]+]]: index, %{{.+}}: index)
// CHECK: %[[M:.+]] = arith.maximumf
// CHECK-NEXT: %[[W:.+]] = vector.transfer_write %[[M]], %[[O]][%[[I]], %[[J]]] {in_bounds = [true, true], permutation_map = [[MAP:#[a-z0-9_]+]]} : vector<8x4xf32>, tensor<8x16xf32>
// CHECK-NEXT: %[[L:.+]] = scf.for
// CHECK: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[V:.+]] = vector.transfer_read %[[W]][%[[I]], %[[J]]], %[[ZERO]] {in_bounds = [true, true], permutation_map = [[MAP]]} : tensor<8x16xf32>, vector<8x4xf32>
// CHECK-NEXT: %[[N:.+]] = arith.negf %[[V]]
// CHECK-NEXT: vector.transfer_write %[[N]], %[[L]]
#t = affine_map<(d0, d1) -> (d1, d0)>
func.func @read_back(%x: tensor<8x16xf32>, %y: tensor<8x16xf32>, %o: tensor<8x16xf32>, %f: f32,
                     %i: index, %j: index, %n: index) -> tensor<8x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %pad = arith.constant 1.0 : f32
  %a = vector.transfer_read %x[%i, %j], %pad {in_bounds = [true, true], permutation_map = #t} : tensor<8x16xf32>, vector<8x4xf32>
  %b = vector.transfer_read %y[%i, %j], %pad {in_bounds = [true, true], permutation_map = #t} : tensor<8x16xf32>, vector<8x4xf32>
  %m = arith.maximumf %a, %b : vector<8x4xf32>
  %w = vector.transfer_write %m, %o[%i, %j] {in_bounds = [true, true], permutation_map = #t} : vector<8x4xf32>, tensor<8x16xf32>
  %l = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %w) -> (tensor<8x16xf32>) {
    %e = tensor.insert %f into %acc[%c0, %k] : tensor<8x16xf32>
    scf.yield %e : tensor<8x16xf32>
  } {kernel.nest = 0 : i64}
  %neg = arith.negf %m : vector<8x4xf32>
  %r = vector.transfer_write %neg, %l[%c0, %c0] {in_bounds = [true, true]} : vector<8x4xf32>, tensor<8x16xf32>
  return %r : tensor<8x16xf32>
}

// -----

// Tests that a use with no loop nest between it and the def is left alone.
// CHECK-LABEL: func.func @no_nest_between
// CHECK: %[[V:.+]] = vector.transfer_read
// CHECK-NEXT: %[[N:.+]] = arith.negf %[[V]]
// CHECK-NEXT: vector.transfer_write %[[N]]
// CHECK-NOT: vector.transfer_read
// CHECK: scf.for
// CHECK: return
func.func @no_nest_between(%t: tensor<4x8xf32>, %o: tensor<4x8xf32>, %f: f32, %n: index) -> tensor<4x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %pad = arith.constant 0.0 : f32
  %v = vector.transfer_read %t[%c0, %c0], %pad {in_bounds = [true, true]} : tensor<4x8xf32>, vector<4x8xf32>
  %neg = arith.negf %v : vector<4x8xf32>
  %w = vector.transfer_write %neg, %o[%c0, %c0] {in_bounds = [true, true]} : vector<4x8xf32>, tensor<4x8xf32>
  %l = scf.for %i = %c0 to %n step %c1 iter_args(%a = %w) -> (tensor<4x8xf32>) {
    %e = tensor.insert %f into %a[%c0, %i] : tensor<4x8xf32>
    scf.yield %e : tensor<4x8xf32>
  }
  return %l : tensor<4x8xf32>
}

// -----

// Tests that a use inside a later loop nest gets its copy at the top level,
// right before that loop nest, and that the loop nest the vector is used in
// does not count as one between: the first loop's use stays.
// CHECK-LABEL: func.func @nested_use
// CHECK-SAME: (%[[T:[^:]+]]: tensor<4x8xf32>,
// CHECK: %[[V:.+]] = vector.transfer_read %[[T]]
// CHECK-NEXT: %[[L1:.+]] = scf.for
// CHECK-NEXT: vector.transfer_write %[[V]]
// CHECK: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[COPY:.+]] = vector.transfer_read %[[T]]
// CHECK-NEXT: %[[L2:.+]] = scf.for {{.+}} iter_args(%{{.+}} = %[[L1]])
// CHECK-NEXT: %[[N:.+]] = arith.negf %[[COPY]]
// CHECK-NEXT: vector.transfer_write %[[N]]
// CHECK: return %[[L2]]
func.func @nested_use(%t: tensor<4x8xf32>, %o: tensor<4x8xf32>, %n: index) -> tensor<4x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %pad = arith.constant 0.0 : f32
  %v = vector.transfer_read %t[%c0, %c0], %pad {in_bounds = [true, true]} : tensor<4x8xf32>, vector<4x8xf32>
  %l1 = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o) -> (tensor<4x8xf32>) {
    %w = vector.transfer_write %v, %a[%c0, %c0] {in_bounds = [true, true]} : vector<4x8xf32>, tensor<4x8xf32>
    scf.yield %w : tensor<4x8xf32>
  } {kernel.nest = 0 : i64}
  %l2 = scf.for %i = %c0 to %n step %c1 iter_args(%a = %l1) -> (tensor<4x8xf32>) {
    %neg = arith.negf %v : vector<4x8xf32>
    %w = vector.transfer_write %neg, %a[%c0, %c0] {in_bounds = [true, true]} : vector<4x8xf32>, tensor<4x8xf32>
    scf.yield %w : tensor<4x8xf32>
  } {kernel.nest = 1 : i64}
  return %l2 : tensor<4x8xf32>
}

// -----

// Tests that two uses in one later op share one copy, and that a use in
// another later op gets a copy of its own.
// CHECK-LABEL: func.func @shared_copy
// CHECK-SAME: (%[[T:[^:]+]]: tensor<4x8xf32>,
// CHECK: %[[L:.+]] = scf.for
// CHECK: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[C1:.+]] = vector.transfer_read %[[T]]
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[C1]], %[[C1]]
// CHECK-NEXT: %[[W:.+]] = vector.transfer_write %[[S]], %[[L]]
// CHECK-NEXT: %[[C2:.+]] = vector.transfer_read %[[T]]
// CHECK-NEXT: vector.transfer_write %[[C2]], %[[W]]
func.func @shared_copy(%t: tensor<4x8xf32>, %o: tensor<4x8xf32>, %f: f32, %n: index) -> tensor<4x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %pad = arith.constant 0.0 : f32
  %v = vector.transfer_read %t[%c0, %c0], %pad {in_bounds = [true, true]} : tensor<4x8xf32>, vector<4x8xf32>
  %l = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o) -> (tensor<4x8xf32>) {
    %e = tensor.insert %f into %a[%c0, %i] : tensor<4x8xf32>
    scf.yield %e : tensor<4x8xf32>
  }
  %s = arith.addf %v, %v : vector<4x8xf32>
  %w = vector.transfer_write %s, %l[%c0, %c0] {in_bounds = [true, true]} : vector<4x8xf32>, tensor<4x8xf32>
  %w2 = vector.transfer_write %v, %w[%c0, %c0] {in_bounds = [true, true]} : vector<4x8xf32>, tensor<4x8xf32>
  return %w2 : tensor<4x8xf32>
}

// -----

// Tests that a vector computed by arithmetic and never written to a tensor
// cannot be recomputed and is used past the loop nest as it is.
// CHECK-LABEL: func.func @not_recomputable
// CHECK: %[[M:.+]] = arith.mulf
// CHECK-NEXT: %[[L:.+]] = scf.for
// CHECK: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: vector.transfer_write %[[M]], %[[L]]
// CHECK-NEXT: return
func.func @not_recomputable(%t: tensor<4x8xf32>, %o: tensor<4x8xf32>, %f: f32, %n: index) -> tensor<4x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %pad = arith.constant 0.0 : f32
  %v = vector.transfer_read %t[%c0, %c0], %pad {in_bounds = [true, true]} : tensor<4x8xf32>, vector<4x8xf32>
  %m = arith.mulf %v, %v : vector<4x8xf32>
  %l = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o) -> (tensor<4x8xf32>) {
    %e = tensor.insert %f into %a[%c0, %i] : tensor<4x8xf32>
    scf.yield %e : tensor<4x8xf32>
  } {kernel.nest = 0 : i64}
  %w = vector.transfer_write %m, %l[%c0, %c0] {in_bounds = [true, true]} : vector<4x8xf32>, tensor<4x8xf32>
  return %w : tensor<4x8xf32>
}
