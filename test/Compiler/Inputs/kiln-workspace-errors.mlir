// Error cases of kiln-workspace, checked with -verify-diagnostics by ../kiln-workspace.mlir.

// Tests that a dynamically sized alloc cannot be planned.
module {
  func.func @forward(%x: memref<16xf32>, %n: index)
      attributes {kiln.bindings = [{table = "inputs", index = 0}, {table = "lr", index = 0}]} {
    // expected-error @+1 {{kiln-workspace: cannot place 'memref<?xf32>' in the workspace (static identity-layout scalar memrefs only)}}
    %a = memref.alloc(%n) : memref<?xf32>
    return
  }
}

// -----

// Tests that an alloc with a strided layout cannot be planned.
module {
  func.func @forward(%x: memref<16xf32>) attributes {kiln.bindings = [{table = "inputs", index = 0}]} {
    // expected-error @+1 {{kiln-workspace: cannot place 'memref<4x4xf32, strided<[8, 1]>>' in the workspace}}
    %a = memref.alloc() : memref<4x4xf32, strided<[8, 1]>>
    return
  }
}

// -----

// Tests that an alloc of vectors cannot be planned.
module {
  func.func @forward(%x: memref<16xf32>) attributes {kiln.bindings = [{table = "inputs", index = 0}]} {
    // expected-error @+1 {{kiln-workspace: cannot place 'memref<4xvector<8xf32>>' in the workspace}}
    %a = memref.alloc() : memref<4xvector<8xf32>>
    return
  }
}
