// Tier-1 numerics: max and average pooling forward and backward on channel
// counts and sizes that no vector width divides (19 and 37 channels, 11x9
// images): overlapping 3x3 windows at stride 2 with uneven padding, 3x2
// windows at strides [2, 1] padded on three sides, 3x2 windows at strides
// [3, 2] that tile the input but for its last two rows and last column (one
// op writes every tap's window, only the uncovered strips are zeroed), and global
// pooling.
// nn.max_pool2d and nn.avg_pool2d lower through nn-to-linalg (ConvBuilders.cpp:
// an elementwise max or sum over the taps' strided views of the padded
// channels-last input; global pooling as a reduction over height and width,
// the channels in the lanes); their input gradients are the linalg that
// kiln-autodiff emits for each kernel today (@NAME_vjp, added by
// Inputs/add-vjps.py: the index of each window's first maximum, then each
// tap's share added into its window). Kiln's kernel passes form, tile, peel
// and vectorize everything at 128, 256 and 512 bits; the program runs with
// mlir-cpu-runner against a scalar-loop reference in the same file, written
// from the ops' definitions in f64, which the kernel passes leave alone.
//
// Inputs and output gradients are small integers (|v| <= 3), so windows hold
// ties: the max gradient must go to the first maximum in row-major window
// order (PyTorch's rule), which the reference finds with a strict comparison.
// Max pooling and its gradient (sums of integers) are exact in f32: tolerance
// 0. Average pooling counts the padding (count_include_pad) and scales by
// 1/k, k = kh·kw, which f32 rounds: the kernel's fl(S · fl(1/k)) for an exact
// integer sum S is within 2u of S/k (u = 2^-24, f32's unit roundoff), and a
// gradient element adds m <= 4 rounded shares fl(dy · fl(1/k)) (m windows
// overlap it) in the kernel's order, within (m + 1)u · Σ|dy|/k. The check
// allows 8u = 2^-21 times the terms' magnitude (Σ|x|/k, Σ|dy|/k), which the
// reference accumulates alongside. The checksums (Σ |reference|) pin the
// reference itself.
//
// RUN: %python %S/Inputs/add-vjps.py kiln-opt %s > %t.mlir
// DEFINE: %{bits} = 512
// DEFINE: %{run} = kiln-opt %t.mlir -pass-pipeline="builtin.module(func.func(nn-to-linalg),canonicalize,cse,func.func(kiln-propagate-transposes),canonicalize,cse,func.func(kernel-form{vector-bits=%{bits}},kernel-tile),canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries},buffer-deallocation-pipeline,convert-bufferization-to-memref,func.func(kernel-lower-vectors,kiln-expand-copies,convert-linalg-to-loops),convert-vector-to-scf{full-unroll=true},lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-vector-to-llvm{reassociate-fp-reductions=true},finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)" \
// DEFINE: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// DEFINE: | FileCheck %s
// RUN: %{run}
// REDEFINE: %{bits} = 256
// RUN: %{run}
// REDEFINE: %{bits} = 128
// RUN: %{run}

// CHECK: max_a y: mismatches=0 checksum=2442{{$}}
// CHECK-NEXT: max_a dx: mismatches=0 checksum=1333{{$}}
// CHECK-NEXT: avg_a y: mismatches=0 checksum=339{{$}}
// CHECK-NEXT: avg_a dx: mismatches=0 checksum=986{{$}}
// CHECK-NEXT: max_b y: mismatches=0 checksum=10652{{$}}
// CHECK-NEXT: max_b dx: mismatches=0 checksum=4528{{$}}
// CHECK-NEXT: avg_b y: mismatches=0 checksum=2268{{$}}
// CHECK-NEXT: avg_b dx: mismatches=0 checksum=2568{{$}}
// CHECK-NEXT: max_c y: mismatches=0 checksum=1237{{$}}
// CHECK-NEXT: max_c dx: mismatches=0 checksum=783{{$}}
// CHECK-NEXT: avg_c y: mismatches=0 checksum=169{{$}}
// CHECK-NEXT: avg_c dx: mismatches=0 checksum=782{{$}}
// CHECK-NEXT: max_g y: mismatches=0 checksum=114{{$}}
// CHECK-NEXT: max_g dx: mismatches=0 checksum=65{{$}}
// CHECK-NEXT: avg_g y: mismatches=0 checksum=1{{$}}
// CHECK-NEXT: avg_g dx: mismatches=0 checksum=65{{$}}

// The kernels. Each is one nn op on its input, so add-vjps.py gives it a
// @NAME_vjp(x, dy) -> dx.

// a: 3x3 windows at stride 2 (overlapping), padding [top, left, bottom,
// right] = [1, 1, 1, 0]: 6x4 outputs of 19 channels.
func.func @max_a(%x: tensor<2x19x11x9xf32>) -> tensor<2x19x6x4xf32> {
  %y = nn.max_pool2d %x {window = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 0>} : tensor<2x19x11x9xf32> -> tensor<2x19x6x4xf32>
  return %y : tensor<2x19x6x4xf32>
}
func.func @avg_a(%x: tensor<2x19x11x9xf32>) -> tensor<2x19x6x4xf32> {
  %y = nn.avg_pool2d %x {window = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 0>} : tensor<2x19x11x9xf32> -> tensor<2x19x6x4xf32>
  return %y : tensor<2x19x6x4xf32>
}

// b: 3x2 windows at strides [2, 1] (overlapping both ways), padding
// [0, 1, 2, 1]: 6x10 outputs of 37 channels.
func.func @max_b(%x: tensor<2x37x11x9xf32>) -> tensor<2x37x6x10xf32> {
  %y = nn.max_pool2d %x {window = array<i64: 3, 2>, strides = array<i64: 2, 1>, padding = array<i64: 0, 1, 2, 1>} : tensor<2x37x11x9xf32> -> tensor<2x37x6x10xf32>
  return %y : tensor<2x37x6x10xf32>
}
func.func @avg_b(%x: tensor<2x37x11x9xf32>) -> tensor<2x37x6x10xf32> {
  %y = nn.avg_pool2d %x {window = array<i64: 3, 2>, strides = array<i64: 2, 1>, padding = array<i64: 0, 1, 2, 1>} : tensor<2x37x11x9xf32> -> tensor<2x37x6x10xf32>
  return %y : tensor<2x37x6x10xf32>
}

// c: 3x2 windows at strides [3, 2] (disjoint), no padding: 3x4 outputs of
// 19 channels; rows 9-10 and column 8 are in no window (their gradient is 0).
func.func @max_c(%x: tensor<2x19x11x9xf32>) -> tensor<2x19x3x4xf32> {
  %y = nn.max_pool2d %x {window = array<i64: 3, 2>, strides = array<i64: 3, 2>} : tensor<2x19x11x9xf32> -> tensor<2x19x3x4xf32>
  return %y : tensor<2x19x3x4xf32>
}
func.func @avg_c(%x: tensor<2x19x11x9xf32>) -> tensor<2x19x3x4xf32> {
  %y = nn.avg_pool2d %x {window = array<i64: 3, 2>, strides = array<i64: 3, 2>} : tensor<2x19x11x9xf32> -> tensor<2x19x3x4xf32>
  return %y : tensor<2x19x3x4xf32>
}

// g: global pooling (the window is the whole unpadded 11x9 input).
func.func @max_g(%x: tensor<2x19x11x9xf32>) -> tensor<2x19x1x1xf32> {
  %y = nn.max_pool2d %x {window = array<i64: 11, 9>, strides = array<i64: 1, 1>} : tensor<2x19x11x9xf32> -> tensor<2x19x1x1xf32>
  return %y : tensor<2x19x1x1xf32>
}
func.func @avg_g(%x: tensor<2x19x11x9xf32>) -> tensor<2x19x1x1xf32> {
  %y = nn.avg_pool2d %x {window = array<i64: 11, 9>, strides = array<i64: 1, 1>} : tensor<2x19x11x9xf32> -> tensor<2x19x1x1xf32>
  return %y : tensor<2x19x1x1xf32>
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

// The reference, from the ops' definitions: for each output (n, c, oh, ow),
// the window's taps (i, j) read x[n, c, ih, iw] with ih = oh·sh + i - top,
// iw = ow·sw + j - left where inside the input (padding never wins a max and
// adds zeros to a sum). ymax is the largest value and dxmax gets dy at the
// first position holding it (row-major window order: a strict comparison);
// yavg = Σ / k with k = kh·kw, and every tap inside the input gets dy / k in
// dxavg. ymag and dxmag sum the magnitudes of the same terms (the tolerance's
// scale). Dims come from the buffers: x [N, C, H, W], dy [N, C, OH, OW].
func.func @ref_pool(%x: memref<?x?x?x?xf32>, %dy: memref<?x?x?x?xf32>,
                    %ymax: memref<?x?x?x?xf64>, %dxmax: memref<?x?x?x?xf64>,
                    %yavg: memref<?x?x?x?xf64>, %dxavg: memref<?x?x?x?xf64>,
                    %ymag: memref<?x?x?x?xf64>, %dxmag: memref<?x?x?x?xf64>,
                    %kh: index, %kw: index, %sh: index, %sw: index, %top: index, %left: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %zero = arith.constant 0.0 : f64
  %ninf = arith.constant 0xFFF0000000000000 : f64
  func.call @zero(%dxmax) : (memref<?x?x?x?xf64>) -> ()
  func.call @zero(%dxavg) : (memref<?x?x?x?xf64>) -> ()
  func.call @zero(%dxmag) : (memref<?x?x?x?xf64>) -> ()
  %n = memref.dim %x, %c0 : memref<?x?x?x?xf32>
  %ch = memref.dim %x, %c1 : memref<?x?x?x?xf32>
  %h = memref.dim %x, %c2 : memref<?x?x?x?xf32>
  %w = memref.dim %x, %c3 : memref<?x?x?x?xf32>
  %oh = memref.dim %dy, %c2 : memref<?x?x?x?xf32>
  %ow = memref.dim %dy, %c3 : memref<?x?x?x?xf32>
  %ki = arith.muli %kh, %kw : index
  %ki64 = arith.index_cast %ki : index to i64
  %k = arith.sitofp %ki64 : i64 to f64
  scf.for %in = %c0 to %n step %c1 {
    scf.for %ic = %c0 to %ch step %c1 {
      scf.for %ioh = %c0 to %oh step %c1 {
        scf.for %iow = %c0 to %ow step %c1 {
          %dy32 = memref.load %dy[%in, %ic, %ioh, %iow] : memref<?x?x?x?xf32>
          %dyv = arith.extf %dy32 : f32 to f64
          %share = arith.divf %dyv, %k : f64
          %sharea = math.absf %share : f64
          %m, %mh, %mw, %s, %sa = scf.for %i = %c0 to %kh step %c1
              iter_args(%m0 = %ninf, %mh0 = %c0, %mw0 = %c0, %s0 = %zero, %sa0 = %zero) -> (f64, index, index, f64, f64) {
            %mr, %mhr, %mwr, %sr, %sar = scf.for %j = %c0 to %kw step %c1
                iter_args(%m1 = %m0, %mh1 = %mh0, %mw1 = %mw0, %s1 = %s0, %sa1 = %sa0) -> (f64, index, index, f64, f64) {
              %r0 = arith.muli %ioh, %sh : index
              %r1 = arith.addi %r0, %i : index
              %ih = arith.subi %r1, %top : index
              %q0 = arith.muli %iow, %sw : index
              %q1 = arith.addi %q0, %j : index
              %iw = arith.subi %q1, %left : index
              %k0 = arith.cmpi sge, %ih, %c0 : index
              %k1 = arith.cmpi slt, %ih, %h : index
              %k2 = arith.cmpi sge, %iw, %c0 : index
              %k3 = arith.cmpi slt, %iw, %w : index
              %k01 = arith.andi %k0, %k1 : i1
              %k23 = arith.andi %k2, %k3 : i1
              %inside = arith.andi %k01, %k23 : i1
              %m2, %mh2, %mw2, %s2, %sa2 = scf.if %inside -> (f64, index, index, f64, f64) {
                %x32 = memref.load %x[%in, %ic, %ih, %iw] : memref<?x?x?x?xf32>
                %v = arith.extf %x32 : f32 to f64
                %gt = arith.cmpf ogt, %v, %m1 : f64
                %m3 = arith.select %gt, %v, %m1 : f64
                %mh3 = arith.select %gt, %ih, %mh1 : index
                %mw3 = arith.select %gt, %iw, %mw1 : index
                %s3 = arith.addf %s1, %v : f64
                %va = math.absf %v : f64
                %sa3 = arith.addf %sa1, %va : f64
                %ga = memref.load %dxavg[%in, %ic, %ih, %iw] : memref<?x?x?x?xf64>
                %na = arith.addf %ga, %share : f64
                memref.store %na, %dxavg[%in, %ic, %ih, %iw] : memref<?x?x?x?xf64>
                %gm = memref.load %dxmag[%in, %ic, %ih, %iw] : memref<?x?x?x?xf64>
                %nm = arith.addf %gm, %sharea : f64
                memref.store %nm, %dxmag[%in, %ic, %ih, %iw] : memref<?x?x?x?xf64>
                scf.yield %m3, %mh3, %mw3, %s3, %sa3 : f64, index, index, f64, f64
              } else {
                scf.yield %m1, %mh1, %mw1, %s1, %sa1 : f64, index, index, f64, f64
              }
              scf.yield %m2, %mh2, %mw2, %s2, %sa2 : f64, index, index, f64, f64
            }
            scf.yield %mr, %mhr, %mwr, %sr, %sar : f64, index, index, f64, f64
          }
          memref.store %m, %ymax[%in, %ic, %ioh, %iow] : memref<?x?x?x?xf64>
          %gx = memref.load %dxmax[%in, %ic, %mh, %mw] : memref<?x?x?x?xf64>
          %nx = arith.addf %gx, %dyv : f64
          memref.store %nx, %dxmax[%in, %ic, %mh, %mw] : memref<?x?x?x?xf64>
          %avg = arith.divf %s, %k : f64
          memref.store %avg, %yavg[%in, %ic, %ioh, %iow] : memref<?x?x?x?xf64>
          %mag = arith.divf %sa, %k : f64
          memref.store %mag, %ymag[%in, %ic, %ioh, %iow] : memref<?x?x?x?xf64>
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
  %c5 = arith.constant 5 : index
  %c7 = arith.constant 7 : index
  %c9 = arith.constant 9 : index
  %c11 = arith.constant 11 : index
  %exact = arith.constant 0.0 : f64
  // 8u = 2^-21 (see the top of the file).
  %tol = arith.constant 4.76837158203125e-07 : f64

  // Windows a.
  %xa = memref.alloc() : memref<2x19x11x9xf32>
  %dya = memref.alloc() : memref<2x19x6x4xf32>
  %xad = memref.cast %xa : memref<2x19x11x9xf32> to memref<?x?x?x?xf32>
  %dyad = memref.cast %dya : memref<2x19x6x4xf32> to memref<?x?x?x?xf32>
  func.call @fill(%xad, %c3, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%dyad, %c5, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  %xat = bufferization.to_tensor %xa restrict : memref<2x19x11x9xf32>
  %dyat = bufferization.to_tensor %dya restrict : memref<2x19x6x4xf32>
  %ymaxa = func.call @max_a(%xat) : (tensor<2x19x11x9xf32>) -> tensor<2x19x6x4xf32>
  %dxmaxa = func.call @max_a_vjp(%xat, %dyat) : (tensor<2x19x11x9xf32>, tensor<2x19x6x4xf32>) -> tensor<2x19x11x9xf32>
  %yavga = func.call @avg_a(%xat) : (tensor<2x19x11x9xf32>) -> tensor<2x19x6x4xf32>
  %dxavga = func.call @avg_a_vjp(%xat, %dyat) : (tensor<2x19x11x9xf32>, tensor<2x19x6x4xf32>) -> tensor<2x19x11x9xf32>
  %rymaxa = memref.alloc() : memref<2x19x6x4xf64>
  %rymaxad = memref.cast %rymaxa : memref<2x19x6x4xf64> to memref<?x?x?x?xf64>
  %rdxmaxa = memref.alloc() : memref<2x19x11x9xf64>
  %rdxmaxad = memref.cast %rdxmaxa : memref<2x19x11x9xf64> to memref<?x?x?x?xf64>
  %ryavga = memref.alloc() : memref<2x19x6x4xf64>
  %ryavgad = memref.cast %ryavga : memref<2x19x6x4xf64> to memref<?x?x?x?xf64>
  %rdxavga = memref.alloc() : memref<2x19x11x9xf64>
  %rdxavgad = memref.cast %rdxavga : memref<2x19x11x9xf64> to memref<?x?x?x?xf64>
  %rymaga = memref.alloc() : memref<2x19x6x4xf64>
  %rymagad = memref.cast %rymaga : memref<2x19x6x4xf64> to memref<?x?x?x?xf64>
  %rdxmaga = memref.alloc() : memref<2x19x11x9xf64>
  %rdxmagad = memref.cast %rdxmaga : memref<2x19x11x9xf64> to memref<?x?x?x?xf64>
  func.call @ref_pool(%xad, %dyad, %rymaxad, %rdxmaxad, %ryavgad, %rdxavgad, %rymagad, %rdxmagad, %c3, %c3, %c2, %c2, %c1, %c1)
      : (memref<?x?x?x?xf32>, memref<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, index, index, index, index, index, index) -> ()
  %ymaxac = tensor.cast %ymaxa : tensor<2x19x6x4xf32> to tensor<?x?x?x?xf32>
  vector.print str "max_a y: "
  func.call @check(%ymaxac, %rymaxad, %rymaxad, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  %dxmaxac = tensor.cast %dxmaxa : tensor<2x19x11x9xf32> to tensor<?x?x?x?xf32>
  vector.print str "max_a dx: "
  func.call @check(%dxmaxac, %rdxmaxad, %rdxmaxad, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  %yavgac = tensor.cast %yavga : tensor<2x19x6x4xf32> to tensor<?x?x?x?xf32>
  vector.print str "avg_a y: "
  func.call @check(%yavgac, %ryavgad, %rymagad, %tol) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  %dxavgac = tensor.cast %dxavga : tensor<2x19x11x9xf32> to tensor<?x?x?x?xf32>
  vector.print str "avg_a dx: "
  func.call @check(%dxavgac, %rdxavgad, %rdxmagad, %tol) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()

  // Windows b.
  %xb = memref.alloc() : memref<2x37x11x9xf32>
  %dyb = memref.alloc() : memref<2x37x6x10xf32>
  %xbd = memref.cast %xb : memref<2x37x11x9xf32> to memref<?x?x?x?xf32>
  %dybd = memref.cast %dyb : memref<2x37x6x10xf32> to memref<?x?x?x?xf32>
  func.call @fill(%xbd, %c2, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%dybd, %c3, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  %xbt = bufferization.to_tensor %xb restrict : memref<2x37x11x9xf32>
  %dybt = bufferization.to_tensor %dyb restrict : memref<2x37x6x10xf32>
  %ymaxb = func.call @max_b(%xbt) : (tensor<2x37x11x9xf32>) -> tensor<2x37x6x10xf32>
  %dxmaxb = func.call @max_b_vjp(%xbt, %dybt) : (tensor<2x37x11x9xf32>, tensor<2x37x6x10xf32>) -> tensor<2x37x11x9xf32>
  %yavgb = func.call @avg_b(%xbt) : (tensor<2x37x11x9xf32>) -> tensor<2x37x6x10xf32>
  %dxavgb = func.call @avg_b_vjp(%xbt, %dybt) : (tensor<2x37x11x9xf32>, tensor<2x37x6x10xf32>) -> tensor<2x37x11x9xf32>
  %rymaxb = memref.alloc() : memref<2x37x6x10xf64>
  %rymaxbd = memref.cast %rymaxb : memref<2x37x6x10xf64> to memref<?x?x?x?xf64>
  %rdxmaxb = memref.alloc() : memref<2x37x11x9xf64>
  %rdxmaxbd = memref.cast %rdxmaxb : memref<2x37x11x9xf64> to memref<?x?x?x?xf64>
  %ryavgb = memref.alloc() : memref<2x37x6x10xf64>
  %ryavgbd = memref.cast %ryavgb : memref<2x37x6x10xf64> to memref<?x?x?x?xf64>
  %rdxavgb = memref.alloc() : memref<2x37x11x9xf64>
  %rdxavgbd = memref.cast %rdxavgb : memref<2x37x11x9xf64> to memref<?x?x?x?xf64>
  %rymagb = memref.alloc() : memref<2x37x6x10xf64>
  %rymagbd = memref.cast %rymagb : memref<2x37x6x10xf64> to memref<?x?x?x?xf64>
  %rdxmagb = memref.alloc() : memref<2x37x11x9xf64>
  %rdxmagbd = memref.cast %rdxmagb : memref<2x37x11x9xf64> to memref<?x?x?x?xf64>
  func.call @ref_pool(%xbd, %dybd, %rymaxbd, %rdxmaxbd, %ryavgbd, %rdxavgbd, %rymagbd, %rdxmagbd, %c3, %c2, %c2, %c1, %c0, %c1)
      : (memref<?x?x?x?xf32>, memref<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, index, index, index, index, index, index) -> ()
  %ymaxbc = tensor.cast %ymaxb : tensor<2x37x6x10xf32> to tensor<?x?x?x?xf32>
  vector.print str "max_b y: "
  func.call @check(%ymaxbc, %rymaxbd, %rymaxbd, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  %dxmaxbc = tensor.cast %dxmaxb : tensor<2x37x11x9xf32> to tensor<?x?x?x?xf32>
  vector.print str "max_b dx: "
  func.call @check(%dxmaxbc, %rdxmaxbd, %rdxmaxbd, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  %yavgbc = tensor.cast %yavgb : tensor<2x37x6x10xf32> to tensor<?x?x?x?xf32>
  vector.print str "avg_b y: "
  func.call @check(%yavgbc, %ryavgbd, %rymagbd, %tol) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  %dxavgbc = tensor.cast %dxavgb : tensor<2x37x11x9xf32> to tensor<?x?x?x?xf32>
  vector.print str "avg_b dx: "
  func.call @check(%dxavgbc, %rdxavgbd, %rdxmagbd, %tol) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()

  // Windows c.
  %xc = memref.alloc() : memref<2x19x11x9xf32>
  %dyc = memref.alloc() : memref<2x19x3x4xf32>
  %xcd = memref.cast %xc : memref<2x19x11x9xf32> to memref<?x?x?x?xf32>
  %dycd = memref.cast %dyc : memref<2x19x3x4xf32> to memref<?x?x?x?xf32>
  func.call @fill(%xcd, %c3, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%dycd, %c2, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  %xct = bufferization.to_tensor %xc restrict : memref<2x19x11x9xf32>
  %dyct = bufferization.to_tensor %dyc restrict : memref<2x19x3x4xf32>
  %ymaxc = func.call @max_c(%xct) : (tensor<2x19x11x9xf32>) -> tensor<2x19x3x4xf32>
  %dxmaxc = func.call @max_c_vjp(%xct, %dyct) : (tensor<2x19x11x9xf32>, tensor<2x19x3x4xf32>) -> tensor<2x19x11x9xf32>
  %yavgc = func.call @avg_c(%xct) : (tensor<2x19x11x9xf32>) -> tensor<2x19x3x4xf32>
  %dxavgc = func.call @avg_c_vjp(%xct, %dyct) : (tensor<2x19x11x9xf32>, tensor<2x19x3x4xf32>) -> tensor<2x19x11x9xf32>
  %rymaxc = memref.alloc() : memref<2x19x3x4xf64>
  %rymaxcd = memref.cast %rymaxc : memref<2x19x3x4xf64> to memref<?x?x?x?xf64>
  %rdxmaxc = memref.alloc() : memref<2x19x11x9xf64>
  %rdxmaxcd = memref.cast %rdxmaxc : memref<2x19x11x9xf64> to memref<?x?x?x?xf64>
  %ryavgc = memref.alloc() : memref<2x19x3x4xf64>
  %ryavgcd = memref.cast %ryavgc : memref<2x19x3x4xf64> to memref<?x?x?x?xf64>
  %rdxavgc = memref.alloc() : memref<2x19x11x9xf64>
  %rdxavgcd = memref.cast %rdxavgc : memref<2x19x11x9xf64> to memref<?x?x?x?xf64>
  %rymagc = memref.alloc() : memref<2x19x3x4xf64>
  %rymagcd = memref.cast %rymagc : memref<2x19x3x4xf64> to memref<?x?x?x?xf64>
  %rdxmagc = memref.alloc() : memref<2x19x11x9xf64>
  %rdxmagcd = memref.cast %rdxmagc : memref<2x19x11x9xf64> to memref<?x?x?x?xf64>
  func.call @ref_pool(%xcd, %dycd, %rymaxcd, %rdxmaxcd, %ryavgcd, %rdxavgcd, %rymagcd, %rdxmagcd, %c3, %c2, %c3, %c2, %c0, %c0)
      : (memref<?x?x?x?xf32>, memref<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, index, index, index, index, index, index) -> ()
  %ymaxcc = tensor.cast %ymaxc : tensor<2x19x3x4xf32> to tensor<?x?x?x?xf32>
  vector.print str "max_c y: "
  func.call @check(%ymaxcc, %rymaxcd, %rymaxcd, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  %dxmaxcc = tensor.cast %dxmaxc : tensor<2x19x11x9xf32> to tensor<?x?x?x?xf32>
  vector.print str "max_c dx: "
  func.call @check(%dxmaxcc, %rdxmaxcd, %rdxmaxcd, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  %yavgcc = tensor.cast %yavgc : tensor<2x19x3x4xf32> to tensor<?x?x?x?xf32>
  vector.print str "avg_c y: "
  func.call @check(%yavgcc, %ryavgcd, %rymagcd, %tol) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  %dxavgcc = tensor.cast %dxavgc : tensor<2x19x11x9xf32> to tensor<?x?x?x?xf32>
  vector.print str "avg_c dx: "
  func.call @check(%dxavgcc, %rdxavgcd, %rdxmagcd, %tol) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()

  // Windows g.
  %xg = memref.alloc() : memref<2x19x11x9xf32>
  %dyg = memref.alloc() : memref<2x19x1x1xf32>
  %xgd = memref.cast %xg : memref<2x19x11x9xf32> to memref<?x?x?x?xf32>
  %dygd = memref.cast %dyg : memref<2x19x1x1xf32> to memref<?x?x?x?xf32>
  func.call @fill(%xgd, %c5, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  func.call @fill(%dygd, %c2, %c7, %c3) : (memref<?x?x?x?xf32>, index, index, index) -> ()
  %xgt = bufferization.to_tensor %xg restrict : memref<2x19x11x9xf32>
  %dygt = bufferization.to_tensor %dyg restrict : memref<2x19x1x1xf32>
  %ymaxg = func.call @max_g(%xgt) : (tensor<2x19x11x9xf32>) -> tensor<2x19x1x1xf32>
  %dxmaxg = func.call @max_g_vjp(%xgt, %dygt) : (tensor<2x19x11x9xf32>, tensor<2x19x1x1xf32>) -> tensor<2x19x11x9xf32>
  %yavgg = func.call @avg_g(%xgt) : (tensor<2x19x11x9xf32>) -> tensor<2x19x1x1xf32>
  %dxavgg = func.call @avg_g_vjp(%xgt, %dygt) : (tensor<2x19x11x9xf32>, tensor<2x19x1x1xf32>) -> tensor<2x19x11x9xf32>
  %rymaxg = memref.alloc() : memref<2x19x1x1xf64>
  %rymaxgd = memref.cast %rymaxg : memref<2x19x1x1xf64> to memref<?x?x?x?xf64>
  %rdxmaxg = memref.alloc() : memref<2x19x11x9xf64>
  %rdxmaxgd = memref.cast %rdxmaxg : memref<2x19x11x9xf64> to memref<?x?x?x?xf64>
  %ryavgg = memref.alloc() : memref<2x19x1x1xf64>
  %ryavggd = memref.cast %ryavgg : memref<2x19x1x1xf64> to memref<?x?x?x?xf64>
  %rdxavgg = memref.alloc() : memref<2x19x11x9xf64>
  %rdxavggd = memref.cast %rdxavgg : memref<2x19x11x9xf64> to memref<?x?x?x?xf64>
  %rymagg = memref.alloc() : memref<2x19x1x1xf64>
  %rymaggd = memref.cast %rymagg : memref<2x19x1x1xf64> to memref<?x?x?x?xf64>
  %rdxmagg = memref.alloc() : memref<2x19x11x9xf64>
  %rdxmaggd = memref.cast %rdxmagg : memref<2x19x11x9xf64> to memref<?x?x?x?xf64>
  func.call @ref_pool(%xgd, %dygd, %rymaxgd, %rdxmaxgd, %ryavggd, %rdxavggd, %rymaggd, %rdxmaggd, %c11, %c9, %c1, %c1, %c0, %c0)
      : (memref<?x?x?x?xf32>, memref<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, index, index, index, index, index, index) -> ()
  %ymaxgc = tensor.cast %ymaxg : tensor<2x19x1x1xf32> to tensor<?x?x?x?xf32>
  vector.print str "max_g y: "
  func.call @check(%ymaxgc, %rymaxgd, %rymaxgd, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  %dxmaxgc = tensor.cast %dxmaxg : tensor<2x19x11x9xf32> to tensor<?x?x?x?xf32>
  vector.print str "max_g dx: "
  func.call @check(%dxmaxgc, %rdxmaxgd, %rdxmaxgd, %exact) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  %yavggc = tensor.cast %yavgg : tensor<2x19x1x1xf32> to tensor<?x?x?x?xf32>
  vector.print str "avg_g y: "
  func.call @check(%yavggc, %ryavggd, %rymaggd, %tol) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  %dxavggc = tensor.cast %dxavgg : tensor<2x19x11x9xf32> to tensor<?x?x?x?xf32>
  vector.print str "avg_g dx: "
  func.call @check(%dxavggc, %rdxavggd, %rdxmaggd, %tol) : (tensor<?x?x?x?xf32>, memref<?x?x?x?xf64>, memref<?x?x?x?xf64>, f64) -> ()
  return
}
