// Error cases of nn-to-linalg, checked with -verify-diagnostics by ../nn-to-linalg.mlir.

// Tests that a softmax over a rank-3 tensor is reported, not miscompiled.
func.func @softmax_rank3(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{'nn.softmax' op nn-to-linalg: softmax supports [batch, features] only}}
  %p = nn.softmax %x : tensor<2x3x4xf32>
  return %p : tensor<2x3x4xf32>
}
