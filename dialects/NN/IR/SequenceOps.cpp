//===- SequenceOps.cpp - Verifiers, types and VJPs of sequence/graph ops --===//
#include "dialects/NN/IR/AttentionBuilders.h"
#include "dialects/NN/IR/LinalgBuilders.h"
#include "dialects/NN/IR/NNDialect.h"
#include "dialects/NN/IR/RecurrentBuilders.h"
#include "dialects/NN/IR/SequenceBuilders.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::nn;

namespace {
RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// The `axis` attribute from properties or, when built from attributes, the
/// dictionary; -1 when absent.
int64_t axisOf(DictionaryAttr attrs, IntegerAttr prop) {
  if (prop)
    return prop.getInt();
  auto a = attrs ? attrs.getAs<IntegerAttr>("axis") : IntegerAttr();
  return a ? a.getInt() : -1;
}

/// The shape without `axis`, or failure when the axis is not in [1, rank).
FailureOr<RankedTensorType> dropAxis(Type in, int64_t axis) {
  auto t = dyn_cast<RankedTensorType>(in);
  if (!t || axis < 1 || axis >= t.getRank())
    return failure();
  SmallVector<int64_t> shape(t.getShape());
  shape.erase(shape.begin() + axis);
  return RankedTensorType::get(shape, t.getElementType());
}
} // namespace

//===----------------------------------------------------------------------===//
// embedding
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                            ValueRange operands, DictionaryAttr,
                                            OpaqueProperties, RegionRange,
                                            SmallVectorImpl<Type> &inferred) {
  auto ids = dyn_cast<RankedTensorType>(operands[0].getType());
  auto w = dyn_cast<RankedTensorType>(operands[1].getType());
  if (!ids || !w || w.getRank() != 2)
    return failure();
  SmallVector<int64_t> shape(ids.getShape());
  shape.push_back(w.getDimSize(1));
  inferred.push_back(RankedTensorType::get(shape, w.getElementType()));
  return success();
}

LogicalResult EmbeddingOp::verify() {
  auto ids = getIds().getType(), w = getWeight().getType();
  if (ids.getRank() < 1 || !ids.hasStaticShape())
    return emitOpError("expects static ids [batch, ...], got ") << ids;
  if (w.getRank() != 2 || !w.hasStaticShape() || w.getDimSize(0) < 1)
    return emitOpError("expects a weight [num_embeddings, dim], got ") << w;
  // Every row must have a (signed) id: the lowering clamps in the id type.
  unsigned bits = ids.getElementType().getIntOrFloatBitWidth();
  if (bits < 2 || (bits < 64 && w.getDimSize(0) - 1 > (int64_t{1} << (bits - 1)) - 1))
    return emitOpError("has ") << w.getDimSize(0) << " rows, more than "
                               << ids.getElementType() << " ids can name";
  SmallVector<Type> inferred;
  (void)inferReturnTypes(getContext(), getLoc(), getOperands(), nullptr, nullptr,
                         {}, inferred);
  if (inferred[0] != getResult().getType())
    return emitOpError("result should be ") << inferred[0] << ", got "
                                            << getResult().getType();
  return success();
}

SmallVector<Value> EmbeddingOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {Value(), embeddingGrad(b, getLoc(), getIds(), grads[0],
                                 getWeight().getType())};
}

//===----------------------------------------------------------------------===//
// position_embedding
//===----------------------------------------------------------------------===//

LogicalResult PositionEmbeddingOp::verify() {
  auto x = getInput().getType(), w = getWeight().getType();
  if (!x.hasStaticShape() || !w.hasStaticShape())
    return emitOpError("expects static shapes, got ") << x << " and " << w;
  if (x.getRank() != 3 || w.getRank() != 2 || x.getElementType() != w.getElementType())
    return emitOpError("expects input [batch, steps, dim] and weight [max_len, "
                       "dim] of one element type, got ")
           << x << " and " << w;
  if (w.getDimSize(1) != x.getDimSize(2) || w.getDimSize(0) < x.getDimSize(1))
    return emitOpError("weight ") << w << " does not cover input " << x
                                  << " (expected [max_len >= " << x.getDimSize(1)
                                  << ", " << x.getDimSize(2) << "])";
  return success();
}

SmallVector<Value> PositionEmbeddingOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {grads[0], positionEmbeddingGrad(b, getLoc(), grads[0], getWeight().getType())};
}

//===----------------------------------------------------------------------===//
// layer_norm
//===----------------------------------------------------------------------===//

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                            ValueRange operands, DictionaryAttr,
                                            OpaqueProperties, RegionRange,
                                            SmallVectorImpl<Type> &inferred) {
  inferred.push_back(operands[0].getType());
  return success();
}

LogicalResult LayerNormOp::verify() {
  auto x = getInput().getType();
  if (x.getRank() < 2 || !x.hasStaticShape())
    return emitOpError("expects static [batch, ..., features], got ") << x;
  if ((bool)getWeight() != (bool)getBias())
    return emitOpError("takes weight and bias together, or neither");
  auto f = RankedTensorType::get({x.getShape().back()}, x.getElementType());
  for (Value v : {getWeight(), getBias()})
    if (v && v.getType() != f)
      return emitOpError("expects weight and bias ") << f << ", got " << v.getType();
  if (!(getEpsilon().convertToDouble() > 0))
    return emitOpError("epsilon must be positive, got ")
           << getEpsilon().convertToDouble();
  return success();
}

SmallVector<Value> LayerNormOp::buildVJP(OpBuilder &b, ValueRange grads) {
  SmallVector<Value, 3> g = layerNormGrad(b, getLoc(), grads[0], getInput(), getWeight(),
                                          getEpsilon().convertToDouble());
  SmallVector<Value> out{g[0]};
  if (getWeight())
    out.append({g[1], g[2]});
  return out;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

SmallVector<Value> GeluOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {geluGrad(b, getLoc(), grads[0], getInput())};
}

SmallVector<Value> AddOp::buildVJP(OpBuilder &, ValueRange grads) {
  return {grads[0], grads[0]};
}

SmallVector<Value> MultiplyOp::buildVJP(OpBuilder &b, ValueRange grads) {
  Type t = typeOf(getResult()).getElementType();
  return {mapElementwise(b, getLoc(), {grads[0], getRhs()}, t, binary<arith::MulFOp>),
          mapElementwise(b, getLoc(), {grads[0], getLhs()}, t, binary<arith::MulFOp>)};
}

//===----------------------------------------------------------------------===//
// concat
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                         ValueRange operands, DictionaryAttr attrs,
                                         OpaqueProperties props, RegionRange,
                                         SmallVectorImpl<Type> &inferred) {
  if (operands.empty())
    return failure();
  auto first = dyn_cast<RankedTensorType>(operands[0].getType());
  int64_t axis = axisOf(attrs, props ? props.as<Properties *>()->axis : IntegerAttr());
  if (!first || axis < 1 || axis >= first.getRank())
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (Value v : operands) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || t.getRank() != first.getRank())
      return failure();
    shape[axis] += t.getDimSize(axis);
  }
  inferred.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("expects at least one input");
  auto first = typeOf(getInputs()[0]);
  int64_t axis = getAxis();
  for (Value v : getInputs())
    if (!typeOf(v).hasStaticShape())
      return emitOpError("expects static shapes, got ") << v.getType();
  if (axis < 1 || axis >= first.getRank())
    return emitOpError("axis must be in [1, ") << first.getRank() << "), got " << axis;
  for (auto [i, v] : llvm::enumerate(getInputs())) {
    auto t = typeOf(v);
    bool same = t.getRank() == first.getRank() && t.getElementType() == first.getElementType();
    for (int64_t d = 0; same && d < t.getRank(); ++d)
      same = d == axis || t.getDimSize(d) == first.getDimSize(d);
    if (!same)
      return emitOpError("input ") << i << " " << t << " does not match input 0 "
                                   << first << " outside axis " << axis;
  }
  return success();
}

SmallVector<Value> ConcatOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return concatGrad(b, getLoc(), grads[0], getInputs().getTypes(), getAxis());
}

//===----------------------------------------------------------------------===//
// reduce_mean, reduce_max
//===----------------------------------------------------------------------===//

#define KILN_REDUCE_OP(Op)                                                     \
  LogicalResult Op::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location>, ValueRange operands,             \
      DictionaryAttr attrs, OpaqueProperties props, RegionRange,               \
      SmallVectorImpl<Type> &inferred) {                                       \
    auto t = dropAxis(operands[0].getType(),                                   \
                      axisOf(attrs, props ? props.as<Properties *>()->axis     \
                                          : IntegerAttr()));                   \
    if (failed(t))                                                             \
      return failure();                                                        \
    inferred.push_back(*t);                                                    \
    return success();                                                          \
  }                                                                            \
  LogicalResult Op::verify() {                                                 \
    if (!getInput().getType().hasStaticShape())                                \
      return emitOpError("expects a static shape, got ")                       \
             << getInput().getType();                                          \
    auto t = dropAxis(getInput().getType(), getAxis());                        \
    if (failed(t))                                                             \
      return emitOpError("axis must be in [1, ")                               \
             << getInput().getType().getRank() << "), got " << getAxis();      \
    if (*t != getResult().getType())                                           \
      return emitOpError("result should be ") << *t << ", got "                \
                                              << getResult().getType();        \
    return success();                                                          \
  }
KILN_REDUCE_OP(ReduceMeanOp)
KILN_REDUCE_OP(ReduceMaxOp)
#undef KILN_REDUCE_OP

SmallVector<Value> ReduceMeanOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {reduceMeanGrad(b, getLoc(), grads[0], getInput().getType(), getAxis())};
}

SmallVector<Value> ReduceMaxOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {reduceMaxGrad(b, getLoc(), grads[0], getInput(), getResult(), getAxis())};
}

//===----------------------------------------------------------------------===//
// attention
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::inferReturnTypes(
    MLIRContext *, std::optional<Location>, ValueRange operands, DictionaryAttr attrs,
    OpaqueProperties props, RegionRange, SmallVectorImpl<Type> &inferred) {
  auto t = dyn_cast<RankedTensorType>(operands[0].getType());
  IntegerAttr headsAttr = props ? props.as<Properties *>()->num_heads
                          : attrs ? attrs.getAs<IntegerAttr>("num_heads")
                                  : IntegerAttr();
  int64_t heads = headsAttr ? headsAttr.getInt() : -1;
  if (!t || t.getRank() != 3 || heads < 1)
    return failure();
  inferred.push_back(RankedTensorType::get(
      {t.getDimSize(0), t.getDimSize(1), t.getDimSize(2) / 3}, t.getElementType()));
  inferred.push_back(RankedTensorType::get({t.getDimSize(0), heads, t.getDimSize(1)},
                                           t.getElementType()));
  return success();
}

LogicalResult AttentionOp::verify() {
  auto t = getQkv().getType();
  int64_t heads = getNumHeads();
  if (t.getRank() != 3 || !t.hasStaticShape())
    return emitOpError("expects static packed rows [batch, steps, 3 * width], got ") << t;
  if (heads < 1)
    return emitOpError("num_heads must be positive, got ") << heads;
  if (getBlock() < 1)
    return emitOpError("block must be positive, got ") << getBlock();
  if (t.getDimSize(2) % (3 * heads) != 0)
    return emitOpError("needs 3 * num_heads (") << 3 * heads << ") to divide the rows' "
                                                << t.getDimSize(2) << " values";
  double rate = getRate().convertToDouble();
  if (!(rate >= 0.0 && rate < 1.0))
    return emitOpError("rate must be in [0, 1), got ") << rate;
  if (getTraining() != (getSeed() && getStep()) || (bool)getSeed() != (bool)getStep())
    return emitOpError("in training mode takes `seed` and `step` (and only then)");
  SmallVector<Type> inferred;
  (void)inferReturnTypes(getContext(), getLoc(), getOperands(), nullptr,
                         (*this)->getPropertiesStorage(), {}, inferred);
  if (inferred[0] != getResult().getType())
    return emitOpError("result should be [batch, steps, width] = ")
           << inferred[0] << ", got " << getResult().getType();
  if (inferred[1] != getLogsumexp().getType())
    return emitOpError("logsumexp should be [batch, num_heads, steps] = ")
           << inferred[1] << ", got " << getLogsumexp().getType();
  return success();
}

LogicalResult AttentionOp::setMode(StringRef mode, Value seed, Value step) {
  // At rate 0 nothing is dropped: the op stays as in evaluation.
  if (getRate().isZero())
    return success();
  return setTrainingMode(*this, mode, seed, step);
}

AttentionConfig AttentionOp::getConfig() {
  bool drop = getTraining() && !getRate().isZero();
  return {int64_t(getNumHeads()), getCausal(), getRate().convertToDouble(), int64_t(getStream()),
          drop ? getSeed() : Value(), drop ? getStep() : Value(), int64_t(getBlock())};
}

SmallVector<Value> AttentionOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {attentionGrad(b, getLoc(), grads[0], getQkv(), getResult(), getLogsumexp(), getConfig()), Value(),
          Value()};
}

//===----------------------------------------------------------------------===//
// lstm, last_step
//===----------------------------------------------------------------------===//


/// [B, T, k] for each k, H from weight_hh.
static LogicalResult inferSequences(ValueRange operands, ArrayRef<int64_t> multiples,
                                    SmallVectorImpl<Type> &inferred) {
  auto x = dyn_cast<RankedTensorType>(operands[0].getType());
  auto whh = dyn_cast<RankedTensorType>(operands[2].getType());
  if (!x || !whh || x.getRank() != 3 || whh.getRank() != 2)
    return failure();
  for (int64_t m : multiples)
    inferred.push_back(RankedTensorType::get(
        {x.getDimSize(0), x.getDimSize(1), m * whh.getDimSize(1)}, x.getElementType()));
  return success();
}

LogicalResult LSTMOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                       ValueRange operands, DictionaryAttr, OpaqueProperties,
                                       RegionRange, SmallVectorImpl<Type> &inferred) {
  return inferSequences(operands, {1, 1, 4}, inferred);
}

/// A recurrent layer's operands: x [B, T, F], weight_ih [G*H, F], weight_hh
/// [G*H, H], biases [G*H] for G gates.
template <typename Op>
static LogicalResult verifyRecurrent(Op op, int64_t gates) {
  auto x = op.getInput().getType();
  if (x.getRank() != 3 || !x.hasStaticShape() || x.getDimSize(1) < 1)
    return op.emitOpError("expects static [batch, steps, features], got ") << x;
  auto whh = op.getWeightHh().getType();
  int64_t h = whh.getRank() == 2 && whh.hasStaticShape() ? whh.getDimSize(1) : 0, g = gates * h;
  auto et = x.getElementType();
  auto want = [&](ArrayRef<int64_t> s) { return RankedTensorType::get(s, et); };
  std::string gh = gates == 1 ? "H" : std::to_string(gates) + "H";
  if (op.getWeightIh().getType() != want({g, x.getDimSize(2)}) || whh != want({g, h}) ||
      op.getBiasIh().getType() != want({g}) || op.getBiasHh().getType() != want({g}) || h < 1)
    return op.emitOpError("expects weight_ih [") << gh << ", " << x.getDimSize(2)
           << "], weight_hh [" << gh << ", H] and biases [" << gh << "] of " << et
           << ", got " << op.getWeightIh().getType() << ", " << whh << ", "
           << op.getBiasIh().getType() << ", " << op.getBiasHh().getType();
  return success();
}

LogicalResult LSTMOp::verify() { return verifyRecurrent(*this, 4); }
LogicalResult GRUOp::verify() { return verifyRecurrent(*this, 3); }
LogicalResult SimpleRNNOp::verify() { return verifyRecurrent(*this, 1); }


LogicalResult GRUOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                      ValueRange operands, DictionaryAttr, OpaqueProperties,
                                      RegionRange, SmallVectorImpl<Type> &inferred) {
  return inferSequences(operands, {1, 4}, inferred);
}

LogicalResult SimpleRNNOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                            ValueRange operands, DictionaryAttr,
                                            OpaqueProperties, RegionRange,
                                            SmallVectorImpl<Type> &inferred) {
  return inferSequences(operands, {1}, inferred);
}

SmallVector<Value> GRUOp::buildVJP(OpBuilder &b, ValueRange grads) {
  SmallVector<Value, 5> g = gruGrad(b, getLoc(), grads[0], getInput(), getWeightIh(),
                                    getWeightHh(), getResult(), getGates(), getReverse());
  return SmallVector<Value>(g.begin(), g.end());
}

SmallVector<Value> SimpleRNNOp::buildVJP(OpBuilder &b, ValueRange grads) {
  SmallVector<Value, 5> g = simpleRnnGrad(b, getLoc(), grads[0], getInput(), getWeightIh(),
                                          getWeightHh(), getResult(), getReverse());
  return SmallVector<Value>(g.begin(), g.end());
}

SmallVector<Value> LSTMOp::buildVJP(OpBuilder &b, ValueRange grads) {
  SmallVector<Value, 5> g = lstmGrad(b, getLoc(), grads[0], getInput(), getWeightIh(),
                                     getWeightHh(), getResult(), getCells(), getGates(),
                                     getReverse());
  return SmallVector<Value>(g.begin(), g.end());
}

LogicalResult LastStepOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                           ValueRange operands, DictionaryAttr,
                                           OpaqueProperties, RegionRange,
                                           SmallVectorImpl<Type> &inferred) {
  auto t = dropAxis(operands[0].getType(), 1);
  if (failed(t) || cast<RankedTensorType>(operands[0].getType()).getRank() != 3)
    return failure();
  inferred.push_back(*t);
  return success();
}

LogicalResult LastStepOp::verify() {
  auto x = getInput().getType();
  if (x.getRank() != 3 || !x.hasStaticShape() || x.getDimSize(1) < 1)
    return emitOpError("expects static [batch, steps >= 1, features], got ") << x;
  auto want = *dropAxis(x, 1);
  if (getResult().getType() != want)
    return emitOpError("result should be ") << want << ", got " << getResult().getType();
  return success();
}

SmallVector<Value> LastStepOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {lastStepGrad(b, getLoc(), grads[0], getInput().getType())};
}
