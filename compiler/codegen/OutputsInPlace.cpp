//===- OutputsInPlace.cpp - Outputs computed in the caller's buffer -------===//
//
//   %e = tensor.empty() : tensor<1024x32x32xf32>
//   %c = linalg.fill ins(%zero) outs(%e) / scf.for ... / linalg.generic ...
//   bufferization.materialize_in_destination %c in restrict writable %out
//
// becomes a computation in %out itself (%e replaced by a `to_tensor
// restrict writable` of %out): no temporary, and the materialization a
// copy of %out onto itself, which folds away. A packed product's result
// is 4 MB at 1024 x 1024; its copy cost the matmul's forward 2-12%.
//
#include "compiler/Passes.h"
#include "compiler/codegen/Slices.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace kiln {
#define GEN_PASS_DEF_OUTPUTSINPLACEPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

/// Whether `user` alone reads `v`, but for a slice of `v` that a peeled
/// piece is computed in (read by that computation alone) and `user`
/// inserts back at its place: the piece then lands in the output's buffer
/// too.
bool usedAlone(Value v, Operation *user) {
  if (v.hasOneUse())
    return true;
  auto insert = dyn_cast<tensor::InsertSliceOp>(user);
  if (!insert || insert.getDest() != v)
    return false;
  tensor::ExtractSliceOp slice = kiln::sliceInsertedBack(insert);
  return slice && slice->hasOneUse() &&
         llvm::all_of(v.getUsers(), [&](Operation *u) { return u == user || u == slice; });
}

/// The tensor.empty whose buffer `v` is written into when every op on the
/// way bufferizes in place: through destinations, loop-carried values,
/// inserted slices and vector writes, each value before `v` used by the next
/// alone (one read elsewhere could see the output's later contents, or push
/// the chain out of place into a copy the output then misses). Null when the
/// chain leaves them.
tensor::EmptyOp emptyUnder(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto empty = dyn_cast<tensor::EmptyOp>(def))
      return empty;
    auto result = cast<OpResult>(v);
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(def))
      v = dps.getTiedOpOperand(result)->get();
    else if (auto loop = dyn_cast<scf::ForOp>(def))
      v = loop.getInitArgs()[result.getResultNumber()];
    else if (auto write = dyn_cast<vector::TransferWriteOp>(def))
      v = write.getSource();
    else
      return nullptr;
    if (!usedAlone(v, def))
      return nullptr;
  }
  return nullptr;
}

struct OutputsInPlacePass : kiln::impl::OutputsInPlacePassBase<OutputsInPlacePass> {
  void runOnOperation() override {
    // An argument nothing reads (a derived tensor prepare only writes) has
    // a to_tensor nothing uses: gone, the argument is the destination's
    // alone.
    for (BlockArgument arg : getOperation().getArguments())
      for (Operation *user : llvm::make_early_inc_range(arg.getUsers()))
        if (isa<bufferization::ToTensorOp>(user) && user->use_empty())
          user->erase();
    getOperation().walk([](bufferization::MaterializeInDestinationOp op) {
      // Only a buffer nothing else reads (an output, not a parameter updated
      // in place: that one is read through its own to_tensor, and two
      // restrict views of one buffer would be wrong).
      auto dest = dyn_cast<BlockArgument>(op.getDest());
      tensor::EmptyOp empty = emptyUnder(op.getSource());
      if (!dest || !dest.hasOneUse() || !isa<MemRefType>(dest.getType()) || !empty ||
          (op.getSource() == empty.getResult() && !empty->hasOneUse()) ||
          empty.getType() != op.getSource().getType() ||
          !empty.getType().hasStaticShape())
        return;
      OpBuilder b(empty);
      Value inPlace = b.create<bufferization::ToTensorOp>(empty.getLoc(), empty.getType(), dest,
                                                          /*restrict=*/true, /*writable=*/true);
      empty.replaceAllUsesWith(inPlace);
      empty.erase();
      // The to_tensor is now the buffer's one restrict access.
      op.setRestrict(false);
    });
  }
};

} // namespace
