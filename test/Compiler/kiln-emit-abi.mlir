// RUN: kiln-opt %s -split-input-file -kiln-emit-abi | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-emit-abi=symbol=fashion | FileCheck %s --check-prefix=SYM --implicit-check-not=kiln_model_
// RUN: kiln-opt %S/Inputs/kiln-emit-abi-errors.mlir -split-input-file -kiln-emit-abi -verify-diagnostics

// Tests that train_step and forward become internal, wrapped by <sym>_manifest, <sym>_train_step and <sym>_forward.
// <sym>_manifest returns the NUL-terminated manifest text; <sym>_train_step
// loads the parameter pointers and the parameter-major state pointers
// (state[i * slots + s]) and passes the state slot-major, then x, y, lr, step
// and the predictions buffer `out`.
// CHECK: module attributes {kiln.manifest = "{\22name\22:\22tiny\22}", kiln.num_params = 2 : i64, kiln.num_state_slots = 2 : i64}
// CHECK: llvm.func internal @train_step(
// CHECK: llvm.func internal @forward(
// CHECK: llvm.mlir.global internal constant @kiln_model_manifest_text("{\22name\22:\22tiny\22}\00")
// CHECK-LABEL: llvm.func @kiln_model_manifest() -> !llvm.ptr {
// CHECK-NEXT: %[[ADDR:.+]] = llvm.mlir.addressof @kiln_model_manifest_text : !llvm.ptr
// CHECK-NEXT: llvm.return %[[ADDR]] : !llvm.ptr

// CHECK-LABEL: llvm.func @kiln_model_train_step
// CHECK-SAME: (%[[PARAMS:[^:]+]]: !llvm.ptr, %[[STATE:[^:]+]]: !llvm.ptr, %[[X:[^:]+]]: !llvm.ptr, %[[Y:[^:]+]]: !llvm.ptr, %[[LR:[^:]+]]: f32, %[[STEP:[^:]+]]: i64, %[[OUT:[^:]+]]: !llvm.ptr) -> f32
// CHECK: %[[P0A:.+]] = llvm.getelementptr %[[PARAMS]][0]
// CHECK-NEXT: %[[P0:.+]] = llvm.load %[[P0A]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[P1A:.+]] = llvm.getelementptr %[[PARAMS]][1]
// CHECK-NEXT: %[[P1:.+]] = llvm.load %[[P1A]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[S0A:.+]] = llvm.getelementptr %[[STATE]][0]
// CHECK-NEXT: %[[S0:.+]] = llvm.load %[[S0A]]
// CHECK-NEXT: %[[S1A:.+]] = llvm.getelementptr %[[STATE]][1]
// CHECK-NEXT: %[[S1:.+]] = llvm.load %[[S1A]]
// CHECK-NEXT: %[[S2A:.+]] = llvm.getelementptr %[[STATE]][2]
// CHECK-NEXT: %[[S2:.+]] = llvm.load %[[S2A]]
// CHECK-NEXT: %[[S3A:.+]] = llvm.getelementptr %[[STATE]][3]
// CHECK-NEXT: %[[S3:.+]] = llvm.load %[[S3A]]
// CHECK-NEXT: %[[LOSS:.+]] = llvm.call @train_step(%[[P0]], %[[P1]], %[[S0]], %[[S2]], %[[S1]], %[[S3]], %[[X]], %[[Y]], %[[LR]], %[[STEP]], %[[OUT]])
// CHECK-NEXT: llvm.return %[[LOSS]] : f32

// CHECK-LABEL: llvm.func @kiln_model_forward
// CHECK-SAME: (%[[FPARAMS:[^:]+]]: !llvm.ptr, %[[FX:[^:]+]]: !llvm.ptr, %[[FOUT:[^:]+]]: !llvm.ptr) {
// CHECK: %[[Q0:.+]] = llvm.load
// CHECK: %[[Q1A:.+]] = llvm.getelementptr %[[FPARAMS]][1]
// CHECK-NEXT: %[[Q1:.+]] = llvm.load %[[Q1A]]
// CHECK-NEXT: llvm.call @forward(%[[Q0]], %[[Q1]], %[[FX]], %[[FOUT]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: llvm.return

// Tests that the symbol option renames the exported functions and the text.
// SYM: llvm.mlir.global internal constant @fashion_manifest_text
// SYM: llvm.func @fashion_manifest()
// SYM: llvm.func @fashion_train_step(
// SYM: llvm.func @fashion_forward(
module attributes {kiln.manifest = "{\22name\22:\22tiny\22}", kiln.num_params = 2 : i64, kiln.num_state_slots = 2 : i64} {
  llvm.func @train_step(%w: !llvm.ptr {kiln.param = "w"}, %b: !llvm.ptr {kiln.param = "b"},
                        %mw: !llvm.ptr, %mb: !llvm.ptr, %vw: !llvm.ptr, %vb: !llvm.ptr,
                        %x: !llvm.ptr, %y: !llvm.ptr, %lr: f32, %step: i64, %out: !llvm.ptr) -> f32 {
    llvm.return %lr : f32
  }
  llvm.func @forward(%w: !llvm.ptr, %b: !llvm.ptr, %x: !llvm.ptr, %out: !llvm.ptr) {
    llvm.return
  }
}

// -----

// Tests that an f64 model (as gradient checks compile) gets lr extended and the loss truncated, the ABI being f32.
// A model without optimizer state also passes no state pointers.
// CHECK-LABEL: llvm.func @kiln_model_train_step
// CHECK-SAME: (%[[PARAMS:[^:]+]]: !llvm.ptr, %[[STATE:[^:]+]]: !llvm.ptr, %[[X:[^:]+]]: !llvm.ptr, %[[Y:[^:]+]]: !llvm.ptr, %[[LR:[^:]+]]: f32, %[[STEP:[^:]+]]: i64, %[[OUT:[^:]+]]: !llvm.ptr) -> f32
// CHECK-NOT: %[[STATE]]
// CHECK: %[[P0:.+]] = llvm.load
// CHECK-NEXT: %[[LR64:.+]] = llvm.fpext %[[LR]] : f32 to f64
// CHECK-NEXT: %[[LOSS:.+]] = llvm.call @train_step(%[[P0]], %[[X]], %[[Y]], %[[LR64]], %[[STEP]], %[[OUT]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, f64, i64, !llvm.ptr) -> f64
// CHECK-NEXT: %[[LOSS32:.+]] = llvm.fptrunc %[[LOSS]] : f64 to f32
// CHECK-NEXT: llvm.return %[[LOSS32]] : f32
module attributes {kiln.manifest = "{}", kiln.num_params = 1 : i64, kiln.num_state_slots = 0 : i64} {
  llvm.func @train_step(%w: !llvm.ptr, %x: !llvm.ptr, %y: !llvm.ptr, %lr: f64, %step: i64, %out: !llvm.ptr) -> f64 {
    llvm.return %lr : f64
  }
  llvm.func @forward(%w: !llvm.ptr, %x: !llvm.ptr, %out: !llvm.ptr) {
    llvm.return
  }
}
