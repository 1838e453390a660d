//===- PropagateTransposes.cpp - Cancel layout transposes between layers ---===//
//
// Convolution and pooling lower channels-last between two transposes
// (NCHW -> NHWC -> NCHW). Moving each transpose below the elementwise ops it
// feeds (activations, gradients of activations, cotangent sums) brings it
// next to the following layer's inverse transpose, and the pair cancels:
// consecutive layers stay channels-last.
//
#include "compiler/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln {
#define GEN_PASS_DEF_PROPAGATETRANSPOSESPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

Value transposed(PatternRewriter &rewriter, Location loc, Value x,
                 ArrayRef<int64_t> perm) {
  auto t = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(t.getDimSize(p));
  Value init = rewriter.create<tensor::EmptyOp>(loc, shape, t.getElementType());
  return rewriter.create<linalg::TransposeOp>(loc, x, init, perm).getResult()[0];
}

/// transpose(transpose(x, p1), p2) is x transposed by p1 ∘ p2, or x.
struct ComposeTransposes : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<linalg::TransposeOp>();
    if (!inner)
      return failure();
    ArrayRef<int64_t> p1 = inner.getPermutation(), p2 = op.getPermutation();
    SmallVector<int64_t> perm;
    for (int64_t p : p2)
      perm.push_back(p1[p]);
    if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
      rewriter.replaceOp(op, inner.getInput());
    else
      rewriter.replaceOp(op, transposed(rewriter, op.getLoc(), inner.getInput(), perm));
    return success();
  }
};

/// A transpose that keeps the order of the dims larger than 1 moves no data:
/// a reshape.
struct TransposeAsReshape : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto in = cast<RankedTensorType>(op.getInput().getType());
    int64_t last = -1;
    for (int64_t p : op.getPermutation()) {
      if (in.getDimSize(p) == 1)
        continue;
      if (p < last)
        return failure();
      last = p;
    }
    auto out = cast<RankedTensorType>(op.getResult()[0].getType());
    auto all = [](int64_t rank) {
      ReassociationIndices r;
      for (int64_t i = 0; i < rank; ++i)
        r.push_back(i);
      return SmallVector<ReassociationIndices>{r};
    };
    Value flat = rewriter.create<tensor::CollapseShapeOp>(
        op.getLoc(), RankedTensorType::get({in.getNumElements()}, in.getElementType()),
        op.getInput(), all(in.getRank()));
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, out, flat, all(out.getRank()));
    return success();
  }
};

/// elementwise(transpose(a, p), transpose(b, p), scalars...) is
/// transpose(elementwise(a, b, scalars...), p); linalg.index d of the body
/// becomes linalg.index p[d].
struct SinkTransposeBelowElementwise : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 0)
      return failure();
    std::optional<SmallVector<int64_t>> perm;
    SmallVector<Value> inputs;
    for (OpOperand *in : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(in);
      if (map.getNumResults() == 0) {
        inputs.push_back(in->get());
        continue;
      }
      auto t = in->get().getDefiningOp<linalg::TransposeOp>();
      if (!map.isIdentity() || !t ||
          (perm && !llvm::equal(*perm, t.getPermutation())))
        return failure();
      perm = SmallVector<int64_t>(t.getPermutation());
      inputs.push_back(t.getInput());
    }
    OpOperand *init = op.getDpsInitOperand(0);
    if (!perm || !op.getMatchingIndexingMap(init).isIdentity() ||
        !op.getMatchingBlockArgument(init).use_empty())
      return failure();
    // The result in the inputs' order of dims: old dim i is new dim p[i].
    auto rt = cast<RankedTensorType>(op.getResult(0).getType());
    SmallVector<int64_t> shape(rt.getRank());
    for (auto [i, p] : llvm::enumerate(*perm))
      shape[p] = rt.getDimSize(i);
    Location loc = op.getLoc();
    Value empty = rewriter.create<tensor::EmptyOp>(loc, shape, rt.getElementType());
    auto moved = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{empty.getType()}, inputs, ValueRange{empty},
        op.getIndexingMapsArray(), op.getIteratorTypesArray());
    rewriter.cloneRegionBefore(op.getRegion(), moved.getRegion(),
                               moved.getRegion().end());
    SmallVector<linalg::IndexOp> indices;
    moved.getRegion().walk([&](linalg::IndexOp i) { indices.push_back(i); });
    for (linalg::IndexOp i : indices) {
      rewriter.setInsertionPoint(i);
      rewriter.replaceOpWithNewOp<linalg::IndexOp>(i, (*perm)[i.getDim()]);
    }
    rewriter.setInsertionPointAfter(moved);
    rewriter.replaceOp(op, transposed(rewriter, loc, moved.getResult(0), *perm));
    return success();
  }
};

struct PropagateTransposesPass
    : kiln::impl::PropagateTransposesPassBase<PropagateTransposesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ComposeTransposes, TransposeAsReshape,
                 SinkTransposeBelowElementwise>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
