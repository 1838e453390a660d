//===- TileKernels.h - Pieces of kernel-tile in files of their own ---------===//
#ifndef KILN_DIALECTS_KERNEL_TRANSFORMS_TILEKERNELS_H
#define KILN_DIALECTS_KERNEL_TRANSFORMS_TILEKERNELS_H

#include "dialects/Kernel/IR/KernelDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln::kernel {

/// A greedy rewrite that reports the ops it makes to `rewriter`'s listener
/// (the pass tells the constants tiling makes from those already there).
mlir::GreedyRewriteConfig reporting(mlir::RewriterBase &rewriter);

/// Drops the unit loops that tiling leaves in the group's generic
/// contractions (VectorizeGroups.cpp).
void dropUnitLoops(mlir::RewriterBase &rewriter, GroupOp group);

/// Vectorizes the group's linalg ops (static tiles); any the vectorizer
/// rejects stays scalar, with a warning, and is counted. Returns that count
/// (VectorizeGroups.cpp).
int64_t vectorizeAll(mlir::RewriterBase &rewriter, GroupOp group);

} // namespace kiln::kernel

#endif // KILN_DIALECTS_KERNEL_TRANSFORMS_TILEKERNELS_H
