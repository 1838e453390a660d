// RUN: kiln-opt %s -split-input-file -kernel-tile | FileCheck %s --implicit-check-not=kernel.group

// Tests that groups equal up to what they read are tiled once and copied:
// each copy reads its own input, and a group that differs only in a captured
// constant (the slope 0.2) is tiled by itself, with its own constant.
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @repeated
// CHECK-SAME: (%[[X:.+]]: tensor<4x16xf32>)
// CHECK-DAG: %[[A1:.+]] = arith.constant dense<1.000000e-01> : vector<1x16xf32>
// CHECK-DAG: %[[A1B:.+]] = arith.constant dense<1.000000e-01> : vector<1x16xf32>
// CHECK-DAG: %[[A2:.+]] = arith.constant dense<2.000000e-01> : vector<1x16xf32>
// CHECK: %[[Y1:.+]] = scf.for
// CHECK: vector.transfer_read %[[X]]
// CHECK: arith.mulf %{{.+}}, %[[A1B]] : vector<1x16xf32>
// CHECK: } {kernel.nest = 0 : i64, kernel.parallel}
// CHECK: %[[Y2:.+]] = scf.for
// CHECK: vector.transfer_read %[[Y1]]
// CHECK: arith.mulf %{{.+}}, %[[A1]] : vector<1x16xf32>
// CHECK: } {kernel.nest = 1 : i64, kernel.parallel}
// CHECK: %[[Y3:.+]] = scf.for
// CHECK: vector.transfer_read %[[Y2]]
// CHECK: arith.mulf %{{.+}}, %[[A2]] : vector<1x16xf32>
// CHECK: } {kernel.nest = 2 : i64, kernel.parallel}
// CHECK: return %[[Y3]]
func.func @repeated(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %a1 = arith.constant 0.1 : f32
  %a2 = arith.constant 0.2 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %y1 = kernel.group #kernel.schedule<tile = [1, 16]> vectorize -> tensor<4x16xf32> {
    %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
    ^bb0(%in: f32, %out: f32):
      %s = arith.mulf %in, %a1 : f32
      %m = arith.maximumf %in, %s : f32
      linalg.yield %m : f32
    } -> tensor<4x16xf32>
    kernel.yield %r : tensor<4x16xf32>
  }
  %y2 = kernel.group #kernel.schedule<tile = [1, 16]> vectorize -> tensor<4x16xf32> {
    %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%y1 : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
    ^bb0(%in: f32, %out: f32):
      %s = arith.mulf %in, %a1 : f32
      %m = arith.maximumf %in, %s : f32
      linalg.yield %m : f32
    } -> tensor<4x16xf32>
    kernel.yield %r : tensor<4x16xf32>
  }
  %y3 = kernel.group #kernel.schedule<tile = [1, 16]> vectorize -> tensor<4x16xf32> {
    %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%y2 : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
    ^bb0(%in: f32, %out: f32):
      %s = arith.mulf %in, %a2 : f32
      %m = arith.maximumf %in, %s : f32
      linalg.yield %m : f32
    } -> tensor<4x16xf32>
    kernel.yield %r : tensor<4x16xf32>
  }
  return %y3 : tensor<4x16xf32>
}

// -----

// Tests that a group reading one value twice is not taken for one reading
// two values: the sum x + y is tiled, then z + z by itself, reading z twice.
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @aliased
// CHECK-SAME: (%[[X:.+]]: tensor<4x16xf32>, %[[Y:.+]]: tensor<4x16xf32>, %[[Z:.+]]: tensor<4x16xf32>)
// CHECK: scf.for
// CHECK: %[[RX:.+]] = vector.transfer_read %[[X]]
// CHECK: %[[RY:.+]] = vector.transfer_read %[[Y]]
// CHECK: arith.addf %[[RX]], %[[RY]]
// CHECK: scf.for
// CHECK-NEXT: %[[RZ1:.+]] = vector.transfer_read %[[Z]]
// CHECK-NEXT: %[[RZ2:.+]] = vector.transfer_read %[[Z]]
// CHECK-NEXT: arith.addf %[[RZ1]], %[[RZ2]]
func.func @aliased(%x: tensor<4x16xf32>, %y: tensor<4x16xf32>, %z: tensor<4x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %e = tensor.empty() : tensor<4x16xf32>
  %s1 = kernel.group #kernel.schedule<tile = [1, 16]> vectorize -> tensor<4x16xf32> {
    %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%x, %y : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
    ^bb0(%a: f32, %b: f32, %out: f32):
      %s = arith.addf %a, %b : f32
      linalg.yield %s : f32
    } -> tensor<4x16xf32>
    kernel.yield %r : tensor<4x16xf32>
  }
  %s2 = kernel.group #kernel.schedule<tile = [1, 16]> vectorize -> tensor<4x16xf32> {
    %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%z, %z : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
    ^bb0(%a: f32, %b: f32, %out: f32):
      %s = arith.addf %a, %b : f32
      linalg.yield %s : f32
    } -> tensor<4x16xf32>
    kernel.yield %r : tensor<4x16xf32>
  }
  return %s1, %s2 : tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// Tests that equal groups reading tensors written with different splats each
// read their own (a tiling that folded the first splat in would not be
// copied: Template::capture keeps only constants tiling made).
// CHECK-LABEL: func.func @splats
// CHECK: %[[T1:.+]] = vector.transfer_write %{{.+}}, %{{.+}}[%{{.+}}, %{{.+}}]
// CHECK: %[[T2:.+]] = vector.transfer_write
// CHECK: vector.transfer_read %[[T1]]
// CHECK: vector.transfer_read %[[T2]]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @splats(%x: tensor<1x16xf32>) -> (tensor<1x16xf32>, tensor<1x16xf32>) {
  %c0 = arith.constant 0 : index
  %one = arith.constant dense<1.0> : vector<1x16xf32>
  %two = arith.constant dense<2.0> : vector<1x16xf32>
  %e = tensor.empty() : tensor<1x16xf32>
  %t1 = vector.transfer_write %one, %e[%c0, %c0] {in_bounds = [true, true]} : vector<1x16xf32>, tensor<1x16xf32>
  %t2 = vector.transfer_write %two, %e[%c0, %c0] {in_bounds = [true, true]} : vector<1x16xf32>, tensor<1x16xf32>
  %y1 = kernel.group #kernel.schedule<tile = [1, 16]> vectorize -> tensor<1x16xf32> {
    %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%x, %t1 : tensor<1x16xf32>, tensor<1x16xf32>) outs(%e : tensor<1x16xf32>) {
    ^bb0(%a: f32, %b: f32, %out: f32):
      %s = arith.mulf %a, %b : f32
      linalg.yield %s : f32
    } -> tensor<1x16xf32>
    kernel.yield %r : tensor<1x16xf32>
  }
  %y2 = kernel.group #kernel.schedule<tile = [1, 16]> vectorize -> tensor<1x16xf32> {
    %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%x, %t2 : tensor<1x16xf32>, tensor<1x16xf32>) outs(%e : tensor<1x16xf32>) {
    ^bb0(%a: f32, %b: f32, %out: f32):
      %s = arith.mulf %a, %b : f32
      linalg.yield %s : f32
    } -> tensor<1x16xf32>
    kernel.yield %r : tensor<1x16xf32>
  }
  return %y1, %y2 : tensor<1x16xf32>, tensor<1x16xf32>
}
