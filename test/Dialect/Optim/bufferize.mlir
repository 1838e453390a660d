// RUN: kiln-opt %s -split-input-file -one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" | FileCheck %s

// Tests that allreduce bufferizes in place: the buffer form on the value's own buffer, which then is the result's.
// CHECK-LABEL: func.func @in_place
// CHECK-SAME: (%[[CTX:.+]]: !llvm.ptr, %[[B:.+]]: memref<22xf32>) -> memref<22xf32>
// CHECK-NEXT: optim.allreduce %[[CTX]], %[[B]] : memref<22xf32>
// CHECK-NEXT: return %[[B]]
func.func @in_place(%ctx: !llvm.ptr, %t: tensor<22xf32> {bufferization.writable = true}) -> tensor<22xf32> {
  %r = optim.allreduce %ctx, %t : tensor<22xf32> -> tensor<22xf32>
  return %r : tensor<22xf32>
}

// -----

// Tests that a value still read after the allreduce is copied first: the allreduce writes its buffer.
// CHECK-LABEL: func.func @read_after
// CHECK-SAME: (%[[CTX:.+]]: !llvm.ptr, %[[B:.+]]: memref<4xf32>)
// CHECK: %[[COPY:.+]] = memref.alloc() {{.*}} : memref<4xf32>
// CHECK-NEXT: memref.copy %[[B]], %[[COPY]]
// CHECK-NEXT: optim.allreduce %[[CTX]], %[[COPY]] : memref<4xf32>
// CHECK: return %[[COPY]], %[[B]]
func.func @read_after(%ctx: !llvm.ptr, %t: tensor<4xf32> {bufferization.writable = true})
    -> (tensor<4xf32>, tensor<4xf32>) {
  %r = optim.allreduce %ctx, %t : tensor<4xf32> -> tensor<4xf32>
  return %r, %t : tensor<4xf32>, tensor<4xf32>
}
