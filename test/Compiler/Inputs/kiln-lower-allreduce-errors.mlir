// Error cases of kiln-lower-allreduce (kiln-lower-allreduce.mlir runs them).

// Tests that an allreduce still on tensors is rejected: it runs after bufferization.
func.func @tensor(%ctx: !llvm.ptr, %t: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{kiln-lower-allreduce: expects bufferized f32 values with a static identity layout, got 'tensor<4xf32>'}}
  %r = optim.allreduce %ctx, %t : tensor<4xf32> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Tests that an f64 buffer is rejected: the callback sums floats.
func.func @f64(%ctx: !llvm.ptr, %b: memref<4xf64>) {
  // expected-error @+1 {{kiln-lower-allreduce: expects bufferized f32 values with a static identity layout, got 'memref<4xf64>'}}
  optim.allreduce %ctx, %b : memref<4xf64>
  return
}

// -----

// Tests that a strided buffer is rejected: the callback takes contiguous floats.
func.func @strided(%ctx: !llvm.ptr, %b: memref<4xf32, strided<[2]>>) {
  // expected-error @+1 {{kiln-lower-allreduce: expects bufferized f32 values with a static identity layout, got 'memref<4xf32, strided<[2]>>'}}
  optim.allreduce %ctx, %b : memref<4xf32, strided<[2]>>
  return
}

// -----

// Tests that a module defining the helper's name already is rejected.
// expected-error @+1 {{kiln-lower-allreduce: the module already defines @kiln_allreduce_4}}
module {
  func.func private @kiln_allreduce_4()
  func.func @clash(%ctx: !llvm.ptr, %b: memref<4xf32>) {
    optim.allreduce %ctx, %b : memref<4xf32>
    return
  }
}
