//===- VectorizeGroups.cpp - kernel-tile's vectorization of tiled groups ---===//
//
// After kernel-tile has tiled a group to static register tiles: unit loops
// dropped, every linalg op vectorized, and the transfers and slices that
// vectorization leaves folded into plain vector reads and writes.
//
#include "dialects/Kernel/Transforms/Schedule.h"
#include "dialects/Kernel/Transforms/TileKernels.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"

using namespace mlir;
using namespace kiln::kernel;

namespace {

/// A tile copied as it is (a transpose that keeps the innermost dim, whose
/// tile of unit outer dims folds to its slice: B packed into panels of
/// columns) reads the slice as a vector and writes it: left as slices, it
/// bufferized to a memref.copy, expanded into scalar loops that threads do
/// not split.
struct SliceCopyAsTransfers : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::InsertSliceOp insert,
                                PatternRewriter &rewriter) const override {
    auto extract = insert.getSource().getDefiningOp<tensor::ExtractSliceOp>();
    RankedTensorType type = insert.getSourceType();
    if (!extract || !type.hasStaticShape() || type.getNumElements() > 64 * 64 ||
        extract.getSourceType().getRank() != type.getRank() ||
        insert.getDestType().getRank() != type.getRank() ||
        !extract.hasUnitStride() || !insert.hasUnitStride())
      return failure();
    Location loc = insert.getLoc();
    auto vecType = VectorType::get(type.getShape(), type.getElementType());
    auto indices = [&](ArrayRef<OpFoldResult> offsets) {
      return llvm::map_to_vector(offsets, [&](OpFoldResult o) {
        return getValueOrCreateConstantIndexOp(rewriter, loc, o);
      });
    };
    SmallVector<bool> inBounds(type.getRank(), true);
    Value pad = rewriter.create<arith::ConstantOp>(loc, rewriter.getZeroAttr(type.getElementType()));
    Value v = rewriter.create<vector::TransferReadOp>(
        loc, vecType, extract.getSource(), indices(extract.getMixedOffsets()), pad,
        ArrayRef<bool>(inBounds));
    rewriter.replaceOpWithNewOp<vector::TransferWriteOp>(
        insert, v, insert.getDest(), indices(insert.getMixedOffsets()), ArrayRef<bool>(inBounds));
    return success();
  }
};

/// A transfer_read whose map drops unit dims of its source from the middle
/// (a rank-reducing slice folded in: a packed product's accumulator tile
/// [rows, 1, columns]) reads the full-rank vector and shape_casts it, so
/// the read and the write of the tile stay one pair that
/// kernel-lower-vectors hoists out of the k loop.
struct ReadUnitDimsAsShapeCast : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferReadOp op,
                                PatternRewriter &rewriter) const override {
    AffineMap map = op.getPermutationMap();
    auto source = cast<ShapedType>(op.getSource().getType());
    if (op.getMask() || map.isMinorIdentity() || !map.isProjectedPermutation() ||
        map.getNumDims() != source.getRank() || !op.getVectorType().hasStaticShape())
      return failure();
    int64_t last = -1;
    DenseSet<unsigned> kept;
    for (AffineExpr e : map.getResults()) {
      auto d = cast<AffineDimExpr>(e).getPosition();
      if ((int64_t)d < last)
        return failure();
      last = d;
      kept.insert(d);
    }
    SmallVector<int64_t> shape;
    SmallVector<bool> inBounds;
    unsigned r = 0;
    for (int64_t d = 0; d < source.getRank(); ++d) {
      if (kept.contains(d)) {
        shape.push_back(op.getVectorType().getDimSize(r));
        inBounds.push_back(op.isDimInBounds(r++));
      } else if (source.getDimSize(d) == 1) {
        shape.push_back(1);
        inBounds.push_back(true);
      } else {
        return failure();
      }
    }
    auto full = VectorType::get(shape, op.getVectorType().getElementType());
    Value read = rewriter.create<vector::TransferReadOp>(
        op.getLoc(), full, op.getSource(), op.getIndices(), op.getPadding(),
        ArrayRef<bool>(inBounds));
    rewriter.replaceOpWithNewOp<vector::ShapeCastOp>(op, op.getVectorType(), read);
    return success();
  }
};

/// A transpose or broadcast that only moves or adds unit dims is a
/// shape_cast (no lanes move).
struct UnitDimsAsShapeCast : RewritePattern {
  UnitDimsAsShapeCast(MLIRContext *ctx) : RewritePattern(MatchAnyOpTypeTag(), 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!isa<vector::TransposeOp, vector::BroadcastOp>(op))
      return failure();
    auto in = dyn_cast<VectorType>(op->getOperand(0).getType());
    auto out = cast<VectorType>(op->getResult(0).getType());
    if (!in || in.getNumElements() != out.getNumElements() || in.isScalable())
      return failure();
    if (auto t = dyn_cast<vector::TransposeOp>(op)) {
      int64_t last = -1;
      for (int64_t p : t.getPermutation()) {
        if (in.getDimSize(p) == 1)
          continue;
        if (p < last)
          return failure();
        last = p;
      }
    }
    rewriter.replaceOpWithNewOp<vector::ShapeCastOp>(op, out, op->getOperand(0));
    return success();
  }
};

} // namespace

/// Drops the unit loops that tiling leaves in generic contractions (all
/// but the innermost reduction), so each becomes a [rows, k = 1] x [1,
/// columns] product that vectorizes into broadcasts and FMAs like a matmul.
void kiln::kernel::dropUnitLoops(RewriterBase &rewriter, GroupOp group) {
  SmallVector<linalg::GenericOp> ops;
  group.walk([&](linalg::GenericOp op) {
    if (op.getNumReductionLoops() > 0 &&
        isMultiplyAccumulate(cast<linalg::LinalgOp>(op.getOperation())))
      ops.push_back(op);
  });
  linalg::ControlDropUnitDims options;
  options.rankReductionStrategy =
      linalg::ControlDropUnitDims::RankReductionStrategy::ExtractInsertSlice;
  options.controlFn = [](Operation *op) {
    auto g = cast<linalg::GenericOp>(op);
    SmallVector<int64_t> bounds = g.getStaticLoopRanges();
    auto iters = g.getIteratorTypesArray();
    int64_t keep = -1;
    for (int64_t i = iters.size() - 1; i >= 0 && keep < 0; --i)
      if (linalg::isReductionIterator(iters[i]))
        keep = i;
    SmallVector<unsigned> unit;
    for (int64_t i = 0; i < (int64_t)bounds.size(); ++i)
      if (bounds[i] == 1 && i != keep)
        unit.push_back(i);
    return unit;
  };
  for (linalg::GenericOp op : ops) {
    rewriter.setInsertionPoint(op);
    (void)linalg::dropUnitDims(rewriter, op, options);
  }
}

/// Vectorizes the group's linalg ops (static tiles); any the vectorizer
/// rejects stays scalar, with a warning, and is counted. Returns that count.
int64_t kiln::kernel::vectorizeAll(RewriterBase &rewriter, GroupOp group) {
  SmallVector<linalg::LinalgOp> ops;
  group.walk([&](linalg::LinalgOp op) { ops.push_back(op); });
  int64_t scalar = 0;
  for (linalg::LinalgOp op : ops) {
    // n-D tensor.extract (an embedding's row lookup) becomes a contiguous
    // load or a gather.
    if (failed(linalg::vectorizeOpPrecondition(op, {}, {}, /*vectorizeNDExtract=*/true))) {
      ++scalar;
      op->emitWarning("kernel-tile: left scalar (the vectorizer rejects this op)");
      continue;
    }
    rewriter.setInsertionPoint(op);
    (void)linalg::vectorize(rewriter, op, {}, {}, /*vectorizeNDExtract=*/true);
  }
  RewritePatternSet patterns(group.getContext());
  vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
  vector::populateVectorReductionToContractPatterns(patterns);
  tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
  patterns.add<ReadUnitDimsAsShapeCast, UnitDimsAsShapeCast, SliceCopyAsTransfers>(
      group.getContext());
  vector::TransferReadOp::getCanonicalizationPatterns(patterns,
                                                      group.getContext());
  vector::TransferWriteOp::getCanonicalizationPatterns(patterns,
                                                       group.getContext());
  linalg::populateLinalgTilingCanonicalizationPatterns(patterns);
  (void)applyPatternsAndFoldGreedily(group, std::move(patterns), reporting(rewriter));
  return scalar;
}

