//===- LowerVectors.cpp - Finish kernels' vector code on memrefs ----------===//
#include "dialects/Kernel/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorTransforms.h"
#include "mlir/Dialect/Vector/Utils/VectorUtils.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln::kernel {
#define GEN_PASS_DEF_KERNELLOWERVECTORSPASS
#include "dialects/Kernel/Transforms/Passes.h.inc"
} // namespace kiln::kernel

using namespace mlir;
using namespace kiln::kernel;

namespace {

/// A shape_cast of a broadcast of one element (a row's maximum, broadcast
/// as vector<64x1> and cast to vector<1x64> to subtract it) is a broadcast
/// of that element to the cast's type: a splat, not 64 scalar inserts.
struct ShapeCastOfSplat : OpRewritePattern<vector::ShapeCastOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::ShapeCastOp op,
                                PatternRewriter &rewriter) const override {
    auto broadcast = op.getSource().getDefiningOp<vector::BroadcastOp>();
    if (!broadcast)
      return failure();
    Value element = broadcast.getSource();
    if (auto v = dyn_cast<VectorType>(element.getType())) {
      if (v.isScalable() || v.getNumElements() != 1)
        return failure();
      element = rewriter.create<vector::ExtractOp>(op.getLoc(), element,
                                                   SmallVector<int64_t>(v.getRank(), 0));
    }
    rewriter.replaceOpWithNewOp<vector::BroadcastOp>(op, op.getResultVectorType(), element);
    return success();
  }
};

/// A shape_cast moves runs of contiguous elements: the shorter of the two
/// innermost dims when it divides the longer (vector<4x1x16> to
/// vector<4x16>, as rows read through unit dims come out: 4 rows; a
/// transpose's vector<224> back to vector<16x1x14>: 16). MLIR 19 moves every
/// element of an n-D cast alone (but for 2-D to 1-D and back), which LLVM
/// must then fold back: a third of a transformer's LLVM IR was such scalars.
struct ShapeCastByRows : OpRewritePattern<vector::ShapeCastOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::ShapeCastOp op,
                                PatternRewriter &rewriter) const override {
    VectorType from = op.getSourceVectorType(), to = op.getResultVectorType();
    if (from.isScalable() || to.isScalable() || from.getRank() < 1 || to.getRank() < 1 ||
        (from.getRank() < 2 && to.getRank() < 2))
      return failure();
    int64_t inFrom = from.getShape().back(), inTo = to.getShape().back();
    int64_t run = std::min(inFrom, inTo);
    if (run < 2 || std::max(inFrom, inTo) % run != 0)
      return failure();
    ArrayRef<int64_t> fromRows = from.getShape().drop_back(), toRows = to.getShape().drop_back();
    // Row r's index among the leading dims (row-major).
    SmallVector<int64_t> fromStrides = computeStrides(fromRows), toStrides = computeStrides(toRows);
    Location loc = op.getLoc();
    auto rowType = VectorType::get({inTo}, to.getElementType());
    Value result = rewriter.create<arith::ConstantOp>(loc, to, rewriter.getZeroAttr(to));
    Value row; // the result's row being filled, when runs are shorter than it
    for (int64_t e = 0; e < from.getNumElements(); e += run) {
      Value piece = op.getSource();
      if (!fromRows.empty())
        piece = rewriter.create<vector::ExtractOp>(loc, piece, delinearize(e / inFrom, fromStrides));
      if (run < inFrom)
        piece = rewriter.create<vector::ExtractStridedSliceOp>(
            loc, piece, ArrayRef<int64_t>{e % inFrom}, ArrayRef<int64_t>{run}, ArrayRef<int64_t>{1});
      if (run < inTo) {
        if (e % inTo == 0)
          row = rewriter.create<arith::ConstantOp>(loc, rowType, rewriter.getZeroAttr(rowType));
        row = rewriter.create<vector::InsertStridedSliceOp>(loc, piece, row,
                                                            ArrayRef<int64_t>{e % inTo},
                                                            ArrayRef<int64_t>{1});
        if ((e + run) % inTo != 0)
          continue;
        piece = row;
      }
      result = toRows.empty() ? piece
                              : Value(rewriter.create<vector::InsertOp>(
                                    loc, piece, result, delinearize(e / inTo, toStrides)));
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

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
    // Then within the nest, a read of what a write just put there takes the
    // written vector, and a write that a later one overwrites before any
    // read goes: an accumulator tile no longer goes through memory between
    // its fill, a convolution's taps and its epilogue.
    IRRewriter rewriter(region->getContext());
    vector::transferOpflowOpt(rewriter, region);
    auto yield = cast<scf::YieldOp>(body->getTerminator());
    region->replaceAllUsesWith(yield.getOperands());
    yield->erase();
    region->getBlock()->getOperations().splice(Block::iterator(region),
                                               body->getOperations());
    region->erase();
  }
}

/// Erases the buffers that are only written (through views): after the
/// forwarding above, an accumulator tile's buffer between a contraction
/// and its epilogue (a convolution's output before its bias) is one.
void eraseWriteOnlyBuffers(func::FuncOp func) {
  SmallVector<memref::AllocOp> allocs;
  func.walk([&](memref::AllocOp op) { allocs.push_back(op); });
  for (memref::AllocOp alloc : allocs) {
    llvm::SetVector<Operation *> uses;
    SmallVector<Operation *> worklist{alloc};
    bool onlyWritten = true;
    while (!worklist.empty() && onlyWritten) {
      Operation *op = worklist.pop_back_val();
      for (OpOperand &use : op->getUses()) {
        Operation *user = use.getOwner();
        uses.insert(user);
        if (isa<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp,
                memref::CastOp>(user))
          worklist.push_back(user);
        else if (auto write = dyn_cast<vector::TransferWriteOp>(user))
          onlyWritten &= write.getSource() == use.get();
        else
          onlyWritten &= isa<memref::DeallocOp>(user);
      }
    }
    if (!onlyWritten)
      continue;
    // Users before their views, then the buffer.
    for (Operation *op : llvm::reverse(uses))
      op->erase();
    alloc->erase();
  }
}

/// A square transpose of 4 or 8 rows of 32-bit lanes (the block kernel-form
/// gives transposes and packings at 128 and 256 bits) as the classic
/// unpack / shuffle / lane-permute sequence: 8 or 24 one-dimensional
/// shuffles, where the element-wise lowering makes n^2 extracts and inserts.
/// Plain vector.shuffle, so the C++ printer and any target take it.
struct SquareTransposeAsShuffles : OpRewritePattern<vector::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    VectorType srcType = op.getSourceVectorType();
    if (srcType.isScalable() || srcType.getElementTypeBitWidth() != 32)
      return failure();
    // The two innermost dims of both, swapped, every other one of size 1
    // (the blocks of kernel-form's transposes): rows are extracted and
    // inserted whole.
    int64_t rank = srcType.getRank();
    FailureOr<std::pair<int, int>> dims = vector::isTranspose2DSlice(op);
    ArrayRef<int64_t> perm = op.getPermutation();
    if (failed(dims) || dims->first != rank - 2 || dims->second != rank - 1 ||
        perm[rank - 2] != rank - 1 || perm[rank - 1] != rank - 2)
      return failure();
    int64_t n = srcType.getDimSize(rank - 1);
    if (n != srcType.getDimSize(rank - 2) || (n != 4 && n != 8))
      return failure();
    Location loc = op.getLoc();
    auto at = [&](int64_t row) {
      SmallVector<int64_t> pos(rank - 1, 0);
      pos.back() = row;
      return pos;
    };
    SmallVector<Value> r;
    for (int64_t i = 0; i < n; ++i)
      r.push_back(rewriter.create<vector::ExtractOp>(loc, op.getVector(), at(i)));
    auto shuffle = [&](Value a, Value b, ArrayRef<int64_t> mask) -> Value {
      return rewriter.create<vector::ShuffleOp>(loc, a, b, mask);
    };
    SmallVector<Value> out(n);
    if (n == 4) {
      Value t0 = shuffle(r[0], r[1], {0, 4, 1, 5}), t1 = shuffle(r[0], r[1], {2, 6, 3, 7});
      Value t2 = shuffle(r[2], r[3], {0, 4, 1, 5}), t3 = shuffle(r[2], r[3], {2, 6, 3, 7});
      out = {shuffle(t0, t2, {0, 1, 4, 5}), shuffle(t0, t2, {2, 3, 6, 7}),
             shuffle(t1, t3, {0, 1, 4, 5}), shuffle(t1, t3, {2, 3, 6, 7})};
    } else {
      // Within each 128-bit half: interleave pairs of rows, then pairs of
      // pairs; then swap the halves.
      SmallVector<Value> t, s;
      for (int64_t i = 0; i < 8; i += 2) {
        t.push_back(shuffle(r[i], r[i + 1], {0, 8, 1, 9, 4, 12, 5, 13}));
        t.push_back(shuffle(r[i], r[i + 1], {2, 10, 3, 11, 6, 14, 7, 15}));
      }
      for (int64_t i : {0, 1, 4, 5}) {
        s.push_back(shuffle(t[i], t[i + 2], {0, 1, 8, 9, 4, 5, 12, 13}));
        s.push_back(shuffle(t[i], t[i + 2], {2, 3, 10, 11, 6, 7, 14, 15}));
      }
      // s[0..3] hold columns 0-3 (and 4-7) of rows 0-3, s[4..7] of rows 4-7.
      for (int64_t i = 0; i < 4; ++i) {
        out[i] = shuffle(s[i], s[i + 4], {0, 1, 2, 3, 8, 9, 10, 11});
        out[i + 4] = shuffle(s[i], s[i + 4], {4, 5, 6, 7, 12, 13, 14, 15});
      }
    }
    VectorType resultType = op.getResultVectorType();
    Value result = rewriter.create<arith::ConstantOp>(loc, resultType,
                                                      rewriter.getZeroAttr(resultType));
    for (int64_t i = 0; i < n; ++i)
      result = rewriter.create<vector::InsertOp>(loc, out[i], result, at(i));
    rewriter.replaceOp(op, result);
    return success();
  }
};

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
    // Transfers without their leading unit dims, so a fill's write of
    // [1, 1, 6, 16] and a contraction's read of [6, 16] of one tile match
    // for the forwarding after hoisting.
    {
      RewritePatternSet patterns(ctx);
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    IRRewriter rewriter(ctx);
    DominanceInfo dom(func);
    eliminateCommonSubExpressions(rewriter, dom, func);
    hoistPerLoopNest(func);
    eraseWriteOnlyBuffers(func);

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
    patterns.add<ContractToFMA, InnerDimReduction, SquareTransposeAsShuffles, ShapeCastByRows>(
        ctx, /*benefit=*/2);
    patterns.add<ShapeCastOfSplat>(ctx, /*benefit=*/3);
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
