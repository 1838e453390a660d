// The packed-matmul strategy's schedule for one shape on four targets, and
// the shapes where a matmul is not packed. The fourth target, an Intel Xeon
// with 2 MiB of L2 and 24 accumulators (register blocks of 12 rows), checks
// the packed products only.
// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=49152 l2-bytes=1048576 cores=2}))' | FileCheck %s --check-prefixes=CHECK,ZEN5 --implicit-check-not='linalg.transpose ins(%arg1 : tensor<512x784xf32>)' --implicit-check-not='linalg.transpose ins(%arg1 : tensor<1000x200xf32>)'
// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-form{vector-bits=256 l1-bytes=32768 l2-bytes=524288 cores=2}))' | FileCheck %s --check-prefixes=CHECK,ZEN3 --implicit-check-not='linalg.transpose ins(%arg1 : tensor<512x784xf32>)' --implicit-check-not='linalg.transpose ins(%arg1 : tensor<1000x200xf32>)'
// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-form{vector-bits=256 l1-bytes=8192 l2-bytes=262144 cores=8}))' | FileCheck %s --check-prefixes=CHECK,SMALLL2 --implicit-check-not='linalg.transpose ins(%arg1 : tensor<512x784xf32>)' --implicit-check-not='linalg.transpose ins(%arg1 : tensor<1000x200xf32>)'
// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=49152 l2-bytes=2097152 cores=2 accumulators=24}))' | FileCheck %s --check-prefix=XEON --implicit-check-not='linalg.transpose ins(%arg1 : tensor<1000x200xf32>)'

// Tests a 2048-cube matmul. Panels of two vectors of columns (32 or 16);
// register blocks of 8 rows (32 registers), 12 (24 accumulators) or 6 (16
// registers); k blocks of 1024 (a divisor of 2048 near L1 over the block's
// rows of A), 256 on SMALLL2 (8 KiB of L1); panels per block: half of L2
// over a k block of one panel (4 of 32 columns in 1 MiB, 8 in 2 MiB, 4 of
// 16 in 512 KiB; 8 of 16 over 256 of k in 256 KiB), at most a core's share.
// The packing is a transpose [K, N/n, n] -> [N/n, K, n]. The first k block
// is a product of its own with the fill of C in its group (its register
// blocks start from zeros in registers); the rest of k accumulates into its
// result in one group: one k block, no cache tile over k, but for the 8
// KiB L1, where it runs in k blocks.
// CHECK-LABEL: func.func @cube
// ZEN5: kernel.group #kernel.schedule<tile = [1, 1, 32], lanes = 16> vectorize -> tensor<64x2048x32xf32>
// ZEN3: kernel.group #kernel.schedule<tile = [1, 1, 16], lanes = 8> vectorize -> tensor<128x2048x16xf32>
// SMALLL2: kernel.group #kernel.schedule<tile = [1, 1, 16], lanes = 8> vectorize -> tensor<128x2048x16xf32>
// CHECK-NEXT: linalg.transpose {{.*}} permutation = [1, 0, 2]
// ZEN5: %[[A0:.+]] = tensor.extract_slice %arg0[0, 0] [2048, 1024] [1, 1]
// ZEN5: %[[B0:.+]] = tensor.extract_slice %{{.+}}[0, 0, 0] [64, 1024, 32] [1, 1, 1]
// ZEN5: %[[A1:.+]] = tensor.extract_slice %arg0[0, 1024] [2048, 1024] [1, 1]
// ZEN5: %[[B1:.+]] = tensor.extract_slice %{{.+}}[0, 1024, 0] [64, 1024, 32] [1, 1, 1]
// XEON: %[[A0:.+]] = tensor.extract_slice %arg0[0, 0] [2048, 1024] [1, 1]
// XEON: %[[A1:.+]] = tensor.extract_slice %arg0[0, 1024] [2048, 1024] [1, 1]
// ZEN3: %[[A0:.+]] = tensor.extract_slice %arg0[0, 0] [2048, 1024] [1, 1]
// ZEN3: %[[B0:.+]] = tensor.extract_slice %{{.+}}[0, 0, 0] [128, 1024, 16] [1, 1, 1]
// ZEN3: %[[A1:.+]] = tensor.extract_slice %arg0[0, 1024] [2048, 1024] [1, 1]
// ZEN3: %[[B1:.+]] = tensor.extract_slice %{{.+}}[0, 1024, 0] [128, 1024, 16] [1, 1, 1]
// SMALLL2: %[[A0:.+]] = tensor.extract_slice %arg0[0, 0] [2048, 256] [1, 1]
// SMALLL2: %[[B0:.+]] = tensor.extract_slice %{{.+}}[0, 0, 0] [128, 256, 16] [1, 1, 1]
// SMALLL2: %[[A1:.+]] = tensor.extract_slice %arg0[0, 256] [2048, 1792] [1, 1]
// SMALLL2: %[[B1:.+]] = tensor.extract_slice %{{.+}}[0, 256, 0] [128, 1792, 16] [1, 1, 1]
// ZEN5: %[[C0:.+]] = kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], cache = [0, 4, 0, 0], order = [1, 3, 0, 2], lanes = 16, packed = "rhs"> vectorize -> tensor<2048x64x32xf32>
// XEON: %[[C0:.+]] = kernel.group #kernel.schedule<tile = [12, 1, 0, 0], reduce = [1], cache = [0, 8, 0, 0], order = [1, 3, 0, 2], lanes = 16, packed = "rhs"> vectorize -> tensor<2048x64x32xf32>
// ZEN3: %[[C0:.+]] = kernel.group #kernel.schedule<tile = [6, 1, 0, 0], reduce = [1], cache = [0, 4, 0, 0], order = [1, 3, 0, 2], lanes = 8, packed = "rhs"> vectorize -> tensor<2048x128x16xf32>
// SMALLL2: %[[C0:.+]] = kernel.group #kernel.schedule<tile = [6, 1, 0, 0], reduce = [1], cache = [0, 8, 0, 0], order = [1, 3, 0, 2], lanes = 8, packed = "rhs"> vectorize -> tensor<2048x128x16xf32>
// CHECK-NEXT: %[[F:.+]] = linalg.fill
// XEON-NEXT: %[[F:.+]] = linalg.fill
// ZEN5-NEXT: linalg.generic {{.*}} ins(%[[A0]], %[[B0]] : {{.*}}) outs(%[[F]] :
// ZEN3-NEXT: linalg.generic {{.*}} ins(%[[A0]], %[[B0]] : {{.*}}) outs(%[[F]] :
// SMALLL2-NEXT: linalg.generic {{.*}} ins(%[[A0]], %[[B0]] : {{.*}}) outs(%[[F]] :
// XEON-NEXT: linalg.generic {{.*}} ins(%[[A0]], %{{.+}} : {{.*}}) outs(%[[F]] :
// ZEN5: kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], cache = [0, 4, 0, 0], order = [1, 3, 0, 2], lanes = 16, packed = "rhs"> vectorize -> tensor<2048x64x32xf32>
// XEON: kernel.group #kernel.schedule<tile = [12, 1, 0, 0], reduce = [1], cache = [0, 8, 0, 0], order = [1, 3, 0, 2], lanes = 16, packed = "rhs"> vectorize -> tensor<2048x64x32xf32>
// ZEN3: kernel.group #kernel.schedule<tile = [6, 1, 0, 0], reduce = [1], cache = [0, 4, 0, 0], order = [1, 3, 0, 2], lanes = 8, packed = "rhs"> vectorize -> tensor<2048x128x16xf32>
// SMALLL2: kernel.group #kernel.schedule<tile = [6, 1, 0, 0], reduce = [1], cache = [0, 8, 0, 256], order = [1, 3, 0, 2], lanes = 8, packed = "rhs"> vectorize -> tensor<2048x128x16xf32>
// ZEN5-NEXT: linalg.generic {{.*}} ins(%[[A1]], %[[B1]] : {{.*}}) outs(%[[C0]] :
// ZEN3-NEXT: linalg.generic {{.*}} ins(%[[A1]], %[[B1]] : {{.*}}) outs(%[[C0]] :
// SMALLL2-NEXT: linalg.generic {{.*}} ins(%[[A1]], %[[B1]] : {{.*}}) outs(%[[C0]] :
// XEON-NEXT: linalg.generic {{.*}} ins(%[[A1]], %{{.+}} : {{.*}}) outs(%[[C0]] :
// CHECK: tensor.collapse_shape
func.func @cube(%a: tensor<2048x2048xf32>, %b: tensor<2048x2048xf32>) -> tensor<2048x2048xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2048x2048xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  %c = linalg.matmul ins(%a, %b : tensor<2048x2048xf32>, tensor<2048x2048xf32>) outs(%fill : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  return %c : tensor<2048x2048xf32>
}

// -----

// Tests a packed product summed into C given by the caller (no fill, as
// an accumulation written as the packed form): nothing to start from in
// registers, so no first k block of its own; every block reads C.
// CHECK-LABEL: func.func @packed_into
// CHECK-NOT: tensor.extract_slice
// CHECK: kernel.group
// ZEN5-SAME: cache = [0, 4, 0, 1024], order = [1, 3, 0, 2], lanes = 16, packed = "rhs">
// XEON: kernel.group {{.*}} cache = [0, 8, 0, 1024], order = [1, 3, 0, 2], lanes = 16, packed = "rhs">
// CHECK-NEXT: linalg.generic {{.*}} ins(%arg0, %arg1 : tensor<2048x2048xf32>, tensor<64x2048x32xf32>) outs(%arg2 : tensor<2048x64x32xf32>)
// CHECK-NOT: kernel.group
// CHECK: return
func.func @packed_into(%a: tensor<2048x2048xf32>, %b: tensor<64x2048x32xf32>, %c0: tensor<2048x64x32xf32>) -> tensor<2048x64x32xf32> {
  %c = linalg.generic {indexing_maps = [affine_map<(m, o, i, k) -> (m, k)>, affine_map<(m, o, i, k) -> (o, k, i)>, affine_map<(m, o, i, k) -> (m, o, i)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%a, %b : tensor<2048x2048xf32>, tensor<64x2048x32xf32>) outs(%c0 : tensor<2048x64x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2048x64x32xf32>
  return %c : tensor<2048x64x32xf32>
}

// -----

// Tests a dense layer's forward, x Wᵀ with W [512, 784], on a batch of 64:
// fewer samples than units, so Cᵀ = W xᵀ, x packed into panels (2 of 32
// columns, or 4 of 16) and C transposed back: W is never copied (the
// transpose to Wᵀ is gone). The panels fit in half of L2 and a register
// block's rows of W (all 784 k) in L1, so no cache blocks: the threads split
// W's rows. With L2 too small for the panels (256 KiB), W is packed as
// before: k blocks, 4 of its 32 panels per block (8 cores), the first 196 of
// k a product of its own from the fill, then 588 in 2 blocks of 294.
// (No W transposed as it is: --implicit-check-not on every RUN line.)
// CHECK-LABEL: func.func @dense_forward
// ZEN5: tensor.expand_shape %arg0 {{.*}} : tensor<64x784xf32> into tensor<2x32x784xf32>
// ZEN3: tensor.expand_shape %arg0 {{.*}} : tensor<64x784xf32> into tensor<4x16x784xf32>
// SMALLL2: tensor.expand_shape %arg1 {{.*}} : tensor<512x784xf32> into tensor<32x16x784xf32>
// CHECK: linalg.transpose {{.*}} permutation = [0, 2, 1]
// With no cache blocks over k the fill of C is in the product's group; with
// k blocks (SMALLL2) it is in the group of the first block's product.
// ZEN5: kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], lanes = 16, packed = "rhs"> vectorize -> tensor<512x2x32xf32>
// XEON: kernel.group #kernel.schedule<tile = [12, 1, 0, 0], reduce = [1], lanes = 16, packed = "rhs"> vectorize -> tensor<512x2x32xf32>
// ZEN5-NEXT: linalg.fill
// ZEN5-NEXT: linalg.generic {{.*}} ins(%arg1, %{{.+}} : tensor<512x784xf32>, tensor<2x784x32xf32>)
// ZEN3: kernel.group #kernel.schedule<tile = [6, 1, 0, 0], reduce = [1], lanes = 8, packed = "rhs"> vectorize -> tensor<512x4x16xf32>
// ZEN3-NEXT: linalg.fill
// ZEN3-NEXT: linalg.generic {{.*}} ins(%arg1, %{{.+}} : tensor<512x784xf32>, tensor<4x784x16xf32>)
// SMALLL2: kernel.group #kernel.schedule<tile = [6, 1, 0, 0], reduce = [1], cache = [0, 4, 0, 0], order = [1, 3, 0, 2], lanes = 8, packed = "rhs"> vectorize -> tensor<64x32x16xf32>
// SMALLL2-NEXT: linalg.fill
// SMALLL2-NEXT: linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<64x196xf32>, tensor<32x196x16xf32>)
// SMALLL2: cache = [0, 4, 0, 294], order = [1, 3, 0, 2], lanes = 8, packed = "rhs"> vectorize -> tensor<64x32x16xf32>
// SMALLL2-NEXT: linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<64x588xf32>, tensor<32x588x16xf32>)
// ZEN5: tensor.collapse_shape {{.*}} : tensor<512x2x32xf32> into tensor<512x64xf32>
// ZEN5: linalg.transpose ins(%{{.+}} : tensor<512x64xf32>) outs(%{{.+}} : tensor<64x512xf32>) permutation = [1, 0]
// ZEN3: linalg.transpose ins(%{{.+}} : tensor<512x64xf32>) outs(%{{.+}} : tensor<64x512xf32>) permutation = [1, 0]
// SMALLL2: tensor.collapse_shape {{.*}} : tensor<64x32x16xf32> into tensor<64x512xf32>
// SMALLL2-NOT: linalg.transpose
func.func @dense_forward(%x: tensor<64x784xf32>, %w: tensor<512x784xf32>) -> tensor<64x512xf32> {
  %zero = arith.constant 0.0 : f32
  %te = tensor.empty() : tensor<784x512xf32>
  %wt = linalg.transpose ins(%w : tensor<512x784xf32>) outs(%te : tensor<784x512xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<64x512xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<64x512xf32>) -> tensor<64x512xf32>
  %c = linalg.matmul ins(%x, %wt : tensor<64x784xf32>, tensor<784x512xf32>) outs(%fill : tensor<64x512xf32>) -> tensor<64x512xf32>
  return %c : tensor<64x512xf32>
}

// -----

// Tests a dense layer's forward on more samples than units (512 of x, 64 of
// W): W is packed (it is the smaller copy) and nothing is transposed back;
// its panels fit in half of L2 but for 256 KiB, so only there the product
// is blocked (one panel per block, the 4 split among the 8 cores), its
// first k block a product of its own from the fill: it fits in L2 and its
// rows are split among the cores instead.
// CHECK-LABEL: func.func @wide_batch
// CHECK: tensor.expand_shape %arg1 {{.*}} : tensor<64x784xf32>
// ZEN5: kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], lanes = 16, packed = "rhs"> vectorize -> tensor<512x2x32xf32>
// ZEN3: kernel.group #kernel.schedule<tile = [6, 1, 0, 0], reduce = [1], lanes = 8, packed = "rhs"> vectorize -> tensor<512x4x16xf32>
// SMALLL2: kernel.group #kernel.schedule<tile = [6, 1, 0, 0], reduce = [1], lanes = 8, packed = "rhs"> vectorize -> tensor<512x4x16xf32>
// CHECK-NEXT: linalg.fill
// ZEN5-NEXT: linalg.generic {{.*}} ins(%arg0, %{{.+}} : tensor<512x784xf32>,
// ZEN3-NEXT: linalg.generic {{.*}} ins(%arg0, %{{.+}} : tensor<512x784xf32>,
// SMALLL2-NEXT: linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<512x196xf32>, tensor<4x196x16xf32>)
// SMALLL2: kernel.group #kernel.schedule<tile = [6, 1, 0, 0], reduce = [1], cache = [0, 1, 0, 294], order = [1, 3, 0, 2], lanes = 8, packed = "rhs"> vectorize -> tensor<512x4x16xf32>
// SMALLL2-NEXT: linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<512x588xf32>, tensor<4x588x16xf32>)
// CHECK: tensor.collapse_shape {{.*}} into tensor<512x64xf32>
// CHECK-NOT: linalg.transpose
func.func @wide_batch(%x: tensor<512x784xf32>, %w: tensor<64x784xf32>) -> tensor<512x64xf32> {
  %zero = arith.constant 0.0 : f32
  %te = tensor.empty() : tensor<784x64xf32>
  %wt = linalg.transpose ins(%w : tensor<64x784xf32>) outs(%te : tensor<784x64xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<512x64xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<512x64xf32>) -> tensor<512x64xf32>
  %c = linalg.matmul ins(%x, %wt : tensor<512x784xf32>, tensor<784x64xf32>) outs(%fill : tensor<512x64xf32>) -> tensor<512x64xf32>
  return %c : tensor<512x64xf32>
}

// -----

// Tests a dense layer's forward on 1000 units, not whole panels: W's last
// panel is padded with zeros (31 panels and 8 rows of W at 512 bits, 62 and 8
// at 256), C is computed in whole panels [256, 32, 32] (or [256, 63, 16]) and
// read through its first 1000 columns. 100 units would pad 28 of 128 columns
// at 512 bits, more than an eighth: not packed there, packed in 7 panels of 16
// (12 of 112 padded) at 256 bits.
// CHECK-LABEL: func.func @padded_panels
// ZEN5: tensor.extract_slice %arg1[0, 0] [992, 200] [1, 1] : tensor<1000x200xf32> to tensor<992x200xf32>
// ZEN5: linalg.transpose {{.*}} outs(%{{.+}} : tensor<31x200x32xf32>) permutation = [0, 2, 1]
// ZEN5: tensor.extract_slice %arg1[992, 0] [8, 200] [1, 1] : tensor<1000x200xf32> to tensor<8x200xf32>
// ZEN5: linalg.transpose {{.*}} outs(%{{.+}} : tensor<200x8xf32>) permutation = [1, 0]
// ZEN5: linalg.fill {{.*}} outs(%{{.+}} : tensor<200x24xf32>)
// ZEN5: kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], cache = [0, 16, 0, 0], order = [1, 3, 0, 2], lanes = 16, packed = "rhs"> vectorize -> tensor<256x32x32xf32>
// XEON: kernel.group #kernel.schedule<tile = [12, 1, 0, 0], reduce = [1], cache = [0, 16, 0, 0], order = [1, 3, 0, 2], lanes = 16, packed = "rhs"> vectorize -> tensor<256x32x32xf32>
// ZEN5: tensor.collapse_shape {{.*}} : tensor<256x32x32xf32> into tensor<256x1024xf32>
// ZEN5-NEXT: tensor.extract_slice {{.*}}[0, 0] [256, 1000] [1, 1] : tensor<256x1024xf32> to tensor<256x1000xf32>
// ZEN3: linalg.transpose {{.*}} outs(%{{.+}} : tensor<62x200x16xf32>) permutation = [0, 2, 1]
// ZEN3: linalg.fill {{.*}} outs(%{{.+}} : tensor<200x8xf32>)
// ZEN3: packed = "rhs"> vectorize -> tensor<256x63x16xf32>
// ZEN3: tensor.extract_slice {{.*}}[0, 0] [256, 1000] [1, 1] : tensor<256x1008xf32> to tensor<256x1000xf32>
// CHECK-LABEL: func.func @too_padded
// XEON-LABEL: func.func @too_padded
// ZEN5-NOT: packed = "rhs"
// ZEN3: packed = "rhs"> vectorize -> tensor<256x7x16xf32>
// XEON-NOT: packed = "rhs"
// XEON-LABEL: func.func @few_samples
func.func @padded_panels(%x: tensor<256x200xf32>, %w: tensor<1000x200xf32>) -> tensor<256x1000xf32> {
  %zero = arith.constant 0.0 : f32
  %te = tensor.empty() : tensor<200x1000xf32>
  %wt = linalg.transpose ins(%w : tensor<1000x200xf32>) outs(%te : tensor<200x1000xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<256x1000xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<256x1000xf32>) -> tensor<256x1000xf32>
  %c = linalg.matmul ins(%x, %wt : tensor<256x200xf32>, tensor<200x1000xf32>) outs(%fill : tensor<256x1000xf32>) -> tensor<256x1000xf32>
  return %c : tensor<256x1000xf32>
}
func.func @too_padded(%x: tensor<256x200xf32>, %w: tensor<100x200xf32>) -> tensor<256x100xf32> {
  %zero = arith.constant 0.0 : f32
  %te = tensor.empty() : tensor<200x100xf32>
  %wt = linalg.transpose ins(%w : tensor<100x200xf32>) outs(%te : tensor<200x100xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<256x100xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<256x100xf32>) -> tensor<256x100xf32>
  %c = linalg.matmul ins(%x, %wt : tensor<256x200xf32>, tensor<200x100xf32>) outs(%fill : tensor<256x100xf32>) -> tensor<256x100xf32>
  return %c : tensor<256x100xf32>
}

// -----

// Tests the forwards that keep W packed although the batch is smaller: 40
// samples would pad their last panel by more than an eighth (64 or 48); and a recurrent step inside a
// loop, W [256, 64] read at every step by h [32, 64]: W is packed once,
// before the loop (at 256 bits the swap would pass its cost test, but it
// would pack h at every step).
// CHECK-LABEL: func.func @few_samples
// CHECK: tensor.expand_shape %arg1 {{.*}} : tensor<512x784xf32>
// CHECK-NOT: linalg.transpose ins(%{{.+}} : tensor<512x40xf32>)
// CHECK-LABEL: func.func @recurrent
// CHECK: tensor.expand_shape %arg1 {{.*}} : tensor<256x64xf32>
// CHECK: linalg.transpose {{.*}} permutation = [0, 2, 1]
// CHECK: scf.for
// CHECK-NOT: tensor.expand_shape
// CHECK: packed = "rhs"
// CHECK-NOT: linalg.transpose ins(%{{.+}} : tensor<256x32xf32>)
// CHECK: scf.yield
func.func @few_samples(%x: tensor<40x784xf32>, %w: tensor<512x784xf32>) -> tensor<40x512xf32> {
  %zero = arith.constant 0.0 : f32
  %te = tensor.empty() : tensor<784x512xf32>
  %wt = linalg.transpose ins(%w : tensor<512x784xf32>) outs(%te : tensor<784x512xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<40x512xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<40x512xf32>) -> tensor<40x512xf32>
  %c = linalg.matmul ins(%x, %wt : tensor<40x784xf32>, tensor<784x512xf32>) outs(%fill : tensor<40x512xf32>) -> tensor<40x512xf32>
  return %c : tensor<40x512xf32>
}
func.func @recurrent(%h0: tensor<32x64xf32>, %w: tensor<256x64xf32>) -> tensor<32x256xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c29 = arith.constant 29 : index
  %te = tensor.empty() : tensor<64x256xf32>
  %wt = linalg.transpose ins(%w : tensor<256x64xf32>) outs(%te : tensor<64x256xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<32x256xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<32x256xf32>) -> tensor<32x256xf32>
  %r:2 = scf.for %t = %c0 to %c29 step %c1 iter_args(%h = %h0, %acc = %init) -> (tensor<32x64xf32>, tensor<32x256xf32>) {
    %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<32x256xf32>) -> tensor<32x256xf32>
    %g = linalg.matmul ins(%h, %wt : tensor<32x64xf32>, tensor<64x256xf32>) outs(%fill : tensor<32x256xf32>) -> tensor<32x256xf32>
    %hn = tensor.extract_slice %g[0, 0] [32, 64] [1, 1] : tensor<32x256xf32> to tensor<32x64xf32>
    scf.yield %hn, %g : tensor<32x64xf32>, tensor<32x256xf32>
  }
  return %r#1 : tensor<32x256xf32>
}

// -----

// Tests the matmuls that stay unpacked: too few rows of A to reuse a panel
// (8), and columns that are not whole panels (10).
// CHECK-LABEL: func.func @few_rows
// CHECK-NOT: packed
// CHECK: linalg.matmul
// CHECK-LABEL: func.func @partial_panel
// CHECK-NOT: packed
// CHECK: linalg.matmul
func.func @few_rows(%a: tensor<8x256xf32>, %b: tensor<256x256xf32>) -> tensor<8x256xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x256xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<8x256xf32>) -> tensor<8x256xf32>
  %c = linalg.matmul ins(%a, %b : tensor<8x256xf32>, tensor<256x256xf32>) outs(%fill : tensor<8x256xf32>) -> tensor<8x256xf32>
  return %c : tensor<8x256xf32>
}
func.func @partial_panel(%a: tensor<64x256xf32>, %b: tensor<256x10xf32>) -> tensor<64x10xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x10xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<64x10xf32>) -> tensor<64x10xf32>
  %c = linalg.matmul ins(%a, %b : tensor<64x256xf32>, tensor<256x10xf32>) outs(%fill : tensor<64x10xf32>) -> tensor<64x10xf32>
  return %c : tensor<64x10xf32>
}

// -----

// Tests a weight gradient gᵀ x (g [64, 512], x [64, 784]) with an SGD
// update after it: g is transposed once into [512, 64], and the product is
// a plain matmul (not packed), so the update stays in its group. The update
// reads W, which outgrows L1: the group runs over cache tiles of whole
// register-block rows (at most half of L1 of products, in a multiple of the
// register tile that divides 784, else all of it when that fits in L1: at
// 512 bits tiles of two vectors, 32 columns and a peeled 16, as no multiple of
// 32 divides 784, so all 784 columns of 8 rows in 48 KiB; at 256 bits 16
// columns divide them, all 784 of 4 rows in 32 KiB) and the update over each
// cache tile a row at a time. With L2 at 256 KiB, x (200 KB) outgrows half of it: cache tiles of 16
// rows (C at most a quarter of L2) run over chunks of 16 of the 64 k (x's
// chunk a quarter of L2), so x is read once per cache tile, not once per
// register block. A gradient of 8 units is left as it was.
// CHECK-LABEL: func.func @weight_gradient
// CHECK: kernel.group
// CHECK-NEXT: linalg.transpose ins(%{{.+}} : tensor<64x512xf32>) outs(%{{.+}} : tensor<512x64xf32>) permutation = [1, 0]
// ZEN5: kernel.group #kernel.schedule<tile = [8, 32], reduce = [1], cache = [8, 0], lanes = 16, epilogue = [1, 32]> vectorize -> tensor<512x784xf32>
// XEON-LABEL: func.func @weight_gradient
// XEON: kernel.group #kernel.schedule<tile = [8, 32], reduce = [1], cache = [8, 0], lanes = 16, epilogue = [1, 32]> vectorize -> tensor<512x784xf32>
// ZEN3: kernel.group #kernel.schedule<tile = [4, 16], reduce = [1], cache = [4, 0], lanes = 8, epilogue = [1, 16]> vectorize -> tensor<512x784xf32>
// SMALLL2: kernel.group #kernel.schedule<tile = [4, 16], reduce = [1], cache = [16, 0, 16], lanes = 8, epilogue = [1, 16]> vectorize -> tensor<512x784xf32>
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<512x64xf32>, tensor<64x784xf32>)
// CHECK-NEXT: linalg.generic
// CHECK-NOT: matmul_transpose_a
// CHECK-LABEL: func.func @few_units
// CHECK-NOT: linalg.transpose
// CHECK: linalg.matmul_transpose_a
// A small update (the gradient, W and the update fit in L1 many times), a
// bias with an activation, and an activation's derivative (it reads the
// forward activation but updates nothing in place; 8 units, so not packed)
// keep the plain register tiles.
// CHECK-LABEL: func.func @small_update
// CHECK: kernel.group #kernel.schedule<tile = [{{[0-9]+}}, {{[0-9]+}}], reduce = [1], lanes = {{[0-9]+}}> vectorize -> tensor<16x32xf32>
// CHECK-LABEL: func.func @dense_relu
// CHECK: kernel.group #kernel.schedule<tile = [{{[0-9]+}}, {{[0-9]+}}], reduce = [1], lanes = {{[0-9]+}}> vectorize -> tensor<64x512xf32>
// CHECK-LABEL: func.func @relu_backward
// CHECK: kernel.group #kernel.schedule<tile = [{{[0-9]+}}, {{[0-9]+}}], reduce = [1], lanes = {{[0-9]+}}> vectorize -> tensor<64x512xf32>
// Rows that register blocks do not divide (57) get no epilogue schedule: a
// partial cache tile is not made (plain tiles at 512 bits; at 256, B is packed).
// CHECK-LABEL: func.func @ragged_rows
// CHECK-NOT: epilogue
func.func @weight_gradient(%g: tensor<64x512xf32>, %x: tensor<64x784xf32>, %w: tensor<512x784xf32>) -> tensor<512x784xf32> {
  %zero = arith.constant 0.0 : f32
  %lr = arith.constant 0.01 : f32
  %e = tensor.empty() : tensor<512x784xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<512x784xf32>) -> tensor<512x784xf32>
  %dw = linalg.matmul_transpose_a ins(%g, %x : tensor<64x512xf32>, tensor<64x784xf32>) outs(%fill : tensor<512x784xf32>) -> tensor<512x784xf32>
  %u = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%dw : tensor<512x784xf32>) outs(%w : tensor<512x784xf32>) {
  ^bb0(%d: f32, %p: f32):
    %s = arith.mulf %d, %lr : f32
    %n = arith.subf %p, %s : f32
    linalg.yield %n : f32
  } -> tensor<512x784xf32>
  return %u : tensor<512x784xf32>
}
func.func @few_units(%g: tensor<64x8xf32>, %x: tensor<64x784xf32>) -> tensor<8x784xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x784xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<8x784xf32>) -> tensor<8x784xf32>
  %dw = linalg.matmul_transpose_a ins(%g, %x : tensor<64x8xf32>, tensor<64x784xf32>) outs(%fill : tensor<8x784xf32>) -> tensor<8x784xf32>
  return %dw : tensor<8x784xf32>
}
func.func @small_update(%g: tensor<16x8xf32>, %x: tensor<8x32xf32>, %w: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %zero = arith.constant 0.0 : f32
  %lr = arith.constant 0.01 : f32
  %e = tensor.empty() : tensor<16x32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<16x32xf32>) -> tensor<16x32xf32>
  %dw = linalg.matmul ins(%g, %x : tensor<16x8xf32>, tensor<8x32xf32>) outs(%fill : tensor<16x32xf32>) -> tensor<16x32xf32>
  %u = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%dw : tensor<16x32xf32>) outs(%w : tensor<16x32xf32>) {
  ^bb0(%d: f32, %p: f32):
    %s = arith.mulf %d, %lr : f32
    %n = arith.subf %p, %s : f32
    linalg.yield %n : f32
  } -> tensor<16x32xf32>
  return %u : tensor<16x32xf32>
}
func.func @dense_relu(%x: tensor<64x784xf32>, %wt: tensor<512x784xf32>, %b: tensor<512xf32>) -> tensor<64x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x512xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<64x512xf32>) -> tensor<64x512xf32>
  %y = linalg.matmul_transpose_b ins(%x, %wt : tensor<64x784xf32>, tensor<512x784xf32>) outs(%fill : tensor<64x512xf32>) -> tensor<64x512xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%y, %b : tensor<64x512xf32>, tensor<512xf32>) outs(%e : tensor<64x512xf32>) {
  ^bb0(%v: f32, %bias: f32, %o: f32):
    %s = arith.addf %v, %bias : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<64x512xf32>
  return %r : tensor<64x512xf32>
}
func.func @relu_backward(%dy: tensor<64x8xf32>, %w: tensor<8x512xf32>, %act: tensor<64x512xf32>) -> tensor<64x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x512xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<64x512xf32>) -> tensor<64x512xf32>
  %dh = linalg.matmul ins(%dy, %w : tensor<64x8xf32>, tensor<8x512xf32>) outs(%fill : tensor<64x512xf32>) -> tensor<64x512xf32>
  %dx = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%dh, %act : tensor<64x512xf32>, tensor<64x512xf32>) outs(%e : tensor<64x512xf32>) {
  ^bb0(%g: f32, %a: f32, %o: f32):
    %pos = arith.cmpf ogt, %a, %zero : f32
    %r = arith.select %pos, %g, %zero : f32
    linalg.yield %r : f32
  } -> tensor<64x512xf32>
  return %dx : tensor<64x512xf32>
}
func.func @ragged_rows(%g: tensor<57x64xf32>, %x: tensor<64x400xf32>, %w: tensor<57x400xf32>) -> tensor<57x400xf32> {
  %zero = arith.constant 0.0 : f32
  %lr = arith.constant 0.01 : f32
  %e = tensor.empty() : tensor<57x400xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<57x400xf32>) -> tensor<57x400xf32>
  %dw = linalg.matmul ins(%g, %x : tensor<57x64xf32>, tensor<64x400xf32>) outs(%fill : tensor<57x400xf32>) -> tensor<57x400xf32>
  %u = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%dw : tensor<57x400xf32>) outs(%w : tensor<57x400xf32>) {
  ^bb0(%d: f32, %p: f32):
    %s = arith.mulf %d, %lr : f32
    %n = arith.subf %p, %s : f32
    linalg.yield %n : f32
  } -> tensor<57x400xf32>
  return %u : tensor<57x400xf32>
}

// -----

// Tests a convolution's weight gradient, dW[ci, co] = sum over (n, h, w) of
// x[n, h, w, ci] * dy[n, h, w, co] (fashion_cnn's second conv, one tap): its
// inputs (3 MB) outgrow L2, and each of its register tiles would stream
// them again. The batch runs in chunks of inputs up to an eighth of L2 (46
// KB per image: 2 images in 128 KiB, 1 in 64 KiB; in 32 KiB, one image at a
// time in chunks of its rows, 4 KB each: 1, as 11 is prime), every register
// tile over a chunk before the next. At 256 bits the tiles are 6 rows (6 x 2
// vectors, then a remainder of 2: 6 + 6 + 6 + 6 + 6 + 2 take fewer cycles than
// 8 tiles of 4 rows, each exactly 8 FMA chains), so the rows do not split in
// whole tiles and the columns split per core instead (32 on ZEN3's 2 cores;
// 16 on SMALLL2's 8, the 4 register tiles of columns). ZEN5's 2 x 16-lane
// columns leave 8 rows a register tile, and the 32 rows split in one block
// per core.
// CHECK-LABEL: func.func @conv_weight_gradient
// ZEN5: kernel.group #kernel.schedule<tile = [8, 32, 0, 0, 0], reduce = [1, 1, 1], cache = [16, 0, 2, 0, 0], lanes = 16>
// ZEN3: kernel.group #kernel.schedule<tile = [6, 16, 0, 0, 0], reduce = [1, 1, 1], cache = [0, 32, 1, 0, 0], lanes = 8>
// SMALLL2: kernel.group #kernel.schedule<tile = [6, 16, 0, 0, 0], reduce = [1, 1, 1], cache = [0, 16, 1, 1, 0], lanes = 8>
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic

// Tests the same gradient over 4 images (190 KB of inputs): twice that fits
// in L2, so there are no cache tiles, except in SMALLL2's 256 KiB.
// CHECK-LABEL: func.func @small_conv_weight_gradient
// ZEN5: kernel.group #kernel.schedule<tile = [8, 32, 0, 0, 0], reduce = [1, 1, 1], lanes = 16> vectorize
// ZEN3: kernel.group #kernel.schedule<tile = [6, 16, 0, 0, 0], reduce = [1, 1, 1], lanes = 8> vectorize
// SMALLL2: kernel.group #kernel.schedule<tile = [6, 16, 0, 0, 0], reduce = [1, 1, 1], cache = [0, 16, 1, 1, 0], lanes = 8> vectorize

#xs = affine_map<(ci, co, n, h, w) -> (n, h, w, ci)>
#dys = affine_map<(ci, co, n, h, w) -> (n, h, w, co)>
#dws = affine_map<(ci, co, n, h, w) -> (ci, co)>
func.func @conv_weight_gradient(%x: tensor<64x11x11x32xf32>, %dy: tensor<64x11x11x64xf32>) -> tensor<32x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x64xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<32x64xf32>) -> tensor<32x64xf32>
  %dw = linalg.generic {indexing_maps = [#xs, #dys, #dws], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %dy : tensor<64x11x11x32xf32>, tensor<64x11x11x64xf32>) outs(%fill : tensor<32x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<32x64xf32>
  return %dw : tensor<32x64xf32>
}
func.func @small_conv_weight_gradient(%x: tensor<4x11x11x32xf32>, %dy: tensor<4x11x11x64xf32>) -> tensor<32x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x64xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<32x64xf32>) -> tensor<32x64xf32>
  %dw = linalg.generic {indexing_maps = [#xs, #dys, #dws], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %dy : tensor<4x11x11x32xf32>, tensor<4x11x11x64xf32>) outs(%fill : tensor<32x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<32x64xf32>
  return %dw : tensor<32x64xf32>
}

// -----

// Tests the same convolution's weight gradient over all 9 taps in one
// contraction (ConvBuilders.cpp), dims (i, j, ci, co, n, h, w), x read at
// (n, h + i, w + j, ci): the taps are output dims that index x only inside
// sums, so every tap's register tiles run over a chunk of images before the
// next chunk (x and dy read from memory once, not once per tap). Its inputs
// are 3.4 MB (x 13 x 13 per image, 54 KB an image with dy): 2 images in
// ZEN5's eighth of L2, 4 in XEON's, 1 in ZEN3's; SMALLL2's 32 KiB takes
// rows of one image. The taps stay one at a time (tile 1 x 1); the rows
// (else the columns) split per core as for one tap.
// CHECK-LABEL: func.func @window_weight_gradient
// ZEN5: kernel.group #kernel.schedule<tile = [1, 1, 8, 32, 0, 0, 0], reduce = [1, 1, 1], cache = [0, 0, 16, 0, 2, 0, 0], lanes = 16>
// ZEN3: kernel.group #kernel.schedule<tile = [1, 1, 6, 16, 0, 0, 0], reduce = [1, 1, 1], cache = [0, 0, 0, 32, 1, 0, 0], lanes = 8>
// SMALLL2: kernel.group #kernel.schedule<tile = [1, 1, 6, 16, 0, 0, 0], reduce = [1, 1, 1], cache = [0, 0, 0, 16, 1, 1, 0], lanes = 8>
// XEON: kernel.group #kernel.schedule<tile = [1, 1, 8, 32, 0, 0, 0], reduce = [1, 1, 1], cache = [0, 0, 16, 0, 4, 0, 0], lanes = 16>
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic
#xw = affine_map<(i, j, ci, co, n, h, w) -> (n, h + i, w + j, ci)>
#dyw = affine_map<(i, j, ci, co, n, h, w) -> (n, h, w, co)>
#dww = affine_map<(i, j, ci, co, n, h, w) -> (i, j, ci, co)>
func.func @window_weight_gradient(%x: tensor<64x13x13x32xf32>, %dy: tensor<64x11x11x64xf32>) -> tensor<3x3x32x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x3x32x64xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<3x3x32x64xf32>) -> tensor<3x3x32x64xf32>
  %dw = linalg.generic {indexing_maps = [#xw, #dyw, #dww], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %dy : tensor<64x13x13x32xf32>, tensor<64x11x11x64xf32>) outs(%fill : tensor<3x3x32x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<3x3x32x64xf32>
  return %dw : tensor<3x3x32x64xf32>
}

// -----

// Tests what is no multiply-accumulate (isMultiplyAccumulate): an input index
// that is not a sum of dims (a mod), a body that reduces with a max. Neither
// gets a contraction's register tiles: each output element one at a time,
// the innermost reduction in vectors.
// CHECK-LABEL: func.func @window_mod
// ZEN5: kernel.group #kernel.schedule<tile = [1, 1, 1, 1, 0, 0, 0], reduce = [1, 1, 11], lanes = 16>
// CHECK-LABEL: func.func @window_max
// ZEN5: kernel.group #kernel.schedule<tile = [1, 1, 1, 1, 0, 0, 0], reduce = [1, 1, 11], lanes = 16>
#xmod = affine_map<(i, j, ci, co, n, h, w) -> (n, (h + i) mod 13, w + j, ci)>
#dyn = affine_map<(i, j, ci, co, n, h, w) -> (n, h, w, co)>
#dwn = affine_map<(i, j, ci, co, n, h, w) -> (i, j, ci, co)>
#xwn = affine_map<(i, j, ci, co, n, h, w) -> (n, h + i, w + j, ci)>
func.func @window_mod(%x: tensor<4x13x13x32xf32>, %dy: tensor<4x11x11x64xf32>) -> tensor<3x3x32x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x3x32x64xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<3x3x32x64xf32>) -> tensor<3x3x32x64xf32>
  %dw = linalg.generic {indexing_maps = [#xmod, #dyn, #dwn], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %dy : tensor<4x13x13x32xf32>, tensor<4x11x11x64xf32>) outs(%fill : tensor<3x3x32x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<3x3x32x64xf32>
  return %dw : tensor<3x3x32x64xf32>
}
func.func @window_max(%x: tensor<4x13x13x32xf32>, %dy: tensor<4x11x11x64xf32>) -> tensor<3x3x32x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x3x32x64xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<3x3x32x64xf32>) -> tensor<3x3x32x64xf32>
  %dw = linalg.generic {indexing_maps = [#xwn, #dyn, #dwn], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %dy : tensor<4x13x13x32xf32>, tensor<4x11x11x64xf32>) outs(%fill : tensor<3x3x32x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.maximumf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<3x3x32x64xf32>
  return %dw : tensor<3x3x32x64xf32>
}

// -----

// Tests a weight gradient over tap planes (a first conv: 9 taps of one
// channel, 32 filters; dims (t, f, n, h, w)): rows of 5 taps (5 + 4 cost
// fewer cycles than 8 + 1 or 6 + 3) by two vectors of filters. The inputs
// (7 MB) outgrow L2, so the batch runs in chunks (110 KB an image: one in
// ZEN5's 128 KiB, then rows of it, 4 KB each: 13 of 26 in 64 KiB, 2 in 32); the 9
// rows do not split in whole register tiles, so the columns are split per
// core where there are two register tiles of them (ZEN3, SMALLL2), and
// ZEN5's one register tile of 32 columns is not.
// CHECK-LABEL: func.func @planes_weight_gradient
// ZEN5: kernel.group #kernel.schedule<tile = [5, 32, 0, 0, 0], reduce = [1, 1, 1], cache = [0, 0, 1, 0, 0], lanes = 16>
// ZEN3: kernel.group #kernel.schedule<tile = [5, 16, 0, 0, 0], reduce = [1, 1, 1], cache = [0, 16, 1, 13, 0], lanes = 8>
// SMALLL2: kernel.group #kernel.schedule<tile = [5, 16, 0, 0, 0], reduce = [1, 1, 1], cache = [0, 16, 1, 2, 0], lanes = 8>
#planes = affine_map<(t, f, n, h, w) -> (t, n, h, w)>
#dyp = affine_map<(t, f, n, h, w) -> (n, h, w, f)>
#dwp = affine_map<(t, f, n, h, w) -> (t, f)>
func.func @planes_weight_gradient(%p: tensor<9x64x26x26xf32>, %dy: tensor<64x26x26x32xf32>) -> tensor<9x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<9x32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<9x32xf32>) -> tensor<9x32xf32>
  %dw = linalg.generic {indexing_maps = [#planes, #dyp, #dwp], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%p, %dy : tensor<9x64x26x26xf32>, tensor<64x26x26x32xf32>) outs(%fill : tensor<9x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<9x32xf32>
  return %dw : tensor<9x32xf32>
}

// -----

// Tests a convolution tap with its fill (the first tap of an input gradient
// added into windows of dx: the window of the zeroed frame folds into a
// fill): dims (n, oh, ow, f, c), 6.4 MB of inputs, but each register tile
// reads its own rows of dy, so no chunks of the reduction.
// CHECK-LABEL: func.func @tap_with_fill
// CHECK: kernel.group #kernel.schedule<tile = [1, 1, {{[0-9]+}}, {{[0-9]+}}, 0], reduce = [1], lanes = {{[0-9]+}}> vectorize
#tv = affine_map<(n, h, w, f, c) -> (n, h, w, c)>
#tw = affine_map<(n, h, w, f, c) -> (c, f)>
#ty = affine_map<(n, h, w, f, c) -> (n, h, w, f)>
func.func @tap_with_fill(%dy: tensor<64x28x28x32xf32>, %w: tensor<32x32xf32>) -> tensor<64x28x28x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x28x28x32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<64x28x28x32xf32>) -> tensor<64x28x28x32xf32>
  %y = linalg.generic {indexing_maps = [#tv, #tw, #ty], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%dy, %w : tensor<64x28x28x32xf32>, tensor<32x32xf32>) outs(%fill : tensor<64x28x28x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x28x28x32xf32>
  return %y : tensor<64x28x28x32xf32>
}

// -----

// Tests a transformer's weight gradient gᵀ x (g [2048, 128], x [2048, 512])
// with an SGD update: x (4 MB) outgrows L2 on every target, so cache tiles of
// a core's share of the rows (64 of 128; 8 cores: 16) run over chunks of k
// whose rows of x fill a quarter of L2 (128 of 512 floats: 256 KiB at 1 MiB,
// 64 at 512 KiB, 32 at 256 KiB); x is read once per cache tile, not once per
// register block of 8 rows.
// CHECK-LABEL: func.func @long_weight_gradient
// ZEN5: kernel.group #kernel.schedule<tile = [8, 32], reduce = [1], cache = [64, 0, 128], lanes = 16, epilogue = [1, 32]> vectorize -> tensor<128x512xf32>
// ZEN3: kernel.group #kernel.schedule<tile = [4, 16], reduce = [1], cache = [64, 0, 64], lanes = 8, epilogue = [1, 16]> vectorize -> tensor<128x512xf32>
// SMALLL2: kernel.group #kernel.schedule<tile = [4, 16], reduce = [1], cache = [16, 0, 32], lanes = 8, epilogue = [1, 16]> vectorize -> tensor<128x512xf32>
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<128x2048xf32>, tensor<2048x512xf32>)
// CHECK-NEXT: linalg.generic
func.func @long_weight_gradient(%g: tensor<2048x128xf32>, %x: tensor<2048x512xf32>, %w: tensor<128x512xf32>) -> tensor<128x512xf32> {
  %zero = arith.constant 0.0 : f32
  %lr = arith.constant 0.01 : f32
  %e = tensor.empty() : tensor<128x512xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<128x512xf32>) -> tensor<128x512xf32>
  %dw = linalg.matmul_transpose_a ins(%g, %x : tensor<2048x128xf32>, tensor<2048x512xf32>) outs(%fill : tensor<128x512xf32>) -> tensor<128x512xf32>
  %u = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%dw : tensor<128x512xf32>) outs(%w : tensor<128x512xf32>) {
  ^bb0(%d: f32, %p: f32):
    %s = arith.mulf %d, %lr : f32
    %n = arith.subf %p, %s : f32
    linalg.yield %n : f32
  } -> tensor<128x512xf32>
  return %u : tensor<128x512xf32>
}

// -----

// Tests a bias and relu after a packed product (512 samples of 784 by 64
// units, as @wide_batch): with no cache tiles (ZEN5, ZEN3) the elementwise
// op is expanded to the product's [512, panels, n] and joins its group, its
// result collapsed after; with k blocks (SMALLL2) it stays a group of its
// own after the collapse (a partial sum must not meet the bias).
// CHECK-LABEL: func.func @wide_batch_bias
// ZEN5: kernel.group #kernel.schedule<tile = [8, 1, 0], reduce = [1], lanes = 16, packed = "rhs"> vectorize -> tensor<512x2x32xf32>
// ZEN5-NEXT: linalg.fill
// ZEN5-NEXT: linalg.generic {{.*}} ins(%arg0, %{{.+}} : tensor<512x784xf32>, tensor<2x784x32xf32>)
// ZEN5: linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<512x2x32xf32>, tensor<2x32xf32>)
// ZEN5: kernel.yield {{.*}} : tensor<512x2x32xf32>
// ZEN5: tensor.collapse_shape {{.*}} : tensor<512x2x32xf32> into tensor<512x64xf32>
// ZEN3: kernel.group #kernel.schedule<tile = [6, 1, 0], reduce = [1], lanes = 8, packed = "rhs"> vectorize -> tensor<512x4x16xf32>
// ZEN3: linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<512x4x16xf32>, tensor<4x16xf32>)
// ZEN3: kernel.yield {{.*}} : tensor<512x4x16xf32>
// SMALLL2: kernel.group #kernel.schedule<tile = [6, 1, 0, 0], reduce = [1], lanes = 8, packed = "rhs"> vectorize -> tensor<512x4x16xf32>
// SMALLL2-NEXT: linalg.fill
// SMALLL2: kernel.group #kernel.schedule<tile = [6, 1, 0, 0], reduce = [1], cache = [0, 1, 0, 294], order = [1, 3, 0, 2], lanes = 8, packed = "rhs"> vectorize -> tensor<512x4x16xf32>
// SMALLL2-NEXT: linalg.generic
// SMALLL2: kernel.yield {{.*}} : tensor<512x4x16xf32>
// SMALLL2: tensor.collapse_shape {{.*}} : tensor<512x4x16xf32> into tensor<512x64xf32>
// SMALLL2: kernel.group {{.*}} -> tensor<512x64xf32>
// SMALLL2-NEXT: linalg.generic {{.*}} ins(%{{.+}}, %arg2 : tensor<512x64xf32>, tensor<64xf32>)
func.func @wide_batch_bias(%x: tensor<512x784xf32>, %w: tensor<64x784xf32>, %b: tensor<64xf32>) -> tensor<512x64xf32> {
  %zero = arith.constant 0.0 : f32
  %te = tensor.empty() : tensor<784x64xf32>
  %wt = linalg.transpose ins(%w : tensor<64x784xf32>) outs(%te : tensor<784x64xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<512x64xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<512x64xf32>) -> tensor<512x64xf32>
  %c = linalg.matmul ins(%x, %wt : tensor<512x784xf32>, tensor<784x64xf32>) outs(%fill : tensor<512x64xf32>) -> tensor<512x64xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%c, %b : tensor<512x64xf32>, tensor<64xf32>) outs(%e : tensor<512x64xf32>) {
  ^bb0(%v: f32, %bi: f32, %o: f32):
    %s = arith.addf %v, %bi : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<512x64xf32>
  return %y : tensor<512x64xf32>
}

// -----

// Tests ops after a packed product that do not join it: one reading C
// transposed (not an identity map), so the product's group stays alone and
// nothing is expanded to its panel layout.
// CHECK-LABEL: func.func @transposed_read
// ZEN5: kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], lanes = 16, packed = "rhs"> vectorize -> tensor<512x2x32xf32>
// ZEN5-NEXT: linalg.fill
// ZEN5-NEXT: linalg.generic
// ZEN5-NOT: linalg.generic
// ZEN5: kernel.yield
// ZEN5-NEXT: }
// ZEN5-NEXT: tensor.collapse_shape {{.*}} : tensor<512x2x32xf32> into tensor<512x64xf32>
// ZEN5: linalg.generic {{.*}} ins(%{{.+}} : tensor<512x64xf32>) outs(%{{.+}} : tensor<64x512xf32>)
func.func @transposed_read(%x: tensor<512x784xf32>, %w: tensor<64x784xf32>) -> tensor<64x512xf32> {
  %zero = arith.constant 0.0 : f32
  %te = tensor.empty() : tensor<784x64xf32>
  %wt = linalg.transpose ins(%w : tensor<64x784xf32>) outs(%te : tensor<784x64xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<512x64xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<512x64xf32>) -> tensor<512x64xf32>
  %c = linalg.matmul ins(%x, %wt : tensor<512x784xf32>, tensor<784x64xf32>) outs(%fill : tensor<512x64xf32>) -> tensor<512x64xf32>
  %et = tensor.empty() : tensor<64x512xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%c : tensor<512x64xf32>) outs(%et : tensor<64x512xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  } -> tensor<64x512xf32>
  return %y : tensor<64x512xf32>
}
