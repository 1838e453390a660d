//===- ModeDependentOpInterface.td - Ops that differ in train and eval ---===//
#ifndef KILN_MODE_DEPENDENT_OP_INTERFACE
#define KILN_MODE_DEPENDENT_OP_INTERFACE

include "mlir/IR/OpBase.td"

def ModeDependentOpInterface : OpInterface<"ModeDependentOpInterface"> {
  let cppNamespace = "::kiln::nn";
  let description = [{
    An op that computes differently in training and in evaluation (dropout;
    later batch norm). In `@model` its mode is not decided yet; the entry
    point builder calls `setMode` on each clone, giving the entry's mode and,
    in training, the step's `seed` and `step` (i64 values) for counter-based
    randomness. Eval-mode ops must need neither.
  }];
  let methods = [
    InterfaceMethod<
      "Specializes the op for `mode` (\"train\" or \"eval\").",
      "::mlir::LogicalResult", "setMode",
      (ins "::llvm::StringRef":$mode, "::mlir::Value":$seed,
           "::mlir::Value":$step)>
  ];
}

#endif // KILN_MODE_DEPENDENT_OP_INTERFACE
