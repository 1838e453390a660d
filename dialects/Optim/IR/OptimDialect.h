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

#endif // KILN_DIALECTS_OPTIM_IR_OPTIMDIALECT_H
