// RUN: kiln-opt %s -split-input-file -kiln-parallel-calls | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-parallel-calls -kiln-emit-abi | FileCheck %s --check-prefix=ABI

// Tests that a call of a kernel with kiln.parallel_trips becomes kiln_parallel_for(trips, <kernel>_chunk, table), its arguments but the trips stored in a table of 8-byte slots allocated in the caller's entry block; that the chunk loads them back and calls the kernel on [begin, end); and that kiln_parallel_for calls the context's parallel_for (its second field) when the thread-local context and the callback are not null, and the chunk on all trips otherwise.
// CHECK-LABEL: llvm.func @train_step
// CHECK-SAME: (%[[P:[^:]+]]: !llvm.ptr, %[[X:[^:]+]]: f32)
// CHECK: %[[SIZE:.+]] = llvm.mlir.constant(2 : i64) : i64
// CHECK-NEXT: %[[TABLE:.+]] = llvm.alloca %[[SIZE]] x i64 {alignment = 8 : i64}
// CHECK: %[[S0:.+]] = llvm.getelementptr %[[TABLE]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: llvm.store %[[P]], %[[S0]] : !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[S1:.+]] = llvm.getelementptr %[[TABLE]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: llvm.store %[[X]], %[[S1]] : f32, !llvm.ptr
// CHECK-NEXT: %[[N:.+]] = llvm.mlir.constant(6 : i64) : i64
// CHECK-NEXT: %[[CHUNK:.+]] = llvm.mlir.addressof @kernel_chunk
// CHECK-NEXT: llvm.call @kiln_parallel_for(%[[N]], %[[CHUNK]], %[[TABLE]])
// CHECK-NOT: llvm.call @kernel(
// CHECK: llvm.call @other(
// A call of some of the trips only is left as it is.
// CHECK: llvm.call @kernel(
// CHECK-LABEL: llvm.func internal @kernel_chunk
// CHECK-SAME: (%[[T:[^:]+]]: !llvm.ptr, %[[B:[^:]+]]: i64, %[[E:[^:]+]]: i64)
// CHECK-NEXT: %[[G0:.+]] = llvm.getelementptr %[[T]][0]
// CHECK-NEXT: %[[A0:.+]] = llvm.load %[[G0]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[G1:.+]] = llvm.getelementptr %[[T]][1]
// CHECK-NEXT: %[[A1:.+]] = llvm.load %[[G1]] : !llvm.ptr -> f32
// CHECK-NEXT: llvm.call @kernel(%[[A0]], %[[A1]], %[[B]], %[[E]])
// CHECK: llvm.mlir.global internal thread_local @kiln_context_tls() {{.*}} : !llvm.ptr
// CHECK-LABEL: llvm.func internal @kiln_parallel_for
// CHECK-SAME: (%[[HN:[^:]+]]: i64, %[[HBODY:[^:]+]]: !llvm.ptr, %[[HARG:[^:]+]]: !llvm.ptr)
// CHECK: %[[TLS:.+]] = llvm.mlir.addressof @kiln_context_tls
// CHECK-NEXT: %[[CTX:.+]] = llvm.load %[[TLS]]
// CHECK: llvm.getelementptr %[[CTX]][0, 1] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr)>
// CHECK: llvm.call %{{.+}}(%{{.+}}, %[[HN]], %[[HBODY]], %[[HARG]]) : !llvm.ptr, (!llvm.ptr, i64, !llvm.ptr, !llvm.ptr) -> ()
// CHECK: llvm.call %[[HBODY]](%[[HARG]], %{{.+}}, %[[HN]]) : !llvm.ptr, (!llvm.ptr, i64, i64) -> ()
// The ABI wrapper puts the bindings' context in the thread-local variable
// before it calls the entry point, and the caller's back after.
// ABI-LABEL: llvm.func @kiln_model_train_step
// ABI: %[[CA:.+]] = llvm.getelementptr %{{.+}}[0, 4] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr, ptr, ptr, ptr)>
// ABI-NEXT: %[[C:.+]] = llvm.load %[[CA]] : !llvm.ptr -> !llvm.ptr
// ABI-NEXT: %[[TLS:.+]] = llvm.mlir.addressof @kiln_context_tls
// ABI-NEXT: %[[OLD:.+]] = llvm.load %[[TLS]] : !llvm.ptr -> !llvm.ptr
// ABI-NEXT: llvm.store %[[C]], %[[TLS]]
// ABI-NEXT: llvm.call @train_step(
// ABI-NEXT: llvm.store %[[OLD]], %[[TLS]]
module {
  llvm.func internal @kernel(%p: !llvm.ptr, %x: f32, %b: i64, %e: i64) attributes {kiln.parallel_trips = 6 : i64} {
    llvm.return
  }
  // A vector argument does not fit a slot: called as it was.
  llvm.func internal @other(%v: vector<4xf32>, %b: i64, %e: i64) attributes {kiln.parallel_trips = 6 : i64} {
    llvm.return
  }
  llvm.func @train_step(%p: !llvm.ptr, %x: f32) -> f32
      attributes {kiln.entry = {name = "train_step", mode = "train", batch = 2 : i64},
                  kiln.bindings = [{table = "params", index = 0 : i64}, {table = "lr", index = 0 : i64}]} {
    %z = llvm.mlir.constant(0 : i64) : i64
    %n = llvm.mlir.constant(6 : i64) : i64
    llvm.call @kernel(%p, %x, %z, %n) : (!llvm.ptr, f32, i64, i64) -> ()
    %v = llvm.mlir.undef : vector<4xf32>
    llvm.call @other(%v, %z, %n) : (vector<4xf32>, i64, i64) -> ()
    %three = llvm.mlir.constant(3 : i64) : i64
    llvm.call @kernel(%p, %x, %z, %three) : (!llvm.ptr, f32, i64, i64) -> ()
    llvm.return %x : f32
  }
}

// -----

// Tests that a module without splittable kernels is left alone: no helper, no thread-local variable (and the ABI wrapper sets none).
// CHECK-LABEL: llvm.func @forward
// CHECK-NOT: kiln_parallel_for
// CHECK-NOT: kiln_context_tls
// ABI-LABEL: llvm.func @kiln_model_forward
// ABI-NOT: kiln_context_tls
module {
  llvm.func @forward(%p: !llvm.ptr)
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 2 : i64},
                  kiln.bindings = [{table = "params", index = 0 : i64}]} {
    llvm.return
  }
}
