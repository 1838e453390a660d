//===- AttentionBuilders.cpp - Fused multi-head attention in linalg -------===//
//
// Each (batch, head) iteration reads its Q, K, V as [T, d] views of the
// packed rows and writes its [T, d] results into views of the outputs, which
// the loop carries (in place once bufferized). Its [T, T] blocks are
// temporaries of one iteration: the workspace holds one of each, not one per
// head. The products are linalg matmuls (K and V transposed first where the
// product wants [d, T]), so they get the matmul register block.
//
#include "dialects/NN/IR/AttentionBuilders.h"
#include "dialects/NN/IR/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;

namespace kiln {
namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// The shapes of one attention op.
struct Dims {
  int64_t batch, steps, heads, d;
  Type elem;
};

Dims dimsOf(Value qkv, int64_t heads) {
  auto t = typeOf(qkv);
  return {t.getDimSize(0), t.getDimSize(1), heads, t.getDimSize(2) / 3 / heads,
          t.getElementType()};
}

/// [B, T, 3E] as [B, T, 3, H, d].
Value packed(OpBuilder &b, Location loc, Value qkv, const Dims &n) {
  return b.create<tensor::ExpandShapeOp>(
      loc, RankedTensorType::get({n.batch, n.steps, 3, n.heads, n.d}, n.elem), qkv,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}});
}

/// Offsets, sizes and strides of the [T, d] block of part `s` (0 Q, 1 K,
/// 2 V; -1 for a [B, T, H, d] tensor) at (bi, hi).
struct View {
  SmallVector<OpFoldResult> offsets, sizes, strides;
};

View blockAt(OpBuilder &b, Value bi, Value hi, int64_t s, const Dims &n) {
  View k;
  k.offsets = {bi, b.getIndexAttr(0)};
  k.sizes = {b.getIndexAttr(1), b.getIndexAttr(n.steps)};
  if (s >= 0) {
    k.offsets.push_back(b.getIndexAttr(s));
    k.sizes.push_back(b.getIndexAttr(1));
  }
  k.offsets.append({hi, b.getIndexAttr(0)});
  k.sizes.append({b.getIndexAttr(1), b.getIndexAttr(n.d)});
  k.strides.assign(k.offsets.size(), b.getIndexAttr(1));
  return k;
}

RankedTensorType blockType(const Dims &n) {
  return RankedTensorType::get({n.steps, n.d}, n.elem);
}

Value extractBlock(OpBuilder &b, Location loc, Value src, Value bi, Value hi, int64_t s,
                   const Dims &n) {
  View k = blockAt(b, bi, hi, s, n);
  return b.create<tensor::ExtractSliceOp>(loc, blockType(n), src, k.offsets, k.sizes,
                                          k.strides);
}

Value insertBlock(OpBuilder &b, Location loc, Value v, Value dst, Value bi, Value hi,
                  int64_t s, const Dims &n) {
  View k = blockAt(b, bi, hi, s, n);
  return b.create<tensor::InsertSliceOp>(loc, v, dst, k.offsets, k.sizes, k.strides);
}

/// The [T] row statistics of (bi, hi) in [B, H, T].
View rowsAt(OpBuilder &b, Value bi, Value hi, const Dims &n) {
  return {{bi, hi, b.getIndexAttr(0)},
          {b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(n.steps)},
          SmallVector<OpFoldResult>(3, b.getIndexAttr(1))};
}

/// Q Kᵀ / √d for one head, -inf above the diagonal when causal: [T, T].
Value scores(OpBuilder &b, Location loc, Value q, Value k, const Dims &n, bool causal) {
  double scale = 1.0 / std::sqrt(double(n.d));
  Value s = matmul(b, loc, q, transpose2d(b, loc, k));
  auto st = typeOf(s);
  return b
      .create<linalg::GenericOp>(
          loc, st, ValueRange{s}, ValueRange{b.create<tensor::EmptyOp>(loc, st.getShape(), n.elem)},
          SmallVector<AffineMap>(2, b.getMultiDimIdentityMap(2)),
          SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location l, ValueRange a) {
            ScalarOps o{nb, l, n.elem};
            Value v = o.mul(a[0], o.c(scale));
            if (causal) {
              Value i = nb.create<linalg::IndexOp>(l, 0), j = nb.create<linalg::IndexOp>(l, 1);
              Value future = nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::ugt, j, i);
              v = o.select(future, o.c(-INFINITY), v);
            }
            nb.create<linalg::YieldOp>(l, v);
          })
      .getResult(0);
}

/// Dropout of a head's [T, T] block with the mask element (b, h, i, j) of
/// the whole [B, H, T, T] would get; `p` unchanged outside training.
Value dropHead(OpBuilder &b, Location loc, Value p, Value bi, Value hi, const Dims &n,
               const AttentionConfig &c) {
  if (!c.seed || c.rate == 0.0)
    return p;
  Type i64 = b.getI64Type();
  Value head = b.create<arith::AddIOp>(
      loc, b.create<arith::MulIOp>(loc, bi, b.create<arith::ConstantIndexOp>(loc, n.heads)), hi);
  Value base = b.create<arith::MulIOp>(
      loc, b.create<arith::IndexCastOp>(loc, i64, head),
      b.create<arith::ConstantOp>(loc, b.getIntegerAttr(i64, n.steps * n.steps)));
  return dropout(b, loc, p, c.seed, c.step, c.stream, c.rate, base);
}

/// A loop over (batch, head) carrying `inits`; `body` returns the new
/// values of the carried tensors.
SmallVector<Value> forEachHead(
    OpBuilder &b, Location loc, ValueRange inits, const Dims &n,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, Value, ValueRange)> body) {
  auto c = [&](int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); };
  auto outer = b.create<scf::ForOp>(
      loc, c(0), c(n.batch), c(1), inits,
      [&](OpBuilder &ob, Location ol, Value bi, ValueRange acc) {
        Value zero = ob.create<arith::ConstantIndexOp>(ol, 0);
        Value heads = ob.create<arith::ConstantIndexOp>(ol, n.heads);
        Value one = ob.create<arith::ConstantIndexOp>(ol, 1);
        auto inner = ob.create<scf::ForOp>(
            ol, zero, heads, one, acc,
            [&](OpBuilder &ib, Location il, Value hi, ValueRange acc2) {
              ib.create<scf::YieldOp>(il, body(ib, il, bi, hi, acc2));
            });
        ob.create<scf::YieldOp>(ol, inner.getResults());
      });
  return SmallVector<Value>(outer.getResults());
}

} // namespace

SmallVector<Value, 2> attention(OpBuilder &b, Location loc, Value qkv,
                                const AttentionConfig &c) {
  Dims n = dimsOf(qkv, c.heads);
  Value p5 = packed(b, loc, qkv, n);
  Value out0 = b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{n.batch, n.steps, n.heads, n.d},
                                         n.elem);
  Value lse0 =
      b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{n.batch, n.heads, n.steps}, n.elem);
  SmallVector<Value> r = forEachHead(
      b, loc, {out0, lse0}, n,
      [&](OpBuilder &ib, Location l, Value bi, Value hi, ValueRange acc) -> SmallVector<Value> {
        Value q = extractBlock(ib, l, p5, bi, hi, 0, n);
        Value k = extractBlock(ib, l, p5, bi, hi, 1, n);
        Value v = extractBlock(ib, l, p5, bi, hi, 2, n);
        ShiftedExp e = shiftedExpRows(ib, l, scores(ib, l, q, k, n, c.causal));
        Value p = mapWithColumn(ib, l, e.exp, e.rowSum, binary<arith::DivFOp>);
        // log Σ_j exp(s_ij) = max_i + log Σ_j exp(s_ij - max_i).
        Value lse = mapElementwise(ib, l, {e.rowMax, e.rowSum}, n.elem,
                                   [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                                     return nb.create<arith::AddFOp>(
                                         nl, a[0], nb.create<math::LogOp>(nl, a[1]));
                                   });
        Value o = matmul(ib, l, dropHead(ib, l, p, bi, hi, n, c), v);
        View rows = rowsAt(ib, bi, hi, n);
        return {insertBlock(ib, l, o, acc[0], bi, hi, -1, n),
                ib.create<tensor::InsertSliceOp>(l, lse, acc[1], rows.offsets, rows.sizes,
                                                 rows.strides)};
      });
  Value out = b.create<tensor::CollapseShapeOp>(
      loc, RankedTensorType::get({n.batch, n.steps, n.heads * n.d}, n.elem), r[0],
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  return {out, r[1]};
}

Value attentionGrad(OpBuilder &b, Location loc, Value dout, Value qkv, Value lse,
                    const AttentionConfig &c) {
  Dims n = dimsOf(qkv, c.heads);
  double scale = 1.0 / std::sqrt(double(n.d));
  Value p5 = packed(b, loc, qkv, n);
  Value dO4 = b.create<tensor::ExpandShapeOp>(
      loc, RankedTensorType::get({n.batch, n.steps, n.heads, n.d}, n.elem), dout,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  // Every block of the result is written: no fill.
  Value d0 = b.create<tensor::EmptyOp>(loc, typeOf(p5).getShape(), n.elem);
  SmallVector<Value> r = forEachHead(
      b, loc, {d0}, n,
      [&](OpBuilder &ib, Location l, Value bi, Value hi, ValueRange acc) -> SmallVector<Value> {
        Value q = extractBlock(ib, l, p5, bi, hi, 0, n);
        Value k = extractBlock(ib, l, p5, bi, hi, 1, n);
        Value v = extractBlock(ib, l, p5, bi, hi, 2, n);
        Value dO = extractBlock(ib, l, dO4, bi, hi, -1, n);
        View rows = rowsAt(ib, bi, hi, n);
        Value lseRow = ib.create<tensor::ExtractSliceOp>(
            l, RankedTensorType::get({n.steps}, n.elem), lse, rows.offsets, rows.sizes,
            rows.strides);
        // P = exp(S - lse), recomputed; masked scores give exactly 0.
        Value p = mapWithColumn(ib, l, scores(ib, l, q, k, n, c.causal), lseRow,
                                [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                                  return nb.create<math::ExpOp>(
                                      nl, nb.create<arith::SubFOp>(nl, a[0], a[1]));
                                });
        // dV = P'ᵀ dO; dP = mask(dO Vᵀ); dS = P (dP - Σ_j P dP) / √d.
        Value dv = matmulTransposeA(ib, l, dropHead(ib, l, p, bi, hi, n, c), dO);
        Value dp = dropHead(ib, l, matmul(ib, l, dO, transpose2d(ib, l, v)), bi, hi, n, c);
        Value dot = reduce2d(ib, l, mapElementwise(ib, l, {dp, p}, n.elem, binary<arith::MulFOp>),
                             1, 0.0, binary<arith::AddFOp>);
        Value centered = mapWithColumn(ib, l, dp, dot, binary<arith::SubFOp>);
        Value ds = mapElementwise(ib, l, {centered, p}, n.elem,
                                  [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                                    ScalarOps o{nb, nl, n.elem};
                                    return o.mul(o.mul(a[0], a[1]), o.c(scale));
                                  });
        Value dq = matmul(ib, l, ds, k);
        Value dk = matmulTransposeA(ib, l, ds, q);
        Value d = insertBlock(ib, l, dq, acc[0], bi, hi, 0, n);
        d = insertBlock(ib, l, dk, d, bi, hi, 1, n);
        return {insertBlock(ib, l, dv, d, bi, hi, 2, n)};
      });
  return b.create<tensor::CollapseShapeOp>(loc, typeOf(qkv), r[0],
                                           SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}});
}

} // namespace kiln
