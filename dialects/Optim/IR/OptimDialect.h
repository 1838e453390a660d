//===- OptimDialect.h - The optim dialect ----------------------------------===//
#ifndef KILN_DIALECTS_OPTIM_IR_OPTIMDIALECT_H
#define KILN_DIALECTS_OPTIM_IR_OPTIMDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/Optim/IR/OptimDialect.h.inc"

#define GET_OP_CLASSES
#include "dialects/Optim/IR/OptimOps.h.inc"

namespace kiln::optim {
/// The per-parameter state an optimizer (the kiln.optimizer dictionary:
/// type and settings) keeps, in the order its op takes it, named as
/// PyTorch's state_dict names it: sgd none, momentum {momentum_buffer},
/// adam/adamw {exp_avg, exp_avg_sq}, adagrad {sum}, rmsprop {square_avg,
/// momentum_buffer if momentum > 0, grad_avg if centered}.
llvm::SmallVector<llvm::StringRef> stateSlots(mlir::DictionaryAttr optimizer);
/// The value a state slot starts at (adagrad's initial_accumulator_value).
double stateInit(mlir::DictionaryAttr optimizer, llvm::StringRef slot);
} // namespace kiln::optim

#endif // KILN_DIALECTS_OPTIM_IR_OPTIMDIALECT_H
