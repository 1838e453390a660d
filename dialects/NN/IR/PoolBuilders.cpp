//===- PoolBuilders.cpp - Pooling in linalg on tensors ---------------------===//
//
// NCHW outside, channels-last inside, as the convolutions (ConvBuilders.cpp):
// an elementwise max or sum over the taps' views.
//
#include "dialects/NN/IR/ConvBuilders.h"
#include "dialects/NN/IR/LinalgBuilders.h"
#include "dialects/NN/IR/WindowBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace kiln {
using namespace window;

namespace {

bool isGlobal(const Window2D &win, int64_t h, int64_t w) {
  return win.kh == h && win.kw == w && win.top + win.left + win.bottom + win.right == 0;
}

SmallVector<utils::IteratorType> parallel(unsigned n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

/// The padded channels-last input and the views of its taps.
SmallVector<Value> poolViews(OpBuilder &b, Location loc, Value x,
                             const Window2D &win, double padValue, Value *xpOut) {
  auto xt = typeOf(x);
  int64_t h = xt.getDimSize(2), w = xt.getDimSize(3);
  Value xp = place(b, loc, toNHWC(b, loc, x), h + win.top + win.bottom,
                   w + win.left + win.right, win.top, win.left, 1, 1, padValue);
  if (xpOut)
    *xpOut = xp;
  SmallVector<Value> views;
  for (int64_t i = 0; i < win.kh; ++i)
    for (int64_t j = 0; j < win.kw; ++j)
      views.push_back(tapView(b, loc, xp, i, j, win, win.outH(h), win.outW(w)));
  return views;
}

/// In a payload: the index (i32; vectors of index would be i64) of the first
/// of `taps` equal to the window's maximum `y`, or their count when none is
/// (a NaN window). Compared from the last to the first, so the first wins.
Value firstMaxTap(OpBuilder &nb, Location l, ValueRange taps, Value y) {
  Value first = nb.create<arith::ConstantOp>(l, nb.getI32IntegerAttr(taps.size()));
  for (int64_t t = taps.size() - 1; t >= 0; --t) {
    Value hit = nb.create<arith::CmpFOp>(l, arith::CmpFPredicate::OEQ, taps[t], y);
    first = nb.create<arith::SelectOp>(
        l, hit, nb.create<arith::ConstantOp>(l, nb.getI32IntegerAttr(t)), first);
  }
  return first;
}

/// A pooling's input gradient when its windows tile the input: one op over
/// (n, oh, i, ow, j, c) writes the covered part of the padded dx frame
/// `dxp`, viewed as [N, OH, KH, OW, KW, C]: dy where tap (i, j) holds its
/// window's first maximum (or dy / taps), so dy, the output and the taps
/// are read once and no tap index goes through memory. (One output per tap,
/// strided windows of one frame, bufferizes with a copy per window.)
Value disjointPoolGrad(OpBuilder &b, Location loc, Value dyl, Value x, Value y, Value dxp,
                       const Window2D &win, bool max) {
  MLIRContext *ctx = b.getContext();
  auto dt = typeOf(dyl);
  Type elem = dt.getElementType();
  int64_t n = dt.getDimSize(0), oh = dt.getDimSize(1), ow = dt.getDimSize(2),
          c = dt.getDimSize(3);
  SmallVector<int64_t> coveredShape{n, oh * win.kh, ow * win.kw, c};
  Value covered = slice(b, loc, dxp, {0, 0, 0, 0}, coveredShape, {1, 1, 1, 1});
  SmallVector<ReassociationIndices> split{{0}, {1, 2}, {3, 4}, {5}};
  Value frame6 = b.create<tensor::ExpandShapeOp>(
      loc, RankedTensorType::get({n, oh, win.kh, ow, win.kw, c}, elem), covered, split);
  AffineMap perWindow = dims(ctx, 6, {0, 1, 3, 5});
  SmallVector<Value> ins{dyl};
  if (max) {
    ins.append(poolViews(b, loc, x, win, -INFINITY, nullptr));
    ins.push_back(toNHWC(b, loc, y));
  }
  int64_t taps = win.kh * win.kw;
  SmallVector<AffineMap> maps(ins.size(), perWindow);
  maps.push_back(b.getMultiDimIdentityMap(6));
  Value grad =
      b.create<linalg::GenericOp>(
           loc, frame6.getType(), ins, ValueRange{frame6}, maps, parallel(6),
           [&](OpBuilder &nb, Location l, ValueRange a) {
             Value share;
             if (!max) {
               share = nb.create<arith::MulFOp>(l, a[0],
                                                floatConst(nb, l, elem, 1.0 / double(taps)));
             } else {
               // The first maximum's tap against this element's, i * KW + j.
               Value first = firstMaxTap(nb, l, a.slice(1, taps), a[1 + taps]);
               Value tap = nb.create<arith::IndexCastOp>(
                   l, nb.getI32Type(),
                   nb.create<arith::AddIOp>(
                       l,
                       nb.create<arith::MulIOp>(l, nb.create<linalg::IndexOp>(l, 2),
                                                nb.create<arith::ConstantIndexOp>(l, win.kw)),
                       nb.create<linalg::IndexOp>(l, 4)));
               Value mine = nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, first, tap);
               share = nb.create<arith::SelectOp>(l, mine, a[0], floatConst(nb, l, elem, 0.0));
             }
             nb.create<linalg::YieldOp>(l, share);
           })
          .getResult(0);
  Value back = b.create<tensor::CollapseShapeOp>(loc, covered.getType(), grad, split);
  return insert(b, loc, back, dxp, {0, 0, 0, 0}, coveredShape, {1, 1, 1, 1});
}

} // namespace

Value pool2d(OpBuilder &b, Location loc, Value x, const Window2D &win, bool max) {
  MLIRContext *ctx = b.getContext();
  auto xt = typeOf(x);
  Type elem = xt.getElementType();
  int64_t n = xt.getDimSize(0), c = xt.getDimSize(1), h = xt.getDimSize(2),
          w = xt.getDimSize(3);
  double scale = 1.0 / double(win.kh * win.kw);
  if (isGlobal(win, h, w)) {
    // Dims (n, h, w, c): h and w reduced, the channels in the lanes.
    auto t = RankedTensorType::get({n, c}, elem);
    Value r = b.create<linalg::GenericOp>(
                   loc, t, ValueRange{toNHWC(b, loc, x)},
                   ValueRange{filled(b, loc, t, max ? -INFINITY : 0.0)},
                   SmallVector<AffineMap>{dims(ctx, 4, {0, 1, 2, 3}), dims(ctx, 4, {0, 3})},
                   SmallVector<utils::IteratorType>{utils::IteratorType::parallel,
                                                    utils::IteratorType::reduction,
                                                    utils::IteratorType::reduction,
                                                    utils::IteratorType::parallel},
                   [&](OpBuilder &nb, Location l, ValueRange a) {
                     Value v = max ? nb.create<arith::MaximumFOp>(l, a[1], a[0]).getResult()
                                   : nb.create<arith::AddFOp>(l, a[1], a[0]).getResult();
                     nb.create<linalg::YieldOp>(l, v);
                   })
                  .getResult(0);
    if (!max)
      r = mapElementwise(b, loc, {r}, elem, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        return nb.create<arith::MulFOp>(l, a[0], floatConst(nb, l, elem, scale));
      });
    return b.create<tensor::ExpandShapeOp>(
        loc, RankedTensorType::get({n, c, 1, 1}, elem), r,
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  }
  SmallVector<Value> views = poolViews(b, loc, x, win, max ? -INFINITY : 0.0, nullptr);
  Value y = mapElementwise(b, loc, views, elem,
                           [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                             Value r = a[0];
                             for (Value v : a.drop_front())
                               r = max ? nb.create<arith::MaximumFOp>(l, r, v).getResult()
                                       : nb.create<arith::AddFOp>(l, r, v).getResult();
                             if (!max)
                               r = nb.create<arith::MulFOp>(l, r, floatConst(nb, l, elem, scale));
                             return r;
                           });
  return toNCHW(b, loc, y);
}

Value pool2dInputGrad(OpBuilder &b, Location loc, Value dy, Value x, Value y,
                      const Window2D &win, bool max) {
  MLIRContext *ctx = b.getContext();
  auto xt = typeOf(x);
  Type elem = xt.getElementType(), i32 = b.getI32Type();
  int64_t n = xt.getDimSize(0), c = xt.getDimSize(1), h = xt.getDimSize(2),
          w = xt.getDimSize(3);
  double scale = 1.0 / double(win.kh * win.kw);
  auto nhwc = RankedTensorType::get({n, h, w, c}, elem);
  if (isGlobal(win, h, w)) {
    Value g = b.create<tensor::CollapseShapeOp>(
        loc, RankedTensorType::get({n, c}, elem), dy,
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    Value empty = b.create<tensor::EmptyOp>(loc, nhwc.getShape(), elem);
    if (!max) {
      Value dx = b.create<linalg::GenericOp>(
                      loc, nhwc, ValueRange{g}, ValueRange{empty},
                      SmallVector<AffineMap>{dims(ctx, 4, {0, 3}), dims(ctx, 4, {0, 1, 2, 3})},
                      parallel(4),
                      [&](OpBuilder &nb, Location l, ValueRange a) {
                        nb.create<linalg::YieldOp>(
                            l, ValueRange{nb.create<arith::MulFOp>(
                                   l, a[0], floatConst(nb, l, elem, scale))});
                      })
                     .getResult(0);
      return toNCHW(b, loc, dx);
    }
    // The first (row-major) position holding the maximum, then dy there.
    Value xl = toNHWC(b, loc, x);
    Value ym = b.create<tensor::CollapseShapeOp>(
        loc, RankedTensorType::get({n, c}, elem), y,
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    auto idxType = RankedTensorType::get({n, c}, i32);
    Value first = b.create<linalg::FillOp>(
                       loc, ValueRange{b.create<arith::ConstantOp>(loc, b.getI32IntegerAttr(h * w))},
                       ValueRange{b.create<tensor::EmptyOp>(loc, idxType.getShape(), i32)})
                      .getResult(0);
    auto linear = [&](OpBuilder &nb, Location l) -> Value {
      Value hi = nb.create<linalg::IndexOp>(l, 1), wi = nb.create<linalg::IndexOp>(l, 2);
      Value lin = nb.create<arith::AddIOp>(
          l, nb.create<arith::MulIOp>(l, hi, nb.create<arith::ConstantIndexOp>(l, w)), wi);
      return nb.create<arith::IndexCastOp>(l, i32, lin);
    };
    Value idx = b.create<linalg::GenericOp>(
                     loc, idxType, ValueRange{xl, ym}, ValueRange{first},
                     SmallVector<AffineMap>{dims(ctx, 4, {0, 1, 2, 3}), dims(ctx, 4, {0, 3}),
                                            dims(ctx, 4, {0, 3})},
                     SmallVector<utils::IteratorType>{utils::IteratorType::parallel,
                                                      utils::IteratorType::reduction,
                                                      utils::IteratorType::reduction,
                                                      utils::IteratorType::parallel},
                     [&](OpBuilder &nb, Location l, ValueRange a) {
                       // min(acc, hit ? index : h*w): a plain min reduction,
                       // which the vectorizer recognizes.
                       Value hit = nb.create<arith::CmpFOp>(l, arith::CmpFPredicate::OEQ, a[0], a[1]);
                       Value none = nb.create<arith::ConstantOp>(l, nb.getI32IntegerAttr(h * w));
                       Value cand = nb.create<arith::SelectOp>(l, hit, linear(nb, l), none);
                       nb.create<linalg::YieldOp>(
                           l, ValueRange{nb.create<arith::MinSIOp>(l, a[2], cand)});
                     })
                    .getResult(0);
    Value dx = b.create<linalg::GenericOp>(
                    loc, nhwc, ValueRange{g, idx}, ValueRange{empty},
                    SmallVector<AffineMap>{dims(ctx, 4, {0, 3}), dims(ctx, 4, {0, 3}),
                                           dims(ctx, 4, {0, 1, 2, 3})},
                    parallel(4),
                    [&](OpBuilder &nb, Location l, ValueRange a) {
                      Value hit = nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq,
                                                           linear(nb, l), a[1]);
                      nb.create<linalg::YieldOp>(
                          l, ValueRange{nb.create<arith::SelectOp>(
                                 l, hit, a[0], floatConst(nb, l, elem, 0.0))});
                    })
                   .getResult(0);
    return toNCHW(b, loc, dx);
  }

  int64_t oh = win.outH(h), ow = win.outW(w);
  int64_t hp = h + win.top + win.bottom, wp = w + win.left + win.right;
  Value dyl = toNHWC(b, loc, dy);
  // Windows that tile the input (stride = size) are disjoint: one op writes
  // every tap's window, and only what no window covers is zeroed.
  bool disjoint = win.sh == win.kh && win.sw == win.kw && win.dh == 1 && win.dw == 1;
  auto frameType = RankedTensorType::get({n, hp, wp, c}, elem);
  if (disjoint) {
    Value dxp = fillOutside(b, loc, b.create<tensor::EmptyOp>(loc, frameType.getShape(), elem),
                            0, oh * win.sh, 0, ow * win.sw, 0.0);
    return toNCHW(b, loc, slice(b, loc, disjointPoolGrad(b, loc, dyl, x, y, dxp, win, max),
                                {0, win.top, win.left, 0}, {n, h, w, c}, {1, 1, 1, 1}));
  }
  Value idx;
  if (max) {
    // Which tap holds each window's first maximum.
    SmallVector<Value> ins = poolViews(b, loc, x, win, -INFINITY, nullptr);
    int64_t taps = ins.size();
    ins.push_back(toNHWC(b, loc, y));
    auto idxType = RankedTensorType::get({n, oh, ow, c}, i32);
    SmallVector<AffineMap> maps(ins.size() + 1, b.getMultiDimIdentityMap(4));
    idx = b.create<linalg::GenericOp>(
               loc, idxType, ins,
               ValueRange{b.create<tensor::EmptyOp>(loc, idxType.getShape(), i32)}, maps,
               parallel(4),
               [&](OpBuilder &nb, Location l, ValueRange a) {
                 nb.create<linalg::YieldOp>(l, firstMaxTap(nb, l, a.take_front(taps), a[taps]));
               })
              .getResult(0);
  }
  // Each tap adds its share of dy into its strided window of dx (padded).
  Value dxp = filled(b, loc, frameType, 0.0);
  int64_t t = 0;
  for (int64_t i = 0; i < win.kh; ++i)
    for (int64_t j = 0; j < win.kw; ++j, ++t) {
      SmallVector<int64_t> offsets{0, i, j, 0}, sizes{n, oh, ow, c},
          strides{1, win.sh, win.sw, 1};
      Value window = slice(b, loc, dxp, offsets, sizes, strides);
      SmallVector<Value> ins{dyl};
      if (max)
        ins.push_back(idx);
      SmallVector<AffineMap> maps(ins.size() + 1, b.getMultiDimIdentityMap(4));
      Value upd = b.create<linalg::GenericOp>(
                       loc, window.getType(), ins, ValueRange{window}, maps, parallel(4),
                       [&](OpBuilder &nb, Location l, ValueRange a) {
                         Value share;
                         if (max) {
                           Value hit = nb.create<arith::CmpIOp>(
                               l, arith::CmpIPredicate::eq, a[1],
                               nb.create<arith::ConstantOp>(l, nb.getI32IntegerAttr(t)));
                           share = nb.create<arith::SelectOp>(l, hit, a[0],
                                                              floatConst(nb, l, elem, 0.0));
                         } else {
                           share = nb.create<arith::MulFOp>(l, a[0],
                                                            floatConst(nb, l, elem, scale));
                         }
                         nb.create<linalg::YieldOp>(
                             l, ValueRange{nb.create<arith::AddFOp>(l, a.back(), share)});
                       })
                      .getResult(0);
      dxp = insert(b, loc, upd, dxp, offsets, sizes, strides);
    }
  Value dx = slice(b, loc, dxp, {0, win.top, win.left, 0}, {n, h, w, c}, {1, 1, 1, 1});
  return toNCHW(b, loc, dx);
}

} // namespace kiln
