//===- AttentionBuilders.h - Multi-head attention in linalg on tensors ----===//
//
// The core of PyTorch's MultiheadAttention on packed [Q | K | V] rows
// [B, T, 3E] (the input projection's output): the weights softmax(Q Kᵀ/√d)
// per head [B, H, T, T], and the weights applied to V, [B, T, E]. Each with
// its VJP; the gradients land in their part of a [B, T, 3E] cotangent.
//
#ifndef KILN_DIALECTS_NN_IR_ATTENTIONBUILDERS_H
#define KILN_DIALECTS_NN_IR_ATTENTIONBUILDERS_H

#include "mlir/IR/Builders.h"

namespace kiln {

mlir::Value attentionWeights(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value qkv, int64_t heads, bool causal);
/// d qkv (the Q and K parts; V's zero) from the weights' cotangent `dp` and
/// the weights `p`.
mlir::Value attentionWeightsGrad(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value dp, mlir::Value p,
                                 mlir::Value qkv, int64_t heads);

mlir::Value attentionApply(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value p, mlir::Value qkv);
/// {d weights, d qkv (the V part; Q's and K's zero)}.
llvm::SmallVector<mlir::Value, 2>
attentionApplyGrad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value dout,
                   mlir::Value p, mlir::Value qkv);

} // namespace kiln

#endif // KILN_DIALECTS_NN_IR_ATTENTIONBUILDERS_H
