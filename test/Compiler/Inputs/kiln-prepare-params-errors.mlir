// Tests that a module with a function named prepare is an error: the entry
// point would clash with it.
// expected-error @+1 {{kiln-prepare-params: the module already has a function 'prepare'}}
module {
  func.func @prepare(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
