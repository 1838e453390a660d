// Tier-1 numerics: convolutions forward and backward on channel counts and
// sizes that no vector width divides (19, 21, 22, 26, 29 channels; 11x9
// images): stride 2 with uneven padding and a bias, strides [2, 1] with
// dilation [1, 2] (the weight gradient over all taps), 3 channels read as tap
// planes, groups 2 with dilation 2, and a depthwise convolution with a
// strided, dilated, asymmetric window. nn.conv2d
// lowers through nn-to-linalg (ConvBuilders.cpp: one generic contraction per
// tap, transposes to and from channels-last, padding copies; the weight
// gradient without groups, planes or a column stride one contraction over all
// taps); the input, weight
// and bias gradients are the linalg that kiln-autodiff emits for each kernel
// today (@NAME_vjp, added by Inputs/add-vjps.py). Kiln's kernel passes form,
// tile, peel and vectorize everything at 128, 256 and 512 bits; the program
// runs with mlir-cpu-runner against scalar-loop references in the same file,
// written from nn.conv2d's definition (a scatter over every output, tap and
// channel, in f64), which the kernel passes leave alone.
//
// Inputs, weights and output gradients are small integers (|v| <= 3), so
// every product and partial sum is an integer below 2^24: f32 sums are exact
// in any order, and any correct kernel matches the reference exactly
// (tolerance 0). The checksums (Σ |reference|) pin the reference itself.
//
// RUN: %python %S/Inputs/add-vjps.py kiln-opt %s > %t.mlir
// DEFINE: %{bits} = vector-bits=512
// DEFINE: %{vjps} = %t.mlir
// DEFINE: %{run} = kiln-opt %{vjps} -pass-pipeline="builtin.module(func.func(nn-to-linalg),canonicalize,cse,func.func(kiln-propagate-transposes),canonicalize,cse,func.func(kernel-form{%{bits}},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,kiln-expand-copies,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm{reassociate-fp-reductions=true},finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// DEFINE: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// DEFINE: | FileCheck %s
// RUN: %{run}
// REDEFINE: %{bits} = vector-bits=256
// RUN: %{run}
// REDEFINE: %{bits} = vector-bits=128
// RUN: %{run}
// A small L2 and two cores: the weight gradients sum over the batch and the
// image in chunks, rows split per core (kernel-form-schedules.mlir).
// REDEFINE: %{bits} = vector-bits=256 l2-bytes=2048 cores=2
// RUN: %{run}
// Every convolution op vectorizes (kernel-tile warns of any left scalar: a
// strided weight gradient over all taps once was).
// RUN: kiln-opt %t.mlir -pass-pipeline="builtin.module(func.func(nn-to-linalg),canonicalize,cse,func.func(kiln-propagate-transposes),canonicalize,cse,func.func(kernel-form,kernel-tile))" 2>&1 >/dev/null | FileCheck %s --check-prefix=VECTOR --allow-empty
// VECTOR-NOT: left scalar
// The gradients kiln-autodiff emits for a target of 16 KiB of L2: the input
// gradients of conv_s2, conv_s21 and conv_c3 run their batch one image at a
// time (an image's dy and frame outgrow 2 KiB), a loop of 2 trips.
// RUN: %python %S/Inputs/add-vjps.py kiln-opt %s "l2-bytes=16384" > %t.blocks.mlir
// RUN: grep -c "{kernel[.]parallel}" %t.blocks.mlir | FileCheck %s --check-prefix=LOOPS
// LOOPS: {{^}}3{{$}}
// REDEFINE: %{vjps} = %t.blocks.mlir
// REDEFINE: %{bits} = vector-bits=512
// RUN: %{run}

// CHECK: conv_s2 y: mismatches=0 checksum=25904{{$}}
// CHECK-NEXT: conv_s2 dx: mismatches=0 checksum=44706{{$}}
// CHECK-NEXT: conv_s2 dw: mismatches=0 checksum=53923{{$}}
// CHECK-NEXT: conv_s2 db: mismatches=0 checksum=68{{$}}
// CHECK-NEXT: conv_s21 y: mismatches=0 checksum=33545{{$}}
// CHECK-NEXT: conv_s21 dx: mismatches=0 checksum=59146{{$}}
// CHECK-NEXT: conv_s21 dw: mismatches=0 checksum=91740{{$}}
// CHECK-NEXT: conv_s21 db: mismatches=0 checksum=84{{$}}
// CHECK-NEXT: conv_c3 y: mismatches=0 checksum=25981{{$}}
// CHECK-NEXT: conv_c3 dx: mismatches=0 checksum=9876{{$}}
// CHECK-NEXT: conv_c3 dw: mismatches=0 checksum=13116{{$}}
// CHECK-NEXT: conv_c3 db: mismatches=0 checksum=60{{$}}
// CHECK-NEXT: conv_d2g2 y: mismatches=0 checksum=21725{{$}}
// CHECK-NEXT: conv_d2g2 dx: mismatches=0 checksum=29110{{$}}
// CHECK-NEXT: conv_d2g2 dw: mismatches=0 checksum=40233{{$}}
// CHECK-NEXT: conv_dw y: mismatches=0 checksum=20517{{$}}
// CHECK-NEXT: conv_dw dx: mismatches=0 checksum=14391{{$}}
// CHECK-NEXT: conv_dw dw: mismatches=0 checksum=2657{{$}}

// The kernels. Each is one nn op on its arguments, so add-vjps.py gives it a
// @NAME_vjp(x, params..., dy) -> (dx, dparams...).

// Stride 2, padding [top, left, bottom, right] = [1, 0, 2, 1], a bias:
// 6x4 outputs, 19 input and 21 output channels.
func.func @conv_s2(%x: tensor<2x19x11x9xf32>, %w: tensor<21x19x3x3xf32>, %b: tensor<21xf32>) -> tensor<2x21x6x4xf32> {
  %y = nn.conv2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 2, 1>} : (tensor<2x19x11x9xf32>, tensor<21x19x3x3xf32>, tensor<21xf32>) -> tensor<2x21x6x4xf32>
  return %y : tensor<2x21x6x4xf32>
}

// Strides [2, 1], dilation [1, 2], padding [1, 2, 0, 1], a bias: 5x8
// outputs; the weight gradient is one contraction over all taps (x read at
// (n, 2 oh + i, ow + 2 j, c)).
func.func @conv_s21(%x: tensor<2x19x11x9xf32>, %w: tensor<21x19x3x3xf32>, %b: tensor<21xf32>) -> tensor<2x21x5x8xf32> {
  %y = nn.conv2d %x, %w, %b {strides = array<i64: 2, 1>, dilation = array<i64: 1, 2>, padding = array<i64: 1, 2, 0, 1>} : (tensor<2x19x11x9xf32>, tensor<21x19x3x3xf32>, tensor<21xf32>) -> tensor<2x21x5x8xf32>
  return %y : tensor<2x21x5x8xf32>
}

// 3 input channels and 29 filters (the input as 27 tap planes), strides
// [1, 2], padding [1, 1, 0, 2], a bias: 10x5 outputs.
func.func @conv_c3(%x: tensor<2x3x11x9xf32>, %w: tensor<29x3x3x3xf32>, %b: tensor<29xf32>) -> tensor<2x29x10x5xf32> {
  %y = nn.conv2d %x, %w, %b {strides = array<i64: 1, 2>, padding = array<i64: 1, 1, 0, 2>} : (tensor<2x3x11x9xf32>, tensor<29x3x3x3xf32>, tensor<29xf32>) -> tensor<2x29x10x5xf32>
  return %y : tensor<2x29x10x5xf32>
}

// Two groups of 11 input and 13 output channels, a 3x2 kernel at dilation 2,
// strides [1, 2], padding [2, 1, 1, 0]: 10x4 outputs.
func.func @conv_d2g2(%x: tensor<2x22x11x9xf32>, %w: tensor<26x11x3x2xf32>) -> tensor<2x26x10x4xf32> {
  %y = nn.conv2d %x, %w {groups = 2, dilation = array<i64: 2, 2>, strides = array<i64: 1, 2>, padding = array<i64: 2, 1, 1, 0>} : (tensor<2x22x11x9xf32>, tensor<26x11x3x2xf32>) -> tensor<2x26x10x4xf32>
  return %y : tensor<2x26x10x4xf32>
}

// Depthwise (19 groups of one channel), 3x3 at dilation [1, 2], strides
// [2, 1], padding [1, 2, 0, 2]: 5x9 outputs.
func.func @conv_dw(%x: tensor<2x19x11x9xf32>, %w: tensor<19x1x3x3xf32>) -> tensor<2x19x5x9xf32> {
  %y = nn.conv2d %x, %w {groups = 19, dilation = array<i64: 1, 2>, strides = array<i64: 2, 1>, padding = array<i64: 1, 2, 0, 2>} : (tensor<2x19x11x9xf32>, tensor<19x1x3x3xf32>) -> tensor<2x19x5x9xf32>
  return %y : tensor<2x19x5x9xf32>
}

// m[l] = ((l * mul + l / 5) mod mod) - shift at row-major index l: small
// integers in an irregular pattern.
func.func @fill(%m: memref<?x?x?x?xf32>, %mul: index, %mod: index, %shift: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %d0 = memref.dim %m, %c0 : memref<?x?x?x?xf32>
  %d1 = memref.dim %m, %c1 : memref<?x?x?x?xf32>
  %d2 = memref.dim %m, %c2 : memref<?x?x?x?xf32>
  %d3 = memref.dim %m, %c3 : memref<?x?x?x?xf32>
  scf.for %a = %c0 to %d0 step %c1 {
    scf.for %b = %c0 to %d1 step %c1 {
      scf.for %c = %c0 to %d2 step %c1 {
        scf.for %d = %c0 to %d3 step %c1 {
          %l0 = arith.muli %a, %d1 : index
          %l1 = arith.addi %l0, %b : index
          %l2 = arith.muli %l1, %d2 : index
          %l3 = arith.addi %l2, %c : index
          %l4 = arith.muli %l3, %d3 : index
          %l = arith.addi %l4, %d : index
          %p = arith.muli %l, %mul : index
          %q = arith.divui %l, %c5 : index
          %s = arith.addi %p, %q : index
          %r = arith.remui %s, %mod : index
          %v = arith.subi %r, %shift : index
          %n = arith.index_cast %v : index to i32
          %f = arith.sitofp %n : i32 to f32
          memref.store %f, %m[%a, %b, %c, %d] : memref<?x?x?x?xf32>
        }
      }
    }
  }
  return
}

func.func @zero(%m: memref<?x?x?x?xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %zero = arith.constant 0.0 : f64
  %d0 = memref.dim %m, %c0 : memref<?x?x?x?xf64>
  %d1 = memref.dim %m, %c1 : memref<?x?x?x?xf64>
  %d2 = memref.dim %m, %c2 : memref<?x?x?x?xf64>
  %d3 = memref.dim %m, %c3 : memref<?x?x?x?xf64>
  scf.for %a = %c0 to %d0 step %c1 {
    scf.for %b = %c0 to %d1 step %c1 {
      scf.for %c = %c0 to %d2 step %c1 {
        scf.for %d = %c0 to %d3 step %c1 {
          memref.store %zero, %m[%a, %b, %c, %d] : memref<?x?x?x?xf64>
        }
      }
    }
  }
  return
}

// The reference, from nn.conv2d's definition:
//   y[n, f, oh, ow] = b[f] + Σ_{c, i, j} x[n, g·C/G + c, ih, iw] · w[f, c, i, j]
//   with ih = oh·sh + i·dh - top, iw = ow·sw + j·dw - left, g = f / (F/G),
//   terms outside the input being zero.
// Every term that reaches the output also scatters its share of dy[n, f, oh,
// ow] into dx (· w) and dw (· x); db[f] sums dy. Dims come from the buffers
// (x [N, C, H, W], w [F, C/G, KH, KW], dy [N, F, OH, OW]); db is [1, F, 1, 1].
func.func @ref_conv(%x: memref<?x?x?x?xf32>, %w: memref<?x?x?x?xf32>, %bias: memref<?xf32>,
                    %dy: memref<?x?x?x?xf32>, %y: memref<?x?x?x?xf64>, %dx: memref<?x?x?x?xf64>,
                    %dw: memref<?x?x?x?xf64>, %db: memref<?x?x?x?xf64>,
                    %sh: index, %sw: index, %dh: index, %dwi: index, %top: index, %left: index,
                    %groups: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %zero = arith.constant 0.0 : f64
  func.call @zero(%dx) : (memref<?x?x?x?xf64>) -> ()
  func.call @zero(%dw) : (memref<?x?x?x?xf64>) -> ()
  func.call @zero(%db) : (memref<?x?x?x?xf64>) -> ()
  %n = memref.dim %x, %c0 : memref<?x?x?x?xf32>
  %h = memref.dim %x, %c2 : memref<?x?x?x?xf32>
  %wd = memref.dim %x, %c3 : memref<?x?x?x?xf32>
  %f = memref.dim %w, %c0 : memref<?x?x?x?xf32>
  %cg = memref.dim %w, %c1 : memref<?x?x?x?xf32>
  %kh = memref.dim %w, %c2 : memref<?x?x?x?xf32>
  %kw = memref.dim %w, %c3 : memref<?x?x?x?xf32>
  %oh = memref.dim %dy, %c2 : memref<?x?x?x?xf32>
  %ow = memref.dim %dy, %c3 : memref<?x?x?x?xf32>
  %fg = arith.divui %f, %groups : index
  scf.for %in = %c0 to %n step %c1 {
    scf.for %if = %c0 to %f step %c1 {
      %g = arith.divui %if, %fg : index
      %cbase = arith.muli %g, %cg : index
      scf.for %ioh = %c0 to %oh step %c1 {
        scf.for %iow = %c0 to %ow step %c1 {
          %dy32 = memref.load %dy[%in, %if, %ioh, %iow] : memref<?x?x?x?xf32>
          %dyv = arith.extf %dy32 : f32 to f64
          %sum = scf.for %ic = %c0 to %cg step %c1 iter_args(%a0 = %zero) -> (f64) {
            %s1 = scf.for %i = %c0 to %kh step %c1 iter_args(%a1 = %a0) -> (f64) {
              %s2 = scf.for %j = %c0 to %kw step %c1 iter_args(%a2 = %a1) -> (f64) {
                %r0 = arith.muli %ioh, %sh : index
                %r1 = arith.muli %i, %dh : index
                %r2 = arith.addi %r0, %r1 : index
                %ih = arith.subi %r2, %top : index
                %q0 = arith.muli %iow, %sw : index
                %q1 = arith.muli %j, %dwi : index
                %q2 = arith.addi %q0, %q1 : index
                %iw = arith.subi %q2, %left : index
                %k0 = arith.cmpi sge, %ih, %c0 : index
                %k1 = arith.cmpi slt, %ih, %h : index
                %k2 = arith.cmpi sge, %iw, %c0 : index
                %k3 = arith.cmpi slt, %iw, %wd : index
                %k01 = arith.andi %k0, %k1 : i1
                %k23 = arith.andi %k2, %k3 : i1
                %inside = arith.andi %k01, %k23 : i1
                %a3 = scf.if %inside -> (f64) {
                  %ch = arith.addi %cbase, %ic : index
                  %x32 = memref.load %x[%in, %ch, %ih, %iw] : memref<?x?x?x?xf32>
                  %w32 = memref.load %w[%if, %ic, %i, %j] : memref<?x?x?x?xf32>
                  %xv = arith.extf %x32 : f32 to f64
                  %wv = arith.extf %w32 : f32 to f64
                  %gx = memref.load %dx[%in, %ch, %ih, %iw] : memref<?x?x?x?xf64>
                  %px = arith.mulf %dyv, %wv : f64
                  %nx = arith.addf %gx, %px : f64
                  memref.store %nx, %dx[%in, %ch, %ih, %iw] : memref<?x?x?x?xf64>
                  %gw = memref.load %dw[%if, %ic, %i, %j] : memref<?x?x?x?xf64>
                  %pw = arith.mulf %dyv, %xv : f64
                  %nw = arith.addf %gw, %pw : f64
                  memref.store %nw, %dw[%if, %ic, %i, %j] : memref<?x?x?x?xf64>
                  %p = arith.mulf %xv, %wv : f64
                  %acc = arith.addf %a2, %p : f64
                  scf.yield %acc : f64
                } else {
                  scf.yield %a2 : f64
                }
                scf.yield %a3 : f64
              }
              scf.yield %s2 : f64
            }
            scf.yield %s1 : f64
          }
          %b32 = memref.load %bias[%if] : memref<?xf32>
          %bv = arith.extf %b32 : f32 to f64
          %yv = arith.addf %sum, %bv : f64
          memref.store %yv, %y[%in, %if, %ioh, %iow] : memref<?x?x?x?xf64>
          %gb = memref.load %db[%c0, %if, %c0, %c0] : memref<?x?x?x?xf64>
          %nb = arith.addf %gb, %dyv : f64
          memref.store %nb, %db[%c0, %if, %c0, %c0] : memref<?x?x?x?xf64>
        }
      }
    }
  }
  return
}

// Prints "mismatches=M checksum=S": M counts the elements where
// |got - ref| > tol · mag fails (NaN included), S is Σ |ref| truncated.
func.func @check(%got: tensor<?x?x?x?xf32>, %ref: memref<?x?x?x?xf64>, %mag: memref<?x?x?x?xf64>, %tol: f64) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %zero = arith.constant 0.0 : f64
  %d0 = memref.dim %ref, %c0 : memref<?x?x?x?xf64>
  %d1 = memref.dim %ref, %c1 : memref<?x?x?x?xf64>
  %d2 = memref.dim %ref, %c2 : memref<?x?x?x?xf64>
  %d3 = memref.dim %ref, %c3 : memref<?x?x?x?xf64>
  %bad, %sum = scf.for %a = %c0 to %d0 step %c1 iter_args(%b0 = %c0, %s0 = %zero) -> (index, f64) {
    %b1r, %s1r = scf.for %b = %c0 to %d1 step %c1 iter_args(%b1 = %b0, %s1 = %s0) -> (index, f64) {
      %b2r, %s2r = scf.for %c = %c0 to %d2 step %c1 iter_args(%b2 = %b1, %s2 = %s1) -> (index, f64) {
        %b3r, %s3r = scf.for %d = %c0 to %d3 step %c1 iter_args(%b3 = %b2, %s3 = %s2) -> (index, f64) {
          %g32 = tensor.extract %got[%a, %b, %c, %d] : tensor<?x?x?x?xf32>
          %g = arith.extf %g32 : f32 to f64
          %r = memref.load %ref[%a, %b, %c, %d] : memref<?x?x?x?xf64>
          %m = memref.load %mag[%a, %b, %c, %d] : memref<?x?x?x?xf64>
          %delta = arith.subf %g, %r : f64
          %abs = math.absf %delta : f64
          %limit = arith.mulf %tol, %m : f64
          %off = arith.cmpf ugt, %abs, %limit : f64
          %inc = arith.select %off, %c1, %c0 : index
          %b4 = arith.addi %b3, %inc : index
          %ra = math.absf %r : f64
          %s4 = arith.addf %s3, %ra : f64
          scf.yield %b4, %s4 : index, f64
        }
        scf.yield %b3r, %s3r : index, f64
      }
      scf.yield %b2r, %s2r : index, f64
    }
    scf.yield %b1r, %s1r : index, f64
  }
  %si = arith.fptosi %sum : f64 to i64
  vector.print str "mismatches="
  vector.print %bad : index punctuation <no_punctuation>
  vector.print str " checksum="
  vector.print %si : i64
  return
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c7 = arith.constant 7 : index
  %c19 = arith.constant 19 : index
  %exact = arith.constant 0.0 : f64

  // conv_s2.
  %x1 = memref.alloc() : memref<2x19x11x9xf32>
  %w1 = memref.alloc() : memref<21x19x3x3xf32>
  %b1 = memref.alloc() : memref<1x21x1x1xf32>
  %dy1 = memref.alloc() : memref<2x21x6x4xf32>
  %x1d = memref.cast %x1 : memref<2x19x11x9xf32> to memref<?x?x?x?xf32>
  %w1d = memref.cast %w1 : memref<21x19x3x3xf32> to memref<?x?x?x?xf32>
  %b1d = memref.cast %b1 : memref<1x21x1x1xf32> to memref<?x?x?x?xf32>
  %dy1d = memref.cast %dy1 : memref<2x21x6x4xf32> to memref<?x?x?x?xf32>
  func.call @fill(%x1d, %c3, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%w1d, %c2, %c5, %c2) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%b1d, %c4, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%dy1d, %c5, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  %b1v = memref.collapse_shape %b1 [[0, 1, 2, 3]] : memref<1x21x1x1xf32> into memref<21xf32>
  %x1t = bufferization.to_tensor %x1 restrict : memref<2x19x11x9xf32>
  %w1t = bufferization.to_tensor %w1 restrict : memref<21x19x3x3xf32>
  %b1t = bufferization.to_tensor %b1v restrict : memref<21xf32>
  %dy1t = bufferization.to_tensor %dy1 restrict : memref<2x21x6x4xf32>
  %y1 = func.call @conv_s2(%x1t, %w1t, %b1t) : (tensor<2x19x11x9xf32>, tensor<21x19x3x3xf32>, tensor<21xf32>) -> tensor<2x21x6x4xf32>
  %dx1, %dw1, %db1 = func.call @conv_s2_vjp(%x1t, %w1t, %b1t, %dy1t) : (tensor<2x19x11x9xf32>, tensor<21x19x3x3xf32>, tensor<21xf32>, tensor<2x21x6x4xf32>) -> (tensor<2x19x11x9xf32>, tensor<21x19x3x3xf32>, tensor<21xf32>)
  %ry1 = memref.alloc() : memref<2x21x6x4xf64>
  %rdx1 = memref.alloc() : memref<2x19x11x9xf64>
  %rdw1 = memref.alloc() : memref<21x19x3x3xf64>
  %rdb1 = memref.alloc() : memref<1x21x1x1xf64>
  %ry1d = memref.cast %ry1 : memref<2x21x6x4xf64> to memref<?x?x?x?xf64>
  %rdx1d = memref.cast %rdx1 : memref<2x19x11x9xf64> to memref<?x?x?x?xf64>
  %rdw1d = memref.cast %rdw1 : memref<21x19x3x3xf64> to memref<?x?x?x?xf64>
  %rdb1d = memref.cast %rdb1 : memref<1x21x1x1xf64> to memref<?x?x?x?xf64>
  %b1r = memref.cast %b1v : memref<21xf32> to memref<?xf32>
  func.call @ref_conv(%x1d, %w1d, %b1r, %dy1d, %ry1d, %rdx1d, %rdw1d, %rdb1d, %c2, %c2, %c1, %c1, %c1, %c0, %c1)
      : (memref<?x?x?x?xf32>, memref<?x?x?x?xf32>, memref<?xf32>, memref<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, index, index, index, index, index, index, index) -> ()
  %y1d = tensor.cast %y1 : tensor<2x21x6x4xf32> to tensor<?x?x?x?xf32>
  %dx1d = tensor.cast %dx1 : tensor<2x19x11x9xf32> to tensor<?x?x?x?xf32>
  %dw1d = tensor.cast %dw1 : tensor<21x19x3x3xf32> to tensor<?x?x?x?xf32>
  %db1e = tensor.expand_shape %db1 [[0, 1, 2, 3]] output_shape [1, 21, 1, 1] : tensor<21xf32> into tensor<1x21x1x1xf32>
  %db1d = tensor.cast %db1e : tensor<1x21x1x1xf32> to tensor<?x?x?x?xf32>
  vector.print str "conv_s2 y: "
  func.call @check(%y1d, %ry1d, %ry1d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  vector.print str "conv_s2 dx: "
  func.call @check(%dx1d, %rdx1d, %rdx1d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  vector.print str "conv_s2 dw: "
  func.call @check(%dw1d, %rdw1d, %rdw1d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  vector.print str "conv_s2 db: "
  func.call @check(%db1d, %rdb1d, %rdb1d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()

  // conv_s21.
  %x5 = memref.alloc() : memref<2x19x11x9xf32>
  %w5 = memref.alloc() : memref<21x19x3x3xf32>
  %b5 = memref.alloc() : memref<1x21x1x1xf32>
  %dy5 = memref.alloc() : memref<2x21x5x8xf32>
  %x5d = memref.cast %x5 : memref<2x19x11x9xf32> to memref<?x?x?x?xf32>
  %w5d = memref.cast %w5 : memref<21x19x3x3xf32> to memref<?x?x?x?xf32>
  %b5d = memref.cast %b5 : memref<1x21x1x1xf32> to memref<?x?x?x?xf32>
  %dy5d = memref.cast %dy5 : memref<2x21x5x8xf32> to memref<?x?x?x?xf32>
  func.call @fill(%x5d, %c3, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%w5d, %c2, %c5, %c2) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%b5d, %c4, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%dy5d, %c5, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  %b5v = memref.collapse_shape %b5 [[0, 1, 2, 3]] : memref<1x21x1x1xf32> into memref<21xf32>
  %x5t = bufferization.to_tensor %x5 restrict : memref<2x19x11x9xf32>
  %w5t = bufferization.to_tensor %w5 restrict : memref<21x19x3x3xf32>
  %b5t = bufferization.to_tensor %b5v restrict : memref<21xf32>
  %dy5t = bufferization.to_tensor %dy5 restrict : memref<2x21x5x8xf32>
  %y5 = func.call @conv_s21(%x5t, %w5t, %b5t) : (tensor<2x19x11x9xf32>, tensor<21x19x3x3xf32>, tensor<21xf32>) -> tensor<2x21x5x8xf32>
  %dx5, %dw5, %db5 = func.call @conv_s21_vjp(%x5t, %w5t, %b5t, %dy5t) : (tensor<2x19x11x9xf32>, tensor<21x19x3x3xf32>, tensor<21xf32>, tensor<2x21x5x8xf32>) -> (tensor<2x19x11x9xf32>, tensor<21x19x3x3xf32>, tensor<21xf32>)
  %ry5 = memref.alloc() : memref<2x21x5x8xf64>
  %rdx5 = memref.alloc() : memref<2x19x11x9xf64>
  %rdw5 = memref.alloc() : memref<21x19x3x3xf64>
  %rdb5 = memref.alloc() : memref<1x21x1x1xf64>
  %ry5d = memref.cast %ry5 : memref<2x21x5x8xf64> to memref<?x?x?x?xf64>
  %rdx5d = memref.cast %rdx5 : memref<2x19x11x9xf64> to memref<?x?x?x?xf64>
  %rdw5d = memref.cast %rdw5 : memref<21x19x3x3xf64> to memref<?x?x?x?xf64>
  %rdb5d = memref.cast %rdb5 : memref<1x21x1x1xf64> to memref<?x?x?x?xf64>
  %b5r = memref.cast %b5v : memref<21xf32> to memref<?xf32>
  func.call @ref_conv(%x5d, %w5d, %b5r, %dy5d, %ry5d, %rdx5d, %rdw5d, %rdb5d, %c2, %c1, %c1, %c2, %c1, %c2, %c1)
      : (memref<?x?x?x?xf32>, memref<?x?x?x?xf32>, memref<?xf32>, memref<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, index, index, index, index, index, index, index) -> ()
  %y5d = tensor.cast %y5 : tensor<2x21x5x8xf32> to tensor<?x?x?x?xf32>
  %dx5d = tensor.cast %dx5 : tensor<2x19x11x9xf32> to tensor<?x?x?x?xf32>
  %dw5d = tensor.cast %dw5 : tensor<21x19x3x3xf32> to tensor<?x?x?x?xf32>
  %db5e = tensor.expand_shape %db5 [[0, 1, 2, 3]] output_shape [1, 21, 1, 1] : tensor<21xf32> into tensor<1x21x1x1xf32>
  %db5d = tensor.cast %db5e : tensor<1x21x1x1xf32> to tensor<?x?x?x?xf32>
  vector.print str "conv_s21 y: "
  func.call @check(%y5d, %ry5d, %ry5d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  vector.print str "conv_s21 dx: "
  func.call @check(%dx5d, %rdx5d, %rdx5d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  vector.print str "conv_s21 dw: "
  func.call @check(%dw5d, %rdw5d, %rdw5d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  vector.print str "conv_s21 db: "
  func.call @check(%db5d, %rdb5d, %rdb5d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()

  // conv_c3 (tap planes: 3 channels, 29 filters).
  %x4 = memref.alloc() : memref<2x3x11x9xf32>
  %w4 = memref.alloc() : memref<29x3x3x3xf32>
  %b4 = memref.alloc() : memref<1x29x1x1xf32>
  %dy4 = memref.alloc() : memref<2x29x10x5xf32>
  %x4d = memref.cast %x4 : memref<2x3x11x9xf32> to memref<?x?x?x?xf32>
  %w4d = memref.cast %w4 : memref<29x3x3x3xf32> to memref<?x?x?x?xf32>
  %b4d = memref.cast %b4 : memref<1x29x1x1xf32> to memref<?x?x?x?xf32>
  %dy4d = memref.cast %dy4 : memref<2x29x10x5xf32> to memref<?x?x?x?xf32>
  func.call @fill(%x4d, %c3, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%w4d, %c2, %c5, %c2) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%b4d, %c4, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%dy4d, %c5, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  %b4v = memref.collapse_shape %b4 [[0, 1, 2, 3]] : memref<1x29x1x1xf32> into memref<29xf32>
  %x4t = bufferization.to_tensor %x4 restrict : memref<2x3x11x9xf32>
  %w4t = bufferization.to_tensor %w4 restrict : memref<29x3x3x3xf32>
  %b4t = bufferization.to_tensor %b4v restrict : memref<29xf32>
  %dy4t = bufferization.to_tensor %dy4 restrict : memref<2x29x10x5xf32>
  %y4 = func.call @conv_c3(%x4t, %w4t, %b4t) : (tensor<2x3x11x9xf32>, tensor<29x3x3x3xf32>, tensor<29xf32>) -> tensor<2x29x10x5xf32>
  %dx4, %dw4, %db4 = func.call @conv_c3_vjp(%x4t, %w4t, %b4t, %dy4t) : (tensor<2x3x11x9xf32>, tensor<29x3x3x3xf32>, tensor<29xf32>, tensor<2x29x10x5xf32>) -> (tensor<2x3x11x9xf32>, tensor<29x3x3x3xf32>, tensor<29xf32>)
  %ry4 = memref.alloc() : memref<2x29x10x5xf64>
  %rdx4 = memref.alloc() : memref<2x3x11x9xf64>
  %rdw4 = memref.alloc() : memref<29x3x3x3xf64>
  %rdb4 = memref.alloc() : memref<1x29x1x1xf64>
  %ry4d = memref.cast %ry4 : memref<2x29x10x5xf64> to memref<?x?x?x?xf64>
  %rdx4d = memref.cast %rdx4 : memref<2x3x11x9xf64> to memref<?x?x?x?xf64>
  %rdw4d = memref.cast %rdw4 : memref<29x3x3x3xf64> to memref<?x?x?x?xf64>
  %rdb4d = memref.cast %rdb4 : memref<1x29x1x1xf64> to memref<?x?x?x?xf64>
  %b4r = memref.cast %b4v : memref<29xf32> to memref<?xf32>
  func.call @ref_conv(%x4d, %w4d, %b4r, %dy4d, %ry4d, %rdx4d, %rdw4d, %rdb4d, %c1, %c2, %c1, %c1, %c1, %c1, %c1)
      : (memref<?x?x?x?xf32>, memref<?x?x?x?xf32>, memref<?xf32>, memref<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, index, index, index, index, index, index, index) -> ()
  %y4d = tensor.cast %y4 : tensor<2x29x10x5xf32> to tensor<?x?x?x?xf32>
  %dx4d = tensor.cast %dx4 : tensor<2x3x11x9xf32> to tensor<?x?x?x?xf32>
  %dw4d = tensor.cast %dw4 : tensor<29x3x3x3xf32> to tensor<?x?x?x?xf32>
  %db4e = tensor.expand_shape %db4 [[0, 1, 2, 3]] output_shape [1, 29, 1, 1] : tensor<29xf32> into tensor<1x29x1x1xf32>
  %db4d = tensor.cast %db4e : tensor<1x29x1x1xf32> to tensor<?x?x?x?xf32>
  vector.print str "conv_c3 y: "
  func.call @check(%y4d, %ry4d, %ry4d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  vector.print str "conv_c3 dx: "
  func.call @check(%dx4d, %rdx4d, %rdx4d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  vector.print str "conv_c3 dw: "
  func.call @check(%dw4d, %rdw4d, %rdw4d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  vector.print str "conv_c3 db: "
  func.call @check(%db4d, %rdb4d, %rdb4d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()


  // conv_d2g2 (no bias: the reference adds zeros, @fill modulo 1).
  %x2 = memref.alloc() : memref<2x22x11x9xf32>
  %w2 = memref.alloc() : memref<26x11x3x2xf32>
  %dy2 = memref.alloc() : memref<2x26x10x4xf32>
  %z2 = memref.alloc() : memref<1x26x1x1xf32>
  %x2d = memref.cast %x2 : memref<2x22x11x9xf32> to memref<?x?x?x?xf32>
  %w2d = memref.cast %w2 : memref<26x11x3x2xf32> to memref<?x?x?x?xf32>
  %dy2d = memref.cast %dy2 : memref<2x26x10x4xf32> to memref<?x?x?x?xf32>
  %z2c = memref.collapse_shape %z2 [[0, 1, 2, 3]] : memref<1x26x1x1xf32> into memref<26xf32>
  %z2d = memref.cast %z2c : memref<26xf32> to memref<?xf32>
  %z2f = memref.cast %z2 : memref<1x26x1x1xf32> to memref<?x?x?x?xf32>
  func.call @fill(%x2d, %c5, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%w2d, %c3, %c5, %c2) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%dy2d, %c2, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%z2f, %c1, %c1, %c0) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  %x2t = bufferization.to_tensor %x2 restrict : memref<2x22x11x9xf32>
  %w2t = bufferization.to_tensor %w2 restrict : memref<26x11x3x2xf32>
  %dy2t = bufferization.to_tensor %dy2 restrict : memref<2x26x10x4xf32>
  %y2 = func.call @conv_d2g2(%x2t, %w2t) : (tensor<2x22x11x9xf32>, tensor<26x11x3x2xf32>) -> tensor<2x26x10x4xf32>
  %dx2, %dw2 = func.call @conv_d2g2_vjp(%x2t, %w2t, %dy2t) : (tensor<2x22x11x9xf32>, tensor<26x11x3x2xf32>, tensor<2x26x10x4xf32>) -> (tensor<2x22x11x9xf32>, tensor<26x11x3x2xf32>)
  %ry2 = memref.alloc() : memref<2x26x10x4xf64>
  %rdx2 = memref.alloc() : memref<2x22x11x9xf64>
  %rdw2 = memref.alloc() : memref<26x11x3x2xf64>
  %rdb2 = memref.alloc() : memref<1x26x1x1xf64>
  %ry2d = memref.cast %ry2 : memref<2x26x10x4xf64> to memref<?x?x?x?xf64>
  %rdx2d = memref.cast %rdx2 : memref<2x22x11x9xf64> to memref<?x?x?x?xf64>
  %rdw2d = memref.cast %rdw2 : memref<26x11x3x2xf64> to memref<?x?x?x?xf64>
  %rdb2d = memref.cast %rdb2 : memref<1x26x1x1xf64> to memref<?x?x?x?xf64>
  func.call @ref_conv(%x2d, %w2d, %z2d, %dy2d, %ry2d, %rdx2d, %rdw2d, %rdb2d, %c1, %c2, %c2, %c2, %c2, %c1, %c2)
      : (memref<?x?x?x?xf32>, memref<?x?x?x?xf32>, memref<?xf32>, memref<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, index, index, index, index, index, index, index) -> ()
  %y2d = tensor.cast %y2 : tensor<2x26x10x4xf32> to tensor<?x?x?x?xf32>
  %dx2d = tensor.cast %dx2 : tensor<2x22x11x9xf32> to tensor<?x?x?x?xf32>
  %dw2d = tensor.cast %dw2 : tensor<26x11x3x2xf32> to tensor<?x?x?x?xf32>
  vector.print str "conv_d2g2 y: "
  func.call @check(%y2d, %ry2d, %ry2d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  vector.print str "conv_d2g2 dx: "
  func.call @check(%dx2d, %rdx2d, %rdx2d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  vector.print str "conv_d2g2 dw: "
  func.call @check(%dw2d, %rdw2d, %rdw2d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()

  // conv_dw.
  %x3 = memref.alloc() : memref<2x19x11x9xf32>
  %w3 = memref.alloc() : memref<19x1x3x3xf32>
  %dy3 = memref.alloc() : memref<2x19x5x9xf32>
  %z3 = memref.alloc() : memref<1x19x1x1xf32>
  %x3d = memref.cast %x3 : memref<2x19x11x9xf32> to memref<?x?x?x?xf32>
  %w3d = memref.cast %w3 : memref<19x1x3x3xf32> to memref<?x?x?x?xf32>
  %dy3d = memref.cast %dy3 : memref<2x19x5x9xf32> to memref<?x?x?x?xf32>
  %z3c = memref.collapse_shape %z3 [[0, 1, 2, 3]] : memref<1x19x1x1xf32> into memref<19xf32>
  %z3d = memref.cast %z3c : memref<19xf32> to memref<?xf32>
  %z3f = memref.cast %z3 : memref<1x19x1x1xf32> to memref<?x?x?x?xf32>
  func.call @fill(%x3d, %c2, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%w3d, %c4, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%dy3d, %c3, %c5, %c2) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%z3f, %c1, %c1, %c0) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  %x3t = bufferization.to_tensor %x3 restrict : memref<2x19x11x9xf32>
  %w3t = bufferization.to_tensor %w3 restrict : memref<19x1x3x3xf32>
  %dy3t = bufferization.to_tensor %dy3 restrict : memref<2x19x5x9xf32>
  %y3 = func.call @conv_dw(%x3t, %w3t) : (tensor<2x19x11x9xf32>, tensor<19x1x3x3xf32>) -> tensor<2x19x5x9xf32>
  %dx3, %dw3 = func.call @conv_dw_vjp(%x3t, %w3t, %dy3t) : (tensor<2x19x11x9xf32>, tensor<19x1x3x3xf32>, tensor<2x19x5x9xf32>) -> (tensor<2x19x11x9xf32>, tensor<19x1x3x3xf32>)
  %ry3 = memref.alloc() : memref<2x19x5x9xf64>
  %rdx3 = memref.alloc() : memref<2x19x11x9xf64>
  %rdw3 = memref.alloc() : memref<19x1x3x3xf64>
  %rdb3 = memref.alloc() : memref<1x19x1x1xf64>
  %ry3d = memref.cast %ry3 : memref<2x19x5x9xf64> to memref<?x?x?x?xf64>
  %rdx3d = memref.cast %rdx3 : memref<2x19x11x9xf64> to memref<?x?x?x?xf64>
  %rdw3d = memref.cast %rdw3 : memref<19x1x3x3xf64> to memref<?x?x?x?xf64>
  %rdb3d = memref.cast %rdb3 : memref<1x19x1x1xf64> to memref<?x?x?x?xf64>
  func.call @ref_conv(%x3d, %w3d, %z3d, %dy3d, %ry3d, %rdx3d, %rdw3d, %rdb3d, %c2, %c1, %c1, %c2, %c1, %c2, %c19)
      : (memref<?x?x?x?xf32>, memref<?x?x?x?xf32>, memref<?xf32>, memref<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, index, index, index, index, index, index, index) -> ()
  %y3d = tensor.cast %y3 : tensor<2x19x5x9xf32> to tensor<?x?x?x?xf32>
  %dx3d = tensor.cast %dx3 : tensor<2x19x11x9xf32> to tensor<?x?x?x?xf32>
  %dw3d = tensor.cast %dw3 : tensor<19x1x3x3xf32> to tensor<?x?x?x?xf32>
  vector.print str "conv_dw y: "
  func.call @check(%y3d, %ry3d, %ry3d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  vector.print str "conv_dw dx: "
  func.call @check(%dx3d, %rdx3d, %rdx3d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  vector.print str "conv_dw dw: "
  func.call @check(%dw3d, %rdw3d, %rdw3d, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  return
}
