// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s -mlir-print-op-generic | kiln-opt | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// Tests that a group with a schedule, vectorize and a body of linalg ops
// round-trips, and that values from above are used directly in the body.
// CHECK-LABEL: func.func @dense_bias
// CHECK-SAME: (%[[X:.+]]: tensor<64x784xf32>, %[[WT:.+]]: tensor<784x512xf32>, %[[B:.+]]: tensor<512xf32>)
func.func @dense_bias(%x: tensor<64x784xf32>, %wt: tensor<784x512xf32>, %b: tensor<512xf32>) -> tensor<64x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x512xf32>
  // CHECK: %[[Y:.+]] = kernel.group #kernel.schedule<tile = [8, 32], reduce = [1]> vectorize -> tensor<64x512xf32> {
  // CHECK:   %[[F:.+]] = linalg.fill
  // CHECK:   %[[MM:.+]] = linalg.matmul ins(%[[X]], %[[WT]] : {{.*}}) outs(%[[F]] : {{.*}})
  // CHECK:   %[[R:.+]] = linalg.generic {{.*}} ins(%[[MM]], %[[B]] : {{.*}})
  // CHECK:   kernel.yield %[[R]] : tensor<64x512xf32>
  // CHECK: }
  %y = kernel.group #kernel.schedule<tile = [8, 32], reduce = [1]> vectorize -> tensor<64x512xf32> {
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x512xf32>) -> tensor<64x512xf32>
    %mm = linalg.matmul ins(%x, %wt : tensor<64x784xf32>, tensor<784x512xf32>)
                        outs(%f : tensor<64x512xf32>) -> tensor<64x512xf32>
    %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
        ins(%mm, %b : tensor<64x512xf32>, tensor<512xf32>) outs(%e : tensor<64x512xf32>) {
    ^bb0(%in: f32, %bias: f32, %out: f32):
      %s = arith.addf %in, %bias : f32
      linalg.yield %s : f32
    } -> tensor<64x512xf32>
    kernel.yield %r : tensor<64x512xf32>
  }
  // CHECK: return %[[Y]]
  return %y : tensor<64x512xf32>
}

// Tests that a group without vectorize and with empty schedules round-trips.
// CHECK-LABEL: func.func @scalar_group
func.func @scalar_group(%x: tensor<16xf32>) -> tensor<16xf32> {
  // CHECK: %[[Y:.+]] = kernel.group #kernel.schedule<> -> tensor<16xf32> {
  // CHECK-NEXT: kernel.yield %{{.+}} : tensor<16xf32>
  %y = kernel.group #kernel.schedule<> -> tensor<16xf32> {
    kernel.yield %x : tensor<16xf32>
  }
  return %y : tensor<16xf32>
}

// Tests that a group with several results and extra attributes round-trips.
// CHECK-LABEL: func.func @two_results
// CHECK-SAME: (%[[A:.+]]: tensor<4xf32>, %[[B:.+]]: tensor<8xf32>)
func.func @two_results(%a: tensor<4xf32>, %b: tensor<8xf32>) -> (tensor<4xf32>, tensor<8xf32>) {
  // CHECK: %[[G:.+]]:2 = kernel.group #kernel.schedule<tile = [4, 0], reduce = [0]> -> tensor<4xf32>, tensor<8xf32> attributes {kiln.note = "multi"} {
  // CHECK-NEXT: kernel.yield %[[A]], %[[B]] : tensor<4xf32>, tensor<8xf32>
  %r:2 = kernel.group #kernel.schedule<tile = [4, 0], reduce = [0]> -> tensor<4xf32>, tensor<8xf32> attributes {kiln.note = "multi"} {
    kernel.yield %a, %b : tensor<4xf32>, tensor<8xf32>
  }
  // CHECK: return %[[G]]#0, %[[G]]#1
  return %r#0, %r#1 : tensor<4xf32>, tensor<8xf32>
}

// Tests that a group with no results gets its terminator implicitly.
// CHECK-LABEL: func.func @no_results
func.func @no_results() {
  // CHECK: kernel.group #kernel.schedule<tile = [1]> {
  // CHECK-NEXT: }
  kernel.group #kernel.schedule<tile = [1]> {
  }
  return
}
