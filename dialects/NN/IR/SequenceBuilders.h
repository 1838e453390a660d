//===- SequenceBuilders.h - Sequence and graph layers in linalg on tensors -===//
//
// Embedding, layer norm, GELU, merges and reductions over one axis: each
// forward and its VJP, shared by the nn-to-linalg lowering and the nn VJP
// rules. Ops on the last axis of any rank work on rows [M, F].
//
#ifndef KILN_DIALECTS_NN_IR_SEQUENCEBUILDERS_H
#define KILN_DIALECTS_NN_IR_SEQUENCEBUILDERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace kiln {

/// x [..., F] as rows [M, F] (M the product of the leading dims), and rows
/// back to `type`. Rank 2 passes through.
mlir::Value toRows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);
mlir::Value fromRows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value rows,
                     mlir::RankedTensorType type);

/// x with dim `axis` moved last (linalg.transpose), and back: softmax over
/// another axis is softmax over rows of the moved tensor.
mlir::Value moveAxisLast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                         int64_t axis);
mlir::Value moveLastAxis(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                         int64_t axis);

/// Class labels [batch, ...] as one row of labels [N] (rank 1 passes
/// through): the labels of logits taken as rows by toRows.
mlir::Value flatLabels(mlir::OpBuilder &b, mlir::Location loc, mlir::Value labels);

/// weight[ids[...], :] (ids clamped into the table), and the weight's
/// gradient: a scatter-add of dy's rows, one id at a time in order.
mlir::Value embedding(mlir::OpBuilder &b, mlir::Location loc, mlir::Value ids,
                      mlir::Value weight);
mlir::Value embeddingGrad(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value ids, mlir::Value dy,
                          mlir::RankedTensorType weightType);

/// x [B, T, D] + weight[:T], and the weight's gradient (rows past T zero).
mlir::Value positionEmbedding(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value x, mlir::Value weight);
mlir::Value positionEmbeddingGrad(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value dy,
                                  mlir::RankedTensorType weightType);

/// Layer norm over the last axis; `weight`, `bias` may be null. The VJP
/// returns {dx, dweight, dbias} (null without weight).
mlir::Value layerNorm(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Value weight, mlir::Value bias, double eps);
llvm::SmallVector<mlir::Value, 3>
layerNormGrad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value dy,
              mlir::Value x, mlir::Value weight, double eps);

/// Exact GELU, x Φ(x), and dy Φ'(x)-weighted: dy (Φ(x) + x φ(x)).
mlir::Value gelu(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);
mlir::Value geluGrad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value dy,
                     mlir::Value x);

/// The inputs joined along `axis`, and dy cut back into their types.
mlir::Value concat(mlir::OpBuilder &b, mlir::Location loc,
                   mlir::ValueRange inputs, int64_t axis);
llvm::SmallVector<mlir::Value> concatGrad(mlir::OpBuilder &b,
                                          mlir::Location loc, mlir::Value dy,
                                          mlir::TypeRange inputTypes,
                                          int64_t axis);

/// The mean or the maximum of x over `axis` (dropped from the shape).
mlir::Value reduceAxis(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       int64_t axis, bool max);
/// dy spread evenly over the axis (mean), or to the first maximum (max: `y`
/// is the forward's result).
mlir::Value reduceMeanGrad(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value dy, mlir::RankedTensorType xType,
                           int64_t axis);
mlir::Value reduceMaxGrad(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value dy, mlir::Value x, mlir::Value y,
                          int64_t axis);

} // namespace kiln

#endif // KILN_DIALECTS_NN_IR_SEQUENCEBUILDERS_H
