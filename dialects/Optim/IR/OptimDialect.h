//===- OptimDialect.h - The optim dialect ----------------------------------===//
#ifndef KILN_DIALECTS_OPTIM_IR_OPTIMDIALECT_H
#define KILN_DIALECTS_OPTIM_IR_OPTIMDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/Optim/IR/OptimDialect.h.inc"

#define GET_OP_CLASSES
#include "dialects/Optim/IR/OptimOps.h.inc"

namespace kiln::optim {
/// The per-parameter state an optimizer keeps, in the order its op takes it,
/// named as PyTorch's state_dict names it: sgd none, momentum
/// {momentum_buffer}, adam/adamw {exp_avg, exp_avg_sq}.
llvm::SmallVector<llvm::StringRef> stateSlots(llvm::StringRef optimizer);
} // namespace kiln::optim

#endif // KILN_DIALECTS_OPTIM_IR_OPTIMDIALECT_H
