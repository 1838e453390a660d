//===- NormBuilders.h - Batch norm and LRN in linalg on tensors -----------===//
#ifndef KILN_DIALECTS_NN_IR_NORMBUILDERS_H
#define KILN_DIALECTS_NN_IR_NORMBUILDERS_H

#include "mlir/IR/Builders.h"

namespace kiln {

/// Batch norm of x [N, C, H, W] or [N, F]: {y, new running mean, new running
/// var}. `weight`/`bias` may be null. Channels-last inside.
llvm::SmallVector<mlir::Value, 3>
batchNorm(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
          mlir::Value mean, mlir::Value var, mlir::Value weight,
          mlir::Value bias, double momentum, double eps, bool training);
/// {dx, dweight, dbias} (the last two null without weight) given dy.
llvm::SmallVector<mlir::Value, 3>
batchNormGrad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value dy,
              mlir::Value x, mlir::Value mean, mlir::Value var,
              mlir::Value weight, double eps, bool training);

/// PyTorch's LocalResponseNorm over dim 1 of x [N, C, H, W], and its VJP.
mlir::Value localResponseNorm(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value x, int64_t size, double alpha,
                              double beta, double k);
mlir::Value localResponseNormGrad(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value dy, mlir::Value x, int64_t size,
                                  double alpha, double beta, double k);

} // namespace kiln

#endif // KILN_DIALECTS_NN_IR_NORMBUILDERS_H
