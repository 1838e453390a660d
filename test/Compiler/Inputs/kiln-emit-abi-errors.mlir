// Error cases of kiln-emit-abi, checked with -verify-diagnostics by ../kiln-emit-abi.mlir.

// Tests that a module without llvm.func entry points is rejected.
// expected-error @+1 {{kiln-emit-abi expects llvm.func entry points (kiln.entry)}}
module {
  llvm.func @forward(%w: !llvm.ptr, %x: !llvm.ptr, %out: !llvm.ptr) {
    llvm.return
  }
}

// -----

// Tests that entry points must already be lowered to the LLVM dialect.
// expected-error @+1 {{kiln-emit-abi expects llvm.func entry points (kiln.entry)}}
module {
  func.func @forward(%x: memref<4xf32>, %out: memref<4xf32>)
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 4 : i64},
                  kiln.bindings = [{table = "inputs", index = 0 : i64}, {table = "outputs", index = 0 : i64}]} {
    return
  }
}

// -----

// Tests that an entry point needs one binding per argument.
module {
  // expected-error @+1 {{kiln-emit-abi: kiln.bindings does not match the function's 3 arguments}}
  llvm.func @forward(%x: !llvm.ptr, %out: !llvm.ptr, %ws: !llvm.ptr)
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 4 : i64},
                  kiln.bindings = [{table = "inputs", index = 0 : i64}, {table = "outputs", index = 0 : i64}]} {
    llvm.return
  }
}

// -----

// Tests that an entry point without kiln.bindings is rejected the same way.
module {
  // expected-error @+1 {{kiln-emit-abi: kiln.bindings does not match the function's 1 arguments}}
  llvm.func @forward(%x: !llvm.ptr) attributes {kiln.entry = {name = "forward", mode = "eval", batch = 4 : i64}} {
    llvm.return
  }
}

// -----

// Tests that a binding to a table the ABI does not have is rejected.
module {
  // expected-error @+1 {{kiln-emit-abi: unknown table 'threads'}}
  llvm.func @forward(%x: !llvm.ptr, %c: !llvm.ptr)
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 4 : i64},
                  kiln.bindings = [{table = "inputs", index = 0 : i64}, {table = "threads", index = 0 : i64}]} {
    llvm.return
  }
}

// -----

// Tests that an argument whose type differs from its slot's is rejected.
module {
  // expected-error @+1 {{kiln-emit-abi: argument 1 is 'i32' but its slot 'step' holds 'i64'}}
  llvm.func @train_step(%w: !llvm.ptr, %step: i32) -> f32
      attributes {kiln.entry = {name = "train_step", mode = "train", batch = 4 : i64},
                  kiln.bindings = [{table = "params", index = 0 : i64}, {table = "step", index = 0 : i64}]} {
    %z = llvm.mlir.constant(0.0 : f32) : f32
    llvm.return %z : f32
  }
}
