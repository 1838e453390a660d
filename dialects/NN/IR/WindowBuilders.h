//===- WindowBuilders.h - Slices and frames of channels-last tensors ------===//
//
// What the convolution and pooling builders share: slices, padded frames and
// the taps' strided views of [N, H, W, C] tensors, and indexing maps.
//
#ifndef KILN_DIALECTS_NN_IR_WINDOWBUILDERS_H
#define KILN_DIALECTS_NN_IR_WINDOWBUILDERS_H

#include "dialects/NN/IR/ConvBuilders.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace kiln::window {

mlir::RankedTensorType typeOf(mlir::Value v);

/// A (possibly strided, possibly rank-reducing) slice of `x`.
mlir::Value slice(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                  llvm::ArrayRef<int64_t> offsets, llvm::ArrayRef<int64_t> sizes,
                  llvm::ArrayRef<int64_t> strides, mlir::RankedTensorType type = {});

mlir::Value insert(mlir::OpBuilder &b, mlir::Location loc, mlir::Value src, mlir::Value dest,
                   llvm::ArrayRef<int64_t> offsets, llvm::ArrayRef<int64_t> sizes,
                   llvm::ArrayRef<int64_t> strides);

/// `frame` [N, H, W, C] with `value` everywhere but rows [r0, r1) x columns
/// [c0, c1), which the caller writes.
mlir::Value fillOutside(mlir::OpBuilder &b, mlir::Location loc, mlir::Value frame, int64_t r0,
                        int64_t r1, int64_t c0, int64_t c1, double value);

/// x [N, H, W, C] placed at (top, left) with row/column strides (sh, sw) in
/// a [N, hp, wp, C] tensor filled with `value`.
mlir::Value place(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, int64_t hp, int64_t wp,
                  int64_t top, int64_t left, int64_t sh, int64_t sw, double value);

/// The input's view under tap (i, j): [N, OH, OW, C] of the padded xp.
mlir::Value tapView(mlir::OpBuilder &b, mlir::Location loc, mlir::Value xp, int64_t i, int64_t j,
                    const Window2D &win, int64_t oh, int64_t ow);

/// The map from `count` dims to the dims `which`.
mlir::AffineMap dims(mlir::MLIRContext *ctx, unsigned count, llvm::ArrayRef<unsigned> which);

} // namespace kiln::window

#endif // KILN_DIALECTS_NN_IR_WINDOWBUILDERS_H
