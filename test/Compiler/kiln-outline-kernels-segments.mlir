// RUN: kiln-opt %s -split-input-file -kiln-outline-kernels=segment-ops=2 | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-outline-kernels | FileCheck %s --check-prefix=SHORT
// RUN: not kiln-opt %s -kiln-outline-kernels=segment-ops=0 2>&1 | FileCheck %s --check-prefix=ZERO

// Tests that an entry point with more than twice segment-ops ops (its
// constants and views aside) is cut into segments of that many, each a
// private, never-inlined function like a kernel: the views move to the top
// and each segment makes its own; a value a later segment or the return uses
// comes back as a result. Equal segments are kept once.
// CHECK-LABEL: func.func private @train_step_k0
// CHECK-SAME: (%[[WS:.+]]: memref<64xi8>, %[[FROM:.+]]: index, %[[TO:.+]]: index) -> f32
// CHECK-DAG: %[[A:.+]] = memref.view %[[WS]][%[[FROM]]][] : memref<64xi8> to memref<f32>
// CHECK-DAG: %[[B:.+]] = memref.view %[[WS]][%[[TO]]][] : memref<64xi8> to memref<f32>
// CHECK: %[[V:.+]] = memref.load %[[A]][]
// CHECK: memref.store %[[V]], %[[B]][]
// CHECK: return %[[V]] : f32
// CHECK-LABEL: func.func private @train_step_k1
// CHECK-SAME: (%{{.+}}: f32, %{{.+}}: memref<64xi8>, %{{.+}}: index, %{{.+}}: index)
// CHECK-NOT: func.func private @train_step_k2
// CHECK-LABEL: func.func @train_step
// CHECK-NOT: memref.view
// CHECK: %[[L:.+]] = call @train_step_k0(
// CHECK-NEXT: call @train_step_k1(%[[L]], %{{.+}}, %[[C8:.+]], %[[C8]])
// CHECK-NEXT: call @train_step_k1(%[[L]], %{{.+}}, %[[C4:.+]], %[[C0:.+]])
// CHECK-NEXT: return %[[L]] : f32
// SHORT-LABEL: func.func @train_step
// SHORT-NOT: call
// SHORT: return
// ZERO: error: kiln-outline-kernels: segment-ops must be at least 1, got 0
func.func @train_step(%ws: memref<64xi8>) -> f32 attributes {kiln.entry = {batch = 1 : i64, mode = "train", name = "train_step"}} {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %a = memref.view %ws[%c0][] : memref<64xi8> to memref<f32>
  %l = memref.load %a[] : memref<f32>
  %b = memref.view %ws[%c4][] : memref<64xi8> to memref<f32>
  memref.store %l, %b[] : memref<f32>
  %c = memref.view %ws[%c8][] : memref<64xi8> to memref<f32>
  memref.store %l, %c[] : memref<f32>
  %d = memref.view %ws[%c8][] : memref<64xi8> to memref<f32>
  memref.store %l, %d[] : memref<f32>
  %e = memref.view %ws[%c4][] : memref<64xi8> to memref<f32>
  memref.store %l, %e[] : memref<f32>
  %f = memref.view %ws[%c0][] : memref<64xi8> to memref<f32>
  memref.store %l, %f[] : memref<f32>
  return %l : f32
}

// -----

// Tests that no cut passes a vector from one segment to the next: the
// segment that loads the vector grows until its last use.
// CHECK-LABEL: func.func private @eval_step_k0
// CHECK-SAME: (%{{.+}}: memref<16xf32>, %{{.+}}: f32, %{{.+}}: memref<f32>, %{{.+}}: memref<16xf32>)
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[V:.+]] = vector.load
// CHECK-NEXT: memref.store
// CHECK-NEXT: vector.store %[[V]]
// CHECK-NEXT: return
// CHECK-NOT: vector<16xf32>)
// CHECK-LABEL: func.func @eval_step
func.func @eval_step(%a: memref<16xf32>, %b: memref<16xf32>, %s: memref<f32>, %x: f32) attributes {kiln.entry = {batch = 1 : i64, mode = "eval", name = "eval_step"}} {
  %c0 = arith.constant 0 : index
  %v = vector.load %a[%c0] : memref<16xf32>, vector<16xf32>
  memref.store %x, %s[] : memref<f32>
  vector.store %v, %b[%c0] : memref<16xf32>, vector<16xf32>
  memref.store %x, %s[] : memref<f32>
  memref.store %x, %s[] : memref<f32>
  memref.store %x, %s[] : memref<f32>
  return
}
