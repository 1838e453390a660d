//===- DifferentiableOpInterface.td - Reverse-mode rule of an op ----------===//
#ifndef KILN_DIFFERENTIABLE_OP_INTERFACE
#define KILN_DIFFERENTIABLE_OP_INTERFACE

include "mlir/IR/OpBase.td"

def DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::kiln::nn";
  let description = [{
    An op that autodiff can differentiate. `buildVJP` emits, at the builder's
    insertion point, the vector-Jacobian product: given the cotangent of each
    result, the cotangent of each operand. It may use the op's operands and
    results (the forward values stay live). Operands that carry no gradient
    (integer labels) get a null Value.
  }];
  let methods = [
    InterfaceMethod<
      "Returns one cotangent per operand (null where none flows).",
      "::llvm::SmallVector<::mlir::Value>", "buildVJP",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::ValueRange":$resultGrads)>
  ];
}

#endif // KILN_DIFFERENTIABLE_OP_INTERFACE
