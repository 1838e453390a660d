//===- AttentionBuilders.h - Fused multi-head attention in linalg ---------===//
//
// The core of PyTorch's MultiheadAttention on packed [Q | K | V] rows
// [B, T, 3E] (the input projection's output), fused per head: a loop over
// (batch, head) computes S = Q Kᵀ / √d (masked when causal), its softmax P,
// dropout on P and P V on [T, T] and [T, d] blocks, so no [B, H, T, T]
// tensor exists. The forward keeps each row's log-sum-exp [B, H, T]; the
// backward recomputes P from it, as flash attention does.
//
#ifndef KILN_DIALECTS_NN_IR_ATTENTIONBUILDERS_H
#define KILN_DIALECTS_NN_IR_ATTENTIONBUILDERS_H

#include "mlir/IR/Builders.h"

namespace kiln {

/// How one attention op computes: heads, the causal mask and dropout on the
/// weights (`seed`, `step` null outside training, or at rate 0).
struct AttentionConfig {
  int64_t heads;
  bool causal;
  double rate;
  int64_t stream;
  mlir::Value seed, step;
};

/// {out [B, T, E] (the heads concatenated), log-sum-exp [B, H, T]}.
llvm::SmallVector<mlir::Value, 2> attention(mlir::OpBuilder &b, mlir::Location loc,
                                            mlir::Value qkv, const AttentionConfig &c);
/// d qkv [B, T, 3E] from d out.
mlir::Value attentionGrad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value dout,
                          mlir::Value qkv, mlir::Value lse, const AttentionConfig &c);

} // namespace kiln

#endif // KILN_DIALECTS_NN_IR_ATTENTIONBUILDERS_H
