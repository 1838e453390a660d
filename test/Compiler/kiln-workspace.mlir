// RUN: kiln-opt %s -split-input-file -kiln-workspace | FileCheck %s
// RUN: kiln-opt %S/Inputs/kiln-workspace-errors.mlir -split-input-file -kiln-workspace -verify-diagnostics

// Tests that every static alloc of an entry point becomes a memref.view at a 64-byte-aligned offset of one trailing i8 workspace argument, temporaries with disjoint lifetimes sharing bytes.
// Lifetimes, in top-level ops: %a from its alloc to the copy into %out,
// %b from its alloc to the last use of a subview of it, %c from its alloc to
// the end. %b (80 bytes, rounded up to 128) overlaps both and goes after %a;
// %c starts after %a's last use and reuses offset 0. 64 + 128 = 192 bytes.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:[^:]+]]: memref<16xf32>, %[[OUT:[^:]+]]: memref<16xf32>, %[[WS:[^:]+]]: memref<192xi8>)
// CHECK-SAME: attributes {kiln.bindings = [{index = 0 : i64, table = "inputs"}, {index = 0 : i64, table = "outputs"}, {table = "workspace"}],
// CHECK-SAME: kiln.entry = {batch = 16 : i64, mode = "eval", name = "forward"}, kiln.workspace_bytes = 192 : i64}
// CHECK-NOT: memref.alloc
// CHECK: %[[OFFA:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[A:.+]] = memref.view %[[WS]][%[[OFFA]]][] : memref<192xi8> to memref<16xf32>
// CHECK-NEXT: memref.copy %[[X]], %[[A]]
// CHECK-NEXT: %[[OFFB:.+]] = arith.constant 64 : index
// CHECK-NEXT: %[[B:.+]] = memref.view %[[WS]][%[[OFFB]]][] : memref<192xi8> to memref<20xf32>
// CHECK-NEXT: linalg.fill ins(%{{.+}} : f32) outs(%[[B]] : memref<20xf32>)
// CHECK-NEXT: memref.copy %[[A]], %[[OUT]]
// The dealloc is gone: the workspace belongs to the caller.
// CHECK-NOT: memref.dealloc
// CHECK-NEXT: %[[OFFC:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[C:.+]] = memref.view %[[WS]][%[[OFFC]]][] : memref<192xi8> to memref<4x4xf32>
// CHECK-NEXT: %[[CS:.+]] = memref.collapse_shape %[[C]]
// CHECK-NEXT: memref.copy %[[X]], %[[CS]]
// CHECK-NEXT: %[[BS:.+]] = memref.subview %[[B]][4] [16] [1]
// CHECK-NEXT: memref.copy %[[CS]], %[[BS]]
// CHECK-NEXT: return
module {
  func.func @forward(%x: memref<16xf32>, %out: memref<16xf32>)
      attributes {kiln.bindings = [{table = "inputs", index = 0}, {table = "outputs", index = 0}],
                  kiln.entry = {name = "forward", mode = "eval", batch = 16}} {
    %zero = arith.constant 0.0 : f32
    %a = memref.alloc() : memref<16xf32>
    memref.copy %x, %a : memref<16xf32> to memref<16xf32>
    %b = memref.alloc() : memref<20xf32>
    linalg.fill ins(%zero : f32) outs(%b : memref<20xf32>)
    memref.copy %a, %out : memref<16xf32> to memref<16xf32>
    memref.dealloc %a : memref<16xf32>
    %c = memref.alloc() : memref<4x4xf32>
    %cs = memref.collapse_shape %c [[0, 1]] : memref<4x4xf32> into memref<16xf32>
    memref.copy %x, %cs : memref<16xf32> to memref<16xf32>
    %bs = memref.subview %b[4] [16] [1] : memref<20xf32> to memref<16xf32, strided<[1], offset: 4>>
    memref.copy %cs, %bs : memref<16xf32> to memref<16xf32, strided<[1], offset: 4>>
    return
  }
}

// -----

// Tests that allocs inside a loop live as long as the loop (both at once, so apart), sizes follow the element type, and a later temporary reuses their bytes.
// memref<3xf64> is 24 bytes and memref<100xi8> 100 bytes: slices of 64 and
// 128 bytes.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %[[WS:[^:]+]]: memref<192xi8>) -> f32
// CHECK-SAME: kiln.workspace_bytes = 192 : i64
// CHECK: scf.for
// CHECK-NEXT: %[[O1:.+]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %[[WS]][%[[O1]]][] : memref<192xi8> to memref<3xf64>
// CHECK-NEXT: %[[O2:.+]] = arith.constant 64 : index
// CHECK-NEXT: memref.view %[[WS]][%[[O2]]][] : memref<192xi8> to memref<100xi8>
// CHECK-NOT: memref.dealloc
// CHECK: }
// CHECK-NEXT: %[[O3:.+]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %[[WS]][%[[O3]]][] : memref<192xi8> to memref<2x5xi32>
module {
  func.func @train_step(%x: memref<16xf32>) -> f32
      attributes {kiln.bindings = [{table = "inputs", index = 0}],
                  kiln.entry = {name = "train_step", mode = "train", batch = 16}} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %zero = arith.constant 0 : i32
    scf.for %i = %c0 to %c4 step %c1 {
      %t = memref.alloc() : memref<3xf64>
      %u = memref.alloc() : memref<100xi8>
      memref.dealloc %t : memref<3xf64>
      memref.dealloc %u : memref<100xi8>
    }
    %v = memref.alloc() : memref<2x5xi32>
    linalg.fill ins(%zero : i32) outs(%v : memref<2x5xi32>)
    %l = memref.load %x[%c0] : memref<16xf32>
    return %l : f32
  }
}

// -----

// Tests that an entry point without temporaries still gets a (zero-byte) workspace argument and binding, and a function that is not an entry point keeps its allocs.
// CHECK-LABEL: func.func @eval_step
// CHECK-SAME: (%{{[^:]+}}: memref<16xf32>, %{{[^:]+}}: memref<0xi8>) -> f32
// CHECK-SAME: attributes {kiln.bindings = [{index = 0 : i64, table = "inputs"}, {table = "workspace"}],
// CHECK-SAME: kiln.workspace_bytes = 0 : i64}
// CHECK-LABEL: func.func @helper
// CHECK-SAME: () -> memref<4xf32> {
// CHECK-NEXT: memref.alloc() : memref<4xf32>
module {
  func.func @eval_step(%x: memref<16xf32>) -> f32
      attributes {kiln.bindings = [{table = "inputs", index = 0}],
                  kiln.entry = {name = "eval_step", mode = "eval", batch = 16}} {
    %c0 = arith.constant 0 : index
    %v = memref.load %x[%c0] : memref<16xf32>
    return %v : f32
  }
  func.func @helper() -> memref<4xf32> {
    %a = memref.alloc() : memref<4xf32>
    return %a : memref<4xf32>
  }
}

// -----

// Tests that every entry point's workspace argument has the size of the
// largest plan (256 bytes, eval_step's), while kiln.workspace_bytes keeps
// each entry's own: kernels outlined from either then have the same
// signature, and the runtime allocates the largest.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: %{{[^:]+}}: memref<256xi8>)
// CHECK-SAME: kiln.workspace_bytes = 64 : i64
// CHECK: memref.view %{{.+}}[%{{.+}}][] : memref<256xi8> to memref<16xf32>
// CHECK-LABEL: func.func @eval_step
// CHECK-SAME: %{{[^:]+}}: memref<256xi8>)
// CHECK-SAME: kiln.workspace_bytes = 256 : i64
module {
  func.func @forward(%x: memref<16xf32>, %out: memref<16xf32>)
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 16},
                  kiln.bindings = [{table = "inputs", index = 0}, {table = "outputs", index = 0}]} {
    %a = memref.alloc() : memref<16xf32>
    memref.copy %x, %a : memref<16xf32> to memref<16xf32>
    memref.copy %a, %out : memref<16xf32> to memref<16xf32>
    return
  }
  func.func @eval_step(%x: memref<16xf32>, %out: memref<16xf32>)
      attributes {kiln.entry = {name = "eval_step", mode = "eval", batch = 16},
                  kiln.bindings = [{table = "inputs", index = 0}, {table = "outputs", index = 0}]} {
    %a = memref.alloc() : memref<64xf32>
    %s = memref.subview %a[0] [16] [1] : memref<64xf32> to memref<16xf32, strided<[1]>>
    memref.copy %x, %s : memref<16xf32> to memref<16xf32, strided<[1]>>
    memref.copy %s, %out : memref<16xf32, strided<[1]>> to memref<16xf32>
    return
  }
}

// -----

// Tests that a temporary made inside a top-level loop marked kernel.parallel
// (a recurrence's batch blocks, 3 trips from 1 by 2) gets a slot per trip:
// 40 bytes per unit of the induction variable (20 floats in 2 units, rounded
// up to 64 bytes each: 128 bytes a trip), trip k's view at 128 k bytes
// (i * 64 + base, the base -64 made before the loop), 384 bytes in all; one
// made inside a loop without the mark has one slot (here at 0: the loops'
// lifetimes do not overlap).
// CHECK-LABEL: func.func @forward
// CHECK-SAME: %[[WS:[^:]+]]: memref<384xi8>)
// CHECK-SAME: kiln.workspace_bytes = 384 : i64
// CHECK: %[[BASE:.+]] = arith.constant -64 : index
// CHECK-NEXT: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK-NEXT: %[[STRIDE:.+]] = arith.constant 64 : index
// CHECK-NEXT: %[[AT:.+]] = arith.muli %[[I]], %[[STRIDE]] : index
// CHECK-NEXT: %[[OFF:.+]] = arith.addi %[[AT]], %[[BASE]] : index
// CHECK-NEXT: memref.view %[[WS]][%[[OFF]]][] : memref<384xi8> to memref<20xf32>
// CHECK: } {kernel.parallel}
// CHECK: scf.for
// CHECK-NEXT: %[[OFF2:.+]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %[[WS]][%[[OFF2]]][] : memref<384xi8> to memref<16xf32>
module {
  func.func @forward(%x: memref<16xf32>, %out: memref<16xf32>)
      attributes {kiln.entry = {name = "forward", mode = "eval", batch = 16},
                  kiln.bindings = [{table = "inputs", index = 0}, {table = "outputs", index = 0}]} {
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c7 = arith.constant 7 : index
    %cst = arith.constant 0.0 : f32
    scf.for %i = %c1 to %c7 step %c2 {
      %a = memref.alloc() : memref<20xf32>
      linalg.fill ins(%cst : f32) outs(%a : memref<20xf32>)
    } {kernel.parallel}
    scf.for %i = %c1 to %c7 step %c2 {
      %b = memref.alloc() : memref<16xf32>
      memref.copy %x, %b : memref<16xf32> to memref<16xf32>
    }
    memref.copy %x, %out : memref<16xf32> to memref<16xf32>
    return
  }
}
