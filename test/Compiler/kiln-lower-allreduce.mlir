// RUN: kiln-opt %s -split-input-file -kiln-lower-allreduce | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-lower-allreduce -convert-scf-to-cf -finalize-memref-to-llvm -convert-arith-to-llvm -convert-func-to-llvm="use-bare-ptr-memref-call-conv=1" -convert-cf-to-llvm -reconcile-unrealized-casts | FileCheck %s --check-prefix=LLVM
// RUN: kiln-opt %S/Inputs/kiln-lower-allreduce-errors.mlir -split-input-file -kiln-lower-allreduce -verify-diagnostics

// Tests that the bufferized allreduce becomes a call that keeps the buffer as an operand (passes see it read and written), of a private helper per buffer size: when the context and its allreduce callback (the third field of kiln_context {self, parallel_for, allreduce}) are not null, it calls the callback with the context's self, the buffer's address and its element count.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[CTX:.+]]: !llvm.ptr, %[[B:.+]]: memref<22xf32>)
// CHECK-NEXT: call @kiln_allreduce_22(%[[CTX]], %[[B]]) : (!llvm.ptr, memref<22xf32>) -> ()
// CHECK-NEXT: return
// CHECK-LABEL: func.func private @kiln_allreduce_22
// CHECK-SAME: (%[[HCTX:.+]]: !llvm.ptr, %[[HB:.+]]: memref<22xf32>)
// CHECK-NEXT: %[[NULL:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[HAS:.+]] = llvm.icmp "ne" %[[HCTX]], %[[NULL]] : !llvm.ptr
// CHECK-NEXT: scf.if %[[HAS]] {
// CHECK-NEXT: %[[FA:.+]] = llvm.getelementptr %[[HCTX]][0, 2] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr)>
// CHECK-NEXT: %[[FN:.+]] = llvm.load %[[FA]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[NULL2:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[HASFN:.+]] = llvm.icmp "ne" %[[FN]], %[[NULL2]] : !llvm.ptr
// CHECK-NEXT: scf.if %[[HASFN]] {
// CHECK-NEXT: %[[SELF:.+]] = llvm.load %[[HCTX]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[ADDR:.+]] = memref.extract_aligned_pointer_as_index %[[HB]] : memref<22xf32> -> index
// CHECK-NEXT: %[[I:.+]] = arith.index_cast %[[ADDR]] : index to i64
// CHECK-NEXT: %[[P:.+]] = llvm.inttoptr %[[I]] : i64 to !llvm.ptr
// CHECK-NEXT: %[[N:.+]] = arith.constant 22 : i64
// CHECK-NEXT: llvm.call %[[FN]](%[[SELF]], %[[P]], %[[N]]) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, i64) -> ()
// Under the bare-pointer convention the call passes the buffer's address.
// LLVM-LABEL: llvm.func @train_step
// LLVM-SAME: (%[[CTX:.+]]: !llvm.ptr, %[[B:.+]]: !llvm.ptr)
// LLVM: llvm.call @kiln_allreduce_22(%[[CTX]], %{{.+}}) : (!llvm.ptr, !llvm.ptr) -> ()
// LLVM-LABEL: llvm.func @kiln_allreduce_22
// LLVM: llvm.call %{{.+}}(%{{.+}}, %{{.+}}, %{{.+}}) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, i64) -> ()
func.func @train_step(%ctx: !llvm.ptr, %b: memref<22xf32>) {
  optim.allreduce %ctx, %b : memref<22xf32>
  return
}

// -----

// Tests that buffers of one size share a helper and each size gets its own.
// CHECK-LABEL: func.func @two
// CHECK-NEXT: call @kiln_allreduce_4(
// CHECK-NEXT: call @kiln_allreduce_4(
// CHECK-NEXT: call @kiln_allreduce_8(
// CHECK: func.func private @kiln_allreduce_4(
// CHECK: func.func private @kiln_allreduce_8(
// CHECK-NOT: func.func private @kiln_allreduce
func.func @two(%ctx: !llvm.ptr, %a: memref<4xf32>, %b: memref<4xf32>, %c: memref<8xf32>) {
  optim.allreduce %ctx, %a : memref<4xf32>
  optim.allreduce %ctx, %b : memref<4xf32>
  optim.allreduce %ctx, %c : memref<8xf32>
  return
}

// -----

// Tests that a module without allreduce is left alone.
// CHECK-LABEL: func.func @none
// CHECK-NOT: kiln_allreduce
func.func @none(%b: memref<4xf32>) {
  return
}
