// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-form{vector-bits=512}))' | FileCheck %s --check-prefixes=CHECK,AVX512
// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-form{vector-bits=256}))' | FileCheck %s --check-prefixes=CHECK,AVX2
// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-form{vector-bits=128}))' | FileCheck %s --check-prefixes=CHECK,SSE

// The schedules kernel-form gives the linalg ops of convolution and pooling
// (as nn-to-linalg emits them, channels-last). A generic contraction (a
// convolution tap, a weight-gradient tap) gets a matmul's register block: the
// innermost output dim in vectors (up to two), rows on the next output dim
// out with more than one element (up to 16 accumulators leaving 4 vector
// registers: with two vectors, 8 rows at 512 bits and 6 with the 16 registers
// of 256 and 128 bits; a divisor when one fills half of that), the other
// output dims one at a time, and
// every reduction one step at a time. A transpose gets a lanes x lanes block
// over the dims innermost in its input and in its output.

// Tests that the taps of a convolution that accumulate into each other, with
// the fill of the first and the bias add after the last, form one group, and
// that the register block covers [1, 1, rows of ow, vectors of f]: dims (n,
// oh, ow, f, c) with 32 filters, 26 output columns: the rows that take the
// fewest cycles (7 + 7 + 7 + 5 rows of two vectors at 512 bits, 6 rows and a
// remainder of 2 at 256 and 128). The group's tiles are over the bias add's
// (output) loops; the taps' reduction is in `reduce`.
#view = affine_map<(n, h, w, f, c) -> (n, h, w, c)>
#tap = affine_map<(n, h, w, f, c) -> (c, f)>
#acc = affine_map<(n, h, w, f, c) -> (n, h, w, f)>
#id = affine_map<(n, h, w, f) -> (n, h, w, f)>
#ch = affine_map<(n, h, w, f) -> (f)>

// CHECK-LABEL: func.func @conv_taps_bias
// CHECK-SAME: (%[[V0:.+]]: tensor<64x26x26x8xf32>, %[[V1:.+]]: tensor<64x26x26x8xf32>, %[[T0:.+]]: tensor<8x32xf32>, %[[T1:.+]]: tensor<8x32xf32>, %[[B:.+]]: tensor<32xf32>)
// CHECK-NOT: linalg.
// AVX512: %[[G:.+]] = kernel.group #kernel.schedule<tile = [1, 1, 7, 32], reduce = [1], lanes = 16> vectorize -> tensor<64x26x26x32xf32> {
// AVX2: %[[G:.+]] = kernel.group #kernel.schedule<tile = [1, 1, 6, 16], reduce = [1], lanes = 8> vectorize -> tensor<64x26x26x32xf32> {
// SSE: %[[G:.+]] = kernel.group #kernel.schedule<tile = [1, 1, 6, 8], reduce = [1], lanes = 4> vectorize -> tensor<64x26x26x32xf32> {
// CHECK-NEXT: %[[FILL:.+]] = linalg.fill
// CHECK-NEXT: %[[A0:.+]] = linalg.generic {{.*}} ins(%[[V0]], %[[T0]] : {{.*}}) outs(%[[FILL]] : {{.*}})
// CHECK: %[[A1:.+]] = linalg.generic {{.*}} ins(%[[V1]], %[[T1]] : {{.*}}) outs(%[[A0]] : {{.*}})
// CHECK: %[[Y:.+]] = linalg.generic {{.*}} ins(%[[A1]], %[[B]] : {{.*}})
// CHECK: kernel.yield %[[Y]] : tensor<64x26x26x32xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[G]]
func.func @conv_taps_bias(%v0: tensor<64x26x26x8xf32>, %v1: tensor<64x26x26x8xf32>,
                          %t0: tensor<8x32xf32>, %t1: tensor<8x32xf32>, %b: tensor<32xf32>) -> tensor<64x26x26x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x26x26x32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<64x26x26x32xf32>) -> tensor<64x26x26x32xf32>
  %a0 = linalg.generic {indexing_maps = [#view, #tap, #acc], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%v0, %t0 : tensor<64x26x26x8xf32>, tensor<8x32xf32>) outs(%fill : tensor<64x26x26x32xf32>) {
  ^bb0(%x: f32, %w: f32, %out: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<64x26x26x32xf32>
  %a1 = linalg.generic {indexing_maps = [#view, #tap, #acc], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%v1, %t1 : tensor<64x26x26x8xf32>, tensor<8x32xf32>) outs(%a0 : tensor<64x26x26x32xf32>) {
  ^bb0(%x: f32, %w: f32, %out: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<64x26x26x32xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a1, %b : tensor<64x26x26x32xf32>, tensor<32xf32>) outs(%e : tensor<64x26x26x32xf32>) {
  ^bb0(%x: f32, %bias: f32, %out: f32):
    %s = arith.addf %x, %bias : f32
    linalg.yield %s : f32
  } -> tensor<64x26x26x32xf32>
  return %y : tensor<64x26x26x32xf32>
}

// -----

// Tests that a chain's first tap gets its own copy of a zero fill that
// something else also uses (CSE merges equal fills), so the fill still fuses
// into the taps' tiles; the shared fill becomes its own group.
#view = affine_map<(n, h, w, f, c) -> (n, h, w, c)>
#tap = affine_map<(n, h, w, f, c) -> (c, f)>
#acc = affine_map<(n, h, w, f, c) -> (n, h, w, f)>

// CHECK-LABEL: func.func @conv_taps_shared_fill
// CHECK: %[[SHARED:.+]] = kernel.group
// CHECK-NEXT: linalg.fill
// CHECK: %[[G:.+]] = kernel.group
// CHECK-NEXT: %[[FILL:.+]] = linalg.fill
// CHECK-NEXT: %[[A0:.+]] = linalg.generic {{.*}} outs(%[[FILL]] : {{.*}})
// CHECK: %[[A1:.+]] = linalg.generic {{.*}} outs(%[[A0]] : {{.*}})
// CHECK-NEXT: ^bb0
// CHECK: kernel.yield %[[A1]]
// CHECK: return %[[G]], %[[SHARED]]
func.func @conv_taps_shared_fill(%v0: tensor<64x26x26x8xf32>, %v1: tensor<64x26x26x8xf32>,
                                 %t0: tensor<8x32xf32>, %t1: tensor<8x32xf32>) -> (tensor<64x26x26x32xf32>, tensor<64x26x26x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x26x26x32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<64x26x26x32xf32>) -> tensor<64x26x26x32xf32>
  %a0 = linalg.generic {indexing_maps = [#view, #tap, #acc], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%v0, %t0 : tensor<64x26x26x8xf32>, tensor<8x32xf32>) outs(%fill : tensor<64x26x26x32xf32>) {
  ^bb0(%x: f32, %w: f32, %out: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<64x26x26x32xf32>
  %a1 = linalg.generic {indexing_maps = [#view, #tap, #acc], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%v1, %t1 : tensor<64x26x26x8xf32>, tensor<8x32xf32>) outs(%a0 : tensor<64x26x26x32xf32>) {
  ^bb0(%x: f32, %w: f32, %out: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<64x26x26x32xf32>
  return %a1, %fill : tensor<64x26x26x32xf32>, tensor<64x26x26x32xf32>
}

// -----

// Tests a single tap with no epilogue, tiled over its own loops (the
// reduction's tile 0, its reduce tile 1), when the output is one column wide:
// the rows skip ow (1) and go to oh, all 5 of them. 10 filters are one
// vector at 512 bits; at 256 bits one vector of 8 (the other 2 peeled), at
// 128 bits two vectors of 4 (2 peeled).
#view = affine_map<(n, h, w, f, c) -> (n, h, w, c)>
#tap = affine_map<(n, h, w, f, c) -> (c, f)>
#acc = affine_map<(n, h, w, f, c) -> (n, h, w, f)>

// CHECK-LABEL: func.func @conv_tap_one_column
// AVX512: kernel.group #kernel.schedule<tile = [1, 5, 1, 10, 0], reduce = [1], lanes = 16> vectorize -> tensor<4x5x1x10xf32> {
// AVX2: kernel.group #kernel.schedule<tile = [1, 5, 1, 8, 0], reduce = [1], lanes = 8> vectorize -> tensor<4x5x1x10xf32> {
// SSE: kernel.group #kernel.schedule<tile = [1, 5, 1, 8, 0], reduce = [1], lanes = 4> vectorize -> tensor<4x5x1x10xf32> {
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic
func.func @conv_tap_one_column(%v: tensor<4x5x1x3xf32>, %t: tensor<3x10xf32>) -> tensor<4x5x1x10xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x5x1x10xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<4x5x1x10xf32>) -> tensor<4x5x1x10xf32>
  %a = linalg.generic {indexing_maps = [#view, #tap, #acc], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%v, %t : tensor<4x5x1x3xf32>, tensor<3x10xf32>) outs(%fill : tensor<4x5x1x10xf32>) {
  ^bb0(%x: f32, %w: f32, %out: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x5x1x10xf32>
  return %a : tensor<4x5x1x10xf32>
}

// -----

// Tests a weight-gradient tap, dims (c, f, n, oh, ow): [C, F] rows by
// vectors, each of its three reductions (batch, rows, columns) one step at a
// time. 32 channels by 64 filters: 8 rows of 2 x 16 lanes at 512 bits, 6 of
// 2 x 8 at 256 and of 2 x 4 at 128 (a remainder of 2 rows peeled: 4 rows would
// be exactly 8 FMA chains, no slack for the loads). The inputs (3
// MB) outgrow L2: the batch runs in chunks of 1 image (kernel-form-
// schedules.mlir has the other targets).
#x = affine_map<(c, f, n, h, w) -> (n, h, w, c)>
#dy = affine_map<(c, f, n, h, w) -> (n, h, w, f)>
#out = affine_map<(c, f, n, h, w) -> (c, f)>

// CHECK-LABEL: func.func @weight_grad_tap
// AVX512: kernel.group #kernel.schedule<tile = [8, 32, 0, 0, 0], reduce = [1, 1, 1], cache = [0, 0, 1, 0, 0], lanes = 16> vectorize -> tensor<32x64xf32> {
// AVX2: kernel.group #kernel.schedule<tile = [6, 16, 0, 0, 0], reduce = [1, 1, 1], cache = [0, 0, 1, 0, 0], lanes = 8> vectorize -> tensor<32x64xf32> {
// SSE: kernel.group #kernel.schedule<tile = [6, 8, 0, 0, 0], reduce = [1, 1, 1], cache = [0, 0, 1, 0, 0], lanes = 4> vectorize -> tensor<32x64xf32> {
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic
func.func @weight_grad_tap(%view: tensor<64x11x11x32xf32>, %dyl: tensor<64x11x11x64xf32>) -> tensor<32x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x64xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<32x64xf32>) -> tensor<32x64xf32>
  %dw = linalg.generic {indexing_maps = [#x, #dy, #out], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%view, %dyl : tensor<64x11x11x32xf32>, tensor<64x11x11x64xf32>) outs(%fill : tensor<32x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<32x64xf32>
  return %dw : tensor<32x64xf32>
}

// -----

// Tests a weight-gradient tap of a first layer (one input channel): no dim
// but the filters has more than one element, so there are no rows, only up
// to four vectors of filters, four FMA chains to hide their latency (32: two
// vectors at 512 bits, four at 256; 16 at 128, whose two register tiles
// take the 5.7 MB of inputs in chunks of 13 rows of an image: 45 KB, within
// an eighth of the default 512 KiB of L2).
#x = affine_map<(c, f, n, h, w) -> (n, h, w, c)>
#dy = affine_map<(c, f, n, h, w) -> (n, h, w, f)>
#out = affine_map<(c, f, n, h, w) -> (c, f)>

// CHECK-LABEL: func.func @weight_grad_tap_one_channel
// AVX512: kernel.group #kernel.schedule<tile = [1, 32, 0, 0, 0], reduce = [1, 1, 1], lanes = 16> vectorize -> tensor<1x32xf32> {
// AVX2: kernel.group #kernel.schedule<tile = [1, 32, 0, 0, 0], reduce = [1, 1, 1], lanes = 8> vectorize -> tensor<1x32xf32> {
// SSE: kernel.group #kernel.schedule<tile = [1, 16, 0, 0, 0], reduce = [1, 1, 1], cache = [0, 0, 1, 13, 0], lanes = 4> vectorize -> tensor<1x32xf32> {
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic
func.func @weight_grad_tap_one_channel(%view: tensor<64x26x26x1xf32>, %dyl: tensor<64x26x26x32xf32>) -> tensor<1x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x32xf32>) -> tensor<1x32xf32>
  %dw = linalg.generic {indexing_maps = [#x, #dy, #out], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%view, %dyl : tensor<64x26x26x1xf32>, tensor<64x26x26x32xf32>) outs(%fill : tensor<1x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x32xf32>
  return %dw : tensor<1x32xf32>
}

// -----

// Tests that the taps of a weight gradient (each from its own fill, inserted
// into the [KH, KW, G, C/G, F/G] tensor) are separate groups, not a chain:
// a tap's accumulator is its fill, not the previous tap.
#x = affine_map<(c, f, n, h, w) -> (n, h, w, c)>
#dy = affine_map<(c, f, n, h, w) -> (n, h, w, f)>
#out = affine_map<(c, f, n, h, w) -> (c, f)>

// CHECK-LABEL: func.func @weight_grad_two_taps
// CHECK: %[[G0:.+]] = kernel.group #kernel.schedule<tile
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic
// CHECK: kernel.yield
// CHECK: %[[G1:.+]] = kernel.group #kernel.schedule<tile
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic
// CHECK: kernel.yield
// CHECK: tensor.insert_slice %[[G0]]
// CHECK: tensor.insert_slice %[[G1]]
func.func @weight_grad_two_taps(%v0: tensor<8x4x4x16xf32>, %v1: tensor<8x4x4x16xf32>, %dyl: tensor<8x4x4x32xf32>) -> tensor<1x2x1x16x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x32xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e : tensor<16x32xf32>) -> tensor<16x32xf32>
  %d0 = linalg.generic {indexing_maps = [#x, #dy, #out], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%v0, %dyl : tensor<8x4x4x16xf32>, tensor<8x4x4x32xf32>) outs(%f0 : tensor<16x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x32xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e : tensor<16x32xf32>) -> tensor<16x32xf32>
  %d1 = linalg.generic {indexing_maps = [#x, #dy, #out], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%v1, %dyl : tensor<8x4x4x16xf32>, tensor<8x4x4x32xf32>) outs(%f1 : tensor<16x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x32xf32>
  %taps = tensor.empty() : tensor<1x2x1x16x32xf32>
  %i0 = tensor.insert_slice %d0 into %taps[0, 0, 0, 0, 0] [1, 1, 1, 16, 32] [1, 1, 1, 1, 1] : tensor<16x32xf32> into tensor<1x2x1x16x32xf32>
  %i1 = tensor.insert_slice %d1 into %i0[0, 1, 0, 0, 0] [1, 1, 1, 16, 32] [1, 1, 1, 1, 1] : tensor<16x32xf32> into tensor<1x2x1x16x32xf32>
  return %i1 : tensor<1x2x1x16x32xf32>
}

// -----

// Tests that a depthwise tap (all loops parallel: no reduction) is not a
// generic contraction; it gets the elementwise schedule, one row of up to four
// vectors along the channels.
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>

// CHECK-LABEL: func.func @depthwise_tap
// AVX512: kernel.group #kernel.schedule<tile = [1, 1, 1, 64], lanes = 16> vectorize -> tensor<8x6x6x64xf32> {
// AVX2: kernel.group #kernel.schedule<tile = [1, 1, 1, 32], lanes = 8> vectorize -> tensor<8x6x6x64xf32> {
// SSE: kernel.group #kernel.schedule<tile = [1, 1, 1, 16], lanes = 4> vectorize -> tensor<8x6x6x64xf32> {
func.func @depthwise_tap(%v: tensor<8x6x6x64xf32>, %t: tensor<64xf32>, %acc: tensor<8x6x6x64xf32>) -> tensor<8x6x6x64xf32> {
  %a = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%v, %t : tensor<8x6x6x64xf32>, tensor<64xf32>) outs(%acc : tensor<8x6x6x64xf32>) {
  ^bb0(%x: f32, %w: f32, %out: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<8x6x6x64xf32>
  return %a : tensor<8x6x6x64xf32>
}

// -----

// Tests that NCHW -> NHWC (permutation [0, 2, 3, 1]) is tiled lanes x lanes
// over W (innermost in the input, dim 2 of the output) and C (innermost in
// the output), N and H one at a time: 26 columns take one vector and a peeled
// remainder (16 + 10 at 512 bits).
// CHECK-LABEL: func.func @to_nhwc
// AVX512: kernel.group #kernel.schedule<tile = [1, 1, 16, 16], lanes = 16> vectorize -> tensor<64x26x26x32xf32> {
// AVX2: kernel.group #kernel.schedule<tile = [1, 1, 8, 8], lanes = 8> vectorize -> tensor<64x26x26x32xf32> {
// SSE: kernel.group #kernel.schedule<tile = [1, 1, 4, 4], lanes = 4> vectorize -> tensor<64x26x26x32xf32> {
// CHECK-NEXT: linalg.transpose
func.func @to_nhwc(%x: tensor<64x32x26x26xf32>) -> tensor<64x26x26x32xf32> {
  %e = tensor.empty() : tensor<64x26x26x32xf32>
  %t = linalg.transpose ins(%x : tensor<64x32x26x26xf32>) outs(%e : tensor<64x26x26x32xf32>) permutation = [0, 2, 3, 1]
  return %t : tensor<64x26x26x32xf32>
}

// -----

// Tests that NHWC -> NCHW (permutation [0, 3, 1, 2]) blocks C (innermost in
// the input, dim 1 of the output) and W (innermost in the output).
// CHECK-LABEL: func.func @to_nchw
// AVX512: kernel.group #kernel.schedule<tile = [1, 16, 1, 16], lanes = 16> vectorize -> tensor<64x32x26x26xf32> {
// AVX2: kernel.group #kernel.schedule<tile = [1, 8, 1, 8], lanes = 8> vectorize -> tensor<64x32x26x26xf32> {
// SSE: kernel.group #kernel.schedule<tile = [1, 4, 1, 4], lanes = 4> vectorize -> tensor<64x32x26x26xf32> {
// CHECK-NEXT: linalg.transpose
func.func @to_nchw(%y: tensor<64x26x26x32xf32>) -> tensor<64x32x26x26xf32> {
  %e = tensor.empty() : tensor<64x32x26x26xf32>
  %t = linalg.transpose ins(%y : tensor<64x26x26x32xf32>) outs(%e : tensor<64x32x26x26xf32>) permutation = [0, 3, 1, 2]
  return %t : tensor<64x32x26x26xf32>
}

// -----

// Tests that a transpose keeping the innermost dim in place (the weight taps'
// [KH, KW, G, C/G, F/G] -> [G, F/G, C/G, KH, KW] does not; this one swaps two
// outer dims) copies rows of up to four vectors of that dim, every other dim
// one at a time.
// CHECK-LABEL: func.func @keeps_innermost
// AVX512: kernel.group #kernel.schedule<tile = [1, 1, 1, 64], lanes = 16> vectorize -> tensor<3x2x4x128xf32> {
// AVX2: kernel.group #kernel.schedule<tile = [1, 1, 1, 32], lanes = 8> vectorize -> tensor<3x2x4x128xf32> {
// SSE: kernel.group #kernel.schedule<tile = [1, 1, 1, 16], lanes = 4> vectorize -> tensor<3x2x4x128xf32> {
// CHECK-NEXT: linalg.transpose
func.func @keeps_innermost(%x: tensor<2x3x4x128xf32>) -> tensor<3x2x4x128xf32> {
  %e = tensor.empty() : tensor<3x2x4x128xf32>
  %t = linalg.transpose ins(%x : tensor<2x3x4x128xf32>) outs(%e : tensor<3x2x4x128xf32>) permutation = [1, 0, 2, 3]
  return %t : tensor<3x2x4x128xf32>
}
