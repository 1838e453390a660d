//===- WindowBuilders.cpp - Slices and frames of channels-last tensors ----===//
#include "dialects/NN/IR/WindowBuilders.h"
#include "dialects/NN/IR/LinalgBuilders.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace kiln::window {
namespace {

DenseI64ArrayAttr i64s(OpBuilder &b, ArrayRef<int64_t> v) {
  return b.getDenseI64ArrayAttr(v);
}

} // namespace

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// A (possibly strided, possibly rank-reducing) slice of `x`.
Value slice(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> offsets,
            ArrayRef<int64_t> sizes, ArrayRef<int64_t> strides, RankedTensorType type) {
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

} // namespace kiln::window
