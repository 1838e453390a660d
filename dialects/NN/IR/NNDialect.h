//===- NNDialect.h - The nn dialect ----------------------------------------===//
#ifndef KILN_DIALECTS_NN_IR_NNDIALECT_H
#define KILN_DIALECTS_NN_IR_NNDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/NN/IR/AttentionBuilders.h"
#include "dialects/NN/IR/ConvBuilders.h"

#include "dialects/NN/IR/NNDialect.h.inc"
#include "dialects/NN/IR/DifferentiableOpInterface.h.inc"
#include "dialects/NN/IR/ModeDependentOpInterface.h.inc"

#define GET_OP_CLASSES
#include "dialects/NN/IR/NNOps.h.inc"

namespace kiln::nn {
/// ModeDependentOpInterface::setMode of an op with optional `seed` and
/// `step` operands and a `training` flag (dropout, attention): in "train"
/// mode it takes the step's counters; otherwise it stays as it is.
template <typename Op>
mlir::LogicalResult setTrainingMode(Op op, llvm::StringRef mode, mlir::Value seed,
                                    mlir::Value step) {
  if (mode != "train")
    return mlir::success();
  if (!seed || !step)
    return op.emitOpError("training mode needs the step's seed and step");
  op.getSeedMutable().assign(seed);
  op.getStepMutable().assign(step);
  op.setTraining(true);
  return mlir::success();
}
} // namespace kiln::nn

#endif // KILN_DIALECTS_NN_IR_NNDIALECT_H
