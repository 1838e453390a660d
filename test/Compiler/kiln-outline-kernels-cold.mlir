// RUN: kiln-opt %s -kiln-outline-kernels | FileCheck %s
// RUN: kiln-opt %s -kiln-outline-kernels=segment-ops=1 | FileCheck %s --check-prefix=SEG

// Tests that the kernels only check_step calls (an entry with `checks`) are
// marked optimize_none, and that a kernel it shares with train_step stays
// optimized, whichever entry comes first in the module; so does one that
// takes a mask vector (LLVM's unoptimized x86 code generation fails on masks
// passed in calls).
// CHECK-LABEL: func.func private @check_step_k0
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>, no_inline}
// CHECK-LABEL: func.func private @check_step_k1
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>, no_inline, optimize_none}
// CHECK-LABEL: func.func private @check_step_k2
// CHECK-SAME: vector<16xi1>
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>, no_inline}
// CHECK-LABEL: func.func private @check_step_k3
// CHECK-SAME: vector<16xi1>
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>, no_inline}
// CHECK-LABEL: func.func @check_step
// CHECK: call @check_step_k0
// CHECK: call @check_step_k1
// CHECK: call @check_step_k2
// CHECK: call @check_step_k3
// CHECK-LABEL: func.func @train_step
// CHECK: call @check_step_k0
// CHECK-NOT: call
// CHECK: return
// Cut into segments of one op, check_step's entry calls segments: those are
// cold too, but not the one that passes a mask to the kernels it calls.
// SEG-LABEL: func.func private @check_step_k4
// SEG-SAME: no_inline, optimize_none
// SEG-NEXT: call @check_step_k0
// SEG-LABEL: func.func private @check_step_k5
// SEG-SAME: no_inline, optimize_none
// SEG-NEXT: call @check_step_k1
// SEG-LABEL: func.func private @check_step_k6
// SEG-SAME: attributes {llvm.linkage = #llvm.linkage<internal>, no_inline} {
// SEG: call @check_step_k2({{.*}}vector<16xi1>
// SEG-LABEL: func.func @check_step
// SEG: call @check_step_k4
// SEG-NEXT: call @check_step_k5
// SEG-NEXT: call @check_step_k6
func.func @check_step(%x: memref<4x16xf32>, %y: memref<4x16xf32>, %z: memref<4x16xf32>, %m: memref<16xi1>) attributes {kiln.entry = {batch = 4 : i64, checks = ["loss"], mode = "train", name = "check_step"}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %r = vector.load %x[%i, %c0] : memref<4x16xf32>, vector<16xf32>
    vector.store %r, %y[%i, %c0] : memref<4x16xf32>, vector<16xf32>
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %r = vector.load %y[%i, %c0] : memref<4x16xf32>, vector<16xf32>
    %s = arith.addf %r, %r : vector<16xf32>
    vector.store %s, %z[%i, %c0] : memref<4x16xf32>, vector<16xf32>
  }
  %zeros = arith.constant dense<0.0> : vector<16xf32>
  %mask = vector.load %m[%c0] : memref<16xi1>, vector<16xi1>
  scf.for %i = %c0 to %c4 step %c1 {
    %r = vector.load %z[%i, %c0] : memref<4x16xf32>, vector<16xf32>
    %s = arith.select %mask, %r, %zeros : vector<16xi1>, vector<16xf32>
    vector.store %s, %y[%i, %c0] : memref<4x16xf32>, vector<16xf32>
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %r = vector.load %y[%i, %c0] : memref<4x16xf32>, vector<16xf32>
    %s = arith.select %mask, %zeros, %r : vector<16xi1>, vector<16xf32>
    vector.store %s, %z[%i, %c0] : memref<4x16xf32>, vector<16xf32>
  }
  return
}

func.func @train_step(%x: memref<4x16xf32>, %y: memref<4x16xf32>) attributes {kiln.entry = {batch = 4 : i64, mode = "train", name = "train_step"}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %r = vector.load %x[%i, %c0] : memref<4x16xf32>, vector<16xf32>
    vector.store %r, %y[%i, %c0] : memref<4x16xf32>, vector<16xf32>
  }
  return
}
