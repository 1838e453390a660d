//===- TileKernels.cpp - Apply each kernel.group's schedule ----------------===//
#include "dialects/Kernel/Transforms/Passes.h"
#include "dialects/Kernel/Transforms/Schedule.h"
#include "dialects/Kernel/Transforms/TileKernels.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/RegionUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln::kernel {
#define GEN_PASS_DEF_KERNELTILEPASS
#include "dialects/Kernel/Transforms/Passes.h.inc"
} // namespace kiln::kernel

using namespace mlir;
using namespace kiln::kernel;

GreedyRewriteConfig kiln::kernel::reporting(RewriterBase &rewriter) {
  GreedyRewriteConfig config;
  config.listener = static_cast<RewriterBase::Listener *>(rewriter.getListener());
  return config;
}

namespace {

SmallVector<OpFoldResult> foldResults(OpBuilder &b, ArrayRef<int64_t> sizes) {
  return llvm::map_to_vector(sizes, [&](int64_t s) -> OpFoldResult {
    return b.getIndexAttr(s);
  });
}


/// Whether `loop` runs exactly once (constant bounds).
bool runsOnce(LoopLikeOpInterface loop) {
  auto f = dyn_cast<scf::ForOp>(loop.getOperation());
  return f && constantTripCount(f.getLowerBound(), f.getUpperBound(), f.getStep()) == 1;
}

/// Marks for threads the outermost of `loops` (loop i over dim dims[i]) that
/// runs more than once, when it runs over a parallel dim: its iterations
/// compute disjoint tiles (kiln-outline-kernels checks the writes before
/// threads split it). Loops that run once over parallel dims are skipped
/// (canonicalization removes them: a one-sample conv's batch loop), so the
/// loop over its rows gets the mark.
void markOutermost(RewriterBase &rewriter, ArrayRef<LoopLikeOpInterface> loops,
                   ArrayRef<int64_t> dims, ArrayRef<utils::IteratorType> iterators) {
  for (auto [loop, d] : llvm::zip(loops, dims)) {
    bool parallel = d < int64_t(iterators.size()) && iterators[d] == utils::IteratorType::parallel;
    if (parallel && runsOnce(loop))
      continue;
    if (parallel)
      loop->setAttr(kParallelAttr, rewriter.getUnitAttr());
    return;
  }
}

/// markOutermost for loops made by tiling `sizes` with the loops in `order`
/// (by default the dims' own): one loop per non-zero size.
void markThreads(RewriterBase &rewriter, ArrayRef<LoopLikeOpInterface> loops,
                 ArrayRef<utils::IteratorType> iterators, ArrayRef<int64_t> sizes,
                 ArrayRef<int64_t> order = {}) {
  SmallVector<int64_t> dims;
  for (int64_t i = 0; i < int64_t(sizes.size()); ++i) {
    int64_t d = order.empty() ? i : order[i];
    if (sizes[d] != 0)
      dims.push_back(d);
  }
  markOutermost(rewriter, loops, dims, iterators);
}

bool isFill(Operation *op) { return isa<linalg::FillOp>(op); }

/// Erases ops of `block` whose results are unused and that have no side
/// effects (the untiled originals), last first.
void eraseDead(RewriterBase &rewriter, Block &block) {
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
    if (isOpTriviallyDead(&op))
      rewriter.eraseOp(&op);
}

/// Tiles `op` by `sizes` and replaces it by the loops; on failure reports
/// that it cannot tile `what`.
FailureOr<scf::SCFTilingResult> tileOp(RewriterBase &rewriter, TilingInterface op,
                                       ArrayRef<int64_t> sizes, StringRef what) {
  scf::SCFTilingOptions options;
  options.setTileSizes(foldResults(rewriter, sizes));
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(rewriter, op, options);
  if (failed(tiled)) {
    op->emitError("kernel-tile: cannot tile ") << what;
    return failure();
  }
  rewriter.replaceOp(op, tiled->replacements);
  return tiled;
}

/// MLIR 19's tile-and-fuse follows a destination up through the new tile
/// loops' iter_args and does not stop at the outermost loop: when the init
/// it reaches there is itself a block argument (a parameter an optimizer
/// updates in place, or an enclosing loop's iter_arg), it reads one loop
/// before its array, and when the heap there holds the wrong bytes it calls
/// through a garbage interface (valgrind showed the read tiling fashion_cnn;
/// a rare segfault in a pass thread). Later MLIR stops at the outermost
/// loop. A same-type cast in front of every such init of the ops in `block`
/// that tile (the tiled op's, and those of the producers fusion may reach,
/// whose inits become the loops' when fused; not a tensor.insert_slice's,
/// which fusion never takes) ends the walk at an op result; vectorization
/// and canonicalization fold the casts away.
void castBlockArgumentInits(RewriterBase &rewriter, Block &block) {
  SmallVector<OpOperand *> inits;
  for (Operation &op : block)
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(&op); dps && isa<TilingInterface>(&op))
      for (OpOperand &init : dps.getDpsInitsMutable())
        if (isa<BlockArgument>(init.get()) && isa<RankedTensorType>(init.get().getType()))
          inits.push_back(&init);
  for (OpOperand *init : inits) {
    Operation *op = init->getOwner();
    rewriter.setInsertionPoint(op);
    Value cast = rewriter.create<tensor::CastOp>(op->getLoc(), init->get().getType(), init->get());
    rewriter.modifyOpInPlace(op, [&] { init->set(cast); });
  }
}

/// scf::tileConsumerAndFuseProducersUsingSCF on `op`, after the casts
/// above on its block: every tile-and-fuse goes through here.
FailureOr<scf::SCFTileAndFuseResult> tileAndFuseProducers(RewriterBase &rewriter,
                                                          TilingInterface op,
                                                          const scf::SCFTileAndFuseOptions &options) {
  castBlockArgumentInits(rewriter, *op->getBlock());
  rewriter.setInsertionPoint(op);
  return scf::tileConsumerAndFuseProducersUsingSCF(rewriter, op, options);
}

/// Tiles the group's last op by `sizes` and fuses the group's producers
/// into the loops.
LogicalResult tileAndFuse(RewriterBase &rewriter, GroupOp group,
                          TilingInterface last, ArrayRef<int64_t> sizes) {
  if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
    return success();
  scf::SCFTileAndFuseOptions options;
  options.tilingOptions.setTileSizes(foldResults(rewriter, sizes));
  options.setFusionControlFn(
      [&](tensor::ExtractSliceOp, OpResult producer, bool) {
        // (Only a TilingInterface op fuses; for a cast, MLIR would clone
        // it and the slice into the loop, fail, and leave both dead.)
        bool inside = group->isProperAncestor(producer.getOwner()) &&
                      isa<TilingInterface>(producer.getOwner());
        return std::make_tuple(inside, false);
      });
  FailureOr<scf::SCFTileAndFuseResult> tiled = tileAndFuseProducers(rewriter, last, options);
  if (failed(tiled))
    return last->emitError("kernel-tile: cannot tile this op");
  markThreads(rewriter, tiled->loops, last.getLoopIteratorTypes(), sizes);
  for (auto [orig, repl] : tiled->replacements)
    rewriter.replaceAllUsesWith(orig, repl);
  return success();
}

/// Tiles the group's only op by its cache tiles, loops in the schedule's
/// order; the outermost loop that runs more than once, when it runs over a
/// parallel dim, is marked for threads. Reductions are tiled too: each
/// iteration accumulates into the same output tile.
LogicalResult tileCache(RewriterBase &rewriter, GroupOp group, TilingInterface op) {
  ScheduleAttr schedule = group.getSchedule();
  ArrayRef<int64_t> sizes = schedule.getCache();
  if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
    return success();
  scf::SCFTilingOptions options;
  options.setTileSizes(foldResults(rewriter, sizes));
  SmallVector<int64_t> order(schedule.getOrder());
  if (order.empty())
    order = llvm::to_vector(llvm::seq<int64_t>(0, sizes.size()));
  options.setInterchange(order);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(rewriter, op, options);
  if (failed(tiled))
    return op->emitError("kernel-tile: cannot tile this op by its cache tiles");
  markThreads(rewriter, tiled->loops, op.getLoopIteratorTypes(), sizes, order);
  rewriter.replaceOp(op, tiled->replacements);
  return success();
}

/// Tiles every op of a cache-tiled group by the register tiles (over the
/// op's own loops: the group is its root alone). Marks the outermost loop
/// for threads when the cache tiles made no parallel loop.
LogicalResult tileRegisters(RewriterBase &rewriter, GroupOp group) {
  ArrayRef<int64_t> sizes = group.getTileSizes();
  bool threaded = false;
  group.walk([&](scf::ForOp loop) { threaded |= loop->hasAttr(kParallelAttr); });
  SmallVector<TilingInterface> ops;
  group.walk([&](linalg::LinalgOp op) { ops.push_back(cast<TilingInterface>(op.getOperation())); });
  for (TilingInterface op : ops) {
    SmallVector<utils::IteratorType> iterators = op.getLoopIteratorTypes();
    FailureOr<scf::SCFTilingResult> tiled =
        tileOp(rewriter, op, sizes, "this op by its register tiles");
    if (failed(tiled))
      return failure();
    if (!threaded)
      markThreads(rewriter, tiled->loops, iterators, sizes);
  }
  return success();
}

/// Tiles the reduction loops of the group's reductions (the root).
LogicalResult tileReduction(RewriterBase &rewriter, GroupOp group) {
  if (llvm::all_of(group.getReduceSizes(), [](int64_t s) { return s == 0; }))
    return success();
  // (When the group has contractions, only those: a row sum after rows of
  // partial sums reduces its tile whole, in registers.)
  SmallVector<linalg::LinalgOp> contractions, reductions;
  group.walk([&](linalg::LinalgOp op) {
    if (op.getNumReductionLoops() > 0)
      (isMultiplyAccumulate(op) ? contractions : reductions).push_back(op);
  });
  if (contractions.empty())
    contractions = reductions;
  for (linalg::LinalgOp op : contractions) {
    SmallVector<int64_t> sizes(op.getNumLoops(), 0);
    unsigned r = 0;
    for (auto [i, it] : llvm::enumerate(op.getIteratorTypesArray()))
      if (linalg::isReductionIterator(it) && r < group.getReduceSizes().size())
        sizes[i] = group.getReduceSizes()[r++];
    if (failed(tileOp(rewriter, cast<TilingInterface>(op.getOperation()), sizes,
                      "the reduction")))
      return failure();
  }
  return success();
}

/// The group's op with reduction loops, or null when there is not exactly
/// one.
TilingInterface onlyReduction(GroupOp group) {
  TilingInterface found;
  int64_t count = 0;
  group.walk([&](linalg::LinalgOp op) {
    if (op.getNumReductionLoops() > 0 && count++ == 0)
      found = cast<TilingInterface>(op.getOperation());
  });
  return count == 1 ? found : TilingInterface();
}

/// Cache tiles of a group whose root is its last op and has its fill with
/// it: first the parallel cache tiles, the fill fused (the loop threads
/// split); inside, the root alone by the reduction cache tiles, each chunk
/// accumulating into the filled tile (a fill inside would zero the partial
/// sums); inside those, the root by the register tiles.
LogicalResult tileCacheFused(RewriterBase &rewriter, GroupOp group, TilingInterface last) {
  ScheduleAttr schedule = group.getSchedule();
  ArrayRef<int64_t> cache = schedule.getCache();
  SmallVector<utils::IteratorType> iters = last.getLoopIteratorTypes();
  if (!schedule.getOrder().empty() || cache.size() != iters.size() ||
      onlyReduction(group) != last)
    return group->emitError("kernel-tile: cache tiles over a group of several ops need "
                            "its last op to be its only reduction, in its loops' order");
  SmallVector<int64_t> parallel(cache), reduction(cache);
  for (auto [i, it] : llvm::enumerate(iters))
    (it == utils::IteratorType::parallel ? reduction : parallel)[i] = 0;
  if (failed(tileAndFuse(rewriter, group, last, parallel)))
    return failure();
  eraseDead(rewriter, group.getBody().front());
  for (ArrayRef<int64_t> sizes : {ArrayRef<int64_t>(reduction), group.getTileSizes()}) {
    TilingInterface root = onlyReduction(group);
    if (!root)
      return group->emitError("kernel-tile: after its cache tiles, the group has not exactly "
                              "one op with reductions");
    SmallVector<int64_t> all(sizes);
    all.resize(iters.size(), 0);
    if (llvm::all_of(all, [](int64_t s) { return s == 0; }))
      continue;
    if (failed(tileOp(rewriter, root, all, "this op inside its cache tile")))
      return failure();
  }
  return tileReduction(rewriter, group);
}

/// Tiles `op` by `sizes` (over its loops; missing ones are 0) and fuses into
/// the loops the producers `fuse` accepts. With `threads`, marks the
/// outermost loop for threads when it runs over a parallel dim.
LogicalResult tileFusing(RewriterBase &rewriter, TilingInterface op,
                         ArrayRef<int64_t> sizes,
                         function_ref<bool(Operation *)> fuse, bool threads = false) {
  SmallVector<int64_t> all(sizes.take_front(op.getLoopIteratorTypes().size()));
  all.resize(op.getLoopIteratorTypes().size(), 0);
  if (llvm::all_of(all, [](int64_t s) { return s == 0; }))
    return success();
  scf::SCFTileAndFuseOptions options;
  options.tilingOptions.setTileSizes(foldResults(rewriter, all));
  options.setFusionControlFn([&](tensor::ExtractSliceOp, OpResult producer, bool) {
    return std::make_tuple(fuse(producer.getOwner()), false);
  });
  FailureOr<scf::SCFTileAndFuseResult> tiled = tileAndFuseProducers(rewriter, op, options);
  if (failed(tiled))
    return op->emitError("kernel-tile: cannot tile this op inside its cache tile");
  if (threads)
    markThreads(rewriter, tiled->loops, op.getLoopIteratorTypes(), all);
  for (auto [orig, repl] : tiled->replacements)
    rewriter.replaceAllUsesWith(orig, repl);
  return success();
}

/// A packed product with its fill (kernel-form fuses it only when no cache
/// tile runs over the reduction): the parallel cache tiles, then the
/// register tiles, the fill fused into both, so each register tile starts
/// its sums from zero in registers.
LogicalResult tilePackedFused(RewriterBase &rewriter, GroupOp group, TilingInterface last) {
  ArrayRef<int64_t> cache = group.getSchedule().getCache();
  for (auto [d, it] : llvm::enumerate(last.getLoopIteratorTypes()))
    if (it == utils::IteratorType::reduction && d < cache.size() && cache[d] != 0)
      return group->emitError("kernel-tile: a packed product with its fill needs no cache "
                              "tile over its reduction");
  if (failed(tileAndFuse(rewriter, group, last, cache)))
    return failure();
  eraseDead(rewriter, group.getBody().front());
  bool threaded = false;
  group.walk([&](scf::ForOp loop) { threaded |= loop->hasAttr(kParallelAttr); });
  TilingInterface root = onlyReduction(group);
  if (!root)
    return group->emitError("kernel-tile: after its cache tiles, the packed product is not "
                            "the group's only op with reductions");
  if (failed(tileFusing(rewriter, root, group.getTileSizes(), isFill, !threaded)))
    return failure();
  eraseDead(rewriter, group.getBody().front());
  return tileReduction(rewriter, group);
}

/// Inside the cache tiles of a group with an epilogue schedule: each root
/// (an op with reductions) by the register tiles, its fill fused, then the
/// ops after it by the epilogue tiles, fused with each other.
LogicalResult tileInsideCache(RewriterBase &rewriter, GroupOp group) {
  SmallVector<TilingInterface> roots, after;
  SmallVector<linalg::FillOp> fills; // the roots' accumulators
  group.walk([&](linalg::LinalgOp op) {
    if (op.getNumReductionLoops() > 0) {
      roots.push_back(cast<TilingInterface>(op.getOperation()));
      for (OpOperand &init : op.getDpsInitsMutable())
        if (auto fill = init.get().getDefiningOp<linalg::FillOp>())
          fills.push_back(fill);
    } else if (!isa<linalg::FillOp>(op)) {
      after.push_back(cast<TilingInterface>(op.getOperation()));
    }
  });
  // `cache` past the tiled loops: chunks of the root's reductions. The root
  // alone is tiled by them (the fill stays over the whole cache tile), then
  // by the register tiles inside each chunk.
  ArrayRef<int64_t> chunks = group.getSchedule().getCache().drop_front(group.getTileSizes().size());
  auto never = [](Operation *) { return false; };
  for (TilingInterface root : roots) {
    if (!chunks.empty()) {
      SmallVector<int64_t> sizes;
      unsigned r = 0;
      for (utils::IteratorType it : root.getLoopIteratorTypes())
        sizes.push_back(it == utils::IteratorType::reduction && r < chunks.size() ? chunks[r++] : 0);
      if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
        return group->emitError("kernel-tile: reduction chunks must be positive");
      FailureOr<scf::SCFTilingResult> tiled =
          tileOp(rewriter, root, sizes, "this op by its reduction chunks");
      if (failed(tiled))
        return failure();
      if (tiled->tiledOps.size() != 1)
        return group->emitError("kernel-tile: chunking the reduction made ")
               << tiled->tiledOps.size() << " ops, expected one";
      root = cast<TilingInterface>(tiled->tiledOps.front());
    }
    if (failed(tileFusing(rewriter, root, group.getTileSizes(), chunks.empty() ? isFill : never)))
      return failure();
  }
  // With chunks the fill covers the whole cache tile: in register tiles too,
  // not one vector of the tile (2048 stores in one block for a 256 x 128
  // tile, which LLVM's schedulers took seconds over).
  // (The fill's dims are the root's parallel dims, in order: the register
  // tiles' sizes for them.)
  if (!chunks.empty())
    for (linalg::FillOp fill : fills) {
      ArrayRef<int64_t> sizes = group.getTileSizes();
      int64_t rank = fill.getRank(fill.getDpsInitOperand(0));
      if (rank <= (int64_t)sizes.size() &&
          failed(tileOp(rewriter, cast<TilingInterface>(fill.getOperation()),
                        sizes.take_front(rank), "this fill by its register tiles")))
        return failure();
    }
  eraseDead(rewriter, group.getBody().front());
  if (failed(tileReduction(rewriter, group)))
    return failure();
  // The last of the ops after a root: the one none of them reads.
  DenseSet<Operation *> epilogue;
  for (TilingInterface op : after)
    epilogue.insert(op);
  for (TilingInterface op : after) {
    bool read = llvm::any_of(op->getUsers(), [&](Operation *u) {
      return epilogue.contains(u);
    });
    if (!read && failed(tileFusing(rewriter, op, group.getSchedule().getEpilogue(),
                                   [&](Operation *p) { return epilogue.contains(p); })))
      return failure();
  }
  eraseDead(rewriter, group.getBody().front());
  return success();
}

/// Peels the last, partial tile off every loop whose step does not divide its
/// range, then canonicalizes: full tiles and the remainder both get static
/// shapes, so both vectorize.
void peelPartialTiles(RewriterBase &rewriter, GroupOp group,
                      const FrozenRewritePatternSet &canonicalize) {
  bool peeled = true;
  while (peeled) {
    peeled = false;
    group.walk([&](scf::ForOp loop) {
      std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
      std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
      std::optional<int64_t> step = getConstantIntValue(loop.getStep());
      if (!lb || !ub || !step || *ub - *lb <= *step || (*ub - *lb) % *step == 0)
        return WalkResult::advance();
      scf::ForOp partial;
      rewriter.setInsertionPoint(loop);
      if (failed(scf::peelForLoopAndSimplifyBounds(rewriter, loop, partial)))
        return WalkResult::advance();
      peeled = true;
      return WalkResult::interrupt();
    });
    if (!peeled)
      return;
    (void)applyPatternsAndFoldGreedily(group, canonicalize, reporting(rewriter));
  }
}

/// Replaces the group by its body. Its loop nests are marked with
/// `kernel.nest`, a number unique in the function, kept until
/// kernel-localize-vectors: loop nests of equal shape over the same zero
/// accumulator have equal operands, and CSE, which hashes an op without its
/// regions, compares every such pair, region by region (quadratic in the
/// model's depth).
void dissolve(RewriterBase &rewriter, GroupOp group, int64_t &nests) {
  Block &body = group.getBody().front();
  for (Operation &op : body)
    if (op.getNumRegions() != 0)
      op.setAttr(kNestAttr, rewriter.getI64IntegerAttr(nests++));
  auto yield = cast<YieldOp>(body.getTerminator());
  SmallVector<Value> results(yield.getValues());
  rewriter.eraseOp(yield);
  rewriter.inlineBlockBefore(&body, group);
  rewriter.replaceOp(group, results);
}

/// A group described as text: its ops, attributes and types (uniqued, so
/// by address), with values numbered by where they are defined inside it,
/// and each value from above (a capture) by its type, its defining op's
/// name and result number and, for a constant, its value. Groups with equal
/// keys tile to the same IR up to the captures, unless tiling folds through
/// a capture's producer: `Template::capture` refuses those.
/// Fills `captures` in order of first use.
struct GroupKey {
  std::string text;
  SmallVector<Value> captures;

  explicit GroupKey(GroupOp group) {
    llvm::raw_string_ostream os(text);
    describe(group, os);
  }

private:
  DenseMap<Value, unsigned> local, captured;

  void ref(Value v, llvm::raw_ostream &os) {
    if (auto it = local.find(v); it != local.end()) {
      os << '%' << it->second;
      return;
    }
    auto [it, isNew] = captured.try_emplace(v, captures.size());
    if (isNew) {
      captures.push_back(v);
      os << '{' << v.getType().getAsOpaquePointer();
      if (Operation *def = v.getDefiningOp()) {
        os << ' ' << def->getName() << '#' << cast<OpResult>(v).getResultNumber();
        Attribute value;
        if (matchPattern(v, m_Constant(&value)))
          os << ' ' << value.getAsOpaquePointer();
      }
      os << '}';
    }
    os << '$' << it->second;
  }

  void describe(Operation *op, llvm::raw_ostream &os) {
    os << op->getName() << '(';
    for (Value v : op->getOperands()) {
      ref(v, os);
      os << ',';
    }
    os << ')' << op->getAttrDictionary().getAsOpaquePointer() << "->(";
    for (Value r : op->getResults()) {
      local.try_emplace(r, local.size());
      os << r.getType().getAsOpaquePointer() << ',';
    }
    os << ')';
    for (Region &region : op->getRegions()) {
      os << '{';
      for (Block &block : region) {
        os << "^(";
        for (BlockArgument a : block.getArguments()) {
          local.try_emplace(a, local.size());
          os << a.getType().getAsOpaquePointer() << ',';
        }
        os << ')';
        for (Operation &inner : block)
          describe(&inner, os);
      }
      os << '}';
    }
    os << ';';
  }
};

/// A tiled group kept to stand in for later groups with its key: a block
/// whose arguments are the captures, holding the constants that tiling
/// placed outside the group and a copy of the tiled group.
struct Template {
  std::unique_ptr<Block> block;
  int64_t scalarOps = 0;

  ~Template() {
    if (block)
      erase(*block);
  }

  /// Erases the ops of a block that belongs to no region (they use its
  /// arguments and each other).
  static void erase(Block &block) {
    for (Operation &op : block)
      op.dropAllReferences();
    block.clear();
  }
  Template() = default;
  Template(Template &&) = default;

  /// A copy of `tiled`, a group tiled from one with the captures `caps`;
  /// null when it uses a value from above that is neither a capture nor a
  /// constant that tiling made (`made`): a constant found by folding through
  /// a capture's producer (a splat written into the tensor it reads) is not
  /// described by the key, and another group's would differ.
  static std::unique_ptr<Block> capture(GroupOp tiled, ArrayRef<Value> caps,
                                        const DenseSet<Operation *> &made) {
    auto block = std::make_unique<Block>();
    IRMapping map;
    for (Value c : caps)
      map.map(c, block->addArgument(c.getType(), c.getLoc()));
    llvm::SetVector<Value> above;
    getUsedValuesDefinedAbove(tiled.getBody(), above);
    OpBuilder b(tiled.getContext()); // the block has no region to ask
    b.setInsertionPointToEnd(block.get());
    for (Value v : above) {
      if (map.contains(v))
        continue;
      Operation *def = v.getDefiningOp();
      if (!def || !made.contains(def) || !matchPattern(v, m_Constant())) {
        erase(*block);
        return nullptr;
      }
      b.clone(*def, map);
    }
    b.clone(*tiled, map);
    return block;
  }

  /// Replaces `group`, whose captures are `caps`, by a copy of the template.
  GroupOp instantiate(RewriterBase &rewriter, GroupOp group, ArrayRef<Value> caps) {
    IRMapping map;
    for (auto [arg, c] : llvm::zip_equal(block->getArguments(), caps))
      map.map(arg, c);
    rewriter.setInsertionPoint(group);
    Operation *copy = nullptr;
    for (Operation &op : *block)
      copy = rewriter.clone(op, map);
    rewriter.replaceOp(group, copy->getResults());
    return cast<GroupOp>(copy);
  }
};

struct KernelTilePass : kiln::kernel::impl::KernelTilePassBase<KernelTilePass> {
  /// Canonicalization patterns of every op, gathered once per pass.
  FrozenRewritePatternSet canonicalize;

  LogicalResult initialize(MLIRContext *ctx) override {
    RewritePatternSet patterns(ctx);
    for (Dialect *dialect : ctx->getLoadedDialects())
      dialect->getCanonicalizationPatterns(patterns);
    for (RegisteredOperationName op : ctx->getRegisteredOperations())
      op.getCanonicalizationPatterns(patterns, ctx);
    canonicalize = FrozenRewritePatternSet(std::move(patterns));
    return success();
  }

  /// Tiles `group` in place by its schedule; returns the ops left scalar,
  /// or -1 on failure.
  int64_t tile(RewriterBase &rewriter, GroupOp group) {
    auto yield = cast<YieldOp>(group.getBody().front().getTerminator());
    Operation *last = yield.getValues().empty()
                          ? nullptr
                          : yield.getValues()[0].getDefiningOp();
    if (!group.getSchedule().getEpilogue().empty()) {
      // Cache tiles over the whole group, then its root and the ops after it
      // each by their own tiles.
      auto tileable = dyn_cast_or_null<TilingInterface>(last);
      if (!tileable)
        return group->emitError("kernel-tile: an epilogue schedule needs a tileable last op"), -1;
      ArrayRef<int64_t> cache = group.getSchedule().getCache();
      if (failed(tileAndFuse(rewriter, group, tileable,
                             cache.take_front(group.getTileSizes().size()))))
        return -1;
      eraseDead(rewriter, group.getBody().front());
      peelPartialTiles(rewriter, group, canonicalize);
      if (failed(tileInsideCache(rewriter, group)))
        return -1;
    } else if (!group.getSchedule().getCache().empty()) {
      // A packed product is its group's only op, or has its fill with it
      // (kernel-form); another cache-tiled root has its fill with it.
      auto tileable = dyn_cast_or_null<TilingInterface>(last);
      if (!tileable)
        return group->emitError("kernel-tile: cache tiles need a tileable last op"), -1;
      if (isPackedMatmul(last) && group.getBody().front().getOperations().size() == 3) {
        if (failed(tilePackedFused(rewriter, group, tileable)))
          return -1;
      } else if (group.getBody().front().getOperations().size() != 2) {
        if (failed(tileCacheFused(rewriter, group, tileable)))
          return -1;
      } else {
        if (failed(tileCache(rewriter, group, tileable)))
          return -1;
        peelPartialTiles(rewriter, group, canonicalize);
        if (failed(tileRegisters(rewriter, group)) || failed(tileReduction(rewriter, group)))
          return -1;
      }
    } else if (auto tileable = dyn_cast_or_null<TilingInterface>(last)) {
      if (failed(tileAndFuse(rewriter, group, tileable, group.getTileSizes())))
        return -1;
      // The untiled originals go first, so only the fused tiles get their
      // reductions tiled.
      eraseDead(rewriter, group.getBody().front());
      if (failed(tileReduction(rewriter, group)))
        return -1;
    }
    peelPartialTiles(rewriter, group, canonicalize);
    dropUnitLoops(rewriter, group);
    return group.getVectorize() ? vectorizeAll(rewriter, group) : 0;
  }

  void runOnOperation() override {
    SmallVector<GroupOp> groups;
    getOperation().walk([&](GroupOp g) { groups.push_back(g); });
    IRRewriter rewriter(&getContext());
    int64_t nests = 0;
    // A model repeats its layers, and a layer's groups differ only in what
    // they read: each distinct group is tiled once and copied for the
    // others (tiling, fusion and vectorization cost far more than a copy).
    llvm::StringMap<Template> tiled;
    // The ops tiling makes, to tell the constants it places outside a group
    // from those that were there.
    struct Made : RewriterBase::Listener {
      DenseSet<Operation *> ops;
      void notifyOperationInserted(Operation *op, OpBuilder::InsertPoint) override {
        ops.insert(op);
      }
    } made;
    rewriter.setListener(&made);
    for (GroupOp group : groups) {
      GroupKey key(group);
      auto it = tiled.find(key.text);
      if (it != tiled.end() && it->second.block) {
        ++numCopied;
        numScalarOps += it->second.scalarOps;
        group = it->second.instantiate(rewriter, group, key.captures);
      } else {
        made.ops.clear();
        int64_t scalar = tile(rewriter, group);
        if (scalar < 0)
          return signalPassFailure();
        numScalarOps += scalar;
        if (it == tiled.end()) {
          Template t;
          t.block = Template::capture(group, key.captures, made.ops);
          t.scalarOps = scalar;
          numRefused += !t.block;
          tiled.try_emplace(key.text, std::move(t));
        }
        made.ops.clear();
      }
      dissolve(rewriter, group, nests);
    }
  }
};

} // namespace
