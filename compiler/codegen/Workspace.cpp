//===- Workspace.cpp - Plan every temporary of an entry point into one buffer ===//
//
// After bufferization each temporary is a static memref.alloc. This pass
// gives every one an offset in a single workspace argument (64-byte aligned
// slices; two temporaries share bytes only when their lifetimes, measured in
// top-level ops of the entry block, do not overlap) and replaces it by a
// memref.view. The runtime allocates the workspace once, as large as the
// largest entry point needs, so an entry point makes no heap allocation.
//
#include "compiler/Passes.h"
#include "compiler/codegen/ParallelLoops.h"
#include "dialects/Kernel/IR/KernelAttrs.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace kiln {
#define GEN_PASS_DEF_WORKSPACEPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

constexpr int64_t kAlign = 64;

struct Slice {
  memref::AllocOp alloc;
  int64_t bytes, first, last, offset = 0;
  // Inside a loop that threads may split: a slot for each trip, at
  // `stride` bytes per unit of the induction variable.
  scf::ForOp loop;
  int64_t stride = 0;
};

/// The op of `block` that contains `op`.
Operation *topLevel(Block &block, Operation *op) {
  while (op->getBlock() != &block)
    op = op->getParentOp();
  return op;
}

/// Position (in `order`) of the last top-level op that uses `alloc` or a
/// memref derived from it (views, casts, loop results).
int64_t lastUse(Block &block, Value alloc, DenseMap<Operation *, int64_t> &order) {
  int64_t last = 0;
  SmallVector<Value> work{alloc};
  DenseSet<Value> seen{alloc};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      last = std::max(last, order.lookup(topLevel(block, user)));
      for (Value r : user->getResults())
        if (isa<BaseMemRefType>(r.getType()) && seen.insert(r).second)
          work.push_back(r);
    }
  }
  return last;
}

/// A loop with more trips than this keeps one slot for a temporary made
/// inside it (and stays whole): a recurrence's batch blocks are one per
/// core; tile loops may have hundreds of trips.
constexpr int64_t kMaxSlotTrips = kernel::kMaxParallelTrips;

/// A temporary made inside `top`, a loop whose trips threads may split
/// (kernel.parallel, constant bounds, at most kMaxSlotTrips): a slot per
/// trip, each a multiple of kAlign bytes apart, so that trip k's view starts
/// k * stride * step bytes in.
void perTripSlots(Slice &s, Operation *top) {
  auto loop = dyn_cast<scf::ForOp>(top);
  if (!loop || !loop->hasAttr(kernel::kParallelAttr))
    return;
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  std::optional<int64_t> trips =
      constantTripCount(loop.getLowerBound(), loop.getUpperBound(), loop.getStep());
  if (!step || !trips || *trips < 2 || *trips > kMaxSlotTrips ||
      !getConstantIntValue(loop.getLowerBound()))
    return;
  s.loop = loop;
  s.stride = llvm::alignTo(llvm::divideCeil(s.bytes, *step), kAlign);
  s.bytes = s.stride * *step * *trips;
}

struct WorkspacePass : kiln::impl::WorkspacePassBase<WorkspacePass> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> entries;
    int64_t largest = 0;
    for (auto fn : getOperation().getOps<func::FuncOp>())
      if (fn->hasAttr("kiln.bindings")) {
        if (failed(plan(fn)))
          return signalPassFailure();
        entries.push_back(fn);
        largest = std::max(
            largest, fn->getAttrOfType<IntegerAttr>("kiln.workspace_bytes").getInt());
      }
    // One workspace type for every entry point: the runtime's workspace
    // holds the largest plan (docs/abi.md), and kernels outlined from
    // different entry points stay identical, so they are kept once.
    auto wsType = MemRefType::get({largest}, IntegerType::get(&getContext(), 8));
    for (func::FuncOp fn : entries) {
      Block &block = fn.getBody().front();
      block.getArguments().back().setType(wsType);
      fn.setType(FunctionType::get(&getContext(), block.getArgumentTypes(),
                                   fn.getResultTypes()));
    }
  }

  LogicalResult plan(func::FuncOp fn) {
    Block &block = fn.getBody().front();
    DenseMap<Operation *, int64_t> order;
    for (auto [i, op] : llvm::enumerate(block))
      order[&op] = i;
    SmallVector<Slice> slices;
    WalkResult walk = fn.walk([&](memref::AllocOp alloc) {
      MemRefType t = alloc.getType();
      Type elem = t.getElementType();
      if (!t.hasStaticShape() || !t.getLayout().isIdentity() ||
          !elem.isIntOrFloat())
        return alloc.emitError("kiln-workspace: cannot place ")
                   << t << " in the workspace (static identity-layout "
                              "scalar memrefs only)",
               WalkResult::interrupt();
      // A buffer that leaves its region (yielded by a loop) would need one
      // slice per iteration alive at once; bufferization does not make
      // them, and a single slice would be silently wrong.
      for (Operation *user : alloc->getUsers())
        if (user->hasTrait<OpTrait::IsTerminator>())
          return alloc.emitError("kiln-workspace: a temporary that leaves its "
                                 "region (through ")
                     << user->getName() << ") cannot be placed in the workspace",
                 WalkResult::interrupt();
      int64_t bytes = t.getNumElements() *
                      std::max<int64_t>(1, elem.getIntOrFloatBitWidth() / 8);
      Operation *top = topLevel(block, alloc);
      Slice s{alloc, bytes, order[top], lastUse(block, alloc, order)};
      perTripSlots(s, top);
      slices.push_back(s);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();

    // First fit, in program order: the lowest offset that overlaps no
    // placed slice whose lifetime overlaps this one.
    int64_t total = 0;
    for (size_t i = 0; i < slices.size(); ++i) {
      Slice &s = slices[i];
      int64_t size = llvm::alignTo(s.bytes, kAlign);
      SmallVector<std::pair<int64_t, int64_t>> busy;
      for (size_t j = 0; j < i; ++j)
        if (slices[j].first <= s.last && s.first <= slices[j].last)
          busy.push_back({slices[j].offset,
                          slices[j].offset + llvm::alignTo(slices[j].bytes, kAlign)});
      llvm::sort(busy);
      int64_t offset = 0;
      for (auto [lo, hi] : busy)
        if (offset + size > lo)
          offset = std::max(offset, hi);
      s.offset = offset;
      total = std::max(total, offset + size);
    }

    MLIRContext *ctx = fn.getContext();
    Builder b(ctx);
    auto wsType = MemRefType::get({total}, IntegerType::get(ctx, 8));
    BlockArgument ws = block.addArgument(wsType, fn.getLoc());
    for (Slice &s : slices) {
      OpBuilder ob(s.alloc);
      Value offset;
      if (s.loop) {
        // offset + (iv - lb) * stride, as iv * stride + base, the base a
        // constant made before the loop (kiln-outline-kernels passes it, so
        // that equal layers share a kernel).
        int64_t lb = *getConstantIntValue(s.loop.getLowerBound());
        Value base = OpBuilder(s.loop).create<arith::ConstantIndexOp>(
            s.alloc.getLoc(), s.offset - lb * s.stride);
        offset = perTripOffset(ob, s.alloc.getLoc(), s.loop.getInductionVar(), s.stride, base);
      } else {
        offset = ob.create<arith::ConstantIndexOp>(s.alloc.getLoc(), s.offset);
      }
      Value view = ob.create<memref::ViewOp>(s.alloc.getLoc(), s.alloc.getType(),
                                             ws, offset, ValueRange{});
      for (Operation *user : llvm::make_early_inc_range(s.alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      s.alloc.replaceAllUsesWith(view);
      s.alloc.erase();
    }
    // The function type is set once every entry is planned (the workspace
    // argument's type depends on all of them).
    SmallVector<Attribute> bindings(fn->getAttrOfType<ArrayAttr>("kiln.bindings").getValue());
    bindings.push_back(b.getDictionaryAttr(
        b.getNamedAttr("table", b.getStringAttr("workspace"))));
    fn->setAttr("kiln.bindings", b.getArrayAttr(bindings));
    fn->setAttr("kiln.workspace_bytes", b.getI64IntegerAttr(total));
    return success();
  }
};

} // namespace
