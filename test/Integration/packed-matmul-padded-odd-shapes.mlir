// Tier-1 numerics: matmuls on a packed B whose last panel is padded with
// zeros: 92 columns (3 panels of 32 at 512 bits, the last with 28 columns; 6
// of 16 at 256, the last with 12; 12 of 8 at 128, the last with 4), 61 rows,
// 301 k, as in packed-matmul-odd-shapes.mlir. The whole panels are one
// transpose, the last panel's columns another (or a copy) beside a fill of
// its zeros, and the consumers read the first 92 columns of C [61, 96]. Both
// forms: B itself and B = Wᵀ. A scalar-loop reference in the same program
// must agree exactly.
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
// The packing and schedules this runs (so the test cannot pass on an unpacked path):
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=1024 cores=2}))" | FileCheck %s --check-prefix=FORM --implicit-check-not='linalg.transpose ins(%arg1 : tensor<92x301xf32>)'
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=256 l1-bytes=1024 cores=2}))" | FileCheck %s --check-prefix=FORM256

// CHECK: max |kernel - reference| =
// CHECK-NEXT: {{^}}0{{$}}
// CHECK-NEXT: checksum =
// CHECK-NEXT: {{^}}[[SUM:[0-9]+]]{{$}}
// CHECK-NEXT: max |kernel wt - reference| =
// CHECK-NEXT: {{^}}0{{$}}
// CHECK-NEXT: checksum =
// CHECK-NEXT: {{^}}[[SUM]]{{$}}

// FORM-LABEL: func.func @mm(
// FORM: tensor.extract_slice %arg1[0, 0] [301, 64] [1, 1] : tensor<301x92xf32> to tensor<301x64xf32>
// FORM: linalg.transpose {{.*}} permutation = [1, 0, 2]
// FORM: tensor.extract_slice %arg1[0, 64] [301, 28] [1, 1] : tensor<301x92xf32> to tensor<301x28xf32>
// FORM: linalg.copy
// FORM: linalg.fill {{.*}} outs(%{{.+}} : tensor<301x4xf32>)
// FORM: packed = "rhs"
// FORM: tensor.collapse_shape {{.*}} : tensor<61x3x32xf32> into tensor<61x96xf32>
// FORM-NEXT: tensor.extract_slice {{.*}}[0, 0] [61, 92] [1, 1] : tensor<61x96xf32> to tensor<61x92xf32>
// FORM-LABEL: func.func @mm_wt(
// FORM-NOT: permutation = [1, 0]{{$}}
// FORM: linalg.transpose {{.*}} permutation = [0, 2, 1]
// FORM: linalg.transpose ins(%{{.+}} : tensor<28x301xf32>) outs(%{{.+}} : tensor<301x28xf32>) permutation = [1, 0]
// FORM: kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], cache = [0, 1, 0, 32], order = [1, 3, 0, 2], lanes = 16, packed = "rhs">
// FORM256-LABEL: func.func @mm(
// FORM256: packed = "rhs"> vectorize -> tensor<61x6x16xf32>
// FORM256: tensor.extract_slice {{.*}}[0, 0] [61, 92] [1, 1] : tensor<61x96xf32> to tensor<61x92xf32>
// FORM256-LABEL: func.func @mm_wt(
// FORM256: packed = "rhs"> vectorize -> tensor<61x6x16xf32>
// WHOLEK-LABEL: func.func @mm_wt(
// WHOLEK: kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], cache = [0, 1, 0, 0], order = [1, 3, 0, 2], lanes = 16, packed = "rhs">
// WHOLEK-NEXT: linalg.fill

func.func @mm(%a: tensor<61x301xf32>, %b: tensor<301x92xf32>) -> tensor<61x92xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<61x92xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<61x92xf32>) -> tensor<61x92xf32>
  %c = linalg.matmul ins(%a, %b : tensor<61x301xf32>, tensor<301x92xf32>) outs(%fill : tensor<61x92xf32>) -> tensor<61x92xf32>
  return %c : tensor<61x92xf32>
}

func.func @mm_wt(%a: tensor<61x301xf32>, %w: tensor<92x301xf32>) -> tensor<61x92xf32> {
  %zero = arith.constant 0.0 : f32
  %te = tensor.empty() : tensor<301x92xf32>
  %wt = linalg.transpose ins(%w : tensor<92x301xf32>) outs(%te : tensor<301x92xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<61x92xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<61x92xf32>) -> tensor<61x92xf32>
  %c = linalg.matmul ins(%a, %wt : tensor<61x301xf32>, tensor<301x92xf32>) outs(%fill : tensor<61x92xf32>) -> tensor<61x92xf32>
  return %c : tensor<61x92xf32>
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
func.func @check(%y: tensor<61x92xf32>, %am: memref<61x301xf32>, %bm: memref<301x92xf32>) -> (f32, f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c61 = arith.constant 61 : index
  %c92 = arith.constant 92 : index
  %c301 = arith.constant 301 : index
  %zero = arith.constant 0.0 : f32
  %diff, %sum = scf.for %i = %c0 to %c61 step %c1 iter_args(%d0 = %zero, %s0 = %zero) -> (f32, f32) {
    %dr, %sr = scf.for %j = %c0 to %c92 step %c1 iter_args(%d1 = %d0, %s1 = %s0) -> (f32, f32) {
      %dot = scf.for %k = %c0 to %c301 step %c1 iter_args(%acc = %zero) -> (f32) {
        %av = memref.load %am[%i, %k] : memref<61x301xf32>
        %bv = memref.load %bm[%k, %j] : memref<301x92xf32>
        %p = arith.mulf %av, %bv : f32
        %s = arith.addf %acc, %p : f32
        scf.yield %s : f32
      }
      %got = tensor.extract %y[%i, %j] : tensor<61x92xf32>
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
  %c92 = arith.constant 92 : index
  %c301 = arith.constant 301 : index
  %am = memref.alloc() : memref<61x301xf32>
  %bm = memref.alloc() : memref<301x92xf32>
  %wm = memref.alloc() : memref<92x301xf32>
  scf.for %i = %c0 to %c61 step %c1 {
    scf.for %k = %c0 to %c301 step %c1 {
      %v = func.call @value(%i, %k, %c5, %c2) : (index, index, index, index) -> f32
      memref.store %v, %am[%i, %k] : memref<61x301xf32>
    }
  }
  scf.for %k = %c0 to %c301 step %c1 {
    scf.for %j = %c0 to %c92 step %c1 {
      %v = func.call @value(%k, %j, %c3, %c1) : (index, index, index, index) -> f32
      memref.store %v, %bm[%k, %j] : memref<301x92xf32>
      memref.store %v, %wm[%j, %k] : memref<92x301xf32>
    }
  }
  %a = bufferization.to_tensor %am restrict : memref<61x301xf32>
  %b = bufferization.to_tensor %bm restrict : memref<301x92xf32>
  %w = bufferization.to_tensor %wm restrict : memref<92x301xf32>
  %y = func.call @mm(%a, %b) : (tensor<61x301xf32>, tensor<301x92xf32>) -> tensor<61x92xf32>
  %d, %s = func.call @check(%y, %am, %bm) : (tensor<61x92xf32>, memref<61x301xf32>, memref<301x92xf32>) -> (f32, f32)
  vector.print str "max |kernel - reference| =\n"
  vector.print %d : f32
  vector.print str "checksum =\n"
  vector.print %s : f32
  %yt = func.call @mm_wt(%a, %w) : (tensor<61x301xf32>, tensor<92x301xf32>) -> tensor<61x92xf32>
  %dt, %st = func.call @check(%yt, %am, %bm) : (tensor<61x92xf32>, memref<61x301xf32>, memref<301x92xf32>) -> (f32, f32)
  vector.print str "max |kernel wt - reference| =\n"
  vector.print %dt : f32
  vector.print str "checksum =\n"
  vector.print %st : f32
  return
}
