//===- OptimDialect.cpp - optim dialect registration and verifiers --------===//
#include "dialects/Optim/IR/OptimDialect.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"
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

LogicalResult AllReduceOp::verify() {
  if (getValues().empty())
    return emitOpError("expects at least one value");
  bool tensors = isa<TensorType>(getValues()[0].getType());
  for (Value v : getValues())
    if (isa<TensorType>(v.getType()) != tensors)
      return emitOpError("expects values that are all tensors or all memrefs");
  if (tensors ? getResults().getTypes() != getValues().getTypes()
              : !getResults().empty())
    return emitOpError(tensors ? "expects one result of each value's type"
                               : "on memrefs has no results");
  // The runtime's callback averages floats.
  for (Value v : getValues())
    if (!getElementTypeOrSelf(v.getType()).isF32())
      return emitOpError("expects f32 values, got ") << v.getType();
  return success();
}

// Bufferized in place: each value's buffer is read, averaged and written
// back, and is its result's buffer.
bool AllReduceOp::bufferizesToMemoryRead(OpOperand &, const bufferization::AnalysisState &) {
  return true;
}

bool AllReduceOp::bufferizesToMemoryWrite(OpOperand &operand,
                                          const bufferization::AnalysisState &) {
  return operand.getOperandNumber() > 0;
}

bufferization::AliasingValueList
AllReduceOp::getAliasingValues(OpOperand &operand, const bufferization::AnalysisState &) {
  if (operand.getOperandNumber() == 0)
    return {};
  return {{(*this)->getResult(operand.getOperandNumber() - 1),
           bufferization::BufferRelation::Equivalent}};
}

LogicalResult AllReduceOp::bufferize(RewriterBase &rewriter,
                                     const bufferization::BufferizationOptions &options) {
  SmallVector<Value> buffers;
  for (Value v : getValues()) {
    FailureOr<Value> buffer = bufferization::getBuffer(rewriter, v, options);
    if (failed(buffer))
      return failure();
    buffers.push_back(*buffer);
  }
  rewriter.create<AllReduceOp>(getLoc(), TypeRange(), getCtx(), buffers);
  bufferization::replaceOpWithBufferizedValues(rewriter, *this, buffers);
  return success();
}

SmallVector<StringRef> kiln::optim::stateSlots(DictionaryAttr optimizer) {
  StringRef type = optimizer.getAs<StringAttr>("type").getValue();
  auto number = [&](StringRef key) {
    auto f = optimizer.getAs<FloatAttr>(key);
    return f ? f.getValueAsDouble() : 0.0;
  };
  if (type == "momentum")
    return {"momentum_buffer"};
  if (type == "adam" || type == "adamw")
    return {"exp_avg", "exp_avg_sq"};
  if (type == "adagrad")
    return {"sum"};
  if (type == "rmsprop") {
    SmallVector<StringRef> slots{"square_avg"};
    if (number("momentum") > 0)
      slots.push_back("momentum_buffer");
    // A flag given as `true` or as a unit attribute, as kiln-autodiff reads it.
    Attribute centered = optimizer.get("centered");
    auto flag = dyn_cast_or_null<BoolAttr>(centered);
    if ((flag && flag.getValue()) || isa_and_nonnull<UnitAttr>(centered))
      slots.push_back("grad_avg");
    return slots;
  }
  return {};
}

double kiln::optim::stateInit(DictionaryAttr optimizer, StringRef slot) {
  auto v = optimizer.getAs<FloatAttr>("initial_accumulator_value");
  return slot == "sum" && v ? v.getValueAsDouble() : 0.0;
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

LogicalResult AdagradOp::verify() {
  if (getLrDecay().convertToDouble() < 0)
    return emitOpError("lr_decay must be non-negative");
  if (getEps().convertToDouble() <= 0)
    return emitOpError("eps must be positive");
  if (getWeightDecay().convertToDouble() < 0)
    return emitOpError("weight_decay must be non-negative");
  return verifyLr(*this, getParam(), getLr());
}

LogicalResult RMSpropOp::verify() {
  Type t = getParam().getType();
  for (Value v : {getGrad(), getSquareAvg(), getMomentumBuffer(), getGradAvg()})
    if (v && v.getType() != t)
      return emitOpError("expects the gradient and state of the parameter's "
                         "type ")
             << t << ", got " << v.getType();
  for (Type r : getResultTypes())
    if (r != t)
      return emitOpError("expects results of the parameter's type ")
             << t << ", got " << r;
  if (failed(verifyRate(*this, "alpha", getAlpha().convertToDouble(), true)) ||
      failed(verifyRate(*this, "momentum", getMomentum().convertToDouble(), true)))
    return failure();
  bool momentum = getMomentum().convertToDouble() > 0;
  if (momentum != bool(getMomentumBuffer()) ||
      momentum != bool(getNewMomentumBuffer()))
    return emitOpError("takes and returns a momentum_buffer exactly when "
                       "momentum > 0");
  if (getCentered() != bool(getGradAvg()) ||
      getCentered() != bool(getNewGradAvg()))
    return emitOpError("takes and returns a grad_avg exactly when centered");
  if (getEps().convertToDouble() <= 0)
    return emitOpError("eps must be positive");
  if (getWeightDecay().convertToDouble() < 0)
    return emitOpError("weight_decay must be non-negative");
  return verifyLr(*this, getParam(), getLr());
}

LogicalResult ClipByGlobalNormOp::verify() {
  if (getGrads().getTypes() != getClipped().getTypes())
    return emitOpError("expects one result of each gradient's type");
  if (getGrads().empty())
    return emitOpError("expects at least one gradient");
  Type elem = cast<ShapedType>(getGrads()[0].getType()).getElementType();
  for (Value g : getGrads())
    if (cast<ShapedType>(g.getType()).getElementType() != elem)
      return emitOpError("expects gradients of one element type");
  if (!(getMaxNorm().convertToDouble() > 0))
    return emitOpError("max_norm must be positive, got ")
           << getMaxNorm().convertToDouble();
  return success();
}
