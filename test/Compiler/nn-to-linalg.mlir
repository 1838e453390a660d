// RUN: kiln-opt %s -split-input-file -nn-to-linalg | FileCheck %s --implicit-check-not=nn.
// RUN: kiln-opt %s -split-input-file -nn-to-linalg | FileCheck %s --check-prefix=TILED

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
// it: 150 = 9 x 16 + 6 input features give partial sums over 16 lanes (one
// vector; x[q, l] * W[n, q, l], reduced over q), their row sums, then the
// 6-wide tail accumulated onto them, then the bias.
// CHECK-LABEL: func.func @dense_one_sample
// CHECK-SAME: (%[[X:.+]]: tensor<1x150xf32>, %[[W:.+]]: tensor<19x150xf32>, %[[B:.+]]: tensor<19xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: %[[X1:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1]] : tensor<1x150xf32> into tensor<150xf32>
// CHECK: %[[XM:.+]] = tensor.extract_slice %[[X1]][0] [144] [1]
// CHECK: %[[XQ:.+]] = tensor.expand_shape %[[XM]] {{\[\[}}0, 1]] output_shape [9, 16]
// CHECK: %[[WM:.+]] = tensor.extract_slice %[[W]][0, 0] [19, 144] [1, 1]
// CHECK: %[[WQ:.+]] = tensor.expand_shape %[[WM]] {{\[\[}}0], [1, 2]] output_shape [19, 9, 16]
// CHECK: %[[PART:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[XQ]], %[[WQ]] : tensor<9x16xf32>, tensor<19x9x16xf32>) outs(%{{.+}} : tensor<19x16xf32>)
// CHECK: %[[ROWS:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[PART]] : tensor<19x16xf32>)
// CHECK: %[[XT:.+]] = tensor.extract_slice %[[X1]][144] [6] [1]
// CHECK: %[[WT:.+]] = tensor.extract_slice %[[W]][0, 144] [19, 6] [1, 1]
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[XT]], %[[WT]] : tensor<6xf32>, tensor<19x6xf32>) outs(%[[ROWS]] : tensor<19xf32>)
// CHECK: %[[Y:.+]] = tensor.expand_shape %[[SUM]] {{\[\[}}0, 1]] output_shape [1, 19]
// CHECK: linalg.generic {{.*}} ins(%[[Y]], %[[B]] : tensor<1x19xf32>, tensor<19xf32>)
func.func @dense_one_sample(%x: tensor<1x150xf32>, %w: tensor<19x150xf32>, %b: tensor<19xf32>) -> tensor<1x19xf32> {
  %y = nn.dense %x, %w, %b : (tensor<1x150xf32>, tensor<19x150xf32>, tensor<19xf32>) -> tensor<1x19xf32>
  return %y : tensor<1x19xf32>
}

// -----

// Tests that a single sample's partial sums are one vector wide whatever the
// features: 80 = 5 x 16 and 96 = 6 x 16, over 16 lanes and no tail; with no
// tail the row sums come out as the layer's [1, N] rows (dims (o, n, l)),
// no reshape between them and what follows (kernel-form groups them with
// the partial sums).
// CHECK-DAG: #[[MN:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[MO:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @dense_one_sample_lanes
// CHECK: %[[P:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]} ins(%{{.+}}, %{{.+}} : tensor<5x16xf32>, tensor<7x5x16xf32>) outs(%{{.+}} : tensor<7x16xf32>)
// CHECK: %[[Z:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x7xf32>)
// CHECK: %[[ROWS:.+]] = linalg.generic {indexing_maps = [#[[MN]], #[[MO]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[P]] : tensor<7x16xf32>) outs(%[[Z]] : tensor<1x7xf32>)
// CHECK-NOT: tensor.expand_shape %[[ROWS]]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]} ins(%{{.+}}, %{{.+}} : tensor<6x16xf32>, tensor<7x6x16xf32>) outs(%{{.+}} : tensor<7x16xf32>)
func.func @dense_one_sample_lanes(%x: tensor<1x80xf32>, %w: tensor<7x80xf32>, %v: tensor<1x96xf32>, %u: tensor<7x96xf32>) -> (tensor<1x7xf32>, tensor<1x7xf32>) {
  %y = nn.dense %x, %w : (tensor<1x80xf32>, tensor<7x80xf32>) -> tensor<1x7xf32>
  %z = nn.dense %v, %u : (tensor<1x96xf32>, tensor<7x96xf32>) -> tensor<1x7xf32>
  return %y, %z : tensor<1x7xf32>, tensor<1x7xf32>
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

// Tests that mae_loss is |p - t| (math.absf) in one elementwise generic, one sum into a 0-d tensor and a scale by 1/N (N = 32).
// CHECK-LABEL: func.func @mae
// CHECK-SAME: (%[[P:.+]]: tensor<8x4xf32>, %[[T:.+]]: tensor<8x4xf32>)
// CHECK: %[[ABS:.+]] = linalg.generic {{.*}} ins(%[[P]], %[[T]] : tensor<8x4xf32>, tensor<8x4xf32>)
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[D:.+]] = arith.subf %[[A]], %[[B]] : f32
// CHECK-NEXT: %[[AD:.+]] = math.absf %[[D]] : f32
// CHECK-NEXT: linalg.yield %[[AD]] : f32
// CHECK: %[[TOTAL:.+]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[ABS]] : tensor<8x4xf32>) outs(%{{.+}} : tensor<f32>)
// CHECK-NOT: "reduction"
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} iterator_types = []} ins(%[[TOTAL]] : tensor<f32>)
// CHECK: arith.constant 3.125000e-02 : f32
// CHECK: return %[[MEAN]] : tensor<f32>
func.func @mae(%p: tensor<8x4xf32>, %t: tensor<8x4xf32>) -> tensor<f32> {
  %l = nn.mae_loss %p, %t : tensor<8x4xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that huber_loss selects d²/2 where |d| < delta and delta (|d| - delta/2) elsewhere (delta = 2), then the mean.
// CHECK-LABEL: func.func @huber
// CHECK-SAME: (%[[P:.+]]: tensor<8x4xf32>, %[[T:.+]]: tensor<8x4xf32>)
// CHECK: %[[E:.+]] = linalg.generic {{.*}} ins(%[[P]], %[[T]] : tensor<8x4xf32>, tensor<8x4xf32>)
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[D:.+]] = arith.subf %[[A]], %[[B]] : f32
// CHECK-NEXT: %[[AD:.+]] = math.absf %[[D]] : f32
// CHECK-NEXT: %[[HALF:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[DD:.+]] = arith.mulf %[[D]], %[[D]] : f32
// CHECK-NEXT: %[[QUAD:.+]] = arith.mulf %[[HALF]], %[[DD]] : f32
// CHECK-NEXT: %[[DELTA:.+]] = arith.constant 2.000000e+00 : f32
// CHECK-NEXT: %[[HALFDELTA:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[EXCESS:.+]] = arith.subf %[[AD]], %[[HALFDELTA]] : f32
// CHECK-NEXT: %[[LIN:.+]] = arith.mulf %[[DELTA]], %[[EXCESS]] : f32
// CHECK-NEXT: %[[DELTA2:.+]] = arith.constant 2.000000e+00 : f32
// CHECK-NEXT: %[[IN:.+]] = arith.cmpf olt, %[[AD]], %[[DELTA2]] : f32
// CHECK-NEXT: %[[R:.+]] = arith.select %[[IN]], %[[QUAD]], %[[LIN]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
// CHECK: %[[TOTAL:.+]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[E]] : tensor<8x4xf32>)
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} ins(%[[TOTAL]] : tensor<f32>)
// CHECK: arith.constant 3.125000e-02 : f32
// CHECK: return %[[MEAN]] : tensor<f32>
func.func @huber(%p: tensor<8x4xf32>, %t: tensor<8x4xf32>) -> tensor<f32> {
  %l = nn.huber_loss %p, %t {delta = 2.0} : tensor<8x4xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that binary_cross_entropy on logits is the stable max(x, 0) - x t + log1p(exp(-|x|)), then the mean.
// CHECK-LABEL: func.func @binary_cross_entropy
// CHECK-SAME: (%[[X:.+]]: tensor<8x4xf32>, %[[T:.+]]: tensor<8x4xf32>)
// CHECK: %[[E:.+]] = linalg.generic {{.*}} ins(%[[X]], %[[T]] : tensor<8x4xf32>, tensor<8x4xf32>)
// CHECK-NEXT: ^bb0(%[[XI:.+]]: f32, %[[TI:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[AX:.+]] = math.absf %[[XI]] : f32
// CHECK-NEXT: %[[NEG:.+]] = arith.negf %[[AX]] : f32
// CHECK-NEXT: %[[EXP:.+]] = math.exp %[[NEG]] : f32
// CHECK-NEXT: %[[SOFT:.+]] = math.log1p %[[EXP]] : f32
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[POS:.+]] = arith.maximumf %[[XI]], %[[ZERO]] : f32
// CHECK-NEXT: %[[XT:.+]] = arith.mulf %[[XI]], %[[TI]] : f32
// CHECK-NEXT: %[[DIFF:.+]] = arith.subf %[[POS]], %[[XT]] : f32
// CHECK-NEXT: %[[R:.+]] = arith.addf %[[DIFF]], %[[SOFT]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
// CHECK: %[[TOTAL:.+]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[E]] : tensor<8x4xf32>)
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} ins(%[[TOTAL]] : tensor<f32>)
// CHECK: arith.constant 3.125000e-02 : f32
// CHECK: return %[[MEAN]] : tensor<f32>
func.func @binary_cross_entropy(%x: tensor<8x4xf32>, %t: tensor<8x4xf32>) -> tensor<f32> {
  %l = nn.binary_cross_entropy %x, %t : tensor<8x4xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that kl_divergence is one row reduction of t (lse - x) plus t log t, where t > 0 (0 log 0 = 0), averaged over the batch (1/8).
// CHECK-LABEL: func.func @kl_divergence
// CHECK-SAME: (%[[X:.+]]: tensor<8x4xf32>, %[[T:.+]]: tensor<8x4xf32>)
// CHECK: %[[MAX:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<8x4xf32>)
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]}
// CHECK: %[[LSE:.+]] = linalg.generic {{.*}} ins(%[[SUM]], %[[MAX]] : tensor<8xf32>, tensor<8xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: math.log
// CHECK-NEXT: arith.addf
// CHECK: %[[ROWS:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X]], %[[T]], %[[LSE]] : tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) outs(%{{.+}} : tensor<8xf32>)
// CHECK-NEXT: ^bb0(%[[XI:.+]]: f32, %[[TI:.+]]: f32, %[[L:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[NLP:.+]] = arith.subf %[[L]], %[[XI]] : f32
// CHECK-NEXT: %[[CE:.+]] = arith.mulf %[[TI]], %[[NLP]] : f32
// CHECK-NEXT: %[[LOGT:.+]] = math.log %[[TI]] : f32
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[POS:.+]] = arith.cmpf olt, %[[ZERO]], %[[TI]] : f32
// CHECK-NEXT: %[[TLOGT:.+]] = arith.mulf %[[TI]], %[[LOGT]] : f32
// CHECK-NEXT: %[[ZERO2:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[ENT:.+]] = arith.select %[[POS]], %[[TLOGT]], %[[ZERO2]] : f32
// CHECK-NEXT: %[[TERM:.+]] = arith.addf %[[CE]], %[[ENT]] : f32
// CHECK-NEXT: %[[NEXT:.+]] = arith.addf %[[ACC]], %[[TERM]] : f32
// CHECK-NEXT: linalg.yield %[[NEXT]] : f32
// CHECK: %[[TOTAL:.+]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[ROWS]] : tensor<8xf32>)
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} ins(%[[TOTAL]] : tensor<f32>)
// CHECK: arith.constant 1.250000e-01 : f32
// CHECK: return %[[MEAN]] : tensor<f32>
func.func @kl_divergence(%x: tensor<8x4xf32>, %t: tensor<8x4xf32>) -> tensor<f32> {
  %l = nn.kl_divergence %x, %t : tensor<8x4xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that softmax_cross_entropy with labels and label_smoothing = 0.2 over 4 classes weighs (lse - x) by
// 1 - s + s/C = 0.85 where linalg.index 1 equals the label and s/C = 0.05 elsewhere, in one row reduction.
// CHECK-LABEL: func.func @cross_entropy_smoothed
// CHECK-SAME: (%[[X:.+]]: tensor<8x4xf32>, %[[L:.+]]: tensor<8xi32>)
// CHECK: %[[LSE:.+]] = linalg.generic {{.*}} iterator_types = ["parallel"]}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: math.log
// CHECK: %[[ROWS:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X]], %[[L]], %[[LSE]] : tensor<8x4xf32>, tensor<8xi32>, tensor<8xf32>) outs(%{{.+}} : tensor<8xf32>)
// CHECK-NEXT: ^bb0(%[[XI:.+]]: f32, %[[LI:.+]]: i32, %[[LS:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[CLS:.+]] = linalg.index 1 : index
// CHECK-NEXT: %[[LBL:.+]] = arith.index_cast %[[LI]] : i32 to index
// CHECK-NEXT: %[[HIT:.+]] = arith.cmpi eq, %[[CLS]], %[[LBL]] : index
// CHECK-NEXT: %[[ON:.+]] = arith.constant 8.500000e-01 : f32
// CHECK-NEXT: %[[OFF:.+]] = arith.constant 5.000000e-02 : f32
// CHECK-NEXT: %[[TP:.+]] = arith.select %[[HIT]], %[[ON]], %[[OFF]] : f32
// CHECK-NEXT: %[[NLP:.+]] = arith.subf %[[LS]], %[[XI]] : f32
// CHECK-NEXT: %[[TERM:.+]] = arith.mulf %[[TP]], %[[NLP]] : f32
// CHECK-NEXT: %[[NEXT:.+]] = arith.addf %[[ACC]], %[[TERM]] : f32
// CHECK-NEXT: linalg.yield %[[NEXT]] : f32
// CHECK-NOT: math.log
// CHECK: %[[TOTAL:.+]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[ROWS]] : tensor<8xf32>)
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} ins(%[[TOTAL]] : tensor<f32>)
// CHECK: arith.constant 1.250000e-01 : f32
// CHECK: return %[[MEAN]] : tensor<f32>
func.func @cross_entropy_smoothed(%x: tensor<8x4xf32>, %labels: tensor<8xi32>) -> tensor<f32> {
  %l = nn.softmax_cross_entropy %x, %labels {label_smoothing = 0.2} : tensor<8x4xf32>, tensor<8xi32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that softmax_cross_entropy with probability targets weighs (lse - x) by t itself (no t log t term).
// CHECK-LABEL: func.func @cross_entropy_probabilities
// CHECK-SAME: (%[[X:.+]]: tensor<8x4xf32>, %[[T:.+]]: tensor<8x4xf32>)
// CHECK: %[[ROWS:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X]], %[[T]], %{{.+}} : tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>)
// CHECK-NEXT: ^bb0(%[[XI:.+]]: f32, %[[TI:.+]]: f32, %[[LS:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[NLP:.+]] = arith.subf %[[LS]], %[[XI]] : f32
// CHECK-NEXT: %[[TERM:.+]] = arith.mulf %[[TI]], %[[NLP]] : f32
// CHECK-NEXT: %[[NEXT:.+]] = arith.addf %[[ACC]], %[[TERM]] : f32
// CHECK-NEXT: linalg.yield %[[NEXT]] : f32
// CHECK: arith.constant 1.250000e-01 : f32
func.func @cross_entropy_probabilities(%x: tensor<8x4xf32>, %t: tensor<8x4xf32>) -> tensor<f32> {
  %l = nn.softmax_cross_entropy %x, %t : tensor<8x4xf32>, tensor<8x4xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that smoothing probability targets gives t' = (1 - s) t + s / C (0.8 t + 0.05) inside the row reduction.
// CHECK-LABEL: func.func @cross_entropy_probabilities_smoothed
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.+}}, %{{.+}}, %{{.+}} : tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>)
// CHECK-NEXT: ^bb0(%[[XI:.+]]: f32, %[[TI:.+]]: f32, %[[LS:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[KEEP:.+]] = arith.constant 8.000000e-01 : f32
// CHECK-NEXT: %[[KEPT:.+]] = arith.mulf %[[KEEP]], %[[TI]] : f32
// CHECK-NEXT: %[[UNIF:.+]] = arith.constant 5.000000e-02 : f32
// CHECK-NEXT: %[[TP:.+]] = arith.addf %[[KEPT]], %[[UNIF]] : f32
// CHECK-NEXT: %[[NLP:.+]] = arith.subf %[[LS]], %[[XI]] : f32
// CHECK-NEXT: arith.mulf %[[TP]], %[[NLP]] : f32
func.func @cross_entropy_probabilities_smoothed(%x: tensor<8x4xf32>, %t: tensor<8x4xf32>) -> tensor<f32> {
  %l = nn.softmax_cross_entropy %x, %t {label_smoothing = 0.2} : tensor<8x4xf32>, tensor<8x4xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that weight_penalty is l1 |w| + l2 w² per element and one sum, with no mean.
// CHECK-LABEL: func.func @weight_penalty
// CHECK-SAME: (%[[W:.+]]: tensor<4x3xf32>)
// CHECK: %[[E:.+]] = linalg.generic {{.*}} ins(%[[W]] : tensor<4x3xf32>)
// CHECK-NEXT: ^bb0(%[[WI:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[L1:.+]] = arith.constant 2.500000e-01 : f32
// CHECK-NEXT: %[[ABS:.+]] = math.absf %[[WI]] : f32
// CHECK-NEXT: %[[T1:.+]] = arith.mulf %[[L1]], %[[ABS]] : f32
// CHECK-NEXT: %[[L2:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[SQ:.+]] = arith.mulf %[[WI]], %[[WI]] : f32
// CHECK-NEXT: %[[T2:.+]] = arith.mulf %[[L2]], %[[SQ]] : f32
// CHECK-NEXT: %[[R:.+]] = arith.addf %[[T1]], %[[T2]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
// CHECK: %[[TOTAL:.+]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[E]] : tensor<4x3xf32>) outs(%{{.+}} : tensor<f32>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[TOTAL]] : tensor<f32>
func.func @weight_penalty(%w: tensor<4x3xf32>) -> tensor<f32> {
  %r = nn.weight_penalty %w {l1 = 0.25, l2 = 0.5} : tensor<4x3xf32> -> tensor<f32>
  return %r : tensor<f32>
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

// -----

// Tests that conv2d lowers channels-last: the input transposed to NHWC and
// padded (zeros filled into the one padding row only, a linalg.copy into the
// window at [top, left], inserted back), the weight [F, C, KH, KW] regrouped as taps [KH, KW, G, C/G, F/G],
// then one contraction per tap, [N, OH, OW, C] x [C, F], over the tap's
// strided view of the padded input, each accumulating into the previous one;
// then the bias and the transpose back to NCHW. Padding [1, 0, 0, 0], strides
// 2: 8 padded rows give 4 output rows, 7 columns give 3.
// CHECK-DAG: #[[VIEW:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[TAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d4, d3)>
// CHECK-DAG: #[[ACC:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @conv2d
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x7x7xf32>, %[[W:.+]]: tensor<8x3x2x2xf32>, %[[B:.+]]: tensor<8xf32>)
// CHECK: %[[XL:.+]] = linalg.transpose ins(%[[X]] : tensor<2x3x7x7xf32>) outs(%{{.+}} : tensor<2x7x7x3xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<2x8x7x3xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ROW:.+]] = tensor.extract_slice %[[EMPTY]][0, 0, 0, 0] [2, 1, 7, 3] [1, 1, 1, 1]
// CHECK: %[[ROWZ:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[ROW]] : tensor<2x1x7x3xf32>)
// CHECK: %[[FRAME:.+]] = tensor.insert_slice %[[ROWZ]] into %[[EMPTY]][0, 0, 0, 0] [2, 1, 7, 3] [1, 1, 1, 1]
// CHECK-NOT: linalg.fill
// CHECK: %[[WINDOW:.+]] = tensor.extract_slice %[[FRAME]][0, 1, 0, 0] [2, 7, 7, 3] [1, 1, 1, 1] : tensor<2x8x7x3xf32> to tensor<2x7x7x3xf32>
// CHECK: %[[COPY:.+]] = linalg.copy ins(%[[XL]] : tensor<2x7x7x3xf32>) outs(%[[WINDOW]] : tensor<2x7x7x3xf32>)
// CHECK: %[[XP:.+]] = tensor.insert_slice %[[COPY]] into %[[FRAME]][0, 1, 0, 0] [2, 7, 7, 3] [1, 1, 1, 1] : tensor<2x7x7x3xf32> into tensor<2x8x7x3xf32>
// CHECK: %[[W5:.+]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2], [3], [4]] output_shape [1, 8, 3, 2, 2] : tensor<8x3x2x2xf32> into tensor<1x8x3x2x2xf32>
// CHECK: %[[TAPS:.+]] = linalg.transpose ins(%[[W5]] : tensor<1x8x3x2x2xf32>) outs(%{{.+}} : tensor<2x2x1x3x8xf32>) permutation = [3, 4, 0, 2, 1]
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x4x3x8xf32>)
// Tap (0, 0): rows 0, 2, 4, 6 and columns 0, 2, 4 of the padded input.
// CHECK: %[[V00:.+]] = tensor.extract_slice %[[XP]][0, 0, 0, 0] [2, 4, 3, 3] [1, 2, 2, 1] : tensor<2x8x7x3xf32> to tensor<2x4x3x3xf32>
// CHECK: %[[T00:.+]] = tensor.extract_slice %[[TAPS]][0, 0, 0, 0, 0] [1, 1, 1, 3, 8] [1, 1, 1, 1, 1] : tensor<2x2x1x3x8xf32> to tensor<3x8xf32>
// CHECK: %[[Y00:.+]] = linalg.generic {indexing_maps = [#[[VIEW]], #[[TAP]], #[[ACC]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[V00]], %[[T00]] : tensor<2x4x3x3xf32>, tensor<3x8xf32>) outs(%[[INIT]] : tensor<2x4x3x8xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %[[WT:.+]]: f32, %[[OUT:.+]]: f32):
// CHECK-NEXT: %[[PROD:.+]] = arith.mulf %[[IN]], %[[WT]] : f32
// CHECK-NEXT: %[[SUM:.+]] = arith.addf %[[OUT]], %[[PROD]] : f32
// CHECK-NEXT: linalg.yield %[[SUM]]
// Tap (0, 1): one column to the right.
// CHECK: %[[V01:.+]] = tensor.extract_slice %[[XP]][0, 0, 1, 0] [2, 4, 3, 3] [1, 2, 2, 1]
// CHECK: %[[T01:.+]] = tensor.extract_slice %[[TAPS]][0, 1, 0, 0, 0] [1, 1, 1, 3, 8] [1, 1, 1, 1, 1]
// CHECK: %[[Y01:.+]] = linalg.generic {indexing_maps = [#[[VIEW]], #[[TAP]], #[[ACC]]], {{.*}} ins(%[[V01]], %[[T01]] : {{.*}}) outs(%[[Y00]] : tensor<2x4x3x8xf32>)
// CHECK: %[[V10:.+]] = tensor.extract_slice %[[XP]][0, 1, 0, 0] [2, 4, 3, 3] [1, 2, 2, 1]
// CHECK: %[[T10:.+]] = tensor.extract_slice %[[TAPS]][1, 0, 0, 0, 0] [1, 1, 1, 3, 8] [1, 1, 1, 1, 1]
// CHECK: %[[Y10:.+]] = linalg.generic {indexing_maps = [#[[VIEW]], #[[TAP]], #[[ACC]]], {{.*}} ins(%[[V10]], %[[T10]] : {{.*}}) outs(%[[Y01]] : tensor<2x4x3x8xf32>)
// CHECK: %[[V11:.+]] = tensor.extract_slice %[[XP]][0, 1, 1, 0] [2, 4, 3, 3] [1, 2, 2, 1]
// CHECK: %[[T11:.+]] = tensor.extract_slice %[[TAPS]][1, 1, 0, 0, 0] [1, 1, 1, 3, 8] [1, 1, 1, 1, 1]
// CHECK: %[[Y11:.+]] = linalg.generic {indexing_maps = [#[[VIEW]], #[[TAP]], #[[ACC]]], {{.*}} ins(%[[V11]], %[[T11]] : {{.*}}) outs(%[[Y10]] : tensor<2x4x3x8xf32>)
// The bias, broadcast along the channels (innermost, channels-last).
// CHECK: %[[BIASED:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[Y11]], %[[B]] : tensor<2x4x3x8xf32>, tensor<8xf32>)
// CHECK-NEXT: ^bb0(%[[V:.+]]: f32, %[[BV:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[R:.+]] = arith.addf %[[V]], %[[BV]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
// CHECK: %[[Y:.+]] = linalg.transpose ins(%[[BIASED]] : tensor<2x4x3x8xf32>) outs(%{{.+}} : tensor<2x8x4x3xf32>) permutation = [0, 3, 1, 2]
// CHECK-NEXT: return %[[Y]]
func.func @conv2d(%x: tensor<2x3x7x7xf32>, %w: tensor<8x3x2x2xf32>, %b: tensor<8xf32>) -> tensor<2x8x4x3xf32> {
  %y = nn.conv2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 0, 0>}
      : (tensor<2x3x7x7xf32>, tensor<8x3x2x2xf32>, tensor<8xf32>) -> tensor<2x8x4x3xf32>
  return %y : tensor<2x8x4x3xf32>
}

// -----

// Tests conv2d with one input channel and 16 filters (9 taps of one channel
// <= 16 filters): the input as tap planes [9, N, OH, OW] (each tap's view
// of the channels-last input moved into its plane), the weight as [9, 16]
// rows in the taps' order, and one contraction over the planes.
// CHECK-DAG: #[[PLANE:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d4, d0, d1, d2)>
// CHECK-DAG: #[[PW:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d4, d3)>
// CHECK-DAG: #[[PY:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv2d_planes
// CHECK-SAME: (%[[X:.+]]: tensor<2x1x6x6xf32>, %[[W:.+]]: tensor<16x1x3x3xf32>)
// CHECK: %[[XL:.+]] = linalg.transpose ins(%[[X]] : tensor<2x1x6x6xf32>) outs(%{{.+}} : tensor<2x6x6x1xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[WT:.+]] = linalg.transpose ins(%[[W]] : tensor<16x1x3x3xf32>) outs(%{{.+}} : tensor<3x3x1x16xf32>) permutation = [2, 3, 1, 0]
// CHECK: %[[W9:.+]] = tensor.collapse_shape %[[WT]] {{\[\[}}0, 1, 2], [3]] : tensor<3x3x1x16xf32> into tensor<9x16xf32>
// CHECK: %[[P0:.+]] = tensor.empty() : tensor<9x2x4x4xf32>
// CHECK: %[[V00:.+]] = tensor.extract_slice %[[XL]][0, 0, 0, 0] [2, 4, 4, 1] [1, 1, 1, 1]
// CHECK: %[[S00:.+]] = tensor.extract_slice %[[P0]][0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK: %[[M00:.+]] = linalg.transpose ins(%[[V00]] : tensor<2x4x4x1xf32>) outs(%[[S00]] : tensor<1x2x4x4xf32>) permutation = [3, 0, 1, 2]
// CHECK: %[[P1:.+]] = tensor.insert_slice %[[M00]] into %[[P0]][0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %[[XL]][0, 0, 1, 0] [2, 4, 4, 1] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %[[P1]][1, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %[[XL]][0, 2, 2, 0] [2, 4, 4, 1] [1, 1, 1, 1]
// CHECK: %[[P9:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[8, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK: %[[Z:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x4x4x16xf32>)
// CHECK: %[[YL:.+]] = linalg.generic {indexing_maps = [#[[PLANE]], #[[PW]], #[[PY]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[P9]], %[[W9]] : tensor<9x2x4x4xf32>, tensor<9x16xf32>) outs(%[[Z]] : tensor<2x4x4x16xf32>)
// CHECK: linalg.transpose ins(%[[YL]] : tensor<2x4x4x16xf32>) outs(%{{.+}} : tensor<2x16x4x4xf32>) permutation = [0, 3, 1, 2]
func.func @conv2d_planes(%x: tensor<2x1x6x6xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<2x16x4x4xf32> {
  %y = nn.conv2d %x, %w : (tensor<2x1x6x6xf32>, tensor<16x1x3x3xf32>) -> tensor<2x16x4x4xf32>
  return %y : tensor<2x16x4x4xf32>
}

// -----

// Tests the same conv2d with a bias: a tenth plane of ones (filled before the
// taps' planes), the bias as its weight (row 9 of [10, 16]), and no add after
// the contraction.
// CHECK-DAG: #[[PLANE:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d4, d0, d1, d2)>
// CHECK-DAG: #[[PW:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d4, d3)>
// CHECK-LABEL: func.func @conv2d_planes_bias
// CHECK-SAME: (%[[X:.+]]: tensor<2x1x6x6xf32>, %[[W:.+]]: tensor<16x1x3x3xf32>, %[[B:.+]]: tensor<16xf32>)
// CHECK: %[[W9:.+]] = tensor.collapse_shape %{{.+}} {{\[\[}}0, 1, 2], [3]] : tensor<3x3x1x16xf32> into tensor<9x16xf32>
// CHECK: %[[WB0:.+]] = tensor.insert_slice %[[W9]] into %{{.+}}[0, 0] [9, 16] [1, 1] : tensor<9x16xf32> into tensor<10x16xf32>
// CHECK: %[[BR:.+]] = tensor.expand_shape %[[B]] {{\[\[}}0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
// CHECK: %[[WB:.+]] = tensor.insert_slice %[[BR]] into %[[WB0]][9, 0] [1, 16] [1, 1]
// CHECK: %[[P0:.+]] = tensor.empty() : tensor<10x2x4x4xf32>
// CHECK: %[[ONES:.+]] = tensor.extract_slice %[[P0]][9, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[FILLED:.+]] = linalg.fill ins(%[[ONE]] : f32) outs(%[[ONES]] : tensor<1x2x4x4xf32>)
// CHECK: tensor.insert_slice %[[FILLED]] into %[[P0]][9, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK: %[[P10:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[8, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK: %[[YL:.+]] = linalg.generic {indexing_maps = [#[[PLANE]], #[[PW]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[P10]], %[[WB]] : tensor<10x2x4x4xf32>, tensor<10x16xf32>)
// CHECK-NOT: linalg.generic
// CHECK: linalg.transpose ins(%[[YL]] : tensor<2x4x4x16xf32>) outs(%{{.+}} : tensor<2x16x4x4xf32>) permutation = [0, 3, 1, 2]
func.func @conv2d_planes_bias(%x: tensor<2x1x6x6xf32>, %w: tensor<16x1x3x3xf32>, %b: tensor<16xf32>) -> tensor<2x16x4x4xf32> {
  %y = nn.conv2d %x, %w, %b : (tensor<2x1x6x6xf32>, tensor<16x1x3x3xf32>, tensor<16xf32>) -> tensor<2x16x4x4xf32>
  return %y : tensor<2x16x4x4xf32>
}

// -----

// Tests that grouped conv2d (2 groups of 2 channels, 3 filters each) splits
// the channels per group: dims (n, oh, ow, g, f, c), the view and the
// accumulator expanded to [.., G, C/G] and [.., G, F/G], the tap [G, C/G,
// F/G]. Without padding there is no fill or copy: the taps read the
// transposed input directly, and without a bias nothing follows them.
// CHECK-DAG: #[[VIEW:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d5)>
// CHECK-DAG: #[[TAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d5, d4)>
// CHECK-DAG: #[[ACC:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @conv2d_grouped
// CHECK-SAME: (%[[X:.+]]: tensor<2x4x5x5xf32>, %[[W:.+]]: tensor<6x2x1x1xf32>)
// CHECK: %[[XL:.+]] = linalg.transpose ins(%[[X]] : tensor<2x4x5x5xf32>) {{.*}} permutation = [0, 2, 3, 1]
// CHECK-NOT: linalg.copy
// CHECK: %[[W5:.+]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 3, 2, 1, 1]
// CHECK: %[[TAPS:.+]] = linalg.transpose ins(%[[W5]] : tensor<2x3x2x1x1xf32>) outs(%{{.+}} : tensor<1x1x2x2x3xf32>) permutation = [3, 4, 0, 2, 1]
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x5x5x6xf32>)
// CHECK: %[[VIEW0:.+]] = tensor.extract_slice %[[XL]][0, 0, 0, 0] [2, 5, 5, 4] [1, 1, 1, 1]
// CHECK: %[[VIEW1:.+]] = tensor.expand_shape %[[VIEW0]] {{\[\[}}0], [1], [2], [3, 4]] output_shape [2, 5, 5, 2, 2]
// CHECK: %[[TAP0:.+]] = tensor.extract_slice %[[TAPS]][0, 0, 0, 0, 0] [1, 1, 2, 2, 3] [1, 1, 1, 1, 1] : tensor<1x1x2x2x3xf32> to tensor<2x2x3xf32>
// CHECK: %[[ACC0:.+]] = tensor.expand_shape %[[INIT]] {{\[\[}}0], [1], [2], [3, 4]] output_shape [2, 5, 5, 2, 3]
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[VIEW]], #[[TAP]], #[[ACC]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[VIEW1]], %[[TAP0]] : tensor<2x5x5x2x2xf32>, tensor<2x2x3xf32>) outs(%[[ACC0]] : tensor<2x5x5x2x3xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[R]] {{\[\[}}0], [1], [2], [3, 4]] : tensor<2x5x5x2x3xf32> into tensor<2x5x5x6xf32>
// CHECK-NEXT: tensor.empty
// CHECK-NEXT: %[[Y:.+]] = linalg.transpose ins(%[[FLAT]] : tensor<2x5x5x6xf32>) outs(%{{.+}} : tensor<2x6x5x5xf32>) permutation = [0, 3, 1, 2]
// CHECK-NEXT: return %[[Y]]
func.func @conv2d_grouped(%x: tensor<2x4x5x5xf32>, %w: tensor<6x2x1x1xf32>) -> tensor<2x6x5x5xf32> {
  %y = nn.conv2d %x, %w {groups = 2} : (tensor<2x4x5x5xf32>, tensor<6x2x1x1xf32>) -> tensor<2x6x5x5xf32>
  return %y : tensor<2x6x5x5xf32>
}

// -----

// Tests that a depthwise conv2d (groups = channels = filters) is an
// elementwise multiply-add per tap, the tap's [G] weights broadcast along the
// channels, and that dilation [1, 3] puts the second tap 3 columns right.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @conv2d_depthwise
// CHECK-SAME: (%[[X:.+]]: tensor<2x4x5x5xf32>, %[[W:.+]]: tensor<4x1x1x2xf32>)
// CHECK: %[[XL:.+]] = linalg.transpose ins(%[[X]] : tensor<2x4x5x5xf32>)
// CHECK: %[[TAPS:.+]] = linalg.transpose ins(%{{.+}} : tensor<4x1x1x1x2xf32>) outs(%{{.+}} : tensor<1x2x4x1x1xf32>)
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x5x2x4xf32>)
// CHECK: %[[V0:.+]] = tensor.extract_slice %[[XL]][0, 0, 0, 0] [2, 5, 2, 4] [1, 1, 1, 1]
// CHECK: %[[T0:.+]] = tensor.extract_slice %[[TAPS]][0, 0, 0, 0, 0] [1, 1, 4, 1, 1] [1, 1, 1, 1, 1] : tensor<1x2x4x1x1xf32> to tensor<4xf32>
// CHECK: %[[Y0:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[V0]], %[[T0]] : tensor<2x5x2x4xf32>, tensor<4xf32>) outs(%[[INIT]] : tensor<2x5x2x4xf32>)
// CHECK: %[[V1:.+]] = tensor.extract_slice %[[XL]][0, 0, 3, 0] [2, 5, 2, 4] [1, 1, 1, 1]
// CHECK: %[[T1:.+]] = tensor.extract_slice %[[TAPS]][0, 1, 0, 0, 0] [1, 1, 4, 1, 1] [1, 1, 1, 1, 1]
// CHECK: %[[Y1:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[ID]]], {{.*}} ins(%[[V1]], %[[T1]] : {{.*}}) outs(%[[Y0]] : tensor<2x5x2x4xf32>)
// CHECK: linalg.transpose ins(%[[Y1]] : tensor<2x5x2x4xf32>) outs(%{{.+}} : tensor<2x4x5x2xf32>) permutation = [0, 3, 1, 2]
func.func @conv2d_depthwise(%x: tensor<2x4x5x5xf32>, %w: tensor<4x1x1x2xf32>) -> tensor<2x4x5x2xf32> {
  %y = nn.conv2d %x, %w {groups = 4, dilation = array<i64: 1, 3>} : (tensor<2x4x5x5xf32>, tensor<4x1x1x2xf32>) -> tensor<2x4x5x2xf32>
  return %y : tensor<2x4x5x2xf32>
}

// -----

// Tests that max_pool2d pads with -inf (padding never wins; only the padding
// strips are filled, the copy writes the rest) and takes the maximum of the
// taps' strided views in one elementwise generic: padding [0, 0, 1, 1] makes
// the 5x5 input 6x6, windows of 2 at stride 2 give 3x3.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_pool2d
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x5x5xf32>)
// CHECK: %[[XL:.+]] = linalg.transpose ins(%[[X]] : tensor<2x3x5x5xf32>) outs(%{{.+}} : tensor<2x5x5x3xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<2x6x6x3xf32>
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[BOTTOM:.+]] = tensor.extract_slice %[[EMPTY]][0, 5, 0, 0] [2, 1, 6, 3] [1, 1, 1, 1]
// CHECK: %[[BF:.+]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%[[BOTTOM]] : tensor<2x1x6x3xf32>)
// CHECK: %[[F1:.+]] = tensor.insert_slice %[[BF]] into %[[EMPTY]][0, 5, 0, 0] [2, 1, 6, 3] [1, 1, 1, 1]
// CHECK: %[[RIGHT:.+]] = tensor.extract_slice %[[F1]][0, 0, 5, 0] [2, 5, 1, 3] [1, 1, 1, 1]
// CHECK: %[[RF:.+]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%[[RIGHT]] : tensor<2x5x1x3xf32>)
// CHECK: %[[FRAME:.+]] = tensor.insert_slice %[[RF]] into %[[F1]][0, 0, 5, 0] [2, 5, 1, 3] [1, 1, 1, 1]
// CHECK: %[[WINDOW:.+]] = tensor.extract_slice %[[FRAME]][0, 0, 0, 0] [2, 5, 5, 3] [1, 1, 1, 1]
// CHECK: %[[COPY:.+]] = linalg.copy ins(%[[XL]] : tensor<2x5x5x3xf32>) outs(%[[WINDOW]] : tensor<2x5x5x3xf32>)
// CHECK: %[[XP:.+]] = tensor.insert_slice %[[COPY]] into %[[FRAME]][0, 0, 0, 0] [2, 5, 5, 3] [1, 1, 1, 1]
// CHECK: %[[V00:.+]] = tensor.extract_slice %[[XP]][0, 0, 0, 0] [2, 3, 3, 3] [1, 2, 2, 1] : tensor<2x6x6x3xf32> to tensor<2x3x3x3xf32>
// CHECK: %[[V01:.+]] = tensor.extract_slice %[[XP]][0, 0, 1, 0] [2, 3, 3, 3] [1, 2, 2, 1]
// CHECK: %[[V10:.+]] = tensor.extract_slice %[[XP]][0, 1, 0, 0] [2, 3, 3, 3] [1, 2, 2, 1]
// CHECK: %[[V11:.+]] = tensor.extract_slice %[[XP]][0, 1, 1, 0] [2, 3, 3, 3] [1, 2, 2, 1]
// CHECK: %[[M:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[V00]], %[[V01]], %[[V10]], %[[V11]] : {{.*}})
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %[[C:.+]]: f32, %[[D:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[AB:.+]] = arith.maximumf %[[A]], %[[B]] : f32
// CHECK-NEXT: %[[ABC:.+]] = arith.maximumf %[[AB]], %[[C]] : f32
// CHECK-NEXT: %[[ABCD:.+]] = arith.maximumf %[[ABC]], %[[D]] : f32
// CHECK-NEXT: linalg.yield %[[ABCD]]
// CHECK: %[[Y:.+]] = linalg.transpose ins(%[[M]] : tensor<2x3x3x3xf32>) outs(%{{.+}} : tensor<2x3x3x3xf32>) permutation = [0, 3, 1, 2]
// CHECK-NEXT: return %[[Y]]
func.func @max_pool2d(%x: tensor<2x3x5x5xf32>) -> tensor<2x3x3x3xf32> {
  %y = nn.max_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 1, 1>}
      : tensor<2x3x5x5xf32> -> tensor<2x3x3x3xf32>
  return %y : tensor<2x3x3x3xf32>
}

// -----

// Tests that avg_pool2d sums the taps' views and scales by 1 / (window
// size), and that without padding the views are read from the transposed
// input directly (no fill, no copy).
// CHECK-LABEL: func.func @avg_pool2d
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x5x5xf32>)
// CHECK: %[[XL:.+]] = linalg.transpose ins(%[[X]] : tensor<2x3x5x5xf32>)
// CHECK-NOT: linalg.fill
// CHECK-NOT: linalg.copy
// CHECK: %[[V00:.+]] = tensor.extract_slice %[[XL]][0, 0, 0, 0] [2, 2, 2, 3] [1, 2, 2, 1] : tensor<2x5x5x3xf32> to tensor<2x2x2x3xf32>
// CHECK: %[[V01:.+]] = tensor.extract_slice %[[XL]][0, 0, 1, 0] [2, 2, 2, 3] [1, 2, 2, 1]
// CHECK: %[[V10:.+]] = tensor.extract_slice %[[XL]][0, 1, 0, 0] [2, 2, 2, 3] [1, 2, 2, 1]
// CHECK: %[[V11:.+]] = tensor.extract_slice %[[XL]][0, 1, 1, 0] [2, 2, 2, 3] [1, 2, 2, 1]
// CHECK: %[[S:.+]] = linalg.generic {{.*}} ins(%[[V00]], %[[V01]], %[[V10]], %[[V11]] : {{.*}})
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %[[C:.+]]: f32, %[[D:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[AB:.+]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT: %[[ABC:.+]] = arith.addf %[[AB]], %[[C]] : f32
// CHECK-NEXT: %[[ABCD:.+]] = arith.addf %[[ABC]], %[[D]] : f32
// CHECK-NEXT: %[[QUARTER:.+]] = arith.constant 2.500000e-01 : f32
// CHECK-NEXT: %[[MEAN:.+]] = arith.mulf %[[ABCD]], %[[QUARTER]] : f32
// CHECK-NEXT: linalg.yield %[[MEAN]]
// CHECK: linalg.transpose ins(%[[S]] : tensor<2x2x2x3xf32>) outs(%{{.+}} : tensor<2x3x2x2xf32>) permutation = [0, 3, 1, 2]
func.func @avg_pool2d(%x: tensor<2x3x5x5xf32>) -> tensor<2x3x2x2xf32> {
  %y = nn.avg_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<2x3x5x5xf32> -> tensor<2x3x2x2xf32>
  return %y : tensor<2x3x2x2xf32>
}

// -----

// Tests that global max pooling (the window is the whole unpadded input) is
// one reduction over height and width, channels innermost, from -inf, then
// [N, C] expanded to [N, C, 1, 1] (no transpose back).
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[NC:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
// CHECK-LABEL: func.func @global_max_pool2d
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x5x4xf32>)
// CHECK: %[[XL:.+]] = linalg.transpose ins(%[[X]] : tensor<2x3x5x4xf32>) outs(%{{.+}} : tensor<2x5x4x3xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.+}} : tensor<2x3xf32>)
// CHECK: %[[M:.+]] = linalg.generic {indexing_maps = [#[[IN]], #[[NC]]], iterator_types = ["parallel", "reduction", "reduction", "parallel"]} ins(%[[XL]] : tensor<2x5x4x3xf32>) outs(%[[INIT]] : tensor<2x3xf32>)
// CHECK-NEXT: ^bb0(%[[V:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[R:.+]] = arith.maximumf %[[ACC]], %[[V]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
// CHECK: %[[Y:.+]] = tensor.expand_shape %[[M]] {{\[\[}}0], [1, 2, 3]] output_shape [2, 3, 1, 1] : tensor<2x3xf32> into tensor<2x3x1x1xf32>
// CHECK-NEXT: return %[[Y]]
func.func @global_max_pool2d(%x: tensor<2x3x5x4xf32>) -> tensor<2x3x1x1xf32> {
  %y = nn.max_pool2d %x {window = array<i64: 5, 4>, strides = array<i64: 1, 1>} : tensor<2x3x5x4xf32> -> tensor<2x3x1x1xf32>
  return %y : tensor<2x3x1x1xf32>
}

// -----

// Tests that global average pooling is the sum over height and width from 0,
// then a scale by 1 / 20.
// CHECK-LABEL: func.func @global_avg_pool2d
// CHECK: %[[XL:.+]] = linalg.transpose
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2x3xf32>)
// CHECK: %[[S:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction", "parallel"]} ins(%[[XL]] : tensor<2x5x4x3xf32>) outs(%[[INIT]] : tensor<2x3xf32>)
// CHECK-NEXT: ^bb0(%[[V:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[R:.+]] = arith.addf %[[ACC]], %[[V]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[S]] : tensor<2x3xf32>)
// CHECK: arith.constant 5.000000e-02 : f32
// CHECK: arith.mulf
// CHECK: %[[Y:.+]] = tensor.expand_shape %[[MEAN]] {{\[\[}}0], [1, 2, 3]] output_shape [2, 3, 1, 1]
// CHECK-NEXT: return %[[Y]]
func.func @global_avg_pool2d(%x: tensor<2x3x5x4xf32>) -> tensor<2x3x1x1xf32> {
  %y = nn.avg_pool2d %x {window = array<i64: 5, 4>, strides = array<i64: 1, 1>} : tensor<2x3x5x4xf32> -> tensor<2x3x1x1xf32>
  return %y : tensor<2x3x1x1xf32>
}

// -----

// Tests that batch_norm in training mode works on channels-last rows: x
// [N, C, H, W] transposed to NHWC and collapsed to [N*H*W, C] = [40, 3]; the
// batch mean (column sums from 0 in f64, times 1/40) and the biased variance
// (a second pass: f64 column sums of (x - mean)^2, times 1/40); 1 / sqrt(var +
// eps) in f64; the three rounded to f32;
// the running statistics blended with momentum 0.25, the variance unbiased
// (0.25 * 40/39 = 0.25641027); then (x - mean) * invstd * weight + bias per
// row, expanded and transposed back to NCHW. Results: y, new mean, new var.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[VEC:.+]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @batch_norm_train
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4x5xf32>, %[[M:.+]]: tensor<3xf32>, %[[V:.+]]: tensor<3xf32>, %[[W:.+]]: tensor<3xf32>, %[[B:.+]]: tensor<3xf32>)
// CHECK: %[[XL:.+]] = linalg.transpose ins(%[[X]] : tensor<2x3x4x5xf32>) outs(%{{.+}} : tensor<2x4x5x3xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[R:.+]] = tensor.collapse_shape %[[XL]] {{\[\[}}0, 1, 2], [3]] : tensor<2x4x5x3xf32> into tensor<40x3xf32>
// CHECK: %[[Z1:.+]] = linalg.fill ins(%{{.+}} : f64) outs(%{{.+}} : tensor<3xf64>)
// CHECK: %[[S1:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]]], iterator_types = ["reduction", "parallel"]} ins(%[[R]] : tensor<40x3xf32>) outs(%[[Z1]] : tensor<3xf64>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %[[ACC:.+]]: f64):
// CHECK-NEXT: %[[WIDE:.+]] = arith.extf %[[IN]] : f32 to f64
// CHECK-NEXT: %[[ADD:.+]] = arith.addf %[[ACC]], %[[WIDE]] : f64
// CHECK-NEXT: linalg.yield %[[ADD]]
// CHECK: %[[MEAN64:.+]] = linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]]], iterator_types = ["parallel"]} ins(%[[S1]] : tensor<3xf64>)
// CHECK: arith.constant 2.500000e-02 : f64
// CHECK: %[[S2:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[COL]]], iterator_types = ["reduction", "parallel"]} ins(%[[R]], %[[MEAN64]] : tensor<40x3xf32>, tensor<3xf64>)
// CHECK-NEXT: ^bb0(%[[XV:.+]]: f32, %[[MV:.+]]: f64, %[[ACC2:.+]]: f64):
// CHECK-NEXT: %[[XW:.+]] = arith.extf %[[XV]] : f32 to f64
// CHECK-NEXT: %[[D:.+]] = arith.subf %[[XW]], %[[MV]] : f64
// CHECK-NEXT: %[[D2:.+]] = arith.mulf %[[D]], %[[D]] : f64
// CHECK-NEXT: %[[ADD2:.+]] = arith.addf %[[ACC2]], %[[D2]] : f64
// CHECK-NEXT: linalg.yield %[[ADD2]]
// CHECK: %[[VAR64:.+]] = linalg.generic {{.*}} ins(%[[S2]] : tensor<3xf64>)
// CHECK: arith.constant 2.500000e-02 : f64
// CHECK: %[[INV64:.+]] = linalg.generic {{.*}} ins(%[[VAR64]] : tensor<3xf64>)
// CHECK-NEXT: ^bb0(%[[VV:.+]]: f64, %{{.+}}: f64):
// CHECK-NEXT: %[[EPS:.+]] = arith.constant 1.000000e-03 : f64
// CHECK-NEXT: %[[VE:.+]] = arith.addf %[[VV]], %[[EPS]] : f64
// CHECK-NEXT: %[[SD:.+]] = math.sqrt %[[VE]] : f64
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1.000000e+00 : f64
// CHECK-NEXT: %[[RS:.+]] = arith.divf %[[ONE]], %[[SD]] : f64
// CHECK-NEXT: linalg.yield %[[RS]]
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} ins(%[[MEAN64]] : tensor<3xf64>) outs(%{{.+}} : tensor<3xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.truncf
// CHECK: %[[VAR:.+]] = linalg.generic {{.*}} ins(%[[VAR64]] : tensor<3xf64>) outs(%{{.+}} : tensor<3xf32>)
// CHECK: %[[INV:.+]] = linalg.generic {{.*}} ins(%[[INV64]] : tensor<3xf64>) outs(%{{.+}} : tensor<3xf32>)
// CHECK: %[[NM:.+]] = linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]], #[[VEC]]], iterator_types = ["parallel"]} ins(%[[M]], %[[MEAN]] : tensor<3xf32>, tensor<3xf32>)
// CHECK-NEXT: ^bb0(%[[RM:.+]]: f32, %[[BM:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[KEEP:.+]] = arith.constant 7.500000e-01 : f32
// CHECK-NEXT: %[[A:.+]] = arith.mulf %[[RM]], %[[KEEP]] : f32
// CHECK-NEXT: %[[MOM:.+]] = arith.constant 2.500000e-01 : f32
// CHECK-NEXT: %[[BB:.+]] = arith.mulf %[[BM]], %[[MOM]] : f32
// CHECK-NEXT: %[[NEW:.+]] = arith.addf %[[A]], %[[BB]] : f32
// CHECK-NEXT: linalg.yield %[[NEW]]
// CHECK: %[[NV:.+]] = linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]], #[[VEC]]], iterator_types = ["parallel"]} ins(%[[V]], %[[VAR]] : tensor<3xf32>, tensor<3xf32>)
// CHECK: arith.constant 7.500000e-01 : f32
// CHECK: arith.constant 0.256410271 : f32
// CHECK: %[[YR:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[COL]], #[[COL]], #[[COL]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[R]], %[[MEAN]], %[[INV]], %[[W]], %[[B]] : tensor<40x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
// CHECK-NEXT: ^bb0(%[[XI:.+]]: f32, %[[MI:.+]]: f32, %[[II:.+]]: f32, %[[WI:.+]]: f32, %[[BI:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[C:.+]] = arith.subf %[[XI]], %[[MI]] : f32
// CHECK-NEXT: %[[N:.+]] = arith.mulf %[[C]], %[[II]] : f32
// CHECK-NEXT: %[[S:.+]] = arith.mulf %[[N]], %[[WI]] : f32
// CHECK-NEXT: %[[SB:.+]] = arith.addf %[[S]], %[[BI]] : f32
// CHECK-NEXT: linalg.yield %[[SB]]
// CHECK: %[[YL:.+]] = tensor.expand_shape %[[YR]] {{\[\[}}0, 1, 2], [3]] output_shape [2, 4, 5, 3] : tensor<40x3xf32> into tensor<2x4x5x3xf32>
// CHECK: %[[Y:.+]] = linalg.transpose ins(%[[YL]] : tensor<2x4x5x3xf32>) outs(%{{.+}} : tensor<2x3x4x5xf32>) permutation = [0, 3, 1, 2]
// CHECK-NEXT: return %[[Y]], %[[NM]], %[[NV]]
func.func @batch_norm_train(%x: tensor<2x3x4x5xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>, %w: tensor<3xf32>,
                            %b: tensor<3xf32>) -> (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y, %nm, %nv = nn.batch_norm %x, %m, %v weight %w bias %b {momentum = 0.25, epsilon = 1.0e-3, training}
      : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
      -> (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y, %nm, %nv : tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Tests that batch_norm in eval mode (no training attribute) on [N, F] reads
// the running statistics: no reduction, no transpose ([N, F] are already
// rows), 1 / sqrt(running_var + eps), then (x - running_mean) * invstd per row
// (no weight: no scale or shift); the running statistics are returned as they
// are.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @batch_norm_eval
// CHECK-SAME: (%[[X:.+]]: tensor<6x5xf32>, %[[M:.+]]: tensor<5xf32>, %[[V:.+]]: tensor<5xf32>)
// CHECK-NOT: linalg.transpose
// CHECK-NOT: "reduction"
// CHECK: %[[INV:.+]] = linalg.generic {{.*}} ins(%[[V]] : tensor<5xf32>)
// CHECK-NEXT: ^bb0(%[[VV:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[EPS:.+]] = arith.constant 1.000000e-03 : f32
// CHECK-NEXT: %[[VE:.+]] = arith.addf %[[VV]], %[[EPS]] : f32
// CHECK-NEXT: %[[SD:.+]] = math.sqrt %[[VE]] : f32
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: arith.divf %[[ONE]], %[[SD]] : f32
// CHECK: %[[Y:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[COL]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[M]], %[[INV]] : tensor<6x5xf32>, tensor<5xf32>, tensor<5xf32>)
// CHECK-NEXT: ^bb0(%[[XI:.+]]: f32, %[[MI:.+]]: f32, %[[II:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[C:.+]] = arith.subf %[[XI]], %[[MI]] : f32
// CHECK-NEXT: %[[N:.+]] = arith.mulf %[[C]], %[[II]] : f32
// CHECK-NEXT: linalg.yield %[[N]]
// CHECK-NOT: linalg.transpose
// CHECK: return %[[Y]], %[[M]], %[[V]]
func.func @batch_norm_eval(%x: tensor<6x5xf32>, %m: tensor<5xf32>, %v: tensor<5xf32>)
    -> (tensor<6x5xf32>, tensor<5xf32>, tensor<5xf32>) {
  %y:3 = nn.batch_norm %x, %m, %v {momentum = 0.25, epsilon = 1.0e-3}
      : (tensor<6x5xf32>, tensor<5xf32>, tensor<5xf32>) -> (tensor<6x5xf32>, tensor<5xf32>, tensor<5xf32>)
  return %y#0, %y#1, %y#2 : tensor<6x5xf32>, tensor<5xf32>, tensor<5xf32>
}

// -----

// Tests that local_response_norm squares x, pads the squares along the
// channels with zeros (size 4: size/2 = 2 channels before, (size-1)/2 = 1
// after, as PyTorch), sums the 4 channel-shifted views, and computes
// d = k + alpha/size * sum (0.5 / 4 = 0.125, k = 2), then x * d^-beta.
// CHECK-LABEL: func.func @local_response_norm
// CHECK-SAME: (%[[X:.+]]: tensor<2x6x3x3xf32>)
// CHECK: %[[SQ:.+]] = linalg.generic {{.*}} ins(%[[X]] : tensor<2x6x3x3xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[X2:.+]] = arith.mulf %[[XV]], %[[XV]] : f32
// CHECK-NEXT: linalg.yield %[[X2]]
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[FRAME:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2x9x3x3xf32>)
// CHECK: %[[WINDOW:.+]] = tensor.extract_slice %[[FRAME]][0, 2, 0, 0] [2, 6, 3, 3] [1, 1, 1, 1] : tensor<2x9x3x3xf32> to tensor<2x6x3x3xf32>
// CHECK: %[[COPY:.+]] = linalg.copy ins(%[[SQ]] : tensor<2x6x3x3xf32>) outs(%[[WINDOW]] : tensor<2x6x3x3xf32>)
// CHECK: %[[P:.+]] = tensor.insert_slice %[[COPY]] into %[[FRAME]][0, 2, 0, 0] [2, 6, 3, 3] [1, 1, 1, 1]
// CHECK: %[[V0:.+]] = tensor.extract_slice %[[P]][0, 0, 0, 0] [2, 6, 3, 3] [1, 1, 1, 1]
// CHECK: %[[V1:.+]] = tensor.extract_slice %[[P]][0, 1, 0, 0] [2, 6, 3, 3] [1, 1, 1, 1]
// CHECK: %[[V2:.+]] = tensor.extract_slice %[[P]][0, 2, 0, 0] [2, 6, 3, 3] [1, 1, 1, 1]
// CHECK: %[[V3:.+]] = tensor.extract_slice %[[P]][0, 3, 0, 0] [2, 6, 3, 3] [1, 1, 1, 1]
// CHECK: %[[D:.+]] = linalg.generic {{.*}} ins(%[[V0]], %[[V1]], %[[V2]], %[[V3]] : {{.*}})
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %[[C:.+]]: f32, %[[E:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[AB:.+]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT: %[[ABC:.+]] = arith.addf %[[AB]], %[[C]] : f32
// CHECK-NEXT: %[[SUM:.+]] = arith.addf %[[ABC]], %[[E]] : f32
// CHECK-NEXT: %[[SCALE:.+]] = arith.constant 1.250000e-01 : f32
// CHECK-NEXT: %[[SS:.+]] = arith.mulf %[[SUM]], %[[SCALE]] : f32
// CHECK-NEXT: %[[K:.+]] = arith.constant 2.000000e+00 : f32
// CHECK-NEXT: %[[DEN:.+]] = arith.addf %[[SS]], %[[K]] : f32
// CHECK-NEXT: linalg.yield %[[DEN]]
// CHECK: %[[Y:.+]] = linalg.generic {{.*}} ins(%[[X]], %[[D]] : tensor<2x6x3x3xf32>, tensor<2x6x3x3xf32>)
// CHECK-NEXT: ^bb0(%[[XI:.+]]: f32, %[[DI:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[NB:.+]] = arith.constant -7.500000e-01 : f32
// CHECK-NEXT: %[[POW:.+]] = math.powf %[[DI]], %[[NB]] : f32
// CHECK-NEXT: %[[R:.+]] = arith.mulf %[[XI]], %[[POW]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
// CHECK: return %[[Y]]
func.func @local_response_norm(%x: tensor<2x6x3x3xf32>) -> tensor<2x6x3x3xf32> {
  %y = nn.local_response_norm %x {size = 4, alpha = 0.5, beta = 0.75, k = 2.0} : tensor<2x6x3x3xf32>
  return %y : tensor<2x6x3x3xf32>
}

// -----

// Tests that a local_response_norm window wider than the channels can reach
// (size 9 on 3 channels: 2 * 3 - 1 = 5 channel offsets are ever inside) is
// cut to those: 2 channels of padding on each side, 5 views summed, while
// alpha is still divided by the size (0.9 / 9 = 0.1).
// CHECK-LABEL: func.func @local_response_norm_wide
// CHECK: linalg.fill {{.*}} outs(%{{.+}} : tensor<2x7x3x3xf32>)
// CHECK: %[[P:.+]] = tensor.insert_slice %{{.+}}[0, 2, 0, 0] [2, 3, 3, 3] [1, 1, 1, 1] : tensor<2x3x3x3xf32> into tensor<2x7x3x3xf32>
// CHECK-COUNT-5: tensor.extract_slice %[[P]][0, {{[0-4]}}, 0, 0] [2, 3, 3, 3] [1, 1, 1, 1] : tensor<2x7x3x3xf32> to tensor<2x3x3x3xf32>
// CHECK-NOT: tensor.extract_slice
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : {{.*}})
// CHECK: arith.constant 1.000000e-01 : f32
func.func @local_response_norm_wide(%x: tensor<2x3x3x3xf32>) -> tensor<2x3x3x3xf32> {
  %y = nn.local_response_norm %x {size = 9, alpha = 0.9, beta = 0.75, k = 2.0} : tensor<2x3x3x3xf32>
  return %y : tensor<2x3x3x3xf32>
}

// -----

// Tests that count in training mode adds one to the scalar (no kernel), and
// is its input otherwise.
// CHECK-LABEL: func.func @count
// CHECK-SAME: (%[[N:.+]]: tensor<i64>)
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1 : i64
// CHECK-DAG: %[[V:.+]] = tensor.extract %[[N]][] : tensor<i64>
// CHECK: %[[S:.+]] = arith.addi %[[V]], %[[ONE]] : i64
// CHECK: %[[T:.+]] = tensor.from_elements %[[S]] : tensor<i64>
// CHECK: return %[[T]], %[[N]]
func.func @count(%n: tensor<i64>) -> (tensor<i64>, tensor<i64>) {
  %a = nn.count %n {training} : tensor<i64>
  %b = nn.count %n : tensor<i64>
  return %a, %b : tensor<i64>, tensor<i64>
}

// -----

// Tests that dense on [batch, steps, in] collapses the leading dims into rows, does the 2-D matmul and bias add, and expands back.
// CHECK-LABEL: func.func @dense_rank3
// CHECK-SAME: (%[[X:.+]]: tensor<4x8x16xf32>, %[[W:.+]]: tensor<32x16xf32>, %[[B:.+]]: tensor<32xf32>)
// CHECK: %[[ROWS:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<4x8x16xf32> into tensor<32x16xf32>
// CHECK: %[[WT:.+]] = linalg.transpose ins(%[[W]] : tensor<32x16xf32>)
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[ROWS]], %[[WT]] : tensor<32x16xf32>, tensor<16x32xf32>)
// CHECK: %[[Y:.+]] = linalg.generic {{.*}} ins(%[[MM]], %[[B]] : tensor<32x32xf32>, tensor<32xf32>)
// CHECK: %[[OUT:.+]] = tensor.expand_shape %[[Y]] {{\[\[}}0, 1], [2]] output_shape [4, 8, 32] : tensor<32x32xf32> into tensor<4x8x32xf32>
// CHECK: return %[[OUT]]
func.func @dense_rank3(%x: tensor<4x8x16xf32>, %w: tensor<32x16xf32>, %b: tensor<32xf32>) -> tensor<4x8x32xf32> {
  %y = nn.dense %x, %w, %b : (tensor<4x8x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<4x8x32xf32>
  return %y : tensor<4x8x32xf32>
}

// -----

// Tests that embedding is one parallel generic over [batch, steps, dim] reading the id per (batch, step), clamping it
// to [0, rows - 1] (a bad id reads a real row) and extracting weight[id, d].
// CHECK-DAG: #[[IDS:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @embedding
// CHECK-SAME: (%[[I:.+]]: tensor<4x8xi32>, %[[W:.+]]: tensor<100x16xf32>)
// CHECK: %[[E:.+]] = linalg.generic {indexing_maps = [#[[IDS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[I]] : tensor<4x8xi32>) outs(%{{.+}} : tensor<4x8x16xf32>)
// CHECK-NEXT: ^bb0(%[[ID:.+]]: i32, %{{.+}}: f32):
// CHECK-DAG: %[[LO:.+]] = arith.constant 0 : i32
// CHECK-DAG: %[[HI:.+]] = arith.constant 99 : i32
// CHECK: %[[A:.+]] = arith.maxsi %[[ID]], %[[LO]] : i32
// CHECK-NEXT: %[[C:.+]] = arith.minsi %[[A]], %[[HI]] : i32
// CHECK-NEXT: %[[ROW:.+]] = arith.index_cast %[[C]] : i32 to index
// CHECK-NEXT: %[[COL:.+]] = linalg.index 2 : index
// CHECK-NEXT: %[[V:.+]] = tensor.extract %[[W]][%[[ROW]], %[[COL]]] : tensor<100x16xf32>
// CHECK-NEXT: linalg.yield %[[V]] : f32
// CHECK: return %[[E]]
func.func @embedding(%ids: tensor<4x8xi32>, %w: tensor<100x16xf32>) -> tensor<4x8x16xf32> {
  %e = nn.embedding %ids, %w : (tensor<4x8xi32>, tensor<100x16xf32>) -> tensor<4x8x16xf32>
  return %e : tensor<4x8x16xf32>
}

// -----

// Tests that position_embedding adds the table's first 8 of 10 rows, broadcast over the batch.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[POS:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @position_embedding
// CHECK-SAME: (%[[X:.+]]: tensor<4x8x16xf32>, %[[W:.+]]: tensor<10x16xf32>)
// CHECK: %[[ROWS:.+]] = tensor.extract_slice %[[W]][0, 0] [8, 16] [1, 1] : tensor<10x16xf32> to tensor<8x16xf32>
// CHECK: %[[Y:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[POS]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[X]], %[[ROWS]] : tensor<4x8x16xf32>, tensor<8x16xf32>)
// CHECK: arith.addf
// CHECK: return %[[Y]]
func.func @position_embedding(%x: tensor<4x8x16xf32>, %w: tensor<10x16xf32>) -> tensor<4x8x16xf32> {
  %y = nn.position_embedding %x, %w : tensor<4x8x16xf32>, tensor<10x16xf32>
  return %y : tensor<4x8x16xf32>
}

// -----

// Tests that layer_norm works on rows [batch * steps, features]: the row mean (sum * 1/16), x - mean, the mean of
// its squares (the biased variance), rstd = 1 / sqrt(var + epsilon), then the scale by rstd, the weight and the bias,
// and expands back.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[FEAT:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.+]]: tensor<4x8x16xf32>, %[[W:.+]]: tensor<16xf32>, %[[B:.+]]: tensor<16xf32>)
// CHECK: %[[R:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<4x8x16xf32> into tensor<32x16xf32>
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[R]] : tensor<32x16xf32>)
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<32xf32>)
// CHECK: arith.constant 6.250000e-02 : f32
// CHECK: %[[D:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], {{.*}} ins(%[[R]], %[[MEAN]] : tensor<32x16xf32>, tensor<32xf32>)
// CHECK: arith.subf
// CHECK: %[[SQ:.+]] = linalg.generic {{.*}} ins(%[[D]] : tensor<32x16xf32>)
// CHECK: %[[SQSUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[SQ]] : tensor<32x16xf32>)
// CHECK: %[[VAR:.+]] = linalg.generic {{.*}} ins(%[[SQSUM]] : tensor<32xf32>)
// CHECK: %[[RSTD:.+]] = linalg.generic {{.*}} ins(%[[VAR]] : tensor<32xf32>)
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[EPS:.+]] = arith.constant 1.000000e-03 : f32
// CHECK: %[[VE:.+]] = arith.addf %{{.+}}, %[[EPS]] : f32
// CHECK-NEXT: %[[SQRT:.+]] = math.sqrt %[[VE]] : f32
// CHECK-NEXT: arith.divf %[[ONE]], %[[SQRT]] : f32
// CHECK: %[[N:.+]] = linalg.generic {{.*}} ins(%[[D]], %[[RSTD]] : tensor<32x16xf32>, tensor<32xf32>)
// CHECK: %[[S:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[FEAT]], #[[ID]]], {{.*}} ins(%[[N]], %[[W]] : tensor<32x16xf32>, tensor<16xf32>)
// CHECK: arith.mulf
// CHECK: %[[Y:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[FEAT]], #[[ID]]], {{.*}} ins(%[[S]], %[[B]] : tensor<32x16xf32>, tensor<16xf32>)
// CHECK: arith.addf
// CHECK: %[[OUT:.+]] = tensor.expand_shape %[[Y]] {{\[\[}}0, 1], [2]] output_shape [4, 8, 16] : tensor<32x16xf32> into tensor<4x8x16xf32>
// CHECK: return %[[OUT]]
func.func @layer_norm(%x: tensor<4x8x16xf32>, %w: tensor<16xf32>, %b: tensor<16xf32>) -> tensor<4x8x16xf32> {
  %y = nn.layer_norm %x weight %w bias %b {epsilon = 1.0e-3}
      : (tensor<4x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x8x16xf32>
  return %y : tensor<4x8x16xf32>
}

// -----

// Tests that layer_norm on [batch, features] without weight and bias needs no reshape and ends with the scale by rstd.
// CHECK-LABEL: func.func @layer_norm_plain
// CHECK-SAME: (%[[X:.+]]: tensor<4x16xf32>)
// CHECK-NOT: tensor.collapse_shape
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<4x16xf32>)
// CHECK: arith.constant 9.99999974E-6 : f32
// CHECK: math.sqrt
// CHECK: %[[Y:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<4x16xf32>, tensor<4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.mulf
// CHECK-NOT: linalg.generic
// CHECK-NOT: tensor.expand_shape
// CHECK: return %[[Y]]
func.func @layer_norm_plain(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = nn.layer_norm %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Tests that gelu is the exact x (1 + erf(x / sqrt(2))) / 2 in one elementwise generic.
// CHECK-LABEL: func.func @gelu
// CHECK-SAME: (%[[X:.+]]: tensor<4x8x16xf32>)
// CHECK: %[[Y:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[X]] : tensor<4x8x16xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[RSQRT2:.+]] = arith.constant 0.707106769 : f32
// CHECK-NEXT: %[[S:.+]] = arith.mulf %[[IN]], %[[RSQRT2]] : f32
// CHECK-NEXT: %[[ERF:.+]] = math.erf %[[S]] : f32
// CHECK-NEXT: %[[HALF:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[H:.+]] = arith.mulf %[[IN]], %[[HALF]] : f32
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[P:.+]] = arith.addf %[[ONE]], %[[ERF]] : f32
// CHECK-NEXT: %[[R:.+]] = arith.mulf %[[H]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
// CHECK: return %[[Y]]
func.func @gelu(%x: tensor<4x8x16xf32>) -> tensor<4x8x16xf32> {
  %y = nn.gelu %x : tensor<4x8x16xf32>
  return %y : tensor<4x8x16xf32>
}

// -----

// Tests that add and multiply are elementwise generics (addf, mulf) over the operands' shape.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @add_multiply
// CHECK-SAME: (%[[A:.+]]: tensor<4x8xf32>, %[[B:.+]]: tensor<4x8xf32>)
// CHECK: %[[S:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[A]], %[[B]] : tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK-NEXT: ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[SUM:.+]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT: linalg.yield %[[SUM]]
// CHECK: %[[M:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[S]], %[[B]] : tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK-NEXT: ^bb0(%[[U:.+]]: f32, %[[V:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[PROD:.+]] = arith.mulf %[[U]], %[[V]] : f32
// CHECK-NEXT: linalg.yield %[[PROD]]
// CHECK: return %[[M]]
func.func @add_multiply(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %s = nn.add %a, %b : tensor<4x8xf32>
  %m = nn.multiply %s, %b : tensor<4x8xf32>
  return %m : tensor<4x8xf32>
}

// -----

// Tests that concat inserts each input into an empty result at its offset along the axis (0, then 16).
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.+]]: tensor<4x8x16xf32>, %[[B:.+]]: tensor<4x8x4xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x8x20xf32>
// CHECK: %[[I0:.+]] = tensor.insert_slice %[[A]] into %[[E]][0, 0, 0] [4, 8, 16] [1, 1, 1] : tensor<4x8x16xf32> into tensor<4x8x20xf32>
// CHECK: %[[I1:.+]] = tensor.insert_slice %[[B]] into %[[I0]][0, 0, 16] [4, 8, 4] [1, 1, 1] : tensor<4x8x4xf32> into tensor<4x8x20xf32>
// CHECK: return %[[I1]]
func.func @concat(%a: tensor<4x8x16xf32>, %b: tensor<4x8x4xf32>) -> tensor<4x8x20xf32> {
  %y = nn.concat %a, %b {axis = 2} : (tensor<4x8x16xf32>, tensor<4x8x4xf32>) -> tensor<4x8x20xf32>
  return %y : tensor<4x8x20xf32>
}

// -----

// Tests that concat on a middle axis offsets the second and third inputs by the sizes before them (8, then 10).
// CHECK-LABEL: func.func @concat_middle
// CHECK-SAME: (%[[A:.+]]: tensor<4x8x16xf32>, %[[C:.+]]: tensor<4x2x16xf32>)
// CHECK: %[[I0:.+]] = tensor.insert_slice %[[A]] into %{{.+}}[0, 0, 0] [4, 8, 16] [1, 1, 1]
// CHECK: %[[I1:.+]] = tensor.insert_slice %[[C]] into %[[I0]][0, 8, 0] [4, 2, 16] [1, 1, 1]
// CHECK: %[[I2:.+]] = tensor.insert_slice %[[A]] into %[[I1]][0, 10, 0] [4, 8, 16] [1, 1, 1]
// CHECK: return %[[I2]]
func.func @concat_middle(%a: tensor<4x8x16xf32>, %c: tensor<4x2x16xf32>) -> tensor<4x18x16xf32> {
  %y = nn.concat %a, %c, %a {axis = 1} : (tensor<4x8x16xf32>, tensor<4x2x16xf32>, tensor<4x8x16xf32>) -> tensor<4x18x16xf32>
  return %y : tensor<4x18x16xf32>
}

// -----

// Tests that reduce_max over axis 1 is one reduction from -inf with arith.maximumf (NaN propagates), dropping the axis.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @reduce_max
// CHECK-SAME: (%[[X:.+]]: tensor<4x8x16xf32>)
// CHECK: %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[NINF]] : f32) outs(%{{.+}} : tensor<4x16xf32>)
// CHECK: %[[M:.+]] = linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[X]] : tensor<4x8x16xf32>) outs(%[[INIT]] : tensor<4x16xf32>)
// CHECK-NEXT: ^bb0(%[[V:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[R:.+]] = arith.maximumf %[[ACC]], %[[V]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
// CHECK: return %[[M]]
func.func @reduce_max(%x: tensor<4x8x16xf32>) -> tensor<4x16xf32> {
  %y = nn.reduce_max %x {axis = 1} : tensor<4x8x16xf32> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Tests that reduce_mean over axis 1 is a sum from 0 and a scale by 1/8.
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @reduce_mean
// CHECK-SAME: (%[[X:.+]]: tensor<4x8x16xf32>)
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<4x16xf32>)
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#{{.+}}, #[[OUT]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[X]] : tensor<4x8x16xf32>) outs(%[[INIT]] : tensor<4x16xf32>)
// CHECK: arith.addf
// CHECK: %[[M:.+]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<4x16xf32>)
// CHECK: arith.constant 1.250000e-01 : f32
// CHECK: return %[[M]]
func.func @reduce_mean(%x: tensor<4x8x16xf32>) -> tensor<4x16xf32> {
  %y = nn.reduce_mean %x {axis = 1} : tensor<4x8x16xf32> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Tests that softmax_cross_entropy on logits [batch, steps, classes] with labels [batch, steps] works on rows:
// logits collapsed to [32, 10], labels to [32], the pick per row, and the mean over all 32 rows (1/32).
// CHECK-LABEL: func.func @cross_entropy_steps
// CHECK-SAME: (%[[X:.+]]: tensor<4x8x10xf32>, %[[L:.+]]: tensor<4x8xi64>)
// CHECK: %[[ROWS:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<4x8x10xf32> into tensor<32x10xf32>
// CHECK: %[[LBL:.+]] = tensor.collapse_shape %[[L]] {{\[\[}}0, 1]] : tensor<4x8xi64> into tensor<32xi64>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[ROWS]] : tensor<32x10xf32>)
// CHECK: arith.maximumf
// CHECK: %[[PICK:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[ROWS]], %[[LBL]] : tensor<32x10xf32>, tensor<32xi64>)
// CHECK: arith.index_cast %{{.+}} : i64 to index
// CHECK: %[[PER:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %{{.+}}, %[[PICK]] : tensor<32xf32>, tensor<32xf32>, tensor<32xf32>)
// CHECK: %[[TOTAL:.+]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[PER]] : tensor<32xf32>)
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} ins(%[[TOTAL]] : tensor<f32>)
// CHECK: arith.constant 3.125000e-02 : f32
// CHECK: return %[[MEAN]] : tensor<f32>
func.func @cross_entropy_steps(%x: tensor<4x8x10xf32>, %labels: tensor<4x8xi64>) -> tensor<f32> {
  %l = nn.softmax_cross_entropy %x, %labels : tensor<4x8x10xf32>, tensor<4x8xi64> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that causal attention (batch 3, 2 heads of d = 4 over 5 steps) views the packed rows [3, 5, 24] as
// [3, 5, 3, 2, 4] and loops over the batch, then the heads, carrying the heads' outputs [3, 5, 2, 4] and the
// logsumexp [3, 2, 5]. The 5 steps are below the default block (64), so a tile is all 5 queries or keys: the one
// query tile (from q0 = 0) is emitted inline, with no loop. Its Q is a [5, 4] block (part 0) and the online softmax
// starts from a running max m = -inf, a sum l = 0 and an accumulator [5, 4] = 0. Causal, the query tile sees the
// keys up to its own end q0 + 5 = 5: one key tile, inline too (from k0 = 0), updating m, l and the accumulator.
// Per key tile K and V are [5, 4] blocks (part 1, 2) at k0; S = Q Kᵀ is a
// matmul with the transposed K block, scaled by 1/√4, with the future (k0 + j > q0 + i) at -inf. Then
// m' = max(m, rowmax S), P = exp(S - m'), alpha = exp(m - m'); l is updated in place to l alpha + rowsum P and the
// accumulator to alpha acc + P V (the scaling in place, then a matmul into it); m' is written back into m with
// materialize_in_destination, after its readers. After the key loop O = acc / l and the logsumexp row is
// m + log(l), both written at q0. No [batch, heads, steps, steps] tensor and no dropout (not training).
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[VEC:.+]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @attention_causal
// CHECK-SAME: (%[[QKV:.+]]: tensor<3x5x24xf32>)
// CHECK: %[[P5:.+]] = tensor.expand_shape %[[QKV]] {{\[\[}}0], [1], [2, 3, 4]] output_shape [3, 5, 3, 2, 4] : tensor<3x5x24xf32> into tensor<3x5x3x2x4xf32>
// CHECK-NOT: tensor<3x2x5x5xf32>
// CHECK: %[[OUT0:.+]] = tensor.empty() : tensor<3x5x2x4xf32>
// CHECK: %[[LSE0:.+]] = tensor.empty() : tensor<3x2x5xf32>
// CHECK: %[[NB:.+]] = arith.constant 3 : index
// CHECK: %[[R:.+]]:2 = scf.for %[[B:.+]] = %{{.+}} to %[[NB]] step %{{.+}} iter_args(%[[OA:.+]] = %[[OUT0]], %[[LA:.+]] = %[[LSE0]]) -> (tensor<3x5x2x4xf32>, tensor<3x2x5xf32>) {
// CHECK: %[[NH:.+]] = arith.constant 2 : index
// CHECK: %[[RH:.+]]:2 = scf.for %[[H:.+]] = %{{.+}} to %[[NH]] step %{{.+}} iter_args(%[[OH:.+]] = %[[OA]], %[[LH:.+]] = %[[LA]]) -> (tensor<3x5x2x4xf32>, tensor<3x2x5xf32>) {
// CHECK-NEXT: %[[Q0:.+]] = arith.constant 0 : index
// CHECK-NEXT: arith.constant 5 : index
// CHECK-NEXT: %[[Q:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[Q0]], 0, %[[H]], 0] [1, 5, 1, 1, 4] [1, 1, 1, 1, 1] : tensor<3x5x3x2x4xf32> to tensor<5x4xf32>
// CHECK-NEXT: tensor.empty() : tensor<5xf32>
// CHECK-NEXT: %[[NINF0:.+]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT: %[[MI:.+]] = linalg.fill ins(%[[NINF0]] : f32) outs(%{{.+}} : tensor<5xf32>) -> tensor<5xf32>
// CHECK-NEXT: tensor.empty() : tensor<5xf32>
// CHECK-NEXT: %[[Z0:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[LI:.+]] = linalg.fill ins(%[[Z0]] : f32) outs(%{{.+}} : tensor<5xf32>) -> tensor<5xf32>
// CHECK-NEXT: tensor.empty() : tensor<5x4xf32>
// CHECK-NEXT: %[[Z1:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[AI:.+]] = linalg.fill ins(%[[Z1]] : f32) outs(%{{.+}} : tensor<5x4xf32>) -> tensor<5x4xf32>
// CHECK-NEXT: arith.constant 5 : index
// CHECK-NEXT: arith.constant 5 : index
// CHECK-NEXT: %[[K0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[K:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[K0]], 1, %[[H]], 0] [1, 5, 1, 1, 4] [1, 1, 1, 1, 1] : tensor<3x5x3x2x4xf32> to tensor<5x4xf32>
// CHECK-NEXT: %[[V:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[K0]], 2, %[[H]], 0] [1, 5, 1, 1, 4] [1, 1, 1, 1, 1] : tensor<3x5x3x2x4xf32> to tensor<5x4xf32>
// CHECK-NEXT: tensor.empty() : tensor<4x5xf32>
// CHECK-NEXT: %[[KT:.+]] = linalg.transpose ins(%[[K]] : tensor<5x4xf32>) outs(%{{.+}} : tensor<4x5xf32>) permutation = [1, 0]
// CHECK: %[[SZ:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<5x5xf32>)
// CHECK-NEXT: %[[QK:.+]] = linalg.matmul ins(%[[Q]], %[[KT]] : tensor<5x4xf32>, tensor<4x5xf32>) outs(%[[SZ]] : tensor<5x5xf32>)
// CHECK: %[[S:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[QK]] : tensor<5x5xf32>)
// CHECK-NEXT: ^bb0(%[[SV:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[SCALE:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[SCALED:.+]] = arith.mulf %[[SV]], %[[SCALE]] : f32
// CHECK-NEXT: %[[II:.+]] = linalg.index 0 : index
// CHECK-NEXT: %[[I:.+]] = arith.addi %[[Q0]], %[[II]] : index
// CHECK-NEXT: %[[JJ:.+]] = linalg.index 1 : index
// CHECK-NEXT: %[[J:.+]] = arith.addi %[[K0]], %[[JJ]] : index
// CHECK-NEXT: %[[FUTURE:.+]] = arith.cmpi ugt, %[[J]], %[[I]] : index
// CHECK-NEXT: %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT: %[[SEL:.+]] = arith.select %[[FUTURE]], %[[NINF]], %[[SCALED]] : f32
// CHECK-NEXT: linalg.yield %[[SEL]] : f32
// CHECK: %[[TMAX:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[S]] : tensor<5x5xf32>) outs(%{{.+}} : tensor<5xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.maximumf
// CHECK: %[[MNEW:.+]] = linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]], #[[VEC]]], iterator_types = ["parallel"]} ins(%[[MI]], %[[TMAX]] : tensor<5xf32>, tensor<5xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.maximumf
// CHECK: %[[P:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[S]], %[[MNEW]] : tensor<5x5xf32>, tensor<5xf32>)
// CHECK-NEXT: ^bb0(%[[EA:[^:]+]]: f32, %[[EB:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[D:.+]] = arith.subf %[[EA]], %[[EB]] : f32
// CHECK-NEXT: %[[EX:.+]] = math.exp %[[D]] : f32
// CHECK-NEXT: linalg.yield %[[EX]] : f32
// CHECK: %[[ALPHA:.+]] = linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]], #[[VEC]]], iterator_types = ["parallel"]} ins(%[[MI]], %[[MNEW]] : tensor<5xf32>, tensor<5xf32>)
// CHECK-NEXT: ^bb0(%[[AA:[^:]+]]: f32, %[[AB:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[AD:.+]] = arith.subf %[[AA]], %[[AB]] : f32
// CHECK-NEXT: %[[AE:.+]] = math.exp %[[AD]] : f32
// CHECK-NEXT: linalg.yield %[[AE]] : f32
// CHECK: %[[TSUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[P]] : tensor<5x5xf32>) outs(%{{.+}} : tensor<5xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK: %[[LNEW:.+]] = linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]], #[[VEC]]], iterator_types = ["parallel"]} ins(%[[ALPHA]], %[[TSUM]] : tensor<5xf32>, tensor<5xf32>) outs(%[[LI]] : tensor<5xf32>)
// CHECK-NEXT: ^bb0(%[[LA1:[^:]+]]: f32, %[[LS1:[^:]+]]: f32, %[[LO1:[^:]+]]: f32):
// CHECK-NEXT: %[[LM1:.+]] = arith.mulf %[[LO1]], %[[LA1]] : f32
// CHECK-NEXT: %[[LR1:.+]] = arith.addf %[[LM1]], %[[LS1]] : f32
// CHECK-NEXT: linalg.yield %[[LR1]] : f32
// CHECK: %[[ASC:.+]] = linalg.generic {indexing_maps = [#[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[ALPHA]] : tensor<5xf32>) outs(%[[AI]] : tensor<5x4xf32>)
// CHECK-NEXT: ^bb0(%[[SA:[^:]+]]: f32, %[[SO:[^:]+]]: f32):
// CHECK-NEXT: %[[SM:.+]] = arith.mulf %[[SA]], %[[SO]] : f32
// CHECK-NEXT: linalg.yield %[[SM]] : f32
// CHECK-NEXT: } -> tensor<5x4xf32>
// CHECK-NEXT: %[[PV:.+]] = linalg.matmul ins(%[[P]], %[[V]] : tensor<5x5xf32>, tensor<5x4xf32>) outs(%[[ASC]] : tensor<5x4xf32>) -> tensor<5x4xf32>
// CHECK-NEXT: %[[MW:.+]] = bufferization.materialize_in_destination %[[MNEW]] in %[[MI]] : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xf32>
// CHECK-NEXT: tensor.empty() : tensor<5x4xf32>
// CHECK-NEXT: %[[O:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[PV]], %[[LNEW]] : tensor<5x4xf32>, tensor<5xf32>)
// CHECK-NEXT: ^bb0(%[[OA1:[^:]+]]: f32, %[[OB1:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[DIV:.+]] = arith.divf %[[OA1]], %[[OB1]] : f32
// CHECK-NEXT: linalg.yield %[[DIV]] : f32
// CHECK-NEXT: } -> tensor<5x4xf32>
// CHECK-NEXT: tensor.empty() : tensor<5xf32>
// CHECK-NEXT: %[[LSE:.+]] = linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]], #[[VEC]]], iterator_types = ["parallel"]} ins(%[[MW]], %[[LNEW]] : tensor<5xf32>, tensor<5xf32>)
// CHECK-NEXT: ^bb0(%[[LM:[^:]+]]: f32, %[[LS:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[LOG:.+]] = math.log %[[LS]] : f32
// CHECK-NEXT: %[[LR:.+]] = arith.addf %[[LM]], %[[LOG]] : f32
// CHECK-NEXT: linalg.yield %[[LR]] : f32
// CHECK-NEXT: } -> tensor<5xf32>
// CHECK-NEXT: %[[OI:.+]] = tensor.insert_slice %[[O]] into %[[OH]][%[[B]], %[[Q0]], %[[H]], 0] [1, 5, 1, 4] [1, 1, 1, 1] : tensor<5x4xf32> into tensor<3x5x2x4xf32>
// CHECK-NEXT: %[[LI2:.+]] = tensor.insert_slice %[[LSE]] into %[[LH]][%[[B]], %[[H]], %[[Q0]]] [1, 1, 5] [1, 1, 1] : tensor<5xf32> into tensor<3x2x5xf32>
// CHECK-NEXT: scf.yield %[[OI]], %[[LI2]] : tensor<3x5x2x4xf32>, tensor<3x2x5xf32>
// CHECK-NEXT: }
// CHECK-NEXT: scf.yield %[[RH]]#0, %[[RH]]#1 : tensor<3x5x2x4xf32>, tensor<3x2x5xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[Y:.+]] = tensor.collapse_shape %[[R]]#0 {{\[\[}}0], [1], [2, 3]] : tensor<3x5x2x4xf32> into tensor<3x5x8xf32>
// CHECK-NEXT: return %[[Y]], %[[R]]#1 : tensor<3x5x8xf32>, tensor<3x2x5xf32>
func.func @attention_causal(%qkv: tensor<3x5x24xf32>) -> (tensor<3x5x8xf32>, tensor<3x2x5xf32>) {
  %o, %lse = nn.attention %qkv {num_heads = 2, causal} : tensor<3x5x24xf32> -> (tensor<3x5x8xf32>, tensor<3x2x5xf32>)
  return %o, %lse : tensor<3x5x8xf32>, tensor<3x2x5xf32>
}

// -----

// Tests that attention in training with rate > 0 (batch 2, 2 heads of d = 8 over 3 steps, no causal mask) drops
// out the unnormalized weights P = exp(S - m) of each (query, key) tile between the online softmax and the P V
// matmul that accumulates into the carried output, as nn.dropout would drop element (b, h, i, j) of a
// [2, 2, 3, 3] tensor. The 3 steps make one tile of queries and one of keys; not causal, the key range [0, 3) is
// a constant single tile, so both are emitted inline, with no loop inside the heads. The tile's base index is
// ((b * 2 + h) * 3 + q0) * 3 + k0 (i64), and element (i, j) of the tile is base + i * 3 + j * 1 (the whole
// tensor's row stride 3, not the tile's). The key is from (seed, step, stream 7) (7 * 0x165667B19E3779F9 mod 2^64
// = -7179628567959677489), an element is kept when the hash's 24 high bits are at least 0.25 * 2^24 = 4194304, and
// scaled by 1 / 0.75. Dropout commutes with the rows' normalization, so the sum l and hence the logsumexp
// m + log(l) are of the undropped weights.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[VEC:.+]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @attention_dropout
// CHECK-SAME: (%[[QKV:.+]]: tensor<2x3x48xf32>, %[[SEED:.+]]: i64, %[[STEP:.+]]: i64)
// CHECK: %[[P5:.+]] = tensor.expand_shape %[[QKV]] {{\[\[}}0], [1], [2, 3, 4]] output_shape [2, 3, 3, 2, 8] : tensor<2x3x48xf32> into tensor<2x3x3x2x8xf32>
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[B:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}) -> (tensor<2x3x2x8xf32>, tensor<2x2x3xf32>) {
// CHECK: scf.for %[[H:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[OH:.+]] = %{{.+}}, %[[LH:.+]] = %{{.+}}) -> (tensor<2x3x2x8xf32>, tensor<2x2x3xf32>) {
// CHECK-NEXT: %[[Q0:.+]] = arith.constant 0 : index
// CHECK-NOT: scf.for
// CHECK: %[[MI:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<3xf32>) -> tensor<3xf32>
// CHECK: %[[LI:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<3xf32>) -> tensor<3xf32>
// CHECK: %[[AI:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<3x8xf32>) -> tensor<3x8xf32>
// CHECK-NEXT: arith.constant 3 : index
// CHECK-NEXT: %[[K0:.+]] = arith.constant 0 : index
// CHECK-NEXT: tensor.extract_slice %[[P5]][%[[B]], %[[K0]], 1, %[[H]], 0] [1, 3, 1, 1, 8] [1, 1, 1, 1, 1] : tensor<2x3x3x2x8xf32> to tensor<3x8xf32>
// CHECK-NEXT: %[[V:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[K0]], 2, %[[H]], 0] [1, 3, 1, 1, 8] [1, 1, 1, 1, 1] : tensor<2x3x3x2x8xf32> to tensor<3x8xf32>
// CHECK: %[[QK:.+]] = linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<3x8xf32>, tensor<8x3xf32>)
// CHECK: %[[S:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[QK]] : tensor<3x3xf32>)
// CHECK-NEXT: ^bb0(%[[SV:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[SCALE:.+]] = arith.constant 0.353553385 : f32
// CHECK-NEXT: %[[SCALED:.+]] = arith.mulf %[[SV]], %[[SCALE]] : f32
// CHECK-NEXT: linalg.yield %[[SCALED]] : f32
// CHECK: %[[TMAX:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[S]] : tensor<3x3xf32>)
// CHECK: %[[MNEW:.+]] = linalg.generic {{.*}} ins(%[[MI]], %[[TMAX]] : tensor<3xf32>, tensor<3xf32>)
// CHECK: arith.maximumf
// CHECK: %[[P:.+]] = linalg.generic {{.*}} ins(%[[S]], %[[MNEW]] : tensor<3x3xf32>, tensor<3xf32>)
// CHECK: math.exp
// CHECK: %[[ALPHA:.+]] = linalg.generic {{.*}} ins(%[[MI]], %[[MNEW]] : tensor<3xf32>, tensor<3xf32>)
// CHECK: math.exp
// CHECK: %[[TSUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[P]] : tensor<3x3xf32>)
// CHECK: %[[LNEW:.+]] = linalg.generic {{.*}} ins(%[[ALPHA]], %[[TSUM]] : tensor<3xf32>, tensor<3xf32>) outs(%[[LI]] : tensor<3xf32>)
// CHECK: %[[ASC:.+]] = linalg.generic {{.*}} ins(%[[ALPHA]] : tensor<3xf32>) outs(%[[AI]] : tensor<3x8xf32>)
// CHECK: %[[B64:.+]] = arith.index_cast %[[B]] : index to i64
// CHECK-NEXT: %[[NH:.+]] = arith.constant 2 : i64
// CHECK-NEXT: %[[BH:.+]] = arith.muli %[[B64]], %[[NH]] : i64
// CHECK-NEXT: %[[H64:.+]] = arith.index_cast %[[H]] : index to i64
// CHECK-NEXT: %[[HEAD:.+]] = arith.addi %[[BH]], %[[H64]] : i64
// CHECK-NEXT: %[[T1:.+]] = arith.constant 3 : i64
// CHECK-NEXT: %[[HT:.+]] = arith.muli %[[HEAD]], %[[T1]] : i64
// CHECK-NEXT: %[[Q064:.+]] = arith.index_cast %[[Q0]] : index to i64
// CHECK-NEXT: %[[ROWI:.+]] = arith.addi %[[HT]], %[[Q064]] : i64
// CHECK-NEXT: %[[T2:.+]] = arith.constant 3 : i64
// CHECK-NEXT: %[[RT:.+]] = arith.muli %[[ROWI]], %[[T2]] : i64
// CHECK-NEXT: %[[K064:.+]] = arith.index_cast %[[K0]] : index to i64
// CHECK-NEXT: %[[BASE:.+]] = arith.addi %[[RT]], %[[K064]] : i64
// CHECK-NEXT: %[[GOLD:.+]] = arith.constant -7046029254386353131 : i64
// CHECK-NEXT: %[[KSEED:.+]] = arith.muli %[[SEED]], %[[GOLD]] : i64
// CHECK-NEXT: %[[MIX:.+]] = arith.constant -4417276706812531889 : i64
// CHECK-NEXT: %[[KSTEP:.+]] = arith.muli %[[STEP]], %[[MIX]] : i64
// CHECK-NEXT: %[[KSS:.+]] = arith.addi %[[KSEED]], %[[KSTEP]] : i64
// CHECK-NEXT: %[[STREAM:.+]] = arith.constant -7179628567959677489 : i64
// CHECK-NEXT: %[[KEY:.+]] = arith.addi %[[KSS]], %[[STREAM]] : i64
// CHECK: %[[DROP:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[P]] : tensor<3x3xf32>)
// CHECK-NEXT: ^bb0(%[[PI:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[IZ:.+]] = arith.constant 0 : i64
// CHECK-NEXT: %[[I:.+]] = linalg.index 0 : index
// CHECK-NEXT: %[[I64:.+]] = arith.index_cast %[[I]] : index to i64
// CHECK-NEXT: %[[SI:.+]] = arith.constant 3 : i64
// CHECK-NEXT: %[[IS:.+]] = arith.muli %[[I64]], %[[SI]] : i64
// CHECK-NEXT: %[[IA:.+]] = arith.addi %[[IZ]], %[[IS]] : i64
// CHECK-NEXT: %[[J:.+]] = linalg.index 1 : index
// CHECK-NEXT: %[[J64:.+]] = arith.index_cast %[[J]] : index to i64
// CHECK-NEXT: %[[SJ:.+]] = arith.constant 1 : i64
// CHECK-NEXT: %[[JS:.+]] = arith.muli %[[J64]], %[[SJ]] : i64
// CHECK-NEXT: %[[IJ:.+]] = arith.addi %[[IA]], %[[JS]] : i64
// CHECK-NEXT: %[[IDX:.+]] = arith.addi %[[BASE]], %[[IJ]] : i64
// CHECK: %[[Z:.+]] = arith.addi %[[KEY]], %{{.+}} : i64
// CHECK: arith.shrui %[[Z]], %c30_i64
// CHECK: arith.shrui {{.*}} %c27_i64
// CHECK: arith.shrui {{.*}} %c31_i64
// CHECK: %[[HIGH:.+]] = arith.shrui {{.*}} %c40_i64
// CHECK: %[[KEEP:.+]] = arith.cmpi uge, %[[HIGH]], %c4194304_i64 : i64
// CHECK-NEXT: %[[INV:.+]] = arith.constant 1.33333337 : f32
// CHECK-NEXT: %[[SC:.+]] = arith.mulf %[[PI]], %[[INV]] : f32
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[KEPT:.+]] = arith.select %[[KEEP]], %[[SC]], %[[ZERO]] : f32
// CHECK-NEXT: linalg.yield %[[KEPT]] : f32
// CHECK: %[[PV:.+]] = linalg.matmul ins(%[[DROP]], %[[V]] : tensor<3x3xf32>, tensor<3x8xf32>) outs(%[[ASC]] : tensor<3x8xf32>)
// CHECK-NEXT: %[[MW:.+]] = bufferization.materialize_in_destination %[[MNEW]] in %[[MI]] : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
// CHECK-NEXT: tensor.empty() : tensor<3x8xf32>
// CHECK-NEXT: %[[O:.+]] = linalg.generic {{.*}} ins(%[[PV]], %[[LNEW]] : tensor<3x8xf32>, tensor<3xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.divf
// CHECK: %[[LSE:.+]] = linalg.generic {{.*}} ins(%[[MW]], %[[LNEW]] : tensor<3xf32>, tensor<3xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: math.log
// CHECK: tensor.insert_slice %[[O]] into %[[OH]][%[[B]], %[[Q0]], %[[H]], 0] [1, 3, 1, 8] [1, 1, 1, 1] : tensor<3x8xf32> into tensor<2x3x2x8xf32>
// CHECK-NEXT: tensor.insert_slice %[[LSE]] into %[[LH]][%[[B]], %[[H]], %[[Q0]]] [1, 1, 3] [1, 1, 1] : tensor<3xf32> into tensor<2x2x3xf32>
// CHECK-NEXT: scf.yield %{{.+}}, %{{.+}} : tensor<2x3x2x8xf32>, tensor<2x2x3xf32>
// CHECK: tensor.collapse_shape %{{.+}}#0 {{\[\[}}0], [1], [2, 3]] : tensor<2x3x2x8xf32> into tensor<2x3x16xf32>
func.func @attention_dropout(%qkv: tensor<2x3x48xf32>, %seed: i64, %step: i64) -> (tensor<2x3x16xf32>, tensor<2x2x3xf32>) {
  %o, %lse = nn.attention %qkv seed %seed step %step {num_heads = 2, rate = 0.25, stream = 7, training}
      : tensor<2x3x48xf32> -> (tensor<2x3x16xf32>, tensor<2x2x3xf32>)
  return %o, %lse : tensor<2x3x16xf32>, tensor<2x2x3xf32>
}

// -----

// Tests that attention with rate > 0 outside training (no seed, step) drops nothing: the P V matmul that
// accumulates into the rescaled carried output takes the online softmax's exp(S - m) itself, and no hash is
// computed.
// CHECK-LABEL: func.func @attention_eval
// CHECK-NOT: arith.shrui
// CHECK: %[[V:.+]] = tensor.extract_slice %{{.+}}[%{{.+}}, %{{.+}}, 2, %{{.+}}, 0] [1, 3, 1, 1, 8] [1, 1, 1, 1, 1] : tensor<2x3x3x2x8xf32> to tensor<3x8xf32>
// CHECK: %[[P:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<3x3xf32>, tensor<3xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.subf
// CHECK-NEXT: math.exp
// CHECK: %[[ASC:.+]] = linalg.generic {{.*}} ins(%{{.+}} : tensor<3xf32>) outs(%{{.+}} : tensor<3x8xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: linalg.yield
// CHECK-NEXT: } -> tensor<3x8xf32>
// CHECK-NEXT: %[[PV:.+]] = linalg.matmul ins(%[[P]], %[[V]] : tensor<3x3xf32>, tensor<3x8xf32>) outs(%[[ASC]] : tensor<3x8xf32>)
// CHECK-NEXT: bufferization.materialize_in_destination
// CHECK: linalg.generic {{.*}} ins(%[[PV]], %{{.+}} : tensor<3x8xf32>, tensor<3xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.divf
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<3xf32>, tensor<3xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: math.log
// CHECK-NOT: arith.shrui
// CHECK: return
func.func @attention_eval(%qkv: tensor<2x3x48xf32>) -> (tensor<2x3x16xf32>, tensor<2x2x3xf32>) {
  %o, %lse = nn.attention %qkv {num_heads = 2, rate = 0.25, stream = 7} : tensor<2x3x48xf32> -> (tensor<2x3x16xf32>, tensor<2x2x3xf32>)
  return %o, %lse : tensor<2x3x16xf32>, tensor<2x2x3xf32>
}

// -----

// Tests that block = 2 tiles causal attention (batch 1, 1 head of d = 4 over 5 steps) as flash attention does:
// the 5 queries are two full tiles of 2 (an scf.for over q0 from 0 to 4 step 2) and a remainder tile of 1 row
// (q0 = 4) peeled after the loop. Each query tile carries the online softmax's running max m (from -inf), sum l
// (from 0) and accumulator ([2, 4], from 0) through an scf.for over its key tiles; causal, a full query tile
// visits only the key tiles up to its own end, so that loop's bound is q0 + 2. Each key tile masks the future
// with the tile offsets (q0 + i, k0 + j), and writes the new maximum back into m with
// materialize_in_destination. The remainder query tile sees every key: a loop over the two full key tiles
// ([1, 2] scores) and a peeled remainder key tile at 4 ([1, 1] scores), with the same updates on [1]-row
// carried values; its output and logsumexp land at row 4. No weights tile is larger than [2, 2]: no
// tensor<5x5xf32> exists (checked by the TILED run).
// CHECK-LABEL: func.func @attention_tiled
// CHECK-SAME: (%[[QKV:.+]]: tensor<1x5x12xf32>)
// CHECK: %[[P5:.+]] = tensor.expand_shape %[[QKV]] {{\[\[}}0], [1], [2, 3, 4]] output_shape [1, 5, 3, 1, 4] : tensor<1x5x12xf32> into tensor<1x5x3x1x4xf32>
// CHECK: %[[R:.+]]:2 = scf.for %[[B:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}) -> (tensor<1x5x1x4xf32>, tensor<1x1x5xf32>) {
// CHECK: %[[RH:.+]]:2 = scf.for %[[H:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[OH:.+]] = %{{.+}}, %[[LH:.+]] = %{{.+}}) -> (tensor<1x5x1x4xf32>, tensor<1x1x5xf32>) {
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[FULL:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[QSTEP:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[QT:.+]]:2 = scf.for %[[Q0:.+]] = %[[ZERO]] to %[[FULL]] step %[[QSTEP]] iter_args(%[[OQ:.+]] = %[[OH]], %[[LQ:.+]] = %[[LH]]) -> (tensor<1x5x1x4xf32>, tensor<1x1x5xf32>) {
// CHECK-NEXT: %[[Q:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[Q0]], 0, %[[H]], 0] [1, 2, 1, 1, 4] [1, 1, 1, 1, 1] : tensor<1x5x3x1x4xf32> to tensor<2x4xf32>
// CHECK-NEXT: tensor.empty() : tensor<2xf32>
// CHECK-NEXT: %[[NINF0:.+]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT: %[[MI:.+]] = linalg.fill ins(%[[NINF0]] : f32) outs(%{{.+}} : tensor<2xf32>) -> tensor<2xf32>
// CHECK-NEXT: tensor.empty() : tensor<2xf32>
// CHECK-NEXT: %[[Z0:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[LI:.+]] = linalg.fill ins(%[[Z0]] : f32) outs(%{{.+}} : tensor<2xf32>) -> tensor<2xf32>
// CHECK-NEXT: tensor.empty() : tensor<2x4xf32>
// CHECK-NEXT: %[[Z1:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[AI:.+]] = linalg.fill ins(%[[Z1]] : f32) outs(%{{.+}} : tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[TILE:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[KEND:.+]] = arith.addi %[[Q0]], %[[TILE]] : index
// CHECK-NEXT: %[[K00:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[KSTEP:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[ST:.+]]:3 = scf.for %[[K0:.+]] = %[[K00]] to %[[KEND]] step %[[KSTEP]] iter_args(%[[M:.+]] = %[[MI]], %[[L:.+]] = %[[LI]], %[[ACC:.+]] = %[[AI]]) -> (tensor<2xf32>, tensor<2xf32>, tensor<2x4xf32>) {
// CHECK-NEXT: %[[K:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[K0]], 1, %[[H]], 0] [1, 2, 1, 1, 4] [1, 1, 1, 1, 1] : tensor<1x5x3x1x4xf32> to tensor<2x4xf32>
// CHECK-NEXT: %[[V:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[K0]], 2, %[[H]], 0] [1, 2, 1, 1, 4] [1, 1, 1, 1, 1] : tensor<1x5x3x1x4xf32> to tensor<2x4xf32>
// CHECK-NEXT: tensor.empty() : tensor<4x2xf32>
// CHECK-NEXT: %[[KT:.+]] = linalg.transpose ins(%[[K]] : tensor<2x4xf32>) outs(%{{.+}} : tensor<4x2xf32>) permutation = [1, 0]
// CHECK: %[[QK:.+]] = linalg.matmul ins(%[[Q]], %[[KT]] : tensor<2x4xf32>, tensor<4x2xf32>) outs(%{{.+}} : tensor<2x2xf32>)
// CHECK: %[[S:.+]] = linalg.generic {{.*}} ins(%[[QK]] : tensor<2x2xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.constant 5.000000e-01 : f32
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: %[[II:.+]] = linalg.index 0 : index
// CHECK-NEXT: %[[I:.+]] = arith.addi %[[Q0]], %[[II]] : index
// CHECK-NEXT: %[[JJ:.+]] = linalg.index 1 : index
// CHECK-NEXT: %[[J:.+]] = arith.addi %[[K0]], %[[JJ]] : index
// CHECK-NEXT: arith.cmpi ugt, %[[J]], %[[I]] : index
// CHECK: %[[TMAX:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[S]] : tensor<2x2xf32>)
// CHECK: %[[MNEW:.+]] = linalg.generic {{.*}} ins(%[[M]], %[[TMAX]] : tensor<2xf32>, tensor<2xf32>)
// CHECK: %[[P:.+]] = linalg.generic {{.*}} ins(%[[S]], %[[MNEW]] : tensor<2x2xf32>, tensor<2xf32>)
// CHECK: %[[ALPHA:.+]] = linalg.generic {{.*}} ins(%[[M]], %[[MNEW]] : tensor<2xf32>, tensor<2xf32>)
// CHECK: %[[TSUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[P]] : tensor<2x2xf32>)
// CHECK: %[[LNEW:.+]] = linalg.generic {{.*}} ins(%[[ALPHA]], %[[TSUM]] : tensor<2xf32>, tensor<2xf32>) outs(%[[L]] : tensor<2xf32>)
// CHECK: %[[ASC:.+]] = linalg.generic {{.*}} ins(%[[ALPHA]] : tensor<2xf32>) outs(%[[ACC]] : tensor<2x4xf32>)
// CHECK: %[[PV:.+]] = linalg.matmul ins(%[[P]], %[[V]] : tensor<2x2xf32>, tensor<2x4xf32>) outs(%[[ASC]] : tensor<2x4xf32>)
// CHECK-NEXT: %[[MW:.+]] = bufferization.materialize_in_destination %[[MNEW]] in %[[M]] : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
// CHECK-NEXT: scf.yield %[[MW]], %[[LNEW]], %[[PV]] : tensor<2xf32>, tensor<2xf32>, tensor<2x4xf32>
// CHECK-NEXT: }
// CHECK-NEXT: tensor.empty() : tensor<2x4xf32>
// CHECK-NEXT: %[[O:.+]] = linalg.generic {{.*}} ins(%[[ST]]#2, %[[ST]]#1 : tensor<2x4xf32>, tensor<2xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.divf
// CHECK: %[[LSE:.+]] = linalg.generic {{.*}} ins(%[[ST]]#0, %[[ST]]#1 : tensor<2xf32>, tensor<2xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: math.log
// CHECK: %[[OI:.+]] = tensor.insert_slice %[[O]] into %[[OQ]][%[[B]], %[[Q0]], %[[H]], 0] [1, 2, 1, 4] [1, 1, 1, 1] : tensor<2x4xf32> into tensor<1x5x1x4xf32>
// CHECK-NEXT: %[[LI2:.+]] = tensor.insert_slice %[[LSE]] into %[[LQ]][%[[B]], %[[H]], %[[Q0]]] [1, 1, 2] [1, 1, 1] : tensor<2xf32> into tensor<1x1x5xf32>
// CHECK-NEXT: scf.yield %[[OI]], %[[LI2]] : tensor<1x5x1x4xf32>, tensor<1x1x5xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[QR:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[FULL]], 0, %[[H]], 0] [1, 1, 1, 1, 4] [1, 1, 1, 1, 1] : tensor<1x5x3x1x4xf32> to tensor<1x4xf32>
// CHECK-NEXT: tensor.empty() : tensor<1xf32>
// CHECK-NEXT: %[[NINF1:.+]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT: %[[MRI:.+]] = linalg.fill ins(%[[NINF1]] : f32) outs(%{{.+}} : tensor<1xf32>) -> tensor<1xf32>
// CHECK-NEXT: tensor.empty() : tensor<1xf32>
// CHECK-NEXT: %[[Z2:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[LRI:.+]] = linalg.fill ins(%[[Z2]] : f32) outs(%{{.+}} : tensor<1xf32>) -> tensor<1xf32>
// CHECK-NEXT: tensor.empty() : tensor<1x4xf32>
// CHECK-NEXT: %[[Z3:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[ARI:.+]] = linalg.fill ins(%[[Z3]] : f32) outs(%{{.+}} : tensor<1x4xf32>) -> tensor<1x4xf32>
// CHECK-NEXT: %[[KENDR:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[KR0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[KRSTEP:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[SR:.+]]:3 = scf.for %[[KR:.+]] = %[[KR0]] to %[[KENDR]] step %[[KRSTEP]] iter_args(%[[MR:.+]] = %[[MRI]], %{{.+}} = %[[LRI]], %{{.+}} = %[[ARI]]) -> (tensor<1xf32>, tensor<1xf32>, tensor<1x4xf32>) {
// CHECK-NEXT: tensor.extract_slice %[[P5]][%[[B]], %[[KR]], 1, %[[H]], 0] [1, 2, 1, 1, 4] [1, 1, 1, 1, 1] : tensor<1x5x3x1x4xf32> to tensor<2x4xf32>
// CHECK-NEXT: %[[VR:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[KR]], 2, %[[H]], 0] [1, 2, 1, 1, 4] [1, 1, 1, 1, 1] : tensor<1x5x3x1x4xf32> to tensor<2x4xf32>
// CHECK: linalg.matmul ins(%[[QR]], %{{.+}} : tensor<1x4xf32>, tensor<4x2xf32>) outs(%{{.+}} : tensor<1x2xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.+}} : tensor<1x2xf32>)
// CHECK: %[[IR:.+]] = arith.addi %[[FULL]], %{{.+}} : index
// CHECK: %[[JR:.+]] = arith.addi %[[KR]], %{{.+}} : index
// CHECK-NEXT: arith.cmpi ugt, %[[JR]], %[[IR]] : index
// CHECK: %[[PR:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<1x2xf32>, tensor<1xf32>)
// CHECK: linalg.matmul ins(%[[PR]], %[[VR]] : tensor<1x2xf32>, tensor<2x4xf32>) outs(%{{.+}} : tensor<1x4xf32>)
// CHECK-NEXT: bufferization.materialize_in_destination %{{.+}} in %[[MR]] : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
// CHECK-NEXT: scf.yield %{{.+}}, %{{.+}}, %{{.+}} : tensor<1xf32>, tensor<1xf32>, tensor<1x4xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[KL:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[KENDR]], 1, %[[H]], 0] [1, 1, 1, 1, 4] [1, 1, 1, 1, 1] : tensor<1x5x3x1x4xf32> to tensor<1x4xf32>
// CHECK-NEXT: %[[VL:.+]] = tensor.extract_slice %[[P5]][%[[B]], %[[KENDR]], 2, %[[H]], 0] [1, 1, 1, 1, 4] [1, 1, 1, 1, 1] : tensor<1x5x3x1x4xf32> to tensor<1x4xf32>
// CHECK-NEXT: tensor.empty() : tensor<4x1xf32>
// CHECK-NEXT: %[[KLT:.+]] = linalg.transpose ins(%[[KL]] : tensor<1x4xf32>) outs(%{{.+}} : tensor<4x1xf32>) permutation = [1, 0]
// CHECK: linalg.matmul ins(%[[QR]], %[[KLT]] : tensor<1x4xf32>, tensor<4x1xf32>) outs(%{{.+}} : tensor<1x1xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.+}} : tensor<1x1xf32>)
// CHECK: %[[IL:.+]] = arith.addi %[[FULL]], %{{.+}} : index
// CHECK: %[[JL:.+]] = arith.addi %[[KENDR]], %{{.+}} : index
// CHECK-NEXT: arith.cmpi ugt, %[[JL]], %[[IL]] : index
// CHECK: %[[MLNEW:.+]] = linalg.generic {{.*}} ins(%[[SR]]#0, %{{.+}} : tensor<1xf32>, tensor<1xf32>)
// CHECK: %[[PL:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %[[MLNEW]] : tensor<1x1xf32>, tensor<1xf32>)
// CHECK: %[[LLNEW:.+]] = linalg.generic {{.*}} outs(%[[SR]]#1 : tensor<1xf32>)
// CHECK: %[[ALSC:.+]] = linalg.generic {{.*}} outs(%[[SR]]#2 : tensor<1x4xf32>)
// CHECK: %[[PVL:.+]] = linalg.matmul ins(%[[PL]], %[[VL]] : tensor<1x1xf32>, tensor<1x4xf32>) outs(%[[ALSC]] : tensor<1x4xf32>)
// CHECK-NEXT: %[[MLW:.+]] = bufferization.materialize_in_destination %[[MLNEW]] in %[[SR]]#0 : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
// CHECK-NEXT: tensor.empty() : tensor<1x4xf32>
// CHECK-NEXT: %[[OL:.+]] = linalg.generic {{.*}} ins(%[[PVL]], %[[LLNEW]] : tensor<1x4xf32>, tensor<1xf32>)
// CHECK: %[[LSEL:.+]] = linalg.generic {{.*}} ins(%[[MLW]], %[[LLNEW]] : tensor<1xf32>, tensor<1xf32>)
// CHECK: %[[OLI:.+]] = tensor.insert_slice %[[OL]] into %[[QT]]#0[%[[B]], %[[FULL]], %[[H]], 0] [1, 1, 1, 4] [1, 1, 1, 1] : tensor<1x4xf32> into tensor<1x5x1x4xf32>
// CHECK-NEXT: %[[LLI:.+]] = tensor.insert_slice %[[LSEL]] into %[[QT]]#1[%[[B]], %[[H]], %[[FULL]]] [1, 1, 1] [1, 1, 1] : tensor<1xf32> into tensor<1x1x5xf32>
// CHECK-NEXT: scf.yield %[[OLI]], %[[LLI]] : tensor<1x5x1x4xf32>, tensor<1x1x5xf32>
// CHECK-NEXT: }
// CHECK-NEXT: scf.yield %[[RH]]#0, %[[RH]]#1 : tensor<1x5x1x4xf32>, tensor<1x1x5xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[Y:.+]] = tensor.collapse_shape %[[R]]#0 {{\[\[}}0], [1], [2, 3]] : tensor<1x5x1x4xf32> into tensor<1x5x4xf32>
// CHECK-NEXT: return %[[Y]], %[[R]]#1 : tensor<1x5x4xf32>, tensor<1x1x5xf32>
// TILED-LABEL: func.func @attention_tiled
// TILED-NOT: tensor<5x5xf32>
// TILED: return
func.func @attention_tiled(%qkv: tensor<1x5x12xf32>) -> (tensor<1x5x4xf32>, tensor<1x1x5xf32>) {
  %o, %lse = nn.attention %qkv {num_heads = 1, causal, block = 2} : tensor<1x5x12xf32> -> (tensor<1x5x4xf32>, tensor<1x1x5xf32>)
  return %o, %lse : tensor<1x5x4xf32>, tensor<1x1x5xf32>
}

// -----

// Tests that lstm (4 steps, H = 2) projects every step's input in one matmul on rows [12, 5] plus both biases, then
// runs the steps as a loop carrying the whole h, c and gates sequences. Step 0 is peeled: it starts from zero state,
// so it has no recurrent matmul and c = i g. The loop then runs the steps n = k + 1, k in [0, 3): it reads h and c of
// step n - 1 back from the carried sequences, adds h_{n-1} W_hhᵀ (its one matmul) to step n's projection, computes
// c = i g + f c_{n-1}, and writes h, c and the gates at step n. The activations are one generic over [B, 4H]: tanh
// for g (columns [4, 6)), 1 / (1 + exp(-x)) for i, f, o; the gates are read in PyTorch's order i, f, g, o;
// h = o tanh(c).
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @lstm
// CHECK-SAME: (%[[X:.+]]: tensor<3x4x5xf32>, %[[WIH:.+]]: tensor<8x5xf32>, %[[WHH:.+]]: tensor<8x2xf32>, %[[BIH:.+]]: tensor<8xf32>, %[[BHH:.+]]: tensor<8xf32>)
// CHECK: %[[XR:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<3x4x5xf32> into tensor<12x5xf32>
// CHECK: %[[WIHT:.+]] = linalg.transpose ins(%[[WIH]] : tensor<8x5xf32>)
// CHECK: %[[PROJ:.+]] = linalg.matmul ins(%[[XR]], %[[WIHT]] : tensor<12x5xf32>, tensor<5x8xf32>)
// CHECK: %[[PB:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], {{.*}} ins(%[[PROJ]], %[[BIH]] : tensor<12x8xf32>, tensor<8xf32>)
// CHECK: %[[PBB:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], {{.*}} ins(%[[PB]], %[[BHH]] : tensor<12x8xf32>, tensor<8xf32>)
// CHECK: %[[GX:.+]] = tensor.expand_shape %[[PBB]] {{\[\[}}0, 1], [2]] output_shape [3, 4, 8] : tensor<12x8xf32> into tensor<3x4x8xf32>
// CHECK: %[[WHHT:.+]] = linalg.transpose ins(%[[WHH]] : tensor<8x2xf32>) outs(%{{.+}} : tensor<2x8xf32>)
// CHECK-NEXT: %[[HS:.+]] = tensor.empty() : tensor<3x4x2xf32>
// CHECK-NEXT: %[[CS:.+]] = tensor.empty() : tensor<3x4x2xf32>
// CHECK-NEXT: %[[GS:.+]] = tensor.empty() : tensor<3x4x8xf32>
// CHECK-NEXT: %[[S0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[X0:.+]] = tensor.extract_slice %[[GX]][0, %[[S0]], 0] [3, 1, 8] [1, 1, 1] : tensor<3x4x8xf32> to tensor<3x8xf32>
// CHECK-NOT: linalg.matmul
// CHECK: %[[A0:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], {{.*}} ins(%[[X0]] : tensor<3x8xf32>)
// CHECK-NEXT: ^bb0(%[[PRE:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[COL:.+]] = linalg.index 1 : index
// CHECK-NEXT: %[[LO:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[HI:.+]] = arith.constant 6 : index
// CHECK-NEXT: %[[GE:.+]] = arith.cmpi uge, %[[COL]], %[[LO]] : index
// CHECK-NEXT: %[[LT:.+]] = arith.cmpi ult, %[[COL]], %[[HI]] : index
// CHECK-NEXT: %[[ISG:.+]] = arith.andi %[[GE]], %[[LT]] : i1
// CHECK-NEXT: %[[TANH:.+]] = math.tanh %[[PRE]] : f32
// CHECK: %[[NEG:.+]] = arith.subf %{{.+}}, %[[PRE]] : f32
// CHECK-NEXT: %[[EXP:.+]] = math.exp %[[NEG]] : f32
// CHECK-NEXT: %[[DEN:.+]] = arith.addf %{{.+}}, %[[EXP]] : f32
// CHECK-NEXT: %[[SIG:.+]] = arith.divf %{{.+}}, %[[DEN]] : f32
// CHECK-NEXT: %[[ACT:.+]] = arith.select %[[ISG]], %[[TANH]], %[[SIG]] : f32
// CHECK-NEXT: linalg.yield %[[ACT]]
// CHECK-NOT: linalg.matmul
// CHECK: %[[I0:.+]] = tensor.extract_slice %[[A0]][0, 0] [3, 2] [1, 1]
// CHECK-NEXT: %[[F0:.+]] = tensor.extract_slice %[[A0]][0, 2] [3, 2] [1, 1]
// CHECK-NEXT: %[[G0:.+]] = tensor.extract_slice %[[A0]][0, 4] [3, 2] [1, 1]
// CHECK-NEXT: %[[O0:.+]] = tensor.extract_slice %[[A0]][0, 6] [3, 2] [1, 1]
// CHECK-NOT: linalg.matmul
// CHECK: %[[CH0:.+]]:2 = linalg.generic {{.*}} ins(%[[I0]], %[[F0]], %[[G0]], %[[O0]] : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) outs(
// CHECK-NEXT: ^bb0(%[[I:[^:]+]]: f32, %{{[^:]+}}: f32, %[[G:[^:]+]]: f32, %[[O:[^:]+]]: f32, %{{[^:]+}}: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[C:.+]] = arith.mulf %[[I]], %[[G]] : f32
// CHECK-NEXT: %[[TC:.+]] = math.tanh %[[C]] : f32
// CHECK-NEXT: %[[H:.+]] = arith.mulf %[[O]], %[[TC]] : f32
// CHECK-NEXT: linalg.yield %[[C]], %[[H]]
// CHECK-NOT: linalg.matmul
// CHECK: %[[HS0:.+]] = tensor.insert_slice %[[CH0]]#1 into %[[HS]][0, %[[S0]], 0] [3, 1, 2] [1, 1, 1] : tensor<3x2xf32> into tensor<3x4x2xf32>
// CHECK-NEXT: %[[CS0:.+]] = tensor.insert_slice %[[CH0]]#0 into %[[CS]][0, %[[S0]], 0] [3, 1, 2] [1, 1, 1] : tensor<3x2xf32> into tensor<3x4x2xf32>
// CHECK-NEXT: %[[GS0:.+]] = tensor.insert_slice %[[A0]] into %[[GS]][0, %[[S0]], 0] [3, 1, 8] [1, 1, 1] : tensor<3x8xf32> into tensor<3x4x8xf32>
// CHECK-NEXT: %[[LB:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[R:.+]]:3 = scf.for %[[K:[^ ]+]] = %[[LB]] to %[[UB]] step %[[ONE]] iter_args(%[[HA:[^ ]+]] = %[[HS0]], %[[CA:[^ ]+]] = %[[CS0]], %[[GA:[^ ]+]] = %[[GS0]]) -> (tensor<3x4x2xf32>, tensor<3x4x2xf32>, tensor<3x4x8xf32>) {
// CHECK-NEXT: %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[N:.+]] = arith.addi %[[K]], %[[C1]] : index
// CHECK-NEXT: %[[XN:.+]] = tensor.extract_slice %[[GX]][0, %[[N]], 0] [3, 1, 8] [1, 1, 1] : tensor<3x4x8xf32> to tensor<3x8xf32>
// CHECK-NEXT: %[[C1B:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[P:.+]] = arith.subi %[[N]], %[[C1B]] : index
// CHECK-NEXT: %[[HP:.+]] = tensor.extract_slice %[[HA]][0, %[[P]], 0] [3, 1, 2] [1, 1, 1] : tensor<3x4x2xf32> to tensor<3x2xf32>
// CHECK-NOT: linalg.matmul
// CHECK: %[[REC:.+]] = linalg.matmul ins(%[[HP]], %[[WHHT]] : tensor<3x2xf32>, tensor<2x8xf32>) outs(%{{.+}} : tensor<3x8xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[PRE1:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]], {{.*}} ins(%[[XN]], %[[REC]] : tensor<3x8xf32>, tensor<3x8xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK-NOT: linalg.matmul
// CHECK: %[[CP:.+]] = tensor.extract_slice %[[CA]][0, %[[P]], 0] [3, 1, 2] [1, 1, 1] : tensor<3x4x2xf32> to tensor<3x2xf32>
// CHECK-NOT: linalg.matmul
// CHECK: %[[A1:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], {{.*}} ins(%[[PRE1]] : tensor<3x8xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: linalg.index 1
// CHECK: arith.andi
// CHECK-NEXT: math.tanh
// CHECK: math.exp
// CHECK: arith.select
// CHECK-NOT: linalg.matmul
// CHECK: %[[I1:.+]] = tensor.extract_slice %[[A1]][0, 0] [3, 2] [1, 1]
// CHECK-NEXT: %[[F1:.+]] = tensor.extract_slice %[[A1]][0, 2] [3, 2] [1, 1]
// CHECK-NEXT: %[[G1:.+]] = tensor.extract_slice %[[A1]][0, 4] [3, 2] [1, 1]
// CHECK-NEXT: %[[O1:.+]] = tensor.extract_slice %[[A1]][0, 6] [3, 2] [1, 1]
// CHECK-NOT: linalg.matmul
// CHECK: %[[CH1:.+]]:2 = linalg.generic {{.*}} ins(%[[I1]], %[[F1]], %[[G1]], %[[O1]], %[[CP]] : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) outs(
// CHECK-NEXT: ^bb0(%[[AI:[^:]+]]: f32, %[[AF:[^:]+]]: f32, %[[AG:[^:]+]]: f32, %[[AO:[^:]+]]: f32, %[[ACP:[^:]+]]: f32, %{{[^:]+}}: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[IG:.+]] = arith.mulf %[[AI]], %[[AG]] : f32
// CHECK-NEXT: %[[FC:.+]] = arith.mulf %[[AF]], %[[ACP]] : f32
// CHECK-NEXT: %[[C1V:.+]] = arith.addf %[[IG]], %[[FC]] : f32
// CHECK-NEXT: %[[TC1:.+]] = math.tanh %[[C1V]] : f32
// CHECK-NEXT: %[[H1V:.+]] = arith.mulf %[[AO]], %[[TC1]] : f32
// CHECK-NEXT: linalg.yield %[[C1V]], %[[H1V]]
// CHECK-NOT: linalg.matmul
// CHECK: %[[HN:.+]] = tensor.insert_slice %[[CH1]]#1 into %[[HA]][0, %[[N]], 0] [3, 1, 2] [1, 1, 1] : tensor<3x2xf32> into tensor<3x4x2xf32>
// CHECK-NEXT: %[[CN:.+]] = tensor.insert_slice %[[CH1]]#0 into %[[CA]][0, %[[N]], 0] [3, 1, 2] [1, 1, 1] : tensor<3x2xf32> into tensor<3x4x2xf32>
// CHECK-NEXT: %[[GN:.+]] = tensor.insert_slice %[[A1]] into %[[GA]][0, %[[N]], 0] [3, 1, 8] [1, 1, 1] : tensor<3x8xf32> into tensor<3x4x8xf32>
// CHECK-NEXT: scf.yield %[[HN]], %[[CN]], %[[GN]] : tensor<3x4x2xf32>, tensor<3x4x2xf32>, tensor<3x4x8xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[R]]#0, %[[R]]#1, %[[R]]#2
func.func @lstm(%x: tensor<3x4x5xf32>, %wih: tensor<8x5xf32>, %whh: tensor<8x2xf32>, %bih: tensor<8xf32>, %bhh: tensor<8xf32>)
    -> (tensor<3x4x2xf32>, tensor<3x4x2xf32>, tensor<3x4x8xf32>) {
  %h, %c, %g = nn.lstm %x, %wih, %whh, %bih, %bhh
      : (tensor<3x4x5xf32>, tensor<8x5xf32>, tensor<8x2xf32>, tensor<8xf32>, tensor<8xf32>)
      -> (tensor<3x4x2xf32>, tensor<3x4x2xf32>, tensor<3x4x8xf32>)
  return %h, %c, %g : tensor<3x4x2xf32>, tensor<3x4x2xf32>, tensor<3x4x8xf32>
}

// -----

// Tests that lstm with reverse (4 steps) runs the steps from last to first: position n is step 3 - n, an
// arith.subi from the constant 3. Position 0 (step 3) is peeled, from zero state with no recurrent matmul; the loop's
// position n = k + 1 reads h and c of the previous position's step, 3 - (n - 1), from the carried sequences, does
// its one matmul by W_hhᵀ, and writes h, c and the gates at step 3 - n.
// CHECK-LABEL: func.func @lstm_reverse
// CHECK: %[[GX:.+]] = tensor.expand_shape %{{.+}} {{\[\[}}0, 1], [2]] output_shape [3, 4, 8]
// CHECK: %[[WHHT:.+]] = linalg.transpose ins(%{{.+}} : tensor<8x2xf32>) outs(%{{.+}} : tensor<2x8xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[Z:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[LAST:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[S0:.+]] = arith.subi %[[LAST]], %[[Z]] : index
// CHECK-NEXT: %[[X0:.+]] = tensor.extract_slice %[[GX]][0, %[[S0]], 0] [3, 1, 8] [1, 1, 1] : tensor<3x4x8xf32> to tensor<3x8xf32>
// CHECK-NOT: linalg.matmul
// CHECK: %[[A0:.+]] = linalg.generic {{.*}} ins(%[[X0]] : tensor<3x8xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[CH0:.+]]:2 = linalg.generic {{.*}} ins(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) outs(
// CHECK-NOT: linalg.matmul
// CHECK: %[[HS0:.+]] = tensor.insert_slice %[[CH0]]#1 into %{{.+}}[0, %[[S0]], 0] [3, 1, 2] [1, 1, 1]
// CHECK-NEXT: %[[CS0:.+]] = tensor.insert_slice %[[CH0]]#0 into %{{.+}}[0, %[[S0]], 0] [3, 1, 2] [1, 1, 1]
// CHECK-NEXT: %[[GS0:.+]] = tensor.insert_slice %[[A0]] into %{{.+}}[0, %[[S0]], 0] [3, 1, 8] [1, 1, 1]
// CHECK-NEXT: %[[LB:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[R:.+]]:3 = scf.for %[[K:[^ ]+]] = %[[LB]] to %[[UB]] step %[[ONE]] iter_args(%[[HA:[^ ]+]] = %[[HS0]], %[[CA:[^ ]+]] = %[[CS0]], %[[GA:[^ ]+]] = %[[GS0]]) -> (tensor<3x4x2xf32>, tensor<3x4x2xf32>, tensor<3x4x8xf32>) {
// CHECK-NEXT: %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[N:.+]] = arith.addi %[[K]], %[[C1]] : index
// CHECK-NEXT: %[[L1:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[T:.+]] = arith.subi %[[L1]], %[[N]] : index
// CHECK-NEXT: %[[XT:.+]] = tensor.extract_slice %[[GX]][0, %[[T]], 0] [3, 1, 8] [1, 1, 1] : tensor<3x4x8xf32> to tensor<3x8xf32>
// CHECK-NEXT: %[[C1B:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[M:.+]] = arith.subi %[[N]], %[[C1B]] : index
// CHECK-NEXT: %[[L2:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[TP:.+]] = arith.subi %[[L2]], %[[M]] : index
// CHECK-NEXT: %[[HP:.+]] = tensor.extract_slice %[[HA]][0, %[[TP]], 0] [3, 1, 2] [1, 1, 1] : tensor<3x4x2xf32> to tensor<3x2xf32>
// CHECK-NOT: linalg.matmul
// CHECK: %[[REC:.+]] = linalg.matmul ins(%[[HP]], %[[WHHT]] : tensor<3x2xf32>, tensor<2x8xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[PRE:.+]] = linalg.generic {{.*}} ins(%[[XT]], %[[REC]] : tensor<3x8xf32>, tensor<3x8xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[CP:.+]] = tensor.extract_slice %[[CA]][0, %[[TP]], 0] [3, 1, 2] [1, 1, 1] : tensor<3x4x2xf32> to tensor<3x2xf32>
// CHECK-NOT: linalg.matmul
// CHECK: %[[A:.+]] = linalg.generic {{.*}} ins(%[[PRE]] : tensor<3x8xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[CH:.+]]:2 = linalg.generic {{.*}} ins(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[CP]] : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) outs(
// CHECK-NOT: linalg.matmul
// CHECK: %[[HN:.+]] = tensor.insert_slice %[[CH]]#1 into %[[HA]][0, %[[T]], 0] [3, 1, 2] [1, 1, 1]
// CHECK-NEXT: %[[CN:.+]] = tensor.insert_slice %[[CH]]#0 into %[[CA]][0, %[[T]], 0] [3, 1, 2] [1, 1, 1]
// CHECK-NEXT: %[[GN:.+]] = tensor.insert_slice %[[A]] into %[[GA]][0, %[[T]], 0] [3, 1, 8] [1, 1, 1]
// CHECK-NEXT: scf.yield %[[HN]], %[[CN]], %[[GN]] :
// CHECK-NEXT: }
// CHECK-NEXT: return %[[R]]#0 :
func.func @lstm_reverse(%x: tensor<3x4x5xf32>, %wih: tensor<8x5xf32>, %whh: tensor<8x2xf32>, %bih: tensor<8xf32>, %bhh: tensor<8xf32>)
    -> tensor<3x4x2xf32> {
  %h:3 = nn.lstm %x, %wih, %whh, %bih, %bhh {reverse}
      : (tensor<3x4x5xf32>, tensor<8x5xf32>, tensor<8x2xf32>, tensor<8xf32>, tensor<8xf32>)
      -> (tensor<3x4x2xf32>, tensor<3x4x2xf32>, tensor<3x4x8xf32>)
  return %h#0 : tensor<3x4x2xf32>
}

// -----

// Tests that gru (3 steps, H = 2) adds only b_ih to the input projection; b_hh goes with the recurrent part (r
// multiplies W_hn h + b_hn), so the peeled step 0 adds it to zeros without a matmul, and the loop's step n = k + 1,
// k in [0, 2), adds it to h_{n-1} W_hhᵀ (its one matmul), h_{n-1} read back from the carried h sequence. One generic
// per step computes r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r h_n), h' = (1 - z) n + z h and yields
// r, z, n, h_n and h'; r, z, n, h_n fill the step's gates [B, 4H] at columns 0, 2, 4, 6, written at step n.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @gru
// CHECK-SAME: (%[[X:.+]]: tensor<4x3x5xf32>, %[[WIH:.+]]: tensor<6x5xf32>, %[[WHH:.+]]: tensor<6x2xf32>, %[[BIH:.+]]: tensor<6xf32>, %[[BHH:.+]]: tensor<6xf32>)
// CHECK: %[[PROJ:.+]] = linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<12x5xf32>, tensor<5x6xf32>)
// CHECK: %[[PB:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], {{.*}} ins(%[[PROJ]], %[[BIH]] : tensor<12x6xf32>, tensor<6xf32>)
// CHECK-NOT: %[[BHH]]
// CHECK: %[[GX:.+]] = tensor.expand_shape %[[PB]] {{\[\[}}0, 1], [2]] output_shape [4, 3, 6] : tensor<12x6xf32> into tensor<4x3x6xf32>
// CHECK: %[[WHHT:.+]] = linalg.transpose ins(%[[WHH]] : tensor<6x2xf32>) outs(%{{.+}} : tensor<2x6xf32>)
// CHECK-NEXT: %[[HS:.+]] = tensor.empty() : tensor<4x3x2xf32>
// CHECK-NEXT: %[[GS:.+]] = tensor.empty() : tensor<4x3x8xf32>
// CHECK-NEXT: %[[S0:.+]] = arith.constant 0 : index
// CHECK-NOT: linalg.matmul
// CHECK: %[[Z0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<4x6xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[GH0:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], {{.*}} ins(%[[Z0]], %[[BHH]] : tensor<4x6xf32>, tensor<6xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[X0:.+]] = tensor.extract_slice %[[GX]][0, %[[S0]], 0] [4, 1, 6] [1, 1, 1] : tensor<4x3x6xf32> to tensor<4x6xf32>
// CHECK-NEXT: %[[XR0:.+]] = tensor.extract_slice %[[X0]][0, 0] [4, 2] [1, 1]
// CHECK-NEXT: %[[XZ0:.+]] = tensor.extract_slice %[[X0]][0, 2] [4, 2] [1, 1]
// CHECK-NEXT: %[[XN0:.+]] = tensor.extract_slice %[[X0]][0, 4] [4, 2] [1, 1]
// CHECK-NEXT: %[[HR0:.+]] = tensor.extract_slice %[[GH0]][0, 0] [4, 2] [1, 1]
// CHECK-NEXT: %[[HZ0:.+]] = tensor.extract_slice %[[GH0]][0, 2] [4, 2] [1, 1]
// CHECK-NEXT: %[[HN0:.+]] = tensor.extract_slice %[[GH0]][0, 4] [4, 2] [1, 1]
// CHECK-NOT: linalg.matmul
// CHECK: %[[S0V:.+]]:5 = linalg.generic {{.*}} ins(%[[XR0]], %[[XZ0]], %[[XN0]], %[[HR0]], %[[HZ0]], %[[HN0]] : tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) outs(
// CHECK-NOT: linalg.matmul
// CHECK: %[[HS0:.+]] = tensor.insert_slice %[[S0V]]#4 into %[[HS]][0, %[[S0]], 0] [4, 1, 2] [1, 1, 1] : tensor<4x2xf32> into tensor<4x3x2xf32>
// CHECK-NOT: linalg.matmul
// CHECK: %[[GS0:.+]] = tensor.insert_slice %{{.+}} into %[[GS]][0, %[[S0]], 0] [4, 1, 8] [1, 1, 1] : tensor<4x8xf32> into tensor<4x3x8xf32>
// CHECK-NEXT: %[[LB:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[RES:.+]]:2 = scf.for %[[K:[^ ]+]] = %[[LB]] to %[[UB]] step %[[ONE]] iter_args(%[[HA:[^ ]+]] = %[[HS0]], %[[GA:[^ ]+]] = %[[GS0]]) -> (tensor<4x3x2xf32>, tensor<4x3x8xf32>) {
// CHECK-NEXT: %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[N:.+]] = arith.addi %[[K]], %[[C1]] : index
// CHECK-NEXT: %[[C1B:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[P:.+]] = arith.subi %[[N]], %[[C1B]] : index
// CHECK-NEXT: %[[HP:.+]] = tensor.extract_slice %[[HA]][0, %[[P]], 0] [4, 1, 2] [1, 1, 1] : tensor<4x3x2xf32> to tensor<4x2xf32>
// CHECK-NOT: linalg.matmul
// CHECK: %[[REC:.+]] = linalg.matmul ins(%[[HP]], %[[WHHT]] : tensor<4x2xf32>, tensor<2x6xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[GH1:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], {{.*}} ins(%[[REC]], %[[BHH]] : tensor<4x6xf32>, tensor<6xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[X1:.+]] = tensor.extract_slice %[[GX]][0, %[[N]], 0] [4, 1, 6] [1, 1, 1] : tensor<4x3x6xf32> to tensor<4x6xf32>
// CHECK-NEXT: %[[XR:.+]] = tensor.extract_slice %[[X1]][0, 0] [4, 2] [1, 1]
// CHECK-NEXT: %[[XZ:.+]] = tensor.extract_slice %[[X1]][0, 2] [4, 2] [1, 1]
// CHECK-NEXT: %[[XN:.+]] = tensor.extract_slice %[[X1]][0, 4] [4, 2] [1, 1]
// CHECK-NEXT: %[[HR:.+]] = tensor.extract_slice %[[GH1]][0, 0] [4, 2] [1, 1]
// CHECK-NEXT: %[[HZ:.+]] = tensor.extract_slice %[[GH1]][0, 2] [4, 2] [1, 1]
// CHECK-NEXT: %[[HN:.+]] = tensor.extract_slice %[[GH1]][0, 4] [4, 2] [1, 1]
// CHECK-NOT: linalg.matmul
// CHECK: %[[S1:.+]]:5 = linalg.generic {{.*}} ins(%[[XR]], %[[XZ]], %[[XN]], %[[HR]], %[[HZ]], %[[HN]], %[[HP]] :
// CHECK-NEXT: ^bb0(%[[AXR:[^:]+]]: f32, %[[AXZ:[^:]+]]: f32, %[[AXN:[^:]+]]: f32, %[[AHR:[^:]+]]: f32, %[[AHZ:[^:]+]]: f32, %[[AHN:[^:]+]]: f32, %[[AHP:[^:]+]]: f32,
// CHECK-NEXT: %[[PR:.+]] = arith.addf %[[AXR]], %[[AHR]] : f32
// CHECK: math.exp
// CHECK: %[[R:.+]] = arith.divf
// CHECK-NEXT: %[[PZ:.+]] = arith.addf %[[AXZ]], %[[AHZ]] : f32
// CHECK: math.exp
// CHECK: %[[Z:.+]] = arith.divf
// CHECK-NEXT: %[[RH:.+]] = arith.mulf %[[R]], %[[AHN]] : f32
// CHECK-NEXT: %[[PN:.+]] = arith.addf %[[AXN]], %[[RH]] : f32
// CHECK-NEXT: %[[NV:.+]] = math.tanh %[[PN]] : f32
// CHECK-NEXT: %[[ONEF:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[OMZ:.+]] = arith.subf %[[ONEF]], %[[Z]] : f32
// CHECK-NEXT: %[[NEW:.+]] = arith.mulf %[[OMZ]], %[[NV]] : f32
// CHECK-NEXT: %[[ZH:.+]] = arith.mulf %[[Z]], %[[AHP]] : f32
// CHECK-NEXT: %[[HV:.+]] = arith.addf %[[NEW]], %[[ZH]] : f32
// CHECK-NEXT: linalg.yield %[[R]], %[[Z]], %[[NV]], %[[AHN]], %[[HV]]
// CHECK-NOT: linalg.matmul
// CHECK: %[[HSN:.+]] = tensor.insert_slice %[[S1]]#4 into %[[HA]][0, %[[N]], 0] [4, 1, 2] [1, 1, 1] : tensor<4x2xf32> into tensor<4x3x2xf32>
// CHECK-NOT: linalg.matmul
// CHECK: %[[GR:.+]] = tensor.insert_slice %[[S1]]#0 into %{{.+}}[0, 0] [4, 2] [1, 1]
// CHECK-NEXT: %[[GZ:.+]] = tensor.insert_slice %[[S1]]#1 into %[[GR]][0, 2] [4, 2] [1, 1]
// CHECK-NEXT: %[[GN:.+]] = tensor.insert_slice %[[S1]]#2 into %[[GZ]][0, 4] [4, 2] [1, 1]
// CHECK-NEXT: %[[GHN:.+]] = tensor.insert_slice %[[S1]]#3 into %[[GN]][0, 6] [4, 2] [1, 1]
// CHECK-NEXT: %[[GSN:.+]] = tensor.insert_slice %[[GHN]] into %[[GA]][0, %[[N]], 0] [4, 1, 8] [1, 1, 1] : tensor<4x8xf32> into tensor<4x3x8xf32>
// CHECK-NEXT: scf.yield %[[HSN]], %[[GSN]] : tensor<4x3x2xf32>, tensor<4x3x8xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[RES]]#0, %[[RES]]#1
func.func @gru(%x: tensor<4x3x5xf32>, %wih: tensor<6x5xf32>, %whh: tensor<6x2xf32>, %bih: tensor<6xf32>, %bhh: tensor<6xf32>)
    -> (tensor<4x3x2xf32>, tensor<4x3x8xf32>) {
  %h, %g = nn.gru %x, %wih, %whh, %bih, %bhh
      : (tensor<4x3x5xf32>, tensor<6x5xf32>, tensor<6x2xf32>, tensor<6xf32>, tensor<6xf32>)
      -> (tensor<4x3x2xf32>, tensor<4x3x8xf32>)
  return %h, %g : tensor<4x3x2xf32>, tensor<4x3x8xf32>
}

// -----

// Tests that simple_rnn with reverse (4 steps) adds both biases to the input projection, then runs position 0 (step
// 3 - 0, peeled: tanh of its projection, zero state, no matmul) and loops over positions n = k + 1, k in [0, 3):
// step 3 - n is tanh(x_{3-n} + h_{3-(n-1)} W_hhᵀ), h of the previous position's step read back from the carried
// sequence, and is written at step 3 - n.
// CHECK-LABEL: func.func @simple_rnn_reverse
// CHECK-SAME: (%[[X:.+]]: tensor<3x4x5xf32>, %[[WIH:.+]]: tensor<4x5xf32>, %[[WHH:.+]]: tensor<4x4xf32>, %[[BIH:.+]]: tensor<4xf32>, %[[BHH:.+]]: tensor<4xf32>)
// CHECK: %[[PROJ:.+]] = linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<12x5xf32>, tensor<5x4xf32>)
// CHECK: %[[PB:.+]] = linalg.generic {{.*}} ins(%[[PROJ]], %[[BIH]] : tensor<12x4xf32>, tensor<4xf32>)
// CHECK: %[[PBB:.+]] = linalg.generic {{.*}} ins(%[[PB]], %[[BHH]] : tensor<12x4xf32>, tensor<4xf32>)
// CHECK: %[[GX:.+]] = tensor.expand_shape %[[PBB]] {{\[\[}}0, 1], [2]] output_shape [3, 4, 4]
// CHECK: %[[WHHT:.+]] = linalg.transpose ins(%[[WHH]] : tensor<4x4xf32>)
// CHECK-NEXT: %[[HS:.+]] = tensor.empty() : tensor<3x4x4xf32>
// CHECK-NEXT: %[[Z:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[LAST:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[S0:.+]] = arith.subi %[[LAST]], %[[Z]] : index
// CHECK-NEXT: %[[X0:.+]] = tensor.extract_slice %[[GX]][0, %[[S0]], 0] [3, 1, 4] [1, 1, 1] : tensor<3x4x4xf32> to tensor<3x4xf32>
// CHECK-NOT: linalg.matmul
// CHECK: %[[H0:.+]] = linalg.generic {{.*}} ins(%[[X0]] : tensor<3x4xf32>)
// CHECK-NEXT: ^bb0(%[[A:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[T0:.+]] = math.tanh %[[A]] : f32
// CHECK-NEXT: linalg.yield %[[T0]]
// CHECK-NOT: linalg.matmul
// CHECK: %[[HS0:.+]] = tensor.insert_slice %[[H0]] into %[[HS]][0, %[[S0]], 0] [3, 1, 4] [1, 1, 1] : tensor<3x4xf32> into tensor<3x4x4xf32>
// CHECK-NEXT: %[[LB:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[RES:.+]] = scf.for %[[K:[^ ]+]] = %[[LB]] to %[[UB]] step %[[ONE]] iter_args(%[[HA:[^ ]+]] = %[[HS0]]) -> (tensor<3x4x4xf32>) {
// CHECK-NEXT: %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[N:.+]] = arith.addi %[[K]], %[[C1]] : index
// CHECK-NEXT: %[[L1:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[T:.+]] = arith.subi %[[L1]], %[[N]] : index
// CHECK-NEXT: %[[XT:.+]] = tensor.extract_slice %[[GX]][0, %[[T]], 0] [3, 1, 4] [1, 1, 1] : tensor<3x4x4xf32> to tensor<3x4xf32>
// CHECK-NEXT: %[[C1B:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[M:.+]] = arith.subi %[[N]], %[[C1B]] : index
// CHECK-NEXT: %[[L2:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[TP:.+]] = arith.subi %[[L2]], %[[M]] : index
// CHECK-NEXT: %[[HP:.+]] = tensor.extract_slice %[[HA]][0, %[[TP]], 0] [3, 1, 4] [1, 1, 1] : tensor<3x4x4xf32> to tensor<3x4xf32>
// CHECK-NOT: linalg.matmul
// CHECK: %[[REC:.+]] = linalg.matmul ins(%[[HP]], %[[WHHT]] : tensor<3x4xf32>, tensor<4x4xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[PRE:.+]] = linalg.generic {{.*}} ins(%[[XT]], %[[REC]] : tensor<3x4xf32>, tensor<3x4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK-NOT: linalg.matmul
// CHECK: %[[HT:.+]] = linalg.generic {{.*}} ins(%[[PRE]] : tensor<3x4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: math.tanh
// CHECK-NOT: linalg.matmul
// CHECK: %[[HSN:.+]] = tensor.insert_slice %[[HT]] into %[[HA]][0, %[[T]], 0] [3, 1, 4] [1, 1, 1] : tensor<3x4xf32> into tensor<3x4x4xf32>
// CHECK-NEXT: scf.yield %[[HSN]] : tensor<3x4x4xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[RES]] :
func.func @simple_rnn_reverse(%x: tensor<3x4x5xf32>, %wih: tensor<4x5xf32>, %whh: tensor<4x4xf32>, %bih: tensor<4xf32>,
                              %bhh: tensor<4xf32>) -> tensor<3x4x4xf32> {
  %h = nn.simple_rnn %x, %wih, %whh, %bih, %bhh {reverse}
      : (tensor<3x4x5xf32>, tensor<4x5xf32>, tensor<4x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<3x4x4xf32>
  return %h : tensor<3x4x4xf32>
}

// -----

// Tests that simple_rnn forward (3 steps) peels step 0 (tanh of its projection, no matmul) and loops over steps
// n = k + 1, k in [0, 2), each reading h of step n - 1 from the carried sequence for its one matmul by W_hhᵀ and
// writing its h at step n.
// CHECK-LABEL: func.func @simple_rnn
// CHECK: %[[GX:.+]] = tensor.expand_shape %{{.+}} {{\[\[}}0, 1], [2]] output_shape [3, 3, 4]
// CHECK: %[[WHHT:.+]] = linalg.transpose ins(%{{.+}} : tensor<4x4xf32>)
// CHECK-NEXT: %[[HS:.+]] = tensor.empty() : tensor<3x3x4xf32>
// CHECK-NEXT: %[[S0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[X0:.+]] = tensor.extract_slice %[[GX]][0, %[[S0]], 0] [3, 1, 4] [1, 1, 1]
// CHECK-NOT: linalg.matmul
// CHECK: %[[H0:.+]] = linalg.generic {{.*}} ins(%[[X0]] : tensor<3x4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: math.tanh
// CHECK-NOT: linalg.matmul
// CHECK: %[[HS0:.+]] = tensor.insert_slice %[[H0]] into %[[HS]][0, %[[S0]], 0] [3, 1, 4] [1, 1, 1]
// CHECK-NEXT: %[[LB:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[RES:.+]] = scf.for %[[K:[^ ]+]] = %[[LB]] to %[[UB]] step %[[ONE]] iter_args(%[[HA:[^ ]+]] = %[[HS0]]) -> (tensor<3x3x4xf32>) {
// CHECK-NEXT: %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[N:.+]] = arith.addi %[[K]], %[[C1]] : index
// CHECK-NEXT: %[[XN:.+]] = tensor.extract_slice %[[GX]][0, %[[N]], 0] [3, 1, 4] [1, 1, 1]
// CHECK-NEXT: %[[C1B:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[P:.+]] = arith.subi %[[N]], %[[C1B]] : index
// CHECK-NEXT: %[[HP:.+]] = tensor.extract_slice %[[HA]][0, %[[P]], 0] [3, 1, 4] [1, 1, 1] : tensor<3x3x4xf32> to tensor<3x4xf32>
// CHECK-NOT: linalg.matmul
// CHECK: %[[REC:.+]] = linalg.matmul ins(%[[HP]], %[[WHHT]] : tensor<3x4xf32>, tensor<4x4xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[PRE:.+]] = linalg.generic {{.*}} ins(%[[XN]], %[[REC]] : tensor<3x4xf32>, tensor<3x4xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[HT:.+]] = linalg.generic {{.*}} ins(%[[PRE]] : tensor<3x4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: math.tanh
// CHECK-NOT: linalg.matmul
// CHECK: %[[HSN:.+]] = tensor.insert_slice %[[HT]] into %[[HA]][0, %[[N]], 0] [3, 1, 4] [1, 1, 1]
// CHECK-NEXT: scf.yield %[[HSN]] :
// CHECK-NEXT: }
// CHECK-NEXT: return %[[RES]] :
func.func @simple_rnn(%x: tensor<3x3x5xf32>, %wih: tensor<4x5xf32>, %whh: tensor<4x4xf32>, %bih: tensor<4xf32>,
                      %bhh: tensor<4xf32>) -> tensor<3x3x4xf32> {
  %h = nn.simple_rnn %x, %wih, %whh, %bih, %bhh
      : (tensor<3x3x5xf32>, tensor<4x5xf32>, tensor<4x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<3x3x4xf32>
  return %h : tensor<3x3x4xf32>
}

// -----

// Tests that last_step is one rank-reducing extract_slice of step T - 1 = 4.
// CHECK-LABEL: func.func @last_step
// CHECK-SAME: (%[[X:.+]]: tensor<8x5x10xf32>)
// CHECK-NEXT: %[[Y:.+]] = tensor.extract_slice %[[X]][0, 4, 0] [8, 1, 10] [1, 1, 1] : tensor<8x5x10xf32> to tensor<8x10xf32>
// CHECK-NEXT: return %[[Y]]
func.func @last_step(%x: tensor<8x5x10xf32>) -> tensor<8x10xf32> {
  %y = nn.last_step %x : tensor<8x5x10xf32> -> tensor<8x10xf32>
  return %y : tensor<8x10xf32>
}
