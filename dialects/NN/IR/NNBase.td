//===- NNBase.td - The nn dialect: neural-network layers on tensors -------===//
#ifndef KILN_NN_BASE
#define KILN_NN_BASE

include "mlir/IR/OpBase.td"

def NN_Dialect : Dialect {
  let name = "nn";
  let cppNamespace = "::kiln::nn";
  let summary = "Neural-network layers as ops on ranked tensors";
  let description = [{
    The `nn` dialect is Kiln's model-level IR. Each layer is one op with value
    semantics on ranked tensors, a shape verifier and a vector-Jacobian product
    (`DifferentiableOpInterface`), so autodiff works op by op. Ops lower to
    linalg/arith/math in `nn-to-linalg`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

class NN_Op<string mnemonic, list<Trait> traits = []>
    : Op<NN_Dialect, mnemonic, traits>;

#endif // KILN_NN_BASE
