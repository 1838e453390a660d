//===- ConvBuilders.cpp - Convolution and pooling in linalg on tensors ----===//
//
// Channels-last inside. A convolution is a sum over the kernel taps (i, j):
// out[n, oh, ow, f] += xp[n, oh*sh + i*dh, ow*sw + j*dw, c] * w[i, j, c, f],
// one contraction per tap over a strided view of the padded input xp. Every
// operand map is a projected permutation, so each tap tiles and vectorizes
// like a matmul (channels in the lanes, output columns in registers). The
// weight gradient without groups, tap planes or a column stride is one
// contraction over all taps, x read at sums of dims (oh + i); kernel-tile's
// register tiles fix the taps, and dropping their unit loops leaves a
// matmul's maps again.
//
#include "dialects/NN/IR/ConvBuilders.h"
#include "dialects/NN/IR/LinalgBuilders.h"
#include "dialects/Kernel/IR/KernelAttrs.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;

namespace kiln {
namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

DenseI64ArrayAttr i64s(OpBuilder &b, ArrayRef<int64_t> v) {
  return b.getDenseI64ArrayAttr(v);
}

Value transpose(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> perm) {
  auto t = typeOf(x);
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(t.getDimSize(p));
  Value init = b.create<tensor::EmptyOp>(loc, shape, t.getElementType());
  return b.create<linalg::TransposeOp>(loc, x, init, perm).getResult()[0];
}

/// A (possibly strided, possibly rank-reducing) slice of `x`.
Value slice(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> offsets,
            ArrayRef<int64_t> sizes, ArrayRef<int64_t> strides,
            RankedTensorType type = {}) {
  if (!type)
    type = RankedTensorType::get(sizes, typeOf(x).getElementType());
  return b.create<tensor::ExtractSliceOp>(loc, type, x, ValueRange{}, ValueRange{},
                                          ValueRange{}, i64s(b, offsets),
                                          i64s(b, sizes), i64s(b, strides));
}

Value insert(OpBuilder &b, Location loc, Value src, Value dest,
             ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
             ArrayRef<int64_t> strides) {
  return b.create<tensor::InsertSliceOp>(loc, src, dest, ValueRange{}, ValueRange{},
                                         ValueRange{}, i64s(b, offsets),
                                         i64s(b, sizes), i64s(b, strides));
}

/// `frame` [N, H, W, C] with `value` everywhere but rows [r0, r1) x columns
/// [c0, c1), which the caller writes: four strips, so the bytes the caller
/// writes anyway are not also filled (a 5 MB memset per step, once).
Value fillOutside(OpBuilder &b, Location loc, Value frame, int64_t r0, int64_t r1,
                  int64_t c0, int64_t c1, double value) {
  auto t = typeOf(frame);
  int64_t n = t.getDimSize(0), h = t.getDimSize(1), w = t.getDimSize(2),
          c = t.getDimSize(3);
  Value fill = floatConst(b, loc, t.getElementType(), value);
  auto strip = [&](int64_t row, int64_t rows, int64_t col, int64_t cols) {
    if (rows <= 0 || cols <= 0)
      return;
    SmallVector<int64_t> offsets{0, row, col, 0}, sizes{n, rows, cols, c},
        strides{1, 1, 1, 1};
    Value s = slice(b, loc, frame, offsets, sizes, strides);
    Value f = b.create<linalg::FillOp>(loc, ValueRange{fill}, ValueRange{s}).getResult(0);
    frame = insert(b, loc, f, frame, offsets, sizes, strides);
  };
  strip(0, r0, 0, w);
  strip(r1, h - r1, 0, w);
  strip(r0, r1 - r0, 0, c0);
  strip(r0, r1 - r0, c1, w - c1);
  return frame;
}

/// x [N, H, W, C] placed at (top, left) with row/column strides (sh, sw) in
/// a [N, hp, wp, C] tensor filled with `value`: padding, and for strided
/// convolutions' input gradients the zeros between the rows of dy. The copy
/// is a linalg.copy into the window, so it tiles and vectorizes. At stride 1
/// only the border around the window is filled.
Value place(OpBuilder &b, Location loc, Value x, int64_t hp, int64_t wp,
            int64_t top, int64_t left, int64_t sh, int64_t sw, double value) {
  auto t = typeOf(x);
  int64_t n = t.getDimSize(0), h = t.getDimSize(1), w = t.getDimSize(2),
          c = t.getDimSize(3);
  if (hp == h && wp == w)
    return x;
  auto frameType = RankedTensorType::get({n, hp, wp, c}, t.getElementType());
  Value frame =
      sh == 1 && sw == 1
          ? fillOutside(b, loc,
                        b.create<tensor::EmptyOp>(loc, frameType.getShape(),
                                                  t.getElementType()),
                        top, top + h, left, left + w, value)
          : filled(b, loc, frameType, value);
  SmallVector<int64_t> offsets{0, top, left, 0}, sizes{n, h, w, c},
      strides{1, sh, sw, 1};
  Value window = slice(b, loc, frame, offsets, sizes, strides);
  Value copied = b.create<linalg::CopyOp>(loc, x, window).getResult(0);
  return insert(b, loc, copied, frame, offsets, sizes, strides);
}

/// The input's view under tap (i, j): [N, OH, OW, C] of the padded xp.
Value tapView(OpBuilder &b, Location loc, Value xp, int64_t i, int64_t j,
              const Window2D &win, int64_t oh, int64_t ow) {
  auto t = typeOf(xp);
  return slice(b, loc, xp, {0, i * win.dh, j * win.dw, 0},
               {t.getDimSize(0), oh, ow, t.getDimSize(3)}, {1, win.sh, win.sw, 1});
}

AffineMap dims(MLIRContext *ctx, unsigned count, ArrayRef<unsigned> which) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : which)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(count, 0, exprs, ctx);
}

/// acc + a * b, yielded.
void fmaBody(OpBuilder &b, Location l, ValueRange a) {
  Value p = b.create<arith::MulFOp>(l, a[0], a[1]);
  b.create<linalg::YieldOp>(l, ValueRange{b.create<arith::AddFOp>(l, a[2], p)});
}

/// The weight [F, C/G, KH, KW] as taps [KH, KW, G, in, out]: (C/G, F/G) for
/// the forward pass, (F/G, C/G) (`swap`) for the input gradient.
Value tapWeights(OpBuilder &b, Location loc, Value w, int64_t groups, bool swap) {
  auto t = typeOf(w);
  int64_t f = t.getDimSize(0), cg = t.getDimSize(1), kh = t.getDimSize(2),
          kw = t.getDimSize(3);
  Value w5 = b.create<tensor::ExpandShapeOp>(
      loc, RankedTensorType::get({groups, f / groups, cg, kh, kw}, t.getElementType()),
      w, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
  // [G, F/G, C/G, KH, KW] -> [KH, KW, G, C/G, F/G] or [KH, KW, G, F/G, C/G].
  return swap ? transpose(b, loc, w5, {3, 4, 0, 1, 2})
              : transpose(b, loc, w5, {3, 4, 0, 2, 1});
}

/// acc [N, OH, OW, G*out] += Σ over one tap's input channels of
/// view [N, OH, OW, G*in] * taps[i, j] ([G, in, out]).
Value accumulateTap(OpBuilder &b, Location loc, Value view, Value taps,
                    int64_t i, int64_t j, Value acc) {
  MLIRContext *ctx = b.getContext();
  auto tt = typeOf(taps), at = typeOf(acc);
  int64_t g = tt.getDimSize(2), in = tt.getDimSize(3), out = tt.getDimSize(4);
  Type elem = at.getElementType();
  auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
  auto tap = [&](SmallVector<int64_t> shape) {
    return slice(b, loc, taps, {i, j, 0, 0, 0}, {1, 1, g, in, out}, {1, 1, 1, 1, 1},
                 RankedTensorType::get(shape, elem));
  };
  if (g == 1) {
    // Dims (n, oh, ow, f, c): a matmul of the view's rows by [C, F].
    return b.create<linalg::GenericOp>(
                loc, at, ValueRange{view, tap({in, out})}, ValueRange{acc},
                SmallVector<AffineMap>{dims(ctx, 5, {0, 1, 2, 4}), dims(ctx, 5, {4, 3}),
                                       dims(ctx, 5, {0, 1, 2, 3})},
                SmallVector<utils::IteratorType>{par, par, par, par, red}, fmaBody)
        .getResult(0);
  }
  if (in == 1 && out == 1) {
    // Depthwise, dims (n, oh, ow, c): an elementwise multiply-add.
    return b.create<linalg::GenericOp>(
                loc, at, ValueRange{view, tap({g})}, ValueRange{acc},
                SmallVector<AffineMap>{dims(ctx, 4, {0, 1, 2, 3}), dims(ctx, 4, {3}),
                                       dims(ctx, 4, {0, 1, 2, 3})},
                SmallVector<utils::IteratorType>(4, par), fmaBody)
        .getResult(0);
  }
  // Grouped, dims (n, oh, ow, g, o, c) on the channels split per group.
  auto vt = typeOf(view);
  int64_t n = at.getDimSize(0), oh = at.getDimSize(1), ow = at.getDimSize(2);
  auto split = [&](Value v, int64_t per) -> Value {
    return b.create<tensor::ExpandShapeOp>(
        loc, RankedTensorType::get({n, oh, ow, g, per}, elem), v,
        SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
  };
  (void)vt;
  Value r = b.create<linalg::GenericOp>(
                 loc, RankedTensorType::get({n, oh, ow, g, out}, elem),
                 ValueRange{split(view, in), tap({g, in, out})},
                 ValueRange{split(acc, out)},
                 SmallVector<AffineMap>{dims(ctx, 6, {0, 1, 2, 3, 5}),
                                        dims(ctx, 6, {3, 5, 4}),
                                        dims(ctx, 6, {0, 1, 2, 3, 4})},
                 SmallVector<utils::IteratorType>{par, par, par, par, par, red},
                 fmaBody)
                .getResult(0);
  return b.create<tensor::CollapseShapeOp>(
      loc, at, r, SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
}

/// Σ over taps of xp [N, Hp, Wp, G*in] convolved with taps [KH, KW, G, in,
/// out] at `win`'s strides and dilation -> [N, OH, OW, G*out]; `flip` reads
/// the taps in reverse (the input gradient's transposed convolution).
Value convTaps(OpBuilder &b, Location loc, Value xp, Value taps,
               const Window2D &win, int64_t oh, int64_t ow, bool flip) {
  auto xt = typeOf(xp), tt = typeOf(taps);
  int64_t kh = tt.getDimSize(0), kw = tt.getDimSize(1);
  Value acc = filled(b, loc,
                     RankedTensorType::get({xt.getDimSize(0), oh, ow,
                                            tt.getDimSize(2) * tt.getDimSize(4)},
                                           xt.getElementType()),
                     0.0);
  for (int64_t i = 0; i < kh; ++i)
    for (int64_t j = 0; j < kw; ++j) {
      Value view = tapView(b, loc, xp, i, j, win, oh, ow);
      acc = flip ? accumulateTap(b, loc, view, taps, kh - 1 - i, kw - 1 - j, acc)
                 : accumulateTap(b, loc, view, taps, i, j, acc);
    }
  return acc;
}

/// Whether a convolution reads its input as tap planes (`tapPlanes`):
/// without groups, with fewer than 8 input channels (a chain of taps would
/// load and store its accumulators every C < 8 products, and each tap's
/// weight gradient would stream dy again), and planes no larger than the
/// output (KH·KW·C <= F).
bool usePlanes(int64_t groups, int64_t c, const Window2D &win, int64_t f) {
  return groups == 1 && c < 8 && win.kh * win.kw * c <= f;
}

/// The taps' views of xp [N, Hp, Wp, C] as planes [KH·KW·C, N, OH, OW]
/// (im2col, the taps' channels outermost), plane (i·KW + j)·C + c holding
/// tap (i, j)'s view of channel c: the forward pass and the weight gradient
/// are then one contraction each over the planes, in the taps' order. With
/// `ones`, a last plane of ones: the bias is then its weight, added by the
/// forward's contraction and its gradient summed by the weight gradient's.
Value tapPlanes(OpBuilder &b, Location loc, Value xp, const Window2D &win, int64_t oh,
                int64_t ow, bool ones) {
  auto t = typeOf(xp);
  int64_t n = t.getDimSize(0), c = t.getDimSize(3), taps = win.kh * win.kw * c;
  Value planes = b.create<tensor::EmptyOp>(
      loc, ArrayRef<int64_t>{taps + (ones ? 1 : 0), n, oh, ow}, t.getElementType());
  if (ones) {
    SmallVector<int64_t> offsets{taps, 0, 0, 0}, sizes{1, n, oh, ow}, strides{1, 1, 1, 1};
    Value last = slice(b, loc, planes, offsets, sizes, strides);
    Value filledOnes = b.create<linalg::FillOp>(
                            loc, ValueRange{b.create<arith::ConstantOp>(
                                     loc, b.getFloatAttr(t.getElementType(), 1.0))},
                            ValueRange{last})
                           .getResult(0);
    planes = insert(b, loc, filledOnes, planes, offsets, sizes, strides);
  }
  for (int64_t i = 0; i < win.kh; ++i)
    for (int64_t j = 0; j < win.kw; ++j) {
      SmallVector<int64_t> offsets{(i * win.kw + j) * c, 0, 0, 0}, sizes{c, n, oh, ow},
          strides{1, 1, 1, 1};
      Value view = tapView(b, loc, xp, i, j, win, oh, ow);
      Value dst = slice(b, loc, planes, offsets, sizes, strides);
      Value moved = b.create<linalg::TransposeOp>(loc, view, dst, ArrayRef<int64_t>{3, 0, 1, 2})
                        .getResult()[0];
      planes = insert(b, loc, moved, planes, offsets, sizes, strides);
    }
  return planes;
}

} // namespace

Value toNHWC(OpBuilder &b, Location loc, Value x) {
  return transpose(b, loc, x, {0, 2, 3, 1});
}

Value toNCHW(OpBuilder &b, Location loc, Value x) {
  return transpose(b, loc, x, {0, 3, 1, 2});
}

Value conv2d(OpBuilder &b, Location loc, Value x, Value weight, Value bias,
             const Window2D &win, int64_t groups) {
  auto xt = typeOf(x);
  int64_t h = xt.getDimSize(2), w = xt.getDimSize(3);
  Value xp = place(b, loc, toNHWC(b, loc, x), h + win.top + win.bottom,
                   w + win.left + win.right, win.top, win.left, 1, 1, 0.0);
  int64_t oh = win.outH(h), ow = win.outW(w);
  auto wt = typeOf(weight);
  int64_t f = wt.getDimSize(0), c = xt.getDimSize(1);
  Value y;
  if (usePlanes(groups, c, win, f)) {
    // y[n, oh, ow, f] = Σ_t planes[t, n, oh, ow] · w[t, f], t = (i, j, c);
    // with a bias, t = KH·KW·C is a plane of ones and its weight the bias.
    MLIRContext *ctx = b.getContext();
    Type elem = wt.getElementType();
    int64_t taps = win.kh * win.kw * c;
    Value wtf = b.create<tensor::CollapseShapeOp>(
        loc, RankedTensorType::get({taps, f}, elem), transpose(b, loc, weight, {2, 3, 1, 0}),
        SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
    bool ones = static_cast<bool>(bias);
    if (ones) {
      Value all = b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{taps + 1, f}, elem);
      all = insert(b, loc, wtf, all, {0, 0}, {taps, f}, {1, 1});
      Value row = b.create<tensor::ExpandShapeOp>(loc, RankedTensorType::get({1, f}, elem), bias,
                                                  SmallVector<ReassociationIndices>{{0, 1}});
      wtf = insert(b, loc, row, all, {taps, 0}, {1, f}, {1, 1});
      bias = nullptr;
    }
    auto yt = RankedTensorType::get({xt.getDimSize(0), oh, ow, f}, elem);
    auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
    y = b.create<linalg::GenericOp>(
             loc, yt, ValueRange{tapPlanes(b, loc, xp, win, oh, ow, ones), wtf},
             ValueRange{filled(b, loc, yt, 0.0)},
             SmallVector<AffineMap>{dims(ctx, 5, {4, 0, 1, 2}), dims(ctx, 5, {4, 3}),
                                    dims(ctx, 5, {0, 1, 2, 3})},
             SmallVector<utils::IteratorType>{par, par, par, par, red}, fmaBody)
            .getResult(0);
  } else {
    y = convTaps(b, loc, xp, tapWeights(b, loc, weight, groups, false), win, oh, ow, false);
  }
  if (bias) {
    MLIRContext *ctx = b.getContext();
    auto yt = typeOf(y);
    y = b.create<linalg::GenericOp>(
             loc, yt, ValueRange{y, bias},
             ValueRange{b.create<tensor::EmptyOp>(loc, yt.getShape(), yt.getElementType())},
             SmallVector<AffineMap>{dims(ctx, 4, {0, 1, 2, 3}), dims(ctx, 4, {3}),
                                    dims(ctx, 4, {0, 1, 2, 3})},
             SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
             [](OpBuilder &nb, Location l, ValueRange a) {
               nb.create<linalg::YieldOp>(
                   l, ValueRange{nb.create<arith::AddFOp>(l, a[0], a[1])});
             })
            .getResult(0);
  }
  return toNCHW(b, loc, y);
}

namespace {

/// Images per block of the input gradient's loop over the batch: the most
/// that divide `n` whose bytes (`imageBytes` each: dy and dx's frame) fit
/// an eighth of L2 (the module's kL2BytesAttr), at least one, and no more
/// blocks than threads may split (kMaxParallelTrips: more would leave the
/// loop, its taps included, on one core); `n` (no loop) without the
/// attribute, when the batch fits, or when fewer blocks than cores
/// (kCoresAttr) would be left to split.
int64_t imagesPerBlock(OpBuilder &b, int64_t n, int64_t imageBytes) {
  int64_t budget = moduleFact(b, kL2BytesAttr) / 8;
  if (budget <= 0 || n * imageBytes <= budget)
    return n;
  // The most that fit, else the fewest with few enough blocks.
  int64_t fit = 0, fewest = n;
  for (int64_t r = 1; r < n; ++r) {
    if (n % r != 0 || n / r > kernel::kMaxParallelTrips)
      continue;
    fewest = std::min(fewest, r);
    if (r * imageBytes <= budget)
      fit = r;
  }
  int64_t images = fit ? fit : fewest;
  return n / images >= std::max<int64_t>(1, moduleFact(b, kCoresAttr)) ? images : n;
}

} // namespace

/// dx[h] = Σ_i dy[oh] w[i] over oh*s + i*d = h + top.
///
/// Without groups and with at least 8 filters, each tap adds dy times its
/// weights into its (strided) window of the padded dx, the taps in reverse
/// order: every output element gets the same products in the same order as
/// below, but none with the zeros around or between the rows of dy (28% of
/// the products of a 3x3 convolution over 13x13, 75% more at stride 2).
/// Each tap is a kernel of its own, its window read and written once; with
/// fewer filters that traffic would cost more than the zeros.
///
/// Otherwise, with dy spread to z[(K-1)d + oh*s] (zeros between), it is a
/// stride-1 convolution of z with the flipped kernel, read from row `top`
/// on, the taps chained in registers.
Value conv2dInputGrad(OpBuilder &b, Location loc, Value dy, Value weight,
                      Type xType, const Window2D &win, int64_t groups) {
  auto xt = cast<RankedTensorType>(xType), dt = typeOf(dy);
  int64_t h = xt.getDimSize(2), w = xt.getDimSize(3);
  int64_t oh = dt.getDimSize(2), ow = dt.getDimSize(3);
  if (groups == 1 && dt.getDimSize(1) >= 8) {
    int64_t n = xt.getDimSize(0), c = xt.getDimSize(1);
    Value taps = tapWeights(b, loc, weight, groups, true);
    Value dyl = toNHWC(b, loc, dy);
    Type elem = xt.getElementType();
    // dx of `count` images from their dy: the taps into a zeroed frame.
    auto block = [&](OpBuilder &ob, Location l, Value dyb, int64_t count) -> Value {
      auto frameType = RankedTensorType::get(
          {count, h + win.top + win.bottom, w + win.left + win.right, c}, elem);
      Value dxp = filled(ob, l, frameType, 0.0);
      for (int64_t i = win.kh - 1; i >= 0; --i)
        for (int64_t j = win.kw - 1; j >= 0; --j) {
          SmallVector<int64_t> offsets{0, i * win.dh, j * win.dw, 0}, sizes{count, oh, ow, c},
              strides{1, win.sh, win.sw, 1};
          Value window = slice(ob, l, dxp, offsets, sizes, strides);
          Value sum = accumulateTap(ob, l, dyb, taps, i, j, window);
          dxp = insert(ob, l, sum, dxp, offsets, sizes, strides);
        }
      return slice(ob, l, dxp, {0, win.top, win.left, 0}, {count, h, w, c}, {1, 1, 1, 1});
    };
    int64_t imageBytes = (oh * ow * dt.getDimSize(1) +
                          (h + win.top + win.bottom) * (w + win.left + win.right) * c) *
                         ((xt.getElementTypeBitWidth() + 7) / 8);
    int64_t images = imagesPerBlock(b, n, imageBytes);
    if (images == n)
      return toNCHW(b, loc, block(b, loc, dyl, n));
    auto dxType = RankedTensorType::get({n, h, w, c}, elem);
    Value init = b.create<tensor::EmptyOp>(loc, dxType.getShape(), elem);
    auto idx = [&](OpBuilder &b, int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); };
    auto f = b.create<scf::ForOp>(
        loc, idx(b, 0), idx(b, n / images), idx(b, 1), ValueRange{init},
        [&](OpBuilder &nb, Location l, Value k, ValueRange acc) {
          Value at = nb.create<affine::AffineApplyOp>(
              l, AffineMap::get(1, 0, nb.getAffineDimExpr(0) * images), ValueRange{k});
          auto st = typeOf(dyl);
          SmallVector<OpFoldResult> one(4, nb.getIndexAttr(1));
          Value dyb = nb.create<tensor::ExtractSliceOp>(
              l, RankedTensorType::get({images, oh, ow, st.getDimSize(3)}, elem), dyl,
              ArrayRef<OpFoldResult>{at, nb.getIndexAttr(0), nb.getIndexAttr(0), nb.getIndexAttr(0)},
              ArrayRef<OpFoldResult>{nb.getIndexAttr(images), nb.getIndexAttr(oh), nb.getIndexAttr(ow),
                                     nb.getIndexAttr(st.getDimSize(3))},
              one);
          Value dxb = block(nb, l, dyb, images);
          Value out = nb.create<tensor::InsertSliceOp>(
              l, dxb, acc[0],
              ArrayRef<OpFoldResult>{at, nb.getIndexAttr(0), nb.getIndexAttr(0), nb.getIndexAttr(0)},
              ArrayRef<OpFoldResult>{nb.getIndexAttr(images), nb.getIndexAttr(h), nb.getIndexAttr(w),
                                     nb.getIndexAttr(c)},
              one);
          nb.create<scf::YieldOp>(l, ValueRange{out});
        });
    f->setAttr(kernel::kParallelAttr, b.getUnitAttr());
    return toNCHW(b, loc, f.getResult(0));
  }
  int64_t th = (win.kh - 1) * win.dh, tw = (win.kw - 1) * win.dw;
  int64_t hz = std::max(th + (oh - 1) * win.sh + 1, win.top + h + th);
  int64_t wz = std::max(tw + (ow - 1) * win.sw + 1, win.left + w + tw);
  Value z = place(b, loc, toNHWC(b, loc, dy), hz, wz, th, tw, win.sh, win.sw, 0.0);
  Window2D unit = win;
  unit.sh = unit.sw = 1;
  Value full = convTaps(b, loc, z, tapWeights(b, loc, weight, groups, true), unit,
                        hz - th, wz - tw, true);
  auto ft = typeOf(full);
  Value dx = slice(b, loc, full, {0, win.top, win.left, 0},
                   {ft.getDimSize(0), h, w, ft.getDimSize(3)}, {1, 1, 1, 1});
  return toNCHW(b, loc, dx);
}

namespace {

/// d loss / d bias: dy [N, F, OH, OW] summed to [F]. Channels-last, so the
/// sum over (n, oh, ow) is rows of vectors of filters, and dy's transpose
/// cancels with the producer's.
Value conv2dBiasGrad(OpBuilder &b, Location loc, Value dy) {
  MLIRContext *ctx = b.getContext();
  Value dyl = toNHWC(b, loc, dy);
  auto t = typeOf(dyl);
  auto bt = RankedTensorType::get({t.getDimSize(3)}, t.getElementType());
  auto red = utils::IteratorType::reduction;
  return b.create<linalg::GenericOp>(
              loc, bt, ValueRange{dyl}, ValueRange{filled(b, loc, bt, 0.0)},
              SmallVector<AffineMap>{dims(ctx, 4, {0, 1, 2, 3}), dims(ctx, 4, {3})},
              SmallVector<utils::IteratorType>{red, red, red, utils::IteratorType::parallel},
              [](OpBuilder &nb, Location l, ValueRange a) {
                nb.create<linalg::YieldOp>(
                    l, ValueRange{nb.create<arith::AddFOp>(l, a[1], a[0])});
              })
      .getResult(0);
}

/// Taps [KH, KW, G, C/G, F/G] -> [G, F/G, C/G, KH, KW] -> the weight's
/// layout [F, C/G, KH, KW].
Value tapsToWeight(OpBuilder &b, Location loc, Value taps, RankedTensorType wt) {
  Value w5 = transpose(b, loc, taps, {2, 4, 3, 0, 1});
  return b.create<tensor::CollapseShapeOp>(
      loc, wt, w5, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
}

/// dw[i, j] = Σ over (n, oh, ow) of the tap's view of xp [N, Hp, Wp, C]
/// times dyl [N, OH, OW, F]: without groups and row stride one contraction
/// over all taps, else one reduction per tap into its slice of [KH, KW, G,
/// C/G, F/G].
Value weightGrad(OpBuilder &b, Location loc, Value xp, Value dyl, RankedTensorType wt,
                 const Window2D &win, int64_t groups) {
  MLIRContext *ctx = b.getContext();
  Type elem = wt.getElementType();
  int64_t f = wt.getDimSize(0), cg = wt.getDimSize(1), fg = f / groups;
  auto dt = typeOf(dyl);
  int64_t n = dt.getDimSize(0), oh = dt.getDimSize(1), ow = dt.getDimSize(2);
  auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
  SmallVector<int64_t> tapsShape{win.kh, win.kw, groups, cg, fg};
  auto toWeight = [&](Value taps) { return tapsToWeight(b, loc, taps, wt); };
  if (groups == 1 && win.sw == 1) {
    // One contraction over all taps, dims (i, j, c, f, n, oh, ow): x read
    // at (n, oh*sh + i*dh, ow + j*dw, c). Its schedule runs every tap's
    // register tiles over a chunk of images before the next, so the taps
    // share each chunk's reads from memory (a contraction per tap streamed
    // x and dy once per tap: fashion_cnn's step took 12% longer). (Strided
    // along the row, ow*sw is the index of the one reduction loop its
    // register tiles keep: not a vector read, the vectorizer refuses it.)
    auto e = [&](unsigned d) { return getAffineDimExpr(d, ctx); };
    AffineMap xm = AffineMap::get(
        7, 0, {e(4), e(5) * win.sh + e(0) * win.dh, e(6) * win.sw + e(1) * win.dw, e(2)}, ctx);
    auto t = RankedTensorType::get({win.kh, win.kw, cg, fg}, elem);
    Value dw = b.create<linalg::GenericOp>(
                    loc, t, ValueRange{xp, dyl}, ValueRange{filled(b, loc, t, 0.0)},
                    SmallVector<AffineMap>{xm, dims(ctx, 7, {4, 5, 6, 3}),
                                           dims(ctx, 7, {0, 1, 2, 3})},
                    SmallVector<utils::IteratorType>{par, par, par, par, red, red, red},
                    fmaBody)
                   .getResult(0);
    return toWeight(b.create<tensor::ExpandShapeOp>(
        loc, RankedTensorType::get(tapsShape, elem), dw,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}, {4}}));
  }
  Value taps = b.create<tensor::EmptyOp>(loc, tapsShape, elem);
  for (int64_t i = 0; i < win.kh; ++i)
    for (int64_t j = 0; j < win.kw; ++j) {
      Value view = tapView(b, loc, xp, i, j, win, oh, ow);
      Value tap;
      if (groups == 1) {
        // Dims (c, f, n, oh, ow): viewᵀ * dy.
        auto t = RankedTensorType::get({cg, fg}, elem);
        tap = b.create<linalg::GenericOp>(
                   loc, t, ValueRange{view, dyl}, ValueRange{filled(b, loc, t, 0.0)},
                   SmallVector<AffineMap>{dims(ctx, 5, {2, 3, 4, 0}),
                                          dims(ctx, 5, {2, 3, 4, 1}),
                                          dims(ctx, 5, {0, 1})},
                   SmallVector<utils::IteratorType>{par, par, red, red, red}, fmaBody)
                  .getResult(0);
      } else if (cg == 1 && fg == 1) {
        // Depthwise, dims (n, oh, ow, c): the batch and positions reduced
        // outermost, channels in the lanes.
        auto t = RankedTensorType::get({groups}, elem);
        tap = b.create<linalg::GenericOp>(
                   loc, t, ValueRange{view, dyl}, ValueRange{filled(b, loc, t, 0.0)},
                   SmallVector<AffineMap>{dims(ctx, 4, {0, 1, 2, 3}),
                                          dims(ctx, 4, {0, 1, 2, 3}), dims(ctx, 4, {3})},
                   SmallVector<utils::IteratorType>{red, red, red, par}, fmaBody)
                  .getResult(0);
      } else {
        // Grouped, dims (g, c, o, n, oh, ow).
        auto split = [&](Value v, int64_t per) -> Value {
          return b.create<tensor::ExpandShapeOp>(
              loc, RankedTensorType::get({n, oh, ow, groups, per}, elem), v,
              SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
        };
        auto t = RankedTensorType::get({groups, cg, fg}, elem);
        tap = b.create<linalg::GenericOp>(
                   loc, t, ValueRange{split(view, cg), split(dyl, fg)},
                   ValueRange{filled(b, loc, t, 0.0)},
                   SmallVector<AffineMap>{dims(ctx, 6, {3, 4, 5, 0, 1}),
                                          dims(ctx, 6, {3, 4, 5, 0, 2}),
                                          dims(ctx, 6, {0, 1, 2})},
                   SmallVector<utils::IteratorType>{par, par, par, red, red, red},
                   fmaBody)
                  .getResult(0);
      }
      taps = b.create<tensor::InsertSliceOp>(
          loc, tap, taps, ValueRange{}, ValueRange{}, ValueRange{},
          i64s(b, {i, j, 0, 0, 0}), i64s(b, {1, 1, groups, cg, fg}),
          i64s(b, {1, 1, 1, 1, 1}));
    }
  return toWeight(taps);
}

} // namespace

SmallVector<Value> conv2dParamGrads(OpBuilder &b, Location loc, Value dy, Value x, Type wType,
                                    const Window2D &win, int64_t groups, bool bias) {
  MLIRContext *ctx = b.getContext();
  auto wt = cast<RankedTensorType>(wType), xt = typeOf(x);
  Type elem = wt.getElementType();
  int64_t f = wt.getDimSize(0), cg = wt.getDimSize(1), fg = f / groups;
  int64_t h = xt.getDimSize(2), w = xt.getDimSize(3);
  int64_t oh = win.outH(h), ow = win.outW(w);
  Value xp = place(b, loc, toNHWC(b, loc, x), h + win.top + win.bottom,
                   w + win.left + win.right, win.top, win.left, 1, 1, 0.0);
  Value dyl = toNHWC(b, loc, dy);
  if (usePlanes(groups, cg, win, f)) {
    auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
    SmallVector<int64_t> tapsShape{win.kh, win.kw, groups, cg, fg};
    // dw[t, f] = Σ over (n, oh, ow) of planes[t, ...] · dy[..., f]: dims
    // (t, f, n, oh, ow), the taps' rows of one register tile sharing dy.
    // With a bias, its gradient is row KH·KW·C, the plane of ones' (the
    // same sum in the same order as dy summed alone: the same bits).
    int64_t count = win.kh * win.kw * cg;
    auto t = RankedTensorType::get({count + (bias ? 1 : 0), f}, elem);
    Value all = b.create<linalg::GenericOp>(
                     loc, t, ValueRange{tapPlanes(b, loc, xp, win, oh, ow, bias), dyl},
                     ValueRange{filled(b, loc, t, 0.0)},
                     SmallVector<AffineMap>{dims(ctx, 5, {0, 2, 3, 4}),
                                            dims(ctx, 5, {2, 3, 4, 1}), dims(ctx, 5, {0, 1})},
                     SmallVector<utils::IteratorType>{par, par, red, red, red}, fmaBody)
                    .getResult(0);
    Value dw = bias ? slice(b, loc, all, {0, 0}, {count, f}, {1, 1}) : all;
    SmallVector<Value> grads{tapsToWeight(
        b, loc,
        b.create<tensor::ExpandShapeOp>(loc, RankedTensorType::get(tapsShape, elem), dw,
                                        SmallVector<ReassociationIndices>{{0, 1, 2, 3}, {4}}),
        wt)};
    if (bias)
      grads.push_back(b.create<tensor::ExtractSliceOp>(
          loc, RankedTensorType::get({f}, elem), all, ValueRange{}, ValueRange{}, ValueRange{},
          i64s(b, {count, 0}), i64s(b, {1, f}), i64s(b, {1, 1})));
    return grads;
  }
  SmallVector<Value> grads{weightGrad(b, loc, xp, dyl, wt, win, groups)};
  if (bias)
    grads.push_back(conv2dBiasGrad(b, loc, dy));
  return grads;
}

//===----------------------------------------------------------------------===//
// Pooling: an elementwise max or sum over the taps' views.
//===----------------------------------------------------------------------===//

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
