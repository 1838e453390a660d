//===- AttentionBuilders.h - Fused multi-head attention in linalg ---------===//
//
// The core of PyTorch's MultiheadAttention on packed [Q | K | V] rows
// [B, T, 3E] (the input projection's output), fused per head: a loop over
// (batch, head) computes S = Q Kᵀ / √d (masked when causal), its softmax P,
// dropout on P and P V. As in flash attention, queries and keys are tiled
// (`block`) and the softmax is online (a running maximum and sum per row), so
// no block of weights is larger than block x block and no [T, T] one exists.
// The forward keeps each row's log-sum-exp [B, H, T]; the backward
// recomputes P from it, tile by tile.
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
  int64_t block = 64; // queries and keys per tile
};

/// {out [B, T, E] (the heads concatenated), log-sum-exp [B, H, T]}.
llvm::SmallVector<mlir::Value, 2> attention(mlir::OpBuilder &b, mlir::Location loc,
                                            mlir::Value qkv, const AttentionConfig &c);
/// d qkv [B, T, 3E] from d out, given the forward's results `out`, `lse`.
mlir::Value attentionGrad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value dout,
                          mlir::Value qkv, mlir::Value out, mlir::Value lse,
                          const AttentionConfig &c);

} // namespace kiln

#endif // KILN_DIALECTS_NN_IR_ATTENTIONBUILDERS_H
