//===- Slices.h - A slice of a tensor and its insertion back --------------===//
#ifndef KILN_COMPILER_CODEGEN_SLICES_H
#define KILN_COMPILER_CODEGEN_SLICES_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace kiln {

/// The extract_slice of `insert`'s destination at the same offsets, sizes
/// and strides (a loop peeled into pieces: each computed in a slice of an
/// empty and inserted back at its place), or null.
inline mlir::tensor::ExtractSliceOp sliceInsertedBack(mlir::tensor::InsertSliceOp insert) {
  for (mlir::Operation *user : insert.getDest().getUsers())
    if (auto slice = llvm::dyn_cast<mlir::tensor::ExtractSliceOp>(user))
      if (slice.getMixedOffsets() == insert.getMixedOffsets() &&
          slice.getMixedSizes() == insert.getMixedSizes() &&
          slice.getMixedStrides() == insert.getMixedStrides())
        return slice;
  return nullptr;
}

} // namespace kiln

#endif // KILN_COMPILER_CODEGEN_SLICES_H
