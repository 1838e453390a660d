//===- NNDialect.cpp - nn dialect registration and verifiers ---------------===//
#include "dialects/NN/IR/NNDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace kiln::nn;

#include "dialects/NN/IR/NNDialect.cpp.inc"
#include "dialects/NN/IR/DifferentiableOpInterface.cpp.inc"
#include "dialects/NN/IR/ModeDependentOpInterface.cpp.inc"

void NNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/NN/IR/NNOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "dialects/NN/IR/NNOps.cpp.inc"

static std::string shapeStr(ShapedType t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

LogicalResult DenseOp::verify() {
  auto x = getInput().getType(), w = getWeight().getType();
  auto y = getResult().getType();
  if (!x.hasStaticShape() || !w.hasStaticShape() || !y.hasStaticShape())
    return emitOpError("expects static shapes, got ")
           << x << ", " << w << ", " << y;
  if (x.getRank() != 2 || w.getRank() != 2 || y.getRank() != 2)
    return emitOpError("expects rank-2 input, weight and result, got ")
           << x << ", " << w << ", " << y;
  if (x.getElementType() != w.getElementType() ||
      x.getElementType() != y.getElementType())
    return emitOpError("expects one element type, got ")
           << x << ", " << w << ", " << y;
  if (x.getDimSize(1) != w.getDimSize(1))
    return emitOpError("input features ")
           << x.getDimSize(1) << " do not match weight [out, in] = "
           << shapeStr(w);
  if (y.getDimSize(0) != x.getDimSize(0) || y.getDimSize(1) != w.getDimSize(0))
    return emitOpError("result ") << y << " should be [" << x.getDimSize(0)
                                  << ", " << w.getDimSize(0) << "]";
  if (auto b = getBias()) {
    auto bt = cast<RankedTensorType>(b.getType());
    if (bt.getRank() != 1 || bt.getDimSize(0) != w.getDimSize(0) ||
        bt.getElementType() != x.getElementType())
      return emitOpError("bias ") << bt << " should be [" << w.getDimSize(0)
                                  << "] of " << x.getElementType();
  }
  return success();
}

/// [batch, in] x [out, in] -> [batch, out]; the verifier explains misfits.
LogicalResult DenseOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                        ValueRange operands, DictionaryAttr,
                                        OpaqueProperties, RegionRange,
                                        SmallVectorImpl<Type> &inferred) {
  auto x = dyn_cast<RankedTensorType>(operands[0].getType());
  auto w = dyn_cast<RankedTensorType>(operands[1].getType());
  if (!x || !w || x.getRank() < 1 || w.getRank() != 2)
    return failure();
  SmallVector<int64_t> shape(x.getShape().drop_back());
  shape.push_back(w.getDimSize(0));
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

/// Losses are scalars of the prediction's element type.
static LogicalResult inferScalar(ValueRange operands,
                                 SmallVectorImpl<Type> &inferred) {
  auto t = dyn_cast<RankedTensorType>(operands[0].getType());
  if (!t)
    return failure();
  inferred.push_back(RankedTensorType::get({}, t.getElementType()));
  return success();
}

LogicalResult MSELossOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                          ValueRange operands, DictionaryAttr,
                                          OpaqueProperties, RegionRange,
                                          SmallVectorImpl<Type> &inferred) {
  return inferScalar(operands, inferred);
}

LogicalResult SoftmaxCrossEntropyOp::inferReturnTypes(
    MLIRContext *, std::optional<Location>, ValueRange operands, DictionaryAttr,
    OpaqueProperties, RegionRange, SmallVectorImpl<Type> &inferred) {
  return inferScalar(operands, inferred);
}

LogicalResult SoftmaxOp::verify() {
  if (getInput().getType().getRank() != 2)
    return emitOpError("expects [batch, features], got ")
           << getInput().getType();
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType(), out = getResult().getType();
  if (!in.hasStaticShape() || !out.hasStaticShape())
    return emitOpError("expects static shapes");
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << in.getNumElements() << " elements into " << out;
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type");
  return success();
}

/// reshape(x) to x's own type is x; reshape(reshape(x)) reads x directly.
OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

LogicalResult MSELossOp::verify() {
  if (getResult().getType().getElementType() !=
      getPrediction().getType().getElementType())
    return emitOpError("result element type differs from the prediction's");
  return success();
}

LogicalResult SoftmaxCrossEntropyOp::verify() {
  auto logits = getLogits().getType();
  auto labels = getLabels().getType();
  if (logits.getRank() != 2)
    return emitOpError("expects logits [batch, classes], got ") << logits;
  if (labels.getRank() != 1 || labels.getDimSize(0) != logits.getDimSize(0))
    return emitOpError("expects labels [") << logits.getDimSize(0)
                                           << "], got " << labels;
  if (getResult().getType().getElementType() != logits.getElementType())
    return emitOpError("result element type differs from the logits'");
  return success();
}

LogicalResult DropoutOp::verify() {
  double rate = getRate().convertToDouble();
  if (!(rate >= 0.0 && rate < 1.0))
    return emitOpError("rate must be in [0, 1), got ") << rate;
  bool counters = getSeed() && getStep();
  if (getTraining() != counters || (bool)getSeed() != (bool)getStep())
    return emitOpError("in training mode takes `seed` and `step` (and only "
                       "then); got training = ")
           << getTraining() << " with " << (getSeed() ? "a" : "no")
           << " seed and " << (getStep() ? "a" : "no") << " step";
  return success();
}

/// Outside training mode (and at rate 0) dropout is the identity.
OpFoldResult DropoutOp::fold(FoldAdaptor) {
  if (!getTraining() || getRate().isZero())
    return getInput();
  return {};
}

LogicalResult DropoutOp::setMode(StringRef mode, Value seed, Value step) {
  if (mode != "train")
    return success();
  if (!seed || !step)
    return emitOpError("training mode needs the step's seed and step");
  getSeedMutable().assign(seed);
  getStepMutable().assign(step);
  setTraining(true);
  return success();
}
