// Tier-1 numerics: a dense + bias + relu kernel on shapes the schedules do not
// divide (peeled remainders), formed, tiled and vectorized by Kiln's kernel
// passes, lowered and run with mlir-cpu-runner. A plain scalar-loop reference
// in the same program (which the kernel passes leave alone) must agree exactly.
// RUN: kiln-opt %s -pass-pipeline="builtin.module(func.func(kernel-form{vector-bits=512},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s

// CHECK: max |kernel - reference| =
// CHECK-NEXT: {{^}}0{{$}}
// CHECK-NEXT: checksum =
// CHECK-NEXT: {{^}}33120{{$}}

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// x[60,37] * w[37,100] + b[100], relu: 60 rows and 100 columns leave
// remainders for the 8x32 register tiles.
func.func @dense(%x: tensor<60x37xf32>, %w: tensor<37x100xf32>, %b: tensor<100xf32>) -> tensor<60x100xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<60x100xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<60x100xf32>) -> tensor<60x100xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<60x37xf32>, tensor<37x100xf32>) outs(%fill : tensor<60x100xf32>) -> tensor<60x100xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b : tensor<60x100xf32>, tensor<100xf32>) outs(%e : tensor<60x100xf32>) {
  ^bb0(%m: f32, %bi: f32, %o: f32):
    %s = arith.addf %m, %bi : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<60x100xf32>
  return %y : tensor<60x100xf32>
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
  %c60 = arith.constant 60 : index
  %c100 = arith.constant 100 : index
  %zero = arith.constant 0.0 : f32
  %xm = memref.alloc() : memref<60x37xf32>
  %wm = memref.alloc() : memref<37x100xf32>
  %bm = memref.alloc() : memref<100xf32>
  scf.for %i = %c0 to %c60 step %c1 {
    scf.for %k = %c0 to %c37 step %c1 {
      %v = func.call @value(%i, %k, %c5, %c2) : (index, index, index, index) -> f32
      memref.store %v, %xm[%i, %k] : memref<60x37xf32>
    }
  }
  scf.for %k = %c0 to %c37 step %c1 {
    scf.for %j = %c0 to %c100 step %c1 {
      %v = func.call @value(%k, %j, %c3, %c1) : (index, index, index, index) -> f32
      memref.store %v, %wm[%k, %j] : memref<37x100xf32>
    }
  }
  scf.for %j = %c0 to %c100 step %c1 {
    %v = func.call @value(%j, %c1, %c5, %c2) : (index, index, index, index) -> f32
    memref.store %v, %bm[%j] : memref<100xf32>
  }
  %x = bufferization.to_tensor %xm restrict : memref<60x37xf32>
  %w = bufferization.to_tensor %wm restrict : memref<37x100xf32>
  %b = bufferization.to_tensor %bm restrict : memref<100xf32>
  %y = func.call @dense(%x, %w, %b) : (tensor<60x37xf32>, tensor<37x100xf32>, tensor<100xf32>) -> tensor<60x100xf32>

  // The reference: scalar loops straight from the definition.
  %diff, %sum = scf.for %i = %c0 to %c60 step %c1 iter_args(%d0 = %zero, %s0 = %zero) -> (f32, f32) {
    %dr, %sr = scf.for %j = %c0 to %c100 step %c1 iter_args(%d1 = %d0, %s1 = %s0) -> (f32, f32) {
      %bj = memref.load %bm[%j] : memref<100xf32>
      %dot = scf.for %k = %c0 to %c37 step %c1 iter_args(%acc = %bj) -> (f32) {
        %xv = memref.load %xm[%i, %k] : memref<60x37xf32>
        %wv = memref.load %wm[%k, %j] : memref<37x100xf32>
        %p = arith.mulf %xv, %wv : f32
        %a = arith.addf %acc, %p : f32
        scf.yield %a : f32
      }
      %ref = arith.maximumf %dot, %zero : f32
      %got = tensor.extract %y[%i, %j] : tensor<60x100xf32>
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
