//===- FormKernels.cpp - Group linalg ops into kernel.group ops -----------===//
#include "dialects/Kernel/Transforms/Passes.h"
#include "dialects/Kernel/Transforms/Schedule.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln::kernel {
#define GEN_PASS_DEF_KERNELFORMPASS
#include "dialects/Kernel/Transforms/Passes.h.inc"
} // namespace kiln::kernel

using namespace mlir;
using namespace kiln::kernel;

namespace {

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

  ScheduleTarget target() const {
    return ScheduleTarget{vectorBits, l1Bytes, l2Bytes, cores, accumulators};
  }

  /// The ops of type OpT not yet in a group, collected before rewriting.
  template <typename OpT>
  SmallVector<OpT> ungrouped() {
    SmallVector<OpT> ops;
    getOperation().walk([&](OpT op) {
      if (!op->template getParentOfType<GroupOp>())
        ops.push_back(op);
    });
    return ops;
  }

  /// How many times `consumer`'s loops run `producer`'s body (a per-channel
  /// 1 / sqrt broadcast over the batch and the image would run it per
  /// element; a pooling's 2 x 2 window, 4 times).
  static int64_t recomputes(linalg::LinalgOp producer, linalg::LinalgOp consumer) {
    auto count = [](linalg::LinalgOp op) {
      int64_t n = 1;
      for (int64_t b : op.getStaticLoopRanges())
        n = ShapedType::isDynamic(b) || n < 0 ? -1 : n * b;
      return n;
    };
    int64_t p = count(producer), c = count(consumer);
    return p > 0 && c > 0 ? c / p : std::numeric_limits<int64_t>::max();
  }

  /// An elementwise op whose only use is an input of an elementwise op over
  /// more loops (read broadcast, as a pooling's gradient over (n, oh, i, ow,
  /// j, c) reads dy) is fused into that op's body when that runs its body at
  /// most 4 times as often: no group would take it, as groups share one
  /// iteration space, and it would write and read a tensor through memory.
  void fuseIntoBroadcastConsumers() {
    IRRewriter rewriter(&getContext());
    for (;;) {
      OpOperand *operand = nullptr;
      getOperation().walk([&](linalg::GenericOp consumer) {
        if (consumer->getParentOfType<GroupOp>() ||
            consumer.getNumParallelLoops() != consumer.getNumLoops())
          return WalkResult::advance();
        for (OpOperand *in : consumer.getDpsInputOperands()) {
          auto producer = in->get().getDefiningOp<linalg::GenericOp>();
          if (producer && producer->hasOneUse() && producer.getNumDpsInits() == 1 &&
              producer.getNumLoops() < consumer.getNumLoops() &&
              recomputes(producer, consumer) <= 4 && linalg::areElementwiseOpsFusable(in)) {
            operand = in;
            return WalkResult::interrupt();
          }
        }
        return WalkResult::advance();
      });
      if (!operand)
        return;
      Operation *consumer = operand->getOwner();
      Operation *producer = operand->get().getDefiningOp();
      rewriter.setInsertionPoint(consumer);
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, operand);
      if (failed(fused))
        return;
      for (auto [orig, repl] : fused->replacements)
        rewriter.replaceAllUsesExcept(orig, repl, fused->fusedOp);
      rewriter.eraseOp(consumer);
      if (producer->use_empty())
        rewriter.eraseOp(producer);
    }
  }

  void runOnOperation() override {
    if (accumulators < 1 || vectorBits < 1 || l1Bytes < 1 || l2Bytes < 1 || cores < 1) {
      getOperation().emitError("kernel-form: the target's vector-bits, l1-bytes, l2-bytes, "
                               "cores and accumulators must be positive");
      return signalPassFailure();
    }
    fuseIntoBroadcastConsumers();
    // Matmuls whose B pays to pack become packed products first; then
    // weight gradients that read A across its rows get A transposed (after
    // the packing, which leaves these matmuls and their epilogues alone).
    for (linalg::MatmulOp op : ungrouped<linalg::MatmulOp>())
      numPacked += packMatmul(op, target()) != nullptr;
    expandPackedConsumers();
    for (linalg::GenericOp op : ungrouped<linalg::GenericOp>())
      numFirstChunks += splitFirstChunk(op);
    for (linalg::MatmulTransposeAOp op : ungrouped<linalg::MatmulTransposeAOp>())
      numLhsTransposed += transposeLhs(op, target()) != nullptr;
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
    // (A packed product's first k block and the rest, when K = 2 kc, have
    // equal ranges too: they stay two groups, each with its schedule.)
    if (!isGenericContraction(op) || isPackedMatmul(op))
      return nullptr;
    auto g = cast<linalg::GenericOp>(op);
    auto prev = g.getDpsInitOperand(0)->get().getDefiningOp<linalg::GenericOp>();
    if (!prev || prev->getBlock() != op->getBlock() || !prev->hasOneUse() ||
        !isGenericContraction(prev) ||
        prev.getStaticLoopRanges() != g.getStaticLoopRanges())
      return nullptr;
    return prev;
  }

  /// Elementwise ops after a packed product read its C [M, N/n, n] through
  /// a collapse to [M, N]: a pass of their own over C in memory (a
  /// transformer's bias after its [2048, 512] products). When the product
  /// has no cache tiles (each register block sums all of k, on a core's
  /// rows), its one consumer, when the group could take it (same block,
  /// reading C and writing with identity maps), is expanded to [M, N/n, n]
  /// (linalg's reshape fusion by expansion: its other operands are viewed
  /// the same way, its result collapsed after), so it joins the product's
  /// group and runs on each register block in registers. Only that op: one
  /// after it reads its collapsed result and stays a group of its own.
  void expandPackedConsumers() {
    auto expands = [&](OpOperand *operand) {
      auto collapse = operand->get().getDefiningOp<tensor::CollapseShapeOp>();
      Operation *consumer = operand->getOwner();
      if (!collapse || !collapse->hasOneUse() || consumer->getParentOfType<GroupOp>() ||
          !isElementwiseConsumerOf(consumer, collapse.getResult()))
        return false;
      auto product = collapse.getSrc().getDefiningOp<linalg::GenericOp>();
      return product && product->hasOneUse() && product->getBlock() == consumer->getBlock() &&
             isPackedMatmul(product) && packedSchedule(product).getCache().empty();
    };
    SmallVector<Operation *> candidates, collapses;
    getOperation().walk([&](linalg::GenericOp g) {
      for (OpOperand &o : g->getOpOperands())
        if (expands(&o)) {
          candidates.push_back(g);
          collapses.push_back(o.get().getDefiningOp());
          break;
        }
    });
    if (candidates.empty())
      return;
    // Applied to those ops alone: the rest of the function is not folded.
    RewritePatternSet patterns(&getContext());
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, expands);
    GreedyRewriteConfig config;
    config.strictMode = GreedyRewriteStrictness::ExistingOps;
    (void)applyOpPatternsAndFold(candidates, std::move(patterns), config);
    // The collapses the expanded ops no longer read (the product keeps one
    // use, so the group's chain takes the op after it).
    for (Operation *collapse : collapses)
      if (collapse->use_empty())
        collapse->erase();
  }

  /// A packed product that sums k in chunks, from a fill: its first chunk
  /// becomes a product of its own that takes the fill (its register tiles
  /// start from the fill's value in registers), and the rest accumulates
  /// into its result. Otherwise the fill is a pass of its own over C in
  /// memory and the first chunk reads those values back (the 2048 matmul:
  /// C is 16 MB). The same sums in the same order: the same bits.
  bool splitFirstChunk(linalg::GenericOp op) {
    if (!isPackedMatmul(op))
      return false;
    ArrayRef<int64_t> cache = packedSchedule(op).getCache();
    auto fill = op.getDpsInitOperand(0)->get().getDefiningOp<linalg::FillOp>();
    int64_t kc = cache.size() == 4 ? cache[3] : 0;
    int64_t k = op.getStaticLoopRanges()[3];
    if (!fill || kc <= 0 || ShapedType::isDynamic(k) || kc >= k)
      return false;
    OpBuilder b(op);
    Location loc = op.getLoc();
    Value a = op.getDpsInputOperand(0)->get(), packed = op.getDpsInputOperand(1)->get();
    auto slice = [&](Value v, int64_t dim, int64_t offset, int64_t size) -> Value {
      auto type = cast<RankedTensorType>(v.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0)), sizes, strides;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        sizes.push_back(b.getIndexAttr(d == dim ? size : type.getDimSize(d)));
        strides.push_back(b.getIndexAttr(1));
      }
      offsets[dim] = b.getIndexAttr(offset);
      return b.create<tensor::ExtractSliceOp>(loc, v, offsets, sizes, strides);
    };
    Value head[] = {slice(a, 1, 0, kc), slice(packed, 1, 0, kc)};
    Value rest[] = {slice(a, 1, kc, k - kc), slice(packed, 1, kc, k - kc)};
    auto first = cast<linalg::GenericOp>(b.clone(*op));
    first->setOperands(0, 2, head);
    op->setOperands(0, 2, rest);
    op.getDpsInitOperand(0)->set(first.getResult(0));
    return true;
  }

  /// The packed product's own schedule (its strategy's, for `op` alone).
  ScheduleAttr packedSchedule(linalg::LinalgOp op) { return chooseSchedule(op, op, target()); }

  /// Whether the packed product `op` sums all of its reduction in each
  /// register tile (its schedule has no cache tile over k).
  bool sumsWhole(linalg::LinalgOp op) {
    ArrayRef<int64_t> cache = packedSchedule(op).getCache();
    return cache.size() != 4 || cache[3] == 0;
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
    // A packed product takes its fill only when no cache tile runs over
    // its reduction (a fill inside those would zero the partial sums):
    // its register tiles then start from zero in registers, and C is
    // neither cleared in memory nor read back.
    auto head = cast<linalg::LinalgOp>(chain.empty() ? root.getOperation() : chain.front());
    for (OpOperand &init : head.getDpsInitsMutable()) {
      if (isPackedMatmul(head) && !sumsWhole(head))
        break;
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
    }
    ops.append(chain);
    ops.push_back(root);
    Operation *last = root;
    // Rows of partial sums (a single sample's dense layer) take their row
    // sums, and the fill those start from, into their group: each tile of
    // rows is reduced in registers, and the partial sums never reach
    // memory, where each thread wrote its rows' and the next kernel read
    // them all back.
    // (chooseSchedule tells the group by the same test.)
    if (linalg::GenericOp sums = rowSumsOf(root.getOperation())) {
      auto fill = sums.getDpsInitOperand(0)->get().getDefiningOp<linalg::FillOp>();
      if (taken.contains(fill) || !fill->hasOneUse() || fill->getBlock() != sums->getBlock()) {
        OpBuilder b(sums);
        auto copy = cast<linalg::FillOp>(b.clone(*fill));
        sums.getDpsInitOperand(0)->set(copy.getResult(0));
        if (fill->use_empty())
          fill->erase();
        fill = copy;
      }
      ops.push_back(fill);
      ops.push_back(sums);
      last = sums;
    }
    // The chain of elementwise consumers of the last op's single result.
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

    ScheduleAttr schedule = chooseSchedule(
        cast<linalg::LinalgOp>(root.getOperation()), cast<linalg::LinalgOp>(last), target());

    // The group sits where the last op was: every outside operand of the
    // chain dominates it and only the last op's results escape.
    OpBuilder b(last);
    auto group = b.create<GroupOp>(last->getLoc(), last->getResultTypes(), schedule,
                                   /*vectorize=*/true);
    Block *body = b.createBlock(&group.getBody());
    b.setInsertionPointToEnd(body);
    auto yield = b.create<YieldOp>(last->getLoc(), last->getResults());
    for (auto [from, to] : llvm::zip(last->getResults(), group.getResults()))
      from.replaceAllUsesExcept(to, yield);
    for (Operation *op : ops)
      op->moveBefore(yield);
  }
};

} // namespace
