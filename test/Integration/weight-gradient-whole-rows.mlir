// Tier-1 numerics: a weight gradient gᵀ x with an SGD update after it whose
// 272 columns are no multiple of a register tile of two vectors (32 at 512
// bits): the epilogue schedule takes register tiles of 32 columns and a
// peeled one of 16 (rather than tiles of one vector, which load as much as
// they multiply), and cache tiles of whole rows (8 x 272, in 16 KiB of L1), the
// update over each a row at a time. At 256 bits tiles of 16 divide the
// columns. A scalar-loop reference in the same program must agree exactly
// (small integers: every sum is exact in f32).
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=16384 l2-bytes=1048576 cores=1},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=256 l1-bytes=16384 l2-bytes=1048576 cores=2},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// The schedule this runs (so the test cannot pass on tiles of one vector):
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512 l1-bytes=16384 l2-bytes=1048576 cores=1}))" | FileCheck %s --check-prefix=FORM

// CHECK: max |kernel - reference| =
// CHECK-NEXT: {{^}}0{{$}}
// CHECK-NEXT: checksum =
// CHECK-NEXT: {{^}}[[SUM:-?[0-9]+]]{{$}}

// FORM: kernel.group #kernel.schedule<tile = [8, 32], reduce = [1], cache = [8, 0], lanes = 16, epilogue = [1, 32]>
// FORM-NEXT: linalg.fill
// FORM-NEXT: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<40x64xf32>, tensor<64x272xf32>)

func.func @step(%g: tensor<64x40xf32>, %x: tensor<64x272xf32>, %w: tensor<40x272xf32>) -> tensor<40x272xf32> {
  %zero = arith.constant 0.0 : f32
  %lr = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<40x272xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<40x272xf32>) -> tensor<40x272xf32>
  %dw = linalg.matmul_transpose_a ins(%g, %x : tensor<64x40xf32>, tensor<64x272xf32>) outs(%fill : tensor<40x272xf32>) -> tensor<40x272xf32>
  %u = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%dw : tensor<40x272xf32>) outs(%w : tensor<40x272xf32>) {
  ^bb0(%d: f32, %p: f32):
    %s = arith.mulf %d, %lr : f32
    %n = arith.subf %p, %s : f32
    linalg.yield %n : f32
  } -> tensor<40x272xf32>
  return %u : tensor<40x272xf32>
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
  %c7 = arith.constant 7 : index
  %c40 = arith.constant 40 : index
  %c64 = arith.constant 64 : index
  %c272 = arith.constant 272 : index
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  %gm = memref.alloc() : memref<64x40xf32>
  %xm = memref.alloc() : memref<64x272xf32>
  %wm = memref.alloc() : memref<40x272xf32>
  scf.for %k = %c0 to %c64 step %c1 {
    scf.for %i = %c0 to %c40 step %c1 {
      %v = func.call @value(%k, %i, %c5, %c2) : (index, index, index, index) -> f32
      memref.store %v, %gm[%k, %i] : memref<64x40xf32>
    }
    scf.for %j = %c0 to %c272 step %c1 {
      %v = func.call @value(%k, %j, %c3, %c1) : (index, index, index, index) -> f32
      memref.store %v, %xm[%k, %j] : memref<64x272xf32>
    }
  }
  scf.for %i = %c0 to %c40 step %c1 {
    scf.for %j = %c0 to %c272 step %c1 {
      %v = func.call @value(%i, %j, %c7, %c3) : (index, index, index, index) -> f32
      memref.store %v, %wm[%i, %j] : memref<40x272xf32>
    }
  }
  %g = bufferization.to_tensor %gm restrict : memref<64x40xf32>
  %x = bufferization.to_tensor %xm restrict : memref<64x272xf32>
  %w = bufferization.to_tensor %wm restrict : memref<40x272xf32>
  %y = func.call @step(%g, %x, %w) : (tensor<64x40xf32>, tensor<64x272xf32>, tensor<40x272xf32>) -> tensor<40x272xf32>

  // The reference: scalar loops straight from the definition.
  %diff, %sum = scf.for %i = %c0 to %c40 step %c1 iter_args(%d0 = %zero, %s0 = %zero) -> (f32, f32) {
    %dr, %sr = scf.for %j = %c0 to %c272 step %c1 iter_args(%d1 = %d0, %s1 = %s0) -> (f32, f32) {
      %dot = scf.for %k = %c0 to %c64 step %c1 iter_args(%acc = %zero) -> (f32) {
        %gv = memref.load %gm[%k, %i] : memref<64x40xf32>
        %xv = memref.load %xm[%k, %j] : memref<64x272xf32>
        %p = arith.mulf %gv, %xv : f32
        %a = arith.addf %acc, %p : f32
        scf.yield %a : f32
      }
      %wv = memref.load %wm[%i, %j] : memref<40x272xf32>
      %step = arith.mulf %dot, %half : f32
      %ref = arith.subf %wv, %step : f32
      %got = tensor.extract %y[%i, %j] : tensor<40x272xf32>
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
