//===- FoldTripViews.cpp - Trips' loads and stores index their buffers ----===//
//
// A copy inside a loop that threads may split (a recurrence's batch blocks)
// reads and writes through a subview the loop makes of a sequence:
//
//   scf.for %k ... {
//     %rows = memref.subview %seq[%at, 0, 0] [16, 30, 64] [1, 1, 1]
//     memref.store %v, %rows[%i, %t, %j]
//   } {kernel.parallel}
//
// kiln-outline-kernels only knows what a trip touches through buffers made
// outside the loop: here the store indexes %seq[%at + %i, %t, %j]. Only such
// loads and stores are rewritten (fold-memref-alias-ops' patterns, applied
// to them alone): folding reshapes too would delinearize indices with
// divisions in every other kernel.
//
#include "compiler/Passes.h"
#include "dialects/Kernel/IR/KernelAttrs.h"

#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln {
#define GEN_PASS_DEF_FOLDTRIPVIEWSPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

struct FoldTripViewsPass : kiln::impl::FoldTripViewsPassBase<FoldTripViewsPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (fn.getBody().empty())
      return;
    SmallVector<Operation *> ops;
    for (auto loop : fn.getBody().front().getOps<scf::ForOp>()) {
      if (!loop->hasAttr(kernel::kParallelAttr))
        continue;
      loop.walk([&](Operation *op) {
        Value memref;
        if (auto load = dyn_cast<memref::LoadOp>(op))
          memref = load.getMemRef();
        else if (auto store = dyn_cast<memref::StoreOp>(op))
          memref = store.getMemRef();
        auto view = memref ? memref.getDefiningOp<memref::SubViewOp>() : nullptr;
        if (view && !loop.isDefinedOutsideOfLoop(view))
          ops.push_back(op);
      });
    }
    if (ops.empty())
      return;
    RewritePatternSet patterns(&getContext());
    memref::populateFoldMemRefAliasOpPatterns(patterns);
    GreedyRewriteConfig config;
    config.strictMode = GreedyRewriteStrictness::ExistingOps;
    (void)applyOpPatternsAndFold(ops, std::move(patterns), config);
  }
};

} // namespace
