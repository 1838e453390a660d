// Error cases of kiln-lower-allreduce (kiln-lower-allreduce.mlir runs them).

// Tests that an allreduce still on tensors is rejected: it runs after bufferization.
func.func @tensor(%ctx: !llvm.ptr, %t: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{kiln-lower-allreduce: expects a bufferized 1-D buffer with a static identity layout, got 'tensor<4xf32>'}}
  %r = optim.allreduce %ctx, %t : tensor<4xf32> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Tests that unpacked values are rejected: a step makes one call.
func.func @unpacked(%ctx: !llvm.ptr, %a: memref<4xf32>, %b: memref<4xf32>) {
  // expected-error @+1 {{kiln-lower-allreduce: expects one packed buffer, got 2 values (optim-to-linalg packs them)}}
  optim.allreduce %ctx, %a, %b : memref<4xf32>, memref<4xf32>
  return
}

// -----

// Tests that a 2-D buffer is rejected (optim-to-linalg packs 1-D).
func.func @matrix(%ctx: !llvm.ptr, %b: memref<2x4xf32>) {
  // expected-error @+1 {{kiln-lower-allreduce: expects a bufferized 1-D buffer with a static identity layout, got 'memref<2x4xf32>'}}
  optim.allreduce %ctx, %b : memref<2x4xf32>
  return
}

// -----

// Tests that a strided buffer is rejected: the callback takes contiguous floats.
func.func @strided(%ctx: !llvm.ptr, %b: memref<4xf32, strided<[2]>>) {
  // expected-error @+1 {{kiln-lower-allreduce: expects a bufferized 1-D buffer with a static identity layout, got 'memref<4xf32, strided<[2]>>'}}
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
