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

// -----

// Tests that a temporary yielded out of a loop (one per iteration, alive
// together) is refused rather than given a single slice.
module {
  func.func @forward(%x: memref<16xf32>) attributes {kiln.bindings = [{table = "inputs", index = 0}]} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %first = memref.alloc() : memref<16xf32>
    %last = scf.for %i = %c0 to %c4 step %c1 iter_args(%prev = %first) -> (memref<16xf32>) {
      // expected-error @+1 {{kiln-workspace: a temporary that leaves its region (through scf.yield) cannot be placed in the workspace}}
      %next = memref.alloc() : memref<16xf32>
      memref.copy %prev, %next : memref<16xf32> to memref<16xf32>
      scf.yield %next : memref<16xf32>
    }
    return
  }
}
