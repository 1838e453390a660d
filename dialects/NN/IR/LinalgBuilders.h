//===- LinalgBuilders.h - Small builders for linalg on tensors -------------===//
//
// Shared by the nn VJP rules and the nn-to-linalg lowering, so a layer's
// forward and backward are written in the same vocabulary.
//
#ifndef KILN_DIALECTS_NN_IR_LINALGBUILDERS_H
#define KILN_DIALECTS_NN_IR_LINALGBUILDERS_H

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace kiln {

using ScalarFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// The ScalarFn applying a binary arith op: `binary<arith::AddFOp>`.
template <typename OpTy>
mlir::Value binary(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange a) {
  return b.create<OpTy>(loc, a[0], a[1]);
}

/// Scalar float arithmetic at one place, for the bodies of generics.
struct ScalarOps {
  mlir::OpBuilder &b;
  mlir::Location l;
  mlir::Type t; // the float type of constants
  mlir::Value c(double v);
  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value sub(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value div(mlir::Value x, mlir::Value y);
  mlir::Value sqrt(mlir::Value x);
  mlir::Value abs(mlir::Value x);
  mlir::Value max(mlir::Value x, mlir::Value y);
  mlir::Value min(mlir::Value x, mlir::Value y);
  mlir::Value lt(mlir::Value x, mlir::Value y); // ordered x < y
  mlir::Value select(mlir::Value cond, mlir::Value x, mlir::Value y);
  /// 1, -1 or 0 (torch.sign).
  mlir::Value sign(mlir::Value x);
};

/// A float constant of `type` (a float type).
mlir::Value floatConst(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                       double value);
/// On the module, facts of the target the builders read: its cores (a
/// recurrence runs its batch in blocks, one per thread: RecurrentBuilders.h;
/// a weight gradient over tap planes sums one part of the batch per core)
/// and the bytes of L2 per core (a convolution's input gradient runs its
/// batch in blocks that fit in it: conv2dInputGrad; the weight gradient
/// over tap planes sums in parts only when its inputs outgrow it).
inline constexpr llvm::StringLiteral kCoresAttr = "kiln.cores";
inline constexpr llvm::StringLiteral kL2BytesAttr = "kiln.l2_bytes";
/// The integer attribute `name` of the module around `b`'s insertion point,
/// or 0.
int64_t moduleFact(mlir::OpBuilder &b, llvm::StringRef name);

/// tensor.empty + linalg.fill.
mlir::Value filled(mlir::OpBuilder &b, mlir::Location loc,
                   mlir::RankedTensorType type, double value);
/// a[M,K] * b[K,N], added to `acc` [M,N] when given.
mlir::Value matmul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                   mlir::Value bm, mlir::Value acc = {});
/// a[K,M]ᵀ * b[K,N], added to `acc` [M,N] when given.
mlir::Value matmulTransposeA(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value a, mlir::Value bm,
                             mlir::Value acc = {});
/// x[M,N] -> [N,M].
mlir::Value transpose2d(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);
/// Elementwise map over same-shaped operands; a 0-d tensor operand is
/// broadcast. The result has the shape of `inputs[0]`.
mlir::Value mapElementwise(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::ValueRange inputs, mlir::Type resultElem,
                           ScalarFn fn);
/// x[B,N] combined with row vector v[N] by `fn`.
mlir::Value mapWithRow(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       mlir::Value v, ScalarFn fn);
/// x[B,N] combined with column vector v[B] by `fn`.
mlir::Value mapWithColumn(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value x, mlir::Value v, ScalarFn fn);
/// Reduces x[B,N] over axis 0 (-> [N]) or axis 1 (-> [B]) with `combine`
/// starting from `init`.
mlir::Value reduce2d(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                     unsigned axis, double init, ScalarFn combine);
/// Sum of all elements of x -> tensor<elem>.
mlir::Value sumAll(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);
/// How many elements of float tensor x (any rank) are NaN or +-inf, as a
/// float tensor<f32> (exact up to 2^24).
mlir::Value countNonFinite(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);
/// Scales by a 0-d tensor times a constant: x * s[] * c.
mlir::Value scaleBy(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                    mlir::Value scalarTensor, double c);
/// The pieces of a stable row-wise softmax of x[B,N]: the row maxima [B],
/// exp(x - max) [B,N] and its row sums [B].
struct ShiftedExp {
  mlir::Value rowMax, exp, rowSum;
};
ShiftedExp shiftedExpRows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);
/// Inverted dropout of x (any rank): element i is kept, scaled by
/// 1 / (1 - rate), unless the 24 high bits of a splitmix64 hash of
/// (seed, step, stream, i) fall below rate * 2^24. `seed` and `step` are i64
/// values; the same arguments give the same mask (the backward pass
/// recomputes it). With `base` (an i64), x is a block of a larger tensor
/// whose element (i, j, ...) is element base + i*strides[0] + j*strides[1]
/// ... of the whole (`strides` default to x's own row-major strides).
mlir::Value dropout(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                    mlir::Value seed, mlir::Value step, int64_t stream,
                    double rate, mlir::Value base = {},
                    llvm::ArrayRef<int64_t> strides = {});
/// Row-wise stable softmax of x[B,N].
mlir::Value softmaxRows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

} // namespace kiln

#endif // KILN_DIALECTS_NN_IR_LINALGBUILDERS_H
