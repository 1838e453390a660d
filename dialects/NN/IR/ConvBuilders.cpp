//===- ConvBuilders.cpp - Convolutions in linalg on tensors ----------------===//
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
#include "dialects/NN/IR/WindowBuilders.h"
#include "dialects/Kernel/IR/KernelAttrs.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;

namespace kiln {
using namespace window;

namespace {

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

/// acc + a * b, yielded.
void fmaBody(OpBuilder &b, Location l, ValueRange a) {
  Value p = b.create<arith::MulFOp>(l, a[0], a[1]);
  b.create<linalg::YieldOp>(l, ValueRange{b.create<arith::AddFOp>(l, a[2], p)});
}

/// acc + a, yielded: a sum.
void addBody(OpBuilder &b, Location l, ValueRange a) {
  b.create<linalg::YieldOp>(l, ValueRange{b.create<arith::AddFOp>(l, a[1], a[0])});
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
                            loc, ValueRange{floatConst(b, loc, t.getElementType(), 1.0)},
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

/// Offsets, sizes and strides of `images` images of [N, H, W, C] from `at`.
SmallVector<OpFoldResult> imagesFrom(OpBuilder &b, Value at) {
  return {at, b.getIndexAttr(0), b.getIndexAttr(0), b.getIndexAttr(0)};
}
SmallVector<OpFoldResult> imagesOf(OpBuilder &b, RankedTensorType t, int64_t images) {
  return {b.getIndexAttr(images), b.getIndexAttr(t.getDimSize(1)), b.getIndexAttr(t.getDimSize(2)),
          b.getIndexAttr(t.getDimSize(3))};
}
SmallVector<OpFoldResult> unitStrides(OpBuilder &b) {
  return SmallVector<OpFoldResult>(4, b.getIndexAttr(1));
}

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

/// Parts of the batch (`n` images of `imageBytes` each) that a weight
/// gradient with `outBytes` of output sums on their own, one per core (the
/// module's kCoresAttr), then adds: 1 without the module's facts, when the
/// inputs fit in L2 (kL2BytesAttr) or the parts would not divide the batch,
/// or when the parts' sums would outgrow an eighth of L2. A weight gradient
/// of few outputs is one register tile over a memory-bound sum (fashion_cnn's
/// first convolution: 10 x 32 outputs over 7 MB): split by its rows or
/// columns, every core would still read all of dy.
int64_t batchParts(OpBuilder &b, int64_t n, int64_t imageBytes, int64_t outBytes) {
  int64_t cores = moduleFact(b, kCoresAttr), l2 = moduleFact(b, kL2BytesAttr);
  if (cores < 2 || l2 <= 0 || n * imageBytes <= l2 || n % cores != 0 ||
      cores * outBytes > l2 / 8)
    return 1;
  return cores;
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
          Value dyb = nb.create<tensor::ExtractSliceOp>(
              l, RankedTensorType::get({images, oh, ow, typeOf(dyl).getDimSize(3)}, elem), dyl,
              imagesFrom(nb, at), imagesOf(nb, typeOf(dyl), images), unitStrides(nb));
          Value out = nb.create<tensor::InsertSliceOp>(l, block(nb, l, dyb, images), acc[0],
                                                       imagesFrom(nb, at),
                                                       imagesOf(nb, dxType, images), unitStrides(nb));
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
              addBody)
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
        7, 0, {e(4), e(5) * win.sh + e(0) * win.dh, e(6) + e(1) * win.dw, e(2)}, ctx);
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
    // With a bias, its gradient is row KH·KW·C, the plane of ones' (in one
    // part, the same sum in the same order as dy summed alone: the same
    // bits).
    int64_t count = win.kh * win.kw * cg, rows = count + (bias ? 1 : 0);
    auto t = RankedTensorType::get({rows, f}, elem);
    Value planes = tapPlanes(b, loc, xp, win, oh, ow, bias);
    int64_t n = typeOf(dyl).getDimSize(0), bytes = elem.getIntOrFloatBitWidth() / 8;
    int64_t parts = batchParts(b, n, (rows + f) * oh * ow * bytes, rows * f * bytes);
    Value all;
    if (parts == 1) {
      all = b.create<linalg::GenericOp>(
                 loc, t, ValueRange{planes, dyl}, ValueRange{filled(b, loc, t, 0.0)},
                 SmallVector<AffineMap>{dims(ctx, 5, {0, 2, 3, 4}), dims(ctx, 5, {2, 3, 4, 1}),
                                        dims(ctx, 5, {0, 1})},
                 SmallVector<utils::IteratorType>{par, par, red, red, red}, fmaBody)
                .getResult(0);
    } else {
      // Each part of the batch summed on its own (dims (s, t, f, n, oh,
      // ow), s the part), then the parts added in order: the same bits for
      // any number of threads.
      int64_t per = n / parts;
      Value ps = b.create<tensor::ExpandShapeOp>(
          loc, RankedTensorType::get({rows, parts, per, oh, ow}, elem), planes,
          SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
      Value ds = b.create<tensor::ExpandShapeOp>(
          loc, RankedTensorType::get({parts, per, oh, ow, f}, elem), dyl,
          SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
      auto pt = RankedTensorType::get({parts, rows, f}, elem);
      Value sums = b.create<linalg::GenericOp>(
                        loc, pt, ValueRange{ps, ds}, ValueRange{filled(b, loc, pt, 0.0)},
                        SmallVector<AffineMap>{dims(ctx, 6, {1, 0, 3, 4, 5}),
                                               dims(ctx, 6, {0, 3, 4, 5, 2}),
                                               dims(ctx, 6, {0, 1, 2})},
                        SmallVector<utils::IteratorType>{par, par, par, red, red, red}, fmaBody)
                       .getResult(0);
      all = b.create<linalg::GenericOp>(
                 loc, t, ValueRange{sums}, ValueRange{filled(b, loc, t, 0.0)},
                 SmallVector<AffineMap>{dims(ctx, 3, {0, 1, 2}), dims(ctx, 3, {1, 2})},
                 SmallVector<utils::IteratorType>{red, par, par}, addBody)
                .getResult(0);
    }
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

} // namespace kiln
