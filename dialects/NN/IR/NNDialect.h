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

#endif // KILN_DIALECTS_NN_IR_NNDIALECT_H
