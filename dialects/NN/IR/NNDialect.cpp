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
  if (x.getRank() < 2 || w.getRank() != 2 || y.getRank() != x.getRank())
    return emitOpError("expects input [batch, ..., in], weight [out, in] and a "
                       "result of the input's rank, got ")
           << x << ", " << w << ", " << y;
  if (x.getElementType() != w.getElementType() ||
      x.getElementType() != y.getElementType())
    return emitOpError("expects one element type, got ")
           << x << ", " << w << ", " << y;
  int64_t last = x.getRank() - 1;
  if (x.getDimSize(last) != w.getDimSize(1))
    return emitOpError("input features ")
           << x.getDimSize(last) << " do not match weight [out, in] = "
           << shapeStr(w);
  if (y.getShape().drop_back() != x.getShape().drop_back() ||
      y.getDimSize(last) != w.getDimSize(0))
    return emitOpError("result ") << y << " should be the input's shape with "
                                  << w.getDimSize(0) << " last";
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

#define KILN_SCALAR_RESULT(Op)                                                 \
  LogicalResult Op::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location>, ValueRange operands,             \
      DictionaryAttr, OpaqueProperties, RegionRange,                           \
      SmallVectorImpl<Type> &inferred) {                                       \
    return inferScalar(operands, inferred);                                    \
  }
KILN_SCALAR_RESULT(MSELossOp)
KILN_SCALAR_RESULT(MAELossOp)
KILN_SCALAR_RESULT(HuberLossOp)
KILN_SCALAR_RESULT(BinaryCrossEntropyOp)
KILN_SCALAR_RESULT(SoftmaxCrossEntropyOp)
KILN_SCALAR_RESULT(KLDivergenceOp)
KILN_SCALAR_RESULT(WeightPenaltyOp)
#undef KILN_SCALAR_RESULT

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getInput().getType().getRank();
  if (rank < 2)
    return emitOpError("expects [batch, ..., features], got ")
           << getInput().getType();
  if (getNormalizedAxis() < 1 || getNormalizedAxis() >= rank)
    return emitOpError("axis must be in [1, ") << rank << ") or negative from the last, got "
                                               << getAxis();
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

/// A loss's result has the element type of what it measures.
static LogicalResult verifyScalarOf(Operation *op, Value measured,
                                    StringRef what) {
  if (cast<ShapedType>(op->getResult(0).getType()).getElementType() !=
      cast<ShapedType>(measured.getType()).getElementType())
    return op->emitOpError("result element type differs from the ") << what;
  return success();
}

LogicalResult MSELossOp::verify() {
  return verifyScalarOf(*this, getPrediction(), "prediction's");
}

LogicalResult MAELossOp::verify() {
  return verifyScalarOf(*this, getPrediction(), "prediction's");
}

LogicalResult HuberLossOp::verify() {
  if (!(getDelta().convertToDouble() > 0))
    return emitOpError("delta must be positive, got ")
           << getDelta().convertToDouble();
  return verifyScalarOf(*this, getPrediction(), "prediction's");
}

LogicalResult BinaryCrossEntropyOp::verify() {
  return verifyScalarOf(*this, getPrediction(), "logits'");
}

LogicalResult SoftmaxCrossEntropyOp::verify() {
  auto logits = getLogits().getType();
  auto labels = getLabels().getType();
  if (!logits.hasStaticShape() || !labels.hasStaticShape())
    return emitOpError("expects static shapes, got ") << logits << " and " << labels;
  if (logits.getRank() < 2)
    return emitOpError("expects logits [batch, ..., classes], got ") << logits;
  if (hasSoftTargets()) {
    if (labels != logits)
      return emitOpError("expects probability targets of the logits' type ")
             << logits << ", got " << labels;
  } else if (labels.getShape() != logits.getShape().drop_back()) {
    return emitOpError("expects labels of the logits' shape without the "
                       "classes, got ")
           << labels << " for " << logits;
  }
  double s = getLabelSmoothing().convertToDouble();
  if (!(s >= 0.0 && s <= 1.0))
    return emitOpError("label_smoothing must be in [0, 1], got ") << s;
  return verifyScalarOf(*this, getLogits(), "logits'");
}

LogicalResult KLDivergenceOp::verify() {
  if (getLogits().getType().getRank() != 2)
    return emitOpError("expects logits [batch, classes], got ")
           << getLogits().getType();
  return verifyScalarOf(*this, getLogits(), "logits'");
}

LogicalResult WeightPenaltyOp::verify() {
  double l1 = getL1().convertToDouble(), l2 = getL2().convertToDouble();
  if (!(l1 >= 0.0 && l2 >= 0.0))
    return emitOpError("l1 and l2 must be non-negative, got ") << l1 << " and "
                                                               << l2;
  return verifyScalarOf(*this, getWeight(), "weight's");
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
  return setTrainingMode(*this, mode, seed, step);
}

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

kiln::Window2D Conv2DOp::getGeometry() {
  auto w = getWeight().getType().getShape();
  auto s = getStrides(), d = getDilation(), p = getPadding();
  return {w[2], w[3], s[0], s[1], d[0], d[1], p[0], p[1], p[2], p[3]};
}

/// Checks the sizes of a window's attributes; `what` names the window.
static LogicalResult verifyWindow(Operation *op, ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> padding,
                                  ArrayRef<int64_t> dilation) {
  // Bounded so the output-size arithmetic cannot overflow.
  constexpr int64_t kMax = int64_t{1} << 31;
  auto in = [&](ArrayRef<int64_t> v, int64_t lo) {
    return llvm::all_of(v, [&](int64_t x) { return x >= lo && x < kMax; });
  };
  if (strides.size() != 2 || !in(strides, 1))
    return op->emitOpError("expects 2 strides in [1, 2^31), got [")
           << strides << "]";
  if (padding.size() != 4 || !in(padding, 0))
    return op->emitOpError("expects padding [top, left, bottom, right] in "
                           "[0, 2^31), got [")
           << padding << "]";
  if (dilation.size() != 2 || !in(dilation, 1))
    return op->emitOpError("expects 2 dilations in [1, 2^31), got [")
           << dilation << "]";
  return success();
}

/// [N, C, H, W] -> [N, F, OH, OW] for a window on `x` with `channels` out,
/// or failure when a size is not positive.
static FailureOr<RankedTensorType> windowResult(RankedTensorType x,
                                                int64_t channels,
                                                const kiln::Window2D &w) {
  if (x.getRank() != 4 || !x.hasStaticShape())
    return failure();
  int64_t oh = w.outH(x.getDimSize(2)), ow = w.outW(x.getDimSize(3));
  if (oh < 1 || ow < 1)
    return failure();
  return RankedTensorType::get({x.getDimSize(0), channels, oh, ow},
                               x.getElementType());
}

LogicalResult Conv2DOp::verify() {
  auto x = getInput().getType(), w = getWeight().getType();
  if (!x.hasStaticShape() || !w.hasStaticShape() ||
      !getResult().getType().hasStaticShape())
    return emitOpError("expects static shapes, got ") << x << ", " << w;
  if (x.getRank() != 4 || w.getRank() != 4)
    return emitOpError("expects input [batch, channels, height, width] and "
                       "weight [filters, channels / groups, kh, kw], got ")
           << x << " and " << w;
  if (failed(verifyWindow(*this, getStrides(), getPadding(), getDilation())))
    return failure();
  int64_t g = getGroups(), c = x.getDimSize(1), f = w.getDimSize(0);
  if (g < 1 || c % g != 0 || f % g != 0)
    return emitOpError("groups (") << g << ") must divide the input channels ("
                                   << c << ") and the filters (" << f << ")";
  if (w.getDimSize(1) * g != c)
    return emitOpError("weight ") << w << " should have " << c / g
                                  << " channels per group (input has " << c
                                  << " in " << g << " groups)";
  if (x.getElementType() != w.getElementType())
    return emitOpError("expects one element type, got ") << x << " and " << w;
  kiln::Window2D win = getGeometry();
  auto expected = windowResult(x, f, win);
  if (failed(expected))
    return emitOpError("the ") << win.kh << "x" << win.kw << " kernel (dilation "
                               << win.dh << "x" << win.dw << ") does not fit the "
                               << x.getDimSize(2) << "x" << x.getDimSize(3)
                               << " input with padding";
  if (getResult().getType() != *expected)
    return emitOpError("result ") << getResult().getType() << " should be "
                                  << *expected;
  if (auto b = getBias()) {
    auto bt = cast<RankedTensorType>(b.getType());
    if (bt.getRank() != 1 || bt.getDimSize(0) != f ||
        bt.getElementType() != x.getElementType())
      return emitOpError("bias ") << bt << " should be [" << f << "] of "
                                  << x.getElementType();
  }
  return success();
}

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location>,
                                         ValueRange operands,
                                         DictionaryAttr attrs,
                                         OpaqueProperties props, RegionRange regions,
                                         SmallVectorImpl<Type> &inferred) {
  Conv2DOp::Adaptor a(operands, attrs, props, regions);
  auto x = dyn_cast<RankedTensorType>(a.getInput().getType());
  auto w = dyn_cast<RankedTensorType>(a.getWeight().getType());
  auto s = a.getStrides(), d = a.getDilation(), p = a.getPadding();
  if (!x || !w || w.getRank() != 4 || s.size() != 2 || d.size() != 2 ||
      p.size() != 4)
    return failure();
  kiln::Window2D win{w.getDimSize(2), w.getDimSize(3), s[0], s[1], d[0], d[1],
                     p[0], p[1], p[2], p[3]};
  auto t = windowResult(x, w.getDimSize(0), win);
  if (failed(t))
    return failure();
  inferred.push_back(*t);
  return success();
}

template <typename PoolOp>
static LogicalResult verifyPool(PoolOp op) {
  auto x = op.getInput().getType();
  if (!x.hasStaticShape() || !op.getResult().getType().hasStaticShape())
    return op.emitOpError("expects static shapes, got ") << x;
  if (x.getRank() != 4)
    return op.emitOpError("expects [batch, channels, height, width], got ") << x;
  if (op.getWindow().size() != 2 ||
      llvm::any_of(op.getWindow(), [](int64_t k) { return k < 1; }))
    return op.emitOpError("expects a window of 2 sizes >= 1");
  if (failed(verifyWindow(op, op.getStrides(), op.getPadding(), {1, 1})))
    return failure();
  kiln::Window2D win = op.getGeometry();
  if (win.top >= win.kh || win.bottom >= win.kh || win.left >= win.kw ||
      win.right >= win.kw)
    return op.emitOpError("padding must be smaller than the window (")
           << win.kh << "x" << win.kw << ")";
  auto expected = windowResult(x, x.getDimSize(1), win);
  if (failed(expected))
    return op.emitOpError("the ") << win.kh << "x" << win.kw
                                  << " window does not fit the "
                                  << x.getDimSize(2) << "x" << x.getDimSize(3)
                                  << " input with padding";
  if (op.getResult().getType() != *expected)
    return op.emitOpError("result ") << op.getResult().getType()
                                     << " should be " << *expected;
  return success();
}

template <typename PoolOp>
static LogicalResult inferPool(ValueRange operands, DictionaryAttr attrs,
                               OpaqueProperties props, RegionRange regions,
                               SmallVectorImpl<Type> &inferred) {
  typename PoolOp::Adaptor a(operands, attrs, props, regions);
  auto x = dyn_cast<RankedTensorType>(a.getInput().getType());
  auto k = a.getWindow(), s = a.getStrides(), p = a.getPadding();
  if (!x || x.getRank() != 4 || k.size() != 2 || s.size() != 2 || p.size() != 4)
    return failure();
  kiln::Window2D win{k[0], k[1], s[0], s[1], 1, 1, p[0], p[1], p[2], p[3]};
  auto t = windowResult(x, x.getDimSize(1), win);
  if (failed(t))
    return failure();
  inferred.push_back(*t);
  return success();
}

LogicalResult MaxPool2DOp::verify() { return verifyPool(*this); }
LogicalResult AvgPool2DOp::verify() { return verifyPool(*this); }

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                            ValueRange operands, DictionaryAttr attrs,
                                            OpaqueProperties props, RegionRange regions,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPool<MaxPool2DOp>(operands, attrs, props, regions, inferred);
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                            ValueRange operands, DictionaryAttr attrs,
                                            OpaqueProperties props, RegionRange regions,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPool<AvgPool2DOp>(operands, attrs, props, regions, inferred);
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::verify() {
  auto x = getInput().getType();
  if (!x.hasStaticShape() || (x.getRank() != 2 && x.getRank() != 4))
    return emitOpError("expects a static [batch, features] or [batch, channels, "
                       "height, width] input, got ")
           << x;
  int64_t c = x.getDimSize(1);
  auto vec = RankedTensorType::get({c}, x.getElementType());
  for (auto [name, v] : {std::pair<const char *, Value>{"running_mean", getRunningMean()},
                         {"running_var", getRunningVar()},
                         {"weight", getWeight()},
                         {"bias", getBias()}})
    if (v && v.getType() != vec)
      return emitOpError(name) << " " << v.getType() << " should be " << vec;
  if ((bool)getWeight() != (bool)getBias())
    return emitOpError("takes both weight and bias, or neither");
  double m = getMomentum().convertToDouble(), eps = getEpsilon().convertToDouble();
  if (!(m >= 0.0 && m <= 1.0))
    return emitOpError("momentum must be in [0, 1], got ") << m;
  if (!(eps > 0.0))
    return emitOpError("epsilon must be positive, got ") << eps;
  if (getTraining() && x.getNumElements() / c < 2)
    return emitOpError("in training mode needs more than one value per channel "
                       "(the unbiased variance), got ")
           << x;
  return success();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                            ValueRange operands, DictionaryAttr,
                                            OpaqueProperties, RegionRange,
                                            SmallVectorImpl<Type> &inferred) {
  if (operands.size() < 3)
    return failure();
  inferred.push_back(operands[0].getType());
  inferred.push_back(operands[1].getType());
  inferred.push_back(operands[2].getType());
  return success();
}

LogicalResult BatchNormOp::setMode(StringRef mode, Value, Value) {
  if (mode == "train")
    setTraining(true);
  return success();
}

LogicalResult CountOp::setMode(StringRef mode, Value, Value) {
  if (mode == "train")
    setTraining(true);
  return success();
}

OpFoldResult CountOp::fold(FoldAdaptor) {
  return getTraining() ? OpFoldResult() : OpFoldResult(getInput());
}

LogicalResult LocalResponseNormOp::verify() {
  auto x = getInput().getType();
  if (!x.hasStaticShape() || x.getRank() != 4)
    return emitOpError("expects a static [batch, channels, height, width] input, got ")
           << x;
  if (getSize() < 1)
    return emitOpError("size must be positive, got ") << getSize();
  if (!(getK().convertToDouble() > 0.0) || !(getAlpha().convertToDouble() >= 0.0))
    return emitOpError("needs k > 0 and alpha >= 0 (a positive denominator), got k = ")
           << getK().convertToDouble() << ", alpha = " << getAlpha().convertToDouble();
  return success();
}
