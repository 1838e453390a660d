//===- NormBuilders.cpp - Batch norm and LRN in linalg on tensors ---------===//
//
// Batch norm works on rows [M, C] (channels-last, M = N*H*W): per-channel
// sums are reductions over the rows with the channels in the lanes, and the
// layout transposes cancel with the neighbouring convolutions'.
//
#include "dialects/NN/IR/NormBuilders.h"
#include "dialects/NN/IR/ConvBuilders.h"
#include "dialects/NN/IR/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace kiln {
namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// x as rows [M, C]: [N, F] as it is, [N, C, H, W] channels-last.
Value toRows(OpBuilder &b, Location loc, Value x) {
  auto t = typeOf(x);
  if (t.getRank() == 2)
    return x;
  Value l = toNHWC(b, loc, x);
  return b.create<tensor::CollapseShapeOp>(
      loc, RankedTensorType::get({t.getNumElements() / t.getDimSize(1), t.getDimSize(1)},
                                 t.getElementType()),
      l, SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
}

Value fromRows(OpBuilder &b, Location loc, Value r, RankedTensorType type) {
  if (type.getRank() == 2)
    return r;
  int64_t n = type.getDimSize(0), c = type.getDimSize(1), h = type.getDimSize(2),
          w = type.getDimSize(3);
  Value l = b.create<tensor::ExpandShapeOp>(
      loc, RankedTensorType::get({n, h, w, c}, type.getElementType()), r,
      SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
  return toNCHW(b, loc, l);
}

/// An elementwise map over rows [M, C] (`rows`, same shape) and per-channel
/// vectors [C] (`vecs`); fn sees rows then vecs.
Value mapRows(OpBuilder &b, Location loc, ValueRange rows, ValueRange vecs,
              ScalarFn fn) {
  auto t = typeOf(rows[0]);
  SmallVector<Value> ins(rows);
  ins.append(vecs.begin(), vecs.end());
  SmallVector<AffineMap> maps(rows.size(), b.getMultiDimIdentityMap(2));
  maps.append(vecs.size(), AffineMap::get(2, 0, b.getAffineDimExpr(1)));
  maps.push_back(b.getMultiDimIdentityMap(2));
  return b.create<linalg::GenericOp>(
              loc, t, ins,
              ValueRange{b.create<tensor::EmptyOp>(loc, t.getShape(), t.getElementType())},
              maps, SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
              [&](OpBuilder &nb, Location l, ValueRange a) {
                nb.create<linalg::YieldOp>(l, fn(nb, l, a.drop_back()));
              })
      .getResult(0);
}

/// Σ over the rows of fn(rows..., vecs...) per channel, accumulated in f64
/// (as PyTorch does: an f32 sum over N·H·W rows loses digits), as [C] f64.
Value colSum64(OpBuilder &b, Location loc, ValueRange rows, ValueRange vecs,
               ScalarFn fn) {
  auto t = typeOf(rows[0]);
  Type f64 = b.getF64Type();
  auto outType = RankedTensorType::get({t.getDimSize(1)}, f64);
  SmallVector<Value> ins(rows);
  ins.append(vecs.begin(), vecs.end());
  SmallVector<AffineMap> maps(rows.size(), b.getMultiDimIdentityMap(2));
  maps.append(vecs.size() + 1, AffineMap::get(2, 0, b.getAffineDimExpr(1)));
  return b.create<linalg::GenericOp>(
              loc, outType, ins, ValueRange{filled(b, loc, outType, 0.0)}, maps,
              SmallVector<utils::IteratorType>{utils::IteratorType::reduction,
                                               utils::IteratorType::parallel},
              [&](OpBuilder &nb, Location l, ValueRange a) {
                Value v = fn(nb, l, a.drop_back());
                if (v.getType() != f64)
                  v = nb.create<arith::ExtFOp>(l, f64, v);
                nb.create<linalg::YieldOp>(l, ValueRange{nb.create<arith::AddFOp>(l, a.back(), v)});
              })
      .getResult(0);
}

/// A [C] vector mapped by fn into `type`'s element type.
Value mapVec(OpBuilder &b, Location loc, ValueRange vs, Type elem, ScalarFn fn) {
  return mapElementwise(b, loc, vs, elem, fn);
}

Value truncTo(OpBuilder &b, Location loc, Value v, Type elem) {
  if (typeOf(v).getElementType() == elem)
    return v;
  return mapVec(b, loc, {v}, elem, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    return nb.create<arith::TruncFOp>(l, elem, a[0]);
  });
}

/// v * c for a vector v.
Value scaled(OpBuilder &b, Location loc, Value v, double c) {
  Type t = typeOf(v).getElementType();
  return mapElementwise(b, loc, {v}, t, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    return nb.create<arith::MulFOp>(l, a[0], floatConst(nb, l, t, c));
  });
}

struct Stats {
  Value mean, var, invstd;
};

/// The batch's per-channel mean, biased variance (two passes) and
/// 1 / sqrt(var + eps), summed and computed in f64, returned in x's type.
Stats batchStats(OpBuilder &b, Location loc, Value r, double eps) {
  Type t = typeOf(r).getElementType(), f64 = b.getF64Type();
  double inv = 1.0 / double(typeOf(r).getDimSize(0));
  auto widen = [&](OpBuilder &nb, Location l, Value v) -> Value {
    return v.getType() == f64 ? v : nb.create<arith::ExtFOp>(l, f64, v).getResult();
  };
  Value mean = scaled(b, loc, colSum64(b, loc, {r}, {}, [&](OpBuilder &nb, Location l,
                                                            ValueRange a) -> Value {
                        return widen(nb, l, a[0]);
                      }),
                      inv);
  Value var = scaled(b, loc, colSum64(b, loc, {r}, {mean}, [&](OpBuilder &nb, Location l,
                                                               ValueRange a) -> Value {
                       Value d = nb.create<arith::SubFOp>(l, widen(nb, l, a[0]), a[1]);
                       return nb.create<arith::MulFOp>(l, d, d);
                     }),
                     inv);
  Value invstd = mapVec(b, loc, {var}, f64, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    Value s = nb.create<math::SqrtOp>(
        l, nb.create<arith::AddFOp>(l, a[0], floatConst(nb, l, f64, eps)));
    return nb.create<arith::DivFOp>(l, floatConst(nb, l, f64, 1.0), s);
  });
  return {truncTo(b, loc, mean, t), truncTo(b, loc, var, t), truncTo(b, loc, invstd, t)};
}

Value invStd(OpBuilder &b, Location loc, Value var, double eps) {
  Type t = typeOf(var).getElementType();
  return mapElementwise(b, loc, {var}, t, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    Value s = nb.create<math::SqrtOp>(l, nb.create<arith::AddFOp>(l, a[0], floatConst(nb, l, t, eps)));
    return nb.create<arith::DivFOp>(l, floatConst(nb, l, t, 1.0), s);
  });
}

} // namespace

SmallVector<Value, 3> batchNorm(OpBuilder &b, Location loc, Value x, Value mean,
                                Value var, Value weight, Value bias,
                                double momentum, double eps, bool training) {
  auto xt = typeOf(x);
  Type t = xt.getElementType();
  Value r = toRows(b, loc, x);
  int64_t m = typeOf(r).getDimSize(0);
  Value useMean = mean, invstd, newMean = mean, newVar = var;
  if (training) {
    Stats s = batchStats(b, loc, r, eps);
    useMean = s.mean;
    invstd = s.invstd;
    double unbias = double(m) / double(m - 1);
    auto blend = [&](Value running, Value batch, double c) {
      return mapElementwise(b, loc, {running, batch}, t,
                            [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                              Value keep = nb.create<arith::MulFOp>(
                                  l, a[0], floatConst(nb, l, t, 1.0 - momentum));
                              Value add = nb.create<arith::MulFOp>(
                                  l, a[1], floatConst(nb, l, t, momentum * c));
                              return nb.create<arith::AddFOp>(l, keep, add);
                            });
    };
    newMean = blend(mean, s.mean, 1.0);
    newVar = blend(var, s.var, unbias);
  } else {
    invstd = invStd(b, loc, var, eps);
  }
  SmallVector<Value> vecs{useMean, invstd};
  if (weight)
    vecs.append({weight, bias});
  Value y = mapRows(b, loc, {r}, vecs, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    Value v = nb.create<arith::MulFOp>(l, nb.create<arith::SubFOp>(l, a[0], a[1]), a[2]);
    if (a.size() > 3)
      v = nb.create<arith::AddFOp>(l, nb.create<arith::MulFOp>(l, v, a[3]), a[4]);
    return v;
  });
  return {fromRows(b, loc, y, xt), newMean, newVar};
}

SmallVector<Value, 3> batchNormGrad(OpBuilder &b, Location loc, Value dy, Value x,
                                    Value mean, Value var, Value weight,
                                    double eps, bool training) {
  auto xt = typeOf(x);
  Type t = xt.getElementType();
  Value r = toRows(b, loc, x), g = toRows(b, loc, dy);
  int64_t m = typeOf(r).getDimSize(0);
  Value mu = mean, invstd;
  if (training) {
    Stats s = batchStats(b, loc, r, eps);
    mu = s.mean;
    invstd = s.invstd;
  } else {
    invstd = invStd(b, loc, var, eps);
  }
  // Σ dy and Σ dy * xhat per channel.
  Value sdy = truncTo(b, loc,
                      colSum64(b, loc, {g}, {}, [](OpBuilder &, Location, ValueRange a) -> Value {
                        return a[0];
                      }),
                      t);
  Value sdyx = truncTo(b, loc,
                       colSum64(b, loc, {g, r}, {mu, invstd},
                                [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                                  Value xh = nb.create<arith::MulFOp>(
                                      l, nb.create<arith::SubFOp>(l, a[1], a[2]), a[3]);
                                  return nb.create<arith::MulFOp>(l, a[0], xh);
                                }),
                       t);
  // Training: dx = w * invstd / M * (M dy - Σ dy - xhat Σ dy xhat); the
  // batch statistics depend on x. Eval: dx = w * invstd * dy.
  SmallVector<Value> vecs{mu, invstd, sdy, sdyx};
  if (weight)
    vecs.push_back(weight);
  Value dx = mapRows(b, loc, {g, r}, vecs, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    Value scale = a.size() > 6 ? nb.create<arith::MulFOp>(l, a[3], a[6]).getResult() : a[3];
    if (!training)
      return nb.create<arith::MulFOp>(l, a[0], scale);
    Value xh = nb.create<arith::MulFOp>(l, nb.create<arith::SubFOp>(l, a[1], a[2]), a[3]);
    Value v = nb.create<arith::MulFOp>(l, a[0], floatConst(nb, l, t, double(m)));
    v = nb.create<arith::SubFOp>(l, v, a[4]);
    v = nb.create<arith::SubFOp>(l, v, nb.create<arith::MulFOp>(l, xh, a[5]));
    Value s = nb.create<arith::MulFOp>(l, scale, floatConst(nb, l, t, 1.0 / double(m)));
    return nb.create<arith::MulFOp>(l, v, s);
  });
  SmallVector<Value, 3> out{fromRows(b, loc, dx, xt), Value(), Value()};
  if (weight) {
    out[1] = sdyx;
    out[2] = sdy;
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Local response normalization (NCHW; the window runs along the channels)
//===----------------------------------------------------------------------===//

namespace {

/// x [N, C, H, W] with `before` and `after` zero channels around it.
Value padChannels(OpBuilder &b, Location loc, Value x, int64_t before, int64_t after) {
  auto t = typeOf(x);
  SmallVector<int64_t> shape(t.getShape());
  shape[1] += before + after;
  Value frame = filled(b, loc, RankedTensorType::get(shape, t.getElementType()), 0.0);
  SmallVector<int64_t> offsets{0, before, 0, 0}, strides(4, 1);
  auto attr = [&](ArrayRef<int64_t> v) { return b.getDenseI64ArrayAttr(v); };
  Value window = b.create<tensor::ExtractSliceOp>(loc, t, frame, ValueRange{}, ValueRange{},
                                                  ValueRange{}, attr(offsets),
                                                  attr(t.getShape()), attr(strides));
  Value copied = b.create<linalg::CopyOp>(loc, x, window).getResult(0);
  return b.create<tensor::InsertSliceOp>(loc, copied, frame, ValueRange{}, ValueRange{},
                                         ValueRange{}, attr(offsets), attr(t.getShape()),
                                         attr(strides));
}

/// The `size` channel-shifted views of p (padded) at x's shape.
SmallVector<Value> channelViews(OpBuilder &b, Location loc, Value p, RankedTensorType t,
                                int64_t size) {
  SmallVector<Value> views;
  auto attr = [&](ArrayRef<int64_t> v) { return b.getDenseI64ArrayAttr(v); };
  for (int64_t i = 0; i < size; ++i)
    views.push_back(b.create<tensor::ExtractSliceOp>(
        loc, t, p, ValueRange{}, ValueRange{}, ValueRange{}, attr({0, i, 0, 0}),
        attr(t.getShape()), attr({1, 1, 1, 1})));
  return views;
}

/// d = k + alpha / size * Σ over the window of x², for each element.
Value lrnDenominator(OpBuilder &b, Location loc, Value x, int64_t size,
                     double alpha, double k) {
  auto t = typeOf(x);
  Type e = t.getElementType();
  Value sq = mapElementwise(b, loc, {x}, e, [](OpBuilder &nb, Location l, ValueRange a) -> Value {
    return nb.create<arith::MulFOp>(l, a[0], a[0]);
  });
  // Channels further than C - 1 away are padding for every channel: a
  // window wider than 2C - 1 adds only zeros, so it is cut there.
  int64_t c = t.getDimSize(1);
  int64_t before = std::min(size / 2, c - 1), after = std::min((size - 1) / 2, c - 1);
  Value p = padChannels(b, loc, sq, before, after);
  return mapElementwise(b, loc, channelViews(b, loc, p, t, before + after + 1), e,
                        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                          Value s = a[0];
                          for (Value v : a.drop_front())
                            s = nb.create<arith::AddFOp>(l, s, v);
                          s = nb.create<arith::MulFOp>(l, s, floatConst(nb, l, e, alpha / size));
                          return nb.create<arith::AddFOp>(l, s, floatConst(nb, l, e, k));
                        });
}

} // namespace

Value localResponseNorm(OpBuilder &b, Location loc, Value x, int64_t size,
                        double alpha, double beta, double k) {
  Type e = typeOf(x).getElementType();
  Value d = lrnDenominator(b, loc, x, size, alpha, k);
  return mapElementwise(b, loc, {x, d}, e, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    Value p = nb.create<math::PowFOp>(l, a[1], floatConst(nb, l, e, -beta));
    return nb.create<arith::MulFOp>(l, a[0], p);
  });
}

/// dx_j = dy_j d_j^-β + x_j Σ over the windows holding j of
/// u_c = -2 β alpha/size dy_c x_c d_c^(-β-1).
Value localResponseNormGrad(OpBuilder &b, Location loc, Value dy, Value x,
                            int64_t size, double alpha, double beta, double k) {
  auto t = typeOf(x);
  Type e = t.getElementType();
  Value d = lrnDenominator(b, loc, x, size, alpha, k);
  Value u = mapElementwise(b, loc, {dy, x, d}, e, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    Value p = nb.create<math::PowFOp>(l, a[2], floatConst(nb, l, e, -beta - 1.0));
    Value v = nb.create<arith::MulFOp>(l, nb.create<arith::MulFOp>(l, a[0], a[1]), p);
    return nb.create<arith::MulFOp>(l, v, floatConst(nb, l, e, -2.0 * beta * alpha / size));
  });
  int64_t c = t.getDimSize(1);
  int64_t before = std::min((size - 1) / 2, c - 1), after = std::min(size / 2, c - 1);
  Value p = padChannels(b, loc, u, before, after);
  SmallVector<Value> ins{dy, x, d};
  ins.append(channelViews(b, loc, p, t, before + after + 1));
  return mapElementwise(b, loc, ins, e, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    Value s = a[3];
    for (Value v : a.drop_front(4))
      s = nb.create<arith::AddFOp>(l, s, v);
    Value p = nb.create<math::PowFOp>(l, a[2], floatConst(nb, l, e, -beta));
    return nb.create<arith::AddFOp>(l, nb.create<arith::MulFOp>(l, a[0], p),
                                    nb.create<arith::MulFOp>(l, a[1], s));
  });
}

} // namespace kiln
