// Tier-1 numerics: a dense layer's forward x Wᵀ on fewer samples than units,
// which kernel-form computes as Cᵀ = W xᵀ with x packed into panels and C
// transposed back (PackMatmul.cpp): 96 samples (3 panels of 32 at 512 bits,
// 6 of 16 at 256, 12 of 8 at 128), 224 units (W whole panels too, as the swap
// asks; register blocks of 8 rows, or 6 and a remainder of 2 with 16
// registers), 301 k. The panels fit in half of L2, so no cache blocks: the
// threads would split W's 224 rows, and the fill of C is in the product's
// group (its register tiles start from zero). A scalar-loop reference in the same
// program must agree exactly (small integers: every sum is exact in f32).
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=49152 l2-bytes=1048576 cores=2},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=256 l1-bytes=49152 l2-bytes=1048576 cores=2},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=128 l1-bytes=49152 l2-bytes=1048576 cores=2},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// The schedule this runs (so the test cannot pass on the unswapped path):
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=49152 l2-bytes=1048576 cores=2}))" | FileCheck %s --check-prefix=FORM

// CHECK: max |kernel - reference| =
// CHECK-NEXT: {{^}}0{{$}}
// CHECK-NEXT: checksum =
// CHECK-NEXT: {{^}}[[SUM:[0-9]+]]{{$}}

// FORM-LABEL: func.func @dense(
// FORM: tensor.expand_shape %arg0 {{.*}} : tensor<96x301xf32> into tensor<3x32x301xf32>
// FORM: kernel.group #kernel.schedule<tile = [8, 1, 0, 0], reduce = [1], lanes = 16, packed = "rhs"> vectorize -> tensor<224x3x32xf32>
// FORM-NEXT: linalg.fill
// FORM-NEXT: linalg.generic {{.*}} ins(%arg1, %{{.+}} : tensor<224x301xf32>, tensor<3x301x32xf32>)
// FORM: linalg.transpose ins(%{{.+}} : tensor<224x96xf32>) outs(%{{.+}} : tensor<96x224xf32>) permutation = [1, 0]

func.func @dense(%x: tensor<96x301xf32>, %w: tensor<224x301xf32>) -> tensor<96x224xf32> {
  %zero = arith.constant 0.0 : f32
  %te = tensor.empty() : tensor<301x224xf32>
  %wt = linalg.transpose ins(%w : tensor<224x301xf32>) outs(%te : tensor<301x224xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<96x224xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<96x224xf32>) -> tensor<96x224xf32>
  %c = linalg.matmul ins(%x, %wt : tensor<96x301xf32>, tensor<301x224xf32>) outs(%fill : tensor<96x224xf32>) -> tensor<96x224xf32>
  return %c : tensor<96x224xf32>
}

func.func @value(%i: index, %j: index, %mod: index, %shift: index) -> f32 {
  %p = arith.muli %i, %j : index
  %s = arith.addi %p, %i : index
  %r = arith.remui %s, %mod : index
  %v = arith.subi %r, %shift : index
  %n = arith.index_cast %v : index to i32
  %f = arith.sitofp %n : i32 to f32
  return %f : f32
}

// max |y - x wᵀ| and the sum of x wᵀ.
func.func @check(%y: tensor<96x224xf32>, %xm: memref<96x301xf32>, %wm: memref<224x301xf32>) -> (f32, f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c96 = arith.constant 96 : index
  %c224 = arith.constant 224 : index
  %c301 = arith.constant 301 : index
  %zero = arith.constant 0.0 : f32
  %diff, %sum = scf.for %i = %c0 to %c96 step %c1 iter_args(%d0 = %zero, %s0 = %zero) -> (f32, f32) {
    %dr, %sr = scf.for %j = %c0 to %c224 step %c1 iter_args(%d1 = %d0, %s1 = %s0) -> (f32, f32) {
      %dot = scf.for %k = %c0 to %c301 step %c1 iter_args(%acc = %zero) -> (f32) {
        %xv = memref.load %xm[%i, %k] : memref<96x301xf32>
        %wv = memref.load %wm[%j, %k] : memref<224x301xf32>
        %p = arith.mulf %xv, %wv : f32
        %s = arith.addf %acc, %p : f32
        scf.yield %s : f32
      }
      %got = tensor.extract %y[%i, %j] : tensor<96x224xf32>
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
  %c96 = arith.constant 96 : index
  %c224 = arith.constant 224 : index
  %c301 = arith.constant 301 : index
  %xm = memref.alloc() : memref<96x301xf32>
  %wm = memref.alloc() : memref<224x301xf32>
  scf.for %i = %c0 to %c96 step %c1 {
    scf.for %k = %c0 to %c301 step %c1 {
      %v = func.call @value(%i, %k, %c5, %c2) : (index, index, index, index) -> f32
      memref.store %v, %xm[%i, %k] : memref<96x301xf32>
    }
  }
  scf.for %j = %c0 to %c224 step %c1 {
    scf.for %k = %c0 to %c301 step %c1 {
      %v = func.call @value(%k, %j, %c3, %c1) : (index, index, index, index) -> f32
      memref.store %v, %wm[%j, %k] : memref<224x301xf32>
    }
  }
  %x = bufferization.to_tensor %xm restrict : memref<96x301xf32>
  %w = bufferization.to_tensor %wm restrict : memref<224x301xf32>
  %y = func.call @dense(%x, %w) : (tensor<96x301xf32>, tensor<224x301xf32>) -> tensor<96x224xf32>
  %d, %s = func.call @check(%y, %xm, %wm) : (tensor<96x224xf32>, memref<96x301xf32>, memref<224x301xf32>) -> (f32, f32)
  vector.print str "max |kernel - reference| =\n"
  vector.print %d : f32
  vector.print str "checksum =\n"
  vector.print %s : f32
  return
}
