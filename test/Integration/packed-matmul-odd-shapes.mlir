// Tier-1 numerics: matmuls on a packed B (kernel-form's packed-matmul
// strategy) at shapes that leave remainders at every level: 61 rows (register
// blocks of 8 or 6 rows), 301 k (cache blocks of 32 with L1 at 1 KiB), 96
// columns (3 panels of 32 at 512 bits, 6 of 16 at 256, 12 of 8 at 128; blocks of
// one or more panels for 2 cores; the first k block a product of its own
// that starts from zeros in registers); the packings of Wᵀ transpose 8x8 and 4x4
// blocks by shuffles. Both forms are packed: B itself and B = Wᵀ (the packing
// reads W). A scalar-loop reference in the same program must agree exactly.
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=1024 cores=2},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=256 l1-bytes=1024 cores=2},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=128 l1-bytes=1024 cores=2},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// With L1 at 48 KiB all 301 k fit one block (no cache tile over k), so the
// fill of C joins the product and its register tiles start from zero; L2 at
// 64 KiB still blocks the panels one at a time:
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=49152 l2-bytes=65536 cores=2},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=49152 l2-bytes=65536 cores=2}))" | FileCheck %s --check-prefix=WHOLEK
// The schedules this runs (so the test cannot pass on an unpacked path):
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=1024 cores=2}))" | FileCheck %s --check-prefix=FORM

// CHECK: max |kernel - reference| =
// CHECK-NEXT: {{^}}0{{$}}
// CHECK-NEXT: checksum =
// CHECK-NEXT: {{^}}[[SUM:[0-9]+]]{{$}}
// CHECK-NEXT: max |kernel wt - reference| =
// CHECK-NEXT: {{^}}0{{$}}
// CHECK-NEXT: checksum =
// CHECK-NEXT: {{^}}[[SUM]]{{$}}

// FORM-LABEL: func.func @mm(
// FORM: linalg.transpose {{.*}} permutation = [1, 0, 2]
// The first k block (32) is a product of its own from the fill, in
// registers; the other 269 (8 blocks of 32 and 13) accumulate into it.
// FORM: tensor.extract_slice %arg0[0, 0] [61, 32] [1, 1]
// FORM: tensor.extract_slice %arg0[0, 32] [61, 269] [1, 1]
// FORM: kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], cache = [0, 1, 0, 0], order = [1, 3, 0, 2], lanes = 16, packed = "rhs">
// FORM-NEXT: linalg.fill
// FORM: kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], cache = [0, 1, 0, 32], order = [1, 3, 0, 2], lanes = 16, packed = "rhs">
// FORM-NEXT: linalg.generic {{.*}} tensor<61x269xf32>
// FORM-LABEL: func.func @mm_wt(
// FORM-NOT: permutation = [1, 0]{{$}}
// FORM: linalg.transpose {{.*}} permutation = [0, 2, 1]
// FORM: kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], cache = [0, 1, 0, 32], order = [1, 3, 0, 2], lanes = 16, packed = "rhs">
// WHOLEK-LABEL: func.func @mm_wt(
// WHOLEK: kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], cache = [0, 1, 0, 0], order = [1, 3, 0, 2], lanes = 16, packed = "rhs">
// WHOLEK-NEXT: linalg.fill

func.func @mm(%a: tensor<61x301xf32>, %b: tensor<301x96xf32>) -> tensor<61x96xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<61x96xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<61x96xf32>) -> tensor<61x96xf32>
  %c = linalg.matmul ins(%a, %b : tensor<61x301xf32>, tensor<301x96xf32>) outs(%fill : tensor<61x96xf32>) -> tensor<61x96xf32>
  return %c : tensor<61x96xf32>
}

func.func @mm_wt(%a: tensor<61x301xf32>, %w: tensor<96x301xf32>) -> tensor<61x96xf32> {
  %zero = arith.constant 0.0 : f32
  %te = tensor.empty() : tensor<301x96xf32>
  %wt = linalg.transpose ins(%w : tensor<96x301xf32>) outs(%te : tensor<301x96xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<61x96xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<61x96xf32>) -> tensor<61x96xf32>
  %c = linalg.matmul ins(%a, %wt : tensor<61x301xf32>, tensor<301x96xf32>) outs(%fill : tensor<61x96xf32>) -> tensor<61x96xf32>
  return %c : tensor<61x96xf32>
}

// Small integers, so every sum is exact in f32 and the results must match bit for bit.
func.func @value(%i: index, %j: index, %mod: index, %shift: index) -> f32 {
  %p = arith.muli %i, %j : index
  %s = arith.addi %p, %i : index
  %r = arith.remui %s, %mod : index
  %v = arith.subi %r, %shift : index
  %n = arith.index_cast %v : index to i32
  %f = arith.sitofp %n : i32 to f32
  return %f : f32
}

// max |y - a b| and the sum of a b.
func.func @check(%y: tensor<61x96xf32>, %am: memref<61x301xf32>, %bm: memref<301x96xf32>) -> (f32, f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c61 = arith.constant 61 : index
  %c96 = arith.constant 96 : index
  %c301 = arith.constant 301 : index
  %zero = arith.constant 0.0 : f32
  %diff, %sum = scf.for %i = %c0 to %c61 step %c1 iter_args(%d0 = %zero, %s0 = %zero) -> (f32, f32) {
    %dr, %sr = scf.for %j = %c0 to %c96 step %c1 iter_args(%d1 = %d0, %s1 = %s0) -> (f32, f32) {
      %dot = scf.for %k = %c0 to %c301 step %c1 iter_args(%acc = %zero) -> (f32) {
        %av = memref.load %am[%i, %k] : memref<61x301xf32>
        %bv = memref.load %bm[%k, %j] : memref<301x96xf32>
        %p = arith.mulf %av, %bv : f32
        %s = arith.addf %acc, %p : f32
        scf.yield %s : f32
      }
      %got = tensor.extract %y[%i, %j] : tensor<61x96xf32>
      %delta = arith.subf %got, %dot : f32
      %abs = math.absf %delta : f32
      %dmax = arith.maximumf %d1, %abs : f32
      %snew = arith.addf %s1, %dot : f32
      scf.yield %dmax, %snew : f32, f32
    }
    scf.yield %dr, %sr : f32, f32
  }
  return %diff, %sum : f32, f32
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c61 = arith.constant 61 : index
  %c96 = arith.constant 96 : index
  %c301 = arith.constant 301 : index
  %am = memref.alloc() : memref<61x301xf32>
  %bm = memref.alloc() : memref<301x96xf32>
  %wm = memref.alloc() : memref<96x301xf32>
  scf.for %i = %c0 to %c61 step %c1 {
    scf.for %k = %c0 to %c301 step %c1 {
      %v = func.call @value(%i, %k, %c5, %c2) : (index, index, index, index) -> f32
      memref.store %v, %am[%i, %k] : memref<61x301xf32>
    }
  }
  scf.for %k = %c0 to %c301 step %c1 {
    scf.for %j = %c0 to %c96 step %c1 {
      %v = func.call @value(%k, %j, %c3, %c1) : (index, index, index, index) -> f32
      memref.store %v, %bm[%k, %j] : memref<301x96xf32>
      memref.store %v, %wm[%j, %k] : memref<96x301xf32>
    }
  }
  %a = bufferization.to_tensor %am restrict : memref<61x301xf32>
  %b = bufferization.to_tensor %bm restrict : memref<301x96xf32>
  %w = bufferization.to_tensor %wm restrict : memref<96x301xf32>
  %y = func.call @mm(%a, %b) : (tensor<61x301xf32>, tensor<301x96xf32>) -> tensor<61x96xf32>
  %d, %s = func.call @check(%y, %am, %bm) : (tensor<61x96xf32>, memref<61x301xf32>, memref<301x96xf32>) -> (f32, f32)
  vector.print str "max |kernel - reference| =\n"
  vector.print %d : f32
  vector.print str "checksum =\n"
  vector.print %s : f32
  %yt = func.call @mm_wt(%a, %w) : (tensor<61x301xf32>, tensor<96x301xf32>) -> tensor<61x96xf32>
  %dt, %st = func.call @check(%yt, %am, %bm) : (tensor<61x96xf32>, memref<61x301xf32>, memref<301x96xf32>) -> (f32, f32)
  vector.print str "max |kernel wt - reference| =\n"
  vector.print %dt : f32
  vector.print str "checksum =\n"
  vector.print %st : f32
  return
}
