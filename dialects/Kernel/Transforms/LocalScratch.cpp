//===- LocalScratch.cpp - Temporaries used a tile at a time stay in L1 ----===//
//
//   %t = memref.alloc() : memref<512x784xf32>
//   scf.for %i ... scf.for %j ...
//     %tile = memref.subview %t[%i, %j] [16, 112] [1, 1]
//
// becomes a 16x112 alloca in place of %tile: the tile's lines are reused by
// every trip instead of each being written once and evicted dirty.
//
#include "dialects/Kernel/Transforms/Passes.h"

namespace kiln::kernel {
#define GEN_PASS_DEF_KERNELLOCALSCRATCHPASS
#define GEN_PASS_DEF_KERNELHOISTALLOCASPASS
#include "dialects/Kernel/Transforms/Passes.h.inc"
} // namespace kiln::kernel

using namespace mlir;

namespace {

/// Tiles larger than this stay in the workspace: the stack of the thread
/// that calls the model (an application's, perhaps small) holds the alloca.
/// (Half of L1 covers the epilogue tiles; a weight gradient's chunked
/// cache tile can reach a quarter of L2.)
constexpr int64_t kMaxStackBytes = 64 * 1024;

void retarget(OpBuilder &b, memref::SubViewOp view, Value source);

/// Replaces `view` by `replacement` (of another layout): views of it are
/// rebuilt on it, other users read it directly.
void replaceView(OpBuilder &b, memref::SubViewOp view, Value replacement) {
  for (OpOperand &use : llvm::make_early_inc_range(view->getUses())) {
    if (auto inner = dyn_cast<memref::SubViewOp>(use.getOwner()))
      retarget(b, inner, replacement);
    else
      use.set(replacement);
  }
  view->erase();
}

/// Rebuilds `view` on `source` (the same offsets, sizes and strides).
void retarget(OpBuilder &b, memref::SubViewOp view, Value source) {
  b.setInsertionPoint(view);
  auto type = cast<MemRefType>(memref::SubViewOp::inferRankReducedResultType(
      view.getType().getShape(), cast<MemRefType>(source.getType()),
      view.getMixedOffsets(), view.getMixedSizes(), view.getMixedStrides()));
  replaceView(b, view,
              b.create<memref::SubViewOp>(view.getLoc(), type, source, view.getMixedOffsets(),
                                          view.getMixedSizes(), view.getMixedStrides()));
}

/// Every user, through views, reads or writes vectors: nothing else (a
/// call, a copy) may see the new layout.
bool onlyTransfers(Value v) {
  return llvm::all_of(v.getUsers(), [](Operation *u) {
    if (auto sv = dyn_cast<memref::SubViewOp>(u))
      return onlyTransfers(sv);
    return isa<vector::TransferReadOp, vector::TransferWriteOp>(u);
  });
}

/// Each trip of the loops around `tile` views a different tile: every loop's
/// index is one of its offsets. So no trip reads what another one wrote, and
/// one buffer serves them all.
bool tilePerTrip(memref::SubViewOp tile) {
  auto offsets = tile.getOffsets();
  for (auto loop = tile->getParentOfType<scf::ForOp>(); loop;
       loop = loop->getParentOfType<scf::ForOp>())
    if (!llvm::is_contained(offsets, loop.getInductionVar()))
      return false;
  return true;
}

struct KernelLocalScratchPass
    : kiln::kernel::impl::KernelLocalScratchPassBase<KernelLocalScratchPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocOp> allocs;
    getOperation().walk([&](memref::AllocOp a) { allocs.push_back(a); });
    for (memref::AllocOp alloc : allocs) {
      if (!alloc->hasOneUse() || !alloc.getType().hasStaticShape())
        continue;
      auto tile = dyn_cast<memref::SubViewOp>(*alloc->getUsers().begin());
      if (!tile || !tile->getParentOfType<scf::ForOp>() || !tile.hasUnitStride() ||
          !tile.getType().hasStaticShape() || !onlyTransfers(tile) || !tilePerTrip(tile))
        continue;
      auto type = MemRefType::get(tile.getType().getShape(),
                                  tile.getType().getElementType());
      if (type.getNumElements() * type.getElementTypeBitWidth() / 8 > kMaxStackBytes)
        continue;
      OpBuilder b(tile);
      Value local = b.create<memref::AllocaOp>(tile.getLoc(), type, alloc.getAlignmentAttr());
      replaceView(b, tile, local);
      alloc->erase();
      ++numLocalized;
    }
  }
};

struct KernelHoistAllocasPass
    : kiln::kernel::impl::KernelHoistAllocasPassBase<KernelHoistAllocasPass> {
  void runOnOperation() override {
    Block &entry = getOperation().getBody().front();
    getOperation().walk([&](memref::AllocaOp a) {
      if (a->getBlock() != &entry && a->getNumOperands() == 0)
        a->moveBefore(&entry, entry.begin());
    });
  }
};

} // namespace
