// Error cases of kiln-emit-abi, checked with -verify-diagnostics by ../kiln-emit-abi.mlir.

// Tests that a module without the manifest attributes is rejected.
// expected-error @+1 {{kiln-emit-abi expects llvm.func @train_step and @forward, and the kiln.manifest, kiln.num_params and kiln.num_state_slots attributes}}
module attributes {kiln.num_params = 1 : i64, kiln.num_state_slots = 0 : i64} {
  llvm.func @train_step(%w: !llvm.ptr, %x: !llvm.ptr, %y: !llvm.ptr, %lr: f32, %step: i64, %out: !llvm.ptr) -> f32 {
    llvm.return %lr : f32
  }
  llvm.func @forward(%w: !llvm.ptr, %x: !llvm.ptr, %out: !llvm.ptr) {
    llvm.return
  }
}

// -----

// Tests that train_step must already be lowered to the LLVM dialect.
// expected-error @+1 {{kiln-emit-abi expects llvm.func @train_step and @forward}}
module attributes {kiln.manifest = "{}", kiln.num_params = 1 : i64, kiln.num_state_slots = 0 : i64} {
  func.func @train_step(%w: memref<4xf32>, %x: memref<4xf32>, %y: memref<4xf32>, %lr: f32, %step: i64, %out: memref<4xf32>) -> f32 {
    return %lr : f32
  }
  llvm.func @forward(%w: !llvm.ptr, %x: !llvm.ptr, %out: !llvm.ptr) {
    llvm.return
  }
}
