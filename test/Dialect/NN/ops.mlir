// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s -mlir-print-op-generic | kiln-opt | FileCheck %s

// Tests that dense round-trips with and without a bias.
// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[X:.+]]: tensor<64x784xf32>, %[[W:.+]]: tensor<512x784xf32>, %[[B:.+]]: tensor<512xf32>)
func.func @dense(%x: tensor<64x784xf32>, %w: tensor<512x784xf32>, %b: tensor<512xf32>)
    -> (tensor<64x512xf32>, tensor<64x512xf32>) {
  // CHECK: %[[Y:.+]] = nn.dense %[[X]], %[[W]], %[[B]] : (tensor<64x784xf32>, tensor<512x784xf32>, tensor<512xf32>) -> tensor<64x512xf32>
  %y = nn.dense %x, %w, %b : (tensor<64x784xf32>, tensor<512x784xf32>, tensor<512xf32>) -> tensor<64x512xf32>
  // CHECK: %[[NB:.+]] = nn.dense %[[X]], %[[W]] : (tensor<64x784xf32>, tensor<512x784xf32>) -> tensor<64x512xf32>
  %nb = nn.dense %x, %w : (tensor<64x784xf32>, tensor<512x784xf32>) -> tensor<64x512xf32>
  // CHECK: return %[[Y]], %[[NB]]
  return %y, %nb : tensor<64x512xf32>, tensor<64x512xf32>
}

// Tests that dense takes other float types.
// CHECK-LABEL: func.func @dense_f64
func.func @dense_f64(%x: tensor<2x3xf64>, %w: tensor<4x3xf64>) -> tensor<2x4xf64> {
  // CHECK: nn.dense %{{.+}}, %{{.+}} : (tensor<2x3xf64>, tensor<4x3xf64>) -> tensor<2x4xf64>
  %y = nn.dense %x, %w : (tensor<2x3xf64>, tensor<4x3xf64>) -> tensor<2x4xf64>
  return %y : tensor<2x4xf64>
}

// Tests that reshape round-trips.
// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:.+]]: tensor<64x28x28xf32>)
func.func @reshape(%x: tensor<64x28x28xf32>) -> tensor<64x784xf32> {
  // CHECK: %[[F:.+]] = nn.reshape %[[X]] : tensor<64x28x28xf32> -> tensor<64x784xf32>
  %f = nn.reshape %x : tensor<64x28x28xf32> -> tensor<64x784xf32>
  // CHECK: return %[[F]]
  return %f : tensor<64x784xf32>
}

// Tests that relu, sigmoid, tanh, softmax and leaky_relu round-trip (the default alpha is elided).
// CHECK-LABEL: func.func @activations
// CHECK-SAME: (%[[X:.+]]: tensor<64x512xf32>)
func.func @activations(%x: tensor<64x512xf32>) -> tensor<64x512xf32> {
  // CHECK: %[[R:.+]] = nn.relu %[[X]] : tensor<64x512xf32>
  %r = nn.relu %x : tensor<64x512xf32>
  // CHECK: %[[S:.+]] = nn.sigmoid %[[R]] : tensor<64x512xf32>
  %s = nn.sigmoid %r : tensor<64x512xf32>
  // CHECK: %[[T:.+]] = nn.tanh %[[S]] : tensor<64x512xf32>
  %t = nn.tanh %s : tensor<64x512xf32>
  // CHECK: %[[P:.+]] = nn.softmax %[[T]] : tensor<64x512xf32>
  %p = nn.softmax %t : tensor<64x512xf32>
  // CHECK: %[[L:.+]] = nn.leaky_relu %[[P]] {alpha = 2.000000e-01 : f64} : tensor<64x512xf32>
  %l = nn.leaky_relu %p {alpha = 0.2} : tensor<64x512xf32>
  // The default alpha is not printed.
  // CHECK: %[[D:.+]] = nn.leaky_relu %[[L]] : tensor<64x512xf32>
  %d = nn.leaky_relu %l : tensor<64x512xf32>
  // CHECK: return %[[D]]
  return %d : tensor<64x512xf32>
}

// Tests that mse_loss and softmax_cross_entropy round-trip.
// CHECK-LABEL: func.func @losses
// CHECK-SAME: (%[[P:.+]]: tensor<32x1xf32>, %[[T:.+]]: tensor<32x1xf32>, %[[LG:.+]]: tensor<64x10xf32>, %[[LB:.+]]: tensor<64xi32>)
func.func @losses(%pred: tensor<32x1xf32>, %target: tensor<32x1xf32>,
                  %logits: tensor<64x10xf32>, %labels: tensor<64xi32>) -> (tensor<f32>, tensor<f32>) {
  // CHECK: %[[M:.+]] = nn.mse_loss %[[P]], %[[T]] : tensor<32x1xf32> -> tensor<f32>
  %m = nn.mse_loss %pred, %target : tensor<32x1xf32> -> tensor<f32>
  // CHECK: %[[C:.+]] = nn.softmax_cross_entropy %[[LG]], %[[LB]] : tensor<64x10xf32>, tensor<64xi32> -> tensor<f32>
  %c = nn.softmax_cross_entropy %logits, %labels : tensor<64x10xf32>, tensor<64xi32> -> tensor<f32>
  // CHECK: return %[[M]], %[[C]]
  return %m, %c : tensor<f32>, tensor<f32>
}

// Tests that softmax_cross_entropy takes i64 labels.
// CHECK-LABEL: func.func @cross_entropy_i64_labels
func.func @cross_entropy_i64_labels(%logits: tensor<8x3xf32>, %labels: tensor<8xi64>) -> tensor<f32> {
  // CHECK: nn.softmax_cross_entropy %{{.+}}, %{{.+}} : tensor<8x3xf32>, tensor<8xi64> -> tensor<f32>
  %c = nn.softmax_cross_entropy %logits, %labels : tensor<8x3xf32>, tensor<8xi64> -> tensor<f32>
  return %c : tensor<f32>
}

// -----

// Tests that dropout round-trips before its mode is set and in training mode.
// CHECK-LABEL: func.func @dropout
// CHECK-SAME: (%[[X:.+]]: tensor<8x16xf32>, %[[SEED:.+]]: i64, %[[STEP:.+]]: i64)
func.func @dropout(%x: tensor<8x16xf32>, %seed: i64, %step: i64) -> (tensor<8x16xf32>, tensor<8x16xf32>) {
  // CHECK: nn.dropout %[[X]] {rate = 5.000000e-01 : f64, stream = 3 : i64} : tensor<8x16xf32>
  %a = nn.dropout %x {rate = 0.5, stream = 3} : tensor<8x16xf32>
  // CHECK: nn.dropout %[[X]] seed %[[SEED]] step %[[STEP]] {rate = 5.000000e-01 : f64, stream = 3 : i64, training} : tensor<8x16xf32>
  %b = nn.dropout %x seed %seed step %step {rate = 0.5, stream = 3, training} : tensor<8x16xf32>
  return %a, %b : tensor<8x16xf32>, tensor<8x16xf32>
}

// -----

// Tests that conv2d round-trips with a bias and every attribute at its default; defaults, even spelled out, are not printed.
// CHECK-LABEL: func.func @conv2d_defaults
// CHECK-SAME: (%[[X:.+]]: tensor<64x1x28x28xf32>, %[[W:.+]]: tensor<32x1x3x3xf32>, %[[B:.+]]: tensor<32xf32>)
func.func @conv2d_defaults(%x: tensor<64x1x28x28xf32>, %w: tensor<32x1x3x3xf32>, %b: tensor<32xf32>)
    -> (tensor<64x32x26x26xf32>, tensor<64x32x26x26xf32>) {
  // CHECK: %[[Y:.+]] = nn.conv2d %[[X]], %[[W]], %[[B]] : (tensor<64x1x28x28xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>) -> tensor<64x32x26x26xf32>
  %y = nn.conv2d %x, %w, %b : (tensor<64x1x28x28xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>) -> tensor<64x32x26x26xf32>
  // CHECK: %[[D:.+]] = nn.conv2d %[[X]], %[[W]], %[[B]] : (tensor<64x1x28x28xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>) -> tensor<64x32x26x26xf32>
  %d = nn.conv2d %x, %w, %b {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>,
                             dilation = array<i64: 1, 1>, groups = 1}
      : (tensor<64x1x28x28xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>) -> tensor<64x32x26x26xf32>
  // CHECK: return %[[Y]], %[[D]]
  return %y, %d : tensor<64x32x26x26xf32>, tensor<64x32x26x26xf32>
}

// -----

// Tests that conv2d round-trips without a bias, with strides, uneven padding [top, left, bottom, right], dilation and groups.
// CHECK-LABEL: func.func @conv2d_attributes
// CHECK-SAME: (%[[X:.+]]: tensor<2x4x9x10xf32>, %[[W:.+]]: tensor<6x2x3x3xf32>)
func.func @conv2d_attributes(%x: tensor<2x4x9x10xf32>, %w: tensor<6x2x3x3xf32>)
    -> (tensor<2x6x5x5xf32>, tensor<2x6x5x8xf32>) {
  // (9 + 1 + 1 - 3) / 2 + 1 = 5 rows, (10 + 1 + 0 - 3) / 2 + 1 = 5 columns.
  // CHECK: %[[S:.+]] = nn.conv2d %[[X]], %[[W]] {groups = 2 : i64, padding = array<i64: 1, 1, 1, 0>, strides = array<i64: 2, 2>} : (tensor<2x4x9x10xf32>, tensor<6x2x3x3xf32>) -> tensor<2x6x5x5xf32>
  %s = nn.conv2d %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 0>, groups = 2}
      : (tensor<2x4x9x10xf32>, tensor<6x2x3x3xf32>) -> tensor<2x6x5x5xf32>
  // Dilation [2, 1]: a 5 x 3 receptive field, 9 - 5 + 1 = 5 rows and 10 - 3 + 1 = 8 columns.
  // CHECK: %[[D:.+]] = nn.conv2d %[[X]], %[[W]] {dilation = array<i64: 2, 1>, groups = 2 : i64} : (tensor<2x4x9x10xf32>, tensor<6x2x3x3xf32>) -> tensor<2x6x5x8xf32>
  %d = nn.conv2d %x, %w {dilation = array<i64: 2, 1>, groups = 2}
      : (tensor<2x4x9x10xf32>, tensor<6x2x3x3xf32>) -> tensor<2x6x5x8xf32>
  // CHECK: return %[[S]], %[[D]]
  return %s, %d : tensor<2x6x5x5xf32>, tensor<2x6x5x8xf32>
}

// -----

// Tests that conv2d takes f64.
// CHECK-LABEL: func.func @conv2d_f64
func.func @conv2d_f64(%x: tensor<1x3x5x5xf64>, %w: tensor<3x1x3x3xf64>) -> tensor<1x3x3x3xf64> {
  // CHECK: nn.conv2d %{{.+}}, %{{.+}} {groups = 3 : i64} : (tensor<1x3x5x5xf64>, tensor<3x1x3x3xf64>) -> tensor<1x3x3x3xf64>
  %y = nn.conv2d %x, %w {groups = 3} : (tensor<1x3x5x5xf64>, tensor<3x1x3x3xf64>) -> tensor<1x3x3x3xf64>
  return %y : tensor<1x3x3x3xf64>
}

// -----

// Tests that max_pool2d and avg_pool2d round-trip with and without padding (the default, [0, 0, 0, 0], is not printed), and a global window.
// CHECK-LABEL: func.func @pooling
// CHECK-SAME: (%[[X:.+]]: tensor<64x32x26x26xf32>)
func.func @pooling(%x: tensor<64x32x26x26xf32>)
    -> (tensor<64x32x13x13xf32>, tensor<64x32x14x13xf32>, tensor<64x32x13x13xf32>, tensor<64x32x1x1xf32>) {
  // CHECK: %[[M:.+]] = nn.max_pool2d %[[X]] {strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : tensor<64x32x26x26xf32> -> tensor<64x32x13x13xf32>
  %m = nn.max_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<64x32x26x26xf32> -> tensor<64x32x13x13xf32>
  // CHECK: %[[MP:.+]] = nn.max_pool2d %[[X]] {padding = array<i64: 1, 0, 2, 2>, strides = array<i64: 2, 2>, window = array<i64: 3, 3>} : tensor<64x32x26x26xf32> -> tensor<64x32x14x13xf32>
  %mp = nn.max_pool2d %x {window = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 2, 2>}
      : tensor<64x32x26x26xf32> -> tensor<64x32x14x13xf32>
  // CHECK: %[[A:.+]] = nn.avg_pool2d %[[X]] {strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : tensor<64x32x26x26xf32> -> tensor<64x32x13x13xf32>
  %a = nn.avg_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>}
      : tensor<64x32x26x26xf32> -> tensor<64x32x13x13xf32>
  // CHECK: %[[G:.+]] = nn.avg_pool2d %[[X]] {strides = array<i64: 1, 1>, window = array<i64: 26, 26>} : tensor<64x32x26x26xf32> -> tensor<64x32x1x1xf32>
  %g = nn.avg_pool2d %x {window = array<i64: 26, 26>, strides = array<i64: 1, 1>} : tensor<64x32x26x26xf32> -> tensor<64x32x1x1xf32>
  // CHECK: return %[[M]], %[[MP]], %[[A]], %[[G]]
  return %m, %mp, %a, %g : tensor<64x32x13x13xf32>, tensor<64x32x14x13xf32>, tensor<64x32x13x13xf32>, tensor<64x32x1x1xf32>
}

// -----

// Tests that batch_norm round-trips on [N, C, H, W] with weight and bias in
// training mode, and on [N, F] without them; the default momentum (0.1) and
// epsilon (1e-5) are not printed.
// CHECK-LABEL: func.func @batch_norm
// CHECK-SAME: (%[[X:.+]]: tensor<64x32x13x13xf32>, %[[M:.+]]: tensor<32xf32>, %[[V:.+]]: tensor<32xf32>, %[[W:.+]]: tensor<32xf32>, %[[B:.+]]: tensor<32xf32>, %[[F:.+]]: tensor<8x5xf32>, %[[M5:.+]]: tensor<5xf32>, %[[V5:.+]]: tensor<5xf32>)
func.func @batch_norm(%x: tensor<64x32x13x13xf32>, %m: tensor<32xf32>, %v: tensor<32xf32>, %w: tensor<32xf32>,
                      %b: tensor<32xf32>, %f: tensor<8x5xf32>, %m5: tensor<5xf32>, %v5: tensor<5xf32>)
    -> (tensor<64x32x13x13xf32>, tensor<32xf32>, tensor<32xf32>, tensor<8x5xf32>, tensor<5xf32>, tensor<5xf32>) {
  // CHECK: %[[Y:.+]], %[[NM:.+]], %[[NV:.+]] = nn.batch_norm %[[X]], %[[M]], %[[V]] weight %[[W]] bias %[[B]] {training} : (tensor<64x32x13x13xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>) -> (tensor<64x32x13x13xf32>, tensor<32xf32>, tensor<32xf32>)
  %y, %nm, %nv = nn.batch_norm %x, %m, %v weight %w bias %b {momentum = 0.1, epsilon = 1.0e-5, training}
      : (tensor<64x32x13x13xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>)
      -> (tensor<64x32x13x13xf32>, tensor<32xf32>, tensor<32xf32>)
  // CHECK: %[[Z:.+]], %[[ZM:.+]], %[[ZV:.+]] = nn.batch_norm %[[F]], %[[M5]], %[[V5]] {epsilon = 1.000000e-03 : f64, momentum = 2.500000e-01 : f64} : (tensor<8x5xf32>, tensor<5xf32>, tensor<5xf32>) -> (tensor<8x5xf32>, tensor<5xf32>, tensor<5xf32>)
  %z:3 = nn.batch_norm %f, %m5, %v5 {momentum = 0.25, epsilon = 1.0e-3}
      : (tensor<8x5xf32>, tensor<5xf32>, tensor<5xf32>) -> (tensor<8x5xf32>, tensor<5xf32>, tensor<5xf32>)
  // CHECK: return %[[Y]], %[[NM]], %[[NV]], %[[Z]], %[[ZM]], %[[ZV]]
  return %y, %nm, %nv, %z#0, %z#1, %z#2
      : tensor<64x32x13x13xf32>, tensor<32xf32>, tensor<32xf32>, tensor<8x5xf32>, tensor<5xf32>, tensor<5xf32>
}

// -----

// Tests that count (batch norm's num_batches_tracked) round-trips, with and
// without training mode.
// CHECK-LABEL: func.func @count
// CHECK-SAME: (%[[N:.+]]: tensor<i64>)
// CHECK-NEXT: %[[A:.+]] = nn.count %[[N]] {training} : tensor<i64>
// CHECK-NEXT: %[[B:.+]] = nn.count %[[N]] : tensor<i64>
func.func @count(%n: tensor<i64>) -> (tensor<i64>, tensor<i64>) {
  %a = nn.count %n {training} : tensor<i64>
  %b = nn.count %n : tensor<i64>
  return %a, %b : tensor<i64>, tensor<i64>
}

// -----

// Tests that batch_norm on one sample is valid outside training mode (eval
// mode reads the running statistics; the batch-1 entry points use it).
// CHECK-LABEL: func.func @batch_norm_one_sample
// CHECK: nn.batch_norm %{{.+}}, %{{.+}}, %{{.+}} : (tensor<1x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<1x3xf32>, tensor<3xf32>, tensor<3xf32>)
func.func @batch_norm_one_sample(%x: tensor<1x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<1x3xf32> {
  %y:3 = nn.batch_norm %x, %m, %v : (tensor<1x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<1x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y#0 : tensor<1x3xf32>
}

// -----

// Tests that local_response_norm round-trips with its defaults (alpha 1e-4,
// beta 0.75, k 1, not printed) and with every attribute given.
// CHECK-LABEL: func.func @local_response_norm
// CHECK-SAME: (%[[X:.+]]: tensor<64x32x13x13xf32>)
func.func @local_response_norm(%x: tensor<64x32x13x13xf32>) -> tensor<64x32x13x13xf32> {
  // CHECK: %[[A:.+]] = nn.local_response_norm %[[X]] {size = 5 : i64} : tensor<64x32x13x13xf32>
  %a = nn.local_response_norm %x {size = 5, alpha = 1.0e-4, beta = 0.75, k = 1.0} : tensor<64x32x13x13xf32>
  // CHECK: %[[B:.+]] = nn.local_response_norm %[[A]] {alpha = 5.000000e-01 : f64, beta = 1.000000e+00 : f64, k = 2.000000e+00 : f64, size = 4 : i64} : tensor<64x32x13x13xf32>
  %b = nn.local_response_norm %a {size = 4, alpha = 0.5, beta = 1.0, k = 2.0} : tensor<64x32x13x13xf32>
  // CHECK: return %[[B]]
  return %b : tensor<64x32x13x13xf32>
}

// -----

// Tests that mae_loss, huber_loss and binary_cross_entropy round-trip; huber's
// default delta (1.0) is not printed.
// CHECK-LABEL: func.func @pair_losses
// CHECK-SAME: (%[[P:.+]]: tensor<32x3xf32>, %[[T:.+]]: tensor<32x3xf32>)
func.func @pair_losses(%p: tensor<32x3xf32>, %t: tensor<32x3xf32>)
    -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) {
  // CHECK: %[[A:.+]] = nn.mae_loss %[[P]], %[[T]] : tensor<32x3xf32> -> tensor<f32>
  %a = nn.mae_loss %p, %t : tensor<32x3xf32> -> tensor<f32>
  // CHECK: %[[H:.+]] = nn.huber_loss %[[P]], %[[T]] : tensor<32x3xf32> -> tensor<f32>
  %h = nn.huber_loss %p, %t {delta = 1.0} : tensor<32x3xf32> -> tensor<f32>
  // CHECK: %[[HD:.+]] = nn.huber_loss %[[P]], %[[T]] {delta = 5.000000e-01 : f64} : tensor<32x3xf32> -> tensor<f32>
  %hd = nn.huber_loss %p, %t {delta = 0.5} : tensor<32x3xf32> -> tensor<f32>
  // CHECK: %[[B:.+]] = nn.binary_cross_entropy %[[P]], %[[T]] : tensor<32x3xf32> -> tensor<f32>
  %b = nn.binary_cross_entropy %p, %t : tensor<32x3xf32> -> tensor<f32>
  // CHECK: return %[[A]], %[[H]], %[[HD]], %[[B]]
  return %a, %h, %hd, %b : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
}

// -----

// Tests that kl_divergence round-trips, and softmax_cross_entropy with label
// smoothing on labels and with probability targets (the default smoothing,
// 0.0, is not printed).
// CHECK-LABEL: func.func @soft_targets
// CHECK-SAME: (%[[LG:.+]]: tensor<8x4xf32>, %[[PR:.+]]: tensor<8x4xf32>, %[[LB:.+]]: tensor<8xi32>)
func.func @soft_targets(%logits: tensor<8x4xf32>, %probs: tensor<8x4xf32>, %labels: tensor<8xi32>)
    -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) {
  // CHECK: %[[KL:.+]] = nn.kl_divergence %[[LG]], %[[PR]] : tensor<8x4xf32> -> tensor<f32>
  %kl = nn.kl_divergence %logits, %probs : tensor<8x4xf32> -> tensor<f32>
  // CHECK: %[[SL:.+]] = nn.softmax_cross_entropy %[[LG]], %[[LB]] {label_smoothing = 1.000000e-01 : f64} : tensor<8x4xf32>, tensor<8xi32> -> tensor<f32>
  %sl = nn.softmax_cross_entropy %logits, %labels {label_smoothing = 0.1} : tensor<8x4xf32>, tensor<8xi32> -> tensor<f32>
  // CHECK: %[[SP:.+]] = nn.softmax_cross_entropy %[[LG]], %[[PR]] : tensor<8x4xf32>, tensor<8x4xf32> -> tensor<f32>
  %sp = nn.softmax_cross_entropy %logits, %probs {label_smoothing = 0.0} : tensor<8x4xf32>, tensor<8x4xf32> -> tensor<f32>
  // Smoothing 1 (uniform targets) is the upper end of the range.
  // CHECK: %[[SU:.+]] = nn.softmax_cross_entropy %[[LG]], %[[PR]] {label_smoothing = 1.000000e+00 : f64} : tensor<8x4xf32>, tensor<8x4xf32> -> tensor<f32>
  %su = nn.softmax_cross_entropy %logits, %probs {label_smoothing = 1.0} : tensor<8x4xf32>, tensor<8x4xf32> -> tensor<f32>
  // CHECK: return %[[KL]], %[[SL]], %[[SP]], %[[SU]]
  return %kl, %sl, %sp, %su : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
}

// -----

// Tests that weight_penalty round-trips with both coefficients and with one
// (the default 0.0 is not printed), and on f64.
// CHECK-LABEL: func.func @weight_penalty
// CHECK-SAME: (%[[W:.+]]: tensor<64x784xf32>, %[[K:.+]]: tensor<32x1x3x3xf64>)
func.func @weight_penalty(%w: tensor<64x784xf32>, %k: tensor<32x1x3x3xf64>)
    -> (tensor<f32>, tensor<f32>, tensor<f64>) {
  // CHECK: %[[A:.+]] = nn.weight_penalty %[[W]] {l1 = 1.000000e-04 : f64, l2 = 1.000000e-03 : f64} : tensor<64x784xf32> -> tensor<f32>
  %a = nn.weight_penalty %w {l1 = 1.0e-4, l2 = 1.0e-3} : tensor<64x784xf32> -> tensor<f32>
  // CHECK: %[[B:.+]] = nn.weight_penalty %[[W]] {l2 = 5.000000e-01 : f64} : tensor<64x784xf32> -> tensor<f32>
  %b = nn.weight_penalty %w {l1 = 0.0, l2 = 0.5} : tensor<64x784xf32> -> tensor<f32>
  // CHECK: %[[C:.+]] = nn.weight_penalty %[[K]] {l1 = 2.500000e-01 : f64} : tensor<32x1x3x3xf64> -> tensor<f64>
  %c = nn.weight_penalty %k {l1 = 0.25} : tensor<32x1x3x3xf64> -> tensor<f64>
  // CHECK: return %[[A]], %[[B]], %[[C]]
  return %a, %b, %c : tensor<f32>, tensor<f32>, tensor<f64>
}

// -----

// Tests that dense and softmax work on the last axis of a rank-3 input ([batch, steps, features]).
// CHECK-LABEL: func.func @dense_rank3
// CHECK-SAME: (%[[X:.+]]: tensor<4x8x16xf32>, %[[W:.+]]: tensor<32x16xf32>, %[[B:.+]]: tensor<32xf32>)
func.func @dense_rank3(%x: tensor<4x8x16xf32>, %w: tensor<32x16xf32>, %b: tensor<32xf32>)
    -> (tensor<4x8x32xf32>, tensor<4x8x32xf32>) {
  // CHECK: %[[Y:.+]] = nn.dense %[[X]], %[[W]], %[[B]] : (tensor<4x8x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<4x8x32xf32>
  %y = nn.dense %x, %w, %b : (tensor<4x8x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<4x8x32xf32>
  // CHECK: %[[P:.+]] = nn.softmax %[[Y]] : tensor<4x8x32xf32>
  %p = nn.softmax %y : tensor<4x8x32xf32>
  // CHECK: return %[[Y]], %[[P]]
  return %y, %p : tensor<4x8x32xf32>, tensor<4x8x32xf32>
}

// -----

// Tests that embedding round-trips with i32 ids [batch, steps] and i64 ids [batch].
// CHECK-LABEL: func.func @embedding
// CHECK-SAME: (%[[IDS:.+]]: tensor<4x8xi32>, %[[W:.+]]: tensor<100x16xf32>, %[[IDS64:.+]]: tensor<4xi64>)
func.func @embedding(%ids: tensor<4x8xi32>, %w: tensor<100x16xf32>, %ids64: tensor<4xi64>)
    -> (tensor<4x8x16xf32>, tensor<4x16xf32>) {
  // CHECK: %[[E:.+]] = nn.embedding %[[IDS]], %[[W]] : (tensor<4x8xi32>, tensor<100x16xf32>) -> tensor<4x8x16xf32>
  %e = nn.embedding %ids, %w : (tensor<4x8xi32>, tensor<100x16xf32>) -> tensor<4x8x16xf32>
  // CHECK: %[[F:.+]] = nn.embedding %[[IDS64]], %[[W]] : (tensor<4xi64>, tensor<100x16xf32>) -> tensor<4x16xf32>
  %f = nn.embedding %ids64, %w : (tensor<4xi64>, tensor<100x16xf32>) -> tensor<4x16xf32>
  // CHECK: return %[[E]], %[[F]]
  return %e, %f : tensor<4x8x16xf32>, tensor<4x16xf32>
}

// -----

// Tests that position_embedding round-trips with a table as long as the steps and with a longer one.
// CHECK-LABEL: func.func @position_embedding
// CHECK-SAME: (%[[X:.+]]: tensor<4x8x16xf32>, %[[W8:.+]]: tensor<8x16xf32>, %[[W10:.+]]: tensor<10x16xf32>)
func.func @position_embedding(%x: tensor<4x8x16xf32>, %w8: tensor<8x16xf32>, %w10: tensor<10x16xf32>)
    -> tensor<4x8x16xf32> {
  // CHECK: %[[A:.+]] = nn.position_embedding %[[X]], %[[W8]] : tensor<4x8x16xf32>, tensor<8x16xf32>
  %a = nn.position_embedding %x, %w8 : tensor<4x8x16xf32>, tensor<8x16xf32>
  // CHECK: %[[B:.+]] = nn.position_embedding %[[A]], %[[W10]] : tensor<4x8x16xf32>, tensor<10x16xf32>
  %b = nn.position_embedding %a, %w10 : tensor<4x8x16xf32>, tensor<10x16xf32>
  // CHECK: return %[[B]]
  return %b : tensor<4x8x16xf32>
}

// -----

// Tests that layer_norm round-trips with weight and bias and without; the default epsilon (1e-5), even spelled out, is not printed.
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.+]]: tensor<4x8x16xf32>, %[[W:.+]]: tensor<16xf32>, %[[B:.+]]: tensor<16xf32>)
func.func @layer_norm(%x: tensor<4x8x16xf32>, %w: tensor<16xf32>, %b: tensor<16xf32>)
    -> (tensor<4x8x16xf32>, tensor<4x8x16xf32>) {
  // CHECK: %[[Y:.+]] = nn.layer_norm %[[X]] weight %[[W]] bias %[[B]] : (tensor<4x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x8x16xf32>
  %y = nn.layer_norm %x weight %w bias %b {epsilon = 1.0e-5}
      : (tensor<4x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x8x16xf32>
  // CHECK: %[[Z:.+]] = nn.layer_norm %[[Y]] {epsilon = 1.000000e-03 : f64} : (tensor<4x8x16xf32>) -> tensor<4x8x16xf32>
  %z = nn.layer_norm %y {epsilon = 1.0e-3} : (tensor<4x8x16xf32>) -> tensor<4x8x16xf32>
  // CHECK: return %[[Y]], %[[Z]]
  return %y, %z : tensor<4x8x16xf32>, tensor<4x8x16xf32>
}

// -----

// Tests that gelu, add and multiply round-trip.
// CHECK-LABEL: func.func @gelu_add_multiply
// CHECK-SAME: (%[[A:.+]]: tensor<4x8x16xf32>, %[[B:.+]]: tensor<4x8x16xf32>)
func.func @gelu_add_multiply(%a: tensor<4x8x16xf32>, %b: tensor<4x8x16xf32>) -> tensor<4x8x16xf32> {
  // CHECK: %[[G:.+]] = nn.gelu %[[A]] : tensor<4x8x16xf32>
  %g = nn.gelu %a : tensor<4x8x16xf32>
  // CHECK: %[[S:.+]] = nn.add %[[G]], %[[B]] : tensor<4x8x16xf32>
  %s = nn.add %g, %b : tensor<4x8x16xf32>
  // CHECK: %[[M:.+]] = nn.multiply %[[S]], %[[B]] : tensor<4x8x16xf32>
  %m = nn.multiply %s, %b : tensor<4x8x16xf32>
  // CHECK: return %[[M]]
  return %m : tensor<4x8x16xf32>
}

// -----

// Tests that concat round-trips on the last axis with two inputs and on axis 1 with three.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.+]]: tensor<4x8x16xf32>, %[[B:.+]]: tensor<4x8x4xf32>, %[[C:.+]]: tensor<4x2x16xf32>)
func.func @concat(%a: tensor<4x8x16xf32>, %b: tensor<4x8x4xf32>, %c: tensor<4x2x16xf32>)
    -> (tensor<4x8x20xf32>, tensor<4x18x16xf32>) {
  // CHECK: %[[X:.+]] = nn.concat %[[A]], %[[B]] {axis = 2 : i64} : (tensor<4x8x16xf32>, tensor<4x8x4xf32>) -> tensor<4x8x20xf32>
  %x = nn.concat %a, %b {axis = 2} : (tensor<4x8x16xf32>, tensor<4x8x4xf32>) -> tensor<4x8x20xf32>
  // CHECK: %[[Y:.+]] = nn.concat %[[A]], %[[C]], %[[A]] {axis = 1 : i64} : (tensor<4x8x16xf32>, tensor<4x2x16xf32>, tensor<4x8x16xf32>) -> tensor<4x18x16xf32>
  %y = nn.concat %a, %c, %a {axis = 1} : (tensor<4x8x16xf32>, tensor<4x2x16xf32>, tensor<4x8x16xf32>) -> tensor<4x18x16xf32>
  // CHECK: return %[[X]], %[[Y]]
  return %x, %y : tensor<4x8x20xf32>, tensor<4x18x16xf32>
}

// -----

// Tests that reduce_mean and reduce_max round-trip, dropping their axis.
// CHECK-LABEL: func.func @reduce
// CHECK-SAME: (%[[X:.+]]: tensor<4x8x16xf32>)
func.func @reduce(%x: tensor<4x8x16xf32>) -> (tensor<4x16xf32>, tensor<4x8xf32>) {
  // CHECK: %[[M:.+]] = nn.reduce_mean %[[X]] {axis = 1 : i64} : tensor<4x8x16xf32> -> tensor<4x16xf32>
  %m = nn.reduce_mean %x {axis = 1} : tensor<4x8x16xf32> -> tensor<4x16xf32>
  // CHECK: %[[X2:.+]] = nn.reduce_max %[[X]] {axis = 2 : i64} : tensor<4x8x16xf32> -> tensor<4x8xf32>
  %mx = nn.reduce_max %x {axis = 2} : tensor<4x8x16xf32> -> tensor<4x8xf32>
  // CHECK: return %[[M]], %[[X2]]
  return %m, %mx : tensor<4x16xf32>, tensor<4x8xf32>
}

// -----

// Tests that attention round-trips with and without causal (num_heads is printed
// with its type; the default rate 0.0 and stream 0 are not printed), with its two
// results: the heads concatenated [batch, steps, width] and the logsumexp
// [batch, num_heads, steps].
// CHECK-LABEL: func.func @attention
// CHECK-SAME: (%[[QKV:.+]]: tensor<2x5x24xf32>)
func.func @attention(%qkv: tensor<2x5x24xf32>)
    -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>, tensor<2x5x8xf32>, tensor<2x2x5xf32>) {
  // CHECK: %[[O:.+]], %[[L:.+]] = nn.attention %[[QKV]] {num_heads = 2 : i64} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  %o, %l = nn.attention %qkv {num_heads = 2, rate = 0.0, stream = 0}
      : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  // CHECK: %[[OC:.+]], %[[LC:.+]] = nn.attention %[[QKV]] {causal, num_heads = 2 : i64} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  %oc, %lc = nn.attention %qkv {num_heads = 2, causal}
      : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  // CHECK: return %[[O]], %[[L]], %[[OC]], %[[LC]]
  return %o, %l, %oc, %lc : tensor<2x5x8xf32>, tensor<2x2x5xf32>, tensor<2x5x8xf32>, tensor<2x2x5xf32>
}

// -----

// Tests that one head over the whole width (d = E) round-trips, on f64.
// CHECK-LABEL: func.func @attention_one_head
// CHECK-SAME: (%[[QKV:.+]]: tensor<1x3x6xf64>)
func.func @attention_one_head(%qkv: tensor<1x3x6xf64>) -> (tensor<1x3x2xf64>, tensor<1x1x3xf64>) {
  // CHECK: %[[O:.+]], %[[L:.+]] = nn.attention %[[QKV]] {causal, num_heads = 1 : i64} : tensor<1x3x6xf64> -> (tensor<1x3x2xf64>, tensor<1x1x3xf64>)
  %o, %l = nn.attention %qkv {num_heads = 1, causal} : tensor<1x3x6xf64> -> (tensor<1x3x2xf64>, tensor<1x1x3xf64>)
  // CHECK: return %[[O]], %[[L]]
  return %o, %l : tensor<1x3x2xf64>, tensor<1x1x3xf64>
}

// -----

// Tests that attention's training form round-trips: seed and step (i64) after the
// packed rows, rate, stream and training in the attributes; and that rate and
// stream alone (not yet in training: no seed, no step) are printed.
// CHECK-LABEL: func.func @attention_training
// CHECK-SAME: (%[[QKV:.+]]: tensor<2x5x24xf32>, %[[SEED:.+]]: i64, %[[STEP:.+]]: i64)
func.func @attention_training(%qkv: tensor<2x5x24xf32>, %seed: i64, %step: i64)
    -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>, tensor<2x5x8xf32>) {
  // CHECK: %[[O:.+]], %[[L:.+]] = nn.attention %[[QKV]] seed %[[SEED]] step %[[STEP]] {causal, num_heads = 2 : i64, rate = 1.000000e-01 : f64, stream = 3 : i64, training} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  %o, %l = nn.attention %qkv seed %seed step %step {num_heads = 2, causal, rate = 0.1, stream = 3, training}
      : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  // CHECK: %[[OE:.+]], %{{.+}} = nn.attention %[[QKV]] {num_heads = 2 : i64, rate = 2.500000e-01 : f64, stream = 1048576 : i64} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  %oe, %le = nn.attention %qkv {num_heads = 2, rate = 0.25, stream = 1048576}
      : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  // CHECK: return %[[O]], %[[L]], %[[OE]]
  return %o, %l, %oe : tensor<2x5x8xf32>, tensor<2x2x5xf32>, tensor<2x5x8xf32>
}

// -----

// Tests that attention's tile size round-trips: block = 16 is printed (with its
// type, sorted among the attributes), and block = 64, the default, is not.
// CHECK-LABEL: func.func @attention_block
// CHECK-SAME: (%[[QKV:.+]]: tensor<2x5x24xf32>)
func.func @attention_block(%qkv: tensor<2x5x24xf32>)
    -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>, tensor<2x5x8xf32>) {
  // CHECK: %[[O:.+]], %[[L:.+]] = nn.attention %[[QKV]] {block = 16 : i64, causal, num_heads = 2 : i64} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  %o, %l = nn.attention %qkv {num_heads = 2, causal, block = 16}
      : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  // CHECK: %[[OD:.+]], %{{.+}} = nn.attention %[[QKV]] {num_heads = 2 : i64} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  %od, %ld = nn.attention %qkv {num_heads = 2, block = 64}
      : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  // CHECK: return %[[O]], %[[L]], %[[OD]]
  return %o, %l, %od : tensor<2x5x8xf32>, tensor<2x2x5xf32>, tensor<2x5x8xf32>
}

// -----

// Tests that lstm round-trips forward and with reverse (H = 10 from weight_hh,
// results h and c [B, T, H] and the gates [B, T, 4H]).
// CHECK-LABEL: func.func @lstm
// CHECK-SAME: (%[[X:.+]]: tensor<8x5x3xf32>, %[[WIH:.+]]: tensor<40x3xf32>, %[[WHH:.+]]: tensor<40x10xf32>, %[[BIH:.+]]: tensor<40xf32>, %[[BHH:.+]]: tensor<40xf32>)
func.func @lstm(%x: tensor<8x5x3xf32>, %wih: tensor<40x3xf32>, %whh: tensor<40x10xf32>,
                %bih: tensor<40xf32>, %bhh: tensor<40xf32>)
    -> (tensor<8x5x10xf32>, tensor<8x5x10xf32>, tensor<8x5x40xf32>, tensor<8x5x10xf32>) {
  // CHECK: %[[H:.+]], %[[C:.+]], %[[G:.+]] = nn.lstm %[[X]], %[[WIH]], %[[WHH]], %[[BIH]], %[[BHH]] : (tensor<8x5x3xf32>, tensor<40x3xf32>, tensor<40x10xf32>, tensor<40xf32>, tensor<40xf32>) -> (tensor<8x5x10xf32>, tensor<8x5x10xf32>, tensor<8x5x40xf32>)
  %h, %c, %g = nn.lstm %x, %wih, %whh, %bih, %bhh
      : (tensor<8x5x3xf32>, tensor<40x3xf32>, tensor<40x10xf32>, tensor<40xf32>, tensor<40xf32>)
      -> (tensor<8x5x10xf32>, tensor<8x5x10xf32>, tensor<8x5x40xf32>)
  // CHECK: %[[R:.+]], %{{.+}}, %{{.+}} = nn.lstm %[[X]], %[[WIH]], %[[WHH]], %[[BIH]], %[[BHH]] {reverse} : (tensor<8x5x3xf32>, tensor<40x3xf32>, tensor<40x10xf32>, tensor<40xf32>, tensor<40xf32>) -> (tensor<8x5x10xf32>, tensor<8x5x10xf32>, tensor<8x5x40xf32>)
  %r:3 = nn.lstm %x, %wih, %whh, %bih, %bhh {reverse}
      : (tensor<8x5x3xf32>, tensor<40x3xf32>, tensor<40x10xf32>, tensor<40xf32>, tensor<40xf32>)
      -> (tensor<8x5x10xf32>, tensor<8x5x10xf32>, tensor<8x5x40xf32>)
  // CHECK: return %[[H]], %[[C]], %[[G]], %[[R]]
  return %h, %c, %g, %r#0 : tensor<8x5x10xf32>, tensor<8x5x10xf32>, tensor<8x5x40xf32>, tensor<8x5x10xf32>
}

// -----

// Tests that gru round-trips forward and with reverse (the gates residual is
// [B, T, 4H]: r, z, n and W_hn h + b_hn).
// CHECK-LABEL: func.func @gru
// CHECK-SAME: (%[[X:.+]]: tensor<8x5x3xf32>, %[[WIH:.+]]: tensor<30x3xf32>, %[[WHH:.+]]: tensor<30x10xf32>, %[[BIH:.+]]: tensor<30xf32>, %[[BHH:.+]]: tensor<30xf32>)
func.func @gru(%x: tensor<8x5x3xf32>, %wih: tensor<30x3xf32>, %whh: tensor<30x10xf32>,
               %bih: tensor<30xf32>, %bhh: tensor<30xf32>)
    -> (tensor<8x5x10xf32>, tensor<8x5x40xf32>, tensor<8x5x10xf32>) {
  // CHECK: %[[H:.+]], %[[G:.+]] = nn.gru %[[X]], %[[WIH]], %[[WHH]], %[[BIH]], %[[BHH]] : (tensor<8x5x3xf32>, tensor<30x3xf32>, tensor<30x10xf32>, tensor<30xf32>, tensor<30xf32>) -> (tensor<8x5x10xf32>, tensor<8x5x40xf32>)
  %h, %g = nn.gru %x, %wih, %whh, %bih, %bhh
      : (tensor<8x5x3xf32>, tensor<30x3xf32>, tensor<30x10xf32>, tensor<30xf32>, tensor<30xf32>)
      -> (tensor<8x5x10xf32>, tensor<8x5x40xf32>)
  // CHECK: %[[R:.+]], %{{.+}} = nn.gru %[[X]], %[[WIH]], %[[WHH]], %[[BIH]], %[[BHH]] {reverse} : (tensor<8x5x3xf32>, tensor<30x3xf32>, tensor<30x10xf32>, tensor<30xf32>, tensor<30xf32>) -> (tensor<8x5x10xf32>, tensor<8x5x40xf32>)
  %r:2 = nn.gru %x, %wih, %whh, %bih, %bhh {reverse}
      : (tensor<8x5x3xf32>, tensor<30x3xf32>, tensor<30x10xf32>, tensor<30xf32>, tensor<30xf32>)
      -> (tensor<8x5x10xf32>, tensor<8x5x40xf32>)
  // CHECK: return %[[H]], %[[G]], %[[R]]
  return %h, %g, %r#0 : tensor<8x5x10xf32>, tensor<8x5x40xf32>, tensor<8x5x10xf32>
}

// -----

// Tests that simple_rnn round-trips forward and with reverse, on f64.
// CHECK-LABEL: func.func @simple_rnn
// CHECK-SAME: (%[[X:.+]]: tensor<8x5x3xf64>, %[[WIH:.+]]: tensor<10x3xf64>, %[[WHH:.+]]: tensor<10x10xf64>, %[[BIH:.+]]: tensor<10xf64>, %[[BHH:.+]]: tensor<10xf64>)
func.func @simple_rnn(%x: tensor<8x5x3xf64>, %wih: tensor<10x3xf64>, %whh: tensor<10x10xf64>,
                      %bih: tensor<10xf64>, %bhh: tensor<10xf64>) -> (tensor<8x5x10xf64>, tensor<8x5x10xf64>) {
  // CHECK: %[[H:.+]] = nn.simple_rnn %[[X]], %[[WIH]], %[[WHH]], %[[BIH]], %[[BHH]] : (tensor<8x5x3xf64>, tensor<10x3xf64>, tensor<10x10xf64>, tensor<10xf64>, tensor<10xf64>) -> tensor<8x5x10xf64>
  %h = nn.simple_rnn %x, %wih, %whh, %bih, %bhh
      : (tensor<8x5x3xf64>, tensor<10x3xf64>, tensor<10x10xf64>, tensor<10xf64>, tensor<10xf64>) -> tensor<8x5x10xf64>
  // CHECK: %[[R:.+]] = nn.simple_rnn %[[X]], %[[WIH]], %[[WHH]], %[[BIH]], %[[BHH]] {reverse} : (tensor<8x5x3xf64>, tensor<10x3xf64>, tensor<10x10xf64>, tensor<10xf64>, tensor<10xf64>) -> tensor<8x5x10xf64>
  %r = nn.simple_rnn %x, %wih, %whh, %bih, %bhh {reverse}
      : (tensor<8x5x3xf64>, tensor<10x3xf64>, tensor<10x10xf64>, tensor<10xf64>, tensor<10xf64>) -> tensor<8x5x10xf64>
  // CHECK: return %[[H]], %[[R]]
  return %h, %r : tensor<8x5x10xf64>, tensor<8x5x10xf64>
}

// -----

// Tests that last_step round-trips, dropping the steps axis, also with one step.
// CHECK-LABEL: func.func @last_step
// CHECK-SAME: (%[[H:.+]]: tensor<8x5x10xf32>, %[[ONE:.+]]: tensor<8x1x10xf32>)
func.func @last_step(%h: tensor<8x5x10xf32>, %one: tensor<8x1x10xf32>) -> (tensor<8x10xf32>, tensor<8x10xf32>) {
  // CHECK: %[[L:.+]] = nn.last_step %[[H]] : tensor<8x5x10xf32> -> tensor<8x10xf32>
  %l = nn.last_step %h : tensor<8x5x10xf32> -> tensor<8x10xf32>
  // CHECK: %[[O:.+]] = nn.last_step %[[ONE]] : tensor<8x1x10xf32> -> tensor<8x10xf32>
  %o = nn.last_step %one : tensor<8x1x10xf32> -> tensor<8x10xf32>
  // CHECK: return %[[L]], %[[O]]
  return %l, %o : tensor<8x10xf32>, tensor<8x10xf32>
}

// -----

// Tests that softmax_cross_entropy takes logits [batch, steps, classes] with
// labels [batch, steps] (rows of classes), with and without smoothing, and
// probability targets of the logits' shape.
// CHECK-LABEL: func.func @cross_entropy_steps
// CHECK-SAME: (%[[LG:.+]]: tensor<4x8x10xf32>, %[[LB:.+]]: tensor<4x8xi64>, %[[PR:.+]]: tensor<4x8x10xf32>)
func.func @cross_entropy_steps(%logits: tensor<4x8x10xf32>, %labels: tensor<4x8xi64>, %probs: tensor<4x8x10xf32>)
    -> (tensor<f32>, tensor<f32>, tensor<f32>) {
  // CHECK: %[[A:.+]] = nn.softmax_cross_entropy %[[LG]], %[[LB]] : tensor<4x8x10xf32>, tensor<4x8xi64> -> tensor<f32>
  %a = nn.softmax_cross_entropy %logits, %labels : tensor<4x8x10xf32>, tensor<4x8xi64> -> tensor<f32>
  // CHECK: %[[S:.+]] = nn.softmax_cross_entropy %[[LG]], %[[LB]] {label_smoothing = 1.000000e-01 : f64} : tensor<4x8x10xf32>, tensor<4x8xi64> -> tensor<f32>
  %s = nn.softmax_cross_entropy %logits, %labels {label_smoothing = 0.1} : tensor<4x8x10xf32>, tensor<4x8xi64> -> tensor<f32>
  // CHECK: %[[P:.+]] = nn.softmax_cross_entropy %[[LG]], %[[PR]] : tensor<4x8x10xf32>, tensor<4x8x10xf32> -> tensor<f32>
  %p = nn.softmax_cross_entropy %logits, %probs : tensor<4x8x10xf32>, tensor<4x8x10xf32> -> tensor<f32>
  // CHECK: return %[[A]], %[[S]], %[[P]]
  return %a, %s, %p : tensor<f32>, tensor<f32>, tensor<f32>
}
