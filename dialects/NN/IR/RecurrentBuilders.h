//===- RecurrentBuilders.h - LSTM, GRU and RNN as loops over the steps ----===//
//
// PyTorch's LSTM (gate order i, f, g, o), GRU and tanh RNN over x [B, T, F],
// one direction of one layer, an scf.for over the T steps: the input projection of all
// steps is one matmul, each step one [B, H] x [H, G*H] matmul plus its cell update.
// The backward pass (backprop through time) reads the residuals the forward
// returns: the cell states and the gates' activations. For a target of several
// cores (kCoresAttr) the batch's rows run in blocks, the steps of each block in
// one trip of a loop that threads split; the backward adds the blocks' weight
// gradients after its loops.
//
#ifndef KILN_DIALECTS_NN_IR_RECURRENTBUILDERS_H
#define KILN_DIALECTS_NN_IR_RECURRENTBUILDERS_H

#include "mlir/IR/Builders.h"

namespace kiln {

/// {h [B, T, H], c [B, T, H], gates [B, T, 4H] (after their activations)};
/// `reverse` runs from the last step to the first.
llvm::SmallVector<mlir::Value, 3> lstm(mlir::OpBuilder &b, mlir::Location loc,
                                       mlir::Value x, mlir::Value wih, mlir::Value whh,
                                       mlir::Value bih, mlir::Value bhh, bool reverse);
/// {dx, dw_ih, dw_hh, db_ih, db_hh} from the cotangent of h.
llvm::SmallVector<mlir::Value, 5>
lstmGrad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value dh, mlir::Value x,
         mlir::Value wih, mlir::Value whh, mlir::Value h, mlir::Value c,
         mlir::Value gates, bool reverse);

/// PyTorch's GRU (gates r, z, n): {h [B, T, H], residuals [B, T, 4H]: r, z,
/// n and W_hn h + b_hn per step}, and its VJP {dx, dw_ih, dw_hh, db_ih,
/// db_hh}.
llvm::SmallVector<mlir::Value, 2> gru(mlir::OpBuilder &b, mlir::Location loc,
                                      mlir::Value x, mlir::Value wih, mlir::Value whh,
                                      mlir::Value bih, mlir::Value bhh, bool reverse);
llvm::SmallVector<mlir::Value, 5>
gruGrad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value dh, mlir::Value x,
        mlir::Value wih, mlir::Value whh, mlir::Value h, mlir::Value gates, bool reverse);

/// PyTorch's tanh RNN: h [B, T, H], and its VJP.
mlir::Value simpleRnn(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Value wih, mlir::Value whh, mlir::Value bih,
                      mlir::Value bhh, bool reverse);
llvm::SmallVector<mlir::Value, 5>
simpleRnnGrad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value dh, mlir::Value x,
              mlir::Value wih, mlir::Value whh, mlir::Value h, bool reverse);

/// x[:, T-1, :] of [B, T, F], and its VJP.
mlir::Value lastStep(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);
mlir::Value lastStepGrad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value dy,
                         mlir::RankedTensorType xType);

} // namespace kiln

#endif // KILN_DIALECTS_NN_IR_RECURRENTBUILDERS_H
