//===- LossBuilders.h - Losses and their gradients on tensors -------------===//
//
// Shared by the nn-to-linalg lowering (the loss) and the VJP rules (its
// gradient with respect to the prediction, scaled by the incoming scalar
// cotangent `g`). Every loss is a mean, as PyTorch's default reduction.
//
#ifndef KILN_DIALECTS_NN_IR_LOSSBUILDERS_H
#define KILN_DIALECTS_NN_IR_LOSSBUILDERS_H

#include "mlir/IR/Builders.h"

namespace kiln {

/// mean(|p - t|) and sign(p - t) / N * g.
mlir::Value maeLoss(mlir::OpBuilder &b, mlir::Location loc, mlir::Value p,
                    mlir::Value t);
mlir::Value maeLossGrad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value p,
                        mlir::Value t, mlir::Value g);
/// Huber with `delta`; the gradient is clamp(p - t, -delta, delta) / N * g.
mlir::Value huberLoss(mlir::OpBuilder &b, mlir::Location loc, mlir::Value p,
                      mlir::Value t, double delta);
mlir::Value huberLossGrad(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value p, mlir::Value t, double delta,
                          mlir::Value g);
/// Binary cross-entropy on logits x; the gradient is (sigmoid(x) - t) / N * g.
mlir::Value bceLoss(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                    mlir::Value t);
mlir::Value bceLossGrad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                        mlir::Value t, mlir::Value g);
/// Cross-entropy of softmax(x[B,C]) with targets: class indices [B] or
/// probability rows [B,C], smoothed by `smoothing`; `klTerm` adds
/// Σ t log t (the KL divergence, unsmoothed targets).
mlir::Value softCrossEntropy(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value x, mlir::Value targets,
                             double smoothing, bool klTerm);
/// Its gradient: (softmax(x) Σ_c t' - t') / B * g.
mlir::Value softCrossEntropyGrad(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value x, mlir::Value targets,
                                 double smoothing, mlir::Value g);
/// l1 Σ|w| + l2 Σw² and (l1 sign(w) + 2 l2 w) * g.
mlir::Value weightPenalty(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value w, double l1, double l2);
mlir::Value weightPenaltyGrad(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value w, double l1, double l2,
                              mlir::Value g);
/// Σ of all elements of x times c, as a 0-d tensor.
mlir::Value scaledSum(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      double c);

} // namespace kiln

#endif // KILN_DIALECTS_NN_IR_LOSSBUILDERS_H
