//===- SequenceBuilders.cpp - Sequence and graph layers in linalg ---------===//
#include "dialects/NN/IR/SequenceBuilders.h"
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

/// [[0, ..., rank-2], [rank-1]]: leading dims into rows.
SmallVector<ReassociationIndices> rowsOf(int64_t rank) {
  ReassociationIndices lead;
  for (int64_t i = 0; i + 1 < rank; ++i)
    lead.push_back(i);
  return {lead, {rank - 1}};
}

SmallVector<utils::IteratorType> parallel(int64_t rank) {
  return SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel);
}

Value empty(OpBuilder &b, Location loc, RankedTensorType t) {
  return b.create<tensor::EmptyOp>(loc, t.getShape(), t.getElementType());
}

/// The identity map of `rank` dims without dim `axis`.
AffineMap dropDim(OpBuilder &b, int64_t rank, int64_t axis) {
  SmallVector<AffineExpr> e;
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      e.push_back(b.getAffineDimExpr(i));
  return AffineMap::get(rank, 0, e, b.getContext());
}

/// A generic over rows [M, F] (`rows`, identity) and per-row values [M]
/// (`cols`); fn sees rows then cols.
Value mapRowsCols(OpBuilder &b, Location loc, ValueRange rows, ValueRange cols,
                  ScalarFn fn) {
  auto t = typeOf(rows[0]);
  SmallVector<Value> ins(rows);
  ins.append(cols.begin(), cols.end());
  SmallVector<AffineMap> maps(rows.size(), b.getMultiDimIdentityMap(2));
  maps.append(cols.size(), AffineMap::get(2, 0, b.getAffineDimExpr(0)));
  maps.push_back(b.getMultiDimIdentityMap(2));
  return b
      .create<linalg::GenericOp>(loc, t, ins, ValueRange{empty(b, loc, t)}, maps,
                                 parallel(2),
                                 [&](OpBuilder &nb, Location l, ValueRange a) {
                                   nb.create<linalg::YieldOp>(l, fn(nb, l, a.drop_back()));
                                 })
      .getResult(0);
}

/// Row sums of x [M, F] times `scale`.
Value rowMean(OpBuilder &b, Location loc, Value x, double scale) {
  Value s = reduce2d(b, loc, x, 1, 0.0, binary<arith::AddFOp>);
  Type t = typeOf(x).getElementType();
  return mapElementwise(b, loc, {s}, t, [&](OpBuilder &nb, Location l, ValueRange a) {
    return ScalarOps{nb, l, t}.mul(a[0], floatConst(nb, l, t, scale));
  });
}

} // namespace

Value toRows(OpBuilder &b, Location loc, Value x) {
  auto t = typeOf(x);
  if (t.getRank() == 2)
    return x;
  int64_t f = t.getShape().back();
  return b.create<tensor::CollapseShapeOp>(
      loc, RankedTensorType::get({t.getNumElements() / f, f}, t.getElementType()),
      x, rowsOf(t.getRank()));
}

Value fromRows(OpBuilder &b, Location loc, Value rows, RankedTensorType type) {
  if (type.getRank() == 2)
    return rows;
  return b.create<tensor::ExpandShapeOp>(loc, type, rows, rowsOf(type.getRank()));
}

static Value transposed(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> perm) {
  auto t = typeOf(x);
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(t.getDimSize(p));
  Value init = b.create<tensor::EmptyOp>(loc, shape, t.getElementType());
  return b.create<linalg::TransposeOp>(loc, x, init, perm).getResult()[0];
}

Value moveAxisLast(OpBuilder &b, Location loc, Value x, int64_t axis) {
  int64_t rank = typeOf(x).getRank();
  if (axis == rank - 1)
    return x;
  SmallVector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      perm.push_back(i);
  perm.push_back(axis);
  return transposed(b, loc, x, perm);
}

Value moveLastAxis(OpBuilder &b, Location loc, Value x, int64_t axis) {
  int64_t rank = typeOf(x).getRank();
  if (axis == rank - 1)
    return x;
  // The inverse of moveAxisLast's permutation.
  SmallVector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i < axis ? i : i == axis ? rank - 1 : i - 1);
  return transposed(b, loc, x, perm);
}

Value flatLabels(OpBuilder &b, Location loc, Value labels) {
  auto t = typeOf(labels);
  if (t.getRank() == 1)
    return labels;
  ReassociationIndices all;
  for (int64_t i = 0; i < t.getRank(); ++i)
    all.push_back(i);
  return b.create<tensor::CollapseShapeOp>(
      loc, RankedTensorType::get({t.getNumElements()}, t.getElementType()), labels,
      SmallVector<ReassociationIndices>{all});
}

//===----------------------------------------------------------------------===//
// Embeddings
//===----------------------------------------------------------------------===//

Value embedding(OpBuilder &b, Location loc, Value ids, Value weight) {
  auto it = typeOf(ids), wt = typeOf(weight);
  int64_t rank = it.getRank() + 1, rows = wt.getDimSize(0);
  SmallVector<int64_t> shape(it.getShape());
  shape.push_back(wt.getDimSize(1));
  auto out = RankedTensorType::get(shape, wt.getElementType());
  Type idType = it.getElementType();
  return b
      .create<linalg::GenericOp>(
          loc, out, ValueRange{ids}, ValueRange{empty(b, loc, out)},
          SmallVector<AffineMap>{dropDim(b, rank, rank - 1), b.getMultiDimIdentityMap(rank)},
          parallel(rank),
          [&](OpBuilder &nb, Location l, ValueRange a) {
            // Clamped: a bad id reads a real row, never past the table.
            Value lo = nb.create<arith::ConstantOp>(l, nb.getIntegerAttr(idType, 0));
            Value hi = nb.create<arith::ConstantOp>(l, nb.getIntegerAttr(idType, rows - 1));
            Value id = nb.create<arith::MinSIOp>(l, nb.create<arith::MaxSIOp>(l, a[0], lo), hi);
            Value row = nb.create<arith::IndexCastOp>(l, nb.getIndexType(), id);
            Value col = nb.create<linalg::IndexOp>(l, rank - 1);
            nb.create<linalg::YieldOp>(
                l, Value(nb.create<tensor::ExtractOp>(l, weight, ValueRange{row, col})));
          })
      .getResult(0);
}

Value embeddingGrad(OpBuilder &b, Location loc, Value ids, Value dy,
                    RankedTensorType weightType) {
  auto it = typeOf(ids);
  int64_t n = it.getNumElements(), v = weightType.getDimSize(0),
          d = weightType.getDimSize(1);
  Type t = weightType.getElementType(), idType = it.getElementType();
  Value flatIds = ids;
  if (it.getRank() != 1) {
    ReassociationIndices all;
    for (int64_t i = 0; i < it.getRank(); ++i)
      all.push_back(i);
    flatIds = b.create<tensor::CollapseShapeOp>(
        loc, RankedTensorType::get({n}, idType), ids, SmallVector<ReassociationIndices>{all});
  }
  Value rows = toRows(b, loc, dy);
  // A scatter-add, one row of dy per id in order (deterministic): the loop
  // carries the table; each step adds a [1, D] row in place, the ids
  // clamped as the forward clamps them.
  auto rowType = RankedTensorType::get({1, d}, t);
  auto c = [&](int64_t i) { return b.create<arith::ConstantIndexOp>(loc, i); };
  auto loop = b.create<scf::ForOp>(
      loc, c(0), c(n), c(1), ValueRange{filled(b, loc, weightType, 0.0)},
      [&](OpBuilder &nb, Location l, Value i, ValueRange acc) {
        Value lo = nb.create<arith::ConstantOp>(l, nb.getIntegerAttr(idType, 0));
        Value hi = nb.create<arith::ConstantOp>(l, nb.getIntegerAttr(idType, v - 1));
        Value id = nb.create<tensor::ExtractOp>(l, flatIds, ValueRange{i});
        id = nb.create<arith::MinSIOp>(l, nb.create<arith::MaxSIOp>(l, id, lo), hi);
        Value at = nb.create<arith::IndexCastOp>(l, nb.getIndexType(), id);
        Value zero = nb.create<arith::ConstantIndexOp>(l, 0);
        auto slice = [&](Value src, Value row) {
          return nb.create<tensor::ExtractSliceOp>(
              l, rowType, src, ValueRange{row, zero}, ValueRange{}, ValueRange{},
              nb.getDenseI64ArrayAttr({ShapedType::kDynamic, ShapedType::kDynamic}),
              nb.getDenseI64ArrayAttr({1, d}), nb.getDenseI64ArrayAttr({1, 1}));
        };
        Value sum = nb.create<linalg::GenericOp>(
                          l, rowType, ValueRange{slice(rows, i)}, ValueRange{slice(acc[0], at)},
                          SmallVector<AffineMap>(2, nb.getMultiDimIdentityMap(2)), parallel(2),
                          [&](OpBuilder &gb, Location gl, ValueRange a) {
                            gb.create<linalg::YieldOp>(
                                gl, Value(gb.create<arith::AddFOp>(gl, a[1], a[0])));
                          })
                        .getResult(0);
        Value updated = nb.create<tensor::InsertSliceOp>(
            l, sum, acc[0], ValueRange{at, zero}, ValueRange{}, ValueRange{},
            nb.getDenseI64ArrayAttr({ShapedType::kDynamic, ShapedType::kDynamic}),
            nb.getDenseI64ArrayAttr({1, d}), nb.getDenseI64ArrayAttr({1, 1}));
        nb.create<scf::YieldOp>(l, updated);
      });
  return loop.getResult(0);
}

Value positionEmbedding(OpBuilder &b, Location loc, Value x, Value weight) {
  auto xt = typeOf(x), wt = typeOf(weight);
  int64_t steps = xt.getDimSize(1), d = xt.getDimSize(2);
  Value w = weight;
  if (wt.getDimSize(0) != steps)
    w = b.create<tensor::ExtractSliceOp>(
        loc, RankedTensorType::get({steps, d}, wt.getElementType()), weight,
        ValueRange{}, ValueRange{}, ValueRange{}, b.getDenseI64ArrayAttr({0, 0}),
        b.getDenseI64ArrayAttr({steps, d}), b.getDenseI64ArrayAttr({1, 1}));
  return b
      .create<linalg::GenericOp>(
          loc, xt, ValueRange{x, w}, ValueRange{empty(b, loc, xt)},
          SmallVector<AffineMap>{b.getMultiDimIdentityMap(3), dropDim(b, 3, 0),
                                 b.getMultiDimIdentityMap(3)},
          parallel(3),
          [&](OpBuilder &nb, Location l, ValueRange a) {
            nb.create<linalg::YieldOp>(l, Value(nb.create<arith::AddFOp>(l, a[0], a[1])));
          })
      .getResult(0);
}

Value positionEmbeddingGrad(OpBuilder &b, Location loc, Value dy,
                            RankedTensorType weightType) {
  auto dt = typeOf(dy);
  int64_t steps = dt.getDimSize(1), d = dt.getDimSize(2);
  auto sumType = RankedTensorType::get({steps, d}, dt.getElementType());
  // Σ over the batch: the batch loop outermost, rows of vectors inside.
  Value sum =
      b.create<linalg::GenericOp>(
           loc, sumType, ValueRange{dy}, ValueRange{filled(b, loc, sumType, 0.0)},
           SmallVector<AffineMap>{b.getMultiDimIdentityMap(3), dropDim(b, 3, 0)},
           SmallVector<utils::IteratorType>{utils::IteratorType::reduction,
                                            utils::IteratorType::parallel,
                                            utils::IteratorType::parallel},
           [&](OpBuilder &nb, Location l, ValueRange a) {
             nb.create<linalg::YieldOp>(l, Value(nb.create<arith::AddFOp>(l, a[0], a[1])));
           })
          .getResult(0);
  if (weightType.getDimSize(0) == steps)
    return sum;
  return b.create<tensor::InsertSliceOp>(
      loc, sum, filled(b, loc, weightType, 0.0), ValueRange{}, ValueRange{},
      ValueRange{}, b.getDenseI64ArrayAttr({0, 0}),
      b.getDenseI64ArrayAttr({steps, d}), b.getDenseI64ArrayAttr({1, 1}));
}

//===----------------------------------------------------------------------===//
// Layer norm
//===----------------------------------------------------------------------===//

namespace {
/// x̂ = (x - mean) * rstd of rows [M, F], and rstd [M].
std::pair<Value, Value> normalizeRows(OpBuilder &b, Location loc, Value x,
                                      double eps) {
  Type t = typeOf(x).getElementType();
  double inv = 1.0 / double(typeOf(x).getDimSize(1));
  Value mean = rowMean(b, loc, x, inv);
  Value centered = mapWithColumn(b, loc, x, mean, binary<arith::SubFOp>);
  Value sq = mapElementwise(b, loc, {centered}, t, [](OpBuilder &nb, Location l, ValueRange a) {
    return Value(nb.create<arith::MulFOp>(l, a[0], a[0]));
  });
  Value var = rowMean(b, loc, sq, inv);
  Value rstd = mapElementwise(b, loc, {var}, t, [&](OpBuilder &nb, Location l, ValueRange a) {
    ScalarOps s{nb, l, t};
    return s.div(s.c(1.0), s.sqrt(s.add(a[0], s.c(eps))));
  });
  return {mapWithColumn(b, loc, centered, rstd, binary<arith::MulFOp>), rstd};
}
} // namespace

Value layerNorm(OpBuilder &b, Location loc, Value x, Value weight, Value bias,
                double eps) {
  Value y = normalizeRows(b, loc, toRows(b, loc, x), eps).first;
  if (weight)
    y = mapWithRow(b, loc, y, weight, binary<arith::MulFOp>);
  if (bias)
    y = mapWithRow(b, loc, y, bias, binary<arith::AddFOp>);
  return fromRows(b, loc, y, typeOf(x));
}

SmallVector<Value, 3> layerNormGrad(OpBuilder &b, Location loc, Value dy,
                                    Value x, Value weight, double eps) {
  Type t = typeOf(x).getElementType();
  Value rows = toRows(b, loc, x), g = toRows(b, loc, dy);
  auto [xhat, rstd] = normalizeRows(b, loc, rows, eps);
  double inv = 1.0 / double(typeOf(rows).getDimSize(1));
  // dx̂ = dy w; dx = rstd (dx̂ - mean(dx̂) - x̂ mean(dx̂ x̂)).
  Value gh = weight ? mapWithRow(b, loc, g, weight, binary<arith::MulFOp>) : g;
  Value meanG = rowMean(b, loc, gh, inv);
  Value gx = mapElementwise(b, loc, {gh, xhat}, t, binary<arith::MulFOp>);
  Value meanGX = rowMean(b, loc, gx, inv);
  Value dx = mapRowsCols(b, loc, {gh, xhat}, {rstd, meanG, meanGX},
                         [&](OpBuilder &nb, Location l, ValueRange a) {
                           ScalarOps s{nb, l, t};
                           return s.mul(a[2], s.sub(s.sub(a[0], a[3]), s.mul(a[1], a[4])));
                         });
  SmallVector<Value, 3> out{fromRows(b, loc, dx, typeOf(x)), Value(), Value()};
  if (weight) {
    Value gxh = mapElementwise(b, loc, {g, xhat}, t, binary<arith::MulFOp>);
    out[1] = reduce2d(b, loc, gxh, 0, 0.0, binary<arith::AddFOp>);
    out[2] = reduce2d(b, loc, g, 0, 0.0, binary<arith::AddFOp>);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// GELU
//===----------------------------------------------------------------------===//

Value gelu(OpBuilder &b, Location loc, Value x) {
  Type t = typeOf(x).getElementType();
  return mapElementwise(b, loc, {x}, t, [&](OpBuilder &nb, Location l, ValueRange a) {
    ScalarOps s{nb, l, t};
    Value erf = nb.create<math::ErfOp>(l, s.mul(a[0], s.c(M_SQRT1_2)));
    return s.mul(s.mul(a[0], s.c(0.5)), s.add(s.c(1.0), erf));
  });
}

Value geluGrad(OpBuilder &b, Location loc, Value dy, Value x) {
  Type t = typeOf(x).getElementType();
  return mapElementwise(b, loc, {dy, x}, t, [&](OpBuilder &nb, Location l, ValueRange a) {
    ScalarOps s{nb, l, t};
    // Φ(x) + x φ(x), φ(x) = exp(-x²/2) / √(2π).
    Value cdf = s.mul(s.c(0.5), s.add(s.c(1.0), nb.create<math::ErfOp>(
                                                     l, s.mul(a[1], s.c(M_SQRT1_2)))));
    Value pdf = s.mul(nb.create<math::ExpOp>(l, s.mul(s.mul(a[1], a[1]), s.c(-0.5))),
                      s.c(0.5 * M_2_SQRTPI * M_SQRT1_2));
    return s.mul(a[0], s.add(cdf, s.mul(a[1], pdf)));
  });
}

//===----------------------------------------------------------------------===//
// Merges and reductions over an axis
//===----------------------------------------------------------------------===//

namespace {
/// Offsets, sizes and unit strides of the slice of `part` at `offset` along
/// `axis`.
void sliceAt(RankedTensorType part, int64_t axis, int64_t offset,
             SmallVectorImpl<int64_t> &offsets, SmallVectorImpl<int64_t> &sizes,
             SmallVectorImpl<int64_t> &strides) {
  offsets.assign(part.getRank(), 0);
  offsets[axis] = offset;
  sizes.assign(part.getShape().begin(), part.getShape().end());
  strides.assign(part.getRank(), 1);
}
} // namespace

Value concat(OpBuilder &b, Location loc, ValueRange inputs, int64_t axis) {
  auto first = typeOf(inputs[0]);
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (Value in : inputs)
    shape[axis] += typeOf(in).getDimSize(axis);
  auto out = RankedTensorType::get(shape, first.getElementType());
  Value result = empty(b, loc, out);
  int64_t offset = 0;
  for (Value in : inputs) {
    SmallVector<int64_t> offsets, sizes, strides;
    sliceAt(typeOf(in), axis, offset, offsets, sizes, strides);
    result = b.create<tensor::InsertSliceOp>(loc, in, result, ValueRange{}, ValueRange{},
                                             ValueRange{}, b.getDenseI64ArrayAttr(offsets),
                                             b.getDenseI64ArrayAttr(sizes),
                                             b.getDenseI64ArrayAttr(strides));
    offset += typeOf(in).getDimSize(axis);
  }
  return result;
}

SmallVector<Value> concatGrad(OpBuilder &b, Location loc, Value dy,
                              TypeRange inputTypes, int64_t axis) {
  SmallVector<Value> out;
  int64_t offset = 0;
  for (Type t : inputTypes) {
    auto part = cast<RankedTensorType>(t);
    SmallVector<int64_t> offsets, sizes, strides;
    sliceAt(part, axis, offset, offsets, sizes, strides);
    out.push_back(b.create<tensor::ExtractSliceOp>(
        loc, part, dy, ValueRange{}, ValueRange{}, ValueRange{},
        b.getDenseI64ArrayAttr(offsets), b.getDenseI64ArrayAttr(sizes),
        b.getDenseI64ArrayAttr(strides)));
    offset += part.getDimSize(axis);
  }
  return out;
}

Value reduceAxis(OpBuilder &b, Location loc, Value x, int64_t axis, bool max) {
  auto xt = typeOf(x);
  int64_t rank = xt.getRank();
  Type t = xt.getElementType();
  SmallVector<int64_t> shape(xt.getShape());
  shape.erase(shape.begin() + axis);
  auto out = RankedTensorType::get(shape, t);
  SmallVector<utils::IteratorType> iters = parallel(rank);
  iters[axis] = utils::IteratorType::reduction;
  Value r = b.create<linalg::GenericOp>(
                 loc, out, ValueRange{x},
                 ValueRange{filled(b, loc, out, max ? -INFINITY : 0.0)},
                 SmallVector<AffineMap>{b.getMultiDimIdentityMap(rank),
                                        dropDim(b, rank, axis)},
                 iters,
                 [&](OpBuilder &nb, Location l, ValueRange a) {
                   ScalarOps s{nb, l, t};
                   nb.create<linalg::YieldOp>(l, max ? s.max(a[1], a[0]) : s.add(a[1], a[0]));
                 })
                .getResult(0);
  if (max)
    return r;
  double inv = 1.0 / double(xt.getDimSize(axis));
  return mapElementwise(b, loc, {r}, t, [&](OpBuilder &nb, Location l, ValueRange a) {
    return ScalarOps{nb, l, t}.mul(a[0], floatConst(nb, l, t, inv));
  });
}

Value reduceMeanGrad(OpBuilder &b, Location loc, Value dy,
                     RankedTensorType xType, int64_t axis) {
  int64_t rank = xType.getRank();
  Type t = xType.getElementType();
  double inv = 1.0 / double(xType.getDimSize(axis));
  return b
      .create<linalg::GenericOp>(
          loc, xType, ValueRange{dy}, ValueRange{empty(b, loc, xType)},
          SmallVector<AffineMap>{dropDim(b, rank, axis), b.getMultiDimIdentityMap(rank)},
          parallel(rank),
          [&](OpBuilder &nb, Location l, ValueRange a) {
            nb.create<linalg::YieldOp>(l, ScalarOps{nb, l, t}.mul(a[0], floatConst(nb, l, t, inv)));
          })
      .getResult(0);
}

Value reduceMaxGrad(OpBuilder &b, Location loc, Value dy, Value x, Value y,
                    int64_t axis) {
  auto xt = typeOf(x);
  int64_t rank = xt.getRank(), size = xt.getDimSize(axis);
  Type t = xt.getElementType(), i32 = b.getI32Type();
  auto yt = typeOf(y);
  // first[...] = the smallest index along the axis where x equals the max.
  auto firstType = RankedTensorType::get(yt.getShape(), i32);
  Value none = b.create<arith::ConstantOp>(loc, b.getI32IntegerAttr(int32_t(size)));
  Value init = b.create<linalg::FillOp>(loc, none, empty(b, loc, firstType)).getResult(0);
  SmallVector<utils::IteratorType> iters = parallel(rank);
  iters[axis] = utils::IteratorType::reduction;
  AffineMap id = b.getMultiDimIdentityMap(rank), drop = dropDim(b, rank, axis);
  Value first =
      b.create<linalg::GenericOp>(
           loc, firstType, ValueRange{x, y}, ValueRange{init},
           SmallVector<AffineMap>{id, drop, drop}, iters,
           [&](OpBuilder &nb, Location l, ValueRange a) {
             Value i = nb.create<arith::IndexCastOp>(l, i32, nb.create<linalg::IndexOp>(l, axis));
             Value hit = nb.create<arith::CmpFOp>(l, arith::CmpFPredicate::OEQ, a[0], a[1]);
             // The accumulator has one use, in the min: a reduction the
             // vectorizer recognizes.
             Value cand = nb.create<arith::SelectOp>(
                 l, hit, i, nb.create<arith::ConstantOp>(l, nb.getI32IntegerAttr(int32_t(size))));
             nb.create<linalg::YieldOp>(l, Value(nb.create<arith::MinSIOp>(l, cand, a[2])));
           })
          .getResult(0);
  return b
      .create<linalg::GenericOp>(
          loc, xt, ValueRange{dy, first}, ValueRange{empty(b, loc, xt)},
          SmallVector<AffineMap>{drop, drop, id}, parallel(rank),
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value i = nb.create<arith::IndexCastOp>(l, i32, nb.create<linalg::IndexOp>(l, axis));
            Value hit = nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, i, a[1]);
            ScalarOps s{nb, l, t};
            nb.create<linalg::YieldOp>(l, s.select(hit, a[0], s.c(0.0)));
          })
      .getResult(0);
}

} // namespace kiln
