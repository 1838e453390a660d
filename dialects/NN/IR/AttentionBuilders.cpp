//===- AttentionBuilders.cpp - Multi-head attention in linalg -------------===//
//
// Q, K and V are views [B, T, H, D] of the packed rows. Each product is a
// generic contraction whose output's innermost dim is innermost in an input
// (K and V are transposed first where needed), so it gets a matmul's
// register block.
//
#include "dialects/NN/IR/AttentionBuilders.h"
#include "dialects/NN/IR/LinalgBuilders.h"
#include "dialects/NN/IR/SequenceBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;

namespace kiln {
namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// [B, T, 3E] as [B, T, 3, H, D].
Value packed(OpBuilder &b, Location loc, Value qkv, int64_t heads) {
  auto t = typeOf(qkv);
  int64_t e = t.getDimSize(2) / 3;
  return b.create<tensor::ExpandShapeOp>(
      loc,
      RankedTensorType::get({t.getDimSize(0), t.getDimSize(1), 3, heads, e / heads},
                            t.getElementType()),
      qkv, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}});
}

/// Part `s` (0 Q, 1 K, 2 V) of [B, T, 3, H, D] as [B, T, H, D].
Value part(OpBuilder &b, Location loc, Value p5, int64_t s) {
  auto t = typeOf(p5);
  int64_t bs = t.getDimSize(0), steps = t.getDimSize(1), h = t.getDimSize(3),
          d = t.getDimSize(4);
  return b.create<tensor::ExtractSliceOp>(
      loc, RankedTensorType::get({bs, steps, h, d}, t.getElementType()), p5,
      ValueRange{}, ValueRange{}, ValueRange{}, b.getDenseI64ArrayAttr({0, 0, s, 0, 0}),
      b.getDenseI64ArrayAttr({bs, steps, 1, h, d}), b.getDenseI64ArrayAttr({1, 1, 1, 1, 1}));
}

/// Parts placed into a zero [B, T, 3E] cotangent.
Value pack(OpBuilder &b, Location loc, ArrayRef<std::pair<int64_t, Value>> parts,
           RankedTensorType qkvType, int64_t heads) {
  auto pt = typeOf(parts.front().second);
  int64_t bs = pt.getDimSize(0), steps = pt.getDimSize(1), d = pt.getDimSize(3);
  auto t5 = RankedTensorType::get({bs, steps, 3, heads, d}, pt.getElementType());
  Value out = filled(b, loc, t5, 0.0);
  for (auto [s, v] : parts)
    out = b.create<tensor::InsertSliceOp>(
        loc, v, out, ValueRange{}, ValueRange{}, ValueRange{},
        b.getDenseI64ArrayAttr({0, 0, s, 0, 0}),
        b.getDenseI64ArrayAttr({bs, steps, 1, heads, d}),
        b.getDenseI64ArrayAttr({1, 1, 1, 1, 1}));
  return b.create<tensor::CollapseShapeOp>(
      loc, qkvType, out, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}});
}

/// out[...] = Σ over the one reduction dim (the last of 5) of x * y, with
/// the maps given as dim lists.
Value contract(OpBuilder &b, Location loc, Value x, ArrayRef<unsigned> xDims,
               Value y, ArrayRef<unsigned> yDims, RankedTensorType outType) {
  MLIRContext *ctx = b.getContext();
  auto map = [&](ArrayRef<unsigned> dims) {
    SmallVector<AffineExpr> e;
    for (unsigned d : dims)
      e.push_back(getAffineDimExpr(d, ctx));
    return AffineMap::get(5, 0, e, ctx);
  };
  SmallVector<utils::IteratorType> iters(4, utils::IteratorType::parallel);
  iters.push_back(utils::IteratorType::reduction);
  return b
      .create<linalg::GenericOp>(
          loc, outType, ValueRange{x, y}, ValueRange{filled(b, loc, outType, 0.0)},
          SmallVector<AffineMap>{map(xDims), map(yDims), map({0, 1, 2, 3})}, iters,
          [](OpBuilder &nb, Location l, ValueRange a) {
            Value m = nb.create<arith::MulFOp>(l, a[0], a[1]);
            nb.create<linalg::YieldOp>(l, Value(nb.create<arith::AddFOp>(l, a[2], m)));
          })
      .getResult(0);
}

/// x [B, T, H, D] -> [B, H, D, T].
Value headsDimsSteps(OpBuilder &b, Location loc, Value x) {
  auto t = typeOf(x);
  Value init = b.create<tensor::EmptyOp>(
      loc, ArrayRef<int64_t>{t.getDimSize(0), t.getDimSize(2), t.getDimSize(3), t.getDimSize(1)},
      t.getElementType());
  return b.create<linalg::TransposeOp>(loc, x, init, ArrayRef<int64_t>{0, 2, 3, 1})
      .getResult()[0];
}

/// [B, H, T, T] of element type `elem`.
RankedTensorType weightsType(Value q) {
  auto t = typeOf(q);
  return RankedTensorType::get(
      {t.getDimSize(0), t.getDimSize(2), t.getDimSize(1), t.getDimSize(1)}, t.getElementType());
}

} // namespace

Value attentionWeights(OpBuilder &b, Location loc, Value qkv, int64_t heads, bool causal) {
  Value p5 = packed(b, loc, qkv, heads);
  Value q = part(b, loc, p5, 0), k = part(b, loc, p5, 1);
  auto wt = weightsType(q);
  Type t = wt.getElementType();
  double scale = 1.0 / std::sqrt(double(typeOf(q).getDimSize(3)));
  // Dims (b, h, i, j, d): Q[b, i, h, d] Kᵀ[b, h, d, j].
  Value s = contract(b, loc, q, {0, 2, 1, 4}, headsDimsSteps(b, loc, k), {0, 1, 4, 3}, wt);
  s = b.create<linalg::GenericOp>(
           loc, wt, ValueRange{s},
           ValueRange{b.create<tensor::EmptyOp>(loc, wt.getShape(), t)},
           SmallVector<AffineMap>(2, b.getMultiDimIdentityMap(4)),
           SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
           [&](OpBuilder &nb, Location l, ValueRange a) {
             ScalarOps o{nb, l, t};
             Value v = o.mul(a[0], o.c(scale));
             if (causal) {
               Value i = nb.create<linalg::IndexOp>(l, 2), j = nb.create<linalg::IndexOp>(l, 3);
               Value future = nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::ugt, j, i);
               v = o.select(future, o.c(-INFINITY), v);
             }
             nb.create<linalg::YieldOp>(l, v);
           })
          .getResult(0);
  return fromRows(b, loc, softmaxRows(b, loc, toRows(b, loc, s)), wt);
}

Value attentionWeightsGrad(OpBuilder &b, Location loc, Value dp, Value p, Value qkv,
                           int64_t heads) {
  Value p5 = packed(b, loc, qkv, heads);
  Value q = part(b, loc, p5, 0), k = part(b, loc, p5, 1);
  Type t = typeOf(p).getElementType();
  double scale = 1.0 / std::sqrt(double(typeOf(q).getDimSize(3)));
  // The softmax's backward row by row, then the scale: dS = scale P (dP -
  // Σ_j dP P). Masked weights are 0, so their dS is too.
  Value pr = toRows(b, loc, p), dpr = toRows(b, loc, dp);
  Value prod = mapElementwise(b, loc, {dpr, pr}, t, binary<arith::MulFOp>);
  Value dot = reduce2d(b, loc, prod, 1, 0.0, binary<arith::AddFOp>);
  Value centered = mapWithColumn(b, loc, dpr, dot, binary<arith::SubFOp>);
  Value ds = mapElementwise(b, loc, {centered, pr}, t, [&](OpBuilder &nb, Location l, ValueRange a) {
    ScalarOps o{nb, l, t};
    return o.mul(o.mul(a[0], a[1]), o.c(scale));
  });
  ds = fromRows(b, loc, ds, typeOf(p));
  auto qt = typeOf(q);
  // dQ[b, i, h, d] = Σ_j dS[b, h, i, j] K[b, j, h, d]: dims (b, i, h, d, j).
  Value dq = contract(b, loc, ds, {0, 2, 1, 4}, k, {0, 4, 2, 3}, qt);
  // dK[b, j, h, d] = Σ_i dS[b, h, i, j] Q[b, i, h, d]: dims (b, j, h, d, i).
  Value dk = contract(b, loc, ds, {0, 2, 4, 1}, q, {0, 4, 2, 3}, qt);
  return pack(b, loc, {{0, dq}, {1, dk}}, typeOf(qkv), heads);
}

Value attentionApply(OpBuilder &b, Location loc, Value p, Value qkv) {
  int64_t heads = typeOf(p).getDimSize(1);
  Value v = part(b, loc, packed(b, loc, qkv, heads), 2);
  auto vt = typeOf(v);
  // O[b, i, h, d] = Σ_j P[b, h, i, j] V[b, j, h, d]: dims (b, i, h, d, j).
  Value o = contract(b, loc, p, {0, 2, 1, 4}, v, {0, 4, 2, 3}, vt);
  return b.create<tensor::CollapseShapeOp>(
      loc,
      RankedTensorType::get({vt.getDimSize(0), vt.getDimSize(1), vt.getDimSize(2) * vt.getDimSize(3)},
                            vt.getElementType()),
      o, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
}

SmallVector<Value, 2> attentionApplyGrad(OpBuilder &b, Location loc, Value dout, Value p,
                                         Value qkv) {
  int64_t heads = typeOf(p).getDimSize(1);
  Value v = part(b, loc, packed(b, loc, qkv, heads), 2);
  auto vt = typeOf(v);
  Value dO = b.create<tensor::ExpandShapeOp>(loc, vt, dout,
                                             SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  // dP[b, h, i, j] = Σ_d dO[b, i, h, d] Vᵀ[b, h, d, j]: dims (b, h, i, j, d).
  Value dp = contract(b, loc, dO, {0, 2, 1, 4}, headsDimsSteps(b, loc, v), {0, 1, 4, 3},
                      typeOf(p));
  // dV[b, j, h, d] = Σ_i P[b, h, i, j] dO[b, i, h, d]: dims (b, j, h, d, i).
  Value dv = contract(b, loc, p, {0, 2, 4, 1}, dO, {0, 4, 2, 3}, vt);
  return {dp, pack(b, loc, {{2, dv}}, typeOf(qkv), heads)};
}

} // namespace kiln
