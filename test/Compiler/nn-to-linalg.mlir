// RUN: kiln-opt %s -split-input-file -nn-to-linalg | FileCheck %s --implicit-check-not=nn.

// Tests that dense becomes a transpose of the [out, in] weight, a zero-filled matmul and a row-broadcast bias add.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[X:.+]]: tensor<64x784xf32>, %[[W:.+]]: tensor<512x784xf32>, %[[B:.+]]: tensor<512xf32>)
// CHECK: %[[WT_INIT:.+]] = tensor.empty() : tensor<784x512xf32>
// CHECK: %[[WT:.+]] = linalg.transpose ins(%[[W]] : tensor<512x784xf32>) outs(%[[WT_INIT]] : tensor<784x512xf32>) permutation = [1, 0]
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ACC:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<64x512xf32>)
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[X]], %[[WT]] : tensor<64x784xf32>, tensor<784x512xf32>) outs(%[[ACC]] : tensor<64x512xf32>)
// CHECK: %[[Y:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[MM]], %[[B]] : tensor<64x512xf32>, tensor<512xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %[[BIAS:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[SUM:.+]] = arith.addf %[[IN]], %[[BIAS]] : f32
// CHECK-NEXT: linalg.yield %[[SUM]]
// CHECK: return %[[Y]]
func.func @dense(%x: tensor<64x784xf32>, %w: tensor<512x784xf32>, %b: tensor<512xf32>) -> tensor<64x512xf32> {
  %y = nn.dense %x, %w, %b : (tensor<64x784xf32>, tensor<512x784xf32>, tensor<512xf32>) -> tensor<64x512xf32>
  return %y : tensor<64x512xf32>
}

// -----

// Tests that dense on one sample reads W along its rows instead of transposing
// it: 150 = 2 x 64 + 22 input features give partial sums over 64 lanes
// (x[q, l] * W[n, q, l], reduced over q), their row sums, then the 22-wide
// tail accumulated onto them, then the bias.
// CHECK-LABEL: func.func @dense_one_sample
// CHECK-SAME: (%[[X:.+]]: tensor<1x150xf32>, %[[W:.+]]: tensor<19x150xf32>, %[[B:.+]]: tensor<19xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: %[[X1:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1]] : tensor<1x150xf32> into tensor<150xf32>
// CHECK: %[[XM:.+]] = tensor.extract_slice %[[X1]][0] [128] [1]
// CHECK: %[[XQ:.+]] = tensor.expand_shape %[[XM]] {{\[\[}}0, 1]] output_shape [2, 64]
// CHECK: %[[WM:.+]] = tensor.extract_slice %[[W]][0, 0] [19, 128] [1, 1]
// CHECK: %[[WQ:.+]] = tensor.expand_shape %[[WM]] {{\[\[}}0], [1, 2]] output_shape [19, 2, 64]
// CHECK: %[[PART:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[XQ]], %[[WQ]] : tensor<2x64xf32>, tensor<19x2x64xf32>) outs(%{{.+}} : tensor<19x64xf32>)
// CHECK: %[[ROWS:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[PART]] : tensor<19x64xf32>)
// CHECK: %[[XT:.+]] = tensor.extract_slice %[[X1]][128] [22] [1]
// CHECK: %[[WT:.+]] = tensor.extract_slice %[[W]][0, 128] [19, 22] [1, 1]
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[XT]], %[[WT]] : tensor<22xf32>, tensor<19x22xf32>) outs(%[[ROWS]] : tensor<19xf32>)
// CHECK: %[[Y:.+]] = tensor.expand_shape %[[SUM]] {{\[\[}}0, 1]] output_shape [1, 19]
// CHECK: linalg.generic {{.*}} ins(%[[Y]], %[[B]] : tensor<1x19xf32>, tensor<19xf32>)
func.func @dense_one_sample(%x: tensor<1x150xf32>, %w: tensor<19x150xf32>, %b: tensor<19xf32>) -> tensor<1x19xf32> {
  %y = nn.dense %x, %w, %b : (tensor<1x150xf32>, tensor<19x150xf32>, tensor<19xf32>) -> tensor<1x19xf32>
  return %y : tensor<1x19xf32>
}

// -----

// Tests that a single sample with fewer than 64 features keeps the matmul form.
// CHECK-LABEL: func.func @dense_one_sample_narrow
// CHECK: linalg.transpose
// CHECK: linalg.matmul
func.func @dense_one_sample_narrow(%x: tensor<1x37xf32>, %w: tensor<19x37xf32>) -> tensor<1x19xf32> {
  %y = nn.dense %x, %w : (tensor<1x37xf32>, tensor<19x37xf32>) -> tensor<1x19xf32>
  return %y : tensor<1x19xf32>
}

// -----

// Tests that dense without a bias is just the transpose and the matmul.
// CHECK-LABEL: func.func @dense_no_bias
// CHECK: linalg.transpose
// CHECK: %[[MM:.+]] = linalg.matmul
// CHECK-NOT: linalg.generic
// CHECK: return %[[MM]]
func.func @dense_no_bias(%x: tensor<2x3xf64>, %w: tensor<4x3xf64>) -> tensor<2x4xf64> {
  %y = nn.dense %x, %w : (tensor<2x3xf64>, tensor<4x3xf64>) -> tensor<2x4xf64>
  return %y : tensor<2x4xf64>
}

// -----

// Tests that reshape collapses to 1-D, then expands to the result shape.
// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:.+]]: tensor<64x28x28xf32>)
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1, 2]] : tensor<64x28x28xf32> into tensor<50176xf32>
// CHECK: %[[Y:.+]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [64, 784] : tensor<50176xf32> into tensor<64x784xf32>
// CHECK: return %[[Y]]
func.func @reshape(%x: tensor<64x28x28xf32>) -> tensor<64x784xf32> {
  %f = nn.reshape %x : tensor<64x28x28xf32> -> tensor<64x784xf32>
  return %f : tensor<64x784xf32>
}

// -----

// Tests that a reshape from 1-D needs only the expand.
// CHECK-LABEL: func.func @reshape_from_flat
// CHECK-NOT: tensor.collapse_shape
// CHECK: tensor.expand_shape %{{.+}} {{\[\[}}0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xf32>
func.func @reshape_from_flat(%x: tensor<6xf32>) -> tensor<2x3xf32> {
  %f = nn.reshape %x : tensor<6xf32> -> tensor<2x3xf32>
  return %f : tensor<2x3xf32>
}

// -----

// Tests that relu is an elementwise max with 0.
// CHECK-LABEL: func.func @relu
// CHECK-SAME: (%[[X:.+]]: tensor<4x8xf32>)
// CHECK: %[[Y:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[X]] : tensor<4x8xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[R:.+]] = arith.maximumf %[[IN]], %[[ZERO]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
// CHECK: return %[[Y]]
func.func @relu(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = nn.relu %x : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests that sigmoid is 1 / (1 + exp(-x)).
// CHECK-LABEL: func.func @sigmoid
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[NEG:.+]] = arith.negf %[[IN]] : f32
// CHECK-NEXT: %[[E:.+]] = math.exp %[[NEG]] : f32
// CHECK-NEXT: %[[D:.+]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NEXT: %[[R:.+]] = arith.divf %[[ONE]], %[[D]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
func.func @sigmoid(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = nn.sigmoid %x : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests that tanh maps to math.tanh.
// CHECK-LABEL: func.func @tanh
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[R:.+]] = math.tanh %[[IN]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
func.func @tanh(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = nn.tanh %x : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests that leaky_relu selects x or alpha * x, with its alpha (default 0.01).
// CHECK-LABEL: func.func @leaky_relu
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[POS:.+]] = arith.cmpf ogt, %[[IN]], %[[ZERO]] : f32
// CHECK-NEXT: %[[ALPHA:.+]] = arith.constant 2.500000e-01 : f32
// CHECK-NEXT: %[[NEG:.+]] = arith.mulf %[[IN]], %[[ALPHA]] : f32
// CHECK-NEXT: %[[R:.+]] = arith.select %[[POS]], %[[IN]], %[[NEG]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
// CHECK: linalg.generic
// CHECK: arith.constant 0.00999999977 : f32
func.func @leaky_relu(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = nn.leaky_relu %x {alpha = 0.25} : tensor<4x8xf32>
  %z = nn.leaky_relu %y : tensor<4x8xf32>
  return %z : tensor<4x8xf32>
}

// -----

// Tests that softmax is computed stably row by row: row max, exp(x - max), row sum, divide.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.+]]: tensor<64x10xf32>)
// CHECK: %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MAX0:.+]] = linalg.fill ins(%[[NINF]] : f32) outs(%{{.+}} : tensor<64xf32>)
// CHECK: %[[MAX:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<64x10xf32>) outs(%[[MAX0]] : tensor<64xf32>)
// CHECK: arith.maximumf
// CHECK: %[[E:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[MAX]] : tensor<64x10xf32>, tensor<64xf32>)
// CHECK: arith.subf
// CHECK-NEXT: math.exp
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[E]] : tensor<64x10xf32>)
// CHECK: arith.addf
// CHECK: %[[P:.+]] = linalg.generic {{.*}} ins(%[[E]], %[[SUM]] : tensor<64x10xf32>, tensor<64xf32>)
// CHECK: arith.divf
// CHECK: return %[[P]]
func.func @softmax(%x: tensor<64x10xf32>) -> tensor<64x10xf32> {
  %p = nn.softmax %x : tensor<64x10xf32>
  return %p : tensor<64x10xf32>
}

// -----

// Tests that mse_loss is a squared difference, a sum into a 0-d tensor and a scale by 1/N (N = 32).
// CHECK-LABEL: func.func @mse
// CHECK-SAME: (%[[P:.+]]: tensor<32x1xf32>, %[[T:.+]]: tensor<32x1xf32>)
// CHECK: %[[SQ:.+]] = linalg.generic {{.*}} ins(%[[P]], %[[T]] : tensor<32x1xf32>, tensor<32x1xf32>)
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[D:.+]] = arith.subf %[[A]], %[[B]] : f32
// CHECK-NEXT: arith.mulf %[[D]], %[[D]] : f32
// CHECK: %[[TOTAL:.+]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[SQ]] : tensor<32x1xf32>) outs(%{{.+}} : tensor<f32>)
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} iterator_types = []} ins(%[[TOTAL]] : tensor<f32>)
// CHECK: arith.constant 3.125000e-02 : f32
// CHECK: return %[[MEAN]] : tensor<f32>
func.func @mse(%p: tensor<32x1xf32>, %t: tensor<32x1xf32>) -> tensor<f32> {
  %l = nn.mse_loss %p, %t : tensor<32x1xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that softmax_cross_entropy is logsumexp minus the picked logit per row, averaged over the batch (1/64).
// The pick is a reduction comparing the class index with the label.
// CHECK-LABEL: func.func @cross_entropy
// CHECK-SAME: (%[[X:.+]]: tensor<64x10xf32>, %[[L:.+]]: tensor<64xi32>)
// CHECK: %[[MAX:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<64x10xf32>)
// CHECK: arith.maximumf
// CHECK: %[[E:.+]] = linalg.generic {{.*}} ins(%[[X]], %[[MAX]] : tensor<64x10xf32>, tensor<64xf32>)
// CHECK: math.exp
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[E]] : tensor<64x10xf32>)
// CHECK: %[[PICK:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X]], %[[L]] : tensor<64x10xf32>, tensor<64xi32>)
// CHECK: %[[CLS:.+]] = linalg.index 1 : index
// CHECK-NEXT: %[[LBL:.+]] = arith.index_cast %{{.+}} : i32 to index
// CHECK-NEXT: %[[HIT:.+]] = arith.cmpi eq, %[[CLS]], %[[LBL]] : index
// CHECK: arith.select %[[HIT]]
// CHECK: %[[ROWS:.+]] = linalg.generic {{.*}} ins(%[[SUM]], %[[MAX]], %[[PICK]] : tensor<64xf32>, tensor<64xf32>, tensor<64xf32>)
// CHECK-NEXT: ^bb0(%[[S:.+]]: f32, %[[M:.+]]: f32, %[[V:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[LOG:.+]] = math.log %[[S]] : f32
// CHECK-NEXT: %[[LSE:.+]] = arith.addf %[[LOG]], %[[M]] : f32
// CHECK-NEXT: arith.subf %[[LSE]], %[[V]] : f32
// CHECK: %[[TOTAL:.+]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[ROWS]] : tensor<64xf32>)
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} ins(%[[TOTAL]] : tensor<f32>)
// CHECK: arith.constant 1.562500e-02 : f32
// CHECK: return %[[MEAN]] : tensor<f32>
func.func @cross_entropy(%x: tensor<64x10xf32>, %labels: tensor<64xi32>) -> tensor<f32> {
  %l = nn.softmax_cross_entropy %x, %labels : tensor<64x10xf32>, tensor<64xi32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that dropout in training mode is one elementwise generic: a key from
// (seed, step, stream) computed once, then per element a splitmix64 hash of
// key + index * golden ratio, its 24 high bits against rate * 2^24
// (0.25 * 2^24 = 4194304), and the kept values scaled by 1 / (1 - rate).
// CHECK-LABEL: func.func @dropout_train
// CHECK-SAME: (%[[X:.+]]: tensor<8x16xf32>, %[[SEED:.+]]: i64, %[[STEP:.+]]: i64)
// CHECK: arith.muli %[[SEED]]
// CHECK: arith.muli %[[STEP]]
// CHECK: arith.addi
// CHECK: %[[KEY:.+]] = arith.addi %{{.+}}, %c{{.+}} : i64
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[X]] : tensor<8x16xf32>)
// CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-DAG: linalg.index 0
// CHECK-DAG: linalg.index 1
// CHECK: arith.addi %[[KEY]]
// CHECK: arith.shrui {{.*}} %c30_i64
// CHECK: arith.shrui {{.*}} %c27_i64
// CHECK: arith.shrui {{.*}} %c31_i64
// CHECK: %[[HIGH:.+]] = arith.shrui {{.*}} %c40_i64
// CHECK: %[[KEEP:.+]] = arith.cmpi uge, %[[HIGH]], %c4194304_i64
// CHECK: %[[SCALED:.+]] = arith.mulf %[[IN]], %cst{{.*}} : f32
// CHECK: %[[OUT:.+]] = arith.select %[[KEEP]], %[[SCALED]]
// CHECK: linalg.yield %[[OUT]]
func.func @dropout_train(%x: tensor<8x16xf32>, %seed: i64, %step: i64) -> tensor<8x16xf32> {
  %y = nn.dropout %x seed %seed step %step {rate = 0.25, stream = 2, training} : tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// Tests that dropout before its mode is set (or in eval mode) lowers to nothing.
// CHECK-LABEL: func.func @dropout_eval
// CHECK-SAME: (%[[X:.+]]: tensor<8x16xf32>)
// CHECK-NEXT: return %[[X]]
func.func @dropout_eval(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %y = nn.dropout %x {rate = 0.25, stream = 2} : tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}
