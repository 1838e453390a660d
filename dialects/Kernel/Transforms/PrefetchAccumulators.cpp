//===- PrefetchAccumulators.cpp - The next tile's partial sums, early ------===//
//
// The shape this pass looks for, after bufferization (a product summed in k
// blocks: every block after the first reads its register tile's partial
// sums back from C):
//
//   scf.for %p = %lb to %ub step %s {                  // register tiles
//     %tile = memref.subview %c[.., %p, ..] [R, .., W]  // partial sums
//     scf.for %k = ... {                                // the reduction
//       vector.transfer_read %tile ... ; vector.transfer_write ..., %tile
//     }
//   }
//
// C is far (16 MB for the 2048 matmul) and the tiles' rows are far apart:
// each tile waited on its partial sums from L3 before its first FMA. Each
// tile now prefetches the lines of the next one (at %p + %s) before its
// reduction, so they arrive while it computes. Only where %c, the view the
// tiles are cut from, outgrows half of L2.
//
#include "dialects/Kernel/Transforms/Passes.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace kiln::kernel {
#define GEN_PASS_DEF_KERNELPREFETCHACCUMULATORSPASS
#include "dialects/Kernel/Transforms/Passes.h.inc"
} // namespace kiln::kernel

using namespace mlir;

namespace {

/// More prefetches than this per tile would flood the miss buffers in a
/// burst: a register tile's rows are far fewer.
constexpr int64_t kMaxPrefetches = 64;
constexpr int64_t kLineBytes = 64;

/// The view `loop`'s reduction accumulates into: read and written by vector
/// transfers in its body, which sums products, and cut in the enclosing
/// loop's body before it, where nothing else touches it first (its values
/// come from memory).
memref::SubViewOp accumulatorTile(scf::ForOp loop, scf::ForOp outer) {
  // A reduction: products summed into the tile.
  if (loop.getBody()->getOps<vector::ContractionOp>().empty() &&
      loop.getBody()->getOps<vector::FMAOp>().empty())
    return nullptr;
  memref::SubViewOp tile;
  for (Operation &op : *loop.getBody()) {
    auto read = dyn_cast<vector::TransferReadOp>(op);
    auto sv = read ? read.getSource().getDefiningOp<memref::SubViewOp>() : nullptr;
    if (!sv || sv->getBlock() != outer.getBody())
      continue;
    bool written = llvm::any_of(loop.getBody()->getOps<vector::TransferWriteOp>(),
                                [&](auto w) { return w.getSource() == sv.getResult(); });
    if (written) {
      tile = sv;
      break;
    }
  }
  if (!tile)
    return nullptr;
  // At any depth of the outer loop's body: a tile zeroed first (in an
  // scf.if, say) has nothing in memory to wait for.
  for (Operation *user : tile->getUsers())
    if (Operation *at = outer.getBody()->findAncestorOpInBlock(*user);
        at && at->isBeforeInBlock(loop))
      return nullptr;
  return tile;
}

struct KernelPrefetchAccumulatorsPass
    : kiln::kernel::impl::KernelPrefetchAccumulatorsPassBase<KernelPrefetchAccumulatorsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp f) { loops.push_back(f); });
    for (scf::ForOp loop : loops)
      prefetch(loop);
  }

  void prefetch(scf::ForOp loop) {
    auto outer = dyn_cast<scf::ForOp>(loop->getParentOp());
    if (!outer || !getConstantIntValue(outer.getStep()))
      return;
    memref::SubViewOp tile = accumulatorTile(loop, outer);
    if (!tile || !tile.hasUnitStride() || tile.getType().getRank() < 1)
      return;
    // The next tile: %p -> %p + %s in the one offset that is the outer iv;
    // the others defined above the outer loop.
    Value iv = outer.getInductionVar();
    std::optional<unsigned> dim;
    for (auto [d, off] : llvm::enumerate(tile.getMixedOffsets())) {
      auto v = dyn_cast<Value>(off);
      if (v && v == iv) {
        if (dim)
          return;
        dim = d;
      } else if (v && outer.getRegion().isAncestor(v.getParentRegion())) {
        return;
      }
    }
    ArrayRef<int64_t> sizes = tile.getStaticSizes();
    if (!dim || llvm::any_of(sizes, ShapedType::isDynamic))
      return;
    // A view within half of L2 stays there between its tiles' visits.
    MemRefType source = tile.getSourceType();
    if (!source.hasStaticShape() ||
        source.getNumElements() * source.getElementTypeBitWidth() / 8 <= l2Bytes / 2)
      return;
    Type elem = tile.getType().getElementType();
    if (!elem.isIntOrFloat() || elem.getIntOrFloatBitWidth() % 8 != 0 ||
        elem.getIntOrFloatBitWidth() > kLineBytes * 8)
      return;
    int64_t lineElems = kLineBytes * 8 / elem.getIntOrFloatBitWidth();
    int64_t lines = (sizes.back() + lineElems - 1) / lineElems;
    int64_t count = lines;
    for (int64_t s : sizes.drop_back())
      count *= s;
    if (count > kMaxPrefetches)
      return;

    Location loc = loop.getLoc();
    OpBuilder b(loop);
    Value next = b.create<arith::AddIOp>(loc, iv, outer.getStep());
    Value inRange =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, next, outer.getUpperBound());
    auto guard = b.create<scf::IfOp>(loc, inRange, /*withElseRegion=*/false);
    b.setInsertionPointToStart(&guard.getThenRegion().front());
    SmallVector<OpFoldResult> base(tile.getMixedOffsets());
    base[*dim] = next;
    // base[d] + i, folded when both are constants.
    auto offset = [&](unsigned d, int64_t i) -> Value {
      if (std::optional<int64_t> c = getConstantIntValue(base[d]))
        return b.create<arith::ConstantIndexOp>(loc, *c + i);
      Value v = cast<Value>(base[d]);
      return i == 0 ? v : b.create<arith::AddIOp>(loc, v, b.create<arith::ConstantIndexOp>(loc, i));
    };
    // Every line of the next tile: each index of its leading dims, each line
    // of its last.
    SmallVector<int64_t> index(sizes.size(), 0);
    for (int64_t n = 0; n < count; ++n) {
      int64_t rest = n;
      index.back() = (rest % lines) * lineElems;
      rest /= lines;
      for (int64_t d = static_cast<int64_t>(sizes.size()) - 2; d >= 0; --d) {
        index[d] = rest % sizes[d];
        rest /= sizes[d];
      }
      SmallVector<Value> at;
      for (auto [d, i] : llvm::enumerate(index))
        at.push_back(offset(d, i));
      b.create<memref::PrefetchOp>(loc, tile.getSource(), at, /*isWrite=*/false,
                                   /*localityHint=*/3, /*isDataCache=*/true);
    }
    ++numTiles;
  }
};

} // namespace
