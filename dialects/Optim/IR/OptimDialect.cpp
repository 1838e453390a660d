//===- OptimDialect.cpp - optim dialect registration and verifiers --------===//
#include "dialects/Optim/IR/OptimDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace kiln::optim;

#include "dialects/Optim/IR/OptimDialect.cpp.inc"

void OptimDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Optim/IR/OptimOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "dialects/Optim/IR/OptimOps.cpp.inc"

SmallVector<StringRef> kiln::optim::stateSlots(StringRef optimizer) {
  if (optimizer == "momentum")
    return {"momentum_buffer"};
  if (optimizer == "adam" || optimizer == "adamw")
    return {"exp_avg", "exp_avg_sq"};
  return {};
}

/// The learning rate must have the parameter's element type.
static LogicalResult verifyLr(Operation *op, Value param, Value lr) {
  Type elem = cast<ShapedType>(param.getType()).getElementType();
  if (lr.getType() != elem)
    return op->emitOpError("learning rate type ")
           << lr.getType() << " differs from the parameter element type "
           << elem;
  return success();
}

static LogicalResult verifyRate(Operation *op, StringRef name, double v,
                                bool allowOne) {
  if (v < 0.0 || v > 1.0 || (!allowOne && v == 1.0))
    return op->emitOpError() << name << " must be in [0, 1"
                             << (allowOne ? "]" : ")") << ", got " << v;
  return success();
}

LogicalResult SGDOp::verify() {
  if (getWeightDecay().convertToDouble() < 0)
    return emitOpError("weight_decay must be non-negative");
  return verifyLr(*this, getParam(), getLr());
}

LogicalResult MomentumOp::verify() {
  if (failed(verifyRate(*this, "momentum", getMomentum().convertToDouble(),
                        true)))
    return failure();
  if (getWeightDecay().convertToDouble() < 0)
    return emitOpError("weight_decay must be non-negative");
  return verifyLr(*this, getParam(), getLr());
}

LogicalResult AdamOp::verify() {
  if (failed(verifyRate(*this, "beta1", getBeta1().convertToDouble(), false)) ||
      failed(verifyRate(*this, "beta2", getBeta2().convertToDouble(), false)))
    return failure();
  if (getEps().convertToDouble() <= 0)
    return emitOpError("eps must be positive");
  if (getWeightDecay().convertToDouble() < 0)
    return emitOpError("weight_decay must be non-negative");
  return verifyLr(*this, getParam(), getLr());
}
