//===- AttentionBuilders.cpp - Fused multi-head attention in linalg -------===//
//
// Each (batch, head) iteration reads its Q, K, V as [tile, d] views of the
// packed rows and writes its results into views of the outputs, which the
// loops carry (in place once bufferized). The forward runs over query tiles
// and, inside, key tiles with an online softmax; the backward over key tiles
// (accumulating their dK, dV) and, inside, query tiles (accumulating the
// head's dQ). Weights exist only as [tile, tile] temporaries of one
// iteration. Causal query tiles skip the key tiles after them. The products
// are linalg matmuls (K and V transposed first where the product wants
// [d, tile]), so they get the matmul register block.
//
#include "dialects/NN/IR/AttentionBuilders.h"
#include "dialects/NN/IR/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

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

/// Offsets, sizes and strides of the [size, d] tile of part `s` (0 Q, 1 K,
/// 2 V; -1 for a [B, T, H, d] tensor) at (bi, rows from `row`, hi).
struct View {
  SmallVector<OpFoldResult> offsets, sizes, strides;
};

View tileAt(OpBuilder &b, Value bi, Value hi, int64_t s, OpFoldResult row, int64_t size,
            const Dims &n) {
  View k;
  k.offsets = {bi, row};
  k.sizes = {b.getIndexAttr(1), b.getIndexAttr(size)};
  if (s >= 0) {
    k.offsets.push_back(b.getIndexAttr(s));
    k.sizes.push_back(b.getIndexAttr(1));
  }
  k.offsets.append({hi, b.getIndexAttr(0)});
  k.sizes.append({b.getIndexAttr(1), b.getIndexAttr(n.d)});
  k.strides.assign(k.offsets.size(), b.getIndexAttr(1));
  return k;
}

Value extractTile(OpBuilder &b, Location loc, Value src, Value bi, Value hi, int64_t s,
                  OpFoldResult row, int64_t size, const Dims &n) {
  View k = tileAt(b, bi, hi, s, row, size, n);
  return b.create<tensor::ExtractSliceOp>(loc, RankedTensorType::get({size, n.d}, n.elem),
                                          src, k.offsets, k.sizes, k.strides);
}

Value insertTile(OpBuilder &b, Location loc, Value v, Value dst, Value bi, Value hi, int64_t s,
                 OpFoldResult row, const Dims &n) {
  View k = tileAt(b, bi, hi, s, row, typeOf(v).getDimSize(0), n);
  return b.create<tensor::InsertSliceOp>(loc, v, dst, k.offsets, k.sizes, k.strides);
}

/// The row statistics of rows `row` .. `row + size` of (bi, hi) in [B, H, T].
Value extractRows(OpBuilder &b, Location loc, Value src, Value bi, Value hi, OpFoldResult row,
                  int64_t size, const Dims &n) {
  return b.create<tensor::ExtractSliceOp>(
      loc, RankedTensorType::get({size}, n.elem), src, ArrayRef<OpFoldResult>{bi, hi, row},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(size)},
      SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
}

Value insertRows(OpBuilder &b, Location loc, Value v, Value dst, Value bi, Value hi,
                 OpFoldResult row) {
  int64_t size = typeOf(v).getDimSize(0);
  return b.create<tensor::InsertSliceOp>(
      loc, v, dst, ArrayRef<OpFoldResult>{bi, hi, row},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(size)},
      SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
}

/// Elements `at` .. `at + size` of a 1-D tensor.
Value slice1d(OpBuilder &b, Location loc, Value v, Value at, int64_t size) {
  return b.create<tensor::ExtractSliceOp>(
      loc, RankedTensorType::get({size}, typeOf(v).getElementType()), v,
      ArrayRef<OpFoldResult>{at}, ArrayRef<OpFoldResult>{b.getIndexAttr(size)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
}

Value index(OpBuilder &b, Location loc, int64_t v) {
  return b.create<arith::ConstantIndexOp>(loc, v);
}

Value expOfDifference(OpBuilder &b, Location loc, ValueRange a) {
  return b.create<math::ExpOp>(loc, b.create<arith::SubFOp>(loc, a[0], a[1]));
}

/// `dst` [rows] or [rows, cols] updated in place by fn(ins..., dst) where
/// each of `ins` is [rows] (broadcast over the columns).
Value update(OpBuilder &b, Location loc, Value dst, ValueRange ins, ScalarFn fn) {
  auto t = typeOf(dst);
  unsigned rank = t.getRank();
  SmallVector<AffineMap> maps(ins.size(), AffineMap::get(rank, 0, b.getAffineDimExpr(0)));
  maps.push_back(b.getMultiDimIdentityMap(rank));
  return b
      .create<linalg::GenericOp>(
          loc, t, ins, ValueRange{dst}, maps,
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location l, ValueRange a) {
            nb.create<linalg::YieldOp>(l, fn(nb, l, a));
          })
      .getResult(0);
}

/// Q Kᵀ / √d for a tile of queries from `q0` and keys from `k0` (`kT` is the
/// keys' tile transposed, [d, keys]), -inf where the key is after the query
/// when causal: [queries, keys].
Value scores(OpBuilder &b, Location loc, Value q, Value kT, Value q0, Value k0, const Dims &n,
             bool causal) {
  double scale = 1.0 / std::sqrt(double(n.d));
  Value s = matmul(b, loc, q, kT);
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
              Value i = nb.create<arith::AddIOp>(l, q0, nb.create<linalg::IndexOp>(l, 0));
              Value j = nb.create<arith::AddIOp>(l, k0, nb.create<linalg::IndexOp>(l, 1));
              Value future = nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::ugt, j, i);
              v = o.select(future, o.c(-INFINITY), v);
            }
            nb.create<linalg::YieldOp>(l, v);
          })
      .getResult(0);
}

/// Dropout of the weights of queries from `q0` and keys from `k0` with the
/// mask element (b, h, i, j) of the whole [B, H, T, T] would get; `p`
/// unchanged outside training.
Value dropTile(OpBuilder &b, Location loc, Value p, Value bi, Value hi, Value q0, Value k0,
               const Dims &n, const AttentionConfig &c) {
  if (!c.seed || c.rate == 0.0)
    return p;
  Type i64 = b.getI64Type();
  auto cast = [&](Value v) { return b.create<arith::IndexCastOp>(loc, i64, v); };
  auto constant = [&](int64_t v) {
    return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(i64, v));
  };
  Value head = b.create<arith::AddIOp>(
      loc, b.create<arith::MulIOp>(loc, cast(bi), constant(n.heads)), cast(hi));
  Value row = b.create<arith::AddIOp>(loc, b.create<arith::MulIOp>(loc, head, constant(n.steps)),
                                      cast(q0));
  Value base = b.create<arith::AddIOp>(
      loc, b.create<arith::MulIOp>(loc, row, constant(n.steps)), cast(k0));
  return dropout(b, loc, p, c.seed, c.step, c.stream, c.rate, base, {n.steps, 1});
}

/// A loop over (batch, head) carrying `inits`; `body` returns the new
/// values of the carried tensors.
SmallVector<Value> forEachHead(
    OpBuilder &b, Location loc, ValueRange inits, const Dims &n,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, Value, ValueRange)> body) {
  auto outer = b.create<scf::ForOp>(
      loc, index(b, loc, 0), index(b, loc, n.batch), index(b, loc, 1), inits,
      [&](OpBuilder &ob, Location ol, Value bi, ValueRange acc) {
        auto inner = ob.create<scf::ForOp>(
            ol, index(ob, ol, 0), index(ob, ol, n.heads), index(ob, ol, 1), acc,
            [&](OpBuilder &ib, Location il, Value hi, ValueRange acc2) {
              ib.create<scf::YieldOp>(il, body(ib, il, bi, hi, acc2));
            });
        ob.create<scf::YieldOp>(ol, inner.getResults());
      });
  return SmallVector<Value>(outer.getResults());
}

/// How T steps split into tiles: `full` steps in tiles of `tile`, then `rem`.
struct Tiling {
  int64_t tile, full, rem;
};

Tiling tilingOf(const Dims &n, int64_t block) {
  int64_t tile = std::min(block, n.steps);
  return {tile, n.steps - n.steps % tile, n.steps % tile};
}

using TileBody =
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, int64_t, ValueRange)>;

/// Tiles of `tile` steps from `lb` to `ub` (a whole number of them), then
/// one of `rem` steps at `ub` when `rem` > 0, carrying `inits` through
/// `body(offset, size, carried)`.
SmallVector<Value> forTiles(OpBuilder &b, Location loc, Value lb, Value ub, int64_t tile,
                            int64_t rem, ValueRange inits, TileBody body) {
  SmallVector<Value> acc(inits);
  std::optional<int64_t> l = getConstantIntValue(lb), u = getConstantIntValue(ub);
  if (l && u && *u - *l == tile) {
    acc = body(b, loc, lb, tile, acc);
  } else if (!(l && u && *u <= *l)) {
    auto loop = b.create<scf::ForOp>(
        loc, lb, ub, index(b, loc, tile), acc,
        [&](OpBuilder &ib, Location il, Value i, ValueRange a) {
          ib.create<scf::YieldOp>(il, body(ib, il, i, tile, a));
        });
    acc.assign(loop.getResults().begin(), loop.getResults().end());
  }
  if (rem > 0)
    acc = body(b, loc, ub, rem, acc);
  return acc;
}

} // namespace

SmallVector<Value, 2> attention(OpBuilder &b, Location loc, Value qkv,
                                const AttentionConfig &c) {
  Dims n = dimsOf(qkv, c.heads);
  Tiling t = tilingOf(n, c.block);
  Value p5 = packed(b, loc, qkv, n);
  Value out0 = b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{n.batch, n.steps, n.heads, n.d},
                                         n.elem);
  Value lse0 =
      b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{n.batch, n.heads, n.steps}, n.elem);
  SmallVector<Value> r = forEachHead(
      b, loc, {out0, lse0}, n,
      [&](OpBuilder &hb, Location hl, Value bi, Value hi, ValueRange acc) {
        return forTiles(
            hb, hl, index(hb, hl, 0), index(hb, hl, t.full), t.tile, t.rem, acc,
            [&](OpBuilder &qb, Location ql, Value q0, int64_t bq,
                ValueRange res) -> SmallVector<Value> {
              Value q = extractTile(qb, ql, p5, bi, hi, 0, q0, bq, n);
              auto rowType = RankedTensorType::get({bq}, n.elem);
              // Per query: the running maximum m, sum l of exp(s - m) and
              // Σ exp(s - m) v over the keys so far.
              SmallVector<Value> init = {
                  filled(qb, ql, rowType, -INFINITY), filled(qb, ql, rowType, 0.0),
                  filled(qb, ql, RankedTensorType::get({bq, n.d}, n.elem), 0.0)};
              // A whole tile of causal queries sees the keys up to its end.
              bool upToQueries = c.causal && bq == t.tile;
              Value kEnd = upToQueries
                               ? qb.createOrFold<arith::AddIOp>(ql, q0, index(qb, ql, t.tile))
                               : index(qb, ql, t.full);
              SmallVector<Value> st = forTiles(
                  qb, ql, index(qb, ql, 0), kEnd, t.tile, upToQueries ? 0 : t.rem, init,
                  [&](OpBuilder &kb, Location kl, Value k0, int64_t bk,
                      ValueRange run) -> SmallVector<Value> {
                    Value k = extractTile(kb, kl, p5, bi, hi, 1, k0, bk, n);
                    Value v = extractTile(kb, kl, p5, bi, hi, 2, k0, bk, n);
                    Value s = scores(kb, kl, q, transpose2d(kb, kl, k), q0, k0, n, c.causal);
                    // Each row has a finite score in the first key tile (key
                    // 0 is never masked), so m is finite from there on.
                    Value m = mapElementwise(
                        kb, kl, {run[0], reduce2d(kb, kl, s, 1, -INFINITY,
                                                  binary<arith::MaximumFOp>)},
                        n.elem, binary<arith::MaximumFOp>);
                    Value p = mapWithColumn(kb, kl, s, m, expOfDifference);
                    Value alpha = mapElementwise(kb, kl, {run[0], m}, n.elem, expOfDifference);
                    // The carried values are updated in place (m last, after
                    // its readers), so the loop bufferizes in place.
                    Value l = update(kb, kl, run[1],
                                     {alpha, reduce2d(kb, kl, p, 1, 0.0, binary<arith::AddFOp>)},
                                     [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                                       return nb.create<arith::AddFOp>(
                                           nl, nb.create<arith::MulFOp>(nl, a[2], a[0]), a[1]);
                                     });
                    Value scaled = update(kb, kl, run[2], {alpha}, binary<arith::MulFOp>);
                    // Dropout commutes with the rows' normalization.
                    Value pv =
                        matmul(kb, kl, dropTile(kb, kl, p, bi, hi, q0, k0, n, c), v, scaled);
                    Value mNew =
                        kb.create<bufferization::MaterializeInDestinationOp>(kl, m, run[0])
                            .getResult();
                    return {mNew, l, pv};
                  });
              Value o = mapWithColumn(qb, ql, st[2], st[1], binary<arith::DivFOp>);
              // log Σ_j exp(s_ij) = m_i + log l_i.
              Value lse = mapElementwise(qb, ql, {st[0], st[1]}, n.elem,
                                         [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                                           return nb.create<arith::AddFOp>(
                                               nl, a[0], nb.create<math::LogOp>(nl, a[1]));
                                         });
              return {insertTile(qb, ql, o, res[0], bi, hi, -1, q0, n),
                      insertRows(qb, ql, lse, res[1], bi, hi, q0)};
            });
      });
  Value out = b.create<tensor::CollapseShapeOp>(
      loc, RankedTensorType::get({n.batch, n.steps, n.heads * n.d}, n.elem), r[0],
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  return {out, r[1]};
}

Value attentionGrad(OpBuilder &b, Location loc, Value dout, Value qkv, Value out, Value lse,
                    const AttentionConfig &c) {
  Dims n = dimsOf(qkv, c.heads);
  Tiling t = tilingOf(n, c.block);
  double scale = 1.0 / std::sqrt(double(n.d));
  Value p5 = packed(b, loc, qkv, n);
  auto rows4 = [&](Value v) {
    return b.create<tensor::ExpandShapeOp>(
        loc, RankedTensorType::get({n.batch, n.steps, n.heads, n.d}, n.elem), v,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  };
  Value dO4 = rows4(dout), o4 = rows4(out);
  auto tileType = [&](int64_t size) { return RankedTensorType::get({size, n.d}, n.elem); };
  // Every tile of the result is written: no fill.
  Value d0 = b.create<tensor::EmptyOp>(loc, typeOf(p5).getShape(), n.elem);
  SmallVector<Value> r = forEachHead(
      b, loc, {d0}, n,
      [&](OpBuilder &hb, Location hl, Value bi, Value hi, ValueRange acc) -> SmallVector<Value> {
        Value zero = index(hb, hl, 0);
        // Σ_j P_ij dP_ij = dO_i · O_i (dropout included): [T].
        Value delta = reduce2d(
            hb, hl,
            mapElementwise(hb, hl,
                           {extractTile(hb, hl, dO4, bi, hi, -1, zero, n.steps, n),
                            extractTile(hb, hl, o4, bi, hi, -1, zero, n.steps, n)},
                           n.elem, binary<arith::MulFOp>),
            1, 0.0, binary<arith::AddFOp>);
        Value lseRows = extractRows(hb, hl, lse, bi, hi, zero, n.steps, n);
        // dQ of the head accumulates over key tiles; dK, dV of a key tile over
        // query tiles.
        SmallVector<Value> st = forTiles(
            hb, hl, zero, index(hb, hl, t.full), t.tile, t.rem,
            {filled(hb, hl, tileType(n.steps), 0.0), acc[0]},
            [&](OpBuilder &kb, Location kl, Value k0, int64_t bk,
                ValueRange run) -> SmallVector<Value> {
              Value k = extractTile(kb, kl, p5, bi, hi, 1, k0, bk, n);
              Value v = extractTile(kb, kl, p5, bi, hi, 2, k0, bk, n);
              Value kT = transpose2d(kb, kl, k), vT = transpose2d(kb, kl, v);
              // Causal queries before the key tile see none of it.
              Value qStart = c.causal ? k0 : index(kb, kl, 0);
              SmallVector<Value> g = forTiles(
                  kb, kl, qStart, index(kb, kl, t.full), t.tile, t.rem,
                  {run[0], filled(kb, kl, tileType(bk), 0.0), filled(kb, kl, tileType(bk), 0.0)},
                  [&](OpBuilder &qb, Location ql, Value q0, int64_t bq,
                      ValueRange grad) -> SmallVector<Value> {
                    Value q = extractTile(qb, ql, p5, bi, hi, 0, q0, bq, n);
                    Value dO = extractTile(qb, ql, dO4, bi, hi, -1, q0, bq, n);
                    // P = exp(S - lse), recomputed; masked scores give 0.
                    Value p = mapWithColumn(qb, ql, scores(qb, ql, q, kT, q0, k0, n, c.causal),
                                            slice1d(qb, ql, lseRows, q0, bq), expOfDifference);
                    // dV += P'ᵀ dO; dP = mask(dO Vᵀ); dS = P (dP - delta) / √d.
                    Value dv = matmulTransposeA(qb, ql, dropTile(qb, ql, p, bi, hi, q0, k0, n, c),
                                                dO, grad[2]);
                    Value dp = dropTile(qb, ql, matmul(qb, ql, dO, vT), bi, hi, q0, k0, n, c);
                    Value centered = mapWithColumn(qb, ql, dp, slice1d(qb, ql, delta, q0, bq),
                                                   binary<arith::SubFOp>);
                    Value ds = mapElementwise(
                        qb, ql, {centered, p}, n.elem,
                        [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                          ScalarOps o{nb, nl, n.elem};
                          return o.mul(o.mul(a[0], a[1]), o.c(scale));
                        });
                    // dQ += dS K into the rows of this query tile.
                    SmallVector<OpFoldResult> at = {q0, qb.getIndexAttr(0)};
                    SmallVector<OpFoldResult> size = {qb.getIndexAttr(bq), qb.getIndexAttr(n.d)};
                    SmallVector<OpFoldResult> unit(2, qb.getIndexAttr(1));
                    Value dqRows =
                        qb.create<tensor::ExtractSliceOp>(ql, tileType(bq), grad[0], at, size, unit);
                    Value dq = qb.create<tensor::InsertSliceOp>(
                        ql, matmul(qb, ql, ds, k, dqRows), grad[0], at, size, unit);
                    Value dk = matmulTransposeA(qb, ql, ds, q, grad[1]);
                    return {dq, dk, dv};
                  });
              Value d = insertTile(kb, kl, g[1], run[1], bi, hi, 1, k0, n);
              return {g[0], insertTile(kb, kl, g[2], d, bi, hi, 2, k0, n)};
            });
        return {insertTile(hb, hl, st[0], st[1], bi, hi, 0, zero, n)};
      });
  return b.create<tensor::CollapseShapeOp>(loc, typeOf(qkv), r[0],
                                           SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}});
}

} // namespace kiln
