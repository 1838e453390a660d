// RUN: kiln-translate --kiln-to-cpp %s | FileCheck %s --check-prefix=MASK

// i1 values as masks: -1 for true, whatever makes them.
// MASK-LABEL: static KILN_NOINLINE void masks_kernel_forward(
// MASK:         i32x16 [[S:v[0-9]+]] = kiln::splat<i32x16>(a0 ? -1 : 0);
// MASK:         [[S2:v[0-9]+]][3] = a0 ? -1 : 0;
// MASK:         int32_t v{{[0-9]+}} = static_cast<int32_t>(a0 ? -1 : 0);
// MASK:         i32x16 v{{[0-9]+}} = kiln::low_bit_mask<i32x16>(a1);
// MASK:         i32x16 v{{[0-9]+}} = a1 / kiln::nonzero(a1);
module {
  func.func private @masks_k0(%b: i1, %x: vector<16xi32>, %m: memref<16xi32>) attributes {no_inline} {
    %c0 = arith.constant 0 : index
    %s = vector.broadcast %b : i1 to vector<16xi1>
    %s2 = vector.insert %b, %s [3] : i1 into vector<16xi1>
    %e = arith.extsi %b : i1 to i32
    %t = arith.trunci %x : vector<16xi32> to vector<16xi1>
    %q = arith.divsi %x, %x : vector<16xi32>
    %sel = arith.select %s2, %q, %x : vector<16xi1>, vector<16xi32>
    %sel2 = arith.select %t, %sel, %x : vector<16xi1>, vector<16xi32>
    vector.store %sel2, %m[%c0] : memref<16xi32>, vector<16xi32>
    memref.store %e, %m[%c0] : memref<16xi32>
    return
  }
}
