// Tier-1 numerics: a single sample's dense + bias + relu as NNToLinalg lowers it
// with no tail (rows of partial sums over 16 lanes, their row sums as [1, N],
// then the bias and relu), which kernel-form makes one group (tiles of 4 rows,
// each reduced in registers): 7 rows leave a remainder of 3, peeled. At 512
// and 256 bits (16 lanes are two AVX2 vectors). Formed,
// tiled, vectorized, lowered and run with mlir-cpu-runner; a plain scalar-loop
// reference in the same program must agree exactly (small integers).
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=256},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512}))" | FileCheck %s --check-prefix=FORM
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512},kernel-tile))" | FileCheck %s --check-prefix=TILE

// CHECK: max |kernel - reference| =
// CHECK-NEXT: {{^}}0{{$}}
// CHECK-NEXT: checksum =
// CHECK-NEXT: {{^}}16{{$}}

// FORM-LABEL: func.func @dense_one
// FORM: kernel.group #kernel.schedule<tile = [0, 4], reduce = [1], lanes = 16> vectorize -> tensor<1x7xf32>
// FORM-NEXT: linalg.fill
// FORM-NEXT: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
// FORM-NEXT: ^bb0
// FORM: linalg.fill
// FORM-NEXT: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// FORM: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// FORM: kernel.yield
// FORM-NOT: kernel.group
// FORM: return

// The 4 rows' partial sums stay a vector<4x16> across the reduction over q,
// then are summed over the lanes, biased and rectified as vector<1x4>; the
// 3 rows left over the same.
// TILE-LABEL: func.func @dense_one
// TILE: scf.for {{.*}} -> (tensor<4x16xf32>)
// TILE: vector.contract {{.*}} : vector<1x16xf32>, vector<4x1x16xf32> into vector<4x16xf32>
// TILE: vector.multi_reduction <add>, %{{.+}}, %{{.+}} [2] : vector<1x4x16xf32> to vector<1x4xf32>
// TILE: arith.maximumf %{{.+}}, %{{.+}} : vector<1x4xf32>
// TILE: scf.for {{.*}} -> (tensor<3x16xf32>)
// TILE: vector.multi_reduction <add>, %{{.+}}, %{{.+}} [2] : vector<1x3x16xf32> to vector<1x3xf32>

#x = affine_map<(n, q, l) -> (q, l)>
#w = affine_map<(n, q, l) -> (n, q, l)>
#p = affine_map<(n, q, l) -> (n, l)>
#sp = affine_map<(o, n, l) -> (n, l)>
#sy = affine_map<(o, n, l) -> (o, n)>
#id = affine_map<(o, n) -> (o, n)>
#row = affine_map<(o, n) -> (n)>

// x[1, 48] (3 x 16) * W[7, 48]ᵀ + b[7], relu.
func.func @dense_one(%x: tensor<3x16xf32>, %w: tensor<7x3x16xf32>, %b: tensor<7xf32>) -> tensor<1x7xf32> {
  %zero = arith.constant 0.0 : f32
  %ep = tensor.empty() : tensor<7x16xf32>
  %fp = linalg.fill ins(%zero : f32) outs(%ep : tensor<7x16xf32>) -> tensor<7x16xf32>
  %part = linalg.generic {indexing_maps = [#x, #w, #p], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<3x16xf32>, tensor<7x3x16xf32>) outs(%fp : tensor<7x16xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %m, %acc : f32
    linalg.yield %s : f32
  } -> tensor<7x16xf32>
  %ey = tensor.empty() : tensor<1x7xf32>
  %fy = linalg.fill ins(%zero : f32) outs(%ey : tensor<1x7xf32>) -> tensor<1x7xf32>
  %sums = linalg.generic {indexing_maps = [#sp, #sy], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%part : tensor<7x16xf32>) outs(%fy : tensor<1x7xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<1x7xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%sums, %b : tensor<1x7xf32>, tensor<7xf32>) outs(%ey : tensor<1x7xf32>) {
  ^bb0(%s: f32, %bi: f32, %o: f32):
    %t = arith.addf %s, %bi : f32
    %r = arith.maximumf %t, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x7xf32>
  return %y : tensor<1x7xf32>
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
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c2 = arith.constant 2 : index
  %c7 = arith.constant 7 : index
  %c16 = arith.constant 16 : index
  %c48 = arith.constant 48 : index
  %zero = arith.constant 0.0 : f32
  %xm = memref.alloc() : memref<48xf32>
  %wm = memref.alloc() : memref<7x48xf32>
  %bm = memref.alloc() : memref<7xf32>
  scf.for %k = %c0 to %c48 step %c1 {
    %v = func.call @value(%k, %c1, %c5, %c2) : (index, index, index, index) -> f32
    memref.store %v, %xm[%k] : memref<48xf32>
  }
  scf.for %n = %c0 to %c7 step %c1 {
    scf.for %k = %c0 to %c48 step %c1 {
      %v = func.call @value(%k, %n, %c3, %c1) : (index, index, index, index) -> f32
      memref.store %v, %wm[%n, %k] : memref<7x48xf32>
    }
    %v = func.call @value(%n, %c1, %c5, %c2) : (index, index, index, index) -> f32
    memref.store %v, %bm[%n] : memref<7xf32>
  }
  %xe = memref.expand_shape %xm [[0, 1]] output_shape [3, 16] : memref<48xf32> into memref<3x16xf32>
  %we = memref.expand_shape %wm [[0], [1, 2]] output_shape [7, 3, 16] : memref<7x48xf32> into memref<7x3x16xf32>
  %x = bufferization.to_tensor %xe restrict : memref<3x16xf32>
  %w = bufferization.to_tensor %we restrict : memref<7x3x16xf32>
  %b = bufferization.to_tensor %bm restrict : memref<7xf32>
  %y = func.call @dense_one(%x, %w, %b) : (tensor<3x16xf32>, tensor<7x3x16xf32>, tensor<7xf32>) -> tensor<1x7xf32>

  // The reference: scalar loops straight from the definition.
  %diff, %sum = scf.for %n = %c0 to %c7 step %c1 iter_args(%d0 = %zero, %s0 = %zero) -> (f32, f32) {
    %bn = memref.load %bm[%n] : memref<7xf32>
    %dot = scf.for %k = %c0 to %c48 step %c1 iter_args(%acc = %bn) -> (f32) {
      %xv = memref.load %xm[%k] : memref<48xf32>
      %wv = memref.load %wm[%n, %k] : memref<7x48xf32>
      %p = arith.mulf %xv, %wv : f32
      %a = arith.addf %acc, %p : f32
      scf.yield %a : f32
    }
    %ref = arith.maximumf %dot, %zero : f32
    %got = tensor.extract %y[%c0, %n] : tensor<1x7xf32>
    %delta = arith.subf %got, %ref : f32
    %abs = math.absf %delta : f32
    %dmax = arith.maximumf %d0, %abs : f32
    %snew = arith.addf %s0, %ref : f32
    scf.yield %dmax, %snew : f32, f32
  }
  vector.print str "max |kernel - reference| =\n"
  vector.print %diff : f32
  vector.print str "checksum =\n"
  vector.print %sum : f32
  return
}
