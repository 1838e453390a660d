// Tier-1 numerics: a dense layer's forward x Wᵀ + b, relu, on more samples than
// units (101 x 37 by 96 units: W packed into 3 panels of 32 at 512 bits, 6 of
// 16 at 256, 12 of 8 at 128; not swapped). The panels fit in L2, so the
// product has no cache tiles, and the bias and relu after it are expanded to
// its [101, 3, 32] (FormKernels.cpp, expandPackedConsumers) and join its
// group: each register block (8 rows, a remainder of 5) gets its bias and
// relu in registers. A scalar-loop reference in the same program must agree
// exactly (small integers: every sum is exact in f32).
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=49152 l2-bytes=1048576 cores=2},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=256 l1-bytes=49152 l2-bytes=1048576 cores=2},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=128 l1-bytes=49152 l2-bytes=1048576 cores=2},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// The schedule this runs (so the test cannot pass with the bias apart):
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=49152 l2-bytes=1048576 cores=2}))" | FileCheck %s --check-prefix=FORM

// CHECK: max |kernel - reference| =
// CHECK-NEXT: {{^}}0{{$}}
// CHECK-NEXT: checksum =
// CHECK-NEXT: {{^}}[[SUM:[0-9]+]]{{$}}

// FORM-LABEL: func.func @dense(
// FORM: kernel.group #kernel.schedule<tile = [8, 1, 0], reduce = [1], lanes = 16, packed = "rhs"> vectorize -> tensor<101x3x32xf32>
// FORM-NEXT: linalg.fill
// FORM-NEXT: linalg.generic {{.*}} ins(%arg0, %{{.+}} : tensor<101x37xf32>, tensor<3x37x32xf32>)
// FORM: linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<101x3x32xf32>, tensor<3x32xf32>)
// FORM: arith.addf
// FORM: arith.maximumf
// FORM: kernel.yield {{.*}} : tensor<101x3x32xf32>
// FORM: tensor.collapse_shape {{.*}} : tensor<101x3x32xf32> into tensor<101x96xf32>

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

func.func @dense(%x: tensor<101x37xf32>, %w: tensor<96x37xf32>, %b: tensor<96xf32>) -> tensor<101x96xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<101x96xf32>
  %te = tensor.empty() : tensor<37x96xf32>
  %wt = linalg.transpose ins(%w : tensor<96x37xf32>) outs(%te : tensor<37x96xf32>) permutation = [1, 0]
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<101x96xf32>) -> tensor<101x96xf32>
  %mm = linalg.matmul ins(%x, %wt : tensor<101x37xf32>, tensor<37x96xf32>) outs(%fill : tensor<101x96xf32>) -> tensor<101x96xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b : tensor<101x96xf32>, tensor<96xf32>) outs(%e : tensor<101x96xf32>) {
  ^bb0(%m: f32, %bi: f32, %o: f32):
    %s = arith.addf %m, %bi : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<101x96xf32>
  return %y : tensor<101x96xf32>
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

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c37 = arith.constant 37 : index
  %c101 = arith.constant 101 : index
  %c96 = arith.constant 96 : index
  %zero = arith.constant 0.0 : f32
  %xm = memref.alloc() : memref<101x37xf32>
  %wm = memref.alloc() : memref<96x37xf32>
  %bm = memref.alloc() : memref<96xf32>
  scf.for %i = %c0 to %c101 step %c1 {
    scf.for %k = %c0 to %c37 step %c1 {
      %v = func.call @value(%i, %k, %c5, %c2) : (index, index, index, index) -> f32
      memref.store %v, %xm[%i, %k] : memref<101x37xf32>
    }
  }
  scf.for %k = %c0 to %c37 step %c1 {
    scf.for %j = %c0 to %c96 step %c1 {
      %v = func.call @value(%k, %j, %c3, %c1) : (index, index, index, index) -> f32
      memref.store %v, %wm[%j, %k] : memref<96x37xf32>
    }
  }
  scf.for %j = %c0 to %c96 step %c1 {
    %v = func.call @value(%j, %c1, %c5, %c2) : (index, index, index, index) -> f32
    memref.store %v, %bm[%j] : memref<96xf32>
  }
  %x = bufferization.to_tensor %xm restrict : memref<101x37xf32>
  %w = bufferization.to_tensor %wm restrict : memref<96x37xf32>
  %b = bufferization.to_tensor %bm restrict : memref<96xf32>
  %y = func.call @dense(%x, %w, %b) : (tensor<101x37xf32>, tensor<96x37xf32>, tensor<96xf32>) -> tensor<101x96xf32>

  // The reference: scalar loops straight from the definition.
  %diff, %sum = scf.for %i = %c0 to %c101 step %c1 iter_args(%d0 = %zero, %s0 = %zero) -> (f32, f32) {
    %dr, %sr = scf.for %j = %c0 to %c96 step %c1 iter_args(%d1 = %d0, %s1 = %s0) -> (f32, f32) {
      %bj = memref.load %bm[%j] : memref<96xf32>
      %dot = scf.for %k = %c0 to %c37 step %c1 iter_args(%acc = %bj) -> (f32) {
        %xv = memref.load %xm[%i, %k] : memref<101x37xf32>
        %wv = memref.load %wm[%j, %k] : memref<96x37xf32>
        %p = arith.mulf %xv, %wv : f32
        %a = arith.addf %acc, %p : f32
        scf.yield %a : f32
      }
      %ref = arith.maximumf %dot, %zero : f32
      %got = tensor.extract %y[%i, %j] : tensor<101x96xf32>
      %delta = arith.subf %got, %ref : f32
      %abs = math.absf %delta : f32
      %dmax = arith.maximumf %d1, %abs : f32
      %snew = arith.addf %s1, %ref : f32
      scf.yield %dmax, %snew : f32, f32
    }
    scf.yield %dr, %sr : f32, f32
  }
  vector.print str "max |kernel - reference| =\n"
  vector.print %diff : f32
  vector.print str "checksum =\n"
  vector.print %sum : f32
  return
}
