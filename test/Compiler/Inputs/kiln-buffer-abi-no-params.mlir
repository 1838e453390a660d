// A module whose functions take no parameters: kiln-buffer-abi must report it.
module {
  func.func @train_step(%x: tensor<4x3xf32>, %y: tensor<4x3xf32>, %lr: f32, %step: i64) -> (tensor<f32>, tensor<4x3xf32>) {
    %c = arith.constant dense<0.0> : tensor<f32>
    return %c, %x : tensor<f32>, tensor<4x3xf32>
  }
  func.func @forward(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
    return %x : tensor<4x3xf32>
  }
}
