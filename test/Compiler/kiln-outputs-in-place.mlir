// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kiln-outputs-in-place))' | FileCheck %s
// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kiln-outputs-in-place),one-shot-bufferize,canonicalize)' | FileCheck %s --check-prefix=BUF

// Tests that an output computed into an empty through a fill and a loop
// (as a tiled product is) is computed in the caller's buffer: the empty
// becomes a to_tensor of it, and after bufferization no temporary and no
// copy are left.
// CHECK-LABEL: func.func @product
// CHECK-SAME: (%[[X:[^:]+]]: memref<4x8xf32>, %[[OUT:[^:]+]]: memref<4x8xf32>)
// CHECK-NOT: tensor.empty
// CHECK: %[[T:.+]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<4x8xf32>
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[T]] : tensor<4x8xf32>)
// BUF-LABEL: func.func @product
// BUF-NOT: memref.alloc
// BUF-NOT: memref.copy
// BUF: return
func.func @product(%x: memref<4x8xf32>, %out: memref<4x8xf32>) {
  %xt = bufferization.to_tensor %x restrict : memref<4x8xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%acc = %f) -> tensor<4x8xf32> {
    %s = linalg.add ins(%acc, %xt : tensor<4x8xf32>, tensor<4x8xf32>) outs(%acc : tensor<4x8xf32>) -> tensor<4x8xf32>
    scf.yield %s : tensor<4x8xf32>
  }
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<4x8xf32>, memref<4x8xf32>) -> ()
  return
}

// -----

// Tests what stays as it was: an output read from an argument's tensor (no
// empty under it), an empty with another use (filled for a second output
// too), and a parameter updated in place (its buffer is also read, through
// its own to_tensor).
// CHECK-LABEL: func.func @copied
// CHECK-NEXT: bufferization.to_tensor
// CHECK-NEXT: bufferization.materialize_in_destination
// CHECK-NEXT: return
// CHECK-LABEL: func.func @shared
// CHECK: tensor.empty
// CHECK-NOT: bufferization.to_tensor
// CHECK: return
// CHECK-LABEL: func.func @tied
// CHECK-NEXT: bufferization.to_tensor
// CHECK-NEXT: tensor.empty
func.func @copied(%x: memref<4x8xf32>, %out: memref<4x8xf32>) {
  %xt = bufferization.to_tensor %x restrict : memref<4x8xf32>
  bufferization.materialize_in_destination %xt in restrict writable %out : (tensor<4x8xf32>, memref<4x8xf32>) -> ()
  return
}

func.func @shared(%out: memref<4x8xf32>, %out2: memref<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %g = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  bufferization.materialize_in_destination %f in restrict writable %out : (tensor<4x8xf32>, memref<4x8xf32>) -> ()
  bufferization.materialize_in_destination %g in restrict writable %out2 : (tensor<4x8xf32>, memref<4x8xf32>) -> ()
  return
}

func.func @tied(%p: memref<4x8xf32>) {
  %pt = bufferization.to_tensor %p restrict writable : memref<4x8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.add ins(%pt, %pt : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  bufferization.materialize_in_destination %s in restrict writable %p : (tensor<4x8xf32>, memref<4x8xf32>) -> ()
  return
}

// -----

// Tests the matmul's own form: the zero accumulator a vector write into the
// empty (kernel-tile's fill), then a loop: computed in place, and the
// materialization no longer restrict (the to_tensor is the buffer's one
// restrict access).
// CHECK-LABEL: func.func @vector_fill
// CHECK-SAME: (%[[X:[^:]+]]: memref<4x16xf32>, %[[OUT:[^:]+]]: memref<4x16xf32>)
// CHECK: %[[T:.+]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<4x16xf32>
// CHECK: vector.transfer_write %{{.+}}, %[[T]]
// CHECK: bufferization.materialize_in_destination %{{.+}} in writable %[[OUT]]
// BUF-LABEL: func.func @vector_fill
// BUF-NOT: memref.alloc
// BUF-NOT: memref.copy
// BUF: return
func.func @vector_fill(%x: memref<4x16xf32>, %out: memref<4x16xf32>) {
  %xt = bufferization.to_tensor %x restrict : memref<4x16xf32>
  %zeros = arith.constant dense<0.0> : vector<4x16xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %e = tensor.empty() : tensor<4x16xf32>
  %z = vector.transfer_write %zeros, %e[%c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, tensor<4x16xf32>
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%acc = %z) -> tensor<4x16xf32> {
    %s = linalg.add ins(%acc, %xt : tensor<4x16xf32>, tensor<4x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
    scf.yield %s : tensor<4x16xf32>
  }
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<4x16xf32>, memref<4x16xf32>) -> ()
  return
}

// -----

// Tests that a chain whose intermediate is also read elsewhere (the fill,
// read again after the loop) is left alone: in the output's buffer, that
// read would see the loop's sums.
// CHECK-LABEL: func.func @read_twice
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[E]] : tensor<4x8xf32>)
func.func @read_twice(%x: memref<4x8xf32>, %out: memref<4x8xf32>, %out2: memref<4x8xf32>) {
  %xt = bufferization.to_tensor %x restrict : memref<4x8xf32>
  %one = arith.constant 1.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%one : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%acc = %f) -> tensor<4x8xf32> {
    %s = linalg.add ins(%acc, %xt : tensor<4x8xf32>, tensor<4x8xf32>) outs(%acc : tensor<4x8xf32>) -> tensor<4x8xf32>
    scf.yield %s : tensor<4x8xf32>
  }
  %e2 = tensor.empty() : tensor<4x8xf32>
  %g = linalg.add ins(%r, %f : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e2 : tensor<4x8xf32>) -> tensor<4x8xf32>
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<4x8xf32>, memref<4x8xf32>) -> ()
  bufferization.materialize_in_destination %g in restrict writable %out2 : (tensor<4x8xf32>, memref<4x8xf32>) -> ()
  return
}

// -----

// Tests an output computed in two pieces of one empty, as a loop peeled
// into whole blocks and the rest is (each piece in a slice of the value so
// far, inserted back at its place): the empty becomes the output's buffer,
// each slice a view of it; nothing allocated, nothing copied into it.
// CHECK-LABEL: func.func @peeled
// CHECK-SAME: (%[[OUT:[^:]+]]: memref<4x8xf32>)
// CHECK-NOT: tensor.empty
// CHECK: %[[T:.+]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<4x8xf32>
// CHECK: tensor.extract_slice %[[T]][0, 0] [4, 6] [1, 1]
// CHECK: tensor.insert_slice %{{.+}} into %[[T]][0, 0] [4, 6] [1, 1]
// BUF-LABEL: func.func @peeled
// BUF-SAME: (%[[OUT:[^:]+]]: memref<4x8xf32>)
// BUF-NOT: memref.alloc
// BUF-NOT: memref.copy %{{.+}}, %[[OUT]] :
// BUF: return
func.func @peeled(%out: memref<4x8xf32>) {
  %a = arith.constant 1.0 : f32
  %b = arith.constant 2.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %s0 = tensor.extract_slice %e[0, 0] [4, 6] [1, 1] : tensor<4x8xf32> to tensor<4x6xf32>
  %p0 = linalg.fill ins(%a : f32) outs(%s0 : tensor<4x6xf32>) -> tensor<4x6xf32>
  %i0 = tensor.insert_slice %p0 into %e[0, 0] [4, 6] [1, 1] : tensor<4x6xf32> into tensor<4x8xf32>
  %s1 = tensor.extract_slice %i0[0, 6] [4, 2] [1, 1] : tensor<4x8xf32> to tensor<4x2xf32>
  %p1 = linalg.fill ins(%b : f32) outs(%s1 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %i1 = tensor.insert_slice %p1 into %i0[0, 6] [4, 2] [1, 1] : tensor<4x2xf32> into tensor<4x8xf32>
  bufferization.materialize_in_destination %i1 in restrict writable %out : (tensor<4x8xf32>, memref<4x8xf32>) -> ()
  return
}

// -----

// Tests that a tied argument nothing reads (a derived tensor, which prepare
// only writes) is computed in place: its unused to_tensor goes first. A
// param read and updated keeps its copy.
// CHECK-LABEL: func.func @prepare
// CHECK-SAME: (%[[W:[^:]+]]: memref<4x8xf32>, %[[D:[^:]+]]: memref<8x4xf32>)
// CHECK-NOT: bufferization.to_tensor %[[D]]
// CHECK: %[[T:.+]] = bufferization.to_tensor %[[D]] restrict writable : memref<8x4xf32>
// CHECK-NOT: bufferization.to_tensor %[[D]]
// CHECK: linalg.transpose ins(%{{.+}} : tensor<4x8xf32>) outs(%[[T]] : tensor<8x4xf32>)
// CHECK: bufferization.materialize_in_destination %{{.+}} in writable %[[D]]
// BUF-LABEL: func.func @prepare
// BUF-NOT: memref.alloc
// BUF-NOT: memref.copy
// BUF: return
func.func @prepare(%w: memref<4x8xf32>, %d: memref<8x4xf32>) {
  %wt = bufferization.to_tensor %w restrict : memref<4x8xf32>
  %dt = bufferization.to_tensor %d restrict writable : memref<8x4xf32>
  %e = tensor.empty() : tensor<8x4xf32>
  %t = linalg.transpose ins(%wt : tensor<4x8xf32>) outs(%e : tensor<8x4xf32>) permutation = [1, 0]
  bufferization.materialize_in_destination %t in restrict writable %d : (tensor<8x4xf32>, memref<8x4xf32>) -> ()
  return
}

// -----

// Tests that a param read and updated (its to_tensor used) keeps its
// temporary and copy: computing in place would overwrite what it reads.
// CHECK-LABEL: func.func @update
// CHECK: tensor.empty
// BUF-LABEL: func.func @update
// BUF: memref.alloc
// BUF: memref.copy
func.func @update(%w: memref<4x8xf32>) {
  %wt = bufferization.to_tensor %w restrict writable : memref<4x8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %n = linalg.add ins(%wt, %wt : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  bufferization.materialize_in_destination %n in restrict writable %w : (tensor<4x8xf32>, memref<4x8xf32>) -> ()
  return
}
