//===- LowerVectors.cpp - Finish kernels' vector code on memrefs ----------===//
#include "dialects/Kernel/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln::kernel {
#define GEN_PASS_DEF_KERNELLOWERVECTORSPASS
#include "dialects/Kernel/Transforms/Passes.h.inc"
} // namespace kiln::kernel

using namespace mlir;
using namespace kiln::kernel;

namespace {

/// A contraction whose reduction dims all have size 1 and whose operands
/// each hold the accumulator's elements or a trailing part of them (rows of
/// partial sums: acc[n, l] += x[q, l] * w[n, q, l] one q at a time, x shared
/// by the rows) is a broadcast and one elementwise FMA. The outer-product
/// lowering would unroll it lane by lane.
struct ContractToFMA : OpRewritePattern<vector::ContractionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &rewriter) const override {
    auto accType = dyn_cast<VectorType>(op.getAccType());
    if (!accType || op.getKind() != vector::CombiningKind::ADD)
      return failure();
    SmallVector<int64_t> bounds;
    op.getIterationBounds(bounds);
    for (auto [i, it] : llvm::enumerate(op.getIteratorTypesArray()))
      if (it == vector::IteratorType::reduction && bounds[i] != 1)
        return failure();
    auto nonUnitDims = [&](AffineMap map) {
      SmallVector<unsigned> dims;
      for (AffineExpr e : map.getResults())
        if (bounds[cast<AffineDimExpr>(e).getPosition()] != 1)
          dims.push_back(cast<AffineDimExpr>(e).getPosition());
      return dims;
    };
    auto maps = op.getIndexingMapsArray();
    SmallVector<unsigned> accDims = nonUnitDims(maps[2]);
    // The operand as the accumulator's type: its dims must be the
    // accumulator's last ones, in order; the leading ones are broadcast.
    auto asAcc = [&](Value v, AffineMap map) -> Value {
      SmallVector<unsigned> dims = nonUnitDims(map);
      if (dims.size() > accDims.size() ||
          !llvm::equal(dims, ArrayRef<unsigned>(accDims).take_back(dims.size())))
        return nullptr;
      // Only the accumulator's non-unit dims matter; keep its unit ones too.
      ArrayRef<int64_t> accShape = accType.getShape();
      int64_t trailing = 1, count = 1;
      for (unsigned d : dims)
        count *= bounds[d];
      SmallVector<int64_t> shape;
      for (int64_t i = accShape.size() - 1; i >= 0 && trailing < count; --i) {
        shape.insert(shape.begin(), accShape[i]);
        trailing *= accShape[i];
      }
      if (trailing != count)
        return nullptr;
      auto partType = VectorType::get(shape, accType.getElementType());
      Value part = rewriter.create<vector::ShapeCastOp>(op.getLoc(), partType, v);
      if (partType == accType)
        return part;
      return rewriter.create<vector::BroadcastOp>(op.getLoc(), accType, part);
    };
    if (cast<VectorType>(op.getLhsType()).getNumElements() !=
            accType.getNumElements() &&
        cast<VectorType>(op.getRhsType()).getNumElements() !=
            accType.getNumElements())
      return failure(); // an outer product, not a row of partial sums
    Value lhs = asAcc(op.getLhs(), maps[0]);
    Value rhs = lhs ? asAcc(op.getRhs(), maps[1]) : nullptr;
    if (!lhs || !rhs)
      return failure();
    rewriter.replaceOpWithNewOp<vector::FMAOp>(op, lhs, rhs, op.getAcc());
    return success();
  }
};

/// A reduction of the innermost dim of a 1-D vector or of one or two rows
/// of 16, 32, 64... elements (a single sample's partial sums) becomes one
/// vector.reduction per row, which LLVM lowers to a shuffle tree. The inner-parallel strategy used
/// otherwise puts rows in lanes: with a single row that is a serial chain of
/// scalar ops.
struct InnerDimReduction : OpRewritePattern<vector::MultiDimReductionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::MultiDimReductionOp op,
                                PatternRewriter &rewriter) const override {
    VectorType type = op.getSourceVectorType();
    SmallVector<bool> mask = op.getReductionMask();
    int64_t rank = type.getRank();
    if (rank < 1 || rank > 2 || !mask.back() || (rank == 2 && mask[0]) ||
        (rank == 2 && type.getDimSize(0) > 2) || type.isScalable())
      return failure();
    // Short or ragged rows (softmax over 10 classes) stay on the default
    // path: a shuffle tree pays off on whole vectors.
    int64_t width = type.getShape().back();
    if (width < 16 || !llvm::isPowerOf2_64(width))
      return failure();
    Location loc = op.getLoc();
    if (rank == 1) {
      rewriter.replaceOpWithNewOp<vector::ReductionOp>(op, op.getKind(),
                                                       op.getSource(), op.getAcc());
      return success();
    }
    Value result = rewriter.create<arith::ConstantOp>(
        loc, op.getDestType(), rewriter.getZeroAttr(op.getDestType()));
    for (int64_t i = 0; i < type.getDimSize(0); ++i) {
      Value row = rewriter.create<vector::ExtractOp>(loc, op.getSource(), i);
      Value acc = rewriter.create<vector::ExtractOp>(loc, op.getAcc(), i);
      Value r = rewriter.create<vector::ReductionOp>(loc, op.getKind(), row, acc);
      result = rewriter.create<vector::InsertOp>(loc, r, result, i);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// linalg::hoistRedundantVectorTransfers, one top-level loop nest at a
/// time: it restarts its walk after every hoist, so on a whole function of
/// hundreds of kernels it takes time quadratic in the function. Each nest
/// goes into an scf.execute_region for the call (the walk's root must
/// outlive the loops it rewrites), then back. Its checks for aliasing
/// accesses look at every use of a buffer, inside the nest or not.
void hoistPerLoopNest(func::FuncOp func) {
  SmallVector<Operation *> nests;
  for (Operation &op : func.getBody().front())
    if (isa<LoopLikeOpInterface>(op))
      nests.push_back(&op);
  for (Operation *loop : nests) {
    OpBuilder b(loop);
    auto region = b.create<scf::ExecuteRegionOp>(loop->getLoc(), loop->getResultTypes());
    Block *body = b.createBlock(&region.getRegion());
    loop->replaceAllUsesWith(region.getResults());
    loop->moveBefore(body, body->end());
    b.setInsertionPointToEnd(body);
    b.create<scf::YieldOp>(loop->getLoc(), loop->getResults());
    linalg::hoistRedundantVectorTransfers(region);
    auto yield = cast<scf::YieldOp>(body->getTerminator());
    region->replaceAllUsesWith(yield.getOperands());
    yield->erase();
    region->getBlock()->getOperations().splice(Block::iterator(region),
                                               body->getOperations());
    region->erase();
  }
}

struct KernelLowerVectorsPass
    : kiln::kernel::impl::KernelLowerVectorsPassBase<KernelLowerVectorsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    // Fold subviews into transfers so hoisting sees plain memref indices.
    {
      RewritePatternSet patterns(ctx);
      memref::populateFoldMemRefAliasOpPatterns(patterns);
      vector::TransferReadOp::getCanonicalizationPatterns(patterns, ctx);
      vector::TransferWriteOp::getCanonicalizationPatterns(patterns, ctx);
      if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    IRRewriter rewriter(ctx);
    DominanceInfo dom(func);
    eliminateCommonSubExpressions(rewriter, dom, func);
    hoistPerLoopNest(func);

    // Permuted transfers become minor-identity transfers plus a
    // vector.transpose first, before the transfer lowering below unrolls
    // them into scalar gathers.
    {
      RewritePatternSet patterns(ctx);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    RewritePatternSet patterns(ctx);
    patterns.add<ContractToFMA, InnerDimReduction>(ctx, /*benefit=*/2);
    vector::populateVectorContractLoweringPatterns(
        patterns, vector::VectorTransformsOptions().setVectorTransformsOptions(
                      vector::VectorContractLowering::OuterProduct));
    vector::populateVectorOuterProductLoweringPatterns(patterns);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorTransferLoweringPatterns(patterns,
                                                   /*maxTransferRank=*/1);
    vector::populateVectorShapeCastLoweringPatterns(patterns);
    vector::populateVectorBroadcastLoweringPatterns(patterns);
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerParallel);
    vector::populateVectorTransposeLoweringPatterns(
        patterns, vector::VectorTransformsOptions().setVectorTransposeLowering(
                      vector::VectorTransposeLowering::Shuffle16x16));
    // f32 exp/log/tanh as vector polynomials instead of scalar libm calls.
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
