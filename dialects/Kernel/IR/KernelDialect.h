//===- KernelDialect.h - The kernel dialect --------------------------------===//
#ifndef KILN_DIALECTS_KERNEL_IR_KERNELDIALECT_H
#define KILN_DIALECTS_KERNEL_IR_KERNELDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/Kernel/IR/KernelDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Kernel/IR/KernelAttrDefs.h.inc"

#define GET_OP_CLASSES
#include "dialects/Kernel/IR/KernelOps.h.inc"
#include "dialects/Kernel/IR/KernelAttrs.h"

#endif // KILN_DIALECTS_KERNEL_IR_KERNELDIALECT_H
