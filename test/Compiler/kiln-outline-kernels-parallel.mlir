// RUN: kiln-opt %s -split-input-file -kiln-outline-kernels | FileCheck %s

// Tests that a top-level loop marked kernel.parallel, with constant bounds, enough work and every access to the buffer it writes in its own slab (index = the induction variable, extent <= the step), becomes a kernel running the trips [begin, end) of two new trailing arguments, with kiln.parallel_trips; the entry passes all of them, 0 and 8.
// CHECK-LABEL: func.func private @train_step_k0
// CHECK-SAME: (%[[A:[^:]+]]: memref<64x16384xf32>, %[[B:[^:]+]]: memref<64x16384xf32>, %[[BEGIN:[^:]+]]: index, %[[END:[^:]+]]: index)
// CHECK-SAME: kiln.parallel_trips = 8 : i64
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C8:.+]] = arith.constant 8 : index
// CHECK-DAG: %[[C64:.+]] = arith.constant 64 : index
// CHECK: %[[FIRST:.+]] = arith.muli %[[BEGIN]], %[[C8]]
// CHECK-NEXT: %[[LO:.+]] = arith.addi %[[C0]], %[[FIRST]]
// CHECK-NEXT: %[[LAST:.+]] = arith.muli %[[END]], %[[C8]]
// CHECK-NEXT: %[[HI0:.+]] = arith.addi %[[C0]], %[[LAST]]
// CHECK-NEXT: %[[HI:.+]] = arith.minsi %[[HI0]], %[[C64]]
// CHECK-NEXT: scf.for %{{.+}} = %[[LO]] to %[[HI]] step %[[C8]]
// CHECK-LABEL: func.func @train_step
// CHECK: %[[Z:.+]] = arith.constant 0 : index
// CHECK: %[[N:.+]] = arith.constant 8 : index
// CHECK: call @train_step_k0(%{{.+}}, %{{.+}}, %[[Z]], %[[N]])
func.func @train_step(%a: memref<64x16384xf32>, %b: memref<64x16384xf32>)
    attributes {kiln.entry = {name = "train_step", mode = "train", batch = 64 : i64}} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c16384 = arith.constant 16384 : index
  %f0 = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c64 step %c8 {
    scf.for %j = %c0 to %c16384 step %c16 {
      %v = vector.transfer_read %a[%i, %j], %f0 {in_bounds = [true, true]} : memref<64x16384xf32>, vector<8x16xf32>
      %w = arith.addf %v, %v : vector<8x16xf32>
      vector.transfer_write %w, %b[%i, %j] {in_bounds = [true, true]} : vector<8x16xf32>, memref<64x16384xf32>
    }
  } {kernel.parallel}
  return
}

// -----

// Tests what stays whole: a loop that writes outside its own slab (every iteration the same row), one not marked parallel, and one with too little work.
// CHECK-LABEL: func.func private @eval_step_k0
// CHECK-NOT: kiln.parallel_trips
// CHECK-LABEL: func.func private @eval_step_k1
// CHECK-NOT: kiln.parallel_trips
// CHECK-LABEL: func.func private @eval_step_k2
// CHECK-NOT: kiln.parallel_trips
// CHECK-LABEL: func.func @eval_step
func.func @eval_step(%a: memref<64x16384xf32>, %b: memref<64x16384xf32>, %small: memref<64x16xf32>)
    attributes {kiln.entry = {name = "eval_step", mode = "eval", batch = 64 : i64}} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c16384 = arith.constant 16384 : index
  %f0 = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c64 step %c8 {
    scf.for %j = %c0 to %c16384 step %c16 {
      %v = vector.transfer_read %a[%i, %j], %f0 {in_bounds = [true, true]} : memref<64x16384xf32>, vector<8x16xf32>
      vector.transfer_write %v, %b[%c0, %j] {in_bounds = [true, true]} : vector<8x16xf32>, memref<64x16384xf32>
    }
  } {kernel.parallel}
  scf.for %i = %c0 to %c64 step %c8 {
    scf.for %j = %c0 to %c16384 step %c16 {
      %v = vector.transfer_read %a[%i, %j], %f0 {in_bounds = [true, true]} : memref<64x16384xf32>, vector<8x16xf32>
      vector.transfer_write %v, %b[%i, %j] {in_bounds = [true, true]} : vector<8x16xf32>, memref<64x16384xf32>
    }
  }
  scf.for %i = %c0 to %c64 step %c8 {
    %v = vector.transfer_read %small[%i, %c0], %f0 {in_bounds = [true, true]} : memref<64x16xf32>, vector<8x16xf32>
    %w = arith.addf %v, %v : vector<8x16xf32>
    vector.transfer_write %w, %small[%i, %c0] {in_bounds = [true, true]} : vector<8x16xf32>, memref<64x16xf32>
  } {kernel.parallel}
  return
}

// -----

// Tests that a step that does not divide the range splits too: 60 rows by 8 are 8 trips, the last one ending at 60 (the minimum).
// CHECK-LABEL: func.func private @forward_k0
// CHECK-SAME: kiln.parallel_trips = 8 : i64
// CHECK: %[[C60:.+]] = arith.constant 60 : index
// CHECK: arith.minsi %{{.+}}, %[[C60]]
// CHECK-LABEL: func.func @forward
func.func @forward(%a: memref<60x16384xf32>, %b: memref<60x16384xf32>)
    attributes {kiln.entry = {name = "forward", mode = "eval", batch = 60 : i64}} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c60 = arith.constant 60 : index
  %c16384 = arith.constant 16384 : index
  %f0 = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c60 step %c8 {
    scf.for %j = %c0 to %c16384 step %c16 {
      %v = vector.transfer_read %a[%i, %j], %f0 : memref<60x16384xf32>, vector<8x16xf32>
      vector.transfer_write %v, %b[%i, %j] : vector<8x16xf32>, memref<60x16384xf32>
    }
  } {kernel.parallel}
  return
}

// -----

// Tests that a written buffer also read through a reshape of it (other rows than its own) keeps the loop whole.
// CHECK-LABEL: func.func private @forward_1_k0
// CHECK-NOT: kiln.parallel_trips
// CHECK-LABEL: func.func @forward_1
func.func @forward_1(%a: memref<64x16384xf32>, %b: memref<64x16384xf32>)
    attributes {kiln.entry = {name = "forward_1", mode = "eval", batch = 1 : i64}} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c16384 = arith.constant 16384 : index
  %f0 = arith.constant 0.0 : f32
  %flat = memref.collapse_shape %b [[0, 1]] : memref<64x16384xf32> into memref<1048576xf32>
  scf.for %i = %c0 to %c64 step %c8 {
    scf.for %j = %c0 to %c16384 step %c16 {
      %v = vector.transfer_read %a[%i, %j], %f0 {in_bounds = [true, true]} : memref<64x16384xf32>, vector<8x16xf32>
      %first = memref.load %flat[%j] : memref<1048576xf32>
      %s = vector.broadcast %first : f32 to vector<8x16xf32>
      %w = arith.addf %v, %s : vector<8x16xf32>
      vector.transfer_write %w, %b[%i, %j] {in_bounds = [true, true]} : vector<8x16xf32>, memref<64x16384xf32>
    }
  } {kernel.parallel}
  return
}

// -----

// Tests slabs reached through an offset (a packed product's block loop: rows
// iv + j of an inner loop j in [0, 16)): split when iv + [0, 15] plus the
// extent stays inside [iv, iv + 16), whole when the inner loop runs to 17.
// CHECK-LABEL: func.func private @forward_k0
// CHECK-SAME: kiln.parallel_trips = 4 : i64
// CHECK-LABEL: func.func private @forward_k1
// CHECK-NOT: kiln.parallel_trips
// CHECK-LABEL: func.func @forward
#plus = affine_map<()[s0, s1] -> (s0 + s1)>
func.func @forward(%a: memref<64x16384xf32>, %b: memref<80x16384xf32>)
    attributes {kiln.entry = {name = "forward", mode = "eval", batch = 64 : i64}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c17 = arith.constant 17 : index
  %c64 = arith.constant 64 : index
  %c16384 = arith.constant 16384 : index
  %f0 = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c64 step %c16 {
    scf.for %r = %c0 to %c16 step %c1 {
      %row = affine.apply #plus()[%i, %r]
      scf.for %j = %c0 to %c16384 step %c16 {
        %v = vector.transfer_read %a[%row, %j], %f0 {in_bounds = [true, true]} : memref<64x16384xf32>, vector<1x16xf32>
        vector.transfer_write %v, %b[%row, %j] {in_bounds = [true, true]} : vector<1x16xf32>, memref<80x16384xf32>
      }
    }
  } {kernel.parallel}
  scf.for %i = %c0 to %c64 step %c16 {
    scf.for %r = %c0 to %c17 step %c1 {
      %row = affine.apply #plus()[%i, %r]
      scf.for %j = %c0 to %c16384 step %c16 {
        %v = vector.transfer_read %b[%row, %j], %f0 {in_bounds = [true, true]} : memref<80x16384xf32>, vector<1x16xf32>
        vector.transfer_write %v, %b[%row, %j] {in_bounds = [true, true]} : vector<1x16xf32>, memref<80x16384xf32>
      }
    }
  } {kernel.parallel}
  return
}

// -----

// Tests slabs reached through an inner loop with a step (a weight gradient's
// register tiles of 4 rows inside its cache tile of 16): the inner loop's
// last value is 12, not 15, so rows iv + [0, 12] plus 4 stay inside [iv, iv +
// 16) and the loop is split; a register tile of 5 rows would overrun.
// CHECK-LABEL: func.func private @forward_k0
// CHECK-SAME: kiln.parallel_trips = 2 : i64
// CHECK-LABEL: func.func private @forward_k1
// CHECK-NOT: kiln.parallel_trips
// CHECK-LABEL: func.func @forward
#plus = affine_map<()[s0, s1] -> (s0 + s1)>
func.func @forward(%a: memref<32x16384xf32>, %b: memref<32x16384xf32>)
    attributes {kiln.entry = {name = "forward", mode = "eval", batch = 64 : i64}} {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c16384 = arith.constant 16384 : index
  %f0 = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c32 step %c16 {
    scf.for %r = %c0 to %c16 step %c4 {
      %row = affine.apply #plus()[%i, %r]
      scf.for %j = %c0 to %c16384 step %c16 {
        %v = vector.transfer_read %a[%row, %j], %f0 {in_bounds = [true, true]} : memref<32x16384xf32>, vector<4x16xf32>
        vector.transfer_write %v, %b[%row, %j] {in_bounds = [true, true]} : vector<4x16xf32>, memref<32x16384xf32>
      }
    }
  } {kernel.parallel}
  scf.for %i = %c0 to %c32 step %c16 {
    scf.for %r = %c0 to %c16 step %c4 {
      %row = affine.apply #plus()[%i, %r]
      scf.for %j = %c0 to %c16384 step %c16 {
        %v = vector.transfer_read %a[%row, %j], %f0 {in_bounds = [true, true]} : memref<32x16384xf32>, vector<5x16xf32>
        vector.transfer_write %v, %b[%row, %j] {in_bounds = [true, true]} : vector<5x16xf32>, memref<32x16384xf32>
      }
    }
  } {kernel.parallel}
  return
}

// -----

// Tests writes through a strided window (a max pooling's backward: each tap
// writes dx at strides 2): split along the batch, whose stride (4 x 4 x 8 =
// 128) exceeds the span of the window's other dims (1 x 32 + 1 x 16 + 7 =
// 55); not along the channels (stride 1), nor when another window of the
// same buffer is read in the loop.
// CHECK-LABEL: func.func private @forward_k0
// CHECK-SAME: kiln.parallel_trips = 4096 : i64
// CHECK-LABEL: func.func private @forward_k1
// CHECK-NOT: kiln.parallel_trips
// CHECK-LABEL: func.func private @forward_k2
// CHECK-NOT: kiln.parallel_trips
// CHECK-LABEL: func.func @forward
func.func @forward(%dy: memref<4096x2x2x8xf32>, %dx: memref<4096x4x4x8xf32>)
    attributes {kiln.entry = {name = "forward", mode = "eval", batch = 64 : i64}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c4096 = arith.constant 4096 : index
  %f0 = arith.constant 0.0 : f32
  %tap = memref.subview %dx[0, 0, 1, 0] [4096, 2, 2, 8] [1, 2, 2, 1] : memref<4096x4x4x8xf32> to memref<4096x2x2x8xf32, strided<[128, 64, 16, 1], offset: 8>>
  %other = memref.subview %dx[0, 1, 0, 0] [4096, 2, 2, 8] [1, 2, 2, 1] : memref<4096x4x4x8xf32> to memref<4096x2x2x8xf32, strided<[128, 64, 16, 1], offset: 32>>
  scf.for %n = %c0 to %c4096 step %c1 {
    scf.for %h = %c0 to %c2 step %c1 {
      scf.for %w = %c0 to %c2 step %c1 {
        %v = vector.transfer_read %dy[%n, %h, %w, %c0], %f0 {in_bounds = [true]} : memref<4096x2x2x8xf32>, vector<8xf32>
        vector.transfer_write %v, %tap[%n, %h, %w, %c0] {in_bounds = [true]} : vector<8xf32>, memref<4096x2x2x8xf32, strided<[128, 64, 16, 1], offset: 8>>
      }
    }
  } {kernel.parallel}
  scf.for %c = %c0 to %c8 step %c1 {
    scf.for %n = %c0 to %c4096 step %c1 {
      scf.for %h = %c0 to %c2 step %c1 {
        scf.for %w = %c0 to %c2 step %c1 {
          %v = memref.load %dy[%n, %h, %w, %c] : memref<4096x2x2x8xf32>
          memref.store %v, %tap[%n, %h, %w, %c] : memref<4096x2x2x8xf32, strided<[128, 64, 16, 1], offset: 8>>
        }
      }
    }
  } {kernel.parallel}
  scf.for %n = %c0 to %c4096 step %c1 {
    scf.for %h = %c0 to %c2 step %c1 {
      scf.for %w = %c0 to %c2 step %c1 {
        %v = vector.transfer_read %other[%n, %h, %w, %c0], %f0 {in_bounds = [true]} : memref<4096x2x2x8xf32, strided<[128, 64, 16, 1], offset: 32>>, vector<8xf32>
        vector.transfer_write %v, %tap[%n, %h, %w, %c0] {in_bounds = [true]} : vector<8xf32>, memref<4096x2x2x8xf32, strided<[128, 64, 16, 1], offset: 8>>
      }
    }
  } {kernel.parallel}
  return
}

// -----

// Tests a read whose permutation map takes a column (a weight gradient
// reading 4 tap planes at one position): described by the extents it
// touches, so the loop that writes its own columns of %out is split.
// CHECK-LABEL: func.func private @forward_k0
// CHECK-SAME: kiln.parallel_trips = 2 : i64
// CHECK-LABEL: func.func @forward
func.func @forward(%planes: memref<4x64x4096xf32>, %dy: memref<64x4096x32xf32>, %out: memref<4x32xf32>)
    attributes {kiln.entry = {name = "forward", mode = "eval", batch = 64 : i64}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c4096 = arith.constant 4096 : index
  %f0 = arith.constant 0.0 : f32
  scf.for %j = %c0 to %c32 step %c16 {
    scf.for %n = %c0 to %c64 step %c1 {
      scf.for %k = %c0 to %c4096 step %c1 {
        %p = vector.transfer_read %planes[%c0, %n, %k], %f0 {in_bounds = [true, true], permutation_map = affine_map<(d0, d1, d2) -> (d0, d2)>} : memref<4x64x4096xf32>, vector<4x1xf32>
        %d = vector.transfer_read %dy[%n, %k, %j], %f0 {in_bounds = [true, true]} : memref<64x4096x32xf32>, vector<1x16xf32>
        %acc = vector.transfer_read %out[%c0, %j], %f0 {in_bounds = [true, true]} : memref<4x32xf32>, vector<4x16xf32>
        %s = vector.contract {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %p, %d, %acc : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
        vector.transfer_write %s, %out[%c0, %j] {in_bounds = [true, true]} : vector<4x16xf32>, memref<4x32xf32>
      }
    }
  } {kernel.parallel}
  return
}

// -----

// Tests that a stack tile made inside the loop (kernel-local-scratch: each trip's own) and prefetches (hints, no access) leave a loop splittable, while a stack buffer made outside it and written by every trip does not.
// CHECK-LABEL: func.func private @forward_k0
// CHECK-SAME: kiln.parallel_trips = 8 : i64
// CHECK-LABEL: func.func private @forward_k1
// CHECK-NOT: kiln.parallel_trips
// CHECK-LABEL: func.func @forward
func.func @forward(%a: memref<64x16384xf32>, %b: memref<64x16384xf32>)
    attributes {kiln.entry = {name = "forward", mode = "eval", batch = 64 : i64}} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c16384 = arith.constant 16384 : index
  %f0 = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c64 step %c8 {
    %t = memref.alloca() {alignment = 64 : i64} : memref<8x16xf32>
    scf.for %j = %c0 to %c16384 step %c16 {
      memref.prefetch %a[%i, %j], read, locality<3>, data : memref<64x16384xf32>
      %v = vector.transfer_read %a[%i, %j], %f0 {in_bounds = [true, true]} : memref<64x16384xf32>, vector<8x16xf32>
      vector.transfer_write %v, %t[%c0, %c0] {in_bounds = [true, true]} : vector<8x16xf32>, memref<8x16xf32>
      %w = vector.transfer_read %t[%c0, %c0], %f0 {in_bounds = [true, true]} : memref<8x16xf32>, vector<8x16xf32>
      vector.transfer_write %w, %b[%i, %j] {in_bounds = [true, true]} : vector<8x16xf32>, memref<64x16384xf32>
    }
  } {kernel.parallel}
  %shared = memref.alloca() {alignment = 64 : i64} : memref<8x16xf32>
  scf.for %i = %c0 to %c64 step %c8 {
    scf.for %j = %c0 to %c16384 step %c16 {
      %v = vector.transfer_read %a[%i, %j], %f0 {in_bounds = [true, true]} : memref<64x16384xf32>, vector<8x16xf32>
      vector.transfer_write %v, %shared[%c0, %c0] {in_bounds = [true, true]} : vector<8x16xf32>, memref<8x16xf32>
      %w = vector.transfer_read %shared[%c0, %c0], %f0 {in_bounds = [true, true]} : memref<8x16xf32>, vector<8x16xf32>
      vector.transfer_write %w, %b[%i, %j] {in_bounds = [true, true]} : vector<8x16xf32>, memref<64x16384xf32>
    }
  } {kernel.parallel}
  return
}

// -----

// Tests that bytes moved count as work: packing a 256 x 512 matrix into
// panels is 8192 vector loads and stores, 1 MB moved (split); the same loop
// copying one float per step, 32 KB, stays under the threshold (whole).
// CHECK-LABEL: func.func private @train_step_k0
// CHECK-SAME: kiln.parallel_trips = 16 : i64
// CHECK-LABEL: func.func private @train_step_k1
// CHECK-NOT: kiln.parallel_trips
// CHECK-LABEL: func.func @train_step
func.func @train_step(%w: memref<256x16x32xf32>, %panels: memref<16x256x32xf32>)
    attributes {kiln.entry = {name = "train_step", mode = "train", batch = 64 : i64}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c256 = arith.constant 256 : index
  scf.for %p = %c0 to %c16 step %c1 {
    scf.for %k = %c0 to %c256 step %c1 {
      %v = vector.load %w[%k, %p, %c0] : memref<256x16x32xf32>, vector<32xf32>
      vector.store %v, %panels[%p, %k, %c0] : memref<16x256x32xf32>, vector<32xf32>
    }
  } {kernel.parallel}
  scf.for %p = %c0 to %c16 step %c1 {
    scf.for %k = %c0 to %c256 step %c1 {
      %v = memref.load %w[%k, %p, %c0] : memref<256x16x32xf32>
      memref.store %v, %panels[%p, %k, %c0] : memref<16x256x32xf32>
    }
  } {kernel.parallel}
  return
}

// -----

// Tests a loop over blocks of rows (a recurrence's batch blocks, kiln-workspace
// per-trip slots): block k writes rows [16 k, 16 k + 16) of %out (index
// 16 k + r: a slab of 16 per unit of k) through a temporary of its own, a
// workspace view at 4096 k bytes (its 16 x 64 floats): splittable. The same
// loop with the temporary at 2048 k bytes (trips' bytes would overlap), with
// rows 8 k + r (blocks overlapping), and with rows 16 k + r read and row k
// written (two multiples of k: row 1 is trip 0's read and trip 1's write)
// stays whole. The slot's base (64) becomes an argument.
// CHECK-LABEL: func.func private @forward_k0
// CHECK-SAME: %{{[^:]+}}: index, %{{[^:]+}}: index, %{{[^:]+}}: index) attributes {kiln.parallel_trips = 2 : i64
// CHECK-LABEL: func.func private @forward_k1
// CHECK-NOT: kiln.parallel_trips
// CHECK-LABEL: func.func private @forward_k2
// CHECK-NOT: kiln.parallel_trips
// CHECK-LABEL: func.func private @forward_k3
// CHECK-NOT: kiln.parallel_trips
// CHECK-LABEL: func.func @forward
#rows = affine_map<(d0, d1) -> (d0 * 16 + d1)>
#overlap = affine_map<(d0, d1) -> (d0 * 8 + d1)>
func.func @forward(%a: memref<32x64xf32>, %out: memref<32x64xf32>, %ws: memref<8256xi8>)
    attributes {kiln.entry = {name = "forward", mode = "eval", batch = 32 : i64}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c29 = arith.constant 29 : index
  %c64 = arith.constant 64 : index
  %c2048 = arith.constant 2048 : index
  %c4096 = arith.constant 4096 : index
  %f0 = arith.constant 0.0 : f32
  scf.for %k = %c0 to %c2 step %c1 {
    %m = arith.muli %k, %c4096 : index
    %off = arith.addi %m, %c64 : index
    %t = memref.view %ws[%off][] : memref<8256xi8> to memref<16x64xf32>
    scf.for %s = %c0 to %c29 step %c1 {
      scf.for %r = %c0 to %c16 step %c1 {
        %row = affine.apply #rows(%k, %r)
        %v = vector.transfer_read %a[%row, %c0], %f0 {in_bounds = [true]} : memref<32x64xf32>, vector<64xf32>
        vector.transfer_write %v, %t[%r, %c0] {in_bounds = [true]} : vector<64xf32>, memref<16x64xf32>
        %w = vector.transfer_read %t[%r, %c0], %f0 {in_bounds = [true]} : memref<16x64xf32>, vector<64xf32>
        vector.transfer_write %w, %out[%row, %c0] {in_bounds = [true]} : vector<64xf32>, memref<32x64xf32>
      }
    }
  } {kernel.parallel}
  scf.for %k = %c0 to %c2 step %c1 {
    %m = arith.muli %k, %c2048 : index
    %off = arith.addi %m, %c64 : index
    %t = memref.view %ws[%off][] : memref<8256xi8> to memref<16x64xf32>
    scf.for %s = %c0 to %c29 step %c1 {
      scf.for %r = %c0 to %c16 step %c1 {
        %row = affine.apply #rows(%k, %r)
        %v = vector.transfer_read %a[%row, %c0], %f0 {in_bounds = [true]} : memref<32x64xf32>, vector<64xf32>
        vector.transfer_write %v, %t[%r, %c0] {in_bounds = [true]} : vector<64xf32>, memref<16x64xf32>
        %w = vector.transfer_read %t[%r, %c0], %f0 {in_bounds = [true]} : memref<16x64xf32>, vector<64xf32>
        vector.transfer_write %w, %out[%row, %c0] {in_bounds = [true]} : vector<64xf32>, memref<32x64xf32>
      }
    }
  } {kernel.parallel}
  scf.for %k = %c0 to %c2 step %c1 {
    %m = arith.muli %k, %c4096 : index
    %off = arith.addi %m, %c64 : index
    %t = memref.view %ws[%off][] : memref<8256xi8> to memref<16x64xf32>
    scf.for %s = %c0 to %c29 step %c1 {
      scf.for %r = %c0 to %c16 step %c1 {
        %row = affine.apply #overlap(%k, %r)
        %v = vector.transfer_read %a[%row, %c0], %f0 {in_bounds = [true]} : memref<32x64xf32>, vector<64xf32>
        vector.transfer_write %v, %t[%r, %c0] {in_bounds = [true]} : vector<64xf32>, memref<16x64xf32>
        %w = vector.transfer_read %t[%r, %c0], %f0 {in_bounds = [true]} : memref<16x64xf32>, vector<64xf32>
        vector.transfer_write %w, %out[%row, %c0] {in_bounds = [true]} : vector<64xf32>, memref<32x64xf32>
      }
    }
  } {kernel.parallel}
  scf.for %k = %c0 to %c2 step %c1 {
    scf.for %s = %c0 to %c29 step %c1 {
      scf.for %r = %c0 to %c16 step %c1 {
        %row = affine.apply #rows(%k, %r)
        %v = vector.transfer_read %out[%row, %c0], %f0 {in_bounds = [true]} : memref<32x64xf32>, vector<64xf32>
        vector.transfer_write %v, %out[%k, %c0] {in_bounds = [true]} : vector<64xf32>, memref<32x64xf32>
      }
    }
  } {kernel.parallel}
  return
}
