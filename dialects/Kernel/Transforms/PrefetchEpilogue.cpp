//===- PrefetchEpilogue.cpp - Epilogue operands arrive during the compute -===//
//
// The shape this pass looks for, after bufferization:
//
//   %tile = memref.subview %scratch[%i, %j] [R, C]       // the cache tile
//   scf.for %r = 0 to C step W {                          // register tiles
//     %reg = memref.subview %tile[0, %r] [R, W]
//     ... the reduction into %reg ...
//   }
//   %w = memref.subview %weights[%i, %j] [R, C]           // epilogue views
//   scf.for ... { vector.transfer_read %w ... }
//
// Each register tile prefetches the lines of %w (and its siblings) that lie
// under it, so the epilogue reads them from L1 rather than waiting on L3,
// unless the views are whole rows (C is all of the buffers' columns).
//
#include "dialects/Kernel/Transforms/Passes.h"

#include "mlir/IR/Dominance.h"

namespace kiln::kernel {
#define GEN_PASS_DEF_KERNELPREFETCHEPILOGUEPASS
#include "dialects/Kernel/Transforms/Passes.h.inc"
} // namespace kiln::kernel

using namespace mlir;

namespace {

/// More prefetches than this per register tile would flood the miss buffers
/// in a burst; such epilogues are left to the hardware.
constexpr int64_t kMaxPrefetches = 96;
constexpr int64_t kLineBytes = 64;

/// The register tile `reg` is `tile[0, .., iv, .., 0]` with sizes equal to
/// the tile's except `W` in the dimension of `iv`; returns that dimension.
std::optional<unsigned> registerTileDim(memref::SubViewOp reg, memref::SubViewOp tile,
                                        Value iv, int64_t step) {
  auto offsets = reg.getMixedOffsets();
  auto sizes = reg.getStaticSizes();
  auto tileSizes = tile.getStaticSizes();
  if (sizes.size() != tileSizes.size() || !reg.hasUnitStride())
    return std::nullopt;
  std::optional<unsigned> dim;
  for (auto [d, off] : llvm::enumerate(offsets)) {
    if (auto v = dyn_cast<Value>(off); v && v == iv) {
      if (dim || sizes[d] != step)
        return std::nullopt;
      dim = d;
    } else if (getConstantIntValue(off) != 0 || sizes[d] != tileSizes[d]) {
      return std::nullopt;
    }
  }
  return dim;
}

/// Used, and only by vector transfers: an epilogue's operand, not a copy's.
bool accessedByTransfers(memref::SubViewOp view) {
  return !view->use_empty() && llvm::all_of(view->getUsers(), [](Operation *u) {
    return isa<vector::TransferReadOp, vector::TransferWriteOp>(u);
  });
}

/// Whether `view` takes whole rows of a row-major buffer.
bool wholeRows(memref::SubViewOp view) {
  MemRefType source = view.getSourceType();
  return source.getRank() == 2 && source.getLayout().isIdentity() &&
         !source.isDynamicDim(1) && view.getStaticSizes()[1] == source.getDimSize(1);
}

struct KernelPrefetchEpiloguePass
    : kiln::kernel::impl::KernelPrefetchEpiloguePassBase<KernelPrefetchEpiloguePass> {
  void runOnOperation() override {
    DominanceInfo dom(getOperation());
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp f) { loops.push_back(f); });
    for (scf::ForOp loop : loops)
      prefetch(loop, dom);
  }

  void prefetch(scf::ForOp loop, DominanceInfo &dom) {
    std::optional<int64_t> step = getConstantIntValue(loop.getStep());
    if (!step)
      return;
    // The register tile view and the cache tile it is cut from.
    memref::SubViewOp reg, tile;
    unsigned dim = 0;
    for (auto sv : loop.getBody()->getOps<memref::SubViewOp>()) {
      auto parent = sv.getSource().getDefiningOp<memref::SubViewOp>();
      if (!parent || parent->getBlock() != loop->getBlock())
        continue;
      if (auto d = registerTileDim(sv, parent, loop.getInductionVar(), *step)) {
        reg = sv, tile = parent, dim = *d;
        break;
      }
    }
    // Lines run along the last dimension: register tiles must cut it.
    if (!reg || tile.getType().getRank() != 2 || dim != 1)
      return;
    // The epilogue's views: later views of other buffers in the tile's shape.
    SmallVector<memref::SubViewOp> views;
    for (Operation *op = loop->getNextNode(); op; op = op->getNextNode()) {
      auto sv = dyn_cast<memref::SubViewOp>(op);
      if (!sv || sv.getSource() == tile.getSource() ||
          sv.getStaticSizes() != tile.getStaticSizes() || !sv.hasUnitStride() ||
          !accessedByTransfers(sv))
        continue;
      if (!llvm::all_of(sv->getOperands(),
                        [&](Value v) { return dom.properlyDominates(v, loop); }))
        continue;
      views.push_back(sv);
    }
    // Views of whole rows are one block of memory each, read a row at a
    // time: streams the hardware prefetchers follow. Prefetched as well,
    // fashion_mlp's first weight gradient (8 x 784 views) made its step 5%
    // slower on the Intel Xeon of bench/README.md.
    if (views.empty() || llvm::all_of(views, wholeRows))
      return;
    auto type = tile.getType();
    int64_t bits = type.getElementTypeBitWidth();
    int64_t lineElems = kLineBytes * 8 / bits;
    int64_t rows = type.getDimSize(0);
    int64_t lines = (*step + lineElems - 1) / lineElems;
    if (rows * lines * static_cast<int64_t>(views.size()) > kMaxPrefetches)
      return;

    // The views move above the register tiles (their operands are there).
    for (memref::SubViewOp sv : views)
      sv->moveBefore(loop);
    Location loc = loop.getLoc();
    OpBuilder b = OpBuilder::atBlockBegin(loop.getBody());
    Value iv = loop.getInductionVar();
    SmallVector<Value> at(lines);
    for (int64_t l = 0; l < lines; ++l)
      at[l] = l == 0 ? iv
                     : b.create<arith::AddIOp>(
                           loc, iv, b.create<arith::ConstantIndexOp>(loc, l * lineElems));
    SmallVector<Value> row;
    for (int64_t r = 0; r < rows; ++r)
      row.push_back(b.create<arith::ConstantIndexOp>(loc, r));
    for (memref::SubViewOp view : views)
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t l = 0; l < lines; ++l)
          b.create<memref::PrefetchOp>(loc, view, ValueRange{row[r], at[l]}, /*isWrite=*/false,
                                       /*localityHint=*/3, /*isDataCache=*/true);
    numPrefetched += views.size();
  }
};

} // namespace
