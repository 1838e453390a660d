//===- KernelDialect.cpp - kernel dialect registration and verifiers ------===//
#include "dialects/Kernel/IR/KernelDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace kiln::kernel;

#include "dialects/Kernel/IR/KernelDialect.cpp.inc"

void KernelDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Kernel/IR/KernelOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "dialects/Kernel/IR/KernelOps.cpp.inc"

LogicalResult GroupOp::verify() {
  for (int64_t s : getTileSizes())
    if (s < 0)
      return emitOpError("tile sizes must be non-negative, got ") << s;
  for (int64_t s : getReduceSizes())
    if (s < 0)
      return emitOpError("reduce sizes must be non-negative, got ") << s;
  auto yield = cast<YieldOp>(getBody().front().getTerminator());
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError("yields ")
           << yield.getValues().size() << " values whose types differ from the "
           << getNumResults() << " results";
  return success();
}
