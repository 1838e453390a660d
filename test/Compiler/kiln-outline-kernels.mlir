// RUN: kiln-opt %s -split-input-file -kiln-outline-kernels | FileCheck %s

// Tests that each top-level loop nest of an entry point becomes a call of a
// private, never-inlined, internal function; the constants and the subview it
// uses are cloned into it; the buffers are passed, and so are the workspace
// and the view's offset, the view itself being made inside (an equal layer
// elsewhere in the workspace gets the same kernel).
// CHECK-LABEL: func.func private @forward_k0
// CHECK-SAME: (%[[IN:.+]]: memref<8x16xf32>, %[[WSK:.+]]: memref<256xi8>, %[[OFF:.+]]: index)
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>, no_inline}
// CHECK-DAG: %[[SUB:.+]] = memref.subview %[[IN]][4, 0] [4, 16] [1, 1]
// CHECK-DAG: %[[OUT:.+]] = memref.view %[[WSK]][%[[OFF]]][] : memref<256xi8> to memref<4x16xf32>
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
// CHECK: scf.for %[[I:.+]] = %[[C0]] to %[[C4]]
// CHECK: vector.load %[[SUB]][%[[I]], %[[C0]]]
// CHECK: vector.store %{{.+}}, %[[OUT]][%[[I]], %[[C0]]]
// CHECK: return
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.+]]: memref<8x16xf32>, %[[WS:.+]]: memref<256xi8>)
// CHECK-NOT: memref.view
// CHECK: %[[C64:.+]] = arith.constant 64 : index
// CHECK-NEXT: call @forward_k0(%[[X]], %[[WS]], %[[C64]]) : (memref<8x16xf32>, memref<256xi8>, index) -> ()
// CHECK-NEXT: return
func.func @forward(%x: memref<8x16xf32>, %ws: memref<256xi8>) attributes {kiln.entry = {batch = 8 : i64, mode = "eval", name = "forward"}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %v = memref.view %ws[%c64][] : memref<256xi8> to memref<4x16xf32>
  %sub = memref.subview %x[4, 0] [4, 16] [1, 1] : memref<8x16xf32> to memref<4x16xf32, strided<[16, 1], offset: 64>>
  scf.for %i = %c0 to %c4 step %c1 {
    %r = vector.load %sub[%i, %c0] : memref<4x16xf32, strided<[16, 1], offset: 64>>, vector<16xf32>
    vector.store %r, %v[%i, %c0] : memref<4x16xf32>, vector<16xf32>
  }
  return
}

// -----

// Tests that what kernel-lower-vectors hoisted out of a loop nest (a read and
// its broadcast, used only there) moves into the kernel, that a read used by
// a later kernel too is passed instead, and that a pure value both kernels use
// is recomputed in each.
// CHECK-LABEL: func.func private @train_step_k0
// CHECK-SAME: (%[[B:.+]]: memref<16xf32>, %[[S:.+]]: vector<16xf32>, %[[Y:.+]]: memref<4x16xf32>)
// CHECK: %[[R:.+]] = vector.load %[[B]]
// CHECK: arith.addf %[[R]], %[[S]]
// CHECK: scf.for
// CHECK-LABEL: func.func private @train_step_k1
// CHECK-SAME: (%[[Y1:.+]]: memref<4x16xf32>, %[[S1:.+]]: vector<16xf32>)
// CHECK: arith.addf %[[S1]], %[[S1]]
// CHECK: scf.for
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[BA:.+]]: memref<16xf32>, %[[YA:.+]]: memref<4x16xf32>, %[[SA:.+]]: memref<16xf32>)
// CHECK: %[[SHARED:.+]] = vector.load %[[SA]]
// CHECK-NOT: vector.load
// CHECK: call @train_step_k0(%[[BA]], %[[SHARED]], %[[YA]])
// CHECK-NEXT: call @train_step_k1(%[[YA]], %[[SHARED]])
// CHECK-NEXT: return
func.func @train_step(%b: memref<16xf32>, %y: memref<4x16xf32>, %s: memref<16xf32>) attributes {kiln.entry = {batch = 4 : i64, mode = "train", name = "train_step"}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %shared = vector.load %s[%c0] : memref<16xf32>, vector<16xf32>
  %twice = arith.addf %shared, %shared : vector<16xf32>
  %bias = vector.load %b[%c0] : memref<16xf32>, vector<16xf32>
  %sum = arith.addf %bias, %shared : vector<16xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    vector.store %sum, %y[%i, %c0] : memref<4x16xf32>, vector<16xf32>
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %r = vector.load %y[%i, %c0] : memref<4x16xf32>, vector<16xf32>
    %t = arith.addf %r, %twice : vector<16xf32>
    vector.store %t, %y[%i, %c0] : memref<4x16xf32>, vector<16xf32>
  }
  return
}

// -----

// Tests that a read hoisted before a kernel does not move past a write to
// memory (here an earlier store at top level): it is passed by value.
// CHECK-LABEL: func.func private @eval_step_k0
// CHECK-SAME: (%{{.+}}: vector<16xf32>, %{{.+}}: memref<4x16xf32>)
// CHECK-LABEL: func.func @eval_step
// CHECK: %[[R:.+]] = vector.load
// CHECK-NEXT: vector.store
// CHECK-NEXT: call @eval_step_k0(%[[R]], %{{.+}})
func.func @eval_step(%y: memref<4x16xf32>, %b: memref<16xf32>) attributes {kiln.entry = {batch = 4 : i64, mode = "eval", name = "eval_step"}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %r = vector.load %b[%c0] : memref<16xf32>, vector<16xf32>
  vector.store %zero, %b[%c0] : memref<16xf32>, vector<16xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    vector.store %r, %y[%i, %c0] : memref<4x16xf32>, vector<16xf32>
  }
  return
}

// -----

// Tests that the ops after a reduction loop that consume its result (the
// write of the accumulated vector) join the kernel, and that a value a later
// op still needs is returned.
// CHECK-LABEL: func.func private @forward_k0
// CHECK-SAME: (%[[X:.+]]: memref<4x16xf32>, %[[OUT:.+]]: memref<16xf32>) -> vector<16xf32>
// CHECK: %[[ACC:.+]] = scf.for
// CHECK: %[[NEG:.+]] = arith.negf %[[ACC]]
// CHECK: vector.store %[[ACC]], %[[OUT]]
// CHECK: return %[[NEG]] : vector<16xf32>
// CHECK-LABEL: func.func @forward
// CHECK: %[[N:.+]] = call @forward_k0
// CHECK-NEXT: memref.load
// CHECK-NEXT: vector.store %[[N]]
func.func @forward(%x: memref<4x16xf32>, %out: memref<16xf32>, %out2: memref<16xf32>, %flag: memref<f32>) attributes {kiln.entry = {batch = 4 : i64, mode = "eval", name = "forward"}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %acc = scf.for %i = %c0 to %c4 step %c1 iter_args(%a = %zero) -> vector<16xf32> {
    %r = vector.load %x[%i, %c0] : memref<4x16xf32>, vector<16xf32>
    %n = arith.addf %a, %r : vector<16xf32>
    scf.yield %n : vector<16xf32>
  }
  %neg = arith.negf %acc : vector<16xf32>
  vector.store %acc, %out[%c0] : memref<16xf32>, vector<16xf32>
  %f = memref.load %flag[] : memref<f32>
  vector.store %neg, %out2[%c0] : memref<16xf32>, vector<16xf32>
  return
}

// -----

// Tests that identical loop nests of two entry points share one kernel, and
// that functions without kiln.entry are left alone.
// CHECK-LABEL: func.func private @forward_k0
// CHECK-NOT: func.func private
// CHECK-LABEL: func.func @forward
// CHECK: call @forward_k0
// CHECK-LABEL: func.func @helper
// CHECK: scf.for
// CHECK-LABEL: func.func @eval_step
// CHECK: call @forward_k0
func.func @forward(%y: memref<4x16xf32>) attributes {kiln.entry = {batch = 4 : i64, mode = "eval", name = "forward"}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    vector.store %zero, %y[%i, %c0] : memref<4x16xf32>, vector<16xf32>
  }
  return
}
func.func @helper(%y: memref<4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    vector.store %zero, %y[%i, %c0] : memref<4x16xf32>, vector<16xf32>
  }
  return
}
func.func @eval_step(%y: memref<4x16xf32>) attributes {kiln.entry = {batch = 4 : i64, mode = "eval", name = "eval_step"}} {
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %c0 = arith.constant 0 : index
  scf.for %i = %c0 to %c4 step %c1 {
    vector.store %zero, %y[%i, %c0] : memref<4x16xf32>, vector<16xf32>
  }
  return
}

// -----

// Tests that straight-line code (kernels whose tiles covered their whole
// iteration space) becomes kernels like loop nests: the run of 35 ops is cut
// where a read follows a write once a part has 16 ops, the two identical
// parts call one function, and the short rest (3 ops) stays inline.
// CHECK-LABEL: func.func private @train_step_k0
// CHECK-SAME: (%[[X:.+]]: memref<4x16xf32>, %[[Y:.+]]: memref<4x16xf32>)
// CHECK-COUNT-4: vector.store %{{.+}}, %[[Y]]
// CHECK-NEXT: return
// CHECK-NOT: func.func private
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[XA:.+]]: memref<4x16xf32>, %[[YA:.+]]: memref<4x16xf32>, %[[ZA:.+]]: memref<4x16xf32>)
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0 : index
// CHECK: call @train_step_k0(%[[XA]], %[[YA]])
// CHECK-NEXT: call @train_step_k0(%[[XA]], %[[ZA]])
// CHECK-NEXT: %[[SHORT:.+]] = vector.load %[[YA]][%[[C0]], %[[C0]]]
// CHECK-NEXT: %[[SUM:.+]] = arith.addf %[[SHORT]], %[[SHORT]]
// CHECK-NEXT: vector.store %[[SUM]], %[[ZA]][%[[C0]], %[[C0]]]
// CHECK-NEXT: return
func.func @train_step(%x: memref<4x16xf32>, %y: memref<4x16xf32>, %z: memref<4x16xf32>) attributes {kiln.entry = {batch = 4 : i64, mode = "train", name = "train_step"}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %ax0 = vector.load %x[%c0, %c0] : memref<4x16xf32>, vector<16xf32>
  %bx0 = arith.addf %ax0, %ax0 : vector<16xf32>
  %mx0 = arith.mulf %bx0, %ax0 : vector<16xf32>
  vector.store %mx0, %y[%c0, %c0] : memref<4x16xf32>, vector<16xf32>
  %ax1 = vector.load %x[%c1, %c0] : memref<4x16xf32>, vector<16xf32>
  %bx1 = arith.addf %ax1, %ax1 : vector<16xf32>
  %mx1 = arith.mulf %bx1, %ax1 : vector<16xf32>
  vector.store %mx1, %y[%c1, %c0] : memref<4x16xf32>, vector<16xf32>
  %ax2 = vector.load %x[%c2, %c0] : memref<4x16xf32>, vector<16xf32>
  %bx2 = arith.addf %ax2, %ax2 : vector<16xf32>
  %mx2 = arith.mulf %bx2, %ax2 : vector<16xf32>
  vector.store %mx2, %y[%c2, %c0] : memref<4x16xf32>, vector<16xf32>
  %ax3 = vector.load %x[%c3, %c0] : memref<4x16xf32>, vector<16xf32>
  %bx3 = arith.addf %ax3, %ax3 : vector<16xf32>
  %mx3 = arith.mulf %bx3, %ax3 : vector<16xf32>
  vector.store %mx3, %y[%c3, %c0] : memref<4x16xf32>, vector<16xf32>
  %px0 = vector.load %x[%c0, %c0] : memref<4x16xf32>, vector<16xf32>
  %qx0 = arith.addf %px0, %px0 : vector<16xf32>
  %rx0 = arith.mulf %qx0, %px0 : vector<16xf32>
  vector.store %rx0, %z[%c0, %c0] : memref<4x16xf32>, vector<16xf32>
  %px1 = vector.load %x[%c1, %c0] : memref<4x16xf32>, vector<16xf32>
  %qx1 = arith.addf %px1, %px1 : vector<16xf32>
  %rx1 = arith.mulf %qx1, %px1 : vector<16xf32>
  vector.store %rx1, %z[%c1, %c0] : memref<4x16xf32>, vector<16xf32>
  %px2 = vector.load %x[%c2, %c0] : memref<4x16xf32>, vector<16xf32>
  %qx2 = arith.addf %px2, %px2 : vector<16xf32>
  %rx2 = arith.mulf %qx2, %px2 : vector<16xf32>
  vector.store %rx2, %z[%c2, %c0] : memref<4x16xf32>, vector<16xf32>
  %px3 = vector.load %x[%c3, %c0] : memref<4x16xf32>, vector<16xf32>
  %qx3 = arith.addf %px3, %px3 : vector<16xf32>
  %rx3 = arith.mulf %qx3, %px3 : vector<16xf32>
  vector.store %rx3, %z[%c3, %c0] : memref<4x16xf32>, vector<16xf32>
  %s = vector.load %y[%c0, %c0] : memref<4x16xf32>, vector<16xf32>
  %t = arith.addf %s, %s : vector<16xf32>
  vector.store %t, %z[%c0, %c0] : memref<4x16xf32>, vector<16xf32>
  return
}

// -----

// Tests that a run is measured by its unrolled size: 4 ops on
// vector<16x16xf32> count 16 each, so the run becomes a kernel.
// CHECK-LABEL: func.func private @wide_k0
// CHECK-SAME: (%[[X:[^:]+]]: memref<16x16xf32>, %[[Y:[^:]+]]: memref<16x16xf32>)
// CHECK: %[[A:.+]] = vector.transfer_read %[[X]]
// CHECK-NEXT: %[[M:.+]] = arith.mulf %[[A]], %[[A]] : vector<16x16xf32>
// CHECK-NEXT: %[[S:.+]] = arith.subf %[[M]], %[[A]] : vector<16x16xf32>
// CHECK-NEXT: vector.transfer_write %[[S]], %[[Y]]
// CHECK-NEXT: return
// CHECK-LABEL: func.func @wide
// CHECK-SAME: (%[[XA:[^:]+]]: memref<16x16xf32>, %[[YA:[^:]+]]: memref<16x16xf32>)
// CHECK-NEXT: call @wide_k0(%[[XA]], %[[YA]]) : (memref<16x16xf32>, memref<16x16xf32>) -> ()
// CHECK-NEXT: return
func.func @wide(%x: memref<16x16xf32>, %y: memref<16x16xf32>) attributes {kiln.entry = {batch = 16 : i64, mode = "eval", name = "wide"}} {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %a = vector.transfer_read %x[%c0, %c0], %pad {in_bounds = [true, true]} : memref<16x16xf32>, vector<16x16xf32>
  %m = arith.mulf %a, %a : vector<16x16xf32>
  %s = arith.subf %m, %a : vector<16x16xf32>
  vector.transfer_write %s, %y[%c0, %c0] {in_bounds = [true, true]} : vector<16x16xf32>, memref<16x16xf32>
  return
}

// -----

// Tests that the same 4 ops on 1-D vector<16xf32> (size 4) stay inline.
// CHECK-NOT: func.func private
// CHECK-LABEL: func.func @narrow
// CHECK-NOT: call
// CHECK: %[[A:.+]] = vector.transfer_read
// CHECK-NEXT: %[[M:.+]] = arith.mulf %[[A]], %[[A]] : vector<16xf32>
// CHECK-NEXT: %[[S:.+]] = arith.subf %[[M]], %[[A]] : vector<16xf32>
// CHECK-NEXT: vector.transfer_write %[[S]]
// CHECK-NEXT: return
func.func @narrow(%x: memref<16xf32>, %y: memref<16xf32>) attributes {kiln.entry = {batch = 16 : i64, mode = "eval", name = "narrow"}} {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %a = vector.transfer_read %x[%c0], %pad {in_bounds = [true]} : memref<16xf32>, vector<16xf32>
  %m = arith.mulf %a, %a : vector<16xf32>
  %s = arith.subf %m, %a : vector<16xf32>
  vector.transfer_write %s, %y[%c0] {in_bounds = [true]} : vector<16xf32>, memref<16xf32>
  return
}

// -----

// Tests that a pure op of a run that needs nothing the run computes (a
// splat of the learning rate) and that a later run uses too is not returned
// by the first kernel: each kernel takes the scalar and splats it itself.
// CHECK-LABEL: func.func private @update_k0
// CHECK-SAME: (%[[LR:[^:]+]]: f32, %{{[^:]+}}: memref<16x16xf32>, %{{[^:]+}}: memref<16x16xf32>) attributes
// CHECK: %[[S:.+]] = vector.splat %[[LR]] : vector<16x16xf32>
// CHECK: arith.mulf %{{.+}}, %[[S]]
// CHECK: vector.transfer_write
// CHECK-NEXT: return{{$}}
// CHECK-LABEL: func.func private @update_k1
// CHECK-SAME: (%{{[^:]+}}: memref<16x16xf32>, %[[LR1:[^:]+]]: f32) attributes
// CHECK: %[[S1:.+]] = vector.splat %[[LR1]] : vector<16x16xf32>
// CHECK: arith.mulf %{{.+}}, %[[S1]]
// CHECK-NEXT: vector.transfer_write
// CHECK-NEXT: return{{$}}
// CHECK-LABEL: func.func @update
// CHECK-SAME: (%[[LRA:[^:]+]]: f32, %[[WA:[^:]+]]: memref<16x16xf32>, %[[GA:[^:]+]]: memref<16x16xf32>, %[[VA:[^:]+]]: memref<16x16xf32>)
// CHECK-NEXT: call @update_k0(%[[LRA]], %[[GA]], %[[WA]]) : (f32, memref<16x16xf32>, memref<16x16xf32>) -> ()
// CHECK-NEXT: call @update_k1(%[[VA]], %[[LRA]]) : (memref<16x16xf32>, f32) -> ()
// CHECK-NEXT: return
func.func @update(%lr: f32, %w: memref<16x16xf32>, %g: memref<16x16xf32>, %v: memref<16x16xf32>) attributes {kiln.entry = {batch = 16 : i64, mode = "train", name = "update"}} {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %s = vector.splat %lr : vector<16x16xf32>
  %gr = vector.transfer_read %g[%c0, %c0], %pad {in_bounds = [true, true]} : memref<16x16xf32>, vector<16x16xf32>
  %d = arith.mulf %gr, %s : vector<16x16xf32>
  %wr = vector.transfer_read %w[%c0, %c0], %pad {in_bounds = [true, true]} : memref<16x16xf32>, vector<16x16xf32>
  %nw = arith.subf %wr, %d : vector<16x16xf32>
  vector.transfer_write %nw, %w[%c0, %c0] {in_bounds = [true, true]} : vector<16x16xf32>, memref<16x16xf32>
  %vr = vector.transfer_read %v[%c0, %c0], %pad {in_bounds = [true, true]} : memref<16x16xf32>, vector<16x16xf32>
  %dv = arith.mulf %vr, %s : vector<16x16xf32>
  vector.transfer_write %dv, %v[%c0, %c0] {in_bounds = [true, true]} : vector<16x16xf32>, memref<16x16xf32>
  return
}

// -----

// Tests that a workspace view made inside a kernel's loops (an accumulator
// of an unvectorized op) takes its offset as an argument, not as a constant:
// two layers whose accumulators lie at different offsets share one kernel.
// The offset's other use, a loop bound, keeps the constant.
// CHECK-LABEL: func.func private @eval_step_k0
// CHECK-SAME: (%[[WS:.+]]: memref<512xi8>, %[[OUT:.+]]: index, %[[ACC:.+]]: index)
// CHECK: %[[C64:.+]] = arith.constant 64 : index
// CHECK: scf.for %{{.+}} = %{{.+}} to %[[C64]]
// CHECK: memref.view %[[WS]][%[[ACC]]][] : memref<512xi8> to memref<f32>
// CHECK-NOT: func.func private @eval_step_k1
// CHECK-LABEL: func.func @eval_step
// CHECK: call @eval_step_k0(%{{.+}}, %{{.+}}, %[[C64A:.+]]) :
// CHECK-NEXT: call @eval_step_k0(%{{.+}}, %{{.+}}, %{{.+}}) :
// CHECK-NEXT: return
func.func @eval_step(%ws: memref<512xi8>) attributes {kiln.entry = {batch = 1 : i64, mode = "eval", name = "eval_step"}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  %a = memref.view %ws[%c128][] : memref<512xi8> to memref<64xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %acc = memref.view %ws[%c64][] : memref<512xi8> to memref<f32>
    memref.store %zero, %acc[] : memref<f32>
    %s = memref.load %acc[] : memref<f32>
    memref.store %s, %a[%i] : memref<64xf32>
  }
  %b = memref.view %ws[%c256][] : memref<512xi8> to memref<64xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %acc = memref.view %ws[%c0][] : memref<512xi8> to memref<f32>
    memref.store %zero, %acc[] : memref<f32>
    %s = memref.load %acc[] : memref<f32>
    memref.store %s, %b[%i] : memref<64xf32>
  }
  return
}
