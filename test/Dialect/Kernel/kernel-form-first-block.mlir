// A packed product in k blocks from a fill: its first block is a product of
// its own with the fill, the rest accumulates into it. With K = 2 kc both
// halves have the same loop ranges, yet they stay two groups (not a chain of
// taps in one group, which kernel-tile cannot tile in a packed order), and
// both tile (with the packing, three nests).
// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=12288 l2-bytes=2097152 cores=2 accumulators=24}))' | FileCheck %s
// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=12288 l2-bytes=2097152 cores=2 accumulators=24},kernel-tile))' | FileCheck %s --check-prefix=TILED

// Tests 2048 x 512 x 2048: k blocks of 256 (L1 of 12 KiB over 12 rows),
// so the first block and the rest are 256 each.
// CHECK-LABEL: func.func @half_blocks
// CHECK: %[[A0:.+]] = tensor.extract_slice %arg0[0, 0] [2048, 256] [1, 1]
// CHECK: %[[B0:.+]] = tensor.extract_slice %[[B:.+]][0, 0, 0] [64, 256, 32] [1, 1, 1]
// CHECK: %[[A1:.+]] = tensor.extract_slice %arg0[0, 256] [2048, 256] [1, 1]
// CHECK: %[[B1:.+]] = tensor.extract_slice %[[B]][0, 256, 0] [64, 256, 32] [1, 1, 1]
// CHECK: %[[C0:.+]] = kernel.group #kernel.schedule<tile = [12, 1, 0, 0], reduce = [1], cache = [0, 32, 0, 0], order = [1, 3, 0, 2], lanes = 16, packed = "rhs">
// CHECK-NEXT: %[[F:.+]] = linalg.fill
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[A0]], %[[B0]] : {{.*}}) outs(%[[F]] :
// CHECK: kernel.yield
// CHECK-NEXT: }
// CHECK-NEXT: kernel.group #kernel.schedule<tile = [12, 1, 0, 0], reduce = [1], cache = [0, 32, 0, 0], order = [1, 3, 0, 2], lanes = 16, packed = "rhs">
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[A1]], %[[B1]] : {{.*}}) outs(%[[C0]] :
// TILED-LABEL: func.func @half_blocks
// TILED-COUNT-3: kernel.parallel}
// TILED: return
func.func @half_blocks(%a: tensor<2048x512xf32>, %b: tensor<512x2048xf32>) -> tensor<2048x2048xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2048x2048xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  %c = linalg.matmul ins(%a, %b : tensor<2048x512xf32>, tensor<512x2048xf32>) outs(%fill : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  return %c : tensor<2048x2048xf32>
}

// -----

// Tests two products of one fill of ones (CSE shares equal fills): each
// first block takes a copy of the fill into its own group, so each starts
// from ones in registers; the rest of each accumulates into its first.
// CHECK-LABEL: func.func @shared_fill
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[P:.+]] = kernel.group {{.*}} cache = [0, 32, 0, 0]
// CHECK-NEXT: linalg.fill ins(%[[ONE]] : f32)
// CHECK: kernel.group {{.*}} cache = [0, 32, 0, 256]
// CHECK-NEXT: linalg.generic {{.*}} outs(%[[P]] :
// CHECK: %[[Q:.+]] = kernel.group {{.*}} cache = [0, 32, 0, 0]
// CHECK-NEXT: linalg.fill ins(%[[ONE]] : f32)
// CHECK: kernel.group {{.*}} cache = [0, 32, 0, 256]
// CHECK-NEXT: linalg.generic {{.*}} outs(%[[Q]] :
// CHECK-NOT: linalg.fill
// CHECK: return
// TILED-LABEL: func.func @shared_fill
// TILED: return
func.func @shared_fill(%a: tensor<2048x1024xf32>, %b: tensor<1024x2048xf32>, %c: tensor<1024x2048xf32>) -> (tensor<2048x2048xf32>, tensor<2048x2048xf32>) {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<2048x2048xf32>
  %fill = linalg.fill ins(%one : f32) outs(%e : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  %x = linalg.matmul ins(%a, %b : tensor<2048x1024xf32>, tensor<1024x2048xf32>) outs(%fill : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  %y = linalg.matmul ins(%a, %c : tensor<2048x1024xf32>, tensor<1024x2048xf32>) outs(%fill : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  return %x, %y : tensor<2048x2048xf32>, tensor<2048x2048xf32>
}
