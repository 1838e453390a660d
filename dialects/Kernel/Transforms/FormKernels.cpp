//===- FormKernels.cpp - Group linalg ops into kernel.group ops -----------===//
#include "dialects/Kernel/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/IR/IRMapping.h"

namespace kiln::kernel {
#define GEN_PASS_DEF_KERNELFORMPASS
#include "dialects/Kernel/Transforms/Passes.h.inc"
} // namespace kiln::kernel

using namespace mlir;
using namespace kiln::kernel;

namespace {

/// The largest divisor of `n` that is at most `cap` (so tiles are static).
int64_t divisorAtMost(int64_t n, int64_t cap) {
  for (int64_t d = std::min(n, cap); d > 1; --d)
    if (n % d == 0)
      return d;
  return 1;
}

/// A tile along a vectorized dimension: whole vectors (odd widths legalize
/// poorly), the largest multiple of `lanes` up to `cap` that divides `n`;
/// else the largest that leaves less than one vector over, which kernel-tile
/// peels. Dimensions narrower than a vector are taken whole.
int64_t vectorTile(int64_t n, int64_t lanes, int64_t cap) {
  if (n <= lanes)
    return n;
  int64_t top = std::min(n - n % lanes, cap - cap % lanes);
  for (int64_t d = top; d >= lanes; d -= lanes)
    if (n % d == 0)
      return d;
  for (int64_t d = top; d > lanes; d -= lanes)
    if (n % d < lanes)
      return d;
  return lanes;
}

/// A row tile: the largest divisor of `n` up to `cap` when it is at least
/// half of `cap`, else `cap` with the remainder peeled.
int64_t rowTile(int64_t n, int64_t cap) {
  int64_t d = divisorAtMost(n, cap);
  return 2 * d >= std::min(n, cap) ? d : cap;
}

bool isContraction(Operation *op) {
  return isa<linalg::MatmulOp, linalg::MatmulTransposeAOp,
             linalg::MatmulTransposeBOp>(op);
}

/// A generic that multiplies two operands and sums over its reduction loops
/// (a convolution tap, a weight gradient), writing its parallel loops in
/// order: it gets a matmul's register block over its two innermost output
/// dims of more than one element.
bool isGenericContraction(Operation *op) {
  auto g = dyn_cast<linalg::GenericOp>(op);
  if (!g || g.getNumReductionLoops() == 0 || g.getNumDpsInits() != 1 ||
      !linalg::isaContractionOpInterface(cast<linalg::LinalgOp>(op)))
    return false;
  // Parallel loops first (a reduction between them is a row of partial
  // sums, scheduled as such), and the output's innermost dim innermost in an
  // input too, so the vectors are contiguous loads.
  auto iters = g.getIteratorTypesArray();
  if (!llvm::is_sorted(iters, [](utils::IteratorType a, utils::IteratorType b) {
        return linalg::isParallelIterator(a) && !linalg::isParallelIterator(b);
      }))
    return false;
  AffineMap out = g.getMatchingIndexingMap(g.getDpsInitOperand(0));
  if (out.getNumResults() == 0 ||
      llvm::none_of(g.getDpsInputOperands(), [&](OpOperand *in) {
        AffineMap m = g.getMatchingIndexingMap(in);
        return m.getNumResults() > 0 &&
               m.getResults().back() == out.getResults().back();
      }))
    return false;
  for (auto [i, e] : llvm::enumerate(out.getResults())) {
    auto d = dyn_cast<AffineDimExpr>(e);
    if (!d || !linalg::isParallelIterator(g.getIteratorTypesArray()[d.getPosition()]))
      return false;
    if (i > 0 && cast<AffineDimExpr>(out.getResult(i - 1)).getPosition() >= d.getPosition())
      return false;
  }
  return true;
}

/// An all-parallel generic reading `v` with an identity map and writing with
/// identity maps: it can share `v`'s tiles.
bool isElementwiseConsumerOf(Operation *user, Value v) {
  auto g = dyn_cast<linalg::GenericOp>(user);
  if (!g || g.getNumParallelLoops() != g.getNumLoops() ||
      g.getNumLoops() != cast<ShapedType>(v.getType()).getRank())
    return false;
  for (OpOperand &o : g->getOpOperands())
    if (o.get() == v && !g.getMatchingIndexingMap(&o).isIdentity())
      return false;
  for (OpOperand &o : g.getDpsInitsMutable())
    if (!g.getMatchingIndexingMap(&o).isIdentity())
      return false;
  return true;
}

struct KernelFormPass : kiln::kernel::impl::KernelFormPassBase<KernelFormPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> roots;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!op->getParentOfType<GroupOp>() && !isa<linalg::FillOp>(op))
        roots.push_back(op);
    });
    // A tap feeding the next tap joins the group of the last tap.
    llvm::erase_if(roots, [](linalg::LinalgOp op) {
      return op->hasOneUse() &&
             chainedProducer(*op->getUsers().begin()) == op.getOperation();
    });
    DenseSet<Operation *> taken;
    for (linalg::LinalgOp root : roots)
      if (!taken.contains(root))
        formGroup(root, taken);
    // Fills not absorbed by a root become their own (trivial) kernels.
    SmallVector<linalg::FillOp> fills;
    getOperation().walk([&](linalg::FillOp f) {
      if (!f->getParentOfType<GroupOp>())
        fills.push_back(f);
    });
    for (linalg::FillOp f : fills)
      formGroup(f, taken);
  }

  /// The contraction whose single use is as the accumulator of `op`, a
  /// contraction in the same block (a convolution's previous tap): chained,
  /// the taps share one tile of accumulators.
  static linalg::GenericOp chainedProducer(Operation *op) {
    if (!isGenericContraction(op))
      return nullptr;
    auto g = cast<linalg::GenericOp>(op);
    auto prev = g.getDpsInitOperand(0)->get().getDefiningOp<linalg::GenericOp>();
    if (!prev || prev->getBlock() != op->getBlock() || !prev->hasOneUse() ||
        !isGenericContraction(prev) ||
        prev.getStaticLoopRanges() != g.getStaticLoopRanges())
      return nullptr;
    return prev;
  }

  void formGroup(linalg::LinalgOp root, DenseSet<Operation *> &taken) {
    SmallVector<Operation *> ops;
    // Earlier taps accumulating into the root, first one first.
    SmallVector<Operation *> chain;
    for (Operation *op = root; auto prev = chainedProducer(op); op = prev)
      if (!taken.contains(prev))
        chain.insert(chain.begin(), prev);
    // The fill that initializes the chain's head (or the root).
    // CSE may have merged equal fills, also with one outside the loop the
    // head is in; each group gets its own copy so the fill is fused into the
    // group's tiles (and a loop's accumulator is refilled in place).
    auto head = cast<linalg::LinalgOp>(chain.empty() ? root.getOperation() : chain.front());
    for (OpOperand &init : head.getDpsInitsMutable())
      if (auto fill = init.get().getDefiningOp<linalg::FillOp>()) {
        if (taken.contains(fill) || !fill->getParentRegion()->isAncestor(head->getParentRegion()))
          continue;
        if (!fill->hasOneUse() || fill->getBlock() != head->getBlock()) {
          OpBuilder b(head);
          auto copy = cast<linalg::FillOp>(b.clone(*fill));
          init.set(copy.getResult(0));
          if (fill->use_empty())
            fill->erase();
          fill = copy;
        }
        ops.push_back(fill);
      }
    ops.append(chain);
    ops.push_back(root);
    // The chain of elementwise consumers of the root's single result.
    Operation *last = root;
    while (last->getNumResults() == 1 && last->getResult(0).hasOneUse()) {
      Operation *user = *last->getResult(0).getUsers().begin();
      if (user->getBlock() != last->getBlock() || taken.contains(user) ||
          !isElementwiseConsumerOf(user, last->getResult(0)))
        break;
      ops.push_back(user);
      last = user;
    }
    for (Operation *op : ops)
      taken.insert(op);

    SmallVector<int64_t> tile, reduce;
    // Every tile is bounded (at most 64 x 64 elements), so every group can
    // be vectorized; ops the vectorizer rejects stay scalar.
    schedule(cast<linalg::LinalgOp>(root.getOperation()),
             cast<linalg::LinalgOp>(last), tile, reduce);

    // The group sits where the last op was: every outside operand of the
    // chain dominates it and only the last op's results escape.
    OpBuilder b(last);
    auto group = b.create<GroupOp>(last->getLoc(), last->getResultTypes(),
                                   b.getDenseI64ArrayAttr(tile),
                                   b.getDenseI64ArrayAttr(reduce), /*vectorize=*/true);
    Block *body = b.createBlock(&group.getBody());
    b.setInsertionPointToEnd(body);
    auto yield = b.create<YieldOp>(last->getLoc(), last->getResults());
    for (auto [from, to] : llvm::zip(last->getResults(), group.getResults()))
      from.replaceAllUsesExcept(to, yield);
    for (Operation *op : ops)
      op->moveBefore(yield);
  }

  /// Tile sizes over the last op's loops and the root's reduction tiles.
  void schedule(linalg::LinalgOp root, linalg::LinalgOp last,
                SmallVectorImpl<int64_t> &tile,
                SmallVectorImpl<int64_t> &reduce) {
    Type elem = getElementTypeOrSelf(last->getResult(0).getType());
    int64_t lanes = std::max<int64_t>(1, vectorBits / elem.getIntOrFloatBitWidth());
    SmallVector<int64_t> bounds = last.getStaticLoopRanges();
    auto iters = last.getIteratorTypesArray();
    tile.assign(bounds.size(), 0);
    if (isContraction(root) && bounds.size() >= 2) {
      // A register block of 16 accumulators (8 rows by two vectors, or 16
      // rows by one), reduced one k at a time.
      tile[1] = vectorTile(bounds[1], lanes, 2 * lanes);
      tile[0] = rowTile(bounds[0], tile[1] <= lanes ? 16 : 8);
      reduce.push_back(1);
      return;
    }
    if (isGenericContraction(root) &&
        llvm::any_of(iters, linalg::isParallelIterator)) {
      // Columns: the innermost output dim, in vectors; rows: the next one
      // out with more than one element; every reduction one step at a time.
      // (`last` is the root itself or an elementwise consumer: its parallel
      // loops are the output dims; the root's reductions are tiled below.)
      SmallVector<int64_t> par;
      for (auto [i, it] : llvm::enumerate(iters))
        if (linalg::isParallelIterator(it))
          par.push_back(i);
      for (int64_t i : par)
        tile[i] = 1;
      int64_t v = par.back();
      tile[v] = vectorTile(bounds[v], lanes, 2 * lanes);
      int64_t r = -1;
      for (int64_t i = par.size() - 2; i >= 0 && r < 0; --i)
        if (bounds[par[i]] > 1)
          r = par[i];
      if (r >= 0)
        tile[r] = rowTile(bounds[r], tile[v] <= lanes ? 16 : 8);
      reduce.assign(root.getNumReductionLoops(), 1);
      return;
    }
    if (auto t = dyn_cast<linalg::TransposeOp>(last.getOperation())) {
      // A square block of lanes x lanes over the two dims that are innermost
      // in the input and in the output; every other dim one at a time. (All
      // dims by lanes would make a vector of lanes^rank elements.)
      int64_t rank = bounds.size();
      tile.assign(rank, 1);
      int64_t outInner = rank - 1;
      int64_t inInner = llvm::find(t.getPermutation(), rank - 1) -
                        t.getPermutation().begin();
      if (inInner == outInner) {
        tile[outInner] = vectorTile(bounds[outInner], lanes, 4 * lanes);
        return;
      }
      tile[outInner] = vectorTile(bounds[outInner], lanes, lanes);
      tile[inInner] = vectorTile(bounds[inInner], lanes, lanes);
      return;
    }
    // A root that reduces its innermost loop (a row reduction) works one
    // row at a time; otherwise rows of up to four vectors along the innermost
    // parallel loop, outer parallel loops one at a time.
    auto rootIters = root.getIteratorTypesArray();
    bool rowReduction = !rootIters.empty() &&
                        !linalg::isParallelIterator(rootIters.back());
    int innermost = -1;
    for (int i = bounds.size() - 1; i >= 0; --i)
      if (linalg::isParallelIterator(iters[i])) {
        innermost = i;
        break;
      }
    for (int i = 0; i < (int)bounds.size(); ++i)
      if (linalg::isParallelIterator(iters[i]))
        tile[i] = i == innermost && !rowReduction
                      ? vectorTile(bounds[i], lanes, 4 * lanes)
                      : 1;
    // A reduction between parallel loops (rows of partial sums, as in a
    // single sample's dense layer) is one serial FMA chain per vector: take
    // up to 4 rows of the outermost loop so more chains hide the latency.
    bool middleReduction = false;
    for (int i = 0; i < innermost && i < (int)rootIters.size(); ++i)
      middleReduction |= !linalg::isParallelIterator(rootIters[i]);
    if (middleReduction && !rowReduction && innermost > 0 &&
        bounds.size() == rootIters.size() && linalg::isParallelIterator(iters[0]))
      tile[0] = rowTile(bounds[0], 4);
    // An outer reduction (a sum over the batch) accumulates one row of
    // vectors per step; an innermost one reduces chunks of up to four
    // vectors, so no vector grows with the batch or the class count.
    SmallVector<int64_t> rootBounds = root.getStaticLoopRanges();
    for (size_t i = 0; i < rootIters.size(); ++i)
      if (!linalg::isParallelIterator(rootIters[i]))
        reduce.push_back(i + 1 < rootIters.size()
                             ? 1
                             : vectorTile(rootBounds[i], lanes, 4 * lanes));
  }
};

} // namespace
