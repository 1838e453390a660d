// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// Tests that dense rejects a weight that is not rank 2.
func.func @dense_rank(%x: tensor<64x784xf32>, %w: tensor<512xf32>) -> tensor<64x512xf32> {
  // expected-error @+1 {{'nn.dense' op expects input [batch, ..., in], weight [out, in] and a result of the input's rank, got 'tensor<64x784xf32>', 'tensor<512xf32>', 'tensor<64x512xf32>'}}
  %y = nn.dense %x, %w : (tensor<64x784xf32>, tensor<512xf32>) -> tensor<64x512xf32>
  return %y : tensor<64x512xf32>
}

// -----

// Tests that dense on a rank-3 input works on its last axis (784 values
// flattened need a reshape first).
func.func @dense_input_rank(%x: tensor<64x28x28xf32>, %w: tensor<512x784xf32>) -> tensor<64x28x512xf32> {
  // expected-error @+1 {{'nn.dense' op input features 28 do not match weight [out, in] = tensor<512x784xf32>}}
  %y = nn.dense %x, %w : (tensor<64x28x28xf32>, tensor<512x784xf32>) -> tensor<64x28x512xf32>
  return %y : tensor<64x28x512xf32>
}

// -----

// Tests that dense rejects mixed element types.
func.func @dense_element_type(%x: tensor<64x784xf32>, %w: tensor<512x784xf16>) -> tensor<64x512xf32> {
  // expected-error @+1 {{'nn.dense' op expects one element type, got 'tensor<64x784xf32>', 'tensor<512x784xf16>', 'tensor<64x512xf32>'}}
  %y = nn.dense %x, %w : (tensor<64x784xf32>, tensor<512x784xf16>) -> tensor<64x512xf32>
  return %y : tensor<64x512xf32>
}

// -----

// Tests that dense rejects an input whose features differ from the weight's [out, in] layout.
func.func @dense_features(%x: tensor<64x784xf32>, %w: tensor<784x512xf32>) -> tensor<64x512xf32> {
  // expected-error @+1 {{'nn.dense' op input features 784 do not match weight [out, in] = tensor<784x512xf32>}}
  %y = nn.dense %x, %w : (tensor<64x784xf32>, tensor<784x512xf32>) -> tensor<64x784xf32>
  return %y : tensor<64x784xf32>
}

// -----

// Tests that dense rejects a result whose output features differ from the weight's rows.
func.func @dense_result_features(%x: tensor<64x784xf32>, %w: tensor<512x784xf32>) -> tensor<64x256xf32> {
  // expected-error @+1 {{'nn.dense' op result 'tensor<64x256xf32>' should be the input's shape with 512 last}}
  %y = nn.dense %x, %w : (tensor<64x784xf32>, tensor<512x784xf32>) -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

// Tests that dense rejects a result whose batch differs from the input's.
func.func @dense_result_batch(%x: tensor<64x784xf32>, %w: tensor<512x784xf32>) -> tensor<32x512xf32> {
  // expected-error @+1 {{result 'tensor<32x512xf32>' should be the input's shape with 512 last}}
  %y = nn.dense %x, %w : (tensor<64x784xf32>, tensor<512x784xf32>) -> tensor<32x512xf32>
  return %y : tensor<32x512xf32>
}

// -----

// Tests that dense rejects a bias whose length is not the output features.
func.func @dense_bias_shape(%x: tensor<64x784xf32>, %w: tensor<512x784xf32>, %b: tensor<784xf32>) -> tensor<64x512xf32> {
  // expected-error @+1 {{'nn.dense' op bias 'tensor<784xf32>' should be [512] of 'f32'}}
  %y = nn.dense %x, %w, %b : (tensor<64x784xf32>, tensor<512x784xf32>, tensor<784xf32>) -> tensor<64x512xf32>
  return %y : tensor<64x512xf32>
}

// -----

// Tests that dense rejects a bias of rank 2.
func.func @dense_bias_rank(%x: tensor<64x784xf32>, %w: tensor<512x784xf32>, %b: tensor<1x512xf32>) -> tensor<64x512xf32> {
  // expected-error @+1 {{bias 'tensor<1x512xf32>' should be [512] of 'f32'}}
  %y = nn.dense %x, %w, %b : (tensor<64x784xf32>, tensor<512x784xf32>, tensor<1x512xf32>) -> tensor<64x512xf32>
  return %y : tensor<64x512xf32>
}

// -----

// Tests that dense rejects a bias of another element type.
func.func @dense_bias_type(%x: tensor<64x784xf32>, %w: tensor<512x784xf32>, %b: tensor<512xf64>) -> tensor<64x512xf32> {
  // expected-error @+1 {{bias 'tensor<512xf64>' should be [512] of 'f32'}}
  %y = nn.dense %x, %w, %b : (tensor<64x784xf32>, tensor<512x784xf32>, tensor<512xf64>) -> tensor<64x512xf32>
  return %y : tensor<64x512xf32>
}

// -----

// Tests that dense takes float tensors only.
func.func @dense_integer(%x: tensor<64x784xi32>, %w: tensor<512x784xi32>) -> tensor<64x512xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %y = nn.dense %x, %w : (tensor<64x784xi32>, tensor<512x784xi32>) -> tensor<64x512xi32>
  return %y : tensor<64x512xi32>
}

// -----

// Tests that reshape keeps the element count.
func.func @reshape_count(%x: tensor<64x28x28xf32>) -> tensor<64x780xf32> {
  // expected-error @+1 {{'nn.reshape' op cannot reshape 50176 elements into 'tensor<64x780xf32>'}}
  %f = nn.reshape %x : tensor<64x28x28xf32> -> tensor<64x780xf32>
  return %f : tensor<64x780xf32>
}

// -----

// Tests that reshape needs static shapes.
func.func @reshape_dynamic(%x: tensor<?x784xf32>) -> tensor<?x28x28xf32> {
  // expected-error @+1 {{'nn.reshape' op expects static shapes}}
  %f = nn.reshape %x : tensor<?x784xf32> -> tensor<?x28x28xf32>
  return %f : tensor<?x28x28xf32>
}

// -----

// Tests that reshape keeps the element type.
func.func @reshape_element_type(%x: tensor<4x4xf32>) -> tensor<16xf16> {
  // expected-error @+1 {{'nn.reshape' op changes the element type}}
  %f = nn.reshape %x : tensor<4x4xf32> -> tensor<16xf16>
  return %f : tensor<16xf16>
}

// -----

// Tests that an activation keeps its operand's type (in generic form: the custom form names one type).
func.func @relu_type(%x: tensor<4x8xf32>) -> tensor<4x8xf64> {
  // expected-error @+1 {{'nn.relu' op requires the same type for all operands and results}}
  %y = "nn.relu"(%x) : (tensor<4x8xf32>) -> tensor<4x8xf64>
  return %y : tensor<4x8xf64>
}

// -----

// Tests that leaky_relu keeps its operand's shape.
func.func @leaky_relu_shape(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{'nn.leaky_relu' op requires the same type for all operands and results}}
  %y = "nn.leaky_relu"(%x) {alpha = 0.1 : f64} : (tensor<4x8xf32>) -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

// Tests that mse_loss needs prediction and target of one type.
func.func @mse_types(%p: tensor<32x1xf32>, %t: tensor<32xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.mse_loss' op failed to verify that all of {prediction, target} have same type}}
  %l = "nn.mse_loss"(%p, %t) : (tensor<32x1xf32>, tensor<32xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that mse_loss returns the prediction's element type.
func.func @mse_result_type(%p: tensor<32x1xf32>, %t: tensor<32x1xf32>) -> tensor<f64> {
  // expected-error @+1 {{'nn.mse_loss' op result element type differs from the prediction's}}
  %l = nn.mse_loss %p, %t : tensor<32x1xf32> -> tensor<f64>
  return %l : tensor<f64>
}

// -----

// Tests that mse_loss returns a 0-d tensor.
func.func @mse_result_rank(%p: tensor<32x1xf32>, %t: tensor<32x1xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'nn.mse_loss' op result #0 must be 0D tensor of floating-point values}}
  %l = nn.mse_loss %p, %t : tensor<32x1xf32> -> tensor<1xf32>
  return %l : tensor<1xf32>
}

// -----

// Tests that softmax_cross_entropy needs logits [batch, classes].
func.func @sce_logits_rank(%logits: tensor<64xf32>, %labels: tensor<64xi32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op expects logits [batch, ..., classes], got 'tensor<64xf32>'}}
  %l = nn.softmax_cross_entropy %logits, %labels : tensor<64xf32>, tensor<64xi32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that softmax_cross_entropy needs one label per row of logits.
func.func @sce_labels_batch(%logits: tensor<64x10xf32>, %labels: tensor<32xi32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op expects labels of the logits' shape without the classes, got 'tensor<32xi32>' for 'tensor<64x10xf32>'}}
  %l = nn.softmax_cross_entropy %logits, %labels : tensor<64x10xf32>, tensor<32xi32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that softmax_cross_entropy takes class indices, not one-hot rows.
func.func @sce_labels_one_hot(%logits: tensor<64x10xf32>, %labels: tensor<64x10xi32>) -> tensor<f32> {
  // expected-error @+1 {{expects labels of the logits' shape without the classes, got 'tensor<64x10xi32>' for 'tensor<64x10xf32>'}}
  %l = nn.softmax_cross_entropy %logits, %labels : tensor<64x10xf32>, tensor<64x10xi32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that float targets of softmax_cross_entropy are probability rows.
func.func @sce_labels_float(%logits: tensor<64x10xf32>, %labels: tensor<64xf32>) -> tensor<f32> {
  // expected-error @+1 {{expects probability targets of the logits' type 'tensor<64x10xf32>', got 'tensor<64xf32>'}}
  %l = nn.softmax_cross_entropy %logits, %labels : tensor<64x10xf32>, tensor<64xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that labels of logits [batch, steps, classes] are [batch, steps], not one per batch row.
func.func @sce_steps_labels_batch(%logits: tensor<4x8x10xf32>, %labels: tensor<4xi32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op expects labels of the logits' shape without the classes, got 'tensor<4xi32>' for 'tensor<4x8x10xf32>'}}
  %l = nn.softmax_cross_entropy %logits, %labels : tensor<4x8x10xf32>, tensor<4xi32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that labels of logits [batch, steps, classes] keep the steps axis: [batch * steps] flattened is rejected.
func.func @sce_steps_labels_flat(%logits: tensor<4x8x10xf32>, %labels: tensor<32xi32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op expects labels of the logits' shape without the classes, got 'tensor<32xi32>' for 'tensor<4x8x10xf32>'}}
  %l = nn.softmax_cross_entropy %logits, %labels : tensor<4x8x10xf32>, tensor<32xi32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that labels of logits [batch, steps, classes] drop the classes, not the steps.
func.func @sce_steps_labels_classes(%logits: tensor<4x8x10xf32>, %labels: tensor<4x10xi64>) -> tensor<f32> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op expects labels of the logits' shape without the classes, got 'tensor<4x10xi64>' for 'tensor<4x8x10xf32>'}}
  %l = nn.softmax_cross_entropy %logits, %labels : tensor<4x8x10xf32>, tensor<4x10xi64> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that float targets of logits [batch, steps, classes] are probability rows of the logits' shape, not [batch, steps].
func.func @sce_steps_float_targets(%logits: tensor<4x8x10xf32>, %probs: tensor<4x8xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op expects probability targets of the logits' type 'tensor<4x8x10xf32>', got 'tensor<4x8xf32>'}}
  %l = nn.softmax_cross_entropy %logits, %probs : tensor<4x8x10xf32>, tensor<4x8xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that softmax_cross_entropy returns the logits' element type.
func.func @sce_result_type(%logits: tensor<64x10xf32>, %labels: tensor<64xi32>) -> tensor<f16> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op result element type differs from the logits'}}
  %l = nn.softmax_cross_entropy %logits, %labels : tensor<64x10xf32>, tensor<64xi32> -> tensor<f16>
  return %l : tensor<f16>
}

// -----

// Tests that softmax needs a batch and a feature axis.
func.func @softmax_rank1(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'nn.softmax' op expects [batch, ..., features], got 'tensor<4xf32>'}}
  %p = nn.softmax %x : tensor<4xf32>
  return %p : tensor<4xf32>
}

// -----

// Tests that dense rejects dynamic shapes.
func.func @dense_dynamic(%x: tensor<64x?xf32>, %w: tensor<8x784xf32>) -> tensor<64x8xf32> {
  // expected-error @+1 {{'nn.dense' op expects static shapes}}
  %y = nn.dense %x, %w : (tensor<64x?xf32>, tensor<8x784xf32>) -> tensor<64x8xf32>
  return %y : tensor<64x8xf32>
}

// -----

// Tests that dense's result is the type it infers (InferTypeOpInterface): an encoding the verifier does not look at still differs.
// The interface's verifier reports the mismatch, then that inference failed.
func.func @dense_inferred_type(%x: tensor<64x784xf32>, %w: tensor<512x784xf32>) -> tensor<64x512xf32, "enc"> {
  // expected-error @+2 {{'nn.dense' op failed to infer returned types}}
  // expected-error @+1 {{'nn.dense' op inferred type(s) 'tensor<64x512xf32>' are incompatible with return type(s) of operation 'tensor<64x512xf32, "enc">'}}
  %y = nn.dense %x, %w : (tensor<64x784xf32>, tensor<512x784xf32>) -> tensor<64x512xf32, "enc">
  return %y : tensor<64x512xf32, "enc">
}

// -----

// Tests that mse_loss's result is the scalar it infers.
func.func @mse_inferred_type(%p: tensor<32x1xf32>, %t: tensor<32x1xf32>) -> tensor<f32, "enc"> {
  // expected-error @+2 {{'nn.mse_loss' op failed to infer returned types}}
  // expected-error @+1 {{'nn.mse_loss' op inferred type(s) 'tensor<f32>' are incompatible with return type(s) of operation 'tensor<f32, "enc">'}}
  %l = nn.mse_loss %p, %t : tensor<32x1xf32> -> tensor<f32, "enc">
  return %l : tensor<f32, "enc">
}

// -----

// Tests that softmax_cross_entropy's result is the scalar it infers.
func.func @sce_inferred_type(%logits: tensor<64x10xf32>, %labels: tensor<64xi32>) -> tensor<f32, "enc"> {
  // expected-error @+2 {{'nn.softmax_cross_entropy' op failed to infer returned types}}
  // expected-error @+1 {{'nn.softmax_cross_entropy' op inferred type(s) 'tensor<f32>' are incompatible with return type(s) of operation 'tensor<f32, "enc">'}}
  %l = nn.softmax_cross_entropy %logits, %labels : tensor<64x10xf32>, tensor<64xi32> -> tensor<f32, "enc">
  return %l : tensor<f32, "enc">
}

// -----

// Tests that softmax_cross_entropy's label_smoothing is at most 1.
func.func @sce_smoothing_above_one(%logits: tensor<8x3xf32>, %labels: tensor<8xi32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op label_smoothing must be in [0, 1], got 1.500000e+00}}
  %l = nn.softmax_cross_entropy %logits, %labels {label_smoothing = 1.5} : tensor<8x3xf32>, tensor<8xi32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that softmax_cross_entropy's label_smoothing is not negative, with probability targets too.
func.func @sce_smoothing_negative(%logits: tensor<8x3xf32>, %probs: tensor<8x3xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op label_smoothing must be in [0, 1], got -1.000000e-01}}
  %l = nn.softmax_cross_entropy %logits, %probs {label_smoothing = -0.1} : tensor<8x3xf32>, tensor<8x3xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that a NaN label_smoothing is rejected.
func.func @sce_smoothing_nan(%logits: tensor<8x3xf32>, %probs: tensor<8x3xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op label_smoothing must be in [0, 1], got nan}}
  %l = nn.softmax_cross_entropy %logits, %probs {label_smoothing = 0x7FF8000000000000 : f64} : tensor<8x3xf32>, tensor<8x3xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that probability targets have the logits' element type.
func.func @sce_probs_element_type(%logits: tensor<8x3xf32>, %probs: tensor<8x3xf64>) -> tensor<f32> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op expects probability targets of the logits' type 'tensor<8x3xf32>', got 'tensor<8x3xf64>'}}
  %l = nn.softmax_cross_entropy %logits, %probs : tensor<8x3xf32>, tensor<8x3xf64> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that probability targets have one column per class.
func.func @sce_probs_classes(%logits: tensor<8x3xf32>, %probs: tensor<8x4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.softmax_cross_entropy' op expects probability targets of the logits' type 'tensor<8x3xf32>', got 'tensor<8x4xf32>'}}
  %l = nn.softmax_cross_entropy %logits, %probs : tensor<8x3xf32>, tensor<8x4xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that mae_loss returns the prediction's element type.
func.func @mae_result_type(%p: tensor<8x3xf32>, %t: tensor<8x3xf32>) -> tensor<f64> {
  // expected-error @+1 {{'nn.mae_loss' op result element type differs from the prediction's}}
  %l = nn.mae_loss %p, %t : tensor<8x3xf32> -> tensor<f64>
  return %l : tensor<f64>
}

// -----

// Tests that mae_loss compares a prediction and a target of one type.
func.func @mae_target_type(%p: tensor<8x3xf32>, %t: tensor<8x2xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.mae_loss' op failed to verify that all of {prediction, target} have same type}}
  %l = "nn.mae_loss"(%p, %t) : (tensor<8x3xf32>, tensor<8x2xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that huber_loss rejects delta = 0 (no quadratic region).
func.func @huber_delta_zero(%p: tensor<32x1xf32>, %t: tensor<32x1xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.huber_loss' op delta must be positive, got 0.000000e+00}}
  %l = nn.huber_loss %p, %t {delta = 0.0} : tensor<32x1xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that huber_loss rejects a negative delta.
func.func @huber_delta_negative(%p: tensor<32x1xf32>, %t: tensor<32x1xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.huber_loss' op delta must be positive, got -5.000000e-01}}
  %l = nn.huber_loss %p, %t {delta = -0.5} : tensor<32x1xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that huber_loss rejects a NaN delta.
func.func @huber_delta_nan(%p: tensor<32x1xf32>, %t: tensor<32x1xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.huber_loss' op delta must be positive, got nan}}
  %l = nn.huber_loss %p, %t {delta = 0x7FF8000000000000 : f64} : tensor<32x1xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that huber_loss returns the prediction's element type.
func.func @huber_result_type(%p: tensor<8x3xf32>, %t: tensor<8x3xf32>) -> tensor<f64> {
  // expected-error @+1 {{'nn.huber_loss' op result element type differs from the prediction's}}
  %l = nn.huber_loss %p, %t : tensor<8x3xf32> -> tensor<f64>
  return %l : tensor<f64>
}

// -----

// Tests that huber_loss's result is the scalar it infers.
func.func @huber_inferred_type(%p: tensor<8x3xf32>, %t: tensor<8x3xf32>) -> tensor<f32, "enc"> {
  // expected-error @+2 {{'nn.huber_loss' op failed to infer returned types}}
  // expected-error @+1 {{'nn.huber_loss' op inferred type(s) 'tensor<f32>' are incompatible with return type(s) of operation 'tensor<f32, "enc">'}}
  %l = nn.huber_loss %p, %t : tensor<8x3xf32> -> tensor<f32, "enc">
  return %l : tensor<f32, "enc">
}

// -----

// Tests that binary_cross_entropy returns the logits' element type.
func.func @bce_result_type(%x: tensor<8x3xf32>, %t: tensor<8x3xf32>) -> tensor<f64> {
  // expected-error @+1 {{'nn.binary_cross_entropy' op result element type differs from the logits'}}
  %l = nn.binary_cross_entropy %x, %t : tensor<8x3xf32> -> tensor<f64>
  return %l : tensor<f64>
}

// -----

// Tests that binary_cross_entropy's targets have the logits' type.
func.func @bce_target_type(%x: tensor<8x3xf32>, %t: tensor<8x2xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.binary_cross_entropy' op failed to verify that all of {prediction, target} have same type}}
  %l = "nn.binary_cross_entropy"(%x, %t) : (tensor<8x3xf32>, tensor<8x2xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that kl_divergence needs logits [batch, classes], not a vector.
func.func @kl_logits_rank1(%x: tensor<8xf32>, %t: tensor<8xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.kl_divergence' op expects logits [batch, classes], got 'tensor<8xf32>'}}
  %l = nn.kl_divergence %x, %t : tensor<8xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that kl_divergence rejects logits of rank 3.
func.func @kl_logits_rank3(%x: tensor<2x8x3xf32>, %t: tensor<2x8x3xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.kl_divergence' op expects logits [batch, classes], got 'tensor<2x8x3xf32>'}}
  %l = nn.kl_divergence %x, %t : tensor<2x8x3xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that kl_divergence's targets have the logits' type.
func.func @kl_target_type(%x: tensor<8x3xf32>, %t: tensor<8x4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.kl_divergence' op failed to verify that all of {logits, target} have same type}}
  %l = "nn.kl_divergence"(%x, %t) : (tensor<8x3xf32>, tensor<8x4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Tests that kl_divergence returns the logits' element type.
func.func @kl_result_type(%x: tensor<8x3xf32>, %t: tensor<8x3xf32>) -> tensor<f16> {
  // expected-error @+1 {{'nn.kl_divergence' op result element type differs from the logits'}}
  %l = nn.kl_divergence %x, %t : tensor<8x3xf32> -> tensor<f16>
  return %l : tensor<f16>
}

// -----

// Tests that weight_penalty rejects a negative l1.
func.func @weight_penalty_l1(%w: tensor<4x4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.weight_penalty' op l1 and l2 must be non-negative, got -1.000000e+00 and 0.000000e+00}}
  %r = nn.weight_penalty %w {l1 = -1.0} : tensor<4x4xf32> -> tensor<f32>
  return %r : tensor<f32>
}

// -----

// Tests that weight_penalty rejects a negative l2.
func.func @weight_penalty_l2(%w: tensor<4x4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.weight_penalty' op l1 and l2 must be non-negative, got 5.000000e-01 and -2.500000e-01}}
  %r = nn.weight_penalty %w {l1 = 0.5, l2 = -0.25} : tensor<4x4xf32> -> tensor<f32>
  return %r : tensor<f32>
}

// -----

// Tests that weight_penalty rejects a NaN coefficient.
func.func @weight_penalty_nan(%w: tensor<4x4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.weight_penalty' op l1 and l2 must be non-negative, got 0.000000e+00 and nan}}
  %r = nn.weight_penalty %w {l2 = 0x7FF8000000000000 : f64} : tensor<4x4xf32> -> tensor<f32>
  return %r : tensor<f32>
}

// -----

// Tests that weight_penalty returns the weight's element type.
func.func @weight_penalty_result_type(%w: tensor<4x4xf32>) -> tensor<f64> {
  // expected-error @+1 {{'nn.weight_penalty' op result element type differs from the weight's}}
  %r = nn.weight_penalty %w {l1 = 0.5} : tensor<4x4xf32> -> tensor<f64>
  return %r : tensor<f64>
}

// -----

// Tests that weight_penalty takes a float weight.
func.func @weight_penalty_int(%w: tensor<4x4xi32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.weight_penalty' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4x4xi32>'}}
  %r = "nn.weight_penalty"(%w) : (tensor<4x4xi32>) -> tensor<f32>
  return %r : tensor<f32>
}

// -----

// Tests that a dropout rate of 1 (everything dropped, infinite scale) is rejected.
func.func @dropout_rate(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{'nn.dropout' op rate must be in [0, 1), got 1.000000e+00}}
  %y = nn.dropout %x {rate = 1.0, stream = 0} : tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// Tests that training mode without the step's counters is rejected.
func.func @dropout_training_without_seed(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{'nn.dropout' op in training mode takes `seed` and `step` (and only then); got training = 1 with no seed and no step}}
  %y = nn.dropout %x {rate = 0.5, stream = 0, training} : tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// Tests that counters without training mode are rejected.
func.func @dropout_seed_without_training(%x: tensor<8x16xf32>, %s: i64) -> tensor<8x16xf32> {
  // expected-error @+1 {{'nn.dropout' op in training mode takes `seed` and `step` (and only then); got training = 0 with a seed and a step}}
  %y = nn.dropout %x seed %s step %s {rate = 0.5, stream = 0} : tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// Tests that conv2d needs a 4-D input [batch, channels, height, width].
func.func @conv2d_input_rank(%x: tensor<1x28x28xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x26x26xf32> {
  // expected-error @+1 {{'nn.conv2d' op expects input [batch, channels, height, width] and weight [filters, channels / groups, kh, kw], got 'tensor<1x28x28xf32>' and 'tensor<8x1x3x3xf32>'}}
  %y = nn.conv2d %x, %w : (tensor<1x28x28xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x26x26xf32>
  return %y : tensor<1x8x26x26xf32>
}

// -----

// Tests that conv2d needs a 4-D weight [filters, channels / groups, kh, kw].
func.func @conv2d_weight_rank(%x: tensor<1x1x28x28xf32>, %w: tensor<8x9xf32>) -> tensor<1x8x26x26xf32> {
  // expected-error @+1 {{expects input [batch, channels, height, width] and weight [filters, channels / groups, kh, kw], got 'tensor<1x1x28x28xf32>' and 'tensor<8x9xf32>'}}
  %y = nn.conv2d %x, %w : (tensor<1x1x28x28xf32>, tensor<8x9xf32>) -> tensor<1x8x26x26xf32>
  return %y : tensor<1x8x26x26xf32>
}

// -----

// Tests that conv2d needs two strides.
func.func @conv2d_strides_size(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{'nn.conv2d' op expects 2 strides in [1, 2^31)}}
  %y = nn.conv2d %x, %w {strides = array<i64: 2>} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Tests that conv2d rejects a stride of 0.
func.func @conv2d_stride_zero(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'nn.conv2d' op expects 2 strides in [1, 2^31)}}
  %y = nn.conv2d %x, %w {strides = array<i64: 0, 1>} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

// Tests that conv2d's padding is four values [top, left, bottom, right], not a [ph, pw] pair.
func.func @conv2d_padding_size(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x8x8xf32> {
  // expected-error @+1 {{'nn.conv2d' op expects padding [top, left, bottom, right] in [0, 2^31)}}
  %y = nn.conv2d %x, %w {padding = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x8x8xf32>
  return %y : tensor<1x2x8x8xf32>
}

// -----

// Tests that conv2d rejects negative padding (cropping).
func.func @conv2d_padding_negative(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'nn.conv2d' op expects padding [top, left, bottom, right] in [0, 2^31)}}
  %y = nn.conv2d %x, %w {padding = array<i64: 1, 0, -1, 0>} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

// Tests that conv2d needs two dilations.
func.func @conv2d_dilation_size(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'nn.conv2d' op expects 2 dilations in [1, 2^31)}}
  %y = nn.conv2d %x, %w {dilation = array<i64: 2, 2, 2>} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that conv2d rejects a dilation of 0.
func.func @conv2d_dilation_zero(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'nn.conv2d' op expects 2 dilations in [1, 2^31)}}
  %y = nn.conv2d %x, %w {dilation = array<i64: 1, 0>} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

// Tests that conv2d rejects 0 groups.
func.func @conv2d_groups_zero(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'nn.conv2d' op groups (0) must divide the input channels (4) and the filters (4)}}
  %y = nn.conv2d %x, %w {groups = 0} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// Tests that conv2d's groups divide the input channels.
func.func @conv2d_groups_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'nn.conv2d' op groups (2) must divide the input channels (3) and the filters (4)}}
  %y = nn.conv2d %x, %w {groups = 2} : (tensor<1x3x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// Tests that conv2d's groups divide the filters.
func.func @conv2d_groups_filters(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32> {
  // expected-error @+1 {{'nn.conv2d' op groups (2) must divide the input channels (4) and the filters (3)}}
  %y = nn.conv2d %x, %w {groups = 2} : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>
  return %y : tensor<1x3x6x6xf32>
}

// -----

// Tests that conv2d's weight has the input's channels per group (here all 4 channels, as for groups = 1).
func.func @conv2d_weight_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'nn.conv2d' op weight 'tensor<6x4x3x3xf32>' should have 2 channels per group (input has 4 in 2 groups)}}
  %y = nn.conv2d %x, %w {groups = 2} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %y : tensor<1x6x6x6xf32>
}

// -----

// Tests that conv2d's weight channels match the input's without groups.
func.func @conv2d_weight_channels_ungrouped(%x: tensor<1x3x8x8xf32>, %w: tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'nn.conv2d' op weight 'tensor<6x1x3x3xf32>' should have 3 channels per group (input has 3 in 1 groups)}}
  %y = nn.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %y : tensor<1x6x6x6xf32>
}

// -----

// Tests that conv2d rejects mixed element types.
func.func @conv2d_element_type(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf64>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'nn.conv2d' op expects one element type, got 'tensor<1x1x8x8xf32>' and 'tensor<2x1x3x3xf64>'}}
  %y = nn.conv2d %x, %w : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf64>) -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

// Tests that conv2d rejects a kernel larger than the input.
func.func @conv2d_kernel_too_large(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x5x5xf32>) -> tensor<1x2x1x1xf32> {
  // expected-error @+1 {{'nn.conv2d' op the 5x5 kernel (dilation 1x1) does not fit the 4x4 input with padding}}
  %y = nn.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x5x5xf32>) -> tensor<1x2x1x1xf32>
  return %y : tensor<1x2x1x1xf32>
}

// -----

// Tests that dilation counts in the kernel's extent: 3 taps at dilation 3 span 7 > 6 rows.
func.func @conv2d_dilated_kernel_too_large(%x: tensor<1x1x6x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x1x2xf32> {
  // expected-error @+1 {{'nn.conv2d' op the 3x3 kernel (dilation 3x3) does not fit the 6x8 input with padding}}
  %y = nn.conv2d %x, %w {dilation = array<i64: 3, 3>} : (tensor<1x1x6x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x1x2xf32>
  return %y : tensor<1x2x1x2xf32>
}

// -----

// Tests that padding is what makes a kernel fit: 4 + 1 + 0 rows hold a 5-row kernel, 4 columns do not.
func.func @conv2d_padded_kernel_too_large(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x5x5xf32>) -> tensor<1x2x1x1xf32> {
  // expected-error @+1 {{'nn.conv2d' op the 5x5 kernel (dilation 1x1) does not fit the 4x4 input with padding}}
  %y = nn.conv2d %x, %w {padding = array<i64: 1, 0, 0, 0>} : (tensor<1x1x4x4xf32>, tensor<2x1x5x5xf32>) -> tensor<1x2x1x1xf32>
  return %y : tensor<1x2x1x1xf32>
}

// -----

// Tests that conv2d's result is [batch, filters, out h, out w]: 8 rows at stride 2 with a 3x3 kernel give 3, not 4.
func.func @conv2d_result_shape(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'nn.conv2d' op result 'tensor<1x2x4x4xf32>' should be 'tensor<1x2x3x3xf32>'}}
  %y = nn.conv2d %x, %w {strides = array<i64: 2, 2>} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that conv2d's result has as many channels as the weight has filters.
func.func @conv2d_result_filters(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x1x6x6xf32> {
  // expected-error @+1 {{'nn.conv2d' op result 'tensor<1x1x6x6xf32>' should be 'tensor<1x2x6x6xf32>'}}
  %y = nn.conv2d %x, %w : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x1x6x6xf32>
  return %y : tensor<1x1x6x6xf32>
}

// -----

// Tests that conv2d's result keeps the element type.
func.func @conv2d_result_element_type(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf64> {
  // expected-error @+1 {{'nn.conv2d' op result 'tensor<1x2x6x6xf64>' should be 'tensor<1x2x6x6xf32>'}}
  %y = nn.conv2d %x, %w : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf64>
  return %y : tensor<1x2x6x6xf64>
}

// -----

// Tests that conv2d's bias has one value per filter.
func.func @conv2d_bias_length(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<1xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'nn.conv2d' op bias 'tensor<1xf32>' should be [2] of 'f32'}}
  %y = nn.conv2d %x, %w, %b : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>, tensor<1xf32>) -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

// Tests that conv2d's bias is 1-D, not per position.
func.func @conv2d_bias_rank(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2x1x1xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'nn.conv2d' op bias 'tensor<2x1x1xf32>' should be [2] of 'f32'}}
  %y = nn.conv2d %x, %w, %b : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>, tensor<2x1x1xf32>) -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

// Tests that conv2d's bias has the input's element type.
func.func @conv2d_bias_type(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf16>) -> tensor<1x2x6x6xf32> {
  // expected-error @+1 {{'nn.conv2d' op bias 'tensor<2xf16>' should be [2] of 'f32'}}
  %y = nn.conv2d %x, %w, %b : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>, tensor<2xf16>) -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

// Tests that conv2d's result is the type it infers: an encoding the verifier does not look at still differs.
func.func @conv2d_inferred_type(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf32, "enc"> {
  // expected-error @+1 {{'nn.conv2d' op result 'tensor<1x2x6x6xf32, "enc">' should be 'tensor<1x2x6x6xf32>'}}
  %y = nn.conv2d %x, %w : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf32, "enc">
  return %y : tensor<1x2x6x6xf32, "enc">
}

// -----

// Tests that conv2d takes float tensors only.
func.func @conv2d_integer(%x: tensor<1x1x8x8xi32>, %w: tensor<2x1x3x3xi32>) -> tensor<1x2x6x6xi32> {
  // expected-error @+1 {{'nn.conv2d' op operand #0 must be ranked tensor of floating-point values}}
  %y = nn.conv2d %x, %w : (tensor<1x1x8x8xi32>, tensor<2x1x3x3xi32>) -> tensor<1x2x6x6xi32>
  return %y : tensor<1x2x6x6xi32>
}

// -----

// Tests that max_pool2d needs [batch, channels, height, width].
func.func @max_pool2d_rank(%x: tensor<64x28x28xf32>) -> tensor<64x14x14xf32> {
  // expected-error @+1 {{'nn.max_pool2d' op expects [batch, channels, height, width], got 'tensor<64x28x28xf32>'}}
  %y = nn.max_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<64x28x28xf32> -> tensor<64x14x14xf32>
  return %y : tensor<64x14x14xf32>
}

// -----

// Tests that avg_pool2d needs [batch, channels, height, width].
func.func @avg_pool2d_rank(%x: tensor<1x64x1x28x28xf32>) -> tensor<1x64x1x14x14xf32> {
  // expected-error @+1 {{'nn.avg_pool2d' op expects [batch, channels, height, width], got 'tensor<1x64x1x28x28xf32>'}}
  %y = nn.avg_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x64x1x28x28xf32> -> tensor<1x64x1x14x14xf32>
  return %y : tensor<1x64x1x14x14xf32>
}

// -----

// Tests that a pooling window has two sizes.
func.func @max_pool2d_window_size(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'nn.max_pool2d' op expects a window of 2 sizes >= 1}}
  %y = nn.max_pool2d %x {window = array<i64: 2>, strides = array<i64: 2, 2>} : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that a pooling window is not empty.
func.func @avg_pool2d_window_zero(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'nn.avg_pool2d' op expects a window of 2 sizes >= 1}}
  %y = nn.avg_pool2d %x {window = array<i64: 2, 0>, strides = array<i64: 2, 2>} : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that pooling needs two strides.
func.func @max_pool2d_strides_size(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'nn.max_pool2d' op expects 2 strides in [1, 2^31)}}
  %y = nn.max_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2, 2>} : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that pooling rejects a stride of 0.
func.func @avg_pool2d_stride_zero(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'nn.avg_pool2d' op expects 2 strides in [1, 2^31)}}
  %y = nn.avg_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 2, 0>} : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that pooling needs its strides (they have no default).
func.func @max_pool2d_no_strides(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'nn.max_pool2d' op requires attribute 'strides'}}
  %y = nn.max_pool2d %x {window = array<i64: 2, 2>} : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that pooling's padding is four values [top, left, bottom, right], not negative.
func.func @avg_pool2d_padding(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'nn.avg_pool2d' op expects padding [top, left, bottom, right] in [0, 2^31)}}
  %y = nn.avg_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, -1, 0, 1>}
      : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that pooling's padding is smaller than the window (a window of padding alone has no value), on any side.
func.func @max_pool2d_padding_window(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x5x4xf32> {
  // expected-error @+1 {{'nn.max_pool2d' op padding must be smaller than the window (2x2)}}
  %y = nn.max_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 2, 0>}
      : tensor<1x2x8x8xf32> -> tensor<1x2x5x4xf32>
  return %y : tensor<1x2x5x4xf32>
}

// -----

// Tests that pooling's padding is checked against the window's width for left and right.
func.func @avg_pool2d_padding_window(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x3x4xf32> {
  // expected-error @+1 {{'nn.avg_pool2d' op padding must be smaller than the window (3x1)}}
  %y = nn.avg_pool2d %x {window = array<i64: 3, 1>, strides = array<i64: 2, 2>, padding = array<i64: 2, 1, 0, 0>}
      : tensor<1x2x8x8xf32> -> tensor<1x2x3x4xf32>
  return %y : tensor<1x2x3x4xf32>
}

// -----

// Tests that a pooling window larger than the input is rejected.
func.func @max_pool2d_window_too_large(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32> {
  // expected-error @+1 {{'nn.max_pool2d' op the 5x2 window does not fit the 4x4 input with padding}}
  %y = nn.max_pool2d %x {window = array<i64: 5, 2>, strides = array<i64: 1, 1>} : tensor<1x2x4x4xf32> -> tensor<1x2x1x1xf32>
  return %y : tensor<1x2x1x1xf32>
}

// -----

// Tests that pooling's result is [batch, channels, out h, out w]: 9 rows by windows of 2 at stride 2 give 4 (the last row is dropped).
func.func @avg_pool2d_result_shape(%x: tensor<1x2x9x9xf32>) -> tensor<1x2x5x5xf32> {
  // expected-error @+1 {{'nn.avg_pool2d' op result 'tensor<1x2x5x5xf32>' should be 'tensor<1x2x4x4xf32>'}}
  %y = nn.avg_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x2x9x9xf32> -> tensor<1x2x5x5xf32>
  return %y : tensor<1x2x5x5xf32>
}

// -----

// Tests that pooling keeps the channels.
func.func @max_pool2d_result_channels(%x: tensor<1x2x8x8xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{'nn.max_pool2d' op result 'tensor<1x1x4x4xf32>' should be 'tensor<1x2x4x4xf32>'}}
  %y = nn.max_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x2x8x8xf32> -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// Tests that a global pool keeps the 1x1 spatial dims (nn.reshape drops them).
func.func @avg_pool2d_global_result(%x: tensor<4x16x7x7xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'nn.avg_pool2d' op result 'tensor<4x16xf32>' should be 'tensor<4x16x1x1xf32>'}}
  %y = nn.avg_pool2d %x {window = array<i64: 7, 7>, strides = array<i64: 1, 1>} : tensor<4x16x7x7xf32> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Tests that batch_norm needs [batch, features] or [batch, channels, height, width].
func.func @batch_norm_rank(%x: tensor<2x3x4xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{'nn.batch_norm' op expects a static [batch, features] or [batch, channels, height, width] input, got 'tensor<2x3x4xf32>'}}
  %y:3 = nn.batch_norm %x, %m, %v : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y#0 : tensor<2x3x4xf32>
}

// -----

// Tests that batch_norm needs a static input.
func.func @batch_norm_dynamic(%x: tensor<?x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{'nn.batch_norm' op expects a static [batch, features] or [batch, channels, height, width] input, got 'tensor<?x3xf32>'}}
  %y:3 = nn.batch_norm %x, %m, %v : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y#0 : tensor<?x3xf32>
}

// -----

// Tests that the running mean has one value per channel (dim 1).
func.func @batch_norm_mean_channels(%x: tensor<2x3xf32>, %m: tensor<4xf32>, %v: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'nn.batch_norm' op running_mean 'tensor<4xf32>' should be 'tensor<3xf32>'}}
  %y:3 = nn.batch_norm %x, %m, %v : (tensor<2x3xf32>, tensor<4xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<4xf32>, tensor<3xf32>)
  return %y#0 : tensor<2x3xf32>
}

// -----

// Tests that the running variance has the input's element type.
func.func @batch_norm_var_type(%x: tensor<2x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'nn.batch_norm' op running_var 'tensor<3xf64>' should be 'tensor<3xf32>'}}
  %y:3 = nn.batch_norm %x, %m, %v : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf64>) -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf64>)
  return %y#0 : tensor<2x3xf32>
}

// -----

// Tests that the weight is a [C] vector.
func.func @batch_norm_weight(%x: tensor<2x3x4x4xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>, %w: tensor<1x3xf32>,
                             %b: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  // expected-error @+1 {{'nn.batch_norm' op weight 'tensor<1x3xf32>' should be 'tensor<3xf32>'}}
  %y:3 = nn.batch_norm %x, %m, %v weight %w bias %b
      : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<1x3xf32>, tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y#0 : tensor<2x3x4x4xf32>
}

// -----

// Tests that the bias has one value per channel.
func.func @batch_norm_bias(%x: tensor<2x3x4x4xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>, %w: tensor<3xf32>,
                           %b: tensor<4xf32>) -> tensor<2x3x4x4xf32> {
  // expected-error @+1 {{'nn.batch_norm' op bias 'tensor<4xf32>' should be 'tensor<3xf32>'}}
  %y:3 = nn.batch_norm %x, %m, %v weight %w bias %b
      : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y#0 : tensor<2x3x4x4xf32>
}

// -----

// Tests that a weight without a bias is rejected.
func.func @batch_norm_weight_only(%x: tensor<2x3x4x4xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>, %w: tensor<3xf32>)
    -> tensor<2x3x4x4xf32> {
  // expected-error @+1 {{'nn.batch_norm' op takes both weight and bias, or neither}}
  %y:3 = nn.batch_norm %x, %m, %v weight %w
      : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y#0 : tensor<2x3x4x4xf32>
}

// -----

// Tests that a bias without a weight is rejected.
func.func @batch_norm_bias_only(%x: tensor<2x3x4x4xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>, %b: tensor<3xf32>)
    -> tensor<2x3x4x4xf32> {
  // expected-error @+1 {{'nn.batch_norm' op takes both weight and bias, or neither}}
  %y:3 = nn.batch_norm %x, %m, %v bias %b
      : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y#0 : tensor<2x3x4x4xf32>
}

// -----

// Tests that momentum is at most 1.
func.func @batch_norm_momentum(%x: tensor<2x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'nn.batch_norm' op momentum must be in [0, 1], got 1.500000e+00}}
  %y:3 = nn.batch_norm %x, %m, %v {momentum = 1.5} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y#0 : tensor<2x3xf32>
}

// -----

// Tests that momentum is not negative.
func.func @batch_norm_momentum_negative(%x: tensor<2x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'nn.batch_norm' op momentum must be in [0, 1], got -1.000000e-01}}
  %y:3 = nn.batch_norm %x, %m, %v {momentum = -0.1} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y#0 : tensor<2x3xf32>
}

// -----

// Tests that a NaN momentum is rejected.
func.func @batch_norm_momentum_nan(%x: tensor<2x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'nn.batch_norm' op momentum must be in [0, 1], got nan}}
  %y:3 = nn.batch_norm %x, %m, %v {momentum = 0x7FF8000000000000 : f64}
      : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y#0 : tensor<2x3xf32>
}

// -----

// Tests that epsilon is positive.
func.func @batch_norm_epsilon(%x: tensor<2x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'nn.batch_norm' op epsilon must be positive, got 0.000000e+00}}
  %y:3 = nn.batch_norm %x, %m, %v {epsilon = 0.0} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y#0 : tensor<2x3xf32>
}

// -----

// Tests that training mode needs two values per channel (N * H * W > 1): the
// running variance is unbiased by M / (M - 1).
func.func @batch_norm_training_one_value(%x: tensor<1x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'nn.batch_norm' op in training mode needs more than one value per channel (the unbiased variance), got 'tensor<1x3xf32>'}}
  %y:3 = nn.batch_norm %x, %m, %v {training} : (tensor<1x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<1x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y#0 : tensor<1x3xf32>
}

// -----

// Tests that the result types are the operands' (x, running_mean, running_var).
// The interface's verifier reports the mismatch, then that inference failed.
func.func @batch_norm_result(%x: tensor<2x3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{'nn.batch_norm' op failed to infer returned types}}
  // expected-error @+1 {{'nn.batch_norm' op inferred type(s) 'tensor<2x3xf32>', 'tensor<3xf32>', 'tensor<3xf32>' are incompatible with return type(s) of operation 'tensor<2x4xf32>', 'tensor<3xf32>', 'tensor<3xf32>'}}
  %y:3 = nn.batch_norm %x, %m, %v : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y#0 : tensor<2x4xf32>
}

// -----

// Tests that local_response_norm needs [batch, channels, height, width].
func.func @local_response_norm_rank(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{'nn.local_response_norm' op expects a static [batch, channels, height, width] input, got 'tensor<2x3x4xf32>'}}
  %y = nn.local_response_norm %x {size = 3} : tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// Tests that local_response_norm needs a static input.
func.func @local_response_norm_dynamic(%x: tensor<?x3x4x4xf32>) -> tensor<?x3x4x4xf32> {
  // expected-error @+1 {{'nn.local_response_norm' op expects a static [batch, channels, height, width] input, got 'tensor<?x3x4x4xf32>'}}
  %y = nn.local_response_norm %x {size = 3} : tensor<?x3x4x4xf32>
  return %y : tensor<?x3x4x4xf32>
}

// -----

// Tests that the window has at least one channel.
func.func @local_response_norm_size(%x: tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32> {
  // expected-error @+1 {{'nn.local_response_norm' op size must be positive, got 0}}
  %y = nn.local_response_norm %x {size = 0} : tensor<2x3x4x4xf32>
  return %y : tensor<2x3x4x4xf32>
}

// -----

// Tests that k = 0 is rejected (the denominator could be 0).
func.func @local_response_norm_k(%x: tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32> {
  // expected-error @+1 {{'nn.local_response_norm' op needs k > 0 and alpha >= 0 (a positive denominator), got k = 0.000000e+00, alpha = 1.000000e-04}}
  %y = nn.local_response_norm %x {size = 3, k = 0.0} : tensor<2x3x4x4xf32>
  return %y : tensor<2x3x4x4xf32>
}

// -----

// Tests that a negative alpha is rejected.
func.func @local_response_norm_alpha(%x: tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32> {
  // expected-error @+1 {{'nn.local_response_norm' op needs k > 0 and alpha >= 0 (a positive denominator), got k = 1.000000e+00, alpha = -5.000000e-01}}
  %y = nn.local_response_norm %x {size = 3, alpha = -0.5} : tensor<2x3x4x4xf32>
  return %y : tensor<2x3x4x4xf32>
}

// -----

// Tests that size has no default.
func.func @local_response_norm_no_size(%x: tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32> {
  // expected-error @+1 {{'nn.local_response_norm' op requires attribute 'size'}}
  %y = nn.local_response_norm %x : tensor<2x3x4x4xf32>
  return %y : tensor<2x3x4x4xf32>
}

// -----

// Tests that count takes an i64 scalar, not a float or a vector.
func.func @count_float(%n: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.count' op operand #0 must be 0D tensor of 64-bit signless integer values, but got 'tensor<f32>'}}
  %c = nn.count %n : tensor<f32>
  return %c : tensor<f32>
}

// -----

func.func @count_vector(%n: tensor<2xi64>) -> tensor<2xi64> {
  // expected-error @+1 {{'nn.count' op operand #0 must be 0D tensor of 64-bit signless integer values, but got 'tensor<2xi64>'}}
  %c = nn.count %n : tensor<2xi64>
  return %c : tensor<2xi64>
}

// -----

// Tests that dense on a rank-3 input keeps its rank (the last axis alone changes).
func.func @dense_rank3_result_rank(%x: tensor<4x8x16xf32>, %w: tensor<32x16xf32>) -> tensor<4x32xf32> {
  // expected-error @+1 {{'nn.dense' op expects input [batch, ..., in], weight [out, in] and a result of the input's rank, got 'tensor<4x8x16xf32>', 'tensor<32x16xf32>', 'tensor<4x32xf32>'}}
  %y = nn.dense %x, %w : (tensor<4x8x16xf32>, tensor<32x16xf32>) -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

// -----

// Tests that dense on a rank-3 input keeps the leading dims.
func.func @dense_rank3_result_steps(%x: tensor<4x8x16xf32>, %w: tensor<32x16xf32>) -> tensor<4x7x32xf32> {
  // expected-error @+1 {{'nn.dense' op result 'tensor<4x7x32xf32>' should be the input's shape with 32 last}}
  %y = nn.dense %x, %w : (tensor<4x8x16xf32>, tensor<32x16xf32>) -> tensor<4x7x32xf32>
  return %y : tensor<4x7x32xf32>
}

// -----

// Tests that softmax needs a batch axis besides the features.
func.func @softmax_rank1(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'nn.softmax' op expects [batch, ..., features], got 'tensor<8xf32>'}}
  %y = nn.softmax %x : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// Tests that embedding's result is the ids' shape plus the weight's dim.
func.func @embedding_result(%ids: tensor<4x8xi32>, %w: tensor<100x16xf32>) -> tensor<4x8x8xf32> {
  // expected-error @+1 {{'nn.embedding' op result should be 'tensor<4x8x16xf32>', got 'tensor<4x8x8xf32>'}}
  %e = nn.embedding %ids, %w : (tensor<4x8xi32>, tensor<100x16xf32>) -> tensor<4x8x8xf32>
  return %e : tensor<4x8x8xf32>
}

// -----

// Tests that embedding's weight is a [num_embeddings, dim] table.
func.func @embedding_weight_rank(%ids: tensor<4x8xi32>, %w: tensor<100xf32>) -> tensor<4x8x16xf32> {
  // expected-error @+1 {{'nn.embedding' op expects a weight [num_embeddings, dim], got 'tensor<100xf32>'}}
  %e = nn.embedding %ids, %w : (tensor<4x8xi32>, tensor<100xf32>) -> tensor<4x8x16xf32>
  return %e : tensor<4x8x16xf32>
}

// -----

// Tests that embedding's table has at least one row.
func.func @embedding_weight_empty(%ids: tensor<4xi32>, %w: tensor<0x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'nn.embedding' op expects a weight [num_embeddings, dim], got 'tensor<0x16xf32>'}}
  %e = nn.embedding %ids, %w : (tensor<4xi32>, tensor<0x16xf32>) -> tensor<4x16xf32>
  return %e : tensor<4x16xf32>
}

// -----

// Tests that embedding's ids have a batch axis.
func.func @embedding_scalar_ids(%ids: tensor<i32>, %w: tensor<100x16xf32>) -> tensor<16xf32> {
  // expected-error @+1 {{'nn.embedding' op expects static ids [batch, ...], got 'tensor<i32>'}}
  %e = nn.embedding %ids, %w : (tensor<i32>, tensor<100x16xf32>) -> tensor<16xf32>
  return %e : tensor<16xf32>
}

// -----

// Tests that embedding's ids are static.
func.func @embedding_dynamic_ids(%ids: tensor<?x8xi32>, %w: tensor<100x16xf32>) -> tensor<?x8x16xf32> {
  // expected-error @+1 {{'nn.embedding' op expects static ids [batch, ...], got 'tensor<?x8xi32>'}}
  %e = nn.embedding %ids, %w : (tensor<?x8xi32>, tensor<100x16xf32>) -> tensor<?x8x16xf32>
  return %e : tensor<?x8x16xf32>
}

// -----

// Tests that embedding's ids are integers.
func.func @embedding_float_ids(%ids: tensor<4x8xf32>, %w: tensor<100x16xf32>) -> tensor<4x8x16xf32> {
  // expected-error @+1 {{'nn.embedding' op operand #0 must be ranked tensor of signless integer values, but got 'tensor<4x8xf32>'}}
  %e = nn.embedding %ids, %w : (tensor<4x8xf32>, tensor<100x16xf32>) -> tensor<4x8x16xf32>
  return %e : tensor<4x8x16xf32>
}

// -----

// Tests that position_embedding's table has a row per step: 6 rows do not cover 8 steps.
func.func @position_embedding_short(%x: tensor<4x8x16xf32>, %w: tensor<6x16xf32>) -> tensor<4x8x16xf32> {
  // expected-error @+1 {{'nn.position_embedding' op weight 'tensor<6x16xf32>' does not cover input 'tensor<4x8x16xf32>' (expected [max_len >= 8, 16])}}
  %y = nn.position_embedding %x, %w : tensor<4x8x16xf32>, tensor<6x16xf32>
  return %y : tensor<4x8x16xf32>
}

// -----

// Tests that position_embedding's table has the input's dim.
func.func @position_embedding_dim(%x: tensor<4x8x16xf32>, %w: tensor<8x12xf32>) -> tensor<4x8x16xf32> {
  // expected-error @+1 {{'nn.position_embedding' op weight 'tensor<8x12xf32>' does not cover input 'tensor<4x8x16xf32>' (expected [max_len >= 8, 16])}}
  %y = nn.position_embedding %x, %w : tensor<4x8x16xf32>, tensor<8x12xf32>
  return %y : tensor<4x8x16xf32>
}

// -----

// Tests that position_embedding needs [batch, steps, dim].
func.func @position_embedding_rank(%x: tensor<4x16xf32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'nn.position_embedding' op expects input [batch, steps, dim] and weight [max_len, dim] of one element type, got 'tensor<4x16xf32>' and 'tensor<8x16xf32>'}}
  %y = nn.position_embedding %x, %w : tensor<4x16xf32>, tensor<8x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Tests that layer_norm rejects a weight without a bias.
func.func @layer_norm_weight_only(%x: tensor<4x8x16xf32>, %w: tensor<16xf32>) -> tensor<4x8x16xf32> {
  // expected-error @+1 {{'nn.layer_norm' op takes weight and bias together, or neither}}
  %y = nn.layer_norm %x weight %w : (tensor<4x8x16xf32>, tensor<16xf32>) -> tensor<4x8x16xf32>
  return %y : tensor<4x8x16xf32>
}

// -----

// Tests that layer_norm rejects a bias without a weight.
func.func @layer_norm_bias_only(%x: tensor<4x8x16xf32>, %b: tensor<16xf32>) -> tensor<4x8x16xf32> {
  // expected-error @+1 {{'nn.layer_norm' op takes weight and bias together, or neither}}
  %y = nn.layer_norm %x bias %b : (tensor<4x8x16xf32>, tensor<16xf32>) -> tensor<4x8x16xf32>
  return %y : tensor<4x8x16xf32>
}

// -----

// Tests that layer_norm's weight is [features] (the last dim), not another dim.
func.func @layer_norm_weight_shape(%x: tensor<4x8x16xf32>, %w: tensor<8xf32>, %b: tensor<16xf32>) -> tensor<4x8x16xf32> {
  // expected-error @+1 {{'nn.layer_norm' op expects weight and bias 'tensor<16xf32>', got 'tensor<8xf32>'}}
  %y = nn.layer_norm %x weight %w bias %b : (tensor<4x8x16xf32>, tensor<8xf32>, tensor<16xf32>) -> tensor<4x8x16xf32>
  return %y : tensor<4x8x16xf32>
}

// -----

// Tests that layer_norm's bias is a [features] vector, not [steps, features].
func.func @layer_norm_bias_shape(%x: tensor<4x8x16xf32>, %w: tensor<16xf32>, %b: tensor<8x16xf32>) -> tensor<4x8x16xf32> {
  // expected-error @+1 {{'nn.layer_norm' op expects weight and bias 'tensor<16xf32>', got 'tensor<8x16xf32>'}}
  %y = nn.layer_norm %x weight %w bias %b : (tensor<4x8x16xf32>, tensor<16xf32>, tensor<8x16xf32>) -> tensor<4x8x16xf32>
  return %y : tensor<4x8x16xf32>
}

// -----

// Tests that layer_norm's epsilon is positive.
func.func @layer_norm_epsilon_zero(%x: tensor<4x8x16xf32>) -> tensor<4x8x16xf32> {
  // expected-error @+1 {{'nn.layer_norm' op epsilon must be positive, got 0.000000e+00}}
  %y = nn.layer_norm %x {epsilon = 0.0} : (tensor<4x8x16xf32>) -> tensor<4x8x16xf32>
  return %y : tensor<4x8x16xf32>
}

// -----

// Tests that a negative epsilon is rejected.
func.func @layer_norm_epsilon_negative(%x: tensor<4x8x16xf32>) -> tensor<4x8x16xf32> {
  // expected-error @+1 {{'nn.layer_norm' op epsilon must be positive, got -1.000000e-05}}
  %y = nn.layer_norm %x {epsilon = -1.0e-5} : (tensor<4x8x16xf32>) -> tensor<4x8x16xf32>
  return %y : tensor<4x8x16xf32>
}

// -----

// Tests that a NaN epsilon is rejected.
func.func @layer_norm_epsilon_nan(%x: tensor<4x8x16xf32>) -> tensor<4x8x16xf32> {
  // expected-error @+1 {{'nn.layer_norm' op epsilon must be positive, got nan}}
  %y = nn.layer_norm %x {epsilon = 0x7FF8000000000000 : f64} : (tensor<4x8x16xf32>) -> tensor<4x8x16xf32>
  return %y : tensor<4x8x16xf32>
}

// -----

// Tests that layer_norm needs a batch axis besides the features.
func.func @layer_norm_rank(%x: tensor<16xf32>) -> tensor<16xf32> {
  // expected-error @+1 {{'nn.layer_norm' op expects static [batch, ..., features], got 'tensor<16xf32>'}}
  %y = nn.layer_norm %x : (tensor<16xf32>) -> tensor<16xf32>
  return %y : tensor<16xf32>
}

// -----

// Tests that layer_norm's result is its input's type.
func.func @layer_norm_result(%x: tensor<4x16xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{'nn.layer_norm' op failed to infer returned types}}
  // expected-error @+1 {{'nn.layer_norm' op inferred type(s) 'tensor<4x16xf32>' are incompatible with return type(s) of operation 'tensor<4x8xf32>'}}
  %y = nn.layer_norm %x : (tensor<4x16xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests that add takes operands of one type.
func.func @add_mismatch(%a: tensor<4x8xf32>, %b: tensor<4x9xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'nn.add' op requires the same type for all operands and results}}
  %y = "nn.add"(%a, %b) : (tensor<4x8xf32>, tensor<4x9xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests that concat never joins along the batch (axis 0).
func.func @concat_axis_zero(%a: tensor<4x8xf32>, %b: tensor<2x8xf32>) -> tensor<6x8xf32> {
  // expected-error @+1 {{'nn.concat' op axis must be in [1, 2), got 0}}
  %y = nn.concat %a, %b {axis = 0} : (tensor<4x8xf32>, tensor<2x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Tests that concat's axis is an axis of its inputs (no negative axes: the frontend resolves -1).
func.func @concat_axis_rank(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'nn.concat' op axis must be in [1, 2), got -1}}
  %y = nn.concat %a, %b {axis = -1} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Tests that concat's inputs agree outside the axis, naming the first that does not.
func.func @concat_dims(%a: tensor<4x8x16xf32>, %b: tensor<4x8x4xf32>, %c: tensor<4x6x4xf32>) -> tensor<4x8x24xf32> {
  // expected-error @+1 {{'nn.concat' op input 2 'tensor<4x6x4xf32>' does not match input 0 'tensor<4x8x16xf32>' outside axis 2}}
  %y = nn.concat %a, %b, %c {axis = 2} : (tensor<4x8x16xf32>, tensor<4x8x4xf32>, tensor<4x6x4xf32>) -> tensor<4x8x24xf32>
  return %y : tensor<4x8x24xf32>
}

// -----

// Tests that concat's inputs have one rank.
func.func @concat_rank(%a: tensor<4x8x16xf32>, %b: tensor<4x8xf32>) -> tensor<4x8x24xf32> {
  // expected-error @+1 {{'nn.concat' op input 1 'tensor<4x8xf32>' does not match input 0 'tensor<4x8x16xf32>' outside axis 2}}
  %y = nn.concat %a, %b {axis = 2} : (tensor<4x8x16xf32>, tensor<4x8xf32>) -> tensor<4x8x24xf32>
  return %y : tensor<4x8x24xf32>
}

// -----

// Tests that concat's inputs have one element type.
func.func @concat_element_type(%a: tensor<4x8xf32>, %b: tensor<4x8xf64>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'nn.concat' op input 1 'tensor<4x8xf64>' does not match input 0 'tensor<4x8xf32>' outside axis 1}}
  %y = nn.concat %a, %b {axis = 1} : (tensor<4x8xf32>, tensor<4x8xf64>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Tests that concat's result sums the inputs' sizes along the axis (8 + 8).
func.func @concat_result(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x15xf32> {
  // expected-error @+2 {{'nn.concat' op failed to infer returned types}}
  // expected-error @+1 {{'nn.concat' op inferred type(s) 'tensor<4x16xf32>' are incompatible with return type(s) of operation 'tensor<4x15xf32>'}}
  %y = nn.concat %a, %b {axis = 1} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x15xf32>
  return %y : tensor<4x15xf32>
}

// -----

// Tests that concat has at least one input.
func.func @concat_no_inputs() -> tensor<4x8xf32> {
  // expected-error @+1 {{'nn.concat' op expects at least one input}}
  %y = nn.concat {axis = 1} : () -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests that reduce_mean never reduces the batch (axis 0).
func.func @reduce_mean_axis_zero(%x: tensor<4x8x16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{'nn.reduce_mean' op axis must be in [1, 3), got 0}}
  %y = nn.reduce_mean %x {axis = 0} : tensor<4x8x16xf32> -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// Tests that reduce_max never reduces the batch (axis 0).
func.func @reduce_max_axis_zero(%x: tensor<4x8x16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{'nn.reduce_max' op axis must be in [1, 3), got 0}}
  %y = nn.reduce_max %x {axis = 0} : tensor<4x8x16xf32> -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// Tests that a reduction's axis is an axis of its input.
func.func @reduce_mean_axis_rank(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'nn.reduce_mean' op axis must be in [1, 2), got 2}}
  %y = nn.reduce_mean %x {axis = 2} : tensor<4x8xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Tests that reduce_max drops its axis: axis 1 of [4, 8, 16] leaves [4, 16], not [4, 8].
func.func @reduce_max_result(%x: tensor<4x8x16xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'nn.reduce_max' op result should be 'tensor<4x16xf32>', got 'tensor<4x8xf32>'}}
  %y = nn.reduce_max %x {axis = 1} : tensor<4x8x16xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests that reduce_mean does not keep its axis as size 1.
func.func @reduce_mean_result(%x: tensor<4x8x16xf32>) -> tensor<4x1x16xf32> {
  // expected-error @+1 {{'nn.reduce_mean' op result should be 'tensor<4x16xf32>', got 'tensor<4x1x16xf32>'}}
  %y = nn.reduce_mean %x {axis = 1} : tensor<4x8x16xf32> -> tensor<4x1x16xf32>
  return %y : tensor<4x1x16xf32>
}

// -----

// Tests that attention needs 3 * num_heads to divide the packed width (24 / 15).
func.func @attention_heads(%qkv: tensor<2x5x24xf32>) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op needs 3 * num_heads (15) to divide the rows' 24 values}}
  %o, %l = nn.attention %qkv {num_heads = 5} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x5x5xf32>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that attention needs a width of 3 * num_heads * d: 25 is not [Q | K | V] even for one head.
func.func @attention_packed(%qkv: tensor<2x5x25xf32>) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op needs 3 * num_heads (3) to divide the rows' 25 values}}
  %o, %l = nn.attention %qkv {num_heads = 1} : tensor<2x5x25xf32> -> (tensor<2x5x8xf32>, tensor<2x1x5xf32>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that attention rejects num_heads = 0 before the divisibility check.
func.func @attention_zero_heads(%qkv: tensor<2x5x24xf32>) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op num_heads must be positive, got 0}}
  %o, %l = nn.attention %qkv {num_heads = 0} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x0x5xf32>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that attention rejects a negative num_heads.
func.func @attention_negative_heads(%qkv: tensor<2x5x24xf32>) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op num_heads must be positive, got -2}}
  %o, %l = nn.attention %qkv {num_heads = -2} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that attention rejects a tile size (block) of 0: tiles must hold at least one query and key.
func.func @attention_zero_block(%qkv: tensor<2x5x24xf32>) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op block must be positive, got 0}}
  %o, %l = nn.attention %qkv {num_heads = 2, block = 0} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that attention needs packed rows [batch, steps, 3 * width], not [rows, 3 * width].
func.func @attention_rank(%qkv: tensor<10x24xf32>) -> tensor<10x8xf32> {
  // expected-error @+1 {{'nn.attention' op expects static packed rows [batch, steps, 3 * width], got 'tensor<10x24xf32>'}}
  %o, %l = nn.attention %qkv {num_heads = 2} : tensor<10x24xf32> -> (tensor<10x8xf32>, tensor<10x2xf32>)
  return %o : tensor<10x8xf32>
}

// -----

// Tests that attention needs static steps.
func.func @attention_dynamic(%qkv: tensor<2x?x24xf32>) -> tensor<2x?x8xf32> {
  // expected-error @+1 {{'nn.attention' op expects static packed rows [batch, steps, 3 * width], got 'tensor<2x?x24xf32>'}}
  %o, %l = nn.attention %qkv {num_heads = 2} : tensor<2x?x24xf32> -> (tensor<2x?x8xf32>, tensor<2x2x?xf32>)
  return %o : tensor<2x?x8xf32>
}

// -----

// Tests that attention's result is [batch, steps, width], a third of the packed rows (8), not all of them.
func.func @attention_result(%qkv: tensor<2x5x24xf32>) -> tensor<2x5x24xf32> {
  // expected-error @+1 {{'nn.attention' op result should be [batch, steps, width] = 'tensor<2x5x8xf32>', got 'tensor<2x5x24xf32>'}}
  %o, %l = nn.attention %qkv {num_heads = 2} : tensor<2x5x24xf32> -> (tensor<2x5x24xf32>, tensor<2x2x5xf32>)
  return %o : tensor<2x5x24xf32>
}

// -----

// Tests that attention's result has the rows' element type.
func.func @attention_result_type(%qkv: tensor<2x5x24xf32>) -> tensor<2x5x8xf64> {
  // expected-error @+1 {{'nn.attention' op result should be [batch, steps, width] = 'tensor<2x5x8xf32>', got 'tensor<2x5x8xf64>'}}
  %o, %l = nn.attention %qkv {num_heads = 2} : tensor<2x5x24xf32> -> (tensor<2x5x8xf64>, tensor<2x2x5xf32>)
  return %o : tensor<2x5x8xf64>
}

// -----

// Tests that attention's logsumexp is [batch, num_heads, steps], not [batch, steps, num_heads].
func.func @attention_logsumexp(%qkv: tensor<2x5x24xf32>) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op logsumexp should be [batch, num_heads, steps] = 'tensor<2x2x5xf32>', got 'tensor<2x5x2xf32>'}}
  %o, %l = nn.attention %qkv {num_heads = 2} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x5x2xf32>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that attention's logsumexp has one row per head (4 rows for num_heads = 2).
func.func @attention_logsumexp_heads(%qkv: tensor<2x5x24xf32>) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op logsumexp should be [batch, num_heads, steps] = 'tensor<2x2x5xf32>', got 'tensor<2x4x5xf32>'}}
  %o, %l = nn.attention %qkv {num_heads = 2} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x4x5xf32>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that attention's logsumexp has the rows' element type.
func.func @attention_logsumexp_type(%qkv: tensor<2x5x24xf32>) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op logsumexp should be [batch, num_heads, steps] = 'tensor<2x2x5xf32>', got 'tensor<2x2x5xf64>'}}
  %o, %l = nn.attention %qkv {num_heads = 2} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf64>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that attention's dropout rate is below 1 (1.0 would drop everything).
func.func @attention_rate_one(%qkv: tensor<2x5x24xf32>) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op rate must be in [0, 1), got 1.000000e+00}}
  %o, %l = nn.attention %qkv {num_heads = 2, rate = 1.0} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that attention's dropout rate is not negative.
func.func @attention_rate_negative(%qkv: tensor<2x5x24xf32>) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op rate must be in [0, 1), got -5.000000e-01}}
  %o, %l = nn.attention %qkv {num_heads = 2, rate = -0.5} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that attention's dropout rate is not NaN.
func.func @attention_rate_nan(%qkv: tensor<2x5x24xf32>) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op rate must be in [0, 1), got nan}}
  %o, %l = nn.attention %qkv {num_heads = 2, rate = 0x7FF8000000000000 : f64} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that attention in training mode needs seed and step.
func.func @attention_training_no_seed(%qkv: tensor<2x5x24xf32>) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op in training mode takes `seed` and `step` (and only then)}}
  %o, %l = nn.attention %qkv {num_heads = 2, rate = 0.1, training} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that attention in training mode needs step as well as seed.
func.func @attention_training_no_step(%qkv: tensor<2x5x24xf32>, %seed: i64) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op in training mode takes `seed` and `step` (and only then)}}
  %o, %l = nn.attention %qkv seed %seed {num_heads = 2, rate = 0.1, training} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that attention takes seed and step only in training mode.
func.func @attention_seed_not_training(%qkv: tensor<2x5x24xf32>, %seed: i64, %step: i64) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op in training mode takes `seed` and `step` (and only then)}}
  %o, %l = nn.attention %qkv seed %seed step %step {num_heads = 2, rate = 0.1} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that attention outside training takes no step alone either.
func.func @attention_step_not_training(%qkv: tensor<2x5x24xf32>, %step: i64) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{'nn.attention' op in training mode takes `seed` and `step` (and only then)}}
  %o, %l = nn.attention %qkv step %step {num_heads = 2, rate = 0.1} : tensor<2x5x24xf32> -> (tensor<2x5x8xf32>, tensor<2x2x5xf32>)
  return %o : tensor<2x5x8xf32>
}

// -----

// Tests that lstm's weight_ih has 4H rows: 30 rows with weight_hh [40, 10] (H = 10) are a GRU's.
func.func @lstm_weight_ih(%x: tensor<8x5x3xf32>, %wih: tensor<30x3xf32>, %whh: tensor<40x10xf32>, %b: tensor<40xf32>) -> tensor<8x5x10xf32> {
  // expected-error @+1 {{'nn.lstm' op expects weight_ih [4H, 3], weight_hh [4H, H] and biases [4H] of 'f32', got 'tensor<30x3xf32>', 'tensor<40x10xf32>', 'tensor<40xf32>', 'tensor<40xf32>'}}
  %h:3 = nn.lstm %x, %wih, %whh, %b, %b
      : (tensor<8x5x3xf32>, tensor<30x3xf32>, tensor<40x10xf32>, tensor<40xf32>, tensor<40xf32>)
      -> (tensor<8x5x10xf32>, tensor<8x5x10xf32>, tensor<8x5x40xf32>)
  return %h#0 : tensor<8x5x10xf32>
}

// -----

// Tests that lstm's weight_hh is [4H, H]: [40, 5] gives H = 5, so 40 rows are not 4H.
func.func @lstm_weight_hh(%x: tensor<8x5x3xf32>, %wih: tensor<40x3xf32>, %whh: tensor<40x5xf32>, %b: tensor<40xf32>) -> tensor<8x5x5xf32> {
  // expected-error @+1 {{'nn.lstm' op expects weight_ih [4H, 3], weight_hh [4H, H] and biases [4H] of 'f32', got 'tensor<40x3xf32>', 'tensor<40x5xf32>', 'tensor<40xf32>', 'tensor<40xf32>'}}
  %h:3 = nn.lstm %x, %wih, %whh, %b, %b
      : (tensor<8x5x3xf32>, tensor<40x3xf32>, tensor<40x5xf32>, tensor<40xf32>, tensor<40xf32>)
      -> (tensor<8x5x5xf32>, tensor<8x5x5xf32>, tensor<8x5x20xf32>)
  return %h#0 : tensor<8x5x5xf32>
}

// -----

// Tests that lstm's weight_ih reads the input's features (3), not 4.
func.func @lstm_features(%x: tensor<8x5x3xf32>, %wih: tensor<40x4xf32>, %whh: tensor<40x10xf32>, %b: tensor<40xf32>) -> tensor<8x5x10xf32> {
  // expected-error @+1 {{'nn.lstm' op expects weight_ih [4H, 3], weight_hh [4H, H] and biases [4H] of 'f32', got 'tensor<40x4xf32>', 'tensor<40x10xf32>', 'tensor<40xf32>', 'tensor<40xf32>'}}
  %h:3 = nn.lstm %x, %wih, %whh, %b, %b
      : (tensor<8x5x3xf32>, tensor<40x4xf32>, tensor<40x10xf32>, tensor<40xf32>, tensor<40xf32>)
      -> (tensor<8x5x10xf32>, tensor<8x5x10xf32>, tensor<8x5x40xf32>)
  return %h#0 : tensor<8x5x10xf32>
}

// -----

// Tests that lstm's input is [batch, steps, features], not a flat [batch, features].
func.func @lstm_input_rank(%x: tensor<8x3xf32>, %wih: tensor<40x3xf32>, %whh: tensor<40x10xf32>, %b: tensor<40xf32>) -> tensor<8x5x10xf32> {
  // expected-error @+1 {{'nn.lstm' op expects static [batch, steps, features], got 'tensor<8x3xf32>'}}
  %h:3 = nn.lstm %x, %wih, %whh, %b, %b
      : (tensor<8x3xf32>, tensor<40x3xf32>, tensor<40x10xf32>, tensor<40xf32>, tensor<40xf32>)
      -> (tensor<8x5x10xf32>, tensor<8x5x10xf32>, tensor<8x5x40xf32>)
  return %h#0 : tensor<8x5x10xf32>
}

// -----

// Tests that lstm needs at least one step.
func.func @lstm_no_steps(%x: tensor<8x0x3xf32>, %wih: tensor<40x3xf32>, %whh: tensor<40x10xf32>, %b: tensor<40xf32>) -> tensor<8x0x10xf32> {
  // expected-error @+1 {{'nn.lstm' op expects static [batch, steps, features], got 'tensor<8x0x3xf32>'}}
  %h:3 = nn.lstm %x, %wih, %whh, %b, %b
      : (tensor<8x0x3xf32>, tensor<40x3xf32>, tensor<40x10xf32>, tensor<40xf32>, tensor<40xf32>)
      -> (tensor<8x0x10xf32>, tensor<8x0x10xf32>, tensor<8x0x40xf32>)
  return %h#0 : tensor<8x0x10xf32>
}

// -----

// Tests that lstm needs at least one hidden unit (H = 0 is rejected).
func.func @lstm_no_units(%x: tensor<8x5x3xf32>, %wih: tensor<0x3xf32>, %whh: tensor<0x0xf32>, %b: tensor<0xf32>) -> tensor<8x5x0xf32> {
  // expected-error @+1 {{'nn.lstm' op expects weight_ih [4H, 3], weight_hh [4H, H] and biases [4H] of 'f32', got 'tensor<0x3xf32>', 'tensor<0x0xf32>', 'tensor<0xf32>', 'tensor<0xf32>'}}
  %h:3 = nn.lstm %x, %wih, %whh, %b, %b
      : (tensor<8x5x3xf32>, tensor<0x3xf32>, tensor<0x0xf32>, tensor<0xf32>, tensor<0xf32>)
      -> (tensor<8x5x0xf32>, tensor<8x5x0xf32>, tensor<8x5x0xf32>)
  return %h#0 : tensor<8x5x0xf32>
}

// -----

// Tests that lstm's gates residual is [batch, steps, 4H] (caught by the inferred types).
func.func @lstm_gates_result(%x: tensor<8x5x3xf32>, %wih: tensor<40x3xf32>, %whh: tensor<40x10xf32>, %b: tensor<40xf32>) -> tensor<8x5x10xf32> {
  // expected-error @+2 {{'nn.lstm' op failed to infer returned types}}
  // expected-error @+1 {{'nn.lstm' op inferred type(s) 'tensor<8x5x10xf32>', 'tensor<8x5x10xf32>', 'tensor<8x5x40xf32>' are incompatible with return type(s) of operation 'tensor<8x5x10xf32>', 'tensor<8x5x10xf32>', 'tensor<8x5x10xf32>'}}
  %h:3 = nn.lstm %x, %wih, %whh, %b, %b
      : (tensor<8x5x3xf32>, tensor<40x3xf32>, tensor<40x10xf32>, tensor<40xf32>, tensor<40xf32>)
      -> (tensor<8x5x10xf32>, tensor<8x5x10xf32>, tensor<8x5x10xf32>)
  return %h#0 : tensor<8x5x10xf32>
}

// -----

// Tests that gru's weights are [3H, ...]: an LSTM's [40, 3] and [40, 10] (4H for H = 10) are rejected.
func.func @gru_lstm_weights(%x: tensor<8x5x3xf32>, %wih: tensor<40x3xf32>, %whh: tensor<40x10xf32>, %b: tensor<40xf32>) -> tensor<8x5x10xf32> {
  // expected-error @+1 {{'nn.gru' op expects weight_ih [3H, 3], weight_hh [3H, H] and biases [3H] of 'f32', got 'tensor<40x3xf32>', 'tensor<40x10xf32>', 'tensor<40xf32>', 'tensor<40xf32>'}}
  %h:2 = nn.gru %x, %wih, %whh, %b, %b
      : (tensor<8x5x3xf32>, tensor<40x3xf32>, tensor<40x10xf32>, tensor<40xf32>, tensor<40xf32>)
      -> (tensor<8x5x10xf32>, tensor<8x5x40xf32>)
  return %h#0 : tensor<8x5x10xf32>
}

// -----

// Tests that gru's bias_hh is [3H] like bias_ih (a [H] bias is rejected).
func.func @gru_bias_hh(%x: tensor<8x5x3xf32>, %wih: tensor<30x3xf32>, %whh: tensor<30x10xf32>, %bih: tensor<30xf32>, %bhh: tensor<10xf32>) -> tensor<8x5x10xf32> {
  // expected-error @+1 {{'nn.gru' op expects weight_ih [3H, 3], weight_hh [3H, H] and biases [3H] of 'f32', got 'tensor<30x3xf32>', 'tensor<30x10xf32>', 'tensor<30xf32>', 'tensor<10xf32>'}}
  %h:2 = nn.gru %x, %wih, %whh, %bih, %bhh
      : (tensor<8x5x3xf32>, tensor<30x3xf32>, tensor<30x10xf32>, tensor<30xf32>, tensor<10xf32>)
      -> (tensor<8x5x10xf32>, tensor<8x5x40xf32>)
  return %h#0 : tensor<8x5x10xf32>
}

// -----

// Tests that gru's weight_hh is [3H, H]: [30, 5] gives H = 5, so 30 rows are not 3H.
func.func @gru_weight_hh(%x: tensor<8x5x3xf32>, %wih: tensor<30x3xf32>, %whh: tensor<30x5xf32>, %b: tensor<30xf32>) -> tensor<8x5x5xf32> {
  // expected-error @+1 {{'nn.gru' op expects weight_ih [3H, 3], weight_hh [3H, H] and biases [3H] of 'f32', got 'tensor<30x3xf32>', 'tensor<30x5xf32>', 'tensor<30xf32>', 'tensor<30xf32>'}}
  %h:2 = nn.gru %x, %wih, %whh, %b, %b
      : (tensor<8x5x3xf32>, tensor<30x3xf32>, tensor<30x5xf32>, tensor<30xf32>, tensor<30xf32>)
      -> (tensor<8x5x5xf32>, tensor<8x5x20xf32>)
  return %h#0 : tensor<8x5x5xf32>
}

// -----

// Tests that simple_rnn's weight_ih reads the input's features (3), not 4.
func.func @simple_rnn_features(%x: tensor<8x5x3xf32>, %wih: tensor<10x4xf32>, %whh: tensor<10x10xf32>, %b: tensor<10xf32>) -> tensor<8x5x10xf32> {
  // expected-error @+1 {{'nn.simple_rnn' op expects weight_ih [H, 3], weight_hh [H, H] and biases [H] of 'f32', got 'tensor<10x4xf32>', 'tensor<10x10xf32>', 'tensor<10xf32>', 'tensor<10xf32>'}}
  %h = nn.simple_rnn %x, %wih, %whh, %b, %b
      : (tensor<8x5x3xf32>, tensor<10x4xf32>, tensor<10x10xf32>, tensor<10xf32>, tensor<10xf32>) -> tensor<8x5x10xf32>
  return %h : tensor<8x5x10xf32>
}

// -----

// Tests that simple_rnn's weight_hh is a matrix [H, H], not a vector.
func.func @simple_rnn_weight_hh_rank(%x: tensor<8x5x3xf32>, %wih: tensor<10x3xf32>, %whh: tensor<10xf32>, %b: tensor<10xf32>) -> tensor<8x5x10xf32> {
  // expected-error @+1 {{'nn.simple_rnn' op expects weight_ih [H, 3], weight_hh [H, H] and biases [H] of 'f32', got 'tensor<10x3xf32>', 'tensor<10xf32>', 'tensor<10xf32>', 'tensor<10xf32>'}}
  %h = nn.simple_rnn %x, %wih, %whh, %b, %b
      : (tensor<8x5x3xf32>, tensor<10x3xf32>, tensor<10xf32>, tensor<10xf32>, tensor<10xf32>) -> tensor<8x5x10xf32>
  return %h : tensor<8x5x10xf32>
}

// -----

// Tests that simple_rnn's biases have the input's element type.
func.func @simple_rnn_bias_type(%x: tensor<8x5x3xf32>, %wih: tensor<10x3xf32>, %whh: tensor<10x10xf32>, %b: tensor<10xf64>) -> tensor<8x5x10xf32> {
  // expected-error @+1 {{'nn.simple_rnn' op expects weight_ih [H, 3], weight_hh [H, H] and biases [H] of 'f32', got 'tensor<10x3xf32>', 'tensor<10x10xf32>', 'tensor<10xf64>', 'tensor<10xf64>'}}
  %h = nn.simple_rnn %x, %wih, %whh, %b, %b
      : (tensor<8x5x3xf32>, tensor<10x3xf32>, tensor<10x10xf32>, tensor<10xf64>, tensor<10xf64>) -> tensor<8x5x10xf32>
  return %h : tensor<8x5x10xf32>
}

// -----

// Tests that simple_rnn needs static shapes (a dynamic batch is rejected).
func.func @simple_rnn_dynamic(%x: tensor<?x5x3xf32>, %wih: tensor<10x3xf32>, %whh: tensor<10x10xf32>, %b: tensor<10xf32>) -> tensor<?x5x10xf32> {
  // expected-error @+1 {{'nn.simple_rnn' op expects static [batch, steps, features], got 'tensor<?x5x3xf32>'}}
  %h = nn.simple_rnn %x, %wih, %whh, %b, %b
      : (tensor<?x5x3xf32>, tensor<10x3xf32>, tensor<10x10xf32>, tensor<10xf32>, tensor<10xf32>) -> tensor<?x5x10xf32>
  return %h : tensor<?x5x10xf32>
}

// -----

// Tests that last_step needs [batch, steps, features], not [batch, features].
func.func @last_step_rank2(%x: tensor<8x10xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'nn.last_step' op expects static [batch, steps >= 1, features], got 'tensor<8x10xf32>'}}
  %y = nn.last_step %x : tensor<8x10xf32> -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// Tests that last_step takes rank 3 only (not [batch, a, steps, features]).
func.func @last_step_rank4(%x: tensor<2x8x5x10xf32>) -> tensor<2x5x10xf32> {
  // expected-error @+1 {{'nn.last_step' op expects static [batch, steps >= 1, features], got 'tensor<2x8x5x10xf32>'}}
  %y = nn.last_step %x : tensor<2x8x5x10xf32> -> tensor<2x5x10xf32>
  return %y : tensor<2x5x10xf32>
}

// -----

// Tests that last_step drops the steps axis, not the features.
func.func @last_step_result(%x: tensor<8x5x10xf32>) -> tensor<8x5xf32> {
  // expected-error @+1 {{'nn.last_step' op result should be 'tensor<8x10xf32>', got 'tensor<8x5xf32>'}}
  %y = nn.last_step %x : tensor<8x5x10xf32> -> tensor<8x5xf32>
  return %y : tensor<8x5xf32>
}

// -----

// Tests that last_step does not keep the steps axis as size 1.
func.func @last_step_keep_axis(%x: tensor<8x5x10xf32>) -> tensor<8x1x10xf32> {
  // expected-error @+1 {{'nn.last_step' op result should be 'tensor<8x10xf32>', got 'tensor<8x1x10xf32>'}}
  %y = nn.last_step %x : tensor<8x5x10xf32> -> tensor<8x1x10xf32>
  return %y : tensor<8x1x10xf32>
}
