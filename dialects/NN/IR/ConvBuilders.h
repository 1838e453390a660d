//===- ConvBuilders.h - Convolution and pooling in linalg on tensors ------===//
//
// nn.conv2d and the pooling ops are NCHW (PyTorch's semantics). Their
// lowerings and gradients work channels-last inside: each kernel tap is one
// vectorizable contraction (or max/sum) over a strided view of the padded
// input, with the channels in the vector lanes; the transposes at the
// boundaries cancel between layers (kiln-propagate-transposes).
//
#ifndef KILN_DIALECTS_NN_IR_CONVBUILDERS_H
#define KILN_DIALECTS_NN_IR_CONVBUILDERS_H

#include "mlir/IR/Builders.h"

#include <cstdint>

namespace kiln {


/// The geometry of a 2-D window: kernel (or pooling window) size, strides,
/// dilation and padding [top, left, bottom, right].
struct Window2D {
  int64_t kh, kw, sh = 1, sw = 1, dh = 1, dw = 1;
  int64_t top = 0, left = 0, bottom = 0, right = 0;

  /// The output size along height / width for an input of `h` / `w`; below
  /// 1 when the (dilated) window does not fit the padded input.
  int64_t outH(int64_t h) const { return outSize(h, kh, sh, dh, top + bottom); }
  int64_t outW(int64_t w) const { return outSize(w, kw, sw, dw, left + right); }
  static int64_t outSize(int64_t in, int64_t k, int64_t s, int64_t d,
                         int64_t pad) {
    int64_t span = in + pad - d * (k - 1) - 1;
    return span < 0 ? 0 : span / s + 1;
  }
};

/// [N, C, H, W] <-> [N, H, W, C].
mlir::Value toNHWC(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);
mlir::Value toNCHW(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

/// conv2d of x [N, C, H, W] with weight [F, C/groups, KH, KW] (+ bias [F]).
mlir::Value conv2d(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                   mlir::Value weight, mlir::Value bias, const Window2D &win,
                   int64_t groups);
/// d loss / d x of conv2d given dy [N, F, OH, OW]; `xType` is x's type.
mlir::Value conv2dInputGrad(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value dy, mlir::Value weight,
                            mlir::Type xType, const Window2D &win,
                            int64_t groups);
/// d loss / d weight of conv2d, in the weight's layout, then with `bias`
/// d loss / d bias ([F]).
llvm::SmallVector<mlir::Value> conv2dParamGrads(mlir::OpBuilder &b, mlir::Location loc,
                                                mlir::Value dy, mlir::Value x,
                                                mlir::Type wType, const Window2D &win,
                                                int64_t groups, bool bias);

/// Max or average pooling of x [N, C, H, W].
mlir::Value pool2d(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                   const Window2D &win, bool max);
/// d loss / d x of pooling given dy; max pooling reads x and its result y
/// (the gradient goes to the first maximum of each window).
mlir::Value pool2dInputGrad(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value dy, mlir::Value x, mlir::Value y,
                            const Window2D &win, bool max);

} // namespace kiln

#endif // KILN_DIALECTS_NN_IR_CONVBUILDERS_H
