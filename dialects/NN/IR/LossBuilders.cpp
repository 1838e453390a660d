//===- LossBuilders.cpp - Losses and their gradients on tensors -----------===//
#include "dialects/NN/IR/LossBuilders.h"

#include "dialects/NN/IR/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace kiln {
namespace {

Type elemOf(Value v) { return cast<ShapedType>(v.getType()).getElementType(); }

int64_t numElements(Value v) {
  return cast<ShapedType>(v.getType()).getNumElements();
}

/// A generic over [B, C] with inputs of the given maps.
Value rowsGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                  ArrayRef<AffineMap> maps, RankedTensorType outType,
                  AffineMap outMap, bool reduceColumns, Value init,
                  ScalarFn fn) {
  SmallVector<AffineMap> all(maps);
  all.push_back(outMap);
  SmallVector<utils::IteratorType> iters(2, utils::IteratorType::parallel);
  if (reduceColumns)
    iters[1] = utils::IteratorType::reduction;
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{outType}, inputs, ValueRange{init}, all, iters,
          [&](OpBuilder &nb, Location l, ValueRange a) {
            nb.create<linalg::YieldOp>(
                l, fn(nb, l, reduceColumns ? a : a.drop_back()));
          })
      .getResult(0);
}

/// The smoothed target t'[b, c] of a generic over [B, C] whose body sees
/// the target (a label or a probability) as `target`.
Value smoothedTarget(ScalarOps &m, Value target, bool labels, int64_t classes,
                     double s) {
  if (!labels)
    return s == 0.0 ? target : m.add(m.mul(m.c(1.0 - s), target), m.c(s / classes));
  Value cls = m.b.create<linalg::IndexOp>(m.l, 1);
  Value lbl = m.b.create<arith::IndexCastOp>(m.l, m.b.getIndexType(), target);
  Value hit = m.b.create<arith::CmpIOp>(m.l, arith::CmpIPredicate::eq, cls, lbl);
  return m.select(hit, m.c(1.0 - s + s / classes), m.c(s / classes));
}

} // namespace

Value scaledSum(OpBuilder &b, Location loc, Value x, double c) {
  Type t = elemOf(x);
  return mapElementwise(b, loc, {sumAll(b, loc, x)}, t,
                        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                          return nb.create<arith::MulFOp>(l, a[0],
                                                          floatConst(nb, l, t, c));
                        });
}

Value maeLoss(OpBuilder &b, Location loc, Value p, Value t) {
  Value e = mapElementwise(b, loc, {p, t}, elemOf(p),
                           [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                             ScalarOps m{nb, l, a[0].getType()};
                             return m.abs(m.sub(a[0], a[1]));
                           });
  return scaledSum(b, loc, e, 1.0 / numElements(p));
}

Value maeLossGrad(OpBuilder &b, Location loc, Value p, Value t, Value g) {
  Value s = mapElementwise(b, loc, {p, t}, elemOf(p),
                           [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                             ScalarOps m{nb, l, a[0].getType()};
                             return m.sign(m.sub(a[0], a[1]));
                           });
  return scaleBy(b, loc, s, g, 1.0 / numElements(p));
}

Value huberLoss(OpBuilder &b, Location loc, Value p, Value t, double delta) {
  Value e = mapElementwise(
      b, loc, {p, t}, elemOf(p),
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        ScalarOps m{nb, l, a[0].getType()};
        Value d = m.sub(a[0], a[1]), ad = m.abs(d);
        Value quad = m.mul(m.c(0.5), m.mul(d, d));
        Value lin = m.mul(m.c(delta), m.sub(ad, m.c(0.5 * delta)));
        return m.select(m.lt(ad, m.c(delta)), quad, lin);
      });
  return scaledSum(b, loc, e, 1.0 / numElements(p));
}

Value huberLossGrad(OpBuilder &b, Location loc, Value p, Value t, double delta,
                    Value g) {
  Value d = mapElementwise(
      b, loc, {p, t}, elemOf(p),
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        ScalarOps m{nb, l, a[0].getType()};
        return m.min(m.max(m.sub(a[0], a[1]), m.c(-delta)), m.c(delta));
      });
  return scaleBy(b, loc, d, g, 1.0 / numElements(p));
}

Value bceLoss(OpBuilder &b, Location loc, Value x, Value t) {
  // max(x, 0) - x t + log(1 + exp(-|x|)): no overflow for any x.
  Value e = mapElementwise(
      b, loc, {x, t}, elemOf(x),
      [](OpBuilder &nb, Location l, ValueRange a) -> Value {
        ScalarOps m{nb, l, a[0].getType()};
        Value soft = nb.create<math::Log1pOp>(
            l, nb.create<math::ExpOp>(l, nb.create<arith::NegFOp>(l, m.abs(a[0]))));
        return m.add(m.sub(m.max(a[0], m.c(0.0)), m.mul(a[0], a[1])), soft);
      });
  return scaledSum(b, loc, e, 1.0 / numElements(x));
}

Value bceLossGrad(OpBuilder &b, Location loc, Value x, Value t, Value g) {
  Value d = mapElementwise(
      b, loc, {x, t}, elemOf(x),
      [](OpBuilder &nb, Location l, ValueRange a) -> Value {
        ScalarOps m{nb, l, a[0].getType()};
        Value e = nb.create<math::ExpOp>(l, nb.create<arith::NegFOp>(l, a[0]));
        Value sig = nb.create<arith::DivFOp>(l, m.c(1.0), m.add(m.c(1.0), e));
        return m.sub(sig, a[1]);
      });
  return scaleBy(b, loc, d, g, 1.0 / numElements(x));
}

Value softCrossEntropy(OpBuilder &b, Location loc, Value x, Value targets,
                       double smoothing, bool klTerm) {
  auto xt = cast<RankedTensorType>(x.getType());
  Type t = xt.getElementType();
  int64_t batch = xt.getDimSize(0), classes = xt.getDimSize(1);
  bool labels = !isa<FloatType>(elemOf(targets));
  ShiftedExp shifted = shiftedExpRows(b, loc, x);
  Value lse = mapElementwise(b, loc, {shifted.rowSum, shifted.rowMax}, t,
                             [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                               return nb.create<arith::AddFOp>(
                                   l, nb.create<math::LogOp>(l, a[0]), a[1]);
                             });
  // Row b: Σ_c t'[b, c] (lse[b] - x[b, c]) (+ t log t), one reduction.
  MLIRContext *ctx = b.getContext();
  AffineMap id = b.getMultiDimIdentityMap(2);
  AffineMap row = AffineMap::get(2, 0, getAffineDimExpr(0, ctx));
  auto rowType = RankedTensorType::get({batch}, t);
  Value perRow = rowsGeneric(
      b, loc, {x, targets, lse}, {id, labels ? row : id, row}, rowType, row,
      /*reduceColumns=*/true, filled(b, loc, rowType, 0.0),
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        ScalarOps m{nb, l, t};
        Value tp = smoothedTarget(m, a[1], labels, classes, smoothing);
        Value term = m.mul(tp, m.sub(a[2], a[0]));
        if (klTerm) {
          // 0 log 0 = 0, as PyTorch's xlogy.
          Value logT = nb.create<math::LogOp>(l, a[1]);
          term = m.add(term, m.select(m.lt(m.c(0.0), a[1]), m.mul(a[1], logT),
                                      m.c(0.0)));
        }
        return m.add(a[3], term);
      });
  return scaledSum(b, loc, perRow, 1.0 / batch);
}

Value softCrossEntropyGrad(OpBuilder &b, Location loc, Value x, Value targets,
                           double smoothing, Value g) {
  auto xt = cast<RankedTensorType>(x.getType());
  Type t = xt.getElementType();
  int64_t batch = xt.getDimSize(0), classes = xt.getDimSize(1);
  bool labels = !isa<FloatType>(elemOf(targets));
  Value p = softmaxRows(b, loc, x);
  MLIRContext *ctx = b.getContext();
  AffineMap id = b.getMultiDimIdentityMap(2);
  AffineMap row = AffineMap::get(2, 0, getAffineDimExpr(0, ctx));
  Value shifted;
  if (labels) {
    // Σ_c t' = 1.
    shifted = rowsGeneric(
        b, loc, {p, targets}, {id, row}, xt, id, false,
        b.create<tensor::EmptyOp>(loc, xt.getShape(), t),
        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
          ScalarOps m{nb, l, t};
          return m.sub(a[0], smoothedTarget(m, a[1], true, classes, smoothing));
        });
  } else {
    // Probability rows need not sum to 1 exactly: softmax Σ_c t' - t'.
    Value rowSum = reduce2d(b, loc, targets, 1, 0.0, binary<arith::AddFOp>);
    shifted = rowsGeneric(
        b, loc, {p, targets, rowSum}, {id, id, row}, xt, id, false,
        b.create<tensor::EmptyOp>(loc, xt.getShape(), t),
        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
          ScalarOps m{nb, l, t};
          Value total = smoothing == 0.0
                            ? a[2]
                            : m.add(m.mul(m.c(1.0 - smoothing), a[2]), m.c(smoothing));
          return m.sub(m.mul(a[0], total),
                       smoothedTarget(m, a[1], false, classes, smoothing));
        });
  }
  return scaleBy(b, loc, shifted, g, 1.0 / batch);
}

Value weightPenalty(OpBuilder &b, Location loc, Value w, double l1, double l2) {
  Value e = mapElementwise(b, loc, {w}, elemOf(w),
                           [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                             ScalarOps m{nb, l, a[0].getType()};
                             return m.add(m.mul(m.c(l1), m.abs(a[0])),
                                          m.mul(m.c(l2), m.mul(a[0], a[0])));
                           });
  return sumAll(b, loc, e);
}

Value weightPenaltyGrad(OpBuilder &b, Location loc, Value w, double l1,
                        double l2, Value g) {
  Value d = mapElementwise(b, loc, {w}, elemOf(w),
                           [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                             ScalarOps m{nb, l, a[0].getType()};
                             return m.add(m.mul(m.c(l1), m.sign(a[0])),
                                          m.mul(m.c(2.0 * l2), a[0]));
                           });
  return scaleBy(b, loc, d, g, 1.0);
}

} // namespace kiln
