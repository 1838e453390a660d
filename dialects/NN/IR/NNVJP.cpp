//===- NNVJP.cpp - Vector-Jacobian products of the nn ops -----------------===//
//
// Each rule is written with the shared linalg builders on tensors; autodiff
// calls them in reverse program order and sums cotangents of reused values.
//
#include "dialects/NN/IR/LinalgBuilders.h"
#include "dialects/NN/IR/LossBuilders.h"
#include "dialects/NN/IR/NNDialect.h"
#include "dialects/NN/IR/NormBuilders.h"
#include "dialects/NN/IR/SequenceBuilders.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::nn;

static Type elemOf(Value v) {
  return cast<ShapedType>(v.getType()).getElementType();
}

SmallVector<Value> DenseOp::buildVJP(OpBuilder &b, ValueRange grads) {
  Location loc = getLoc();
  // On rows [M, in] of any input: dx = dy * W; dW = dyᵀ * x (PyTorch's
  // [out, in] layout); db = Σ_rows dy.
  Value dy = toRows(b, loc, grads[0]), x = toRows(b, loc, getInput());
  SmallVector<Value> out{fromRows(b, loc, matmul(b, loc, dy, getWeight()),
                                  getInput().getType()),
                         matmulTransposeA(b, loc, dy, x)};
  if (getBias())
    out.push_back(reduce2d(b, loc, dy, 0, 0.0,
                           binary<arith::AddFOp>));
  return out;
}

SmallVector<Value> ReshapeOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {b.create<ReshapeOp>(getLoc(), getInput().getType(), grads[0])};
}

SmallVector<Value> ReluOp::buildVJP(OpBuilder &b, ValueRange grads) {
  Type t = elemOf(getResult());
  return {mapElementwise(
      b, getLoc(), {grads[0], getResult()}, t,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value zero = floatConst(nb, l, t, 0.0);
        Value pos = nb.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT,
                                             a[1], zero);
        return nb.create<arith::SelectOp>(l, pos, a[0], zero);
      })};
}

SmallVector<Value> LeakyReluOp::buildVJP(OpBuilder &b, ValueRange grads) {
  Type t = elemOf(getResult());
  double alpha = getAlpha().convertToDouble();
  return {mapElementwise(
      b, getLoc(), {grads[0], getInput()}, t,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value zero = floatConst(nb, l, t, 0.0);
        Value pos = nb.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT,
                                             a[1], zero);
        Value neg = nb.create<arith::MulFOp>(l, a[0],
                                             floatConst(nb, l, t, alpha));
        return nb.create<arith::SelectOp>(l, pos, a[0], neg);
      })};
}

SmallVector<Value> SigmoidOp::buildVJP(OpBuilder &b, ValueRange grads) {
  Type t = elemOf(getResult());
  return {mapElementwise(
      b, getLoc(), {grads[0], getResult()}, t,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value one = floatConst(nb, l, t, 1.0);
        Value oneMinus = nb.create<arith::SubFOp>(l, one, a[1]);
        Value d = nb.create<arith::MulFOp>(l, a[1], oneMinus);
        return nb.create<arith::MulFOp>(l, a[0], d);
      })};
}

SmallVector<Value> TanhOp::buildVJP(OpBuilder &b, ValueRange grads) {
  Type t = elemOf(getResult());
  return {mapElementwise(
      b, getLoc(), {grads[0], getResult()}, t,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value one = floatConst(nb, l, t, 1.0);
        Value sq = nb.create<arith::MulFOp>(l, a[1], a[1]);
        Value d = nb.create<arith::SubFOp>(l, one, sq);
        return nb.create<arith::MulFOp>(l, a[0], d);
      })};
}

SmallVector<Value> SoftmaxOp::buildVJP(OpBuilder &b, ValueRange grads) {
  Location loc = getLoc();
  int64_t axis = getNormalizedAxis();
  Value ym = moveAxisLast(b, loc, getResult(), axis);
  Value y = toRows(b, loc, ym), dy = toRows(b, loc, moveAxisLast(b, loc, grads[0], axis));
  // dx = y * (dy - Σ_j dy_j y_j), row by row (over the axis, moved last).
  Value prod = mapElementwise(
      b, loc, {dy, y}, elemOf(y),
      binary<arith::MulFOp>);
  Value dot = reduce2d(b, loc, prod, 1, 0.0,
                       binary<arith::AddFOp>);
  Value centered = mapWithColumn(
      b, loc, dy, dot, binary<arith::SubFOp>);
  return {moveLastAxis(b, loc,
                       fromRows(b, loc,
                                mapElementwise(b, loc, {centered, y}, elemOf(y),
                                               binary<arith::MulFOp>),
                                cast<RankedTensorType>(ym.getType())),
                       axis)};
}

SmallVector<Value> MSELossOp::buildVJP(OpBuilder &b, ValueRange grads) {
  Location loc = getLoc();
  auto pt = getPrediction().getType();
  Type t = pt.getElementType();
  // d pred = 2 (pred - target) / N * g; d target = -d pred.
  Value diff = mapElementwise(
      b, loc, {getPrediction(), getTarget()}, t,
      binary<arith::SubFOp>);
  Value dp = scaleBy(b, loc, diff, grads[0], 2.0 / pt.getNumElements());
  Value dt = mapElementwise(b, loc, {dp}, t,
                            [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                              return nb.create<arith::NegFOp>(l, a[0]);
                            });
  return {dp, dt};
}

// Targets are data: no cotangent flows to them (MSE's aside, kept for
// its tests).
SmallVector<Value> MAELossOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {maeLossGrad(b, getLoc(), getPrediction(), getTarget(), grads[0]),
          Value()};
}

SmallVector<Value> HuberLossOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {huberLossGrad(b, getLoc(), getPrediction(), getTarget(),
                        getDelta().convertToDouble(), grads[0]),
          Value()};
}

SmallVector<Value> BinaryCrossEntropyOp::buildVJP(OpBuilder &b,
                                                  ValueRange grads) {
  return {bceLossGrad(b, getLoc(), getPrediction(), getTarget(), grads[0]),
          Value()};
}

SmallVector<Value> KLDivergenceOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {softCrossEntropyGrad(b, getLoc(), getLogits(), getTarget(), 0.0,
                               grads[0]),
          Value()};
}

SmallVector<Value> WeightPenaltyOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {weightPenaltyGrad(b, getLoc(), getWeight(),
                            getL1().convertToDouble(),
                            getL2().convertToDouble(), grads[0])};
}

/// On rows of classes: logits [batch, ..., C] as [N, C], the labels as [N]
/// (or probability rows [N, C]); the mean is over the N rows.
SmallVector<Value> SoftmaxCrossEntropyOp::buildVJP(OpBuilder &b,
                                                   ValueRange grads) {
  double smoothing = getLabelSmoothing().convertToDouble();
  Location loc = getLoc();
  Value logits = toRows(b, loc, getLogits());
  Value labels = hasSoftTargets() ? toRows(b, loc, getLabels())
                                  : flatLabels(b, loc, getLabels());
  if (hasSoftTargets() || smoothing != 0.0)
    return {fromRows(b, loc,
                     softCrossEntropyGrad(b, loc, logits, labels, smoothing, grads[0]),
                     getLogits().getType()),
            Value()};
  auto lt = cast<RankedTensorType>(logits.getType());
  Type t = lt.getElementType();
  // d logits = (softmax(logits) - onehot(labels)) / rows * g.
  Value p = softmaxRows(b, loc, logits);
  Value shifted = b.create<linalg::GenericOp>(
      loc, TypeRange{lt}, ValueRange{p, labels},
      ValueRange{b.create<tensor::EmptyOp>(loc, lt.getShape(), t)},
      ArrayRef<AffineMap>{
          b.getMultiDimIdentityMap(2),
          AffineMap::get(2, 0, b.getAffineDimExpr(0)),
          b.getMultiDimIdentityMap(2)},
      SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange a) {
        Value cls = nb.create<linalg::IndexOp>(l, 1);
        Value lbl = nb.create<arith::IndexCastOp>(l, nb.getIndexType(), a[1]);
        Value hit = nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq,
                                             cls, lbl);
        Value one = floatConst(nb, l, t, 1.0), zero = floatConst(nb, l, t, 0.0);
        Value oh = nb.create<arith::SelectOp>(l, hit, one, zero);
        nb.create<linalg::YieldOp>(l, Value(nb.create<arith::SubFOp>(l, a[0], oh)));
      }).getResult(0);
  return {fromRows(b, loc, scaleBy(b, loc, shifted, grads[0], 1.0 / lt.getDimSize(0)),
                   getLogits().getType()),
          Value()};
}

/// The same mask (same counters) applied to the cotangent.
SmallVector<Value> DropoutOp::buildVJP(OpBuilder &b, ValueRange grads) {
  if (!getTraining() || getRate().isZero())
    return {grads[0], Value(), Value()};
  return {dropout(b, getLoc(), grads[0], getSeed(), getStep(), getStream(),
                  getRate().convertToDouble()),
          Value(), Value()};
}

SmallVector<Value> Conv2DOp::buildVJP(OpBuilder &b, ValueRange grads) {
  Location loc = getLoc();
  Window2D win = getGeometry();
  Value dy = grads[0];
  SmallVector<Value> out{
      conv2dInputGrad(b, loc, dy, getWeight(), getInput().getType(), win, getGroups())};
  llvm::append_range(out, conv2dParamGrads(b, loc, dy, getInput(), getWeight().getType(), win,
                                           getGroups(), static_cast<bool>(getBias())));
  return out;
}

SmallVector<Value> MaxPool2DOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {pool2dInputGrad(b, getLoc(), grads[0], getInput(), getResult(),
                          getGeometry(), /*max=*/true)};
}

SmallVector<Value> AvgPool2DOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {pool2dInputGrad(b, getLoc(), grads[0], getInput(), getResult(),
                          getGeometry(), /*max=*/false)};
}

/// The running statistics get no gradient (nor do the updated ones pass
/// one back); in training the batch statistics depend on the input.
SmallVector<Value> BatchNormOp::buildVJP(OpBuilder &b, ValueRange grads) {
  SmallVector<Value, 3> g = batchNormGrad(
      b, getLoc(), grads[0], getInput(), getRunningMean(), getRunningVar(),
      getWeight(), getEpsilon().convertToDouble(), getTraining());
  SmallVector<Value> out{g[0], Value(), Value()};
  if (getWeight())
    out.append({g[1], g[2]});
  return out;
}

SmallVector<Value> LocalResponseNormOp::buildVJP(OpBuilder &b, ValueRange grads) {
  return {localResponseNormGrad(b, getLoc(), grads[0], getInput(), getSize(),
                                getAlpha().convertToDouble(),
                                getBeta().convertToDouble(), getK().convertToDouble())};
}
