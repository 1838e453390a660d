// RUN: kiln-opt %s -kiln-autodiff -canonicalize -cse | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff=check-step=false | FileCheck %s --check-prefix=OFF

// Tests that check_step is train_step's forward and reverse sweep without
// the update: it takes step and seed (the same dropout masks) but no lr or
// optimizer state, returns the loss and one tensor<1xf32> count per check,
// and lists its checks in the order it computes them. A layer is the ops
// with its NameLoc: fc1's output is the relu (its dense is used only
// inside fc1), fc1 reads nothing from another layer (the model's input is
// checked as "input"), fc2's gradient is the cotangent of fc1's output.
// Parameter gradients are not computed at all.
// CHECK-LABEL: func.func @check_step
// CHECK-SAME: (%[[W1:[^:]+]]: tensor<4x16xf32> {kiln.param = {name = "fc1.weight", trainable = true}},
// CHECK-SAME: %[[B1:[^:]+]]: tensor<4xf32> {kiln.param = {name = "fc1.bias", trainable = true}},
// CHECK-SAME: %[[W2:[^:]+]]: tensor<3x4xf32> {kiln.param = {name = "fc2.weight", trainable = true}},
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x16xf32> {kiln.input = {name = "x"}}, %[[Y:[^:]+]]: tensor<8x3xf32> {kiln.target = {name = "y"}},
// CHECK-SAME: %{{[^:]+}}: i64 {kiln.scalar = "step"}, %{{[^:]+}}: i64 {kiln.scalar = "seed"})
// CHECK-SAME: -> (tensor<f32> {kiln.result = "loss"}, tensor<1xf32> {kiln.check = 0 : i64}, tensor<1xf32> {kiln.check = 1 : i64},
// CHECK-SAME: tensor<1xf32> {kiln.check = 2 : i64}, tensor<1xf32> {kiln.check = 3 : i64}, tensor<1xf32> {kiln.check = 4 : i64}, tensor<1xf32> {kiln.check = 5 : i64})
// CHECK-SAME: attributes {kiln.entry = {batch = 8 : i64, checks = [
// CHECK-SAME: {layer = "input", size = 128 : i64, value = "value"}, {layer = "fc1", size = 32 : i64, value = "output"},
// CHECK-SAME: {layer = "fc2", size = 24 : i64, value = "output"}, {layer = "loss", size = 1 : i64, value = "value"},
// CHECK-SAME: {layer = "loss", size = 24 : i64, value = "gradient"}, {layer = "fc2", size = 32 : i64, value = "gradient"}],
// CHECK-SAME: mode = "train", name = "check_step"}}
// Each value is counted where it is made, so it need not live to the end
// of the step: the input first, then each output after its op, the
// cotangent after its matmul. A count: |v| == inf or NaN (unordered),
// summed over every element.
// CHECK: %[[C0:.+]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[X]] : tensor<8x16xf32>)
// CHECK: math.absf
// CHECK-NEXT: arith.cmpf ueq, %{{.+}}, %{{.+}} : f32
// CHECK-NEXT: arith.select
// CHECK-NEXT: arith.addf
// CHECK: %[[H:.+]] = nn.dense %[[X]], %[[W1]], %[[B1]]
// CHECK-NEXT: %[[R:.+]] = nn.relu %[[H]]
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[R]] : tensor<8x4xf32>)
// CHECK: %[[P:.+]] = nn.dense %[[R]], %[[W2]]
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[P]] : tensor<8x3xf32>)
// CHECK: %[[L:.+]] = nn.mse_loss %[[P]], %[[Y]]
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[L]] : tensor<f32>)
// CHECK-NOT: optim.
// CHECK-NOT: linalg.matmul_transpose_a
// The cotangent of fc1's output, dL/dP W2; no matmul_transpose_a (dW) is left.
// CHECK: %[[DR:.+]] = linalg.matmul ins(%{{.+}}, %[[W2]] : tensor<8x3xf32>, tensor<3x4xf32>)
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[DR]] : tensor<8x4xf32>)
// CHECK-NOT: optim.
// CHECK-NOT: linalg.matmul_transpose_a
// CHECK: %[[E0:.+]] = tensor.expand_shape %[[C0]] [] output_shape [1] : tensor<f32> into tensor<1xf32>
// CHECK: return %[[L]], %[[E0]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} :

// Tests that check-step=false builds no check_step.
// OFF-NOT: check_step

module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<8x16xf32> {kiln.input = {name = "x"}},
                   %w1: tensor<4x16xf32> {kiln.param = {name = "fc1.weight", trainable = true}},
                   %b1: tensor<4xf32> {kiln.param = {name = "fc1.bias", trainable = true}},
                   %w2: tensor<3x4xf32> {kiln.param = {name = "fc2.weight", trainable = true}}) -> tensor<8x3xf32> {
    %h = nn.dense %x, %w1, %b1 : (tensor<8x16xf32>, tensor<4x16xf32>, tensor<4xf32>) -> tensor<8x4xf32> loc("fc1")
    %r = nn.relu %h : tensor<8x4xf32> loc("fc1")
    %y = nn.dense %r, %w2 : (tensor<8x4xf32>, tensor<3x4xf32>) -> tensor<8x3xf32> loc("fc2")
    return %y : tensor<8x3xf32>
  }
  func.func @loss(%p: tensor<8x3xf32>, %t: tensor<8x3xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<8x3xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
